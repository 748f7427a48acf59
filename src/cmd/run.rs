//! `rdmatch run`: every stage, into one atomic run folder.
//!
//! Order matters for unattended runs: check `--previous` and `latest`, take
//! the output root's lock (`--wait` or fail at once, exit 5), remove staging
//! folders of killed runs, reserve the run id, and only then do the work.
//! The folder is built under a temporary name and renamed into place only
//! when everything is written (see `report::run_folder`), so cron never
//! leaves half a report and never overwrites an earlier run. When no
//! assignment exists the run folder is still written — with the diagnosis in
//! the report — and the command exits with code 3.

use std::path::Path;

use chrono::Utc;

use crate::cli::{ObjectiveArg, RunArgs};
use crate::config::{Config, Objective};
use crate::load::{self, schema, ValidationReport};
use crate::model::Dataset;
use crate::report::{self, Manifest, RunFolder, RunLock};

use super::outputs::{self, write_stage_outputs};
use super::pipeline::run_stages;
use super::progress::Progress;
use super::{config_for, is_closed_stdout, Failure};

pub fn objective(arg: Option<ObjectiveArg>, cfg: &mut Config) {
    match arg {
        Some(ObjectiveArg::Total) => cfg.assign.objective = Objective::Total,
        Some(ObjectiveArg::Fair) => cfg.assign.objective = Objective::Fair,
        None => {}
    }
}

pub fn run(args: &RunArgs, quiet: bool) -> anyhow::Result<()> {
    let mut cfg = config_for(&args.data)?;
    objective(args.objective, &mut cfg);
    super::assign::apply_randomize(&args.randomize, &mut cfg)?;
    let modes = super::modes(&cfg)?;
    // A bad --previous fails before any work (it used to report "0 changes").
    if let Some(p) = &args.previous {
        report::check_previous(p)?;
    }
    report::files::create_dir_all(&args.out, modes)?;
    let asked = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let _lock = RunLock::acquire(&args.out, args.wait, &asked)?;
    // The run starts when it holds the lock, so run ids (from this time)
    // follow the order in which runs commit.
    let started = Utc::now();
    for stale in report::run_folder::remove_stale_staging(&args.out)? {
        if !quiet {
            eprintln!(
                "note: removed {}, left by a run that was killed",
                stale.display()
            );
        }
    }
    let previous = match &args.previous {
        Some(p) => Some(p.clone()),
        None => {
            let p = report::previous_run(&args.out);
            if p.is_none() && !quiet {
                eprintln!(
                    "note: {} holds no complete earlier run: this is the first run, so the report has no \"what changed\" section",
                    args.out.display()
                );
            }
            p
        }
    };
    let run_id = match &args.run_id {
        Some(id) => id.clone(),
        None => report::available_run_id(&args.out, started),
    };
    let folder = RunFolder::create_with(&args.out, &run_id, modes)?;
    let dir = folder.path().to_path_buf();

    let mut progress = Progress::new(quiet);
    let super::Inputs {
        ds,
        validation,
        locks,
        external,
    } = super::load_inputs(&args.data, &args.external, &cfg, quiet, &mut progress)?;
    let mut locks = locks;
    let mut conflicts = None;
    let edits = match &args.edits {
        Some(path) => {
            let set = conflicts.insert(super::pipeline::detect_conflicts(&ds, &cfg, &mut progress));
            let encoding = super::encoding(args.data.encoding);
            let applied = super::assign::edits_for(path, &ds, &cfg, set, encoding)?;
            locks.extend(applied.iter().map(|e| e.lock.clone()));
            Some(applied)
        }
        None => None,
    };
    let score_files = external
        .as_ref()
        .map(|e| e.records.clone())
        .unwrap_or_default();
    let stable_path = match (&args.previous_assignment, &previous) {
        _ if args.no_previous_assignment => None,
        (Some(p), _) => Some(p.clone()),
        (None, Some(prev)) if prev.join("assignment.csv").is_file() => Some(prev.clone()),
        _ => None,
    };
    let stable_from = stable_path
        .as_deref()
        .map(crate::assign::stability::read_previous)
        .transpose()?;
    let results = run_stages(
        &ds,
        &cfg,
        &locks,
        conflicts,
        external.map(|e| e.scores),
        stable_from,
        &mut progress,
    )?;

    let data = progress.stage("write outputs", || -> anyhow::Result<report::ReportData> {
        write_stage_outputs(&dir, &ds, &cfg, &results, &validation)?;
        if let Some(applied) = &edits {
            super::assign::write_edits_file(&dir, applied)?;
        }
        outputs::report_data(
            &dir,
            &ds,
            &cfg,
            &results,
            &validation,
            &run_id,
            &args.data.data,
            started,
            previous.as_deref(),
            edits.as_deref().unwrap_or_default(),
        )
    })?;
    progress.stage("report", || outputs::write_reports(&dir, &cfg, &data))?;
    // Test hook: fail after the outputs are written but before the commit,
    // to prove a failed run leaves no partial folder (tests/run.rs).
    if std::env::var_os("RDMATCH_TEST_FAIL_AFTER_OUTPUTS").is_some() {
        anyhow::bail!("failing on purpose (RDMATCH_TEST_FAIL_AFTER_OUTPUTS is set)");
    }
    // Test hook: hold the lock with the outputs staged, so tests can start a
    // second run or `kill -9` this one at that point (tests/run.rs).
    if let Some(ms) = std::env::var("RDMATCH_TEST_PAUSE_BEFORE_COMMIT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    let exit_status = match (&results.solution, validation.error_count()) {
        (Err(_), _) => 3,
        (Ok(_), 0) => 0,
        (Ok(_), _) => 4,
    };
    let manifest = Manifest {
        rdmatch_version: env!("CARGO_PKG_VERSION").to_string(),
        run_id: run_id.clone(),
        started: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        data_dir: args.data.data.display().to_string(),
        config_toml: cfg.to_toml(),
        inputs: input_files(&args.data.data, &validation)?,
        score_files,
        outputs: report::hash_outputs(&dir)?,
        stages: progress
            .timings()
            .iter()
            .map(|(name, seconds)| report::StageTiming {
                name: name.clone(),
                seconds: *seconds,
            })
            .collect(),
        warnings: validation.warning_count() + data.warnings.len(),
        exit_status,
    };
    super::write_file(&dir.join("manifest.json"), manifest.to_json()?.as_bytes())?;
    let final_path = folder.commit()?;
    if !quiet {
        // The run is committed; a closed stdout (`run | true`) must not turn
        // its outcome (0 or 3) into another exit code.
        if let Err(e) = print_summary(&ds, &data, &final_path) {
            let e = anyhow::Error::from(e);
            if !is_closed_stdout(&e) {
                return Err(e);
            }
        }
    }
    if let Err(inf) = &results.solution {
        return Err(Failure::Infeasible(format!(
            "{inf}\n(the report is in {})",
            final_path.display()
        ))
        .into());
    }
    super::left_out(
        &validation,
        &format!("in {}", final_path.join("validation.txt").display()),
    )
}

fn print_summary(
    ds: &Dataset,
    data: &report::ReportData,
    dir: &Path,
) -> Result<(), super::StdoutError> {
    let h = &data.headline;
    outln!(
        "{} proposals, {} advisers, {} researchers; {} pairs assigned, total score {:.3}, weakest proposal {:.3}; coverage {:.1}%; {} conflicted pairs excluded",
        ds.proposals.len(),
        ds.advisers.len(),
        ds.researchers.len(),
        h.assigned_pairs,
        h.total_score,
        h.weakest_proposal_total,
        100.0 * h.coverage_ratio,
        h.conflicts_excluded
    )?;
    if let Some(r) = &h.randomized {
        outln!("{}", r.line)?;
    }
    outln!("report: {}", dir.join("report.html").display())
}

/// SHA-256 and accepted rows of every input file, for the manifest.
fn input_files(data: &Path, v: &ValidationReport) -> anyhow::Result<Vec<report::InputFile>> {
    let mut out = Vec::new();
    let stems = schema::ALL.iter().map(|s| s.stem()).chain(["locks"]);
    for stem in stems {
        let Some(path) = load::locate_optional(data, stem)? else {
            continue;
        };
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let count = v.files.iter().find(|f| f.file == file);
        out.push(report::InputFile {
            sha256: report::sha256_file(&path)?,
            rows: count.map_or(0, |f| f.read),
            read_as: count.map(|f| f.format.clone()).unwrap_or_default(),
            file,
        });
    }
    let toml = data.join("rdmatch.toml");
    if toml.is_file() {
        out.push(report::InputFile {
            file: "rdmatch.toml".into(),
            sha256: report::sha256_file(&toml)?,
            rows: 0,
            read_as: String::new(),
        });
    }
    Ok(out)
}
