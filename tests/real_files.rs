//! Files as real tools write them: Excel's CRLF, CP932 and "Unicode text"
//! (UTF-16LE TSV with a BOM), European Excel's semicolons, old Mac CR-only
//! files, .xlsx workbooks; `--keep-going`; score files from other tools.
//! Each variant is written from the bundled sample by the test itself.

mod common;

use std::path::Path;

use common::*;

/// Every CSV of the sample, parsed, so variants can be written from the
/// records rather than by text substitution.
fn sample_tables() -> Vec<(String, Vec<Vec<String>>)> {
    let dir = root().join("data/sample");
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    names.sort();
    for p in names {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&p)
            .unwrap();
        let rows = r
            .records()
            .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
            .collect();
        out.push((p.file_stem().unwrap().to_string_lossy().into_owned(), rows));
    }
    out
}

fn write_delimited(rows: &[Vec<String>], delimiter: u8, terminator: &str) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    text.replace('\n', terminator)
}

/// Runs `assign` and `validate` on `dir`; returns assignment.csv and the
/// per-file (read, accepted, rejected) counts.
fn assign_and_counts(dir: &Path, out: &Path) -> (Vec<u8>, Vec<(String, Vec<usize>)>) {
    let o = run(&[
        "assign",
        "--quiet",
        "--data",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v = run(&["validate", "--data", dir.to_str().unwrap()]);
    let all = text(&v);
    assert_eq!(v.status.code(), Some(0), "{all}");
    let counts = sample_tables()
        .iter()
        .map(|(stem, _)| {
            let line = all
                .lines()
                .find(|l| l.starts_with(&format!("{stem}.")))
                .unwrap_or_else(|| panic!("no count line for {stem} in\n{all}"));
            let nums: Vec<usize> = line
                .split_whitespace()
                .skip(1)
                .take(3)
                .filter_map(|x| x.parse().ok())
                .collect();
            (stem.clone(), nums)
        })
        .collect();
    (std::fs::read(out.join("assignment.csv")).unwrap(), counts)
}

/// The text with every character CP932 cannot hold replaced by its base
/// letter (ü → u) or `?`.
fn cp932_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut buf = [0u8; 4];
            let (_, _, bad) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
            match (bad, c) {
                (false, _) => c,
                (true, 'ü') => 'u',
                (true, _) => '?',
            }
        })
        .collect()
}

fn write_xlsx(path: &Path, rows: &[Vec<String>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let numeric = |h: &str| matches!(h, "year" | "max_load" | "budget");
    let header = &rows[0];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r32, c16) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            // Numbers as Excel stores them (a year becomes 2021.0 in the
            // file); everything else as text, IDs that look like numbers too.
            match cell.parse::<f64>() {
                Ok(x) if r > 0 && numeric(&header[c]) => {
                    ws.write_number(r32, c16, x).unwrap();
                }
                _ if cell.is_empty() => {}
                _ => {
                    ws.write_string(r32, c16, cell).unwrap();
                }
            }
        }
    }
    wb.save(path).unwrap();
}

/// The sample re-saved as each tool saves it loads to the same accepted
/// rows and gives a byte-identical assignment.
#[test]
fn sample_resaved_by_other_tools_gives_the_same_assignment() {
    let tables = sample_tables();
    let work = tempfile::tempdir().unwrap();
    let orig = work.path().join("orig");
    copy_dir(&root().join("data/sample"), &orig);
    let (want, want_counts) = assign_and_counts(&orig, &work.path().join("out-orig"));
    assert!(
        want_counts.iter().all(|(_, c)| c.len() == 3 && c[2] == 0),
        "{want_counts:?}"
    );

    type Writer = Box<dyn Fn(&Path, &str, &[Vec<String>])>;
    let text_variant =
        |delim: u8, nl: &'static str, ext: &'static str, enc: &'static str| -> Writer {
            Box::new(move |dir: &Path, stem: &str, rows: &[Vec<String>]| {
                let t = write_delimited(rows, delim, nl);
                let bytes: Vec<u8> = match enc {
                    "utf16le" => [0xFF, 0xFE]
                        .into_iter()
                        .chain(t.encode_utf16().flat_map(u16::to_le_bytes))
                        .collect(),
                    "cp932" => {
                        let (b, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&t);
                        assert!(!unmappable, "{stem} has text CP932 cannot hold");
                        b.into_owned()
                    }
                    _ => t.into_bytes(),
                };
                std::fs::write(dir.join(format!("{stem}.{ext}")), bytes).unwrap();
            })
        };
    let variants: Vec<(&str, Writer)> = vec![
        ("crlf", text_variant(b',', "\r\n", "csv", "utf8")),
        ("cr-only", text_variant(b',', "\r", "csv", "utf8")),
        (
            "utf16le-tsv-bom",
            text_variant(b'\t', "\r\n", "txt", "utf16le"),
        ),
        ("cp932-crlf", text_variant(b',', "\r\n", "csv", "cp932")),
        ("semicolon", text_variant(b';', "\r\n", "csv", "utf8")),
        (
            "xlsx",
            Box::new(|dir: &Path, stem: &str, rows: &[Vec<String>]| {
                write_xlsx(&dir.join(format!("{stem}.xlsx")), rows)
            }),
        ),
    ];
    // CP932 has no ü (one researcher's name): that variant is compared
    // with the same text in UTF-8, the ü written as u as a Japanese office
    // would.
    let cp932_tables: Vec<(String, Vec<Vec<String>>)> = tables
        .iter()
        .map(|(stem, rows)| {
            let rows = rows
                .iter()
                .map(|r| r.iter().map(|c| cp932_safe(c)).collect())
                .collect();
            (stem.clone(), rows)
        })
        .collect();
    let cp932_ref = work.path().join("cp932-reference");
    std::fs::create_dir_all(&cp932_ref).unwrap();
    for (stem, rows) in &cp932_tables {
        std::fs::write(
            cp932_ref.join(format!("{stem}.csv")),
            write_delimited(rows, b',', "\n"),
        )
        .unwrap();
    }
    let cp932_want = assign_and_counts(&cp932_ref, &work.path().join("out-cp932-reference"));
    assert_eq!(cp932_want.1, want_counts);
    for (name, write) in &variants {
        let dir = work.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let (source, (want, want_counts)) = if name.starts_with("cp932") {
            (&cp932_tables, (&cp932_want.0, &cp932_want.1))
        } else {
            (&tables, (&want, &want_counts))
        };
        for (stem, rows) in source {
            write(&dir, stem, rows);
        }
        let (got, counts) = assign_and_counts(&dir, &work.path().join(format!("out-{name}")));
        assert_eq!(&counts, want_counts, "{name}: accepted counts differ");
        assert!(
            &got == want,
            "{name}: assignment.csv differs from the original's"
        );
    }
}

/// A workbook problem names the sheet and cell; a year stored as a number
/// reads as a year, an ID stored as a number as "1001", never "1001.0".
#[test]
fn xlsx_cells_are_read_as_typed_and_named_in_errors() {
    let data = tiny_copy();
    let dir = data.path();
    let mut r = csv::Reader::from_path(dir.join("proposals.csv")).unwrap();
    let mut rows: Vec<Vec<String>> =
        vec![r.headers().unwrap().iter().map(str::to_string).collect()];
    rows.extend(
        r.records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect()),
    );
    std::fs::remove_file(dir.join("proposals.csv")).unwrap();
    rows[3][6] = "20x6".into();
    write_xlsx(&dir.join("proposals.xlsx"), &rows);
    let o = run(&["validate", "--data", dir.to_str().unwrap()]);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(1), "{all}");
    assert!(
        all.contains("proposals.xlsx[Sheet1]!G4: column 'year': \"20x6\" is not a year"),
        "{all}"
    );
    assert!(all.contains("xlsx, sheet Sheet1"), "{all}");

    // Both .csv and .xlsx present: an error naming both.
    std::fs::copy(
        common::tiny().join("proposals.csv"),
        dir.join("proposals.csv"),
    )
    .unwrap();
    let all = text(&run(&["validate", "--data", dir.to_str().unwrap()]));
    assert!(
        all.contains("proposals.csv") && all.contains("and proposals.xlsx are both in"),
        "{all}"
    );
}

/// Regression: two researchers with an empty name stopped the whole run;
/// with --keep-going the run completes without them and their dependents,
/// and every output lists both rows.
#[test]
fn keep_going_on_two_empty_researcher_names_lists_them_everywhere() {
    let data = tiny_copy();
    let dir = data.path();
    let text0 = std::fs::read_to_string(dir.join("researchers.csv")).unwrap();
    let fixed: String = text0
        .lines()
        .map(|l| {
            if l.starts_with("R06,") || l.starts_with("R08,") {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells[1] = "";
                cells.join(",")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("researchers.csv"), fixed + "\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let base = [
        "run",
        "--quiet",
        "--data",
        dir.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--run-id",
        "R1",
    ];
    // Without the flag the run stops at validation.
    let o = run(&base);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let mut with = base.to_vec();
    with.push("--keep-going");
    let o = run(&with);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(4), "{all}");
    let run_dir = out.path().join("R1");
    let html = std::fs::read_to_string(run_dir.join("report.html")).unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("summary.json")).unwrap())
            .unwrap();
    let md = std::fs::read_to_string(run_dir.join("report.md")).unwrap();
    let validation = std::fs::read_to_string(run_dir.join("validation.txt")).unwrap();
    // The two rows (lines 7 and 9) and rows that depend on them: P02 (PI
    // R06) and P03 (PI R08), their member rows, the authorships of R06 and
    // R08, and the declared conflict on P03.
    let expected = [
        "researchers.csv:7",
        "researchers.csv:9",
        "proposals.csv:3",
        "proposals.csv:4",
        "authorships.csv:7",
        "authorships.csv:9",
        "conflicts.csv:2",
    ];
    for loc in expected {
        assert!(html.contains(loc), "report.html lacks {loc}");
        assert!(md.contains(loc), "report.md lacks {loc}");
        assert!(validation.contains(loc), "validation.txt lacks {loc}");
    }
    let listed: Vec<&str> = summary["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["location"].as_str().unwrap())
        .collect();
    for loc in expected {
        assert!(
            listed.contains(&loc),
            "summary.json lacks {loc}: {listed:?}"
        );
    }
    // 2 researchers + 2 proposals + 3 member rows (P02-R06, P02-R08,
    // P03-R08) + 2 authorships + 1 conflict.
    assert_eq!(summary["rows_left_out"], 10, "{listed:?}");
    assert!(html.find("id=\"left-out\"").unwrap() < html.find("id=\"summary\"").unwrap());
    let reasons = summary["left_out"][0]["reasons"][0].as_str().unwrap();
    assert!(reasons.contains("column 'name': is empty"), "{reasons}");
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Regression: cosine scores in [-1, 1] were rejected. They are mapped by
/// (s+1)/2 and give the same optimum as the file rescaled by hand, with
/// --min-load in force; a headerless OpenReview file is accepted.
#[test]
fn standalone_assign_takes_cosine_scores_and_openreview_files() {
    let d = tempfile::tempdir().unwrap();
    let mut cos = String::from("paper_id,reviewer_id,affinity\n");
    let mut hand = String::from("proposal_id,researcher_id,score\n");
    let mut headerless = String::new();
    // A deterministic spread of cosines over 6 proposals × 5 reviewers.
    for p in 0..6u32 {
        for r in 0..5u32 {
            let s = f64::from((p * 7 + r * 13) % 17) / 8.0 - 1.0;
            cos.push_str(&format!("P{p},R{r},{s}\r\n"));
            hand.push_str(&format!("P{p},R{r},{}\n", (s + 1.0) / 2.0));
            headerless.push_str(&format!("P{p},R{r},{s}\n"));
        }
    }
    let cos = write(d.path(), "cos.csv", &cos);
    let hand = write(d.path(), "hand.csv", &hand);
    let or = write(d.path(), "openreview.csv", &headerless);
    // Each solve in its own folder: alternates.csv and loads.csv are
    // written beside the named output, and never over another run's.
    let solve = |scores: &Path, out: &str| -> Vec<u8> {
        let dir = d.path().join(out.trim_end_matches(".csv"));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("assignment.csv");
        let o = run(&[
            "assign",
            "--scores",
            scores.to_str().unwrap(),
            "--reviewers-per-proposal",
            "2",
            "--max-load",
            "3",
            "--min-load",
            "2",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        std::fs::read(out).unwrap()
    };
    let a = solve(&cos, "a-cos.csv");
    let b = solve(&hand, "a-hand.csv");
    let c = solve(&or, "a-or.csv");
    assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
    assert_eq!(a, c);
    // min-load 2 with 5 reviewers and 12 slots: every reviewer has ≥ 2.
    let text = String::from_utf8(a).unwrap();
    for r in 0..5 {
        let n = text
            .lines()
            .filter(|l| l.contains(&format!(",R{r},")))
            .count();
        assert!(n >= 2, "R{r} has {n}\n{text}");
    }
}

/// Regression: a pair missing from an external file counted as 0, so a
/// one-row file halved every other pair's text score.
#[test]
fn a_one_row_scores_file_changes_only_its_pair() {
    let data = tiny_copy();
    let dir = data.path();
    let out = tempfile::tempdir().unwrap();
    let plain = out.path().join("plain.csv");
    let o = run(&[
        "score",
        "--quiet",
        "--data",
        dir.to_str().unwrap(),
        "--all-pairs",
        "--out",
        plain.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let ext = write(
        dir,
        "ext.csv",
        "proposal_id,researcher_id,score\nP02,R07,1.0\n",
    );
    let blended = out.path().join("blended.csv");
    let o = run(&[
        "score",
        "--data",
        dir.to_str().unwrap(),
        "--all-pairs",
        "--scores",
        ext.to_str().unwrap(),
        "--out",
        blended.to_str().unwrap(),
    ]);
    let said = text(&o);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(
        said.contains("scores in [0, 1], used as they are"),
        "{said}"
    );
    let read = |p: &Path| -> Vec<(String, String, f64)> {
        let mut r = csv::Reader::from_path(p).unwrap();
        let h = r.headers().unwrap().clone();
        let ti = h.iter().position(|x| x == "text").unwrap();
        r.records()
            .map(|x| {
                let x = x.unwrap();
                (x[0].to_string(), x[1].to_string(), x[ti].parse().unwrap())
            })
            .collect()
    };
    let (a, b) = (read(&plain), read(&blended));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x.0, &x.1), (&y.0, &y.1));
        if x.0 == "P02" && x.1 == "R07" {
            // (1·lexical + 1·1.0) / 2
            assert!((y.2 - (x.2 + 1.0) / 2.0).abs() < 2e-6, "{x:?} {y:?}");
        } else {
            assert_eq!(x.2, y.2, "{x:?} changed to {y:?}");
        }
    }
}

/// `validate` checks the optional inputs a run reads: a bad locks file and
/// a bad --scores file are reported with their lines, and a config error
/// is one of the listed problems.
#[test]
fn validate_checks_locks_scores_and_config() {
    let data = tiny_copy();
    let dir = data.path();
    write(
        dir,
        "locks.csv",
        "proposal_id,researcher_id,lock\r\nP01,R04,must\r\nP01,R04,sometimes\r\n",
    );
    let s = write(
        dir,
        "s.csv",
        "proposal_id,researcher_id,score\nP01,R04,0.5\nP01,R99,0.5\n",
    );
    let o = run(&[
        "validate",
        "--data",
        dir.to_str().unwrap(),
        "--scores",
        s.to_str().unwrap(),
    ]);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(1), "{all}");
    assert!(
        all.contains("locks.csv:3: column 'lock': \"sometimes\" is not a lock"),
        "{all}"
    );
    assert!(
        all.contains("s.csv:3: column 'researcher_id': \"R99\" is not in researchers.csv"),
        "{all}"
    );
    std::fs::remove_file(dir.join("locks.csv")).unwrap();
    write(
        dir,
        "rdmatch.toml",
        "[assign]\nreviewers_per_proposal = \"two\"\n",
    );
    let all = text(&run(&["validate", "--data", dir.to_str().unwrap()]));
    assert!(
        all.contains("rdmatch.toml") && all.contains("reviewers_per_proposal"),
        "{all}"
    );
}
