//! Shortest-path betweenness centrality (Brandes 2001), exact or sampled.
//!
//! Brandes, U. (2001). A faster algorithm for betweenness centrality.
//! J. Math. Sociol. 25(2):163–177. Sampling: Brandes & Pich (2007),
//! "Centrality estimation in large networks" — accumulate dependencies from
//! `k` random sources and scale by `n / k` (as networkx does with `k=`).
//!
//! Normalised like networkx for undirected graphs: the accumulated sum is
//! multiplied by `1 / ((n - 1)(n - 2))` (no scaling when `n <= 2`), and by
//! `n / k` when sampled. Range [0, 1] for the exact value: the share of
//! shortest paths between other pairs that pass through the node.
//!
//! Parallel over sources. Sources are split into a fixed number of chunks
//! (independent of the thread count) whose partial sums are added in chunk
//! order, so the result is bit-identical run to run.
//!
//! **Exact**: every source, except that a degree-1 node `s` whose neighbour
//! `u` has degree ≥ 2 is not searched from: every shortest path from `s`
//! is `s, u, …`, so `δ_s(v) = δ_u(v)` for `v ∉ {s, u}` and
//! `δ_s(u) = |C| − 2` (`C` the component), and `δ_u` is added once per such
//! leaf (the degree-1 reduction of Baglioni, Geraci, Pellegrini & Lastres,
//! "Fast exact computation of betweenness centrality in social networks",
//! ASONAM 2012). Co-authorship graphs have many such leaves (21 % of
//! ca-HepTh's nodes).
//!
//! **Sampled, with a stated error** (graphs above `exact_max_nodes`):
//! shortest paths drawn uniformly between random pairs until every node's
//! error is provably below a target with probability `1 − δ`; the
//! estimator, the search and the bound are in [`super::path_sampling`].

use rayon::prelude::*;

use super::csr::Csr;
use super::{components, path_sampling};

/// Fixed number of partial-sum chunks (memory: `CHUNKS × n × 8` bytes).
const CHUNKS: usize = 64;

/// How betweenness was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BetweennessMethod {
    Exact,
    Sampled,
}

impl BetweennessMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            BetweennessMethod::Exact => "exact",
            BetweennessMethod::Sampled => "sampled",
        }
    }
}

/// Betweenness of every node with the method and the number of sources used.
#[derive(Clone, Debug, PartialEq)]
pub struct Betweenness {
    pub values: Vec<f64>,
    pub method: BetweennessMethod,
    /// Exact: source nodes (`n`). Sampled: shortest paths drawn.
    pub samples: usize,
    /// Sampled: bound on the absolute error of every node's normalised
    /// value at once, holding with probability ≥ 1 − `delta`. `None` when exact.
    pub epsilon: Option<f64>,
    pub delta: f64,
}

/// Fixed-size sampling: exact when `n <= exact_max_nodes`, otherwise
/// `samples` shortest paths (rounded up to a chunk; no early stop).
pub fn betweenness(g: Csr, exact_max_nodes: usize, samples: usize, seed: u64) -> Betweenness {
    betweenness_adaptive(g, exact_max_nodes, samples, 0.0, 0.1, seed)
}

/// Exact when `n <= exact_max_nodes`; otherwise shortest paths sampled
/// with `seed` until every node's error bound is at most `epsilon`
/// (probability `1 − delta`) or `max_samples` paths were drawn (see
/// [`path_sampling`]).
pub fn betweenness_adaptive(
    g: Csr,
    exact_max_nodes: usize,
    max_samples: usize,
    epsilon: f64,
    delta: f64,
    seed: u64,
) -> Betweenness {
    let n = g.node_count();
    let scale = if n > 2 {
        1.0 / ((n - 1) as f64 * (n - 2) as f64)
    } else {
        1.0
    };
    // Searches run on a copy renumbered in BFS order (see [`Permuted`]).
    let p = Permuted::new(g);
    let pg = p.csr();
    if n <= exact_max_nodes || n < 3 {
        let mut values = p.back(&exact_sums(pg));
        for v in &mut values {
            *v *= scale;
        }
        return Betweenness {
            values,
            method: BetweennessMethod::Exact,
            samples: n,
            epsilon: None,
            delta,
        };
    }
    let (labels, _) = components::connected_components(pg);
    // Invariant: at most n components, and node indexes fit u32.
    let component: Vec<u32> = labels.iter().map(|&c| c as u32).collect();
    let est = path_sampling::sample(pg, &component, max_samples, epsilon, delta, seed);
    Betweenness {
        values: p.back(&est.values),
        method: BetweennessMethod::Sampled,
        samples: est.samples,
        epsilon: Some(est.epsilon),
        delta,
    }
}

/// The graph renumbered in breadth-first order (component by component,
/// from the lowest index): nodes met together in a search get nearby
/// numbers, so the per-node arrays each search touches stay in cache —
/// the searches are bound by random memory access, and at 100,000 nodes
/// and a million edges the arrays no longer fit in L2. Results are mapped
/// back with [`Permuted::back`]; only the order of floating-point sums
/// changes.
struct Permuted {
    offsets: Vec<usize>,
    adj: Vec<u32>,
    /// Old index → new index.
    new_of: Vec<u32>,
}

impl Permuted {
    fn new(g: Csr) -> Permuted {
        let n = g.node_count();
        let mut seen = vec![false; n];
        let mut old_of: Vec<u32> = Vec::with_capacity(n);
        for s in 0..n {
            if seen[s] {
                continue;
            }
            seen[s] = true;
            let mut head = old_of.len();
            // Invariant: node indexes fit u32 (the CSR stores u32 neighbours).
            old_of.push(s as u32);
            while head < old_of.len() {
                let v = old_of[head] as usize;
                head += 1;
                for &w in g.neighbors(v) {
                    if !seen[w as usize] {
                        seen[w as usize] = true;
                        old_of.push(w);
                    }
                }
            }
        }
        let mut new_of = vec![0u32; n];
        for (new, &old) in old_of.iter().enumerate() {
            new_of[old as usize] = new as u32;
        }
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        let mut adj = Vec::with_capacity(g.adj.len());
        for &old in &old_of {
            let start = adj.len();
            adj.extend(
                g.neighbors(old as usize)
                    .iter()
                    .map(|&w| new_of[w as usize]),
            );
            adj[start..].sort_unstable();
            offsets.push(adj.len());
        }
        Permuted {
            offsets,
            adj,
            new_of,
        }
    }

    fn csr(&self) -> Csr<'_> {
        Csr {
            offsets: &self.offsets,
            adj: &self.adj,
        }
    }

    /// Per-node values in the new numbering → the caller's numbering.
    fn back(&self, values: &[f64]) -> Vec<f64> {
        self.new_of
            .iter()
            .map(|&new| values[new as usize])
            .collect()
    }
}

/// Σ over every source of Brandes dependencies (unscaled), with the
/// degree-1 reduction of the module doc.
pub(crate) fn exact_sums(g: Csr) -> Vec<f64> {
    let n = g.node_count();
    // A leaf whose neighbour is not a leaf is covered by its neighbour.
    let covered = |s: usize| g.degree(s) == 1 && g.degree(g.neighbors(s)[0] as usize) >= 2;
    let leaves: Vec<u32> = (0..n)
        .map(|u| {
            g.neighbors(u)
                .iter()
                .filter(|&&s| covered(s as usize))
                .count() as u32
        })
        .collect();
    let sources: Vec<u32> = (0..n as u32).filter(|&s| !covered(s as usize)).collect();
    if sources.is_empty() {
        return vec![0.0; n];
    }
    let chunk = sources.len().div_ceil(CHUNKS);
    let partials: Vec<Vec<f64>> = sources
        .par_chunks(chunk)
        .map(|chunk| {
            let mut acc = vec![0.0; n];
            let mut work = Work::new(n);
            for &s in chunk {
                let s = s as usize;
                let times = 1.0 + leaves[s] as f64;
                let reached = work.single_source(g, s, &mut acc, times);
                // δ_leaf(s) = |C| − 2 for each covered leaf of s.
                acc[s] += leaves[s] as f64 * (reached as f64 - 2.0);
            }
            acc
        })
        .collect();
    let mut total = vec![0.0; n];
    for p in partials {
        for (t, x) in total.iter_mut().zip(p) {
            *t += x;
        }
    }
    total
}

/// Per-thread buffers, reset only where a search touched them. Distances
/// sit in their own array (4 bytes a node) because the inner loops test a
/// neighbour's distance far more often than they touch its path counts.
struct Work {
    dist: Vec<i32>,
    sigma: Vec<f64>,
    /// After the backward pass of node w: (1 + δ(w)) / σ(w).
    coeff: Vec<f64>,
    order: Vec<u32>,
}

impl Work {
    fn new(n: usize) -> Self {
        Work {
            dist: vec![-1; n],
            sigma: vec![0.0; n],
            coeff: vec![0.0; n],
            order: Vec::new(),
        }
    }

    /// BFS from `s` counting shortest paths, then dependencies in reverse
    /// BFS order, each node *pulling* from its successors (`dist + 1`):
    /// `δ(v) = σ(v) Σ_w (1 + δ(w)) / σ(w)` (Brandes 2001, Thm 6), so every
    /// write goes to the node being finished. Adds `times × δ(v)` to
    /// `acc[v]`; returns the number of
    /// nodes reached (the size of `s`'s component).
    fn single_source(&mut self, g: Csr, s: usize, acc: &mut [f64], times: f64) -> usize {
        let (dist, sigma, coeff) = (&mut self.dist, &mut self.sigma, &mut self.coeff);
        self.order.clear();
        dist[s] = 0;
        sigma[s] = 1.0;
        self.order.push(s as u32);
        let mut head = 0;
        while head < self.order.len() {
            let v = self.order[head] as usize;
            head += 1;
            let (dv, sv) = (dist[v], sigma[v]);
            for &w in g.neighbors(v) {
                let w = w as usize;
                if dist[w] < 0 {
                    dist[w] = dv + 1;
                    self.order.push(w as u32);
                }
                if dist[w] == dv + 1 {
                    sigma[w] += sv;
                }
            }
        }
        for &v in self.order.iter().rev() {
            let v = v as usize;
            let dn = dist[v] + 1;
            let mut pull = 0.0;
            for &w in g.neighbors(v) {
                let w = w as usize;
                if dist[w] == dn {
                    pull += coeff[w];
                }
            }
            let delta = sigma[v] * pull;
            coeff[v] = (1.0 + delta) / sigma[v];
            if v != s {
                acc[v] += times * delta;
            }
        }
        let reached = self.order.len();
        for &w in &self.order {
            let w = w as usize;
            dist[w] = -1;
            sigma[w] = 0.0;
            coeff[w] = 0.0;
        }
        reached
    }
}
