//! The conflict-of-interest section of report.html, report.md and
//! assignment.xlsx: pairs excluded by rule and area, and the assigned pairs
//! that carry a flag (consortium paper, near miss, two-hop path) with the
//! evidence, so a PO reviews exactly the pairs that matter.
//!
//! [`section`] turns the conflict stage's output into plain data; the
//! renderers below only format it.

use std::fmt::Write as _;

use rust_xlsxwriter::{Format, Workbook};

use crate::assign::Solution;
use crate::conflicts::{ConflictSet, Rule};
use crate::model::Dataset;

use super::ReportError;

/// Exclusions of one area, per excluding rule (in [`ConflictSection::rules`] order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AreaExclusions {
    pub area_id: String,
    pub area_name: String,
    pub pairs: Vec<usize>,
    /// Pairs excluded by at least one rule.
    pub total: usize,
}

/// An assigned pair with a flag.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlaggedPair {
    pub proposal_id: String,
    pub researcher_id: String,
    pub name: String,
    /// Flags with evidence, `; `-joined (the `flags` column of assignment.csv).
    pub flags: String,
}

/// Everything the conflict section shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConflictSection {
    /// The excluding rules, snake-case, in column order.
    pub rules: Vec<String>,
    /// Pairs per rule over the whole call, in `rules` order.
    pub totals: Vec<usize>,
    pub by_area: Vec<AreaExclusions>,
    /// Flag-only pairs per flag rule: (rule, pairs).
    pub flags: Vec<(String, usize)>,
    /// Proposals with at least one two-hop flag (two_hop.csv rows).
    pub two_hop_proposals: usize,
    pub flagged_assigned: Vec<FlaggedPair>,
    /// Notes of the stage (e.g. too many nominated exclusions).
    pub notes: Vec<String>,
}

/// Builds the section from the conflict set and the assignment (if any).
pub fn section(ds: &Dataset, cs: &ConflictSet, sol: Option<&Solution>) -> ConflictSection {
    let rules: Vec<Rule> = Rule::ALL.into_iter().filter(|r| r.excludes()).collect();
    let mut by_area: Vec<AreaExclusions> = ds
        .areas
        .iter()
        .map(|a| AreaExclusions {
            area_id: a.id.clone(),
            area_name: a.name.clone(),
            pairs: vec![0; rules.len()],
            total: 0,
        })
        .collect();
    for row in cs.rows().filter(|r| r.excluded) {
        let area = &mut by_area[ds.proposals[row.proposal].area];
        area.total += 1;
        for (k, rule) in rules.iter().enumerate() {
            if row.reasons.iter().any(|r| r.rule() == *rule) {
                area.pairs[k] += 1;
            }
        }
    }
    by_area.sort_by(|a, b| a.area_id.cmp(&b.area_id));
    let counts = cs.counts();
    let mut flagged_assigned = Vec::new();
    if let Some(s) = sol {
        for (p, advisers) in s.assigned.iter().enumerate() {
            for &a in advisers {
                let flags = cs.flags(p, a);
                if !flags.is_empty() {
                    let r = ds.advisers[a].researcher;
                    flagged_assigned.push(FlaggedPair {
                        proposal_id: ds.proposals[p].id.clone(),
                        researcher_id: ds.researchers[r].id.clone(),
                        name: ds.researchers[r].name.clone(),
                        flags,
                    });
                }
            }
        }
    }
    flagged_assigned.sort_by(|x, y| {
        (&x.proposal_id, &x.researcher_id).cmp(&(&y.proposal_id, &y.researcher_id))
    });
    ConflictSection {
        rules: rules.iter().map(|r| r.as_str().to_string()).collect(),
        totals: rules.iter().map(|&r| counts.of(r)).collect(),
        by_area,
        flags: Rule::ALL
            .into_iter()
            .filter(|r| !r.excludes())
            .map(|r| (r.as_str().to_string(), counts.of(r)))
            .collect(),
        two_hop_proposals: cs.two_hop_summaries(ds).len(),
        flagged_assigned,
        notes: cs.notes().to_vec(),
    }
}

/// Lines for the run's warnings list.
pub fn warnings(ds: &Dataset, cs: &ConflictSet, sol: Option<&Solution>) -> Vec<String> {
    let mut out = cs.notes().to_vec();
    let flagged = cs.rows().filter(|r| !r.excluded).count();
    if flagged > 0 {
        out.push(format!(
            "{flagged} adviser–proposal pairs are flagged, not excluded (consortium paper, joint paper one year before the window, or two co-authorship hops); see conflicts.csv and two_hop.csv"
        ));
    }
    if let Some(s) = sol {
        let n: usize = s
            .assigned
            .iter()
            .enumerate()
            .map(|(p, v)| v.iter().filter(|&&a| !cs.flags(p, a).is_empty()).count())
            .sum();
        if n > 0 {
            out.push(format!(
                "{n} assigned pairs carry a conflict flag: review them (flags column of assignment.csv, \"Conflicts of interest\" in the report)"
            ));
        }
    }
    let _ = ds;
    out
}

/// The HTML section (`id="conflicts"`); `escape` is the report's escaper.
pub fn html(h: &mut String, s: &ConflictSection, escape: &dyn Fn(&str) -> String) {
    // `write!` into a String cannot fail; results are ignored throughout.
    h.push_str("<section id=\"conflicts\">\n<h2>Conflicts of interest</h2>\n");
    for n in &s.notes {
        let _ = writeln!(h, "<p class=\"warn\">{}</p>", escape(n));
    }
    h.push_str("<h3>Pairs excluded, by rule and area</h3>\n<table>\n<thead><tr><th>Area</th>");
    for r in &s.rules {
        let _ = write!(h, "<th>{}</th>", escape(r));
    }
    h.push_str("<th>excluded pairs</th></tr></thead>\n<tbody>\n");
    for a in &s.by_area {
        let _ = write!(
            h,
            "<tr><td>{} ({})</td>",
            escape(&a.area_name),
            escape(&a.area_id)
        );
        for n in &a.pairs {
            let _ = write!(h, "<td class=\"num\">{n}</td>");
        }
        let _ = writeln!(h, "<td class=\"num\">{}</td></tr>", a.total);
    }
    h.push_str("<tr><th>all areas (pairs per rule)</th>");
    for n in &s.totals {
        let _ = write!(h, "<td class=\"num\">{n}</td>");
    }
    let total: usize = s.by_area.iter().map(|a| a.total).sum();
    let _ = writeln!(h, "<td class=\"num\">{total}</td></tr>\n</tbody>\n</table>");
    let flags: Vec<String> = s
        .flags
        .iter()
        .map(|(r, n)| format!("{} {n}", escape(r)))
        .collect();
    let _ = writeln!(
        h,
        "<p>Flagged, not excluded: {} pairs ({}); two-hop paths summarised per proposal in two_hop.csv ({} proposals).</p>",
        s.flags.iter().map(|x| x.1).sum::<usize>(),
        flags.join(", "),
        s.two_hop_proposals
    );
    let _ = writeln!(
        h,
        "<h3>Assigned pairs with a flag ({})</h3>",
        s.flagged_assigned.len()
    );
    if s.flagged_assigned.is_empty() {
        h.push_str("<p>No assigned pair carries a flag.</p>\n");
    } else {
        h.push_str("<table>\n<thead><tr><th>Proposal</th><th>Adviser</th><th>Flags and evidence</th></tr></thead>\n<tbody>\n");
        for f in &s.flagged_assigned {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{} ({})</td><td>{}</td></tr>",
                escape(&f.proposal_id),
                escape(&f.name),
                escape(&f.researcher_id),
                escape(&f.flags)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

/// The Markdown section; `cell` is the report's table-cell escaper.
pub fn markdown(m: &mut String, s: &ConflictSection, cell: &dyn Fn(&str) -> String) {
    m.push_str("## Conflicts of interest\n\n");
    for n in &s.notes {
        let _ = writeln!(m, "> {}\n", cell(n));
    }
    m.push_str("| Area |");
    for r in &s.rules {
        let _ = write!(m, " {} |", cell(r));
    }
    m.push_str(" excluded pairs |\n|---|");
    for _ in &s.rules {
        m.push_str("---:|");
    }
    m.push_str("---:|\n");
    for a in &s.by_area {
        let _ = write!(m, "| {} ({}) |", cell(&a.area_name), cell(&a.area_id));
        for n in &a.pairs {
            let _ = write!(m, " {n} |");
        }
        let _ = writeln!(m, " {} |", a.total);
    }
    m.push_str("| all areas (pairs per rule) |");
    for n in &s.totals {
        let _ = write!(m, " {n} |");
    }
    let total: usize = s.by_area.iter().map(|a| a.total).sum();
    let _ = writeln!(m, " {total} |\n");
    let _ = writeln!(
        m,
        "Assigned pairs with a flag: {}\n",
        s.flagged_assigned.len()
    );
    if !s.flagged_assigned.is_empty() {
        m.push_str("| Proposal | Adviser | Flags and evidence |\n|---|---|---|\n");
        for f in &s.flagged_assigned {
            let _ = writeln!(
                m,
                "| {} | {} ({}) | {} |",
                cell(&f.proposal_id),
                cell(&f.name),
                cell(&f.researcher_id),
                cell(&f.flags)
            );
        }
        m.push('\n');
    }
}

/// Excel's most characters per cell.
const CELL_MAX: usize = 32_767;

fn fit(s: &str) -> &str {
    match s.char_indices().nth(CELL_MAX - 1) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The "Conflicts" sheet: assigned pairs with a flag first (the ones to
/// review), then exclusions by rule and area.
pub fn sheet(wb: &mut Workbook, name: &str, s: &ConflictSection) -> Result<(), ReportError> {
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet().set_name(name)?;
    let mut r: u32 = 0;
    ws.write_string_with_format(r, 0, "Assigned pairs with a conflict flag", &bold)?;
    r += 1;
    for (c, h) in ["Proposal", "Adviser", "Adviser name", "Flags and evidence"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &bold)?;
    }
    r += 1;
    if s.flagged_assigned.is_empty() {
        ws.write_string(r, 0, "(none)")?;
        r += 1;
    }
    for f in &s.flagged_assigned {
        ws.write_string(r, 0, fit(&f.proposal_id))?;
        ws.write_string(r, 1, fit(&f.researcher_id))?;
        ws.write_string(r, 2, fit(&f.name))?;
        ws.write_string(r, 3, fit(&f.flags))?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "Pairs excluded, by rule and area", &bold)?;
    r += 1;
    ws.write_string_with_format(r, 0, "Area", &bold)?;
    for (k, rule) in s.rules.iter().enumerate() {
        ws.write_string_with_format(r, 1 + k as u16, rule, &bold)?;
    }
    ws.write_string_with_format(r, 1 + s.rules.len() as u16, "excluded pairs", &bold)?;
    r += 1;
    for a in &s.by_area {
        ws.write_string(r, 0, fit(&format!("{} ({})", a.area_name, a.area_id)))?;
        for (k, n) in a.pairs.iter().enumerate() {
            ws.write_number(r, 1 + k as u16, *n as f64)?;
        }
        ws.write_number(r, 1 + a.pairs.len() as u16, a.total as f64)?;
        r += 1;
    }
    ws.write_string_with_format(r, 0, "all areas (pairs per rule)", &bold)?;
    for (k, n) in s.totals.iter().enumerate() {
        ws.write_number(r, 1 + k as u16, *n as f64)?;
    }
    ws.set_column_width(0, 28)?;
    ws.set_column_width(3, 90)?;
    Ok(())
}
