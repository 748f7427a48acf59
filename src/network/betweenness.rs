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
}

/// Exact when `n <= exact_max_nodes`; otherwise `min(samples, n)` distinct
/// sources drawn with `ChaCha8Rng(seed)` (reported as exact when that is
/// every node, since the estimate then equals the exact value).
pub fn betweenness(g: Csr, exact_max_nodes: usize, samples: usize, seed: u64) -> Betweenness {
    let n = g.node_count();
    let sources: Vec<u32> = if n <= exact_max_nodes {
        (0..n as u32).collect()
    } else {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut s: Vec<u32> = rand::seq::index::sample(&mut rng, n, samples.min(n))
            .into_iter()
            .map(|i| i as u32)
            .collect();
        s.sort_unstable();
        s
    };
    let method = if sources.len() == n {
        BetweennessMethod::Exact
    } else {
        BetweennessMethod::Sampled
    };
    let mut values = accumulate(g, &sources);
    let k = sources.len();
    let mut scale = if n > 2 {
        1.0 / ((n - 1) as f64 * (n - 2) as f64)
    } else {
        1.0
    };
    if k > 0 && k < n {
        scale *= n as f64 / k as f64;
    }
    for v in &mut values {
        *v *= scale;
    }
    Betweenness {
        values,
        method,
        sources: k,
    }
}

/// Sum over `sources` of Brandes dependencies (unscaled).
pub(crate) fn accumulate(g: Csr, sources: &[u32]) -> Vec<f64> {
    let n = g.node_count();
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
                work.single_source(g, s as usize, &mut acc);
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

/// Per-node search state, kept together so each adjacency step touches one
/// cache line (the searches are bound by random memory access).
#[derive(Clone, Copy)]
struct NodeState {
    dist: i32,
    sigma: f64,
    delta: f64,
}

const UNSEEN: NodeState = NodeState {
    dist: -1,
    sigma: 0.0,
    delta: 0.0,
};

/// Per-thread buffers, reset only where a search touched them.
struct Work {
    state: Vec<NodeState>,
    order: Vec<u32>,
}

impl Work {
    fn new(n: usize) -> Self {
        Work {
            state: vec![UNSEEN; n],
            order: Vec::new(),
        }
    }

    /// BFS from `s` counting shortest paths, then dependencies in reverse BFS
    /// order; predecessors are found again by distance (no per-node lists).
    fn single_source(&mut self, g: Csr, s: usize, acc: &mut [f64]) {
        let st = &mut self.state;
        self.order.clear();
        st[s].dist = 0;
        st[s].sigma = 1.0;
        self.order.push(s as u32);
        let mut head = 0;
        while head < self.order.len() {
            let v = self.order[head] as usize;
            head += 1;
            let NodeState {
                dist: dv,
                sigma: sv,
                ..
            } = st[v];
            for &w in g.neighbors(v) {
                let x = &mut st[w as usize];
                if x.dist < 0 {
                    x.dist = dv + 1;
                    self.order.push(w);
                }
                if x.dist == dv + 1 {
                    x.sigma += sv;
                }
            }
        }
        for &w in self.order.iter().rev() {
            let w = w as usize;
            let NodeState {
                dist: dw,
                sigma: sw,
                delta: dlw,
            } = st[w];
            let coeff = (1.0 + dlw) / sw;
            for &v in g.neighbors(w) {
                let x = &mut st[v as usize];
                if x.dist == dw - 1 {
                    x.delta += x.sigma * coeff;
                }
            }
            if w != s {
                acc[w] += dlw;
            }
        }
        for &w in &self.order {
            st[w as usize] = UNSEEN;
        }
    }
}
