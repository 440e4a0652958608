pub use binhdang_domain::input::FieldProblem;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The request names something that does not exist (a unit code, an indicator).
    #[error("{what} `{key}` not found")]
    NotFound { what: &'static str, key: String },
    /// The request was refused; nothing was written.
    #[error("the request was refused: {}", .0.iter().map(|p| p.message_en.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldProblem>),
    /// Values the writer expected to replace were changed by someone else since they were
    /// read; nothing was written.
    #[error("changed meanwhile: {}", .0.iter().map(|p| p.message_en.as_str()).collect::<Vec<_>>().join("; "))]
    Changed(Vec<FieldProblem>),
    #[error("configuration: {0}")]
    Config(String),
    /// A shipped data file is wrong; the message names the file and row.
    #[error("data file: {0}")]
    DataFile(String),
    /// What was read back from the database does not parse: a bug or a hand edit.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database is saturated: no connection came free in time, or a lock wait or
    /// deadlock ended the transaction. Nothing was written; the same request can be sent
    /// again a moment later.
    #[error("the database is busy: {0}")]
    Busy(String),
    #[error(transparent)]
    Database(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if is_busy(&e) {
            StoreError::Busy(e.to_string())
        } else {
            StoreError::Database(e)
        }
    }
}

/// Whether an error means "too much at once" rather than a fault: the pool's wait ran out,
/// SQLite's file lock stayed taken past the busy timeout, or PostgreSQL ended a transaction
/// to resolve a deadlock, a serialization conflict or a lock wait.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            let code = db.code();
            let code = code.as_deref().unwrap_or_default();
            // SQLite: SQLITE_BUSY (5), SQLITE_LOCKED (6) and their extended codes.
            // PostgreSQL: deadlock_detected, serialization_failure, lock_not_available.
            matches!(code, "5" | "6" | "40P01" | "40001" | "55P03")
                || code.parse::<i64>().is_ok_and(|c| c & 0xff == 5 || c & 0xff == 6)
        }
        _ => false,
    }
}

/// A UNIQUE constraint (or primary key) of the schema, as each backend names it when an
/// insert breaks it. The name is the database's own answer to "is this already taken?":
/// asked by the insert itself, it cannot go stale the way a `SELECT` before the insert can
/// when two requests claim the same name at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unique {
    /// The columns as SQLite lists them after "UNIQUE constraint failed: ", e.g.
    /// `users.username` (`t.a, t.b` for several columns; `index 'NAME'` for an index on
    /// expressions).
    pub(crate) sqlite: &'static str,
    /// The constraint's name on PostgreSQL, e.g. `users_username_key` (the name PostgreSQL
    /// gives a column's `UNIQUE`; `TABLE_pkey` for a primary key).
    pub(crate) postgres: &'static str,
}

impl Unique {
    /// Whether `e` is a violation of this constraint (and not of another one).
    pub(crate) fn is_violated_by(&self, e: &sqlx::Error) -> bool {
        let sqlx::Error::Database(db) = e else { return false };
        // The Any driver hands on the backend's own error, so `kind()` is SQLite's reading
        // of its extended code (2067 SQLITE_CONSTRAINT_UNIQUE, 1555 ..._PRIMARYKEY) or
        // PostgreSQL's of its SQLSTATE (23505).
        if !db.is_unique_violation() {
            return false;
        }
        match db.constraint() {
            // PostgreSQL names the constraint.
            Some(name) => name == self.postgres,
            // SQLite does not; its message lists the columns.
            None => db
                .message()
                .strip_prefix("UNIQUE constraint failed: ")
                .is_some_and(|columns| columns == self.sqlite),
        }
    }
}

/// Turns the violation of one unique constraint into a refusal naming the field.
pub(crate) trait OnUnique<T> {
    /// `Err(StoreError::Invalid(vec![problem()]))` when the statement broke `unique`; every
    /// other error is converted as `?` would (busy stays busy, the rest is a database
    /// error). On PostgreSQL the violation aborts the transaction: return the refusal and
    /// let the transaction drop, which rolls it back.
    fn on_unique(self, unique: Unique, problem: impl FnOnce() -> FieldProblem) -> Result<T, StoreError>;
}

impl<T> OnUnique<T> for Result<T, sqlx::Error> {
    fn on_unique(self, unique: Unique, problem: impl FnOnce() -> FieldProblem) -> Result<T, StoreError> {
        self.map_err(|e| {
            if unique.is_violated_by(&e) {
                StoreError::Invalid(vec![problem()])
            } else {
                e.into()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    const AGENCY_CODE: Unique = Unique {
        sqlite: "agencies.code",
        postgres: "agencies_code_key",
    };
    const USERNAME: Unique = Unique {
        sqlite: "users.username",
        postgres: "users_username_key",
    };
    /// A unique index on an expression.
    const UNIT_VERSION: Unique = Unique {
        sqlite: "index 'units_code_version'",
        postgres: "units_code_version",
    };
    /// A primary key of two columns.
    const SUCCESSION: Unique = Unique {
        sqlite: "unit_successions.predecessor_id, unit_successions.successor_id",
        postgres: "unit_successions_pkey",
    };

    fn taken() -> FieldProblem {
        FieldProblem::new("code", "taken", "taken".into(), "đã có".into())
    }

    async fn exec(store: &crate::Store, sql: &str) -> Result<(), sqlx::Error> {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(store.pool())
            .await
            .map(|_| ())
    }

    /// Adds an agency to the unit `unit` (none when no unit has that code: a foreign key
    /// violation).
    fn agency(code: &str, unit: &str, name: &str) -> String {
        format!(
            "INSERT INTO agencies (code, unit_id, name_vi)
             VALUES ('{code}', COALESCE((SELECT id FROM units WHERE code = '{unit}'), -1), '{name}')"
        )
    }

    /// Unit 01 went into unit 02.
    fn succession(kind: &str) -> String {
        format!(
            "INSERT INTO unit_successions (predecessor_id, successor_id, effective, kind)
             SELECT a.id, b.id, '2025-07-01', '{kind}' FROM units a, units b WHERE a.code = '01' AND b.code = '02'"
        )
    }

    fn is_refusal(r: Result<(), StoreError>) -> bool {
        match r {
            Err(StoreError::Invalid(p)) => p == [taken()],
            Err(StoreError::Database(_)) => false,
            other => panic!("neither a refusal nor a database error: {other:?}"),
        }
    }

    crate::on_both_backends! {
        async fn a_unique_violation_becomes_a_refusal_only_for_its_own_constraint(backend: Backend) {
            let db = TestDb::new(backend).await;
            let store = &db.store;
            for sql in [
                "INSERT INTO units (code, level, name) VALUES ('01', 'province', 'Một')",
                "INSERT INTO units (code, level, name) VALUES ('02', 'province', 'Hai')",
                &succession("merge"),
                &agency("01-SYT", "01", "Sở Y tế"),
            ] {
                exec(store, sql).await.unwrap();
            }
            let again = &agency("01-SYT", "02", "Sở Y tế");
            // Through the Any driver the backend's error kind survives, and the constraint is
            // recognised by its name (PostgreSQL) or its columns (SQLite).
            assert!(is_refusal(exec(store, again).await.on_unique(AGENCY_CODE, taken)));
            // Another constraint's violation is not this refusal: it stays a database error.
            assert!(!is_refusal(exec(store, again).await.on_unique(USERNAME, taken)));
            // Unique indexes on expressions and primary keys of several columns.
            let unit_again = "INSERT INTO units (code, level, name) VALUES ('01', 'province', 'Một')";
            assert!(is_refusal(exec(store, unit_again).await.on_unique(UNIT_VERSION, taken)));
            assert!(!is_refusal(exec(store, unit_again).await.on_unique(AGENCY_CODE, taken)));
            let succession_again = &succession("split");
            assert!(is_refusal(exec(store, succession_again).await.on_unique(SUCCESSION, taken)));
            // Other violations (a CHECK, a foreign key) pass through.
            let blank = &agency("02-SYT", "02", "");
            assert!(!is_refusal(exec(store, blank).await.on_unique(AGENCY_CODE, taken)));
            let orphan = &agency("09-SYT", "09", "Sở Y tế");
            assert!(!is_refusal(exec(store, orphan).await.on_unique(AGENCY_CODE, taken)));
            // A statement that succeeds is untouched.
            let fresh = &agency("02-SYT", "02", "Sở Y tế");
            assert!(exec(store, fresh).await.on_unique(AGENCY_CODE, taken).is_ok());
        }
    }
}
