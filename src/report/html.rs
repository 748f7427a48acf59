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

use super::data::{f3, opt_f3, pct, ChartImage, ReportData};
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
.down{color:var(--bad)}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px;break-inside:avoid}
figure img{max-width:100%;height:auto;display:block;margin:0 auto}
figcaption{font-size:13px;color:var(--muted);margin-top:6px;text-align:center}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:14px}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:10px 12px;font-size:12px;overflow:auto;white-space:pre-wrap}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding:12px 32px;margin-top:24px}
@media print{
 nav{display:none}
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
    summary(&mut h, data, cfg);
    assignment(&mut h, data);
    super::conflicts::html(&mut h, &data.conflicts, &|s| escape(s).into_owned());
    coverage(&mut h, data);
    network(&mut h, data);
    charts(&mut h, &data.charts);
    quality(&mut h, data, cfg);
    changes(&mut h, data);
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
        ("summary", "Summary"),
        ("assignment", "Assignment"),
        ("conflicts", "Conflicts"),
        ("coverage", "Coverage"),
        ("network", "Network"),
    ]);
    if !data.charts.is_empty() {
        links.push(("charts", "Charts"));
    }
    links.extend([
        ("quality", "Data quality"),
        ("changes", "What changed"),
        ("config", "Configuration"),
    ]);
    for (id, label) in links {
        let _ = write!(h, "<a href=\"#{id}\">{label}</a>");
    }
    h.push_str("</nav>\n");
}

fn summary(h: &mut String, data: &ReportData, cfg: &ReportConfig) {
    let hd = &data.headline;
    h.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    if let Some(why) = &data.infeasibility {
        let _ = write!(
            h,
            "<div class=\"badbox\"><b>No feasible assignment.</b>\n{}</div>\n",
            escape(why)
        );
    }
    let cards: [(&str, String); 10] = [
        ("Proposals", hd.proposals.to_string()),
        ("Advisers", hd.advisers.to_string()),
        ("Researchers", hd.researchers.to_string()),
        ("Assigned pairs", hd.assigned_pairs.to_string()),
        ("Total score", f3(hd.total_score)),
        ("Weakest proposal total", f3(hd.weakest_proposal_total)),
        ("Objective", hd.objective.clone()),
        ("Coverage", pct(hd.coverage_ratio)),
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
    h.push_str(
        "<p class=\"sub\">Scores are in [0, 1] per adviser–proposal pair; a proposal's total is the sum over its advisers. \
         Coverage is the share of proposals with at least one eligible expert adviser.</p>\n",
    );
    if let Some(c) = &data.changes {
        let _ = writeln!(
            h,
            "<p class=\"note\">Compared with run <b>{}</b>: {}. <a href=\"#changes\">Details</a></p>",
            escape(&c.previous_run),
            if c.is_empty() {
                "no changes".to_string()
            } else {
                format!(
                    "proposals {} new, {} withdrawn, {} with changed advisers; coverage changed in {}",
                    c.new_proposals.len(),
                    c.withdrawn_proposals.len(),
                    c.changed_assignments.len(),
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

fn assignment(h: &mut String, data: &ReportData) {
    h.push_str("<section id=\"assignment\">\n<h2>Assignment by area</h2>\n");
    if data.areas.is_empty() {
        h.push_str("<p>No assignment.</p>\n");
    }
    if data.areas.len() > 1 {
        h.push_str("<p class=\"sub\">Areas: ");
        for (i, a) in data.areas.iter().enumerate() {
            let _ = write!(
                h,
                "{}<a href=\"#area-{i}\">{}</a>",
                if i > 0 { " · " } else { "" },
                escape(&a.area_name)
            );
        }
        h.push_str("</p>\n");
    }
    for (i, area) in data.areas.iter().enumerate() {
        let _ = writeln!(
            h,
            "<h3 id=\"area-{i}\">{} <span class=\"id\">{}</span> <span class=\"sub\">{}</span></h3>",
            escape(&area.area_name),
            escape(&area.area_id),
            plural(area.proposals.len(), "proposal", "proposals")
        );
        h.push_str(
            "<table>\n<thead><tr><th>Proposal</th><th class=\"n\">Total</th><th>Adviser</th><th>Institution</th>\
             <th class=\"n\">Score</th><th>Components</th><th>Shared terms</th></tr></thead>\n",
        );
        for p in &area.proposals {
            h.push_str("<tbody class=\"prop\">\n");
            let rows = p.advisers.len().max(1);
            let _ = write!(
                h,
                "<tr><td rowspan=\"{rows}\"><span class=\"id\">{}</span><br>{}</td><td class=\"n\" rowspan=\"{rows}\">{}</td>",
                escape(&p.proposal_id),
                escape(&p.title),
                f3(p.total())
            );
            if p.advisers.is_empty() {
                h.push_str("<td colspan=\"5\" class=\"none\">no adviser assigned</td></tr>\n");
            }
            for (j, a) in p.advisers.iter().enumerate() {
                if j > 0 {
                    h.push_str("<tr>");
                }
                let _ = write!(
                    h,
                    "<td>{}<br><span class=\"id\">{}</span></td><td>{}</td><td class=\"n\">{}</td><td class=\"sub\">",
                    escape(&a.name),
                    escape(&a.researcher_id),
                    escape(&a.institution),
                    f3(a.score)
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
                h.push_str("</td></tr>\n");
            }
            h.push_str("</tbody>\n");
        }
        h.push_str("</table>\n");
    }
    if !data.adviser_loads.is_empty() {
        h.push_str(
            "<h3>Adviser loads</h3>\n<table>\n<thead><tr><th>Adviser</th><th>Name</th><th class=\"n\">Assigned</th>\
             <th class=\"n\">Max load</th><th>Use</th></tr></thead>\n<tbody>\n",
        );
        for l in &data.adviser_loads {
            let share = if l.max_load > 0 {
                f64::from(l.assigned) / f64::from(l.max_load)
            } else {
                0.0
            };
            let _ = writeln!(
                h,
                "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                escape(&l.researcher_id),
                escape(&l.name),
                l.assigned,
                l.max_load,
                bar(share)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
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

fn coverage(h: &mut String, data: &ReportData) {
    h.push_str("<section id=\"coverage\">\n<h2>Coverage and gaps</h2>\n");
    if data.coverage.is_empty() {
        h.push_str("<p>No coverage figures.</p>\n");
    } else {
        h.push_str(
            "<table>\n<thead><tr><th>Area</th><th class=\"n\">Proposals</th><th class=\"n\">Advisers</th>\
             <th class=\"n\">Covered</th><th>Coverage</th><th>Gap terms (no eligible adviser)</th></tr></thead>\n<tbody>\n",
        );
        for c in &data.coverage {
            let _ = write!(
                h,
                "<tr><td>{}<br><span class=\"id\">{}</span></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td style=\"white-space:nowrap\">{}</td><td>",
                escape(&c.area_name),
                escape(&c.area_id),
                c.proposals,
                c.advisers,
                c.covered_proposals,
                bar(c.coverage_ratio)
            );
            if c.gap_terms.is_empty() {
                h.push_str("<span class=\"sub\">none</span>");
            }
            terms(h, &c.gap_terms, "term gap");
            h.push_str("</td></tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("<h3>Proposals at risk</h3>\n");
    if data.at_risk.is_empty() {
        h.push_str("<p>None: every proposal has eligible expertise.</p>\n");
    } else {
        h.push_str(
            "<table>\n<thead><tr><th>Proposal</th><th>Area</th><th class=\"n\">Best score</th><th>Why</th></tr></thead>\n<tbody>\n",
        );
        for r in &data.at_risk {
            let _ = writeln!(
                h,
                "<tr><td><span class=\"id\">{}</span><br>{}</td><td class=\"mono\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
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
    h.push_str("</td></tr>\n</tbody>\n</table>\n");
    if !c.changed_assignments.is_empty() {
        let _ = write!(
            h,
            "<h3>Changed advisers ({})</h3>\n<table>\n<thead><tr><th>Proposal</th><th>Before</th><th>After</th></tr></thead>\n<tbody>\n",
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
                conflicts_excluded: 3,
                warnings: 2,
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
                        },
                        ProposalAssignment {
                            proposal_id: "P-002".into(),
                            title: "<script>alert(1)</script> gut microbiota & IgA".into(),
                            advisers: vec![
                                adv("R-042", "Kim Minji", "RIKEN IMS", 0.71, &["iga", "microbiota"]),
                                adv("R-101", "O'Brien \"Pat\"", "Takeda Pharmaceutical", 0.55, &["mucosal immunity"]),
                            ],
                        },
                        ProposalAssignment {
                            proposal_id: "P-005".into(),
                            title: "Allergy prediction from infant cohorts".into(),
                            advisers: vec![adv("R-017", "Sato Hanako", "Osaka University", 0.41, &["allergy"])],
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
                        },
                        ProposalAssignment {
                            proposal_id: "P-004".into(),
                            title: "Organoid vascularisation =1+1".into(),
                            advisers: vec![
                                adv("R-210", "Müller Eva", "NIBIOHN", 0.58, &["organoid"]),
                                adv("R-200", "Tanaka Ken", "Kyoto University CiRA", 0.52, &["vascular"]),
                            ],
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
                },
                AreaCoverage {
                    area_id: "A-REG".into(),
                    area_name: "Regenerative medicine".into(),
                    proposals: 2,
                    advisers: 3,
                    covered_proposals: 2,
                    coverage_ratio: 1.0,
                    gap_terms: vec![],
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
            }),
            adviser_loads: vec![
                AdviserLoad { researcher_id: "R-017".into(), name: "Sato Hanako".into(), assigned: 2, max_load: 3 },
                AdviserLoad { researcher_id: "R-042".into(), name: "Kim Minji".into(), assigned: 2, max_load: 3 },
                AdviserLoad { researcher_id: "R-101".into(), name: "O'Brien \"Pat\"".into(), assigned: 1, max_load: 3 },
                AdviserLoad { researcher_id: "R-200".into(), name: "Tanaka Ken".into(), assigned: 2, max_load: 2 },
                AdviserLoad { researcher_id: "R-210".into(), name: "Müller Eva".into(), assigned: 2, max_load: 4 },
                AdviserLoad { researcher_id: "R-300".into(), name: "=cmd|' /C calc'!A0".into(), assigned: 0, max_load: 3 },
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
