//! Importing a legacy report from the interface: `GET /nhap-bao-cao-cu?unit=&period=` offers
//! the upload (`POST /nhap-bao-cao-cu`, multipart); the batch page
//! `GET /nhap-bao-cao-cu/{id}` lists every proposal with its quote, indicator, element, value
//! and confidence, and `POST /nhap-bao-cao-cu/{id}` records each decision (confirm, correct,
//! drop) and, with the store button, writes the confirmed values. Nothing is stored before.

use super::request::target;
use super::{Chrome, Session, format, multipart, render, see_other};
use crate::AppState;
use crate::api::imports::{MAX_UPLOAD_BYTES, import_report, store_for, too_large, writable_batch};
use crate::auth::authorize;
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use binhdang_domain::access::Action;
use binhdang_domain::catalogue::TargetOp;
use binhdang_domain::vn;
use binhdang_domain::{Disaggregation, Period};
use binhdang_store::{Decision, DecisionInput, ImportBatch, StoreError, UnitSummary};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

pub const PATH: &str = "/nhap-bao-cao-cu";

#[derive(Template)]
#[template(path = "import_upload.html")]
struct UploadPage {
    c: Chrome,
    unit_code: String,
    unit_name: String,
    period_id: String,
    period_label: String,
    max_mib: usize,
    /// Administrators choose the unit by name; others import for their own.
    choose_unit: bool,
    unit_choices: Vec<super::request::UnitChoice>,
    periods: Vec<super::reporting::PeriodChoice>,
}

pub struct Row {
    pub id: i64,
    pub line: i64,
    pub quote: String,
    pub figure: String,
    pub indicator: String,
    pub element: String,
    /// The element's name, said under its code.
    pub element_name: String,
    pub disaggregation: String,
    /// The value as Vietnamese write it (1.260; 63,6).
    pub value: String,
    pub proposed: String,
    pub high: bool,
    pub confidence: String,
    pub reason: String,
    pub flag: String,
    pub decision: &'static str,
    pub problem: String,
}

#[derive(Template)]
#[template(path = "import_batch.html")]
struct BatchPage {
    c: Chrome,
    id: i64,
    file_name: String,
    sha256: String,
    unit_code: String,
    unit_name: String,
    period_id: String,
    period_label: String,
    open: bool,
    rows: Vec<Row>,
    /// The rows of the report's annex tables proposed for the registers.
    annex: Vec<super::import_annex::AnnexRowView>,
    /// The targets a plan states, proposed as the unit's own.
    targets: Vec<super::import_annex::TargetView>,
    /// A target's signs: the stored form and the sign people read.
    ops: Vec<(&'static str, &'static str)>,
    /// Every data element by code and name, for the element boxes' list.
    elements: Vec<(String, String)>,
    breakdowns: Vec<(&'static str, &'static str)>,
    decisions: Vec<(&'static str, &'static str)>,
}

async fn upload_page(
    state: &AppState,
    session: &Session,
    unit: &UnitSummary,
    period: &Period,
    notice: Option<String>,
) -> Result<UploadPage, ApiError> {
    let mut c = session.chrome(session.t("Nhập báo cáo cũ", "Import a past report"), "/nhap-lieu");
    if let Some(text) = notice {
        c = c.with_notice("error", text);
    }
    let choose_unit = session.caller.user.role == binhdang_domain::access::Role::Admin;
    let programmes = state.store.programmes().await?;
    Ok(UploadPage {
        c,
        unit_code: unit.code.to_string(),
        unit_name: unit.full_name.clone(),
        period_id: period.to_string(),
        period_label: format::period(period, session.lang),
        max_mib: MAX_UPLOAD_BYTES / (1024 * 1024),
        choose_unit,
        unit_choices: if choose_unit {
            super::request::unit_choices(state, session, period.end()).await?
        } else {
            Vec::new()
        },
        periods: super::reporting::period_choices(&programmes, unit, period, state.store.today(), session.lang),
    })
}

/// `GET /nhap-bao-cao-cu?unit=&period=`
pub async fn upload_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let (unit, period) = target(&state, &session, &q).await?;
    authorize(&state, &session.caller, &unit, Action::Write).await?;
    Ok(render(
        StatusCode::OK,
        &upload_page(&state, &session, &unit, &period, None).await?,
    ))
}

/// `POST /nhap-bao-cao-cu` (multipart: csrf, unit, period, file): keeps the proposals as a
/// pending batch and opens it; an unreadable file shows the form again saying why.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(address): Query<HashMap<String, String>>,
    body: axum::body::Body,
) -> ApiResult<Response> {
    // The unit is named inside the form, so the scope is checked after reading it; but a
    // role that can write nowhere is refused before a byte of the file is read.
    if let Some(r) = session.csrf_refusal_in_address(&address) {
        return Ok(r);
    }
    let token_in_address = address.contains_key("csrf");
    if matches!(
        session.caller.user.role,
        binhdang_domain::access::Role::Viewer | binhdang_domain::access::Role::Leader
    ) {
        return Err(ApiError::Forbidden {
            code: "read_only_role",
            message_en: "your role reads figures; it does not import reports".into(),
            message_vi: "Vai trò của bạn chỉ xem số liệu, không nhập báo cáo".into(),
        });
    }
    let parts = multipart::document_form(&headers, body).await;
    let text = |name: &str| multipart::text(&parts, name);
    if !token_in_address && let Some(r) = session.csrf_refusal(text("csrf").as_deref()) {
        return Ok(r);
    }
    let q: HashMap<String, String> = ["unit", "period"]
        .iter()
        .filter_map(|k| text(k).map(|v| (k.to_string(), v)))
        .collect();
    let (unit, period) = target(&state, &session, &q).await?;
    authorize(&state, &session.caller, &unit, Action::Write).await?;
    let file = multipart::file(&parts, "file");
    let outcome = match file {
        None if multipart::too_large(&headers) => Err(too_large(MAX_UPLOAD_BYTES + 1)),
        None => Err(ApiError::invalid(
            "file",
            "missing",
            "choose the report file to import".into(),
            "Hãy chọn tệp báo cáo cần nhập".into(),
        )),
        Some(f) => {
            import_report(
                &state.store,
                &unit,
                &period,
                &f.file_name,
                &f.data,
                &session.caller.actor(),
            )
            .await
        }
    };
    match outcome {
        Ok(batch) => Ok(see_other(&format!("{PATH}/{}", batch.id))),
        Err(ApiError::Invalid(problems)) => {
            let text = super::messages_in(problems, session.lang);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &upload_page(&state, &session, &unit, &period, Some(text)).await?,
            ))
        }
        Err(e) => Err(e),
    }
}

/// What is wrong with each proposal and each proposed row, by id.
#[derive(Default)]
struct Problems {
    proposals: HashMap<i64, String>,
    rows: HashMap<i64, String>,
    targets: HashMap<i64, String>,
}

fn build(
    session: &Session,
    elements: &[binhdang_domain::DataElement],
    batch: &ImportBatch,
    problems: &Problems,
    notice: Option<(&'static str, String)>,
) -> BatchPage {
    let lang = session.lang;
    let en = lang == Lang::En;
    let breakdown_label = |d: &str| match d.parse::<Disaggregation>() {
        Ok(d) if !en => d.name_vi().to_string(),
        _ => d.to_string(),
    };
    let vn_value = |s: &str| {
        Decimal::from_str(s)
            .map(|d| vn::format_number(d, None))
            .unwrap_or_else(|_| s.to_string())
    };
    let element_label = |e: &binhdang_domain::DataElement| {
        let name = if en { &e.name_en } else { &e.name_vi };
        format!("{} — {name}", e.code)
    };
    let rows = batch
        .proposals
        .iter()
        .map(|p| {
            let (element, disaggregation, value) = p.effective();
            let element_name = elements
                .iter()
                .find(|e| e.code == element)
                .map(|e| if en { e.name_en.clone() } else { e.name_vi.clone() })
                .unwrap_or_default();
            Row {
                id: p.id,
                line: p.proposed.line,
                quote: p.proposed.quote.clone(),
                figure: p.proposed.figure.clone(),
                indicator: p.proposed.indicator.clone(),
                element: element.to_string(),
                element_name,
                disaggregation: disaggregation.to_string(),
                value: vn_value(value),
                proposed: format!(
                    "{} ({}) = {}",
                    p.proposed.element,
                    breakdown_label(&p.proposed.disaggregation),
                    vn_value(&p.proposed.value)
                ),
                high: p.proposed.confidence == "high",
                confidence: match (p.proposed.confidence.as_str(), en) {
                    ("high", false) => "cao".into(),
                    ("low", false) => "thấp".into(),
                    (c, _) => c.to_string(),
                },
                reason: if en {
                    p.proposed.reason_en.clone()
                } else {
                    p.proposed.reason_vi.clone()
                },
                flag: if en {
                    p.proposed.flag_en.clone()
                } else {
                    p.proposed.flag_vi.clone()
                }
                .unwrap_or_default(),
                decision: p.decision.as_str(),
                problem: problems.proposals.get(&p.id).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let period_label = batch
        .period
        .parse::<Period>()
        .map(|p| format::period(&p, lang))
        .unwrap_or_else(|_| batch.period.clone());
    let mut c = session.chrome(session.t("Nhập báo cáo cũ", "Import a past report"), "/nhap-lieu");
    if let Some((kind, text)) = notice {
        c = c.with_notice(kind, text);
    }
    let t = |vi: &'static str, en_text: &'static str| if en { en_text } else { vi };
    BatchPage {
        c,
        id: batch.id,
        file_name: batch.file_name.clone(),
        sha256: batch.sha256.clone(),
        unit_code: batch.unit.code.to_string(),
        unit_name: batch.unit.full_name.clone(),
        period_id: batch.period.clone(),
        period_label,
        open: batch.is_open(),
        rows,
        annex: super::import_annex::views(&batch.rows, &problems.rows, lang),
        targets: super::import_annex::target_views(&batch.targets, &problems.targets),
        ops: [
            TargetOp::AtLeast,
            TargetOp::Above,
            TargetOp::AtMost,
            TargetOp::Below,
            TargetOp::Equal,
            TargetOp::About,
        ]
        .iter()
        .map(|o| (o.as_str(), o.symbol()))
        .collect(),
        elements: elements
            .iter()
            .map(|e| (e.code.to_string(), element_label(e)))
            .collect(),
        breakdowns: Disaggregation::ALL
            .iter()
            .map(|d| (d.as_str(), if en { d.as_str() } else { d.name_vi() }))
            .collect(),
        decisions: [
            (Decision::Pending, t("Chưa quyết định", "Undecided")),
            (Decision::Confirmed, t("Xác nhận", "Confirm")),
            (Decision::Corrected, t("Sửa", "Correct")),
            (Decision::Dropped, t("Bỏ", "Drop")),
        ]
        .iter()
        .map(|(d, label)| (d.as_str(), *label))
        .collect(),
    }
}

/// `GET /nhap-bao-cao-cu/{id}`
pub async fn batch_page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let batch = writable_batch(&state, &session.caller, &id).await?;
    let notice = match q.get("msg").map(String::as_str) {
        Some("stored") => Some((
            "ok",
            session
                .t(
                    "Đã lưu các số liệu đã xác nhận vào cơ sở dữ liệu, kèm trích dẫn làm nguồn.",
                    "The confirmed values are stored, each with its quote as the source.",
                )
                .to_string(),
        )),
        Some("saved") => Some((
            "ok",
            session
                .t(
                    "Đã lưu các quyết định; chưa ghi số liệu nào.",
                    "The decisions are saved; no value is stored yet.",
                )
                .to_string(),
        )),
        _ => None,
    };
    Ok(render(
        StatusCode::OK,
        &build(
            &session,
            &state.store.data_elements().await?,
            &batch,
            &Problems::default(),
            notice,
        ),
    ))
}

/// `POST /nhap-bao-cao-cu/{id}`: fields `d-ID` (pending, confirmed, corrected, dropped) and,
/// for a correction, `e-ID`, `g-ID`, `v-ID` (a Vietnamese number); `action=store` then writes
/// the confirmed values. A refusal shows the page again with each problem by its row.
pub async fn decide(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> ApiResult<Response> {
    if let Some(r) = session.csrf_refusal(super::field(&form, "csrf")) {
        return Ok(r);
    }
    let batch = writable_batch(&state, &session.caller, &id).await?;
    let get = |k: String| super::field(&form, &k).map(str::trim).filter(|s| !s.is_empty());
    let mut problems: HashMap<i64, String> = HashMap::new();
    let mut decisions = Vec::new();
    for p in &batch.proposals {
        let Some(decision) = get(format!("d-{}", p.id)).and_then(Decision::parse) else {
            continue;
        };
        let mut input = DecisionInput {
            proposal: p.id,
            decision,
            element: None,
            disaggregation: None,
            value: None,
        };
        if decision == Decision::Corrected {
            input.element = get(format!("e-{}", p.id)).map(str::to_string);
            input.disaggregation = get(format!("g-{}", p.id)).map(str::to_string);
            match get(format!("v-{}", p.id)).map(vn::parse_number) {
                Some(Ok(d)) => input.value = Some(d.to_string()),
                Some(Err(e)) => {
                    let text = if session.lang == Lang::En {
                        e.to_string()
                    } else {
                        e.message_vi()
                    };
                    problems.insert(p.id, text);
                }
                None => {}
            }
        }
        decisions.push(input);
    }
    let (row_decisions, row_problems) =
        super::import_annex::decisions(&batch.rows, |k| get(k).map(str::to_string), session.lang);
    let (target_decisions, target_problems) =
        super::import_annex::target_decisions(&batch.targets, |k| get(k).map(str::to_string), session.lang);
    if !problems.is_empty() || !row_problems.is_empty() || !target_problems.is_empty() {
        let text = session
            .t(
                "Có giá trị không đọc được; chưa lưu gì.",
                "Some values cannot be read; nothing was saved.",
            )
            .to_string();
        let problems = Problems {
            proposals: problems,
            rows: row_problems,
            targets: target_problems,
        };
        return Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &build(
                &session,
                &state.store.data_elements().await?,
                &batch,
                &problems,
                Some(("error", text)),
            ),
        ));
    }
    let actor = session.caller.actor();
    let elements = state.store.data_elements().await?;
    let refused = |e: StoreError, batch: &ImportBatch| -> Result<Response, ApiError> {
        let StoreError::Invalid(list) = e else {
            return Err(e.into());
        };
        let mut by_row = Problems::default();
        let mut general = Vec::new();
        let id_in = |field: &str, prefix: &str| {
            field
                .strip_prefix(prefix)
                .and_then(|r| r.split_once(']'))
                .and_then(|(id, _)| id.parse::<i64>().ok())
        };
        for p in list {
            let text = super::message_in(&p, session.lang);
            if let Some(id) = id_in(&p.field, "proposals[") {
                by_row.proposals.insert(id, text);
            } else if let Some(id) = id_in(&p.field, "rows[") {
                by_row.rows.insert(id, text);
            } else if let Some(id) = id_in(&p.field, "targets[") {
                by_row.targets.insert(id, text);
            } else {
                general.push(p);
            }
        }
        let mut text = session.t("Chưa ghi số liệu nào.", "No value was stored.").to_string();
        if !general.is_empty() {
            text = format!("{} {text}", super::messages_in(general, session.lang));
        } else {
            text = format!(
                "{} {text}",
                session.t(
                    "Có số liệu bị từ chối (xem từng dòng).",
                    "Some values were refused (see each row)."
                )
            );
        }
        Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &build(&session, &elements, batch, &by_row, Some(("error", text))),
        ))
    };
    if let Err(e) = state.store.decide_import(&batch, &decisions, &actor).await {
        return refused(e, &batch);
    }
    if !row_decisions.is_empty() {
        let batch = state.store.import_batch(batch.id).await?;
        if let Err(e) = state.store.decide_import_rows(&batch, &row_decisions, &actor).await {
            return refused(e, &batch);
        }
    }
    if !target_decisions.is_empty() {
        let batch = state.store.import_batch(batch.id).await?;
        if let Err(e) = state
            .store
            .decide_import_targets(&batch, &target_decisions, &actor)
            .await
        {
            return refused(e, &batch);
        }
    }
    let batch = state.store.import_batch(batch.id).await?;
    if super::field(&form, "action") != Some("store") {
        return Ok(see_other(&format!("{PATH}/{}?msg=saved", batch.id)));
    }
    match store_for(&state, &session.caller, &batch).await? {
        Ok(_) => Ok(see_other(&format!("{PATH}/{}?msg=stored", batch.id))),
        Err(e) => refused(e, &batch),
    }
}
