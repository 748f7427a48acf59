//! What changed since the previous run.
//!
//! Takes two run folders' CSV outputs — the previous committed run (see
//! [`previous_run`](super::previous_run)) and this run's staging folder, after
//! its CSVs are written — and hands on a [`ChangeSet`] for the reports: new
//! and withdrawn proposals, proposals whose advisers changed (before → after),
//! and areas whose coverage ratio moved.
//!
//! Reading is separate from comparing: [`read_run_outputs`] does the I/O and
//! never fails (a missing or malformed file becomes a note, so a broken old
//! run cannot stop tonight's run); [`compare`] is a pure function. Columns are
//! found by header name, so extra or reordered columns do not matter:
//! - `assignment.csv`: `proposal_id`, `researcher_id` (one row per assigned
//!   pair; a row with an empty `researcher_id` lists a proposal that got no
//!   adviser, so it is not mistaken for a withdrawn one);
//! - `coverage_area.csv`: `area_id`, `coverage_ratio`;
//! - `loads.csv`: `researcher_id` (the adviser pool: who joined or left).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::table::{InputRow, Layout, Names, RawTable};

use super::data::{AssignmentChange, ChangeSet, CoverageChange};

crate::read_row! {
    /// The columns of a previous run's assignment.csv that are compared
    /// (the columns of `assign::io::PairRow`, read by name).
    pub struct PreviousAssignmentRow<'a> {
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
    }
}

crate::read_row! {
    /// The columns of a previous run's coverage_proposals.csv that are
    /// read: every proposal of the run, with or without an adviser.
    pub struct PreviousProposalRow<'a> {
        pub proposal_id: &'a str,
        pub area_id: &'a str,
    }
}

crate::read_row! {
    /// The columns of a previous run's coverage_area.csv that are compared.
    pub struct PreviousCoverageRow<'a> {
        pub area_id: &'a str,
        pub coverage_ratio: &'a str,
    }
}

crate::read_row! {
    /// The columns of a previous run's loads.csv that are read: the
    /// adviser pool.
    pub struct PreviousLoadRow<'a> {
        pub researcher_id: &'a str,
        pub max_load: &'a str,
    }
}

/// The two fields of a row that [`read_run_outputs`] compares, trimmed;
/// rows whose first is empty are left out.
fn pairs<'t, R: serde::Deserialize<'t>>(
    read: &'t Option<(RawTable, Layout)>,
    cells: impl Fn(R) -> [&'t str; 2],
) -> Option<Vec<[String; 2]>> {
    let (t, layout) = read.as_ref()?;
    Some(
        t.rows()
            .filter_map(|(row, _)| layout.row::<R>(&row).ok())
            .map(|r| cells(r).map(str::to_string))
            .filter(|[a, _]| !a.is_empty())
            .collect(),
    )
}

pub const ASSIGNMENT_CSV: &str = "assignment.csv";
pub const COVERAGE_AREA_CSV: &str = "coverage_area.csv";

/// Coverage ratios closer than this count as unchanged (CSV has 6 decimals).
const COVERAGE_EPS: f64 = 1e-9;

/// The parts of one run's outputs that [`compare`] needs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunOutputs {
    /// The run folder's name (its run id).
    pub run: String,
    /// Proposal ID → researcher IDs of its advisers. `None` when
    /// assignment.csv could not be read.
    pub assignment: Option<BTreeMap<String, BTreeSet<String>>>,
    /// Area ID → coverage ratio in [0, 1]. `None` when coverage_area.csv
    /// could not be read.
    pub coverage: Option<BTreeMap<String, f64>>,
    /// Researcher IDs of the adviser pool (loads.csv, written when an
    /// assignment exists). `None` when it could not be read.
    pub advisers: Option<BTreeSet<String>>,
    /// Problems met while reading, worded for people.
    pub notes: Vec<String>,
}

/// Reads `assignment.csv` and `coverage_area.csv` from a run folder.
/// Never fails: problems become [`RunOutputs::notes`].
pub fn read_run_outputs(dir: &Path) -> RunOutputs {
    let run = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut notes = vec![];
    let read = read_table::<PreviousAssignmentRow>(dir, ASSIGNMENT_CSV, &run, &mut notes);
    let assignment = pairs(&read, |r: PreviousAssignmentRow| {
        [r.proposal_id, r.researcher_id]
    })
    .map(|rows| {
        let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for [p, r] in rows {
            let set = map.entry(p).or_default();
            if !r.is_empty() {
                set.insert(r);
            }
        }
        map
    });
    // Every proposal of the run, including those that got no adviser (they
    // have no row in assignment.csv), so they are never reported withdrawn.
    // coverage_proposals.csv is a supplement: a run folder without it is
    // compared on assignment.csv alone, with no note.
    let mut ignored = Vec::new();
    let read = read_table::<PreviousProposalRow>(dir, "coverage_proposals.csv", &run, &mut ignored);
    let all_proposals = pairs(&read, |r: PreviousProposalRow| [r.proposal_id, r.area_id]);
    let assignment = match (assignment, all_proposals) {
        (Some(mut map), Some(rows)) => {
            for [p, _] in rows {
                map.entry(p).or_default();
            }
            Some(map)
        }
        (a, _) => a,
    };
    let read = read_table::<PreviousCoverageRow>(dir, COVERAGE_AREA_CSV, &run, &mut notes);
    let coverage = pairs(&read, |r: PreviousCoverageRow| [r.area_id, r.coverage_ratio]).map(|rows| {
        let mut map = BTreeMap::new();
        for (i, [area, ratio]) in rows.into_iter().enumerate() {
            match ratio.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    map.insert(area, x);
                }
                _ => notes.push(format!(
                    "run {run}: {COVERAGE_AREA_CSV}: data row {}: column 'coverage_ratio': {ratio:?} is not a number; area {area} not compared",
                    i + 1
                )),
            }
        }
        map
    });
    // loads.csv is absent from infeasible runs: no note, the pool is then
    // simply not compared.
    let read = read_table::<PreviousLoadRow>(dir, "loads.csv", &run, &mut ignored);
    let advisers = pairs(&read, |r: PreviousLoadRow| [r.researcher_id, r.max_load])
        .map(|rows| rows.into_iter().map(|[r, _]| r).collect());
    RunOutputs {
        run,
        assignment,
        coverage,
        advisers,
        notes,
    }
}

/// Reads `dir/file` and finds the columns of `R` in it; `None` (with a
/// note) when the file is missing, unreadable or lacks a column. Malformed
/// rows are noted and skipped.
fn read_table<R: InputRow>(
    dir: &Path,
    file: &str,
    run: &str,
    notes: &mut Vec<String>,
) -> Option<(RawTable, Layout)> {
    let path = dir.join(file);
    let t = match crate::table::read_path(
        &path,
        &crate::table::ReadOptions {
            header: true,
            ..Default::default()
        },
    ) {
        Ok(t) => t,
        Err(e) => {
            notes.push(format!("run {run}: cannot read {file} ({e}); not compared"));
            return None;
        }
    };
    let layout = Layout::find::<R>(&t.header, Names::Exact);
    if let Some(name) = layout.missing::<R>().first() {
        notes.push(format!(
            "run {run}: {file}: no column '{name}'; not compared"
        ));
        return None;
    }
    for r in &t.rejected {
        notes.push(format!(
            "run {run}: {file}:{}: malformed row skipped ({})",
            r.position.line(),
            r.message
        ));
    }
    Some((t, layout))
}

/// What changed from `previous` to `current`. Parts that either side could
/// not read are left out (and the notes of both sides are carried over), so
/// a missing old file never shows as "everything is new".
pub fn compare(previous: &RunOutputs, current: &RunOutputs) -> ChangeSet {
    let mut c = ChangeSet {
        previous_run: previous.run.clone(),
        notes: previous
            .notes
            .iter()
            .chain(&current.notes)
            .cloned()
            .collect(),
        ..Default::default()
    };
    if let (Some(before), Some(after)) = (&previous.assignment, &current.assignment) {
        c.new_proposals = after
            .keys()
            .filter(|p| !before.contains_key(*p))
            .cloned()
            .collect();
        c.withdrawn_proposals = before
            .keys()
            .filter(|p| !after.contains_key(*p))
            .cloned()
            .collect();
        for (p, now) in after {
            if let Some(then) = before.get(p) {
                if then != now {
                    c.changed_assignments.push(AssignmentChange {
                        proposal_id: p.clone(),
                        before: then.iter().cloned().collect(),
                        after: now.iter().cloned().collect(),
                    });
                }
            }
        }
    } else {
        c.notes
            .push("proposals and advisers were not compared (see above)".into());
    }
    if let (Some(before), Some(after)) = (&previous.advisers, &current.advisers) {
        c.advisers_joined = after.difference(before).cloned().collect();
        c.advisers_left = before.difference(after).cloned().collect();
    }
    if let (Some(before), Some(after)) = (&previous.coverage, &current.coverage) {
        let areas: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for a in areas {
            let (b, n) = (before.get(a).copied(), after.get(a).copied());
            let changed = match (b, n) {
                (Some(x), Some(y)) => (x - y).abs() > COVERAGE_EPS,
                _ => true,
            };
            if changed {
                c.coverage_changes.push(CoverageChange {
                    area_id: a.clone(),
                    before: b,
                    after: n,
                });
            }
        }
    } else {
        c.notes.push("coverage was not compared (see above)".into());
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn run(
        root: &Path,
        name: &str,
        assignment: Option<&str>,
        coverage: Option<&str>,
    ) -> std::path::PathBuf {
        let d = root.join(name);
        fs::create_dir(&d).unwrap();
        if let Some(a) = assignment {
            fs::write(d.join(ASSIGNMENT_CSV), a).unwrap();
        }
        if let Some(c) = coverage {
            fs::write(d.join(COVERAGE_AREA_CSV), c).unwrap();
        }
        d
    }

    const PREV_ASSIGN: &str =
        "proposal_id,researcher_id,score\nP1,R1,0.5\nP1,R2,0.4\nP2,R3,0.3\nP3,R4,0.2\n";
    const PREV_COV: &str = "area_id,proposals,coverage_ratio\nA1,2,0.500000\nA2,1,1.000000\n";

    /// Regression: a proposal with no adviser has no assignment.csv row; it
    /// must not show as withdrawn when coverage_proposals.csv lists it.
    #[test]
    fn unassigned_proposal_is_not_withdrawn() {
        let dir = tempfile::tempdir().unwrap();
        let prev = run(dir.path(), "a", Some(PREV_ASSIGN), Some(PREV_COV));
        let cur = run(
            dir.path(),
            "b",
            Some(PREV_ASSIGN.replace("P3,R4,0.2\n", "").as_str()),
            Some(PREV_COV),
        );
        fs::write(
            cur.join("coverage_proposals.csv"),
            "proposal_id,area_id\nP1,A1\nP2,A1\nP3,A2\n",
        )
        .unwrap();
        let c = compare(&read_run_outputs(&prev), &read_run_outputs(&cur));
        assert!(c.withdrawn_proposals.is_empty(), "{c:?}");
        assert_eq!(c.changed_assignments.len(), 1, "P3 lost its adviser: {c:?}");
        assert_eq!(c.changed_assignments[0].proposal_id, "P3");
    }

    #[test]
    fn changes_between_two_hand_made_runs() {
        let dir = tempfile::tempdir().unwrap();
        let prev = run(
            dir.path(),
            "20261119T230502Z",
            Some(PREV_ASSIGN),
            Some(PREV_COV),
        );
        // Columns reordered and an extra one: found by name.
        let cur = run(
            dir.path(),
            "20261126T230501Z",
            Some("researcher_id,proposal_id,rank\nR2,P1,1\nR1,P1,2\nR5,P2,1\nR1,P4,1\n,P5,\n"),
            Some("area_id,coverage_ratio\nA1,0.750000\nA2,1.000000\nA3,0.250000\n"),
        );
        let c = compare(&read_run_outputs(&prev), &read_run_outputs(&cur));
        assert_eq!(c.previous_run, "20261119T230502Z");
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        assert_eq!(c.new_proposals, ["P4", "P5"]);
        assert_eq!(c.withdrawn_proposals, ["P3"]);
        assert_eq!(
            c.changed_assignments,
            [AssignmentChange {
                proposal_id: "P2".into(),
                before: vec!["R3".into()],
                after: vec!["R5".into()]
            }]
        );
        assert_eq!(
            c.coverage_changes,
            [
                CoverageChange {
                    area_id: "A1".into(),
                    before: Some(0.5),
                    after: Some(0.75)
                },
                CoverageChange {
                    area_id: "A3".into(),
                    before: None,
                    after: Some(0.25)
                },
            ]
        );
        assert!(!c.is_empty());
    }

    #[test]
    fn same_outputs_give_an_empty_change_set() {
        let dir = tempfile::tempdir().unwrap();
        let a = run(dir.path(), "a", Some(PREV_ASSIGN), Some(PREV_COV));
        let b = run(dir.path(), "b", Some(PREV_ASSIGN), Some(PREV_COV));
        let c = compare(&read_run_outputs(&a), &read_run_outputs(&b));
        assert!(c.is_empty(), "{c:?}");
        assert!(c.notes.is_empty());
    }

    #[test]
    fn missing_previous_files_are_noted_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let prev = run(
            dir.path(),
            "old",
            None,
            Some("area_id,coverage_ratio\nA1,abc\n"),
        );
        let cur = run(dir.path(), "new", Some(PREV_ASSIGN), Some(PREV_COV));
        let c = compare(&read_run_outputs(&prev), &read_run_outputs(&cur));
        // Nothing is reported as new just because the old file is missing.
        assert!(c.new_proposals.is_empty());
        assert!(c.withdrawn_proposals.is_empty());
        let notes = c.notes.join("\n");
        assert!(
            notes.contains("run old: cannot read assignment.csv"),
            "{notes}"
        );
        assert!(
            notes.contains(
                "coverage_area.csv: data row 1: column 'coverage_ratio': \"abc\" is not a number"
            ),
            "{notes}"
        );
        assert!(notes.contains("proposals and advisers were not compared"));
        // A1 could not be read before, so it shows as an area with no earlier value.
        assert_eq!(c.coverage_changes.len(), 2);
        assert_eq!(c.coverage_changes[0].before, None);
    }

    #[test]
    fn missing_column_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let prev = run(
            dir.path(),
            "old",
            Some("proposal,researcher_id\nP1,R1\n"),
            Some(PREV_COV),
        );
        let out = read_run_outputs(&prev);
        assert!(out.assignment.is_none());
        assert!(
            out.notes[0].contains("assignment.csv: no column 'proposal_id'"),
            "{:?}",
            out.notes
        );
    }

    #[test]
    fn missing_folder_gives_notes() {
        let out = read_run_outputs(Path::new("/nonexistent/20261119T230502Z"));
        assert_eq!(out.run, "20261119T230502Z");
        assert_eq!(out.notes.len(), 2);
        assert!(out.assignment.is_none() && out.coverage.is_none());
    }
}
