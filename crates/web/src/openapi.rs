//! The OpenAPI 3.1 description of `/api/v1`, written out by hand: the API is small, and a
//! hand-kept document lets the store's types stay free of schema annotations. [`ROUTES`]
//! lists what the router serves; a test checks the document and the router agree.

use axum::Json;
use serde_json::{Value, json};

/// Every (method, path) the API serves, in OpenAPI path syntax.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/health"),
    ("get", "/api/v1/units"),
    ("get", "/api/v1/units/{code}"),
    ("get", "/api/v1/indicators"),
    ("get", "/api/v1/indicators/{code}"),
    ("get", "/api/v1/values"),
    ("put", "/api/v1/values"),
    ("get", "/api/v1/registers"),
    ("get", "/api/v1/registers/{register}"),
    ("post", "/api/v1/registers/{register}"),
    ("get", "/api/v1/registers/{register}/summary"),
    ("put", "/api/v1/registers/{register}/{id}"),
    ("delete", "/api/v1/registers/{register}/{id}"),
    ("get", "/api/v1/openapi.json"),
];

pub async fn serve() -> Json<Value> {
    Json(openapi_document())
}

fn error_responses(codes: &[&str]) -> Value {
    let mut out = serde_json::Map::new();
    for code in codes {
        let description = match *code {
            "400" => "The body is not JSON",
            "404" => "Not found",
            "422" => "The request names something unknown or holds an invalid value; nothing was changed",
            _ => "Error",
        };
        out.insert(
            code.to_string(),
            json!({ "description": description,
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
        );
    }
    Value::Object(out)
}

fn query(name: &str, required: bool, description: &str, example: &str) -> Value {
    json!({ "name": name, "in": "query", "required": required, "description": description,
            "schema": { "type": "string" }, "example": example })
}

fn ok(schema: Value) -> Value {
    json!({ "description": "OK", "content": { "application/json": { "schema": schema } } })
}

pub fn openapi_document() -> Value {
    let unit_period = vec![
        query("unit", true, "GSO code of the unit", "12"),
        query(
            "period",
            true,
            "Period identifier: 2024, 2024H1, 2024Q3, 2024M03, 2021-2025, 2023AM",
            "2024H1",
        ),
    ];
    let mut get_values_responses = error_responses(&["422"]);
    get_values_responses["200"] = ok(json!({ "$ref": "#/components/schemas/Values" }));
    let mut put_values_responses = error_responses(&["400", "422"]);
    put_values_responses["200"] = ok(json!({ "$ref": "#/components/schemas/Values" }));
    let mut units_responses = error_responses(&["422"]);
    units_responses["200"] = ok(json!({ "type": "object", "properties": {
        "date": { "type": "string", "format": "date" }, "count": { "type": "integer" },
        "units": { "type": "array", "items": { "$ref": "#/components/schemas/Unit" } } } }));
    let mut unit_responses = error_responses(&["404", "422"]);
    unit_responses["200"] = ok(json!({ "$ref": "#/components/schemas/UnitDetail" }));
    let mut indicator_responses = error_responses(&["404"]);
    indicator_responses["200"] = ok(json!({ "$ref": "#/components/schemas/IndicatorDetail" }));

    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "binhdang API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Monitoring of the National Strategy on Gender Equality 2021–2030 (Nghị quyết 28/NQ-CP). \
                Errors carry a stable code and messages in Vietnamese and English; send `Accept-Language: en` or \
                `?lang=en` to get `message` in English (Vietnamese is the default)."
        },
        "paths": {
            "/api/v1/health": { "get": { "summary": "Liveness and database reachability",
                "responses": { "200": ok(json!({ "type": "object" })), "503": { "description": "Database unreachable" } } } },
            "/api/v1/units": { "get": {
                "summary": "Administrative units valid on a date",
                "parameters": [
                    query("level", false, "province, district or commune", "province"),
                    query("date", false, "YYYY-MM-DD; default today", "2026-01-01"),
                    query("parent", false, "GSO code of the parent unit", "12"),
                ],
                "responses": units_responses } },
            "/api/v1/units/{code}": { "get": {
                "summary": "One unit with parent, children, predecessors and successors",
                "description": "A code may name different units over time (a merged province that kept its code); \
                    the version valid on `date` is returned, or else the latest.",
                "parameters": [
                    { "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": "12" },
                    query("date", false, "YYYY-MM-DD; default today", "2024-01-01"),
                ],
                "responses": unit_responses } },
            "/api/v1/indicators": { "get": { "summary": "The indicator catalogue with national targets",
                "responses": { "200": ok(json!({ "type": "object", "properties": {
                    "count": { "type": "integer" },
                    "objectives": { "type": "array", "items": { "type": "object" } },
                    "indicators": { "type": "array", "items": { "$ref": "#/components/schemas/Indicator" } } } })) } } },
            "/api/v1/indicators/{code}": { "get": {
                "summary": "One indicator with its data elements and local targets",
                "parameters": [{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": "1.1" }],
                "responses": indicator_responses } },
            "/api/v1/values": {
                "get": { "summary": "A unit's data values for a period", "parameters": unit_period.clone(),
                    "responses": get_values_responses },
                "put": { "summary": "Write a batch of a unit's data values for a period",
                    "description": "All values are checked first; if any is wrong, every problem is returned (422) and \
                        nothing is written. Otherwise the batch is written in one transaction and every change is audited. \
                        Send numbers as JSON strings to keep them exact; `null` removes a value.",
                    "parameters": unit_period,
                    "requestBody": { "required": true, "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/ValuesWrite" } } } },
                    "responses": put_values_responses } },
            "/api/v1/openapi.json": { "get": { "summary": "This document",
                "responses": { "200": ok(json!({ "type": "object" })) } } }
        },
        "components": { "schemas": {
            "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object",
                "required": ["code", "message", "message_en", "message_vi", "problems"],
                "properties": {
                    "code": { "type": "string" }, "message": { "type": "string" },
                    "message_en": { "type": "string" }, "message_vi": { "type": "string" },
                    "problems": { "type": "array", "items": { "type": "object", "properties": {
                        "field": { "type": "string", "example": "values[0].value" }, "code": { "type": "string" },
                        "message": { "type": "string" }, "message_en": { "type": "string" },
                        "message_vi": { "type": "string" } } } } } } } },
            "Unit": { "type": "object", "properties": {
                "code": { "type": "string" }, "level": { "enum": ["province", "district", "commune"] },
                "name": { "type": "string" }, "kind": { "type": "string" }, "full_name": { "type": "string" },
                "parent_code": { "type": ["string", "null"] },
                "valid_from": { "type": ["string", "null"], "format": "date" },
                "valid_to": { "type": ["string", "null"], "format": "date" } } },
            "UnitDetail": { "allOf": [{ "$ref": "#/components/schemas/Unit" }, { "type": "object", "properties": {
                "as_of": { "type": "string", "format": "date" },
                "parent": { "oneOf": [{ "$ref": "#/components/schemas/Unit" }, { "type": "null" }] },
                "children": { "type": "array", "items": { "$ref": "#/components/schemas/Unit" } },
                "predecessors": { "type": "array", "items": { "$ref": "#/components/schemas/Succession" } },
                "successors": { "type": "array", "items": { "$ref": "#/components/schemas/Succession" } } } }] },
            "Succession": { "type": "object", "properties": {
                "unit": { "$ref": "#/components/schemas/Unit" }, "kind": { "enum": ["merge", "split"] },
                "effective": { "type": "string", "format": "date" } } },
            "Target": { "type": "object", "properties": {
                "op": { "enum": [">=", ">", "<=", "<", "=", "~"] }, "value": { "type": "string" } } },
            "Indicator": { "type": "object", "properties": {
                "code": { "type": "string" }, "objective": { "type": "integer" },
                "name_vi": { "type": "string" }, "name_en": { "type": "string" },
                "measure": { "type": "string" }, "factor": { "type": "string" },
                "direction": { "enum": ["higher", "lower"] },
                "aggregation": { "enum": ["sum_ratio", "share_of_units", "survey"] },
                "lowest_level": { "type": "string" }, "responsible_agency": { "type": "string" },
                "national_targets": { "type": "array", "items": { "allOf": [{ "$ref": "#/components/schemas/Target" },
                    { "type": "object", "properties": { "year": { "type": "integer" } } }] } } } },
            "IndicatorDetail": { "allOf": [{ "$ref": "#/components/schemas/Indicator" }, { "type": "object", "properties": {
                "data_elements": { "type": "array", "items": { "type": "object" } },
                "local_targets": { "type": "array", "items": { "type": "object" } } } }] },
            "Values": { "type": "object", "properties": {
                "unit": { "$ref": "#/components/schemas/Unit" }, "period": { "type": "object" },
                "values": { "type": "array", "items": { "type": "object", "properties": {
                    "element": { "type": "string" }, "disaggregation": { "enum": ["total", "male", "female"] },
                    "value": { "type": "string" }, "text": { "type": "string" }, "comment": { "type": "string" },
                    "updated_at": { "type": "string" }, "updated_by": { "type": "string" } } } },
                "written": { "type": "integer" }, "deleted": { "type": "integer" }, "unchanged": { "type": "integer" } } },
            "ValuesWrite": { "type": "object", "required": ["values"], "properties": { "values": { "type": "array",
                "items": { "type": "object", "required": ["element", "value"], "properties": {
                    "element": { "type": "string", "example": "6.1.num" },
                    "disaggregation": { "enum": ["total", "male", "female"], "default": "total" },
                    "value": { "type": ["string", "number", "null"], "example": "1260" },
                    "comment": { "type": "string" } } } } } }
        } }
    });
    crate::registers::extend_openapi(&mut doc);
    doc
}
