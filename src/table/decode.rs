//! Bytes → text: which character encoding a file is in, and its line endings.
//!
//! Funding offices hand over files from Excel on Windows (CP932, "Unicode
//! text" = UTF-16LE with a BOM, CRLF), from Python's `csv` module (CRLF) and
//! from Macs (UTF-8, sometimes old CR-only files). Detection is deliberately
//! narrow, so it never guesses wrong silently: a BOM names UTF-8 or UTF-16;
//! text that is valid UTF-8 is UTF-8; text that is not, but decodes without
//! a single replacement as CP932 (WHATWG Shift_JIS, which is Windows-31J:
//! NEC and IBM extensions such as ①, ㈱ and 髙 included), is CP932.
//! Anything else is an error that says where the first bad byte is.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

/// What the user asked for (`--encoding`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EncodingChoice {
    /// BOM, then UTF-8, then CP932 (the default).
    #[default]
    Auto,
    Utf8,
    ShiftJis,
    /// UTF-16; little-endian unless a BOM says big-endian.
    Utf16,
}

/// The encoding a file was actually read with, as the validation summary
/// and manifest.json report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Encoding {
    #[serde(rename = "UTF-8")]
    Utf8,
    #[serde(rename = "UTF-8 with BOM")]
    Utf8Bom,
    #[serde(rename = "UTF-16LE")]
    Utf16Le,
    #[serde(rename = "UTF-16BE")]
    Utf16Be,
    #[serde(rename = "CP932 (Shift_JIS)")]
    Cp932,
    /// An Excel workbook: calamine decodes its XML.
    #[serde(rename = "xlsx")]
    Xlsx,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Cp932 => "CP932 (Shift_JIS)",
            Encoding::Xlsx => "xlsx",
        })
    }
}

/// Why the bytes are not text in any encoding we read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DecodeError {
    /// 1-based line of the first undecodable byte, when known.
    pub line: Option<u64>,
    pub message: String,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `bytes` as `choice` says and returns the text with every line
/// ending (CRLF, CR, LF, mixed) turned into LF, so later stages see one kind
/// and line numbers count as an editor shows them.
pub fn decode(bytes: &[u8], choice: EncodingChoice) -> Result<(String, Encoding), DecodeError> {
    let (text, enc) = decode_raw(bytes, choice)?;
    Ok((normalise_line_endings(text).into_owned(), enc))
}

/// [`decode`] for bytes the caller gives up: UTF-8 text (the common case)
/// becomes the `String` in place, without a copy of the file.
pub fn decode_owned(
    mut bytes: Vec<u8>,
    choice: EncodingChoice,
) -> Result<(String, Encoding), DecodeError> {
    let utf8_wanted = matches!(choice, EncodingChoice::Auto | EncodingChoice::Utf8);
    let other_bom = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if utf8_wanted && !(choice == EncodingChoice::Auto && other_bom) {
        let bom = bytes.starts_with(UTF8_BOM);
        if bom {
            bytes.drain(..UTF8_BOM.len());
        }
        match String::from_utf8(bytes) {
            Ok(text) => {
                let enc = if bom {
                    Encoding::Utf8Bom
                } else {
                    Encoding::Utf8
                };
                let text = if text.contains('\r') {
                    normalise_line_endings(Cow::Borrowed(&text)).into_owned()
                } else {
                    text
                };
                return Ok((text, enc));
            }
            Err(e) => {
                let mut bytes = e.into_bytes();
                if bom {
                    bytes.splice(0..0, UTF8_BOM.iter().copied());
                }
                return decode(&bytes, choice);
            }
        }
    }
    decode(&bytes, choice)
}

fn decode_raw(
    bytes: &[u8],
    choice: EncodingChoice,
) -> Result<(Cow<'_, str>, Encoding), DecodeError> {
    let le_bom = bytes.starts_with(b"\xFF\xFE");
    let be_bom = bytes.starts_with(b"\xFE\xFF");
    match choice {
        EncodingChoice::Auto => {
            if bytes.starts_with(UTF8_BOM) {
                return utf8(&bytes[3..]).map(|t| (t, Encoding::Utf8Bom));
            }
            if le_bom {
                return utf16(&bytes[2..], false).map(|t| (t, Encoding::Utf16Le));
            }
            if be_bom {
                return utf16(&bytes[2..], true).map(|t| (t, Encoding::Utf16Be));
            }
            match utf8(bytes) {
                Ok(t) => Ok((t, Encoding::Utf8)),
                Err(e) => match cp932(bytes) {
                    Some(t) => Ok((t, Encoding::Cp932)),
                    None => Err(DecodeError {
                        line: e.line,
                        message: format!(
                            "{}; it is not CP932 (Shift_JIS) or UTF-16 with a byte-order mark either: save the file as UTF-8 (in Excel: \"CSV UTF-8\"), or convert it with iconv",
                            e.message
                        ),
                    }),
                },
            }
        }
        EncodingChoice::Utf8 => {
            let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
            let enc = if body.len() < bytes.len() {
                Encoding::Utf8Bom
            } else {
                Encoding::Utf8
            };
            utf8(body).map(|t| (t, enc)).map_err(|e| {
                let hint = if cp932(body).is_some() {
                    "the file looks like Shift_JIS (CP932): re-run with `--encoding auto` (the default) or `--encoding shift_jis`"
                } else {
                    "save the file as UTF-8 (in Excel: \"CSV UTF-8\")"
                };
                DecodeError {
                    line: e.line,
                    message: format!("{}; {hint}", e.message),
                }
            })
        }
        EncodingChoice::ShiftJis => cp932(bytes)
            .map(|t| (t, Encoding::Cp932))
            .ok_or_else(|| DecodeError {
                line: None,
                message: "is not valid Shift_JIS (CP932); check the file's encoding (e.g. `file -i`), or try `--encoding auto`".into(),
            }),
        EncodingChoice::Utf16 => {
            if be_bom {
                utf16(&bytes[2..], true).map(|t| (t, Encoding::Utf16Be))
            } else {
                let body = if le_bom { &bytes[2..] } else { bytes };
                utf16(body, false).map(|t| (t, Encoding::Utf16Le))
            }
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        let at = e.valid_up_to();
        DecodeError {
            line: Some(line_of(&bytes[..at])),
            message: format!("is not valid UTF-8 (byte {} of the file)", at + 1),
        }
    })
}

fn cp932(bytes: &[u8]) -> Option<Cow<'_, str>> {
    encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes)
}

fn utf16(body: &[u8], big_endian: bool) -> Result<Cow<'static, str>, DecodeError> {
    let enc = if big_endian {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::UTF_16LE
    };
    let name = if big_endian { "UTF-16BE" } else { "UTF-16LE" };
    if !body.len().is_multiple_of(2) {
        return Err(DecodeError {
            line: None,
            message: format!("is not valid {name}: it has an odd number of bytes (cut short?)"),
        });
    }
    match enc.decode_without_bom_handling_and_without_replacement(body) {
        Some(t) => Ok(Cow::Owned(t.into_owned())),
        None => {
            // Find the first bad unit for the message.
            let (t, _) = enc.decode_without_bom_handling(body);
            let good = t.split('\u{FFFD}').next().unwrap_or("");
            Err(DecodeError {
                line: Some(line_of(good.as_bytes())),
                message: format!("is not valid {name} (an unpaired surrogate)"),
            })
        }
    }
}

fn line_of(prefix: &[u8]) -> u64 {
    let newlines = prefix.iter().filter(|&&b| b == b'\n').count();
    u64::try_from(newlines)
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}

/// CRLF → LF and lone CR → LF; borrowed when there is no CR at all.
pub fn normalise_line_endings(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_of_every_kind_become_lf() {
        for input in ["a\nb\n", "a\r\nb\r\n", "a\rb\r", "a\r\nb\r"] {
            let (t, _) = decode(input.as_bytes(), EncodingChoice::Auto).unwrap();
            assert_eq!(t, "a\nb\n", "{input:?}");
        }
        let (t, _) = decode(b"a\r\rb", EncodingChoice::Auto).unwrap();
        assert_eq!(t, "a\n\nb", "two lone CRs are two line breaks");
    }

    #[test]
    fn auto_detects_bom_utf8_utf16_and_cp932() {
        let (t, e) = decode(b"\xEF\xBB\xBFid\n", EncodingChoice::Auto).unwrap();
        assert_eq!((t.as_str(), e), ("id\n", Encoding::Utf8Bom));

        let le: Vec<u8> = std::iter::once([0xFF, 0xFE])
            .chain("id\t名前\r\n".encode_utf16().map(u16::to_le_bytes))
            .flatten()
            .collect();
        let (t, e) = decode(&le, EncodingChoice::Auto).unwrap();
        assert_eq!((t.as_str(), e), ("id\t名前\n", Encoding::Utf16Le));

        let be: Vec<u8> = std::iter::once([0xFE, 0xFF])
            .chain("x".encode_utf16().map(u16::to_be_bytes))
            .flatten()
            .collect();
        assert_eq!(
            decode(&be, EncodingChoice::Auto).unwrap(),
            ("x".to_string(), Encoding::Utf16Be)
        );

        // CP932 as Windows writes it, NEC and IBM extensions included.
        let text = "会社,①,㈱,髙橋\r\n";
        let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!bad);
        let (t, e) = decode(&bytes, EncodingChoice::Auto).unwrap();
        assert_eq!((t.as_str(), e), ("会社,①,㈱,髙橋\n", Encoding::Cp932));
    }

    #[test]
    fn forced_utf8_on_cp932_points_to_auto() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("id\n田中\n");
        let e = decode(&bytes, EncodingChoice::Utf8).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("Shift_JIS"), "{}", e.message);
    }

    #[test]
    fn bytes_that_are_no_encoding_say_where() {
        // 0x80 alone is invalid UTF-8 and invalid Shift_JIS.
        let e = decode(b"id\nok\n\x80\x80\xFF\n", EncodingChoice::Auto).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("byte 7"), "{}", e.message);
    }

    #[test]
    fn odd_utf16_is_an_error_not_a_panic() {
        assert!(decode(b"\xFF\xFEa", EncodingChoice::Auto).is_err());
        assert!(decode(b"a", EncodingChoice::Utf16).is_err());
    }
}
