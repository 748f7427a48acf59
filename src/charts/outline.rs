//! SVG text drawn as glyph outlines of the embedded font, so that Japanese
//! labels render the same in every viewer, with or without Japanese system
//! fonts (browsers, librsvg, Inkscape, office suites).
//!
//! Why outlines and not an embedded `@font-face`: an SVG shown through
//! `<img>` (as report.html shows its charts) may not load web fonts in
//! every viewer, librsvg and office suites ignore `@font-face`, and the
//! whole font is 6 MB. Each glyph a chart uses is defined once, in font
//! units, in `<defs>` and placed with `<use>`; a chart carries a few
//! hundred glyphs at most.
//!
//! The original `<text>` element stays, transparent, over its outline: the
//! words remain searchable and selectable in a browser, and tests can read
//! them.
//!
//! Layout replicates what plotters asks the SVG viewer to do: the anchor
//! (`text-anchor` start/middle/end; `dy` 0.76em, 0.5ex or −0.5ex) and the
//! rotation are applied to the advance widths and kerning of the font.

use std::collections::BTreeMap;
use std::fmt::Write;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve};

/// Rewrites every `<text>` element plotters wrote into outlines placed
/// where the viewer would have drawn the text. `prefix` keeps glyph IDs
/// apart when several charts share one document. Returns the input
/// unchanged if the font cannot be parsed (the caller has checked it).
pub fn outline_text(svg: &str, font_bytes: &[u8], prefix: &str) -> String {
    let Ok(font) = FontRef::try_from_slice(font_bytes) else {
        return svg.to_string();
    };
    let upem = font.units_per_em().unwrap_or(1000.0);
    let x_height = font
        .outline(font.glyph_id('x'))
        .map_or(0.5 * upem, |o| o.bounds.min.y.max(o.bounds.max.y));
    let mut glyphs: BTreeMap<u16, String> = BTreeMap::new();
    let mut out = String::with_capacity(svg.len() * 2);
    let mut rest = svg;
    while let Some(start) = rest.find("<text ") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let Some(open_end) = tail.find('>') else {
            break;
        };
        let Some(close) = tail.find("</text>") else {
            break;
        };
        let tag = &tail[..open_end];
        let content = unescape(tail[open_end + 1..close].trim_matches('\n'));
        let attrs = Attrs::parse(tag);
        let placed = place(&font, upem, x_height, &attrs, &content, prefix, &mut glyphs);
        out.push_str(&placed);
        // The text itself, kept for search and selection, drawn invisibly.
        out.push_str(&set_attr(tag, "opacity", "0"));
        out.push_str(&tail[open_end..close + "</text>".len()]);
        rest = &tail[close + "</text>".len()..];
    }
    out.push_str(rest);
    if glyphs.is_empty() {
        return out;
    }
    let mut defs = String::from("<defs>\n");
    for (id, d) in &glyphs {
        let _ = writeln!(defs, "<path id=\"{prefix}g{id}\" d=\"{d}\"/>");
    }
    defs.push_str("</defs>\n");
    // After the root element's start tag, with the xlink namespace `<use>`
    // needs in SVG 1.1 viewers.
    match out.find('>') {
        Some(i) if out.starts_with("<svg") => {
            let head = out[..i].replacen(
                "<svg",
                "<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
                1,
            );
            format!("{head}>\n{defs}{}", out[i + 1..].trim_start_matches('\n'))
        }
        _ => out,
    }
}

/// The attributes plotters writes on a `<text>` element.
struct Attrs {
    x: f32,
    y: f32,
    dy: String,
    anchor: String,
    size: f32,
    fill: String,
    opacity: String,
    transform: Option<String>,
}

impl Attrs {
    fn parse(tag: &str) -> Attrs {
        let get = |name: &str| attr(tag, name).map(|v| unescape(&v));
        let num = |name: &str| get(name).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        Attrs {
            x: num("x"),
            y: num("y"),
            dy: get("dy").unwrap_or_default(),
            anchor: get("text-anchor").unwrap_or_else(|| "start".into()),
            size: num("font-size"),
            fill: get("fill").unwrap_or_else(|| "#000000".into()),
            opacity: get("opacity").unwrap_or_else(|| "1".into()),
            transform: get("transform"),
        }
    }
}

/// The value of attribute `name` in a start tag (as written, escaped).
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')?;
    Some(tag[i..i + j].to_string())
}

/// `tag` with attribute `name` set to `value` (added if absent).
fn set_attr(tag: &str, name: &str, value: &str) -> String {
    let key = format!(" {name}=\"");
    match tag.find(&key) {
        Some(i) => {
            let v = i + key.len();
            let end = tag[v..].find('"').map_or(tag.len(), |j| v + j);
            format!("{}{value}{}", &tag[..v], &tag[end..])
        }
        None => format!("{tag} {name}=\"{value}\""),
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The `<g>` of `<use>` glyphs for one text; records new glyph shapes.
fn place(
    font: &FontRef,
    upem: f32,
    x_height: f32,
    a: &Attrs,
    text: &str,
    prefix: &str,
    glyphs: &mut BTreeMap<u16, String>,
) -> String {
    let scale = a.size / upem;
    let ids: Vec<GlyphId> = text.chars().map(|c| font.glyph_id(c)).collect();
    let mut advances = Vec::with_capacity(ids.len());
    let mut width = 0.0f32;
    for (k, &id) in ids.iter().enumerate() {
        advances.push(width);
        width += font.h_advance_unscaled(id);
        if let Some(&next) = ids.get(k + 1) {
            width += font.kern_unscaled(id, next);
        }
    }
    let shift = match a.anchor.as_str() {
        "middle" => -width / 2.0,
        "end" => -width,
        _ => 0.0,
    };
    // dy as plotters writes it: 0.76em (top), 0.5ex (centre), -0.5ex (bottom).
    let dy = match a.dy.as_str() {
        "0.76em" => 0.76 * a.size,
        "0.5ex" => 0.5 * x_height * scale,
        "-0.5ex" => -0.5 * x_height * scale,
        other => other.trim_end_matches("px").parse().unwrap_or(0.0),
    };
    let mut g = String::new();
    let _ = write!(g, "<g fill=\"{}\" opacity=\"{}\"", a.fill, a.opacity);
    if let Some(t) = &a.transform {
        let _ = write!(g, " transform=\"{t}\"");
    }
    g.push_str(">\n");
    let baseline = a.y + dy;
    for (&id, &adv) in ids.iter().zip(&advances) {
        if let std::collections::btree_map::Entry::Vacant(e) = glyphs.entry(id.0) {
            // A glyph without an outline (a space): advance only.
            let Some(o) = font.outline(id) else {
                continue;
            };
            e.insert(path_data(&o.curves));
        }
        if glyphs.get(&id.0).is_some_and(String::is_empty) {
            continue;
        }
        let gx = a.x + (shift + adv) * scale;
        let _ = writeln!(
            g,
            "<use xlink:href=\"#{prefix}g{}\" transform=\"translate({} {}) scale({} {})\"/>",
            id.0,
            num(gx),
            num(baseline),
            num_fine(scale),
            num_fine(-scale)
        );
    }
    g.push_str("</g>\n");
    g
}

/// SVG path data of an outline in font units (y up, as the font has it).
fn path_data(curves: &[OutlineCurve]) -> String {
    let mut d = String::new();
    let mut last: Option<ab_glyph::Point> = None;
    for c in curves {
        let (p0, end) = match *c {
            OutlineCurve::Line(p0, p1) => (p0, p1),
            OutlineCurve::Quad(p0, _, p2) => (p0, p2),
            OutlineCurve::Cubic(p0, _, _, p3) => (p0, p3),
        };
        if last != Some(p0) {
            if last.is_some() {
                d.push('Z');
            }
            let _ = write!(d, "M{} {}", num(p0.x), num(p0.y));
        }
        match *c {
            OutlineCurve::Line(_, p1) => {
                let _ = write!(d, "L{} {}", num(p1.x), num(p1.y));
            }
            OutlineCurve::Quad(_, p1, p2) => {
                let _ = write!(
                    d,
                    "Q{} {} {} {}",
                    num(p1.x),
                    num(p1.y),
                    num(p2.x),
                    num(p2.y)
                );
            }
            OutlineCurve::Cubic(_, p1, p2, p3) => {
                let _ = write!(
                    d,
                    "C{} {} {} {} {} {}",
                    num(p1.x),
                    num(p1.y),
                    num(p2.x),
                    num(p2.y),
                    num(p3.x),
                    num(p3.y)
                );
            }
        }
        last = Some(end);
    }
    if last.is_some() {
        d.push('Z');
    }
    d
}

/// One decimal, no trailing zeros, no negative zero.
fn num(x: f32) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

/// Six significant decimals for scale factors.
fn num_fine(x: f32) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::FONT_BYTES;

    const SAMPLE: &str = "<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" xmlns=\"http://www.w3.org/2000/svg\">\n<text x=\"50\" y=\"20\" dy=\"0.5ex\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"16\" opacity=\"1\" fill=\"#112233\">\n再生医療 &amp; AI\n</text>\n</svg>\n";

    #[test]
    fn every_glyph_becomes_a_placed_outline_and_the_text_stays_invisible() {
        let out = outline_text(SAMPLE, FONT_BYTES, "t-");
        assert!(out.starts_with("<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\" width"));
        // 再 生 医 療 & A I: seven inked glyphs (the spaces have none).
        assert_eq!(out.matches("<use ").count(), 7, "{out}");
        assert_eq!(out.matches("<path id=\"t-g").count(), 7);
        let font = FontRef::try_from_slice(FONT_BYTES).unwrap();
        for c in "再生医療&AI".chars() {
            let id = font.glyph_id(c);
            assert_ne!(id.0, 0, "{c} has a glyph (not .notdef)");
            let def = format!("<path id=\"t-g{}\" d=\"M", id.0);
            assert!(out.contains(&def), "{c} defined");
        }
        assert!(out.contains("<g fill=\"#112233\" opacity=\"1\">"));
        assert!(out.contains("opacity=\"0\" fill=\"#112233\">\n再生医療 &amp; AI\n</text>"));
        // Centred: the first glyph starts left of x = 50 by half the width.
        let first = out.find("translate(").unwrap();
        let x: f32 = out[first + 10..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(x < 50.0 - 16.0 && x > 0.0, "{x}");
        // Unchanged input without text.
        let plain = "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>\n";
        assert_eq!(outline_text(plain, FONT_BYTES, "t-"), plain);
    }

    #[test]
    fn anchors_and_rotation_follow_plotters_attributes() {
        let t = |anchor: &str, dy: &str, extra: &str| {
            format!("<svg xmlns=\"http://www.w3.org/2000/svg\">\n<text x=\"100\" y=\"40\" dy=\"{dy}\" text-anchor=\"{anchor}\" font-family=\"sans-serif\" font-size=\"20\" opacity=\"1\" fill=\"#000000\"{extra}>\nAB\n</text>\n</svg>\n")
        };
        let first_x = |svg: &str| -> (f32, f32) {
            let out = outline_text(svg, FONT_BYTES, "");
            let i = out.find("translate(").unwrap() + 10;
            let mut it = out[i..].split([' ', ')']);
            (
                it.next().unwrap().parse().unwrap(),
                it.next().unwrap().parse().unwrap(),
            )
        };
        let (sx, sy) = first_x(&t("start", "0.76em", ""));
        let (mx, _) = first_x(&t("middle", "0.76em", ""));
        let (ex, _) = first_x(&t("end", "0.76em", ""));
        assert_eq!(sx, 100.0);
        assert!((100.0 - mx) * 2.0 - (100.0 - ex) < 0.2, "{mx} {ex}");
        assert!(ex < mx && mx < sx);
        assert!((sy - (40.0 + 0.76 * 20.0)).abs() < 0.05, "{sy}");
        let (_, cy) = first_x(&t("start", "0.5ex", ""));
        let (_, by) = first_x(&t("start", "-0.5ex", ""));
        assert!(cy > 40.0 && by < 40.0 && (cy - 40.0 - (40.0 - by)).abs() < 0.05);
        let rotated = outline_text(
            &t("start", "0.5ex", " transform=\"rotate(270, 100, 40)\""),
            FONT_BYTES,
            "",
        );
        assert!(rotated
            .contains("<g fill=\"#000000\" opacity=\"1\" transform=\"rotate(270, 100, 40)\">"));
    }
}
