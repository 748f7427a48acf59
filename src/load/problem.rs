//! Validation problems and the per-file row counts that `validate` prints.

use std::fmt;

use serde::Serialize;

/// How bad a problem is: errors reject their row and stop the run;
/// warnings are listed and counted but keep the row.
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
    pub file: String,
    /// 1-based physical line of the row's start (the header is line 1);
    /// `None` for file-level problems.
    pub line: Option<u64>,
    pub field: Option<String>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": column '{field}'")?;
        }
        // Values quoted in messages may hold invisible or bidi characters.
        write!(f, ": {}", super::identifier::escape(&self.message))
    }
}

/// Rows of one file: every row read is either accepted or rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FileCount {
    pub file: String,
    pub present: bool,
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
}

/// Everything validation found. Problems are kept in file order.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ValidationReport {
    pub files: Vec<FileCount>,
    pub problems: Vec<Problem>,
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

    /// The table of row counts, then the problems (at most `max_listed` of
    /// each severity, then "and N more"), as `validate` prints it.
    pub fn render(&self, max_listed: usize) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "{:<22} {:>9} {:>9} {:>9}\n",
            "file", "read", "accepted", "rejected"
        ));
        for f in &self.files {
            if f.present {
                s.push_str(&format!(
                    "{:<22} {:>9} {:>9} {:>9}\n",
                    f.file, f.read, f.accepted, f.rejected
                ));
            } else {
                s.push_str(&format!("{:<22} {:>9}\n", f.file, "(absent)"));
            }
        }
        for sev in [Severity::Error, Severity::Warning] {
            let list: Vec<&Problem> = self.problems.iter().filter(|p| p.severity == sev).collect();
            if list.is_empty() {
                continue;
            }
            let name = if sev == Severity::Error {
                "errors"
            } else {
                "warnings"
            };
            s.push_str(&format!("\n{} {name}:\n", list.len()));
            for p in list.iter().take(max_listed) {
                s.push_str(&format!("  {p}\n"));
            }
            if list.len() > max_listed {
                s.push_str(&format!(
                    "  ... and {} more {name} (use --max-problems to list more)\n",
                    list.len() - max_listed
                ));
            }
        }
        s
    }
}
