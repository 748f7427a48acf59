//! Panel composition rules (`[panel]`, `[[panel.rules]]`).
//!
//! A rule names an adviser attribute: a researchers.csv column (`gender`,
//! `position`, `region`) or the institution's `sector`. Only these: each
//! is a documented column of one typed row (src/load/schema.rs), so a
//! misspelt attribute is an error here instead of a rule that silently
//! counts nothing. `region` is the researcher's own cell when researchers.csv
//! has one, else the institution's region from institutions.csv.

use serde::{Deserialize, Serialize};

/// The attributes a rule may name.
pub const ATTRIBUTES: &[&str] = &["gender", "position", "region", "sector"];

/// One `[[panel.rules]]` entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelRuleConfig {
    /// One of [`ATTRIBUTES`].
    pub attribute: String,
    /// The value counted (case-insensitive); with `min` and/or `max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// At least this many advisers with `value` on each panel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// At most this many advisers with `value` on each panel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// At most this many advisers of any one value (without `value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_value: Option<u32>,
    /// Hard: must hold on every proposal (else the call is infeasible).
    /// Soft: met on as many proposals as possible.
    #[serde(default)]
    pub hard: bool,
    /// Soft rules only: how many proposals meeting another soft rule one
    /// proposal meeting this rule is worth (1 to 1000).
    #[serde(default = "one")]
    pub weight: u32,
}

fn one() -> u32 {
    1
}

/// `[panel]`: the rules and the integer program's time budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PanelConfig {
    /// Wall-clock budget of the integer program, in seconds (0 = no limit).
    /// On expiry the best assignment found is used and the gap reported.
    pub ilp_time_limit_secs: f64,
    pub rules: Vec<PanelRuleConfig>,
}

impl Default for PanelConfig {
    fn default() -> Self {
        PanelConfig {
            ilp_time_limit_secs: 120.0,
            rules: Vec::new(),
        }
    }
}

impl PanelRuleConfig {
    /// The rule as written, for messages and the report.
    pub fn label(&self, index: usize) -> String {
        let mut parts = vec![format!("attribute = {:?}", self.attribute)];
        if let Some(v) = &self.value {
            parts.push(format!("value = {v:?}"));
        }
        for (k, v) in [
            ("min", self.min),
            ("max", self.max),
            ("max_per_value", self.max_per_value),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k} = {v}"));
            }
        }
        parts.push(format!("hard = {}", self.hard));
        format!("#{} ({})", index + 1, parts.join(", "))
    }
}

impl PanelConfig {
    /// Each rule's fields, against `max_k` (the largest K any proposal can
    /// get): errors name the rule (`[[panel.rules]] #2`) and the field.
    pub fn check(&self, max_k: u32, fair: bool) -> Result<(), String> {
        if !(self.ilp_time_limit_secs.is_finite() && self.ilp_time_limit_secs >= 0.0) {
            return Err(format!(
                "[panel] ilp_time_limit_secs = {}: must be a finite number of seconds >= 0",
                self.ilp_time_limit_secs
            ));
        }
        if fair && !self.rules.is_empty() {
            return Err(
                "[[panel.rules]] need [assign] objective = \"total\": the fair objective is not solved with panel rules"
                    .into(),
            );
        }
        for (i, r) in self.rules.iter().enumerate() {
            let at = |field: &str, msg: String| {
                format!("[[panel.rules]] {} field {field}: {msg}", r.label(i))
            };
            if !ATTRIBUTES.contains(&r.attribute.as_str()) {
                return Err(at(
                    "attribute",
                    format!(
                        "{:?} is not an adviser attribute; use one of {} (researchers.csv columns, sector from institutions.csv)",
                        r.attribute,
                        ATTRIBUTES.join(", ")
                    ),
                ));
            }
            match (&r.value, r.max_per_value) {
                (Some(_), Some(_)) => {
                    return Err(at(
                        "max_per_value",
                        "give either value (with min/max) or max_per_value, not both".into(),
                    ))
                }
                (None, None) => {
                    return Err(at(
                        "value",
                        "missing: name the value counted (with min/max), or give max_per_value"
                            .into(),
                    ))
                }
                (Some(v), None) => {
                    if v.trim().is_empty() {
                        return Err(at("value", "is empty".into()));
                    }
                    if r.min.is_none() && r.max.is_none() {
                        return Err(at("min", "give min, max or both".into()));
                    }
                }
                (None, Some(m)) => {
                    if r.min.is_some() || r.max.is_some() {
                        return Err(at(
                            "max_per_value",
                            "min and max need a value; max_per_value stands alone".into(),
                        ));
                    }
                    if m == 0 {
                        return Err(at(
                            "max_per_value",
                            "0 would forbid every adviser with a value".into(),
                        ));
                    }
                }
            }
            if let Some(min) = r.min {
                if min > max_k {
                    return Err(at(
                        "min",
                        format!("{min} is above the advisers a proposal gets (K = {max_k})"),
                    ));
                }
                if let Some(max) = r.max {
                    if min > max {
                        return Err(at("min", format!("{min} is above max = {max}")));
                    }
                }
            }
            if !(1..=1000).contains(&r.weight) {
                return Err(at("weight", format!("{} is outside 1..=1000", r.weight)));
            }
        }
        Ok(())
    }
}

impl PanelConfig {
    /// Each rule against the data: its attribute must have values among
    /// the advisers, and a named value must be one of them (a misspelt
    /// value would otherwise count nobody).
    pub fn check_data(&self, ds: &crate::model::Dataset) -> Result<(), String> {
        for (i, r) in self.rules.iter().enumerate() {
            let mut found: Vec<String> = (0..ds.advisers.len())
                .filter_map(|a| ds.adviser_attribute(a, &r.attribute))
                .map(|v| v.to_lowercase())
                .collect();
            found.sort();
            found.dedup();
            if found.is_empty() {
                return Err(format!(
                    "[[panel.rules]] {} field attribute: every adviser's {} is blank; add a {} column to researchers.csv (docs/data-format.md) or remove the rule",
                    r.label(i),
                    r.attribute,
                    r.attribute
                ));
            }
            if let Some(v) = &r.value {
                if !found.contains(&v.trim().to_lowercase()) {
                    return Err(format!(
                        "[[panel.rules]] {} field value: no adviser has {} {:?} (values found: {}); check the spelling",
                        r.label(i),
                        r.attribute,
                        v,
                        found.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }
}
