//! Reading a plan from its document (`/ke-hoach/doc`): the file is kept with a new draft plan
//! whose fields the document gives, then `/ke-hoach/{id}/de-xuat` shows the tasks it
//! proposes — item, text, lead body (matched to the unit's agencies), deadline, how often —
//! for a person to confirm, correct or drop; the confirmed ones are added all or nothing,
//! each with its quote as its source. The proposals are read again from the kept file, so
//! nothing half-decided is stored.

use super::plans::{Choice, PATH};
use super::{Chrome, Session, field, messages_in, multipart, render, see_other};
use crate::AppState;
use crate::api::plans::{media_type, plan_input_read, read_plan_document};
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use binhdang_domain::plan::{Body, PlanStatus, Recurrence};
use binhdang_domain::vn;
use binhdang_engine::plans as follow;
use binhdang_store::plans::{NewFile, Plan, TaskInput};
use binhdang_store::{FieldProblem, StoreError, UnitSummary};
use std::collections::HashMap;

pub struct ProposedRow {
    pub index: usize,
    pub item: String,
    pub heading: String,
    pub text: String,
    pub leads: Vec<Choice>,
    pub lead_name: String,
    pub lead_from_plan: bool,
    pub partners: String,
    pub due: String,
    pub due_from_plan: bool,
    pub recurrences: Vec<Choice>,
    pub quote: String,
    pub keep: bool,
}

#[derive(Template)]
#[template(path = "plan_proposals.html")]
struct ProposalsPage {
    c: Chrome,
    id: i64,
    title: String,
    file: String,
    rows: Vec<ProposedRow>,
}

/// `POST /ke-hoach/doc?unit=CODE` (multipart: csrf, file): a draft plan with the document
/// kept, then the page of its proposed tasks.
pub async fn upload(
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
    let outcome = async {
        let unit = match address.get("unit").map(|s| s.trim()).filter(|s| !s.is_empty()) {
            Some(code) => state.store.unit_on(code, state.store.today()).await?,
            None => session.caller.user.unit.clone(),
        };
        follow::may_write_plans(&state.store, &session.caller.user, &session.caller.origin, &unit).await?;
        let Some(file) = multipart::file(&parts, "file").filter(|f| !f.data.is_empty()) else {
            return Err(ApiError::invalid(
                "file",
                "missing",
                "choose the plan's file (DOCX, PDF or TXT)".into(),
                "Hãy chọn tệp kế hoạch (DOCX, PDF hoặc TXT)".into(),
            ));
        };
        let read = read_plan_document(&state, &unit, &file.file_name, &file.data).await?;
        let input = plan_input_read(&read.proposal, &unit, state.store.today());
        let kept = NewFile {
            name: &file.file_name,
            media_type: media_type(&file.file_name),
            bytes: &file.data,
        };
        let plan = state
            .store
            .create_plan(&unit, &input, Some(kept), &[], &session.caller.actor())
            .await?;
        Ok(see_other(&format!("{PATH}/{}/de-xuat", plan.id)))
    }
    .await;
    outcome.unwrap_or_else(|e| session.api_error(e))
}

/// The draft plan whose kept document is read again, the visitor allowed to write it.
async fn draft_with_file(
    state: &AppState,
    session: &Session,
    id: i64,
) -> ApiResult<(Plan, UnitSummary, Vec<u8>, String)> {
    let plan = state.store.plan(id).await?;
    let unit = follow::may_write_plan(&state.store, &session.caller.user, &session.caller.origin, &plan).await?;
    let Some(file) = plan.file.clone().filter(|_| plan.status == PlanStatus::Draft) else {
        return Err(ApiError::invalid(
            "plan",
            "not_a_draft_with_file",
            "tasks are proposed from the document of a draft plan".into(),
            "Chỉ đề xuất nhiệm vụ từ tệp của kế hoạch đang là dự thảo".into(),
        ));
    };
    let (_, bytes) = state.store.stored_file(file.id).await?;
    Ok((plan, unit, bytes, file.name))
}

/// The lead's choices: the body as the document names it (outside binhdang), the plan's unit,
/// or one of its agencies (the one whose name the document writes, chosen).
fn lead_choices(agencies: &[binhdang_domain::Agency], lead: &Body, unit: &UnitSummary, named: &str) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: "named".into(),
        label: named.into(),
        selected: lead.agency.is_none(),
    }];
    out.push(Choice {
        value: format!("unit:{}", unit.code),
        label: unit.full_name.clone(),
        selected: false,
    });
    out.extend(agencies.iter().map(|a| Choice {
        value: format!("agency:{}", a.code),
        label: a.name_vi.clone(),
        selected: lead.agency.as_deref() == Some(a.code.as_str()),
    }));
    out
}

fn recurrence_choices(selected: Recurrence, lang: Lang) -> Vec<Choice> {
    Recurrence::ALL
        .iter()
        .map(|r| Choice {
            value: r.code().into(),
            label: if lang == Lang::En { r.label_en() } else { r.label_vi() }.into(),
            selected: *r == selected,
        })
        .collect()
}

async fn proposals_page(state: &AppState, session: &Session, id: i64, notice: Option<String>) -> ApiResult<Response> {
    let (plan, unit, bytes, file) = draft_with_file(state, session, id).await?;
    let read = read_plan_document(state, &unit, &file, &bytes).await?;
    let agencies = state.store.agencies_of(&unit).await?;
    let rows = read
        .proposal
        .tasks
        .iter()
        .zip(&read.tasks)
        .enumerate()
        .map(|(index, (p, t))| ProposedRow {
            index,
            item: t.item.clone(),
            heading: p.heading.clone(),
            text: t.text.clone(),
            leads: lead_choices(
                &agencies,
                &t.lead,
                &unit,
                session.t("— như ghi trong văn bản —", "— as the document names it —"),
            ),
            lead_name: t.lead.name.clone(),
            lead_from_plan: p.lead_source == binhdang_ingest::plan::Source::Plan,
            partners: t
                .partners
                .iter()
                .map(|b| b.name.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            due: t.due.map(vn::format_date).unwrap_or_default(),
            due_from_plan: p.due_source == binhdang_ingest::plan::Source::Plan,
            recurrences: recurrence_choices(t.recurrence, session.lang),
            quote: p.quote.clone(),
            keep: true,
        })
        .collect();
    let mut c = session.chrome(
        session.t("Nhiệm vụ đề xuất từ văn bản", "Tasks the document proposes"),
        PATH,
    );
    if let Some(text) = notice {
        c = c.with_notice("error", text);
    }
    let page = ProposalsPage {
        c,
        id,
        title: plan.title_vi(),
        file,
        rows,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /ke-hoach/{id}/de-xuat`
pub async fn proposals(State(state): State<AppState>, session: Session, Path(id): Path<i64>) -> Response {
    proposals_page(&state, &session, id, None)
        .await
        .unwrap_or_else(|e| session.api_error(e))
}

/// The confirmed (and corrected) tasks of the form; the dropped ones left out.
fn confirmed(form: &[(String, String)], proposed: &[TaskInput]) -> Result<Vec<TaskInput>, Vec<FieldProblem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, p) in proposed.iter().enumerate() {
        if field(form, &format!("keep_{i}")).is_none() {
            continue;
        }
        let get = |name: &str| field(form, &format!("{name}_{i}")).unwrap_or("").trim().to_string();
        let name = get("lead_name");
        let lead = match get("lead").split_once(':') {
            Some(("agency", code)) => Body {
                unit: None,
                agency: Some(code.to_string()),
                name,
            },
            Some(("unit", code)) => Body {
                unit: Some(code.to_string()),
                agency: None,
                name,
            },
            _ => Body {
                unit: None,
                agency: None,
                name,
            },
        };
        let due = match get("due") {
            text if text.is_empty() => None,
            text => match vn::parse_date(&text) {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.push(FieldProblem::new(
                        format!("tasks[{i}].due"),
                        "bad_date",
                        format!("task {}: `{text}` is not a date (day/month/year)", p.item),
                        format!("Nhiệm vụ {}: `{text}` không phải ngày (ngày/tháng/năm)", p.item),
                    ));
                    None
                }
            },
        };
        out.push(TaskInput {
            item: get("item"),
            text: get("text"),
            lead,
            due,
            recurrence: Recurrence::parse(&get("recurrence")).unwrap_or(p.recurrence),
            ..p.clone()
        });
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// `POST /ke-hoach/{id}/de-xuat`: adds the confirmed tasks, then the plan's page.
pub async fn confirm(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return r;
    }
    let outcome = async {
        let (_, unit, bytes, file) = draft_with_file(&state, &session, id).await?;
        let read = read_plan_document(&state, &unit, &file, &bytes).await?;
        let tasks = match confirmed(&form, &read.tasks) {
            Ok(tasks) => tasks,
            Err(problems) => {
                return proposals_page(&state, &session, id, Some(messages_in(problems, session.lang))).await;
            }
        };
        match state.store.add_tasks(id, &tasks, &session.caller.actor()).await {
            Ok(added) => Ok(see_other(&format!("{PATH}/{id}?added={}", added.len()))),
            Err(StoreError::Invalid(problems)) => {
                proposals_page(&state, &session, id, Some(messages_in(problems, session.lang))).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    outcome.unwrap_or_else(|e| session.api_error(e))
}
