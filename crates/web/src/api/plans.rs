//! Plans and directives and the tasks they assign: `GET/POST /plans`, `GET/PUT /plans/{id}`,
//! `POST /plans/{id}/status` (issuing files it in the documents register), the plan's document
//! (`GET/POST /plans/{id}/file`), `POST /plans/{id}/tasks`, `GET/PUT /tasks/{id}`,
//! `POST /tasks/{id}/progress` (by the lead body, with evidence), `GET /tasks` (the tasks the
//! caller's body leads, each with its status today). Who may do what is `engine::plans`.

use crate::AppState;
use crate::api::imports::MAX_UPLOAD_BYTES;
use crate::api::{JsonBody, Query, given, parse_iso_date, required};
use crate::auth::{Authenticated, Caller, authorize};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use binhdang_domain::Period;
use binhdang_domain::access::Action;
use binhdang_domain::calendar::Programme;
use binhdang_domain::plan::{Body, PlanKind, PlanStatus, Progress, Recurrence};
use binhdang_engine::plans as follow;
use binhdang_store::plans::{Evidence, NewFile, Plan, PlanInput, ProgressInput, TaskInput};
use serde::Deserialize;
use serde_json::{Value, json};
use time::Date;

#[derive(Deserialize)]
pub struct UnitQuery {
    unit: Option<String>,
    year: Option<String>,
}

#[derive(Deserialize)]
pub struct PlanBody {
    unit: Option<String>,
    kind: Option<String>,
    number: Option<String>,
    issued_on: Option<String>,
    issuing_body: Option<String>,
    summary: Option<String>,
    period: Option<String>,
    #[serde(default)]
    tasks: Vec<TaskBody>,
}

#[derive(Deserialize)]
pub struct TaskBody {
    #[serde(default)]
    item: String,
    #[serde(default)]
    text: String,
    lead: Option<Body>,
    #[serde(default)]
    partners: Vec<Body>,
    due: Option<String>,
    recurrence: Option<String>,
    expected_output: Option<String>,
    #[serde(default)]
    indicators: Vec<String>,
    source: Option<String>,
}

#[derive(Deserialize)]
pub struct StatusBody {
    status: Option<String>,
}

#[derive(Deserialize)]
pub struct FileBody {
    name: String,
    content_base64: String,
}

#[derive(Deserialize)]
pub struct EvidenceBody {
    register: Option<String>,
    row: Option<i64>,
    link: Option<String>,
}

#[derive(Deserialize)]
pub struct ProgressBody {
    progress: Option<String>,
    reported_on: Option<String>,
    note: Option<String>,
    evidence: Option<EvidenceBody>,
    file: Option<FileBody>,
}

fn problem(field: &str, code: &str, en: String, vi: String) -> ApiError {
    ApiError::invalid(field, code, en, vi)
}

fn optional_date(field: &str, value: &Option<String>) -> Result<Option<Date>, ApiError> {
    given(value).map(|s| parse_iso_date(field, s)).transpose()
}

pub(crate) fn plan_input(body: &PlanBody) -> Result<PlanInput, ApiError> {
    let kind_text = required("kind", given(&body.kind), "ke-hoach")?;
    let kind = PlanKind::parse(kind_text).ok_or_else(|| {
        problem(
            "kind",
            "bad_kind",
            format!("`{kind_text}` is not a kind of plan: ke-hoach, chi-thi, cong-van, quyet-dinh or huong-dan"),
            format!("`{kind_text}` không phải loại văn bản: ke-hoach, chi-thi, cong-van, quyet-dinh hoặc huong-dan"),
        )
    })?;
    let period_text = required("period", given(&body.period), "2026")?;
    let period: Period = period_text
        .parse()
        .map_err(|e: binhdang_domain::PeriodError| problem("period", "bad_period", e.to_string(), e.message_vi()))?;
    Ok(PlanInput {
        kind,
        number: given(&body.number).map(str::to_string),
        issued_on: optional_date("issued_on", &body.issued_on)?,
        issuing_body: body.issuing_body.clone().unwrap_or_default(),
        summary: body.summary.clone().unwrap_or_default(),
        period,
    })
}

pub(crate) fn task_input(body: &TaskBody, field: &str) -> Result<TaskInput, ApiError> {
    let recurrence = match body.recurrence.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Recurrence::Once,
        Some(code) => Recurrence::parse(code).ok_or_else(|| {
            problem(
                &format!("{field}recurrence"),
                "bad_recurrence",
                format!("`{code}` is not a recurrence: once, monthly, quarterly, half_yearly, yearly or action_month"),
                format!(
                    "`{code}` không phải tần suất: once, monthly, quarterly, half_yearly, yearly hoặc action_month"
                ),
            )
        })?,
    };
    Ok(TaskInput {
        item: body.item.clone(),
        text: body.text.clone(),
        lead: body.lead.clone().unwrap_or(Body {
            unit: None,
            agency: None,
            name: String::new(),
        }),
        partners: body.partners.clone(),
        due: optional_date(&format!("{field}due"), &body.due)?,
        recurrence,
        expected_output: body.expected_output.clone(),
        indicators: body.indicators.clone(),
        source: body.source.clone(),
    })
}

/// A plan with its tasks as they stand today, the progress by lead body and the reporting
/// programmes it created.
pub(crate) async fn plan_json(state: &AppState, plan: &Plan) -> Result<Value, ApiError> {
    let tasks = state.store.tasks_of(plan.id).await?;
    let tasks = follow::follow_all(plan, tasks, state.store.today());
    let (by_body, all) = follow::progress_by_body(&tasks);
    Ok(json!({
        "plan": plan,
        "title_vi": plan.title_vi(),
        "tasks": tasks,
        "progress": { "by_body": by_body, "all": all, "on_time_rate": all.on_time_rate() },
        "programmes": programmes_of(state, plan.id).await?,
    }))
}

/// The reporting programmes a plan created.
pub(crate) async fn programmes_of(state: &AppState, plan: i64) -> Result<Vec<Programme>, ApiError> {
    Ok(state
        .store
        .programmes()
        .await?
        .into_iter()
        .filter(|p| p.plan == Some(plan))
        .collect())
}

/// Records the reporting duty a plan or directive creates as a programme of the calendar,
/// linked to it: it binds the plan's unit and the units below it (those named, if any, must
/// lie there), and may not take the code of a programme that is not the plan's.
pub(crate) async fn add_programme(
    state: &AppState,
    caller: &Caller,
    plan: &Plan,
    mut programme: Programme,
) -> Result<(), ApiError> {
    let unit = follow::may_write_plan(&state.store, &caller.user, &caller.origin, plan).await?;
    programme.plan = Some(plan.id);
    let mut problems = programme.problems();
    if programme.code.trim().is_empty() {
        problems.push(binhdang_store::FieldProblem::new(
            "code",
            "missing",
            "a programme code is required".into(),
            "Thiếu mã chế độ báo cáo".into(),
        ));
    }
    if let Ok(existing) = state.store.programme(programme.code.trim()).await
        && existing.plan != Some(plan.id)
    {
        problems.push(binhdang_store::FieldProblem::new(
            "code",
            "code_taken",
            format!("the programme code `{}` belongs to another programme", programme.code),
            format!("Mã `{}` đã là của chế độ báo cáo khác", programme.code),
        ));
    }
    if programme.binds.units.is_empty() {
        programme.binds.units = vec![unit.code.to_string()];
    } else {
        let below = state.store.units_below_valid_on(&unit, state.store.today()).await?;
        for code in &programme.binds.units {
            if *code != unit.code && !below.iter().any(|u| u.code == *code) {
                problems.push(binhdang_store::FieldProblem::new(
                    "binds.units",
                    "outside_plan_unit",
                    format!("{code} is not {} or a unit below it", unit.full_name),
                    format!("{code} không phải {} hoặc đơn vị trực thuộc", unit.full_name),
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    state.store.put_programme(&programme, &caller.actor()).await?;
    Ok(())
}

/// `POST /api/v1/plans/{id}/programmes` with a programme as `PUT /programmes/{code}` takes
/// it, `code` included: the reporting duty the plan creates.
pub async fn post_programme(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    let plan = state.store.plan(id).await?;
    let programme: Programme = serde_json::from_value(body).map_err(|e| {
        ApiError::invalid(
            "programme",
            "bad_programme",
            format!("the programme does not read: {e}"),
            format!("Chế độ báo cáo không hợp lệ: {e}"),
        )
    })?;
    add_programme(&state, &caller, &plan, programme).await?;
    Ok(Json(plan_json(&state, &plan).await?))
}

/// `GET /api/v1/plans?unit=CODE[&year=YYYY]`: the unit's plans (those whose years include
/// `year`), newest first, each with its progress.
pub async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(q): Query<UnitQuery>,
) -> ApiResult<Json<Value>> {
    let code = required("unit", given(&q.unit), "12")?;
    let unit = state.store.unit_on(code, state.store.today()).await?;
    authorize(&state, &caller, &unit, Action::Read).await?;
    let mut plans = Vec::new();
    let year = match given(&q.year) {
        Some(text) => Some(text.parse::<i32>().map_err(|_| {
            problem(
                "year",
                "bad_year",
                format!("`{text}` is not a year"),
                format!("`{text}` không phải năm"),
            )
        })?),
        None => None,
    };
    for plan in state.store.plans_of(unit.id).await? {
        if year.is_some_and(|y| !plan.covers_year(y)) {
            continue;
        }
        let tasks = follow::follow_all(&plan, state.store.tasks_of(plan.id).await?, state.store.today());
        let (_, all) = follow::progress_by_body(&tasks);
        plans.push(
            json!({ "plan": plan, "title_vi": plan.title_vi(), "progress": all, "on_time_rate": all.on_time_rate() }),
        );
    }
    Ok(Json(json!({ "unit": unit, "plans": plans })))
}

/// `POST /api/v1/plans` with the plan and, optionally, its tasks (all or nothing; 201).
pub async fn create(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<PlanBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let code = required("unit", given(&body.unit), "12")?;
    let unit = state.store.unit_on(code, state.store.today()).await?;
    follow::may_write_plans(&state.store, &caller.user, &caller.origin, &unit).await?;
    let input = plan_input(&body)?;
    let tasks = body
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| task_input(t, &format!("tasks[{i}].")))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = state
        .store
        .create_plan(&unit, &input, None, &tasks, &caller.actor())
        .await?;
    Ok((StatusCode::CREATED, Json(plan_json(&state, &plan).await?)))
}

async fn readable_plan(state: &AppState, caller: &Caller, id: i64) -> Result<Plan, ApiError> {
    let plan = state.store.plan(id).await?;
    follow::may_read_plan(&state.store, &caller.user, &caller.origin, &plan).await?;
    Ok(plan)
}

async fn writable_plan(state: &AppState, caller: &Caller, id: i64) -> Result<Plan, ApiError> {
    let plan = state.store.plan(id).await?;
    follow::may_write_plan(&state.store, &caller.user, &caller.origin, &plan).await?;
    Ok(plan)
}

/// What reading a plan's document proposes, with each task's lead matched to one of the
/// unit's agencies when its name is that agency's.
pub(crate) struct ReadPlan {
    pub proposal: binhdang_ingest::plan::PlanProposal,
    pub tasks: Vec<TaskInput>,
}

/// The agency whose name the plan writes (`Sở Y tế` → `so-y-te-12`), compared without
/// diacritics, case or spacing; none when no agency or several have that name.
fn agency_named<'a>(agencies: &'a [binhdang_domain::Agency], name: &str) -> Option<&'a binhdang_domain::Agency> {
    let key = |s: &str| {
        binhdang_domain::vn::search_key(s)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let wanted = key(name);
    let mut found = agencies.iter().filter(|a| key(&a.name_vi) == wanted);
    match (found.next(), found.next()) {
        (Some(a), None) => Some(a),
        _ => None,
    }
}

/// Reads a plan's document in the background and proposes its tasks as inputs a person
/// confirms: the plan's lead where a task names none, the stated deadline or the end of the
/// plan, each with its quote as source.
pub(crate) async fn read_plan_document(
    state: &AppState,
    unit: &binhdang_store::UnitSummary,
    file_name: &str,
    bytes: &[u8],
) -> Result<ReadPlan, ApiError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(crate::api::imports::too_large(bytes.len()));
    }
    let data = bytes.to_vec();
    let proposal =
        crate::api::imports::read_in_the_background(file_name, move || binhdang_ingest::plan::plan_bytes("", &data))
            .await?;
    let agencies = state.store.agencies_of(unit).await?;
    let tasks = proposal
        .tasks
        .iter()
        .map(|t| {
            let name = t.lead.clone().unwrap_or_default();
            let body = |name: &str| Body {
                unit: None,
                agency: agency_named(&agencies, name).map(|a| a.code.clone()),
                name: name.to_string(),
            };
            TaskInput {
                item: t.item.clone(),
                text: t.text.clone(),
                lead: body(&name),
                partners: t.partners.iter().map(|p| body(p)).collect(),
                due: t.due,
                recurrence: t.recurrence,
                expected_output: None,
                indicators: Vec::new(),
                source: Some(format!("{file_name} — {}", t.quote)),
            }
        })
        .collect();
    Ok(ReadPlan { proposal, tasks })
}

/// The plan a document describes, as a draft's fields: its title as the summary, the years
/// it covers (else the current one), the issuing body it names (else the unit's committee).
pub(crate) fn plan_input_read(
    proposal: &binhdang_ingest::plan::PlanProposal,
    unit: &binhdang_store::UnitSummary,
    today: Date,
) -> PlanInput {
    let period = match (proposal.year, proposal.until) {
        (Some(from), Some(to)) if to > from => Period::Phase { from, to },
        (Some(year), _) => Period::Year(year),
        _ => Period::Year(today.year()),
    };
    PlanInput {
        kind: proposal.kind.unwrap_or(PlanKind::Plan),
        number: proposal.number.clone(),
        issued_on: proposal.date,
        issuing_body: proposal
            .issuing_body
            .clone()
            .unwrap_or_else(|| format!("UBND {}", unit.full_name)),
        summary: if proposal.title.trim().is_empty() {
            "(chưa có trích yếu)".into()
        } else {
            proposal.title.clone()
        },
        period,
    }
}

#[derive(Deserialize)]
pub struct ReadQuery {
    unit: Option<String>,
    file: Option<String>,
}

/// `POST /api/v1/plans/read?unit=CODE&file=NAME` with the document's bytes: the plan and
/// tasks it proposes, leads matched to the unit's agencies; nothing is stored.
pub async fn read(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(q): Query<ReadQuery>,
    body: axum::body::Body,
) -> ApiResult<Json<Value>> {
    let code = required("unit", given(&q.unit), "12")?;
    let unit = state.store.unit_on(code, state.store.today()).await?;
    authorize(&state, &caller, &unit, Action::Read).await?;
    let file_name = given(&q.file).unwrap_or("ke-hoach.docx").to_string();
    let bytes = crate::api::templates::read_body_within(body, MAX_UPLOAD_BYTES).await?;
    let read = read_plan_document(&state, &unit, &file_name, &bytes).await?;
    let plan = plan_input_read(&read.proposal, &unit, state.store.today());
    let tasks: Vec<Value> = read
        .proposal
        .tasks
        .iter()
        .zip(&read.tasks)
        .map(|(p, t)| {
            json!({ "item": t.item, "heading": p.heading, "text": t.text, "lead": t.lead, "lead_source": p.lead_source,
                "partners": t.partners, "due": t.due, "due_source": p.due_source, "recurrence": t.recurrence,
                "quote": p.quote, "line": p.line, "source": t.source })
        })
        .collect();
    Ok(Json(json!({
        "file": file_name,
        "plan": { "unit": unit.code, "kind": plan.kind, "number": plan.number, "issued_on": plan.issued_on,
            "issuing_body": plan.issuing_body, "summary": plan.summary, "period": plan.period.to_string() },
        "lead": read.proposal.lead, "partners": read.proposal.partners,
        "tasks": tasks,
    })))
}

/// `GET /api/v1/plans/{id}`
pub async fn get(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let plan = readable_plan(&state, &caller, id).await?;
    Ok(Json(plan_json(&state, &plan).await?))
}

/// `PUT /api/v1/plans/{id}` with what the plan states (its tasks are changed one by one).
pub async fn update(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<PlanBody>,
) -> ApiResult<Json<Value>> {
    writable_plan(&state, &caller, id).await?;
    let plan = state
        .store
        .update_plan(id, &plan_input(&body)?, &caller.actor())
        .await?;
    Ok(Json(plan_json(&state, &plan).await?))
}

/// `POST /api/v1/plans/{id}/status` with `{"status": "issued" | "superseded"}`
pub async fn set_status(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<StatusBody>,
) -> ApiResult<Json<Value>> {
    writable_plan(&state, &caller, id).await?;
    let text = required("status", given(&body.status), "issued")?;
    let status = PlanStatus::parse(text).ok_or_else(|| {
        problem(
            "status",
            "bad_status",
            format!("`{text}` is not a plan status: draft, issued or superseded"),
            format!("`{text}` không phải trạng thái: draft, issued hoặc superseded"),
        )
    })?;
    let plan = state.store.set_plan_status(id, status, &caller.actor()).await?;
    Ok(Json(plan_json(&state, &plan).await?))
}

#[derive(Deserialize)]
pub struct FileQuery {
    name: Option<String>,
}

/// The media type a file's name says.
pub(crate) fn media_type(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".pdf") {
        "application/pdf"
    } else if lower.ends_with(".docx") {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    } else if lower.ends_with(".txt") {
        "text/plain; charset=utf-8"
    } else if lower.ends_with(".jpg") || lower.ends_with(".jpeg") {
        "image/jpeg"
    } else if lower.ends_with(".png") {
        "image/png"
    } else {
        "application/octet-stream"
    }
}

/// `POST /api/v1/plans/{id}/file?name=NAME` with the document's bytes: keeps it with its
/// checksum (a new one replaces the old, which stays in the audit).
pub async fn put_file(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
    body: axum::body::Body,
) -> ApiResult<Json<Value>> {
    writable_plan(&state, &caller, id).await?;
    let name = required("name", given(&q.name), "ke-hoach.docx")?.to_string();
    let bytes = crate::api::templates::read_body_within(body, MAX_UPLOAD_BYTES).await?;
    let file = NewFile {
        name: &name,
        media_type: media_type(&name),
        bytes: &bytes,
    };
    let plan = state.store.attach_plan_file(id, file, &caller.actor()).await?;
    Ok(Json(plan_json(&state, &plan).await?))
}

/// A kept file as a download.
pub(crate) async fn file_response(state: &AppState, file_id: i64) -> Result<Response, ApiError> {
    let (info, bytes) = state.store.stored_file(file_id).await?;
    let disposition = format!("attachment; filename=\"{}\"", info.name.replace(['"', '\\'], "_"));
    Ok((
        [
            (header::CONTENT_TYPE, info.media_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/v1/plans/{id}/file`: the plan's document as it was kept.
pub async fn get_file(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let plan = readable_plan(&state, &caller, id).await?;
    let file = plan.file.ok_or(ApiError::NotFound {
        code: "no_file",
        message_en: format!("plan {id} has no document kept"),
        message_vi: format!("Kế hoạch {id} chưa có tệp văn bản"),
    })?;
    file_response(&state, file.id).await
}

/// `POST /api/v1/plans/{id}/tasks` (201)
pub async fn add_task(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<TaskBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    writable_plan(&state, &caller, id).await?;
    let task = state
        .store
        .add_task(id, &task_input(&body, "")?, &caller.actor())
        .await?;
    Ok((StatusCode::CREATED, Json(task_json(&state, task.id).await?)))
}

/// A task with its status today, its plan and its progress reports.
pub(crate) async fn task_json(state: &AppState, id: i64) -> Result<Value, ApiError> {
    let task = state.store.task(id).await?;
    let plan = state.store.plan(task.plan_id).await?;
    let followed = task.followed(&plan, state.store.today());
    let updates = state.store.task_updates(id).await?;
    Ok(json!({
        "task": follow::FollowedTask { task, followed },
        "plan": plan,
        "plan_title_vi": plan.title_vi(),
        "updates": updates,
    }))
}

/// `GET /api/v1/tasks/{id}`
pub async fn get_task(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let task = state.store.task(id).await?;
    readable_plan(&state, &caller, task.plan_id).await?;
    Ok(Json(task_json(&state, id).await?))
}

/// `GET /api/v1/tasks/{id}/evidence/{update}`: the file a progress report kept as evidence.
pub async fn get_evidence(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((id, update)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    let task = state.store.task(id).await?;
    readable_plan(&state, &caller, task.plan_id).await?;
    let file = state
        .store
        .task_updates(id)
        .await?
        .into_iter()
        .find(|u| u.id == update)
        .and_then(|u| u.evidence_file)
        .ok_or(ApiError::NotFound {
            code: "no_file",
            message_en: format!("task {id} has no evidence file in report {update}"),
            message_vi: format!("Nhiệm vụ {id} không có tệp minh chứng trong lần báo cáo {update}"),
        })?;
    file_response(&state, file.id).await
}

/// `PUT /api/v1/tasks/{id}` with what the task asks.
pub async fn update_task(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<TaskBody>,
) -> ApiResult<Json<Value>> {
    let task = state.store.task(id).await?;
    writable_plan(&state, &caller, task.plan_id).await?;
    state
        .store
        .update_task(id, &task_input(&body, "")?, &caller.actor())
        .await?;
    Ok(Json(task_json(&state, id).await?))
}

pub(crate) fn progress_of(text: Option<&str>) -> Result<Progress, ApiError> {
    let text = required("progress", text, "done")?;
    Progress::parse(text).ok_or_else(|| {
        problem(
            "progress",
            "bad_progress",
            format!("`{text}` is not a progress: not_started, in_progress, done or cancelled"),
            format!("`{text}` không phải tiến độ: not_started, in_progress, done hoặc cancelled"),
        )
    })
}

/// `POST /api/v1/tasks/{id}/progress` with `{"progress", "reported_on"?, "note"?, "evidence"?:
/// {"register", "row"} | {"link"}, "file"?: {"name", "content_base64"}}`
pub async fn report_progress(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<ProgressBody>,
) -> ApiResult<Json<Value>> {
    let progress = progress_of(given(&body.progress))?;
    let reported_on = optional_date("reported_on", &body.reported_on)?.unwrap_or_else(|| state.store.today());
    let bytes = match &body.file {
        Some(f) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(f.content_base64.trim())
                .map_err(|_| {
                    problem(
                        "file",
                        "bad_base64",
                        "the file's content is not base64".into(),
                        "Nội dung tệp không ở dạng base64".into(),
                    )
                })?,
        ),
        None => None,
    };
    let evidence = Evidence {
        file: body.file.as_ref().zip(bytes.as_deref()).map(|(f, bytes)| NewFile {
            name: &f.name,
            media_type: media_type(&f.name),
            bytes,
        }),
        register_row: body.evidence.as_ref().and_then(|e| e.register.clone().zip(e.row)),
        link: body.evidence.as_ref().and_then(|e| e.link.clone()),
    };
    let input = ProgressInput {
        progress,
        reported_on,
        note: body.note.clone(),
        evidence,
    };
    follow::report_progress(&state.store, &caller.user, &caller.origin, id, input, &caller.actor()).await?;
    Ok(Json(task_json(&state, id).await?))
}

/// `GET /api/v1/tasks`: the tasks of issued plans the caller's body leads, each with its status
/// today, the overdue and those due within a week first.
pub async fn mine(State(state): State<AppState>, Authenticated(caller): Authenticated) -> ApiResult<Json<Value>> {
    let tasks: Vec<Value> = follow::led_tasks(&state.store, &caller.user)
        .await?
        .into_iter()
        .map(|(plan, task)| led_task_json(&plan, task))
        .collect();
    Ok(Json(json!({ "user": caller.user.username, "tasks": tasks })))
}

/// A task the caller's body leads, with its plan, as `/tasks` and `/inbox` list it.
pub(crate) fn led_task_json(plan: &Plan, task: follow::FollowedTask) -> Value {
    json!({ "task": task, "plan": plan, "plan_title_vi": plan.title_vi() })
}

pub(crate) fn extend_openapi(doc: &mut Value) {
    let body = json!({ "type": "object", "required": ["name"], "properties": {
        "unit": { "type": "string", "description": "GSO code" }, "agency": { "type": "string", "description": "agency code" },
        "name": { "type": "string", "description": "as the plan writes it" } } });
    let task = json!({ "type": "object", "required": ["text", "lead"], "properties": {
        "item": { "type": "string", "example": "II.1.2" }, "text": { "type": "string" }, "lead": body, "partners": { "type": "array", "items": body },
        "due": { "type": "string", "format": "date" },
        "recurrence": { "enum": ["once", "monthly", "quarterly", "half_yearly", "yearly", "action_month"] },
        "expected_output": { "type": "string" }, "indicators": { "type": "array", "items": { "type": "string" } },
        "source": { "type": "string", "description": "file — quote, when proposed from the plan's document" } } });
    let plan = json!({ "type": "object", "required": ["unit", "kind", "issuing_body", "summary", "period"], "properties": {
        "unit": { "type": "string" }, "kind": { "enum": ["ke-hoach", "chi-thi", "cong-van", "quyet-dinh", "huong-dan"] },
        "number": { "type": "string", "example": "85/KH-UBND" }, "issued_on": { "type": "string", "format": "date" },
        "issuing_body": { "type": "string" }, "summary": { "type": "string" },
        "period": { "type": "string", "description": "the year or phase it covers", "example": "2024" },
        "tasks": { "type": "array", "items": task.clone() } } });
    let followed = json!({ "type": "object", "description": "the plan, its tasks each with `status` (overdue, not_started, \
        in_progress, done_late, done, cancelled), `due` (the occurrence due now) and `due_soon`, and the progress by lead body" });
    let json_body =
        |schema: Value| json!({ "required": true, "content": { "application/json": { "schema": schema } } });
    let binary = json!({ "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } });
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }]);
    let ok = |what: &str| {
        json!({ "200": { "description": what, "content": { "application/json": { "schema": followed.clone() } } },
        "403": { "description": "Not the caller's to read or change" }, "404": { "description": "No such plan or task" },
        "422": { "description": "A field is wrong; each problem is named; nothing was stored" } })
    };
    let paths = doc["paths"].as_object_mut().expect("paths");
    paths.insert("/api/v1/plans".into(), json!({
        "get": { "summary": "A unit's plans and directives, newest first, each with its tasks' progress",
            "parameters": [{ "name": "unit", "in": "query", "required": true, "schema": { "type": "string" }, "example": "12" },
                { "name": "year", "in": "query", "required": false, "schema": { "type": "integer" }, "example": 2026,
                  "description": "only the plans whose years include it" }],
            "responses": ok("The plans") },
        "post": { "summary": "Record a plan or directive (a draft) with its tasks, all or nothing; whoever enters the unit's data \
            (not an agency's officer)", "requestBody": json_body(plan.clone()), "responses": ok("The plan (201)") } }));
    paths.insert("/api/v1/plans/read".into(), json!({ "post": {
        "summary": "Read a plan's document (TXT, DOCX, PDF) and propose the plan and its tasks — lead body, partners, deadline, \
            recurrence — for a person to confirm, correct or drop; stores nothing",
        "parameters": [{ "name": "unit", "in": "query", "required": true, "schema": { "type": "string" }, "example": "12" }, { "name": "file", "in": "query", "required": false, "schema": { "type": "string" }, "example": "ke-hoach-2024.docx" }],
        "requestBody": binary.clone(), "responses": { "200": { "description": "The proposal" }, "422": { "description": "A file that cannot be read" } } } }));
    paths.insert("/api/v1/plans/{id}".into(), json!({
        "get": { "summary": "A plan with its tasks as they stand today and the progress by lead body", "parameters": id, "responses": ok("The plan") },
        "put": { "summary": "Change what a plan states", "parameters": id, "requestBody": json_body(plan), "responses": ok("The plan") } }));
    paths.insert("/api/v1/plans/{id}/status".into(), json!({ "post": {
        "summary": "Issue a plan (it then assigns its tasks and is filed in the documents register) or mark it superseded",
        "parameters": id, "requestBody": json_body(json!({ "type": "object", "properties": { "status": { "enum": ["issued", "superseded"] } } })),
        "responses": ok("The plan") } }));
    paths.insert(
        "/api/v1/plans/{id}/file".into(),
        json!({
        "get": { "summary": "The plan's document as it was kept", "parameters": id,
            "responses": { "200": { "description": "The file" }, "404": { "description": "No document kept" } } },
        "post": { "summary": "Keep the plan's document (with its sha256)", "parameters": [id[0].clone(),
            { "name": "name", "in": "query", "required": true, "schema": { "type": "string" } }],
            "requestBody": binary, "responses": ok("The plan") } }),
    );
    paths.insert("/api/v1/plans/{id}/programmes".into(), json!({ "post": {
        "summary": "Record the reporting duty a plan or directive creates as a reporting programme (what, how often, the \
            deadline per level, whom it binds: the plan's unit and below) linked to it; its deadlines then show in the \
            calendars and inboxes of the units it binds and its completeness is followed like any other",
        "parameters": id, "requestBody": json_body(json!({ "type": "object", "required": ["code", "name_vi", "period_type", "deadlines"] })),
        "responses": ok("The plan with its programmes") } }));
    paths.insert("/api/v1/plans/{id}/tasks".into(), json!({ "post": {
        "summary": "Add a task to a plan", "parameters": id, "requestBody": json_body(task.clone()), "responses": ok("The task (201)") } }));
    paths.insert("/api/v1/tasks".into(), json!({ "get": {
        "summary": "The tasks of issued plans that the caller's body (agency, else unit or the unit it was merged into) leads, \
            overdue and due within a week first", "responses": ok("The tasks") } }));
    paths.insert("/api/v1/tasks/{id}".into(), json!({
        "get": { "summary": "A task with its status today, its plan and its progress reports", "parameters": id, "responses": ok("The task") },
        "put": { "summary": "Change what a task asks", "parameters": id, "requestBody": json_body(task), "responses": ok("The task") } }));
    paths.insert("/api/v1/tasks/{id}/evidence/{update}".into(), json!({ "get": {
        "summary": "The file a progress report kept as evidence",
        "parameters": [id[0].clone(), { "name": "update", "in": "path", "required": true, "schema": { "type": "integer" } }],
        "responses": { "200": { "description": "The file" }, "404": { "description": "No such file" } } } }));
    paths.insert("/api/v1/tasks/{id}/progress".into(), json!({ "post": {
        "summary": "Report progress on a task (its lead body, or on its behalf whoever enters the plan's unit's data), with \
            evidence; audited, and kept as the task's history",
        "parameters": id, "requestBody": json_body(json!({ "type": "object", "required": ["progress"], "properties": {
            "progress": { "enum": ["not_started", "in_progress", "done", "cancelled"] },
            "reported_on": { "type": "string", "format": "date", "description": "the day it was done (default today)" },
            "note": { "type": "string", "description": "required when cancelled: the reason" },
            "evidence": { "type": "object", "properties": { "register": { "type": "string", "example": "activities" },
                "row": { "type": "integer" }, "link": { "type": "string" } } },
            "file": { "type": "object", "properties": { "name": { "type": "string" }, "content_base64": { "type": "string" } } } } })),
        "responses": ok("The task") } }));
}
