//! The indicator catalogue and local targets: `GET /indicators`, `GET /indicators/{code}`,
//! `POST /indicators` (add), `DELETE /indicators/{code}`, `PUT /indicators/{code}/local-targets`.

use crate::AppState;
use crate::api::JsonBody;
use crate::auth::Authenticated;
use crate::auth::Caller;
use crate::auth::require_admin;
use crate::error::ApiError;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::Path;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::http::header;
use binhdang_domain::IndicatorRecord;
use binhdang_domain::Period;
use binhdang_domain::catalogue::Target;
use binhdang_domain::catalogue::TargetOp;
use binhdang_domain::vn;
use binhdang_store::catalogue_changes;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;

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

/// `POST /api/v1/indicators` (administrators): adds indicators in the shape of a row of the
/// shipped `indicators.csv` (columns in `catalogue_changes::INDICATOR_COLUMNS`), as one JSON
/// object, a JSON array of them, or a CSV or tab-separated list (`Content-Type: text/csv`).
/// All or none; answers 201 with the codes added, or 422 naming each row and column wrong.
pub async fn add_indicators(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    body: String,
) -> ApiResult<(StatusCode, Json<Value>)> {
    require_admin(&state, &caller, "indicator.create").await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let rows: Vec<IndicatorRecord> = if content_type.contains("csv") || content_type.contains("tab-separated") {
        catalogue_changes::parse_indicator_list(&body)?
    } else {
        let unreadable = |e: serde_json::Error| ApiError::BadRequest {
            message_en: format!("the body is not an indicator (JSON object or array of them): {e}"),
            message_vi: format!("Nội dung gửi lên không phải chỉ tiêu (đối tượng JSON hoặc mảng): {e}"),
        };
        match serde_json::from_str::<Value>(&body).map_err(unreadable)? {
            Value::Array(items) => items
                .into_iter()
                .map(serde_json::from_value)
                .collect::<Result<_, _>>()
                .map_err(unreadable)?,
            one => vec![serde_json::from_value(one).map_err(unreadable)?],
        }
    };
    let added = state.store.add_indicators(&rows, &caller.actor()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "added": added }))))
}

/// `PUT /api/v1/indicators/{code}` (administrators) with any of `name_vi`, `name_en`,
/// `numerator_vi`, `denominator_vi`, `responsible_agency` and, for an added indicator,
/// `target_2025_op`/`target_2025`/`target_2030_op`/`target_2030` (empty removes the target):
/// answers the indicator as `GET` does; audited with the old and new indicator.
pub async fn update_indicator(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
    body: Result<JsonBody<catalogue_changes::IndicatorChange>, ApiError>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "indicator.update").await?;
    let JsonBody(change) = body?;
    state
        .store
        .update_indicator(code.trim(), &change, &caller.actor())
        .await?;
    let detail = state.store.indicator_detail(code.trim()).await?;
    Ok(Json(
        serde_json::to_value(detail).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// `DELETE /api/v1/indicators/{code}` (administrators): removes an indicator that was added
/// and holds no data; the national catalogue's stay (422).
pub async fn remove_indicator(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
) -> ApiResult<StatusCode> {
    require_admin(&state, &caller, "indicator.remove").await?;
    state.store.remove_indicator(code.trim(), &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The body of `PUT /indicators/{code}/local-targets`. Each field may be text or a JSON
/// number; anything else reads as empty and is refused with the others (422 naming it).
#[derive(Deserialize)]
pub struct LocalTargetBody {
    unit: Option<Value>,
    phase: Option<Value>,
    op: Option<Value>,
    value: Option<Value>,
}

/// A local target's field as text: a string, a number's digits, or empty.
fn figure_text(field: &Option<Value>) -> String {
    match field {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// `PUT /api/v1/indicators/{code}/local-targets` with `{"unit": "12", "phase": "2021-2025",
/// "op": ">=", "value": "50"}` (administrators): sets or replaces a unit's own target for a
/// phase and answers the indicator as `GET /api/v1/indicators/{code}` does.
pub async fn put_local_target(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
    body: Result<JsonBody<LocalTargetBody>, ApiError>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "target.set").await?;
    let JsonBody(body) = body?;
    let [unit, phase, op, value] = [&body.unit, &body.phase, &body.op, &body.value].map(figure_text);
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

/// `GET /api/v1/small-cells`: the threshold of small-cell protection in force for each data
/// element that rolls up, and whether an administrator set it or the default rule gives it.
pub async fn small_cells(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let set = state.store.small_cell_thresholds().await?;
    let mut elements = Vec::new();
    for indicator in state.store.indicators().await? {
        let in_force = binhdang_engine::disclosure::thresholds(&state.store, &indicator).await?;
        for e in
            state.store.data_elements().await?.iter().filter(|e| {
                e.indicator.as_deref() == Some(indicator.code.as_str()) && binhdang_domain::rollup::rolls_up(e)
            })
        {
            elements.push(json!({
                "element": e.code, "threshold": in_force.get(e.code.as_str()),
                "set_by": if set.contains_key(e.code.as_str()) { "administrator" } else { "default" },
            }));
        }
    }
    Ok(Json(json!({
        "default_threshold": binhdang_domain::disclosure::DEFAULT_THRESHOLD,
        "who_sees_small_counts": ["admin", "officer", "reviewer", "leader"],
        "elements": elements,
    })))
}

#[derive(Deserialize)]
pub struct ThresholdBody {
    /// A whole number (0 protects nothing), or null for the default rule.
    threshold: Option<Value>,
}

/// `PUT /api/v1/small-cells/{element}` with `{"threshold": 10}` or `{"threshold": null}`
/// (administrators; audited).
pub async fn put_small_cell_threshold(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(element): Path<String>,
    JsonBody(body): JsonBody<ThresholdBody>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "small_cell_threshold").await?;
    let threshold = match &body.threshold {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| {
            ApiError::invalid(
                "threshold",
                "bad_threshold",
                format!("`{v}` is not a threshold: a whole number from 0 (nothing protected), or null"),
                format!("`{v}` không phải ngưỡng: một số nguyên từ 0 (không bảo vệ), hoặc null"),
            )
        })?),
    };
    state
        .store
        .set_small_cell_threshold(element.trim(), threshold, &caller.actor())
        .await?;
    Ok(Json(json!({ "element": element.trim(), "threshold": threshold })))
}
