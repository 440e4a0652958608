//! Plans, directives and their tasks (`/ke-hoach`): the unit's plans with their progress and
//! the tasks the visitor's body leads; a plan's page (issue it, add tasks, progress by lead
//! body, what is overdue); a task's page, where the lead body reports progress with evidence
//! from a phone. The rules are `engine::plans`'s, as for `/api/v1/plans`.

use super::{Chrome, Session, field, messages_in, multipart, render, see_other};
use crate::AppState;
use crate::api::plans::media_type;
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use binhdang_domain::calendar::{Binding, DayOfYear, Programme};
use binhdang_domain::plan::{Body, PlanKind, PlanStatus, Progress, Recurrence, TaskStatus};
use binhdang_domain::register::{Activity, RegisterKind};
use binhdang_domain::vn;
use binhdang_domain::{Period, PeriodType, UnitLevel};
use binhdang_engine::plans::{self as follow, BodyProgress, FollowedTask};
use binhdang_store::plans::{Evidence, NewFile, Plan, PlanInput, ProgressInput, TaskInput, TaskUpdate};
use binhdang_store::{FieldProblem, UnitSummary};
use std::collections::HashMap;

pub const PATH: &str = "/ke-hoach";

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct PlanRow {
    pub href: String,
    pub title: String,
    pub summary: String,
    pub period: String,
    pub status: String,
    pub status_class: &'static str,
    pub tasks: usize,
    pub done: usize,
    pub overdue: usize,
    pub on_time: String,
}

pub struct TaskRow {
    pub href: String,
    pub item: String,
    pub text: String,
    pub lead: String,
    pub plan: String,
    pub due: String,
    pub recurrence: String,
    pub status: String,
    pub status_class: &'static str,
}

pub struct BodyRow {
    pub body: String,
    pub tasks: usize,
    pub done_on_time: usize,
    pub done_late: usize,
    pub overdue: usize,
    pub open: usize,
    pub on_time: String,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    c: Chrome,
    unit: String,
    unit_code: String,
    year: i32,
    tasks: Vec<TaskRow>,
    plans: Vec<PlanRow>,
    bodies: Vec<BodyRow>,
    writable: bool,
    kinds: Vec<Choice>,
    default_period: String,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    c: Chrome,
    id: i64,
    title: String,
    summary: String,
    issuing_body: String,
    period: String,
    status: String,
    status_class: &'static str,
    draft: bool,
    issued: bool,
    file: Option<String>,
    bodies: Vec<BodyRow>,
    overdue: Vec<TaskRow>,
    tasks: Vec<TaskRow>,
    writable: bool,
    leads: Vec<Choice>,
    recurrences: Vec<Choice>,
    programmes: Vec<ProgrammeRow>,
    period_types: Vec<Choice>,
    levels: Vec<Choice>,
}

/// A reporting duty the plan created, as the plan's page lists it.
pub struct ProgrammeRow {
    pub name: String,
    pub frequency: String,
    pub deadlines: String,
}

const DUTY_PERIOD_TYPES: [PeriodType; 3] = [PeriodType::Year, PeriodType::HalfYear, PeriodType::ActionMonth];
const DUTY_LEVELS: [UnitLevel; 3] = [UnitLevel::Commune, UnitLevel::District, UnitLevel::Province];

pub struct UpdateRow {
    pub when: String,
    pub by: String,
    pub progress: String,
    pub note: String,
    pub evidence: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    c: Chrome,
    id: i64,
    item: String,
    text: String,
    plan: String,
    plan_href: String,
    lead: String,
    partners: String,
    due: String,
    recurrence: String,
    status: String,
    status_class: &'static str,
    expected_output: String,
    updates: Vec<UpdateRow>,
    may_report: bool,
    /// The reporter's activities within the plan's years, offered as evidence.
    activities: Vec<Choice>,
    progresses: Vec<Choice>,
    today: String,
}

fn status_label(s: TaskStatus, lang: Lang) -> &'static str {
    if lang == Lang::En { s.label_en() } else { s.label_vi() }
}

pub fn status_class(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Overdue => "st-returned",
        TaskStatus::Done => "st-approved",
        TaskStatus::DoneLate => "st-submitted",
        TaskStatus::InProgress => "st-submitted",
        TaskStatus::NotStarted | TaskStatus::Cancelled => "st-draft",
    }
}

fn plan_status_class(s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Draft => "st-draft",
        PlanStatus::Issued => "st-approved",
        PlanStatus::Superseded => "st-submitted",
    }
}

fn rate(p: &BodyProgress) -> String {
    p.on_time_rate()
        .map(|r| vn::format_percent(r, 1))
        .unwrap_or_else(|| "–".into())
}

fn body_rows(bodies: &[BodyProgress]) -> Vec<BodyRow> {
    bodies
        .iter()
        .map(|b| BodyRow {
            body: b.body.clone(),
            tasks: b.tasks,
            done_on_time: b.done_on_time,
            done_late: b.done_late,
            overdue: b.overdue,
            open: b.open,
            on_time: rate(b),
        })
        .collect()
}

pub(super) fn task_row(plan: &Plan, t: &FollowedTask, lang: Lang) -> TaskRow {
    TaskRow {
        href: format!("/nhiem-vu/{}", t.task.id),
        item: t.task.asked.item.clone(),
        text: t.task.asked.text.clone(),
        lead: t.task.asked.lead.name.clone(),
        plan: plan.title_vi(),
        due: t.followed.due.map(vn::format_date).unwrap_or_else(|| "–".into()),
        recurrence: if lang == Lang::En {
            t.task.asked.recurrence.label_en()
        } else {
            t.task.asked.recurrence.label_vi()
        }
        .to_string(),
        status: status_label(t.followed.status, lang).to_string(),
        status_class: status_class(t.followed.status),
    }
}

fn level_label(level: UnitLevel, lang: Lang) -> &'static str {
    if lang == Lang::En {
        level.as_str()
    } else {
        level.name_vi()
    }
}

fn kind_label(k: PlanKind, lang: Lang) -> &'static str {
    if lang == Lang::En { k.label_en() } else { k.label_vi() }
}

async fn unit_of_page(state: &AppState, session: &Session, q: &HashMap<String, String>) -> ApiResult<UnitSummary> {
    match q.get("unit").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(code) => Ok(state.store.unit_on(code, state.store.today()).await?),
        None => Ok(session.caller.user.unit.clone()),
    }
}

/// The tasks the visitor's body leads, overdue and soonest first.
async fn my_tasks(state: &AppState, session: &Session) -> ApiResult<Vec<TaskRow>> {
    let led = follow::led_tasks(&state.store, &session.caller.user).await?;
    Ok(led.iter().map(|(p, t)| task_row(p, t, session.lang)).collect())
}

/// The plans of `unit` whose years include `year`, with the progress by lead body over those
/// issued: a province's overview of the year.
async fn list_page(
    state: &AppState,
    session: &Session,
    unit: &UnitSummary,
    year: i32,
    notice: Option<String>,
) -> ApiResult<Response> {
    crate::auth::authorize(state, &session.caller, unit, binhdang_domain::access::Action::Read).await?;
    let lang = session.lang;
    let today = state.store.today();
    let mut plans = Vec::new();
    let mut all_tasks = Vec::new();
    for plan in state.store.plans_of(unit.id).await? {
        if !plan.covers_year(year) {
            continue;
        }
        let tasks = follow::follow_all(&plan, state.store.tasks_of(plan.id).await?, today);
        let (_, all) = follow::progress_by_body(&tasks);
        plans.push(PlanRow {
            href: format!("{PATH}/{}", plan.id),
            title: plan.title_vi(),
            summary: plan.summary.clone(),
            period: plan.period.label_vi(),
            status: if lang == Lang::En {
                plan.status.label_en()
            } else {
                plan.status.label_vi()
            }
            .to_string(),
            status_class: plan_status_class(plan.status),
            tasks: all.tasks,
            done: all.done_on_time + all.done_late,
            overdue: all.overdue,
            on_time: rate(&all),
        });
        if plan.status == PlanStatus::Issued {
            all_tasks.extend(tasks);
        }
    }
    let (bodies, _) = follow::progress_by_body(&all_tasks);
    let writable = follow::writes_plans(&state.store, &session.caller.user, unit).await?;
    let mut c = session.chrome(
        session.t("Kế hoạch, chỉ thị và nhiệm vụ", "Plans, directives and tasks"),
        PATH,
    );
    if let Some(text) = notice {
        c = c.with_notice("error", text);
    }
    let page = PlansPage {
        c,
        unit: unit.full_name.clone(),
        unit_code: unit.code.to_string(),
        year,
        tasks: my_tasks(state, session).await?,
        plans,
        bodies: body_rows(&bodies),
        writable,
        kinds: PlanKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.code().into(),
                label: kind_label(*k, lang).into(),
                selected: *k == PlanKind::Plan,
            })
            .collect(),
        default_period: today.year().to_string(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /ke-hoach[?unit=CODE][&year=YYYY]` (this year by default)
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let outcome = async {
        let unit = unit_of_page(&state, &session, &q).await?;
        let year = q
            .get("year")
            .and_then(|y| y.trim().parse().ok())
            .filter(|y| (2000..=2100).contains(y))
            .unwrap_or_else(|| state.store.today().year());
        list_page(&state, &session, &unit, year, None).await
    }
    .await;
    outcome.unwrap_or_else(|e| session.api_error(e))
}

fn form_date(
    form: &[(String, String)],
    name: &str,
    label_en: &str,
    label_vi: &str,
) -> Result<Option<time::Date>, FieldProblem> {
    match field(form, name).map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => vn::parse_date(text).map(Some).map_err(|_| {
            FieldProblem::new(
                name,
                "bad_date",
                format!("{label_en}: `{text}` is not a date (day/month/year, e.g. 30/06/2026)"),
                format!("{label_vi}: `{text}` không phải ngày (ngày/tháng/năm, ví dụ 30/06/2026)"),
            )
        }),
    }
}

fn plan_from_form(form: &[(String, String)]) -> Result<PlanInput, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let kind = field(form, "kind").and_then(PlanKind::parse).unwrap_or(PlanKind::Plan);
    let period_text = field(form, "period").unwrap_or("").trim();
    let period = period_text.parse::<Period>().map_err(|e| {
        FieldProblem::new(
            "period",
            "bad_period",
            format!("the period: {e}"),
            format!("Thời gian áp dụng: {}", e.message_vi()),
        )
    });
    let issued_on = form_date(form, "issued_on", "the date issued", "Ngày ban hành");
    let (period, issued_on) = match (period, issued_on) {
        (Ok(p), Ok(d)) => (p, d),
        (p, d) => {
            problems.extend(p.err());
            problems.extend(d.err());
            return Err(problems);
        }
    };
    Ok(PlanInput {
        kind,
        number: field(form, "number")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        issued_on,
        issuing_body: field(form, "issuing_body").unwrap_or("").to_string(),
        summary: field(form, "summary").unwrap_or("").to_string(),
        period,
    })
}

/// `POST /ke-hoach?unit=CODE`: a new plan (a draft), then its page.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return r;
    }
    let outcome = async {
        let unit = unit_of_page(&state, &session, &q).await?;
        follow::may_write_plans(&state.store, &session.caller.user, &session.caller.origin, &unit).await?;
        let input = match plan_from_form(&form) {
            Ok(input) => input,
            Err(problems) => {
                return list_page(
                    &state,
                    &session,
                    &unit,
                    state.store.today().year(),
                    Some(messages_in(problems, session.lang)),
                )
                .await;
            }
        };
        match state
            .store
            .create_plan(&unit, &input, None, &[], &session.caller.actor())
            .await
        {
            Ok(plan) => Ok(see_other(&format!("{PATH}/{}", plan.id))),
            Err(binhdang_store::StoreError::Invalid(problems)) => {
                list_page(
                    &state,
                    &session,
                    &unit,
                    state.store.today().year(),
                    Some(messages_in(problems, session.lang)),
                )
                .await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    outcome.unwrap_or_else(|e| session.api_error(e))
}

async fn plan_page(
    state: &AppState,
    session: &Session,
    id: i64,
    notice: Option<(&'static str, String)>,
) -> ApiResult<Response> {
    let plan = state.store.plan(id).await?;
    follow::may_read_plan(&state.store, &session.caller.user, &session.caller.origin, &plan).await?;
    let lang = session.lang;
    let unit = state.store.unit_of_plan(&plan).await?;
    let writable = follow::writes_plans(&state.store, &session.caller.user, &unit).await?;
    let tasks = follow::follow_all(&plan, state.store.tasks_of(id).await?, state.store.today());
    let (bodies, _) = follow::progress_by_body(&tasks);
    let rows: Vec<TaskRow> = tasks.iter().map(|t| task_row(&plan, t, lang)).collect();
    let overdue = tasks
        .iter()
        .filter(|t| t.followed.status == TaskStatus::Overdue)
        .map(|t| task_row(&plan, t, lang))
        .collect();
    let mut leads: Vec<Choice> = state
        .store
        .agencies_of(&unit)
        .await?
        .into_iter()
        .map(|a| Choice {
            value: format!("agency:{}", a.code),
            label: a.name_vi,
            selected: false,
        })
        .collect();
    leads.insert(
        0,
        Choice {
            value: format!("unit:{}", unit.code),
            label: unit.full_name.clone(),
            selected: true,
        },
    );
    let mut c = session.chrome(plan.title_vi(), PATH);
    if let Some((kind, text)) = notice {
        c = c.with_notice(kind, text);
    }
    let programmes = crate::api::plans::programmes_of(state, id)
        .await?
        .into_iter()
        .map(|p| ProgrammeRow {
            frequency: if lang == Lang::En {
                p.period_type.name_en()
            } else {
                p.period_type.name_vi()
            }
            .to_string(),
            deadlines: p
                .deadlines
                .iter()
                .map(|(level, day)| format!("{}: {:02}/{:02}", level_label(*level, lang), day.day, day.month))
                .collect::<Vec<_>>()
                .join("; "),
            name: if lang == Lang::En && !p.name_en.is_empty() {
                p.name_en
            } else {
                p.name_vi
            },
        })
        .collect();
    let page = PlanPage {
        programmes,
        period_types: DUTY_PERIOD_TYPES
            .iter()
            .map(|t| Choice {
                value: t.as_str().into(),
                label: if lang == Lang::En { t.name_en() } else { t.name_vi() }.into(),
                selected: *t == PeriodType::Year,
            })
            .collect(),
        levels: DUTY_LEVELS
            .iter()
            .map(|l| Choice {
                value: l.as_str().into(),
                label: level_label(*l, lang).into(),
                selected: *l == UnitLevel::Commune,
            })
            .collect(),
        c,
        id,
        title: plan.title_vi(),
        summary: plan.summary.clone(),
        issuing_body: plan.issuing_body.clone(),
        period: plan.period.label_vi(),
        status: if lang == Lang::En {
            plan.status.label_en()
        } else {
            plan.status.label_vi()
        }
        .to_string(),
        status_class: plan_status_class(plan.status),
        draft: plan.status == PlanStatus::Draft,
        issued: plan.status == PlanStatus::Issued,
        file: plan.file.as_ref().map(|f| f.name.clone()),
        bodies: body_rows(&bodies),
        overdue,
        tasks: rows,
        writable,
        leads,
        recurrences: Recurrence::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().into(),
                label: if lang == Lang::En { r.label_en() } else { r.label_vi() }.into(),
                selected: *r == Recurrence::Once,
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /ke-hoach/{id}[?added=N]`
pub async fn plan(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let added = q.get("added").and_then(|n| n.parse::<usize>().ok()).map(|n| {
        let text = if session.lang == Lang::En {
            format!("{n} tasks were added from the document.")
        } else {
            format!("Đã thêm {n} nhiệm vụ từ văn bản.")
        };
        ("ok", text)
    });
    plan_page(&state, &session, id, added)
        .await
        .unwrap_or_else(|e| session.api_error(e))
}

/// A task as the plan page's form states it; the lead's name, when not typed, is the chosen
/// agency's or unit's.
fn task_from_form(
    form: &[(String, String)],
    unit: &UnitSummary,
    agencies: &[binhdang_domain::Agency],
) -> Result<TaskInput, Vec<FieldProblem>> {
    let lead_name = field(form, "lead_name").map(str::trim).filter(|s| !s.is_empty());
    let lead = match field(form, "lead").unwrap_or("").split_once(':') {
        Some(("agency", code)) => Body {
            unit: None,
            agency: Some(code.to_string()),
            name: lead_name
                .map(str::to_string)
                .or_else(|| agencies.iter().find(|a| a.code == code).map(|a| a.name_vi.clone()))
                .unwrap_or_default(),
        },
        _ => Body {
            unit: Some(unit.code.to_string()),
            agency: None,
            name: lead_name.map(str::to_string).unwrap_or_else(|| unit.full_name.clone()),
        },
    };
    let partners = field(form, "partners")
        .unwrap_or("")
        .split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| Body {
            unit: None,
            agency: None,
            name: name.to_string(),
        })
        .collect();
    let due = form_date(form, "due", "the deadline", "Thời hạn").map_err(|p| vec![p])?;
    Ok(TaskInput {
        item: field(form, "item").unwrap_or("").to_string(),
        text: field(form, "text").unwrap_or("").to_string(),
        lead,
        partners,
        due,
        recurrence: field(form, "recurrence")
            .and_then(Recurrence::parse)
            .unwrap_or(Recurrence::Once),
        expected_output: field(form, "expected_output").map(str::to_string),
        indicators: Vec::new(),
        source: None,
    })
}

/// The reporting duty the plan page's form states: what, how often, by when for which level;
/// its code is the plan's (`KH{id}-{n}`).
async fn duty_from_form(
    form: &[(String, String)],
    plan: &Plan,
    state: &AppState,
) -> Result<Programme, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let period_type = DUTY_PERIOD_TYPES
        .into_iter()
        .find(|t| Some(t.as_str()) == field(form, "period_type"))
        .unwrap_or(PeriodType::Year);
    let level = DUTY_LEVELS
        .into_iter()
        .find(|l| Some(l.as_str()) == field(form, "level"))
        .unwrap_or(UnitLevel::Commune);
    let text = field(form, "deadline").unwrap_or("").trim();
    let day: Vec<Option<u8>> = text.split('/').map(|n| n.trim().parse().ok()).collect();
    let deadline = match day.as_slice() {
        [Some(day), Some(month)] => Some(DayOfYear {
            month: *month,
            day: *day,
            year_offset: i32::from(field(form, "next_year").is_some()),
        }),
        _ => {
            problems.push(FieldProblem::new(
                "deadline",
                "bad_day",
                format!("`{text}` is not a day/month such as 05/12"),
                format!("`{text}` không phải ngày/tháng, ví dụ 05/12"),
            ));
            None
        }
    };
    let taken = crate::api::plans::programmes_of(state, plan.id)
        .await
        .map(|p| p.len())
        .unwrap_or(0);
    match deadline {
        Some(day) if problems.is_empty() => Ok(Programme {
            code: format!("KH{}-{}", plan.id, taken + 1),
            name_vi: field(form, "name_vi").unwrap_or("").trim().to_string(),
            name_en: String::new(),
            period_type,
            half: None,
            deadlines: vec![(level, day)],
            binds: Binding {
                levels: vec![level],
                units: Vec::new(),
                agencies: Vec::new(),
            },
            plan: Some(plan.id),
        }),
        _ => Err(problems),
    }
}

/// `POST /ke-hoach/{id}` (`do` = `add_task` | `issue` | `supersede` | `programme`)
pub async fn change(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return r;
    }
    let outcome = async {
        let plan = state.store.plan(id).await?;
        let unit = follow::may_write_plan(&state.store, &session.caller.user, &session.caller.origin, &plan).await?;
        let actor = session.caller.actor();
        let done = match field(&form, "do").unwrap_or("") {
            "issue" => state
                .store
                .set_plan_status(id, PlanStatus::Issued, &actor)
                .await
                .map(|_| {
                    session
                        .t(
                            "Đã ban hành; văn bản được ghi vào sổ văn bản chỉ đạo.",
                            "Issued; it is filed in the documents register.",
                        )
                        .to_string()
                }),
            "programme" => match duty_from_form(&form, &plan, &state).await {
                Ok(programme) => {
                    match crate::api::plans::add_programme(&state, &session.caller, &plan, programme).await {
                        Ok(()) => Ok(session
                            .t(
                                "Đã thêm chế độ báo cáo vào lịch của các đơn vị.",
                                "The reporting duty is in the units' calendars.",
                            )
                            .to_string()),
                        Err(ApiError::Invalid(problems)) => Err(binhdang_store::StoreError::Invalid(problems)),
                        Err(e) => return Err(e),
                    }
                }
                Err(problems) => Err(binhdang_store::StoreError::Invalid(problems)),
            },
            "supersede" => state
                .store
                .set_plan_status(id, PlanStatus::Superseded, &actor)
                .await
                .map(|_| {
                    session
                        .t("Đã đánh dấu được thay thế.", "Marked superseded.")
                        .to_string()
                }),
            _ => match task_from_form(&form, &unit, &state.store.agencies_of(&unit).await?) {
                Ok(input) => state
                    .store
                    .add_task(id, &input, &actor)
                    .await
                    .map(|_| session.t("Đã thêm nhiệm vụ.", "The task was added.").to_string()),
                Err(problems) => Err(binhdang_store::StoreError::Invalid(problems)),
            },
        };
        match done {
            Ok(text) => plan_page(&state, &session, id, Some(("ok", text))).await,
            Err(binhdang_store::StoreError::Invalid(problems)) => {
                plan_page(
                    &state,
                    &session,
                    id,
                    Some(("error", messages_in(problems, session.lang))),
                )
                .await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    outcome.unwrap_or_else(|e| session.api_error(e))
}

async fn task_page(
    state: &AppState,
    session: &Session,
    id: i64,
    notice: Option<(&'static str, String)>,
) -> ApiResult<Response> {
    let task = state.store.task(id).await?;
    let plan = state.store.plan(task.plan_id).await?;
    follow::may_read_plan(&state.store, &session.caller.user, &session.caller.origin, &plan).await?;
    let lang = session.lang;
    let followed = task.followed(&plan, state.store.today());
    let user = &session.caller.user;
    let may_report = plan.status == PlanStatus::Issued
        && (follow::leads(&state.store, user, &task).await?
            || follow::writes_plans(&state.store, user, &state.store.unit_of_plan(&plan).await?).await?);
    let mut updates = Vec::new();
    for u in state.store.task_updates(id).await? {
        updates.push(UpdateRow {
            evidence: evidence_of(state, &u, lang).await?,
            when: vn::format_date(u.reported_on),
            by: u.reported_by,
            progress: progress_label(u.progress, lang).to_string(),
            note: u.note.unwrap_or_default(),
        });
    }
    let activities = if may_report {
        activity_choices(state, &user.unit, &plan).await?
    } else {
        Vec::new()
    };
    let mut c = session.chrome(format!("{} {}", session.t("Nhiệm vụ", "Task"), task.asked.item), PATH);
    if let Some((kind, text)) = notice {
        c = c.with_notice(kind, text);
    }
    let page = TaskPage {
        c,
        id,
        item: task.asked.item.clone(),
        text: task.asked.text.clone(),
        plan: plan.title_vi(),
        plan_href: format!("{PATH}/{}", plan.id),
        lead: task.asked.lead.name.clone(),
        partners: task
            .asked
            .partners
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        due: followed.due.map(vn::format_date).unwrap_or_else(|| "–".into()),
        recurrence: if lang == Lang::En {
            task.asked.recurrence.label_en()
        } else {
            task.asked.recurrence.label_vi()
        }
        .into(),
        status: status_label(followed.status, lang).into(),
        status_class: status_class(followed.status),
        expected_output: task.asked.expected_output.clone().unwrap_or_default(),
        updates,
        may_report,
        activities,
        progresses: [
            Progress::InProgress,
            Progress::Done,
            Progress::NotStarted,
            Progress::Cancelled,
        ]
        .iter()
        .map(|p| Choice {
            value: p.code().into(),
            label: progress_label(*p, lang).into(),
            selected: *p == Progress::Done,
        })
        .collect(),
        today: vn::format_date(state.store.today()),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The reporter's unit's activities dated within the plan's years, newest first (at most 30):
/// a task's evidence is often the activity its officer has just recorded.
async fn activity_choices(state: &AppState, unit: &UnitSummary, plan: &Plan) -> ApiResult<Vec<Choice>> {
    let mut rows = state
        .store
        .register_rows_dated_over::<Activity>(unit, &plan.period.into())
        .await?;
    rows.sort_by_key(|r| std::cmp::Reverse((r.record.date, r.id)));
    Ok(rows
        .into_iter()
        .take(30)
        .map(|r| Choice {
            value: format!("{}:{}", RegisterKind::Activities.slug(), r.id),
            label: format!(
                "{} — {}",
                r.record.date.map(vn::format_date).unwrap_or_default(),
                r.record.content.clone().unwrap_or(r.record.activity_type.clone())
            ),
            selected: false,
        })
        .collect())
}

/// Where a progress report's evidence is shown: its file, the register row it names (on the
/// register's page), or its link.
async fn evidence_of(state: &AppState, u: &TaskUpdate, lang: Lang) -> ApiResult<Option<(String, String)>> {
    if let Some(f) = &u.evidence_file {
        return Ok(Some((
            format!("/api/v1/tasks/{}/evidence/{}", u.task_id, u.id),
            f.name.clone(),
        )));
    }
    if let (Some(register), Some(row)) = (&u.evidence_register, u.evidence_row_id)
        && let Some(kind) = RegisterKind::from_slug(register)
        && kind == RegisterKind::Activities
    {
        let r = state.store.register_row::<Activity>(row).await?;
        let href = format!(
            "{}?unit={}&period={}&kind={}#row-{row}",
            super::paths::REGISTERS,
            r.unit,
            r.period,
            kind.slug()
        );
        let name = if lang == Lang::En {
            "the activity recorded"
        } else {
            "hoạt động đã ghi sổ"
        };
        return Ok(Some((
            href,
            format!("{name}: {}", r.record.content.unwrap_or(r.record.activity_type)),
        )));
    }
    Ok(u.evidence_link.clone().map(|l| (l.clone(), l)))
}

fn progress_label(p: Progress, lang: Lang) -> &'static str {
    match (p, lang == Lang::En) {
        (Progress::NotStarted, false) => "Chưa thực hiện",
        (Progress::InProgress, false) => "Đang thực hiện",
        (Progress::Done, false) => "Đã hoàn thành",
        (Progress::Cancelled, false) => "Hủy (nêu lý do)",
        (Progress::NotStarted, true) => "Not started",
        (Progress::InProgress, true) => "In progress",
        (Progress::Done, true) => "Done",
        (Progress::Cancelled, true) => "Cancelled (say why)",
    }
}

/// `GET /nhiem-vu/{id}`
pub async fn task(State(state): State<AppState>, session: Session, Path(id): Path<i64>) -> Response {
    task_page(&state, &session, id, None)
        .await
        .unwrap_or_else(|e| session.api_error(e))
}

/// `POST /nhiem-vu/{id}` (multipart: csrf, progress, reported_on, note, link, file): a
/// progress report, then the task's page saying so.
pub async fn report(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Query(address): Query<HashMap<String, String>>,
    body: axum::body::Body,
) -> Response {
    let parts = match multipart::checked_document_form(&session, &headers, &address, body).await {
        Ok(parts) => parts,
        Err(refused) => return refused,
    };
    let outcome = async {
        let text = |name: &str| multipart::text(&parts, name).filter(|s| !s.trim().is_empty());
        let pairs: Vec<(String, String)> = text("reported_on")
            .map(|d| ("reported_on".to_string(), d))
            .into_iter()
            .collect();
        let reported_on = match form_date(&pairs, "reported_on", "the day", "Ngày thực hiện") {
            Ok(d) => d.unwrap_or_else(|| state.store.today()),
            Err(p) => {
                return task_page(
                    &state,
                    &session,
                    id,
                    Some(("error", messages_in(vec![p], session.lang))),
                )
                .await;
            }
        };
        let progress = text("progress")
            .as_deref()
            .and_then(Progress::parse)
            .unwrap_or(Progress::InProgress);
        let file = multipart::file(&parts, "file").filter(|f| !f.data.is_empty());
        let evidence = Evidence {
            file: file.map(|f| NewFile {
                name: &f.file_name,
                media_type: media_type(&f.file_name),
                bytes: &f.data,
            }),
            register_row: text("register_row").and_then(|v| {
                v.split_once(':')
                    .and_then(|(k, id)| Some((k.to_string(), id.parse().ok()?)))
            }),
            link: text("link"),
        };
        let input = ProgressInput {
            progress,
            reported_on,
            note: text("note"),
            evidence,
        };
        let user = &session.caller.user;
        match follow::report_progress(
            &state.store,
            user,
            &session.caller.origin,
            id,
            input,
            &session.caller.actor(),
        )
        .await
        {
            Ok(_) => {
                let done = session
                    .t("Đã ghi nhận tiến độ.", "The progress is recorded.")
                    .to_string();
                task_page(&state, &session, id, Some(("ok", done))).await
            }
            Err(binhdang_engine::access::AccessError::Store(binhdang_store::StoreError::Invalid(problems))) => {
                task_page(
                    &state,
                    &session,
                    id,
                    Some(("error", messages_in(problems, session.lang))),
                )
                .await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    outcome.unwrap_or_else(|e| session.api_error(e))
}
