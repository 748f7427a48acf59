//! `rdmatch score` and `rdmatch eval-scores`.

use std::io::BufWriter;

use anyhow::Context;

use crate::cli::{DataArgs, EvalScoresArgs, ModelArg, ScoreArgs, StrategyArg};
use crate::config::{Config, ProfileStrategy, TextModel};
use crate::model::Dataset;
use crate::score::{
    evaluate, read_external, read_truth, write_scores_csv, ExternalSource, Keep, ReadExternal,
    Scorer,
};

use super::outputs::split_file_out;
use super::progress::Progress;
use super::{config_for, input_files, load_checked, modes};
use crate::report::{Clobber, StagedOutput};

pub fn run(args: &ScoreArgs, quiet: bool) -> anyhow::Result<()> {
    let mut cfg = config_for(&args.data)?;
    if let Some(m) = args.model {
        cfg.score.model = match m {
            ModelArg::TfIdf => TextModel::TfIdf,
            ModelArg::Bm25 => TextModel::Bm25,
        };
    }
    if let Some(s) = args.strategy {
        cfg.score.strategy = match s {
            StrategyArg::Profile => ProfileStrategy::Profile,
            StrategyArg::TopPapers => ProfileStrategy::TopPapers,
        };
    }
    let rules = Clobber {
        inputs: input_files(&args.data, &external_paths(&args.external)),
        named: vec![args.out.clone()],
        force: args.force,
        ..Clobber::default()
    };
    rules.check(&args.out)?;
    let mut progress = Progress::new(quiet);
    let (ds, v) = progress.stage("load and validate", || {
        load_checked(&args.data, &cfg, quiet)
    })?;
    let mut scorer = progress.stage("profiles", || Scorer::new(&ds, &cfg.score));
    let external = external_scores(&args.external, &ds, &args.data, quiet)?;
    let external =
        super::embed::add_embedding(external, &ds, &cfg, &args.data.data, quiet, &mut progress)?;
    if let Some(ext) = external {
        scorer = scorer.with_external(ext.scores);
    }
    let keep = if args.all_pairs {
        Keep::All
    } else {
        Keep::Top(args.top.unwrap_or(cfg.score.top_n))
    };
    let m = progress.stage("scores", || scorer.score(&ds, keep, &|_, _| false));
    let (dir, name) = split_file_out(&args.out)?;
    let staged = StagedOutput::new(&dir, modes(&cfg)?)?;
    let tmp = staged.path().join(name);
    let f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    progress
        .stage("write", || write_scores_csv(&ds, &m, BufWriter::new(f)))
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    staged.commit(&rules)?;
    if !quiet {
        let rows: usize = m.per_proposal.iter().map(Vec::len).sum();
        outln!("{rows} pairs → {}", args.out.display())?;
    }
    super::left_out(&v, "above")
}

/// The files of `--scores FILE[:WEIGHT]` arguments (inputs: never overwritten).
pub fn external_paths(specs: &[String]) -> Vec<std::path::PathBuf> {
    specs
        .iter()
        .filter_map(|s| s.parse::<ExternalSource>().ok())
        .map(|s| s.path)
        .collect()
}

/// Reads `--scores FILE[:WEIGHT]` arguments (none → `None`) and says on
/// stderr what was recognised in each file.
pub fn external_scores(
    specs: &[String],
    ds: &Dataset,
    data: &DataArgs,
    quiet: bool,
) -> anyhow::Result<Option<ReadExternal>> {
    if specs.is_empty() {
        return Ok(None);
    }
    let sources = specs
        .iter()
        .map(|s| s.parse::<ExternalSource>())
        .collect::<Result<Vec<_>, _>>()?;
    let read = read_external(&sources, ds, super::encoding(data.encoding))?;
    if !quiet {
        for d in &read.descriptions {
            eprintln!("scores: {d}");
        }
    }
    Ok(Some(read))
}

/// Recall@5, recall@10 and rank correlation against the generator's truth,
/// for every model × strategy, so the default can be chosen on evidence.
pub fn eval(args: &EvalScoresArgs, _quiet: bool) -> anyhow::Result<()> {
    let cfg: Config = config_for(&args.data)?;
    let (ds, _) = load_checked(&args.data, &cfg, true)?;
    let truth_dir = args
        .truth
        .clone()
        .unwrap_or_else(|| args.data.data.join("truth"));
    let truth = read_truth(&truth_dir, &ds)?;
    outln!(
        "{:<8} {:<11} {:>10} {:>10} {:>10} {:>10}",
        "model",
        "strategy",
        "recall@5",
        "recall@10",
        "spearman",
        "proposals"
    )?;
    for model in [TextModel::TfIdf, TextModel::Bm25] {
        for strategy in [ProfileStrategy::Profile, ProfileStrategy::TopPapers] {
            let mut sc = cfg.score.clone();
            sc.model = model;
            sc.strategy = strategy;
            let scorer = Scorer::new(&ds, &sc);
            let restrict = cfg.assign.restrict_to_areas;
            let m = scorer.score(&ds, Keep::All, &|p, a| {
                restrict && !ds.advisers[a].areas.contains(&ds.proposals[p].area)
            });
            let r = evaluate(&ds, &m, &truth);
            let is_default = model == cfg.score.model && strategy == cfg.score.strategy;
            outln!(
                "{:<8} {:<11} {:>10.3} {:>10.3} {:>10.3} {:>10}{}",
                format!("{model:?}"),
                format!("{strategy:?}"),
                r.recall_at_5,
                r.recall_at_10,
                r.spearman,
                r.n_proposals,
                if is_default { "  (default)" } else { "" }
            )?;
        }
    }
    Ok(())
}
