//! End-to-end tests of `rdmatch run` and the stage subcommands on the tiny
//! fixture and the bundled sample.

mod common;

use std::path::Path;

use common::*;

fn run_into(data: &Path, out: &Path, run_id: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "run",
        "--quiet",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--run-id",
        run_id,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn csv_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    v.sort();
    v
}

#[test]
fn sample_run_writes_a_complete_folder_and_reruns_identically() {
    let out = tempfile::tempdir().unwrap();
    let data = root().join("data/sample");
    let first = run_into(&data, out.path(), "first", &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let d1 = out.path().join("first");
    for f in [
        "report.html",
        "report.md",
        "summary.json",
        "assignment.xlsx",
        "manifest.json",
        "assignment.csv",
        "alternates.csv",
        "loads.csv",
        "conflicts.csv",
        "scores.csv",
        "coverage_area.csv",
        "coverage_proposals.csv",
        "coverage_gaps.csv",
        "network_summary.json",
        "network_nodes.csv",
        "network_communities.csv",
        "network_years.csv",
        "network.gexf",
        "vosviewer_map.txt",
        "vosviewer_network.txt",
        "validation.txt",
    ] {
        assert!(d1.join(f).is_file(), "missing {f}");
    }
    // Every community has a label, in the CSV and in the chart's legend
    // (which never falls back to "community N" on the sample).
    let comms = std::fs::read_to_string(d1.join("network_communities.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(comms.as_bytes());
    assert_eq!(&rdr.headers().unwrap()[1], "label");
    let mut labelled = 0;
    for row in rdr.records() {
        let row = row.unwrap();
        assert!(
            row[1].contains(" · "),
            "community {} label {:?}",
            &row[0],
            &row[1]
        );
        labelled += 1;
    }
    assert!(labelled > 1, "{labelled} communities");
    let svg = std::fs::read_to_string(d1.join("charts/network.svg")).unwrap();
    assert!(!svg.contains(">community "), "unlabelled legend entry");
    assert!(
        svg.contains(" · "),
        "legend shows institution · sector lines"
    );
    let charts: Vec<_> = std::fs::read_dir(d1.join("charts")).unwrap().collect();
    assert!(
        charts.len() >= 18,
        "expected 9 charts × (svg, png), found {}",
        charts.len()
    );
    // latest points to the run.
    let latest = std::fs::read_link(out.path().join("latest")).unwrap();
    assert!(latest.ends_with("first"), "{latest:?}");

    // Same inputs → byte-identical CSVs, and an empty "what changed".
    let second = run_into(&data, out.path(), "second", &[]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    let d2 = out.path().join("second");
    let files = csv_files(&d1);
    assert_eq!(files, csv_files(&d2));
    for f in &files {
        assert_eq!(
            std::fs::read(d1.join(f)).unwrap(),
            std::fs::read(d2.join(f)).unwrap(),
            "{f} differs between identical runs"
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d2.join("summary.json")).unwrap()).unwrap();
    let s = summary.to_string();
    assert!(
        s.contains("first"),
        "second run should compare with the first: {s}"
    );
    let md = std::fs::read_to_string(d2.join("report.md")).unwrap();
    assert!(
        md.to_lowercase().contains("no changes"),
        "what-changed section should say no changes:\n{md}"
    );
}

#[test]
fn manifest_hashes_match_the_inputs() {
    use sha2::{Digest, Sha256};
    let out = tempfile::tempdir().unwrap();
    let o = run_into(&tiny(), out.path(), "m", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("m/manifest.json")).unwrap())
            .unwrap();
    let inputs = m["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 10, "{m}"); // nine CSV files and rdmatch.toml
    for i in inputs {
        let file = i["file"].as_str().unwrap();
        let want = format!(
            "{:x}",
            Sha256::digest(std::fs::read(tiny().join(file)).unwrap())
        );
        assert_eq!(i["sha256"].as_str().unwrap(), want, "{file}");
    }
    for o in m["outputs"].as_array().unwrap() {
        let file = o["file"].as_str().unwrap();
        let want = format!(
            "{:x}",
            Sha256::digest(std::fs::read(out.path().join("m").join(file)).unwrap())
        );
        assert_eq!(o["sha256"].as_str().unwrap(), want, "{file}");
    }
    assert!(m["config_toml"]
        .as_str()
        .unwrap()
        .contains("reviewers_per_proposal"));
}

#[test]
fn report_escapes_html_and_csv_neutralises_formulas() {
    let data = tiny_copy();
    let p = data.path().join("proposals.csv");
    let s = std::fs::read_to_string(&p).unwrap().replace(
        "CAR-T cells against solid tumours",
        "<script>alert(1)</script>",
    );
    std::fs::write(&p, s).unwrap();
    let a = data.path().join("areas.csv");
    let s = std::fs::read_to_string(&a)
        .unwrap()
        .replace("Cancer immunotherapy,CREST", "=SUM(A1:A9),CREST");
    std::fs::write(&a, s).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run_into(data.path(), out.path(), "x", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let html = std::fs::read_to_string(out.path().join("x/report.html")).unwrap();
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "unescaped title in report.html"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped title missing"
    );
    assert!(
        !html.contains("<script"),
        "report.html must carry no script at all"
    );
    let cov = std::fs::read_to_string(out.path().join("x/coverage_area.csv")).unwrap();
    assert!(
        cov.contains("'=SUM(A1:A9)"),
        "formula not neutralised:\n{cov}"
    );
    assert!(!cov.contains(",=SUM"), "raw formula cell:\n{cov}");
}

#[test]
fn failed_run_leaves_no_partial_folder_and_latest_unchanged() {
    let out = tempfile::tempdir().unwrap();
    let ok = run_into(&tiny(), out.path(), "good", &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let bad = bin()
        .args([
            "run",
            "--quiet",
            "--data",
            tiny().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--run-id",
            "bad",
        ])
        .env("RDMATCH_TEST_FAIL_AFTER_OUTPUTS", "1")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("bad")),
        "partial folder left: {names:?}"
    );
    assert!(std::fs::read_link(out.path().join("latest"))
        .unwrap()
        .ends_with("good"));
}

#[test]
fn infeasible_assignment_exits_3_with_a_diagnosis() {
    let data = tiny_copy();
    std::fs::write(
        data.path().join("rdmatch.toml"),
        "[assign]\nreviewers_per_proposal = 4\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "assign",
        "--data",
        data.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(3), "{all}");
    assert!(
        all.contains("need"),
        "diagnosis should give the numbers: {all}"
    );
    assert!(
        all.contains("P01") || all.contains("P02") || all.contains("P03"),
        "diagnosis should name proposals: {all}"
    );
}

#[test]
fn standalone_assign_from_a_scores_file() {
    let tmp = tempfile::tempdir().unwrap();
    let scores = tmp.path().join("scores.csv");
    let o = run(&[
        "score",
        "--quiet",
        "--data",
        tiny().to_str().unwrap(),
        "--all-pairs",
        "--out",
        scores.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let conflicts = tmp.path().join("conflicts.csv");
    let o = run(&[
        "conflicts",
        "--quiet",
        "--data",
        tiny().to_str().unwrap(),
        "--out",
        conflicts.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = tmp.path().join("out/assignment.csv");
    let o = run(&[
        "assign",
        "--scores",
        scores.to_str().unwrap(),
        "--conflicts",
        conflicts.to_str().unwrap(),
        "--reviewers-per-proposal",
        "1",
        "--max-load",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let a = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = a.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{a}");
    // The declared conflict R04–P03 must not be assigned.
    assert!(!rows.iter().any(|r| r.starts_with("P03,R04")), "{a}");
    assert!(tmp.path().join("out/loads.csv").is_file());
    assert!(tmp.path().join("out/alternates.csv").is_file());
}

#[test]
fn generated_set_loads_with_exact_counts_and_is_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for d in [a.path(), b.path()] {
        let o = run(&[
            "generate",
            "--quiet",
            "--out",
            d.to_str().unwrap(),
            "--researchers",
            "600",
            "--proposals",
            "90",
            "--advisers",
            "80",
            "--areas",
            "5",
            "--seed",
            "7",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let mut names: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for n in &names {
        let (pa, pb) = (a.path().join(n), b.path().join(n));
        if pa.is_file() {
            assert_eq!(
                std::fs::read(&pa).unwrap(),
                std::fs::read(&pb).unwrap(),
                "{n:?} differs for the same seed"
            );
        }
    }
    let o = run(&["validate", "--data", a.path().to_str().unwrap()]);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(0), "{all}");
    for (file, rows) in [
        ("researchers.csv", 600),
        ("proposals.csv", 90),
        ("advisers.csv", 80),
        ("areas.csv", 5),
    ] {
        assert_eq!(row_counts(&all, file), vec![rows, rows, 0], "{file}");
    }
    // Every data row of every file is accepted.
    for line in all.lines().filter(|l| l.contains(".csv ")) {
        let nums: Vec<usize> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|x| x.parse().ok())
            .collect();
        if nums.len() == 3 {
            assert_eq!(nums[0], nums[1], "{line}");
        }
    }
}

/// An infeasible call still gets its report (with the diagnosis), for cron;
/// the exit code says it failed.
#[test]
fn infeasible_run_writes_the_report_and_exits_3() {
    let data = tiny_copy();
    std::fs::write(
        data.path().join("rdmatch.toml"),
        "[assign]\nreviewers_per_proposal = 3\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run_into(data.path(), out.path(), "inf", &[]);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(3), "{all}");
    assert!(
        all.contains("proposals P01, P02, P03 need 9 advisers"),
        "{all}"
    );
    let dir = out.path().join("inf");
    let diag = std::fs::read_to_string(dir.join("diagnosis.txt")).unwrap();
    assert!(diag.contains("demand: 9 adviser places"), "{diag}");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.contains("no assignment satisfies every rule"),
        "report lacks the diagnosis"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["feasible"],
        serde_json::Value::Bool(false),
        "{summary}"
    );
}

/// The stage subcommands on the bundled sample write their documented files.
#[test]
fn stage_subcommands_on_the_sample() {
    let data = root().join("data/sample");
    let d = data.to_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let t = |name: &str| tmp.path().join(name).to_str().unwrap().to_string();

    let o = run(&["score", "--quiet", "--data", d, "--out", &t("top.csv")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let top = std::fs::read_to_string(t("top.csv")).unwrap();
    assert!(
        top.starts_with("proposal_id,researcher_id,score,text,keywords,area,top_terms,conflict\n")
    );
    assert_eq!(top.lines().count() - 1, 500 * 20, "500 proposals × top 20");
    let o = run(&[
        "score",
        "--quiet",
        "--data",
        d,
        "--all-pairs",
        "--out",
        &t("all.csv"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let all = std::fs::read_to_string(t("all.csv")).unwrap();
    assert_eq!(
        all.lines().count() - 1,
        500 * 300,
        "every adviser–proposal pair"
    );

    let o = run(&[
        "conflicts",
        "--quiet",
        "--data",
        d,
        "--out",
        &t("conflicts.csv"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let c = std::fs::read_to_string(t("conflicts.csv")).unwrap();
    assert!(c.starts_with("proposal_id,researcher_id,excluded,reasons,evidence\n"));
    assert!(
        c.contains("declared"),
        "the sample's declared conflicts must appear"
    );

    let o = run(&["network", "--quiet", "--data", d, "--out", &t("net")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let s: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tmp.path().join("net/network_summary.json")).unwrap(),
    )
    .unwrap();
    for key in [
        "nodes",
        "edges",
        "components",
        "largest_component_nodes",
        "average_clustering",
        "transitivity",
        "modularity",
        "cross_institution_edge_share",
    ] {
        assert!(s.get(key).is_some(), "network_summary.json lacks {key}");
    }
    assert_eq!(s["nodes"], 2000);
    for f in [
        "network_nodes.csv",
        "network_communities.csv",
        "mixing_sector.csv",
        "mixing_area.csv",
    ] {
        assert!(tmp.path().join("net").join(f).is_file(), "{f}");
    }

    let o = run(&["coverage", "--quiet", "--data", d, "--out", &t("cov")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&[
        "coverage",
        "--quiet",
        "--data",
        d,
        "--out",
        &t("cov2"),
        "--previous",
        &t("cov"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let changes = std::fs::read_to_string(tmp.path().join("cov2/coverage_changes.csv")).unwrap();
    let rows: Vec<&str> = changes.lines().skip(1).collect();
    assert_eq!(rows.len(), 12, "{changes}");
    assert!(
        rows.iter().all(|r| r.contains(",unchanged,")),
        "same inputs must be unchanged:\n{changes}"
    );
}

/// locks.csv: a must-not lock is a hard rule (here it leaves P01 with no
/// eligible adviser, and the diagnosis counts it); a must lock on a
/// conflicted pair is a contradiction reported by name.
#[test]
fn locks_are_hard_rules() {
    let data = tiny_copy();
    let out = tempfile::tempdir().unwrap();
    let assign_with = |lock_row: &str| {
        std::fs::write(
            data.path().join("locks.csv"),
            format!("proposal_id,researcher_id,lock\n{lock_row}\n"),
        )
        .unwrap();
        let o = run(&[
            "assign",
            "--data",
            data.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ]);
        (o.status.code(), text(&o))
    };

    let (code, all) = assign_with("P01,R04,must-not");
    assert_eq!(code, Some(3), "{all}");
    assert!(
        all.contains("proposal P01 needs 1 advisers but has 0 eligible"),
        "{all}"
    );
    assert!(all.contains("1 lock"), "{all}");

    let (code, all) = assign_with("P03,R05,must");
    assert_eq!(code, Some(1), "{all}");
    assert!(all.contains("pins adviser R05 to proposal P03 as must, but a conflict of interest excludes the pair"), "{all}");

    let (code, all) = assign_with("P03,R05,maybe");
    assert_eq!(code, Some(1), "{all}");
    assert!(
        all.contains("locks.csv:2: column 'lock': \"maybe\" is not a lock; use must or must-not"),
        "{all}"
    );
}

/// Regression (`score --top 5` listed conflicted pairs without saying so):
/// every pair a rule excludes is marked in the `conflict` column with its
/// reasons, exactly the excluded pairs of conflicts.csv; with
/// --exclude-conflicts none is listed.
#[test]
fn regression_score_top_marks_conflicted_pairs() {
    let data = root().join("data/sample");
    let d = data.to_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let t = |name: &str| tmp.path().join(name).to_str().unwrap().to_string();
    let o = run(&[
        "score",
        "--quiet",
        "--data",
        d,
        "--top",
        "5",
        "--out",
        &t("top.csv"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&["conflicts", "--quiet", "--data", d, "--out", &t("c.csv")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut excluded = std::collections::HashMap::new();
    let mut r = csv::Reader::from_path(t("c.csv")).unwrap();
    for row in r.records() {
        let row = row.unwrap();
        if &row[2] == "true" {
            excluded.insert((row[0].to_string(), row[1].to_string()), row[3].to_string());
        }
    }
    let mut r = csv::Reader::from_path(t("top.csv")).unwrap();
    assert_eq!(&r.headers().unwrap()[7], "conflict");
    let (mut rows, mut marked) = (0, 0);
    for row in r.records() {
        let row = row.unwrap();
        rows += 1;
        match excluded.get(&(row[0].to_string(), row[1].to_string())) {
            Some(reasons) => {
                marked += 1;
                assert!(
                    !row[7].is_empty()
                        && reasons.contains(&row[7][..row[7].find(';').unwrap_or(row[7].len())]),
                    "{row:?} vs {reasons}"
                );
            }
            None => assert_eq!(&row[7], "", "{row:?}"),
        }
    }
    assert_eq!(rows, 500 * 5);
    assert!(
        marked > 100,
        "the sample's top 5 holds conflicted pairs ({marked})"
    );
    let o = run(&[
        "score",
        "--quiet",
        "--data",
        d,
        "--top",
        "5",
        "--exclude-conflicts",
        "--out",
        &t("clean.csv"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut r = csv::Reader::from_path(t("clean.csv")).unwrap();
    let mut n = 0;
    for row in r.records() {
        let row = row.unwrap();
        n += 1;
        assert!(
            !excluded.contains_key(&(row[0].to_string(), row[1].to_string())),
            "{row:?}"
        );
        assert_eq!(&row[7], "");
    }
    assert_eq!(n, 500 * 5);
}

/// Regression (80,592 two-hop pairs flooding conflicts.csv while the
/// assigned flagged pair was marked nowhere): two-hop paths are summarised
/// per proposal in two_hop.csv, and every assigned pair with a flag is
/// marked in assignment.csv, report.html and assignment.xlsx.
#[test]
fn regression_two_hop_flood_summarised_and_assigned_flags_marked() {
    let out = tempfile::tempdir().unwrap();
    let data = root().join("data/sample");
    let o = run_into(&data, out.path(), "r", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let d = out.path().join("r");
    let conflicts = std::fs::read_to_string(d.join("conflicts.csv")).unwrap();
    let rows = conflicts.lines().count() - 1;
    assert!(rows < 20_000, "conflicts.csv has {rows} rows");
    assert!(
        !conflicts.contains("two hops"),
        "two-hop paths are listed in conflicts.csv"
    );
    // Every excluded row has evidence.
    let mut r = csv::Reader::from_reader(conflicts.as_bytes());
    for row in r.records() {
        let row = row.unwrap();
        assert!(!row[4].is_empty(), "no evidence: {row:?}");
    }
    let summary = std::fs::read_to_string(d.join("two_hop.csv")).unwrap();
    assert!(summary
        .starts_with("proposal_id,advisers_two_hops,strongest_adviser,member,via,joint_papers\n"));
    assert!(summary.lines().count() > 100, "{summary}");

    let mut r = csv::Reader::from_path(d.join("assignment.csv")).unwrap();
    let fi = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "flags")
        .expect("flags column");
    let flagged: Vec<(String, String, String)> = r
        .records()
        .map(|x| x.unwrap())
        .filter(|x| !x[fi].is_empty())
        .map(|x| (x[0].to_string(), x[1].to_string(), x[fi].to_string()))
        .collect();
    assert!(!flagged.is_empty(), "the sample assigns flagged pairs");
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"conflicts\">"));
    assert!(html.contains(&format!("Assigned pairs with a flag ({})", flagged.len())));
    use calamine::Reader as _;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(d.join("assignment.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Conflicts").unwrap();
    let cells: std::collections::HashSet<(String, String)> = sheet
        .rows()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    for (p, a, _) in &flagged {
        assert!(
            html.contains(&format!("<tr><td>{p}</td>")) && html.contains(&format!("({a})</td>")),
            "{p} {a} not in report.html"
        );
        assert!(
            cells.contains(&(p.clone(), a.clone())),
            "{p} {a} not in the Conflicts sheet"
        );
    }
}

/// The standalone `--conflicts` file from the CLI: a blank `excluded` cell
/// excludes, a case-mismatched ID is applied and warned about on stderr
/// with its line.
#[test]
fn standalone_conflicts_fail_closed_and_warn() {
    let tmp = tempfile::tempdir().unwrap();
    let s = tmp.path().join("scores.csv");
    std::fs::write(
        &s,
        "proposal_id,researcher_id,score\nP1,R1,0.9\nP1,R2,0.5\nP2,R1,0.4\nP2,R2,0.3\n",
    )
    .unwrap();
    let c = tmp.path().join("conflicts.csv");
    std::fs::write(
        &c,
        "proposal_id,researcher_id,excluded\nP1,R1,\np2,r2,true\n",
    )
    .unwrap();
    let out = tmp.path().join("a.csv");
    let o = run(&[
        "assign",
        "--scores",
        s.to_str().unwrap(),
        "--conflicts",
        c.to_str().unwrap(),
        "--reviewers-per-proposal",
        "1",
        "--max-load",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(0), "{all}");
    assert!(all.contains("conflicts.csv:3: column 'proposal_id': \"p2\" differs only by case from the scores file's \"P2\""), "{all}");
    assert!(
        all.contains("conflicts.csv:3: column 'researcher_id': \"r2\" differs only by case"),
        "{all}"
    );
    let a = std::fs::read_to_string(&out).unwrap();
    // P1–R1 (blank excluded) and P2–R2 (case) are conflicts: P1 gets R2, P2 gets R1.
    assert!(a.contains("P1,R2,") && a.contains("P2,R1,"), "{a}");
}
