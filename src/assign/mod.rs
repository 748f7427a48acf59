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
mod diagnose;
mod encode;
mod fair;
pub mod io;
mod mcf;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod tests;

pub use crate::config::Objective;
pub use builder::{Exclusion, ProblemBuilder};
pub use diagnose::{Diagnosis, HallGroup, LockProblem, MinLoadShort, ShortProposal};
pub use io::{
    problem_from_files, write_alternates_csv, write_assignment_csv, write_loads_csv, AssignError,
    ExtraColumns,
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
}

/// A non-academic quota lowered to what the candidate pool allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaCap {
    pub proposal: usize,
    pub requested: u32,
    pub effective: u32,
}

/// How the solve went (for the run manifest and logs).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SolveStats {
    pub nodes: usize,
    pub arcs: usize,
    /// Dijkstra searches and augmentations of the min-cost flow solve(s).
    pub searches: u64,
    pub augmentations: u64,
    /// Quotas that were capped (by demand or by the candidate pool).
    pub quota_capped: Vec<QuotaCap>,
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

    /// The non-academic quota actually enforced per proposal: the request,
    /// capped by K and by the non-academic candidates (distinct institutions
    /// when one-per-institution is on).
    pub fn effective_quota(&self) -> Vec<u32> {
        (0..self.proposal_ids.len())
            .map(|pp| {
                let q = self.min_non_academic[pp].min(self.demand[pp]);
                if q == 0 {
                    return 0;
                }
                let mut pool: Vec<u32> = self.candidates[pp]
                    .iter()
                    .filter(|c| self.adviser_non_academic[c.adviser])
                    .map(|c| {
                        if self.one_per_institution {
                            self.adviser_institution[c.adviser]
                        } else {
                            c.adviser as u32
                        }
                    })
                    .collect();
                pool.sort_unstable();
                pool.dedup();
                q.min(pool.len() as u32)
            })
            .collect()
    }

    pub fn score_of(&self, pp: usize, a: usize) -> Option<f64> {
        self.candidates[pp]
            .iter()
            .find(|c| c.adviser == a)
            .map(|c| c.score)
    }

    /// Orders a proposal's advisers by score desc, then adviser ID.
    fn sort_by_score(&self, pp: usize, list: &mut [usize]) {
        let key = |a: usize| self.score_of(pp, a).unwrap_or(f64::NEG_INFINITY);
        list.sort_by(|&x, &y| {
            key(y)
                .total_cmp(&key(x))
                .then_with(|| self.adviser_ids[x].cmp(&self.adviser_ids[y]))
        });
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
/// a diagnosis.
pub fn solve(p: &Problem, objective: Objective) -> Result<Solution, Infeasible> {
    let errs = p.check();
    if !errs.is_empty() {
        return Err(Infeasible {
            diagnosis: Box::new(Diagnosis::input(errs)),
        });
    }
    let quota = p.effective_quota();
    // Locks that are not candidates cannot be expressed in the network.
    if p.must.iter().any(|&(pp, a)| p.score_of(pp, a).is_none()) {
        return Err(Infeasible {
            diagnosis: Box::new(diagnose::diagnose(p, &quota)),
        });
    }
    let sol = match objective {
        Objective::Total => solve_total(p, &quota, &|_, _| true),
        Objective::Fair => fair::solve_fair(p, &quota),
    };
    sol.ok_or_else(|| Infeasible {
        diagnosis: Box::new(diagnose::diagnose(p, &quota)),
    })
}

/// Max-total solve over the candidates `keep` admits. `None` = infeasible.
fn solve_total(
    p: &Problem,
    quota: &[u32],
    keep: &dyn Fn(usize, usize) -> bool,
) -> Option<Solution> {
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
        fair_threshold: None,
        fair_min_sum: None,
        fair_bound: None,
    };
    Some(sol)
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
        if non_acad < quota[pp] {
            errs.push(format!(
                "proposal {pid}: {non_acad} non-academic advisers, quota {}",
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
            let mut rest: Vec<usize> = p.candidates[pp]
                .iter()
                .map(|c| c.adviser)
                .filter(|a| !s.assigned[pp].contains(a))
                .collect();
            p.sort_by_score(pp, &mut rest);
            rest.truncate(n);
            rest
        })
        .collect()
}

/// Rank (1 = best) of each assigned adviser among its proposal's
/// candidates, ordered by score desc then adviser ID; parallel to
/// `s.assigned`.
pub fn ranks(p: &Problem, s: &Solution) -> Vec<Vec<usize>> {
    (0..p.proposal_ids.len())
        .map(|pp| {
            let mut all: Vec<usize> = p.candidates[pp].iter().map(|c| c.adviser).collect();
            p.sort_by_score(pp, &mut all);
            s.assigned[pp]
                .iter()
                .map(|a| all.iter().position(|x| x == a).map_or(0, |i| i + 1))
                .collect()
        })
        .collect()
}
