//! Career history and personal ties for the synthetic data set:
//! `affiliations.csv` (the current post plus earlier ones: researchers move
//! between institutions), `relations.csv` (PhD advisor–student pairs that
//! usually span institutions, supervisors and employers of varying length,
//! collaborators, a few relatives), a few consortium papers with hundreds of
//! authors, and applicant-nominated exclusions. Each draws from its own
//! seeded stream, so the rest of the data set does not change with them.
//!
//! Part of the ties are drawn between advisers and proposal members, so
//! that every conflict rule has cases on the sample.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::world::{Position, World};
use super::GenerateOptions;
use crate::model::Sector;

/// Departments of academic institutions, by the researcher's primary area:
/// colleagues of one area share a department.
const DEPARTMENTS: [&str; 12] = [
    "Department of Immunology",
    "Department of Oncology",
    "Department of Neuroscience",
    "Department of Cardiovascular Medicine",
    "Department of Infectious Diseases",
    "Department of Metabolism and Endocrinology",
    "Department of Regenerative Medicine",
    "Department of Genome Medicine",
    "Department of Pharmacology",
    "Department of Bioengineering",
    "Department of Public Health",
    "Department of Pathology",
];

/// Where the generator's history rows say they come from.
const SOURCES: [&str; 3] = ["generated", "orcid", "researchmap"];

/// One row of affiliations.csv (researcher and institution by index).
pub struct AffiliationRow {
    pub researcher: usize,
    pub institution: usize,
    pub department: Option<&'static str>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub source: &'static str,
}

/// One row of relations.csv.
pub struct RelationRow {
    pub researcher: usize,
    pub other: usize,
    pub relation: &'static str,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

/// A consortium paper: year and authors (researcher indexes, distinct).
pub struct ConsortiumPaper {
    pub year: i32,
    pub title: String,
    pub authors: Vec<usize>,
}

fn department(w: &World, r: usize, inst: usize) -> Option<&'static str> {
    (w.institutions[inst].sector == Sector::Academia)
        .then(|| DEPARTMENTS[w.researchers[r].areas[0] % DEPARTMENTS.len()])
}

/// Every researcher's current post and, on average,
/// `per_researcher − 1` earlier ones at other institutions, latest first.
pub fn affiliations(w: &World, o: &GenerateOptions) -> Vec<AffiliationRow> {
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed ^ 0xAFF1_1A71_0000_0001);
    let n_inst = w.institutions.len();
    let extra = (o.affiliations_per_researcher - 1.0).max(0.0);
    let mut out = Vec::new();
    for (r, p) in w.researchers.iter().enumerate() {
        let mut start = o.call_year - rng.random_range(0..=18);
        out.push(AffiliationRow {
            researcher: r,
            institution: p.inst,
            department: department(w, r, p.inst),
            start_year: Some(start),
            end_year: None,
            source: SOURCES[rng.random_range(0..SOURCES.len())],
        });
        let mut k = extra.floor() as usize;
        if rng.random_bool(extra.fract()) {
            k += 1;
        }
        let mut prev = p.inst;
        for _ in 0..k {
            if n_inst < 2 {
                break;
            }
            let mut inst = rng.random_range(0..n_inst);
            while inst == prev {
                inst = rng.random_range(0..n_inst);
            }
            // Moved in the year the later post started (or the year after).
            let end = start - rng.random_range(0..=1);
            let begin = end - rng.random_range(1..=7);
            out.push(AffiliationRow {
                researcher: r,
                institution: inst,
                department: department(w, r, inst),
                // Early career starts are often unknown.
                start_year: (!rng.random_bool(0.15)).then_some(begin.max(1950)),
                end_year: Some(end.max(1950)),
                source: SOURCES[rng.random_range(0..SOURCES.len())],
            });
            prev = inst;
            start = begin;
        }
    }
    out
}

/// Researchers who are proposal members, ascending, and adviser researchers.
fn members_and_advisers(w: &World) -> (Vec<usize>, Vec<usize>) {
    let mut members: Vec<usize> = w
        .proposals
        .iter()
        .flat_map(|p| p.members.iter().map(|m| m.0))
        .collect();
    members.sort_unstable();
    members.dedup();
    let advisers: Vec<usize> = w.advisers.iter().map(|a| a.researcher).collect();
    (members, advisers)
}

/// About `relations_per_researcher × researchers` ties, a third of them
/// between an adviser and a proposal member.
pub fn relations(w: &World, o: &GenerateOptions) -> Vec<RelationRow> {
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed ^ 0x5E1A_7105_0000_0002);
    let n = w.researchers.len();
    let target = (n as f64 * o.relations_per_researcher).round() as usize;
    let (members, advisers) = members_and_advisers(w);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(target);
    let mut tries = 0;
    while out.len() < target && tries < target * 20 + 100 && n >= 2 {
        tries += 1;
        let (a, b) = if rng.random_bool(0.35) && !members.is_empty() && !advisers.is_empty() {
            (
                advisers[rng.random_range(0..advisers.len())],
                members[rng.random_range(0..members.len())],
            )
        } else {
            (rng.random_range(0..n), rng.random_range(0..n))
        };
        if a == b || !seen.insert((a.min(b), a.max(b))) {
            continue;
        }
        let call = o.call_year;
        let roll = rng.random_range(0..100);
        let row = if roll < 50 {
            // PhD advisor and student: the senior one advises; students
            // mostly moved on to another institution since.
            let (senior, junior) = if w.researchers[a].position == Position::Professor
                || w.researchers[b].position != Position::Professor
            {
                (a, b)
            } else {
                (b, a)
            };
            let start = call - rng.random_range(4..=30);
            let (researcher, other, relation) = if rng.random_bool(0.8) {
                (senior, junior, "advisor")
            } else {
                (junior, senior, "student")
            };
            RelationRow {
                researcher,
                other,
                relation,
                start_year: Some(start),
                end_year: Some(start + rng.random_range(3..=5)),
            }
        } else if roll < 75 {
            let end = call - rng.random_range(0..=10);
            RelationRow {
                researcher: a,
                other: b,
                relation: "collaborator",
                start_year: Some(end - rng.random_range(1..=4)),
                end_year: (!rng.random_bool(0.3)).then_some(end),
            }
        } else if roll < 95 {
            // Supervisors and employers, from short spells to decades.
            let years = rng.random_range(2..=16);
            let end = call - rng.random_range(0..=8);
            RelationRow {
                researcher: a,
                other: b,
                relation: if rng.random_bool(0.6) {
                    "supervisor"
                } else {
                    "employer"
                },
                start_year: (!rng.random_bool(0.1)).then_some(end - years + 1),
                end_year: (!rng.random_bool(0.4)).then_some(end),
            }
        } else {
            RelationRow {
                researcher: a,
                other: b,
                relation: "family",
                start_year: None,
                end_year: None,
            }
        };
        out.push(row);
    }
    out
}

/// `o.consortium_papers` papers from many institutions, each with a few
/// advisers and proposal members among them. Sizes are 25 up to one
/// researcher in 80 (at most 300: a 300-author paper among 2,000
/// researchers would make 15% of the pool co-authors and double the mean
/// co-author degree); the first paper has the largest size.
pub fn consortium_papers(w: &World, o: &GenerateOptions) -> Vec<ConsortiumPaper> {
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed ^ 0xC025_0871_0000_0003);
    let n = w.researchers.len();
    let (members, advisers) = members_and_advisers(w);
    let mut out = Vec::new();
    for k in 0..o.consortium_papers {
        let largest = (n / 80).clamp(25, 300);
        let size = if k == 0 {
            largest
        } else {
            rng.random_range(25..=largest)
        }
        .min(n);
        let mut authors: Vec<usize> = Vec::with_capacity(size);
        let mut pick = |pool: &[usize], m: usize, authors: &mut Vec<usize>| {
            for _ in 0..m {
                if !pool.is_empty() {
                    let x = pool[rng.random_range(0..pool.len())];
                    if !authors.contains(&x) && authors.len() < size {
                        authors.push(x);
                    }
                }
            }
        };
        pick(&advisers, 3, &mut authors);
        pick(&members, 3, &mut authors);
        let everyone: Vec<usize> = (0..n).collect();
        let mut guard = 0;
        while authors.len() < size && guard < size * 20 {
            guard += 1;
            pick(&everyone, 1, &mut authors);
        }
        let area = &w.areas[k % w.areas.len()];
        out.push(ConsortiumPaper {
            year: (o.call_year - 1 - (k % 4) as i32).max(o.start_year),
            title: format!(
                "Multicentre cohort study of {} ({} consortium members)",
                area.name.to_lowercase(),
                authors.len()
            ),
            authors,
        });
    }
    out
}

/// Up to two advisers of the proposal's area that about one proposal in 25
/// asks to exclude, by proposal.
pub fn nominated(w: &World, o: &GenerateOptions) -> Vec<Vec<usize>> {
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed ^ 0x0E1C_1DED_0000_0004);
    let mut by_area: Vec<Vec<usize>> = vec![Vec::new(); w.areas.len()];
    for a in &w.advisers {
        for &x in &a.areas {
            by_area[x].push(a.researcher);
        }
    }
    w.proposals
        .iter()
        .map(|p| {
            let pool = &by_area[p.area];
            let mut v = Vec::new();
            if !pool.is_empty() && rng.random_bool(0.04) {
                for _ in 0..rng.random_range(1..=2) {
                    let x = pool[rng.random_range(0..pool.len())];
                    if !v.contains(&x) && !p.members.iter().any(|m| m.0 == x) {
                        v.push(x);
                    }
                }
            }
            v
        })
        .collect()
}
