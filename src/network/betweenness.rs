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
//! **Sampled, with a stated error**: sources are drawn without replacement
//! in a random order and processed in batches of 64, 128, 256, … up to
//! `max_samples`. With `X_s(v) = δ_s(v) / (n − 2) ∈ [0, 1]`, normalised
//! betweenness is `b(v) = n / (n − 1) · E_s[X_s(v)]`. After each batch the
//! empirical-Bernstein bound (Maurer & Pontil, "Empirical Bernstein bounds
//! and sample variance penalization", COLT 2009, Thm 4)
//! `|mean − E| ≤ √(2 V L / k) + 7 L / (3 (k − 1))`, `L = ln(4 n J / δ)`,
//! is taken over every node `v` (`V` its sample variance) with a union
//! bound over the `n` nodes and the `J` planned checkpoints, so with
//! probability ≥ 1 − δ *every* node's estimate is within `ε` (reported) of
//! its exact value at once; sampling stops as soon as `ε ≤ epsilon`.
//! Sampling without replacement only tightens these bounds (Hoeffding
//! 1963, §6; Bardenet & Maillard 2015). The same `k`-source estimator
//! scaled by `n / k` is Brandes & Pich's.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::csr::Csr;

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
    /// Source nodes used (`n` when exact).
    pub sources: usize,
    /// Sampled: bound on the absolute error of every node's normalised
    /// value at once, holding with probability ≥ 1 − `delta`. `None` when exact.
    pub epsilon: Option<f64>,
    pub delta: f64,
}

/// Fixed-size sampling: exact when `n <= exact_max_nodes`, otherwise
/// `min(samples, n)` sources (no early stop).
pub fn betweenness(g: Csr, exact_max_nodes: usize, samples: usize, seed: u64) -> Betweenness {
    betweenness_adaptive(g, exact_max_nodes, samples, 0.0, 0.1, seed)
}

/// Exact when `n <= exact_max_nodes`; otherwise sources drawn with
/// `ChaCha8Rng(seed)` until every node's error bound is at most `epsilon`
/// (probability `1 − delta`) or `max_samples` sources were used (see the
/// module doc). Reported as exact when every node was a source.
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
    if n <= exact_max_nodes || max_samples >= n {
        let mut values = p.back(&exact_sums(pg));
        for v in &mut values {
            *v *= scale;
        }
        return Betweenness {
            values,
            method: BetweennessMethod::Exact,
            sources: n,
            epsilon: None,
            delta,
        };
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<u32> = rand::seq::index::sample(&mut rng, n, max_samples)
        .into_iter()
        .map(|i| i as u32)
        .collect();
    order.shuffle(&mut rng);
    for s in &mut order {
        *s = p.new_of[*s as usize];
    }
    // Checkpoints 64, 128, … , max_samples.
    let mut checkpoints = Vec::new();
    let mut c = 64usize.min(max_samples);
    while c < max_samples {
        checkpoints.push(c);
        c *= 2;
    }
    checkpoints.push(max_samples);
    let log_term = (4.0 * n as f64 * checkpoints.len() as f64 / delta).ln();
    let mut s1 = vec![0.0; n];
    let mut s2 = vec![0.0; n];
    let mut done = 0;
    let mut eps = f64::INFINITY;
    for &k in &checkpoints {
        let (a, b) = accumulate(pg, &order[done..k], true);
        for (t, x) in s1.iter_mut().zip(&a) {
            *t += x;
        }
        for (t, x) in s2.iter_mut().zip(&b) {
            *t += x;
        }
        done = k;
        eps = bound(&s1, &s2, k, n, log_term);
        if eps <= epsilon {
            break;
        }
    }
    let k = done;
    let factor = scale * n as f64 / k as f64;
    Betweenness {
        values: p.back(&s1).iter().map(|x| x * factor).collect(),
        method: BetweennessMethod::Sampled,
        sources: k,
        epsilon: Some(eps),
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

/// The empirical-Bernstein bound on normalised betweenness after `k`
/// sources, maximised over nodes (`s1`, `s2`: sums of `δ` and `δ²`).
fn bound(s1: &[f64], s2: &[f64], k: usize, n: usize, log_term: f64) -> f64 {
    if k < 2 || n < 3 {
        return f64::INFINITY;
    }
    let r = (n - 2) as f64;
    let kf = k as f64;
    let worst_var = s1
        .iter()
        .zip(s2)
        .map(|(&a, &b)| {
            let (m1, m2) = (a / r / kf, b / (r * r) / kf);
            ((m2 - m1 * m1) * kf / (kf - 1.0)).max(0.0)
        })
        .fold(0.0f64, f64::max);
    let e = (2.0 * worst_var * log_term / kf).sqrt() + 7.0 * log_term / (3.0 * (kf - 1.0));
    e * n as f64 / (n - 1) as f64
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
                let reached = work.single_source(g, s, &mut acc, None, times);
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

/// Sum over `sources` of Brandes dependencies (unscaled), and of their
/// squares when `squares`.
pub(crate) fn accumulate(g: Csr, sources: &[u32], squares: bool) -> (Vec<f64>, Vec<f64>) {
    let n = g.node_count();
    if sources.is_empty() {
        return (vec![0.0; n], vec![0.0; n]);
    }
    let chunk = sources.len().div_ceil(CHUNKS);
    let partials: Vec<(Vec<f64>, Vec<f64>)> = sources
        .par_chunks(chunk)
        .map(|chunk| {
            let mut acc = vec![0.0; n];
            let mut acc2 = if squares { vec![0.0; n] } else { Vec::new() };
            let mut work = Work::new(n);
            for &s in chunk {
                let sq = if squares { Some(&mut acc2[..]) } else { None };
                work.single_source(g, s as usize, &mut acc, sq, 1.0);
            }
            (acc, acc2)
        })
        .collect();
    let mut total = vec![0.0; n];
    let mut total2 = vec![0.0; if squares { n } else { 0 }];
    for (p, p2) in partials {
        for (t, x) in total.iter_mut().zip(p) {
            *t += x;
        }
        for (t, x) in total2.iter_mut().zip(p2) {
            *t += x;
        }
    }
    (total, total2)
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
    /// `acc[v]` (and `δ(v)²` to `sq` if given); returns the number of
    /// nodes reached (the size of `s`'s component).
    fn single_source(
        &mut self,
        g: Csr,
        s: usize,
        acc: &mut [f64],
        sq: Option<&mut [f64]>,
        times: f64,
    ) -> usize {
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
        let mut sq = sq;
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
                if let Some(q) = sq.as_deref_mut() {
                    q[v] += delta * delta;
                }
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
