//! Scopus CSV export ("CSV", all information): `Authors`, `Author full
//! names` (`Tanaka, Hiroshi (57190000001)`), `Author(s) ID`, `Title`,
//! `Year`, `DOI`, `Affiliations`, `Authors with affiliations`, `Abstract`
//! (`[No abstract available]` is none), `Author Keywords`, `Index
//! Keywords`, `EID`, `PubMed ID`. Lists are `; `-separated. Read row by
//! row through the table layer, each row a [`ScopusRow`].

use std::path::Path;

use crate::table::{InputRow, Layout, Names};

use super::institution::parse_free_address;
use super::medline::push_kw;
use super::{
    normalise_doi, year_in, ImportError, ImportedAuthor, ImportedWork, Item, RecordRef, Sink,
    WorkIds,
};

crate::read_row! {
    /// A row of the Scopus CSV export, its columns under the headers Scopus
    /// writes. Every column is optional to the reader: an export needs
    /// `Title` and one of `Authors` or `Author full names` (checked with
    /// the header, in one message), and a row without a title, year or
    /// author is skipped with its reason.
    pub struct ScopusRow<'a> {
        pub authors: Option<&'a str> | "Authors",
        pub author_full_names: Option<&'a str> | "Author full names",
        pub author_ids: Option<&'a str> | "Author(s) ID",
        pub title: Option<&'a str> | "Title",
        pub year: Option<&'a str> | "Year",
        pub source_title: Option<&'a str> | "Source title",
        pub doi: Option<&'a str> | "DOI",
        pub affiliations: Option<&'a str> | "Affiliations",
        pub authors_with_affiliations: Option<&'a str> | "Authors with affiliations",
        pub abstract_text: Option<&'a str> | "Abstract",
        pub author_keywords: Option<&'a str> | "Author Keywords",
        pub index_keywords: Option<&'a str> | "Index Keywords",
        pub pubmed_id: Option<&'a str> | "PubMed ID",
        pub eid: Option<&'a str> | "EID",
    }
}

/// A cell, or "" when the export has no such column or the cell is blank.
fn get(c: Option<&str>) -> &str {
    c.unwrap_or("")
}

/// Whether the export has the column of `ScopusRow`'s field `name`.
fn has(layout: &Layout, name: &str) -> bool {
    ScopusRow::FIELDS
        .iter()
        .position(|f| f.name == name)
        .and_then(|k| layout.column(k))
        .is_some()
}

pub fn parse(path: &Path, sink: &mut Sink) -> Result<(), ImportError> {
    let (file, mut table) = super::open_export_table(path)?;
    let layout = Layout::find::<ScopusRow>(table.header(), Names::Exact);
    if !has(&layout, "title") || !(has(&layout, "authors") || has(&layout, "author_full_names")) {
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
    while let Some((cells, line)) = super::next_export_row(&file, &mut table, sink)? {
        let row: ScopusRow = layout
            .row(&cells)
            .map_err(|e| super::row_error(&file, line, &layout, e))?;
        let rec = RecordRef::line(&file, line);
        let title = get(row.title);
        if title.is_empty() {
            sink(Item::Skipped {
                record: rec,
                reason: "field Title: empty".into(),
            })?;
            continue;
        }
        let Some(year) = year_in(get(row.year)) else {
            sink(Item::Skipped {
                record: rec,
                reason: format!("field Year: \"{}\" is not a year", get(row.year)),
            })?;
            continue;
        };
        let split = |s: &str| -> Vec<String> {
            s.split(';')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        };
        let short = split(get(row.authors));
        let full: Vec<String> = split(get(row.author_full_names))
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
        let with_aff = split(get(row.authors_with_affiliations));
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
        let abs = get(row.abstract_text);
        let mut keywords = Vec::new();
        for k in split(get(row.author_keywords))
            .into_iter()
            .chain(split(get(row.index_keywords)))
        {
            push_kw(&mut keywords, &k);
        }
        sink(Item::Work(ImportedWork {
            record: Some(rec),
            ids: WorkIds {
                doi: normalise_doi(get(row.doi)),
                pmid: Some(get(row.pubmed_id).to_string()).filter(|s| !s.is_empty()),
                scopus_eid: Some(get(row.eid).to_string()).filter(|s| !s.is_empty()),
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
