//! Checking a draft report without keeping it: `POST /api/v1/check?file=NAME` with the file's
//! bytes (plain text, DOCX, or PDF with a text layer) answers the figures the document states
//! and every inconsistency found in them, as `binhdang check --json` prints. Any signed-in
//! person may check; nothing is stored, not even the file's name.

use crate::AppState;
use crate::api::imports::{MAX_UPLOAD_BYTES, read_in_the_background, too_large};
use crate::api::{Query, given};
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::State;
use binhdang_ingest::Report;
use serde::Deserialize;
use serde_json::{Value, json};

/// Reads `bytes` as a report and checks it against the catalogue (the province's own
/// indicators included). Stores nothing.
pub async fn check_document(state: &AppState, file_name: &str, bytes: &[u8]) -> Result<Report, ApiError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(too_large(bytes.len()));
    }
    let indicators = state.store.indicators().await?;
    let (name, bytes) = (file_name.to_string(), bytes.to_vec());
    read_in_the_background(file_name, move || {
        binhdang_ingest::check_bytes(&name, &bytes, &indicators)
    })
    .await
}

/// The query of `POST /check`.
#[derive(Deserialize)]
pub struct CheckQuery {
    /// The file's name, said in the answer (default `report.txt`).
    file: Option<String>,
}

/// `POST /api/v1/check?file=NAME` with the file's bytes as the body.
pub async fn check(
    State(state): State<AppState>,
    Authenticated(_caller): Authenticated,
    Query(q): Query<CheckQuery>,
    body: axum::body::Body,
) -> ApiResult<Json<Report>> {
    let file_name = given(&q.file).unwrap_or("report.txt").to_string();
    let bytes = crate::api::templates::read_body_within(body, MAX_UPLOAD_BYTES).await?;
    Ok(Json(check_document(&state, &file_name, &bytes).await?))
}

pub(crate) fn extend_openapi(doc: &mut Value) {
    let finding = json!({ "type": "object", "properties": {
        "kind": { "type": "string", "enum": ["percent_mismatch", "over_100", "parts_total", "claimed_met", "conflicting_values", "unweighted_mean"] },
        "severity": { "enum": ["error", "warning"] },
        "section": { "type": "string" }, "position": { "type": "object" }, "quote": { "type": "string" },
        "stated": { "type": "string" }, "expected": { "type": "string" },
        "message_vi": { "type": "string" }, "message_en": { "type": "string" } } });
    doc["paths"].as_object_mut().expect("paths").insert(
        "/api/v1/check".into(),
        json!({ "post": {
            "summary": "Check a draft report (TXT, DOCX, PDF with a text layer) for inconsistent figures; stores nothing",
            "description": "Any signed-in person. The answer is what `binhdang check --json` prints: the format, the year \
                reported on, every figure stated and every finding (a percentage that does not follow from its counts, \
                parts that exceed their total, a target said to be met that is not, …) with the quote, what is stated, \
                what follows and the message in both languages.",
            "parameters": [{ "name": "file", "in": "query", "required": false, "schema": { "type": "string" },
                "example": "bao-cao-2024.docx", "description": "The file's name, said in the answer" }],
            "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
            "responses": {
                "200": { "description": "The figures and findings", "content": { "application/json": { "schema": { "type": "object", "properties": {
                    "file": { "type": "string" }, "format": { "type": "string" }, "year": { "type": "integer" },
                    "figures": { "type": "array", "items": { "type": "object" } },
                    "findings": { "type": "array", "items": finding } } } } } },
                "422": { "description": "A file that cannot be read (empty, binary, not UTF-8, damaged, too large)" } } } }),
    );
}
