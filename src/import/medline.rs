//! PubMed's MEDLINE text format (`.nbib`, "PubMed" export): a tag of up
//! to four letters padded to four columns, `- `, the value; continuation
//! lines indented by six spaces; records start with `PMID- ` and are
//! separated by blank lines.
//!
//! Authors: `FAU` (full) and `AU` (abbreviated) of one author come
//! together, then that author's `AD` (affiliations) and `AUID` (`ORCID:
//! …`); `CN` is a group author. `DP` gives the year, `LID`/`AID` the DOI
//! (`10.… [doi]`), `MH` MeSH headings (`Breast Neoplasms/*diagnosis` →
//! `Breast Neoplasms`), `OT` author keywords.

use std::path::Path;

use super::institution::parse_free_address;
use super::text::Lines;
use super::{
    normalise_doi, normalise_orcid, year_in, ImportError, ImportedAuthor, ImportedWork, Item,
    RecordRef, Sink, WorkIds,
};

#[derive(Default)]
struct Rec {
    start: u64,
    fields: Vec<(String, String)>,
}

pub fn parse(path: &Path, sink: &mut Sink) -> Result<(), ImportError> {
    let mut lines = Lines::open(path)?;
    let file = lines.file().to_string();
    let mut rec: Option<Rec> = None;
    while let Some((n, line)) = lines.next_line()? {
        // Exports joined with `cat` carry a byte-order mark at each file's start.
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        if line.trim().is_empty() {
            if let Some(r) = rec.take() {
                sink(build(&file, r))?;
            }
            continue;
        }
        if line.starts_with("      ") || line.starts_with('\t') {
            match rec.as_mut().and_then(|r| r.fields.last_mut()) {
                Some((_, v)) => {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                None => {
                    return Err(ImportError::Malformed {
                        file,
                        line: n,
                        field: "(continuation)".into(),
                        message: "an indented line before any tag; MEDLINE lines start with a tag such as `PMID- ` or six spaces".into(),
                    })
                }
            }
            continue;
        }
        let Some((tag, value)) = split_tag(line) else {
            return Err(ImportError::Malformed {
                file,
                line: n,
                field: line.chars().take(4).collect::<String>().trim().to_string(),
                message: format!(
                    "\"{}\" is not a MEDLINE line (`TAG - value`, the tag padded to four columns)",
                    line.chars().take(40).collect::<String>()
                ),
            });
        };
        if tag == "PMID" {
            if let Some(r) = rec.take() {
                sink(build(&file, r))?;
            }
        }
        rec.get_or_insert_with(|| Rec {
            start: n,
            fields: Vec::new(),
        })
        .fields
        .push((tag.to_string(), value.trim().to_string()));
    }
    if let Some(r) = rec.take() {
        sink(build(&file, r))?;
    }
    Ok(())
}

/// `AU  - Wörmann B` → (`AU`, `Wörmann B`); also the unpadded
/// `GN - …` some exports write.
pub(super) fn split_tag(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let n = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(2..=4).contains(&n) {
        return None;
    }
    let spaces = b[n..].iter().take_while(|c| **c == b' ').count();
    if n + spaces > 4 || b.get(n + spaces) != Some(&b'-') {
        return None;
    }
    let rest = &line[n + spaces + 1..];
    Some((&line[..n], rest.strip_prefix(' ').unwrap_or(rest)))
}

fn build(file: &str, r: Rec) -> Item {
    let rec = RecordRef::line(file, r.start);
    let mut w = ImportedWork {
        record: Some(rec.clone()),
        ..Default::default()
    };
    let mut authors: Vec<(ImportedAuthor, bool)> = Vec::new(); // (author, has AU)
    let mut title = String::new();
    let mut abstract_text = String::new();
    let mut year = None;
    for (tag, v) in r.fields {
        match tag.as_str() {
            "PMID" => w.ids.pmid = Some(v),
            "TI" => title = v,
            "AB" => {
                if !abstract_text.is_empty() {
                    abstract_text.push(' ');
                }
                abstract_text.push_str(&v);
            }
            "DP" => year = year_in(&v),
            "FAU" => authors.push((
                ImportedAuthor {
                    name: v,
                    ..Default::default()
                },
                false,
            )),
            "AU" => match authors.last_mut() {
                Some((_, has)) if !*has => *has = true,
                _ => authors.push((
                    ImportedAuthor {
                        name: v,
                        ..Default::default()
                    },
                    true,
                )),
            },
            "CN" => authors.push((
                ImportedAuthor {
                    name: v,
                    collective: true,
                    ..Default::default()
                },
                true,
            )),
            "AD" => {
                if let Some((a, _)) = authors.last_mut() {
                    let aff = parse_free_address(&v);
                    if !aff.name.is_empty() && !a.affiliations.contains(&aff) {
                        a.affiliations.push(aff);
                    }
                }
            }
            "AUID" => {
                if let (Some((a, _)), Some(id)) = (
                    authors.last_mut(),
                    v.strip_prefix("ORCID:").and_then(normalise_orcid),
                ) {
                    if !a.orcids.contains(&id) {
                        a.orcids.push(id);
                    }
                }
            }
            "LID" | "AID" => {
                if let Some(d) = v.strip_suffix("[doi]") {
                    if w.ids.doi.is_none() {
                        w.ids.doi = normalise_doi(d);
                    }
                }
            }
            "MH" => {
                let h = v
                    .split('/')
                    .next()
                    .unwrap_or("")
                    .trim_start_matches('*')
                    .trim();
                push_kw(&mut w.keywords, h);
            }
            "OT" => push_kw(&mut w.keywords, &v),
            _ => {}
        }
    }
    w.authors = authors.into_iter().map(|(a, _)| a).collect();
    w.title = title.trim().trim_end_matches('.').trim().to_string();
    if !w.title.is_empty() && title.trim().ends_with('.') {
        // MEDLINE ends every title with a period; keep `?` and `!`.
        w.title = title.trim().trim_end_matches('.').to_string();
    }
    w.abstract_text = (!abstract_text.is_empty()).then_some(abstract_text);
    w.year = year;
    if w.title.is_empty() {
        return Item::Skipped {
            record: rec,
            reason: "no title (TI)".into(),
        };
    }
    if w.year.is_none() {
        return Item::Skipped {
            record: rec,
            reason: "no publication year (DP)".into(),
        };
    }
    if w.authors.is_empty() {
        return Item::Skipped {
            record: rec,
            reason: "no authors (FAU, AU or CN)".into(),
        };
    }
    let _ = WorkIds::default();
    Item::Work(w)
}

pub(super) fn push_kw(list: &mut Vec<String>, k: &str) {
    let k = k.trim();
    if !k.is_empty() && !list.iter().any(|x| x.eq_ignore_ascii_case(k)) {
        list.push(k.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Vec<Item> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.nbib");
        std::fs::write(&p, text).unwrap();
        let mut items = Vec::new();
        parse(&p, &mut |i| {
            items.push(i);
            Ok(())
        })
        .unwrap();
        items
    }

    #[test]
    fn authors_affiliations_orcids_mesh_and_continuations() {
        let items = parse_str(
            "PMID- 123\nDP  - 2019 Mar\nTI  - A title that goes on\n      to a second line.\nLID - 10.1/XYZ [doi]\nFAU - Tanaka, Hiroshi\nAU  - Tanaka H\nAD  - Department of Medicine, The University of Tokyo, Tokyo, Japan.\nAUID- ORCID: 0000-0002-1825-0097\nFAU - Müller, Jörg\nAU  - Müller J\nCN  - WHO Study Group\nMH  - Breast Neoplasms/*diagnosis\nMH  - *Humans\nOT  - screening\n\nPMID- 124\nDP  - 2020\nTI  - No authors here.\n",
        );
        assert_eq!(items.len(), 2);
        let Item::Work(w) = &items[0] else { panic!() };
        assert_eq!(w.title, "A title that goes on to a second line");
        assert_eq!(w.abstract_text, None, "a missing abstract stays missing");
        assert_eq!(w.ids.doi.as_deref(), Some("10.1/xyz"));
        assert_eq!(w.authors.len(), 3);
        assert_eq!(w.authors[0].orcids, ["0000-0002-1825-0097"]);
        assert_eq!(w.authors[0].affiliations[0].name, "The University of Tokyo");
        assert_eq!(w.authors[1].name, "Müller, Jörg");
        assert!(w.authors[2].collective);
        assert_eq!(w.keywords, ["Breast Neoplasms", "Humans", "screening"]);
        assert!(matches!(&items[1], Item::Skipped { reason, .. } if reason.contains("authors")));
    }
}
