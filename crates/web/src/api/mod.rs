//! The JSON API under `/api/v1`, one file per resource; this module holds the router and what
//! every handler shares for reading a request (query parameters, JSON bodies, the unit and
//! period a request names). Handlers parse their input into domain types, call the engine or
//! the store, and answer JSON; every refusal is an [`ApiError`], rendered in the caller's
//! language by [`crate::error::in_callers_language`]. Nothing here imports the pages (`ui/`).

pub(crate) mod catalogue;
pub(crate) mod imports;
pub(crate) mod monitoring;
pub(crate) mod openapi;
pub(crate) mod registers;
pub(crate) mod reports;
pub(crate) mod rules;
pub(crate) mod session;
pub(crate) mod templates;
pub(crate) mod unit_period;
pub(crate) mod units;
pub(crate) mod users;
pub(crate) mod values;
pub(crate) mod workflow;

use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::Query;
use axum::extract::rejection::JsonRejection;
use axum::extract::rejection::QueryRejection;
use axum::routing::get;
use axum::routing::patch;
use axum::routing::post;
use axum::routing::put;
use binhdang_domain::Period;
use serde_json::Value;
use serde_json::json;
use std::collections::HashMap;
use time::Date;

pub(crate) type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

pub(crate) fn params(q: Params) -> Result<HashMap<String, String>, ApiError> {
    q.map(|Query(m)| m).map_err(|e| ApiError::BadRequest {
        message_en: format!("the query string cannot be read: {e}"),
        message_vi: format!("Không đọc được tham số truy vấn: {e}"),
    })
}

pub(crate) fn param<'a>(p: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    p.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

pub(crate) fn required<'a>(p: &'a HashMap<String, String>, name: &str, example: &str) -> Result<&'a str, ApiError> {
    param(p, name).ok_or_else(|| {
        ApiError::invalid(
            name,
            "missing",
            format!("the query parameter `{name}` is required (e.g. {name}={example})"),
            format!("Thiếu tham số `{name}` (ví dụ {name}={example})"),
        )
    })
}

pub(crate) fn parse_iso_date(field: &str, s: &str) -> Result<Date, ApiError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, format).map_err(|_| {
        ApiError::invalid(
            field,
            "bad_date",
            format!("`{s}` is not a date: use YYYY-MM-DD, e.g. 2026-01-01"),
            format!("`{s}` không phải ngày hợp lệ: dùng dạng YYYY-MM-DD, ví dụ 2026-01-01"),
        )
    })
}

pub(crate) fn period_json(p: &Period) -> Value {
    let (cut_from, cut_to) = p.data_cutoff();
    json!({
        "id": p.to_string(),
        "type": p.period_type().as_str(),
        "label_vi": p.label_vi(),
        "label_en": p.label_en(),
        "start": p.start().to_string(),
        "end": p.end().to_string(),
        "data_cutoff": { "from": cut_from.to_string(), "to": cut_to.to_string() },
    })
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

/// The API's routes, mounted under `/api/v1`; `openapi.rs` describes each of them (a test
/// compares the two).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(units::health))
        .route("/units", get(units::list_units))
        .route("/units/{code}", get(units::get_unit))
        .route("/indicators", get(catalogue::list_indicators))
        .route("/indicators/{code}", get(catalogue::get_indicator))
        .route("/indicators/{code}/local-targets", put(catalogue::put_local_target))
        .route("/values", get(values::get_values).put(values::put_values))
        .route("/aggregates", get(monitoring::aggregates))
        .route("/assessment", get(monitoring::assessment))
        .route("/validate", post(rules::validate))
        .route("/rules", get(rules::list).post(rules::add))
        .route("/rules/{code}", patch(rules::set_enabled))
        .route("/registers", get(registers::overview))
        .route("/registers/{register}", get(registers::list).post(registers::create))
        .route("/registers/{register}/summary", get(registers::summary))
        .route(
            "/registers/{register}/{id}",
            axum::routing::put(registers::update).delete(registers::delete),
        )
        .route(
            "/templates/entry.xlsx",
            get(templates::get_template).post(templates::post_template),
        )
        .route(
            "/values.csv",
            get(templates::get_csv).put(templates::put_csv).post(templates::put_csv),
        )
        .route("/openapi.json", get(openapi::serve))
        .route("/auth/sign-in", post(session::sign_in))
        .route("/auth/sign-out", post(session::sign_out))
        .route("/auth/me", get(session::me))
        .route("/auth/password", post(session::change_password))
        .route("/users", get(users::list_users).post(users::add_user))
        .route("/users/{username}/disable", post(users::disable_user))
        .route("/users/{username}/reset-password", post(users::reset_password))
        .route("/tokens", post(session::create_token))
        .route("/programmes", get(workflow::programmes))
        .route("/programmes/{code}", put(workflow::put_programme))
        .route("/workflow", get(workflow::state_of))
        .route("/workflow/{action}", post(workflow::transition))
        .route("/excuse", post(workflow::excuse))
        .route("/unlock", post(workflow::unlock))
        .route("/periods/close", post(workflow::close_period))
        .route("/status", get(workflow::status))
        .route("/inbox", get(workflow::inbox))
        .route("/audit", get(workflow::audit))
        .route(
            "/reports/narrative",
            get(reports::get_narrative).put(reports::put_narrative),
        )
        .route("/reports/{kind}", get(reports::get_report))
        .route(
            "/imports",
            post(imports::create).layer(axum::extract::DefaultBodyLimit::max(imports::MAX_UPLOAD_BYTES)),
        )
        .route("/imports/{id}", get(imports::get))
        .route("/imports/{id}/decisions", post(imports::decide))
        .fallback(not_found)
}

/// Unknown paths under the API answer JSON too.
pub async fn not_found() -> ApiError {
    ApiError::NotFound {
        code: "no_route",
        message_en: "no such API route; see /api/v1/openapi.json".into(),
        message_vi: "Không có đường dẫn API này; xem /api/v1/openapi.json".into(),
    }
}
