//! Accounts (`/quan-tri/nguoi-dung`, administrators): the list with role, unit, agency and
//! state; adding an account with a one-time password that must be changed at the first
//! sign-in; disabling one; issuing a new one-time password. A password the server makes is
//! shown once, on the page that answers the form, never in an address.

use super::{Form, Input, Refused, sent, unit_label};
use crate::AppState;
use crate::api::users::parse_role;
use crate::auth::require_admin;
use crate::error::ApiError;
use crate::ui::{Chrome, Session, role_label, see_other};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::access::Role;
use binhdang_store::NewUser;
use std::collections::HashMap;

pub const PATH: &str = "/quan-tri/nguoi-dung";
const FIELDS: [&str; 5] = ["username", "role", "unit", "agency", "password"];

pub struct UserRow {
    pub username: String,
    pub role: String,
    pub unit: String,
    pub agency: String,
    pub disabled: bool,
    /// Wrong passwords that hold the account's sign-in back now (0: not held back).
    pub held_back: i64,
    pub must_change_password: bool,
    pub full_name: String,
    /// dd/mm/yyyy hh:mm, or – when never.
    pub last_sign_in: String,
    /// The administrator's own account: no disabling it or resetting it from here (the
    /// password is changed on the password page).
    pub is_self: bool,
}

/// A one-time password just issued, shown once.
pub struct Issued {
    pub username: String,
    pub password: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserRow>,
    inputs: Vec<Input>,
    general: Vec<String>,
    /// Passwords just issued: one account's, or a list's.
    issued: Vec<Issued>,
    /// What is wrong with a pasted list of accounts (nothing was written), and the list.
    list_problems: Vec<String>,
    list: String,
    /// The search typed, and where the page stands in the matching accounts.
    search: String,
    total: i64,
    page_label: String,
    previous_page: Option<String>,
    next_page: Option<String>,
}

/// Which accounts the list shows: those matching `q`, page `page` (from 1).
#[derive(Default)]
struct Listing {
    q: String,
    page: u32,
}

/// Accounts a page of the list shows.
const ACCOUNTS_PER_PAGE: u32 = 50;

/// The link to another page of the same search.
fn listing_href(q: &str, page: u32) -> String {
    format!("{PATH}?q={}&page={page}#users-h", crate::ui::encode(q))
}

/// A one-time password that is easy to read out: 16 hexadecimal characters (64 random bits).
fn one_time_password() -> String {
    binhdang_store::access::new_secret()[..16].to_string()
}

/// `GET /quan-tri/nguoi-dung[?msg=disabled|enabled|lifted]`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let done = match q.get("msg").map(String::as_str) {
        Some("disabled") => Some(session.t("Đã khóa tài khoản.", "The account has been disabled.")),
        Some("enabled") => Some(session.t("Đã mở khóa tài khoản.", "The account has been enabled.")),
        Some("lifted") => Some(session.t(
            "Đã cho phép đăng nhập lại ngay (bỏ qua các lần nhập sai mật khẩu).",
            "The account may sign in again now (its wrong passwords are forgotten).",
        )),
        _ => None,
    }
    .map(str::to_string);
    let listing = Listing {
        q: q.get("q").map(|s| s.trim().to_string()).unwrap_or_default(),
        page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    };
    super::shown(
        &session,
        StatusCode::OK,
        build(&state, &session, Refused::default(), done, Vec::new(), listing).await,
    )
}

async fn build(
    state: &AppState,
    session: &Session,
    refused: Refused,
    done: Option<String>,
    issued: Vec<Issued>,
    listing: Listing,
) -> Result<UsersPage, ApiError> {
    require_admin(state, &session.caller, "users.page").await?;
    let lang = session.lang;
    let found = state
        .store
        .search_accounts(&binhdang_store::account_search::AccountSearch {
            text: &listing.q,
            page: listing.page,
            per_page: ACCOUNTS_PER_PAGE,
        })
        .await?;
    let page_label = format!("{} {} / {}", session.t("Trang", "Page"), found.page, found.pages);
    let previous_page = (found.page > 1).then(|| listing_href(&listing.q, found.page - 1));
    let next_page = (found.page < found.pages).then(|| listing_href(&listing.q, found.page + 1));
    let total = found.total;
    let held_back = state.store.sign_in_limited().await?;
    let users = found
        .accounts
        .into_iter()
        .map(|a| (a.last_sign_in, a.user))
        .map(|(last_sign_in, u)| UserRow {
            full_name: u.full_name.clone().unwrap_or_default(),
            last_sign_in: last_sign_in
                .as_deref()
                .map(crate::ui::format::timestamp)
                .unwrap_or_else(|| crate::ui::format::NONE.into()),
            role: role_label(u.role, lang).to_string(),
            unit: unit_label(&u.unit),
            agency: u.agency_code.clone().unwrap_or_default(),
            disabled: u.disabled,
            held_back: held_back.get(&u.username).copied().unwrap_or(0),
            must_change_password: u.must_change_password,
            is_self: u.username == session.caller.user.username,
            username: u.username,
        })
        .collect();
    let form = Form::new("add", &refused);
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), role_label(*r, lang).to_string()))
        .collect();
    let inputs = vec![
        form.text("username", session.t("Tên đăng nhập", "Username"), "")
            .with_hint(session.t(
                "3–64 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (ví dụ can.bo.doanket).",
                "3–64 characters: lower-case letters, digits, dot, dash, underscore (e.g. can.bo.doanket).",
            )),
        form.select("role", session.t("Vai trò", "Role"), roles, Role::Officer.as_str()),
        form.text("unit", session.t("Đơn vị (tên hoặc mã)", "Unit (name or code)"), "")
            .with_hint(session.t(
                "Mã của Tổng cục Thống kê: 2 chữ số cho tỉnh, 5 chữ số cho xã; VN cho toàn quốc.",
                "The statistics office's code: 2 digits for a province, 5 for a commune; VN for the country.",
            ))
            .naming_unit(state, lang)
            .await?,
        form.text("agency", session.t("Mã cơ quan (nếu có)", "Agency code (if any)"), "")
            .optional()
            .with_hint(session.t(
                "Cán bộ của một cơ quan chỉ nhập các chỉ tiêu cơ quan đó phụ trách.",
                "An officer of an agency enters only the indicators that agency answers for.",
            )),
        form.text("password", session.t("Mật khẩu dùng một lần", "One-time password"), "")
            .optional()
            .with_hint(session.t(
                "Để trống thì hệ thống tạo mật khẩu. Người dùng phải đổi mật khẩu ở lần đăng nhập đầu tiên.",
                "Leave empty to have one made. The user must change it at the first sign-in.",
            )),
    ];
    let general = refused.general("add");
    let c = super::frame(session, "Người dùng", "Users", &refused, done);
    Ok(UsersPage {
        c,
        users,
        inputs,
        general,
        issued,
        search: listing.q,
        total,
        page_label,
        previous_page,
        next_page,
        list_problems: Vec::new(),
        list: String::new(),
    })
}

/// `POST /quan-tri/nguoi-dung` with `do` = `add` (the account's boxes), `disable`, `enable`,
/// `lift` (its sign-in held back by wrong passwords) or `reset` (`username`).
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    if let Some(refusal) = super::refuse_unless_admin(&state, &session, &form, "users.page").await {
        return refusal;
    }
    let caller = &session.caller;
    let (actor, origin) = (caller.user.username.as_str(), caller.origin.as_str());
    let username = sent(&form, "username");
    let outcome = match sent(&form, "do") {
        "disable" => match state.store.disable_user(username, actor, origin).await {
            Ok(()) => return see_other(&format!("{PATH}?msg=disabled")),
            Err(e) => Err(ApiError::from(e)),
        },
        "enable" => match state.store.enable_user(username, actor, origin).await {
            Ok(()) => return see_other(&format!("{PATH}?msg=enabled")),
            Err(e) => Err(ApiError::from(e)),
        },
        "lift" => match state.store.lift_sign_in_limit(username, actor, origin).await {
            Ok(_) => return see_other(&format!("{PATH}?msg=lifted")),
            Err(e) => Err(ApiError::from(e)),
        },
        "reset" => {
            let password = one_time_password();
            match state.store.set_password(username, &password, true, actor, origin).await {
                Ok(()) => Ok(vec![Issued {
                    username: username.to_string(),
                    password,
                }]),
                Err(e) => Err(e.into()),
            }
        }
        "import" => return import(&state, &session, sent(&form, "list")).await,
        _ => add(&state, &session, &form).await.map(|i| vec![i]),
    };
    match outcome {
        Ok(issued) => {
            let done = session
                .t("Đã lưu tài khoản.", "The account has been saved.")
                .to_string();
            super::shown(
                &session,
                StatusCode::OK,
                build(
                    &state,
                    &session,
                    Refused::default(),
                    Some(done),
                    issued,
                    Listing::default(),
                )
                .await,
            )
        }
        Err(ApiError::Invalid(problems)) => {
            let refused = Refused::new("add", &form, problems, &FIELDS, session.lang);
            super::shown(
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                build(&state, &session, refused, None, Vec::new(), Listing::default()).await,
            )
        }
        Err(e) => session.api_error(e),
    }
}

/// Creates the accounts of a pasted list (CSV, or tab-separated from a spreadsheet): all or
/// none; the new one-time passwords are shown once, the problems with the rows that name them.
async fn import(state: &AppState, session: &Session, list: &str) -> Response {
    let caller = &session.caller;
    let done = match binhdang_store::accounts_in_bulk::parse_account_list(list) {
        Ok(rows) => {
            state
                .store
                .import_accounts(&rows, &caller.user.username, &caller.origin)
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(done) => {
            let message = format!(
                "{} {} · {} {}",
                done.created.len(),
                session.t("tài khoản mới", "new account(s)"),
                done.unchanged.len(),
                session.t("tài khoản đã có, giữ nguyên", "already there, left as they are"),
            );
            let issued = done
                .created
                .into_iter()
                .map(|a| Issued {
                    username: a.username,
                    password: a.one_time_password,
                })
                .collect();
            super::shown(
                session,
                StatusCode::OK,
                build(
                    state,
                    session,
                    Refused::default(),
                    Some(message),
                    issued,
                    Listing::default(),
                )
                .await,
            )
        }
        Err(binhdang_store::StoreError::Invalid(problems)) => {
            let page = build(state, session, Refused::default(), None, Vec::new(), Listing::default())
                .await
                .map(|mut page| {
                    page.list_problems = problems
                        .iter()
                        .map(|p| crate::ui::message_in(p, session.lang))
                        .collect();
                    page.list = list.to_string();
                    page
                });
            super::shown(session, StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(e) => session.api_error(e.into()),
    }
}

/// Adds the account the form describes; the password is the one typed, else a new one.
async fn add(state: &AppState, session: &Session, form: &[(String, String)]) -> Result<Issued, ApiError> {
    let role = parse_role(sent(form, "role"))?;
    let typed_password = sent(form, "password");
    let password = if typed_password.is_empty() {
        one_time_password()
    } else {
        typed_password.to_string()
    };
    let agency = Some(sent(form, "agency")).filter(|a| !a.is_empty());
    let unit = super::unit_code_typed(state, session, sent(form, "unit")).await?;
    let new = NewUser {
        username: sent(form, "username"),
        role,
        unit_code: &unit,
        agency_code: agency,
        password: &password,
        must_change_password: true,
    };
    let user = state
        .store
        .add_user(&new, &session.caller.user.username, &session.caller.origin)
        .await?;
    Ok(Issued {
        username: user.username,
        password,
    })
}
