//! `rdmatch generate`: write a synthetic data set and its hidden truth.

use std::time::Instant;

use crate::cli::GenerateArgs;
use crate::generate::{generate, GenerateOptions};
use crate::report::files::require_empty_dir;

pub fn run(args: &GenerateArgs, quiet: bool) -> anyhow::Result<()> {
    // One typo in --out must not destroy a call's inputs.
    require_empty_dir(&args.out, args.force)?;
    let opts = GenerateOptions {
        researchers: args.researchers,
        proposals: args.proposals,
        areas: args.areas,
        advisers: args.advisers,
        publications_per_researcher: args.pubs_per_researcher,
        seed: args.seed,
        ..GenerateOptions::default()
    };
    let t = Instant::now();
    let report = generate(&args.out, &opts)?;
    if !quiet {
        for (file, rows) in &report.rows {
            outln!("{file:<32} {rows:>10} rows")?;
        }
        outln!(
            "wrote {} in {:.1} s (seed {})",
            args.out.display(),
            t.elapsed().as_secs_f64(),
            args.seed
        )?;
    }
    Ok(())
}
