//! Data exchange (`/quan-tri/trao-doi-du-lieu`, administrators): the table of codes another
//! system uses (pasted as CSV lines, checked whole), an import of a data value set file (JSON,
//! DHIS2 XML, ADX or DHIS2 CSV) with or without a dry run, answered with the import summary,
//! and an export form that asks `GET /api/v1/dataValueSets`. The import goes through
//! `engine::exchange`, as the API's and `binhdang exchange import` do.

use super::{Refused, sent};
use crate::AppState;
use crate::api::imports::{MAX_UPLOAD_BYTES, too_large};
use crate::auth::require_admin;
use crate::error::ApiError;
use crate::lang::Lang;
use crate::ui::{Chrome, Session, field, multipart, see_other};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use binhdang_domain::exchange::codes::{CodeMap, ElementCode, UnitCode};
use binhdang_engine::exchange::{ImportSummary, from_any, import};
use std::collections::HashMap;

pub const PATH: &str = "/quan-tri/trao-doi-du-lieu";
pub const IMPORT_PATH: &str = "/quan-tri/trao-doi-du-lieu/nhap";

/// What an import did, for the page.
pub struct Imported {
    pub file: String,
    pub status: &'static str,
    pub counts: Vec<(String, usize)>,
    pub conflicts: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin_exchange.html")]
struct ExchangePage {
    c: Chrome,
    codes: CodeMap,
    elements_text: String,
    units_text: String,
    imported: Option<Imported>,
    max_mib: usize,
}

/// The table as the lines the form shows and reads back.
fn lines(codes: &CodeMap) -> (String, String) {
    let elements = codes
        .elements
        .iter()
        .map(|e| {
            format!(
                "{},{},{},{}",
                e.element,
                e.breakdown.as_str(),
                e.data_element,
                e.category_option_combo.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let units = codes
        .units
        .iter()
        .map(|u| format!("{},{}", u.unit, u.org_unit))
        .collect::<Vec<_>>()
        .join("\n");
    (elements, units)
}

/// The table from the form's lines (`element,breakdown,data_element[,combo]`; `unit,org_unit`).
fn parse(elements: &str, units: &str) -> Result<CodeMap, ApiError> {
    let mut map = CodeMap::default();
    let mut problems = Vec::new();
    let rows = |text: &str| -> Vec<(usize, Vec<String>)> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (i + 1, l.split(',').map(|c| c.trim().to_string()).collect()))
            .collect()
    };
    for (line, cells) in rows(elements) {
        match cells.as_slice() {
            [element, breakdown, data_element, rest @ ..] if rest.len() <= 1 => match breakdown.parse() {
                Ok(breakdown) => map.elements.push(ElementCode {
                    element: element.clone(),
                    breakdown,
                    data_element: data_element.clone(),
                    category_option_combo: rest.first().filter(|c| !c.is_empty()).cloned(),
                }),
                Err(_) => problems.push((
                    format!("elements line {line}: `{breakdown}` is not a breakdown (total, male, female)"),
                    format!("Dòng {line} (chỉ tiêu): `{breakdown}` không phải phân tổ (total, male, female)"),
                )),
            },
            _ => problems.push((
                format!("elements line {line}: write element,breakdown,data_element[,category_option_combo]"),
                format!("Dòng {line} (chỉ tiêu): viết mã chỉ tiêu,phân tổ,mã DHIS2[,mã tổ hợp phân tổ]"),
            )),
        }
    }
    for (line, cells) in rows(units) {
        match cells.as_slice() {
            [unit, org_unit] => map.units.push(UnitCode {
                unit: unit.clone(),
                org_unit: org_unit.clone(),
            }),
            _ => problems.push((
                format!("units line {line}: write unit,org_unit"),
                format!("Dòng {line} (đơn vị): viết mã đơn vị,mã đơn vị bên kia"),
            )),
        }
    }
    if problems.is_empty() {
        Ok(map)
    } else {
        Err(ApiError::Invalid(
            problems
                .into_iter()
                .map(|(en, vi)| binhdang_store::FieldProblem::new("codes", "bad_code_line", en, vi))
                .collect(),
        ))
    }
}

async fn build(
    state: &AppState,
    session: &Session,
    typed: Option<(String, String)>,
    imported: Option<Imported>,
    notice: Option<(&'static str, String)>,
) -> Result<ExchangePage, ApiError> {
    require_admin(state, &session.caller, "exchange.page").await?;
    let codes = state.store.exchange_codes().await?;
    let (elements_text, units_text) = typed.unwrap_or_else(|| lines(&codes));
    let mut c = super::frame(
        session,
        "Trao đổi dữ liệu (DHIS2, ADX)",
        "Data exchange (DHIS2, ADX)",
        &Refused::default(),
        None,
    );
    if let Some((kind, text)) = notice {
        c = c.with_notice(kind, text);
    }
    Ok(ExchangePage {
        c,
        codes,
        elements_text,
        units_text,
        imported,
        max_mib: MAX_UPLOAD_BYTES / (1024 * 1024),
    })
}

/// `GET /quan-tri/trao-doi-du-lieu[?msg=saved]`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let done = (q.get("msg").map(String::as_str) == Some("saved")).then(|| {
        (
            "success",
            session
                .t("Đã lưu bảng mã.", "The table of codes has been saved.")
                .to_string(),
        )
    });
    super::shown(
        &session,
        StatusCode::OK,
        build(&state, &session, None, None, done).await,
    )
}

/// `POST /quan-tri/trao-doi-du-lieu` (the table of codes): saved whole, or the form again with
/// what was typed and why nothing was saved.
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return r;
    }
    let (elements, units) = (sent(&form, "elements").to_string(), sent(&form, "units").to_string());
    let saved = match parse(&elements, &units) {
        Ok(map) => match require_admin(&state, &session.caller, "exchange_codes").await {
            Ok(()) => state
                .store
                .set_exchange_codes(&map, &session.caller.actor())
                .await
                .map_err(ApiError::from),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => see_other(&format!("{PATH}?msg=saved")),
        Err(ApiError::Invalid(problems)) => {
            let text = crate::ui::messages_in(problems, session.lang);
            super::shown(
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                build(&state, &session, Some((elements, units)), None, Some(("error", text))).await,
            )
        }
        Err(e) => session.api_error(e),
    }
}

fn imported(file: &str, summary: &ImportSummary, lang: Lang) -> Imported {
    let t = |vi: &str, en: &str| lang.pick(vi, en).to_string();
    Imported {
        file: file.to_string(),
        status: summary.status(),
        counts: vec![
            (t("Thêm mới", "Imported"), summary.imported),
            (t("Cập nhật", "Updated"), summary.updated),
            (t("Bỏ qua", "Ignored"), summary.ignored),
            (t("Xóa", "Deleted"), summary.deleted),
        ],
        conflicts: summary
            .conflicts
            .iter()
            .map(|c| (c.object.clone(), c.value.clone()))
            .collect(),
    }
}

/// `POST /quan-tri/trao-doi-du-lieu/nhap` (multipart: csrf, file, dry_run): the import summary.
pub async fn import_file(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(address): Query<HashMap<String, String>>,
    body: axum::body::Body,
) -> Response {
    if let Err(e) = require_admin(&state, &session.caller, "exchange.import").await {
        return session.api_error(e);
    }
    let parts = match multipart::checked_document_form(&session, &headers, &address, body).await {
        Ok(parts) => parts,
        Err(refused) => return refused,
    };
    let dry_run = multipart::text(&parts, "dry_run").is_some();
    let read = match multipart::file(&parts, "file") {
        Some(f) if !f.data.is_empty() => String::from_utf8(f.data.to_vec())
            .map_err(|_| "the file is not text (UTF-8)".to_string())
            .and_then(|text| from_any(&text))
            .map(|set| (f.file_name.clone(), set))
            .map_err(|e| ApiError::invalid("file", "unreadable", e.clone(), format!("Không đọc được tệp: {e}"))),
        None if multipart::too_large(&headers) => Err(too_large(MAX_UPLOAD_BYTES + 1)),
        _ => Err(ApiError::invalid(
            "file",
            "missing",
            "choose the data value set file to import".into(),
            "Hãy chọn tệp dữ liệu cần nhập".into(),
        )),
    };
    let outcome = match read {
        Ok((file, set)) => import(
            &state.store,
            &session.caller.user,
            &session.caller.origin,
            &set,
            dry_run,
        )
        .await
        .map(|summary| imported(&file, &summary, session.lang))
        .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(done) => super::shown(
            &session,
            StatusCode::OK,
            build(&state, &session, None, Some(done), None).await,
        ),
        Err(ApiError::Invalid(problems)) => {
            let text = crate::ui::messages_in(problems, session.lang);
            super::shown(
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                build(&state, &session, None, None, Some(("error", text))).await,
            )
        }
        Err(e) => session.api_error(e),
    }
}
