//! Units in time (`/quan-tri/don-vi?code=&date=`): a unit as it stood on a date (today by
//! default), its parent and children, and the 2025 mapping — which unit an old one went
//! into, which old ones a new one came from — each a link to that unit on a day it
//! existed. The unit data is public (as in the API), so every signed-in user may look.
//! `GET /quan-tri/don-vi/ten?unit=` names a unit as its code is typed into a form (htmx).

use crate::AppState;
use crate::api::parse_iso_date;
use crate::error::ApiError;
use crate::lang::Lang;
use crate::ui::{Chrome, Session, format, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::{UnitLevel, vn};
use binhdang_store::{StoreError, Succession, UnitSummary};
use std::collections::HashMap;
use time::Date;

pub const PATH: &str = "/quan-tri/don-vi";
pub const NAME_PATH: &str = "/quan-tri/don-vi/ten";

/// A unit in a list, linked to its page on a date.
pub struct UnitLink {
    pub code: String,
    pub name: String,
    pub href: String,
    /// For successions: merged or split, and from when.
    pub note: String,
}

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsPage {
    c: Chrome,
    code: String,
    date: String,
    error: String,
    found: Option<Found>,
}

pub struct Found {
    pub name: String,
    pub code: String,
    pub level: String,
    pub validity: String,
    /// Said when the date asked for is outside the unit's life.
    pub moved: String,
    pub parent: Option<UnitLink>,
    pub children: Vec<UnitLink>,
    pub predecessors: Vec<UnitLink>,
    pub successors: Vec<UnitLink>,
    pub agencies: Vec<String>,
}

fn level_name(level: UnitLevel, lang: Lang) -> &'static str {
    match (level, lang) {
        (_, Lang::Vi) => level.name_vi(),
        (UnitLevel::Country, _) => "country",
        (UnitLevel::Province, _) => "province",
        (UnitLevel::District, _) => "district",
        (UnitLevel::Commune, _) => "commune",
    }
}

fn link(unit: &UnitSummary, on: Date) -> UnitLink {
    UnitLink {
        code: unit.code.to_string(),
        name: unit.full_name.clone(),
        href: format!("{PATH}?code={}&date={}", unit.code, format::date(on)),
        note: String::new(),
    }
}

/// A day the unit existed, as near `wanted` as it gets.
fn within(unit: &UnitSummary, wanted: Date) -> Date {
    match (unit.valid_from, unit.valid_to) {
        (Some(from), _) if wanted < from => from,
        (_, Some(to)) if wanted > to => to,
        _ => wanted,
    }
}

fn succession(s: &Succession, lang: Lang) -> UnitLink {
    let mut l = link(&s.unit, within(&s.unit, s.effective));
    let kind = match (s.kind.as_str(), lang) {
        ("split", Lang::Vi) => "chia tách",
        ("split", _) => "split",
        (_, Lang::Vi) => "sáp nhập",
        _ => "merged",
    };
    l.note = match lang {
        Lang::Vi => format!("{kind}, từ ngày {}", format::date(s.effective)),
        Lang::En => format!("{kind}, from {}", format::date(s.effective)),
    };
    l
}

fn validity(unit: &UnitSummary, lang: Lang) -> String {
    let en = lang == Lang::En;
    match (unit.valid_from, unit.valid_to) {
        (None, None) => (if en { "no end date" } else { "không thời hạn" }).into(),
        (Some(f), None) => format!("{} {}", if en { "from" } else { "từ ngày" }, format::date(f)),
        (None, Some(t)) => format!("{} {}", if en { "until" } else { "đến hết ngày" }, format::date(t)),
        (Some(f), Some(t)) => format!(
            "{} {} {} {}",
            if en { "from" } else { "từ ngày" },
            format::date(f),
            if en { "to" } else { "đến hết ngày" },
            format::date(t)
        ),
    }
}

/// A date typed as dd/mm/yyyy (or YYYY-MM-DD), in the page's language when it is wrong.
pub fn read_date(text: &str, lang: Lang) -> Result<Date, String> {
    if let Ok(d) = parse_iso_date("date", text) {
        return Ok(d);
    }
    vn::parse_date(text).map_err(|e| {
        if lang == Lang::En {
            e.to_string()
        } else {
            e.message_vi()
        }
    })
}

/// `GET /quan-tri/don-vi?code=&date=`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = session.lang;
    let code = q
        .get("code")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| session.caller.user.unit.code.to_string());
    let typed_date = q.get("date").map(|s| s.trim()).filter(|s| !s.is_empty());
    let (date, mut error) = match typed_date.map(|t| read_date(t, lang)) {
        None => (state.store.today(), String::new()),
        Some(Ok(d)) => (d, String::new()),
        Some(Err(e)) => (state.store.today(), e),
    };
    let code = match crate::ui::request::typed_unit(&state, &session, &code, date).await {
        Ok(resolved) => resolved,
        Err(ApiError::Invalid(problems)) => {
            if error.is_empty() {
                error = problems
                    .iter()
                    .map(|p| crate::ui::message_in(p, lang))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            code
        }
        Err(e) => return session.api_error(e),
    };
    let found = if error.is_empty() {
        match find(&state, &code, date, lang).await {
            Ok(found) => Some(found),
            Err(StoreError::NotFound { .. }) => {
                error = crate::ui::message_in(&binhdang_store::unknown_unit("code", &code), lang);
                None
            }
            Err(e) => return session.api_error(e.into()),
        }
    } else {
        None
    };
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = UnitsPage {
        c: session.chrome(session.t("Đơn vị hành chính", "Administrative units"), super::PATH),
        date: typed_date.map(str::to_string).unwrap_or_else(|| format::date(date)),
        code,
        error,
        found,
    };
    render(status, &page)
}

async fn find(state: &AppState, code: &str, date: Date, lang: Lang) -> Result<Found, StoreError> {
    let detail = state.store.unit_detail(code, date).await?;
    let unit = &detail.unit;
    let as_of = detail.as_of;
    let moved = if as_of == date {
        String::new()
    } else if lang == Lang::En {
        format!(
            "{} did not exist on {}; shown as it stood on {}.",
            unit.full_name,
            format::date(date),
            format::date(as_of)
        )
    } else {
        format!(
            "Ngày {} không có {}; hiển thị đơn vị như tại ngày {}.",
            format::date(date),
            unit.full_name,
            format::date(as_of)
        )
    };
    Ok(Found {
        name: unit.full_name.clone(),
        code: unit.code.to_string(),
        level: level_name(unit.level, lang).to_string(),
        validity: validity(unit, lang),
        moved,
        parent: detail.parent.as_ref().map(|p| link(p, within(p, as_of))),
        children: detail.children.iter().map(|c| link(c, as_of)).collect(),
        predecessors: detail.predecessors.iter().map(|s| succession(s, lang)).collect(),
        successors: detail.successors.iter().map(|s| succession(s, lang)).collect(),
        agencies: detail
            .agencies
            .iter()
            .map(|a| format!("{} ({})", a.name_vi, a.code))
            .collect(),
    })
}

/// The name of the unit with this code today, or a sentence saying there is none.
pub async fn unit_name_of(state: &AppState, code: &str, lang: Lang) -> Result<String, ApiError> {
    if code.is_empty() {
        return Ok(String::new());
    }
    match state.store.unit_on(code, state.store.today()).await {
        Ok(unit) => Ok(unit.full_name),
        Err(StoreError::NotFound { .. }) => {
            Ok(crate::ui::message_in(&binhdang_store::unknown_unit("unit", code), lang))
        }
        Err(e) => Err(e.into()),
    }
}

/// What a unit box says as one types: the unit's name when a code was typed, else the
/// units whose names fit, each a button that puts its code in the box (an ended unit offers
/// the units it went into).
#[derive(Template)]
#[template(path = "unit_lookup.html")]
struct UnitLookup {
    text: String,
    picks: Vec<Pick>,
}

pub struct Pick {
    /// Set for a unit that no longer stands: what it was and when it ended.
    pub ended: String,
    /// (code, label) of the units to put in the box.
    pub choices: Vec<(String, String)>,
}

/// How many units the lookup offers at once.
const PICKS_SHOWN: usize = 8;

fn labelled(unit: &UnitSummary, within: Option<&str>) -> String {
    match within {
        Some(within) => format!("{} — {within} ({})", unit.full_name, unit.code),
        None => format!("{} ({})", unit.full_name, unit.code),
    }
}

/// `GET /quan-tri/don-vi/ten?unit=`: the name of the unit whose code is typed, or the units
/// (at or below the person's own) whose names fit what is typed, with the 2025 mapping.
pub async fn name(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let typed = q.get("unit").or_else(|| q.get("code")).map(|s| s.trim()).unwrap_or("");
    match lookup(&state, &session, typed).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => session.api_error(e),
    }
}

async fn lookup(state: &AppState, session: &Session, typed: &str) -> Result<UnitLookup, ApiError> {
    let lang = session.lang;
    let is_code = !typed.is_empty() && typed.chars().all(|c| c.is_ascii_alphanumeric());
    if typed.is_empty() || (is_code && state.store.unit_code_exists(typed).await?) {
        return Ok(UnitLookup {
            text: unit_name_of(state, typed, lang).await?,
            picks: Vec::new(),
        });
    }
    let today = state.store.today();
    let found = state
        .store
        .search_units(&session.caller.user.unit, typed, today, PICKS_SHOWN)
        .await?;
    if found.is_empty() {
        let text = if is_code {
            unit_name_of(state, typed, lang).await?
        } else if lang == Lang::En {
            format!("No unit's name fits \"{typed}\".")
        } else {
            format!("Không có đơn vị nào có tên khớp \"{typed}\".")
        };
        return Ok(UnitLookup {
            text,
            picks: Vec::new(),
        });
    }
    let picks = found
        .iter()
        .map(|m| {
            if m.now.is_empty() {
                return Pick {
                    ended: String::new(),
                    choices: vec![(m.unit.code.to_string(), labelled(&m.unit, m.within.as_deref()))],
                };
            }
            let until = m.unit.valid_to.map(format::date).unwrap_or_default();
            Pick {
                ended: match lang {
                    Lang::En => format!("{}, until {until}; now:", labelled(&m.unit, m.within.as_deref())),
                    Lang::Vi => format!("{}, đến {until}; nay là:", labelled(&m.unit, m.within.as_deref())),
                },
                choices: m.now.iter().map(|u| (u.code.to_string(), labelled(u, None))).collect(),
            }
        })
        .collect();
    Ok(UnitLookup {
        text: session.t("Chọn đơn vị:", "Choose the unit:").to_string(),
        picks,
    })
}
