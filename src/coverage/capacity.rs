//! Expert capacity an area can really use when advisers are shared.
//!
//! Adding up the loads of an area's experts overstates what the area can get
//! twice over: an adviser who is an expert in several areas has one load for
//! all of them, and an adviser reviews a proposal at most once, so a load of
//! 6 is worth at most as many places as the area has proposals for them.
//! Both limits are the capacities of one flow network:
//!
//! ```text
//! source ─(k_p)→ proposal p ─(1, when a is an expert for p)→ adviser a ─(max_load_a)→ sink
//! ```
//!
//! The maximum flow `f(S)` into the proposals of a set of areas `S` is the
//! most expert places those areas can fill at once. Maximum flows into sets
//! of sinks form a polymatroid (Edmonds 1970; the gammoid rank for unit
//! capacities), so a flow that gives the other areas their most, `f(others)`,
//! extends to a maximum flow of the whole call, and the expert places left to
//! area `A` are exactly `f(all) − f(others)`. That is `usable_capacity`: the
//! places A's proposals can be sure of with every other area served as well
//! as it can be. It never exceeds the area's demand (Σ k), and it is below
//! the demand exactly when the area cannot get all its experts without taking
//! them from another area (or at all).
//!
//! Cost: one flow for the call and one per area (areas in parallel with
//! rayon); Dinic's algorithm on a unit-capacity middle layer.

use rayon::prelude::*;

use crate::model::{AdviserIx, AreaIx};

/// One expert pair, as (proposal, adviser).
pub type ExpertPair = (usize, AdviserIx);

/// The flow network of a call's expert pairs.
pub struct ExpertNetwork<'a> {
    /// Area of each proposal.
    pub area_of: &'a [AreaIx],
    /// Places each proposal needs (k).
    pub k: &'a [u32],
    /// max_load of each adviser.
    pub max_load: &'a [u32],
    /// Expert pairs (each pair at most once).
    pub pairs: &'a [ExpertPair],
}

impl ExpertNetwork<'_> {
    /// Most expert places the proposals of areas where `include(area)` is
    /// true can fill at once.
    pub fn max_places(&self, include: impl Fn(AreaIx) -> bool) -> u64 {
        let np = self.k.len();
        let na = self.max_load.len();
        let (s, t) = (0, 1);
        let mut g = Dinic::new(2 + np + na);
        for (p, &k) in self.k.iter().enumerate() {
            if k > 0 && include(self.area_of[p]) {
                g.add(s, 2 + p, u64::from(k));
            }
        }
        for &(p, a) in self.pairs {
            if include(self.area_of[p]) {
                g.add(2 + p, 2 + np + a, 1);
            }
        }
        for (a, &l) in self.max_load.iter().enumerate() {
            if l > 0 {
                g.add(2 + np + a, t, u64::from(l));
            }
        }
        g.max_flow(s, t)
    }

    /// `usable_capacity` of every area `0..n_areas`: `f(all) − f(others)`.
    pub fn usable_per_area(&self, n_areas: usize) -> Vec<u64> {
        let all = self.max_places(|_| true);
        (0..n_areas)
            .into_par_iter()
            .map(|a| all.saturating_sub(self.max_places(|x| x != a)))
            .collect()
    }
}

/// Dinic's maximum flow on an adjacency list of paired arcs.
struct Dinic {
    head: Vec<Vec<usize>>,
    to: Vec<usize>,
    cap: Vec<u64>,
    level: Vec<u32>,
    next: Vec<usize>,
}

impl Dinic {
    fn new(n: usize) -> Self {
        Dinic {
            head: vec![Vec::new(); n],
            to: Vec::new(),
            cap: Vec::new(),
            level: vec![0; n],
            next: vec![0; n],
        }
    }

    fn add(&mut self, u: usize, v: usize, c: u64) {
        self.head[u].push(self.to.len());
        self.to.push(v);
        self.cap.push(c);
        self.head[v].push(self.to.len());
        self.to.push(u);
        self.cap.push(0);
    }

    fn bfs(&mut self, s: usize, t: usize) -> bool {
        self.level.iter_mut().for_each(|l| *l = u32::MAX);
        self.level[s] = 0;
        let mut queue = std::collections::VecDeque::from([s]);
        while let Some(u) = queue.pop_front() {
            for &e in &self.head[u] {
                let v = self.to[e];
                if self.cap[e] > 0 && self.level[v] == u32::MAX {
                    self.level[v] = self.level[u] + 1;
                    queue.push_back(v);
                }
            }
        }
        self.level[t] != u32::MAX
    }

    /// One blocking-flow augmentation along level-increasing arcs, with an
    /// explicit stack (no recursion depth limit on long paths).
    fn augment(&mut self, s: usize, t: usize) -> u64 {
        let mut path: Vec<usize> = Vec::new();
        let mut u = s;
        loop {
            if u == t {
                let push = path.iter().map(|&e| self.cap[e]).min().unwrap_or(0);
                for &e in &path {
                    self.cap[e] -= push;
                    self.cap[e ^ 1] += push;
                }
                return push;
            }
            let mut advanced = false;
            while self.next[u] < self.head[u].len() {
                let e = self.head[u][self.next[u]];
                let v = self.to[e];
                if self.cap[e] > 0 && self.level[v] == self.level[u] + 1 {
                    path.push(e);
                    u = v;
                    advanced = true;
                    break;
                }
                self.next[u] += 1;
            }
            if !advanced {
                // Dead end: retreat and skip the arc that led here.
                self.level[u] = u32::MAX;
                match path.pop() {
                    Some(e) => {
                        u = self.to[e ^ 1];
                        self.next[u] += 1;
                    }
                    None => return 0,
                }
            }
        }
    }

    fn max_flow(&mut self, s: usize, t: usize) -> u64 {
        let mut flow = 0;
        while self.bfs(s, t) {
            self.next.iter_mut().for_each(|n| *n = 0);
            loop {
                let f = self.augment(s, t);
                if f == 0 {
                    break;
                }
                flow += f;
            }
        }
        flow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two areas share advisers S1 and S2 (load 2 each). A01 has proposals
    /// P0, P1 and its own adviser X4 (load 5); A05 has P2, P3, P4 and its own
    /// X3 (load 5); k = 2 everywhere, every adviser an expert in their areas.
    /// An adviser reviews a proposal once, so X4 fills 2 places and X3 3;
    /// the 4 places of S1+S2 must cover A01's other 2 and A05's other 3.
    fn shared() -> (Vec<usize>, Vec<u32>, Vec<u32>, Vec<ExpertPair>) {
        let area_of = vec![0, 0, 1, 1, 1];
        let k = vec![2; 5];
        // Advisers: 0 = S1, 1 = S2, 2 = X3, 3 = X4.
        let max_load = vec![2, 2, 5, 5];
        let mut pairs = Vec::new();
        for p in 0..5 {
            pairs.push((p, 0));
            pairs.push((p, 1));
            pairs.push((p, if p < 2 { 3 } else { 2 }));
        }
        (area_of, k, max_load, pairs)
    }

    #[test]
    fn shared_advisers_are_counted_once() {
        let (area_of, k, max_load, pairs) = shared();
        let net = ExpertNetwork {
            area_of: &area_of,
            k: &k,
            max_load: &max_load,
            pairs: &pairs,
        };
        // The whole call: X4 2 + X3 3 + S1/S2 4 = 9 of the 10 places.
        assert_eq!(net.max_places(|_| true), 9);
        // A01 alone gets its 4; A05 alone its 6.
        assert_eq!(net.max_places(|a| a == 0), 4);
        assert_eq!(net.max_places(|a| a == 1), 6);
        // With the other area served first: A01 9 − 6 = 3 of 4, A05 9 − 4 = 5
        // of 6. Summing loads would give A05 2 + 2 + 5 = 9 ≥ 6.
        assert_eq!(net.usable_per_area(2), vec![3, 5]);
    }

    #[test]
    fn brute_force_agrees_on_small_cases() {
        // Every 0/1 choice of pairs within loads and k, on a 3×3 call.
        let area_of = vec![0, 0, 1];
        let k = vec![2, 1, 2];
        let max_load = vec![1, 2, 1];
        let pairs: Vec<ExpertPair> = (0..3).flat_map(|p| (0..3).map(move |a| (p, a))).collect();
        let net = ExpertNetwork {
            area_of: &area_of,
            k: &k,
            max_load: &max_load,
            pairs: &pairs,
        };
        let best = |include: &dyn Fn(usize) -> bool| -> u64 {
            let mut best = 0;
            for mask in 0u32..(1 << pairs.len()) {
                let chosen: Vec<_> = (0..pairs.len()).filter(|i| mask >> i & 1 == 1).collect();
                let ok_p = (0..3).all(|p| {
                    let n = chosen.iter().filter(|&&i| pairs[i].0 == p).count() as u32;
                    n <= k[p] && (n == 0 || include(area_of[p]))
                });
                let ok_a = (0..3).all(|a| {
                    chosen.iter().filter(|&&i| pairs[i].1 == a).count() as u32 <= max_load[a]
                });
                if ok_p && ok_a {
                    best = best.max(chosen.len() as u64);
                }
            }
            best
        };
        assert_eq!(net.max_places(|_| true), best(&|_| true));
        assert_eq!(net.max_places(|a| a == 0), best(&|a| a == 0));
        assert_eq!(net.max_places(|a| a == 1), best(&|a| a == 1));
        let all = best(&|_| true);
        assert_eq!(
            net.usable_per_area(2),
            vec![all - best(&|a| a == 1), all - best(&|a| a == 0)]
        );
    }
}
