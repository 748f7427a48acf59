//! How every command puts confidential files on disk.
//!
//! Conflicts, scores and assignments are confidential, so whatever command
//! writes them (`run`, `conflicts`, `score`, `assign`, `network`,
//! `coverage`):
//! - **modes**: files `0640`, folders `0750` by default (`[report] file_mode`
//!   changes the file mode; the folder mode adds `x` where the file mode has
//!   `r`), always narrowed by the process umask and never readable by others;
//! - **no partial files**: outputs are written into a hidden staging folder
//!   beside their destination and renamed into place only when all of them
//!   are complete; an error (a full disk names the file) removes the staging
//!   folder;
//! - **no surprise overwrites** ([`Clobber`]): a file the user did not name
//!   (e.g. `alternates.csv` beside `assign --out a.csv`) and any input file
//!   are replaced only with `--force`.

use std::fs;
use std::path::{Path, PathBuf};

use super::owner::Owner;
use super::ReportError;

/// Default mode of output files: owner read/write, group read.
pub const DEFAULT_FILE_MODE: u32 = 0o640;

/// File and folder modes for outputs, before the umask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Modes {
    pub file: u32,
    pub dir: u32,
}

impl Default for Modes {
    fn default() -> Self {
        Modes::from_file_mode(DEFAULT_FILE_MODE)
    }
}

impl Modes {
    /// Folder mode = file mode plus `x` wherever the file mode has `r`
    /// (0640 → 0750, 0600 → 0700, 0660 → 0770).
    pub fn from_file_mode(file: u32) -> Modes {
        Modes {
            file,
            dir: file | ((file & 0o444) >> 2),
        }
    }

    /// The modes narrowed by the process umask, as the kernel would for a
    /// newly created file: never wider than the umask allows.
    pub fn masked(self) -> Modes {
        let keep = !umask();
        Modes {
            file: self.file & keep,
            dir: self.dir & keep,
        }
    }
}

/// Parses `[report] file_mode` ("0640", "640" or "0o640"): octal, within
/// 0o660 (owner and group only, no execute bits) and owner-readable and
/// -writable, so the outputs stay confidential and usable.
pub fn parse_file_mode(text: &str) -> Result<u32, String> {
    let digits = text.trim_start_matches("0o");
    let mode = u32::from_str_radix(digits, 8).map_err(|_| {
        format!("[report] file_mode = {text:?} is not an octal mode; write e.g. \"0640\"")
    })?;
    if mode & !0o660 != 0 || mode & 0o600 != 0o600 {
        return Err(format!(
            "[report] file_mode = {text:?} must give the owner read and write and may add group read/write only (at most \"0660\"); others never get access to confidential outputs"
        ));
    }
    Ok(mode)
}

/// The process umask. Read from `/proc/self/status` on Linux (no global
/// state touched); elsewhere the classic set-and-restore.
#[cfg(unix)]
pub fn umask() -> u32 {
    if let Ok(status) = fs::read_to_string("/proc/self/status") {
        if let Some(m) = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        {
            return m;
        }
    }
    // SAFETY: umask(2) cannot fail; the old mask is restored at once.
    // (`mode_t` is u32 on Linux but u16 on macOS, hence the conversion.)
    #[allow(clippy::useless_conversion)]
    unsafe {
        let old = libc::umask(0o077);
        libc::umask(old);
        u32::from(old)
    }
}

#[cfg(not(unix))]
pub fn umask() -> u32 {
    0
}

/// Sets `mode` on `path` (Unix; a no-op elsewhere).
pub fn set_mode(path: &Path, mode: u32) -> Result<(), ReportError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .map_err(|e| ReportError::io("cannot set permissions of", path, e))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Applies `modes` (already masked) to `dir` and everything below it.
/// Symbolic links are left alone (their mode is not used).
pub fn set_modes_recursive(dir: &Path, modes: Modes) -> Result<(), ReportError> {
    set_mode(dir, modes.dir)?;
    let entries = fs::read_dir(dir).map_err(|e| ReportError::io("cannot list", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| ReportError::io("cannot list", dir, e))?;
        let path = entry.path();
        let ft = entry
            .file_type()
            .map_err(|e| ReportError::io("cannot inspect", &path, e))?;
        if ft.is_dir() {
            set_modes_recursive(&path, modes)?;
        } else if ft.is_file() {
            set_mode(&path, modes.file)?;
        }
    }
    Ok(())
}

/// Creates `dir` and its missing parents with the folder mode (existing
/// folders keep theirs: they may be the user's).
pub fn create_dir_all(dir: &Path, modes: Modes) -> Result<(), ReportError> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dir_all(parent, modes)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => set_mode(dir, modes.masked().dir),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(ReportError::io("cannot create folder", dir, e)),
    }
}

/// Which existing files a command may replace.
#[derive(Clone, Debug, Default)]
pub struct Clobber {
    /// Files the command reads; replacing one destroys data.
    pub inputs: Vec<PathBuf>,
    /// Files the user named on the command line; replacing them is expected.
    pub named: Vec<PathBuf>,
    /// The user named the destination folder: the command's own files in it
    /// (documented names) may be replaced.
    pub folder_named: bool,
    /// `--force`: replace anything.
    pub force: bool,
}

impl Clobber {
    /// Fails if writing `target` would replace a file it may not.
    pub fn check(&self, target: &Path) -> Result<(), ReportError> {
        if self.force || fs::symlink_metadata(target).is_err() {
            return Ok(());
        }
        let canon = fs::canonicalize(target).ok();
        let same =
            |p: &PathBuf| p == target || (canon.is_some() && fs::canonicalize(p).ok() == canon);
        if self.inputs.iter().any(same) {
            return Err(ReportError::WouldOverwrite {
                path: target.to_path_buf(),
                why: "it is an input file of this command",
            });
        }
        if self.folder_named || self.named.iter().any(same) {
            return Ok(());
        }
        Err(ReportError::WouldOverwrite {
            path: target.to_path_buf(),
            why: "it exists and was not named on the command line",
        })
    }
}

/// Every regular file directly in `dir` (sorted), e.g. a data folder's inputs.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

/// Fails unless `dir` is absent or empty (`generate --out` without `--force`).
pub fn require_empty_dir(dir: &Path, force: bool) -> Result<(), ReportError> {
    if force {
        return Ok(());
    }
    match fs::read_dir(dir) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(ReportError::NotEmpty {
                path: dir.to_path_buf(),
            }),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if !dir.is_dir() => Err(ReportError::NotEmpty {
            path: dir.to_path_buf(),
        }),
        Err(e) => Err(ReportError::io("cannot list", dir, e)),
    }
}

/// Prefix of a stage command's staging folder (hidden; the owner's pid and
/// start time follow).
const STAGING_PREFIX: &str = ".rdmatch-tmp-";

/// Removes staging folders in `dest` left by killed commands (their owner
/// is gone), so confidential partial outputs do not pile up. Best effort.
fn remove_dead_staging(dest: &Path) {
    for entry in fs::read_dir(dest).into_iter().flatten().flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if !name.starts_with(STAGING_PREFIX) {
            continue;
        }
        if Owner::from_name_suffix(&name).is_some_and(|o| !o.is_alive()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// A hidden staging folder inside the destination folder; the command's
/// writers write into [`StagedOutput::path`], and [`StagedOutput::commit`]
/// renames each file into the destination. Dropped uncommitted (an error,
/// a full disk), it is removed, so no partial file is ever visible.
#[derive(Debug)]
pub struct StagedOutput {
    dest: PathBuf,
    /// The destination folder did not exist: a failed command removes it
    /// again (when empty), leaving the disk as it was.
    created_dest: bool,
    staging: PathBuf,
    modes: Modes,
    committed: bool,
}

impl StagedOutput {
    /// Stages outputs for folder `dest` (created with the folder mode).
    pub fn new(dest: &Path, modes: Modes) -> Result<StagedOutput, ReportError> {
        let dest = if dest.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dest
        };
        let created_dest = !dest.is_dir();
        create_dir_all(dest, modes)?;
        remove_dead_staging(dest);
        let staging = dest.join(format!("{STAGING_PREFIX}{}", Owner::current().tag()));
        if staging.exists() {
            let _ = fs::remove_dir_all(&staging);
        }
        fs::create_dir(&staging)
            .map_err(|e| ReportError::io("cannot create staging folder", &staging, e))?;
        set_mode(&staging, modes.masked().dir)?;
        Ok(StagedOutput {
            dest: dest.to_path_buf(),
            created_dest,
            staging,
            modes,
            committed: false,
        })
    }

    /// Where the writers write.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Moves every staged file into the destination, after checking all of
    /// them against `clobber` (so a refusal moves nothing). Returns the
    /// final paths.
    pub fn commit(mut self, clobber: &Clobber) -> Result<Vec<PathBuf>, ReportError> {
        let modes = self.modes.masked();
        let staged = files_in(&self.staging);
        let moves: Vec<(PathBuf, PathBuf)> = staged
            .into_iter()
            .filter_map(|from| {
                let name = from.file_name()?.to_os_string();
                Some((from, self.dest.join(name)))
            })
            .collect();
        for (_, to) in &moves {
            clobber.check(to)?;
        }
        let mut out = Vec::new();
        for (from, to) in moves {
            set_mode(&from, modes.file)?;
            fs::rename(&from, &to)
                .map_err(|e| ReportError::io("cannot move output into place as", &to, e))?;
            out.push(to);
        }
        self.committed = true;
        let _ = fs::remove_dir_all(&self.staging);
        Ok(out)
    }
}

impl Drop for StagedOutput {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort; the hidden name keeps a leftover out of sight and
            // the owner tag lets a later run see that its owner is gone.
            let _ = fs::remove_dir_all(&self.staging);
            if self.created_dest {
                // Fails (harmlessly) unless the folder is empty.
                let _ = fs::remove_dir(&self.dest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_mode_follows_file_mode() {
        assert_eq!(
            Modes::default(),
            Modes {
                file: 0o640,
                dir: 0o750
            }
        );
        assert_eq!(Modes::from_file_mode(0o600).dir, 0o700);
        assert_eq!(Modes::from_file_mode(0o660).dir, 0o770);
    }

    #[test]
    fn file_mode_must_stay_confidential() {
        assert_eq!(parse_file_mode("0640"), Ok(0o640));
        assert_eq!(parse_file_mode("600"), Ok(0o600));
        assert_eq!(parse_file_mode("0o660"), Ok(0o660));
        for bad in ["0644", "0666", "0400", "0750", "abc", "0o1640"] {
            let e = parse_file_mode(bad).unwrap_err();
            assert!(e.contains("[report] file_mode"), "{bad}: {e}");
        }
    }

    #[test]
    fn unnamed_and_input_files_are_not_replaced_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("proposals.csv");
        let other = dir.path().join("loads.csv");
        let named = dir.path().join("a.csv");
        for p in [&input, &other, &named] {
            fs::write(p, "x").unwrap();
        }
        let mut c = Clobber {
            inputs: vec![input.clone()],
            named: vec![named.clone()],
            ..Clobber::default()
        };
        assert!(c.check(&named).is_ok());
        assert!(c.check(&dir.path().join("new.csv")).is_ok());
        let e = c.check(&other).unwrap_err().to_string();
        assert!(e.contains("loads.csv") && e.contains("--force"), "{e}");
        c.folder_named = true;
        assert!(c.check(&other).is_ok());
        let e = c.check(&input).unwrap_err().to_string();
        assert!(e.contains("input file"), "{e}");
        c.force = true;
        assert!(c.check(&input).is_ok());
    }

    #[test]
    fn staged_output_moves_files_in_or_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        let s = StagedOutput::new(&dest, Modes::default()).unwrap();
        fs::write(s.path().join("a.csv"), "1").unwrap();
        let moved = s.commit(&Clobber::default()).unwrap();
        assert_eq!(moved, vec![dest.join("a.csv")]);
        assert_eq!(fs::read_dir(&dest).unwrap().count(), 1);
        // A refused commit moves nothing and removes its staging folder.
        let s = StagedOutput::new(&dest, Modes::default()).unwrap();
        fs::write(s.path().join("a.csv"), "2").unwrap();
        fs::write(s.path().join("b.csv"), "2").unwrap();
        assert!(s.commit(&Clobber::default()).is_err());
        assert_eq!(fs::read_dir(&dest).unwrap().count(), 1);
        assert_eq!(fs::read_to_string(dest.join("a.csv")).unwrap(), "1");
        // An error before commit (dropped) leaves nothing either.
        let s = StagedOutput::new(&dest, Modes::default()).unwrap();
        fs::write(s.path().join("c.csv"), "partial").unwrap();
        drop(s);
        assert_eq!(fs::read_dir(&dest).unwrap().count(), 1);
        // A killed command's staging folder is removed by the next one.
        let dead = dest.join(".rdmatch-tmp-p999999999-s1");
        fs::create_dir(&dead).unwrap();
        let s = StagedOutput::new(&dest, Modes::default()).unwrap();
        assert!(!dead.exists());
        drop(s);
        // Not even the destination folder, when the command created it.
        let fresh = dir.path().join("fresh/out");
        let s = StagedOutput::new(&fresh, Modes::default()).unwrap();
        fs::write(s.path().join("c.csv"), "partial").unwrap();
        drop(s);
        assert!(!fresh.exists());
    }

    #[test]
    fn require_empty_dir_refuses_a_folder_with_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(require_empty_dir(dir.path(), false).is_ok());
        assert!(require_empty_dir(&dir.path().join("new"), false).is_ok());
        fs::write(dir.path().join("researchers.csv"), "x").unwrap();
        let e = require_empty_dir(dir.path(), false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("--force"), "{e}");
        assert!(require_empty_dir(dir.path(), true).is_ok());
    }
}
