//! Official documents over HTTP: `GET /api/v1/reports/{kind}?unit=&period=&format=` and the
//! narrative blocks a report prints, `GET/PUT /api/v1/reports/narrative?unit=&period=`.

use crate::AppState;
use crate::api::monitoring::window_json;
use crate::api::unit_period::FigureUnitWindow;
use crate::api::workflow::programme_of;
use crate::api::{JsonBody, Query, given, parse_iso_date};
use crate::auth::{Authenticated, Caller, authorize};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use binhdang_domain::Window;
use binhdang_domain::access::Action;
use binhdang_reports::{Format, Kind, ReportError, Request, Template};
use binhdang_store::{NARRATIVE_SECTIONS, UnitSummary};
use serde::Deserialize;
use serde_json::{Value, json};

impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> ApiError {
        match e {
            ReportError::Store(s) => s.into(),
            ReportError::NotAPhase(period) => ApiError::invalid(
                "period",
                "review_needs_a_phase",
                format!("a review is written for a phase (e.g. 2021-2025), not for {period}"),
                format!("Báo cáo tổng kết được lập cho một giai đoạn (ví dụ 2021-2025), không cho kỳ {period}"),
            ),
            ReportError::NotForWindow { kind, window } => ApiError::invalid(
                "period",
                "report_needs_a_year",
                format!("the {kind} report is written for a year or an Action Month (2024, 2024AM), not for {window}"),
                format!(
                    "{} được lập cho một năm hoặc một Tháng hành động (2024, 2024AM), không cho {window}",
                    kind.name_vi()
                ),
            ),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// A document kind by its slug (`strategy`, `assessment`, …).
pub fn parse_kind(slug: &str) -> Result<Kind, ApiError> {
    slug.parse().map_err(|e: String| ApiError::NotFound {
        code: "unknown_report",
        message_en: e,
        message_vi: format!(
            "Không có loại báo cáo `{slug}`: {}",
            Kind::ALL.iter().map(Kind::slug).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// A file format by its extension; PDF when none is named.
pub fn parse_format(name: Option<&str>) -> Result<Format, ApiError> {
    name.unwrap_or("pdf").parse().map_err(|e: String| {
        ApiError::invalid(
            "format",
            "bad_format",
            e,
            "Định dạng phải là docx, pdf hoặc xlsx".into(),
        )
    })
}

/// The query of `GET /reports/{kind}` besides the unit and period.
#[derive(Deserialize)]
pub struct ReportQuery {
    /// `docx`, `pdf` (default) or `xlsx`.
    format: Option<String>,
    /// The document's date, YYYY-MM-DD (default today).
    date: Option<String>,
    /// The programme the report is sent under (default: the first that reports on the period).
    programme: Option<String>,
}

/// `GET /api/v1/reports/{kind}?unit=&period=&format=docx|pdf|xlsx[&date=YYYY-MM-DD][&programme=]`;
/// `period` is a period, a range (`2021..2024H1`) or dates (`2021-01-01..2024-07-31`, the law
/// report's window). An unknown kind is refused before the unit and period.
pub async fn get_report(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(kind): Path<String>,
    target: Result<FigureUnitWindow, ApiError>,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    let kind = parse_kind(&kind)?;
    let FigureUnitWindow { unit, window } = target?;
    let format = parse_format(given(&q.format))?;
    let date = match given(&q.date) {
        Some(d) => parse_iso_date("date", d)?,
        None => state.store.today(),
    };
    let programme = match (given(&q.programme), window.period()) {
        (None, _) => None,
        (Some(code), Some(period)) => Some(programme_of(&state, &period, Some(code)).await?.code),
        (Some(_), None) => {
            return Err(ApiError::invalid(
                "programme",
                "programme_needs_a_period",
                format!("a report over {window} is sent under no programme: name a period, or leave out `programme`"),
                format!(
                    "Báo cáo {} không thuộc chế độ báo cáo nào: hãy chọn một kỳ báo cáo, hoặc bỏ tham số `programme`",
                    window.label_vi().to_lowercase()
                ),
            ));
        }
    };
    let asked = Asked {
        kind,
        unit: &unit,
        window,
        programme: programme.as_deref(),
        date,
    };
    document(&state, &caller, &asked, format).await
}

/// A document asked for: the report's request without its template (found for the unit).
#[derive(Clone, Copy)]
pub struct Asked<'a> {
    pub kind: Kind,
    pub unit: &'a UnitSummary,
    pub window: Window,
    pub programme: Option<&'a str>,
    pub date: time::Date,
}

/// Official documents print a unit's counts and its units' as they are: someone not entitled to
/// detail may download one only where small-cell protection would withhold nothing in it (the
/// unit's figures and those of the units below it), else the open-data pages are the way; an
/// entitled download of one that holds such counts is written in the audit log.
async fn small_counts_in_document(
    state: &AppState,
    caller: &Caller,
    unit: &binhdang_store::UnitSummary,
    window: binhdang_domain::Window,
) -> Result<(), ApiError> {
    let sums = binhdang_store::Sums::All;
    let mut figures = state.store.figures_over(sums, unit, &window, &[]).await?;
    let below = state.store.reporting_children(unit, window).await?;
    for of_child in state.store.figures_over_units(sums, &below, &window, &[]).await? {
        figures.extend(of_child);
    }
    if !binhdang_engine::disclosure::protect_figures(&state.store, &mut figures).await? {
        return Ok(());
    }
    if binhdang_domain::disclosure::sees_small_counts(Some(caller.user.role)) {
        let withheld = figures.iter().map(|f| f.withheld.len()).sum();
        let period = window.to_string();
        binhdang_engine::disclosure::audit_unsuppressed(
            &state.store,
            &caller.actor(),
            unit.id,
            &period,
            "report",
            withheld,
        )
        .await?;
        return Ok(());
    }
    Err(ApiError::Forbidden {
        code: "small_counts",
        message_en: format!(
            "the documents of {} print counts small enough to identify people: viewers read the published \
             figures at /du-lieu-mo instead",
            unit.full_name
        ),
        message_vi: format!(
            "Văn bản của {} có những số nhỏ có thể nhận ra người được đếm: người xem đọc số liệu đã công bố tại \
             /du-lieu-mo",
            unit.full_name
        ),
    })
}

/// A unit's document as a download, once the caller may read the unit: what both the API and
/// the interface's download links answer.
pub async fn document(
    state: &AppState,
    caller: &Caller,
    asked: &Asked<'_>,
    format: Format,
) -> Result<Response, ApiError> {
    let Asked {
        kind,
        unit,
        window,
        programme,
        date,
    } = *asked;
    authorize(state, caller, unit, Action::Read).await?;
    small_counts_in_document(state, caller, unit, window).await?;
    let dir = binhdang_reports::template::configured_dir();
    let (template, source) = Template::find(dir.as_deref(), &unit.code).map_err(ReportError::from)?;
    if matches!(source, binhdang_reports::template::TemplateSource::Default(_)) {
        tracing::info!("report {kind} of {}: {source}", unit.code);
    }
    let doc = binhdang_reports::build(
        &state.store,
        &Request {
            kind,
            unit,
            window,
            programme,
            date,
            template: &template,
        },
    )
    .await?;
    // Laying out and compressing is CPU work: off the async workers.
    let (bytes, name) = tokio::task::spawn_blocking(move || {
        binhdang_reports::render(&doc, format).map(|b| (b, binhdang_reports::file_name(&doc, format)))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok((
        [
            (CONTENT_TYPE, format.content_type().to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

fn narrative_json(
    unit: &UnitSummary,
    window: &Window,
    narrative: &std::collections::BTreeMap<String, String>,
) -> Value {
    json!({
        "unit": unit,
        "period": window_json(window),
        "narrative": narrative,
        "sections": NARRATIVE_SECTIONS.iter().map(|(k, vi, en)| json!({"key": k, "name_vi": vi, "name_en": en})).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/reports/narrative?unit=&period=`; `period` may be a window, as for the reports.
pub async fn get_narrative(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    FigureUnitWindow { unit, window }: FigureUnitWindow,
) -> ApiResult<Json<Value>> {
    authorize(&state, &caller, &unit, Action::Read).await?;
    let narrative = state.store.report_narrative(&unit, window).await?;
    Ok(Json(narrative_json(&unit, &window, &narrative)))
}

/// `PUT /api/v1/reports/narrative?unit=&period=` with `{"difficulties": "…", "tasks": null}`:
/// sets or (with null or "") removes sections; the others stay as they are. A reporting
/// period's text is locked once its report is sent; a window of one's own (a law report's
/// dates) follows no deadline.
///
/// The body stays a `Value`: its keys are data (the store refuses an unknown section, 422), a
/// section that is not text is a 422 naming it, and a body that is not an object has its own
/// 400 showing the expected shape — all checked here, after the unit, period and scope (which
/// are refused once the body has been read).
pub async fn put_narrative(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    target: Result<FigureUnitWindow, ApiError>,
    body: Result<JsonBody<Value>, ApiError>,
) -> ApiResult<Json<Value>> {
    let FigureUnitWindow { unit, window } = target?;
    authorize(&state, &caller, &unit, Action::Write).await?;
    let JsonBody(body) = body?;
    let Some(object) = body.as_object() else {
        return Err(ApiError::BadRequest {
            message_en: "send an object of sections: {\"difficulties\": \"…\"}".into(),
            message_vi: "Cần gửi một đối tượng gồm các mục: {\"difficulties\": \"…\"}".into(),
        });
    };
    let mut changes = Vec::new();
    let mut problems = Vec::new();
    for (key, value) in object {
        match value {
            Value::Null => changes.push((key.clone(), None)),
            Value::String(s) => changes.push((key.clone(), Some(s.clone()))),
            _ => problems.push(binhdang_store::FieldProblem::new(
                key,
                "not_text",
                "a section is text, or null to remove it".into(),
                "Mỗi mục là một đoạn văn bản, hoặc null để xóa".into(),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    if let Some(period) = window.period() {
        state
            .store
            .check_entry_open(&unit, &period, state.store.today())
            .await?;
    }
    let narrative = state
        .store
        .put_report_narrative(&unit, window, &changes, &caller.actor())
        .await?;
    Ok(Json(narrative_json(&unit, &window, &narrative)))
}

/// The OpenAPI paths of the report routes.
pub fn extend_openapi(doc: &mut Value) {
    let unit_period = || {
        vec![
            json!({ "name": "unit", "in": "query", "required": true, "schema": { "type": "string" }, "example": "12" }),
            json!({ "name": "period", "in": "query", "required": true, "schema": { "type": "string" }, "example": "2024",
                "description": "2024, 2024H1, 2021-2025, 2024AM (an action-month report for a year means that year's Action Month)" }),
        ]
    };
    let mut report_params = unit_period();
    report_params.insert(
        0,
        json!({ "name": "kind", "in": "path", "required": true,
            "schema": { "enum": Kind::ALL.iter().map(Kind::slug).collect::<Vec<_>>() }, "example": "strategy" }),
    );
    report_params.push(json!({ "name": "format", "in": "query", "required": false,
        "schema": { "enum": ["docx", "pdf", "xlsx"], "default": "pdf" } }));
    report_params.push(json!({ "name": "date", "in": "query", "required": false,
        "schema": { "type": "string", "format": "date" }, "description": "The document's date (default today)" }));
    let sections: serde_json::Map<String, Value> = NARRATIVE_SECTIONS
        .iter()
        .map(|(k, vi, _)| {
            (
                (*k).to_string(),
                json!({ "type": ["string", "null"], "description": vi }),
            )
        })
        .collect();
    let paths = doc["paths"].as_object_mut().expect("paths");
    paths.insert(
        "/api/v1/reports/{kind}".into(),
        json!({ "get": {
            "summary": "An official document of a unit for a period (Nghị định 30/2020/NĐ-CP layout) as DOCX, PDF or XLSX; marked DỰ THẢO until the unit's report is approved",
            "parameters": report_params,
            "responses": {
                "200": { "description": "The file", "content": {
                    "application/pdf": { "schema": { "type": "string", "format": "binary" } },
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { "schema": { "type": "string", "format": "binary" } },
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "format": "binary" } } } },
                "404": { "description": "No such report" },
                "422": { "description": "Unknown unit or period, or a bad format" } } } }),
    );
    paths.insert(
        "/api/v1/reports/narrative".into(),
        json!({
            "get": { "summary": "The narrative blocks of a unit's report for a period", "parameters": unit_period(),
                "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } } } },
            "put": { "summary": "Set (text) or remove (null) narrative blocks of a unit's report; audited; refused once the report is submitted or approved",
                "parameters": unit_period(),
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "properties": sections, "additionalProperties": false } } } },
                "responses": { "200": { "description": "The narrative as stored", "content": { "application/json": { "schema": { "type": "object" } } } },
                    "422": { "description": "Unknown section, or a block too long; nothing was changed" } } } }),
    );
}
