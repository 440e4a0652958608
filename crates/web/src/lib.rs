#![recursion_limit = "512"]
//! The HTTP face of binhdang: the JSON API under `/api/v1`, described by the OpenAPI
//! document at `/api/v1/openapi.json`, and the server-rendered interface (`ui`).

mod api;
mod auth;
mod error;
mod lang;
mod ui;

pub use api::imports::{MAX_UPLOAD_BYTES, accept_confident, import_report};
pub use api::openapi::{ROUTES, openapi_document};
pub use error::ApiError;
pub use lang::Lang;

use axum::Router;
use binhdang_store::Store;
use std::net::SocketAddr;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Settings,
}

/// How the server is reached, as the deployment says (`binhdang serve --public-url`).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The address people use, e.g. `https://binhdang.laichau.gov.vn`. When it is https,
    /// cookies are `Secure` and answers carry HSTS (TLS ends at the reverse proxy, so the
    /// server cannot see it itself, and a client-sent `X-Forwarded-Proto` is not trusted).
    pub public_url: Option<String>,
}

impl Settings {
    fn https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    /// `host[:port]` of the public address.
    fn public_host(&self) -> Option<&str> {
        let rest = self.public_url.as_deref()?.split_once("://")?.1;
        Some(rest.split('/').next().unwrap_or(rest))
    }
}

/// The application's routes on a store, with the default settings (plain http).
pub fn router(store: Store) -> Router {
    router_with(store, Settings::default())
}

/// The application's routes on a store.
pub fn router_with(store: Store, settings: Settings) -> Router {
    let state = AppState { store, settings };
    let api = api::routes();
    Router::new()
        .nest("/api/v1", api)
        .merge(ui::routes(state.clone()))
        .layer(axum::middleware::from_fn(error::in_callers_language))
        .layer(axum::middleware::from_fn_with_state(state.clone(), transport))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// What every request and answer pass through, whatever the route:
/// - a browser's request that changes something with the session cookie must come from this
///   site: its `Origin` (or, without one, its `Referer`) names this host (defence in depth
///   beside the CSRF token);
/// - with an https public address, cookies are `Secure` and HSTS is sent.
async fn transport(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, Method, header};
    let changes_state = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let with_session = auth::cookie_value(request.headers(), auth::SESSION_COOKIE).is_some();
    if changes_state && with_session && !same_site(request.headers(), &state.settings) {
        return axum::response::IntoResponse::into_response(ApiError::Forbidden {
            code: "cross_origin",
            message_en: "a request that changes something must come from this site's own pages".into(),
            message_vi: "Yêu cầu thay đổi dữ liệu phải được gửi từ chính trang của hệ thống".into(),
        });
    }
    let mut response = next.run(request).await;
    if state.settings.https() {
        let headers = response.headers_mut();
        let cookies: Vec<HeaderValue> = headers.get_all(header::SET_COOKIE).iter().cloned().collect();
        headers.remove(header::SET_COOKIE);
        for c in cookies {
            let text = c.to_str().unwrap_or_default();
            let secured = if text.contains("; Secure") {
                c.clone()
            } else {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(c.clone())
            };
            headers.append(header::SET_COOKIE, secured);
        }
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Whether a request's `Origin` (or `Referer`) is this site: the `Host` it was sent to, or
/// the configured public address. A request with neither (not from a browser) passes; the
/// CSRF token still guards it.
fn same_site(headers: &axum::http::HeaderMap, settings: &Settings) -> bool {
    use axum::http::header;
    let named = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(named) = named else { return true };
    let host_of = |url: &str| {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        rest.split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let from = host_of(named);
    let here = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    here.as_deref() == Some(from.as_str()) || settings.public_host().is_some_and(|h| h.eq_ignore_ascii_case(&from))
}

/// Serves until the process receives Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, store: Store) -> std::io::Result<()> {
    serve_with(listener, store, Settings::default()).await
}

/// [`serve`] with the deployment's settings.
pub async fn serve_with(listener: tokio::net::TcpListener, store: Store, settings: Settings) -> std::io::Result<()> {
    let app = router_with(store, settings).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
