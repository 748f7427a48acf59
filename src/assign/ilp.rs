//! The integer program for panel rules a flow cannot express (`panel`).
//!
//! One binary `x[p, c]` per candidate pair (the candidate lists, not every
//! pair: the lists the flow certified), locked pairs fixed at 1. Rows:
//! `Σ_c x[p, c] = K_p`; `min_load ≤ Σ_p x[p, a] ≤ max_load`; at most one
//! adviser per (proposal, institution); the non-academic quota as an
//! integer `s_p ≤ min(quota_p, Σ non-academic x)`; a hard rule's count in
//! `[min, max]`; a soft rule's binary `y[p, r]` with
//! `Σ_g x ≥ min · y` and `Σ_g x + (B − max) · y ≤ B` (`B` the most the
//! group can hold), so `y = 1` only where the rule holds.
//!
//! The objective is lexicographic, solved in tiers rather than with one
//! weighted sum: weights large enough to order the tiers would put
//! coefficients 10⁷ apart in one row, beyond what a floating-point branch
//! and bound resolves. Tier by tier (soft rules met, then quota places,
//! then the integer score `round(score · 10⁶)`, the same costs as the
//! flow), each tier's optimum becomes a floor row for the next. Each solve
//! starts from the previous tier's solution (the first from the flow
//! solution without panel rules), so a time limit always leaves a valid
//! assignment; whether every tier was proven optimal is reported.
//!
//! microlp (pure Rust, branch and bound on a revised simplex) was chosen
//! over HiGHS and CBC: both are C/C++ and need cmake or system libraries
//! that CI does not have, and microlp has time limits, warm starts and the
//! gap report this needs.

use std::time::{Duration, Instant};

use microlp::{ComparisonOp, OptimizationDirection, SolveOptions, Variable};

use super::encode::{previous_by_proposal, scaled_cost, stability_bonus};
use super::panel::{groups, IlpPhase, IlpStats, NO_MAX};
use super::{Problem, SCALE};

/// What the integer program found.
pub(crate) struct Outcome {
    /// `None`: infeasible (or the solver failed; see the phases' status).
    pub assigned: Option<Vec<Vec<usize>>>,
    pub stats: IlpStats,
}

/// Which objective a tier maximises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tier {
    /// Hard rules made soft (the partial answer of an infeasible call).
    Hard,
    Soft,
    Quota,
    Score,
}

impl Tier {
    fn name(self) -> &'static str {
        match self {
            Tier::Hard => "hard rules met",
            Tier::Soft => "soft rules met",
            Tier::Quota => "quota places",
            Tier::Score => "score",
        }
    }
}

/// A built model: the microlp problem and the variables to read back.
struct Model {
    lp: microlp::Problem,
    /// Per proposal, per candidate index.
    x: Vec<Vec<Variable>>,
    /// Every variable in creation order, with its value in the hint.
    all: Vec<Variable>,
    /// Per tier: the (variable, coefficient) sum it maximises.
    tiers: Vec<(Tier, Vec<(Variable, f64)>)>,
    rows: usize,
    /// A hard rule whose group is smaller than its minimum.
    hopeless: bool,
}

/// Builds the model maximising `objective`, with `floors` (tier, lowest
/// value) as rows.
// A proposal index reads several parallel vectors at once.
#[allow(clippy::needless_range_loop)]
fn build(
    p: &Problem,
    quota: &[u32],
    relax_hard: bool,
    objective: Tier,
    floors: &[(Tier, f64)],
) -> Model {
    let np = p.proposal_ids.len();
    let na = p.adviser_ids.len();
    let mut lp = microlp::Problem::new(OptimizationDirection::Maximize);
    let prev_of = previous_by_proposal(p);
    let mut all = Vec::new();
    let mut rows = 0usize;
    let mut x: Vec<Vec<Variable>> = Vec::with_capacity(np);
    let mut hard_t = Vec::new();
    let mut soft_t = Vec::new();
    let mut quota_t = Vec::new();
    let mut score_t = Vec::new();
    let coef = |t: Tier, c: f64| if t == objective { c } else { 0.0 };
    for pp in 0..np {
        let mut row = Vec::with_capacity(p.candidates[pp].len());
        for c in &p.candidates[pp] {
            let value = c.score + stability_bonus(p, &prev_of, pp, c.adviser);
            let w = -scaled_cost(value, SCALE) as f64;
            let locked = p.must.contains(&(pp, c.adviser));
            let v = if locked {
                lp.add_integer_var(coef(Tier::Score, w), (1, 1))
            } else {
                lp.add_binary_var(coef(Tier::Score, w))
            };
            score_t.push((v, w));
            all.push(v);
            row.push(v);
        }
        x.push(row);
    }
    for pp in 0..np {
        let terms: Vec<(Variable, f64)> = x[pp].iter().map(|&v| (v, 1.0)).collect();
        lp.add_constraint(terms, ComparisonOp::Eq, p.demand[pp] as f64);
        rows += 1;
    }
    let mut of_adviser: Vec<Vec<Variable>> = vec![Vec::new(); na];
    for pp in 0..np {
        for (i, c) in p.candidates[pp].iter().enumerate() {
            of_adviser[c.adviser].push(x[pp][i]);
        }
    }
    for (a, vars) in of_adviser.iter().enumerate() {
        let terms: Vec<(Variable, f64)> = vars.iter().map(|&v| (v, 1.0)).collect();
        if (p.max_load[a] as usize) < vars.len() {
            lp.add_constraint(terms.clone(), ComparisonOp::Le, p.max_load[a] as f64);
            rows += 1;
        }
        if p.min_load[a] > 0 {
            lp.add_constraint(terms, ComparisonOp::Ge, p.min_load[a] as f64);
            rows += 1;
        }
    }
    if p.one_per_institution {
        for pp in 0..np {
            let mut by: Vec<(u32, Variable)> = p.candidates[pp]
                .iter()
                .enumerate()
                .map(|(i, c)| (p.adviser_institution[c.adviser], x[pp][i]))
                .collect();
            by.sort_by_key(|e| e.0);
            for chunk in by.chunk_by(|a, b| a.0 == b.0) {
                if chunk.len() >= 2 {
                    let terms: Vec<(Variable, f64)> = chunk.iter().map(|e| (e.1, 1.0)).collect();
                    lp.add_constraint(terms, ComparisonOp::Le, 1.0);
                    rows += 1;
                }
            }
        }
    }
    for pp in 0..np {
        if quota[pp] == 0 {
            continue;
        }
        let s = lp.add_integer_var(coef(Tier::Quota, 1.0), (0, quota[pp] as i32));
        all.push(s);
        quota_t.push((s, 1.0));
        let mut terms = vec![(s, 1.0)];
        for (i, c) in p.candidates[pp].iter().enumerate() {
            if p.adviser_non_academic[c.adviser] {
                terms.push((x[pp][i], -1.0));
            }
        }
        lp.add_constraint(terms, ComparisonOp::Le, 0.0);
        rows += 1;
    }
    let mut hopeless = false;
    for r in &p.panel.rules {
        let hard = r.hard && !relax_hard;
        let tier = if r.hard { Tier::Hard } else { Tier::Soft };
        let weight = if r.hard { 1.0 } else { r.weight as f64 };
        for pp in 0..np {
            let k = p.demand[pp];
            let gs = groups(p, r, pp);
            if hard {
                for (_, g) in &gs {
                    let terms: Vec<(Variable, f64)> = g.iter().map(|&i| (x[pp][i], 1.0)).collect();
                    if r.min > 0 {
                        if (g.len() as u32) < r.min || k < r.min {
                            hopeless = true;
                        }
                        lp.add_constraint(terms.clone(), ComparisonOp::Ge, r.min as f64);
                        rows += 1;
                    }
                    if r.max != NO_MAX && (r.max as usize) < g.len() {
                        lp.add_constraint(terms, ComparisonOp::Le, r.max as f64);
                        rows += 1;
                    }
                }
                continue;
            }
            let can = gs
                .iter()
                .all(|(_, g)| (g.len() as u32) >= r.min && k >= r.min);
            let y = if can {
                lp.add_binary_var(coef(tier, weight))
            } else {
                lp.add_integer_var(0.0, (0, 0))
            };
            all.push(y);
            match tier {
                Tier::Hard => hard_t.push((y, weight)),
                _ => soft_t.push((y, weight)),
            }
            if !can {
                continue;
            }
            for (_, g) in &gs {
                let mut terms: Vec<(Variable, f64)> = g.iter().map(|&i| (x[pp][i], 1.0)).collect();
                if r.min > 0 {
                    let mut t = terms.clone();
                    t.push((y, -(r.min as f64)));
                    lp.add_constraint(t, ComparisonOp::Ge, 0.0);
                    rows += 1;
                }
                let b = (g.len() as u32).min(k);
                if r.max != NO_MAX && r.max < b {
                    terms.push((y, (b - r.max) as f64));
                    lp.add_constraint(terms, ComparisonOp::Le, b as f64);
                    rows += 1;
                }
            }
        }
    }
    let mut tiers = Vec::new();
    for (t, terms) in [
        (Tier::Hard, hard_t),
        (Tier::Soft, soft_t),
        (Tier::Quota, quota_t),
        (Tier::Score, score_t),
    ] {
        if !terms.is_empty() {
            tiers.push((t, terms));
        }
    }
    for &(t, floor) in floors {
        if let Some((_, terms)) = tiers.iter().find(|(u, _)| *u == t) {
            lp.add_constraint(terms.clone(), ComparisonOp::Ge, floor);
            rows += 1;
        }
    }
    Model {
        lp,
        x,
        all,
        tiers,
        rows,
        hopeless,
    }
}

/// The hint for a model: every variable's value under `assigned`.
fn hint(
    p: &Problem,
    quota: &[u32],
    m: &Model,
    assigned: &[Vec<usize>],
    relax_hard: bool,
) -> Vec<(Variable, f64)> {
    let mut out = Vec::with_capacity(m.all.len());
    for (pp, row) in m.x.iter().enumerate() {
        for (i, &v) in row.iter().enumerate() {
            let a = p.candidates[pp][i].adviser;
            out.push((v, assigned[pp].contains(&a) as u8 as f64));
        }
    }
    // s and y: the values the assignment earns (the solver checks them).
    let short = super::panel::shortfalls(p, assigned);
    let mut extra = Vec::new();
    for (pp, &q) in quota.iter().enumerate() {
        if q > 0 {
            let na = assigned[pp]
                .iter()
                .filter(|&&a| p.adviser_non_academic[a])
                .count() as u32;
            extra.push(na.min(q) as f64);
        }
    }
    for (ri, _) in p.panel.rules.iter().enumerate() {
        if p.panel.rules[ri].hard && !relax_hard {
            continue;
        }
        for pp in 0..p.proposal_ids.len() {
            let bad = short.iter().any(|s| s.rule == ri && s.proposal == pp);
            extra.push(if bad { 0.0 } else { 1.0 });
        }
    }
    let nx = out.len();
    for (v, val) in m.all[nx..].iter().zip(extra) {
        out.push((*v, val));
    }
    out
}

/// Solves the integer program; see the module doc. `warm` is a solution
/// of the problem without panel rules. With `relax_hard`, hard rules
/// become the first tier to maximise (the best partial answer).
pub(crate) fn solve(p: &Problem, quota: &[u32], warm: &[Vec<usize>], relax_hard: bool) -> Outcome {
    let started = Instant::now();
    let budget = p.panel.time_limit;
    let first = build(p, quota, relax_hard, Tier::Score, &[]);
    let mut stats = IlpStats {
        variables: first.all.len(),
        constraints: first.rows,
        phases: Vec::new(),
        optimal: true,
        warm_start: true,
    };
    if first.hopeless {
        stats.optimal = false;
        return Outcome {
            assigned: None,
            stats,
        };
    }
    let order: Vec<Tier> = first.tiers.iter().map(|t| t.0).collect();
    drop(first);
    let mut floors: Vec<(Tier, f64)> = Vec::new();
    let mut current: Vec<Vec<usize>> = warm.to_vec();
    let mut have_solution = false;
    for tier in order {
        let mut m = build(p, quota, relax_hard, tier, &floors);
        let mut opts = SolveOptions::default();
        if let Some(b) = budget {
            let left = b.saturating_sub(started.elapsed());
            opts.time_limit = Some(left.max(b / 10).max(Duration::from_millis(200)));
        }
        opts.tolerances.prune_epsilon = 1e-12;
        opts.warm_start = Some(hint(p, quota, &m, &current, relax_hard));
        let t0 = Instant::now();
        let result = m.lp.solve_with(opts);
        let seconds = t0.elapsed().as_secs_f64();
        let mut phase = IlpPhase {
            objective: tier.name(),
            status: String::new(),
            seconds,
            nodes: 0,
            value: 0.0,
            best_bound: None,
            gap: None,
        };
        let solution = match result {
            Ok(outcome) => {
                let st = outcome.stats();
                phase.nodes = st.nodes_solved;
                phase.best_bound = st.best_bound;
                phase.gap = st.gap;
                phase.status = match outcome.termination_reason() {
                    microlp::TerminationReason::ProvenOptimal => "optimal",
                    microlp::TerminationReason::TimeLimit => "time limit",
                    microlp::TerminationReason::NodeLimit => "node limit",
                    microlp::TerminationReason::MipGap => "gap",
                    _ => "stopped",
                }
                .to_string();
                outcome.into_solution().ok()
            }
            Err(microlp::Error::Infeasible) => {
                phase.status = "infeasible".into();
                None
            }
            Err(e) => {
                phase.status = format!("solver error: {e}");
                None
            }
        };
        let Some(sol) = solution else {
            stats.optimal = false;
            stats.phases.push(phase);
            break;
        };
        if phase.status != "optimal" {
            stats.optimal = false;
        }
        let mut assigned = vec![Vec::new(); p.proposal_ids.len()];
        for (pp, row) in m.x.iter().enumerate() {
            for (i, &v) in row.iter().enumerate() {
                if sol.var_value(v) > 0.5 {
                    assigned[pp].push(p.candidates[pp][i].adviser);
                }
            }
        }
        let value: f64 = m
            .tiers
            .iter()
            .find(|t| t.0 == tier)
            .map_or(0.0, |(_, terms)| {
                terms
                    .iter()
                    .map(|&(v, c)| c * sol.var_value(v).round())
                    .sum()
            });
        phase.value = value;
        stats.phases.push(phase);
        // Tiers are sums of integers (weights, places, scaled scores).
        floors.push((tier, value.round() - 0.5));
        m.x.clear();
        current = assigned;
        have_solution = true;
    }
    Outcome {
        assigned: have_solution.then_some(current),
        stats,
    }
}
