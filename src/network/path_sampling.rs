//! Betweenness estimated from uniformly sampled shortest paths, with a
//! proven bound on every node's error at once.
//!
//! **Estimator** (Riondato & Kornaropoulos, "Fast approximation of
//! betweenness centrality through sampling", Data Min. Knowl. Disc. 30,
//! 2016): draw an ordered pair `s ≠ t` uniformly, then one shortest
//! `s`–`t` path uniformly among the `σ_st` (none when `t` is out of
//! reach); every node strictly inside the path scores 1. A node's share of
//! the `r` samples, `p̂(v)`, is unbiased for
//! `p(v) = Σ_{s≠t} σ_st(v)/σ_st / (n (n − 1))`, which is networkx's
//! normalised betweenness times `(n − 2) / n`.
//!
//! **Search**: a balanced bidirectional breadth-first search (Borassi &
//! Natale, "KADABRA is an ADaptive Algorithm for Betweenness via Random
//! Approximation", ACM JEA 24, 2019): each step expands one whole level of
//! the side whose frontier has the smaller total degree, so on a
//! small-world graph a sample touches a few thousand edges rather than all
//! of them. When a level meets the other side, every shortest path passes
//! through exactly one of the meeting nodes `x` (all at the same distances),
//! `σ_st = Σ_x σ_s(x) σ_t(x)`; a path is drawn by picking `x` with weight
//! `σ_s(x) σ_t(x)` and walking back to each end, each step choosing a
//! predecessor `p` with probability `σ(p) / σ(current)`.
//!
//! **Error bound, sampling until it is met.** Samples are taken in batches
//! at `J` checkpoints fixed in advance (`r_1 < r_2 < … ≤ r_max`). At a
//! checkpoint with `r` samples two bounds are computed, each holding for
//! every node and every checkpoint at once with probability `≥ 1 − δ/2`,
//! so their minimum holds with probability `≥ 1 − δ`:
//!
//! * **Empirical Bernstein** (Maurer & Pontil, COLT 2009, Thm 4, both tails
//!   and a union bound over the `n` nodes and `J` checkpoints):
//!   `|p̂(v) − p(v)| ≤ √(2 V(v) L / r) + 7 L / (3 (r − 1))`,
//!   `L = ln(8 n J / δ)`, `V(v) = p̂(1 − p̂) r / (r − 1)` the sample
//!   variance of the 0/1 scores. It is small because betweenness is small:
//!   the variance of a node on 0.5 % of the paths is below 0.005.
//! * **VC dimension** (Riondato & Kornaropoulos, Thm 2, with the constant
//!   `c = 0.5` they take from Löffler & Phillips 2009):
//!   `ε = √(c (⌊log₂(VD − 2)⌋ + 1 + ln(2 J / δ)) / r)`, `VD` an upper
//!   bound on the vertex diameter (`2 · eccentricity + 1` of one node per
//!   component). It does not depend on `n`.
//!
//! Sampling stops at the first checkpoint where the smaller bound, scaled
//! to networkx's normalisation (`× n / (n − 2)`), is at most the target `ε`,
//! or at `r_max`. The reported `epsilon` is that bound: with probability
//! at least `1 − δ` every node's reported betweenness is within `epsilon`
//! of its exact value.
//!
//! Deterministic for a seed whatever the thread count: samples come in
//! chunks of [`CHUNK`], chunk `i` drawing from `ChaCha8Rng(seed)` on
//! stream `i`, and counts are integers, so their sum does not depend on the
//! order chunks finish in.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::csr::Csr;

/// Samples per deterministic chunk (each checkpoint is a multiple of it).
pub const CHUNK: usize = 256;

/// First checkpoint, in samples; later ones grow by [`GROWTH`].
const FIRST: usize = 4096;
const GROWTH: f64 = 1.4;

/// The universal constant of the VC-dimension bound (Riondato &
/// Kornaropoulos 2016, §2.3, after Löffler & Phillips 2009).
const VC_C: f64 = 0.5;

/// What [`sample`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct PathEstimate {
    /// Normalised like networkx (`Σ σ_st(v)/σ_st` over pairs of other
    /// nodes, divided by `(n − 1)(n − 2)`), an estimate.
    pub values: Vec<f64>,
    /// Shortest paths sampled (pairs drawn, reachable or not).
    pub samples: usize,
    /// Every node's error is at most this with probability `1 − delta`.
    pub epsilon: f64,
    /// The two bounds at the last checkpoint (networkx scale).
    pub epsilon_bernstein: f64,
    pub epsilon_vc: f64,
    /// Upper bound on the vertex diameter used by the VC bound.
    pub vertex_diameter_bound: usize,
}

/// Checkpoints: multiples of [`CHUNK`] from [`FIRST`] growing by
/// [`GROWTH`], the last one `max_samples` rounded up to a chunk.
pub fn checkpoints(max_samples: usize) -> Vec<usize> {
    let round = |x: usize| x.div_ceil(CHUNK).max(1) * CHUNK;
    let last = round(max_samples);
    let mut out = Vec::new();
    let mut c = round(FIRST.min(last));
    while c < last {
        out.push(c);
        c = round(((c as f64) * GROWTH).ceil() as usize).max(c + CHUNK);
    }
    out.push(last);
    out
}

/// Empirical-Bernstein half-width for a 0/1 mean of `count` ones in `r`
/// draws, with `log_term = L` of the module doc.
pub fn bernstein(count: u64, r: usize, log_term: f64) -> f64 {
    if r < 2 {
        return f64::INFINITY;
    }
    let rf = r as f64;
    let p = count as f64 / rf;
    let var = p * (1.0 - p) * rf / (rf - 1.0);
    (2.0 * var * log_term / rf).sqrt() + 7.0 * log_term / (3.0 * (rf - 1.0))
}

/// VC-dimension half-width after `r` samples (see the module doc).
pub fn vc_bound(vertex_diameter: usize, r: usize, delta_share: f64) -> f64 {
    if r == 0 {
        return f64::INFINITY;
    }
    let d = if vertex_diameter > 2 {
        (vertex_diameter - 2).ilog2() as f64 + 1.0
    } else {
        0.0
    };
    (VC_C * (d + (1.0 / delta_share).ln()) / r as f64).sqrt()
}

/// An upper bound on the vertex diameter (nodes on a longest shortest
/// path): per component, one search from its first node gives its
/// eccentricity `e`; any two nodes are within `2e` edges, `2e + 1` nodes.
pub fn vertex_diameter_bound(g: Csr, component: &[u32]) -> usize {
    let n = g.node_count();
    let mut dist = vec![u32::MAX; n];
    let mut seen_comp = vec![false; n];
    let mut queue: Vec<u32> = Vec::new();
    let mut best = 0usize;
    for s in 0..n {
        let c = component[s] as usize;
        if seen_comp[c] {
            continue;
        }
        seen_comp[c] = true;
        queue.clear();
        queue.push(s as u32);
        dist[s] = 0;
        let mut head = 0;
        let mut ecc = 0;
        while head < queue.len() {
            let v = queue[head] as usize;
            head += 1;
            ecc = dist[v];
            for &w in g.neighbors(v) {
                if dist[w as usize] == u32::MAX {
                    dist[w as usize] = dist[v] + 1;
                    queue.push(w);
                }
            }
        }
        best = best.max(2 * ecc as usize + 1);
    }
    best
}

/// Samples shortest paths until the bound of the module doc is at most
/// `epsilon` (probability `1 − delta`) or `max_samples` were drawn.
/// `component[v]` is `v`'s connected component. Needs `n ≥ 3`.
pub fn sample(
    g: Csr,
    component: &[u32],
    max_samples: usize,
    epsilon: f64,
    delta: f64,
    seed: u64,
) -> PathEstimate {
    let n = g.node_count();
    let vd = vertex_diameter_bound(g, component);
    let points = checkpoints(max_samples);
    let j = points.len() as f64;
    let log_term = (8.0 * n as f64 * j / delta).ln();
    let to_nx = n as f64 / (n as f64 - 2.0);
    let mut counts = vec![0u64; n];
    let mut done = 0usize;
    let (mut e_b, mut e_vc) = (f64::INFINITY, f64::INFINITY);
    for &r in &points {
        let chunks = (done / CHUNK)..(r / CHUNK);
        let batch = chunks
            .into_par_iter()
            .fold(
                || (vec![0u32; n], Search::new(n)),
                |(mut acc, mut search), chunk| {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed);
                    rng.set_stream(chunk as u64);
                    for _ in 0..CHUNK {
                        search.sample(g, component, &mut rng, &mut acc);
                    }
                    (acc, search)
                },
            )
            .map(|(acc, _)| acc)
            .reduce(
                || vec![0u32; n],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x += y;
                    }
                    a
                },
            );
        for (t, x) in counts.iter_mut().zip(batch) {
            *t += u64::from(x);
        }
        done = r;
        let top = counts.iter().copied().max().unwrap_or(0);
        // The Bernstein width grows with p̂ up to 1/2; betweenness shares
        // above 1/2 are possible (a star's centre), so take every node's.
        e_b = if top as f64 / r as f64 <= 0.5 {
            bernstein(top, r, log_term)
        } else {
            bernstein(r as u64 / 2, r, log_term)
        } * to_nx;
        e_vc = vc_bound(vd, r, delta / (2.0 * j)) * to_nx;
        if e_b.min(e_vc) <= epsilon {
            break;
        }
    }
    let scale = to_nx / done as f64;
    PathEstimate {
        values: counts.iter().map(|&c| c as f64 * scale).collect(),
        samples: done,
        epsilon: e_b.min(e_vc),
        epsilon_bernstein: e_b,
        epsilon_vc: e_vc,
        vertex_diameter_bound: vd,
    }
}

/// Buffers of one bidirectional search, reset only where it went.
struct Search {
    dist_s: Vec<u32>,
    dist_t: Vec<u32>,
    sig_s: Vec<f64>,
    sig_t: Vec<f64>,
    /// Nodes reached from each end, level by level.
    seen_s: Vec<u32>,
    seen_t: Vec<u32>,
    meet: Vec<u32>,
}

const UNSEEN: u32 = u32::MAX;

/// One side of the search: its distances, path counts and reached nodes.
struct Side<'a> {
    dist: &'a mut [u32],
    sig: &'a mut [f64],
    seen: &'a mut Vec<u32>,
}

impl Side<'_> {
    /// Expands the level `seen[start..]` (all at distance `d`); returns
    /// the new level's start and the total degree of the new level. Once
    /// a node the other side reached (`other`) turns up, this level is the
    /// last: from then on only such nodes are recorded (their path counts
    /// still summed over the whole level), the rest are not needed.
    fn expand(&mut self, g: Csr, other: &[u32], start: usize, d: u32) -> (usize, usize) {
        let end = self.seen.len();
        let mut degree = 0;
        let mut met = false;
        for i in start..end {
            let v = self.seen[i] as usize;
            let sv = self.sig[v];
            for &w in g.neighbors(v) {
                let w = w as usize;
                if self.dist[w] == UNSEEN {
                    if other[w] != UNSEEN {
                        met = true;
                    } else if met {
                        continue;
                    }
                    self.dist[w] = d + 1;
                    self.seen.push(w as u32);
                    degree += g.degree(w);
                }
                if self.dist[w] == d + 1 {
                    self.sig[w] += sv;
                }
            }
        }
        (end, degree)
    }
}

impl Search {
    fn new(n: usize) -> Search {
        Search {
            dist_s: vec![UNSEEN; n],
            dist_t: vec![UNSEEN; n],
            sig_s: vec![0.0; n],
            sig_t: vec![0.0; n],
            seen_s: Vec::new(),
            seen_t: Vec::new(),
            meet: Vec::new(),
        }
    }

    /// Draws one pair and one shortest path between them, adding 1 to
    /// `acc` for each node strictly inside it.
    fn sample(&mut self, g: Csr, component: &[u32], rng: &mut ChaCha8Rng, acc: &mut [u32]) {
        let n = g.node_count();
        let s = rng.random_range(0..n);
        let mut t = rng.random_range(0..n - 1);
        if t >= s {
            t += 1;
        }
        if component[s] != component[t] {
            return;
        }
        self.search(g, s, t);
        self.draw_path(g, s, t, rng, acc);
        for &v in &self.seen_s {
            self.dist_s[v as usize] = UNSEEN;
            self.sig_s[v as usize] = 0.0;
        }
        for &v in &self.seen_t {
            self.dist_t[v as usize] = UNSEEN;
            self.sig_t[v as usize] = 0.0;
        }
        self.seen_s.clear();
        self.seen_t.clear();
    }

    /// Balanced bidirectional search from `s` and `t` (same component,
    /// `s ≠ t`) until a level of one side meets the other; fills `meet`.
    fn search(&mut self, g: Csr, s: usize, t: usize) {
        self.meet.clear();
        self.dist_s[s] = 0;
        self.sig_s[s] = 1.0;
        self.seen_s.push(s as u32);
        self.dist_t[t] = 0;
        self.sig_t[t] = 1.0;
        self.seen_t.push(t as u32);
        let (mut start_s, mut start_t) = (0usize, 0usize);
        let (mut d_s, mut d_t) = (0u32, 0u32);
        let (mut deg_s, mut deg_t) = (g.degree(s), g.degree(t));
        loop {
            let forward = deg_s <= deg_t;
            let (side, other_dist, start, d, deg) = if forward {
                (
                    Side {
                        dist: &mut self.dist_s,
                        sig: &mut self.sig_s,
                        seen: &mut self.seen_s,
                    },
                    &self.dist_t,
                    &mut start_s,
                    &mut d_s,
                    &mut deg_s,
                )
            } else {
                (
                    Side {
                        dist: &mut self.dist_t,
                        sig: &mut self.sig_t,
                        seen: &mut self.seen_t,
                    },
                    &self.dist_s,
                    &mut start_t,
                    &mut d_t,
                    &mut deg_t,
                )
            };
            let mut side = side;
            let (new_start, new_deg) = side.expand(g, other_dist, *start, *d);
            *start = new_start;
            *d += 1;
            *deg = new_deg;
            for &w in &side.seen[new_start..] {
                if other_dist[w as usize] != UNSEEN {
                    self.meet.push(w);
                }
            }
            if !self.meet.is_empty() || new_start == side.seen.len() {
                // Met, or this side ran out (cannot happen within one
                // component; stop rather than loop).
                return;
            }
        }
    }

    /// Picks a shortest path through the meeting nodes uniformly and
    /// scores its inner nodes.
    fn draw_path(&self, g: Csr, s: usize, t: usize, rng: &mut ChaCha8Rng, acc: &mut [u32]) {
        if self.meet.is_empty() {
            return;
        }
        let weight = |x: u32| self.sig_s[x as usize] * self.sig_t[x as usize];
        let total: f64 = self.meet.iter().map(|&x| weight(x)).sum();
        let mut u = rng.random::<f64>() * total;
        let mut x = *self.meet.last().unwrap_or(&(s as u32));
        for &m in &self.meet {
            u -= weight(m);
            if u < 0.0 {
                x = m;
                break;
            }
        }
        let x = x as usize;
        if x != s && x != t {
            acc[x] += 1;
        }
        for (dist, sig, end) in [
            (&self.dist_s, &self.sig_s, s),
            (&self.dist_t, &self.sig_t, t),
        ] {
            let mut cur = x;
            while dist[cur] > 0 {
                let want = dist[cur] - 1;
                let mut u = rng.random::<f64>() * sig[cur];
                let mut next = UNSEEN as usize;
                for &p in g.neighbors(cur) {
                    let p = p as usize;
                    if dist[p] == want {
                        next = p;
                        u -= sig[p];
                        if u < 0.0 {
                            break;
                        }
                    }
                }
                if next == UNSEEN as usize {
                    // Unreachable: every node past the first level has a
                    // predecessor one level closer.
                    break;
                }
                cur = next;
                if cur != end {
                    acc[cur] += 1;
                }
            }
        }
    }
}
