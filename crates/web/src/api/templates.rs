//! Spreadsheet templates and CSV files for bulk entry:
//!
//! - `GET /api/v1/templates/entry.xlsx?unit=&period=[&programme=][&sheets=all|entry|registers]`
//!   — the workbook to fill offline ([`binhdang_reports::sheets`] lays it out);
//! - `POST /api/v1/templates/entry.xlsx?unit=&period=` with the filled workbook as the body
//!   — every cell read and checked, problems named by sheet and cell, stored all or nothing
//!   through [`binhdang_store::Store::write_batch`];
//! - `GET /api/v1/values.csv?unit=&period=` and `PUT`/`POST` of the same CSV
//!   (`element,disaggregation,value,comment`), for machine-to-machine exchange; problems
//!   named by line and column.
//!
//! Writes need the right to write the unit's data (as `PUT /values`); the audit trail says
//! where the change came from (`xlsx upload, <address>` or `csv upload, <address>`).

use crate::AppState;
use crate::api::unit_period::UnitPeriod;
use crate::api::values::check_agency;
use crate::api::{Query, given};
use crate::auth::{Authenticated, Caller, authorize};
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use binhdang_domain::access::Action;
use binhdang_domain::register::{Record, RegisterKind};
use binhdang_domain::{CategoryCombo, Disaggregation, ElementRole, Period};
use binhdang_reports::sheets::{self, EntryLine, Heading, ReadRow, Template, Upload, cell_problem};
use binhdang_store::{Actor, BatchSummary, FieldProblem, RawValue, StoreError, UnitSummary, ValueInput};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Largest file accepted by an upload.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Which sheets a template has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sheets {
    All,
    Entry,
    Registers,
}

impl Sheets {
    pub(crate) fn parse(s: Option<&str>) -> Result<Sheets, ApiError> {
        match s {
            None | Some("all") => Ok(Sheets::All),
            Some("entry") => Ok(Sheets::Entry),
            Some("registers") => Ok(Sheets::Registers),
            Some(other) => Err(ApiError::invalid(
                "sheets",
                "bad_sheets",
                format!("`{other}` is not a choice of sheets: use all, entry or registers"),
                format!("`{other}` không hợp lệ: chọn all (tất cả), entry (số liệu) hoặc registers (sổ theo dõi)"),
            )),
        }
    }
}

/// How much of a too-large body is read (and dropped) before answering, so that the client
/// gets the refusal instead of a connection reset in the middle of sending.
const MAX_DRAINED_BYTES: usize = 64 * 1024 * 1024;

/// The whole body, or a clear refusal when it is larger than [`MAX_UPLOAD_BYTES`].
pub(crate) async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    read_body_within(body, MAX_UPLOAD_BYTES).await
}

/// The whole body, or a clear refusal (413) when it is larger than `limit`. Routes call it
/// only once they know who is asking and that they may: an upload is never read for nobody.
pub(crate) async fn read_body_within(mut body: Body, limit: usize) -> Result<Bytes, ApiError> {
    use axum::body::HttpBody;
    let mut out = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|e| ApiError::BadRequest {
            message_en: format!("the upload was interrupted: {e}"),
            message_vi: format!("Tải lên bị gián đoạn: {e}"),
        })?;
        let Ok(data) = frame.into_data() else { continue };
        seen = seen.saturating_add(data.len());
        if seen <= limit {
            out.extend_from_slice(&data);
        } else if seen > MAX_DRAINED_BYTES {
            break;
        }
    }
    if seen > limit {
        let mib = limit / (1024 * 1024);
        return Err(ApiError::TooLarge {
            message_en: format!("the file is larger than the {mib} MiB an upload may be"),
            message_vi: format!("Tệp lớn hơn giới hạn {mib} MiB cho phép tải lên"),
        });
    }
    Ok(Bytes::from(out))
}

fn file_response(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut r = (StatusCode::OK, bytes).into_response();
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    r
}

/// The template's file name: `bieu-nhap-03388-2025H1.xlsx`.
pub(crate) fn template_name(unit: &UnitSummary, period: &Period) -> String {
    format!("bieu-nhap-{}-{period}.xlsx", unit.code)
}

/// Registers whose rows a unit keeps for a period: budgets only by year.
fn registers_for(period: &Period) -> Vec<RegisterKind> {
    RegisterKind::ALL
        .into_iter()
        .filter(|k| *k != RegisterKind::Budgets || matches!(period, Period::Year(_)))
        .collect()
}

/// The template of a unit and period for `caller`, who must be allowed to write its data.
pub(crate) async fn template_file(
    state: &AppState,
    caller: &Caller,
    unit: &UnitSummary,
    period: &Period,
    programme: Option<&str>,
    which: Sheets,
) -> Result<Vec<u8>, ApiError> {
    authorize(state, caller, unit, Action::Write).await?;
    let store = &state.store;
    let programme = match programme {
        Some(code) => Some(store.programme(code).await.map_err(|e| match e {
            StoreError::NotFound { .. } => ApiError::invalid(
                "programme",
                "unknown_programme",
                format!("there is no reporting programme `{code}`; see GET /api/v1/programmes"),
                format!("Không có chế độ báo cáo `{code}`; xem GET /api/v1/programmes"),
            ),
            other => other.into(),
        })?),
        None => store.programme_for(period).await?,
    };
    let lines = if which == Sheets::Registers {
        Vec::new()
    } else {
        entry_lines(state, caller, unit, period).await?
    };
    let template = Template {
        heading: Heading {
            unit_code: unit.code.clone(),
            unit_name: unit.full_name.clone(),
            period: period.to_string(),
            period_label: period.label_vi(),
            programme: programme.map(|p| (p.code, p.name_vi)),
        },
        lines,
        registers: if which == Sheets::Entry {
            Vec::new()
        } else {
            registers_for(period)
        },
        lists: store.register_lists().await?,
    };
    sheets::write_template(&template).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The rows of the entry sheet: what the entry form shows the caller, element by element and
/// breakdown by breakdown, with the stored values.
async fn entry_lines(
    state: &AppState,
    caller: &Caller,
    unit: &UnitSummary,
    period: &Period,
) -> Result<Vec<EntryLine>, ApiError> {
    let store = &state.store;
    let indicators = binhdang_engine::form::form_indicators(store, &caller.user, unit, period, false).await?;
    let elements = store.data_elements().await?;
    let stored = store.values_by_key(unit, period).await?;
    let mut lines = Vec::new();
    for indicator in &indicators {
        for e in elements
            .iter()
            .filter(|e| e.indicator.as_deref() == Some(indicator.code.as_str()))
        {
            let order = match (e.role, e.category_combo) {
                (ElementRole::Rate, _) | (_, CategoryCombo::None) => vec![Disaggregation::Total],
                (_, combo) => combo.parts().iter().copied().chain([Disaggregation::Total]).collect(),
            };
            for d in order.into_iter().filter(|d| e.category_combo.allows(*d)) {
                let value = stored.get(&(e.code.clone(), d));
                lines.push(EntryLine {
                    indicator: indicator.code.clone(),
                    indicator_name: indicator.name_vi.clone(),
                    element: e.clone(),
                    part: e.role.label_vi().to_string(),
                    disaggregation: d,
                    stored: value.and_then(|v| v.value.clone().or(v.text.clone())),
                    comment: value.and_then(|v| v.comment.clone()),
                });
            }
        }
    }
    Ok(lines)
}

/// The caller as the audit trail records a file's changes.
fn file_actor(caller: &Caller, what: &str) -> Actor {
    let actor = caller.actor();
    Actor {
        origin: format!("{what} upload, {}", actor.origin),
        ..actor
    }
}

/// A store problem of a batch (`values[3].value`, `rows[1].count`) put at its cell.
fn locate(p: FieldProblem, upload: &Upload, rows: &[&ReadRow]) -> FieldProblem {
    let index = |rest: &str| -> Option<(usize, String)> {
        let (i, field) = rest.split_once("].")?;
        Some((i.parse().ok()?, field.to_string()))
    };
    let at = if let Some((i, field)) = p.field.strip_prefix("values[").and_then(index) {
        upload.values.get(i).map(|v| match field.as_str() {
            "element" | "disaggregation" => v.element_at.clone(),
            _ => v.value_at.clone(),
        })
    } else if let Some((i, field)) = p.field.strip_prefix("rows[").and_then(index) {
        rows.get(i).map(|r| r.cell(&field))
    } else {
        None
    };
    match at {
        Some(at) => cell_problem(&at, &p.code, &p.message_en, &p.message_vi),
        None => p,
    }
}

/// Reads an uploaded workbook and stores what it holds for the unit and period, all or
/// nothing. Every problem comes back at once, named by sheet and cell.
pub(crate) async fn store_upload(
    state: &AppState,
    caller: &Caller,
    unit: &UnitSummary,
    period: &Period,
    bytes: &[u8],
) -> Result<BatchSummary, ApiError> {
    authorize(state, caller, unit, Action::Write).await?;
    let store = &state.store;
    let elements = store.data_elements().await?;
    let lists = store.register_lists().await?;
    let upload = sheets::read_upload(bytes, &elements, &lists)
        .map_err(|u| ApiError::invalid("file", "unreadable", u.message_en, u.message_vi))?;
    // A file for another unit or period is refused before anything in it is looked at.
    let mut wrong: Vec<FieldProblem> = Vec::new();
    for h in &upload.headings {
        let at = |row: u32| sheets::CellRef {
            sheet: h.sheet.clone(),
            row,
            col: 1,
        };
        if h.unit_code != unit.code {
            wrong.push(cell_problem(
                &at(1),
                "wrong_unit",
                &format!(
                    "this template is for unit '{}', not for {} ({}); download the template of this unit",
                    h.unit_code, unit.full_name, unit.code
                ),
                &format!(
                    "biểu mẫu này của đơn vị '{}', không phải của {} ({}); hãy tải biểu mẫu của đơn vị này",
                    h.unit_code, unit.full_name, unit.code
                ),
            ));
        }
        if h.period != period.to_string() {
            wrong.push(cell_problem(
                &at(2),
                "wrong_period",
                &format!("this template is for period '{}', not {period}", h.period),
                &format!(
                    "biểu mẫu này của kỳ '{}', không phải kỳ {}",
                    h.period,
                    period.label_vi()
                ),
            ));
        }
    }
    if !wrong.is_empty() {
        return Err(ApiError::Invalid(wrong));
    }
    let inputs: Vec<ValueInput> = upload.values.iter().map(|v| v.input.clone()).collect();
    check_agency(state, caller, &inputs).await?;
    let mut problems = upload.problems.clone();
    let mut records = Vec::new();
    let mut read_rows: Vec<&ReadRow> = Vec::new();
    for row in &upload.rows {
        match Record::from_raw(row.kind, &row.raw) {
            Ok(r) => {
                records.push(r);
                read_rows.push(row);
            }
            Err(ps) => problems.extend(
                ps.into_iter()
                    .map(|p| cell_problem(&row.cell(&p.field), p.code, &p.message_en, &p.message_vi)),
            ),
        }
    }
    if !problems.is_empty() && inputs.is_empty() && records.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    let actor = file_actor(caller, "xlsx");
    let outcome = if problems.is_empty() {
        store.write_batch(unit, period, &inputs, &records, &actor).await
    } else {
        // Cells that could not be read refuse the file; the rest is checked all the same,
        // so that one upload names every problem.
        store
            .check_batch(unit, period, &inputs, &records, &actor)
            .await
            .map(|()| BatchSummary::default())
    };
    match outcome {
        Ok(summary) if problems.is_empty() => Ok(BatchSummary {
            warnings: summary
                .warnings
                .into_iter()
                .map(|p| locate(p, &upload, &read_rows))
                .collect(),
            ..summary
        }),
        Ok(_) => Err(ApiError::Invalid(problems)),
        Err(StoreError::Invalid(found)) => {
            problems.extend(found.into_iter().map(|p| locate(p, &upload, &read_rows)));
            Err(ApiError::Invalid(problems))
        }
        Err(e) => Err(e.into()),
    }
}

/// A batch's outcome as JSON.
pub(crate) fn summary_json(s: &BatchSummary, lang: Lang) -> Value {
    let mut rows: BTreeMap<&str, usize> = BTreeMap::new();
    for (kind, _) in &s.rows {
        *rows.entry(kind.slug()).or_default() += 1;
    }
    let warnings: Vec<Value> = s
        .warnings
        .iter()
        .map(|p| {
            json!({ "field": p.field, "code": p.code, "message": lang.message(p),
                         "message_en": p.message_en, "message_vi": p.message_vi })
        })
        .collect();
    json!({
        "values": { "written": s.values.written, "deleted": s.values.deleted, "unchanged": s.values.unchanged },
        "rows": rows,
        "warnings": warnings,
    })
}

/// The query of `GET /templates/entry.xlsx` besides the unit and period.
#[derive(Deserialize)]
pub struct TemplateQuery {
    /// The programme named in the heading (default: the one reporting on the period).
    programme: Option<String>,
    /// `all` (default), `entry` or `registers`.
    sheets: Option<String>,
}

/// `GET /api/v1/templates/entry.xlsx?unit=&period=[&programme=][&sheets=]`; a bad `sheets`
/// is refused before the unit and period.
pub async fn get_template(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    target: Result<UnitPeriod, ApiError>,
    Query(q): Query<TemplateQuery>,
) -> ApiResult<Response> {
    let which = Sheets::parse(given(&q.sheets))?;
    let UnitPeriod { unit, period } = target?;
    let bytes = template_file(&state, &caller, &unit, &period, given(&q.programme), which).await?;
    Ok(file_response(bytes, XLSX_TYPE, &template_name(&unit, &period)))
}

/// `POST /api/v1/templates/entry.xlsx?unit=&period=` with the workbook as the body.
pub async fn post_template(
    State(state): State<AppState>,
    lang: Lang,
    Authenticated(caller): Authenticated,
    UnitPeriod { unit, period }: UnitPeriod,
    body: Body,
) -> ApiResult<Json<Value>> {
    authorize(&state, &caller, &unit, Action::Write).await?;
    let bytes = read_body(body).await?;
    let summary = store_upload(&state, &caller, &unit, &period, &bytes).await?;
    Ok(Json(
        json!({ "unit": unit, "period": period.to_string(), "stored": summary_json(&summary, lang) }),
    ))
}

const CSV_COLUMNS: [&str; 4] = ["element", "disaggregation", "value", "comment"];

/// `GET /api/v1/values.csv?unit=&period=`
pub async fn get_csv(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    UnitPeriod { unit, period }: UnitPeriod,
) -> ApiResult<Response> {
    authorize(&state, &caller, &unit, Action::Read).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| ApiError::Internal(e.to_string());
    out.write_record(CSV_COLUMNS).map_err(internal)?;
    for v in state.store.values(&unit, &period).await? {
        let value = v.value.clone().or(v.text.clone()).unwrap_or_default();
        out.write_record([
            v.element.as_str(),
            v.disaggregation.as_str(),
            value.as_str(),
            v.comment.as_deref().unwrap_or(""),
        ])
        .map_err(internal)?;
    }
    let bytes = out.into_inner().map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(file_response(
        bytes,
        "text/csv; charset=utf-8",
        &format!("so-lieu-{}-{period}.csv", unit.code),
    ))
}

/// A problem at a line and column of a CSV file.
fn line_problem(line: u64, column: &str, code: &str, en: &str, vi: &str) -> FieldProblem {
    FieldProblem::new(
        format!("line {line}, {column}"),
        code,
        format!("line {line}, column {column}: {en}"),
        format!("Dòng {line}, cột {column}: {vi}"),
    )
}

/// Reads a CSV of values: a heading line naming the columns (`element` and `value`
/// required), then one value a line; an empty value removes the stored one.
/// Lines a values CSV may have: a unit's values for a period are a few hundred at most, so
/// a longer file is a mistake, and refusing it early keeps its problems from filling memory.
const MAX_CSV_LINES: usize = 10_000;

fn read_csv(bytes: &[u8]) -> Result<(Vec<ValueInput>, Vec<u64>), ApiError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        ApiError::invalid(
            "file",
            "not_utf8",
            "the file is not UTF-8 text".into(),
            "Tệp không phải văn bản UTF-8".into(),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ApiError::invalid("file", "bad_csv", e.to_string(), format!("Không đọc được tệp CSV: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(element_col), Some(value_col)) = (column("element"), column("value")) else {
        return Err(ApiError::Invalid(vec![line_problem(
            1,
            "element",
            "bad_header",
            "the first line must name the columns: element,disaggregation,value,comment",
            "dòng đầu phải là tên các cột: element,disaggregation,value,comment",
        )]));
    };
    let (d_col, comment_col) = (column("disaggregation"), column("comment"));
    let mut inputs = Vec::new();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (n, record) in reader.records().enumerate() {
        if n >= MAX_CSV_LINES {
            return Err(ApiError::invalid(
                "file",
                "too_many_lines",
                format!("the file has more than {MAX_CSV_LINES} lines; a unit's values for a period fit in far fewer"),
                format!(
                    "Tệp có hơn {} dòng; số liệu của một đơn vị trong một kỳ ít hơn nhiều",
                    binhdang_domain::vn::format_number(rust_decimal::Decimal::from(MAX_CSV_LINES), Some(0))
                ),
            ));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(line_problem(line, "element", "bad_csv", &e.to_string(), &e.to_string()));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let Some(element) = get(Some(element_col)) else {
            problems.push(line_problem(
                line,
                "element",
                "missing",
                "the data element code is missing",
                "thiếu mã dữ liệu",
            ));
            continue;
        };
        inputs.push(ValueInput {
            element,
            disaggregation: get(d_col),
            value: get(Some(value_col)).map(RawValue::Text).unwrap_or(RawValue::Null),
            comment: get(comment_col),
            source: None,
            expected: None,
        });
        lines.push(line);
    }
    if problems.is_empty() {
        Ok((inputs, lines))
    } else {
        Err(ApiError::Invalid(problems))
    }
}

/// `PUT` or `POST /api/v1/values.csv?unit=&period=` with the CSV as the body.
pub async fn put_csv(
    State(state): State<AppState>,
    lang: Lang,
    Authenticated(caller): Authenticated,
    UnitPeriod { unit, period }: UnitPeriod,
    body: Body,
) -> ApiResult<Json<Value>> {
    authorize(&state, &caller, &unit, Action::Write).await?;
    let bytes = read_body(body).await?;
    let (inputs, lines) = read_csv(&bytes)?;
    check_agency(&state, &caller, &inputs).await?;
    let actor = file_actor(&caller, "csv");
    match state.store.write_batch(&unit, &period, &inputs, &[], &actor).await {
        Ok(summary) => Ok(Json(
            json!({ "unit": unit, "period": period.to_string(), "stored": summary_json(&summary, lang) }),
        )),
        Err(StoreError::Invalid(found)) => Err(ApiError::Invalid(
            found
                .into_iter()
                .map(|p| {
                    let at = p
                        .field
                        .strip_prefix("values[")
                        .and_then(|r| r.split_once("]."))
                        .and_then(|(i, f)| Some((lines.get(i.parse::<usize>().ok()?)?, f)));
                    match at {
                        Some((line, field)) => line_problem(*line, field, &p.code, &p.message_en, &p.message_vi),
                        None => p,
                    }
                })
                .collect(),
        )),
        Err(e) => Err(e.into()),
    }
}

// --- OpenAPI ----------------------------------------------------------------------------

/// Adds the templates' and the CSV's paths to the OpenAPI document.
pub fn extend_openapi(doc: &mut Value) {
    let query = |name: &str, required: bool, description: &str, example: &str| {
        json!({ "name": name, "in": "query", "required": required, "description": description,
                "schema": { "type": "string" }, "example": example })
    };
    let unit_period = vec![
        query("unit", true, "GSO code of the unit", "03388"),
        query("period", true, "Period identifier (2024, 2025H1, …)", "2025H1"),
    ];
    let mut template_params = unit_period.clone();
    template_params.push(query(
        "programme",
        false,
        "Reporting programme named in the heading (default: the one reporting on the period)",
        "NS-H1",
    ));
    template_params.push(json!({ "name": "sheets", "in": "query", "required": false,
        "schema": { "enum": ["all", "entry", "registers"], "default": "all" } }));
    let error = |description: &str| {
        json!({ "description": description,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
    };
    let stored = json!({ "description": "Everything in the file was stored", "content": { "application/json": {
        "schema": { "type": "object", "properties": {
            "unit": { "$ref": "#/components/schemas/Unit" }, "period": { "type": "string" },
            "stored": { "type": "object", "properties": {
                "values": { "type": "object", "properties": { "written": { "type": "integer" },
                    "deleted": { "type": "integer" }, "unchanged": { "type": "integer" } } },
                "rows": { "type": "object", "description": "rows added, by register" },
                "warnings": { "type": "array", "items": { "type": "object" } } } } } } } } });
    let binary = json!({ "type": "string", "format": "binary" });
    let paths = json!({
        "/api/v1/templates/entry.xlsx": {
            "get": { "summary": "The XLSX template to fill offline: the entry form's values (sheet Số liệu) and a sheet per register",
                "description": "Every sheet names the unit and period in its heading (cells B2 and B3), which an upload checks. \
                    Needs the right to write the unit's data.",
                "parameters": template_params,
                "responses": { "200": { "description": "The workbook", "content": { XLSX_TYPE: { "schema": binary.clone() } } },
                    "403": error("Outside the caller's scope"), "422": error("Unknown unit, period or programme") } },
            "post": { "summary": "Upload a filled template: every cell checked, stored all or nothing",
                "description": "Numbers may be numeric cells or Vietnamese text (1.260; 63,6). A blank value cell leaves the \
                    stored value; each filled row of a register sheet is added as a new row. Problems are named by sheet and \
                    cell (`Sổ hoạt động!E8`); a numerator above its denominator or parts that do not add up refuse the file. \
                    At most 5 MiB.",
                "parameters": unit_period.clone(),
                "requestBody": { "required": true, "content": { XLSX_TYPE: { "schema": binary.clone() } } },
                "responses": { "200": stored.clone(), "403": error("Outside the caller's scope"),
                    "413": error("The file is larger than 5 MiB"),
                    "422": error("Not an XLSX template, a template of another unit or period, or cells with problems; nothing was stored") } } },
        "/api/v1/values.csv": {
            "get": { "summary": "A unit's values for a period as CSV: element,disaggregation,value,comment (`.` decimals)",
                "parameters": unit_period.clone(),
                "responses": { "200": { "description": "The CSV", "content": { "text/csv": { "schema": { "type": "string" } } } },
                    "422": error("Unknown unit or period") } },
            "put": { "summary": "Write values from a CSV of the same columns, all or nothing; an empty value removes the stored one",
                "parameters": unit_period.clone(),
                "requestBody": { "required": true, "content": { "text/csv": { "schema": { "type": "string" } } } },
                "responses": { "200": stored.clone(), "413": error("The file is larger than 5 MiB"),
                    "422": error("Problems, named by line and column; nothing was stored") } },
            "post": { "summary": "Same as PUT",
                "parameters": unit_period,
                "requestBody": { "required": true, "content": { "text/csv": { "schema": { "type": "string" } } } },
                "responses": { "200": stored, "413": error("The file is larger than 5 MiB"),
                    "422": error("Problems, named by line and column; nothing was stored") } } }
    });
    if let (Some(out), Value::Object(paths)) = (doc["paths"].as_object_mut(), paths) {
        out.extend(paths);
    }
}
