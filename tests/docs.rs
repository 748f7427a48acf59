//! The documentation of the outputs is checked against what a run writes:
//! every CSV of a run folder has a row in docs/outputs.md naming each of
//! its columns, so the page cannot drift from the writers.

mod common;

use common::*;

#[test]
fn outputs_doc_names_every_csv_and_column_a_run_writes() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "run",
        "--quiet",
        "--data",
        tiny().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--run-id",
        "D1",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let doc = std::fs::read_to_string(root().join("docs/outputs.md")).unwrap();
    let mut missing = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(out.path().join("D1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for p in files {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Some(row) = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
        else {
            missing.push(format!("{name}: no row"));
            continue;
        };
        let mut r = csv::Reader::from_path(&p).unwrap();
        let per_area = row.contains("one column per area ID");
        for h in r.headers().unwrap() {
            let word = |c: char| !(c.is_alphanumeric() || c == '_');
            let area_column = per_area && (h == "A01" || h == "A02");
            if !area_column && !row.split(word).any(|w| w == h) {
                missing.push(format!("{name}: column {h}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/outputs.md lacks:\n{}",
        missing.join("\n")
    );
}

#[test]
fn outputs_doc_carries_every_report_definition_word_for_word() {
    let doc = std::fs::read_to_string(root().join("docs/outputs.md")).unwrap();
    for d in rdmatch::report::definitions::ALL.iter() {
        let line = format!("- **{}**: {}", d.term, d.text);
        assert!(
            doc.contains(&line),
            "docs/outputs.md lacks the definition line:\n{line}"
        );
    }
}
