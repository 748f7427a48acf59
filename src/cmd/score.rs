//! `rdmatch score` and `rdmatch eval-scores`.

use std::io::BufWriter;

use anyhow::Context;

use crate::cli::{DataArgs, EvalScoresArgs, ModelArg, ScoreArgs, StrategyArg};
use crate::config::{Config, ProfileStrategy, TextModel};
use crate::model::Dataset;
use crate::score::{
    evaluate, heldout, read_external, read_truth, variants, write_scores_csv_with, ExternalSource,
    Keep, ReadExternal, Scorer,
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
    // Conflicted pairs are marked (`conflict` column) or, with
    // --exclude-conflicts, left out; never listed as if they were clean.
    // Two-hop paths only flag a pair (they never exclude one), and the
    // conflict column lists what excludes: they are not looked for here.
    let conflict_rules = crate::config::ConflictConfig {
        two_hop_warning: false,
        two_hop_list: false,
        ..cfg.conflicts.clone()
    };
    // Side by side: building the profiles has sequential steps (the
    // vocabulary is interned in document order) that leave a core free.
    let (mut scorer, cs) = progress.stage("profiles and conflicts", || {
        rayon::join(
            || Scorer::new(&ds, &cfg.score),
            || crate::conflicts::detect(&ds, &conflict_rules),
        )
    });
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
    let leave_out = args.exclude_conflicts;
    let m = progress.stage("scores", || {
        scorer.score(&ds, keep, &|p, a| leave_out && cs.is_excluded(p, a))
    });
    let conflict = |p: usize, a: usize| -> String {
        if !cs.is_excluded(p, a) {
            return String::new();
        }
        let reasons: Vec<String> = cs
            .reasons(p, a)
            .iter()
            .filter(|r| r.rule().excludes())
            .map(|r| r.to_string())
            .collect();
        reasons.join("; ")
    };
    let (dir, name) = split_file_out(&args.out)?;
    let staged = StagedOutput::new(&dir, modes(&cfg)?)?;
    let tmp = staged.path().join(name);
    let f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    progress
        .stage("write", || {
            write_scores_csv_with(&ds, &m, BufWriter::new(f), Some(("conflict", &conflict)))
        })
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    staged.commit(&rules)?;
    if !quiet {
        let rows: usize = m.per_proposal.iter().map(Vec::len).sum();
        let marked: usize = m
            .per_proposal
            .iter()
            .enumerate()
            .map(|(p, v)| v.iter().filter(|s| cs.is_excluded(p, s.adviser)).count())
            .sum();
        if args.exclude_conflicts {
            outln!(
                "{rows} pairs → {} (conflicted pairs left out)",
                args.out.display()
            )?;
        } else {
            outln!(
                "{rows} pairs → {} ({marked} conflicted, marked in the conflict column)",
                args.out.display()
            )?;
        }
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
/// for every model × strategy; with `--heldout`, where the true author of
/// each held-out paper ranks, for every variant (`score::variants`).
pub fn eval(args: &EvalScoresArgs, quiet: bool) -> anyhow::Result<()> {
    let cfg: Config = config_for(&args.data)?;
    let (ds, _) = super::load_checked_with(&args.data, &cfg, true, args.heldout)?;
    let truth_dir = args
        .truth
        .clone()
        .unwrap_or_else(|| args.data.data.join("truth"));
    if args.heldout {
        eval_heldout(args, &cfg, &ds, quiet)?;
        if !truth_dir.join("researcher_topics.csv").is_file() {
            return Ok(());
        }
        outln!("")?;
    }
    let truth = read_truth(&truth_dir, &ds)?;
    outln!("generated truth ({}):", truth_dir.display())?;
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

/// The held-out benchmark: split, optionally write the call, score it with
/// every variant and print MRR, recall@k and the time each took.
fn eval_heldout(
    args: &EvalScoresArgs,
    cfg: &Config,
    ds: &Dataset,
    quiet: bool,
) -> anyhow::Result<()> {
    let opts = heldout::HeldOutOptions {
        max_load: cfg.assign.default_max_load,
        ..heldout::HeldOutOptions::default()
    };
    if let Some(v) = &args.variant {
        let known = variants::variant(v).is_some() || variants::BLENDS.iter().any(|b| b.0 == v);
        if !known {
            let mut names: Vec<&str> = variants::variants().iter().map(|x| x.name).collect();
            names.extend(variants::BLENDS.iter().map(|b| b.0));
            anyhow::bail!(
                "--variant {v:?}: no such variant; choose one of: {}",
                names.join(", ")
            );
        }
    }
    let h = heldout::split(ds, &opts);
    outln!(
        "held-out ({}): {} researchers with >= {} papers, {} papers held out, {} proposals, {} candidates ({} papers had no candidate author)",
        args.data.data.display(),
        h.researchers_held,
        opts.min_papers,
        h.papers_held,
        h.call.proposals.len(),
        h.call.advisers.len(),
        h.papers_without_candidate
    )?;
    if let Some(out) = &args.write_call {
        let written = heldout::write_call(&h, out)?;
        if !quiet {
            for (name, rows) in &written {
                eprintln!("wrote {} ({rows} rows)", out.join(name).display());
            }
        }
    }
    if h.call.proposals.is_empty() {
        anyhow::bail!(
            "{}: no held-out paper has a candidate author (needs researchers with >= {} papers); nothing to measure",
            args.data.data.display(),
            opts.min_papers
        );
    }
    outln!(
        "{:<22} {:>7} {:>7} {:>7} {:>7} {:>9} {:>8}",
        "variant",
        "MRR",
        "R@1",
        "R@5",
        "R@10",
        "med.rank",
        "time s"
    )?;
    let print = |name: &str, m: &crate::score::ScoreMatrix, secs: f64| {
        let r = heldout::rank_report(m, &h);
        outln!(
            "{:<22} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>9.1} {:>8.2}",
            name,
            r.mrr,
            r.recall_at_1,
            r.recall_at_5,
            r.recall_at_10,
            r.median_rank,
            secs
        )
    };
    let mut done: Vec<(&str, crate::score::ScoreMatrix, f64)> = Vec::new();
    let wanted = |name: &str| args.variant.as_deref().is_none_or(|v| v == name);
    for v in variants::variants() {
        let in_blend = variants::BLENDS
            .iter()
            .any(|(b, x, y)| wanted(b) && (*x == v.name || *y == v.name));
        if !(v.name == "default" || wanted(v.name) || in_blend) {
            continue;
        }
        let mut sc = cfg.score.clone();
        (v.apply)(&mut sc);
        sc.top_terms = 0;
        let t0 = std::time::Instant::now();
        let scorer = Scorer::new(&h.call, &sc);
        let m = scorer.score(&h.call, Keep::All, &|_, _| false);
        let secs = t0.elapsed().as_secs_f64();
        print(v.name, &m, secs)?;
        done.push((v.name, m, secs));
    }
    for (name, a, b) in variants::BLENDS {
        let find = |n: &str| done.iter().find(|d| d.0 == n);
        if let (true, Some(x), Some(y)) = (wanted(name), find(a), find(b)) {
            let m = variants::blend(&x.1, &y.1);
            print(name, &m, x.2 + y.2)?;
        }
    }
    super::embed::heldout_rows(&h, cfg, &args.data.data, quiet, &mut |name, r, secs| {
        outln!(
            "{:<22} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>9.1} {:>8.2}",
            name,
            r.mrr,
            r.recall_at_1,
            r.recall_at_5,
            r.recall_at_10,
            r.median_rank,
            secs
        )?;
        Ok(())
    })?;
    let default_m = done.into_iter().next().map(|d| d.1);
    if let (true, Some(m)) = (args.calibration, default_m) {
        outln!("")?;
        outln!("calibration of the default (score bands; pairs in the band; of which the adviser wrote the paper; share; proposals whose best-scored true author falls in the band):")?;
        outln!(
            "{:<11} {:>9} {:>10} {:>9} {:>11}",
            "score",
            "pairs",
            "by author",
            "share",
            "best true"
        )?;
        for b in heldout::calibration(&m, &h, 10, |s| s.score) {
            let share = if b.pairs == 0 {
                0.0
            } else {
                b.true_pairs as f64 / b.pairs as f64
            };
            outln!(
                "{:<11} {:>9} {:>10} {:>9.4} {:>11}",
                format!("{:.1}-{:.1}", b.low, b.high),
                b.pairs,
                b.true_pairs,
                share,
                b.best_true
            )?;
        }
    }
    Ok(())
}
