//! Who is calling, and may they do this: sign-in with sessions in the database (HttpOnly,
//! SameSite=Strict cookie; Secure behind TLS), personal access tokens (`Authorization:
//! Bearer …`), CSRF protection for cookie-authenticated writes, and the scope check every
//! data route makes. Refusals outside a user's scope are logged in the audit log.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use binhdang_domain::access::{Action, Role};
use binhdang_store::{Actor, AuditEntry, UnitSummary, User};

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
            entered_from: None,
        }
    }

    /// The caller writing the data of `unit`: on that unit's behalf when the caller belongs
    /// to another (a provincial reviewer keying in a commune's paper report).
    pub fn actor_for(&self, unit: &binhdang_store::UnitSummary) -> Actor {
        Actor {
            entered_from: (self.user.unit.code != unit.code).then(|| self.user.unit.code.to_string()),
            ..self.actor()
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
    crate::ClientAddress::of(parts)
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
    binhdang_engine::access::authorize(&state.store, &caller.user, &caller.origin, unit, action)
        .await
        .map_err(|e| {
            if matches!(e, binhdang_engine::access::AccessError::Denied { .. }) {
                tracing::warn!(user = %caller.user.username, unit = %unit.code, action = action.as_str(), "access refused");
            }
            ApiError::from(e)
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

/// Signs in after the wait the caller's address has earned by its failures
/// ([`binhdang_store::Store::sign_in_delay`]): an address that guesses is slowed, never locked,
/// so the other people behind it still sign in.
pub(crate) async fn sign_in_paced(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
) -> Result<(binhdang_store::User, binhdang_store::Session), binhdang_store::SignInError> {
    let wait = state.store.sign_in_delay(address).await?;
    if !wait.is_zero() {
        tracing::info!(
            address,
            seconds = wait.as_secs(),
            "sign-in slowed for an address with many failures"
        );
        tokio::time::sleep(wait).await;
    }
    state.store.sign_in(username, password, address).await
}
