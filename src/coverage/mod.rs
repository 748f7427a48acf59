//! Portfolio coverage: do the advisers (and the collaboration network) cover
//! the R&D areas of this call?
//!
//! **Owns** the coverage figures: per proposal (experts, best and k-th best
//! score, covered or not), per area (coverage ratio, expert capacity against
//! demand, mean best-K score, at-risk proposals), topic gaps (proposal terms
//! and keyword phrases no eligible adviser carries), idle advisers, the
//! portfolio mix (sector / institution / position / program shares with HHI
//! and Shannon entropy, cross-institution and cross-sector teams), network
//! coverage per area, and the comparison with a previous run.
//!
//! **Takes** a [`CoverageInput`]: the [`Dataset`](crate::model::Dataset) plus
//! plain vectors the lead fills from the scoring, conflict, assignment and
//! network stages (this module imports none of them, so they can change
//! freely), and the [`CoverageConfig`].
//!
//! **Hands on** a [`CoverageReport`] (typed, no I/O); [`write_outputs`] turns
//! it into CSV/JSON files, [`compare`] diffs it against a previous run's
//! `coverage_area.csv` and [`write_comparison`] writes that diff. Every file
//! and column is listed in the docs of [`write`].
//!
//! Scores are the scorer's pair scores in [0, 1]; an eligible adviser is an
//! *expert* for a proposal when the pair scores at least
//! `coverage.expertise_threshold`. A proposal is *covered* when it has at
//! least `k` experts (k = reviewers it needs). Removing an adviser can only
//! lower every figure built on experts (tested as a property).
//!
//! Cost: per-proposal work is linear in the proposal's eligible list (plus its
//! top `gap_proposal_terms` terms × eligible advisers for gaps, each a binary
//! search); areas and proposals run in parallel with rayon.

pub mod aggregate;
mod area;
pub mod capacity;
mod compare;
mod gaps;
mod mix;
mod network;
mod proposal;
pub mod write;

#[cfg(test)]
pub(crate) mod fixture;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::CoverageConfig;
use crate::model::{AdviserIx, Dataset, ResearcherIx};

pub use area::AreaCoverage;
pub use compare::{compare, AreaChange, Change, Comparison};
pub use gaps::{GapSource, GapTerm, IdleAdviser};
pub use mix::{Category, Distribution, ScopeMix, TeamMix};
pub use network::AreaNetwork;
pub use proposal::{AtRisk, ProposalCoverage};
pub use write::{write_comparison, write_outputs};

/// What the coverage stage reads. The lead fills it from the other stages'
/// outputs; vectors indexed by proposal follow `ds.proposals`, by adviser
/// `ds.advisers`, by researcher `ds.researchers`.
#[derive(Clone, Debug)]
pub struct CoverageInput<'a> {
    pub ds: &'a Dataset,
    /// Reviewers needed per proposal (K after per-area / per-proposal overrides).
    pub k: Vec<u32>,
    /// Per proposal: eligible advisers (not conflicted, area allowed) with
    /// their pair score in [0, 1], sorted by score descending. Must hold at
    /// least every pair scoring ≥ `expertise_threshold` and the top K.
    pub eligible: Vec<Vec<(AdviserIx, f64)>>,
    /// Per proposal, after assignment: the assigned advisers and their scores.
    pub assigned: Option<Vec<Vec<(AdviserIx, f64)>>>,
    /// Readable terms of each proposal's text profile with weights, weight
    /// descending (from the scorer). May be empty (no term gaps then).
    pub proposal_terms: Vec<Vec<(String, f64)>>,
    /// Readable terms of each adviser's profile with weights (any positive
    /// scale: only weights relative to the adviser's largest are used).
    /// May be empty.
    pub adviser_terms: Vec<Vec<(String, f64)>>,
    /// Community of each researcher (network analytics).
    pub node_community: Option<Vec<usize>>,
    /// Whether each researcher lies in the largest connected component.
    pub node_in_largest: Option<Vec<bool>>,
    /// Collaboration edges (each undirected edge once, no self-loops needed).
    pub edges: Option<Vec<(ResearcherIx, ResearcherIx)>>,
}

/// Everything the coverage stage found. Rows carry string IDs so writers and
/// [`compare`] need no dataset.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoverageReport {
    /// `coverage.expertise_threshold` used.
    pub expertise_threshold: f64,
    /// One row per proposal, in input order.
    pub proposals: Vec<ProposalCoverage>,
    /// One row per area, in input order.
    pub areas: Vec<AreaCoverage>,
    /// Proposals at risk, least covered first.
    pub at_risk: Vec<AtRisk>,
    /// Gap terms, by area (input order) then rank.
    pub gaps: Vec<GapTerm>,
    /// Advisers with no pair at or above the threshold, by adviser ID.
    pub idle_advisers: Vec<IdleAdviser>,
    /// Portfolio mix: overall first, then each area.
    pub mix: Vec<ScopeMix>,
    /// Network coverage per area, when any network input was given.
    pub network: Option<Vec<AreaNetwork>>,
    pub summary: Summary,
}

/// Overall figures (`coverage_summary.json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub expertise_threshold: f64,
    pub proposals: usize,
    /// Proposals with at least k experts.
    pub covered: usize,
    /// covered / proposals (1 when there are no proposals: nothing is uncovered).
    pub coverage_ratio: f64,
    /// Σ k over all proposals.
    pub demand: u64,
    /// Σ max_load over distinct advisers who are experts for at least one
    /// proposal (each adviser counted once overall).
    pub expert_capacity: u64,
    /// Most expert places the whole call can fill at once (each adviser's
    /// load once, each adviser on a proposal at most once); at most demand.
    pub usable_capacity: u64,
    /// usable_capacity / demand in [0, 1]; `None` when demand is 0.
    pub capacity_ratio: Option<f64>,
    /// Mean over proposals (k > 0) of the mean of their top-k eligible scores.
    pub mean_best_k: Option<f64>,
    pub areas: usize,
    /// IDs of areas with an uncovered proposal or usable capacity below demand.
    pub under_covered_areas: Vec<String>,
    pub at_risk_proposals: usize,
    pub idle_advisers: usize,
    /// After assignment: Σ assigned, proposals with fewer than k assigned,
    /// and the weakest assigned score overall.
    pub assigned_total: Option<usize>,
    pub proposals_short_of_k: Option<usize>,
    pub weakest_assigned: Option<f64>,
    /// Overall concentration of applicants and advisers by sector and
    /// institution (same figures as the overall rows of the mix).
    pub concentration: Vec<NamedConcentration>,
}

/// A concentration figure with what it measures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamedConcentration {
    pub population: String,
    pub dimension: String,
    #[serde(flatten)]
    pub value: aggregate::Concentration,
}

/// Errors of the coverage stage.
#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    /// The lead's wiring passed vectors that do not fit the dataset.
    #[error("coverage input: {field} has {found} entries but the dataset has {expected} {what}; fill it from the same dataset")]
    Shape {
        field: &'static str,
        found: usize,
        expected: usize,
        what: &'static str,
    },
    #[error("coverage input: {field}[{row}]: {message}")]
    Value {
        field: &'static str,
        row: usize,
        message: String,
    },
    /// A polars aggregation failed (a bug, not bad input: please report it).
    #[error("coverage aggregation failed: {0}")]
    Frame(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Csv {
        path: String,
        #[source]
        source: csv::Error,
    },
    #[error("cannot read previous run {path}: {source}; pass --previous the output folder of an earlier run")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("previous run {path}:{line}: {message}")]
    Previous {
        path: String,
        line: u64,
        message: String,
    },
}

/// Computes every coverage figure. Fails only when the input vectors do not
/// fit the dataset (lengths, indexes, scores outside [0, 1] or not sorted).
pub fn compute(
    input: &CoverageInput,
    cfg: &CoverageConfig,
) -> Result<CoverageReport, CoverageError> {
    validate(input)?;
    let ds = input.ds;
    let thr = cfg.expertise_threshold;
    let by_area = aggregate::group_rows(ds.proposals.iter().map(|p| p.area), ds.areas.len());

    let proposals: Vec<ProposalCoverage> = (0..ds.proposals.len())
        .into_par_iter()
        .map(|p| proposal::proposal_coverage(input, p, thr))
        .collect();
    let at_risk = proposal::at_risk(&proposals, thr);
    let (call_usable, usable) = usable_capacity(input, thr);
    let areas = area::area_coverage(input, &by_area, &proposals, &at_risk, &usable, thr);
    let gaps = gaps::gap_terms(input, &by_area, cfg);
    let idle_advisers = gaps::idle_advisers(input, thr);
    let mix = mix::portfolio_mix(ds, &by_area)?;
    let network = network::area_network(input, &by_area);
    let summary = summary(
        input,
        &proposals,
        &areas,
        &at_risk,
        &idle_advisers,
        &mix,
        call_usable,
        thr,
    );
    Ok(CoverageReport {
        expertise_threshold: thr,
        proposals,
        areas,
        at_risk,
        gaps,
        idle_advisers,
        mix,
        network,
        summary,
    })
}

/// Expert places of the whole call and the usable capacity of each area
/// (the flows of [`capacity`]).
fn usable_capacity(input: &CoverageInput, thr: f64) -> (u64, Vec<u64>) {
    let ds = input.ds;
    let area_of: Vec<usize> = ds.proposals.iter().map(|p| p.area).collect();
    let max_load: Vec<u32> = ds.advisers.iter().map(|a| a.max_load).collect();
    let mut pairs: Vec<capacity::ExpertPair> = input
        .eligible
        .iter()
        .enumerate()
        .flat_map(|(p, l)| {
            l.iter()
                .filter(|&&(_, s)| s >= thr)
                .map(move |&(a, _)| (p, a))
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let net = capacity::ExpertNetwork {
        area_of: &area_of,
        k: &input.k,
        max_load: &max_load,
        pairs: &pairs,
    };
    (
        net.max_places(|_| true),
        net.usable_per_area(ds.areas.len()),
    )
}

#[allow(clippy::too_many_arguments)]
fn summary(
    input: &CoverageInput,
    proposals: &[ProposalCoverage],
    areas: &[AreaCoverage],
    at_risk: &[AtRisk],
    idle: &[IdleAdviser],
    mix: &[ScopeMix],
    usable_capacity: u64,
    thr: f64,
) -> Summary {
    let ds = input.ds;
    let covered = proposals.iter().filter(|p| p.covered).count();
    let demand: u64 = proposals.iter().map(|p| u64::from(p.k)).sum();
    let experts = aggregate::distinct(
        input
            .eligible
            .iter()
            .flat_map(|l| l.iter().filter(|&&(_, s)| s >= thr).map(|&(a, _)| a))
            .collect(),
    );
    let expert_capacity: u64 = experts
        .iter()
        .map(|&a| u64::from(ds.advisers[a].max_load))
        .sum();
    let assigned = input.assigned.as_ref();
    let concentration = mix
        .first()
        .map(|overall| {
            overall
                .distributions
                .iter()
                .filter(|d| {
                    (d.population == "applicants" || d.population == "advisers")
                        && (d.dimension == "sector" || d.dimension == "institution")
                })
                .filter_map(|d| {
                    d.concentration.map(|value| NamedConcentration {
                        population: d.population.clone(),
                        dimension: d.dimension.clone(),
                        value,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Summary {
        expertise_threshold: thr,
        proposals: proposals.len(),
        covered,
        coverage_ratio: aggregate::ratio(covered as f64, proposals.len() as f64).unwrap_or(1.0),
        demand,
        expert_capacity,
        usable_capacity,
        capacity_ratio: aggregate::ratio(usable_capacity as f64, demand as f64),
        mean_best_k: aggregate::mean(proposals.iter().map(|p| p.mean_top_k)),
        areas: areas.len(),
        under_covered_areas: areas
            .iter()
            .filter(|a| a.under_covered)
            .map(|a| a.area_id.clone())
            .collect(),
        at_risk_proposals: at_risk.len(),
        idle_advisers: idle.len(),
        assigned_total: assigned.map(|a| a.iter().map(Vec::len).sum()),
        proposals_short_of_k: assigned.map(|a| {
            a.iter()
                .zip(&input.k)
                .filter(|(l, &k)| l.len() < k as usize)
                .count()
        }),
        weakest_assigned: assigned
            .and_then(|a| a.iter().flatten().map(|&(_, s)| s).min_by(f64::total_cmp)),
        concentration,
    }
}

/// Checks that the input vectors fit the dataset, so the algorithms can index
/// freely (every later `[]` relies on this).
fn validate(input: &CoverageInput) -> Result<(), CoverageError> {
    let ds = input.ds;
    let (np, na, nr) = (ds.proposals.len(), ds.advisers.len(), ds.researchers.len());
    let shape = |field, found, expected, what| {
        if found == expected {
            Ok(())
        } else {
            Err(CoverageError::Shape {
                field,
                found,
                expected,
                what,
            })
        }
    };
    shape("k", input.k.len(), np, "proposals")?;
    shape("eligible", input.eligible.len(), np, "proposals")?;
    if !input.proposal_terms.is_empty() {
        shape(
            "proposal_terms",
            input.proposal_terms.len(),
            np,
            "proposals",
        )?;
    }
    if !input.adviser_terms.is_empty() {
        shape("adviser_terms", input.adviser_terms.len(), na, "advisers")?;
    }
    if let Some(c) = &input.node_community {
        shape("node_community", c.len(), nr, "researchers")?;
    }
    if let Some(c) = &input.node_in_largest {
        shape("node_in_largest", c.len(), nr, "researchers")?;
    }
    let check_list = |field: &'static str, lists: &[Vec<(AdviserIx, f64)>], sorted: bool| {
        for (row, list) in lists.iter().enumerate() {
            let mut prev = f64::INFINITY;
            for &(a, s) in list {
                let bad = if a >= na {
                    Some(format!("adviser index {a} but there are {na} advisers"))
                } else if !(0.0..=1.0).contains(&s) {
                    Some(format!(
                        "score {s} of adviser {} is outside [0, 1]",
                        ds.adviser_id(a)
                    ))
                } else if sorted && s > prev {
                    Some(format!(
                        "not sorted by score descending (adviser {})",
                        ds.adviser_id(a)
                    ))
                } else {
                    None
                };
                if let Some(message) = bad {
                    return Err(CoverageError::Value {
                        field,
                        row,
                        message,
                    });
                }
                prev = s;
            }
        }
        Ok(())
    };
    for (field, lists) in [
        ("proposal_terms", &input.proposal_terms),
        ("adviser_terms", &input.adviser_terms),
    ] {
        for (row, list) in lists.iter().enumerate() {
            if let Some((t, w)) = list.iter().find(|t| !t.1.is_finite()) {
                return Err(CoverageError::Value {
                    field,
                    row,
                    message: format!("term '{t}' has weight {w}; weights must be finite"),
                });
            }
        }
    }
    check_list("eligible", &input.eligible, true)?;
    if let Some(a) = &input.assigned {
        shape("assigned", a.len(), np, "proposals")?;
        check_list("assigned", a, false)?;
    }
    if let Some(edges) = &input.edges {
        if let Some((row, &(u, v))) = edges
            .iter()
            .enumerate()
            .find(|(_, &(u, v))| u >= nr || v >= nr)
        {
            return Err(CoverageError::Value {
                field: "edges",
                row,
                message: format!("edge ({u}, {v}) names a researcher index ≥ {nr}"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fixture::*;
    use super::*;

    #[test]
    fn rejects_wrong_lengths_and_unsorted_lists() {
        let ds = dataset();
        let mut inp = input(&ds);
        inp.k.pop();
        assert!(matches!(
            compute(&inp, &cfg()),
            Err(CoverageError::Shape { field: "k", .. })
        ));
        let mut inp = input(&ds);
        inp.eligible[0].reverse();
        let err = compute(&inp, &cfg()).unwrap_err();
        assert!(err.to_string().contains("not sorted"), "{err}");
        let mut inp = input(&ds);
        inp.eligible[1][0].1 = 1.5;
        assert!(compute(&inp, &cfg())
            .unwrap_err()
            .to_string()
            .contains("outside [0, 1]"));
    }

    #[test]
    fn summary_by_hand() {
        let ds = dataset();
        let r = compute(&input(&ds), &cfg()).unwrap();
        let s = &r.summary;
        // Fixture: P1 (k=2) experts A0, A1 → covered; P2 (k=2) one expert;
        // P3 (k=1) no eligible adviser. Demand 5; experts overall A0 (load 3),
        // A1 (load 2) → capacity 5, but only 3 places can be filled at once
        // (P1 A0 + A1, P2 A1; nobody for P3). A2 (best .1) is idle.
        assert_eq!(
            (s.proposals, s.covered, s.demand, s.expert_capacity),
            (3, 1, 5, 5)
        );
        assert!((s.coverage_ratio - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!((s.usable_capacity, s.capacity_ratio), (3, Some(0.6)));
        assert_eq!(
            s.under_covered_areas,
            vec!["AR1".to_string(), "AR2".to_string()]
        );
        assert_eq!(s.at_risk_proposals, 2);
        assert_eq!(s.idle_advisers, 1);
        assert_eq!(s.assigned_total, Some(4));
        assert_eq!(s.proposals_short_of_k, Some(1));
        assert_eq!(s.weakest_assigned, Some(0.2));
    }

    /// Drops adviser `a` from every eligible and assigned list (as if they
    /// withdrew or were found conflicted everywhere).
    fn without(inp: &CoverageInput, a: AdviserIx) -> Vec<Vec<(AdviserIx, f64)>> {
        inp.eligible
            .iter()
            .map(|l| l.iter().copied().filter(|x| x.0 != a).collect())
            .collect()
    }

    #[test]
    fn removing_adviser_a1_by_hand() {
        // Without A1: P1 keeps A0 .9 (and A2 .1) → 1 expert, uncovered,
        // top-2 mean (.9+.1)/2 = .5; P2 keeps A0 .2 → 0 experts, mean .1.
        // AR1: coverage .5 → 0, capacity 5 → 3 (A0 only), mean .5 → .3.
        let ds = dataset();
        let mut inp = input(&ds);
        inp.eligible = without(&inp, 1);
        let r = compute(&inp, &cfg()).unwrap();
        assert_eq!((r.proposals[0].experts, r.proposals[1].experts), (1, 0));
        let a = &r.areas[0];
        assert_eq!(
            (a.coverage_ratio, a.expert_capacity, a.expert_advisers),
            (0.0, 3, 1)
        );
        assert!((a.mean_best_k.unwrap() - 0.3).abs() < 1e-12);
        assert_eq!((r.summary.covered, r.summary.expert_capacity), (0, 3));
    }

    mod monotone {
        use super::super::fixture::cfg;
        use super::*;
        use crate::model::*;
        use proptest::prelude::*;
        use rand::{Rng, SeedableRng};

        /// A random call: 1–3 areas, 1–6 advisers, 0–8 proposals, scores
        /// on a 0.05 grid (so ties and the exact threshold occur).
        type Call = (Dataset, Vec<u32>, Vec<Vec<(AdviserIx, f64)>>);

        fn random(seed: u64) -> Call {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let (na, nadv, np) = (
                rng.random_range(1..4),
                rng.random_range(1..7),
                rng.random_range(0..9),
            );
            let nr = nadv + 4;
            let t = Tables {
                institutions: (0..2)
                    .map(|i| Institution {
                        id: format!("I{i}"),
                        name: String::new(),
                        sector: Sector::ALL[i],
                        country: "JP".into(),
                        region: None,
                    })
                    .collect(),
                researchers: (0..nr)
                    .map(|i| Researcher {
                        id: format!("R{i}"),
                        name: String::new(),
                        institution: i % 2,
                        position: None,
                        keywords: vec![],
                        orcid: None,
                        gender: None,
                        region: None,
                    })
                    .collect(),
                areas: (0..na)
                    .map(|i| Area {
                        id: format!("A{i}"),
                        name: String::new(),
                        program: "CREST".into(),
                        description: String::new(),
                        keywords: vec![],
                    })
                    .collect(),
                advisers: (0..nadv)
                    .map(|i| Adviser {
                        researcher: i,
                        areas: vec![rng.random_range(0..na)],
                        max_load: rng.random_range(1..5),
                    })
                    .collect(),
                proposals: (0..np)
                    .map(|i| {
                        let pi = nadv + rng.random_range(0..4);
                        Proposal {
                            id: format!("P{i}"),
                            area: rng.random_range(0..na),
                            title: String::new(),
                            abstract_text: String::new(),
                            keywords: vec![],
                            pi,
                            year: 2025,
                            budget: None,
                            members: vec![Member {
                                researcher: pi,
                                role: Role::Pi,
                            }],
                        }
                    })
                    .collect(),
                ..Tables::default()
            };
            let ds = Dataset::new(t);
            let k = (0..np).map(|_| rng.random_range(0..4)).collect();
            let eligible = (0..np)
                .map(|_| {
                    let mut l = Vec::new();
                    for a in 0..nadv {
                        if rng.random_bool(0.7) {
                            l.push((a, f64::from(rng.random_range(0..=20u32)) / 20.0));
                        }
                    }
                    l.sort_by(|x: &(AdviserIx, f64), y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                    l
                })
                .collect();
            (ds, k, eligible)
        }

        proptest! {
            #[test]
            fn removing_an_adviser_never_increases_coverage(seed in any::<u64>(), pick in 0usize..6) {
                let (ds, k, eligible) = random(seed);
                let base = CoverageInput {
                    ds: &ds, k, eligible, assigned: None, proposal_terms: vec![], adviser_terms: vec![],
                    node_community: None, node_in_largest: None, edges: None,
                };
                let a = pick % ds.advisers.len();
                let mut less = base.clone();
                less.eligible = without(&base, a);
                let (r0, r1) = (compute(&base, &cfg()).unwrap(), compute(&less, &cfg()).unwrap());
                for (p0, p1) in r0.proposals.iter().zip(&r1.proposals) {
                    prop_assert!(p1.experts <= p0.experts);
                    prop_assert!(!p1.covered || p0.covered);
                    prop_assert!(p1.mean_top_k.unwrap_or(0.0) <= p0.mean_top_k.unwrap_or(0.0) + 1e-12);
                }
                for (a0, a1) in r0.areas.iter().zip(&r1.areas) {
                    prop_assert!(a1.coverage_ratio <= a0.coverage_ratio);
                    prop_assert!(a1.expert_capacity <= a0.expert_capacity);
                    prop_assert!(a1.usable_capacity <= a0.usable_capacity);
                    prop_assert!(a0.usable_capacity <= a0.demand);
                    prop_assert!(a1.capacity_ratio.unwrap_or(0.0) <= a0.capacity_ratio.unwrap_or(0.0));
                    prop_assert!(a1.mean_best_k.unwrap_or(0.0) <= a0.mean_best_k.unwrap_or(0.0) + 1e-12);
                }
                prop_assert!(r1.summary.coverage_ratio <= r0.summary.coverage_ratio);
                prop_assert!(r1.summary.expert_capacity <= r0.summary.expert_capacity);
                prop_assert!(r1.summary.usable_capacity <= r0.summary.usable_capacity);
                // No area can use more than the call can fill at once.
                let usable: u64 = r0.areas.iter().map(|a| a.usable_capacity).sum();
                prop_assert!(usable <= r0.summary.usable_capacity);
                // Sanity of the figures themselves: ratios in range, covered ⇔ experts ≥ k.
                for p in &r0.proposals {
                    prop_assert_eq!(p.covered, p.experts >= p.k as usize);
                }
                for a in &r0.areas {
                    prop_assert!((0.0..=1.0).contains(&a.coverage_ratio));
                }
            }
        }
    }
}
