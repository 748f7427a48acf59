//! Exact adviser assignment (`assign`).
//!
//! **Owns** the assignment problem in encoded, index-based form ([`Problem`]),
//! its exact solver ([`solve`]), an independent checker ([`verify`]), the
//! explanation of infeasible problems ([`Diagnosis`]), alternates and ranks,
//! and the standalone file forms (scores.csv / conflicts.csv in,
//! assignment.csv / alternates.csv / loads.csv out, see [`io`]).
//!
//! **Takes** a [`Problem`]: proposals and advisers as dense indexes (IDs kept
//! only to break ties and to print), demand K per proposal, min/max load per
//! adviser, per proposal the eligible candidates with a score in `[0, 1]`
//! (higher = better fit), institutions and sectors for the panel rules, and
//! locked pairs. It never sees the `Dataset`: the lead builds a problem with
//! [`ProblemBuilder`] (from the data set, scores and conflicts) or
//! [`problem_from_files`] (standalone CLI), in the spirit of
//! openreview-matcher's encoder.
//!
//! **Hands on** a [`Solution`] (advisers per proposal, total, weakest, loads)
//! or an [`Infeasible`] whose `Display` says which numbers do not add up.
//!
//! ## Model (exact)
//! Maximise Σ score over assigned pairs subject to: each proposal gets exactly
//! `demand[p]` advisers, each adviser's load lies in `[min_load, max_load]`,
//! only candidate pairs, locked pairs included, at most one adviser per
//! institution per proposal (when on), and at least `min_non_academic[p]`
//! advisers from outside academia (capped by what the candidate pool allows,
//! reported in [`SolveStats::quota_capped`]). This is a min-cost flow with
//! lower bounds; see `encode` for the network and `mcf` for the algorithm.
//!
//! ## Why successive shortest paths with early termination
//! Cost-scaling push–relabel and network simplex are the textbook fast
//! choices; SSP was picked because (a) the network is a bipartite
//! transportation problem where total flow is only Σ K (30k units at the
//! 10k × 10k scale) and an augmenting path is almost always short (a
//! proposal's best free adviser, or one swap away), so a Dijkstra that stops
//! at the first reachable deficit explores a small neighbourhood;
//! (b) it is exact with integer costs and simple enough to verify;
//! (c) it is deterministic (heap ties broken by node index). Measured on 2
//! cores (`bench` module): 10k × 10k, 50 candidates, K = 3, max load 6
//! (510k arcs): 0.14 s; dense 2k × 2k (4M arcs): 0.8 s, 310 MB. Its weakness
//! is tight capacity (Σ max_load = Σ K), where paths get long: 7 s at
//! 10k × 10k with max load 3.
//!
//! ## Costs
//! A pair's cost is `−round(score · SCALE)` with [`SCALE`] = 10⁶: the
//! optimum is exact for scores given to 6 decimals, and otherwise within
//! `0.5·10⁻⁶` per assigned pair of the real-valued optimum. Rounding, never
//! truncation; the f64 scores are kept for every reported figure.
//!
//! ## Determinism
//! Same problem → same solution: the algorithm has no randomness and breaks
//! heap ties by node index; output lists are sorted by score (desc) then
//! adviser ID. Builders that read files order IDs lexicographically.

mod builder;
mod cut;
mod diagnose;
pub mod edits;
mod encode;
mod fair;
mod ilp;
pub mod io;
mod mcf;
pub mod panel;
pub mod randomize;
pub mod resilience;
pub mod stability;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod tests;

pub use crate::config::Objective;
pub use builder::{Exclusion, ProblemBuilder};
pub use diagnose::{Binding, Diagnosis, HallGroup, LockProblem, MinLoadShort, ShortProposal};
pub use io::{
    problem_from_files, problem_from_files_with_locks, solver_json, write_alternates_csv,
    write_assignment_csv, write_loads_csv, write_shortfall_csv, AssignError, ExtraColumns,
};

use encode::encode;

/// Scores are multiplied by this and rounded to get integer flow costs.
pub const SCALE: f64 = 1e6;

/// One eligible adviser of a proposal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// Index into [`Problem::adviser_ids`].
    pub adviser: usize,
    /// Fit in `[0, 1]`, higher is better.
    pub score: f64,
}

/// How many advisers were excluded from a proposal's candidates, and why.
/// Each adviser is counted once, under the first reason in field order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IneligibleCounts {
    /// Conflict of interest.
    pub conflict: u32,
    /// Adviser does not serve the proposal's R&D area.
    pub area: u32,
    /// Locked out by the PS/PO (must-not pair).
    pub lock: u32,
    /// Eligible but cut by `candidates_per_proposal` (or had no score).
    pub truncated: u32,
}

/// An assignment problem on dense indexes. See the module doc for the model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problem {
    pub proposal_ids: Vec<String>,
    pub adviser_ids: Vec<String>,
    /// Advisers each proposal needs (K).
    pub demand: Vec<u32>,
    /// Per adviser.
    pub min_load: Vec<u32>,
    pub max_load: Vec<u32>,
    /// Per proposal: eligible advisers only, each once.
    pub candidates: Vec<Vec<Candidate>>,
    /// Per adviser: any institution key (equal keys = same institution).
    pub adviser_institution: Vec<u32>,
    /// Per adviser: true when the institution's sector is not academia.
    /// Must be the same for advisers with the same institution key.
    pub adviser_non_academic: Vec<bool>,
    pub one_per_institution: bool,
    /// Per proposal: requested quota of non-academic advisers.
    pub min_non_academic: Vec<u32>,
    /// Locked (proposal, adviser) pairs; each must be a candidate.
    pub must: Vec<(usize, usize)>,
    /// Per proposal (may be empty): exclusions, for the diagnosis only.
    pub ineligible: Vec<IneligibleCounts>,
    /// Per proposal (may be empty): its R&D area ID, for the diagnosis.
    pub proposal_area: Vec<String>,
    /// Pairs of a previous assignment to keep where they still hold
    /// (stable re-runs); each earns `stability_weight` on top of its score.
    pub previous: Vec<(usize, usize)>,
    /// Score points a kept previous pair is worth. At 1 or more no move
    /// pays for itself (a score is at most 1): fewest changes first, then
    /// the best score.
    pub stability_weight: f64,
    /// Panel composition rules on adviser attributes (module `panel`).
    pub panel: panel::PanelRules,
}

/// A non-academic quota lowered to what the candidate pool allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaCap {
    pub proposal: usize,
    pub requested: u32,
    pub effective: u32,
}

/// A proposal whose non-academic quota is not met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaShort {
    pub proposal: usize,
    pub quota: u32,
    pub met: u32,
}

/// What happened to the candidate cut (`candidates_per_proposal`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CutStats {
    /// Some eligible pairs were left out of the first solve.
    pub cut: bool,
    /// Solves run (1 = the cut solution was certified at once).
    pub rounds: u32,
    /// Left-out pairs scored for the reduced-cost check.
    pub pairs_checked: u64,
    /// Left-out pairs added because they could improve the solution.
    pub pairs_added: u64,
    /// The cut problem was infeasible (or did not settle), so every
    /// eligible pair was added.
    pub widened_to_all: bool,
    /// The solution is proven optimal for the uncut problem (max-total).
    pub certified: bool,
}

impl CutStats {
    /// One line for logs and the report.
    pub fn describe(&self) -> String {
        if !self.cut {
            return "no candidate cut: every eligible pair was in the solve".into();
        }
        let how = if self.widened_to_all {
            "the cut problem was widened to every eligible pair".to_string()
        } else if self.pairs_added == 0 {
            "the cut solution is optimal for the uncut problem (no pair left out has a negative reduced cost)".to_string()
        } else {
            format!(
                "{} left-out pairs could improve the answer and were added; the widened solution is optimal for the uncut problem",
                self.pairs_added
            )
        };
        format!(
            "{how}; {} solve(s), {} left-out pairs checked",
            self.rounds, self.pairs_checked
        )
    }
}

/// How the solve went (for the run manifest and logs).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SolveStats {
    pub nodes: usize,
    pub arcs: usize,
    /// Dijkstra searches and augmentations of the min-cost flow solve(s).
    pub searches: u64,
    pub augmentations: u64,
    /// Quotas above K, lowered to K.
    pub quota_capped: Vec<QuotaCap>,
    /// Proposals whose assigned advisers meet fewer non-academic places
    /// than their quota (the pool and the loads allowed no more).
    pub quota_short: Vec<QuotaShort>,
    /// How the candidate cut was handled (see [`CutStats`]).
    pub cut: CutStats,
    /// Fair objective only: the pair-score threshold used (pairs below it
    /// were forbidden), when that step gave the fairest solution.
    pub fair_threshold: Option<f64>,
    /// Fair objective only: the per-proposal sum target used to prune pairs,
    /// when that step gave the fairest solution. Both `None`: the plain
    /// max-total solution was already the fairest found.
    pub fair_min_sum: Option<f64>,
    /// Fair objective only: an upper bound on the weakest of any assignment
    /// (min over proposals of the sum of their K best candidate scores). If
    /// `weakest` equals it, the fair solution is optimal.
    pub fair_bound: Option<f64>,
    /// Fair objective only: whether the weakest is proven the largest any
    /// assignment reaches.
    pub fair_exact: Option<bool>,
    /// Randomised mode only: the fractional optimum, the probabilities and
    /// the draw (see [`randomize`]).
    pub randomized: Option<Box<randomize::RandomStats>>,
    /// Panel rules only: the path taken and the proposals left short.
    pub panel: Option<Box<panel::PanelStats>>,
}

/// A feasible assignment.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Per proposal: adviser indexes, sorted by score desc then adviser ID.
    pub assigned: Vec<Vec<usize>>,
    /// Σ score over all assigned pairs.
    pub total: f64,
    /// min over proposals of Σ score of its assigned advisers (0 if none).
    pub weakest: f64,
    /// Per adviser: number of proposals assigned.
    pub loads: Vec<u32>,
    pub stats: SolveStats,
}

/// No assignment satisfies every rule; `diagnosis` says why.
#[derive(Clone, Debug, PartialEq)]
pub struct Infeasible {
    /// Boxed: the diagnosis is large and `Result` should stay small.
    pub diagnosis: Box<Diagnosis>,
    /// The best partial assignment, when the problem is well formed.
    pub partial: Option<Box<Partial>>,
}

/// The best incomplete assignment: the most filled slots, then the most
/// quota places, then the highest score, under every other rule (loads,
/// conflicts, areas, institutions, the locks that can hold).
#[derive(Clone, Debug, PartialEq)]
pub struct Partial {
    /// `assigned[p]` may hold fewer than `demand[p]` advisers.
    pub solution: Solution,
    /// Per proposal: slots left unfilled.
    pub unfilled: Vec<u32>,
    /// Minimum loads could not be met together with any assignment and
    /// were left out of the partial solve.
    pub min_loads_dropped: bool,
    /// Must-locks that cannot hold (not a candidate, over K or max load),
    /// left out of the partial solve.
    pub locks_dropped: Vec<(usize, usize)>,
}

impl Partial {
    pub fn filled(&self) -> u64 {
        self.solution.assigned.iter().map(|l| l.len() as u64).sum()
    }
    pub fn missing(&self) -> u64 {
        self.unfilled.iter().map(|&u| u as u64).sum()
    }
}

impl std::fmt::Display for Infeasible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.diagnosis.fmt(f)
    }
}

impl std::error::Error for Infeasible {}

impl Problem {
    /// Structural checks (lengths, indexes, score range, bounds). Each
    /// message names the offending proposal/adviser ID.
    pub fn check(&self) -> Vec<String> {
        let np = self.proposal_ids.len();
        let na = self.adviser_ids.len();
        let mut errs = Vec::new();
        for (name, len, want) in [
            ("demand", self.demand.len(), np),
            ("candidates", self.candidates.len(), np),
            ("min_non_academic", self.min_non_academic.len(), np),
            ("min_load", self.min_load.len(), na),
            ("max_load", self.max_load.len(), na),
            ("adviser_institution", self.adviser_institution.len(), na),
            ("adviser_non_academic", self.adviser_non_academic.len(), na),
        ] {
            if len != want {
                errs.push(format!(
                    "problem field {name} has {len} entries, expected {want}"
                ));
            }
        }
        if !self.ineligible.is_empty() && self.ineligible.len() != np {
            errs.push(format!(
                "problem field ineligible has {} entries, expected 0 or {np}",
                self.ineligible.len()
            ));
        }
        if !errs.is_empty() {
            return errs;
        }
        for a in 0..na {
            if self.min_load[a] > self.max_load[a] {
                errs.push(format!(
                    "adviser {}: min load {} is above max load {}",
                    self.adviser_ids[a], self.min_load[a], self.max_load[a]
                ));
            }
        }
        let mut seen = vec![usize::MAX; na];
        for (pp, cands) in self.candidates.iter().enumerate() {
            for c in cands {
                if c.adviser >= na {
                    errs.push(format!(
                        "proposal {}: candidate index {} out of range",
                        self.proposal_ids[pp], c.adviser
                    ));
                    continue;
                }
                if !(0.0..=1.0).contains(&c.score) {
                    errs.push(format!(
                        "proposal {} / adviser {}: score {} is outside [0, 1]",
                        self.proposal_ids[pp], self.adviser_ids[c.adviser], c.score
                    ));
                }
                if seen[c.adviser] == pp {
                    errs.push(format!(
                        "proposal {}: adviser {} listed twice",
                        self.proposal_ids[pp], self.adviser_ids[c.adviser]
                    ));
                }
                seen[c.adviser] = pp;
            }
        }
        for &(pp, a) in &self.must {
            if pp >= np || a >= na {
                errs.push(format!("locked pair ({pp}, {a}) out of range"));
            }
        }
        if self.one_per_institution && self.min_non_academic.iter().any(|&q| q > 0) {
            let mut sector: std::collections::BTreeMap<u32, (bool, usize)> = Default::default();
            for a in 0..na {
                let e = sector
                    .entry(self.adviser_institution[a])
                    .or_insert((self.adviser_non_academic[a], a));
                if e.0 != self.adviser_non_academic[a] {
                    errs.push(format!(
                        "advisers {} and {} share an institution but not a sector",
                        self.adviser_ids[e.1], self.adviser_ids[a]
                    ));
                }
            }
        }
        errs
    }

    /// The non-academic quota per proposal, capped by K. The quota is met
    /// wherever the pool and the loads allow (see `encode`).
    pub fn effective_quota(&self) -> Vec<u32> {
        (0..self.proposal_ids.len())
            .map(|pp| self.min_non_academic[pp].min(self.demand[pp]))
            .collect()
    }

    /// Proposals whose assignment meets fewer quota places than asked.
    pub fn quota_short(&self, quota: &[u32], assigned: &[Vec<usize>]) -> Vec<QuotaShort> {
        (0..quota.len())
            .filter_map(|pp| {
                let met = assigned[pp]
                    .iter()
                    .filter(|&&a| self.adviser_non_academic[a])
                    .count() as u32;
                (met < quota[pp]).then_some(QuotaShort {
                    proposal: pp,
                    quota: quota[pp],
                    met,
                })
            })
            .collect()
    }

    /// Adds candidates (not already listed), keeping each list sorted by
    /// score desc then adviser ID. Returns how many were added.
    pub fn add_candidates(&mut self, extra: &[Vec<Candidate>]) -> u64 {
        let mut added = 0u64;
        for (pp, list) in extra.iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            let have: std::collections::HashSet<usize> =
                self.candidates[pp].iter().map(|c| c.adviser).collect();
            let mut n = 0u32;
            for c in list {
                if !have.contains(&c.adviser) {
                    self.candidates[pp].push(*c);
                    n += 1;
                }
            }
            let ids = &self.adviser_ids;
            self.candidates[pp].sort_by(|x, y| {
                y.score
                    .total_cmp(&x.score)
                    .then_with(|| ids[x.adviser].cmp(&ids[y.adviser]))
            });
            self.candidates[pp].dedup_by_key(|c| c.adviser);
            if let Some(i) = self.ineligible.get_mut(pp) {
                i.truncated = i.truncated.saturating_sub(n);
            }
            added += n as u64;
        }
        added
    }

    /// Whether some eligible pair was left out by the candidate cut.
    pub fn is_cut(&self) -> bool {
        self.ineligible.iter().any(|i| i.truncated > 0)
    }

    pub fn score_of(&self, pp: usize, a: usize) -> Option<f64> {
        self.candidates[pp]
            .iter()
            .find(|c| c.adviser == a)
            .map(|c| c.score)
    }

    /// Orders a proposal's advisers by score desc, then adviser ID. Each
    /// score is looked up once, outside the comparator (a lookup is a scan
    /// of the proposal's candidates).
    fn sort_by_score(&self, pp: usize, list: &mut [usize]) {
        let mut keyed: Vec<(f64, usize)> = list
            .iter()
            .map(|&a| (self.score_of(pp, a).unwrap_or(f64::NEG_INFINITY), a))
            .collect();
        keyed.sort_by(|x, y| {
            y.0.total_cmp(&x.0)
                .then_with(|| self.adviser_ids[x.1].cmp(&self.adviser_ids[y.1]))
        });
        for (slot, (_, a)) in list.iter_mut().zip(keyed) {
            *slot = a;
        }
    }

    /// A proposal's candidates as (score, adviser), by score desc then ID.
    fn ranked_candidates(&self, pp: usize) -> Vec<(f64, usize)> {
        let mut all: Vec<(f64, usize)> = self.candidates[pp]
            .iter()
            .map(|c| (c.score, c.adviser))
            .collect();
        all.sort_by(|x, y| {
            y.0.total_cmp(&x.0)
                .then_with(|| self.adviser_ids[x.1].cmp(&self.adviser_ids[y.1]))
        });
        all
    }

    fn quota_caps(&self, quota: &[u32]) -> Vec<QuotaCap> {
        (0..quota.len())
            .filter(|&pp| quota[pp] < self.min_non_academic[pp])
            .map(|pp| QuotaCap {
                proposal: pp,
                requested: self.min_non_academic[pp],
                effective: quota[pp],
            })
            .collect()
    }
}

/// Solves the problem exactly for [`Objective::Total`]; for
/// [`Objective::Fair`] see `fair` (sound, not exact). Infeasible problems get
/// a diagnosis and the best partial assignment. Every candidate is used: see
/// [`solve_uncut`] for a problem whose candidate lists were cut.
pub fn solve(p: &Problem, objective: Objective) -> Result<Solution, Infeasible> {
    let errs = p.check();
    if !errs.is_empty() {
        return Err(Infeasible {
            diagnosis: Box::new(Diagnosis::input(errs)),
            partial: None,
        });
    }
    if p.panel.is_active() {
        return panel::solve_panel(p, objective, None);
    }
    let quota = p.effective_quota();
    // Locks that are not candidates cannot be expressed in the network.
    if p.must.iter().any(|&(pp, a)| p.score_of(pp, a).is_none()) {
        return Err(infeasible(p, &quota));
    }
    let sol = match objective {
        Objective::Total => solve_total(p, &quota, &|_, _| true),
        Objective::Fair => fair::solve_fair(p, &quota),
    };
    sol.ok_or_else(|| infeasible(p, &quota))
}

/// Extra eligible pairs for a cut problem: given a score threshold per
/// proposal, every eligible pair of that proposal scoring at least the
/// threshold that is not yet a candidate (a threshold of 0 asks for every
/// eligible pair).
pub type MorePairs<'a> = dyn Fn(&Problem, &[f64]) -> Vec<Vec<Candidate>> + 'a;

/// At most this many column-generation rounds before every eligible pair
/// is added.
const MAX_CUT_ROUNDS: u32 = 12;

/// Solves a problem whose candidate lists were cut, as if they were not:
/// the max-total optimum is certified by reduced costs on the pairs left
/// out (module `cut`), pairs that could improve it are added, and an
/// infeasible cut problem is widened to every eligible pair before
/// infeasibility is reported. `p` is left holding the candidates used.
/// The fair objective then runs on those candidates.
pub fn solve_uncut(
    p: &mut Problem,
    objective: Objective,
    more: &MorePairs,
) -> Result<Solution, Infeasible> {
    if p.panel.is_active() {
        return panel::solve_uncut_panel(p, objective, more);
    }
    let mut stats = CutStats {
        cut: p.is_cut(),
        ..CutStats::default()
    };
    if !stats.cut || !p.check().is_empty() {
        let mut r = solve(p, objective);
        if let Ok(s) = &mut r {
            stats.rounds = 1;
            stats.certified = true;
            s.stats.cut = stats;
        }
        return r;
    }
    let quota = p.effective_quota();
    let np = p.proposal_ids.len();
    loop {
        stats.rounds += 1;
        let locks_ok = p.must.iter().all(|&(pp, a)| p.score_of(pp, a).is_some());
        let solved = if locks_ok {
            solve_total_enc(p, &quota, &|_, _| true)
        } else {
            None
        };
        let Some((sol, enc)) = solved else {
            if stats.widened_to_all {
                return Err(infeasible(p, &quota));
            }
            let all = more(p, &vec![0.0; np]);
            stats.pairs_checked += all.iter().map(|l| l.len() as u64).sum::<u64>();
            stats.pairs_added += p.add_candidates(&all);
            stats.widened_to_all = true;
            continue;
        };
        if stats.widened_to_all {
            stats.certified = true;
            return finish_uncut(p, objective, sol, stats);
        }
        let costs = encode::Costs::complete(p);
        let th = cut::thresholds(p, &enc, costs);
        let extra = if th.iter().all(|&t| t >= 1.0) {
            vec![Vec::new(); np]
        } else {
            more(p, &th)
        };
        stats.pairs_checked += extra.iter().map(|l| l.len() as u64).sum::<u64>();
        let bad = cut::violations(p, &enc, costs, &quota, &extra);
        if bad.iter().all(Vec::is_empty) {
            stats.certified = true;
            return finish_uncut(p, objective, sol, stats);
        }
        if stats.rounds >= MAX_CUT_ROUNDS {
            let all = more(p, &vec![0.0; np]);
            stats.pairs_added += p.add_candidates(&all);
            stats.widened_to_all = true;
            continue;
        }
        stats.pairs_added += p.add_candidates(&bad);
    }
}

fn finish_uncut(
    p: &Problem,
    objective: Objective,
    sol: Solution,
    stats: CutStats,
) -> Result<Solution, Infeasible> {
    let mut out = match objective {
        Objective::Total => sol,
        Objective::Fair => solve(p, objective)?,
    };
    out.stats.cut = stats;
    Ok(out)
}

/// The diagnosis of an infeasible (well-formed) problem, with the best
/// partial assignment.
fn infeasible(p: &Problem, quota: &[u32]) -> Infeasible {
    let partial = solve_partial(p, quota).map(Box::new);
    Infeasible {
        diagnosis: Box::new(diagnose::diagnose(p, quota, partial.as_deref())),
        partial,
    }
}

/// The best partial assignment (see [`Partial`]). Locks that cannot hold
/// are left out; minimum loads too when no assignment can meet them.
fn solve_partial(p: &Problem, quota: &[u32]) -> Option<Partial> {
    let mut q = p.clone();
    let bad_locks = diagnose::unholdable_locks(p);
    q.must.retain(|m| !bad_locks.contains(m));
    let costs = encode::Costs::partial(&q, quota);
    let attempt = |q: &Problem| -> Option<Vec<Vec<usize>>> {
        let mut enc = encode::encode_with(q, quota, &|_, _| true, false, costs);
        mcf::min_cost_flow(&mut enc.net)?;
        Some(enc.decode(q))
    };
    let mut min_loads_dropped = false;
    let assigned = match attempt(&q) {
        Some(a) => a,
        None => {
            min_loads_dropped = q.min_load.iter().any(|&m| m > 0);
            q.min_load.iter_mut().for_each(|m| *m = 0);
            attempt(&q)?
        }
    };
    let mut sol = finish(&q, assigned);
    sol.stats.quota_short = q.quota_short(quota, &sol.assigned);
    let unfilled = (0..p.proposal_ids.len())
        .map(|pp| p.demand[pp].saturating_sub(sol.assigned[pp].len() as u32))
        .collect();
    Some(Partial {
        solution: sol,
        unfilled,
        min_loads_dropped,
        locks_dropped: bad_locks,
    })
}

/// Max-total solve over the candidates `keep` admits. `None` = infeasible.
fn solve_total(
    p: &Problem,
    quota: &[u32],
    keep: &dyn Fn(usize, usize) -> bool,
) -> Option<Solution> {
    solve_total_enc(p, quota, keep).map(|(s, _)| s)
}

/// [`solve_total`], also returning the solved network (its potentials
/// certify the optimum).
fn solve_total_enc(
    p: &Problem,
    quota: &[u32],
    keep: &dyn Fn(usize, usize) -> bool,
) -> Option<(Solution, encode::Encoded)> {
    let mut enc = encode(p, quota, keep, false);
    let counters = mcf::min_cost_flow(&mut enc.net)?;
    let assigned = enc.decode(p);
    let mut sol = finish(p, assigned);
    sol.stats = SolveStats {
        nodes: enc.net.n,
        arcs: enc.net.head.len() / 2,
        searches: counters.searches,
        augmentations: counters.augmentations,
        quota_capped: p.quota_caps(quota),
        quota_short: p.quota_short(quota, &sol.assigned),
        ..SolveStats::default()
    };
    Some((sol, enc))
}

/// Sorts each proposal's advisers and computes total, weakest and loads.
fn finish(p: &Problem, mut assigned: Vec<Vec<usize>>) -> Solution {
    let mut loads = vec![0u32; p.adviser_ids.len()];
    let mut total = 0.0;
    let mut weakest = f64::INFINITY;
    for (pp, list) in assigned.iter_mut().enumerate() {
        p.sort_by_score(pp, list);
        let mut sum = 0.0;
        for &a in list.iter() {
            loads[a] += 1;
            sum += p.score_of(pp, a).unwrap_or(0.0);
        }
        total += sum;
        weakest = weakest.min(sum);
    }
    if !weakest.is_finite() {
        weakest = 0.0;
    }
    Solution {
        assigned,
        total,
        weakest,
        loads,
        stats: SolveStats::default(),
    }
}

/// Checks every rule on `s` independently of the solver. Returns every
/// violation found, each naming the proposal/adviser.
pub fn verify(p: &Problem, s: &Solution) -> Result<(), Vec<String>> {
    let mut errs = p.check();
    if !errs.is_empty() {
        return Err(errs);
    }
    let np = p.proposal_ids.len();
    let na = p.adviser_ids.len();
    if s.assigned.len() != np || s.loads.len() != na {
        return Err(vec![format!(
            "solution has {} proposals and {} loads, problem has {np} and {na}",
            s.assigned.len(),
            s.loads.len()
        )]);
    }
    let quota = p.effective_quota();
    let mut loads = vec![0u32; na];
    let mut total = 0.0;
    let mut weakest = f64::INFINITY;
    for (pp, list) in s.assigned.iter().enumerate() {
        let pid = &p.proposal_ids[pp];
        if list.len() != p.demand[pp] as usize {
            errs.push(format!(
                "proposal {pid}: {} advisers assigned, needs {}",
                list.len(),
                p.demand[pp]
            ));
        }
        let mut sum = 0.0;
        let mut non_acad = 0;
        let mut insts = Vec::new();
        for (i, &a) in list.iter().enumerate() {
            if a >= na {
                errs.push(format!("proposal {pid}: adviser index {a} out of range"));
                continue;
            }
            loads[a] += 1;
            if list[..i].contains(&a) {
                errs.push(format!(
                    "proposal {pid}: adviser {} twice",
                    p.adviser_ids[a]
                ));
            }
            match p.score_of(pp, a) {
                Some(sc) => sum += sc,
                None => errs.push(format!(
                    "proposal {pid}: adviser {} is not an eligible candidate",
                    p.adviser_ids[a]
                )),
            }
            non_acad += p.adviser_non_academic[a] as u32;
            insts.push(p.adviser_institution[a]);
        }
        let mut sorted = list.clone();
        p.sort_by_score(pp, &mut sorted);
        if &sorted != list {
            errs.push(format!(
                "proposal {pid}: advisers not sorted by score, then ID"
            ));
        }
        if p.one_per_institution {
            let n = insts.len();
            insts.sort_unstable();
            insts.dedup();
            if insts.len() != n {
                errs.push(format!("proposal {pid}: two advisers from one institution"));
            }
        }
        if non_acad < quota[pp]
            && !s
                .stats
                .quota_short
                .iter()
                .any(|q| q.proposal == pp && q.met == non_acad)
        {
            errs.push(format!(
                "proposal {pid}: {non_acad} non-academic advisers, quota {}, not reported short",
                quota[pp]
            ));
        }
        total += sum;
        weakest = weakest.min(sum);
    }
    for &(pp, a) in &p.must {
        if !s.assigned[pp].contains(&a) {
            errs.push(format!(
                "locked pair {} / {} not assigned",
                p.proposal_ids[pp], p.adviser_ids[a]
            ));
        }
    }
    for (a, &load) in loads.iter().enumerate() {
        if load != s.loads[a] {
            errs.push(format!(
                "adviser {}: reported load {}, actual {load}",
                p.adviser_ids[a], s.loads[a]
            ));
        }
        if load < p.min_load[a] || load > p.max_load[a] {
            errs.push(format!(
                "adviser {}: load {load} outside [{}, {}]",
                p.adviser_ids[a], p.min_load[a], p.max_load[a]
            ));
        }
    }
    if !weakest.is_finite() {
        weakest = 0.0;
    }
    let tol = 1e-9 * (1.0 + total.abs());
    if (total - s.total).abs() > tol {
        errs.push(format!("reported total {} differs from {}", s.total, total));
    }
    if (weakest - s.weakest).abs() > tol {
        errs.push(format!(
            "reported weakest {} differs from {}",
            s.weakest, weakest
        ));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

/// Per proposal, up to `n` next-best eligible advisers not assigned to it,
/// by score desc then adviser ID. (Their own load is not considered: an
/// alternate is someone to ask if an assigned adviser declines.)
pub fn alternates(p: &Problem, s: &Solution, n: usize) -> Vec<Vec<usize>> {
    (0..p.proposal_ids.len())
        .map(|pp| {
            p.ranked_candidates(pp)
                .into_iter()
                .map(|(_, a)| a)
                .filter(|a| !s.assigned[pp].contains(a))
                .take(n)
                .collect()
        })
        .collect()
}

/// Rank (1 = best) of each assigned adviser among its proposal's
/// candidates: 1 + the number of candidates with a strictly higher score,
/// so tied pairs share a rank (1, 2, 2, 4). Parallel to `s.assigned`; 0 for
/// an adviser that is not a candidate.
pub fn ranks(p: &Problem, s: &Solution) -> Vec<Vec<usize>> {
    (0..p.proposal_ids.len())
        .map(|pp| {
            let mut scores: Vec<f64> = p.candidates[pp].iter().map(|c| c.score).collect();
            scores.sort_by(|x, y| y.total_cmp(x));
            s.assigned[pp]
                .iter()
                .map(|&a| match p.score_of(pp, a) {
                    Some(sc) => 1 + scores.partition_point(|&x| x > sc),
                    None => 0,
                })
                .collect()
        })
        .collect()
}

/// Rank (as in [`ranks`]) of one candidate of a proposal; 0 if it is not one.
pub fn rank_of(p: &Problem, pp: usize, a: usize) -> usize {
    match p.score_of(pp, a) {
        Some(sc) => 1 + p.candidates[pp].iter().filter(|c| c.score > sc).count(),
        None => 0,
    }
}
