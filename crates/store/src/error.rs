use serde::Serialize;

/// One thing wrong with a request, named by the field it concerns (`values[3].value`), in
/// both languages so the interface can show either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message_en: String,
    pub message_vi: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, code: &str, message_en: String, message_vi: String) -> Self {
        FieldProblem {
            field: field.into(),
            code: code.to_string(),
            message_en,
            message_vi,
        }
    }
}

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
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
