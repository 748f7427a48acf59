//! A tiny hand-made call shared by the coverage tests; every expected number
//! in the tests is worked out by hand from the tables below.
//!
//! Institutions: I1 academia, I2 industry, I3 government.
//! Researchers: R0 (I1, professor, kw "gene therapy"), R1 (I2, Early-Career),
//! R2 (I1, professor), R3 (I3, no position) are applicants; R4 (I1,
//! professor, "Gene Therapy", "CRISPR"), R5 (I2, early-career,
//! "immunology"), R6 (I3, professor) are advisers A0, A1, A2.
//! Areas: AR1 (CREST), AR2 (PRIME), AR3 (CREST, no proposals).
//! Advisers: A0 serves AR1, load 3; A1 serves AR1+AR2, load 2; A2 serves
//! AR2, load 4.
//! Proposals: P1 (AR1, R0 pi + R1, budget 100, k 2), P2 (AR1, R2 pi + R0,
//! no budget, k 2), P3 (AR2, R3 alone, budget 50, k 1).
//! Eligible (threshold 0.3): P1 A0 .9, A1 .5, A2 .1; P2 A1 .4, A0 .2; P3 none.
//! Assigned: P1 A0 .9, A1 .5; P2 A1 .4, A0 .2; P3 none.

use crate::config::CoverageConfig;
use crate::model::*;

use super::CoverageInput;

fn researcher(id: &str, institution: usize, position: Option<&str>, kw: &[&str]) -> Researcher {
    Researcher {
        id: id.into(),
        name: format!("Name {id}"),
        institution,
        position: position.map(str::to_string),
        keywords: kw.iter().map(|s| s.to_string()).collect(),
        orcid: None,
        gender: None,
        region: None,
    }
}

fn proposal(
    id: &str,
    area: usize,
    members: &[(usize, Role)],
    budget: Option<f64>,
    kw: &[&str],
) -> Proposal {
    Proposal {
        id: id.into(),
        area,
        title: format!("Title {id}"),
        abstract_text: String::new(),
        keywords: kw.iter().map(|s| s.to_string()).collect(),
        pi: members[0].0,
        year: 2025,
        budget,
        members: members
            .iter()
            .map(|&(researcher, role)| Member { researcher, role })
            .collect(),
    }
}

pub fn dataset() -> Dataset {
    let inst = |id: &str, sector| Institution {
        id: id.into(),
        name: id.into(),
        sector,
        country: "JP".into(),
        region: None,
    };
    let area = |id: &str, program: &str| Area {
        id: id.into(),
        name: format!("Area {id}"),
        program: program.into(),
        description: String::new(),
        keywords: vec![],
    };
    Dataset::new(Tables {
        institutions: vec![
            inst("I1", Sector::Academia),
            inst("I2", Sector::Industry),
            inst("I3", Sector::Government),
        ],
        researchers: vec![
            researcher("R0", 0, Some("professor"), &["gene therapy"]),
            researcher("R1", 1, Some("Early-Career"), &[]),
            researcher("R2", 0, Some("professor"), &[]),
            researcher("R3", 2, None, &[]),
            researcher("R4", 0, Some("professor"), &["Gene Therapy", "CRISPR"]),
            researcher("R5", 1, Some("early-career"), &["immunology"]),
            researcher("R6", 2, Some("professor"), &[]),
        ],
        areas: vec![
            area("AR1", "CREST"),
            area("AR2", "PRIME"),
            area("AR3", "CREST"),
        ],
        advisers: vec![
            Adviser {
                researcher: 4,
                areas: vec![0],
                max_load: 3,
            },
            Adviser {
                researcher: 5,
                areas: vec![0, 1],
                max_load: 2,
            },
            Adviser {
                researcher: 6,
                areas: vec![1],
                max_load: 4,
            },
        ],
        proposals: vec![
            proposal(
                "P1",
                0,
                &[(0, Role::Pi), (1, Role::CoPi)],
                Some(100.0),
                &["Gene Therapy", "AAV"],
            ),
            proposal(
                "P2",
                0,
                &[(2, Role::Pi), (0, Role::Collaborator)],
                None,
                &["gene therapy", "AAV "],
            ),
            proposal("P3", 1, &[(3, Role::Pi)], Some(50.0), &["Immunology"]),
        ],
        publications: vec![],
        declared_conflicts: vec![],
        ..Tables::default()
    })
}

fn terms(t: &[(&str, f64)]) -> Vec<(String, f64)> {
    t.iter().map(|&(s, w)| (s.to_string(), w)).collect()
}

pub fn input(ds: &Dataset) -> CoverageInput<'_> {
    CoverageInput {
        ds,
        k: vec![2, 2, 1],
        eligible: vec![
            vec![(0, 0.9), (1, 0.5), (2, 0.1)],
            vec![(1, 0.4), (0, 0.2)],
            vec![],
        ],
        assigned: Some(vec![
            vec![(0, 0.9), (1, 0.5)],
            vec![(1, 0.4), (0, 0.2)],
            vec![],
        ]),
        proposal_terms: vec![
            terms(&[("vector", 0.8), ("gene", 0.6), ("liver", 0.3)]),
            terms(&[("vector", 0.7), ("zebrafish", 0.5)]),
            terms(&[("tcell", 0.9)]),
        ],
        adviser_terms: vec![
            terms(&[("gene", 1.0), ("vector", 0.5), ("liver", 0.1)]),
            terms(&[("tcell", 2.0), ("vector", 0.2)]),
            terms(&[("zebrafish", 1.0)]),
        ],
        // Edges: R0-R1, R0-R2, R0-R4, R1-R5, R5-R6; R3 is isolated.
        node_community: Some(vec![0, 0, 0, 1, 0, 1, 1]),
        node_in_largest: Some(vec![true, true, true, false, true, true, true]),
        edges: Some(vec![(0, 1), (0, 2), (0, 4), (1, 5), (5, 6)]),
    }
}

pub fn cfg() -> CoverageConfig {
    CoverageConfig {
        expertise_threshold: 0.3,
        gap_terms: 20,
        gap_weak_weight: 0.2,
        gap_proposal_terms: 10,
    }
}
