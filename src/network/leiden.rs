//! Community detection by the Leiden algorithm.
//!
//! Traag, Waltman & van Eck (2019), "From Louvain to Leiden: guaranteeing
//! well-connected communities", Sci. Rep. 9:5233. Why Leiden and not
//! Louvain: Louvain can leave a community internally disconnected (a node
//! that held it together moves away and nothing splits the rest; the paper
//! finds up to 16 % badly connected communities on real networks), and a
//! planner reading "community 3" expects one connected group. Leiden adds a
//! refinement phase between moving and aggregating:
//!
//! 1. **Fast local moving** (Algorithm A.2): a queue of nodes in random
//!    order; each node moves to the neighbouring (or an empty) community
//!    with the largest modularity gain `k_v,C − γ K_C k_v / 2m`; when a node
//!    moves, its neighbours outside the new community re-enter the queue.
//! 2. **Refinement** (Algorithm A.3, `MergeNodesSubset`): inside each
//!    community `S`, start from singletons; a node `v` that is still a
//!    singleton and well connected to `S` (`E(v, S − v) ≥ γ k_v (K_S − k_v) / 2m`)
//!    joins a well-connected refined community `C ⊆ S` chosen at random
//!    with probability ∝ `exp(ΔH / θ)` among those with `ΔH ≥ 0` (staying
//!    alone has ΔH = 0). Only communities joined to `v` by an edge are
//!    candidates, so every refined community is connected.
//! 3. **Aggregation** on the *refined* partition, with the unrefined
//!    partition as the start of the next level.
//!
//! Repeat until the moving phase leaves every aggregate node in its own
//! community; then every community is one refined community, hence
//! connected (the paper's Theorem 1 guarantee). A final pass splits any
//! community that is still disconnected (only possible if the iteration cap
//! is hit), which never lowers modularity: the split removes a positive
//! null-model term and no internal edge.
//!
//! Deterministic for a seed: node orders and refinement choices come from
//! `ChaCha8Rng(seed)` on stream `stream`. Sequential: each move depends on
//! the previous one. Quality: modularity with resolution γ, as in
//! [`super::louvain::modularity`].

use std::collections::VecDeque;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::csr::Csr;
use super::louvain::{aggregate, modularity, renumber, Weighted};

/// Randomness of the refinement (θ in the paper; 0.01 as in the paper and
/// in `leidenalg`). Gains are in edge-weight units, so θ = 0.01 makes the
/// choice nearly greedy while still breaking ties at random.
const THETA: f64 = 0.01;

/// Levels at most; real graphs converge in a handful.
const MAX_LEVELS: usize = 64;

/// Best of `restarts` (at least 1) Leiden runs, streams `0..restarts` of
/// `ChaCha8Rng(seed)`; ties keep the earlier run. Returns the community of
/// every node (labels `0..c` in order of first node) and the modularity.
pub fn leiden_best(g: Csr, resolution: f64, seed: u64, restarts: usize) -> (Vec<usize>, f64) {
    // The runs are independent, so they run side by side; the choice
    // among them is made in stream order, as if they had run one by one.
    let runs: Vec<(Vec<usize>, f64)> = (0..restarts.max(1) as u64)
        .into_par_iter()
        .map(|i| leiden(g, resolution, seed, i))
        .collect();
    let mut best: Option<(Vec<usize>, f64)> = None;
    for run in runs {
        if best.as_ref().is_none_or(|b| run.1 > b.1) {
            best = Some(run);
        }
    }
    // Invariant: at least one run happened.
    best.expect("restarts >= 1")
}

/// One Leiden run (see the module doc). Cost: `O(m)` per pass of the
/// moving phase and per refinement, a few passes per level.
pub fn leiden(g: Csr, resolution: f64, seed: u64, stream: u64) -> (Vec<usize>, f64) {
    let n = g.node_count();
    if g.edge_count() == 0 {
        return ((0..n).collect(), 0.0);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    let mut level = Weighted::from_csr(g);
    let m2: f64 = level.k.iter().sum();
    // Original node → aggregate node of the current level.
    let mut node_agg: Vec<usize> = (0..n).collect();
    // Aggregate node → community (the unrefined partition).
    let mut part: Vec<usize> = (0..n).collect();
    for _ in 0..MAX_LEVELS {
        part = move_nodes(&level, part, resolution, m2, &mut rng);
        let (p, count) = renumber(&part);
        part = p;
        if count == level.n() {
            break;
        }
        let refined = refine(&level, &part, resolution, m2, &mut rng);
        let (refined, r_count) = renumber(&refined);
        if r_count == level.n() {
            // Refinement merged nothing: aggregating would repeat this level.
            break;
        }
        // Parent community of each refined community (refined ⊆ part).
        let mut parent = vec![0usize; r_count];
        for (v, &r) in refined.iter().enumerate() {
            parent[r] = part[v];
        }
        level = aggregate(&level, &refined, r_count);
        for a in node_agg.iter_mut() {
            *a = refined[*a];
        }
        part = parent;
    }
    let membership: Vec<usize> = node_agg.iter().map(|&a| part[a]).collect();
    let membership = split_disconnected(g, &membership);
    let q = modularity(g, &membership, resolution);
    (membership, q)
}

/// Fast local moving (Algorithm A.2) from the partition `comm`.
fn move_nodes(
    g: &Weighted,
    mut comm: Vec<usize>,
    gamma: f64,
    m2: f64,
    rng: &mut ChaCha8Rng,
) -> Vec<usize> {
    let n = g.n();
    let mut tot = vec![0.0f64; n];
    let mut size = vec![0usize; n];
    for (&c, &k) in comm.iter().zip(&g.k) {
        tot[c] += k;
        size[c] += 1;
    }
    let mut empty: Vec<usize> = (0..n).filter(|&c| size[c] == 0).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    let mut queue: VecDeque<usize> = order.into();
    let mut queued = vec![true; n];
    let mut neigh_w = vec![0.0f64; n];
    let mut touched: Vec<usize> = Vec::new();
    while let Some(v) = queue.pop_front() {
        queued[v] = false;
        let cv = comm[v];
        for e in g.offsets[v]..g.offsets[v + 1] {
            let c = comm[g.adj[e] as usize];
            if neigh_w[c] == 0.0 {
                touched.push(c);
            }
            neigh_w[c] += f64::from(g.w[e]);
        }
        let kv = g.k[v];
        tot[cv] -= kv;
        size[cv] -= 1;
        // Staying (in what is left of cv) versus an empty community (gain 0).
        let mut best = cv;
        let mut best_gain = neigh_w[cv] - gamma * tot[cv] * kv / m2;
        for &c in &touched {
            let gain = neigh_w[c] - gamma * tot[c] * kv / m2;
            if gain > best_gain + 1e-12 {
                best = c;
                best_gain = gain;
            }
        }
        if best_gain < -1e-12 && size[cv] > 0 {
            // An empty community beats every neighbour (and staying).
            if let Some(e) = empty.pop() {
                best = e;
            }
        }
        if size[cv] == 0 && best != cv {
            empty.push(cv);
        }
        tot[best] += kv;
        size[best] += 1;
        if best != cv {
            comm[v] = best;
            for e in g.offsets[v]..g.offsets[v + 1] {
                let u = g.adj[e] as usize;
                if !queued[u] && comm[u] != best {
                    queued[u] = true;
                    queue.push_back(u);
                }
            }
        }
        for &c in &touched {
            neigh_w[c] = 0.0;
        }
        touched.clear();
    }
    comm
}

/// Refinement (Algorithm A.3) of `part`: returns the refined partition,
/// each refined community inside one community of `part` and connected.
fn refine(g: &Weighted, part: &[usize], gamma: f64, m2: f64, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let n = g.n();
    let c_count = part.iter().max().map_or(0, |c| c + 1);
    // K_S: total degree of each community of `part`.
    let mut k_s = vec![0.0f64; c_count];
    for (&c, &k) in part.iter().zip(&g.k) {
        k_s[c] += k;
    }
    // E(v, S − v): weight from v to the rest of its community.
    let ext_v: Vec<f64> = (0..n)
        .map(|v| {
            (g.offsets[v]..g.offsets[v + 1])
                .filter(|&e| part[g.adj[e] as usize] == part[v])
                .map(|e| f64::from(g.w[e]))
                .sum()
        })
        .collect();
    let mut refined: Vec<usize> = (0..n).collect();
    let mut r_k: Vec<f64> = g.k.clone();
    let mut r_ext: Vec<f64> = ext_v.clone();
    let mut r_size = vec![1usize; n];
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    let mut neigh_w = vec![0.0f64; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut cands: Vec<(usize, f64)> = Vec::new();
    let mut weights: Vec<f64> = Vec::new();
    for v in order {
        let s = part[v];
        let kv = g.k[v];
        // Only singletons that are well connected to their community move.
        if r_size[refined[v]] != 1 || ext_v[v] < gamma * kv * (k_s[s] - kv) / m2 {
            continue;
        }
        for e in g.offsets[v]..g.offsets[v + 1] {
            let u = g.adj[e] as usize;
            if part[u] != s {
                continue;
            }
            let c = refined[u];
            if neigh_w[c] == 0.0 {
                touched.push(c);
            }
            neigh_w[c] += f64::from(g.w[e]);
        }
        cands.clear();
        let own = refined[v];
        cands.push((own, 0.0));
        for &c in &touched {
            if c == own || neigh_w[c] <= 0.0 {
                continue;
            }
            // Well-connected refined community: E(C, S − C) ≥ γ K_C (K_S − K_C) / 2m.
            if r_ext[c] < gamma * r_k[c] * (k_s[s] - r_k[c]) / m2 {
                continue;
            }
            let gain = neigh_w[c] - gamma * r_k[c] * kv / m2;
            if gain >= 0.0 {
                cands.push((c, gain));
            }
        }
        let best_gain = cands.iter().map(|c| c.1).fold(0.0f64, f64::max);
        weights.clear();
        weights.extend(
            cands
                .iter()
                .map(|&(_, gain)| ((gain - best_gain) / THETA).exp()),
        );
        let total: f64 = weights.iter().sum();
        let mut x = rng.random::<f64>() * total;
        let mut chosen = own;
        for (&(c, _), &w) in cands.iter().zip(&weights) {
            chosen = c;
            if x < w {
                break;
            }
            x -= w;
        }
        if chosen != own {
            let w_vc = neigh_w[chosen];
            r_ext[chosen] = r_ext[chosen] + ext_v[v] - 2.0 * w_vc;
            r_k[chosen] += kv;
            r_size[chosen] += 1;
            r_size[own] = 0;
            refined[v] = chosen;
        }
        for &c in &touched {
            neigh_w[c] = 0.0;
        }
        touched.clear();
    }
    refined
}

/// Splits every community into its connected components (labels `0..` in
/// order of first node). Identity on a partition whose communities are
/// already connected, up to renumbering.
pub fn split_disconnected(g: Csr, membership: &[usize]) -> Vec<usize> {
    let n = g.node_count();
    let mut out = vec![usize::MAX; n];
    let mut next = 0;
    let mut stack = Vec::new();
    for s in 0..n {
        if out[s] != usize::MAX {
            continue;
        }
        out[s] = next;
        stack.push(s);
        while let Some(v) = stack.pop() {
            for &u in g.neighbors(v) {
                let u = u as usize;
                if out[u] == usize::MAX && membership[u] == membership[s] {
                    out[u] = next;
                    stack.push(u);
                }
            }
        }
        next += 1;
    }
    out
}

/// Number of communities whose members do not form one connected
/// subgraph (the figure Traag et al. report for Louvain).
pub fn disconnected_communities(g: Csr, membership: &[usize]) -> usize {
    let split = split_disconnected(g, membership);
    let c = membership.iter().max().map_or(0, |x| x + 1);
    // A community is disconnected when its members get more than one label.
    let mut first = vec![usize::MAX; c];
    let mut bad = vec![false; c];
    for (&cm, &part) in membership.iter().zip(&split) {
        if first[cm] == usize::MAX {
            first[cm] = part;
        } else if first[cm] != part {
            bad[cm] = true;
        }
    }
    bad.iter().filter(|&&b| b).count()
}

#[cfg(test)]
mod tests {
    use super::super::csr::from_edges;
    use super::*;
    use proptest::prelude::*;

    fn csr(o: &(Vec<usize>, Vec<u32>)) -> Csr<'_> {
        Csr {
            offsets: &o.0,
            adj: &o.1,
        }
    }

    #[test]
    fn two_cliques_and_a_bridge_are_two_communities() {
        let mut e = Vec::new();
        for b in [0, 5] {
            for i in 0..5 {
                for j in i + 1..5 {
                    e.push((b + i, b + j));
                }
            }
        }
        e.push((0, 5));
        let o = from_edges(10, &e);
        let (m, q) = leiden_best(csr(&o), 1.0, 1, 2);
        assert!(m[..5].iter().all(|&c| c == m[0]));
        assert!(m[5..].iter().all(|&c| c == m[5]));
        assert_ne!(m[0], m[5]);
        // Hand computation: each clique has 10 internal edges, m = 21,
        // degree sum 21 per side: Q = 2 (10/21 − (21/42)²) = 0.452381.
        assert!((q - (20.0 / 21.0 - 0.5)).abs() < 1e-9, "{q}");
    }

    #[test]
    fn split_and_count_disconnected() {
        // Path 0-1-2 and 3-4; community {0, 2, 3} is disconnected (3 parts).
        let o = from_edges(5, &[(0, 1), (1, 2), (3, 4)]);
        let m = vec![0, 1, 0, 0, 1];
        assert_eq!(disconnected_communities(csr(&o), &m), 2);
        let s = split_disconnected(csr(&o), &m);
        assert_eq!(disconnected_communities(csr(&o), &s), 0);
        assert_eq!(s.iter().max(), Some(&4));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The Leiden guarantee: every community is connected, on random
        /// graphs of every density; and the run is deterministic.
        #[test]
        fn communities_are_connected_and_deterministic(
            n in 2usize..60,
            raw in proptest::collection::vec((0usize..60, 0usize..60), 0..200),
            seed in any::<u64>(),
        ) {
            let edges: Vec<(usize, usize)> = raw
                .into_iter()
                .filter(|&(u, v)| u < n && v < n && u != v)
                .collect();
            let o = from_edges(n, &edges);
            let g = csr(&o);
            let (m, q) = leiden(g, 1.0, seed, 0);
            prop_assert_eq!(m.len(), n);
            prop_assert_eq!(disconnected_communities(g, &m), 0);
            prop_assert!((q - modularity(g, &m, 1.0)).abs() < 1e-12);
            prop_assert!((-0.5..1.0).contains(&q));
            let (m2, q2) = leiden(g, 1.0, seed, 0);
            prop_assert_eq!(&m, &m2);
            prop_assert_eq!(q, q2);
            // Never worse than all singletons would be on a graph with edges.
            let single: Vec<usize> = (0..n).collect();
            prop_assert!(q >= modularity(g, &single, 1.0) - 1e-12);
        }
    }
}
