//! `rdmatch assign`: the exact assignment, from a data folder (every stage
//! computed) or standalone from a scores file.

use std::fs;
use std::path::Path;

use anyhow::Context;

use crate::assign::{self, io::problem_from_files, Objective};
use crate::cli::{AssignArgs, ObjectiveArg};
use crate::model::Dataset;

use super::outputs::write_assignment_files;
use super::pipeline::run_stages;
use super::progress::Progress;
use super::{config_for, load_checked, Failure};
use crate::load::locks::{read_locks, Lock};
use crate::load::EncodingChoice;

/// `--locks FILE`, else `DATA/locks.csv` (or `.xlsx`, …) when it exists,
/// else none. Every problem of the file is listed in the error.
pub fn locks_for(
    data: &Path,
    explicit: Option<&Path>,
    ds: &Dataset,
    encoding: EncodingChoice,
) -> anyhow::Result<Vec<Lock>> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => crate::load::locate_optional(data, "locks")?,
    };
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    read_locks(&path, ds, encoding).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        anyhow::anyhow!(
            "{} problem(s) in {}; fix them and run again:\n{}",
            problems.len(),
            path.display(),
            list.join("\n")
        )
    })
}

pub fn run(args: &AssignArgs, quiet: bool) -> anyhow::Result<()> {
    let mut cfg = config_for(&args.data)?;
    if let Some(k) = args.reviewers_per_proposal {
        cfg.assign.reviewers_per_proposal = k;
    }
    if let Some(m) = args.max_load {
        cfg.assign.default_max_load = m;
    }
    if let Some(m) = args.min_load {
        cfg.assign.min_load = m;
    }
    if let Some(n) = args.alternates {
        cfg.assign.alternates = n;
    }
    super::run::objective(args.objective, &mut cfg);
    cfg.check().map_err(|m| anyhow::anyhow!("{m}"))?;
    match &args.scores {
        Some(scores) => standalone(args, scores, &cfg.assign, quiet),
        None => with_data(args, &cfg, quiet),
    }
}

fn with_data(args: &AssignArgs, cfg: &crate::config::Config, quiet: bool) -> anyhow::Result<()> {
    let mut progress = Progress::new(quiet);
    let (ds, v) = progress.stage("load and validate", || load_checked(&args.data, cfg, quiet))?;
    let locks = locks_for(
        &args.data.data,
        args.locks.as_deref(),
        &ds,
        super::encoding(args.data.encoding),
    )?;
    let res = run_stages(&ds, cfg, &locks, None, &mut progress)?;
    fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    match &res.solution {
        Ok(sol) => {
            write_assignment_files(&args.out, &res, sol, cfg.assign.alternates)?;
            if !quiet {
                print_outcome(sol, &args.out);
            }
            super::left_out(&v, "above")
        }
        Err(inf) => Err(Failure::Infeasible(inf.to_string()).into()),
    }
}

fn standalone(
    args: &AssignArgs,
    scores: &Path,
    cfg: &crate::config::AssignConfig,
    quiet: bool,
) -> anyhow::Result<()> {
    let problem = problem_from_files(
        scores,
        args.conflicts.as_deref(),
        cfg.reviewers_per_proposal,
        cfg.default_max_load,
        cfg.min_load,
    )?;
    let objective = match args.objective {
        Some(ObjectiveArg::Fair) => Objective::Fair,
        Some(ObjectiveArg::Total) => Objective::Total,
        None => cfg.objective,
    };
    let sol =
        assign::solve(&problem, objective).map_err(|inf| Failure::Infeasible(inf.to_string()))?;
    let out = &args.out;
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let open =
        |p: &Path| fs::File::create(p).with_context(|| format!("cannot create {}", p.display()));
    assign::write_assignment_csv(std::io::BufWriter::new(open(out)?), &problem, &sol, None)?;
    let alts = assign::alternates(&problem, &sol, cfg.alternates);
    assign::write_alternates_csv(
        std::io::BufWriter::new(open(&dir.join("alternates.csv"))?),
        &problem,
        &alts,
    )?;
    assign::write_loads_csv(
        std::io::BufWriter::new(open(&dir.join("loads.csv"))?),
        &problem,
        &sol,
    )?;
    if !quiet {
        print_outcome(&sol, out);
    }
    Ok(())
}

fn print_outcome(sol: &assign::Solution, out: &Path) {
    println!(
        "{} pairs, total score {:.3}, weakest proposal {:.3} → {}",
        sol.assigned.iter().map(Vec::len).sum::<usize>(),
        sol.total,
        sol.weakest,
        out.display()
    );
}
