//! A unit's values for a period: `GET /values` and `PUT /values` (saved through the engine).

use crate::AppState;
use crate::api::unit_period::UnitPeriod;
use crate::api::{JsonBody, period_json};
use crate::auth::Authenticated;
use crate::auth::Caller;
use crate::auth::authorize;
use crate::error::ApiError;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::State;
use binhdang_domain::Period;
use binhdang_domain::access::Action;
use binhdang_store::RawValue;
use binhdang_store::UnitSummary;
use binhdang_store::ValueInput;
use serde_json::Value;
use serde_json::json;

async fn values_body(state: &AppState, unit: &UnitSummary, period: &Period) -> Result<Value, ApiError> {
    let values = state.store.values(unit, period).await?;
    Ok(json!({ "unit": unit, "period": period_json(period), "values": values }))
}

/// `GET /api/v1/values?unit=&period=`
pub async fn get_values(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    UnitPeriod { unit, period }: UnitPeriod,
) -> ApiResult<Json<Value>> {
    authorize(&state, &caller, &unit, Action::Read).await?;
    Ok(Json(values_body(&state, &unit, &period).await?))
}

/// `PUT /api/v1/values?unit=&period=` with `{"values": [{"element", "disaggregation", "value", "comment"}]}`.
///
/// The body stays a `Value`: every shape problem, a body that is not an object included, is a
/// 422 naming its field (`values`, `values[3].value`), which [`value_inputs`] reads one by one;
/// and those come before the unit and period's problems.
pub async fn put_values(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    unit_period: Result<UnitPeriod, ApiError>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    let inputs = value_inputs(&body)?;
    let UnitPeriod { unit, period } = unit_period?;
    authorize(&state, &caller, &unit, Action::Write).await?;
    // Validation runs on every save: errors block submission, warnings need a comment.
    let saved = binhdang_engine::save::save_and_validate(
        &state.store,
        &caller.user,
        &unit,
        &period,
        &inputs,
        &caller.actor_for(&unit),
    )
    .await?;
    let mut out = values_body(&state, &unit, &period).await?;
    out["written"] = json!(saved.summary.written);
    out["deleted"] = json!(saved.summary.deleted);
    out["unchanged"] = json!(saved.summary.unchanged);
    out["validation"] = json!({ "errors": saved.errors, "warnings": saved.warnings,
            "unexplained_warnings": saved.unexplained_warnings, "findings": saved.findings });
    Ok(Json(out))
}

/// An officer tied to an agency enters only the indicators that agency answers for (the
/// engine's rule); for the channels that write through the store's batch path.
pub(crate) async fn check_agency(state: &AppState, caller: &Caller, inputs: &[ValueInput]) -> Result<(), ApiError> {
    let problems = binhdang_engine::scope::refuse_outside_agency(&state.store, &caller.user, inputs).await?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(binhdang_engine::Refusal::OutsideScope(problems).into())
    }
}

/// Reads `{"values": [...]}` into inputs, naming the field of every shape problem.
fn value_inputs(body: &Value) -> Result<Vec<ValueInput>, ApiError> {
    let shape = || {
        ApiError::invalid(
            "values",
            "bad_shape",
            "the body must be {\"values\": [{\"element\": \"1.1.num\", \"disaggregation\": \"total\", \"value\": \"12\"}]}"
                .into(),
            "Nội dung phải có dạng {\"values\": [{\"element\": \"1.1.num\", \"disaggregation\": \"total\", \"value\": \"12\"}]}"
                .into(),
        )
    };
    let items = body.get("values").and_then(Value::as_array).ok_or_else(shape)?;
    let mut problems = Vec::new();
    let mut inputs = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = |f: &str| format!("values[{i}].{f}");
        let Some(obj) = item.as_object() else {
            problems.push(binhdang_store::FieldProblem::new(
                format!("values[{i}]"),
                "bad_shape",
                "each value must be an object with element, disaggregation, value and optional comment".into(),
                "Mỗi giá trị phải là một đối tượng gồm element, disaggregation, value và comment (nếu có)".into(),
            ));
            continue;
        };
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_string);
        let Some(element) = text("element") else {
            problems.push(binhdang_store::FieldProblem::new(
                field("element"),
                "missing",
                "`element` (a data element code such as 1.1.num) is required".into(),
                "Thiếu `element` (mã chỉ tiêu dữ liệu, ví dụ 1.1.num)".into(),
            ));
            continue;
        };
        let value = match obj.get("value").map(raw_value) {
            None => {
                problems.push(binhdang_store::FieldProblem::new(
                    field("value"),
                    "missing",
                    "`value` is required (null removes the stored value)".into(),
                    "Thiếu `value` (null để xóa giá trị đã lưu)".into(),
                ));
                continue;
            }
            Some(Ok(value)) => value,
            Some(Err(other)) => {
                problems.push(not_a_value(field("value"), other));
                continue;
            }
        };
        let expected = match obj.get("expected").map(raw_value).transpose() {
            Ok(expected) => expected,
            Err(other) => {
                problems.push(not_a_value(field("expected"), other));
                continue;
            }
        };
        inputs.push(ValueInput {
            element,
            disaggregation: text("disaggregation"),
            value,
            comment: text("comment"),
            source: None,
            expected,
        });
    }
    if problems.is_empty() {
        Ok(inputs)
    } else {
        Err(ApiError::Invalid(problems))
    }
}

/// A JSON value as a raw value: a number, a string (exact decimals travel as text) or null.
fn raw_value(v: &Value) -> Result<RawValue, &Value> {
    match v {
        Value::Null => Ok(RawValue::Null),
        Value::Number(n) => Ok(RawValue::Number(n.to_string())),
        Value::String(s) => Ok(RawValue::Text(s.clone())),
        other => Err(other),
    }
}

fn not_a_value(field: String, found: &Value) -> binhdang_store::FieldProblem {
    binhdang_store::FieldProblem::new(
        field,
        "not_a_number",
        format!("must be a number, a string or null, not {found}"),
        format!("phải là số, chuỗi hoặc null, không phải {found}"),
    )
}
