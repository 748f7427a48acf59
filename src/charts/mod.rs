//! Charts for the reports: pure functions from plain numbers and labels to
//! a [`Chart`] holding an SVG (for the HTML report) and a PNG (for slides
//! and the Excel workbook).
//!
//! What it owns: the look of every chart (sizes, fonts, colours, layout),
//! the force-directed network layout ([`network_layout`]) and a small PNG
//! encoder (plotters can only save PNGs to a path).
//! What it takes: plain slices and small row structs that the report stage
//! fills from scores, assignments, coverage and network results — never a
//! `Dataset` — so every chart is testable on hand-made data.
//! What it hands on: [`Chart`] values; writing them to files is the
//! report stage's job ([`Chart::write_to`] is a convenience for it).
//!
//! Every chart function returns a chart even for empty input: the chart
//! then says "no data" under its title instead of failing. Output is
//! deterministic: the same input gives the same SVG and PNG bytes.
//!
//! Drawing uses plotters with the IPAex Gothic font embedded in the binary
//! (no system fonts are read): it has Latin, kana and kanji glyphs, so
//! Japanese names (areas, institutions, titles) render in the PNGs instead
//! of as empty boxes. In the SVGs every text is drawn as outlines of the
//! same font's glyphs ([`outline`]), so they need no font on the viewer's
//! machine either; the words stay in transparent `<text>` for search and
//! selection. Sizes: SVG 900×520, PNG 1200×700 (slide
//! size); the PNG is the SVG drawing scaled by 4/3, so titles are at least
//! 24 px and labels at least 16 px in the SVG.

mod areas;
mod distribution;
mod heatmap;
mod network;
mod outline;
mod png;
mod years;

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

pub use areas::{coverage_by_area, sector_mix, SectorMixRow};
pub use distribution::{adviser_load, degree_distribution, proposal_expertise, score_distribution};
pub use heatmap::{collaboration_heatmap, collaboration_heatmap_named};
pub use network::{community_layout, network_chart, network_layout, NetworkNode};
pub use png::PNG_SIGNATURE;
pub use years::{collaboration_by_year, YearPoint};

/// SVG canvas size in pixels (width, height).
pub const SVG_SIZE: (u32, u32) = (900, 520);
/// PNG canvas size in pixels (width, height): a 16:9-ish slide.
pub const PNG_SIZE: (u32, u32) = (1200, 700);

/// Font family name under which the embedded font is registered.
const FAMILY: &str = "sans-serif";
/// IPAex Gothic 004.01 (IPA Font License v1.0, which allows redistribution
/// of the unmodified font with its licence: assets/IPAexGothic-LICENSE.txt;
/// from Debian's fonts-ipaexfont-gothic), embedded so that rendering never
/// depends on fonts installed on the machine. Why this font: one TrueType
/// file (6 MB, which ab_glyph reads) covering Latin and JIS X 0208 kanji;
/// plotters has no per-glyph fallback, so one font must cover everything.
pub(crate) static FONT_BYTES: &[u8] = include_bytes!("../../assets/IPAexGothic.ttf");

/// One rendered chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    /// File stem, e.g. `score_distribution` (the report adds `.svg`/`.png`).
    pub name: &'static str,
    /// The title drawn at the top (unescaped).
    pub title: String,
    /// A complete SVG document, 900×520.
    pub svg: String,
    /// A complete PNG file, 1200×700, 8-bit RGB.
    pub png: Vec<u8>,
}

impl Chart {
    /// Writes `<dir>/<name>.svg` and `<dir>/<name>.png`.
    pub fn write_to(&self, dir: &Path) -> Result<(), ChartError> {
        for (ext, bytes) in [("svg", self.svg.as_bytes()), ("png", &self.png[..])] {
            let path = dir.join(format!("{}.{ext}", self.name));
            std::fs::write(&path, bytes).map_err(|source| ChartError::Write {
                path: path.display().to_string(),
                source,
            })?;
        }
        Ok(())
    }
}

/// Why a chart could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font could not be parsed: the binary was built from a
    /// damaged `assets/IPAexGothic.ttf`.
    #[error("chart '{chart}': the embedded font assets/IPAexGothic.ttf cannot be read; rebuild rdmatch from a clean checkout")]
    Font { chart: &'static str },
    /// Input that no chart can show (e.g. a heat map that is not square).
    #[error("chart '{chart}': {message}")]
    Input {
        chart: &'static str,
        message: String,
    },
    /// plotters reported an error while drawing.
    #[error("chart '{chart}': drawing failed: {message}")]
    Draw {
        chart: &'static str,
        message: String,
    },
    /// A chart file could not be written.
    #[error("cannot write chart file {path}: {source}; check that the output folder exists and is writable")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Registers the embedded font once per process. plotters' `ab_glyph`
/// backend has no fonts of its own: text without a registered font panics.
fn ensure_font(chart: &'static str) -> Result<(), ChartError> {
    static OK: OnceLock<bool> = OnceLock::new();
    let ok = *OK.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font { chart })
    }
}

/// Sizes for one canvas: the SVG is drawn at scale 1, the PNG at 4/3.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sty {
    pub s: f64,
}

impl Sty {
    /// A length in SVG pixels, scaled to this canvas.
    pub fn px(&self, v: f64) -> i32 {
        (v * self.s).round() as i32
    }
    pub fn upx(&self, v: f64) -> u32 {
        (v * self.s).round().max(0.0) as u32
    }
    /// A font whose em size is `size` SVG pixels on this canvas. plotters
    /// treats a font size as 1.24 × the em size (it divides by 1.24 before
    /// rasterising and in the SVG `font-size`), so the factor is undone here
    /// to make the documented sizes the real ones.
    pub fn font(&self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FAMILY, size * self.s * 1.24).into_font())
    }
    pub fn title(&self) -> TextStyle<'static> {
        self.font(24.0)
    }
    /// Axis descriptions.
    pub fn axis(&self) -> TextStyle<'static> {
        self.font(17.0)
    }
    /// Tick labels, legends, annotations.
    pub fn label(&self) -> TextStyle<'static> {
        self.font(16.0)
    }
}

/// Converts any plotters error to the message kept in [`ChartError::Draw`].
pub(crate) fn de<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// What each chart implements: draw into the area below the title.
pub(crate) trait Draw {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        st: &Sty,
    ) -> Result<(), String>;
}

/// Draws `d` on both canvases and packs the result.
pub(crate) fn render(name: &'static str, title: &str, d: &impl Draw) -> Result<Chart, ChartError> {
    ensure_font(name)?;
    let draw_err = |message: String| ChartError::Draw {
        chart: name,
        message,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SVG_SIZE).into_drawing_area();
        page(&root, title, d, &Sty { s: 1.0 }).map_err(draw_err)?;
    }
    let svg = outline::outline_text(&svg, FONT_BYTES, &format!("{name}-"));
    let (w, h) = PNG_SIZE;
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, PNG_SIZE).into_drawing_area();
        let st = Sty {
            s: w as f64 / SVG_SIZE.0 as f64,
        };
        page(&root, title, d, &st).map_err(draw_err)?;
    }
    // Invariant: the buffer was allocated for exactly PNG_SIZE.
    let png = png::encode_rgb(w, h, &buf)
        .ok_or_else(|| draw_err("internal error: bitmap size mismatch".into()))?;
    Ok(Chart {
        name,
        title: title.to_string(),
        svg,
        png,
    })
}

fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    d: &impl Draw,
    st: &Sty,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(de)?;
    let (w, _) = root.dim_in_pixel();
    let shown = fit_text(root, title, &st.title(), w.saturating_sub(st.upx(30.0)));
    let body = root
        .margin(st.px(8.0), 0, 0, 0)
        .titled(&shown, st.title())
        .map_err(de)?
        .margin(st.px(4.0), st.px(8.0), st.px(8.0), st.px(18.0));
    d.draw(&body, st)?;
    root.present().map_err(de)
}

/// Draws a "no data" notice centred in `area`, with a reason below it.
pub(crate) fn no_data<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    st: &Sty,
    reason: &str,
) -> Result<(), String> {
    let (w, h) = area.dim_in_pixel();
    let (cx, cy) = (w as i32 / 2, h as i32 / 2);
    let big = st
        .font(36.0)
        .color(&RGBColor(80, 80, 80))
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text("no data", &big, (cx, cy - st.px(24.0)))
        .map_err(de)?;
    let small = st
        .label()
        .color(&RGBColor(90, 90, 90))
        .pos(Pos::new(HPos::Center, VPos::Center));
    let reason = fit_text(area, reason, &small, w.saturating_sub(st.upx(20.0)));
    area.draw_text(&reason, &small, (cx, cy + st.px(22.0)))
        .map_err(de)
}

/// Shortens `s` with a trailing "…" to at most `max` characters.
pub(crate) fn ellipsize(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(1);
    let mut out: String = s.chars().take(keep).collect();
    out = out.trim_end().to_string();
    out.push('…');
    out
}

/// Shortens `s` (with "…") until it is at most `max_px` wide in `style`.
pub(crate) fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
    max_px: u32,
) -> String {
    let width = |t: &str| {
        area.estimate_text_size(t, style)
            .map(|(w, _)| w)
            .unwrap_or(0)
    };
    if width(s) <= max_px {
        return s.to_string();
    }
    let n = s.chars().count();
    // Binary search on the kept length: width grows with it.
    let (mut lo, mut hi) = (1usize, n);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if width(&ellipsize(s, mid)) <= max_px {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    ellipsize(s, lo)
}

/// Formats a number for a label with at most `dec` decimals, trailing
/// zeros dropped (`0.500` -> `0.5`, `3.0` -> `3`).
pub(crate) fn fmt_num(v: f64, dec: usize) -> String {
    let s = format!("{v:.dec$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// Ten well-separated colours (Tableau 10), used for categories that have
/// no fixed colour of their own (communities).
pub(crate) const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Main series colour.
pub(crate) const BLUE_MAIN: RGBColor = RGBColor(31, 119, 180);
/// Second series / highlight colour.
pub(crate) const ORANGE: RGBColor = RGBColor(255, 127, 14);
/// Reference lines (targets, caps).
pub(crate) const REF_RED: RGBColor = RGBColor(200, 30, 30);
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every property a chart must have: an SVG document of the right size
    /// containing the escaped title, and a decodable 1200×700 PNG that is
    /// not blank.
    pub(crate) fn check_chart(c: &Chart, name: &str, title: &str) {
        assert_eq!(c.name, name);
        assert_eq!(c.title, title);
        assert!(
            c.svg.starts_with("<svg"),
            "{}",
            &c.svg[..40.min(c.svg.len())]
        );
        assert!(c.svg.trim_end().ends_with("</svg>"));
        assert!(c.svg.contains("width=\"900\"") && c.svg.contains("height=\"520\""));
        let escaped = title
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(c.svg.contains(&escaped), "title {escaped:?} not in SVG");
        assert_eq!(&c.png[..8], &PNG_SIGNATURE);
        let (w, h, rgb) = png::tests::decode_rgb(&c.png);
        assert_eq!((w, h), PNG_SIZE);
        let dark = rgb.chunks(3).filter(|p| p.iter().all(|&v| v < 100)).count();
        assert!(dark > 500, "PNG looks blank ({dark} dark pixels)");
    }

    /// Japanese text must render with real glyphs: two different kanji
    /// strings give different, non-empty bitmaps (a font without them draws
    /// the same fallback box, or nothing, for both).
    #[test]
    fn japanese_glyphs_render_in_png() {
        ensure_font("test").unwrap();
        let draw = |t: &str| {
            let mut buf = vec![255u8; 240 * 80 * 3];
            {
                let root = BitMapBackend::with_buffer(&mut buf, (240, 80)).into_drawing_area();
                root.draw_text(t, &Sty { s: 1.0 }.font(40.0), (5, 5))
                    .unwrap();
                root.present().unwrap();
            }
            buf
        };
        let dark = |b: &[u8]| b.chunks(3).filter(|p| p[0] < 128).count();
        let (a, b, c) = (draw("免疫"), draw("腫瘍"), draw("がん"));
        for img in [&a, &b, &c] {
            assert!(dark(img) > 150, "glyphs drawn ({} dark pixels)", dark(img));
        }
        assert_ne!(a, b);
        assert_ne!(a, c);
        // Repeated single kanji differ too (a fallback box would not).
        assert_ne!(draw("免免"), draw("疫疫"));
        // And in a chart's PNG: the same chart with two Japanese area names.
        let chart = |name: &str| {
            let rows = [
                (format!("A01 {name}"), 0.5),
                ("A02 神経変性疾患".to_string(), 0.8),
            ];
            let c = coverage_by_area("Coverage", &rows).unwrap();
            png::tests::decode_rgb(&c.png).2
        };
        assert_ne!(chart("がん免疫療法"), chart("再生医療研究"));
    }

    /// Japanese text in the SVG needs no font on the viewer's machine:
    /// every `<text>` is transparent, and each character of a Japanese area
    /// name is drawn by a glyph outline of the embedded font (not glyph 0,
    /// the fallback box), placed once per character. tests/browser.rs
    /// checks in Chromium that the outlines alone carry what is seen.
    #[test]
    fn japanese_labels_render_in_svg_as_outlines() {
        use ab_glyph::Font;
        let font = ab_glyph::FontRef::try_from_slice(FONT_BYTES).unwrap();
        let name = "がん免疫療法";
        let rows = [(format!("A01 {name}"), 0.5), ("A02 神経".to_string(), 0.8)];
        let c = coverage_by_area("Coverage 被覆率", &rows).unwrap();
        let texts = c.svg.matches("<text ").count();
        assert!(texts > 5, "{texts}");
        assert_eq!(
            c.svg.matches("<text ").count(),
            c.svg.matches(" opacity=\"0\"").count()
        );
        for ch in name.chars().chain("被覆率神経".chars()) {
            let id = font.glyph_id(ch).0;
            assert_ne!(id, 0, "{ch}: the font has it");
            let def = format!("<path id=\"coverage_by_area-g{id}\" d=\"M");
            assert_eq!(c.svg.matches(&def).count(), 1, "{ch} defined once");
            let used = format!("xlink:href=\"#coverage_by_area-g{id}\"");
            assert!(c.svg.contains(&used), "{ch} placed");
        }
    }

    /// Writes every chart, drawn from a synthetic but realistic data set,
    /// to `$TMPDIR/charts/` for a person to look at:
    /// `cargo test --release dump_charts -- --ignored`.
    #[test]
    #[ignore]
    fn dump_charts_for_review() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let dir = std::env::temp_dir().join("charts");
        std::fs::create_dir_all(&dir).unwrap();
        let areas = [
            "Regenerative medicine",
            "Infectious disease & vaccines",
            "Cancer immunotherapy and tumour microenvironment",
            "Neurodegeneration",
            "Medical AI / digital health",
            "Rare diseases",
            "Drug discovery platforms",
            "Cardiovascular",
            "Genome editing",
            "Microbiome",
        ];
        let eligible: Vec<f64> = (0..5000).map(|_| rng.random::<f64>().powf(2.0)).collect();
        let assigned: Vec<f64> = (0..300)
            .map(|_| 0.3 + 0.7 * rng.random::<f64>().sqrt())
            .collect();
        let loads: Vec<usize> = (0..80).map(|_| rng.random_range(0..7)).collect();
        let cov: Vec<(String, f64)> = areas
            .iter()
            .map(|a| (a.to_string(), rng.random::<f64>() * 1.4))
            .collect();
        let mix: Vec<SectorMixRow> = areas
            .iter()
            .map(|a| SectorMixRow {
                area: a.to_string(),
                applicants: std::array::from_fn(|k| rng.random_range(0..30 / (k + 1))),
                advisers: std::array::from_fn(|k| rng.random_range(0..8 / (k + 1))),
            })
            .collect();
        let labels: Vec<String> = areas.iter().map(|a| a.to_string()).collect();
        let m: Vec<Vec<u64>> = (0..areas.len())
            .map(|i| {
                (0..areas.len())
                    .map(|j| {
                        if i == j {
                            rng.random_range(50..400)
                        } else {
                            rng.random_range(0..20)
                        }
                    })
                    .collect()
            })
            .collect();
        let degrees: Vec<usize> = (0..2000)
            .map(|_| ((1.0 / (rng.random::<f64>() + 0.01)).floor() as usize).saturating_sub(1))
            .collect();
        let nn = 400;
        let nodes: Vec<NetworkNode> = (0..nn)
            .map(|i| NetworkNode {
                id: format!("R{i}"),
                community: (i * 7 / nn) * 2 + (i % 13 == 0) as usize * 31,
            })
            .collect();
        let mut edges = Vec::new();
        for i in 1..nn {
            let same = (i * 7 / nn) * nn / 7;
            let lo = same.max(i.saturating_sub(40));
            edges.push((i, rng.random_range(lo..i)));
            if rng.random::<f64>() < 0.6 {
                edges.push((i, rng.random_range(lo..i)));
            }
            if rng.random::<f64>() < 0.05 {
                edges.push((i, rng.random_range(0..i)));
            }
        }
        let exp: Vec<(String, f64)> = (0..150)
            .map(|i| (format!("P-{i:03}"), rng.random::<f64>().sqrt() * 2.4))
            .collect();
        let charts = vec![
            score_distribution(
                "Score distribution: assigned vs eligible pairs",
                &assigned,
                &eligible,
            )
            .unwrap(),
            adviser_load("Adviser load", &loads, Some(5)).unwrap(),
            coverage_by_area("Coverage ratio by R&D area", &cov).unwrap(),
            sector_mix("Sector mix of applicants and advisers by area", &mix).unwrap(),
            collaboration_heatmap("Collaboration between R&D areas", &labels, &m).unwrap(),
            degree_distribution("Degree distribution of the collaboration graph", &degrees)
                .unwrap(),
            network_chart(
                "Largest component by community",
                &nodes,
                &edges,
                400,
                42,
                &[],
            )
            .unwrap(),
            proposal_expertise(
                "Assigned expertise per proposal, weakest first",
                "total score of assigned advisers",
                &exp,
            )
            .unwrap(),
        ];
        for c in &charts {
            c.write_to(&dir).unwrap();
        }
        let many: Vec<(String, f64)> = (0..40)
            .map(|i| {
                (
                    format!("Area number {i:02} with a long name"),
                    i as f64 / 30.0,
                )
            })
            .collect();
        let c = coverage_by_area("Coverage, 40 areas", &many).unwrap();
        std::fs::write(dir.join("coverage_many.png"), &c.png).unwrap();
        let empty = adviser_load("Adviser load (empty input)", &[], None).unwrap();
        std::fs::write(dir.join("empty.png"), &empty.png).unwrap();
    }

    #[test]
    fn ellipsize_counts_characters_not_bytes() {
        assert_eq!(ellipsize("abc", 3), "abc");
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("再生医療研究領域", 5), "再生医療…");
        assert_eq!(ellipsize("ab cd", 4), "ab…");
    }

    #[test]
    fn fmt_num_drops_zero_decimals() {
        assert_eq!(fmt_num(3.0, 2), "3");
        assert_eq!(fmt_num(0.125, 2), "0.12");
        assert_eq!(fmt_num(-2.0, 1), "-2");
        assert_eq!(fmt_num(0.5, 3), "0.5");
        assert_eq!(fmt_num(-0.0001, 2), "0");
        assert_eq!(fmt_num(100.0, 0), "100");
    }

    #[test]
    fn write_to_writes_both_files() {
        let c = score_distribution("t", &[0.5], &[0.5]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        c.write_to(dir.path()).unwrap();
        let svg = std::fs::read_to_string(dir.path().join("score_distribution.svg")).unwrap();
        assert_eq!(svg, c.svg);
        let png = std::fs::read(dir.path().join("score_distribution.png")).unwrap();
        assert_eq!(png, c.png);
        let err = c.write_to(&dir.path().join("missing")).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
    }
}
