//! Unattended runs (issue 16): what a cron job does to rdmatch — overlapping
//! starts, `kill -9`, a bad `--previous`, closed pipes and full devices,
//! umask 000, typos in `--out`, oversized cells, bad settings, hidden
//! characters in IDs. Each test is named after the problem it pins down and
//! failed on the code before the fix.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn run_args(data: &Path, out: &Path) -> Vec<String> {
    vec![
        "run".into(),
        "--quiet".into(),
        "--data".into(),
        data.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ]
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn visible_runs(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| !n.starts_with('.') && n != "latest")
        .collect()
}

fn staging(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with(".tmp-"))
        .collect()
}

fn latest(dir: &Path) -> String {
    std::fs::read_link(dir.join("latest"))
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Waits until `cond` holds (a hang guard for child processes, not a timing).
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let t = Instant::now();
    while !cond() {
        assert!(t.elapsed() < Duration::from_secs(120), "timed out: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn spawn_paused(data: &Path, out: &Path, pause_ms: u64, extra: &[&str]) -> Child {
    bin()
        .args(run_args(data, out))
        .args(extra)
        .env("RDMATCH_TEST_PAUSE_BEFORE_COMMIT_MS", pause_ms.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The staging folder of a run that has written its report (so it is paused
/// before its commit).
fn staged_report(out: &Path) -> Option<PathBuf> {
    staging(out)
        .into_iter()
        .map(|n| out.join(n))
        .find(|p| p.join("report.html").is_file())
}

#[test]
fn two_runs_started_together_both_land_and_latest_is_the_newer() {
    // Regression: two runs in the same second into the same --out lost one
    // run ("run folder … already exists"), and with overlapping runs
    // `latest` could end on the run that started first.
    let out = tempfile::tempdir().unwrap();
    let data = tiny();
    let children: Vec<Child> = (0..2)
        .map(|_| {
            bin()
                .args(run_args(&data, out.path()))
                .arg("--wait")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let runs = visible_runs(out.path());
    assert_eq!(runs.len(), 2, "both runs land: {runs:?}");
    for r in &runs {
        assert!(out.path().join(r).join("manifest.json").is_file(), "{r}");
    }
    // Run ids sort by time, and a same-second run gets `-2`: the newer.
    let newest = if runs.iter().any(|r| r.ends_with("-2")) {
        runs.iter().find(|r| r.ends_with("-2")).unwrap().clone()
    } else {
        runs.iter().max().unwrap().clone()
    };
    assert_eq!(latest(out.path()), newest, "{runs:?}");
    assert!(staging(out.path()).is_empty());
}

#[test]
fn second_run_into_the_same_out_fails_at_once_naming_the_holder() {
    let out = tempfile::tempdir().unwrap();
    let data = tiny();
    let mut first = spawn_paused(&data, out.path(), 4000, &[]);
    wait_for("first run staged", || staged_report(out.path()).is_some());
    let t = Instant::now();
    let second = run(&run_args(&data, out.path())
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let msg = text(&second);
    assert_eq!(second.status.code(), Some(5), "{msg}");
    assert!(
        msg.contains(&format!("pid {}", first.id())) && msg.contains("--wait"),
        "{msg}"
    );
    assert!(t.elapsed() < Duration::from_secs(3), "did not fail at once");
    assert_eq!(first.wait().unwrap().code(), Some(0));
    assert_eq!(visible_runs(out.path()).len(), 1);
}

#[test]
fn killed_runs_staging_folder_is_gone_after_the_next_run() {
    // Regression: `kill -9` left `.tmp-*` folders (confidential partial
    // outputs) that no later run removed.
    let out = tempfile::tempdir().unwrap();
    let data = tiny();
    let mut victim = spawn_paused(&data, out.path(), 60_000, &[]);
    wait_for("victim staged", || staged_report(out.path()).is_some());
    victim.kill().unwrap(); // SIGKILL on Unix: no destructor runs.
    victim.wait().unwrap();
    assert_eq!(staging(out.path()).len(), 1, "the kill leaves its staging");
    assert!(visible_runs(out.path()).is_empty(), "nothing visible");
    let next = run(&run_args(&data, out.path())
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert_eq!(next.status.code(), Some(0), "{}", text(&next));
    assert!(staging(out.path()).is_empty(), "{:?}", names(out.path()));
    let runs = visible_runs(out.path());
    assert_eq!(runs.len(), 1);
    assert_eq!(latest(out.path()), runs[0]);
}

#[test]
fn bad_previous_exits_non_zero() {
    // Regression: `--previous /no/such/run` (or an empty or garbage folder)
    // exited 0 and reported "no changes".
    let out = tempfile::tempdir().unwrap();
    let junk = tempfile::tempdir().unwrap();
    std::fs::write(junk.path().join("notes.txt"), "not a run").unwrap();
    let empty = tempfile::tempdir().unwrap();
    for (prev, why) in [
        (out.path().join("no/such/run"), "does not exist"),
        (empty.path().to_path_buf(), "empty folder"),
        (junk.path().to_path_buf(), "manifest.json"),
    ] {
        let mut args = run_args(&tiny(), out.path());
        args.extend(["--previous".into(), prev.display().to_string()]);
        let o = bin().args(&args).output().unwrap();
        let msg = text(&o);
        assert_eq!(o.status.code(), Some(1), "{msg}");
        assert!(msg.contains(why) && msg.contains("--previous"), "{msg}");
        assert!(visible_runs(out.path()).is_empty(), "no run was made");
    }
    // The default (`latest`) on a first run is a note, not an error.
    let o = run(&[
        "run",
        "--data",
        tiny().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("this is the first run"), "{}", text(&o));
}

#[test]
fn validate_piped_into_head_exits_quietly() {
    // Regression: `rdmatch validate … | head -1`, `run … | true` and
    // `config > /dev/full` panicked (exit 101).
    for args in [
        vec!["validate", "--data", "data/sample"],
        vec!["config", "--data", "data/sample"],
    ] {
        let mut child = bin()
            .current_dir(root())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before rdmatch writes anything.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // `run | true`: the run is committed and the exit code is the run's.
    let out = tempfile::tempdir().unwrap();
    let mut child = bin()
        .args([
            "run",
            "--data",
            tiny().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(visible_runs(out.path()).len(), 1);
}

#[cfg(target_os = "linux")]
#[test]
fn config_into_dev_full_is_an_error_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = bin()
        .current_dir(root())
        .args(["config", "--data", "data/sample"])
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write to standard output"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[cfg(unix)]
fn under_umask(mask: &str, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {mask}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_rdmatch"))
        .args(args)
        .output()
        .unwrap()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn stage_outputs_are_0640_under_umask_000() {
    // Regression: the stage commands wrote conflicts and assignments
    // world-readable (0644, 0666 under umask 000).
    let tmp = tempfile::tempdir().unwrap();
    let d = tiny();
    let d = d.to_str().unwrap();
    let t = |n: &str| tmp.path().join(n).display().to_string();
    for args in [
        vec![
            "conflicts",
            "--quiet",
            "--data",
            d,
            "--out",
            &t("c/conflicts.csv"),
        ],
        vec![
            "score",
            "--quiet",
            "--data",
            d,
            "--all-pairs",
            "--out",
            &t("s.csv"),
        ],
        vec!["network", "--quiet", "--data", d, "--out", &t("net")],
        vec!["coverage", "--quiet", "--data", d, "--out", &t("cov")],
        vec!["assign", "--quiet", "--data", d, "--out", &t("asg")],
    ] {
        let o = under_umask("000", &args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
    }
    let o = under_umask(
        "000",
        &[
            "assign",
            "--quiet",
            "--scores",
            &t("s.csv"),
            "--reviewers-per-proposal",
            "1",
            "--max-load",
            "2",
            "--out",
            &t("solo/a.csv"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut files = 0;
    for dir in ["c", "net", "cov", "asg", "solo"] {
        let p = tmp.path().join(dir);
        assert_eq!(mode(&p), 0o750, "{dir}/");
        for f in std::fs::read_dir(&p).unwrap() {
            let f = f.unwrap().path();
            assert_eq!(mode(&f), 0o640, "{}", f.display());
            files += 1;
        }
    }
    assert_eq!(mode(&tmp.path().join("s.csv")), 0o640);
    assert!(files >= 10, "{files}");
    // A run folder under umask 077 is never wider than the umask allows.
    let o = under_umask("077", &["run", "--quiet", "--data", d, "--out", &t("runs")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let run = tmp
        .path()
        .join("runs")
        .join(latest(&tmp.path().join("runs")));
    assert_eq!(mode(&run), 0o700);
    assert_eq!(mode(&run.join("assignment.csv")), 0o600);
}

#[test]
fn standalone_assign_does_not_overwrite_files_it_did_not_name() {
    // Regression: `assign --scores s.csv --out a.csv` silently replaced
    // alternates.csv and loads.csv beside a.csv.
    let tmp = tempfile::tempdir().unwrap();
    let scores = tmp.path().join("s.csv");
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
    let loads = tmp.path().join("loads.csv");
    std::fs::write(&loads, "someone else's loads\n").unwrap();
    let a = tmp.path().join("a.csv");
    let args = [
        "assign",
        "--quiet",
        "--scores",
        scores.to_str().unwrap(),
        "--reviewers-per-proposal",
        "1",
        "--max-load",
        "2",
        "--out",
        a.to_str().unwrap(),
    ];
    let o = run(&args);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(
        msg.contains("loads.csv") && msg.contains("--force"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read_to_string(&loads).unwrap(),
        "someone else's loads\n"
    );
    assert!(!a.exists(), "nothing written on refusal");
    let mut forced = args.to_vec();
    forced.push("--force");
    let o = run(&forced);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(std::fs::read_to_string(&loads)
        .unwrap()
        .starts_with("researcher_id"));
}

#[test]
fn generate_into_a_non_empty_folder_refuses() {
    // Regression: `generate --out DIR` overwrote an existing data folder.
    let data = tiny_copy();
    let before = std::fs::read(data.path().join("researchers.csv")).unwrap();
    let d = data.path().to_str().unwrap();
    let o = run(&[
        "generate",
        "--quiet",
        "--out",
        d,
        "--researchers",
        "50",
        "--proposals",
        "10",
        "--advisers",
        "10",
        "--areas",
        "2",
    ]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(
        msg.contains("not an empty folder") && msg.contains("--force"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read(data.path().join("researchers.csv")).unwrap(),
        before
    );
    // An --out that is an input file of the command is refused too.
    let conflicts = data.path().join("conflicts.csv");
    let before = std::fs::read(&conflicts).unwrap();
    let o = run(&[
        "conflicts",
        "--quiet",
        "--data",
        d,
        "--out",
        conflicts.to_str().unwrap(),
    ]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(msg.contains("input file"), "{msg}");
    assert_eq!(std::fs::read(&conflicts).unwrap(), before);
}

/// Rewrites `file` of `dir`, applying `f` to each record (header included).
fn edit_csv(dir: &Path, file: &str, f: impl Fn(usize, &mut Vec<String>)) {
    let path = dir.join(file);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&path)
        .unwrap();
    let mut rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    for (i, r) in rows.iter_mut().enumerate() {
        f(i, r);
    }
    let mut w = csv::Writer::from_path(&path).unwrap();
    for r in rows {
        w.write_record(&r).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn a_40000_character_title_is_reported_by_validate() {
    // Regression: a text over Excel's 32,767-character cell limit passed
    // validate and then failed the run at the xlsx stage with no file, line
    // or field.
    let data = tiny_copy();
    edit_csv(data.path(), "proposals.csv", |i, r| {
        if i == 2 {
            r[2] = "x".repeat(40_000);
        }
    });
    let o = run(&["validate", "--data", data.path().to_str().unwrap()]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(
        msg.contains("proposals.csv:3: column 'title': is 40000 characters long")
            && msg.contains("32767"),
        "{msg}"
    );
}

#[test]
fn a_cell_with_a_hundred_thousand_keywords_completes() {
    // Regression: keyword de-duplication used Vec::contains, so 100,000
    // keywords in one cell took 18.5 s and a million never finished. The
    // speed figure is a benchmark (benches/big_cells.sh); this checks the
    // run completes. The guard is a hang guard far above the expected time
    // (a few seconds), below the old code's (about 90 s on the project
    // machine for this cell).
    let data = tiny_copy();
    let many: Vec<String> = (0..100_000).map(|i| format!("kw{i}")).collect();
    let cell = many.join(";") + ";" + &many.join(";");
    edit_csv(data.path(), "proposals.csv", |i, r| {
        if i == 1 {
            r[4] = cell.clone();
        }
    });
    let out = tempfile::tempdir().unwrap();
    let child = bin()
        .args(run_args(data.path(), out.path()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let guard = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
    });
    let o = child.wait_with_output().unwrap();
    drop(guard);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(visible_runs(out.path()).len(), 1);
}

#[test]
fn bm25_k1_minus_one_is_rejected() {
    // Regression: bm25_k1 = -1 was accepted and made every text score 0.
    let data = tiny_copy();
    for (toml, key) in [
        ("[score]\nbm25_k1 = -1.0\n", "[score] bm25_k1"),
        (
            "[network]\nlouvain_resolution = -1.0\n",
            "[network] louvain_resolution",
        ),
        (
            "[score]\nhalf_life_years = inf\n",
            "[score] half_life_years",
        ),
        (
            "[assign.reviewers_per_area]\nA99 = 2\n",
            "[assign.reviewers_per_area]",
        ),
        (
            "[assign.reviewers_per_proposal_id]\nP99 = 2\n",
            "[assign.reviewers_per_proposal_id]",
        ),
    ] {
        std::fs::write(data.path().join("rdmatch.toml"), toml).unwrap();
        let o = run(&["validate", "--data", data.path().to_str().unwrap()]);
        let msg = text(&o);
        assert_eq!(o.status.code(), Some(1), "{toml}: {msg}");
        assert!(msg.contains(key), "{toml}: {msg}");
    }
}

#[test]
fn zero_width_space_in_an_id_is_reported() {
    // Regression: invisible and bidi characters in IDs passed and were
    // printed raw (a U+202E reverses the terminal line); look-alike IDs
    // across scripts passed without a warning.
    let data = tiny_copy();
    edit_csv(data.path(), "researchers.csv", |i, r| {
        if i == 1 {
            r[0] = "R01\u{200B}".into();
        }
    });
    let o = run(&["validate", "--data", data.path().to_str().unwrap()]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(
        msg.contains("researchers.csv:2: column 'researcher_id'") && msg.contains("R01\\u{200B}"),
        "{msg}"
    );
    assert!(!msg.contains('\u{200B}'), "printed raw: {msg}");

    let data = tiny_copy();
    let mut inst = std::fs::read_to_string(data.path().join("institutions.csv")).unwrap();
    // Greek capital iota (U+0399) in place of the Latin I of I01.
    inst.push_str("\u{0399}01,Look-alike Institute,academia,JP,Kanto\n");
    std::fs::write(data.path().join("institutions.csv"), inst).unwrap();
    let o = run(&["validate", "--data", data.path().to_str().unwrap()]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(0), "{msg}");
    assert!(
        msg.contains(
            "warning: institutions.csv: column 'institution_id': IDs \"I01\" and \"\u{0399}01\""
        ),
        "{msg}"
    );
}

#[test]
fn missing_scores_file_prints_the_os_error_once() {
    // Regression: a missing --scores file printed the OS error twice (the
    // message quoted its source and the chain printed it again).
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&[
        "assign",
        "--scores",
        "/no/such/scores.csv",
        "--reviewers-per-proposal",
        "1",
        "--out",
        tmp.path().join("a.csv").to_str().unwrap(),
    ]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(msg.contains("/no/such/scores.csv"), "{msg}");
    assert_eq!(msg.matches("os error 2").count(), 1, "{msg}");
    assert!(names(tmp.path()).is_empty(), "nothing written");
}
