//! Line-by-line reading of text exports: one line in memory at a time,
//! a UTF-8 byte-order mark skipped, CRLF and CR-less LF both accepted,
//! invalid UTF-8 reported with its line (CP932 text is decoded).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::ImportError;

pub struct Lines {
    reader: BufReader<File>,
    buf: Vec<u8>,
    text: String,
    pub line: u64,
    file: String,
}

impl Lines {
    pub fn open(path: &Path) -> Result<Lines, ImportError> {
        let f = File::open(path).map_err(|e| ImportError::io(path, e))?;
        Ok(Lines {
            reader: BufReader::with_capacity(1 << 16, f),
            buf: Vec::new(),
            text: String::new(),
            line: 0,
            file: path.display().to_string(),
        })
    }

    /// The next line without its line ending and its number, or `None`
    /// at the end. The text is borrowed: one buffer serves every line.
    pub fn next_line(&mut self) -> Result<Option<(u64, &str)>, ImportError> {
        self.buf.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| ImportError::Io {
                file: self.file.clone(),
                source: e,
            })?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        let mut bytes = &self.buf[..];
        if self.line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        self.text.clear();
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                self.text.push_str(s);
                Ok(Some((self.line, &self.text)))
            }
            Err(_) => {
                let (s, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
                if bad {
                    Err(ImportError::Malformed {
                        file: self.file.clone(),
                        line: self.line,
                        field: "(line)".into(),
                        message: "is neither UTF-8 nor Shift_JIS text; save the export as UTF-8"
                            .into(),
                    })
                } else {
                    self.text.push_str(&s);
                    Ok(Some((self.line, &self.text)))
                }
            }
        }
    }

    pub fn file(&self) -> &str {
        &self.file
    }
}
