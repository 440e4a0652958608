//! The registers API: `/api/v1/registers/{register}` for the annex tables of the reports.
//!
//! - `GET /registers` — the registers, their fields and the lists their codes come from;
//! - `GET /registers/{register}?unit=&period=` — a unit's rows for a period;
//! - `POST /registers/{register}?unit=&period=` — add a row (201);
//! - `PUT /registers/{register}/{id}` — replace a row's fields (unit and period stay);
//! - `DELETE /registers/{register}/{id}` — remove a row (the audit keeps it);
//! - `GET /registers/{register}/summary?unit=&period=[&date=]` — totals over the unit's
//!   whole subtree. `date` picks the version of a unit code valid on that day, so
//!   `unit=08&period=2024&date=2026-01-01` sums 2024 for the Tuyên Quang formed in 2025,
//!   old Hà Giang included; without it the unit is the one that reported for the period.
//!
//! `{register}` is one of activities, budgets, documents, committee-members, staff,
//! gbv-cases, inspections. Writes are attributed like `PUT /values`: to "api" and the
//! client's address.

use crate::AppState;
use crate::api::monitoring::window_json;
use crate::api::unit_period::{self, FigureUnitWindow, UnitPeriod};
use crate::api::{JsonBody, Query, given, period_json};
use crate::auth::{Authenticated, Caller, authorize};
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use binhdang_domain::access::Action;
use binhdang_domain::register::{BudgetSource, RawField, RawRecord, RegisterKind, RegisterProblem, Sex};
use binhdang_domain::{Period, UnitLevel, Window};
use binhdang_store::registers::{RegisterRow, Saved, StoredRegister};
use binhdang_store::{FieldProblem, StoreError, UnitSummary, unknown_unit};
use serde::Deserialize;
use serde_json::{Value, json};

/// Calls `$f::<Record>(args…)` for the record type of a register.
macro_rules! dispatch {
    ($kind:expr, $f:ident ( $($arg:expr),* )) => {{
        use ::binhdang_domain::register as r;
        match $kind {
            r::RegisterKind::Activities => $f::<r::Activity>($($arg),*).await,
            r::RegisterKind::Budgets => $f::<r::Budget>($($arg),*).await,
            r::RegisterKind::Documents => $f::<r::DirectiveDocument>($($arg),*).await,
            r::RegisterKind::CommitteeMembers => $f::<r::CommitteeMember>($($arg),*).await,
            r::RegisterKind::Staff => $f::<r::Staff>($($arg),*).await,
            r::RegisterKind::GbvCases => $f::<r::GbvCase>($($arg),*).await,
            r::RegisterKind::Inspections => $f::<r::Inspection>($($arg),*).await,
        }
    }};
}
pub(crate) use dispatch;

/// The cases of gender-based violence are counted by type and sex commune by commune: small
/// counts that identify people. Only those entitled to detail read the rows; viewers read the
/// published figures (`engine::disclosure`).
fn refuse_gbv_rows_to_viewers(caller: &crate::auth::Caller, kind: RegisterKind) -> Result<(), ApiError> {
    if kind == RegisterKind::GbvCases && !binhdang_domain::disclosure::sees_small_counts(Some(caller.user.role)) {
        return Err(ApiError::Forbidden {
            code: "small_counts",
            message_en: "the register of gender-based violence cases holds counts that identify people: viewers read \
                the published figures instead"
                .into(),
            message_vi: "Sổ vụ việc bạo lực trên cơ sở giới có những số nhỏ có thể nhận ra người bị hại: người xem \
                chỉ đọc số liệu đã công bố"
                .into(),
        });
    }
    Ok(())
}

pub(crate) fn kind(slug: &str) -> Result<RegisterKind, ApiError> {
    RegisterKind::from_slug(slug.trim()).ok_or_else(|| {
        let all = RegisterKind::ALL.map(|k| k.slug()).join(", ");
        ApiError::NotFound {
            code: "unknown_register",
            message_en: format!("there is no register `{slug}`; the registers are: {all}"),
            message_vi: format!("Không có sổ theo dõi `{slug}`; các sổ gồm: {all}"),
        }
    })
}

fn row_id(kind: RegisterKind, id: &str) -> Result<i64, ApiError> {
    id.trim().parse().map_err(|_| ApiError::NotFound {
        code: "not_found",
        message_en: format!("register row `{kind}/{id}` not found"),
        message_vi: format!("Không tìm thấy dòng sổ theo dõi `{kind}/{id}`"),
    })
}

pub(crate) fn field_problem(p: RegisterProblem) -> FieldProblem {
    FieldProblem::new(p.field, p.code, p.message_en, p.message_vi)
}

/// Problems as the API shows them: `message` in the caller's language, both kept.
fn problems_json(problems: &[FieldProblem], lang: Lang) -> Value {
    problems
        .iter()
        .map(|p| {
            let message = if lang == Lang::En { &p.message_en } else { &p.message_vi };
            json!({ "field": p.field, "code": p.code, "message": message,
                    "message_en": p.message_en, "message_vi": p.message_vi })
        })
        .collect()
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The query naming the unit and period of a new row or of a summary, read here rather than by
/// [`UnitPeriod`]: a new row's problems come with the unit's and period's in one 422, and a
/// summary's `date` changes how the unit is found.
#[derive(Deserialize)]
pub struct RegisterQuery {
    unit: Option<String>,
    period: Option<String>,
    /// Summaries only: the day whose version of the unit code to use (YYYY-MM-DD).
    date: Option<String>,
}

/// The unit and period named by `unit` and `period` (and, for summaries, `date`), or every
/// problem with them (422).
async fn unit_and_period(
    state: &AppState,
    q: &RegisterQuery,
    with_date: bool,
) -> Result<(UnitSummary, Period), ApiError> {
    let (unit, period) = unit_period::named(given(&q.unit), given(&q.period)).map_err(ApiError::Invalid)?;
    let date = if with_date { given(&q.date) } else { None };
    let Some(date) = date else {
        let UnitPeriod { unit, period } = UnitPeriod::resolve(state, unit, period).await?;
        return Ok((unit, period));
    };
    let mut problems = Vec::new();
    let period = match period.parse::<Period>() {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push(FieldProblem::new("period", "bad_period", e.to_string(), e.message_vi()));
            None
        }
    };
    let date = match binhdang_domain::register::parse_iso_date(date) {
        Some(d) => Some(d),
        None => {
            problems.push(FieldProblem::new(
                "date",
                "bad_date",
                format!("`{date}` is not a date: use YYYY-MM-DD, e.g. 2026-01-01"),
                format!("`{date}` không phải ngày hợp lệ: dùng dạng YYYY-MM-DD, ví dụ 2026-01-01"),
            ));
            None
        }
    };
    let (Some(period), Some(date)) = (period, date) else {
        return Err(ApiError::Invalid(problems));
    };
    match state.store.unit_on(unit, date).await {
        Ok(u) if u.valid_from.is_none_or(|f| f <= date) && u.valid_to.is_none_or(|t| date <= t) => Ok((u, period)),
        Ok(_) => Err(ApiError::invalid(
            "unit",
            "unit_not_valid_on_date",
            format!("no unit had code {unit} on {date}"),
            format!(
                "Ngày {} không có đơn vị nào mang mã {unit}",
                binhdang_domain::vn::format_date(date)
            ),
        )),
        Err(StoreError::NotFound { .. }) => Err(ApiError::Invalid(vec![unknown_unit("unit", unit)])),
        Err(e) => Err(e.into()),
    }
}

/// The JSON object of a write body as raw fields. The body is a `Value`: its fields are the
/// row's data, different for each register and each checked by the record's own reading
/// (`T::from_raw`, shared with the pages), so a field of the wrong type is a 422 naming it,
/// and a body that is not an object is a 422 too.
fn raw_record(body: Result<JsonBody<Value>, ApiError>) -> Result<RawRecord, ApiError> {
    let JsonBody(body) = body?;
    let Value::Object(fields) = body else {
        return Err(ApiError::invalid(
            "body",
            "bad_shape",
            "the body must be a JSON object with the row's fields, e.g. {\"activity_type\": \"tap-huan\", \"count\": 1}"
                .into(),
            "Nội dung phải là một đối tượng JSON gồm các trường của dòng, ví dụ {\"activity_type\": \"tap-huan\", \"count\": 1}"
                .into(),
        ));
    };
    Ok(fields
        .into_iter()
        .map(|(k, v)| {
            let raw = match v {
                Value::Null => RawField::Null,
                Value::Number(n) => RawField::Number(n.to_string()),
                Value::String(s) => RawField::Text(s),
                Value::Bool(b) => RawField::Other(b.to_string()),
                Value::Array(_) => RawField::Other("an array".into()),
                Value::Object(_) => RawField::Other("an object".into()),
            };
            (k, raw)
        })
        .collect())
}

/// A row may change when the caller may write its unit's data and the unit's report for the
/// period is open.
async fn may_change(state: &AppState, caller: &Caller, unit_id: i64, period: &Period) -> Result<(), ApiError> {
    let unit = state
        .store
        .unit_summary_by_id(unit_id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("register row of unknown unit id {unit_id}")))?;
    authorize(state, caller, &unit, Action::Write).await?;
    state.store.check_entry_open(&unit, period, state.store.today()).await?;
    Ok(())
}

/// Adds a row for a unit and period, when the caller may write the unit's data and its
/// report for the period is open.
pub(crate) async fn add_row<T: StoredRegister>(
    state: &AppState,
    caller: &Caller,
    unit: &UnitSummary,
    period: &Period,
    record: T,
) -> Result<Saved<T>, ApiError> {
    authorize(state, caller, unit, Action::Write).await?;
    state.store.check_entry_open(unit, period, state.store.today()).await?;
    Ok(state
        .store
        .create_register_row(unit, period, record, &caller.actor())
        .await?)
}

/// Replaces a row's fields with what a client sent: an unknown row is 404 whatever was
/// sent, a row the caller may not change 403, then what cannot be read or breaks a rule 422.
pub(crate) async fn change_row<T: StoredRegister>(
    state: &AppState,
    caller: &Caller,
    id: i64,
    raw: &RawRecord,
) -> Result<Saved<T>, ApiError> {
    let row = state.store.register_row::<T>(id).await?;
    may_change(state, caller, row.unit_id, &row.period).await?;
    let record = T::from_raw(raw).map_err(|ps| ApiError::Invalid(ps.into_iter().map(field_problem).collect()))?;
    Ok(state.store.update_register_row(id, record, &caller.actor()).await?)
}

/// Removes a row the caller may change.
pub(crate) async fn remove_row<T: StoredRegister>(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<RegisterRow<T>, ApiError> {
    let row = state.store.register_row::<T>(id).await?;
    may_change(state, caller, row.unit_id, &row.period).await?;
    Ok(state.store.delete_register_row::<T>(id, &caller.actor()).await?)
}

fn saved_json<T: serde::Serialize>(saved: &Saved<T>, kind: RegisterKind, lang: Lang) -> Result<Value, ApiError> {
    Ok(json!({
        "register": kind,
        "row": to_value(&saved.row)?,
        "changed": saved.changed,
        "warnings": problems_json(&saved.warnings, lang),
    }))
}

/// `GET /api/v1/registers`
pub async fn overview(State(state): State<AppState>, Authenticated(_): Authenticated) -> ApiResult<Json<Value>> {
    let lists = state.store.register_lists().await?;
    let registers: Vec<Value> = RegisterKind::ALL
        .iter()
        .map(|k| json!({ "register": k, "name_vi": k.name_vi(), "name_en": k.name_en(), "fields": k.fields() }))
        .collect();
    let sources: Vec<Value> = BudgetSource::ALL
        .iter()
        .map(|s| json!({ "code": s.as_str(), "name_vi": s.name_vi(), "name_en": s.name_en() }))
        .collect();
    Ok(Json(json!({
        "registers": registers,
        "lists": to_value(&lists)?,
        "budget_sources": sources,
        "sexes": Sex::ALL.map(|s| s.as_str()),
        "levels": UnitLevel::ALL.map(|l| l.as_str()),
    })))
}

/// `GET /api/v1/registers/{register}?unit=&period=`; an unknown register is refused before
/// the unit and period.
pub async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(register): Path<String>,
    target: Result<UnitPeriod, ApiError>,
) -> ApiResult<Json<Value>> {
    async fn rows_of<T: StoredRegister>(
        state: &AppState,
        unit: &UnitSummary,
        period: &Period,
    ) -> Result<Value, ApiError> {
        let rows = state.store.register_rows::<T>(unit, period).await?;
        Ok(
            json!({ "register": T::KIND, "unit": unit, "period": period_json(period),
                   "count": rows.len(), "rows": to_value(&rows)? }),
        )
    }
    let kind = kind(&register)?;
    let UnitPeriod { unit, period } = target?;
    authorize(&state, &caller, &unit, Action::Read).await?;
    refuse_gbv_rows_to_viewers(&caller, kind)?;
    Ok(Json(dispatch!(kind, rows_of(&state, &unit, &period))?))
}

/// `POST /api/v1/registers/{register}?unit=&period=` with the row's fields.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    Authenticated(caller): Authenticated,
    Path(register): Path<String>,
    Query(q): Query<RegisterQuery>,
    body: Result<JsonBody<Value>, ApiError>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    async fn create_row<T: StoredRegister>(
        state: &AppState,
        q: &RegisterQuery,
        raw: &RawRecord,
        caller: &Caller,
        lang: Lang,
    ) -> Result<Value, ApiError> {
        let record = T::from_raw(raw);
        let unit = unit_and_period(state, q, false).await;
        // Problems with the unit or period and with the row are reported together.
        let (record, (unit, period)) = match (record, unit) {
            (Ok(r), Ok(u)) => (r, u),
            (_, Err(e)) if !matches!(e, ApiError::Invalid(_)) => return Err(e),
            (record, unit) => {
                let mut problems = match unit {
                    Err(ApiError::Invalid(ps)) => ps,
                    _ => Vec::new(),
                };
                problems.extend(record.err().unwrap_or_default().into_iter().map(field_problem));
                return Err(ApiError::Invalid(problems));
            }
        };
        let saved = add_row(state, caller, &unit, &period, record).await?;
        saved_json(&saved, T::KIND, lang)
    }
    let kind = kind(&register)?;
    let raw = raw_record(body)?;
    let out = dispatch!(kind, create_row(&state, &q, &raw, &caller, lang))?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// `PUT /api/v1/registers/{register}/{id}` with the row's fields.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    Authenticated(caller): Authenticated,
    Path((register, id)): Path<(String, String)>,
    body: Result<JsonBody<Value>, ApiError>,
) -> ApiResult<Json<Value>> {
    async fn update_row<T: StoredRegister>(
        state: &AppState,
        id: i64,
        raw: &RawRecord,
        caller: &Caller,
        lang: Lang,
    ) -> Result<Value, ApiError> {
        let saved = change_row::<T>(state, caller, id, raw).await?;
        saved_json(&saved, T::KIND, lang)
    }
    let kind = kind(&register)?;
    let id = row_id(kind, &id)?;
    let raw = raw_record(body)?;
    Ok(Json(dispatch!(kind, update_row(&state, id, &raw, &caller, lang))?))
}

/// `DELETE /api/v1/registers/{register}/{id}`
pub async fn delete(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((register, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    async fn delete_row<T: StoredRegister>(state: &AppState, id: i64, caller: &Caller) -> Result<Value, ApiError> {
        let row = remove_row::<T>(state, caller, id).await?;
        Ok(json!({ "register": T::KIND, "deleted": to_value(&row)? }))
    }
    let kind = kind(&register)?;
    let id = row_id(kind, &id)?;
    Ok(Json(dispatch!(kind, delete_row(&state, id, &caller))?))
}

/// `GET /api/v1/registers/{register}/summary?unit=&period=&date=`
pub async fn summary(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(register): Path<String>,
    Query(q): Query<RegisterQuery>,
) -> ApiResult<Json<Value>> {
    async fn summary_of<T: StoredRegister>(
        state: &AppState,
        unit: &UnitSummary,
        window: &Window,
    ) -> Result<Value, ApiError> {
        let s = state.store.register_summary_over::<T>(unit, window).await?;
        let mut out = to_value(&s)?;
        out["unit"] = to_value(unit)?;
        out["period"] = window_json(window);
        Ok(out)
    }
    let kind = kind(&register)?;
    // A range of periods (2021..2024H1) or dates (2021-01-01..2024-07-31), or one period.
    let (unit, window) = match given(&q.period).filter(|p| p.contains("..")) {
        Some(range) => {
            let FigureUnitWindow { unit, window } = FigureUnitWindow::of(&state, given(&q.unit), Some(range)).await?;
            (unit, window)
        }
        None => {
            let (unit, period) = unit_and_period(&state, &q, true).await?;
            (unit, Window::from(period))
        }
    };
    authorize(&state, &caller, &unit, Action::Read).await?;
    refuse_gbv_rows_to_viewers(&caller, kind)?;
    Ok(Json(dispatch!(kind, summary_of(&state, &unit, &window))?))
}

// --- OpenAPI ----------------------------------------------------------------------------

/// Adds the registers' paths and schemas to the OpenAPI document.
pub fn extend_openapi(doc: &mut Value) {
    let error = |description: &str| {
        json!({ "description": description,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
    };
    let ok = |schema: Value| json!({ "description": "OK", "content": { "application/json": { "schema": schema } } });
    let query = |name: &str, required: bool, description: &str, example: &str| {
        json!({ "name": name, "in": "query", "required": required, "description": description,
                "schema": { "type": "string" }, "example": example })
    };
    let register_param = json!({ "name": "register", "in": "path", "required": true,
        "schema": { "enum": RegisterKind::ALL.map(|k| k.slug()) }, "example": "activities" });
    let id_param =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" }, "example": 1 });
    let unit_period = vec![
        register_param.clone(),
        query("unit", true, "GSO code of the unit", "12"),
        query(
            "period",
            true,
            "Period identifier (2024, 2024H1, 2024Q3, 2024M03, 2021-2025, 2023AM); budgets take a year or a phase of years",
            "2024",
        ),
    ];
    let mut summary_params = unit_period.clone();
    summary_params.push(query(
        "date",
        false,
        "YYYY-MM-DD: use the version of the unit code valid on this day (e.g. the province formed in 2025 for \
         a 2024 summary of its predecessors); default: the unit that reported for the period",
        "2026-01-01",
    ));
    let body = json!({ "required": true, "content": { "application/json": {
        "schema": { "$ref": "#/components/schemas/RegisterRecord" } } } });
    let written = json!({ "type": "object", "properties": {
        "register": { "type": "string" }, "row": { "$ref": "#/components/schemas/RegisterRow" },
        "changed": { "type": "boolean" },
        "warnings": { "type": "array", "items": { "type": "object", "description": "Like Error.problems; the row was stored" } } } });
    let paths = json!({
        "/api/v1/registers": { "get": {
            "summary": "The registers, their fields, and the lists their codes come from",
            "responses": { "200": ok(json!({ "type": "object" })) } } },
        "/api/v1/registers/{register}": {
            "get": { "summary": "A unit's rows of a register for a period", "parameters": unit_period.clone(),
                "responses": { "200": ok(json!({ "type": "object", "properties": {
                    "register": { "type": "string" }, "unit": { "$ref": "#/components/schemas/Unit" },
                    "period": { "type": "object" }, "count": { "type": "integer" },
                    "rows": { "type": "array", "items": { "$ref": "#/components/schemas/RegisterRow" } } } })),
                    "404": error("Unknown register"), "422": error("Unknown unit or bad period") } },
            "post": { "summary": "Add a row to a register for a unit and period",
                "description": "The row is checked first: every problem is returned (422) and nothing is stored, or \
                    the row is stored with its audit entry in one transaction (201). Warnings (e.g. spent more than \
                    allocated) do not refuse the row; they come back with it.",
                "parameters": unit_period,
                "requestBody": body.clone(),
                "responses": { "201": { "description": "Created", "content": { "application/json": { "schema": written.clone() } } },
                    "400": error("The body is not JSON"), "404": error("Unknown register"),
                    "422": error("The row breaks a rule, or the unit or period is unknown; nothing was stored") } } },
        "/api/v1/registers/{register}/summary": { "get": {
            "summary": "A register's totals over a unit and every unit below it, for a period",
            "description": "Rows of the period itself are summed (not those of its sub-periods); pre-2025 units count \
                in the post-2025 unit that inherited them. Counts are JSON integers, money exact decimal strings (đồng).",
            "parameters": summary_params,
            "responses": { "200": ok(json!({ "type": "object", "properties": {
                "register": { "type": "string" }, "unit": { "$ref": "#/components/schemas/Unit" },
                "period": { "type": "object" }, "units_reporting": { "type": "integer" }, "rows": { "type": "integer" },
                "summary": { "type": "object", "description": "activities: by_type, total; budgets: by_year (by_source), total; \
                    documents: by_type, documents; committee-members: members, by_position; staff: full_time, part_time, total; \
                    gbv-cases: by_type, total (by victim and perpetrator sex); inspections: inspections, violations_found, violations_handled" } } })),
                "404": error("Unknown register"), "422": error("Unknown unit, bad period or date") } } },
        "/api/v1/registers/{register}/{id}": {
            "put": { "summary": "Replace a row's fields (its unit and period stay)",
                "parameters": [register_param.clone(), id_param.clone()], "requestBody": body,
                "responses": { "200": ok(written), "400": error("The body is not JSON"),
                    "404": error("Unknown register or row"), "422": error("The row breaks a rule; nothing was changed") } },
            "delete": { "summary": "Remove a row (the audit keeps what it held)",
                "parameters": [register_param, id_param],
                "responses": { "200": ok(json!({ "type": "object", "properties": {
                    "register": { "type": "string" }, "deleted": { "$ref": "#/components/schemas/RegisterRow" } } })),
                    "404": error("Unknown register or row") } } }
    });
    let count = json!({ "type": ["integer", "string"], "description": "whole, not negative" });
    let money = json!({ "type": ["string", "integer"], "description": "whole đồng, exact decimal text", "example": "30000000" });
    let text = json!({ "type": ["string", "null"] });
    let date = json!({ "type": ["string", "null"], "format": "date" });
    let sex = json!({ "enum": ["male", "female", null] });
    let schemas = json!({
        "RegisterRow": { "allOf": [{ "type": "object", "properties": {
            "id": { "type": "integer" }, "unit": { "type": "string" }, "period": { "type": "string" },
            "year": { "type": "integer", "description": "budgets only" },
            "updated_at": { "type": "string" }, "updated_by": { "type": "string" } } },
            { "$ref": "#/components/schemas/RegisterRecord" }] },
        "RegisterRecord": { "oneOf": [
            { "$ref": "#/components/schemas/Activity" }, { "$ref": "#/components/schemas/Budget" },
            { "$ref": "#/components/schemas/Document" }, { "$ref": "#/components/schemas/CommitteeMember" },
            { "$ref": "#/components/schemas/Staff" }, { "$ref": "#/components/schemas/GbvCase" },
            { "$ref": "#/components/schemas/Inspection" }] },
        "Activity": { "type": "object", "required": ["activity_type", "count"], "properties": {
            "activity_type": { "type": "string", "description": "code from lists.activity_types (GET /registers)", "example": "tap-huan" },
            "content": text, "count": count, "participants_male": count, "participants_female": count,
            "participants_total": { "type": ["integer", "string", "null"],
                "description": "male + female ≤ total; when absent, the sum of the parts" },
            "level": { "enum": ["country", "province", "district", "commune", null] },
            "date": { "type": ["string", "null"], "format": "date", "description": "within the period" }, "notes": text } },
        "Budget": { "type": "object", "required": ["source"], "properties": {
            "source": { "enum": BudgetSource::ALL.map(|s| s.as_str()) }, "content": text,
            "allocated": money, "spent": money, "notes": text } },
        "Document": { "type": "object", "required": ["summary", "issuing_body", "document_type"], "properties": {
            "order": count, "summary": { "type": "string", "description": "trích yếu" }, "issuing_body": { "type": "string" },
            "document_type": { "type": "string", "description": "code from lists.document_types", "example": "ke-hoach" },
            "number": { "type": ["string", "null"], "example": "28/NQ-CP" }, "date": date, "notes": text } },
        "CommitteeMember": { "type": "object", "required": ["name", "position", "sex"], "properties": {
            "name": { "type": "string" }, "position": { "type": "string" }, "sex": { "enum": ["male", "female"] },
            "agency": text, "term": { "type": ["string", "null"], "example": "2021-2026" }, "notes": text } },
        "Staff": { "type": "object", "properties": {
            "agency": text, "full_time_male": count, "full_time_female": count,
            "part_time_male": count, "part_time_female": count, "notes": text } },
        "GbvCase": { "type": "object", "required": ["case_type", "cases"],
            "description": "Counts only: no names, no free text", "properties": {
            "case_type": { "type": "string", "description": "code from lists.gbv_case_types", "example": "bao-luc-gia-dinh" },
            "victim_sex": sex, "perpetrator_sex": sex, "cases": count,
            "supported": { "type": ["integer", "string", "null"], "description": "≤ cases" } } },
        "Inspection": { "type": "object", "required": ["count"], "properties": {
            "count": count, "subject": text, "findings": text, "violations_found": count,
            "violations_handled": { "type": ["integer", "string", "null"], "description": "≤ violations_found" },
            "date": date, "notes": text } }
    });
    if let (Some(out), Value::Object(paths)) = (doc["paths"].as_object_mut(), paths) {
        out.extend(paths);
    }
    if let (Some(out), Value::Object(schemas)) = (doc["components"]["schemas"].as_object_mut(), schemas) {
        out.extend(schemas);
    }
}
