//! Signing in and out, the caller's own account and tokens: `/auth/*` and `POST /tokens`.

use crate::AppState;
use crate::api::body_json;
use crate::api::text_field;
use crate::api::users::user_json;
use crate::auth::Authenticated;
use crate::auth::SESSION_COOKIE;
use crate::auth::cookie_value;
use crate::auth::over_tls;
use crate::error::ApiError;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use axum::response::Response;
use binhdang_store::SignInError;
use serde_json::Value;
use serde_json::json;
use std::net::SocketAddr;

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
