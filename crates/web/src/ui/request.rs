//! What a page request names: the unit and period (or window) it is about.

use super::Session;
use crate::AppState;
use crate::api::unit_period::FigureUnitWindow;
use crate::error::ApiError;
use binhdang_domain::{Period, Window, vn};
use binhdang_store::UnitSummary;
use std::collections::HashMap;

/// The unit and period a request names, or the user's unit and its current report.
pub(super) async fn target(
    state: &AppState,
    session: &Session,
    q: &HashMap<String, String>,
) -> Result<(UnitSummary, Period), ApiError> {
    let store = &state.store;
    let user = &session.caller.user;
    let code = q
        .get("unit")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| user.unit.code.clone());
    let period = match q.get("period").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(p) => p.to_string(),
        None => {
            let programmes = store.programmes().await?;
            let unit = if code == user.unit.code {
                user.unit.clone()
            } else {
                store
                    .unit_on(&code, state.store.today())
                    .await
                    .map_err(|_| ApiError::Invalid(vec![binhdang_store::unknown_unit("unit", &code)]))?
            };
            super::reporting::default_period(&programmes, &unit, state.store.today())
                .map(|p| p.to_string())
                .unwrap_or_else(|| state.store.today().year().to_string())
        }
    };
    Ok(store.resolve_unit_period(&code, &period).await?)
}

/// The unit and window a report page names: `from` and `to` typed as dd/mm/yyyy (a law
/// report's dates), or a `period` that is a window (`2021-01-01..2024-07-31`, `2021..2024H1`),
/// else the unit and period as [`target`] reads them.
pub(super) async fn target_window(
    state: &AppState,
    session: &Session,
    q: &HashMap<String, String>,
) -> Result<(UnitSummary, Window), ApiError> {
    let text = |name: &str| q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    let dates = typed_window(q)?;
    let window_text = match dates {
        Some(d) => d,
        None => match text("period") {
            Some(p) if p.contains("..") => p.to_string(),
            _ => {
                let (unit, period) = target(state, session, q).await?;
                return Ok((unit, Window::from(period)));
            }
        },
    };
    let code = text("unit").unwrap_or(&session.caller.user.unit.code);
    let FigureUnitWindow { unit, window } = FigureUnitWindow::of(state, Some(code), Some(&window_text)).await?;
    Ok((unit, window))
}

/// The window `from` and `to` name, typed as dd/mm/yyyy, as `YYYY-MM-DD..YYYY-MM-DD`; `None`
/// when neither is given. A date that is missing or does not exist is refused in words.
pub(super) fn typed_window(q: &HashMap<String, String>) -> Result<Option<String>, ApiError> {
    let text = |name: &str| q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    let (from, to) = (text("from"), text("to"));
    if from.is_none() && to.is_none() {
        return Ok(None);
    }
    let date = |name: &str, typed: Option<&str>| {
        vn::parse_date(typed.unwrap_or(""))
            .map_err(|e| ApiError::invalid(name, "bad_date", format!("{name}: {e}"), e.message_vi()))
    };
    Ok(Some(format!("{}..{}", date("from", from)?, date("to", to)?)))
}
