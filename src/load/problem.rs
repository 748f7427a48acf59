//! Validation problems, the per-file row counts that `validate` prints, and
//! how both are rendered so that a person can act on them: one line per
//! kind of problem (with the count and the first lines when it repeats),
//! and one line for the rows rejected only because they refer to rejected
//! rows, under the file where the chain started.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// How bad a problem is: errors reject their row and stop the run (unless
/// `--keep-going`); warnings are listed and counted but keep the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located as precisely as the input allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// The file as the user named it (`proposals.csv`, `proposals.xlsx`).
    pub file: String,
    /// 1-based physical line of the row's start (the header is line 1), or
    /// the worksheet row; `None` for file-level problems.
    pub line: Option<u64>,
    /// `Sheet1!C17` for a cell of a workbook.
    pub cell: Option<String>,
    pub field: Option<String>,
    /// What is wrong and what to do about it.
    pub message: String,
    /// The message without the row's own values (`is empty`), shared by
    /// every row with the same problem so they print as one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The row was rejected only because it refers to a rejected row; the
    /// file where that chain of rejections started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cascade_from: Option<String>,
}

impl Problem {
    /// An error on a whole file (no row).
    pub fn file_error(
        file: &str,
        line: Option<u64>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            cell: None,
            field: field.map(str::to_string),
            message: message.into(),
            kind: None,
            cascade_from: None,
        }
    }

    /// A warning on a whole file (no row).
    pub fn file_warning(file: &str, field: Option<&str>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::file_error(file, None, field, message)
        }
    }

    /// `file:line` or `file[Sheet1]!C17`.
    pub fn location(&self) -> String {
        match (&self.cell, self.line) {
            (Some(cell), _) => match cell.split_once('!') {
                Some((sheet, c)) => format!("{}[{sheet}]!{c}", self.file),
                None => format!("{}!{cell}", self.file),
            },
            (None, Some(line)) => format!("{}:{line}", self.file),
            (None, None) => self.file.clone(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", severity_word(self.severity), self.location())?;
        if let Some(field) = &self.field {
            write!(f, ": column '{field}'")?;
        }
        // Values quoted in messages may hold invisible or bidi characters.
        write!(
            f,
            ": {}",
            shortened(&super::identifier::escape(&self.message))
        )
    }
}

/// Messages quote the cell they are about; a 10 MB cell would flood the
/// terminal, so a message is cut to its first and last characters.
fn shortened(message: &str) -> std::borrow::Cow<'_, str> {
    const KEEP: usize = 400;
    let n = message.chars().count();
    if n <= 2 * KEEP {
        return std::borrow::Cow::Borrowed(message);
    }
    let head: String = message.chars().take(KEEP).collect();
    let tail: String = message.chars().skip(n - KEEP).collect();
    std::borrow::Cow::Owned(format!(
        "{head} … ({} characters left out) … {tail}",
        n - 2 * KEEP
    ))
}

impl std::error::Error for Problem {}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Rows of one file: every row read is either accepted or rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FileCount {
    pub file: String,
    pub present: bool,
    /// How the file was read (`UTF-8, comma-separated`, `xlsx, sheet Sheet1`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub format: String,
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
}

/// A row left out of the run (`--keep-going`), with every reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DroppedRow {
    pub file: String,
    /// `file:line` or `file[Sheet]!A17`.
    pub location: String,
    pub line: Option<u64>,
    /// Each reason as `column 'x': message`.
    pub reasons: Vec<String>,
    /// The file whose rejected row this one depends on, if that is why.
    pub cascade_from: Option<String>,
}

/// Everything validation found. Problems are kept in file order.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ValidationReport {
    pub files: Vec<FileCount>,
    pub problems: Vec<Problem>,
    /// Files that could not be used at all (unreadable, bad header, two
    /// copies): no run can go on without them, even with `--keep-going`.
    pub unusable_files: Vec<String>,
}

/// Repeated problems print as one line from this many rows on.
const GROUP_FROM: usize = 4;
/// Line numbers a grouped line shows before `…` and the last one.
const GROUP_SHOWN: usize = 3;

/// `4982` → `4,982`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl ValidationReport {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }
    pub fn error_count(&self) -> usize {
        self.errors().count()
    }
    pub fn warning_count(&self) -> usize {
        self.warnings().count()
    }
    /// Files with an error that makes every row of them unusable.
    pub fn file_error_count(&self) -> usize {
        self.unusable_files.len()
    }
    /// Rows rejected in all files.
    pub fn rejected_rows(&self) -> usize {
        self.files.iter().map(|f| f.rejected).sum()
    }

    /// Every rejected row once, with all its reasons, in file order.
    pub fn dropped_rows(&self) -> Vec<DroppedRow> {
        let mut out: Vec<DroppedRow> = Vec::new();
        let mut at: BTreeMap<(String, u64, Option<String>), usize> = BTreeMap::new();
        for p in self.errors() {
            let Some(line) = p.line else { continue };
            let reason = match &p.field {
                Some(f) => format!("column '{f}': {}", p.message),
                None => p.message.clone(),
            };
            let row_cell = p
                .cell
                .as_ref()
                .map(|c| c.split('!').next().unwrap_or("").to_string());
            let key = (p.file.clone(), line, row_cell);
            match at.get(&key) {
                Some(&i) => {
                    out[i].reasons.push(reason);
                    if p.cascade_from.is_none() {
                        out[i].cascade_from = None;
                    }
                }
                None => {
                    at.insert(key, out.len());
                    let location = match &p.cell {
                        Some(c) => format!(
                            "{}[{}]:row {line}",
                            p.file,
                            c.split('!').next().unwrap_or("")
                        ),
                        None => format!("{}:{line}", p.file),
                    };
                    out.push(DroppedRow {
                        file: p.file.clone(),
                        location,
                        line: Some(line),
                        reasons: vec![reason],
                        cascade_from: p.cascade_from.clone(),
                    });
                }
            }
        }
        out
    }

    /// The table of row counts, then the problems: each kind of problem on
    /// one line (at most `max_listed` lines of each severity, then "and N
    /// more"), and under each file the rows of other files that were
    /// rejected with its rows.
    pub fn render(&self, max_listed: usize) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "{:<22} {:>9} {:>9} {:>9}  {}\n",
            "file", "read", "accepted", "rejected", "read as"
        ));
        for f in &self.files {
            if f.present {
                s.push_str(&format!(
                    "{:<22} {:>9} {:>9} {:>9}  {}\n",
                    f.file, f.read, f.accepted, f.rejected, f.format
                ));
            } else {
                s.push_str(&format!("{:<22} {:>9}\n", f.file, "(absent)"));
            }
        }
        for sev in [Severity::Error, Severity::Warning] {
            let lines = self.grouped_lines(sev);
            if lines.is_empty() {
                continue;
            }
            let n = self.problems.iter().filter(|p| p.severity == sev).count();
            let name = if sev == Severity::Error {
                "errors"
            } else {
                "warnings"
            };
            s.push_str(&format!("\n{} {name}:\n", thousands(n)));
            for l in lines.iter().take(max_listed) {
                s.push_str(&format!("  {l}\n"));
            }
            if lines.len() > max_listed {
                s.push_str(&format!(
                    "  ... and {} more lines of {name} (use --max-problems to list more)\n",
                    thousands(lines.len() - max_listed)
                ));
            }
        }
        s
    }

    /// Everything: the counts, every problem line, and each row left out
    /// with all its reasons (validation.txt of a run).
    pub fn render_full(&self) -> String {
        let mut s = self.render(usize::MAX);
        let dropped = self.dropped_rows();
        if !dropped.is_empty() {
            s.push_str(&format!(
                "\n{} row(s) left out of the run (--keep-going):\n",
                thousands(dropped.len())
            ));
            for d in &dropped {
                s.push_str(&format!("  {}: {}\n", d.location, d.reasons.join("; ")));
            }
        }
        s
    }

    /// The problems of one severity as printed lines: problems that share
    /// file, field and kind collapse into one line from [`GROUP_FROM`] rows
    /// on; rows rejected through a reference are one line per root file,
    /// placed after that file's own problems.
    pub fn grouped_lines(&self, sev: Severity) -> Vec<String> {
        type Key<'a> = (&'a str, Option<&'a str>, &'a str);
        let mut order: Vec<Key> = Vec::new();
        let mut groups: BTreeMap<Key, Vec<&Problem>> = BTreeMap::new();
        let mut cascades: BTreeMap<&str, Vec<&Problem>> = BTreeMap::new();
        for p in self.problems.iter().filter(|p| p.severity == sev) {
            if let Some(root) = &p.cascade_from {
                cascades.entry(root.as_str()).or_default().push(p);
                continue;
            }
            // Problems without a kind are never grouped: the message is the key.
            let key: Key = (
                p.file.as_str(),
                p.field.as_deref(),
                p.kind.as_deref().unwrap_or(p.message.as_str()),
            );
            let g = groups.entry(key).or_default();
            if g.is_empty() {
                order.push(key);
            }
            g.push(p);
        }
        let mut out = Vec::new();
        let mut done_roots: Vec<&str> = Vec::new();
        for (i, key) in order.iter().enumerate() {
            let g = &groups[key];
            if g.len() >= GROUP_FROM && g[0].kind.is_some() {
                out.push(group_line(g));
            } else {
                out.extend(g.iter().map(|p| p.to_string()));
            }
            let last_of_file = order.get(i + 1).is_none_or(|next| next.0 != key.0);
            if last_of_file {
                if let Some(c) = cascades.get(key.0) {
                    push_cascade(&mut out, key.0, c);
                    done_roots.push(key.0);
                }
            }
        }
        for (root, c) in &cascades {
            if !done_roots.contains(root) {
                push_cascade(&mut out, root, c);
            }
        }
        out
    }
}

fn group_line(g: &[&Problem]) -> String {
    let p = g[0];
    let lines: Vec<String> = g
        .iter()
        .take(GROUP_SHOWN)
        .map(|p| {
            p.cell
                .clone()
                .or_else(|| p.line.map(|l| l.to_string()))
                .unwrap_or_default()
        })
        .collect();
    let mut shown = lines.join(", ");
    if g.len() > GROUP_SHOWN {
        let last = g[g.len() - 1];
        let last = last
            .cell
            .clone()
            .or_else(|| last.line.map(|l| l.to_string()))
            .unwrap_or_default();
        shown.push_str(&format!(", … {last}"));
    }

    let what = if p.cell.is_some() { "cells" } else { "lines" };
    let mut s = format!("{}: {}", severity_word(p.severity), p.file);
    if let Some(field) = &p.field {
        s.push_str(&format!(": column '{field}'"));
    }
    s.push_str(&format!(
        " {} on {} rows ({what} {})",
        p.kind.as_deref().unwrap_or(""),
        thousands(g.len()),
        shown
    ));
    s
}

/// A few dependent rows are listed as they are; many are one example and
/// one line for the rest.
fn push_cascade(out: &mut Vec<String>, root: &str, c: &[&Problem]) {
    if c.len() < GROUP_FROM {
        out.extend(c.iter().map(|p| p.to_string()));
        return;
    }
    let first = (c[0].file.as_str(), c[0].line);
    out.push(c[0].to_string());
    let rest: Vec<&Problem> = c
        .iter()
        .copied()
        .filter(|p| (p.file.as_str(), p.line) != first)
        .collect();
    if !rest.is_empty() {
        out.push(cascade_line(root, &rest));
    }
}

fn cascade_line(root: &str, c: &[&Problem]) -> String {
    let mut rows: Vec<(&str, u64)> = c
        .iter()
        .map(|p| (p.file.as_str(), p.line.unwrap_or(0)))
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let mut files: Vec<&str> = Vec::new();
    for p in c {
        if !files.contains(&p.file.as_str()) {
            files.push(p.file.as_str());
        }
    }
    format!(
        "{}: and {} more rows of {} that refer to rejected rows of {root} (directly or through other rejected rows) are rejected with them",
        severity_word(c[0].severity),
        thousands(rows.len()),
        and_list(&files)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_country(line: u64) -> Problem {
        Problem {
            severity: Severity::Error,
            file: "institutions.csv".into(),
            line: Some(line),
            cell: None,
            field: Some("country".into()),
            message: "is empty; every row needs a country".into(),
            kind: Some("is empty".into()),
            cascade_from: None,
        }
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(4982), "4,982");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn repeated_problems_are_one_line_with_count_and_first_lines() {
        let mut r = ValidationReport::default();
        r.problems.extend((2..=438).map(empty_country));
        let lines = r.grouped_lines(Severity::Error);
        assert_eq!(
            lines,
            ["error: institutions.csv: column 'country' is empty on 437 rows (lines 2, 3, 4, … 438)"]
        );
    }

    #[test]
    fn few_repeats_are_listed_one_by_one() {
        let mut r = ValidationReport::default();
        r.problems.extend((2..=4).map(empty_country));
        assert_eq!(r.grouped_lines(Severity::Error).len(), 3);
    }

    #[test]
    fn dependents_are_summarised_under_the_root_file() {
        let mut r = ValidationReport::default();
        r.problems.push(empty_country(2));
        for (file, n) in [
            ("researchers.csv", 3u64),
            ("advisers.csv", 2),
            ("proposal_members.csv", 1),
        ] {
            for line in 0..n {
                r.problems.push(Problem {
                    file: file.into(),
                    line: Some(line + 2),
                    field: Some("x".into()),
                    message: "refers to a rejected row".into(),
                    kind: Some("refers to a rejected row".into()),
                    cascade_from: Some("institutions.csv".into()),
                    ..empty_country(0)
                });
            }
        }
        let lines = r.grouped_lines(Severity::Error);
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(
            lines[1].starts_with("error: researchers.csv:2: column 'x'"),
            "{}",
            lines[1]
        );
        assert_eq!(
            lines[2],
            "error: and 5 more rows of researchers.csv, advisers.csv and proposal_members.csv that refer to rejected rows of institutions.csv (directly or through other rejected rows) are rejected with them"
        );
        let dropped = r.dropped_rows();
        assert_eq!(dropped.len(), 7);
        assert_eq!(dropped[1].cascade_from.as_deref(), Some("institutions.csv"));
    }

    #[test]
    fn workbook_cells_are_named() {
        let p = Problem {
            file: "proposals.xlsx".into(),
            line: Some(17),
            cell: Some("Sheet1!C17".into()),
            field: Some("year".into()),
            message: "\"20x1\" is not a year".into(),
            ..empty_country(0)
        };
        assert_eq!(
            p.to_string(),
            "error: proposals.xlsx[Sheet1]!C17: column 'year': \"20x1\" is not a year"
        );
    }
}
