//! The JSON API under `/api/v1`. Handlers parse their input into domain types, call the
//! store, and answer JSON; every refusal goes through [`ApiError`].

use crate::AppState;
use crate::auth::{Authenticated, Caller, authorize, body_json, require_admin};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use binhdang_domain::access::Action;
use binhdang_domain::catalogue::{Target, TargetOp};
use binhdang_domain::{Period, UnitCode, UnitLevel, vn};
use binhdang_store::{RawValue, UnitSummary, ValueInput};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::HashMap;
use time::Date;

pub(crate) type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

pub(crate) fn params(q: Params) -> Result<HashMap<String, String>, ApiError> {
    q.map(|Query(m)| m).map_err(|e| ApiError::BadRequest {
        message_en: format!("the query string cannot be read: {e}"),
        message_vi: format!("Không đọc được tham số truy vấn: {e}"),
    })
}

pub(crate) fn param<'a>(p: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    p.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

pub(crate) fn required<'a>(p: &'a HashMap<String, String>, name: &str, example: &str) -> Result<&'a str, ApiError> {
    param(p, name).ok_or_else(|| {
        ApiError::invalid(
            name,
            "missing",
            format!("the query parameter `{name}` is required (e.g. {name}={example})"),
            format!("Thiếu tham số `{name}` (ví dụ {name}={example})"),
        )
    })
}

pub(crate) fn parse_iso_date(field: &str, s: &str) -> Result<Date, ApiError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, format).map_err(|_| {
        ApiError::invalid(
            field,
            "bad_date",
            format!("`{s}` is not a date: use YYYY-MM-DD, e.g. 2026-01-01"),
            format!("`{s}` không phải ngày hợp lệ: dùng dạng YYYY-MM-DD, ví dụ 2026-01-01"),
        )
    })
}

pub(crate) fn period_json(p: &Period) -> Value {
    let (cut_from, cut_to) = p.data_cutoff();
    json!({
        "id": p.to_string(),
        "type": p.period_type().as_str(),
        "label_vi": p.label_vi(),
        "label_en": p.label_en(),
        "start": p.start().to_string(),
        "end": p.end().to_string(),
        "data_cutoff": { "from": cut_from.to_string(), "to": cut_to.to_string() },
    })
}

pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let backend = state.store.backend().name();
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok", "database": backend }))),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": backend })),
            )
        }
    }
}

/// `GET /api/v1/units?level=&date=&parent=`
pub async fn list_units(State(state): State<AppState>, q: Params) -> ApiResult<Json<Value>> {
    list_units_inner(&state, q).await
}

async fn list_units_inner(state: &AppState, q: Params) -> Result<Json<Value>, ApiError> {
    let p = params(q)?;
    let mut problems = Vec::new();
    let level = match param(&p, "level").map(str::parse::<UnitLevel>) {
        Some(Err(e)) => {
            problems.push(binhdang_store::FieldProblem::new(
                "level",
                "bad_level",
                e.to_string(),
                e.message_vi(),
            ));
            None
        }
        other => other.and_then(Result::ok),
    };
    let date = match param(&p, "date").map(|s| parse_iso_date("date", s)) {
        Some(Err(ApiError::Invalid(mut ps))) => {
            problems.append(&mut ps);
            state.store.today()
        }
        Some(Ok(d)) => d,
        _ => state.store.today(),
    };
    let parent = match param(&p, "parent").map(UnitCode::parse) {
        Some(Err(e)) => {
            problems.push(binhdang_store::FieldProblem::new(
                "parent",
                "bad_code",
                e.to_string(),
                e.message_vi(),
            ));
            None
        }
        other => other.and_then(Result::ok),
    };
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    if let Some(code) = &parent
        && !state.store.unit_code_exists(code.as_str()).await?
    {
        return Err(ApiError::Invalid(vec![binhdang_store::unknown_unit(
            "parent",
            code.as_str(),
        )]));
    }
    let units = state.store.units_valid_on(date, level, parent.as_ref()).await?;
    Ok(Json(
        json!({ "date": date.to_string(), "count": units.len(), "units": units }),
    ))
}

/// `GET /api/v1/units/{code}?date=`
pub async fn get_unit(State(state): State<AppState>, Path(code): Path<String>, q: Params) -> ApiResult<Json<Value>> {
    let p = params(q)?;
    let date = param(&p, "date")
        .map(|s| parse_iso_date("date", s))
        .transpose()?
        .unwrap_or_else(|| state.store.today());
    let detail = state.store.unit_detail(code.trim(), date).await?;
    Ok(Json(
        serde_json::to_value(detail).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// `GET /api/v1/indicators`
pub async fn list_indicators(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let objectives = state.store.objectives().await?;
    let indicators = state.store.indicators().await?;
    Ok(Json(
        json!({ "count": indicators.len(), "objectives": objectives, "indicators": indicators }),
    ))
}

/// `GET /api/v1/indicators/{code}`
pub async fn get_indicator(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<Json<Value>> {
    let detail = state.store.indicator_detail(code.trim()).await?;
    Ok(Json(
        serde_json::to_value(detail).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// `PUT /api/v1/indicators/{code}/local-targets` with `{"unit": "12", "phase": "2021-2025",
/// "op": ">=", "value": "50"}` (administrators): sets or replaces a unit's own target for a
/// phase and answers the indicator as `GET /api/v1/indicators/{code}` does.
pub async fn put_local_target(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "target.set").await?;
    let body = body_json(body)?;
    // A figure may come as a JSON number or as text; an absent field reads as empty and
    // is refused with the others.
    let field = |name: &str| match body.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let (unit, phase, op, value) = (field("unit"), field("phase"), field("op"), field("value"));
    let typed = LocalTargetInput {
        unit: &unit,
        indicator: code.trim(),
        phase: &phase,
        op: &op,
        value: &value,
    };
    set_local_target(&state, &caller, &typed, vn::parse_canonical).await?;
    let detail = state.store.indicator_detail(code.trim()).await?;
    Ok(Json(
        serde_json::to_value(detail).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// A local target as typed on the catalogue page or sent to the API.
pub(crate) struct LocalTargetInput<'a> {
    pub unit: &'a str,
    pub indicator: &'a str,
    pub phase: &'a str,
    pub op: &'a str,
    pub value: &'a str,
}

/// Reads a local target (the figure with `read_number`: Vietnamese on the page, canonical in
/// the API; a known comparison; a phase) and stores it, administrators only. What the form
/// cannot say is refused together; the store then refuses an unknown indicator, a unit that
/// did not exist during the phase and a figure the indicator cannot have, and audits the rest.
pub(crate) async fn set_local_target(
    state: &AppState,
    caller: &Caller,
    typed: &LocalTargetInput<'_>,
    read_number: fn(&str) -> Result<Decimal, vn::NumberError>,
) -> Result<(), ApiError> {
    require_admin(state, caller, "target.set").await?;
    let mut problems = Vec::new();
    let value = match read_number(typed.value) {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(binhdang_store::FieldProblem::new(
                "value",
                "not_a_number",
                e.to_string(),
                e.message_vi(),
            ));
            None
        }
    };
    let op = typed.op.trim().parse::<TargetOp>().ok();
    if op.is_none() {
        problems.push(binhdang_store::FieldProblem::new(
            "op",
            "bad_operator",
            "choose a comparison: >=, >, <=, <, = or ~".into(),
            "Hãy chọn cách so sánh: >=, >, <=, <, = hoặc ~".into(),
        ));
    }
    let phase = match typed.phase.trim().parse::<Period>() {
        Ok(p) => Some(p),
        Err(e) => {
            let mut p = binhdang_store::bad_period(&e);
            p.field = "phase".into();
            problems.push(p);
            None
        }
    };
    let (Some(value), Some(op), Some(phase), true) = (value, op, phase, problems.is_empty()) else {
        return Err(ApiError::Invalid(problems));
    };
    Ok(state
        .store
        .set_local_target(
            typed.unit.trim(),
            typed.indicator.trim(),
            &phase,
            Target { op, value },
            &caller.actor(),
        )
        .await?)
}

async fn unit_and_period(state: &AppState, p: &HashMap<String, String>) -> Result<(UnitSummary, Period), ApiError> {
    let unit = required(p, "unit", "12")?;
    let period = required(p, "period", "2024H1")?;
    Ok(state.store.resolve_unit_period(unit, period).await?)
}

async fn values_body(state: &AppState, unit: &UnitSummary, period: &Period) -> Result<Value, ApiError> {
    let values = state.store.values(unit, period).await?;
    Ok(json!({ "unit": unit, "period": period_json(period), "values": values }))
}

/// `GET /api/v1/values?unit=&period=`
pub async fn get_values(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    q: Params,
) -> ApiResult<Json<Value>> {
    let p = params(q)?;
    let (unit, period) = unit_and_period(&state, &p).await?;
    authorize(&state, &caller, &unit, Action::Read).await?;
    Ok(Json(values_body(&state, &unit, &period).await?))
}

/// `PUT /api/v1/values?unit=&period=` with `{"values": [{"element", "disaggregation", "value", "comment"}]}`.
pub async fn put_values(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    q: Params,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let Json(body) = body.map_err(|e| ApiError::BadRequest {
        message_en: format!("the body is not valid JSON: {}", e.body_text()),
        message_vi: format!("Nội dung gửi lên không phải JSON hợp lệ: {}", e.body_text()),
    })?;
    let inputs = value_inputs(&body)?;
    let p = params(q)?;
    let (unit, period) = unit_and_period(&state, &p).await?;
    authorize(&state, &caller, &unit, Action::Write).await?;
    // Validation runs on every save: errors block submission, warnings need a comment.
    let saved =
        binhdang_engine::save::save_and_validate(&state.store, &caller.user, &unit, &period, &inputs, &caller.actor())
            .await?;
    let mut out = values_body(&state, &unit, &period).await?;
    out["written"] = json!(saved.summary.written);
    out["deleted"] = json!(saved.summary.deleted);
    out["unchanged"] = json!(saved.summary.unchanged);
    out["validation"] = json!({ "errors": saved.errors, "warnings": saved.warnings,
            "unexplained_warnings": saved.unexplained_warnings, "findings": saved.findings });
    Ok(Json(out))
}

/// An officer tied to an agency enters only the indicators that agency answers for (the
/// engine's rule); for the channels that write through the store's batch path.
pub(crate) async fn check_agency(state: &AppState, caller: &Caller, inputs: &[ValueInput]) -> Result<(), ApiError> {
    let problems = binhdang_engine::scope::refuse_outside_agency(&state.store, &caller.user, inputs).await?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(binhdang_engine::Refusal::OutsideScope(problems).into())
    }
}

/// Reads `{"values": [...]}` into inputs, naming the field of every shape problem.
fn value_inputs(body: &Value) -> Result<Vec<ValueInput>, ApiError> {
    let shape = || {
        ApiError::invalid(
            "values",
            "bad_shape",
            "the body must be {\"values\": [{\"element\": \"1.1.num\", \"disaggregation\": \"total\", \"value\": \"12\"}]}"
                .into(),
            "Nội dung phải có dạng {\"values\": [{\"element\": \"1.1.num\", \"disaggregation\": \"total\", \"value\": \"12\"}]}"
                .into(),
        )
    };
    let items = body.get("values").and_then(Value::as_array).ok_or_else(shape)?;
    let mut problems = Vec::new();
    let mut inputs = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = |f: &str| format!("values[{i}].{f}");
        let Some(obj) = item.as_object() else {
            problems.push(binhdang_store::FieldProblem::new(
                format!("values[{i}]"),
                "bad_shape",
                "each value must be an object with element, disaggregation, value and optional comment".into(),
                "Mỗi giá trị phải là một đối tượng gồm element, disaggregation, value và comment (nếu có)".into(),
            ));
            continue;
        };
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_string);
        let Some(element) = text("element") else {
            problems.push(binhdang_store::FieldProblem::new(
                field("element"),
                "missing",
                "`element` (a data element code such as 1.1.num) is required".into(),
                "Thiếu `element` (mã chỉ tiêu dữ liệu, ví dụ 1.1.num)".into(),
            ));
            continue;
        };
        let value = match obj.get("value") {
            None => {
                problems.push(binhdang_store::FieldProblem::new(
                    field("value"),
                    "missing",
                    "`value` is required (null removes the stored value)".into(),
                    "Thiếu `value` (null để xóa giá trị đã lưu)".into(),
                ));
                continue;
            }
            Some(Value::Null) => RawValue::Null,
            Some(Value::Number(n)) => RawValue::Number(n.to_string()),
            Some(Value::String(s)) => RawValue::Text(s.clone()),
            Some(other) => {
                problems.push(binhdang_store::FieldProblem::new(
                    field("value"),
                    "not_a_number",
                    format!("`value` must be a number, a string or null, not {other}"),
                    format!("`value` phải là số, chuỗi hoặc null, không phải {other}"),
                ));
                continue;
            }
        };
        inputs.push(ValueInput {
            element,
            disaggregation: text("disaggregation"),
            value,
            comment: text("comment"),
            source: None,
        });
    }
    if problems.is_empty() {
        Ok(inputs)
    } else {
        Err(ApiError::Invalid(problems))
    }
}

/// Unknown paths under the API answer JSON too.
pub async fn not_found() -> ApiError {
    ApiError::NotFound {
        code: "no_route",
        message_en: "no such API route; see /api/v1/openapi.json".into(),
        message_vi: "Không có đường dẫn API này; xem /api/v1/openapi.json".into(),
    }
}
