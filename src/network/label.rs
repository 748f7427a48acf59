//! Community labels: what a community *is*, in words a planner reads.
//!
//! A legend entry "community 3" says nothing; "Cancer immunotherapy · Otsu
//! Univ. · academia" says which field, which institution and which sector
//! dominate. The label joins, with " · ", the dominant area's name, the
//! dominant institution's name (common words shortened: University →
//! Univ., Institute → Inst., Hospital → Hosp.) and the dominant sector —
//! each only when the input has that attribute ([`Known`]) — and, when
//! none is known, "around <ID>" after the member with the most
//! collaborators. So every community has a non-empty label.
//!
//! Top terms: the keywords the most members share, counting each member
//! once per keyword (their declared keywords and the keywords of their
//! papers), ties alphabetical.

use std::collections::HashMap;

use rayon::prelude::*;

use super::Community;
use crate::model::{Dataset, ResearcherIx};

/// Top terms kept per community.
pub const TOP_TERMS: usize = 3;

/// Which node attributes the input carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Known {
    pub institution: bool,
    pub sector: bool,
    pub area: bool,
}

impl Known {
    /// A data folder has all three.
    pub const ALL: Known = Known {
        institution: true,
        sector: true,
        area: true,
    };
}

/// Shortens the common words of institution names for legends.
pub fn short_institution(name: &str) -> String {
    let mut out = Vec::new();
    for w in name.split_whitespace() {
        out.push(match w {
            "University" => "Univ.",
            "Institute" => "Inst.",
            "Hospital" => "Hosp.",
            "Center" | "Centre" => "Ctr.",
            "National" => "Natl.",
            "Laboratory" | "Laboratories" => "Lab.",
            "Corporation" => "Corp.",
            "Pharmaceutical" | "Pharmaceuticals" => "Pharma",
            _ => w,
        });
    }
    out.join(" ")
}

/// Fills `label` and `top_terms` of every community.
pub fn label_communities(
    ds: &Dataset,
    communities: &mut [Community],
    node_community: &[usize],
    node_degree: &[u32],
    known: Known,
) {
    let mut members: Vec<Vec<ResearcherIx>> = vec![Vec::new(); communities.len()];
    for (r, &c) in node_community.iter().enumerate() {
        members[c].push(r);
    }
    communities.par_iter_mut().for_each(|c| {
        let people = &members[c.id];
        let mut parts: Vec<String> = Vec::new();
        if known.area {
            if let Some((a, _)) = c.dominant_area {
                parts.push(ds.areas[a].name.clone());
            }
        }
        if known.institution && !people.is_empty() {
            parts.push(short_institution(
                &ds.institutions[c.dominant_institution.0].name,
            ));
        }
        if known.sector && !people.is_empty() {
            parts.push(c.dominant_sector.0.as_str().to_string());
        }
        c.top_terms = top_terms(ds, people);
        if parts.is_empty() {
            // Best-connected member, ties by ID.
            let hub = people
                .iter()
                .copied()
                .max_by(|&a, &b| {
                    node_degree[a]
                        .cmp(&node_degree[b])
                        .then(ds.researchers[b].id.cmp(&ds.researchers[a].id))
                })
                .map(|r| ds.researchers[r].id.clone())
                .unwrap_or_else(|| c.id.to_string());
            parts.push(format!("around {hub}"));
        }
        c.label = parts.join(" · ");
    });
}

/// Keywords shared by the most members (see the module doc).
fn top_terms(ds: &Dataset, people: &[ResearcherIx]) -> Vec<String> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    let mut mine: Vec<&str> = Vec::new();
    for &r in people {
        mine.clear();
        mine.extend(ds.researchers[r].keywords.iter().map(String::as_str));
        for &p in ds.pubs_of.get(r).map(Vec::as_slice).unwrap_or(&[]) {
            mine.extend(ds.publications[p].keywords.iter().map(String::as_str));
        }
        mine.sort_unstable();
        mine.dedup();
        for &k in &mine {
            *count.entry(k).or_default() += 1;
        }
    }
    let mut all: Vec<(&str, usize)> = count.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    all.into_iter()
        .take(TOP_TERMS)
        .map(|(k, _)| k.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn institution_words_are_shortened() {
        assert_eq!(
            short_institution("Otsu University of Health Sciences"),
            "Otsu Univ. of Health Sciences"
        );
        assert_eq!(
            short_institution("National Cancer Center Hospital"),
            "Natl. Cancer Ctr. Hosp."
        );
    }
}
