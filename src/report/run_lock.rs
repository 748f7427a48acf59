//! One `rdmatch run` at a time per output root: `OUT/.rdmatch.lock`.
//!
//! Cron starts a run whether or not the previous one has finished. Two runs
//! writing into the same `--out` would race for the run id and for `latest`,
//! so a run holds an exclusive `flock(2)` on `OUT/.rdmatch.lock` from its
//! start to its commit. The kernel drops the lock when the holder exits,
//! however it exits (`kill -9` included), so a lock is never stale. The file
//! holds the holder's pid and start time, for the message a second run
//! prints; it is left in place after the run (removing it would let two
//! later runs lock two different files).
//!
//! A second run either fails at once with a message naming the holder (the
//! default: a cron job that overlaps its predecessor is usually a sign the
//! schedule is too tight, and a non-zero exit makes cron mail it) or, with
//! `--wait`, queues behind the holder and then runs.
//!
//! On non-Unix platforms there is no lock (documented in the README).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::owner::Owner;
use super::ReportError;

/// The lock file's name inside the output root (hidden: readers skip it).
pub const LOCK_FILE: &str = ".rdmatch.lock";

/// Held for the whole run; dropping it releases the lock.
#[derive(Debug)]
pub struct RunLock {
    // Kept open: closing the file releases the flock.
    _file: File,
    path: PathBuf,
}

impl RunLock {
    /// Locks `out_root` (created if needed). With `wait`, blocks until the
    /// holder finishes; without, fails at once with [`ReportError::Busy`].
    pub fn acquire(out_root: &Path, wait: bool, started: &str) -> Result<RunLock, ReportError> {
        std::fs::create_dir_all(out_root)
            .map_err(|e| ReportError::io("cannot create output folder", out_root, e))?;
        let path = out_root.join(LOCK_FILE);
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o640);
        }
        let mut file = opts
            .open(&path)
            .map_err(|e| ReportError::io("cannot open lock file", &path, e))?;
        if !try_lock(&file).map_err(|e| ReportError::io("cannot lock", &path, e))? {
            let holder = read_holder(&mut file);
            if !wait {
                return Err(ReportError::Busy { path, holder });
            }
            lock_blocking(&file).map_err(|e| ReportError::io("cannot lock", &path, e))?;
        }
        let me = Owner::current();
        let text = format!(
            "pid={}\nprocess_start_ticks={}\nstarted={started}\n",
            me.pid,
            me.start.unwrap_or(0)
        );
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)).map(|_| ()))
            .and_then(|()| file.write_all(text.as_bytes()))
            .map_err(|e| ReportError::io("cannot write lock file", &path, e))?;
        Ok(RunLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// "pid 123, started 2026-…" from the holder's lock file, for messages.
fn read_holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .map(str::to_string)
    };
    match (field("pid"), field("started")) {
        (Some(pid), Some(started)) => format!("pid {pid}, started {started}"),
        (Some(pid), None) => format!("pid {pid}"),
        _ => "a process that has not written its pid yet".into(),
    }
}

#[cfg(unix)]
fn flock(file: &File, op: libc::c_int) -> std::io::Result<()> {
    use std::os::unix::io::AsRawFd;
    loop {
        // SAFETY: the fd is open for the lifetime of `file`.
        if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    match flock(file, libc::LOCK_EX | libc::LOCK_NB) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn lock_blocking(file: &File) -> std::io::Result<()> {
    flock(file, libc::LOCK_EX)
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(not(unix))]
fn lock_blocking(_file: &File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_fails_naming_the_holder_then_succeeds_after_release() {
        let dir = tempfile::tempdir().unwrap();
        let first = RunLock::acquire(dir.path(), false, "2026-12-01T02:00:00Z").unwrap();
        // flock locks belong to the open file description, so a second open
        // in the same process conflicts just as another process would.
        let err = RunLock::acquire(dir.path(), false, "later").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        assert!(msg.contains("2026-12-01T02:00:00Z"), "{msg}");
        assert!(msg.contains("--wait"), "{msg}");
        drop(first);
        let again = RunLock::acquire(dir.path(), false, "later").unwrap();
        assert!(again.path().is_file());
    }
}
