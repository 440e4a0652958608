//! Accounts, passwords, sessions, personal access tokens, sign-in rate limits, the reach of a
//! user's scope, and the general audit log.

use crate::error::{OnUnique, Unique};
use crate::{FieldProblem, Store, StoreError, UnitSummary};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use binhdang_domain::access::{Reach, Role};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use time::{Duration, OffsetDateTime};

/// How long a browser session lasts without signing in again.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins tolerated within [`RATE_WINDOW_MINUTES`]: for one account from one
/// address (then that address may not try the account again), for one account from anywhere
/// (a guess spread over many addresses), and from one address over all accounts (beyond it,
/// every attempt from the address waits [`Store::sign_in_delay`], but correct credentials of
/// another account still sign in: behind a shared proxy address, nobody is locked out).
pub const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: i64 = 5;
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 25;
pub const FAILURES_BEFORE_ADDRESS_DELAY: i64 = 20;
/// The longest an address is made to wait before each attempt.
pub const MAX_ADDRESS_DELAY_SECONDS: i64 = 10;
pub const RATE_WINDOW_MINUTES: i64 = 15;
/// How long a token made through the API or the command line lasts unless asked otherwise,
/// and the longest it may.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;
pub const MAX_TOKEN_DAYS: i64 = 365;

/// A personal access token as its owner sees it: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub struct User {
    #[serde(skip)]
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub unit: UnitSummary,
    pub agency_code: Option<String>,
    pub must_change_password: bool,
    pub disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub role: Role,
    pub unit_code: &'a str,
    pub agency_code: Option<&'a str>,
    pub password: &'a str,
    pub must_change_password: bool,
}

/// A browser session: the id goes in an HttpOnly cookie, the CSRF token in forms.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub csrf_token: String,
}

#[derive(Debug)]
pub enum SignInError {
    /// Too many failures for this account or address; try again after the given time.
    RateLimited {
        retry_after_seconds: i64,
    },
    /// Wrong username or password, or a disabled account (not told apart, on purpose).
    Invalid,
    Store(StoreError),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> Self {
        SignInError::Store(e)
    }
}

impl From<sqlx::Error> for SignInError {
    fn from(e: sqlx::Error) -> Self {
        SignInError::Store(e.into())
    }
}

/// Who did something and from where, for the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub actor: &'a str,
    pub origin: &'a str,
    pub action: &'a str,
    pub unit_id: Option<i64>,
    pub period: Option<&'a str>,
    pub subject: &'a str,
    pub old_value: Option<serde_json::Value>,
    pub new_value: Option<serde_json::Value>,
    pub reason: Option<&'a str>,
}

/// A random secret, hex-encoded: 32 bytes from the operating system.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    hex::encode(bytes)
}

/// Only this hash of a session id or token is stored.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn hash_password(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Config(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn password_problems(password: &str) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        problems.push(FieldProblem::new(
            "password",
            "password_too_short",
            format!("the password needs at least {MIN_PASSWORD_CHARS} characters"),
            format!("Mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự"),
        ));
    }
    problems
}

/// `users.username` is `UNIQUE` (migrations `0005_access_workflow.sql`).
pub(crate) const USERNAME: Unique = Unique {
    sqlite: "users.username",
    postgres: "users_username_key",
};

/// Why `username` cannot be a username, if it cannot: reported under `field`.
pub(crate) fn username_problem(field: &str, username: &str) -> Option<FieldProblem> {
    let valid = (3..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    (!valid).then(|| {
        FieldProblem::new(
            field,
            "bad_username",
            "a username has 3–64 characters: lower-case letters, digits, dot, dash or underscore".into(),
            "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới".into(),
        )
    })
}

pub(crate) const USER_COLUMNS: &str =
    "id, username, role, unit_id, agency_code, password_hash, must_change_password, disabled, full_name, email, phone";

impl Store {
    pub(crate) async fn user_from_row(&self, r: &sqlx::any::AnyRow) -> Result<User, StoreError> {
        let role: String = r.try_get("role")?;
        let unit_id: i64 = r.try_get("unit_id")?;
        let unit = self.unit_by_id_required(unit_id).await?;
        Ok(User {
            id: r.try_get("id")?,
            username: r.try_get("username")?,
            role: role.parse().map_err(StoreError::Corrupt)?,
            unit,
            agency_code: r.try_get("agency_code")?,
            must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
            disabled: r.try_get::<i64, _>("disabled")? != 0,
            full_name: r.try_get("full_name")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
        })
    }

    /// Creates an account. The unit is the version of its code valid today.
    pub async fn add_user(&self, new: &NewUser<'_>, actor: &str, origin: &str) -> Result<User, StoreError> {
        let mut problems = password_problems(new.password);
        let username = new.username.trim();
        problems.extend(username_problem("username", username));
        // The version of the code valid today, or its latest one: accounts for units that
        // ended in 2025 still exist for the periods those units reported.
        let today = self.clock.today();
        let unit = match self.unit_on(new.unit_code, today).await {
            Ok(u) => Some(u),
            Err(_) => {
                problems.push(crate::unknown_unit("unit", new.unit_code));
                None
            }
        };
        if let Some(agency) = new.agency_code
            && !self
                .agency_is_open(unit.as_ref().map(|u| u.id).unwrap_or(-1), agency)
                .await?
        {
            problems.push(FieldProblem::new(
                "agency",
                "unknown_agency",
                format!("the unit has no agency `{agency}`"),
                format!("Đơn vị không có cơ quan `{agency}`"),
            ));
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let unit = unit.expect("checked above");
        let hash = hash_password(new.password)?;
        // The insert is the check that the username is free: a look beforehand could find it
        // free for two administrators adding the same account at once.
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO users (username, role, unit_id, agency_code, password_hash, must_change_password, disabled, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
        )
        .bind(username)
        .bind(new.role.as_str())
        .bind(unit.id)
        .bind(new.agency_code.map(str::to_string))
        .bind(hash)
        .bind(i64::from(new.must_change_password))
        .bind(self.now_text())
        .execute(&mut *tx)
        .await
        .on_unique(USERNAME, || {
            FieldProblem::new(
                "username",
                "username_taken",
                format!("the username `{username}` is taken"),
                format!("Tên đăng nhập `{username}` đã có người dùng"),
            )
        })?;
        let entry = AuditEntry {
            actor,
            origin,
            action: "user.create",
            unit_id: Some(unit.id),
            period: None,
            subject: username,
            old_value: None,
            new_value: Some(serde_json::json!({"role": new.role, "unit": unit.code, "agency": new.agency_code})),
            reason: None,
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        self.user_by_name(username)
            .await?
            .ok_or_else(|| StoreError::Corrupt("user vanished".into()))
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        match sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username.trim())
            .fetch_optional(&self.pool)
            .await?
        {
            Some(r) => Ok(Some(self.user_from_row(&r).await?)),
            None => Ok(None),
        }
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.user_from_row(r).await?);
        }
        Ok(out)
    }

    /// Disables an account, ending its sessions and tokens. The last active administrator
    /// cannot be disabled (nobody could then manage the accounts).
    pub async fn disable_user(&self, username: &str, actor: &str, origin: &str) -> Result<(), StoreError> {
        self.set_disabled(username, true, actor, origin).await
    }

    /// Lets a disabled account sign in again (its password is the one it had; an
    /// administrator may reset it too).
    pub async fn enable_user(&self, username: &str, actor: &str, origin: &str) -> Result<(), StoreError> {
        self.set_disabled(username, false, actor, origin).await
    }

    async fn set_disabled(&self, username: &str, disabled: bool, actor: &str, origin: &str) -> Result<(), StoreError> {
        let user = self.existing_user(username).await?;
        let mut tx = self.begin_write().await?;
        if disabled && user.role == Role::Admin && !user.disabled {
            lock_administrators(&mut tx, self.backend).await?;
            let others: i64 =
                sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND id <> $1")
                    .bind(user.id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("n")?;
            if others == 0 {
                return Err(StoreError::Invalid(vec![FieldProblem::new(
                    "username",
                    "last_admin",
                    format!(
                        "{username} is the last active administrator and cannot be disabled; make another administrator first"
                    ),
                    format!(
                        "{username} là quản trị hệ thống duy nhất còn hoạt động nên không thể khóa; hãy tạo một quản trị khác trước"
                    ),
                )]));
            }
        }
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            end_sessions_and_tokens(&mut tx, user.id, None, &self.now_text()).await?;
        }
        let entry = AuditEntry {
            actor,
            origin,
            action: if disabled { "user.disable" } else { "user.enable" },
            unit_id: Some(user.unit.id),
            period: None,
            subject: &user.username,
            old_value: Some(serde_json::json!({"disabled": user.disabled})),
            new_value: Some(serde_json::json!({"disabled": disabled})),
            reason: None,
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a password: by its owner (`must_change` false) or as an administrator's reset
    /// (`must_change` true: the user chooses a new one at the next sign-in).
    pub async fn set_password(
        &self,
        username: &str,
        password: &str,
        must_change: bool,
        actor: &str,
        origin: &str,
    ) -> Result<(), StoreError> {
        self.set_password_keeping(username, password, must_change, None, actor, origin)
            .await
    }

    /// [`Store::set_password`], keeping the session `keep_session` (the one the owner changed
    /// their password in) while every other session and every token of the user ends.
    async fn set_password_keeping(
        &self,
        username: &str,
        password: &str,
        must_change: bool,
        keep_session: Option<&str>,
        actor: &str,
        origin: &str,
    ) -> Result<(), StoreError> {
        let problems = password_problems(password);
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let user = self.existing_user(username).await?;
        let hash = hash_password(password)?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(hash)
            .bind(i64::from(must_change))
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        // A new password ends every other way in: an administrator's reset ends all sessions
        // and tokens; the owner's own change keeps only the session it was made in.
        end_sessions_and_tokens(&mut tx, user.id, keep_session, &self.now_text()).await?;
        let action = if must_change {
            "user.password_reset"
        } else {
            "user.password_change"
        };
        let entry = AuditEntry {
            actor,
            origin,
            action,
            unit_id: Some(user.unit.id),
            period: None,
            subject: &user.username,
            old_value: None,
            new_value: None,
            reason: None,
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user changes their own password, proving the old one. Their other sessions and all
    /// their tokens end; `session` (the session it is done in, if any) stays signed in.
    pub async fn change_password(
        &self,
        user: &User,
        old: &str,
        new: &str,
        session: Option<&str>,
        origin: &str,
    ) -> Result<(), StoreError> {
        let hash: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(user.id)
            .fetch_one(&self.pool)
            .await?
            .try_get("password_hash")?;
        if !verify_password(old, &hash) {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "old_password",
                "wrong_password",
                "the current password is not right".into(),
                "Mật khẩu hiện tại không đúng".into(),
            )]));
        }
        if old == new {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "new_password",
                "same_password",
                "choose a password different from the current one".into(),
                "Hãy chọn mật khẩu khác mật khẩu hiện tại".into(),
            )]));
        }
        self.set_password_keeping(&user.username, new, false, session, &user.username, origin)
            .await
    }

    /// How long an attempt from `address` waits first: nothing up to
    /// [`FAILURES_BEFORE_ADDRESS_DELAY`] failures in the window, then a second more for each
    /// failure beyond, at most [`MAX_ADDRESS_DELAY_SECONDS`].
    pub async fn sign_in_delay(&self, address: &str) -> Result<std::time::Duration, StoreError> {
        let since = rfc3339(self.clock.now() - Duration::minutes(RATE_WINDOW_MINUTES));
        let failures: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM sign_in_attempts WHERE address = $1 AND at >= $2 AND succeeded = 0")
                .bind(address)
                .bind(since)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
        let beyond = (failures - FAILURES_BEFORE_ADDRESS_DELAY + 1).clamp(0, MAX_ADDRESS_DELAY_SECONDS);
        Ok(std::time::Duration::from_secs(beyond as u64))
    }

    /// Checks a password under the limits above; on success opens a session. Every attempt is
    /// recorded, and recorded *before* the password is checked, in a transaction that counts
    /// the earlier ones (PostgreSQL: under an advisory lock on the account; SQLite: the single
    /// writer), so that many attempts at once cannot all pass the count: at most
    /// [`MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS`] passwords are ever checked.
    pub async fn sign_in(&self, username: &str, password: &str, address: &str) -> Result<(User, Session), SignInError> {
        let now = self.clock.now();
        let username = username.trim().to_lowercase();
        let attempt = self.reserve_attempt(&username, address, now).await?;
        let row = sqlx::query("SELECT id, password_hash, disabled FROM users WHERE username = $1")
            .bind(&username)
            .fetch_optional(&self.pool)
            .await?;
        let ok = match &row {
            Some(r) => {
                let hash: String = r.try_get("password_hash")?;
                verify_password(password, &hash) && r.try_get::<i64, _>("disabled")? == 0
            }
            // Spend the same time as a real check, so timing does not reveal usernames.
            None => {
                let _ = verify_password(password, DUMMY_HASH);
                false
            }
        };
        if !ok {
            return Err(SignInError::Invalid);
        }
        sqlx::query("UPDATE sign_in_attempts SET succeeded = 1 WHERE id = $1")
            .bind(attempt)
            .execute(&self.writer)
            .await?;
        let user = self.user_by_name(&username).await?.ok_or(SignInError::Invalid)?;
        let session = Session {
            id: new_secret(),
            csrf_token: new_secret(),
        };
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(secret_hash(&session.id))
        .bind(user.id)
        .bind(&session.csrf_token)
        .bind(rfc3339(now))
        .bind(rfc3339(now + Duration::hours(SESSION_HOURS)))
        .execute(&self.writer)
        .await?;
        Ok((user, session))
    }

    /// Counts the failures that limit an attempt and, if it may go ahead, records it as failed
    /// (until [`Store::sign_in`] finds the password right), in one transaction.
    async fn reserve_attempt(&self, username: &str, address: &str, now: OffsetDateTime) -> Result<i64, SignInError> {
        let since = rfc3339(now - Duration::minutes(RATE_WINDOW_MINUTES));
        let mut tx = self.begin_write().await?;
        if self.backend == crate::Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext('binhdang.sign_in'), hashtext($1))")
                .bind(username)
                .execute(&mut *tx)
                .await?;
        }
        let r = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(at) AS first,
                    SUM(CASE WHEN address = $3 THEN 1 ELSE 0 END) AS here,
                    MIN(CASE WHEN address = $3 THEN at END) AS first_here
             FROM sign_in_attempts WHERE username = $1 AND at >= $2 AND succeeded = 0",
        )
        .bind(username)
        .bind(&since)
        .bind(address)
        .fetch_one(&mut *tx)
        .await?;
        let (anywhere, first): (i64, Option<String>) = (r.try_get("n")?, r.try_get("first")?);
        let (here, first_here): (Option<i64>, Option<String>) = (r.try_get("here")?, r.try_get("first_here")?);
        let limited = if here.unwrap_or(0) >= MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS {
            first_here
        } else if anywhere >= MAX_FAILURES_PER_ACCOUNT {
            first
        } else {
            None
        };
        if let Some(first) = limited {
            let first = OffsetDateTime::parse(&first, &time::format_description::well_known::Rfc3339).unwrap_or(now);
            let retry = (first + Duration::minutes(RATE_WINDOW_MINUTES) - now)
                .whole_seconds()
                .max(1);
            return Err(SignInError::RateLimited {
                retry_after_seconds: retry,
            });
        }
        let id: i64 = sqlx::query(
            "INSERT INTO sign_in_attempts (username, address, at, succeeded) VALUES ($1, $2, $3, 0) RETURNING id",
        )
        .bind(username)
        .bind(address)
        .bind(rfc3339(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// The account named `username`, or not found (404).
    async fn existing_user(&self, username: &str) -> Result<User, StoreError> {
        self.user_by_name(username).await?.ok_or_else(|| StoreError::NotFound {
            what: "user",
            key: username.to_string(),
        })
    }

    /// The accounts whose sign-in is held back now by the limits above (too many wrong
    /// passwords within [`RATE_WINDOW_MINUTES`] from one address or in all), with their failed
    /// attempts: what an administrator sees beside the account, to lift it.
    pub async fn sign_in_limited(&self) -> Result<std::collections::HashMap<String, i64>, StoreError> {
        let since = rfc3339(self.clock.now() - Duration::minutes(RATE_WINDOW_MINUTES));
        let rows = sqlx::query(
            "SELECT username, address, COUNT(*) AS n FROM sign_in_attempts
             WHERE at >= $1 AND succeeded = 0 GROUP BY username, address",
        )
        .bind(&since)
        .fetch_all(&self.pool)
        .await?;
        let mut all: std::collections::HashMap<String, (i64, i64)> = std::collections::HashMap::new();
        for r in &rows {
            let (username, n): (String, i64) = (r.try_get("username")?, r.try_get("n")?);
            let e = all.entry(username).or_default();
            e.0 += n;
            e.1 = e.1.max(n);
        }
        Ok(all
            .into_iter()
            .filter(|(_, (total, most_from_one))| {
                *most_from_one >= MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS || *total >= MAX_FAILURES_PER_ACCOUNT
            })
            .map(|(username, (total, _))| (username, total))
            .collect())
    }

    /// Lifts the sign-in limit of an account (an administrator, once the owner is known to be
    /// the one who failed): its failed attempts are forgotten; audited.
    pub async fn lift_sign_in_limit(&self, username: &str, actor: &str, origin: &str) -> Result<u64, StoreError> {
        let user = self.existing_user(username).await?;
        let mut tx = self.begin_write().await?;
        let forgotten = sqlx::query("DELETE FROM sign_in_attempts WHERE username = $1 AND succeeded = 0")
            .bind(&user.username)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        self.audit_account(
            &mut tx,
            &user,
            "user.lift_sign_in_limit",
            Some(serde_json::json!({"failed_attempts": forgotten})),
            None,
            actor,
            origin,
        )
        .await?;
        tx.commit().await?;
        Ok(forgotten)
    }

    /// The user and CSRF token of a live session.
    pub async fn session_user(&self, session_id: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query("SELECT user_id, csrf_token, expires_at FROM sessions WHERE id_hash = $1")
            .bind(secret_hash(session_id))
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        let expires: String = r.try_get("expires_at")?;
        if expires < rfc3339(self.clock.now()) {
            return Ok(None);
        }
        let user_id: i64 = r.try_get("user_id")?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND disabled = 0");
        match sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?
        {
            Some(u) => Ok(Some((self.user_from_row(&u).await?, r.try_get("csrf_token")?))),
            None => Ok(None),
        }
    }

    pub async fn sign_out(&self, session_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(secret_hash(session_id))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Creates a personal access token and returns it; only its hash is kept.
    /// A token for `username` that does not expire (scripts' and tests' own tokens); people
    /// get expiring ones through [`Store::create_expiring_token`].
    pub async fn create_token(
        &self,
        username: &str,
        name: &str,
        actor: &str,
        origin: &str,
    ) -> Result<String, StoreError> {
        self.create_expiring_token(username, name, None, actor, origin).await
    }

    /// A token for `username` that works until `days` days from now (none: no end).
    pub async fn create_expiring_token(
        &self,
        username: &str,
        name: &str,
        days: Option<i64>,
        actor: &str,
        origin: &str,
    ) -> Result<String, StoreError> {
        Ok(self.issue_token(username, name, days, actor, origin).await?.0)
    }

    /// [`Store::create_expiring_token`], answering the token's listing too (its id and expiry).
    pub async fn issue_token(
        &self,
        username: &str,
        name: &str,
        days: Option<i64>,
        actor: &str,
        origin: &str,
    ) -> Result<(String, TokenInfo), StoreError> {
        if let Some(d) = days
            && !(1..=MAX_TOKEN_DAYS).contains(&d)
        {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "expires_in_days",
                "bad_days",
                format!("a token lasts from 1 to {MAX_TOKEN_DAYS} days, not {d}"),
                format!("Mã truy cập có hạn từ 1 đến {MAX_TOKEN_DAYS} ngày, không phải {d}"),
            )]));
        }
        let expires_at = days.map(|d| rfc3339(self.clock.now() + Duration::days(d)));
        let user = self.existing_user(username).await?;
        let token = format!("bd_{}", new_secret());
        let created_at = self.now_text();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO access_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
             RETURNING id",
        )
        .bind(user.id)
        .bind(name)
        .bind(secret_hash(&token))
        .bind(&created_at)
        .bind(&expires_at)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let change = serde_json::json!({"name": name, "expires_at": expires_at});
        self.audit_account(&mut tx, &user, "token.create", None, Some(change), actor, origin)
            .await?;
        tx.commit().await?;
        let info = TokenInfo {
            id,
            name: name.to_string(),
            created_at,
            last_used_at: None,
            expires_at,
            revoked_at: None,
        };
        Ok((token, info))
    }

    /// Writes the audit row of a change to an account (or its tokens) on the change's own
    /// transaction.
    #[allow(clippy::too_many_arguments)]
    async fn audit_account(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        user: &User,
        action: &str,
        old_value: Option<serde_json::Value>,
        new_value: Option<serde_json::Value>,
        actor: &str,
        origin: &str,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            actor,
            origin,
            action,
            unit_id: Some(user.unit.id),
            period: None,
            subject: &user.username,
            old_value,
            new_value,
            reason: None,
        };
        audit_in(tx, &entry, &self.now_text()).await
    }

    /// The user a bearer token belongs to, if the token is live (not revoked, not expired).
    pub async fn token_user(&self, token: &str) -> Result<Option<User>, StoreError> {
        let now = self.clock.now();
        let row = sqlx::query(
            "SELECT id, user_id, last_used_at FROM access_tokens WHERE token_hash = $1 AND revoked_at IS NULL
               AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(secret_hash(token))
        .bind(rfc3339(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let user_id: i64 = r.try_get("user_id")?;
        // The last use is kept to the hour: a write on every request would queue behind the
        // saves on deadline day for nothing.
        let last_used: Option<String> = r.try_get("last_used_at")?;
        let an_hour_ago = rfc3339(now - Duration::hours(1));
        if last_used.is_none_or(|t| t < an_hour_ago) {
            sqlx::query("UPDATE access_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(rfc3339(now))
                .bind(r.try_get::<i64, _>("id")?)
                .execute(&self.writer)
                .await?;
        }
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND disabled = 0");
        match sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?
        {
            Some(u) => Ok(Some(self.user_from_row(&u).await?)),
            None => Ok(None),
        }
    }

    /// A user's tokens, newest first (never the secret itself).
    pub async fn tokens_of(&self, username: &str) -> Result<Vec<TokenInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, t.name, t.created_at, t.last_used_at, t.expires_at, t.revoked_at
             FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = $1 ORDER BY t.id DESC",
        )
        .bind(username)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                    expires_at: r.try_get("expires_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    /// Revokes one token of `username` (audited); not found if it is not theirs.
    pub async fn revoke_token(&self, username: &str, id: i64, actor: &str, origin: &str) -> Result<(), StoreError> {
        let user = self.existing_user(username).await?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE access_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(self.now_text())
        .bind(id)
        .bind(user.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound {
                what: "token",
                key: id.to_string(),
            });
        }
        self.audit_account(
            &mut tx,
            &user,
            "token.revoke",
            None,
            Some(serde_json::json!({"token": id})),
            actor,
            origin,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn revoke_tokens(&self, username: &str, actor: &str, origin: &str) -> Result<usize, StoreError> {
        let user = self.existing_user(username).await?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE access_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(self.now_text())
            .bind(user.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        self.audit_account(
            &mut tx,
            &user,
            "token.revoke",
            None,
            Some(serde_json::json!({"revoked": done})),
            actor,
            origin,
        )
        .await?;
        tx.commit().await?;
        Ok(done as usize)
    }

    /// Where `unit` stands relative to the user's unit: the same unit, below it (through
    /// the hierarchy of its time or the 2025 mapping), or outside.
    pub async fn reach(&self, user: &User, unit: &UnitSummary) -> Result<Reach, StoreError> {
        if unit.id == user.unit.id {
            return Ok(Reach::Own);
        }
        let row = sqlx::query("SELECT COUNT(*) AS n FROM unit_ancestors WHERE unit_id = $1 AND ancestor_id = $2")
            .bind(unit.id)
            .bind(user.unit.id)
            .fetch_one(&self.pool)
            .await?;
        Ok(if row.try_get::<i64, _>("n")? > 0 {
            Reach::Below
        } else {
            Reach::Outside
        })
    }

    /// Whether an officer tied to an agency may enter values of `indicator`.
    pub async fn agency_covers(&self, agency_code: &str, indicator: &str) -> Result<bool, StoreError> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM agency_indicators WHERE agency_code = $1 AND indicator_code = $2")
                .bind(agency_code)
                .bind(indicator)
                .fetch_one(&self.pool)
                .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Records an event in the audit log (outside any other transaction).
    pub async fn audit(&self, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        audit_in(&mut tx, entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn unit_by_id_required(&self, id: i64) -> Result<UnitSummary, StoreError> {
        self.unit_summary_by_id(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("unit id {id}")))
    }
}

/// A valid argon2 hash of a random string, verified against when the username is unknown.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$Orj5z9wv+8p+EKGzJ23S9A$W18JPcZ1eQDjJwvvJAzi2jtU0AuTXm/0WUa8tvNiYX0";

/// Writes an audit row inside the caller's transaction, so the change and its record land
/// together or not at all.
pub(crate) async fn audit_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    e: &AuditEntry<'_>,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, origin, action, unit_id, period, subject, old_value, new_value, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(at)
    .bind(e.actor)
    .bind(e.origin)
    .bind(e.action)
    .bind(e.unit_id)
    .bind(e.period.map(str::to_string))
    .bind(e.subject)
    .bind(e.old_value.as_ref().map(|v| v.to_string()))
    .bind(e.new_value.as_ref().map(|v| v.to_string()))
    .bind(e.reason.map(str::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Serialises the changes that could leave no active administrator: on PostgreSQL an
/// advisory lock on a fixed key; on SQLite the single writer already does it.
async fn lock_administrators(tx: &mut sqlx::AnyConnection, backend: crate::Backend) -> Result<(), StoreError> {
    if backend == crate::Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('binhdang.administrators'))")
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Ends a user's sessions (but `keep`, a session id) and revokes all their tokens.
async fn end_sessions_and_tokens(
    tx: &mut sqlx::AnyConnection,
    user_id: i64,
    keep: Option<&str>,
    now: &str,
) -> Result<(), StoreError> {
    let kept = keep.map(secret_hash).unwrap_or_default();
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(kept)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE access_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
