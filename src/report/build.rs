//! Builds the report's [`ReportData`] from the stages' typed outputs.
//!
//! This is the one place that decides what the reports show: every format
//! renders the same `ReportData`, and every figure in it is copied from the
//! stage that owns it (coverage figures and the portfolio mix from
//! [`CoverageReport`], loads and totals from the assignment, network figures
//! from [`NetworkReport`]); nothing is recomputed here, so the report, the
//! charts and the CSV files cannot disagree.

use std::collections::HashMap;

use crate::assign::edits::Decision;
use crate::assign::{self, Infeasible, Problem, Solution};
use crate::charts::{self, Chart, NetworkNode, SectorMixRow};
use crate::config::{Config, Objective};
use crate::conflicts::ConflictSet;
use crate::coverage::{CoverageReport, Distribution, ScopeMix};
use crate::graph::CollabGraph;
use crate::load::locks::LockKind;
use crate::load::ValidationReport;
use crate::model::{Dataset, Sector};
use crate::network::NetworkReport;
use crate::score::{PairScore, ScoreMatrix};

use super::data::*;
use super::ReportError;

/// References to what the stages produced, as `rdmatch run` holds them.
pub struct Stages<'a> {
    pub ds: &'a Dataset,
    pub cfg: &'a Config,
    pub matrix: &'a ScoreMatrix,
    pub conflicts: &'a ConflictSet,
    pub problem: &'a Problem,
    pub solution: Result<&'a Solution, &'a Infeasible>,
    pub network: &'a NetworkReport,
    pub graph: &'a CollabGraph,
    pub coverage: &'a CoverageReport,
    pub validation: &'a ValidationReport,
    /// The PO's edits read back (`--edits`), so a report tells a pair the
    /// PO kept or added from one pinned by the locks file.
    pub edits: &'a [crate::assign::edits::AppliedEdit],
}

impl Stages<'_> {
    /// The score details of an eligible pair, if the scorer kept it.
    pub fn pair(&self, p: usize, a: usize) -> Option<&PairScore> {
        self.matrix
            .per_proposal
            .get(p)?
            .iter()
            .find(|s| s.adviser == a)
    }

    fn sol(&self) -> Option<&Solution> {
        self.solution.ok()
    }
}

/// Everything a report shows. `changes` is the comparison with the previous
/// run (read by the caller from both run folders), `None` on a first run.
pub fn build(
    st: &Stages,
    run: RunInfo,
    changes: Option<ChangeSet>,
) -> Result<ReportData, ReportError> {
    let ds = st.ds;
    let cov = st.coverage;
    let sol = st.sol();
    let mut warnings: Vec<String> = Vec::new();
    for a in cov.areas.iter().filter(|a| a.under_covered) {
        warnings.push(under_covered_warning(a));
    }
    warnings.extend(super::conflicts::warnings(ds, st.conflicts, sol));
    let s = &cov.summary;
    let headline = Headline {
        proposals: ds.proposals.len(),
        advisers: ds.advisers.len(),
        researchers: ds.researchers.len(),
        assigned_pairs: sol.map_or(0, |s| s.assigned.iter().map(Vec::len).sum()),
        total_score: sol.map_or(0.0, |s| s.total),
        weakest_proposal_total: sol.map_or(0.0, |s| s.weakest),
        objective: match st.cfg.assign.objective {
            Objective::Total => "total".into(),
            Objective::Fair => "fair".into(),
        },
        coverage_ratio: s.coverage_ratio,
        covered_proposals: s.covered,
        expertise_threshold: s.expertise_threshold,
        usable_capacity: s.usable_capacity,
        demand: s.demand,
        capacity_ratio: s.capacity_ratio,
        under_covered_areas: s.under_covered_areas.clone(),
        conflicts_excluded: st.conflicts.rows().filter(|r| r.excluded).count(),
        warnings: st.validation.warning_count() + warnings.len(),
        fair: sol.and_then(|s| {
            let b = s.stats.fair_bound?;
            Some(super::data::FairBound {
                upper_bound: b,
                gap: (b - s.weakest).max(0.0),
                exact: s.stats.fair_exact.unwrap_or(false),
            })
        }),
        randomized: sol
            .and_then(|s| s.stats.randomized.as_deref())
            .map(super::randomized::RandomizedView::from_stats),
        panel: sol
            .and_then(|s| s.stats.panel.as_deref())
            .map(crate::assign::panel::json),
    };
    let w = &st.cfg.score;
    Ok(ReportData {
        run,
        headline,
        warnings,
        areas: assignment_by_area(st),
        coverage: coverage_rows(cov, st.cfg.coverage.gap_terms),
        at_risk: at_risk(st),
        network: network_summary(st),
        data_quality: data_quality(st.validation),
        changes,
        adviser_loads: adviser_view(st),
        portfolio: portfolio(cov, ds),
        score_weights: vec![
            ("text".into(), w.weight_text),
            ("keywords".into(), w.weight_keywords),
            ("area".into(), w.weight_area),
        ],
        charts: charts(st)?
            .into_iter()
            .map(|c| ChartImage {
                name: c.name.to_string(),
                title: c.title,
                svg: c.svg,
                png: c.png,
            })
            .collect(),
        infeasibility: st.solution.err().map(|e| e.to_string()),
        conflicts: super::conflicts::section(ds, st.conflicts, sol),
    })
}

fn under_covered_warning(a: &crate::coverage::AreaCoverage) -> String {
    let mut why = Vec::new();
    if a.covered < a.proposals {
        why.push(format!(
            "{} of {} proposals have fewer than K experts",
            a.proposals - a.covered,
            a.proposals
        ));
    }
    if a.usable_capacity < a.demand {
        why.push(format!(
            "only {} of the {} expert places it needs can be filled with the other areas served too (shared capacity {}, exclusive {})",
            a.usable_capacity, a.demand, a.expert_capacity, a.exclusive_capacity
        ));
    }
    format!("area {} is under-covered: {}", a.area_id, why.join("; "))
}

fn inst_name(ds: &Dataset, r: usize) -> String {
    ds.institutions[ds.researchers[r].institution].name.clone()
}

/// Two-hop (warning-only) conflict reasons per (proposal, adviser).
fn flags(st: &Stages) -> HashMap<(usize, usize), Vec<String>> {
    let mut out: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    for r in st.conflicts.rows().filter(|r| !r.excluded) {
        out.entry((r.proposal, r.adviser))
            .or_default()
            .extend(r.reasons.iter().map(|x| x.to_string()));
    }
    out
}

fn adviser_on(
    st: &Stages,
    flags: &HashMap<(usize, usize), Vec<String>>,
    p: usize,
    a: usize,
    rank: usize,
) -> AssignedAdviser {
    let ds = st.ds;
    let r = ds.advisers[a].researcher;
    let ps = st.pair(p, a);
    let locked = st.problem.must.contains(&(p, a));
    let edit = st
        .edits
        .iter()
        .find(|e| e.lock.proposal == p && e.lock.adviser == a && e.lock.kind == LockKind::Must);
    let lock_source = match edit {
        Some(e) => format!(
            "PO edit, {} ({})",
            match e.row.decision {
                Decision::Add => "added",
                _ => "kept",
            },
            e.row.place
        ),
        None if locked => "locks file (must)".to_string(),
        None => String::new(),
    };
    AssignedAdviser {
        researcher_id: ds.researchers[r].id.clone(),
        name: ds.researchers[r].name.clone(),
        institution: inst_name(ds, r),
        score: st
            .problem
            .score_of(p, a)
            .or(ps.map(|s| s.score))
            .unwrap_or(0.0),
        components: ps
            .map(|s| {
                vec![
                    ("text".to_string(), s.text),
                    ("keywords".to_string(), s.keywords),
                    ("area".to_string(), s.area),
                ]
            })
            .unwrap_or_default(),
        shared_terms: ps.map(|s| s.top_terms.clone()).unwrap_or_default(),
        rank,
        flags: {
            let mut f = flags.get(&(p, a)).cloned().unwrap_or_default();
            if !lock_source.is_empty() {
                f.push(format!("locked: {lock_source}"));
            }
            f
        },
        locked,
        lock_source,
    }
}

/// Per area (by ID) each proposal (by ID) with its advisers, alternates and
/// risk.
fn assignment_by_area(st: &Stages) -> Vec<AreaAssignment> {
    let ds = st.ds;
    let sol = st.sol();
    let flags = flags(st);
    let ranks = sol.map(|s| assign::ranks(st.problem, s));
    let alternates = sol.map(|s| assign::alternates(st.problem, s, st.cfg.assign.alternates));
    let risk: HashMap<&str, &str> = st
        .coverage
        .at_risk
        .iter()
        .map(|r| (r.proposal_id.as_str(), r.reason.as_str()))
        .collect();
    let mut order: Vec<usize> = (0..ds.areas.len()).collect();
    order.sort_by(|&a, &b| ds.areas[a].id.cmp(&ds.areas[b].id));
    order
        .into_iter()
        .map(|ai| {
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
                                .enumerate()
                                .map(|(j, &a)| {
                                    let rank = ranks.as_ref().map_or(0, |r| r[p][j]);
                                    adviser_on(st, &flags, p, a, rank)
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    // Without an assignment every eligible adviser is an
                    // alternate: the best few are shown, ranked.
                    let alternates = match &alternates {
                        Some(alts) => alts[p]
                            .iter()
                            .map(|&a| adviser_on(st, &flags, p, a, 0))
                            .collect(),
                        None => {
                            let mut all: Vec<usize> =
                                st.problem.candidates[p].iter().map(|c| c.adviser).collect();
                            let score = |a: usize| st.problem.score_of(p, a).unwrap_or(0.0);
                            all.sort_by(|&x, &y| {
                                score(y)
                                    .total_cmp(&score(x))
                                    .then_with(|| ds.adviser_id(x).cmp(ds.adviser_id(y)))
                            });
                            all.truncate(st.cfg.assign.alternates);
                            all.iter()
                                .enumerate()
                                .map(|(i, &a)| adviser_on(st, &flags, p, a, i + 1))
                                .collect()
                        }
                    };
                    let prop = &ds.proposals[p];
                    ProposalAssignment {
                        proposal_id: prop.id.clone(),
                        title: prop.title.clone(),
                        k: st.problem.demand.get(p).copied().unwrap_or(0),
                        advisers,
                        alternates,
                        at_risk: risk.get(prop.id.as_str()).map(|r| r.to_string()),
                    }
                })
                .collect();
            AreaAssignment {
                area_id: ds.areas[ai].id.clone(),
                area_name: ds.areas[ai].name.clone(),
                proposals,
            }
        })
        .collect()
}

/// The coverage table: one row per area, copied from the coverage stage.
pub fn coverage_rows(cov: &CoverageReport, gap_terms: usize) -> Vec<AreaCoverage> {
    cov.areas
        .iter()
        .map(|a| AreaCoverage {
            area_id: a.area_id.clone(),
            area_name: a.name.clone(),
            proposals: a.proposals,
            advisers: a.advisers,
            covered_proposals: a.covered,
            coverage_ratio: a.coverage_ratio,
            expert_advisers: a.expert_advisers,
            shared_capacity: a.expert_capacity,
            exclusive_capacity: a.exclusive_capacity,
            usable_capacity: a.usable_capacity,
            demand: a.demand,
            capacity_ratio: a.capacity_ratio,
            mean_best_k: a.mean_best_k,
            at_risk: a.at_risk,
            under_covered: a.under_covered,
            gap_terms: cov
                .gaps
                .iter()
                .filter(|g| g.area_id == a.area_id)
                .take(gap_terms)
                .map(|g| g.term.clone())
                .collect(),
        })
        .collect()
}

fn at_risk(st: &Stages) -> Vec<ProposalAtRisk> {
    let ds = st.ds;
    st.coverage
        .at_risk
        .iter()
        .map(|r| ProposalAtRisk {
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
        .collect()
}

fn network_summary(st: &Stages) -> NetworkSummary {
    let ds = st.ds;
    let n = st.network;
    let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{:.1}%", 100.0 * v));
    NetworkSummary {
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
                        "sampled ({} shortest paths; every value within ±{e:.4} with probability {:.0}%)",
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
            .map(|b| Broker {
                researcher_id: ds.researchers[b.researcher].id.clone(),
                name: ds.researchers[b.researcher].name.clone(),
                institution: inst_name(ds, b.researcher),
                betweenness: b.betweenness,
                degree: b.degree as usize,
            })
            .collect(),
    }
}

fn data_quality(v: &ValidationReport) -> DataQuality {
    DataQuality {
        files: v
            .files
            .iter()
            .map(|f| FileQuality {
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
            .map(|d| DroppedRowView {
                file: d.file,
                location: d.location,
                reasons: d.reasons,
                because_of: d.cascade_from,
            })
            .collect(),
    }
}

/// Every adviser by researcher ID: load, areas, and the proposals they got.
fn adviser_view(st: &Stages) -> Vec<AdviserLoad> {
    let ds = st.ds;
    let sol = st.sol();
    let mut got: Vec<Vec<AdviserProposal>> = vec![Vec::new(); ds.advisers.len()];
    if let Some(s) = sol {
        for (p, list) in s.assigned.iter().enumerate() {
            let prop = &ds.proposals[p];
            for &a in list {
                got[a].push(AdviserProposal {
                    proposal_id: prop.id.clone(),
                    title: prop.title.clone(),
                    area_id: ds.areas[prop.area].id.clone(),
                    score: st.problem.score_of(p, a).unwrap_or(0.0),
                });
            }
        }
    }
    let mut out: Vec<AdviserLoad> = ds
        .advisers
        .iter()
        .zip(got)
        .enumerate()
        .map(|(a, (adv, mut proposals))| {
            proposals.sort_by(|x, y| x.proposal_id.cmp(&y.proposal_id));
            let r = adv.researcher;
            AdviserLoad {
                researcher_id: ds.researchers[r].id.clone(),
                name: ds.researchers[r].name.clone(),
                assigned: sol.map_or(0, |s| s.loads[a]),
                max_load: adv.max_load,
                institution: inst_name(ds, r),
                sector: ds.sector_of(r).as_str().to_string(),
                areas: adv.areas.iter().map(|&x| ds.areas[x].id.clone()).collect(),
                proposals,
            }
        })
        .collect();
    out.sort_by(|x, y| x.researcher_id.cmp(&y.researcher_id));
    out
}

fn mix_of(scope: &ScopeMix, population: &str, dimension: &str) -> Mix {
    let Some(d) = scope
        .distributions
        .iter()
        .find(|d| d.population == population && d.dimension == dimension)
    else {
        return Mix::default();
    };
    mix(d)
}

fn mix(d: &Distribution) -> Mix {
    let c = d.concentration;
    Mix {
        categories: d
            .categories
            .iter()
            .map(|c| (c.name.clone(), c.count, c.share))
            .collect(),
        total: c.map_or(0, |c| c.total),
        hhi: c.map(|c| c.hhi),
        effective_hhi: c.map(|c| c.effective_hhi),
        entropy: c.map(|c| c.entropy),
        effective_entropy: c.map(|c| c.effective_entropy),
    }
}

/// The portfolio tables, copied from the coverage stage's mix, with what
/// each says in a sentence.
pub fn portfolio(cov: &CoverageReport, ds: &Dataset) -> Vec<PortfolioRow> {
    cov.mix
        .iter()
        .map(|scope| {
            let label = match &scope.area_id {
                None => "Whole call".to_string(),
                Some(id) => ds
                    .area_by_id
                    .get(id)
                    .map_or_else(|| id.clone(), |&a| ds.areas[a].name.clone()),
            };
            let t = &scope.teams;
            let row = PortfolioRow {
                area_id: scope.area_id.clone(),
                label,
                applicant_sectors: mix_of(scope, "applicants", "sector"),
                adviser_sectors: mix_of(scope, "advisers", "sector"),
                applicant_institutions: mix_of(scope, "applicants", "institution"),
                adviser_institutions: mix_of(scope, "advisers", "institution"),
                teams: Teams {
                    proposals: t.proposals,
                    multi_institution: t.multi_institution,
                    multi_institution_share: t.multi_institution_share,
                    multi_sector: t.multi_sector,
                    multi_sector_share: t.multi_sector_share,
                    academia_industry: t.academia_industry,
                    academia_industry_share: t.academia_industry_share,
                },
                ..Default::default()
            };
            PortfolioRow {
                sector_reading: sector_reading(&row),
                institution_reading: institution_reading(&row),
                team_reading: team_reading(&row.teams),
                ..row
            }
        })
        .collect()
}

/// How concentrated a distribution is, in words, from its HHI.
fn concentration_words(hhi: f64) -> &'static str {
    if hhi >= 0.5 {
        "concentrated (one category holds most)"
    } else if hhi >= 0.25 {
        "moderately concentrated"
    } else {
        "diverse"
    }
}

fn sector_reading(r: &PortfolioRow) -> String {
    let (a, v) = (&r.applicant_sectors, &r.adviser_sectors);
    let Some((top, _, share)) = a.categories.first() else {
        return "No applicants: nothing to read.".into();
    };
    let mut s = format!(
        "Applicants are {} by sector: {top} {}, effective number {} of {} sectors present.",
        concentration_words(a.hhi.unwrap_or(1.0)),
        pct(*share),
        fixed(a.effective_entropy.unwrap_or(1.0), 1),
        a.categories.len()
    );
    let missing: Vec<&str> = a
        .categories
        .iter()
        .filter(|c| v.share(&c.0) == 0.0)
        .map(|c| c.0.as_str())
        .collect();
    if v.total == 0 {
        s.push_str(" No adviser serves this scope.");
    } else if missing.is_empty() {
        s.push_str(" Every applicant sector has an adviser from the same sector.");
    } else {
        s.push_str(&format!(
            " No adviser comes from {}: these applicants are judged from outside their sector.",
            missing.join(", ")
        ));
    }
    s
}

fn institution_reading(r: &PortfolioRow) -> String {
    let a = &r.applicant_institutions;
    let Some((top, n, share)) = a.categories.first() else {
        return "No applicants: nothing to read.".into();
    };
    format!(
        "{} institutions send applicants; the largest, {top}, sends {n} ({}). HHI {} (effective number {}): the call is {} by institution{}.",
        a.categories.len(),
        pct(*share),
        fixed(a.hhi.unwrap_or(1.0), 3),
        fixed(a.effective_hhi.unwrap_or(1.0), 1),
        concentration_words(a.hhi.unwrap_or(1.0)),
        if r.adviser_institutions.categories.len() < 2 && r.adviser_institutions.total > 0 {
            ", and all its advisers come from one institution"
        } else {
            ""
        }
    )
}

fn team_reading(t: &Teams) -> String {
    if t.proposals == 0 {
        return "No proposals: nothing to read.".into();
    }
    let share = |x: Option<f64>| opt_pct(x);
    format!(
        "{} of {} teams ({}) cross institutions and {} ({}) join academia and industry{}.",
        t.multi_institution,
        t.proposals,
        share(t.multi_institution_share),
        t.academia_industry,
        share(t.academia_industry_share),
        match t.academia_industry_share {
            Some(x) if x < 0.2 => ": few teams carry research toward industry",
            Some(x) if x >= 0.5 => ": most teams already bridge academia and industry",
            _ => "",
        }
    )
}

fn sector_ix(s: &str) -> Option<usize> {
    Sector::ALL.iter().position(|x| x.as_str() == s)
}

/// Draws every chart from the stage outputs.
pub fn charts(st: &Stages) -> Result<Vec<Chart>, ReportError> {
    let ds = st.ds;
    let res_sol = st.sol();
    let mut out = Vec::new();
    let eligible: Vec<f64> = st
        .matrix
        .per_proposal
        .iter()
        .flatten()
        .map(|s| s.score)
        .collect();
    let assigned: Vec<f64> = res_sol
        .map(|s| {
            s.assigned
                .iter()
                .enumerate()
                .flat_map(|(p, l)| l.iter().map(move |&a| (p, a)))
                .filter_map(|(p, a)| st.problem.score_of(p, a))
                .collect()
        })
        .unwrap_or_default();
    out.push(charts::score_distribution(
        "Scores: assigned pairs vs all eligible pairs",
        &assigned,
        &eligible,
    )?);
    let loads: Vec<usize> = res_sol
        .map(|s| s.loads.iter().map(|&l| l as usize).collect())
        .unwrap_or_default();
    // u32 → usize widens on every supported target.
    let max_load = ds.advisers.iter().map(|a| a.max_load as usize).max();
    out.push(charts::adviser_load(
        "Adviser load (proposals assigned)",
        &loads,
        max_load,
    )?);
    // The lower of coverage and capacity ratio: an area that cannot fill
    // its expert places is drawn short even when every proposal has K experts.
    let cov: Vec<(String, f64)> = st
        .coverage
        .areas
        .iter()
        .map(|a| {
            let v = a
                .capacity_ratio
                .map_or(a.coverage_ratio, |c| c.min(a.coverage_ratio));
            // The mark goes before the name, which a long label may cut.
            let mark = if a.under_covered {
                " (under-covered)"
            } else {
                ""
            };
            (format!("{}{mark} {}", a.area_id, a.name), v)
        })
        .collect();
    out.push(charts::coverage_by_area(
        "Coverage by area: the lower of coverage and capacity ratio",
        &cov,
    )?);
    // Sector counts per area from the coverage stage's mix (coverage_mix.csv).
    let mix: Vec<SectorMixRow> = st
        .coverage
        .mix
        .iter()
        .filter_map(|scope| {
            let area = scope.area_id.clone()?;
            let mut row = SectorMixRow {
                area,
                applicants: [0; 5],
                advisers: [0; 5],
            };
            for d in scope
                .distributions
                .iter()
                .filter(|d| d.dimension == "sector")
            {
                let counts = match d.population.as_str() {
                    "applicants" => &mut row.applicants,
                    "advisers" => &mut row.advisers,
                    _ => continue,
                };
                for c in &d.categories {
                    if let Some(i) = sector_ix(&c.name) {
                        counts[i] = c.count;
                    }
                }
            }
            Some(row)
        })
        .collect();
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
        &st.network.area_matrix,
    )?);
    let n = st.network;
    let degrees: Vec<usize> = n.node_degree.iter().map(|&d| d as usize).collect();
    out.push(charts::degree_distribution(
        "Degree distribution (log–log)",
        &degrees,
    )?);
    // Largest component, its best-connected nodes first.
    let mut nodes: Vec<usize> = (0..ds.researchers.len())
        .filter(|&r| n.node_in_largest[r])
        .collect();
    nodes.sort_by(|&x, &y| {
        n.node_degree[y]
            .cmp(&n.node_degree[x])
            .then(ds.researchers[x].id.cmp(&ds.researchers[y].id))
    });
    let max_nodes = st.cfg.report.network_chart_max_nodes;
    nodes.truncate(max_nodes);
    let mut pos = vec![usize::MAX; ds.researchers.len()];
    for (i, &r) in nodes.iter().enumerate() {
        pos[r] = i;
    }
    let chart_nodes: Vec<NetworkNode> = nodes
        .iter()
        .map(|&r| NetworkNode {
            id: ds.researchers[r].id.clone(),
            community: n.node_community[r],
        })
        .collect();
    let edges: Vec<(usize, usize)> = st
        .graph
        .edge_pairs()
        .into_iter()
        .filter(|&(u, v)| pos[u] != usize::MAX && pos[v] != usize::MAX)
        .map(|(u, v)| (pos[u], pos[v]))
        .collect();
    let community_labels: Vec<String> = n.communities.iter().map(|c| c.label.clone()).collect();
    out.push(charts::network_chart(
        "Collaboration network: largest component by community",
        &chart_nodes,
        &edges,
        max_nodes,
        st.cfg.seed,
        &community_labels,
    )?);
    let years: Vec<charts::YearPoint> = n
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
    let mut per: Vec<(String, f64)> = match res_sol {
        Some(s) => s
            .assigned
            .iter()
            .enumerate()
            .map(|(p, l)| {
                (
                    ds.proposals[p].id.clone(),
                    l.iter()
                        .filter_map(|&a| st.problem.score_of(p, a))
                        .sum::<f64>()
                        + 0.0,
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

#[cfg(test)]
mod tests {
    use super::super::definitions::{CAPACITY, COVERAGE, EFFECTIVE, ENTROPY, EXPERT, HHI};
    use super::*;
    use crate::coverage::fixture::{cfg, dataset, input};

    /// The definitions, read as instructions and carried out by hand on the
    /// coverage fixture, give the figures the report shows.
    #[test]
    fn definitions_match_the_computation_on_a_hand_made_call() {
        let ds = dataset();
        let inp = input(&ds);
        let cov = crate::coverage::compute(&inp, &cfg()).unwrap();
        let thr = cov.expertise_threshold;
        // Expert: eligible and score ≥ threshold. Coverage: share of
        // proposals with at least K experts (not "at least one").
        assert!(EXPERT.text.contains("at or above the expertise threshold"));
        assert!(COVERAGE.text.contains("at least K experts"));
        let experts: Vec<usize> = inp
            .eligible
            .iter()
            .map(|l| l.iter().filter(|x| x.1 >= thr).count())
            .collect();
        // P2 has one expert of K = 2: covered by "at least one", not by K.
        assert_eq!(experts, vec![2, 1, 0]);
        let covered = (0..3).filter(|&p| experts[p] >= inp.k[p] as usize).count();
        assert_eq!(covered, 1);
        let rows = coverage_rows(&cov, 5);
        assert_eq!((rows[0].covered_proposals, rows[0].proposals), (1, 2));
        assert_eq!(rows[0].coverage_ratio, 0.5);
        assert!((cov.summary.coverage_ratio - covered as f64 / 3.0).abs() < 1e-12);
        // Capacity ratio: usable / demand, each adviser's load once, each
        // adviser on a proposal once. AR1: P1 can take A0 and A1, P2 only A1
        // (its one expert) → 3 of 4 places, although the loads sum to 5.
        assert!(CAPACITY.text.contains("usable capacity / demand"));
        assert!(CAPACITY
            .text
            .contains("each adviser on a proposal at most once"));
        assert_eq!(
            (
                rows[0].usable_capacity,
                rows[0].demand,
                rows[0].shared_capacity
            ),
            (3, 4, 5)
        );
        assert_eq!(rows[0].capacity_ratio, Some(0.75));
        assert!(rows[0].under_covered);
        // HHI = Σ s², entropy = −Σ s ln s, effective numbers 1/HHI and e^H,
        // over the applicants' sectors: R0 R2 academia, R1 industry, R3
        // government → shares ½ ¼ ¼.
        assert!(HHI.text.contains("Σ sᵢ²") && ENTROPY.text.contains("−Σ sᵢ ln sᵢ"));
        assert!(EFFECTIVE.text.contains("1/HHI and e^H"));
        let shares = [0.5, 0.25, 0.25];
        let hhi: f64 = shares.iter().map(|s| s * s).sum();
        let h: f64 = -shares.iter().map(|s| s * f64::ln(*s)).sum::<f64>();
        let pf = portfolio(&cov, &ds);
        let m = &pf[0].applicant_sectors;
        assert_eq!(pf[0].area_id, None);
        assert!((m.hhi.unwrap() - hhi).abs() < 1e-12);
        assert!((m.entropy.unwrap() - h).abs() < 1e-12);
        assert!((m.effective_hhi.unwrap() - 1.0 / hhi).abs() < 1e-12);
        assert!((m.effective_entropy.unwrap() - h.exp()).abs() < 1e-12);
        assert_eq!(m.share("academia"), 0.5);
        // Each table has its sentence, quoting the same figures.
        assert!(pf[0]
            .institution_reading
            .contains(&fixed(hhi_inst(&pf[0]), 3)));
        assert!(pf[0].team_reading.starts_with("1 of 3 teams"));
        assert!(pf[0].sector_reading.contains("academia 50.0%"));
    }

    fn hhi_inst(r: &PortfolioRow) -> f64 {
        r.applicant_institutions.hhi.unwrap()
    }

    /// The figures a reader sees render the definitions beside them.
    #[test]
    fn report_quotes_each_definition_beside_its_figure() {
        let ds = dataset();
        let cov = crate::coverage::compute(&input(&ds), &cfg()).unwrap();
        let data = ReportData {
            coverage: coverage_rows(&cov, 5),
            portfolio: portfolio(&cov, &ds),
            ..Default::default()
        };
        let html = super::super::html::render(&data, &Default::default());
        let md = super::super::markdown::render(&data, &Default::default());
        for d in super::super::definitions::ALL.iter() {
            let quoted = super::super::html::escape(d.text).into_owned();
            assert!(html.contains(&quoted), "html lacks {}", d.term);
            assert!(
                md.contains(&super::super::markdown::cell(d.text)),
                "md lacks {}",
                d.term
            );
        }
        // The coverage definition sits inside the coverage section, before
        // its table; HHI inside the portfolio section.
        let cov_sec = html.find("<section id=\"coverage\">").unwrap();
        let cov_def = cov_sec + html[cov_sec..].find(COVERAGE.term).unwrap();
        assert!(cov_def < cov_sec + html[cov_sec..].find("<table").unwrap());
        let pf_sec = html.find("<section id=\"portfolio\">").unwrap();
        assert!(html[pf_sec..].find(HHI.text).is_some_and(|i| i < 2000));
        assert!(!html.contains("at least one eligible expert"));
    }
}
