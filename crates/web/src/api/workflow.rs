//! The reporting workflow over HTTP: programmes, a report's state and its transitions,
//! excuses, period closure and unlocks, completeness and timeliness, the inbox, and the
//! audit trail.

use crate::AppState;
use crate::api::unit_period::UnitPeriod;
use crate::api::{Params, param, params, parse_iso_date, period_json, required};
use crate::auth::{Authenticated, Caller, authorize, require_admin};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use binhdang_domain::access::{Action, Role};
use binhdang_domain::calendar::Programme;
use binhdang_domain::workflow::Transition;
use binhdang_domain::{Period, UnitLevel};
use binhdang_store::{TransitionRequest, UnitSummary};
use serde_json::{Value, json};
use std::collections::HashMap;

fn body_object(body: Result<Json<Value>, JsonRejection>) -> Result<Value, ApiError> {
    match body {
        Ok(Json(v)) => Ok(v),
        // No body at all is fine for actions that need no reason.
        Err(JsonRejection::MissingJsonContentType(_)) => Ok(json!({})),
        Err(e) => Err(ApiError::BadRequest {
            message_en: format!("the body is not valid JSON: {}", e.body_text()),
            message_vi: format!("Nội dung gửi lên không phải JSON hợp lệ: {}", e.body_text()),
        }),
    }
}

/// The unit, period and programme a workflow request names.
async fn report_target(
    state: &AppState,
    p: &HashMap<String, String>,
) -> Result<(UnitSummary, Period, Programme), ApiError> {
    let UnitPeriod { unit, period } = UnitPeriod::named_in(state, p).await?;
    let programme = match param(p, "programme") {
        Some(code) => state.store.programme(code).await.map_err(|_| {
            ApiError::invalid(
                "programme",
                "unknown_programme",
                format!("there is no reporting programme `{code}`"),
                format!("Không có chế độ báo cáo `{code}`"),
            )
        })?,
        None => state.store.programme_for(&period).await?.ok_or_else(|| {
            ApiError::invalid(
                "period",
                "no_programme",
                format!("no reporting programme reports on {period}"),
                format!("Không có chế độ báo cáo nào cho kỳ {}", period.label_vi()),
            )
        })?,
    };
    Ok((unit, period, programme))
}

/// `GET /api/v1/programmes`
pub async fn programmes(State(state): State<AppState>, Authenticated(_): Authenticated) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "programmes": state.store.programmes().await? })))
}

/// `PUT /api/v1/programmes/{code}` (administrators): the programme as JSON, e.g.
/// `{"name_vi", "name_en", "period_type": "half_year", "half": 1, "deadlines": [["district", {"month": 6, "day": 5}]]}`.
pub async fn put_programme(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "programme.put").await?;
    let mut body = body_object(body)?;
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

/// Creates or replaces a programme (administrators), refusing deadlines that are not a
/// day of every year (`deadlines[i]`) and a missing Vietnamese name; audited by the store.
pub(crate) async fn save_programme(state: &AppState, caller: &Caller, programme: &Programme) -> Result<(), ApiError> {
    require_admin(state, caller, "programme.put").await?;
    let mut problems = Vec::new();
    for (i, (_, day)) in programme.deadlines.iter().enumerate() {
        if day.in_year(2024).is_none() || day.in_year(2025).is_none() {
            problems.push(binhdang_store::FieldProblem::new(
                format!("deadlines[{i}]"),
                "bad_day",
                format!("{}/{} is not a day of every year", day.day, day.month),
                format!("Ngày {}/{} không có trong mọi năm", day.day, day.month),
            ));
        }
    }
    if programme.name_vi.trim().is_empty() {
        problems.push(binhdang_store::FieldProblem::new(
            "name_vi",
            "missing",
            "a Vietnamese name is required".into(),
            "Thiếu tên tiếng Việt".into(),
        ));
    }
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
    q: Params,
) -> ApiResult<Json<Value>> {
    let p = params(q)?;
    let (unit, period, programme) = report_target(&state, &p).await?;
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
/// return and reopen.
pub async fn transition(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(action): Path<String>,
    q: Params,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let transition: Transition = action.parse().map_err(|_| ApiError::NotFound {
        code: "unknown_action",
        message_en: format!("`{action}` is not a workflow action: submit, approve, return or reopen"),
        message_vi: format!("`{action}` không phải thao tác hợp lệ: submit, approve, return hoặc reopen"),
    })?;
    let body = body_object(body)?;
    let p = params(q)?;
    let (unit, period, programme) = report_target(&state, &p).await?;
    authorize(&state, &caller, &unit, needed(transition)).await?;
    let reason = body.get("reason").and_then(Value::as_str);
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

/// `POST /api/v1/excuse?unit=&period=[&programme=]` with `{"reason"}`: the unit's parent
/// may be approved without it.
pub async fn excuse(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    q: Params,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let body = body_object(body)?;
    let p = params(q)?;
    let reason = body.get("reason").and_then(Value::as_str).unwrap_or("");
    let (unit, period, programme) = excuse_unit(&state, &caller, &p, reason).await?;
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
    let (unit, period, programme) = report_target(state, p).await?;
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
    q: Params,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let body = body_object(body)?;
    let p = params(q)?;
    let UnitPeriod { unit, period } = UnitPeriod::named_in(&state, &p).await?;
    let until = body.get("until").and_then(Value::as_str).ok_or_else(|| {
        ApiError::invalid(
            "until",
            "missing",
            "`until` (YYYY-MM-DD) is required".into(),
            "Thiếu `until` (YYYY-MM-DD)".into(),
        )
    })?;
    let until = parse_iso_date("until", until)?;
    let reason = body.get("reason").and_then(Value::as_str).unwrap_or("");
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
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "period.close").await?;
    let body = body_object(body)?;
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| ApiError::invalid(k, "missing", format!("`{k}` is required"), format!("Thiếu `{k}`")))
    };
    let programme = state.store.programme(&text("programme")?).await?;
    let period: Period = text("period")?.parse().map_err(|e: binhdang_domain::PeriodError| {
        ApiError::invalid("period", "bad_period", e.to_string(), e.message_vi())
    })?;
    let closes_on = parse_iso_date("closes_on", &text("closes_on")?)?;
    close(&state, &caller, &programme.code, &period, closes_on).await?;
    Ok(Json(
        json!({ "programme": programme.code, "period": period.to_string(), "closes_on": closes_on }),
    ))
}

/// `GET /api/v1/status?unit=&period=[&programme=]`: each child's state and timeliness.
pub async fn status(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    q: Params,
) -> ApiResult<Json<Value>> {
    let p = params(q)?;
    let (unit, period, programme) = report_target(&state, &p).await?;
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
/// their unit's returned reports and the deadlines of the next 60 days.
pub async fn inbox(State(state): State<AppState>, Authenticated(caller): Authenticated) -> ApiResult<Json<Value>> {
    let unit = &caller.user.unit;
    let waiting = if matches!(caller.user.role, Role::Reviewer | Role::Admin) {
        state.store.inbox(unit).await?
    } else {
        Vec::new()
    };
    let returned = state.store.returned(unit).await?;
    Ok(Json(json!({
        "user": caller.user.username,
        "waiting_for_review": waiting,
        "returned": returned,
        "upcoming_deadlines": upcoming(&state, &caller).await?,
    })))
}

/// The caller's unit's deadlines from today to 60 days ahead, with the report's state.
async fn upcoming(state: &AppState, caller: &Caller) -> Result<Vec<Value>, ApiError> {
    let unit = &caller.user.unit;
    let today = state.store.today();
    let horizon = today + time::Duration::days(60);
    let mut out = Vec::new();
    for programme in state.store.programmes().await? {
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
    q: Params,
) -> ApiResult<Json<Value>> {
    let p = params(q)?;
    let code = required(&p, "unit", "12")?;
    let unit = state
        .store
        .unit_on(code, state.store.today())
        .await
        .map_err(|_| ApiError::Invalid(vec![binhdang_store::unknown_unit("unit", code)]))?;
    if let Some(period) = param(&p, "period") {
        period
            .parse::<Period>()
            .map_err(|e| ApiError::invalid("period", "bad_period", e.to_string(), e.message_vi()))?;
    }
    authorize(&state, &caller, &unit, Action::Read).await?;
    let records = state
        .store
        .audit_trail(&unit, param(&p, "period"), param(&p, "element"))
        .await?;
    Ok(Json(
        json!({ "unit": unit, "count": records.len(), "records": records }),
    ))
}
