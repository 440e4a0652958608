//! Administrative units in time: `GET /units`, `GET /units/{code}`, and the health check.

use crate::AppState;
use crate::api::parse_iso_date;
use crate::api::{Params, param, params};
use crate::error::ApiError;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use binhdang_domain::UnitCode;
use binhdang_domain::UnitLevel;
use serde_json::Value;
use serde_json::json;

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
