//! An open catalogue over HTTP, on SQLite and PostgreSQL: an administrator adds an indicator
//! of a programme beyond Resolution 28, and everything downstream follows it with no code
//! change: the entry form, validation, roll-up, assessment and the annual report.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use binhdang_store::testing::TEST_PASSWORD;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::visitor::Visitor;
use support::{App, problems};

/// A programme indicator entered by sex, in the JSON shape of a row of `indicators.csv`.
fn gbv_support_indicator() -> Value {
    json!({
        "code": "7.1", "objective": 7,
        "objective_vi": "Chương trình phòng ngừa, ứng phó với bạo lực trên cơ sở giới",
        "objective_en": "Programme on preventing and responding to gender-based violence",
        "name_vi": "Tỷ lệ nạn nhân bạo lực trên cơ sở giới được phát hiện được tư vấn pháp lý",
        "name_en": "Detected GBV victims who received legal counselling",
        "measure": "percent", "factor": "100", "direction": "higher",
        "target_2025_op": ">=", "target_2025": "80", "target_2030_op": ">=", "target_2030": "90",
        "numerator_vi": "Số nạn nhân được tư vấn pháp lý", "denominator_vi": "Số nạn nhân được phát hiện",
        "aggregation": "sum_ratio", "lowest_level": "commune", "agency_example": "Sở Tư pháp",
        "confidence": "test", "sex_disaggregated": "numerator;denominator", "time_aggregation": "last"
    })
}

fn by_sex(element: &str, male: &str, female: &str) -> [Value; 2] {
    [
        json!({"element": element, "disaggregation": "male", "value": male}),
        json!({"element": element, "disaggregation": "female", "value": female}),
    ]
}

on_both_backends! {
    async fn an_indicator_added_through_the_api_is_entered_validated_rolled_up_assessed_and_reported(backend: Backend) {
        let app = App::spawn(backend).await;
        // A list with one bad row is refused whole, naming the row and the column.
        let csv = "code,objective,objective_vi,name_vi,name_en,measure,factor,direction,target_2025_op,target_2025,aggregation,lowest_level\n\
                   7.9,7,Chương trình thử,Chỉ tiêu tốt,Good one,count,1,higher,>=,5,sum,commune\n\
                   7.8,7,Chương trình thử,Chỉ tiêu sai,Bad one,percentage,100,higher,>=,5,sum_ratio,commune\n";
        let r = app.client.post(format!("{}/api/v1/indicators", app.base)).header("content-type", "text/csv").body(csv).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused: Value = r.json().await.unwrap();
        assert_eq!(problems(&refused), [("row 2, column measure".to_string(), "bad_value".to_string())], "{refused}");
        assert_eq!(app.get("/api/v1/indicators/7.9").await.0, StatusCode::NOT_FOUND, "nothing of a refused list is added");
        // Only administrators add indicators; a shipped code is taken.
        let reviewer = app.user("tham.dinh", Role::Reviewer, "12").await;
        let (s, _) = app.send(&reviewer, Method::POST, "/api/v1/indicators", Some(&gbv_support_indicator())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let mut shipped_code = gbv_support_indicator();
        shipped_code["code"] = json!("1.1");
        let (s, taken) = app.post("/api/v1/indicators", &shipped_code).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{taken}");
        assert_eq!(problems(&taken), [("row 1, column code".to_string(), "code_taken".to_string())]);

        let (s, added) = app.post("/api/v1/indicators", &gbv_support_indicator()).await;
        assert_eq!(s, StatusCode::CREATED, "{added}");
        assert_eq!(added["added"], json!(["7.1"]));
        let (_, detail) = app.get("/api/v1/indicators/7.1").await;
        let elements: Vec<(&str, &str)> = detail["data_elements"].as_array().unwrap().iter()
            .map(|e| (e["code"].as_str().unwrap(), e["category_combo"].as_str().unwrap())).collect();
        assert_eq!(elements, [("7.1.num", "sex"), ("7.1.den", "sex"), ("7.1.rate", "none")]);
        let (_, catalogue) = app.get("/api/v1/indicators").await;
        assert!(catalogue["objectives"].as_array().unwrap().iter().any(|o| o["number"] == 7), "{catalogue}");
        let (_, trail) = app.get("/api/v1/audit?unit=VN").await;
        assert!(trail["records"].as_array().unwrap().iter().any(|r| r["action"] == "indicator.create" && r["subject"] == "7.1"), "{trail}");

        // The commune's entry form offers it, by sex.
        app.db.token_for("can.bo.xa", Role::Officer, "03490").await;
        let mut officer = Visitor::new(&app);
        officer.sign_in("can.bo.xa", TEST_PASSWORD).await;
        let form = officer.get("/nhap-lieu?unit=03490&period=2024").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("được tư vấn pháp lý") && form.body.contains("7.1.num"), "{}", form.body);

        // Validated like the national ones: more counselled than detected is an error, in total
        // and for men, which blocks submitting until corrected.
        let values = |num: [Value; 2], den: [Value; 2]| json!({"values": num.into_iter().chain(den).collect::<Vec<_>>()});
        let (s, wrong) = app.put("/api/v1/values?unit=03490&period=2024", &values(by_sex("7.1.num", "9", "20"), by_sex("7.1.den", "5", "20")), "vi").await;
        assert_eq!(s, StatusCode::OK, "{wrong}");
        let rules: Vec<&str> = wrong["validation"]["findings"].as_array().unwrap().iter()
            .filter(|f| f["severity"] == "error").map(|f| f["rule"].as_str().unwrap()).collect();
        assert_eq!(rules, ["builtin.num_le_den.7.1", "builtin.num_le_den.7.1.male"], "{wrong}");
        assert!(wrong.to_string().contains("Tử số nam (9) không được lớn hơn mẫu số nam (5)"));

        // Two communes of Phong Thổ report; the province sums the parts, then divides.
        let (_, communes) = app.get("/api/v1/units?date=2024-06-30&parent=109").await;
        let other = communes["units"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap().to_string())
            .find(|c| c != "03490").unwrap();
        let (s, body) = app.put("/api/v1/values?unit=03490&period=2024", &values(by_sex("7.1.num", "3", "5"), by_sex("7.1.den", "5", "10")), "vi").await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (s, body) = app.put(&format!("/api/v1/values?unit={other}&period=2024"), &values(by_sex("7.1.num", "1", "3"), by_sex("7.1.den", "2", "3")), "vi").await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (_, province) = app.get("/api/v1/aggregates?unit=12&period=2024&indicator=7.1").await;
        let figure = &province["aggregates"][0];
        assert_eq!((figure["numerator"].as_str(), figure["denominator"].as_str()), (Some("12"), Some("20")), "{province}");
        assert_eq!(figure["value"], "60");

        // Assessed against its own target: 60 % against ≥ 80 % for 2025.
        let (_, assessment) = app.get("/api/v1/assessment?unit=12&period=2024").await;
        let row = assessment["indicators"].as_array().unwrap().iter().find(|r| r["indicator"] == "7.1").unwrap().clone();
        assert_eq!(row["target"]["applies_to"], "2025", "{row}");
        assert_eq!(row["target"]["source"], "national");
        assert!(["not_met", "behind", "off_track"].contains(&row["status"].as_str().unwrap()), "{row}");
        assert_ne!(row["status"], "met");

        // Printed in the province's annual report, under its programme.
        let r = app.client.get(format!("{}/api/v1/reports/strategy?unit=12&period=2024&format=docx", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let doc = app.annual_report("12", 2024, time::macros::date!(2025 - 03 - 05)).await;
        let text = doc.plain_text();
        let name = "Tỷ lệ nạn nhân bạo lực trên cơ sở giới được phát hiện được tư vấn pháp lý";
        let at = text.find(name).unwrap_or_else(|| panic!("{text}"));
        let row: String = text[at..].chars().take(200).collect();
        assert!(row.contains("60,0"), "{row}");

        // On the province's dashboard too.
        let mut leader = Visitor::new(&app);
        leader.sign_in("tham.dinh", TEST_PASSWORD).await;
        let dashboard = leader.get("/bang-dieu-khien?unit=12&period=2024").await;
        assert_eq!(dashboard.status, StatusCode::OK);
        assert!(dashboard.body.contains("được tư vấn pháp lý"), "{}", dashboard.body);

        // It holds data now, so it stays; the national catalogue's always stay.
        let (s, body) = app.send(&app.client, Method::DELETE, "/api/v1/indicators/7.1", None).await;
        assert_eq!((s, body["error"]["problems"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("has_values")));
        let (s, body) = app.send(&app.client, Method::DELETE, "/api/v1/indicators/1.1", None).await;
        assert_eq!((s, body["error"]["problems"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("shipped_indicator")));
        // One without data goes, audited.
        let count = json!({"code": "7.2", "objective": 7, "name_vi": "Số vụ", "name_en": "Cases", "measure": "count", "factor": "1",
            "direction": "lower", "aggregation": "sum", "lowest_level": "commune", "sex_disaggregated": "value"});
        assert_eq!(app.post("/api/v1/indicators", &count).await.0, StatusCode::CREATED);
        let (s, _) = app.send(&app.client, Method::DELETE, "/api/v1/indicators/7.2", None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/v1/indicators/7.2").await.0, StatusCode::NOT_FOUND);
    }
}

on_both_backends! {
    async fn an_indicators_wording_agency_and_added_targets_change_audited(backend: Backend) {
        let app = App::spawn(backend).await;
        // The 2025 reform: the labour office's work went to Home Affairs.
        let (s, changed) = app.put("/api/v1/indicators/2.1", &json!({"responsible_agency": "Phòng Nội vụ"}), "vi").await;
        assert_eq!(s, StatusCode::OK, "{changed}");
        assert_eq!(changed["responsible_agency"], "Phòng Nội vụ");
        let (_, trail) = app.get("/api/v1/audit?unit=VN").await;
        let update = trail["records"].as_array().unwrap().iter().find(|r| r["action"] == "indicator.update").cloned().unwrap();
        assert!(update["old_value"].to_string().contains("Phòng Lao động - Thương binh và Xã hội"), "{update}");
        assert!(update["new_value"].to_string().contains("Phòng Nội vụ"), "{update}");
        // Resolution 28's targets are not the administrator's to change.
        let (s, refused) = app.put("/api/v1/indicators/2.1", &json!({"target_2025_op": ">=", "target_2025": "45"}), "vi").await;
        assert_eq!((s, problems(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("target_2025".to_string(), "shipped_target".to_string())]));

        // An added indicator's targets and wording change; its entry box is renamed with it.
        assert_eq!(app.post("/api/v1/indicators", &gbv_support_indicator()).await.0, StatusCode::CREATED);
        let (s, body) = app.put("/api/v1/indicators/7.1", &json!({"target_2025": "150", "target_2025_op": ">=", "name_vi": " "}), "vi").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&body).len(), 2, "an empty name and a share over 100 %: {body}");
        let (s, body) = app.put("/api/v1/indicators/7.1", &json!({"target_2025": "85", "target_2025_op": ">=", "target_2030_op": "", "target_2030": "",
            "numerator_vi": "Số nạn nhân được trợ giúp pháp lý"}), "vi").await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["national_targets"], json!([{"year": 2025, "op": ">=", "value": "85"}]), "{body}");
        let numerator = body["data_elements"].as_array().unwrap().iter().find(|e| e["code"] == "7.1.num").unwrap().clone();
        assert_eq!(numerator["name_vi"], "Số nạn nhân được trợ giúp pháp lý");
        let reviewer = app.user("tham.dinh", Role::Reviewer, "12").await;
        let (s, _) = app.send(&reviewer, Method::PUT, "/api/v1/indicators/7.1", Some(&json!({"name_vi": "x"}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}

on_both_backends! {
    async fn a_programme_indicator_broken_down_by_ethnicity_and_by_age_is_entered_checked_and_summed(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut completion = gbv_support_indicator();
        completion["code"] = json!("7.5");
        completion["name_vi"] = json!("Tỷ lệ học sinh hoàn thành tiểu học");
        completion["sex_disaggregated"] = json!("");
        completion["ethnicity_disaggregated"] = json!("numerator;denominator");
        let cases = json!({"code": "7.6", "objective": 7, "name_vi": "Số nạn nhân bạo lực được hỗ trợ", "name_en": "Victims supported",
            "measure": "count", "factor": "1", "direction": "higher", "aggregation": "sum", "lowest_level": "commune",
            "age_disaggregated": "value"});
        // One element cannot be broken down two ways.
        let mut both = completion.clone();
        both["code"] = json!("7.7");
        both["age_disaggregated"] = json!("numerator");
        let (s, refused) = app.post("/api/v1/indicators", &both).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&refused)[0].0, "row 1, column age_disaggregated", "{refused}");
        let (s, added) = app.post("/api/v1/indicators", &json!([completion, cases])).await;
        assert_eq!(s, StatusCode::CREATED, "{added}");
        let (_, detail) = app.get("/api/v1/indicators/7.6").await;
        assert_eq!(detail["data_elements"][0]["category_combo"], "age_group");

        // The commune's form has a column per group.
        app.db.token_for("can.bo.xa", Role::Officer, "03490").await;
        let mut officer = Visitor::new(&app);
        officer.sign_in("can.bo.xa", TEST_PASSWORD).await;
        let form = officer.get("/nhap-lieu?unit=03490&period=2024").await;
        for heading in ["Dân tộc thiểu số", "Kinh", "Dưới 16 tuổi", "16–59 tuổi", "Từ 60 tuổi"] {
            assert!(form.body.contains(&format!("<th scope=\"col\">{heading}</th>")), "{heading}");
        }
        assert!(form.body.contains("name=\"v.7.5.num.ethnic_minority\"") || form.body.contains("7.5.num.ethnic_minority"), "{}", form.body);

        // Parts that do not add up to the total are an error, named by their groups.
        let body = json!({"values": [
            {"element": "7.6.value", "disaggregation": "age_under_16", "value": "2"},
            {"element": "7.6.value", "disaggregation": "age_16_59", "value": "5"},
            {"element": "7.6.value", "disaggregation": "age_60_plus", "value": "1"},
            {"element": "7.6.value", "value": "9"}]});
        let (s, saved) = app.put("/api/v1/values?unit=03490&period=2024", &body, "vi").await;
        assert_eq!(s, StatusCode::OK, "{saved}");
        let messages = saved["validation"]["findings"].to_string();
        assert!(messages.contains("Chỉ tiêu 7.6, giá trị: dưới 16 tuổi + từ 16 đến 59 tuổi + từ 60 tuổi trở lên (8) khác tổng (9)"), "{messages}");
        assert!(messages.contains("\"disaggregation\":\"age_under_16\""), "the same names in and out: {messages}");
        let fixed = json!({"values": [{"element": "7.6.value", "value": "8"}]});
        let (_, saved) = app.put("/api/v1/values?unit=03490&period=2024", &fixed, "vi").await;
        assert_eq!(saved["validation"]["errors"], 0, "{saved}");
        // Entered without the total, the parts make it; the province sums them.
        let (_, communes) = app.get("/api/v1/units?date=2024-06-30&parent=109").await;
        let other = communes["units"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap().to_string())
            .find(|c| c != "03490").unwrap();
        for (unit, minority, kinh) in [("03490", ("3", "10"), ("4", "5")), (other.as_str(), ("2", "4"), ("1", "1"))] {
            let body = json!({"values": [
                {"element": "7.5.num", "disaggregation": "ethnic_minority", "value": minority.0},
                {"element": "7.5.den", "disaggregation": "ethnic_minority", "value": minority.1},
                {"element": "7.5.num", "disaggregation": "kinh", "value": kinh.0},
                {"element": "7.5.den", "disaggregation": "kinh", "value": kinh.1}]});
            let (s, saved) = app.put(&format!("/api/v1/values?unit={unit}&period=2024"), &body, "vi").await;
            assert_eq!(s, StatusCode::OK, "{saved}");
            assert_eq!(saved["validation"]["errors"], 0, "{saved}");
        }
        let (_, province) = app.get("/api/v1/aggregates?unit=12&period=2024&indicator=7.5").await;
        let figure = &province["aggregates"][0];
        assert_eq!((figure["numerator"].as_str(), figure["denominator"].as_str()), (Some("10"), Some("20")), "{province}");
        assert_eq!(figure["value"], "50");
        // More counted than enrolled among ethnic minorities is caught for that group.
        let wrong = json!({"values": [{"element": "7.5.num", "disaggregation": "ethnic_minority", "value": "11"}]});
        let (_, saved) = app.put("/api/v1/values?unit=03490&period=2024", &wrong, "vi").await;
        assert!(saved.to_string().contains("builtin.num_le_den.7.5.ethnic_minority"), "{saved}");
        // The groups travel to DHIS2 as category option combos, and to ADX as a dimension.
        let (_, set) = app.get("/api/v1/dataValueSets?orgUnit=03490&period=2024").await;
        assert!(set["dataValues"].as_array().unwrap().iter().any(|v| v["dataElement"] == "7.5.den" && v["categoryOptionCombo"] == "kinh"), "{set}");
        let adx = app.client.get(format!("{}/api/v1/dataValueSets?orgUnit=03490&period=2024&format=adx", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(adx.contains("AGE_GROUP=\"age_60_plus\" value=\"1\""), "{adx}");
    }
}
