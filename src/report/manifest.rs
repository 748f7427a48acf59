//! manifest.json: what a run read, with which settings, and what it wrote.
//!
//! Lets anyone check later that a report came from given inputs and config:
//! the rdmatch version, the config TOML in force, each input file's SHA-256
//! and row count, each output file's SHA-256 and size, stage timings, the
//! warning count and the exit status.
//!
//! Takes values from the lead (the caller times stages and counts rows);
//! [`sha256_file`] and [`hash_outputs`] are the only functions here that read
//! files. [`Manifest::to_json`] returns text; the caller writes it, last,
//! into the run folder (it is not listed among its own outputs).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::ReportError;

/// The manifest file's own name, skipped by [`hash_outputs`].
pub const MANIFEST_FILE: &str = "manifest.json";

/// The JSON document; field order is key order in the file.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Manifest {
    pub rdmatch_version: String,
    pub run_id: String,
    /// Start time as text (RFC 3339), as in [`RunInfo`](super::RunInfo).
    pub started: String,
    pub data_dir: String,
    /// The whole config in force, as TOML.
    pub config_toml: String,
    pub inputs: Vec<InputFile>,
    /// `--scores` files: path, SHA-256, rows, the columns recognised, the
    /// rule that mapped their scores to [0, 1], and their weight.
    pub score_files: Vec<crate::score::ScoreFileRecord>,
    pub outputs: Vec<OutputFile>,
    pub stages: Vec<StageTiming>,
    pub warnings: usize,
    /// The process exit status the run ends with (see the README's table).
    pub exit_status: i32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct InputFile {
    /// Name relative to the data folder, e.g. `researchers.csv`.
    pub file: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Data rows read (header excluded).
    pub rows: usize,
    /// How it was read: `UTF-8, comma-separated`, `xlsx, sheet Sheet1`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub read_as: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct OutputFile {
    /// Path relative to the run folder, `/`-separated, e.g. `charts/network.svg`.
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StageTiming {
    pub name: String,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl Manifest {
    /// Pretty JSON with a trailing newline. Stage seconds are rounded to
    /// milliseconds.
    pub fn to_json(&self) -> Result<String, ReportError> {
        let mut m = self.clone();
        for s in &mut m.stages {
            s.seconds = (s.seconds * 1000.0).round() / 1000.0;
        }
        let mut text = serde_json::to_string_pretty(&m).map_err(|source| ReportError::Json {
            what: MANIFEST_FILE,
            source,
        })?;
        text.push('\n');
        Ok(text)
    }
}

/// Lower-case hex SHA-256 (FIPS 180-4) of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// SHA-256 of a file, read in 64 KiB blocks (inputs may be large).
pub fn sha256_file(path: &Path) -> Result<String, ReportError> {
    let mut f = File::open(path).map_err(|e| ReportError::io("cannot open", path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| ReportError::io("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Hashes every file below `dir` (recursively, symbolic links skipped),
/// sorted by relative path; `manifest.json` itself is left out.
pub fn hash_outputs(dir: &Path) -> Result<Vec<OutputFile>, ReportError> {
    let mut out = vec![];
    walk(dir, "", &mut out)?;
    out.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<OutputFile>) -> Result<(), ReportError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ReportError::io("cannot list", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| ReportError::io("cannot list", dir, e))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let ft = entry
            .file_type()
            .map_err(|e| ReportError::io("cannot inspect", &path, e))?;
        if ft.is_dir() {
            walk(&path, &rel, out)?;
        } else if ft.is_file() && rel != MANIFEST_FILE {
            let bytes = entry
                .metadata()
                .map_err(|e| ReportError::io("cannot inspect", &path, e))?
                .len();
            out.push(OutputFile {
                sha256: sha256_file(&path)?,
                file: rel,
                bytes,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_fips_180_vectors() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn file_hash_equals_bytes_hash_across_block_boundaries() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.csv");
        // 200 000 bytes: more than three 64 KiB blocks.
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&p, &data).unwrap();
        assert_eq!(sha256_file(&p).unwrap(), sha256_hex(&data));
        std::fs::write(&p, "abc").unwrap();
        assert_eq!(
            sha256_file(&p).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn missing_input_names_the_path() {
        let err = sha256_file(Path::new("/nonexistent/researchers.csv")).unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/researchers.csv"),
            "{err}"
        );
    }

    #[test]
    fn outputs_are_sorted_relative_and_skip_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("charts")).unwrap();
        std::fs::write(d.join("summary.json"), "{}").unwrap();
        std::fs::write(d.join("charts/b.svg"), "abc").unwrap();
        std::fs::write(d.join("assignment.csv"), "").unwrap();
        std::fs::write(d.join(MANIFEST_FILE), "old").unwrap();
        let out = hash_outputs(d).unwrap();
        let names: Vec<&str> = out.iter().map(|o| o.file.as_str()).collect();
        assert_eq!(names, ["assignment.csv", "charts/b.svg", "summary.json"]);
        assert_eq!(out[1].sha256, sha256_hex(b"abc"));
        assert_eq!(out[1].bytes, 3);
        assert_eq!(out[0].sha256, sha256_hex(b""));
    }

    #[test]
    fn json_has_fixed_keys_and_rounded_timings() {
        let m = Manifest {
            rdmatch_version: "0.3.0".into(),
            run_id: "20261126T230501Z".into(),
            started: "2026-11-26T23:05:01Z".into(),
            data_dir: "data".into(),
            config_toml: "seed = 42\n".into(),
            inputs: vec![InputFile {
                file: "researchers.csv".into(),
                sha256: sha256_hex(b"abc"),
                rows: 240,
                read_as: String::new(),
            }],
            score_files: vec![],
            outputs: vec![],
            stages: vec![StageTiming {
                name: "score".into(),
                seconds: 1.234_567,
            }],
            warnings: 2,
            exit_status: 0,
        };
        let text = m.to_json().unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["stages"][0]["seconds"], 1.235);
        assert_eq!(v["inputs"][0]["rows"], 240);
        assert_eq!(v["config_toml"], "seed = 42\n");
        let first_keys: Vec<&str> = text
            .lines()
            .skip(1)
            .take(3)
            .map(|l| l.trim().split('"').nth(1).unwrap())
            .collect();
        assert_eq!(first_keys, ["rdmatch_version", "run_id", "started"]);
        assert!(text.ends_with("}\n"));
    }
}
