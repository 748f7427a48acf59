//! Web of Science exports: the plain-text full record ("Other reference
//! software": two-letter tags, continuation lines indented by three
//! spaces, `ER` ends a record) and the tab-delimited export (one record
//! per row, the same tags as column names, lists separated by `; `).
//!
//! Fields used: `PT`, `AU`/`AF` (authors, abbreviated and full), `CA`
//! (group authors), `TI`, `AB`, `DE` (author keywords), `ID` (Keywords
//! Plus), `C1` (`[Author; Author] Institution, Dept, City, Country.`),
//! `OI` (`Name/ORCID` pairs), `PY`, `EA` (early-access year when `PY` is
//! absent), `DI` (DOI), `PM` (PMID), `UT` (accession number).

use foldhash::{HashMap, HashMapExt};
use std::path::Path;

use super::names::PersonName;
use super::text::Lines;
use super::{
    normalise_doi, normalise_orcid, year_in, ImportError, ImportedAffiliation, ImportedAuthor,
    ImportedWork, Item, RecordRef, Sink, WorkIds,
};

/// The tags whose continuation lines are items of a list, one per line.
const LINE_LISTS: [&str; 4] = ["AU", "AF", "C1", "CA"];

/// Streams the tagged plain-text export: one record in memory at a time.
pub fn parse_tagged(path: &Path, sink: &mut Sink) -> Result<(), ImportError> {
    let mut lines = Lines::open(path)?;
    let file = lines.file().to_string();
    let mut fields: HashMap<String, Vec<String>> = HashMap::new();
    let mut start: Option<u64> = None;
    let mut tag = String::new();
    while let Some((n, line)) = lines.next_line()? {
        // Exports joined with `cat` carry a byte-order mark at each file's start.
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        if line == "ER" || line.starts_with("ER ") {
            if let Some(s) = start.take() {
                sink(record(&file, s, std::mem::take(&mut fields)))?;
            }
            tag.clear();
            continue;
        }
        if line == "EF" || line.starts_with("FN ") || line.starts_with("VR ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("   ") {
            if tag.is_empty() {
                return Err(ImportError::Malformed {
                    file,
                    line: n,
                    field: "(continuation)".into(),
                    message: "an indented line outside any field; a Web of Science record line starts with a two-letter tag".into(),
                });
            }
            fields
                .entry(tag.clone())
                .or_default()
                .push(rest.trim().to_string());
            continue;
        }
        let b = line.as_bytes();
        let is_tag = b.len() >= 2
            && b[0].is_ascii_uppercase()
            && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
            && (b.len() == 2 || b[2] == b' ');
        if !is_tag {
            return Err(ImportError::Malformed {
                file,
                line: n,
                field: line.chars().take(2).collect(),
                message: format!(
                    "\"{}\" is not a tagged line; Web of Science plain-text lines start with a two-letter tag (PT, AU, TI, …) or three spaces",
                    line.chars().take(40).collect::<String>()
                ),
            });
        }
        tag = line[..2].to_string();
        if start.is_none() {
            start = Some(n);
        }
        let value = line.get(3..).unwrap_or("").trim().to_string();
        fields.entry(tag.clone()).or_default().push(value);
    }
    if let Some(s) = start {
        sink(Item::Skipped {
            record: RecordRef::line(&file, s),
            reason: "the file ends inside this record (no ER line): the export may be cut off"
                .into(),
        })?;
    }
    Ok(())
}

/// One tagged record → a work, or the reason it is skipped.
fn record(file: &str, line: u64, mut f: HashMap<String, Vec<String>>) -> Item {
    let mut take =
        |tag: &str, sep: &str| -> String { f.remove(tag).map(|v| v.join(sep)).unwrap_or_default() };
    let joined: HashMap<&str, String> =
        ["TI", "AB", "DE", "ID", "OI", "PY", "EA", "DI", "PM", "UT"]
            .into_iter()
            .map(|t| (t, take(t, " ")))
            .collect();
    let list = |f: &mut HashMap<String, Vec<String>>, t: &str| f.remove(t).unwrap_or_default();
    let _ = LINE_LISTS;
    let au = list(&mut f, "AU");
    let af = list(&mut f, "AF");
    let ca = list(&mut f, "CA");
    let c1 = list(&mut f, "C1");
    build(
        RecordRef::line(file, line),
        Fields {
            au,
            af,
            ca,
            c1,
            ti: joined["TI"].clone(),
            ab: joined["AB"].clone(),
            de: joined["DE"].clone(),
            id: joined["ID"].clone(),
            oi: joined["OI"].clone(),
            py: joined["PY"].clone(),
            ea: joined["EA"].clone(),
            di: joined["DI"].clone(),
            pm: joined["PM"].clone(),
            ut: joined["UT"].clone(),
        },
    )
}

/// The fields of one record, however the export laid them out.
struct Fields {
    au: Vec<String>,
    af: Vec<String>,
    ca: Vec<String>,
    /// One affiliation (with its `[names]` prefix) per entry.
    c1: Vec<String>,
    ti: String,
    ab: String,
    de: String,
    id: String,
    oi: String,
    py: String,
    ea: String,
    di: String,
    pm: String,
    ut: String,
}

fn nonempty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn build(rec: RecordRef, f: Fields) -> Item {
    let names: Vec<String> = if f.af.len() >= f.au.len() { f.af } else { f.au };
    let names: Vec<String> = names.into_iter().filter(|n| !n.trim().is_empty()).collect();
    if nonempty(&f.ti).is_none() {
        return Item::Skipped {
            record: rec,
            reason: "no title (TI)".into(),
        };
    }
    let year = year_in(&f.py).or_else(|| year_in(&f.ea));
    let Some(year) = year else {
        return Item::Skipped {
            record: rec,
            reason: "no publication year (PY or EA)".into(),
        };
    };
    if names.is_empty() && f.ca.is_empty() {
        return Item::Skipped {
            record: rec,
            reason: "no authors (AU, AF or CA)".into(),
        };
    }
    let mut authors: Vec<ImportedAuthor> = names
        .iter()
        .map(|n| ImportedAuthor {
            name: n.trim().to_string(),
            ..Default::default()
        })
        .collect();
    // Affiliations: `[A; B] Inst, …` applies to the named authors; a line
    // without names applies to every author.
    let parsed: Vec<PersonName> = authors.iter().map(|a| PersonName::parse(&a.name)).collect();
    let folded: Vec<String> = authors
        .iter()
        .map(|a| super::names::fold(&a.name))
        .collect();
    let parsed = (parsed.as_slice(), folded.as_slice());
    for entry in &f.c1 {
        let (who, place) = split_c1(entry);
        let aff = parse_address(place);
        if aff.name.is_empty() {
            continue;
        }
        match who {
            None => authors.iter_mut().for_each(|a| push_aff(a, &aff)),
            Some(who) => {
                for w in who.split(';').map(str::trim).filter(|w| !w.is_empty()) {
                    if let Some(i) = best_author(&authors, parsed, w) {
                        push_aff(&mut authors[i], &aff);
                    }
                }
            }
        }
    }
    let mut unplaced = Vec::new();
    for pair in f.oi.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, id) = pair.rsplit_once('/').unwrap_or(("", pair));
        let Some(id) = normalise_orcid(id) else {
            unplaced.push((name.trim().to_string(), format!("invalid:{}", id.trim())));
            continue;
        };
        let at = if name.trim().is_empty() {
            (authors.len() == 1).then_some(0)
        } else {
            best_author(&authors, parsed, name)
        };
        match at {
            Some(i) if !authors[i].orcids.contains(&id) => authors[i].orcids.push(id),
            Some(_) => {}
            None => unplaced.push((name.trim().to_string(), id)),
        }
    }
    authors.extend(
        f.ca.iter()
            .filter(|c| !c.trim().is_empty())
            .map(|c| ImportedAuthor {
                name: c.trim().to_string(),
                collective: true,
                ..Default::default()
            }),
    );
    let mut keywords: Vec<String> = Vec::new();
    for k in f.de.split(';').chain(f.id.split(';')) {
        let k = k.trim();
        if !k.is_empty() && !keywords.iter().any(|x| x.eq_ignore_ascii_case(k)) {
            keywords.push(k.to_string());
        }
    }
    Item::Work(ImportedWork {
        record: Some(rec),
        ids: WorkIds {
            // `DI` may list several DOIs (`10.1/x; 10.1/x.r001`): the first is the paper's.
            doi: normalise_doi(f.di.split(';').next().unwrap_or("")),
            pmid: nonempty(&f.pm).filter(|p| p.chars().all(|c| c.is_ascii_digit())),
            wos_ut: nonempty(&f.ut),
            ..Default::default()
        },
        title: f.ti.trim().to_string(),
        year: Some(year),
        abstract_text: nonempty(&f.ab),
        keywords,
        authors,
        unplaced_orcids: unplaced,
    })
}

fn push_aff(a: &mut ImportedAuthor, aff: &ImportedAffiliation) {
    if !a.affiliations.contains(aff) {
        a.affiliations.push(aff.clone());
    }
}

/// `[A; B] Inst, Dept, City, Country.` → (`A; B`, `Inst, Dept, City, Country.`).
fn split_c1(entry: &str) -> (Option<&str>, &str) {
    let e = entry.trim();
    if let Some(rest) = e.strip_prefix('[') {
        if let Some(end) = rest.find(']') {
            return (Some(&rest[..end]), rest[end + 1..].trim());
        }
    }
    (None, e)
}

/// The author `name` stands for: one whose name is compatible, else the one
/// sharing most name tokens (`Martinez-Gonzalez, Miguel A.` for the `AF`
/// entry `Angel Martinez-Gonzalez, Miguel`).
fn best_author(
    authors: &[ImportedAuthor],
    (parsed, folded): (&[PersonName], &[String]),
    name: &str,
) -> Option<usize> {
    let want_folded = super::names::fold(name);
    let exact: Vec<usize> = (0..authors.len())
        .filter(|&i| folded[i] == want_folded)
        .collect();
    if exact.len() == 1 {
        return Some(exact[0]);
    }
    let p = PersonName::parse(name);
    let compatible: Vec<usize> = (0..parsed.len())
        .filter(|&i| parsed[i].compatible(&p))
        .collect();
    if compatible.len() == 1 {
        return Some(compatible[0]);
    }
    let tokens = |s: &str| -> Vec<String> {
        super::names::fold(s)
            .split(' ')
            .filter(|t| t.chars().count() > 1)
            .map(String::from)
            .collect()
    };
    let want = tokens(name);
    let mut best: Option<(usize, usize)> = None;
    let mut tie = false;
    for (i, _) in authors.iter().enumerate() {
        let have: Vec<&str> = folded[i]
            .split(' ')
            .filter(|t| t.chars().count() > 1)
            .collect();
        let common = want.iter().filter(|t| have.contains(&t.as_str())).count();
        if common == 0 {
            continue;
        }
        match best {
            Some((_, c)) if c == common => tie = true,
            Some((_, c)) if c > common => {}
            _ => {
                best = Some((i, common));
                tie = false;
            }
        }
    }
    match best {
        Some((i, c)) if !tie && c * 2 >= want.len().max(1) => Some(i),
        _ => None,
    }
}

/// Segments of an address that name a department rather than a place.
const DEPARTMENT_WORDS: [&str; 14] = [
    "dept",
    "department",
    "sch",
    "school",
    "fac",
    "faculty",
    "div",
    "lab",
    "unit",
    "grad",
    "sect",
    "program",
    "ctr",
    "inst",
];

/// `Ahmadu Bello Univ, Dept Community Med, Zaria, Kaduna State, Nigeria.`
/// → institution, department, country.
pub fn parse_address(place: &str) -> ImportedAffiliation {
    let place = place.trim().trim_end_matches('.');
    let segs: Vec<&str> = place
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let Some(first) = segs.first() else {
        return ImportedAffiliation::default();
    };
    let country = (segs.len() >= 2).then(|| {
        let last = segs[segs.len() - 1];
        // `MA 02115 USA`, `Boston, MA USA`: the country is the last word.
        if last.ends_with("USA") {
            "USA".to_string()
        } else {
            last.to_string()
        }
    });
    let dept: Vec<&str> = segs
        .iter()
        .skip(1)
        .take(segs.len().saturating_sub(2))
        .copied()
        .filter(|s| {
            let f = super::names::fold(s);
            f.split(' ').any(|w| DEPARTMENT_WORDS.contains(&w))
        })
        .collect();
    ImportedAffiliation {
        name: first.to_string(),
        department: (!dept.is_empty()).then(|| dept.join(", ")),
        country,
        ..Default::default()
    }
}

crate::read_row! {
    /// A row of the tab-delimited export: the record's two-letter tags are
    /// the header (`PT`, `AU`, `AF`, `TI`, …); every column is optional, as
    /// exports differ in the fields they carry, and a record without a
    /// title, year or authors is skipped with its reason. `PT` is the
    /// column [`sniff`](super::sniff) knows the export by.
    pub struct WosTabRow<'a> {
        pub pt: Option<&'a str> | "PT",
        pub au: Option<&'a str> | "AU",
        pub af: Option<&'a str> | "AF",
        pub ca: Option<&'a str> | "CA",
        pub gp: Option<&'a str> | "GP",
        pub c1: Option<&'a str> | "C1",
        pub ti: Option<&'a str> | "TI",
        pub so: Option<&'a str> | "SO",
        pub ab: Option<&'a str> | "AB",
        pub de: Option<&'a str> | "DE",
        pub id: Option<&'a str> | "ID",
        pub oi: Option<&'a str> | "OI",
        pub py: Option<&'a str> | "PY",
        pub ea: Option<&'a str> | "EA",
        pub di: Option<&'a str> | "DI",
        pub pm: Option<&'a str> | "PM",
        pub ut: Option<&'a str> | "UT",
    }
}

/// Streams the tab-delimited export row by row through the table layer
/// (UTF-8, or UTF-16 with a BOM as "Tab-delimited (Win)" writes it), each
/// row a [`WosTabRow`]. Cells are taken as written: the list splitting and
/// [`build`] trim what they use.
pub fn parse_tab(path: &Path, sink: &mut Sink) -> Result<(), ImportError> {
    use crate::table::{Layout, Names};
    let (file, mut table) = super::open_export_table(path)?;
    let layout = Layout::find::<WosTabRow>(table.header(), Names::Exact).untrimmed();
    while let Some((cells, line)) = super::next_export_row(&file, &mut table, sink)? {
        let row: WosTabRow = layout
            .row(&cells)
            .map_err(|e| super::row_error(&file, line, &layout, e))?;
        let get = |c: Option<&str>| c.unwrap_or("").to_string();
        let list = |c: Option<&str>| -> Vec<String> {
            c.unwrap_or("")
                .split("; ")
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let mut ca = list(row.ca);
        ca.extend(list(row.gp));
        let f = Fields {
            au: list(row.au),
            af: list(row.af),
            ca,
            c1: split_c1_line(row.c1.unwrap_or("")),
            ti: get(row.ti),
            ab: get(row.ab),
            de: get(row.de),
            id: get(row.id),
            oi: get(row.oi),
            py: get(row.py),
            ea: get(row.ea),
            di: get(row.di),
            pm: get(row.pm),
            ut: get(row.ut),
        };
        sink(build(RecordRef::line(&file, line), f))?;
    }
    Ok(())
}

/// A one-line `C1` (`[A; B] X, Y; [C] Z`) → one entry per affiliation:
/// `;` inside brackets separates names, outside it separates addresses.
fn split_c1_line(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ';' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Vec<Item> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.txt");
        std::fs::write(&p, text).unwrap();
        let mut items = Vec::new();
        parse_tagged(&p, &mut |i| {
            items.push(i);
            Ok(())
        })
        .unwrap();
        items
    }

    const TWO: &str = "\u{feff}FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Tanaka, H\n   Smith, J\nAF Tanaka, Hiroshi\n   Smith, John\nTI A study of\n   continuation lines\nDE alpha; beta\nID GAMMA\nC1 [Tanaka, Hiroshi] Univ Tokyo, Dept Med, Tokyo, Japan.\n   [Smith, John; Tanaka, Hiroshi] Harvard Univ, Boston, MA 02115 USA.\nOI Tanaka, Hiroshi/0000-0002-1825-0097; Smith,\n   John/0000-0002-1694-233X\nPY 2019\nDI 10.1/ABC\nUT WOS:1\nER\n\nPT J\nAU Doe, J\nTI \nPY 2019\nER\n";

    #[test]
    fn continuation_lines_affiliations_and_orcids() {
        let items = parse_str(TWO);
        assert_eq!(items.len(), 2);
        let Item::Work(w) = &items[0] else { panic!() };
        assert_eq!(w.title, "A study of continuation lines");
        assert_eq!(w.keywords, ["alpha", "beta", "GAMMA"]);
        assert_eq!(w.ids.doi.as_deref(), Some("10.1/abc"));
        assert_eq!(w.authors[0].orcids, ["0000-0002-1825-0097"]);
        assert_eq!(w.authors[1].orcids, ["0000-0002-1694-233X"]);
        assert_eq!(w.authors[0].affiliations.len(), 2);
        assert_eq!(
            w.authors[0].affiliations[0].department.as_deref(),
            Some("Dept Med")
        );
        assert_eq!(w.authors[1].affiliations[0].country.as_deref(), Some("USA"));
        assert!(matches!(&items[1], Item::Skipped { reason, .. } if reason.contains("title")));
    }

    #[test]
    fn a_cut_off_file_is_reported_not_dropped() {
        let items = parse_str("PT J\nAU X, Y\nTI t\nPY 2019\n");
        assert!(matches!(&items[0], Item::Skipped { reason, .. } if reason.contains("no ER")));
    }

    #[test]
    fn a_garbage_line_names_file_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.txt");
        std::fs::write(&p, "PT J\nAU X, Y\nthis is not tagged\nER\n").unwrap();
        let e = parse_tagged(&p, &mut |_| Ok(())).unwrap_err().to_string();
        assert!(e.contains("x.txt:3"), "{e}");
    }

    #[test]
    fn one_line_c1_splits_outside_brackets() {
        assert_eq!(
            split_c1_line("[A, B; C, D] X Univ, Y; [E, F] Z Inst, W"),
            ["[A, B; C, D] X Univ, Y", "[E, F] Z Inst, W"]
        );
    }
}
