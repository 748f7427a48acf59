//! Panel composition rules: per-proposal quotas on an adviser attribute
//! (`[[panel.rules]]` in rdmatch.toml: "at least 1 woman", "at most 2 from
//! one region", "at least 1 professor").
//!
//! A rule counts, on each proposal's panel, the assigned advisers whose
//! attribute has a value (`value = "female"`), or each value in turn
//! (`max_per_value = 2`), and asks the count to lie in `[min, max]`. A hard
//! rule must hold on every proposal; a soft rule is met on as many proposals
//! as possible (weighted by `weight`), before the non-academic quota and
//! before the score: the objective is lexicographic, as for the quota.
//!
//! Two exact paths, and the run says which it took ([`PanelStats::path`]):
//!
//! * **Flow**: when every rule names one attribute, its values partition
//!   the advisers, so a proposal's panel splits into one branch per value.
//!   Each branch is a node between the proposal and its candidates, like
//!   the non-academic branch of `encode`: a hard minimum is a lower bound on
//!   the arc into it, a maximum its capacity, and a soft "at least 1" a
//!   slot of capacity 1 with a bonus above every total score. The min-cost
//!   flow is then exact for the lexicographic objective. This needs no
//!   non-academic quota (a second partition), one adviser per institution
//!   only when every institution's advisers share the attribute's value
//!   (institution nodes must nest inside value nodes), and soft rules of
//!   the form "at least 1" (a flow counts places, so "at least 2" soft
//!   would reward a second place on a proposal that stays short).
//! * **ILP**: anything else (rules over several attributes, a soft maximum,
//!   a soft minimum above 1, rules beside the quota or an institution rule
//!   that cuts across values) goes to the integer program of `ilp`, solved
//!   exactly by branch and bound, warm-started with the flow solution, with
//!   a time limit whose outcome (optimal, or best solution with its gap) is
//!   reported.
//!
//! Both paths solve on the candidate lists the plain max-total solve
//! certified for the uncut problem (module `cut`), widened to every
//! eligible pair when a hard rule cannot hold on the cut lists. The
//! certificate itself covers the problem without panel rules: with rules,
//! a left-out pair could only matter through a rule, and the cut lists
//! keep each proposal's best `candidates_per_proposal` advisers of every
//! value, so this is reported, not silently assumed ([`PanelStats::cut_note`]).

use std::time::{Duration, Instant};

use super::encode::{previous_by_proposal, scaled_cost, stability_bonus, Costs};
use super::mcf::{self, Network};
use super::{
    diagnose, finish, Binding, Diagnosis, Infeasible, MorePairs, Objective, Partial, Problem,
    Solution, SCALE,
};

/// An adviser whose attribute cell is blank.
pub const BLANK: u32 = u32::MAX;
/// A rule without a maximum.
pub const NO_MAX: u32 = u32::MAX;

/// One adviser attribute as dense value indexes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attribute {
    /// The column name (`gender`, `position`, `region`, `sector`).
    pub name: String,
    /// Distinct values, sorted.
    pub values: Vec<String>,
    /// Per adviser: index into `values`, or [`BLANK`].
    pub of_adviser: Vec<u32>,
}

impl Attribute {
    /// Builds the value table from one cell per adviser (blank = `None`).
    /// Values compare case-insensitively, trimmed: Excel users write
    /// `Female` and `female` alike.
    pub fn from_cells(name: &str, cells: &[Option<String>]) -> Attribute {
        let norm = |s: &str| s.trim().to_lowercase();
        let mut values: Vec<String> = cells
            .iter()
            .flatten()
            .map(|s| norm(s))
            .filter(|s| !s.is_empty())
            .collect();
        values.sort();
        values.dedup();
        let of_adviser = cells
            .iter()
            .map(|c| match c.as_deref().map(norm) {
                Some(v) if !v.is_empty() => values.binary_search(&v).map_or(BLANK, |i| i as u32),
                _ => BLANK,
            })
            .collect();
        Attribute {
            name: name.to_string(),
            values,
            of_adviser,
        }
    }

    /// Index of a value as written in a rule (case-insensitive).
    pub fn value_index(&self, value: &str) -> Option<u32> {
        let v = value.trim().to_lowercase();
        self.values.binary_search(&v).ok().map(|i| i as u32)
    }
}

/// One compiled rule. See the module doc for its meaning.
#[derive(Clone, Debug, PartialEq)]
pub struct PanelRule {
    /// Index into [`PanelRules::attributes`].
    pub attribute: usize,
    /// `Some(v)`: the advisers with value `v`; `None`: each value in turn.
    /// A value no adviser has is kept as `Some(BLANK)`-free index
    /// [`BLANK`]: its count is always 0.
    pub value: Option<u32>,
    pub min: u32,
    /// [`NO_MAX`] when the rule has no maximum.
    pub max: u32,
    pub hard: bool,
    /// Proposals meeting another soft rule that meeting this one is worth.
    pub weight: u32,
    /// The rule as the user wrote it, for messages.
    pub label: String,
}

/// The rules of a call and the adviser attributes they read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PanelRules {
    pub attributes: Vec<Attribute>,
    pub rules: Vec<PanelRule>,
    /// Budget for the integer program (`None` = no limit).
    pub time_limit: Option<Duration>,
}

impl PanelRules {
    pub fn is_active(&self) -> bool {
        !self.rules.is_empty()
    }

    /// Compiles `[[panel.rules]]` (already checked by `config::panel`);
    /// `cells(attribute)` gives each adviser's value of an attribute.
    pub fn from_config(
        cfg: &crate::config::PanelConfig,
        cells: &dyn Fn(&str) -> Vec<Option<String>>,
    ) -> PanelRules {
        let mut attributes: Vec<Attribute> = Vec::new();
        let mut rules = Vec::new();
        for (i, r) in cfg.rules.iter().enumerate() {
            let ai = match attributes.iter().position(|a| a.name == r.attribute) {
                Some(ai) => ai,
                None => {
                    attributes.push(Attribute::from_cells(&r.attribute, &cells(&r.attribute)));
                    attributes.len() - 1
                }
            };
            let attr = &attributes[ai];
            let (value, min, max) = match (&r.value, r.max_per_value) {
                (Some(v), _) => (
                    Some(attr.value_index(v).unwrap_or(BLANK)),
                    r.min.unwrap_or(0),
                    r.max.unwrap_or(NO_MAX),
                ),
                (None, m) => (None, 0, m.unwrap_or(NO_MAX)),
            };
            rules.push(PanelRule {
                attribute: ai,
                value,
                min,
                max,
                hard: r.hard,
                weight: r.weight.max(1),
                label: r.label(i),
            });
        }
        let secs = cfg.ilp_time_limit_secs;
        PanelRules {
            attributes,
            rules,
            time_limit: (secs > 0.0).then(|| Duration::from_secs_f64(secs)),
        }
    }
}

/// Which exact method solved the panel rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelPath {
    /// Min-cost flow with one node per (proposal, attribute value).
    Flow,
    /// Integer program (microlp branch and bound).
    Ilp,
}

impl PanelPath {
    pub fn as_str(self) -> &'static str {
        match self {
            PanelPath::Flow => "flow",
            PanelPath::Ilp => "ilp",
        }
    }
}

/// One proposal on which a rule does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelShort {
    pub proposal: usize,
    pub rule: usize,
    /// The value counted (for `max_per_value`, the value over the cap).
    pub value: String,
    /// Advisers of that value on the panel.
    pub got: u32,
    pub min: u32,
    pub max: u32,
    /// Candidates of that value the proposal had (its eligible pool).
    pub pool: u32,
}

/// How one phase of the integer program ended.
#[derive(Clone, Debug, PartialEq)]
pub struct IlpPhase {
    /// `rules` (soft rules met, then quota places) or `score`.
    pub objective: &'static str,
    /// `optimal`, `time limit`, `node limit` or `gap`.
    pub status: String,
    pub seconds: f64,
    pub nodes: u64,
    pub value: f64,
    pub best_bound: Option<f64>,
    pub gap: Option<f64>,
}

/// The integer program's size and outcome.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IlpStats {
    pub variables: usize,
    pub constraints: usize,
    pub phases: Vec<IlpPhase>,
    /// Every phase ended proven optimal.
    pub optimal: bool,
    /// The warm start (the flow solution) was offered.
    pub warm_start: bool,
}

/// What the panel solve did (in [`super::SolveStats::panel`]).
#[derive(Clone, Debug, PartialEq)]
pub struct PanelStats {
    pub path: PanelPath,
    /// Why this path: the flow's conditions, or the first one that failed.
    pub why: String,
    pub rules: Vec<String>,
    /// Per rule: proposals on which it holds.
    pub met: Vec<usize>,
    /// Every (proposal, rule) that does not hold (soft rules only on a
    /// feasible call).
    pub short: Vec<PanelShort>,
    pub ilp: Option<IlpStats>,
    pub seconds: f64,
    /// How the candidate cut relates to the panel solve.
    pub cut_note: String,
}

impl PanelStats {
    /// One line for the console and the logs.
    pub fn describe(&self) -> String {
        let soft_short = self.short.len();
        let mut s = format!(
            "panel rules solved by the {} path in {:.2} s ({}); {} rule(s), {} (proposal, rule) left short",
            self.path.as_str(),
            self.seconds,
            self.why,
            self.rules.len(),
            soft_short
        );
        if let Some(ilp) = &self.ilp {
            let tiers: Vec<String> = ilp
                .phases
                .iter()
                .map(|ph| {
                    let gap = ph.gap.map_or(String::new(), |g| format!(", gap {g:.6}"));
                    format!("{} {} in {:.1} s{gap}", ph.objective, ph.status, ph.seconds)
                })
                .collect();
            s.push_str(&format!(
                "; ILP {} variables, {} constraints, {}: {}",
                ilp.variables,
                ilp.constraints,
                if ilp.optimal {
                    "proven optimal"
                } else {
                    "not proven optimal (a tier stopped at the time limit keeps the best assignment found so far)"
                },
                tiers.join("; ")
            ));
        }
        s
    }
}

/// The groups of a rule on one proposal: (value index, candidate indexes).
pub(crate) fn groups(p: &Problem, r: &PanelRule, pp: usize) -> Vec<(u32, Vec<usize>)> {
    let attr = &p.panel.attributes[r.attribute];
    match r.value {
        Some(v) => vec![(
            v,
            p.candidates[pp]
                .iter()
                .enumerate()
                .filter(|(_, c)| v != BLANK && attr.of_adviser[c.adviser] == v)
                .map(|(i, _)| i)
                .collect(),
        )],
        None => {
            let mut by: Vec<(u32, Vec<usize>)> = Vec::new();
            for (i, c) in p.candidates[pp].iter().enumerate() {
                let v = attr.of_adviser[c.adviser];
                if v == BLANK {
                    continue;
                }
                match by.iter_mut().find(|g| g.0 == v) {
                    Some(g) => g.1.push(i),
                    None => by.push((v, vec![i])),
                }
            }
            by.sort_by_key(|g| g.0);
            by
        }
    }
}

fn value_name(p: &Problem, r: &PanelRule, v: u32) -> String {
    // BLANK (a value no adviser has) is past the end: the empty string.
    p.panel.attributes[r.attribute]
        .values
        .get(v as usize)
        .cloned()
        .unwrap_or_default()
}

/// Every (proposal, rule) that does not hold on `assigned`, with numbers.
pub fn shortfalls(p: &Problem, assigned: &[Vec<usize>]) -> Vec<PanelShort> {
    let mut out = Vec::new();
    for (ri, r) in p.panel.rules.iter().enumerate() {
        let attr = &p.panel.attributes[r.attribute];
        for (pp, list) in assigned.iter().enumerate() {
            let count = |v: u32| {
                list.iter()
                    .filter(|&&a| v != BLANK && attr.of_adviser[a] == v)
                    .count() as u32
            };
            let pool = |v: u32| {
                p.candidates[pp]
                    .iter()
                    .filter(|c| v != BLANK && attr.of_adviser[c.adviser] == v)
                    .count() as u32
            };
            let values: Vec<u32> = match r.value {
                Some(v) => vec![v],
                None => {
                    let mut vs: Vec<u32> = list
                        .iter()
                        .map(|&a| attr.of_adviser[a])
                        .filter(|&v| v != BLANK)
                        .collect();
                    vs.sort_unstable();
                    vs.dedup();
                    vs
                }
            };
            for v in values {
                let got = count(v);
                if got < r.min || got > r.max {
                    out.push(PanelShort {
                        proposal: pp,
                        rule: ri,
                        value: value_name(p, r, v),
                        got,
                        min: r.min,
                        max: r.max,
                        pool: pool(v),
                    });
                    break;
                }
            }
        }
    }
    out
}

/// The lexicographic value of an assignment, for tests and checks: the
/// weighted soft rules met, the quota places filled, the integer score.
pub fn objective_key(p: &Problem, assigned: &[Vec<usize>]) -> (u64, u64, i64) {
    let short = shortfalls(p, assigned);
    let mut met = 0u64;
    for (ri, r) in p.panel.rules.iter().enumerate() {
        if r.hard {
            continue;
        }
        let bad = short.iter().filter(|s| s.rule == ri).count() as u64;
        met += r.weight as u64 * (assigned.len() as u64 - bad);
    }
    let quota = p.effective_quota();
    let mut places = 0u64;
    let mut score = 0i64;
    let prev_of = previous_by_proposal(p);
    for (pp, list) in assigned.iter().enumerate() {
        let na = list.iter().filter(|&&a| p.adviser_non_academic[a]).count() as u64;
        places += na.min(quota[pp] as u64);
        for &a in list {
            let s = p.score_of(pp, a).unwrap_or(0.0) + stability_bonus(p, &prev_of, pp, a);
            score -= scaled_cost(s, SCALE);
        }
    }
    (met, places, score)
}

/// Whether the flow can express the rules exactly: `Ok(attribute)` or
/// `Err(the condition that fails)`.
pub(crate) fn flow_attribute(p: &Problem) -> Result<usize, String> {
    let rules = &p.panel.rules;
    let Some(first) = rules.first() else {
        return Err("no rules".into());
    };
    let attr = first.attribute;
    if let Some(r) = rules.iter().find(|r| r.attribute != attr) {
        return Err(format!(
            "rules on two attributes ({} and {}) do not partition the advisers one way",
            p.panel.attributes[attr].name, p.panel.attributes[r.attribute].name
        ));
    }
    if p.effective_quota().iter().any(|&q| q > 0) {
        return Err("the non-academic quota is a second partition of the advisers".into());
    }
    if let Some(r) = rules
        .iter()
        .find(|r| !r.hard && (r.max != NO_MAX || r.min > 1))
    {
        return Err(format!(
            "soft rule {} is not of the form \"at least 1\" (a flow counts places, not proposals)",
            r.label
        ));
    }
    if p.one_per_institution {
        let of = &p.panel.attributes[attr].of_adviser;
        let mut seen: std::collections::HashMap<u32, (u32, usize)> = Default::default();
        for (a, &inst) in p.adviser_institution.iter().enumerate() {
            let e = seen.entry(inst).or_insert((of[a], a));
            if e.0 != of[a] {
                return Err(format!(
                    "one adviser per institution, and advisers {} and {} share an institution but not a {} value",
                    p.adviser_ids[e.1], p.adviser_ids[a], p.panel.attributes[attr].name
                ));
            }
        }
    }
    Ok(attr)
}

/// Per proposal and value: the bounds the rules put on the branch.
#[derive(Clone, Copy, Debug)]
struct Branch {
    lo: u32,
    hi: u32,
    /// Σ weights of soft "at least 1" rules on this value.
    soft: u64,
}

/// The flow path: one branch node per (proposal, constrained value).
/// `None` = infeasible (a hard rule cannot hold with the other rules).
// A proposal index reads several parallel vectors at once.
#[allow(clippy::needless_range_loop)]
pub(crate) fn solve_flow(p: &Problem, attr: usize) -> Option<(Solution, usize, usize)> {
    let np = p.proposal_ids.len();
    let na = p.adviser_ids.len();
    let a_of = &p.panel.attributes[attr].of_adviser;
    let nv = p.panel.attributes[attr].values.len();
    let costs = Costs::complete(p);
    let prev_of = previous_by_proposal(p);
    let mut net = Network::new(np);
    // branch[pp][v] = node, or usize::MAX when the value is unconstrained.
    let mut branch = vec![vec![usize::MAX; nv]; np];
    let mut arcs: Vec<(usize, usize, i32, i64)> = Vec::new();
    let mut lower: Vec<(usize, usize, i64)> = Vec::new();
    for pp in 0..np {
        let k = p.demand[pp];
        for v in 0..nv as u32 {
            let mut b = Branch {
                lo: 0,
                hi: k,
                soft: 0,
            };
            let mut touched = false;
            for r in &p.panel.rules {
                if r.value.is_some_and(|x| x != v) {
                    continue;
                }
                touched = true;
                if r.hard {
                    b.lo = b.lo.max(r.min);
                    b.hi = b.hi.min(r.max);
                } else if r.min >= 1 {
                    b.soft += r.weight as u64;
                }
            }
            if !touched {
                continue;
            }
            if b.lo > b.hi {
                return None;
            }
            let node = net.add_node();
            branch[pp][v as usize] = node;
            if b.lo > 0 {
                lower.push((pp, node, b.lo as i64));
            }
            let mut rest = b.hi - b.lo;
            if b.soft > 0 && b.lo == 0 && rest > 0 {
                let bonus = (b.soft as i64).saturating_mul(costs.quota_bonus);
                arcs.push((pp, node, 1, -bonus));
                rest -= 1;
            }
            if rest > 0 {
                arcs.push((pp, node, rest as i32, 0));
            }
        }
        // A hard minimum on a value no candidate has cannot hold.
        for r in p.panel.rules.iter().filter(|r| r.hard && r.min > 0) {
            if let Some(v) = r.value {
                if v == BLANK || (v as usize) >= nv {
                    return None;
                }
            }
        }
    }
    let mut locked: Vec<Vec<usize>> = vec![Vec::new(); np];
    for &(pp, a) in &p.must {
        locked[pp].push(a);
    }
    let parent = |pp: usize, a: usize, branch: &[Vec<usize>]| -> usize {
        let v = a_of[a];
        if v != BLANK && branch[pp][v as usize] != usize::MAX {
            branch[pp][v as usize]
        } else {
            pp
        }
    };
    // Institution nodes nest inside value nodes (checked by `flow_attribute`).
    let mut inst_node: Vec<Vec<usize>> = Vec::with_capacity(np);
    let mut inst_arcs: Vec<(usize, usize)> = Vec::new();
    for pp in 0..np {
        let cands = &p.candidates[pp];
        let mut g = vec![usize::MAX; cands.len()];
        if p.one_per_institution {
            let mut by: Vec<(u32, usize)> = cands
                .iter()
                .enumerate()
                .map(|(i, c)| (p.adviser_institution[c.adviser], i))
                .collect();
            by.sort_unstable();
            let mut k = 0;
            while k < by.len() {
                let mut j = k;
                while j < by.len() && by[j].0 == by[k].0 {
                    j += 1;
                }
                if j - k >= 2 {
                    let node = net.add_node();
                    inst_arcs.push((parent(pp, cands[by[k].1].adviser, &branch), node));
                    for &(_, i) in &by[k..j] {
                        g[i] = node;
                    }
                }
                k = j;
            }
        }
        inst_node.push(g);
    }
    let adviser_base = net.n;
    for _ in 0..na {
        net.add_node();
    }
    let sink = net.add_node();
    for pp in 0..np {
        net.supply[pp] += p.demand[pp] as i64;
        net.supply[sink] -= p.demand[pp] as i64;
    }
    for a in 0..na {
        let m = p.min_load[a] as i64;
        net.supply[adviser_base + a] -= m;
        net.supply[sink] += m;
    }
    for &(u, v, l) in &lower {
        net.supply[u] -= l;
        net.supply[v] += l;
    }
    for &(u, v, c, w) in &arcs {
        net.add_arc(u, v, c, w);
    }
    for &(u, v) in &inst_arcs {
        net.add_arc(u, v, 1, 0);
    }
    let mut pair_arcs = Vec::new();
    for pp in 0..np {
        for (i, c) in p.candidates[pp].iter().enumerate() {
            let from = if inst_node[pp][i] != usize::MAX {
                inst_node[pp][i]
            } else {
                parent(pp, c.adviser, &branch)
            };
            let to = adviser_base + c.adviser;
            if locked[pp].contains(&c.adviser) {
                net.supply[from] -= 1;
                net.supply[to] += 1;
            } else {
                let value = c.score + stability_bonus(p, &prev_of, pp, c.adviser);
                let e = net.add_arc(from, to, 1, scaled_cost(value, costs.scale));
                pair_arcs.push((e, pp, c.adviser));
            }
        }
    }
    for a in 0..na {
        let cap = p.max_load[a].saturating_sub(p.min_load[a]) as i32;
        net.add_arc(adviser_base + a, sink, cap, 0);
    }
    net.finish();
    let (nodes, narcs) = (net.n, net.head.len() / 2);
    mcf::min_cost_flow(&mut net)?;
    let mut assigned = vec![Vec::new(); np];
    for &(pp, a) in &p.must {
        assigned[pp].push(a);
    }
    for &(e, pp, a) in &pair_arcs {
        if net.flow(e) > 0 {
            assigned[pp].push(a);
        }
    }
    Some((finish(p, assigned), nodes, narcs))
}

/// Structural checks of the rules against the problem (solver input bugs).
fn check(p: &Problem) -> Vec<String> {
    let na = p.adviser_ids.len();
    let mut errs = Vec::new();
    for a in &p.panel.attributes {
        if a.of_adviser.len() != na {
            errs.push(format!(
                "panel attribute {} has {} advisers, expected {na}",
                a.name,
                a.of_adviser.len()
            ));
        }
        if let Some(v) = a
            .of_adviser
            .iter()
            .find(|&&v| v != BLANK && v as usize >= a.values.len())
        {
            errs.push(format!(
                "panel attribute {}: value index {v} out of range",
                a.name
            ));
        }
    }
    for r in &p.panel.rules {
        if r.attribute >= p.panel.attributes.len() {
            errs.push(format!(
                "panel rule {}: attribute index out of range",
                r.label
            ));
        }
        if r.min > r.max {
            errs.push(format!("panel rule {}: min above max", r.label));
        }
    }
    errs
}

/// The problem without its panel rules.
fn without_rules(p: &Problem) -> Problem {
    let mut q = p.clone();
    q.panel = PanelRules::default();
    q
}

/// Solves a problem with panel rules on its candidates (see the module
/// doc). `force` picks a path (tests compare them); `None` takes the flow
/// when it is exact.
pub fn solve_panel(
    p: &Problem,
    objective: Objective,
    force: Option<PanelPath>,
) -> Result<Solution, Infeasible> {
    let started = Instant::now();
    let errs = check(p);
    if !errs.is_empty() {
        return Err(Infeasible {
            diagnosis: Box::new(Diagnosis::input(errs)),
            partial: None,
        });
    }
    let base = super::solve(&without_rules(p), Objective::Total)?;
    let quota = p.effective_quota();
    let (path, why) = match (force, flow_attribute(p)) {
        (Some(PanelPath::Ilp), _) => (PanelPath::Ilp, "ILP path asked for".to_string()),
        (_, Ok(_)) => (
            PanelPath::Flow,
            "one attribute whose values partition the advisers".to_string(),
        ),
        (_, Err(why)) => (PanelPath::Ilp, why),
    };
    let rules: Vec<String> = p.panel.rules.iter().map(|r| r.label.clone()).collect();
    let mut ilp_stats = None;
    let solved: Option<Solution> = match path {
        PanelPath::Flow => {
            let attr = flow_attribute(p).unwrap_or(0);
            solve_flow(p, attr).map(|(mut s, nodes, arcs)| {
                s.stats.nodes = nodes;
                s.stats.arcs = arcs;
                s
            })
        }
        PanelPath::Ilp => {
            let out = super::ilp::solve(p, &quota, &base.assigned, false);
            ilp_stats = Some(out.stats);
            out.assigned.map(|a| finish(p, a))
        }
    };
    let Some(mut sol) = solved else {
        return Err(hard_infeasible(p, &base, started, path, why));
    };
    let _ = objective;
    sol.stats.quota_capped = p.quota_caps(&quota);
    sol.stats.quota_short = p.quota_short(&quota, &sol.assigned);
    let short = shortfalls(p, &sol.assigned);
    sol.stats.panel = Some(Box::new(PanelStats {
        path,
        why,
        met: met_counts(p, &short),
        rules,
        short,
        ilp: ilp_stats,
        seconds: started.elapsed().as_secs_f64(),
        cut_note: String::new(),
    }));
    Ok(sol)
}

fn met_counts(p: &Problem, short: &[PanelShort]) -> Vec<usize> {
    let np = p.proposal_ids.len();
    (0..p.panel.rules.len())
        .map(|ri| np - short.iter().filter(|s| s.rule == ri).count())
        .collect()
}

/// A hard rule that cannot hold: the diagnosis names each rule, the
/// proposals and the numbers; the best partial answer is the assignment
/// that meets the hard rules on as many proposals as possible (every other
/// rule kept), from the integer program with the hard rules made soft.
fn hard_infeasible(
    p: &Problem,
    base: &Solution,
    started: Instant,
    path: PanelPath,
    why: String,
) -> Infeasible {
    let mut relaxed = p.clone();
    let soft_total: u64 = p
        .panel
        .rules
        .iter()
        .filter(|r| !r.hard)
        .map(|r| r.weight as u64)
        .sum::<u64>()
        * p.proposal_ids.len() as u64
        + 1;
    let heavy = u32::try_from(soft_total).unwrap_or(u32::MAX);
    for r in relaxed.panel.rules.iter_mut().filter(|r| r.hard) {
        r.hard = false;
        r.weight = heavy;
    }
    let quota = p.effective_quota();
    // The relaxed rules are soft; the flow solves them exactly when it can.
    let (assigned, ilp) = match flow_attribute(&relaxed) {
        Ok(attr) => (solve_flow(&relaxed, attr).map(|(s, _, _)| s.assigned), None),
        Err(_) => {
            // Tiers: the hard rules met first, then the soft ones.
            let out = super::ilp::solve(p, &quota, &base.assigned, true);
            (out.assigned, Some(out.stats))
        }
    };
    let assigned = assigned.unwrap_or_else(|| base.assigned.clone());
    let mut sol = finish(p, assigned);
    sol.stats.quota_short = p.quota_short(&quota, &sol.assigned);
    let short = shortfalls(p, &sol.assigned);
    let mut diag = Diagnosis {
        proposal_ids: p.proposal_ids.clone(),
        adviser_ids: p.adviser_ids.clone(),
        proposal_area: p.proposal_area.clone(),
        total_demand: p.demand.iter().map(|&k| k as u64).sum(),
        total_max_load: p.max_load.iter().map(|&m| m as u64).sum(),
        total_min_load: p.min_load.iter().map(|&m| m as u64).sum(),
        binding: vec![Binding::Panel],
        ..Diagnosis::default()
    };
    for (ri, r) in p.panel.rules.iter().enumerate().filter(|(_, r)| r.hard) {
        let bad: Vec<&PanelShort> = short.iter().filter(|s| s.rule == ri).collect();
        if bad.is_empty() {
            continue;
        }
        let empty_pool = bad.iter().filter(|s| s.pool < s.min).count();
        diag.panel.push(format!(
            "hard panel rule {} cannot hold on {} proposal(s): {} of them have fewer eligible advisers of that {} than the rule asks, the others lose them to the advisers' loads",
            r.label,
            bad.len(),
            empty_pool,
            p.panel.attributes[r.attribute].name
        ));
        for s in &bad {
            diag.shortfall.push(diagnose::ShortfallRow {
                proposal: s.proposal,
                needed: s.min,
                assigned: s.got,
                missing: s.min.saturating_sub(s.got),
                rule: "panel",
                why: short_why(p, s),
            });
        }
        diag.fixes.push(format!(
            "make rule {} soft (hard = false) to meet it where the pool allows, or add advisers of that {} to the areas of the proposals listed in shortfall.csv",
            r.label, p.panel.attributes[r.attribute].name
        ));
    }
    if diag.panel.is_empty() {
        diag.panel.push(
            "the hard panel rules cannot all hold together with the loads and the other rules"
                .into(),
        );
    }
    diag.partial_slots = Some((sol.assigned.iter().map(|l| l.len() as u64).sum(), 0));
    sol.stats.panel = Some(Box::new(PanelStats {
        path,
        why,
        met: met_counts(p, &short),
        rules: p.panel.rules.iter().map(|r| r.label.clone()).collect(),
        short,
        ilp,
        seconds: started.elapsed().as_secs_f64(),
        cut_note: String::new(),
    }));
    Infeasible {
        diagnosis: Box::new(diag),
        partial: Some(Box::new(Partial {
            unfilled: vec![0; p.proposal_ids.len()],
            solution: sol,
            min_loads_dropped: false,
            locks_dropped: Vec::new(),
        })),
    }
}

/// Why a proposal misses a rule, with the numbers (shortfall.csv `why`).
pub fn short_why(p: &Problem, s: &PanelShort) -> String {
    let r = &p.panel.rules[s.rule];
    let attr = &p.panel.attributes[r.attribute].name;
    if s.got < s.min {
        format!(
            "rule {}: {} adviser(s) with {attr} {:?} on the panel, at least {} asked; {} eligible",
            r.label, s.got, s.value, s.min, s.pool
        )
    } else {
        format!(
            "rule {}: {} adviser(s) with {attr} {:?} on the panel, at most {} asked",
            r.label, s.got, s.value, s.max
        )
    }
}

/// [`super::solve_uncut`] for a problem with panel rules: the candidate
/// lists are first certified for the problem without rules, then the
/// panel solve runs on them, widened to every eligible pair when a hard
/// rule cannot hold on the cut.
pub fn solve_uncut_panel(
    p: &mut Problem,
    objective: Objective,
    more: &MorePairs,
) -> Result<Solution, Infeasible> {
    let rules = std::mem::take(&mut p.panel);
    let base = super::solve_uncut(p, Objective::Total, more);
    p.panel = rules;
    let cut = match base {
        Ok(s) => s.stats.cut,
        Err(inf) => return Err(inf),
    };
    let mut note = if cut.cut {
        "the panel solve ran on the candidate lists certified optimal for the problem without panel rules".to_string()
    } else {
        "no candidate cut: every eligible pair was in the panel solve".to_string()
    };
    let mut r = solve_panel(p, objective, None);
    if r.is_err() && p.is_cut() && !cut.widened_to_all {
        let np = p.proposal_ids.len();
        let all = more(p, &vec![0.0; np]);
        p.add_candidates(&all);
        note = "a hard panel rule could not hold on the cut candidate lists, so every eligible pair was added".into();
        r = solve_panel(p, objective, None);
    }
    let stats = match &mut r {
        Ok(s) => Some(&mut s.stats),
        Err(inf) => inf.partial.as_mut().map(|x| &mut x.solution.stats),
    };
    if let Some(st) = stats {
        st.cut = cut;
        if let Some(ps) = st.panel.as_mut() {
            ps.cut_note = note;
        }
    }
    r
}

/// shortfall.csv rows for the soft rules a solution leaves short
/// (`proposal_id, area, rule, needed, assigned, missing, why`); hard rules
/// that cannot hold are listed by the diagnosis instead.
pub fn shortfall_rows(p: &Problem, s: &Solution) -> Vec<(usize, super::io::ShortfallRow)> {
    let Some(st) = &s.stats.panel else {
        return Vec::new();
    };
    st.short
        .iter()
        .filter(|x| !p.panel.rules[x.rule].hard)
        .map(|x| {
            let (needed, missing) = if x.got < x.min {
                (x.min, x.min - x.got)
            } else {
                (x.max, 0)
            };
            (
                x.proposal,
                super::io::ShortfallRow {
                    proposal_id: p.proposal_ids[x.proposal].clone(),
                    area: p.proposal_area.get(x.proposal).cloned().unwrap_or_default(),
                    rule: "panel".into(),
                    needed: needed.to_string(),
                    assigned: x.got.to_string(),
                    missing: missing.to_string(),
                    why: short_why(p, x),
                },
            )
        })
        .collect()
}

/// The `panel` object of solver.json and summary.json.
pub fn json(st: &PanelStats) -> serde_json::Value {
    use serde_json::json;
    json!({
        "path": st.path.as_str(),
        "why": st.why,
        "seconds": (st.seconds * 1e3).round() / 1e3,
        "rules": st.rules.iter().zip(&st.met).map(|(r, m)| json!({"rule": r, "proposals_met": m})).collect::<Vec<_>>(),
        "proposals_short": st.short.len(),
        "candidate_cut": st.cut_note,
        "ilp": st.ilp.as_ref().map(|i| json!({
            "variables": i.variables,
            "constraints": i.constraints,
            "optimal": i.optimal,
            "phases": i.phases.iter().map(|ph| json!({
                "objective": ph.objective,
                "status": ph.status,
                "seconds": (ph.seconds * 1e3).round() / 1e3,
                "nodes": ph.nodes,
                "value": ph.value,
                "best_bound": ph.best_bound,
                "gap": ph.gap,
            })).collect::<Vec<_>>(),
        })),
    })
}

#[cfg(test)]
mod bench;
#[cfg(test)]
mod tests;
