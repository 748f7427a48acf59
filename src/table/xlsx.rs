//! `.xlsx` tables: the first worksheet, read with calamine (pure Rust, the
//! common choice for reading Excel in Rust; no Office, no system library).
//!
//! Cells are turned into text as Excel stores them, not as a float printer
//! would: a year stored as 2021.0 is "2021", an ID stored as the number 1001
//! is "1001", a text cell that looks like a number stays that text. Every
//! row keeps its worksheet row, so a problem can name the cell (`C17`).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::decode::Encoding;
use super::read::{Builder, Format, Position, RawTable, ReadOptions, RejectedRow, TableError};

/// Reads the first worksheet of a workbook.
pub fn read(bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, TableError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| TableError {
        line: None,
        message: format!("is not a readable .xlsx workbook ({}); save it again from Excel as \"Excel Workbook (.xlsx)\", or as CSV UTF-8", xlsx_reason(&e)),
    })?;
    let Some(sheet) = wb.sheet_names().first().cloned() else {
        return Err(TableError {
            line: None,
            message: "has no worksheet".into(),
        });
    };
    read_sheet(&mut wb, sheet, opts)
}

/// Reads every worksheet of a workbook, in workbook order (an edited
/// assignment.xlsx has one sheet per R&D area).
pub fn read_all_sheets(bytes: &[u8], opts: &ReadOptions) -> Result<Vec<RawTable>, TableError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| TableError {
        line: None,
        message: format!("is not a readable .xlsx workbook ({}); save it again from Excel as \"Excel Workbook (.xlsx)\", or as CSV UTF-8", xlsx_reason(&e)),
    })?;
    let names = wb.sheet_names().to_vec();
    names
        .into_iter()
        .map(|sheet| read_sheet(&mut wb, sheet, opts))
        .collect()
}

fn read_sheet(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    sheet: String,
    opts: &ReadOptions,
) -> Result<RawTable, TableError> {
    let range = wb.worksheet_range(&sheet).map_err(|e| TableError {
        line: None,
        message: format!("worksheet '{sheet}' cannot be read: {}", xlsx_reason(&e)),
    })?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut table = Builder::new(Format {
        encoding: Encoding::Xlsx,
        delimiter: None,
        sheet: Some(sheet),
    });
    let mut have_header = !opts.header;
    for (i, row) in range.rows().enumerate() {
        let excel_row = u32::try_from(i)
            .ok()
            .and_then(|i| i.checked_add(first_row))
            .and_then(|r| r.checked_add(1))
            .unwrap_or(u32::MAX);
        let mut cells: Vec<String> = row.iter().map(cell_text).collect();
        if !have_header {
            // Trailing empty header cells are the used range, not columns.
            while cells.last().is_some_and(|c| c.trim().is_empty()) {
                cells.pop();
            }
            table.header(cells.iter().map(|c| c.trim().to_string()).collect());
            have_header = true;
            continue;
        }
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let position = Position::Cell {
            row: excel_row,
            first_col,
        };
        let width = match table.width() {
            0 => cells.len(),
            w => w,
        };
        if cells.len() > width {
            if cells[width..].iter().any(|c| !c.trim().is_empty()) {
                table.table.rejected.push(RejectedRow {
                    position,
                    message: format!(
                        "row has values beyond the {width} columns of the header; the row is rejected. Give every column a header or clear the extra cells"
                    ),
                });
                continue;
            }
            cells.truncate(width);
        }
        cells.resize(width, String::new());
        table.push_row(cells.iter().map(String::as_str), position);
    }
    Ok(table.finish())
}

/// What is wrong with a workbook, in a person's words rather than the
/// parser's internals.
fn xlsx_reason(e: &calamine::XlsxError) -> &'static str {
    match e {
        calamine::XlsxError::Io(_) => "it cannot be read",
        calamine::XlsxError::Zip(_) => "it is not a zip archive, as every .xlsx is; it may be an old .xls, a CSV renamed to .xlsx, or cut short",
        calamine::XlsxError::Password => "it is protected by a password",
        _ => "its contents are damaged or not a worksheet",
    }
}

/// A cell as the text a person typed.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(dt) => {
            // A date typed in a year column is still most likely a year.
            dt.as_datetime()
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| float_text(dt.as_f64()))
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Integral floats without a fraction (2021.0 → "2021"); others in the
/// shortest form that reads back to the same number.
pub fn float_text(f: f64) -> String {
    if f == 0.0 {
        // Also -0.0, which `{:.0}` would print as "-0".
        "0".into()
    } else if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        // Exact: |f| < 2^53 and integral.
        format!("{f:.0}")
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(float_text(2021.0), "2021");
        assert_eq!(float_text(1001.0), "1001");
        assert_eq!(float_text(-0.0), "0");
        assert_eq!(float_text(0.25), "0.25");
        assert_eq!(float_text(1.0000000000000004), "1.0000000000000004");
        assert_eq!(cell_text(&Data::String("007".into())), "007");
        assert_eq!(cell_text(&Data::Int(42)), "42");
    }
}
