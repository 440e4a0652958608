//! The home page: what the signed-in user has to do next.

use super::{Session, render};
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: super::Chrome,
}

/// `GET /`
pub async fn home(session: Session, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut c = session.chrome(session.t("Trang chủ", "Home"), "/");
    if q.get("msg").map(String::as_str) == Some("password_changed") {
        c = c.with_notice("ok", session.t("Đã đổi mật khẩu.", "Your password has been changed."));
    }
    render(StatusCode::OK, &HomePage { c })
}
