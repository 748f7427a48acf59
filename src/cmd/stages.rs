//! `rdmatch conflicts`, `rdmatch network`, `rdmatch coverage`: one stage's
//! outputs on their own.

use std::fs;
use std::io::BufWriter;

use anyhow::Context;

use crate::cli::{ConflictsArgs, CoverageArgs, DataArgs, NetworkArgs};
use crate::config::Config;
use crate::coverage;
use crate::graph::CollabGraph;
use crate::load::ValidationReport;
use crate::model::Dataset;
use crate::{conflicts, graph, network};

use super::pipeline::run_stages;
use super::progress::Progress;
use super::{config_for, load_checked};

/// The first stages that `conflicts` and `network` share.
fn load_and_graph(
    data: &DataArgs,
    quiet: bool,
) -> anyhow::Result<(Config, Dataset, CollabGraph, Progress, ValidationReport)> {
    let cfg = config_for(data)?;
    let mut progress = Progress::new(quiet);
    let (ds, v) = progress.stage("load and validate", || load_checked(data, &cfg, quiet))?;
    let g = progress.stage("collaboration graph", || graph::build(&ds));
    Ok((cfg, ds, g, progress, v))
}

pub fn conflicts(args: &ConflictsArgs, quiet: bool) -> anyhow::Result<()> {
    let (cfg, ds, g, mut progress, v) = load_and_graph(&args.data, quiet)?;
    let set = progress.stage("conflicts", || conflicts::detect(&ds, &g, &cfg.conflicts));
    let f = fs::File::create(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    set.write_csv(&ds, BufWriter::new(f))?;
    if !quiet {
        let excluded = set.rows().filter(|r| r.excluded).count();
        println!(
            "{excluded} excluded pairs, {} flagged → {}",
            set.rows().count() - excluded,
            args.out.display()
        );
    }
    super::left_out(&v, "above")
}

pub fn network(args: &NetworkArgs, quiet: bool) -> anyhow::Result<()> {
    let (cfg, ds, g, mut progress, v) = load_and_graph(&args.data, quiet)?;
    let report = progress.stage("network analytics", || {
        network::analyse(&ds, &g, &cfg.network, cfg.seed)
    });
    fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    network::write_outputs(&report, &ds, &args.out)?;
    if !quiet {
        println!(
            "{} nodes, {} edges, {} components, modularity {:.3} → {}",
            report.nodes,
            report.edges,
            report.components,
            report.modularity,
            args.out.display()
        );
    }
    super::left_out(&v, "above")
}

pub fn coverage(args: &CoverageArgs, quiet: bool) -> anyhow::Result<()> {
    let cfg = config_for(&args.data)?;
    let mut progress = Progress::new(quiet);
    let (ds, v) = progress.stage("load and validate", || {
        load_checked(&args.data, &cfg, quiet)
    })?;
    let locks = super::assign::locks_for(
        &args.data.data,
        None,
        &ds,
        super::encoding(args.data.encoding),
    )?;
    let external = super::score::external_scores(&args.external, &ds, &args.data, quiet)?;
    let res = run_stages(&ds, &cfg, &locks, external.map(|e| e.scores), &mut progress)?;
    fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    coverage::write_outputs(&res.coverage, &args.out)?;
    if let Some(prev) = &args.previous {
        let cmp = coverage::compare(prev, &res.coverage)?;
        coverage::write_comparison(&cmp, &args.out)?;
    }
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
    super::left_out(&v, "above")
}
