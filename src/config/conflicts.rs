//! Conflict-of-interest rules (`conflicts`). Defaults follow JST CREST's
//! rules: same institution, and close collaboration within the last 5 years.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConflictConfig {
    /// Exclude an adviser from the same institution as any member.
    pub same_institution: bool,
    /// Exclude an adviser who co-authored with any member within the last N
    /// years: a joint paper of year `y` counts when
    /// `y >= reference_year - coauthor_years`. 0 disables the rule.
    pub coauthor_years: u32,
    /// Exclude an adviser who is a co-applicant with any member on another
    /// proposal of the same call (a call = the proposals of one `year`).
    pub co_applicant: bool,
    /// Apply the pairs declared in `conflicts.csv`.
    pub declared: bool,
    /// Flag (not exclude) an adviser two co-authorship hops from a member,
    /// both joint papers within the `coauthor_years` window (so off when
    /// `coauthor_years` = 0). Only pairs no other rule excludes get it.
    pub two_hop_warning: bool,
    /// The year "recent" is measured from; default: the latest proposal year.
    pub reference_year: Option<i32>,
}

impl Default for ConflictConfig {
    fn default() -> Self {
        ConflictConfig {
            same_institution: true,
            coauthor_years: 5,
            co_applicant: true,
            declared: true,
            two_hop_warning: true,
            reference_year: None,
        }
    }
}

impl ConflictConfig {
    pub fn check(&self) -> Result<(), String> {
        match self.reference_year {
            Some(y) if !(1900..=2100).contains(&y) => Err(format!(
                "[conflicts] reference_year must be a year in 1900-2100 (found {y})"
            )),
            _ => Ok(()),
        }
    }
}
