//! The catalogue and local targets (`/quan-tri/danh-muc`, administrators): the indicators by
//! objective with their measure, direction, responsible agency and national 2025/2030
//! targets, the targets units set for themselves, and a form to set one for a unit and a
//! phase ([`binhdang_store::Store::set_local_target`], which checks and audits it). The
//! assessment of that unit (and of the units below it) then uses the local target.

use super::{Form, Input, Refused, sent};
use crate::AppState;
use crate::auth::require_admin;
use crate::error::ApiError;
use crate::lang::Lang;
use crate::ui::{Chrome, Session, format, see_other};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::catalogue::{Direction, MeasureKind, Target, TargetOp};
use binhdang_domain::{Period, vn};
use binhdang_store::FieldProblem;
use std::collections::HashMap;

pub const PATH: &str = "/quan-tri/danh-muc";
const FIELDS: [&str; 5] = ["unit", "indicator", "phase", "op", "value"];
/// The phases of the strategy a local target is set for.
const PHASES: [&str; 2] = ["2021-2025", "2026-2030"];

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
}

pub struct ObjectiveGroup {
    pub heading: String,
    pub indicators: Vec<IndicatorRow>,
}

#[derive(Template)]
#[template(path = "admin_catalogue.html")]
struct CataloguePage {
    c: Chrome,
    objectives: Vec<ObjectiveGroup>,
    inputs: Vec<Input>,
    general: Vec<String>,
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

/// `GET /quan-tri/danh-muc[?msg=saved]`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let done = (q.get("msg").map(String::as_str) == Some("saved")).then(|| {
        session
            .t("Đã lưu chỉ tiêu của địa phương.", "The local target has been saved.")
            .to_string()
    });
    super::shown(
        &session,
        StatusCode::OK,
        build(&state, &session, Refused::default(), done).await,
    )
}

async fn build(
    state: &AppState,
    session: &Session,
    refused: Refused,
    done: Option<String>,
) -> Result<CataloguePage, ApiError> {
    require_admin(&session.caller)?;
    let lang = session.lang;
    let store = &state.store;
    let indicators = store.indicators().await?;
    let mut objectives = Vec::new();
    for objective in store.objectives().await? {
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
                code: i.code.clone(),
                name: if lang == Lang::En {
                    i.name_en.clone()
                } else {
                    i.name_vi.clone()
                },
                measure: measure(i.measure, lang),
                direction: direction(i.direction, lang),
                target_2025: national(2025),
                target_2030: national(2030),
                agency: i.responsible_agency.clone(),
                local,
            });
        }
        objectives.push(ObjectiveGroup {
            heading: format!(
                "{} {}: {}",
                session.t("Mục tiêu", "Objective"),
                objective.number,
                if lang == Lang::En {
                    &objective.name_en
                } else {
                    &objective.name_vi
                }
            ),
            indicators: rows,
        });
    }
    let form = Form::new("target", &refused);
    let indicator_choices = indicators
        .iter()
        .filter(|i| i.measure != MeasureKind::Narrative)
        .map(|i| {
            let name = if lang == Lang::En { &i.name_en } else { &i.name_vi };
            (i.code.clone(), format!("{} {name}", i.code))
        })
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
        form.text("unit", session.t("Mã đơn vị", "Unit code"), "")
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
    let c = super::frame(session, "Danh mục chỉ tiêu", "Catalogue", &refused, done);
    Ok(CataloguePage {
        c,
        objectives,
        inputs,
        general: refused.general("target"),
    })
}

/// `POST /quan-tri/danh-muc`: sets a unit's target for an indicator and a phase.
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    if let Some(refusal) = super::refuse_unless_admin(&session, &form) {
        return refusal;
    }
    match set_target(&state, &session, &form).await {
        Ok(()) => see_other(&format!("{PATH}?msg=saved")),
        Err(ApiError::Invalid(problems)) => {
            let refused = Refused::new("target", &form, problems, &FIELDS, session.lang);
            super::shown(
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                build(&state, &session, refused, None).await,
            )
        }
        Err(e) => session.api_error(e),
    }
}

/// Reads the form (a Vietnamese number, a known comparison and phase) and stores the target.
async fn set_target(state: &AppState, session: &Session, form: &[(String, String)]) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    let value = match vn::parse_number(sent(form, "value")) {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(FieldProblem::new(
                "value",
                "not_a_number",
                e.to_string(),
                e.message_vi(),
            ));
            None
        }
    };
    let op = sent(form, "op").parse::<TargetOp>().ok();
    if op.is_none() {
        problems.push(FieldProblem::new(
            "op",
            "bad_operator",
            "choose a comparison".into(),
            "Hãy chọn cách so sánh".into(),
        ));
    }
    let phase = match sent(form, "phase").parse::<Period>() {
        Ok(p) => Some(p),
        Err(e) => {
            let mut p = binhdang_store::bad_period(&e);
            p.field = "phase".into();
            problems.push(p);
            None
        }
    };
    let (Some(value), Some(op), Some(phase), true) = (value, op, phase, problems.is_empty()) else {
        return Err(ApiError::Invalid(problems));
    };
    let target = Target { op, value };
    let actor = session.caller.actor();
    let (unit, indicator) = (sent(form, "unit"), sent(form, "indicator"));
    Ok(state
        .store
        .set_local_target(unit, indicator, &phase, target, &actor)
        .await?)
}
