//! Uploading a filled spreadsheet template from the data-entry or registers page
//! (`POST /nhap-lieu/tai-len?unit=&period=[&back=registers&kind=]`, a multipart form with
//! `csrf` and `file`). The file goes through the same reading and all-or-nothing store as
//! `POST /api/v1/templates/entry.xlsx` ([`crate::sheets::store_upload`]); the page then lists
//! what was stored, or every problem by sheet and cell.

use super::{Chrome, Session, format, render};
use crate::AppState;
use crate::error::ApiError;
use crate::lang::Lang;
use crate::sheets::{read_body, store_upload};
use askama::Template;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use binhdang_domain::register::RegisterKind;
use std::collections::HashMap;

pub const PATH: &str = "/nhap-lieu/tai-len";

pub struct ProblemView {
    pub sheet: String,
    pub cell: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    c: Chrome,
    unit_code: String,
    unit_name: String,
    period_label: String,
    written: usize,
    unchanged: usize,
    rows: Vec<(String, usize)>,
    warnings: Vec<String>,
    problems: Vec<ProblemView>,
    back_href: String,
}

/// The parts of a `multipart/form-data` body, by field name. Browsers send a file this
/// way; the form has two fields, so a small reader does (axum's needs another crate).
fn form_parts<'a>(body: &'a [u8], content_type: &str) -> HashMap<String, &'a [u8]> {
    let mut out = HashMap::new();
    let Some(boundary) = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty())
    else {
        return out;
    };
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let first = format!("--{boundary}");
    let next = format!("\r\n--{boundary}");
    let Some(start) = find(body, first.as_bytes()) else {
        return out;
    };
    let mut rest = &body[start + first.len()..];
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let Some(headers_end) = find(rest, b"\r\n\r\n") else {
            break;
        };
        let headers = String::from_utf8_lossy(&rest[..headers_end]);
        let content = &rest[headers_end + 4..];
        let Some(end) = find(content, next.as_bytes()) else {
            break;
        };
        let name = headers.lines().find_map(|l| {
            let l = l.trim();
            l.to_ascii_lowercase().starts_with("content-disposition:").then(|| {
                l.split(';')
                    .find_map(|p| p.trim().strip_prefix("name="))
                    .map(|n| n.trim_matches('"').to_string())
            })?
        });
        if let Some(name) = name {
            out.insert(name, &content[..end]);
        }
        rest = &content[end + next.len()..];
    }
    out
}

/// `POST /nhap-lieu/tai-len?unit=&period=`
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let bytes = match read_body(body).await {
        Ok(b) => b,
        Err(e) => return session.api_error(e),
    };
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parts = form_parts(&bytes, content_type);
    let csrf = parts.get("csrf").map(|c| String::from_utf8_lossy(c).to_string());
    if let Some(r) = session.csrf_refusal(csrf.as_deref()) {
        return r;
    }
    let result = async {
        let (unit, period) = super::entry::target(&state, &session, &q).await?;
        let file = parts.get("file").copied().unwrap_or_default();
        let back_href = match q.get("back").map(String::as_str) {
            Some("registers") => format!(
                "{}?unit={}&period={period}&kind={}",
                super::registers::PATH,
                unit.code,
                q.get("kind").map(String::as_str).unwrap_or("activities")
            ),
            _ => format!("/nhap-lieu?unit={}&period={period}", unit.code),
        };
        let lang = session.lang;
        let title = format!(
            "{} — {}",
            session.t("Tải lên biểu mẫu", "Template upload"),
            unit.full_name
        );
        let mut page = UploadPage {
            c: session.chrome(title, "/nhap-lieu"),
            unit_code: unit.code.clone(),
            unit_name: unit.full_name.clone(),
            period_label: format::period(&period, lang),
            written: 0,
            unchanged: 0,
            rows: Vec::new(),
            warnings: Vec::new(),
            problems: Vec::new(),
            back_href,
        };
        match store_upload(&state, &session.caller, &unit, &period, file).await {
            Ok(summary) => {
                page.written = summary.values.written + summary.values.deleted;
                page.unchanged = summary.values.unchanged;
                for kind in RegisterKind::ALL {
                    let n = summary.rows.iter().filter(|(k, _)| *k == kind).count();
                    if n > 0 {
                        let name = if lang == Lang::En {
                            kind.name_en()
                        } else {
                            kind.name_vi()
                        };
                        page.rows.push((name.to_string(), n));
                    }
                }
                page.warnings = summary.warnings.iter().map(|p| super::message_in(p, lang)).collect();
                Ok(render(StatusCode::OK, &page))
            }
            Err(ApiError::Invalid(problems)) => {
                page.problems = problems
                    .iter()
                    .map(|p| {
                        let message = super::message_in(p, lang);
                        match p.field.rsplit_once('!') {
                            Some((sheet, cell)) => ProblemView {
                                sheet: sheet.to_string(),
                                cell: cell.to_string(),
                                message: message
                                    .strip_prefix(&format!("{}: ", p.field))
                                    .map(str::to_string)
                                    .unwrap_or(message),
                            },
                            None => ProblemView {
                                sheet: format::NONE.into(),
                                cell: format::NONE.into(),
                                message,
                            },
                        }
                    })
                    .collect();
                Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
            }
            Err(e) => Err(e),
        }
    }
    .await;
    match result {
        Ok(r) => r,
        Err(e) => session.api_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::form_parts;

    #[test]
    fn a_browsers_multipart_form_is_read_by_field() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc123\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\
            Content-Type: application/octet-stream\r\n\r\nPK\x03\x04\r\n\r\nbinary--XyZ\r\n--XyZ--\r\n";
        let parts = form_parts(body, "multipart/form-data; boundary=XyZ");
        assert_eq!(parts["csrf"], b"abc123");
        assert_eq!(parts["file"], b"PK\x03\x04\r\n\r\nbinary--XyZ");
        assert!(form_parts(body, "multipart/form-data").is_empty());
        assert!(form_parts(b"garbage", "multipart/form-data; boundary=XyZ").is_empty());
        let truncated = &body[..40];
        assert!(!form_parts(truncated, "multipart/form-data; boundary=XyZ").contains_key("file"));
    }
}
