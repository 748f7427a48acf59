//! researchmap researcher JSON, WebAPI v2 (`GET https://api.researchmap.jp/{permalink}`,
//! as the researchmap.V2 WebAPI specification names the fields):
//! `rm:user_id`, `permalink`, `family_name{ja,en}`, `given_name{ja,en}`,
//! `identifiers{erad_id[], orc_id[]}`, `affiliations[]{affiliation{ja,en},
//! section{ja,en}}`, and `@graph[]` blocks by `@type`: `published_papers`
//! (`items[]{rm:id, paper_title{ja,en}, publication_date, identifiers{doi[],
//! pm_id[]}, description{ja,en}, authors{ja[],en[]}}`),
//! `research_experience` and `education` (`items[]{affiliation{ja,en},
//! section{ja,en}, department{ja,en}, from_date, to_date}`; `9999` = to date).

use std::path::Path;

use serde_json::Value;

use super::json::{for_each, str_at};
use super::{
    normalise_doi, normalise_orcid, year_in, ImportError, ImportedAffiliation, ImportedAuthor,
    ImportedPerson, ImportedWork, Item, RecordRef, Sink, WorkIds,
};

pub fn parse(path: &Path, sink: &mut Sink) -> Result<(), ImportError> {
    let file = path.display().to_string();
    for_each(path, &mut |v, at| sink(record(&file, &at, &v)))
}

/// `{"ja": …, "en": …}` → (ja, en).
fn lang<'v>(v: &'v Value, key: &str) -> (Option<&'v str>, Option<&'v str>) {
    (str_at(v, &[key, "ja"]), str_at(v, &[key, "en"]))
}

fn first_of<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    match cur {
        Value::Array(a) => a.iter().find_map(|x| x.as_str()),
        Value::String(s) => Some(s.as_str()),
        _ => None,
    }
}

fn affiliation(item: &Value) -> Option<ImportedAffiliation> {
    let (ja, en) = lang(item, "affiliation");
    let name = en.or(ja)?;
    let other: Vec<String> = ja
        .filter(|_| en.is_some())
        .map(String::from)
        .into_iter()
        .collect();
    let (sja, sen) = lang(item, "section");
    let (dja, den) = lang(item, "department");
    let year = |k: &str| str_at(item, &[k]).and_then(year_in);
    let to = str_at(item, &["to_date"]);
    Some(ImportedAffiliation {
        name: name.to_string(),
        other_names: other,
        department: sen.or(sja).or(den).or(dja).map(String::from),
        start_year: year("from_date"),
        // `9999` means "to date".
        end_year: to.filter(|t| !t.starts_with("9999")).and_then(year_in),
        ..Default::default()
    })
}

fn record(file: &str, at: &str, v: &Value) -> Item {
    let rec = RecordRef::json(file, at);
    let skip = |reason: String| Item::Skipped {
        record: rec.clone(),
        reason,
    };
    if v.get("family_name").is_none()
        && v.get("@type").and_then(Value::as_str) == Some("published_papers")
    {
        return skip("a published_papers list without its researcher: export the researcher (GET https://api.researchmap.jp/{permalink}), whose @graph holds the papers".into());
    }
    let (fja, fen) = lang(v, "family_name");
    let (gja, gen) = lang(v, "given_name");
    let ja = fja.map(|f| format!("{f} {}", gja.unwrap_or("")).trim().to_string());
    let en = fen.map(|f| match gen {
        Some(g) => format!("{f}, {g}"),
        None => f.to_string(),
    });
    let (name, other) = match (ja, en) {
        (Some(j), Some(e)) => (j, vec![e]),
        (Some(j), None) => (j, vec![]),
        (None, Some(e)) => (e, vec![]),
        (None, None) => return skip("field family_name: missing (neither ja nor en)".into()),
    };
    let erad = first_of(v, &["identifiers", "erad_id"]).map(|s| s.trim().to_string());
    let orcids: Vec<String> = v
        .pointer("/identifiers/orc_id")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().and_then(normalise_orcid))
        .collect();
    let mut affiliations: Vec<ImportedAffiliation> = v
        .get("affiliations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(affiliation)
        .collect();
    let mut works = Vec::new();
    for (gi, g) in v
        .get("@graph")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let ty = str_at(g, &["@type"]).unwrap_or("");
        let items = g
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        match ty {
            "research_experience" | "education" => {
                for it in items {
                    if let Some(mut a) = affiliation(it) {
                        if ty == "education" {
                            a.kind = Some("education".into());
                        }
                        // The current affiliation is often listed twice.
                        if let Some(same) = affiliations
                            .iter_mut()
                            .find(|x| x.name == a.name && x.start_year.is_none())
                        {
                            *same = a;
                        } else {
                            affiliations.push(a);
                        }
                    }
                }
            }
            "published_papers" => {
                for (i, it) in items.enumerate() {
                    let (tja, ten) = lang(it, "paper_title");
                    let Some(title) = ten.or(tja) else {
                        continue;
                    };
                    let (dja, den) = lang(it, "description");
                    works.push(ImportedWork {
                        record: Some(RecordRef::json(
                            file,
                            format!("{at}.@graph[{gi}].items[{i}]"),
                        )),
                        ids: WorkIds {
                            doi: first_of(it, &["identifiers", "doi"]).and_then(normalise_doi),
                            pmid: first_of(it, &["identifiers", "pm_id"])
                                .map(|s| s.trim().to_string()),
                            ..Default::default()
                        },
                        title: title.trim().to_string(),
                        year: str_at(it, &["publication_date"]).and_then(year_in),
                        abstract_text: den.or(dja).map(String::from),
                        ..Default::default()
                    });
                }
            }
            _ => {}
        }
    }
    Item::Person(ImportedPerson {
        record: Some(rec),
        person: ImportedAuthor {
            name,
            other_names: other,
            orcids,
            erad_id: erad,
            affiliations,
            ..Default::default()
        },
        works,
    })
}
