//! Tables that leave as files — CSV and XLSX — for the pages' downloads and the API's bulk
//! export alike: one cell kind per column type, the CSV with a byte-order mark and `.` decimals,
//! the XLSX drawn by the reports' writer with Vietnamese display formats.

use crate::error::ApiError;
use crate::lang::Lang;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use binhdang_domain::vn;
use rust_decimal::Decimal;

/// A number as CSV and charts want it (`63.6`), or empty.
pub(crate) fn plain(v: Option<Decimal>) -> String {
    v.map(|v| v.round_dp(4).normalize().to_string()).unwrap_or_default()
}

/// One cell of a download.
pub(crate) enum Item {
    Text(String),
    /// A numerator, a denominator: a count or an amount.
    Amount(Option<Decimal>),
    /// An indicator's value or target, in its own unit (percent points for a percentage).
    Value(Option<Decimal>),
    Day(Option<time::Date>),
}

/// The figures behind one chart or table: what both the CSV and the XLSX file hold.
pub(crate) struct Figures {
    pub(crate) chart: &'static str,
    pub(crate) title: String,
    pub(crate) head: Vec<&'static str>,
    pub(crate) rows: Vec<Vec<Item>>,
}

/// Quotes a CSV field when it needs it.
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub(crate) fn csv_line(fields: &[String]) -> String {
    let mut line = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// CSV: UTF-8 with a byte-order mark so that spreadsheet programs read Vietnamese letters;
/// numbers with `.` as decimal point, to 4 decimals; dates as YYYY-MM-DD.
pub(crate) fn csv_text(f: &Figures) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_line(&f.head.iter().map(|h| h.to_string()).collect::<Vec<_>>()));
    for row in &f.rows {
        let fields: Vec<String> = row
            .iter()
            .map(|item| match item {
                Item::Text(s) => s.clone(),
                Item::Amount(d) | Item::Value(d) => plain(*d),
                Item::Day(d) => d.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect();
        out.push_str(&csv_line(&fields));
    }
    out
}

/// XLSX: the same figures as real numbers (the CSV's, to 4 decimals) with display
/// formats (`#,##0`, `#,##0.0`, `dd/mm/yyyy`, tagged Vietnamese: `1.260`, `63,6`), the
/// heading row frozen; drawn by the reports' XLSX writer.
pub(crate) fn xlsx_bytes(f: &Figures, file_stem: &str, lang: Lang) -> Result<Vec<u8>, ApiError> {
    use binhdang_reports::model::{Align, Block, Column, NumFormat, Row, Table, TableCell};
    let number = |d: Decimal, nf: NumFormat| -> TableCell {
        let plain = plain(Some(d));
        TableCell::number(vn::format_number(d, None), plain.parse::<f64>().unwrap_or_default(), nf)
    };
    let mut numeric = vec![false; f.head.len()];
    let rows = f
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Item::Text(s) => TableCell::text(s.clone()),
                    Item::Amount(None) | Item::Value(None) | Item::Day(None) => TableCell::text(""),
                    Item::Amount(Some(d)) => {
                        numeric[i] = true;
                        let nf = if d.fract().is_zero() {
                            NumFormat::Integer
                        } else {
                            NumFormat::Decimal2
                        };
                        number(*d, nf)
                    }
                    Item::Value(Some(d)) => {
                        numeric[i] = true;
                        number(*d, NumFormat::Decimal1)
                    }
                    Item::Day(Some(d)) => {
                        TableCell::number(vn::format_date(*d), binhdang_reports::serial_date(*d), NumFormat::Date)
                    }
                })
                .collect();
            Row::Cells(cells)
        })
        .collect();
    let columns = f
        .head
        .iter()
        .zip(&numeric)
        .map(|(h, n)| Column::new(*h, 1.0, if *n { Align::Right } else { Align::Left }))
        .collect();
    let doc = binhdang_reports::Document {
        title: f.title.clone(),
        file_stem: file_stem.to_string(),
        draft: false,
        header: None,
        blocks: vec![Block::Table(Table {
            sheet: f.chart.to_string(),
            title: f.title.clone(),
            columns,
            rows,
            empty_text: (if lang == Lang::En {
                "No figures."
            } else {
                "Không có số liệu."
            })
            .to_string(),
            size: 11.0,
        })],
    };
    binhdang_reports::render(&doc, binhdang_reports::Format::Xlsx).map_err(|e| ApiError::Internal(e.to_string()))
}

/// A file to download, named.
pub(crate) fn attachment(body: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    r
}
