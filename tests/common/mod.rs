//! Helpers shared by the integration tests: run the built binary, make a
//! temporary copy of a fixture folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rdmatch"))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn tiny() -> PathBuf {
    root().join("tests/fixtures/tiny")
}

/// Copies every file of `src` (not folders) into `dst`.
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
        }
    }
}

/// A temporary copy of the tiny fixture.
pub fn tiny_copy() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&tiny(), t.path());
    t
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The (read, accepted, rejected) counts `validate` printed for `file`.
pub fn row_counts(validate_output: &str, file: &str) -> Vec<usize> {
    let line = validate_output
        .lines()
        .find(|l| l.starts_with(file))
        .unwrap_or_else(|| panic!("no row for {file} in:\n{validate_output}"));
    line.split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect()
}
