//! Accounts over the API: a new password ends the other ways in, the last administrator
//! stays, and a disabled account can be enabled again.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use binhdang_store::testing::TEST_PASSWORD;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{App, client_with_token, problems};

/// Signs in with the password: a client sending the session cookie, and its CSRF token.
async fn signed_in(app: &App, username: &str, password: &str) -> (reqwest::Client, String) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/sign-in", app.base))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let body: Value = r.json().await.unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
    let client = reqwest::Client::builder().default_headers(headers).build().unwrap();
    (client, body["csrf_token"].as_str().unwrap().to_string())
}

async fn me(app: &App, client: &reqwest::Client) -> StatusCode {
    client
        .get(format!("{}/api/v1/auth/me", app.base))
        .send()
        .await
        .unwrap()
        .status()
}

on_both_backends! {
    async fn a_new_password_ends_the_other_sessions_and_every_token(backend: Backend) {
        let app = App::spawn(backend).await;
        let token = app.db.token_for("can.bo", Role::Officer, "12").await;
        let by_token = client_with_token(&token);
        let (here, csrf) = signed_in(&app, "can.bo", TEST_PASSWORD).await;
        let (elsewhere, _) = signed_in(&app, "can.bo", TEST_PASSWORD).await;
        for c in [&by_token, &here, &elsewhere] {
            assert_eq!(me(&app, c).await, StatusCode::OK);
        }
        let changed = here
            .post(format!("{}/api/v1/auth/password", app.base))
            .header("x-csrf-token", &csrf)
            .json(&json!({ "old_password": TEST_PASSWORD, "new_password": "mat-khau-moi-2026" }))
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), StatusCode::NO_CONTENT);
        assert_eq!(me(&app, &here).await, StatusCode::OK, "the session it was changed in stays");
        assert_eq!(me(&app, &elsewhere).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me(&app, &by_token).await, StatusCode::UNAUTHORIZED);

        // An administrator's reset ends that session too, and a token made after the change.
        let later = client_with_token(&app.db.store.create_token("can.bo", "later", "test", "test").await.unwrap());
        assert_eq!(me(&app, &later).await, StatusCode::OK);
        let (s, _) = app
            .post("/api/v1/users/can.bo/reset-password", &json!({ "password": "mot-lan-dung-1" }))
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(me(&app, &here).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me(&app, &later).await, StatusCode::UNAUTHORIZED);
    }
}

on_both_backends! {
    async fn the_last_administrator_stays_and_a_disabled_account_comes_back(backend: Backend) {
        let app = App::spawn(backend).await;
        // `tester` (the app's client) is the only administrator: it cannot disable itself.
        let (s, body) = app.post("/api/v1/users/tester/disable", &json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(problems(&body), [("username".into(), "last_admin".into())]);
        assert!(body["error"]["message"].as_str().unwrap().contains("quản trị"));
        assert!(!app.db.store.user_by_name("tester").await.unwrap().unwrap().disabled);

        // With a second administrator, one of them can go; then the other is the last.
        let second = app.user("quan.tri.2", Role::Admin, "VN").await;
        assert_eq!(app.post("/api/v1/users/tester/disable", &json!({})).await.0, StatusCode::NO_CONTENT);
        let refused = second
            .post(format!("{}/api/v1/users/quan.tri.2/disable", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let enabled = second
            .post(format!("{}/api/v1/users/tester/enable", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(enabled.status(), StatusCode::NO_CONTENT);
        assert!(!app.db.store.user_by_name("tester").await.unwrap().unwrap().disabled);
        let trail: Value = second
            .get(format!("{}/api/v1/audit?unit=VN", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(trail.to_string().contains("user.enable"), "{trail}");
    }
}

on_both_backends! {
    async fn tokens_are_listed_revoked_one_by_one_and_expire(backend: Backend) {
        let app = App::spawn(backend).await;
        let officer = app.user("can.bo.t", Role::Officer, "12").await;
        let create = |days: Value| {
            let officer = officer.clone();
            let url = format!("{}/api/v1/tokens", app.base);
            async move {
                let r = officer.post(url).json(&json!({ "name": "may-tinh-bang", "expires_in_days": days })).send().await.unwrap();
                (r.status(), r.json::<Value>().await.unwrap())
            }
        };
        let (s, body) = create(json!(400)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(problems(&body), [("expires_in_days".into(), "bad_days".into())]);
        let (s, made) = create(json!(30)).await;
        assert_eq!(s, StatusCode::CREATED, "{made}");
        let tablet = client_with_token(made["token"].as_str().unwrap());
        assert_eq!(me(&app, &tablet).await, StatusCode::OK);
        let (s, default) = create(Value::Null).await;
        assert_eq!(s, StatusCode::CREATED);
        let expires = |v: &Value| time::Date::parse(&v["expires_at"].as_str().unwrap()[..10], time::macros::format_description!("[year]-[month]-[day]")).unwrap();
        let today = binhdang_store::testing::test_today();
        assert_eq!(expires(&made), today + time::Duration::days(30));
        assert_eq!(expires(&default), today + time::Duration::days(90));

        // Listed without the secret, with their dates; the last use is recorded.
        let list: Value = tablet.get(format!("{}/api/v1/tokens", app.base)).send().await.unwrap().json().await.unwrap();
        let listed = list["tokens"].as_array().unwrap();
        let entry = listed.iter().find(|t| t["id"] == made["id"]).expect("the new token is listed");
        assert_eq!(entry["name"], "may-tinh-bang");
        assert!(entry["last_used_at"].is_string(), "{entry}");
        assert!(!list.to_string().contains(made["token"].as_str().unwrap()));

        // Revoked one by one: that token stops, the others go on; another's token is not found.
        let path = format!("{}/api/v1/tokens/{}", app.base, made["id"]);
        assert_eq!(officer.delete(&path).send().await.unwrap().status(), StatusCode::NO_CONTENT);
        assert_eq!(me(&app, &tablet).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me(&app, &officer).await, StatusCode::OK);
        let (s, _) = app.send(&app.client, reqwest::Method::DELETE, &format!("/api/v1/tokens/{}", default["id"]), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "the administrator's own tokens do not include the officer's");

        // A token made 100 days ago for 90 days has expired.
        let long_ago = app.db.store.clone().with_clock(binhdang_store::Clock::pinned(today - time::Duration::days(100)));
        let old = long_ago.create_expiring_token("can.bo.t", "cu", Some(90), "test", "test").await.unwrap();
        assert_eq!(me(&app, &client_with_token(&old)).await, StatusCode::UNAUTHORIZED);
        let recent = long_ago.create_expiring_token("can.bo.t", "moi", Some(120), "test", "test").await.unwrap();
        assert_eq!(me(&app, &client_with_token(&recent)).await, StatusCode::OK);
    }
}

on_both_backends! {
    async fn browser_writes_come_from_this_site_and_https_deployments_get_secure_cookies(backend: Backend) {
        let app = App::spawn(backend).await;
        app.db.token_for("can.bo.o", Role::Officer, "12").await;
        let (browser, csrf) = signed_in(&app, "can.bo.o", TEST_PASSWORD).await;
        let token_from = |origin: String| {
            let (browser, csrf) = (browser.clone(), csrf.clone());
            let url = format!("{}/api/v1/tokens", app.base);
            async move {
                browser.post(url).header("x-csrf-token", csrf).header("origin", origin).json(&json!({})).send().await.unwrap()
            }
        };
        // With the right CSRF token but from another site: refused, whatever the route.
        let r = token_from("http://evil.example".into()).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "cross_origin");
        assert_eq!(token_from(app.base.clone()).await.status(), StatusCode::CREATED);
        // A plain http deployment: no Secure flag, whatever a client claims about TLS.
        let r = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/sign-in", app.base))
            .header("x-forwarded-proto", "https")
            .json(&json!({ "username": "can.bo.o", "password": TEST_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert!(!r.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
        assert!(r.headers().get("strict-transport-security").is_none());

        // Behind a proxy at an https address: Secure cookies and HSTS, on pages and the API.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let settings = binhdang_web::Settings {
            public_url: Some("https://binhdang.example.vn".into()),
            ..Default::default()
        };
        tokio::spawn(binhdang_web::serve_with(listener, app.db.store.clone(), settings));
        let r = reqwest::Client::new()
            .post(format!("{base}/api/v1/auth/sign-in"))
            .json(&json!({ "username": "can.bo.o", "password": TEST_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
        assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
        let page = reqwest::Client::new().get(format!("{base}/dang-nhap")).send().await.unwrap();
        assert!(page.headers().get_all("set-cookie").iter().all(|c| c.to_str().unwrap().contains("; Secure")));
        assert!(page.headers().contains_key("strict-transport-security"));
    }
}

on_both_backends! {
    async fn behind_a_trusted_proxy_each_officer_has_their_own_address(backend: Backend) {
        let app = App::spawn(backend).await;
        app.db.token_for("can.bo.p", Role::Officer, "12").await;
        let sign_in = |base: String, forwarded: &'static str, password: &'static str| async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/auth/sign-in"))
                .header("x-forwarded-for", forwarded)
                .json(&json!({ "username": "can.bo.p", "password": password }))
                .send()
                .await
                .unwrap()
                .status()
        };
        // Without a trusted proxy the header is the client's word, and ignored: five
        // failures "from" one address stop the account for the real peer address.
        for _ in 0..5 {
            assert_eq!(sign_in(app.base.clone(), "203.0.113.5", "sai-mat-khau-1").await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(sign_in(app.base.clone(), "203.0.113.6", TEST_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
        // An administrator who knows it was the owner lifts the limit.
        let (s, _) = app.post("/api/v1/users/can.bo.p/lift-sign-in-limit", &json!({})).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(sign_in(app.base.clone(), "203.0.113.6", TEST_PASSWORD).await, StatusCode::OK);

        // Behind a trusted proxy (loopback here), the forwarded address counts: another
        // address's failures do not stop the officer at their own.
        app.db.token_for("can.bo.q", Role::Officer, "12").await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let settings = binhdang_web::Settings {
            trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
            ..Default::default()
        };
        tokio::spawn(binhdang_web::serve_with(listener, app.db.store.clone(), settings));
        let sign_in_q = |forwarded: &'static str, password: &'static str| {
            let base = base.clone();
            async move {
                reqwest::Client::new()
                    .post(format!("{base}/api/v1/auth/sign-in"))
                    .header("x-forwarded-for", forwarded)
                    .json(&json!({ "username": "can.bo.q", "password": password }))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        for _ in 0..5 {
            assert_eq!(sign_in_q("198.51.100.7", "sai-mat-khau-1").await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(sign_in_q("198.51.100.7", TEST_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(sign_in_q("198.51.100.8, 127.0.0.1", TEST_PASSWORD).await, StatusCode::OK);
    }
}

on_both_backends! {
    async fn a_province_imports_its_accounts_from_a_csv_list(backend: Backend) {
        let app = App::spawn(backend).await;
        let post = |client: &reqwest::Client, csv: String| {
            let request = client.post(format!("{}/api/v1/users/import", app.base)).header("content-type", "text/csv").body(csv);
            async move {
                let r = request.send().await.unwrap();
                (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let heading = "username,full_name,role,unit,agency,email,phone\n";
        let good = format!(
            "{heading}cb.doanket,Lò Thị Hoa,officer,03388,,hoa@laichau.gov.vn,0912345678\n\
             cb.phongtho,Vàng A Sử,officer,109,,,\ntong.hop.12,Nguyễn Văn Bình,reviewer,12,,,\n"
        );
        // One bad unit: nothing is written, the row and column are named.
        let bad = good.replace("officer,109", "officer,99999");
        let (s, body) = post(&app.client, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(problems(&body).iter().any(|(field, _)| field == "row 2, column unit"), "{body}");
        let (s, body) = app.get("/api/v1/users").await;
        assert_eq!(s, StatusCode::OK);
        assert!(!body.to_string().contains("cb.doanket"), "nothing written: {body}");

        let (s, body) = post(&app.client, good.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let created = body["created"].as_array().unwrap();
        assert_eq!(created.len(), 3);
        let password = created[0]["one_time_password"].as_str().unwrap();
        let (_, _) = signed_in(&app, created[0]["username"].as_str().unwrap(), password).await;
        // Again: nothing new, nothing changed.
        let (s, body) = post(&app.client, good).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["unchanged"].as_array().unwrap().len(), 3);
        // Only an administrator may.
        let officer = app.user("cb.khac", Role::Officer, "03388").await;
        let (s, _) = post(&officer, format!("{heading}x.y.z,,officer,03388,,,\n")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // Found by e-mail (any case), by name, by unit, a page at a time, with the last sign-in.
        let usernames = |body: &Value| -> Vec<String> {
            body["users"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_string()).collect()
        };
        let (_, by_mail) = app.get("/api/v1/users?q=HOA%40laichau").await;
        assert_eq!(usernames(&by_mail), ["cb.doanket"], "{by_mail}");
        assert!(by_mail["users"][0]["last_sign_in"].is_string(), "signed in above: {by_mail}");
        assert_eq!(by_mail["users"][0]["full_name"], "Lò Thị Hoa");
        let (_, by_name) = app.get("/api/v1/users?q=Nguy%E1%BB%85n").await;
        assert_eq!(usernames(&by_name), ["tong.hop.12"]);
        assert!(by_name["users"][0]["last_sign_in"].is_null(), "never signed in: {by_name}");
        let (_, literal) = app.get("/api/v1/users?q=cb_").await;
        assert_eq!(literal["total"], 0, "an underscore typed is an underscore, not any letter: {literal}");
        let (_, by_unit) = app.get("/api/v1/users?q=03388").await;
        assert_eq!(usernames(&by_unit), ["cb.doanket", "cb.khac"]);
        let (_, second) = app.get("/api/v1/users?per_page=2&page=2").await;
        assert_eq!((second["total"].as_i64(), second["pages"].as_i64()), (Some(5), Some(3)), "{second}");
        assert_eq!(usernames(&second), ["cb.phongtho", "tester"]);
        // The page: the search box keeps what was typed, the list says where it stands.
        app.db.token_for("quan.tri.12", Role::Admin, "12").await;
        let mut admin = support::visitor::Visitor::new(&app);
        admin.sign_in("quan.tri.12", TEST_PASSWORD).await;
        let page = admin.get("/quan-tri/nguoi-dung?q=03388").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"user-cb.doanket\"") && page.body.contains("id=\"user-cb.khac\""));
        assert!(!page.body.contains("id=\"user-tong.hop.12\""));
        assert!(page.body.contains("value=\"03388\"") && page.body.contains("Trang 1 / 1"), "{}", page.body);
    }
}

on_both_backends! {
    async fn a_province_creates_renames_and_closes_its_agencies(backend: Backend) {
        let app = App::spawn(backend).await;
        let names = |unit: Value| -> Vec<String> {
            unit["agencies"].as_array().unwrap().iter().map(|a| a["name_vi"].as_str().unwrap().to_string()).collect()
        };
        for (code, name) in [("so-y-te", "Sở Y tế"), ("hoi-lhpn", "Hội Liên hiệp Phụ nữ tỉnh"), ("phong-ldtbxh-x", "Phòng Lao động - Thương binh và Xã hội")] {
            let (s, body) = app.post("/api/v1/units/12/agencies", &json!({ "code": code, "name_vi": name })).await;
            assert_eq!(s, StatusCode::CREATED, "{body}");
        }
        let (s, body) = app.post("/api/v1/units/12/agencies", &json!({ "code": "so-y-te", "name_vi": "Trùng" })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(problems(&body).iter().any(|(f, c)| f == "code" && c == "code_taken"), "{body}");
        let (s, body) = app.post("/api/v1/units/12/agencies", &json!({ "code": "Sở Y Tế", "name_vi": "" })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(problems(&body).len(), 2, "the code and the name, at once: {body}");
        let (_, unit) = app.get("/api/v1/units/12").await;
        assert!(names(unit).contains(&"Sở Y tế".to_string()));

        // The 2025 reform: the department is renamed, then closed; its history stays.
        let r = app.client.put(format!("{}/api/v1/agencies/phong-ldtbxh-x", app.base))
            .json(&json!({ "name_vi": "Phòng Nội vụ" })).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let (_, unit) = app.get("/api/v1/units/12").await;
        assert!(names(unit).contains(&"Phòng Nội vụ".to_string()));
        let (s, body) = app.post("/api/v1/agencies/phong-ldtbxh-x/close", &json!({ "on": "2025-07-01" })).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let (_, unit) = app.get("/api/v1/units/12").await;
        let listed = names(unit);
        assert!(!listed.contains(&"Phòng Nội vụ".to_string()) && listed.contains(&"Sở Y tế".to_string()), "{listed:?}");
        let (_, trail) = app.get("/api/v1/audit?unit=12").await;
        let rename = trail["records"].as_array().unwrap().iter().find(|r| r["action"] == "agency.rename").unwrap().clone();
        assert!(rename["old_value"].to_string().contains("Lao động - Thương binh"), "{rename}");
        assert!(trail["records"].as_array().unwrap().iter().any(|r| r["action"] == "agency.close"));
        // Only administrators.
        let reviewer = app.user("tong.hop", binhdang_domain::access::Role::Reviewer, "12").await;
        let r = reviewer.post(format!("{}/api/v1/units/12/agencies", app.base)).json(&json!({ "code": "x-y", "name_vi": "X" })).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}
