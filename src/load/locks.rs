//! `locks.csv` (or `.xlsx`): pairs a PO pins as hard rules (must /
//! must-not). Read through the table layer like every data file, so it
//! takes the same encodings, line endings, delimiters and workbooks, and
//! every problem names the file, line (or cell) and column.

use std::path::Path;

use crate::model::{AdviserIx, Dataset, ProposalIx};
use crate::table::{self, EncodingChoice, InputRow, Layout, Names, ReadOptions};

use super::problem::Problem;

/// What a lock demands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    Must,
    MustNot,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    pub proposal: ProposalIx,
    pub adviser: AdviserIx,
    pub kind: LockKind,
}

crate::read_row! {
    /// One row of locks.csv: a pair and what the PO pins on it.
    pub struct LockRow<'a> {
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
        /// `must` or `must-not` (`must_not`), any case.
        pub lock: &'a str,
    }
}

/// What a lock cell says; `None` for anything but `must` / `must-not`.
pub fn parse_lock(cell: &str) -> Option<LockKind> {
    match cell.to_ascii_lowercase().as_str() {
        "must" => Some(LockKind::Must),
        "must-not" | "must_not" => Some(LockKind::MustNot),
        _ => None,
    }
}

/// Reads `proposal_id,researcher_id,lock` rows. Every problem of the file is
/// returned (not only the first), each naming file, line and column.
pub fn read_locks(
    path: &Path,
    ds: &Dataset,
    encoding: EncodingChoice,
) -> Result<Vec<Lock>, Vec<Problem>> {
    let read = read_all(path, ds, encoding);
    if read.problems.is_empty() {
        Ok(read.locks)
    } else {
        Err(read.problems)
    }
}

/// What a locks file holds: the good locks, every problem, rows read.
pub struct LocksRead {
    pub locks: Vec<Lock>,
    pub problems: Vec<Problem>,
    pub rows: usize,
    /// The file cannot be used at all (unreadable, missing column).
    pub unusable: bool,
}

/// Reads every row of a locks file, keeping the good ones.
pub fn read_all(path: &Path, ds: &Dataset, encoding: EncodingChoice) -> LocksRead {
    match read_rows(path, ds, encoding) {
        Ok((locks, problems, rows)) => LocksRead {
            locks,
            problems,
            rows,
            unusable: false,
        },
        Err(p) => LocksRead {
            locks: Vec::new(),
            problems: vec![p],
            rows: 0,
            unusable: true,
        },
    }
}

#[allow(clippy::result_large_err)] // at most one per file: boxing would buy nothing
fn read_rows(
    path: &Path,
    ds: &Dataset,
    encoding: EncodingChoice,
) -> Result<(Vec<Lock>, Vec<Problem>, usize), Problem> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let t = table::read_path(
        path,
        &ReadOptions {
            encoding,
            header: true,
        },
    )
    .map_err(|e| Problem::file_error(&name, e.line, None, e.message))?;
    let layout = Layout::find::<LockRow>(&t.header, Names::Exact);
    if let Some(c) = layout.missing::<LockRow>().first() {
        return Err(Problem::file_error(
            &name,
            Some(1),
            Some(c),
            format!(
                "required column is missing; the header has: {}. A locks file has proposal_id,researcher_id,lock",
                t.header.join(",")
            ),
        ));
    }
    let mut problems: Vec<Problem> = t
        .rejected
        .iter()
        .map(|r| Problem {
            line: Some(r.position.line()),
            ..Problem::file_error(&name, None, None, r.message.clone())
        })
        .collect();
    let mut out = Vec::new();
    for (cells, pos) in t.rows() {
        let at = |k: usize, message: String| Problem {
            line: Some(pos.line()),
            cell: layout.address(&t.format, pos, k),
            ..Problem::file_error(&name, None, Some(LockRow::FIELDS[k].name), message)
        };
        // Every field is text: a row always reads.
        let Ok(row) = layout.row::<LockRow>(&cells) else {
            continue;
        };
        let proposal = ds.proposal_by_id.get(row.proposal_id).copied();
        if proposal.is_none() {
            problems.push(at(
                0,
                format!("\"{}\" is not in proposals.csv", row.proposal_id),
            ));
        }
        let adviser = ds
            .researcher_by_id
            .get(row.researcher_id)
            .and_then(|&r| ds.adviser_of[r]);
        if adviser.is_none() {
            problems.push(at(
                1,
                format!(
                    "\"{}\" is not an adviser in advisers.csv",
                    row.researcher_id
                ),
            ));
        }
        let kind = parse_lock(row.lock);
        if kind.is_none() {
            problems.push(at(
                2,
                format!(
                    "\"{}\" is not a lock; use must or must-not",
                    row.lock.to_ascii_lowercase()
                ),
            ));
        }
        if let (Some(proposal), Some(adviser), Some(kind)) = (proposal, adviser, kind) {
            out.push(Lock {
                proposal,
                adviser,
                kind,
            });
        }
    }
    Ok((out, problems, t.rows_read()))
}
