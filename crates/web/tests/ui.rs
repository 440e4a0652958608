//! The server-rendered interface over plain HTTP (no browser): redirects to the sign-in page,
//! sign-in with its anti-forgery token and rate limit, the session cookie, CSRF checks on
//! every form, the forced password change, the language cookie, scope checks, the data-entry
//! form's Vietnamese numbers and errors, the workflow, and the static files. The browser
//! suite (`browser.rs`) drives the same pages in Chromium.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::testing::TEST_PASSWORD;
use binhdang_store::{Backend, NewUser, on_both_backends};
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
use support::App;
use support::visitor::{Page, Visitor};

async fn user(app: &App, username: &str, role: Role, unit: &str) {
    app.db.token_for(username, role, unit).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_need_a_session_and_sign_in_works_through_the_form() {
    let app = App::spawn(Backend::Sqlite).await;
    user(&app, "can.bo", Role::Officer, "12").await;
    let mut v = Visitor::new(&app);

    // Without a session every page sends the visitor to the sign-in page, and back afterwards.
    let home = v.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/dang-nhap");
    let deep = v.get("/bang-dieu-khien?unit=12&period=2025").await;
    assert_eq!(deep.status, StatusCode::SEE_OTHER);
    assert_eq!(
        deep.location(),
        "/dang-nhap?next=%2Fbang-dieu-khien%3Funit%3D12%26period%3D2025"
    );

    // The sign-in page: Vietnamese, labelled inputs, an anti-forgery token, safe headers.
    let form = v.get("/dang-nhap").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<html lang=\"vi\">"));
    assert!(form.body.contains("<label for=\"username\">Tên đăng nhập</label>"));
    assert!(form.body.contains("<label for=\"password\">Mật khẩu</label>"));
    assert!(v.cookies.contains_key("binhdang_login"));
    let csp = form.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(form.headers["cache-control"], "private, no-store");

    // A form without the token is refused, even with the right password.
    let forged = v
        .post(
            "/dang-nhap",
            &[("username", "can.bo"), ("password", TEST_PASSWORD), ("csrf", "forged")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(!v.cookies.contains_key("binhdang_session"));

    // A wrong password: the message, the username kept, no session.
    let wrong = v.sign_in("can.bo", "not-the-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("Sai tên đăng nhập hoặc mật khẩu"));
    assert!(wrong.body.contains("value=\"can.bo\""));
    assert!(!v.cookies.contains_key("binhdang_session"));

    // The right one: an HttpOnly, SameSite=Strict session cookie and the way back.
    let form = v.get("/dang-nhap?next=%2Fbang-dieu-khien").await;
    let csrf = form.csrf();
    let ok = v
        .post(
            "/dang-nhap",
            &[
                ("username", "can.bo"),
                ("password", TEST_PASSWORD),
                ("csrf", &csrf),
                ("next", "/bang-dieu-khien"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location(), "/bang-dieu-khien");
    let set_cookie: Vec<&str> = ok
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let session = set_cookie
        .iter()
        .find(|c| c.starts_with("binhdang_session="))
        .expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict") && session.contains("Path=/"));
    let home = v.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("can.bo"), "{}", home.body);
    assert!(home.body.contains("Cán bộ nhập liệu"));

    // An open redirect is not possible through `next`.
    let mut other = Visitor::new(&app);
    let form = other.get("/dang-nhap").await;
    let csrf = form.csrf();
    let r = other
        .post(
            "/dang-nhap",
            &[
                ("username", "can.bo"),
                ("password", TEST_PASSWORD),
                ("csrf", &csrf),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/");
    // Nor with a tab the browser would drop (`/%09/evil.example` read as `/\t/evil.example`):
    // signed in now, the sign-in page sends the visitor on at once.
    let tab = other.get("/dang-nhap?next=/%09/evil.example").await;
    assert_eq!(tab.status, StatusCode::SEE_OTHER);
    assert_eq!(tab.location(), "/");

    // Signing out needs the session's token; then the session is gone.
    let refused = v.post("/dang-xuat", &[("csrf", "nope")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(v.get("/").await.status, StatusCode::OK);
    let csrf = v.get("/").await.csrf();
    let out = v.post("/dang-xuat", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/dang-nhap?msg=signed_out");
    assert!(!v.cookies.contains_key("binhdang_session"));
    let page = v.get(out.location()).await;
    assert!(page.body.contains("Bạn đã đăng xuất."));
    assert_eq!(v.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_page_lists_the_tokens_and_revokes_one() {
    let app = App::spawn(Backend::Sqlite).await;
    user(&app, "nguoi.dung.t", Role::Viewer, "12").await;
    let store = &app.db.store;
    let kept = store
        .create_expiring_token("nguoi.dung.t", "bang-tinh", Some(30), "test", "test")
        .await
        .unwrap();
    let gone = store
        .create_expiring_token("nguoi.dung.t", "dien-thoai-cu", Some(30), "test", "test")
        .await
        .unwrap();
    let mut v = Visitor::new(&app);
    v.sign_in("nguoi.dung.t", TEST_PASSWORD).await;
    let page = v.get("/doi-mat-khau").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("bang-tinh") && page.body.contains("dien-thoai-cu"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(&kept) && !page.body.contains(&gone),
        "never the secret"
    );
    let id = store
        .tokens_of("nguoi.dung.t")
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "dien-thoai-cu")
        .unwrap()
        .id;
    let csrf = page.csrf();
    let r = v
        .post("/doi-mat-khau/thu-hoi", &[("csrf", &csrf), ("id", &id.to_string())])
        .await;
    assert_eq!(r.location(), "/doi-mat-khau?msg=token_revoked");
    let page = v.get(r.location()).await;
    assert!(page.body.contains("Đã thu hồi mã truy cập."));
    assert!(page.body.contains("Không còn hiệu lực"));
    assert!(store.token_user(&gone).await.unwrap().is_none());
    assert!(store.token_user(&kept).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_are_rate_limited_with_a_message() {
    let app = App::spawn(Backend::Sqlite).await;
    user(&app, "nguoi.dung", Role::Viewer, "12").await;
    let mut v = Visitor::new(&app);
    for _ in 0..5 {
        assert_eq!(
            v.sign_in("nguoi.dung", "wrong-password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = v.sign_in("nguoi.dung", TEST_PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key("retry-after"));
    assert!(
        limited
            .body
            .contains("Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút."),
        "{}",
        limited.body
    );
    // In English too.
    let page = v.get("/dang-nhap?lang=en").await;
    let csrf = page.csrf();
    let limited = v
        .post(
            "/dang-nhap",
            &[("username", "nguoi.dung"), ("password", TEST_PASSWORD), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited
            .body
            .contains("Too many failed sign-ins. Try again in 15 minute(s).")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_time_password_must_be_changed_first() {
    let app = App::spawn(Backend::Sqlite).await;
    let new = NewUser {
        username: "moi",
        role: Role::Officer,
        unit_code: "12",
        agency_code: None,
        password: "mat-khau-tam-thoi",
        must_change_password: true,
    };
    app.db.store.add_user(&new, "test", "test").await.unwrap();
    let mut v = Visitor::new(&app);
    let r = v.sign_in("moi", "mat-khau-tam-thoi").await;
    assert_eq!(r.location(), "/doi-mat-khau");
    // Every other page sends the user back to the form.
    let home = v.get("/").await;
    assert_eq!(home.location(), "/doi-mat-khau");
    let form = v.get("/doi-mat-khau").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Bạn đang dùng mật khẩu tạm thời"));
    let csrf = form.csrf();
    // Mismatch, too short, wrong current password: each said next to its field.
    let r = v
        .post(
            "/doi-mat-khau",
            &[
                ("csrf", &csrf),
                ("old_password", "mat-khau-tam-thoi"),
                ("new_password", "mot-mat-khau-moi"),
                ("confirm_password", "khac"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Hai lần nhập mật khẩu mới không khớp nhau."));
    let r = v
        .post(
            "/doi-mat-khau",
            &[
                ("csrf", &csrf),
                ("old_password", "mat-khau-tam-thoi"),
                ("new_password", "ngan"),
                ("confirm_password", "ngan"),
            ],
        )
        .await;
    assert!(r.body.contains("Mật khẩu cần ít nhất 10 ký tự"), "{}", r.body);
    let r = v
        .post(
            "/doi-mat-khau",
            &[
                ("csrf", &csrf),
                ("old_password", "sai-mat-khau"),
                ("new_password", "mot-mat-khau-moi"),
                ("confirm_password", "mot-mat-khau-moi"),
            ],
        )
        .await;
    assert!(r.body.contains("Mật khẩu hiện tại không đúng"));
    // Without the token nothing changes.
    let r = v
        .post(
            "/doi-mat-khau",
            &[
                ("old_password", "mat-khau-tam-thoi"),
                ("new_password", "mot-mat-khau-moi"),
                ("confirm_password", "mot-mat-khau-moi"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = v
        .post(
            "/doi-mat-khau",
            &[
                ("csrf", &csrf),
                ("old_password", "mat-khau-tam-thoi"),
                ("new_password", "mot-mat-khau-moi"),
                ("confirm_password", "mot-mat-khau-moi"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/?msg=password_changed");
    let home = v.get("/?msg=password_changed").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Đã đổi mật khẩu."));
    // The new password works, the old one does not.
    let mut again = Visitor::new(&app);
    assert_eq!(
        again.sign_in("moi", "mat-khau-tam-thoi").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(again.sign_in("moi", "mot-mat-khau-moi").await.location(), "/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_is_chosen_by_link_and_remembered() {
    let app = App::spawn(Backend::Sqlite).await;
    let mut v = Visitor::new(&app);
    let vi = v.get("/dang-nhap").await;
    assert!(vi.body.contains("href=\"/dang-nhap?lang=en\""), "{}", vi.body);
    let en = v.get("/dang-nhap?lang=en").await;
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains("<label for=\"username\">Username</label>"));
    assert_eq!(v.cookies.get("binhdang_lang").map(String::as_str), Some("en"));
    // Remembered without the parameter, until switched back.
    assert!(v.get("/dang-nhap").await.body.contains("Sign in"));
    let back = v.get("/dang-nhap?lang=vi").await;
    assert!(back.body.contains("Đăng nhập"));
    assert!(v.get("/dang-nhap").await.body.contains("<html lang=\"vi\">"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_are_embedded_and_cached() {
    let app = App::spawn(Backend::Sqlite).await;
    let mut v = Visitor::new(&app);
    let page = v.get("/dang-nhap").await;
    // Own files carry a fingerprint; vendored ones their version.
    let css = page
        .body
        .split("href=\"")
        .find(|s| s.starts_with("/static/app.css?v="))
        .and_then(|s| s.split('"').next())
        .expect("the stylesheet link")
        .to_string();
    let r = v.get(&css).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "text/css; charset=utf-8");
    assert_eq!(r.headers["cache-control"], "public, max-age=31536000, immutable");
    assert!(r.body.contains("focus-visible"));
    let htmx = v.get("/static/htmx-2.0.11.min.js").await;
    assert_eq!(htmx.status, StatusCode::OK);
    assert_eq!(htmx.headers["content-type"], "text/javascript; charset=utf-8");
    assert!(htmx.body.contains("htmx"));
    let echarts = v.get("/static/echarts-6.1.0-dashboard.min.js").await;
    assert_eq!(echarts.status, StatusCode::OK);
    assert!(echarts.body.len() > 500_000);
    // Revalidation by ETag.
    let etag = htmx.headers["etag"].to_str().unwrap().to_string();
    let r = v
        .http
        .get(format!("{}/static/htmx-2.0.11.min.js", v.base))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    // Compressed for clients that accept it.
    let r = v
        .http
        .get(format!("{}/static/echarts-6.1.0-dashboard.min.js", v.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(v.get("/static/nothing.js").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        v.get("/static/favicon.svg").await.headers["content-type"],
        "image/svg+xml"
    );
    // Files outside /static are not found, not sent to the sign-in page (which would renew
    // its form's token behind the visitor's back).
    assert_eq!(v.get("/favicon.ico").await.status, StatusCode::NOT_FOUND);
    let first = v.get("/dang-nhap").await.csrf();
    assert_eq!(
        v.get("/dang-nhap").await.csrf(),
        first,
        "the sign-in token is kept between visits"
    );
    // Unknown pages: to the sign-in page without a session.
    assert_eq!(v.get("/khong-co").await.location(), "/dang-nhap?next=%2Fkhong-co");
}

on_both_backends! {
    async fn the_sign_in_page_works_on_both_databases(backend: Backend) {
        let app = App::spawn(backend).await;
        user(&app, "tong.hop", Role::Reviewer, "12").await;
        let h1 = format!("{}H1", this_year());
        enter(&app, "03390", &h1, "tong.hop").await;
        move_report(&app, "03390", &h1, "submit", None, "tong.hop").await;
        let mut v = Visitor::new(&app);
        assert_eq!(v.sign_in("tong.hop", TEST_PASSWORD).await.location(), "/");
        let home = v.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains(&format!("/xet-duyet?unit=03390&#38;period={h1}")));
    }
}

fn actor(name: &str) -> binhdang_store::Actor {
    binhdang_store::Actor {
        name: name.into(),
        origin: "test".into(),
        entered_from: None,
    }
}

/// Writes a valid little report for a unit and period directly through the store.
async fn enter(app: &App, unit: &str, period: &str, by: &str) {
    let (unit, period) = app.db.store.resolve_unit_period(unit, period).await.unwrap();
    let values: Vec<binhdang_store::ValueInput> = [("1.1.num", "1"), ("1.1.den", "2")]
        .into_iter()
        .map(|(e, v)| binhdang_store::ValueInput {
            element: e.into(),
            disaggregation: None,
            value: binhdang_store::RawValue::Text(v.into()),
            comment: None,
            source: None,
            expected: None,
        })
        .collect();
    app.db
        .store
        .write_values(&unit, &period, &values, &actor(by))
        .await
        .unwrap();
}

async fn move_report(app: &App, unit: &str, period: &str, transition: &str, reason: Option<&str>, by: &str) {
    let (unit, period) = app.db.store.resolve_unit_period(unit, period).await.unwrap();
    let programme = app.db.store.programme_for(&period).await.unwrap().unwrap();
    let request = binhdang_store::TransitionRequest {
        transition: transition.parse().unwrap(),
        reason,
    };
    app.db
        .store
        .transition(&unit, &programme, &period, request, &actor(by))
        .await
        .unwrap();
}

/// Whole-number totals (no breakdown) of data elements, as the store takes them.
fn totals(values: &[(&str, i64)]) -> Vec<binhdang_store::ValueInput> {
    values
        .iter()
        .map(|(e, v)| binhdang_store::ValueInput {
            element: e.to_string(),
            disaggregation: None,
            value: binhdang_store::RawValue::Text(v.to_string()),
            comment: None,
            source: None,
            expected: None,
        })
        .collect()
}

fn this_year() -> i32 {
    binhdang_store::testing::test_today().year()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_has_its_home_page() {
    let app = App::spawn(Backend::Sqlite).await;
    // Two communes of Lai Châu after the 2025 reform, their officers, the province's reviewer.
    user(&app, "xa.doan.ket", Role::Officer, "03388").await;
    user(&app, "tinh.review", Role::Reviewer, "12").await;
    user(&app, "tinh.lanh.dao", Role::Leader, "12").await;
    let h1 = format!("{}H1", this_year());
    enter(&app, "03388", &h1, "xa.doan.ket").await;
    move_report(&app, "03388", &h1, "submit", None, "xa.doan.ket").await;
    move_report(
        &app,
        "03388",
        &h1,
        "return",
        Some("Thiếu số liệu chỉ tiêu 6.1"),
        "tinh.review",
    )
    .await;
    enter(&app, "03390", &h1, "tinh.review").await;
    move_report(&app, "03390", &h1, "submit", None, "tinh.review").await;

    // The officer: the returned report with its reason, and the unit's reports with deadlines.
    let mut officer = Visitor::new(&app);
    officer.sign_in("xa.doan.ket", TEST_PASSWORD).await;
    let home = officer.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let b = &home.body;
    assert!(b.contains("Báo cáo bị trả lại, cần sửa"), "{b}");
    assert!(b.contains("Thiếu số liệu chỉ tiêu 6.1"));
    assert!(
        b.contains(&format!("href=\"/nhap-lieu?unit=03388&#38;period={h1}\"")),
        "{b}"
    );
    assert!(b.contains(&format!("6 tháng đầu năm {}", this_year())));
    assert!(
        b.contains(&format!("05/06/{}", this_year())),
        "the commune deadline of the first-half report"
    );
    assert!(b.contains("Bị trả lại"));
    assert!(!b.contains("Báo cáo chờ xét duyệt"), "officers review nothing");

    // The reviewer: the waiting report, and how many of the 38 communes have reported.
    let mut reviewer = Visitor::new(&app);
    reviewer.sign_in("tinh.review", TEST_PASSWORD).await;
    let b = reviewer.get("/").await.body;
    assert!(b.contains("Báo cáo chờ xét duyệt"));
    assert!(
        b.contains(&format!("href=\"/xet-duyet?unit=03390&#38;period={h1}\"")),
        "{b}"
    );
    assert!(
        !b.contains(&format!("/xet-duyet?unit=03388&#38;period={h1}")),
        "returned, not waiting"
    );
    assert!(b.contains("Tiến độ báo cáo của đơn vị cấp dưới"));
    assert!(b.contains("<td class=\"num\" data-label=\"Số đơn vị\">38</td>"), "{b}");

    // The leader goes to the dashboard.
    let mut leader = Visitor::new(&app);
    leader.sign_in("tinh.lanh.dao", TEST_PASSWORD).await;
    assert_eq!(leader.get("/").await.location(), "/bang-dieu-khien");
}

/// The stored values of a unit and period, as `element/breakdown = value`.
async fn stored(app: &App, unit: &str, period: &str) -> Vec<String> {
    let (unit, period) = app.db.store.resolve_unit_period(unit, period).await.unwrap();
    app.db
        .store
        .values(&unit, &period)
        .await
        .unwrap()
        .into_iter()
        .map(|v| format!("{}/{}={}", v.element, v.disaggregation, v.value.unwrap_or_default()))
        .collect()
}

/// The form's fields as the browser would send them, with some boxes changed.
fn form_with<'a>(page: &'a Page, changes: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let body = &page.body;
    let start = body.find("id=\"entry-form\"").expect("the entry form");
    let form = &body[start..body[start..].find("</form>").unwrap() + start];
    for piece in form.split("<input").skip(1) {
        let attr = |name: &str| {
            let marker = format!(" {name}=\"");
            piece
                .split('>')
                .next()
                .and_then(|tag| tag.split_once(&marker))
                .map(|(_, rest)| rest.split('"').next().unwrap().to_string())
        };
        if let (Some(name), Some(value)) = (attr("name"), attr("value")) {
            fields.push((name, value.replace("&#46;", ".")));
        }
    }
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = value.to_string(),
            None => fields.push((name.to_string(), value.to_string())),
        }
    }
    fields
}

async fn post_fields(v: &mut Visitor, path: &str, fields: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    v.post(path, &pairs).await
}

on_both_backends! {
    async fn the_countrys_dashboard_shows_the_34_provinces_on_a_tile_map(backend: Backend) {
        let db = binhdang_store::testing::TestDb::new(backend).await;
        db.store.load_catalogue(&binhdang_store::seed::shipped_catalogue().unwrap()).await.unwrap();
        db.store.load_units(&binhdang_store::seed::UnitFiles::shipped()).await.unwrap();
        db.store.load_programmes(&binhdang_domain::calendar::default_programmes()).await.unwrap();
        let app = App::spawn_on(db).await;
        user(&app, "lanh.dao.tw", Role::Leader, "VN").await;
        let h1 = format!("{}H1", this_year());
        // Every commune of Lai Châu reached (above the national target); none elsewhere.
        let communes = app.db.store.units_valid_on(time::Date::from_calendar_date(this_year(), time::Month::June, 30).unwrap(), Some(binhdang_domain::UnitLevel::Commune), Some(&binhdang_domain::UnitCode::parse("12").unwrap())).await.unwrap();
        for commune in &communes {
            let (unit, period) = app.db.store.resolve_unit_period(&commune.code, &h1).await.unwrap();
            app.db.store.write_values(&unit, &period, &totals(&[("6.1.num", 90), ("6.1.den", 100)]), &actor("seed")).await.unwrap();
        }
        let mut v = Visitor::new(&app);
        v.sign_in("lanh.dao.tw", TEST_PASSWORD).await;
        let page = v.get(&format!("/bang-dieu-khien?unit=VN&period={h1}&indicator=6.1")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let map = page.body.split("id=\"tile-map\"").nth(1).expect("a tile map").split("</figure>").next().unwrap();
        assert_eq!(map.matches("<li style=\"grid-row:").count(), 34, "{map}");
        assert!(map.contains("mục tiêu quốc gia ≥ "), "{map}");
        let lai_chau = map.split("grid-row:1;grid-column:2").nth(1).unwrap().split("</li>").next().unwrap();
        assert!(lai_chau.contains(&format!("href=\"/bang-dieu-khien?unit=12&#38;period={h1}&#38;indicator=6.1\"")), "{lai_chau}");
        assert!(lai_chau.contains("s-exceeded") && lai_chau.contains("90,0%"), "{lai_chau}");
        assert!(map.contains("class=\"tile s-no_data\""), "the others have no figure");
        // A province's dashboard has no map of provinces.
        let page = v.get(&format!("/bang-dieu-khien?unit=12&period={h1}&indicator=6.1")).await;
        assert!(!page.body.contains("id=\"tile-map\""));
    }
}

on_both_backends! {
    async fn a_reviewer_picks_a_commune_by_its_name(backend: Backend) {
        let app = App::spawn(backend).await;
        user(&app, "chuyen.vien", Role::Reviewer, "12").await;
        let mut v = Visitor::new(&app);
        v.sign_in("chuyen.vien", TEST_PASSWORD).await;
        let year = this_year();
        let page = v.get(&format!("/so-theo-doi?period={year}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let b = &page.body;
        assert!(b.contains("<input id=\"pick-unit\" name=\"unit\" type=\"text\" list=\"unit-choices\""), "{b}");
        assert!(b.contains("<option value=\"03388\">Phường Đoàn Kết (03388) — Tỉnh Lai Châu</option>"), "{b}");
        // Typed by name, in any case, with or without its kind.
        for typed in ["Phường Đoàn Kết", "đoàn kết"] {
            let page = v.get(&format!("/so-theo-doi?unit={}&period={year}", support::visitor::encode(typed))).await;
            assert_eq!(page.status, StatusCode::OK, "{typed}: {}", page.body);
            assert!(page.body.contains("Phường Đoàn Kết (03388)") && page.body.contains("value=\"03388\""), "{typed}");
        }
        let page = v.get(&format!("/bao-cao?unit={}&period={year}", support::visitor::encode("Đoàn Kết"))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Báo cáo: Phường Đoàn Kết"), "{}", page.body);
        // A name outside the reviewer's province, or of no unit, is refused in words.
        let page = v.get(&format!("/so-theo-doi?unit={}&period={year}", support::visitor::encode("Phường Ba Đình"))).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("Không có đơn vị nào tên &#34;Phường Ba Đình&#34; trong phạm vi của bạn"), "{}", page.body);
    }
}

on_both_backends! {
    async fn a_box_someone_else_changed_after_the_form_was_loaded_is_not_overwritten(backend: Backend) {
        let app = App::spawn(backend).await;
        user(&app, "can.bo.xa", Role::Officer, "03388").await;
        let h1 = format!("{}H1", this_year());
        let path = format!("/nhap-lieu?unit=03388&period={h1}");
        let mut v = Visitor::new(&app);
        v.sign_in("can.bo.xa", TEST_PASSWORD).await;
        let loaded = v.get(&path).await;
        assert!(loaded.body.contains("name=\"was.v.6.1.num.male\" value=\"\""), "{}", loaded.body);
        // While the officer types, a colleague saves two boxes of the same report.
        let (unit, period) = app.db.store.resolve_unit_period("03388", &h1).await.unwrap();
        let theirs = [("6.1.num.male", "500"), ("6.1.den.female", "900")].map(|(key, value)| {
            let (element, d) = key.rsplit_once('.').unwrap();
            binhdang_store::ValueInput {
                element: element.into(),
                disaggregation: Some(d.into()),
                value: binhdang_store::RawValue::Text(value.into()),
                comment: None,
                source: None,
                expected: None,
            }
        });
        app.db.store.write_values(&unit, &period, &theirs, &actor("dong.nghiep")).await.unwrap();
        // The officer's save: the box both changed is refused with a message under it; the
        // other box is saved; the box only the colleague changed keeps the colleague's figure.
        let fields = form_with(&loaded, &[("v.6.1.num.male", "1.260"), ("v.6.1.den.male", "2.000"), ("do", "save")]);
        let r = post_fields(&mut v, &path, &fields).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let mut values = stored(&app, "03388", &h1).await;
        values.sort();
        assert_eq!(values, ["6.1.den/female=900", "6.1.den/male=2000", "6.1.num/male=500"]);
        assert!(r.body.contains("1 ô chưa được lưu vì đã có người khác sửa"), "{}", r.body);
        assert!(r.body.contains("đã được dong.nghiep đổi thành 500 sau khi bạn mở biểu mẫu"), "{}", r.body);
        assert!(r.body.contains("value=\"1.260\""), "the officer's figure stays in its box");
        assert!(r.body.contains("href=\"#v-6-1-num-male\""), "listed at the top, linked to the box: {}", r.body);
        // Saving that page again replaces the colleague's figure, knowingly.
        let again = form_with(&r, &[("do", "save")]);
        assert!(again.contains(&("was.v.6.1.num.male".to_string(), "500".to_string())), "{again:?}");
        let r = post_fields(&mut v, &path, &again).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mut values = stored(&app, "03388", &h1).await;
        values.sort();
        assert_eq!(values, ["6.1.den/female=900", "6.1.den/male=2000", "6.1.num/male=1260"]);
    }
}

on_both_backends! {
    async fn an_officer_enters_vietnamese_numbers_sees_problems_and_submits(backend: Backend) {
        let app = App::spawn(backend).await;
        user(&app, "can.bo.xa", Role::Officer, "03388").await;
        let h1 = format!("{}H1", this_year());
        let path = format!("/nhap-lieu?unit=03388&period={h1}");
        let mut v = Visitor::new(&app);
        v.sign_in("can.bo.xa", TEST_PASSWORD).await;
        let page = v.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let b = &page.body;
        // Grouped by objective; 6.1 entered by sex; every box has a label.
        assert!(b.contains("Mục tiêu 6:"), "{b}");
        assert!(b.contains("name=\"v.6.1.num.male\""));
        assert!(b.contains("<label class=\"sr-only\" for=\"v-6-1-num-female\">6.1 Tử số, nữ</label>"));
        assert!(b.contains("data-factor=\"100\""));
        // A province-level indicator is not on a commune's form.
        assert!(!b.contains("name=\"v.2.1.num.total\""));
        // The target that applies, and the previous report's value.
        assert!(b.contains("≥ 80,0% (quốc gia, năm 2030)") || b.contains("≥ 60,0% (quốc gia, năm 2025)"), "{b}");
        assert!(b.contains(&format!("6 tháng đầu năm {}", this_year() - 1)));

        // A box that is not a number: nothing saved, the message next to it, the typing kept.
        let fields = form_with(
            &page,
            &[
                ("v.6.1.num.male", "1.260"),
                ("v.6.1.den.male", "2.000"),
                ("v.6.1.num.female", "12 người"),
                ("v.6.1.den.female", "2,5"),
                ("do", "save"),
            ],
        );
        let r = post_fields(&mut v, &path, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("Chưa lưu: có ô nhập chưa đúng."));
        assert!(r.body.contains("Tử số (nữ): &#34;12 người&#34; không phải số hợp lệ"), "{}", r.body);
        // In the same pass, what the store would refuse of the boxes that do read.
        assert!(r.body.contains("2,5 phải là số nguyên"), "one pass: {}", r.body);
        assert!(r.body.contains("aria-invalid=\"true\""));
        assert!(r.body.contains("value=\"1.260\""), "typed input is kept");
        assert!(r.body.contains("value=\"12 người\""));
        assert!(stored(&app, "03388", &h1).await.is_empty(), "nothing of the batch is written");

        // A fraction of a person is refused by the store's checks, said in plain Vietnamese.
        let fields = form_with(&r, &[("v.6.1.num.female", "12,5")]);
        let r = post_fields(&mut v, &path, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("12,5 phải là số nguyên"), "written as it was typed: {}", r.body);
        assert!(!r.body.contains("12.5 phải là"), "12.5 reads as a hundred and twenty-five");

        // Saved with a numerator above its denominator: saved, and the rule's finding shown.
        let fields = form_with(&r, &[("v.6.1.num.female", "12"), ("v.6.1.den.female", "10"), ("do", "save")]);
        let r = post_fields(&mut v, &path, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("{path}&msg=saved"));
        let mut values = stored(&app, "03388", &h1).await;
        values.sort();
        assert_eq!(
            values,
            ["6.1.den/female=10", "6.1.den/male=2000", "6.1.num/female=12", "6.1.num/male=1260"]
        );
        let page = v.get(r.location()).await;
        assert!(page.body.contains("Đã lưu số liệu."));
        assert!(page.body.contains("value=\"1.260\""), "saved figures read back the Vietnamese way");
        assert!(page.body.contains("Tử số nữ (12) không được lớn hơn mẫu số nữ (10)"), "{}", page.body);
        assert!(page.body.contains("63,0%"), "the computed male value without JavaScript");
        // Listed at the top of the form, linked to where it is said beside the boxes.
        let list_at = page.body.find("id=\"problem-list\"").expect("a list of what to look at");
        let list = &page.body[list_at..list_at + page.body[list_at..].find("</nav>").unwrap()];
        let href = list.split("href=\"#").nth(1).and_then(|rest| rest.split('"').next()).expect("a link");
        assert!(list.contains(">Chỉ tiêu 6.1: Tử số nữ (12) không được lớn hơn mẫu số nữ (10)"), "{list}");
        assert_eq!(href, "v-6-1-num-female", "the link leads to the box (app.js puts the cursor in it)");
        assert!(page.body.contains(&format!("id=\"{href}\"")));
        assert!(list_at < page.body.find("id=\"ct-6-1\"").unwrap(), "the list comes before the form");
        // An index of the objectives leads to each, saying where something is to be looked at.
        let index_at = page.body.find("id=\"section-index\"").expect("an index of the objectives");
        let index = &page.body[index_at..index_at + page.body[index_at..].find("</nav>").unwrap()];
        assert!(index.contains("<a href=\"#muc-tieu-6\">Mục tiêu 6:"), "{index}");
        assert!(index.contains("</a> <span class=\"warn-text\">(1 cần xem lại)</span>"), "{index}");
        assert!(page.body.contains("<h2 class=\"objective\" id=\"muc-tieu-6\">"));
        // The message is said under the boxes it concerns, before the stated-rate box.
        let card = page.body[page.body.find("id=\"ct-6-1\"").unwrap()..].split("</section>").next().unwrap();
        let (message, rate) = (
            card.find("Tử số nữ (12) không được lớn hơn mẫu số nữ (10)").unwrap(),
            card.find("Tỷ lệ ghi trong báo cáo").unwrap(),
        );
        assert!(message < rate, "under the numerator and denominator, not under the stated rate");

        // Submitting is refused while an error remains; the values stay saved.
        let fields = form_with(&page, &[("do", "submit")]);
        let r = post_fields(&mut v, &path, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Báo cáo còn 1 lỗi kiểm tra số liệu"), "{}", r.body);

        // A warning asks for an explanation in place; with one, the report goes up.
        let rule = serde_json::json!({
            "code": "canh-bao-6-1", "name_vi": "Nữ nhiều bất thường",
            "left": "#{6.1.num.female}", "operator": "<=", "right": "#{6.1.num.male} * 0.001",
            "severity": "warning", "message_vi": "Tử số nữ ({left}) lớn bất thường so với nam",
        });
        let (s, body) = app.post("/api/v1/rules", &rule).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let fields = form_with(&page, &[("v.6.1.den.female", "20"), ("do", "submit")]);
        let r = post_fields(&mut v, &path, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("cảnh báo chưa được giải trình"), "{}", r.body);
        assert!(r.body.contains("Tử số nữ (12) lớn bất thường so với nam"));
        assert!(r.body.contains("hãy ghi giải trình vào ô bên dưới"));
        let fields = form_with(&r, &[("c.6.1", "Xã tổ chức thêm lớp riêng cho phụ nữ"), ("do", "submit")]);
        let r = post_fields(&mut v, &path, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("{path}&msg=submitted"));
        let page = v.get(r.location()).await;
        assert!(page.body.contains("Đã gửi báo cáo lên cấp trên để xét duyệt."));
        assert!(page.body.contains("Đã gửi</span>"));
        assert!(page.body.contains("disabled"), "a submitted report cannot be edited");
        assert!(!page.body.contains("id=\"save\""));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entry_form_checks_scope_and_the_csrf_token() {
    let app = App::spawn(Backend::Sqlite).await;
    user(&app, "can.bo.xa", Role::Officer, "03388").await;
    user(&app, "lanh.dao", Role::Leader, "12").await;
    let h1 = format!("{}H1", this_year());
    let mut v = Visitor::new(&app);
    v.sign_in("can.bo.xa", TEST_PASSWORD).await;
    // Another commune: refused, said why, and recorded.
    let other = v.get(&format!("/nhap-lieu?unit=03390&period={h1}")).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert!(
        other.body.contains("không có quyền nhập, sửa số liệu của"),
        "{}",
        other.body
    );
    let (_, trail) = app.get("/api/v1/audit?unit=03390").await;
    assert!(
        trail["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["action"] == "access.denied")
    );
    // A bad unit or period: a readable 422 page.
    let bad = v.get("/nhap-lieu?unit=03388&period=2026X9").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Yêu cầu không hợp lệ"), "{}", bad.body);
    assert!(
        bad.body.contains("/dang-xuat"),
        "the refusal is shown in the signed-in frame"
    );
    let bad = v.get("/nhap-lieu?unit=03388&period=2026X9&lang=en").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Invalid request"), "{}", bad.body);
    let _ = v.get("/nhap-lieu?lang=vi").await;
    // Without the form's token nothing is saved.
    let path = format!("/nhap-lieu?unit=03388&period={h1}");
    let r = v
        .post(&path, &[("v.6.1.num.male", "5"), ("v.6.1.den.male", "10")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(stored(&app, "03388", &h1).await.is_empty());
    // The own form opens without parameters on the current report.
    let own = v.get("/nhap-lieu").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Phường Đoàn Kết (03388)"));
    // A leader enters nothing.
    let mut leader = Visitor::new(&app);
    leader.sign_in("lanh.dao", TEST_PASSWORD).await;
    assert_eq!(
        leader.get(&format!("/nhap-lieu?unit=12&period={h1}")).await.status,
        StatusCode::FORBIDDEN
    );
}

on_both_backends! {
    async fn a_reviewer_returns_then_approves_and_reads_a_values_history(backend: Backend) {
        let app = App::spawn(backend).await;
        user(&app, "can.bo.xa", Role::Officer, "03388").await;
        user(&app, "tong.hop", Role::Reviewer, "12").await;
        let h1 = format!("{}H1", this_year());
        enter(&app, "03388", &h1, "can.bo.xa").await;
        // A correction, so that the value has a history.
        let (unit, period) = app.db.store.resolve_unit_period("03388", &h1).await.unwrap();
        let fix = [binhdang_store::ValueInput {
            element: "1.1.num".into(),
            disaggregation: None,
            value: binhdang_store::RawValue::Text("2".into()),
            comment: Some("Bổ sung chủ tịch UBND là nữ".into()),
            source: None,
            expected: None,
        }];
        app.db.store.write_values(&unit, &period, &fix, &actor("can.bo.xa")).await.unwrap();
        move_report(&app, "03388", &h1, "submit", None, "can.bo.xa").await;

        let mut officer = Visitor::new(&app);
        officer.sign_in("can.bo.xa", TEST_PASSWORD).await;
        let mut reviewer = Visitor::new(&app);
        reviewer.sign_in("tong.hop", TEST_PASSWORD).await;
        let path = format!("/xet-duyet?unit=03388&period={h1}");
        let page = reviewer.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let b = &page.body;
        assert!(b.contains("Đã gửi</span>"));
        assert!(b.contains("id=\"approve\"") && b.contains("id=\"return\""));
        assert!(b.contains("<strong>100,0%</strong>"), "1.1 is 2 of 2: {b}");
        assert!(b.contains("Bổ sung chủ tịch UBND là nữ"));
        assert!(b.contains("hx-get=\"/lich-su?unit=03388&#38;period="));

        // The officer may not decide on their own report.
        let csrf = officer.get("/").await.csrf();
        let r = officer
            .post("/quy-trinh", &[("csrf", &csrf), ("unit", "03388"), ("period", &h1), ("action", "approve")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Returning needs a reason; a forged form is refused.
        let csrf = page.csrf();
        let r = reviewer
            .post("/quy-trinh", &[("csrf", &csrf), ("unit", "03388"), ("period", &h1), ("action", "return")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Cần ghi rõ lý do khi trả lại báo cáo"), "{}", r.body);
        let r = reviewer
            .post("/quy-trinh", &[("csrf", "x"), ("unit", "03388"), ("period", &h1), ("action", "return"), ("reason", "x")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = reviewer
            .post(
                "/quy-trinh",
                &[("csrf", &csrf), ("unit", "03388"), ("period", &h1), ("action", "return"), ("reason", "Kiểm tra lại chỉ tiêu 1.1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), format!("{path}&msg=returned"));
        let page = reviewer.get(r.location()).await;
        assert!(page.body.contains("Đã trả lại báo cáo cho đơn vị để sửa."));
        assert!(page.body.contains("Bị trả lại</span>"));
        assert!(page.body.contains("Kiểm tra lại chỉ tiêu 1.1"), "the reason is in the report's history");
        let entry = officer.get(&format!("/nhap-lieu?unit=03388&period={h1}")).await;
        assert!(entry.body.contains("Báo cáo bị trả lại để sửa"));
        assert!(entry.body.contains("Kiểm tra lại chỉ tiêu 1.1"));

        // Submitted again, then approved.
        move_report(&app, "03388", &h1, "submit", None, "can.bo.xa").await;
        let r = reviewer
            .post("/quy-trinh", &[("csrf", &csrf), ("unit", "03388"), ("period", &h1), ("action", "approve")])
            .await;
        assert_eq!(r.location(), format!("{path}&msg=approved"));
        let page = reviewer.get(r.location()).await;
        assert!(page.body.contains("Đã phê duyệt</span>"));
        assert!(page.body.contains("id=\"reopen\""), "a reviewer may reopen what is approved");

        // The history of a value: a fragment for htmx, a page otherwise.
        let history = format!("/lich-su?unit=03388&period={h1}&element=1.1.num");
        let r = reviewer
            .http
            .get(format!("{}{history}", reviewer.base))
            .header("cookie", reviewer.cookie_header())
            .header("hx-request", "true")
            .send()
            .await
            .unwrap();
        let fragment = r.text().await.unwrap();
        assert!(!fragment.contains("<html"), "{fragment}");
        assert!(fragment.contains("<td class=\"num\">1</td><td class=\"num\">2</td><td>Bổ sung chủ tịch UBND là nữ</td>"), "{fragment}");
        let full = reviewer.get(&history).await;
        assert!(full.body.contains("<html lang=\"vi\">"));
        assert!(full.body.contains("can.bo.xa"));
        // Outside the reviewer's province: refused.
        let other = reviewer.get("/xet-duyet?unit=02&period=2024").await;
        assert_eq!(other.status, StatusCode::FORBIDDEN);
    }
}

on_both_backends! {
    async fn the_dashboard_assesses_charts_and_exports_what_the_units_entered(backend: Backend) {
        let app = App::spawn(backend).await;
        user(&app, "lanh.dao", Role::Leader, "12").await;
        let year = this_year();
        let (h1, last_h1) = (format!("{year}H1"), format!("{}H1", year - 1));
        let store = &app.db.store;
        let six_one = |male: (i64, i64), female: (i64, i64)| -> Vec<binhdang_store::ValueInput> {
            [("6.1.num", "male", male.0), ("6.1.den", "male", male.1), ("6.1.num", "female", female.0), ("6.1.den", "female", female.1)]
                .into_iter()
                .map(|(e, d, v)| binhdang_store::ValueInput {
                    element: e.into(),
                    disaggregation: Some(d.into()),
                    value: binhdang_store::RawValue::Text(v.to_string()),
                    comment: None,
                    source: None,
                    expected: None,
                })
                .collect()
        };
        for (unit, period, values) in [
            ("12", last_h1.as_str(), six_one((500, 1000), (500, 1000))),
            ("03388", h1.as_str(), six_one((700, 1000), (800, 1000))),
            ("03390", h1.as_str(), six_one((300, 1000), (400, 1000))),
        ] {
            let (unit, period) = store.resolve_unit_period(unit, period).await.unwrap();
            store.write_values(&unit, &period, &values, &actor("seed")).await.unwrap();
        }
        // The province's own target for 6.1 in the phase.
        let phase: binhdang_domain::Period = "2026-2030".parse().unwrap();
        let target = binhdang_domain::Target { op: binhdang_domain::TargetOp::AtLeast, value: 55.into() };
        store.set_local_target("12", "6.1", &phase, target, &actor("seed")).await.unwrap();
        enter(&app, "03394", &h1, "seed").await;
        move_report(&app, "03394", &h1, "submit", None, "seed").await;

        let mut v = Visitor::new(&app);
        v.sign_in("lanh.dao", TEST_PASSWORD).await;
        let path = format!("/bang-dieu-khien?unit=12&period={h1}&indicator=6.1");
        let page = v.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let b = &page.body;
        // 6.1: (700 + 800 + 300 + 400) / 4000 = 55%, met against the local target of 55.
        let row = b.split("id=\"row-6.1\"").nth(1).unwrap().split("</tr>").next().unwrap();
        assert!(row.contains("55,0%"), "{row}");
        assert!(row.contains("≥ 55,0%") && row.contains("địa phương (12, 2026-2030)"), "{row}");
        assert!(row.contains("↑") && row.contains("+5,0 (tốt hơn)") && row.contains("trend-better"), "{row}");
        // The figure says what it rests on: 2 of the 38 communes, too few for a verdict (the
        // API's assessment still says đạt, for whoever reads the coverage beside it).
        assert!(row.contains("coverage partial") && row.contains("2/38 đơn vị có số liệu"), "{row}");
        assert!(row.contains("s-no_data") && row.contains("Chưa đủ đơn vị báo cáo để đánh giá"), "{row}");
        assert!(!row.contains("s-met"), "{row}");
        // By sex: men (700 + 300) / 2000 = 50 %, women (800 + 400) / 2000 = 60 %, a gap of +10.
        let by_sex = b.split("id=\"table-sex\"").nth(1).expect("a table by sex").split("</table>").next().unwrap();
        assert!(by_sex.contains("<td class=\"num\">50,0%</td><td class=\"num\">60,0%</td><td class=\"num\">+10,0</td>"), "{by_sex}");
        assert!(b.contains("&#34;female_label&#34;:&#34;Nữ&#34;"), "the chart draws both sexes");
        // Progress toward 2030, against the province's own 2026-2030 target of 55 %: reached.
        assert!(b.contains("Tiến độ đến 2030</th>"));
        assert!(row.contains("Đã đạt chỉ tiêu"), "{row}");
        // The charts' figures are on the page, with their tables.
        assert!(b.contains("id=\"chart-series\""));
        assert!(b.contains("&#34;kind&#34;:&#34;series&#34;"), "the series as JSON in an attribute");
        // The chart's target lines are those the table judges against: the province's own
        // for 2026-2030, the national one for 2025 where the province set none.
        assert!(b.contains("Mục tiêu 2030 (địa phương, 12): ≥ 55,0%"), "{b}");
        assert!(!b.contains("≥ 80,0%"), "not the national 2030 target the table does not use");
        assert!(b.contains("Mục tiêu 2025 (quốc gia): ≥ "), "{b}");
        assert!(b.contains("id=\"table-children\""));
        let children = b.split("id=\"table-children\"").nth(1).unwrap();
        let (first, second) = (children.find("Phường Đoàn Kết").unwrap(), children.find("Xã Bình Lư").unwrap());
        assert!(first < second, "sorted, highest first");
        // Completeness and timeliness of the 38 communes.
        assert!(b.contains("38 đơn vị: 1 đã gửi (2,6%)"), "{b}");
        assert!(b.contains("src=\"/static/echarts-6.1.0-dashboard.min.js?v="));

        // CSV files of each chart and table.
        let csv = v.get(&format!("/bang-dieu-khien/csv?unit=12&period={h1}&indicator=6.1&chart=children")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
        assert!(csv.headers["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"binhdang-12-"));
        assert!(csv.body.starts_with("\u{feff}ma_don_vi,ten_don_vi,chi_tieu,ky_bao_cao,tu_so,mau_so,gia_tri\r\n"), "{}", csv.body);
        assert!(csv.body.contains(&format!("03388,Phường Đoàn Kết,6.1,{h1},1500,2000,75\r\n")), "{}", csv.body);
        let series = v.get(&format!("/bang-dieu-khien/csv?unit=12&period={h1}&indicator=6.1&chart=series")).await;
        assert!(series.body.contains(&format!("12,6.1,{last_h1},1000,2000,50\r\n")), "{}", series.body);
        assert!(series.body.contains(&format!("12,6.1,{h1},2200,4000,55\r\n")));
        let assessment = v.get(&format!("/bang-dieu-khien/csv?unit=12&period={h1}&chart=assessment")).await;
        // The file withholds the verdict as the page does, and says what the figure rests on.
        assert!(
            assessment.body.contains(&format!(
                "6.1,Tỷ lệ dân số được tiếp cận kiến thức cơ bản về bình đẳng giới,{h1},55,>=,55,local 2026-2030,Chưa đủ đơn vị báo cáo để đánh giá,2/38,50\r\n"
            )),
            "{}",
            assessment.body
        );
        let completeness = v.get(&format!("/bang-dieu-khien/csv?unit=12&period={h1}&chart=completeness")).await;
        assert_eq!(completeness.body.lines().count(), 39, "a header and 38 communes");
        assert!(completeness.body.contains(&format!("03394,Xã Sin Suối Hồ,{h1},submitted,")));
        let bad = v.get(&format!("/bang-dieu-khien/csv?unit=12&period={h1}&chart=pie")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

        // A commune's dashboard, reached from the province's; another province is refused.
        let commune = v.get(&format!("/bang-dieu-khien?unit=03388&period={h1}&indicator=6.1")).await;
        assert_eq!(commune.status, StatusCode::OK);
        assert!(commune.body.contains("Lên cấp trên: Tỉnh Lai Châu"));
        assert_eq!(v.get(&format!("/bang-dieu-khien?unit=02&period={h1}")).await.status, StatusCode::FORBIDDEN);
        // Without parameters: the leader's province, last full year; in English on request.
        let default = v.get("/bang-dieu-khien?lang=en").await;
        assert_eq!(default.status, StatusCode::OK);
        assert!(default.body.contains(&format!("Year {}", year - 1)), "{}", default.body);
        assert!(default.body.contains("Indicators against their targets"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_officer_sees_and_writes_only_the_agencys_indicators() {
    let app = App::spawn(Backend::Sqlite).await;
    app.agency_officer("so.y.te", "12-SYT", &["4.2"]).await;
    let mut v = Visitor::new(&app);
    v.sign_in("so.y.te", TEST_PASSWORD).await;
    let year = this_year() - 1;
    let path = format!("/nhap-lieu?unit=12&period={year}");
    let page = v.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"v.4.2.num.total\""));
    assert!(
        !page.body.contains("name=\"v.2.1.num.total\""),
        "another agency's indicator"
    );
    // A box of another indicator sent anyway is not written.
    let fields = form_with(
        &page,
        &[
            ("v.4.2.num.total", "3"),
            ("v.4.2.den.total", "9.100"),
            ("v.2.1.num.total", "5"),
            ("do", "save"),
        ],
    );
    let r = post_fields(&mut v, &path, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut values = stored(&app, "12", &year.to_string()).await;
    values.sort();
    assert_eq!(values, ["4.2.den/total=9100", "4.2.num/total=3"]);
}

on_both_backends! {
    async fn the_report_page_saves_the_units_text_and_downloads_the_documents(backend: Backend) {
        let app = App::spawn(backend).await;
        user(&app, "can.bo.xa", Role::Officer, "03388").await;
        user(&app, "can.bo.khac", Role::Officer, "03390").await;
        user(&app, "tong.hop", Role::Reviewer, "12").await;
        let h1 = format!("{}H1", this_year());
        enter(&app, "03388", &h1, "can.bo.xa").await;

        let mut officer = Visitor::new(&app);
        officer.sign_in("can.bo.xa", TEST_PASSWORD).await;
        let path = format!("/bao-cao?unit=03388&period={h1}");
        let page = officer.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("id=\"draft-note\""), "not approved: the documents are drafts");
        assert!(page.body.contains("<label for=\"n-difficulties\">Khó khăn, vướng mắc</label>"));
        let csrf = page.csrf();

        // A refused block (a document number is digits only) keeps what was typed and saves nothing.
        let refused = officer
            .post(
                "/bao-cao",
                &[
                    ("csrf", &csrf),
                    ("unit", "03388"),
                    ("period", &h1),
                    ("difficulties", "Thiếu kinh phí cho truyền thông"),
                    ("number", "12/BC"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Số văn bản chỉ gồm chữ số"), "{}", refused.body);
        assert!(refused.body.contains("Thiếu kinh phí cho truyền thông"));
        let (unit, period) = app.db.store.resolve_unit_period("03388", &h1).await.unwrap();
        assert!(app.db.store.report_narrative(&unit, &period).await.unwrap().is_empty());

        // Without the session's token: refused.
        let forged = officer
            .post("/bao-cao", &[("csrf", "x"), ("unit", "03388"), ("period", &h1), ("tasks", "a")])
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        let saved = officer
            .post(
                "/bao-cao",
                &[
                    ("csrf", &csrf),
                    ("unit", "03388"),
                    ("period", &h1),
                    ("difficulties", "Thiếu kinh phí cho truyền thông"),
                    ("number", "07"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let narrative = app.db.store.report_narrative(&unit, &period).await.unwrap();
        assert_eq!(narrative["difficulties"], "Thiếu kinh phí cho truyền thông");
        assert_eq!(narrative["number"], "07");
        let page = officer.get(saved.location()).await;
        assert!(page.body.contains("Đã lưu nội dung báo cáo."));
        assert!(page.body.contains(">Thiếu kinh phí cho truyền thông</textarea>"));

        // Every document of a half-year, in every format, from the page's links; the saved text is in it.
        assert!(!page.body.contains("kind=action-month"), "the Action Month report is a year's");
        for kind in ["strategy", "assessment", "activities", "communication", "documents", "budget"] {
            for format in ["docx", "pdf", "xlsx"] {
                let link = format!("/bao-cao/tai-ve?unit=03388&#38;period={h1}&#38;kind={kind}&#38;format={format}");
                assert!(page.body.contains(&link), "no link {link}");
            }
        }
        let r = officer
            .http
            .get(format!("{}/bao-cao/tai-ve?unit=03388&period={h1}&kind=strategy&format=docx", officer.base))
            .header("cookie", officer.cookie_header())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-disposition"].to_str().unwrap().ends_with(".docx\""));
        let bytes = r.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
        assert!(xml.contains("Thiếu kinh phí cho truyền thông"));
        assert!(xml.contains("Số: 07/BC-"), "the saved number is printed");

        // Another commune's officer may not read it; a bad kind is a page in Vietnamese.
        let mut other = Visitor::new(&app);
        other.sign_in("can.bo.khac", TEST_PASSWORD).await;
        assert_eq!(other.get(&path).await.status, StatusCode::FORBIDDEN);
        let bad = officer.get(&format!("/bao-cao/tai-ve?unit=03388&period={h1}&kind=nope&format=pdf")).await;
        assert_eq!(bad.status, StatusCode::NOT_FOUND);
        assert!(bad.body.contains("Không có loại báo cáo"));

        // Once submitted the text is locked for the officer; the reviewer reads but does not edit.
        move_report(&app, "03388", &h1, "submit", None, "can.bo.xa").await;
        let locked = officer.get(&path).await;
        assert!(locked.body.contains("id=\"narrative-locked\"") && !locked.body.contains("id=\"save-narrative\""));
        let late = officer
            .post("/bao-cao", &[("csrf", &csrf), ("unit", "03388"), ("period", &h1), ("tasks", "Thêm")])
            .await;
        assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!app.db.store.report_narrative(&unit, &period).await.unwrap().contains_key("tasks"));
        let mut reviewer = Visitor::new(&app);
        reviewer.sign_in("tong.hop", TEST_PASSWORD).await;
        let seen = reviewer.get(&path).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.body.contains("Thiếu kinh phí cho truyền thông"));
    }
}

on_both_backends! {
    async fn the_report_page_writes_a_law_report_over_dates(backend: Backend) {
        let app = App::spawn(backend).await;
        user(&app, "tong.hop", Role::Reviewer, "12").await;
        let mut reviewer = Visitor::new(&app);
        reviewer.sign_in("tong.hop", TEST_PASSWORD).await;
        // The dates are typed the Vietnamese way; the page is about them, not a period.
        let page = reviewer.get("/bao-cao?unit=12&from=01/01/2021&to=30/07/2024").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Từ 01/01/2021 đến 30/07/2024"), "{}", page.body);
        assert!(page.body.contains("value=\"30/07/2024\""), "the dates stay in their boxes");
        assert!(page.body.contains("Báo cáo theo khoảng thời gian không qua phê duyệt"), "{}", page.body);
        let link = "/bao-cao/tai-ve?unit=12&#38;period=2021-01-01..2024-07-30&#38;kind=law-review&#38;format=docx";
        assert!(page.body.contains(link), "{}", page.body);
        assert!(!page.body.contains("kind=action-month"), "the Action Month report is a year's");
        // Its text is saved for the dates and printed in the law report.
        let csrf = page.csrf();
        let saved = reviewer
            .post(
                "/bao-cao",
                &[("csrf", &csrf), ("unit", "12"), ("period", "2021-01-01..2024-07-30"), ("difficulties", "Cán bộ kiêm nhiệm nhiều việc.")],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert!(saved.location().contains("period=2021-01-01..2024-07-30"), "{}", saved.location());
        let r = reviewer
            .http
            .get(format!("{}{}", reviewer.base, link.replace("&#38;", "&")))
            .header("cookie", reviewer.cookie_header())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let text = support::docx_text(&r.bytes().await.unwrap());
        assert!(text.contains("Cán bộ kiêm nhiệm nhiều việc.") && text.contains("DỰ THẢO"), "{text}");
        // A date that does not exist is refused in words and nothing is saved.
        let refused = reviewer.get("/bao-cao?unit=12&from=01/01/2021&to=31/02/2024").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body.contains("31/02/2024"), "{}", refused.body);
    }
}

on_both_backends! {
    async fn the_dashboard_shows_a_window_of_dates_built_from_its_periods(backend: Backend) {
        let app = App::spawn(backend).await;
        user(&app, "lanh.dao", Role::Leader, "12").await;
        let store = &app.db.store;
        // Births by sex (4.1 sums over time): two communes, a year and a half-year.
        let births = |boys: i64, girls: i64| totals(&[("4.1.num", boys), ("4.1.den", girls)]);
        for (unit, period, (boys, girls)) in [("03388", "2023", (110, 100)), ("03388", "2024H1", (60, 50)), ("03390", "2023", (105, 100))] {
            let (unit, period) = store.resolve_unit_period(unit, period).await.unwrap();
            store.write_values(&unit, &period, &births(boys, girls), &actor("seed")).await.unwrap();
        }
        let mut v = Visitor::new(&app);
        v.sign_in("lanh.dao", TEST_PASSWORD).await;
        let page = v.get("/bang-dieu-khien?unit=12&from=01/01/2023&to=30/07/2024&indicator=4.1").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let b = &page.body;
        assert!(b.contains("Từ 01/01/2023 đến 30/07/2024"), "{b}");
        assert!(b.contains("value=\"30/07/2024\""), "the dates stay in their boxes");
        assert!(!b.contains("So sánh với"), "a window has no previous report to compare with");
        // The province: (110 + 60 + 105) boys per (100 + 50 + 100) girls = 110,0, built by
        // adding up the periods that had data.
        let row = b.split("id=\"row-4.1\"").nth(1).unwrap().split("</tr>").next().unwrap();
        assert!(row.contains("110,0"), "{row}");
        assert!(row.contains("cộng các kỳ rồi tính tỷ lệ: Năm 2023, 6 tháng đầu năm 2024"), "{row}");
        // The units below as they were on the last day (the districts, before the 2025 reform),
        // over the same dates: 170/150 and 105/100.
        let children = b.split("id=\"table-children\"").nth(1).unwrap().split("</table>").next().unwrap();
        assert!(children.contains("113,3") && children.contains("105,0"), "{children}");
        assert!(children.contains("period=2023-01-01..2024-07-30"), "links keep the dates: {children}");
        // The series runs over the periods the dates are built from.
        let csv = v.get("/bang-dieu-khien/csv?unit=12&period=2023-01-01..2024-07-30&indicator=4.1&chart=series").await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
        assert!(csv.body.contains("12,4.1,2023,215,200,"), "{}", csv.body);
        assert!(csv.body.contains("12,4.1,2024H1,60,50,"), "{}", csv.body);
        let csv = v.get("/bang-dieu-khien/csv?unit=12&period=2023-01-01..2024-07-30&indicator=4.1&chart=children").await;
        assert!(csv.body.contains("105,Thành phố Lai Châu,4.1,2023-01-01..2024-07-30,170,150,"), "{}", csv.body);
        assert!(csv.body.contains("106,Huyện Tam Đường,4.1,2023-01-01..2024-07-30,105,100,"), "{}", csv.body);
        // A range of periods reads the same as its dates.
        let range = v.get("/bang-dieu-khien?unit=12&period=2023..2024H1&indicator=4.1").await;
        let row = range.body.split("id=\"row-4.1\"").nth(1).unwrap().split("</tr>").next().unwrap();
        assert!(row.contains("110,0"), "{row}");
        // A date that does not exist is refused in words.
        let bad = v.get("/bang-dieu-khien?unit=12&from=01/01/2023&to=31/02/2024").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("31/02/2024"), "{}", bad.body);
    }
}

on_both_backends! {
    async fn the_review_page_shows_the_figures_with_their_targets_before_the_decision_and_flags_a_late_report(backend: Backend) {
        let app = App::spawn(backend).await;
        user(&app, "tong.hop", Role::Reviewer, "12").await;
        let store = &app.db.store;
        // 1.1 for 2023 (1 of 2) and 2024 (3 of 4); the 2024 report is sent on 08/12/2024,
        // three days after the communes' deadline of 05/12.
        let one_one = |num: i64, den: i64| totals(&[("1.1.num", num), ("1.1.den", den)]);
        for (period, (num, den)) in [("2023", (1, 2)), ("2024", (3, 4))] {
            let (unit, period) = store.resolve_unit_period("03388", period).await.unwrap();
            store.write_values(&unit, &period, &one_one(num, den), &actor("seed")).await.unwrap();
        }
        let late = store.clone().with_clock(binhdang_store::Clock::pinned(time::macros::date!(2024 - 12 - 08)));
        let (unit, period) = late.resolve_unit_period("03388", "2024").await.unwrap();
        let programme = late.programme_for(&period).await.unwrap().unwrap();
        let submit = binhdang_store::TransitionRequest { transition: "submit".parse().unwrap(), reason: None };
        late.transition(&unit, &programme, &period, submit, &actor("seed")).await.unwrap();

        let mut reviewer = Visitor::new(&app);
        reviewer.sign_in("tong.hop", TEST_PASSWORD).await;
        let page = reviewer.get("/xet-duyet?unit=03388&period=2024").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let b = &page.body;
        assert!(b.contains("id=\"late\">gửi muộn 3 ngày so với hạn</span>"), "{b}");
        // Each indicator: its value and verdict, the target it is judged against, the report before.
        let card = b.split("id=\"r-1.1\"").nth(1).unwrap().split("</section>").next().unwrap();
        assert!(card.contains("<strong>75,0%</strong>"), "{card}");
        assert!(card.contains("Mục tiêu</dt><dd>≥ ") && card.contains("quốc gia 2025"), "{card}");
        assert!(card.contains("class=\"badge s-"), "a verdict: {card}");
        assert!(card.contains("Kỳ trước</dt><dd>Năm 2023: 50,0%"), "{card}");
        assert!(card.contains("<span class=\"trend-better\">↑ +25,0 (tốt hơn)</span>"), "the change: {card}");
        // The figures come before the decision, which the top of the page points to.
        let (figures, decision) = (b.find("id=\"r-1.1\"").unwrap(), b.find("id=\"decide-h\"").unwrap());
        assert!(figures < decision, "the figures are read before approving");
        assert!(b.find("href=\"#decide-h\"").unwrap() < figures);
        // A report sent on time carries no flag.
        let page = reviewer.get("/xet-duyet?unit=03388&period=2023").await;
        assert!(!page.body.contains("id=\"late\""));
        // An indicator with an error is read first, whatever its place in the catalogue.
        let (unit, period) = store.resolve_unit_period("03388", "2023").await.unwrap();
        let wrong = vec![
            binhdang_store::ValueInput { disaggregation: Some("male".into()), ..totals(&[("6.1.num", 5)]).remove(0) },
            binhdang_store::ValueInput { disaggregation: Some("male".into()), ..totals(&[("6.1.den", 4)]).remove(0) },
        ];
        store.write_values(&unit, &period, &wrong, &actor("seed")).await.unwrap();
        let page = reviewer.get("/xet-duyet?unit=03388&period=2023").await;
        let b = &page.body;
        let (error_card, fine_card) = (b.find("id=\"r-6.1\"").unwrap(), b.find("id=\"r-1.1\"").unwrap());
        assert!(error_card < fine_card, "errors first");
        assert!(b[error_card..fine_card].contains("error-text"), "{}", &b[error_card..fine_card]);
    }
}
