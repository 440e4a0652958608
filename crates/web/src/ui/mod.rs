//! The server-rendered interface, in Vietnamese by default (English with `?lang=en` or the
//! language link, remembered in a cookie). Pages are askama templates in
//! `crates/web/templates/`; each module here serves the routes of its templates. Every page
//! but the sign-in page needs a browser session (the same sessions as the API: the HttpOnly,
//! SameSite=Strict cookie `binhdang_session`); every form carries the session's CSRF token in
//! a hidden field, checked on every POST; every unit-specific page checks the caller's scope
//! with [`crate::auth::authorize`].

mod admin;
mod assets;
mod check;
mod dashboard;
mod entry;
mod format;
mod home;
mod import;
mod import_annex;
mod login;
mod multipart;
pub mod open_data;
mod paths;
mod plan_import;
mod plans;
mod registers;
mod report;
mod reporting;
mod request;
mod review;
mod upload;

use crate::AppState;
use crate::auth::{Caller, SESSION_COOKIE, constant_time_eq, cookie_value};
use crate::error::ApiError;
use crate::lang::Lang;
use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{CACHE_CONTROL, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use binhdang_domain::access::Role;
use tower_http::compression::CompressionLayer;

pub use assets::asset_url;

/// Where a visitor without a session is sent.
pub const SIGN_IN_PATH: &str = "/dang-nhap";
pub const PASSWORD_PATH: &str = "/doi-mat-khau";
/// The interface language the visitor chose (`en` or `vi`).
pub const LANG_COOKIE: &str = "binhdang_lang";

/// The interface's routes.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route(SIGN_IN_PATH, get(login::form).post(login::submit))
        .route("/dang-xuat", post(login::sign_out))
        .route(PASSWORD_PATH, get(login::password_form).post(login::password_submit))
        .route("/doi-mat-khau/thu-hoi", post(login::revoke_token))
        .route("/nhap-lieu", get(entry::page).post(entry::save))
        .route(paths::UPLOAD, post(upload::submit))
        .route("/xet-duyet", get(review::page))
        .route("/quy-trinh", post(review::transition))
        .route("/lich-su", get(review::history))
        .route("/bao-cao", get(report::page).post(report::save))
        .route("/bao-cao/tai-ve", get(report::download))
        .route(
            import::PATH,
            get(import::upload_form)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::api::imports::MAX_UPLOAD_BYTES + 64 * 1024,
                )),
        )
        .route("/nhap-bao-cao-cu/{id}", get(import::batch_page).post(import::decide))
        .route(check::PATH, get(check::form).post(check::submit))
        .route(plans::PATH, get(plans::page).post(plans::create))
        .route("/ke-hoach/doc", post(plan_import::upload))
        .route("/ke-hoach/{id}", get(plans::plan).post(plans::change))
        .route(
            "/ke-hoach/{id}/de-xuat",
            get(plan_import::proposals).post(plan_import::confirm),
        )
        .route("/nhiem-vu/{id}", get(plans::task).post(plans::report))
        .route("/bang-dieu-khien", get(dashboard::page))
        .route("/bang-dieu-khien/csv", get(dashboard::csv))
        .route("/bang-dieu-khien/xlsx", get(dashboard::xlsx))
        .route(paths::REGISTERS, get(registers::page).post(registers::save))
        .merge(admin::routes())
        .route(
            open_data::ROOT,
            get(|| async { axum::response::Redirect::permanent("/du-lieu-mo/") }),
        )
        .route("/du-lieu-mo/", get(open_data::serve))
        .route("/du-lieu-mo/{*path}", get(open_data::serve))
        .route("/static/{file}", get(assets::serve))
        .route("/sw.js", get(assets::service_worker))
        .route("/manifest.webmanifest", get(assets::manifest))
        .fallback(not_found)
        .layer(from_fn_with_state(state, refusals_as_pages))
        .layer(from_fn(page_headers))
        .layer(CompressionLayer::new())
}

/// The language of a page: `?lang=` first, then the cookie, else Vietnamese. (The JSON API
/// also honours `Accept-Language`; the interface is Vietnamese unless asked otherwise.)
pub fn ui_lang(parts: &Parts) -> Lang {
    match query_lang(parts.uri.query()) {
        Some(lang) => lang,
        None => match cookie_value(&parts.headers, LANG_COOKIE).as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        },
    }
}

/// A refusal's message in the page's language.
pub(crate) fn message_in(problem: &binhdang_store::FieldProblem, lang: Lang) -> String {
    lang.message(problem)
}

/// All of a refusal's messages in the page's language, as one sentence run.
pub(crate) fn messages_in(problems: Vec<binhdang_store::FieldProblem>, lang: Lang) -> String {
    problems
        .iter()
        .map(|p| message_in(p, lang))
        .collect::<Vec<_>>()
        .join(" ")
}

fn query_lang(query: Option<&str>) -> Option<Lang> {
    query.unwrap_or("").split('&').find_map(|pair| match pair {
        "lang=en" => Some(Lang::En),
        "lang=vi" => Some(Lang::Vi),
        _ => None,
    })
}

/// Page handlers return `Result<Response, ApiError>` like the API's; this layer shows a
/// refusal as a page in the visitor's frame and language. The session is looked up again
/// only when there is a refusal to show, so a page that succeeds pays nothing for it.
async fn refusals_as_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut asked = Request::new(());
    *asked.method_mut() = request.method().clone();
    *asked.uri_mut() = request.uri().clone();
    *asked.headers_mut() = request.headers().clone();
    if let Some(client) = request.extensions().get::<crate::ClientAddress>() {
        asked.extensions_mut().insert(*client);
    }
    let mut response = next.run(request).await;
    let Some(error) = crate::error::take_refusal(&mut response) else {
        return response;
    };
    let (mut parts, ()) = asked.into_parts();
    match Session::from_request_parts(&mut parts, &state).await {
        Ok(session) => session.api_error(error),
        Err(_) => error.into_response_in(ui_lang(&parts)),
    }
}

/// Remembers a language chosen with `?lang=`, and adds the headers every page wants: no
/// framing, no MIME sniffing, scripts only from this server, no referrer to other sites.
async fn page_headers(request: Request, next: Next) -> Response {
    let chosen = query_lang(request.uri().query());
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Some(lang) = chosen {
        let value = if lang == Lang::En { "en" } else { "vi" };
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
        )) {
            headers.append(SET_COOKIE, v);
        }
    }
    let fixed: [(&str, &str); 4] = [
        (
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    if !is_static && !headers.contains_key(CACHE_CONTROL) {
        // Pages hold personal data: never kept by shared caches, always revalidated.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    response
}

/// The path and query of the request, to come back to after signing in or switching language.
fn path_and_query(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into())
}

/// Percent-encodes a query parameter value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A local path to go to after signing in: never another site. Refused (the home page
/// instead): anything not starting with one `/` (`//evil`, `https://…`), a backslash, any
/// control character or space (browsers drop a tab or a newline, so `/\t/evil` would become
/// `//evil`), and the same again once percent-decoded (`/%2F/evil`, `/%09/evil`).
pub fn safe_next(next: Option<&str>) -> String {
    fn local(path: &str) -> bool {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.contains('\\')
            && !path.chars().any(|c| c.is_control() || c.is_whitespace())
    }
    match next {
        Some(n) if local(n) && local(&percent_decoded(n)) && !n.starts_with(SIGN_IN_PATH) => n.to_string(),
        _ => "/".into(),
    }
}

/// `text` with every `%XX` replaced by its byte (invalid UTF-8 as U+FFFD).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(Some(hi)), Some(Some(lo))) =
                (bytes.get(i + 1).map(|b| hex(*b)), bytes.get(i + 2).map(|b| hex(*b)))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A 303 redirect (after a form POST the browser follows it with a GET).
pub fn see_other(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(LOCATION, v);
    }
    r
}

fn origin_of(parts: &Parts) -> String {
    crate::ClientAddress::of(parts)
}

/// A signed-in visitor of the interface.
pub struct Session {
    pub caller: Caller,
    pub csrf: String,
    pub lang: Lang,
    /// The page asked for (path and query).
    pub path: String,
    /// The session id from the cookie, to end it at sign-out.
    pub id: String,
}

impl Session {
    /// The refusal of a form whose hidden `csrf` field is not this session's token.
    /// For a form that uploads a file: its token may come in the address (`?csrf=`), where it
    /// is checked before a byte of the file is read. `Some(refusal)` when it is there and wrong;
    /// `None` when it is right or absent (then the form's own field is checked after reading).
    pub fn csrf_refusal_in_address(&self, q: &std::collections::HashMap<String, String>) -> Option<Response> {
        q.get("csrf").and_then(|sent| self.csrf_refusal(Some(sent)))
    }

    pub fn csrf_refusal(&self, sent: Option<&str>) -> Option<Response> {
        if constant_time_eq(sent.unwrap_or("").as_bytes(), self.csrf.as_bytes()) {
            None
        } else {
            Some(self.error_page(
                StatusCode::FORBIDDEN,
                "Biểu mẫu không hợp lệ hoặc đã hết hạn",
                "The form is not valid or has expired",
                self.t(
                    "Biểu mẫu thiếu mã chống giả mạo (CSRF) của phiên đăng nhập này. Hãy tải lại trang rồi thử lại.",
                    "The form lacks this session's anti-forgery (CSRF) token. Reload the page and try again.",
                )
                .to_string(),
            ))
        }
    }

    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        if self.lang == Lang::En { en } else { vi }
    }

    /// The frame of a page for this visitor.
    pub fn chrome(&self, title: impl Into<String>, current: &str) -> Chrome {
        let user = &self.caller.user;
        let mut nav = vec![NavItem::new("/", self.t("Trang chủ", "Home"), current)];
        if matches!(user.role, Role::Officer | Role::Reviewer | Role::Admin) {
            nav.push(NavItem::new(
                "/nhap-lieu",
                self.t("Nhập số liệu", "Data entry"),
                current,
            ));
        }
        nav.push(NavItem::new("/bao-cao", self.t("Báo cáo", "Reports"), current));
        nav.push(NavItem::new(
            paths::REGISTERS,
            self.t("Sổ theo dõi", "Registers"),
            current,
        ));
        nav.push(NavItem::new(
            "/bang-dieu-khien",
            self.t("Bảng điều khiển", "Dashboard"),
            current,
        ));
        nav.push(NavItem::new(plans::PATH, self.t("Kế hoạch", "Plans"), current));
        nav.push(NavItem::new(
            check::PATH,
            self.t("Kiểm tra báo cáo", "Check a report"),
            current,
        ));
        if admin::shown_to(user.role) {
            nav.push(NavItem::new(admin::PATH, self.t("Quản trị", "Administration"), current));
        }
        Chrome {
            lang: self.lang,
            title: title.into(),
            path: self.path.clone(),
            csrf: self.csrf.clone(),
            user: Some(UserBadge {
                username: user.username.clone(),
                role: role_label(user.role, self.lang).to_string(),
                unit: user.unit.full_name.clone(),
            }),
            nav,
            notice: None,
        }
    }

    /// A page saying what went wrong, inside the frame.
    pub fn error_page(&self, status: StatusCode, title_vi: &str, title_en: &str, message: String) -> Response {
        let page = ErrorPage {
            c: self.chrome(self.t(title_vi, title_en), ""),
            heading: self.t(title_vi, title_en).to_string(),
            message,
            problems: Vec::new(),
        };
        render(status, &page)
    }

    /// An API error as a page in the visitor's language.
    pub fn api_error(&self, e: ApiError) -> Response {
        let en = self.lang == Lang::En;
        let pick = |en_text: String, vi_text: String| if en { en_text } else { vi_text };
        match e {
            ApiError::Forbidden {
                message_en, message_vi, ..
            } => self.error_page(
                StatusCode::FORBIDDEN,
                "Không có quyền truy cập",
                "Not allowed",
                pick(message_en, message_vi),
            ),
            ApiError::NotFound {
                message_en, message_vi, ..
            } => self.error_page(
                StatusCode::NOT_FOUND,
                "Không tìm thấy",
                "Not found",
                pick(message_en, message_vi),
            ),
            ApiError::Invalid(problems) => {
                let page = ErrorPage {
                    c: self.chrome(self.t("Yêu cầu không hợp lệ", "Invalid request"), ""),
                    heading: self.t("Yêu cầu không hợp lệ", "Invalid request").to_string(),
                    message: self
                        .t(
                            "Hãy kiểm tra lại đơn vị và kỳ báo cáo.",
                            "Check the unit and the period.",
                        )
                        .to_string(),
                    problems: problems.into_iter().map(|p| pick(p.message_en, p.message_vi)).collect(),
                };
                render(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            ApiError::Changed(problems) => {
                let heading = self.t("Số liệu đã được người khác sửa", "Changed by someone else");
                let page = ErrorPage {
                    c: self.chrome(heading, ""),
                    heading: heading.to_string(),
                    message: self
                        .t(
                            "Chưa lưu gì. Hãy mở lại trang để xem số liệu mới nhất.",
                            "Nothing was saved. Open the page again to see the latest figures.",
                        )
                        .to_string(),
                    problems: problems.into_iter().map(|p| pick(p.message_en, p.message_vi)).collect(),
                };
                render(StatusCode::CONFLICT, &page)
            }
            ApiError::BadRequest { message_en, message_vi } => self.error_page(
                StatusCode::BAD_REQUEST,
                "Yêu cầu không hợp lệ",
                "Invalid request",
                pick(message_en, message_vi),
            ),
            ApiError::TooLarge { message_en, message_vi } => self.error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Tệp quá lớn",
                "File too large",
                pick(message_en, message_vi),
            ),
            ApiError::Unauthenticated => sign_in_redirect(&self.path),
            ApiError::Unauthorized {
                message_en, message_vi, ..
            } => self.error_page(
                StatusCode::UNAUTHORIZED,
                "Cần đăng nhập",
                "Sign-in needed",
                pick(message_en, message_vi),
            ),
            ApiError::TooManyRequests { retry_after_seconds } => self.error_page(
                StatusCode::TOO_MANY_REQUESTS,
                "Quá nhiều yêu cầu",
                "Too many requests",
                format!("{}s", retry_after_seconds),
            ),
            ApiError::Busy => {
                let mut response = self.error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Máy chủ đang bận",
                    "The server is busy",
                    self.t(
                        "Nhiều đơn vị đang lưu số liệu cùng lúc nên yêu cầu này chưa được thực hiện; số liệu đã lưu không bị mất. Vui lòng thử lại sau vài giây.",
                        "Many units are saving at once, so this request was not carried out; nothing saved was lost. Please try again in a few seconds.",
                    )
                    .to_string(),
                );
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static(crate::error::BUSY_RETRY_AFTER_SECONDS),
                );
                response
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "page failed");
                self.error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Lỗi máy chủ",
                    "Server error",
                    self.t(
                        "Máy chủ không xử lý được yêu cầu; lỗi đã được ghi lại.",
                        "The server could not complete the request; it has been logged.",
                    )
                    .to_string(),
                )
            }
        }
    }
}

/// Any other path: the sign-in page for visitors without a session, else a 404 page. A file
/// (`/favicon.ico`, `/robots.txt`) is simply not found.
async fn not_found(uri: axum::http::Uri, session: Result<Session, Response>) -> Response {
    let last = uri.path().rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match session {
        Ok(s) => s.error_page(
            StatusCode::NOT_FOUND,
            "Không tìm thấy trang",
            "Page not found",
            s.t("Không có trang nào ở địa chỉ này.", "There is no page at this address.")
                .to_string(),
        ),
        Err(redirect) => redirect,
    }
}

/// Sends a visitor without a session to the sign-in page, to come back afterwards.
fn sign_in_redirect(path: &str) -> Response {
    let target = if path == "/" {
        SIGN_IN_PATH.to_string()
    } else {
        format!("{SIGN_IN_PATH}?next={}", encode(path))
    };
    let mut r = see_other(&target);
    // htmx requests follow the redirect with a full page load.
    if let Ok(v) = HeaderValue::from_str(&target) {
        r.headers_mut().insert(HeaderName::from_static("hx-redirect"), v);
    }
    r
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = ui_lang(parts);
        let path = path_and_query(parts);
        let Some(id) = cookie_value(&parts.headers, SESSION_COOKIE) else {
            return Err(sign_in_redirect(&path));
        };
        let (user, csrf) = match state.store.session_user(&id).await {
            Ok(Some(found)) => found,
            Ok(None) => return Err(sign_in_redirect(&path)),
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return Err(bare_error(lang, StatusCode::INTERNAL_SERVER_ERROR));
            }
        };
        // A user with a one-time password chooses a new one before anything else.
        let route = parts.uri.path();
        if user.must_change_password && route != PASSWORD_PATH && route != "/dang-xuat" {
            return Err(see_other(PASSWORD_PATH));
        }
        Ok(Session {
            caller: Caller {
                origin: origin_of(parts),
                csrf_token: Some(csrf.clone()),
                user,
            },
            csrf,
            lang,
            path,
            id,
        })
    }
}

/// An error page for when there is no session to build a frame from.
fn bare_error(lang: Lang, status: StatusCode) -> Response {
    let (vi, en) = ("Lỗi máy chủ", "Server error");
    let page = ErrorPage {
        c: Chrome::anonymous(lang, if lang == Lang::En { en } else { vi }, "/"),
        heading: (if lang == Lang::En { en } else { vi }).to_string(),
        message: String::new(),
        problems: Vec::new(),
    };
    render(status, &page)
}

pub fn role_label(role: Role, lang: Lang) -> &'static str {
    if lang == Lang::Vi {
        return role.name_vi();
    }
    match role {
        Role::Admin => "Administrator",
        Role::Officer => "Data entry officer",
        Role::Reviewer => "Reviewer",
        Role::Leader => "Leader",
        Role::Viewer => "Viewer",
    }
}

/// Renders a template with a status; a template that fails to render is a 500.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// Reads the hidden `csrf` field and the rest of a urlencoded form.
pub fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The user shown in the page header.
pub struct UserBadge {
    pub username: String,
    pub role: String,
    pub unit: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

impl NavItem {
    fn new(href: &'static str, label: &str, current: &str) -> NavItem {
        NavItem {
            href,
            label: label.to_string(),
            current: href == current,
        }
    }
}

/// A message at the top of a page: `ok` (done) or `error`.
pub struct Notice {
    pub kind: &'static str,
    pub text: String,
}

/// What the base layout needs: language, title, the visitor, the CSRF token for the
/// sign-out form, the navigation and a notice.
pub struct Chrome {
    pub lang: Lang,
    pub title: String,
    pub path: String,
    pub csrf: String,
    pub user: Option<UserBadge>,
    pub nav: Vec<NavItem>,
    pub notice: Option<Notice>,
}

impl Chrome {
    pub fn anonymous(lang: Lang, title: &str, path: &str) -> Chrome {
        Chrome {
            lang,
            title: title.to_string(),
            path: path.to_string(),
            csrf: String::new(),
            user: None,
            nav: Vec::new(),
            notice: None,
        }
    }

    pub fn with_notice(mut self, kind: &'static str, text: impl Into<String>) -> Chrome {
        self.notice = Some(Notice {
            kind,
            text: text.into(),
        });
        self
    }

    /// The text in the page's language.
    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        if self.lang == Lang::En { en } else { vi }
    }

    pub fn html_lang(&self) -> &'static str {
        if self.lang == Lang::En { "en" } else { "vi" }
    }

    /// This page in the other language.
    pub fn switch_href(&self) -> String {
        let other = if self.lang == Lang::En { "vi" } else { "en" };
        let (path, query) = self.path.split_once('?').unwrap_or((&self.path, ""));
        let mut kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("lang=") && !p.starts_with("msg="))
            .collect();
        let lang = format!("lang={other}");
        kept.push(&lang);
        format!("{path}?{}", kept.join("&"))
    }

    pub fn switch_label(&self) -> &'static str {
        if self.lang == Lang::En {
            "Tiếng Việt"
        } else {
            "English"
        }
    }

    pub fn switch_hreflang(&self) -> &'static str {
        if self.lang == Lang::En { "vi" } else { "en" }
    }

    pub fn asset(&self, name: &str) -> String {
        asset_url(name)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub c: Chrome,
    pub heading: String,
    pub message: String,
    pub problems: Vec<String>,
}

/// Builds a cookie header value (`Secure` is added by the transport layer when the public
/// address is https: see [`crate::Settings`]).
pub fn cookie(name: &str, value: &str, path: &str, max_age: i64) -> String {
    format!("{name}={value}; HttpOnly; SameSite=Strict; Path={path}; Max-Age={max_age}")
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_a_local_path_is_a_place_to_go_after_signing_in() {
        for good in ["/", "/nhap-lieu?unit=12&period=2026H1", "/bang-dieu-khien%3Funit%3D12"] {
            assert_eq!(safe_next(Some(good)), good);
        }
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/ /evil",
            "/x\ny",
            "evil",
            "/dang-nhap?next=/",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
