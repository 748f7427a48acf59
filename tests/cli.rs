//! Integration tests through the built binary.

mod common;

use common::*;

#[test]
fn bad_input_corpus() {
    let corpus = root().join("tests/bad_inputs");
    let mut cases: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let data = tiny_copy();
        if let Ok(list) = std::fs::read_to_string(case.join("remove.txt")) {
            for f in list.lines().filter(|l| !l.is_empty()) {
                std::fs::remove_file(data.path().join(f)).unwrap();
            }
        }
        for e in std::fs::read_dir(case).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "csv") {
                std::fs::copy(&p, data.path().join(p.file_name().unwrap())).unwrap();
            }
        }
        let extra = std::fs::read_to_string(case.join("args.txt")).unwrap_or_default();
        let mut args = vec![
            "validate".to_string(),
            "--data".into(),
            data.path().display().to_string(),
        ];
        args.extend(extra.split_whitespace().map(str::to_string));
        let out = bin().args(&args).output().unwrap();
        let all = text(&out);
        let want_exit: i32 = std::fs::read_to_string(case.join("exit.txt"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        if out.status.code() != Some(want_exit) {
            failures.push(format!(
                "{name}: exit {:?}, want {want_exit}\n{all}",
                out.status.code()
            ));
        }
        for line in std::fs::read_to_string(case.join("expected.txt"))
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
        {
            if !all.contains(line) {
                failures.push(format!("{name}: missing {line:?} in\n{all}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn validate_tiny_prints_counts_and_exits_zero() {
    let out = run(&["validate", "--data", tiny().to_str().unwrap()]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    for (file, rows) in [
        ("institutions.csv", 4),
        ("researchers.csv", 8),
        ("areas.csv", 2),
        ("advisers.csv", 5),
        ("proposals.csv", 3),
        ("proposal_members.csv", 5),
        ("publications.csv", 5),
        ("authorships.csv", 9),
        ("conflicts.csv", 1),
    ] {
        assert_eq!(row_counts(&all, file), vec![rows, rows, 0], "{file}");
    }
}

/// Removing any required column of any file makes validate fail with a
/// message naming that file and that column.
#[test]
fn every_required_column_is_enforced() {
    use rdmatch::load::schema;
    for spec in schema::ALL {
        for col in spec.columns.iter().filter(|c| c.required) {
            let data = tiny_copy();
            let path = data.path().join(spec.name);
            // Optional files the tiny set does not have get one valid row.
            if !path.exists() {
                let sample = match spec.name {
                    "affiliations.csv" => "researcher_id,institution_id,department,start_year,end_year,source\nR01,I01,,,,test\n",
                    "relations.csv" => "researcher_id,other_researcher_id,relation,start_year,end_year\nR01,R02,collaborator,2000,2001\n",
                    other => panic!("tiny set lacks {other}"),
                };
                std::fs::write(&path, sample).unwrap();
            }
            let text0 = std::fs::read_to_string(&path).unwrap();
            let mut rdr = csv::Reader::from_reader(text0.as_bytes());
            let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
            let drop = header.iter().position(|h| h == col.name).unwrap();
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(
                header
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != drop)
                    .map(|(_, h)| h),
            )
            .unwrap();
            for rec in rdr.records() {
                let rec = rec.unwrap();
                w.write_record(
                    rec.iter()
                        .enumerate()
                        .filter(|(i, _)| *i != drop)
                        .map(|(_, h)| h),
                )
                .unwrap();
            }
            std::fs::write(&path, w.into_inner().unwrap()).unwrap();
            let out = run(&["validate", "--data", data.path().to_str().unwrap()]);
            let all = text(&out);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{} {}: {all}",
                spec.name,
                col.name
            );
            let want = format!(
                "{}:1: column '{}': required column is missing",
                spec.name, col.name
            );
            assert!(all.contains(&want), "want {want:?} in {all}");
        }
    }
}

/// data/sample is what the command in data/README.md writes, byte for byte:
/// a generator change that is not carried into the bundled sample (a new
/// column, a new rule) fails here instead of leaving the sample behind the
/// format it documents.
#[test]
fn bundled_sample_is_what_the_documented_generate_command_writes() {
    let readme = std::fs::read_to_string(root().join("data/README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- generate "))
        .expect("data/README.md shows the generate command");
    let out = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = line
        .trim_start_matches("cargo run --release -- ")
        .split_whitespace()
        .map(String::from)
        .collect();
    let at = args.iter().position(|a| a == "--out").unwrap();
    assert_eq!(args[at + 1], "data/sample");
    args[at + 1] = out.path().to_string_lossy().into_owned();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let sample = root().join("data/sample");
    let mut compared = 0;
    for sub in ["", "truth"] {
        let mut names: Vec<_> = std::fs::read_dir(out.path().join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        names.sort();
        for p in names {
            let name = p.strip_prefix(out.path()).unwrap();
            let bundled = std::fs::read(sample.join(name))
                .unwrap_or_else(|e| panic!("data/sample/{}: {e}", name.display()));
            assert!(
                std::fs::read(&p).unwrap() == bundled,
                "data/sample/{} differs from what the documented command writes; \
                 regenerate the sample with the command in data/README.md",
                name.display()
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 15);
}
