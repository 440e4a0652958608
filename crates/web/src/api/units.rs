//! Administrative units in time: `GET /units`, `GET /units/{code}`, and the health check.

use crate::AppState;
use crate::api::parse_iso_date;
use crate::api::{Query, given};
use crate::error::ApiError;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use binhdang_domain::UnitCode;
use binhdang_domain::UnitLevel;
use serde::Deserialize;
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

/// The query of `GET /units`.
#[derive(Deserialize)]
pub struct UnitsQuery {
    level: Option<String>,
    date: Option<String>,
    parent: Option<String>,
}

/// The query of `GET /units/{code}`.
#[derive(Deserialize)]
pub struct UnitQuery {
    date: Option<String>,
}

/// `GET /api/v1/units?level=&date=&parent=`
pub async fn list_units(State(state): State<AppState>, Query(q): Query<UnitsQuery>) -> ApiResult<Json<Value>> {
    let mut problems = Vec::new();
    let level = match given(&q.level).map(str::parse::<UnitLevel>) {
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
    let date = match given(&q.date).map(|s| parse_iso_date("date", s)) {
        Some(Err(ApiError::Invalid(mut ps))) => {
            problems.append(&mut ps);
            state.store.today()
        }
        Some(Ok(d)) => d,
        _ => state.store.today(),
    };
    let parent = match given(&q.parent).map(UnitCode::parse) {
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

/// The query of `GET /units/search`.
#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    date: Option<String>,
    within: Option<String>,
    limit: Option<String>,
}

/// `GET /api/v1/units/search?q=&date=&within=&limit=`
pub async fn search_units(State(state): State<AppState>, Query(q): Query<SearchQuery>) -> ApiResult<Json<Value>> {
    let typed = given(&q.q).ok_or_else(|| {
        ApiError::invalid(
            "q",
            "missing",
            "type part of a unit's name or code in `q` (e.g. q=doan ket)".into(),
            "Hãy gõ một phần tên hoặc mã đơn vị vào `q` (ví dụ q=doan ket)".into(),
        )
    })?;
    let date = given(&q.date)
        .map(|s| parse_iso_date("date", s))
        .transpose()?
        .unwrap_or_else(|| state.store.today());
    let limit = match given(&q.limit).map(str::parse::<usize>) {
        None => 20,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::invalid(
                "limit",
                "bad_limit",
                "`limit` is a whole number from 1 to 100".into(),
                "`limit` là số nguyên từ 1 đến 100".into(),
            ));
        }
    };
    let root = state
        .store
        .unit_on(given(&q.within).unwrap_or(binhdang_domain::UnitCode::COUNTRY), date)
        .await?;
    let units = state.store.search_units(&root, typed, date, limit).await?;
    Ok(Json(
        json!({ "date": date.to_string(), "count": units.len(), "units": units }),
    ))
}

/// `GET /api/v1/units/{code}?date=`
pub async fn get_unit(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<UnitQuery>,
) -> ApiResult<Json<Value>> {
    let date = given(&q.date)
        .map(|s| parse_iso_date("date", s))
        .transpose()?
        .unwrap_or_else(|| state.store.today());
    let detail = state.store.unit_detail(code.trim(), date).await?;
    Ok(Json(
        serde_json::to_value(detail).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}
