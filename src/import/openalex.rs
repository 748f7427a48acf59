//! OpenAlex works, as a JSON array, an API page (`{"results": […]}`) or
//! JSON Lines (the snapshot format): `id`, `doi`, `title` (or
//! `display_name`), `publication_year`, `ids.pmid`,
//! `authorships[].author{id,orcid,display_name}`,
//! `authorships[].institutions[]{id,ror,display_name,country_code,type}`,
//! `abstract_inverted_index` (rebuilt into text), `keywords`, `topics`,
//! `mesh`.

use std::path::Path;

use serde_json::Value;

use super::json::{for_each, str_at};
use super::medline::push_kw;
use super::{
    normalise_doi, normalise_orcid, ImportError, ImportedAffiliation, ImportedAuthor, ImportedWork,
    Item, RecordRef, Sink, WorkIds,
};

pub fn parse(path: &Path, sink: &mut Sink) -> Result<(), ImportError> {
    let file = path.display().to_string();
    for_each(path, &mut |v, at| sink(work(&file, &at, &v)))
}

fn strip_openalex(s: &str) -> String {
    s.trim()
        .trim_start_matches("https://openalex.org/")
        .to_string()
}

fn work(file: &str, at: &str, v: &Value) -> Item {
    let rec = RecordRef::json(file, at);
    let skip = |reason: String| Item::Skipped {
        record: rec.clone(),
        reason,
    };
    if !v.is_object() {
        return skip("is not a JSON object (an OpenAlex work is one)".into());
    }
    let Some(title) = str_at(v, &["title"]).or_else(|| str_at(v, &["display_name"])) else {
        return skip("field title: missing or empty".into());
    };
    let year = match v.get("publication_year") {
        Some(Value::Number(n)) => n.as_i64().and_then(|y| i32::try_from(y).ok()),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let Some(year) = year.filter(|y| (1900..=2100).contains(y)) else {
        return skip(format!(
            "field publication_year: {} is not a year in 1900–2100",
            v.get("publication_year")
                .map_or("missing".to_string(), |y| y.to_string())
        ));
    };
    let mut authors = Vec::new();
    if let Some(list) = v.get("authorships") {
        let Some(list) = list.as_array() else {
            return skip("field authorships: is not a list".into());
        };
        for (i, a) in list.iter().enumerate() {
            let Some(name) =
                str_at(a, &["author", "display_name"]).or_else(|| str_at(a, &["raw_author_name"]))
            else {
                return skip(format!(
                    "field authorships[{i}].author.display_name: missing"
                ));
            };
            let mut affs = Vec::new();
            for inst in a
                .get("institutions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(n) = str_at(inst, &["display_name"]) {
                    affs.push(ImportedAffiliation {
                        name: n.to_string(),
                        country: str_at(inst, &["country_code"]).map(String::from),
                        kind: str_at(inst, &["type"]).map(String::from),
                        org_id: str_at(inst, &["ror"])
                            .or_else(|| str_at(inst, &["id"]))
                            .map(String::from),
                        ..Default::default()
                    });
                }
            }
            authors.push(ImportedAuthor {
                name: name.to_string(),
                orcids: str_at(a, &["author", "orcid"])
                    .and_then(normalise_orcid)
                    .into_iter()
                    .collect(),
                affiliations: affs,
                ..Default::default()
            });
        }
    }
    if authors.is_empty() {
        return skip("field authorships: no authors".into());
    }
    let mut keywords = Vec::new();
    for (field, name) in [
        ("keywords", "display_name"),
        ("topics", "display_name"),
        ("mesh", "descriptor_name"),
    ] {
        for k in v.get(field).and_then(Value::as_array).into_iter().flatten() {
            match k {
                Value::String(s) => push_kw(&mut keywords, s),
                other => {
                    if let Some(s) = str_at(other, &[name]).or_else(|| str_at(other, &["keyword"]))
                    {
                        push_kw(&mut keywords, s);
                    }
                }
            }
        }
    }
    Item::Work(ImportedWork {
        record: Some(rec.clone()),
        ids: WorkIds {
            doi: str_at(v, &["doi"]).and_then(normalise_doi),
            pmid: str_at(v, &["ids", "pmid"]).map(|p| {
                p.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or(p)
                    .to_string()
            }),
            openalex_id: str_at(v, &["id"]).map(strip_openalex),
            ..Default::default()
        },
        title: title.trim().to_string(),
        year: Some(year),
        abstract_text: v.get("abstract_inverted_index").and_then(rebuild_abstract),
        keywords,
        authors,
        unplaced_orcids: Vec::new(),
    })
}

/// `{"Breast": [0], "cancer": [1, 5], …}` → the text, words in position order.
pub fn rebuild_abstract(idx: &Value) -> Option<String> {
    let m = idx.as_object()?;
    let mut words: Vec<(u64, &str)> = Vec::new();
    for (w, pos) in m {
        for p in pos.as_array().into_iter().flatten() {
            if let Some(p) = p.as_u64() {
                words.push((p, w.as_str()));
            }
        }
    }
    if words.is_empty() {
        return None;
    }
    words.sort_by_key(|(p, _)| *p);
    Some(words.iter().map(|(_, w)| *w).collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverted_index_is_rebuilt_in_order() {
        let v: Value =
            serde_json::from_str(r#"{"cancer":[1,4],"Breast":[0],"is":[2],"common;":[3]}"#)
                .unwrap();
        assert_eq!(
            rebuild_abstract(&v).as_deref(),
            Some("Breast cancer is common; cancer")
        );
    }
}
