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

/// What the harness page found in one run's report.html.
struct Seen {
    line: String,
}

impl Seen {
    fn field(&self, name: &str) -> String {
        let start = self
            .line
            .find(&format!(" {name}="))
            .unwrap_or_else(|| panic!("no {name} in {}", self.line))
            + name.len()
            + 2;
        self.line[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .trim_end_matches("</pre>")
            .to_string()
    }

    fn num(&self, name: &str) -> usize {
        self.field(name).parse().unwrap()
    }

    /// (text characters, table rows) of a section.
    fn section(&self, id: &str) -> (usize, usize) {
        let all = self.field("sections");
        let part = all
            .split(',')
            .find(|p| p.starts_with(&format!("{id}:")))
            .unwrap_or_else(|| panic!("section {id} not reported: {all}"));
        let f: Vec<&str> = part.split(':').collect();
        assert_ne!(f[1], "missing", "section #{id} is missing: {}", self.line);
        (f[1].parse().unwrap(), f[2].parse().unwrap())
    }
}

/// Runs `rdmatch run` on `data` and renders its report.html in Chromium.
fn render(browser: &std::path::Path, data: &std::path::Path, expect_exit: i32) -> Seen {
    let out = tempfile::tempdir().unwrap();
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
    assert_eq!(o.status.code(), Some(expect_exit), "{}", text(&o));
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
        .unwrap_or_else(|| panic!("harness wrote no result; DOM:\n{dom}"))
        .to_string();
    Seen { line }
}

fn browser_or_skip() -> Option<std::path::PathBuf> {
    let b = chromium();
    if b.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (.ci/run does)"
        );
        eprintln!("chromium not found: browser test skipped");
    }
    b
}

#[test]
fn report_renders_in_chromium() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let seen = render(&browser, &root().join("data/sample"), 0);
    let line = &seen.line;
    let (images, svgs) = (seen.num("images"), seen.num("svgs"));
    assert!(
        images + svgs >= 8,
        "expected at least 8 charts, found {images} images and {svgs} inline SVGs: {line}"
    );
    assert_eq!(seen.field("broken"), "[]", "broken chart images: {line}");
    assert!(seen.num("text") > 1000, "page looks blank: {line}");
    // Every section is there and says something; the tables a PS/PO reads
    // have rows: assignment (with alternates), the adviser view (one row per
    // adviser of the sample), coverage per area, the portfolio tables.
    for id in [
        "attention",
        "summary",
        "assignment",
        "advisers",
        "coverage",
        "portfolio",
        "changes",
        "definitions",
    ] {
        let (chars, _) = seen.section(id);
        assert!(chars > 40, "section #{id} is nearly empty: {line}");
    }
    let advisers = std::fs::read_to_string(root().join("data/sample/advisers.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(seen.num("adviser_rows"), advisers, "{line}");
    assert!(
        seen.section("assignment").1 > 0 && seen.num("alternates") > 0,
        "{line}"
    );
    assert!(seen.section("coverage").1 > 0, "{line}");
    assert!(seen.section("portfolio").1 > 0, "{line}");
    assert!(seen.num("area_links") > 0, "{line}");
    assert_eq!(
        seen.num("broken_links"),
        0,
        "links to missing anchors: {line}"
    );
}

#[test]
fn infeasible_report_renders_with_its_diagnosis_first() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let seen = render(&browser, &root().join("tests/fixtures/short_area"), 3);
    let line = &seen.line;
    for id in [
        "attention",
        "summary",
        "assignment",
        "advisers",
        "coverage",
        "portfolio",
        "definitions",
    ] {
        let (chars, _) = seen.section(id);
        assert!(chars > 40, "section #{id} is nearly empty: {line}");
    }
    // Diagnosis + both under-covered areas in the first section; every
    // proposal still lists its best eligible advisers as alternates.
    let (chars, rows) = seen.section("attention");
    assert!(chars > 200 && rows >= 2, "{line}");
    assert_eq!(seen.num("adviser_rows"), 4, "{line}");
    assert!(seen.num("alternates") >= 5, "{line}");
    assert_eq!(seen.num("broken_links"), 0, "{line}");
    assert_eq!(seen.field("broken"), "[]", "{line}");
}

/// Chromium screenshot of an SVG file at the charts' SVG size.
fn screenshot(browser: &std::path::Path, svg: &std::path::Path, png: &std::path::Path) -> Vec<u8> {
    let profile = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--window-size=900,520",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", svg.display()))
        .output()
        .unwrap();
    std::fs::read(png).unwrap_or_else(|e| panic!("no screenshot ({e}): {}", text(&o)))
}

/// The SVG charts draw their text, Japanese included, as outlines of the
/// embedded font, so no font on the viewer's machine is needed: Chromium
/// draws the chart pixel for pixel the same with every `<text>` element
/// removed (what is seen comes from the outlines), and differently with
/// the outlines removed (they do draw the labels).
#[test]
fn svg_chart_japanese_text_needs_no_system_font() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let rows = [
        ("A01 がん免疫療法".to_string(), 0.4),
        ("A02 神経変性疾患の早期診断".to_string(), 0.9),
        ("A03 再生医療".to_string(), 1.3),
    ];
    let chart = rdmatch::charts::coverage_by_area("領域別の被覆率 (coverage)", &rows).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let strip = |svg: &str, open: &str, close: &str| {
        let mut out = String::new();
        let mut rest = svg;
        while let Some(i) = rest.find(open) {
            out.push_str(&rest[..i]);
            let j = rest[i..].find(close).unwrap() + i + close.len();
            rest = &rest[j..];
        }
        out.push_str(rest);
        out
    };
    let variants = [
        ("as_written", chart.svg.clone()),
        ("without_text", strip(&chart.svg, "<text ", "</text>")),
        ("without_outlines", strip(&chart.svg, "<use ", "/>")),
    ];
    let mut shots = Vec::new();
    for (name, svg) in &variants {
        let svg_path = dir.path().join(format!("{name}.svg"));
        std::fs::write(&svg_path, svg).unwrap();
        let png = dir.path().join(format!("{name}.png"));
        shots.push(screenshot(&browser, &svg_path, &png));
    }
    if let Some(keep) = std::env::var_os("RDMATCH_KEEP_SCREENSHOT") {
        std::fs::copy(dir.path().join("as_written.png"), keep).unwrap();
    }
    assert!(variants[1].1.len() < chart.svg.len(), "text removed");
    assert_eq!(shots[0], shots[1], "the <text> elements draw nothing");
    assert_ne!(shots[0], shots[2], "the outlines draw the labels");
}
