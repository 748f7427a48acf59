//! `rdmatch bench`: generate a data set of a given size and time every stage
//! of the pipeline on it, printing wall time and peak memory per stage.
//! Speed and memory targets are checked here, never in timed unit tests.

use std::time::Instant;

use crate::cli::{BenchArgs, DataArgs, EncodingArg};
use crate::config::Config;
use crate::generate::{generate, GenerateOptions};

use super::pipeline::run_stages;
use super::progress::{peak_rss_mib, Progress};

pub fn run(args: &BenchArgs, quiet: bool) -> anyhow::Result<()> {
    if let Some(data) = &args.data {
        return time_stages(data);
    }
    let dir = match &args.keep {
        Some(d) => d.clone(),
        None => tempfile_dir()?,
    };
    let opts = GenerateOptions {
        researchers: args.researchers,
        proposals: args.proposals,
        areas: args.areas,
        advisers: args.advisers,
        ..GenerateOptions::default()
    };
    let t = Instant::now();
    generate(&dir, &opts)?;
    let gen_secs = t.elapsed().as_secs_f64();
    outln!(
        "generated {} researchers, {} proposals, {} advisers, {} areas in {gen_secs:.2} s (peak {:.0} MiB) into {}",
        args.researchers,
        args.proposals,
        args.advisers,
        args.areas,
        peak_rss_mib(),
        dir.display()
    )?;
    let out = time_stages(&dir);
    if args.keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = quiet;
    out
}

/// Times every stage on a data folder.
fn time_stages(dir: &std::path::Path) -> anyhow::Result<()> {
    outln!("{:<24} {:>9} {:>14}", "stage", "seconds", "peak RSS MiB")?;
    let data = DataArgs {
        data: dir.to_path_buf(),
        config: None,
        encoding: EncodingArg::Auto,
        keep_going: false,
        embedding_model: None,
    };
    let cfg: Config = super::config_for(&data)?;
    let mut progress = Progress::new(true);
    let total = Instant::now();
    let (ds, _) = progress.stage("load and validate", || {
        super::load_checked(&data, &cfg, true)
    })?;
    let res = run_stages(&ds, &cfg, &[], None, None, None, &mut progress)?;
    for ((name, secs), peak) in progress.timings().iter().zip(progress.peaks()) {
        outln!("{name:<24} {secs:>9.2} {peak:>14.0}")?;
    }
    outln!(
        "{:<24} {:>9.2} {:>14.0}",
        "total (after generate)",
        total.elapsed().as_secs_f64(),
        peak_rss_mib()
    )?;
    match &res.solution {
        Ok(s) => outln!(
            "assignment: total {:.3}, weakest {:.3}, {:?}",
            s.total,
            s.weakest,
            s.stats
        )?,
        Err(e) => outln!("assignment infeasible:\n{e}")?,
    }
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let d = std::env::temp_dir().join(format!("rdmatch-bench-{}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}
