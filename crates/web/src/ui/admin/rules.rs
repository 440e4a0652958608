//! Validation rules (`/quan-tri/quy-tac`, administrators): the configured rules with a
//! button to switch each on or off, the built-in checks the catalogue implies, and a form
//! to add a rule with the fields of `POST /api/v1/rules`. The rule is checked by the same
//! code as the API's ([`crate::api::rules::add_rule`]); what is wrong with an expression (its
//! position, an unknown data element, …) is said beside the box in the page's language.

use super::{Form, Input, Refused, sent};
use crate::AppState;
use crate::api::rules::{add_rule, draft_from, switch_rule};
use crate::auth::require_admin;
use crate::error::ApiError;
use crate::lang::Lang;
use crate::ui::{Chrome, Session, field, see_other};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::rules::{BuiltinRule, Operator, Severity};
use std::collections::HashMap;

pub const PATH: &str = "/quan-tri/quy-tac";
const FIELDS: [&str; 9] = [
    "code",
    "name_vi",
    "name_en",
    "left",
    "operator",
    "right",
    "severity",
    "message_vi",
    "message_en",
];

pub struct RuleRow {
    pub code: String,
    pub name: String,
    pub expression: String,
    pub severity: &'static str,
    pub enabled: bool,
}

#[derive(Template)]
#[template(path = "admin_rules.html")]
struct RulesPage {
    c: Chrome,
    rules: Vec<RuleRow>,
    builtin: Vec<RuleRow>,
    inputs: Vec<Input>,
    general: Vec<String>,
}

fn severity(s: Severity, lang: Lang) -> &'static str {
    match (s, lang) {
        (Severity::Error, Lang::Vi) => "Lỗi (chặn gửi báo cáo)",
        (Severity::Warning, Lang::Vi) => "Cảnh báo (cần giải trình)",
        (Severity::Error, _) => "Error (blocks submission)",
        (Severity::Warning, _) => "Warning (needs an explanation)",
    }
}

/// `GET /quan-tri/quy-tac[?msg=saved|switched]`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let done = match q.get("msg").map(String::as_str) {
        Some("saved") => Some(session.t("Đã thêm quy tắc.", "The rule has been added.")),
        Some("switched") => Some(session.t("Đã đổi trạng thái quy tắc.", "The rule has been switched.")),
        _ => None,
    };
    super::shown(
        &session,
        StatusCode::OK,
        build(&state, &session, Refused::default(), done.map(str::to_string)).await,
    )
}

async fn build(
    state: &AppState,
    session: &Session,
    refused: Refused,
    done: Option<String>,
) -> Result<RulesPage, ApiError> {
    require_admin(state, &session.caller, "rules.page").await?;
    let lang = session.lang;
    let pick = |vi: &str, en: &str| {
        if lang == Lang::En && !en.is_empty() {
            en.to_string()
        } else {
            vi.to_string()
        }
    };
    let rules = state
        .store
        .rules()
        .await?
        .into_iter()
        .map(|r| RuleRow {
            name: pick(&r.name_vi, &r.name_en),
            expression: format!("{} {} {}", r.left, r.operator, r.right),
            severity: severity(r.severity, lang),
            enabled: r.enabled,
            code: r.code,
        })
        .collect();
    let builtin = state
        .store
        .builtin_rules()
        .await?
        .into_iter()
        .map(|b| match b {
            BuiltinRule::Compare(r) => RuleRow {
                name: pick(&r.name_vi, &r.name_en),
                expression: format!("{} {} {}", r.left, r.operator, r.right),
                severity: severity(r.severity, lang),
                enabled: true,
                code: r.code,
            },
            BuiltinRule::StatedRate(r) => RuleRow {
                name: pick(&r.name_vi, &r.name_en),
                expression: format!(
                    "#{{{}}} ≈ #{{{}}} / #{{{}}} × {}",
                    r.rate, r.numerator, r.denominator, r.factor
                ),
                severity: severity(r.severity, lang),
                enabled: true,
                code: r.code,
            },
        })
        .collect();
    let form = Form::new("rule", &refused);
    let operators = Operator::ALL
        .iter()
        .map(|o| {
            let label = match (o, lang) {
                (Operator::BothOrNeither, Lang::Vi) => "cả hai hoặc không bên nào có số liệu".to_string(),
                (Operator::BothOrNeither, _) => "both sides or neither have data".to_string(),
                _ => o.as_str().to_string(),
            };
            (o.as_str().to_string(), label)
        })
        .collect();
    let severities = [Severity::Warning, Severity::Error]
        .iter()
        .map(|s| (s.as_str().to_string(), severity(*s, lang).to_string()))
        .collect();
    let inputs = vec![
        form.text("code", session.t("Mã quy tắc", "Rule code"), "")
            .with_hint(session.t("Ví dụ: giam-qua-nua", "E.g. giam-qua-nua")),
        form.text("name_vi", session.t("Tên (tiếng Việt)", "Name (Vietnamese)"), ""),
        form.text("name_en", session.t("Tên (tiếng Anh)", "Name (English)"), "").optional(),
        form.text("left", session.t("Vế trái", "Left side"), "").with_hint(session.t(
            "Biểu thức theo mã chỉ tiêu dữ liệu, ví dụ #{6.1.num} hoặc #{6.1.num.female}; prev(…) là kỳ trước.",
            "An expression over data element codes, e.g. #{6.1.num} or #{6.1.num.female}; prev(…) is the previous period.",
        )),
        form.select("operator", session.t("Phép so sánh", "Comparison"), operators, ">="),
        form.text("right", session.t("Vế phải", "Right side"), "")
            .with_hint(session.t("Ví dụ: prev(#{6.1.num}) * 0.5", "E.g. prev(#{6.1.num}) * 0.5")),
        form.select("severity", session.t("Mức độ", "Severity"), severities, Severity::Warning.as_str()),
        form.textarea("message_vi", session.t("Thông báo (tiếng Việt)", "Message (Vietnamese)"), "")
            .with_hint(session.t(
                "Có thể dùng {left} và {right} để điền số của hai vế.",
                "May hold {left} and {right}, filled with the two sides' figures.",
            )),
        form.textarea("message_en", session.t("Thông báo (tiếng Anh)", "Message (English)"), "").optional(),
    ];
    let c = super::frame(session, "Quy tắc kiểm tra", "Validation rules", &refused, done);
    Ok(RulesPage {
        c,
        rules,
        builtin,
        inputs,
        general: refused.general("rule"),
    })
}

/// `POST /quan-tri/quy-tac` with `do` = `add` (the rule's boxes), `enable` or `disable`
/// (`code`).
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = session.csrf_refusal(field(&form, "csrf")) {
        return r;
    }
    let caller = &session.caller;
    let outcome = match sent(&form, "do") {
        action @ ("enable" | "disable") => switch_rule(&state, caller, sent(&form, "code"), action == "enable")
            .await
            .map(|_| "switched"),
        _ => {
            let draft = draft_from(|name| sent(&form, name).to_string());
            add_rule(&state, caller, &draft).await.map(|_| "saved")
        }
    };
    match outcome {
        Ok(msg) => see_other(&format!("{PATH}?msg={msg}")),
        Err(ApiError::Invalid(problems)) if sent(&form, "do") == "add" => {
            let refused = Refused::new("rule", &form, problems, &FIELDS, session.lang);
            super::shown(
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                build(&state, &session, refused, None).await,
            )
        }
        Err(e) => session.api_error(e),
    }
}
