//! Loading and validation: CSV files in a data folder → a checked
//! [`Dataset`], plus a [`ValidationReport`] that accounts for every row.
//!
//! Stages: `source` finds each file (`.csv`, `.tsv`, `.txt` or `.xlsx`),
//! reads it through the table layer (`crate::table`: encoding, line endings,
//! delimiter, workbook cells) and puts the cells into a polars frame of
//! strings; `check` turns the frames into typed, linked tables. Nothing is
//! dropped silently: each row read is accepted or rejected with an error
//! that names file, line (or cell) and column, and the counts are in the
//! report. Any error means no dataset, unless the caller asked to keep
//! going: then the dataset holds the accepted rows only, and the report
//! lists every row left out.

use std::path::{Path, PathBuf};

use crate::model::Dataset;

mod check;
mod identifier;
mod limits;
pub mod locks;
mod problem;
pub mod rows;
pub mod schema;
mod source;

pub use crate::table::EncodingChoice;
pub use identifier::escape as escape_identifier;
pub use limits::EXCEL_CELL_CHARS;
pub use problem::{thousands, DroppedRow};
pub use problem::{FileCount, Problem, Severity, ValidationReport};

/// How to read the input files.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    pub encoding: EncodingChoice,
    /// Max load of advisers whose `max_load` cell is blank (from config).
    pub default_max_load: u32,
    /// Build the dataset from the accepted rows even when rows were
    /// rejected (`--keep-going`). A file that cannot be read at all still
    /// means no dataset.
    pub keep_going: bool,
    /// The call files (areas, advisers, proposals, proposal_members) may be
    /// absent and then read as empty: a folder of literature only, as
    /// `rdmatch import` writes it (for the held-out benchmark).
    pub literature_only: bool,
}

/// The outcome of loading a folder: the report always, the dataset only when
/// there was no error.
pub struct Loaded {
    pub dataset: Option<Dataset>,
    pub report: ValidationReport,
}

/// Problems that prevent reading the folder at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("data folder {0} does not exist; pass --data DIR (a folder with institutions.csv, researchers.csv, ...) or create one with `rdmatch generate --out DIR`")]
    NoFolder(PathBuf),
}

pub use source::locate as locate_optional;

/// Reads and checks every input file of `dir`.
pub fn load(dir: &Path, opts: &LoadOptions) -> Result<Loaded, LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::NoFolder(dir.to_path_buf()));
    }
    let mut problems = Vec::new();
    let mut unusable_files = Vec::new();
    let mut raws = Vec::with_capacity(schema::ALL.len());
    let mut file_level: Vec<Option<FileCount>> = Vec::with_capacity(schema::ALL.len());
    // Files are read side by side (the publications file alone is most of
    // the bytes of a large call); problems are kept in schema order.
    use rayon::prelude::*;
    let read: Vec<_> = schema::ALL
        .par_iter()
        .map(|spec| {
            let mut own = Vec::new();
            let mut spec = *spec;
            if opts.literature_only && schema::CALL_FILES.contains(&spec.name) {
                spec.optional = true;
            }
            let r = source::read(dir, &spec, opts.encoding, &mut own);
            (r, own)
        })
        .collect();
    for (spec, (result, own)) in schema::ALL.iter().zip(read) {
        problems.extend(own);
        match result {
            Ok(Some(raw)) => {
                raws.push(Some(raw));
                file_level.push(None);
            }
            Ok(None) => {
                raws.push(None);
                file_level.push(Some(FileCount {
                    file: spec.name.into(),
                    ..FileCount::default()
                }));
            }
            Err((p, rows)) => {
                unusable_files.push(p.file.clone());
                file_level.push(Some(FileCount {
                    file: p.file.clone(),
                    present: true,
                    format: String::new(),
                    read: rows,
                    accepted: 0,
                    rejected: rows,
                }));
                problems.push(p);
                raws.push(None);
            }
        }
    }
    let checked = check::check(raws, opts.default_max_load, &mut problems);
    // Merge counts back into schema order.
    let mut from_check = checked.counts.into_iter();
    let files = file_level
        .into_iter()
        .map(|fl| match fl {
            Some(c) => c,
            None => from_check.next().unwrap_or_default(),
        })
        .collect();
    let report = ValidationReport {
        files,
        problems,
        unusable_files,
    };
    let usable = report.error_count() == 0 || (opts.keep_going && report.file_error_count() == 0);
    let dataset = usable.then(|| Dataset::new(checked.tables));
    Ok(Loaded { dataset, report })
}
