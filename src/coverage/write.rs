//! Writers for the coverage report: CSV and JSON, one function per file, each
//! taking `impl Write` so it can be tested without files; [`write_outputs`]
//! writes them all into a folder.
//!
//! Floats are written with 6 decimals (JSON: rounded to 6 decimals) so
//! outputs are byte-stable; an empty cell means "undefined" (e.g. a ratio
//! with a zero denominator), never 0. Booleans are `true`/`false`. Lists in
//! a cell are joined with `;`.
//!
//! | file | one row per | columns |
//! |---|---|---|
//! | `coverage_proposals.csv` | proposal | proposal_id, area_id, k, eligible, experts, best_score, kth_best_score, covered, mean_top_k, assigned, weakest_assigned |
//! | `coverage_area.csv` | area | area_id, name, program, proposals, applicants, advisers, covered, coverage_ratio, expert_advisers, expert_capacity, exclusive_capacity, usable_capacity, demand, capacity_ratio, mean_best_k, at_risk, under_covered |
//! | `coverage_at_risk.csv` | proposal at risk | proposal_id, area_id, experts, k, best_score, reason |
//! | `coverage_gaps.csv` | area × gap term | area_id, rank, term, source, proposals_affected, best_adviser_weight, example_proposals |
//! | `coverage_idle_advisers.csv` | idle adviser | adviser_id, areas, max_load, eligible_proposals, best_score, top_terms |
//! | `coverage_mix.csv` | scope × population × dimension × category | scope, area_id, population, dimension, category, count, share, budget, budget_share |
//! | `coverage_concentration.csv` | scope × population × dimension | scope, area_id, population, dimension, total, categories, hhi, effective_hhi, entropy, effective_entropy |
//! | `coverage_teams.csv` | scope | scope, area_id, proposals, multi_institution, multi_institution_share, multi_sector, multi_sector_share, academia_industry, academia_industry_share |
//! | `coverage_mix.json` | — | the three mix tables nested per scope |
//! | `coverage_network.csv` | area (only with network input) | area_id, researchers, in_largest, largest_share, internal_edges, cross_institution_edges, cross_institution_share, cross_sector_edges, cross_sector_share, communities |
//! | `coverage_summary.json` | — | [`Summary`](super::Summary) |
//! | `coverage_changes.csv` ([`write_comparison`]) | area | area_id, change, decided_by, coverage_ratio_before, coverage_ratio_after, capacity_ratio_before, capacity_ratio_after, mean_best_k_before, mean_best_k_after |
//!
//! `scope` is `overall` (with empty `area_id`) or `area`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{Comparison, CoverageError, CoverageReport, ScopeMix};

use crate::table::CsvRow;

/// Writes the header of `R` and then every row.
fn write_rows<R: CsvRow>(
    w: impl Write,
    rows: impl IntoIterator<Item = R>,
) -> Result<(), csv::Error> {
    let mut wtr = crate::table::CsvWriter::new(w);
    wtr.header::<R>()?;
    for r in rows {
        wtr.serialize(&r)?;
    }
    wtr.flush()?;
    Ok(())
}

crate::table_row! {
    /// One proposal of coverage_proposals.csv.
    pub struct ProposalRow<'a> {
        pub proposal_id: &'a str,
        pub area_id: &'a str,
        pub k: u32,
        pub eligible: usize,
        pub experts: usize,
        pub best_score: Option<f64>,
        pub kth_best_score: Option<f64>,
        pub covered: bool,
        pub mean_top_k: Option<f64>,
        pub assigned: Option<usize>,
        pub weakest_assigned: Option<f64>,
    }
}

/// `coverage_proposals.csv`.
pub fn proposals_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r.proposals.iter().map(|p| ProposalRow {
        proposal_id: &p.proposal_id,
        area_id: &p.area_id,
        k: p.k,
        eligible: p.eligible,
        experts: p.experts,
        best_score: p.best,
        kth_best_score: p.kth_best,
        covered: p.covered,
        mean_top_k: p.mean_top_k,
        assigned: p.assigned,
        weakest_assigned: p.weakest_assigned,
    });
    write_rows(w, rows)
}

crate::table_row! {
    /// One area of coverage_area.csv.
    pub struct AreaRow<'a> {
        pub area_id: &'a str,
        pub name: &'a str,
        pub program: &'a str,
        pub proposals: usize,
        pub applicants: usize,
        pub advisers: usize,
        pub covered: usize,
        pub coverage_ratio: f64,
        pub expert_advisers: usize,
        pub expert_capacity: u64,
        pub exclusive_capacity: u64,
        pub usable_capacity: u64,
        pub demand: u64,
        pub capacity_ratio: Option<f64>,
        pub mean_best_k: Option<f64>,
        pub at_risk: usize,
        pub under_covered: bool,
    }
}

/// `coverage_area.csv` (also what [`compare`](super::compare) reads back).
pub fn area_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r.areas.iter().map(|a| AreaRow {
        area_id: &a.area_id,
        name: &a.name,
        program: &a.program,
        proposals: a.proposals,
        applicants: a.applicants,
        advisers: a.advisers,
        covered: a.covered,
        coverage_ratio: a.coverage_ratio,
        expert_advisers: a.expert_advisers,
        expert_capacity: a.expert_capacity,
        exclusive_capacity: a.exclusive_capacity,
        usable_capacity: a.usable_capacity,
        demand: a.demand,
        capacity_ratio: a.capacity_ratio,
        mean_best_k: a.mean_best_k,
        at_risk: a.at_risk,
        under_covered: a.under_covered,
    });
    write_rows(w, rows)
}

crate::table_row! {
    /// One proposal of coverage_at_risk.csv.
    pub struct AtRiskRow<'a> {
        pub proposal_id: &'a str,
        pub area_id: &'a str,
        pub experts: usize,
        pub k: u32,
        pub best_score: Option<f64>,
        pub reason: &'a str,
    }
}

/// `coverage_at_risk.csv`.
pub fn at_risk_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r.at_risk.iter().map(|a| AtRiskRow {
        proposal_id: &a.proposal_id,
        area_id: &a.area_id,
        experts: a.experts,
        k: a.k,
        best_score: a.best,
        reason: &a.reason,
    });
    write_rows(w, rows)
}

crate::table_row! {
    /// One term of coverage_gaps.csv.
    pub struct GapRow<'a> {
        pub area_id: &'a str,
        pub rank: usize,
        pub term: &'a str,
        pub source: &'a str,
        pub proposals_affected: usize,
        pub best_adviser_weight: f64,
        /// `;`-joined proposal IDs.
        pub example_proposals: String,
    }
}

/// `coverage_gaps.csv`.
pub fn gaps_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r.gaps.iter().map(|g| GapRow {
        area_id: &g.area_id,
        rank: g.rank,
        term: &g.term,
        source: g.source.as_str(),
        proposals_affected: g.proposals_affected,
        best_adviser_weight: g.best_adviser_weight,
        example_proposals: g.example_proposals.join(";"),
    });
    write_rows(w, rows)
}

crate::table_row! {
    /// One adviser of coverage_idle_advisers.csv.
    pub struct IdleRow<'a> {
        pub adviser_id: &'a str,
        /// `;`-joined area IDs.
        pub areas: String,
        pub max_load: u32,
        pub eligible_proposals: usize,
        pub best_score: Option<f64>,
        /// `;`-joined terms.
        pub top_terms: String,
    }
}

/// `coverage_idle_advisers.csv`.
pub fn idle_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r.idle_advisers.iter().map(|a| IdleRow {
        adviser_id: &a.adviser_id,
        areas: a.areas.join(";"),
        max_load: a.max_load,
        eligible_proposals: a.eligible_proposals,
        best_score: a.best_score,
        top_terms: a.top_terms.join(";"),
    });
    write_rows(w, rows)
}

/// `scope` and `area_id`: `overall` with an empty area, or `area` and its ID.
fn scope_cells(m: &ScopeMix) -> (&'static str, &str) {
    match &m.area_id {
        None => ("overall", ""),
        Some(a) => ("area", a.as_str()),
    }
}

crate::table_row! {
    /// One category of coverage_mix.csv.
    pub struct MixRow<'a> {
        pub scope: &'a str,
        pub area_id: &'a str,
        pub population: &'a str,
        pub dimension: &'a str,
        pub category: &'a str,
        pub count: usize,
        pub share: f64,
        pub budget: Option<f64>,
        pub budget_share: Option<f64>,
    }
}

/// `coverage_mix.csv`: one row per category.
pub fn mix_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r.mix.iter().flat_map(|m| {
        let (scope, area_id) = scope_cells(m);
        m.distributions.iter().flat_map(move |d| {
            d.categories.iter().map(move |c| MixRow {
                scope,
                area_id,
                population: &d.population,
                dimension: &d.dimension,
                category: &c.name,
                count: c.count,
                share: c.share,
                budget: c.budget,
                budget_share: c.budget_share,
            })
        })
    });
    write_rows(w, rows)
}

crate::table_row! {
    /// One distribution of coverage_concentration.csv.
    pub struct ConcentrationRow<'a> {
        pub scope: &'a str,
        pub area_id: &'a str,
        pub population: &'a str,
        pub dimension: &'a str,
        pub total: usize,
        pub categories: usize,
        pub hhi: Option<f64>,
        pub effective_hhi: Option<f64>,
        pub entropy: Option<f64>,
        pub effective_entropy: Option<f64>,
    }
}

/// `coverage_concentration.csv`: HHI and entropy per distribution (empty
/// figures when nothing was counted).
pub fn concentration_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r.mix.iter().flat_map(|m| {
        let (scope, area_id) = scope_cells(m);
        m.distributions.iter().map(move |d| {
            let c = d.concentration;
            ConcentrationRow {
                scope,
                area_id,
                population: &d.population,
                dimension: &d.dimension,
                total: c.map_or(0, |c| c.total),
                categories: c.map_or(0, |c| c.categories),
                hhi: c.map(|c| c.hhi),
                effective_hhi: c.map(|c| c.effective_hhi),
                entropy: c.map(|c| c.entropy),
                effective_entropy: c.map(|c| c.effective_entropy),
            }
        })
    });
    write_rows(w, rows)
}

crate::table_row! {
    /// One scope of coverage_teams.csv.
    pub struct TeamsRow<'a> {
        pub scope: &'a str,
        pub area_id: &'a str,
        pub proposals: usize,
        pub multi_institution: usize,
        pub multi_institution_share: Option<f64>,
        pub multi_sector: usize,
        pub multi_sector_share: Option<f64>,
        pub academia_industry: usize,
        pub academia_industry_share: Option<f64>,
    }
}

/// `coverage_teams.csv`.
pub fn teams_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r.mix.iter().map(|m| {
        let (scope, area_id) = scope_cells(m);
        let t = &m.teams;
        TeamsRow {
            scope,
            area_id,
            proposals: t.proposals,
            multi_institution: t.multi_institution,
            multi_institution_share: t.multi_institution_share,
            multi_sector: t.multi_sector,
            multi_sector_share: t.multi_sector_share,
            academia_industry: t.academia_industry,
            academia_industry_share: t.academia_industry_share,
        }
    });
    write_rows(w, rows)
}

crate::table_row! {
    /// One area of coverage_network.csv.
    pub struct NetworkRow<'a> {
        pub area_id: &'a str,
        pub researchers: usize,
        pub in_largest: Option<usize>,
        pub largest_share: Option<f64>,
        pub internal_edges: Option<usize>,
        pub cross_institution_edges: Option<usize>,
        pub cross_institution_share: Option<f64>,
        pub cross_sector_edges: Option<usize>,
        pub cross_sector_share: Option<f64>,
        pub communities: Option<usize>,
    }
}

/// `coverage_network.csv`; writes nothing but the header when there is no
/// network section.
pub fn network_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r.network.iter().flatten().map(|n| NetworkRow {
        area_id: &n.area_id,
        researchers: n.researchers,
        in_largest: n.in_largest,
        largest_share: n.largest_share,
        internal_edges: n.internal_edges,
        cross_institution_edges: n.cross_institution_edges,
        cross_institution_share: n.cross_institution_share,
        cross_sector_edges: n.cross_sector_edges,
        cross_sector_share: n.cross_sector_share,
        communities: n.communities,
    });
    write_rows(w, rows)
}

crate::table_row! {
    /// One area of coverage_changes.csv.
    pub struct ChangeRow<'a> {
        pub area_id: &'a str,
        pub change: &'a str,
        pub decided_by: &'a str,
        pub coverage_ratio_before: Option<f64>,
        pub coverage_ratio_after: Option<f64>,
        pub capacity_ratio_before: Option<f64>,
        pub capacity_ratio_after: Option<f64>,
        pub mean_best_k_before: Option<f64>,
        pub mean_best_k_after: Option<f64>,
    }
}

/// `coverage_changes.csv`.
pub fn changes_csv(w: impl Write, c: &Comparison) -> Result<(), csv::Error> {
    let rows = c.areas.iter().map(|a| ChangeRow {
        area_id: &a.area_id,
        change: a.change.as_str(),
        decided_by: a.decided_by.unwrap_or(""),
        coverage_ratio_before: a.coverage_ratio_before,
        coverage_ratio_after: a.coverage_ratio_after,
        capacity_ratio_before: a.capacity_ratio_before,
        capacity_ratio_after: a.capacity_ratio_after,
        mean_best_k_before: a.mean_best_k_before,
        mean_best_k_after: a.mean_best_k_after,
    });
    write_rows(w, rows)
}

/// Rounds every float in a JSON value to 6 decimals (byte-stable output).
fn round_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(x) = n.as_f64() {
                if let Some(r) = serde_json::Number::from_f64((x * 1e6).round() / 1e6) {
                    *n = r;
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(round_json),
        serde_json::Value::Object(o) => o.values_mut().for_each(round_json),
        _ => {}
    }
}

/// Pretty JSON with floats rounded to 6 decimals and a final newline.
pub fn json(mut w: impl Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    let mut v = serde_json::to_value(value).map_err(std::io::Error::other)?;
    round_json(&mut v);
    serde_json::to_writer_pretty(&mut w, &v).map_err(std::io::Error::other)?;
    w.write_all(b"\n")?;
    w.flush()
}

fn create(path: &Path) -> Result<BufWriter<File>, CoverageError> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|source| CoverageError::Write {
            path: path.display().to_string(),
            source,
        })
}

type CsvFn = fn(BufWriter<File>, &CoverageReport) -> Result<(), csv::Error>;

/// Writes every coverage file into `out_dir` (which must exist) and returns
/// their paths in the order of the table above.
pub fn write_outputs(
    report: &CoverageReport,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, CoverageError> {
    let mut files: Vec<(&str, CsvFn)> = vec![
        ("coverage_proposals.csv", proposals_csv),
        ("coverage_area.csv", area_csv),
        ("coverage_at_risk.csv", at_risk_csv),
        ("coverage_gaps.csv", gaps_csv),
        ("coverage_idle_advisers.csv", idle_csv),
        ("coverage_mix.csv", mix_csv),
        ("coverage_concentration.csv", concentration_csv),
        ("coverage_teams.csv", teams_csv),
    ];
    if report.network.is_some() {
        files.push(("coverage_network.csv", network_csv));
    }
    let mut out = Vec::new();
    for (name, f) in files {
        let path = out_dir.join(name);
        f(create(&path)?, report).map_err(|source| CoverageError::Csv {
            path: path.display().to_string(),
            source,
        })?;
        out.push(path);
    }
    for (name, value) in [
        ("coverage_mix.json", &report.mix as &dyn ErasedJson),
        ("coverage_summary.json", &report.summary as &dyn ErasedJson),
    ] {
        let path = out_dir.join(name);
        value
            .write(create(&path)?)
            .map_err(|source| CoverageError::Write {
                path: path.display().to_string(),
                source,
            })?;
        out.push(path);
    }
    Ok(out)
}

/// Object-safe JSON writing for the loop above.
trait ErasedJson {
    fn write(&self, w: BufWriter<File>) -> std::io::Result<()>;
}

impl<T: serde::Serialize> ErasedJson for T {
    fn write(&self, w: BufWriter<File>) -> std::io::Result<()> {
        json(w, self)
    }
}

/// Writes `coverage_changes.csv` into `out_dir` and returns its path.
pub fn write_comparison(c: &Comparison, out_dir: &Path) -> Result<PathBuf, CoverageError> {
    let path = out_dir.join("coverage_changes.csv");
    changes_csv(create(&path)?, c).map_err(|source| CoverageError::Csv {
        path: path.display().to_string(),
        source,
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::super::*;
    use super::*;

    fn text(f: impl Fn(&mut Vec<u8>) -> Result<(), csv::Error>) -> String {
        let mut buf = Vec::new();
        f(&mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn proposal_and_area_csv_exact() {
        let ds = dataset();
        let r = compute(&input(&ds), &cfg()).unwrap();
        assert_eq!(
            text(|w| proposals_csv(w, &r)),
            "proposal_id,area_id,k,eligible,experts,best_score,kth_best_score,covered,mean_top_k,assigned,weakest_assigned\n\
             P1,AR1,2,3,2,0.900000,0.500000,true,0.700000,2,0.500000\n\
             P2,AR1,2,2,1,0.400000,0.200000,false,0.300000,2,0.200000\n\
             P3,AR2,1,0,0,,,false,0.000000,0,\n"
        );
        assert_eq!(
            text(|w| area_csv(w, &r)),
            "area_id,name,program,proposals,applicants,advisers,covered,coverage_ratio,expert_advisers,expert_capacity,exclusive_capacity,usable_capacity,demand,capacity_ratio,mean_best_k,at_risk,under_covered\n\
             AR1,Area AR1,CREST,2,3,2,1,0.500000,2,5,5,3,4,0.750000,0.500000,1,true\n\
             AR2,Area AR2,PRIME,1,1,2,0,0.000000,0,0,0,0,1,0.000000,0.000000,1,true\n\
             AR3,Area AR3,CREST,0,0,0,0,1.000000,0,0,0,0,0,,,0,false\n"
        );
        let teams = text(|w| teams_csv(w, &r));
        assert!(
            teams.contains("\noverall,,3,1,0.333333,1,0.333333,1,0.333333\n"),
            "{teams}"
        );
    }

    #[test]
    fn write_outputs_lists_every_file_and_is_byte_stable() {
        let ds = dataset();
        let r = compute(&input(&ds), &cfg()).unwrap();
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let f1 = write_outputs(&r, d1.path()).unwrap();
        let r2 = compute(&input(&ds), &cfg()).unwrap();
        let f2 = write_outputs(&r2, d2.path()).unwrap();
        assert_eq!(f1.len(), 11);
        for (a, b) in f1.iter().zip(&f2) {
            assert_eq!(
                std::fs::read(a).unwrap(),
                std::fs::read(b).unwrap(),
                "{}",
                a.display()
            );
        }
        let summary: serde_json::Value = serde_json::from_slice(
            &std::fs::read(d1.path().join("coverage_summary.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(summary["coverage_ratio"], serde_json::json!(0.333333));
        assert_eq!(summary["expertise_threshold"], serde_json::json!(0.3));
        let c = compare(d1.path(), &r).unwrap();
        let p = write_comparison(&c, d1.path()).unwrap();
        let changes = std::fs::read_to_string(p).unwrap();
        assert!(
            changes.contains("AR3,unchanged,,1.000000,1.000000,,,,\n"),
            "{changes}"
        );
    }
}
