//! Who is calling, and may they do this: sign-in with sessions in the database (HttpOnly,
//! SameSite=Strict cookie; Secure behind TLS), personal access tokens (`Authorization:
//! Bearer …`), CSRF protection for cookie-authenticated writes, and the scope check every
//! data route makes. Refusals outside a user's scope are logged in the audit log.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use binhdang_domain::access::{Action, Role, permits};
use binhdang_store::{Actor, AuditEntry, NewUser, SignInError, UnitSummary, User};
use serde_json::{Value, json};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "binhdang_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    /// Where the request came from, for the audit trail.
    pub origin: String,
    /// The session's CSRF token when authenticated by cookie.
    pub csrf_token: Option<String>,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.user.username.clone(),
            origin: self.origin.clone(),
        }
    }
}

pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

fn origin_of(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_default()
}

fn unauthenticated() -> ApiError {
    ApiError::Unauthenticated
}

/// Resolves the caller from a bearer token or a session cookie. A cookie-authenticated
/// request that changes something must carry the session's CSRF token in `X-CSRF-Token`;
/// a user who must change their password may do nothing else first.
async fn caller_from(parts: &Parts, state: &AppState) -> Result<Caller, ApiError> {
    let origin = origin_of(parts);
    let store = &state.store;
    let bearer = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let (user, csrf_token) = if let Some(token) = bearer {
        (store.token_user(&token).await?.ok_or_else(unauthenticated)?, None)
    } else {
        let session = cookie_value(&parts.headers, SESSION_COOKIE).ok_or_else(unauthenticated)?;
        let (user, csrf) = store.session_user(&session).await?.ok_or_else(unauthenticated)?;
        let changes_state = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if changes_state {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), csrf.as_bytes()) {
                return Err(ApiError::Forbidden {
                    code: "csrf",
                    message_en: "the request lacks this session's CSRF token (send it in X-CSRF-Token)".into(),
                    message_vi: "Yêu cầu thiếu mã chống giả mạo (CSRF) của phiên đăng nhập".into(),
                });
            }
        }
        (user, Some(csrf))
    };
    // Nested routers see their own part of the path; the original one names the route.
    let path = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map(|u| u.0.path().to_string());
    let path = path.as_deref().unwrap_or(parts.uri.path());
    if user.must_change_password
        && !matches!(
            path,
            "/api/v1/auth/password" | "/api/v1/auth/me" | "/api/v1/auth/sign-out"
        )
    {
        return Err(ApiError::Forbidden {
            code: "password_change_required",
            message_en: "choose a new password first (POST /api/v1/auth/password)".into(),
            message_vi: "Cần đổi mật khẩu trước khi tiếp tục".into(),
        });
    }
    Ok(Caller {
        user,
        origin,
        csrf_token,
    })
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Extracts the caller, answering 401/403 when there is none.
pub struct Authenticated(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        caller_from(parts, state).await.map(Authenticated)
    }
}

/// Refuses `action` on `unit` unless the caller's role and scope allow it; a refusal is
/// logged and recorded in the audit log.
pub async fn authorize(state: &AppState, caller: &Caller, unit: &UnitSummary, action: Action) -> Result<(), ApiError> {
    let reach = state.store.reach(&caller.user, unit).await?;
    if permits(caller.user.role, reach, action) {
        return Ok(());
    }
    tracing::warn!(user = %caller.user.username, unit = %unit.code, action = action.as_str(), "access refused");
    let entry = AuditEntry {
        actor: &caller.user.username,
        origin: &caller.origin,
        action: "access.denied",
        unit_id: Some(unit.id),
        period: None,
        subject: action.as_str(),
        old_value: None,
        new_value: None,
        reason: None,
    };
    state.store.audit(&entry).await?;
    Err(ApiError::Forbidden {
        code: "outside_scope",
        message_en: format!(
            "{} ({}, {}) may not {} the data of {}",
            caller.user.username,
            caller.user.role,
            caller.user.unit.full_name,
            action.as_str(),
            unit.full_name
        ),
        message_vi: format!(
            "Tài khoản {} ({}, {}) không có quyền {} số liệu của {}",
            caller.user.username,
            caller.user.role.name_vi(),
            caller.user.unit.full_name,
            action.verb_vi(),
            unit.full_name
        ),
    })
}

/// Only administrators; a refusal is recorded in the audit log (against the caller's unit,
/// `subject` naming what was refused) as [`authorize`] records one.
pub async fn require_admin(state: &AppState, caller: &Caller, subject: &str) -> Result<(), ApiError> {
    if caller.user.role == Role::Admin {
        Ok(())
    } else {
        tracing::warn!(user = %caller.user.username, subject, "administrators only: refused");
        let entry = AuditEntry {
            actor: &caller.user.username,
            origin: &caller.origin,
            action: "access.denied",
            unit_id: Some(caller.user.unit.id),
            period: None,
            subject,
            old_value: None,
            new_value: None,
            reason: None,
        };
        state.store.audit(&entry).await?;
        Err(ApiError::Forbidden {
            code: "admin_only",
            message_en: "only an administrator may do this".into(),
            message_vi: "Chỉ quản trị hệ thống được thực hiện thao tác này".into(),
        })
    }
}

pub(crate) fn body_json(body: Result<Json<Value>, JsonRejection>) -> Result<Value, ApiError> {
    body.map(|Json(v)| v).map_err(|e| ApiError::BadRequest {
        message_en: format!("the body is not valid JSON: {}", e.body_text()),
        message_vi: format!("Nội dung gửi lên không phải JSON hợp lệ: {}", e.body_text()),
    })
}

fn text_field<'a>(body: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::invalid(
                name,
                "missing",
                format!("`{name}` is required"),
                format!("Thiếu `{name}`"),
            )
        })
}

fn user_json(user: &User) -> Value {
    json!({
        "username": user.username, "role": user.role, "role_vi": user.role.name_vi(), "unit": user.unit,
        "agency": user.agency_code, "must_change_password": user.must_change_password,
    })
}

/// Whether the request reached us over TLS (directly or through a proxy that says so).
pub(crate) fn over_tls(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()) == Some("https")
}

/// `POST /api/v1/auth/sign-in` with `{"username", "password"}`.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<Response> {
    let body = body_json(body)?;
    let username = text_field(&body, "username")?;
    let password = text_field(&body, "password")?;
    match state.store.sign_in(username, password, &addr.ip().to_string()).await {
        Ok((user, session)) => {
            let secure = if over_tls(&headers) { "; Secure" } else { "" };
            let cookie = format!(
                "{SESSION_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
                session.id,
                binhdang_store::access::SESSION_HOURS * 3600
            );
            let mut response =
                Json(json!({ "user": user_json(&user), "csrf_token": session.csrf_token })).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(SET_COOKIE, v);
            }
            Ok(response)
        }
        Err(SignInError::RateLimited { retry_after_seconds }) => Err(ApiError::TooManyRequests { retry_after_seconds }),
        Err(SignInError::Invalid) => Err(ApiError::Unauthorized {
            code: "bad_credentials",
            message_en: "wrong username or password".into(),
            message_vi: "Sai tên đăng nhập hoặc mật khẩu".into(),
        }),
        Err(SignInError::Store(e)) => Err(e.into()),
    }
}

/// `POST /api/v1/auth/sign-out`
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Authenticated(_): Authenticated,
) -> ApiResult<Response> {
    if let Some(session) = cookie_value(&headers, SESSION_COOKIE) {
        state.store.sign_out(&session).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let expired = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(response)
}

/// `GET /api/v1/auth/me`
pub async fn me(Authenticated(caller): Authenticated) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({ "user": user_json(&caller.user), "csrf_token": caller.csrf_token }),
    ))
}

/// `POST /api/v1/auth/password` with `{"old_password", "new_password"}`.
pub async fn change_password(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let body = body_json(body)?;
    let old = text_field(&body, "old_password")?;
    let new = text_field(&body, "new_password")?;
    state
        .store
        .change_password(&caller.user, old, new, &caller.origin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/users` (administrators)
pub async fn list_users(State(state): State<AppState>, Authenticated(caller): Authenticated) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "users.list").await?;
    let users: Vec<Value> = state.store.users().await?.iter().map(user_json).collect();
    Ok(Json(json!({ "users": users })))
}

/// A role by its name (`officer`, `reviewer`, …), or the problem naming the field `role`.
pub(crate) fn parse_role(text: &str) -> Result<Role, ApiError> {
    text.parse()
        .map_err(|e: String| ApiError::invalid("role", "bad_role", e.clone(), format!("Vai trò không hợp lệ: {e}")))
}

/// `POST /api/v1/users` (administrators) with `{"username", "role", "unit", "agency"?, "password"}`;
/// the user must change the password at the first sign-in.
pub async fn add_user(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    require_admin(&state, &caller, "user.add").await?;
    let body = body_json(body)?;
    let role = parse_role(text_field(&body, "role")?)?;
    let new = NewUser {
        username: text_field(&body, "username")?,
        role,
        unit_code: text_field(&body, "unit")?,
        agency_code: body.get("agency").and_then(Value::as_str),
        password: text_field(&body, "password")?,
        must_change_password: true,
    };
    let user = state
        .store
        .add_user(&new, &caller.user.username, &caller.origin)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "user": user_json(&user) }))))
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

/// `POST /api/v1/users/{username}/reset-password` (administrators) with `{"password"}`.
pub async fn reset_password(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    axum::extract::Path(username): axum::extract::Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<StatusCode> {
    require_admin(&state, &caller, "user.reset_password").await?;
    let body = body_json(body)?;
    let password = text_field(&body, "password")?;
    state
        .store
        .set_password(&username, password, true, &caller.user.username, &caller.origin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/tokens` with `{"name"}`: a token for the caller, shown once.
pub async fn create_token(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Result<Json<Value>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let body = body_json(body)?;
    let name = body.get("name").and_then(Value::as_str).unwrap_or("api");
    let token = state
        .store
        .create_token(&caller.user.username, name, &caller.user.username, &caller.origin)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "token": token, "name": name }))))
}
