//! Exchange with DHIS2-family systems over HTTP, on SQLite and PostgreSQL: a district's values
//! with its communes' go out as a dataValueSet, come back in unchanged, and a set from another
//! system is saved through the form's write path with DHIS2's import summary.

mod support;

use binhdang_store::on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::App;

async fn post_set(app: &App, query: &str, set: &Value) -> (StatusCode, Value) {
    let r = app
        .client
        .post(format!("{}/api/v1/dataValueSets{query}", app.base))
        .json(set)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

on_both_backends! {
    async fn a_district_and_its_communes_go_out_and_come_back_as_a_data_value_set(backend: Backend) {
        let app = App::spawn(backend).await;
        let body = json!({"values": [
            {"element": "6.1.num", "disaggregation": "male", "value": "12"}, {"element": "6.1.den", "disaggregation": "male", "value": "15"},
            {"element": "6.1.num", "disaggregation": "female", "value": "8"}, {"element": "6.1.den", "disaggregation": "female", "value": "10"}]});
        assert_eq!(app.put_status("/api/v1/values?unit=03490&period=2025H1", body).await, StatusCode::OK);
        let district = json!({"values": [{"element": "2.3.num", "value": "3"}, {"element": "2.3.den", "value": "10"}]});
        assert_eq!(app.put_status("/api/v1/values?unit=109&period=2025H1", district).await, StatusCode::OK);

        let (s, own) = app.get("/api/v1/dataValueSets?orgUnit=109&period=2025S1").await;
        assert_eq!(s, StatusCode::OK, "{own}");
        assert_eq!(own["dataValues"].as_array().unwrap().len(), 2, "the district's own values only: {own}");
        let (s, set) = app.get("/api/v1/dataValueSets?orgUnit=109&period=2025S1&children=true").await;
        assert_eq!(s, StatusCode::OK);
        let values = set["dataValues"].as_array().unwrap();
        assert_eq!(values.len(), 6, "{set}");
        let female = values.iter().find(|v| v["orgUnit"] == "03490" && v["dataElement"] == "6.1.num" && v["categoryOptionCombo"] == "female").unwrap();
        assert_eq!((female["value"].as_str(), female["period"].as_str()), (Some("8"), Some("2025S1")));
        assert!(values.iter().filter(|v| v["orgUnit"] == "109").all(|v| v.get("categoryOptionCombo").is_none()), "totals use the default combo");

        // A data set is an objective: Objective 6's elements only; an unknown one is refused.
        let (_, six) = app.get("/api/v1/dataValueSets?orgUnit=109&period=2025S1&children=true&dataSet=6").await;
        let elements: Vec<&str> = six["dataValues"].as_array().unwrap().iter().map(|v| v["dataElement"].as_str().unwrap()).collect();
        assert!(elements.len() == 4 && elements.iter().all(|e| e.starts_with("6.1.")), "{six}");
        assert_eq!(app.get("/api/v1/dataValueSets?orgUnit=109&period=2025S1&dataSet=99").await.0, StatusCode::UNPROCESSABLE_ENTITY);
        // Several periods at once: each value names its own, the set none.
        let (s, both) = app.get("/api/v1/dataValueSets?orgUnit=109&period=2024S2,2025S1&children=true").await;
        assert_eq!(s, StatusCode::OK, "{both}");
        assert_eq!((both["dataValues"].as_array().unwrap().len(), both.get("period")), (6, None), "{both}");
        let (s, range) = app.get("/api/v1/dataValueSets?orgUnit=109&period=2025H1..2025H1&children=true").await;
        assert_eq!((s, range["dataValues"].as_array().unwrap().len()), (StatusCode::OK, 6), "{range}");
        // The same values as DHIS2's CSV and as ADX.
        let get_text = |path: String| {
            let request = app.client.get(format!("{}{path}", app.base));
            async move {
                let r = request.send().await.unwrap();
                let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
                (r.status(), content_type, r.text().await.unwrap())
            }
        };
        let (s, content_type, csv) = get_text("/api/v1/dataValueSets?orgUnit=109&period=2025S1&children=true&format=csv".into()).await;
        assert_eq!(s, StatusCode::OK);
        assert!(content_type.starts_with("application/csv"), "{content_type}");
        assert_eq!(csv.lines().count(), 7, "{csv}");
        assert!(csv.lines().any(|l| l.starts_with("6.1.num,2025S1,03490,female,,8,")), "{csv}");
        let (s, content_type, adx) = get_text("/api/v1/dataValueSets?orgUnit=109&period=2025S1&children=true&format=adx".into()).await;
        assert_eq!(s, StatusCode::OK);
        assert!(content_type.starts_with("application/adx+xml"), "{content_type}");
        assert!(adx.contains("<group orgUnit=\"03490\" period=\"2025-01-01/P6M\">") && adx.contains("SEX=\"F\" value=\"8\""), "{adx}");
        // CSV back in: nothing changes either.
        let r = app.client.post(format!("{}/api/v1/dataValueSets", app.base)).header("content-type", "application/csv").body(csv).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let summary: Value = r.json().await.unwrap();
        assert_eq!(summary["response"]["importCount"], json!({"imported": 0, "updated": 0, "ignored": 6, "deleted": 0}), "{summary}");

        // The same set back: nothing changes.
        let (s, summary) = post_set(&app, "", &set).await;
        assert_eq!(s, StatusCode::OK, "{summary}");
        assert_eq!(summary["response"]["status"], "SUCCESS");
        assert_eq!(summary["response"]["importCount"], json!({"imported": 0, "updated": 0, "ignored": 6, "deleted": 0}));

        // From another system: a new commune's values, one changed value, and two refused groups.
        let (_, communes) = app.get("/api/v1/units?date=2025-01-01&parent=109").await;
        let others: Vec<String> = communes["units"].as_array().unwrap().iter()
            .map(|u| u["code"].as_str().unwrap().to_string()).filter(|c| c != "03490").collect();
        let (new, third) = (others[0].as_str(), others[1].as_str());
        let incoming = json!({"period": "2025S1", "dataValues": [
            {"dataElement": "4.1.num", "orgUnit": new, "value": "52", "followup": false},
            {"dataElement": "4.1.den", "orgUnit": new, "value": "48", "categoryOptionCombo": "HllvX50cXC0"},
            {"dataElement": "6.1.num", "orgUnit": "03490", "categoryOptionCombo": "female", "value": "9"},
            {"dataElement": "no.such.element", "orgUnit": third, "value": "1"},
            {"dataElement": "4.1.num", "orgUnit": "99999", "value": "1"}]});
        let (s, dry) = post_set(&app, "?dryRun=true", &incoming).await;
        assert_eq!(s, StatusCode::OK, "{dry}");
        assert_eq!(dry["response"]["importCount"]["imported"], 2, "{dry}");
        let (_, untouched) = app.get(&format!("/api/v1/values?unit={new}&period=2025H1")).await;
        assert_eq!(untouched["values"].as_array().unwrap().len(), 0, "a dry run writes nothing");
        let (s, summary) = post_set(&app, "", &incoming).await;
        assert_eq!(s, StatusCode::OK, "{summary}");
        let response = &summary["response"];
        assert_eq!(response["status"], "WARNING", "{summary}");
        assert_eq!(response["importCount"], json!({"imported": 2, "updated": 1, "ignored": 2, "deleted": 0}), "{summary}");
        assert_eq!(response["rejectedIndexes"], json!([3, 4]), "{summary}");
        // Saved through the form's path: rolled up and audited with its source.
        let (_, figure) = app.get("/api/v1/aggregates?unit=109&period=2025H1&indicator=6.1").await;
        assert_eq!(figure["aggregates"][0]["numerator"], "21", "{figure}");
        let (_, trail) = app.get(&format!("/api/v1/audit?unit={new}&period=2025H1")).await;
        assert!(trail.to_string().contains("DHIS2 dataValueSet"), "{trail}");

        // Nothing importable: 409. A phase is no DHIS2 period: 422.
        let (s, summary) = post_set(&app, "", &json!({"dataValues": [{"dataElement": "4.1.num", "orgUnit": new, "period": "2025W1", "value": "1"}]})).await;
        assert_eq!((s, summary["response"]["status"].as_str()), (StatusCode::CONFLICT, Some("ERROR")), "{summary}");
        let (s, _) = app.get("/api/v1/dataValueSets?orgUnit=12&period=2021-2025").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

on_both_backends! {
    async fn a_province_exported_as_adx_or_json_and_imported_into_a_fresh_database_assesses_the_same(backend: Backend) {
        let source = App::spawn(backend).await;
        let commune = json!({"values": [
            {"element": "6.1.num", "disaggregation": "male", "value": "12"}, {"element": "6.1.den", "disaggregation": "male", "value": "15"},
            {"element": "6.1.num", "disaggregation": "female", "value": "8"}, {"element": "6.1.den", "disaggregation": "female", "value": "10"},
            {"element": "2.3.num", "value": "4"}, {"element": "2.3.den", "value": "11"}]});
        assert_eq!(source.put_status("/api/v1/values?unit=03388&period=2024", commune).await, StatusCode::OK);
        let province = json!({"values": [{"element": "5.4a.num", "value": "7"}, {"element": "5.4a.den", "value": "11"}]});
        assert_eq!(source.put_status("/api/v1/values?unit=12&period=2024", province).await, StatusCode::OK);
        let (_, expected) = source.get("/api/v1/assessment?unit=12&period=2024").await;
        assert!(expected.to_string().contains("5.4a"), "{expected}");

        for (format, content_type) in [("adx", "application/adx+xml"), ("json", "application/json")] {
            let r = source.client.get(format!("{}/api/v1/dataValueSets?orgUnit=12&period=2024&children=true&format={format}", source.base))
                .send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let exported = r.text().await.unwrap();
            let fresh = App::spawn(backend).await;
            let r = fresh.client.post(format!("{}/api/v1/dataValueSets", fresh.base))
                .header("content-type", content_type).body(exported).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{format}");
            let summary: Value = r.json().await.unwrap();
            assert_eq!(summary["response"]["status"], "SUCCESS", "{format}: {summary}");
            assert_eq!(summary["response"]["importCount"]["imported"], 8, "{format}: {summary}");
            let (_, assessed) = fresh.get("/api/v1/assessment?unit=12&period=2024").await;
            assert_eq!(assessed, expected, "{format}: the same assessment after the round trip");
        }

        // ADX naming an unknown element and an unknown org unit: each a conflict, nothing of them stored.
        let adx = "<adx xmlns=\"urn:ihe:qrph:adx:2015\" exported=\"2026-03-20T00:00:00Z\">\
            <group orgUnit=\"03388\" period=\"2024-01-01/P1Y\"><dataValue dataElement=\"no.such.element\" value=\"1\"/></group>\
            <group orgUnit=\"99999\" period=\"2024-01-01/P1Y\"><dataValue dataElement=\"4.1.num\" value=\"1\"/></group></adx>";
        let r = source.client.post(format!("{}/api/v1/dataValueSets", source.base))
            .header("content-type", "application/adx+xml").body(adx).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let summary: Value = r.json().await.unwrap();
        assert_eq!(summary["response"]["conflicts"].as_array().unwrap().len(), 2, "{summary}");
        let (_, after) = source.get("/api/v1/assessment?unit=12&period=2024").await;
        assert_eq!(after, expected, "nothing stored from the rejected rows");
        // Not ADX at all: 400 in words.
        let r = source.client.post(format!("{}/api/v1/dataValueSets", source.base))
            .header("content-type", "application/adx+xml").body("<adx><group").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
}

on_both_backends! {
    async fn another_systems_codes_are_kept_in_a_table_and_used_both_ways(backend: Backend) {
        let app = App::spawn(backend).await;
        let codes = json!({
            "elements": [
                {"element": "6.1.num", "breakdown": "female", "data_element": "GE_KNOW_N", "category_option_combo": "rCTYfMhtCbk"},
                {"element": "6.1.den", "breakdown": "female", "data_element": "GE_KNOW_D", "category_option_combo": "rCTYfMhtCbk"}],
            "units": [{"unit": "03490", "org_unit": "OU_HUOILUONG"}]});
        let viewer = app.user("viewer-codes", binhdang_domain::access::Role::Reviewer, "12").await;
        let (s, _) = app.send(&viewer, reqwest::Method::PUT, "/api/v1/exchange/codes", Some(&codes)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "administrators only");
        let mut twice = codes.clone();
        twice["units"] = json!([{"unit": "03490", "org_unit": "X"}, {"unit": "03491", "org_unit": "X"}]);
        let (s, body) = app.send(&app.client, reqwest::Method::PUT, "/api/v1/exchange/codes", Some(&twice)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(app.get("/api/v1/exchange/codes").await.1["units"], json!([]), "a refused table writes nothing");
        let (s, body) = app.send(&app.client, reqwest::Method::PUT, "/api/v1/exchange/codes", Some(&codes)).await;
        assert_eq!(s, StatusCode::OK, "{body}");

        // In with the other system's codes: stored under binhdang's.
        let incoming = json!({"period": "2025S1", "orgUnit": "OU_HUOILUONG", "dataValues": [
            {"dataElement": "GE_KNOW_N", "categoryOptionCombo": "rCTYfMhtCbk", "value": "8"},
            {"dataElement": "GE_KNOW_D", "categoryOptionCombo": "rCTYfMhtCbk", "value": "10"},
            {"dataElement": "6.1.num", "categoryOptionCombo": "male", "value": "3"}]});
        let (s, summary) = post_set(&app, "", &incoming).await;
        assert_eq!(s, StatusCode::OK, "{summary}");
        assert_eq!(summary["response"]["importCount"]["imported"], 3, "{summary}");
        let (_, stored) = app.get("/api/v1/values?unit=03490&period=2025H1").await;
        let female = stored["values"].as_array().unwrap().iter()
            .find(|v| v["element"] == "6.1.num" && v["disaggregation"] == "female").unwrap();
        assert_eq!(female["value"], "8", "{stored}");

        // Out again in the other system's codes; what has no row keeps binhdang's.
        let (_, set) = app.get("/api/v1/dataValueSets?orgUnit=03490&period=2025S1").await;
        assert_eq!(set["orgUnit"], "OU_HUOILUONG", "{set}");
        let values = set["dataValues"].as_array().unwrap();
        assert!(values.iter().any(|v| v["dataElement"] == "GE_KNOW_N" && v["categoryOptionCombo"] == "rCTYfMhtCbk" && v["value"] == "8"), "{set}");
        assert!(values.iter().any(|v| v["dataElement"] == "6.1.num" && v["categoryOptionCombo"] == "male"), "{set}");
        let (_, trail) = app.get("/api/v1/audit?unit=03490&period=2025H1").await;
        assert!(trail.to_string().contains("DHIS2 dataValueSet"), "{trail}");
    }
}
