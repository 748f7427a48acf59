//! Mixing: how edges cross institutions, sectors and R&D areas.
//!
//! * cross-institution (cross-sector) edge share = edges whose ends differ in
//!   institution (sector) / all edges; range [0, 1];
//! * sector matrix `S[i][j]` = edges between a researcher of sector `i` and
//!   one of sector `j` (symmetric; the diagonal counts within-sector edges,
//!   each edge once);
//! * area matrix `A[i][j]` = edges with one end among the researchers of area
//!   `i` and the other among those of area `j` (symmetric; an edge counts at
//!   most once per cell; the diagonal counts edges inside an area). A
//!   researcher belongs to every area they apply in or advise, so rows do
//!   not sum to the edge count;
//! * per area: internal edges (both ends in the area), external edges
//!   (exactly one end), and Krackhardt & Stern's (1988) E–I index
//!   `(external − internal) / (external + internal)`, range [−1, 1]
//!   (−1: every tie stays inside the area).
//!
//! Parallel over edges with per-split integer counters (exact, so the
//! result does not depend on how rayon splits the work).

use rayon::prelude::*;

use crate::model::{AreaIx, Dataset, Sector};

/// Edge counts of one area.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AreaEdges {
    pub internal: u64,
    pub external: u64,
    /// Internal edges whose ends are at different institutions.
    pub internal_cross_institution: u64,
    /// Internal edges whose ends are in different sectors.
    pub internal_cross_sector: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mixing {
    pub cross_institution_edges: u64,
    pub cross_sector_edges: u64,
    pub sector_matrix: [[u64; 5]; 5],
    pub area_matrix: Vec<Vec<u64>>,
    pub area_edges: Vec<AreaEdges>,
}

fn sector_ix(s: Sector) -> usize {
    Sector::ALL.iter().position(|&x| x == s).unwrap_or(0)
}

/// The areas of each researcher: areas of the proposals they are a member of
/// and the areas they advise, ascending, no duplicates.
pub fn researcher_areas(ds: &Dataset) -> Vec<Vec<AreaIx>> {
    let mut areas = vec![Vec::new(); ds.researchers.len()];
    for p in &ds.proposals {
        for m in &p.members {
            areas[m.researcher].push(p.area);
        }
    }
    for a in &ds.advisers {
        areas[a.researcher].extend(a.areas.iter().copied());
    }
    for v in &mut areas {
        v.sort_unstable();
        v.dedup();
    }
    areas
}

struct Acc {
    cross_inst: u64,
    cross_sector: u64,
    sector: [[u64; 5]; 5],
    area: Vec<u64>,
    per_area: Vec<AreaEdges>,
}

impl Acc {
    fn new(n_areas: usize) -> Self {
        Acc {
            cross_inst: 0,
            cross_sector: 0,
            sector: [[0; 5]; 5],
            area: vec![0; n_areas * n_areas],
            per_area: vec![AreaEdges::default(); n_areas],
        }
    }

    fn merge(mut self, o: Acc) -> Acc {
        self.cross_inst += o.cross_inst;
        self.cross_sector += o.cross_sector;
        for i in 0..5 {
            for j in 0..5 {
                self.sector[i][j] += o.sector[i][j];
            }
        }
        for (a, b) in self.area.iter_mut().zip(&o.area) {
            *a += b;
        }
        for (a, b) in self.per_area.iter_mut().zip(&o.per_area) {
            a.internal += b.internal;
            a.external += b.external;
            a.internal_cross_institution += b.internal_cross_institution;
            a.internal_cross_sector += b.internal_cross_sector;
        }
        self
    }
}

pub fn mixing(ds: &Dataset, edges: &[(usize, usize)], areas: &[Vec<AreaIx>]) -> Mixing {
    let na = ds.areas.len();
    let acc = edges
        .par_iter()
        .fold(
            || (Acc::new(na), Vec::<(usize, usize)>::new()),
            |(mut acc, mut cells), &(u, v)| {
                let iu = ds.researchers[u].institution;
                let iv = ds.researchers[v].institution;
                let cross_inst = iu != iv;
                let su = sector_ix(ds.institutions[iu].sector);
                let sv = sector_ix(ds.institutions[iv].sector);
                let cross_sector = su != sv;
                acc.cross_inst += cross_inst as u64;
                acc.cross_sector += cross_sector as u64;
                acc.sector[su][sv] += 1;
                if su != sv {
                    acc.sector[sv][su] += 1;
                }
                let (au, av) = (&areas[u], &areas[v]);
                cells.clear();
                for &a in au {
                    for &b in av {
                        cells.push((a.min(b), a.max(b)));
                    }
                }
                cells.sort_unstable();
                cells.dedup();
                for &(a, b) in &cells {
                    acc.area[a * na + b] += 1;
                    if a != b {
                        acc.area[b * na + a] += 1;
                    }
                }
                // Both lists ascending: walk them together for ∩ and Δ.
                let (mut i, mut j) = (0, 0);
                while i < au.len() || j < av.len() {
                    let (a, inside) = if j == av.len() || (i < au.len() && au[i] < av[j]) {
                        i += 1;
                        (au[i - 1], false)
                    } else if i == au.len() || av[j] < au[i] {
                        j += 1;
                        (av[j - 1], false)
                    } else {
                        i += 1;
                        j += 1;
                        (au[i - 1], true)
                    };
                    let e = &mut acc.per_area[a];
                    if inside {
                        e.internal += 1;
                        e.internal_cross_institution += cross_inst as u64;
                        e.internal_cross_sector += cross_sector as u64;
                    } else {
                        e.external += 1;
                    }
                }
                (acc, cells)
            },
        )
        .map(|(acc, _)| acc)
        .reduce(|| Acc::new(na), Acc::merge);
    Mixing {
        cross_institution_edges: acc.cross_inst,
        cross_sector_edges: acc.cross_sector,
        sector_matrix: acc.sector,
        area_matrix: acc.area.chunks(na.max(1)).map(|r| r.to_vec()).collect(),
        area_edges: acc.per_area,
    }
}
