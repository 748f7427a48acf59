//! Score files written by other tools: the one reader behind `--scores` in
//! every command and behind standalone `assign --scores`.
//!
//! Recognised layouts (what was recognised is in [`ScoreFile::describe`]):
//! - a header with a proposal column (`proposal_id`, `paper_id`, `paper`,
//!   `submission_id`, `submission`, `note_id`), a researcher column
//!   (`researcher_id`, `reviewer_id`, `reviewer`, `user`, `user_id`) and a
//!   score column (`score`, `affinity`, `similarity`), in any order;
//! - OpenReview's headerless `paper,reviewer,score` rows: a first row whose
//!   third cell is a number is data, and the columns are taken in that
//!   order.
//!
//! Scores are mapped to [0, 1] by one rule, chosen per file from the range
//! of its values and recorded in manifest.json ([`Scaling`]):
//! - every score in [0, 1] → kept as it is;
//! - else every score in [−1, 1] (cosine similarity, what embedding models
//!   give) → `(s + 1) / 2`;
//! - else → min–max over the file: `(s − min) / (max − min)` (a file whose
//!   scores are all equal maps to 0.5: it ranks nobody above anybody).
//!
//! Floating-point overshoot within 1e-9 of a bound (`1.0000000000000004`) is
//! clamped to the bound, not taken as a wider range. A pair given twice is
//! an error naming both lines; `NaN` and infinities are errors.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::report::sha256_file;
use crate::table::typed::Cells;
use crate::table::{self, EncodingChoice, Format, InputRow, Layout, Names, ReadOptions};

/// Values within this distance of a bound are clamped to it.
pub const OVERSHOOT: f64 = 1e-9;

crate::read_row! {
    /// One row of a score file. The columns are found by name or alias,
    /// case ignored, in any order (other columns are ignored); in
    /// OpenReview's headerless files they are the first three, in this
    /// order. The score stays text here so that a bad one is named with
    /// what is wrong with it.
    pub struct ScoreFileRow<'a> {
        pub proposal_id: &'a str | "paper_id" | "paper" | "submission_id" | "submission" | "note_id",
        pub researcher_id: &'a str | "reviewer_id" | "reviewer" | "user" | "user_id",
        pub score: &'a str | "affinity" | "similarity",
    }
}

/// The names a header may give field `k` of [`ScoreFileRow`].
pub fn column_names(k: usize) -> Vec<&'static str> {
    ScoreFileRow::FIELDS.get(k).map_or_else(Vec::new, |f| {
        std::iter::once(f.name)
            .chain(f.aliases.iter().copied())
            .collect()
    })
}

/// How a file's scores were mapped to [0, 1].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Scaling {
    /// Already in [0, 1].
    Identity,
    /// In [−1, 1]: `(s + 1) / 2`.
    Cosine,
    /// `(s − min) / (max − min)`.
    MinMax { min: f64, max: f64 },
}

impl Scaling {
    /// The rule for a file whose raw scores span `[min, max]`.
    pub fn for_range(min: f64, max: f64) -> Scaling {
        if min >= -OVERSHOOT && max <= 1.0 + OVERSHOOT {
            Scaling::Identity
        } else if min >= -1.0 - OVERSHOOT && max <= 1.0 + OVERSHOOT {
            Scaling::Cosine
        } else {
            Scaling::MinMax { min, max }
        }
    }

    /// Maps one raw score into [0, 1].
    pub fn apply(self, s: f64) -> f64 {
        let v = match self {
            Scaling::Identity => s,
            Scaling::Cosine => (s + 1.0) / 2.0,
            Scaling::MinMax { min, max } if max > min => (s - min) / (max - min),
            Scaling::MinMax { .. } => 0.5,
        };
        v.clamp(0.0, 1.0)
    }
}

impl fmt::Display for Scaling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scaling::Identity => f.write_str("scores in [0, 1], used as they are"),
            Scaling::Cosine => f.write_str("scores in [-1, 1] (cosine), mapped by (s+1)/2"),
            Scaling::MinMax { min, max } => {
                write!(f, "scores in [{min}, {max}], mapped by min-max to [0, 1]")
            }
        }
    }
}

/// One scored pair: its IDs as indices of [`ScoreFile::proposal_ids`] and
/// [`ScoreFile::researcher_ids`] (one string per distinct ID, not per row:
/// a dense call has millions of rows over a few thousand IDs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRow {
    pub proposal: u32,
    pub researcher: u32,
    /// In [0, 1] after [`Scaling::apply`].
    pub score: f64,
    /// The score as written.
    pub raw: f64,
    pub line: u64,
}

/// A score file, read and mapped to [0, 1].
#[derive(Clone, Debug)]
pub struct ScoreFile {
    pub path: PathBuf,
    pub format: Format,
    /// `None` for a headerless file.
    pub header: Option<[String; 3]>,
    pub scaling: Scaling,
    pub rows: Vec<ScoreRow>,
    /// Distinct proposal IDs, in the order the file first names them.
    pub proposal_ids: Vec<String>,
    /// Distinct researcher IDs, in the order the file first names them.
    pub researcher_ids: Vec<String>,
    pub sha256: String,
}

/// What manifest.json records of a score file.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScoreFileRecord {
    pub path: String,
    pub sha256: String,
    pub rows: usize,
    /// `proposal_id,researcher_id,score` or `headerless: paper,reviewer,score`.
    pub columns: String,
    pub scaling: Scaling,
    pub weight: f64,
}

impl ScoreFile {
    /// The proposal ID of `row`.
    pub fn proposal_id(&self, row: &ScoreRow) -> &str {
        &self.proposal_ids[row.proposal as usize]
    }

    /// The researcher ID of `row`.
    pub fn researcher_id(&self, row: &ScoreRow) -> &str {
        &self.researcher_ids[row.researcher as usize]
    }

    /// One line for the user: what was recognised and how it was mapped.
    pub fn describe(&self) -> String {
        let cols = match &self.header {
            Some([p, r, s]) => format!("columns {p} → proposal, {r} → researcher, {s} → score"),
            None => "no header: columns read as paper, reviewer, score (OpenReview)".into(),
        };
        format!(
            "{}: {} rows, {}; {cols}; {}",
            self.path.display(),
            self.rows.len(),
            self.format,
            self.scaling
        )
    }

    pub fn record(&self, weight: f64) -> ScoreFileRecord {
        ScoreFileRecord {
            path: self.path.display().to_string(),
            sha256: self.sha256.clone(),
            rows: self.rows.len(),
            columns: match &self.header {
                Some(h) => h.join(","),
                None => "headerless: paper,reviewer,score".into(),
            },
            scaling: self.scaling,
            weight,
        }
    }
}

/// A score file that cannot be used; each names the file, and the line and
/// column where there is one.
#[derive(Debug, thiserror::Error)]
pub enum ScoreFileError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("{path}:{line}: {message}")]
    Line {
        path: String,
        line: u64,
        message: String,
    },
    #[error("{path}:{line}: column '{field}': {message}")]
    Field {
        path: String,
        line: u64,
        field: String,
        message: String,
    },
}

/// The rows of a score file as they are read: IDs interned as they come,
/// the range of the raw scores kept for choosing the [`Scaling`].
struct Parse {
    name: String,
    /// Where the fields of [`ScoreFileRow`] are; `None` until the first
    /// row has decided it.
    layout: Option<Layout>,
    header: Option<[String; 3]>,
    field_names: [String; 3],
    rows: Vec<ScoreRow>,
    pids: foldhash::HashMap<String, u32>,
    rids: foldhash::HashMap<String, u32>,
    proposal_ids: Vec<String>,
    researcher_ids: Vec<String>,
    /// The previous row's proposal: files list a proposal's pairs
    /// together, so most rows skip the hash lookup.
    last_proposal: Option<u32>,
    min: f64,
    max: f64,
}

fn intern(m: &mut foldhash::HashMap<String, u32>, ids: &mut Vec<String>, id: &str) -> u32 {
    if let Some(&i) = m.get(id) {
        return i;
    }
    // Four billion distinct IDs would not fit in memory as strings first.
    let i = u32::try_from(ids.len()).unwrap_or(u32::MAX);
    m.insert(id.to_string(), i);
    ids.push(id.to_string());
    i
}

impl Parse {
    fn new(name: String) -> Parse {
        Parse {
            name,
            layout: None,
            header: None,
            field_names: ["paper", "reviewer", "score"].map(String::from),
            rows: Vec::new(),
            pids: Default::default(),
            rids: Default::default(),
            proposal_ids: Vec::new(),
            researcher_ids: Vec::new(),
            last_proposal: None,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// The first row: a header naming the columns, or OpenReview's first
    /// `paper,reviewer,score` row (taken as data).
    fn first<'c>(&mut self, cells: &impl Cells<'c>, line: u64) -> Result<(), ScoreFileError> {
        let header_cells: Vec<String> = (0..cells.width())
            .map(|k| cells.cell(k).trim().to_string())
            .collect();
        let found = Layout::find::<ScoreFileRow>(&header_cells, Names::IgnoreCase);
        let headerless = cells.width() >= 3 && cells.cell(2).trim().parse::<f64>().is_ok();
        if found.missing::<ScoreFileRow>().is_empty() {
            let names = found.names();
            let h = [names[0].clone(), names[1].clone(), names[2].clone()];
            self.layout = Some(found);
            self.field_names = h.clone();
            self.header = Some(h);
            Ok(())
        } else if headerless {
            self.layout = Some(Layout::positional(
                vec![Some(0), Some(1), Some(2)],
                self.field_names.to_vec(),
            ));
            self.row(cells, line)
        } else {
            Err(ScoreFileError::Field {
                path: self.name.clone(),
                line,
                field: header_cells.join(","),
                message: format!(
                    "is not a header rdmatch recognises: it needs a proposal column ({}), a researcher column ({}) and a score column ({}); or give OpenReview's headerless paper,reviewer,score rows",
                    column_names(0).join(", "),
                    column_names(1).join(", "),
                    column_names(2).join(", ")
                ),
            })
        }
    }

    fn row<'c>(&mut self, cells: &impl Cells<'c>, line: u64) -> Result<(), ScoreFileError> {
        let field = |k: usize, message: String| ScoreFileError::Field {
            path: self.name.clone(),
            line,
            field: self.field_names[k].clone(),
            message,
        };
        if cells.width() < 3 {
            return Err(ScoreFileError::Line {
                path: self.name.clone(),
                line,
                message: format!(
                    "has {} fields; a score row has a proposal, a researcher and a score",
                    cells.width()
                ),
            });
        }
        let Some(layout) = &self.layout else {
            return Ok(());
        };
        let row: ScoreFileRow = layout
            .row(cells)
            .map_err(|e| field(e.field.unwrap_or(2), e.message))?;
        let (pid, rid) = (row.proposal_id, row.researcher_id);
        for (k, v) in [(0, pid), (1, rid)] {
            if v.is_empty() {
                return Err(field(k, "is empty; every row needs an ID".into()));
            }
        }
        let text = row.score;
        let raw: f64 = text
            .parse()
            .map_err(|_| field(2, format!("\"{text}\" is not a number")))?;
        if !raw.is_finite() {
            return Err(field(2, format!("\"{text}\" is not a finite number")));
        }
        self.min = self.min.min(raw);
        self.max = self.max.max(raw);
        let proposal = match self.last_proposal {
            Some(p) if self.proposal_ids[p as usize] == pid => p,
            _ => intern(&mut self.pids, &mut self.proposal_ids, pid),
        };
        self.last_proposal = Some(proposal);
        let researcher = intern(&mut self.rids, &mut self.researcher_ids, rid);
        self.rows.push(ScoreRow {
            proposal,
            researcher,
            score: raw,
            raw,
            line,
        });
        Ok(())
    }

    /// Each row in turn: the first decides the layout.
    fn push<'c>(&mut self, cells: &impl Cells<'c>, line: u64) -> Result<(), ScoreFileError> {
        if self.layout.is_none() {
            self.first(cells, line)
        } else {
            self.row(cells, line)
        }
    }
}

/// Reads a score file (any encoding, line ending, delimiter or `.xlsx` the
/// table layer reads). Text files are read row by row: a dense call's
/// millions of rows never sit in memory as text.
pub fn read_score_file(path: &Path, encoding: EncodingChoice) -> Result<ScoreFile, ScoreFileError> {
    let name = path.display().to_string();
    let file_err = |message: String| ScoreFileError::File {
        path: name.clone(),
        message,
    };
    let table_err = |e: table::TableError| match e.line {
        Some(line) => ScoreFileError::Line {
            path: name.clone(),
            line,
            message: e.message.clone(),
        },
        None => file_err(e.message.clone()),
    };
    let rejected = |r: &table::RejectedRow| ScoreFileError::Line {
        path: name.clone(),
        line: r.position.line(),
        message: r.message.clone(),
    };
    let mut parse = Parse::new(name.clone());
    let format = if table::is_workbook(path) {
        let t = table::read_path(
            path,
            &ReadOptions {
                encoding,
                header: false,
            },
        )
        .map_err(table_err)?;
        if let Some(r) = t.rejected.first() {
            return Err(rejected(r));
        }
        for (cells, pos) in t.rows() {
            parse.push(&cells, pos.line())?;
        }
        t.format
    } else {
        let mut s = table::stream::RowStream::open(path, encoding).map_err(table_err)?;
        if !s.header().is_empty() {
            let (header, line) = (s.header().to_vec(), s.header_line());
            parse.push(&header.as_slice(), line)?;
        }
        loop {
            match s.next_row().map_err(table_err)? {
                None => break,
                Some(table::stream::Next::Rejected(r)) => return Err(rejected(&r)),
                Some(table::stream::Next::Row(cells, pos)) => parse.push(&cells, pos.line())?,
            }
        }
        s.format().clone()
    };
    if parse.layout.is_none() {
        return Err(file_err(
            "has no rows; a score file has one row per (proposal, researcher) pair".into(),
        ));
    }
    let Parse {
        header,
        field_names,
        mut rows,
        proposal_ids,
        researcher_ids,
        min,
        max,
        ..
    } = parse;
    if rows.is_empty() {
        return Err(file_err("has a header but no score rows".into()));
    }
    // The earliest row that repeats an earlier pair, as a line-by-line
    // scan would report it.
    let mut keys: Vec<(u64, u32)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let key = (u64::from(r.proposal) << 32) | u64::from(r.researcher);
            (key, u32::try_from(i).unwrap_or(u32::MAX))
        })
        .collect();
    keys.sort_unstable();
    let repeat = keys
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| (w[1].1, w[0].1))
        .min_by_key(|&(second, _)| second);
    if let Some((second, _)) = repeat {
        let r = rows[second as usize];
        let key = keys.iter().find(|k| k.1 == second).map_or(0, |k| k.0);
        let first = keys
            .iter()
            .filter(|k| k.0 == key)
            .map(|k| k.1)
            .min()
            .unwrap_or(second);
        let first_line = rows[first as usize].line;
        return Err(ScoreFileError::Field {
            path: name.clone(),
            line: r.line,
            field: field_names[1].clone(),
            message: format!(
                "pair ({}, {}) is given on line {first_line} and again on line {}; keep one row per pair",
                proposal_ids[r.proposal as usize], researcher_ids[r.researcher as usize], r.line
            ),
        });
    }
    let scaling = Scaling::for_range(min, max);
    for r in &mut rows {
        r.score = scaling.apply(r.raw);
    }
    let sha256 = sha256_file(path).map_err(|e| file_err(format!("cannot be hashed: {e}")))?;
    Ok(ScoreFile {
        path: path.to_path_buf(),
        format,
        header,
        scaling,
        rows,
        proposal_ids,
        researcher_ids,
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<ScoreFile, ScoreFileError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.csv");
        std::fs::write(&p, text).unwrap();
        read_score_file(&p, EncodingChoice::Auto)
    }

    #[test]
    fn the_rule_is_chosen_by_range() {
        assert_eq!(
            Scaling::for_range(0.0, 1.0000000000000004),
            Scaling::Identity
        );
        assert_eq!(Scaling::for_range(-0.3, 0.9), Scaling::Cosine);
        assert_eq!(
            Scaling::for_range(2.0, 10.0),
            Scaling::MinMax {
                min: 2.0,
                max: 10.0
            }
        );
        assert_eq!(Scaling::Identity.apply(1.0000000000000004), 1.0);
        assert_eq!(Scaling::Cosine.apply(-1.0), 0.0);
        assert_eq!(Scaling::Cosine.apply(0.5), 0.75);
        assert_eq!(
            Scaling::MinMax {
                min: 2.0,
                max: 10.0
            }
            .apply(4.0),
            0.25
        );
        assert_eq!(Scaling::MinMax { min: 3.0, max: 3.0 }.apply(3.0), 0.5);
    }

    #[test]
    fn openreview_headerless_files_are_read() {
        let f = read("paper1,~Ann_Lee1,0.91\r\npaper2,~Ann_Lee1,-0.2\r\n").unwrap();
        assert!(f.header.is_none());
        assert_eq!(f.scaling, Scaling::Cosine);
        assert_eq!(f.rows.len(), 2);
        assert_eq!(f.proposal_id(&f.rows[1]), "paper2");
        assert!((f.rows[1].score - 0.4).abs() < 1e-12);
        assert!(f.describe().contains("OpenReview"), "{}", f.describe());
    }

    #[test]
    fn aliases_in_any_order() {
        let f = read("user;affinity;note_id\nR1;3;P1\nR2;5;P1\n").unwrap();
        assert_eq!(f.header.as_ref().unwrap()[0], "note_id");
        assert_eq!(f.proposal_id(&f.rows[0]), "P1");
        assert_eq!(f.researcher_id(&f.rows[0]), "R1");
        assert_eq!((f.rows[0].score, f.rows[1].score), (0.0, 1.0));
    }

    #[test]
    fn overshoot_is_clamped_not_rejected() {
        let f =
            read("proposal_id,researcher_id,score\nP1,R1,1.0000000000000004\nP1,R2,0\n").unwrap();
        assert_eq!(f.scaling, Scaling::Identity);
        assert_eq!(f.rows[0].score, 1.0);
    }

    #[test]
    fn duplicates_name_both_lines_and_bad_numbers_their_cell() {
        let e =
            read("proposal_id,researcher_id,score\nP1,R1,0.5\nP2,R1,0.5\nP1,R1,0.7\n").unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("s.csv:4") && m.contains("line 2") && m.contains("line 4"),
            "{m}"
        );
        let e = read("proposal_id,researcher_id,score\nP1,R1,NaN\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2: column 'score'"), "{e}");
        let e = read("pid,rid,x\nP1,R1,0.3\n").unwrap_err().to_string();
        assert!(e.contains("not a header rdmatch recognises"), "{e}");
    }
}
