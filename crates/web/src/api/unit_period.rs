//! The unit and period a request is about, named in its query as `unit=12&period=2025H1`:
//! the one place the API resolves them. Two rules, because writing and reading differ:
//!
//! - [`UnitPeriod`] — a report's unit: the unit that exists on the period's last day (a
//!   period is reported by the units that exist at its end). Entry, workflow, validation,
//!   registers, templates and imports use it.
//! - [`FigureUnitWindow`] — a figure's unit and window (a period, a range of periods or
//!   dates): the version of the code that reported during the window, or, with
//!   `as_of=YYYY-MM-DD`, the version valid on that date (so a merged province reads its
//!   predecessors' 2024 figures), or else today's version. Aggregates, assessment and reports
//!   use it.
//!
//! Both report a missing `unit` and `period` together, with an example of each.

use super::{Query, given, parse_iso_date};
use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use binhdang_domain::{Period, Window, WindowError};
use binhdang_store::{FieldProblem, UnitSummary, unknown_unit};
use serde::Deserialize;

/// A report's unit and period (see the module doc); an extractor, refusing with 422.
pub(crate) struct UnitPeriod {
    pub unit: UnitSummary,
    pub period: Period,
}

/// A figure's unit and window (see the module doc); an extractor, refusing with 422.
pub(crate) struct FigureUnitWindow {
    pub unit: UnitSummary,
    pub window: Window,
}

/// The query parameters the two extractors read.
#[derive(Deserialize)]
struct Named {
    unit: Option<String>,
    period: Option<String>,
    as_of: Option<String>,
}

fn missing(name: &str, example: &str) -> FieldProblem {
    FieldProblem::new(
        name,
        "missing",
        format!("the query parameter `{name}` is required (e.g. {name}={example})"),
        format!("Thiếu tham số `{name}` (ví dụ {name}={example})"),
    )
}

/// The `unit` and `period` texts of a query (as [`given`] reads them), or a problem for each
/// that is missing.
pub(crate) fn named<'a>(
    unit: Option<&'a str>,
    period: Option<&'a str>,
) -> Result<(&'a str, &'a str), Vec<FieldProblem>> {
    match (unit, period) {
        (Some(unit), Some(period)) => Ok((unit, period)),
        (unit, period) => {
            let mut problems = Vec::new();
            if unit.is_none() {
                problems.push(missing("unit", "12"));
            }
            if period.is_none() {
                problems.push(missing("period", "2025H1"));
            }
            Err(problems)
        }
    }
}

impl UnitPeriod {
    /// The unit and period named by the texts of `unit` and `period`.
    pub(crate) async fn named_in(state: &AppState, unit: Option<&str>, period: Option<&str>) -> Result<Self, ApiError> {
        let (unit, period) = named(unit, period).map_err(ApiError::Invalid)?;
        Self::resolve(state, unit, period).await
    }

    pub(crate) async fn resolve(state: &AppState, unit: &str, period: &str) -> Result<Self, ApiError> {
        let (unit, period) = state.store.resolve_unit_period(unit, period).await?;
        Ok(UnitPeriod { unit, period })
    }
}

impl FromRequestParts<AppState> for UnitPeriod {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Query(q) = Query::<Named>::from_uri(&parts.uri)?;
        UnitPeriod::named_in(state, given(&q.unit), given(&q.period)).await
    }
}

impl FigureUnitWindow {
    async fn named_in(state: &AppState, q: &Named) -> Result<Self, ApiError> {
        let (code, text) = named(given(&q.unit), given(&q.period)).map_err(ApiError::Invalid)?;
        let window: Window = text
            .parse()
            .map_err(|e: WindowError| ApiError::invalid("period", "bad_period", e.to_string(), e.message_vi()))?;
        let unit = figure_unit(state, code, q, &window).await?;
        Ok(FigureUnitWindow { unit, window })
    }
}

impl FigureUnitWindow {
    /// The unit and window named by the texts of `unit` and `period`.
    pub(crate) async fn of(state: &AppState, unit: Option<&str>, period: Option<&str>) -> Result<Self, ApiError> {
        let q = Named {
            unit: unit.map(str::to_string),
            period: period.map(str::to_string),
            as_of: None,
        };
        FigureUnitWindow::named_in(state, &q).await
    }
}

impl FromRequestParts<AppState> for FigureUnitWindow {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Query(q) = Query::<Named>::from_uri(&parts.uri)?;
        FigureUnitWindow::named_in(state, &q).await
    }
}

/// The version of unit `code` a figure over `window` is read for (see the module doc).
async fn figure_unit(state: &AppState, code: &str, q: &Named, window: &Window) -> Result<UnitSummary, ApiError> {
    let unknown = || ApiError::Invalid(vec![unknown_unit("unit", code)]);
    let unit = match given(&q.as_of) {
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
        None => match state.store.unit_for_span(code, window.start(), window.end()).await? {
            Some(u) => u,
            None => state
                .store
                .unit_on(code, state.store.today())
                .await
                .map_err(|_| unknown())?,
        },
    };
    Ok(unit)
}
