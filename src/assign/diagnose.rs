//! Why a problem has no solution, in numbers a PS/PO can act on.
//!
//! Cheap counting checks first (totals, proposals short of candidates,
//! institutions, locks, min loads), then the decisive one: a maximum flow on
//! the same network the solver uses, with a super source feeding every
//! supply and a super sink draining every deficit. If it cannot move every
//! unit, the nodes reachable from the super source in the residual network
//! are the source side `R` of a minimum cut (the smallest such side), and
//! by max-flow/min-cut the units that must leave `R` exceed the capacity of
//! the arcs leaving it: Hall's condition fails for the proposals in `R`
//! (Hall 1935; Ford & Fulkerson 1956).

use std::fmt;

use super::encode::encode;
use super::mcf;
use super::{IneligibleCounts, Partial, Problem};

/// The rule that makes a call infeasible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Binding {
    /// Σ K above Σ max load.
    Capacity,
    /// Σ min load above Σ K, or an adviser with fewer candidates than their
    /// minimum load, or minimum loads that take places a group needs.
    MinLoads,
    /// Proposals with fewer eligible advisers than K (conflicts, areas,
    /// must-not locks).
    Eligibility,
    /// Fewer distinct institutions than K among a proposal's candidates.
    Institutions,
    /// Must-locks that cannot hold.
    Locks,
    /// A group of proposals whose eligible advisers cannot take them all
    /// (loads within an area).
    GroupCapacity,
    /// A hard panel composition rule (`[[panel.rules]]`).
    Panel,
}

impl Binding {
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Capacity => "capacity",
            Binding::MinLoads => "minimum loads",
            Binding::Eligibility => "eligibility (conflicts, areas, must-not locks)",
            Binding::Institutions => "one adviser per institution",
            Binding::Locks => "locks",
            Binding::GroupCapacity => "capacity of the eligible advisers",
            Binding::Panel => "panel composition rules",
        }
    }
}

/// One proposal left short by the partial assignment (shortfall.csv).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortfallRow {
    pub proposal: usize,
    pub needed: u32,
    pub assigned: u32,
    pub missing: u32,
    /// The rule that leaves it short (`conflicts`, `area`, `institution`,
    /// `locks`, `loads`, `min_loads`).
    pub rule: &'static str,
    /// Why, with the numbers.
    pub why: String,
}

/// A proposal with fewer usable candidates than it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortProposal {
    pub proposal: usize,
    pub needed: u32,
    /// Candidates (or distinct candidate institutions, see `by_institution`).
    pub available: u32,
    /// True when the shortfall is in distinct institutions (one-per-institution).
    pub by_institution: bool,
    pub ineligible: IneligibleCounts,
}

/// An adviser whose minimum load exceeds the proposals they may take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinLoadShort {
    pub adviser: usize,
    pub min_load: u32,
    pub candidate_of: u32,
}

/// A locked pair that cannot hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockProblem {
    pub proposal: usize,
    pub adviser: usize,
    pub reason: String,
}

/// A group of proposals whose eligible advisers cannot cover them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HallGroup {
    pub proposals: Vec<usize>,
    /// Every eligible adviser of those proposals.
    pub advisers: Vec<usize>,
    /// Adviser places the group must fill.
    pub need: u64,
    /// The most the group can get (cut capacity).
    pub can_take: u64,
    /// True when the cut passes through other advisers' minimum loads.
    pub min_loads_bind: bool,
}

/// Everything found wrong with an infeasible problem.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagnosis {
    /// Structural errors in the problem itself (solver input bugs).
    pub input_errors: Vec<String>,
    pub total_demand: u64,
    pub total_max_load: u64,
    pub total_min_load: u64,
    pub short_proposals: Vec<ShortProposal>,
    pub lock_problems: Vec<LockProblem>,
    pub min_load_short: Vec<MinLoadShort>,
    pub hall: Option<HallGroup>,
    /// The rules that bind, most basic first.
    pub binding: Vec<Binding>,
    /// Changes that would make the call feasible, in words.
    pub fixes: Vec<String>,
    /// Every proposal the partial assignment leaves short.
    pub shortfall: Vec<ShortfallRow>,
    /// Partial assignment: (filled, missing) slots, when there is one.
    pub partial_slots: Option<(u64, u64)>,
    /// Copies of the IDs, so `Display` needs nothing else.
    pub proposal_ids: Vec<String>,
    pub adviser_ids: Vec<String>,
    /// Per proposal (may be empty): its area ID.
    pub proposal_area: Vec<String>,
    /// Hard panel rules that cannot hold, one line each with the numbers.
    pub panel: Vec<String>,
}

impl Diagnosis {
    pub(crate) fn input(errors: Vec<String>) -> Diagnosis {
        Diagnosis {
            input_errors: errors,
            ..Diagnosis::default()
        }
    }
}

/// Must-locks that no assignment can hold: not a candidate, a pair locked
/// twice, more locks than K on a proposal, two locked advisers of one
/// institution (when that rule is on), more locks than an adviser's max load.
pub(crate) fn unholdable_locks(p: &Problem) -> Vec<(usize, usize)> {
    let np = p.proposal_ids.len();
    let na = p.adviser_ids.len();
    let mut out = Vec::new();
    let mut per_p = vec![0u32; np];
    let mut per_a = vec![0u32; na];
    let mut seen: Vec<(usize, usize)> = Vec::new();
    for &(pp, a) in &p.must {
        let inst_clash = p.one_per_institution
            && seen
                .iter()
                .any(|&(q, b)| q == pp && p.adviser_institution[b] == p.adviser_institution[a]);
        if p.score_of(pp, a).is_none()
            || seen.contains(&(pp, a))
            || inst_clash
            || per_p[pp] >= p.demand[pp]
            || per_a[a] >= p.max_load[a]
        {
            out.push((pp, a));
            continue;
        }
        seen.push((pp, a));
        per_p[pp] += 1;
        per_a[a] += 1;
    }
    out
}

/// Builds the full diagnosis (call only for a structurally valid problem).
pub(crate) fn diagnose(p: &Problem, quota: &[u32], partial: Option<&Partial>) -> Diagnosis {
    let mut d = diagnose_rules(p, quota);
    d.proposal_area = p.proposal_area.clone();
    explain(p, &mut d, partial);
    d
}

fn area_of(p: &Problem, pp: usize) -> &str {
    p.proposal_area.get(pp).map_or("", String::as_str)
}

/// Names the binding rules, the fixes, and every short proposal.
fn explain(p: &Problem, d: &mut Diagnosis, partial: Option<&Partial>) {
    let mut binding = Vec::new();
    if d.total_demand > d.total_max_load {
        binding.push(Binding::Capacity);
        d.fixes.push(format!(
            "{} more adviser places in total: raise max_load (advisers.csv or --max-load) or add advisers, or lower reviewers_per_proposal",
            d.total_demand - d.total_max_load
        ));
    }
    if d.total_min_load > d.total_demand || !d.min_load_short.is_empty() {
        binding.push(Binding::MinLoads);
    }
    if d.total_min_load > d.total_demand {
        d.fixes.push(format!(
            "minimum loads add up to {} but the proposals have {} places: lower min_load by {} in total",
            d.total_min_load,
            d.total_demand,
            d.total_min_load - d.total_demand
        ));
    }
    for m in &d.min_load_short {
        d.fixes.push(format!(
            "adviser {}: lower min_load from {} to {} (eligible for {} proposals), or make them eligible for more",
            p.adviser_ids[m.adviser], m.min_load, m.candidate_of, m.candidate_of
        ));
    }
    if d.short_proposals.iter().any(|s| !s.by_institution) {
        binding.push(Binding::Eligibility);
    }
    if d.short_proposals.iter().any(|s| s.by_institution) {
        binding.push(Binding::Institutions);
    }
    for s in &d.short_proposals {
        let area = area_of(p, s.proposal);
        d.fixes.push(format!(
            "proposal {}{}: {} more eligible {}: add an adviser serving {}, or review its conflicts ({} excluded) and must-not locks ({})",
            p.proposal_ids[s.proposal],
            if area.is_empty() { String::new() } else { format!(" (area {area})") },
            s.needed - s.available,
            if s.by_institution { "advisers from other institutions" } else { "advisers" },
            if area.is_empty() { "its area".to_string() } else { area.to_string() },
            s.ineligible.conflict,
            s.ineligible.lock,
        ));
    }
    if !d.lock_problems.is_empty() {
        binding.push(Binding::Locks);
        for l in &d.lock_problems {
            d.fixes.push(format!(
                "lock {} / {}: remove it ({})",
                p.proposal_ids[l.proposal], p.adviser_ids[l.adviser], l.reason
            ));
        }
    }
    let loads = partial.map(|x| &x.solution.loads);
    if let Some(h) = &d.hall {
        if h.min_loads_bind {
            binding.push(Binding::MinLoads);
        }
        if binding.is_empty() || !h.min_loads_bind {
            binding.push(Binding::GroupCapacity);
        }
        let mut areas: Vec<&str> = h
            .proposals
            .iter()
            .map(|&pp| area_of(p, pp))
            .filter(|a| !a.is_empty())
            .collect();
        areas.sort_unstable();
        areas.dedup();
        let gap = h.need.saturating_sub(h.can_take);
        let full: Vec<usize> = h
            .advisers
            .iter()
            .copied()
            .filter(|&a| loads.is_none_or(|l| l[a] >= p.max_load[a]))
            .collect();
        let names: Vec<String> = full
            .iter()
            .take(LIST_CAP)
            .map(|&a| p.adviser_ids[a].clone())
            .collect();
        let more = if full.len() > LIST_CAP {
            format!(" and {} more", full.len() - LIST_CAP)
        } else {
            String::new()
        };
        let among = if areas.is_empty() {
            "the group's eligible advisers".to_string()
        } else {
            format!("advisers serving {}", areas.join(", "))
        };
        let serving = if areas.is_empty() {
            "these proposals' areas".to_string()
        } else {
            areas.join(", ")
        };
        let min_note = if h.min_loads_bind {
            " or lower other advisers' min_load,"
        } else {
            ""
        };
        if partial.is_none() || h.min_loads_bind {
            d.fixes.push(format!(
            "{gap} more places among {among}: raise max_load of {}{more} by 1 ({gap} of them),{min_note} or add an adviser serving {serving}",
            if names.is_empty() { "(none at max load)".to_string() } else { names.join(", ") }
        ));
        }
    }
    binding.sort();
    binding.dedup();
    d.binding = binding;
    let Some(part) = partial else {
        return;
    };
    d.partial_slots = Some((part.filled(), part.missing()));
    let in_group = |pp: usize| d.hall.as_ref().is_some_and(|h| h.proposals.contains(&pp));
    for pp in 0..p.proposal_ids.len() {
        let missing = part.unfilled[pp];
        if missing == 0 {
            continue;
        }
        let assigned = part.solution.assigned[pp].len() as u32;
        let n = p.candidates[pp].len() as u32;
        let i = p.ineligible.get(pp).copied().unwrap_or_default();
        let (rule, why) = if let Some(s) = d.short_proposals.iter().find(|s| s.proposal == pp) {
            let rule = if s.by_institution {
                "institution"
            } else if i.conflict >= i.area.max(i.lock) {
                "conflicts"
            } else if i.area >= i.lock {
                "area"
            } else {
                "locks"
            };
            (
                rule,
                format!(
                    "{} {} for {} places; excluded: {} conflict, {} outside the area, {} must-not lock",
                    s.available,
                    if s.by_institution { "institutions among its eligible advisers" } else { "eligible advisers" },
                    s.needed,
                    i.conflict,
                    i.area,
                    i.lock
                ),
            )
        } else if part.locks_dropped.iter().any(|l| l.0 == pp) {
            (
                "locks",
                "a must-lock on this proposal cannot hold (see the lock lines)".to_string(),
            )
        } else if part.min_loads_dropped {
            (
                "min_loads",
                "minimum loads cannot be met; they were left out of this partial answer"
                    .to_string(),
            )
        } else {
            let full = p.candidates[pp]
                .iter()
                .filter(|c| part.solution.loads[c.adviser] >= p.max_load[c.adviser])
                .count();
            (
                "loads",
                format!(
                    "{full} of its {n} eligible advisers are at max load{}",
                    if in_group(pp) {
                        " (an over-demanded group, see the diagnosis)"
                    } else {
                        ""
                    }
                ),
            )
        };
        d.shortfall.push(ShortfallRow {
            proposal: pp,
            needed: p.demand[pp],
            assigned,
            missing,
            rule,
            why,
        });
    }
    area_fixes(p, d, part);
}

/// Per area of the proposals left short by loads: how many places are
/// missing there and which of those proposals' eligible advisers are full.
fn area_fixes(p: &Problem, d: &mut Diagnosis, part: &Partial) {
    use std::collections::BTreeMap;
    let mut by_area: BTreeMap<&str, (u64, Vec<usize>, usize)> = BTreeMap::new();
    for r in d.shortfall.iter().filter(|r| r.rule == "loads") {
        let e = by_area.entry(area_of(p, r.proposal)).or_default();
        e.0 += r.missing as u64;
        e.2 += 1;
        for c in &p.candidates[r.proposal] {
            if part.solution.loads[c.adviser] >= p.max_load[c.adviser] {
                e.1.push(c.adviser);
            }
        }
    }
    for (area, (missing, mut full, n)) in by_area {
        full.sort_by(|&x, &y| p.adviser_ids[x].cmp(&p.adviser_ids[y]));
        full.dedup();
        let names: Vec<&str> = full
            .iter()
            .take(LIST_CAP)
            .map(|&a| p.adviser_ids[a].as_str())
            .collect();
        let more = if full.len() > LIST_CAP {
            format!(" and {} more", full.len() - LIST_CAP)
        } else {
            String::new()
        };
        let (among, serving) = if area.is_empty() {
            ("their eligible advisers".to_string(), "them".to_string())
        } else {
            (format!("{area} advisers"), area.to_string())
        };
        d.fixes.push(format!(
            "{missing} more places among {among} ({n} proposals short): raise max_load of {}{more} by 1, or add an adviser serving {serving}",
            if names.is_empty() { "(none at max load)".to_string() } else { names.join(", ") }
        ));
    }
}

fn diagnose_rules(p: &Problem, quota: &[u32]) -> Diagnosis {
    let np = p.proposal_ids.len();
    let na = p.adviser_ids.len();
    let mut d = Diagnosis {
        total_demand: p.demand.iter().map(|&k| k as u64).sum(),
        total_max_load: p.max_load.iter().map(|&k| k as u64).sum(),
        total_min_load: p.min_load.iter().map(|&k| k as u64).sum(),
        proposal_ids: p.proposal_ids.clone(),
        adviser_ids: p.adviser_ids.clone(),
        ..Diagnosis::default()
    };
    let inel = |pp: usize| p.ineligible.get(pp).copied().unwrap_or_default();
    for pp in 0..np {
        let n = p.candidates[pp].len() as u32;
        if n < p.demand[pp] {
            d.short_proposals.push(ShortProposal {
                proposal: pp,
                needed: p.demand[pp],
                available: n,
                by_institution: false,
                ineligible: inel(pp),
            });
        } else if p.one_per_institution {
            let mut insts: Vec<u32> = p.candidates[pp]
                .iter()
                .map(|c| p.adviser_institution[c.adviser])
                .collect();
            insts.sort_unstable();
            insts.dedup();
            if (insts.len() as u32) < p.demand[pp] {
                d.short_proposals.push(ShortProposal {
                    proposal: pp,
                    needed: p.demand[pp],
                    available: insts.len() as u32,
                    by_institution: true,
                    ineligible: inel(pp),
                });
            }
        }
    }
    // Locks.
    let mut locks_of = vec![Vec::new(); np];
    let mut lock_load = vec![0u32; na];
    for &(pp, a) in &p.must {
        if p.score_of(pp, a).is_none() {
            d.lock_problems.push(LockProblem {
                proposal: pp,
                adviser: a,
                reason: "the adviser is not an eligible candidate (conflict, area or cut)".into(),
            });
        }
        if locks_of[pp].contains(&a) {
            d.lock_problems.push(LockProblem {
                proposal: pp,
                adviser: a,
                reason: "locked twice".into(),
            });
            continue;
        }
        if p.one_per_institution
            && locks_of[pp]
                .iter()
                .any(|&b: &usize| p.adviser_institution[b] == p.adviser_institution[a])
        {
            d.lock_problems.push(LockProblem {
                proposal: pp,
                adviser: a,
                reason: "another locked adviser of this proposal is from the same institution"
                    .into(),
            });
        }
        locks_of[pp].push(a);
        lock_load[a] += 1;
    }
    for (pp, locked) in locks_of.iter().enumerate() {
        if locked.len() as u32 > p.demand[pp] {
            d.lock_problems.push(LockProblem {
                proposal: pp,
                adviser: locked[0],
                reason: format!(
                    "{} advisers locked but the proposal needs only {}",
                    locked.len(),
                    p.demand[pp]
                ),
            });
        }
    }
    for (a, &locked) in lock_load.iter().enumerate() {
        if locked > p.max_load[a] {
            let pp = p.must.iter().find(|m| m.1 == a).map_or(0, |m| m.0);
            d.lock_problems.push(LockProblem {
                proposal: pp,
                adviser: a,
                reason: format!(
                    "the adviser is locked to {} proposals but max load is {}",
                    locked, p.max_load[a]
                ),
            });
        }
    }
    // Min loads.
    let mut cand_of = vec![0u32; na];
    for c in p.candidates.iter().flatten() {
        cand_of[c.adviser] += 1;
    }
    for (a, &n) in cand_of.iter().enumerate() {
        if n < p.min_load[a] {
            d.min_load_short.push(MinLoadShort {
                adviser: a,
                min_load: p.min_load[a],
                candidate_of: n,
            });
        }
    }
    // The cut. Locks that are not candidates cannot be encoded; skip then.
    if d.lock_problems
        .iter()
        .all(|l| p.score_of(l.proposal, l.adviser).is_some())
    {
        d.hall = hall_group(p, quota);
    }
    d
}

fn hall_group(p: &Problem, quota: &[u32]) -> Option<HallGroup> {
    let mut enc = encode(p, quota, &|_, _| true, true);
    let (s, t) = enc.terminals?;
    let need_all = enc.total_supply();
    let flow = mcf::max_flow(&mut enc.net, s, t);
    if flow >= need_all {
        return None;
    }
    let r = mcf::reachable(&enc.net, s);
    let net = &enc.net;
    let mut need = 0u64;
    let mut can_take = 0u64;
    let mut min_loads_bind = false;
    for e in (0..net.head.len()).step_by(2) {
        let u = net.tail(e);
        let v = net.head[e] as usize;
        let orig = (net.cap[e] + net.cap[e ^ 1]) as u64;
        if u == s {
            if r[v] {
                need += orig;
            }
        } else if r[u] && !r[v] {
            can_take += orig;
            if v == t && u == enc.sink {
                min_loads_bind = true;
            }
        }
    }
    let np = enc.n_proposals;
    let proposals: Vec<usize> = (0..np).filter(|&v| r[v]).collect();
    // All eligible advisers of the group (those on the cut side are used
    // up; the others can each give the group only as many places as it has
    // pairs with them, and the cut counts exactly that).
    let mut advisers: Vec<usize> = proposals
        .iter()
        .flat_map(|&pp| p.candidates[pp].iter().map(|c| c.adviser))
        .collect();
    advisers.sort_unstable();
    advisers.dedup();
    Some(HallGroup {
        proposals,
        advisers,
        need,
        can_take,
        min_loads_bind,
    })
}

/// At most this many IDs are printed per list, then "and N more".
const LIST_CAP: usize = 20;

fn list(ids: &[String], ix: &[usize]) -> String {
    let mut s: Vec<&str> = ix.iter().take(LIST_CAP).map(|&i| ids[i].as_str()).collect();
    let more = ix.len().saturating_sub(LIST_CAP);
    let more_s;
    if more > 0 {
        more_s = format!("and {more} more");
        s.push(&more_s);
    }
    s.join(", ")
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "no assignment satisfies every rule")?;
        for e in &self.input_errors {
            writeln!(f, "  invalid problem: {e}")?;
        }
        if !self.input_errors.is_empty() {
            return Ok(());
        }
        writeln!(
            f,
            "  demand: {} adviser places; capacity: {} (sum of max loads); minimum loads: {}",
            self.total_demand, self.total_max_load, self.total_min_load
        )?;
        if self.total_demand > self.total_max_load {
            writeln!(
                f,
                "  the proposals need {} more places than the advisers can take: raise max loads \
                 ([assign] default_max_load or advisers.csv max_load) or lower reviewers_per_proposal",
                self.total_demand - self.total_max_load
            )?;
        }
        if self.total_min_load > self.total_demand {
            writeln!(
                f,
                "  minimum loads add up to {} but there are only {} places: lower [assign] min_load",
                self.total_min_load, self.total_demand
            )?;
        }
        for s in &self.short_proposals {
            let what = if s.by_institution {
                "eligible advisers from distinct institutions (one_per_institution)"
            } else {
                "eligible advisers"
            };
            let i = s.ineligible;
            writeln!(
                f,
                "  proposal {} needs {} advisers but has {} {what}; excluded: {} conflict, {} area, {} lock, {} cut by candidates_per_proposal",
                self.proposal_ids[s.proposal], s.needed, s.available, i.conflict, i.area, i.lock, i.truncated
            )?;
        }
        for l in &self.lock_problems {
            writeln!(
                f,
                "  lock {} / {}: {}",
                self.proposal_ids[l.proposal], self.adviser_ids[l.adviser], l.reason
            )?;
        }
        for m in &self.min_load_short {
            writeln!(
                f,
                "  adviser {} has min load {} but is eligible for only {} proposals",
                self.adviser_ids[m.adviser], m.min_load, m.candidate_of
            )?;
        }
        if let Some(h) = &self.hall {
            writeln!(
                f,
                "  proposals {} need {} advisers; their eligible advisers {} can take at most {}{}",
                list(&self.proposal_ids, &h.proposals),
                h.need,
                if h.advisers.is_empty() {
                    "(none)".to_string()
                } else {
                    list(&self.adviser_ids, &h.advisers)
                },
                h.can_take,
                if h.min_loads_bind {
                    " (other advisers' minimum loads take the remaining places)"
                } else {
                    ""
                }
            )?;
        }
        for line in &self.panel {
            writeln!(f, "  {line}")?;
        }
        if !self.binding.is_empty() {
            let b: Vec<&str> = self.binding.iter().map(|b| b.as_str()).collect();
            writeln!(f, "  binding rule: {}", b.join("; "))?;
        }
        for x in &self.fixes {
            writeln!(f, "  to make it feasible: {x}")?;
        }
        if let Some((filled, missing)) = self.partial_slots {
            writeln!(
                f,
                "  best partial assignment: {filled} places filled, {missing} missing on {} proposals (every one listed in shortfall.csv)",
                self.shortfall.len()
            )?;
        }
        Ok(())
    }
}
