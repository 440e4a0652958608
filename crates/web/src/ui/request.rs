//! What a page request names: the unit and period it is about.

use super::Session;
use crate::AppState;
use crate::error::ApiError;
use binhdang_domain::Period;
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
