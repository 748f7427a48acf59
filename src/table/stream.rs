//! A text table read row by row, for files that can be much larger than
//! what is kept of them (publication exports of 100,000 records): memory
//! follows the row, not the file.
//!
//! It reads what [`super::read::read_text`] reads — the same encodings
//! (detected from the first [`SNIFF_BYTES`] when the file is larger), every
//! line ending turned into LF, the delimiter from the header line, blank
//! lines skipped, rows of the wrong width rejected with their line, an
//! unclosed quote reported at the line where it opens — and gives the same
//! rows at the same positions.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use encoding_rs::{Decoder, DecoderResult};

use super::decode::{decode, Encoding, EncodingChoice};
use super::read::{
    detect_delimiter, unclosed_quote_error, width_message, Delimiter, Format, Position,
    RejectedRow, TableError,
};

/// How much of a file decides its encoding and delimiter.
pub const SNIFF_BYTES: usize = 1 << 20;

/// One step of a [`RowStream`].
pub enum Next<'a> {
    /// A row with as many cells as the header.
    Row(Cells<'a>, Position),
    /// A row that could not be split into the header's columns.
    Rejected(RejectedRow),
}

/// The cells of the current row.
pub struct Cells<'a> {
    record: &'a csv::ByteRecord,
}

impl<'a> Cells<'a> {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.record.len()
    }

    pub fn is_empty(&self) -> bool {
        self.record.is_empty()
    }

    /// Cell `k`, or "" past the end.
    pub fn get(&self, k: usize) -> &'a str {
        // The decoder emits UTF-8 and the delimiters and quotes are ASCII,
        // so every field is UTF-8.
        self.record
            .get(k)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

/// A text table opened for reading row by row.
pub struct RowStream {
    rdr: csv::Reader<Decoding<Box<dyn Read>>>,
    record: csv::ByteRecord,
    header: Vec<String>,
    /// Line of the header row.
    header_line: u64,
    width: Option<usize>,
    format: Format,
    /// Line of the row [`RowStream::next_row`] gave last.
    current_line: u64,
}

impl RowStream {
    /// Opens `path` (a text table with a header row).
    pub fn open(path: &Path, choice: EncodingChoice) -> Result<RowStream, TableError> {
        let file =
            File::open(path).map_err(|e| TableError::new(None, format!("cannot be read: {e}")))?;
        Self::from_reader(Box::new(file), choice)
    }

    /// Reads a table from any reader (tests use byte slices).
    pub fn from_reader(
        mut inner: Box<dyn Read>,
        choice: EncodingChoice,
    ) -> Result<RowStream, TableError> {
        let mut sample = Vec::with_capacity(64 * 1024);
        (&mut inner)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut sample)
            .map_err(|e| TableError::new(None, format!("cannot be read: {e}")))?;
        let complete = sample.len() < SNIFF_BYTES;
        let encoding = sniff(&sample, complete, choice)?;
        let skip = match encoding {
            Encoding::Utf8Bom => 3,
            Encoding::Utf16Le | Encoding::Utf16Be if sample.starts_with(b"\xFF\xFE") => 2,
            Encoding::Utf16Le | Encoding::Utf16Be if sample.starts_with(b"\xFE\xFF") => 2,
            _ => 0,
        };
        // The delimiter is read from the decoded header line.
        let head = {
            let end = sample.len().min(64 * 1024);
            let mut d = new_decoder(encoding);
            let mut out = vec![0u8; d.max_utf8_buffer_length(end).unwrap_or(end * 3)];
            let (_, _, written, _) = d.decode_to_utf8(&sample[skip.min(end)..end], &mut out, false);
            out.truncate(written);
            String::from_utf8_lossy(&out).replace('\r', "\n")
        };
        let delimiter = detect_delimiter(&head);
        let body: Box<dyn Read> = Box::new(io::Cursor::new(sample).chain(inner));
        let decoding = Decoding::new(body, encoding, skip, delimiter.byte());
        let rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter.byte())
            .has_headers(false)
            .flexible(true)
            .from_reader(decoding);
        let mut s = RowStream {
            rdr,
            record: csv::ByteRecord::new(),
            header: Vec::new(),
            header_line: 0,
            width: None,
            format: Format {
                encoding,
                delimiter: Some(delimiter),
                sheet: None,
            },
            current_line: 0,
        };
        s.read_header()?;
        Ok(s)
    }

    /// How the file is being read.
    pub fn format(&self) -> &Format {
        &self.format
    }

    /// Header cells, trimmed.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The line the header row is on (after any blank lines).
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn read_header(&mut self) -> Result<(), TableError> {
        while let Some((line, _)) = self.read_record()? {
            if self.is_blank() {
                continue;
            }
            let n = self.record.len();
            self.header_line = line;
            self.header = (0..n)
                .map(|k| {
                    let f = self.record.get(k).unwrap_or_default();
                    String::from_utf8_lossy(f)
                        .trim()
                        .trim_start_matches('\u{feff}')
                        .to_string()
                })
                .collect();
            self.width = Some(n);
            break;
        }
        Ok(())
    }

    fn is_blank(&self) -> bool {
        self.record.len() == 1 && self.record.get(0).is_some_and(<[u8]>::is_empty)
    }

    /// Reads the next record: its first line and whether it spans more
    /// than one line, or `None` at the end.
    fn read_record(&mut self) -> Result<Option<(u64, bool)>, TableError> {
        match self.rdr.read_byte_record(&mut self.record) {
            Ok(false) => {
                let d = self.rdr.get_ref();
                if let Some(e) = d.error.clone() {
                    return Err(e);
                }
                if let Some(opened) = d.quote.unclosed() {
                    return Err(unclosed_quote_error(opened));
                }
                Ok(None)
            }
            Ok(true) => {
                let d = self.rdr.get_ref();
                if let Some(e) = d.error.clone() {
                    return Err(e);
                }
                let end = self.rdr.position().line();
                let inside: usize = self
                    .record
                    .iter()
                    .map(|f| f.iter().filter(|&&b| b == b'\n').count())
                    .sum();
                let inside = u64::try_from(inside).unwrap_or(u64::MAX);
                // The reader's line is that of the next record: one past this
                // record's terminator, unless it ended the file without one.
                let at_eof_unterminated = d.finished()
                    && d.last != Some(b'\n')
                    && self.rdr.position().byte() >= d.emitted;
                let terminator = u64::from(!at_eof_unterminated);
                if at_eof_unterminated {
                    if let Some(opened) = d.quote.unclosed() {
                        return Err(unclosed_quote_error(opened));
                    }
                }
                Ok(Some((
                    end.saturating_sub(inside + terminator).max(1),
                    inside > 0,
                )))
            }
            Err(e) => {
                if let Some(err) = self.rdr.get_ref().error.clone() {
                    return Err(err);
                }
                let line = e.position().map_or(0, |p| p.line());
                Err(TableError::new(
                    Some(line),
                    format!(
                        "is not valid CSV near line {line}: {}",
                        super::read::csv_kind(&e)
                    ),
                ))
            }
        }
    }

    /// The row [`RowStream::next_row`] gave last, with its line.
    pub fn current(&self) -> (Cells<'_>, u64) {
        (
            Cells {
                record: &self.record,
            },
            self.current_line,
        )
    }

    /// The next row, a rejected row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Next<'_>>, TableError> {
        loop {
            let Some((line, spans)) = self.read_record()? else {
                return Ok(None);
            };
            if self.is_blank() {
                continue;
            }
            let n = self.record.len();
            let w = *self.width.get_or_insert(n);
            if n != w {
                return Ok(Some(Next::Rejected(RejectedRow {
                    position: Position::Line(line),
                    message: width_message(
                        n,
                        w,
                        spans,
                        self.format.delimiter.unwrap_or(Delimiter::Comma),
                    ),
                })));
            }
            self.current_line = line;
            return Ok(Some(Next::Row(
                Cells {
                    record: &self.record,
                },
                Position::Line(line),
            )));
        }
    }
}

/// The encoding of a file from its first bytes (the whole file when
/// `complete`), as [`decode`] would choose it for the whole file.
fn sniff(sample: &[u8], complete: bool, choice: EncodingChoice) -> Result<Encoding, TableError> {
    let as_error = |e: super::decode::DecodeError| TableError::new(e.line, e.message);
    if complete {
        return decode(sample, choice).map(|(_, e)| e).map_err(as_error);
    }
    let utf8_bom = sample.starts_with(b"\xEF\xBB\xBF");
    let be_bom = sample.starts_with(b"\xFE\xFF");
    let le_bom = sample.starts_with(b"\xFF\xFE");
    Ok(match choice {
        EncodingChoice::Auto if utf8_bom => Encoding::Utf8Bom,
        EncodingChoice::Auto if le_bom => Encoding::Utf16Le,
        EncodingChoice::Auto if be_bom => Encoding::Utf16Be,
        EncodingChoice::Auto => {
            // UTF-8 or CP932: a line feed is never part of another
            // character in either, so the sample is cut after the last one.
            let cut = sample
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(sample.len(), |i| i + 1);
            return decode(&sample[..cut], choice)
                .map(|(_, e)| e)
                .map_err(as_error);
        }
        EncodingChoice::Utf8 if utf8_bom => Encoding::Utf8Bom,
        EncodingChoice::Utf8 => Encoding::Utf8,
        EncodingChoice::ShiftJis => Encoding::Cp932,
        EncodingChoice::Utf16 if be_bom => Encoding::Utf16Be,
        EncodingChoice::Utf16 => Encoding::Utf16Le,
    })
}

fn new_decoder(encoding: Encoding) -> Decoder {
    match encoding {
        Encoding::Utf16Le => encoding_rs::UTF_16LE.new_decoder_without_bom_handling(),
        Encoding::Utf16Be => encoding_rs::UTF_16BE.new_decoder_without_bom_handling(),
        Encoding::Cp932 => encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling(),
        Encoding::Utf8 | Encoding::Utf8Bom | Encoding::Xlsx => {
            encoding_rs::UTF_8.new_decoder_without_bom_handling()
        }
    }
}

/// Where a quote opened that has not closed yet, read as RFC 4180 does: a
/// quote opens only at the start of a field, and inside a quoted field
/// `""` is a literal quote.
#[derive(Default)]
struct QuoteState {
    in_quotes: bool,
    /// A quote seen inside a quoted field: it closes the field unless the
    /// next byte is another quote.
    quote_pending: bool,
    field_start: bool,
    opened_on: u64,
}

impl QuoteState {
    fn step(&mut self, b: u8, delimiter: u8, line: u64) {
        if self.in_quotes {
            if self.quote_pending {
                self.quote_pending = false;
                if b == b'"' {
                    return;
                }
                self.in_quotes = false;
            } else {
                if b == b'"' {
                    self.quote_pending = true;
                }
                return;
            }
        }
        if b == b'"' && self.field_start {
            self.in_quotes = true;
            self.opened_on = line;
            self.field_start = false;
        } else {
            self.field_start = b == delimiter || b == b'\n';
        }
    }

    fn unclosed(&self) -> Option<u64> {
        (self.in_quotes && !self.quote_pending).then_some(self.opened_on)
    }
}

/// Bytes in any supported encoding → UTF-8 with LF line endings.
struct Decoding<R> {
    inner: R,
    decoder: Decoder,
    encoding: Encoding,
    /// Bytes of a byte-order mark still to drop.
    skip: usize,
    raw: Vec<u8>,
    raw_len: usize,
    decoded: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    inner_done: bool,
    done: bool,
    pending_cr: bool,
    /// Line of the next byte emitted.
    line: u64,
    /// Bytes emitted so far.
    emitted: u64,
    last: Option<u8>,
    delimiter: u8,
    quote: QuoteState,
    /// Why the bytes could not be decoded, for the table's error.
    error: Option<TableError>,
}

impl<R: Read> Decoding<R> {
    fn new(inner: R, encoding: Encoding, skip: usize, delimiter: u8) -> Self {
        Decoding {
            inner,
            decoder: new_decoder(encoding),
            encoding,
            skip,
            raw: vec![0; 64 * 1024],
            raw_len: 0,
            decoded: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            inner_done: false,
            done: false,
            pending_cr: false,
            line: 1,
            emitted: 0,
            last: None,
            delimiter,
            quote: QuoteState {
                field_start: true,
                ..QuoteState::default()
            },
            error: None,
        }
    }

    fn finished(&self) -> bool {
        self.done && self.out_pos >= self.out.len()
    }

    /// Decodes the next chunk into `out`.
    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.out_pos = 0;
        while self.out.is_empty() && !self.done {
            if !self.inner_done && self.raw_len < self.raw.len() {
                let n = self.inner.read(&mut self.raw[self.raw_len..])?;
                if n == 0 {
                    self.inner_done = true;
                }
                self.raw_len += n;
            }
            let drop = self.skip.min(self.raw_len);
            if drop > 0 {
                self.raw.copy_within(drop..self.raw_len, 0);
                self.raw_len -= drop;
                self.skip -= drop;
            }
            let last = self.inner_done;
            let need = self
                .decoder
                .max_utf8_buffer_length_without_replacement(self.raw_len)
                .unwrap_or(self.raw_len * 3 + 16);
            self.decoded.resize(need.max(16), 0);
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.raw[..self.raw_len],
                &mut self.decoded,
                last,
            );
            if let DecoderResult::Malformed(..) = result {
                let line = self.line + bytes_newlines(&self.decoded[..written]);
                let e = TableError::new(
                    Some(line),
                    format!(
                        "is not valid {} on line {line}: save the file as UTF-8 (in Excel: \"CSV UTF-8\"), or convert it with iconv",
                        self.encoding
                    ),
                );
                self.error = Some(e.clone());
                return Err(io::Error::new(io::ErrorKind::InvalidData, e.message));
            }
            self.raw.copy_within(read..self.raw_len, 0);
            self.raw_len -= read;
            for i in 0..written {
                let b = self.decoded[i];
                if self.pending_cr {
                    self.pending_cr = false;
                    if b == b'\n' {
                        continue;
                    }
                }
                let b = if b == b'\r' {
                    self.pending_cr = true;
                    b'\n'
                } else {
                    b
                };
                self.quote.step(b, self.delimiter, self.line);
                if b == b'\n' {
                    self.line += 1;
                }
                self.out.push(b);
            }
            if last && matches!(result, DecoderResult::InputEmpty) && self.raw_len == 0 {
                self.done = true;
            }
        }
        self.emitted += self.out.len() as u64;
        if let Some(&b) = self.out.last() {
            self.last = Some(b);
        }
        Ok(())
    }
}

fn bytes_newlines(b: &[u8]) -> u64 {
    u64::try_from(b.iter().filter(|&&x| x == b'\n').count()).unwrap_or(u64::MAX)
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::read::read_text;
    use proptest::prelude::*;

    /// Rows, rejected rows and header as the streaming reader gives them.
    type Seen = (Vec<String>, Vec<(u64, Vec<String>)>, Vec<(u64, String)>);

    fn stream(bytes: &[u8]) -> Result<Seen, TableError> {
        let mut s = RowStream::from_reader(
            Box::new(io::Cursor::new(bytes.to_vec())),
            EncodingChoice::Auto,
        )?;
        let header = s.header().to_vec();
        let w = header.len();
        let (mut rows, mut rejected) = (Vec::new(), Vec::new());
        while let Some(n) = s.next_row()? {
            match n {
                Next::Row(c, p) => {
                    rows.push((p.line(), (0..w).map(|k| c.get(k).to_string()).collect()))
                }
                Next::Rejected(r) => rejected.push((r.position.line(), r.message)),
            }
        }
        Ok((header, rows, rejected))
    }

    fn whole(bytes: &[u8]) -> Result<Seen, TableError> {
        let (text, enc) =
            decode(bytes, EncodingChoice::Auto).map_err(|e| TableError::new(e.line, e.message))?;
        let t = read_text(&text, enc, true)?;
        let rows = t
            .rows()
            .map(|(r, p)| (p.line(), r.iter().map(str::to_string).collect()))
            .collect();
        let rejected = t
            .rejected
            .iter()
            .map(|r| (r.position.line(), r.message.clone()))
            .collect();
        Ok((t.header.clone(), rows, rejected))
    }

    #[test]
    fn crlf_blank_lines_and_quoted_newlines_keep_their_lines() {
        let text = b"a,b\r\n1,\"x\r\ny\"\r\n\r\n\r\n2,z\r\n3\r\n4,w";
        let got = stream(text).unwrap();
        assert_eq!(got, whole(text).unwrap());
        assert_eq!(got.1[0].0, 2);
        assert_eq!(got.1[1].0, 6, "{got:?}");
        assert_eq!(got.2[0].0, 7);
        assert_eq!(got.1[2], (8, vec!["4".to_string(), "w".to_string()]));
    }

    #[test]
    fn utf16_tab_separated_with_bom_like_excel_unicode_text() {
        let text = "UT\tTI\r\nWOS:1\t髙橋 ①\r\nWOS:2\tx\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let mut s =
            RowStream::from_reader(Box::new(io::Cursor::new(bytes)), EncodingChoice::Auto).unwrap();
        assert_eq!(s.format().encoding, Encoding::Utf16Le);
        assert_eq!(s.format().delimiter, Some(Delimiter::Tab));
        assert_eq!(s.header(), ["UT", "TI"]);
        match s.next_row().unwrap() {
            Some(Next::Row(c, p)) => {
                assert_eq!((c.get(0), c.get(1), p.line()), ("WOS:1", "髙橋 ①", 2));
            }
            _ => panic!("no row"),
        }
    }

    #[test]
    fn cp932_is_detected_and_an_unclosed_quote_names_its_line() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("id,name\n1,髙橋\n2,\"open\n3,x\n");
        let e = stream(&bytes).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("opens on line 3"), "{e}");
        assert_eq!(e, whole(&bytes).unwrap_err());
        let (ok, _, _) = encoding_rs::SHIFT_JIS.encode("id,name\n1,髙橋 ㈱\n");
        let got = stream(&ok).unwrap();
        assert_eq!(got.1[0].1[1], "髙橋 ㈱");
    }

    #[test]
    fn a_file_larger_than_the_sample_streams_the_same_rows() {
        let mut text = String::from("id,title\r\n");
        for i in 0..60_000 {
            text.push_str(&format!(
                "{i},\"title {i}, with a comma\r\nand a second line\"\r\n"
            ));
        }
        assert!(text.len() > SNIFF_BYTES);
        let got = stream(text.as_bytes()).unwrap();
        assert_eq!(got.1.len(), 60_000);
        assert_eq!(got, whole(text.as_bytes()).unwrap());
    }

    #[test]
    fn invalid_bytes_after_the_sample_name_their_line() {
        let mut text = String::from("id,title\n");
        for i in 0..120_000 {
            text.push_str(&format!("{i},title\n"));
        }
        let mut bytes = text.into_bytes();
        bytes.extend(b"x,\xFF\xFF\n");
        let e = stream(&bytes).unwrap_err();
        assert_eq!(e.line, Some(120_002), "{e}");
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9 ]{0,6}",
            "[a-z,]{1,4}".prop_map(|s| format!("\"{s}\"")),
            "[a-z]{0,3}".prop_map(|s| format!("\"{s}\r\n{s}\"")),
            "[a-z]{0,3}".prop_map(|s| format!("\"{s}\"\"q\"")),
        ]
    }

    proptest! {
        /// Streaming and whole-file reading agree on every row, position and
        /// rejection, whatever the line endings, blank lines and quoting.
        #[test]
        fn streaming_equals_whole_file_reading(
            rows in proptest::collection::vec((proptest::collection::vec(cell(), 1..4), 0..3usize, 0..3usize), 0..12),
            trailing in any::<bool>(),
        ) {
            let eol = ["\n", "\r\n", "\r"];
            let mut text = String::from("a,b,c\n");
            for (i, (cells, blank, e)) in rows.iter().enumerate() {
                for _ in 0..*blank {
                    text.push_str(eol[*e]);
                }
                text.push_str(&cells.join(","));
                if i + 1 < rows.len() || trailing {
                    text.push_str(eol[*e]);
                }
            }
            // The hint about an unclosed quote is left out of the
            // comparison: the whole-file reader does not give it for a last
            // row that spans lines without a final line break.
            let hintless = |r: Result<Seen, TableError>| r.map(|(h, rows, rej)| {
                let rej: Vec<(u64, String)> = rej
                    .into_iter()
                    .map(|(l, m)| (l, m.replace(" An unclosed quote (\") may have joined the following lines into this row.", "")))
                    .collect();
                (h, rows, rej)
            });
            prop_assert_eq!(hintless(stream(text.as_bytes())), hintless(whole(text.as_bytes())));
        }
    }
}
