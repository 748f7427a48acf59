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

use crate::table::num as f6;

fn of6(x: Option<f64>) -> String {
    x.map(f6).unwrap_or_default()
}

fn on<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

type Rows = Vec<Vec<String>>;

fn write_csv(w: impl Write, header: &[&str], rows: Rows) -> Result<(), csv::Error> {
    let mut wtr = crate::table::CsvWriter::new(w);
    wtr.write_record(header)?;
    for r in rows {
        wtr.write_record(&r)?;
    }
    wtr.flush()?;
    Ok(())
}

/// `coverage_proposals.csv`.
pub fn proposals_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r
        .proposals
        .iter()
        .map(|p| {
            vec![
                p.proposal_id.clone(),
                p.area_id.clone(),
                p.k.to_string(),
                p.eligible.to_string(),
                p.experts.to_string(),
                of6(p.best),
                of6(p.kth_best),
                p.covered.to_string(),
                of6(p.mean_top_k),
                on(p.assigned),
                of6(p.weakest_assigned),
            ]
        })
        .collect();
    let h = [
        "proposal_id",
        "area_id",
        "k",
        "eligible",
        "experts",
        "best_score",
        "kth_best_score",
        "covered",
        "mean_top_k",
        "assigned",
        "weakest_assigned",
    ];
    write_csv(w, &h, rows)
}

/// `coverage_area.csv` (also what [`compare`](super::compare) reads back).
pub fn area_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r
        .areas
        .iter()
        .map(|a| {
            vec![
                a.area_id.clone(),
                a.name.clone(),
                a.program.clone(),
                a.proposals.to_string(),
                a.applicants.to_string(),
                a.advisers.to_string(),
                a.covered.to_string(),
                f6(a.coverage_ratio),
                a.expert_advisers.to_string(),
                a.expert_capacity.to_string(),
                a.exclusive_capacity.to_string(),
                a.usable_capacity.to_string(),
                a.demand.to_string(),
                of6(a.capacity_ratio),
                of6(a.mean_best_k),
                a.at_risk.to_string(),
                a.under_covered.to_string(),
            ]
        })
        .collect();
    let h = [
        "area_id",
        "name",
        "program",
        "proposals",
        "applicants",
        "advisers",
        "covered",
        "coverage_ratio",
        "expert_advisers",
        "expert_capacity",
        "exclusive_capacity",
        "usable_capacity",
        "demand",
        "capacity_ratio",
        "mean_best_k",
        "at_risk",
        "under_covered",
    ];
    write_csv(w, &h, rows)
}

/// `coverage_at_risk.csv`.
pub fn at_risk_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r
        .at_risk
        .iter()
        .map(|a| {
            vec![
                a.proposal_id.clone(),
                a.area_id.clone(),
                a.experts.to_string(),
                a.k.to_string(),
                of6(a.best),
                a.reason.clone(),
            ]
        })
        .collect();
    write_csv(
        w,
        &[
            "proposal_id",
            "area_id",
            "experts",
            "k",
            "best_score",
            "reason",
        ],
        rows,
    )
}

/// `coverage_gaps.csv`.
pub fn gaps_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r
        .gaps
        .iter()
        .map(|g| {
            vec![
                g.area_id.clone(),
                g.rank.to_string(),
                g.term.clone(),
                g.source.as_str().to_string(),
                g.proposals_affected.to_string(),
                f6(g.best_adviser_weight),
                g.example_proposals.join(";"),
            ]
        })
        .collect();
    let h = [
        "area_id",
        "rank",
        "term",
        "source",
        "proposals_affected",
        "best_adviser_weight",
        "example_proposals",
    ];
    write_csv(w, &h, rows)
}

/// `coverage_idle_advisers.csv`.
pub fn idle_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r
        .idle_advisers
        .iter()
        .map(|a| {
            vec![
                a.adviser_id.clone(),
                a.areas.join(";"),
                a.max_load.to_string(),
                a.eligible_proposals.to_string(),
                of6(a.best_score),
                a.top_terms.join(";"),
            ]
        })
        .collect();
    let h = [
        "adviser_id",
        "areas",
        "max_load",
        "eligible_proposals",
        "best_score",
        "top_terms",
    ];
    write_csv(w, &h, rows)
}

fn scope_cells(m: &ScopeMix) -> [String; 2] {
    match &m.area_id {
        None => ["overall".into(), String::new()],
        Some(a) => ["area".into(), a.clone()],
    }
}

/// `coverage_mix.csv`: one row per category.
pub fn mix_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let mut rows = Vec::new();
    for m in &r.mix {
        let [scope, area] = scope_cells(m);
        for d in &m.distributions {
            for c in &d.categories {
                rows.push(vec![
                    scope.clone(),
                    area.clone(),
                    d.population.clone(),
                    d.dimension.clone(),
                    c.name.clone(),
                    c.count.to_string(),
                    f6(c.share),
                    of6(c.budget),
                    of6(c.budget_share),
                ]);
            }
        }
    }
    let h = [
        "scope",
        "area_id",
        "population",
        "dimension",
        "category",
        "count",
        "share",
        "budget",
        "budget_share",
    ];
    write_csv(w, &h, rows)
}

/// `coverage_concentration.csv`: HHI and entropy per distribution (empty
/// figures when nothing was counted).
pub fn concentration_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let mut rows = Vec::new();
    for m in &r.mix {
        let [scope, area] = scope_cells(m);
        for d in &m.distributions {
            let c = d.concentration;
            rows.push(vec![
                scope.clone(),
                area.clone(),
                d.population.clone(),
                d.dimension.clone(),
                c.map_or(0, |c| c.total).to_string(),
                c.map_or(0, |c| c.categories).to_string(),
                of6(c.map(|c| c.hhi)),
                of6(c.map(|c| c.effective_hhi)),
                of6(c.map(|c| c.entropy)),
                of6(c.map(|c| c.effective_entropy)),
            ]);
        }
    }
    let h = [
        "scope",
        "area_id",
        "population",
        "dimension",
        "total",
        "categories",
        "hhi",
        "effective_hhi",
        "entropy",
        "effective_entropy",
    ];
    write_csv(w, &h, rows)
}

/// `coverage_teams.csv`.
pub fn teams_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r
        .mix
        .iter()
        .map(|m| {
            let [scope, area] = scope_cells(m);
            let t = &m.teams;
            vec![
                scope,
                area,
                t.proposals.to_string(),
                t.multi_institution.to_string(),
                of6(t.multi_institution_share),
                t.multi_sector.to_string(),
                of6(t.multi_sector_share),
                t.academia_industry.to_string(),
                of6(t.academia_industry_share),
            ]
        })
        .collect();
    let h = [
        "scope",
        "area_id",
        "proposals",
        "multi_institution",
        "multi_institution_share",
        "multi_sector",
        "multi_sector_share",
        "academia_industry",
        "academia_industry_share",
    ];
    write_csv(w, &h, rows)
}

/// `coverage_network.csv`; writes nothing but the header when there is no
/// network section.
pub fn network_csv(w: impl Write, r: &CoverageReport) -> Result<(), csv::Error> {
    let rows = r
        .network
        .iter()
        .flatten()
        .map(|n| {
            vec![
                n.area_id.clone(),
                n.researchers.to_string(),
                on(n.in_largest),
                of6(n.largest_share),
                on(n.internal_edges),
                on(n.cross_institution_edges),
                of6(n.cross_institution_share),
                on(n.cross_sector_edges),
                of6(n.cross_sector_share),
                on(n.communities),
            ]
        })
        .collect();
    let h = [
        "area_id",
        "researchers",
        "in_largest",
        "largest_share",
        "internal_edges",
        "cross_institution_edges",
        "cross_institution_share",
        "cross_sector_edges",
        "cross_sector_share",
        "communities",
    ];
    write_csv(w, &h, rows)
}

/// `coverage_changes.csv`.
pub fn changes_csv(w: impl Write, c: &Comparison) -> Result<(), csv::Error> {
    let rows = c
        .areas
        .iter()
        .map(|a| {
            vec![
                a.area_id.clone(),
                a.change.as_str().to_string(),
                a.decided_by.unwrap_or("").to_string(),
                of6(a.coverage_ratio_before),
                of6(a.coverage_ratio_after),
                of6(a.capacity_ratio_before),
                of6(a.capacity_ratio_after),
                of6(a.mean_best_k_before),
                of6(a.mean_best_k_after),
            ]
        })
        .collect();
    let h = [
        "area_id",
        "change",
        "decided_by",
        "coverage_ratio_before",
        "coverage_ratio_after",
        "capacity_ratio_before",
        "capacity_ratio_after",
        "mean_best_k_before",
        "mean_best_k_after",
    ];
    write_csv(w, &h, rows)
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
