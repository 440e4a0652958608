//! Accounts in bulk: a province's list of officers (a CSV with one account a row) checked
//! whole — every row, every column — before anything is written, then written in one
//! transaction with one audit entry an account. Each new account gets a one-time password
//! that must be changed at the first sign-in, returned once. Running the same list again
//! changes nothing: an account that exists as listed is left as it is.

use crate::access::{AuditEntry, USERNAME, audit_in, hash_password, new_secret, username_problem};
use crate::error::OnUnique;
use crate::lists::{problem_at as at, read_rows};
use crate::{FieldProblem, Store, StoreError};
use binhdang_domain::access::Role;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most accounts one list may hold (a province has a few hundred communes).
pub const MAX_ACCOUNTS: usize = 2_000;

/// One row of the list, as typed: `username,full_name,role,unit,agency,email,phone`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountRow {
    pub username: String,
    #[serde(default)]
    pub full_name: String,
    pub role: String,
    pub unit: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// Reads a list of accounts from CSV text (a heading row `username,full_name,role,unit,
/// agency,email,phone`; a byte-order mark is allowed; tab-separated as pasted from a
/// spreadsheet too): all rows, or the first that does not read, named by its row.
pub fn parse_account_list(text: &str) -> Result<Vec<AccountRow>, StoreError> {
    read_rows(text, "username,full_name,role,unit,agency,email,phone")
}

/// What a list did: the accounts it created with their one-time passwords (shown once), and
/// those that already existed as listed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccountsImported {
    pub created: Vec<CreatedAccount>,
    pub unchanged: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreatedAccount {
    pub username: String,
    pub one_time_password: String,
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A row checked: what will be written.
struct Checked {
    username: String,
    role: Role,
    unit_id: i64,
    unit_code: String,
    agency: Option<String>,
    full_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

impl Store {
    /// Creates the accounts of a list, all or none (see the module docs). A row is refused
    /// for a bad username, an unknown role, unit or agency, a malformed e-mail, a username
    /// listed twice, or a username that exists with another role, unit or agency.
    pub async fn import_accounts(
        &self,
        rows: &[AccountRow],
        actor: &str,
        origin: &str,
    ) -> Result<AccountsImported, StoreError> {
        if rows.is_empty() || rows.len() > MAX_ACCOUNTS {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "file",
                "bad_size",
                format!("the list must hold 1 to {MAX_ACCOUNTS} accounts, not {}", rows.len()),
                format!(
                    "Danh sách phải có từ 1 đến {MAX_ACCOUNTS} tài khoản, không phải {}",
                    rows.len()
                ),
            )]));
        }
        let today = self.clock.today();
        let mut problems = Vec::new();
        let mut checked = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            let n = i + 1;
            let first = seen.insert(r.username.trim().to_string(), n);
            let (row_problems, row) = self.check_account_row(n, r, first, today).await?;
            problems.extend(row_problems);
            checked.extend(row);
        }
        // Accounts that exist: unchanged when as listed, else refused.
        let mut out = AccountsImported::default();
        let mut new = Vec::new();
        for (c, n) in checked.into_iter().map(|c| {
            let n = seen[&c.username];
            (c, n)
        }) {
            match self.user_by_name(&c.username).await? {
                Some(u) if u.role == c.role && u.unit.id == c.unit_id && u.agency_code == c.agency => {
                    out.unchanged.push(c.username);
                }
                Some(u) => problems.push(at(
                    n,
                    "username",
                    "username_taken",
                    format!(
                        "`{}` exists already, as {} of {}",
                        u.username,
                        u.role.as_str(),
                        u.unit.code
                    ),
                    format!(
                        "`{}` đã có, là {} của đơn vị {}",
                        u.username,
                        u.role.as_str(),
                        u.unit.code
                    ),
                )),
                None => new.push(c),
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        out.created = self.write_new_accounts(new, actor, origin).await?;
        Ok(out)
    }

    /// Writes checked accounts with new one-time passwords, all in one transaction.
    async fn write_new_accounts(
        &self,
        new: Vec<Checked>,
        actor: &str,
        origin: &str,
    ) -> Result<Vec<CreatedAccount>, StoreError> {
        let mut created = Vec::new();
        // Hash first (slow by design), then write everything in one transaction.
        let mut hashed = Vec::with_capacity(new.len());
        for c in new {
            let password = new_secret()[..16].to_string();
            let hash = tokio::task::spawn_blocking({
                let password = password.clone();
                move || hash_password(&password)
            })
            .await
            .map_err(|e| StoreError::Config(e.to_string()))??;
            hashed.push((c, password, hash));
        }
        let now = self.now_text();
        let mut tx = self.begin_write().await?;
        for (c, password, hash) in hashed {
            sqlx::query(
                "INSERT INTO users (username, role, unit_id, agency_code, password_hash, must_change_password, disabled,
                    created_at, full_name, email, phone)
                 VALUES ($1, $2, $3, $4, $5, 1, 0, $6, $7, $8, $9)",
            )
            .bind(&c.username)
            .bind(c.role.as_str())
            .bind(c.unit_id)
            .bind(c.agency.clone())
            .bind(hash)
            .bind(&now)
            .bind(c.full_name.clone())
            .bind(c.email.clone())
            .bind(c.phone.clone())
            .execute(&mut *tx)
            .await
            .on_unique(USERNAME, || {
                FieldProblem::new(
                    "username",
                    "username_taken",
                    format!("`{}` was created meanwhile by someone else", c.username),
                    format!("`{}` vừa được người khác tạo", c.username),
                )
            })?;
            let entry = AuditEntry {
                actor,
                origin,
                action: "user.create",
                unit_id: Some(c.unit_id),
                period: None,
                subject: &c.username,
                old_value: None,
                new_value: Some(
                    serde_json::json!({"role": c.role, "unit": c.unit_code, "agency": c.agency, "in_bulk": true}),
                ),
                reason: None,
            };
            audit_in(&mut tx, &entry, &now).await?;
            created.push(CreatedAccount {
                username: c.username,
                one_time_password: password,
            });
        }
        tx.commit().await?;
        Ok(created)
    }

    /// Checks row `n` of a list (`listed_before`: the row that already listed its username).
    async fn check_account_row(
        &self,
        n: usize,
        r: &AccountRow,
        listed_before: Option<usize>,
        today: time::Date,
    ) -> Result<(Vec<FieldProblem>, Option<Checked>), StoreError> {
        let mut problems = Vec::new();
        let username = r.username.trim().to_string();
        problems.extend(
            username_problem("username", &username)
                .map(|p| at(n, "username", &p.code, p.message_en.clone(), p.message_vi.clone())),
        );
        if let Some(first) = listed_before {
            problems.push(at(
                n,
                "username",
                "listed_twice",
                format!("`{username}` is already listed in row {first}"),
                format!("`{username}` đã có ở dòng {first}"),
            ));
        }
        let role: Option<Role> = r.role.trim().parse().ok();
        if role.is_none() {
            problems.push(at(
                n,
                "role",
                "unknown_role",
                format!(
                    "`{}` is not a role: admin, officer, reviewer, leader or viewer",
                    r.role.trim()
                ),
                format!(
                    "`{}` không phải vai trò: admin, officer, reviewer, leader hoặc viewer",
                    r.role.trim()
                ),
            ));
        }
        let unit = self.unit_on(r.unit.trim(), today).await.ok();
        if unit.is_none() {
            problems.push(at(
                n,
                "unit",
                "unknown_unit",
                format!("there is no unit with the code `{}`", r.unit.trim()),
                format!("Không có đơn vị mã `{}`", r.unit.trim()),
            ));
        }
        let agency = non_empty(&r.agency);
        if let (Some(a), Some(u)) = (&agency, &unit)
            && !self.agency_is_open(u.id, a).await?
        {
            problems.push(at(
                n,
                "agency",
                "unknown_agency",
                format!("unit {} has no agency `{a}`", u.code),
                format!("Đơn vị {} không có cơ quan `{a}`", u.code),
            ));
        }
        let email = non_empty(&r.email);
        if let Some(e) = &email
            && !(e.contains('@') && !e.contains(char::is_whitespace) && e.len() <= 254)
        {
            problems.push(at(
                n,
                "email",
                "bad_email",
                format!("`{e}` is not an e-mail address"),
                format!("`{e}` không phải địa chỉ thư điện tử"),
            ));
        }
        let checked = match (role, unit) {
            (Some(role), Some(unit)) if problems.is_empty() => Some(Checked {
                username,
                role,
                unit_id: unit.id,
                unit_code: unit.code.to_string(),
                agency,
                full_name: non_empty(&r.full_name),
                email,
                phone: non_empty(&r.phone),
            }),
            _ => None,
        };
        Ok((problems, checked))
    }
}
