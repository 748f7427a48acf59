//! Conflict-of-interest rules (`conflicts`). Defaults follow the rules
//! funders publish (JST CREST, NSF, NIH, ERC/UKRI); docs/config.md names the
//! source of each.

use serde::{Deserialize, Serialize};

/// What "the same institution" means for an academic institution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DepartmentRule {
    /// Academia: the same department when both departments are known (JST:
    /// the same 学科/研究室), the whole university when either is unknown;
    /// industry, government, hospitals and non-profits: the whole organisation.
    Academia,
    /// The whole organisation everywhere.
    Organisation,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConflictConfig {
    /// Exclude an adviser affiliated with the institution of any member:
    /// both affiliated there within the last `affiliation_years` years
    /// (researchers.csv `institution_id` counts as a current affiliation,
    /// affiliations.csv adds the history).
    pub same_institution: bool,
    /// An affiliation counts when it lasts into the last N years of the
    /// call (N = 5: a call in 2026 counts affiliations that lasted into
    /// 2022 or later). 0 = current affiliations only.
    pub affiliation_years: u32,
    /// Department or whole organisation (see [`DepartmentRule`]).
    pub department_rule: DepartmentRule,
    /// Exclude an adviser who co-authored with any member within the last N
    /// years of the proposal's own call: with a call in year C, joint papers
    /// of year C − N + 1 or later (N = 5, C = 2026: 2022 onwards, five
    /// calendar years). 0 disables the rule.
    pub coauthor_years: u32,
    /// Papers with more authors than this are consortium papers: co-authorship
    /// on one is flagged, never excluded (NIH). 0 = no paper is a consortium
    /// paper.
    pub max_coauthors: u32,
    /// Exclude an adviser who is a co-applicant with any member on another
    /// proposal of the same call (a call = the proposals of one `year`).
    pub co_applicant: bool,
    /// Apply the pairs declared in `conflicts.csv` (researcher–researcher
    /// rows in both directions).
    pub declared: bool,
    /// Apply `relations.csv`: advisor/student at any time, family always,
    /// employer/supervisor of `employer_years` or more in total,
    /// collaborator within the `coauthor_years` window.
    pub relations: bool,
    /// Years in total from which an employer or supervisor relation
    /// excludes (JST CREST: 10).
    pub employer_years: u32,
    /// Apply the researchers a proposal names in `excluded_reviewers`.
    pub nominated: bool,
    /// The most researchers a proposal may name (ERC: 3). More is warned
    /// about; every name is still excluded.
    pub max_nominated: u32,
    /// Flag (not exclude) an adviser two co-authorship hops from a member,
    /// both hops with a joint paper within the `coauthor_years` window and
    /// neither a consortium paper. Only pairs no other rule excludes get it.
    pub two_hop_warning: bool,
    /// List every two-hop pair in conflicts.csv; otherwise two_hop.csv
    /// summarises them per proposal and only assigned pairs are marked.
    pub two_hop_list: bool,
    /// Flag a latest joint paper exactly one year before the window.
    pub near_miss: bool,
    /// Measure every call from this year instead of its own `year`.
    pub reference_year: Option<i32>,
}

impl Default for ConflictConfig {
    fn default() -> Self {
        ConflictConfig {
            same_institution: true,
            affiliation_years: 5,
            department_rule: DepartmentRule::Academia,
            coauthor_years: 5,
            max_coauthors: 20,
            co_applicant: true,
            declared: true,
            relations: true,
            employer_years: 10,
            nominated: true,
            max_nominated: 3,
            two_hop_warning: true,
            two_hop_list: false,
            near_miss: true,
            reference_year: None,
        }
    }
}

impl ConflictConfig {
    pub fn check(&self) -> Result<(), String> {
        match self.reference_year {
            Some(y) if !(1900..=2100).contains(&y) => {
                return Err(format!(
                    "[conflicts] reference_year must be a year in 1900-2100 (found {y})"
                ))
            }
            _ => {}
        }
        for (key, v) in [
            ("coauthor_years", self.coauthor_years),
            ("affiliation_years", self.affiliation_years),
            ("employer_years", self.employer_years),
        ] {
            if v > 200 {
                return Err(format!(
                    "[conflicts] {key} must be at most 200 years (found {v})"
                ));
            }
        }
        Ok(())
    }
}
