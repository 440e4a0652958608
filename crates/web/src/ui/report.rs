//! A unit's report for a period (`/bao-cao?unit=&period=`), or for a window of dates of its
//! own (`&from=01/01/2021&to=30/07/2024`, a law report): the narrative blocks the unit writes
//! (situation, difficulties, causes, tasks ahead, proposals, document number, signer), saved with
//! `POST /bao-cao`, and the download of every document built from the data
//! (`/bao-cao/tai-ve?unit=&period=&kind=&format=`). The figures are never typed here: the
//! documents take them from the store.

use super::reporting::PeriodChoice;
use super::request::target_window;
use super::{Chrome, Session, field, format, render, reporting, see_other};
use crate::AppState;
use crate::api::reports::{Asked, document, parse_format, parse_kind};
use crate::auth::authorize;
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::access::Action;
use binhdang_domain::workflow::State as WorkflowState;
use binhdang_domain::{Period, Window};
use binhdang_reports::{Format, Kind};
use binhdang_store::{NARRATIVE_SECTIONS, StoreError, UnitSummary};
use std::collections::{BTreeMap, HashMap};

pub struct Download {
    pub name: String,
    pub links: Vec<(String, &'static str)>,
}

pub struct Section {
    pub key: &'static str,
    pub label: &'static str,
    pub text: String,
    /// The short fields (number, signer) are one line, the others paragraphs.
    pub short: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    c: Chrome,
    unit_code: String,
    unit_name: String,
    period_id: String,
    period_label: String,
    periods: Vec<PeriodChoice>,
    choose_unit: bool,
    unit_choices: Vec<super::request::UnitChoice>,
    state: String,
    state_class: &'static str,
    draft: bool,
    /// The page is about a window of dates (a law report), not a reporting period.
    own_window: bool,
    /// The window's first and last day as typed (dd/mm/yyyy), when it is one of dates.
    window_from: String,
    window_to: String,
    can_edit: bool,
    /// Why the narrative cannot be edited, when it cannot.
    locked_reason: String,
    downloads: Vec<Download>,
    sections: Vec<Section>,
}

/// `GET /bao-cao?unit=&period=`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (unit, window) = target_window(&state, &session, &q).await?;
    authorize(&state, &session.caller, &unit, Action::Read).await?;
    let notice = (q.get("msg").map(String::as_str) == Some("saved")).then(|| {
        (
            "ok",
            session
                .t("Đã lưu nội dung báo cáo.", "The report's text has been saved.")
                .to_string(),
        )
    });
    let narrative = state.store.report_narrative(&unit, window).await?;
    let page = build(&state, &session, &unit, &window, &narrative, notice).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn build(
    state: &AppState,
    session: &Session,
    unit: &UnitSummary,
    window: &Window,
    narrative: &BTreeMap<String, String>,
    notice: Option<(&'static str, String)>,
) -> Result<ReportPage, ApiError> {
    let store = &state.store;
    let lang = session.lang;
    let programmes = store.programmes().await?;
    // A window of one's own (a law report's dates) is sent under no programme: it has no
    // workflow and no deadline, and its documents stay drafts.
    let (workflow_state, open) = match window.period() {
        Some(period) => {
            let workflow_state = match store.programme_for(&period).await? {
                Some(p) => store.submission(unit, &p.code, &period).await?.state,
                None => WorkflowState::Draft,
            };
            (
                Some(workflow_state),
                store.check_entry_open(unit, &period, store.today()).await,
            )
        }
        None => (None, Ok(())),
    };
    let may_write = authorize(state, &session.caller, unit, Action::Write).await.is_ok();
    let (can_edit, locked_reason) = match (may_write, open) {
        (false, _) => (
            false,
            session
                .t(
                    "Bạn chỉ được xem báo cáo của đơn vị này.",
                    "You may only read this unit's report.",
                )
                .to_string(),
        ),
        (true, Err(StoreError::Invalid(problems))) => (false, super::messages_in(problems, lang)),
        (true, Err(e)) => return Err(e.into()),
        (true, Ok(())) => (true, String::new()),
    };
    let downloads = Kind::ALL
        .iter()
        .filter(|k| k.fits(window))
        .map(|k| Download {
            name: if lang == Lang::En { k.name_en() } else { k.name_vi() }.to_string(),
            links: Format::ALL
                .iter()
                .map(|f| {
                    (
                        format!(
                            "/bao-cao/tai-ve?unit={}&period={window}&kind={}&format={}",
                            unit.code,
                            k.slug(),
                            f.extension()
                        ),
                        match f {
                            Format::Docx => "DOCX",
                            Format::Pdf => "PDF",
                            Format::Xlsx => "XLSX",
                        },
                    )
                })
                .collect(),
        })
        .collect();
    let sections = NARRATIVE_SECTIONS
        .iter()
        .map(|(key, vi, en)| Section {
            key,
            label: if lang == Lang::En { en } else { vi },
            text: narrative.get(*key).cloned().unwrap_or_default(),
            short: matches!(*key, "number" | "signer"),
        })
        .collect();
    let mut c = session.chrome(session.t("Báo cáo", "Reports"), "/bao-cao");
    if let Some((kind, text)) = notice {
        c = c.with_notice(kind, text);
    }
    let dates = |d: time::Date| {
        if window.period().is_some() {
            String::new()
        } else {
            format::date(d)
        }
    };
    let shown_period = window.period().unwrap_or(Period::Year(window.end().year()));
    Ok(ReportPage {
        c,
        unit_code: unit.code.to_string(),
        unit_name: unit.full_name.clone(),
        period_id: window.to_string(),
        period_label: if lang == Lang::En {
            window.label_en()
        } else {
            window.label_vi()
        },
        periods: reporting::period_choices(&programmes, unit, &shown_period, store.today(), lang),
        choose_unit: session.caller.user.role != binhdang_domain::access::Role::Officer,
        unit_choices: if session.caller.user.role == binhdang_domain::access::Role::Officer {
            Vec::new()
        } else {
            super::request::unit_choices(state, session, window.end()).await?
        },
        state: match workflow_state {
            Some(s) => format::state(s, lang).to_string(),
            None => session.t("Không theo kỳ báo cáo", "Not a reporting period").to_string(),
        },
        state_class: super::home::state_class(workflow_state.unwrap_or(WorkflowState::Draft)),
        draft: workflow_state != Some(WorkflowState::Approved),
        own_window: window.period().is_none(),
        window_from: dates(window.start()),
        window_to: dates(window.end()),
        can_edit,
        locked_reason,
        downloads,
        sections,
    })
}

/// `POST /bao-cao`: saves the narrative blocks; a refusal shows the page again with what was
/// typed and says why.
pub async fn save(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return Ok(r);
    }
    let q: HashMap<String, String> = form.iter().cloned().collect();
    let (unit, window) = target_window(&state, &session, &q).await?;
    authorize(&state, &session.caller, &unit, Action::Write).await?;
    let changes: Vec<(String, Option<String>)> = NARRATIVE_SECTIONS
        .iter()
        .filter_map(|(key, _, _)| field(&form, key).map(|v| (key.to_string(), Some(v.to_string()))))
        .collect();
    let open = match window.period() {
        Some(period) => state.store.check_entry_open(&unit, &period, state.store.today()).await,
        None => Ok(()),
    };
    let outcome = match open {
        Ok(()) => {
            state
                .store
                .put_report_narrative(&unit, window, &changes, &session.caller.actor())
                .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(see_other(&format!(
            "/bao-cao?unit={}&period={window}&msg=saved",
            unit.code
        ))),
        Err(StoreError::Invalid(problems)) => {
            let typed: BTreeMap<String, String> =
                changes.into_iter().map(|(k, v)| (k, v.unwrap_or_default())).collect();
            let text = super::messages_in(problems, session.lang);
            let page = build(&state, &session, &unit, &window, &typed, Some(("error", text))).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /bao-cao/tai-ve?unit=&period=&kind=&format=`: the document as a file; a refusal as a page.
pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let kind = parse_kind(q.get("kind").map(String::as_str).unwrap_or(""))?;
    let format = parse_format(q.get("format").map(String::as_str))?;
    let (unit, window) = target_window(&state, &session, &q).await?;
    let asked = Asked {
        kind,
        unit: &unit,
        window,
        programme: None,
        date: state.store.today(),
    };
    document(&state, &session.caller, &asked, format).await
}
