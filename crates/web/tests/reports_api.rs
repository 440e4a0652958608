//! Official documents and report narratives over HTTP, on SQLite and PostgreSQL.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::App;

on_both_backends! {
    async fn a_signed_in_reader_downloads_every_format_and_others_are_refused(backend: Backend) {
        let app = App::spawn(backend).await;
        let body = json!({"values": [{"element": "5.4a.num", "value": "7"}, {"element": "5.4a.den", "value": "11"}]});
        assert_eq!(app.put_status("/api/v1/values?unit=12&period=2024", body).await, StatusCode::OK);
        for (format, magic, content_type) in [
            ("pdf", &b"%PDF"[..], "application/pdf"),
            ("docx", &b"PK"[..], "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("xlsx", &b"PK"[..], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ] {
            let r = app
                .client
                .get(format!("{}/api/v1/reports/strategy?unit=12&period=2024&format={format}&date=2025-03-05", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{format}");
            assert_eq!(r.headers()["content-type"], content_type);
            let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
            assert_eq!(disposition, format!("attachment; filename=\"strategy-12-2024.{format}\""));
            let bytes = r.bytes().await.unwrap();
            assert!(bytes.starts_with(magic), "{format}");
        }
        // A viewer of another province may not read Lai Châu's report; the refusal is audited.
        let outsider = app.user("outsider", Role::Viewer, "02").await;
        let (s, body) = app.send(&outsider, Method::GET, "/api/v1/reports/assessment?unit=12&period=2024&format=pdf", None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        // Without a token: 401.
        let r = reqwest::get(format!("{}/api/v1/reports/strategy?unit=12&period=2024", app.base)).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let (s, body) = app.get("/api/v1/reports/annual-accounts?unit=12&period=2024").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["error"]["code"], "unknown_report");
        let (s, body) = app.get("/api/v1/reports/strategy?unit=12&period=2024&format=odt").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (s, _) = app.get("/api/v1/reports/strategy?unit=99&period=2024").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

on_both_backends! {
    async fn the_narrative_is_written_with_write_scope_audited_and_printed(backend: Backend) {
        let app = App::spawn(backend).await;
        let path = "/api/v1/reports/narrative?unit=12&period=2024";
        let body = json!({"difficulties": "Địa bàn rộng, giao thông khó khăn.", "number": "05", "signer": "Lò Văn Mười"});
        let (s, saved) = app.send(&app.client, Method::PUT, path, Some(&body)).await;
        assert_eq!(s, StatusCode::OK, "{saved}");
        assert_eq!(saved["narrative"]["difficulties"], "Địa bàn rộng, giao thông khó khăn.");
        assert!(saved["sections"].as_array().unwrap().iter().any(|s| s["key"] == "proposals"));
        // null removes a section, the others stay.
        let (s, saved) = app.send(&app.client, Method::PUT, path, Some(&json!({"signer": null}))).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(saved["narrative"].get("signer"), None);
        assert_eq!(saved["narrative"]["number"], "05");
        let (s, read) = app.get(path).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(read["narrative"], saved["narrative"]);
        // Unknown sections and non-text are refused, and nothing of the batch is written.
        let (s, body) = app
            .send(&app.client, Method::PUT, path, Some(&json!({"tasks": "x", "summary": "y", "number": 5})))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (s, body) = app.send(&app.client, Method::PUT, path, Some(&json!({"tasks": "x", "number": "năm"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (_, read) = app.get(path).await;
        assert_eq!(read["narrative"].get("tasks"), None);
        // A viewer reads but may not write.
        let viewer = app.user("viewer", Role::Viewer, "12").await;
        let (s, _) = app.send(&viewer, Method::GET, path, None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = app.send(&viewer, Method::PUT, path, Some(&json!({"tasks": "x"}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Each change is in the audit trail.
        let (_, audit) = app.get("/api/v1/audit?unit=12&period=2024").await;
        let changes: Vec<&Value> = audit["records"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["action"] == "report.narrative")
            .collect();
        assert_eq!(changes.len(), 4, "{audit}");
        assert!(changes.iter().any(|r| r["subject"] == "signer" && r["new_value"].is_null()));
        // Once the report is submitted its narrative is locked with its data.
        let province = app.db.store.unit_for_period("12", &binhdang_domain::Period::Year(2024)).await.unwrap().unwrap();
        sqlx::query(
            "INSERT INTO submissions (unit_id, programme_code, period, state, updated_at, updated_by)
             VALUES ($1, 'NS-Y', '2024', 'submitted', '2025-03-01T00:00:00Z', 'tester')",
        )
        .bind(province.id)
        .execute(app.db.store.pool())
        .await
        .unwrap();
        let (s, body) = app.send(&app.client, Method::PUT, path, Some(&json!({"tasks": "x"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["problems"][0]["code"], "report_locked");
        // The document prints it.
        let r = app
            .client
            .get(format!("{}/api/v1/reports/strategy?unit=12&period=2024&format=docx", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let docx = r.bytes().await.unwrap();
        assert!(docx.len() > 1000);
        let doc = app.annual_report("12", 2024, time::macros::date!(2025 - 03 - 05)).await;
        let text = doc.plain_text();
        assert!(text.contains("Số: 05/BC-UBND") && text.contains("Địa bàn rộng, giao thông khó khăn."), "{text}");
    }
}

on_both_backends! {
    async fn a_law_report_over_dates_carries_its_own_narrative_and_is_a_draft(backend: Backend) {
        let app = App::spawn(backend).await;
        let body = json!({"values": [{"element": "5.4a.num", "value": "7"}, {"element": "5.4a.den", "value": "11"}]});
        assert_eq!(app.put_status("/api/v1/values?unit=12&period=2023", body).await, StatusCode::OK);
        // The narrative of a window of dates is its own, beside the year's.
        let window = "unit=12&period=2021-01-01..2024-07-30";
        let proposals = json!({"proposals": "Đề nghị bố trí biên chế chuyên trách công tác bình đẳng giới."});
        let (s, saved) = app.send(&app.client, Method::PUT, &format!("/api/v1/reports/narrative?{window}"), Some(&proposals)).await;
        assert_eq!(s, StatusCode::OK, "{saved}");
        assert_eq!(saved["period"]["type"], "range", "{saved}");
        let (_, year) = app.get("/api/v1/reports/narrative?unit=12&period=2024").await;
        assert!(year["narrative"].get("proposals").is_none(), "{year}");
        let r = app.client.get(format!("{}/api/v1/reports/law-review?{window}&format=docx", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()["content-disposition"].to_str().unwrap(),
            "attachment; filename=\"law-review-12-2021-01-01_2024-07-30.docx\""
        );
        let text = support::docx_text(&r.bytes().await.unwrap());
        assert!(text.contains("Đề nghị bố trí biên chế chuyên trách"), "{text}");
        assert!(text.contains("thi hành Luật Bình đẳng giới") && text.contains("từ 01/01/2021 đến 30/07/2024"), "{text}");
        // 2023's figure counts: 7/11 = 63,6 %.
        assert!(text.contains("63,6% (7/11)"), "{text}");
        assert!(text.contains("DỰ THẢO"), "dates are approved by no workflow: {text}");
        // What does not fit is refused in words, before anything is built.
        let (s, body) = app.get("/api/v1/reports/action-month?unit=12&period=2021..2024H1").await;
        assert_eq!((s, body["error"]["problems"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("report_needs_a_year")), "{body}");
        let (s, body) = app.get(&format!("/api/v1/reports/law-review?{window}&programme=NS-Y")).await;
        assert_eq!((s, body["error"]["problems"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("programme_needs_a_period")), "{body}");
        let (s, body) = app.get("/api/v1/reports/strategy?unit=12&period=2024&programme=NOPE").await;
        assert_eq!((s, body["error"]["problems"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_programme")), "{body}");
        let (s, body) = app.get("/api/v1/reports/law-review?unit=12&period=2024-07-30..2021-01-01").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
}

/// The findings `binhdang check` makes on a document as binhdang writes it (DOCX).
async fn findings_in(app: &App, doc: &binhdang_reports::Document) -> Vec<binhdang_ingest::CheckFinding> {
    let docx = binhdang_reports::render(doc, binhdang_reports::Format::Docx).unwrap();
    let indicators = app.db.store.indicators().await.unwrap();
    binhdang_ingest::check_bytes("bao-cao.docx", &docx, &indicators)
        .unwrap()
        .findings
}

on_both_backends! {
    async fn generated_reports_pass_check_and_each_inconsistency_injected_into_them_is_caught(backend: Backend) {
        use binhdang_ingest::CheckFindingKind as K;
        use binhdang_reports::model::{Block, ParaKind, Paragraph, Row, Run};
        let app = App::spawn(backend).await;
        let body = json!({"values": [{"element": "5.4a.num", "value": "7"}, {"element": "5.4a.den", "value": "11"}]});
        assert_eq!(app.put_status("/api/v1/values?unit=12&period=2024", body).await, StatusCode::OK);
        for (year, source, allocated) in [(2022, "tinh", 150_000_000), (2022, "xa", 20_000_000), (2023, "tinh", 160_000_000), (2023, "xa", 25_000_000)] {
            let (s, b) = app.post(&format!("/api/v1/registers/budgets?unit=12&period={year}"), &json!({ "source": source, "allocated": allocated, "spent": allocated })).await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let date = time::macros::date!(2025 - 03 - 05);

        // The budget over the phase: each year's sources, "Cộng năm …" and "Tổng cộng" — clean.
        let mut budget = app.report(binhdang_reports::Kind::Budget, "12", binhdang_domain::Period::Phase { from: 2021, to: 2025 }, date).await;
        assert_eq!(findings_in(&app, &budget).await, vec![], "binhdang's own budget annex over subtotal rows");
        // A grand total that is not the sum of the years: caught.
        let grand = budget.blocks.iter_mut().find_map(|b| match b {
            Block::Table(t) => t.rows.iter_mut().find_map(|r| match r {
                Row::Cells(cells) if cells.get(1).is_some_and(|c| c.text == "Tổng cộng") => Some(cells),
                _ => None,
            }),
            _ => None,
        }).expect("a Tổng cộng row");
        assert_eq!(grand[2].text, "355.000.000");
        grand[2].text = "365.000.000".into();
        grand[2].number = Some((365_000_000.0, binhdang_reports::model::NumFormat::Money));
        let kinds: Vec<K> = findings_in(&app, &budget).await.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [K::PartsTotal]);

        // The annual report: clean; then each kind of inconsistency the samples show, added as a paragraph.
        let report = app.annual_report("12", 2024, date).await;
        assert_eq!(findings_in(&app, &report).await, vec![], "binhdang's own annual report");
        for (text, kind) in [
            ("Đại biểu HĐND tỉnh: nam 30/45 đạt 66,7%; nữ 12/45 đạt 26,7%.", K::PartsTotal),
            ("Năm 2024, các chỉ tiêu cơ bản về bình đẳng giới đều đạt. Tỷ số giới tính khi sinh là 118 bé trai/100 bé gái.", K::ClaimedMet),
            ("Tỷ lệ nữ đại biểu HĐND ba cấp bình quân đạt 28,5%, trong đó cấp tỉnh 15/50 đại biểu (30%), cấp huyện 28/100 đại biểu (28%), cấp xã 55/200 đại biểu (27,5%).", K::UnweightedMean),
            ("Số xã có nữ cán bộ chủ chốt là 7/11 xã, chiếm 66,6%.", K::PercentMismatch),
        ] {
            let mut mutated = report.clone();
            mutated.blocks.insert(2, Block::Paragraph(Paragraph::new(ParaKind::Body, vec![Run::plain(text)])));
            let kinds: Vec<K> = findings_in(&app, &mutated).await.iter().map(|f| f.kind).collect();
            assert_eq!(kinds, [kind], "{text}");
        }
    }
}
