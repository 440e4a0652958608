//! Signing in and out, and changing one's password (forced while the password is a one-time
//! one). Sign-in goes through [`binhdang_store::Store::sign_in`], with its rate limits, and
//! opens the same database session the API uses.

use super::{Chrome, PASSWORD_PATH, SIGN_IN_PATH, Session, cookie, field, render, safe_next, see_other, ui_lang};
use crate::AppState;
use crate::auth::{SESSION_COOKIE, constant_time_eq, cookie_value};
use crate::lang::Lang;
use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use binhdang_store::{SignInError, StoreError};
use std::collections::HashMap;
use std::convert::Infallible;

/// The cookie holding the sign-in form's anti-forgery token (there is no session yet).
const LOGIN_COOKIE: &str = "binhdang_login";

/// Who is looking at a page that needs no session: their language and the page's path.
pub struct Visitor {
    pub lang: Lang,
    pub path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Visitor {
            lang: ui_lang(parts),
            path: super::path_and_query(parts),
        })
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

/// The sign-in form with its anti-forgery token in a cookie and a hidden field. The token of
/// an earlier visit is kept, so that a second tab or a background request for the page does
/// not invalidate a form already shown.
fn login_page(
    visitor: &Visitor,
    headers: &HeaderMap,
    status: StatusCode,
    next: &str,
    username: &str,
    error: Option<String>,
    notice: Option<&str>,
) -> Response {
    let token = cookie_value(headers, LOGIN_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(binhdang_store::access::new_secret);
    let mut c = Chrome::anonymous(visitor.lang, visitor.lang.pick("Đăng nhập", "Sign in"), &visitor.path);
    if let Some(text) = notice {
        c = c.with_notice("ok", text);
    }
    let page = LoginPage {
        c,
        csrf: token.clone(),
        next: next.to_string(),
        username: username.to_string(),
        error,
    };
    let mut response = render(status, &page);
    if let Ok(v) = HeaderValue::from_str(&cookie(LOGIN_COOKIE, &token, SIGN_IN_PATH, 3600)) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// `GET /dang-nhap[?next=/path]`
pub async fn form(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let next = safe_next(q.get("next").map(String::as_str));
    // Already signed in: straight on.
    if let Some(id) = cookie_value(&headers, SESSION_COOKIE)
        && let Ok(Some(_)) = state.store.session_user(&id).await
    {
        return see_other(&next);
    }
    let notice = match q.get("msg").map(String::as_str) {
        Some("signed_out") => Some(visitor.lang.pick("Bạn đã đăng xuất.", "You have signed out.")),
        _ => None,
    };
    login_page(&visitor, &headers, StatusCode::OK, &next, "", None, notice)
}

#[derive(serde::Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// `POST /dang-nhap` with `username`, `password`, `csrf`, `next`.
pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::Extension(crate::ClientAddress(address)): axum::Extension<crate::ClientAddress>,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let lang = visitor.lang;
    let next = safe_next(Some(&f.next));
    let username = f.username.trim();
    let expected = cookie_value(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), f.csrf.as_bytes()) {
        let message = lang.pick(
            "Biểu mẫu đăng nhập đã hết hạn. Hãy nhập lại và đăng nhập.",
            "The sign-in form has expired. Please enter your details again.",
        );
        return login_page(
            &visitor,
            &headers,
            StatusCode::FORBIDDEN,
            &next,
            username,
            Some(message.into()),
            None,
        );
    }
    if username.is_empty() || f.password.is_empty() {
        let message = lang.pick(
            "Hãy nhập tên đăng nhập và mật khẩu.",
            "Enter your username and password.",
        );
        return login_page(
            &visitor,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            &next,
            username,
            Some(message.into()),
            None,
        );
    }
    match crate::auth::sign_in_paced(&state, username, &f.password, &address.to_string()).await {
        Ok((user, session)) => {
            let target = if user.must_change_password {
                PASSWORD_PATH.to_string()
            } else {
                next
            };
            let mut r = see_other(&target);
            let h = r.headers_mut();
            let max_age = binhdang_store::access::SESSION_HOURS * 3600;
            for c in [
                cookie(SESSION_COOKIE, &session.id, "/", max_age),
                cookie(LOGIN_COOKIE, "", SIGN_IN_PATH, 0),
            ] {
                if let Ok(v) = HeaderValue::from_str(&c) {
                    h.append(SET_COOKIE, v);
                }
            }
            r
        }
        Err(SignInError::RateLimited { retry_after_seconds }) => {
            let minutes = (retry_after_seconds + 59) / 60;
            let message = if lang == Lang::En {
                format!("Too many failed sign-ins. Try again in {minutes} minute(s).")
            } else {
                format!("Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút.")
            };
            let mut r = login_page(
                &visitor,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                &next,
                username,
                Some(message),
                None,
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
                r.headers_mut().insert(RETRY_AFTER, v);
            }
            r
        }
        Err(SignInError::Invalid) => {
            let message = lang.pick("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.");
            login_page(
                &visitor,
                &headers,
                StatusCode::UNAUTHORIZED,
                &next,
                username,
                Some(message.into()),
                None,
            )
        }
        Err(SignInError::Store(e)) => {
            tracing::error!(error = %e, "sign-in failed");
            let message = lang.pick(
                "Máy chủ không xử lý được yêu cầu; lỗi đã được ghi lại.",
                "The server could not complete the request; it has been logged.",
            );
            login_page(
                &visitor,
                &headers,
                StatusCode::INTERNAL_SERVER_ERROR,
                &next,
                username,
                Some(message.into()),
                None,
            )
        }
    }
}

/// `POST /dang-xuat`: ends the session.
pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return r;
    }
    if let Err(e) = state.store.sign_out(&session.id).await {
        return session.api_error(e.into());
    }
    let mut r = see_other(&format!("{SIGN_IN_PATH}?msg=signed_out"));
    if let Ok(v) = HeaderValue::from_str(&cookie(SESSION_COOKIE, "", "/", 0)) {
        r.headers_mut().insert(SET_COOKIE, v);
    }
    r
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    c: Chrome,
    forced: bool,
    tokens: Vec<TokenRow>,
    old_error: Option<String>,
    new_error: Option<String>,
    confirm_error: Option<String>,
}

/// One of the visitor's personal access tokens, as the account page lists it.
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: String,
    pub expires: String,
    pub live: bool,
}

/// `YYYY-MM-DD…` as dd/mm/yyyy, or "–".
fn day(stamp: Option<&str>) -> String {
    match stamp
        .and_then(|s| s.get(..10))
        .map(|d| d.split('-').collect::<Vec<_>>())
    {
        Some(p) if p.len() == 3 => format!("{}/{}/{}", p[2], p[1], p[0]),
        _ => "–".into(),
    }
}

/// The visitor's tokens, newest first.
async fn token_rows(state: &AppState, session: &Session) -> Vec<TokenRow> {
    let now = state.store.clock().now_text();
    let tokens = state
        .store
        .tokens_of(&session.caller.user.username)
        .await
        .unwrap_or_default();
    tokens
        .into_iter()
        .map(|t| TokenRow {
            live: t.revoked_at.is_none() && t.expires_at.as_deref().is_none_or(|e| e > now.as_str()),
            id: t.id,
            created: day(Some(&t.created_at)),
            last_used: day(t.last_used_at.as_deref()),
            expires: day(t.expires_at.as_deref()),
            name: t.name,
        })
        .collect()
}

fn password_page(
    session: &Session,
    status: StatusCode,
    errors: [Option<String>; 3],
    tokens: Vec<TokenRow>,
    notice: Option<&str>,
) -> Response {
    let [old_error, new_error, confirm_error] = errors;
    let mut c = session.chrome(session.t("Đổi mật khẩu", "Change password"), PASSWORD_PATH);
    if let Some(text) = notice {
        c = c.with_notice("ok", text.to_string());
    }
    if session.caller.user.must_change_password {
        // Nowhere else to go until the password is changed.
        c.nav.clear();
    }
    let page = PasswordPage {
        c,
        forced: session.caller.user.must_change_password,
        tokens,
        old_error,
        new_error,
        confirm_error,
    };
    render(status, &page)
}

/// `GET /doi-mat-khau[?msg=token_revoked]`: the password form and the visitor's tokens.
pub async fn password_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let notice = (q.get("msg").map(String::as_str) == Some("token_revoked"))
        .then(|| session.t("Đã thu hồi mã truy cập.", "The token has been revoked."));
    let tokens = token_rows(&state, &session).await;
    password_page(&session, StatusCode::OK, [None, None, None], tokens, notice)
}

/// `POST /doi-mat-khau/thu-hoi` with `csrf` and `id`: revokes one of the visitor's tokens.
pub async fn revoke_token(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return r;
    }
    let id = field(&form, "id")
        .and_then(|i| i.trim().parse::<i64>().ok())
        .unwrap_or(-1);
    let caller = &session.caller;
    match state
        .store
        .revoke_token(&caller.user.username, id, &caller.user.username, &caller.origin)
        .await
    {
        Ok(()) => see_other(&format!("{PASSWORD_PATH}?msg=token_revoked")),
        Err(e) => session.api_error(e.into()),
    }
}

/// `POST /doi-mat-khau` with `old_password`, `new_password`, `confirm_password`.
pub async fn password_submit(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return r;
    }
    let old = field(&form, "old_password").unwrap_or("");
    let new = field(&form, "new_password").unwrap_or("");
    let confirm = field(&form, "confirm_password").unwrap_or("");
    let mut errors: [Option<String>; 3] = [None, None, None];
    if old.is_empty() {
        errors[0] = Some(
            session
                .t("Hãy nhập mật khẩu hiện tại.", "Enter your current password.")
                .into(),
        );
    }
    if new.is_empty() {
        errors[1] = Some(session.t("Hãy nhập mật khẩu mới.", "Enter a new password.").into());
    } else if new != confirm {
        errors[2] = Some(
            session
                .t(
                    "Hai lần nhập mật khẩu mới không khớp nhau.",
                    "The two new passwords do not match.",
                )
                .into(),
        );
    }
    if errors.iter().any(Option::is_some) {
        let tokens = token_rows(&state, &session).await;
        return password_page(&session, StatusCode::UNPROCESSABLE_ENTITY, errors, tokens, None);
    }
    match state
        .store
        .change_password(
            &session.caller.user,
            old,
            new,
            Some(&session.id),
            &session.caller.origin,
        )
        .await
    {
        Ok(()) => see_other("/?msg=password_changed"),
        Err(StoreError::Invalid(problems)) => {
            for p in problems {
                let text = super::message_in(&p, session.lang);
                let slot = if p.field == "old_password" { 0 } else { 1 };
                errors[slot] = Some(text);
            }
            let tokens = token_rows(&state, &session).await;
            password_page(&session, StatusCode::UNPROCESSABLE_ENTITY, errors, tokens, None)
        }
        Err(e) => session.api_error(e.into()),
    }
}
