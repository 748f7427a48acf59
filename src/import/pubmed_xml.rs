//! PubMed XML (`PubmedArticleSet`, efetch `retmode=xml`), read as a stream
//! with quick-xml (already built for calamine): one `PubmedArticle` in
//! memory at a time. Fields: `PMID`, `ArticleTitle`, `AbstractText`
//! (several labelled parts joined), `AuthorList/Author` (`LastName`,
//! `ForeName`, `Initials`, `CollectiveName`, `Identifier
//! Source="ORCID"`, `AffiliationInfo/Affiliation`), `PubDate/Year` (or
//! `MedlineDate`), `ArticleId IdType="doi"`, `MeshHeading/DescriptorName`,
//! `Keyword`.

use std::io::BufReader;
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::institution::parse_free_address;
use super::medline::push_kw;
use super::{
    normalise_doi, normalise_orcid, year_in, ImportError, ImportedAuthor, ImportedWork, Item,
    RecordRef, Sink,
};

#[derive(Default)]
struct Author {
    last: String,
    fore: String,
    initials: String,
    collective: String,
    orcid: Option<String>,
    affs: Vec<String>,
}

pub fn parse(path: &Path, sink: &mut Sink) -> Result<(), ImportError> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| ImportError::io(path, e))?;
    let mut reader = Reader::from_reader(BufReader::with_capacity(1 << 16, f));
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut attr_id_type = String::new();
    let mut w: Option<(ImportedWork, u64)> = None;
    let mut author: Option<Author> = None;
    let mut pub_year: Option<i32> = None;
    let mut abstract_parts: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        let pos = reader.buffer_position();
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| ImportError::Malformed {
                file: file.clone(),
                line: 0,
                field: stack.last().cloned().unwrap_or_default(),
                message: format!("is not well-formed XML at byte {pos}: {e}"),
            })?;
        match ev {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                attr_id_type.clear();
                for a in e.attributes().flatten() {
                    let k = a.key.as_ref();
                    if k == "IdType" || k == "Source" {
                        attr_id_type = a.value.to_string();
                    }
                }
                match name.as_str() {
                    "PubmedArticle" => {
                        w = Some((ImportedWork::default(), pos));
                        pub_year = None;
                        abstract_parts.clear();
                    }
                    "Author" => author = Some(Author::default()),
                    _ => {}
                }
                stack.push(name);
                text.clear();
            }
            Event::Text(t) => {
                text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    let c = match &*r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    };
                    text.push_str(c);
                }
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                let parent = stack.last().map(String::as_str).unwrap_or("");
                let value = text.trim().to_string();
                if let Some((work, _)) = w.as_mut() {
                    match (name.as_str(), parent) {
                        ("PMID", "MedlineCitation") => work.ids.pmid = Some(value.clone()),
                        ("ArticleTitle", _) => work.title = value.trim_end_matches('.').to_string(),
                        ("AbstractText", _) => abstract_parts.push(value.clone()),
                        ("Year", "PubDate") | ("MedlineDate", "PubDate") => {
                            pub_year = year_in(&value)
                        }
                        ("ArticleId", _) if attr_id_type == "doi" => {
                            work.ids.doi = normalise_doi(&value)
                        }
                        ("ELocationID", _) if attr_id_type == "doi" && work.ids.doi.is_none() => {
                            work.ids.doi = normalise_doi(&value)
                        }
                        ("DescriptorName", "MeshHeading") => push_kw(&mut work.keywords, &value),
                        ("Keyword", _) => push_kw(&mut work.keywords, &value),
                        _ => {}
                    }
                }
                if let Some(a) = author.as_mut() {
                    match name.as_str() {
                        "LastName" => a.last = value.clone(),
                        "ForeName" => a.fore = value.clone(),
                        "Initials" => a.initials = value.clone(),
                        "CollectiveName" => a.collective = value.clone(),
                        "Identifier" if attr_id_type == "ORCID" => {
                            a.orcid = normalise_orcid(&value)
                        }
                        "Affiliation" => a.affs.push(value.clone()),
                        _ => {}
                    }
                }
                if name == "Author" {
                    if let (Some(a), Some((work, _))) = (author.take(), w.as_mut()) {
                        let collective = !a.collective.is_empty();
                        let given = if a.fore.is_empty() {
                            a.initials
                        } else {
                            a.fore
                        };
                        let nm = if collective {
                            a.collective
                        } else if given.is_empty() {
                            a.last
                        } else {
                            format!("{}, {given}", a.last)
                        };
                        work.authors.push(ImportedAuthor {
                            name: nm,
                            collective,
                            orcids: a.orcid.into_iter().collect(),
                            affiliations: a
                                .affs
                                .iter()
                                .map(|s| parse_free_address(s))
                                .filter(|f| !f.name.is_empty())
                                .collect(),
                            ..Default::default()
                        });
                    }
                }
                if name == "PubmedArticle" {
                    if let Some((mut work, at)) = w.take() {
                        let rec = RecordRef::json(&file, format!("PubmedArticle at byte {at}"));
                        work.year = pub_year;
                        if !abstract_parts.is_empty() {
                            work.abstract_text = Some(abstract_parts.join(" "));
                        }
                        work.record = Some(rec.clone());
                        let reason = if work.title.is_empty() {
                            Some("field ArticleTitle: empty")
                        } else if work.year.is_none() {
                            Some("field PubDate: no year")
                        } else if work.authors.is_empty() {
                            Some("field AuthorList: no authors")
                        } else {
                            None
                        };
                        match reason {
                            Some(r) => sink(Item::Skipped {
                                record: rec,
                                reason: r.into(),
                            })?,
                            None => sink(Item::Work(work))?,
                        }
                    }
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}
