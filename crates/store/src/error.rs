pub use binhdang_domain::input::FieldProblem;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The request names something that does not exist (a unit code, an indicator).
    #[error("{what} `{key}` not found")]
    NotFound { what: &'static str, key: String },
    /// The request was refused; nothing was written.
    #[error("the request was refused: {}", .0.iter().map(|p| p.message_en.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldProblem>),
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
