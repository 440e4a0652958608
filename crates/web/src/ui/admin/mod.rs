//! The administration pages (`/quan-tri/…`): accounts, units in time (with the 2025
//! mapping), the catalogue and local targets, validation rules, and the reporting calendar
//! with period closure, unlocks and excuses. Every action goes through the same checks as
//! the JSON API (`require_admin` for accounts, catalogue, rules, calendar and closing;
//! `authorize` for unlocking and excusing a unit, which reviewers may do below them), and
//! every change is audited by the store. A refused form is shown again with what was typed
//! and each problem beside its box, in the page's language.

mod calendar;
mod catalogue;
mod exchange;
mod rules;
mod units;
mod users;

use super::{Chrome, Session, render};
use crate::AppState;
use crate::error::ApiError;
use crate::lang::Lang;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use binhdang_domain::access::Role;
use binhdang_store::FieldProblem;
use std::collections::{BTreeMap, HashMap};

pub const PATH: &str = "/quan-tri";

/// The administration routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(home))
        .route(users::PATH, get(users::page).post(users::submit))
        .route(units::PATH, get(units::page))
        .route(units::NAME_PATH, get(units::name))
        .route(catalogue::PATH, get(catalogue::page).post(catalogue::submit))
        .route(rules::PATH, get(rules::page).post(rules::submit))
        .route(calendar::PATH, get(calendar::page).post(calendar::submit))
        .route(exchange::PATH, get(exchange::page).post(exchange::submit))
        .route(
            exchange::IMPORT_PATH,
            axum::routing::post(exchange::import_file).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::imports::MAX_UPLOAD_BYTES + 64 * 1024,
            )),
        )
}

/// Whether the administration menu is for this role: administrators, and reviewers for the
/// units, unlocks and excuses.
pub fn shown_to(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Reviewer)
}

/// Refuses everyone but administrators and reviewers, saying so.
fn admin_or_reviewer(session: &Session) -> Result<(), ApiError> {
    if shown_to(session.caller.user.role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden {
            code: "admin_only",
            message_en: "only administrators and reviewers use the administration pages".into(),
            message_vi: "Chỉ quản trị hệ thống và chuyên viên tổng hợp được dùng các trang quản trị".into(),
        })
    }
}

/// A link on the administration home page.
pub struct Section {
    pub href: &'static str,
    pub title: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomePage {
    c: Chrome,
    sections: Vec<Section>,
}

/// `GET /quan-tri`
async fn home(session: Session) -> Response {
    if let Err(e) = admin_or_reviewer(&session) {
        return session.api_error(e);
    }
    let admin = session.caller.user.role == Role::Admin;
    let t = |vi: &str, en: &str| session.t(vi, en).to_string();
    let mut sections = Vec::new();
    if admin {
        sections.push(Section {
            href: users::PATH,
            title: t("Người dùng", "Users"),
            text: t(
                "Tài khoản, vai trò và đơn vị; thêm tài khoản, khóa tài khoản, cấp lại mật khẩu dùng một lần.",
                "Accounts, roles and units; add an account, disable one, issue a new one-time password.",
            ),
        });
    }
    sections.push(Section {
        href: units::PATH,
        title: t("Đơn vị hành chính", "Administrative units"),
        text: t(
            "Đơn vị tại một ngày, đơn vị cấp trên và cấp dưới; sắp xếp năm 2025: tỉnh cũ nhập vào đâu, tỉnh mới gồm những tỉnh nào.",
            "A unit on a date with its parent and children; the 2025 reform: where an old province went, what a new one came from.",
        ),
    });
    if admin {
        sections.push(Section {
            href: catalogue::PATH,
            title: t("Danh mục chỉ tiêu và chỉ tiêu địa phương", "Catalogue and local targets"),
            text: t(
                "23 chỉ tiêu theo mục tiêu, chỉ tiêu quốc gia 2025 và 2030; đặt chỉ tiêu riêng của một địa phương cho một giai đoạn.",
                "The 23 indicators by objective with the 2025 and 2030 national targets; set a unit's own target for a phase.",
            ),
        });
        sections.push(Section {
            href: exchange::PATH,
            title: t("Trao đổi dữ liệu (DHIS2, ADX)", "Data exchange (DHIS2, ADX)"),
            text: t(
                "Nhập, xuất bộ số liệu với các hệ thống họ DHIS2 (JSON, XML, ADX, CSV); bảng mã của hệ thống bên kia.",
                "Import and export data value sets with DHIS2-family systems (JSON, XML, ADX, CSV); the other system's codes.",
            ),
        });
        sections.push(Section {
            href: rules::PATH,
            title: t("Quy tắc kiểm tra", "Validation rules"),
            text: t(
                "Các kiểm tra có sẵn theo danh mục và các quy tắc tự đặt; thêm, bật, tắt quy tắc.",
                "The built-in checks and the configured rules; add, enable or disable a rule.",
            ),
        });
    }
    sections.push(Section {
        href: calendar::PATH,
        title: t("Lịch báo cáo", "Reporting calendar"),
        text: if admin {
            t(
                "Chế độ báo cáo và hạn nộp theo cấp; khóa kỳ nhập liệu, mở khóa cho một đơn vị, miễn báo cáo cho đơn vị cấp dưới.",
                "Programmes and deadlines per level; close a period, unlock it for a unit, excuse a unit below.",
            )
        } else {
            t(
                "Hạn nộp theo cấp; mở khóa kỳ đã khóa cho đơn vị cấp dưới, miễn báo cáo cho đơn vị cấp dưới.",
                "Deadlines per level; unlock a closed period for a unit below, excuse a unit below.",
            )
        },
    });
    let page = HomePage {
        c: session.chrome(session.t("Quản trị", "Administration"), PATH),
        sections,
    };
    render(StatusCode::OK, &page)
}

/// A choice in a select box.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One box of an administration form.
pub struct Input {
    pub id: String,
    pub name: &'static str,
    pub label: String,
    /// `text`, `select`, `textarea` or `checkbox`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub hint: String,
    pub error: String,
    pub required: bool,
    /// For a unit code: the page that names the unit as one types (htmx), and the name
    /// of the unit typed so far.
    pub lookup: &'static str,
    pub looked_up: String,
}

impl Input {
    pub fn error_id(&self) -> String {
        format!("{}-error", self.id)
    }

    pub fn hint_id(&self) -> String {
        format!("{}-hint", self.id)
    }

    /// The ids that describe the box: its hint and its error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(self.hint_id());
        }
        if !self.error.is_empty() {
            ids.push(self.error_id());
        }
        ids.join(" ")
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Input {
        self.hint = hint.into();
        self
    }

    pub fn optional(mut self) -> Input {
        self.required = false;
        self
    }

    /// A unit code box that names the unit typed into it.
    pub async fn naming_unit(mut self, state: &AppState, lang: Lang) -> Result<Input, ApiError> {
        self.lookup = units::NAME_PATH;
        self.looked_up = units::unit_name_of(state, &self.value, lang).await?;
        Ok(self)
    }
}

/// The code of the unit typed in a box, by its code or by its name (see
/// `request::typed_unit`), among the units at or below the person's own as they stand today.
pub async fn unit_code_typed(state: &AppState, session: &Session, typed: &str) -> Result<String, ApiError> {
    crate::ui::request::typed_unit(state, session, typed, state.store.today()).await
}

/// A form that was refused: which one, what was typed, and what is wrong, by box.
#[derive(Default)]
pub struct Refused {
    form: String,
    typed: HashMap<String, String>,
    by_field: BTreeMap<String, Vec<String>>,
    general: Vec<String>,
}

impl Refused {
    /// Sorts the problems onto the form's boxes (`fields`); the others are said above it.
    pub fn new(
        form: &str,
        typed: &[(String, String)],
        problems: Vec<FieldProblem>,
        fields: &[&str],
        lang: Lang,
    ) -> Refused {
        let mut refused = Refused {
            form: form.to_string(),
            typed: typed.iter().cloned().collect(),
            ..Refused::default()
        };
        for p in problems {
            let text = super::message_in(&p, lang);
            if fields.contains(&p.field.as_str()) {
                refused.by_field.entry(p.field).or_default().push(text);
            } else {
                refused.general.push(text);
            }
        }
        refused
    }

    /// The problems of `form` that belong to no box.
    pub fn general(&self, form: &str) -> Vec<String> {
        if self.form == form {
            self.general.clone()
        } else {
            Vec::new()
        }
    }

    /// Whether this form is the one refused.
    pub fn is(&self, form: &str) -> bool {
        !self.form.is_empty() && self.form == form
    }
}

/// Builds the boxes of one form, keeping what was typed into it when it was refused.
pub struct Form<'a> {
    key: &'a str,
    refused: &'a Refused,
}

impl<'a> Form<'a> {
    pub fn new(key: &'a str, refused: &'a Refused) -> Form<'a> {
        Form { key, refused }
    }

    fn input(&self, kind: &'static str, name: &'static str, label: &str, default: String) -> Input {
        let mine = self.refused.is(self.key);
        let value = if mine {
            self.refused.typed.get(name).cloned().unwrap_or_default()
        } else {
            default
        };
        let error = if mine {
            self.refused.by_field.get(name).map(|m| m.join(" ")).unwrap_or_default()
        } else {
            String::new()
        };
        Input {
            id: format!("{}-{}", self.key, name.replace('_', "-")),
            name,
            label: label.to_string(),
            kind,
            value,
            options: Vec::new(),
            hint: String::new(),
            error,
            required: true,
            lookup: "",
            looked_up: String::new(),
        }
    }

    pub fn text(&self, name: &'static str, label: &str, default: impl Into<String>) -> Input {
        self.input("text", name, label, default.into())
    }

    pub fn textarea(&self, name: &'static str, label: &str, default: impl Into<String>) -> Input {
        self.input("textarea", name, label, default.into())
    }

    /// A check box; `checked` when nothing was typed yet.
    pub fn checkbox(&self, name: &'static str, label: &str, checked: bool) -> Input {
        let mut input = self.input(
            "checkbox",
            name,
            label,
            if checked { "1".into() } else { String::new() },
        );
        input.required = false;
        input
    }

    /// A select box of `(value, label)` pairs, `default` chosen unless something else was.
    pub fn select(&self, name: &'static str, label: &str, options: Vec<(String, String)>, default: &str) -> Input {
        let mut input = self.input("select", name, label, default.to_string());
        input.options = options
            .into_iter()
            .map(|(value, label)| Choice {
                selected: value == input.value,
                value,
                label,
            })
            .collect();
        input
    }
}

/// The field of a form, trimmed (`""` when absent).
pub fn sent<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    super::field(form, name).map(str::trim).unwrap_or("")
}

/// The unit's full name with its code, for tables: `Tỉnh Lai Châu (12)`.
pub fn unit_label(unit: &binhdang_store::UnitSummary) -> String {
    format!("{} ({})", unit.full_name, unit.code)
}

/// The frame of an administration page, with a notice of what was done, or that the
/// refused form saved nothing.
pub fn frame(session: &Session, title_vi: &str, title_en: &str, refused: &Refused, done: Option<String>) -> Chrome {
    let c = session.chrome(session.t(title_vi, title_en), PATH);
    if !refused.form.is_empty() {
        let text = session.t(
            "Chưa lưu: xem các ô được đánh dấu bên dưới.",
            "Nothing was saved: see the boxes marked below.",
        );
        return c.with_notice("error", text);
    }
    match done {
        Some(text) => c.with_notice("ok", text),
        None => c,
    }
}

/// The refusal of an administrators' form: without this session's CSRF token, or from
/// someone else.
pub async fn refuse_unless_admin(
    state: &AppState,
    session: &Session,
    form: &[(String, String)],
    subject: &str,
) -> Option<Response> {
    if let Some(refusal) = session.csrf_refusal(super::field(form, "csrf")) {
        return Some(refusal);
    }
    crate::auth::require_admin(state, &session.caller, subject)
        .await
        .err()
        .map(|e| session.api_error(e))
}

/// A page with its status, or the refusal to build it as an error page.
pub fn shown<T: Template>(session: &Session, status: StatusCode, page: Result<T, ApiError>) -> Response {
    match page {
        Ok(page) => render(status, &page),
        Err(e) => session.api_error(e),
    }
}
