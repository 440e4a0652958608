//! The import pages (`/nhap-bao-cao-cu`) over plain HTTP against the real server, on SQLite
//! and PostgreSQL: an officer uploads sample 002 from the data-entry page, sees each
//! proposal with its quote and confidence, corrects one with a Vietnamese number, drops
//! another, and only then are the confirmed values stored.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use binhdang_store::testing::TEST_PASSWORD;
use reqwest::StatusCode;
use serde_json::Value;
use support::App;
use support::visitor::{Page, Visitor};

fn sample_002() -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    std::fs::read(dir.join("002_93d48c82f63ec0bd.txt")).unwrap()
}

/// Posts the upload form as a browser does (multipart/form-data).
async fn upload(v: &mut Visitor, csrf: &str, file_name: &str, bytes: &[u8]) -> Page {
    v.post_file(
        "/nhap-bao-cao-cu",
        &[("csrf", csrf), ("unit", "12"), ("period", "2024")],
        file_name,
        bytes,
    )
    .await
}

fn proposal(batch: &Value, element: &str) -> String {
    batch["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["element"] == element)
        .unwrap()["id"]
        .to_string()
}

async fn stored(app: &App) -> Vec<(String, String)> {
    let (_, body) = app.get("/api/v1/values?unit=12&period=2024").await;
    let mut out: Vec<(String, String)> = body["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["element"].as_str().unwrap().to_string(),
                v["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

on_both_backends! {
    async fn an_officer_uploads_confirms_corrects_and_drops_before_anything_is_stored(backend: Backend) {
        let app = App::spawn(backend).await;
        app.user("can.bo.tinh", Role::Officer, "12").await;
        let mut v = Visitor::new(&app);
        v.sign_in("can.bo.tinh", TEST_PASSWORD).await;
        let entry = v.get("/nhap-lieu?unit=12&period=2024").await;
        assert!(entry.body.contains("href=\"/nhap-bao-cao-cu?unit=12&amp;period=2024\""), "the entry page links the import");
        let form = v.get("/nhap-bao-cao-cu?unit=12&period=2024").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(form.body.contains("enctype=\"multipart/form-data\"") && form.body.contains("<label for=\"import-file\">"));
        // The period is chosen in words; an officer imports for its own unit only (no unit box).
        assert!(form.body.contains("<option value=\"2024\" selected>Năm 2024</option>"), "{}", form.body);
        assert!(!form.body.contains("id=\"pick-unit\""));
        let csrf = form.csrf();

        // Without the form's token: refused.
        assert_eq!(upload(&mut v, "wrong", "a.txt", b"x").await.status, StatusCode::FORBIDDEN);
        // An old .doc: the form again, saying what to do.
        let page = upload(&mut v, &csrf, "cu.doc", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("Không đọc được tệp cu.doc") && page.body.contains(".docx"), "{}", page.body);

        let page = upload(&mut v, &csrf, "bac-kan-2024.txt", &sample_002()).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let location = page.location().to_string();
        assert!(location.starts_with("/nhap-bao-cao-cu/"), "{location}");
        let batch_page = v.get(&location).await;
        assert_eq!(batch_page.status, StatusCode::OK);
        for text in ["do nữ làm chủ", "2.3.num", "cao", "thấp", "Lưu số liệu đã xác nhận", "không khớp với 8/9"] {
            assert!(batch_page.body.contains(text), "{text}");
        }
        assert_eq!(stored(&app).await, [], "nothing is stored on upload");
        // Each element box says its element's name, and offers every element by name.
        let b = &batch_page.body;
        assert!(b.contains("list=\"element-choices\""), "{b}");
        assert!(b.contains("<datalist id=\"element-choices\">"), "{b}");
        assert!(b.contains("<option value=\"2.3.num\">2.3.num — "), "{b}");

        let id = location.rsplit('/').next().unwrap();
        let (_, batch) = app.get(&format!("/api/v1/imports/{id}")).await;
        let (num, rate, times) = (proposal(&batch, "2.3.num"), proposal(&batch, "6.1.rate"), proposal(&batch, "3.1.rate"));
        // The annex of directive documents, row by row, each with its boxes and decision.
        assert!(b.contains("id=\"annex\"") && b.contains("213/UBND-VP"), "{b}");
        let annex_row = |order: &str| batch["rows"].as_array().unwrap().iter().find(|r| r["fields"]["order"] == order).unwrap()["id"].as_i64().unwrap();
        let (first, second) = (annex_row("1"), annex_row("2"));
        assert!(b.contains(&format!("name=\"rf-{second}-date\" type=\"text\" value=\"08/02/2021\"")), "{b}");
        // Each row and each figure has its decision, undecided at first.
        assert!(b.contains(&format!("name=\"rd-{first}\" value=\"pending\" checked")), "{b}");
        assert!(b.contains(&format!("name=\"d-{num}\" value=\"confirmed\">")), "{b}");
        let csrf = batch_page.csrf();
        let decide = |value: &'static str| {
            vec![
                (format!("rd-{first}"), "confirmed".to_string()),
                (format!("rd-{second}"), "corrected".to_string()),
                (format!("rf-{second}-number"), "90/KH-BTV.HLHPN".to_string()),
                (format!("rf-{second}-date"), if value == "95,5" { "08/02/2021" } else { "31/02/2021" }.to_string()),
                ("csrf".to_string(), csrf.clone()),
                (format!("d-{num}"), "confirmed".to_string()),
                (format!("d-{rate}"), "corrected".to_string()),
                (format!("e-{rate}"), "6.1.rate".to_string()),
                (format!("g-{rate}"), "total".to_string()),
                (format!("v-{rate}"), value.to_string()),
                (format!("d-{times}"), "dropped".to_string()),
                ("action".to_string(), "store".to_string()),
            ]
        };
        // A value that is not a Vietnamese number: refused on its row, nothing stored.
        let form = decide("95,5,1");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let page = v.post(&location, &form).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("role=\"alert\""), "{}", page.body);
        assert_eq!(stored(&app).await, []);

        let form = decide("95,5");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let page = v.post(&location, &form).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert!(page.location().ends_with("?msg=stored"));
        assert_eq!(
            stored(&app).await,
            [("2.3.num".to_string(), "48".to_string()), ("6.1.rate".to_string(), "95.5".to_string())]
        );
        let done = v.get(page.location()).await;
        assert!(done.body.contains("đã lưu vào số liệu") && !done.body.contains("id=\"store-confirmed\""));
        let (_, register) = app.get("/api/v1/registers/documents?unit=12&period=2024").await;
        let numbers: Vec<&str> = register["rows"].as_array().unwrap().iter().map(|r| r["number"].as_str().unwrap()).collect();
        assert_eq!(numbers.len(), 2, "{register}");
        assert!(numbers.contains(&"213/UBND-VP") && numbers.contains(&"90/KH-BTV.HLHPN"), "{register}");
        let (_, audit) = app.get("/api/v1/audit?unit=12&period=2024&element=6.1.rate").await;
        assert_eq!(audit["records"][0]["actor"], "can.bo.tinh");
        assert!(audit["records"][0]["source"].as_str().unwrap().starts_with("bac-kan-2024.txt — + 95% dân số"));
        // The value's history in the interface shows the source too.
        let history = v.get("/lich-su?unit=12&period=2024&element=6.1.rate").await;
        assert!(history.body.contains("<td>bac-kan-2024.txt — + 95% dân số"), "{}", history.body);

        // A viewer may not import.
        app.user("nguoi.xem", Role::Viewer, "12").await;
        let mut viewer = Visitor::new(&app);
        viewer.sign_in("nguoi.xem", TEST_PASSWORD).await;
        assert_eq!(viewer.get("/nhap-bao-cao-cu?unit=12&period=2024").await.status, StatusCode::FORBIDDEN);
        assert_eq!(viewer.get(&location).await.status, StatusCode::FORBIDDEN);
    }
}

on_both_backends! {
    async fn an_administrator_chooses_the_unit_by_name_and_the_period_in_words_on_the_import_page(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut admin = Visitor::new(&app);
        admin.sign_in("tester", TEST_PASSWORD).await;
        let form = admin.get("/nhap-bao-cao-cu?unit=12&period=2024").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(form.body.contains("id=\"pick-unit\"") && form.body.contains("hx-get=\"/quan-tri/don-vi/ten\""), "{}", form.body);
        // The picker's form sends a name; the page opens for that unit.
        let chosen = admin.get("/nhap-bao-cao-cu?unit=doan%20ket&period=2025").await;
        assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
        assert!(chosen.body.contains("Phường Đoàn Kết (03388)") && chosen.body.contains("name=\"unit\" value=\"03388\""), "{}", chosen.body);
    }
}

/// A draft with one percentage that does not follow from its counts (13 of 40 is 32,5 %).
const DRAFT: &str = "BÁO CÁO\nKết quả công tác bình đẳng giới năm 2024\nI. KẾT QUẢ THỰC HIỆN\n\
    Tổng số cán bộ, công chức của xã là 40 người, trong đó nữ 13 người, chiếm 35,5%.\n";

on_both_backends! {
    async fn any_signed_in_person_checks_a_draft_and_nothing_is_kept(backend: Backend) {
        let app = App::spawn(backend).await;
        app.user("lanh.dao", Role::Leader, "12").await;
        let mut v = Visitor::new(&app);
        v.sign_in("lanh.dao", TEST_PASSWORD).await;
        let form = v.get("/kiem-tra-bao-cao").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(form.body.contains("href=\"/kiem-tra-bao-cao\""), "in the navigation");
        let csrf = form.csrf();

        let page = v.post_file( "/kiem-tra-bao-cao", &[("csrf", &csrf)], "du-thao.txt", DRAFT.as_bytes()).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let summary = page.body.split("id=\"check-summary\">").nth(1).unwrap();
        assert!(summary.starts_with("du-thao.txt (năm 2024): 1 lỗi, 0 cảnh báo trong 4 số liệu."), "the year from the title: {summary}");
        let result = page.body.split("id=\"check-result\"").nth(1).unwrap();
        assert!(result.contains("<h3>I. KẾT QUẢ THỰC HIỆN</h3>"), "grouped by section: {result}");
        assert!(result.contains("tỷ lệ không khớp tử số/mẫu số") && result.contains("chiếm 35,5%") && result.contains("32,5%"), "{result}");

        // Without the page's token, or without a file: refused, in words.
        assert_eq!(v.post_file( "/kiem-tra-bao-cao", &[("csrf", "sai")], "a.txt", b"x").await.status, StatusCode::FORBIDDEN);
        let empty = v.post_file( "/kiem-tra-bao-cao", &[("csrf", &csrf)], "rong.txt", b"").await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Hãy chọn tệp báo cáo cần kiểm tra"), "{}", empty.body);
        let binary = v.post_file( "/kiem-tra-bao-cao", &[("csrf", &csrf)], "cu.doc", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).await;
        assert_eq!(binary.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(binary.body.contains("Không đọc được tệp cu.doc"), "{}", binary.body);

        // The API answers the same; nothing was kept by either.
        let token = app.db.token_for("doc.gia", Role::Viewer, "VN").await;
        let r = support::client_with_token(&token)
            .post(format!("{}/api/v1/check?file=du-thao.txt", app.base))
            .body(DRAFT)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        assert_eq!((body["file"].as_str(), body["year"].as_i64(), body["figures"].as_array().map(Vec::len)), (Some("du-thao.txt"), Some(2024), Some(4)));
        let kinds: Vec<&str> = body["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["percent_mismatch"]);
        assert!(app.db.store.import_batch(1).await.is_err(), "no import batch was kept");
    }
}

on_both_backends! {
    async fn an_administrator_confirms_a_plans_targets_on_the_import_page(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut v = Visitor::new(&app);
        v.sign_in("tester", TEST_PASSWORD).await;
        let form = v.get("/nhap-bao-cao-cu?unit=12&period=2024").await;
        let csrf = form.csrf();
        let plan = "II. CHỈ TIÊU\n1. Phấn đấu đến năm 2025 có ít nhất 60% dân số được tiếp cận kiến thức cơ bản về bình đẳng giới; đến năm 2030 đạt 80%.\n";
        let page = v.post_file("/nhap-bao-cao-cu", &[("csrf", &csrf), ("unit", "12"), ("period", "2024")], "ke-hoach.txt", plan.as_bytes()).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let location = page.location().to_string();
        let batch_page = v.get(&location).await;
        assert!(batch_page.body.contains("id=\"targets\""), "{}", batch_page.body);
        let id = location.rsplit('/').next().unwrap();
        let (_, batch) = app.get(&format!("/api/v1/imports/{id}")).await;
        let target = |i: usize| batch["targets"][i]["id"].as_i64().unwrap();
        let (first, second) = (target(0), target(1));
        let csrf = batch_page.csrf();
        let fields = [
            ("csrf".to_string(), csrf.clone()),
            (format!("td-{first}"), "confirmed".to_string()),
            (format!("td-{second}"), "corrected".to_string()),
            (format!("to-{second}"), ">=".to_string()),
            (format!("tv-{second}"), "82,5".to_string()),
            ("action".to_string(), "store".to_string()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let done = v.post(&location, &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let (_, indicator) = app.get("/api/v1/indicators/6.1").await;
        let set: Vec<(&str, &str)> = indicator["local_targets"].as_array().unwrap().iter()
            .map(|t| (t["phase"].as_str().unwrap(), t["value"].as_str().unwrap())).collect();
        assert_eq!(set, vec![("2021-2025", "60"), ("2026-2030", "82.5")], "{indicator}");
    }
}
