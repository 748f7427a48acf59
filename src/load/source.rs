//! Reading one input file: bytes → encoding check → structural pre-pass →
//! polars frame of strings.
//!
//! The pre-pass (the `csv` crate) exists because polars reports ragged rows
//! without a line number and counts rows, not lines, so a quoted newline would
//! shift every position after it. The pre-pass records the physical line of
//! each record, rejects ragged records with their line, and hands polars only
//! well-formed bytes; row `i` of the frame is then record `lines[i]`.

use std::borrow::Cow;
use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

use super::problem::{Problem, Severity};
use super::schema::FileSpec;

/// The character encoding of the input files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputEncoding {
    /// UTF-8, with or without a byte-order mark (the default).
    #[default]
    Utf8,
    /// Shift_JIS (as written by older Japanese Excel), transcoded to UTF-8.
    ShiftJis,
}

/// A file read into a frame of strings, with each row's line number.
pub struct RawFile {
    /// Physical line (1-based) where each row of `frame` starts.
    pub lines: Vec<u64>,
    /// Every column as polars `String`; row order = file order.
    pub frame: DataFrame,
    /// Records the pre-pass rejected (ragged rows).
    pub rejected: usize,
}

fn problem(file: &str, line: Option<u64>, field: Option<&str>, message: String) -> Problem {
    Problem {
        severity: Severity::Error,
        file: file.to_string(),
        line,
        field: field.map(str::to_string),
        message,
    }
}

/// Decodes the bytes to UTF-8 text. A byte-order mark is dropped. Invalid
/// UTF-8 is reported with its line, and when the bytes decode cleanly as
/// Shift_JIS the message says so and how to proceed.
pub fn decode<'a>(
    file: &str,
    bytes: &'a [u8],
    enc: InputEncoding,
) -> Result<Cow<'a, [u8]>, Problem> {
    match enc {
        InputEncoding::ShiftJis => {
            let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(problem(
                    file,
                    None,
                    None,
                    "is not valid Shift_JIS either; check the file's encoding (e.g. `file -i`) and convert it to UTF-8".into(),
                ));
            }
            Ok(Cow::Owned(text.into_owned().into_bytes()))
        }
        InputEncoding::Utf8 => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            match std::str::from_utf8(body) {
                Ok(_) => Ok(Cow::Borrowed(body)),
                Err(e) => {
                    let at = e.valid_up_to();
                    let line = body[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                    let sjis = encoding_rs::SHIFT_JIS
                        .decode_without_bom_handling_and_without_replacement(body)
                        .is_some();
                    let hint = if sjis {
                        "the file looks like Shift_JIS: re-run with `--encoding shift_jis`, or convert it with `iconv -f SHIFT_JIS -t UTF-8`"
                    } else {
                        "save the file as UTF-8 (in Excel: \"CSV UTF-8\")"
                    };
                    Err(problem(
                        file,
                        Some(line),
                        None,
                        format!("is not valid UTF-8 (byte {} of the file); {hint}", at + 1),
                    ))
                }
            }
        }
    }
}

/// Reads `dir/spec.name`. Returns `Ok(None)` for an absent optional file.
/// File-level problems (absent, unreadable, empty, bad encoding, missing
/// columns) are returned as `Err` and make every row of the file rejected;
/// row-level problems are pushed to `problems`.
pub fn read(
    dir: &Path,
    spec: &FileSpec,
    enc: InputEncoding,
    problems: &mut Vec<Problem>,
) -> Result<Option<RawFile>, (Problem, usize)> {
    let path = dir.join(spec.name);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if spec.optional {
                return Ok(None);
            }
            let cols: Vec<&str> = spec
                .columns
                .iter()
                .filter(|c| c.required)
                .map(|c| c.name)
                .collect();
            return Err((
                problem(
                    spec.name,
                    None,
                    None,
                    format!(
                        "required file is missing from {}; create it with the header: {}",
                        dir.display(),
                        cols.join(",")
                    ),
                ),
                0,
            ));
        }
        Err(e) => {
            return Err((
                problem(spec.name, None, None, format!("cannot be read: {e}")),
                0,
            ));
        }
    };
    let text = decode(spec.name, &bytes, enc).map_err(|p| (p, 0))?;
    prepass_and_frame(spec, &text, problems)
}

fn prepass_and_frame(
    spec: &FileSpec,
    text: &[u8],
    problems: &mut Vec<Problem>,
) -> Result<Option<RawFile>, (Problem, usize)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text);
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            return Err((
                problem(
                    spec.name,
                    Some(1),
                    None,
                    format!("cannot read the header: {e}"),
                ),
                0,
            ))
        }
    };
    if header.iter().all(|h| h.is_empty()) {
        let cols: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        return Err((
            problem(
                spec.name,
                Some(1),
                None,
                format!(
                    "is empty; the first line must be the header: {}",
                    cols.join(",")
                ),
            ),
            0,
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for h in &header {
        if !seen.insert(h.as_str()) {
            return Err((
                problem(
                    spec.name,
                    Some(1),
                    Some(h),
                    "appears twice in the header; remove one".into(),
                ),
                0,
            ));
        }
    }

    // Structural pass: line of each record; ragged records are cut out of
    // the bytes handed to polars.
    let mut lines = Vec::new();
    let mut clean: Vec<u8> = Vec::with_capacity(text.len());
    // The header is rewritten trimmed so polars' column names match ours.
    {
        let mut w = csv::WriterBuilder::new().from_writer(&mut clean);
        w.write_record(&header)
            .and_then(|_| w.flush().map_err(csv::Error::from))
            .map_err(|e| {
                (
                    problem(
                        spec.name,
                        Some(1),
                        None,
                        format!("cannot re-encode the header: {e}"),
                    ),
                    0,
                )
            })?;
    }
    let mut record = csv::ByteRecord::new();
    let mut rejected = 0usize;
    let mut start = rdr.position().clone();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let end = rdr.position().clone();
                let line = start.line();
                let s = start.byte() as usize;
                let e = (end.byte() as usize).min(text.len());
                if record.len() != header.len() {
                    rejected += 1;
                    let spans = end.line() > start.line() + 1;
                    let hint = if spans && record.len() < header.len() {
                        " An unclosed quote (\") may have joined the following lines into this row."
                    } else if record.len() > header.len() {
                        " A value containing a comma must be quoted (\"a, b\")."
                    } else {
                        ""
                    };
                    problems.push(problem(
                        spec.name,
                        Some(line),
                        None,
                        format!(
                            "row has {} fields but the header has {}; the row is rejected.{hint}",
                            record.len(),
                            header.len()
                        ),
                    ));
                } else {
                    lines.push(line);
                    clean.extend_from_slice(&text[s..e]);
                    if e == text.len() && !text.ends_with(b"\n") {
                        clean.push(b'\n');
                    }
                }
                start = end;
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(start.line());
                return Err((
                    problem(
                        spec.name,
                        Some(line),
                        None,
                        format!("is not valid CSV: {e}"),
                    ),
                    0,
                ));
            }
        }
    }

    // Required columns: say which is missing and which were found.
    for col in spec.columns.iter().filter(|c| c.required) {
        if !header.iter().any(|h| h == col.name) {
            return Err((
                problem(
                    spec.name,
                    Some(1),
                    Some(col.name),
                    format!(
                        "required column is missing; the header has: {}. Add the column (it may be renamed or misspelt)",
                        header.join(",")
                    ),
                ),
                lines.len() + rejected,
            ));
        }
    }
    for h in &header {
        if !spec.columns.iter().any(|c| c.name == h) {
            problems.push(Problem {
                severity: Severity::Warning,
                file: spec.name.to_string(),
                line: Some(1),
                field: Some(h.clone()),
                message: "unknown column is ignored; see docs/data-format.md for the columns rdmatch reads".into(),
            });
        }
    }

    let frame = if lines.is_empty() {
        DataFrame::empty()
    } else {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .with_parse_options(CsvParseOptions::default().with_missing_is_null(false))
            .into_reader_with_file_handle(Cursor::new(clean))
            .finish()
            .map_err(|e| {
                (
                    problem(
                        spec.name,
                        None,
                        None,
                        format!("could not be parsed into a table: {e}"),
                    ),
                    lines.len() + rejected,
                )
            })?
    };
    if frame.height() != lines.len() {
        return Err((
            problem(
                spec.name,
                None,
                None,
                format!(
                    "the CSV reader found {} rows where the structural check found {}; please report this file",
                    frame.height(),
                    lines.len()
                ),
            ),
            lines.len() + rejected,
        ));
    }
    Ok(Some(RawFile {
        lines,
        frame,
        rejected,
    }))
}

/// The cells of one column as `&str` (absent column or null → "").
pub fn column<'a>(raw: &'a RawFile, name: &str) -> Vec<&'a str> {
    let n = raw.frame.height();
    match raw.frame.column(name).ok().and_then(|c| c.str().ok()) {
        Some(ca) => ca.iter().map(|v| v.map(str::trim).unwrap_or("")).collect(),
        None => vec![""; n],
    }
}
