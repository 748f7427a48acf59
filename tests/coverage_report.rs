//! Coverage and the report on a call that cannot be assigned because one
//! area is short of shared advisers (tests/fixtures/short_area: A01 and A05
//! share advisers R11 and R12, load 2 each; A05's three proposals need six
//! expert places and can get five once A01 is served), and on the sample.

mod common;

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use common::*;

fn short_area() -> PathBuf {
    root().join("tests/fixtures/short_area")
}

/// Runs `rdmatch run` into a fresh folder; returns (tempdir, run folder).
fn run_into(data: &Path, expect: i32) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "run",
        "--quiet",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--run-id",
        "R1",
    ]);
    assert_eq!(o.status.code(), Some(expect), "{}", text(&o));
    let dir = out.path().join("R1");
    (out, dir)
}

fn area_row(csv: &str, area: &str) -> std::collections::BTreeMap<String, String> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let h = r.headers().unwrap().clone();
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[0] == area {
            return h
                .iter()
                .zip(rec.iter())
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
        }
    }
    panic!("no row for {area}:\n{csv}");
}

fn workbook(dir: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    calamine::open_workbook(dir.join("assignment.xlsx")).unwrap()
}

fn cells(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = wb.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

/// The quoted problem: "coverage_area.csv says A05 is fine (capacity_ratio
/// 1.285714, under_covered false, at_risk 0) and the report's card shows
/// 100.0% coverage, because an adviser who serves several areas is counted
/// with the full max_load in each."
#[test]
fn a05_short_of_shared_advisers_is_under_covered_in_every_output() {
    let (_t, dir) = run_into(&short_area(), 3);
    // coverage_area.csv: every proposal has K experts (coverage 1), the
    // shared figure (9) exceeds demand (6), but only 5 places are usable.
    let area = std::fs::read_to_string(dir.join("coverage_area.csv")).unwrap();
    let a05 = area_row(&area, "A05");
    assert_eq!(a05["coverage_ratio"], "1.000000");
    assert_eq!(a05["expert_capacity"], "9", "shared figure: {a05:?}");
    assert_eq!(a05["exclusive_capacity"], "5");
    assert_eq!(a05["usable_capacity"], "5");
    assert_eq!(a05["demand"], "6");
    assert_eq!(a05["capacity_ratio"], "0.833333");
    assert_eq!(a05["under_covered"], "true");
    // A01 competes for the same two advisers: 3 of its 4 places once A05 is
    // served, so it is under-covered too.
    let a01 = area_row(&area, "A01");
    assert_eq!(
        (
            a01["usable_capacity"].as_str(),
            a01["under_covered"].as_str()
        ),
        ("3", "true")
    );
    let summary = std::fs::read_to_string(dir.join("coverage_summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(v["under_covered_areas"], serde_json::json!(["A01", "A05"]));
    assert_eq!(v["usable_capacity"], 9);
    // report.html: the diagnosis first, then A05 among the under-covered.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let attention = html.find("<section id=\"attention\">").unwrap();
    assert!(attention < html.find("<section id=\"summary\">").unwrap());
    let diag = html.find("No feasible assignment").unwrap();
    assert!(diag > attention && diag < html.find("<section id=\"summary\">").unwrap());
    assert!(
        html.contains("Under-covered areas (2)"),
        "no under-covered table"
    );
    assert!(html.contains("<td class=\"n\">5 / 6</td><td class=\"n\">0.833</td>"));
    assert!(
        html.contains("<div class=\"v\">A01, A05</div><div class=\"k\">Under-covered areas</div>")
    );
    // report.md
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains("| Regenerative medicine (A05) | 100.0% | 5 / 6 | 0.833 | 9 |"),
        "{md}"
    );
    assert!(md.contains("| Under-covered areas | A01, A05 |"));
    // The chart draws the lower of coverage and capacity, marked.
    let svg = std::fs::read_to_string(dir.join("charts/coverage_by_area.svg")).unwrap();
    assert!(
        svg.contains("A05 (under-covered)"),
        "chart does not mark the area"
    );
    assert!(svg.contains("0.83"), "chart does not show A05's 0.83");
    // assignment.xlsx Summary sheet: the coverage table says so too.
    let mut wb = workbook(&dir);
    let rows = cells(&mut wb, "Summary");
    let head = rows
        .iter()
        .position(|r| cell_text(&r[0]) == "Area")
        .unwrap();
    let cols: Vec<String> = rows[head].iter().map(cell_text).collect();
    let a05 = rows.iter().find(|r| cell_text(&r[0]) == "A05").unwrap();
    let at = |name: &str| cell_text(&a05[cols.iter().position(|c| c == name).unwrap()]);
    assert_eq!(
        (at("Usable capacity"), at("Demand"), at("Under-covered")),
        ("5".into(), "6".into(), "yes".into())
    );
}

/// The first character position of a negative zero (`-0`, `-0.000`, not
/// followed by another digit) in `s`, if any.
fn negative_zero(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(k) = s[i..].find("-0") {
        let start = i + k;
        let mut j = start + 2;
        if j < b.len() && b[j] == b'.' {
            j += 1;
            while j < b.len() && b[j] == b'0' {
                j += 1;
            }
        }
        let digit_before = start > 0 && b[start - 1].is_ascii_alphanumeric();
        if !digit_before && (j >= b.len() || !b[j].is_ascii_digit()) {
            return Some(start);
        }
        i = start + 2;
    }
    None
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn no_negative_zero_in_any_output_of_the_sample_or_an_infeasible_run() {
    assert_eq!(negative_zero("total -0.000 here"), Some(6));
    assert_eq!(negative_zero("x=-0,"), Some(2));
    assert_eq!(negative_zero("-0.032347 and R-001 and 2020-01"), None);
    for (data, code) in [(root().join("data/sample"), 0), (short_area(), 3)] {
        let (_t, dir) = run_into(&data, code);
        let mut all = Vec::new();
        files(&dir, &mut all);
        assert!(all.len() > 20, "{all:?}");
        for p in all {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            match ext {
                "png" => continue,
                "xlsx" => {
                    let mut wb: Xlsx<_> = calamine::open_workbook(&p).unwrap();
                    for name in wb.sheet_names() {
                        for row in cells(&mut wb, &name) {
                            for c in row {
                                if let Data::Float(f) = c {
                                    assert!(
                                        !(f == 0.0 && f.is_sign_negative()),
                                        "{}: sheet {name}: -0",
                                        p.display()
                                    );
                                }
                                let t = cell_text(&c);
                                assert!(
                                    negative_zero(&t).is_none(),
                                    "{}: sheet {name}: {t}",
                                    p.display()
                                );
                            }
                        }
                    }
                }
                _ => {
                    let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
                    // The configuration echo and base64 images are not figures.
                    let text: String = text
                        .split("base64,")
                        .enumerate()
                        .map(|(i, part)| {
                            if i == 0 {
                                part
                            } else {
                                part.split_once('"').map_or("", |x| x.1)
                            }
                        })
                        .collect();
                    if let Some(i) = negative_zero(&text) {
                        let from = text[..i].char_indices().rev().nth(60).map_or(0, |c| c.0);
                        panic!(
                            "{}: negative zero: …{}…",
                            p.display(),
                            &text[from..(i + 10).min(text.len())]
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn workbook_has_the_adviser_view_portfolio_and_notes() {
    let (_t, dir) = run_into(&root().join("data/sample"), 0);
    let mut wb = workbook(&dir);
    let names = wb.sheet_names();
    for s in [
        "Summary",
        "Adviser loads",
        "Adviser view",
        "Portfolio",
        "Notes",
    ] {
        assert!(names.iter().any(|n| n == s), "no sheet {s}: {names:?}");
    }
    // Notes: the same definitions as report.html, word for word.
    let notes = cells(&mut wb, "Notes");
    for d in rdmatch::report::definitions::ALL.iter() {
        assert!(
            notes
                .iter()
                .any(|r| cell_text(&r[0]) == d.term && cell_text(&r[1]) == d.text),
            "Notes lacks {}",
            d.term
        );
    }
    // Adviser view: every assigned pair of assignment.csv once, under its adviser.
    let view = cells(&mut wb, "Adviser view");
    let mut pairs: Vec<(String, String)> = view[1..]
        .iter()
        .filter(|r| !cell_text(&r[7]).is_empty())
        .map(|r| (cell_text(&r[0]), cell_text(&r[7])))
        .collect();
    pairs.sort();
    let mut csv_pairs: Vec<(String, String)> = csv::Reader::from_path(dir.join("assignment.csv"))
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].to_string(), r[0].to_string())
        })
        .collect();
    csv_pairs.sort();
    assert!(!pairs.is_empty());
    assert_eq!(pairs, csv_pairs);
    // Portfolio: the overall applicants' sector HHI equals coverage_concentration.csv's.
    let pf = cells(&mut wb, "Portfolio");
    let row = pf
        .iter()
        .find(|r| {
            cell_text(&r[0]) == "overall"
                && cell_text(&r[1]) == "applicants"
                && cell_text(&r[2]) == "sector"
        })
        .unwrap();
    let Data::Float(hhi) = row[7] else {
        panic!("no HHI: {row:?}")
    };
    let conc = std::fs::read_to_string(dir.join("coverage_concentration.csv")).unwrap();
    let line = conc
        .lines()
        .find(|l| l.starts_with("overall,,applicants,sector,"))
        .unwrap();
    let csv_hhi: f64 = line.split(',').nth(6).unwrap().parse().unwrap();
    assert!((hhi - csv_hhi).abs() < 1e-6, "{hhi} vs {csv_hhi}");
    assert!(!cell_text(&row[11]).is_empty(), "no reading");
}
