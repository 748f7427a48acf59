//! What a file looks like, from its first few kilobytes: so that a file
//! given under the wrong format is named for what it is
//! (`looks like MEDLINE, not Web of Science`).

use std::io::Read;
use std::path::Path;

use super::{Format, ImportError};

/// The format a file's beginning shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    Medline,
    PubmedXml,
    WosTagged,
    WosTab,
    ScopusCsv,
    OpenalexJson,
    OrcidJson,
    ResearchmapJson,
    /// None of them; the text says what was seen.
    Unknown(String),
}

impl Seen {
    pub fn describe(&self) -> &str {
        match self {
            Seen::Medline => "MEDLINE (PubMed text)",
            Seen::PubmedXml => "PubMed XML",
            Seen::WosTagged => "Web of Science (plain text)",
            Seen::WosTab => "Web of Science (tab-delimited)",
            Seen::ScopusCsv => "Scopus CSV",
            Seen::OpenalexJson => "OpenAlex JSON",
            Seen::OrcidJson => "ORCID JSON",
            Seen::ResearchmapJson => "researchmap JSON",
            Seen::Unknown(s) => s,
        }
    }
    pub fn format(&self) -> Option<Format> {
        Some(match self {
            Seen::Medline | Seen::PubmedXml => Format::Pubmed,
            Seen::WosTagged | Seen::WosTab => Format::Wos,
            Seen::ScopusCsv => Format::Scopus,
            Seen::OpenalexJson => Format::Openalex,
            Seen::OrcidJson => Format::Orcid,
            Seen::ResearchmapJson => Format::Researchmap,
            Seen::Unknown(_) => return None,
        })
    }
}

pub fn describe_format(f: Format) -> &'static str {
    match f {
        Format::Pubmed => "PubMed (MEDLINE or XML)",
        Format::Wos => "Web of Science",
        Format::Scopus => "Scopus CSV",
        Format::Openalex => "OpenAlex JSON",
        Format::Orcid => "ORCID JSON",
        Format::Researchmap => "researchmap JSON",
    }
}

pub fn sniff(path: &Path) -> Result<Seen, ImportError> {
    let mut f = std::fs::File::open(path).map_err(|e| ImportError::io(path, e))?;
    let mut buf = vec![0u8; 16 * 1024];
    let mut n = 0;
    while n < buf.len() {
        let k = f
            .read(&mut buf[n..])
            .map_err(|e| ImportError::io(path, e))?;
        if k == 0 {
            break;
        }
        n += k;
    }
    buf.truncate(n);
    Ok(sniff_bytes(&buf))
}

pub fn sniff_bytes(bytes: &[u8]) -> Seen {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    let t = text.trim_start();
    if t.is_empty() {
        return Seen::Unknown("an empty file".into());
    }
    if t.starts_with('<') {
        if t.contains("PubmedArticle") {
            return Seen::PubmedXml;
        }
        return Seen::Unknown("an XML file without PubmedArticleSet".into());
    }
    if t.starts_with('{') || t.starts_with('[') {
        // Keys that only one source writes.
        if t.contains("\"orcid-identifier\"") || t.contains("\"activities-summary\"") {
            return Seen::OrcidJson;
        }
        if t.contains("\"rm:user_id\"")
            || t.contains("\"paper_title\"")
            || t.contains("api.researchmap.jp")
            || t.contains("\"family_name\"")
        {
            return Seen::ResearchmapJson;
        }
        if t.contains("openalex.org") || t.contains("\"authorships\"") {
            return Seen::OpenalexJson;
        }
        return Seen::Unknown("a JSON file from no source rdmatch knows".into());
    }
    let first = t.lines().next().unwrap_or("");
    if first.starts_with("PT\t") || (first.contains("\tAU\t") && first.contains("\tUT")) {
        return Seen::WosTab;
    }
    let header = first.trim_start_matches('"');
    if (header.starts_with("Authors") || header.starts_with("Author full names"))
        && (first.contains("EID") || first.contains("Source title") || first.contains("Title"))
    {
        return Seen::ScopusCsv;
    }
    let mut wos = 0;
    let mut medline = 0;
    for line in t.lines().take(200) {
        if line.starts_with("FN ") || line.starts_with("VR ") || line == "ER" {
            wos += 2;
        } else if line.len() > 3
            && line.as_bytes()[2] == b' '
            && line.as_bytes()[..2].iter().all(u8::is_ascii_uppercase)
            && !line.as_bytes()[2..].starts_with(b" -")
        {
            wos += 1;
        }
        if super::medline::split_tag(line).is_some() {
            medline += 1;
        }
    }
    if medline > wos && t.contains("PMID-") {
        return Seen::Medline;
    }
    if wos > 0 && (t.contains("\nER") || t.starts_with("FN ") || t.contains("\nPT ")) {
        return Seen::WosTagged;
    }
    if medline > 0 {
        return Seen::Medline;
    }
    if first.contains(',') {
        return Seen::Unknown("a CSV file whose header is not a Scopus export's".into());
    }
    Seen::Unknown("text in no export format rdmatch knows".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_is_recognised_from_its_start() {
        assert_eq!(sniff_bytes(b"PMID- 1\nTI  - x\n"), Seen::Medline);
        assert_eq!(
            sniff_bytes(b"\xEF\xBB\xBFFN Clarivate\nVR 1.0\nPT J\nER\n"),
            Seen::WosTagged
        );
        assert_eq!(sniff_bytes(b"PT\tAU\tTI\tUT\nJ\tx\ty\tz\n"), Seen::WosTab);
        assert_eq!(
            sniff_bytes(b"Authors,Author full names,Title,EID\n"),
            Seen::ScopusCsv
        );
        assert_eq!(
            sniff_bytes(b"\"Authors\",\"Title\",\"EID\"\n"),
            Seen::ScopusCsv
        );
        assert_eq!(
            sniff_bytes(b"{\"id\":\"https://openalex.org/W1\",\"authorships\":[]}"),
            Seen::OpenalexJson
        );
        assert_eq!(sniff_bytes(b"{\"orcid-identifier\":{}}"), Seen::OrcidJson);
        assert_eq!(
            sniff_bytes(b"{\"rm:user_id\":\"x\"}"),
            Seen::ResearchmapJson
        );
        assert_eq!(sniff_bytes(b"<?xml?><PubmedArticleSet>"), Seen::PubmedXml);
        assert!(matches!(sniff_bytes(b"id,name\n"), Seen::Unknown(_)));
    }
}
