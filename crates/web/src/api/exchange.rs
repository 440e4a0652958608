//! Exchange with DHIS2-family systems: `GET /api/v1/dataValueSets` (a unit's values, with its
//! whole subtree on `children=true`; JSON, CSV or ADX) and `POST /api/v1/dataValueSets` (the
//! same three formats from another system, saved through the same write path as a form:
//! checked, audited, rolled up), with DHIS2's import summary. Identifiers are mapped as `binhdang_domain::exchange` says.

use crate::AppState;
use crate::api::Query;
use crate::auth::{Authenticated, Caller, authorize};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use binhdang_domain::Period;
use binhdang_domain::access::Action;
use binhdang_domain::disclosure::sees_small_counts;
use binhdang_domain::exchange::{
    DataValue, DataValueSet, XmlKind, combo_of, dhis2_period, disaggregation_of, from_adx, from_csv, from_dhis2_period,
    from_dxf2, to_adx, to_csv, to_dxf2, xml_kind,
};
use binhdang_engine::disclosure::hidden_cells;
use binhdang_store::{RawValue, Sums, ValueInput};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportQuery {
    org_unit: Option<String>,
    period: Option<String>,
    children: Option<bool>,
    /// `json` (default), `xml` (DHIS2's), `csv` or `adx`; else the `Accept` header decides.
    format: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportQuery {
    dry_run: Option<bool>,
}

/// A period as DHIS2 (`2024S1`) or binhdang (`2024H1`) writes it.
fn period_of(text: &str) -> Option<Period> {
    from_dhis2_period(text).or_else(|| text.parse().ok())
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
    let bad_period = || {
        ApiError::invalid(
            "period",
            "not_exchangeable",
            format!(
                "`{text}` is not a period DHIS2 knows: a year (2024), half-year (2024S1), quarter (2024Q3) or month (202403)"
            ),
            format!(
                "`{text}` không phải kỳ mà DHIS2 có: năm (2024), 6 tháng (2024S1), quý (2024Q3) hoặc tháng (202403)"
            ),
        )
    };
    let period = period_of(text).ok_or_else(bad_period)?;
    let id = dhis2_period(&period).ok_or_else(bad_period)?;
    let (unit, period) = state.store.resolve_unit_period(code, &period.to_string()).await?;
    authorize(state, caller, &unit, Action::Read).await?;
    let values = if q.children.unwrap_or(false) {
        state.store.values_in_subtree(&unit, &period).await?
    } else {
        let own = state.store.values(&unit, &period).await?;
        own.into_iter().map(|v| (unit.code.clone(), v)).collect()
    };
    let values = withhold_small_cells(state, caller, &unit, &period, values).await?;
    let data_values = values
        .into_iter()
        .map(|(org_unit, v)| DataValue {
            data_element: v.element,
            period: Some(id.clone()),
            org_unit: Some(org_unit),
            category_option_combo: combo_of(v.disaggregation).map(str::to_string),
            value: v.value.or(v.text),
            comment: v.comment,
            stored_by: Some(v.updated_by),
            last_updated: Some(v.updated_at),
            ..DataValue::default()
        })
        .collect();
    Ok(DataValueSet {
        period: Some(id),
        org_unit: Some(unit.code),
        data_values,
        ..DataValueSet::default()
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
        .map(|(u, v)| (u.clone(), v.element.clone(), v.disaggregation))
        .collect();
    let hidden = hidden_cells(&state.store, Sums::All, period, &cells).await?;
    let small = hidden.iter().filter(|h| h.is_some()).count();
    if small == 0 {
        return Ok(values);
    }
    if sees_small_counts(Some(caller.user.role)) {
        let actor = caller.actor();
        state
            .store
            .audit(&binhdang_store::AuditEntry {
                actor: &actor.name,
                origin: &actor.origin,
                action: "download_unsuppressed",
                unit_id: Some(unit.id),
                period: Some(&period.to_string()),
                subject: "dataValueSets",
                old_value: None,
                new_value: Some(json!({ "small_cells": small })),
                reason: None,
            })
            .await?;
        return Ok(values);
    }
    Ok(values
        .into_iter()
        .zip(hidden)
        .filter_map(|(v, h)| h.is_none().then_some(v))
        .collect())
}

/// What an import did, counted as DHIS2 counts it.
#[derive(Default)]
struct Counts {
    imported: usize,
    updated: usize,
    deleted: usize,
    ignored: usize,
    conflicts: Vec<Value>,
    rejected: Vec<usize>,
}

impl Counts {
    fn conflict(&mut self, indexes: &[usize], object: &str, message: String) {
        self.conflicts
            .push(json!({ "object": object, "value": message, "indexes": indexes }));
        self.rejected.extend_from_slice(indexes);
        self.ignored += indexes.len();
    }
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
    let mut counts = Counts::default();
    let mut groups: BTreeMap<(String, String), Vec<(usize, ValueInput)>> = BTreeMap::new();
    for (i, v) in set.data_values.iter().enumerate() {
        let org_unit = v.org_unit.as_deref().or(set.org_unit.as_deref()).unwrap_or("").trim();
        let period_text = v.period.as_deref().or(set.period.as_deref()).unwrap_or("");
        let Some(period) = period_of(period_text) else {
            counts.conflict(
                &[i],
                period_text,
                format!("`{period_text}` is not a period (2024, 2024S1, 2024Q3, 202403)"),
            );
            continue;
        };
        let Some(d) = disaggregation_of(v.category_option_combo.as_deref()) else {
            let combo = v.category_option_combo.clone().unwrap_or_default();
            counts.conflict(
                &[i],
                &combo,
                format!("`{combo}` is not a category option combo: male, female or default"),
            );
            continue;
        };
        let value = match (&v.value, v.deleted.unwrap_or(false)) {
            (_, true) | (None, _) => RawValue::Null,
            (Some(text), false) => RawValue::Text(text.clone()),
        };
        let input = ValueInput {
            element: v.data_element.trim().to_string(),
            disaggregation: Some(d.as_str().to_string()),
            value,
            comment: v.comment.clone(),
            source: Some("DHIS2 dataValueSet".into()),
            expected: None,
        };
        groups
            .entry((org_unit.to_string(), period.to_string()))
            .or_default()
            .push((i, input));
    }
    for ((org_unit, period), values) in groups {
        import_group(&state, &caller, &org_unit, &period, values, dry_run, &mut counts).await?;
    }
    let status = match (counts.rejected.len(), set.data_values.len()) {
        (0, _) => "SUCCESS",
        (r, n) if r < n => "WARNING",
        _ => "ERROR",
    };
    let http = if status == "ERROR" {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok((
        http,
        Json(json!({
            "httpStatus": if status == "ERROR" { "Conflict" } else { "OK" },
            "httpStatusCode": http.as_u16(),
            "status": if status == "ERROR" { "ERROR" } else { "OK" },
            "message": if dry_run { "Dry run: nothing was written." } else { "Import done." },
            "response": {
                "responseType": "ImportSummary",
                "status": status,
                "importOptions": { "dryRun": dry_run, "idScheme": "CODE" },
                "importCount": {
                    "imported": counts.imported, "updated": counts.updated,
                    "ignored": counts.ignored, "deleted": counts.deleted,
                },
                "conflicts": counts.conflicts,
                "rejectedIndexes": counts.rejected,
            },
        })),
    ))
}

/// One org unit × period of an import: resolved, authorized, counted against what is stored,
/// and (unless a dry run) saved through the engine.
async fn import_group(
    state: &AppState,
    caller: &Caller,
    org_unit: &str,
    period: &str,
    values: Vec<(usize, ValueInput)>,
    dry_run: bool,
    counts: &mut Counts,
) -> Result<(), ApiError> {
    let indexes: Vec<usize> = values.iter().map(|(i, _)| *i).collect();
    let (unit, period) = match state.store.resolve_unit_period(org_unit, period).await {
        Ok(found) => found,
        Err(e) => {
            counts.conflict(&indexes, org_unit, refusal_text(ApiError::from(e))?);
            return Ok(());
        }
    };
    if let Err(e) = authorize(state, caller, &unit, Action::Write).await {
        counts.conflict(&indexes, org_unit, refusal_text(e)?);
        return Ok(());
    }
    let stored = state.store.values_by_key(&unit, &period).await?;
    let inputs: Vec<ValueInput> = values.into_iter().map(|(_, v)| v).collect();
    let refused = if dry_run {
        state
            .store
            .check_values(&unit, &period, &inputs)
            .await
            .err()
            .map(ApiError::from)
    } else {
        binhdang_engine::save::write(
            &state.store,
            &caller.user,
            &unit,
            &period,
            &inputs,
            &caller.actor_for(&unit),
        )
        .await
        .err()
        .map(ApiError::from)
    };
    if let Some(refusal) = refused {
        counts.conflict(&indexes, org_unit, refusal_text(refusal)?);
        return Ok(());
    }
    for v in &inputs {
        let d = v
            .disaggregation
            .as_deref()
            .and_then(|d| d.parse().ok())
            .unwrap_or(binhdang_domain::Disaggregation::Total);
        let before = stored.get(&(v.element.clone(), d));
        match (&v.value, before) {
            (RawValue::Null, Some(_)) => counts.deleted += 1,
            (RawValue::Null, None) => counts.ignored += 1,
            (_, None) => counts.imported += 1,
            (RawValue::Text(t), Some(old)) if old.value.as_deref() == Some(t.as_str()) => counts.ignored += 1,
            (_, Some(_)) => counts.updated += 1,
        }
    }
    Ok(())
}

/// A refusal of a group as one line of the import's conflicts; what is not a refusal (the
/// server is busy, the database failed) stops the import and is answered as such.
fn refusal_text(e: ApiError) -> Result<String, ApiError> {
    match e {
        ApiError::Invalid(problems) => Ok(problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message_en))
            .collect::<Vec<_>>()
            .join("; ")),
        ApiError::NotFound { message_en, .. } | ApiError::Forbidden { message_en, .. } => Ok(message_en),
        other => Err(other),
    }
}

pub(crate) fn extend_openapi(doc: &mut Value) {
    let ok = |schema: Value| json!({ "description": "OK", "content": { "application/json": { "schema": schema } } });
    doc["paths"].as_object_mut().expect("paths").insert("/api/v1/dataValueSets".into(), json!({
        "get": { "summary": "A unit's values as a DHIS2 dataValueSet (idScheme CODE); children=true adds every unit below",
            "description": "orgUnit: GSO code; dataElement: binhdang's element code (6.1.num); categoryOptionCombo: male or \
                female, none for the total; period: DHIS2 ids (2024, 2024S1, 2024Q3, 202403) or binhdang's. Phases and the \
                Action Month have no DHIS2 period type (422).",
            "parameters": [
                { "name": "orgUnit", "in": "query", "required": true, "schema": { "type": "string" }, "example": "12" },
                { "name": "period", "in": "query", "required": true, "schema": { "type": "string" }, "example": "2025S1" },
                { "name": "children", "in": "query", "required": false, "schema": { "type": "boolean" } },
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
