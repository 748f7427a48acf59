//! Scopus CSV export ("CSV", all information): `Authors`, `Author full
//! names` (`Tanaka, Hiroshi (57190000001)`), `Author(s) ID`, `Title`,
//! `Year`, `DOI`, `Affiliations`, `Authors with affiliations`, `Abstract`
//! (`[No abstract available]` is none), `Author Keywords`, `Index
//! Keywords`, `EID`, `PubMed ID`. Lists are `; `-separated. Read row by
//! row through the table layer.

use std::path::Path;

use super::institution::parse_free_address;
use super::medline::push_kw;
use super::{
    normalise_doi, year_in, ImportError, ImportedAuthor, ImportedWork, Item, RecordRef, Sink,
    WorkIds,
};

pub fn parse(path: &Path, sink: &mut Sink) -> Result<(), ImportError> {
    let (file, mut table) = super::open_export_table(path)?;
    let col = |names: &[&str]| names.iter().find_map(|n| table.column(n));
    let c_au = col(&["Authors"]);
    let c_full = col(&["Author full names"]);
    let c_title = col(&["Title"]);
    if c_title.is_none() || (c_au.is_none() && c_full.is_none()) {
        return Err(ImportError::Malformed {
            file,
            line: 1,
            field: "Title/Authors".into(),
            message: format!(
                "a Scopus export has Authors and Title columns; this header has {}",
                table.header().join(", ")
            ),
        });
    }
    let c_year = col(&["Year"]);
    let c_doi = col(&["DOI"]);
    let c_wa = col(&["Authors with affiliations"]);
    let c_abs = col(&["Abstract"]);
    let c_ak = col(&["Author Keywords"]);
    let c_ik = col(&["Index Keywords"]);
    let c_eid = col(&["EID"]);
    let c_pm = col(&["PubMed ID"]);
    while let Some((row, line)) = super::next_export_row(&file, &mut table, sink)? {
        let get = |c: Option<usize>| c.map(|k| row.get(k).trim()).unwrap_or("");
        let rec = RecordRef::line(&file, line);
        let title = get(c_title);
        if title.is_empty() {
            sink(Item::Skipped {
                record: rec,
                reason: "field Title: empty".into(),
            })?;
            continue;
        }
        let Some(year) = year_in(get(c_year)) else {
            sink(Item::Skipped {
                record: rec,
                reason: format!("field Year: \"{}\" is not a year", get(c_year)),
            })?;
            continue;
        };
        let split = |s: &str| -> Vec<String> {
            s.split(';')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        };
        let short = split(get(c_au));
        let full: Vec<String> = split(get(c_full))
            .into_iter()
            .map(|n| match n.rfind(" (") {
                Some(i) if n.ends_with(')') => n[..i].to_string(),
                _ => n,
            })
            .collect();
        let names: Vec<String> = if full.len() >= short.len() {
            full
        } else {
            short.clone()
        };
        let names: Vec<String> = names
            .into_iter()
            .filter(|n| !n.starts_with("[No author"))
            .collect();
        if names.is_empty() {
            sink(Item::Skipped {
                record: rec,
                reason: "field Authors: no authors".into(),
            })?;
            continue;
        }
        let with_aff = split(get(c_wa));
        let authors = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut a = ImportedAuthor {
                    name: n.clone(),
                    ..Default::default()
                };
                if with_aff.len() == names.len() {
                    let entry = &with_aff[i];
                    let prefix = short.get(i).map(String::as_str).unwrap_or("");
                    let place = entry
                        .strip_prefix(prefix)
                        .or_else(|| entry.strip_prefix(n.as_str()))
                        .map(|s| s.trim_start_matches([',', ' ']))
                        .unwrap_or_else(|| entry.split_once(", ").map_or("", |x| x.1));
                    let aff = parse_free_address(place);
                    if !aff.name.is_empty() {
                        a.affiliations.push(aff);
                    }
                }
                a
            })
            .collect();
        let abs = get(c_abs);
        let mut keywords = Vec::new();
        for k in split(get(c_ak)).into_iter().chain(split(get(c_ik))) {
            push_kw(&mut keywords, &k);
        }
        sink(Item::Work(ImportedWork {
            record: Some(rec),
            ids: WorkIds {
                doi: normalise_doi(get(c_doi)),
                pmid: Some(get(c_pm).to_string()).filter(|s| !s.is_empty()),
                scopus_eid: Some(get(c_eid).to_string()).filter(|s| !s.is_empty()),
                ..Default::default()
            },
            title: title.to_string(),
            year: Some(year),
            abstract_text: (!abs.is_empty() && !abs.starts_with("[No abstract"))
                .then(|| abs.to_string()),
            keywords,
            authors,
            unplaced_orcids: Vec::new(),
        }))?;
    }
    Ok(())
}
