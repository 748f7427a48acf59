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

/// Excel's most characters per cell.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// Input columns whose text goes into workbook cells, per file.
const IN_WORKBOOK: &[(&str, &[&str])] = &[
    ("institutions.csv", &["institution_id", "name"]),
    ("researchers.csv", &["researcher_id", "name"]),
    ("areas.csv", &["area_id", "name"]),
    ("proposals.csv", &["proposal_id", "title"]),
];

/// The columns of `file` whose text goes into workbook cells.
pub fn workbook_columns(file: &str) -> &'static [&'static str] {
    IN_WORKBOOK
        .iter()
        .find(|(f, _)| *f == file)
        .map_or(&[], |(_, cols)| cols)
}

/// The message for a cell longer than Excel holds, if it is.
pub fn too_long(cell: &str) -> Option<String> {
    // Bytes bound characters from above: most cells skip the count.
    if cell.len() <= EXCEL_CELL_CHARS {
        return None;
    }
    let chars = cell.chars().count();
    (chars > EXCEL_CELL_CHARS).then(|| {
        format!(
            "is {chars} characters long; this column goes into assignment.xlsx, and Excel holds at most {EXCEL_CELL_CHARS} characters per cell: shorten it"
        )
    })
}
