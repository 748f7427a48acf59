//! Random mutations of a small valid data set, as broken files arrive in
//! practice: flipped bytes, cut rows, columns deleted, duplicated or
//! swapped, huge cells, NUL bytes, invalid UTF-8, a BOM mid-file, mixed line
//! endings, numbers that do not fit. `rdmatch validate --keep-going` must
//! never panic, never hang, and account for every row it read.
//!
//! `cargo test --release` runs a bounded number of cases; the long run is
//! `cargo test --release --test fuzz -- --ignored`.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use common::*;

const FILES: [&str; 9] = [
    "institutions.csv",
    "researchers.csv",
    "areas.csv",
    "advisers.csv",
    "proposals.csv",
    "proposal_members.csv",
    "publications.csv",
    "authorships.csv",
    "conflicts.csv",
];

const ODD_NUMBERS: [&str; 8] = [
    "1e400",
    "NaN",
    "-0",
    "3000000000",
    "-1",
    "99999",
    "inf",
    "0x10",
];

fn split_cells(line: &str) -> Vec<String> {
    line.split(',').map(str::to_string).collect()
}

/// One mutation of `bytes`, chosen by `rng`.
fn mutate(rng: &mut ChaCha8Rng, bytes: &mut Vec<u8>) {
    let n = bytes.len().max(1);
    match rng.random_range(0..12) {
        0 => {
            for _ in 0..rng.random_range(1..8) {
                let i = rng.random_range(0..n).min(bytes.len().saturating_sub(1));
                if let Some(b) = bytes.get_mut(i) {
                    *b ^= 1 << rng.random_range(0..8);
                }
            }
        }
        1 => {
            let cut = rng.random_range(0..n);
            bytes.truncate(cut);
        }
        2..=4 => {
            // Column surgery on every line: delete, duplicate or swap.
            let text = String::from_utf8_lossy(bytes).into_owned();
            let kind = rng.random_range(0..3);
            let width = text
                .lines()
                .next()
                .map_or(1, |l| split_cells(l).len())
                .max(1);
            let (a, b) = (rng.random_range(0..width), rng.random_range(0..width));
            let out: Vec<String> = text
                .lines()
                .map(|l| {
                    let mut c = split_cells(l);
                    match kind {
                        0 if a < c.len() => {
                            c.remove(a);
                        }
                        1 if a < c.len() => {
                            let x = c[a].clone();
                            c.insert(a, x);
                        }
                        2 if a < c.len() && b < c.len() => c.swap(a, b),
                        _ => {}
                    }
                    c.join(",")
                })
                .collect();
            *bytes = (out.join("\n") + "\n").into_bytes();
        }
        5 => {
            // A 10 MB cell somewhere after the header.
            let at = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
            let big = vec![b'x'; 10 << 20];
            bytes.splice(at..at, big);
        }
        6 => {
            let i = rng.random_range(0..n).min(bytes.len());
            bytes.insert(i, 0);
        }
        7 => {
            let i = rng.random_range(0..n).min(bytes.len());
            bytes.splice(i..i, [0xFF, 0xC3, 0x28]);
        }
        8 => {
            let i = rng.random_range(0..n).min(bytes.len());
            bytes.splice(i..i, *b"\xEF\xBB\xBF");
        }
        9 => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut out = String::new();
            for (k, l) in text.lines().enumerate() {
                out.push_str(l);
                out.push_str(["\n", "\r\n", "\r"][k % 3]);
            }
            *bytes = out.into_bytes();
        }
        _ => {
            // A number that does not fit, in a random cell of a random row.
            let text = String::from_utf8_lossy(bytes).into_owned();
            let lines: Vec<&str> = text.lines().collect();
            if lines.len() > 1 {
                let r = rng.random_range(1..lines.len());
                let mut c = split_cells(lines[r]);
                let k = rng.random_range(0..c.len());
                c[k] = ODD_NUMBERS[rng.random_range(0..ODD_NUMBERS.len())].to_string();
                let mut all: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
                all[r] = c.join(",");
                *bytes = (all.join("\n") + "\n").into_bytes();
            }
        }
    }
}

/// Runs validate with a deadline; the output and the exit code. Output
/// goes to files, not pipes: a child blocked on a full pipe that nobody
/// reads would look like a hang.
fn validate_with_deadline(dir: &Path, deadline: Duration) -> (Option<i32>, String) {
    let logs = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (logs.path().join("out"), logs.path().join("err"));
    let mut child = bin()
        .args(["validate", "--keep-going", "--max-problems", "5", "--data"])
        .arg(dir)
        .stdout(Stdio::from(std::fs::File::create(&out_path).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err_path).unwrap()))
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
            return (status.code(), read(&out_path) + &read(&err_path));
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let kept = std::env::temp_dir().join("rdmatch-fuzz-hang");
            copy_dir(dir, &kept);
            panic!(
                "validate did not finish within {deadline:?} (case kept in {})",
                kept.display()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn fuzz(cases: u64, seed: u64) {
    for case in 0..cases {
        let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(case));
        let data = tiny_copy();
        let file = FILES[rng.random_range(0..FILES.len())];
        let path = data.path().join(file);
        let mut bytes = std::fs::read(&path).unwrap();
        for _ in 0..rng.random_range(1..4) {
            mutate(&mut rng, &mut bytes);
        }
        std::fs::write(&path, &bytes).unwrap();
        let (code, out) = validate_with_deadline(data.path(), Duration::from_secs(20));
        let keep = || {
            let k = std::env::temp_dir().join(format!("rdmatch-fuzz-case-{seed}-{case}"));
            copy_dir(data.path(), &k);
            k
        };
        assert!(
            matches!(code, Some(0 | 1 | 4)),
            "case {case} ({file}): exit {code:?} (kept in {})\n{out}",
            keep().display()
        );
        assert!(!out.contains("panicked"), "case {case}: panic\n{out}");
        // Every row read is accepted or rejected.
        for f in FILES {
            let Some(line) = out.lines().find(|l| l.starts_with(f)) else {
                continue;
            };
            let nums: Vec<usize> = line
                .split_whitespace()
                .skip(1)
                .take(3)
                .filter_map(|x| x.parse().ok())
                .collect();
            if nums.len() == 3 {
                assert_eq!(
                    nums[0],
                    nums[1] + nums[2],
                    "case {case}: {f} read ≠ accepted + rejected (kept in {})\n{out}",
                    keep().display()
                );
            }
        }
    }
}

#[test]
fn mutated_inputs_never_panic_hang_or_lose_rows() {
    fuzz(500, 0x5eed);
}

#[test]
#[ignore = "long run: cargo test --release --test fuzz -- --ignored"]
fn mutated_inputs_long_run() {
    fuzz(5000, 0xf00d);
}
