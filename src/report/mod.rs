//! Report outputs and the run folder.
//!
//! Owns everything a run leaves behind for people: `report.html`,
//! `report.md`, `summary.json`, `assignment.xlsx`, `manifest.json`, the
//! "what changed since the last run" comparison, and the atomic run folder that a cron job
//! writes into.
//!
//! Takes one plain-data [`ReportData`] (strings and numbers only, built by
//! [`build::build`] from the stages' typed outputs; no clock reads) and the
//! [`ReportConfig`](crate::config::ReportConfig) section. Every format is a
//! function that returns bytes or a `String` and does no I/O, so each can be
//! snapshot-tested (the hyperfine `export/` pattern):
//!
//! ```text
//! ReportData ─┬─ html::render      → report.html   (self-contained, no scripts)
//!             ├─ markdown::render  → report.md
//!             ├─ summary::render   → summary.json  (headline figures)
//!             └─ xlsx::render      → assignment.xlsx
//! previous run folder + this run's CSVs ── changes::{read_run_outputs, compare} → ChangeSet
//! input/output files ── manifest::{sha256_file, hash_outputs, Manifest::to_json} → manifest.json
//! RunFolder::create → write into .path() → commit (rename + `latest`)
//! ```
//!
//! Hands on: bytes for the lead to write into a [`RunFolder`]. CSVs are
//! written through [`crate::table::CsvWriter`].

pub mod build;
pub mod changes;
pub mod conflicts;
mod data;
pub mod definitions;
pub mod files;
pub mod html;
pub mod manifest;
pub mod markdown;
pub mod owner;
pub mod randomized;
pub mod run_folder;
pub mod run_lock;
pub mod summary;
pub mod xlsx;

pub use build::{build, Stages};
pub use changes::{compare, read_run_outputs, RunOutputs};
pub use data::*;
pub use files::{Clobber, Modes, StagedOutput};
pub use manifest::{
    hash_outputs, sha256_file, sha256_hex, InputFile, Manifest, OutputFile, StageTiming,
};
pub use run_folder::{available_run_id, check_previous, previous_run, run_id, RunFolder};
pub use run_lock::RunLock;

use std::path::PathBuf;

/// A report output that could not be produced or a run folder that could not
/// be written. Messages name the path and say what to check.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{action} {path}: {source}\ncheck that the path exists with read/write permission for this user and that the disk is not full")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("run folder {path} already exists; runs are never overwritten: pick another --run-id or move the old folder away")]
    RunExists { path: PathBuf },
    #[error("run id {run_id:?} is not a plain folder name (empty, hidden, `latest`, or containing a path separator); use report::run_id")]
    BadRunId { run_id: String },
    #[error("{path} exists and is not a symbolic link; rdmatch keeps `latest` as a link to the newest run: remove or rename {path}")]
    LatestNotLink { path: PathBuf },
    #[error("another rdmatch run ({holder}) is writing into this output folder (lock {path}); pass --wait to start when it finishes, or use another --out")]
    Busy { path: PathBuf, holder: String },
    #[error("will not replace {path}: {why}; choose another --out, or pass --force to replace it")]
    WouldOverwrite { path: PathBuf, why: &'static str },
    #[error("{path} is not an empty folder; pass --force to write into it anyway (files of the same name are replaced), or choose a new folder")]
    NotEmpty { path: PathBuf },
    #[error("--previous {path}: {why}; pass a run folder written by `rdmatch run` (it holds manifest.json), or leave --previous out to compare with OUT/latest")]
    PreviousNotRun { path: PathBuf, why: String },
    #[error(transparent)]
    Chart(#[from] crate::charts::ChartError),
    #[error("cannot build assignment.xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("cannot serialise {what}: {source}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

impl ReportError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        ReportError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
