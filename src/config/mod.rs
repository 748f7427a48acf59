//! Every rule and default, in one place.
//!
//! `rdmatch.toml` and command-line flags only override [`Config::default()`];
//! no stage hard-codes a default of its own. Each stage owns one section
//! (a file in this folder) and receives only that section. The config in
//! force is written into each run's manifest.
//!
//! Unknown keys are rejected (a misspelt key would otherwise silently keep a
//! default), and the error names the key.

use std::path::Path;

use serde::{Deserialize, Serialize};

mod assign;
mod conflicts;
mod coverage;
mod network;
mod panel;
mod report;
mod score;

pub use assign::{AssignConfig, Objective};
pub use conflicts::{ConflictConfig, DepartmentRule};
pub use coverage::CoverageConfig;
pub use network::{CommunityMethod, NetworkConfig};
pub use panel::{PanelConfig, PanelRuleConfig, ATTRIBUTES as PANEL_ATTRIBUTES};
pub use report::ReportConfig;
pub use score::{EmbeddingAggregate, ProfileStrategy, ScoreConfig, TextModel};

/// The whole configuration. Every field has a default; see `docs/config.md`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Seed for every randomised step (community detection, sampled
    /// betweenness, layouts), so a run is reproducible.
    pub seed: u64,
    pub score: ScoreConfig,
    pub conflicts: ConflictConfig,
    pub assign: AssignConfig,
    pub coverage: CoverageConfig,
    pub network: NetworkConfig,
    pub report: ReportConfig,
    /// Panel composition rules (`[[panel.rules]]`).
    pub panel: PanelConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 42,
            score: ScoreConfig::default(),
            conflicts: ConflictConfig::default(),
            assign: AssignConfig::default(),
            coverage: CoverageConfig::default(),
            network: NetworkConfig::default(),
            report: ReportConfig::default(),
            panel: PanelConfig::default(),
        }
    }
}

/// A config file that could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {path}: {message}\nsee docs/config.md for every key and its default")]
    Parse { path: String, message: String },
    #[error("config file {path}: {message}")]
    Invalid { path: String, message: String },
}

impl Config {
    /// Reads a TOML file; missing keys keep their defaults.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let bytes = std::fs::read(path).map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        // Saved by Notepad or Excel users: any encoding and line ending the
        // table layer reads (TOML itself wants UTF-8 and LF or CRLF).
        let (text, _) = crate::table::decode::decode(&bytes, crate::table::EncodingChoice::Auto)
            .map_err(|e| ConfigError::Parse {
                path: path.display().to_string(),
                message: e.message,
            })?;
        Config::from_toml(&text)
            .map_err(|message| ConfigError::Parse {
                path: path.display().to_string(),
                message,
            })
            .and_then(|c| {
                c.check().map_err(|message| ConfigError::Invalid {
                    path: path.display().to_string(),
                    message,
                })?;
                Ok(c)
            })
    }

    /// Parses TOML text (no validation of ranges; see [`Config::check`]).
    pub fn from_toml(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Range checks that the types cannot express: every setting, each
    /// error naming its `[section] key` and the value found.
    pub fn check(&self) -> Result<(), String> {
        self.score.check()?;
        self.conflicts.check()?;
        self.assign.check()?;
        self.coverage.check()?;
        self.network.check()?;
        self.report.check()?;
        let a = &self.assign;
        let max_k = a
            .reviewers_per_area
            .values()
            .chain(a.reviewers_per_proposal_id.values())
            .copied()
            .fold(a.reviewers_per_proposal, u32::max);
        self.panel.check(max_k, a.objective == Objective::Fair)?;
        Ok(())
    }

    /// Keys that name areas or proposals (`[assign.reviewers_per_area]`,
    /// `[assign.reviewers_per_proposal_id]`) must name ones the data has: a
    /// misspelt ID would otherwise silently keep the default K.
    pub fn check_ids(&self, ds: &crate::model::Dataset) -> Result<(), String> {
        self.assign.check_ids(ds)?;
        self.panel.check_data(ds)
    }

    /// The config as TOML, for `rdmatch config` and the manifest.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_through_toml() {
        let c = Config::default();
        let back = Config::from_toml(&c.to_toml()).expect("default config parses");
        assert_eq!(c, back);
    }

    #[test]
    fn unknown_key_is_rejected_by_name() {
        let err = Config::from_toml("[assign]\nreviewers_per_proposl = 2\n").unwrap_err();
        assert!(err.contains("reviewers_per_proposl"), "{err}");
    }

    #[test]
    fn bm25_k1_minus_one_is_rejected() {
        // Regression: bm25_k1 = -1 was accepted and made every text score 0.
        let c = Config::from_toml("[score]\nbm25_k1 = -1.0\n").unwrap();
        let err = c.check().unwrap_err();
        assert!(
            err.contains("[score] bm25_k1") && err.contains("-1"),
            "{err}"
        );
    }

    #[test]
    fn every_out_of_range_setting_is_rejected_by_name() {
        for (toml, key) in [
            ("[network]\nlouvain_resolution = -1.0", "louvain_resolution"),
            ("[network]\nlouvain_resolution = nan", "louvain_resolution"),
            ("[score]\nhalf_life_years = inf", "half_life_years"),
            ("[score]\nbm25_b = 1.5", "bm25_b"),
            ("[score]\ntop_n = 0", "top_n"),
            ("[score]\nembedding_weight = 0.0", "embedding_weight"),
            ("[network]\nlouvain_restarts = 0", "louvain_restarts"),
            ("[network]\nbetweenness_samples = 0", "betweenness_samples"),
            (
                "[coverage]\nexpertise_threshold = 2.0",
                "expertise_threshold",
            ),
            ("[conflicts]\nreference_year = 99999", "reference_year"),
            ("[assign.reviewers_per_area]\nA01 = 0", "reviewers_per_area"),
            (
                "[assign.reviewers_per_proposal_id]\nP1 = 0",
                "reviewers_per_proposal_id",
            ),
            ("[report]\nfile_mode = \"0644\"", "file_mode"),
            (
                "[report]\nnetwork_chart_max_nodes = 0",
                "network_chart_max_nodes",
            ),
        ] {
            let c = Config::from_toml(toml).unwrap();
            let err = c.check().expect_err(toml);
            assert!(err.contains(key), "{toml}: {err}");
        }
        assert_eq!(Config::default().check(), Ok(()));
    }

    #[test]
    fn embedding_keys_parse_and_round_trip() {
        let c = Config::from_toml(
            "[score]\nembedding_model = \"models/m\"\nembedding_weight = 2.0\nembedding_aggregate = \"recency\"\n",
        )
        .unwrap();
        assert_eq!(
            c.score.embedding_model.as_deref(),
            Some(Path::new("models/m"))
        );
        assert_eq!(c.score.embedding_aggregate, EmbeddingAggregate::Recency);
        assert_eq!(Config::from_toml(&c.to_toml()).unwrap(), c);
        let err = Config::from_toml("[score]\nembedding_aggregate = \"mean\"\n").unwrap_err();
        assert!(err.contains("mean"), "{err}");
    }

    #[test]
    fn partial_file_keeps_other_defaults() {
        let c = Config::from_toml("seed = 7\n[assign]\nreviewers_per_proposal = 2\n").unwrap();
        assert_eq!(c.seed, 7);
        assert_eq!(c.assign.reviewers_per_proposal, 2);
        assert_eq!(
            c.assign.default_max_load,
            AssignConfig::default().default_max_load
        );
    }
}
