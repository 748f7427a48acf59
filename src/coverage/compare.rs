//! Comparison with a previous run (`--previous DIR`): per area, did coverage
//! improve or worsen?
//!
//! Reads the previous run's `coverage_area.csv` by column name (extra columns
//! are ignored, so older files with the same key columns still work). Current
//! values are rounded to the 6 decimals the CSV holds before comparing, so
//! comparing a run with its own output gives "unchanged" everywhere.

use std::path::Path;

use serde::Serialize;

use super::{CoverageError, CoverageReport};

/// How an area changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Improved,
    Worsened,
    Unchanged,
    /// Area only in the current run.
    New,
    /// Area only in the previous run.
    Removed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Improved => "improved",
            Change::Worsened => "worsened",
            Change::Unchanged => "unchanged",
            Change::New => "new",
            Change::Removed => "removed",
        }
    }
}

/// One area before and after (`coverage_changes.csv`). `None` = empty cell
/// (area absent, or figure undefined in that run).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaChange {
    pub area_id: String,
    pub change: Change,
    /// The figure that decided `change` (`coverage_ratio`, `capacity_ratio`
    /// or `mean_best_k`); `None` when unchanged, new or removed.
    pub decided_by: Option<&'static str>,
    pub coverage_ratio_before: Option<f64>,
    pub coverage_ratio_after: Option<f64>,
    pub capacity_ratio_before: Option<f64>,
    pub capacity_ratio_after: Option<f64>,
    pub mean_best_k_before: Option<f64>,
    pub mean_best_k_after: Option<f64>,
}

/// Current areas in report order, then areas that disappeared (by ID).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub areas: Vec<AreaChange>,
}

type Figures = [Option<f64>; 3];
const NAMES: [&str; 3] = ["coverage_ratio", "capacity_ratio", "mean_best_k"];

/// Compares `current` with `previous_dir/coverage_area.csv`.
///
/// The change of an area is decided by the first of coverage ratio, capacity
/// ratio and mean best-K score (in that order of importance) that is defined
/// in both runs and differs: higher is "improved", lower "worsened"; all
/// equal is "unchanged".
pub fn compare(previous_dir: &Path, current: &CoverageReport) -> Result<Comparison, CoverageError> {
    let path = previous_dir.join("coverage_area.csv");
    let file = std::fs::File::open(&path).map_err(|source| CoverageError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let previous = read_previous(file, &path.display().to_string())?;
    Ok(diff(&previous, current))
}

fn diff(previous: &[(String, Figures)], current: &CoverageReport) -> Comparison {
    let round = |x: Option<f64>| x.map(|v| (v * 1e6).round() / 1e6);
    let mut areas: Vec<AreaChange> = current
        .areas
        .iter()
        .map(|a| {
            let after = [Some(a.coverage_ratio), a.capacity_ratio, a.mean_best_k].map(round);
            let before = previous.iter().find(|p| p.0 == a.area_id).map(|p| p.1);
            let (change, decided_by) = match before {
                None => (Change::New, None),
                Some(b) => decide(&b, &after),
            };
            row(
                &a.area_id,
                change,
                decided_by,
                before.unwrap_or([None; 3]),
                after,
            )
        })
        .collect();
    let mut removed: Vec<&(String, Figures)> = previous
        .iter()
        .filter(|p| !current.areas.iter().any(|a| a.area_id == p.0))
        .collect();
    removed.sort_by(|x, y| x.0.cmp(&y.0));
    areas.extend(
        removed
            .into_iter()
            .map(|p| row(&p.0, Change::Removed, None, p.1, [None; 3])),
    );
    Comparison { areas }
}

fn decide(before: &Figures, after: &Figures) -> (Change, Option<&'static str>) {
    for i in 0..3 {
        if let (Some(b), Some(a)) = (before[i], after[i]) {
            // Both hold at most 6 decimals; any real change is ≥ 1e-6.
            if (a - b).abs() > 5e-7 {
                let c = if a > b {
                    Change::Improved
                } else {
                    Change::Worsened
                };
                return (c, Some(NAMES[i]));
            }
        }
    }
    (Change::Unchanged, None)
}

fn row(
    id: &str,
    change: Change,
    decided_by: Option<&'static str>,
    b: Figures,
    a: Figures,
) -> AreaChange {
    AreaChange {
        area_id: id.to_string(),
        change,
        decided_by,
        coverage_ratio_before: b[0],
        coverage_ratio_after: a[0],
        capacity_ratio_before: b[1],
        capacity_ratio_after: a[1],
        mean_best_k_before: b[2],
        mean_best_k_after: a[2],
    }
}

/// Parses a previous `coverage_area.csv`; `path` is only for messages.
fn read_previous(
    mut r: impl std::io::Read,
    path: &str,
) -> Result<Vec<(String, Figures)>, CoverageError> {
    let err = |line: u64, message: String| CoverageError::Previous {
        path: path.to_string(),
        line,
        message,
    };
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes)
        .map_err(|e| err(0, e.to_string()))?;
    let t = crate::table::read_bytes(
        &bytes,
        &crate::table::ReadOptions {
            header: true,
            ..Default::default()
        },
    )
    .map_err(|e| err(e.line.unwrap_or(0), e.message))?;
    if let Some(bad) = t.rejected.first() {
        return Err(err(bad.position.line(), bad.message.clone()));
    }
    let layout =
        crate::table::Layout::find::<PreviousAreaRow>(&t.header, crate::table::Names::Exact);
    if let Some(name) = layout.missing::<PreviousAreaRow>().first() {
        return Err(err(
            1,
            format!("no column '{name}'; expected a coverage_area.csv written by rdmatch (columns: area_id, coverage_ratio, capacity_ratio, mean_best_k, ...)"),
        ));
    }
    let mut out: Vec<(String, Figures)> = Vec::new();
    for (cells, pos) in t.rows() {
        let line = pos.line();
        let row: PreviousAreaRow = layout.row(&cells).map_err(|e| err(line, e.message))?;
        let id = row.area_id.to_string();
        if id.is_empty() {
            return Err(err(line, "column 'area_id' is empty".into()));
        }
        if out.iter().any(|p| p.0 == id) {
            return Err(err(line, format!("area_id '{id}' appears twice")));
        }
        let mut f: Figures = [None; 3];
        let cells = [row.coverage_ratio, row.capacity_ratio, row.mean_best_k];
        for (i, cell) in cells.into_iter().enumerate() {
            if !cell.is_empty() {
                let v: f64 = cell.parse().map_err(|_| {
                    err(line, format!("column '{}': \"{cell}\" is not a number (expected e.g. 0.500000 or empty)", NAMES[i]))
                })?;
                f[i] = Some(v);
            }
        }
        out.push((id, f));
    }
    Ok(out)
}

crate::read_row! {
    /// The columns of a previous coverage_area.csv that `coverage
    /// --previous` compares (the file's other columns are ignored); the
    /// figures stay text here so that a bad one is named with what to write.
    pub struct PreviousAreaRow<'a> {
        pub area_id: &'a str,
        pub coverage_ratio: &'a str,
        pub capacity_ratio: &'a str,
        pub mean_best_k: &'a str,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::super::*;
    use super::*;

    /// `coverage --previous` reads columns coverage_area.csv is written with.
    #[test]
    fn previous_area_rows_read_columns_the_writer_writes() {
        use crate::table::{CsvRow, InputRow};
        for f in PreviousAreaRow::FIELDS {
            assert!(
                super::super::write::AreaRow::COLUMNS.contains(&f.name),
                "{}",
                f.name
            );
        }
    }

    #[test]
    fn identical_run_is_unchanged_everywhere() {
        let ds = dataset();
        let r = compute(&input(&ds), &cfg()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        write_outputs(&r, dir.path()).unwrap();
        let c = compare(dir.path(), &r).unwrap();
        assert_eq!(c.areas.len(), 3);
        assert!(
            c.areas
                .iter()
                .all(|a| a.change == Change::Unchanged && a.decided_by.is_none()),
            "{c:?}"
        );
        assert_eq!(c.areas[2].capacity_ratio_before, None);
    }

    #[test]
    fn changes_new_and_removed() {
        let ds = dataset();
        let r = compute(&input(&ds), &cfg()).unwrap();
        // Now AR1 = (.5, .75, .5), AR2 = (0, 0, 0). AR1: same coverage,
        // capacity .5 → .75 improved (decides before the lower mean); AR2:
        // coverage 1 → 0 worsened; AR3 is new; OLD vanished.
        let csv = "area_id,coverage_ratio,capacity_ratio,mean_best_k\n\
                   AR1,0.500000,0.500000,0.900000\n\
                   AR2,1.000000,,0.000000\n\
                   OLD,0.5,1,0.2\n";
        let prev = read_previous(csv.as_bytes(), "prev.csv").unwrap();
        let c = diff(&prev, &r);
        let got: Vec<_> = c
            .areas
            .iter()
            .map(|a| (a.area_id.as_str(), a.change, a.decided_by))
            .collect();
        assert_eq!(
            got,
            vec![
                ("AR1", Change::Improved, Some("capacity_ratio")),
                ("AR2", Change::Worsened, Some("coverage_ratio")),
                ("AR3", Change::New, None),
                ("OLD", Change::Removed, None),
            ]
        );
    }

    #[test]
    fn bad_previous_file_names_line_and_column() {
        let e = read_previous("area_id,coverage_ratio\nA,1\n".as_bytes(), "p.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("p.csv:1") && e.contains("capacity_ratio"), "{e}");
        let e = read_previous(
            "area_id,coverage_ratio,capacity_ratio,mean_best_k\nA,x,1,1\n".as_bytes(),
            "p.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("p.csv:2") && e.contains("\"x\""), "{e}");
        let missing = compare(
            Path::new("/nonexistent/dir"),
            &compute(&input(&dataset()), &cfg()).unwrap(),
        );
        assert!(matches!(missing, Err(CoverageError::Read { .. })));
    }
}
