//! Stage progress for people at a terminal, silence for cron.
//!
//! On a terminal (and without `--quiet`) each stage shows an indicatif
//! spinner; elsewhere nothing animates. Unless `--quiet`, each finished stage
//! logs one line to stderr with its wall time. Timings are always kept for
//! the manifest.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    quiet: bool,
    animate: bool,
    timings: Vec<(String, f64)>,
    peaks: Vec<f64>,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress {
            quiet,
            animate: !quiet && std::io::stderr().is_terminal(),
            timings: Vec::new(),
            peaks: Vec::new(),
        }
    }

    /// Runs one stage, timing it.
    pub fn stage<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let bar = self.animate.then(|| {
            let b = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
                b.set_style(style);
            }
            b.set_message(name.to_string());
            b.enable_steady_tick(Duration::from_millis(100));
            b
        });
        let t = Instant::now();
        let out = f();
        let secs = t.elapsed().as_secs_f64();
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        if !self.quiet {
            eprintln!("  {name:<24} {secs:>8.2} s");
        }
        self.timings.push((name.to_string(), secs));
        self.peaks.push(peak_rss_mib());
        out
    }

    /// Peak resident memory (MiB) of the process when each stage ended.
    pub fn peaks(&self) -> &[f64] {
        &self.peaks
    }

    /// (stage, seconds) in the order run.
    pub fn timings(&self) -> &[(String, f64)] {
        &self.timings
    }
}

/// Peak resident set size of this process so far, in MiB (Linux; 0 elsewhere).
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
