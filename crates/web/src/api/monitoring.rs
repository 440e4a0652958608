//! Figures and their assessment: `/api/v1/aggregates` and `/api/v1/assessment`.

use crate::AppState;
use crate::api::unit_period::FigureUnitWindow;
use crate::api::{Query, code_list, given, param, period_json};
use crate::auth::{Authenticated, authorize};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::State;
use binhdang_domain::Window;
use binhdang_domain::access::Action;
use binhdang_domain::disclosure::sees_small_counts;
use binhdang_engine::disclosure::{protect_assessment, protect_figures};
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

/// `GET /api/v1/aggregates?unit=&period=[&indicator=1.1,6.1][&as_of=][&data=approved]`;
/// `period` may be a range (`2021..2024H1`) or dates (`2021-01-01..2024-07-31`).
pub async fn aggregates(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    FigureUnitWindow { unit, window }: FigureUnitWindow,
    Query(q): Query<FiguresQuery>,
) -> ApiResult<Json<Value>> {
    authorize(&state, &caller, &unit, Action::Read).await?;
    let sums = sums(given(&q.data))?;
    let asked = code_list(&q.indicator);
    let mut only = Vec::with_capacity(asked.len());
    if !asked.is_empty() {
        let known = state.store.indicators().await?;
        for code in &asked {
            let Some(indicator) = known.iter().find(|i| i.code == *code) else {
                return Err(ApiError::invalid(
                    "indicator",
                    "unknown_indicator",
                    format!("there is no indicator `{code}` in the catalogue"),
                    format!("Không có chỉ tiêu `{code}` trong danh mục"),
                ));
            };
            only.push(indicator.code.clone());
        }
    }
    let mut figures = state.store.figures_over(sums, &unit, &window, &only).await?;
    if !sees_small_counts(Some(caller.user.role)) {
        protect_figures(&state.store, &mut figures).await?;
    }
    let mapping = state.store.mapping_used_until(&unit, window.end()).await?;
    Ok(Json(json!({
        "unit": unit, "period": window_json(&window), "mapping": mapping, "aggregates": figures,
    })))
}

/// `GET /api/v1/assessment?unit=&period=[&as_of=][&data=approved]`; `period` may be a phase
/// (`2021-2025`, built from its years), a range (`2021..2024H1`) or dates.
pub async fn assessment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    FigureUnitWindow { unit, window }: FigureUnitWindow,
    Query(q): Query<FiguresQuery>,
) -> ApiResult<Json<Value>> {
    authorize(&state, &caller, &unit, Action::Read).await?;
    let sums = sums(given(&q.data))?;
    let mut rows = state.store.assessment_over(sums, &unit, &window).await?;
    if !sees_small_counts(Some(caller.user.role)) {
        protect_assessment(&state.store, &mut rows).await?;
    }
    let mapping = state.store.mapping_used_until(&unit, window.end()).await?;
    let summary = summarise(&rows);
    Ok(Json(json!({
        "unit": unit, "period": window_json(&window), "mapping": mapping, "summary": summary, "indicators": rows,
    })))
}

/// A window as the figures' answers show it: a period as [`period_json`] does; a range or
/// dates with its first and last day and the periods it is read from.
pub(crate) fn window_json(window: &Window) -> Value {
    match window.period() {
        Some(p) => period_json(&p),
        None => json!({
            "id": window.to_string(),
            "type": "range",
            "label_vi": window.label_vi(),
            "label_en": window.label_en(),
            "start": window.start().to_string(),
            "end": window.end().to_string(),
            "parts": window.parts().iter().map(ToString::to_string).collect::<Vec<_>>(),
            "uncovered_days": window.uncovered_days(),
        }),
    }
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
