//! Streaming JSON: a top-level array is read one element at a time, JSON
//! Lines (or several concatenated documents) one document at a time, so
//! memory holds one record, never the file.

use std::fmt;
use std::io::{BufReader, Read};
use std::path::Path;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;

use super::ImportError;

/// A reader positioned at the first byte of the document, and that byte.
type Opened = (BufReader<Box<dyn Read>>, Option<u8>);

type Each<'a> = dyn FnMut(Value, String) -> Result<(), ImportError> + 'a;

fn open(path: &Path) -> Result<Opened, ImportError> {
    let mut f = std::fs::File::open(path).map_err(|e| ImportError::io(path, e))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // Skip a byte-order mark and leading white space, keep the first byte.
    loop {
        let n = f.read(&mut byte).map_err(|e| ImportError::io(path, e))?;
        if n == 0 {
            break;
        }
        head.push(byte[0]);
        if head == b"\xEF" || head == b"\xEF\xBB" {
            continue;
        }
        if head == b"\xEF\xBB\xBF" || byte[0].is_ascii_whitespace() {
            head.clear();
            continue;
        }
        break;
    }
    let first = head.first().copied();
    let r: Box<dyn Read> = Box::new(std::io::Cursor::new(head).chain(f));
    Ok((BufReader::with_capacity(1 << 16, r), first))
}

fn json_error(file: &str, e: &serde_json::Error) -> ImportError {
    ImportError::Json {
        file: file.to_string(),
        path: format!("line {} column {}", e.line(), e.column()),
        message: format!("{e}"),
    }
}

/// Calls `each` with every record of the file and its JSON path (`$[3]`,
/// `$.results[3]` for an OpenAlex API page, `$` or `line 7` for JSON Lines).
pub fn for_each(path: &Path, each: &mut Each) -> Result<(), ImportError> {
    let file = path.display().to_string();
    let (reader, first) = open(path)?;
    match first {
        None => Ok(()),
        Some(b'[') => {
            let mut de = serde_json::Deserializer::from_reader(reader);
            let mut failed: Option<ImportError> = None;
            let seed = SeqSeed {
                each,
                failed: &mut failed,
                prefix: "$",
            };
            let r = seed.deserialize(&mut de);
            if let Some(e) = failed {
                return Err(e);
            }
            r.map_err(|e| json_error(&file, &e))?;
            de.end().map_err(|e| json_error(&file, &e))
        }
        Some(_) => {
            let stream = serde_json::Deserializer::from_reader(reader).into_iter::<Value>();
            let mut multi = false;
            let mut docs = Vec::new();
            for (i, v) in stream.enumerate() {
                let v = v.map_err(|e| json_error(&file, &e))?;
                if i > 0 {
                    multi = true;
                }
                // An OpenAlex API page: {"meta":…, "results":[…]}.
                if let Value::Object(mut m) = v {
                    if let Some(Value::Array(results)) = m.remove("results") {
                        for (k, r) in results.into_iter().enumerate() {
                            each(r, format!("$.results[{k}]"))?;
                        }
                        continue;
                    }
                    docs.push(i);
                    each(
                        Value::Object(m),
                        if multi || i > 0 {
                            format!("document {}", i + 1)
                        } else {
                            "$".into()
                        },
                    )?;
                } else {
                    each(v, format!("document {}", i + 1))?;
                }
            }
            Ok(())
        }
    }
}

struct SeqSeed<'a, 'b> {
    each: &'a mut Each<'b>,
    failed: &'a mut Option<ImportError>,
    prefix: &'static str,
}

impl<'de> DeserializeSeed<'de> for SeqSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SeqSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while let Some(v) = seq.next_element::<Value>()? {
            if self.failed.is_none() {
                if let Err(e) = (self.each)(v, format!("{}[{i}]", self.prefix)) {
                    *self.failed = Some(e);
                }
            }
            i += 1;
        }
        Ok(())
    }
}

/// `v[a][b]…` as a string, if it is one (numbers are written out).
pub fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().filter(|s| !s.trim().is_empty())
}

/// A string or number at `path`, as text.
pub fn text_at(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    match cur {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
