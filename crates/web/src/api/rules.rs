//! Validation over HTTP: `POST /api/v1/validate` runs every check on a unit's (or a
//! subtree's) values for a period; `/api/v1/rules` lists, adds and switches configured
//! rules. Rules are read from the database on each validation, so a rule added here takes
//! effect on the next call.

use crate::AppState;
use crate::api::unit_period::{self, UnitPeriod};
use crate::api::{JsonBody, Query, given};
use crate::auth::{Authenticated, Caller, authorize, require_admin};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use binhdang_domain::access::Action;
use binhdang_domain::rules::{Rule, RuleDraft, tally};
use binhdang_store::AuditEntry;
use binhdang_store::FieldProblem;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The rules' bodies are read as `Value`: a body that is not an object is a 422 (`body`), and
/// every field of the wrong JSON type is a 422 naming it, all of them at once ([`rule_draft`]),
/// which a typed body would turn into one 400.
type Body = Result<JsonBody<Value>, ApiError>;

fn json_body(body: Body) -> Result<Map<String, Value>, ApiError> {
    let JsonBody(body) = body?;
    match body {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::invalid(
            "body",
            "bad_shape",
            "the body must be a JSON object".into(),
            "Nội dung gửi lên phải là một đối tượng JSON".into(),
        )),
    }
}

fn to_json<T: serde::Serialize>(t: &T) -> Result<Value, ApiError> {
    serde_json::to_value(t).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The query of `POST /validate`. The unit and period are read here, not by [`UnitPeriod`], so
/// that their problems and `subtree`'s come in one 422.
#[derive(Deserialize)]
pub struct ValidateQuery {
    unit: Option<String>,
    period: Option<String>,
    /// true, 1, yes / false, 0, no (default false).
    subtree: Option<String>,
}

/// `POST /api/v1/validate?unit=&period=[&subtree=true]`
pub async fn validate(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Query(q): Query<ValidateQuery>,
) -> ApiResult<Json<Value>> {
    let mut problems = Vec::new();
    let names = unit_period::named(given(&q.unit), given(&q.period))
        .map_err(|mut e| problems.append(&mut e))
        .ok();
    let subtree = match q.subtree.as_deref().map(|s| s.trim().to_ascii_lowercase()) {
        None => false,
        Some(s) if ["true", "1", "yes"].contains(&s.as_str()) => true,
        Some(s) if ["false", "0", "no", ""].contains(&s.as_str()) => false,
        Some(s) => {
            problems.push(FieldProblem::new(
                "subtree",
                "bad_flag",
                format!("`subtree` must be true or false, not `{s}`"),
                format!("`subtree` phải là true hoặc false, không phải `{s}`"),
            ));
            false
        }
    };
    let (Some((unit, period)), true) = (names, problems.is_empty()) else {
        return Err(ApiError::Invalid(problems));
    };
    let UnitPeriod { unit, period } = UnitPeriod::resolve(&state, unit, period).await?;
    authorize(&state, &caller, &unit, Action::Read).await?;
    let findings = if subtree {
        state.store.validate_subtree(&unit, &period).await?
    } else {
        state.store.validate(&unit, &period).await?
    };
    let (errors, warnings, unexplained) = tally(&findings);
    Ok(Json(json!({
        "unit": unit,
        "period": period,
        "subtree": subtree,
        "findings": findings,
        "errors": errors,
        "warnings": warnings,
        "unexplained_warnings": unexplained,
    })))
}

/// `GET /api/v1/rules`: the configured rules and the built-in ones.
pub async fn list(State(state): State<AppState>, Authenticated(_): Authenticated) -> ApiResult<Json<Value>> {
    let rules = state.store.rules().await?;
    let builtin = state.store.builtin_rules().await?;
    Ok(Json(
        json!({ "count": rules.len(), "rules": rules, "builtin": builtin }),
    ))
}

/// `POST /api/v1/rules` with the rule as JSON; 201 with the stored rule.
pub async fn add(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Body,
) -> ApiResult<(StatusCode, Json<Value>)> {
    require_admin(&state, &caller, "rule.add").await?;
    let body = json_body(body)?;
    let rule = add_rule(&state, &caller, &rule_draft(&body)?).await?;
    Ok((StatusCode::CREATED, Json(to_json(&rule)?)))
}

/// Stores a checked rule (administrators), audited; the API and the rules page add rules
/// through this.
pub(crate) async fn add_rule(state: &AppState, caller: &Caller, draft: &RuleDraft) -> Result<Rule, ApiError> {
    require_admin(state, caller, "rule.add").await?;
    let rule = state.store.add_rule(draft).await?;
    let entry = AuditEntry {
        actor: &caller.user.username,
        origin: &caller.origin,
        action: "rule.add",
        unit_id: None,
        period: None,
        subject: &draft.code,
        old_value: None,
        new_value: Some(to_json(&rule)?),
        reason: None,
    };
    state.store.audit(&entry).await?;
    Ok(rule)
}

/// Switches a configured rule on or off (administrators), audited.
pub(crate) async fn switch_rule(
    state: &AppState,
    caller: &Caller,
    code: &str,
    enabled: bool,
) -> Result<Rule, ApiError> {
    require_admin(state, caller, "rule.enable").await?;
    let rule = state.store.set_rule_enabled(code, enabled).await?;
    let entry = AuditEntry {
        actor: &caller.user.username,
        origin: &caller.origin,
        action: "rule.enable",
        unit_id: None,
        period: None,
        subject: code,
        old_value: Some(json!({ "enabled": !enabled })),
        new_value: Some(json!({ "enabled": enabled })),
        reason: None,
    };
    state.store.audit(&entry).await?;
    Ok(rule)
}

/// `PATCH /api/v1/rules/{code}` with `{"enabled": bool}`.
pub async fn set_enabled(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
    body: Body,
) -> ApiResult<Json<Value>> {
    require_admin(&state, &caller, "rule.enable").await?;
    let body = json_body(body)?;
    let Some(enabled) = body.get("enabled").and_then(Value::as_bool) else {
        return Err(ApiError::invalid(
            "enabled",
            if body.contains_key("enabled") {
                "not_a_boolean"
            } else {
                "missing"
            },
            "send {\"enabled\": true} or {\"enabled\": false}".into(),
            "Gửi {\"enabled\": true} (bật) hoặc {\"enabled\": false} (tắt)".into(),
        ));
    };
    let rule = switch_rule(&state, &caller, code.trim(), enabled).await?;
    Ok(Json(to_json(&rule)?))
}

/// A rule from its fields as `text` reads them by name (a JSON body, a form), enabled.
pub(crate) fn draft_from(mut text: impl FnMut(&str) -> String) -> RuleDraft {
    RuleDraft {
        code: text("code"),
        name_vi: text("name_vi"),
        name_en: text("name_en"),
        left: text("left"),
        operator: text("operator"),
        right: text("right"),
        severity: text("severity"),
        message_vi: text("message_vi"),
        message_en: text("message_en"),
        enabled: true,
    }
}

/// Reads the rule fields, naming every field of the wrong JSON type; the store checks the
/// content.
fn rule_draft(body: &Map<String, Value>) -> Result<RuleDraft, ApiError> {
    let mut problems = Vec::new();
    let mut text = |name: &str| match body.get(name) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            problems.push(FieldProblem::new(
                name,
                "not_a_string",
                format!("`{name}` must be a string, not {other}"),
                format!("`{name}` phải là chuỗi ký tự, không phải {other}"),
            ));
            String::new()
        }
    };
    let mut draft = draft_from(&mut text);
    match body.get("enabled") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) => draft.enabled = *b,
        Some(other) => problems.push(FieldProblem::new(
            "enabled",
            "not_a_boolean",
            format!("`enabled` must be true or false, not {other}"),
            format!("`enabled` phải là true hoặc false, không phải {other}"),
        )),
    }
    if problems.is_empty() {
        Ok(draft)
    } else {
        Err(ApiError::Invalid(problems))
    }
}

/// Adds the validation routes and their schemas to the OpenAPI document.
pub fn extend_openapi(doc: &mut Value) {
    let error = |description: &str| {
        json!({ "description": description,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
    };
    let ok = |status: &str, schema: Value| json!({ status: { "description": "OK", "content": { "application/json": { "schema": schema } } } });
    let query = |name: &str, required: bool, description: &str, example: &str| {
        json!({ "name": name, "in": "query", "required": required, "description": description,
                "schema": { "type": "string" }, "example": example })
    };
    let with = |mut responses: Value, extra: &[(&str, &str)]| {
        for (status, description) in extra {
            responses[*status] = error(description);
        }
        responses
    };
    let invalid = "The request names something unknown or holds an invalid value; nothing was changed";
    let paths = json!({
        "/api/v1/validate": { "post": {
            "summary": "Run every validation rule on a unit's values for a period",
            "description": "Built-in rules from the catalogue (numerator ≤ denominator, stated percentage within 0–100, \
                stated rate matching numerator/denominator at its own precision, male + female = total), the enabled \
                configured rules (read from the database on each call), and outliers against the unit's earlier \
                periods of the same type and against its siblings (modified z-score above 3.5). Errors block \
                submission; warnings need an explanation, given as a comment on the value.",
            "parameters": [
                query("unit", true, "GSO code of the unit", "12"),
                query("period", true, "Period identifier: 2024, 2024H1, 2024Q3, 2024M03, 2021-2025, 2023AM", "2024"),
                query("subtree", false, "true: the unit and every unit below it", "true"),
            ],
            "responses": with(ok("200", json!({ "$ref": "#/components/schemas/Validation" })), &[("422", invalid)]) } },
        "/api/v1/rules": {
            "get": { "summary": "Configured and built-in validation rules",
                "responses": ok("200", json!({ "type": "object", "properties": {
                    "count": { "type": "integer" },
                    "rules": { "type": "array", "items": { "$ref": "#/components/schemas/Rule" } },
                    "builtin": { "type": "array", "items": { "$ref": "#/components/schemas/BuiltinRule" } } } })) },
            "post": { "summary": "Add a configured validation rule",
                "description": "The expressions are checked against the language and the catalogue; every problem \
                    (parse error with its position, unknown data element, breakdown the element lacks, unknown \
                    operator or severity, code in use) is returned with 422 and nothing is stored.",
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/RuleWrite" } } } },
                "responses": with(ok("201", json!({ "$ref": "#/components/schemas/Rule" })),
                    &[("400", "The body is not JSON"), ("422", invalid)]) } },
        "/api/v1/rules/{code}": { "patch": {
            "summary": "Switch a configured rule on or off",
            "parameters": [{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" },
                "example": "giam-qua-nua" }],
            "requestBody": { "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["enabled"], "properties": { "enabled": { "type": "boolean" } } } } } },
            "responses": with(ok("200", json!({ "$ref": "#/components/schemas/Rule" })),
                &[("400", "The body is not JSON"), ("404", "No configured rule with this code"), ("422", invalid)]) } }
    });
    let schemas = json!({
        "Finding": { "type": "object", "properties": {
            "rule": { "type": "string", "example": "builtin.rate_matches.5.4a" },
            "kind": { "enum": ["builtin", "configured", "outlier"] },
            "severity": { "enum": ["error", "warning"] },
            "unit": { "type": "string" }, "period": { "type": "string" },
            "values": { "type": "array", "items": { "type": "object", "properties": {
                "element": { "type": "string" }, "disaggregation": { "enum": ["total", "male", "female"] },
                "period": { "type": "string", "description": "set for a value of the previous period" },
                "value": { "type": "string" } } } },
            "expected": { "type": "string", "example": "66.67" }, "found": { "type": "string", "example": "66.66" },
            "message_vi": { "type": "string" }, "message_en": { "type": "string" },
            "needs_explanation": { "type": "boolean" }, "explained": { "type": "boolean" } } },
        "Validation": { "type": "object", "properties": {
            "unit": { "$ref": "#/components/schemas/Unit" }, "period": { "type": "string" },
            "subtree": { "type": "boolean" },
            "findings": { "type": "array", "items": { "$ref": "#/components/schemas/Finding" } },
            "errors": { "type": "integer" }, "warnings": { "type": "integer" },
            "unexplained_warnings": { "type": "integer" } } },
        "Rule": { "type": "object", "properties": {
            "code": { "type": "string" }, "name_vi": { "type": "string" }, "name_en": { "type": "string" },
            "left": { "type": "string", "example": "#{6.1.num}" },
            "operator": { "enum": ["=", "!=", "<", "<=", ">", ">=", "both_or_neither"] },
            "right": { "type": "string", "example": "prev(#{6.1.num}) * 0.5" },
            "severity": { "enum": ["error", "warning"] },
            "message_vi": { "type": "string" }, "message_en": { "type": "string" },
            "enabled": { "type": "boolean" } } },
        "BuiltinRule": { "oneOf": [{ "$ref": "#/components/schemas/Rule" }, { "type": "object", "properties": {
            "code": { "type": "string" }, "name_vi": { "type": "string" }, "name_en": { "type": "string" },
            "indicator": { "type": "string" }, "numerator": { "type": "string" },
            "denominator": { "type": "string" }, "rate": { "type": "string" }, "factor": { "type": "string" },
            "severity": { "enum": ["error", "warning"] } } }] },
        "RuleWrite": { "type": "object",
            "required": ["code", "name_vi", "left", "operator", "right", "severity", "message_vi"],
            "properties": {
                "code": { "type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$", "example": "giam-qua-nua" },
                "name_vi": { "type": "string" }, "name_en": { "type": "string", "description": "default: name_vi" },
                "left": { "type": "string", "description": "#{element}, #{element.female}, prev(#{...}), decimals, + - * / ( )",
                    "example": "#{6.1.num}" },
                "operator": { "enum": ["=", "!=", "<", "<=", ">", ">=", "both_or_neither"] },
                "right": { "type": "string", "example": "prev(#{6.1.num}) * 0.5" },
                "severity": { "enum": ["error", "warning"] },
                "message_vi": { "type": "string", "description": "may hold {left} and {right}" },
                "message_en": { "type": "string", "description": "default: message_vi" },
                "enabled": { "type": "boolean", "default": true } } }
    });
    for (section, additions) in [(&["paths"][..], paths), (&["components", "schemas"][..], schemas)] {
        let mut target = &mut *doc;
        for key in section {
            target = &mut target[*key];
        }
        if let (Some(target), Value::Object(additions)) = (target.as_object_mut(), additions) {
            target.extend(additions);
        }
    }
}
