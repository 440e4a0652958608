//! The catalogue and local targets (`/quan-tri/danh-muc`, administrators): the indicators by
//! objective with their measure, direction, responsible agency and national 2025/2030
//! targets, the targets units set for themselves, and a form to set one for a unit and a
//! phase ([`binhdang_store::Store::set_local_target`], which checks and audits it). The
//! assessment of that unit (and of the units below it) then uses the local target. Beside
//! them, a unit's agencies with the indicators each answers for
//! ([`binhdang_store::Store::set_agency_indicators`]): an officer tied to an agency enters
//! only those.

use super::{Form, Input, Refused, sent};
use crate::AppState;
use crate::api::catalogue::{LocalTargetInput, set_local_target};
use crate::auth::require_admin;
use crate::error::ApiError;
use crate::lang::Lang;
use crate::ui::{Chrome, Session, format, see_other};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::catalogue::{Direction, Indicator, MeasureKind, Objective, TargetOp};
use binhdang_domain::{Period, vn};
use std::collections::HashMap;

pub const PATH: &str = "/quan-tri/danh-muc";
const FIELDS: [&str; 5] = ["unit", "indicator", "phase", "op", "value"];
/// The phases of the strategy a local target is set for.
const PHASES: [&str; 2] = ["2021-2025", "2026-2030"];
/// The key of the form that says which indicators an agency answers for.
const AGENCY_FORM: &str = "agency";

pub struct IndicatorRow {
    pub code: String,
    pub name: String,
    pub measure: &'static str,
    pub direction: &'static str,
    pub target_2025: String,
    pub target_2030: String,
    pub agency: String,
    /// "Tỉnh Lai Châu (12), giai đoạn 2021–2025: ≥ 60,0 %"
    pub local: Vec<String>,
    /// How a phase's figure is made of its years, and why.
    pub over_time: String,
    pub over_time_reason: String,
}

pub struct ObjectiveGroup {
    pub heading: String,
    pub indicators: Vec<IndicatorRow>,
}

/// One indicator's check box in an agency's form.
pub struct AgencyBox {
    pub id: String,
    pub code: String,
    pub label: String,
    pub checked: bool,
}

/// An objective's check boxes in an agency's form.
pub struct AgencyObjective {
    pub heading: String,
    pub boxes: Vec<AgencyBox>,
}

/// An agency of the chosen unit, with what it answers for and the form to change it.
pub struct AgencyForm {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// "4.1, 4.2" or a sentence saying none.
    pub covers: String,
    /// Open when it answers for something or its form was refused.
    pub open: bool,
    pub objectives: Vec<AgencyObjective>,
}

#[derive(Template)]
#[template(path = "admin_catalogue.html")]
struct CataloguePage {
    c: Chrome,
    objectives: Vec<ObjectiveGroup>,
    inputs: Vec<Input>,
    general: Vec<String>,
    agency_unit: Input,
    agencies: Vec<AgencyForm>,
    /// What is wrong with the agency form refused.
    agency_general: Vec<String>,
    /// A list of indicators to add, kept when it was refused, and what is wrong with it.
    new_indicators: String,
    new_indicator_problems: Vec<String>,
}

fn measure(m: MeasureKind, lang: Lang) -> &'static str {
    let en = lang == Lang::En;
    match m {
        MeasureKind::Percent => "%",
        MeasureKind::Ratio => {
            if en {
                "times"
            } else {
                "lần"
            }
        }
        MeasureKind::Per100 => {
            if en {
                "per 100"
            } else {
                "trên 100"
            }
        }
        MeasureKind::Per1000 => {
            if en {
                "per 1,000"
            } else {
                "trên 1.000"
            }
        }
        MeasureKind::Per100000 => {
            if en {
                "per 100,000"
            } else {
                "trên 100.000"
            }
        }
        MeasureKind::Count => {
            if en {
                "count"
            } else {
                "số lượng"
            }
        }
        MeasureKind::Hours => {
            if en {
                "hours"
            } else {
                "giờ"
            }
        }
        MeasureKind::YesNo => {
            if en {
                "yes/no"
            } else {
                "có/không"
            }
        }
        MeasureKind::Narrative => {
            if en {
                "in words"
            } else {
                "đánh giá bằng lời"
            }
        }
    }
}

fn direction(d: Direction, lang: Lang) -> &'static str {
    match (d, lang) {
        (Direction::Higher, Lang::Vi) => "càng cao càng tốt",
        (Direction::Lower, Lang::Vi) => "càng thấp càng tốt",
        (Direction::Higher, _) => "higher is better",
        (Direction::Lower, _) => "lower is better",
    }
}

fn op_label(op: TargetOp, lang: Lang) -> String {
    let en = match op {
        TargetOp::AtLeast => "at least",
        TargetOp::Above => "above",
        TargetOp::AtMost => "at most",
        TargetOp::Below => "below",
        TargetOp::Equal => "exactly",
        TargetOp::About => "about",
    };
    let words = if lang == Lang::En { en } else { op.words_vi() };
    format!("{} ({words})", op.as_str())
}

/// `GET /quan-tri/danh-muc[?unit=12][&msg=saved|agency]`: `unit` chooses whose agencies
/// are shown (the administrator's own unit by default).
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let done = match q.get("msg").map(String::as_str) {
        Some("saved") => Some(session.t("Đã lưu chỉ tiêu của địa phương.", "The local target has been saved.")),
        Some("agencies") => Some(session.t("Đã lưu cơ quan.", "The agency has been saved.")),
        Some("added") => Some(session.t(
            "Đã thêm các chỉ tiêu vào danh mục.",
            "The indicators have been added to the catalogue.",
        )),
        Some("agency") => Some(session.t(
            "Đã lưu các chỉ tiêu cơ quan phụ trách.",
            "The indicators the agency answers for have been saved.",
        )),
        _ => None,
    }
    .map(str::to_string);
    let agency_unit = q
        .get("unit")
        .map(|u| u.trim().to_string())
        .unwrap_or_else(|| session.caller.user.unit.code.to_string());
    super::shown(
        &session,
        StatusCode::OK,
        build(&state, &session, Refused::default(), done, &agency_unit, &[]).await,
    )
}

fn heading(session: &Session, objective: &Objective) -> String {
    format!(
        "{} {}: {}",
        session.t("Mục tiêu", "Objective"),
        objective.number,
        if session.lang == Lang::En {
            &objective.name_en
        } else {
            &objective.name_vi
        }
    )
}

fn indicator_name(indicator: &Indicator, lang: Lang) -> &str {
    if lang == Lang::En {
        &indicator.name_en
    } else {
        &indicator.name_vi
    }
}

/// `typed` is the agency form that was refused (empty otherwise): its boxes are shown as
/// they were sent.
async fn build(
    state: &AppState,
    session: &Session,
    refused: Refused,
    done: Option<String>,
    agency_unit: &str,
    typed: &[(String, String)],
) -> Result<CataloguePage, ApiError> {
    require_admin(state, &session.caller, "catalogue.page").await?;
    let lang = session.lang;
    let store = &state.store;
    let indicators = store.indicators().await?;
    let all_objectives = store.objectives().await?;
    let mut objectives = Vec::new();
    for objective in &all_objectives {
        let mut rows = Vec::new();
        for i in indicators.iter().filter(|i| i.objective == objective.number) {
            let local = store
                .indicator_detail(&i.code)
                .await?
                .local_targets
                .iter()
                .map(|l| {
                    let phase = l
                        .phase
                        .parse::<Period>()
                        .map(|p| format::period(&p, lang))
                        .unwrap_or(l.phase.clone());
                    format!(
                        "{} ({}), {phase}: {}",
                        l.unit_name,
                        l.unit_code,
                        format::target(i, &l.target)
                    )
                })
                .collect();
            let national = |year| {
                i.national_target(year)
                    .map(|t| format::target(i, &t))
                    .unwrap_or_else(|| format::NONE.into())
            };
            rows.push(IndicatorRow {
                code: i.code.to_string(),
                name: indicator_name(i, lang).to_string(),
                measure: measure(i.measure, lang),
                direction: direction(i.direction, lang),
                target_2025: national(2025),
                target_2030: national(2030),
                agency: i.responsible_agency.clone(),
                over_time: if lang == Lang::En {
                    i.time_aggregation.label_en()
                } else {
                    i.time_aggregation.label_vi()
                }
                .to_string(),
                over_time_reason: if lang == Lang::En {
                    i.time_aggregation_reason_en.clone()
                } else {
                    i.time_aggregation_reason_vi.clone()
                },
                local,
            });
        }
        objectives.push(ObjectiveGroup {
            heading: heading(session, objective),
            indicators: rows,
        });
    }
    let form = Form::new("target", &refused);
    let indicator_choices = indicators
        .iter()
        .filter(|i| i.measure != MeasureKind::Narrative)
        .map(|i| (i.code.to_string(), format!("{} {}", i.code, indicator_name(i, lang))))
        .collect();
    let phases = PHASES
        .iter()
        .map(|p| {
            let label = p
                .parse::<Period>()
                .map(|x| format::period(&x, lang))
                .unwrap_or(p.to_string());
            (p.to_string(), label)
        })
        .collect();
    let ops = [
        TargetOp::AtLeast,
        TargetOp::Above,
        TargetOp::AtMost,
        TargetOp::Below,
        TargetOp::Equal,
        TargetOp::About,
    ]
    .iter()
    .map(|op| (op.as_str().to_string(), op_label(*op, lang)))
    .collect();
    let inputs = vec![
        form.text("unit", session.t("Đơn vị (tên hoặc mã)", "Unit (name or code)"), "")
            .naming_unit(state, lang)
            .await?,
        form.select("indicator", session.t("Chỉ tiêu", "Indicator"), indicator_choices, ""),
        form.select("phase", session.t("Giai đoạn", "Phase"), phases, PHASES[0]),
        form.select(
            "op",
            session.t("So sánh", "Comparison"),
            ops,
            TargetOp::AtLeast.as_str(),
        ),
        form.text("value", session.t("Mức chỉ tiêu", "Target figure"), "")
            .with_hint(session.t(
                "Theo đơn vị của chỉ tiêu, viết kiểu Việt Nam: 60 hoặc 63,5 (phần trăm), 1.200 (số lượng).",
                "In the indicator's unit, written the Vietnamese way: 60 or 63,5 (percent), 1.200 (count).",
            )),
    ];
    let (agency_unit, agencies) = agency_forms(
        state,
        session,
        &indicators,
        &all_objectives,
        agency_unit,
        &refused,
        typed,
    )
    .await?;
    let c = super::frame(session, "Danh mục chỉ tiêu", "Catalogue", &refused, done);
    Ok(CataloguePage {
        c,
        objectives,
        inputs,
        general: refused.general("target"),
        agency_unit,
        agencies,
        agency_general: refused.general(AGENCY_FORM),
        new_indicators: String::new(),
        new_indicator_problems: Vec::new(),
    })
}

/// The box choosing the unit, and a form per agency of that unit with a check box per
/// indicator, by objective.
async fn agency_forms(
    state: &AppState,
    session: &Session,
    indicators: &[Indicator],
    objectives: &[Objective],
    unit_code: &str,
    refused: &Refused,
    typed: &[(String, String)],
) -> Result<(Input, Vec<AgencyForm>), ApiError> {
    let lang = session.lang;
    let mut unit_box = Form::new("agencies", &Refused::default())
        .text(
            "unit",
            session.t("Đơn vị (tên hoặc mã)", "Unit (name or code)"),
            unit_code,
        )
        .optional()
        .naming_unit(state, lang)
        .await?;
    let code = match super::unit_code_typed(state, session, unit_code).await {
        Ok(code) => code,
        Err(ApiError::Invalid(problems)) => {
            unit_box.error = problems
                .iter()
                .map(|p| crate::ui::message_in(p, lang))
                .collect::<Vec<_>>()
                .join(" ");
            return Ok((unit_box, Vec::new()));
        }
        Err(e) => return Err(e),
    };
    let unit = match state.store.unit_on(&code, state.store.today()).await {
        Ok(unit) => unit,
        Err(_) => {
            unit_box.error = crate::ui::message_in(&binhdang_store::unknown_unit("unit", unit_code), lang);
            return Ok((unit_box, Vec::new()));
        }
    };
    let mut forms = Vec::new();
    for agency in state.store.agencies_of(&unit).await? {
        let stored = state.store.agency_indicators(&agency.code).await?;
        let was_refused = refused.is(AGENCY_FORM) && sent(typed, "agency") == agency.code;
        let checked: Vec<&str> = if was_refused {
            chosen_indicators(typed)
        } else {
            stored.iter().map(String::as_str).collect()
        };
        let boxes = objectives
            .iter()
            .map(|o| AgencyObjective {
                heading: heading(session, o),
                boxes: indicators
                    .iter()
                    .filter(|i| i.objective == o.number)
                    .map(|i| AgencyBox {
                        id: format!("agency-{}-{}", agency.code, i.code),
                        code: i.code.to_string(),
                        label: format!("{} {}", i.code, indicator_name(i, lang)),
                        checked: checked.contains(&i.code.as_str()),
                    })
                    .collect(),
            })
            .collect();
        let name = match (&agency.name_en, lang) {
            (Some(en), Lang::En) => en.clone(),
            _ => agency.name_vi.clone(),
        };
        forms.push(AgencyForm {
            covers: if stored.is_empty() {
                session
                    .t("chưa phụ trách chỉ tiêu nào", "no indicators yet")
                    .to_string()
            } else {
                stored.join(", ")
            },
            open: was_refused || !stored.is_empty(),
            code: agency.code,
            name,
            unit: unit.code.to_string(),
            objectives: boxes,
        });
    }
    Ok((unit_box, forms))
}

/// The indicators ticked in an agency's form.
fn chosen_indicators(form: &[(String, String)]) -> Vec<&str> {
    form.iter()
        .filter(|(name, _)| name == "indicator")
        .map(|(_, code)| code.trim())
        .collect()
}

/// `POST /quan-tri/danh-muc`: sets a unit's target for an indicator and a phase.
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    if let Some(refusal) = super::refuse_unless_admin(&state, &session, &form, "catalogue.page").await {
        return refusal;
    }
    if sent(&form, "do") == AGENCY_FORM {
        return submit_agency(&state, &session, &form).await;
    }
    if sent(&form, "do") == "add_indicators" {
        return add_indicators(&state, &session, sent(&form, "indicators")).await;
    }
    if matches!(sent(&form, "do"), "agency_add" | "agency_rename" | "agency_close") {
        return change_agency(&state, &session, &form).await;
    }
    let agency_unit = &session.caller.user.unit.code;
    match set_target(&state, &session, &form).await {
        Ok(()) => see_other(&format!("{PATH}?msg=saved")),
        Err(ApiError::Invalid(problems)) => {
            let refused = Refused::new("target", &form, problems, &FIELDS, session.lang);
            super::shown(
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                build(&state, &session, refused, None, agency_unit, &[]).await,
            )
        }
        Err(e) => session.api_error(e),
    }
}

/// `POST /quan-tri/danh-muc` with `do=add_indicators`: adds the pasted indicators (CSV in the
/// shape of `indicators.csv`, or tab-separated from a spreadsheet), all or none; a refused
/// list comes back with the problems naming rows and columns.
async fn add_indicators(state: &AppState, session: &Session, list: &str) -> Response {
    let actor = session.caller.actor();
    let done = match binhdang_store::catalogue_changes::parse_indicator_list(list) {
        Ok(rows) => state.store.add_indicators(&rows, &actor).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => see_other(&format!("{PATH}?msg=added")),
        Err(binhdang_store::StoreError::Invalid(problems)) => {
            let unit = &session.caller.user.unit.code;
            let page = build(state, session, Refused::default(), None, unit, &[])
                .await
                .map(|mut page| {
                    page.new_indicator_problems = problems
                        .iter()
                        .map(|p| crate::ui::message_in(p, session.lang))
                        .collect();
                    page.new_indicators = list.to_string();
                    page
                });
            super::shown(session, StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(e) => session.api_error(e.into()),
    }
}

/// `POST /quan-tri/danh-muc` with `do=agency`: replaces the indicators an agency of `unit`
/// answers for with the ticked ones.
async fn submit_agency(state: &AppState, session: &Session, form: &[(String, String)]) -> Response {
    let (unit_code, agency) = (sent(form, "unit"), sent(form, "agency"));
    match assign_indicators(state, session, unit_code, agency, &chosen_indicators(form)).await {
        Ok(()) => see_other(&format!("{PATH}?unit={unit_code}&msg=agency#agency-{agency}")),
        Err(ApiError::Invalid(problems)) => {
            let refused = Refused::new(AGENCY_FORM, form, problems, &[], session.lang);
            super::shown(
                session,
                StatusCode::UNPROCESSABLE_ENTITY,
                build(state, session, refused, None, unit_code, form).await,
            )
        }
        Err(e) => session.api_error(e),
    }
}

/// `POST /quan-tri/danh-muc` with `do` = `agency_add` (`unit`, `code`, `name_vi`, `name_en`),
/// `agency_rename` (`agency`, `name_vi`, `name_en`) or `agency_close` (`agency`, `on`, a date;
/// today when empty): the agencies of a unit, as the API and `binhdang agency` change them.
async fn change_agency(state: &AppState, session: &Session, form: &[(String, String)]) -> Response {
    let unit_code = sent(form, "unit");
    let actor = session.caller.actor();
    let name_en = Some(sent(form, "name_en").trim()).filter(|n| !n.is_empty());
    let done: Result<(), ApiError> = async {
        let unit = state
            .store
            .unit_on(unit_code, state.store.today())
            .await
            .map_err(|_| ApiError::Invalid(vec![binhdang_store::unknown_unit("unit", unit_code)]))?;
        let code = sent(form, "code");
        match sent(form, "do") {
            "agency_add" => {
                let name_vi = sent(form, "name_vi");
                state.store.create_agency(&unit, code, name_vi, name_en, &actor).await?;
            }
            "agency_rename" => {
                let agency = sent(form, "agency");
                let name_vi = sent(form, "name_vi");
                state.store.rename_agency(agency, name_vi, name_en, &actor).await?;
            }
            _ => {
                let on = match sent(form, "on").trim() {
                    "" => state.store.today(),
                    typed => crate::api::parse_iso_date("on", typed)?,
                };
                state.store.close_agency(sent(form, "agency"), on, &actor).await?;
            }
        }
        Ok(())
    }
    .await;
    match done {
        Ok(()) => see_other(&format!("{PATH}?unit={unit_code}&msg=agencies#co-quan")),
        Err(ApiError::Invalid(problems)) => {
            let refused = Refused::new(AGENCY_FORM, form, problems, &[], session.lang);
            super::shown(
                session,
                StatusCode::UNPROCESSABLE_ENTITY,
                build(state, session, refused, None, unit_code, &[]).await,
            )
        }
        Err(e) => session.api_error(e),
    }
}

/// Refuses an agency that is not the unit's (a code typed by hand), then stores the list,
/// which the store checks against the catalogue and audits.
async fn assign_indicators(
    state: &AppState,
    session: &Session,
    unit_code: &str,
    agency: &str,
    indicators: &[&str],
) -> Result<(), ApiError> {
    let unit = state
        .store
        .unit_on(unit_code, state.store.today())
        .await
        .map_err(|_| ApiError::Invalid(vec![binhdang_store::unknown_unit("unit", unit_code)]))?;
    if !state.store.agencies_of(&unit).await?.iter().any(|a| a.code == agency) {
        return Err(ApiError::invalid(
            "agency",
            "unknown_agency",
            format!("{} has no agency `{agency}`", unit.full_name),
            format!("{} không có cơ quan `{agency}`", unit.full_name),
        ));
    }
    Ok(state
        .store
        .set_agency_indicators(agency, indicators, &session.caller.actor())
        .await?)
}

/// Reads the form (a Vietnamese number) and stores the target, as the API does.
async fn set_target(state: &AppState, session: &Session, form: &[(String, String)]) -> Result<(), ApiError> {
    let unit = super::unit_code_typed(state, session, sent(form, "unit")).await?;
    let typed = LocalTargetInput {
        unit: &unit,
        indicator: sent(form, "indicator"),
        phase: sent(form, "phase"),
        op: sent(form, "op"),
        value: sent(form, "value"),
    };
    set_local_target(state, &session.caller, &typed, vn::parse_number).await
}
