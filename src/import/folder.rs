//! The data folder's tables as the import reads and writes them: every
//! existing row and column kept as it was, new columns appended, new rows
//! added at the end. Reading goes through the table layer; writing through
//! the one CSV writer, into a staging folder first, then each file renamed
//! into place (referenced files first, so a crash between renames leaves
//! extra rows, never a reference to a missing one).
//!
//! A table here is a header and rows of text, not a `Vec` of the loader's
//! row structs: those hold the loader's columns only, and writing a table
//! back through them would drop the columns a user added and reorder the
//! rest (docs/import.md, "How the data folder's tables are rewritten").
//! Added rows are still typed: [`Table::push_row`] places a `load::rows`
//! struct's cells under the table's own header by column name.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::load::rows::TextRow;
use crate::table::{self, CsvRow, CsvWriter, ReadOptions};

use super::ImportError;

/// The columns a new file gets: the loader's, from its row structs (an
/// import fills some of the optional ones).
fn new_header(stem: &str) -> &'static [&'static str] {
    use crate::load::rows::*;
    match stem {
        "institutions" => InstitutionRow::COLUMNS,
        "researchers" => ResearcherRow::COLUMNS,
        "publications" => PublicationRow::COLUMNS,
        "authorships" => AuthorshipRow::COLUMNS,
        "affiliations" => AffiliationRow::COLUMNS,
        _ => &[],
    }
}

/// One table: header and rows of text cells.
#[derive(Clone, Debug)]
pub struct Table {
    pub stem: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub existed: bool,
    pub changed: bool,
    /// Rows at reading (the rest were added).
    pub rows_before: usize,
}

impl Table {
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The column `name`, appended (blank in every row) when absent.
    pub fn ensure_col(&mut self, name: &str) -> usize {
        if let Some(c) = self.col(name) {
            return c;
        }
        self.header.push(name.to_string());
        for r in &mut self.rows {
            r.push(String::new());
        }
        self.changed = true;
        self.header.len() - 1
    }

    pub fn get(&self, row: usize, col: Option<usize>) -> &str {
        col.and_then(|c| self.rows.get(row)?.get(c))
            .map_or("", |s| s.as_str())
    }

    pub fn set(&mut self, row: usize, col: usize, value: String) {
        if self.rows[row][col] != value {
            self.rows[row][col] = value;
            self.changed = true;
        }
    }

    /// Appends a typed row of the file: its non-empty cells, in their
    /// columns (a column the file lacks is added when the row has a value
    /// for it; the file's other columns are blank).
    pub fn push_row<'a, R: TextRow<'a>>(&mut self, row: &R) -> usize {
        let cells: Vec<(&str, &str)> = R::COLUMNS
            .iter()
            .copied()
            .zip(row.cells())
            .filter(|(_, v)| !v.is_empty())
            .collect();
        self.push(&cells)
    }

    /// Appends a row from `(column, value)` pairs (other cells blank).
    pub fn push(&mut self, cells: &[(&str, &str)]) -> usize {
        let cols: Vec<usize> = cells.iter().map(|(c, _)| self.ensure_col(c)).collect();
        let mut row = vec![String::new(); self.header.len()];
        for (k, (_, v)) in cols.into_iter().zip(cells) {
            row[k] = v.to_string();
        }
        self.rows.push(row);
        self.changed = true;
        self.rows.len() - 1
    }

    pub fn added(&self) -> usize {
        self.rows.len() - self.rows_before
    }
}

/// The five tables an import adds to.
pub struct Folder {
    pub dir: PathBuf,
    pub institutions: Table,
    pub researchers: Table,
    pub publications: Table,
    pub authorships: Table,
    pub affiliations: Table,
}

impl Folder {
    /// Reads the tables of `dir` (a missing file is an empty table; the
    /// folder itself is created when it is written).
    pub fn open(dir: &Path) -> Result<Folder, ImportError> {
        let read = |stem: &'static str| -> Result<Table, ImportError> { read_table(dir, stem) };
        Ok(Folder {
            dir: dir.to_path_buf(),
            institutions: read("institutions")?,
            researchers: read("researchers")?,
            publications: read("publications")?,
            authorships: read("authorships")?,
            affiliations: read("affiliations")?,
        })
    }

    fn tables(&self) -> [&Table; 5] {
        [
            &self.institutions,
            &self.researchers,
            &self.publications,
            &self.affiliations,
            &self.authorships,
        ]
    }

    /// Writes the changed tables and the report files (`import/NAME` →
    /// bytes): all of them into a staging folder, then renamed into place.
    /// On failure nothing in `dir` has been replaced.
    pub fn write(
        &self,
        report_files: &[(&str, Vec<u8>)],
        file_mode: u32,
    ) -> Result<(), ImportError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| ImportError::write(&self.dir, e))?;
        let stage = self
            .dir
            .join(format!(".rdmatch-import-{}", std::process::id()));
        let result = self.write_staged(&stage, report_files, file_mode);
        let _ = std::fs::remove_dir_all(&stage);
        result
    }

    fn write_staged(
        &self,
        stage: &Path,
        report_files: &[(&str, Vec<u8>)],
        file_mode: u32,
    ) -> Result<(), ImportError> {
        let _ = std::fs::remove_dir_all(stage);
        std::fs::create_dir_all(stage.join("import")).map_err(|e| ImportError::write(stage, e))?;
        let mut moves: Vec<(PathBuf, PathBuf)> = Vec::new();
        for t in self.tables() {
            if !t.changed && t.existed {
                continue;
            }
            if !t.existed && t.rows.is_empty() && t.stem == "affiliations" {
                continue;
            }
            let name = format!("{}.csv", t.stem);
            let tmp = stage.join(&name);
            write_table(&tmp, t)?;
            set_mode(&tmp, file_mode);
            moves.push((tmp, self.dir.join(name)));
        }
        for (name, bytes) in report_files {
            let tmp = stage.join("import").join(name);
            std::fs::write(&tmp, bytes).map_err(|e| ImportError::write(&tmp, e))?;
            set_mode(&tmp, file_mode);
        }
        let import_dir = self.dir.join("import");
        std::fs::create_dir_all(&import_dir).map_err(|e| ImportError::write(&import_dir, e))?;
        for (name, _) in report_files {
            moves.push((stage.join("import").join(name), import_dir.join(name)));
        }
        for (from, to) in moves {
            std::fs::rename(&from, &to).map_err(|e| ImportError::write(&to, e))?;
        }
        Ok(())
    }
}

fn set_mode(path: &Path, mode: u32) {
    let _ = crate::report::files::set_mode(path, mode & !crate::report::files::umask());
}

fn write_table(path: &Path, t: &Table) -> Result<(), ImportError> {
    let f = std::fs::File::create(path).map_err(|e| ImportError::write(path, e))?;
    let mut w = CsvWriter::new(std::io::BufWriter::new(f));
    let io = |e: csv::Error| ImportError::write(path, std::io::Error::other(e.to_string()));
    w.write_record(&t.header).map_err(io)?;
    for r in &t.rows {
        w.write_record(r).map_err(io)?;
    }
    let inner = w
        .into_inner()
        .map_err(|e| ImportError::write(path, std::io::Error::other(e.to_string())))?;
    inner
        .into_inner()
        .map_err(|e| ImportError::write(path, e.into_error()))?
        .sync_all()
        .map_err(|e| ImportError::write(path, e))
}

fn read_table(dir: &Path, stem: &'static str) -> Result<Table, ImportError> {
    let header: Vec<String> = new_header(stem).iter().map(|s| s.to_string()).collect();
    let empty = Table {
        stem,
        header,
        rows: Vec::new(),
        existed: false,
        changed: false,
        rows_before: 0,
    };
    if !dir.is_dir() {
        return Ok(empty);
    }
    let path = crate::load::locate_optional(dir, stem)
        .map_err(|p| ImportError::Folder(format!("{}: {}", p.file, p.message)))?;
    let Some(path) = path else {
        return Ok(empty);
    };
    if path.extension().and_then(|e| e.to_str()) != Some("csv") {
        return Err(ImportError::Folder(format!(
            "{}: import adds rows to CSV files; save this table as {stem}.csv (UTF-8) and import again",
            path.display()
        )));
    }
    let raw = table::read_path(
        &path,
        &ReadOptions {
            header: true,
            ..Default::default()
        },
    )
    .map_err(|e| {
        ImportError::Folder(format!(
            "{}{}: {}; fix it (`rdmatch validate`) before importing into it",
            path.display(),
            e.line.map(|l| format!(":{l}")).unwrap_or_default(),
            e.message
        ))
    })?;
    if let Some(r) = raw.rejected.first() {
        return Err(ImportError::Folder(format!(
            "{}:{}: {} Fix it (`rdmatch validate`) before importing: an import rewrites the file and would lose the row",
            path.display(),
            r.position.line(),
            r.message
        )));
    }
    let rows: Vec<Vec<String>> = raw
        .rows()
        .map(|(r, _)| r.iter().map(String::from).collect())
        .collect();
    let mut seen = HashSet::new();
    for h in &raw.header {
        if !seen.insert(h) {
            return Err(ImportError::Folder(format!(
                "{}: column '{h}' appears twice in the header; fix it before importing",
                path.display()
            )));
        }
    }
    let n = rows.len();
    Ok(Table {
        stem,
        header: raw.header,
        rows,
        existed: true,
        changed: false,
        rows_before: n,
    })
}
