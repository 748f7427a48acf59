//! What a run writes: stage CSVs, charts and the report formats. The
//! report's data itself is built in [`crate::report::build`].

use std::ffi::OsString;
use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::assign::{self, ExtraColumns};
use crate::config::Config;
use crate::coverage;
use crate::load::ValidationReport;
use crate::model::Dataset;
use crate::network;
use crate::report::{self, ReportData};
use crate::score::{write_scores_csv, PairScore};

use super::pipeline::Results;

fn create(path: &Path) -> anyhow::Result<BufWriter<fs::File>> {
    Ok(BufWriter::new(fs::File::create(path).with_context(
        || format!("cannot create {}", path.display()),
    )?))
}

/// `--out FILE` as (folder, file name): the folder the file is staged in and
/// the name it gets.
pub fn split_file_out(out: &Path) -> anyhow::Result<(PathBuf, OsString)> {
    let name = out
        .file_name()
        .with_context(|| format!("--out {} does not name a file", out.display()))?;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok((dir.to_path_buf(), name.to_os_string()))
}

/// The score details of an eligible pair, if the scorer kept it.
pub fn pair(res: &Results, p: usize, a: usize) -> Option<&PairScore> {
    res.matrix
        .per_proposal
        .get(p)?
        .iter()
        .find(|s| s.adviser == a)
}

/// Writes every stage's CSV/JSON output into `dir`.
pub fn write_stage_outputs(
    dir: &Path,
    ds: &Dataset,
    cfg: &Config,
    res: &Results,
    v: &ValidationReport,
) -> anyhow::Result<()> {
    super::write_file(&dir.join("validation.txt"), v.render_full().as_bytes())?;
    let path = dir.join("scores.csv");
    write_scores_csv(ds, &res.matrix, create(&path)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let path = dir.join("conflicts.csv");
    res.conflicts
        .write_csv(ds, create(&path)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let path = dir.join("two_hop.csv");
    res.conflicts
        .write_two_hop_summary(ds, create(&path)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if let Ok(sol) = &res.solution {
        write_assignment_files(dir, res, sol, cfg.assign.alternates)?;
    }
    super::assign::write_solver_files(dir, res, cfg, super::assign::settings_json(cfg))?;
    let areas_of = network::mixing::researcher_areas(ds);
    let export = network::export_graph(&res.network, ds, &res.graph, &areas_of, None);
    network::write_outputs(&res.network, ds, &export, dir)?;
    coverage::write_outputs(&res.coverage, dir)?;
    Ok(())
}

/// assignment.csv (with score components and top terms), alternates.csv, loads.csv.
pub fn write_assignment_files(
    dir: &Path,
    res: &Results,
    sol: &assign::Solution,
    alternates: usize,
) -> anyhow::Result<()> {
    let cells = |p: usize, a: usize| -> Vec<String> {
        match pair(res, p, a) {
            Some(s) => vec![
                crate::table::num(s.text),
                crate::table::num(s.keywords),
                crate::table::num(s.area),
                s.top_terms.join(";"),
                res.conflicts.flags(p, a),
            ],
            None => vec![
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                res.conflicts.flags(p, a),
            ],
        }
    };
    let extra = ExtraColumns {
        header: ["text", "keywords", "area", "top_terms", "flags"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        cells: &cells,
    };
    let path = dir.join("assignment.csv");
    assign::write_assignment_csv(create(&path)?, &res.problem, sol, Some(&extra))
        .with_context(|| format!("cannot write {}", path.display()))?;
    let alts = assign::alternates(&res.problem, sol, alternates);
    let path = dir.join("alternates.csv");
    assign::write_alternates_csv(create(&path)?, &res.problem, &alts)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let path = dir.join("loads.csv");
    assign::write_loads_csv(create(&path)?, &res.problem, sol)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// report.html, report.md, summary.json, assignment.xlsx and charts/.
pub fn write_reports(dir: &Path, cfg: &Config, data: &ReportData) -> anyhow::Result<()> {
    use super::write_file;
    let charts_dir = dir.join("charts");
    fs::create_dir_all(&charts_dir)
        .with_context(|| format!("cannot create {}", charts_dir.display()))?;
    for c in &data.charts {
        write_file(
            &charts_dir.join(format!("{}.svg", c.name)),
            c.svg.as_bytes(),
        )?;
        write_file(&charts_dir.join(format!("{}.png", c.name)), &c.png)?;
    }
    let html = report::html::render(data, &cfg.report);
    write_file(&dir.join("report.html"), html.as_bytes())?;
    let md = report::markdown::render(data, &cfg.report);
    write_file(&dir.join("report.md"), md.as_bytes())?;
    write_file(
        &dir.join("summary.json"),
        report::summary::render(data)?.as_bytes(),
    )?;
    write_file(&dir.join("assignment.xlsx"), &report::xlsx::render(data)?)?;
    Ok(())
}

/// The report's data, built in [`report::build`] from the stage outputs; the
/// comparison with the previous run reads both run folders' CSVs.
#[allow(clippy::too_many_arguments)]
pub fn report_data(
    dir: &Path,
    ds: &Dataset,
    cfg: &Config,
    res: &Results,
    v: &ValidationReport,
    run_id: &str,
    data_dir: &Path,
    started: DateTime<Utc>,
    previous: Option<&Path>,
    edits: &[crate::assign::edits::AppliedEdit],
) -> anyhow::Result<ReportData> {
    let stages = report::Stages {
        ds,
        cfg,
        matrix: &res.matrix,
        conflicts: &res.conflicts,
        problem: &res.problem,
        solution: res.solution.as_ref(),
        network: &res.network,
        graph: &res.graph,
        coverage: &res.coverage,
        validation: v,
        edits,
    };
    let changes = previous.map(|prev| {
        report::compare(
            &report::read_run_outputs(prev),
            &report::read_run_outputs(dir),
        )
    });
    let run = report::RunInfo {
        run_id: run_id.to_string(),
        rdmatch_version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: data_dir.display().to_string(),
        config_toml: cfg.to_toml(),
        started: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    Ok(report::build(&stages, run, changes)?)
}
