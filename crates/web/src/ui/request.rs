//! What a page request names: the unit and period (or window) it is about.

use super::Session;
use crate::AppState;
use crate::api::unit_period::FigureUnitWindow;
use crate::error::ApiError;
use binhdang_domain::UnitCode;
use binhdang_domain::{Period, Window, vn};
use binhdang_store::{UnitMatch, UnitSummary};
use std::collections::HashMap;

/// A unit a person may pick by name: its GSO code, and how it is shown.
pub struct UnitChoice {
    pub code: String,
    /// "Phường Đoàn Kết (03388) — Tỉnh Lai Châu".
    pub label: String,
}

/// More choices than this and only the provinces are offered (a national list of communes
/// would weigh on every page); any unit can still be typed by name or code.
const MAX_UNIT_CHOICES: usize = 600;

/// The units the signed-in person may pick from on `date`: their own and those below it, by
/// name, each with its province.
pub(super) async fn unit_choices(
    state: &AppState,
    session: &Session,
    date: time::Date,
) -> Result<Vec<UnitChoice>, ApiError> {
    let mut units = state
        .store
        .units_below_valid_on(&session.caller.user.unit, date)
        .await?;
    if units.len() > MAX_UNIT_CHOICES {
        units.retain(|u| u.level <= binhdang_domain::UnitLevel::Province);
    }
    let names: HashMap<&UnitCode, &str> = units.iter().map(|u| (&u.code, u.full_name.as_str())).collect();
    Ok(units
        .iter()
        .map(|u| {
            let within = u.parent_code.as_ref().and_then(|p| names.get(p));
            UnitChoice {
                code: u.code.to_string(),
                label: match within {
                    Some(parent) => format!("{} ({}) — {parent}", u.full_name, u.code),
                    None => format!("{} ({})", u.full_name, u.code),
                },
            }
        })
        .collect())
}

/// The code of the unit typed in a picker: a code as it is, or a name (full, "Phường Đoàn
/// Kết", or bare, "Đoàn Kết", in any letter case, with or without diacritics) of exactly one
/// unit the person may pick on `date`; a name that fits none, or several, is refused in
/// words, and the name of a unit that no longer stood then says what it became.
pub(crate) async fn typed_unit(
    state: &AppState,
    session: &Session,
    typed: &str,
    date: time::Date,
) -> Result<String, ApiError> {
    let typed = typed.trim();
    if typed.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Ok(typed.to_string());
    }
    let key = vn::search_key(typed);
    let found = state
        .store
        .search_units(&session.caller.user.unit, typed, date, 50)
        .await?;
    let named = |m: &&UnitMatch| vn::search_key(&m.unit.full_name) == key || vn::search_key(&m.unit.name) == key;
    let standing: Vec<&UnitMatch> = found.iter().filter(named).filter(|m| m.now.is_empty()).collect();
    let listed = |units: &[&UnitMatch]| {
        units
            .iter()
            .map(|m| match &m.within {
                Some(within) => format!("{} ({}, {within})", m.unit.full_name, m.unit.code),
                None => format!("{} ({})", m.unit.full_name, m.unit.code),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    match standing.as_slice() {
        [one] => Ok(one.unit.code.to_string()),
        [] => {
            let ended: Vec<&UnitMatch> = found.iter().filter(named).filter(|m| !m.now.is_empty()).collect();
            let (en, vi) = match ended.first() {
                Some(old) => {
                    let now = old
                        .now
                        .iter()
                        .map(|u| format!("{} ({})", u.full_name, u.code))
                        .collect::<Vec<_>>()
                        .join(", ");
                    (
                        format!(
                            "{} ({}) no longer existed on {}; it is now {now}",
                            old.unit.full_name,
                            old.unit.code,
                            vn::format_date(date)
                        ),
                        format!(
                            "Ngày {} không còn {} ({}); nay là {now}",
                            vn::format_date(date),
                            old.unit.full_name,
                            old.unit.code
                        ),
                    )
                }
                None => (
                    format!(
                        "no unit you may choose is named \"{typed}\"; type its name as the list shows it, or its code"
                    ),
                    format!(
                        "Không có đơn vị nào tên \"{typed}\" trong phạm vi của bạn; hãy gõ tên như trong danh sách, hoặc mã đơn vị"
                    ),
                ),
            };
            Err(ApiError::invalid("unit", "unknown_unit", en, vi))
        }
        many => Err(ApiError::invalid(
            "unit",
            "ambiguous_unit",
            format!(
                "several units are named \"{typed}\": {}; choose one from the list",
                listed(many)
            ),
            format!(
                "Có nhiều đơn vị tên \"{typed}\": {}; hãy chọn một đơn vị trong danh sách",
                listed(many)
            ),
        )),
    }
}

/// The unit and period a request names, or the user's unit and its current report.
pub(super) async fn target(
    state: &AppState,
    session: &Session,
    q: &HashMap<String, String>,
) -> Result<(UnitSummary, Period), ApiError> {
    let store = &state.store;
    let user = &session.caller.user;
    let code = match q.get("unit").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(typed) => typed_unit(state, session, typed, store.today()).await?,
        None => user.unit.code.to_string(),
    };
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
    let code = match text("unit") {
        Some(typed) => typed_unit(state, session, typed, state.store.today()).await?,
        None => session.caller.user.unit.code.to_string(),
    };
    let FigureUnitWindow { unit, window } = FigureUnitWindow::of(state, Some(&code), Some(&window_text)).await?;
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
