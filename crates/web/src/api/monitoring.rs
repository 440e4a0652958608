//! Figures and their assessment: `/api/v1/aggregates` and `/api/v1/assessment`.

use crate::AppState;
use crate::api::unit_period::FigureUnitPeriod;
use crate::api::{Query, given, param, period_json};
use crate::auth::{Authenticated, authorize};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::State;
use binhdang_domain::access::Action;
use binhdang_store::Sums;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The query of the figures' routes besides `unit`, `period` and `as_of`.
#[derive(Deserialize)]
pub struct FiguresQuery {
    /// `all` (default) or `approved`: see [`sums`].
    data: Option<String>,
    /// Indicator codes separated by commas (aggregates only).
    indicator: Option<String>,
}

/// `GET /api/v1/aggregates?unit=&period=[&indicator=1.1,6.1][&as_of=][&data=approved]`
pub async fn aggregates(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    FigureUnitPeriod { unit, period }: FigureUnitPeriod,
    Query(q): Query<FiguresQuery>,
) -> ApiResult<Json<Value>> {
    authorize(&state, &caller, &unit, Action::Read).await?;
    let sums = sums(given(&q.data))?;
    let only: Vec<String> = given(&q.indicator)
        .map(|s| {
            s.split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if !only.is_empty() {
        let known: Vec<String> = state.store.indicators().await?.into_iter().map(|i| i.code).collect();
        let unknown: Vec<&String> = only.iter().filter(|c| !known.contains(c)).collect();
        if let Some(first) = unknown.first() {
            return Err(ApiError::invalid(
                "indicator",
                "unknown_indicator",
                format!("there is no indicator `{first}` in the catalogue"),
                format!("Không có chỉ tiêu `{first}` trong danh mục"),
            ));
        }
    }
    let figures = state.store.figures_of(sums, &unit, &period, &only).await?;
    let mapping = state.store.mapping_used(&unit, &period).await?;
    Ok(Json(json!({
        "unit": unit, "period": period_json(&period), "mapping": mapping, "aggregates": figures,
    })))
}

/// `GET /api/v1/assessment?unit=&period=[&as_of=][&data=approved]`
pub async fn assessment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    FigureUnitPeriod { unit, period }: FigureUnitPeriod,
    Query(q): Query<FiguresQuery>,
) -> ApiResult<Json<Value>> {
    authorize(&state, &caller, &unit, Action::Read).await?;
    let rows = state.store.assessment_of(sums(given(&q.data))?, &unit, &period).await?;
    let mapping = state.store.mapping_used(&unit, &period).await?;
    let summary = summarise(&rows);
    Ok(Json(json!({
        "unit": unit, "period": period_json(&period), "mapping": mapping, "summary": summary, "indicators": rows,
    })))
}

/// [`sums`] of the `data` parameter of a query read as a map (the dashboard's).
pub(crate) fn sums_param(p: &HashMap<String, String>) -> Result<Sums, ApiError> {
    sums(param(p, "data"))
}

/// `data=all` (default) or `data=approved`: figures from all entered data or from approved
/// reports only.
pub(crate) fn sums(data: Option<&str>) -> Result<Sums, ApiError> {
    match data {
        None | Some("all") => Ok(Sums::All),
        Some("approved") => Ok(Sums::Approved),
        Some(other) => Err(ApiError::invalid(
            "data",
            "bad_data",
            format!("`{other}` is not a data selection: all or approved"),
            format!("`{other}` không hợp lệ: all (tất cả số liệu) hoặc approved (số liệu đã phê duyệt)"),
        )),
    }
}

fn summarise(rows: &[binhdang_store::Assessment]) -> Value {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for r in rows {
        let key = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *counts.entry(key).or_default() += 1;
    }
    json!(counts)
}
