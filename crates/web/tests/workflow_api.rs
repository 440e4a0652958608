//! Accounts, scopes, the reporting workflow and the audit trail over HTTP, on SQLite and
//! PostgreSQL.

mod support;

use binhdang_domain::access::{Action, Reach, Role, permits};
use binhdang_store::on_both_backends;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::App;

/// One valid value for a unit, to write and read.
fn one_value(n: i64) -> Value {
    json!({ "values": [{ "element": "4.1.num", "value": n.to_string() }, { "element": "4.1.den", "value": "100" }] })
}

/// Sends the request that exercises `action` on `unit` for 2025H1.
async fn attempt(app: &App, client: &reqwest::Client, action: Action, unit: &str) -> StatusCode {
    let q = format!("unit={unit}&period=2025H1");
    let (status, _) = match action {
        Action::Read => {
            app.send(client, Method::GET, &format!("/api/v1/values?{q}"), None)
                .await
        }
        Action::Write => {
            app.send(
                client,
                Method::PUT,
                &format!("/api/v1/values?{q}"),
                Some(&one_value(105)),
            )
            .await
        }
        Action::Submit => {
            app.send(
                client,
                Method::POST,
                &format!("/api/v1/workflow/submit?{q}"),
                Some(&json!({})),
            )
            .await
        }
        Action::Approve => {
            app.send(
                client,
                Method::POST,
                &format!("/api/v1/workflow/approve?{q}"),
                Some(&json!({})),
            )
            .await
        }
        Action::Unlock => {
            let body = json!({ "until": "2099-01-01", "reason": "bổ sung số liệu" });
            app.send(client, Method::POST, &format!("/api/v1/unlock?{q}"), Some(&body))
                .await
        }
        Action::Administer => app.send(client, Method::GET, "/api/v1/users", None).await,
    };
    status
}

on_both_backends! {
    async fn every_role_reaches_exactly_its_scope(backend: Backend) {
        let app = App::spawn(backend).await;
        // A user of district Phong Thổ (109) of Lai Châu, before the 2025 reform.
        let (_, communes) = app.get("/api/v1/units?date=2025-01-01&parent=109").await;
        let child = communes["units"][0]["code"].as_str().unwrap().to_string();
        let targets = [
            ("own", "109".to_string(), Reach::Own),
            ("child", child, Reach::Below),
            ("sibling", "106".to_string(), Reach::Outside),
            ("parent", "12".to_string(), Reach::Outside),
            ("unrelated province", "02".to_string(), Reach::Outside),
        ];
        let actions = [Action::Read, Action::Write, Action::Submit, Action::Approve, Action::Unlock];
        let mut unexpected = Vec::new();
        let mut denials = 0;
        for role in Role::ALL {
            let client = app.user(&format!("u-{}", role.as_str()), role, "109").await;
            for (name, unit, reach) in &targets {
                for action in actions {
                    let status = attempt(&app, &client, action, unit).await;
                    assert_ne!(status, StatusCode::UNAUTHORIZED);
                    let granted = status != StatusCode::FORBIDDEN;
                    if !granted {
                        denials += 1;
                    }
                    let expected = permits(role, *reach, action);
                    if granted != expected {
                        unexpected.push(format!("{role} {action:?} on {name} ({unit}): {status}"));
                    }
                }
            }
            // Only administrators administer.
            let admin_only = attempt(&app, &client, Action::Administer, "109").await;
            assert_eq!(admin_only == StatusCode::OK, role == Role::Admin, "{role} listing users: {admin_only}");
        }
        assert!(unexpected.is_empty(), "unexpected grants or refusals:\n{}", unexpected.join("\n"));
        // Every refusal outside scope is in the audit log.
        let (_, trail) = app.get("/api/v1/audit?unit=02").await;
        let refused_on_02 = trail["records"].as_array().unwrap().iter().filter(|r| r["action"] == "access.denied").count();
        assert_eq!(refused_on_02, 4 * actions.len(), "four non-admin roles, each refused every action on 02");
        assert!(denials > 0);
        // Refusals of administrators' work are recorded too, against the caller's own unit.
        let (_, trail) = app.get("/api/v1/audit?unit=109").await;
        let refused_listing = trail["records"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["action"] == "access.denied" && r["subject"] == "users.list")
            .count();
        assert_eq!(refused_listing, 4, "four non-admin roles refused the list of users");
    }
}

on_both_backends! {
    async fn a_scope_follows_units_through_the_2025_reform(backend: Backend) {
        let app = App::spawn(backend).await;
        // A reviewer of the merged Tuyên Quang (08, from 1 July 2025) sees old Hà Giang's data.
        let reviewer = app.user("tq-review", Role::Reviewer, "08").await;
        let (_, districts) = app.get("/api/v1/units?date=2024-01-01&parent=02&level=district").await;
        let district = districts["units"][0]["code"].as_str().unwrap().to_string();
        let (s, _) = app.send(&reviewer, Method::GET, &format!("/api/v1/values?unit={district}&period=2024"), None).await;
        assert_eq!(s, StatusCode::OK);
        // A reviewer of Lai Châu does not.
        let other = app.user("lc-review", Role::Reviewer, "12").await;
        let (s, body) = app.send(&other, Method::GET, &format!("/api/v1/values?unit={district}&period=2024"), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "outside_scope");
        assert!(body["error"]["message"].as_str().unwrap().contains("không có quyền xem"), "{body}");
    }
}

on_both_backends! {
    async fn a_reporting_cycle_runs_from_entry_to_approval(backend: Backend) {
        let app = App::spawn(backend).await;
        let (_, communes) = app.get("/api/v1/units?date=2025-01-01&parent=109").await;
        let codes: Vec<String> =
            communes["units"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap().to_string()).collect();
        let (a, b) = (codes[0].clone(), codes[1].clone());
        let officer_a = app.user("officer-a", Role::Officer, &a).await;
        let officer_b = app.user("officer-b", Role::Officer, &b).await;
        let reviewer = app.user("pt-review", Role::Reviewer, "109").await;
        let province = app.user("lc-review", Role::Reviewer, "12").await;
        let q = |u: &str| format!("unit={u}&period=2025H1");

        // Officers enter and submit.
        for (client, unit, n) in [(&officer_a, &a, 52), (&officer_b, &b, 48)] {
            let (s, body) = app.send(client, Method::PUT, &format!("/api/v1/values?{}", q(unit)), Some(&json!({ "values": [
                { "element": "6.1.num", "disaggregation": "female", "value": n.to_string() },
                { "element": "6.1.den", "disaggregation": "female", "value": "100" }] }))).await;
            assert_eq!(s, StatusCode::OK, "{body}");
            assert_eq!(body["validation"]["errors"], 0);
            let (s, body) = app.send(client, Method::POST, &format!("/api/v1/workflow/submit?{}", q(unit)), None).await;
            assert_eq!(s, StatusCode::OK, "{body}");
            assert_eq!(body["submission"]["state"], "submitted");
        }
        // Submitted data is locked.
        let (s, body) = app.send(&officer_a, Method::PUT, &format!("/api/v1/values?{}", q(&a)), Some(&one_value(1))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["problems"][0]["code"], "report_locked");
        // The reviewer's inbox holds both.
        let (_, inbox) = app.send(&reviewer, Method::GET, "/api/v1/inbox", None).await;
        assert_eq!(inbox["waiting_for_review"].as_array().unwrap().len(), 2);

        // One is returned with a comment (which is required), fixed and resubmitted.
        let (s, body) = app.send(&reviewer, Method::POST, &format!("/api/v1/workflow/return?{}", q(&b)), Some(&json!({}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["problems"][0]["code"], "reason_required");
        let comment = json!({ "reason": "Số người được tiếp cận (nữ) chưa khớp biên bản" });
        let (s, body) = app.send(&reviewer, Method::POST, &format!("/api/v1/workflow/return?{}", q(&b)), Some(&comment)).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["submission"]["state"], "returned");
        let (_, mine) = app.send(&officer_b, Method::GET, "/api/v1/inbox", None).await;
        assert_eq!(mine["returned"][0]["comment"], "Số người được tiếp cận (nữ) chưa khớp biên bản");
        let fix = json!({ "values": [{ "element": "6.1.num", "disaggregation": "female", "value": "47" }] });
        assert_eq!(app.send(&officer_b, Method::PUT, &format!("/api/v1/values?{}", q(&b)), Some(&fix)).await.0, StatusCode::OK);
        assert_eq!(app.send(&officer_b, Method::POST, &format!("/api/v1/workflow/submit?{}", q(&b)), None).await.0, StatusCode::OK);

        // "Approved data only" moves only when a report is approved.
        async fn approved(app: &App) -> Value {
            app.get("/api/v1/aggregates?unit=12&period=2025H1&indicator=6.1&data=approved").await.1["aggregates"][0].clone()
        }
        assert_eq!(approved(&app).await["numerator"], Value::Null);
        let (_, all) = app.get("/api/v1/aggregates?unit=12&period=2025H1&indicator=6.1").await;
        assert_eq!(all["aggregates"][0]["numerator"], "99");
        assert_eq!(all["aggregates"][0]["data"], "all");
        assert_eq!(app.send(&reviewer, Method::POST, &format!("/api/v1/workflow/approve?{}", q(&a)), None).await.0, StatusCode::OK);
        let after_one = approved(&app).await;
        assert_eq!((after_one["numerator"].as_str(), after_one["data"].as_str()), (Some("52"), Some("approved")));
        assert_eq!(after_one["completeness"]["approved"], 1);
        assert_eq!(app.send(&reviewer, Method::POST, &format!("/api/v1/workflow/approve?{}", q(&b)), None).await.0, StatusCode::OK);
        assert_eq!(approved(&app).await["numerator"], "99");

        // The district reviewer submits the district; the province reviewer cannot approve it
        // while other communes are neither approved nor excused.
        assert_eq!(app.send(&reviewer, Method::POST, &format!("/api/v1/workflow/submit?{}", q("109")), None).await.0, StatusCode::OK);
        let (s, body) = app.send(&province, Method::POST, &format!("/api/v1/workflow/approve?{}", q("109")), None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["problems"][0]["code"], "children_not_approved");
        for other in &codes[2..] {
            let reason = json!({ "reason": "Xã không phát sinh số liệu trong kỳ" });
            let (s, body) = app.send(&reviewer, Method::POST, &format!("/api/v1/excuse?{}", q(other)), Some(&reason)).await;
            assert_eq!(s, StatusCode::OK, "{body}");
        }
        let (s, body) = app.send(&province, Method::POST, &format!("/api/v1/workflow/approve?{}", q("109")), None).await;
        assert_eq!(s, StatusCode::OK, "{body}");

        // The deadline for 2025H1 (5 June 2025 for communes) passed long ago: both are late.
        let (_, status) = app.send(&reviewer, Method::GET, &format!("/api/v1/status?{}", q("109")), None).await;
        let line = |u: &str| status["children"].as_array().unwrap().iter().find(|c| c["unit"]["code"] == u).unwrap().clone();
        assert_eq!(line(&a)["state"], "approved");
        assert_eq!(line(&a)["timeliness"], "late");
        assert_eq!(line(&codes[2])["state"], "missing");
        assert_eq!(line(&codes[2])["excused"], "Xã không phát sinh số liệu trong kỳ");
        assert_eq!(status["approved"], 2);
        assert_eq!(status["late"], 2);

        // Every state change and value change is in the audit trail, with old and new.
        let (_, trail) = app.get(&format!("/api/v1/audit?unit={b}&period=2025H1")).await;
        let records = trail["records"].as_array().unwrap();
        let actions: Vec<&str> = records.iter().map(|r| r["action"].as_str().unwrap()).collect();
        // The officer's account was created for this commune, so it is in the unit's trail too.
        assert_eq!(
            actions,
            ["user.create", "token.create", "value.change", "value.change", "workflow.submit", "workflow.return",
             "value.change", "workflow.submit", "workflow.approve"]
        );
        let records = &records[2..];
        let fix = &records[4];
        assert_eq!((fix["old_value"].as_str(), fix["new_value"].as_str(), fix["actor"].as_str()), (Some("48"), Some("47"), Some("officer-b")));
        let returned = &records[3];
        assert_eq!(returned["old_value"], "{\"state\":\"submitted\"}");
        assert_eq!(returned["new_value"], "{\"state\":\"returned\"}");
        assert_eq!(returned["reason"], "Số người được tiếp cận (nữ) chưa khớp biên bản");
        assert_eq!(returned["actor"], "pt-review");

        // Reopening needs a reason and unlocks the data.
        let (s, _) = app.send(&reviewer, Method::POST, &format!("/api/v1/workflow/reopen?{}", q(&a)), Some(&json!({ "reason": "Sai mẫu số" }))).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(approved(&app).await["numerator"], "47", "the reopened report left the approved figure");
        assert_eq!(app.send(&officer_a, Method::PUT, &format!("/api/v1/values?{}", q(&a)), Some(&one_value(104))).await.0, StatusCode::OK);
    }
}

on_both_backends! {
    async fn a_report_submitted_before_its_deadline_is_on_time(backend: Backend) {
        let app = App::spawn(backend).await;
        // After the reform; the annual 2026 report of a commune is due on 5 December 2026.
        let (_, communes) = app.get("/api/v1/units?date=2026-06-01&parent=12&level=commune").await;
        let commune = communes["units"][0]["code"].as_str().unwrap().to_string();
        let officer = app.user("officer-2026", Role::Officer, &commune).await;
        let q = format!("unit={commune}&period=2026");
        assert_eq!(app.send(&officer, Method::PUT, &format!("/api/v1/values?{q}"), Some(&one_value(104))).await.0, StatusCode::OK);
        assert_eq!(app.send(&officer, Method::POST, &format!("/api/v1/workflow/submit?{q}"), None).await.0, StatusCode::OK);
        let (_, status) = app.get("/api/v1/status?unit=12&period=2026").await;
        let line = status["children"].as_array().unwrap().iter().find(|c| c["unit"]["code"] == commune.as_str()).unwrap().clone();
        let today = binhdang_store::testing::test_today();
        let expected = if today <= time::macros::date!(2026 - 12 - 05) { "on_time" } else { "late" };
        assert_eq!(line["timeliness"], expected);
        assert_eq!(line["deadline"], "2026-12-05");
    }
}

on_both_backends! {
    async fn a_submission_with_validation_errors_is_refused(backend: Backend) {
        let app = App::spawn(backend).await;
        let officer = app.user("officer-x", Role::Officer, "03490").await;
        let q = "unit=03490&period=2025H1";
        // 12 of 18 stated as 66,66 %: the stated rate does not match.
        let body = json!({ "values": [{ "element": "5.4a.num", "value": "12" }, { "element": "5.4a.den", "value": "18" },
            { "element": "5.4a.rate", "value": "66.66" }] });
        let (s, saved) = app.send(&officer, Method::PUT, &format!("/api/v1/values?{q}"), Some(&body)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(saved["validation"]["errors"], 1);
        let (s, refused) = app.send(&officer, Method::POST, &format!("/api/v1/workflow/submit?{q}"), None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused["error"]["problems"][0]["code"], "validation_errors");
        assert_eq!(refused["error"]["message"], "Báo cáo còn 1 lỗi kiểm tra số liệu; cần sửa trước khi gửi");
        let (_, state) = app.send(&officer, Method::GET, &format!("/api/v1/workflow?{q}"), None).await;
        assert_eq!(state["submission"]["state"], "draft");
    }
}

on_both_backends! {
    async fn a_closed_period_needs_an_unlock(backend: Backend) {
        let app = App::spawn(backend).await;
        let officer = app.user("officer-c", Role::Officer, "03490").await;
        let reviewer = app.user("pt-review-c", Role::Reviewer, "109").await;
        let close = json!({ "programme": "NS-H1", "period": "2025H1", "closes_on": "2025-07-15" });
        assert_eq!(app.post("/api/v1/periods/close", &close).await.0, StatusCode::OK);
        let (s, body) = app.send(&officer, Method::PUT, "/api/v1/values?unit=03490&period=2025H1", Some(&one_value(104))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["problems"][0]["code"], "period_closed");
        let (s, _) = app.send(&reviewer, Method::POST, "/api/v1/unlock?unit=03490&period=2025H1", Some(&json!({ "until": "2099-12-31", "reason": "" }))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "an unlock needs a reason");
        let unlock = json!({ "until": "2099-12-31", "reason": "Bổ sung số liệu khám thai" });
        assert_eq!(app.send(&reviewer, Method::POST, "/api/v1/unlock?unit=03490&period=2025H1", Some(&unlock)).await.0, StatusCode::OK);
        assert_eq!(app.send(&officer, Method::PUT, "/api/v1/values?unit=03490&period=2025H1", Some(&one_value(104))).await.0, StatusCode::OK);
        // Only administrators close periods.
        assert_eq!(app.send(&reviewer, Method::POST, "/api/v1/periods/close", Some(&close)).await.0, StatusCode::FORBIDDEN);
    }
}

on_both_backends! {
    async fn sign_in_sets_a_session_and_writes_need_its_csrf_token(backend: Backend) {
        let app = App::spawn(backend).await;
        app.db.token_for("officer-s", Role::Officer, "03490").await;
        let browser = reqwest::Client::new();
        let r = browser
            .post(format!("{}/api/v1/auth/sign-in", app.base))
            .json(&json!({ "username": "officer-s", "password": binhdang_store::testing::TEST_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain HTTP: no Secure flag");
        let session = cookie.split(';').next().unwrap().to_string();
        let body: Value = r.json().await.unwrap();
        let csrf = body["csrf_token"].as_str().unwrap().to_string();
        let url = format!("{}/api/v1/values?unit=03490&period=2025H1", app.base);
        // Reading with the cookie works.
        let r = browser.get(&url).header("Cookie", &session).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // A write with the cookie but without the CSRF token is refused, and changes nothing.
        let r = browser.put(&url).header("Cookie", &session).json(&one_value(104)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let refused: Value = r.json().await.unwrap();
        assert_eq!(refused["error"]["code"], "csrf");
        let r = browser.put(&url).header("Cookie", &session).header("X-CSRF-Token", "forged").json(&one_value(104)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let (_, values) = app.get("/api/v1/values?unit=03490&period=2025H1").await;
        assert_eq!(values["values"].as_array().unwrap().len(), 0);
        let r = browser.put(&url).header("Cookie", &session).header("X-CSRF-Token", &csrf).json(&one_value(104)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // After sign-out the cookie is worthless.
        let r = browser.post(format!("{}/api/v1/auth/sign-out", app.base)).header("Cookie", &session).header("X-CSRF-Token", &csrf).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = browser.get(&url).header("Cookie", &session).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        // Passwords are stored as argon2id hashes only.
        use sqlx::Row;
        let hash: String = sqlx::query("SELECT password_hash FROM users WHERE username = 'officer-s'")
            .fetch_one(app.db.store.pool())
            .await
            .unwrap()
            .get(0);
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains(binhdang_store::testing::TEST_PASSWORD));
    }
}

on_both_backends! {
    async fn guessing_passwords_is_stopped_per_account_and_per_address(backend: Backend) {
        let app = App::spawn(backend).await;
        app.db.token_for("officer-r", Role::Officer, "03490").await;
        let sign_in = |username: &str, password: &str| {
            let body = json!({ "username": username, "password": password });
            let url = format!("{}/api/v1/auth/sign-in", app.base);
            async move { reqwest::Client::new().post(url).header("Accept-Language", "en").json(&body).send().await.unwrap() }
        };
        for _ in 0..5 {
            assert_eq!(sign_in("officer-r", "guess-guess-guess").await.status(), StatusCode::UNAUTHORIZED);
        }
        // The right password no longer helps: the account is locked for the window.
        let r = sign_in("officer-r", binhdang_store::testing::TEST_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: i64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry > 0 && retry <= 15 * 60, "{retry}");
        let body: Value = r.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().starts_with("too many failed sign-ins"));
        // From one address, failures across many accounts slow the address down from the
        // twentieth on, but lock nobody out: behind a shared proxy address, another officer
        // with the right password still signs in (after the wait).
        app.db.token_for("officer-s", Role::Officer, "03490").await;
        for i in 0..15 {
            sign_in(&format!("nobody-{i}"), "guess-guess-guess").await;
        }
        let started = std::time::Instant::now();
        assert_eq!(sign_in("officer-s", binhdang_store::testing::TEST_PASSWORD).await.status(), StatusCode::OK);
        assert!(started.elapsed() >= std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    }
}

on_both_backends! {
    async fn a_new_account_must_choose_its_own_password_first(backend: Backend) {
        let app = App::spawn(backend).await;
        let new = json!({ "username": "reviewer-n", "role": "reviewer", "unit": "109", "password": "tam-thoi-123" });
        let (s, body) = app.post("/api/v1/users", &new).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        assert_eq!(body["user"]["must_change_password"], true);
        let bad = json!({ "username": "x", "role": "boss", "unit": "109", "password": "tam-thoi-123" });
        let (s, body) = app.post("/api/v1/users", &bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let browser = reqwest::Client::new();
        let r = browser.post(format!("{}/api/v1/auth/sign-in", app.base))
            .json(&json!({ "username": "reviewer-n", "password": "tam-thoi-123" })).send().await.unwrap();
        let session = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let csrf = r.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_string();
        let r = browser.get(format!("{}/api/v1/values?unit=109&period=2025H1", app.base)).header("Cookie", &session).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "password_change_required");
        let change = json!({ "old_password": "tam-thoi-123", "new_password": "mat-khau-moi-cua-toi" });
        let r = browser.post(format!("{}/api/v1/auth/password", app.base)).header("Cookie", &session).header("X-CSRF-Token", &csrf).json(&change).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = browser.get(format!("{}/api/v1/values?unit=109&period=2025H1", app.base)).header("Cookie", &session).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // Only administrators manage accounts.
        let viewer = app.user("viewer-v", Role::Viewer, "12").await;
        assert_eq!(app.send(&viewer, Method::POST, "/api/v1/users", Some(&new)).await.0, StatusCode::FORBIDDEN);
        // No route rewrites the audit log, and the database refuses it.
        let tamper = sqlx::query("UPDATE audit_log SET actor = 'someone'").execute(app.db.store.pool()).await;
        assert!(tamper.is_err());
        let erase = sqlx::query("DELETE FROM audit_log").execute(app.db.store.pool()).await;
        assert!(erase.is_err());
    }
}

on_both_backends! {
    async fn an_officer_of_an_agency_enters_only_its_indicators(backend: Backend) {
        let app = App::spawn(backend).await;
        let store = &app.db.store;
        let province = store.unit_on("12", time::macros::date!(2026 - 01 - 01)).await.unwrap();
        let agency = binhdang_domain::Agency {
            code: "12-SYT".into(),
            unit: binhdang_domain::UnitCode::parse("12").unwrap(),
            name_vi: "Sở Y tế".into(),
            name_en: Some("Department of Health".into()),
        };
        store.put_agency(&province, &agency).await.unwrap();
        let admin = binhdang_store::Actor { name: "tester".into(), origin: "test".into(), entered_from: None };
        // A code listed twice is kept once (the table's key would otherwise answer 500).
        store.set_agency_indicators("12-SYT", &["4.1", "4.2", "4.1"], &admin).await.unwrap();
        assert_eq!(store.agency_indicators("12-SYT").await.unwrap(), ["4.1", "4.2"]);
        let new = binhdang_store::NewUser {
            username: "syt-officer",
            role: Role::Officer,
            unit_code: "12",
            agency_code: Some("12-SYT"),
            password: binhdang_store::testing::TEST_PASSWORD,
            must_change_password: false,
        };
        store.add_user(&new, "tester", "test").await.unwrap();
        let token = store.create_token("syt-officer", "test", "tester", "test").await.unwrap();
        let officer = support::client_with_token(&token);
        let health = one_value(107);
        assert_eq!(app.send(&officer, Method::PUT, "/api/v1/values?unit=12&period=2025", Some(&health)).await.0, StatusCode::OK);
        let other = json!({ "values": [{ "element": "6.1.num", "disaggregation": "female", "value": "10" }] });
        let (s, body) = app.send(&officer, Method::PUT, "/api/v1/values?unit=12&period=2025", Some(&other)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "outside_agency");
        assert!(body["error"]["message"].as_str().unwrap().contains("không phụ trách chỉ tiêu 6.1"), "{body}");
        // The assignment itself is in the audit trail.
        let (_, trail) = app.get("/api/v1/audit?unit=12").await;
        assert!(trail["records"].as_array().unwrap().iter().any(|r| r["action"] == "agency.indicators"));
    }
}

on_both_backends! {
    async fn deadlines_are_configurable_by_administrators(backend: Backend) {
        let app = App::spawn(backend).await;
        // A province that wants commune reports by 1 June.
        let programme = json!({ "name_vi": "Báo cáo 6 tháng", "name_en": "Half-year report", "period_type": "half_year",
            "half": 1, "deadlines": [["commune", {"month": 6, "day": 1}], ["district", {"month": 6, "day": 5}]] });
        let reviewer = app.user("pt-review-d", Role::Reviewer, "109").await;
        assert_eq!(app.send(&reviewer, Method::PUT, "/api/v1/programmes/NS-H1", Some(&programme)).await.0, StatusCode::FORBIDDEN);
        let (s, body) = app.send(&app.client, Method::PUT, "/api/v1/programmes/NS-H1", Some(&programme)).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (_, status) = app.get("/api/v1/status?unit=109&period=2025H1").await;
        assert_eq!(status["children"][0]["deadline"], "2025-06-01");
        let impossible = json!({ "name_vi": "x", "name_en": "x", "period_type": "half_year", "half": 1,
            "deadlines": [["commune", {"month": 2, "day": 30}]] });
        let (s, body) = app.send(&app.client, Method::PUT, "/api/v1/programmes/NS-H1", Some(&impossible)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["problems"][0]["code"], "bad_day");
        let (_, status) = app.get("/api/v1/status?unit=109&period=2025H1").await;
        assert_eq!(status["children"][0]["deadline"], "2025-06-01", "a refused change leaves the deadline as it was");
    }
}

on_both_backends! {
    async fn a_reviewer_keys_in_a_communes_paper_report_on_its_behalf(backend: Backend) {
        let app = App::spawn(backend).await;
        let reviewer = app.user("tong.hop.12", Role::Reviewer, "12").await;
        let officer = app.user("can.bo.doanket", Role::Officer, "03388").await;
        let q = "unit=03388&period=2025H2";
        let (s, body) = app.send(&reviewer, Method::PUT, &format!("/api/v1/values?{q}"), Some(&one_value(60))).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (s, body) = app.send(&reviewer, Method::POST, &format!("/api/v1/workflow/submit?{q}"), Some(&json!({}))).await;
        assert_ne!(s, StatusCode::FORBIDDEN, "{body}");
        // The commune's own officer sees the value, and the trail says who entered it for them.
        let (s, values) = app.send(&officer, Method::GET, &format!("/api/v1/values?{q}"), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(values.to_string().contains("tong.hop.12"), "{values}");
        let (_, trail) = app.get("/api/v1/audit?unit=03388&period=2025H2").await;
        let change = trail["records"].as_array().unwrap().iter().find(|r| r["action"] == "value.change").unwrap().clone();
        assert_eq!((change["actor"].as_str(), change["entered_from"].as_str()), (Some("tong.hop.12"), Some("12")), "{change}");
        // The officer's entry page and the reviewer's review page both say so.
        for (username, path) in [("can.bo.doanket", format!("/nhap-lieu?{q}")), ("tong.hop.12", format!("/xet-duyet?{q}"))] {
            let mut visitor = support::visitor::Visitor::new(&app);
            visitor.sign_in(username, binhdang_store::testing::TEST_PASSWORD).await;
            let page = visitor.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            let at = page.body.find("id=\"on-behalf\"").unwrap_or_else(|| panic!("{path}: {}", page.body));
            let notice = &page.body[at..at + page.body[at..].find("</div>").unwrap()];
            assert!(notice.contains("tong.hop.12 (đơn vị 12) đã nhập thay 2 lần sửa số liệu"), "{path}: {notice}");
        }
        // The officer's own entry is not "on behalf".
        let (s, _) = app.send(&officer, Method::PUT, &format!("/api/v1/values?{q}"), Some(&one_value(61))).await;
        assert_eq!(s, StatusCode::OK);
        let (_, trail) = app.get("/api/v1/audit?unit=03388&period=2025H2").await;
        let own = trail["records"].as_array().unwrap().iter().rfind(|r| r["action"] == "value.change").unwrap().clone();
        assert_eq!((own["actor"].as_str(), own.get("entered_from")), (Some("can.bo.doanket"), None), "{own}");
    }
}

on_both_backends! {
    async fn a_second_annual_programme_changes_neither_the_default_nor_the_national_status(backend: Backend) {
        let app = App::spawn(backend).await;
        // Under the national annual programme: one commune of Phong Thổ submits and is approved.
        let q = "unit=03490&period=2024";
        assert_eq!(app.put_status(&format!("/api/v1/values?{q}"), one_value(105)).await, StatusCode::OK);
        let (s, body) = app.post(&format!("/api/v1/workflow/submit?{q}"), &json!({})).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (s, body) = app.post(&format!("/api/v1/workflow/approve?{q}"), &json!({})).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let status_path = "/api/v1/status?unit=109&period=2024";
        let before = app.get(status_path).await.1;
        assert_eq!(before["programme"], "NS-Y", "{before}");
        // The commune's approved report is printed without the DỰ THẢO mark.
        let draft = || async { app.annual_report("03490", 2024, time::macros::date!(2024 - 12 - 05)).await.draft };
        assert!(!draft().await, "approved: no draft mark");

        // The labour federation adds its own annual programme (code sorting before NS-Y).
        let federation = json!({"name_vi": "Báo cáo năm của Liên đoàn Lao động", "name_en": "Labour federation annual report",
            "period_type": "year", "deadlines": [["commune", {"month": 12, "day": 5}]]});
        let (s, body) = app.send(&app.client, Method::PUT, "/api/v1/programmes/LDLD-Y", Some(&federation)).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let after = app.get(status_path).await.1;
        assert_eq!(after["programme"], "NS-Y", "the default did not change: {after}");
        for key in ["expected", "submitted", "approved", "overdue", "late"] {
            assert_eq!(after[key], before[key], "{key}: {before} → {after}");
        }
        assert!(!draft().await, "the approved report is still not marked DỰ THẢO");
        // Asked under the federation's programme, where nothing was sent, it is a draft.
        let under = |programme: &'static str| {
            let app = &app;
            async move {
                let path = format!("/api/v1/reports/strategy?{q}&format=docx&date=2024-12-05{programme}");
                app.docx(&path).await.contains("DỰ THẢO")
            }
        };
        assert!(!under("").await, "the default programme: approved");
        assert!(!under("&programme=NS-Y").await, "named, the same programme: approved");
        assert!(under("&programme=LDLD-Y").await, "under LDLD-Y nothing was approved");
        // Archived, it is no longer offered; its history stays in the audit.
        let (s, body) = app.post("/api/v1/programmes/LDLD-Y/archive", &json!({})).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (_, programmes) = app.get("/api/v1/programmes").await;
        assert!(!programmes.to_string().contains("LDLD-Y"), "{programmes}");
        assert!(programmes.to_string().contains("NS-Y"));
    }
}

on_both_backends! {
    async fn agencies_send_their_parts_and_the_province_sees_who_has_not(backend: Backend) {
        let app = App::spawn(backend).await;
        let health = app.agency_officer("yte.12", "so-y-te", &["4.1"]).await;
        let _labour = app.agency_officer("ldld.12", "lien-doan-lao-dong", &["2.3"]).await;
        let province = app.user("lc-review", Role::Reviewer, "12").await;
        let q = "unit=12&period=2025";
        let parts = |status: &Value| -> Vec<(String, String)> {
            status["agencies"].as_array().unwrap().iter()
                .map(|a| (a["agency"].as_str().unwrap().to_string(), a["state"].as_str().unwrap().to_string())).collect()
        };
        let pair = |a: &str, s: &str| (a.to_string(), s.to_string());
        let (s, status) = app.send(&province, Method::GET, &format!("/api/v1/status?{q}"), None).await;
        assert_eq!(s, StatusCode::OK, "{status}");
        assert_eq!(parts(&status), [pair("lien-doan-lao-dong", "missing"), pair("so-y-te", "missing")]);

        // The health department enters and submits its part: the province's own report stays a draft.
        assert_eq!(app.send(&health, Method::PUT, &format!("/api/v1/values?{q}"), Some(&one_value(107))).await.0, StatusCode::OK);
        let (_, status) = app.send(&province, Method::GET, &format!("/api/v1/status?{q}"), None).await;
        assert_eq!(parts(&status)[1], pair("so-y-te", "draft"));
        let (s, body) = app.send(&health, Method::POST, &format!("/api/v1/workflow/submit?{q}"), None).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["agency_part"]["state"], "submitted", "{body}");
        assert!(body["agency_part"]["first_submitted_at"].is_string());
        let (_, own) = app.get(&format!("/api/v1/workflow?{q}")).await;
        assert_eq!(own["submission"]["state"], "draft", "an agency never submits the province's whole report");
        let (_, status) = app.send(&province, Method::GET, &format!("/api/v1/status?{q}"), None).await;
        assert_eq!(parts(&status), [pair("lien-doan-lao-dong", "missing"), pair("so-y-te", "submitted")]);
        // The province's annual report says who has sent their part and who has not.
        let doc = app.annual_report("12", 2025, time::macros::date!(2025 - 12 - 20)).await;
        let text = doc.plain_text();
        assert!(text.contains("Các cơ quan, đơn vị phối hợp: đã gửi phần báo cáo: Cơ quan so-y-te; chưa gửi: Cơ quan lien-doan-lao-dong."), "{text}");
        assert!(text.contains(&format!("Đã nhận báo cáo của 0/{} đơn vị trực thuộc", status["expected"])), "{text}");

        // The province's reviewer returns it, saying why (required), and sees it returned.
        let back = format!("/api/v1/workflow/return?{q}&agency=so-y-te");
        let (s, body) = app.send(&province, Method::POST, &back, Some(&json!({}))).await;
        assert_eq!((s, body["error"]["problems"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required")));
        // An agency officer cannot return parts (its return would be the province's, which it may not do).
        let (s, _) = app.send(&health, Method::POST, &back, Some(&json!({"reason": "x"}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, status) = app.send(&province, Method::GET, &format!("/api/v1/status?{q}"), None).await;
        assert_eq!(parts(&status)[1], pair("so-y-te", "submitted"), "{status}");
        let reason = json!({"reason": "Thiếu số trẻ sinh ra của huyện Sìn Hồ"});
        let (s, body) = app.send(&province, Method::POST, &back, Some(&reason)).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!((body["agency_part"]["state"].as_str(), body["agency_part"]["comment"].as_str()), (Some("returned"), Some("Thiếu số trẻ sinh ra của huyện Sìn Hồ")));
        let (_, trail) = app.get("/api/v1/audit?unit=12").await;
        let actions: Vec<&str> = trail["records"].as_array().unwrap().iter().filter_map(|r| r["action"].as_str()).filter(|a| a.starts_with("agency.s") || a.starts_with("agency.r")).collect();
        assert_eq!(actions, ["agency.submit", "agency.return"]);
        // The review page shows every part: who sent, who was sent back and why, who has not reported.
        let mut reviewer = support::visitor::Visitor::new(&app);
        reviewer.sign_in("lc-review", binhdang_store::testing::TEST_PASSWORD).await;
        let page = reviewer.get("/xet-duyet?unit=12&period=2025").await;
        assert_eq!(page.status, StatusCode::OK);
        let at = page.body.find("id=\"agency-parts\"").unwrap_or_else(|| panic!("{}", page.body));
        let parts_html = &page.body[at..at + page.body[at..].find("</section>").unwrap()];
        assert!(parts_html.contains("Cơ quan so-y-te") && parts_html.contains("Đã trả lại") && parts_html.contains("Thiếu số trẻ sinh ra"), "{parts_html}");
        assert!(parts_html.contains("Cơ quan lien-doan-lao-dong") && parts_html.contains("Chưa báo cáo"), "{parts_html}");
    }
}

on_both_backends! {
    async fn a_programme_binds_only_the_units_and_agencies_it_names(backend: Backend) {
        let app = App::spawn(backend).await;
        let _health = app.agency_officer("yte.12", "so-y-te", &["4.1"]).await;
        let labour = app.agency_officer("ldld.12", "lien-doan-lao-dong", &["2.3"]).await;
        // The labour federation's annual programme binds Lai Châu and only its own agency.
        let federation = json!({"name_vi": "Báo cáo năm của Liên đoàn Lao động", "name_en": "Labour federation annual report",
            "period_type": "year", "deadlines": [["province", {"month": 12, "day": 5}]],
            "binds": {"levels": ["province"], "units": ["12"], "agencies": ["lien-doan-lao-dong"]}});
        let (s, body) = app.send(&app.client, Method::PUT, "/api/v1/programmes/LDLD-Y", Some(&federation)).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["programme"]["binds"]["agencies"], json!(["lien-doan-lao-dong"]));
        let agencies = |status: &Value| -> Vec<String> {
            status["agencies"].as_array().unwrap().iter().map(|a| a["agency"].as_str().unwrap().to_string()).collect()
        };
        let (_, own) = app.get("/api/v1/status?unit=12&period=2025&programme=LDLD-Y").await;
        assert_eq!(agencies(&own), ["lien-doan-lao-dong"], "{own}");
        assert_eq!(own["expected"], 0, "no commune reports under it: {own}");
        let (_, national) = app.get("/api/v1/status?unit=12&period=2025").await;
        assert_eq!((national["programme"].as_str(), agencies(&national).len()), (Some("NS-Y"), 2), "{national}");
        // Of the provinces, only Lai Châu reports under it; Tuyên Quang has nobody bound.
        let (_, country) = app.get("/api/v1/status?unit=VN&period=2025&programme=LDLD-Y").await;
        let provinces: Vec<&str> = country["children"].as_array().unwrap().iter().map(|c| c["unit"]["code"].as_str().unwrap()).collect();
        assert_eq!(provinces, ["12"], "{country}");
        let (_, other) = app.get("/api/v1/status?unit=08&period=2025&programme=LDLD-Y").await;
        assert_eq!(other["expected"], 0, "{other}");

        // The federation sends its part under its programme; the national programme's part is still to come.
        assert_eq!(app.send(&labour, Method::PUT, "/api/v1/values?unit=12&period=2025", Some(&json!({"values": [
            {"element": "2.3.num", "value": "12"}, {"element": "2.3.den", "value": "40"}]}))).await.0, StatusCode::OK);
        let (s, body) = app.send(&labour, Method::POST, "/api/v1/workflow/submit?unit=12&period=2025&programme=LDLD-Y", None).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let state = |status: &Value, agency: &str| status["agencies"].as_array().unwrap().iter()
            .find(|a| a["agency"] == agency).map(|a| a["state"].as_str().unwrap().to_string());
        let (_, own) = app.get("/api/v1/status?unit=12&period=2025&programme=LDLD-Y").await;
        assert_eq!(state(&own, "lien-doan-lao-dong").as_deref(), Some("submitted"));
        let (_, national) = app.get("/api/v1/status?unit=12&period=2025").await;
        assert_eq!(state(&national, "lien-doan-lao-dong").as_deref(), Some("draft"), "{national}");
        // The health department is not bound by the federation's programme.
        let store = &app.db.store;
        let province = store.unit_on("12", binhdang_store::testing::test_today()).await.unwrap();
        let programme = store.programme("LDLD-Y").await.unwrap();
        let actor = binhdang_store::Actor { name: "yte.12".into(), origin: "test".into(), entered_from: None };
        let refused = store.submit_agency_part("so-y-te", &province, &programme, &"2025".parse().unwrap(), &actor).await.unwrap_err();
        match refused {
            binhdang_store::StoreError::Invalid(problems) => assert_eq!(problems[0].code, "not_bound"),
            other => panic!("{other:?}"),
        }
    }
}
