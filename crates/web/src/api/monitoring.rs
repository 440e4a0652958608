//! Figures and their assessment: `/api/v1/aggregates` and `/api/v1/assessment`.

use crate::AppState;
use crate::api::{Params, param, params, parse_iso_date, period_json, required};
use crate::auth::{Authenticated, authorize};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::State;
use binhdang_domain::Period;
use binhdang_domain::access::Action;
use binhdang_store::{Sums, UnitSummary, unknown_unit};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The unit and period a figure is asked for. Without `as_of`, the version of the code
/// that reported in the period (or, for a code that only exists after the 2025 reform,
/// its current version); with `as_of=YYYY-MM-DD`, the version valid on that date, so that
/// `unit=08&period=2024&as_of=2026-01-01` asks for the merged Tuyên Quang's 2024 figure.
async fn figure_target(state: &AppState, p: &HashMap<String, String>) -> Result<(UnitSummary, Period), ApiError> {
    let code = required(p, "unit", "12")?;
    let period_text = required(p, "period", "2024")?;
    let period: Period = period_text.parse().map_err(|e: binhdang_domain::PeriodError| {
        ApiError::invalid("period", "bad_period", e.to_string(), e.message_vi())
    })?;
    let unknown = || ApiError::Invalid(vec![unknown_unit("unit", code)]);
    let unit = match param(p, "as_of") {
        Some(d) => {
            let date = parse_iso_date("as_of", d)?;
            let unit = state.store.unit_on(code, date).await.map_err(|_| unknown())?;
            if !(unit.valid_from.is_none_or(|f| f <= date) && unit.valid_to.is_none_or(|t| date <= t)) {
                return Err(ApiError::invalid(
                    "as_of",
                    "unit_not_valid_on_date",
                    format!("unit {code} did not exist on {d}"),
                    format!("Đơn vị {code} không tồn tại vào ngày {d}"),
                ));
            }
            unit
        }
        None => match state.store.unit_for_period(code, &period).await? {
            Some(u) => u,
            None => state
                .store
                .unit_on(code, state.store.today())
                .await
                .map_err(|_| unknown())?,
        },
    };
    Ok((unit, period))
}

/// `GET /api/v1/aggregates?unit=&period=[&indicator=1.1,6.1][&as_of=][&data=approved]`
pub async fn aggregates(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    q: Params,
) -> ApiResult<Json<Value>> {
    let p = params(q)?;
    let (unit, period) = figure_target(&state, &p).await?;
    authorize(&state, &caller, &unit, Action::Read).await?;
    let sums = sums_param(&p)?;
    let only: Vec<String> = param(&p, "indicator")
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
    q: Params,
) -> ApiResult<Json<Value>> {
    let p = params(q)?;
    let (unit, period) = figure_target(&state, &p).await?;
    authorize(&state, &caller, &unit, Action::Read).await?;
    let rows = state.store.assessment_of(sums_param(&p)?, &unit, &period).await?;
    let mapping = state.store.mapping_used(&unit, &period).await?;
    let summary = summarise(&rows);
    Ok(Json(json!({
        "unit": unit, "period": period_json(&period), "mapping": mapping, "summary": summary, "indicators": rows,
    })))
}

/// `data=all` (default) or `data=approved`: figures from all entered data or from approved
/// reports only.
pub(crate) fn sums_param(p: &HashMap<String, String>) -> Result<Sums, ApiError> {
    match param(p, "data") {
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
