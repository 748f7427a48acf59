//! Limits of the outputs, checked when the data is read: a run must not
//! fail at its last stage over a cell that was accepted at the first.
//!
//! Excel holds at most 32,767 characters in a cell (Microsoft, "Excel
//! specifications and limits"); the columns below are written into
//! `assignment.xlsx`, so a longer value is a validation error naming file,
//! line and column. (Generated texts such as a long diagnosis are cut by the
//! xlsx writer with a marked ellipsis instead; see `report::xlsx`.) Sheet
//! names need no check here: the writer makes any area ID a valid, unique
//! sheet name.

use super::problem::{Problem, Severity};
use super::source::{column, RawFile};

/// Excel's most characters per cell.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// Input columns whose text goes into workbook cells, per file.
const IN_WORKBOOK: &[(&str, &[&str])] = &[
    ("institutions.csv", &["institution_id", "name"]),
    ("researchers.csv", &["researcher_id", "name"]),
    ("areas.csv", &["area_id", "name"]),
    ("proposals.csv", &["proposal_id", "title"]),
];

/// Adds an error for every workbook-bound cell of `raw` (file `file`) that
/// is longer than Excel allows.
pub fn check_cells(file: &str, raw: &RawFile, problems: &mut Vec<Problem>) {
    let Some((_, cols)) = IN_WORKBOOK.iter().find(|(f, _)| *f == file) else {
        return;
    };
    for &col in cols.iter() {
        for (row, cell) in column(raw, col).into_iter().enumerate() {
            // Bytes bound characters from above: most cells skip the count.
            if cell.len() <= EXCEL_CELL_CHARS {
                continue;
            }
            let chars = cell.chars().count();
            if chars > EXCEL_CELL_CHARS {
                problems.push(Problem {
                    severity: Severity::Error,
                    file: file.to_string(),
                    line: raw.lines.get(row).copied(),
                    field: Some(col.to_string()),
                    message: format!(
                        "is {chars} characters long; this column goes into assignment.xlsx, and Excel holds at most {EXCEL_CELL_CHARS} characters per cell: shorten it"
                    ),
                });
            }
        }
    }
}
