//! Randomised assignment (`--randomize --max-probability Q`).
//!
//! A deterministic optimum tells a colluding adviser exactly which bid or
//! which claimed expertise lands them on a friend's proposal, and it gives
//! a call that rotates advisers the same panel every year. Following Jecmen,
//! Zhang, Liu, Shah, Conitzer & Fang ("Mitigating manipulation in peer
//! review via randomized reviewer assignments", NeurIPS 2020), the
//! assignment is drawn at random from a distribution in which no pair is
//! assigned with probability above `Q`, and the distribution is the one
//! with the highest expected total score.
//!
//! ## Step 1: the fractional optimum, exactly
//! Maximise Σ s·x over the same flow network the deterministic solve uses
//! (K per proposal, loads, locks, conflicts, areas, one adviser per
//! institution, the soft non-academic quota, stability bonuses) with every
//! pair arc capped at `Q` instead of 1. With `Q = num/den` in lowest terms
//! (at most 3 decimals), every capacity and supply is multiplied by `den`
//! and a pair arc gets capacity `num`; the network stays integral, so the
//! integer min-cost flow solver finds an optimal vertex and `x = flow/den`
//! is the exact LP optimum (not an approximation). A must-lock stays `x = 1`
//! (the cap is for the solver's choices, not the PO's). A cut candidate list
//! is certified or widened with the same reduced-cost test as the
//! deterministic solve (module `cut`): the fractional optimum is the one of
//! the uncut problem.
//!
//! ## Step 2: sampling with the marginals kept exactly
//! Dependent rounding (Gandhi, Khuller, Parthasarathy & Srinivasan, JACM
//! 2006), run on the whole flow network rather than on the bipartite pair
//! graph: every node has an integral supply, so a node touching an arc of
//! fractional flow touches at least two, and the arcs of fractional flow
//! always contain a cycle. Flow is pushed round the cycle by `+α` with
//! probability `β/(α+β)` or by `−β` otherwise, where `α` and `β` are the
//! largest pushes keeping every arc of the cycle between the floor and the
//! ceiling of its starting flow; each arc's expected flow is unchanged and at
//! least one arc becomes integral per step. The end is an integral flow of
//! the deterministic network, so every sample keeps every hard rule
//! exactly: K per proposal, conflicts, areas, locks, one adviser per
//! institution (the institution arcs are part of the network), and each
//! adviser's load lies between the floor and the ceiling of its fractional
//! load, inside `[min_load, max_load]`. Because the laminar structure of
//! the rules (proposal ⊃ non-academic branch ⊃ institution ⊃ pair) is kept,
//! the quota is kept too wherever the fractional solution fills it: the
//! quota arc's flow is integral then. Where the fractional solution fills
//! a quota place only in part (the pool cannot meet it everywhere), the
//! sample meets it on that proposal with that probability; such proposals
//! are listed as short, as in the deterministic solve.
//!
//! Each pair's probability of being assigned is exactly its `x` (the
//! rounding is a martingale on every arc), so `expected_score` is the
//! expected total of the sampled assignment.
//!
//! ## Reproducibility
//! The draws come from ChaCha8 seeded with `seed` and consume integers
//! only (`random_range` over the flow units), so the same seed and inputs
//! give the same assignment on every platform.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::encode::{self, Encoded};
use super::{cut, finish, mcf, Candidate, MorePairs, Problem, Solution, MAX_CUT_ROUNDS};

/// Decimals a max probability may have: `Q = num / 10^DECIMALS` exactly.
pub const DECIMALS: u32 = 3;
const DENOM: i64 = 1000;

/// What the randomised mode was asked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    /// Largest probability of any (unlocked) pair, in (0, 1].
    pub max_probability: f64,
    pub seed: u64,
}

/// One pair of the fractional solution with a positive probability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairProbability {
    pub proposal: usize,
    pub adviser: usize,
    /// Probability that the pair is in the sampled assignment (= x).
    pub probability: f64,
    /// A must-lock: probability 1, not capped.
    pub locked: bool,
}

/// The figures of a randomised solve (carried in [`super::SolveStats`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RandomStats {
    pub seed: u64,
    /// Q as used (`numerator / denominator`).
    pub max_probability: f64,
    pub numerator: i64,
    pub denominator: i64,
    /// Σ score · x: the expected total score of a sampled assignment.
    pub expected_score: f64,
    /// Total score of the deterministic optimum of the same problem.
    pub deterministic_optimum: f64,
    /// expected_score / deterministic_optimum (1 when the optimum is 0).
    pub ratio: f64,
    /// Largest x over pairs that are not must-locks.
    pub largest_probability: f64,
    /// Total score of the assignment drawn.
    pub sampled_score: f64,
    /// Pairs with 0 < x < 1.
    pub fractional_pairs: usize,
    /// Rounding steps (cycles pushed).
    pub rounding_steps: u64,
    /// Fractional solves (candidate-cut rounds).
    pub solves: u32,
    /// Left-out pairs added to certify the fractional optimum.
    pub pairs_added: u64,
    /// Every pair with x > 0, in proposal then adviser index order.
    pub probabilities: Vec<PairProbability>,
}

impl RandomStats {
    /// One line for the terminal and the logs.
    pub fn describe(&self) -> String {
        format!(
            "randomized (seed {}, max probability {}): expected score {:.3} = {:.2} % of the deterministic optimum {:.3}; largest pair probability {:.3}; this draw scores {:.3}",
            self.seed,
            show(self.max_probability),
            self.expected_score,
            100.0 * self.ratio,
            self.deterministic_optimum,
            self.largest_probability,
            self.sampled_score
        )
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RandomizeError {
    #[error("--max-probability {given}: {why} ([assign] max_probability in rdmatch.toml is the same setting)")]
    BadProbability { given: f64, why: String },
    #[error("--max-probability {given} is too small for this call: no assignment distribution keeps every pair at or below it{hint}")]
    TooSmall { given: f64, hint: String },
    #[error("--randomize: {0}")]
    TooLarge(String),
    #[error("--randomize: dependent rounding stopped on an arc with no partner (internal error; please report it with the inputs)")]
    Rounding,
}

/// `Q` as `(num, den)` in lowest terms, or why it cannot be used.
pub fn parse_probability(q: f64) -> Result<(i64, i64), RandomizeError> {
    let bad = |why: &str| RandomizeError::BadProbability {
        given: q,
        why: why.to_string(),
    };
    if !q.is_finite() || q <= 0.0 || q > 1.0 {
        return Err(bad("a probability cap must be above 0 and at most 1"));
    }
    let scaled = q * DENOM as f64;
    let t = scaled.round();
    if (scaled - t).abs() > 1e-6 || t < 1.0 {
        return Err(bad(&format!(
            "give at most {DECIMALS} decimals (e.g. 0.5, 0.333); the fractional solve is exact for those"
        )));
    }
    let num = t as i64;
    let g = gcd(num, DENOM);
    Ok((num / g, DENOM / g))
}

/// A cap as typed: at most [`DECIMALS`] decimals, no trailing zeros.
fn show(q: f64) -> String {
    format!("{}", (q * DENOM as f64).round() / DENOM as f64)
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Draws a randomised assignment for `p`, whose deterministic optimum is
/// `det` (the problem must be feasible). `more` supplies the pairs a
/// candidate cut left out (the data form); `None` treats the candidate
/// lists as complete. `p` is left holding the candidates used.
pub fn randomize(
    p: &mut Problem,
    det: &Solution,
    spec: &Spec,
    more: Option<&MorePairs>,
) -> Result<Solution, RandomizeError> {
    let (num, den) = parse_probability(spec.max_probability)?;
    let quota = p.effective_quota();
    let (enc, solves, added) = match fractional(p, &quota, num, den, more)? {
        Some(x) => x,
        None => {
            return Err(RandomizeError::TooSmall {
                given: spec.max_probability,
                hint: smallest_hint(p, &quota, num * (DENOM / den)),
            })
        }
    };
    let mut flows = Flows::from_network(&enc, den);
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let steps = flows.round(&mut rng)?;

    let mut probabilities = Vec::new();
    let mut expected = 0.0;
    let mut largest = 0.0f64;
    let mut fractional_pairs = 0;
    let mut assigned: Vec<Vec<usize>> = vec![Vec::new(); p.proposal_ids.len()];
    for &(pp, a) in &p.must {
        assigned[pp].push(a);
        expected += p.score_of(pp, a).unwrap_or(0.0);
        probabilities.push(PairProbability {
            proposal: pp,
            adviser: a,
            probability: 1.0,
            locked: true,
        });
    }
    for &(e, pp, a) in &enc.pair_arcs {
        let (e, pp, a) = (e as usize, pp as usize, a as usize);
        let units = enc.net.flow(e) as i64;
        if units > 0 {
            let x = units as f64 / den as f64;
            expected += x * p.score_of(pp, a).unwrap_or(0.0);
            largest = largest.max(x);
            if units < den {
                fractional_pairs += 1;
            }
            probabilities.push(PairProbability {
                proposal: pp,
                adviser: a,
                probability: x,
                locked: false,
            });
        }
        if flows.flow[e / 2] == den {
            assigned[pp].push(a);
        }
    }
    probabilities.sort_by_key(|x| (x.proposal, x.adviser));
    let mut sol = finish(p, assigned);
    let optimum = det.total;
    sol.stats = super::SolveStats {
        nodes: enc.net.n,
        arcs: enc.net.head.len() / 2,
        quota_capped: det.stats.quota_capped.clone(),
        quota_short: p.quota_short(&quota, &sol.assigned),
        cut: det.stats.cut.clone(),
        ..super::SolveStats::default()
    };
    sol.stats.randomized = Some(Box::new(RandomStats {
        seed: spec.seed,
        max_probability: num as f64 / den as f64,
        numerator: num,
        denominator: den,
        expected_score: expected,
        deterministic_optimum: optimum,
        ratio: if optimum > 0.0 {
            expected / optimum
        } else {
            1.0
        },
        largest_probability: largest,
        sampled_score: sol.total,
        fractional_pairs,
        rounding_steps: steps,
        solves,
        pairs_added: added,
        probabilities,
    }));
    Ok(sol)
}

crate::table_row! {
    /// One pair of probabilities.csv: its chance of being drawn.
    pub struct ProbabilityRow<'a> {
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
        pub score: f64,
        pub probability: f64,
        /// A must-lock (probability 1).
        pub locked: bool,
    }
}

/// probabilities.csv: [`ProbabilityRow`]s, every pair with a positive
/// probability, by proposal then researcher ID.
pub fn write_probabilities_csv<W: std::io::Write>(
    out: W,
    p: &Problem,
    r: &RandomStats,
) -> Result<(), super::AssignError> {
    let mut rows: Vec<&PairProbability> = r.probabilities.iter().collect();
    rows.sort_by(|x, y| {
        (&p.proposal_ids[x.proposal], &p.adviser_ids[x.adviser])
            .cmp(&(&p.proposal_ids[y.proposal], &p.adviser_ids[y.adviser]))
    });
    let mut w = crate::table::CsvWriter::new(out);
    w.header::<ProbabilityRow>().map_err(std::io::Error::from)?;
    for x in rows {
        w.serialize(&ProbabilityRow {
            proposal_id: &p.proposal_ids[x.proposal],
            researcher_id: &p.adviser_ids[x.adviser],
            score: p.score_of(x.proposal, x.adviser).unwrap_or(0.0),
            probability: x.probability,
            locked: x.locked,
        })
        .map_err(std::io::Error::from)?;
    }
    w.flush()?;
    Ok(())
}

/// The network with every capacity and supply scaled by `den` and pair
/// arcs capped at `num`. Fails when a scaled capacity overflows.
fn scaled_network(
    p: &Problem,
    quota: &[u32],
    num: i64,
    den: i64,
) -> Result<Encoded, RandomizeError> {
    let mut enc = encode::encode(p, quota, &|_, _| true, false);
    let too_large = |what: &str| {
        RandomizeError::TooLarge(format!(
            "{what} times {den} (the probability's denominator) does not fit the solver's capacities; lower max_load or give Q with fewer decimals"
        ))
    };
    for e in (0..enc.net.cap.len()).step_by(2) {
        let c = enc.net.cap[e] as i64 * den;
        enc.net.cap[e] = i32::try_from(c).map_err(|_| too_large("a capacity"))?;
    }
    for &(e, _, _) in &enc.pair_arcs {
        enc.net.cap[e as usize] = i32::try_from(num).map_err(|_| too_large("a pair cap"))?;
    }
    for s in enc.net.supply.iter_mut() {
        *s = s.checked_mul(den).ok_or_else(|| too_large("a supply"))?;
    }
    Ok(enc)
}

/// The fractional optimum over the uncut problem: `(network, solves, pairs
/// added)`, or `None` when no fractional solution exists at this cap.
fn fractional(
    p: &mut Problem,
    quota: &[u32],
    num: i64,
    den: i64,
    more: Option<&MorePairs>,
) -> Result<Option<(Encoded, u32, u64)>, RandomizeError> {
    let np = p.proposal_ids.len();
    let mut widened = more.is_none() || !p.is_cut();
    let mut rounds = 0u32;
    let mut added = 0u64;
    loop {
        rounds += 1;
        let mut enc = scaled_network(p, quota, num, den)?;
        let solved = mcf::min_cost_flow(&mut enc.net).is_some();
        let Some(more) = more.filter(|_| !widened) else {
            return Ok(solved.then_some((enc, rounds, added)));
        };
        if !solved || rounds >= MAX_CUT_ROUNDS {
            added += p.add_candidates(&more(p, &vec![0.0; np]));
            widened = true;
            continue;
        }
        // The potentials certify the scaled problem; the cost structure is
        // the deterministic one, so the reduced-cost test applies as is.
        let costs = encode::Costs::complete(p);
        let th = cut::thresholds(p, &enc, costs);
        let extra: Vec<Vec<Candidate>> = if th.iter().all(|&t| t >= 1.0) {
            vec![Vec::new(); np]
        } else {
            more(p, &th)
        };
        let bad = cut::violations(p, &enc, costs, quota, &extra);
        if bad.iter().all(Vec::is_empty) {
            return Ok(Some((enc, rounds, added)));
        }
        added += p.add_candidates(&bad);
    }
}

/// The smallest feasible cap to [`DECIMALS`] decimals, found by bisection
/// on feasibility (it is monotone in the cap), as a sentence for the error.
fn smallest_hint(p: &Problem, quota: &[u32], given_thousandths: i64) -> String {
    let feasible = |t: i64| -> bool {
        let g = gcd(t, DENOM);
        match scaled_network(p, quota, t / g, DENOM / g) {
            Ok(mut enc) => mcf::min_cost_flow(&mut enc.net).is_some(),
            Err(_) => false,
        }
    };
    // A proposal with K advisers among n eligible needs Q ≥ K / n.
    let mut bound = 0.0f64;
    let mut locked = vec![0u32; p.proposal_ids.len()];
    for &(pp, _) in &p.must {
        locked[pp] += 1;
    }
    for (pp, c) in p.candidates.iter().enumerate() {
        let free = c.len().saturating_sub(locked[pp] as usize);
        let need = p.demand[pp].saturating_sub(locked[pp]);
        if need > 0 && free > 0 {
            bound = bound.max(need as f64 / free as f64);
        }
    }
    let (mut lo, mut hi) = (given_thousandths, DENOM);
    if !feasible(hi) {
        return String::new();
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if feasible(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    format!(
        "; the smallest feasible value is {} (every proposal needs Q ≥ K / its eligible advisers, here at least {:.3}; loads and panel rules can raise it)",
        show(hi as f64 / DENOM as f64),
        bound
    )
}

/// Arc flows in units of `1/den`, for the rounding.
#[derive(Clone)]
struct Flows {
    tail: Vec<u32>,
    head: Vec<u32>,
    /// Per forward arc (index `e / 2`).
    flow: Vec<i64>,
    /// Floor of each arc's starting flow (a multiple of `den`).
    lo: Vec<i64>,
    den: i64,
    n: usize,
}

impl Flows {
    fn from_network(enc: &Encoded, den: i64) -> Flows {
        let net = &enc.net;
        let m = net.head.len() / 2;
        let mut f = Flows {
            tail: Vec::with_capacity(m),
            head: Vec::with_capacity(m),
            flow: Vec::with_capacity(m),
            lo: Vec::with_capacity(m),
            den,
            n: net.n,
        };
        for e in (0..net.head.len()).step_by(2) {
            let x = net.flow(e) as i64;
            f.tail.push(net.tail(e) as u32);
            f.head.push(net.head[e]);
            f.flow.push(x);
            f.lo.push(x.div_euclid(den) * den);
        }
        f
    }

    fn fractional(&self, i: usize) -> bool {
        self.flow[i] != self.lo[i] && self.flow[i] != self.lo[i] + self.den
    }

    /// Dependent rounding (see the module doc). Returns the steps taken.
    fn round(&mut self, rng: &mut ChaCha8Rng) -> Result<u64, RandomizeError> {
        let m = self.flow.len();
        let mut adj: Vec<Vec<u32>> = vec![Vec::new(); self.n];
        for i in 0..m {
            if self.fractional(i) {
                adj[self.tail[i] as usize].push(i as u32);
                adj[self.head[i] as usize].push(i as u32);
            }
        }
        let mut pos = vec![usize::MAX; self.n];
        let mut nodes: Vec<u32> = Vec::new();
        let mut arcs: Vec<u32> = Vec::new();
        let mut steps = 0u64;
        for start in 0..self.n {
            nodes.clear();
            arcs.clear();
            nodes.push(start as u32);
            pos[start] = 0;
            while let Some(&v) = nodes.last() {
                let v = v as usize;
                let came = arcs.last().copied();
                // Drop arcs that became integral, then take any other arc.
                let list = &mut adj[v];
                let mut next = None;
                let mut k = 0;
                while k < list.len() {
                    let i = list[k] as usize;
                    if !self.fractional(i) {
                        list.swap_remove(k);
                        continue;
                    }
                    if Some(i as u32) != came {
                        next = Some(i);
                        break;
                    }
                    k += 1;
                }
                let Some(i) = next else {
                    if came.is_some() {
                        return Err(RandomizeError::Rounding);
                    }
                    pos[v] = usize::MAX;
                    nodes.pop();
                    continue;
                };
                let w = if self.tail[i] as usize == v {
                    self.head[i]
                } else {
                    self.tail[i]
                } as usize;
                arcs.push(i as u32);
                if pos[w] == usize::MAX {
                    pos[w] = nodes.len();
                    nodes.push(w as u32);
                    continue;
                }
                // A cycle: nodes[pos[w]..] and back to w.
                let at = pos[w];
                self.push_cycle(&nodes[at..], &arcs[at..], rng);
                steps += 1;
                for &u in &nodes[at + 1..] {
                    pos[u as usize] = usize::MAX;
                }
                nodes.truncate(at + 1);
                arcs.truncate(at);
            }
        }
        Ok(steps)
    }

    /// Pushes `+α` or `−β` round the cycle whose j-th arc `arcs[j]` is
    /// traversed from `nodes[j]`.
    fn push_cycle(&mut self, nodes: &[u32], arcs: &[u32], rng: &mut ChaCha8Rng) {
        let mut alpha = i64::MAX;
        let mut beta = i64::MAX;
        for (&v, &i) in nodes.iter().zip(arcs) {
            let i = i as usize;
            let up = self.lo[i] + self.den - self.flow[i];
            let down = self.flow[i] - self.lo[i];
            if self.tail[i] == v {
                alpha = alpha.min(up);
                beta = beta.min(down);
            } else {
                alpha = alpha.min(down);
                beta = beta.min(up);
            }
        }
        // +α with probability β/(α+β): the expected change is 0.
        let delta = if rng.random_range(0..alpha + beta) < beta {
            alpha
        } else {
            -beta
        };
        for (&v, &i) in nodes.iter().zip(arcs) {
            let i = i as usize;
            if self.tail[i] == v {
                self.flow[i] += delta;
            } else {
                self.flow[i] -= delta;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};

    use super::super::{solve, verify, Objective};
    use super::*;

    fn ids(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    /// A small random call: institutions and sectors, optional
    /// one-per-institution and quota, min loads, must-locks.
    fn random_problem(seed: u64, rules: bool) -> Problem {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let np = rng.random_range(1..=4);
        let na = rng.random_range(2..=6);
        let n_inst = rng.random_range(1..=4u32);
        let inst_non_acad: Vec<bool> = (0..n_inst).map(|_| rng.random_bool(0.4)).collect();
        let adviser_institution: Vec<u32> = (0..na).map(|_| rng.random_range(0..n_inst)).collect();
        let adviser_non_academic = adviser_institution
            .iter()
            .map(|&i| inst_non_acad[i as usize])
            .collect();
        let max_load: Vec<u32> = (0..na).map(|_| rng.random_range(1..=3)).collect();
        let min_load = max_load
            .iter()
            .map(|_| u32::from(rng.random_bool(0.2)))
            .collect();
        let candidates: Vec<Vec<Candidate>> = (0..np)
            .map(|_| {
                let mut v = Vec::new();
                for adviser in 0..na {
                    if rng.random_bool(0.8) {
                        v.push(Candidate {
                            adviser,
                            score: rng.random_range(0..=20) as f64 / 20.0,
                        });
                    }
                }
                v
            })
            .collect();
        let mut must = Vec::new();
        for (pp, c) in candidates.iter().enumerate() {
            if !c.is_empty() && rng.random_bool(0.2) {
                must.push((pp, c[rng.random_range(0..c.len())].adviser));
            }
        }
        Problem {
            proposal_ids: ids("P", np),
            adviser_ids: ids("A", na),
            demand: (0..np).map(|_| rng.random_range(1..=2)).collect(),
            min_load,
            max_load,
            candidates,
            adviser_institution,
            adviser_non_academic,
            one_per_institution: rules && rng.random_bool(0.5),
            min_non_academic: (0..np)
                .map(|_| if rules { rng.random_range(0..=1) } else { 0 })
                .collect(),
            must,
            ..Problem::default()
        }
    }

    fn spec(q: f64, seed: u64) -> Spec {
        Spec {
            max_probability: q,
            seed,
        }
    }

    fn stats(s: &Solution) -> &RandomStats {
        s.stats.randomized.as_deref().expect("randomized stats")
    }

    /// The LP optimum by brute force over the grid the scaled network's
    /// integrality guarantees: every x is a multiple of 1/den in [0, Q]
    /// (1 for a lock). Plain rules only (K, loads, locks).
    fn brute_force_lp(p: &Problem, num: i64, den: i64) -> Option<f64> {
        let pairs: Vec<(usize, usize, f64)> = p
            .candidates
            .iter()
            .enumerate()
            .flat_map(|(pp, l)| l.iter().map(move |c| (pp, c.adviser, c.score)))
            .collect();
        let mut best: Option<i64> = None;
        let mut x = vec![0i64; pairs.len()];
        fn rec(
            i: usize,
            x: &mut Vec<i64>,
            pairs: &[(usize, usize, f64)],
            p: &Problem,
            num: i64,
            den: i64,
            best: &mut Option<i64>,
        ) {
            if i == pairs.len() {
                let mut per_p = vec![0i64; p.proposal_ids.len()];
                let mut per_a = vec![0i64; p.adviser_ids.len()];
                let mut total = 0i64;
                for (j, &(pp, a, s)) in pairs.iter().enumerate() {
                    per_p[pp] += x[j];
                    per_a[a] += x[j];
                    total += x[j] * (s * 20.0).round() as i64;
                }
                let ok = (0..per_p.len()).all(|pp| per_p[pp] == p.demand[pp] as i64 * den)
                    && (0..per_a.len()).all(|a| {
                        per_a[a] >= p.min_load[a] as i64 * den
                            && per_a[a] <= p.max_load[a] as i64 * den
                    });
                if ok && best.is_none_or(|b| total > b) {
                    *best = Some(total);
                }
                return;
            }
            let (pp, a, _) = pairs[i];
            let choices: Vec<i64> = if p.must.contains(&(pp, a)) {
                vec![den]
            } else {
                (0..=num).collect()
            };
            for v in choices {
                x[i] = v;
                rec(i + 1, x, pairs, p, num, den, best);
            }
        }
        rec(0, &mut x, &pairs, p, num, den, &mut best);
        best.map(|b| b as f64 / (20.0 * den as f64))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Every draw keeps every rule (K, loads, locks, candidates only,
        /// one per institution, quota reported), no unlocked pair exceeds
        /// Q, each proposal's probabilities sum to K and each load stays
        /// within the floor and ceiling of its fractional load.
        #[test]
        fn every_draw_keeps_every_rule(seed in any::<u64>(), qi in 0usize..5, draw in any::<u64>()) {
            let q = [0.3, 0.5, 0.667, 0.75, 1.0][qi];
            let mut p = random_problem(seed, true);
            let Ok(det) = solve(&p, Objective::Total) else { return Ok(()); };
            let s = match randomize(&mut p, &det, &spec(q, draw), None) {
                Ok(s) => s,
                Err(RandomizeError::TooSmall { .. }) => {
                    prop_assert!(q < 1.0, "Q = 1 is always feasible when the call is");
                    return Ok(());
                }
                Err(e) => return Err(TestCaseError::fail(e.to_string())),
            };
            verify(&p, &s).map_err(|e| TestCaseError::fail(e.join("; ")))?;
            let r = stats(&s);
            prop_assert!(r.largest_probability <= q + 1e-12);
            // The cap only removes options; with a quota the fractional
            // solution may fill fewer quota places and score more.
            if p.min_non_academic.iter().all(|&q| q == 0) {
                prop_assert!(r.expected_score <= det.total + 1e-9, "{} > {}", r.expected_score, det.total);
            }
            let mut per_p = vec![0.0; p.proposal_ids.len()];
            let mut per_a = vec![0.0; p.adviser_ids.len()];
            for x in &r.probabilities {
                prop_assert!(x.locked || x.probability <= q + 1e-12);
                prop_assert!(p.score_of(x.proposal, x.adviser).is_some());
                per_p[x.proposal] += x.probability;
                per_a[x.adviser] += x.probability;
            }
            for (pp, &t) in per_p.iter().enumerate() {
                prop_assert!((t - p.demand[pp] as f64).abs() < 1e-9);
            }
            for (a, &l) in per_a.iter().enumerate() {
                let got = s.loads[a] as f64;
                prop_assert!(got >= l.floor() - 1e-9 && got <= l.ceil() + 1e-9, "load {} vs fractional {}", got, l);
            }
        }

        /// The fractional optimum is the LP optimum (brute force over the
        /// 1/den grid), and at Q = 1 it is the deterministic optimum.
        #[test]
        fn expected_score_is_the_lp_optimum(seed in any::<u64>(), qi in 0usize..4) {
            let (q, num, den) = [(0.5, 1, 2), (0.75, 3, 4), (0.4, 2, 5), (1.0, 1, 1)][qi];
            let mut p = random_problem(seed, false);
            // Keep the brute force small: at most 7 pairs.
            let pairs: usize = p.candidates.iter().map(Vec::len).sum();
            if pairs > 7 {
                return Ok(());
            }
            let Ok(det) = solve(&p, Objective::Total) else { return Ok(()); };
            let bf = brute_force_lp(&p, num, den);
            match randomize(&mut p, &det, &spec(q, 1), None) {
                Ok(s) => {
                    let r = stats(&s);
                    let b = bf.ok_or_else(|| TestCaseError::fail("solver found a fractional solution, brute force none"))?;
                    prop_assert!((r.expected_score - b).abs() < 1e-9, "expected {} vs LP {}", r.expected_score, b);
                    if q == 1.0 {
                        prop_assert!((r.expected_score - det.total).abs() < 1e-9);
                        prop_assert!((s.total - det.total).abs() < 1e-9);
                    }
                }
                Err(RandomizeError::TooSmall { .. }) => prop_assert!(bf.is_none()),
                Err(e) => return Err(TestCaseError::fail(e.to_string())),
            }
        }
    }

    /// Two proposals, three advisers, K = 1, max load 1, Q = 0.5:
    /// P0 scores (0.9, 0.8, 0.1), P1 (0.85, 0.1, 0.7). The LP optimum puts
    /// 1/2 on each of P0–A0, P0–A1, P1–A0, P1–A2: 0.45 + 0.4 + 0.425 + 0.35 =
    /// 1.625, against the deterministic 0.8 + 0.85 = 1.65.
    fn hand_instance() -> Problem {
        let c = |adviser, score| Candidate { adviser, score };
        Problem {
            proposal_ids: ids("P", 2),
            adviser_ids: ids("A", 3),
            demand: vec![1, 1],
            min_load: vec![0; 3],
            max_load: vec![1; 3],
            candidates: vec![
                vec![c(0, 0.9), c(1, 0.8), c(2, 0.1)],
                vec![c(0, 0.85), c(1, 0.1), c(2, 0.7)],
            ],
            adviser_institution: vec![0, 1, 2],
            adviser_non_academic: vec![false; 3],
            min_non_academic: vec![0, 0],
            ..Problem::default()
        }
    }

    #[test]
    fn hand_computed_fractional_optimum() {
        let mut p = hand_instance();
        let det = solve(&p, Objective::Total).unwrap();
        assert!((det.total - 1.65).abs() < 1e-12);
        let s = randomize(&mut p, &det, &spec(0.5, 7), None).unwrap();
        let r = stats(&s);
        assert!(
            (r.expected_score - 1.625).abs() < 1e-12,
            "{}",
            r.expected_score
        );
        assert!((r.ratio - 1.625 / 1.65).abs() < 1e-12);
        assert_eq!(r.largest_probability, 0.5);
        assert_eq!((r.numerator, r.denominator), (1, 2));
        let got: Vec<(usize, usize, f64)> = r
            .probabilities
            .iter()
            .map(|x| (x.proposal, x.adviser, x.probability))
            .collect();
        assert_eq!(
            got,
            vec![(0, 0, 0.5), (0, 1, 0.5), (1, 0, 0.5), (1, 2, 0.5)]
        );
        // The draw is one of the two assignments the distribution mixes.
        assert!(s.assigned == vec![vec![0], vec![2]] || s.assigned == vec![vec![1], vec![0]]);
    }

    /// A denser fixed call whose fractional solution has many pairs
    /// strictly between 0 and 1.
    fn marginal_instance() -> Problem {
        let mut rng = ChaCha8Rng::seed_from_u64(99);
        let (np, na) = (6, 8);
        let mut p = Problem {
            proposal_ids: ids("P", np),
            adviser_ids: ids("A", na),
            demand: vec![2; np],
            min_load: vec![0; na],
            max_load: vec![2; na],
            candidates: (0..np)
                .map(|_| {
                    (0..na)
                        .map(|adviser| Candidate {
                            adviser,
                            score: rng.random_range(0..=100) as f64 / 100.0,
                        })
                        .collect()
                })
                .collect(),
            adviser_institution: (0..na as u32).map(|a| a / 2).collect(),
            adviser_non_academic: (0..na).map(|a| a >= 6).collect(),
            one_per_institution: true,
            min_non_academic: vec![1; np],
            ..Problem::default()
        };
        p.must.push((0, 3));
        p
    }

    /// Over 4,000 draws each pair's frequency matches its probability
    /// within 4.5 standard errors (the rounding keeps marginals exactly).
    #[test]
    fn empirical_marginals_match_the_fractional_solution() {
        let mut p = marginal_instance();
        let quota = p.effective_quota();
        let (num, den) = parse_probability(0.4).unwrap();
        let (enc, _, _) = fractional(&mut p, &quota, num, den, None).unwrap().unwrap();
        let base = Flows::from_network(&enc, den);
        let n = 4000;
        let mut hits = vec![0u32; base.flow.len()];
        let mut fractional_arcs = 0;
        for seed in 0..n {
            let mut f = base.clone();
            f.round(&mut ChaCha8Rng::seed_from_u64(seed)).unwrap();
            for (i, &x) in f.flow.iter().enumerate() {
                assert_eq!(x % den, 0, "arc {i} left fractional");
                if x == f.lo[i] + den {
                    hits[i] += 1;
                }
            }
        }
        for (i, &hit) in hits.iter().enumerate() {
            if !base.fractional(i) {
                continue;
            }
            fractional_arcs += 1;
            let x = (base.flow[i] - base.lo[i]) as f64 / den as f64;
            let freq = hit as f64 / n as f64;
            let se = (x * (1.0 - x) / n as f64).sqrt();
            assert!(
                (freq - x).abs() <= 4.5 * se + 1e-12,
                "arc {i}: frequency {freq}, probability {x}"
            );
        }
        assert!(
            fractional_arcs >= 10,
            "only {fractional_arcs} fractional arcs"
        );
    }

    #[test]
    fn same_seed_same_draw_other_seed_other_draw() {
        let p0 = marginal_instance();
        let det = solve(&p0, Objective::Total).unwrap();
        let draw = |seed| {
            let mut p = p0.clone();
            randomize(&mut p, &det, &spec(0.4, seed), None).unwrap()
        };
        assert_eq!(draw(7), draw(7));
        let differ = (0..10)
            .filter(|&s| draw(s).assigned != draw(7).assigned)
            .count();
        assert!(
            differ >= 5,
            "only {differ} of 10 seeds drew another assignment"
        );
    }

    #[test]
    fn bad_caps_are_errors_naming_the_flag() {
        for q in [0.0, -0.5, 1.5, f64::NAN, 0.1234] {
            let e = parse_probability(q).unwrap_err();
            assert!(e.to_string().starts_with("--max-probability"), "{e}");
        }
        assert_eq!(parse_probability(0.25).unwrap(), (1, 4));
        assert_eq!(parse_probability(1.0).unwrap(), (1, 1));
    }

    /// K = 2 among 4 eligible advisers needs Q ≥ 0.5: 0.4 fails and the
    /// error gives 0.5.
    #[test]
    fn too_small_cap_names_the_smallest_feasible_one() {
        let c = |adviser| Candidate {
            adviser,
            score: 0.5,
        };
        let mut p = Problem {
            proposal_ids: ids("P", 1),
            adviser_ids: ids("A", 4),
            demand: vec![2],
            min_load: vec![0; 4],
            max_load: vec![1; 4],
            candidates: vec![vec![c(0), c(1), c(2), c(3)]],
            adviser_institution: vec![0, 1, 2, 3],
            adviser_non_academic: vec![false; 4],
            min_non_academic: vec![0],
            ..Problem::default()
        };
        let det = solve(&p, Objective::Total).unwrap();
        let e = randomize(&mut p, &det, &spec(0.4, 1), None).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("--max-probability 0.4"), "{msg}");
        assert!(msg.contains("smallest feasible value is 0.5"), "{msg}");
        assert!(randomize(&mut p, &det, &spec(0.5, 1), None).is_ok());
    }
}
