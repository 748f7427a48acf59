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
//! * **Chernoff–Hoeffding, per node** (Hoeffding 1963, Thm 1: for a mean
//!   of `r` independent 0/1 draws, `P(p̂ ≥ p + t) ≤ exp(−r KL(p + t ‖ p))`
//!   and the same for the lower tail, `KL` the Bernoulli relative
//!   entropy). So `p(v)` lies in `{q : r KL(p̂(v) ‖ q) ≤ L_v}` except with
//!   probability `2 e^{−L_v}`, and the node's bound is the farthest end of
//!   that interval from `p̂(v)` (found by bisection, rounded outwards). It
//!   is the tightest bound of the exponential-moment family for 0/1 draws
//!   (Bernstein's and the empirical-Bernstein bound of Maurer & Pontil are
//!   looser forms of it), and small because betweenness values are small.
//! * **VC dimension** (Riondato & Kornaropoulos, Thm 2, with the constant
//!   `c = 0.5` they take from Löffler & Phillips 2009):
//!   `ε = √(c (⌊log₂(VD − 2)⌋ + 1 + ln(2 J / δ)) / r)`, `VD` an upper
//!   bound on the vertex diameter (`2 · eccentricity + 1` of one node per
//!   component). It does not depend on `n`.
//!
//! **Where the failure probability goes** (the idea of KADABRA's per-node
//! `δ_v`, simplified to tiers): a union bound needs `Σ_v 2 e^{−L_v} ≤ δ/2`
//! per checkpoint share, but only the few nodes with large betweenness can
//! come near the target; a node on 0.01 % of the paths stays far below it
//! even with a larger `L_v`. A pilot of [`PILOT`] paths drawn on streams
//! of their own (and not counted in the estimate, so the tiers do not
//! depend on the samples the bound is computed from) sorts nodes into
//! tiers by their pilot share: at least `ε/4`, at least `ε/32`, the rest.
//! Each non-empty tier gets an equal share of `δ/2`, split evenly among its
//! nodes and the `J` checkpoints: `L_v = ln(2 J T |tier(v)| / (δ/2))` for
//! `T` tiers. A node the pilot misjudged gets a wider interval, never a
//! wrong one: the bound holds for any tiering fixed before the samples.
//!
//! Sampling stops at the first checkpoint where the smaller bound, scaled
//! to networkx's normalisation (`× n / (n − 2)`), is at most the target `ε`,
//! or at `r_max`. The reported `epsilon` is that bound: with probability
//! at least `1 − δ` every node's reported betweenness is within `epsilon`
//! of its exact value.
//!
//! Deterministic for a seed whatever the thread count: samples come in
//! chunks of [`CHUNK`], chunk `i` drawing from `ChaCha8Rng(seed)` on
//! stream `i` (the pilot's chunk `i` on stream `PILOT_STREAMS + i`), and
//! counts are integers, so their sum does not depend on the order chunks
//! finish in.

use std::sync::Mutex;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::csr::Csr;

/// Samples per deterministic chunk (each checkpoint is a multiple of it).
pub const CHUNK: usize = 256;

/// First checkpoint, in samples; later ones grow by [`GROWTH`].
const FIRST: usize = 4096;
const GROWTH: f64 = 1.2;

/// Pilot paths that sort nodes into tiers (at most the first checkpoint).
pub const PILOT: usize = 4096;

/// The pilot's chunks use streams from here on, apart from the estimate's.
const PILOT_STREAMS: u64 = 1 << 62;

/// Tier thresholds on the pilot share, as fractions of the target ε.
const TIER_CUTS: [f64; 2] = [1.0 / 4.0, 1.0 / 32.0];

/// The universal constant of the VC-dimension bound (Riondato &
/// Kornaropoulos 2016, §2.3, after Löffler & Phillips 2009).
const VC_C: f64 = 0.5;

/// What [`sample`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct PathEstimate {
    /// Normalised like networkx (`Σ σ_st(v)/σ_st` over pairs of other
    /// nodes, divided by `(n − 1)(n − 2)`), an estimate.
    pub values: Vec<f64>,
    /// Shortest paths sampled for the estimate (pairs drawn, reachable or
    /// not), the pilot's not included.
    pub samples: usize,
    /// Pilot paths drawn to set the tiers (not in the estimate).
    pub pilot_samples: usize,
    /// Every node's error is at most this with probability `1 − delta`.
    pub epsilon: f64,
    /// The two bounds at the last checkpoint (networkx scale).
    pub epsilon_chernoff: f64,
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

/// Bernoulli relative entropy `KL(a ‖ b)`, `0 ln 0 = 0`.
pub fn kl(a: f64, b: f64) -> f64 {
    let term = |x: f64, y: f64| {
        if x <= 0.0 {
            0.0
        } else if y <= 0.0 {
            f64::INFINITY
        } else {
            x * (x / y).ln()
        }
    };
    term(a, b) + term(1.0 - a, 1.0 - b)
}

/// Half-width of the Chernoff–Hoeffding interval for `count` ones in `r`
/// draws: the largest `|q − p̂|` with `r KL(p̂ ‖ q) ≤ log_term` (each tail
/// then fails with probability at most `e^{−log_term}`). Bisection, each
/// end rounded away from `p̂`, so the width is never understated.
pub fn chernoff_width(count: u64, r: usize, log_term: f64) -> f64 {
    if r == 0 {
        return f64::INFINITY;
    }
    let rf = r as f64;
    let p = (count as f64 / rf).min(1.0);
    let limit = log_term / rf;
    // Farthest q between p and `end` with KL(p ‖ q) ≤ limit; KL(p ‖ ·)
    // grows monotonically away from p.
    let far = |end: f64| {
        if kl(p, end) <= limit {
            return end;
        }
        let (mut inside, mut outside) = (p, end);
        for _ in 0..200 {
            let mid = 0.5 * (inside + outside);
            if mid == inside || mid == outside {
                break;
            }
            if kl(p, mid) <= limit {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        outside
    };
    (far(1.0) - p).max(p - far(0.0))
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

/// Tier of every node from the pilot counts (see the module doc): 0 for a
/// share of at least `ε/4` (networkx scale), 1 for at least `ε/32`, else 2.
pub fn tiers(pilot: &[u32], pilot_samples: usize, epsilon_raw: f64) -> Vec<u8> {
    let r = pilot_samples.max(1) as f64;
    pilot
        .iter()
        .map(|&c| {
            let share = f64::from(c) / r;
            TIER_CUTS
                .iter()
                .position(|&cut| share >= cut * epsilon_raw)
                .unwrap_or(TIER_CUTS.len()) as u8
        })
        .collect()
}

/// The Chernoff bound over every node at a checkpoint with `r` samples:
/// the widest interval, each node's from its count and its tier's
/// `L = log_terms[tier]`. Nodes with equal count and tier have equal
/// widths, so each distinct pair is computed once.
fn chernoff_max(counts: &[u64], tier: &[u8], r: usize, log_terms: &[f64]) -> f64 {
    let mut seen: Vec<Vec<u64>> = vec![Vec::new(); log_terms.len()];
    for (&c, &t) in counts.iter().zip(tier) {
        seen[t as usize].push(c);
    }
    let mut widest = 0.0f64;
    for (t, cs) in seen.iter_mut().enumerate() {
        cs.sort_unstable();
        cs.dedup();
        for &c in cs.iter() {
            widest = widest.max(chernoff_width(c, r, log_terms[t]));
        }
    }
    widest
}

/// Runs chunks `chunks` of `CHUNK` samples each on streams
/// `stream_base + i` and returns how many sampled paths each node is
/// strictly inside. One set of search buffers per pool thread.
fn run_chunks(
    g: Csr,
    component: &[u32],
    pool: &[Mutex<Search>],
    chunks: std::ops::Range<usize>,
    stream_base: u64,
    seed: u64,
) -> Vec<u32> {
    let hits: Vec<Vec<u32>> = chunks
        .into_par_iter()
        .map(|chunk| {
            let slot = rayon::current_thread_index().unwrap_or(0) % pool.len();
            // A poisoned lock only means another chunk panicked; the
            // buffers are reset after every sample, so reuse them.
            let mut search = pool[slot].lock().unwrap_or_else(|e| e.into_inner());
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(stream_base + chunk as u64);
            let mut out = Vec::new();
            for _ in 0..CHUNK {
                search.sample(g, component, &mut rng, &mut out);
            }
            out
        })
        .collect();
    let mut counts = vec![0u32; g.node_count()];
    for v in hits.iter().flatten() {
        counts[*v as usize] += 1;
    }
    counts
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
    let to_nx = n as f64 / (n as f64 - 2.0);
    let threads = rayon::current_num_threads().max(1);
    let pool: Vec<Mutex<Search>> = (0..threads).map(|_| Mutex::new(Search::new(g))).collect();

    // Without a target (a fixed number of samples) every node is tier 0.
    let pilot_samples = if epsilon > 0.0 {
        PILOT.min(points[0])
    } else {
        0
    };
    let pilot = run_chunks(
        g,
        component,
        &pool,
        0..pilot_samples / CHUNK,
        PILOT_STREAMS,
        seed,
    );
    let tier = tiers(&pilot, pilot_samples, epsilon / to_nx);
    let mut tier_size = [0usize; TIER_CUTS.len() + 1];
    for &t in &tier {
        tier_size[t as usize] += 1;
    }
    let tiers_used = tier_size.iter().filter(|&&s| s > 0).count() as f64;
    // L per tier: 2 e^{−L} = (δ/2) / (J · T · |tier|).
    let log_terms: Vec<f64> = tier_size
        .iter()
        .map(|&s| (2.0 * j * tiers_used * s.max(1) as f64 / (delta / 2.0)).ln())
        .collect();

    let mut counts = vec![0u64; n];
    let mut done = 0usize;
    let (mut e_c, mut e_vc) = (f64::INFINITY, f64::INFINITY);
    for &r in &points {
        let batch = run_chunks(g, component, &pool, done / CHUNK..r / CHUNK, 0, seed);
        for (t, x) in counts.iter_mut().zip(batch) {
            *t += u64::from(x);
        }
        done = r;
        e_c = chernoff_max(&counts, &tier, r, &log_terms) * to_nx;
        e_vc = vc_bound(vd, r, delta / (2.0 * j)) * to_nx;
        if e_c.min(e_vc) <= epsilon {
            break;
        }
    }
    let scale = to_nx / done as f64;
    PathEstimate {
        values: counts.iter().map(|&c| c as f64 * scale).collect(),
        samples: done,
        pilot_samples,
        epsilon: e_c.min(e_vc),
        epsilon_chernoff: e_c,
        epsilon_vc: e_vc,
        vertex_diameter_bound: vd,
    }
}

const UNSEEN: u32 = u32::MAX;

/// What one search keeps of a node: both sides' distances and path
/// counts and the node's degree, in one 32-byte slot (two per cache
/// line). The searches are bound by random memory access; a neighbour's
/// test "reached yet, by which side", its path count and, when new, its
/// degree (for balancing) then touch one cache line instead of three.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    dist: [u32; 2],
    degree: u32,
    sig: [f64; 2],
}

/// Buffers of one bidirectional search, reset only where it went. Side 0
/// searches from `s`, side 1 from `t`.
struct Search {
    slot: Vec<Slot>,
    /// Nodes reached from each end, level by level.
    seen: [Vec<u32>; 2],
    meet: Vec<u32>,
}

impl Search {
    fn new(g: Csr) -> Search {
        Search {
            slot: (0..g.node_count())
                .map(|v| Slot {
                    dist: [UNSEEN; 2],
                    // Invariant: degrees fit u32 (neighbours are u32 indexes
                    // of a simple graph).
                    degree: g.degree(v) as u32,
                    sig: [0.0; 2],
                })
                .collect(),
            seen: [Vec::new(), Vec::new()],
            meet: Vec::new(),
        }
    }

    /// Draws one pair and one shortest path between them, appending each
    /// node strictly inside it to `hits`.
    fn sample(&mut self, g: Csr, component: &[u32], rng: &mut ChaCha8Rng, hits: &mut Vec<u32>) {
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
        self.draw_path(g, s, t, rng, hits);
        for side in 0..2 {
            for &v in &self.seen[side] {
                let x = &mut self.slot[v as usize];
                x.dist[side] = UNSEEN;
                x.sig[side] = 0.0;
            }
            self.seen[side].clear();
        }
    }

    /// Expands the level `seen[side][start..]` (all at distance `d`);
    /// returns the total degree of the new level. Once a node the other
    /// side reached turns up, this level is the last: from then on only
    /// such nodes are recorded (their path counts still summed over the
    /// whole level), the rest are not needed. Meeting nodes go to `meet`.
    fn expand(&mut self, g: Csr, side: usize, start: usize, d: u32) -> usize {
        let other = 1 - side;
        let seen = &mut self.seen[side];
        let (slot, meet) = (&mut self.slot, &mut self.meet);
        let end = seen.len();
        let mut degree = 0usize;
        for i in start..end {
            let v = seen[i] as usize;
            let sv = slot[v].sig[side];
            for &w in g.neighbors(v) {
                let x = &mut slot[w as usize];
                if x.dist[side] == UNSEEN {
                    if x.dist[other] != UNSEEN {
                        meet.push(w);
                    } else if !meet.is_empty() {
                        continue;
                    }
                    x.dist[side] = d + 1;
                    seen.push(w);
                    degree += x.degree as usize;
                }
                if x.dist[side] == d + 1 {
                    x.sig[side] += sv;
                }
            }
        }
        degree
    }

    /// Balanced bidirectional search from `s` and `t` (same component,
    /// `s ≠ t`) until a level of one side meets the other; fills `meet`.
    fn search(&mut self, g: Csr, s: usize, t: usize) {
        self.meet.clear();
        for (side, v) in [(0, s), (1, t)] {
            self.slot[v].dist[side] = 0;
            self.slot[v].sig[side] = 1.0;
            self.seen[side].push(v as u32);
        }
        let mut start = [0usize; 2];
        let mut d = [0u32; 2];
        let mut deg = [g.degree(s), g.degree(t)];
        loop {
            let side = usize::from(deg[0] > deg[1]);
            let new_start = self.seen[side].len();
            deg[side] = self.expand(g, side, start[side], d[side]);
            start[side] = new_start;
            d[side] += 1;
            if !self.meet.is_empty() || new_start == self.seen[side].len() {
                // Met, or this side ran out (cannot happen within one
                // component; stop rather than loop).
                return;
            }
        }
    }

    /// Picks a shortest path through the meeting nodes uniformly and
    /// appends its inner nodes to `hits`.
    fn draw_path(&self, g: Csr, s: usize, t: usize, rng: &mut ChaCha8Rng, hits: &mut Vec<u32>) {
        if self.meet.is_empty() {
            return;
        }
        let weight = |x: u32| self.slot[x as usize].sig[0] * self.slot[x as usize].sig[1];
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
            hits.push(x as u32);
        }
        for (side, end) in [(0, s), (1, t)] {
            let mut cur = x;
            while self.slot[cur].dist[side] > 0 {
                let want = self.slot[cur].dist[side] - 1;
                let mut u = rng.random::<f64>() * self.slot[cur].sig[side];
                let mut next = UNSEEN as usize;
                for &p in g.neighbors(cur) {
                    let p = p as usize;
                    let sp = &self.slot[p];
                    if sp.dist[side] == want {
                        next = p;
                        u -= sp.sig[side];
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
                    hits.push(cur as u32);
                }
            }
        }
    }
}
