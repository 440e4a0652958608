//! The OpenAPI 3.1 description of `/api/v1`, written out by hand: the API is small, and a
//! hand-kept document lets the store's types stay free of schema annotations. [`ROUTES`]
//! lists what the router serves; a test checks the document and the router agree.

use axum::Json;
use serde_json::{Value, json};

/// Every (method, path) the API serves, in OpenAPI path syntax.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/health"),
    ("get", "/api/v1/units"),
    ("get", "/api/v1/units/search"),
    ("get", "/api/v1/units/{code}"),
    ("get", "/api/v1/indicators"),
    ("post", "/api/v1/indicators"),
    ("get", "/api/v1/indicators/{code}"),
    ("put", "/api/v1/indicators/{code}"),
    ("delete", "/api/v1/indicators/{code}"),
    ("put", "/api/v1/indicators/{code}/local-targets"),
    ("get", "/api/v1/values"),
    ("put", "/api/v1/values"),
    ("get", "/api/v1/values.csv"),
    ("put", "/api/v1/values.csv"),
    ("post", "/api/v1/values.csv"),
    ("get", "/api/v1/templates/entry.xlsx"),
    ("post", "/api/v1/templates/entry.xlsx"),
    ("get", "/api/v1/aggregates"),
    ("get", "/api/v1/assessment"),
    ("post", "/api/v1/validate"),
    ("get", "/api/v1/rules"),
    ("post", "/api/v1/rules"),
    ("patch", "/api/v1/rules/{code}"),
    ("get", "/api/v1/registers"),
    ("get", "/api/v1/registers/{register}"),
    ("post", "/api/v1/registers/{register}"),
    ("get", "/api/v1/registers/{register}/summary"),
    ("put", "/api/v1/registers/{register}/{id}"),
    ("delete", "/api/v1/registers/{register}/{id}"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/auth/sign-in"),
    ("post", "/api/v1/auth/sign-out"),
    ("get", "/api/v1/auth/me"),
    ("post", "/api/v1/auth/password"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("post", "/api/v1/users/import"),
    ("post", "/api/v1/users/{username}/disable"),
    ("post", "/api/v1/users/{username}/enable"),
    ("post", "/api/v1/users/{username}/lift-sign-in-limit"),
    ("post", "/api/v1/users/{username}/reset-password"),
    ("get", "/api/v1/tokens"),
    ("post", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{id}"),
    ("post", "/api/v1/units/{code}/agencies"),
    ("put", "/api/v1/agencies/{code}"),
    ("get", "/api/v1/small-cells"),
    ("put", "/api/v1/small-cells/{element}"),
    ("post", "/api/v1/agencies/{code}/close"),
    ("get", "/api/v1/dataValueSets"),
    ("post", "/api/v1/dataValueSets"),
    ("get", "/api/v1/exchange/codes"),
    ("get", "/api/v1/export"),
    ("put", "/api/v1/exchange/codes"),
    ("get", "/api/v1/programmes"),
    ("put", "/api/v1/programmes/{code}"),
    ("post", "/api/v1/programmes/{code}/archive"),
    ("get", "/api/v1/workflow"),
    ("post", "/api/v1/workflow/{action}"),
    ("post", "/api/v1/excuse"),
    ("post", "/api/v1/unlock"),
    ("post", "/api/v1/periods/close"),
    ("get", "/api/v1/status"),
    ("get", "/api/v1/inbox"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/reports/{kind}"),
    ("get", "/api/v1/reports/narrative"),
    ("put", "/api/v1/reports/narrative"),
    ("post", "/api/v1/imports"),
    ("get", "/api/v1/imports/{id}"),
    ("post", "/api/v1/imports/{id}/decisions"),
    ("post", "/api/v1/check"),
    ("get", "/api/v1/plans"),
    ("post", "/api/v1/plans"),
    ("post", "/api/v1/plans/read"),
    ("get", "/api/v1/plans/{id}"),
    ("put", "/api/v1/plans/{id}"),
    ("post", "/api/v1/plans/{id}/status"),
    ("get", "/api/v1/plans/{id}/file"),
    ("post", "/api/v1/plans/{id}/file"),
    ("post", "/api/v1/plans/{id}/tasks"),
    ("post", "/api/v1/plans/{id}/programmes"),
    ("get", "/api/v1/tasks"),
    ("get", "/api/v1/tasks/{id}"),
    ("put", "/api/v1/tasks/{id}"),
    ("get", "/api/v1/tasks/{id}/evidence/{update}"),
    ("post", "/api/v1/tasks/{id}/progress"),
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
            "409" => "A value was changed by someone else since the client read it; nothing was changed",
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

/// The responses of an operation: `200` with `schema`, and the errors of `codes`.
fn ok_or_errors(schema: Value, codes: &[&str]) -> Value {
    let mut responses = error_responses(codes);
    responses["200"] = ok(schema);
    responses
}

/// One object holding the members of all of `objects`, in order.
fn merged(objects: impl IntoIterator<Item = Value>) -> Value {
    let mut out = serde_json::Map::new();
    for object in objects {
        if let Value::Object(members) = object {
            out.extend(members);
        }
    }
    Value::Object(out)
}

/// The workflow, calendar and audit routes.
fn workflow_paths(doc: &mut Value) {
    let report = || {
        json!([
            query("unit", true, "GSO code of the unit whose report it is", "03490"),
            query("period", true, "Period identifier", "2025H1"),
            query(
                "programme",
                false,
                "Reporting programme; default: the one that reports on the period",
                "NS-H1"
            ),
        ])
    };
    let reason_body = json!({ "required": false, "content": { "application/json": { "schema": { "type": "object",
        "properties": { "reason": { "type": "string", "description": "Required to return or reopen" } } } } } });
    let paths = doc["paths"].as_object_mut().expect("paths");
    paths.insert(
        "/api/v1/programmes".into(),
        json!({ "get": { "summary": "Reporting programmes with period type and deadlines per level",
        "responses": { "200": ok(json!({ "type": "object" })) } } }),
    );
    let mut local_target_responses = error_responses(&["400", "422"]);
    local_target_responses["200"] = ok(json!({ "$ref": "#/components/schemas/IndicatorDetail" }));
    local_target_responses["403"] =
        json!({ "description": "Not an administrator (the refusal is in the audit trail as access.denied)" });
    paths.insert("/api/v1/indicators/{code}/local-targets".into(), json!({ "put": {
        "summary": "Set or replace a unit's own target for an indicator and a phase (administrators)",
        "description": "The assessment of the unit and of the units below it then uses this target (source `local`) \
            for periods in the phase. Refused with every problem (422) and nothing stored: an unknown indicator, \
            a unit that did not exist during the phase, a phase other than 2021-2025 style, an unknown comparison, \
            a figure that is not a number (`63.5`), negative, a percentage above 100, a yes/no target other than \
            0 or 1, or any target for an indicator assessed in words. Audited as `target.set`.",
        "parameters": [{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": "6.1" }],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
            "required": ["unit", "phase", "op", "value"], "properties": {
                "unit": { "type": "string", "example": "12" },
                "phase": { "type": "string", "example": "2021-2025" },
                "op": { "enum": [">=", ">", "<=", "<", "=", "~"] },
                "value": { "type": ["string", "number"], "example": "50" } } } } } },
        "responses": local_target_responses } }));
    paths.insert("/api/v1/programmes/{code}".into(), json!({ "put": { "summary": "Create or change a reporting programme, its deadlines and whom it binds (`binds`: units, agencies; administrators)",
        "parameters": [{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": "NS-H1" }],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
            "required": ["name_vi", "name_en", "period_type", "deadlines"], "properties": {
                "name_vi": { "type": "string" }, "name_en": { "type": "string" },
                "period_type": { "enum": ["year", "half_year", "quarter", "month", "phase", "action_month"] },
                "half": { "type": ["integer", "null"] },
                "deadlines": { "type": "array", "items": { "type": "array", "prefixItems": [
                    { "enum": ["country", "province", "district", "commune"] },
                    { "type": "object", "properties": { "month": { "type": "integer" }, "day": { "type": "integer" },
                        "year_offset": { "type": "integer" } } }] } } } } } } },
        "responses": { "200": ok(json!({ "type": "object" })), "422": { "description": "Refused" } } } }));
    let agency_body = |required: Value| {
        json!({ "required": true, "content": { "application/json": { "schema": {
        "type": "object", "required": required, "properties": {
            "code": { "type": "string", "example": "so-y-te" }, "name_vi": { "type": "string", "example": "Sở Y tế" },
            "name_en": { "type": "string" } } } } } })
    };
    let code_param = |example: &str| json!([{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": example }]);
    paths.insert(
        "/api/v1/units/{code}/agencies".into(),
        json!({ "post": {
        "summary": "Create an agency beside a unit (administrators); codes are never reused",
        "parameters": code_param("12"), "requestBody": agency_body(json!(["code", "name_vi"])),
        "responses": { "201": ok(json!({ "type": "object" })), "422": { "description": "Refused" } } } }),
    );
    paths.insert(
        "/api/v1/agencies/{code}".into(),
        json!({ "put": {
        "summary": "Rename an agency (administrators); the old name stays in its audited history",
        "parameters": code_param("so-y-te"), "requestBody": agency_body(json!(["name_vi"])),
        "responses": { "200": ok(json!({ "type": "object" })), "404": { "description": "No such agency" } } } }),
    );
    paths.insert(
        "/api/v1/agencies/{code}/close".into(),
        json!({ "post": {
        "summary": "Close an agency from a date (administrators): no longer listed; its rows and history stay",
        "parameters": code_param("so-y-te"),
        "requestBody": { "required": false, "content": { "application/json": { "schema": { "type": "object",
            "properties": { "on": { "type": "string", "format": "date" } } } } } },
        "responses": { "200": ok(json!({ "type": "object" })), "404": { "description": "No such agency" } } } }),
    );
    paths.insert("/api/v1/programmes/{code}/archive".into(), json!({ "post": {
        "summary": "Archive a reporting programme (administrators): no longer reported under, its history kept",
        "parameters": [{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": "LDLD-Y" }],
        "responses": { "200": ok(json!({ "type": "object" })), "404": { "description": "No such programme" } } } }));
    paths.insert(
        "/api/v1/workflow".into(),
        json!({ "get": { "summary": "The state of a unit's report for a period",
        "parameters": report(), "responses": { "200": ok(json!({ "type": "object" })) } } }),
    );
    paths.insert("/api/v1/workflow/{action}".into(), json!({ "post": {
        "summary": "Move a report: submit (its unit's officer or reviewer), approve or return (a reviewer above it, or its leader), reopen (a reviewer above it)",
        "description": "Submission is refused while validation errors remain or warnings lack an explanation; approval \
            while units below are neither approved nor excused. Submitted and approved data are locked. Every \
            transition is in the audit trail. An agency's officer (Sở Y tế beside the province) submits the agency's part of its unit's report (answered as `agency_part`), never the unit's whole report; `return` with `agency=` sends such a part back (by whoever submits the unit's report, with a reason); `GET /status` lists each part under `agencies` (submitted, returned, draft, missing).",
        "parameters": [{ "name": "action", "in": "path", "required": true, "schema": { "enum": ["submit", "approve", "return", "reopen"] } },
            query("unit", true, "GSO code", "03490"), query("period", true, "Period", "2025H1"), query("programme", false, "Programme", "NS-H1"),
            query("agency", false, "An agency of the unit, whose part is returned", "so-y-te")],
        "requestBody": reason_body.clone(),
        "responses": { "200": ok(json!({ "type": "object" })), "403": { "description": "Outside the caller's role or scope" },
            "422": { "description": "Refused: the message says why" } } } }));
    paths.insert("/api/v1/excuse".into(), json!({ "post": { "summary": "Excuse a unit from its parent's approval, with a reason",
        "parameters": report(), "requestBody": reason_body, "responses": { "200": ok(json!({ "type": "object" })) } } }));
    paths.insert("/api/v1/unlock".into(), json!({ "post": { "summary": "Let a unit enter data into a closed period until a date",
        "parameters": [query("unit", true, "GSO code", "03490"), query("period", true, "Period", "2025H1")],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["until", "reason"],
            "properties": { "until": { "type": "string", "format": "date" }, "reason": { "type": "string" } } } } } },
        "responses": { "200": ok(json!({ "type": "object" })) } } }));
    paths.insert(
        "/api/v1/periods/close".into(),
        json!({ "post": { "summary": "Close a programme's period for entry (administrators)",
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
            "required": ["programme", "period", "closes_on"], "properties": { "programme": { "type": "string" },
            "period": { "type": "string" }, "closes_on": { "type": "string", "format": "date" } } } } } },
        "responses": { "200": ok(json!({ "type": "object" })) } } }),
    );
    paths.insert("/api/v1/status".into(), json!({ "get": { "summary": "Completeness and timeliness: each child's state, deadline, on time or late, and rates",
        "parameters": report(), "responses": { "200": ok(json!({ "type": "object" })) } } }));
    paths.insert("/api/v1/inbox".into(), json!({ "get": { "summary": "Submissions waiting for the caller's review, their unit's returned reports, upcoming deadlines",
        "responses": { "200": ok(json!({ "type": "object" })) } } }));
    paths.insert(
        "/api/v1/audit".into(),
        json!({ "get": { "summary": "A unit's audit trail: value changes, register rows, workflow, refusals",
        "parameters": [query("unit", true, "GSO code", "03490"), query("period", false, "Period", "2025H1"),
            query("element", false, "Data element; only value changes", "6.1.num")],
        "responses": { "200": ok(json!({ "type": "object" })) } } }),
    );
}

/// Bulk export and small-cell protection.
fn disclosure_paths(doc: &mut Value) {
    let paths = doc["paths"].as_object_mut().expect("paths");
    paths.insert("/api/v1/export".into(), json!({ "get": {
        "summary": "Bulk export for analysts: every value entered in a unit's subtree over a period or a range \
            (`2021..2024`), one row per unit × period × element × breakdown with names; small cells withheld for viewers",
        "parameters": [
            { "name": "unit", "in": "query", "required": true, "schema": { "type": "string" }, "example": "12" },
            { "name": "period", "in": "query", "required": true, "schema": { "type": "string" }, "example": "2021..2024" },
            { "name": "indicator", "in": "query", "required": false, "schema": { "type": "string" }, "example": "6.1,3.2a" },
            { "name": "format", "in": "query", "required": false, "schema": { "enum": ["csv", "xlsx"] } }],
        "responses": { "200": { "description": "The file (CSV with a byte-order mark, or XLSX)" },
            "422": { "description": "Refused (a bad format, or more than 500,000 rows)" } } } }));
    paths.insert(
        "/api/v1/small-cells".into(),
        json!({ "get": {
        "summary": "Small-cell protection: the threshold in force for each summed data element (counts below it are \
            withheld from viewers and the public, with complementary cells), and who sees small counts",
        "responses": { "200": ok(json!({ "type": "object" })) } } }),
    );
    paths.insert("/api/v1/small-cells/{element}".into(), json!({ "put": {
        "summary": "Set a data element's small-cell threshold (administrators; audited): a whole number, 0 for none, \
            or null for the default rule",
        "parameters": [{ "name": "element", "in": "path", "required": true, "schema": { "type": "string" }, "example": "3.2a.num" }],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
            "properties": { "threshold": { "type": ["integer", "null"], "minimum": 0 } } } } } },
        "responses": { "200": ok(json!({ "type": "object" })), "404": { "description": "No such data element" },
            "422": { "description": "Not a threshold" } } } }));
}

/// The catalogue routes: health, units and indicators.
fn catalogue_paths() -> Value {
    let units_responses = ok_or_errors(
        json!({ "type": "object", "properties": {
            "date": { "type": "string", "format": "date" }, "count": { "type": "integer" },
            "units": { "type": "array", "items": { "$ref": "#/components/schemas/Unit" } } } }),
        &["422"],
    );
    let unit_responses = ok_or_errors(json!({ "$ref": "#/components/schemas/UnitDetail" }), &["404", "422"]);
    let indicator_responses = ok_or_errors(json!({ "$ref": "#/components/schemas/IndicatorDetail" }), &["404"]);
    json!({
        "/api/v1/health": { "get": { "security": [], "summary": "Liveness and database reachability",
            "responses": { "200": ok(json!({ "type": "object" })), "503": { "description": "Database unreachable" } } } },
        "/api/v1/units": { "get": { "security": [],
            "summary": "Administrative units valid on a date",
            "parameters": [
                query("level", false, "province, district or commune", "province"),
                query("date", false, "YYYY-MM-DD; default today", "2026-01-01"),
                query("parent", false, "GSO code of the parent unit", "12"),
            ],
            "responses": units_responses } },
        "/api/v1/units/search": { "get": { "security": [],
            "summary": "Units found by name or code, with where the old ones went",
            "description": "Every word typed must be in the unit's full name or its parent's (at least one in its own); \
                case and diacritics are ignored (`doan ket` finds Phường Đoàn Kết), a code finds the units it begins. \
                Units standing on `date` come first; units that had ended by then (the old provinces, districts and \
                communes of the 2025 reform) follow with `now`: the units they went into, or for an abolished \
                district the unit that holds its area. At most `limit` (default 20, at most 100).",
            "parameters": [
                query("q", true, "what was typed", "doan ket"),
                query("date", false, "YYYY-MM-DD; default today", "2026-01-01"),
                query("within", false, "GSO code of the unit to search below; default the country", "12"),
                query("limit", false, "1–100; default 20", "20"),
            ],
            "responses": ok_or_errors(json!({ "type": "object", "properties": {
                "date": { "type": "string", "format": "date" }, "count": { "type": "integer" },
                "units": { "type": "array", "items": { "allOf": [{ "$ref": "#/components/schemas/Unit" }, { "type": "object", "properties": {
                    "within": { "type": ["string", "null"] },
                    "now": { "type": "array", "items": { "$ref": "#/components/schemas/Unit" } } } }] } } } }),
                &["404", "422"]) } },
        "/api/v1/units/{code}": { "get": { "security": [],
            "summary": "One unit with parent, children, predecessors and successors",
            "description": "A code may name different units over time (a merged province that kept its code); \
                the version valid on `date` is returned, or else the latest.",
            "parameters": [
                { "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": "12" },
                query("date", false, "YYYY-MM-DD; default today", "2024-01-01"),
            ],
            "responses": unit_responses } },
        "/api/v1/indicators": { "get": { "security": [], "summary": "The indicator catalogue with national targets",
            "responses": { "200": ok(json!({ "type": "object", "properties": {
                "count": { "type": "integer" },
                "objectives": { "type": "array", "items": { "type": "object" } },
                "indicators": { "type": "array", "items": { "$ref": "#/components/schemas/Indicator" } } } })) } },
            "post": { "summary": "Add indicators (administrators), all or none",
                "description": "Each indicator is a row of the shipped indicators.csv: code, objective, objective_vi, name_vi, \
                    name_en, measure, factor, direction, target_2025_op, target_2025, target_2030_op, target_2030, \
                    numerator_vi, denominator_vi, aggregation, lowest_level, agency_example, confidence, and optionally \
                    objective_en (to open a new objective or programme), sex_disaggregated, ethnicity_disaggregated or \
                    age_disaggregated (`numerator;denominator` or `value`) and time_aggregation (`sum` or `last`). Send one JSON object, an array of them, or a CSV or \
                    tab-separated list with that heading (Content-Type text/csv). Its data elements are made from it; \
                    entry, validation, roll-up, assessment and reports follow. Audited as `indicator.create`.",
                "requestBody": { "required": true, "content": {
                    "application/json": { "schema": { "type": "object", "required": ["code", "objective", "name_vi", "name_en", "measure", "factor", "direction", "aggregation", "lowest_level"] } },
                    "text/csv": { "schema": { "type": "string" } } } },
                "responses": { "201": ok(json!({ "type": "object", "properties": { "added": { "type": "array", "items": { "type": "string" } } } })),
                    "403": { "description": "Not an administrator" },
                    "422": { "description": "Refused, naming each row and column; nothing added" } } } },
        "/api/v1/indicators/{code}": { "get": { "security": [],
            "summary": "One indicator with its data elements and local targets",
            "parameters": [{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": "1.1" }],
            "responses": indicator_responses },
            "put": { "summary": "Change an indicator's wording and responsible agency (administrators); national targets only of an added one",
                "description": "Any of name_vi, name_en, numerator_vi, denominator_vi, responsible_agency, and for an indicator that was added target_2025_op, target_2025, target_2030_op, target_2030 (empty removes). The entry form's boxes are renamed with it. Audited as indicator.update with the old and new indicator.",
                "parameters": [{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": "2.1" }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object" } } } },
                "responses": { "200": ok(json!({ "$ref": "#/components/schemas/IndicatorDetail" })), "404": { "description": "No such indicator" },
                    "422": { "description": "An empty name, a national target of Resolution 28, a target the measure cannot have" } } },
            "delete": { "summary": "Remove an added indicator that holds no data (administrators); the national catalogue's stay",
                "parameters": [{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "example": "7.1" }],
                "responses": { "204": { "description": "Removed; audited as indicator.remove" },
                    "404": { "description": "No such indicator" },
                    "422": { "description": "A shipped indicator, or one holding values" } } } },
    })
}

/// The routes of data values and the figures worked out from them.
fn figure_paths() -> Value {
    let unit_period = vec![
        query("unit", true, "GSO code of the unit", "12"),
        query(
            "period",
            true,
            "Period identifier: 2024, 2024H1, 2024Q3, 2024M03, 2021-2025, 2023AM",
            "2024H1",
        ),
    ];
    let get_values_responses = ok_or_errors(json!({ "$ref": "#/components/schemas/Values" }), &["422"]);
    let put_values_responses = ok_or_errors(json!({ "$ref": "#/components/schemas/Values" }), &["400", "409", "422"]);
    let figure_params = vec![
        query("unit", true, "GSO code of the unit, or VN for the whole country", "12"),
        query(
            "period",
            true,
            "A period (2024, 2021-2025: a phase is built from its years), a range of periods (2021..2024H1) or \
             of dates (2021-01-01..2024-07-31)",
            "2021-2025",
        ),
        query(
            "as_of",
            false,
            "YYYY-MM-DD: the version of the unit valid on that date (e.g. a merged province for a period before the merger)",
            "2026-01-01",
        ),
        query(
            "data",
            false,
            "all (default): every entered value; approved: only the values of approved reports",
            "approved",
        ),
    ];
    let mut aggregate_params = figure_params.clone();
    aggregate_params.push(query(
        "indicator",
        false,
        "Indicator codes, comma-separated; default all",
        "1.1,6.1",
    ));
    let aggregates_responses = ok_or_errors(
        json!({ "type": "object", "properties": {
            "unit": { "$ref": "#/components/schemas/Unit" }, "period": { "type": "object" },
            "mapping": { "oneOf": [{ "$ref": "#/components/schemas/Mapping" }, { "type": "null" }] },
            "aggregates": { "type": "array", "items": { "$ref": "#/components/schemas/Figure" } } } }),
        &["422"],
    );
    let assessment_responses = ok_or_errors(
        json!({ "type": "object", "properties": {
            "unit": { "$ref": "#/components/schemas/Unit" }, "period": { "type": "object" },
            "mapping": { "oneOf": [{ "$ref": "#/components/schemas/Mapping" }, { "type": "null" }] },
            "summary": { "type": "object", "additionalProperties": { "type": "integer" } },
            "indicators": { "type": "array", "items": { "$ref": "#/components/schemas/Assessment" } } } }),
        &["422"],
    );
    json!({
        "/api/v1/values": {
            "get": { "summary": "A unit's data values for a period", "parameters": unit_period.clone(),
                "responses": get_values_responses },
            "put": { "summary": "Write a batch of a unit's data values for a period",
                "description": "All values are checked first; if any is wrong, every problem is returned (422) and \
                    nothing is written. Otherwise the batch is written in one transaction and every change is audited. \
                    Send numbers as JSON strings to keep them exact; `null` removes a value. A value sent with \
                    `expected` is written only if the stored value is still that one; otherwise nothing is written \
                    (409, each changed value named), so a save queued offline never overwrites someone else's.",
                "parameters": unit_period,
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/ValuesWrite" } } } },
                "responses": put_values_responses } },
        "/api/v1/aggregates": { "get": {
            "summary": "Indicator figures of a unit's subtree for a period, live",
            "description": "Counts are summed; ratios are recomputed from summed numerators and denominators \
                (never averaged); yes/no indicators count units answering yes over units answering; survey \
                indicators use the unit's own figure. Each figure carries its completeness.",
            "parameters": aggregate_params, "responses": aggregates_responses } },
        "/api/v1/assessment": { "get": {
            "summary": "Status of every catalogue indicator against the target that applies",
            "description": "The target is the most local one set for a phase containing the period, else the \
                national target for the milestone (2025 for periods ending up to 2025, else 2030). Status is \
                met, exceeded, not_met, no_data or no_numeric_result; progress follows Open SDG's measure.",
            "parameters": figure_params, "responses": assessment_responses } },
    })
}

/// The session, account and token routes, and this document's own.
fn account_paths() -> Value {
    json!({
        "/api/v1/auth/sign-in": { "post": { "summary": "Sign in; sets an HttpOnly session cookie and returns the CSRF token",
            "description": "Five failures for one account, or twenty from one address, within 15 minutes lock sign-in \
                for the rest of that window (429 with Retry-After).",
            "security": [],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
                "required": ["username", "password"], "properties": {
                    "username": { "type": "string" }, "password": { "type": "string", "format": "password" } } } } } },
            "responses": { "200": ok(json!({ "type": "object" })),
                "401": { "description": "Wrong username or password" }, "429": { "description": "Too many failures" } } } },
        "/api/v1/auth/sign-out": { "post": { "summary": "End the session", "responses": { "204": { "description": "Signed out" } } } },
        "/api/v1/auth/me": { "get": { "summary": "The signed-in user", "responses": { "200": ok(json!({ "type": "object" })) } } },
        "/api/v1/auth/password": { "post": { "summary": "Change one's own password; the user's other sessions and all their tokens end",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
                "required": ["old_password", "new_password"], "properties": {
                    "old_password": { "type": "string" }, "new_password": { "type": "string", "minLength": 10 } } } } } },
            "responses": { "204": { "description": "Changed" }, "422": { "description": "Wrong old password or too short" } } } },
        "/api/v1/users": {
            "get": { "summary": "Accounts (administrators): a page of those matching q, with each one's last sign-in",
                "parameters": [query("q", false, "Part of a username, name, e-mail or agency code (any case), or a unit's code", "03388"),
                    query("page", false, "From 1", "1"), query("per_page", false, "1-200, default 50", "50")],
                "responses": { "200": ok(json!({ "type": "object", "properties": { "users": { "type": "array" }, "total": { "type": "integer" }, "page": { "type": "integer" }, "pages": { "type": "integer" } } })), "403": { "description": "Not an administrator" } } },
            "post": { "summary": "Create an account (administrators); the password must be changed at first sign-in",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object",
                    "required": ["username", "role", "unit", "password"], "properties": {
                        "username": { "type": "string" }, "role": { "enum": ["admin", "officer", "reviewer", "leader", "viewer"] },
                        "unit": { "type": "string" }, "agency": { "type": "string" }, "password": { "type": "string" } } } } } },
                "responses": { "201": ok(json!({ "type": "object" })), "422": { "description": "Refused" } } } },
        "/api/v1/users/import": { "post": { "summary": "Create accounts from a CSV list (administrators)",
            "description": "Heading username,full_name,role,unit,agency,email,phone. The whole list is checked first: \
                one bad row refuses it all (422, each problem naming its row and column). New accounts get one-time \
                passwords, returned once; accounts that exist as listed are left as they are (200 when nothing new).",
            "requestBody": { "required": true, "content": { "text/csv": { "schema": { "type": "string" } } } },
            "responses": { "201": ok(json!({ "type": "object", "properties": {
                "created": { "type": "array", "items": { "type": "object", "properties": {
                    "username": { "type": "string" }, "one_time_password": { "type": "string" } } } },
                "unchanged": { "type": "array", "items": { "type": "string" } } } })),
                "200": { "description": "Every account existed as listed" },
                "422": { "description": "Refused, nothing written" } } } },
        "/api/v1/users/{username}/disable": { "post": { "summary": "Disable an account (administrators)",
            "parameters": [{ "name": "username", "in": "path", "required": true, "schema": { "type": "string" } }],
            "responses": { "204": { "description": "Disabled; its sessions and tokens ended" },
                "422": { "description": "The last active administrator cannot be disabled" } } } },
        "/api/v1/users/{username}/enable": { "post": { "summary": "Let a disabled account sign in again (administrators)",
            "parameters": [{ "name": "username", "in": "path", "required": true, "schema": { "type": "string" } }],
            "responses": { "204": { "description": "Enabled" } } } },
        "/api/v1/users/{username}/lift-sign-in-limit": { "post": {
            "summary": "Forget an account's failed sign-ins, so its owner may sign in at once (administrators)",
            "parameters": [{ "name": "username", "in": "path", "required": true, "schema": { "type": "string" } }],
            "responses": { "204": { "description": "Lifted" } } } },
        "/api/v1/users/{username}/reset-password": { "post": { "summary": "Reset a password (administrators); it must be changed at the next sign-in, and every session and token of the account ends",
            "parameters": [{ "name": "username", "in": "path", "required": true, "schema": { "type": "string" } }],
            "responses": { "204": { "description": "Reset" } } } },
        "/api/v1/tokens": {
            "get": { "summary": "The caller's tokens: id, name, created, last used (to the hour), expiry, revocation",
                "responses": { "200": ok(json!({ "type": "object" })) } },
            "post": { "summary": "Create a personal access token for the caller (shown once); it lasts `expires_in_days` (1–365, default 90)",
                "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": {
                    "name": { "type": "string" }, "expires_in_days": { "type": "integer", "minimum": 1, "maximum": 365 } } } } } },
                "responses": { "201": ok(json!({ "type": "object" })), "422": { "description": "Refused" } } } },
        "/api/v1/tokens/{id}": { "delete": { "summary": "Revoke one of the caller's tokens",
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
            "responses": { "204": { "description": "Revoked" }, "404": { "description": "Not the caller's token" } } } },
        "/api/v1/openapi.json": { "get": { "security": [], "summary": "This document",
            "responses": { "200": ok(json!({ "type": "object" })) } } }
    })
}

/// The schemas of errors, figures and the assessment.
fn figure_schemas() -> Value {
    json!({
        "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object",
            "required": ["code", "message", "message_en", "message_vi", "problems"],
            "properties": {
                "code": { "type": "string" }, "message": { "type": "string" },
                "message_en": { "type": "string" }, "message_vi": { "type": "string" },
                "problems": { "type": "array", "items": { "type": "object", "properties": {
                    "field": { "type": "string", "example": "values[0].value" }, "code": { "type": "string" },
                    "message": { "type": "string" }, "message_en": { "type": "string" },
                    "message_vi": { "type": "string" } } },
                    "description": "At most the first 100; `problems_total` says how many there were." },
                "problems_total": { "type": "integer", "description": "How many problems a 422 found (only on 422)." } } } } },
        "Part": { "type": "object", "properties": {
            "numerator": { "type": ["string", "null"] }, "denominator": { "type": ["string", "null"] },
            "value": { "type": ["string", "null"] } } },
        "Figure": { "type": "object", "required": ["indicator", "unit", "period", "numerator", "denominator", "value", "completeness"],
            "properties": {
            "indicator": { "type": "string" }, "unit": { "type": "string" }, "period": { "type": "string" },
            "numerator": { "type": ["string", "null"] }, "denominator": { "type": ["string", "null"] },
            "value": { "type": ["string", "null"], "description": "numerator / denominator × factor, 4 decimals" },
            "by_sex": { "type": "object", "properties": {
                "male": { "$ref": "#/components/schemas/Part" }, "female": { "$ref": "#/components/schemas/Part" } } },
            "method": { "enum": ["sum_of_parts_then_divide", "share_of_reporting_units", "own_survey_value", "stated_rate", "narrative"],
                "description": "`stated_rate`: the unit's report states the rate without numerator and denominator (theo số liệu báo cáo); it never enters a sum." },
            "over_time": { "type": "object", "description": "For a phase, a range or dates: how the periods entered made the figure.",
                "properties": {
                "time_aggregation": { "enum": ["sum", "last"] }, "time_aggregation_vi": { "type": "string" },
                "parts": { "type": "array", "items": { "type": "string" } },
                "used": { "type": "array", "items": { "type": "string" } },
                "without_data": { "type": "array", "items": { "type": "string" } },
                "uncovered_days": { "type": "integer" } } },
            "data": { "enum": ["all", "approved"] },
            "completeness": { "type": "object", "properties": {
                "level": { "type": ["string", "null"] }, "expected": { "type": "integer" },
                "reported": { "type": "integer" }, "approved": { "type": "integer" },
                "stated_only": { "type": "integer", "description": "Units that stated only a rate: not in the sums" } } } } },
        "Assessment": { "type": "object", "properties": {
            "indicator": { "type": "string" }, "objective": { "type": "integer" },
            "name_vi": { "type": "string" }, "name_en": { "type": "string" },
            "figure": { "$ref": "#/components/schemas/Figure" },
            "target": { "type": ["object", "null"], "properties": {
                "source": { "enum": ["local", "national"] }, "op": { "type": "string" }, "value": { "type": "string" },
                "applies_to": { "type": "string" }, "set_by": { "type": "string" },
                "national": { "$ref": "#/components/schemas/Target" } } },
            "status": { "enum": ["met", "exceeded", "not_met", "no_data", "no_numeric_result"] },
            "status_vi": { "type": "string" }, "distance": { "type": ["string", "null"] },
            "baseline": { "type": "object" },
            "progress": { "enum": ["target_achieved", "on_track", "moderate", "insufficient", "deterioration", "not_assessable"] },
            "progress_vi": { "type": "string" } } },
    })
}

/// The schemas of units, indicators and values.
fn catalogue_schemas() -> Value {
    json!({
        "Mapping": { "type": "object", "properties": {
            "reform": { "type": "string" }, "description_en": { "type": "string" },
            "description_vi": { "type": "string" }, "source": { "type": "string" },
            "predecessor_units": { "type": "integer" } } },
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
                "comment": { "type": "string" },
                "expected": { "type": ["string", "number", "null"], "example": "1200",
                    "description": "The value the client saw before changing it (`null`: the box was empty). \
                        When given and the stored value differs, nothing is written (409 `changed_since_loaded`)." } } } } } }
    })
}

pub fn openapi_document() -> Value {
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "binhdang API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Monitoring of the National Strategy on Gender Equality 2021–2030 (Nghị quyết 28/NQ-CP). \
                Errors carry a stable code and messages in Vietnamese and English; send `Accept-Language: en` or \
                `?lang=en` to get `message` in English (Vietnamese is the default)."
        },
        "paths": merged([catalogue_paths(), figure_paths(), account_paths()]),
        "security": [{ "bearer": [] }, { "session": [] }],
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "A personal access token (binhdang token create)" },
                "session": { "type": "apiKey", "in": "cookie", "name": "binhdang_session",
                    "description": "Browser session; state-changing requests also send X-CSRF-Token" }
            },
            "schemas": merged([figure_schemas(), catalogue_schemas()])
        }
    });
    crate::api::rules::extend_openapi(&mut doc);
    workflow_paths(&mut doc);
    disclosure_paths(&mut doc);
    crate::api::registers::extend_openapi(&mut doc);
    crate::api::reports::extend_openapi(&mut doc);
    crate::api::templates::extend_openapi(&mut doc);
    crate::api::imports::extend_openapi(&mut doc);
    crate::api::check::extend_openapi(&mut doc);
    crate::api::exchange::extend_openapi(&mut doc);
    crate::api::plans::extend_openapi(&mut doc);
    doc
}
