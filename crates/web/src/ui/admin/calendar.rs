//! The reporting calendar (`/quan-tri/lich-bao-cao`): the programmes with their period
//! types and deadlines per level, editable by administrators; closing a period for entry
//! (administrators); unlocking a unit's closed period and excusing a unit from its
//! parent's approval, each with a reason, for whoever the API lets do it (a reviewer for
//! the units below, an administrator anywhere). Every action calls the API's own function
//! ([`crate::workflow`]), so the same checks apply and the store audits each change.

use super::units::read_date;
use super::{Form, Input, Refused, sent};
use crate::AppState;
use crate::api::workflow::{close, excuse_unit, save_programme, unlock_unit};
use crate::auth::require_admin;
use crate::error::ApiError;
use crate::lang::Lang;
use crate::ui::{Chrome, Session, field, format, see_other};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::access::Role;
use binhdang_domain::calendar::{Binding, DayOfYear, Programme};
use binhdang_domain::{Period, PeriodType, UnitLevel};
use binhdang_store::{FieldProblem, StoreError};
use std::collections::HashMap;

pub const PATH: &str = "/quan-tri/lich-bao-cao";
/// The levels that submit reports, in the order their deadlines are shown.
const LEVELS: [UnitLevel; 3] = [UnitLevel::Commune, UnitLevel::District, UnitLevel::Province];
const PERIOD_TYPES: [PeriodType; 4] = [
    PeriodType::Year,
    PeriodType::HalfYear,
    PeriodType::ActionMonth,
    PeriodType::Phase,
];

fn deadline_field(level: UnitLevel) -> &'static str {
    match level {
        UnitLevel::Commune => "deadline_commune",
        UnitLevel::District => "deadline_district",
        _ => "deadline_province",
    }
}

fn next_year_field(level: UnitLevel) -> &'static str {
    match level {
        UnitLevel::Commune => "next_year_commune",
        UnitLevel::District => "next_year_district",
        _ => "next_year_province",
    }
}

const PROGRAMME_FIELDS: [&str; 11] = [
    "code",
    "name_vi",
    "name_en",
    "period_type",
    "half",
    "deadline_commune",
    "deadline_district",
    "deadline_province",
    "next_year_commune",
    "next_year_district",
    "next_year_province",
];
const CLOSE_FIELDS: [&str; 3] = ["programme", "period", "closes_on"];
const UNLOCK_FIELDS: [&str; 4] = ["unit", "period", "until", "reason"];
const EXCUSE_FIELDS: [&str; 4] = ["unit", "period", "programme", "reason"];

pub struct ProgrammeView {
    pub code: String,
    pub name: String,
    pub period_type: String,
    pub deadlines: Vec<(String, String)>,
    /// The edit form (administrators), its key and boxes.
    pub form_key: String,
    pub inputs: Vec<Input>,
    pub general: Vec<String>,
    pub open: bool,
}

pub struct FormView {
    pub inputs: Vec<Input>,
    pub general: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    c: Chrome,
    admin: bool,
    programmes: Vec<ProgrammeView>,
    new_programme: Option<ProgrammeView>,
    closures: Vec<(String, String, String)>,
    close: Option<FormView>,
    unlock: FormView,
    excuse: FormView,
}

fn level_label(level: UnitLevel, lang: Lang) -> String {
    match (level, lang) {
        (UnitLevel::Commune, Lang::En) => "Commune".into(),
        (UnitLevel::District, Lang::En) => "District".into(),
        (UnitLevel::Province, Lang::En) => "Province".into(),
        (l, _) => {
            let mut name = l.name_vi().to_string();
            if let Some(first) = name.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            name
        }
    }
}

fn period_type_label(t: PeriodType, half: Option<u8>, lang: Lang) -> String {
    let name = if lang == Lang::En { t.name_en() } else { t.name_vi() };
    match (half, lang) {
        (Some(1), Lang::Vi) => format!("{name} (đầu năm)"),
        (Some(2), Lang::Vi) => format!("{name} (cuối năm)"),
        (Some(1), _) => format!("{name} (first half)"),
        (Some(2), _) => format!("{name} (second half)"),
        _ => name.to_string(),
    }
}

/// A deadline as typed: `05/06`.
fn day_text(day: &DayOfYear) -> String {
    format!("{:02}/{:02}", day.day, day.month)
}

fn day_shown(day: &DayOfYear, lang: Lang) -> String {
    match (day.year_offset, lang) {
        (0, _) => day_text(day),
        (_, Lang::Vi) => format!("{} năm sau", day_text(day)),
        _ => format!("{} the following year", day_text(day)),
    }
}

/// `GET /quan-tri/lich-bao-cao[?msg=…]`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let done = match q.get("msg").map(String::as_str) {
        Some("programme") => Some(session.t("Đã lưu chế độ báo cáo.", "The programme has been saved.")),
        Some("closed") => Some(session.t("Đã khóa kỳ nhập liệu.", "The period has been closed.")),
        Some("unlocked") => Some(session.t(
            "Đã mở khóa kỳ cho đơn vị.",
            "The period has been unlocked for the unit.",
        )),
        Some("excused") => Some(session.t("Đã miễn báo cáo cho đơn vị.", "The unit has been excused.")),
        _ => None,
    };
    super::shown(
        &session,
        StatusCode::OK,
        build(&state, &session, Refused::default(), done.map(str::to_string)).await,
    )
}

fn programme_view(programme: Option<&Programme>, refused: &Refused, session: &Session) -> ProgrammeView {
    let lang = session.lang;
    let key = match programme {
        Some(p) => format!("programme-{}", p.code),
        None => "programme-new".to_string(),
    };
    let form = Form::new(&key, refused);
    let mut inputs = Vec::new();
    if programme.is_none() {
        inputs.push(form.text("code", session.t("Mã chế độ báo cáo", "Programme code"), ""));
    }
    let name = |f: fn(&Programme) -> &String| programme.map(|p| f(p).clone()).unwrap_or_default();
    inputs.push(form.text(
        "name_vi",
        session.t("Tên (tiếng Việt)", "Name (Vietnamese)"),
        name(|p| &p.name_vi),
    ));
    inputs.push(
        form.text(
            "name_en",
            session.t("Tên (tiếng Anh)", "Name (English)"),
            name(|p| &p.name_en),
        )
        .optional(),
    );
    let types = PERIOD_TYPES
        .iter()
        .map(|t| (t.as_str().to_string(), period_type_label(*t, None, lang)))
        .collect();
    inputs.push(form.select(
        "period_type",
        session.t("Loại kỳ", "Period type"),
        types,
        programme.map(|p| p.period_type.as_str()).unwrap_or("year"),
    ));
    let halves = vec![
        (String::new(), session.t("Cả hai nửa năm", "Both halves").to_string()),
        ("1".to_string(), session.t("6 tháng đầu năm", "First half").to_string()),
        (
            "2".to_string(),
            session.t("6 tháng cuối năm", "Second half").to_string(),
        ),
    ];
    let half = programme
        .and_then(|p| p.half)
        .map(|h| h.to_string())
        .unwrap_or_default();
    inputs.push(
        form.select(
            "half",
            session.t("Nửa năm (kỳ 6 tháng)", "Half (half-year periods)"),
            halves,
            &half,
        )
        .optional(),
    );
    for level in LEVELS {
        let day = programme.and_then(|p| p.deadlines.iter().find(|(l, _)| *l == level).map(|(_, d)| *d));
        let label = format!("{} {}", session.t("Hạn nộp —", "Deadline —"), level_label(level, lang));
        inputs.push(
            form.text(
                deadline_field(level),
                &label,
                day.as_ref().map(day_text).unwrap_or_default(),
            )
            .optional()
            .with_hint(session.t(
                "Ngày/tháng, ví dụ 05/06; để trống nếu cấp này không nộp.",
                "Day/month, e.g. 05/06; empty when this level does not submit.",
            )),
        );
        inputs.push(form.checkbox(
            next_year_field(level),
            session.t("của năm sau", "of the following year"),
            day.is_some_and(|d| d.year_offset > 0),
        ));
    }
    let general = refused.general(&key);
    ProgrammeView {
        code: programme.map(|p| p.code.clone()).unwrap_or_default(),
        name: programme
            .map(|p| {
                if lang == Lang::En {
                    p.name_en.clone()
                } else {
                    p.name_vi.clone()
                }
            })
            .unwrap_or_default(),
        period_type: programme
            .map(|p| period_type_label(p.period_type, p.half, lang))
            .unwrap_or_default(),
        deadlines: programme
            .map(|p| {
                p.deadlines
                    .iter()
                    .map(|(l, d)| (level_label(*l, lang), day_shown(d, lang)))
                    .collect()
            })
            .unwrap_or_default(),
        open: refused.is(&key),
        form_key: key,
        inputs,
        general,
    }
}

/// The period box: every period some programme reports on since 2021, in words, newest
/// first, after an empty choice so that nothing is closed or unlocked by default.
fn period_select(form: &Form<'_>, session: &Session, programmes: &[Programme], today: time::Date) -> Input {
    let mut options = vec![(
        String::new(),
        session.t("— Chọn kỳ báo cáo —", "— Choose the period —").to_string(),
    )];
    options.extend(
        crate::ui::reporting::choices(programmes, &session.caller.user.unit, today)
            .iter()
            .map(|p| (p.to_string(), format::period(p, session.lang))),
    );
    form.select("period", session.t("Kỳ báo cáo", "Period"), options, "")
}

/// The unit (found by its name or code as it is typed) and the period, which the unlock and
/// excuse forms begin with.
async fn unit_and_period(
    form: &Form<'_>,
    state: &AppState,
    session: &Session,
    programmes: &[Programme],
    unit_label: &str,
) -> Result<Vec<Input>, ApiError> {
    Ok(vec![
        form.text("unit", unit_label, "")
            .naming_unit(state, session.lang)
            .await?,
        period_select(form, session, programmes, state.store.today()),
    ])
}

async fn build(
    state: &AppState,
    session: &Session,
    refused: Refused,
    done: Option<String>,
) -> Result<CalendarPage, ApiError> {
    super::admin_or_reviewer(session)?;
    let lang = session.lang;
    let admin = session.caller.user.role == Role::Admin;
    let programmes = state.store.programmes().await?;
    let choices: Vec<(String, String)> = programmes
        .iter()
        .map(|p| {
            let name = if lang == Lang::En { &p.name_en } else { &p.name_vi };
            (p.code.clone(), format!("{} — {name}", p.code))
        })
        .collect();
    let close_form = Form::new("close", &refused);
    let close = admin.then(|| FormView {
        inputs: vec![
            close_form.select(
                "programme",
                session.t("Chế độ báo cáo", "Programme"),
                choices.clone(),
                "",
            ),
            period_select(&close_form, session, &programmes, state.store.today()),
            close_form
                .text(
                    "closes_on",
                    session.t("Khóa từ ngày", "Closed from"),
                    format::date(state.store.today()),
                )
                .with_hint(session.t("Ngày/tháng/năm, ví dụ 15/07/2025.", "Day/month/year, e.g. 15/07/2025.")),
        ],
        general: refused.general("close"),
    });
    let unlock_form = Form::new("unlock", &refused);
    let mut inputs = unit_and_period(
        &unlock_form,
        state,
        session,
        &programmes,
        session.t("Đơn vị (tên hoặc mã)", "Unit (name or code)"),
    )
    .await?;
    inputs.extend([
        unlock_form
            .text("until", session.t("Cho nhập đến hết ngày", "Open for entry until"), "")
            .with_hint(session.t("Ngày/tháng/năm, ví dụ 31/07/2025.", "Day/month/year, e.g. 31/07/2025.")),
        unlock_form.textarea("reason", session.t("Lý do", "Reason"), ""),
    ]);
    let unlock = FormView {
        inputs,
        general: refused.general("unlock"),
    };
    let excuse_form = Form::new("excuse", &refused);
    let mut excuse_programmes = vec![(
        String::new(),
        session.t("Theo kỳ báo cáo", "The one for the period").to_string(),
    )];
    excuse_programmes.extend(choices);
    let unit_label = session.t("Đơn vị được miễn (tên hoặc mã)", "Unit excused (name or code)");
    let mut inputs = unit_and_period(&excuse_form, state, session, &programmes, unit_label).await?;
    inputs.extend([
        excuse_form
            .select(
                "programme",
                session.t("Chế độ báo cáo", "Programme"),
                excuse_programmes,
                "",
            )
            .optional(),
        excuse_form.textarea("reason", session.t("Lý do", "Reason"), ""),
    ]);
    let excuse = FormView {
        inputs,
        general: refused.general("excuse"),
    };
    let closures = state
        .store
        .period_closures()
        .await?
        .into_iter()
        .map(|(programme, period, on)| {
            let label = period
                .parse::<Period>()
                .map(|p| format::period(&p, lang))
                .unwrap_or(period);
            (programme, label, format::date(on))
        })
        .collect();
    let views = programmes
        .iter()
        .map(|p| programme_view(Some(p), &refused, session))
        .collect();
    let c = super::frame(session, "Lịch báo cáo", "Reporting calendar", &refused, done);
    Ok(CalendarPage {
        c,
        admin,
        programmes: views,
        new_programme: admin.then(|| programme_view(None, &refused, session)),
        closures,
        close,
        unlock,
        excuse,
    })
}

/// `POST /quan-tri/lich-bao-cao` with `do` = `programme`, `close`, `unlock` or `excuse`.
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return r;
    }
    let (outcome, key, fields): (Result<&str, ApiError>, String, &[&str]) = match sent(&form, "do") {
        "close" => (
            close_period(&state, &session, &form).await.map(|_| "closed"),
            "close".into(),
            &CLOSE_FIELDS,
        ),
        "unlock" => (
            unlock(&state, &session, &form).await.map(|_| "unlocked"),
            "unlock".into(),
            &UNLOCK_FIELDS,
        ),
        "excuse" => {
            let mut q: HashMap<String, String> = EXCUSE_FIELDS
                .iter()
                .filter(|f| !sent(&form, f).is_empty())
                .map(|f| (f.to_string(), sent(&form, f).to_string()))
                .collect();
            let outcome = match super::unit_code_typed(&state, &session, sent(&form, "unit")).await {
                Ok(code) => {
                    if !code.is_empty() {
                        q.insert("unit".into(), code);
                    }
                    excuse_unit(&state, &session.caller, &q, sent(&form, "reason")).await
                }
                Err(e) => Err(e),
            };
            (outcome.map(|_| "excused"), "excuse".into(), &EXCUSE_FIELDS)
        }
        _ => {
            let existing = sent(&form, "existing") == "1";
            let key = if existing {
                format!("programme-{}", sent(&form, "code"))
            } else {
                "programme-new".to_string()
            };
            let kept = match state.store.programme(sent(&form, "code")).await {
                Ok(p) => (p.binds, p.plan),
                Err(_) => Default::default(),
            };
            let outcome = match read_programme(&form, kept) {
                Ok(p) => save_programme(&state, &session.caller, &p)
                    .await
                    .map_err(|e| deadline_fields(e, &p)),
                Err(e) => Err(e),
            };
            (outcome.map(|_| "programme"), key, &PROGRAMME_FIELDS)
        }
    };
    match outcome {
        Ok(msg) => see_other(&format!("{PATH}?msg={msg}")),
        Err(ApiError::Invalid(problems)) => {
            let refused = Refused::new(&key, &form, problems, fields, session.lang);
            super::shown(
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                build(&state, &session, refused, None).await,
            )
        }
        Err(e) => session.api_error(e),
    }
}

/// A problem of the API's `deadlines[i]` belongs to the box of that deadline's level.
fn deadline_fields(e: ApiError, programme: &Programme) -> ApiError {
    let ApiError::Invalid(problems) = e else { return e };
    ApiError::Invalid(
        problems
            .into_iter()
            .map(|mut p| {
                let index = p.field.strip_prefix("deadlines[").and_then(|r| r.strip_suffix(']'));
                if let Some((level, _)) = index
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| programme.deadlines.get(i))
                {
                    p.field = deadline_field(*level).to_string();
                }
                p
            })
            .collect(),
    )
}

/// Reads a programme form: names, period type, half, and a `dd/mm` deadline per level.
/// Whom an existing programme binds and the plan it comes from, which the page does not show
/// and keeps as they were.
fn read_programme(form: &[(String, String)], (binds, plan): (Binding, Option<i64>)) -> Result<Programme, ApiError> {
    let mut problems = Vec::new();
    let code = sent(form, "code");
    if code.is_empty() {
        problems.push(FieldProblem::new(
            "code",
            "missing",
            "a programme code is required".into(),
            "Thiếu mã chế độ báo cáo".into(),
        ));
    }
    let period_type = PERIOD_TYPES
        .into_iter()
        .find(|t| t.as_str() == sent(form, "period_type"));
    if period_type.is_none() {
        problems.push(FieldProblem::new(
            "period_type",
            "bad_period_type",
            "choose a period type".into(),
            "Hãy chọn loại kỳ báo cáo".into(),
        ));
    }
    let half = match sent(form, "half") {
        "1" => Some(1),
        "2" => Some(2),
        _ => None,
    };
    let mut deadlines = Vec::new();
    for level in LEVELS {
        let text = sent(form, deadline_field(level));
        if text.is_empty() {
            continue;
        }
        let parts: Vec<Option<u8>> = text.split('/').map(|n| n.trim().parse().ok()).collect();
        match parts.as_slice() {
            [Some(day), Some(month)] => deadlines.push((
                level,
                DayOfYear {
                    month: *month,
                    day: *day,
                    year_offset: i32::from(!sent(form, next_year_field(level)).is_empty()),
                },
            )),
            _ => problems.push(FieldProblem::new(
                deadline_field(level),
                "bad_day",
                format!("`{text}` is not a day/month such as 05/06"),
                format!("`{text}` không phải ngày/tháng, ví dụ 05/06"),
            )),
        }
    }
    match (period_type, problems.is_empty()) {
        (Some(period_type), true) => Ok(Programme {
            code: code.to_string(),
            name_vi: sent(form, "name_vi").to_string(),
            name_en: sent(form, "name_en").to_string(),
            period_type,
            half: half.filter(|_| period_type == PeriodType::HalfYear),
            deadlines,
            binds,
            plan,
        }),
        _ => Err(ApiError::Invalid(problems)),
    }
}

/// A date box in the page's language, or its problem.
fn date_in(form: &[(String, String)], name: &str, lang: Lang) -> Result<time::Date, FieldProblem> {
    let text = sent(form, name);
    read_date(text, lang).map_err(|message| FieldProblem::new(name, "bad_date", message.clone(), message))
}

async fn close_period(state: &AppState, session: &Session, form: &[(String, String)]) -> Result<(), ApiError> {
    require_admin(state, &session.caller, "period.close").await?;
    let mut problems = Vec::new();
    let programme = match state.store.programme(sent(form, "programme")).await {
        Ok(p) => Some(p),
        Err(StoreError::NotFound { key, .. }) => {
            problems.push(FieldProblem::new(
                "programme",
                "unknown_programme",
                format!("there is no reporting programme `{key}`"),
                format!("Không có chế độ báo cáo `{key}`"),
            ));
            None
        }
        Err(e) => return Err(e.into()),
    };
    let period = sent(form, "period")
        .parse::<Period>()
        .map_err(|e| problems.push(binhdang_store::bad_period(&e)))
        .ok();
    let closes_on = date_in(form, "closes_on", session.lang)
        .map_err(|p| problems.push(p))
        .ok();
    match (programme, period, closes_on) {
        (Some(programme), Some(period), Some(closes_on)) => {
            close(state, &session.caller, &programme.code, &period, closes_on).await
        }
        _ => Err(ApiError::Invalid(problems)),
    }
}

async fn unlock(state: &AppState, session: &Session, form: &[(String, String)]) -> Result<(), ApiError> {
    let until = date_in(form, "until", session.lang);
    let code = match super::unit_code_typed(state, session, sent(form, "unit")).await {
        Ok(code) => code,
        Err(ApiError::Invalid(mut problems)) => {
            problems.extend(until.err());
            return Err(ApiError::Invalid(problems));
        }
        Err(e) => return Err(e),
    };
    let (unit, period) = state
        .store
        .resolve_unit_period(&code, sent(form, "period"))
        .await
        .map_err(|e| match (e, &until) {
            // Every box's problem at once.
            (StoreError::Invalid(mut ps), Err(p)) => {
                ps.push(p.clone());
                StoreError::Invalid(ps)
            }
            (e, _) => e,
        })?;
    let until = until.map_err(|p| ApiError::Invalid(vec![p]))?;
    unlock_unit(state, &session.caller, &unit, &period, until, sent(form, "reason")).await
}
