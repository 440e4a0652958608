//! The JSON API under `/api/v1`, one file per resource; this module holds the router and what
//! every handler shares for reading a request (query parameters, JSON bodies, the unit and
//! period a request names). Handlers parse their input into domain types, call the engine or
//! the store, and answer JSON; every refusal is an [`ApiError`], rendered in the caller's
//! language by [`crate::error::in_callers_language`]. Nothing here imports the pages (`ui/`).

pub(crate) mod agencies;
pub(crate) mod catalogue;
pub(crate) mod check;
pub(crate) mod exchange;
pub(crate) mod export;
pub(crate) mod imports;
pub(crate) mod monitoring;
pub(crate) mod openapi;
pub(crate) mod plans;
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
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequest, Request};
use axum::http::request::Parts;
use axum::routing::get;
use axum::routing::patch;
use axum::routing::post;
use axum::routing::put;
use binhdang_domain::Period;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::json;
use std::collections::HashMap;
use time::Date;

/// The query string read into `T` (a `#[derive(Deserialize)]` struct of `Option<String>`
/// fields, one per parameter; unknown parameters are ignored): an extractor refusing with
/// 400 when the query string cannot be read. Read a field with [`given`].
pub(crate) struct Query<T>(pub T);

impl<T: DeserializeOwned> Query<T> {
    /// The query of `uri` (what the extractor reads; for other extractors).
    pub(crate) fn from_uri(uri: &axum::http::Uri) -> Result<Self, ApiError> {
        axum::extract::Query::try_from_uri(uri)
            .map(|axum::extract::Query(t)| Query(t))
            .map_err(|e| ApiError::BadRequest {
                message_en: format!("the query string cannot be read: {e}"),
                message_vi: format!("Không đọc được tham số truy vấn: {e}"),
            })
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Query::from_uri(&parts.uri)
    }
}

/// A query parameter as the API reads it: trimmed, and absent when empty.
pub(crate) fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Codes separated by commas (`indicator=1.1,6.1`), each trimmed; none when not given.
pub(crate) fn code_list(value: &Option<String>) -> Vec<String> {
    given(value)
        .map(|s| {
            s.split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// [`given`] for a query read as a map (the pages' queries).
pub(crate) fn param<'a>(p: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    p.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// A required query parameter, or the problem naming it with an example.
pub(crate) fn required<'a>(name: &str, value: Option<&'a str>, example: &str) -> Result<&'a str, ApiError> {
    value.ok_or_else(|| {
        ApiError::invalid(
            name,
            "missing",
            format!("the query parameter `{name}` is required (e.g. {name}={example})"),
            format!("Thiếu tham số `{name}` (ví dụ {name}={example})"),
        )
    })
}

/// A JSON body read into `T`: an extractor refusing with 400 what is not JSON of that shape
/// (no JSON content type, bad syntax, a field of the wrong type). Bodies whose fields are
/// checked one by one (a 422 naming each field) keep those fields loose (`Option<Value>`).
/// As `Option<JsonBody<T>>`, a request without a JSON content type reads as `None` (no body).
pub(crate) struct JsonBody<T>(pub T);

fn unreadable_body(e: JsonRejection) -> ApiError {
    ApiError::BadRequest {
        message_en: format!("the body is not valid JSON: {}", e.body_text()),
        message_vi: format!("Nội dung gửi lên không phải JSON hợp lệ: {}", e.body_text()),
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match <axum::Json<T> as FromRequest<S>>::from_request(req, state).await {
            Ok(axum::Json(t)) => Ok(JsonBody(t)),
            Err(e) => Err(unreadable_body(e)),
        }
    }
}

impl<T: DeserializeOwned, S: Send + Sync> OptionalFromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, ApiError> {
        match <axum::Json<T> as FromRequest<S>>::from_request(req, state).await {
            Ok(axum::Json(t)) => Ok(Some(JsonBody(t))),
            Err(JsonRejection::MissingJsonContentType(_)) => Ok(None),
            Err(e) => Err(unreadable_body(e)),
        }
    }
}

/// A body field that must be a non-empty string, or the problem naming it.
fn text_field<'a>(name: &str, value: &'a Option<Value>) -> Result<&'a str, ApiError> {
    value
        .as_ref()
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

/// The API's routes, mounted under `/api/v1`; `openapi.rs` describes each of them (a test
/// compares the two).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(units::health))
        .route("/units", get(units::list_units))
        .route("/units/search", get(units::search_units))
        .route("/units/{code}", get(units::get_unit))
        .route("/units/{code}/agencies", post(agencies::create_agency))
        .route("/agencies/{code}", put(agencies::rename_agency))
        .route("/agencies/{code}/close", post(agencies::close_agency))
        .route(
            "/indicators",
            get(catalogue::list_indicators).post(catalogue::add_indicators),
        )
        .route(
            "/indicators/{code}",
            get(catalogue::get_indicator)
                .put(catalogue::update_indicator)
                .delete(catalogue::remove_indicator),
        )
        .route("/indicators/{code}/local-targets", put(catalogue::put_local_target))
        .route("/small-cells", get(catalogue::small_cells))
        .route("/small-cells/{element}", put(catalogue::put_small_cell_threshold))
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
        .route("/users/import", post(users::import_users))
        .route("/users/{username}/disable", post(users::disable_user))
        .route("/users/{username}/enable", post(users::enable_user))
        .route("/users/{username}/lift-sign-in-limit", post(users::lift_sign_in_limit))
        .route("/users/{username}/reset-password", post(users::reset_password))
        .route("/tokens", get(session::list_tokens).post(session::create_token))
        .route("/tokens/{id}", axum::routing::delete(session::revoke_token))
        .route("/dataValueSets", get(exchange::export).post(exchange::import))
        .route("/exchange/codes", get(exchange::codes).put(exchange::put_codes))
        .route("/export", get(export::export))
        .route("/programmes", get(workflow::programmes))
        .route("/programmes/{code}", put(workflow::put_programme))
        .route("/programmes/{code}/archive", post(workflow::archive_programme))
        .route("/workflow", get(workflow::state_of))
        .route("/workflow/{action}", post(workflow::transition))
        .route("/excuse", post(workflow::excuse))
        .route("/unlock", post(workflow::unlock))
        .route("/periods/close", post(workflow::close_period))
        .route("/status", get(workflow::status))
        .route("/inbox", get(workflow::inbox))
        .route("/plans", get(plans::list).post(plans::create))
        .route(
            "/plans/read",
            post(plans::read).layer(axum::extract::DefaultBodyLimit::max(imports::MAX_UPLOAD_BYTES)),
        )
        .route("/plans/{id}", get(plans::get).put(plans::update))
        .route("/plans/{id}/status", post(plans::set_status))
        .route(
            "/plans/{id}/file",
            get(plans::get_file)
                .post(plans::put_file)
                .layer(axum::extract::DefaultBodyLimit::max(imports::MAX_UPLOAD_BYTES)),
        )
        .route("/plans/{id}/tasks", post(plans::add_task))
        .route("/plans/{id}/programmes", post(plans::post_programme))
        .route("/tasks", get(plans::mine))
        .route("/tasks/{id}", get(plans::get_task).put(plans::update_task))
        .route("/tasks/{id}/evidence/{update}", get(plans::get_evidence))
        .route(
            "/tasks/{id}/progress",
            post(plans::report_progress).layer(axum::extract::DefaultBodyLimit::max(imports::MAX_UPLOAD_BYTES * 2)),
        )
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
        .route(
            "/check",
            post(check::check).layer(axum::extract::DefaultBodyLimit::max(imports::MAX_UPLOAD_BYTES)),
        )
        .route("/imports/{id}/decisions", post(imports::decide))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(api_headers))
}

/// Headers every API answer carries: its data is not cached by browsers or proxies (it is
/// someone's, behind a session or token), not sniffed as another type, and not framed or
/// run as a page if opened directly.
async fn api_headers(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    response
}

/// Unknown paths under the API answer JSON too.
pub async fn not_found() -> ApiError {
    ApiError::NotFound {
        code: "no_route",
        message_en: "no such API route; see /api/v1/openapi.json".into(),
        message_vi: "Không có đường dẫn API này; xem /api/v1/openapi.json".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::header::CONTENT_TYPE;

    #[derive(serde::Deserialize)]
    struct Q {
        unit: Option<String>,
        period: Option<String>,
    }

    fn message(e: ApiError) -> String {
        match e {
            ApiError::BadRequest { message_en, .. } => message_en,
            other => panic!("not a 400: {other:?}"),
        }
    }

    fn request(content_type: Option<&str>, body: &'static str) -> Request {
        let mut r = Request::builder().method("POST").uri("/x");
        if let Some(ct) = content_type {
            r = r.header(CONTENT_TYPE, ct);
        }
        r.body(Body::from(body)).unwrap()
    }

    #[test]
    fn a_query_parameter_is_trimmed_and_empty_is_absent() {
        let Query(q) = Query::<Q>::from_uri(&"/x?unit=+12+&period=&lang=en".parse().unwrap()).unwrap();
        assert_eq!((given(&q.unit), given(&q.period)), (Some("12"), None));
        let Query(q) = Query::<Q>::from_uri(&"/x".parse().unwrap()).unwrap();
        assert_eq!((given(&q.unit), given(&q.period)), (None, None));
    }

    #[test]
    fn a_query_that_does_not_read_is_a_400() {
        let e = Query::<Q>::from_uri(&"/x?unit=1&unit=2".parse().unwrap())
            .err()
            .unwrap();
        assert!(message(e).starts_with("the query string cannot be read: "));
    }

    #[tokio::test]
    async fn a_body_that_is_not_json_of_its_shape_is_a_400() {
        for (ct, body) in [
            (None, "{}"),
            (Some("application/json"), "{\"values\": ["),
            (Some("application/json"), "{\"unit\": 12}"),
        ] {
            let e = <JsonBody<Q> as FromRequest<()>>::from_request(request(ct, body), &())
                .await
                .err()
                .unwrap();
            assert!(message(e).starts_with("the body is not valid JSON: "), "{body}");
        }
        let JsonBody(q) = <JsonBody<Q> as FromRequest<()>>::from_request(
            request(Some("application/json"), "{\"unit\": \"12\"}"),
            &(),
        )
        .await
        .ok()
        .unwrap();
        assert_eq!(q.unit.as_deref(), Some("12"));
    }

    #[tokio::test]
    async fn an_optional_body_may_be_left_out_but_not_broken() {
        let none = <JsonBody<Q> as OptionalFromRequest<()>>::from_request(request(None, ""), &()).await;
        assert!(matches!(none, Ok(None)));
        let plain = <JsonBody<Q> as OptionalFromRequest<()>>::from_request(request(Some("text/plain"), "x"), &()).await;
        assert!(
            matches!(plain, Ok(None)),
            "as before: any body that is not JSON-typed is no body"
        );
        let broken =
            <JsonBody<Q> as OptionalFromRequest<()>>::from_request(request(Some("application/json"), "{"), &()).await;
        assert!(message(broken.err().unwrap()).starts_with("the body is not valid JSON: "));
    }
}
