//! Loading and validation: CSV files in a data folder → a checked
//! [`Dataset`], plus a [`ValidationReport`] that accounts for every row.
//!
//! Stages: `source` reads bytes, checks the encoding and the CSV structure
//! and parses each file with polars into a frame of strings; `check` turns
//! the frames into typed, linked tables. Nothing is dropped silently: each
//! row read is accepted or rejected with an error that names file, line and
//! column, and the counts are in the report. Any error means no dataset.

use std::path::{Path, PathBuf};

use crate::model::Dataset;

mod check;
mod identifier;
mod limits;
mod problem;
pub mod schema;
mod source;

pub use identifier::escape as escape_identifier;
pub use limits::EXCEL_CELL_CHARS;
pub use problem::{FileCount, Problem, Severity, ValidationReport};
pub use source::InputEncoding;

/// How to read the input files.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    pub encoding: InputEncoding,
    /// Max load of advisers whose `max_load` cell is blank (from config).
    pub default_max_load: u32,
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

/// Reads and checks every input file of `dir`.
pub fn load(dir: &Path, opts: &LoadOptions) -> Result<Loaded, LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::NoFolder(dir.to_path_buf()));
    }
    let mut problems = Vec::new();
    let mut raws = Vec::with_capacity(schema::ALL.len());
    let mut file_level: Vec<Option<FileCount>> = Vec::with_capacity(schema::ALL.len());
    for spec in &schema::ALL {
        match source::read(dir, spec, opts.encoding, &mut problems) {
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
                problems.push(p);
                raws.push(None);
                file_level.push(Some(FileCount {
                    file: spec.name.into(),
                    present: true,
                    read: rows,
                    accepted: 0,
                    rejected: rows,
                }));
            }
        }
    }
    let checked = check::check(&raws, opts.default_max_load, &mut problems);
    // Merge counts back into schema order.
    let mut from_check = checked.counts.into_iter();
    let files = file_level
        .into_iter()
        .map(|fl| match fl {
            Some(c) => c,
            None => from_check.next().unwrap_or_default(),
        })
        .collect();
    let report = ValidationReport { files, problems };
    let dataset = (report.error_count() == 0).then(|| Dataset::new(checked.tables));
    Ok(Loaded { dataset, report })
}
