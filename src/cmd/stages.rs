//! `rdmatch conflicts`, `rdmatch network`, `rdmatch coverage`: one stage's
//! outputs on their own.

use std::fs;
use std::io::BufWriter;

use anyhow::Context;

use crate::cli::{CommunitiesArg, ConflictsArgs, CoverageArgs, DataArgs, NetworkArgs};
use crate::config::{CommunityMethod, Config};
use crate::coverage;
use crate::graph::CollabGraph;
use crate::model::Dataset;
use crate::{conflicts, graph, network};

use super::outputs::{guard_csv_file, guard_csv_files};
use super::pipeline::run_stages;
use super::progress::Progress;
use super::{config_for, load_checked};

/// The first stages that `conflicts` and `network` share.
fn load_and_graph(
    data: &DataArgs,
    quiet: bool,
) -> anyhow::Result<(Config, Dataset, CollabGraph, Progress)> {
    let cfg = config_for(data)?;
    let mut progress = Progress::new(quiet);
    let (ds, _) = progress.stage("load and validate", || load_checked(data, &cfg, quiet))?;
    let g = progress.stage("collaboration graph", || graph::build(&ds));
    Ok((cfg, ds, g, progress))
}

pub fn conflicts(args: &ConflictsArgs, quiet: bool) -> anyhow::Result<()> {
    let (cfg, ds, g, mut progress) = load_and_graph(&args.data, quiet)?;
    let set = progress.stage("conflicts", || conflicts::detect(&ds, &g, &cfg.conflicts));
    let f = fs::File::create(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    set.write_csv(&ds, BufWriter::new(f))?;
    guard_csv_file(&args.out)?;
    if !quiet {
        let excluded = set.rows().filter(|r| r.excluded).count();
        println!(
            "{excluded} excluded pairs, {} flagged → {}",
            set.rows().count() - excluded,
            args.out.display()
        );
    }
    Ok(())
}

pub fn network(args: &NetworkArgs, quiet: bool) -> anyhow::Result<()> {
    let mut cfg = config_for(&args.data)?;
    if let Some(c) = args.communities {
        cfg.network.communities = match c {
            CommunitiesArg::Leiden => CommunityMethod::Leiden,
            CommunitiesArg::Louvain => CommunityMethod::Louvain,
        };
    }
    let mut progress = Progress::new(quiet);
    let (ds, g, report, export) = match &args.edges {
        Some(edges) => {
            let input = progress.stage("read edge list", || {
                network::edges::read(edges, args.nodes.as_deref())
            })?;
            let g = network::edges::graph(&input);
            let mut report = progress.stage("network analytics", || {
                network::analyse_with_areas(
                    &input.dataset,
                    &g,
                    &cfg.network,
                    cfg.seed,
                    input.areas_of.clone(),
                    input.known,
                )
            });
            report.self_loops_ignored = input.self_loops_ignored;
            report.duplicate_rows_merged = input.duplicate_rows_merged;
            let weights: Vec<f64> = input.edges.iter().map(|e| e.weight).collect();
            let export =
                network::export_graph(&report, &input.dataset, &g, &input.areas_of, Some(&weights));
            (input.dataset, g, report, export)
        }
        None => {
            let (ds, _) = progress.stage("load and validate", || {
                load_checked(&args.data, &cfg, quiet)
            })?;
            let g = progress.stage("collaboration graph", || graph::build(&ds));
            let report = progress.stage("network analytics", || {
                network::analyse(&ds, &g, &cfg.network, cfg.seed)
            });
            let areas_of = network::mixing::researcher_areas(&ds);
            let export = network::export_graph(&report, &ds, &g, &areas_of, None);
            (ds, g, report, export)
        }
    };
    drop(g);
    fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    network::write_outputs(&report, &ds, &export, &args.out)?;
    guard_csv_files(&args.out)?;
    if !quiet {
        let mut extra = String::new();
        if args.edges.is_some() {
            extra = format!(
                " ({} self-loop rows ignored, {} repeated pairs summed)",
                report.self_loops_ignored, report.duplicate_rows_merged
            );
        }
        println!(
            "{} nodes, {} edges{extra}, {} components, {} communities ({}, modularity {:.3}) → {}",
            report.nodes,
            report.edges,
            report.components,
            report.communities.len(),
            report.community_method.as_str(),
            report.modularity,
            args.out.display()
        );
    }
    Ok(())
}

pub fn coverage(args: &CoverageArgs, quiet: bool) -> anyhow::Result<()> {
    let cfg = config_for(&args.data)?;
    let mut progress = Progress::new(quiet);
    let (ds, _) = progress.stage("load and validate", || {
        load_checked(&args.data, &cfg, quiet)
    })?;
    let locks = super::assign::locks_for(&args.data.data, None, &ds)?;
    let external = super::score::external_scores(&args.external, &ds)?;
    let res = run_stages(&ds, &cfg, &locks, external, &mut progress)?;
    fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    coverage::write_outputs(&res.coverage, &args.out)?;
    if let Some(prev) = &args.previous {
        let cmp = coverage::compare(prev, &res.coverage)?;
        coverage::write_comparison(&cmp, &args.out)?;
    }
    guard_csv_files(&args.out)?;
    if !quiet {
        let s = &res.coverage.summary;
        println!(
            "{} of {} proposals covered ({:.1}%) → {}",
            s.covered,
            s.proposals,
            100.0 * s.coverage_ratio,
            args.out.display()
        );
    }
    Ok(())
}
