//! The stages of `rdmatch run` in order, and the adapters between them.
//!
//! Stage modules know nothing of each other; this file turns one stage's
//! output into the next one's input (e.g. scores + conflicts + locks into
//! the solver's index-based [`Problem`]).

use std::collections::HashSet;

use crate::assign::stability::{self, Previous};
use crate::assign::{self, Exclusion, Infeasible, Problem, ProblemBuilder, Solution};
use crate::config::Config;
use crate::conflicts::{self, ConflictSet};
use crate::coverage::{self, CoverageInput, CoverageReport};
use crate::graph::{self, CollabGraph};
use crate::model::{AdviserIx, Dataset, ProposalIx, Sector};
use crate::network::{self, NetworkReport};
use crate::score::{Keep, ScoreMatrix, Scorer};

use super::progress::Progress;
use crate::load::locks::{Lock, LockKind};

/// Everything the stages computed.
pub struct Results {
    pub graph: CollabGraph,
    pub conflicts: ConflictSet,
    pub scorer: Scorer,
    /// Eligible pairs only: per proposal the best `candidates_per_proposal`
    /// advisers plus every adviser at or above the expertise threshold.
    pub matrix: ScoreMatrix,
    pub problem: Problem,
    pub solution: Result<Solution, Infeasible>,
    pub network: NetworkReport,
    pub coverage: CoverageReport,
    /// The previous assignment the solve kept stable, if any.
    pub previous: Option<Previous>,
}

/// Advisers each proposal needs: per proposal ID, else per area, else the default.
pub fn demand(ds: &Dataset, cfg: &Config) -> Vec<u32> {
    let a = &cfg.assign;
    ds.proposals
        .iter()
        .map(|p| {
            a.reviewers_per_proposal_id
                .get(&p.id)
                .or_else(|| a.reviewers_per_area.get(&ds.areas[p.area].id))
                .copied()
                .unwrap_or(a.reviewers_per_proposal)
        })
        .collect()
}

/// Whether an adviser may review a proposal at all (conflicts, areas,
/// must-not locks). The one definition of eligibility for every stage.
pub struct Eligibility<'a> {
    ds: &'a Dataset,
    conflicts: &'a ConflictSet,
    restrict_to_areas: bool,
    must_not: HashSet<(ProposalIx, AdviserIx)>,
}

impl<'a> Eligibility<'a> {
    pub fn new(ds: &'a Dataset, cfg: &Config, conflicts: &'a ConflictSet, locks: &[Lock]) -> Self {
        Eligibility {
            ds,
            conflicts,
            restrict_to_areas: cfg.assign.restrict_to_areas,
            must_not: locks
                .iter()
                .filter(|l| l.kind == LockKind::MustNot)
                .map(|l| (l.proposal, l.adviser))
                .collect(),
        }
    }

    pub fn area_ok(&self, p: ProposalIx, a: AdviserIx) -> bool {
        !self.restrict_to_areas
            || self.ds.advisers[a]
                .areas
                .contains(&self.ds.proposals[p].area)
    }

    pub fn eligible(&self, p: ProposalIx, a: AdviserIx) -> bool {
        self.area_ok(p, a) && !self.conflicts.is_excluded(p, a) && !self.must_not.contains(&(p, a))
    }
}

/// Checks that no must-lock contradicts a conflict of interest: a pinned
/// pair that a rule excludes is a contradiction the PO must resolve.
pub fn check_locks(ds: &Dataset, conflicts: &ConflictSet, locks: &[Lock]) -> anyhow::Result<()> {
    for l in locks.iter().filter(|l| l.kind == LockKind::Must) {
        if conflicts.is_excluded(l.proposal, l.adviser) {
            let reasons: Vec<String> = conflicts
                .reasons(l.proposal, l.adviser)
                .iter()
                .map(|r| r.to_string())
                .collect();
            anyhow::bail!(
                "locks.csv pins adviser {} to proposal {} as must, but a conflict of interest excludes the pair ({}); remove the lock or the conflict",
                ds.adviser_id(l.adviser),
                ds.proposals[l.proposal].id,
                reasons.join("; ")
            );
        }
    }
    Ok(())
}

/// Scores of eligible pairs for assignment and coverage.
pub fn eligible_scores(
    ds: &Dataset,
    cfg: &Config,
    scorer: &Scorer,
    elig: &Eligibility,
) -> ScoreMatrix {
    let keep = match cfg.assign.candidates_per_proposal {
        0 => Keep::All,
        n => Keep::TopOrAbove(n, cfg.coverage.expertise_threshold),
    };
    scorer.score(ds, keep, &|p, a| !elig.eligible(p, a))
}

/// Encodes the assignment problem: IDs → indices, eligibility, loads, panel
/// rules, locks. Must-locked pairs outside the kept candidates are scored
/// separately so they enter with their real score.
pub fn build_problem(
    ds: &Dataset,
    cfg: &Config,
    scorer: &Scorer,
    matrix: &ScoreMatrix,
    elig: &Eligibility,
    locks: &[Lock],
    previous: Option<&Previous>,
) -> Problem {
    let a_cfg = &cfg.assign;
    let proposal_ids: Vec<String> = ds.proposals.iter().map(|p| p.id.clone()).collect();
    let adviser_ids: Vec<String> = (0..ds.advisers.len())
        .map(|a| ds.adviser_id(a).to_string())
        .collect();
    let prev_pairs: Vec<(usize, usize)> = previous
        .map(|x| stability::index_pairs(x, &proposal_ids, &adviser_ids))
        .unwrap_or_default()
        .into_iter()
        .filter(|&(p, a)| elig.eligible(p, a))
        .collect();
    let mut b = ProblemBuilder::new(
        proposal_ids,
        adviser_ids,
        a_cfg.reviewers_per_proposal,
        a_cfg.min_load,
        a_cfg.default_max_load,
        a_cfg.candidates_per_proposal,
    );
    for (p, k) in demand(ds, cfg).into_iter().enumerate() {
        b.set_demand(p, k);
        b.set_area(p, &ds.areas[ds.proposals[p].area].id);
        b.set_min_non_academic(p, a_cfg.min_non_academic);
    }
    for (a, adv) in ds.advisers.iter().enumerate() {
        b.set_loads(a, a_cfg.min_load.min(adv.max_load), adv.max_load);
        let inst = ds.adviser_institution(a);
        b.set_adviser_institution(
            a,
            inst as u32,
            ds.institutions[inst].sector != Sector::Academia,
        );
    }
    b.set_one_per_institution(a_cfg.one_per_institution);
    b.set_panel(assign::panel::PanelRules::from_config(
        &cfg.panel,
        &|name| {
            (0..ds.advisers.len())
                .map(|a| ds.adviser_attribute(a, name).map(str::to_string))
                .collect()
        },
    ));
    // Advisers outside a proposal's area are counted, not listed: there can
    // be proposals × advisers of them.
    let mut serving = vec![0u32; ds.areas.len()];
    for adv in &ds.advisers {
        for &x in &adv.areas {
            serving[x] += 1;
        }
    }
    for p in 0..ds.proposals.len() {
        if a_cfg.restrict_to_areas {
            let outside = ds.advisers.len() as u32 - serving[ds.proposals[p].area];
            b.exclude_count(p, Exclusion::Area, outside);
        }
        for &a in conflicts_in_area(elig, p) {
            b.exclude(p, a, Exclusion::Conflict);
        }
    }
    for l in locks {
        match l.kind {
            LockKind::Must => b.lock(l.proposal, l.adviser),
            LockKind::MustNot => {
                if elig.area_ok(l.proposal, l.adviser)
                    && !elig.conflicts.is_excluded(l.proposal, l.adviser)
                {
                    b.exclude(l.proposal, l.adviser, Exclusion::Lock)
                }
            }
        }
    }
    for &(p, a) in &prev_pairs {
        b.previous(p, a, a_cfg.stability_weight);
    }
    for (p, row) in matrix.per_proposal.iter().enumerate() {
        for s in row {
            b.add_score(p, s.adviser, s.score);
        }
    }
    // Must-locks and previous pairs the scorer did not keep: score exactly
    // those pairs.
    let kept: HashSet<(usize, usize)> = matrix
        .per_proposal
        .iter()
        .enumerate()
        .flat_map(|(p, row)| row.iter().map(move |s| (p, s.adviser)))
        .collect();
    let missing: HashSet<(usize, usize)> = locks
        .iter()
        .filter(|l| l.kind == LockKind::Must && !kept.contains(&(l.proposal, l.adviser)))
        .map(|l| (l.proposal, l.adviser))
        .chain(prev_pairs.iter().copied().filter(|x| !kept.contains(x)))
        .collect();
    if !missing.is_empty() {
        let extra = scorer.score(ds, Keep::All, &|p, a| !missing.contains(&(p, a)));
        for (p, row) in extra.per_proposal.iter().enumerate() {
            for s in row {
                b.add_score(p, s.adviser, s.score);
            }
        }
    }
    b.build()
}

/// The eligible pairs the candidate cut left out that score at least the
/// proposal's threshold (every one at a threshold of 0), for the solver's
/// optimality check on the cut.
fn more_pairs(
    ds: &Dataset,
    scorer: &Scorer,
    elig: &Eligibility,
    p: &Problem,
    thresholds: &[f64],
) -> Vec<Vec<assign::Candidate>> {
    let lowest = thresholds.iter().copied().fold(f64::INFINITY, f64::min);
    if lowest > 1.0 {
        return vec![Vec::new(); p.candidates.len()];
    }
    let have: Vec<HashSet<usize>> = p
        .candidates
        .iter()
        .map(|l| l.iter().map(|c| c.adviser).collect())
        .collect();
    let keep = if lowest <= 0.0 {
        Keep::All
    } else {
        Keep::TopOrAbove(0, lowest)
    };
    let found = scorer.score(ds, keep, &|pp, a| {
        have.get(pp).is_none_or(|h| h.contains(&a)) || !elig.eligible(pp, a)
    });
    found
        .per_proposal
        .iter()
        .enumerate()
        .map(|(pp, row)| {
            let t = thresholds.get(pp).copied().unwrap_or(0.0);
            row.iter()
                .filter(|s| t <= 0.0 || s.score >= t)
                .map(|s| assign::Candidate {
                    adviser: s.adviser,
                    score: s.score,
                })
                .collect()
        })
        .collect()
}

/// Conflicted advisers of a proposal who would otherwise be eligible by area
/// (those outside the area are counted as "area").
fn conflicts_in_area<'e>(
    elig: &'e Eligibility,
    p: ProposalIx,
) -> impl Iterator<Item = &'e AdviserIx> + 'e {
    elig.conflicts
        .excluded_of(p)
        .iter()
        .filter(move |&&a| elig.area_ok(p, a))
}

/// The conflicts stage. A command that needs the set before the other
/// stages (edits are checked against it before they become locks) runs it
/// here and hands the set to [`run_stages`], which then does not run it
/// again.
pub fn detect_conflicts(ds: &Dataset, cfg: &Config, progress: &mut Progress) -> ConflictSet {
    progress.stage("conflicts", || conflicts::detect(ds, &cfg.conflicts))
}

/// Runs every stage after loading; `conflicts` is the set from
/// [`detect_conflicts`] when the caller has it already.
pub fn run_stages(
    ds: &Dataset,
    cfg: &Config,
    locks: &[Lock],
    conflicts: Option<ConflictSet>,
    scorer_ext: Option<crate::score::ExternalScores>,
    previous: Option<Previous>,
    progress: &mut Progress,
) -> anyhow::Result<Results> {
    let graph = progress.stage("collaboration graph", || graph::build(ds));
    let conflicts = match conflicts {
        Some(c) => c,
        None => detect_conflicts(ds, cfg, progress),
    };
    check_locks(ds, &conflicts, locks)?;
    let scorer = progress.stage("profiles", || {
        let s = Scorer::new(ds, &cfg.score);
        match scorer_ext {
            Some(e) => s.with_external(e),
            None => s,
        }
    });
    let elig = Eligibility::new(ds, cfg, &conflicts, locks);
    let matrix = progress.stage("scores", || eligible_scores(ds, cfg, &scorer, &elig));
    let mut problem = progress.stage("encode assignment", || {
        build_problem(ds, cfg, &scorer, &matrix, &elig, locks, previous.as_ref())
    });
    let solution = progress.stage("assignment", || {
        let more = |p: &Problem, th: &[f64]| more_pairs(ds, &scorer, &elig, p, th);
        assign::solve_uncut(&mut problem, cfg.assign.objective, &more)
    });
    let solution = match (solution, super::assign::randomize_spec(cfg)) {
        (Ok(det), Some(spec)) => Ok(progress.stage("randomized draw", || {
            let more = |p: &Problem, th: &[f64]| more_pairs(ds, &scorer, &elig, p, th);
            assign::randomize::randomize(&mut problem, &det, &spec, Some(&more))
        })?),
        (s, _) => s,
    };
    let network = progress.stage("network analytics", || {
        network::analyse(ds, &graph, &cfg.network, cfg.seed)
    });
    let coverage = progress.stage("coverage", || {
        let input = coverage_input(
            ds,
            cfg,
            &scorer,
            &matrix,
            solution.as_ref().ok(),
            &problem,
            Some(&network),
            Some(&graph),
        );
        coverage::compute(&input, &cfg.coverage)
    })?;
    Ok(Results {
        graph,
        conflicts,
        scorer,
        matrix,
        problem,
        solution,
        network,
        coverage,
        previous,
    })
}

/// Fills coverage's plain input from the other stages' outputs.
#[allow(clippy::too_many_arguments)]
pub fn coverage_input<'a>(
    ds: &'a Dataset,
    cfg: &Config,
    scorer: &Scorer,
    matrix: &ScoreMatrix,
    solution: Option<&Solution>,
    problem: &Problem,
    network: Option<&NetworkReport>,
    graph: Option<&CollabGraph>,
) -> CoverageInput<'a> {
    let eligible = matrix
        .per_proposal
        .iter()
        .map(|row| row.iter().map(|s| (s.adviser, s.score)).collect())
        .collect();
    let assigned = solution.map(|s| {
        s.assigned
            .iter()
            .enumerate()
            .map(|(p, list)| {
                list.iter()
                    .map(|&a| (a, problem.score_of(p, a).unwrap_or(0.0)))
                    .collect()
            })
            .collect()
    });
    CoverageInput {
        ds,
        k: demand(ds, cfg),
        eligible,
        assigned,
        proposal_terms: (0..ds.proposals.len())
            .map(|p| scorer.proposal_terms(p))
            .collect(),
        adviser_terms: (0..ds.advisers.len())
            .map(|a| scorer.adviser_terms(a))
            .collect(),
        node_community: network.map(|n| n.node_community.clone()),
        node_in_largest: network.map(|n| n.node_in_largest.clone()),
        edges: graph.map(|g| g.edge_pairs()),
    }
}
