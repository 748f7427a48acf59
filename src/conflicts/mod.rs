//! Conflicts of interest between advisers and proposals.
//!
//! **Owns** the conflict rules ([`rules`], one function each), the
//! [`Reason`]s they give with their evidence, and the [`ConflictSet`] of
//! flagged pairs.
//!
//! **Takes** the [`Dataset`] (with the optional affiliation history,
//! relations and applicant-nominated exclusions) and the
//! [`ConflictConfig`]. Every window counts back from the proposal's own
//! call year. Rules (sources in docs/config.md):
//!
//! | rule | excludes | switch |
//! |---|---|---|
//! | member | the adviser is a member of the proposal | always on |
//! | same_institution | adviser and a member both at one institution within `affiliation_years` (academia: the same department when both are known) | `same_institution`, `department_rule` |
//! | co_author | joint paper of at most `max_coauthors` authors within `coauthor_years` | `coauthor_years` (0 = off) |
//! | co_applicant | co-member with a member on another proposal of the same call | `co_applicant` |
//! | declared | `conflicts.csv`, researcher–researcher rows both ways | `declared` |
//! | relation | `relations.csv`: advisor/student, family, long employer/supervisor, recent collaborator | `relations`, `employer_years` |
//! | nominated | named in the proposal's `excluded_reviewers` | `nominated` |
//! | consortium | *flag only*: joint paper with more than `max_coauthors` authors | `max_coauthors` |
//! | near_miss | *flag only*: latest joint paper one year before the window | `near_miss` |
//! | two_hop | *flag only*: two co-authorship hops within the window | `two_hop_warning` |
//!
//! **Hands on** [`ConflictSet`]: [`ConflictSet::is_excluded`] for the
//! scorer and the solver (binary search in a per-proposal sorted vector,
//! safe to call from parallel hot loops), reasons and evidence per pair,
//! flags of a pair ([`ConflictSet::flags`]), counts per rule,
//! [`ConflictSet::write_csv`] for `conflicts.csv` and
//! [`ConflictSet::write_two_hop_summary`] for `two_hop.csv`.
//!
//! Cost: per proposal, each rule starts from the members and follows an
//! index, so work is proportional to the members' neighbourhoods, never to
//! advisers × proposals. Proposals run in parallel.

mod rules;

use std::fmt::{self, Write as _};
use std::io::Write;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::ConflictConfig;
use crate::model::{AdviserIx, Dataset, ProposalIx, RelationKind, ResearcherIx, Role};

use rules::Context;

/// A rule of the conflict check (the `rule` of a [`Reason`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    Member,
    SameInstitution,
    CoAuthor,
    CoApplicant,
    Declared,
    Relation,
    Nominated,
    Consortium,
    NearMiss,
    TwoHop,
}

impl Rule {
    pub const ALL: [Rule; 10] = [
        Rule::Member,
        Rule::SameInstitution,
        Rule::CoAuthor,
        Rule::CoApplicant,
        Rule::Declared,
        Rule::Relation,
        Rule::Nominated,
        Rule::Consortium,
        Rule::NearMiss,
        Rule::TwoHop,
    ];

    /// Stable snake-case name (used in summaries and the report).
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Member => "member",
            Rule::SameInstitution => "same_institution",
            Rule::CoAuthor => "co_author",
            Rule::CoApplicant => "co_applicant",
            Rule::Declared => "declared",
            Rule::Relation => "relation",
            Rule::Nominated => "nominated",
            Rule::Consortium => "consortium",
            Rule::NearMiss => "near_miss",
            Rule::TwoHop => "two_hop",
        }
    }

    /// Whether the rule excludes the pair (all but the three flags).
    pub fn excludes(self) -> bool {
        !matches!(self, Rule::Consortium | Rule::NearMiss | Rule::TwoHop)
    }
}

/// Why a pair is flagged, with the evidence the rule used (file lines,
/// publication IDs and years, affiliation rows), so a PO can answer "why
/// was she excluded?" from this row alone. IDs are the input files' IDs.
/// Ordered by rule, then by the IDs it names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The adviser is a member of the proposal in this role.
    Member { role: Role },
    /// The adviser and `member` were both at `institution` in the window.
    SameInstitution {
        institution: Arc<str>,
        member: Arc<str>,
        /// The department when both rows name the same one.
        department: Option<Arc<str>>,
        /// The member's and the adviser's affiliation rows.
        evidence: (Arc<str>, Arc<str>),
    },
    /// Latest joint paper with `member` in the window was in `year`.
    CoAuthor {
        member: Arc<str>,
        year: i32,
        evidence: Arc<str>,
    },
    /// The adviser and `member` are both members of `proposal` (same call).
    CoApplicant {
        member: Arc<str>,
        proposal: Arc<str>,
        year: i32,
    },
    /// Declared in `conflicts.csv` at `line`: against the proposal
    /// (`member` = `None`) or between the adviser and `member`.
    Declared {
        member: Option<Arc<str>>,
        reason: Arc<str>,
        line: u64,
    },
    /// A `relations.csv` row: the adviser is `role` `member`
    /// (`advisor of`, `student of`, `family of`, ...).
    Relation {
        member: Arc<str>,
        role: &'static str,
        evidence: Arc<str>,
    },
    /// The proposal names the adviser in `excluded_reviewers` (line of
    /// proposals.csv).
    Nominated { line: u64 },
    /// Flag: joint consortium paper(s) with `member`.
    Consortium {
        member: Arc<str>,
        evidence: Arc<str>,
    },
    /// Flag: the latest joint paper with `member` is of `year`, one year
    /// before the window.
    NearMiss {
        member: Arc<str>,
        year: i32,
        evidence: Arc<str>,
    },
    /// Flag: `member` co-authored with `via`, who co-authored with the
    /// adviser, both in the window; `strength` = joint papers on the
    /// weaker hop.
    TwoHop {
        member: Arc<str>,
        via: Arc<str>,
        strength: u32,
    },
}

impl Reason {
    pub fn rule(&self) -> Rule {
        match self {
            Reason::Member { .. } => Rule::Member,
            Reason::SameInstitution { .. } => Rule::SameInstitution,
            Reason::CoAuthor { .. } => Rule::CoAuthor,
            Reason::CoApplicant { .. } => Rule::CoApplicant,
            Reason::Declared { .. } => Rule::Declared,
            Reason::Relation { .. } => Rule::Relation,
            Reason::Nominated { .. } => Rule::Nominated,
            Reason::Consortium { .. } => Rule::Consortium,
            Reason::NearMiss { .. } => Rule::NearMiss,
            Reason::TwoHop { .. } => Rule::TwoHop,
        }
    }

    /// What the rule used: file lines, publication IDs with years,
    /// affiliation rows with their years and source.
    pub fn evidence(&self) -> String {
        match self {
            Reason::Member { role } => format!("proposal_members.csv: role {}", role.as_str()),
            Reason::SameInstitution {
                evidence: (m, a), ..
            } => format!("{m} and {a}"),
            Reason::CoAuthor { evidence, .. }
            | Reason::Relation { evidence, .. }
            | Reason::Consortium { evidence, .. }
            | Reason::NearMiss { evidence, .. } => evidence.to_string(),
            Reason::CoApplicant {
                member,
                proposal,
                year,
            } => format!("proposal_members.csv: with {member} on {proposal} (call {year})"),
            Reason::Declared { line, .. } => format!("conflicts.csv line {line}"),
            Reason::Nominated { line } => {
                format!("proposals.csv line {line}, column excluded_reviewers")
            }
            Reason::TwoHop {
                member,
                via,
                strength,
            } => format!("{member} – {via} – adviser; {strength} joint paper(s) on the weaker hop"),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Member { role } => write!(f, "member of the proposal ({})", role.as_str()),
            Reason::SameInstitution {
                institution,
                member,
                department,
                ..
            } => match department {
                Some(d) => write!(f, "same institution {institution} ({d}) as {member}"),
                None => write!(f, "same institution {institution} as {member}"),
            },
            Reason::CoAuthor { member, year, .. } => write!(f, "co-author with {member} ({year})"),
            Reason::CoApplicant {
                member, proposal, ..
            } => write!(f, "co-applicant with {member} on {proposal}"),
            Reason::Declared {
                member: None,
                reason,
                ..
            } => write!(f, "declared: {reason}"),
            Reason::Declared {
                member: Some(m),
                reason,
                ..
            } => write!(f, "declared with {m}: {reason}"),
            Reason::Relation { member, role, .. } => write!(f, "{role} {member}"),
            Reason::Nominated { .. } => write!(f, "named by the applicants for exclusion"),
            Reason::Consortium { member, .. } => {
                write!(f, "flag: consortium paper with {member}")
            }
            Reason::NearMiss { member, year, .. } => write!(
                f,
                "flag: co-author with {member} ({year}, one year before the window)"
            ),
            Reason::TwoHop { member, via, .. } => {
                write!(f, "flag: two hops from {member} via {via}")
            }
        }
    }
}

/// A rule's finding before IDs are attached (indexes only, `Copy`, so the
/// many candidate hits of the two-hop rule cost no allocation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hit {
    Member(Role),
    SameInstitution {
        member: ResearcherIx,
        member_stint: u32,
        adviser_stint: u32,
    },
    CoAuthor {
        member: ResearcherIx,
    },
    CoApplicant {
        member: ResearcherIx,
        proposal: ProposalIx,
    },
    /// `row` in `ds.declared_conflicts`; `member` = `None`: against the proposal.
    Declared {
        member: Option<ResearcherIx>,
        row: usize,
    },
    /// `row` in `ds.relations`.
    Relation {
        member: ResearcherIx,
        row: usize,
    },
    /// Row in `ds.nominated`.
    Nominated(usize),
    Consortium {
        member: ResearcherIx,
    },
    NearMiss {
        member: ResearcherIx,
        year: i32,
    },
    TwoHop {
        member: ResearcherIx,
        via: ResearcherIx,
        strength: u32,
    },
}

/// Number of flagged pairs per rule (a pair counts once per rule, however
/// many reasons of that rule it has). Flags count only on pairs no rule
/// excludes.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConflictCounts {
    pub member: usize,
    pub same_institution: usize,
    pub co_author: usize,
    pub co_applicant: usize,
    pub declared: usize,
    pub relation: usize,
    pub nominated: usize,
    pub consortium: usize,
    pub near_miss: usize,
    pub two_hop: usize,
    /// Pairs excluded by at least one rule.
    pub excluded_pairs: usize,
    /// Pairs flagged but not excluded.
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
            Rule::Relation => self.relation,
            Rule::Nominated => self.nominated,
            Rule::Consortium => self.consortium,
            Rule::NearMiss => self.near_miss,
            Rule::TwoHop => self.two_hop,
        }
    }

    fn add(&mut self, rule: Rule) {
        let c = match rule {
            Rule::Member => &mut self.member,
            Rule::SameInstitution => &mut self.same_institution,
            Rule::CoAuthor => &mut self.co_author,
            Rule::CoApplicant => &mut self.co_applicant,
            Rule::Declared => &mut self.declared,
            Rule::Relation => &mut self.relation,
            Rule::Nominated => &mut self.nominated,
            Rule::Consortium => &mut self.consortium,
            Rule::NearMiss => &mut self.near_miss,
            Rule::TwoHop => &mut self.two_hop,
        };
        *c += 1;
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

impl ProposalConflicts {
    fn push(&mut self, a: AdviserIx, reasons: Vec<Reason>) {
        let excluded = reasons.iter().any(|r| r.rule().excludes());
        self.reasons.extend(reasons);
        self.advisers.push(a);
        self.excluded.push(excluded);
        if excluded {
            self.excluded_advisers.push(a);
        }
        // Spans index a per-proposal vector: far below u32::MAX reasons.
        self.spans
            .push(u32::try_from(self.reasons.len()).unwrap_or(u32::MAX));
    }
}

/// One flagged pair.
#[derive(Clone, Copy, Debug)]
pub struct ConflictRow<'a> {
    pub proposal: ProposalIx,
    pub adviser: AdviserIx,
    /// `false` for flag-only pairs.
    pub excluded: bool,
    /// Non-empty, sorted by rule then IDs.
    pub reasons: &'a [Reason],
}

/// Every flagged adviser–proposal pair with its reasons. Pairs not in the set
/// have no conflict and no flag.
#[derive(Clone, Debug)]
pub struct ConflictSet {
    per_proposal: Vec<ProposalConflicts>,
    counts: ConflictCounts,
    reference_year: i32,
    /// conflicts.csv lists two-hop pairs (otherwise two_hop.csv summarises).
    list_two_hop: bool,
    notes: Vec<String>,
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
/// The collaboration graph is not needed: the co-author rules use their own
/// index without consortium papers.
pub fn detect(ds: &Dataset, cfg: &ConflictConfig) -> ConflictSet {
    let cx = Context::new(ds, cfg);
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
    let mut notes = Vec::new();
    if cfg.nominated {
        let mut named = vec![0usize; ds.proposals.len()];
        for x in &ds.nominated {
            named[x.proposal] += 1;
        }
        for (p, &n) in named.iter().enumerate() {
            if n > cfg.max_nominated as usize {
                notes.push(format!(
                    "proposal {} names {n} researchers in excluded_reviewers, more than the {} the call allows ([conflicts] max_nominated); all {n} are excluded — check with the applicants",
                    ds.proposals[p].id, cfg.max_nominated
                ));
            }
        }
    }
    ConflictSet {
        per_proposal,
        counts,
        reference_year: cfg.reference_year.unwrap_or_else(|| ds.latest_year()),
        list_two_hop: cfg.two_hop_list,
        notes,
    }
}

fn detect_proposal(cx: &Context, p: ProposalIx) -> ProposalConflicts {
    let mut hard: Vec<(AdviserIx, Hit)> = Vec::new();
    let mut soft: Vec<(AdviserIx, Hit)> = Vec::new();
    rules::member(cx, p, &mut hard);
    rules::same_institution(cx, p, &mut hard);
    rules::co_author(cx, p, &mut hard, &mut soft);
    rules::co_applicant(cx, p, &mut hard);
    rules::declared(cx, p, &mut hard);
    rules::relations(cx, p, &mut hard);
    rules::nominated(cx, p, &mut hard);
    rules::consortium(cx, p, &mut soft);
    let mut paths: Vec<(AdviserIx, Hit)> = Vec::new();
    rules::two_hop(cx, p, &mut paths);

    hard.sort_unstable_by_key(|&(a, _)| a);
    let mut excluded: Vec<AdviserIx> = hard.iter().map(|x| x.0).collect();
    excluded.dedup();
    // Flags only for pairs no rule excludes.
    soft.retain(|(a, _)| excluded.binary_search(a).is_err());
    paths.retain(|(a, _)| excluded.binary_search(a).is_err());
    // One two-hop path per pair: the strongest, ties by (member, via) ID.
    let key = |h: &Hit| match *h {
        Hit::TwoHop {
            member,
            via,
            strength,
        } => (
            u32::MAX - strength,
            cx.researcher_rank[member],
            cx.researcher_rank[via],
        ),
        _ => (u32::MAX, u32::MAX, u32::MAX),
    };
    paths.sort_unstable_by_key(|(a, h)| (*a, key(h)));
    paths.dedup_by_key(|(a, _)| *a);
    soft.extend(paths);
    hard.extend(soft);
    hard.sort_by_key(|&(a, _)| a);

    let mut out = ProposalConflicts {
        spans: vec![0],
        ..Default::default()
    };
    for group in hard.chunk_by(|x, y| x.0 == y.0) {
        let a = group[0].0;
        let mut reasons: Vec<Reason> = group.iter().map(|&(_, h)| to_reason(cx, p, a, h)).collect();
        reasons.sort_unstable();
        reasons.dedup();
        out.push(a, reasons);
    }
    out
}

/// At most this many publications are named in one piece of evidence.
const MAX_LISTED: usize = 10;

/// `W1 (2024), W7 (2022)`: the listed publications, latest first.
fn list_pubs(ds: &Dataset, mut pubs: Vec<usize>, with_authors: bool) -> String {
    pubs.sort_unstable_by(|&x, &y| {
        ds.publications[y]
            .year
            .cmp(&ds.publications[x].year)
            .then_with(|| ds.publications[x].id.cmp(&ds.publications[y].id))
    });
    let mut s = String::new();
    for (i, &w) in pubs.iter().take(MAX_LISTED).enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let publ = &ds.publications[w];
        // Writing into a String cannot fail.
        let _ = if with_authors {
            write!(
                s,
                "{} ({}, {} authors)",
                publ.id,
                publ.year,
                publ.authors.len()
            )
        } else {
            write!(s, "{} ({})", publ.id, publ.year)
        };
    }
    if pubs.len() > MAX_LISTED {
        let _ = write!(s, " and {} more", pubs.len() - MAX_LISTED);
    }
    s
}

/// Joint publications of two researchers that pass `keep`.
fn joint_pubs(
    ds: &Dataset,
    a: ResearcherIx,
    b: ResearcherIx,
    keep: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let (x, y) = (&ds.pubs_of[a], &ds.pubs_of[b]);
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if keep(x[i]) {
                    out.push(x[i]);
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}

fn span(start: Option<i32>, end: Option<i32>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{s}–{e}"),
        (Some(s), None) => format!("{s}–now"),
        (None, Some(e)) => format!("until {e}"),
        (None, None) => "years not given".into(),
    }
}

/// The evidence text of stint `i`, shared by every pair it is evidence for.
fn stint_text(cx: &Context, i: u32) -> Arc<str> {
    let i = i as usize;
    cx.stint_texts[i]
        .get_or_init(|| Arc::from(format_stint(cx, &cx.stints[i])))
        .clone()
}

fn format_stint(cx: &Context, s: &rules::Stint) -> String {
    let rid = &cx.researcher_ids[s.researcher];
    let inst = &cx.institution_ids[s.institution];
    match s.row {
        Some(row) => {
            let a = &cx.ds.affiliations[row];
            let dept = a
                .department
                .as_deref()
                .map(|d| format!(", {d}"))
                .unwrap_or_default();
            let source = if a.source.is_empty() {
                String::new()
            } else {
                format!(", source {}", a.source)
            };
            format!(
                "affiliations.csv line {}: {rid} at {inst}{dept}, {}{source}",
                a.line,
                span(a.start_year, a.end_year)
            )
        }
        None => format!("researchers.csv: {rid} at {inst} (current)"),
    }
}

fn to_reason(cx: &Context, p: ProposalIx, a: AdviserIx, h: Hit) -> Reason {
    let ds = cx.ds;
    let rid = |r: ResearcherIx| cx.researcher_ids[r].clone();
    let ra = ds.advisers[a].researcher;
    let from = cx.window_from(p);
    match h {
        Hit::Member(role) => Reason::Member { role },
        Hit::SameInstitution {
            member,
            member_stint,
            adviser_stint,
        } => {
            let (ms, st) = (
                &cx.stints[member_stint as usize],
                &cx.stints[adviser_stint as usize],
            );
            let department = match (ms.row, st.row) {
                (Some(x), Some(_))
                    if ms.department_key.is_some() && ms.department_key == st.department_key =>
                {
                    ds.affiliations[x].department.as_deref().map(Arc::from)
                }
                _ => None,
            };
            Reason::SameInstitution {
                institution: cx.institution_ids[ms.institution].clone(),
                member: rid(member),
                department,
                evidence: (stint_text(cx, member_stint), stint_text(cx, adviser_stint)),
            }
        }
        Hit::CoAuthor { member } => {
            let pubs = joint_pubs(ds, member, ra, |w| {
                ds.publications[w].year >= from && cx.is_small(w)
            });
            let year = pubs
                .iter()
                .map(|&w| ds.publications[w].year)
                .max()
                .unwrap_or(from);
            Reason::CoAuthor {
                member: rid(member),
                year,
                evidence: Arc::from(list_pubs(ds, pubs, false)),
            }
        }
        Hit::CoApplicant { member, proposal } => Reason::CoApplicant {
            member: rid(member),
            proposal: cx.proposal_ids[proposal].clone(),
            year: ds.proposals[proposal].year,
        },
        Hit::Declared { member, row } => {
            let d = &ds.declared_conflicts[row];
            let text = d.reason.trim();
            Reason::Declared {
                member: member.map(rid),
                reason: Arc::from(if text.is_empty() { "declared" } else { text }),
                line: d.line,
            }
        }
        Hit::Relation { member, row } => {
            let r = &ds.relations[row];
            // The row says: r.researcher is `kind` of r.other.
            let adviser_first = r.researcher == ra;
            let role = match (r.kind, adviser_first) {
                (RelationKind::Advisor, true) | (RelationKind::Student, false) => "advisor of",
                (RelationKind::Advisor, false) | (RelationKind::Student, true) => "student of",
                (RelationKind::Family, _) => "family of",
                (RelationKind::Employer, true) => "employer of",
                (RelationKind::Employer, false) => "employed by",
                (RelationKind::Supervisor, true) => "supervisor of",
                (RelationKind::Supervisor, false) => "supervised by",
                (RelationKind::Collaborator, _) => "collaborator of",
            };
            Reason::Relation {
                member: rid(member),
                role,
                evidence: Arc::from(format!(
                    "relations.csv line {}: {} {} of {}, {}",
                    r.line,
                    cx.researcher_ids[r.researcher],
                    r.kind.as_str(),
                    cx.researcher_ids[r.other],
                    span(r.start_year, r.end_year)
                )),
            }
        }
        Hit::Nominated(row) => Reason::Nominated {
            line: ds.nominated[row].line,
        },
        Hit::Consortium { member } => {
            let pubs = joint_pubs(ds, member, ra, |w| {
                ds.publications[w].year >= from && !cx.is_small(w)
            });
            Reason::Consortium {
                member: rid(member),
                evidence: Arc::from(list_pubs(ds, pubs, true)),
            }
        }
        Hit::NearMiss { member, year } => {
            let pubs = joint_pubs(ds, member, ra, |w| {
                ds.publications[w].year == year && cx.is_small(w)
            });
            Reason::NearMiss {
                member: rid(member),
                year,
                evidence: Arc::from(format!(
                    "{}, the window is {from}–{}",
                    list_pubs(ds, pubs, false),
                    cx.call_year(p)
                )),
            }
        }
        Hit::TwoHop {
            member,
            via,
            strength,
        } => Reason::TwoHop {
            member: rid(member),
            via: rid(via),
            strength,
        },
    }
}

/// Two-hop flags of one proposal, for two_hop.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoHopSummary {
    pub proposal: ProposalIx,
    /// Advisers with a two-hop flag (and no exclusion).
    pub advisers: usize,
    /// The strongest path: adviser, and the reason naming member and via.
    pub strongest: (AdviserIx, Reason),
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

    /// The `reference_year` override, else the latest call year (for
    /// display: each proposal's windows count from its own call year).
    pub fn reference_year(&self) -> i32 {
        self.reference_year
    }

    /// Things the PO should know that are not a pair (a proposal naming
    /// more researchers than the call allows).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The flags of a pair no rule excludes (consortium paper, near miss,
    /// two-hop path), joined by `"; "`; empty for an excluded or clean pair.
    /// The `flags` column of assignment.csv.
    pub fn flags(&self, p: ProposalIx, a: AdviserIx) -> String {
        let mut s = String::new();
        for r in self.reasons(p, a).iter().filter(|r| !r.rule().excludes()) {
            if !s.is_empty() {
                s.push_str("; ");
            }
            // Writing into a String cannot fail.
            let _ = write!(s, "{r} [{}]", r.evidence());
        }
        s
    }

    /// Per proposal with a two-hop flag: how many advisers, and the
    /// strongest path (most joint papers on the weaker hop, then IDs).
    pub fn two_hop_summaries(&self, ds: &Dataset) -> Vec<TwoHopSummary> {
        let mut out = Vec::new();
        for (p, pc) in self.per_proposal.iter().enumerate() {
            let mut best: Option<(AdviserIx, &Reason)> = None;
            let mut n = 0;
            for i in 0..pc.advisers.len() {
                let span = pc.spans[i] as usize..pc.spans[i + 1] as usize;
                let Some(r) = pc.reasons[span].iter().find(|r| r.rule() == Rule::TwoHop) else {
                    continue;
                };
                n += 1;
                let better = match best {
                    None => true,
                    Some((b, Reason::TwoHop { strength: sb, .. })) => {
                        let Reason::TwoHop { strength, .. } = r else {
                            continue;
                        };
                        (strength, std::cmp::Reverse(ds.adviser_id(pc.advisers[i])))
                            > (sb, std::cmp::Reverse(ds.adviser_id(b)))
                    }
                    Some(_) => false,
                };
                if better {
                    best = Some((pc.advisers[i], r));
                }
            }
            if let Some((a, r)) = best {
                out.push(TwoHopSummary {
                    proposal: p,
                    advisers: n,
                    strongest: (a, r.clone()),
                });
            }
        }
        out.sort_by(|x, y| {
            ds.proposals[x.proposal]
                .id
                .cmp(&ds.proposals[y.proposal].id)
        });
        out
    }

    /// two_hop.csv: `proposal_id,advisers_two_hops,strongest_adviser,member,via,joint_papers`
    /// — one row per proposal with a two-hop flag, by proposal ID.
    pub fn write_two_hop_summary(&self, ds: &Dataset, w: impl Write) -> Result<(), ConflictError> {
        let mut out = crate::table::CsvWriter::new(w);
        out.header::<TwoHopRow>()?;
        for s in self.two_hop_summaries(ds) {
            if let (
                a,
                Reason::TwoHop {
                    member,
                    via,
                    strength,
                },
            ) = &s.strongest
            {
                out.serialize(&TwoHopRow {
                    proposal_id: &ds.proposals[s.proposal].id,
                    advisers_two_hops: s.advisers,
                    strongest_adviser: ds.adviser_id(*a),
                    member,
                    via,
                    joint_papers: *strength,
                })?;
            }
        }
        out.flush()?;
        Ok(())
    }

    /// Writes `proposal_id,researcher_id,excluded,reasons,evidence`
    /// (researcher_id is the adviser's researcher ID; reasons joined by
    /// `"; "`, their evidence in the same order joined by `" | "`), one row
    /// per flagged pair, sorted
    /// by proposal_id then researcher_id. Two-hop flags are left to
    /// two_hop.csv unless `[conflicts] two_hop_list` is set.
    pub fn write_csv(&self, ds: &Dataset, w: impl Write) -> Result<(), ConflictError> {
        let listed = |r: &Reason| self.list_two_hop || r.rule() != Rule::TwoHop;
        let mut rows: Vec<(&str, &str, ConflictRow<'_>)> = self
            .rows()
            .filter(|r| r.reasons.iter().any(listed))
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
        out.header::<ConflictCsvRow>()?;
        let (mut text, mut evidence) = (String::new(), String::new());
        for (pid, rid, row) in rows {
            text.clear();
            evidence.clear();
            for (i, r) in row.reasons.iter().filter(|r| listed(r)).enumerate() {
                if i > 0 {
                    text.push_str("; ");
                    evidence.push_str(" | ");
                }
                // Writing into a String cannot fail.
                let _ = write!(text, "{r}");
                evidence.push_str(&r.evidence());
            }
            out.serialize(&ConflictCsvRow {
                proposal_id: pid,
                researcher_id: rid,
                excluded: row.excluded,
                reasons: &text,
                evidence: &evidence,
            })?;
        }
        out.flush()?;
        Ok(())
    }
}

crate::table_row! {
    /// One proposal of two_hop.csv: how many advisers sit two co-authorship
    /// hops from a member, and the strongest such path.
    pub struct TwoHopRow<'a> {
        pub proposal_id: &'a str,
        pub advisers_two_hops: usize,
        pub strongest_adviser: &'a str,
        pub member: &'a str,
        pub via: &'a str,
        pub joint_papers: u32,
    }
}

crate::table_row! {
    /// One flagged pair of conflicts.csv: reasons `; `-joined, their
    /// evidence in the same order ` | `-joined.
    pub struct ConflictCsvRow<'a> {
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
        pub excluded: bool,
        pub reasons: &'a str,
        pub evidence: &'a str,
    }
}

#[cfg(test)]
mod tests;
