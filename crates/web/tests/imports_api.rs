//! Importing a legacy report over the API, on SQLite and PostgreSQL: sample 002's figures
//! for Lai Châu's 2024 report, stored only once a person confirms them, with the file and
//! the quote as their source in the audit trail.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::App;

fn sample_002() -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    std::fs::read(dir.join("002_93d48c82f63ec0bd.txt")).expect("sample 002 beside the repository")
}

async fn upload(app: &App, client: &reqwest::Client, query: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let r = client
        .post(format!("{}/api/v1/imports?{query}", app.base))
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The ids of the proposals for `element` (and the proposals' values).
fn proposals_for(batch: &Value, element: &str) -> Vec<(i64, String)> {
    batch["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["element"] == element)
        .map(|p| (p["id"].as_i64().unwrap(), p["value"].as_str().unwrap().to_string()))
        .collect()
}

fn one(batch: &Value, element: &str) -> i64 {
    let found = proposals_for(batch, element);
    assert_eq!(found.len(), 1, "{element}: {found:?}");
    found[0].0
}

async fn stored_values(app: &App) -> Vec<(String, String)> {
    let (s, body) = app.get("/api/v1/values?unit=12&period=2024").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["element"].as_str().unwrap().to_string(),
                v["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

on_both_backends! {
    async fn confirmed_figures_are_stored_with_their_quote_in_the_audit_trail(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, batch) = upload(&app, &app.client, "unit=12&period=2024&file=bac-kan-2024.txt", sample_002()).await;
        assert_eq!(s, StatusCode::CREATED, "{batch}");
        assert_eq!(batch["state"], "open");
        assert_eq!(batch["sha256"].as_str().unwrap().len(), 64);
        assert_eq!(proposals_for(&batch, "2.3.num")[0].1, "48");
        assert!(batch["proposals"].as_array().unwrap().iter().all(|p| p["decision"] == "pending"));
        // Nothing is stored before confirmation.
        assert_eq!(stored_values(&app).await, []);

        let id = batch["id"].as_i64().unwrap();
        let decisions = json!({ "decisions": [
            { "proposal": one(&batch, "2.3.num"), "decision": "confirmed" },
            { "proposal": one(&batch, "2.3.den"), "decision": "confirmed" },
            { "proposal": one(&batch, "2.3.rate"), "decision": "confirmed" },
            { "proposal": one(&batch, "6.1.rate"), "decision": "corrected", "value": "95.5" },
            { "proposal": one(&batch, "3.1.rate"), "decision": "dropped" },
        ], "store": true });
        let (s, done) = app.post(&format!("/api/v1/imports/{id}/decisions"), &decisions).await;
        assert_eq!(s, StatusCode::OK, "{done}");
        assert_eq!(done["state"], "stored");
        assert_eq!(done["written"], 4);
        let mut values = stored_values(&app).await;
        values.sort();
        let expected: Vec<(String, String)> = [("2.3.den", "240"), ("2.3.num", "48"), ("2.3.rate", "20"), ("6.1.rate", "95.5")]
            .iter()
            .map(|(e, v)| (e.to_string(), v.to_string()))
            .collect();
        assert_eq!(values, expected, "the dropped 3.1 and the undecided proposals are not stored");

        // The audit trail says where each value came from.
        let (s, audit) = app.get("/api/v1/audit?unit=12&period=2024&element=2.3.num").await;
        assert_eq!(s, StatusCode::OK, "{audit}");
        let entries = audit["records"].as_array().unwrap();
        let entry = entries.iter().find(|e| e["subject"] == "2.3.num").unwrap_or_else(|| panic!("{audit}"));
        let source = entry["source"].as_str().unwrap();
        assert!(source.starts_with("bac-kan-2024.txt — "), "{source}");
        assert!(source.contains("48 doanh nghiệp, HTX do nữ làm chủ"), "{source}");
        assert_eq!(entry["new_value"], "48");
        let unit = app.db.store.resolve_unit_period("12", "2024").await.unwrap();
        let trail = app.db.store.audit_trail(&unit.0, Some("2024"), Some("6.1.rate")).await.unwrap();
        assert_eq!(trail.len(), 1);
        assert!(trail[0].source.as_deref().unwrap().contains("95% dân số được tiếp cận"), "{:?}", trail[0]);

        // A stored batch is closed.
        let (s, again) = app.post(&format!("/api/v1/imports/{id}/decisions"), &json!({"decisions": [], "store": true})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
        assert_eq!(again["error"]["problems"][0]["code"], "import_stored");
    }
}

on_both_backends! {
    async fn nothing_is_stored_unless_everything_confirmed_is_valid(backend: Backend) {
        let app = App::spawn(backend).await;
        let (_, batch) = upload(&app, &app.client, "unit=12&period=2024&file=002.txt", sample_002()).await;
        let id = batch["id"].as_i64().unwrap();
        let path = format!("/api/v1/imports/{id}/decisions");
        // Nothing confirmed: refused, nothing stored.
        let (s, body) = app.post(&path, &json!({"decisions": [], "store": true})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["problems"][0]["code"], "nothing_confirmed");
        // Everything dropped: the same.
        let all_dropped: Vec<Value> = batch["proposals"].as_array().unwrap().iter()
            .map(|p| json!({"proposal": p["id"], "decision": "dropped"})).collect();
        let (s, _) = app.post(&path, &json!({"decisions": all_dropped, "store": true})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        // One valid value beside a corrected count that is not whole: the batch is refused
        // whole, naming the proposal, and stays open.
        let bad = one(&batch, "2.3.num");
        let (s, body) = app.post(&path, &json!({"decisions": [
            {"proposal": one(&batch, "6.2.rate"), "decision": "confirmed"},
            {"proposal": bad, "decision": "corrected", "value": "48.5"},
        ], "store": true})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["problems"][0]["field"], format!("proposals[{bad}].value"));
        assert_eq!(stored_values(&app).await, []);
        let unit = app.db.store.resolve_unit_period("12", "2024").await.unwrap();
        assert_eq!(app.db.store.audit_count(&unit.0, &unit.1).await.unwrap(), 0);
        let (_, open) = app.get(&format!("/api/v1/imports/{id}")).await;
        assert_eq!(open["state"], "open");
        // Corrected again, it goes through.
        let (s, body) = app.post(&path, &json!({"decisions": [{"proposal": bad, "decision": "corrected", "value": "49"}], "store": true})).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let mut values = stored_values(&app).await;
        values.sort();
        assert_eq!(values, [("2.3.num".to_string(), "49".to_string()), ("6.2.rate".to_string(), "100".to_string())]);
    }
}

on_both_backends! {
    async fn unreadable_files_unknown_units_and_outsiders_are_refused(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, body) = upload(&app, &app.client, "unit=12&period=2024&file=x.doc", vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0]).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["problems"][0]["code"], "unreadable");
        assert!(body["error"]["message"].as_str().unwrap().contains(".docx"), "{body}");
        let (s, body) = upload(&app, &app.client, "unit=12&period=2024", Vec::new()).await;
        assert_eq!((s, body["error"]["problems"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unreadable")));
        let (s, body) = upload(&app, &app.client, "unit=99&period=2024", sample_002()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (s, _) = upload(&app, &app.client, "unit=12&period=2024X", sample_002()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        // A viewer may not import, nor see another's batch.
        let viewer = app.user("xem", Role::Viewer, "12").await;
        let (s, _) = upload(&app, &viewer, "unit=12&period=2024", sample_002()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, batch) = upload(&app, &app.client, "unit=12&period=2024", sample_002()).await;
        let (s, _) = app.send(&viewer, Method::GET, &format!("/api/v1/imports/{}", batch["id"]), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app.get("/api/v1/imports/424242").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_officer_stores_only_the_agencys_indicators() {
    let app = App::spawn(binhdang_store::Backend::Sqlite).await;
    let officer = app.agency_officer("so.lao.dong", "12-SLD", &["2.1"]).await;
    let (s, batch) = upload(&app, &officer, "unit=12&period=2024&file=002.txt", sample_002()).await;
    assert_eq!(s, StatusCode::CREATED, "{batch}");
    let path = format!("/api/v1/imports/{}/decisions", batch["id"]);
    // 6.1 is another agency's: refused, nothing stored.
    let body = json!({"decisions": [
        {"proposal": one(&batch, "2.1.rate"), "decision": "confirmed"},
        {"proposal": one(&batch, "6.1.rate"), "decision": "confirmed"},
    ], "store": true});
    let (s, refused) = app.send(&officer, Method::POST, &path, Some(&body)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(stored_values(&app).await, []);
    let body = json!({"decisions": [{"proposal": one(&batch, "6.1.rate"), "decision": "dropped"}], "store": true});
    let (s, done) = app.send(&officer, Method::POST, &path, Some(&body)).await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(stored_values(&app).await, [("2.1.rate".to_string(), "100".to_string())]);
}

on_both_backends! {
    async fn the_directive_documents_annex_goes_into_the_register_once_confirmed_with_its_quote(backend: Backend) {
        let app = App::spawn(backend).await;
        let (s, batch) = upload(&app, &app.client, "unit=12&period=2024&file=bac-kan-2024.txt", sample_002()).await;
        assert_eq!(s, StatusCode::CREATED, "{batch}");
        let rows = batch["rows"].as_array().unwrap();
        assert!(rows.len() >= 40, "{} rows", rows.len());
        let row = |order: &str| rows.iter().find(|r| r["fields"]["order"] == order).unwrap().clone();
        let (first, second, third) = (row("1"), row("2"), row("3"));
        assert_eq!((first["register"].as_str(), first["decision"].as_str()), (Some("documents"), Some("pending")));
        assert_eq!(first["fields"]["number"], "213/UBND-VP");
        let documents = |app: &App| {
            let request = app.client.get(format!("{}/api/v1/registers/documents?unit=12&period=2024", app.base));
            async move { request.send().await.unwrap().json::<Value>().await.unwrap()["rows"].as_array().unwrap().len() }
        };
        assert_eq!(documents(&app).await, 0, "nothing before confirmation");

        // A correction that does not read as a row is refused whole; nothing is decided.
        let bad = json!({ "rows": [
            { "row": first["id"], "decision": "confirmed" },
            { "row": second["id"], "decision": "corrected", "fields": { "date": "31/02/2021" } }] });
        let (s, body) = app.send(&app.client, Method::POST, &format!("/api/v1/imports/{}/decisions", batch["id"]), Some(&bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains(&format!("rows[{}].date", second["id"])), "{body}");
        let (_, again) = app.get(&format!("/api/v1/imports/{}", batch["id"])).await;
        assert_eq!(again["rows"][0]["decision"], "pending");

        // Confirm one, correct one, drop one, store: two rows in the register, with the quote.
        let decided = json!({ "store": true, "rows": [
            { "row": first["id"], "decision": "confirmed" },
            { "row": second["id"], "decision": "corrected", "fields": { "number": "90/KH-BTV.HLHPN" } },
            { "row": third["id"], "decision": "dropped" }] });
        let (s, body) = app.send(&app.client, Method::POST, &format!("/api/v1/imports/{}/decisions", batch["id"]), Some(&decided)).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["state"], "stored");
        let (_, register) = app.get("/api/v1/registers/documents?unit=12&period=2024").await;
        let stored = register["rows"].as_array().unwrap();
        assert_eq!(stored.len(), 2, "{register}");
        assert!(stored.iter().any(|r| r["number"] == "213/UBND-VP" && r["document_type"] == "cong-van" && r["date"] == "2021-02-09"), "{register}");
        assert!(stored.iter().any(|r| r["number"] == "90/KH-BTV.HLHPN"), "{register}");
        let (_, trail) = app.get("/api/v1/audit?unit=12&period=2024").await;
        let created: Vec<&Value> = trail["records"].as_array().unwrap()
            .iter().filter(|e| e["action"] == "register.create").collect();
        assert_eq!(created.len(), 2, "{trail}");
        assert!(created.iter().all(|e| e["source"].as_str().is_some_and(|s| s.starts_with("bac-kan-2024.txt — "))), "{trail}");
        assert!(created.iter().any(|e| e["source"].as_str().unwrap().contains("213/UBND-VP")), "{trail}");
    }
}

on_both_backends! {
    async fn the_targets_a_plan_states_become_local_targets_once_confirmed(backend: Backend) {
        let app = App::spawn(backend).await;
        let plan = "KẾ HOẠCH THỰC HIỆN CÔNG TÁC BÌNH ĐẲNG GIỚI\n\
            II. CHỈ TIÊU\n\
            1. Phấn đấu đến năm 2025 có ít nhất 60% dân số được tiếp cận kiến thức cơ bản về bình đẳng giới; đến năm 2030 đạt 80%.\n\
            2. Tỷ số giới tính khi sinh không vượt quá 109 bé trai/100 bé gái vào năm 2030.\n";
        let (s, batch) = upload(&app, &app.client, "unit=12&period=2024&file=ke-hoach.txt", plan.as_bytes().to_vec()).await;
        assert_eq!(s, StatusCode::CREATED, "{batch}");
        let targets = batch["targets"].as_array().unwrap();
        let found: Vec<(&str, &str, &str)> = targets.iter()
            .map(|t| (t["indicator"].as_str().unwrap(), t["phase"].as_str().unwrap(), t["value"].as_str().unwrap())).collect();
        assert_eq!(found, vec![("6.1", "2021-2025", "60"), ("6.1", "2026-2030", "80"), ("4.1", "2026-2030", "109")], "{batch}");
        let id = |i: usize| targets[i]["id"].as_i64().unwrap();
        let local = |app: &App| {
            let request = app.client.get(format!("{}/api/v1/indicators/6.1", app.base));
            async move { request.send().await.unwrap().json::<Value>().await.unwrap()["local_targets"].clone() }
        };
        assert_eq!(local(&app).await, json!([]), "nothing set before confirmation");

        // A correction that is no number is refused; nothing decided.
        let bad = json!({ "targets": [{ "target": id(1), "decision": "corrected", "value": "nhiều" }] });
        let (s, body) = app.send(&app.client, Method::POST, &format!("/api/v1/imports/{}/decisions", batch["id"]), Some(&bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

        // Local targets are set by administrators: an officer of the province may not store them.
        let officer = app.user("can-bo-ke-hoach", Role::Officer, "12").await;
        let only_first = json!({ "store": true, "targets": [{ "target": id(0), "decision": "confirmed" }] });
        let (s, body) = app.send(&officer, Method::POST, &format!("/api/v1/imports/{}/decisions", batch["id"]), Some(&only_first)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(local(&app).await, json!([]));
        let decided = json!({ "store": true, "targets": [
            { "target": id(0), "decision": "confirmed" },
            { "target": id(1), "decision": "corrected", "value": "85" },
            { "target": id(2), "decision": "dropped" }] });
        let (s, body) = app.send(&app.client, Method::POST, &format!("/api/v1/imports/{}/decisions", batch["id"]), Some(&decided)).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let set: Vec<(String, String)> = local(&app).await.as_array().unwrap().iter()
            .map(|t| (t["phase"].as_str().unwrap().to_string(), t["value"].as_str().unwrap().to_string())).collect();
        assert_eq!(set, vec![("2021-2025".to_string(), "60".to_string()), ("2026-2030".to_string(), "85".to_string())]);
        let (_, trail) = app.get("/api/v1/audit?unit=12&period=2021-2025").await;
        let text = trail.to_string();
        assert!(text.contains("target.set") && text.contains("ke-hoach.txt — "), "{trail}");
    }
}

on_both_backends! {
    async fn tables_of_activities_and_budgets_go_into_their_registers_once_confirmed(backend: Backend) {
        let app = App::spawn(backend).await;
        let report = "BÁO CÁO KẾT QUẢ\n\
            STT\tHình thức hoạt động\tSố lượng\tNam\tNữ\n\
            1\tTập huấn cho cán bộ cơ sở\t3\t120\t1.260\n\
            \tTổng cộng\t3\t120\t1.260\n\
            \n\
            TT\tNguồn kinh phí\tDự toán (triệu đồng)\tThực hiện (triệu đồng)\n\
            1\tNgân sách tỉnh\t150\t142,5\n";
        let (s, batch) = upload(&app, &app.client, "unit=12&period=2024&file=bao-cao.txt", report.as_bytes().to_vec()).await;
        assert_eq!(s, StatusCode::CREATED, "{batch}");
        let rows = batch["rows"].as_array().unwrap();
        let registers: Vec<&str> = rows.iter().map(|r| r["register"].as_str().unwrap()).collect();
        assert_eq!(registers, ["activities", "budgets"], "{batch}");
        let decided = json!({ "store": true, "rows": rows.iter().map(|r| json!({ "row": r["id"], "decision": "confirmed" })).collect::<Vec<_>>() });
        let (s, body) = app.send(&app.client, Method::POST, &format!("/api/v1/imports/{}/decisions", batch["id"]), Some(&decided)).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (_, activities) = app.get("/api/v1/registers/activities?unit=12&period=2024").await;
        let a = &activities["rows"][0];
        assert_eq!((a["activity_type"].as_str(), a["participants_female"].as_i64(), a["participants_male"].as_i64()), (Some("tap-huan"), Some(1260), Some(120)), "{activities}");
        let (_, budgets) = app.get("/api/v1/registers/budgets?unit=12&period=2024").await;
        let b = &budgets["rows"][0];
        assert_eq!((b["source"].as_str(), b["allocated"].as_str(), b["spent"].as_str()), (Some("tinh"), Some("150000000"), Some("142500000")), "{budgets}");
    }
}
