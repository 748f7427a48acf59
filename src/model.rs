//! The checked data set that every stage after loading works on.
//!
//! `load` turns raw CSV rows into a [`Dataset`]: IDs are interned into dense
//! indexes (`usize` positions in the vectors below) and every reference is
//! resolved, so later stages never re-check strings and never meet a dangling
//! ID. Entities keep the order of their input file; where an order matters
//! for output (ties), stages break ties by the entity's string ID so results
//! do not depend on file order.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Position of an institution in [`Dataset::institutions`].
pub type InstitutionIx = usize;
/// Position of a researcher in [`Dataset::researchers`].
pub type ResearcherIx = usize;
/// Position of an R&D area in [`Dataset::areas`].
pub type AreaIx = usize;
/// Position of an adviser in [`Dataset::advisers`] (not a researcher index).
pub type AdviserIx = usize;
/// Position of a proposal in [`Dataset::proposals`].
pub type ProposalIx = usize;
/// Position of a publication in [`Dataset::publications`].
pub type PublicationIx = usize;

/// The sector of an institution. Funders care about teams that cross sectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sector {
    Academia,
    Industry,
    Government,
    Hospital,
    Nonprofit,
}

impl Sector {
    pub const ALL: [Sector; 5] = [
        Sector::Academia,
        Sector::Industry,
        Sector::Government,
        Sector::Hospital,
        Sector::Nonprofit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sector::Academia => "academia",
            Sector::Industry => "industry",
            Sector::Government => "government",
            Sector::Hospital => "hospital",
            Sector::Nonprofit => "nonprofit",
        }
    }

    /// Parses the lower-case name used in `institutions.csv` (surrounding
    /// white space and case are ignored).
    pub fn parse(s: &str) -> Option<Sector> {
        let s = s.trim().to_ascii_lowercase();
        Sector::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A member's role on a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    #[serde(rename = "pi")]
    Pi,
    #[serde(rename = "co-pi")]
    CoPi,
    #[serde(rename = "collaborator")]
    Collaborator,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Pi, Role::CoPi, Role::Collaborator];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Pi => "pi",
            Role::CoPi => "co-pi",
            Role::Collaborator => "collaborator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase();
        Role::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Institution {
    pub id: String,
    pub name: String,
    pub sector: Sector,
    pub country: String,
    pub region: Option<String>,
}

/// The institution `rdmatch import --add-unmatched` files researchers under
/// when a record gives no affiliation. It says nothing about where they
/// work, so two researchers there share no institution.
pub const UNKNOWN_INSTITUTION_ID: &str = "I-UNKNOWN";

impl Institution {
    /// Whether this is the placeholder for an affiliation not given.
    pub fn is_placeholder(&self) -> bool {
        self.id == UNKNOWN_INSTITUTION_ID
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Researcher {
    pub id: String,
    pub name: String,
    pub institution: InstitutionIx,
    /// Position or career stage as written (e.g. `professor`, `early-career`).
    pub position: Option<String>,
    /// Declared keywords, trimmed, empty entries removed, in input order.
    pub keywords: Vec<String>,
    pub orcid: Option<String>,
    /// As written (panel rules compare case-insensitively).
    pub gender: Option<String>,
    /// The researcher's own region; panel rules fall back to the
    /// institution's when blank.
    pub region: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    pub id: String,
    pub name: String,
    /// `CREST`, `PRIME`, `LEAP` or free text.
    pub program: String,
    pub description: String,
    pub keywords: Vec<String>,
}

/// An R&D Area Adviser: a researcher who may review proposals of some areas.
#[derive(Clone, Debug, PartialEq)]
pub struct Adviser {
    pub researcher: ResearcherIx,
    /// Areas the adviser may serve (non-empty, no duplicates).
    pub areas: Vec<AreaIx>,
    /// Maximum number of proposals; from `advisers.csv` or, when blank, the
    /// configured default (`assign.default_max_load`).
    pub max_load: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub researcher: ResearcherIx,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub id: String,
    pub area: AreaIx,
    pub title: String,
    pub abstract_text: String,
    pub keywords: Vec<String>,
    pub pi: ResearcherIx,
    pub year: i32,
    pub budget: Option<f64>,
    /// Members from `proposal_members.csv`. The PI is always among them (the
    /// loader adds the PI with role `pi` when the members file omits it).
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Publication {
    pub id: String,
    pub year: i32,
    pub title: String,
    pub abstract_text: String,
    pub keywords: Vec<String>,
    /// Authors from `authorships.csv`, no duplicates.
    pub authors: Vec<ResearcherIx>,
}

/// What a declared conflict is declared against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeclaredTarget {
    Proposal(ProposalIx),
    Researcher(ResearcherIx),
}

/// A row of `conflicts.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct DeclaredConflict {
    pub researcher: ResearcherIx,
    pub target: DeclaredTarget,
    pub reason: String,
    /// Line (or worksheet row) in `conflicts.csv`: the evidence a PO quotes.
    pub line: u64,
}

/// Every input table, checked and linked. Build it with [`Dataset::new`] so
/// the derived indexes are always consistent with the tables.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub institutions: Vec<Institution>,
    pub researchers: Vec<Researcher>,
    pub areas: Vec<Area>,
    pub advisers: Vec<Adviser>,
    pub proposals: Vec<Proposal>,
    pub publications: Vec<Publication>,
    pub declared_conflicts: Vec<DeclaredConflict>,
    /// Rows of `affiliations.csv` (empty when the file is absent).
    pub affiliations: Vec<Affiliation>,
    /// Rows of `relations.csv` (empty when the file is absent).
    pub relations: Vec<Relation>,
    /// Researchers a proposal asks to exclude (`proposals.csv`
    /// `excluded_reviewers`), by proposal then file order.
    pub nominated: Vec<Nominated>,
    /// Affiliation rows of each researcher (indexed by [`ResearcherIx`]).
    pub affiliations_of: Vec<Vec<usize>>,
    /// Publications of each researcher (indexed by [`ResearcherIx`]), ascending.
    pub pubs_of: Vec<Vec<PublicationIx>>,
    /// Proposals each researcher is a member of (indexed by [`ResearcherIx`]), ascending.
    pub proposals_of: Vec<Vec<ProposalIx>>,
    /// The adviser record of each researcher, if the researcher is an adviser.
    pub adviser_of: Vec<Option<AdviserIx>>,
    /// String ID → index, for joining files that name entities by ID.
    pub researcher_by_id: HashMap<String, ResearcherIx>,
    pub proposal_by_id: HashMap<String, ProposalIx>,
    pub area_by_id: HashMap<String, AreaIx>,
    pub institution_by_id: HashMap<String, InstitutionIx>,
}

/// The tables of a data set before the derived indexes are built.
#[derive(Clone, Debug, Default)]
pub struct Tables {
    pub institutions: Vec<Institution>,
    pub researchers: Vec<Researcher>,
    pub areas: Vec<Area>,
    pub advisers: Vec<Adviser>,
    pub proposals: Vec<Proposal>,
    pub publications: Vec<Publication>,
    pub declared_conflicts: Vec<DeclaredConflict>,
    pub affiliations: Vec<Affiliation>,
    pub relations: Vec<Relation>,
    pub nominated: Vec<Nominated>,
}

impl Dataset {
    /// Links the tables. Indexes inside `t` must already be valid (the loader
    /// guarantees it; tests that build tables by hand must too).
    pub fn new(t: Tables) -> Dataset {
        let n = t.researchers.len();
        let mut pubs_of = vec![Vec::new(); n];
        for (p, publ) in t.publications.iter().enumerate() {
            for &r in &publ.authors {
                pubs_of[r].push(p);
            }
        }
        let mut proposals_of = vec![Vec::new(); n];
        for (p, prop) in t.proposals.iter().enumerate() {
            for m in &prop.members {
                if proposals_of[m.researcher].last() != Some(&p) {
                    proposals_of[m.researcher].push(p);
                }
            }
        }
        let mut affiliations_of = vec![Vec::new(); n];
        for (i, a) in t.affiliations.iter().enumerate() {
            affiliations_of[a.researcher].push(i);
        }
        let mut adviser_of = vec![None; n];
        for (a, adv) in t.advisers.iter().enumerate() {
            adviser_of[adv.researcher] = Some(a);
        }
        let researcher_by_id = t
            .researchers
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.clone(), i))
            .collect();
        let proposal_by_id = t
            .proposals
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.clone(), i))
            .collect();
        let area_by_id = t
            .areas
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.clone(), i))
            .collect();
        let institution_by_id = t
            .institutions
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.clone(), i))
            .collect();
        Dataset {
            institutions: t.institutions,
            researchers: t.researchers,
            areas: t.areas,
            advisers: t.advisers,
            proposals: t.proposals,
            publications: t.publications,
            declared_conflicts: t.declared_conflicts,
            affiliations: t.affiliations,
            relations: t.relations,
            nominated: t.nominated,
            affiliations_of,
            pubs_of,
            proposals_of,
            adviser_of,
            researcher_by_id,
            proposal_by_id,
            area_by_id,
            institution_by_id,
        }
    }

    /// The institution of an adviser.
    pub fn adviser_institution(&self, a: AdviserIx) -> InstitutionIx {
        self.researchers[self.advisers[a].researcher].institution
    }

    /// The sector of a researcher's institution.
    pub fn sector_of(&self, r: ResearcherIx) -> Sector {
        self.institutions[self.researchers[r].institution].sector
    }

    /// The researcher ID of an adviser (what output files name).
    pub fn adviser_id(&self, a: AdviserIx) -> &str {
        &self.researchers[self.advisers[a].researcher].id
    }

    /// An adviser's value of a panel-rule attribute (`gender`, `position`,
    /// `region`, `sector`; see `config::panel`), `None` when blank.
    pub fn adviser_attribute(&self, a: AdviserIx, name: &str) -> Option<&str> {
        let r = &self.researchers[self.advisers[a].researcher];
        let inst = &self.institutions[r.institution];
        let v = match name {
            "gender" => r.gender.as_deref(),
            "position" => r.position.as_deref(),
            "region" => r.region.as_deref().or(inst.region.as_deref()),
            "sector" => Some(inst.sector.as_str()),
            _ => None,
        };
        v.map(str::trim).filter(|s| !s.is_empty())
    }

    /// The reference year for "recent" rules: the latest proposal year, or
    /// the latest publication year when there are no proposals. Config may
    /// override it (`conflicts.reference_year`).
    pub fn latest_year(&self) -> i32 {
        self.proposals
            .iter()
            .map(|p| p.year)
            .max()
            .or_else(|| self.publications.iter().map(|p| p.year).max())
            .unwrap_or(0)
    }
}

/// A row of `affiliations.csv`: a researcher at an institution for a span
/// of years. Blank years are open ends: no `start_year` = since an unknown
/// year, no `end_year` = still there.
#[derive(Clone, Debug, PartialEq)]
pub struct Affiliation {
    pub researcher: ResearcherIx,
    pub institution: InstitutionIx,
    pub department: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    /// Where the row comes from (`orcid`, `wos:WOS:000123`, `declared`, ...).
    pub source: String,
    /// Line (or worksheet row) in `affiliations.csv`.
    pub line: u64,
}

impl Affiliation {
    /// Whether the span reaches year `from` or later (open ends reach every year).
    pub fn active_since(&self, from: i32) -> bool {
        self.end_year.is_none_or(|e| e >= from)
    }
}

/// The kind of a `relations.csv` row: what `researcher_id` is (or was) to
/// `other_researcher_id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelationKind {
    /// PhD or postdoctoral advisor of the other.
    Advisor,
    /// Student (or postdoc) of the other.
    Student,
    Family,
    /// Employer of the other.
    Employer,
    /// Supervisor (line manager, mentor) of the other.
    Supervisor,
    /// Collaborator on a joint project.
    Collaborator,
}

impl RelationKind {
    pub const ALL: [RelationKind; 6] = [
        RelationKind::Advisor,
        RelationKind::Student,
        RelationKind::Family,
        RelationKind::Employer,
        RelationKind::Supervisor,
        RelationKind::Collaborator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Advisor => "advisor",
            RelationKind::Student => "student",
            RelationKind::Family => "family",
            RelationKind::Employer => "employer",
            RelationKind::Supervisor => "supervisor",
            RelationKind::Collaborator => "collaborator",
        }
    }

    /// Parses the lower-case name (case and surrounding space ignored;
    /// `adviser` is taken for `advisor`).
    pub fn parse(s: &str) -> Option<RelationKind> {
        let s = s.trim().to_ascii_lowercase();
        if s == "adviser" {
            return Some(RelationKind::Advisor);
        }
        RelationKind::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A row of `relations.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    pub researcher: ResearcherIx,
    pub other: ResearcherIx,
    pub kind: RelationKind,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    /// Line (or worksheet row) in `relations.csv`.
    pub line: u64,
}

/// A researcher a proposal asks to exclude from its review (ERC, UKRI).
#[derive(Clone, Debug, PartialEq)]
pub struct Nominated {
    pub proposal: ProposalIx,
    pub researcher: ResearcherIx,
    /// Line (or worksheet row) of the proposal in `proposals.csv`.
    pub line: u64,
}
