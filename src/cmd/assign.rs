//! `rdmatch assign`: the exact assignment, from a data folder (every stage
//! computed) or standalone from a scores file.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::assign::{self, io::problem_from_files, Objective};
use crate::cli::{AssignArgs, ObjectiveArg};
use crate::model::Dataset;

use super::outputs::{split_file_out, write_assignment_files};
use super::pipeline::run_stages;
use super::progress::Progress;
use super::{config_for, input_files, load_checked, modes, Failure};
use crate::config::Config;
use crate::load::locks::{read_locks, Lock};
use crate::load::EncodingChoice;
use crate::report::{Clobber, StagedOutput};

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
        Some(scores) => standalone(args, scores, &cfg, quiet),
        None => with_data(args, &cfg, quiet),
    }
}

fn with_data(args: &AssignArgs, cfg: &Config, quiet: bool) -> anyhow::Result<()> {
    let mut progress = Progress::new(quiet);
    let (ds, v) = progress.stage("load and validate", || load_checked(&args.data, cfg, quiet))?;
    let locks = locks_for(
        &args.data.data,
        args.locks.as_deref(),
        &ds,
        super::encoding(args.data.encoding),
    )?;
    let ext = super::embed::add_embedding(None, &ds, cfg, &args.data.data, quiet, &mut progress)?;
    let res = run_stages(&ds, cfg, &locks, ext.map(|e| e.scores), &mut progress)?;
    match &res.solution {
        Ok(sol) => {
            let staged = StagedOutput::new(&args.out, modes(cfg)?)?;
            write_assignment_files(staged.path(), &res, sol, cfg.assign.alternates)?;
            let extra: Vec<PathBuf> = args.locks.iter().cloned().collect();
            staged.commit(&Clobber {
                inputs: input_files(&args.data, &extra),
                folder_named: true,
                force: args.force,
                ..Clobber::default()
            })?;
            if !quiet {
                print_outcome(sol, &args.out)?;
            }
            super::left_out(&v, "above")
        }
        Err(inf) => Err(Failure::Infeasible(inf.to_string()).into()),
    }
}

fn standalone(args: &AssignArgs, scores: &Path, cfg: &Config, quiet: bool) -> anyhow::Result<()> {
    let out = &args.out;
    let (dir, name) = split_file_out(out)?;
    // alternates.csv and loads.csv go beside --out: the user did not name
    // them, so an existing one is replaced only with --force.
    let mut inputs = vec![scores.to_path_buf()];
    inputs.extend(args.conflicts.iter().cloned());
    let rules = Clobber {
        inputs,
        named: vec![out.clone()],
        force: args.force,
        ..Clobber::default()
    };
    for f in [
        out.clone(),
        dir.join("alternates.csv"),
        dir.join("loads.csv"),
    ] {
        rules.check(&f)?;
    }
    let a = &cfg.assign;
    let problem = problem_from_files(
        scores,
        args.conflicts.as_deref(),
        a.reviewers_per_proposal,
        a.default_max_load,
        a.min_load,
    )?;
    let objective = match args.objective {
        Some(ObjectiveArg::Fair) => Objective::Fair,
        Some(ObjectiveArg::Total) => Objective::Total,
        None => a.objective,
    };
    let sol =
        assign::solve(&problem, objective).map_err(|inf| Failure::Infeasible(inf.to_string()))?;
    let staged = StagedOutput::new(&dir, modes(cfg)?)?;
    let open = |p: &Path| {
        std::fs::File::create(p)
            .map(std::io::BufWriter::new)
            .with_context(|| format!("cannot create {}", p.display()))
    };
    let ctx = |n: &str| format!("cannot write {}", dir.join(n).display());
    let main = staged.path().join(&name);
    assign::write_assignment_csv(open(&main)?, &problem, &sol, None)
        .with_context(|| format!("cannot write {}", out.display()))?;
    let alts = assign::alternates(&problem, &sol, a.alternates);
    assign::write_alternates_csv(
        open(&staged.path().join("alternates.csv"))?,
        &problem,
        &alts,
    )
    .with_context(|| ctx("alternates.csv"))?;
    assign::write_loads_csv(open(&staged.path().join("loads.csv"))?, &problem, &sol)
        .with_context(|| ctx("loads.csv"))?;
    staged.commit(&rules)?;
    if !quiet {
        print_outcome(&sol, out)?;
    }
    Ok(())
}

fn print_outcome(sol: &assign::Solution, out: &Path) -> Result<(), super::StdoutError> {
    outln!(
        "{} pairs, total score {:.3}, weakest proposal {:.3} → {}",
        sol.assigned.iter().map(Vec::len).sum::<usize>(),
        sol.total,
        sol.weakest,
        out.display()
    )
}
