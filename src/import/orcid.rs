//! ORCID record JSON, API v3.0 (`GET /v3.0/{iD}/record`, or the public
//! data file's record): `orcid-identifier.path`, `person.name`
//! (`given-names`, `family-name`, `credit-name`), `person.other-names`,
//! `activities-summary.employments` and `.educations` (v3.0
//! `affiliation-group[].summaries[].employment-summary`, and the v2.1
//! flat list) with organisation, department and dates, and
//! `activities-summary.works.group[]` (title, publication year and
//! external ids: doi, pmid, eid, wosuid).

use std::path::Path;

use serde_json::Value;

use super::json::{for_each, str_at, text_at};
use super::{
    normalise_doi, normalise_orcid, ImportError, ImportedAffiliation, ImportedAuthor,
    ImportedPerson, ImportedWork, Item, RecordRef, Sink, WorkIds,
};

pub fn parse(path: &Path, sink: &mut Sink) -> Result<(), ImportError> {
    let file = path.display().to_string();
    for_each(path, &mut |v, at| sink(record(&file, &at, &v)))
}

fn value<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut p: Vec<&str> = path.to_vec();
    p.push("value");
    str_at(v, &p)
}

fn record(file: &str, at: &str, v: &Value) -> Item {
    let rec = RecordRef::json(file, at);
    let skip = |reason: String| Item::Skipped {
        record: rec.clone(),
        reason,
    };
    let id_raw = str_at(v, &["orcid-identifier", "path"])
        .or_else(|| str_at(v, &["orcid-identifier", "uri"]));
    let Some(orcid) = id_raw.and_then(normalise_orcid) else {
        return skip(format!(
            "field orcid-identifier.path: {} is not an ORCID iD",
            id_raw.unwrap_or("missing")
        ));
    };
    let given = value(v, &["person", "name", "given-names"]).unwrap_or("");
    let family = value(v, &["person", "name", "family-name"]).unwrap_or("");
    let credit = value(v, &["person", "name", "credit-name"]);
    let name = match (family.trim(), given.trim()) {
        ("", "") => match credit {
            Some(c) => c.to_string(),
            None => return skip("field person.name: no family or given name".into()),
        },
        ("", g) => g.to_string(),
        (f, "") => f.to_string(),
        (f, g) => format!("{f}, {g}"),
    };
    let mut other_names: Vec<String> = credit.map(String::from).into_iter().collect();
    for o in v
        .pointer("/person/other-names/other-name")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(c) = str_at(o, &["content"]) {
            other_names.push(c.to_string());
        }
    }
    let mut affiliations = Vec::new();
    for (section, key) in [
        ("employments", "employment-summary"),
        ("educations", "education-summary"),
    ] {
        let base = v.pointer(&format!("/activities-summary/{section}"));
        let mut summaries: Vec<&Value> = Vec::new();
        for g in base
            .and_then(|b| b.get("affiliation-group"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for s in g
                .get("summaries")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(x) = s.get(key) {
                    summaries.push(x);
                }
            }
        }
        summaries.extend(
            base.and_then(|b| b.get(key))
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        for s in summaries {
            let Some(org) = str_at(s, &["organization", "name"]) else {
                continue;
            };
            let year =
                |k: &str| text_at(s, &[k, "year", "value"]).and_then(|y| y.parse::<i32>().ok());
            affiliations.push(ImportedAffiliation {
                name: org.to_string(),
                department: str_at(s, &["department-name"]).map(String::from),
                country: str_at(s, &["organization", "address", "country"]).map(String::from),
                org_id: str_at(
                    s,
                    &[
                        "organization",
                        "disambiguated-organization",
                        "disambiguated-organization-identifier",
                    ],
                )
                .map(String::from),
                start_year: year("start-date"),
                end_year: year("end-date"),
                kind: (section == "educations").then(|| "education".to_string()),
                ..Default::default()
            });
        }
    }
    let mut works = Vec::new();
    for (i, g) in v
        .pointer("/activities-summary/works/group")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = format!("{at}.activities-summary.works.group[{i}]");
        let Some(s) = g
            .get("work-summary")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        else {
            continue;
        };
        let Some(title) = value(s, &["title", "title"]) else {
            continue;
        };
        let year =
            text_at(s, &["publication-date", "year", "value"]).and_then(|y| y.parse::<i32>().ok());
        let mut ids = WorkIds::default();
        let ext = [g, s].into_iter().flat_map(|x| {
            x.pointer("/external-ids/external-id")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        });
        for e in ext {
            let (Some(t), Some(val)) = (
                str_at(e, &["external-id-type"]),
                str_at(e, &["external-id-value"]),
            ) else {
                continue;
            };
            match t.to_ascii_lowercase().as_str() {
                "doi" => ids.doi = ids.doi.take().or_else(|| normalise_doi(val)),
                "pmid" => ids.pmid = ids.pmid.take().or_else(|| Some(val.trim().to_string())),
                "eid" => {
                    ids.scopus_eid = ids
                        .scopus_eid
                        .take()
                        .or_else(|| Some(val.trim().to_string()))
                }
                "wosuid" => {
                    let ut = val.trim();
                    let ut = if ut.starts_with("WOS:") {
                        ut.to_string()
                    } else {
                        format!("WOS:{ut}")
                    };
                    ids.wos_ut = ids.wos_ut.take().or(Some(ut));
                }
                _ => {}
            }
        }
        works.push(ImportedWork {
            record: Some(RecordRef::json(file, path)),
            ids,
            title: title.trim().to_string(),
            year,
            ..Default::default()
        });
    }
    // Works without a year cannot be publications; they are left out of
    // the person's works and counted in the report by the caller.
    Item::Person(ImportedPerson {
        record: Some(rec),
        person: ImportedAuthor {
            name,
            other_names,
            orcids: vec![orcid],
            affiliations,
            ..Default::default()
        },
        works,
    })
}
