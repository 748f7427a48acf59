//! What a run writes: stage CSVs, charts, and the report formats, plus the
//! adapter that turns stage outputs into the report's plain data.

use std::ffi::OsString;
use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::assign::{self, ExtraColumns};
use crate::charts::{self, Chart, NetworkNode, SectorMixRow};
use crate::config::{Config, Objective};
use crate::coverage;
use crate::load::ValidationReport;
use crate::model::{Dataset, Sector};
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
            ],
            None => vec![String::new(); 4],
        }
    };
    let extra = ExtraColumns {
        header: ["text", "keywords", "area", "top_terms"]
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

fn sector_ix(s: Sector) -> usize {
    Sector::ALL.iter().position(|&x| x == s).unwrap_or(0)
}

/// Draws every chart from the stage outputs.
pub fn charts(ds: &Dataset, cfg: &Config, res: &Results) -> anyhow::Result<Vec<Chart>> {
    let mut out = Vec::new();
    let sol = res.solution.as_ref().ok();
    let eligible: Vec<f64> = res
        .matrix
        .per_proposal
        .iter()
        .flatten()
        .map(|s| s.score)
        .collect();
    let assigned: Vec<f64> = sol
        .map(|s| {
            s.assigned
                .iter()
                .enumerate()
                .flat_map(|(p, l)| l.iter().map(move |&a| (p, a)))
                .filter_map(|(p, a)| res.problem.score_of(p, a))
                .collect()
        })
        .unwrap_or_default();
    out.push(charts::score_distribution(
        "Scores: assigned pairs vs all eligible pairs",
        &assigned,
        &eligible,
    )?);
    let loads: Vec<usize> = sol
        .map(|s| s.loads.iter().map(|&l| l as usize).collect())
        .unwrap_or_default();
    // u32 → usize widens on every supported target.
    let max_load = ds.advisers.iter().map(|a| a.max_load as usize).max();
    out.push(charts::adviser_load(
        "Adviser load (proposals assigned)",
        &loads,
        max_load,
    )?);
    let cov: Vec<(String, f64)> = res
        .coverage
        .areas
        .iter()
        .map(|a| (format!("{} {}", a.area_id, a.name), a.coverage_ratio))
        .collect();
    out.push(charts::coverage_by_area("Coverage ratio by area", &cov)?);
    let mut mix: Vec<SectorMixRow> = ds
        .areas
        .iter()
        .map(|a| SectorMixRow {
            area: a.id.clone(),
            applicants: [0; 5],
            advisers: [0; 5],
        })
        .collect();
    for (ai, row) in mix.iter_mut().enumerate() {
        let mut seen = std::collections::HashSet::new();
        for p in ds.proposals.iter().filter(|p| p.area == ai) {
            for m in &p.members {
                if seen.insert(m.researcher) {
                    row.applicants[sector_ix(ds.sector_of(m.researcher))] += 1;
                }
            }
        }
        for adv in ds.advisers.iter().filter(|a| a.areas.contains(&ai)) {
            row.advisers[sector_ix(ds.sector_of(adv.researcher))] += 1;
        }
    }
    out.push(charts::sector_mix(
        "Sector mix of applicants and advisers by area",
        &mix,
    )?);
    let labels: Vec<String> = ds
        .areas
        .iter()
        .map(|a| format!("{} {}", a.id, a.name))
        .collect();
    let columns: Vec<String> = ds.areas.iter().map(|a| a.id.clone()).collect();
    out.push(charts::collaboration_heatmap_named(
        "Collaboration between areas (edges)",
        &labels,
        &columns,
        &res.network.area_matrix,
    )?);
    let degrees: Vec<usize> = res
        .network
        .node_degree
        .iter()
        .map(|&d| d as usize)
        .collect();
    out.push(charts::degree_distribution(
        "Degree distribution (log–log)",
        &degrees,
    )?);
    // Largest component, its best-connected nodes first.
    let mut nodes: Vec<usize> = (0..ds.researchers.len())
        .filter(|&r| res.network.node_in_largest[r])
        .collect();
    nodes.sort_by(|&x, &y| {
        res.network.node_degree[y]
            .cmp(&res.network.node_degree[x])
            .then(ds.researchers[x].id.cmp(&ds.researchers[y].id))
    });
    nodes.truncate(cfg.report.network_chart_max_nodes);
    let mut pos = vec![usize::MAX; ds.researchers.len()];
    for (i, &r) in nodes.iter().enumerate() {
        pos[r] = i;
    }
    let chart_nodes: Vec<NetworkNode> = nodes
        .iter()
        .map(|&r| NetworkNode {
            id: ds.researchers[r].id.clone(),
            community: res.network.node_community[r],
        })
        .collect();
    let edges: Vec<(usize, usize)> = res
        .graph
        .edge_pairs()
        .into_iter()
        .filter(|&(u, v)| pos[u] != usize::MAX && pos[v] != usize::MAX)
        .map(|(u, v)| (pos[u], pos[v]))
        .collect();
    let community_labels: Vec<String> = res
        .network
        .communities
        .iter()
        .map(|c| c.label.clone())
        .collect();
    out.push(charts::network_chart(
        "Collaboration network: largest component by community",
        &chart_nodes,
        &edges,
        cfg.report.network_chart_max_nodes,
        cfg.seed,
        &community_labels,
    )?);
    let years: Vec<charts::YearPoint> = res
        .network
        .years
        .iter()
        .map(|y| charts::YearPoint {
            year: y.year,
            ties: y.ties,
            cross_institution_share: y.cross_institution_share,
            cross_sector_share: y.cross_sector_share,
        })
        .collect();
    out.push(charts::collaboration_by_year(
        "Collaboration by publication year",
        &years,
    )?);
    let mut per: Vec<(String, f64)> = match sol {
        Some(s) => s
            .assigned
            .iter()
            .enumerate()
            .map(|(p, l)| {
                (
                    ds.proposals[p].id.clone(),
                    l.iter().filter_map(|&a| res.problem.score_of(p, a)).sum(),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    per.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    out.push(charts::proposal_expertise(
        "Assigned expertise per proposal, weakest first",
        "sum of assigned scores",
        &per,
    )?);
    Ok(out)
}

/// Fills the report's plain data from the stage outputs.
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
) -> anyhow::Result<ReportData> {
    let sol = res.solution.as_ref().ok();
    let mut warnings: Vec<String> = Vec::new();
    for q in &res.coverage.summary.under_covered_areas {
        warnings.push(format!(
            "area {q} is under-covered: fewer than K eligible experts for some proposals"
        ));
    }
    let conflict_warnings = res.conflicts.rows().filter(|r| !r.excluded).count();
    if conflict_warnings > 0 {
        warnings.push(format!("{conflict_warnings} adviser–proposal pairs are two hops apart in the co-authorship graph (flagged, not excluded; see conflicts.csv)"));
    }
    let headline = report::Headline {
        proposals: ds.proposals.len(),
        advisers: ds.advisers.len(),
        researchers: ds.researchers.len(),
        assigned_pairs: sol.map_or(0, |s| s.assigned.iter().map(Vec::len).sum()),
        total_score: sol.map_or(0.0, |s| s.total),
        weakest_proposal_total: sol.map_or(0.0, |s| s.weakest),
        objective: match cfg.assign.objective {
            Objective::Total => "total".into(),
            Objective::Fair => "fair".into(),
        },
        coverage_ratio: res.coverage.summary.coverage_ratio,
        conflicts_excluded: res.conflicts.rows().filter(|r| r.excluded).count(),
        warnings: v.warning_count() + warnings.len(),
    };
    let inst_name = |r: usize| ds.institutions[ds.researchers[r].institution].name.clone();
    let mut areas: Vec<report::AreaAssignment> = Vec::new();
    let mut area_order: Vec<usize> = (0..ds.areas.len()).collect();
    area_order.sort_by(|&a, &b| ds.areas[a].id.cmp(&ds.areas[b].id));
    for ai in area_order {
        let mut props: Vec<usize> = (0..ds.proposals.len())
            .filter(|&p| ds.proposals[p].area == ai)
            .collect();
        props.sort_by(|&a, &b| ds.proposals[a].id.cmp(&ds.proposals[b].id));
        let proposals = props
            .into_iter()
            .map(|p| {
                let advisers = sol
                    .map(|s| {
                        s.assigned[p]
                            .iter()
                            .map(|&a| {
                                let r = ds.advisers[a].researcher;
                                let ps = pair(res, p, a);
                                report::AssignedAdviser {
                                    researcher_id: ds.researchers[r].id.clone(),
                                    name: ds.researchers[r].name.clone(),
                                    institution: inst_name(r),
                                    score: res.problem.score_of(p, a).unwrap_or(0.0),
                                    components: ps
                                        .map(|s| {
                                            vec![
                                                ("text".to_string(), s.text),
                                                ("keywords".to_string(), s.keywords),
                                                ("area".to_string(), s.area),
                                            ]
                                        })
                                        .unwrap_or_default(),
                                    shared_terms: ps
                                        .map(|s| s.top_terms.clone())
                                        .unwrap_or_default(),
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                report::ProposalAssignment {
                    proposal_id: ds.proposals[p].id.clone(),
                    title: ds.proposals[p].title.clone(),
                    advisers,
                }
            })
            .collect();
        areas.push(report::AreaAssignment {
            area_id: ds.areas[ai].id.clone(),
            area_name: ds.areas[ai].name.clone(),
            proposals,
        });
    }
    let coverage = res
        .coverage
        .areas
        .iter()
        .map(|a| report::AreaCoverage {
            area_id: a.area_id.clone(),
            area_name: a.name.clone(),
            proposals: a.proposals,
            advisers: a.advisers,
            covered_proposals: a.covered,
            coverage_ratio: a.coverage_ratio,
            gap_terms: res
                .coverage
                .gaps
                .iter()
                .filter(|g| g.area_id == a.area_id)
                .take(cfg.coverage.gap_terms)
                .map(|g| g.term.clone())
                .collect(),
        })
        .collect();
    let at_risk = res
        .coverage
        .at_risk
        .iter()
        .map(|r| report::ProposalAtRisk {
            proposal_id: r.proposal_id.clone(),
            title: ds
                .proposal_by_id
                .get(&r.proposal_id)
                .map(|&p| ds.proposals[p].title.clone())
                .unwrap_or_default(),
            area_id: r.area_id.clone(),
            best_score: r.best.unwrap_or(0.0),
            reason: r.reason.clone(),
        })
        .collect();
    let n = &res.network;
    let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{:.1}%", 100.0 * v));
    let network = report::NetworkSummary {
        figures: vec![
            ("Researchers (nodes)".into(), n.nodes.to_string()),
            ("Collaboration edges".into(), n.edges.to_string()),
            ("Density".into(), format!("{:.5}", n.density)),
            ("Connected components".into(), n.components.to_string()),
            (
                "Largest component".into(),
                format!(
                    "{} ({:.1}%)",
                    n.largest_component_nodes,
                    100.0 * n.largest_component_share
                ),
            ),
            (
                "Average clustering".into(),
                format!("{:.4}", n.average_clustering),
            ),
            ("Transitivity".into(), format!("{:.4}", n.transitivity)),
            (
                format!("Communities ({})", n.community_method.as_str()),
                format!(
                    "{} ({} internally disconnected)",
                    n.communities.len(),
                    n.disconnected_communities
                ),
            ),
            ("Modularity".into(), format!("{:.4}", n.modularity)),
            (
                "Largest communities".into(),
                n.communities
                    .iter()
                    .take(5)
                    .map(|c| format!("{} ({})", c.label, c.size))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            (
                "Cross-institution edges".into(),
                pct(n.cross_institution_edge_share),
            ),
            ("Cross-sector edges".into(), pct(n.cross_sector_edge_share)),
            (
                "Betweenness".into(),
                match n.betweenness_epsilon {
                    Some(e) => format!(
                        "sampled ({} sources; every value within ±{e:.4} with probability {:.0}%)",
                        n.betweenness_samples,
                        100.0 * (1.0 - n.betweenness_delta)
                    ),
                    None => format!("exact ({} sources)", n.betweenness_samples),
                },
            ),
        ],
        top_brokers: n
            .top_brokers
            .iter()
            .map(|b| report::Broker {
                researcher_id: ds.researchers[b.researcher].id.clone(),
                name: ds.researchers[b.researcher].name.clone(),
                institution: inst_name(b.researcher),
                betweenness: b.betweenness,
                degree: b.degree as usize,
            })
            .collect(),
    };
    let data_quality = report::DataQuality {
        files: v
            .files
            .iter()
            .map(|f| report::FileQuality {
                file: f.file.clone(),
                format: f.format.clone(),
                read: f.read,
                accepted: f.accepted,
                rejected: f.rejected,
            })
            .collect(),
        warnings: v.warnings().map(|p| p.to_string()).collect(),
        dropped: v
            .dropped_rows()
            .into_iter()
            .map(|d| report::DroppedRowView {
                file: d.file,
                location: d.location,
                reasons: d.reasons,
                because_of: d.cascade_from,
            })
            .collect(),
    };
    let adviser_loads = (0..ds.advisers.len())
        .map(|a| {
            let r = ds.advisers[a].researcher;
            report::AdviserLoad {
                researcher_id: ds.researchers[r].id.clone(),
                name: ds.researchers[r].name.clone(),
                assigned: sol.map_or(0, |s| s.loads[a]),
                max_load: ds.advisers[a].max_load,
            }
        })
        .collect();
    let changes = previous.map(|prev| {
        let before = report::read_run_outputs(prev);
        let now = report::read_run_outputs(dir);
        report::compare(&before, &now)
    });
    let charts = charts(ds, cfg, res)?
        .into_iter()
        .map(|c| report::ChartImage {
            name: c.name.to_string(),
            title: c.title,
            svg: c.svg,
            png: c.png,
        })
        .collect();
    Ok(ReportData {
        run: report::RunInfo {
            run_id: run_id.to_string(),
            rdmatch_version: env!("CARGO_PKG_VERSION").to_string(),
            data_dir: data_dir.display().to_string(),
            config_toml: cfg.to_toml(),
            started: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
        headline,
        warnings,
        areas,
        coverage,
        at_risk,
        network,
        data_quality,
        changes,
        adviser_loads,
        charts,
        infeasibility: res.solution.as_ref().err().map(|e| e.to_string()),
    })
}
