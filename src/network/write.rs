//! Writers for the network outputs (all floats with 6 decimals):
//!
//! * `network_summary.json` — the headline figures, brokers and spanners;
//! * `network_nodes.csv` — `researcher_id,degree,betweenness,clustering,community,
//!   institution_id,sector,component,in_largest_component,
//!   distinct_neighbour_institutions,distinct_neighbour_sectors`, by researcher ID;
//! * `network_communities.csv` — `community,label,size,internal_edges,external_edges,
//!   dominant_area,dominant_area_share,dominant_institution,
//!   dominant_institution_share,dominant_sector,dominant_sector_share,
//!   institutions,sectors,top_terms`, by community ID (largest first);
//! * `mixing_sector.csv` — sector × sector edge counts (first column `sector`);
//! * `mixing_area.csv` — area × area edge counts (first column `area_id`),
//!   areas by ID;
//! * `area_network.csv` — `area_id,researchers,internal_edges,external_edges,
//!   in_largest_component_share,cross_institution_edge_share,
//!   cross_sector_edge_share,communities_spanned,ei_index`, by area ID;
//!   an empty cell means undefined (no researchers / no edges);
//! * `network_years.csv` — `year,publications,coauthored_publications,ties,
//!   cross_institution_share,cross_sector_share` ([`super::years`]);
//! * `network.gexf` — Gephi ([`super::gexf`]);
//! * `vosviewer_map.txt`, `vosviewer_network.txt` — VOSviewer
//!   ([`super::vosviewer`]).
//!
//! Each writer also has an `impl Write` form for tests.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::export::ExportGraph;
use super::{gexf, vosviewer, Broker, NetworkReport};
use crate::model::{Dataset, Sector};
use crate::table::CsvRow;

/// Writing a network output failed.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("cannot write {path}: {source}; check that the output folder exists and is writable")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("cannot write {path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// Rounds to 6 decimals so JSON output is byte-stable like the CSVs.
fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[derive(Serialize)]
struct Summary {
    nodes: usize,
    edges: usize,
    density: f64,
    components: usize,
    largest_component_nodes: usize,
    largest_component_share: f64,
    average_clustering: f64,
    transitivity: f64,
    triangles: u64,
    community_method: &'static str,
    modularity: f64,
    disconnected_communities: usize,
    louvain_resolution: f64,
    communities: usize,
    cross_institution_edge_share: Option<f64>,
    cross_sector_edge_share: Option<f64>,
    betweenness_method: &'static str,
    betweenness_samples: usize,
    betweenness_epsilon: Option<f64>,
    betweenness_delta: f64,
    seed: u64,
    self_loops_ignored: usize,
    duplicate_rows_merged: usize,
    degree_distribution: Vec<(u32, u64)>,
    top_brokers: Vec<Broker>,
    boundary_spanners: Vec<Broker>,
}

fn rounded(b: &[Broker]) -> Vec<Broker> {
    b.iter()
        .map(|x| Broker {
            betweenness: r6(x.betweenness),
            ..x.clone()
        })
        .collect()
}

/// `network_summary.json`.
pub fn write_summary(report: &NetworkReport, w: impl Write) -> Result<(), serde_json::Error> {
    let s = Summary {
        nodes: report.nodes,
        edges: report.edges,
        density: r6(report.density),
        components: report.components,
        largest_component_nodes: report.largest_component_nodes,
        largest_component_share: r6(report.largest_component_share),
        average_clustering: r6(report.average_clustering),
        transitivity: r6(report.transitivity),
        triangles: report.triangles,
        community_method: report.community_method.as_str(),
        modularity: r6(report.modularity),
        disconnected_communities: report.disconnected_communities,
        louvain_resolution: report.louvain_resolution,
        communities: report.communities.len(),
        cross_institution_edge_share: report.cross_institution_edge_share.map(r6),
        cross_sector_edge_share: report.cross_sector_edge_share.map(r6),
        betweenness_method: report.betweenness_method.as_str(),
        betweenness_samples: report.betweenness_samples,
        betweenness_epsilon: report.betweenness_epsilon.map(r6),
        betweenness_delta: report.betweenness_delta,
        seed: report.seed,
        self_loops_ignored: report.self_loops_ignored,
        duplicate_rows_merged: report.duplicate_rows_merged,
        degree_distribution: report.degree_distribution.clone(),
        top_brokers: rounded(&report.top_brokers),
        boundary_spanners: rounded(&report.boundary_spanners),
    };
    serde_json::to_writer_pretty(w, &s)
}

crate::table_row! {
    /// One researcher of network_nodes.csv.
    pub struct NodeRow<'a> {
        pub researcher_id: &'a str,
        pub degree: u32,
        pub betweenness: f64,
        pub clustering: f64,
        pub community: usize,
        pub institution_id: &'a str,
        pub sector: &'a str,
        pub component: usize,
        pub in_largest_component: bool,
        pub distinct_neighbour_institutions: u32,
        pub distinct_neighbour_sectors: u32,
    }
}

/// `network_nodes.csv`, one row per researcher, by researcher ID.
pub fn write_nodes(report: &NetworkReport, ds: &Dataset, w: impl Write) -> csv::Result<()> {
    let mut out = crate::table::CsvWriter::new(w);
    out.header::<NodeRow>()?;
    let mut order: Vec<usize> = (0..ds.researchers.len()).collect();
    order.sort_unstable_by(|&a, &b| ds.researchers[a].id.cmp(&ds.researchers[b].id));
    for r in order {
        let res = &ds.researchers[r];
        out.serialize(&NodeRow {
            researcher_id: &res.id,
            degree: report.node_degree[r],
            betweenness: report.node_betweenness[r],
            clustering: report.node_clustering[r],
            community: report.node_community[r],
            institution_id: &ds.institutions[res.institution].id,
            sector: ds.sector_of(r).as_str(),
            component: report.node_component[r],
            in_largest_component: report.node_in_largest[r],
            distinct_neighbour_institutions: report.node_distinct_neighbour_institutions[r],
            distinct_neighbour_sectors: report.node_distinct_neighbour_sectors[r],
        })?;
    }
    out.flush()?;
    Ok(())
}

crate::table_row! {
    /// One community of network_communities.csv.
    pub struct CommunityRow<'a> {
        pub community: usize,
        pub label: &'a str,
        pub size: usize,
        pub internal_edges: u64,
        pub external_edges: u64,
        pub dominant_area: &'a str,
        pub dominant_area_share: Option<f64>,
        pub dominant_institution: &'a str,
        pub dominant_institution_share: f64,
        pub dominant_sector: &'a str,
        pub dominant_sector_share: f64,
        pub institutions: usize,
        pub sectors: usize,
        /// `;`-joined keywords.
        pub top_terms: String,
    }
}

/// `network_communities.csv`, by community ID.
pub fn write_communities(report: &NetworkReport, ds: &Dataset, w: impl Write) -> csv::Result<()> {
    let mut out = crate::table::CsvWriter::new(w);
    out.header::<CommunityRow>()?;
    for c in &report.communities {
        out.serialize(&CommunityRow {
            community: c.id,
            label: &c.label,
            size: c.size,
            internal_edges: c.internal_edges,
            external_edges: c.external_edges,
            dominant_area: c.dominant_area.map_or("", |(a, _)| ds.areas[a].id.as_str()),
            dominant_area_share: c.dominant_area.map(|(_, s)| s),
            dominant_institution: &ds.institutions[c.dominant_institution.0].id,
            dominant_institution_share: c.dominant_institution.1,
            dominant_sector: c.dominant_sector.0.as_str(),
            dominant_sector_share: c.dominant_sector.1,
            institutions: c.institutions,
            sectors: c.sectors,
            top_terms: c.top_terms.join(";"),
        })?;
    }
    out.flush()?;
    Ok(())
}

crate::table_row! {
    /// The first column of mixing_sector.csv; one count column per sector
    /// follows, in [`Sector::ALL`] order.
    ///
    /// The mixing matrices stay wide (a row and a column per category, as
    /// the collaboration heatmap draws them and a spreadsheet shows a
    /// matrix): their columns are the categories themselves — for areas,
    /// the call's area IDs — so no fixed struct can name them. The label
    /// column is this typed row and the counts are written after it by
    /// [`CsvWriter::serialize_with`](crate::table::CsvWriter::serialize_with),
    /// through the same formula guard as every cell (the counts are
    /// integers, so the float format does not arise).
    pub struct SectorMixingRow<'a> {
        pub sector: &'a str,
    }
}

crate::table_row! {
    /// The first column of mixing_area.csv; one count column per area ID
    /// follows, in area-ID order (wide, as [`SectorMixingRow`] says why).
    pub struct AreaMixingRow<'a> {
        pub area_id: &'a str,
    }
}

/// `mixing_sector.csv`: rows and columns in the fixed sector order.
pub fn write_sector_mixing(report: &NetworkReport, w: impl Write) -> csv::Result<()> {
    let mut out = crate::table::CsvWriter::new(w);
    out.write_record(
        SectorMixingRow::COLUMNS
            .iter()
            .copied()
            .chain(Sector::ALL.iter().map(|s| s.as_str())),
    )?;
    for (i, s) in Sector::ALL.iter().enumerate() {
        out.serialize_with(
            &SectorMixingRow { sector: s.as_str() },
            report.sector_matrix[i].iter().map(|x| x.to_string()),
        )?;
    }
    out.flush()?;
    Ok(())
}

fn areas_by_id(ds: &Dataset) -> Vec<usize> {
    let mut order: Vec<usize> = (0..ds.areas.len()).collect();
    order.sort_unstable_by(|&a, &b| ds.areas[a].id.cmp(&ds.areas[b].id));
    order
}

/// `mixing_area.csv`: rows and columns by area ID.
pub fn write_area_mixing(report: &NetworkReport, ds: &Dataset, w: impl Write) -> csv::Result<()> {
    let order = areas_by_id(ds);
    let mut out = crate::table::CsvWriter::new(w);
    out.write_record(
        AreaMixingRow::COLUMNS
            .iter()
            .copied()
            .chain(order.iter().map(|&a| ds.areas[a].id.as_str())),
    )?;
    for &i in &order {
        out.serialize_with(
            &AreaMixingRow {
                area_id: &ds.areas[i].id,
            },
            order.iter().map(|&j| report.area_matrix[i][j].to_string()),
        )?;
    }
    out.flush()?;
    Ok(())
}

crate::table_row! {
    /// One area of area_network.csv.
    pub struct AreaNetworkRow<'a> {
        pub area_id: &'a str,
        pub researchers: usize,
        pub internal_edges: u64,
        pub external_edges: u64,
        pub in_largest_component_share: Option<f64>,
        pub cross_institution_edge_share: Option<f64>,
        pub cross_sector_edge_share: Option<f64>,
        pub communities_spanned: usize,
        pub ei_index: Option<f64>,
    }
}

/// `area_network.csv`, by area ID.
pub fn write_area_network(report: &NetworkReport, ds: &Dataset, w: impl Write) -> csv::Result<()> {
    let mut out = crate::table::CsvWriter::new(w);
    out.header::<AreaNetworkRow>()?;
    for a in areas_by_id(ds) {
        let s = &report.areas[a];
        out.serialize(&AreaNetworkRow {
            area_id: &ds.areas[a].id,
            researchers: s.researchers,
            internal_edges: s.internal_edges,
            external_edges: s.external_edges,
            in_largest_component_share: s.in_largest_component_share,
            cross_institution_edge_share: s.cross_institution_edge_share,
            cross_sector_edge_share: s.cross_sector_edge_share,
            communities_spanned: s.communities_spanned,
            ei_index: s.ei_index,
        })?;
    }
    out.flush()?;
    Ok(())
}

crate::table_row! {
    /// One publication year of network_years.csv.
    pub struct YearRow {
        pub year: i32,
        pub publications: u64,
        pub coauthored_publications: u64,
        pub ties: u64,
        pub cross_institution_share: Option<f64>,
        pub cross_sector_share: Option<f64>,
    }
}

/// `network_years.csv`.
pub fn write_years(report: &NetworkReport, w: impl Write) -> csv::Result<()> {
    let mut out = crate::table::CsvWriter::new(w);
    out.header::<YearRow>()?;
    for y in &report.years {
        out.serialize(&YearRow {
            year: y.year,
            publications: y.publications,
            coauthored_publications: y.coauthored_publications,
            ties: y.ties,
            cross_institution_share: y.cross_institution_share,
            cross_sector_share: y.cross_sector_share,
        })?;
    }
    out.flush()?;
    Ok(())
}

/// Writes every network file into `out_dir` (which must exist) and returns
/// their paths in the order listed in the module doc.
pub fn write_outputs(
    report: &NetworkReport,
    ds: &Dataset,
    export: &ExportGraph,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, NetworkError> {
    let open = |name: &str| -> Result<(PathBuf, BufWriter<File>), NetworkError> {
        let path = out_dir.join(name);
        let f = File::create(&path).map_err(|source| NetworkError::Io {
            path: path.clone(),
            source,
        })?;
        Ok((path, BufWriter::new(f)))
    };
    let csv_err = |path: &PathBuf| {
        let path = path.clone();
        move |source| NetworkError::Csv { path, source }
    };
    let mut written = Vec::new();

    let (path, mut f) = open("network_summary.json")?;
    write_summary(report, &mut f).map_err(|source| NetworkError::Json {
        path: path.clone(),
        source,
    })?;
    f.flush().map_err(|source| NetworkError::Io {
        path: path.clone(),
        source,
    })?;
    written.push(path);

    let (path, f) = open("network_nodes.csv")?;
    write_nodes(report, ds, f).map_err(csv_err(&path))?;
    written.push(path);
    let (path, f) = open("network_communities.csv")?;
    write_communities(report, ds, f).map_err(csv_err(&path))?;
    written.push(path);
    let (path, f) = open("mixing_sector.csv")?;
    write_sector_mixing(report, f).map_err(csv_err(&path))?;
    written.push(path);
    let (path, f) = open("mixing_area.csv")?;
    write_area_mixing(report, ds, f).map_err(csv_err(&path))?;
    written.push(path);
    let (path, f) = open("area_network.csv")?;
    write_area_network(report, ds, f).map_err(csv_err(&path))?;
    written.push(path);
    let (path, f) = open("network_years.csv")?;
    write_years(report, f).map_err(csv_err(&path))?;
    written.push(path);
    let description = format!(
        "Collaboration network: {} researchers, {} ties; communities by {} (modularity {:.3})",
        report.nodes,
        report.edges,
        report.community_method.as_str(),
        report.modularity
    );
    for (name, text) in [
        ("network.gexf", gexf::to_gexf(export, &description)),
        ("vosviewer_map.txt", vosviewer::map_file(export)),
        ("vosviewer_network.txt", vosviewer::network_file(export)),
    ] {
        let path = out_dir.join(name);
        std::fs::write(&path, text).map_err(|source| NetworkError::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}
