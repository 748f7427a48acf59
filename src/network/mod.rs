//! Network analytics of the collaboration graph.
//!
//! **Owns** the structural figures planners read to judge whether the
//! program builds "research frameworks across organisational boundaries":
//! size and density, connected components, clustering (average clustering
//! *and* transitivity, which differ), triangles, degree distribution,
//! betweenness centrality and brokers, boundary spanners, Louvain
//! communities with modularity, and mixing across institutions, sectors and
//! R&D areas (matrices, E–I index).
//!
//! **Takes** the [`Dataset`], the [`CollabGraph`] (unweighted view: an edge
//! is a tie, whatever its number of joint papers), the [`NetworkConfig`]
//! and the run seed.
//!
//! **Hands on** a [`NetworkReport`] (typed, no I/O) with per-node vectors
//! (degree, betweenness, community, component, in-largest) indexed by
//! [`ResearcherIx`] for coverage and charts; the edge list for drawings is
//! [`CollabGraph::edge_pairs`]. [`write_outputs`] writes the files listed in
//! [`write`].
//!
//! Algorithms, one file each: [`components`] (BFS), [`clustering`]
//! (oriented triangle counting), [`betweenness`] (Brandes exact, or
//! [`path_sampling`]: sampled shortest paths with a proven error bound),
//! [`leiden`] (default) and [`louvain`] communities, [`mixing`], [`years`]
//! (ties per publication year), [`layout`] (positions for the exports).
//! Parallel with rayon except components and each community run
//! (sequential by nature; the restarts run side by side); every result is
//! deterministic for a seed. `RDMATCH_NETWORK_STEPS=1` prints the time of
//! each step.
//!
//! Inputs other than a data folder: [`edges`] reads an edge list (and a
//! node file) into the same [`Dataset`] form. Exports planners open in
//! other tools, one file per format returning a string: [`gexf`] (Gephi),
//! [`vosviewer`] (VOSviewer map and network files).

#[cfg(test)]
mod bench;
pub mod betweenness;
pub mod clustering;
pub mod components;
mod csr;
pub mod edges;
pub mod export;
pub mod gexf;
pub mod label;
pub mod layout;
pub mod leiden;
pub mod louvain;
pub mod mixing;
pub mod path_sampling;
pub mod vosviewer;
pub mod write;
pub mod years;

#[cfg(test)]
mod tests;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{CommunityMethod, NetworkConfig};
use crate::graph::CollabGraph;
use crate::model::{AreaIx, Dataset, InstitutionIx, ResearcherIx, Sector};

pub use betweenness::BetweennessMethod;
pub use csr::Csr;
pub use export::{export_graph, ExportGraph};
pub use write::{write_outputs, NetworkError};

/// A researcher ranked as broker or boundary spanner.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Broker {
    #[serde(skip)]
    pub researcher: ResearcherIx,
    pub researcher_id: String,
    /// Normalised betweenness, [0, 1] (an estimate when sampled).
    pub betweenness: f64,
    pub degree: u32,
    /// Distinct institutions among the researcher's neighbours.
    pub distinct_neighbour_institutions: u32,
    /// Distinct sectors among the researcher's neighbours (0–5).
    pub distinct_neighbour_sectors: u32,
}

/// One community (IDs `0..`, largest first).
#[derive(Clone, Debug, PartialEq)]
pub struct Community {
    pub id: usize,
    pub size: usize,
    /// Edges with both ends in the community.
    pub internal_edges: u64,
    /// Edges with exactly one end in the community.
    pub external_edges: u64,
    /// Most frequent area among members (ties by area ID) and the share of
    /// members in it, [0, 1]; `None` when no member has an area.
    pub dominant_area: Option<(AreaIx, f64)>,
    pub dominant_institution: (InstitutionIx, f64),
    pub dominant_sector: (Sector, f64),
    pub institutions: usize,
    pub sectors: usize,
    /// What the community is, for legends and tables: dominant area,
    /// institution and sector joined by " · " (only the attributes the
    /// input has), e.g. "Cancer immunotherapy · Otsu Univ. · academia";
    /// never empty (see [`label`]).
    pub label: String,
    /// Keywords most members share (researcher keywords and those of their
    /// papers), most shared first, at most [`label::TOP_TERMS`].
    pub top_terms: Vec<String>,
}

/// Network figures of one R&D area. An area's researchers are its
/// applicants (members of its proposals) and its advisers.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaStats {
    pub area: AreaIx,
    pub researchers: usize,
    /// Share of the area's researchers in the largest component, [0, 1].
    pub in_largest_component_share: Option<f64>,
    /// Edges with both ends in the area.
    pub internal_edges: u64,
    /// Edges with exactly one end in the area.
    pub external_edges: u64,
    /// Of the internal edges, share crossing institutions / sectors, [0, 1].
    pub cross_institution_edge_share: Option<f64>,
    pub cross_sector_edge_share: Option<f64>,
    /// Distinct communities among the area's researchers.
    pub communities_spanned: usize,
    /// E–I index, [−1, 1]; `None` without ties.
    pub ei_index: Option<f64>,
}

/// Everything [`analyse`] found. Vectors named `node_*` are indexed by
/// [`ResearcherIx`].
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkReport {
    pub nodes: usize,
    pub edges: usize,
    /// `2m / (n (n − 1))`, [0, 1]; 0 when `n < 2`.
    pub density: f64,
    /// Connected components, isolated researchers included.
    pub components: usize,
    pub largest_component_nodes: usize,
    /// largest / nodes, [0, 1]; 0 for an empty graph.
    pub largest_component_share: f64,
    pub average_clustering: f64,
    pub transitivity: f64,
    pub triangles: u64,
    /// `(degree, number of researchers)`, ascending by degree.
    pub degree_distribution: Vec<(u32, u64)>,
    pub betweenness_method: BetweennessMethod,
    /// Source nodes used for betweenness (`nodes` when exact).
    pub betweenness_samples: usize,
    /// Bound on every node's betweenness error (sampled; `None` when exact)
    /// holding with probability `1 − betweenness_delta`.
    pub betweenness_epsilon: Option<f64>,
    pub betweenness_delta: f64,
    pub community_method: CommunityMethod,
    pub modularity: f64,
    /// Communities whose members are not one connected subgraph (0 with
    /// Leiden by construction; Louvain can leave some).
    pub disconnected_communities: usize,
    pub louvain_resolution: f64,
    pub seed: u64,
    /// Edge-list input only: rows naming the same researcher twice
    /// (ignored) and rows repeating a pair (weights summed); 0 otherwise.
    pub self_loops_ignored: usize,
    pub duplicate_rows_merged: usize,
    /// Ties per publication year (empty without publications).
    pub years: Vec<years::YearRow>,
    /// Shares of edges crossing institutions / sectors, [0, 1]; `None` without edges.
    pub cross_institution_edge_share: Option<f64>,
    pub cross_sector_edge_share: Option<f64>,
    /// Sector × sector edge counts in [`Sector::ALL`] order (see [`mixing`]).
    pub sector_matrix: [[u64; 5]; 5],
    /// Area × area edge counts in `ds.areas` order (see [`mixing`]).
    pub area_matrix: Vec<Vec<u64>>,
    /// One entry per area, `ds.areas` order.
    pub areas: Vec<AreaStats>,
    /// Largest first, ties by smallest member ID.
    pub communities: Vec<Community>,
    /// Top `top_brokers` by betweenness (ties by researcher ID).
    pub top_brokers: Vec<Broker>,
    /// Top `top_brokers` by distinct neighbour sectors, then institutions.
    pub boundary_spanners: Vec<Broker>,
    pub node_degree: Vec<u32>,
    pub node_betweenness: Vec<f64>,
    pub node_clustering: Vec<f64>,
    /// Community ID (index into `communities`).
    pub node_community: Vec<usize>,
    /// Component ID: 0 is the largest, then by size, ties by smallest member ID.
    pub node_component: Vec<usize>,
    pub node_in_largest: Vec<bool>,
    pub node_distinct_neighbour_institutions: Vec<u32>,
    pub node_distinct_neighbour_sectors: Vec<u32>,
    /// Layout position in [0, 1]² (see [`layout`]), for the exports.
    pub node_position: Vec<(f64, f64)>,
}

/// Relabels groups `0..c` by size descending, ties by the smallest rank
/// (= researcher ID order) of a member. Returns new labels and sizes.
fn relabel(labels: &[usize], rank: &[u32]) -> (Vec<usize>, Vec<usize>) {
    let c = labels.iter().max().map_or(0, |x| x + 1);
    let mut size = vec![0usize; c];
    let mut min_rank = vec![u32::MAX; c];
    for (v, &l) in labels.iter().enumerate() {
        size[l] += 1;
        min_rank[l] = min_rank[l].min(rank[v]);
    }
    let mut order: Vec<usize> = (0..c).collect();
    order.sort_unstable_by_key(|&l| (std::cmp::Reverse(size[l]), min_rank[l]));
    let mut new_of = vec![0; c];
    for (new, &old) in order.iter().enumerate() {
        new_of[old] = new;
    }
    (
        labels.iter().map(|&l| new_of[l]).collect(),
        order.iter().map(|&l| size[l]).collect(),
    )
}

/// The most frequent item (ties by `key`) and its count.
fn dominant<T: Copy + Ord, K: Ord>(items: &mut [T], key: impl Fn(T) -> K) -> Option<(T, usize)> {
    items.sort_unstable();
    let mut best: Option<(T, usize)> = None;
    for run in items.chunk_by(|a, b| a == b) {
        let better = match best {
            None => true,
            Some((b, c)) => run.len() > c || (run.len() == c && key(run[0]) < key(b)),
        };
        if better {
            best = Some((run[0], run.len()));
        }
    }
    best
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Computes every figure of [`NetworkReport`].
///
/// Cost: `O(n + m)` for components and mixing, `O(m^1.5)` triangles,
/// `O(s · m)` betweenness for `s` sources (all nodes up to
/// `betweenness_exact_max_nodes`, else `betweenness_samples`), Louvain
/// `O(m)` per pass.
pub fn analyse(ds: &Dataset, g: &CollabGraph, cfg: &NetworkConfig, seed: u64) -> NetworkReport {
    let areas_of = mixing::researcher_areas(ds);
    analyse_with_areas(ds, g, cfg, seed, areas_of, label::Known::ALL)
}

/// [`analyse`] with each researcher's areas given (the edge-list input
/// takes them from its node file) and the attributes labels may use.
pub fn analyse_with_areas(
    ds: &Dataset,
    g: &CollabGraph,
    cfg: &NetworkConfig,
    seed: u64,
    areas_of: Vec<Vec<AreaIx>>,
    known: label::Known,
) -> NetworkReport {
    let clock = Steps::new();
    let (offsets, adj) = g.adjacency();
    let csr = Csr { offsets, adj };
    let n = csr.node_count();
    let m = csr.edge_count();

    let mut by_id: Vec<usize> = (0..n).collect();
    by_id.sort_unstable_by(|&a, &b| ds.researchers[a].id.cmp(&ds.researchers[b].id));
    let mut rank = vec![0u32; n];
    for (r, &v) in by_id.iter().enumerate() {
        rank[v] = r as u32;
    }

    let node_degree: Vec<u32> = (0..n).map(|v| csr.degree(v) as u32).collect();
    let (comp_raw, _) = components::connected_components(csr);
    let (node_component, comp_sizes) = relabel(&comp_raw, &rank);
    let largest = comp_sizes.first().copied().unwrap_or(0);
    let node_in_largest: Vec<bool> = node_component.iter().map(|&c| c == 0).collect();
    clock.mark("ranks, degrees, components");

    // Mixing and the year table need neither betweenness nor communities,
    // so they run alongside them too.
    let edges = g.edge_pairs();
    let (cl, bt, (louv, modularity), (mix, years)) = {
        let (((cl, (mix, years)), bt), louv) = rayon::join(
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || clock.timed("clustering", || clustering::clustering(csr)),
                            || {
                                (
                                    clock.timed("mixing", || mixing::mixing(ds, &edges, &areas_of)),
                                    clock.timed("years", || years::year_rows(ds)),
                                )
                            },
                        )
                    },
                    || {
                        clock.timed("betweenness", || {
                            betweenness::betweenness_adaptive(
                                csr,
                                cfg.betweenness_exact_max_nodes,
                                cfg.betweenness_samples,
                                cfg.betweenness_epsilon,
                                cfg.betweenness_delta,
                                seed,
                            )
                        })
                    },
                )
            },
            || {
                clock.timed("communities", || match cfg.communities {
                    CommunityMethod::Leiden => {
                        leiden::leiden_best(csr, cfg.louvain_resolution, seed, cfg.louvain_restarts)
                    }
                    CommunityMethod::Louvain => louvain::louvain_best(
                        csr,
                        cfg.louvain_resolution,
                        seed,
                        cfg.louvain_restarts,
                    ),
                })
            },
        );
        (cl, bt, louv, (mix, years))
    };
    clock.mark("clustering, betweenness, communities, mixing, years (side by side)");
    let disconnected_communities = leiden::disconnected_communities(csr, &louv);
    clock.mark("disconnected communities");
    let (node_community, community_sizes) = relabel(&louv, &rank);

    // Distinct institutions / sectors among neighbours.
    let spans: Vec<(u32, u32)> = (0..n)
        .into_par_iter()
        .map_init(Vec::new, |insts: &mut Vec<InstitutionIx>, v| {
            insts.clear();
            insts.extend(
                csr.neighbors(v)
                    .iter()
                    .map(|&u| ds.researchers[u as usize].institution),
            );
            insts.sort_unstable();
            insts.dedup();
            let mut mask = 0u8;
            for &i in insts.iter() {
                mask |= 1
                    << Sector::ALL
                        .iter()
                        .position(|&s| s == ds.institutions[i].sector)
                        .unwrap_or(0);
            }
            (insts.len() as u32, mask.count_ones())
        })
        .collect();
    let node_distinct_neighbour_institutions: Vec<u32> = spans.iter().map(|s| s.0).collect();
    let node_distinct_neighbour_sectors: Vec<u32> = spans.iter().map(|s| s.1).collect();

    let broker = |v: usize| Broker {
        researcher: v,
        researcher_id: ds.researchers[v].id.clone(),
        betweenness: bt.values[v],
        degree: node_degree[v],
        distinct_neighbour_institutions: spans[v].0,
        distinct_neighbour_sectors: spans[v].1,
    };
    let top = |key: &dyn Fn(usize, usize) -> std::cmp::Ordering| {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_unstable_by(|&a, &b| key(a, b).then(rank[a].cmp(&rank[b])));
        order.truncate(cfg.top_brokers);
        order.into_iter().map(broker).collect::<Vec<_>>()
    };
    let top_brokers = top(&|a, b| bt.values[b].total_cmp(&bt.values[a]));
    let boundary_spanners = top(&|a, b| (spans[b].1, spans[b].0).cmp(&(spans[a].1, spans[a].0)));

    let mut degree_count = std::collections::BTreeMap::new();
    for &d in &node_degree {
        *degree_count.entry(d).or_insert(0u64) += 1;
    }

    clock.mark("brokers and spanners");
    let mut communities = community_stats(ds, &edges, &node_community, &community_sizes, &areas_of);
    clock.mark("community figures");
    label::label_communities(ds, &mut communities, &node_community, &node_degree, known);
    clock.mark("community labels");
    let node_position = layout::community_layout(&node_community, &community_sizes, &node_degree);
    clock.mark("layout");

    let mut area_people: Vec<Vec<ResearcherIx>> = vec![Vec::new(); ds.areas.len()];
    for (r, areas) in areas_of.iter().enumerate() {
        for &a in areas {
            area_people[a].push(r);
        }
    }
    let areas = area_people
        .iter()
        .enumerate()
        .map(|(a, people)| {
            let e = &mix.area_edges[a];
            let mut comms: Vec<usize> = people.iter().map(|&r| node_community[r]).collect();
            comms.sort_unstable();
            comms.dedup();
            let in_largest = people.iter().filter(|&&r| node_in_largest[r]).count();
            let ties = e.internal + e.external;
            AreaStats {
                area: a,
                researchers: people.len(),
                in_largest_component_share: share(in_largest as u64, people.len() as u64),
                internal_edges: e.internal,
                external_edges: e.external,
                cross_institution_edge_share: share(e.internal_cross_institution, e.internal),
                cross_sector_edge_share: share(e.internal_cross_sector, e.internal),
                communities_spanned: comms.len(),
                ei_index: (ties > 0).then(|| (e.external as f64 - e.internal as f64) / ties as f64),
            }
        })
        .collect();
    clock.mark("area figures");

    NetworkReport {
        nodes: n,
        edges: m,
        density: if n < 2 {
            0.0
        } else {
            2.0 * m as f64 / (n as f64 * (n - 1) as f64)
        },
        components: comp_sizes.len(),
        largest_component_nodes: largest,
        largest_component_share: if n == 0 {
            0.0
        } else {
            largest as f64 / n as f64
        },
        average_clustering: cl.average,
        transitivity: cl.transitivity,
        triangles: cl.triangles,
        degree_distribution: degree_count.into_iter().collect(),
        betweenness_method: bt.method,
        betweenness_samples: bt.samples,
        betweenness_epsilon: bt.epsilon,
        betweenness_delta: bt.delta,
        community_method: cfg.communities,
        modularity,
        disconnected_communities,
        louvain_resolution: cfg.louvain_resolution,
        seed,
        self_loops_ignored: 0,
        duplicate_rows_merged: 0,
        years,
        cross_institution_edge_share: share(mix.cross_institution_edges, m as u64),
        cross_sector_edge_share: share(mix.cross_sector_edges, m as u64),
        sector_matrix: mix.sector_matrix,
        area_matrix: mix.area_matrix,
        areas,
        communities,
        top_brokers,
        boundary_spanners,
        node_degree,
        node_betweenness: bt.values,
        node_clustering: cl.local,
        node_community,
        node_component,
        node_in_largest,
        node_distinct_neighbour_institutions,
        node_distinct_neighbour_sectors,
        node_position,
    }
}

/// Wall time of each step of [`analyse`], printed to stderr when the
/// environment variable `RDMATCH_NETWORK_STEPS` is set (for profiling the
/// stage; see docs/benchmarks.md). Silent and nearly free otherwise.
struct Steps {
    on: bool,
    last: std::sync::Mutex<std::time::Instant>,
}

impl Steps {
    fn new() -> Steps {
        Steps {
            on: std::env::var_os("RDMATCH_NETWORK_STEPS").is_some(),
            last: std::sync::Mutex::new(std::time::Instant::now()),
        }
    }

    /// The time since the previous mark.
    fn mark(&self, step: &str) {
        if let Ok(mut last) = self.last.lock() {
            if self.on {
                eprintln!(
                    "  network step {step:<52} {:>7.2} s",
                    last.elapsed().as_secs_f64()
                );
            }
            *last = std::time::Instant::now();
        }
    }

    /// Runs `f`, printing its own wall time (steps run side by side).
    fn timed<T>(&self, step: &str, f: impl FnOnce() -> T) -> T {
        let t = std::time::Instant::now();
        let out = f();
        if self.on {
            eprintln!("    {step:<54} {:>7.2} s", t.elapsed().as_secs_f64());
        }
        out
    }
}

fn community_stats(
    ds: &Dataset,
    edges: &[(usize, usize)],
    node_community: &[usize],
    sizes: &[usize],
    areas_of: &[Vec<AreaIx>],
) -> Vec<Community> {
    let c = sizes.len();
    let mut internal = vec![0u64; c];
    let mut external = vec![0u64; c];
    for &(u, v) in edges {
        let (cu, cv) = (node_community[u], node_community[v]);
        if cu == cv {
            internal[cu] += 1;
        } else {
            external[cu] += 1;
            external[cv] += 1;
        }
    }
    let mut members: Vec<Vec<ResearcherIx>> =
        sizes.iter().map(|&s| Vec::with_capacity(s)).collect();
    for (r, &cm) in node_community.iter().enumerate() {
        members[cm].push(r);
    }
    members
        .par_iter()
        .enumerate()
        .map(|(id, people)| {
            let size = people.len();
            let frac = |count: usize| count as f64 / size.max(1) as f64;
            let mut areas: Vec<AreaIx> = people
                .iter()
                .flat_map(|&r| areas_of[r].iter().copied())
                .collect();
            let dominant_area =
                dominant(&mut areas, |a| ds.areas[a].id.as_str()).map(|(a, k)| (a, frac(k)));
            let mut insts: Vec<InstitutionIx> = people
                .iter()
                .map(|&r| ds.researchers[r].institution)
                .collect();
            let (inst, ik) =
                dominant(&mut insts, |i| ds.institutions[i].id.as_str()).unwrap_or((0, 0));
            let institutions = insts.chunk_by(|a, b| a == b).count();
            let mut sectors: Vec<Sector> = people.iter().map(|&r| ds.sector_of(r)).collect();
            let (sector, sk) = dominant(&mut sectors, |s| s).unwrap_or((Sector::Academia, 0));
            let n_sectors = sectors.chunk_by(|a, b| a == b).count();
            Community {
                id,
                size,
                internal_edges: internal[id],
                external_edges: external[id],
                dominant_area,
                dominant_institution: (inst, frac(ik)),
                dominant_sector: (sector, frac(sk)),
                institutions,
                sectors: n_sectors,
                label: String::new(),
                top_terms: Vec::new(),
            }
        })
        .collect()
}
