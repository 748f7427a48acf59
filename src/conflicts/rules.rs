//! One function per conflict rule. Each appends `(adviser, hit)` for one
//! proposal; none loops over all advisers — each starts from the proposal's
//! members and follows an index (co-author adjacency, institution →
//! affiliations of advisers, researcher → proposals, relations and declared
//! rows by researcher). Hits hold indexes only; the caller turns the kept
//! ones into [`super::Reason`]s with string IDs and evidence.
//!
//! Every window counts back from the proposal's own call year `C` (or
//! `reference_year` when set): a window of N years holds the years
//! `C − N + 1 ..= C`, and anything later (a paper dated after the call)
//! counts too, since the tie exists at review time.

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{ConflictConfig, DepartmentRule};
use crate::model::{
    AdviserIx, Dataset, DeclaredTarget, InstitutionIx, ProposalIx, PublicationIx, RelationKind,
    ResearcherIx, Sector,
};

use super::Hit;

/// A researcher's time at an institution: a row of affiliations.csv, or the
/// current institution of researchers.csv (`line` = `None`) when no row of
/// affiliations.csv already says the researcher is still there.
#[derive(Clone, Debug)]
pub(super) struct Stint {
    pub researcher: ResearcherIx,
    pub institution: InstitutionIx,
    /// Department, trimmed and lower-cased for comparison.
    pub department_key: Option<String>,
    pub end_year: Option<i32>,
    /// Row in `Dataset::affiliations`, `None` for researchers.csv.
    pub row: Option<usize>,
}

impl Stint {
    fn active_since(&self, from: i32) -> bool {
        self.end_year.is_none_or(|e| e >= from)
    }
}

/// Co-authorship on papers of at most `max_coauthors` authors, from the
/// earliest year any window (or near miss) reaches: for each researcher the
/// co-authors ascending, with the latest joint year and the number of such
/// joint papers.
pub(super) struct CoAuthors {
    offsets: Vec<usize>,
    other: Vec<u32>,
    last: Vec<i32>,
    count: Vec<u32>,
}

impl CoAuthors {
    fn build(ds: &Dataset, small: &(dyn Fn(PublicationIx) -> bool + Sync), since: i32) -> Self {
        let n = ds.researchers.len();
        // (u, v, year) with u < v, one per paper.
        let mut pairs: Vec<(u64, i32)> = ds
            .publications
            .par_iter()
            .enumerate()
            .filter(|(i, p)| p.year >= since && small(*i))
            .fold(Vec::new, |mut acc, (_, p)| {
                for (i, &a) in p.authors.iter().enumerate() {
                    for &b in &p.authors[i + 1..] {
                        let (u, v) = if a < b { (a, b) } else { (b, a) };
                        acc.push((((u as u64) << 32) | v as u64, p.year));
                    }
                }
                acc
            })
            .flatten()
            .collect();
        pairs.par_sort_unstable_by_key(|x| x.0);
        // Aggregate per pair: (u, v, last, count).
        let mut agg: Vec<(u32, u32, i32, u32)> = Vec::new();
        for &(key, y) in &pairs {
            let (u, v) = ((key >> 32) as u32, key as u32);
            match agg.last_mut() {
                Some(e) if e.0 == u && e.1 == v => {
                    e.2 = e.2.max(y);
                    e.3 += 1;
                }
                _ => agg.push((u, v, y, 1)),
            }
        }
        drop(pairs);
        let mut deg = vec![0usize; n + 1];
        for &(u, v, _, _) in &agg {
            deg[u as usize] += 1;
            deg[v as usize] += 1;
        }
        let mut offsets = vec![0usize; n + 1];
        for r in 0..n {
            offsets[r + 1] = offsets[r] + deg[r];
        }
        let total = offsets[n];
        let mut fill = offsets.clone();
        let (mut other, mut last, mut count) =
            (vec![0u32; total], vec![0i32; total], vec![0u32; total]);
        // Pairs ascending by (u, v): row r first receives its smaller
        // neighbours (while their own groups are filled, ascending), then
        // its larger ones (its own group, ascending), so every row is sorted.
        for &(u, v, y, c) in &agg {
            for (a, b) in [(u, v), (v, u)] {
                let i = fill[a as usize];
                other[i] = b;
                last[i] = y;
                count[i] = c;
                fill[a as usize] += 1;
            }
        }
        CoAuthors {
            offsets,
            other,
            last,
            count,
        }
    }

    /// `(co-author, latest joint year, joint papers)` of `r`.
    pub fn of(&self, r: ResearcherIx) -> impl Iterator<Item = (ResearcherIx, i32, u32)> + '_ {
        (self.offsets[r]..self.offsets[r + 1])
            .map(move |i| (self.other[i] as usize, self.last[i], self.count[i]))
    }
}

/// Indexes built once per [`super::detect`] call and shared by every rule.
pub(super) struct Context<'a> {
    pub ds: &'a Dataset,
    pub cfg: &'a ConflictConfig,
    pub researcher_ids: Vec<Arc<str>>,
    /// Rank of each researcher by string ID (ties between hits are broken by
    /// ID, never by file order).
    pub researcher_rank: Vec<u32>,
    pub institution_ids: Vec<Arc<str>>,
    pub proposal_ids: Vec<Arc<str>>,
    pub stints: Vec<Stint>,
    /// The evidence text of each stint, made on first use: one stint is the
    /// evidence of many pairs (every adviser at a member's institution).
    pub stint_texts: Vec<std::sync::OnceLock<Arc<str>>>,
    /// Stints of each researcher.
    pub stints_of: Vec<Vec<u32>>,
    /// Stints of advisers at each institution: (adviser, stint).
    pub adviser_stints_at: Vec<Vec<(AdviserIx, u32)>>,
    pub coauthors: CoAuthors,
    /// Declared rows against each proposal: (adviser, row in
    /// `ds.declared_conflicts`).
    pub declared_by_proposal: Vec<Vec<(AdviserIx, usize)>>,
    /// Declared researcher–researcher rows by each side: at researcher `r`,
    /// (the adviser on the other side, row). Both directions are indexed.
    pub declared_by_researcher: Vec<Vec<(AdviserIx, usize)>>,
    /// Relations by each side: at researcher `r`, (the other, row in
    /// `ds.relations`), by the other ascending.
    pub relations_of: Vec<Vec<(ResearcherIx, usize)>>,
    /// Nominated rows of each proposal: (adviser, row in `ds.nominated`).
    pub nominated_of: Vec<Vec<(AdviserIx, usize)>>,
}

impl<'a> Context<'a> {
    pub fn new(ds: &'a Dataset, cfg: &'a ConflictConfig) -> Self {
        let arc = |s: &str| -> Arc<str> { Arc::from(s) };
        let n = ds.researchers.len();

        // Stints: affiliations.csv rows, plus researchers.csv's institution
        // unless a row already has the researcher there with no end year.
        let mut stints = Vec::with_capacity(ds.affiliations.len() + n);
        for (row, a) in ds.affiliations.iter().enumerate() {
            stints.push(Stint {
                researcher: a.researcher,
                institution: a.institution,
                department_key: a.department.as_deref().map(dept_key),
                end_year: a.end_year,
                row: Some(row),
            });
        }
        for (r, res) in ds.researchers.iter().enumerate() {
            let listed = ds.affiliations_of[r].iter().any(|&i| {
                let a = &ds.affiliations[i];
                a.institution == res.institution && a.end_year.is_none()
            });
            if !listed {
                stints.push(Stint {
                    researcher: r,
                    institution: res.institution,
                    department_key: None,
                    end_year: None,
                    row: None,
                });
            }
        }
        let mut stints_of = vec![Vec::new(); n];
        let mut adviser_stints_at = vec![Vec::new(); ds.institutions.len()];
        let earliest_aff = ds
            .proposals
            .iter()
            .enumerate()
            .map(|(p, _)| affiliation_from(ds, cfg, p))
            .min()
            .unwrap_or(i32::MIN);
        for (i, s) in stints.iter().enumerate() {
            // The import placeholder for "no affiliation given" is not a
            // shared workplace.
            if !s.active_since(earliest_aff) || ds.institutions[s.institution].is_placeholder() {
                continue;
            }
            stints_of[s.researcher].push(i as u32);
            if let Some(a) = ds.adviser_of[s.researcher] {
                adviser_stints_at[s.institution].push((a, i as u32));
            }
        }

        let max = cfg.max_coauthors as usize;
        let small = move |i: PublicationIx| max == 0 || ds.publications[i].authors.len() <= max;
        let earliest_pub = ds
            .proposals
            .iter()
            .enumerate()
            .map(|(p, _)| window_from(ds, cfg, p) - 1)
            .min()
            .unwrap_or(i32::MIN);
        let coauthors = if cfg.coauthor_years > 0 {
            CoAuthors::build(ds, &small, earliest_pub)
        } else {
            CoAuthors::build(ds, &|_| false, i32::MAX)
        };

        let mut declared_by_proposal = vec![Vec::new(); ds.proposals.len()];
        let mut declared_by_researcher = vec![Vec::new(); n];
        for (row, d) in ds.declared_conflicts.iter().enumerate() {
            match d.target {
                DeclaredTarget::Proposal(p) => {
                    // Rows naming a researcher who is not an adviser cannot
                    // affect any assignment.
                    if let Some(a) = ds.adviser_of[d.researcher] {
                        declared_by_proposal[p].push((a, row));
                    }
                }
                DeclaredTarget::Researcher(o) => {
                    if let Some(a) = ds.adviser_of[d.researcher] {
                        declared_by_researcher[o].push((a, row));
                    }
                    if let Some(a) = ds.adviser_of[o] {
                        declared_by_researcher[d.researcher].push((a, row));
                    }
                }
            }
        }
        let mut relations_of = vec![Vec::new(); n];
        for (row, r) in ds.relations.iter().enumerate() {
            relations_of[r.researcher].push((r.other, row));
            relations_of[r.other].push((r.researcher, row));
        }
        for v in &mut relations_of {
            v.sort_unstable();
        }
        let mut nominated_of = vec![Vec::new(); ds.proposals.len()];
        for (row, x) in ds.nominated.iter().enumerate() {
            if let Some(a) = ds.adviser_of[x.researcher] {
                nominated_of[x.proposal].push((a, row));
            }
        }

        let mut order: Vec<usize> = (0..n).collect();
        order.sort_unstable_by(|&a, &b| ds.researchers[a].id.cmp(&ds.researchers[b].id));
        let mut researcher_rank = vec![0u32; order.len()];
        for (rank, &r) in order.iter().enumerate() {
            // At most u32::MAX researchers: the loader's IDs fit in memory.
            researcher_rank[r] = u32::try_from(rank).unwrap_or(u32::MAX);
        }
        Context {
            ds,
            cfg,
            researcher_ids: ds.researchers.iter().map(|r| arc(&r.id)).collect(),
            researcher_rank,
            institution_ids: ds.institutions.iter().map(|r| arc(&r.id)).collect(),
            proposal_ids: ds.proposals.iter().map(|r| arc(&r.id)).collect(),
            stint_texts: (0..stints.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            stints,
            stints_of,
            adviser_stints_at,
            coauthors,
            declared_by_proposal,
            declared_by_researcher,
            relations_of,
            nominated_of,
        }
    }

    /// The call year windows of `p` count back from.
    pub fn call_year(&self, p: ProposalIx) -> i32 {
        call_year(self.ds, self.cfg, p)
    }

    /// First year of `p`'s co-author window.
    pub fn window_from(&self, p: ProposalIx) -> i32 {
        window_from(self.ds, self.cfg, p)
    }

    fn affiliation_from(&self, p: ProposalIx) -> i32 {
        affiliation_from(self.ds, self.cfg, p)
    }

    pub fn is_small(&self, w: PublicationIx) -> bool {
        self.cfg.max_coauthors == 0
            || self.ds.publications[w].authors.len() <= self.cfg.max_coauthors as usize
    }
}

fn dept_key(s: &str) -> String {
    s.trim().to_lowercase()
}

pub(super) fn call_year(ds: &Dataset, cfg: &ConflictConfig, p: ProposalIx) -> i32 {
    cfg.reference_year.unwrap_or(ds.proposals[p].year)
}

/// `C − N + 1` for the co-author window of N years.
pub(super) fn window_from(ds: &Dataset, cfg: &ConflictConfig, p: ProposalIx) -> i32 {
    call_year(ds, cfg, p) - i32::try_from(cfg.coauthor_years).unwrap_or(200) + 1
}

/// `C − N + 1` for the affiliation window (N = 0 behaves as 1: the
/// affiliation lasts into the call year).
fn affiliation_from(ds: &Dataset, cfg: &ConflictConfig, p: ProposalIx) -> i32 {
    call_year(ds, cfg, p) - i32::try_from(cfg.affiliation_years.max(1)).unwrap_or(200) + 1
}

/// Rule 1 (always on): the adviser is a member of the proposal.
pub(super) fn member(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    for m in &cx.ds.proposals[p].members {
        if let Some(a) = cx.ds.adviser_of[m.researcher] {
            out.push((a, Hit::Member(m.role)));
        }
    }
}

/// Rule 2: the adviser and a member were both affiliated with one
/// institution within the affiliation window (JST CREST "same laboratory or
/// company"; NSF "same institution"; NIH "current and recent employment").
/// For academia under [`DepartmentRule::Academia`], two known and different
/// departments are not a conflict.
pub(super) fn same_institution(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    if !cx.cfg.same_institution {
        return;
    }
    let from = cx.affiliation_from(p);
    for m in &cx.ds.proposals[p].members {
        for &ms in &cx.stints_of[m.researcher] {
            let s = &cx.stints[ms as usize];
            if !s.active_since(from) {
                continue;
            }
            let academic = cx.ds.institutions[s.institution].sector == Sector::Academia;
            let by_department = academic && cx.cfg.department_rule == DepartmentRule::Academia;
            for &(a, st) in &cx.adviser_stints_at[s.institution] {
                let t = &cx.stints[st as usize];
                // An adviser who is this member is covered by the member rule.
                if t.researcher == m.researcher || !t.active_since(from) {
                    continue;
                }
                if by_department {
                    if let (Some(x), Some(y)) = (&s.department_key, &t.department_key) {
                        if x != y {
                            continue;
                        }
                    }
                }
                out.push((
                    a,
                    Hit::SameInstitution {
                        member: m.researcher,
                        member_stint: ms,
                        adviser_stint: st,
                    },
                ));
            }
        }
    }
}

/// Rule 3: the adviser co-authored a paper of at most `max_coauthors`
/// authors with a member within the co-author window (JST CREST: within
/// the last 5 years). A latest joint paper one year before the window is a
/// near miss (flag only).
pub(super) fn co_author(
    cx: &Context,
    p: ProposalIx,
    out: &mut Vec<(AdviserIx, Hit)>,
    soft: &mut Vec<(AdviserIx, Hit)>,
) {
    if cx.cfg.coauthor_years == 0 {
        return;
    }
    let from = cx.window_from(p);
    for m in &cx.ds.proposals[p].members {
        for (x, last, _) in cx.coauthors.of(m.researcher) {
            let Some(a) = cx.ds.adviser_of[x] else {
                continue;
            };
            if last >= from {
                out.push((
                    a,
                    Hit::CoAuthor {
                        member: m.researcher,
                    },
                ));
            } else if last == from - 1 && cx.cfg.near_miss {
                soft.push((
                    a,
                    Hit::NearMiss {
                        member: m.researcher,
                        year: last,
                    },
                ));
            }
        }
    }
}

/// Flag only: the adviser and a member are co-authors of a consortium paper
/// (more than `max_coauthors` authors) within the window (NIH: membership of
/// a large multicentre consortium is not by itself a conflict).
pub(super) fn consortium(cx: &Context, p: ProposalIx, soft: &mut Vec<(AdviserIx, Hit)>) {
    if cx.cfg.coauthor_years == 0 || cx.cfg.max_coauthors == 0 {
        return;
    }
    let from = cx.window_from(p);
    for m in &cx.ds.proposals[p].members {
        for &w in &cx.ds.pubs_of[m.researcher] {
            let publ = &cx.ds.publications[w];
            if publ.year < from || cx.is_small(w) {
                continue;
            }
            for &x in &publ.authors {
                if x == m.researcher {
                    continue;
                }
                if let Some(a) = cx.ds.adviser_of[x] {
                    soft.push((
                        a,
                        Hit::Consortium {
                            member: m.researcher,
                        },
                    ));
                }
            }
        }
    }
}

/// Rule 4: the adviser applies together with a member on another proposal of
/// the same call (a call = proposals of the same `year`).
pub(super) fn co_applicant(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    if !cx.cfg.co_applicant {
        return;
    }
    let year = cx.ds.proposals[p].year;
    for m in &cx.ds.proposals[p].members {
        for &q in &cx.ds.proposals_of[m.researcher] {
            if q == p || cx.ds.proposals[q].year != year {
                continue;
            }
            for other in &cx.ds.proposals[q].members {
                if other.researcher == m.researcher {
                    continue;
                }
                if let Some(a) = cx.ds.adviser_of[other.researcher] {
                    out.push((
                        a,
                        Hit::CoApplicant {
                            member: m.researcher,
                            proposal: q,
                        },
                    ));
                }
            }
        }
    }
}

/// Rule 5: pairs declared in `conflicts.csv`, against the proposal or
/// against one of its members (researcher–researcher rows in both
/// directions).
pub(super) fn declared(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    if !cx.cfg.declared {
        return;
    }
    for &(a, row) in &cx.declared_by_proposal[p] {
        out.push((a, Hit::Declared { member: None, row }));
    }
    for m in &cx.ds.proposals[p].members {
        for &(a, row) in &cx.declared_by_researcher[m.researcher] {
            if cx.ds.advisers[a].researcher != m.researcher {
                out.push((
                    a,
                    Hit::Declared {
                        member: Some(m.researcher),
                        row,
                    },
                ));
            }
        }
    }
}

/// Rule 6: `relations.csv`. Advisor/student at any time (NSF COA), family
/// always (JST), employer/supervisor of `employer_years` or more in total
/// (JST CREST; a span without a start year counts as long enough),
/// collaborator within the co-author window (NSF: 48 months).
pub(super) fn relations(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    if !cx.cfg.relations {
        return;
    }
    let call = cx.call_year(p);
    let from = cx.window_from(p);
    for m in &cx.ds.proposals[p].members {
        let rows = &cx.relations_of[m.researcher];
        for group in rows.chunk_by(|x, y| x.0 == y.0) {
            let x = group[0].0;
            let Some(a) = cx.ds.adviser_of[x] else {
                continue;
            };
            // Employer/supervisor years in total between the two people.
            let mut years = 0i64;
            let mut unknown = false;
            for &(_, row) in group {
                let r = &cx.ds.relations[row];
                if matches!(r.kind, RelationKind::Employer | RelationKind::Supervisor) {
                    match r.start_year {
                        Some(s) => years += i64::from(r.end_year.unwrap_or(call).max(s) - s + 1),
                        None => unknown = true,
                    }
                }
            }
            let long_employment = unknown || years >= i64::from(cx.cfg.employer_years);
            for &(_, row) in group {
                let r = &cx.ds.relations[row];
                let hit = match r.kind {
                    RelationKind::Advisor | RelationKind::Student | RelationKind::Family => true,
                    RelationKind::Employer | RelationKind::Supervisor => long_employment,
                    RelationKind::Collaborator => {
                        cx.cfg.coauthor_years > 0 && r.end_year.is_none_or(|e| e >= from)
                    }
                };
                if hit {
                    out.push((
                        a,
                        Hit::Relation {
                            member: m.researcher,
                            row,
                        },
                    ));
                }
            }
        }
    }
}

/// Rule 7: researchers the proposal asks to exclude (ERC, UKRI).
pub(super) fn nominated(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    if !cx.cfg.nominated {
        return;
    }
    for &(a, row) in &cx.nominated_of[p] {
        out.push((a, Hit::Nominated(row)));
    }
}

/// Soft rule: the adviser is two co-authorship hops from a member, both
/// hops with a joint (non-consortium) paper within the window. A flag for
/// the PO, never an exclusion. Strength = the weaker hop's joint papers.
pub(super) fn two_hop(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    if !cx.cfg.two_hop_warning || cx.cfg.coauthor_years == 0 {
        return;
    }
    let from = cx.window_from(p);
    for m in &cx.ds.proposals[p].members {
        for (x, l1, c1) in cx.coauthors.of(m.researcher) {
            if l1 < from {
                continue;
            }
            for (y, l2, c2) in cx.coauthors.of(x) {
                if y == m.researcher || l2 < from {
                    continue;
                }
                if let Some(a) = cx.ds.adviser_of[y] {
                    out.push((
                        a,
                        Hit::TwoHop {
                            member: m.researcher,
                            via: x,
                            strength: c1.min(c2),
                        },
                    ));
                }
            }
        }
    }
}
