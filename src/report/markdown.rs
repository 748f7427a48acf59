//! report.md: the same headline figures and sections as report.html, concise,
//! for terminals, wikis and diffs between runs.
//!
//! Takes a [`ReportData`]; returns a `String` (no I/O). Table cells go through
//! [`cell`] (escapes `|`, `\`, backticks and HTML brackets; flattens line
//! breaks) so inputs cannot break a table or inject markup. Charts are linked as
//! `charts/<name>.svg`, the path the lead writes them to.

use std::fmt::Write;

use super::data::{f3, fixed, opt_f3, opt_pct, pct, AssignedAdviser, Mix, ReportData};
use super::definitions::{
    Definition, ALL, CAPACITY, COVERAGE, EFFECTIVE, ENTROPY, EXPERT, HHI, SCORE, WEAKEST,
};

/// A definition quoted beside its figure.
fn def(m: &mut String, d: &Definition) {
    let _ = writeln!(m, "> **{}**: {}\n", d.term, cell(d.text));
}

fn adviser_line(a: &AssignedAdviser) -> String {
    let mut s = format!(
        "{} ({}) · {} · score {}",
        cell(&a.name),
        cell(&a.researcher_id),
        cell(&a.institution),
        f3(a.score)
    );
    if a.rank > 0 {
        let _ = write!(s, " · rank {}", a.rank);
    }
    if !a.components.is_empty() {
        let parts: Vec<String> = a
            .components
            .iter()
            .map(|(k, v)| format!("{} {}", cell(k), f3(*v)))
            .collect();
        let _ = write!(s, " ({})", parts.join(", "));
    }
    if !a.shared_terms.is_empty() {
        let _ = write!(s, " · terms: {}", list(&a.shared_terms));
    }
    for f in &a.flags {
        let _ = write!(s, " · flag: {}", cell(f));
    }
    s
}

fn mix_row(m: &Mix) -> String {
    format!(
        "{} | {} | {} | {} | {} | {}",
        m.total,
        m.categories.len(),
        opt_f3(m.hhi),
        opt_f3(m.entropy),
        m.effective_hhi.map_or("–".into(), |x| fixed(x, 2)),
        m.effective_entropy.map_or("–".into(), |x| fixed(x, 2))
    )
}
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
    m.push_str("## Needs attention first\n\n");
    if let Some(why) = &data.infeasibility {
        m.push_str("**No feasible assignment.**\n\n~~~text\n");
        m.push_str(&why.replace("~~~", "~ ~ ~"));
        m.push_str("\n~~~\n\n");
    }
    let short: Vec<_> = data.coverage.iter().filter(|c| c.under_covered).collect();
    if short.is_empty() {
        m.push_str("No area is under-covered.\n\n");
    } else {
        m.push_str("Under-covered areas:\n\n| Area | Coverage | Usable / demand | Capacity ratio | Shared capacity |\n|---|---:|---:|---:|---:|\n");
        for c in short {
            let _ = writeln!(
                m,
                "| {} ({}) | {} | {} / {} | {} | {} |",
                cell(&c.area_name),
                cell(&c.area_id),
                pct(c.coverage_ratio),
                c.usable_capacity,
                c.demand,
                opt_f3(c.capacity_ratio),
                c.shared_capacity
            );
        }
        m.push('\n');
    }
    if data.at_risk.is_empty() {
        m.push_str("Proposals at risk: none.\n\n");
    } else {
        let _ = writeln!(m, "Proposals at risk ({}):\n\n| Proposal | Title | Area | Best score | Why |\n|---|---|---|---:|---|", data.at_risk.len());
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

    m.push_str("## Summary\n\n| Figure | Value |\n|---|---:|\n");
    for (k, v) in [
        ("Proposals", hd.proposals.to_string()),
        ("Advisers", hd.advisers.to_string()),
        ("Researchers", hd.researchers.to_string()),
        ("Assigned pairs", hd.assigned_pairs.to_string()),
        ("Total score", f3(hd.total_score)),
        ("Weakest proposal total", f3(hd.weakest_proposal_total)),
        ("Objective", cell(&hd.objective)),
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
        (
            "Under-covered areas",
            if hd.under_covered_areas.is_empty() {
                "none".into()
            } else {
                list(&hd.under_covered_areas)
            },
        ),
        ("Conflicts excluded", hd.conflicts_excluded.to_string()),
        ("Warnings", hd.warnings.to_string()),
    ] {
        let _ = writeln!(m, "| {k} | {v} |");
    }
    m.push('\n');
    let _ = writeln!(
        m,
        "Expertise threshold {}; score weights {}.\n",
        f3(hd.expertise_threshold),
        data.score_weights
            .iter()
            .map(|(k, w)| format!("{} {}", cell(k), fixed(*w, 2)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for d in [&SCORE, &COVERAGE, &CAPACITY, &WEAKEST] {
        def(&mut m, d);
    }
    warnings(
        &mut m,
        "Warnings",
        &data.warnings,
        hd.warnings,
        cfg.max_listed_warnings,
    );

    super::randomized::markdown(&mut m, hd.randomized.as_ref());
    m.push_str("## Assignment by area\n\n");
    if data.areas.is_empty() {
        m.push_str("No assignment.\n\n");
    }
    for a in &data.areas {
        let _ = writeln!(m, "### {} ({})\n", cell(&a.area_name), cell(&a.area_id));
        for p in &a.proposals {
            let _ = writeln!(
                m,
                "- **{}** {} · K = {} · total {}{}",
                cell(&p.proposal_id),
                cell(&p.title),
                p.k,
                f3(p.total()),
                p.at_risk
                    .as_ref()
                    .map(|r| format!(" · **at risk**: {}", cell(r)))
                    .unwrap_or_default()
            );
            if p.advisers.is_empty() {
                m.push_str("  - *none assigned*\n");
            }
            for ad in &p.advisers {
                let _ = writeln!(m, "  - {}", adviser_line(ad));
            }
            for ad in &p.alternates {
                let _ = writeln!(m, "  - alternate: {}", adviser_line(ad));
            }
        }
        m.push('\n');
    }

    m.push_str("## Advisers\n\n");
    if !data.adviser_loads.is_empty() {
        m.push_str("| Adviser | Institution | Sector | Areas | Load | Proposals assigned |\n|---|---|---|---|---:|---|\n");
        for l in &data.adviser_loads {
            let props: Vec<String> = l
                .proposals
                .iter()
                .map(|p| {
                    format!(
                        "{} ({} · {})",
                        cell(&p.proposal_id),
                        cell(&p.area_id),
                        f3(p.score)
                    )
                })
                .collect();
            let _ = writeln!(
                m,
                "| {} ({}) | {} | {} | {} | {} / {} | {} |",
                cell(&l.name),
                cell(&l.researcher_id),
                cell(&l.institution),
                cell(&l.sector),
                list(&l.areas),
                l.assigned,
                l.max_load,
                if props.is_empty() {
                    "–".into()
                } else {
                    props.join(", ")
                }
            );
        }
        m.push('\n');
    }

    super::conflicts::markdown(&mut m, &data.conflicts, &|s| cell(s));
    m.push_str("## Coverage and gaps\n\n");
    for d in [&EXPERT, &COVERAGE, &CAPACITY] {
        def(&mut m, d);
    }
    if !data.coverage.is_empty() {
        m.push_str("| Area | Proposals | Advisers | Covered | Coverage | Experts | Shared capacity | Exclusive capacity | Usable / demand | Capacity ratio | Mean best-K | Under-covered | Gap terms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for c in &data.coverage {
            let _ = writeln!(
                m,
                "| {} ({}) | {} | {} | {} | {} | {} | {} | {} | {} / {} | {} | {} | {} | {} |",
                cell(&c.area_name),
                cell(&c.area_id),
                c.proposals,
                c.advisers,
                c.covered_proposals,
                pct(c.coverage_ratio),
                c.expert_advisers,
                c.shared_capacity,
                c.exclusive_capacity,
                c.usable_capacity,
                c.demand,
                opt_f3(c.capacity_ratio),
                opt_f3(c.mean_best_k),
                if c.under_covered { "**yes**" } else { "no" },
                list(&c.gap_terms)
            );
        }
        m.push('\n');
    }

    m.push_str("## Portfolio\n\n");
    for d in [&HHI, &ENTROPY, &EFFECTIVE] {
        def(&mut m, d);
    }
    if !data.portfolio.is_empty() {
        m.push_str("### Sector mix\n\n| Scope | Who | academia | industry | government | hospital | nonprofit | People | Sectors | HHI | Entropy | 1/HHI | e^H |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for r in &data.portfolio {
            for (who, x) in [
                ("applicants", &r.applicant_sectors),
                ("advisers", &r.adviser_sectors),
            ] {
                let shares: Vec<String> = [
                    "academia",
                    "industry",
                    "government",
                    "hospital",
                    "nonprofit",
                ]
                .iter()
                .map(|s| pct(x.share(s)))
                .collect();
                let _ = writeln!(
                    m,
                    "| {} | {who} | {} | {} |",
                    cell(&r.label),
                    shares.join(" | "),
                    mix_row(x)
                );
            }
        }
        m.push('\n');
        for r in &data.portfolio {
            let _ = writeln!(m, "- {}: {}", cell(&r.label), cell(&r.sector_reading));
        }
        m.push_str("\n### Institution mix\n\n| Scope | Who | Largest | People | Institutions | HHI | Entropy | 1/HHI | e^H |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for r in &data.portfolio {
            for (who, x) in [
                ("applicants", &r.applicant_institutions),
                ("advisers", &r.adviser_institutions),
            ] {
                let top = x.categories.first().map_or("–".into(), |(n, c, s)| {
                    format!("{} ({c}, {})", cell(n), pct(*s))
                });
                let _ = writeln!(m, "| {} | {who} | {top} | {} |", cell(&r.label), mix_row(x));
            }
        }
        m.push('\n');
        for r in &data.portfolio {
            let _ = writeln!(m, "- {}: {}", cell(&r.label), cell(&r.institution_reading));
        }
        m.push_str("\n### Teams that cross boundaries\n\n| Scope | Proposals | Multi-institution | Multi-sector | Academia–industry |\n|---|---:|---:|---:|---:|\n");
        for r in &data.portfolio {
            let t = &r.teams;
            let _ = writeln!(
                m,
                "| {} | {} | {} ({}) | {} ({}) | {} ({}) |",
                cell(&r.label),
                t.proposals,
                t.multi_institution,
                opt_pct(t.multi_institution_share),
                t.multi_sector,
                opt_pct(t.multi_sector_share),
                t.academia_industry,
                opt_pct(t.academia_industry_share)
            );
        }
        m.push('\n');
        for r in &data.portfolio {
            let _ = writeln!(m, "- {}: {}", cell(&r.label), cell(&r.team_reading));
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
                let _ = writeln!(
                    m,
                    "- Advisers who joined the pool ({}): {}",
                    c.advisers_joined.len(),
                    list(&c.advisers_joined)
                );
                let _ = writeln!(
                    m,
                    "- Advisers who left the pool ({}): {}",
                    c.advisers_left.len(),
                    list(&c.advisers_left)
                );
                for a in &c.changed_assignments {
                    let own = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
                    let _ = writeln!(
                        m,
                        "- Advisers of {}: {} → {} (joined: {}; left: {})",
                        cell(&a.proposal_id),
                        list(&a.before),
                        list(&a.after),
                        list(&own(a.joined())),
                        list(&own(a.left()))
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
    m.push_str("\n## Definitions\n\n");
    for d in ALL.iter() {
        let _ = writeln!(m, "- **{}**: {}", d.term, cell(d.text));
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
        d.at_risk[0].title = "a | b\nc".into();
        let md = render(&d, &ReportConfig::default());
        let row = md
            .lines()
            .find(|l| l.contains("a \\| b c"))
            .expect("escaped row");
        // Unescaped pipes in the row = column separators: 6 for 5 columns.
        let seps = row.replace("\\|", "").matches('|').count();
        assert_eq!(seps, 6, "{row}");
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
            "| Coverage | 80.0% (4 of 5) |",
            "## Needs attention first",
            "## Advisers",
            "## Portfolio",
            "## Definitions",
            "| Conflicts excluded | 3 |",
            "## Assignment by area",
            "### Regenerative medicine (A-REG)",
            "## Coverage and gaps",
            "## Collaboration network",
            "## Data quality",
            "- Advisers of P-002: R-017, R-042 → R-042, R-101 (joined: R-101; left: R-017)",
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
