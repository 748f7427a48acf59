//! report.html: one self-contained page for the PS, POs and planners.
//!
//! Takes a [`ReportData`] and returns the page as a `String` (no I/O). The
//! page has inline CSS, charts embedded as `data:` URIs (base64), no scripts,
//! no fonts, links or anything else fetched from a network, so it can be
//! mailed or archived as one file and opened offline. A Content-Security-
//! Policy `<meta>` forbids scripts and remote loads as a second line of
//! defence.
//!
//! Every string from the inputs goes through [`escape`], which is safe both
//! in text and in quoted attribute values. Charts are embedded as `<img>`
//! data URIs rather than inline `<svg>` markup: an SVG loaded as an image
//! cannot run scripts or fetch anything, so chart text needs no sanitising.

use std::borrow::Cow;
use std::fmt::Write;

use super::data::{
    f3, fixed, opt_f3, opt_pct, pct, AreaCoverage, AssignedAdviser, ChartImage, Mix, PortfolioRow,
    ReportData,
};
use super::definitions::{
    Definition, ALL, CAPACITY, COVERAGE, EFFECTIVE, ENTROPY, EXPERT, HHI, SCORE, WEAKEST,
};
use crate::config::ReportConfig;

/// Escapes `& < > " '` so the text is safe in element content and in
/// single- or double-quoted attribute values.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Standard base64 (RFC 4648 §4, with `=` padding), for `data:` URIs.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextet = |shift: u32| ALPHABET[((n >> shift) & 63) as usize] as char;
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

const CSS: &str = r#"
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f5f7fa;--accent:#1f5f99;--warn:#b44d12;--warnbg:#fff4e5;--bad:#a61b1b;--badbg:#fdecea;--ok:#2f7d32}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP","Hiragino Sans",Meiryo,sans-serif;color:var(--ink);background:#fff}
header{background:var(--accent);color:#fff;padding:20px 32px 14px}
header h1{margin:0 0 4px;font-size:24px;font-weight:600}
header .meta{margin:0;font-size:13px;opacity:.9}
header .meta span{margin-right:18px;white-space:nowrap}
nav{position:sticky;top:0;z-index:1;background:var(--bg);border-bottom:1px solid var(--line);padding:8px 32px;font-size:14px}
a{color:var(--accent)}
table.kv{width:auto}
table.kv th{padding-right:28px}
nav a{color:var(--accent);text-decoration:none;margin-right:18px;white-space:nowrap}
nav a:hover{text-decoration:underline}
main{max-width:1240px;padding:8px 32px 40px}
section{margin-top:28px}
h2{font-size:20px;font-weight:600;border-bottom:2px solid var(--line);padding-bottom:4px;margin:0 0 12px}
h3{font-size:16px;font-weight:600;margin:20px 0 8px}
h3 .id,td .id{color:var(--muted);font-weight:400;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:0 0 16px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 12px;background:var(--bg)}
.card .v{font-size:22px;font-weight:600}
.card .k{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
table{border-collapse:collapse;width:100%;margin:4px 0 12px;font-size:14px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600;font-size:13px;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody.prop{border-top:2px solid var(--line)}
.sub{color:var(--muted);font-size:12px}
.term{display:inline-block;background:#e8f0f8;color:#1b4b78;border-radius:10px;padding:0 8px;margin:1px 3px 1px 0;font-size:12px;white-space:nowrap}
.gap{background:var(--warnbg);color:var(--warn)}
.bar{display:inline-block;width:90px;height:8px;background:var(--line);border-radius:4px;vertical-align:middle;margin-right:6px;overflow:hidden}
.bar i{display:block;height:100%;background:var(--accent)}
.note{border-left:4px solid var(--accent);background:var(--bg);padding:8px 12px;margin:8px 0}
.warnbox{border-left:4px solid var(--warn);background:var(--warnbg);padding:8px 12px;margin:8px 0}
.badbox{border-left:4px solid var(--bad);background:var(--badbg);padding:10px 14px;margin:12px 0;white-space:pre-wrap}
.none{color:var(--bad);font-style:italic}
ul.warn{margin:4px 0;padding-left:20px}
ul.warn li{margin:2px 0}
.up{color:var(--ok)}
.def{font-size:13px;color:var(--muted);margin:4px 0;max-width:1000px}
.def b{color:var(--ink)}
.def a{text-decoration:none}
.flag{display:inline-block;background:var(--warnbg);color:var(--warn);border-radius:10px;padding:0 8px;margin:1px 3px 1px 0;font-size:12px}
.risk{color:var(--bad);font-size:12px;font-weight:600}
tr.short td{background:var(--badbg)}
tr.alt td{color:var(--muted);background:#fbfcfd}
td.reading{font-size:13px;max-width:360px}
dl dt{font-weight:600;margin-top:8px}
dl dd{margin:2px 0 0 18px;max-width:1000px}
.down{color:var(--bad)}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px;break-inside:avoid}
figure img{max-width:100%;height:auto;display:block;margin:0 auto}
figcaption{font-size:13px;color:var(--muted);margin-top:6px;text-align:center}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:14px}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:10px 12px;font-size:12px;overflow:auto;white-space:pre-wrap}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding:12px 32px;margin-top:24px}
@page{size:A4;margin:14mm 12mm}
@media print{
 nav{display:none}
 html,body{width:auto}
 table{font-size:8.5pt;page-break-inside:auto}
 thead{display:table-header-group}
 th,td{padding:2px 4px}
 td.reading{max-width:none}
 #assignment,#advisers,#coverage,#portfolio,#charts{break-before:page}
 .def a{display:none}
 img{max-width:100%!important}
 header{background:none;color:var(--ink);border-bottom:2px solid var(--ink);padding:0 0 6px}
 main{max-width:none;padding:0}
 body{font-size:11pt}
 section{break-before:auto}
 h2,h3{break-after:avoid}
 tr,figure,.card{break-inside:avoid}
 .charts{grid-template-columns:1fr}
 a{color:inherit;text-decoration:none}
}
"#;

/// Renders report.html. Same inputs give byte-identical output.
pub fn render(data: &ReportData, cfg: &ReportConfig) -> String {
    let mut h = String::with_capacity(64 * 1024);
    // `write!` into a String cannot fail; the results are ignored throughout.
    let title = escape(&cfg.title);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
         <title>{title} — {run}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        run = escape(&data.run.run_id)
    );
    header(&mut h, data, &title);
    nav(&mut h, data);
    h.push_str("<main>\n");
    // Rows the run went without come before any figure computed without them.
    if !data.data_quality.dropped.is_empty() {
        dropped(&mut h, data);
    }
    attention(&mut h, data);
    summary(&mut h, data, cfg);
    super::randomized::html(&mut h, data.headline.randomized.as_ref(), &|s| {
        escape(s).into_owned()
    });
    assignment(&mut h, data);
    super::conflicts::html(&mut h, &data.conflicts, &|s| escape(s).into_owned());
    advisers(&mut h, data);
    coverage(&mut h, data);
    portfolio(&mut h, data);
    network(&mut h, data);
    charts(&mut h, &data.charts);
    quality(&mut h, data, cfg);
    changes(&mut h, data);
    definitions(&mut h);
    let _ = write!(
        h,
        "<section id=\"config\">\n<h2>Configuration in force</h2>\n<pre>{}</pre>\n</section>\n",
        escape(&data.run.config_toml)
    );
    let _ = write!(
        h,
        "</main>\n<footer>Generated by rdmatch {} · run {} · confidential: adviser assignments and conflict information.</footer>\n</body>\n</html>\n",
        escape(&data.run.rdmatch_version),
        escape(&data.run.run_id)
    );
    h
}

fn header(h: &mut String, data: &ReportData, title: &str) {
    let r = &data.run;
    let _ = write!(
        h,
        "<header>\n<h1>{title}</h1>\n<p class=\"meta\"><span>Run <b>{}</b></span><span>started {}</span>\
         <span>data <code>{}</code></span><span>rdmatch {}</span></p>\n</header>\n",
        escape(&r.run_id),
        escape(&r.started),
        escape(&r.data_dir),
        escape(&r.rdmatch_version)
    );
}

fn nav(h: &mut String, data: &ReportData) {
    h.push_str("<nav>");
    let mut links = Vec::new();
    if !data.data_quality.dropped.is_empty() {
        links.push(("left-out", "Rows left out"));
    }
    links.extend([
        ("attention", "Needs attention"),
        ("summary", "Summary"),
        ("assignment", "Assignment"),
        ("conflicts", "Conflicts"),
        ("advisers", "Advisers"),
        ("coverage", "Coverage"),
        ("portfolio", "Portfolio"),
        ("network", "Network"),
    ]);
    if !data.charts.is_empty() {
        links.push(("charts", "Charts"));
    }
    links.extend([
        ("quality", "Data quality"),
        ("changes", "What changed"),
        ("definitions", "Definitions"),
        ("config", "Configuration"),
    ]);
    for (id, label) in links {
        let _ = write!(h, "<a href=\"#{id}\">{label}</a>");
    }
    if !data.areas.is_empty() {
        h.push_str("<br><span class=\"sub\">Areas:</span> ");
        for a in &data.areas {
            let _ = write!(
                h,
                "<a href=\"#{}\" title=\"{}\">{}</a>",
                anchor("area", &a.area_id),
                escape(&a.area_name),
                escape(&a.area_id)
            );
        }
    }
    h.push_str("</nav>\n");
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A capped list; `total` counts warnings that may not be in `items`.
fn warning_list(h: &mut String, items: &[String], total: usize, cap: usize) {
    if items.is_empty() && total == 0 {
        h.push_str("<p>None.</p>\n");
        return;
    }
    h.push_str("<div class=\"warnbox\"><ul class=\"warn\">\n");
    for w in items.iter().take(cap) {
        let _ = writeln!(h, "<li>{}</li>", escape(w));
    }
    let shown = items.len().min(cap);
    if total > shown {
        let _ = writeln!(
            h,
            "<li><i>and {} more (see the CSV outputs)</i></li>",
            total - shown
        );
    }
    h.push_str("</ul></div>\n");
}

fn terms(h: &mut String, terms: &[String], class: &str) {
    for t in terms {
        let _ = write!(h, "<span class=\"{class}\">{}</span>", escape(t));
    }
}

/// A small horizontal bar for a ratio in [0, 1] (clamped), with its label.
fn bar(ratio: f64) -> String {
    let r = if ratio.is_finite() {
        ratio.clamp(0.0, 1.0)
    } else {
        0.0
    };
    format!(
        "<span class=\"bar\"><i style=\"width:{:.1}%\"></i></span>{}",
        r * 100.0,
        pct(ratio)
    )
}

/// An HTML `id` fragment for an input ID: letters, digits, `-` and `_`
/// kept, anything else written as `_`, so links and targets agree.
pub fn anchor(prefix: &str, id: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + id.len() + 1);
    out.push_str(prefix);
    out.push('-');
    out.extend(id.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            '_'
        }
    }));
    out
}

/// A definition quoted beside its figure, linked to the full list.
fn def(h: &mut String, d: &Definition) {
    let _ = writeln!(
        h,
        "<p class=\"def\"><b>{}</b>: {} <a href=\"#def-{}\">¶</a></p>",
        escape(d.term),
        escape(d.text),
        d.key
    );
}

/// What needs a decision before anything else: the infeasible call's
/// diagnosis, the under-covered areas and the proposals at risk.
fn attention(h: &mut String, data: &ReportData) {
    h.push_str("<section id=\"attention\">\n<h2>Needs attention first</h2>\n");
    if let Some(why) = &data.infeasibility {
        let _ = write!(
            h,
            "<div class=\"badbox\"><b>No feasible assignment.</b>\n{}</div>\n",
            escape(why)
        );
    }
    let short: Vec<&AreaCoverage> = data.coverage.iter().filter(|c| c.under_covered).collect();
    if short.is_empty() {
        h.push_str("<p>No area is under-covered.</p>\n");
    } else {
        let _ = writeln!(
            h,
            "<h3>Under-covered areas ({})</h3>\n<table>\n<thead><tr><th>Area</th><th class=\"n\">Coverage</th>\
             <th class=\"n\">Usable / demand</th><th class=\"n\">Capacity ratio</th><th>Why</th></tr></thead>\n<tbody>",
            short.len()
        );
        for c in short {
            let mut why = Vec::new();
            if c.covered_proposals < c.proposals {
                why.push(format!(
                    "{} of {} proposals have fewer than K experts",
                    c.proposals - c.covered_proposals,
                    c.proposals
                ));
            }
            if c.usable_capacity < c.demand {
                why.push(format!(
                    "{} of the {} expert places it needs cannot be filled while the other areas are served (the shared capacity, {}, hides this)",
                    c.demand - c.usable_capacity,
                    c.demand,
                    c.shared_capacity
                ));
            }
            let _ = writeln!(
                h,
                "<tr class=\"short\"><td><a href=\"#{}\">{}</a> <span class=\"id\">{}</span></td><td class=\"n\">{}</td>\
                 <td class=\"n\">{} / {}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                anchor("area", &c.area_id),
                escape(&c.area_name),
                escape(&c.area_id),
                pct(c.coverage_ratio),
                c.usable_capacity,
                c.demand,
                opt_f3(c.capacity_ratio),
                escape(&why.join("; "))
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    let _ = writeln!(h, "<h3>Proposals at risk ({})</h3>", data.at_risk.len());
    if data.at_risk.is_empty() {
        h.push_str("<p>None: every proposal has at least K experts.</p>\n");
    } else {
        h.push_str(
            "<table>\n<thead><tr><th>Proposal</th><th>Area</th><th class=\"n\">Best score</th><th>Why</th></tr></thead>\n<tbody>\n",
        );
        for r in &data.at_risk {
            let _ = writeln!(
                h,
                "<tr><td><a class=\"id\" href=\"#{}\">{}</a><br>{}</td><td class=\"mono\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                anchor("proposal", &r.proposal_id),
                escape(&r.proposal_id),
                escape(&r.title),
                escape(&r.area_id),
                f3(r.best_score),
                escape(&r.reason)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

fn summary(h: &mut String, data: &ReportData, cfg: &ReportConfig) {
    let hd = &data.headline;
    h.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    let under = if hd.under_covered_areas.is_empty() {
        "none".to_string()
    } else {
        hd.under_covered_areas.join(", ")
    };
    let cards: Vec<(&str, String)> = vec![
        ("Proposals", hd.proposals.to_string()),
        ("Advisers", hd.advisers.to_string()),
        ("Researchers", hd.researchers.to_string()),
        ("Assigned pairs", hd.assigned_pairs.to_string()),
        ("Total score", f3(hd.total_score)),
        ("Weakest proposal total", f3(hd.weakest_proposal_total)),
        (
            "Objective",
            match &hd.fair {
                Some(f) => format!(
                    "{} (weakest ≤ {} proven; gap {}{})",
                    hd.objective,
                    f3(f.upper_bound),
                    f3(f.gap),
                    if f.exact { ", optimal" } else { "" }
                ),
                None => hd.objective.clone(),
            },
        ),
        (
            "Coverage",
            format!(
                "{} ({} of {})",
                pct(hd.coverage_ratio),
                hd.covered_proposals,
                hd.proposals
            ),
        ),
        (
            "Capacity ratio",
            format!(
                "{} ({} of {})",
                opt_f3(hd.capacity_ratio),
                hd.usable_capacity,
                hd.demand
            ),
        ),
        ("Under-covered areas", under),
        ("Conflicts excluded", hd.conflicts_excluded.to_string()),
        ("Warnings", hd.warnings.to_string()),
    ];
    h.push_str("<div class=\"cards\">\n");
    for (k, v) in &cards {
        let _ = writeln!(
            h,
            "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{k}</div></div>",
            escape(v)
        );
    }
    h.push_str("</div>\n");
    let _ = writeln!(
        h,
        "<p class=\"sub\">Expertise threshold {}; score weights {}.</p>",
        f3(hd.expertise_threshold),
        data.score_weights
            .iter()
            .map(|(k, w)| format!("{} {}", escape(k), fixed(*w, 2)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for d in [&SCORE, &COVERAGE, &CAPACITY, &WEAKEST] {
        def(h, d);
    }
    if let Some(c) = &data.changes {
        let _ = writeln!(
            h,
            "<p class=\"note\">Compared with run <b>{}</b>: {}. <a href=\"#changes\">Details</a></p>",
            escape(&c.previous_run),
            if c.is_empty() {
                "no changes".to_string()
            } else {
                format!(
                    "proposals {} new, {} withdrawn, {} with changed advisers; advisers {} joined, {} left; coverage changed in {}",
                    c.new_proposals.len(),
                    c.withdrawn_proposals.len(),
                    c.changed_assignments.len(),
                    c.advisers_joined.len(),
                    c.advisers_left.len(),
                    plural(c.coverage_changes.len(), "area", "areas")
                )
            }
        );
    }
    h.push_str("<h3>Warnings</h3>\n");
    warning_list(
        h,
        &data.warnings,
        hd.warnings.max(data.warnings.len()),
        cfg.max_listed_warnings,
    );
    h.push_str("</section>\n");
}

/// One adviser row of a proposal (assigned or alternate).
fn adviser_cells(h: &mut String, a: &AssignedAdviser) {
    let _ = write!(
        h,
        "<td><a href=\"#{}\">{}</a><br><span class=\"id\">{}</span></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"sub\">",
        anchor("adviser", &a.researcher_id),
        escape(&a.name),
        escape(&a.researcher_id),
        escape(&a.institution),
        f3(a.score),
        if a.rank > 0 { a.rank.to_string() } else { "–".into() }
    );
    for (k, (name, v)) in a.components.iter().enumerate() {
        let _ = write!(
            h,
            "{}{} {}",
            if k > 0 { "<br>" } else { "" },
            escape(name),
            f3(*v)
        );
    }
    h.push_str("</td><td>");
    terms(h, &a.shared_terms, "term");
    for f in &a.flags {
        let _ = write!(h, "<span class=\"flag\">⚑ {}</span>", escape(f));
    }
    h.push_str("</td></tr>\n");
}

fn assignment(h: &mut String, data: &ReportData) {
    h.push_str("<section id=\"assignment\">\n<h2>Assignment by area</h2>\n");
    if data.areas.is_empty() {
        h.push_str("<p>No assignment.</p>\n");
    }
    h.push_str(
        "<p class=\"sub\">Each proposal: its advisers with score, rank among its eligible advisers (1 = best), \
         score components, shared terms (the reasons) and flags (⚑: a warning that did not exclude the pair); \
         then its alternates, the next best eligible advisers not assigned.</p>\n",
    );
    for area in &data.areas {
        let _ = writeln!(
            h,
            "<h3 id=\"{}\">{} <span class=\"id\">{}</span> <span class=\"sub\">{}</span></h3>",
            anchor("area", &area.area_id),
            escape(&area.area_name),
            escape(&area.area_id),
            plural(area.proposals.len(), "proposal", "proposals")
        );
        h.push_str(
            "<table class=\"assign\">\n<thead><tr><th>Proposal</th><th class=\"n\">Total</th><th>Adviser</th><th>Institution</th>\
             <th class=\"n\">Score</th><th class=\"n\">Rank</th><th>Components</th><th>Shared terms · flags</th></tr></thead>\n",
        );
        for p in &area.proposals {
            h.push_str("<tbody class=\"prop\">\n");
            let rows = p.advisers.len().max(1)
                + usize::from(!p.alternates.is_empty())
                + p.alternates.len();
            let _ = write!(
                h,
                "<tr id=\"{}\"><td rowspan=\"{rows}\"><span class=\"id\">{}</span> <span class=\"sub\">K = {}</span><br>{}{}</td><td class=\"n\" rowspan=\"{rows}\">{}</td>",
                anchor("proposal", &p.proposal_id),
                escape(&p.proposal_id),
                p.k,
                escape(&p.title),
                p.at_risk
                    .as_ref()
                    .map(|r| format!("<br><span class=\"risk\">at risk: {}</span>", escape(r)))
                    .unwrap_or_default(),
                f3(p.total())
            );
            if p.advisers.is_empty() {
                h.push_str("<td colspan=\"6\" class=\"none\">no adviser assigned</td></tr>\n");
            }
            for (j, a) in p.advisers.iter().enumerate() {
                if j > 0 {
                    h.push_str("<tr>");
                }
                adviser_cells(h, a);
            }
            if !p.alternates.is_empty() {
                h.push_str(
                    "<tr class=\"alt\"><td colspan=\"6\" class=\"sub\">alternates</td></tr>\n",
                );
                for a in &p.alternates {
                    h.push_str("<tr class=\"alt\">");
                    adviser_cells(h, a);
                }
            }
            h.push_str("</tbody>\n");
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");
}

/// Per adviser: the proposals they got, their load and the areas they serve.
fn advisers(h: &mut String, data: &ReportData) {
    h.push_str("<section id=\"advisers\">\n<h2>Advisers</h2>\n");
    if data.adviser_loads.is_empty() {
        h.push_str("<p>No advisers.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<p class=\"sub\">Every adviser: the areas they serve, their load against their maximum, and the proposals they got.</p>\n\
         <table>\n<thead><tr><th>Adviser</th><th>Institution · sector</th><th>Areas</th><th class=\"n\">Load</th><th>Use</th>\
         <th>Proposals assigned</th></tr></thead>\n<tbody>\n",
    );
    for l in &data.adviser_loads {
        let share = if l.max_load > 0 {
            f64::from(l.assigned) / f64::from(l.max_load)
        } else {
            0.0
        };
        let _ = write!(
            h,
            "<tr id=\"{}\"><td>{}<br><span class=\"id\">{}</span></td><td>{}<br><span class=\"sub\">{}</span></td><td>",
            anchor("adviser", &l.researcher_id),
            escape(&l.name),
            escape(&l.researcher_id),
            escape(&l.institution),
            escape(&l.sector)
        );
        for (i, a) in l.areas.iter().enumerate() {
            let _ = write!(
                h,
                "{}<a class=\"mono\" href=\"#{}\">{}</a>",
                if i > 0 { ", " } else { "" },
                anchor("area", a),
                escape(a)
            );
        }
        let _ = write!(
            h,
            "</td><td class=\"n\">{} / {}</td><td style=\"white-space:nowrap\">{}</td><td>",
            l.assigned,
            l.max_load,
            bar(share)
        );
        if l.proposals.is_empty() {
            h.push_str("<span class=\"sub\">none</span>");
        }
        for (i, p) in l.proposals.iter().enumerate() {
            let _ = write!(
                h,
                "{}<a class=\"mono\" href=\"#{}\">{}</a> <span class=\"sub\">{} · {}</span>",
                if i > 0 { "<br>" } else { "" },
                anchor("proposal", &p.proposal_id),
                escape(&p.proposal_id),
                escape(&p.area_id),
                f3(p.score)
            );
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn coverage(h: &mut String, data: &ReportData) {
    h.push_str("<section id=\"coverage\">\n<h2>Coverage and gaps</h2>\n");
    for d in [&EXPERT, &COVERAGE, &CAPACITY] {
        def(h, d);
    }
    if data.coverage.is_empty() {
        h.push_str("<p>No coverage figures.</p>\n");
    } else {
        h.push_str(
            "<table>\n<thead><tr><th>Area</th><th class=\"n\">Proposals</th><th class=\"n\">Advisers</th>\
             <th class=\"n\">Covered</th><th>Coverage</th><th class=\"n\">Experts</th><th class=\"n\">Shared capacity</th>\
             <th class=\"n\">Exclusive capacity</th><th class=\"n\">Usable / demand</th><th>Capacity ratio</th>\
             <th class=\"n\">Mean best-K</th><th>Gap terms (no eligible adviser)</th></tr></thead>\n<tbody>\n",
        );
        for c in &data.coverage {
            let _ = write!(
                h,
                "<tr{}><td>{}<br><span class=\"id\">{}</span>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td style=\"white-space:nowrap\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{} / {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>",
                if c.under_covered { " class=\"short\"" } else { "" },
                escape(&c.area_name),
                escape(&c.area_id),
                if c.under_covered {
                    "<br><span class=\"risk\">under-covered</span>"
                } else {
                    ""
                },
                c.proposals,
                c.advisers,
                c.covered_proposals,
                bar(c.coverage_ratio),
                c.expert_advisers,
                c.shared_capacity,
                c.exclusive_capacity,
                c.usable_capacity,
                c.demand,
                opt_pct(c.capacity_ratio),
                opt_f3(c.mean_best_k)
            );
            if c.gap_terms.is_empty() {
                h.push_str("<span class=\"sub\">none</span>");
            }
            terms(h, &c.gap_terms, "term gap");
            h.push_str("</td></tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

fn mix_cells(h: &mut String, m: &Mix) {
    let _ = write!(
        h,
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
        m.total,
        m.categories.len(),
        opt_f3(m.hhi),
        opt_f3(m.entropy),
        m.effective_entropy
            .zip(m.effective_hhi)
            .map_or_else(|| "–".to_string(), |(e, i)| format!("{} / {}", fixed(i, 2), fixed(e, 2)))
    );
}

/// Sector and institution mix, concentration and team tables, from the
/// coverage stage's mix, each row with a sentence on what it means.
fn portfolio(h: &mut String, data: &ReportData) {
    h.push_str("<section id=\"portfolio\">\n<h2>Portfolio</h2>\n");
    if data.portfolio.is_empty() {
        h.push_str("<p>No portfolio figures.</p>\n</section>\n");
        return;
    }
    for d in [&HHI, &ENTROPY, &EFFECTIVE] {
        def(h, d);
    }
    let sectors = [
        "academia",
        "industry",
        "government",
        "hospital",
        "nonprofit",
    ];
    h.push_str("<h3 id=\"portfolio-sector\">Sector mix: applicants and advisers</h3>\n<table>\n<thead><tr><th>Scope</th><th>Who</th>");
    for s in sectors {
        let _ = write!(h, "<th class=\"n\">{s}</th>");
    }
    h.push_str("<th class=\"n\">People</th><th class=\"n\">Sectors</th><th class=\"n\">HHI</th><th class=\"n\">Entropy</th>\
                <th class=\"n\">Effective (1/HHI / e^H)</th><th>What it means</th></tr></thead>\n");
    for r in &data.portfolio {
        h.push_str("<tbody class=\"prop\">\n");
        for (who, m, first) in [
            ("applicants", &r.applicant_sectors, true),
            ("advisers", &r.adviser_sectors, false),
        ] {
            h.push_str("<tr>");
            if first {
                let _ = write!(h, "<td rowspan=\"2\">{}</td>", scope_cell(r));
            }
            let _ = write!(h, "<td>{who}</td>");
            for s in sectors {
                let _ = write!(h, "<td class=\"n\">{}</td>", pct(m.share(s)));
            }
            mix_cells(h, m);
            if first {
                let _ = write!(
                    h,
                    "<td rowspan=\"2\" class=\"reading\">{}</td>",
                    escape(&r.sector_reading)
                );
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n");
    }
    h.push_str("</table>\n");
    h.push_str("<h3 id=\"portfolio-institution\">Institution mix</h3>\n<table>\n<thead><tr><th>Scope</th><th>Who</th>\
                <th>Largest institution</th><th class=\"n\">People</th><th class=\"n\">Institutions</th><th class=\"n\">HHI</th>\
                <th class=\"n\">Entropy</th><th class=\"n\">Effective (1/HHI / e^H)</th><th>What it means</th></tr></thead>\n");
    for r in &data.portfolio {
        h.push_str("<tbody class=\"prop\">\n");
        for (who, m, first) in [
            ("applicants", &r.applicant_institutions, true),
            ("advisers", &r.adviser_institutions, false),
        ] {
            h.push_str("<tr>");
            if first {
                let _ = write!(h, "<td rowspan=\"2\">{}</td>", scope_cell(r));
            }
            let top = m
                .categories
                .first()
                .map(|(n, c, s)| format!("{} ({c}, {})", escape(n), pct(*s)))
                .unwrap_or_else(|| "–".into());
            let _ = write!(h, "<td>{who}</td><td>{top}</td>");
            mix_cells(h, m);
            if first {
                let _ = write!(
                    h,
                    "<td rowspan=\"2\" class=\"reading\">{}</td>",
                    escape(&r.institution_reading)
                );
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n");
    }
    h.push_str("</table>\n");
    h.push_str("<h3 id=\"portfolio-teams\">Teams that cross boundaries</h3>\n<table>\n<thead><tr><th>Scope</th>\
                <th class=\"n\">Proposals</th><th class=\"n\">Multi-institution</th><th class=\"n\">Multi-sector</th>\
                <th class=\"n\">Academia–industry</th><th>What it means</th></tr></thead>\n<tbody>\n");
    for r in &data.portfolio {
        let t = &r.teams;
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} ({})</td><td class=\"n\">{} ({})</td><td class=\"n\">{} ({})</td><td class=\"reading\">{}</td></tr>",
            scope_cell(r),
            t.proposals,
            t.multi_institution,
            opt_pct(t.multi_institution_share),
            t.multi_sector,
            opt_pct(t.multi_sector_share),
            t.academia_industry,
            opt_pct(t.academia_industry_share),
            escape(&r.team_reading)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn scope_cell(r: &PortfolioRow) -> String {
    match &r.area_id {
        None => format!("<b>{}</b>", escape(&r.label)),
        Some(id) => format!(
            "<a href=\"#{}\">{}</a> <span class=\"id\">{}</span>",
            anchor("area", id),
            escape(&r.label),
            escape(id)
        ),
    }
}

/// Every definition once, as the targets of the `¶` links.
fn definitions(h: &mut String) {
    h.push_str("<section id=\"definitions\">\n<h2>Definitions</h2>\n<dl>\n");
    for d in ALL.iter() {
        let _ = writeln!(
            h,
            "<dt id=\"def-{}\">{}</dt><dd>{}</dd>",
            d.key,
            escape(d.term),
            escape(d.text)
        );
    }
    h.push_str("</dl>\n</section>\n");
}

fn network(h: &mut String, data: &ReportData) {
    let n = &data.network;
    h.push_str("<section id=\"network\">\n<h2>Collaboration network</h2>\n");
    if n.figures.is_empty() && n.top_brokers.is_empty() {
        h.push_str("<p>No network figures.</p>\n");
    }
    if !n.figures.is_empty() {
        h.push_str("<div class=\"cards\">\n");
        for (k, v) in &n.figures {
            let _ = writeln!(
                h,
                "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
                escape(v),
                escape(k)
            );
        }
        h.push_str("</div>\n");
    }
    if !n.top_brokers.is_empty() {
        h.push_str(
            "<h3>Top brokers</h3>\n<p class=\"sub\">Researchers on the most shortest paths between others \
             (normalised betweenness, 0–1): people who connect groups.</p>\n<table>\n<thead><tr><th class=\"n\">#</th>\
             <th>Researcher</th><th>Institution</th><th class=\"n\">Betweenness</th><th class=\"n\">Degree</th></tr></thead>\n<tbody>\n",
        );
        for (i, b) in n.top_brokers.iter().enumerate() {
            let _ = writeln!(
                h,
                "<tr><td class=\"n\">{}</td><td>{} <span class=\"id\">{}</span></td><td>{}</td><td class=\"n\">{:.4}</td><td class=\"n\">{}</td></tr>",
                i + 1,
                escape(&b.name),
                escape(&b.researcher_id),
                escape(&b.institution),
                b.betweenness,
                b.degree
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

fn charts(h: &mut String, charts: &[ChartImage]) {
    if charts.is_empty() {
        return;
    }
    h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n<div class=\"charts\">\n");
    for c in charts {
        let (mime, bytes) = if !c.svg.is_empty() {
            ("image/svg+xml", c.svg.as_bytes())
        } else {
            ("image/png", &c.png[..])
        };
        let title = escape(&c.title);
        let _ = writeln!(
            h,
            "<figure id=\"chart-{}\"><img alt=\"{title}\" src=\"data:{mime};base64,{}\"><figcaption>{title}</figcaption></figure>",
            escape(&c.name),
            base64(bytes)
        );
    }
    h.push_str("</div>\n</section>\n");
}

fn dropped(h: &mut String, data: &ReportData) {
    let q = &data.data_quality;
    let _ = writeln!(
        h,
        "<section id=\"left-out\">\n<h2>Rows left out of this run</h2>\n<div class=\"badbox\"><b>{} row(s) had errors and were left out (--keep-going)</b>, with the rows that depend on them. Every figure below is computed without them; fix the rows and run again for a complete result.</div>",
        q.dropped.len()
    );
    h.push_str("<table>\n<thead><tr><th>File</th><th class=\"n\">Rows read</th><th class=\"n\">Left out</th></tr></thead>\n<tbody>\n");
    for f in q.files.iter().filter(|f| f.rejected > 0) {
        let _ = writeln!(
            h,
            "<tr><td class=\"mono\">{}</td><td class=\"n\">{}</td><td class=\"n down\">{}</td></tr>",
            escape(&f.file),
            f.read,
            f.rejected
        );
    }
    h.push_str("</tbody>\n</table>\n<table>\n<thead><tr><th>Row</th><th>Why it was left out</th></tr></thead>\n<tbody>\n");
    for d in &q.dropped {
        let why = d
            .reasons
            .iter()
            .map(|r| escape(r).into_owned())
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = writeln!(
            h,
            "<tr><td class=\"mono\">{}</td><td>{why}</td></tr>",
            escape(&d.location)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn quality(h: &mut String, data: &ReportData, cfg: &ReportConfig) {
    let q = &data.data_quality;
    h.push_str("<section id=\"quality\">\n<h2>Data quality</h2>\n");
    if !q.files.is_empty() {
        h.push_str(
            "<table>\n<thead><tr><th>File</th><th>Read as</th><th class=\"n\">Rows read</th><th class=\"n\">Accepted</th>\
             <th class=\"n\">Rejected</th></tr></thead>\n<tbody>\n",
        );
        for f in &q.files {
            let _ = writeln!(
                h,
                "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n{}\">{}</td></tr>",
                escape(&f.file),
                escape(&f.format),
                f.read,
                f.accepted,
                if f.rejected > 0 { " down" } else { "" },
                f.rejected
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("<h3>Loading warnings</h3>\n");
    warning_list(h, &q.warnings, q.warnings.len(), cfg.max_listed_warnings);
    h.push_str("</section>\n");
}

fn id_list(h: &mut String, ids: &[String]) {
    if ids.is_empty() {
        h.push_str("<span class=\"sub\">none</span>");
    }
    for (i, id) in ids.iter().enumerate() {
        let _ = write!(
            h,
            "{}<span class=\"mono\">{}</span>",
            if i > 0 { ", " } else { "" },
            escape(id)
        );
    }
}

fn changes(h: &mut String, data: &ReportData) {
    h.push_str("<section id=\"changes\">\n<h2>What changed since the previous run</h2>\n");
    let Some(c) = &data.changes else {
        h.push_str("<p>No previous run to compare with: this is the first run in this output folder.</p>\n</section>\n");
        return;
    };
    let _ = writeln!(
        h,
        "<p>Compared with run <b>{}</b>.</p>",
        escape(&c.previous_run)
    );
    for n in &c.notes {
        let _ = writeln!(h, "<p class=\"warnbox\">{}</p>", escape(n));
    }
    if c.is_empty() {
        h.push_str("<p class=\"note\">No changes: the same proposals, the same advisers on each, the same coverage.</p>\n</section>\n");
        return;
    }
    h.push_str("<table class=\"kv\">\n<tbody>\n");
    let _ = write!(
        h,
        "<tr><th>New proposals ({})</th><td>",
        c.new_proposals.len()
    );
    id_list(h, &c.new_proposals);
    let _ = write!(
        h,
        "</td></tr>\n<tr><th>Withdrawn proposals ({})</th><td>",
        c.withdrawn_proposals.len()
    );
    id_list(h, &c.withdrawn_proposals);
    let _ = write!(
        h,
        "</td></tr>\n<tr><th>Advisers who joined the pool ({})</th><td>",
        c.advisers_joined.len()
    );
    id_list(h, &c.advisers_joined);
    let _ = write!(
        h,
        "</td></tr>\n<tr><th>Advisers who left the pool ({})</th><td>",
        c.advisers_left.len()
    );
    id_list(h, &c.advisers_left);
    h.push_str("</td></tr>\n</tbody>\n</table>\n");
    if !c.changed_assignments.is_empty() {
        let _ = write!(
            h,
            "<h3>Changed advisers ({})</h3>\n<table>\n<thead><tr><th>Proposal</th><th>Before</th><th>After</th><th>Joined</th><th>Left</th></tr></thead>\n<tbody>\n",
            c.changed_assignments.len()
        );
        for a in &c.changed_assignments {
            let _ = write!(
                h,
                "<tr><td class=\"mono\">{}</td><td>",
                escape(&a.proposal_id)
            );
            id_list(h, &a.before);
            h.push_str("</td><td>");
            id_list(h, &a.after);
            h.push_str("</td><td>");
            let own = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
            id_list(h, &own(a.joined()));
            h.push_str("</td><td>");
            id_list(h, &own(a.left()));
            h.push_str("</td></tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
    }
    if !c.coverage_changes.is_empty() {
        h.push_str(
            "<h3>Coverage changes</h3>\n<table>\n<thead><tr><th>Area</th><th class=\"n\">Before</th><th class=\"n\">After</th>\
             <th class=\"n\">Change</th></tr></thead>\n<tbody>\n",
        );
        for cc in &c.coverage_changes {
            let delta = match (cc.before, cc.after) {
                (Some(b), Some(a)) => {
                    let d = a - b;
                    let class = if d > 0.0 { "up" } else { "down" };
                    format!(
                        "<span class=\"{class}\">{}{:.1} pts</span>",
                        if d > 0.0 { "▲ +" } else { "▼ " },
                        d * 100.0
                    )
                }
                (None, Some(_)) => "new area".into(),
                (Some(_), None) => "area gone".into(),
                (None, None) => String::new(),
            };
            let _ = writeln!(
                h,
                "<tr><td class=\"mono\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{delta}</td></tr>",
                escape(&cc.area_id),
                opt_f3(cc.before),
                opt_f3(cc.after)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::data::*;

    /// A realistic hand-filled report: 2 areas, 5 proposals, 2 charts.
    pub(crate) fn sample() -> ReportData {
        let adv = |id: &str, name: &str, inst: &str, score: f64, terms: &[&str]| AssignedAdviser {
            researcher_id: id.into(),
            name: name.into(),
            institution: inst.into(),
            score,
            components: vec![
                ("text".into(), score * 0.9),
                ("keywords".into(), score * 0.7),
                ("network".into(), 0.1),
            ],
            shared_terms: terms.iter().map(|t| t.to_string()).collect(),
            rank: 1,
            flags: vec![],
            locked: false,
            lock_source: String::new(),
        };
        let svg = |label: &str, w: u32| {
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"520\" height=\"260\" viewBox=\"0 0 520 260\">\
                 <rect width=\"520\" height=\"260\" fill=\"white\"/>\
                 <rect x=\"40\" y=\"40\" width=\"{w}\" height=\"50\" fill=\"#1f5f99\"/>\
                 <rect x=\"40\" y=\"120\" width=\"{}\" height=\"50\" fill=\"#7aa6d1\"/>\
                 <text x=\"40\" y=\"220\" font-family=\"sans-serif\" font-size=\"16\">{label}</text></svg>",
                w / 2
            )
        };
        ReportData {
            run: RunInfo {
                run_id: "20261126T230501Z".into(),
                rdmatch_version: "0.3.0".into(),
                data_dir: "/srv/amed/call-2026".into(),
                config_toml: "seed = 42\n\n[assign]\nreviewers_per_proposal = 2\nobjective = \"fair\"\n".into(),
                started: "2026-11-26T23:05:01Z".into(),
            },
            headline: Headline {
                proposals: 5,
                advisers: 6,
                researchers: 240,
                assigned_pairs: 9,
                total_score: 5.4321,
                weakest_proposal_total: 0.41,
                objective: "fair".into(),
                coverage_ratio: 0.8,
                covered_proposals: 4,
                conflicts_excluded: 3,
                warnings: 2,
                ..Default::default()
            },
            warnings: vec![
                "proposal P-005 has 1 adviser of the 2 requested: every other eligible adviser has a conflict".into(),
                "adviser R-017 is at max_load (3)".into(),
            ],
            areas: vec![
                AreaAssignment {
                    area_id: "A-IMM".into(),
                    area_name: "Immunology & inflammation".into(),
                    proposals: vec![
                        ProposalAssignment {
                            proposal_id: "P-001".into(),
                            title: "T-cell exhaustion in chronic infection".into(),
                            advisers: vec![
                                adv("R-017", "Sato Hanako", "Osaka University", 0.82, &["t-cell", "exhaustion", "pd-1"]),
                                adv("R-042", "Kim Minji", "RIKEN IMS", 0.64, &["chronic infection"]),
                            ],
                            ..Default::default()
                        },
                        ProposalAssignment {
                            proposal_id: "P-002".into(),
                            title: "<script>alert(1)</script> gut microbiota & IgA".into(),
                            advisers: vec![
                                adv("R-042", "Kim Minji", "RIKEN IMS", 0.71, &["iga", "microbiota"]),
                                adv("R-101", "O'Brien \"Pat\"", "Takeda Pharmaceutical", 0.55, &["mucosal immunity"]),
                            ],
                            ..Default::default()
                        },
                        ProposalAssignment {
                            proposal_id: "P-005".into(),
                            title: "Allergy prediction from infant cohorts".into(),
                            advisers: vec![adv("R-017", "Sato Hanako", "Osaka University", 0.41, &["allergy"])],
                            ..Default::default()
                        },
                    ],
                },
                AreaAssignment {
                    area_id: "A-REG".into(),
                    area_name: "Regenerative medicine".into(),
                    proposals: vec![
                        ProposalAssignment {
                            proposal_id: "P-003".into(),
                            title: "iPSC-derived cardiomyocyte maturation".into(),
                            advisers: vec![
                                adv("R-200", "Tanaka Ken", "Kyoto University CiRA", 0.9, &["ipsc", "cardiomyocyte"]),
                                adv("R-210", "Müller Eva", "NIBIOHN", 0.6, &["maturation"]),
                            ],
                            ..Default::default()
                        },
                        ProposalAssignment {
                            proposal_id: "P-004".into(),
                            title: "Organoid vascularisation =1+1".into(),
                            advisers: vec![
                                adv("R-210", "Müller Eva", "NIBIOHN", 0.58, &["organoid"]),
                                adv("R-200", "Tanaka Ken", "Kyoto University CiRA", 0.52, &["vascular"]),
                            ],
                            ..Default::default()
                        },
                    ],
                },
            ],
            coverage: vec![
                AreaCoverage {
                    area_id: "A-IMM".into(),
                    area_name: "Immunology & inflammation".into(),
                    proposals: 3,
                    advisers: 3,
                    covered_proposals: 2,
                    coverage_ratio: 2.0 / 3.0,
                    gap_terms: vec!["infant cohort".into(), "food allergy".into(), "birth cohort".into()],
                    ..Default::default()
                },
                AreaCoverage {
                    area_id: "A-REG".into(),
                    area_name: "Regenerative medicine".into(),
                    proposals: 2,
                    advisers: 3,
                    covered_proposals: 2,
                    coverage_ratio: 1.0,
                    gap_terms: vec![],
                    ..Default::default()
                },
            ],
            at_risk: vec![ProposalAtRisk {
                proposal_id: "P-005".into(),
                title: "Allergy prediction from infant cohorts".into(),
                area_id: "A-IMM".into(),
                best_score: 0.41,
                reason: "only one eligible adviser scores above 0.3".into(),
            }],
            network: NetworkSummary {
                figures: vec![
                    ("Researchers".into(), "240".into()),
                    ("Collaboration ties".into(), "1,312".into()),
                    ("Components".into(), "4".into()),
                    ("Average clustering".into(), "0.5706".into()),
                    ("Transitivity".into(), "0.2557".into()),
                    ("Modularity".into(), "0.4198".into()),
                ],
                top_brokers: vec![
                    Broker {
                        researcher_id: "R-017".into(),
                        name: "Sato Hanako".into(),
                        institution: "Osaka University".into(),
                        betweenness: 0.4376,
                        degree: 16,
                    },
                    Broker {
                        researcher_id: "R-200".into(),
                        name: "Tanaka Ken".into(),
                        institution: "Kyoto University CiRA".into(),
                        betweenness: 0.3041,
                        degree: 17,
                    },
                ],
            },
            data_quality: DataQuality {
                files: vec![
                    FileQuality { file: "researchers.csv".into(), read: 242, accepted: 240, rejected: 2, ..Default::default() },
                    FileQuality { file: "proposals.csv".into(), read: 5, accepted: 5, rejected: 0, ..Default::default() },
                ],
                warnings: vec![
                    "researchers.csv:17: column 'institution_id': \"U-99\" is not in institutions.csv".into(),
                    "researchers.csv:88: column 'orcid': \"0000-0002\" is not a valid ORCID".into(),
                ],
                dropped: vec![],
            },
            changes: Some(ChangeSet {
                previous_run: "20261119T230502Z".into(),
                notes: vec![],
                new_proposals: vec!["P-005".into()],
                withdrawn_proposals: vec!["P-000".into()],
                changed_assignments: vec![AssignmentChange {
                    proposal_id: "P-002".into(),
                    before: vec!["R-017".into(), "R-042".into()],
                    after: vec!["R-042".into(), "R-101".into()],
                }],
                coverage_changes: vec![CoverageChange {
                    area_id: "A-IMM".into(),
                    before: Some(1.0),
                    after: Some(2.0 / 3.0),
                }],
                ..Default::default()
            }),
            adviser_loads: vec![
                AdviserLoad { researcher_id: "R-017".into(), name: "Sato Hanako".into(), assigned: 2, max_load: 3, ..Default::default() },
                AdviserLoad { researcher_id: "R-042".into(), name: "Kim Minji".into(), assigned: 2, max_load: 3, ..Default::default() },
                AdviserLoad { researcher_id: "R-101".into(), name: "O'Brien \"Pat\"".into(), assigned: 1, max_load: 3, ..Default::default() },
                AdviserLoad { researcher_id: "R-200".into(), name: "Tanaka Ken".into(), assigned: 2, max_load: 2, ..Default::default() },
                AdviserLoad { researcher_id: "R-210".into(), name: "Müller Eva".into(), assigned: 2, max_load: 4, ..Default::default() },
                AdviserLoad { researcher_id: "R-300".into(), name: "=cmd|' /C calc'!A0".into(), assigned: 0, max_load: 3, ..Default::default() },
            ],
            charts: vec![
                ChartImage {
                    name: "coverage_by_area".into(),
                    title: "Coverage by area".into(),
                    svg: svg("Coverage by area", 400),
                    png: vec![],
                },
                ChartImage {
                    name: "score_distribution".into(),
                    title: "Assigned pair scores <b>\"x\"</b>".into(),
                    svg: svg("Assigned pair scores", 300),
                    png: vec![],
                },
            ],
            portfolio: vec![PortfolioRow {
                area_id: None,
                label: "Whole call".into(),
                applicant_sectors: Mix {
                    categories: vec![("academia".into(), 3, 0.75), ("industry".into(), 1, 0.25)],
                    total: 4,
                    hhi: Some(0.625),
                    effective_hhi: Some(1.6),
                    entropy: Some(0.562335),
                    effective_entropy: Some(1.754765),
                },
                teams: Teams { proposals: 5, multi_institution: 3, multi_institution_share: Some(0.6), ..Default::default() },
                sector_reading: "Applicants are concentrated by sector.".into(),
                institution_reading: "Two institutions send applicants.".into(),
                team_reading: "3 of 5 teams cross institutions.".into(),
                ..Default::default()
            }],
            score_weights: vec![("text".into(), 0.8), ("keywords".into(), 0.05), ("area".into(), 0.15)],
            infeasibility: None,
            conflicts: Default::default(),
        }
    }

    #[test]
    fn escape_covers_text_and_attributes() {
        assert_eq!(
            escape("a<b>&\"c\"'d'"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;"
        );
        assert!(matches!(escape("plain text"), Cow::Borrowed(_)));
    }

    proptest::proptest! {
        /// Escaped text never contains a character that could open a tag,
        /// close an attribute or start an entity other than ours; and
        /// un-escaping gives the input back.
        #[test]
        fn escape_is_safe_and_lossless(s in "[<>&\"'a-z ;#]{0,30}") {
            let e = escape(&s);
            proptest::prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let back = e.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
            proptest::prop_assert_eq!(back, s);
        }
    }

    #[test]
    fn script_in_title_appears_only_escaped() {
        let html = render(&sample(), &ReportConfig::default());
        assert!(!html.contains("<script"), "raw script tag in output");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; gut microbiota &amp; IgA"));
        // Attribute context: a chart title with quotes and tags is escaped in alt="…".
        assert!(html.contains("alt=\"Assigned pair scores &lt;b&gt;&quot;x&quot;&lt;/b&gt;\""));
        assert!(!html.contains("<b>\"x\"</b>"));
        // Quotes in names cannot close an attribute or a tag.
        assert!(html.contains("O&#39;Brien &quot;Pat&quot;"));
    }

    #[test]
    fn hostile_inputs_everywhere_never_open_a_tag() {
        let evil = "\"><img src=x onerror=alert(1)><script>x</script>'";
        let mut d = sample();
        d.run.run_id = evil.into();
        d.run.data_dir = evil.into();
        d.run.config_toml = evil.into();
        d.areas[0].area_name = evil.into();
        d.areas[0].proposals[0].advisers[0].shared_terms = vec![evil.into()];
        d.coverage[0].gap_terms = vec![evil.into()];
        d.network.figures.push((evil.into(), evil.into()));
        d.data_quality.warnings.push(evil.into());
        d.charts[0].name = evil.into();
        d.infeasibility = Some(evil.into());
        let html = render(&d, &ReportConfig::default());
        assert!(!html.contains("<img src=x"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror=alert(1)>"));
        assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    }

    #[test]
    fn self_contained_no_network_no_scripts() {
        let html = render(&sample(), &ReportConfig::default());
        for bad in [
            "http://",
            "https://",
            "<link",
            "@import",
            "url(",
            "<script",
            " src=\"http",
            "<iframe",
        ] {
            // The SVG namespace URI lives inside base64, so it does not appear as text.
            assert!(!html.contains(bad), "found {bad:?}");
        }
        assert_eq!(html.matches("src=\"data:image/svg+xml;base64,").count(), 2);
        assert!(html.contains("default-src 'none'"));
    }

    #[test]
    fn same_data_gives_identical_bytes() {
        let cfg = ReportConfig::default();
        assert_eq!(render(&sample(), &cfg), render(&sample(), &cfg));
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn change_states_are_explicit() {
        let cfg = ReportConfig::default();
        let mut d = sample();
        d.changes = None;
        assert!(render(&d, &cfg).contains("No previous run to compare with"));
        d.changes = Some(ChangeSet {
            previous_run: "R1".into(),
            ..Default::default()
        });
        let html = render(&d, &cfg);
        assert!(html.contains("No changes: the same proposals"));
        assert!(html.contains("Compared with run <b>R1</b>: no changes."));
    }

    #[test]
    fn warnings_are_capped_with_a_count() {
        let mut d = sample();
        d.warnings = (0..10).map(|i| format!("w{i}")).collect();
        d.headline.warnings = 12;
        let cfg = ReportConfig {
            max_listed_warnings: 3,
            ..Default::default()
        };
        let html = render(&d, &cfg);
        assert!(html.contains("<li>w2</li>"));
        assert!(!html.contains("<li>w3</li>"));
        assert!(html.contains("and 9 more"));
    }

    #[test]
    fn infeasibility_is_shown_first() {
        let mut d = sample();
        d.infeasibility = Some("demand 10 > supply 6".into());
        let html = render(&d, &ReportConfig::default());
        let bad = html.find("No feasible assignment").unwrap();
        assert!(bad < html.find("class=\"cards\"").unwrap());
        assert!(html.contains("demand 10 &gt; supply 6"));
    }

    #[test]
    fn proposal_without_adviser_is_flagged() {
        let mut d = sample();
        d.areas[0].proposals[2].advisers.clear();
        let html = render(&d, &ReportConfig::default());
        assert!(html.contains("no adviser assigned"));
    }
}
