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
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet,
};

use super::data::{AreaAssignment, ReportData};
use super::ReportError;

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

    summary_sheet(wb.add_worksheet().set_name(&summary_name)?, data, &f)?;
    for area in &data.areas {
        let name = sheet_name(&format!("{} {}", area.area_id, area.area_name), &mut taken);
        area_sheet(wb.add_worksheet().set_name(&name)?, area, &f)?;
    }
    loads_sheet(wb.add_worksheet().set_name(&loads_name)?, data, &f)?;
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
        ws.write_string(row(i), 1, v)?;
        widths.see(0, k);
        widths.see(1, v);
        i += 1;
    }
    let numbers: [(&str, f64, bool); 9] = [
        ("Proposals", h.proposals as f64, false),
        ("Advisers", h.advisers as f64, false),
        ("Researchers", h.researchers as f64, false),
        ("Assigned pairs", h.assigned_pairs as f64, false),
        ("Total score", h.total_score, true),
        ("Weakest proposal total", h.weakest_proposal_total, true),
        ("Coverage ratio", h.coverage_ratio, true),
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
    if let Some(why) = &data.infeasibility {
        ws.write_string_with_format(row(i), 0, "No feasible assignment", &f.bold)?;
        ws.write_string_with_format(row(i), 1, why, &f.wrap)?;
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
            ws.write_string_with_format(row(i), 6, &gaps, &f.wrap)?;
            widths.see(0, &c.area_id);
            widths.see(1, &c.area_name);
            widths.see(6, &gaps);
            i += 1;
        }
    }
    widths.apply(ws)
}

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
    let mut widths = Widths(vec![]);
    header(ws, &cols, f, &mut widths)?;

    let mut i = 1usize;
    for p in &area.proposals {
        let total = p.total();
        widths.see(0, &p.proposal_id);
        widths.see(1, &p.title);
        let write_proposal = |ws: &mut Worksheet, r: u32| -> Result<(), ReportError> {
            ws.write_string(r, 0, &p.proposal_id)?;
            ws.write_string(r, 1, &p.title)?;
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
            ws.write_string(r, terms_col, &terms)?;
            widths.see(3, &a.researcher_id);
            widths.see(4, &a.name);
            widths.see(5, &a.institution);
            widths.see(terms_col, &terms);
            i += 1;
        }
    }
    ws.autofilter(0, 0, row(i.max(2) - 1), terms_col)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::tests::sample;

    fn names(raws: &[&str]) -> Vec<String> {
        let mut taken = BTreeSet::new();
        raws.iter().map(|r| sheet_name(r, &mut taken)).collect()
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

    #[test]
    fn empty_data_still_builds() {
        let bytes = render(&ReportData::default()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
