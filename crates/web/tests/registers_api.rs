//! Black-box tests of the registers API: the real server on a fresh database (SQLite and
//! PostgreSQL), spoken to over HTTP.

mod support;

use binhdang_domain::register::RegisterKind;
use binhdang_store::testing::TestDb;
use binhdang_store::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct App {
    base: String,
    client: reqwest::Client,
    db: TestDb,
}

impl App {
    /// Serves a database holding the catalogue and the units of Lai Châu (12) and of
    /// Hà Giang (02), which merged into Tuyên Quang (08).
    async fn spawn(backend: Backend) -> App {
        let db = TestDb::with_provinces(backend, &["12", "02"]).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(binhdang_web::serve(listener, db.store.clone()));
        let token = db.token_for("tester", binhdang_domain::access::Role::Admin, "VN").await;
        App {
            base,
            client: support::client_with_token(&token),
            db,
        }
    }

    async fn send(&self, method: &str, path: &str, body: Option<&Value>, lang: &str) -> (StatusCode, Value) {
        let url = format!("{}{path}", self.base);
        let r = match method {
            "get" => self.client.get(url),
            "post" => self.client.post(url),
            "put" => self.client.put(url),
            "delete" => self.client.delete(url),
            other => panic!("method {other}"),
        };
        let r = r.header("Accept-Language", lang);
        let r = match body {
            Some(b) => r.json(b),
            None => r,
        };
        let r = r.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send("get", path, None, "vi").await
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send("post", path, Some(body), "vi").await
    }

    /// Adds a row and returns its id, failing the test when the API refuses it.
    async fn add(&self, register: &str, unit: &str, period: &str, body: Value) -> i64 {
        let (s, out) = self
            .post(
                &format!("/api/v1/registers/{register}?unit={unit}&period={period}"),
                &body,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{register} {unit} {period}: {out}");
        out["row"]["id"].as_i64().unwrap()
    }

    /// Codes of the units below `parent` on 30/06/2024 (before the reform).
    async fn below(&self, parent: &str) -> Vec<String> {
        let (_, body) = self
            .get(&format!("/api/v1/units?date=2024-06-30&parent={parent}"))
            .await;
        body["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["code"].as_str().unwrap().to_string())
            .collect()
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

/// Posts `first`, reads it back, puts `second`, reads it back, deletes it; returns the row
/// as first stored and as updated.
async fn round_trip(app: &App, register: &str, first: Value, second: Value) -> (Value, Value) {
    let base = format!("/api/v1/registers/{register}");
    let query = "?unit=12&period=2024";
    let (s, created) = app.post(&format!("{base}{query}"), &first).await;
    assert_eq!(s, StatusCode::CREATED, "{register}: {created}");
    assert_eq!(created["register"], register);
    assert_eq!(created["warnings"], json!([]));
    let (s, listed) = app.get(&format!("{base}{query}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(listed["count"], 1);
    assert_eq!(
        listed["rows"][0], created["row"],
        "{register}: what was stored reads back identically"
    );
    assert_eq!(listed["unit"]["code"], "12");
    let id = created["row"]["id"].as_i64().unwrap();

    let (s, updated) = app.send("put", &format!("{base}/{id}"), Some(&second), "vi").await;
    assert_eq!(s, StatusCode::OK, "{register}: {updated}");
    assert_eq!(updated["changed"], true);
    let (_, listed) = app.get(&format!("{base}{query}")).await;
    assert_eq!(listed["rows"][0], updated["row"]);
    assert_eq!(listed["rows"][0]["id"], id);

    let (s, deleted) = app.send("delete", &format!("{base}/{id}"), None, "vi").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(deleted["deleted"], updated["row"]);
    let (_, listed) = app.get(&format!("{base}{query}")).await;
    assert_eq!(listed["count"], 0);
    let (s, _) = app.send("delete", &format!("{base}/{id}"), None, "vi").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Attributed to the signed-in user and the client's address.
    let kind = RegisterKind::from_slug(register).unwrap();
    let audit = app.db.store.register_audit(kind, id).await.unwrap();
    assert_eq!(
        audit.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
        ["create", "update", "delete"]
    );
    assert!(
        audit
            .iter()
            .all(|a| a.changed_by == "tester" && a.origin == "127.0.0.1"),
        "{audit:?}"
    );
    (created["row"].clone(), updated["row"].clone())
}

on_both_backends! {
    async fn every_register_round_trips_over_http(backend: Backend) {
        let app = App::spawn(backend).await;

        let (row, updated) = round_trip(
            &app,
            "activities",
            json!({ "activity_type": "tap-huan", "content": "Tập huấn nâng cao năng lực thực hiện các Chương trình MTQG",
                    "count": 13, "participants_male": "300", "participants_female": 480, "participants_total": 780,
                    "level": "district", "date": "2024-03-08" }),
            json!({ "activity_type": "tap-huan", "count": "13", "participants_male": 300, "participants_female": 500 }),
        )
        .await;
        assert_eq!(
            (row["count"].clone(), row["participants_male"].clone(), row["participants_total"].clone()),
            (json!(13), json!(300), json!(780))
        );
        assert_eq!((row["date"].clone(), row["level"].clone(), row["period"].clone()), (json!("2024-03-08"), json!("district"), json!("2024")));
        assert_eq!(updated["participants_total"], 800, "only the parts: the total is their sum");
        assert_eq!(updated["content"], Value::Null);

        let (row, updated) = round_trip(
            &app,
            "budgets",
            json!({ "source": "huyen", "content": "Kinh phí thực hiện các chính sách về bình đẳng giới",
                    "allocated": "30000000", "spent": 30000000 }),
            json!({ "source": "Xã hội hóa", "allocated": "123456789012345678" }),
        )
        .await;
        assert_eq!((row["year"].clone(), row["source"].clone(), row["allocated"].clone(), row["spent"].clone()),
            (json!(2024), json!("huyen"), json!("30000000"), json!("30000000")));
        assert_eq!((updated["source"].clone(), updated["allocated"].clone(), updated["spent"].clone()),
            (json!("xa-hoi-hoa"), json!("123456789012345678"), Value::Null));

        let (row, updated) = round_trip(
            &app,
            "documents",
            json!({ "order": 18, "summary": "Về việc triển khai Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới năm 2021 trên địa bàn thành phố",
                    "issuing_body": "BCH LĐLĐ thành phố", "document_type": "cong-van", "number": "437/LĐLĐ",
                    "date": "2021-11-10", "notes": "LĐLĐ thành phố" }),
            json!({ "summary": "Ban hành Chiến lược quốc gia về bình đẳng giới giai đoạn 2021-2030",
                    "issuing_body": "Chính phủ", "document_type": "nghi-quyet", "number": "28/NQ-CP", "date": "2021-03-03" }),
        )
        .await;
        assert_eq!((row["order"].clone(), row["number"].clone(), row["date"].clone()), (json!(18), json!("437/LĐLĐ"), json!("2021-11-10")));
        assert_eq!((updated["order"].clone(), updated["number"].clone()), (Value::Null, json!("28/NQ-CP")));

        let (row, updated) = round_trip(
            &app,
            "committee-members",
            json!({ "name": "Nguyễn Thị Hoa", "position": "Trưởng ban", "sex": "nữ", "agency": "UBND thành phố", "term": "2021-2026" }),
            json!({ "name": "Nguyễn Thị Hoa", "position": "Thành viên", "sex": "female", "term": "2026–2031" }),
        )
        .await;
        assert_eq!((row["sex"].clone(), row["term"].clone()), (json!("female"), json!("2021-2026")));
        assert_eq!((updated["position"].clone(), updated["term"].clone()), (json!("Thành viên"), json!("2026-2031")));

        let (row, updated) = round_trip(
            &app,
            "staff",
            json!({ "agency": "Phòng Lao động - Thương binh và Xã hội", "full_time_female": 1, "part_time_male": 3 }),
            json!({ "full_time_female": 1, "part_time_male": 3, "part_time_female": "10" }),
        )
        .await;
        assert_eq!((row["full_time_male"].clone(), row["full_time_female"].clone(), row["part_time_male"].clone()), (json!(0), json!(1), json!(3)));
        assert_eq!(updated["part_time_female"], 10);

        let (row, updated) = round_trip(
            &app,
            "gbv-cases",
            json!({ "case_type": "bao-luc-gia-dinh", "victim_sex": "female", "perpetrator_sex": "male", "cases": 2, "supported": 2 }),
            json!({ "case_type": "mua-ban-nguoi", "victim_sex": "nữ", "cases": 1, "supported": 1 }),
        )
        .await;
        assert_eq!((row["cases"].clone(), row["victim_sex"].clone()), (json!(2), json!("female")));
        assert_eq!((updated["case_type"].clone(), updated["perpetrator_sex"].clone()), (json!("mua-ban-nguoi"), Value::Null));

        let (row, updated) = round_trip(
            &app,
            "inspections",
            json!({ "count": 2, "subject": "Thực hiện Luật Bình đẳng giới", "findings": "Chưa bố trí kinh phí riêng",
                    "violations_found": 1, "violations_handled": 1, "date": "2024-10-15" }),
            json!({ "count": 3, "violations_found": 2, "violations_handled": 1 }),
        )
        .await;
        assert_eq!((row["count"].clone(), row["findings"].clone()), (json!(2), json!("Chưa bố trí kinh phí riêng")));
        assert_eq!((updated["count"].clone(), updated["findings"].clone()), (json!(3), Value::Null));

        assert_eq!(app.db.store.register_audit_count().await.unwrap(), 21);
    }
}

on_both_backends! {
    async fn refused_rows_are_422_in_the_callers_language_and_store_nothing(backend: Backend) {
        let app = App::spawn(backend).await;
        let too_many = json!({ "activity_type": "hoi-nghi", "count": 1,
            "participants_male": 300, "participants_female": 500, "participants_total": 700 });
        let (s, vi) = app.post("/api/v1/registers/activities?unit=12&period=2024", &too_many).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{vi}");
        assert_eq!(problems(&vi), [("participants_total".into(), "parts_exceed_total".into())]);
        assert_eq!(
            vi["error"]["message"],
            "Số người tham gia nam (300) + nữ (500) = 800, lớn hơn tổng số người tham gia (700)"
        );
        let (s, en) = app
            .send("post", "/api/v1/registers/activities?unit=12&period=2024", Some(&too_many), "en-GB,en;q=0.8")
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(en["error"]["message"], "male (300) + female (500) participants = 800, more than the total of 700");
        assert_eq!(en["error"]["problems"][0]["message_vi"], vi["error"]["message"]);

        let (s, body) = app
            .post("/api/v1/registers/budgets?unit=12&period=2024", &json!({ "source": "tinh", "allocated": "-5000000", "spent": -1 }))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body), [("allocated".into(), "negative".into()), ("spent".into(), "negative".into())]);
        assert_eq!(body["error"]["message"], "Có 2 lỗi; chưa lưu dữ liệu nào");
        assert_eq!(body["error"]["problems"][0]["message"], "Kinh phí được cấp: -5.000.000 là số âm; số tiền không được nhỏ hơn 0");

        // The unit and the body are both wrong: every problem at once.
        let (s, body) = app
            .post("/api/v1/registers/gbv-cases?unit=99&period=2024", &json!({ "case_type": "bao-luc-gia-dinh", "cases": "hai", "victim_name": "x" }))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problems(&body),
            [("unit".into(), "unknown_unit".into()), ("victim_name".into(), "unknown_field".into()), ("cases".into(), "not_a_number".into())]
        );
        for (query, field, code) in [
            ("unit=12&period=2024H3", "period", "bad_period"),
            ("unit=109&period=2026", "unit", "unit_not_valid_in_period"),
            ("period=2024", "unit", "missing"),
        ] {
            let (s, body) = app.post(&format!("/api/v1/registers/staff?{query}"), &json!({ "full_time_male": 1 })).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert_eq!(problems(&body), [(field.to_string(), code.to_string())], "{query}");
            let (s, body) = app.get(&format!("/api/v1/registers/staff?{query}")).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert_eq!(problems(&body), [(field.to_string(), code.to_string())], "{query}");
        }
        let (s, body) = app.post("/api/v1/registers/budgets?unit=12&period=2024Q1", &json!({ "source": "tinh", "allocated": 1 })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body), [("period".into(), "period_not_budget_period".into())]);
        let (s, body) = app.get("/api/v1/registers/budgets?unit=12&period=2024Q1").await;
        assert_eq!((s, problems(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("period".into(), "period_not_budget_period".into())]));
        let (s, body) = app
            .post("/api/v1/registers/activities?unit=12&period=2024H1", &json!({ "activity_type": "mit-tinh", "count": 1, "date": "2024-07-01" }))
            .await;
        assert_eq!((s, problems(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("date".into(), "date_outside_period".into())]));

        // Unknown registers and rows are 404; bodies that are not JSON objects are refused.
        let (s, body) = app.get("/api/v1/registers/meetings?unit=12&period=2024").await;
        assert_eq!((s, body["error"]["code"].clone()), (StatusCode::NOT_FOUND, json!("unknown_register")));
        let (s, _) = app.post("/api/v1/registers/meetings?unit=12&period=2024", &json!({})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app.get("/api/v1/registers/meetings/summary?unit=12&period=2024").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        for id in ["999999", "abc"] {
            let (s, body) = app.send("put", &format!("/api/v1/registers/staff/{id}"), Some(&json!({ "full_time_male": 1 })), "vi").await;
            assert_eq!((s, body["error"]["code"].clone()), (StatusCode::NOT_FOUND, json!("not_found")), "{id}");
        }
        let r = app
            .client
            .post(format!("{}/api/v1/registers/staff?unit=12&period=2024", app.base))
            .header("Content-Type", "application/json")
            .body("{\"full_time_male\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let (s, body) = app.post("/api/v1/registers/staff?unit=12&period=2024", &json!([1, 2])).await;
        assert_eq!((s, problems(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("body".into(), "bad_shape".into())]));

        // Nothing of the above was stored or audited.
        for register in RegisterKind::ALL {
            let (_, listed) = app.get(&format!("/api/v1/registers/{register}?unit=12&period=2024")).await;
            assert_eq!(listed["count"], 0, "{register}");
        }
        assert_eq!(app.db.store.register_audit_count().await.unwrap(), 0);

        // A refused update leaves the row as it was.
        let id = app.add("inspections", "12", "2024", json!({ "count": 2, "violations_found": 2, "violations_handled": 1 })).await;
        let (s, body) = app
            .send("put", &format!("/api/v1/registers/inspections/{id}"), Some(&json!({ "count": 2, "violations_found": 1, "violations_handled": 2 })), "vi")
            .await;
        assert_eq!((s, problems(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("violations_handled".into(), "handled_exceeds_found".into())]));
        let (_, listed) = app.get("/api/v1/registers/inspections?unit=12&period=2024").await;
        assert_eq!((listed["rows"][0]["violations_found"].clone(), listed["rows"][0]["violations_handled"].clone()), (json!(2), json!(1)));
        assert_eq!(app.db.store.register_audit_count().await.unwrap(), 1);

        // Spending more than allocated is stored, with a warning to explain.
        let (s, body) = app
            .post("/api/v1/registers/budgets?unit=12&period=2024", &json!({ "source": "tinh", "allocated": "30000000", "spent": "35000000" }))
            .await;
        assert_eq!(s, StatusCode::CREATED);
        assert_eq!(body["warnings"][0]["code"], "spent_exceeds_allocated");
        assert_eq!(
            body["warnings"][0]["message"],
            "Kinh phí đã chi (35.000.000 đồng) lớn hơn kinh phí được cấp (30.000.000 đồng); đề nghị giải trình trong phần ghi chú"
        );
    }
}

on_both_backends! {
    async fn a_province_summary_is_the_sum_of_the_rows_of_its_communes_and_districts(backend: Backend) {
        let app = App::spawn(backend).await;
        let districts = app.below("12").await;
        assert_eq!(districts.len(), 8);
        let phong_tho = app.below("109").await;
        let other = app.below(districts.iter().find(|c| *c != "109").unwrap()).await;
        let (c1, c2, c3) = (phong_tho[0].as_str(), phong_tho[1].as_str(), other[0].as_str());

        app.add("activities", c1, "2024", json!({ "activity_type": "tap-huan", "count": 2, "participants_male": 30, "participants_female": 45 })).await;
        app.add("activities", c1, "2024", json!({ "activity_type": "tin-bai", "count": 12 })).await;
        app.add("activities", c2, "2024", json!({ "activity_type": "tap-huan", "count": 1, "participants_male": 10, "participants_female": 20, "participants_total": 35 })).await;
        app.add("activities", "109", "2024", json!({ "activity_type": "hoi-nghi", "count": 1, "participants_male": 40, "participants_female": 60, "participants_total": 100 })).await;
        app.add("activities", c3, "2024", json!({ "activity_type": "mit-tinh", "count": 1, "participants_total": 250 })).await;
        app.add("activities", "12", "2024", json!({ "activity_type": "hoi-nghi", "count": 2, "participants_male": 100, "participants_female": 150 })).await;
        app.add("activities", c1, "2023", json!({ "activity_type": "tap-huan", "count": 5, "participants_total": 9 })).await;

        let (s, sum) = app.get("/api/v1/registers/activities/summary?unit=12&period=2024").await;
        assert_eq!(s, StatusCode::OK, "{sum}");
        assert_eq!((sum["register"].clone(), sum["unit"]["code"].clone(), sum["period"]["id"].clone()), (json!("activities"), json!("12"), json!("2024")));
        assert_eq!((sum["rows"].clone(), sum["units_reporting"].clone()), (json!(6), json!(5)));
        assert_eq!(
            sum["summary"]["total"],
            json!({ "rows": 6, "count": 19, "participants_male": 180, "participants_female": 275, "participants_total": 710 })
        );
        assert_eq!(
            sum["summary"]["by_type"][0],
            json!({ "activity_type": "hoi-nghi", "name_vi": "Hội nghị", "name_en": "Conference", "rows": 2, "count": 3,
                    "participants_male": 140, "participants_female": 210, "participants_total": 350 })
        );
        let types: Vec<&str> = sum["summary"]["by_type"].as_array().unwrap().iter().map(|t| t["activity_type"].as_str().unwrap()).collect();
        assert_eq!(types, ["hoi-nghi", "tap-huan", "mit-tinh", "tin-bai"]);
        let (_, district) = app.get("/api/v1/registers/activities/summary?unit=109&period=2024").await;
        assert_eq!(district["summary"]["total"]["participants_total"], 210);

        app.add("budgets", c1, "2021", json!({ "source": "xa", "allocated": "5000000", "spent": "5000000" })).await;
        app.add("budgets", "109", "2022", json!({ "source": "huyen", "allocated": "30000000", "spent": "29999999" })).await;
        app.add("budgets", "12", "2022", json!({ "source": "tinh", "allocated": "150000000" })).await;
        app.add("budgets", c3, "2023", json!({ "source": "xa-hoi-hoa", "spent": "2500000" })).await;
        let (s, sum) = app.get("/api/v1/registers/budgets/summary?unit=12&period=2021-2025").await;
        assert_eq!(s, StatusCode::OK, "{sum}");
        assert_eq!(sum["summary"]["total"], json!({ "rows": 4, "allocated": "185000000", "spent": "37499999" }));
        let years: Vec<(i64, String)> = sum["summary"]["by_year"].as_array().unwrap().iter()
            .map(|y| (y["year"].as_i64().unwrap(), y["allocated"].as_str().unwrap().to_string())).collect();
        assert_eq!(years, [(2021, "5000000".into()), (2022, "180000000".into()), (2023, "0".into())]);
        assert_eq!(sum["summary"]["by_year"][1]["by_source"][0]["source"], "tinh");

        app.add("gbv-cases", c1, "2024", json!({ "case_type": "bao-luc-gia-dinh", "victim_sex": "female", "perpetrator_sex": "male", "cases": 2, "supported": 2 })).await;
        app.add("gbv-cases", c3, "2024", json!({ "case_type": "bao-luc-gia-dinh", "victim_sex": "male", "cases": 1 })).await;
        let (_, sum) = app.get("/api/v1/registers/gbv-cases/summary?unit=12&period=2024").await;
        assert_eq!(
            sum["summary"]["total"],
            json!({ "cases": 3, "supported": 2, "by_victim_sex": { "female": 2, "male": 1, "unknown": 0 },
                    "by_perpetrator_sex": { "female": 0, "male": 2, "unknown": 1 } })
        );
        app.add("staff", c2, "2024", json!({ "part_time_female": 1 })).await;
        app.add("staff", "12", "2024", json!({ "full_time_male": 1, "full_time_female": 2, "part_time_male": 3, "part_time_female": 4 })).await;
        let (_, sum) = app.get("/api/v1/registers/staff/summary?unit=12&period=2024").await;
        assert_eq!(sum["summary"]["total"], json!({ "male": 4, "female": 7, "total": 11 }));
        assert_eq!(sum["summary"]["part_time"], json!({ "male": 3, "female": 5, "total": 8 }));
    }
}

on_both_backends! {
    async fn a_2024_summary_of_the_merged_province_includes_old_ha_giang(backend: Backend) {
        let app = App::spawn(backend).await;
        let hg_districts = app.below("02").await;
        let hg1 = app.below(&hg_districts[0]).await[0].clone();
        let hg2 = app.below(&hg_districts[1]).await[0].clone();
        let tq_districts = app.below("08").await;
        let tq1 = app.below(&tq_districts[0]).await[0].clone();
        app.add("activities", &hg1, "2024", json!({ "activity_type": "tap-huan", "count": 1, "participants_male": 20, "participants_female": 30 })).await;
        app.add("activities", &hg2, "2024", json!({ "activity_type": "tap-huan", "count": 2, "participants_total": 25 })).await;
        app.add("activities", "02", "2024", json!({ "activity_type": "mit-tinh", "count": 1, "participants_total": 100 })).await;
        app.add("activities", &tq1, "2024", json!({ "activity_type": "tap-huan", "count": 1, "participants_male": 1, "participants_female": 2 })).await;
        app.add("committee-members", "02", "2024", json!({ "name": "A", "position": "Trưởng ban", "sex": "male" })).await;
        app.add("committee-members", "08", "2024", json!({ "name": "B", "position": "Trưởng ban", "sex": "female" })).await;

        // The Tuyên Quang formed on 1 July 2025 (code 08) sums its predecessors' 2024 rows.
        let (s, new) = app.get("/api/v1/registers/activities/summary?unit=08&period=2024&date=2026-01-01").await;
        assert_eq!(s, StatusCode::OK, "{new}");
        assert_eq!(new["unit"]["valid_from"], "2025-07-01");
        assert_eq!((new["rows"].clone(), new["units_reporting"].clone()), (json!(4), json!(4)));
        assert_eq!(
            new["summary"]["total"],
            json!({ "rows": 4, "count": 5, "participants_male": 21, "participants_female": 32, "participants_total": 178 })
        );
        let (_, members) = app.get("/api/v1/registers/committee-members/summary?unit=08&period=2024&date=2026-01-01").await;
        assert_eq!(members["summary"]["members"], json!({ "male": 1, "female": 1, "total": 2 }));
        assert_eq!(members["summary"]["by_position"], json!([{ "position": "Trưởng ban", "male": 1, "female": 1, "total": 2 }]));

        // Without a date, 08 for 2024 is the old Tuyên Quang, without Hà Giang.
        let (_, old) = app.get("/api/v1/registers/activities/summary?unit=08&period=2024").await;
        assert_eq!(old["unit"]["valid_to"], "2025-06-30");
        assert_eq!((old["rows"].clone(), old["summary"]["total"]["participants_total"].clone()), (json!(1), json!(3)));

        let (s, body) = app.get("/api/v1/registers/activities/summary?unit=02&period=2024&date=2026-01-01").await;
        assert_eq!((s, problems(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("unit".into(), "unit_not_valid_on_date".into())]));
        let (s, body) = app.get("/api/v1/registers/activities/summary?unit=08&period=2024H3&date=01/01/2026").await;
        assert_eq!((s, problems(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("period".into(), "bad_period".into()), ("date".into(), "bad_date".into())]));
        let (s, body) = app.get("/api/v1/registers/activities/summary?unit=99&period=2024&date=2026-01-01").await;
        assert_eq!((s, problems(&body)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("unit".into(), "unknown_unit".into())]));
    }
}

on_both_backends! {
    async fn the_overview_names_the_registers_and_their_lists(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, body) = app.get("/api/v1/registers").await;
        assert_eq!(s, StatusCode::OK);
        let registers: Vec<&str> = body["registers"].as_array().unwrap().iter().map(|r| r["register"].as_str().unwrap()).collect();
        assert_eq!(registers, ["activities", "budgets", "documents", "committee-members", "staff", "gbv-cases", "inspections"]);
        assert_eq!(body["lists"]["activity_types"].as_array().unwrap().len(), 12);
        assert_eq!(body["lists"]["activity_types"][4], json!({ "code": "xe-thong-tin-luu-dong", "name_vi": "Xe thông tin lưu động", "name_en": "Mobile information van" }));
        assert_eq!(body["lists"]["document_types"][0]["name_vi"], "Nghị quyết");
        assert_eq!(body["budget_sources"][4]["code"], "xa-hoi-hoa");
        assert_eq!(body["registers"][5]["fields"], json!(["case_type", "victim_sex", "perpetrator_sex", "cases", "supported"]));
    }
}

on_both_backends! {
    async fn budgets_are_kept_for_a_year_its_halves_and_its_action_month(backend: Backend) {
        let app = App::spawn(backend).await;
        // The Action Month's budget is kept under the Action Month, and counts in its year.
        for (period, allocated) in [("2024AM", 30_000_000), ("2024", 100_000_000), ("2024H1", 20_000_000)] {
            let (s, body) = app.post(&format!("/api/v1/registers/budgets?unit=12&period={period}"), &json!({ "source": "tinh", "allocated": allocated })).await;
            assert_eq!(s, StatusCode::CREATED, "{period}: {body}");
        }
        for (period, total) in [("2024AM", "30000000"), ("2024H2", "30000000"), ("2024H1", "20000000"), ("2024", "150000000")] {
            let (s, summary) = app.get(&format!("/api/v1/registers/budgets/summary?unit=12&period={period}")).await;
            assert_eq!(s, StatusCode::OK, "{period}: {summary}");
            assert_eq!(summary["summary"]["total"]["allocated"], total, "{period}: {summary}");
        }
        let action_month = support::report(&app.db.store, binhdang_reports::Kind::ActionMonth, "12", "2024AM".parse().unwrap(), time::macros::date!(2024 - 12 - 20))
            .await
            .plain_text();
        assert!(action_month.contains("được bố trí 30.000.000"), "the Action Month report prints its own budget: {action_month}");
    }
}

on_both_backends! {
    async fn register_summaries_cover_a_range_of_periods_or_dates(backend: Backend) {
        let app = App::spawn(backend).await;
        for (period, date) in [("2021", "2021-03-01"), ("2024H1", "2024-03-01"), ("2024", "2024-09-01")] {
            app.add("activities", "12", period, json!({ "activity_type": "hoi-nghi", "count": 1, "date": date })).await;
        }
        app.add("staff", "12", "2022", json!({ "full_time_male": 1, "full_time_female": 2 })).await;
        app.add("staff", "12", "2023", json!({ "full_time_male": 2, "full_time_female": 3 })).await;
        for (period, allocated) in [("2022", 10_000_000), ("2024H1", 5_000_000), ("2024", 7_000_000)] {
            app.add("budgets", "12", period, json!({ "source": "tinh", "allocated": allocated })).await;
        }
        for window in ["2021..2024H1", "2021-01-01..2024-07-31"] {
            let (s, sum) = app.get(&format!("/api/v1/registers/activities/summary?unit=12&period={window}")).await;
            assert_eq!(s, StatusCode::OK, "{window}: {sum}");
            assert_eq!(sum["rows"], 2, "the activities dated inside {window}: {sum}");
            assert_eq!(sum["period"]["id"], window, "{sum}");
        }
        // Staff is a stock: over a range it is as last filed, not two years added up.
        let (_, staff) = app.get("/api/v1/registers/staff/summary?unit=12&period=2021..2024H1").await;
        assert_eq!(staff["rows"], 1, "{staff}");
        // Budgets add up over the range's parts: 2022's and the first half of 2024's, not 2024's.
        let (_, budget) = app.get("/api/v1/registers/budgets/summary?unit=12&period=2021..2024H1").await;
        assert_eq!(budget["summary"]["total"]["allocated"], "15000000", "{budget}");
        let (s, refused) = app.get("/api/v1/registers/budgets/summary?unit=12&period=2024..2021").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    }
}
