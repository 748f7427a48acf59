//! summary.json: the headline figures, for dashboards and cron monitoring.
//!
//! Takes a [`ReportData`]; returns pretty JSON text (no I/O). Keys come out in
//! the declaration order of [`Summary`] (serde derives keep it), so the file is
//! byte-stable; floats are rounded to 6 decimals like the CSV outputs.

use serde::Serialize;

use super::data::ReportData;
use super::ReportError;

/// The JSON document. Field order here is the key order in the file.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    pub run_id: &'a str,
    pub rdmatch_version: &'a str,
    pub started: &'a str,
    pub data_dir: &'a str,
    /// `false` when no feasible assignment exists (see report.html).
    pub feasible: bool,
    pub proposals: usize,
    pub advisers: usize,
    pub researchers: usize,
    pub assigned_pairs: usize,
    /// Sum of assigned pair scores (each in [0, 1]).
    pub total_score: f64,
    pub weakest_proposal_total: f64,
    pub objective: &'a str,
    /// Overall coverage ratio in [0, 1].
    pub coverage_ratio: f64,
    pub conflicts_excluded: usize,
    pub warnings: usize,
    /// Rows left out of the run (`--keep-going`); 0 on a complete run.
    pub rows_left_out: usize,
    /// Rows read and left out per file (files with none left out omitted).
    pub left_out_per_file: Vec<LeftOutCount<'a>>,
    /// Each row left out, with its reasons.
    pub left_out: &'a [super::data::DroppedRowView],
    /// `null` on a first run; otherwise counts of what changed.
    pub changes: Option<ChangeCounts<'a>>,
    /// The fair objective's upper bound, gap and exactness; `null` for
    /// the total objective.
    pub fair: Option<super::data::FairBound>,
    /// Randomised mode's seed, cap, expected score, deterministic optimum,
    /// their ratio and the largest probability; `null` when deterministic.
    pub randomized: Option<&'a super::randomized::RandomizedView>,
    /// Panel rules: path (`flow` or `ilp`), rules met, the ILP's outcome;
    /// `null` without `[[panel.rules]]`.
    pub panel: Option<&'a serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct LeftOutCount<'a> {
    pub file: &'a str,
    pub read: usize,
    pub left_out: usize,
}

#[derive(Debug, Serialize)]
pub struct ChangeCounts<'a> {
    pub previous_run: &'a str,
    pub new_proposals: usize,
    pub withdrawn_proposals: usize,
    pub changed_assignments: usize,
    pub coverage_changes: usize,
}

/// Rounds to 6 decimals so tiny float noise does not change the file.
/// Non-finite values become `null` in JSON (serde_json's behaviour).
fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Renders summary.json (pretty, trailing newline).
pub fn render(data: &ReportData) -> Result<String, ReportError> {
    let h = &data.headline;
    let s = Summary {
        run_id: &data.run.run_id,
        rdmatch_version: &data.run.rdmatch_version,
        started: &data.run.started,
        data_dir: &data.run.data_dir,
        feasible: data.infeasibility.is_none(),
        proposals: h.proposals,
        advisers: h.advisers,
        researchers: h.researchers,
        assigned_pairs: h.assigned_pairs,
        total_score: r6(h.total_score),
        weakest_proposal_total: r6(h.weakest_proposal_total),
        objective: &h.objective,
        coverage_ratio: r6(h.coverage_ratio),
        conflicts_excluded: h.conflicts_excluded,
        warnings: h.warnings,
        rows_left_out: data.data_quality.dropped.len(),
        left_out_per_file: data
            .data_quality
            .files
            .iter()
            .filter(|f| f.rejected > 0)
            .map(|f| LeftOutCount {
                file: &f.file,
                read: f.read,
                left_out: f.rejected,
            })
            .collect(),
        left_out: &data.data_quality.dropped,
        changes: data.changes.as_ref().map(|c| ChangeCounts {
            previous_run: &c.previous_run,
            new_proposals: c.new_proposals.len(),
            withdrawn_proposals: c.withdrawn_proposals.len(),
            changed_assignments: c.changed_assignments.len(),
            coverage_changes: c.coverage_changes.len(),
        }),
        fair: h.fair.map(|f| super::data::FairBound {
            upper_bound: r6(f.upper_bound),
            gap: r6(f.gap),
            exact: f.exact,
        }),
        randomized: h.randomized.as_ref(),
        panel: h.panel.as_ref(),
    };
    let mut text = serde_json::to_string_pretty(&s).map_err(|source| ReportError::Json {
        what: "summary.json",
        source,
    })?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::tests::sample;

    #[test]
    fn keys_in_fixed_order_and_values_rounded() {
        let text = render(&sample()).unwrap();
        let keys: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("  \""))
            .map(|l| l.trim().split('"').nth(1).unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "run_id",
                "rdmatch_version",
                "started",
                "data_dir",
                "feasible",
                "proposals",
                "advisers",
                "researchers",
                "assigned_pairs",
                "total_score",
                "weakest_proposal_total",
                "objective",
                "coverage_ratio",
                "conflicts_excluded",
                "warnings",
                "rows_left_out",
                "left_out_per_file",
                "left_out",
                "changes",
                "fair",
                "randomized",
                "panel"
            ]
        );
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["total_score"], 5.4321);
        assert_eq!(v["proposals"], 5);
        assert_eq!(v["feasible"], true);
        assert_eq!(v["changes"]["changed_assignments"], 1);
    }

    #[test]
    fn rounding_hides_float_noise() {
        let mut a = sample();
        let mut b = sample();
        a.headline.total_score = 0.1 + 0.2;
        b.headline.total_score = 0.3;
        assert_eq!(render(&a).unwrap(), render(&b).unwrap());
        assert!(render(&a).unwrap().contains("\"total_score\": 0.3,"));
    }

    #[test]
    fn first_run_has_null_changes_and_infeasible_flag() {
        let mut d = sample();
        d.changes = None;
        d.infeasibility = Some("x".into());
        let v: serde_json::Value = serde_json::from_str(&render(&d).unwrap()).unwrap();
        assert!(v["changes"].is_null());
        assert_eq!(v["feasible"], false);
    }
}
