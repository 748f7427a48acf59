//! assignment.xlsx: the assignment as a workbook for the PS/PO office.
//!
//! Takes a [`ReportData`]; returns the workbook bytes
//! (`Workbook::save_to_buffer`, no file I/O). Sheets, in order:
//! - `Summary`: run information, headline figures, coverage by area;
//! - one sheet per area: a row per (proposal, adviser) with scores, score
//!   components and the shared terms that explain the match, a bold frozen
//!   header row and an autofilter;
//! - `Adviser loads`: researcher_id, name, assigned, max_load.
//!
//! Every text cell is written with `write_string`, so text starting with
//! `=`, `+`, `-` or `@` stays text and is never evaluated as a formula.
//! Sheet names follow Excel's rules via [`sheet_name`]. The document's
//! creation time is taken from [`RunInfo::started`](super::RunInfo) (not the
//! clock) so the same data gives the same bytes.

use std::collections::BTreeSet;

use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet,
};

use super::data::{AreaAssignment, ReportData};
use super::ReportError;

/// Excel's most characters per cell (the loader rejects longer input
/// values in workbook columns; see `load::limits`).
const MAX_CELL_CHARS: usize = crate::load::EXCEL_CELL_CHARS;

/// `s` cut to fit one Excel cell: generated texts (a long diagnosis, many
/// gap terms) end with a marked ellipsis saying where the full text is,
/// instead of failing the whole workbook at the last stage of a run.
fn fit(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= MAX_CELL_CHARS || s.chars().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    const MARK: &str = " … [cut at Excel's 32,767-character cell limit; full text in report.md]";
    let keep = MAX_CELL_CHARS - MARK.chars().count();
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(MARK);
    std::borrow::Cow::Owned(out)
}

/// Excel's longest sheet name, in UTF-16 code units.
const MAX_SHEET_NAME: usize = 31;
/// Column width bounds (Excel character units).
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

/// Makes `raw` a valid, unused Excel sheet name and records it in `taken`
/// (lower-cased: Excel compares sheet names case-insensitively).
///
/// `[ ] : * ? / \` and control characters become `_`; leading and trailing
/// apostrophes and spaces are dropped; an empty result becomes `Sheet`; the
/// name is cut to 31 UTF-16 units; a clash gets ` (2)`, ` (3)`, … (the base is
/// cut further so the suffix fits). `History` is reserved by Excel.
pub fn sheet_name(raw: &str, taken: &mut BTreeSet<String>) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    let base = if trimmed.is_empty() { "Sheet" } else { trimmed };
    let mut n = 1usize;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" ({n})")
        };
        let mut candidate = cut_utf16(base, MAX_SHEET_NAME - suffix.len());
        // Cutting can leave a trailing apostrophe or space; Excel rejects the
        // former and the latter reads badly.
        candidate = candidate
            .trim_end_matches(|c: char| c == '\'' || c.is_whitespace())
            .to_string();
        if candidate.is_empty() {
            candidate = "Sheet".into();
        }
        candidate.push_str(&suffix);
        let key = candidate.to_lowercase();
        if key != "history" && !taken.contains(&key) {
            taken.insert(key);
            return candidate;
        }
        n += 1;
    }
}

/// The longest prefix of `s` of at most `max` UTF-16 code units.
fn cut_utf16(s: &str, max: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        used += c.len_utf16();
        if used > max {
            break;
        }
        out.push(c);
    }
    out
}

struct Formats {
    header: Format,
    score: Format,
    wrap: Format,
    bold: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDCE6F1))
                .set_border_bottom(FormatBorder::Thin)
                .set_text_wrap(),
            score: Format::new().set_num_format("0.000"),
            wrap: Format::new().set_text_wrap(),
            bold: Format::new().set_bold(),
        }
    }
}

/// Tracks the widest text per column to size columns after writing.
struct Widths(Vec<usize>);

impl Widths {
    fn see(&mut self, col: u16, text: &str) {
        let i = usize::from(col);
        if self.0.len() <= i {
            self.0.resize(i + 1, 0);
        }
        self.0[i] = self.0[i].max(text.chars().count());
    }

    fn apply(&self, ws: &mut Worksheet) -> Result<(), ReportError> {
        for (i, w) in self.0.iter().enumerate() {
            // Column counts are tiny (< 30); u16 cannot overflow here.
            let col = u16::try_from(i).unwrap_or(u16::MAX);
            ws.set_column_width(col, (*w + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
        }
        Ok(())
    }
}

/// Writes a header row, freezes it and sizes columns from it.
fn header(
    ws: &mut Worksheet,
    cols: &[String],
    f: &Formats,
    widths: &mut Widths,
) -> Result<(), ReportError> {
    for (c, name) in cols.iter().enumerate() {
        let c = col(c);
        ws.write_string_with_format(0, c, name, &f.header)?;
        widths.see(c, name);
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn col(i: usize) -> u16 {
    // Sheets here have a handful of columns; saturate rather than panic.
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Builds assignment.xlsx and returns its bytes.
pub fn render(data: &ReportData) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let mut props = DocProperties::new()
        .set_title("rdmatch assignment")
        .set_author("rdmatch");
    if let Ok(t) = ExcelDateTime::parse_from_str(&data.run.started) {
        props = props.set_creation_datetime(&t);
    }
    wb.set_properties(&props);
    let f = Formats::new();
    let mut taken = BTreeSet::new();
    // Reserve the fixed sheet names first so an area cannot take them.
    let summary_name = sheet_name("Summary", &mut taken);
    let loads_name = sheet_name("Adviser loads", &mut taken);
    let view_name = sheet_name("Adviser view", &mut taken);
    let portfolio_name = sheet_name("Portfolio", &mut taken);
    let notes_name = sheet_name("Notes", &mut taken);
    let conflicts_name = sheet_name("Conflicts", &mut taken);

    summary_sheet(wb.add_worksheet().set_name(&summary_name)?, data, &f)?;
    for area in &data.areas {
        let name = sheet_name(&format!("{} {}", area.area_id, area.area_name), &mut taken);
        area_sheet(wb.add_worksheet().set_name(&name)?, area, &f)?;
    }
    loads_sheet(wb.add_worksheet().set_name(&loads_name)?, data, &f)?;
    adviser_view_sheet(wb.add_worksheet().set_name(&view_name)?, data, &f)?;
    portfolio_sheet(wb.add_worksheet().set_name(&portfolio_name)?, data, &f)?;
    notes_sheet(wb.add_worksheet().set_name(&notes_name)?, data, &f)?;
    super::conflicts::sheet(&mut wb, &conflicts_name, &data.conflicts)?;
    Ok(wb.save_to_buffer()?)
}

fn summary_sheet(ws: &mut Worksheet, data: &ReportData, f: &Formats) -> Result<(), ReportError> {
    let h = &data.headline;
    let r = &data.run;
    let mut widths = Widths(vec![]);
    header(ws, &["Figure".into(), "Value".into()], f, &mut widths)?;
    let text_rows: [(&str, &str); 5] = [
        ("Run", &r.run_id),
        ("Started", &r.started),
        ("Data folder", &r.data_dir),
        ("rdmatch version", &r.rdmatch_version),
        ("Objective", &h.objective),
    ];
    let mut i = 1;
    for (k, v) in text_rows {
        ws.write_string(row(i), 0, k)?;
        ws.write_string(row(i), 1, fit(v))?;
        widths.see(0, k);
        widths.see(1, v);
        i += 1;
    }
    let numbers: [(&str, f64, bool); 10] = [
        ("Proposals", h.proposals as f64, false),
        ("Advisers", h.advisers as f64, false),
        ("Researchers", h.researchers as f64, false),
        ("Assigned pairs", h.assigned_pairs as f64, false),
        ("Total score", h.total_score, true),
        ("Weakest proposal total", h.weakest_proposal_total, true),
        ("Coverage ratio", h.coverage_ratio, true),
        ("Capacity ratio", h.capacity_ratio.unwrap_or(1.0), true),
        ("Conflicts excluded", h.conflicts_excluded as f64, false),
        ("Warnings", h.warnings as f64, false),
    ];
    for (k, v, is_score) in numbers {
        ws.write_string(row(i), 0, k)?;
        if is_score {
            ws.write_number_with_format(row(i), 1, v, &f.score)?;
        } else {
            ws.write_number(row(i), 1, v)?;
        }
        widths.see(0, k);
        i += 1;
    }
    let under = h.under_covered_areas.join("; ");
    ws.write_string(row(i), 0, "Under-covered areas")?;
    ws.write_string(
        row(i),
        1,
        fit(if under.is_empty() { "none" } else { &under }),
    )?;
    i += 1;
    if let Some(why) = &data.infeasibility {
        ws.write_string_with_format(row(i), 0, "No feasible assignment", &f.bold)?;
        ws.write_string_with_format(row(i), 1, fit(why), &f.wrap)?;
        i += 1;
    }
    if !data.coverage.is_empty() {
        i += 1;
        let cols = [
            "Area",
            "Area name",
            "Proposals",
            "Advisers",
            "Covered",
            "Coverage ratio",
            "Gap terms",
            "Shared capacity",
            "Exclusive capacity",
            "Usable capacity",
            "Demand",
            "Capacity ratio",
            "Under-covered",
        ];
        for (c, name) in cols.iter().enumerate() {
            ws.write_string_with_format(row(i), col(c), *name, &f.header)?;
            widths.see(col(c), name);
        }
        i += 1;
        for c in &data.coverage {
            ws.write_string(row(i), 0, &c.area_id)?;
            ws.write_string(row(i), 1, &c.area_name)?;
            ws.write_number(row(i), 2, c.proposals as f64)?;
            ws.write_number(row(i), 3, c.advisers as f64)?;
            ws.write_number(row(i), 4, c.covered_proposals as f64)?;
            ws.write_number_with_format(row(i), 5, c.coverage_ratio, &f.score)?;
            let gaps = c.gap_terms.join("; ");
            ws.write_string_with_format(row(i), 6, fit(&gaps), &f.wrap)?;
            widths.see(0, &c.area_id);
            widths.see(1, &c.area_name);
            widths.see(6, &gaps);
            ws.write_number(row(i), 7, c.shared_capacity as f64)?;
            ws.write_number(row(i), 8, c.exclusive_capacity as f64)?;
            ws.write_number(row(i), 9, c.usable_capacity as f64)?;
            ws.write_number(row(i), 10, c.demand as f64)?;
            if let Some(x) = c.capacity_ratio {
                ws.write_number_with_format(row(i), 11, x, &f.score)?;
            }
            ws.write_string(row(i), 12, if c.under_covered { "yes" } else { "no" })?;
            i += 1;
        }
    }
    widths.apply(ws)
}

/// The text of the row left free under each proposal for an added pair.
pub const ADD_HINT: &str = "(to add an adviser: its ID in Adviser, add in Decision)";

fn area_sheet(ws: &mut Worksheet, area: &AreaAssignment, f: &Formats) -> Result<(), ReportError> {
    // Component columns: names in order of first appearance (the caller uses
    // one fixed order, so this is that order).
    let mut components: Vec<&str> = vec![];
    for a in area.proposals.iter().flat_map(|p| &p.advisers) {
        for (name, _) in &a.components {
            if !components.contains(&name.as_str()) {
                components.push(name);
            }
        }
    }
    let mut cols: Vec<String> = [
        "Proposal",
        "Title",
        "Proposal total",
        "Adviser",
        "Adviser name",
        "Institution",
        "Score",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    cols.extend(components.iter().map(|c| c.to_string()));
    cols.push("Shared terms (reasons)".into());
    let terms_col = col(cols.len() - 1);
    // The PO's column, read back by `assign --edits` (src/assign/edits.rs).
    cols.push("Decision".into());
    let decision_col = col(cols.len() - 1);
    // Why a `keep` is there: the PO's own edit or the locks file.
    cols.push("Locked by".into());
    let lock_col = col(cols.len() - 1);
    let mut widths = Widths(vec![]);
    header(ws, &cols, f, &mut widths)?;

    let mut i = 1usize;
    for p in &area.proposals {
        let total = p.total();
        widths.see(0, &p.proposal_id);
        widths.see(1, &p.title);
        let write_proposal = |ws: &mut Worksheet, r: u32| -> Result<(), ReportError> {
            ws.write_string(r, 0, &p.proposal_id)?;
            ws.write_string(r, 1, fit(&p.title))?;
            ws.write_number_with_format(r, 2, total, &f.score)?;
            Ok(())
        };
        if p.advisers.is_empty() {
            write_proposal(ws, row(i))?;
            ws.write_string(row(i), 4, "(none assigned)")?;
            i += 1;
            continue;
        }
        for a in &p.advisers {
            let r = row(i);
            write_proposal(ws, r)?;
            ws.write_string(r, 3, &a.researcher_id)?;
            ws.write_string(r, 4, &a.name)?;
            ws.write_string(r, 5, &a.institution)?;
            ws.write_number_with_format(r, 6, a.score, &f.score)?;
            for (name, v) in &a.components {
                if let Some(k) = components.iter().position(|c| c == name) {
                    ws.write_number_with_format(r, col(7 + k), *v, &f.score)?;
                }
            }
            let terms = a.shared_terms.join("; ");
            ws.write_string(r, terms_col, fit(&terms))?;
            if a.locked {
                ws.write_string(r, decision_col, "keep")?;
                ws.write_string(r, lock_col, &a.lock_source)?;
                widths.see(lock_col, &a.lock_source);
            }
            widths.see(3, &a.researcher_id);
            widths.see(4, &a.name);
            widths.see(5, &a.institution);
            widths.see(terms_col, &terms);
            i += 1;
        }
        // Room for a pair the PO adds: the adviser's ID and `add`.
        write_proposal(ws, row(i))?;
        ws.write_string(row(i), 4, ADD_HINT)?;
        i += 1;
    }
    let decisions = DataValidation::new()
        .allow_list_strings(&["keep", "remove", "add"])?
        .ignore_blank(true);
    ws.add_data_validation(1, decision_col, row(i.max(2) - 1), decision_col, &decisions)?;
    ws.autofilter(0, 0, row(i.max(2) - 1), decision_col)?;
    widths.apply(ws)
}

fn loads_sheet(ws: &mut Worksheet, data: &ReportData, f: &Formats) -> Result<(), ReportError> {
    let cols: Vec<String> = ["researcher_id", "name", "assigned", "max_load"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut widths = Widths(vec![]);
    header(ws, &cols, f, &mut widths)?;
    for (k, l) in data.adviser_loads.iter().enumerate() {
        let r = row(k + 1);
        ws.write_string(r, 0, &l.researcher_id)?;
        ws.write_string(r, 1, &l.name)?;
        ws.write_number(r, 2, f64::from(l.assigned))?;
        ws.write_number(r, 3, f64::from(l.max_load))?;
        widths.see(0, &l.researcher_id);
        widths.see(1, &l.name);
    }
    ws.autofilter(0, 0, row(data.adviser_loads.len().max(1)), 3)?;
    widths.apply(ws)
}

/// One row per adviser and assigned proposal (an adviser without any has
/// one row with empty proposal cells).
fn adviser_view_sheet(
    ws: &mut Worksheet,
    data: &ReportData,
    f: &Formats,
) -> Result<(), ReportError> {
    let cols: Vec<String> = [
        "researcher_id",
        "name",
        "institution",
        "sector",
        "areas",
        "assigned",
        "max_load",
        "proposal_id",
        "proposal_area",
        "score",
        "title",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut widths = Widths(vec![]);
    header(ws, &cols, f, &mut widths)?;
    let mut i = 1usize;
    for l in &data.adviser_loads {
        let areas = l.areas.join("; ");
        let n = l.proposals.len().max(1);
        for k in 0..n {
            let r = row(i);
            ws.write_string(r, 0, &l.researcher_id)?;
            ws.write_string(r, 1, &l.name)?;
            ws.write_string(r, 2, &l.institution)?;
            ws.write_string(r, 3, &l.sector)?;
            ws.write_string(r, 4, fit(&areas))?;
            ws.write_number(r, 5, f64::from(l.assigned))?;
            ws.write_number(r, 6, f64::from(l.max_load))?;
            if let Some(p) = l.proposals.get(k) {
                ws.write_string(r, 7, &p.proposal_id)?;
                ws.write_string(r, 8, &p.area_id)?;
                ws.write_number_with_format(r, 9, p.score, &f.score)?;
                ws.write_string(r, 10, fit(&p.title))?;
                widths.see(7, &p.proposal_id);
                widths.see(10, &p.title);
            }
            widths.see(0, &l.researcher_id);
            widths.see(1, &l.name);
            widths.see(2, &l.institution);
            widths.see(4, &areas);
            i += 1;
        }
    }
    ws.autofilter(0, 0, row(i.max(2) - 1), 10)?;
    widths.apply(ws)
}

/// The portfolio tables: one row per scope, population and dimension, then
/// one per scope for teams; each with its reading.
fn portfolio_sheet(ws: &mut Worksheet, data: &ReportData, f: &Formats) -> Result<(), ReportError> {
    let cols: Vec<String> = [
        "scope",
        "population",
        "dimension",
        "people",
        "categories",
        "largest",
        "largest_share",
        "hhi",
        "effective_hhi",
        "entropy",
        "effective_entropy",
        "what it means",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut widths = Widths(vec![]);
    header(ws, &cols, f, &mut widths)?;
    let mut i = 1usize;
    for p in &data.portfolio {
        let scope = p.area_id.clone().unwrap_or_else(|| "overall".into());
        for (pop, dim, m, reading) in [
            (
                "applicants",
                "sector",
                &p.applicant_sectors,
                p.sector_reading.as_str(),
            ),
            ("advisers", "sector", &p.adviser_sectors, ""),
            (
                "applicants",
                "institution",
                &p.applicant_institutions,
                p.institution_reading.as_str(),
            ),
            ("advisers", "institution", &p.adviser_institutions, ""),
        ] {
            let r = row(i);
            ws.write_string(r, 0, &scope)?;
            ws.write_string(r, 1, pop)?;
            ws.write_string(r, 2, dim)?;
            ws.write_number(r, 3, m.total as f64)?;
            ws.write_number(r, 4, m.categories.len() as f64)?;
            if let Some((name, _, share)) = m.categories.first() {
                ws.write_string(r, 5, name)?;
                ws.write_number_with_format(r, 6, *share, &f.score)?;
                widths.see(5, name);
            }
            for (c, v) in [
                (7, m.hhi),
                (8, m.effective_hhi),
                (9, m.entropy),
                (10, m.effective_entropy),
            ] {
                if let Some(v) = v {
                    ws.write_number_with_format(r, c, v, &f.score)?;
                }
            }
            ws.write_string_with_format(r, 11, fit(reading), &f.wrap)?;
            widths.see(0, &scope);
            i += 1;
        }
    }
    i += 1;
    let team_cols = [
        "scope",
        "proposals",
        "multi_institution",
        "multi_institution_share",
        "multi_sector",
        "multi_sector_share",
        "academia_industry",
        "academia_industry_share",
        "what it means",
    ];
    for (c, name) in team_cols.iter().enumerate() {
        ws.write_string_with_format(row(i), col(c), *name, &f.header)?;
    }
    i += 1;
    for p in &data.portfolio {
        let t = &p.teams;
        let r = row(i);
        ws.write_string(r, 0, p.area_id.as_deref().unwrap_or("overall"))?;
        ws.write_number(r, 1, t.proposals as f64)?;
        for (c, n, share) in [
            (2, t.multi_institution, t.multi_institution_share),
            (4, t.multi_sector, t.multi_sector_share),
            (6, t.academia_industry, t.academia_industry_share),
        ] {
            ws.write_number(r, c, n as f64)?;
            if let Some(x) = share {
                ws.write_number_with_format(r, c + 1, x, &f.score)?;
            }
        }
        ws.write_string_with_format(r, 8, fit(&p.team_reading), &f.wrap)?;
        i += 1;
    }
    ws.set_column_width(11, MAX_WIDTH as f64)?;
    widths.apply(ws)
}

/// The definitions of report.html, one per row.
fn notes_sheet(ws: &mut Worksheet, data: &ReportData, f: &Formats) -> Result<(), ReportError> {
    let mut widths = Widths(vec![]);
    header(ws, &["Figure".into(), "Definition".into()], f, &mut widths)?;
    let mut i = 1usize;
    for d in super::definitions::ALL.iter() {
        ws.write_string_with_format(row(i), 0, d.term, &f.bold)?;
        ws.write_string_with_format(row(i), 1, d.text, &f.wrap)?;
        widths.see(0, d.term);
        i += 1;
    }
    ws.write_string(row(i), 0, "Expertise threshold")?;
    ws.write_number_with_format(row(i), 1, data.headline.expertise_threshold, &f.score)?;
    i += 1;
    for (k, w) in &data.score_weights {
        ws.write_string(row(i), 0, format!("weight_{k}"))?;
        ws.write_number_with_format(row(i), 1, *w, &f.score)?;
        i += 1;
    }
    widths.apply(ws)?;
    ws.set_column_width(1, 100)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::tests::sample;

    fn names(raws: &[&str]) -> Vec<String> {
        let mut taken = BTreeSet::new();
        raws.iter().map(|r| sheet_name(r, &mut taken)).collect()
    }

    #[test]
    fn an_overlong_generated_text_is_cut_with_a_mark() {
        let long = "x".repeat(40_000);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with("full text in report.md]"));
        assert_eq!(fit("short"), "short");
    }

    #[test]
    fn sheet_names_obey_excel_rules() {
        let got = names(&[
            "A/B: [x]*?\\",
            "'quoted'",
            "",
            "History",
            "Summary",
            "SUMMARY",
            "This area name is much longer than thirty-one characters",
            "This area name is much longer than thirty-one characters",
        ]);
        assert_eq!(got[0], "A_B_ _x____");
        assert_eq!(got[1], "quoted");
        assert_eq!(got[2], "Sheet");
        assert_eq!(got[3], "History (2)");
        assert_eq!(got[4], "Summary");
        assert_eq!(got[5], "SUMMARY (2)");
        assert_eq!(got[6], "This area name is much longer t");
        assert_eq!(got[7], "This area name is much long (2)");
        for n in &got {
            assert!(n.encode_utf16().count() <= 31, "{n}");
            assert!(rust_xlsxwriter::utility::check_sheet_name(n).is_ok(), "{n}");
        }
        let lower: BTreeSet<String> = got.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(
            lower.len(),
            got.len(),
            "names must be unique case-insensitively"
        );
    }

    proptest::proptest! {
        /// Any raw names give names Excel accepts, unique ignoring case.
        #[test]
        fn sanitised_names_are_valid_and_unique(raws in proptest::collection::vec("[ -~あ😀]{0,40}", 1..12)) {
            let mut taken = BTreeSet::new();
            let got: Vec<String> = raws.iter().map(|r| sheet_name(r, &mut taken)).collect();
            for n in &got {
                proptest::prop_assert!(rust_xlsxwriter::utility::check_sheet_name(n).is_ok(), "{:?}", n);
                proptest::prop_assert!(!n.eq_ignore_ascii_case("history"));
            }
            let lower: BTreeSet<String> = got.iter().map(|n| n.to_lowercase()).collect();
            proptest::prop_assert_eq!(lower.len(), got.len());
        }
    }

    #[test]
    fn sheet_name_counts_utf16_units() {
        // 20 CJK characters + emoji (2 UTF-16 units each).
        let raw = "免疫学と炎症の先端研究領域名称テスト用長い名前😀😀😀😀😀😀";
        let n = names(&[raw]).remove(0);
        assert!(n.encode_utf16().count() <= 31);
        assert!(rust_xlsxwriter::utility::check_sheet_name(&n).is_ok());
    }

    #[test]
    fn workbook_is_a_zip_and_deterministic() {
        let a = render(&sample()).unwrap();
        assert!(a.len() > 1000);
        assert_eq!(&a[..2], b"PK");
        // Creation time comes from RunInfo::started, so bytes repeat.
        assert_eq!(a, render(&sample()).unwrap());
    }

    /// Test-only reader: the files of a zip archive, inflated. Enough of
    /// APPNOTE.TXT (central directory) and RFC 1951 (inflate) to read back
    /// what rust_xlsxwriter writes, since the crate has no xlsx reader.
    mod unzip {
        use std::collections::BTreeMap;

        fn u16le(b: &[u8], i: usize) -> usize {
            usize::from(u16::from_le_bytes([b[i], b[i + 1]]))
        }
        fn u32le(b: &[u8], i: usize) -> usize {
            u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize
        }

        pub fn files(zip: &[u8]) -> BTreeMap<String, String> {
            let eocd = (0..zip.len() - 3)
                .rev()
                .find(|&i| zip[i..i + 4] == *b"PK\x05\x06")
                .unwrap();
            let (entries, mut p) = (u16le(zip, eocd + 10), u32le(zip, eocd + 16));
            let mut out = BTreeMap::new();
            for _ in 0..entries {
                assert_eq!(&zip[p..p + 4], b"PK\x01\x02");
                let (method, csize) = (u16le(zip, p + 10), u32le(zip, p + 20));
                let (nlen, xlen, clen) =
                    (u16le(zip, p + 28), u16le(zip, p + 30), u16le(zip, p + 32));
                let local = u32le(zip, p + 42);
                let name = String::from_utf8(zip[p + 46..p + 46 + nlen].to_vec()).unwrap();
                let data_at = local + 30 + u16le(zip, local + 26) + u16le(zip, local + 28);
                let raw = &zip[data_at..data_at + csize];
                let bytes = if method == 8 {
                    inflate(raw)
                } else {
                    raw.to_vec()
                };
                out.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                p += 46 + nlen + xlen + clen;
            }
            out
        }

        struct Bits<'a> {
            d: &'a [u8],
            pos: usize,
            buf: u64,
            cnt: u32,
        }
        impl Bits<'_> {
            fn get(&mut self, need: u32) -> usize {
                while self.cnt < need {
                    self.buf |= u64::from(self.d[self.pos]) << self.cnt;
                    self.pos += 1;
                    self.cnt += 8;
                }
                let v = self.buf & ((1u64 << need) - 1);
                self.buf >>= need;
                self.cnt -= need;
                v as usize
            }
        }
        struct Huff {
            count: [usize; 16],
            sym: Vec<usize>,
        }
        fn huff(lengths: &[usize]) -> Huff {
            let mut count = [0usize; 16];
            for &l in lengths {
                count[l] += 1;
            }
            count[0] = 0;
            let mut offs = [0usize; 16];
            for l in 1..15 {
                offs[l + 1] = offs[l] + count[l];
            }
            let mut sym = vec![0; lengths.len()];
            for (s, &l) in lengths.iter().enumerate() {
                if l != 0 {
                    sym[offs[l]] = s;
                    offs[l] += 1;
                }
            }
            Huff { count, sym }
        }
        fn decode(b: &mut Bits, h: &Huff) -> usize {
            let (mut code, mut first, mut index) = (0usize, 0usize, 0usize);
            for len in 1..16 {
                code |= b.get(1);
                let count = h.count[len];
                if code < first + count {
                    return h.sym[index + code - first];
                }
                index += count;
                first = (first + count) << 1;
                code <<= 1;
            }
            panic!("bad Huffman code");
        }
        const LBASE: [usize; 29] = [
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
            115, 131, 163, 195, 227, 258,
        ];
        const LEXT: [u32; 29] = [
            0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
        ];
        const DBASE: [usize; 30] = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
            1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
        ];
        const DEXT: [u32; 30] = [
            0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12,
            12, 13, 13,
        ];

        pub fn inflate(d: &[u8]) -> Vec<u8> {
            let mut b = Bits {
                d,
                pos: 0,
                buf: 0,
                cnt: 0,
            };
            let mut out: Vec<u8> = vec![];
            loop {
                let last = b.get(1);
                match b.get(2) {
                    0 => {
                        b.buf = 0;
                        b.cnt = 0;
                        let len = u16le(d, b.pos);
                        out.extend_from_slice(&d[b.pos + 4..b.pos + 4 + len]);
                        b.pos += 4 + len;
                    }
                    t => {
                        let (lit, dist) = if t == 1 {
                            let mut l = vec![8; 288];
                            l[144..256].fill(9);
                            l[256..280].fill(7);
                            (huff(&l), huff(&[5; 30]))
                        } else {
                            let (nlen, ndist, ncode) = (b.get(5) + 257, b.get(5) + 1, b.get(4) + 4);
                            const ORDER: [usize; 19] = [
                                16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
                            ];
                            let mut cl = [0usize; 19];
                            for &o in ORDER.iter().take(ncode) {
                                cl[o] = b.get(3);
                            }
                            let ch = huff(&cl);
                            let mut lens = vec![];
                            while lens.len() < nlen + ndist {
                                match decode(&mut b, &ch) {
                                    s @ 0..=15 => lens.push(s),
                                    16 => {
                                        let prev = *lens.last().unwrap();
                                        let n = 3 + b.get(2);
                                        lens.extend(std::iter::repeat_n(prev, n));
                                    }
                                    17 => {
                                        let n = 3 + b.get(3);
                                        lens.extend(std::iter::repeat_n(0, n));
                                    }
                                    _ => {
                                        let n = 11 + b.get(7);
                                        lens.extend(std::iter::repeat_n(0, n));
                                    }
                                }
                            }
                            (huff(&lens[..nlen]), huff(&lens[nlen..]))
                        };
                        loop {
                            let s = decode(&mut b, &lit);
                            if s < 256 {
                                out.push(s as u8);
                            } else if s == 256 {
                                break;
                            } else {
                                let len = LBASE[s - 257] + b.get(LEXT[s - 257]);
                                let ds = decode(&mut b, &dist);
                                let back = DBASE[ds] + b.get(DEXT[ds]);
                                let start = out.len() - back;
                                for k in 0..len {
                                    out.push(out[start + k]);
                                }
                            }
                        }
                    }
                }
                if last == 1 {
                    return out;
                }
            }
        }
    }

    #[test]
    fn read_back_sheets_cells_and_no_formulas() {
        let files = unzip::files(&render(&sample()).unwrap());
        let wb = &files["xl/workbook.xml"];
        let names: Vec<&str> = wb
            .split("<sheet name=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "Summary",
                "A-IMM Immunology &amp; inflammation",
                "A-REG Regenerative medicine",
                "Adviser loads",
                "Adviser view",
                "Portfolio",
                "Notes",
                "Conflicts"
            ]
        );
        let strings = &files["xl/sharedStrings.xml"];
        // Formula-like text is kept as text in the shared-string table…
        assert!(strings.contains("<t>=cmd|' /C calc'!A0</t>"), "{strings}");
        assert!(strings.contains("<t>Organoid vascularisation =1+1</t>"));
        assert!(strings.contains("<t>t-cell; exhaustion; pd-1</t>"));
        // …and no sheet holds a formula.
        let sheets: Vec<&String> = files
            .iter()
            .filter(|(k, _)| k.starts_with("xl/worksheets/sheet"))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(
            sheets.len(),
            8,
            "summary, two areas, loads, adviser view, portfolio, notes, conflicts"
        );
        for s in &sheets {
            assert!(!s.contains("<f>"), "formula found");
        }
        // Area sheet: frozen header, autofilter over the data, score format.
        let area = &files["xl/worksheets/sheet2.xml"];
        assert!(area.contains("ySplit=\"1\""), "{area}");
        // Six pairs and a free row under each of the three proposals; the
        // Decision column (L) offers keep, remove, add.
        assert!(area.contains("<autoFilter ref=\"A1:L9\"/>"), "{area}");
        assert!(
            area.contains("sqref=\"L2:L9\"><formula1>\"keep,remove,add\"</formula1>"),
            "{area}"
        );
        assert!(area.contains("<v>0.82</v>"));
        let loads = &files["xl/worksheets/sheet4.xml"];
        assert!(loads.contains("<autoFilter ref=\"A1:D7\"/>"), "{loads}");
    }

    #[test]
    fn empty_data_still_builds() {
        let bytes = render(&ReportData::default()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
