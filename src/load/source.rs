//! Reading one input file of the data folder: find it (`.csv`, `.tsv`,
//! `.txt` or `.xlsx`), read it through the table layer, check its header
//! against the file's schema, and put the cells of the known columns into a
//! polars frame of strings. Row `i` of the frame is at `positions[i]`.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::table::{self, EncodingChoice, Format, Position, RawTable, ReadOptions};

use super::problem::{Problem, Severity};
use super::schema::FileSpec;

/// The extensions a table may have, in the order they are looked for.
pub const EXTENSIONS: [&str; 4] = ["csv", "tsv", "txt", "xlsx"];

/// A file read into a frame of strings, with each row's position.
pub struct RawFile {
    /// The file's name as found (`proposals.xlsx`).
    pub name: String,
    pub format: Format,
    /// Where each row of `frame` starts.
    pub positions: Vec<Position>,
    /// The spec's columns present in the header, as polars `String`s; row
    /// order = file order.
    pub frame: DataFrame,
    /// Index in the file's header of each column name (for cell addresses).
    pub header: Vec<String>,
    /// Rows that could not be split into the header's columns.
    pub rejected: usize,
}

impl RawFile {
    /// The line (or worksheet row) of row `i`.
    pub fn line(&self, i: usize) -> u64 {
        self.positions[i].line()
    }

    /// `Sheet1!C17` for the cell of `field` in row `i`, for workbooks.
    pub fn cell(&self, i: usize, field: &str) -> Option<String> {
        let col = self.header.iter().position(|h| h == field)?;
        let sheet = self.format.sheet.as_deref()?;
        Some(format!("{sheet}!{}", self.positions[i].cell(col)?))
    }
}

/// The path of table `stem` in `dir` (`proposals` → `proposals.csv`,
/// `.tsv`, `.txt` or `.xlsx`), if present. Two files for one table is an
/// error naming both.
#[allow(clippy::result_large_err)] // at most one per file: boxing would buy nothing
pub fn locate(dir: &Path, stem: &str) -> Result<Option<PathBuf>, Problem> {
    let found: Vec<PathBuf> = EXTENSIONS
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .filter(|p| p.is_file())
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        [a, b, ..] => Err(Problem::file_error(
            &file_name(a),
            None,
            None,
            format!(
                "and {} are both in {}: rdmatch cannot tell which is the real {stem} table. Remove or rename one",
                file_name(b),
                dir.display()
            ),
        )),
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads `spec`'s file in `dir`. Returns `Ok(None)` for an absent optional
/// file. File-level problems (absent, unreadable, empty, bad encoding,
/// missing columns) are returned as `Err` with the number of rows the file
/// had, all of them rejected; row-level problems are pushed to `problems`.
#[allow(clippy::result_large_err)] // at most one per file: boxing would buy nothing
pub fn read(
    dir: &Path,
    spec: &FileSpec,
    encoding: EncodingChoice,
    problems: &mut Vec<Problem>,
) -> Result<Option<RawFile>, (Problem, usize)> {
    let path = match locate(dir, spec.stem()) {
        Ok(Some(p)) => p,
        Ok(None) if spec.optional => return Ok(None),
        Ok(None) => {
            let cols: Vec<&str> = spec
                .columns
                .iter()
                .filter(|c| c.required)
                .map(|c| c.name)
                .collect();
            return Err((
                Problem::file_error(
                    spec.name,
                    None,
                    None,
                    format!(
                        "required file is missing from {}; create it with the header: {} (as .csv, .tsv, .txt or .xlsx)",
                        dir.display(),
                        cols.join(",")
                    ),
                ),
                0,
            ));
        }
        Err(p) => return Err((p, 0)),
    };
    let name = file_name(&path);
    let opts = ReadOptions {
        encoding,
        header: true,
    };
    let table = table::read_path(&path, &opts)
        .map_err(|e| (Problem::file_error(&name, e.line, None, e.message), 0))?;
    into_frame(spec, name, table, problems)
}

/// Checks the header of `table` against `spec` and moves the cells of the
/// spec's columns into a polars frame.
#[allow(clippy::result_large_err)] // at most one per file: boxing would buy nothing
pub fn into_frame(
    spec: &FileSpec,
    name: String,
    table: RawTable,
    problems: &mut Vec<Problem>,
) -> Result<Option<RawFile>, (Problem, usize)> {
    let rows_read = table.rows_read();
    if table.header.iter().all(|h| h.is_empty()) {
        let cols: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        return Err((
            Problem::file_error(
                &name,
                Some(1),
                None,
                format!(
                    "is empty; the first line must be the header: {}",
                    cols.join(",")
                ),
            ),
            rows_read,
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for h in &table.header {
        if !h.is_empty() && !seen.insert(h.as_str()) {
            return Err((
                Problem::file_error(
                    &name,
                    Some(1),
                    Some(h),
                    "appears twice in the header; remove one",
                ),
                rows_read,
            ));
        }
    }
    for col in spec.columns.iter().filter(|c| c.required) {
        if table.column(col.name).is_none() {
            let hint = match table.format.delimiter {
                Some(d) if table.header.len() == 1 => format!(
                    " The header was read as one column ({d}-separated): if the file uses another separator, save it as comma-, tab- or semicolon-separated."
                ),
                _ => String::new(),
            };
            return Err((
                Problem::file_error(
                    &name,
                    Some(1),
                    Some(col.name),
                    format!(
                        "required column is missing; the header has: {}. Add the column (it may be renamed or misspelt).{hint}",
                        table.header.join(",")
                    ),
                ),
                rows_read,
            ));
        }
    }
    for h in &table.header {
        if !h.is_empty() && !spec.columns.iter().any(|c| c.name == h) {
            problems.push(Problem {
                severity: Severity::Warning,
                line: Some(1),
                ..Problem::file_error(
                    &name,
                    None,
                    Some(h),
                    "unknown column is ignored; see docs/data-format.md for the columns rdmatch reads",
                )
            });
        }
    }
    for r in &table.rejected {
        let cell = match (&table.format.sheet, r.position.cell(0)) {
            (Some(sheet), Some(c)) => Some(format!("{sheet}!{c}")),
            _ => None,
        };
        problems.push(Problem {
            line: Some(r.position.line()),
            cell,
            kind: Some("has the wrong number of fields".into()),
            ..Problem::file_error(&name, None, None, r.message.clone())
        });
    }

    let RawTable {
        format,
        header,
        columns: cells,
        positions,
        rejected,
    } = table;
    let height = positions.len();
    // The table's columns are polars arrays already: no copy.
    let columns: Vec<Column> = spec
        .columns
        .iter()
        .filter_map(|c| header.iter().position(|h| h == c.name).map(|i| (i, c.name)))
        .map(|(i, n)| match cells.get(i) {
            Some(c) => c.clone().with_name(n.into()).into_column(),
            None => Column::new(n.into(), Vec::<&str>::new()),
        })
        .collect();
    drop(cells);
    let frame = DataFrame::new(height, columns).map_err(|e| {
        (
            Problem::file_error(&name, None, None, format!("cannot be held as a table: {e}")),
            rows_read,
        )
    })?;
    Ok(Some(RawFile {
        name,
        format,
        positions,
        frame,
        header,
        rejected: rejected.len(),
    }))
}
