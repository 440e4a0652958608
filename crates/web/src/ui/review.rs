//! Reviewing a report (`/xet-duyet?unit=&period=`): its state and history, the figures it
//! holds with the validation findings, approve or return it with a comment (`POST
//! /quy-trinh`), and the history of any value (`/lich-su?unit=&period=&element=`, a fragment
//! when htmx asks for it).

use super::{Chrome, Session, field, format, render, see_other};
use crate::AppState;
use crate::auth::authorize;
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use binhdang_domain::access::{Action, permits};
use binhdang_domain::calendar::Timeliness;
use binhdang_domain::rules::Severity;
use binhdang_domain::workflow::{State as WorkflowState, Transition};
use binhdang_domain::{Disaggregation, ElementRole, Period};
use binhdang_store::{StoreError, TransitionRequest, UnitSummary};
use rust_decimal::Decimal;
use std::collections::HashMap;

pub struct ValueRow {
    pub element: String,
    pub label: String,
    pub breakdown: String,
    pub value: String,
    pub comment: String,
    pub history_href: String,
    pub history_target: String,
}

pub struct IndicatorRow {
    pub code: String,
    pub name: String,
    pub figure: String,
    /// The target the figure is judged against and where it comes from; empty without one.
    pub target: String,
    pub status: String,
    pub status_class: &'static str,
    /// The figure of the report before (`Năm 2024: 61,0%`); empty when there was none.
    pub previous: String,
    /// The change since then, better or worse by the indicator's direction (`↑ +2,4 (tốt
    /// hơn)`); empty without both figures.
    pub change: String,
    pub change_class: &'static str,
    /// 0 with an error, 1 with a warning not explained, 2 otherwise: what a reviewer reads first.
    pub urgency: u8,
    pub values: Vec<ValueRow>,
    pub findings: Vec<FindingRow>,
}

pub struct FindingRow {
    pub class: &'static str,
    pub severity: String,
    pub text: String,
    pub explained: String,
}

pub struct EventRow {
    pub when: String,
    pub who: String,
    pub what: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    c: Chrome,
    unit_code: String,
    unit_name: String,
    period_id: String,
    period_label: String,
    state: String,
    state_class: &'static str,
    deadline: String,
    submitted_at: String,
    /// "gửi muộn 3 ngày" when the report was first sent after its deadline.
    late: String,
    can_decide: bool,
    can_reopen: bool,
    indicators: Vec<IndicatorRow>,
    other_findings: Vec<FindingRow>,
    errors: usize,
    warnings: usize,
    unexplained: usize,
    events: Vec<EventRow>,
    reason: String,
    /// The parts the unit's agencies send (none when it has no agency).
    agency_parts: Vec<AgencyPartRow>,
    /// Who keyed in values of this report on the unit's behalf.
    on_behalf: Vec<String>,
}

/// One agency's part of the report, as the reviewer sees it.
struct AgencyPartRow {
    name: String,
    indicators: String,
    state: &'static str,
    class: &'static str,
    submitted_at: String,
    comment: String,
}

fn agency_part_row(p: binhdang_store::AgencyPart, lang: Lang) -> AgencyPartRow {
    let (vi, en, class) = match p.state {
        "submitted" => ("Đã gửi", "Submitted", "st-submitted"),
        "returned" => ("Đã trả lại", "Returned", "st-returned"),
        "draft" => ("Đang nhập, chưa gửi", "Entered, not sent", "st-draft"),
        _ => ("Chưa báo cáo", "Not reported", "st-missing"),
    };
    AgencyPartRow {
        name: match (lang, p.name_en) {
            (Lang::En, Some(en)) => en,
            _ => p.name_vi,
        },
        indicators: p.indicators.join(", "),
        state: if lang == Lang::En { en } else { vi },
        class,
        submitted_at: p
            .first_submitted_at
            .as_deref()
            .map(format::timestamp)
            .unwrap_or_else(|| format::NONE.into()),
        comment: p.comment.unwrap_or_default(),
    }
}

async fn target(state: &AppState, q: &HashMap<String, String>) -> Result<(UnitSummary, Period), ApiError> {
    let get = |k: &str| q.get(k).map(|s| s.trim()).unwrap_or("");
    Ok(state.store.resolve_unit_period(get("unit"), get("period")).await?)
}

/// `GET /xet-duyet?unit=&period=`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (unit, period) = target(&state, &q).await?;
    authorize(&state, &session.caller, &unit, Action::Read).await?;
    let notice = match q.get("msg").map(String::as_str) {
        Some("approved") => Some((
            "ok",
            session.t("Đã phê duyệt báo cáo.", "The report has been approved."),
        )),
        Some("returned") => Some((
            "ok",
            session.t(
                "Đã trả lại báo cáo cho đơn vị để sửa.",
                "The report has been sent back for correction.",
            ),
        )),
        Some("reopened") => Some(("ok", session.t("Đã mở lại báo cáo.", "The report has been reopened."))),
        _ => None,
    };
    let page = build(
        &state,
        &session,
        &unit,
        &period,
        notice.map(|(k, t)| (k, t.to_string())),
        "",
    )
    .await?;
    Ok(render(StatusCode::OK, &page))
}

fn d_label(d: Disaggregation, lang: Lang) -> &'static str {
    match (d, lang) {
        (Disaggregation::Male, Lang::En) => "men",
        (Disaggregation::Female, Lang::En) => "women",
        (_, Lang::En) => d.name_en(),
        (_, Lang::Vi) => d.name_vi(),
    }
}

fn finding_row(f: &binhdang_domain::rules::Finding, lang: Lang) -> FindingRow {
    let error = f.severity == Severity::Error;
    FindingRow {
        class: if error { "error-text" } else { "warn-text" },
        severity: match (error, lang) {
            (true, Lang::Vi) => "Lỗi",
            (false, Lang::Vi) => "Cảnh báo",
            (true, Lang::En) => "Error",
            (false, Lang::En) => "Warning",
        }
        .to_string(),
        text: if lang == Lang::En {
            f.message_en.clone()
        } else {
            f.message_vi.clone()
        },
        explained: match (f.needs_explanation, f.explained, lang) {
            (true, true, Lang::Vi) => "đã giải trình",
            (true, false, Lang::Vi) => "chưa giải trình",
            (true, true, Lang::En) => "explained",
            (true, false, Lang::En) => "not explained",
            _ => "",
        }
        .to_string(),
    }
}

async fn build(
    state: &AppState,
    session: &Session,
    unit: &UnitSummary,
    period: &Period,
    notice: Option<(&'static str, String)>,
    reason: &str,
) -> Result<ReviewPage, ApiError> {
    let store = &state.store;
    let lang = session.lang;
    let indicators = store.indicators().await?;
    let programmes = store.programmes().await?;
    let previous = super::reporting::previous_report(&programmes, period);
    let report = Report {
        unit,
        period,
        lang,
        elements: store.data_elements().await?,
        values: store.values(unit, period).await?,
        assessment: store.assessment(unit, period).await?,
        previous,
        previous_figures: store.figures(unit, &previous, &[]).await?,
        findings: store.validate(unit, period).await?,
    };
    let (errors, warnings, unexplained) = binhdang_domain::rules::tally(&report.findings);
    let programme = store.programme_for(period).await?;
    let submission = match &programme {
        Some(p) => Some(store.submission(unit, &p.code, period).await?),
        None => None,
    };
    let workflow_state = submission.as_ref().map(|s| s.state).unwrap_or(WorkflowState::Draft);
    let agency_parts = match &programme {
        Some(p) => store.agency_parts(unit, p, period, store.today()).await?,
        None => Vec::new(),
    };
    let reach = store.reach(&session.caller.user, unit).await?;
    let role = session.caller.user.role;

    let mut placed = vec![false; report.findings.len()];
    let mut rows: Vec<IndicatorRow> = indicators
        .iter()
        .filter_map(|indicator| report.indicator_row(indicator, &mut placed))
        .collect();
    // Errors first, then warnings still unexplained, each group in catalogue order.
    rows.sort_by_key(|r| r.urgency);
    let other_findings = report
        .findings
        .iter()
        .zip(&placed)
        .filter(|(_, p)| !**p)
        .map(|(f, _)| finding_row(f, lang))
        .collect();
    let events = workflow_events(state, unit, period, lang).await?;
    let title = format!(
        "{} — {} — {}",
        session.t("Xét duyệt báo cáo", "Report review"),
        unit.full_name,
        format::period(period, lang)
    );
    let mut c = session.chrome(title, "");
    if let Some((kind, text)) = notice {
        c = c.with_notice(kind, text);
    }
    let deadline = programme.as_ref().and_then(|p| p.deadline(period, unit.level));
    let first_sent = submission.as_ref().and_then(|s| s.first_submitted_at.clone());
    Ok(ReviewPage {
        late: late_by(deadline, first_sent.as_deref(), lang),
        c,
        unit_code: unit.code.to_string(),
        unit_name: unit.full_name.clone(),
        period_id: period.to_string(),
        period_label: format::period(period, lang),
        state: format::state(workflow_state, lang).to_string(),
        state_class: super::home::state_class(workflow_state),
        deadline: deadline.map(format::date).unwrap_or_else(|| format::NONE.into()),
        submitted_at: submission
            .as_ref()
            .and_then(|s| s.first_submitted_at.as_deref())
            .map(format::timestamp)
            .unwrap_or_else(|| format::NONE.into()),
        can_decide: workflow_state == WorkflowState::Submitted && permits(role, reach, Action::Approve),
        can_reopen: workflow_state == WorkflowState::Approved && permits(role, reach, Action::Unlock),
        indicators: rows,
        other_findings,
        errors,
        warnings,
        unexplained,
        events,
        reason: reason.to_string(),
        agency_parts: agency_parts.into_iter().map(|p| agency_part_row(p, lang)).collect(),
        on_behalf: super::reporting::on_behalf_lines(store, unit, period, lang).await?,
    })
}

/// "gửi muộn 3 ngày so với hạn" when the report was first sent after its deadline, judged as
/// the completeness table judges it (the day of the stored timestamp; the deadline's whole
/// day is on time); else empty.
fn late_by(deadline: Option<time::Date>, first_sent: Option<&str>, lang: Lang) -> String {
    let sent = first_sent
        .and_then(|t| t.get(..10))
        .and_then(|d| time::Date::parse(d, &time::format_description::well_known::Iso8601::DATE).ok());
    match (deadline, sent) {
        (Some(deadline), Some(sent))
            if binhdang_domain::calendar::timeliness(Some(deadline), Some(sent), sent) == Timeliness::Late =>
        {
            let days = (sent - deadline).whole_days();
            match lang {
                Lang::Vi => format!("gửi muộn {days} ngày so với hạn"),
                Lang::En => format!("sent {days} day(s) after the deadline"),
            }
        }
        _ => String::new(),
    }
}

/// What a report holds, to be shown indicator by indicator.
struct Report<'a> {
    unit: &'a UnitSummary,
    period: &'a Period,
    lang: Lang,
    elements: Vec<binhdang_domain::DataElement>,
    values: Vec<binhdang_store::StoredValue>,
    /// Each indicator's figure, the target it is judged against and the verdict.
    assessment: Vec<binhdang_store::Assessment>,
    /// The report before, and its figures, to compare with.
    previous: Period,
    previous_figures: Vec<binhdang_store::Figure>,
    findings: Vec<binhdang_domain::rules::Finding>,
}

impl Report<'_> {
    /// The indicator's values and findings, marking in `placed` the findings shown with it;
    /// `None` when it has neither.
    fn indicator_row(&self, indicator: &binhdang_domain::Indicator, placed: &mut [bool]) -> Option<IndicatorRow> {
        let lang = self.lang;
        let mut own: Vec<_> = self
            .values
            .iter()
            .filter(|v| v.element.rsplit_once('.').map(|(i, _)| i) == Some(indicator.code.as_str()))
            .collect();
        // Catalogue order, and the parts (men before women) before the total, as on the
        // entry form.
        let rank = |d: Disaggregation| {
            Disaggregation::parts()
                .iter()
                .position(|p| *p == d)
                .unwrap_or(Disaggregation::parts().len())
        };
        own.sort_by_key(|v| {
            (
                self.elements
                    .iter()
                    .position(|e| e.code == v.element)
                    .unwrap_or(usize::MAX),
                rank(v.disaggregation),
            )
        });
        let mut found = Vec::new();
        let mut urgency = 2;
        for (i, f) in self.findings.iter().enumerate() {
            if f.values
                .iter()
                .any(|v| v.element.rsplit_once('.').map(|(i, _)| i) == Some(indicator.code.as_str()))
            {
                placed[i] = true;
                found.push(finding_row(f, lang));
                if f.severity == Severity::Error {
                    urgency = 0;
                } else if f.needs_explanation && !f.explained {
                    urgency = urgency.min(1);
                }
            }
        }
        if own.is_empty() && found.is_empty() {
            return None;
        }
        let assessed = self.assessment.iter().find(|a| a.indicator == indicator.code);
        let figure = assessed.and_then(|a| a.figure.value);
        let target = assessed
            .and_then(|a| a.target.as_ref())
            .map(|t| {
                format!(
                    "{} ({})",
                    format::target(indicator, &t.target),
                    format::target_source(t, lang)
                )
            })
            .unwrap_or_default();
        let status = assessed
            .map(|a| a.status)
            .unwrap_or(binhdang_domain::assessment::Status::NoData);
        let previous_value = self
            .previous_figures
            .iter()
            .find(|f| f.indicator == indicator.code)
            .and_then(|f| f.value);
        let (change, change_class) = match (figure, previous_value) {
            (Some(now), Some(then)) => {
                let (arrow, text, class) = format::trend(now - then, indicator.direction, lang);
                (format!("{arrow} {text}"), class)
            }
            _ => (String::new(), ""),
        };
        let previous = previous_value
            .map(|v| {
                format!(
                    "{}: {}",
                    format::period(&self.previous, lang),
                    format::value(indicator, Some(v))
                )
            })
            .unwrap_or_default();
        Some(IndicatorRow {
            code: indicator.code.to_string(),
            name: if lang == Lang::En {
                indicator.name_en.clone()
            } else {
                indicator.name_vi.clone()
            },
            figure: format::value(indicator, figure),
            target,
            status: format::status(status, lang).to_string(),
            status_class: format::status_class(status),
            previous,
            change,
            change_class,
            urgency,
            values: own.iter().map(|v| self.value_row(v)).collect(),
            findings: found,
        })
    }

    /// One stored value with its element's name and the link to its history.
    fn value_row(&self, v: &binhdang_store::StoredValue) -> ValueRow {
        let lang = self.lang;
        let element = self.elements.iter().find(|e| e.code == v.element);
        let label = element
            .map(|e| {
                let role = match (e.role, lang) {
                    (ElementRole::Numerator, Lang::Vi) => "Tử số: ",
                    (ElementRole::Denominator, Lang::Vi) => "Mẫu số: ",
                    (ElementRole::Rate, Lang::Vi) => "Tỷ lệ ghi trong báo cáo: ",
                    _ => "",
                };
                let name = if lang == Lang::En { &e.name_en } else { &e.name_vi };
                format!("{role}{name}")
            })
            .unwrap_or_else(|| v.element.to_string());
        let shown = match (&v.value, &v.text) {
            (Some(n), _) => Decimal::from_str_exact(n)
                .map(format::number)
                .unwrap_or_else(|_| n.clone()),
            (None, Some(t)) => t.clone(),
            _ => String::new(),
        };
        let target_id = format!("h-{}-{}", v.element.replace('.', "-"), v.disaggregation.as_str());
        ValueRow {
            history_href: format!(
                "/lich-su?unit={}&period={}&element={}",
                self.unit.code, self.period, v.element
            ),
            history_target: target_id,
            element: v.element.to_string(),
            label,
            breakdown: d_label(v.disaggregation, lang).to_string(),
            value: shown,
            comment: v.comment.clone().unwrap_or_default(),
        }
    }
}

/// The report's workflow events (submitted, approved, returned, reopened), oldest first.
async fn workflow_events(
    state: &AppState,
    unit: &UnitSummary,
    period: &Period,
    lang: Lang,
) -> Result<Vec<EventRow>, ApiError> {
    Ok(state
        .store
        .audit_trail(unit, Some(&period.to_string()), None)
        .await?
        .into_iter()
        .filter(|r| r.action.starts_with("workflow."))
        .map(|r| EventRow {
            when: format::timestamp(&r.at),
            who: r.actor.clone(),
            what: match (r.action.as_str(), lang) {
                ("workflow.submit", Lang::Vi) => "Gửi báo cáo",
                ("workflow.approve", Lang::Vi) => "Phê duyệt",
                ("workflow.return", Lang::Vi) => "Trả lại",
                ("workflow.reopen", Lang::Vi) => "Mở lại",
                ("workflow.submit", Lang::En) => "Submitted",
                ("workflow.approve", Lang::En) => "Approved",
                ("workflow.return", Lang::En) => "Returned",
                ("workflow.reopen", Lang::En) => "Reopened",
                _ => "",
            }
            .to_string(),
            reason: r.reason.clone().unwrap_or_default(),
        })
        .collect())
}

/// `POST /quy-trinh` with `unit`, `period`, `action` (approve, return, reopen) and `reason`.
pub async fn transition(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return Ok(r);
    }
    let q: HashMap<String, String> = form.iter().cloned().collect();
    let (unit, period) = target(&state, &q).await?;
    let action = field(&form, "action").unwrap_or("");
    let transition: Transition = action.parse().map_err(|e: String| ApiError::BadRequest {
        message_en: e.clone(),
        message_vi: format!("`{action}` không phải thao tác hợp lệ"),
    })?;
    authorize(&state, &session.caller, &unit, crate::api::workflow::needed(transition)).await?;
    let programme = state.store.programme_for(&period).await?.ok_or_else(|| {
        ApiError::invalid(
            "period",
            "no_programme",
            format!("no reporting programme reports on {period}"),
            format!("Không có chế độ báo cáo nào cho kỳ {}", period.label_vi()),
        )
    })?;
    let reason = field(&form, "reason").map(str::trim).filter(|r| !r.is_empty());
    let request = TransitionRequest { transition, reason };
    match state
        .store
        .transition(&unit, &programme, &period, request, &session.caller.actor())
        .await
    {
        Ok(_) => {
            let msg = match transition {
                Transition::Approve => "approved",
                Transition::Return => "returned",
                Transition::Reopen => "reopened",
                Transition::Submit => "submitted",
            };
            Ok(see_other(&format!(
                "/xet-duyet?unit={}&period={period}&msg={msg}",
                unit.code
            )))
        }
        Err(StoreError::Invalid(problems)) => {
            let text = super::messages_in(problems, session.lang);
            let page = build(
                &state,
                &session,
                &unit,
                &period,
                Some(("error", text)),
                reason.unwrap_or(""),
            )
            .await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub origin: String,
    pub breakdown: String,
    pub old: String,
    pub new: String,
    pub comment: String,
    /// Where an imported value was read from: "file — quote".
    pub source: String,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    c: Chrome,
    element: String,
    unit_name: String,
    period_label: String,
    back_href: String,
    rows: Vec<HistoryRow>,
}

/// The same table alone, for htmx to put in the review page.
#[derive(Template)]
#[template(path = "history_fragment.html")]
struct HistoryFragment {
    c: Chrome,
    element: String,
    rows: Vec<HistoryRow>,
}

/// `GET /lich-su?unit=&period=&element=`: every change of one value, oldest first.
pub async fn history(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (unit, period) = target(&state, &q).await?;
    authorize(&state, &session.caller, &unit, Action::Read).await?;
    let element = q.get("element").map(|s| s.trim().to_string()).unwrap_or_default();
    let lang = session.lang;
    let shown = |v: Option<String>| match v {
        None => format::NONE.to_string(),
        Some(t) => Decimal::from_str_exact(&t).map(format::number).unwrap_or(t),
    };
    let rows = state
        .store
        .audit_trail(&unit, Some(&period.to_string()), Some(&element))
        .await?
        .into_iter()
        .map(|r| HistoryRow {
            when: format::timestamp(&r.at),
            who: match &r.entered_from {
                Some(from) if lang == Lang::En => format!("{} (unit {from}, on the unit's behalf)", r.actor),
                Some(from) => format!("{} (đơn vị {from}, nhập thay)", r.actor),
                None => r.actor,
            },
            origin: r.origin,
            breakdown: r
                .disaggregation
                .as_deref()
                .and_then(|d| d.parse::<Disaggregation>().ok())
                .map(|d| d_label(d, lang).to_string())
                .unwrap_or_default(),
            old: shown(r.old_value),
            new: shown(r.new_value),
            comment: r.reason.unwrap_or_default(),
            source: r.source.unwrap_or_default(),
        })
        .collect();
    let title = format!("{} {element}", session.t("Lịch sử giá trị", "History of"));
    let c = session.chrome(title, "");
    if headers.contains_key("hx-request") {
        return Ok(render(StatusCode::OK, &HistoryFragment { c, element, rows }));
    }
    Ok(render(
        StatusCode::OK,
        &HistoryPage {
            c,
            back_href: format!("/xet-duyet?unit={}&period={period}", unit.code),
            element,
            unit_name: unit.full_name.clone(),
            period_label: format::period(&period, lang),
            rows,
        },
    ))
}
