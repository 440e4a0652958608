//! Black-box tests of the JSON API: the real server on a fresh database (SQLite and
//! PostgreSQL), spoken to over HTTP.

mod support;

use binhdang_store::on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{App, problems};

fn codes(v: &Value) -> Vec<String> {
    v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap().to_string())
        .collect()
}

on_both_backends! {
    async fn health_names_the_database(backend: Backend) {
        let app = App::spawn(backend).await;
        let (status, body) = app.get("/api/v1/health").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"], app.db.store.backend().name());
    }
}

on_both_backends! {
    async fn units_are_listed_as_they_were_on_a_date(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, before) = app.get("/api/v1/units?level=province&date=2024-01-01").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(codes(&before), ["02", "08", "12"]);
        let (_, after) = app.get("/api/v1/units?level=province&date=2026-01-01").await;
        assert_eq!(codes(&after), ["08", "12"]);
        assert_eq!(after["count"], 2);
        let (_, communes) = app.get("/api/v1/units?level=commune&date=2026-01-01&parent=12").await;
        assert_eq!(communes["count"], 38);
        let (_, districts) = app.get("/api/v1/units?date=2024-06-30&parent=12").await;
        let names: Vec<&str> = districts["units"].as_array().unwrap().iter().map(|u| u["full_name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), 8);
        assert!(names.contains(&"Huyện Phong Thổ") && names.contains(&"Thành phố Lai Châu"), "{names:?}");
        let (_, none) = app.get("/api/v1/units?date=2026-01-01&parent=109").await;
        assert_eq!(none["count"], 0, "Phong Thổ district has no communes after the reform");
    }
}

on_both_backends! {
    async fn units_are_searched_by_name_and_old_ones_say_where_they_went(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, body) = app.get("/api/v1/units/search?q=doan%20ket&date=2026-01-01").await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let units = body["units"].as_array().unwrap();
        assert_eq!((units[0]["code"].as_str(), units[0]["within"].as_str()), (Some("03388"), Some("Tỉnh Lai Châu")));
        assert_eq!(units[0]["now"], json!([]));
        let old = units.iter().find(|u| u["code"] == "03389").expect("the old ward");
        assert_eq!(old["now"][0]["code"], "03388");
        // Before the reform, under the old province: the old ward stands.
        let (_, before) = app.get("/api/v1/units/search?q=%C4%90o%C3%A0n%20K%E1%BA%BFt&date=2024-06-30&within=12&limit=1").await;
        assert_eq!(before["count"], 1);
        assert_eq!((before["units"][0]["code"].as_str(), before["units"][0]["now"].as_array().map(Vec::len)), (Some("03389"), Some(0)));
        let (s, body) = app.get("/api/v1/units/search?q=&limit=500").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body), [("q".into(), "missing".into())]);
        let (s, body) = app.get("/api/v1/units/search?q=x&limit=500").await;
        assert_eq!((s, problems(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("limit".into(), "bad_limit".into())]));
    }
}

on_both_backends! {
    async fn bad_unit_queries_are_422_with_every_problem(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, body) = app.get("/api/v1/units?level=hamlet&date=01/01/2026&parent=x").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problems(&body),
            [("level".into(), "bad_level".into()), ("date".into(), "bad_date".into()), ("parent".into(), "bad_code".into())]
        );
        assert!(body["error"]["problems"][1]["message"].as_str().unwrap().contains("YYYY-MM-DD"));
        let (s, body) = app.get("/api/v1/units?parent=99").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body), [("parent".into(), "unknown_unit".into())]);
        assert_eq!(body["error"]["message"], "Không có đơn vị hành chính mã `99`");
    }
}

on_both_backends! {
    async fn every_refusal_speaks_the_callers_language(backend: Backend) {
        // Handlers return plain errors; one layer renders them in the request's language,
        // including refusals raised before the handler runs (no session) and unknown routes.
        let app = App::spawn(backend).await;
        let (s, vi) = app.get("/api/v1/units?parent=99").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(vi["error"]["message"], vi["error"]["message_vi"]);
        let (s, en) = app.get("/api/v1/units?parent=99&lang=en").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(en["error"]["message"], en["error"]["message_en"]);
        assert_eq!(en["error"]["problems"][0]["message"], en["error"]["problems"][0]["message_en"]);
        assert_ne!(en["error"]["message"], vi["error"]["message"]);

        let anonymous = reqwest::Client::new();
        let english = anonymous
            .get(format!("{}/api/v1/auth/me", app.base))
            .header("Accept-Language", "en-GB,en;q=0.9")
            .send()
            .await
            .unwrap();
        assert_eq!(english.status(), StatusCode::UNAUTHORIZED);
        let body: Value = english.json().await.unwrap();
        assert_eq!(body["error"]["message"], body["error"]["message_en"]);
        // Every API answer, refusals included, is neither cached nor sniffed nor framed.
        let answer = anonymous.get(format!("{}/api/v1/units?parent=99", app.base)).send().await.unwrap();
        let header = |name: &str| answer.headers().get(name).map(|v| v.to_str().unwrap().to_string());
        assert_eq!(header("cache-control").as_deref(), Some("no-store"));
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        assert!(header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
        let (s, missing) = app.get("/api/v1/no-such-route?lang=en").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(missing["error"]["message"], "no such API route; see /api/v1/openapi.json");
    }
}

on_both_backends! {
    async fn a_unit_shows_its_place_in_the_hierarchy_and_in_time(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, new) = app.get("/api/v1/units/08?date=2026-01-01").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(new["valid_from"], "2025-07-01");
        assert_eq!(new["predecessors"].as_array().unwrap().len(), 2);
        assert!(new["children"].as_array().unwrap().iter().all(|c| c["level"] == "commune"));
        let (_, old) = app.get("/api/v1/units/02?date=2024-01-01").await;
        assert_eq!(old["valid_to"], "2025-06-30");
        assert_eq!(old["successors"][0]["unit"]["code"], "08");
        assert_eq!(old["successors"][0]["kind"], "merge");
        let commune = old["children"][0]["code"].as_str().unwrap().to_string();
        let (_, district) = app.get(&format!("/api/v1/units/{commune}")).await;
        assert_eq!(district["parent"]["code"], "02");
        let (s, body) = app.get("/api/v1/units/99").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
        let (s, _) = app.get("/api/v1/units/not-a-code").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}

on_both_backends! {
    async fn the_catalogue_lists_every_indicator_with_2025_and_2030_targets(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, body) = app.get("/api/v1/indicators").await;
        assert_eq!(s, StatusCode::OK);
        let indicators = body["indicators"].as_array().unwrap();
        assert_eq!(indicators.len(), 23);
        assert_eq!(body["objectives"].as_array().unwrap().len(), 6);
        for i in indicators {
            let years: Vec<i64> = i["national_targets"].as_array().unwrap().iter().map(|t| t["year"].as_i64().unwrap()).collect();
            assert_eq!(years, [2025, 2030], "{}", i["code"]);
        }
        let srb = indicators.iter().find(|i| i["code"] == "4.1").unwrap();
        assert_eq!(srb["national_targets"][0], json!({"year": 2025, "op": "<=", "value": "111"}));
        assert_eq!(srb["direction"], "lower");
        let (s, one) = app.get("/api/v1/indicators/5.2a").await;
        assert_eq!(s, StatusCode::OK);
        let elements: Vec<&str> = one["data_elements"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
        assert_eq!(elements, ["5.2a.num", "5.2a.den", "5.2a.rate"]);
        assert_eq!(one["data_elements"][0]["category_combo"], "sex");
        assert_eq!(one["objective_name_vi"], "Trong lĩnh vực giáo dục, đào tạo");
        let (s, _) = app.get("/api/v1/indicators/9.9").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}

on_both_backends! {
    async fn values_written_through_the_api_read_back_identically(backend: Backend) {
        let app = App::spawn(backend).await;
        let body = json!({ "values": [
            { "element": "6.1.num", "disaggregation": "female", "value": "1260" },
            { "element": "6.1.num", "disaggregation": "male", "value": 1190 },
            { "element": "6.1.den", "disaggregation": "female", "value": "1981" },
            { "element": "6.1.den", "disaggregation": "male", "value": "2004" },
            { "element": "3.1.num", "value": "21.35", "comment": "Điều tra 2024" },
            { "element": "3.1.den", "value": 12.5 },
        ]});
        let (s, written) = app.put("/api/v1/values?unit=12&period=2024", &body, "vi").await;
        assert_eq!(s, StatusCode::OK, "{written}");
        assert_eq!(written["written"], 6);
        let (s, read) = app.get("/api/v1/values?unit=12&period=2024").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(read["values"], written["values"]);
        let find = |e: &str, d: &str| {
            read["values"].as_array().unwrap().iter().find(|v| v["element"] == e && v["disaggregation"] == d).unwrap().clone()
        };
        assert_eq!(find("6.1.num", "female")["value"], "1260");
        assert_eq!(find("6.1.num", "male")["value"], "1190");
        assert_eq!(find("3.1.num", "total")["value"], "21.35");
        assert_eq!(find("3.1.num", "total")["comment"], "Điều tra 2024");
        assert_eq!(find("3.1.den", "total")["value"], "12.5");
        assert_eq!(read["period"]["label_vi"], "Năm 2024");
        assert_eq!(read["period"]["data_cutoff"], json!({"from": "2023-12-15", "to": "2024-12-14"}));
        // The Phong Thổ district (109) before the reform, a commune after it.
        let (s, _) = app.put("/api/v1/values?unit=109&period=2024", &json!({"values": [{"element": "2.3.num", "value": "5"}]}), "vi").await;
        assert_eq!(s, StatusCode::OK);
    }
}

on_both_backends! {
    async fn bad_writes_are_refused_clearly_and_change_nothing(backend: Backend) {
        let app = App::spawn(backend).await;
        let good = json!({ "values": [{ "element": "2.1.num", "value": "100" }, { "element": "2.1.den", "value": "400" }] });
        assert_eq!(app.put("/api/v1/values?unit=12&period=2024", &good, "vi").await.0, StatusCode::OK);
        let (_, before) = app.get("/api/v1/values?unit=12&period=2024").await;

        let bad = json!({ "values": [
            { "element": "2.1.num", "value": "120" },
            { "element": "1.9.num", "value": "1" },
            { "element": "2.1.den", "value": "bốn trăm" },
            { "element": "2.2.num", "value": -3 },
            { "element": "2.2.den", "value": true },
            { "value": "1" },
            { "element": "2.3.num" },
        ]});
        let (s, vi) = app.put("/api/v1/values?unit=12&period=2024", &bad, "vi-VN,vi;q=0.9").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{vi}");
        // Shape problems are reported first; the rest once the shape is right.
        assert_eq!(
            problems(&vi),
            [
                ("values[4].value".into(), "not_a_number".into()),
                ("values[5].element".into(), "missing".into()),
                ("values[6].value".into(), "missing".into()),
            ]
        );
        let bad = json!({ "values": [
            { "element": "2.1.num", "value": "120" },
            { "element": "1.9.num", "value": "1" },
            { "element": "2.1.den", "value": "bốn trăm" },
            { "element": "2.2.num", "value": -3 },
        ]});
        let (s, vi) = app.put("/api/v1/values?unit=12&period=2024", &bad, "vi").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problems(&vi),
            [
                ("values[1].element".into(), "unknown_element".into()),
                ("values[2].value".into(), "not_a_number".into()),
                ("values[3].value".into(), "negative".into()),
            ]
        );
        assert_eq!(vi["error"]["message"], "Có 3 lỗi; chưa lưu dữ liệu nào");
        assert!(vi["error"]["problems"][0]["message"].as_str().unwrap().contains("Không có chỉ tiêu dữ liệu `1.9.num`"));
        let (_, en) = app.put("/api/v1/values?unit=12&period=2024", &bad, "en-GB,en;q=0.8").await;
        assert_eq!(en["error"]["message"], "3 problems; nothing was saved");
        assert!(en["error"]["problems"][2]["message"].as_str().unwrap().contains("negative"));
        // A comment is an explanation, not a document: a megabyte of it is refused.
        let long = json!({ "values": [{ "element": "2.1.num", "value": "100", "comment": "x".repeat(1_000_000) }] });
        let (s, body) = app.put("/api/v1/values?unit=12&period=2024", &long, "vi").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body), [("values[0].comment".into(), "too_long".into())]);
        let (_, after) = app.get("/api/v1/values?unit=12&period=2024").await;
        assert_eq!(after["values"], before["values"], "a refused write must leave the values as they were");
    }
}

on_both_backends! {
    async fn a_write_that_expects_a_value_someone_changed_gets_409_and_changes_nothing(backend: Backend) {
        let app = App::spawn(backend).await;
        let url = "/api/v1/values?unit=12&period=2024";
        let first = json!({ "values": [{ "element": "2.1.num", "value": "100" }] });
        assert_eq!(app.put(url, &first, "vi").await.0, StatusCode::OK);
        // Loaded 100 and an empty denominator: both still hold.
        let fresh = json!({ "values": [
            { "element": "2.1.num", "value": "110", "expected": "100" },
            { "element": "2.1.den", "value": "400", "expected": null },
        ]});
        assert_eq!(app.put(url, &fresh, "vi").await.0, StatusCode::OK);
        let (_, before) = app.get(url).await;
        // The same client again, from a copy that still believes 100 (a number, here).
        let stale = json!({ "values": [
            { "element": "2.1.num", "value": "120", "expected": 100 },
            { "element": "2.2.num", "value": "3" },
        ]});
        let (s, vi) = app.put(url, &stale, "vi").await;
        assert_eq!(s, StatusCode::CONFLICT, "{vi}");
        assert_eq!(vi["error"]["code"], "changed_since_loaded");
        assert_eq!(problems(&vi), [("values[0].value".into(), "changed_since_loaded".into())]);
        assert!(vi["error"]["message"].as_str().unwrap().contains("đổi thành 110"), "{vi}");
        let (_, after) = app.get(url).await;
        assert_eq!(after["values"], before["values"], "a refused write must leave the values as they were");
        let odd = json!({ "values": [{ "element": "2.1.num", "value": "120", "expected": [110] }] });
        let (s, body) = app.put(url, &odd, "en").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body), [("values[0].expected".into(), "not_a_number".into())]);
    }
}

on_both_backends! {
    async fn unknown_units_periods_and_bodies_are_client_errors(backend: Backend) {
        let app = App::spawn(backend).await;
        let one = json!({ "values": [{ "element": "2.1.num", "value": "1" }] });
        for (query, field, code) in [
            ("unit=99&period=2024", "unit", "unknown_unit"),
            ("unit=12&period=2024H3", "period", "bad_period"),
            ("unit=109&period=2026", "unit", "unit_not_valid_in_period"),
            ("period=2024", "unit", "missing"),
            ("unit=12", "period", "missing"),
        ] {
            let (s, body) = app.get(&format!("/api/v1/values?{query}")).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "GET {query}");
            assert_eq!(problems(&body), [(field.to_string(), code.to_string())], "GET {query}");
            let (s, body) = app.put(&format!("/api/v1/values?{query}"), &one, "vi").await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "PUT {query}");
            assert_eq!(problems(&body), [(field.to_string(), code.to_string())], "PUT {query}");
        }
        let r = app
            .client
            .put(format!("{}/api/v1/values?unit=12&period=2024", app.base))
            .header("Content-Type", "application/json")
            .body("{\"values\": [")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "bad_request");
        let (s, body) = app.put("/api/v1/values?unit=12&period=2024", &json!({"rows": []}), "vi").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body), [("values".into(), "bad_shape".into())]);
        let (s, body) = app.put("/api/v1/values?unit=12&period=2024", &json!({"values": []}), "vi").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body), [("values".into(), "empty".into())]);
        let (s, body) = app.get("/api/v1/nothing-here").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "no_route");
    }
}

on_both_backends! {
    async fn the_openapi_document_describes_exactly_the_served_routes(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, doc) = app.get("/api/v1/openapi.json").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().unwrap();
        let mut documented: Vec<(String, String)> = paths
            .iter()
            .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
            .collect();
        documented.sort();
        let mut served: Vec<(String, String)> =
            binhdang_web::ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
        served.sort();
        assert_eq!(documented, served);
        // Each documented route answers with something other than "no such route".
        for (method, path) in &served {
            // Path parameters that name nothing real: the route must answer, not change anything.
            let path = path
                .replace("{code}", "12")
                .replace("{username}", "nobody")
                .replace("{register}", "activities")
                .replace("{id}", "999999");
            let url = format!("{}{}", app.base, path);
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app.client.request(method.clone(), url).json(&json!({})).send().await.unwrap();
            let status = r.status();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            assert_ne!(body["error"]["code"], "no_route", "{method} {path}");
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
        // Every $ref points at a schema that exists.
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let text = doc.to_string();
        for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = piece.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "dangling $ref {name}");
        }
    }
}
