//! Flow network and the two flow algorithms the solver needs.
//!
//! [`Network`] is a plain residual graph on dense node indexes: arcs are
//! stored in pairs (`e` forward, `e ^ 1` its reverse), adjacency in CSR form,
//! capacities `i32`, costs `i64`, node supplies `i64` (positive = excess to
//! send, negative = deficit to absorb). It knows nothing of proposals or
//! advisers; `encode` builds it.
//!
//! * [`min_cost_flow`]: successive shortest paths (SSP) with Dijkstra on
//!   reduced costs (Johnson potentials) and **early termination**: each search
//!   starts at one node with excess and stops at the first settled node with a
//!   deficit; only settled nodes get their potential updated,
//!   `π'(v) = π(v) + d(v) − d(t)`, which keeps every residual reduced cost
//!   non-negative (Ahuja, Magnanti & Orlin, *Network Flows*, 1993, §9.7; the
//!   same update as the Jonker–Volgenant / Hungarian shortest augmenting path
//!   method). Exact for integer costs: the result is a minimum-cost flow.
//! * [`max_flow`]: Dinic's blocking-flow algorithm (Dinic 1970) from a single
//!   source to a single sink, O(E·√V) on unit-capacity bipartite parts; used
//!   for feasibility tests (fair objective) and the minimum cut (diagnosis).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Residual network. Arc `e` goes `tail(e) -> head[e]`; `e ^ 1` is its reverse.
#[derive(Clone, Debug, Default)]
pub(crate) struct Network {
    pub n: usize,
    pub head: Vec<u32>,
    /// Residual capacity.
    pub cap: Vec<i32>,
    pub cost: Vec<i64>,
    pub supply: Vec<i64>,
    /// Node potentials left by [`min_cost_flow`]: every residual arc has
    /// `cost + π(tail) − π(head) ≥ 0` (the optimality certificate).
    pub potential: Vec<i64>,
    start: Vec<u32>,
    adj: Vec<u32>,
}

impl Network {
    pub fn new(n: usize) -> Network {
        Network {
            n,
            supply: vec![0; n],
            ..Network::default()
        }
    }

    pub fn add_node(&mut self) -> usize {
        self.n += 1;
        self.supply.push(0);
        self.n - 1
    }

    /// Adds `u -> v` with capacity `cap` and cost `cost`; returns the arc index.
    pub fn add_arc(&mut self, u: usize, v: usize, cap: i32, cost: i64) -> usize {
        let e = self.head.len();
        self.head.push(v as u32);
        self.cap.push(cap);
        self.cost.push(cost);
        self.head.push(u as u32);
        self.cap.push(0);
        self.cost.push(-cost);
        e
    }

    /// Builds the adjacency (CSR). Call once after the last `add_arc`.
    pub fn finish(&mut self) {
        let mut deg = vec![0u32; self.n + 1];
        for e in 0..self.head.len() {
            deg[self.tail(e) + 1] += 1;
        }
        for v in 0..self.n {
            deg[v + 1] += deg[v];
        }
        let mut pos = deg.clone();
        let mut adj = vec![0u32; self.head.len()];
        for e in 0..self.head.len() {
            let t = self.tail(e);
            adj[pos[t] as usize] = e as u32;
            pos[t] += 1;
        }
        self.start = deg;
        self.adj = adj;
    }

    #[inline]
    pub fn tail(&self, e: usize) -> usize {
        self.head[e ^ 1] as usize
    }

    #[inline]
    pub fn arcs(&self, v: usize) -> &[u32] {
        &self.adj[self.start[v] as usize..self.start[v + 1] as usize]
    }

    /// Flow on forward arc `e` given its original capacity.
    #[inline]
    pub fn flow(&self, e: usize) -> i32 {
        self.cap[e ^ 1]
    }
}

/// Counters from [`min_cost_flow`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FlowCounters {
    pub searches: u64,
    pub augmentations: u64,
}

/// Sends every supply to the deficits at minimum total cost.
///
/// Precondition: every forward arc goes from a lower to a higher node index
/// (the encoder numbers nodes in layer order), so the network is a DAG and
/// initial potentials come from one pass in index order. Returns `None` when
/// some excess cannot reach any deficit (infeasible); the residual network
/// is then left part-way.
///
/// Complexity: one Dijkstra (O(E log V) worst case, usually a small
/// neighbourhood thanks to early termination) per augmentation, and at most
/// `Σ supply⁺` augmentations.
pub(crate) fn min_cost_flow(net: &mut Network) -> Option<FlowCounters> {
    let n = net.n;
    // Initial potentials: shortest distance from a virtual root joined to
    // every node by a 0-cost arc; one pass suffices on a DAG in index order.
    let mut pi = vec![0i64; n];
    for u in 0..n {
        for &e in net.arcs(u) {
            let e = e as usize;
            if e & 1 == 0 && net.cap[e] > 0 {
                let v = net.head[e] as usize;
                debug_assert!(v > u, "encoder must number nodes in layer order");
                let d = pi[u] + net.cost[e];
                if d < pi[v] {
                    pi[v] = d;
                }
            }
        }
    }
    let mut excess = net.supply.clone();
    let mut dist = vec![i64::MAX; n];
    let mut pred = vec![u32::MAX; n];
    let mut settled = vec![false; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut done: Vec<u32> = Vec::new();
    let mut heap: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
    let mut counters = FlowCounters::default();

    for s in 0..n {
        while excess[s] > 0 {
            counters.searches += 1;
            heap.clear();
            dist[s] = 0;
            touched.push(s as u32);
            heap.push(Reverse((0, s as u32)));
            let mut target = None;
            while let Some(Reverse((d, u))) = heap.pop() {
                let u = u as usize;
                if settled[u] || d > dist[u] {
                    continue;
                }
                settled[u] = true;
                done.push(u as u32);
                if excess[u] < 0 {
                    target = Some(u);
                    break;
                }
                for &e in net.arcs(u) {
                    let e = e as usize;
                    if net.cap[e] <= 0 {
                        continue;
                    }
                    let v = net.head[e] as usize;
                    if settled[v] {
                        continue;
                    }
                    let rc = net.cost[e] + pi[u] - pi[v];
                    debug_assert!(rc >= 0, "reduced cost must stay non-negative");
                    let nd = d + rc;
                    if nd < dist[v] {
                        if dist[v] == i64::MAX {
                            touched.push(v as u32);
                        }
                        dist[v] = nd;
                        pred[v] = e as u32;
                        heap.push(Reverse((nd, v as u32)));
                    }
                }
            }
            // No deficit reachable: infeasible.
            let Some(t) = target else {
                net.potential = pi;
                return None;
            };
            let dt = dist[t];
            for &v in &done {
                let v = v as usize;
                pi[v] += dist[v] - dt;
            }
            // Bottleneck along the path, then augment.
            let mut delta = excess[s].min(-excess[t]);
            let mut v = t;
            while v != s {
                let e = pred[v] as usize;
                delta = delta.min(net.cap[e] as i64);
                v = net.tail(e);
            }
            let mut v = t;
            while v != s {
                let e = pred[v] as usize;
                net.cap[e] -= delta as i32;
                net.cap[e ^ 1] += delta as i32;
                v = net.tail(e);
            }
            excess[s] -= delta;
            excess[t] += delta;
            counters.augmentations += 1;
            for &v in &touched {
                let v = v as usize;
                dist[v] = i64::MAX;
                settled[v] = false;
                pred[v] = u32::MAX;
            }
            touched.clear();
            done.clear();
        }
    }
    net.potential = pi;
    Some(counters)
}

/// Maximum flow from `s` to `t` (Dinic). Returns the flow value; the
/// residual capacities are left in `net`, so [`reachable`] then gives the
/// source side of a minimum cut.
pub(crate) fn max_flow(net: &mut Network, s: usize, t: usize) -> i64 {
    let n = net.n;
    let mut level = vec![u32::MAX; n];
    let mut it = vec![0u32; n];
    let mut queue = Vec::with_capacity(n);
    let mut total = 0i64;
    loop {
        level.iter_mut().for_each(|l| *l = u32::MAX);
        level[s] = 0;
        queue.clear();
        queue.push(s as u32);
        let mut qi = 0;
        while qi < queue.len() {
            let u = queue[qi] as usize;
            qi += 1;
            for &e in net.arcs(u) {
                let e = e as usize;
                let v = net.head[e] as usize;
                if net.cap[e] > 0 && level[v] == u32::MAX {
                    level[v] = level[u] + 1;
                    queue.push(v as u32);
                }
            }
        }
        if level[t] == u32::MAX {
            return total;
        }
        it.copy_from_slice(&net.start[..n]);
        // Iterative DFS for blocking flow (recursion could overflow the stack
        // on long paths).
        let mut path: Vec<u32> = Vec::new();
        loop {
            let u = match path.last() {
                Some(&e) => net.head[e as usize] as usize,
                None => s,
            };
            if u == t {
                let mut delta = i32::MAX;
                for &e in &path {
                    delta = delta.min(net.cap[e as usize]);
                }
                for &e in &path {
                    net.cap[e as usize] -= delta;
                    net.cap[e as usize ^ 1] += delta;
                }
                total += delta as i64;
                // Restart from the source; saturated arcs are skipped below.
                path.clear();
                continue;
            }
            let end = net.start[u + 1];
            let mut advanced = false;
            while it[u] < end {
                let e = net.adj[it[u] as usize] as usize;
                let v = net.head[e] as usize;
                if net.cap[e] > 0 && level[v] == level[u] + 1 {
                    path.push(e as u32);
                    advanced = true;
                    break;
                }
                it[u] += 1;
            }
            if !advanced {
                // Dead end: retreat and skip the arc that led here.
                level[u] = u32::MAX;
                match path.pop() {
                    Some(e) => {
                        let p = net.tail(e as usize);
                        it[p] += 1;
                    }
                    None => break,
                }
            }
        }
    }
}

/// Nodes reachable from `s` along arcs with residual capacity.
pub(crate) fn reachable(net: &Network, s: usize) -> Vec<bool> {
    let mut seen = vec![false; net.n];
    let mut stack = vec![s];
    seen[s] = true;
    while let Some(u) = stack.pop() {
        for &e in net.arcs(u) {
            let e = e as usize;
            let v = net.head[e] as usize;
            if net.cap[e] > 0 && !seen[v] {
                seen[v] = true;
                stack.push(v);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Classic 2x2 assignment: costs [[4,1],[2,3]] -> optimum 1+2 = 3.
    #[test]
    fn min_cost_flow_solves_small_assignment() {
        let mut net = Network::new(5); // 0,1 rows; 2,3 cols; 4 sink
        net.supply[0] = 1;
        net.supply[1] = 1;
        net.supply[4] = -2;
        let c = [[4, 1], [2, 3]];
        let mut arcs = vec![];
        for (i, row) in c.iter().enumerate() {
            for (j, &cost) in row.iter().enumerate() {
                arcs.push((i, j, net.add_arc(i, 2 + j, 1, cost)));
            }
        }
        net.add_arc(2, 4, 1, 0);
        net.add_arc(3, 4, 1, 0);
        net.finish();
        min_cost_flow(&mut net).expect("feasible");
        let cost: i64 = arcs
            .iter()
            .map(|&(i, j, e)| net.flow(e) as i64 * c[i][j])
            .sum();
        assert_eq!(cost, 3);
    }

    #[test]
    fn max_flow_and_cut_on_bottleneck() {
        // s=0 -> {1,2,3} (cap 1 each) -> 4 (cap 1), 5 (cap 1) -> t=6
        let mut net = Network::new(7);
        for p in 1..=3 {
            net.add_arc(0, p, 1, 0);
            net.add_arc(p, 4, 1, 0);
            net.add_arc(p, 5, 1, 0);
        }
        net.add_arc(4, 6, 1, 0);
        net.add_arc(5, 6, 1, 0);
        net.finish();
        assert_eq!(max_flow(&mut net, 0, 6), 2);
        let r = reachable(&net, 0);
        assert!(r[1] && r[2] && r[3] && r[4] && r[5] && !r[6]);
    }
}
