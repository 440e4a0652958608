//! Accounts, administrators only: `GET/POST /users`, disable, reset a password.

use crate::AppState;
use crate::api::JsonBody;
use crate::api::Query;
use crate::api::text_field;
use crate::auth::Authenticated;
use crate::auth::require_admin;
use crate::error::ApiError;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use binhdang_domain::access::Role;
use binhdang_store::NewUser;
use binhdang_store::User;
use binhdang_store::account_search::AccountSearch;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;

pub(super) fn user_json(user: &User) -> Value {
    json!({
        "username": user.username, "role": user.role, "role_vi": user.role.name_vi(), "unit": user.unit,
        "agency": user.agency_code, "must_change_password": user.must_change_password,
    })
}

/// The query of `GET /users`.
#[derive(Deserialize)]
pub struct UserListQuery {
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// `GET /api/v1/users[?q=&page=&per_page=]` (administrators): a page of the accounts whose
/// username, name, e-mail or agency contains `q`, or of the unit coded `q`, with each
/// account's last sign-in (50 a page by default, at most 200).
pub async fn list_users(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(q): Query<UserListQuery>,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "users.list").await?;
    let search = AccountSearch {
        text: q.q.as_deref().unwrap_or(""),
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
    };
    let found = state.store.search_accounts(&search).await?;
    let users: Vec<Value> = found
        .accounts
        .iter()
        .map(|a| {
            let mut v = user_json(&a.user);
            v["full_name"] = json!(a.user.full_name);
            v["email"] = json!(a.user.email);
            v["phone"] = json!(a.user.phone);
            v["disabled"] = json!(a.user.disabled);
            v["last_sign_in"] = json!(a.last_sign_in);
            v
        })
        .collect();
    Ok(Json(json!({ "users": users, "total": found.total, "page": found.page,
        "per_page": found.per_page, "pages": found.pages })))
}

/// A role by its name (`officer`, `reviewer`, …), or the problem naming the field `role`.
pub(crate) fn parse_role(text: &str) -> Result<Role, ApiError> {
    text.parse()
        .map_err(|e: String| ApiError::invalid("role", "bad_role", e.clone(), format!("Vai trò không hợp lệ: {e}")))
}

/// The body of `POST /users`. The fields are loose: anything but non-empty text is refused
/// as missing (422 naming the field); an `agency` that is not text is no agency.
#[derive(Deserialize)]
pub struct NewUserBody {
    username: Option<Value>,
    role: Option<Value>,
    unit: Option<Value>,
    agency: Option<Value>,
    password: Option<Value>,
}

/// The body of `POST /users/{username}/reset-password`; a loose field, as [`NewUserBody`]'s.
#[derive(Deserialize)]
pub struct ResetPassword {
    password: Option<Value>,
}

/// `POST /api/v1/users` (administrators) with `{"username", "role", "unit", "agency"?, "password"}`;
/// the user must change the password at the first sign-in.
pub async fn add_user(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Result<JsonBody<NewUserBody>, ApiError>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    require_admin(&state, &caller, "user.add").await?;
    let JsonBody(body) = body?;
    let role = parse_role(text_field("role", &body.role)?)?;
    let new = NewUser {
        username: text_field("username", &body.username)?,
        role,
        unit_code: text_field("unit", &body.unit)?,
        agency_code: body.agency.as_ref().and_then(Value::as_str),
        password: text_field("password", &body.password)?,
        must_change_password: true,
    };
    let user = state
        .store
        .add_user(&new, &caller.user.username, &caller.origin)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "user": user_json(&user) }))))
}

/// `POST /api/v1/users/import` (administrators) with a CSV list of accounts (`text/csv`:
/// `username,full_name,role,unit,agency,email,phone`): checked whole, one bad row refuses it
/// all (422 naming row and column); the new accounts' one-time passwords are in the answer,
/// once; accounts that exist as listed are left as they are.
pub async fn import_users(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: String,
) -> ApiResult<(StatusCode, Json<Value>)> {
    require_admin(&state, &caller, "users.import").await?;
    let rows = binhdang_store::accounts_in_bulk::parse_account_list(&body)?;
    let done = state
        .store
        .import_accounts(&rows, &caller.user.username, &caller.origin)
        .await?;
    let status = if done.created.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(json!(done))))
}

/// `POST /api/v1/users/{username}/disable` (administrators)
pub async fn disable_user(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    axum::extract::Path(username): axum::extract::Path<String>,
) -> ApiResult<StatusCode> {
    require_admin(&state, &caller, "user.disable").await?;
    state
        .store
        .disable_user(&username, &caller.user.username, &caller.origin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/users/{username}/enable` (administrators): a disabled account may sign in again.
pub async fn enable_user(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    axum::extract::Path(username): axum::extract::Path<String>,
) -> ApiResult<StatusCode> {
    require_admin(&state, &caller, "user.enable").await?;
    state
        .store
        .enable_user(&username, &caller.user.username, &caller.origin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/users/{username}/lift-sign-in-limit` (administrators): the account's failed
/// sign-ins are forgotten, so its owner may sign in at once.
pub async fn lift_sign_in_limit(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    axum::extract::Path(username): axum::extract::Path<String>,
) -> ApiResult<StatusCode> {
    require_admin(&state, &caller, "user.lift_sign_in_limit").await?;
    state
        .store
        .lift_sign_in_limit(&username, &caller.user.username, &caller.origin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/users/{username}/reset-password` (administrators) with `{"password"}`.
pub async fn reset_password(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    axum::extract::Path(username): axum::extract::Path<String>,
    body: Result<JsonBody<ResetPassword>, ApiError>,
) -> ApiResult<StatusCode> {
    require_admin(&state, &caller, "user.reset_password").await?;
    let JsonBody(body) = body?;
    let password = text_field("password", &body.password)?;
    state
        .store
        .set_password(&username, password, true, &caller.user.username, &caller.origin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
