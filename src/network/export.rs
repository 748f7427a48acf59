//! The graph the exports write ([`super::gexf`], [`super::vosviewer`]):
//! plain rows built once from the network report, so each format is a pure
//! function from this to a string (snapshot-testable, no I/O).

use super::NetworkReport;
use crate::graph::CollabGraph;
use crate::model::{AreaIx, Dataset};

/// One node (researcher).
#[derive(Clone, Debug, PartialEq)]
pub struct ExportNode {
    pub id: String,
    pub label: String,
    pub institution: String,
    pub sector: String,
    /// Area names, `;`-joined in the files.
    pub areas: Vec<String>,
    /// Community number (0 = largest) and its label.
    pub community: usize,
    pub community_label: String,
    pub degree: u32,
    /// Normalised betweenness, [0, 1].
    pub betweenness: f64,
    /// Layout position in [0, 1]² ([`super::layout`]).
    pub x: f64,
    pub y: f64,
    /// Mean year of the researcher's publications (`None` without any).
    pub mean_pub_year: Option<f64>,
}

/// One undirected edge between node indexes `u < v`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportEdge {
    pub u: usize,
    pub v: usize,
    /// Joint publications + joint proposals (data folder) or the summed
    /// weight of the edge file's rows; > 0.
    pub weight: f64,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExportGraph {
    pub nodes: Vec<ExportNode>,
    pub edges: Vec<ExportEdge>,
}

/// Builds the export rows. `weights`, if given, replaces each graph edge's
/// weight (edge-list input, in `g.edges()` order); years come from the
/// graph's edge summaries.
pub fn export_graph(
    report: &NetworkReport,
    ds: &Dataset,
    g: &CollabGraph,
    areas_of: &[Vec<AreaIx>],
    weights: Option<&[f64]>,
) -> ExportGraph {
    let nodes = (0..ds.researchers.len())
        .map(|r| {
            let res = &ds.researchers[r];
            let pubs = ds.pubs_of.get(r).map(Vec::as_slice).unwrap_or(&[]);
            let mean_pub_year = (!pubs.is_empty()).then(|| {
                pubs.iter()
                    .map(|&p| f64::from(ds.publications[p].year))
                    .sum::<f64>()
                    / pubs.len() as f64
            });
            let c = report.node_community[r];
            ExportNode {
                id: res.id.clone(),
                label: res.name.clone(),
                institution: ds.institutions[res.institution].name.clone(),
                sector: ds.sector_of(r).as_str().to_string(),
                areas: areas_of
                    .get(r)
                    .map(|a| a.iter().map(|&a| ds.areas[a].name.clone()).collect())
                    .unwrap_or_default(),
                community: c,
                community_label: report.communities[c].label.clone(),
                degree: report.node_degree[r],
                betweenness: report.node_betweenness[r],
                x: report.node_position[r].0,
                y: report.node_position[r].1,
                mean_pub_year,
            }
        })
        .collect();
    let edges = g
        .edges()
        .enumerate()
        .map(|(e, (u, v, w))| ExportEdge {
            u,
            v,
            weight: weights
                .and_then(|ws| ws.get(e).copied())
                .unwrap_or(f64::from(w.joint_pubs + w.joint_proposals).max(1.0)),
            first_year: w.first_pub_year,
            last_year: w.last_pub_year,
        })
        .collect();
    ExportGraph { nodes, edges }
}
