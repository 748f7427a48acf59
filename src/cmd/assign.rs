//! `rdmatch assign`: the exact assignment, from a data folder (every stage
//! computed) or standalone from a scores file.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::assign::{self, problem_from_files_with_locks, Objective};
use crate::cli::{AssignArgs, ObjectiveArg, RandomizeArgs};
use crate::model::Dataset;

use super::outputs::{split_file_out, write_assignment_files};
use super::pipeline::{run_stages, Results};
use super::progress::Progress;
use super::{config_for, input_files, load_checked, modes, Failure};
use crate::config::Config;
use crate::load::locks::{read_locks, Lock, LockKind};
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

/// Reads and checks a PO's edits (`--edits FILE`); every problem is listed
/// in the error, by sheet and row. `conflicts` is the set the solve will
/// use, so a conflicting keep or add is rejected with its evidence before
/// anything is solved.
pub fn edits_for(
    path: &Path,
    ds: &Dataset,
    cfg: &Config,
    conflicts: &crate::conflicts::ConflictSet,
    encoding: EncodingChoice,
) -> anyhow::Result<Vec<assign::edits::AppliedEdit>> {
    let fail = |problems: Vec<assign::edits::EditProblem>| {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        anyhow::anyhow!(
            "{} problem(s) in the edits of {}; fix them and run again:\n{}",
            problems.len(),
            path.display(),
            list.join("\n")
        )
    };
    let rows = assign::edits::read_edits(path, encoding).map_err(fail)?;
    let demand = super::pipeline::demand(ds, cfg);
    let rules = assign::edits::EditRules {
        ds,
        conflicts,
        demand: &demand,
        restrict_to_areas: cfg.assign.restrict_to_areas,
        one_per_institution: cfg.assign.one_per_institution,
    };
    let (applied, problems) = assign::edits::check_edits(&rows, &rules);
    if problems.is_empty() {
        Ok(applied)
    } else {
        Err(fail(problems))
    }
}

/// edits.csv: each edit read back and the lock it became.
pub fn write_edits_file(dir: &Path, applied: &[assign::edits::AppliedEdit]) -> anyhow::Result<()> {
    let path = dir.join("edits.csv");
    let f = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    assign::edits::write_edits_csv(std::io::BufWriter::new(f), applied)
        .with_context(|| format!("cannot write {}", path.display()))
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
    apply_randomize(&args.randomize, &mut cfg)?;
    match &args.scores {
        Some(scores) => standalone(args, scores, &cfg, quiet),
        None => with_data(args, &cfg, quiet),
    }
}

/// `--randomize`, `--max-probability`, `--seed` over `[assign]`; then
/// checks the whole config (so a bad cap is an error before any work).
pub fn apply_randomize(args: &RandomizeArgs, cfg: &mut Config) -> anyhow::Result<()> {
    if args.randomize {
        cfg.assign.randomize = true;
    }
    if let Some(q) = args.max_probability {
        cfg.assign.max_probability = q;
    }
    if let Some(s) = args.seed {
        cfg.assign.seed = Some(s);
    }
    cfg.check().map_err(|m| anyhow::anyhow!("{m}"))
}

/// The randomised draw the config asks for, if any.
pub fn randomize_spec(cfg: &Config) -> Option<assign::randomize::Spec> {
    cfg.assign.randomize.then(|| assign::randomize::Spec {
        max_probability: cfg.assign.max_probability,
        seed: cfg.assign.seed.unwrap_or(cfg.seed),
    })
}

/// probabilities.csv for a randomised solution (nothing otherwise).
fn write_probabilities(
    dir: &Path,
    problem: &assign::Problem,
    sol: &assign::Solution,
) -> anyhow::Result<()> {
    let Some(r) = &sol.stats.randomized else {
        return Ok(());
    };
    let path = dir.join("probabilities.csv");
    let f = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    assign::randomize::write_probabilities_csv(std::io::BufWriter::new(f), problem, r)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `--max-load L` gives every adviser max load L, overriding advisers.csv
/// (the command line wins over files, as for every flag); without it,
/// advisers.csv `max_load` holds, blank cells taking `[assign]
/// default_max_load`. Returns what was in force, for solver.json, and says
/// it on stderr.
fn apply_max_load(
    ds: &mut Dataset,
    flag: Option<u32>,
    cfg: &Config,
    quiet: bool,
) -> serde_json::Value {
    let note = match flag {
        Some(m) => {
            let differed = ds.advisers.iter().filter(|a| a.max_load != m).count();
            for a in &mut ds.advisers {
                a.max_load = m;
            }
            format!(
                "max load {m} for every adviser (--max-load overrides advisers.csv; {differed} advisers had another value there)"
            )
        }
        None => {
            let lo = ds.advisers.iter().map(|a| a.max_load).min().unwrap_or(0);
            let hi = ds.advisers.iter().map(|a| a.max_load).max().unwrap_or(0);
            format!(
                "max load from advisers.csv ({lo}–{hi}; blank cells take default_max_load = {})",
                cfg.assign.default_max_load
            )
        }
    };
    if !quiet {
        eprintln!("note: {note}; min load {} (hard)", cfg.assign.min_load);
    }
    serde_json::json!({
        "max_load": note,
        "max_load_flag": flag,
        "default_max_load": cfg.assign.default_max_load,
        "min_load": cfg.assign.min_load,
        "reviewers_per_proposal": cfg.assign.reviewers_per_proposal,
        "candidates_per_proposal": cfg.assign.candidates_per_proposal,
        "min_non_academic": cfg.assign.min_non_academic,
        "one_per_institution": cfg.assign.one_per_institution,
    })
}

/// What the run settings were, when no flag changed them (`rdmatch run`).
pub fn settings_json(cfg: &Config) -> serde_json::Value {
    serde_json::json!({
        "max_load": format!(
            "max load from advisers.csv (blank cells take default_max_load = {})",
            cfg.assign.default_max_load
        ),
        "default_max_load": cfg.assign.default_max_load,
        "min_load": cfg.assign.min_load,
        "reviewers_per_proposal": cfg.assign.reviewers_per_proposal,
        "candidates_per_proposal": cfg.assign.candidates_per_proposal,
        "min_non_academic": cfg.assign.min_non_academic,
        "one_per_institution": cfg.assign.one_per_institution,
    })
}

/// shortfall.csv and solver.json, and for an infeasible call the best
/// partial assignment's assignment files and diagnosis.txt. Written by
/// `assign --data` and `run`.
pub fn write_solver_files(
    dir: &Path,
    res: &Results,
    cfg: &Config,
    settings: serde_json::Value,
) -> anyhow::Result<()> {
    if let Err(inf) = &res.solution {
        if let Some(part) = &inf.partial {
            write_assignment_files(dir, res, &part.solution, cfg.assign.alternates)?;
        }
        super::write_file(&dir.join("diagnosis.txt"), inf.to_string().as_bytes())?;
    }
    if let Ok(sol) = &res.solution {
        let none = assign::stability::Previous::default();
        let (prev, given) = match &res.previous {
            Some(p) => (p, true),
            None => (&none, false),
        };
        let why = |pp: usize, a: usize| -> String {
            let r = res.conflicts.reasons(pp, a);
            if r.is_empty() {
                "outside the proposal's area or a must-not lock".to_string()
            } else {
                let r: Vec<String> = r.iter().map(|x| x.to_string()).collect();
                format!("conflict of interest ({})", r.join("; "))
            }
        };
        let changes = if given {
            assign::stability::changes(&res.problem, sol, prev, &why)
        } else {
            Vec::new()
        };
        let path = dir.join("assignment_changes.csv");
        let f = std::fs::File::create(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        assign::stability::write_changes_csv(std::io::BufWriter::new(f), &changes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    write_shortfall_and_json(
        dir,
        &res.problem,
        cfg.assign.objective,
        &res.solution,
        settings,
    )
}

/// resilience.csv for a complete assignment.
fn write_resilience(
    dir: &Path,
    problem: &assign::Problem,
    sol: &assign::Solution,
) -> anyhow::Result<()> {
    let path = dir.join("resilience.csv");
    let f = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    let rows = assign::resilience::resilience(problem, sol);
    assign::resilience::write_resilience_csv(std::io::BufWriter::new(f), problem, &rows)
        .with_context(|| format!("cannot write {}", path.display()))
}

fn write_shortfall_and_json(
    dir: &Path,
    problem: &assign::Problem,
    objective: Objective,
    result: &Result<assign::Solution, assign::Infeasible>,
    settings: serde_json::Value,
) -> anyhow::Result<()> {
    if let Ok(sol) = result {
        write_resilience(dir, problem, sol)?;
        write_probabilities(dir, problem, sol)?;
    }
    let path = dir.join("shortfall.csv");
    let f = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    assign::write_shortfall_csv(std::io::BufWriter::new(f), problem, result)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let json = assign::solver_json(problem, objective, result, settings);
    let text = serde_json::to_string_pretty(&json)? + "\n";
    super::write_file(&dir.join("solver.json"), text.as_bytes())
}

fn with_data(args: &AssignArgs, cfg: &Config, quiet: bool) -> anyhow::Result<()> {
    let mut progress = Progress::new(quiet);
    let (mut ds, v) =
        progress.stage("load and validate", || load_checked(&args.data, cfg, quiet))?;
    let settings = apply_max_load(&mut ds, args.max_load, cfg, quiet);
    let locks = locks_for(
        &args.data.data,
        args.locks.as_deref(),
        &ds,
        super::encoding(args.data.encoding),
    )?;
    let mut locks = locks;
    let mut conflicts = None;
    let edits = match &args.edits {
        Some(path) => {
            let set = conflicts.insert(super::pipeline::detect_conflicts(&ds, cfg, &mut progress));
            let applied = edits_for(path, &ds, cfg, set, super::encoding(args.data.encoding))?;
            if !quiet {
                eprintln!(
                    "note: {} edit(s) read back from {} ({} must, {} must-not)",
                    applied.len(),
                    path.display(),
                    applied
                        .iter()
                        .filter(|e| e.lock.kind == LockKind::Must)
                        .count(),
                    applied
                        .iter()
                        .filter(|e| e.lock.kind == LockKind::MustNot)
                        .count(),
                );
            }
            locks.extend(applied.iter().map(|e| e.lock.clone()));
            Some(applied)
        }
        None => None,
    };
    let ext = super::embed::add_embedding(None, &ds, cfg, &args.data.data, quiet, &mut progress)?;
    let previous = args
        .previous_assignment
        .as_deref()
        .map(assign::stability::read_previous)
        .transpose()?;
    let res = run_stages(
        &ds,
        cfg,
        &locks,
        conflicts,
        ext.map(|e| e.scores),
        previous,
        &mut progress,
    )?;
    let staged = StagedOutput::new(&args.out, modes(cfg)?)?;
    if let Ok(sol) = &res.solution {
        write_assignment_files(staged.path(), &res, sol, cfg.assign.alternates)?;
    }
    write_solver_files(staged.path(), &res, cfg, settings)?;
    if let Some(applied) = &edits {
        write_edits_file(staged.path(), applied)?;
    }
    let mut extra: Vec<PathBuf> = args.locks.iter().cloned().collect();
    extra.extend(args.edits.iter().cloned());
    staged.commit(&Clobber {
        inputs: input_files(&args.data, &extra),
        folder_named: true,
        force: args.force,
        ..Clobber::default()
    })?;
    match &res.solution {
        Ok(sol) => {
            if !quiet {
                print_outcome(sol, &args.out)?;
                print_notes(sol)?;
            }
            super::left_out(&v, "above")
        }
        Err(inf) => Err(Failure::Infeasible(format!(
            "{inf}(the partial assignment, shortfall.csv and diagnosis.txt are in {})",
            args.out.display()
        ))
        .into()),
    }
}

fn standalone(args: &AssignArgs, scores: &Path, cfg: &Config, quiet: bool) -> anyhow::Result<()> {
    // Rules on adviser attributes cannot be kept without the attributes.
    if !cfg.panel.rules.is_empty() {
        anyhow::bail!(
            "[[panel.rules]] need the data form (assign --data DIR): a --scores file carries no adviser attributes; use --data or remove the rules from the config"
        );
    }
    let out = &args.out;
    let (dir, name) = split_file_out(out)?;
    // alternates.csv and loads.csv go beside --out: the user did not name
    // them, so an existing one is replaced only with --force.
    let mut inputs = vec![scores.to_path_buf()];
    inputs.extend(args.conflicts.iter().cloned());
    inputs.extend(args.locks.iter().cloned());
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
        dir.join("shortfall.csv"),
        dir.join("solver.json"),
        dir.join("resilience.csv"),
        dir.join("probabilities.csv"),
    ] {
        rules.check(&f)?;
    }
    let a = &cfg.assign;
    let (problem, warnings) = problem_from_files_with_locks(
        scores,
        args.conflicts.as_deref(),
        args.locks.as_deref(),
        a.reviewers_per_proposal,
        a.default_max_load,
        a.min_load,
    )?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let note = format!(
        "max load {} for every researcher ({}); min load {} (hard)",
        a.default_max_load,
        if args.max_load.is_some() {
            "--max-load"
        } else {
            "[assign] default_max_load"
        },
        a.min_load
    );
    if !quiet {
        eprintln!("note: {note}");
    }
    let settings = serde_json::json!({
        "max_load": note,
        "max_load_flag": args.max_load,
        "default_max_load": a.default_max_load,
        "min_load": a.min_load,
        "reviewers_per_proposal": a.reviewers_per_proposal,
        "locks": args.locks.as_ref().map(|p| p.display().to_string()),
        "conflicts": args.conflicts.as_ref().map(|p| p.display().to_string()),
    });
    let objective = match args.objective {
        Some(ObjectiveArg::Fair) => Objective::Fair,
        Some(ObjectiveArg::Total) => Objective::Total,
        None => a.objective,
    };
    let mut problem = problem;
    let result = match (assign::solve(&problem, objective), randomize_spec(cfg)) {
        (Ok(det), Some(spec)) => Ok(assign::randomize::randomize(
            &mut problem,
            &det,
            &spec,
            None,
        )?),
        (r, _) => r,
    };
    let staged = StagedOutput::new(&dir, modes(cfg)?)?;
    let open = |p: &Path| {
        std::fs::File::create(p)
            .map(std::io::BufWriter::new)
            .with_context(|| format!("cannot create {}", p.display()))
    };
    let ctx = |n: &str| format!("cannot write {}", dir.join(n).display());
    let sol = match &result {
        Ok(s) => Some(s),
        Err(inf) => inf.partial.as_ref().map(|x| &x.solution),
    };
    if let Some(sol) = sol {
        let main = staged.path().join(&name);
        assign::write_assignment_csv(open(&main)?, &problem, sol, None)
            .with_context(|| format!("cannot write {}", out.display()))?;
        let alts = assign::alternates(&problem, sol, a.alternates);
        assign::write_alternates_csv(
            open(&staged.path().join("alternates.csv"))?,
            &problem,
            &alts,
        )
        .with_context(|| ctx("alternates.csv"))?;
        assign::write_loads_csv(open(&staged.path().join("loads.csv"))?, &problem, sol)
            .with_context(|| ctx("loads.csv"))?;
    }
    write_shortfall_and_json(staged.path(), &problem, objective, &result, settings)?;
    staged.commit(&rules)?;
    match &result {
        Ok(sol) => {
            if !quiet {
                print_outcome(sol, out)?;
                print_notes(sol)?;
            }
            Ok(())
        }
        Err(inf) => Err(Failure::Infeasible(format!(
            "{inf}(the partial assignment is in {}, every short proposal in {})",
            out.display(),
            dir.join("shortfall.csv").display()
        ))
        .into()),
    }
}

/// Quota shortfall and the candidate cut, one line each.
fn print_notes(sol: &assign::Solution) -> Result<(), super::StdoutError> {
    let q = &sol.stats.quota_short;
    if !q.is_empty() {
        outln!(
            "non-academic quota met on all but {} proposals (the pool's places allow no more; listed in shortfall.csv)",
            q.len()
        )?;
    }
    if sol.stats.cut.cut {
        outln!("candidate cut: {}", sol.stats.cut.describe())?;
    }
    if let Some(r) = &sol.stats.randomized {
        outln!("{}", r.describe())?;
    }
    if let Some(st) = &sol.stats.panel {
        outln!("{}", st.describe())?;
    }
    if let (Some(b), Some(exact)) = (sol.stats.fair_bound, sol.stats.fair_exact) {
        outln!(
            "fair objective: weakest {:.6}, upper bound {:.6}, gap {:.6}{}",
            sol.weakest,
            b,
            (b - sol.weakest).max(0.0),
            if exact { " (proven optimal)" } else { "" }
        )?;
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
