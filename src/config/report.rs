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
    /// Mode of every output file (conflicts, scores, assignments, reports),
    /// octal, e.g. "0640"; folders get the same plus `x` where it has `r`
    /// (0750). At most "0660": others never get access. Narrowed by the
    /// umask.
    pub file_mode: String,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            title: "rdmatch report".into(),
            network_chart_max_nodes: 400,
            max_listed_warnings: 200,
            file_mode: "0640".into(),
        }
    }
}

impl ReportConfig {
    pub fn check(&self) -> Result<(), String> {
        if self.network_chart_max_nodes == 0 {
            return Err("[report] network_chart_max_nodes must be at least 1 (found 0)".into());
        }
        crate::report::files::parse_file_mode(&self.file_mode).map(|_| ())
    }
}
