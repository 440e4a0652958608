//! Exchange with DHIS2-family systems: `GET /api/v1/dataValueSets` (a unit's values, with its
//! whole subtree on `children=true`; JSON, CSV or ADX) and `POST /api/v1/dataValueSets` (the
//! same three formats from another system, saved through the same write path as a form:
//! checked, audited, rolled up), with DHIS2's import summary. Identifiers are mapped as `binhdang_domain::exchange` says.

use crate::AppState;
use crate::api::Query;
use crate::auth::{Authenticated, Caller, authorize, require_admin};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use binhdang_domain::Period;
use binhdang_domain::access::Action;
use binhdang_domain::disclosure::sees_small_counts;
use binhdang_domain::exchange::codes::CodeMap;
use binhdang_domain::exchange::{
    DataValueSet, XmlKind, dhis2_period, from_adx, from_csv, from_dxf2, to_adx, to_csv, to_dxf2, xml_kind,
};
use binhdang_engine::disclosure::{audit_unsuppressed, hidden_cells};
use binhdang_engine::exchange::{ImportSummary, period_of};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportQuery {
    org_unit: Option<String>,
    period: Option<String>,
    children: Option<bool>,
    /// binhdang's data sets are the catalogue's objectives and programmes, by number
    /// (`dataSet=3`: Objective 3's indicators); all when absent.
    data_set: Option<String>,
    /// `json` (default), `xml` (DHIS2's), `csv` or `adx`; else the `Accept` header decides.
    format: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportQuery {
    dry_run: Option<bool>,
}

fn missing(name: &str) -> ApiError {
    ApiError::invalid(
        name,
        "missing",
        format!("the query parameter `{name}` is required (e.g. orgUnit=12&period=2024S1)"),
        format!("Thiếu tham số `{name}` (ví dụ orgUnit=12&period=2024S1)"),
    )
}

/// `GET /api/v1/dataValueSets?orgUnit=&period=[&children=true][&format=json|csv|adx]`
pub async fn export(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let accept = headers.get(ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let format = match q.format.as_deref() {
        Some(f) => f.to_ascii_lowercase(),
        None if accept.contains("adx") => "adx".into(),
        None if accept.contains("csv") => "csv".into(),
        None if accept.contains("xml") => "xml".into(),
        None => "json".into(),
    };
    if !["json", "xml", "csv", "adx"].contains(&format.as_str()) {
        return Err(ApiError::invalid(
            "format",
            "bad_format",
            format!("`{format}` is not an exchange format: json, xml, csv or adx"),
            format!("`{format}` không phải định dạng trao đổi: json, xml, csv hoặc adx"),
        ));
    }
    let set = value_set(&state, &caller, &q).await?;
    Ok(match format.as_str() {
        "csv" => ([(CONTENT_TYPE, "application/csv; charset=utf-8")], to_csv(&set)).into_response(),
        "xml" => ([(CONTENT_TYPE, "application/xml; charset=utf-8")], to_dxf2(&set)).into_response(),
        "adx" => {
            let exported = state.store.clock().now_text();
            (
                [(CONTENT_TYPE, "application/adx+xml; charset=utf-8")],
                to_adx(&set, &exported),
            )
                .into_response()
        }
        _ => Json(set).into_response(),
    })
}

/// The values a request names, as a dataValueSet.
async fn value_set(state: &AppState, caller: &Caller, q: &ExportQuery) -> Result<DataValueSet, ApiError> {
    let code = q.org_unit.as_deref().ok_or_else(|| missing("orgUnit"))?;
    let text = q.period.as_deref().ok_or_else(|| missing("period"))?;
    let bad_period = |part: &str| {
        ApiError::invalid(
            "period",
            "not_exchangeable",
            format!(
                "`{part}` is not a period DHIS2 knows: a year (2024), half-year (2024S1), quarter (2024Q3) or month \
                 (202403); several are separated by commas, a range written 2021..2024"
            ),
            format!(
                "`{part}` không phải kỳ mà DHIS2 có: năm (2024), 6 tháng (2024S1), quý (2024Q3) hoặc tháng (202403); \
                 nhiều kỳ cách nhau bằng dấu phẩy, một khoảng viết 2021..2024"
            ),
        )
    };
    // Periods as DHIS2 lists them (`2024S1,2024S2`) or a range of binhdang's (`2021..2024`).
    let mut periods = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.contains("..") {
            let window: binhdang_domain::Window = part.parse().map_err(|_| bad_period(part))?;
            periods.extend(window.parts());
        } else {
            periods.push(period_of(part).ok_or_else(|| bad_period(part))?);
        }
    }
    if periods.is_empty() || periods.len() > 120 {
        return Err(bad_period(text));
    }
    let in_set = data_set_filter(state, q.data_set.as_deref()).await?;
    let mut set: Option<DataValueSet> = None;
    for period in periods {
        let id = dhis2_period(&period).ok_or_else(|| bad_period(&period.to_string()))?;
        let (unit, period) = state.store.resolve_unit_period(code, &period.to_string()).await?;
        authorize(state, caller, &unit, Action::Read).await?;
        let values =
            binhdang_engine::exchange::stored_values(&state.store, &unit, &period, q.children.unwrap_or(false)).await?;
        let values: Vec<_> = values.into_iter().filter(|(_, v)| in_set(&v.element)).collect();
        let values = withhold_small_cells(state, caller, &unit, &period, values).await?;
        let part = binhdang_engine::exchange::value_set(&state.store, &unit.code, &id, values).await?;
        match set.as_mut() {
            None => set = Some(part),
            Some(all) => {
                // Several periods: each value names its own.
                all.period = None;
                all.data_values.extend(part.data_values);
            }
        }
    }
    Ok(set.unwrap_or_default())
}

/// Which elements a `dataSet` (an objective's or programme's number) holds; every one without.
async fn data_set_filter(state: &AppState, data_set: Option<&str>) -> Result<impl Fn(&str) -> bool, ApiError> {
    let objective = match data_set.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => {
            let objectives = state.store.objectives().await?;
            let found = text
                .parse::<u32>()
                .ok()
                .filter(|n| objectives.iter().any(|o| o.number == *n));
            let names = objectives
                .iter()
                .map(|o| o.number.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            Some(found.ok_or_else(|| {
                ApiError::invalid(
                    "dataSet",
                    "unknown_data_set",
                    format!("`{text}` is not a data set: an objective or programme of the catalogue ({names})"),
                    format!("`{text}` không phải bộ số liệu: một mục tiêu hoặc chương trình của danh mục ({names})"),
                )
            })?)
        }
    };
    let indicators = state.store.indicators().await?;
    Ok(move |element: &str| {
        let code = binhdang_engine::scope::indicator_of(element);
        objective.is_none_or(|o| indicators.iter().any(|i| i.code == code && i.objective == o))
    })
}

/// Small-cell protection on the way out: a reader not entitled to detail gets the set without
/// the cells hidden from them; one who is entitled gets everything, and the download of cells
/// others could not see is written in the audit log.
async fn withhold_small_cells(
    state: &AppState,
    caller: &Caller,
    unit: &binhdang_store::UnitSummary,
    period: &Period,
    values: Vec<(String, binhdang_store::StoredValue)>,
) -> Result<Vec<(String, binhdang_store::StoredValue)>, ApiError> {
    let cells: Vec<_> = values
        .iter()
        .map(|(u, v)| (u.clone(), v.element.to_string(), v.disaggregation))
        .collect();
    let hidden = hidden_cells(&state.store, period, &cells).await?;
    let small = hidden.iter().filter(|h| h.is_some()).count();
    if small == 0 {
        return Ok(values);
    }
    if sees_small_counts(Some(caller.user.role)) {
        let period = period.to_string();
        audit_unsuppressed(&state.store, &caller.actor(), unit.id, &period, "dataValueSets", small).await?;
        return Ok(values);
    }
    Ok(values
        .into_iter()
        .zip(hidden)
        .filter_map(|(v, h)| h.is_none().then_some(v))
        .collect())
}

/// `POST /api/v1/dataValueSets[?dryRun=true]` with a dataValueSet (JSON, DHIS2's CSV with
/// `Content-Type: application/csv` or `text/csv`, DHIS2's XML or ADX with `application/xml`
/// or `application/adx+xml`, told apart by their root element). Values are grouped
/// by org unit and period; each group is saved as one form would be — all or nothing, so a
/// group with a refused value is ignored whole, and the summary names why.
pub async fn import(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: String,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let unreadable = |what: &str, e: String| ApiError::BadRequest {
        message_en: format!("the body is not a dataValueSet ({what}): {e}"),
        message_vi: format!("Nội dung gửi không phải dataValueSet ({what}): {e}"),
    };
    let set: DataValueSet = if content_type.contains("csv") {
        from_csv(&body).map_err(|e| unreadable("CSV", e))?
    } else if content_type.contains("xml") {
        // As DHIS2 does: the root element tells ADX from DHIS2's own XML.
        match xml_kind(&body) {
            Some(XmlKind::Dxf2) => from_dxf2(&body).map_err(|e| unreadable("DHIS2 XML", e))?,
            _ => from_adx(&body).map_err(|e| unreadable("ADX", e))?,
        }
    } else {
        serde_json::from_str(&body).map_err(|e| unreadable("JSON", e.to_string()))?
    };
    let dry_run = q.dry_run.or(set.dry_run).unwrap_or(false);
    let summary = binhdang_engine::exchange::import(&state.store, &caller.user, &caller.origin, &set, dry_run).await?;
    let http = if summary.status() == "ERROR" {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok((http, Json(summary_json(&summary))))
}

/// DHIS2's answer to an import (`WebMessage` with an `ImportSummary`), as `binhdang exchange
/// import` prints it too.
pub fn summary_json(summary: &ImportSummary) -> Value {
    let error = summary.status() == "ERROR";
    json!({
        "httpStatus": if error { "Conflict" } else { "OK" },
        "httpStatusCode": if error { 409 } else { 200 },
        "status": if error { "ERROR" } else { "OK" },
        "message": if summary.dry_run { "Dry run: nothing was written." } else { "Import done." },
        "response": {
            "responseType": "ImportSummary",
            "status": summary.status(),
            "importOptions": { "dryRun": summary.dry_run, "idScheme": "CODE" },
            "importCount": {
                "imported": summary.imported, "updated": summary.updated,
                "ignored": summary.ignored, "deleted": summary.deleted,
            },
            "conflicts": summary.conflicts,
            "rejectedIndexes": summary.rejected,
        },
    })
}

/// `GET /api/v1/exchange/codes`: the codes another system uses where they are not binhdang's.
pub async fn codes(State(state): State<AppState>, Authenticated(_): Authenticated) -> ApiResult<Json<CodeMap>> {
    Ok(Json(state.store.exchange_codes().await?))
}

/// `PUT /api/v1/exchange/codes` with the whole table (administrators; checked whole, audited).
pub async fn put_codes(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: String,
) -> ApiResult<Json<CodeMap>> {
    require_admin(&state, &caller, "exchange_codes").await?;
    let map: CodeMap = serde_json::from_str(&body).map_err(|e| {
        ApiError::invalid(
            "codes",
            "bad_code_map",
            format!("the body is not a table of codes ({{\"elements\": […], \"units\": […]}}): {e}"),
            format!("Nội dung không phải bảng mã ({{\"elements\": […], \"units\": […]}}): {e}"),
        )
    })?;
    state.store.set_exchange_codes(&map, &caller.actor()).await?;
    Ok(Json(state.store.exchange_codes().await?))
}

pub(crate) fn extend_openapi(doc: &mut Value) {
    let ok = |schema: Value| json!({ "description": "OK", "content": { "application/json": { "schema": schema } } });
    doc["paths"].as_object_mut().expect("paths").insert("/api/v1/exchange/codes".into(), json!({
        "get": { "summary": "The codes another system uses where they are not binhdang's (data element + breakdown ↔ \
            data element + category option combo; unit ↔ org unit); applied to every data value set in and out",
            "responses": { "200": ok(json!({ "type": "object", "properties": {
                "elements": { "type": "array", "items": { "type": "object" } },
                "units": { "type": "array", "items": { "type": "object" } } } })) } },
        "put": { "summary": "Replace the table of codes (administrators; checked whole, audited)",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
                "example": { "elements": [{ "element": "6.1.num", "breakdown": "female", "data_element": "GE_KNOW_N",
                    "category_option_combo": "rCTYfMhtCbk" }], "units": [{ "unit": "12", "org_unit": "VN_LAICHAU" }] } } } } },
            "responses": { "200": ok(json!({ "type": "object" })), "422": { "description": "A code given twice or unknown" } } } }));
    doc["paths"].as_object_mut().expect("paths").insert("/api/v1/dataValueSets".into(), json!({
        "get": { "summary": "A unit's values as a DHIS2 dataValueSet (idScheme CODE); children=true adds every unit below",
            "description": "orgUnit: GSO code; dataElement: binhdang's element code (6.1.num); categoryOptionCombo: male or \
                female, none for the total; period: DHIS2 ids (2024, 2024S1, 2024Q3, 202403) or binhdang's. Phases and the \
                Action Month have no DHIS2 period type (422).",
            "parameters": [
                { "name": "orgUnit", "in": "query", "required": true, "schema": { "type": "string" }, "example": "12" },
                { "name": "period", "in": "query", "required": true, "schema": { "type": "string" }, "example": "2025S1",
                  "description": "one period, several separated by commas (2024S1,2024S2), or a range (2021..2024)" },
                { "name": "children", "in": "query", "required": false, "schema": { "type": "boolean" } },
                { "name": "dataSet", "in": "query", "required": false, "schema": { "type": "string" }, "example": "6",
                  "description": "an objective's or programme's number: only its indicators' elements" },
                { "name": "format", "in": "query", "required": false, "schema": { "enum": ["json", "xml", "csv", "adx"] },
                  "description": "DHIS2 JSON (default), DHIS2 XML (DXF2), DHIS2 CSV, or ADX (IHE, SEX = M/F); else the Accept header decides" }],
            "responses": { "200": ok(json!({ "type": "object", "properties": {
                "dataValues": { "type": "array", "items": { "type": "object" } } } })),
                "422": { "description": "Refused" } } },
        "post": { "summary": "Import a DHIS2 dataValueSet (JSON, DHIS2 XML, DHIS2 CSV or ADX; idScheme CODE); dryRun=true checks without writing",
            "description": "Values are grouped by org unit and period; each group is saved as a form is (checked, audited, \
                rolled up), all or nothing. The answer is DHIS2's import summary: importCount, conflicts, rejectedIndexes; \
                409 when nothing could be imported.",
            "parameters": [{ "name": "dryRun", "in": "query", "required": false, "schema": { "type": "boolean" } }],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object" } },
                "application/csv": { "schema": { "type": "string" } },
                "application/xml": { "schema": { "type": "string" } },
                "application/adx+xml": { "schema": { "type": "string" } } } },
            "responses": { "200": ok(json!({ "type": "object" })), "400": { "description": "Not a dataValueSet" },
                "409": { "description": "Nothing imported" } } } }));
}
