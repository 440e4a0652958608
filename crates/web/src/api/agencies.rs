//! Agencies beside a unit, administrators only: `POST /units/{code}/agencies` creates one,
//! `PUT /agencies/{code}` renames it, `POST /agencies/{code}/close` closes it from a date.
//! Each change is audited (old and new names), which is the agency's history.

use crate::AppState;
use crate::api::{JsonBody, parse_iso_date, text_field};
use crate::auth::{Authenticated, require_admin};
use crate::error::ApiResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

/// The body of a new agency or a new name; loose fields, refused by name when wrong.
#[derive(Deserialize)]
pub struct AgencyBody {
    code: Option<Value>,
    name_vi: Option<Value>,
    name_en: Option<Value>,
}

#[derive(Deserialize)]
pub struct CloseBody {
    on: Option<Value>,
}

/// `POST /api/v1/units/{code}/agencies` with `{"code", "name_vi", "name_en"?}` (201)
pub async fn create_agency(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(unit): Path<String>,
    JsonBody(body): JsonBody<AgencyBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    require_admin(&state, &caller, "agency.create").await?;
    let unit = state.store.unit_on(unit.trim(), state.store.today()).await?;
    // Read loosely: the store names every problem of the code and the name at once.
    let text = |v: &Option<Value>| v.as_ref().and_then(Value::as_str).unwrap_or("").to_string();
    let (code, name_vi) = (text(&body.code), text(&body.name_vi));
    let (code, name_vi) = (code.as_str(), name_vi.as_str());
    let name_en = body.name_en.as_ref().and_then(Value::as_str);
    state
        .store
        .create_agency(&unit, code, name_vi, name_en, &caller.actor())
        .await?;
    let agencies = state.store.agencies_of(&unit).await?;
    Ok((StatusCode::CREATED, Json(json!({ "unit": unit, "agencies": agencies }))))
}

/// `PUT /api/v1/agencies/{code}` with `{"name_vi", "name_en"?}`
pub async fn rename_agency(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<AgencyBody>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "agency.rename").await?;
    let name_vi = text_field("name_vi", &body.name_vi)?;
    let name_en = body.name_en.as_ref().and_then(Value::as_str);
    state
        .store
        .rename_agency(code.trim(), name_vi, name_en, &caller.actor())
        .await?;
    Ok(Json(
        json!({ "code": code.trim(), "name_vi": name_vi, "name_en": name_en }),
    ))
}

/// `POST /api/v1/agencies/{code}/close` with `{"on": "YYYY-MM-DD"}` (default today)
pub async fn close_agency(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<CloseBody>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "agency.close").await?;
    let on = match body.on.as_ref().and_then(Value::as_str) {
        Some(text) => parse_iso_date("on", text)?,
        None => state.store.today(),
    };
    state.store.close_agency(code.trim(), on, &caller.actor()).await?;
    Ok(Json(json!({ "code": code.trim(), "closed_on": on.to_string() })))
}
