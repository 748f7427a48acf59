//! The one CSV writer: every CSV rdmatch writes goes through [`CsvWriter`],
//! which neutralises spreadsheet formulas and writes numbers in one form.
//!
//! Formulas: CSV injection defence for every CSV rdmatch writes. A cell that a
//! spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a leading tab
//! or carriage return, per the OWASP "CSV Injection" guidance) gets a leading
//! `'`, which spreadsheets show as text. Plain numbers such as `-0.5` or
//! `+3` are left alone so numeric columns stay numeric.
//!
//! Numbers: a cell that is a negative zero (`-0`, `-0.000000`, what
//! formatting a tiny negative rounding error gives) is written without its
//! sign, so a total of nothing never reads `-0.000`.
//!
//! Takes rows of strings; hands on a `csv::Writer` that the caller flushes.

use std::borrow::Cow;
use std::io::Write;

/// Returns the cell as written, or with a `'` in front when a spreadsheet
/// would evaluate it as a formula. Numbers (`-0.5`, `+3`, `-1e-3`) are kept.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_negative_zero(cell) {
        return Cow::Borrowed(&cell[1..]);
    }
    match cell.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        Some(b'+' | b'-') if !is_plain_number(cell) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// `-0`, `-0.0`, `-.000`: a minus sign before a number whose digits are
/// all zero.
fn is_negative_zero(s: &str) -> bool {
    s.len() > 1
        && s.starts_with('-')
        && is_plain_number(s)
        && s[1..]
            .bytes()
            .take_while(|b| *b != b'e' && *b != b'E')
            .all(|b| b == b'0' || b == b'.')
}

/// A score, share or ratio with 6 decimals, the one float format of every
/// CSV (never `-0.000000`, never `NaN`: a non-finite value is an empty cell).
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{x:.6}");
    if is_negative_zero(&s) {
        s[1..].to_string()
    } else {
        s
    }
}

/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?` — a decimal
/// literal; `inf`, `nan`, hex and anything with other characters are not.
fn is_plain_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// A `csv::Writer` that passes every field through [`neutralise`].
///
/// ```text
/// let mut w = CsvWriter::new(file);
/// w.write_record(["proposal_id", "title"])?;
/// w.write_record(["P-1", "=HYPERLINK(...)"])?; // written as '=HYPERLINK(...)
/// w.flush()?;
/// ```
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    /// A writer with the csv crate's defaults (comma, `\n`, quote as needed).
    pub fn new(out: W) -> Self {
        CsvWriter {
            inner: csv::Writer::from_writer(out),
        }
    }

    /// Wraps a writer configured by the caller (e.g. via `csv::WriterBuilder`).
    pub fn from_csv_writer(inner: csv::Writer<W>) -> Self {
        CsvWriter { inner }
    }

    /// Writes one record, neutralising each field.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for field in record {
            self.inner
                .write_field(neutralise(field.as_ref()).as_bytes())?;
        }
        self.inner.write_record(None::<&[u8]>)
    }

    /// Writes the header of the row type `R`: its field names.
    pub fn header<R: super::CsvRow>(&mut self) -> csv::Result<()> {
        self.write_record(R::COLUMNS)
    }

    /// Writes one typed row: text through the formula guard, `f64` through
    /// [`num`], in the struct's field order (see [`super::row`]).
    pub fn serialize<R: super::CsvRow>(&mut self, row: &R) -> csv::Result<()> {
        self.serialize_with(row, std::iter::empty::<&str>())
    }

    /// Writes one typed row followed by cells whose columns are known only
    /// at run time (the score components a run adds to assignment.csv).
    pub fn serialize_with<R, I, T>(&mut self, row: &R, extra: I) -> csv::Result<()>
    where
        R: super::CsvRow,
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        row.serialize(&mut super::row::Cells {
            out: &mut self.inner,
        })?;
        for field in extra {
            self.inner
                .write_field(neutralise(field.as_ref()).as_bytes())?;
        }
        self.inner.write_record(None::<&[u8]>)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(self) -> Result<W, Box<csv::IntoInnerError<csv::Writer<W>>>> {
        self.inner.into_inner().map_err(Box::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_prefixed() {
        assert_eq!(neutralise("=1+2"), "'=1+2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(
            neutralise("-2+3+cmd|' /C calc'!A0"),
            "'-2+3+cmd|' /C calc'!A0"
        );
        assert_eq!(neutralise("\t=1"), "'\t=1");
        assert_eq!(neutralise("\rX"), "'\rX");
        assert_eq!(neutralise("-"), "'-");
        assert_eq!(neutralise("-inf"), "'-inf");
        assert_eq!(neutralise("+NaN"), "'+NaN");
        assert_eq!(neutralise("-1e"), "'-1e");
        assert_eq!(neutralise("-."), "'-.");
    }

    #[test]
    fn negative_zero_loses_its_sign() {
        for (cell, want) in [
            ("-0", "0"),
            ("-0.000000", "0.000000"),
            ("-.0", ".0"),
            ("-0e5", "0e5"),
        ] {
            assert_eq!(neutralise(cell), want);
        }
        assert_eq!(neutralise("-0.5"), "-0.5");
        assert_eq!(neutralise("-10"), "-10");
        assert_eq!(num(-0.0), "0.000000");
        assert_eq!(num(-1e-9), "0.000000");
        assert_eq!(num(-0.25), "-0.250000");
        assert_eq!(num(f64::NAN), "");
    }

    #[test]
    fn numbers_and_plain_text_are_kept() {
        for s in [
            "-0.5", "+3", "-1e-3", "2.5E+10", "-.5", "-5.", "0.250000", "", "abc", "a=b", "x-y",
            "P-001",
        ] {
            let out = neutralise(s);
            assert!(
                matches!(out, Cow::Borrowed(_)),
                "{s:?} was changed to {out:?}"
            );
            assert_eq!(out, s);
        }
    }

    #[test]
    fn writer_neutralises_every_field_and_quotes_as_csv() {
        let mut w = CsvWriter::new(Vec::new());
        w.write_record(["id", "title", "score"]).unwrap();
        w.write_record(["P-1", "=HYPERLINK(\"http://x\",\"y\")", "-0.500000"])
            .unwrap();
        w.write_record(["@P2", "a, b", "+x"]).unwrap();
        let bytes = w.into_inner().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "id,title,score\nP-1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-0.500000\n'@P2,\"a, b\",'+x\n"
        );
    }

    proptest::proptest! {
        /// Whatever the cell, the output either is the input (a safe cell or
        /// a plain number, which `f64` parses) or is `'` + the input.
        #[test]
        fn output_is_safe_or_a_number(cell in "[=+@\\-\t\ra-z0-9.eE ]{0,8}") {
            let out = neutralise(&cell);
            let starts_risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
            if is_negative_zero(&cell) {
                proptest::prop_assert_eq!(out.as_ref(), &cell[1..]);
            } else if out == cell {
                proptest::prop_assert!(!starts_risky || cell.parse::<f64>().is_ok(), "{:?} kept", cell);
            } else {
                proptest::prop_assert!(starts_risky);
                proptest::prop_assert_eq!(out.as_ref(), format!("'{cell}"));
            }
        }
    }

    #[test]
    fn read_back_gives_neutralised_values() {
        let mut w = CsvWriter::new(Vec::new());
        w.write_record(["-1", "-a"]).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[..]);
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[0], "-1");
        assert_eq!(&rec[1], "'-a");
    }
}
