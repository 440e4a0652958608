//! Static files embedded in the binary and served under `/static/`: the interface's own CSS
//! and JavaScript, and htmx and ECharts vendored from npm (see `crates/web/static/VENDOR.md`).
//! Vendored files carry their version in their name and our own files a content hash in
//! their URL, so every file may be cached for a year.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

pub const HTMX: &str = "htmx-2.0.11.min.js";
pub const ECHARTS: &str = "echarts-6.1.0-dashboard.min.js";

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/app.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/favicon.svg"),
    },
    Asset {
        name: HTMX,
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/vendor/htmx-2.0.11.min.js"),
    },
    Asset {
        name: ECHARTS,
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/vendor/echarts-6.1.0-dashboard.min.js"),
    },
    Asset {
        name: "htmx-LICENSE.txt",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../static/vendor/htmx-LICENSE.txt"),
    },
    Asset {
        name: "echarts-LICENSE.txt",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../static/vendor/echarts-LICENSE.txt"),
    },
    Asset {
        name: "echarts-NOTICE.txt",
        content_type: "text/plain; charset=utf-8",
        bytes: include_bytes!("../../static/vendor/echarts-NOTICE.txt"),
    },
];

/// FNV-1a: a short, stable fingerprint of a file's bytes.
fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", h & 0xffff_ffff_ffff)
}

fn fingerprints() -> &'static Vec<(&'static str, String)> {
    static PRINTS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    PRINTS.get_or_init(|| ASSETS.iter().map(|a| (a.name, fingerprint(a.bytes))).collect())
}

/// The URL of a static file, with its fingerprint so that a new build is fetched anew.
/// The bytes of an embedded file.
pub fn bytes(name: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|a| a.name == name).map(|a| a.bytes)
}

pub fn asset_url(name: &str) -> String {
    match fingerprints().iter().find(|(n, _)| *n == name) {
        Some((_, print)) => format!("/static/{name}?v={print}"),
        None => format!("/static/{name}"),
    }
}

/// `GET /sw.js`: the service worker that keeps entry forms for use offline. Served from the
/// root so that it may serve every page of the site; never cached long, so that a new build
/// replaces it.
pub async fn service_worker() -> Response {
    root_file(include_bytes!("../../static/sw.js"), "text/javascript; charset=utf-8")
}

/// `GET /manifest.webmanifest`: what a phone needs to install the interface as an app.
pub async fn manifest() -> Response {
    root_file(
        include_bytes!("../../static/manifest.webmanifest"),
        "application/manifest+json",
    )
}

fn root_file(bytes: &'static [u8], content_type: &'static str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// `GET /static/{file}`
pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == file) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let etag = fingerprints()
        .iter()
        .find(|(n, _)| *n == asset.name)
        .map(|(_, p)| format!("\"{p}\""))
        .unwrap_or_default();
    let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
    if headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag)
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut().insert(CACHE_CONTROL, cache);
        return r;
    }
    let mut r = asset.bytes.into_response();
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    h.insert(CACHE_CONTROL, cache);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(ETAG, v);
    }
    r
}
