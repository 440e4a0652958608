//! Signing in and out, the caller's own account and tokens: `/auth/*` and `POST /tokens`.

use crate::AppState;
use crate::api::JsonBody;
use crate::api::text_field;
use crate::api::users::user_json;
use crate::auth::Authenticated;
use crate::auth::SESSION_COOKIE;
use crate::auth::cookie_value;
use crate::error::ApiError;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use axum::response::Response;
use binhdang_store::SignInError;
use binhdang_store::access::DEFAULT_TOKEN_DAYS;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;

/// The body of `POST /auth/sign-in`. The fields are loose: anything but non-empty text is
/// refused as missing (422 naming the field).
#[derive(Deserialize)]
pub struct SignIn {
    username: Option<Value>,
    password: Option<Value>,
}

/// `POST /api/v1/auth/sign-in` with `{"username", "password"}`.
pub async fn sign_in(
    State(state): State<AppState>,
    axum::Extension(crate::ClientAddress(address)): axum::Extension<crate::ClientAddress>,
    JsonBody(body): JsonBody<SignIn>,
) -> ApiResult<Response> {
    let username = text_field("username", &body.username)?;
    let password = text_field("password", &body.password)?;
    match crate::auth::sign_in_paced(&state, username, password, &address.to_string()).await {
        Ok((user, session)) => {
            // `Secure` is added by the transport layer when the public address is https.
            let cookie = format!(
                "{SESSION_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
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

/// The body of `POST /auth/password`; loose fields, as [`SignIn`]'s.
#[derive(Deserialize)]
pub struct NewPassword {
    old_password: Option<Value>,
    new_password: Option<Value>,
}

/// `POST /api/v1/auth/password` with `{"old_password", "new_password"}`.
/// The session it is sent in stays signed in; the user's other sessions and all their tokens end.
pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<NewPassword>,
) -> ApiResult<StatusCode> {
    let old = text_field("old_password", &body.old_password)?;
    let new = text_field("new_password", &body.new_password)?;
    // A caller signed in with a token has no session to keep (and its token ends).
    let session = caller
        .csrf_token
        .is_some()
        .then(|| cookie_value(&headers, SESSION_COOKIE))
        .flatten();
    state
        .store
        .change_password(&caller.user, old, new, session.as_deref(), &caller.origin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The body of `POST /tokens`: a name (`api` when it is absent or not text) and how many
/// days the token lasts (default [`DEFAULT_TOKEN_DAYS`]).
#[derive(Deserialize)]
pub struct NewToken {
    name: Option<Value>,
    expires_in_days: Option<Value>,
}

/// `POST /api/v1/tokens` with `{"name", "expires_in_days"}`: a token for the caller, shown once.
pub async fn create_token(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<NewToken>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let name = body.name.as_ref().and_then(Value::as_str).unwrap_or("api");
    let days = match &body.expires_in_days {
        None | Some(Value::Null) => DEFAULT_TOKEN_DAYS,
        Some(v) => v.as_i64().ok_or_else(|| {
            ApiError::invalid(
                "expires_in_days",
                "bad_days",
                format!("`expires_in_days` is a whole number of days, not {v}"),
                format!("`expires_in_days` phải là số ngày nguyên, không phải {v}"),
            )
        })?,
    };
    let (token, info) = state
        .store
        .issue_token(
            &caller.user.username,
            name,
            Some(days),
            &caller.user.username,
            &caller.origin,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "name": name, "id": info.id, "expires_at": info.expires_at })),
    ))
}

/// `GET /api/v1/tokens`: the caller's tokens (name, dates; never the secret).
pub async fn list_tokens(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({ "tokens": state.store.tokens_of(&caller.user.username).await? }),
    ))
}

/// `DELETE /api/v1/tokens/{id}`: revokes one of the caller's tokens.
pub async fn revoke_token(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> ApiResult<StatusCode> {
    let not_found = || ApiError::NotFound {
        code: "not_found",
        message_en: format!("you have no token `{id}`"),
        message_vi: format!("Bạn không có mã truy cập `{id}`"),
    };
    let id: i64 = id.trim().parse().map_err(|_| not_found())?;
    state
        .store
        .revoke_token(&caller.user.username, id, &caller.user.username, &caller.origin)
        .await
        .map_err(|e| match e {
            binhdang_store::StoreError::NotFound { .. } => not_found(),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
