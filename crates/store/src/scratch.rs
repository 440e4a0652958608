//! What the benchmarks need from a database besides the system's own tables: a scratch
//! PostgreSQL database made and dropped by name, accounts made in bulk, and the server's
//! version for the report. Here so that only this crate speaks SQL.

use crate::{Backend, Store, StoreError};
use binhdang_domain::access::Role;
use sqlx::{Connection, Row};

/// A scratch database's name: lower-case letters, digits and `_`, so it is safe in SQL.
fn checked_name(name: &str) -> Result<&str, StoreError> {
    let safe = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if safe {
        Ok(name)
    } else {
        Err(StoreError::DataFile(format!("`{name}` is not a usable database name")))
    }
}

/// Creates the PostgreSQL database `name` on the server of `admin_url` (which ends in
/// `/DATABASE`) and answers the new database's URL.
pub async fn create_postgres_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
    let name = checked_name(name)?;
    let (base, _) = admin_url
        .rsplit_once('/')
        .ok_or_else(|| StoreError::DataFile("the PostgreSQL URL must end with /DATABASE".into()))?;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(admin_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    let _ = conn.close().await;
    Ok(format!("{base}/{name}"))
}

/// Drops the PostgreSQL database `name`, closing its sessions.
pub async fn drop_postgres_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    let name = checked_name(name)?;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(admin_url).await?;
    let result = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await;
    let _ = conn.close().await;
    result.map(|_| ()).map_err(StoreError::from)
}

/// One account to make with [`Store::add_accounts_sharing_a_password`].
pub struct BulkAccount<'a> {
    pub username: &'a str,
    pub role: Role,
    pub unit_id: i64,
}

impl Store {
    /// The database server's version (empty when it cannot be read).
    pub async fn server_version(&self) -> String {
        let sql = match self.backend() {
            Backend::Sqlite => "SELECT sqlite_version() AS v",
            Backend::Postgres => "SELECT current_setting('server_version') AS v",
        };
        match sqlx::query(sql).fetch_one(self.pool()).await {
            Ok(r) => r.try_get::<String, _>("v").unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Makes many accounts in one transaction with one password hash shared by all: Argon2
    /// makes [`Store::add_user`] take tens of milliseconds an account, too slow for the
    /// deadline-day benchmark's hundreds. Not audited: for benchmarks' scratch databases only.
    pub async fn add_accounts_sharing_a_password(
        &self,
        accounts: &[BulkAccount<'_>],
        password_hash: &str,
    ) -> Result<(), StoreError> {
        let now = self
            .clock
            .now()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let mut tx = self.pool().begin().await?;
        for a in accounts {
            sqlx::query(
                "INSERT INTO users (username, role, unit_id, agency_code, password_hash, must_change_password, disabled, created_at)
                 VALUES ($1, $2, $3, NULL, $4, 0, 0, $5)",
            )
            .bind(a.username)
            .bind(a.role.as_str())
            .bind(a.unit_id)
            .bind(password_hash)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
