//! Plans, directives and their tasks over HTTP, on SQLite and PostgreSQL: a task past its
//! deadline is overdue in the lead officer's inbox; done with evidence it is audited; an issued
//! plan is filed in the documents register; a plan with a wrong task is refused whole.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use binhdang_store::testing::test_today;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{App, problems};
use time::Duration;

/// A phase around the test's today, so every deadline below lies within the plan's years
/// whatever day the suite runs on.
fn phase() -> String {
    let y = test_today().year();
    format!("{}-{}", y - 1, y + 1)
}

fn plan_body(tasks: Value) -> Value {
    json!({
        "unit": "12", "kind": "ke-hoach", "number": "85/KH-UBND", "issued_on": (test_today() - Duration::days(40)).to_string(),
        "issuing_body": "UBND tỉnh Lai Châu", "summary": "Thực hiện công tác bình đẳng giới", "period": phase(),
        "tasks": tasks,
    })
}

fn find<'a>(tasks: &'a Value, item: &str) -> &'a Value {
    tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task"]["item"] == item || t["item"] == item)
        .unwrap_or_else(|| panic!("no task {item} in {tasks}"))
}

on_both_backends! {
    async fn an_overdue_task_reaches_its_lead_officer_and_done_with_evidence_it_is_audited(backend: Backend) {
        let app = App::spawn(backend).await;
        let health = app.agency_officer("can-bo-so-y-te", "so-y-te-12", &["4.1"]).await;
        let reviewer = app.user("chuyen-vien-12", Role::Reviewer, "12").await;
        let today = test_today();
        let overdue = (today - Duration::days(10)).to_string();
        let soon = (today + Duration::days(3)).to_string();
        let later = (today + Duration::days(60)).to_string();
        let tasks = json!([
            {"item": "II.1", "text": "Tổ chức tập huấn về bình đẳng giới cho cán bộ y tế",
             "lead": {"agency": "so-y-te-12", "name": "Sở Y tế"}, "partners": [{"name": "Hội Liên hiệp Phụ nữ tỉnh"}],
             "due": overdue, "indicators": ["4.1"]},
            {"item": "II.2", "text": "Rà soát số liệu tỷ số giới tính khi sinh",
             "lead": {"agency": "so-y-te-12", "name": "Sở Y tế"}, "due": soon},
            {"item": "II.3", "text": "Tổng hợp báo cáo kết quả thực hiện",
             "lead": {"unit": "12", "name": "Sở Nội vụ"}, "due": later, "recurrence": "half_yearly"},
        ]);
        let (s, created) = app.send(&reviewer, Method::POST, "/api/v1/plans", Some(&plan_body(tasks))).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["plan"]["id"].as_i64().unwrap();
        assert_eq!(created["plan"]["status"], "draft");
        assert_eq!(find(&created["tasks"], "II.1")["status"], "overdue");

        // A draft assigns nothing yet.
        let (_, mine) = app.send(&health, Method::GET, "/api/v1/tasks", None).await;
        assert_eq!(mine["tasks"], json!([]), "{mine}");

        // Issuing files the plan in the documents register of its year.
        let (s, issued) = app
            .send(&reviewer, Method::POST, &format!("/api/v1/plans/{id}/status"), Some(&json!({"status": "issued"})))
            .await;
        assert_eq!(s, StatusCode::OK, "{issued}");
        let row = issued["plan"]["document_row"].as_i64().expect("a documents register row");
        let year = (today - Duration::days(40)).year();
        let (_, docs) = app.get(&format!("/api/v1/registers/documents?unit=12&period={year}")).await;
        let doc = docs["rows"].as_array().unwrap().iter().find(|r| r["id"] == row).unwrap_or_else(|| panic!("{docs}"));
        assert_eq!((doc["document_type"].as_str(), doc["number"].as_str()), (Some("ke-hoach"), Some("85/KH-UBND")));

        // Correcting the issued plan's number and date corrects its register row, which moves
        // to the year of the new date and keeps the notes added to it in the register.
        let (s, noted) = app.send(&reviewer, Method::PUT, &format!("/api/v1/registers/documents/{row}"),
            Some(&json!({"summary": doc["summary"], "issuing_body": doc["issuing_body"], "document_type": "ke-hoach",
                "number": "85/KH-UBND", "date": doc["date"], "notes": "Bản gốc lưu tại văn thư"}))).await;
        assert_eq!(s, StatusCode::OK, "{noted}");
        let moved = time::Date::from_calendar_date(year - 1, time::Month::June, 15).unwrap();
        let mut corrected = plan_body(json!([]));
        corrected["number"] = json!("86/KH-UBND");
        corrected["issued_on"] = json!(moved.to_string());
        let (s, updated) = app.send(&reviewer, Method::PUT, &format!("/api/v1/plans/{id}"), Some(&corrected)).await;
        assert_eq!(s, StatusCode::OK, "{updated}");
        assert_eq!(updated["plan"]["document_row"], row);
        let (_, docs) = app.get(&format!("/api/v1/registers/documents?unit=12&period={}", year - 1)).await;
        let doc = docs["rows"].as_array().unwrap().iter().find(|r| r["id"] == row).unwrap_or_else(|| panic!("{docs}"));
        assert_eq!((doc["number"].as_str(), doc["date"].as_str()), (Some("86/KH-UBND"), Some(moved.to_string().as_str())), "{doc}");
        assert_eq!(doc["notes"], "Bản gốc lưu tại văn thư", "{doc}");
        let (_, docs) = app.get(&format!("/api/v1/registers/documents?unit=12&period={year}")).await;
        assert!(docs["rows"].as_array().unwrap().iter().all(|r| r["id"] != row), "{docs}");

        // The agency's officer sees its two tasks, the overdue one first, in the inbox too.
        let (_, inbox) = app.send(&health, Method::GET, "/api/v1/inbox", None).await;
        let urgent: Vec<(&str, &str)> = inbox["tasks"].as_array().unwrap().iter()
            .map(|t| (t["task"]["item"].as_str().unwrap(), t["task"]["status"].as_str().unwrap())).collect();
        assert_eq!(urgent, vec![("II.1", "overdue"), ("II.2", "not_started")], "{inbox}");
        assert_eq!(inbox["tasks"][1]["task"]["due_soon"], true);
        // The unit's own task is not the agency's.
        let (_, mine) = app.send(&health, Method::GET, "/api/v1/tasks", None).await;
        assert_eq!(mine["tasks"].as_array().unwrap().len(), 2, "{mine}");

        // Someone else may not report on it; a cancellation needs its reason.
        let commune = app.user("can-bo-xa", Role::Officer, "03490").await;
        let task_id = find(&issued["tasks"], "II.1")["id"].as_i64().unwrap();
        let progress = format!("/api/v1/tasks/{task_id}/progress");
        let (s, _) = app.send(&commune, Method::POST, &progress, Some(&json!({"progress": "done"}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, refused) = app.send(&health, Method::POST, &progress, Some(&json!({"progress": "cancelled"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&refused), vec![("note".to_string(), "missing_reason".to_string())]);

        // Done yesterday, after its deadline, with the attendance list as evidence.
        let evidence = b"Danh sach hoc vien tap huan";
        let body = json!({"progress": "done", "reported_on": (today - Duration::days(1)).to_string(),
            "note": "Đã tập huấn 120 cán bộ", "file": {"name": "danh-sach.txt", "content_base64": "RGFuaCBzYWNoIGhvYyB2aWVuIHRhcCBodWFu"}});
        let (s, done) = app.send(&health, Method::POST, &progress, Some(&body)).await;
        assert_eq!(s, StatusCode::OK, "{done}");
        assert_eq!(done["task"]["status"], "done_late");
        let update = &done["updates"][0];
        assert_eq!(update["reported_by"], "can-bo-so-y-te");
        let sha = update["evidence_file"]["sha256"].as_str().unwrap().to_string();
        assert_eq!(update["evidence_file"]["size"], evidence.len());
        let (_, audit) = app.get("/api/v1/audit?unit=12").await;
        let entry = audit["records"].as_array().unwrap().iter()
            .find(|r| r["action"] == "task.progress").unwrap_or_else(|| panic!("{audit}")).to_string();
        assert!(entry.contains("can-bo-so-y-te") && entry.contains(&sha) && entry.contains("not_started"), "{entry}");
        // No longer in the inbox; the plan's progress counts it as done late.
        let (_, inbox) = app.send(&health, Method::GET, "/api/v1/inbox", None).await;
        assert_eq!(inbox["tasks"].as_array().unwrap().len(), 1, "{inbox}");
        let (_, plan) = app.send(&reviewer, Method::GET, &format!("/api/v1/plans/{id}"), None).await;
        let (_, this_year) = app.send(&reviewer, Method::GET, &format!("/api/v1/plans?unit=12&year={}", today.year()), None).await;
        assert_eq!(this_year["plans"].as_array().unwrap().len(), 1, "{this_year}");
        let (_, long_ago) = app.send(&reviewer, Method::GET, "/api/v1/plans?unit=12&year=2001", None).await;
        assert_eq!(long_ago["plans"], json!([]));
        let all = &plan["progress"]["all"];
        assert_eq!((all["tasks"].as_i64(), all["done_late"].as_i64(), all["open"].as_i64()), (Some(3), Some(1), Some(2)), "{plan}");

        // The annual report says how the plan's tasks went and lists each with its status.
        let report = format!("/api/v1/reports/strategy?unit=12&period={}&date={today}", today.year());
        let text = app.docx(&format!("{report}&format=docx")).await;
        assert!(text.contains("Kết quả thực hiện nhiệm vụ theo Kế hoạch số 86/KH-UBND"), "{text}");
        assert!(text.contains("3 nhiệm vụ, trong đó hoàn thành đúng hạn 0, hoàn thành muộn 1, quá hạn chưa hoàn thành 0, đang thực hiện 2"), "{text}");
        assert!(text.contains("TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO KẾ HOẠCH"), "{text}");
        let row = text.find("II.1. Tổ chức tập huấn về bình đẳng giới cho cán bộ y tế").expect("the task's row");
        let next = text[row..].find("II.2.").expect("the next row");
        assert!(text[row..row + next].contains("Hoàn thành muộn"), "{}", &text[row..row + next]);
        for format in ["pdf", "xlsx"] {
            let r = app.client.get(format!("{}{report}&format={format}", app.base)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{format}");
        }
    }
}

on_both_backends! {
    async fn a_plan_with_a_wrong_task_is_refused_whole_and_names_the_task(backend: Backend) {
        let app = App::spawn(backend).await;
        let tasks = json!([
            {"item": "1", "text": "Tuyên truyền Luật Bình đẳng giới", "lead": {"name": "Sở Văn hóa"}, "due": "1999-01-01"},
            {"item": "2", "text": "", "lead": {"agency": "khong-co", "name": "Sở X"}},
        ]);
        let (s, refused) = app.post("/api/v1/plans", &plan_body(tasks)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let mut found = problems(&refused);
        found.sort();
        let expected: Vec<(String, String)> = [
            ("tasks[0].due", "due_outside_plan"),
            ("tasks[1].lead", "unknown_agency"),
            ("tasks[1].text", "bad_text"),
        ]
        .iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect();
        assert_eq!(found, expected);
        let (_, plans) = app.get("/api/v1/plans?unit=12").await;
        assert_eq!(plans["plans"], json!([]), "nothing stored: {plans}");
        // A viewer reads plans but may not write one.
        let viewer = app.user("nguoi-xem", Role::Viewer, "12").await;
        let (s, _) = app.send(&viewer, Method::POST, "/api/v1/plans", Some(&plan_body(json!([])))).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _): (StatusCode, Value) = app.send(&viewer, Method::GET, "/api/v1/plans?unit=12", None).await;
        assert_eq!(s, StatusCode::OK);
    }
}

fn sample_003() -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("003_"))
        .expect("sample 003 under ../shared/samples");
    std::fs::read(path).unwrap()
}

async fn labour_department(app: &App) {
    let store = &app.db.store;
    let province = store.unit_on("12", test_today()).await.unwrap();
    let agency = binhdang_domain::Agency {
        code: "so-ldtbxh-12".into(),
        unit: binhdang_domain::UnitCode::parse("12").unwrap(),
        name_vi: "Sở Lao động - Thương binh và Xã hội".into(),
        name_en: None,
    };
    store.put_agency(&province, &agency).await.unwrap();
}

on_both_backends! {
    async fn reading_sample_003_proposes_its_tasks_and_the_confirmed_ones_are_added_with_their_quote(backend: Backend) {
        let app = App::spawn(backend).await;
        labour_department(&app).await;
        // The API proposes and stores nothing.
        let r = app.client.post(format!("{}/api/v1/plans/read?unit=12&file=ke-hoach-2024.txt", app.base))
            .body(sample_003()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let read: Value = r.json().await.unwrap();
        assert_eq!((read["plan"]["kind"].as_str(), read["plan"]["period"].as_str()), (Some("ke-hoach"), Some("2024")), "{}", read["plan"]);
        let tasks = read["tasks"].as_array().unwrap();
        assert_eq!(tasks.len(), 29);
        let report = tasks.iter().find(|t| t["item"] == "IV.3").unwrap();
        assert_eq!(report["lead"]["agency"], "so-ldtbxh-12", "the lead matched to the province's department: {report}");
        assert_eq!((report["recurrence"].as_str(), report["lead_source"].as_str()), (Some("half_yearly"), Some("stated")));
        let action_month = tasks.iter().find(|t| t["due"] == "2024-12-15").unwrap();
        assert_eq!(action_month["due_source"], "stated");
        let (_, plans) = app.get("/api/v1/plans?unit=12").await;
        assert_eq!(plans["plans"], json!([]));

        // The page keeps the file with a draft and lists the proposals to decide.
        let mut v = support::visitor::Visitor::new(&app);
        v.sign_in("tester", binhdang_store::testing::TEST_PASSWORD).await;
        let list = v.get("/ke-hoach?unit=12").await;
        let csrf = list.csrf();
        let page = v.post_file("/ke-hoach/doc?unit=12", &[("csrf", &csrf)], "ke-hoach-2024.txt", &sample_003()).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let location = page.location().to_string();
        let proposals = v.get(&location).await;
        assert_eq!(proposals.body.matches("<fieldset class=\"card proposal\"").count(), 29);
        let index = tasks.iter().position(|t| t["item"] == "IV.3").unwrap().to_string();
        let mut fields: Vec<(String, String)> = vec![("csrf".into(), proposals.csrf())];
        // Keep the first two and the report; correct the first one's text and deadline.
        for (i, t) in tasks.iter().enumerate() {
            let i = i.to_string();
            let keep = i == "0" || i == "1" || i == index;
            if keep {
                fields.push((format!("keep_{i}"), "on".into()));
            }
            let text = if i == "0" { "Tuyên truyền Luật Bình đẳng giới".to_string() } else { t["text"].as_str().unwrap().to_string() };
            let due = if i == "0" { "30/09/2024".to_string() } else { String::new() };
            fields.push((format!("item_{i}"), t["item"].as_str().unwrap().into()));
            fields.push((format!("text_{i}"), text));
            fields.push((format!("lead_name_{i}"), t["lead"]["name"].as_str().unwrap_or("").into()));
            let lead = t["lead"]["agency"].as_str().map(|a| format!("agency:{a}")).unwrap_or_else(|| "named".into());
            fields.push((format!("lead_{i}"), lead));
            fields.push((format!("due_{i}"), due));
            fields.push((format!("recurrence_{i}"), t["recurrence"].as_str().unwrap().into()));
        }
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let done = v.post(&location, &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let id: i64 = location.split('/').nth(2).unwrap().parse().unwrap();
        let (_, plan) = app.get(&format!("/api/v1/plans/{id}")).await;
        let added = plan["tasks"].as_array().unwrap();
        let items: Vec<&str> = added.iter().map(|t| t["item"].as_str().unwrap()).collect();
        assert_eq!(items, vec![tasks[0]["item"].as_str().unwrap(), tasks[1]["item"].as_str().unwrap(), "IV.3"]);
        assert_eq!((added[0]["text"].as_str(), added[0]["due"].as_str()), (Some("Tuyên truyền Luật Bình đẳng giới"), Some("2024-09-30")));
        assert_eq!(added[2]["lead"]["agency"], "so-ldtbxh-12");
        assert!(added[2]["source"].as_str().unwrap().starts_with("ke-hoach-2024.txt — "), "{}", added[2]);
        use sha2::Digest;
        assert_eq!(plan["plan"]["file"]["sha256"].as_str().unwrap(), hex::encode(sha2::Sha256::digest(sample_003())));
        assert_eq!(plan["plan"]["status"], "draft");
    }
}

on_both_backends! {
    async fn a_directives_reporting_duty_reaches_the_calendar_and_completeness_of_the_units_it_binds(backend: Backend) {
        let app = App::spawn(backend).await;
        let reviewer = app.user("chuyen-vien-12", Role::Reviewer, "12").await;
        let today = test_today();
        let directive = json!({"unit": "12", "kind": "chi-thi", "number": "12/CT-UBND", "issuing_body": "UBND tỉnh Lai Châu",
            "summary": "Tăng cường công tác bình đẳng giới", "period": phase()});
        let (s, created) = app.send(&reviewer, Method::POST, "/api/v1/plans", Some(&directive)).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["plan"]["id"].as_i64().unwrap();
        // Communes report on it each year, 20 days from today.
        let due = today + Duration::days(20);
        let duty = json!({"code": "CT12-BC", "name_vi": "Báo cáo thực hiện Chỉ thị 12/CT-UBND", "name_en": "Directive 12 report",
            "period_type": "year", "deadlines": [["commune", {"month": u8::from(due.month()), "day": due.day()}]],
            "binds": {"levels": ["commune"]}});
        let path = format!("/api/v1/plans/{id}/programmes");
        let (s, plan) = app.send(&reviewer, Method::POST, &path, Some(&duty)).await;
        assert_eq!(s, StatusCode::OK, "{plan}");
        assert_eq!(plan["programmes"][0]["plan"], id);
        assert_eq!(plan["programmes"][0]["binds"]["units"], json!(["12"]), "bound to the directive's unit and below");
        // Not a code of another programme, not units outside the province.
        let mut taken = duty.clone();
        taken["code"] = json!("NS-Y");
        let (s, refused) = app.send(&reviewer, Method::POST, &path, Some(&taken)).await;
        assert_eq!((s, problems(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("code".into(), "code_taken".into())]));
        let mut outside = duty.clone();
        outside["binds"]["units"] = json!(["02"]);
        let (s, refused) = app.send(&reviewer, Method::POST, &path, Some(&outside)).await;
        assert_eq!((s, problems(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, vec![("binds.units".into(), "outside_plan_unit".into())]));

        // A commune of Lai Châu sees the deadline; one of Hà Giang does not.
        let deadlines = |inbox: &Value| -> Vec<String> {
            inbox["upcoming_deadlines"].as_array().unwrap().iter().map(|d| d["programme"].as_str().unwrap().to_string()).collect()
        };
        let here = app.user("can-bo-xa-12", Role::Officer, "03490").await;
        let (_, inbox) = app.send(&here, Method::GET, "/api/v1/inbox", None).await;
        assert!(deadlines(&inbox).contains(&"CT12-BC".to_string()), "{inbox}");
        let (_, units) = app.get(&format!("/api/v1/units?parent=08&date={today}")).await;
        let elsewhere_unit = units["units"].as_array().unwrap().iter().find(|u| u["level"] == "commune").unwrap()["code"].as_str().unwrap().to_string();
        let elsewhere = app.user("can-bo-xa-08", Role::Officer, &elsewhere_unit).await;
        let (_, inbox) = app.send(&elsewhere, Method::GET, "/api/v1/inbox", None).await;
        assert!(!deadlines(&inbox).contains(&"CT12-BC".to_string()), "{inbox}");
        // Its completeness is followed like any other programme's.
        let (s, status) = app.get(&format!("/api/v1/status?unit=12&period={}&programme=CT12-BC", due.year())).await;
        assert_eq!(s, StatusCode::OK, "{status}");
        let children = status["children"].as_array().unwrap();
        assert!(children.len() > 30 && status["expected"] == children.len(), "Lai Châu's communes are expected: {status}");
        assert!(children.iter().all(|c| c["unit"]["level"] == "commune" && c["deadline"] == due.to_string()), "{status}");
        assert_eq!(status["submitted"], 0);

        // On the directive's page: its duty listed, and a second one added by its form.
        let mut v = support::visitor::Visitor::new(&app);
        v.sign_in("tester", binhdang_store::testing::TEST_PASSWORD).await;
        let page = v.get(&format!("/ke-hoach/{id}")).await;
        assert!(page.body.contains("Báo cáo thực hiện Chỉ thị 12/CT-UBND"), "{}", page.body);
        let csrf = page.csrf();
        let form = |deadline: &'static str| {
            vec![("do", "programme"), ("name_vi", "Báo cáo 6 tháng thực hiện Chỉ thị"), ("period_type", "half_year"),
                 ("level", "commune"), ("deadline", deadline), ("csrf", csrf.as_str())]
        };
        let refused = v.post(&format!("/ke-hoach/{id}"), &form("31/02")).await;
        assert!(refused.body.contains("Ngày 31/2 không có trong mọi năm"), "{}", refused.body);
        let added = v.post(&format!("/ke-hoach/{id}"), &form("05/06")).await;
        assert!(added.body.contains("Đã thêm chế độ báo cáo"), "{}", added.body);
        let (_, programmes) = app.get("/api/v1/programmes").await;
        let code = format!("KH{id}-2");
        let duty = programmes["programmes"].as_array().unwrap().iter().find(|p| p["code"] == code.as_str()).unwrap_or_else(|| panic!("{programmes}"));
        assert_eq!((duty["plan"].as_i64(), duty["period_type"].as_str()), (Some(id), Some("half_year")));
        let english = v.get(&format!("/ke-hoach/{id}?lang=en")).await;
        assert!(english.body.contains("Reporting this document asks for") && english.body.contains("commune: 05/06"), "{}", english.body);
    }
}

on_both_backends! {
    async fn a_task_given_to_a_province_merged_in_2025_falls_to_the_province_it_became(backend: Backend) {
        let app = App::spawn(backend).await;
        // Hà Giang's 2024–2025 plan gave its own committee a task; Hà Giang (02) is part of
        // Tuyên Quang (08) since 1 July 2025.
        let plan = json!({"unit": "02", "kind": "ke-hoach", "number": "40/KH-UBND", "issuing_body": "UBND tỉnh Hà Giang",
            "summary": "Thực hiện bình đẳng giới 2024–2025", "period": "2024-2025", "issued_on": "2024-02-01",
            "tasks": [{"item": "1", "text": "Tổng kết giai đoạn 2021–2025", "lead": {"unit": "02", "name": "UBND tỉnh Hà Giang"}, "due": "2025-12-15"}]});
        let (s, created) = app.post("/api/v1/plans", &plan).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["plan"]["id"].as_i64().unwrap();
        let (s, _) = app.post(&format!("/api/v1/plans/{id}/status"), &json!({"status": "issued"})).await;
        assert_eq!(s, StatusCode::OK);
        let successor = app.user("can-bo-tuyen-quang", Role::Officer, "08").await;
        let (_, mine) = app.send(&successor, Method::GET, "/api/v1/tasks", None).await;
        let texts: Vec<&str> = mine["tasks"].as_array().unwrap().iter().map(|t| t["task"]["text"].as_str().unwrap()).collect();
        assert_eq!(texts, vec!["Tổng kết giai đoạn 2021–2025"], "{mine}");
        // Lai Châu's officer has nothing of it.
        let other = app.user("can-bo-lai-chau", Role::Officer, "12").await;
        let (_, mine) = app.send(&other, Method::GET, "/api/v1/tasks", None).await;
        assert_eq!(mine["tasks"], json!([]));
    }
}

on_both_backends! {
    async fn an_activity_recorded_in_the_register_is_a_tasks_evidence(backend: Backend) {
        let app = App::spawn(backend).await;
        let today = test_today();
        let tasks = json!([{"item": "1", "text": "Tổ chức mít tinh hưởng ứng Tháng hành động", "lead": {"unit": "12", "name": "UBND tỉnh"},
            "due": (today + Duration::days(2)).to_string()}]);
        let (_, created) = app.post("/api/v1/plans", &plan_body(tasks)).await;
        let id = created["plan"]["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/plans/{id}/status"), &json!({"status": "issued"})).await;
        let task = created["tasks"][0]["id"].as_i64().unwrap();
        let activity = json!({"activity_type": "mit-tinh", "content": "Mít tinh tại quảng trường tỉnh", "count": 1, "date": today.to_string()});
        let (s, row) = app.post(&format!("/api/v1/registers/activities?unit=12&period={}", today.year()), &activity).await;
        assert_eq!(s, StatusCode::CREATED, "{row}");
        let row_id = row["row"]["id"].as_i64().or(row["id"].as_i64()).unwrap_or_else(|| panic!("{row}"));

        // The province's specialist reports it done, the activity as evidence, from the task's page.
        let reviewer = "chuyen-vien-tinh";
        app.db.token_for(reviewer, Role::Reviewer, "12").await;
        let mut v = support::visitor::Visitor::new(&app);
        v.sign_in(reviewer, binhdang_store::testing::TEST_PASSWORD).await;
        let page = v.get(&format!("/nhiem-vu/{task}")).await;
        let choice = format!("activities:{row_id}");
        assert!(page.body.contains(&choice) && page.body.contains("Mít tinh tại quảng trường tỉnh"), "{}", page.body);
        let csrf = page.csrf();
        let fields = [("csrf", csrf.as_str()), ("progress", "done"), ("register_row", choice.as_str())];
        let done = v.post_file(&format!("/nhiem-vu/{task}"), &fields, "", b"").await;
        assert!(done.body.contains("Đã ghi nhận tiến độ."), "{}", done.body);
        assert!(done.body.contains(&format!("#row-{row_id}")) && done.body.contains("hoạt động đã ghi sổ"), "{}", done.body);
        let (_, task_json) = app.get(&format!("/api/v1/tasks/{task}")).await;
        let update = &task_json["updates"][0];
        assert_eq!((update["evidence_register"].as_str(), update["evidence_row_id"].as_i64()), (Some("activities"), Some(row_id)));
        assert_eq!(task_json["task"]["status"], "done");
    }
}
