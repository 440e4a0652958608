//! Spreadsheet templates for entering a unit's figures offline, and reading them back.
//!
//! A template is an XLSX workbook for one unit and period: the sheet [`ENTRY_SHEET`] with a
//! row per data element × breakdown of the entry form, a sheet per register with the
//! register's fields as columns, and [`LISTS_SHEET`] with the codes the list columns take.
//! Every sheet opens with the same heading block — the unit's code and name, the period,
//! the reporting programme — which the upload reads back, so that a file filled for one
//! unit cannot be stored for another. Row 7 of every sheet holds the machine names of its
//! columns (element codes, field names); the reader finds columns by them, and data starts
//! on row 8.
//!
//! Reading never trusts the file: anything that is not an XLSX workbook, a workbook that
//! would unpack to more than [`MAX_UNPACKED_BYTES`], or a sheet longer than [`MAX_ROWS`]
//! is refused with a sentence saying so; every cell that cannot be read is reported with
//! its sheet and cell reference (`Sổ hoạt động!E7`). This module knows the layout and the
//! Vietnamese ways of writing numbers and dates; the checks of the values and rows
//! themselves are the store's.

use crate::ReportError;
use crate::xlsx::vietnamese;
use binhdang_domain::register::{
    ChoiceList, FieldKind, Lists, RawField, RawRecord, RegisterKind, field_kind, field_label, field_required,
};
use binhdang_domain::{DataElement, Disaggregation, ValueType, vn};
use binhdang_domain::{IndicatorCode, UnitCode};
use binhdang_store::{FieldProblem, RawValue, ValueInput};
use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DataValidation, DocProperties, Format, FormatAlign, FormatBorder, Formula, ProtectionOptions, Workbook, Worksheet,
    XlsxError,
    utility::{column_number_to_name, row_col_to_cell},
};
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read, Seek};

/// The sheet of data values.
pub const ENTRY_SHEET: &str = "Số liệu";
/// The sheet listing the codes of the list columns.
pub const LISTS_SHEET: &str = "Danh mục";
/// A workbook may unpack to at most this many bytes (a zip bomb is refused unread).
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// Data rows read per sheet.
pub const MAX_ROWS: u32 = 5_000;
/// Rows of a register sheet prepared with formats and list validation.
const PREPARED_ROWS: u32 = 500;

/// Rows (0-based) of the heading block and the column rows.
const UNIT_ROW: u32 = 1;
const PERIOD_ROW: u32 = 2;
const PROGRAMME_ROW: u32 = 3;
const LABEL_ROW: u32 = 5;
const CODE_ROW: u32 = 6;
const FIRST_DATA_ROW: u32 = 7;

/// Machine names of the entry sheet's columns, in order.
const ENTRY_COLUMNS: [&str; 10] = [
    "indicator",
    "indicator_name",
    "element",
    "part",
    "disaggregation",
    "breakdown",
    "value",
    "unit_hint",
    "stored",
    "comment",
];

/// What a template is for.
#[derive(Debug, Clone)]
pub struct Heading {
    pub unit_code: UnitCode,
    pub unit_name: String,
    /// The period's identifier (`2024`, `2025H1`).
    pub period: String,
    pub period_label: String,
    /// Code and name of the reporting programme, if the period has one.
    pub programme: Option<(String, String)>,
}

/// One data element × breakdown of the entry form.
#[derive(Debug, Clone)]
pub struct EntryLine {
    pub indicator: IndicatorCode,
    pub indicator_name: String,
    pub element: DataElement,
    /// `Tử số`, `Mẫu số`, …
    pub part: String,
    pub disaggregation: Disaggregation,
    /// The stored value, as canonical text (a number) or the text itself.
    pub stored: Option<String>,
    pub comment: Option<String>,
}

/// A whole template.
#[derive(Debug, Clone)]
pub struct Template {
    pub heading: Heading,
    /// Empty, with registers: no entry sheet (a template of registers only).
    pub lines: Vec<EntryLine>,
    pub registers: Vec<RegisterKind>,
    pub lists: Lists,
}

/// The name of a register's sheet (at most 31 characters, as Excel requires).
pub fn register_sheet(kind: RegisterKind) -> &'static str {
    match kind {
        RegisterKind::Activities => "Sổ hoạt động",
        RegisterKind::Budgets => "Sổ kinh phí",
        RegisterKind::Documents => "Sổ văn bản",
        RegisterKind::CommitteeMembers => "Sổ Ban VSTBPN",
        RegisterKind::Staff => "Sổ cán bộ",
        RegisterKind::GbvCases => "Sổ vụ bạo lực",
        RegisterKind::Inspections => "Sổ kiểm tra",
    }
}

fn err(e: XlsxError) -> ReportError {
    ReportError::Render {
        format: "XLSX",
        message: e.to_string(),
    }
}

fn base() -> Format {
    Format::new().set_font_name("Times New Roman").set_font_size(12)
}

fn hint(t: ValueType) -> &'static str {
    match t {
        ValueType::Count => "Số nguyên, không âm (người, đơn vị…)",
        ValueType::Hours => "Số giờ, có thể có phần thập phân (2,5)",
        ValueType::Money => "Đồng, số nguyên",
        ValueType::YesNo => "1 = có, 0 = không",
        ValueType::Rate => "Tỷ lệ đã báo cáo, ví dụ 63,6",
        ValueType::Text => "Văn bản",
    }
}

fn number_format(t: ValueType) -> String {
    match t {
        ValueType::Count | ValueType::Money => vietnamese("#,##0"),
        ValueType::YesNo => "0".into(),
        ValueType::Hours | ValueType::Rate => vietnamese("#,##0.0##"),
        ValueType::Text => "@".into(),
    }
}

fn d_label(d: Disaggregation) -> &'static str {
    d.label(false)
}

/// Writes the heading block every sheet starts with.
fn write_heading(ws: &mut Worksheet, title: &str, h: &Heading, last_col: u16) -> Result<(), XlsxError> {
    let bold = base().set_bold();
    let title_format = base().set_bold().set_font_size(14).set_align(FormatAlign::Left);
    ws.merge_range(0, 0, 0, last_col.max(2), title, &title_format)?;
    ws.write_string_with_format(UNIT_ROW, 0, "Đơn vị (Unit)", &bold)?;
    ws.write_string_with_format(UNIT_ROW, 1, &h.unit_code, &bold)?;
    ws.write_string_with_format(UNIT_ROW, 2, &h.unit_name, &base())?;
    ws.write_string_with_format(PERIOD_ROW, 0, "Kỳ báo cáo (Period)", &bold)?;
    ws.write_string_with_format(PERIOD_ROW, 1, &h.period, &bold)?;
    ws.write_string_with_format(PERIOD_ROW, 2, &h.period_label, &base())?;
    ws.write_string_with_format(PROGRAMME_ROW, 0, "Chế độ báo cáo (Programme)", &bold)?;
    if let Some((code, name)) = &h.programme {
        ws.write_string_with_format(PROGRAMME_ROW, 1, code, &bold)?;
        ws.write_string_with_format(PROGRAMME_ROW, 2, name, &base())?;
    }
    Ok(())
}

fn write_column_rows(ws: &mut Worksheet, labels: &[String], codes: &[&str]) -> Result<(), XlsxError> {
    let header = base()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#E8EEF4");
    let code = base()
        .set_font_size(9)
        .set_font_color("#555555")
        .set_border(FormatBorder::Thin);
    for (c, (label, name)) in labels.iter().zip(codes).enumerate() {
        ws.write_string_with_format(LABEL_ROW, c as u16, label, &header)?;
        ws.write_string_with_format(CODE_ROW, c as u16, *name, &code)?;
    }
    ws.set_row_height(LABEL_ROW, 48)?;
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    Ok(())
}

/// Locks the layout; the cells written with an unlocked format stay editable.
fn protect(ws: &mut Worksheet) {
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&options);
}

fn write_entry_sheet(ws: &mut Worksheet, t: &Template) -> Result<(), XlsxError> {
    ws.set_name(ENTRY_SHEET)?;
    write_heading(ws, "BIỂU NHẬP SỐ LIỆU CHỈ TIÊU BÌNH ĐẲNG GIỚI", &t.heading, 9)?;
    ws.merge_range(
        4,
        0,
        4,
        9,
        "Nhập số vào cột \"Giá trị\" (1.260; 63,6). Ô để trống giữ nguyên số đã lưu. \
         Enter figures in the \"Giá trị\" (value) column; a blank cell leaves the stored value as it is.",
        &base().set_italic().set_text_wrap(),
    )?;
    ws.set_row_height(4, 36)?;
    let labels = [
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Mã dữ liệu",
        "Thành phần",
        "Mã phân tổ",
        "Phân tổ",
        "Giá trị (nhập)",
        "Cách nhập",
        "Giá trị đã lưu",
        "Ghi chú, giải trình",
    ]
    .map(String::from);
    write_column_rows(ws, &labels, &ENTRY_COLUMNS)?;
    // Column A also holds the heading's labels.
    for (c, w) in [22.0, 48.0, 12.0, 12.0, 10.0, 9.0, 16.0, 30.0, 16.0, 36.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    let fixed = base()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let small = fixed.clone().set_font_size(10).set_font_color("#444444");
    for (i, line) in t.lines.iter().enumerate() {
        let row = FIRST_DATA_ROW + i as u32;
        let t = line.element.value_type;
        ws.write_string_with_format(row, 0, &line.indicator, &fixed)?;
        ws.write_string_with_format(row, 1, &line.indicator_name, &fixed)?;
        // Tall enough for the wrapped name (LibreOffice does not fit rows on opening).
        let lines = (line.indicator_name.chars().count() as f64 / 58.0).ceil().max(1.0);
        ws.set_row_height(row, lines * 15.0 + 3.0)?;
        ws.write_string_with_format(row, 2, &line.element.code, &fixed)?;
        ws.write_string_with_format(row, 3, &line.part, &fixed)?;
        ws.write_string_with_format(row, 4, line.disaggregation.as_str(), &small)?;
        ws.write_string_with_format(row, 5, d_label(line.disaggregation), &fixed)?;
        let input = base()
            .set_border(FormatBorder::Thin)
            .set_background_color("#FFFBE6")
            .set_num_format(number_format(t))
            .set_unlocked();
        ws.write_blank(row, 6, &input)?;
        ws.write_string_with_format(row, 7, hint(t), &small)?;
        let stored_format = fixed.clone().set_num_format(number_format(t));
        match line.stored.as_deref() {
            Some(v) if t != ValueType::Text => match v.parse::<f64>() {
                Ok(n) => ws.write_number_with_format(row, 8, n, &stored_format)?,
                Err(_) => ws.write_string_with_format(row, 8, v, &stored_format)?,
            },
            Some(v) => ws.write_string_with_format(row, 8, v, &fixed)?,
            None => ws.write_blank(row, 8, &fixed)?,
        };
        let comment = base()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_unlocked();
        match &line.comment {
            Some(c) => ws.write_string_with_format(row, 9, c, &comment)?,
            None => ws.write_blank(row, 9, &comment)?,
        };
    }
    protect(ws);
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The column of `Danh mục` a list is written to, and its range for data validation.
fn list_column(list: ChoiceList) -> u16 {
    let index = match list {
        ChoiceList::ActivityTypes => 0,
        ChoiceList::DocumentTypes => 1,
        ChoiceList::GbvCaseTypes => 2,
        ChoiceList::BudgetSources => 3,
        ChoiceList::Sexes => 4,
        ChoiceList::Levels => 5,
    };
    index * 3
}

const ALL_LISTS: [(ChoiceList, &str); 6] = [
    (ChoiceList::ActivityTypes, "Loại hoạt động"),
    (ChoiceList::DocumentTypes, "Loại văn bản"),
    (ChoiceList::GbvCaseTypes, "Loại vụ việc"),
    (ChoiceList::BudgetSources, "Nguồn kinh phí"),
    (ChoiceList::Sexes, "Giới tính"),
    (ChoiceList::Levels, "Cấp thực hiện"),
];

fn write_lists_sheet(ws: &mut Worksheet, lists: &Lists) -> Result<(), XlsxError> {
    ws.set_name(LISTS_SHEET)?;
    let bold = base().set_bold();
    for (list, name) in ALL_LISTS {
        let col = list_column(list);
        ws.write_string_with_format(0, col, name, &bold)?;
        ws.write_string_with_format(1, col, "Mã (nhập)", &bold)?;
        ws.write_string_with_format(1, col + 1, "Tên", &bold)?;
        for (i, term) in list.options(lists).iter().enumerate() {
            ws.write_string(2 + i as u32, col, &term.code)?;
            ws.write_string(2 + i as u32, col + 1, &term.name_vi)?;
        }
        ws.set_column_width(col, 22)?;
        ws.set_column_width(col + 1, 34)?;
    }
    ws.protect();
    Ok(())
}

fn write_register_sheet(ws: &mut Worksheet, kind: RegisterKind, t: &Template) -> Result<(), XlsxError> {
    ws.set_name(register_sheet(kind))?;
    let fields = kind.fields();
    let last = (fields.len() - 1) as u16;
    write_heading(ws, &kind.name_vi().to_uppercase(), &t.heading, last)?;
    ws.merge_range(
        4,
        0,
        4,
        last.max(2),
        "Mỗi dòng là một dòng mới của sổ; (*) là bắt buộc; mã danh mục xem ở trang \"Danh mục\". \
         Each row is added as a new row; (*) is required; list codes are on the \"Danh mục\" sheet.",
        &base().set_italic().set_text_wrap(),
    )?;
    ws.set_row_height(4, 36)?;
    let labels: Vec<String> = fields
        .iter()
        .map(|f| {
            let (vi, _) = field_label(f);
            let star = if field_required(f) { " (*)" } else { "" };
            let how = match field_kind(f) {
                FieldKind::Date => " (dd/mm/yyyy)",
                FieldKind::Money => " (đồng)",
                FieldKind::Term => " (2021-2026)",
                FieldKind::Choice(_) => " (mã)",
                _ => "",
            };
            format!("{vi}{star}{how}")
        })
        .collect();
    write_column_rows(ws, &labels, fields)?;
    for (c, f) in fields.iter().enumerate() {
        let c = c as u16;
        let kind = field_kind(f);
        let format = base().set_border(FormatBorder::Thin).set_unlocked();
        let (format, width) = match kind {
            FieldKind::Count | FieldKind::Money => (format.set_num_format(vietnamese("#,##0")), 16.0),
            FieldKind::Date => (format.set_num_format(vietnamese("dd/mm/yyyy")), 13.0),
            FieldKind::LongText => (format.set_text_wrap().set_num_format("@"), 36.0),
            FieldKind::Choice(_) => (format.set_num_format("@"), 20.0),
            FieldKind::Text | FieldKind::Term => (format.set_num_format("@"), 20.0),
        };
        ws.set_column_width(c, width)?;
        for row in FIRST_DATA_ROW..FIRST_DATA_ROW + PREPARED_ROWS {
            ws.write_blank(row, c, &format)?;
        }
        if let FieldKind::Choice(list) = kind {
            let n = list.options(&t.lists).len().max(1) as u32;
            let letter = column_number_to_name(list_column(list));
            let range = format!("='{LISTS_SHEET}'!${letter}$3:${letter}${}", 2 + n);
            let validation = DataValidation::new()
                .allow_list_formula(Formula::new(range))
                .set_error_title("Mã không có trong danh mục")?
                .set_error_message("Chọn một mã trong danh sách (trang \"Danh mục\").")?;
            ws.add_data_validation(FIRST_DATA_ROW, c, FIRST_DATA_ROW + PREPARED_ROWS - 1, c, &validation)?;
        }
    }
    protect(ws);
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The template as an XLSX file.
pub fn write_template(t: &Template) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let title = format!("Biểu nhập số liệu {} {}", t.heading.unit_code, t.heading.period);
    wb.set_properties(&DocProperties::new().set_title(&title).set_author("binhdang"));
    // The entry sheet, also when it has no lines but is the only sheet asked for.
    if !t.lines.is_empty() || t.registers.is_empty() {
        write_entry_sheet(wb.add_worksheet(), t).map_err(err)?;
    }
    for kind in &t.registers {
        write_register_sheet(wb.add_worksheet(), *kind, t).map_err(err)?;
    }
    if !t.registers.is_empty() {
        write_lists_sheet(wb.add_worksheet(), &t.lists).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}

// --- Reading ------------------------------------------------------------------------------

/// A cell of the uploaded file, for messages: `Số liệu!G12`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    pub sheet: String,
    pub row: u32,
    pub col: u16,
}

impl std::fmt::Display for CellRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}!{}", self.sheet, row_col_to_cell(self.row, self.col))
    }
}

/// A problem at a cell; the messages start with the cell reference.
pub fn cell_problem(at: &CellRef, code: &str, en: &str, vi: &str) -> FieldProblem {
    FieldProblem::new(at.to_string(), code, format!("{at}: {en}"), format!("{at}: {vi}"))
}

/// The unit and period a sheet says it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetHeading {
    pub sheet: String,
    /// As the sheet says it: checked against the unit it is uploaded for, not parsed here.
    pub unit_code: String,
    pub period: String,
}

/// A value read from the entry sheet, with where it came from.
#[derive(Debug, Clone)]
pub struct ReadValue {
    pub input: ValueInput,
    /// The value cell; the element's cell for problems with the element.
    pub value_at: CellRef,
    pub element_at: CellRef,
}

/// A register row read from its sheet.
#[derive(Debug, Clone)]
pub struct ReadRow {
    pub kind: RegisterKind,
    pub raw: RawRecord,
    pub sheet: String,
    pub row: u32,
    /// Column of each field.
    pub columns: BTreeMap<String, u16>,
}

impl ReadRow {
    /// The cell of a field, or the row's first cell for problems of the whole row.
    pub fn cell(&self, field: &str) -> CellRef {
        CellRef {
            sheet: self.sheet.clone(),
            row: self.row,
            col: self.columns.get(field).copied().unwrap_or(0),
        }
    }
}

/// What an uploaded workbook holds.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub headings: Vec<SheetHeading>,
    pub values: Vec<ReadValue>,
    pub rows: Vec<ReadRow>,
    /// Cells that could not be read, by sheet and cell.
    pub problems: Vec<FieldProblem>,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub message_en: String,
    pub message_vi: String,
}

fn unreadable(en: impl Into<String>, vi: impl Into<String>) -> Unreadable {
    Unreadable {
        message_en: en.into(),
        message_vi: vi.into(),
    }
}

/// Refuses what is not a zip archive, and archives that would unpack to more than
/// [`MAX_UNPACKED_BYTES`], before a spreadsheet reader inflates anything.
fn check_archive<R: Read + Seek>(reader: R) -> Result<(), Unreadable> {
    let not_xlsx = || {
        unreadable(
            "the file is not an XLSX workbook (Excel 2007 or later); save it as .xlsx and upload it again",
            "Tệp không phải bảng tính XLSX (Excel 2007 trở lên); hãy lưu thành .xlsx rồi tải lên lại",
        )
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(|_| not_xlsx())?;
    let mut total: u64 = 0;
    let mut has_workbook = false;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| not_xlsx())?;
        total = total.saturating_add(entry.size());
        has_workbook |= entry.name().is_ok_and(|n| n == "xl/workbook.xml");
    }
    if !has_workbook {
        return Err(not_xlsx());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(unreadable(
            format!(
                "the workbook unpacks to {} MiB, more than the {} MiB accepted",
                total / (1024 * 1024),
                MAX_UNPACKED_BYTES / (1024 * 1024)
            ),
            format!(
                "Bảng tính khi giải nén lớn {} MiB, vượt giới hạn {} MiB",
                total / (1024 * 1024),
                MAX_UNPACKED_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(())
}

/// A cell's text, trimmed; numbers as their shortest decimal text.
fn cell_text(d: &Data) -> Option<String> {
    match d {
        Data::Empty => None,
        Data::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(float_text(*f)),
        Data::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::DateTime(dt) => Some(float_text(dt.as_f64())),
        Data::Error(e) => Some(format!("{e}")),
    }
}

/// The decimal a spreadsheet number stands for: Rust prints the shortest text that reads
/// back as the same binary number, so 63.6 is "63.6", not 63.59999….
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A number from a numeric cell, or one typed the Vietnamese way in a text cell.
fn read_number(d: &Data, at: &CellRef) -> Result<Option<Decimal>, FieldProblem> {
    match d {
        Data::Empty => Ok(None),
        Data::Int(_) | Data::Float(_) => {
            let text = cell_text(d).unwrap_or_default();
            vn::parse_canonical(&text).map(Some).map_err(|e| {
                cell_problem(
                    at,
                    "not_a_number",
                    &format!("{text}: {e}"),
                    &format!("{text}: {}", e.message_vi()),
                )
            })
        }
        Data::String(s) if s.trim().is_empty() => Ok(None),
        Data::String(s) => {
            let typed = s.trim().trim_end_matches("đồng").trim_end_matches('đ').trim_end();
            vn::parse_number(typed).map(Some).map_err(|_| {
                cell_problem(
                    at,
                    "not_a_number",
                    &format!("'{}' is not a number (type 1.260 or 63,6)", s.trim()),
                    &format!("'{}' không phải số (nhập như 1.260 hoặc 63,6)", s.trim()),
                )
            })
        }
        Data::DateTime(_) | Data::DateTimeIso(_) => Err(cell_problem(
            at,
            "not_a_number",
            "the cell holds a date, not a number",
            "ô chứa ngày tháng, không phải số",
        )),
        Data::Error(e) => Err(cell_problem(
            at,
            "cell_error",
            &format!("the cell shows the error {e}"),
            &format!("ô đang báo lỗi {e}"),
        )),
        Data::Bool(_) | Data::DurationIso(_) => Err(cell_problem(
            at,
            "not_a_number",
            "the cell does not hold a number",
            "ô không chứa số",
        )),
    }
}

/// A date: a date cell, `dd/mm/yyyy` or `YYYY-MM-DD` text.
fn read_date(d: &Data, at: &CellRef) -> Result<Option<time::Date>, FieldProblem> {
    let bad = |text: &str| {
        cell_problem(
            at,
            "bad_date",
            &format!("'{text}' is not a date (type dd/mm/yyyy, e.g. 08/03/2024)"),
            &format!("'{text}' không phải ngày (nhập dd/mm/yyyy, ví dụ 08/03/2024)"),
        )
    };
    match d {
        Data::Empty => Ok(None),
        Data::DateTime(dt) => excel_date(dt.as_f64())
            .map(Some)
            .ok_or_else(|| bad(&float_text(dt.as_f64()))),
        Data::Float(f) => excel_date(*f).map(Some).ok_or_else(|| bad(&float_text(*f))),
        Data::Int(i) => excel_date(*i as f64).map(Some).ok_or_else(|| bad(&i.to_string())),
        other => {
            let Some(text) = cell_text(other) else { return Ok(None) };
            let iso = text.get(..10).unwrap_or(&text);
            vn::parse_date(&text)
                .ok()
                .or_else(|| binhdang_domain::register::parse_iso_date(iso))
                .map(Some)
                .ok_or_else(|| bad(&text))
        }
    }
}

/// A date from an Excel serial day number (1900 system; day 60 is the phantom 29/02/1900).
fn excel_date(serial: f64) -> Option<time::Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = time::macros::date!(1899 - 12 - 30);
    epoch.checked_add(time::Duration::days(serial.floor() as i64))
}

/// A list code, or the name of an entry (either language), as its code.
fn read_choice(text: &str, list: ChoiceList, lists: &Lists) -> String {
    let options = list.options(lists);
    let lower = text.to_lowercase();
    options
        .iter()
        .find(|t| t.code == text || t.name_vi.to_lowercase() == lower || t.name_en.to_lowercase() == lower)
        .map(|t| t.code.clone())
        .unwrap_or_else(|| text.to_string())
}

/// One sheet of an uploaded workbook being read: its cells, where its data ends, and its
/// columns by the machine names of [`CODE_ROW`].
struct SheetReader<'a> {
    name: &'a str,
    range: &'a calamine::Range<Data>,
    last_row: u32,
    columns: BTreeMap<String, u16>,
}

impl<'a> SheetReader<'a> {
    /// Reads the sheet's extent and column names; refuses a sheet longer than [`MAX_ROWS`].
    fn new(name: &'a str, range: &'a calamine::Range<Data>) -> Result<Self, Unreadable> {
        let last_row = range.end().map(|(r, _)| r).unwrap_or(0);
        if last_row >= FIRST_DATA_ROW + MAX_ROWS {
            return Err(unreadable(
                format!("the sheet {name} has more than {MAX_ROWS} rows"),
                format!("Trang {name} có hơn {MAX_ROWS} dòng"),
            ));
        }
        let mut sheet = SheetReader {
            name,
            range,
            last_row,
            columns: BTreeMap::new(),
        };
        // Columns by their machine names.
        let width = range.end().map(|(_, c)| c).unwrap_or(0).min(64) as u16;
        sheet.columns = (0..=width)
            .filter_map(|c| cell_text(sheet.get(CODE_ROW, c)).map(|t| (t, c)))
            .collect();
        Ok(sheet)
    }

    /// The cell at a row and column, empty outside the used range.
    fn get(&self, row: u32, col: u16) -> &'a Data {
        self.range.get_value((row, u32::from(col))).unwrap_or(&Data::Empty)
    }

    /// The reference of a cell of this sheet, for messages.
    fn at(&self, row: u32, col: u16) -> CellRef {
        CellRef {
            sheet: self.name.to_string(),
            row,
            col,
        }
    }

    /// The unit and period the sheet's heading names.
    fn heading(&self) -> SheetHeading {
        SheetHeading {
            sheet: self.name.to_string(),
            unit_code: cell_text(self.get(UNIT_ROW, 1)).unwrap_or_default(),
            period: cell_text(self.get(PERIOD_ROW, 1)).unwrap_or_default(),
        }
    }

    /// Reads the values typed on the entry sheet into `upload`.
    fn read_entry(&self, elements: &HashMap<&str, &DataElement>, upload: &mut Upload) {
        let (Some(&element_col), Some(&d_col), Some(&value_col)) = (
            self.columns.get("element"),
            self.columns.get("disaggregation"),
            self.columns.get("value"),
        ) else {
            upload.problems.push(cell_problem(
                &self.at(CODE_ROW, 0),
                "not_a_template",
                "the row of column names (element, disaggregation, value) is missing; download the template again",
                "thiếu dòng tên cột (element, disaggregation, value); hãy tải lại biểu mẫu",
            ));
            return;
        };
        let comment_col = self.columns.get("comment").copied();
        for row in FIRST_DATA_ROW..=self.last_row {
            let value_at = self.at(row, value_col);
            let cell = self.get(row, value_col);
            if cell_text(cell).is_none() {
                continue;
            }
            let element_at = self.at(row, element_col);
            let code = cell_text(self.get(row, element_col)).unwrap_or_default();
            let Some(element) = elements.get(code.as_str()) else {
                upload.problems.push(cell_problem(
                    &element_at,
                    "unknown_element",
                    &format!("there is no data element '{code}' in the catalogue"),
                    &format!("không có mã dữ liệu '{code}' trong danh mục"),
                ));
                continue;
            };
            let value = if element.value_type == ValueType::Text {
                RawValue::Text(cell_text(cell).unwrap_or_default())
            } else {
                match read_number(cell, &value_at) {
                    Ok(Some(n)) => RawValue::Text(n.to_string()),
                    Ok(None) => continue,
                    Err(p) => {
                        upload.problems.push(p);
                        continue;
                    }
                }
            };
            upload.values.push(ReadValue {
                input: ValueInput {
                    element: element.code.to_string(),
                    disaggregation: cell_text(self.get(row, d_col)),
                    value,
                    comment: comment_col.and_then(|c| cell_text(self.get(row, c))),
                    source: None,
                    expected: None,
                },
                value_at,
                element_at,
            });
        }
    }

    /// Reads the rows of a register's sheet into `upload`.
    fn read_register(&self, kind: RegisterKind, lists: &Lists, upload: &mut Upload) {
        let fields: BTreeMap<String, u16> = self
            .columns
            .iter()
            .filter(|(f, _)| kind.fields().contains(&f.as_str()))
            .map(|(f, c)| (f.clone(), *c))
            .collect();
        if fields.is_empty() {
            upload.problems.push(cell_problem(
                &self.at(CODE_ROW, 0),
                "not_a_template",
                "the row of field names is missing; download the template again",
                "thiếu dòng tên trường; hãy tải lại biểu mẫu",
            ));
            return;
        }
        for row in FIRST_DATA_ROW..=self.last_row {
            if fields.values().all(|c| cell_text(self.get(row, *c)).is_none()) {
                continue;
            }
            let mut raw = RawRecord::new();
            for (field, col) in &fields {
                match read_field(field, self.get(row, *col), &self.at(row, *col), lists) {
                    Ok(Some(v)) => {
                        raw.insert(field.clone(), v);
                    }
                    Ok(None) => {}
                    Err(p) => upload.problems.push(p),
                }
            }
            upload.rows.push(ReadRow {
                kind,
                raw,
                sheet: self.name.to_string(),
                row,
                columns: fields.clone(),
            });
        }
    }
}

/// One cell of a register row as the field it is in reads it: numbers and dates made
/// canonical, list entries as their codes; `None` for an empty cell.
fn read_field(field: &str, cell: &Data, here: &CellRef, lists: &Lists) -> Result<Option<RawField>, FieldProblem> {
    match field_kind(field) {
        FieldKind::Count | FieldKind::Money => {
            read_number(cell, here).map(|n| n.map(|n| RawField::Number(n.to_string())))
        }
        FieldKind::Date => read_date(cell, here).map(|d| d.map(|d| RawField::Text(d.to_string()))),
        FieldKind::Choice(list) => Ok(cell_text(cell).map(|t| RawField::Text(read_choice(&t, list, lists)))),
        FieldKind::Text | FieldKind::LongText | FieldKind::Term => Ok(cell_text(cell).map(RawField::Text)),
    }
}

/// Opens an uploaded file as a workbook, refusing an empty file and what
/// [`check_archive`] refuses.
fn open_workbook(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, Unreadable> {
    if bytes.is_empty() {
        return Err(unreadable("the file is empty", "Tệp rỗng, không có nội dung"));
    }
    check_archive(Cursor::new(bytes))?;
    Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        unreadable(
            format!("the workbook cannot be read: {e}"),
            format!("Không đọc được bảng tính: {e}"),
        )
    })
}

/// The first sheet of a workbook as CSV text, empty rows left out: how a list kept in a
/// spreadsheet (accounts, indicators) reaches the readers of lists.
pub fn first_sheet_as_csv(bytes: &[u8]) -> Result<String, Unreadable> {
    let mut workbook = open_workbook(bytes)?;
    let range = match workbook.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        _ => return Err(unreadable("the workbook has no sheet", "Bảng tính không có trang nào")),
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(|d| cell_text(d).unwrap_or_default()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        out.write_record(&cells)
            .map_err(|e| unreadable(e.to_string(), e.to_string()))?;
    }
    let bytes = out.into_inner().map_err(|e| unreadable(e.to_string(), e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| unreadable(e.to_string(), e.to_string()))
}

/// Reads an uploaded workbook: the heading of each sheet, the values typed on the entry
/// sheet, the rows of the register sheets, and every cell that could not be read.
pub fn read_upload(bytes: &[u8], elements: &[DataElement], lists: &Lists) -> Result<Upload, Unreadable> {
    let mut workbook = open_workbook(bytes)?;
    let mut upload = Upload::default();
    let names = workbook.sheet_names();
    let elements: HashMap<&str, &DataElement> = elements.iter().map(|e| (e.code.as_str(), e)).collect();
    let mut known = 0;
    for name in names {
        let kind = RegisterKind::ALL.into_iter().find(|k| register_sheet(*k) == name);
        if name != ENTRY_SHEET && kind.is_none() {
            continue;
        }
        known += 1;
        let range = workbook.worksheet_range(&name).map_err(|e| {
            unreadable(
                format!("the sheet {name} cannot be read: {e}"),
                format!("Không đọc được trang {name}: {e}"),
            )
        })?;
        let sheet = SheetReader::new(&name, &range)?;
        upload.headings.push(sheet.heading());
        match kind {
            None => sheet.read_entry(&elements, &mut upload),
            Some(kind) => sheet.read_register(kind, lists, &mut upload),
        }
    }
    if known == 0 {
        return Err(unreadable(
            format!(
                "the workbook has none of the template's sheets ({ENTRY_SHEET}, Sổ hoạt động, …); download the template and fill it in"
            ),
            format!(
                "Bảng tính không có trang nào của biểu mẫu ({ENTRY_SHEET}, Sổ hoạt động, …); hãy tải biểu mẫu về và điền vào đó"
            ),
        ));
    }
    Ok(upload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in files {
            zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn spreadsheet_numbers_read_as_the_decimals_they_show() {
        assert_eq!(float_text(1260.0), "1260");
        assert_eq!(float_text(63.6), "63.6");
        assert_eq!(float_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(float_text(-3.0), "-3");
        let at = CellRef {
            sheet: ENTRY_SHEET.into(),
            row: 11,
            col: 6,
        };
        assert_eq!(at.to_string(), "Số liệu!G12");
        let n = |d: Data| read_number(&d, &at);
        assert_eq!(n(Data::Float(63.6)).unwrap(), Some(Decimal::new(636, 1)));
        assert_eq!(n(Data::String("1.260".into())).unwrap(), Some(Decimal::from(1260)));
        assert_eq!(
            n(Data::String(" 15.000.000 đ ".into())).unwrap(),
            Some(Decimal::from(15_000_000))
        );
        assert_eq!(n(Data::String("63,6".into())).unwrap(), Some(Decimal::new(636, 1)));
        assert_eq!(n(Data::String("  ".into())).unwrap(), None);
        let wrong = n(Data::String("mười".into())).unwrap_err();
        assert_eq!(wrong.field, "Số liệu!G12");
        assert_eq!(
            wrong.message_vi,
            "Số liệu!G12: 'mười' không phải số (nhập như 1.260 hoặc 63,6)"
        );
        assert_eq!(n(Data::Bool(true)).unwrap_err().code, "not_a_number");
    }

    #[test]
    fn dates_are_read_from_date_cells_and_vietnamese_text() {
        let at = CellRef {
            sheet: "Sổ hoạt động".into(),
            row: 7,
            col: 7,
        };
        let d = |data: Data| read_date(&data, &at);
        // 45359 is 08/03/2024 in Excel's 1900 system.
        assert_eq!(
            d(Data::Float(45359.0)).unwrap(),
            Some(time::macros::date!(2024 - 03 - 08))
        );
        assert_eq!(
            d(Data::String("08/03/2024".into())).unwrap(),
            Some(time::macros::date!(2024 - 03 - 08))
        );
        assert_eq!(
            d(Data::String("2024-03-08".into())).unwrap(),
            Some(time::macros::date!(2024 - 03 - 08))
        );
        assert_eq!(d(Data::String("hôm qua".into())).unwrap_err().code, "bad_date");
        assert_eq!(d(Data::Float(-5.0)).unwrap_err().code, "bad_date");
    }

    #[test]
    fn what_is_not_a_workbook_is_refused_before_it_is_inflated() {
        let read = |bytes: &[u8]| read_upload(bytes, &[], &Lists::seeded()).unwrap_err().message_vi;
        assert!(read(b"").contains("rỗng"));
        assert!(read(b"PK\x03\x04 not really").contains("không phải bảng tính XLSX"));
        assert!(read(&zip_of(&[("word/document.xml", b"<w/>")])).contains("không phải bảng tính XLSX"));
        // 80 MiB of zeros packs into a few hundred KiB: refused on its declared size.
        let zeros = vec![0u8; 80 * 1024 * 1024];
        let bomb = zip_of(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", &zeros),
        ]);
        assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
        assert!(read(&bomb).contains("vượt giới hạn 64 MiB"), "{}", read(&bomb));
    }

    #[test]
    fn a_template_reads_back_its_headings_and_nothing_to_store() {
        let template = Template {
            heading: Heading {
                unit_code: "03388".parse().unwrap(),
                unit_name: "Phường Đoàn Kết".into(),
                period: "2025H1".into(),
                period_label: "6 tháng đầu năm 2025".into(),
                programme: Some(("NS-H1".into(), "Báo cáo 6 tháng".into())),
            },
            lines: Vec::new(),
            registers: vec![RegisterKind::Activities, RegisterKind::Staff],
            lists: Lists::seeded(),
        };
        let bytes = write_template(&template).unwrap();
        let upload = read_upload(&bytes, &[], &template.lists).unwrap();
        let headings: Vec<(&str, &str, &str)> = upload
            .headings
            .iter()
            .map(|h| (h.sheet.as_str(), h.unit_code.as_str(), h.period.as_str()))
            .collect();
        assert_eq!(
            headings,
            [("Sổ hoạt động", "03388", "2025H1"), ("Sổ cán bộ", "03388", "2025H1")]
        );
        assert!(upload.values.is_empty() && upload.rows.is_empty() && upload.problems.is_empty());
    }
}
