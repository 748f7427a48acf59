//! One function per conflict rule. Each appends `(adviser, hit)` for one
//! proposal; none loops over all advisers — each starts from the proposal's
//! members and follows an index (graph adjacency, institution → advisers,
//! researcher → proposals, declared rows by target). Hits hold indexes only;
//! the caller turns the kept ones into [`super::Reason`]s with string IDs.

use std::sync::Arc;

use crate::config::ConflictConfig;
use crate::graph::CollabGraph;
use crate::model::{AdviserIx, Dataset, DeclaredTarget, ProposalIx};

use super::Hit;

/// Indexes built once per [`super::detect`] call and shared by every rule.
pub(super) struct Context<'a> {
    pub ds: &'a Dataset,
    pub g: &'a CollabGraph,
    pub cfg: &'a ConflictConfig,
    /// Joint papers of year `>= cutoff` count as recent; `None`: the
    /// co-author rule and the two-hop warning are off (`coauthor_years` = 0).
    pub cutoff: Option<i32>,
    pub researcher_ids: Vec<Arc<str>>,
    /// Rank of each researcher by string ID (ties between hits are broken by
    /// ID, never by file order).
    pub researcher_rank: Vec<u32>,
    pub institution_ids: Vec<Arc<str>>,
    pub proposal_ids: Vec<Arc<str>>,
    /// Advisers of each institution, ascending.
    pub advisers_by_institution: Vec<Vec<AdviserIx>>,
    /// Declared rows against each proposal: (adviser, reason).
    pub declared_by_proposal: Vec<Vec<(AdviserIx, Arc<str>)>>,
    /// Declared rows against each researcher: (adviser, reason).
    pub declared_by_researcher: Vec<Vec<(AdviserIx, Arc<str>)>>,
}

/// Text used when `conflicts.csv` leaves the reason blank.
const DECLARED_DEFAULT: &str = "declared";

impl<'a> Context<'a> {
    pub fn new(ds: &'a Dataset, g: &'a CollabGraph, cfg: &'a ConflictConfig) -> Self {
        let reference = cfg.reference_year.unwrap_or_else(|| ds.latest_year());
        let cutoff = (cfg.coauthor_years > 0).then(|| reference - cfg.coauthor_years as i32);
        let arc = |s: &str| -> Arc<str> { Arc::from(s) };
        let mut advisers_by_institution = vec![Vec::new(); ds.institutions.len()];
        for a in 0..ds.advisers.len() {
            advisers_by_institution[ds.adviser_institution(a)].push(a);
        }
        let mut declared_by_proposal = vec![Vec::new(); ds.proposals.len()];
        let mut declared_by_researcher = vec![Vec::new(); ds.researchers.len()];
        for d in &ds.declared_conflicts {
            // Rows naming a researcher who is not an adviser cannot affect
            // any assignment; they are skipped.
            let Some(a) = ds.adviser_of[d.researcher] else {
                continue;
            };
            let text = d.reason.trim();
            let reason = arc(if text.is_empty() {
                DECLARED_DEFAULT
            } else {
                text
            });
            match d.target {
                DeclaredTarget::Proposal(p) => declared_by_proposal[p].push((a, reason)),
                DeclaredTarget::Researcher(r) => declared_by_researcher[r].push((a, reason)),
            }
        }
        let mut order: Vec<usize> = (0..ds.researchers.len()).collect();
        order.sort_unstable_by(|&a, &b| ds.researchers[a].id.cmp(&ds.researchers[b].id));
        let mut researcher_rank = vec![0u32; order.len()];
        for (rank, &r) in order.iter().enumerate() {
            researcher_rank[r] = rank as u32;
        }
        Context {
            ds,
            researcher_rank,
            g,
            cfg,
            cutoff,
            researcher_ids: ds.researchers.iter().map(|r| arc(&r.id)).collect(),
            institution_ids: ds.institutions.iter().map(|r| arc(&r.id)).collect(),
            proposal_ids: ds.proposals.iter().map(|r| arc(&r.id)).collect(),
            advisers_by_institution,
            declared_by_proposal,
            declared_by_researcher,
        }
    }

    pub fn reference_year(&self) -> i32 {
        self.cfg
            .reference_year
            .unwrap_or_else(|| self.ds.latest_year())
    }
}

/// Rule 1 (always on): the adviser is a member of the proposal.
pub(super) fn member(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    for m in &cx.ds.proposals[p].members {
        if let Some(a) = cx.ds.adviser_of[m.researcher] {
            out.push((a, Hit::Member(m.role)));
        }
    }
}

/// Rule 2: the adviser works at the institution of any other member (JST
/// CREST "same laboratory or company"; NSF "same institution"). Duplicate
/// hits (two members of one institution) are merged by the caller.
pub(super) fn same_institution(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    if !cx.cfg.same_institution {
        return;
    }
    for m in &cx.ds.proposals[p].members {
        let i = cx.ds.researchers[m.researcher].institution;
        for &a in &cx.advisers_by_institution[i] {
            // An adviser who is this member is covered by the member rule.
            if cx.ds.advisers[a].researcher != m.researcher {
                out.push((a, Hit::SameInstitution(i)));
            }
        }
    }
}

/// Rule 3: the adviser co-authored with any member in a year
/// `>= reference_year - coauthor_years` (JST CREST: within the last 5 years).
pub(super) fn co_author(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    let Some(cutoff) = cx.cutoff else { return };
    for m in &cx.ds.proposals[p].members {
        for (x, e) in cx.g.neighbors(m.researcher) {
            if let (Some(a), Some(year)) = (cx.ds.adviser_of[x], e.last_pub_year) {
                if year >= cutoff {
                    out.push((
                        a,
                        Hit::CoAuthor {
                            member: m.researcher,
                            year,
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

/// Rule 5: pairs declared in `conflicts.csv`, against the proposal or against
/// one of its members.
pub(super) fn declared(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    if !cx.cfg.declared {
        return;
    }
    for (i, (a, _)) in cx.declared_by_proposal[p].iter().enumerate() {
        out.push((*a, Hit::DeclaredProposal(i)));
    }
    for m in &cx.ds.proposals[p].members {
        for (i, (a, _)) in cx.declared_by_researcher[m.researcher].iter().enumerate() {
            out.push((
                *a,
                Hit::DeclaredResearcher {
                    member: m.researcher,
                    row: i,
                },
            ));
        }
    }
}

/// Soft rule: the adviser is two co-authorship hops from a member, both joint
/// papers within the co-author window. A warning for the PO, never an
/// exclusion. Callers keep it only for pairs no hard rule excluded.
pub(super) fn two_hop(cx: &Context, p: ProposalIx, out: &mut Vec<(AdviserIx, Hit)>) {
    if !cx.cfg.two_hop_warning {
        return;
    }
    let Some(cutoff) = cx.cutoff else { return };
    for m in &cx.ds.proposals[p].members {
        for (x, e1) in cx.g.neighbors(m.researcher) {
            if !e1.has_pub_since(cutoff) {
                continue;
            }
            for (y, e2) in cx.g.neighbors(x) {
                if y == m.researcher || !e2.has_pub_since(cutoff) {
                    continue;
                }
                if let Some(a) = cx.ds.adviser_of[y] {
                    out.push((
                        a,
                        Hit::TwoHop {
                            member: m.researcher,
                            via: x,
                        },
                    ));
                }
            }
        }
    }
}
