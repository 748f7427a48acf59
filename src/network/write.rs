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

use crate::table::num as f6;

fn opt6(x: Option<f64>) -> String {
    x.map(f6).unwrap_or_default()
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

/// `network_nodes.csv`, one row per researcher, by researcher ID.
pub fn write_nodes(report: &NetworkReport, ds: &Dataset, w: impl Write) -> csv::Result<()> {
    let mut out = crate::table::CsvWriter::new(w);
    out.write_record([
        "researcher_id",
        "degree",
        "betweenness",
        "clustering",
        "community",
        "institution_id",
        "sector",
        "component",
        "in_largest_component",
        "distinct_neighbour_institutions",
        "distinct_neighbour_sectors",
    ])?;
    let mut order: Vec<usize> = (0..ds.researchers.len()).collect();
    order.sort_unstable_by(|&a, &b| ds.researchers[a].id.cmp(&ds.researchers[b].id));
    for r in order {
        let res = &ds.researchers[r];
        out.write_record([
            res.id.clone(),
            report.node_degree[r].to_string(),
            f6(report.node_betweenness[r]),
            f6(report.node_clustering[r]),
            report.node_community[r].to_string(),
            ds.institutions[res.institution].id.clone(),
            ds.sector_of(r).as_str().to_string(),
            report.node_component[r].to_string(),
            report.node_in_largest[r].to_string(),
            report.node_distinct_neighbour_institutions[r].to_string(),
            report.node_distinct_neighbour_sectors[r].to_string(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// `network_communities.csv`, by community ID.
pub fn write_communities(report: &NetworkReport, ds: &Dataset, w: impl Write) -> csv::Result<()> {
    let mut out = crate::table::CsvWriter::new(w);
    out.write_record([
        "community",
        "label",
        "size",
        "internal_edges",
        "external_edges",
        "dominant_area",
        "dominant_area_share",
        "dominant_institution",
        "dominant_institution_share",
        "dominant_sector",
        "dominant_sector_share",
        "institutions",
        "sectors",
        "top_terms",
    ])?;
    for c in &report.communities {
        let (area, area_share) = match c.dominant_area {
            Some((a, s)) => (ds.areas[a].id.clone(), f6(s)),
            None => (String::new(), String::new()),
        };
        out.write_record([
            c.id.to_string(),
            c.label.clone(),
            c.size.to_string(),
            c.internal_edges.to_string(),
            c.external_edges.to_string(),
            area,
            area_share,
            ds.institutions[c.dominant_institution.0].id.clone(),
            f6(c.dominant_institution.1),
            c.dominant_sector.0.as_str().to_string(),
            f6(c.dominant_sector.1),
            c.institutions.to_string(),
            c.sectors.to_string(),
            c.top_terms.join(";"),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// `mixing_sector.csv`: rows and columns in the fixed sector order.
pub fn write_sector_mixing(report: &NetworkReport, w: impl Write) -> csv::Result<()> {
    let mut out = crate::table::CsvWriter::new(w);
    let mut header = vec!["sector".to_string()];
    header.extend(Sector::ALL.iter().map(|s| s.as_str().to_string()));
    out.write_record(&header)?;
    for (i, s) in Sector::ALL.iter().enumerate() {
        let mut row = vec![s.as_str().to_string()];
        row.extend(report.sector_matrix[i].iter().map(|x| x.to_string()));
        out.write_record(&row)?;
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
    let mut header = vec!["area_id".to_string()];
    header.extend(order.iter().map(|&a| ds.areas[a].id.clone()));
    out.write_record(&header)?;
    for &i in &order {
        let mut row = vec![ds.areas[i].id.clone()];
        row.extend(order.iter().map(|&j| report.area_matrix[i][j].to_string()));
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(())
}

/// `area_network.csv`, by area ID.
pub fn write_area_network(report: &NetworkReport, ds: &Dataset, w: impl Write) -> csv::Result<()> {
    let mut out = crate::table::CsvWriter::new(w);
    out.write_record([
        "area_id",
        "researchers",
        "internal_edges",
        "external_edges",
        "in_largest_component_share",
        "cross_institution_edge_share",
        "cross_sector_edge_share",
        "communities_spanned",
        "ei_index",
    ])?;
    for a in areas_by_id(ds) {
        let s = &report.areas[a];
        out.write_record([
            ds.areas[a].id.clone(),
            s.researchers.to_string(),
            s.internal_edges.to_string(),
            s.external_edges.to_string(),
            opt6(s.in_largest_component_share),
            opt6(s.cross_institution_edge_share),
            opt6(s.cross_sector_edge_share),
            s.communities_spanned.to_string(),
            opt6(s.ei_index),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// `network_years.csv`.
pub fn write_years(report: &NetworkReport, w: impl Write) -> csv::Result<()> {
    let mut out = crate::table::CsvWriter::new(w);
    out.write_record([
        "year",
        "publications",
        "coauthored_publications",
        "ties",
        "cross_institution_share",
        "cross_sector_share",
    ])?;
    for y in &report.years {
        out.write_record([
            y.year.to_string(),
            y.publications.to_string(),
            y.coauthored_publications.to_string(),
            y.ties.to_string(),
            opt6(y.cross_institution_share),
            opt6(y.cross_sector_share),
        ])?;
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
