//! One error type for every route, mapped to an HTTP status and a JSON body with a stable
//! code, a message in the caller's language, and the field-level problems.

use crate::lang::Lang;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use binhdang_store::{FieldProblem, StoreError};
use serde_json::json;

/// A refusal lists at most this many problems (and says how many there were), so that a
/// file with thousands of bad lines gets a short answer.
pub(crate) const MAX_LISTED_PROBLEMS: usize = 100;

/// What a busy server asks a client to wait before sending the same request again.
pub(crate) const BUSY_RETRY_AFTER_SECONDS: &str = "5";

#[derive(Debug, Clone)]
pub enum ApiError {
    /// The thing named in the path does not exist.
    NotFound {
        code: &'static str,
        message_en: String,
        message_vi: String,
    },
    /// The request is well-formed but names or holds something wrong; nothing was changed.
    Invalid(Vec<FieldProblem>),
    /// Values the caller meant to replace were changed by someone else since it read them
    /// (409); nothing was changed. Each problem names the input, as for `Invalid`.
    Changed(Vec<FieldProblem>),
    /// The body is not JSON, or not of the expected shape.
    BadRequest { message_en: String, message_vi: String },
    /// No valid session or token.
    Unauthenticated,
    /// Wrong credentials.
    Unauthorized {
        code: &'static str,
        message_en: String,
        message_vi: String,
    },
    /// Signed in, but not allowed (outside scope, wrong role, missing CSRF token).
    Forbidden {
        code: &'static str,
        message_en: String,
        message_vi: String,
    },
    /// The body is larger than the route accepts.
    TooLarge { message_en: String, message_vi: String },
    /// Too many failed sign-ins; try again later.
    TooManyRequests { retry_after_seconds: i64 },
    /// The server is saturated (deadline day): the request waited its bounded time for the
    /// database and was not carried out; nothing was written.
    Busy,
    /// The database is unreachable or failed: not the caller's fault.
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: &str, code: &str, message_en: String, message_vi: String) -> Self {
        ApiError::Invalid(vec![FieldProblem::new(field, code, message_en, message_vi)])
    }

    /// Renders the error in `lang`; both languages stay in the body for clients that
    /// show the other one.
    pub fn into_response_in(self, lang: Lang) -> Response {
        let pick = |en: &str, vi: &str| {
            if lang == Lang::En {
                en.to_string()
            } else {
                vi.to_string()
            }
        };
        let (status, body) = match self {
            ApiError::NotFound {
                code,
                message_en,
                message_vi,
            } => (
                StatusCode::NOT_FOUND,
                json!({ "error": { "code": code, "message": pick(&message_en, &message_vi),
                    "message_en": message_en, "message_vi": message_vi, "problems": [] } }),
            ),
            ApiError::Invalid(problems) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                problems_body("invalid_request", &problems, lang),
            ),
            ApiError::Changed(problems) => (
                StatusCode::CONFLICT,
                problems_body("changed_since_loaded", &problems, lang),
            ),
            ApiError::BadRequest { message_en, message_vi } => (
                StatusCode::BAD_REQUEST,
                json!({ "error": { "code": "bad_request", "message": pick(&message_en, &message_vi),
                    "message_en": message_en, "message_vi": message_vi, "problems": [] } }),
            ),
            ApiError::TooLarge { message_en, message_vi } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({ "error": { "code": "too_large", "message": pick(&message_en, &message_vi),
                    "message_en": message_en, "message_vi": message_vi, "problems": [] } }),
            ),
            ApiError::Unauthenticated => {
                let en = "sign in first, or send a personal access token as `Authorization: Bearer …`";
                let vi = "Cần đăng nhập (hoặc gửi mã truy cập cá nhân trong `Authorization: Bearer …`)";
                (
                    StatusCode::UNAUTHORIZED,
                    json!({ "error": { "code": "unauthenticated", "message": pick(en, vi),
                        "message_en": en, "message_vi": vi, "problems": [] } }),
                )
            }
            ApiError::Unauthorized {
                code,
                message_en,
                message_vi,
            } => (
                StatusCode::UNAUTHORIZED,
                json!({ "error": { "code": code, "message": pick(&message_en, &message_vi),
                    "message_en": message_en, "message_vi": message_vi, "problems": [] } }),
            ),
            ApiError::Forbidden {
                code,
                message_en,
                message_vi,
            } => (
                StatusCode::FORBIDDEN,
                json!({ "error": { "code": code, "message": pick(&message_en, &message_vi),
                    "message_en": message_en, "message_vi": message_vi, "problems": [] } }),
            ),
            ApiError::TooManyRequests { retry_after_seconds } => {
                let minutes = (retry_after_seconds + 59) / 60;
                let en = format!("too many failed sign-ins; try again in {minutes} minute(s)");
                let vi = format!("Đăng nhập sai quá nhiều lần; thử lại sau {minutes} phút");
                let body = json!({ "error": { "code": "rate_limited", "message": pick(&en, &vi),
                    "message_en": en, "message_vi": vi, "problems": [] } });
                let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
                if let Ok(v) = axum::http::HeaderValue::from_str(&retry_after_seconds.to_string()) {
                    response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
                }
                return response;
            }
            ApiError::Busy => {
                let en = "the server is busy with many saves at once and did not save this; nothing was lost — send it again in a few seconds";
                let vi = "Máy chủ đang bận vì nhiều đơn vị cùng lưu số liệu nên chưa lưu yêu cầu này; dữ liệu đã lưu trước đó không bị mất — vui lòng gửi lại sau vài giây";
                let body = json!({ "error": { "code": "busy", "message": pick(en, vi),
                    "message_en": en, "message_vi": vi, "problems": [] } });
                let mut response = (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static(BUSY_RETRY_AFTER_SECONDS),
                );
                return response;
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                let en = "the server could not complete the request; it has been logged";
                let vi = "Máy chủ không xử lý được yêu cầu; lỗi đã được ghi lại";
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({ "error": { "code": "internal", "message": pick(en, vi),
                        "message_en": en, "message_vi": vi, "problems": [] } }),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(problems) => ApiError::Invalid(problems),
            StoreError::Changed(problems) => ApiError::Changed(problems),
            StoreError::NotFound { what, key } => ApiError::NotFound {
                code: "not_found",
                message_en: format!("{what} `{key}` not found"),
                message_vi: format!("Không tìm thấy {} `{key}`", what_vi(what)),
            },
            StoreError::Busy(detail) => {
                tracing::warn!(%detail, "database busy; answered 503");
                ApiError::Busy
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

fn what_vi(what: &str) -> &str {
    match what {
        "unit" => "đơn vị",
        "indicator" => "chỉ tiêu",
        "user" => "tài khoản",
        "programme" => "chế độ báo cáo",
        "rule" => "quy tắc",
        "register row" => "dòng sổ theo dõi",
        "import" => "lần nhập",
        "token" => "mã truy cập",
        _ => "mục",
    }
}

/// What every handler returns: the answer, or the refusal. Handlers do not need the
/// request's language for it: [`in_callers_language`] renders the refusal afterwards.
pub type ApiResult<T> = Result<T, ApiError>;

/// The refusal itself, kept on the response so that [`in_callers_language`] can render it
/// again in the language the request asked for.
#[derive(Clone)]
struct Unrendered(ApiError);

impl IntoResponse for ApiError {
    /// Renders in Vietnamese (the default language); the layer re-renders for English callers.
    fn into_response(self) -> Response {
        let mut response = self.clone().into_response_in(Lang::Vi);
        response.extensions_mut().insert(Unrendered(self));
        response
    }
}

/// The layer that gives every refusal the caller's language (`?lang=en` or
/// `Accept-Language`), so that no handler has to carry the language around for its errors.
pub async fn in_callers_language(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let (parts, body) = request.into_parts();
    let lang = Lang::from_parts(&parts);
    let mut response = next.run(axum::extract::Request::from_parts(parts, body)).await;
    match take_refusal(&mut response) {
        Some(error) if lang != Lang::Vi => error.into_response_in(lang),
        _ => response,
    }
}

/// The refusal a response was made from, if it was made from one.
pub(crate) fn take_refusal(response: &mut Response) -> Option<ApiError> {
    response
        .extensions_mut()
        .remove::<Unrendered>()
        .map(|Unrendered(error)| error)
}

impl From<binhdang_engine::access::AccessError> for ApiError {
    fn from(e: binhdang_engine::access::AccessError) -> Self {
        match e {
            binhdang_engine::access::AccessError::Denied { message_en, message_vi } => ApiError::Forbidden {
                code: "outside_scope",
                message_en,
                message_vi,
            },
            binhdang_engine::access::AccessError::Store(e) => e.into(),
        }
    }
}

impl From<binhdang_engine::Refusal> for ApiError {
    fn from(r: binhdang_engine::Refusal) -> Self {
        match r {
            binhdang_engine::Refusal::OutsideScope(problems) => ApiError::Forbidden {
                code: "outside_agency",
                message_en: problems
                    .iter()
                    .map(|p| p.message_en.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                message_vi: problems
                    .iter()
                    .map(|p| p.message_vi.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            },
            binhdang_engine::Refusal::Store(e) => e.into(),
        }
    }
}

/// The body of a refusal that lists its problems (at most [`MAX_LISTED_PROBLEMS`]), each
/// named by the field it concerns, with a headline in `lang` and both languages kept.
fn problems_body(code: &str, problems: &[FieldProblem], lang: Lang) -> serde_json::Value {
    let pick = |en: &str, vi: &str| {
        if lang == Lang::En {
            en.to_string()
        } else {
            vi.to_string()
        }
    };
    let total = problems.len();
    let (en, vi) = match total {
        1 => (problems[0].message_en.clone(), problems[0].message_vi.clone()),
        n if n > MAX_LISTED_PROBLEMS => (
            format!("{n} problems (the first {MAX_LISTED_PROBLEMS} are listed); nothing was saved"),
            format!("Có {n} lỗi ({MAX_LISTED_PROBLEMS} lỗi đầu được liệt kê); chưa lưu dữ liệu nào"),
        ),
        n => (
            format!("{n} problems; nothing was saved"),
            format!("Có {n} lỗi; chưa lưu dữ liệu nào"),
        ),
    };
    let listed: Vec<_> = problems
        .iter()
        .take(MAX_LISTED_PROBLEMS)
        .map(|p| {
            json!({ "field": p.field, "code": p.code, "message": pick(&p.message_en, &p.message_vi),
                "message_en": p.message_en, "message_vi": p.message_vi })
        })
        .collect();
    json!({ "error": { "code": code, "message": pick(&en, &vi),
        "message_en": en, "message_vi": vi, "problems": listed, "problems_total": total } })
}
