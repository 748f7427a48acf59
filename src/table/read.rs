//! One reader for every table rdmatch reads: a data-folder file, locks,
//! score files, conflicts lists, edge lists. Text files are decoded
//! (`decode`), their delimiter is detected from the header line, and the
//! `csv` crate splits them once, recording the physical line of every
//! record; `.xlsx` workbooks are read with calamine and every cell keeps its
//! sheet and address. Either way the caller gets a [`RawTable`]: a header,
//! the cells of every well-formed row, each row's [`Position`], and the
//! rows that were rejected with why.
//!
//! The `csv` crate splits the text, not polars, because polars' reader
//! cannot say which physical line a row started on (quoted newlines shift
//! every later row) nor reject one ragged row and keep the rest; the cells
//! go from here into polars frames (see `load::source`) without being
//! written out and parsed a second time.

use std::fmt;
use std::path::Path;

use polars::prelude::{PlSmallStr, StringChunked, StringChunkedBuilder};
use serde::Serialize;

use super::decode::{decode, Encoding, EncodingChoice};

/// Where a row (or a cell of it) is in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Position {
    /// 1-based physical line of a text file where the row starts.
    Line(u64),
    /// 1-based worksheet row; `first_col` is the 0-based column of the
    /// header's first cell, so column `i` of the table is `first_col + i`.
    Cell { row: u32, first_col: u32 },
}

impl Position {
    /// The line (or worksheet row) number.
    pub fn line(&self) -> u64 {
        match self {
            Position::Line(l) => *l,
            Position::Cell { row, .. } => u64::from(*row),
        }
    }

    /// The A1-style address of column `col` of this row, for workbooks.
    pub fn cell(&self, col: usize) -> Option<String> {
        match self {
            Position::Line(_) => None,
            Position::Cell { row, first_col } => {
                let c = u32::try_from(col).ok()?.checked_add(*first_col)?;
                Some(format!("{}{row}", column_letters(c)))
            }
        }
    }
}

/// `0 → A`, `25 → Z`, `26 → AA`, as spreadsheets name columns.
pub fn column_letters(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        // `col % 26` is below 26, so the narrowing cannot lose anything.
        s.push(b'A' + u8::try_from(col % 26).unwrap_or(0));
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The field separator of a text table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Delimiter {
    Comma,
    Tab,
    Semicolon,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Tab => b'\t',
            Delimiter::Semicolon => b';',
        }
    }
}

impl fmt::Display for Delimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Delimiter::Comma => "comma",
            Delimiter::Tab => "tab",
            Delimiter::Semicolon => "semicolon",
        })
    }
}

/// How a table was read, for the validation summary and manifest.json.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Format {
    pub encoding: Encoding,
    /// `None` for workbooks.
    pub delimiter: Option<Delimiter>,
    /// The worksheet read, for workbooks.
    pub sheet: Option<String>,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.sheet, self.delimiter) {
            (Some(sheet), _) => write!(f, "xlsx, sheet {sheet}"),
            (None, Some(d)) => write!(f, "{}, {d}-separated", self.encoding),
            (None, None) => write!(f, "{}", self.encoding),
        }
    }
}

/// A row that could not be used as a row at all (wrong number of fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedRow {
    pub position: Position,
    pub message: String,
}

/// The cells of one column: a polars string array, filled by the reader
/// as it tokenises, so the cells of a data file reach their polars frame
/// without another copy.
pub type TextColumn = StringChunked;

/// Builds a [`RawTable`] row by row.
pub(super) struct Builder {
    pub table: RawTable,
    cols: Vec<StringChunkedBuilder>,
}

impl Builder {
    pub fn new(format: Format) -> Builder {
        Builder {
            table: RawTable {
                format,
                header: Vec::new(),
                columns: Vec::new(),
                positions: Vec::new(),
                rejected: Vec::new(),
            },
            cols: Vec::new(),
        }
    }

    /// Sets the header; the table then has its columns.
    pub fn header(&mut self, header: Vec<String>) {
        self.cols = (0..header.len())
            .map(|_| StringChunkedBuilder::new(PlSmallStr::EMPTY, 0))
            .collect();
        self.table.header = header;
    }

    /// Appends a row of exactly as many cells as there are columns (for a
    /// table without a header, the first row sets the width).
    pub fn push_row<'c>(
        &mut self,
        cells: impl ExactSizeIterator<Item = &'c str>,
        position: Position,
    ) {
        if self.cols.is_empty() {
            self.cols = (0..cells.len())
                .map(|_| StringChunkedBuilder::new(PlSmallStr::EMPTY, 0))
                .collect();
        }
        for (c, cell) in self.cols.iter_mut().zip(cells) {
            c.append_value(cell);
        }
        self.table.positions.push(position);
    }

    /// Columns so far (0 before the header or the first row).
    pub fn width(&self) -> usize {
        self.cols.len()
    }

    pub fn finish(mut self) -> RawTable {
        self.table.columns = self
            .cols
            .into_iter()
            .map(StringChunkedBuilder::finish)
            .collect();
        self.table
    }
}

/// A table as read: header, well-formed rows (column by column), their
/// positions, and the rows that were rejected. Every column has one cell
/// per row.
#[derive(Clone, Debug)]
pub struct RawTable {
    pub format: Format,
    /// Header cells, trimmed (empty when read without a header).
    pub header: Vec<String>,
    pub columns: Vec<TextColumn>,
    pub positions: Vec<Position>,
    pub rejected: Vec<RejectedRow>,
}

/// One row of a [`RawTable`]; `row[k]` is the cell of column `k`.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    table: &'a RawTable,
    i: usize,
}

impl<'a> Row<'a> {
    pub fn len(&self) -> usize {
        self.table.columns.len()
    }
    pub fn is_empty(&self) -> bool {
        self.table.columns.is_empty()
    }
    pub fn get(&self, k: usize) -> &'a str {
        self.table
            .columns
            .get(k)
            .and_then(|c| c.get(self.i))
            .unwrap_or("")
    }
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + 'a {
        let (t, i) = (self.table, self.i);
        t.columns.iter().map(move |c| c.get(i).unwrap_or(""))
    }
}

impl std::ops::Index<usize> for Row<'_> {
    type Output = str;
    fn index(&self, k: usize) -> &str {
        self.get(k)
    }
}

impl RawTable {
    /// Well-formed rows.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Rows read: accepted as rows plus rejected.
    pub fn rows_read(&self) -> usize {
        self.len() + self.rejected.len()
    }

    /// Index of the header cell named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    pub fn row(&self, i: usize) -> Row<'_> {
        Row { table: self, i }
    }

    /// The well-formed rows with their positions.
    pub fn rows(&self) -> impl Iterator<Item = (Row<'_>, &Position)> {
        (0..self.len()).map(move |i| (self.row(i), &self.positions[i]))
    }
}

/// How to read a table.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions {
    pub encoding: EncodingChoice,
    /// The first row is a header (true for every file rdmatch defines; a
    /// caller that accepts headerless files reads with `true` and decides).
    pub header: bool,
}

/// A file that cannot be read as a table at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TableError {
    /// Line or worksheet row, when the problem has one.
    pub line: Option<u64>,
    pub message: String,
}

impl TableError {
    pub(crate) fn new(line: Option<u64>, message: impl Into<String>) -> TableError {
        TableError {
            line,
            message: message.into(),
        }
    }
}

/// Whether `path` is read as a workbook.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Reads the table at `path` (text or `.xlsx`).
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<RawTable, TableError> {
    let bytes =
        std::fs::read(path).map_err(|e| TableError::new(None, format!("cannot be read: {e}")))?;
    if is_workbook(path) {
        super::xlsx::read(&bytes, opts)
    } else {
        let (text, encoding) = super::decode::decode_owned(bytes, opts.encoding)
            .map_err(|e| TableError::new(e.line, e.message))?;
        read_text(&text, encoding, opts.header)
    }
}

/// Reads every table at `path`: each worksheet of an `.xlsx`, or the one
/// table of a text file.
pub fn read_path_all(path: &Path, opts: &ReadOptions) -> Result<Vec<RawTable>, TableError> {
    if is_workbook(path) {
        let bytes = std::fs::read(path)
            .map_err(|e| TableError::new(None, format!("cannot be read: {e}")))?;
        super::xlsx::read_all_sheets(&bytes, opts)
    } else {
        read_path(path, opts).map(|t| vec![t])
    }
}

/// Reads a text table from bytes.
pub fn read_bytes(bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, TableError> {
    let (text, encoding) =
        decode(bytes, opts.encoding).map_err(|e| TableError::new(e.line, e.message))?;
    read_text(&text, encoding, opts.header)
}

/// The separator that occurs most often outside quotes in the first line;
/// comma when none occurs or on a tie with comma.
pub fn detect_delimiter(text: &str) -> Delimiter {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for b in text.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => break,
            b',' if !in_quotes => counts[0] += 1,
            b'\t' if !in_quotes => counts[1] += 1,
            b';' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let best = [Delimiter::Comma, Delimiter::Tab, Delimiter::Semicolon]
        .into_iter()
        .zip(counts)
        .fold(
            (Delimiter::Comma, 0),
            |acc, (d, n)| if n > acc.1 { (d, n) } else { acc },
        );
    best.0
}

/// Splits LF-terminated text (as `decode` returns it) into a table.
pub fn read_text(text: &str, encoding: Encoding, header: bool) -> Result<RawTable, TableError> {
    let delimiter = detect_delimiter(text);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut table = Builder::new(Format {
        encoding,
        delimiter: Some(delimiter),
        sheet: None,
    });
    let mut width: Option<usize> = None;
    loop {
        let start = rdr.position().clone();
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(start.line(), |p| p.line());
                return Err(TableError::new(
                    Some(line),
                    format!("is not valid CSV near line {line}: {}", csv_kind(&e)),
                ));
            }
        }
        let end = rdr.position().clone();
        // The reader skips blank lines before a record without counting
        // them in the position it gives; the text is LF-only, so each
        // skipped blank line is one '\n' at the start.
        let blank = text.as_bytes()[slice_start(text, start.byte())..]
            .iter()
            .take_while(|&&b| b == b'\n')
            .count();
        let line = start.line() + u64::try_from(blank).unwrap_or(0);
        // A blank line between rows is not a row (Excel and editors leave them).
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        // The span starts after the skipped blank lines, so that the line
        // of an unclosed quote below is not shifted by them.
        let skipped = u64::try_from(blank).unwrap_or(0);
        let span = slice(text, start.byte().saturating_add(skipped), end.byte());
        let at_end = usize::try_from(end.byte()).map_or(true, |e| e >= text.len());
        if let Some(open_at) = at_end
            .then(|| unclosed_quote(span, delimiter.byte()))
            .flatten()
        {
            let before = span[..open_at].iter().filter(|&&b| b == b'\n').count();
            let opened = line + u64::try_from(before).unwrap_or(0);
            return Err(unclosed_quote_error(opened));
        }
        // The text is valid UTF-8 and the delimiters and quotes are ASCII,
        // so every field is valid UTF-8 too.
        let field = |k: usize| std::str::from_utf8(&record[k]).unwrap_or("");
        let n = record.len();
        if header && width.is_none() {
            table.header(
                (0..n)
                    .map(|k| field(k).trim().trim_start_matches('\u{feff}').to_string())
                    .collect(),
            );
            width = Some(n);
            continue;
        }
        let w = *width.get_or_insert(n);
        if n != w {
            let spans = end.line() > start.line() + skipped + 1;
            table.table.rejected.push(RejectedRow {
                position: Position::Line(line),
                message: width_message(n, w, spans, delimiter),
            });
            continue;
        }
        table.push_row((0..n).map(field), Position::Line(line));
    }
    Ok(table.finish())
}

/// Why a row of `n` fields is rejected under a header of `w`; `spans`
/// when the row covers more than one line.
pub(super) fn width_message(n: usize, w: usize, spans: bool, delimiter: Delimiter) -> String {
    let hint = if spans && n < w {
        " An unclosed quote (\") may have joined the following lines into this row."
    } else if n > w {
        match delimiter {
            Delimiter::Comma => " A value containing a comma must be quoted (\"a, b\").",
            Delimiter::Semicolon => " A value containing a semicolon must be quoted (\"a; b\").",
            Delimiter::Tab => " A value containing a tab must be quoted.",
        }
    } else {
        ""
    };
    format!("row has {n} fields but the header has {w}; the row is rejected.{hint}")
}

/// A quote that opens on line `opened` and never closes.
pub(super) fn unclosed_quote_error(opened: u64) -> TableError {
    TableError::new(
        Some(opened),
        format!(
            "row has a quote (\") that opens on line {opened} and is never closed. An unclosed quote joins every line after it into one cell: close the quote, or double it (\"\") inside a quoted value"
        ),
    )
}

fn slice_start(text: &str, from: u64) -> usize {
    usize::try_from(from).unwrap_or(text.len()).min(text.len())
}

fn slice(text: &str, from: u64, to: u64) -> &[u8] {
    let b = text.as_bytes();
    let from = usize::try_from(from).unwrap_or(b.len()).min(b.len());
    let to = usize::try_from(to).unwrap_or(b.len()).min(b.len());
    &b[from..to.max(from)]
}

/// The offset of a quote that opens a quoted field and is never closed,
/// read as RFC 4180 does: a quote opens only at the start of a field, and
/// inside a quoted field `""` is a literal quote.
fn unclosed_quote(raw: &[u8], delimiter: u8) -> Option<usize> {
    let mut open: Option<usize> = None;
    let mut field_start = true;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        match open {
            Some(_) if b == b'"' => {
                if raw.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    open = None;
                }
            }
            Some(_) => {}
            None if b == b'"' && field_start => open = Some(i),
            None => {}
        }
        if open.is_none() {
            field_start = b == delimiter || b == b'\n';
        } else {
            field_start = false;
        }
        i += 1;
    }
    open
}

/// The csv crate's error without its internals (the positions are ours).
pub(super) fn csv_kind(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        csv::ErrorKind::Utf8 { .. } => "a cell is not valid text".into(),
        _ => "malformed record".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> RawTable {
        read_bytes(
            s.as_bytes(),
            &ReadOptions {
                header: true,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn columns_are_lettered_as_in_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn delimiters_are_detected_from_the_header() {
        assert_eq!(detect_delimiter("a,b;c\n1;2;3"), Delimiter::Comma);
        assert_eq!(detect_delimiter("a;b;c\n"), Delimiter::Semicolon);
        assert_eq!(detect_delimiter("a\tb\n"), Delimiter::Tab);
        assert_eq!(detect_delimiter("\"x;y\",b\n"), Delimiter::Comma);
        assert_eq!(detect_delimiter("single\n"), Delimiter::Comma);
    }

    #[test]
    fn crlf_and_cr_keep_positions_across_quoted_newlines() {
        for nl in ["\n", "\r\n", "\r"] {
            let s = format!("id,text{nl}a,\"one{nl}two\"{nl}b,x{nl}");
            let t = read(&s);
            assert_eq!(t.header, ["id", "text"]);
            assert_eq!(t.len(), 2, "{nl:?}");
            assert_eq!(
                t.positions,
                [Position::Line(2), Position::Line(4)],
                "{nl:?}"
            );
            assert_eq!(&t.row(0)[1], "one\ntwo");
        }
    }

    #[test]
    fn ragged_rows_are_rejected_with_their_line() {
        let t = read("a,b\n1,2\n1,2,3\n4,5\n");
        assert_eq!(t.len(), 2);
        assert_eq!(t.rejected.len(), 1);
        assert_eq!(t.rejected[0].position, Position::Line(3));
        assert!(t.rejected[0].message.contains("must be quoted"));
    }

    #[test]
    fn unclosed_quote_names_the_line_where_it_opened() {
        let e = read_bytes(
            b"id,title\np1,fine\np2,\"broken\np3,more\np4,end\n",
            &ReadOptions {
                header: true,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("opens on line 3"), "{}", e.message);
    }

    #[test]
    fn unclosed_quote_after_a_blank_line_names_its_own_line() {
        let e = read_bytes(
            b"x,y\na,b\n\n\"open,c\n",
            &ReadOptions {
                header: true,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{}", e.message);
        assert!(e.message.contains("opens on line 4"), "{}", e.message);
    }

    #[test]
    fn blank_lines_before_a_ragged_row_do_not_make_it_span_lines() {
        let t = read("x,y,z\na,b,c\n\n\nshort\n");
        assert_eq!(t.rejected.len(), 1);
        assert_eq!(t.rejected[0].position, Position::Line(5));
        assert!(
            !t.rejected[0].message.contains("unclosed quote"),
            "{}",
            t.rejected[0].message
        );
    }

    #[test]
    fn a_stray_quote_inside_a_cell_on_the_last_line_is_literal() {
        let t = read("id,title\np1,5\" screen\n");
        assert_eq!(&t.row(0)[1], "5\" screen");
    }

    #[test]
    fn blank_lines_are_not_rows() {
        let t = read("a,b\n\n1,2\n\n");
        assert_eq!(t.row(0).iter().collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(t.len(), 1);
        assert_eq!(t.positions, [Position::Line(3)]);
    }
}
