//! Per-area coverage: how many proposals are covered, and whether expert
//! capacity meets demand.

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{AreaIx, ProposalIx};

use super::aggregate::{distinct, mean, ratio};
use super::{AtRisk, CoverageInput, ProposalCoverage};

/// Coverage of one R&D area (`coverage_area.csv`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaCoverage {
    #[serde(skip)]
    pub area: AreaIx,
    pub area_id: String,
    pub name: String,
    pub program: String,
    pub proposals: usize,
    /// Distinct members (any role) of the area's proposals.
    pub applicants: usize,
    /// Advisers whose `areas` include this area.
    pub advisers: usize,
    /// Proposals with at least k experts.
    pub covered: usize,
    /// covered / proposals in [0, 1]; 1 for an area without proposals
    /// (nothing in it is uncovered).
    pub coverage_ratio: f64,
    /// Distinct advisers scoring ≥ threshold for at least one of the area's
    /// proposals (they may serve other areas too).
    pub expert_advisers: usize,
    /// Shared figure: Σ max_load of those advisers, each counted in full in
    /// every area they are an expert for (an upper bound, never a promise).
    pub expert_capacity: u64,
    /// Exclusive figure: Σ max_load of the experts who are experts for no
    /// proposal of another area (a load no other area competes for).
    pub exclusive_capacity: u64,
    /// Expert places the area's proposals can fill at once with every other
    /// area served as well as it can be, each adviser's load counted once
    /// across areas and each adviser on a proposal at most once (see
    /// [`capacity`](super::capacity)); at most `demand`.
    pub usable_capacity: u64,
    /// Σ k over the area's proposals.
    pub demand: u64,
    /// usable_capacity / demand in [0, 1]; 1 means every proposal of the
    /// area can get its k experts at once; `None` when demand is 0.
    pub capacity_ratio: Option<f64>,
    /// Mean over the area's proposals (k > 0) of their mean top-k eligible
    /// score (missing slots 0), in [0, 1]; `None` without such proposals.
    pub mean_best_k: Option<f64>,
    /// Proposals of the area in the at-risk list.
    pub at_risk: usize,
    /// Some proposal uncovered, or usable capacity below demand.
    pub under_covered: bool,
}

/// One row per area, in dataset order; areas in parallel. `by_area[a]` holds
/// the proposals of area `a`.
pub fn area_coverage(
    input: &CoverageInput,
    by_area: &[Vec<ProposalIx>],
    rows: &[ProposalCoverage],
    at_risk: &[AtRisk],
    usable: &[u64],
    thr: f64,
) -> Vec<AreaCoverage> {
    let ds = input.ds;
    let mut advisers_of = vec![0usize; ds.areas.len()];
    for adv in &ds.advisers {
        for &a in &adv.areas {
            advisers_of[a] += 1;
        }
    }
    let risk_count = super::aggregate::count_by(at_risk.iter().map(|r| r.area_id.as_str()));
    // Areas each adviser is an expert in (for the exclusive figure).
    let mut expert_areas: Vec<Vec<AreaIx>> = vec![Vec::new(); ds.advisers.len()];
    for (p, list) in input.eligible.iter().enumerate() {
        for &(x, _) in list.iter().filter(|&&(_, s)| s >= thr) {
            expert_areas[x].push(ds.proposals[p].area);
        }
    }
    for e in &mut expert_areas {
        e.sort_unstable();
        e.dedup();
    }
    (0..ds.areas.len())
        .into_par_iter()
        .map(|a| {
            let area = &ds.areas[a];
            let props = &by_area[a];
            let applicants = distinct(
                props
                    .iter()
                    .flat_map(|&p| ds.proposals[p].members.iter().map(|m| m.researcher))
                    .collect(),
            )
            .len();
            let experts = distinct(
                props
                    .iter()
                    .flat_map(|&p| {
                        input.eligible[p]
                            .iter()
                            .filter(|&&(_, s)| s >= thr)
                            .map(|&(x, _)| x)
                    })
                    .collect(),
            );
            let expert_capacity: u64 = experts
                .iter()
                .map(|&x| u64::from(ds.advisers[x].max_load))
                .sum();
            let exclusive_capacity: u64 = experts
                .iter()
                .filter(|&&x| expert_areas[x].len() == 1)
                .map(|&x| u64::from(ds.advisers[x].max_load))
                .sum();
            let covered = props.iter().filter(|&&p| rows[p].covered).count();
            let demand: u64 = props.iter().map(|&p| u64::from(rows[p].k)).sum();
            AreaCoverage {
                area: a,
                area_id: area.id.clone(),
                name: area.name.clone(),
                program: area.program.clone(),
                proposals: props.len(),
                applicants,
                advisers: advisers_of[a],
                covered,
                coverage_ratio: ratio(covered as f64, props.len() as f64).unwrap_or(1.0),
                expert_advisers: experts.len(),
                expert_capacity,
                exclusive_capacity,
                usable_capacity: usable[a],
                demand,
                capacity_ratio: ratio(usable[a] as f64, demand as f64),
                mean_best_k: mean(props.iter().map(|&p| rows[p].mean_top_k)),
                at_risk: risk_count.get(area.id.as_str()).copied().unwrap_or(0),
                under_covered: covered < props.len() || usable[a] < demand,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::super::*;

    #[test]
    fn per_area_by_hand() {
        let ds = dataset();
        let r = compute(&input(&ds), &cfg()).unwrap();
        let a = &r.areas;
        // AR1: P1 covered, P2 not; applicants R0 R1 R2; advisers A0 A1;
        // experts A0 (3) + A1 (2) = 5 vs demand 2+2 = 4, both experts only
        // here (exclusive 5); but A1 is P2's only expert and reviews it once,
        // so usable = P1 2 + P2 1 = 3 of 4; mean (.7+.3)/2.
        assert_eq!(
            (a[0].proposals, a[0].applicants, a[0].advisers, a[0].covered),
            (2, 3, 2, 1)
        );
        assert_eq!(
            (a[0].coverage_ratio, a[0].expert_capacity, a[0].demand),
            (0.5, 5, 4)
        );
        assert_eq!((a[0].exclusive_capacity, a[0].usable_capacity), (5, 3));
        assert_eq!(a[0].capacity_ratio, Some(0.75));
        assert!((a[0].mean_best_k.unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(
            (a[0].at_risk, a[0].under_covered, a[0].expert_advisers),
            (1, true, 2)
        );
        // AR2: P3 has nobody: ratio 0, capacity 0 of demand 1, mean 0.
        assert_eq!(
            (
                a[1].covered,
                a[1].coverage_ratio,
                a[1].expert_capacity,
                a[1].demand
            ),
            (0, 0.0, 0, 1)
        );
        assert_eq!(
            (a[1].capacity_ratio, a[1].mean_best_k, a[1].advisers),
            (Some(0.0), Some(0.0), 2)
        );
        // AR3: no proposals → ratio 1 by definition, no capacity ratio.
        assert_eq!(
            (a[2].proposals, a[2].coverage_ratio, a[2].capacity_ratio),
            (0, 1.0, None)
        );
        assert_eq!((a[2].mean_best_k, a[2].under_covered), (None, false));
    }
}
