//! Figures and assessment over HTTP, on SQLite and PostgreSQL.

mod support;

use binhdang_store::on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::App;

on_both_backends! {
    async fn a_value_saved_through_the_api_changes_the_province_figure_in_the_next_read(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, before) = app.get("/api/v1/aggregates?unit=12&period=2025H1&indicator=5.4a").await;
        assert_eq!(s, StatusCode::OK, "{before}");
        assert_eq!(before["aggregates"][0]["value"], Value::Null);
        assert_eq!(before["aggregates"][0]["completeness"]["reported"], 0);
        // Phong Thổ district and one of its communes each report part of the figure.
        let body = |num: &str, den: &str| json!({"values": [{"element": "5.4a.num", "value": num}, {"element": "5.4a.den", "value": den}]});
        assert_eq!(app.put_status("/api/v1/values?unit=109&period=2025H1", body("12", "18")).await, StatusCode::OK);
        assert_eq!(app.put_status("/api/v1/values?unit=03490&period=2025H1", body("7", "11")).await, StatusCode::OK);
        let (_, after) = app.get("/api/v1/aggregates?unit=12&period=2025H1&indicator=5.4a").await;
        let f = &after["aggregates"][0];
        assert_eq!((f["numerator"].as_str(), f["denominator"].as_str()), (Some("19"), Some("29")));
        // 19/29, not the mean of 66.67 % and 63.64 %.
        assert_eq!(f["value"], "65.5172");
        assert_eq!(f["method"], "sum_of_parts_then_divide");
        assert_eq!(f["data"], "all");
        assert_eq!(f["completeness"]["reported"], 2);
        let (_, national) = app.get("/api/v1/aggregates?unit=VN&period=2025H1&indicator=5.4a").await;
        assert_eq!(national["aggregates"][0]["value"], "65.5172");
        let (s, body) = app.get("/api/v1/aggregates?unit=12&period=2025H1&indicator=9.9").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["problems"][0]["code"], "unknown_indicator");
    }
}

on_both_backends! {
    async fn the_assessment_names_the_target_it_used_for_every_indicator(backend: Backend) {
        let app = App::spawn(backend).await;
        let body = json!({"values": [
            {"element": "6.1.num", "disaggregation": "female", "value": "700"},
            {"element": "6.1.den", "disaggregation": "female", "value": "1000"},
            {"element": "4.1.num", "value": "112"}, {"element": "4.1.den", "value": "100"},
        ]});
        assert_eq!(app.put_status("/api/v1/values?unit=12&period=2024", body).await, StatusCode::OK);
        let (s, a) = app.get("/api/v1/assessment?unit=12&period=2024").await;
        assert_eq!(s, StatusCode::OK, "{a}");
        let rows = a["indicators"].as_array().unwrap();
        assert_eq!(rows.len(), 23);
        let row = |code: &str| rows.iter().find(|r| r["indicator"] == code).unwrap().clone();
        assert_eq!(row("6.1")["status"], "exceeded");
        assert_eq!(row("6.1")["target"]["source"], "national");
        assert_eq!(row("6.1")["target"]["applies_to"], "2025");
        assert_eq!(row("6.1")["distance"], "10");
        assert_eq!(row("4.1")["status"], "not_met");
        assert_eq!(row("4.1")["status_vi"], "Không đạt");
        assert_eq!(row("4.1")["distance"], "-1");
        assert_eq!(row("1.1")["status"], "no_data");
        assert_eq!(row("1.1")["status_vi"], "Chưa có số liệu");
        assert_eq!(a["summary"]["no_data"], 21);
    }
}

on_both_backends! {
    async fn a_merged_province_asked_for_an_earlier_period_says_which_mapping_it_used(backend: Backend) {
        let app = App::spawn(backend).await;
        // An old Hà Giang commune reports for 2024.
        let (_, units) = app.get("/api/v1/units?level=district&date=2024-01-01&parent=02").await;
        let district = units["units"][0]["code"].as_str().unwrap().to_string();
        let (_, communes) = app.get(&format!("/api/v1/units?date=2024-01-01&parent={district}")).await;
        let commune = communes["units"][0]["code"].as_str().unwrap().to_string();
        let body = json!({"values": [{"element": "4.3.num", "value": "9"}, {"element": "4.3.den", "value": "300"}]});
        assert_eq!(app.put_status(&format!("/api/v1/values?unit={commune}&period=2024"), body).await, StatusCode::OK);
        let (s, merged) = app.get("/api/v1/aggregates?unit=08&period=2024&as_of=2026-01-01&indicator=4.3").await;
        assert_eq!(s, StatusCode::OK, "{merged}");
        assert_eq!(merged["unit"]["valid_from"], "2025-07-01");
        assert_eq!(merged["aggregates"][0]["value"], "30");
        assert_eq!(merged["mapping"]["reform"], "2025-07-01");
        assert!(merged["mapping"]["predecessor_units"].as_i64().unwrap() > 100);
        // Without as_of, code 08 for 2024 is the old Tuyên Quang, which has no such data.
        let (_, old) = app.get("/api/v1/aggregates?unit=08&period=2024&indicator=4.3").await;
        assert_eq!(old["unit"]["valid_to"], "2025-06-30");
        assert_eq!(old["mapping"], Value::Null);
        assert_eq!(old["aggregates"][0]["value"], Value::Null);
        let (s, bad) = app.get("/api/v1/aggregates?unit=02&period=2024&as_of=2026-01-01").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad["error"]["problems"][0]["code"], "unit_not_valid_on_date");
    }
}

on_both_backends! {
    async fn a_phase_a_range_and_a_review_are_read_over_http(backend: Backend) {
        let app = App::spawn(backend).await;
        let body = |code: &str, num: &str, den: &str| {
            json!({"values": [{"element": format!("{code}.num"), "value": num}, {"element": format!("{code}.den"), "value": den}]})
        };
        // 5.4a (women among master's holders) is a stock; 4.2 (maternal deaths per 100,000
        // live births) a flow.
        for (period, (a, b), (c, d)) in [("2022", ("7", "11"), ("1", "20000")), ("2024", ("9", "12"), ("3", "20000"))] {
            let path = format!("/api/v1/values?unit=12&period={period}");
            assert_eq!(app.put_status(&path, body("5.4a", a, b)).await, StatusCode::OK);
            assert_eq!(app.put_status(&path, body("4.2", c, d)).await, StatusCode::OK);
        }
        let row = |v: &Value, code: &str| v["indicators"].as_array().unwrap().iter().find(|r| r["indicator"] == code).unwrap().clone();
        let (s, phase) = app.get("/api/v1/assessment?unit=12&period=2021-2025").await;
        assert_eq!(s, StatusCode::OK, "{phase}");
        assert_eq!(row(&phase, "5.4a")["figure"]["value"], "75");
        assert_eq!(row(&phase, "5.4a")["figure"]["over_time"]["used"], json!(["2024"]));
        assert_eq!(row(&phase, "4.2")["figure"]["value"], "10");
        assert_eq!(row(&phase, "4.2")["figure"]["over_time"]["used"], json!(["2022", "2024"]));
        assert_ne!(row(&phase, "4.2")["status"], "no_data");
        let (s, range) = app.get("/api/v1/assessment?unit=12&period=2021..2024H1").await;
        assert_eq!(s, StatusCode::OK, "{range}");
        assert_eq!(range["period"]["type"], "range");
        assert_eq!(row(&range, "4.2")["figure"]["value"], "5");
        let (s, dates) = app.get("/api/v1/aggregates?unit=12&period=2022-01-01..2024-12-31&indicator=4.2").await;
        assert_eq!(s, StatusCode::OK, "{dates}");
        assert_eq!(dates["aggregates"][0]["value"], "10");
        let (s, refused) = app.get("/api/v1/assessment?unit=12&period=2024..2021").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(refused.to_string().contains("kết thúc trước khi bắt đầu"), "{refused}");

        // The review of the phase downloads; asked for a year it is refused, saying why.
        let r = app.client.get(format!("{}/api/v1/reports/review?unit=12&period=2021-2025&format=pdf", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
        let (s, body) = app.get("/api/v1/reports/review?unit=12&period=2024&format=pdf").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("review_needs_a_phase"), "{body}");

        // A directive filed under 2024 and dated in the Action Month counts there.
        let directive = json!({"summary": "Chỉ thị về Tháng hành động", "issuing_body": "UBND tỉnh", "document_type": "chi-thi", "number": "12/CT-UBND", "date": "2024-11-20"});
        let (s, body) = app.post("/api/v1/registers/documents?unit=12&period=2024", &directive).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let (s, summary) = app.get("/api/v1/registers/documents/summary?unit=12&period=2024AM").await;
        assert_eq!(s, StatusCode::OK, "{summary}");
        assert_eq!(summary["summary"]["documents"], 1, "{summary}");
    }
}

on_both_backends! {
    async fn a_province_figure_says_how_many_units_stated_only_a_rate(backend: Backend) {
        let app = App::spawn(backend).await;
        // One commune of Phong Thổ states 95 % with nothing behind it; another counts.
        let stated = json!({"values": [{"element": "6.1.rate", "value": "95"}]});
        assert_eq!(app.put_status("/api/v1/values?unit=03490&period=2024", stated).await, StatusCode::OK);
        let (_, communes) = app.get("/api/v1/units?date=2024-06-30&parent=109").await;
        let other = communes["units"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap().to_string())
            .find(|c| c != "03490").unwrap();
        let counted = json!({"values": [
            {"element": "6.1.num", "disaggregation": "female", "value": "30"}, {"element": "6.1.den", "disaggregation": "female", "value": "40"}]});
        assert_eq!(app.put_status(&format!("/api/v1/values?unit={other}&period=2024"), counted).await, StatusCode::OK);
        let (_, province) = app.get("/api/v1/aggregates?unit=12&period=2024&indicator=6.1").await;
        let f = &province["aggregates"][0];
        // The stated 95 % is not in the sums; the figure says one unit's figure rests on a statement.
        assert_eq!((f["numerator"].as_str(), f["denominator"].as_str(), f["value"].as_str()), (Some("30"), Some("40"), Some("75")), "{f}");
        assert_eq!((f["completeness"]["reported"].as_i64(), f["completeness"]["stated_only"].as_i64()), (Some(1), Some(1)), "{f}");
        let (_, commune) = app.get("/api/v1/aggregates?unit=03490&period=2024&indicator=6.1").await;
        assert_eq!((commune["aggregates"][0]["method"].as_str(), commune["aggregates"][0]["completeness"]["stated_only"].as_i64()), (Some("stated_rate"), Some(1)));
    }
}
