//! Report settings (`report`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportConfig {
    /// Title at the top of report.html and report.md.
    pub title: String,
    /// Most nodes drawn in the network chart (largest component, by degree).
    pub network_chart_max_nodes: usize,
    /// Most warnings listed one by one in report.html and report.md (run
    /// warnings and data-quality warnings each); the rest are counted as
    /// "and N more". Every warning stays in the CSV/JSON outputs.
    pub max_listed_warnings: usize,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            title: "rdmatch report".into(),
            network_chart_max_nodes: 400,
            max_listed_warnings: 200,
        }
    }
}
