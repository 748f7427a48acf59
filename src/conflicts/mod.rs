//! Conflicts of interest between advisers and proposals.
//!
//! **Owns** the conflict rules ([`rules`], one function each), the
//! [`Reason`]s they give and the [`ConflictSet`] of flagged pairs.
//!
//! **Takes** the [`Dataset`], the [`CollabGraph`] and the
//! [`ConflictConfig`]. Rules (defaults follow JST CREST and NSF, see
//! `docs/domain-notes`):
//!
//! | rule | excludes | switch |
//! |---|---|---|
//! | member | the adviser is a member of the proposal | always on |
//! | same_institution | same institution as any other member | `same_institution` |
//! | co_author | joint paper with a member of year `y >= ref - N` | `coauthor_years` = N (0 = off) |
//! | co_applicant | co-member with a member on another proposal of the same call (same `year`) | `co_applicant` |
//! | declared | `conflicts.csv`: adviser–proposal, or adviser–researcher where the researcher is a member | `declared` |
//! | two_hop | *warning only*: two co-authorship hops from a member, both papers in the window | `two_hop_warning` |
//!
//! `ref` = `reference_year`, or [`Dataset::latest_year`] when unset.
//!
//! **Hands on** [`ConflictSet`]: [`ConflictSet::is_excluded`] for the
//! scorer and the solver (binary search in a per-proposal sorted vector,
//! safe to call from parallel hot loops), reasons per pair, counts per rule,
//! and [`ConflictSet::write_csv`] for `conflicts.csv` output.
//!
//! Cost: per proposal, each rule starts from the members and follows an
//! index (graph adjacency, institution → advisers, researcher → proposals,
//! declared rows by target), so work is proportional to the members'
//! neighbourhoods, never to advisers × proposals. Proposals run in parallel.

mod rules;

use std::fmt::{self, Write as _};
use std::io::Write;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::ConflictConfig;
use crate::graph::CollabGraph;
use crate::model::{AdviserIx, Dataset, InstitutionIx, ProposalIx, ResearcherIx, Role};

use rules::Context;

/// A rule of the conflict check (the `rule` of a [`Reason`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    Member,
    SameInstitution,
    CoAuthor,
    CoApplicant,
    Declared,
    TwoHop,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::Member,
        Rule::SameInstitution,
        Rule::CoAuthor,
        Rule::CoApplicant,
        Rule::Declared,
        Rule::TwoHop,
    ];

    /// Stable snake-case name (used in summaries).
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Member => "member",
            Rule::SameInstitution => "same_institution",
            Rule::CoAuthor => "co_author",
            Rule::CoApplicant => "co_applicant",
            Rule::Declared => "declared",
            Rule::TwoHop => "two_hop",
        }
    }

    /// Whether the rule excludes the pair (every rule but the two-hop warning).
    pub fn excludes(self) -> bool {
        self != Rule::TwoHop
    }
}

/// Why a pair is flagged. IDs are the string IDs of the input files.
/// Ordered by rule, then by the IDs it names (the order of the `reasons`
/// column).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The adviser is a member of the proposal in this role.
    Member { role: Role },
    /// The adviser's institution is a member's institution.
    SameInstitution { institution: Arc<str> },
    /// Latest joint paper with `member` was in `year` (within the window).
    CoAuthor { member: Arc<str>, year: i32 },
    /// The adviser and `member` are both members of `proposal` (same call).
    CoApplicant {
        member: Arc<str>,
        proposal: Arc<str>,
    },
    /// Declared against the proposal in `conflicts.csv`.
    DeclaredProposal { reason: Arc<str> },
    /// Declared against `member` in `conflicts.csv`.
    DeclaredResearcher { member: Arc<str>, reason: Arc<str> },
    /// Warning: `member` co-authored with `via`, who co-authored with the adviser.
    TwoHop { member: Arc<str>, via: Arc<str> },
}

impl Reason {
    pub fn rule(&self) -> Rule {
        match self {
            Reason::Member { .. } => Rule::Member,
            Reason::SameInstitution { .. } => Rule::SameInstitution,
            Reason::CoAuthor { .. } => Rule::CoAuthor,
            Reason::CoApplicant { .. } => Rule::CoApplicant,
            Reason::DeclaredProposal { .. } | Reason::DeclaredResearcher { .. } => Rule::Declared,
            Reason::TwoHop { .. } => Rule::TwoHop,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Member { role } => write!(f, "member of the proposal ({})", role.as_str()),
            Reason::SameInstitution { institution } => write!(f, "same institution {institution}"),
            Reason::CoAuthor { member, year } => write!(f, "co-author with {member} ({year})"),
            Reason::CoApplicant { member, proposal } => {
                write!(f, "co-applicant with {member} on {proposal}")
            }
            Reason::DeclaredProposal { reason } => write!(f, "declared: {reason}"),
            Reason::DeclaredResearcher { member, reason } => {
                write!(f, "declared against {member}: {reason}")
            }
            Reason::TwoHop { member, via } => {
                write!(f, "warning: two hops from {member} via {via}")
            }
        }
    }
}

/// A rule's finding before IDs are attached (indexes only, `Copy`, so the
/// many candidate hits of the two-hop rule cost no allocation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hit {
    Member(Role),
    SameInstitution(InstitutionIx),
    CoAuthor {
        member: ResearcherIx,
        year: i32,
    },
    CoApplicant {
        member: ResearcherIx,
        proposal: ProposalIx,
    },
    /// Position in the proposal's declared rows.
    DeclaredProposal(usize),
    /// `row`: position in the member's declared rows.
    DeclaredResearcher {
        member: ResearcherIx,
        row: usize,
    },
    TwoHop {
        member: ResearcherIx,
        via: ResearcherIx,
    },
}

/// Number of flagged pairs per rule (a pair counts once per rule, however
/// many reasons of that rule it has).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConflictCounts {
    pub member: usize,
    pub same_institution: usize,
    pub co_author: usize,
    pub co_applicant: usize,
    pub declared: usize,
    /// Pairs with a two-hop warning and no exclusion.
    pub two_hop: usize,
    /// Pairs excluded by at least one rule.
    pub excluded_pairs: usize,
    /// Pairs flagged but not excluded (warnings only).
    pub warning_pairs: usize,
}

impl ConflictCounts {
    /// Pairs flagged by `rule`.
    pub fn of(&self, rule: Rule) -> usize {
        match rule {
            Rule::Member => self.member,
            Rule::SameInstitution => self.same_institution,
            Rule::CoAuthor => self.co_author,
            Rule::CoApplicant => self.co_applicant,
            Rule::Declared => self.declared,
            Rule::TwoHop => self.two_hop,
        }
    }

    fn add(&mut self, rule: Rule) {
        match rule {
            Rule::Member => self.member += 1,
            Rule::SameInstitution => self.same_institution += 1,
            Rule::CoAuthor => self.co_author += 1,
            Rule::CoApplicant => self.co_applicant += 1,
            Rule::Declared => self.declared += 1,
            Rule::TwoHop => self.two_hop += 1,
        }
    }
}

/// The flagged pairs of one proposal, by adviser index ascending.
#[derive(Clone, Debug, Default)]
struct ProposalConflicts {
    advisers: Vec<AdviserIx>,
    excluded: Vec<bool>,
    /// Reasons of `advisers[i]` are `reasons[spans[i]..spans[i + 1]]`.
    spans: Vec<u32>,
    reasons: Vec<Reason>,
    /// The excluded subset of `advisers`, ascending (the hot-loop lookup).
    excluded_advisers: Vec<AdviserIx>,
}

/// One flagged pair.
#[derive(Clone, Copy, Debug)]
pub struct ConflictRow<'a> {
    pub proposal: ProposalIx,
    pub adviser: AdviserIx,
    /// `false` for warning-only pairs.
    pub excluded: bool,
    /// Non-empty, sorted by rule then IDs.
    pub reasons: &'a [Reason],
}

/// Every flagged adviser–proposal pair with its reasons. Pairs not in the set
/// have no conflict and no warning.
#[derive(Clone, Debug)]
pub struct ConflictSet {
    per_proposal: Vec<ProposalConflicts>,
    counts: ConflictCounts,
    reference_year: i32,
}

/// Writing the conflicts table failed.
#[derive(Debug, thiserror::Error)]
pub enum ConflictError {
    #[error("cannot write the conflicts table: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the conflicts table: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs every enabled rule for every proposal (parallel over proposals).
pub fn detect(ds: &Dataset, g: &CollabGraph, cfg: &ConflictConfig) -> ConflictSet {
    let cx = Context::new(ds, g, cfg);
    let per_proposal: Vec<ProposalConflicts> = (0..ds.proposals.len())
        .into_par_iter()
        .map(|p| detect_proposal(&cx, p))
        .collect();
    let mut counts = ConflictCounts::default();
    for pc in &per_proposal {
        for i in 0..pc.advisers.len() {
            let reasons = &pc.reasons[pc.spans[i] as usize..pc.spans[i + 1] as usize];
            for (j, r) in reasons.iter().enumerate() {
                // Reasons are sorted by rule: count a rule on its first reason.
                if j == 0 || reasons[j - 1].rule() != r.rule() {
                    counts.add(r.rule());
                }
            }
            if pc.excluded[i] {
                counts.excluded_pairs += 1;
            } else {
                counts.warning_pairs += 1;
            }
        }
    }
    ConflictSet {
        per_proposal,
        counts,
        reference_year: cx.reference_year(),
    }
}

fn detect_proposal(cx: &Context, p: ProposalIx) -> ProposalConflicts {
    let mut hard: Vec<(AdviserIx, Hit)> = Vec::new();
    rules::member(cx, p, &mut hard);
    rules::same_institution(cx, p, &mut hard);
    rules::co_author(cx, p, &mut hard);
    rules::co_applicant(cx, p, &mut hard);
    rules::declared(cx, p, &mut hard);
    let mut soft: Vec<(AdviserIx, Hit)> = Vec::new();
    rules::two_hop(cx, p, &mut soft);

    hard.sort_unstable_by_key(|&(a, _)| a);
    let mut out = ProposalConflicts::default();
    out.spans.push(0);
    for group in hard.chunk_by(|x, y| x.0 == y.0) {
        let a = group[0].0;
        let mut reasons: Vec<Reason> = group.iter().map(|&(_, h)| to_reason(cx, p, h)).collect();
        reasons.sort_unstable();
        reasons.dedup();
        out.reasons.extend(reasons);
        out.advisers.push(a);
        out.excluded.push(true);
        out.excluded_advisers.push(a);
        out.spans.push(out.reasons.len() as u32);
    }

    // Warnings only for pairs no hard rule excluded; one per pair: the path
    // whose (member ID, via ID) is smallest.
    soft.retain(|(a, _)| out.excluded_advisers.binary_search(a).is_err());
    let rank = |h: &Hit| match *h {
        Hit::TwoHop { member, via } => (cx.researcher_rank[member], cx.researcher_rank[via]),
        _ => (u32::MAX, u32::MAX),
    };
    soft.sort_unstable_by_key(|(a, h)| (*a, rank(h)));
    soft.dedup_by_key(|(a, _)| *a);
    if !soft.is_empty() {
        let hard_rows = std::mem::take(&mut out);
        out = merge_warnings(cx, p, hard_rows, &soft);
    }
    out
}

/// Merges warning-only pairs (sorted, disjoint from the excluded advisers)
/// into the excluded rows, keeping advisers ascending.
fn merge_warnings(
    cx: &Context,
    p: ProposalIx,
    hard: ProposalConflicts,
    soft: &[(AdviserIx, Hit)],
) -> ProposalConflicts {
    let mut out = ProposalConflicts {
        excluded_advisers: hard.excluded_advisers.clone(),
        spans: vec![0],
        ..Default::default()
    };
    let (mut i, mut j) = (0, 0);
    while i < hard.advisers.len() || j < soft.len() {
        let take_hard =
            j == soft.len() || (i < hard.advisers.len() && hard.advisers[i] < soft[j].0);
        if take_hard {
            let span = hard.spans[i] as usize..hard.spans[i + 1] as usize;
            out.reasons.extend_from_slice(&hard.reasons[span]);
            out.advisers.push(hard.advisers[i]);
            out.excluded.push(true);
            i += 1;
        } else {
            out.reasons.push(to_reason(cx, p, soft[j].1));
            out.advisers.push(soft[j].0);
            out.excluded.push(false);
            j += 1;
        }
        out.spans.push(out.reasons.len() as u32);
    }
    out
}

fn to_reason(cx: &Context, p: ProposalIx, h: Hit) -> Reason {
    let rid = |r: ResearcherIx| cx.researcher_ids[r].clone();
    match h {
        Hit::Member(role) => Reason::Member { role },
        Hit::SameInstitution(i) => Reason::SameInstitution {
            institution: cx.institution_ids[i].clone(),
        },
        Hit::CoAuthor { member, year } => Reason::CoAuthor {
            member: rid(member),
            year,
        },
        Hit::CoApplicant { member, proposal } => Reason::CoApplicant {
            member: rid(member),
            proposal: cx.proposal_ids[proposal].clone(),
        },
        Hit::DeclaredProposal(row) => Reason::DeclaredProposal {
            reason: cx.declared_by_proposal[p][row].1.clone(),
        },
        Hit::DeclaredResearcher { member, row } => Reason::DeclaredResearcher {
            member: rid(member),
            reason: cx.declared_by_researcher[member][row].1.clone(),
        },
        Hit::TwoHop { member, via } => Reason::TwoHop {
            member: rid(member),
            via: rid(via),
        },
    }
}

impl ConflictSet {
    /// Whether a hard rule excludes adviser `a` from proposal `p`.
    /// `O(log k)` for `k` excluded advisers of `p`; no allocation, `Sync`.
    pub fn is_excluded(&self, p: ProposalIx, a: AdviserIx) -> bool {
        self.per_proposal[p]
            .excluded_advisers
            .binary_search(&a)
            .is_ok()
    }

    /// The excluded advisers of `p`, ascending.
    pub fn excluded_of(&self, p: ProposalIx) -> &[AdviserIx] {
        &self.per_proposal[p].excluded_advisers
    }

    /// Reasons for the pair (empty when the pair is not flagged), sorted by
    /// rule then IDs.
    pub fn reasons(&self, p: ProposalIx, a: AdviserIx) -> &[Reason] {
        let pc = &self.per_proposal[p];
        match pc.advisers.binary_search(&a) {
            Ok(i) => &pc.reasons[pc.spans[i] as usize..pc.spans[i + 1] as usize],
            Err(_) => &[],
        }
    }

    /// Every flagged pair, by proposal index then adviser index.
    pub fn rows(&self) -> impl Iterator<Item = ConflictRow<'_>> + '_ {
        self.per_proposal.iter().enumerate().flat_map(|(p, pc)| {
            (0..pc.advisers.len()).map(move |i| ConflictRow {
                proposal: p,
                adviser: pc.advisers[i],
                excluded: pc.excluded[i],
                reasons: &pc.reasons[pc.spans[i] as usize..pc.spans[i + 1] as usize],
            })
        })
    }

    /// Number of flagged pairs (excluded + warning only).
    pub fn len(&self) -> usize {
        self.per_proposal.iter().map(|pc| pc.advisers.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Pairs per rule, excluded and warning-only pairs.
    pub fn counts(&self) -> &ConflictCounts {
        &self.counts
    }

    /// The year the co-author window was measured from.
    pub fn reference_year(&self) -> i32 {
        self.reference_year
    }

    /// Writes `proposal_id,researcher_id,excluded,reasons` (researcher_id is
    /// the adviser's researcher ID; reasons joined by `"; "`), one row per
    /// flagged pair, sorted by proposal_id then researcher_id.
    pub fn write_csv(&self, ds: &Dataset, w: impl Write) -> Result<(), ConflictError> {
        let mut rows: Vec<(&str, &str, ConflictRow<'_>)> = self
            .rows()
            .map(|r| {
                (
                    ds.proposals[r.proposal].id.as_str(),
                    ds.adviser_id(r.adviser),
                    r,
                )
            })
            .collect();
        rows.par_sort_unstable_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
        let mut out = crate::table::CsvWriter::new(w);
        out.write_record(["proposal_id", "researcher_id", "excluded", "reasons"])?;
        let mut text = String::new();
        for (pid, rid, row) in rows {
            text.clear();
            for (i, r) in row.reasons.iter().enumerate() {
                if i > 0 {
                    text.push_str("; ");
                }
                // Writing into a String cannot fail.
                let _ = write!(text, "{r}");
            }
            let excluded = if row.excluded { "true" } else { "false" };
            out.write_record([pid, rid, excluded, text.as_str()])?;
        }
        out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
