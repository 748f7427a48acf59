//! Assignment rules and loads (`assign`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What the assignment optimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Objective {
    /// Maximise the total score.
    Total,
    /// First maximise the weakest proposal's total, then the overall total.
    Fair,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssignConfig {
    /// Advisers each proposal gets (K).
    pub reviewers_per_proposal: u32,
    /// K per area ID, overriding `reviewers_per_proposal`.
    pub reviewers_per_area: BTreeMap<String, u32>,
    /// K per proposal ID, overriding both of the above.
    pub reviewers_per_proposal_id: BTreeMap<String, u32>,
    /// Max load of an adviser whose `max_load` is blank in advisers.csv.
    pub default_max_load: u32,
    /// Every adviser gets at least this many proposals (when feasible).
    pub min_load: u32,
    /// Advisers only review proposals of the areas they serve.
    pub restrict_to_areas: bool,
    /// At most one adviser from any one institution on a proposal (KAKENHI).
    pub one_per_institution: bool,
    /// At least this many advisers from outside academia per proposal,
    /// where the eligible pool allows.
    pub min_non_academic: u32,
    pub objective: Objective,
    /// Candidates per proposal handed to the solver (best eligible first).
    /// 0 means every eligible pair.
    pub candidates_per_proposal: usize,
    /// Next-best eligible advisers listed per proposal in alternates.csv.
    pub alternates: usize,
    /// With a previous assignment: score points each kept previous pair is
    /// worth; at 1 or more the re-run changes as few pairs as it must.
    pub stability_weight: f64,
    /// Draw the assignment at random from the best distribution in which
    /// no pair's probability exceeds `max_probability` (against collusion,
    /// and for calls that rotate advisers); see `assign::randomize`.
    pub randomize: bool,
    /// Largest probability of any pair in randomised mode, in (0, 1], at
    /// most 3 decimals.
    pub max_probability: f64,
    /// Seed of the randomised draw; unset: the top-level `seed`.
    pub seed: Option<u64>,
}

impl Default for AssignConfig {
    fn default() -> Self {
        AssignConfig {
            reviewers_per_proposal: 3,
            reviewers_per_area: BTreeMap::new(),
            reviewers_per_proposal_id: BTreeMap::new(),
            default_max_load: 6,
            min_load: 0,
            restrict_to_areas: true,
            one_per_institution: true,
            min_non_academic: 0,
            objective: Objective::Total,
            candidates_per_proposal: 50,
            alternates: 3,
            stability_weight: 1.0,
            randomize: false,
            max_probability: 0.5,
            seed: None,
        }
    }
}

impl AssignConfig {
    pub fn check(&self) -> Result<(), String> {
        if self.reviewers_per_proposal == 0 {
            return Err("[assign] reviewers_per_proposal must be at least 1".into());
        }
        for (key, map) in [
            ("reviewers_per_area", &self.reviewers_per_area),
            ("reviewers_per_proposal_id", &self.reviewers_per_proposal_id),
        ] {
            if let Some((id, _)) = map.iter().find(|(_, k)| **k == 0) {
                return Err(format!(
                    "[assign.{key}] {id} = 0: every proposal needs at least 1 adviser"
                ));
            }
        }
        if !(self.stability_weight.is_finite() && self.stability_weight >= 0.0) {
            return Err(format!(
                "[assign] stability_weight = {}: must be a finite number >= 0",
                self.stability_weight
            ));
        }
        if self.randomize {
            crate::assign::randomize::parse_probability(self.max_probability)
                .map_err(|e| e.to_string())?;
            if self.objective == Objective::Fair {
                return Err("--randomize maximises the expected total score: it does not combine with objective = \"fair\" (use --objective total)".into());
            }
        }
        if self.min_load > self.default_max_load {
            return Err(format!(
                "[assign] min_load ({}) is above default_max_load ({})",
                self.min_load, self.default_max_load
            ));
        }
        Ok(())
    }

    /// Per-area and per-proposal keys must name IDs of the data.
    pub fn check_ids(&self, ds: &crate::model::Dataset) -> Result<(), String> {
        let unknown = |key: &str, ids: Vec<&String>, file: &str| -> Result<(), String> {
            if ids.is_empty() {
                return Ok(());
            }
            let list: Vec<String> = ids.iter().map(|i| format!("{i:?}")).collect();
            Err(format!(
                "[assign.{key}] names {} not in {file}: {}; correct or remove the key",
                if ids.len() == 1 { "an ID" } else { "IDs" },
                list.join(", ")
            ))
        };
        let areas: std::collections::HashSet<&str> =
            ds.areas.iter().map(|a| a.id.as_str()).collect();
        unknown(
            "reviewers_per_area",
            self.reviewers_per_area
                .keys()
                .filter(|k| !areas.contains(k.as_str()))
                .collect(),
            "areas.csv",
        )?;
        unknown(
            "reviewers_per_proposal_id",
            self.reviewers_per_proposal_id
                .keys()
                .filter(|k| !ds.proposal_by_id.contains_key(k.as_str()))
                .collect(),
            "proposals.csv",
        )
    }
}
