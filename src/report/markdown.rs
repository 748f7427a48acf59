//! report.md: the same headline figures and sections as report.html, concise,
//! for terminals, wikis and diffs between runs.
//!
//! Takes a [`ReportData`]; returns a `String` (no I/O). Table cells go through
//! [`cell`] (escapes `|`, `\`, backticks and HTML brackets; flattens line
//! breaks) so inputs cannot break a table or inject markup. Charts are linked as
//! `charts/<name>.svg`, the path the lead writes them to.

use std::fmt::Write;

use super::data::{f3, opt_f3, pct, ReportData};
use crate::config::ReportConfig;

/// Escapes text for a GitHub-flavoured Markdown table cell or list item.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '`' => out.push_str("\\`"),
            '*' => out.push_str("\\*"),
            '_' => out.push_str("\\_"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "–".into();
    }
    items.iter().map(|s| cell(s)).collect::<Vec<_>>().join(", ")
}

/// Renders report.md. Same inputs give identical output.
pub fn render(data: &ReportData, cfg: &ReportConfig) -> String {
    let mut m = String::with_capacity(16 * 1024);
    let r = &data.run;
    let hd = &data.headline;
    // `write!` into a String cannot fail; results are ignored throughout.
    let _ = writeln!(m, "# {}\n", cell(&cfg.title));
    let _ = writeln!(
        m,
        "Run **{}** · started {} · data `{}` · rdmatch {}\n",
        cell(&r.run_id),
        cell(&r.started),
        r.data_dir.replace('`', "'"),
        cell(&r.rdmatch_version)
    );
    if let Some(why) = &data.infeasibility {
        let _ = writeln!(m, "> **No feasible assignment.** {}\n", cell(why));
    }

    m.push_str("## Summary\n\n| Figure | Value |\n|---|---:|\n");
    for (k, v) in [
        ("Proposals", hd.proposals.to_string()),
        ("Advisers", hd.advisers.to_string()),
        ("Researchers", hd.researchers.to_string()),
        ("Assigned pairs", hd.assigned_pairs.to_string()),
        ("Total score", f3(hd.total_score)),
        ("Weakest proposal total", f3(hd.weakest_proposal_total)),
        ("Objective", cell(&hd.objective)),
        ("Coverage", pct(hd.coverage_ratio)),
        ("Conflicts excluded", hd.conflicts_excluded.to_string()),
        ("Warnings", hd.warnings.to_string()),
    ] {
        let _ = writeln!(m, "| {k} | {v} |");
    }
    m.push('\n');
    warnings(
        &mut m,
        "Warnings",
        &data.warnings,
        hd.warnings,
        cfg.max_listed_warnings,
    );

    m.push_str("## Assignment by area\n\n");
    if data.areas.is_empty() {
        m.push_str("No assignment.\n\n");
    }
    for a in &data.areas {
        let _ = writeln!(m, "### {} ({})\n", cell(&a.area_name), cell(&a.area_id));
        m.push_str("| Proposal | Title | Total | Adviser | Institution | Score | Shared terms |\n|---|---|---:|---|---|---:|---|\n");
        for p in &a.proposals {
            if p.advisers.is_empty() {
                let _ = writeln!(
                    m,
                    "| {} | {} | {} | *none assigned* | | | |",
                    cell(&p.proposal_id),
                    cell(&p.title),
                    f3(0.0)
                );
            }
            for (j, ad) in p.advisers.iter().enumerate() {
                let (id, title, total) = if j == 0 {
                    (cell(&p.proposal_id), cell(&p.title), f3(p.total()))
                } else {
                    (String::new(), String::new(), String::new())
                };
                let _ = writeln!(
                    m,
                    "| {id} | {title} | {total} | {} ({}) | {} | {} | {} |",
                    cell(&ad.name),
                    cell(&ad.researcher_id),
                    cell(&ad.institution),
                    f3(ad.score),
                    list(&ad.shared_terms)
                );
            }
        }
        m.push('\n');
    }

    super::conflicts::markdown(&mut m, &data.conflicts, &|s| cell(s));
    m.push_str("## Coverage and gaps\n\n");
    if !data.coverage.is_empty() {
        m.push_str("| Area | Proposals | Advisers | Covered | Coverage | Gap terms |\n|---|---:|---:|---:|---:|---|\n");
        for c in &data.coverage {
            let _ = writeln!(
                m,
                "| {} ({}) | {} | {} | {} | {} | {} |",
                cell(&c.area_name),
                cell(&c.area_id),
                c.proposals,
                c.advisers,
                c.covered_proposals,
                pct(c.coverage_ratio),
                list(&c.gap_terms)
            );
        }
        m.push('\n');
    }
    if data.at_risk.is_empty() {
        m.push_str("Proposals at risk: none.\n\n");
    } else {
        m.push_str("### Proposals at risk\n\n| Proposal | Title | Area | Best score | Why |\n|---|---|---|---:|---|\n");
        for p in &data.at_risk {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} |",
                cell(&p.proposal_id),
                cell(&p.title),
                cell(&p.area_id),
                f3(p.best_score),
                cell(&p.reason)
            );
        }
        m.push('\n');
    }

    m.push_str("## Collaboration network\n\n");
    if !data.network.figures.is_empty() {
        m.push_str("| Figure | Value |\n|---|---:|\n");
        for (k, v) in &data.network.figures {
            let _ = writeln!(m, "| {} | {} |", cell(k), cell(v));
        }
        m.push('\n');
    }
    if !data.network.top_brokers.is_empty() {
        m.push_str("Top brokers (normalised betweenness):\n\n| # | Researcher | Institution | Betweenness | Degree |\n|---:|---|---|---:|---:|\n");
        for (i, b) in data.network.top_brokers.iter().enumerate() {
            let _ = writeln!(
                m,
                "| {} | {} ({}) | {} | {:.4} | {} |",
                i + 1,
                cell(&b.name),
                cell(&b.researcher_id),
                cell(&b.institution),
                b.betweenness,
                b.degree
            );
        }
        m.push('\n');
    }

    if !data.charts.is_empty() {
        m.push_str("## Charts\n\n");
        for c in &data.charts {
            let _ = writeln!(
                m,
                "- [{}](charts/{}.svg)",
                cell(&c.title),
                link_target(&c.name)
            );
        }
        m.push('\n');
    }

    m.push_str("## Data quality\n\n");
    if !data.data_quality.dropped.is_empty() {
        let _ = writeln!(
            m,
            "**{} row(s) had errors and were left out of this run (--keep-going)**, with the rows that depend on them; every figure above is computed without them.\n\n| Row | Why it was left out |\n|---|---|",
            data.data_quality.dropped.len()
        );
        for d in &data.data_quality.dropped {
            let _ = writeln!(
                m,
                "| {} | {} |",
                cell(&d.location),
                cell(&d.reasons.join("; "))
            );
        }
        m.push('\n');
    }
    if !data.data_quality.files.is_empty() {
        m.push_str("| File | Read | Accepted | Rejected |\n|---|---:|---:|---:|\n");
        for f in &data.data_quality.files {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} |",
                cell(&f.file),
                f.read,
                f.accepted,
                f.rejected
            );
        }
        m.push('\n');
    }
    let dq = &data.data_quality.warnings;
    warnings(
        &mut m,
        "Loading warnings",
        dq,
        dq.len(),
        cfg.max_listed_warnings,
    );

    m.push_str("## What changed since the previous run\n\n");
    match &data.changes {
        None => m.push_str("No previous run to compare with (first run).\n"),
        Some(c) => {
            let _ = writeln!(m, "Compared with run {}.\n", cell(&c.previous_run));
            for n in &c.notes {
                let _ = writeln!(m, "> {}\n", cell(n));
            }
            if c.is_empty() {
                m.push_str("No changes.\n");
            } else {
                let _ = writeln!(
                    m,
                    "- New proposals ({}): {}",
                    c.new_proposals.len(),
                    list(&c.new_proposals)
                );
                let _ = writeln!(
                    m,
                    "- Withdrawn proposals ({}): {}",
                    c.withdrawn_proposals.len(),
                    list(&c.withdrawn_proposals)
                );
                for a in &c.changed_assignments {
                    let _ = writeln!(
                        m,
                        "- Advisers of {}: {} → {}",
                        cell(&a.proposal_id),
                        list(&a.before),
                        list(&a.after)
                    );
                }
                for cc in &c.coverage_changes {
                    let _ = writeln!(
                        m,
                        "- Coverage of {}: {} → {}",
                        cell(&cc.area_id),
                        opt_f3(cc.before),
                        opt_f3(cc.after)
                    );
                }
            }
        }
    }
    m
}

/// A chart name for a link target: only `[A-Za-z0-9._-]` kept (charts name
/// their files that way; anything else becomes `_`).
fn link_target(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn warnings(m: &mut String, heading: &str, items: &[String], total: usize, cap: usize) {
    let _ = writeln!(m, "### {heading}\n");
    let total = total.max(items.len());
    if total == 0 {
        m.push_str("None.\n\n");
        return;
    }
    for w in items.iter().take(cap) {
        let _ = writeln!(m, "- {}", cell(w));
    }
    let shown = items.len().min(cap);
    if total > shown {
        let _ = writeln!(m, "- … and {} more (see the CSV outputs)", total - shown);
    }
    m.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::data::ChangeSet;
    use crate::report::html::tests::sample;

    #[test]
    fn pipes_cannot_break_a_table_row() {
        let mut d = sample();
        d.areas[0].proposals[0].title = "a | b\nc".into();
        let md = render(&d, &ReportConfig::default());
        let row = md
            .lines()
            .find(|l| l.contains("a \\| b c"))
            .expect("escaped row");
        // Unescaped pipes in the row = column separators: 8 for 7 columns.
        let seps = row.replace("\\|", "").matches('|').count();
        assert_eq!(seps, 8, "{row}");
    }

    #[test]
    fn html_in_markdown_is_escaped() {
        let md = render(&sample(), &ReportConfig::default());
        assert!(!md.contains("<script>"));
        assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn headline_figures_and_sections_present() {
        let md = render(&sample(), &ReportConfig::default());
        for s in [
            "| Proposals | 5 |",
            "| Total score | 5.432 |",
            "| Weakest proposal total | 0.410 |",
            "| Coverage | 80.0% |",
            "| Conflicts excluded | 3 |",
            "## Assignment by area",
            "### Regenerative medicine (A-REG)",
            "## Coverage and gaps",
            "## Collaboration network",
            "## Data quality",
            "- Advisers of P-002: R-017, R-042 → R-042, R-101",
            "- Coverage of A-IMM: 1.000 → 0.667",
            "- [Coverage by area](charts/coverage_by_area.svg)",
        ] {
            assert!(md.contains(s), "missing {s:?}\n{md}");
        }
    }

    #[test]
    fn no_changes_state_is_explicit() {
        let mut d = sample();
        d.changes = Some(ChangeSet {
            previous_run: "R1".into(),
            ..Default::default()
        });
        assert!(
            render(&d, &ReportConfig::default()).contains("Compared with run R1.\n\nNo changes.\n")
        );
        d.changes = None;
        assert!(render(&d, &ReportConfig::default()).contains("No previous run to compare with"));
    }

    #[test]
    fn deterministic() {
        let cfg = ReportConfig::default();
        assert_eq!(render(&sample(), &cfg), render(&sample(), &cfg));
    }
}
