//! The reporting workflow over HTTP: programmes, a report's state and its transitions,
//! excuses, period closure and unlocks, completeness and timeliness, the inbox, and the
//! audit trail.

use crate::AppState;
use crate::api::unit_period::UnitPeriod;
use crate::api::{JsonBody, Query, given, param, parse_iso_date, period_json, required};
use crate::auth::{Authenticated, Caller, authorize, require_admin};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::{Path, State};
use binhdang_domain::access::{Action, Role};
use binhdang_domain::calendar::Programme;
use binhdang_domain::workflow::Transition;
use binhdang_domain::{Period, UnitLevel};
use binhdang_store::{TransitionRequest, UnitSummary};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

// The workflow's bodies are optional (`Option<JsonBody<…>>`): a request without a JSON
// content type reads as an empty object, so actions that need no reason need no body. Their
// fields are loose (`Option<Value>`): one that is not text reads as absent, as it always has.

/// The query naming a report's programme, besides its unit and period ([`UnitPeriod`]).
#[derive(Deserialize)]
pub struct ProgrammeQuery {
    /// A programme code; default: the programme reporting on the period.
    programme: Option<String>,
    /// An agency of the unit, whose part a reviewer returns.
    agency: Option<String>,
}

/// The body of a transition and of `POST /excuse`: `{"reason"}`, needed to return or reopen.
#[derive(Deserialize, Default)]
pub struct ReasonBody {
    reason: Option<Value>,
}

/// The body of `POST /unlock`: `{"until": "YYYY-MM-DD", "reason"}`.
#[derive(Deserialize, Default)]
pub struct UnlockBody {
    until: Option<Value>,
    reason: Option<Value>,
}

/// The body of `POST /periods/close`: `{"programme", "period", "closes_on"}`, each text.
#[derive(Deserialize, Default)]
pub struct ClosePeriodBody {
    programme: Option<Value>,
    period: Option<Value>,
    closes_on: Option<Value>,
}

/// The query of `GET /audit`.
#[derive(Deserialize)]
pub struct AuditQuery {
    unit: Option<String>,
    period: Option<String>,
    element: Option<String>,
}

/// A body field as text, if it is text.
fn text(field: &Option<Value>) -> Option<&str> {
    field.as_ref().and_then(Value::as_str)
}

/// The programme a workflow request names (`code`), else the one reporting on the period.
pub(crate) async fn programme_of(state: &AppState, period: &Period, code: Option<&str>) -> Result<Programme, ApiError> {
    Ok(match code {
        Some(code) => state.store.programme(code).await.map_err(|_| {
            ApiError::invalid(
                "programme",
                "unknown_programme",
                format!("there is no reporting programme `{code}`"),
                format!("Không có chế độ báo cáo `{code}`"),
            )
        })?,
        None => state.store.programme_for(period).await?.ok_or_else(|| {
            ApiError::invalid(
                "period",
                "no_programme",
                format!("no reporting programme reports on {period}"),
                format!("Không có chế độ báo cáo nào cho kỳ {}", period.label_vi()),
            )
        })?,
    })
}

/// `GET /api/v1/programmes`
pub async fn programmes(State(state): State<AppState>, Authenticated(_): Authenticated) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "programmes": state.store.programmes().await? })))
}

/// `PUT /api/v1/programmes/{code}` (administrators): the programme as JSON, e.g.
/// `{"name_vi", "name_en", "period_type": "half_year", "half": 1, "deadlines": [["district", {"month": 6, "day": 5}]]}`.
///
/// The body stays a `Value`: the programme is the domain's own type, read with the code from
/// the path put in, and what does not read is a 422 `bad_programme` quoting serde (not a 400).
pub async fn put_programme(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
    body: Result<Option<JsonBody<Value>>, ApiError>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "programme.put").await?;
    let mut body = body?.map_or_else(|| json!({}), |JsonBody(v)| v);
    body["code"] = json!(code.trim());
    let programme: Programme = serde_json::from_value(body).map_err(|e| {
        ApiError::invalid(
            "programme",
            "bad_programme",
            format!("the programme does not read: {e}"),
            format!("Chế độ báo cáo không hợp lệ: {e}"),
        )
    })?;
    save_programme(&state, &caller, &programme).await?;
    Ok(Json(json!({ "programme": programme })))
}

/// `POST /api/v1/programmes/{code}/archive` (administrators): the programme is no longer
/// reported under; its submissions and history stay.
pub async fn archive_programme(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "programme.archive").await?;
    state.store.archive_programme(code.trim(), &caller.actor()).await?;
    Ok(Json(json!({ "archived": code.trim() })))
}

/// Creates or replaces a programme (administrators), refusing deadlines that are not a
/// day of every year (`deadlines[i]`) and a missing Vietnamese name; audited by the store.
pub(crate) async fn save_programme(state: &AppState, caller: &Caller, programme: &Programme) -> Result<(), ApiError> {
    require_admin(state, caller, "programme.put").await?;
    let problems = programme.problems();
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    state.store.put_programme(programme, &caller.actor()).await?;
    Ok(())
}

/// `GET /api/v1/workflow?unit=&period=[&programme=]`
pub async fn state_of(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    UnitPeriod { unit, period }: UnitPeriod,
    Query(q): Query<ProgrammeQuery>,
) -> ApiResult<Json<Value>> {
    let programme = programme_of(&state, &period, given(&q.programme)).await?;
    authorize(&state, &caller, &unit, Action::Read).await?;
    let submission = state.store.submission(&unit, &programme.code, &period).await?;
    let deadline = programme.deadline(&period, unit.level);
    Ok(Json(
        json!({ "unit": unit, "period": period_json(&period), "programme": programme.code,
            "submission": submission, "deadline": deadline }),
    ))
}

/// The permission a transition needs on the unit whose report moves.
pub(crate) fn needed(transition: Transition) -> Action {
    match transition {
        Transition::Submit => Action::Submit,
        Transition::Approve | Transition::Return => Action::Approve,
        Transition::Reopen => Action::Unlock,
    }
}

/// `POST /api/v1/workflow/{action}?unit=&period=[&programme=]` with `{"reason": "…"}` for
/// return and reopen. An unknown action is refused first, then the body, then the unit and
/// period.
pub async fn transition(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(action): Path<String>,
    target: Result<UnitPeriod, ApiError>,
    Query(q): Query<ProgrammeQuery>,
    body: Result<Option<JsonBody<ReasonBody>>, ApiError>,
) -> ApiResult<Json<Value>> {
    let transition: Transition = action.parse().map_err(|_| ApiError::NotFound {
        code: "unknown_action",
        message_en: format!("`{action}` is not a workflow action: submit, approve, return or reopen"),
        message_vi: format!("`{action}` không phải thao tác hợp lệ: submit, approve, return hoặc reopen"),
    })?;
    let body = body?.map(|JsonBody(b)| b).unwrap_or_default();
    let UnitPeriod { unit, period } = target?;
    let programme = programme_of(&state, &period, given(&q.programme)).await?;
    if let Some(part) =
        agency_part_transition(&state, &caller, transition, &unit, &programme, &period, &q, &body).await?
    {
        return Ok(part);
    }
    authorize(&state, &caller, &unit, needed(transition)).await?;
    let reason = text(&body.reason);
    let submission = state
        .store
        .transition(
            &unit,
            &programme,
            &period,
            TransitionRequest { transition, reason },
            &caller.actor(),
        )
        .await?;
    Ok(Json(
        json!({ "unit": unit, "period": period_json(&period), "programme": programme.code, "submission": submission }),
    ))
}

/// An agency's part of its unit's report: an agency officer's submit sends the agency's part
/// (never the unit's whole report); `return` with `agency=` sends a part back, by someone who
/// may submit the unit's report and is not tied to an agency. Anything else is the unit's own.
#[allow(clippy::too_many_arguments)]
async fn agency_part_transition(
    state: &AppState,
    caller: &Caller,
    transition: Transition,
    unit: &UnitSummary,
    programme: &Programme,
    period: &Period,
    q: &ProgrammeQuery,
    body: &ReasonBody,
) -> Result<Option<Json<Value>>, ApiError> {
    let own_agency = binhdang_engine::scope::agency_of(&caller.user);
    let actor = caller.actor();
    let agency = match (transition, own_agency, given(&q.agency)) {
        (Transition::Submit, Some(agency), _) => {
            authorize(state, caller, unit, Action::Submit).await?;
            state
                .store
                .submit_agency_part(agency, unit, programme, period, &actor)
                .await?;
            agency
        }
        (Transition::Return, None, Some(agency)) => {
            authorize(state, caller, unit, Action::Submit).await?;
            let reason = text(&body.reason).unwrap_or("");
            state
                .store
                .return_agency_part(agency, unit, programme, period, reason, &actor)
                .await?;
            agency
        }
        _ => return Ok(None),
    };
    let parts = state
        .store
        .agency_parts(unit, programme, period, state.store.today())
        .await?;
    let part = parts.into_iter().find(|p| p.agency == agency);
    Ok(Some(Json(json!({ "unit": unit, "period": period_json(period),
        "programme": programme.code, "agency_part": part }))))
}

/// `POST /api/v1/excuse?unit=&period=[&programme=]` with `{"reason"}`: the unit's parent
/// may be approved without it.
pub async fn excuse(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    target: Result<UnitPeriod, ApiError>,
    Query(q): Query<ProgrammeQuery>,
    body: Option<JsonBody<ReasonBody>>,
) -> ApiResult<Json<Value>> {
    let body = body.map(|JsonBody(b)| b).unwrap_or_default();
    let reason = text(&body.reason).unwrap_or("");
    let (unit, period, programme) = excuse_target(&state, &caller, target?, given(&q.programme), reason).await?;
    Ok(Json(
        json!({ "unit": unit, "period": period_json(&period), "programme": programme.code, "excused": reason }),
    ))
}

/// Excuses the unit `p` names (`unit`, `period`, optional `programme`) from its parent's
/// approval, for whoever may approve its report.
pub(crate) async fn excuse_unit(
    state: &AppState,
    caller: &Caller,
    p: &HashMap<String, String>,
    reason: &str,
) -> Result<(UnitSummary, Period, Programme), ApiError> {
    let target = UnitPeriod::named_in(state, param(p, "unit"), param(p, "period")).await?;
    excuse_target(state, caller, target, param(p, "programme"), reason).await
}

/// Excuses a unit from its parent's approval for a period and programme (`programme`, else
/// the one reporting on the period).
async fn excuse_target(
    state: &AppState,
    caller: &Caller,
    UnitPeriod { unit, period }: UnitPeriod,
    programme: Option<&str>,
    reason: &str,
) -> Result<(UnitSummary, Period, Programme), ApiError> {
    let programme = programme_of(state, &period, programme).await?;
    authorize(state, caller, &unit, Action::Approve).await?;
    state
        .store
        .excuse(&unit, &programme.code, &period, reason, &caller.actor())
        .await?;
    Ok((unit, period, programme))
}

/// `POST /api/v1/unlock?unit=&period=` with `{"until": "YYYY-MM-DD", "reason"}`.
pub async fn unlock(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    target: Result<UnitPeriod, ApiError>,
    body: Option<JsonBody<UnlockBody>>,
) -> ApiResult<Json<Value>> {
    let body = body.map(|JsonBody(b)| b).unwrap_or_default();
    let UnitPeriod { unit, period } = target?;
    let until = text(&body.until).ok_or_else(|| {
        ApiError::invalid(
            "until",
            "missing",
            "`until` (YYYY-MM-DD) is required".into(),
            "Thiếu `until` (YYYY-MM-DD)".into(),
        )
    })?;
    let until = parse_iso_date("until", until)?;
    let reason = text(&body.reason).unwrap_or("");
    unlock_unit(&state, &caller, &unit, &period, until, reason).await?;
    Ok(Json(
        json!({ "unit": unit, "period": period_json(&period), "until": until }),
    ))
}

/// Lets a unit enter data into its closed period until a date, for whoever may unlock the
/// unit (a reviewer above it, an administrator), with a reason.
pub(crate) async fn unlock_unit(
    state: &AppState,
    caller: &Caller,
    unit: &UnitSummary,
    period: &Period,
    until: time::Date,
    reason: &str,
) -> Result<(), ApiError> {
    authorize(state, caller, unit, Action::Unlock).await?;
    Ok(state.store.unlock(unit, period, until, reason, &caller.actor()).await?)
}

/// Closes a programme's period for entry from a date (administrators).
pub(crate) async fn close(
    state: &AppState,
    caller: &Caller,
    programme: &str,
    period: &Period,
    closes_on: time::Date,
) -> Result<(), ApiError> {
    require_admin(state, caller, "period.close").await?;
    Ok(state
        .store
        .close_period(programme, period, closes_on, &caller.actor())
        .await?)
}

/// `POST /api/v1/periods/close` (administrators) with `{"programme", "period", "closes_on"}`.
pub async fn close_period(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Result<Option<JsonBody<ClosePeriodBody>>, ApiError>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "period.close").await?;
    let body = body?.map(|JsonBody(b)| b).unwrap_or_default();
    let required_text = |k: &str, v: &Option<Value>| {
        text(v)
            .map(str::to_string)
            .ok_or_else(|| ApiError::invalid(k, "missing", format!("`{k}` is required"), format!("Thiếu `{k}`")))
    };
    let programme = state
        .store
        .programme(&required_text("programme", &body.programme)?)
        .await?;
    let period: Period =
        required_text("period", &body.period)?
            .parse()
            .map_err(|e: binhdang_domain::PeriodError| {
                ApiError::invalid("period", "bad_period", e.to_string(), e.message_vi())
            })?;
    let closes_on = parse_iso_date("closes_on", &required_text("closes_on", &body.closes_on)?)?;
    close(&state, &caller, &programme.code, &period, closes_on).await?;
    Ok(Json(
        json!({ "programme": programme.code, "period": period.to_string(), "closes_on": closes_on }),
    ))
}

/// `GET /api/v1/status?unit=&period=[&programme=]`: each child's state and timeliness.
pub async fn status(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    UnitPeriod { unit, period }: UnitPeriod,
    Query(q): Query<ProgrammeQuery>,
) -> ApiResult<Json<Value>> {
    let programme = programme_of(&state, &period, given(&q.programme)).await?;
    authorize(&state, &caller, &unit, Action::Read).await?;
    let report = state
        .store
        .status(&unit, &programme, &period, state.store.today())
        .await?;
    Ok(Json(
        serde_json::to_value(report).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// `GET /api/v1/inbox`: for a reviewer, submissions waiting below their unit; for everyone,
/// their unit's returned reports, the deadlines of the next 60 days, and the tasks their body
/// leads that are overdue or due within a week.
pub async fn inbox(State(state): State<AppState>, Authenticated(caller): Authenticated) -> ApiResult<Json<Value>> {
    let unit = &caller.user.unit;
    let waiting = if matches!(caller.user.role, Role::Reviewer | Role::Admin) {
        state.store.inbox(unit).await?
    } else {
        Vec::new()
    };
    let returned = state.store.returned(unit).await?;
    let tasks: Vec<Value> = binhdang_engine::plans::urgent_tasks(&state.store, &caller.user)
        .await?
        .into_iter()
        .map(|(plan, task)| crate::api::plans::led_task_json(&plan, task))
        .collect();
    Ok(Json(json!({
        "user": caller.user.username,
        "waiting_for_review": waiting,
        "returned": returned,
        "upcoming_deadlines": upcoming(&state, &caller).await?,
        "tasks": tasks,
    })))
}

/// The caller's unit's deadlines from today to 60 days ahead under the programmes that bind
/// it, with the report's state.
async fn upcoming(state: &AppState, caller: &Caller) -> Result<Vec<Value>, ApiError> {
    let unit = &caller.user.unit;
    let today = state.store.today();
    let horizon = today + time::Duration::days(60);
    let mut out = Vec::new();
    for programme in state.store.programmes().await? {
        // A programme binding other units (a directive's duty) has no deadline for this one.
        if !state.store.programme_binds(&programme, unit).await? {
            continue;
        }
        for year in [today.year(), today.year() + 1] {
            let candidates = match programme.period_type {
                binhdang_domain::PeriodType::HalfYear => vec![Period::HalfYear {
                    year,
                    half: programme.half.unwrap_or(1),
                }],
                binhdang_domain::PeriodType::Year => vec![Period::Year(year)],
                binhdang_domain::PeriodType::ActionMonth => vec![Period::ActionMonth(year)],
                _ => Vec::new(),
            };
            for period in candidates {
                let level = if unit.level == UnitLevel::Country {
                    continue;
                } else {
                    unit.level
                };
                let Some(deadline) = programme.deadline(&period, level) else {
                    continue;
                };
                if deadline < today || deadline > horizon {
                    continue;
                }
                let submission = state.store.submission(unit, &programme.code, &period).await?;
                out.push(
                    json!({ "programme": programme.code, "name_vi": programme.name_vi, "period": period.to_string(),
                    "deadline": deadline, "state": submission.state }),
                );
            }
        }
    }
    Ok(out)
}

/// `GET /api/v1/audit?unit=[&period=][&element=]`: the unit's audit trail.
pub async fn audit(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Value>> {
    let code = required("unit", given(&q.unit), "12")?;
    let unit = state
        .store
        .unit_on(code, state.store.today())
        .await
        .map_err(|_| ApiError::Invalid(vec![binhdang_store::unknown_unit("unit", code)]))?;
    if let Some(period) = given(&q.period) {
        period
            .parse::<Period>()
            .map_err(|e| ApiError::invalid("period", "bad_period", e.to_string(), e.message_vi()))?;
    }
    authorize(&state, &caller, &unit, Action::Read).await?;
    let records = state
        .store
        .audit_trail(&unit, given(&q.period), given(&q.element))
        .await?;
    Ok(Json(
        json!({ "unit": unit, "count": records.len(), "records": records }),
    ))
}
