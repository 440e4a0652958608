//! Black-box tests of validation over HTTP: the real server on a fresh database (SQLite and
//! PostgreSQL) holding the catalogue and the units of Lai Châu (12).

mod support;

use binhdang_store::testing::TestDb;
use binhdang_store::{Backend, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct App {
    base: String,
    client: reqwest::Client,
    _db: TestDb,
}

impl App {
    async fn spawn(backend: Backend) -> App {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(binhdang_web::serve(listener, db.store.clone()));
        let token = db.token_for("tester", binhdang_domain::access::Role::Admin, "VN").await;
        App {
            base,
            client: support::client_with_token(&token),
            _db: db,
        }
    }

    async fn send(&self, method: Method, path: &str, body: Option<&Value>, lang: &str) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("Accept-Language", lang);
        if let Some(body) = body {
            request = request.json(body);
        }
        let r = request.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None, "vi").await
    }

    async fn post(&self, path: &str, body: Option<&Value>, lang: &str) -> (StatusCode, Value) {
        self.send(Method::POST, path, body, lang).await
    }

    /// Writes values; panics unless the write is accepted.
    async fn put_values(&self, unit: &str, period: &str, values: Value) {
        let (s, body) = self
            .send(
                Method::PUT,
                &format!("/api/v1/values?unit={unit}&period={period}"),
                Some(&json!({ "values": values })),
                "vi",
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }

    /// Validates; panics unless the answer is 200.
    async fn validate(&self, query: &str) -> Value {
        let (s, body) = self.post(&format!("/api/v1/validate?{query}"), None, "vi").await;
        assert_eq!(s, StatusCode::OK, "{body}");
        body
    }
}

fn problems(v: &Value) -> Vec<(String, String)> {
    v["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap().to_string(),
                p["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// (rule, unit, expected, found) of each finding.
fn summary(v: &Value) -> Vec<(String, String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("rule"), s("unit"), s("expected"), s("found"))
        })
        .collect()
}

fn row(rule: &str, unit: &str, expected: &str, found: &str) -> (String, String, String, String) {
    (rule.into(), unit.into(), expected.into(), found.into())
}

fn counts(v: &Value) -> (i64, i64, i64) {
    let n = |k: &str| v[k].as_i64().unwrap();
    (n("errors"), n("warnings"), n("unexplained_warnings"))
}

on_both_backends! {
    async fn the_samples_errors_are_caught_when_entered_through_the_api(backend: Backend) {
        let app = App::spawn(backend).await;
        app.put_values("03386", "2024", json!([
            { "element": "5.4a.num", "value": "12" },
            { "element": "5.4a.den", "value": "18" },
            { "element": "5.4a.rate", "value": "66.66" },
            { "element": "5.2b.num", "disaggregation": "male", "value": "51" },
            { "element": "5.2b.num", "disaggregation": "female", "value": "50" },
            { "element": "5.2b.den", "disaggregation": "male", "value": "50" },
            { "element": "5.2b.den", "disaggregation": "female", "value": "50" },
            { "element": "5.2b.rate", "value": "101" },
        ])).await;
        let body = app.validate("unit=03386&period=2024").await;
        assert_eq!(body["unit"]["code"], "03386");
        assert_eq!(body["unit"]["full_name"], "Phường Quyết Thắng");
        assert_eq!(body["period"], "2024");
        assert_eq!(body["subtree"], false);
        assert_eq!(
            summary(&body),
            [
                row("builtin.num_le_den.5.2b", "03386", "<= 100", "101"),
                row("builtin.num_le_den.5.2b.male", "03386", "<= 50", "51"),
                row("builtin.rate_range.5.2b", "03386", "<= 100", "101"),
                row("builtin.rate_matches.5.4a", "03386", "66.67", "66.66"),
            ]
        );
        assert_eq!(counts(&body), (4, 0, 0));
        assert_eq!(
            body["findings"][3],
            json!({
                "rule": "builtin.rate_matches.5.4a",
                "kind": "builtin",
                "severity": "error",
                "unit": "03386",
                "period": "2024",
                "values": [
                    { "element": "5.4a.rate", "disaggregation": "total", "value": "66.66" },
                    { "element": "5.4a.num", "disaggregation": "total", "value": "12" },
                    { "element": "5.4a.den", "disaggregation": "total", "value": "18" },
                ],
                "expected": "66.67",
                "found": "66.66",
                "message_vi": "Chỉ tiêu 5.4a: tỷ lệ báo cáo (66,66) không khớp với tử số/mẫu số: 12/18 × 100 = 66,67",
                "message_en": "Indicator 5.4a: the stated rate (66.66) does not match numerator/denominator: 12/18 × 100 = 66.67",
                "needs_explanation": false,
                "explained": false,
            })
        );
        assert_eq!(body["findings"][2]["message_vi"], "Chỉ tiêu 5.2b: tỷ lệ báo cáo (101%) phải nằm trong khoảng 0–100%");
        // Corrected, nothing is left.
        app.put_values("03386", "2024", json!([
            { "element": "5.4a.rate", "value": "66.67" },
            { "element": "5.2b.num", "disaggregation": "male", "value": "49" },
            { "element": "5.2b.rate", "value": "99" },
        ])).await;
        let body = app.validate("unit=03386&period=2024").await;
        assert_eq!(body["findings"], json!([]));
        assert_eq!(counts(&body), (0, 0, 0));
    }
}

fn rule_body() -> Value {
    json!({
        "code": "giam-qua-nua",
        "name_vi": "Số người được tiếp cận không giảm quá một nửa so với kỳ trước",
        "name_en": "People reached do not fall by more than half",
        "left": "#{6.1.num}",
        "operator": ">=",
        "right": "prev( #{6.1.num} )*0.50",
        "severity": "warning",
        "message_vi": "Số người được tiếp cận ({left}) giảm quá một nửa so với kỳ trước (ngưỡng {right})",
        "message_en": "People reached ({left}) fell by more than half (threshold {right})",
    })
}

on_both_backends! {
    async fn a_rule_added_through_the_api_applies_on_the_next_validation(backend: Backend) {
        let app = App::spawn(backend).await;
        app.put_values("03386", "2023", json!([{ "element": "6.1.num", "value": "1260" }])).await;
        app.put_values("03386", "2024", json!([{ "element": "6.1.num", "value": "400" }])).await;
        assert_eq!(app.validate("unit=03386&period=2024").await["findings"], json!([]));

        let (s, rule) = app.post("/api/v1/rules", Some(&rule_body()), "vi").await;
        assert_eq!(s, StatusCode::CREATED, "{rule}");
        assert_eq!(
            rule,
            json!({
                "code": "giam-qua-nua",
                "name_vi": "Số người được tiếp cận không giảm quá một nửa so với kỳ trước",
                "name_en": "People reached do not fall by more than half",
                "left": "#{6.1.num}",
                "operator": ">=",
                "right": "prev(#{6.1.num}) * 0.5",
                "severity": "warning",
                "message_vi": "Số người được tiếp cận ({left}) giảm quá một nửa so với kỳ trước (ngưỡng {right})",
                "message_en": "People reached ({left}) fell by more than half (threshold {right})",
                "enabled": true,
            })
        );
        // The same server, no restart: the next validation runs the rule.
        let body = app.validate("unit=03386&period=2024").await;
        assert_eq!(
            body["findings"],
            json!([{
                "rule": "giam-qua-nua",
                "kind": "configured",
                "severity": "warning",
                "unit": "03386",
                "period": "2024",
                "values": [
                    { "element": "6.1.num", "disaggregation": "total", "value": "400" },
                    { "element": "6.1.num", "disaggregation": "total", "period": "2023", "value": "1260" },
                ],
                "expected": ">= 630",
                "found": "400",
                "message_vi": "Số người được tiếp cận (400) giảm quá một nửa so với kỳ trước (ngưỡng 630)",
                "message_en": "People reached (400) fell by more than half (threshold 630)",
                "needs_explanation": true,
                "explained": false,
            }])
        );
        assert_eq!(counts(&body), (0, 1, 1));
        // An explanation in the value's comment answers the warning.
        app.put_values("03386", "2024", json!([
            { "element": "6.1.num", "value": "400", "comment": "Năm 2023 tính cả người dự hội nghị tỉnh" },
        ])).await;
        let body = app.validate("unit=03386&period=2024").await;
        assert_eq!(body["findings"][0]["explained"], true);
        assert_eq!(counts(&body), (0, 1, 0));

        let (s, list) = app.get("/api/v1/rules").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list["count"], 1);
        assert_eq!(list["rules"][0], rule);
        let builtin: Vec<&str> = list["builtin"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
        assert!(builtin.contains(&"builtin.rate_matches.5.4a") && builtin.contains(&"builtin.parts_total.6.1.num"), "{builtin:?}");
        let matches = list["builtin"].as_array().unwrap().iter().find(|r| r["code"] == "builtin.rate_matches.4.2").unwrap();
        assert_eq!(matches["factor"], "100000");

        // Switched off, it stops; switched on, it runs again.
        let (s, off) = app.send(Method::PATCH, "/api/v1/rules/giam-qua-nua", Some(&json!({"enabled": false})), "vi").await;
        assert_eq!(s, StatusCode::OK, "{off}");
        assert_eq!(off["enabled"], false);
        assert_eq!(app.validate("unit=03386&period=2024").await["findings"], json!([]));
        let (s, on) = app.send(Method::PATCH, "/api/v1/rules/giam-qua-nua", Some(&json!({"enabled": true})), "vi").await;
        assert_eq!((s, &on["enabled"]), (StatusCode::OK, &json!(true)));
        assert_eq!(summary(&app.validate("unit=03386&period=2024").await).len(), 1);

        let (s, body) = app.send(Method::PATCH, "/api/v1/rules/khong-co", Some(&json!({"enabled": false})), "vi").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["message"], "Không tìm thấy quy tắc `khong-co`");
        let (s, body) = app.send(Method::PATCH, "/api/v1/rules/giam-qua-nua", Some(&json!({"enabled": "no"})), "en").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body), [("enabled".into(), "not_a_boolean".into())]);
        assert_eq!(body["error"]["message"], "send {\"enabled\": true} or {\"enabled\": false}");
    }
}

on_both_backends! {
    async fn an_invalid_rule_is_refused_clearly_and_nothing_is_stored(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut bad = rule_body();
        bad["left"] = json!("#{6.1.num.female} / #{9.9.den}");
        bad["right"] = json!("prev(#{6.1.num} * 0.5");
        bad["operator"] = json!("=>");
        bad["severity"] = json!("nghiêm trọng");
        let (s, vi) = app.post("/api/v1/rules", Some(&bad), "vi").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{vi}");
        assert_eq!(
            problems(&vi),
            [
                ("left".into(), "unknown_element".into()),
                ("right".into(), "parse_error".into()),
                ("operator".into(), "bad_operator".into()),
                ("severity".into(), "bad_severity".into()),
            ]
        );
        assert_eq!(vi["error"]["message"], "Có 4 lỗi; chưa lưu dữ liệu nào");
        let messages: Vec<&str> = vi["error"]["problems"].as_array().unwrap().iter().map(|p| p["message"].as_str().unwrap()).collect();
        assert_eq!(messages[0], "Vị trí 21: không có chỉ tiêu dữ liệu `9.9.den` trong danh mục");
        assert_eq!(messages[1], "Vị trí 17: prev( ) nhận đúng một tham chiếu số liệu, ví dụ prev(#{6.1.num})");
        let (_, en) = app.post("/api/v1/rules", Some(&bad), "en-US,en;q=0.9").await;
        assert_eq!(en["error"]["message"], "4 problems; nothing was saved");
        assert_eq!(
            en["error"]["problems"][1]["message"],
            "at position 17: prev( ) takes one data reference, as in prev(#{6.1.num})"
        );
        assert_eq!(
            en["error"]["problems"][2]["message"],
            "`=>` is not an operator; use one of =, !=, <, <=, >, >=, both_or_neither"
        );

        // Wrong JSON types are named field by field.
        let (s, body) = app.post("/api/v1/rules", Some(&json!({"code": 12, "left": ["#{6.1.num}"], "enabled": "yes"})), "vi").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problems(&body),
            [("code".into(), "not_a_string".into()), ("left".into(), "not_a_string".into()), ("enabled".into(), "not_a_boolean".into())]
        );
        // One problem is the message itself.
        let mut one = rule_body();
        one["right"] = json!("#{6.1.den.female} * 1,5");
        let (s, body) = app.post("/api/v1/rules", Some(&one), "vi").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body["error"]["message"],
            "Vị trí 21: `1,5`: trong biểu thức dùng dấu chấm `.` để ngăn cách phần thập phân (viết 1.5)"
        );
        let r = app.client.post(format!("{}/api/v1/rules", app.base)).header("Content-Type", "application/json").body("{").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);

        let (_, list) = app.get("/api/v1/rules").await;
        assert_eq!((list["count"].clone(), list["rules"].clone()), (json!(0), json!([])), "nothing may be stored");
        // A code in use is refused too.
        assert_eq!(app.post("/api/v1/rules", Some(&rule_body()), "vi").await.0, StatusCode::CREATED);
        let (s, body) = app.post("/api/v1/rules", Some(&rule_body()), "vi").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body), [("code".into(), "duplicate_code".into())]);
    }
}

on_both_backends! {
    async fn subtree_validation_reports_findings_from_several_communes(backend: Backend) {
        let app = App::spawn(backend).await;
        // Tam Đường district (106): six communes report their population, one nine times the rest.
        for (commune, v) in [("03390", "90"), ("03405", "110"), ("03406", "95"), ("03413", "105"), ("03415", "100"), ("03412", "900")] {
            app.put_values(commune, "2024", json!([{ "element": "6.1.den", "value": v }])).await;
        }
        app.put_values("03394", "2024", json!([
            { "element": "5.4a.num", "value": "12" }, { "element": "5.4a.den", "value": "18" }, { "element": "5.4a.rate", "value": "66.66" },
        ])).await;
        app.put_values("03400", "2024", json!([{ "element": "5.4a.num", "value": "20" }, { "element": "5.4a.den", "value": "10" }])).await;
        // A steady history for one commune, then an outlying year.
        for (year, v) in [("2020", "40"), ("2021", "42"), ("2022", "41"), ("2023", "43"), ("2024", "400")] {
            app.put_values("03427", year, json!([{ "element": "6.1.num", "disaggregation": "female", "value": v }])).await;
        }

        let body = app.validate("unit=106&period=2024&subtree=true").await;
        assert_eq!(body["unit"]["code"], "106");
        assert_eq!(body["subtree"], true);
        assert_eq!(
            summary(&body),
            [
                row("builtin.rate_matches.5.4a", "03394", "66.67", "66.66"),
                row("builtin.num_le_den.5.4a", "03400", "<= 10", "20"),
                row("outlier.siblings", "03412", ">= 74.05 and <= 125.95", "900"),
                row("outlier.history", "03427", ">= 36.31 and <= 46.69", "400"),
            ]
        );
        assert_eq!(counts(&body), (2, 2, 2));
        assert_eq!(body["findings"][3]["values"], json!([{ "element": "6.1.num", "disaggregation": "female", "value": "400" }]));
        assert_eq!(body["findings"][2]["message_en"],
            "Denominator: Population reached with basic knowledge of gender equality (6.1.den, total): 900 is far from the units \
             beside it (median 100 of 5 units); check it or add an explanation");
        // Without subtree, the district itself has no values.
        let own = app.validate("unit=106&period=2024").await;
        assert_eq!((own["findings"].clone(), counts(&own)), (json!([]), (0, 0, 0)));
        let own = app.validate("unit=106&period=2024&subtree=false").await;
        assert_eq!(own["findings"], json!([]));
    }
}

on_both_backends! {
    async fn validation_requests_are_checked_first(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, body) = app.post("/api/v1/validate?subtree=maybe", None, "vi").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problems(&body),
            [("unit".into(), "missing".into()), ("period".into(), "missing".into()), ("subtree".into(), "bad_flag".into())]
        );
        for (query, field, code) in [
            ("unit=99&period=2024", "unit", "unknown_unit"),
            ("unit=12&period=2024H3", "period", "bad_period"),
            ("unit=109&period=2026", "unit", "unit_not_valid_in_period"),
        ] {
            let (s, body) = app.post(&format!("/api/v1/validate?{query}"), None, "en").await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert_eq!(problems(&body), [(field.to_string(), code.to_string())], "{query}");
        }
        let (s, _) = app.get("/api/v1/validate?unit=12&period=2024").await;
        assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED, "validation is a POST");
    }
}
