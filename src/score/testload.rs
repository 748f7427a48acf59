//! Test-only: reads a generated input folder into a `Dataset` with the csv
//! crate (the real loader uses polars and lives in `load`). Trusts its input:
//! it is only used on folders written by `generate`.

use std::collections::HashMap;
use std::path::Path;

use crate::model::*;

/// Rows of a file as column → value maps, streamed (one row in memory).
fn rows(dir: &Path, name: &str) -> impl Iterator<Item = HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join(name)).expect(name);
    let h: Vec<String> = r
        .headers()
        .expect(name)
        .iter()
        .map(str::to_string)
        .collect();
    let name = name.to_string();
    r.into_records().map(move |rec| {
        let rec = rec.expect(&name);
        h.iter()
            .cloned()
            .zip(rec.iter().map(str::to_string))
            .collect()
    })
}

fn list(s: Option<&String>) -> Vec<String> {
    s.map(|s| {
        s.split(';')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

pub(crate) fn load_generated(dir: &Path) -> Dataset {
    let inst: Vec<Institution> = rows(dir, "institutions.csv")
        .map(|r| Institution {
            id: r["institution_id"].clone(),
            name: r["name"].clone(),
            sector: Sector::parse(&r["sector"]).expect("sector"),
            country: r["country"].clone(),
            region: r.get("region").cloned(),
        })
        .collect();
    let inst_ix: HashMap<String, usize> = inst
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.clone(), i))
        .collect();
    let researchers: Vec<Researcher> = rows(dir, "researchers.csv")
        .map(|r| Researcher {
            id: r["researcher_id"].clone(),
            name: r["name"].clone(),
            institution: inst_ix[&r["institution_id"]],
            position: r.get("position").cloned(),
            keywords: list(r.get("keywords")),
            orcid: None,
        })
        .collect();
    let res_ix: HashMap<String, usize> = researchers
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.clone(), i))
        .collect();
    let areas: Vec<Area> = rows(dir, "areas.csv")
        .map(|r| Area {
            id: r["area_id"].clone(),
            name: r["name"].clone(),
            program: r["program"].clone(),
            description: r["description"].clone(),
            keywords: list(r.get("keywords")),
        })
        .collect();
    let area_ix: HashMap<String, usize> = areas
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.clone(), i))
        .collect();
    let advisers: Vec<Adviser> = rows(dir, "advisers.csv")
        .map(|r| Adviser {
            researcher: res_ix[&r["researcher_id"]],
            areas: list(r.get("area_ids")).iter().map(|a| area_ix[a]).collect(),
            max_load: r.get("max_load").and_then(|x| x.parse().ok()).unwrap_or(5),
        })
        .collect();
    let mut proposals: Vec<Proposal> = rows(dir, "proposals.csv")
        .map(|r| Proposal {
            id: r["proposal_id"].clone(),
            area: area_ix[&r["area_id"]],
            title: r["title"].clone(),
            abstract_text: r["abstract"].clone(),
            keywords: list(r.get("keywords")),
            pi: res_ix[&r["pi_id"]],
            year: r["year"].parse().expect("year"),
            budget: None,
            members: vec![],
        })
        .collect();
    let prop_ix: HashMap<String, usize> = proposals
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.clone(), i))
        .collect();
    for r in rows(dir, "proposal_members.csv") {
        let p = prop_ix[&r["proposal_id"]];
        let role = Role::parse(&r["role"]).expect("role");
        proposals[p].members.push(Member {
            researcher: res_ix[&r["researcher_id"]],
            role,
        });
    }
    let mut publications: Vec<Publication> = rows(dir, "publications.csv")
        .map(|r| Publication {
            id: r["publication_id"].clone(),
            year: r["year"].parse().expect("year"),
            title: r["title"].clone(),
            abstract_text: r.get("abstract").cloned().unwrap_or_default(),
            keywords: list(r.get("keywords")),
            authors: vec![],
        })
        .collect();
    let pub_ix: HashMap<String, usize> = publications
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.clone(), i))
        .collect();
    for r in rows(dir, "authorships.csv") {
        let p = pub_ix[&r["publication_id"]];
        let a = res_ix[&r["researcher_id"]];
        if !publications[p].authors.contains(&a) {
            publications[p].authors.push(a);
        }
    }
    Dataset::new(Tables {
        institutions: inst,
        researchers,
        areas,
        advisers,
        proposals,
        publications,
        declared_conflicts: vec![],
    })
}
