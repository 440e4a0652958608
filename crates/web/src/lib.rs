#![recursion_limit = "512"]
//! The HTTP face of binhdang: the JSON API under `/api/v1`, described by the OpenAPI
//! document at `/api/v1/openapi.json`, and the server-rendered interface (`ui`).

mod api;
mod auth;
mod error;
mod lang;
mod tables;
mod ui;

pub use api::exchange::summary_json as import_summary_json;
pub use api::imports::{MAX_UPLOAD_BYTES, accept_confident, import_report};
pub use api::openapi::{ROUTES, openapi_document};
pub use error::ApiError;
pub use lang::Lang;
pub use ui::open_data::{Published, publish};

use axum::Router;
use binhdang_store::Store;
use std::net::SocketAddr;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Settings,
}

/// How the server is reached, as the deployment says (`binhdang serve --public-url`,
/// `--trusted-proxy`).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The address people use, e.g. `https://binhdang.laichau.gov.vn`. When it is https,
    /// cookies are `Secure` and answers carry HSTS (TLS ends at the reverse proxy, so the
    /// server cannot see it itself, and a client-sent `X-Forwarded-Proto` is not trusted).
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed: the client's address (for
    /// sign-in limits and the audit log) is then the last one before them in that header.
    /// From anyone else the header is ignored, so a client cannot choose its address.
    pub trusted_proxies: Vec<Cidr>,
}

/// A block of addresses, `10.0.0.0/8` or `2001:db8::/32` (a lone address is a /32 or /128).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: std::net::IpAddr,
    bits: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;
    fn from_str(text: &str) -> Result<Cidr, String> {
        let (address, bits) = text.trim().split_once('/').unwrap_or((text.trim(), ""));
        let network: std::net::IpAddr = address
            .parse()
            .map_err(|_| format!("`{text}` is not an address block"))?;
        let most = if network.is_ipv4() { 32 } else { 128 };
        let bits = if bits.is_empty() {
            most
        } else {
            bits.parse::<u8>()
                .ok()
                .filter(|b| *b <= most)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0 to {most}"))?
        };
        Ok(Cidr { network, bits })
    }
}

impl Cidr {
    fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr::{V4, V6};
        let (a, b, width) = match (self.network, ip) {
            (V4(n), V4(i)) => (u128::from(u32::from(n)), u128::from(u32::from(i)), 32),
            (V6(n), V6(i)) => (u128::from(n), u128::from(i), 128),
            _ => return false,
        };
        let shift = width - u32::from(self.bits);
        shift >= width || (a >> shift) == (b >> shift)
    }
}

/// The address a request comes from, as the transport layer decided it (see
/// [`Settings::trusted_proxies`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClientAddress(pub std::net::IpAddr);

impl ClientAddress {
    /// The client address of a request, as text ("" when unknown).
    pub(crate) fn of(parts: &axum::http::request::Parts) -> String {
        parts
            .extensions
            .get::<ClientAddress>()
            .map(|a| a.0.to_string())
            .unwrap_or_default()
    }
}

impl Settings {
    /// The client's address: the peer's, or, when the peer is a trusted proxy, the last
    /// address in `X-Forwarded-For` that is not itself a trusted proxy.
    fn client_address(&self, peer: std::net::IpAddr, headers: &axum::http::HeaderMap) -> std::net::IpAddr {
        let trusted = |ip: std::net::IpAddr| self.trusted_proxies.iter().any(|c| c.contains(ip));
        if !trusted(peer) {
            return peer;
        }
        let forwarded: Vec<std::net::IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse().ok())
            .collect();
        forwarded.into_iter().rev().find(|ip| !trusted(*ip)).unwrap_or(peer)
    }

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
/// - the client's address is decided once (see [`Settings::trusted_proxies`]);
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
    let mut request = request;
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let client = state.settings.client_address(peer, request.headers());
    request.extensions_mut().insert(ClientAddress(client));
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

#[cfg(test)]
mod tests {
    use super::Cidr;

    #[test]
    fn an_address_block_holds_its_addresses() {
        let block: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(block.contains("10.1.200.3".parse().unwrap()));
        assert!(!block.contains("10.2.0.1".parse().unwrap()));
        assert!(!block.contains("::1".parse().unwrap()));
        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert!(one.contains("192.0.2.7".parse().unwrap()) && !one.contains("192.0.2.8".parse().unwrap()));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("203.0.113.9".parse().unwrap()));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains("2001:db8:1::5".parse().unwrap()) && !v6.contains("2001:db9::1".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err() && "proxy".parse::<Cidr>().is_err());
    }
}
