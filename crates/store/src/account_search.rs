//! The account list a province's administrator works with: a few hundred accounts, searched by
//! username, name, e-mail, agency or unit code, a page at a time, with each account's last
//! successful sign-in.

use crate::access::USER_COLUMNS;
use crate::{Store, StoreError, User};
use serde::Serialize;
use sqlx::Row;

/// Most accounts on one page.
pub const MAX_PER_PAGE: u32 = 200;

/// What to look for: `text` in the username, full name, e-mail or agency code (any case), or
/// exactly a unit's code; page 1 is the first.
#[derive(Debug, Clone)]
pub struct AccountSearch<'a> {
    pub text: &'a str,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListedAccount {
    #[serde(flatten)]
    pub user: User,
    /// When the account last signed in with its password (RFC 3339), if ever.
    pub last_sign_in: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountPage {
    pub accounts: Vec<ListedAccount>,
    /// Accounts matching, over all pages.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u32,
}

// `_` and `%` typed are themselves (escaped with `\`), not wildcards.
const MATCHES: &str =
    "($1 = '' OR LOWER(username) LIKE $2 ESCAPE '\\' OR LOWER(COALESCE(full_name, '')) LIKE $2 ESCAPE '\\'
    OR LOWER(COALESCE(email, '')) LIKE $2 ESCAPE '\\' OR LOWER(COALESCE(agency_code, '')) LIKE $2 ESCAPE '\\'
    OR unit_id IN (SELECT id FROM units WHERE code = $1))";

impl Store {
    /// One page of the accounts matching `search`, in username order.
    pub async fn search_accounts(&self, search: &AccountSearch<'_>) -> Result<AccountPage, StoreError> {
        let text = search.text.trim();
        // Lower-cased here: SQLite's LOWER leaves letters beyond ASCII (Đ, Ễ) as they are.
        let mut pattern = String::from("%");
        for c in text.to_lowercase().chars() {
            if matches!(c, '\\' | '%' | '_') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        let per_page = search.per_page.clamp(1, MAX_PER_PAGE);
        let page = search.page.max(1);
        let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM users WHERE {MATCHES}"
        )))
        .bind(text)
        .bind(&pattern)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, (SELECT MAX(a.at) FROM sign_in_attempts a
                 WHERE a.username = users.username AND a.succeeded = 1) AS last_sign_in
             FROM users WHERE {MATCHES} ORDER BY username LIMIT $3 OFFSET $4"
        )))
        .bind(text)
        .bind(&pattern)
        .bind(i64::from(per_page))
        .bind(i64::from((page - 1) * per_page))
        .fetch_all(&self.pool)
        .await?;
        let mut accounts = Vec::with_capacity(rows.len());
        for r in &rows {
            accounts.push(ListedAccount {
                user: self.user_from_row(r).await?,
                last_sign_in: r.try_get("last_sign_in")?,
            });
        }
        let pages = u32::try_from((total + i64::from(per_page) - 1) / i64::from(per_page)).unwrap_or(u32::MAX);
        Ok(AccountPage {
            accounts,
            total,
            page,
            per_page,
            pages: pages.max(1),
        })
    }
}
