//! `rdmatch conflicts`, `rdmatch network`, `rdmatch coverage`: one stage's
//! outputs on their own, staged and moved into place whole with the
//! confidential modes (see `report::files`).

use std::fs;
use std::io::BufWriter;

use anyhow::Context;

use crate::cli::{CommunitiesArg, ConflictsArgs, CoverageArgs, DataArgs, NetworkArgs};
use crate::config::{CommunityMethod, Config};
use crate::coverage;
use crate::load::ValidationReport;
use crate::model::Dataset;
use crate::report::{Clobber, StagedOutput};
use crate::{conflicts, graph, network};

use super::outputs::split_file_out;
use super::pipeline::run_stages;
use super::progress::Progress;
use super::{config_for, input_files, load_checked, modes};

/// Outputs into a folder the user named: its files may be replaced, inputs not.
fn folder_rules(data: &DataArgs, extra: &[std::path::PathBuf], force: bool) -> Clobber {
    Clobber {
        inputs: input_files(data, extra),
        folder_named: true,
        force,
        ..Clobber::default()
    }
}

/// The configuration and the checked data folder, with the stage log.
fn load(
    data: &DataArgs,
    quiet: bool,
) -> anyhow::Result<(Config, Dataset, Progress, ValidationReport)> {
    let cfg = config_for(data)?;
    let mut progress = Progress::new(quiet);
    let (ds, v) = progress.stage("load and validate", || load_checked(data, &cfg, quiet))?;
    Ok((cfg, ds, progress, v))
}

pub fn conflicts(args: &ConflictsArgs, quiet: bool) -> anyhow::Result<()> {
    let mut named = vec![args.out.clone()];
    named.extend(args.two_hop.iter().cloned());
    let rules = Clobber {
        inputs: input_files(&args.data, &[]),
        named,
        force: args.force,
        ..Clobber::default()
    };
    // Refuse before the work, not after it.
    rules.check(&args.out)?;
    if let Some(t) = &args.two_hop {
        rules.check(t)?;
    }
    let (cfg, ds, mut progress, v) = load(&args.data, quiet)?;
    let set = progress.stage("conflicts", || conflicts::detect(&ds, &cfg.conflicts));
    for n in set.notes() {
        eprintln!("warning: {n}");
    }
    let (dir, name) = split_file_out(&args.out)?;
    let staged = StagedOutput::new(&dir, modes(&cfg)?)?;
    let tmp = staged.path().join(name);
    let f = fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    set.write_csv(&ds, BufWriter::new(f))
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    staged.commit(&rules)?;
    if let Some(t) = &args.two_hop {
        let (dir, name) = split_file_out(t)?;
        let staged = StagedOutput::new(&dir, modes(&cfg)?)?;
        let tmp = staged.path().join(name);
        let f =
            fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        set.write_two_hop_summary(&ds, BufWriter::new(f))
            .with_context(|| format!("cannot write {}", t.display()))?;
        staged.commit(&rules)?;
    }
    if !quiet {
        let excluded = set.rows().filter(|r| r.excluded).count();
        outln!(
            "{excluded} excluded pairs, {} flagged → {}",
            set.rows().count() - excluded,
            args.out.display()
        )?;
    }
    super::left_out(&v, "above")
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
    let (ds, g, report, export, v) = match &args.edges {
        Some(edges) => {
            let input = progress.stage("read edge list", || {
                network::edges::read(
                    edges,
                    args.nodes.as_deref(),
                    super::encoding(args.data.encoding),
                )
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
            (
                input.dataset,
                g,
                report,
                export,
                ValidationReport::default(),
            )
        }
        None => {
            let (ds, v) = progress.stage("load and validate", || {
                load_checked(&args.data, &cfg, quiet)
            })?;
            let g = progress.stage("collaboration graph", || graph::build(&ds));
            let report = progress.stage("network analytics", || {
                network::analyse(&ds, &g, &cfg.network, cfg.seed)
            });
            let areas_of = network::mixing::researcher_areas(&ds);
            let export = network::export_graph(&report, &ds, &g, &areas_of, None);
            (ds, g, report, export, v)
        }
    };
    drop(g);
    let staged = StagedOutput::new(&args.out, modes(&cfg)?)?;
    network::write_outputs(&report, &ds, &export, staged.path())?;
    staged.commit(&folder_rules(&args.data, &[], args.force))?;
    if !quiet {
        let mut extra = String::new();
        if args.edges.is_some() {
            extra = format!(
                " ({} self-loop rows ignored, {} repeated pairs summed)",
                report.self_loops_ignored, report.duplicate_rows_merged
            );
        }
        outln!(
            "{} nodes, {} edges{extra}, {} components, {} communities ({}, modularity {:.3}) → {}",
            report.nodes,
            report.edges,
            report.components,
            report.communities.len(),
            report.community_method.as_str(),
            report.modularity,
            args.out.display()
        )?;
    }
    super::left_out(&v, "above")
}

pub fn coverage(args: &CoverageArgs, quiet: bool) -> anyhow::Result<()> {
    let cfg = config_for(&args.data)?;
    let mut progress = Progress::new(quiet);
    let super::Inputs {
        ds,
        validation: v,
        locks,
        external,
    } = super::load_inputs(&args.data, &args.external, &cfg, quiet, &mut progress)?;
    let res = run_stages(
        &ds,
        &cfg,
        &locks,
        None,
        external.map(|e| e.scores),
        None,
        &mut progress,
    )?;
    let staged = StagedOutput::new(&args.out, modes(&cfg)?)?;
    coverage::write_outputs(&res.coverage, staged.path())?;
    if let Some(prev) = &args.previous {
        let cmp = coverage::compare(prev, &res.coverage)?;
        coverage::write_comparison(&cmp, staged.path())?;
    }
    let extra = super::score::external_paths(&args.external);
    staged.commit(&folder_rules(&args.data, &extra, args.force))?;
    if !quiet {
        let s = &res.coverage.summary;
        outln!(
            "{} of {} proposals covered ({:.1}%) → {}",
            s.covered,
            s.proposals,
            100.0 * s.coverage_ratio,
            args.out.display()
        )?;
    }
    super::left_out(&v, "above")
}
