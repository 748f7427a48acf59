//! `rdmatch generate`: write a synthetic data set and its hidden truth.

use std::time::Instant;

use crate::cli::GenerateArgs;
use crate::generate::{generate, GenerateOptions};
use crate::report::files::require_empty_dir;

pub fn run(args: &GenerateArgs, quiet: bool) -> anyhow::Result<()> {
    // One typo in --out must not destroy a call's inputs.
    require_empty_dir(&args.out, args.force)?;
    let existed = args.out.is_dir();
    let was_empty = require_empty_dir(&args.out, false).is_ok();
    let opts = GenerateOptions {
        researchers: args.researchers,
        proposals: args.proposals,
        areas: args.areas,
        advisers: args.advisers,
        publications_per_researcher: args.pubs_per_researcher,
        seed: args.seed,
        affiliations_per_researcher: args.affiliations_per_researcher,
        relations_per_researcher: args.relations_per_researcher,
        consortium_papers: args.consortium_papers,
        ..GenerateOptions::default()
    };
    let t = Instant::now();
    let report = match generate(&args.out, &opts) {
        Ok(r) => r,
        Err(e) => {
            // Nothing partial stays (a full disk): the folder held nothing
            // before, so everything in it is this run's partial output.
            if !existed {
                let _ = std::fs::remove_dir_all(&args.out);
            } else if was_empty {
                for entry in std::fs::read_dir(&args.out).into_iter().flatten().flatten() {
                    let p = entry.path();
                    let _ = if p.is_dir() {
                        std::fs::remove_dir_all(&p)
                    } else {
                        std::fs::remove_file(&p)
                    };
                }
            }
            return Err(e.into());
        }
    };
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
