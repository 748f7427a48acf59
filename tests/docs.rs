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

/// Each typed output row's columns appear in that file's row of
/// docs/outputs.md in the struct's order, so neither a renamed field nor a
/// reordered page goes unnoticed (the run test above checks the headers a
/// run writes; this one also covers the files only some commands write).
#[test]
fn outputs_doc_lists_each_row_structs_columns_in_order() {
    use rdmatch::table::CsvRow;
    use rdmatch::{assign, conflicts, coverage::write as cov, network::write as net, score};
    let doc = std::fs::read_to_string(root().join("docs/outputs.md")).unwrap();
    let files: &[(&str, &[&str])] = &[
        ("assignment.csv", assign::io::PairRow::COLUMNS),
        ("alternates.csv", assign::io::PairRow::COLUMNS),
        ("loads.csv", assign::io::LoadRow::COLUMNS),
        ("shortfall.csv", assign::io::ShortfallRow::COLUMNS),
        ("resilience.csv", assign::resilience::ResilienceRow::COLUMNS),
        ("edits.csv", assign::edits::EditOutcomeRow::COLUMNS),
        (
            "assignment_changes.csv",
            assign::stability::ChangeRow::COLUMNS,
        ),
        ("scores.csv", score::ScoreRow::COLUMNS),
        ("conflicts.csv", conflicts::ConflictCsvRow::COLUMNS),
        ("two_hop.csv", conflicts::TwoHopRow::COLUMNS),
        ("coverage_proposals.csv", cov::ProposalRow::COLUMNS),
        ("coverage_area.csv", cov::AreaRow::COLUMNS),
        ("coverage_at_risk.csv", cov::AtRiskRow::COLUMNS),
        ("coverage_gaps.csv", cov::GapRow::COLUMNS),
        ("coverage_idle_advisers.csv", cov::IdleRow::COLUMNS),
        ("coverage_mix.csv", cov::MixRow::COLUMNS),
        ("coverage_concentration.csv", cov::ConcentrationRow::COLUMNS),
        ("coverage_teams.csv", cov::TeamsRow::COLUMNS),
        ("coverage_network.csv", cov::NetworkRow::COLUMNS),
        ("coverage_changes.csv", cov::ChangeRow::COLUMNS),
        ("network_nodes.csv", net::NodeRow::COLUMNS),
        ("network_communities.csv", net::CommunityRow::COLUMNS),
        ("network_years.csv", net::YearRow::COLUMNS),
        ("area_network.csv", net::AreaNetworkRow::COLUMNS),
    ];
    let mut wrong = Vec::new();
    for (file, columns) in files {
        let Some(row) = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{file}` |")))
        else {
            wrong.push(format!("{file}: no row"));
            continue;
        };
        let words: Vec<&str> = row
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let mut at = 0;
        for c in *columns {
            match words[at..].iter().position(|w| w == c) {
                Some(k) => at += k + 1,
                None => wrong.push(format!("{file}: column {c} missing or out of order")),
            }
        }
    }
    assert!(wrong.is_empty(), "docs/outputs.md:\n{}", wrong.join("\n"));
}
