//! Atomic run folders, for runs started by cron.
//!
//! A run writes everything into a hidden staging folder
//! `<out_root>/.tmp-<run_id>-<pid>/` and, only when every output is written,
//! [`RunFolder::commit`] renames it to `<out_root>/<run_id>/` and repoints
//! `<out_root>/latest` at it. A run that fails or is interrupted part-way
//! (an error, a panic unwinding) drops the [`RunFolder`] uncommitted, which
//! deletes the staging folder: readers never see a half-written run, and
//! `latest` keeps pointing at the last complete one. (A `kill -9` cannot run
//! the destructor; it leaves a `.tmp-*` folder, which readers ignore because
//! its name starts with a dot.)
//!
//! The outputs are confidential (assignments, conflicts), so on Unix folders
//! are `0o750` and files `0o640`: owner and group only.
//!
//! Existing runs are never overwritten. `latest` is a relative symbolic link
//! replaced with one `rename(2)`, which is atomic on POSIX; elsewhere a
//! `LATEST` text file holding the run id is replaced the same way.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::ReportError;

/// Name of the link (Unix) to the newest committed run.
pub const LATEST_LINK: &str = "latest";
/// Name of the text file holding the newest run id (non-Unix).
pub const LATEST_FILE: &str = "LATEST";

#[cfg(unix)]
const DIR_MODE: u32 = 0o750;
#[cfg(unix)]
const FILE_MODE: u32 = 0o640;

/// A run id from the start time: `YYYYMMDDTHHMMSSZ` (UTC, ISO 8601 basic
/// format), so run folders sort by time as plain strings.
pub fn run_id(now: DateTime<Utc>) -> String {
    now.format("%Y%m%dT%H%M%SZ").to_string()
}

/// [`run_id`] of `now`, with `-2`, `-3`, … appended while a folder of that
/// name already exists in `out_root` (two runs in the same second).
pub fn available_run_id(out_root: &Path, now: DateTime<Utc>) -> String {
    let base = run_id(now);
    if !out_root.join(&base).exists() {
        return base;
    }
    (2u32..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !out_root.join(id).exists())
        // The range is unbounded; `find` returns before u32 runs out in any
        // real folder.
        .unwrap_or(base)
}

/// The newest committed run in `out_root`: where `latest` points (or what
/// `LATEST` names), else the lexicographically last visible folder. Call it
/// before [`RunFolder::commit`] to get the previous run.
pub fn previous_run(out_root: &Path) -> Option<PathBuf> {
    if let Ok(target) = fs::read_link(out_root.join(LATEST_LINK)) {
        let p = if target.is_absolute() {
            target
        } else {
            out_root.join(target)
        };
        if p.is_dir() {
            return Some(p);
        }
    }
    if let Ok(name) = fs::read_to_string(out_root.join(LATEST_FILE)) {
        let name = name.trim();
        if is_valid_run_id(name) && out_root.join(name).is_dir() {
            return Some(out_root.join(name));
        }
    }
    let mut best: Option<String> = None;
    for entry in fs::read_dir(out_root).ok()?.flatten() {
        let Ok(ft) = entry.file_type() else { continue };
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if ft.is_dir() && is_valid_run_id(&name) && best.as_ref().is_none_or(|b| name > *b) {
            best = Some(name);
        }
    }
    best.map(|b| out_root.join(b))
}

/// A run id must be a plain, visible folder name.
fn is_valid_run_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id != LATEST_LINK
        && id != LATEST_FILE
        && !id.contains(['/', '\\', '\0'])
}

/// A staging folder that becomes `<out_root>/<run_id>/` on commit and
/// disappears if dropped uncommitted.
#[derive(Debug)]
pub struct RunFolder {
    out_root: PathBuf,
    run_id: String,
    staging: PathBuf,
    committed: bool,
}

impl RunFolder {
    /// Creates `<out_root>/.tmp-<run_id>-<pid>/` (and `out_root` if needed).
    /// Fails if `<out_root>/<run_id>` already exists.
    pub fn create(out_root: &Path, run_id: &str) -> Result<RunFolder, ReportError> {
        if !is_valid_run_id(run_id) {
            return Err(ReportError::BadRunId {
                run_id: run_id.into(),
            });
        }
        fs::create_dir_all(out_root)
            .map_err(|e| ReportError::io("cannot create output folder", out_root, e))?;
        let final_path = out_root.join(run_id);
        if final_path.exists() {
            return Err(ReportError::RunExists { path: final_path });
        }
        let staging = out_root.join(format!(".tmp-{run_id}-{}", std::process::id()));
        if staging.exists() {
            // Left by an earlier process with the same pid that was killed.
            fs::remove_dir_all(&staging)
                .map_err(|e| ReportError::io("cannot remove stale staging folder", &staging, e))?;
        }
        fs::create_dir(&staging)
            .map_err(|e| ReportError::io("cannot create staging folder", &staging, e))?;
        set_dir_mode(&staging)?;
        Ok(RunFolder {
            out_root: out_root.to_path_buf(),
            run_id: run_id.to_string(),
            staging,
            committed: false,
        })
    }

    /// Where to write this run's files until commit.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Where the run will be after commit: `<out_root>/<run_id>`.
    pub fn final_path(&self) -> PathBuf {
        self.out_root.join(&self.run_id)
    }

    /// Sets permissions, renames the staging folder to `<out_root>/<run_id>`
    /// (never replacing an existing run) and repoints `latest`. Returns the
    /// final path. If `latest` cannot be updated the run is still committed
    /// and the error says why.
    pub fn commit(mut self) -> Result<PathBuf, ReportError> {
        set_modes_recursive(&self.staging)?;
        let final_path = self.final_path();
        rename_no_replace(&self.staging, &final_path)?;
        self.committed = true;
        update_latest(&self.out_root, &self.run_id)?;
        Ok(final_path)
    }
}

impl Drop for RunFolder {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: nothing useful can be done with an error in drop,
            // and the `.tmp-` name keeps a leftover invisible to readers.
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Renames `from` to `to`, failing if `to` exists.
///
/// On Unix `rename(2)` silently replaces an *empty* directory, so we first
/// claim `to` with `mkdir` (atomic, fails if it exists) and then rename over
/// our own empty directory.
fn rename_no_replace(from: &Path, to: &Path) -> Result<(), ReportError> {
    #[cfg(unix)]
    {
        match fs::create_dir(to) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(ReportError::RunExists {
                    path: to.to_path_buf(),
                });
            }
            Err(e) => return Err(ReportError::io("cannot create run folder", to, e)),
        }
        if let Err(e) = fs::rename(from, to) {
            let _ = fs::remove_dir(to);
            return Err(ReportError::io(
                "cannot move staging folder into place as",
                to,
                e,
            ));
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        if to.exists() {
            return Err(ReportError::RunExists {
                path: to.to_path_buf(),
            });
        }
        fs::rename(from, to)
            .map_err(|e| ReportError::io("cannot move staging folder into place as", to, e))
    }
}

#[cfg(unix)]
fn update_latest(out_root: &Path, run_id: &str) -> Result<(), ReportError> {
    let latest = out_root.join(LATEST_LINK);
    if let Ok(meta) = fs::symlink_metadata(&latest) {
        if !meta.file_type().is_symlink() {
            return Err(ReportError::LatestNotLink { path: latest });
        }
    }
    let tmp = out_root.join(format!(".latest-{}", std::process::id()));
    let _ = fs::remove_file(&tmp);
    // Relative target: the output folder can be moved or mounted elsewhere.
    std::os::unix::fs::symlink(run_id, &tmp)
        .map_err(|e| ReportError::io("cannot create link", &tmp, e))?;
    fs::rename(&tmp, &latest).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        ReportError::io("cannot update link", &latest, e)
    })
}

#[cfg(not(unix))]
fn update_latest(out_root: &Path, run_id: &str) -> Result<(), ReportError> {
    let latest = out_root.join(LATEST_FILE);
    let tmp = out_root.join(format!(".LATEST-{}", std::process::id()));
    fs::write(&tmp, format!("{run_id}\n")).map_err(|e| ReportError::io("cannot write", &tmp, e))?;
    fs::rename(&tmp, &latest).map_err(|e| ReportError::io("cannot update", &latest, e))
}

#[cfg(unix)]
fn set_dir_mode(dir: &Path) -> Result<(), ReportError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(DIR_MODE))
        .map_err(|e| ReportError::io("cannot set permissions of", dir, e))
}

#[cfg(not(unix))]
fn set_dir_mode(_dir: &Path) -> Result<(), ReportError> {
    Ok(())
}

/// Folders 0o750, files 0o640, below and including `dir` (Unix only).
/// Symbolic links are left alone (their mode is not used).
fn set_modes_recursive(dir: &Path) -> Result<(), ReportError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        set_dir_mode(dir)?;
        let entries = fs::read_dir(dir).map_err(|e| ReportError::io("cannot list", dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| ReportError::io("cannot list", dir, e))?;
            let path = entry.path();
            let ft = entry
                .file_type()
                .map_err(|e| ReportError::io("cannot inspect", &path, e))?;
            if ft.is_dir() {
                set_modes_recursive(&path)?;
            } else if ft.is_file() {
                fs::set_permissions(&path, fs::Permissions::from_mode(FILE_MODE))
                    .map_err(|e| ReportError::io("cannot set permissions of", &path, e))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn visible(root: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn commit_run(root: &Path, id: &str, body: &str) -> PathBuf {
        let f = RunFolder::create(root, id).unwrap();
        fs::write(f.path().join("report.html"), body).unwrap();
        f.commit().unwrap()
    }

    #[test]
    fn run_id_is_sortable_basic_iso() {
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 23, 5, 1).unwrap();
        assert_eq!(run_id(t), "20261126T230501Z");
        let later = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        assert!(run_id(later) > run_id(t));
    }

    #[test]
    fn available_run_id_adds_suffixes() {
        let dir = tempfile::tempdir().unwrap();
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 23, 5, 1).unwrap();
        assert_eq!(available_run_id(dir.path(), t), "20261126T230501Z");
        fs::create_dir(dir.path().join("20261126T230501Z")).unwrap();
        assert_eq!(available_run_id(dir.path(), t), "20261126T230501Z-2");
        fs::create_dir(dir.path().join("20261126T230501Z-2")).unwrap();
        assert_eq!(available_run_id(dir.path(), t), "20261126T230501Z-3");
    }

    #[test]
    fn commit_moves_folder_and_points_latest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let f = RunFolder::create(&root, "R1").unwrap();
        let staging = f.path().to_path_buf();
        assert!(f
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with(".tmp-R1-"));
        fs::create_dir(f.path().join("charts")).unwrap();
        fs::write(f.path().join("charts/a.svg"), "<svg/>").unwrap();
        fs::write(f.path().join("report.html"), "x").unwrap();
        let final_path = f.commit().unwrap();
        assert_eq!(final_path, root.join("R1"));
        assert!(!staging.exists());
        assert_eq!(
            fs::read_to_string(root.join("R1/report.html")).unwrap(),
            "x"
        );
        assert_eq!(previous_run(&root), Some(root.join("R1")));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::read_link(root.join("latest")).unwrap(),
                PathBuf::from("R1")
            );
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&root.join("R1")), 0o750);
            assert_eq!(mode(&root.join("R1/charts")), 0o750);
            assert_eq!(mode(&root.join("R1/report.html")), 0o640);
            assert_eq!(mode(&root.join("R1/charts/a.svg")), 0o640);
        }
        assert_eq!(visible(&root), ["R1", "latest"]);
    }

    #[test]
    fn failure_mid_run_leaves_no_folder_and_latest_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        commit_run(root, "20261119T230502Z", "old");
        // A run that fails after writing some outputs: `?` returns early and
        // the RunFolder is dropped uncommitted.
        fn failing_run(root: &Path) -> Result<(), ReportError> {
            let f = RunFolder::create(root, "20261126T230501Z")?;
            fs::write(f.path().join("assignment.csv"), "partial").unwrap();
            Err(ReportError::BadRunId {
                run_id: "simulated failure".into(),
            })
        }
        assert!(failing_run(root).is_err());
        assert_eq!(visible(root), ["20261119T230502Z", "latest"]);
        assert_eq!(previous_run(root), Some(root.join("20261119T230502Z")));
        #[cfg(unix)]
        assert_eq!(
            fs::read_link(root.join("latest")).unwrap(),
            PathBuf::from("20261119T230502Z")
        );
        assert_eq!(
            fs::read_to_string(root.join("latest/report.html")).unwrap(),
            "old"
        );
    }

    #[test]
    fn a_panic_mid_run_also_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let r = std::panic::catch_unwind(|| {
            let f = RunFolder::create(&root, "R1").unwrap();
            fs::write(f.path().join("x.csv"), "partial").unwrap();
            panic!("stage failed");
        });
        assert!(r.is_err());
        assert!(visible(&root).is_empty());
        assert_eq!(previous_run(&root), None);
    }

    #[test]
    fn existing_run_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        commit_run(root, "R1", "first");
        assert!(matches!(
            RunFolder::create(root, "R1"),
            Err(ReportError::RunExists { .. })
        ));
        // The folder appears between create and commit (another process):
        // commit refuses, the staging folder is removed, R1 keeps its content.
        let f = RunFolder::create(root, "R2").unwrap();
        fs::write(f.path().join("report.html"), "mine").unwrap();
        fs::create_dir(root.join("R2")).unwrap();
        fs::write(root.join("R2/report.html"), "theirs").unwrap();
        assert!(matches!(f.commit(), Err(ReportError::RunExists { .. })));
        assert_eq!(
            fs::read_to_string(root.join("R2/report.html")).unwrap(),
            "theirs"
        );
        assert_eq!(visible(root), ["R1", "R2", "latest"]);
        #[cfg(unix)]
        assert_eq!(
            fs::read_link(root.join("latest")).unwrap(),
            PathBuf::from("R1")
        );
    }

    #[test]
    fn empty_existing_folder_is_not_replaced_either() {
        // rename(2) would replace an empty directory; commit must not.
        let dir = tempfile::tempdir().unwrap();
        let f = RunFolder::create(dir.path(), "R1").unwrap();
        fs::create_dir(dir.path().join("R1")).unwrap();
        assert!(matches!(f.commit(), Err(ReportError::RunExists { .. })));
    }

    #[test]
    fn latest_moves_to_each_new_run() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        commit_run(root, "20261119T230502Z", "a");
        assert_eq!(previous_run(root), Some(root.join("20261119T230502Z")));
        commit_run(root, "20261126T230501Z", "b");
        assert_eq!(previous_run(root), Some(root.join("20261126T230501Z")));
        assert_eq!(
            fs::read_to_string(root.join("latest/report.html")).unwrap(),
            "b"
        );
    }

    #[test]
    fn previous_run_falls_back_to_last_visible_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(previous_run(root), None);
        for d in [
            "20261119T230502Z",
            "20261126T230501Z",
            ".tmp-20261203T000000Z-77",
        ] {
            fs::create_dir(root.join(d)).unwrap();
        }
        fs::write(root.join("notes.txt"), "").unwrap();
        assert_eq!(previous_run(root), Some(root.join("20261126T230501Z")));
    }

    #[test]
    fn bad_run_ids_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        for id in ["", ".hidden", "a/b", "latest", "..", "LATEST"] {
            assert!(
                matches!(
                    RunFolder::create(dir.path(), id),
                    Err(ReportError::BadRunId { .. })
                ),
                "{id}"
            );
        }
    }

    #[test]
    fn latest_that_is_a_real_folder_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("latest")).unwrap();
        let f = RunFolder::create(dir.path(), "R1").unwrap();
        let err = f.commit().unwrap_err();
        #[cfg(unix)]
        assert!(matches!(err, ReportError::LatestNotLink { .. }), "{err}");
        // The run itself is committed.
        assert!(dir.path().join("R1").is_dir());
    }
}
