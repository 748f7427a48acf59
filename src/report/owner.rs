//! Which process owns a lock or a staging folder, and whether it still runs.
//!
//! A `kill -9` runs no destructor, so a run can leave a staging folder behind.
//! The next run must tell "left by a dead run" (remove it) from "being
//! written by a live run" (leave it alone). A pid alone is not enough: pids
//! are reused, and after a reboot or a long uptime a new, unrelated process
//! may carry the dead run's pid. So an owner is the pid *and* the process's
//! start time (Linux: field 22 of `/proc/<pid>/stat`, clock ticks since
//! boot), and a process is the owner only when both match.
//!
//! Elsewhere on Unix the start time is unknown and `kill(pid, 0)` alone
//! decides; on other platforms every owner counts as alive (nothing is ever
//! removed that might be in use).

/// A process identity: pid plus start time when the platform gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    /// Start time in clock ticks since boot (Linux), `None` when unknown.
    pub start: Option<u64>,
}

impl Owner {
    /// This process.
    pub fn current() -> Owner {
        let pid = std::process::id();
        Owner {
            pid,
            start: start_ticks(pid),
        }
    }

    /// The tag written into staging folder names: `p<pid>-s<start>` (the
    /// start is `0` when unknown).
    pub fn tag(&self) -> String {
        format!("p{}-s{}", self.pid, self.start.unwrap_or(0))
    }

    /// Parses the end of a name made with [`Owner::tag`]
    /// (`…-p<pid>-s<start>`), or the older `…-<pid>` form.
    pub fn from_name_suffix(name: &str) -> Option<Owner> {
        let mut parts = name.rsplit('-');
        let last = parts.next()?;
        if let Some(start) = last.strip_prefix('s') {
            let pid = parts.next()?.strip_prefix('p')?.parse().ok()?;
            let start: u64 = start.parse().ok()?;
            return Some(Owner {
                pid,
                start: (start != 0).then_some(start),
            });
        }
        // Staging folders of earlier versions: `.tmp-<run_id>-<pid>`.
        last.parse().ok().map(|pid| Owner { pid, start: None })
    }

    /// Whether this process still runs (same pid and, when known on both
    /// sides, same start time).
    pub fn is_alive(&self) -> bool {
        if !pid_exists(self.pid) {
            return false;
        }
        match (self.start, start_ticks(self.pid)) {
            (Some(recorded), Some(now)) => recorded == now,
            _ => true,
        }
    }
}

/// Start time of `pid` in clock ticks since boot, from `/proc/<pid>/stat`.
fn start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces or
    // ')', so count fields after the last ')': state is field 3, starttime 22.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(22 - 3)?.parse().ok()
}

#[cfg(unix)]
fn pid_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 sends nothing; it only checks that the
    // process exists (EPERM: it exists but belongs to another user).
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn pid_exists(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_its_tag_round_trips() {
        let me = Owner::current();
        assert!(me.is_alive());
        let name = format!(".tmp-20261126T230501Z-{}", me.tag());
        assert_eq!(Owner::from_name_suffix(&name), Some(me));
        assert_eq!(
            Owner::from_name_suffix(".tmp-R1-77"),
            Some(Owner {
                pid: 77,
                start: None
            })
        );
        assert_eq!(Owner::from_name_suffix(".tmp-R1"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_reused_pid_with_another_start_time_is_not_the_owner() {
        let me = Owner::current();
        let impostor = Owner {
            pid: me.pid,
            start: me.start.map(|s| s + 1),
        };
        assert!(!impostor.is_alive());
    }

    #[test]
    fn a_finished_process_is_dead() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!Owner { pid, start: None }.is_alive());
    }
}
