//! Importing a legacy report's figures: reading the file and keeping what its figures
//! propose as a pending batch ([`import_report`], also used by `binhdang import report`),
//! and the API routes that show a batch, record decisions and store the confirmed values.
//! Nothing reaches the data values before the store call.

use crate::AppState;
use crate::api::unit_period::UnitPeriod;
use crate::api::{JsonBody, Query, given};
use crate::auth::{Authenticated, Caller, authorize};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use binhdang_domain::Period;
use binhdang_domain::access::Action;
use binhdang_store::{
    Actor, Decision, DecisionInput, ImportBatch, NewImport, NewImportRow, NewImportTarget, NewProposal,
    RowDecisionInput, Store, TargetDecisionInput, UnitSummary, WriteSummary,
};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Largest file accepted for import (a DOCX with pictures can be large; its text is limited
/// separately by the reader).
pub const MAX_UPLOAD_BYTES: usize = 16 * 1024 * 1024;

/// Reads `bytes` as a report, proposes the data values its figures state and keeps them as
/// a pending batch for `unit` and `period`. Stores no data value.
pub async fn import_report(
    store: &Store,
    unit: &UnitSummary,
    period: &Period,
    file_name: &str,
    bytes: &[u8],
    actor: &Actor,
) -> Result<ImportBatch, ApiError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(too_large(bytes.len()));
    }
    let indicators = store.indicators().await?;
    let elements = store.data_elements().await?;
    let bytes_read = bytes.to_vec();
    let reading = read_in_the_background(file_name, move || {
        binhdang_ingest::proposals::read_for_import(&bytes_read, &indicators, &elements)
    })
    .await?;
    let proposals = reading.proposals;
    let mut rows = Vec::new();
    for (group, p) in proposals.iter().enumerate() {
        for v in &p.values {
            rows.push(NewProposal {
                group: group as i64 + 1,
                indicator: p.indicator.clone(),
                figure: p.figure.clone(),
                quote: p.quote.clone(),
                line: p.position.line as i64,
                cell: p.position.cell.map(|c| c as i64),
                column: p.position.column as i64,
                element: v.element.clone(),
                disaggregation: v.disaggregation.as_str().to_string(),
                value: v.value.to_string(),
                confidence: p.confidence.as_str().to_string(),
                reason_vi: p.reason_vi.clone(),
                reason_en: p.reason_en.clone(),
                flag_vi: p.flag.as_ref().map(|f| f.message_vi.clone()),
                flag_en: p.flag.as_ref().map(|f| f.message_en.clone()),
            });
        }
    }
    let import = NewImport {
        file_name: file_name.to_string(),
        sha256: hex::encode(Sha256::digest(bytes)),
        proposals: rows,
        targets: reading
            .targets
            .into_iter()
            .map(|t| NewImportTarget {
                indicator: t.indicator,
                phase: if t.year <= 2025 { "2021-2025" } else { "2026-2030" }.to_string(),
                op: t.op.as_str().to_string(),
                value: t.value.normalize().to_string(),
                figure: t.figure,
                quote: t.quote,
                line: t.position.line as i64,
            })
            .collect(),
        rows: reading
            .rows
            .into_iter()
            .map(|r| NewImportRow {
                register: r.register,
                line: r.line as i64,
                quote: r.quote,
                fields: r.fields,
            })
            .collect(),
    };
    let id = store.create_import(unit, period, &import, actor).await?;
    Ok(store.import_batch(id).await?)
}

/// Confirms every high-confidence proposal of a batch and stores the confirmed values.
pub async fn accept_confident(store: &Store, batch: &ImportBatch, actor: &Actor) -> Result<WriteSummary, ApiError> {
    let decisions: Vec<DecisionInput> = batch
        .proposals
        .iter()
        .filter(|p| p.proposed.confidence == "high")
        .map(|p| DecisionInput {
            proposal: p.id,
            decision: Decision::Confirmed,
            element: None,
            disaggregation: None,
            value: None,
        })
        .collect();
    store.decide_import(batch, &decisions, actor).await?;
    let batch = store.import_batch(batch.id).await?;
    Ok(store.store_import(&batch, actor).await?)
}

/// How many documents are read at once, and how long one may take: reading a DOCX or PDF is
/// CPU work that must not hold the server's request threads, nor pile up.
const READERS_AT_ONCE: usize = 2;
const READING_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Reads a document (`read`, CPU work) on a blocking thread, at most [`READERS_AT_ONCE`] at a
/// time and for at most [`READING_TIME_LIMIT`] (a reading that runs over is refused; its
/// thread keeps its place among the readers until it ends, so slow files cannot pile up).
/// A file that cannot be read is refused naming it.
pub(crate) async fn read_in_the_background<T: Send + 'static>(
    file_name: &str,
    read: impl FnOnce() -> Result<T, binhdang_ingest::ReadError> + Send + 'static,
) -> Result<T, ApiError> {
    static READERS: std::sync::OnceLock<std::sync::Arc<tokio::sync::Semaphore>> = std::sync::OnceLock::new();
    let readers = READERS.get_or_init(|| std::sync::Arc::new(tokio::sync::Semaphore::new(READERS_AT_ONCE)));
    let slow = || {
        ApiError::invalid(
            "file",
            "too_slow",
            format!(
                "{file_name} took longer than {} s to read",
                READING_TIME_LIMIT.as_secs()
            ),
            format!("Đọc tệp {file_name} mất quá {} giây", READING_TIME_LIMIT.as_secs()),
        )
    };
    let reading = async {
        let permit = readers
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let _held = permit;
            read()
        })
        .await
        .map_err(|e| ApiError::Internal(format!("reading a document failed: {e}")))
    };
    tokio::time::timeout(READING_TIME_LIMIT, reading)
        .await
        .map_err(|_| slow())??
        .map_err(|e| {
            ApiError::invalid(
                "file",
                "unreadable",
                format!("{file_name} cannot be read: {e}"),
                format!("Không đọc được tệp {file_name}: {}", e.message_vi()),
            )
        })
}

pub(crate) fn too_large(size: usize) -> ApiError {
    let mib = |b: usize| b / (1024 * 1024);
    ApiError::invalid(
        "file",
        "too_large",
        format!(
            "the file is too large ({} MiB; at most {} MiB)",
            mib(size).max(1),
            mib(MAX_UPLOAD_BYTES)
        ),
        format!(
            "Tệp quá lớn ({} MiB; tối đa {} MiB)",
            mib(size).max(1),
            mib(MAX_UPLOAD_BYTES)
        ),
    )
}

/// A batch the caller may write the data of.
pub(crate) async fn writable_batch(state: &AppState, caller: &Caller, id: &str) -> Result<ImportBatch, ApiError> {
    let id: i64 = id.trim().parse().map_err(|_| ApiError::NotFound {
        code: "not_found",
        message_en: format!("import `{id}` not found"),
        message_vi: format!("Không tìm thấy lần nhập `{id}`"),
    })?;
    let batch = state.store.import_batch(id).await?;
    authorize(state, caller, &batch.unit, Action::Write).await?;
    Ok(batch)
}

/// Stores the confirmed values of a batch for a caller: an officer tied to an agency stores
/// only that agency's indicators, as on the data-entry form.
pub(crate) async fn store_for(
    state: &AppState,
    caller: &Caller,
    batch: &ImportBatch,
) -> Result<Result<WriteSummary, binhdang_store::StoreError>, ApiError> {
    let elements: Vec<binhdang_store::ValueInput> = batch
        .proposals
        .iter()
        .filter(|p| p.decision.stores())
        .map(|p| binhdang_store::ValueInput {
            element: p.effective().0.to_string(),
            disaggregation: None,
            value: binhdang_store::RawValue::Null,
            comment: None,
            source: None,
            expected: None,
        })
        .collect();
    crate::api::values::check_agency(state, caller, &elements).await?;
    if batch.targets.iter().any(|t| t.decision.stores()) {
        // Local targets are the province's decision, set by administrators (as on the
        // catalogue page): a plan's targets are stored by one.
        crate::auth::require_admin(state, caller, "import.targets").await?;
    }
    Ok(state.store.store_import(batch, &caller.actor()).await)
}

fn batch_json(batch: &ImportBatch) -> Result<Value, ApiError> {
    serde_json::to_value(batch).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The query of `POST /imports` besides the unit and period.
#[derive(Deserialize)]
pub struct ImportQuery {
    /// The file's name, kept as the source of the values (default `report.txt`).
    file: Option<String>,
}

/// `POST /api/v1/imports?unit=&period=&file=NAME` with the file's bytes as the body. The
/// unit and period are refused only once the body has been read (a refusal sent while the
/// client is still uploading would cut its connection).
pub async fn create(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    target: Result<UnitPeriod, ApiError>,
    Query(q): Query<ImportQuery>,
    body: axum::body::Body,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let file_name = given(&q.file).unwrap_or("report.txt").to_string();
    // Someone outside the unit's scope is refused before a byte of the file is read; a
    // request that names no readable unit or period is answered after reading it (up to
    // the limit), so that the client, still sending, sees the refusal.
    if let Ok(UnitPeriod { unit, .. }) = &target {
        authorize(&state, &caller, unit, Action::Write).await?;
    }
    let bytes = crate::api::templates::read_body_within(body, MAX_UPLOAD_BYTES).await;
    let UnitPeriod { unit, period } = target?;
    let bytes = bytes?;
    let batch = import_report(&state.store, &unit, &period, &file_name, &bytes, &caller.actor()).await?;
    Ok((StatusCode::CREATED, Json(batch_json(&batch)?)))
}

/// `GET /api/v1/imports/{id}`
pub async fn get(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let batch = writable_batch(&state, &caller, &id).await?;
    Ok(Json(batch_json(&batch)?))
}

/// `POST /api/v1/imports/{id}/decisions` with `{"decisions": [{"proposal", "decision", "element", "disaggregation", "value"}]}`;
/// `"store": true` then stores the confirmed values.
///
/// The body stays a `Value`: [`decision_inputs`] names each decision that does not read
/// (`decisions[2]`, `decisions[2].value`) in one 422, which a typed body would turn into a 400.
pub async fn decide(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    let batch = writable_batch(&state, &caller, &id).await?;
    let decisions = decision_inputs(&body)?;
    let rows = row_decision_inputs(&body)?;
    let actor = caller.actor();
    state.store.decide_import(&batch, &decisions, &actor).await?;
    if !rows.is_empty() {
        let batch = state.store.import_batch(batch.id).await?;
        state.store.decide_import_rows(&batch, &rows, &actor).await?;
    }
    let targets = target_decision_inputs(&body)?;
    if !targets.is_empty() {
        let batch = state.store.import_batch(batch.id).await?;
        state.store.decide_import_targets(&batch, &targets, &actor).await?;
    }
    let mut batch = state.store.import_batch(batch.id).await?;
    let mut written = None;
    if body.get("store").and_then(Value::as_bool) == Some(true) {
        written = Some(store_for(&state, &caller, &batch).await??);
        batch = state.store.import_batch(batch.id).await?;
    }
    let mut out = batch_json(&batch)?;
    if let Some(w) = written {
        out["written"] = json!(w.written);
        out["unchanged"] = json!(w.unchanged);
    }
    Ok(Json(out))
}

/// Reads `{"rows": [{"row": 7, "decision": "corrected", "fields": {"number": "12/KH-UBND"}}]}`:
/// decisions on the register rows an annex proposes (none when absent).
fn row_decision_inputs(body: &Value) -> Result<Vec<RowDecisionInput>, ApiError> {
    let Some(items) = body.get("rows").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let row = item.get("row").and_then(Value::as_i64);
        let decision = item.get("decision").and_then(Value::as_str).and_then(Decision::parse);
        let fields = item.get("fields").and_then(Value::as_object).map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        });
        match (row, decision) {
            (Some(row), Some(decision)) => out.push(RowDecisionInput { row, decision, fields }),
            _ => problems.push(binhdang_store::FieldProblem::new(
                format!("rows[{i}]"),
                "bad_shape",
                "each row decision has a row id and a decision: confirmed, corrected, dropped or pending".into(),
                "Mỗi quyết định về dòng gồm số dòng và quyết định: confirmed, corrected, dropped hoặc pending".into(),
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::Invalid(problems))
    }
}

/// Reads `{"targets": [{"target": 3, "decision": "corrected", "op": ">=", "value": "65"}]}`:
/// decisions on the targets a plan states (none when absent).
fn target_decision_inputs(body: &Value) -> Result<Vec<TargetDecisionInput>, ApiError> {
    let Some(items) = body.get("targets").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let text = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
        match (
            item.get("target").and_then(Value::as_i64),
            text("decision").as_deref().and_then(Decision::parse),
        ) {
            (Some(target), Some(decision)) => out.push(TargetDecisionInput {
                target,
                decision,
                op: text("op"),
                value: text("value"),
            }),
            _ => problems.push(binhdang_store::FieldProblem::new(
                format!("targets[{i}]"),
                "bad_shape",
                "each target decision has a target id and a decision: confirmed, corrected, dropped or pending".into(),
                "Mỗi quyết định về chỉ tiêu gồm số chỉ tiêu và quyết định: confirmed, corrected, dropped hoặc pending"
                    .into(),
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::Invalid(problems))
    }
}

/// Reads `{"decisions": [...]}`; a corrected value is a number as text (`"1260"`, `"63.6"`).
/// A body deciding only rows may leave the decisions out.
fn decision_inputs(body: &Value) -> Result<Vec<DecisionInput>, ApiError> {
    if body.get("decisions").is_none() && (body.get("rows").is_some() || body.get("targets").is_some()) {
        return Ok(Vec::new());
    }
    let items = body.get("decisions").and_then(Value::as_array).ok_or_else(|| {
        ApiError::invalid(
            "decisions",
            "bad_shape",
            "the body must be {\"decisions\": [{\"proposal\": 1, \"decision\": \"confirmed\"}]}".into(),
            "Nội dung phải có dạng {\"decisions\": [{\"proposal\": 1, \"decision\": \"confirmed\"}]}".into(),
        )
    })?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let text = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
        let proposal = item.get("proposal").and_then(Value::as_i64);
        let decision = text("decision").as_deref().and_then(Decision::parse);
        let (Some(proposal), Some(decision)) = (proposal, decision) else {
            problems.push(binhdang_store::FieldProblem::new(
                format!("decisions[{i}]"),
                "bad_shape",
                "each decision has a proposal id and a decision: confirmed, corrected, dropped or pending".into(),
                "Mỗi quyết định gồm số đề xuất và quyết định: confirmed, corrected, dropped hoặc pending".into(),
            ));
            continue;
        };
        let value = match text("value") {
            None => None,
            Some(v) => match binhdang_domain::vn::parse_canonical(&v) {
                Ok(d) => Some(d.to_string()),
                Err(e) => {
                    problems.push(binhdang_store::FieldProblem::new(
                        format!("decisions[{i}].value"),
                        "not_a_number",
                        e.to_string(),
                        e.message_vi(),
                    ));
                    continue;
                }
            },
        };
        out.push(DecisionInput {
            proposal,
            decision,
            element: text("element"),
            disaggregation: text("disaggregation"),
            value,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::Invalid(problems))
    }
}

/// The import routes in the OpenAPI document.
pub(crate) fn extend_openapi(doc: &mut Value) {
    let id = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" }, "example": 1 }]);
    let batch = json!({ "description": "The batch with its proposals and decisions",
        "content": { "application/json": { "schema": { "type": "object" } } } });
    let paths = doc["paths"].as_object_mut().expect("paths");
    paths.insert(
        "/api/v1/imports".into(),
        json!({ "post": {
            "summary": "Read a legacy report (TXT, DOCX, PDF) and keep the data values its figures propose, each pending, for the unit and period; writes no data value",
            "parameters": [
                { "name": "unit", "in": "query", "required": true, "schema": { "type": "string" }, "example": "12" },
                { "name": "period", "in": "query", "required": true, "schema": { "type": "string" }, "example": "2024" },
                { "name": "file", "in": "query", "required": false, "schema": { "type": "string" }, "example": "bao-cao-2024.docx",
                  "description": "The file's name, kept as the source of the values" } ],
            "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
            "responses": { "201": batch.clone(),
                "422": { "description": "Unknown unit or period, or a file that cannot be read (empty, binary, not UTF-8, damaged, too large)" } } } }),
    );
    paths.insert(
        "/api/v1/imports/{id}".into(),
        json!({ "get": { "summary": "An import batch: file, sha256, state (open, stored) and every proposal (quote, position, element, breakdown, value, confidence, reason, finding, decision)",
            "parameters": id.clone(), "responses": { "200": batch.clone(), "404": { "description": "No such import" } } } }),
    );
    paths.insert(
        "/api/v1/imports/{id}/decisions".into(),
        json!({ "post": { "summary": "Confirm, correct or drop proposals and proposed register rows (an annex of directive documents); with \"store\": true, then write the confirmed and corrected values and rows in one validated, audited batch (source: file — quote). A refusal writes nothing and leaves the batch open",
            "parameters": id,
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
                "required": ["decisions"], "properties": {
                    "decisions": { "type": "array", "items": { "type": "object", "required": ["proposal", "decision"], "properties": {
                        "proposal": { "type": "integer" },
                        "decision": { "enum": ["confirmed", "corrected", "dropped", "pending"] },
                        "element": { "type": "string", "example": "5.4a.num" },
                        "disaggregation": { "enum": ["total", "male", "female"] },
                        "value": { "type": "string", "example": "12" } } } },
                    "rows": { "type": "array", "items": { "type": "object", "required": ["row", "decision"], "properties": {
                        "row": { "type": "integer" },
                        "decision": { "enum": ["confirmed", "corrected", "dropped", "pending"] },
                        "fields": { "type": "object", "example": { "number": "12/KH-UBND", "date": "2024-11-03" } } } } },
                    "targets": { "type": "array", "items": { "type": "object", "required": ["target", "decision"], "properties": {
                        "target": { "type": "integer" },
                        "decision": { "enum": ["confirmed", "corrected", "dropped", "pending"] },
                        "op": { "enum": [">=", "<=", ">", "<", "~", "="] },
                        "value": { "type": "string", "example": "65" } } } },
                    "store": { "type": "boolean", "default": false } } } } } },
            "responses": { "200": batch, "404": { "description": "No such import" },
                "422": { "description": "A decision names an unknown proposal, a correction changes nothing, nothing is confirmed, a value is refused, or the batch is already stored; nothing was changed" } } } }),
    );
}
