//! Network coverage per area: is the area's community (its applicants and
//! the advisers serving it) part of the main collaboration network, and do
//! its ties cross institutions and sectors?
//!
//! Takes per-researcher node data and the edge list from network analytics
//! (plain vectors, so this module does not depend on the graph types).

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{AreaIx, ProposalIx, ResearcherIx};

use super::aggregate::{distinct, ratio};
use super::CoverageInput;

/// Network figures of one area (`coverage_network.csv`). A figure is `None`
/// when its input (node components, communities or edges) was not given, or
/// a share's denominator is 0.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaNetwork {
    pub area_id: String,
    /// Distinct applicants of the area's proposals plus advisers serving it.
    pub researchers: usize,
    /// Of those, how many lie in the largest connected component.
    pub in_largest: Option<usize>,
    /// in_largest / researchers, in [0, 1].
    pub largest_share: Option<f64>,
    /// Edges with both ends among the area's researchers.
    pub internal_edges: Option<usize>,
    /// Internal edges joining different institutions.
    pub cross_institution_edges: Option<usize>,
    /// cross_institution_edges / internal_edges, in [0, 1].
    pub cross_institution_share: Option<f64>,
    /// Internal edges joining different sectors.
    pub cross_sector_edges: Option<usize>,
    /// cross_sector_edges / internal_edges, in [0, 1].
    pub cross_sector_share: Option<f64>,
    /// Distinct communities the area's researchers belong to.
    pub communities: Option<usize>,
}

/// One row per area, or `None` when no network input was given. Linear in
/// the edges (each edge checks the areas its two ends share) plus the area
/// memberships.
pub fn area_network(
    input: &CoverageInput,
    by_area: &[Vec<ProposalIx>],
) -> Option<Vec<AreaNetwork>> {
    if input.node_community.is_none() && input.node_in_largest.is_none() && input.edges.is_none() {
        return None;
    }
    let ds = input.ds;
    let na = ds.areas.len();
    let people: Vec<Vec<ResearcherIx>> = (0..na)
        .into_par_iter()
        .map(|a| {
            let mut v: Vec<ResearcherIx> = by_area[a]
                .iter()
                .flat_map(|&p| ds.proposals[p].members.iter().map(|m| m.researcher))
                .collect();
            v.extend(
                ds.advisers
                    .iter()
                    .filter(|x| x.areas.contains(&a))
                    .map(|x| x.researcher),
            );
            distinct(v)
        })
        .collect();
    // Areas of each researcher, ascending (areas are visited in order).
    let mut areas_of: Vec<Vec<AreaIx>> = vec![Vec::new(); ds.researchers.len()];
    for (a, rs) in people.iter().enumerate() {
        for &r in rs {
            areas_of[r].push(a);
        }
    }
    // [internal, cross-institution, cross-sector] per area.
    let edge_counts: Option<Vec<[usize; 3]>> = input.edges.as_ref().map(|edges| {
        edges
            .par_iter()
            .fold(
                || vec![[0usize; 3]; na],
                |mut acc, &(u, v)| {
                    if u != v {
                        let cross_inst =
                            ds.researchers[u].institution != ds.researchers[v].institution;
                        let cross_sec = ds.sector_of(u) != ds.sector_of(v);
                        for a in intersect(&areas_of[u], &areas_of[v]) {
                            acc[a][0] += 1;
                            acc[a][1] += usize::from(cross_inst);
                            acc[a][2] += usize::from(cross_sec);
                        }
                    }
                    acc
                },
            )
            .reduce(
                || vec![[0usize; 3]; na],
                |mut x, y| {
                    for (a, b) in x.iter_mut().zip(y) {
                        for i in 0..3 {
                            a[i] += b[i];
                        }
                    }
                    x
                },
            )
    });
    Some(
        (0..na)
            .map(|a| {
                let rs = &people[a];
                let n = rs.len();
                let in_largest = input
                    .node_in_largest
                    .as_ref()
                    .map(|l| rs.iter().filter(|&&r| l[r]).count());
                let e = edge_counts.as_ref().map(|c| c[a]);
                AreaNetwork {
                    area_id: ds.areas[a].id.clone(),
                    researchers: n,
                    in_largest,
                    largest_share: in_largest.and_then(|x| ratio(x as f64, n as f64)),
                    internal_edges: e.map(|e| e[0]),
                    cross_institution_edges: e.map(|e| e[1]),
                    cross_institution_share: e.and_then(|e| ratio(e[1] as f64, e[0] as f64)),
                    cross_sector_edges: e.map(|e| e[2]),
                    cross_sector_share: e.and_then(|e| ratio(e[2] as f64, e[0] as f64)),
                    communities: input
                        .node_community
                        .as_ref()
                        .map(|c| distinct(rs.iter().map(|&r| c[r]).collect()).len()),
                }
            })
            .collect(),
    )
}

/// Common elements of two ascending lists.
fn intersect<'a>(x: &'a [AreaIx], y: &'a [AreaIx]) -> impl Iterator<Item = AreaIx> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    i += 1;
                    j += 1;
                    return Some(x[i - 1]);
                }
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;
    use crate::coverage::aggregate::group_rows;

    #[test]
    fn network_by_hand() {
        let ds = dataset();
        let inp = input(&ds);
        let by_area = group_rows(ds.proposals.iter().map(|p| p.area), ds.areas.len());
        let net = area_network(&inp, &by_area).unwrap();
        // AR1 = {R0 R1 R2} ∪ advisers {R4 R5}; internal edges R0-R1 (I1/I2,
        // academia/industry), R0-R2, R0-R4 (both I1), R1-R5 (both I2).
        let a = &net[0];
        assert_eq!(
            (a.researchers, a.in_largest, a.largest_share),
            (5, Some(5), Some(1.0))
        );
        assert_eq!(
            (
                a.internal_edges,
                a.cross_institution_edges,
                a.cross_sector_edges
            ),
            (Some(4), Some(1), Some(1))
        );
        assert_eq!(
            (a.cross_institution_share, a.communities),
            (Some(0.25), Some(2))
        );
        // AR2 = {R3} ∪ {R5 R6}: R3 isolated; one edge R5-R6 (I2/I3).
        let b = &net[1];
        assert_eq!(
            (
                b.researchers,
                b.in_largest,
                b.internal_edges,
                b.cross_sector_share
            ),
            (3, Some(2), Some(1), Some(1.0))
        );
        assert!((b.largest_share.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(b.communities, Some(1));
        // AR3 has nobody: shares undefined.
        let c = &net[2];
        assert_eq!(
            (c.researchers, c.largest_share, c.cross_sector_share),
            (0, None, None)
        );
    }

    #[test]
    fn absent_inputs() {
        let ds = dataset();
        let mut inp = input(&ds);
        let by_area = group_rows(ds.proposals.iter().map(|p| p.area), ds.areas.len());
        inp.edges = None;
        let net = area_network(&inp, &by_area).unwrap();
        assert_eq!(
            (net[0].internal_edges, net[0].cross_sector_share),
            (None, None)
        );
        inp.node_community = None;
        inp.node_in_largest = None;
        assert!(area_network(&inp, &by_area).is_none());
    }
}
