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
        ("mixing_sector.csv", net::SectorMixingRow::COLUMNS),
        ("mixing_area.csv", net::AreaMixingRow::COLUMNS),
        (
            "probabilities.csv",
            assign::randomize::ProbabilityRow::COLUMNS,
        ),
        ("matches.csv", rdmatch::import::report::MatchRow::COLUMNS),
        (
            "authors.csv",
            rdmatch::import::report::AuthorLogRow::COLUMNS,
        ),
        ("skipped.csv", rdmatch::import::report::SkippedRow::COLUMNS),
        (
            "truth/heldout_authors.csv",
            score::heldout::HeldOutAuthorRow::COLUMNS,
        ),
        ("truth/topics.csv", rdmatch::generate::TopicRow::COLUMNS),
        (
            "truth/researcher_topics.csv",
            score::ResearcherTopicRow::COLUMNS,
        ),
        (
            "truth/proposal_topics.csv",
            score::ProposalTopicRow::COLUMNS,
        ),
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

/// The column tables of one section of docs/data-format.md (the section
/// whose heading starts with `heading`): each table's first-column cells,
/// in order, with the whole row for its aliases.
fn data_format_tables(heading: &str) -> Vec<Vec<(String, String)>> {
    let doc = std::fs::read_to_string(root().join("docs/data-format.md")).unwrap();
    let start = doc
        .find(&format!("\n## {heading}"))
        .unwrap_or_else(|| panic!("docs/data-format.md has no section {heading}"));
    let section = &doc[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    let mut tables: Vec<Vec<(String, String)>> = Vec::new();
    let mut in_table = false;
    for line in section[..end].lines() {
        if line.starts_with("| column |") {
            tables.push(Vec::new());
            in_table = true;
        } else if in_table && line.starts_with("| ") {
            let name = line.split('|').nth(1).unwrap_or("").trim().to_string();
            tables.last_mut().unwrap().push((name, line.to_string()));
        } else if !line.starts_with("|---") {
            in_table = false;
        }
    }
    tables
}

/// Every file rdmatch reads has its columns in docs/data-format.md: the
/// data folder's row structs (`load::rows`, which the schema holds at
/// compile time), and the typed rows of every other input, each in its
/// section's column table in field order, with every header alias named.
#[test]
fn data_format_doc_lists_each_input_row_structs_columns_in_order() {
    use rdmatch::load::rows::*;
    use rdmatch::table::{CsvRow, InputRow};
    let data_folder: &[(&str, &[&str])] = &[
        ("institutions.csv", InstitutionRow::COLUMNS),
        ("researchers.csv", ResearcherRow::COLUMNS),
        ("areas.csv", AreaRow::COLUMNS),
        ("advisers.csv", AdviserRow::COLUMNS),
        ("proposals.csv", ProposalRow::COLUMNS),
        ("proposal_members.csv", MemberRow::COLUMNS),
        ("publications.csv", PublicationRow::COLUMNS),
        ("authorships.csv", AuthorshipRow::COLUMNS),
        ("conflicts.csv", ConflictRow::COLUMNS),
        ("affiliations.csv", AffiliationRow::COLUMNS),
        ("relations.csv", RelationRow::COLUMNS),
    ];
    let mut wrong = Vec::new();
    for (heading, columns) in data_folder {
        let tables = data_format_tables(heading);
        let names: Vec<&str> = tables
            .first()
            .map(|t| t.iter().map(|(n, _)| n.as_str()).collect())
            .unwrap_or_default();
        if names != *columns {
            wrong.push(format!("{heading}: table {names:?}, struct {columns:?}"));
        }
    }
    use rdmatch::table::typed::Field;
    let others: &[(&str, usize, &[Field])] = &[
        ("locks.csv", 0, rdmatch::load::locks::LockRow::FIELDS),
        ("terms.csv", 0, rdmatch::text::TermRow::FIELDS),
        (
            "Edge list and node file",
            0,
            rdmatch::network::edges::EdgeRow::FIELDS,
        ),
        (
            "Edge list and node file",
            1,
            rdmatch::network::edges::NodeFileRow::FIELDS,
        ),
        ("Edits", 0, rdmatch::assign::edits::EditSheetRow::FIELDS),
        (
            "Previous assignment",
            0,
            rdmatch::assign::stability::PreviousPairRow::FIELDS,
        ),
        (
            "Standalone conflicts file",
            0,
            rdmatch::assign::io::StandaloneConflictRow::FIELDS,
        ),
        (
            "Score files",
            0,
            rdmatch::score::score_file::ScoreFileRow::FIELDS,
        ),
    ];
    for (heading, k, fields) in others {
        let tables = data_format_tables(heading);
        let Some(table) = tables.get(*k) else {
            wrong.push(format!("{heading}: no column table {k}"));
            continue;
        };
        let names: Vec<&str> = table.iter().map(|(n, _)| n.as_str()).collect();
        let want: Vec<&str> = fields.iter().map(|f| f.name).collect();
        if names != want {
            wrong.push(format!("{heading}: table {names:?}, struct {want:?}"));
            continue;
        }
        for (f, (_, row)) in fields.iter().zip(table) {
            for a in f.aliases {
                if !row
                    .to_ascii_lowercase()
                    .contains(&format!("`{}`", a.to_ascii_lowercase()))
                {
                    wrong.push(format!(
                        "{heading}: column {} lacks its alias `{a}`",
                        f.name
                    ));
                }
            }
            let req = row
                .split('|')
                .nth(3)
                .unwrap_or("")
                .trim()
                .starts_with("req");
            if req != f.required {
                wrong.push(format!(
                    "{heading}: column {} is {} in the struct",
                    f.name,
                    if f.required { "required" } else { "optional" }
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "docs/data-format.md:\n{}",
        wrong.join("\n")
    );
}

/// The files rdmatch reads back from its own outputs (a previous run, a
/// filled-in matches.csv) read columns their writer's row struct writes.
#[test]
fn read_back_rows_read_columns_their_writers_write() {
    use rdmatch::table::{CsvRow, InputRow};
    use rdmatch::{assign, coverage::write as cov, import::report, report::changes};
    let pairs: &[(&str, &[rdmatch::table::typed::Field], &[&str])] = &[
        (
            "assignment.csv",
            changes::PreviousAssignmentRow::FIELDS,
            assign::io::PairRow::COLUMNS,
        ),
        (
            "assignment.csv",
            assign::stability::PreviousPairRow::FIELDS,
            assign::io::PairRow::COLUMNS,
        ),
        (
            "coverage_proposals.csv",
            changes::PreviousProposalRow::FIELDS,
            cov::ProposalRow::COLUMNS,
        ),
        (
            "coverage_area.csv",
            changes::PreviousCoverageRow::FIELDS,
            cov::AreaRow::COLUMNS,
        ),
        (
            "loads.csv",
            changes::PreviousLoadRow::FIELDS,
            assign::io::LoadRow::COLUMNS,
        ),
        (
            "matches.csv",
            report::DecisionRow::FIELDS,
            report::MatchRow::COLUMNS,
        ),
    ];
    for (file, fields, written) in pairs {
        for f in *fields {
            assert!(
                written.contains(&f.name),
                "{file}: {} is read back but not written ({written:?})",
                f.name
            );
        }
    }
}

/// Every relative link of the README, data/README.md and the pages under
/// docs/ names a file of the repository (a page that was linked but lost,
/// as docs/import.md once was, fails here).
#[test]
fn readme_and_docs_links_name_files_that_exist() {
    let mut pages = vec![root().join("README.md"), root().join("data/README.md")];
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            pages.push(p);
        }
    }
    let mut broken = Vec::new();
    let mut links = 0;
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        let dir = page.parent().unwrap();
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = rest[..end].split('#').next().unwrap_or("");
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            links += 1;
            if !dir.join(target).exists() {
                let name = page.strip_prefix(root()).unwrap().display().to_string();
                broken.push(format!("{name}: ({target})"));
            }
        }
    }
    assert!(links >= 10, "only {links} relative links found");
    assert!(
        broken.is_empty(),
        "links to missing files:\n{}",
        broken.join("\n")
    );
}
