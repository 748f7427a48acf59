//! Community detection by the Louvain method.
//!
//! Blondel, Guillaume, Lambiotte & Lefebvre (2008), "Fast unfolding of
//! communities in large networks", J. Stat. Mech. P10008. Phase 1 moves each
//! node to the neighbouring community with the largest modularity gain
//! `k_i,in − γ Σ_tot k_i / 2m` until no node moves; phase 2 merges each
//! community into one node (internal weight kept as a self-loop); repeat
//! while phase 1 moves anything and modularity rises.
//!
//! Deterministic for a seed: nodes are visited in an order shuffled once per
//! level with `ChaCha8Rng(seed)`; ties between equal gains keep the current
//! community, else the first community met in adjacency order.
//!
//! Modularity (Newman & Girvan 2004, with resolution γ, Reichardt &
//! Bornholdt 2006): `Q = Σ_c [ L_c / m − γ (D_c / 2m)² ]`, `L_c` edges inside
//! community `c`, `D_c` its total degree. Range [−1/2, 1); 0 for a graph
//! with no edges. Sequential: the moves of phase 1 depend on each other.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::csr::Csr;

/// A weighted graph of communities (level ≥ 1) or of nodes (level 0).
pub(super) struct Weighted {
    pub(super) offsets: Vec<usize>,
    pub(super) adj: Vec<u32>,
    /// Edge weights are edge counts, so integers: `u32` halves the bytes
    /// the moving phases stream per pass (their hottest loop), and every
    /// sum taken in `f64` stays exact, so results equal the `f64` layout's.
    pub(super) w: Vec<u32>,
    /// Weight of the self-loop (edges inside the merged node), counted once.
    pub(super) self_w: Vec<f64>,
    /// Weighted degree: Σ incident weights + 2 × self-loop.
    pub(super) k: Vec<f64>,
}

impl Weighted {
    pub(super) fn from_csr(g: Csr) -> Self {
        let n = g.node_count();
        Weighted {
            offsets: g.offsets.to_vec(),
            adj: g.adj.to_vec(),
            w: vec![1; g.adj.len()],
            self_w: vec![0.0; n],
            k: (0..n).map(|v| g.degree(v) as f64).collect(),
        }
    }

    pub(super) fn n(&self) -> usize {
        self.k.len()
    }
}

/// Best of `restarts` (at least 1) Louvain runs, each with its own visiting
/// order drawn from `ChaCha8Rng(seed)` stream `i`: Louvain is greedy and one
/// unlucky order can stop short (e.g. Q ≈ 0.39 instead of ≈ 0.42 on the
/// karate club). Ties keep the earlier run. Returns the community of every
/// node (labels `0..c`, in order of first node) and the partition's modularity.
pub fn louvain_best(g: Csr, resolution: f64, seed: u64, restarts: usize) -> (Vec<usize>, f64) {
    // The runs are independent, so they run side by side; the choice
    // among them is made in stream order, as if they had run one by one.
    let runs: Vec<(Vec<usize>, f64)> = (0..restarts.max(1) as u64)
        .into_par_iter()
        .map(|i| louvain(g, resolution, seed, i))
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

/// One Louvain run (see [`louvain_best`]); `stream` selects the RNG stream.
pub fn louvain(g: Csr, resolution: f64, seed: u64, stream: u64) -> (Vec<usize>, f64) {
    let n = g.node_count();
    let mut membership: Vec<usize> = (0..n).collect();
    if g.edge_count() == 0 {
        return (membership, 0.0);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    let mut level = Weighted::from_csr(g);
    let m2: f64 = level.k.iter().sum();
    let mut best_q = modularity(g, &membership, resolution);
    loop {
        let mut order: Vec<usize> = (0..level.n()).collect();
        order.shuffle(&mut rng);
        let (comm, moved) = one_level(&level, &order, resolution, m2);
        if !moved {
            break;
        }
        let (comm, count) = renumber(&comm);
        let candidate: Vec<usize> = membership.iter().map(|&c| comm[c]).collect();
        let q = modularity(g, &candidate, resolution);
        if q <= best_q + 1e-12 {
            break;
        }
        best_q = q;
        membership = candidate;
        level = aggregate(&level, &comm, count);
    }
    let (membership, _) = renumber(&membership);
    (membership, best_q)
}

/// Phase 1. Returns each node's community and whether any node moved.
fn one_level(g: &Weighted, order: &[usize], gamma: f64, m2: f64) -> (Vec<usize>, bool) {
    let n = g.n();
    let mut comm: Vec<usize> = (0..n).collect();
    let mut tot: Vec<f64> = g.k.clone();
    let mut neigh_w = vec![0.0f64; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut any_move = false;
    // Each pass strictly raises modularity; the cap only guards against
    // floating-point cycling.
    for _pass in 0..1000 {
        let mut moves = 0usize;
        for &i in order {
            let ci = comm[i];
            for e in g.offsets[i]..g.offsets[i + 1] {
                let c = comm[g.adj[e] as usize];
                if neigh_w[c] == 0.0 {
                    touched.push(c);
                }
                neigh_w[c] += f64::from(g.w[e]);
            }
            let ki = g.k[i];
            tot[ci] -= ki;
            let mut best = ci;
            let mut best_gain = neigh_w[ci] - gamma * tot[ci] * ki / m2;
            for &c in &touched {
                let gain = neigh_w[c] - gamma * tot[c] * ki / m2;
                if gain > best_gain + 1e-12 {
                    best = c;
                    best_gain = gain;
                }
            }
            tot[best] += ki;
            if best != ci {
                comm[i] = best;
                moves += 1;
            }
            for &c in &touched {
                neigh_w[c] = 0.0;
            }
            touched.clear();
        }
        if moves == 0 {
            break;
        }
        any_move = true;
    }
    (comm, any_move)
}

/// Labels `0..c` in order of first appearance.
pub(super) fn renumber(comm: &[usize]) -> (Vec<usize>, usize) {
    let mut map = vec![usize::MAX; comm.len().max(comm.iter().max().map_or(0, |m| m + 1))];
    let mut next = 0;
    let out = comm
        .iter()
        .map(|&c| {
            if map[c] == usize::MAX {
                map[c] = next;
                next += 1;
            }
            map[c]
        })
        .collect();
    (out, next)
}

/// Phase 2: one node per community. Members are bucketed by community
/// (counting sort) and each community's neighbour weights gathered in a
/// dense array with a list of the entries touched, so the cost is `O(m)`
/// plus sorting each community's short neighbour list. Weights are sums
/// of whole edges (and halves for the self-loops), exact in `f64`, so the
/// order of summation does not matter.
pub(super) fn aggregate(g: &Weighted, comm: &[usize], count: usize) -> Weighted {
    let mut start = vec![0usize; count + 1];
    for &c in comm {
        start[c + 1] += 1;
    }
    for c in 0..count {
        start[c + 1] += start[c];
    }
    let mut fill = start.clone();
    let mut members = vec![0u32; comm.len()];
    for (v, &c) in comm.iter().enumerate() {
        // Invariant: node indexes fit u32 (the adjacency stores u32).
        members[fill[c]] = v as u32;
        fill[c] += 1;
    }
    let mut self_w = vec![0.0; count];
    let mut k = vec![0.0; count];
    let mut offsets = Vec::with_capacity(count + 1);
    offsets.push(0usize);
    let mut adj: Vec<u32> = Vec::new();
    let mut w: Vec<u32> = Vec::new();
    // Saturating: more than u32::MAX edges between two communities would
    // need an adjacency of tens of GB; a capped weight beats a panic.
    let mut acc = vec![0u32; count];
    let mut marked = vec![false; count];
    let mut touched: Vec<u32> = Vec::new();
    for c in 0..count {
        for &v in &members[start[c]..start[c + 1]] {
            let v = v as usize;
            self_w[c] += g.self_w[v];
            k[c] += g.k[v];
            for e in g.offsets[v]..g.offsets[v + 1] {
                let cj = comm[g.adj[e] as usize];
                if cj == c {
                    // Seen from both ends: half each.
                    self_w[c] += f64::from(g.w[e]) / 2.0;
                } else {
                    if !marked[cj] {
                        marked[cj] = true;
                        touched.push(cj as u32);
                    }
                    acc[cj] = acc[cj].saturating_add(g.w[e]);
                }
            }
        }
        touched.sort_unstable();
        for &cj in &touched {
            adj.push(cj);
            w.push(acc[cj as usize]);
            acc[cj as usize] = 0;
            marked[cj as usize] = false;
        }
        touched.clear();
        offsets.push(adj.len());
    }
    Weighted {
        offsets,
        adj,
        w,
        self_w,
        k,
    }
}

/// Modularity of a partition of the unweighted graph `g` (see module doc).
pub fn modularity(g: Csr, membership: &[usize], resolution: f64) -> f64 {
    let m = g.edge_count() as f64;
    if m == 0.0 {
        return 0.0;
    }
    let c = membership.iter().max().map_or(0, |x| x + 1);
    let mut internal = vec![0.0; c];
    let mut degree = vec![0.0; c];
    for v in 0..g.node_count() {
        let cv = membership[v];
        degree[cv] += g.degree(v) as f64;
        for &u in g.neighbors(v) {
            if membership[u as usize] == cv {
                internal[cv] += 0.5;
            }
        }
    }
    internal
        .iter()
        .zip(&degree)
        .map(|(l, d)| l / m - resolution * (d / (2.0 * m)).powi(2))
        .sum()
}
