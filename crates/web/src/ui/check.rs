//! Checking a draft report (`/kiem-tra-bao-cao`): any signed-in person uploads a report (TXT,
//! DOCX, PDF with a text layer) and sees every inconsistency found in its figures, grouped by
//! section, beside the quoted text. Nothing is stored; `POST /api/v1/check` answers the same.

use super::{Chrome, Session, multipart, render};
use crate::AppState;
use crate::api::check::check_document;
use crate::api::imports::{MAX_UPLOAD_BYTES, too_large};
use crate::error::ApiError;
use crate::lang::Lang;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use binhdang_ingest::{Format, Report, Severity};
use std::collections::HashMap;

pub const PATH: &str = "/kiem-tra-bao-cao";

#[derive(Template)]
#[template(path = "check.html")]
struct CheckPage {
    c: Chrome,
    max_mib: usize,
    checked: Option<Checked>,
}

/// What the check of one file found.
pub struct Checked {
    pub summary: String,
    pub sections: Vec<SectionView>,
}

pub struct SectionView {
    pub title: String,
    pub findings: Vec<FindingView>,
}

pub struct FindingView {
    pub error: bool,
    pub severity: &'static str,
    pub kind: &'static str,
    /// "dòng 12" / "line 12, cell 3".
    pub place: String,
    pub quote: String,
    pub stated: String,
    pub expected: String,
    pub message: String,
}

fn page(session: &Session, checked: Option<Checked>, notice: Option<String>) -> CheckPage {
    let mut c = session.chrome(session.t("Kiểm tra báo cáo", "Check a report"), PATH);
    if let Some(text) = notice {
        c = c.with_notice("error", text);
    }
    CheckPage {
        c,
        max_mib: MAX_UPLOAD_BYTES / (1024 * 1024),
        checked,
    }
}

/// `GET /kiem-tra-bao-cao`
pub async fn form(session: Session) -> Response {
    render(StatusCode::OK, &page(&session, None, None))
}

/// `POST /kiem-tra-bao-cao` (multipart: csrf, file): the findings, or the form again saying
/// why the file could not be read.
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(address): Query<HashMap<String, String>>,
    body: axum::body::Body,
) -> Response {
    let parts = match multipart::checked_document_form(&session, &headers, &address, body).await {
        Ok(parts) => parts,
        Err(refused) => return refused,
    };
    let outcome = match multipart::file(&parts, "file") {
        Some(f) if !f.data.is_empty() => check_document(&state, &f.file_name, &f.data).await,
        None if multipart::too_large(&headers) => Err(too_large(MAX_UPLOAD_BYTES + 1)),
        _ => Err(ApiError::invalid(
            "file",
            "missing",
            "choose the report file to check".into(),
            "Hãy chọn tệp báo cáo cần kiểm tra".into(),
        )),
    };
    match outcome {
        Ok(report) => render(StatusCode::OK, &page(&session, Some(view(&report, session.lang)), None)),
        Err(ApiError::Invalid(problems)) => {
            let text = super::messages_in(problems, session.lang);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page(&session, None, Some(text)))
        }
        Err(e) => session.api_error(e),
    }
}

/// The report's findings by section, in the order the document gives them.
fn view(report: &Report, lang: Lang) -> Checked {
    let en = lang == Lang::En;
    let word = match (report.format, en) {
        (Format::Docx, true) => "paragraph",
        (_, true) => "line",
        (format, false) => format.position_word_vi(),
    };
    let summary = match (report.findings.is_empty(), en) {
        (true, false) => format!(
            "{} (năm {}): không thấy điểm bất nhất nào trong {} số liệu.",
            report.file,
            report.year,
            report.figures.len()
        ),
        (true, true) => format!(
            "{} (year {}): no inconsistency found in {} figures.",
            report.file,
            report.year,
            report.figures.len()
        ),
        (false, false) => format!(
            "{} (năm {}): {} lỗi, {} cảnh báo trong {} số liệu.",
            report.file,
            report.year,
            report.errors(),
            report.warnings(),
            report.figures.len()
        ),
        (false, true) => format!(
            "{} (year {}): {} errors, {} warnings in {} figures.",
            report.file,
            report.year,
            report.errors(),
            report.warnings(),
            report.figures.len()
        ),
    };
    let mut sections: Vec<SectionView> = Vec::new();
    for f in &report.findings {
        let error = f.severity == Severity::Error;
        let finding = FindingView {
            error,
            severity: match (error, en) {
                (true, false) => "Lỗi",
                (true, true) => "Error",
                (false, false) => "Cảnh báo",
                (false, true) => "Warning",
            },
            kind: if en { f.kind.label_en() } else { f.kind.label_vi() },
            place: match f.position.cell {
                Some(cell) if en => format!("{word} {}, cell {cell}", f.position.line),
                Some(cell) => format!("{word} {}, ô {cell}", f.position.line),
                None => format!("{word} {}", f.position.line),
            },
            quote: f.quote.clone(),
            stated: f.stated.clone(),
            expected: f.expected.clone(),
            message: if en { f.message_en.clone() } else { f.message_vi.clone() },
        };
        match sections.last_mut() {
            Some(s) if s.title == f.section => s.findings.push(finding),
            _ => sections.push(SectionView {
                title: f.section.clone(),
                findings: vec![finding],
            }),
        }
    }
    Checked { summary, sections }
}
