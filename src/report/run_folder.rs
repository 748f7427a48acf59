//! Atomic run folders, for runs started by cron.
//!
//! A run holds the output root's lock ([`super::RunLock`]) from start to
//! commit, so it alone picks the next free run id ([`available_run_id`]:
//! the start second, with `-2`, `-3`, … for runs in the same second) and
//! writes everything into a hidden staging folder
//! `<out_root>/.tmp-<run_id>-p<pid>-s<start>/`. Only when every output is
//! written, [`RunFolder::commit`] renames it to `<out_root>/<run_id>/` in one
//! `renameat2(RENAME_NOREPLACE)` (Linux; elsewhere a plain `rename` after
//! checking the name is free, safe under the lock) and repoints
//! `<out_root>/latest` at it, but only forward: `latest` never moves to an
//! older run id. So readers and `--previous` never see an empty or
//! half-written run folder.
//!
//! A run that fails or is interrupted part-way (an error, a panic unwinding)
//! drops the [`RunFolder`] uncommitted, which deletes the staging folder. A
//! `kill -9` cannot run the destructor; the pid and process start time in the
//! staging folder's name let the next run see that the owner is dead and
//! remove the folder ([`remove_stale_staging`]), so confidential partial
//! outputs do not pile up.
//!
//! The outputs are confidential (assignments, conflicts), so on Unix folders
//! are `0o750` and files `0o640` (see [`super::files`]; `[report] file_mode`),
//! narrowed by the umask.
//!
//! Existing runs are never overwritten. `latest` is a relative symbolic link
//! replaced with one `rename(2)`, which is atomic on POSIX; elsewhere a
//! `LATEST` text file holding the run id is replaced the same way.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::files::{self, Modes};
use super::manifest::MANIFEST_FILE;
use super::owner::Owner;
use super::ReportError;

/// Name of the link (Unix) to the newest committed run.
pub const LATEST_LINK: &str = "latest";
/// Name of the text file holding the newest run id (non-Unix).
pub const LATEST_FILE: &str = "LATEST";
/// Prefix of staging folders (hidden: readers skip dot names).
const STAGING_PREFIX: &str = ".tmp-";
/// Prefix of the temporary link made while repointing `latest`.
const LATEST_TMP_PREFIX: &str = ".latest-";

/// A run id from the start time: `YYYYMMDDTHHMMSSZ` (UTC, ISO 8601 basic
/// format), so run folders sort by time as plain strings.
pub fn run_id(now: DateTime<Utc>) -> String {
    now.format("%Y%m%dT%H%M%SZ").to_string()
}

/// [`run_id`] of `now`, with `-2`, `-3`, … appended while a folder of that
/// name (or a staging folder for it) already exists in `out_root` (two runs
/// in the same second). Call it holding the output root's lock, after
/// [`remove_stale_staging`], so the id is reserved for this run alone.
pub fn available_run_id(out_root: &Path, now: DateTime<Utc>) -> String {
    let base = run_id(now);
    let taken = |id: &str| out_root.join(id).exists() || staging_exists(out_root, id);
    if !taken(&base) {
        return base;
    }
    (2u32..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        // The range is unbounded; `find` returns before u32 runs out in any
        // real folder.
        .unwrap_or(base)
}

fn staging_exists(out_root: &Path, id: &str) -> bool {
    let prefix = format!("{STAGING_PREFIX}{id}-");
    fs::read_dir(out_root)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            e.file_name().to_str().is_some_and(|n| {
                n.strip_prefix(&prefix)
                    .is_some_and(|rest| Owner::from_name_suffix(&format!("-{rest}")).is_some())
            })
        })
}

/// Orders run ids of the `YYYYMMDDTHHMMSSZ[-N]` form by time, then by `N`
/// (so `…-10` is newer than `…-9`); `None` for other ids (`--run-id`).
fn run_id_key(id: &str) -> Option<(&str, u32)> {
    let (base, n) = match id.split_once('-') {
        Some((b, n)) => (b, n.parse().ok()?),
        None => (id, 1),
    };
    let ok = base.len() == 16
        && base.char_indices().all(|(i, c)| match i {
            8 => c == 'T',
            15 => c == 'Z',
            _ => c.is_ascii_digit(),
        });
    ok.then_some((base, n))
}

/// Whether `dir` is a complete run folder: it holds a `manifest.json` that
/// parses and names its run (the manifest is written last, so an
/// interrupted run never has one).
pub fn is_complete_run(dir: &Path) -> bool {
    complete_run_problem(dir).is_none()
}

fn complete_run_problem(dir: &Path) -> Option<String> {
    match fs::metadata(dir) {
        Err(_) => return Some("does not exist".into()),
        Ok(m) if !m.is_dir() => return Some("is not a folder".into()),
        Ok(_) => {}
    }
    let path = dir.join(MANIFEST_FILE);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(_) if fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none()) => {
            return Some("is an empty folder".into())
        }
        Err(_) => {
            return Some(format!(
                "has no {MANIFEST_FILE}, so it is not a complete run"
            ))
        }
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) if v.get("run_id").is_some_and(|r| r.is_string()) => None,
        _ => Some(format!("its {MANIFEST_FILE} is not an rdmatch manifest")),
    }
}

/// An explicit `--previous` must be a complete run folder.
pub fn check_previous(path: &Path) -> Result<(), ReportError> {
    match complete_run_problem(path) {
        None => Ok(()),
        Some(why) => Err(ReportError::PreviousNotRun {
            path: path.to_path_buf(),
            why,
        }),
    }
}

/// The newest complete run in `out_root`: where `latest` points (or what
/// `LATEST` names), else the newest complete visible folder. Call it before
/// [`RunFolder::commit`] to get the previous run. `None` on a first run.
pub fn previous_run(out_root: &Path) -> Option<PathBuf> {
    if let Ok(target) = fs::read_link(out_root.join(LATEST_LINK)) {
        let p = if target.is_absolute() {
            target
        } else {
            out_root.join(target)
        };
        if is_complete_run(&p) {
            return Some(p);
        }
    }
    if let Ok(name) = fs::read_to_string(out_root.join(LATEST_FILE)) {
        let name = name.trim();
        if is_valid_run_id(name) && is_complete_run(&out_root.join(name)) {
            return Some(out_root.join(name));
        }
    }
    let mut runs: Vec<String> = Vec::new();
    for entry in fs::read_dir(out_root).ok()?.flatten() {
        let Ok(ft) = entry.file_type() else { continue };
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if ft.is_dir() && is_valid_run_id(&name) {
            runs.push(name);
        }
    }
    runs.sort_by(|a, b| newer_order(a, b));
    runs.into_iter()
        .rev()
        .map(|n| out_root.join(n))
        .find(|p| is_complete_run(p))
}

/// Run-id order: timestamp ids by time and suffix, others by name.
fn newer_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (run_id_key(a), run_id_key(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// Removes the staging folders (and temporary `latest` links) in
/// `out_root` whose owner process is gone (killed runs). Folders of live
/// owners are left alone. Returns what was removed.
pub fn remove_stale_staging(out_root: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let mut removed = Vec::new();
    let Ok(entries) = fs::read_dir(out_root) else {
        return Ok(removed);
    };
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let owner = if name.starts_with(STAGING_PREFIX) || name.starts_with(LATEST_TMP_PREFIX) {
            Owner::from_name_suffix(&name)
        } else {
            None
        };
        let Some(owner) = owner else { continue };
        if owner.is_alive() {
            continue;
        }
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let r = if is_dir {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        r.map_err(|e| ReportError::io("cannot remove stale staging folder", &path, e))?;
        removed.push(path);
    }
    Ok(removed)
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
    modes: Modes,
    committed: bool,
}

impl RunFolder {
    /// [`RunFolder::create_with`] with the default modes.
    pub fn create(out_root: &Path, run_id: &str) -> Result<RunFolder, ReportError> {
        RunFolder::create_with(out_root, run_id, Modes::default())
    }

    /// Creates `<out_root>/.tmp-<run_id>-p<pid>-s<start>/` (and `out_root`
    /// if needed). Fails before any work if `<out_root>/<run_id>` already
    /// exists or if `latest` is not a link (it could not be updated).
    pub fn create_with(
        out_root: &Path,
        run_id: &str,
        modes: Modes,
    ) -> Result<RunFolder, ReportError> {
        if !is_valid_run_id(run_id) {
            return Err(ReportError::BadRunId {
                run_id: run_id.into(),
            });
        }
        fs::create_dir_all(out_root)
            .map_err(|e| ReportError::io("cannot create output folder", out_root, e))?;
        check_latest_is_link(out_root)?;
        let final_path = out_root.join(run_id);
        if final_path.exists() {
            return Err(ReportError::RunExists { path: final_path });
        }
        let staging = out_root.join(format!(
            "{STAGING_PREFIX}{run_id}-{}",
            Owner::current().tag()
        ));
        if staging.exists() {
            // Our own name: left by an earlier process of this very pid and
            // start time, which cannot be running any more.
            fs::remove_dir_all(&staging)
                .map_err(|e| ReportError::io("cannot remove stale staging folder", &staging, e))?;
        }
        fs::create_dir(&staging)
            .map_err(|e| ReportError::io("cannot create staging folder", &staging, e))?;
        files::set_mode(&staging, modes.masked().dir)?;
        Ok(RunFolder {
            out_root: out_root.to_path_buf(),
            run_id: run_id.to_string(),
            staging,
            modes,
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
    /// in one step (never replacing an existing run) and repoints `latest`
    /// when this run is the newest. Returns the final path. If `latest`
    /// cannot be updated the run is still committed and the error says why.
    pub fn commit(mut self) -> Result<PathBuf, ReportError> {
        files::set_modes_recursive(&self.staging, self.modes.masked())?;
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

/// Renames `from` to `to` in one step, failing if `to` exists (even as an
/// empty folder, which plain `rename(2)` would silently replace).
fn rename_no_replace(from: &Path, to: &Path) -> Result<(), ReportError> {
    let exists = || ReportError::RunExists {
        path: to.to_path_buf(),
    };
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let cstr = |p: &Path| CString::new(p.as_os_str().as_bytes()).ok();
        if let (Some(f), Some(t)) = (cstr(from), cstr(to)) {
            // SAFETY: both paths are valid NUL-terminated strings.
            let r = unsafe {
                libc::renameat2(
                    libc::AT_FDCWD,
                    f.as_ptr(),
                    libc::AT_FDCWD,
                    t.as_ptr(),
                    libc::RENAME_NOREPLACE,
                )
            };
            if r == 0 {
                return Ok(());
            }
            let e = std::io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EEXIST) | Some(libc::ENOTEMPTY) => return Err(exists()),
                // Filesystems without RENAME_NOREPLACE: fall through.
                Some(libc::EINVAL) | Some(libc::ENOSYS) => {}
                _ => {
                    return Err(ReportError::io(
                        "cannot move staging folder into place as",
                        to,
                        e,
                    ))
                }
            }
        }
    }
    // Under the output root's lock no other run creates `to`, so checking
    // first is enough.
    if fs::symlink_metadata(to).is_ok() {
        return Err(exists());
    }
    fs::rename(from, to)
        .map_err(|e| ReportError::io("cannot move staging folder into place as", to, e))
}

fn check_latest_is_link(out_root: &Path) -> Result<(), ReportError> {
    #[cfg(unix)]
    {
        let latest = out_root.join(LATEST_LINK);
        if let Ok(meta) = fs::symlink_metadata(&latest) {
            if !meta.file_type().is_symlink() {
                return Err(ReportError::LatestNotLink { path: latest });
            }
        }
    }
    #[cfg(not(unix))]
    let _ = out_root;
    Ok(())
}

/// Whether `latest` should move from `current` to `new`: only forward in
/// run-id order, so a run that started earlier but finished later does not
/// take `latest` back.
fn moves_latest(current: Option<&str>, new: &str) -> bool {
    match current.map(|c| (run_id_key(c), c)) {
        Some((Some(c), _)) => run_id_key(new).is_none_or(|n| n >= c),
        _ => true,
    }
}

#[cfg(unix)]
fn update_latest(out_root: &Path, run_id: &str) -> Result<(), ReportError> {
    let latest = out_root.join(LATEST_LINK);
    check_latest_is_link(out_root)?;
    let current = fs::read_link(&latest).ok();
    let current = current.as_ref().and_then(|p| p.to_str());
    if !moves_latest(current, run_id) {
        return Ok(());
    }
    let tmp = out_root.join(format!("{LATEST_TMP_PREFIX}{}", Owner::current().tag()));
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
    let current = fs::read_to_string(&latest).ok();
    if !moves_latest(current.as_deref().map(str::trim), run_id) {
        return Ok(());
    }
    let tmp = out_root.join(format!("{LATEST_TMP_PREFIX}{}", Owner::current().tag()));
    fs::write(&tmp, format!("{run_id}\n")).map_err(|e| ReportError::io("cannot write", &tmp, e))?;
    fs::rename(&tmp, &latest).map_err(|e| ReportError::io("cannot update", &latest, e))
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

    fn manifest(dir: &Path, id: &str) {
        fs::write(dir.join(MANIFEST_FILE), format!("{{\"run_id\": \"{id}\"}}")).unwrap();
    }

    fn commit_run(root: &Path, id: &str, body: &str) -> PathBuf {
        let f = RunFolder::create(root, id).unwrap();
        fs::write(f.path().join("report.html"), body).unwrap();
        manifest(f.path(), id);
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
        manifest(f.path(), "R1");
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
    fn previous_run_falls_back_to_newest_complete_visible_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(previous_run(root), None);
        for d in [
            "20261119T230502Z",
            "20261126T230501Z-9",
            "20261126T230501Z-10",
            "20261203T000000Z",
            ".tmp-20261204T000000Z-77",
        ] {
            fs::create_dir(root.join(d)).unwrap();
        }
        for d in [
            "20261119T230502Z",
            "20261126T230501Z-9",
            "20261126T230501Z-10",
        ] {
            manifest(&root.join(d), d);
        }
        fs::write(root.join("notes.txt"), "").unwrap();
        // 20261203T000000Z is empty (not a complete run): skipped; -10 is
        // newer than -9.
        assert_eq!(previous_run(root), Some(root.join("20261126T230501Z-10")));
    }

    #[test]
    fn bad_previous_is_an_error_not_zero_changes() {
        // Regression: `--previous /no/such/run`, an empty folder or a folder
        // of garbage were compared as "no changes".
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let e = check_previous(&root.join("nope")).unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");
        fs::create_dir(root.join("empty")).unwrap();
        let e = check_previous(&root.join("empty")).unwrap_err().to_string();
        assert!(e.contains("empty folder"), "{e}");
        fs::create_dir(root.join("junk")).unwrap();
        fs::write(root.join("junk/manifest.json"), "garbage").unwrap();
        let e = check_previous(&root.join("junk")).unwrap_err().to_string();
        assert!(e.contains("not an rdmatch manifest"), "{e}");
        let run = commit_run(root, "R1", "x");
        assert!(check_previous(&run).is_ok());
    }

    #[test]
    fn killed_runs_staging_is_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = root.join(format!(".tmp-20261126T230501Z-p{dead}-s1"));
        let legacy = root.join(format!(".tmp-20261126T230502Z-{dead}"));
        let stale_link = root.join(format!(".latest-p{dead}-s1"));
        for d in [&stale, &legacy] {
            fs::create_dir(d).unwrap();
            fs::write(d.join("conflicts.csv"), "confidential").unwrap();
        }
        fs::write(&stale_link, "").unwrap();
        let live = RunFolder::create(root, "20261126T230503Z").unwrap();
        let removed = remove_stale_staging(root).unwrap();
        assert_eq!(removed.len(), 3, "{removed:?}");
        assert!(!stale.exists() && !legacy.exists() && !stale_link.exists());
        assert!(live.path().is_dir());
        // The id of a live staging folder is taken.
        let t = chrono::Utc
            .with_ymd_and_hms(2026, 11, 26, 23, 5, 3)
            .unwrap();
        assert_eq!(available_run_id(root, t), "20261126T230503Z-2");
    }

    #[test]
    fn latest_only_moves_forward() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Started second, finished first; then the earlier one finishes.
        let newer = RunFolder::create(root, "20261126T230501Z-2").unwrap();
        let older = RunFolder::create(root, "20261126T230501Z").unwrap();
        manifest(newer.path(), "n");
        manifest(older.path(), "o");
        newer.commit().unwrap();
        older.commit().unwrap();
        assert_eq!(previous_run(root), Some(root.join("20261126T230501Z-2")));
        assert!(moves_latest(
            Some("20261126T230501Z-9"),
            "20261126T230501Z-10"
        ));
        assert!(!moves_latest(
            Some("20261126T230502Z"),
            "20261126T230501Z-10"
        ));
        assert!(moves_latest(Some("first"), "second"));
        assert!(moves_latest(None, "x"));
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

    #[cfg(unix)]
    #[test]
    fn latest_that_is_a_real_folder_is_reported_before_any_work() {
        // Regression: a regular `latest` was found only after every stage
        // had run; the run was then committed and exited 1.
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("latest"), "R0").unwrap();
        let err = RunFolder::create(dir.path(), "R1").unwrap_err();
        assert!(matches!(err, ReportError::LatestNotLink { .. }), "{err}");
        assert!(!dir.path().join("R1").exists());
    }
}
