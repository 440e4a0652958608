//! Uploading a filled spreadsheet template from the data-entry or registers page
//! (`POST /nhap-lieu/tai-len?unit=&period=[&back=registers&kind=]`, a multipart form with
//! `csrf` and `file`). The file goes through the same reading and all-or-nothing store as
//! `POST /api/v1/templates/entry.xlsx` ([`crate::api::templates::store_upload`]); the page then lists
//! what was stored, or every problem by sheet and cell.

use super::{Chrome, Session, format, multipart, render};
use crate::AppState;
use crate::api::templates::{read_body, store_upload};
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use askama::Template;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use binhdang_domain::register::RegisterKind;
use std::collections::HashMap;

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

/// `POST /nhap-lieu/tai-len?unit=&period=`
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    // The form's token and who may write where are known from the address; the file is read
    // only after both are checked.
    if let Some(r) = session.csrf_refusal_in_address(&q) {
        return Ok(r);
    }
    let token_in_address = q.contains_key("csrf");
    let (unit, period) = super::request::target(&state, &session, &q).await?;
    crate::auth::authorize(&state, &session.caller, &unit, binhdang_domain::access::Action::Write).await?;
    let bytes = read_body(body).await?;
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parts = multipart::parts(content_type, bytes).await;
    if !token_in_address && let Some(r) = session.csrf_refusal(multipart::text(&parts, "csrf").as_deref()) {
        return Ok(r);
    }
    let file = multipart::file(&parts, "file").map(|f| &f.data[..]).unwrap_or_default();
    let back_href = match q.get("back").map(String::as_str) {
        Some("registers") => format!(
            "{}?unit={}&period={period}&kind={}",
            super::paths::REGISTERS,
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
        unit_code: unit.code.to_string(),
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
