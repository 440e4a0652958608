//! The home page, by role: an officer sees their unit's reports (deadlines, states) and the
//! forms sent back to them; a reviewer also the reports waiting for review below their unit
//! and how complete the units below are; leaders and viewers go to the dashboard.

use super::reporting;
use super::{Chrome, Session, format, render, see_other};
use crate::AppState;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::Period;
use binhdang_domain::access::Role;
use binhdang_domain::calendar::timeliness;
use binhdang_domain::workflow::State as WorkflowState;
use std::collections::HashMap;

pub struct ReportRow {
    pub period: String,
    pub programme: String,
    pub deadline: String,
    pub timeliness: String,
    pub state: String,
    pub state_class: &'static str,
    pub open: bool,
    pub entry_href: String,
}

pub struct ReturnedRow {
    pub period: String,
    pub comment: String,
    pub when: String,
    pub by: String,
    pub href: String,
}

pub struct InboxRow {
    pub unit: String,
    pub period: String,
    pub submitted: String,
    pub by: String,
    pub href: String,
}

pub struct CompletenessRow {
    pub period: String,
    pub expected: usize,
    pub submitted: usize,
    pub approved: usize,
    pub on_time: usize,
    pub overdue: usize,
    pub submitted_rate: String,
    pub approved_rate: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    unit: String,
    enters_data: bool,
    reports: Vec<ReportRow>,
    returned: Vec<ReturnedRow>,
    reviews: bool,
    inbox: Vec<InboxRow>,
    completeness: Vec<CompletenessRow>,
    tasks: Vec<super::plans::TaskRow>,
}

/// `GET /`
pub async fn home(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let role = session.caller.user.role;
    if matches!(role, Role::Leader | Role::Viewer) {
        let msg = q
            .get("msg")
            .map(|m| format!("?msg={}", super::encode(m)))
            .unwrap_or_default();
        return see_other(&format!("/bang-dieu-khien{msg}"));
    }
    match build(&state, &session, &q).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => session.api_error(e),
    }
}

async fn build(state: &AppState, session: &Session, q: &HashMap<String, String>) -> Result<HomePage, ApiError> {
    let store = &state.store;
    let lang = session.lang;
    let user = &session.caller.user;
    let unit = &user.unit;
    let today = state.store.today();
    let programmes = store.programmes().await?;
    // The unit's own reports: under the programmes that bind it (a directive's duty binds some).
    let mut own = Vec::new();
    for p in &programmes {
        if store.programme_binds(p, unit).await? {
            own.push(p.clone());
        }
    }

    let mut reports = Vec::new();
    for (programme, period) in reporting::recent(&own, unit, today) {
        let submission = store.submission(unit, &programme.code, &period).await?;
        let deadline = programme.deadline(&period, unit.level);
        let submitted = submission
            .first_submitted_at
            .as_deref()
            .and_then(|t| t.get(..10))
            .and_then(|d| time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok());
        reports.push(ReportRow {
            period: format::period(&period, lang),
            programme: if lang == crate::Lang::En {
                programme.name_en.clone()
            } else {
                programme.name_vi.clone()
            },
            deadline: deadline.map(format::date).unwrap_or_else(|| format::NONE.into()),
            timeliness: format::timeliness(timeliness(deadline, submitted, today), lang).to_string(),
            state: format::state(submission.state, lang).to_string(),
            state_class: state_class(submission.state),
            open: !submission.state.locks_data(),
            entry_href: format!("/nhap-lieu?unit={}&period={period}", unit.code),
        });
    }

    let mut returned = Vec::new();
    for s in store.returned(unit).await? {
        let Ok(period) = s.period.parse::<Period>() else {
            continue;
        };
        returned.push(ReturnedRow {
            period: format::period(&period, lang),
            comment: s.comment.clone().unwrap_or_default(),
            when: s.updated_at.as_deref().map(format::timestamp).unwrap_or_default(),
            by: s.updated_by.clone().unwrap_or_default(),
            href: format!("/nhap-lieu?unit={}&period={period}", s.unit),
        });
    }

    let reviews = matches!(user.role, Role::Reviewer | Role::Admin);
    let mut inbox = Vec::new();
    let mut completeness = Vec::new();
    if reviews {
        for s in store.inbox(unit).await? {
            let Ok(period) = s.period.parse::<Period>() else {
                continue;
            };
            let name = match store.unit_for_period(&s.unit, &period).await? {
                Some(u) => format!("{} ({})", u.full_name, u.code),
                None => s.unit.to_string(),
            };
            inbox.push(InboxRow {
                unit: name,
                period: format::period(&period, lang),
                submitted: s.updated_at.as_deref().map(format::timestamp).unwrap_or_default(),
                by: s.updated_by.clone().unwrap_or_default(),
                href: format!("/xet-duyet?unit={}&period={period}", s.unit),
            });
        }
        for (programme, period) in reporting::recent(&programmes, unit, today).into_iter().take(4) {
            let report = store.status(unit, &programme, &period, today).await?;
            if report.expected == 0 {
                continue;
            }
            completeness.push(CompletenessRow {
                period: format::period(&period, lang),
                expected: report.expected,
                submitted: report.submitted,
                approved: report.approved,
                on_time: report.on_time,
                overdue: report.overdue,
                submitted_rate: format::percent(report.submitted_rate),
                approved_rate: format::percent(report.approved_rate),
                href: format!("/bang-dieu-khien?unit={}&period={period}#tien-do", unit.code),
            });
        }
    }

    let tasks = binhdang_engine::plans::urgent_tasks(store, user)
        .await?
        .into_iter()
        .map(|(plan, task)| super::plans::task_row(&plan, &task, lang))
        .collect();
    let mut c = session.chrome(session.t("Trang chủ", "Home"), "/");
    if q.get("msg").map(String::as_str) == Some("password_changed") {
        c = c.with_notice("ok", session.t("Đã đổi mật khẩu.", "Your password has been changed."));
    }
    Ok(HomePage {
        c,
        unit: unit.full_name.clone(),
        enters_data: matches!(user.role, Role::Officer | Role::Reviewer | Role::Admin),
        reports,
        returned,
        reviews,
        inbox,
        completeness,
        tasks,
    })
}

pub fn state_class(s: WorkflowState) -> &'static str {
    match s {
        WorkflowState::Draft => "st-draft",
        WorkflowState::Submitted => "st-submitted",
        WorkflowState::Returned => "st-returned",
        WorkflowState::Approved => "st-approved",
    }
}
