//! Lists pasted or uploaded as a table (accounts, indicators): CSV with a heading row, or
//! tab-separated as copied from a spreadsheet; problems named by row and column.

use crate::{FieldProblem, StoreError};
use serde::de::DeserializeOwned;

/// Reads every row of `text` (a byte-order mark allowed; empty cells at the end of a row may
/// be left out, as spreadsheets do), or the first row that does not read, named by its number
/// (1 = the first row below the heading) with `columns` saying what a row should hold.
pub(crate) fn read_rows<T: DeserializeOwned>(text: &str, columns: &str) -> Result<Vec<T>, StoreError> {
    let text = text.trim_start_matches('\u{feff}').trim_matches(['\r', '\n']);
    let heading = text.lines().next().unwrap_or("");
    let delimiter = if heading.contains('\t') && !heading.contains(',') {
        b'\t'
    } else {
        b','
    };
    let bad_row = |n: usize, e: &dyn std::fmt::Display| {
        StoreError::Invalid(vec![FieldProblem::new(
            format!("row {n}"),
            "bad_row",
            format!("row {n} does not read as {columns}: {e}"),
            format!("Dòng {n} không đọc được theo các cột {columns}: {e}"),
        )])
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| bad_row(0, &e))?.clone();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let mut record = record.map_err(|e| bad_row(i + 1, &e))?;
        while record.len() < headers.len() {
            record.push_field("");
        }
        rows.push(record.deserialize(Some(&headers)).map_err(|e| bad_row(i + 1, &e))?);
    }
    Ok(rows)
}

/// A problem of row `row` (1 = the first row below the heading) in `column`.
pub(crate) fn problem_at(row: usize, column: &str, code: &str, en: String, vi: String) -> FieldProblem {
    FieldProblem::new(
        format!("row {row}, column {column}"),
        code,
        en,
        format!("Dòng {row}, cột {column}: {vi}"),
    )
}
