//! Open data (`/du-lieu-mo`, no sign-in): approved figures for everyone, in the spirit of
//! Open SDG — a page per objective and per indicator (definition, method, source, targets, a
//! chart and its table over the years, women and men, the units below to drill into) and a CSV
//! per indicator in Open SDG's shape. Small counts of persons are withheld for everyone here
//! (`engine::disclosure`).
//!
//! Every page is addressed by a path below the site's root and links to the others by
//! relative addresses, so the same pages are served live and written as a static site by
//! `binhdang publish` ([`publish`]), which follows the links from the first page. Pages need no
//! JavaScript and may be cached.

mod chart;
mod page;

use crate::error::ApiError;
use crate::lang::Lang;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use binhdang_store::Store;
use std::collections::{BTreeSet, VecDeque};

/// Where the live site is served.
pub const ROOT: &str = "/du-lieu-mo";

/// A page or file of the site.
pub struct Rendered {
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// What a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    Index,
    Objective(u32),
    Indicator { code: String, unit: Option<String> },
    Csv { code: String, unit: Option<String> },
    Json,
    Stylesheet,
}

/// The language and route of a path below the root (`en/chi-tieu/6.1/12/`).
fn route(path: &str) -> Option<(Lang, Route)> {
    let (lang, rest) = match path.strip_prefix("en/") {
        Some(rest) => (Lang::En, rest),
        None if path == "en" => return None,
        None => (Lang::Vi, path),
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let route = match parts.as_slice() {
        [""] => Route::Index,
        ["index.json"] => Route::Json,
        ["static", "app.css"] => Route::Stylesheet,
        ["muc-tieu", n, ""] => Route::Objective(n.parse().ok()?),
        ["chi-tieu", code, ""] => Route::Indicator {
            code: code.to_string(),
            unit: None,
        },
        ["chi-tieu", code, unit, ""] => Route::Indicator {
            code: code.to_string(),
            unit: Some(unit.to_string()),
        },
        ["chi-tieu", code, "du-lieu.csv"] => Route::Csv {
            code: code.to_string(),
            unit: None,
        },
        ["chi-tieu", code, unit, "du-lieu.csv"] => Route::Csv {
            code: code.to_string(),
            unit: Some(unit.to_string()),
        },
        _ => return None,
    };
    Some((lang, route))
}

/// What every page knows of where it stands: its language, the way back to the site's root,
/// and its own path in the other language.
pub(crate) struct Place {
    pub lang: Lang,
    /// `../../` from this page to the root of the site.
    pub root: String,
    /// The language's own root below the site's (`` or `en/`).
    pub lang_root: String,
    /// This page in the other language, from the site's root.
    pub other: String,
}

impl Place {
    fn of(path: &str, lang: Lang) -> Place {
        let depth = path.matches('/').count();
        let root = "../".repeat(depth);
        let own = path.strip_prefix("en/").unwrap_or(path);
        let (lang_root, other) = match lang {
            Lang::Vi => (String::new(), format!("en/{own}")),
            Lang::En => ("en/".to_string(), own.to_string()),
        };
        Place {
            lang,
            root,
            lang_root,
            other,
        }
    }

    pub fn t(&self, vi: &str, en: &str) -> String {
        self.lang.pick(vi, en).to_string()
    }

    /// A page of this language, from here.
    pub fn href(&self, page: &str) -> String {
        format!("{}{}{page}", self.root, self.lang_root)
    }

    pub fn html_lang(&self) -> &'static str {
        self.lang.pick("vi", "en")
    }
}

/// Renders the page or file at `path` (below the root); `None` when there is none.
pub async fn render(store: &Store, path: &str) -> Result<Option<Rendered>, ApiError> {
    let Some((lang, route)) = route(path) else {
        return Ok(None);
    };
    let place = Place::of(path, lang);
    Ok(match route {
        Route::Index => Some(html(&page::index(store, place).await?)?),
        Route::Objective(n) => match page::objective(store, place, n).await? {
            Some(p) => Some(html(&p)?),
            None => None,
        },
        Route::Indicator { code, unit } => match page::indicator(store, place, &code, unit.as_deref()).await? {
            Some(p) => Some(html(&p)?),
            None => None,
        },
        Route::Csv { code, unit } => page::csv(store, &code, unit.as_deref()).await?.map(|text| Rendered {
            content_type: "text/csv; charset=utf-8",
            body: text.into_bytes(),
        }),
        Route::Json => Some(Rendered {
            content_type: "application/json",
            body: page::json_index(store).await?.into_bytes(),
        }),
        Route::Stylesheet => super::assets::bytes("app.css").map(|b| Rendered {
            content_type: "text/css; charset=utf-8",
            body: b.to_vec(),
        }),
    })
}

fn html<T: Template>(page: &T) -> Result<Rendered, ApiError> {
    let body = page
        .render()
        .map_err(|e| ApiError::Internal(format!("template: {e}")))?;
    Ok(Rendered {
        content_type: "text/html; charset=utf-8",
        body: body.into_bytes(),
    })
}

/// `GET /du-lieu-mo/…`: the pages, for anyone, cacheable for five minutes.
pub async fn serve(State(state): State<crate::AppState>, path: Option<Path<String>>) -> Result<Response, ApiError> {
    let path = path.map(|Path(p)| p).unwrap_or_default();
    if let Some(found) = render(&state.store, &path).await? {
        let mut response = (StatusCode::OK, found.body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(found.content_type));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
        return Ok(response);
    }
    // A page's address without its last slash leads to the page.
    if !path.ends_with('/') && route(&format!("{path}/")).is_some() {
        let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("{ROOT}/{path}/")) {
            response.headers_mut().insert(LOCATION, v);
        }
        return Ok(response);
    }
    Err(ApiError::NotFound {
        code: "no_such_page",
        message_en: "There is no such page of open data.".into(),
        message_vi: "Không có trang dữ liệu mở này.".into(),
    })
}

/// What `binhdang publish` wrote.
#[derive(Debug, Default)]
pub struct Published {
    pub pages: usize,
    pub files: usize,
}

/// Writes the site to `out`: every page and file reachable by links from the first page, each
/// at its path (`chi-tieu/6.1/` as `chi-tieu/6.1/index.html`).
pub async fn publish(store: &Store, out: &std::path::Path) -> Result<Published, ApiError> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = VecDeque::from([String::new(), "index.json".to_string()]);
    let mut done = Published::default();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let Some(found) = render(store, &path).await? else {
            return Err(ApiError::Internal(format!(
                "a page links to `{path}`, which does not exist"
            )));
        };
        let file = if path.is_empty() || path.ends_with('/') {
            done.pages += 1;
            for link in links(&found.body) {
                if let Some(target) = resolve(&path, &link).filter(|t| !seen.contains(t)) {
                    queue.push_back(target);
                }
            }
            out.join(&path).join("index.html")
        } else {
            done.files += 1;
            out.join(&path)
        };
        let write = || -> std::io::Result<()> {
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&file, &found.body)
        };
        write().map_err(|e| ApiError::Internal(format!("writing {}: {e}", file.display())))?;
    }
    Ok(done)
}

/// The `href` and `src` attributes of a page.
pub fn links(html: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(html);
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = text.as_ref();
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// A relative link of the page at `from` as a path below the site's root; `None` for an
/// address elsewhere (`/`, `https://…`, `#…`) or above the root.
pub fn resolve(from: &str, link: &str) -> Option<String> {
    if link.is_empty() || link.starts_with('/') || link.starts_with('#') || link.contains(':') {
        return None;
    }
    let link = link.split(['#', '?']).next().unwrap_or("");
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop(); // the page itself: only its folder counts
    for piece in link.split('/') {
        match piece {
            ".." => {
                parts.pop()?;
            }
            "." => {}
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    Some(joined.trim_start_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_pages_in_either_language() {
        assert_eq!(route(""), Some((Lang::Vi, Route::Index)));
        assert_eq!(route("en/"), Some((Lang::En, Route::Index)));
        assert_eq!(route("muc-tieu/3/"), Some((Lang::Vi, Route::Objective(3))));
        assert_eq!(
            route("en/chi-tieu/3.2a/12/"),
            Some((
                Lang::En,
                Route::Indicator {
                    code: "3.2a".into(),
                    unit: Some("12".into())
                }
            ))
        );
        assert_eq!(
            route("chi-tieu/6.1/du-lieu.csv"),
            Some((
                Lang::Vi,
                Route::Csv {
                    code: "6.1".into(),
                    unit: None
                }
            ))
        );
        assert_eq!(route("chi-tieu/6.1"), None, "a page's address ends with a slash");
        assert_eq!(route("muc-tieu/x/"), None);
    }

    #[test]
    fn relative_links_resolve_against_the_page_folder() {
        assert_eq!(resolve("chi-tieu/6.1/12/", "../../../").as_deref(), Some(""));
        assert_eq!(
            resolve("chi-tieu/6.1/12/", "../../../en/chi-tieu/6.1/12/").as_deref(),
            Some("en/chi-tieu/6.1/12/")
        );
        assert_eq!(resolve("", "chi-tieu/6.1/").as_deref(), Some("chi-tieu/6.1/"));
        assert_eq!(
            resolve("chi-tieu/6.1/", "du-lieu.csv").as_deref(),
            Some("chi-tieu/6.1/du-lieu.csv")
        );
        assert_eq!(resolve("", "/dang-nhap"), None);
        assert_eq!(resolve("", "../x"), None, "nothing above the root");
        assert_eq!(Place::of("en/chi-tieu/6.1/12/", Lang::En).root, "../../../../");
    }
}
