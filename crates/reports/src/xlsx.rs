//! XLSX: every table of a document on a sheet of its own, numbers as numbers.
//!
//! Number formats carry the Vietnamese locale (`[$-42A]#,##0`, `[$-42A]0.0%`,
//! `[$-42A]dd/mm/yyyy`): LibreOffice then shows 1260 as `1.260` and 0.636 as `63,6%` whatever
//! the reader's settings, and Excel with the separators of the reader's regional settings
//! (Vietnamese ones give the same). The value in the cell is the store's value (a percentage
//! as its fraction), never text.

use crate::ReportError;
use crate::model::{Align, Document, NumFormat, Row, Table, TableCell};
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

const FONT: &str = "Times New Roman";
/// Height in points of a line of 12 pt text.
const LINE_HEIGHT: f64 = 15.0;

fn err(e: XlsxError) -> ReportError {
    ReportError::Render {
        format: "XLSX",
        message: e.to_string(),
    }
}

/// A number format shown the Vietnamese way (locale 0x042A: `1.260`, `63,6`) whatever the
/// reader's settings in LibreOffice, and with the reader's separators in Excel.
pub(crate) fn vietnamese(code: &str) -> String {
    format!("[$-42A]{code}")
}

fn num_format(f: NumFormat) -> String {
    match f {
        NumFormat::Integer | NumFormat::Money => vietnamese("#,##0"),
        NumFormat::Percent => vietnamese("0.0%"),
        NumFormat::Decimal1 => vietnamese("#,##0.0"),
        NumFormat::Decimal2 => vietnamese("#,##0.00"),
        NumFormat::Date => vietnamese("dd/mm/yyyy"),
        NumFormat::Year => "0".into(),
    }
}

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(12)
}

fn cell_format(align: Align, cell: &TableCell) -> Format {
    let mut f = base()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    f = match (align, cell.number.is_some()) {
        (_, true) => f.set_align(FormatAlign::Right),
        (Align::Center, _) => f.set_align(FormatAlign::Center),
        (Align::Right, _) => f.set_align(FormatAlign::Right),
        _ => f.set_align(FormatAlign::Left),
    };
    if let Some((_, nf)) = cell.number {
        f = f.set_num_format(num_format(nf));
    }
    if cell.bold {
        f = f.set_bold();
    }
    f
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(28).collect();
    let mut name = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{clean} {n}");
        n += 1;
    }
    name
}

/// Width in characters of the longest line of a text.
fn text_width(s: &str) -> f64 {
    s.lines().map(|l| l.chars().count()).max().unwrap_or(0) as f64
}

fn write_table(ws: &mut Worksheet, table: &Table, draft: bool) -> Result<(), XlsxError> {
    ws.set_paper_size(9); // A4
    let last_col = (table.columns.len().max(1) - 1) as u16;
    let mut row: u32 = 0;
    let title = base()
        .set_bold()
        .set_font_size(13)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    ws.merge_range(row, 0, row, last_col, &table.title, &title)?;
    ws.set_row_height(row, 36)?;
    row += 1;
    if draft {
        let mark = base().set_bold().set_align(FormatAlign::Center);
        ws.merge_range(row, 0, row, last_col, "DỰ THẢO — số liệu chưa được phê duyệt", &mark)?;
        row += 1;
    }
    let header = base()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    for (c, column) in table.columns.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, &column.header, &header)?;
    }
    let header_row = row;
    row += 1;
    ws.set_freeze_panes(row, 0)?;
    ws.set_repeat_rows(header_row, header_row)?;
    // Column widths that fit: the longest header word or value, within bounds; long texts
    // wrap, and each row is made as tall as its longest wrapped cell.
    let mut widths: Vec<f64> = table
        .columns
        .iter()
        .map(|c| {
            c.header
                .split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(4) as f64
                + 2.0
        })
        .collect();
    for r in &table.rows {
        if let Row::Cells(cells) = r {
            for (c, cell) in cells.iter().enumerate().take(widths.len()) {
                widths[c] = widths[c].max(text_width(&cell.text) + 2.0);
            }
        }
    }
    let widths: Vec<f64> = widths.iter().map(|w| w.clamp(6.0, 45.0)).collect();
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let lines_in = |text: &str, width: f64| -> f64 {
        text.lines()
            .map(|l| (l.chars().count() as f64 / (width - 1.0).max(1.0)).ceil().max(1.0))
            .sum::<f64>()
            .max(1.0)
    };
    let header_lines = table
        .columns
        .iter()
        .zip(&widths)
        .map(|(c, w)| lines_in(&c.header, *w))
        .fold(1.0, f64::max);
    ws.set_row_height(header_row, header_lines * LINE_HEIGHT + 3.0)?;
    let group = base()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Left)
        .set_text_wrap();
    for r in &table.rows {
        match r {
            Row::Group(text) => {
                ws.merge_range(row, 0, row, last_col, text, &group)?;
                let total: f64 = widths.iter().sum();
                ws.set_row_height(row, lines_in(text, total) * LINE_HEIGHT + 3.0)?;
            }
            Row::Cells(cells) => {
                let mut lines: f64 = 1.0;
                for (c, (cell, column)) in cells.iter().zip(&table.columns).enumerate() {
                    let f = cell_format(column.align, cell);
                    match cell.number {
                        Some((v, _)) => {
                            ws.write_number_with_format(row, c as u16, v, &f)?;
                        }
                        None if cell.text.is_empty() => {
                            ws.write_blank(row, c as u16, &f)?;
                        }
                        None => {
                            ws.write_string_with_format(row, c as u16, &cell.text, &f)?;
                            lines = lines.max(lines_in(&cell.text, widths[c]));
                        }
                    }
                }
                ws.set_row_height(row, lines * LINE_HEIGHT + 3.0)?;
            }
        }
        row += 1;
    }
    if table.rows.is_empty() {
        ws.merge_range(row, 0, row, last_col, &table.empty_text, &base().set_italic())?;
    }
    if table.columns.len() > 6 {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

pub fn render(doc: &Document) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(&doc.title).set_author("binhdang"));
    let mut taken = Vec::new();
    for table in doc.tables() {
        let name = sheet_name(&table.sheet, &taken);
        let ws = wb.add_worksheet();
        ws.set_name(&name).map_err(err)?;
        write_table(ws, table, doc.draft).map_err(err)?;
        taken.push(name);
    }
    if taken.is_empty() {
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, &doc.title).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}
