//! Importing publication and people records: the exports funders already
//! have (PubMed MEDLINE and XML, Web of Science tagged and tab-delimited,
//! Scopus CSV, OpenAlex JSON, ORCID JSON, researchmap JSON) become rows of
//! a data folder's researchers.csv, institutions.csv, publications.csv,
//! authorships.csv and affiliations.csv.
//!
//! ```text
//!  FILE ─format parser─► Item (one record at a time) ─► identity (authors → researchers)
//!                                                   └─► merge (work → publication)
//!                                    ─► folder (tables in memory) ─► staged write, rename
//! ```
//!
//! Parsers stream: they hand over one record at a time and keep nothing,
//! so memory grows with what is added to the folder, not with the files.

use std::fmt;
use std::path::{Path, PathBuf};

pub mod folder;
pub mod identity;
pub mod institution;
mod json;
pub mod medline;
pub mod merge;
pub mod names;
pub mod openalex;
pub mod orcid;
pub mod pubmed_xml;
pub mod report;
pub mod researchmap;
mod run;
pub mod scopus;
pub mod sniff;
mod text;
pub mod wos;

pub use names::PersonName;
pub use report::ImportSummary;
pub use run::{run, ImportOptions};

/// An export format, as named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// MEDLINE text (`.nbib`) or PubMed XML (`PubmedArticleSet`).
    Pubmed,
    /// Web of Science plain-text full record or tab-delimited export.
    Wos,
    /// Scopus CSV export.
    Scopus,
    /// OpenAlex works, JSON or JSON Lines.
    Openalex,
    /// ORCID record JSON (API v3.0).
    Orcid,
    /// researchmap researcher JSON (API v2), with its published papers.
    Researchmap,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pubmed => "pubmed",
            Format::Wos => "wos",
            Format::Scopus => "scopus",
            Format::Openalex => "openalex",
            Format::Orcid => "orcid",
            Format::Researchmap => "researchmap",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a record is: its file, the line it starts on (text formats) or
/// its JSON path (`$[3]`, `$.works[2]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRef {
    pub file: String,
    pub line: Option<u64>,
    pub path: Option<String>,
}

impl RecordRef {
    pub fn line(file: &str, line: u64) -> RecordRef {
        RecordRef {
            file: file.to_string(),
            line: Some(line),
            path: None,
        }
    }
    pub fn json(file: &str, path: impl Into<String>) -> RecordRef {
        RecordRef {
            file: file.to_string(),
            line: None,
            path: Some(path.into()),
        }
    }
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.path) {
            (Some(l), _) => write!(f, "{}:{l}", self.file),
            (None, Some(p)) => write!(f, "{} at {p}", self.file),
            (None, None) => f.write_str(&self.file),
        }
    }
}

/// The identifiers a work may carry; the de-duplication keys in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkIds {
    /// Lower case, without `https://doi.org/`.
    pub doi: Option<String>,
    pub pmid: Option<String>,
    /// `WOS:000515096600001`.
    pub wos_ut: Option<String>,
    /// `2-s2.0-85012345678`.
    pub scopus_eid: Option<String>,
    /// `W2741809807`, without `https://openalex.org/`.
    pub openalex_id: Option<String>,
}

impl WorkIds {
    /// The identifier a record is named by in the reports (`wos:WOS:000…`).
    pub fn label(&self) -> Option<String> {
        let pairs = [
            ("wos", &self.wos_ut),
            ("pubmed", &self.pmid),
            ("scopus", &self.scopus_eid),
            ("openalex", &self.openalex_id),
            ("doi", &self.doi),
        ];
        pairs
            .into_iter()
            .find_map(|(k, v)| v.as_ref().map(|v| format!("{k}:{v}")))
    }

    pub fn is_empty(&self) -> bool {
        self.doi.is_none()
            && self.pmid.is_none()
            && self.wos_ut.is_none()
            && self.scopus_eid.is_none()
            && self.openalex_id.is_none()
    }
}

/// An affiliation as a source gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportedAffiliation {
    /// The organisation (`Univ Tokyo`, `The University of Tokyo`).
    pub name: String,
    /// The same organisation in another language (researchmap `ja`/`en`).
    pub other_names: Vec<String>,
    pub department: Option<String>,
    pub country: Option<String>,
    /// The source's organisation type (OpenAlex `education`, `company`…).
    pub kind: Option<String>,
    /// A ROR ID or the source's own organisation ID.
    pub org_id: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

/// One author of a record, or the person of a person-centred record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportedAuthor {
    /// The name as written (`Tanaka, Hiroshi`).
    pub name: String,
    /// Other spellings given by the source (researchmap's English form).
    pub other_names: Vec<String>,
    /// Normalised ORCID iDs (`0000-0002-1825-0097`); more than one when a
    /// source lists two for the same person.
    pub orcids: Vec<String>,
    /// e-Rad researcher number.
    pub erad_id: Option<String>,
    pub affiliations: Vec<ImportedAffiliation>,
    /// A group author (`WHO Study Group`): never a researcher.
    pub collective: bool,
}

/// A publication record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportedWork {
    pub record: Option<RecordRef>,
    pub ids: WorkIds,
    pub title: String,
    pub year: Option<i32>,
    pub abstract_text: Option<String>,
    /// Author keywords, index keywords and MeSH headings, as given.
    pub keywords: Vec<String>,
    pub authors: Vec<ImportedAuthor>,
    /// ORCID iDs the record gives under a name that fits none of its
    /// authors (WoS `OI` pairs such as `/0000-…` with no name): `(name, iD)`.
    pub unplaced_orcids: Vec<(String, String)>,
}

/// A person-centred record (ORCID, researchmap): the person, their
/// employment history, and their works (whose author is the person).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportedPerson {
    pub record: Option<RecordRef>,
    pub person: ImportedAuthor,
    pub works: Vec<ImportedWork>,
}

/// What a parser hands over, one at a time.
#[derive(Clone, Debug)]
pub enum Item {
    Work(ImportedWork),
    Person(ImportedPerson),
    /// A record that cannot be imported (no title, no authors, no year),
    /// counted and listed in the report.
    Skipped {
        record: RecordRef,
        reason: String,
    },
}

/// The callback a parser gives each item to.
pub type Sink<'a> = dyn FnMut(Item) -> Result<(), ImportError> + 'a;

/// A file or folder that cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: looks like {looks_like}, not {expected}; import it as `rdmatch import {suggest} {file} --data DIR`")]
    WrongFormat {
        file: String,
        expected: String,
        looks_like: String,
        suggest: String,
    },
    #[error("{file}: is not a {expected} export (it matches no format rdmatch imports: {hint})")]
    Unrecognised {
        file: String,
        expected: String,
        hint: String,
    },
    #[error("{file}:{line}: field {field}: {message}")]
    Malformed {
        file: String,
        line: u64,
        field: String,
        message: String,
    },
    #[error("{file}: at {path}: {message}")]
    Json {
        file: String,
        path: String,
        message: String,
    },
    #[error("{0}")]
    Folder(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ImportError {
    pub fn io(file: &Path, source: std::io::Error) -> ImportError {
        ImportError::Io {
            file: file.display().to_string(),
            source,
        }
    }
    pub fn write(path: &Path, source: std::io::Error) -> ImportError {
        ImportError::Write {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// `https://orcid.org/0000-0002-1825-0097`, `0000000218250097` → the
/// hyphenated form, when its check digit (ISO 7064 11,2) is right.
pub fn normalise_orcid(s: &str) -> Option<String> {
    let digits: Vec<char> = s
        .trim()
        .trim_start_matches("https://orcid.org/")
        .trim_start_matches("http://orcid.org/")
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if digits.len() != 16 {
        return None;
    }
    let mut total = 0u32;
    for c in &digits[..15] {
        total = (total + c.to_digit(10)?) * 2;
    }
    let check = (12 - total % 11) % 11;
    let want = if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10)?
    };
    if digits[15] != want {
        return None;
    }
    let s: String = digits.iter().collect();
    Some(format!(
        "{}-{}-{}-{}",
        &s[0..4],
        &s[4..8],
        &s[8..12],
        &s[12..16]
    ))
}

/// `https://doi.org/10.1371/X`, `doi:10.1371/x` → `10.1371/x`.
pub fn normalise_doi(s: &str) -> Option<String> {
    let t = s.trim();
    let lower = t.to_lowercase();
    let start = lower.find("10.")?;
    let d = lower[start..].trim_end_matches(['.', ' ']).to_string();
    d.contains('/').then_some(d)
}

/// The first four-digit year 1900–2100 in `s` (`2017 Feb`, `2019-03-01`).
pub fn year_in(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let w = &b[i..i + 4];
        let boundary_before = i == 0 || !b[i - 1].is_ascii_digit();
        let boundary_after = b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if boundary_before && boundary_after && w.iter().all(u8::is_ascii_digit) {
            let y: i32 = std::str::from_utf8(w).ok()?.parse().ok()?;
            (1900..=2100).contains(&y).then_some(y)
        } else {
            None
        }
    })
}

/// Reads `path` with the parser for `format` (the file's content decides
/// between MEDLINE and PubMed XML, and between WoS tagged and tab-delimited).
pub fn parse_file(format: Format, path: &Path, sink: &mut Sink) -> Result<(), ImportError> {
    let seen = sniff::sniff(path)?;
    let name = path.display().to_string();
    let fits = match (format, &seen) {
        (Format::Pubmed, sniff::Seen::Medline | sniff::Seen::PubmedXml) => true,
        (Format::Wos, sniff::Seen::WosTagged | sniff::Seen::WosTab) => true,
        (Format::Scopus, sniff::Seen::ScopusCsv) => true,
        (Format::Openalex, sniff::Seen::OpenalexJson) => true,
        (Format::Orcid, sniff::Seen::OrcidJson) => true,
        (Format::Researchmap, sniff::Seen::ResearchmapJson) => true,
        (_, sniff::Seen::Unknown(hint)) => {
            return Err(ImportError::Unrecognised {
                file: name,
                expected: format.to_string(),
                hint: hint.clone(),
            })
        }
        _ => false,
    };
    if !fits {
        return Err(ImportError::WrongFormat {
            file: name,
            expected: sniff::describe_format(format).to_string(),
            looks_like: seen.describe().to_string(),
            suggest: seen.format().map_or("?", Format::as_str).to_string(),
        });
    }
    match seen {
        sniff::Seen::Medline => medline::parse(path, sink),
        sniff::Seen::PubmedXml => pubmed_xml::parse(path, sink),
        sniff::Seen::WosTagged => wos::parse_tagged(path, sink),
        sniff::Seen::WosTab => wos::parse_tab(path, sink),
        sniff::Seen::ScopusCsv => scopus::parse(path, sink),
        sniff::Seen::OpenalexJson => openalex::parse(path, sink),
        sniff::Seen::OrcidJson => orcid::parse(path, sink),
        sniff::Seen::ResearchmapJson => researchmap::parse(path, sink),
        sniff::Seen::Unknown(_) => Ok(()),
    }
}

/// Opens a tabular export (Scopus CSV, WoS tab-delimited) to be read row
/// by row through the table layer, so memory follows the records kept, not
/// the file.
pub(crate) fn open_export_table(
    path: &Path,
) -> Result<(String, crate::table::stream::RowStream), ImportError> {
    let file = path.display().to_string();
    let stream = crate::table::stream::RowStream::open(path, Default::default())
        .map_err(|e| table_error(&file, e))?;
    Ok((file, stream))
}

/// The next row of an export opened by [`open_export_table`], with its
/// line; rows that cannot be split into the header's columns are passed on
/// as skipped records.
pub(crate) fn next_export_row<'s>(
    file: &str,
    stream: &'s mut crate::table::stream::RowStream,
    sink: &mut Sink,
) -> Result<Option<(crate::table::stream::Cells<'s>, u64)>, ImportError> {
    use crate::table::stream::Next;
    loop {
        // Re-borrowed per step: a rejected row is reported and the loop
        // goes on without holding the stream.
        let next = stream.next_row().map_err(|e| table_error(file, e))?;
        match next {
            None => return Ok(None),
            Some(Next::Rejected(r)) => sink(Item::Skipped {
                record: RecordRef::line(file, r.position.line()),
                reason: r.message,
            })?,
            Some(Next::Row(..)) => break,
        }
    }
    // The row the loop stopped at is the stream's current record.
    Ok(Some(stream.current()))
}

/// A row of an export whose cell is not what its field holds, named by
/// file, line and the column's header.
pub(crate) fn row_error(
    file: &str,
    line: u64,
    layout: &crate::table::Layout,
    e: crate::table::typed::RowError,
) -> ImportError {
    ImportError::Malformed {
        file: file.to_string(),
        line,
        field: e
            .field
            .map_or_else(|| "(row)".to_string(), |k| layout.name(k).to_string()),
        message: e.message,
    }
}

fn table_error(file: &str, e: crate::table::TableError) -> ImportError {
    ImportError::Malformed {
        file: file.to_string(),
        line: e.line.unwrap_or(0),
        field: "(file)".into(),
        message: e.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orcids_are_checked_and_hyphenated() {
        assert_eq!(
            normalise_orcid("https://orcid.org/0000-0002-1825-0097").as_deref(),
            Some("0000-0002-1825-0097")
        );
        assert_eq!(
            normalise_orcid("000000021694233X").as_deref(),
            Some("0000-0002-1694-233X")
        );
        assert_eq!(normalise_orcid("0000-0002-1825-0098"), None);
        assert_eq!(normalise_orcid("0000-0002"), None);
    }

    #[test]
    fn dois_and_years() {
        assert_eq!(
            normalise_doi("https://doi.org/10.1371/journal.PONE.0207499").as_deref(),
            Some("10.1371/journal.pone.0207499")
        );
        assert_eq!(normalise_doi("none"), None);
        assert_eq!(year_in("2017 Feb"), Some(2017));
        assert_eq!(year_in("12017"), None);
        assert_eq!(year_in("1999-2020"), Some(1999));
    }
}
