//! A real browser looks at the report: headless Chromium renders
//! report.html from a full run on the sample, and the test fails if any chart
//! image is missing or broken, or the page is blank.
//!
//! The harness page (tests/browser/harness.html) loads the report in an
//! iframe and writes what it found into the DOM, which `--dump-dom` prints.
//! The report itself carries no script. Without Chromium the test is skipped
//! locally, but required under CI (`.ci/run` installs Debian's chromium).

mod common;

use common::*;

fn chromium() -> Option<std::path::PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

#[test]
fn report_renders_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (.ci/run does)"
        );
        eprintln!("chromium not found: browser test skipped");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let data = root().join("data/sample");
    let o = run(&[
        "run",
        "--quiet",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--run-id",
        "browser",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let run_dir = out.path().join("browser");
    std::fs::copy(
        root().join("tests/browser/harness.html"),
        run_dir.join("harness.html"),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let dom = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", run_dir.join("harness.html").display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    let line = dom
        .lines()
        .find(|l| l.contains("RESULT images="))
        .unwrap_or_else(|| panic!("harness wrote no result; DOM:\n{dom}"));
    let field = |name: &str| -> String {
        let start = line.find(&format!("{name}=")).unwrap() + name.len() + 1;
        line[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .trim_end_matches("</pre>")
            .to_string()
    };
    let images: usize = field("images").parse().unwrap();
    let svgs: usize = field("svgs").parse().unwrap();
    let text_len: usize = field("text").parse().unwrap();
    let broken = field("broken");
    assert!(
        images + svgs >= 8,
        "expected at least 8 charts, found {images} images and {svgs} inline SVGs: {line}"
    );
    assert_eq!(broken, "[]", "broken chart images: {line}");
    assert!(
        text_len > 1000,
        "page looks blank ({text_len} characters of text): {line}"
    );
}
