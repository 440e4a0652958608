//! The web interface in a real browser: Debian's Chromium, headless, driven through
//! chromedriver (WebDriver) with fantoccini, against the built binary (`binhdang serve`) on a
//! fresh database with the units of Lai Châu, each test on SQLite and on PostgreSQL; the test
//! adds its accounts and earlier figures to that database directly.
//! `scripts/ensure-chromium.sh` installs both; a missing browser fails these tests rather
//! than skipping them.
//!
//! Screenshots of the entry form at phone width, the review page, the dashboard and the
//! administration's users page are written to `$BINHDANG_SCREENSHOTS` when set
//! (`docs/screenshots` refreshes the committed ones), else to a temporary folder.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::testing::{ACTION_MONTH_DAY, Date, TEST_PASSWORD, TestDb};
use binhdang_store::{Actor, Backend, RawValue, ValueInput, on_both_backends_and_days};
use fantoccini::Locator;
use serde_json::json;
use std::time::{Duration, Instant};
use support::chromium::*;
use support::served::Served;

/// The server under test: the binary on a fresh database with the units of Lai Châu.
struct Server {
    // Declared first, so the server stops before its database is dropped.
    served: Served,
    db: TestDb,
}

impl Server {
    /// The server takes `today` as the date: the pages open on the periods of that day.
    async fn start(backend: Backend, today: Date) -> Server {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let url = db.url.clone();
        let served = tokio::task::spawn_blocking(move || Served::on(&url, today))
            .await
            .unwrap();
        Server { served, db }
    }

    async fn user(&self, username: &str, role: Role, unit: &str) {
        self.db.token_for(username, role, unit).await;
    }

    fn url(&self, path: &str) -> String {
        self.served.url(path)
    }
}

async fn sign_in(b: &Browser, server: &Server, username: &str, password: &str) {
    b.client.goto(&server.url("/dang-nhap")).await.unwrap();
    type_into(b, "#username", username).await;
    type_into(b, "#password", password).await;
    click(b, "form.stack button[type=submit]").await;
}

async fn sign_out(b: &Browser) {
    click(b, "form[action='/dang-xuat'] button").await;
    wait_for_text(b, "Bạn đã đăng xuất.").await;
}

on_both_backends_and_days! {
    async fn sign_in_fails_then_succeeds_and_english_is_one_click_away(backend: Backend, today: Date) {
        let server = Server::start(backend, today).await;
        server.user("can.bo", Role::Officer, "03388").await;
        let b = Browser::start(1024, 768).await;

        // A visitor is sent to the sign-in page, in Vietnamese.
        b.client.goto(&server.url("/")).await.unwrap();
        assert!(b.client.current_url().await.unwrap().path().ends_with("/dang-nhap"));
        let lang = attr_of(&b, "html", "lang").await;
        assert_eq!(lang.as_deref(), Some("vi"));

        // The box with the focus shows it plainly.
        click(&b, "#username").await;
        let ring = js(
            &b,
            "var s = getComputedStyle(document.activeElement); return [document.activeElement.id, s.outlineStyle, s.outlineWidth];",
        )
        .await;
        assert_eq!(ring, json!(["username", "solid", "3px"]));

        // A wrong password: the message, and what was typed kept.
        sign_in(&b, &server, "can.bo", "sai-mat-khau").await;
        let text = wait_for_text(&b, "Sai tên đăng nhập hoặc mật khẩu.").await;
        assert!(text.contains("Đăng nhập"));
        assert_eq!(value_of(&b, "#username").await, "can.bo", "what was typed is kept");
        screenshot(&b, "sign-in-failed.png").await;

        // The right one: the home page names the user and the unit.
        sign_in(&b, &server, "can.bo", TEST_PASSWORD).await;
        let text = wait_for_text(&b, "Kỳ báo cáo của đơn vị").await;
        assert!(text.contains("can.bo"));
        assert!(text.contains("Phường Đoàn Kết"));

        // English with one click, remembered on the next page.
        click(&b, "#lang-switch").await;
        let text = wait_for_text(&b, "Your unit's reports").await;
        assert!(text.contains("Sign out"));
        let lang = attr_of(&b, "html", "lang").await;
        assert_eq!(lang.as_deref(), Some("en"));
        b.client.goto(&server.url("/nhap-lieu")).await.unwrap();
        wait_for_text(&b, "Type numbers the Vietnamese way").await;
        click(&b, "#lang-switch").await;
        wait_for_text(&b, "Nhập số theo cách viết Việt Nam").await;

        sign_out(&b).await;
        b.close().await;
    }
}

async fn seed(server: &Server, unit: &str, period: &str, values: &[(&str, &str, &str)]) {
    let (unit, period) = server.db.store.resolve_unit_period(unit, period).await.unwrap();
    let inputs: Vec<ValueInput> = values
        .iter()
        .map(|(e, d, v)| ValueInput {
            element: e.to_string(),
            disaggregation: Some(d.to_string()),
            value: RawValue::Text(v.to_string()),
            comment: None,
            source: None,
            expected: None,
        })
        .collect();
    let actor = Actor {
        name: "seed".into(),
        origin: "test".into(),
        entered_from: None,
    };
    server
        .db
        .store
        .write_values(&unit, &period, &inputs, &actor)
        .await
        .unwrap();
}

/// The 6.1 figures (people reached with basic knowledge of gender equality) of a unit.
fn six_one(male: (i64, i64), female: (i64, i64)) -> Vec<(String, String, String)> {
    vec![
        ("6.1.num".into(), "male".into(), male.0.to_string()),
        ("6.1.den".into(), "male".into(), male.1.to_string()),
        ("6.1.num".into(), "female".into(), female.0.to_string()),
        ("6.1.den".into(), "female".into(), female.1.to_string()),
    ]
}

async fn seed_six_one(server: &Server, unit: &str, period: &str, male: (i64, i64), female: (i64, i64)) {
    let values = six_one(male, female);
    let refs: Vec<(&str, &str, &str)> = values
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    seed(server, unit, period, &refs).await;
}

on_both_backends_and_days! {
    async fn an_officer_enters_on_a_phone_a_reviewer_returns_then_approves_and_the_dashboard_follows(backend: Backend, today: Date) {
        let started = Instant::now();
        let server = Server::start(backend, today).await;
        server.user("can.bo.xa", Role::Officer, "03388").await;
        server.user("tong.hop", Role::Reviewer, "12").await;
        server.user("lanh.dao", Role::Leader, "12").await;
        let year = today.year();
        let h1 = format!("{year}H1");
        // History for the charts: the province's own figures for the first halves since 2021,
        // and two other communes this half-year.
        for (i, y) in (2021..year).enumerate() {
            let i = i as i64;
            seed_six_one(
                &server,
                "12",
                &format!("{y}H1"),
                (5200 + 300 * i, 10_000),
                (5600 + 350 * i, 10_000),
            )
            .await;
        }
        seed_six_one(&server, "03390", &h1, (2100, 3000), (2500, 3200)).await;
        seed_six_one(&server, "03394", &h1, (1500, 2900), (1800, 3100)).await;
        let dashboard = format!("/bang-dieu-khien?unit=12&period={h1}&indicator=6.1");
        let b = Browser::start(1280, 900).await;

        // The leader's view of the province before the commune reports.
        sign_in(&b, &server, "lanh.dao", TEST_PASSWORD).await;
        wait_for_text(&b, "Đánh giá thực hiện các chỉ tiêu").await;
        b.client.goto(&server.url(&dashboard)).await.unwrap();
        wait_for_text(&b, "Biểu đồ: 6.1").await;
        let before = text_of(&b, "#row-6\\.1 td.num").await;
        sign_out(&b).await;

        // The officer, on a phone.
        b.client.set_window_size(360, 780).await.unwrap();
        sign_in(&b, &server, "can.bo.xa", TEST_PASSWORD).await;
        wait_for_text(&b, "Kỳ báo cáo của đơn vị").await;
        let entry = format!("/nhap-lieu?unit=03388&period={h1}");
        b.client.goto(&server.url(&entry)).await.unwrap();
        wait_for_text(&b, "Mục tiêu 6").await;
        let width = js(&b, "return window.innerWidth;").await.as_i64().unwrap();
        assert!(width <= 360, "the viewport is a phone's: {width}px");
        type_into(&b, "#v-6-1-num-male", "1.260").await;
        type_into(&b, "#v-6-1-den-male", "3.000").await;
        // The percentage appears as one types, before anything is saved.
        assert_eq!(text_of(&b, "#ct-6-1 output[data-d=male]").await, "42,0%");
        // A numerator above its denominator is said while typing, before saving.
        type_into(&b, "#v-6-1-num-female", "1.600").await;
        type_into(&b, "#v-6-1-den-female", "1.500").await;
        let live = text_of(&b, "#ct-6-1 .live-check").await;
        assert_eq!(live, "Tử số (nữ) 1.600 lớn hơn mẫu số 1.500: tỷ lệ không thể quá 100%");
        type_into(&b, "#v-6-1-num-female", "12 người").await;
        let hidden = js(&b, "return document.querySelector('#ct-6-1 .live-check').hidden;").await;
        assert_eq!(hidden, json!(true), "gone once the numerator is no longer above");
        type_into(&b, "#v-6-1-den-female", "1.500").await;
        click(&b, "#save").await;
        let text = wait_for_text(&b, "Chưa lưu: có ô nhập chưa đúng.").await;
        assert!(text.contains("Tử số (nữ): \"12 người\" không phải số hợp lệ"), "{text}");
        assert_eq!(
            value_of(&b, "#v-6-1-num-female").await,
            "12 người",
            "typed input is kept"
        );
        assert_eq!(value_of(&b, "#v-6-1-num-male").await, "1.260");
        let invalid = attr_of(&b, "#v-6-1-num-female", "aria-invalid").await;
        assert_eq!(invalid.as_deref(), Some("true"));
        // The wrong box is drawn so, and the right one beside it is not.
        let border = |id: &str| format!("return getComputedStyle(document.getElementById('{id}')).borderTopColor;");
        let wrong = js(&b, &border("v-6-1-num-female")).await;
        let right = js(&b, &border("v-6-1-num-male")).await;
        assert_eq!(wrong.as_str(), Some("rgb(179, 38, 30)"), "the invalid box's border");
        assert_ne!(right.as_str(), Some("rgb(179, 38, 30)"));
        assert_contrast(&b, "entry form with an error").await;
        // The list at the top leads to the wrong box and puts the cursor in it.
        click(&b, "#problem-list a").await;
        let focused = js(&b, "return document.activeElement.id;").await;
        assert_eq!(focused.as_str(), Some("v-6-1-num-female"), "the link focuses the box");
        // Nothing spills sideways at 360 px.
        let overflow = js(&b, "return document.documentElement.scrollWidth - window.innerWidth;").await;
        assert!(overflow.as_i64().unwrap() <= 0, "horizontal overflow of {overflow}px");
        type_into(&b, "#v-6-1-num-female", "1.020").await;
        assert_eq!(text_of(&b, "#ct-6-1 output[data-d=total]").await, "50,7%");
        click(&b, "#save").await;
        wait_for_text(&b, "Đã lưu số liệu.").await;
        b.client.refresh().await.unwrap();
        wait_for_text(&b, "Mục tiêu 6").await;
        assert_eq!(
            value_of(&b, "#v-6-1-num-male").await,
            "1.260",
            "the saved figure is there after a reload"
        );
        assert_eq!(value_of(&b, "#v-6-1-num-female").await, "1.020");
        assert_eq!(value_of(&b, "#v-6-1-den-female").await, "1.500");
        scroll_to(&b, "#ct-6-1").await;
        screenshot(&b, "entry-form-360px.png").await;
        click(&b, "#submit-report").await;
        wait_for_text(&b, "Đã gửi báo cáo lên cấp trên để xét duyệt.").await;
        sign_out(&b).await;

        // The reviewer sends it back with a reason.
        b.client.set_window_size(1280, 900).await.unwrap();
        sign_in(&b, &server, "tong.hop", TEST_PASSWORD).await;
        wait_for_text(&b, "Báo cáo chờ xét duyệt").await;
        click(&b, &format!("a[href='/xet-duyet?unit=03388&period={h1}']")).await;
        wait_for_text(&b, "Xét duyệt báo cáo").await;
        type_into(&b, "#reason", "Đề nghị kiểm tra lại số nữ được tuyên truyền").await;
        click(&b, "#return").await;
        wait_for_text(&b, "Đã trả lại báo cáo cho đơn vị để sửa.").await;
        sign_out(&b).await;

        // The officer sees why, and submits again.
        sign_in(&b, &server, "can.bo.xa", TEST_PASSWORD).await;
        let text = wait_for_text(&b, "Báo cáo bị trả lại, cần sửa").await;
        assert!(text.contains("Đề nghị kiểm tra lại số nữ được tuyên truyền"));
        b.client.goto(&server.url(&entry)).await.unwrap();
        wait_for_text(&b, "Báo cáo bị trả lại để sửa").await;
        click(&b, "#submit-report").await;
        wait_for_text(&b, "Đã gửi báo cáo lên cấp trên để xét duyệt.").await;
        sign_out(&b).await;

        // The reviewer reads a value's history in place, and approves.
        sign_in(&b, &server, "tong.hop", TEST_PASSWORD).await;
        wait_for_text(&b, "Báo cáo chờ xét duyệt").await;
        b.client
            .goto(&server.url(&format!("/xet-duyet?unit=03388&period={h1}")))
            .await
            .unwrap();
        wait_for_text(&b, "Xét duyệt báo cáo").await;
        click(&b, "a[hx-get*='element=6.1.num']").await;
        let history = wait_for_text(&b, "Lịch sử thay đổi: 6.1.num").await;
        assert!(history.contains("can.bo.xa"));
        assert!(
            b.client.current_url().await.unwrap().path().ends_with("/xet-duyet"),
            "loaded in place by htmx"
        );
        b.client.set_window_size(1100, 1500).await.unwrap();
        js(&b, "window.scrollTo(0, 0); return true;").await;
        screenshot(&b, "review.png").await;
        assert_contrast(&b, "review page").await;
        b.client.set_window_size(1280, 900).await.unwrap();
        click(&b, "#approve").await;
        wait_for_text(&b, "Đã phê duyệt báo cáo.").await;
        sign_out(&b).await;

        // The leader's dashboard shows the province's new figure and draws its charts.
        sign_in(&b, &server, "lanh.dao", TEST_PASSWORD).await;
        wait_for_text(&b, "Đánh giá thực hiện các chỉ tiêu").await;
        b.client.goto(&server.url(&dashboard)).await.unwrap();
        wait_for_text(&b, "Biểu đồ: 6.1").await;
        let after = text_of(&b, "#row-6\\.1 td.num").await;
        assert_ne!(before, after, "the province's 6.1 moved when the commune reported");
        // Before: (2100 + 1500 + 2500 + 1800) / (3000 + 2900 + 3200 + 3100) = 64,8%; with the
        // commune: (7900 + 1260 + 1020) / (12200 + 3000 + 1500).
        // Each value says how many of the 38 communes it rests on.
        assert_eq!(before, "64,8%\n2/38 đơn vị có số liệu");
        assert_eq!(after, "61,0%\n3/38 đơn vị có số liệu");
        let started_drawing = Instant::now();
        loop {
            let drawn = js(
                &b,
                "return ['#chart-series', '#chart-children'].map(function (id) { \
                   var svg = document.querySelector(id + ' svg'); \
                   return svg ? svg.querySelectorAll('path').length : 0; });",
            )
            .await;
            let counts: Vec<i64> = drawn.as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
            if counts.iter().all(|n| *n > 3) {
                break;
            }
            assert!(
                started_drawing.elapsed() < Duration::from_secs(20),
                "charts not drawn: {counts:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // The trimmed ECharts bundle draws what the dashboard asks of it: the target lines with
        // their labels, and the legend of the by-sex lines.
        let chart_text = js(&b, "return document.querySelector('#chart-series svg').textContent;").await;
        let chart_text = chart_text.as_str().unwrap_or_default();
        assert!(chart_text.contains("Mục tiêu 2030"), "no target line: {chart_text}");
        assert!(chart_text.contains("Nữ") || chart_text.contains("nữ"), "no legend: {chart_text}");
        // Units with a figure are compared, highest first.
        let order = js(
            &b,
            "return Array.from(document.querySelectorAll('#table-children tbody tr td:first-child')).slice(0, 3).map(function (td) { return td.textContent; });",
        )
        .await;
        assert_eq!(order, json!(["Xã Bình Lư", "Xã Sin Suối Hồ", "Phường Đoàn Kết"]));
        // Every chart has its table and its CSV.
        click(&b, "#bieu-do details summary").await;
        let table = text_of(&b, "#table-series").await;
        assert!(table.contains(&format!("6 tháng đầu năm {year}")), "{table}");
        let href = attr_of(&b, "#csv-children", "href").await.unwrap();
        assert!(href.contains("chart=children"));
        b.client.set_window_size(1280, 1000).await.unwrap();
        js(&b, "window.scrollTo(0, 0); return true;").await;
        screenshot(&b, "dashboard.png").await;
        assert_contrast(&b, "dashboard").await;
        scroll_to(&b, "#bieu-do").await;
        screenshot(&b, "dashboard-charts.png").await;

        // On a phone, or at 200% zoom, the page reflows: nothing but the wide tables (which
        // scroll in their own frame) is wider than the screen.
        for width in [360, 640] {
            b.client.set_window_size(width, 900).await.unwrap();
            let overflow = js(&b, "return document.documentElement.scrollWidth - window.innerWidth;").await;
            assert!(overflow.as_i64().unwrap() <= 0, "{overflow}px too wide at {width}px");
        }
        b.client.set_window_size(1280, 1000).await.unwrap();

        // English, one click away.
        click(&b, "#lang-switch").await;
        wait_for_text(&b, "Indicators against their targets").await;
        wait_for_text(&b, "Completeness and timeliness of the units below").await;
        sign_out_en(&b).await;
        b.close().await;
        eprintln!("browser flow took {:.1}s", started.elapsed().as_secs_f64());
    }
}

async fn sign_out_en(b: &Browser) {
    click(b, "form[action='/dang-xuat'] button").await;
    wait_for_text(b, "You have signed out.").await;
}

on_both_backends_and_days! {
    async fn an_officer_adds_an_activity_on_a_phone(backend: Backend, today: Date) {
        let server = Server::start(backend, today).await;
        server.user("can.bo.xa", Role::Officer, "03388").await;
        let b = Browser::start(360, 780).await;
        sign_in(&b, &server, "can.bo.xa", TEST_PASSWORD).await;
        wait_for_text(&b, "Kỳ báo cáo của đơn vị").await;
        click(&b, "#registers-link").await;
        wait_for_text(&b, "Thêm dòng mới").await;
        // The page opens on the report of the day: on the pinned Action Month day, after the
        // annual report's deadline (5/12), that is the Action Month's (the case that once
        // broke this test). The activity is dated on the first day of that period.
        let period: binhdang_domain::Period = value_of(&b, "#pick-period").await.parse().unwrap();
        let action_month: binhdang_domain::Period = format!("{}AM", today.year()).parse().unwrap();
        assert_eq!(period == action_month, today == ACTION_MONTH_DAY, "the registers page opens on {period} on {today}");
        assert!(period.start() <= today, "the registers page opens on {period}, which has not begun on {today}");
        let activity_date = binhdang_domain::vn::format_date(period.start());
        let width = js(&b, "return window.innerWidth;").await.as_i64().unwrap();
        assert!(width <= 360, "the viewport is a phone's: {width}px");
        // The parts above the total are refused in place, with what was typed kept.
        js(
            &b,
            "document.querySelector('#rf-activity-type').value = 'tap-huan'; return true;",
        )
        .await;
        type_into(&b, "#rf-count", "2").await;
        type_into(&b, "#rf-participants-male", "40").await;
        type_into(&b, "#rf-participants-female", "45").await;
        type_into(&b, "#rf-participants-total", "80").await;
        type_into(&b, "#rf-date", &activity_date).await;
        click(&b, "#save-row").await;
        wait_for_text(&b, "lớn hơn tổng số người tham gia (80)").await;
        assert_eq!(value_of(&b, "#rf-participants-female").await, "45");
        assert_eq!(value_of(&b, "#rf-activity-type").await, "tap-huan");
        let overflow = js(&b, "return document.documentElement.scrollWidth - window.innerWidth;").await;
        assert!(overflow.as_i64().unwrap() <= 0, "horizontal overflow of {overflow}px");
        type_into(&b, "#rf-participants-total", "1.085").await;
        click(&b, "#save-row").await;
        let text = wait_for_text(&b, "Đã lưu dòng sổ theo dõi.").await;
        assert_contrast(&b, "register page").await;
        assert!(
            text.contains("1.085") && text.contains(&activity_date),
            "{text}"
        );
        let overflow = js(&b, "return document.documentElement.scrollWidth - window.innerWidth;").await;
        assert!(overflow.as_i64().unwrap() <= 0, "horizontal overflow of {overflow}px");
        scroll_to(&b, "#rows-h").await;
        screenshot(&b, "register-360px.png").await;
        sign_out(&b).await;
        b.close().await;
    }
}

// What was typed and not saved survives losing the page (a lost connection, an expired
// session, a closed tab), without ever overwriting figures saved since.
on_both_backends_and_days! {
    async fn typed_figures_not_yet_saved_come_back_after_the_page_is_lost(backend: Backend, today: Date) {
        let server = Server::start(backend, today).await;
        server.user("can.bo.xa", Role::Officer, "03388").await;
        let period = format!("{}H1", today.year());
        let entry = server.url(&format!("/nhap-lieu?unit=03388&period={period}"));
        let b = Browser::start(360, 780).await;
        sign_in(&b, &server, "can.bo.xa", TEST_PASSWORD).await;
        wait_for_text(&b, "Kỳ báo cáo của đơn vị").await;
        b.client.goto(&entry).await.unwrap();
        wait_for_text(&b, "Mục tiêu 6").await;
        type_into(&b, "#v-6-1-num-male", "1.260").await;
        type_into(&b, "#v-6-1-den-male", "3.000").await;

        // The page is lost before saving; opening the form again brings the figures back.
        b.client.goto(&entry).await.unwrap();
        let text = wait_for_text(&b, "Đã khôi phục 2 ô đã nhập nhưng chưa lưu").await;
        assert!(!text.contains("không được khôi phục"), "{text}");
        assert_eq!(value_of(&b, "#v-6-1-num-male").await, "1.260");
        assert_eq!(value_of(&b, "#v-6-1-den-male").await, "3.000");
        assert_eq!(text_of(&b, "#ct-6-1 output[data-d=male]").await, "42,0%");
        assert_contrast(&b, "entry form with a restored draft").await;

        // A refused save keeps the draft: losing the page after it still brings back everything.
        type_into(&b, "#v-6-1-num-female", "12 người").await;
        click(&b, "#save").await;
        wait_for_text(&b, "Chưa lưu: có ô nhập chưa đúng.").await;
        b.client.goto(&entry).await.unwrap();
        wait_for_text(&b, "Đã khôi phục 3 ô").await;
        assert_eq!(value_of(&b, "#v-6-1-num-female").await, "12 người");

        // Once saved, nothing is left to restore.
        type_into(&b, "#v-6-1-num-female", "").await;
        click(&b, "#save").await;
        wait_for_text(&b, "Đã lưu số liệu.").await;
        b.client.goto(&entry).await.unwrap();
        wait_for_text(&b, "Mục tiêu 6").await;
        assert!(
            b.client.find(Locator::Css("#draft-notice")).await.is_err(),
            "no draft after a save"
        );
        assert_eq!(value_of(&b, "#v-6-1-num-male").await, "1.260");
        let left = js(
            &b,
            "return Object.keys(localStorage).filter(function (k) { return k.indexOf('binhdang-draft:') === 0; }).length;",
        )
        .await;
        assert_eq!(left, json!(0));

        // Discarding a restored draft puts the saved figures back.
        type_into(&b, "#v-6-1-num-male", "1.300").await;
        b.client.goto(&entry).await.unwrap();
        wait_for_text(&b, "Đã khôi phục 1 ô").await;
        scroll_to(&b, "#draft-notice").await;
        click(&b, "#draft-discard").await;
        assert_eq!(value_of(&b, "#v-6-1-num-male").await, "1.260");
        b.client.goto(&entry).await.unwrap();
        wait_for_text(&b, "Mục tiêu 6").await;
        assert!(b.client.find(Locator::Css("#draft-notice")).await.is_err());

        // A figure saved by someone else since the typing is not overwritten by the draft.
        type_into(&b, "#v-6-1-num-male", "1.111").await;
        seed(&server, "03388", &period, &[("6.1.num", "male", "1250")]).await;
        b.client.goto(&entry).await.unwrap();
        wait_for_text(&b, "1 ô đã nhập trước đó không được khôi phục").await;
        assert_eq!(value_of(&b, "#v-6-1-num-male").await, "1.250");

        // The contrast check sees pale text when there is some (#999 on the page's #f6f7f9 is 2.66:1).
        js(&b, "var p = document.createElement('p'); p.id = 'pale'; p.style.color = '#999'; p.textContent = 'nhạt'; document.querySelector('main').appendChild(p); return true;").await;
        let pale = low_contrast(&b).await;
        assert_eq!(pale.len(), 1, "{pale:?}");
        assert!(pale[0].starts_with("p#pale 'nhạt' 2.66:1"), "{pale:?}");
        sign_out(&b).await;
        b.close().await;
    }
}

on_both_backends_and_days! {
    async fn a_save_made_offline_is_sent_when_the_connection_returns_and_never_overwrites(backend: Backend, today: Date) {
        let mut server = Server::start(backend, today).await;
        server.user("can.bo.xa", Role::Officer, "03388").await;
        let period = format!("{}H1", today.year());
        let entry = server.url(&format!("/nhap-lieu?unit=03388&period={period}"));
        let b = Browser::start(390, 844).await;
        sign_in(&b, &server, "can.bo.xa", TEST_PASSWORD).await;
        wait_for_text(&b, "Kỳ báo cáo của đơn vị").await;
        b.client.goto(&entry).await.unwrap();
        wait_for_text(&b, "Mục tiêu 6").await;
        wait_for_text(&b, "Biểu mẫu này đã được lưu trên thiết bị").await;

        // The connection goes: the phone is offline, and the server cannot be reached at all.
        set_offline(&b, true).await;
        server.served.kill();
        type_into(&b, "#v-6-1-num-male", "1.260").await;
        type_into(&b, "#v-6-1-den-male", "3.000").await;
        type_into(&b, "#v-6-1-num-female", "1.500").await;
        type_into(&b, "#v-6-1-den-female", "2.500").await;
        click(&b, "#save").await;
        wait_for_text(&b, "Chưa có mạng: các số đã nhập được giữ trên thiết bị này").await;
        assert_contrast(&b, "entry form saved without a connection").await;
        screenshot(&b, "entry-offline-phone.png").await;

        // Opened again without a connection: the form comes from the phone, figures and all.
        b.client.goto(&entry).await.unwrap();
        wait_for_text(&b, "Mục tiêu 6").await;
        wait_for_text(&b, "sẽ tự gửi khi có mạng trở lại").await;
        assert_eq!(value_of(&b, "#v-6-1-num-male").await, "1.260");
        assert_eq!(value_of(&b, "#v-6-1-den-female").await, "2.500");
        assert_eq!(text_of(&b, "#ct-6-1 output[data-d=male]").await, "42,0%", "the checks run offline too");
        let saved_meanwhile = |server: &Server| {
            let (db, period) = (server.db.store.clone(), period.clone());
            async move {
                let (unit, period) = db.resolve_unit_period("03388", &period).await.unwrap();
                let mut v: Vec<String> = db
                    .values(&unit, &period)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|v| format!("{}/{}={}", v.element, v.disaggregation, v.value.unwrap_or_default()))
                    .collect();
                v.sort();
                v
            }
        };
        assert!(saved_meanwhile(&server).await.is_empty(), "nothing reached the server");

        // Meanwhile a colleague saves the women's numerator from another computer.
        seed(&server, "03388", &period, &[("6.1.num", "female", "1400")]).await;

        // The connection returns: the queued save goes by itself; the colleague's figure stays,
        // and the box is shown with a message saying so.
        tokio::task::block_in_place(|| server.served.restart());
        set_offline(&b, false).await;
        let text = wait_for_text(&b, "1 ô chưa được lưu vì đã có người khác sửa").await;
        assert!(text.contains("đổi thành 1.400 sau khi bạn mở biểu mẫu"), "{text}");
        assert_eq!(
            saved_meanwhile(&server).await,
            ["6.1.den/female=2500", "6.1.den/male=3000", "6.1.num/female=1400", "6.1.num/male=1260"]
        );
        assert_eq!(value_of(&b, "#v-6-1-num-female").await, "1.500", "the officer's figure is still in its box");
        assert_eq!(attr_of(&b, "#v-6-1-num-female", "aria-invalid").await.as_deref(), Some("true"));
        assert_contrast(&b, "entry form after a queued save met a colleague's change").await;
        scroll_to(&b, "#v-6-1-num-female").await;
        screenshot(&b, "entry-conflict-phone.png").await;
        b.close().await;
    }
}

on_both_backends_and_days! {
    async fn an_admin_adds_a_user_on_the_users_page(backend: Backend, today: Date) {
        let server = Server::start(backend, today).await;
        server.user("quan.tri", Role::Admin, "VN").await;
        let b = Browser::start(1024, 900).await;
        sign_in(&b, &server, "quan.tri", TEST_PASSWORD).await;
        wait_for_text(&b, "Quản trị").await;
        click(&b, "nav a[href='/quan-tri']").await;
        wait_for_text(&b, "Lịch báo cáo").await;
        click(&b, "a[href='/quan-tri/nguoi-dung']").await;
        wait_for_text(&b, "Thêm tài khoản").await;
        type_into(&b, "#add-username", "can.bo.doanket").await;
        // The unit is found by its name typed without diacritics (htmx); choosing it puts
        // its code in the box, which then names it.
        type_into(&b, "#add-unit", "doan ket").await;
        let pick = "#add-unit-name .unit-pick[data-code='03388']";
        let started = Instant::now();
        while js(&b, &format!("return document.querySelector({pick:?}) !== null;")).await != json!(true) {
            assert!(started.elapsed() < Duration::from_secs(10), "no unit was offered for the name typed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(text_of(&b, pick).await, "Phường Đoàn Kết — Tỉnh Lai Châu (03388)");
        click(&b, pick).await;
        assert_eq!(value_of(&b, "#add-unit").await, "03388");
        let started = Instant::now();
        while text_of(&b, "#add-unit-name").await != "Phường Đoàn Kết" {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the unit's name never appeared"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        click(&b, "#add-user-submit").await;
        wait_for_text(&b, "Mật khẩu chỉ hiện một lần").await;
        let password = text_of(&b, "#one-time-password").await;
        assert_eq!(password.len(), 16, "{password}");
        let row = text_of(&b, "#user-can\\.bo\\.doanket").await;
        assert!(
            row.contains("Phường Đoàn Kết (03388)") && row.contains("Phải đổi mật khẩu"),
            "{row}"
        );
        let user = server.db.store.user_by_name("can.bo.doanket").await.unwrap().unwrap();
        assert!(user.must_change_password);
        screenshot(&b, "admin-users.png").await;
        assert_contrast(&b, "users page").await;
        sign_out(&b).await;
        b.close().await;
    }
}

/// Where the page's links matching `css` are, as [left, right, height] in CSS pixels.
async fn boxes(b: &Browser, css: &str) -> Vec<(f64, f64, f64)> {
    let script = format!(
        "return Array.from(document.querySelectorAll({css:?})).map(function (e) {{ var r = e.getBoundingClientRect(); return [r.left, r.right, r.height]; }});"
    );
    js(b, &script)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_f64().unwrap(), r[1].as_f64().unwrap(), r[2].as_f64().unwrap()))
        .collect()
}

/// The page is no wider than the window, and its header takes less than a fifth of it.
async fn fits_the_phone(b: &Browser, page: &str) {
    let sizes = js(
        b,
        "return [document.documentElement.scrollWidth, window.innerWidth, document.querySelector('header.top').getBoundingClientRect().height, window.innerHeight];",
    )
    .await;
    let n = |i: usize| sizes[i].as_f64().unwrap();
    let wide = js(
        b,
        "return Array.from(document.querySelectorAll('body *')).filter(function (e) { return e.getBoundingClientRect().right > window.innerWidth + 1; }).slice(0, 8).map(function (e) { return e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right); });",
    )
    .await;
    assert!(
        n(0) <= n(1),
        "{page}: the page is {}px wide in a {}px window: {wide}",
        n(0),
        n(1)
    );
    let parts = js(
        b,
        "return Array.from(document.querySelectorAll('header.top .bar, header.top .bar > *')).map(function (e) { return e.className + ' ' + Math.round(e.getBoundingClientRect().height); });",
    )
    .await;
    assert!(
        n(2) < n(3) / 5.0,
        "{page}: the header takes {}px of {}px: {parts}",
        n(2),
        n(3)
    );
}

on_both_backends_and_days! {
    async fn on_a_phone_each_home_page_shows_its_main_action_and_nothing_overflows(backend: Backend, today: Date) {
        let server = Server::start(backend, today).await;
        server.user("can.bo.xa", Role::Officer, "03388").await;
        server.user("tong.hop", Role::Reviewer, "12").await;
        server.user("lanh.dao", Role::Leader, "12").await;
        let h1 = format!("{}H1", today.year());
        // A commune's report waits for the reviewer.
        seed_six_one(&server, "03390", &h1, (2100, 3000), (2500, 3200)).await;
        let store = &server.db.store;
        let (unit, period) = store.resolve_unit_period("03390", &h1).await.unwrap();
        let programme = store.programme_for(&period).await.unwrap().unwrap();
        let submit = binhdang_store::TransitionRequest { transition: "submit".parse().unwrap(), reason: None };
        let actor = Actor { name: "seed".into(), origin: "test".into(), entered_from: None };
        store.transition(&unit, &programme, &period, submit, &actor).await.unwrap();
        let b = Browser::start(360, 780).await;

        // The officer: the unit's reports as cards, "Nhập số liệu" on the screen and big enough
        // to touch.
        sign_in(&b, &server, "can.bo.xa", TEST_PASSWORD).await;
        wait_for_text(&b, "Kỳ báo cáo của đơn vị").await;
        fits_the_phone(&b, "officer's home").await;
        let actions = boxes(&b, "td.action a").await;
        assert!(!actions.is_empty());
        for (left, right, height) in actions {
            assert!(left >= 0.0 && right <= 360.0, "an action at {left}..{right}px");
            assert!(height >= 44.0, "an action {height}px tall");
        }
        screenshot(&b, "phone-officer-home.png").await;
        // The entry form's boxes are big enough to touch.
        b.client.goto(&server.url(&format!("/nhap-lieu?unit=03388&period={h1}"))).await.unwrap();
        wait_for_text(&b, "Mục tiêu 6").await;
        fits_the_phone(&b, "entry form").await;
        let smallest = js(&b, "return Math.min.apply(null, Array.from(document.querySelectorAll('form input[type=text]')).map(function (e) { return e.getBoundingClientRect().height; }));").await;
        assert!(smallest.as_f64().unwrap() >= 44.0, "a box {smallest}px tall");
        sign_out(&b).await;

        // The reviewer: "Xét duyệt" of the waiting report on the screen.
        sign_in(&b, &server, "tong.hop", TEST_PASSWORD).await;
        wait_for_text(&b, "Báo cáo chờ xét duyệt").await;
        fits_the_phone(&b, "reviewer's home").await;
        let review = boxes(&b, "#inbox-h ~ .table-wrap td.action a").await;
        assert_eq!(review.len(), 1, "one report waits");
        assert!(review[0].1 <= 360.0 && review[0].2 >= 44.0, "{review:?}");
        screenshot(&b, "phone-reviewer-home.png").await;
        sign_out(&b).await;

        // The leader's dashboard: the table as cards, a way straight to the charts.
        sign_in(&b, &server, "lanh.dao", TEST_PASSWORD).await;
        // Signed in first (the leader lands on a dashboard), then the one asked for.
        wait_for_text(&b, "Đánh giá thực hiện các chỉ tiêu").await;
        b.client.goto(&server.url(&format!("/bang-dieu-khien?unit=12&period={h1}&indicator=6.1"))).await.unwrap();
        wait_for_text(&b, "Biểu đồ: 6.1").await;
        fits_the_phone(&b, "dashboard").await;
        let row = boxes(&b, "#row-6\\.1").await;
        assert!(row[0].1 <= 360.0, "the row of 6.1 fits: {row:?}");
        // The place the leader is at is shown in the header's strip, not scrolled out of it.
        let here = boxes(&b, ".who nav a[aria-current=page]").await;
        assert!(here[0].0 >= 0.0 && here[0].1 <= 360.0, "{here:?}");
        let to_charts = boxes(&b, "#to-charts").await;
        assert!(to_charts.len() == 1 && to_charts[0].2 >= 44.0, "{to_charts:?}");
        screenshot(&b, "phone-dashboard.png").await;
        assert_contrast(&b, "dashboard on a phone").await;
        b.close().await;
    }
}

/// A DOCX draft with one percentage that does not follow from its counts (13 of 40 is 32,5 %).
fn draft_docx() -> Vec<u8> {
    use binhdang_reports::model::{Block, ParaKind, Paragraph, Run};
    let para = |kind, text: &str| Block::Paragraph(Paragraph::new(kind, vec![Run::plain(text)]));
    let doc = binhdang_reports::Document {
        title: "Dự thảo".into(),
        file_stem: "du-thao".into(),
        draft: true,
        header: None,
        blocks: vec![
            para(ParaKind::Centered, "BÁO CÁO Kết quả công tác bình đẳng giới năm 2024"),
            para(ParaKind::Heading, "I. KẾT QUẢ THỰC HIỆN"),
            para(
                ParaKind::Body,
                "Tổng số cán bộ, công chức của xã là 40 người, trong đó nữ 13 người, chiếm 35,5%.",
            ),
        ],
    };
    binhdang_reports::render(&doc, binhdang_reports::Format::Docx).expect("a DOCX")
}

on_both_backends_and_days! {
    async fn a_leader_checks_a_docx_draft_and_sees_the_wrong_percentage(backend: Backend, today: Date) {
        let server = Server::start(backend, today).await;
        server.user("lanh.dao", Role::Leader, "12").await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("du-thao.docx");
        std::fs::write(&path, draft_docx()).unwrap();
        let b = Browser::start(390, 844).await;
        sign_in(&b, &server, "lanh.dao", TEST_PASSWORD).await;
        wait_for_text(&b, "Kiểm tra báo cáo").await;
        click(&b, "nav a[href='/kiem-tra-bao-cao']").await;
        wait_for_text(&b, "Tệp không được lưu lại").await;
        b.client
            .find(Locator::Css("#check-file"))
            .await
            .unwrap()
            .send_keys(&path.display().to_string())
            .await
            .unwrap();
        click(&b, "#check-submit").await;
        wait_for_text(&b, "Kết quả kiểm tra").await;
        let summary = text_of(&b, "#check-summary").await;
        assert!(summary.starts_with("du-thao.docx (năm 2024): 1 lỗi, 0 cảnh báo"), "{summary}");
        let result = text_of(&b, "#check-result").await;
        assert!(result.contains("I. KẾT QUẢ THỰC HIỆN") && result.contains("tỷ lệ không khớp tử số/mẫu số"), "{result}");
        assert!(result.contains("35,5%") && result.contains("32,5%"), "{result}");
        assert!(server.db.store.import_batch(1).await.is_err(), "nothing was kept");
        scroll_to(&b, "#check-result").await;
        screenshot(&b, "check-phone.png").await;
        assert_contrast(&b, "check page").await;
        sign_out(&b).await;
        b.close().await;
    }
}

on_both_backends_and_days! {
    async fn anyone_reads_an_indicator_of_open_data_on_a_phone_without_signing_in(backend: Backend, today: Date) {
        let server = Server::start(backend, today).await;
        let h1 = format!("{}H1", today.year());
        seed_six_one(&server, "03390", &h1, (2100, 3000), (2500, 3200)).await;
        let store = &server.db.store;
        let (unit, period) = store.resolve_unit_period("03390", &h1).await.unwrap();
        let programme = store.programme_for(&period).await.unwrap().unwrap();
        let actor = Actor { name: "seed".into(), origin: "test".into(), entered_from: None };
        for step in ["submit", "approve"] {
            let request = binhdang_store::TransitionRequest { transition: step.parse().unwrap(), reason: None };
            store.transition(&unit, &programme, &period, request, &actor).await.unwrap();
        }
        let b = Browser::start(360, 780).await;
        b.client.goto(&server.url("/du-lieu-mo/")).await.unwrap();
        wait_for_text(&b, "Dữ liệu mở về bình đẳng giới").await;
        fits_the_phone(&b, "open data").await;
        // From the list to the indicator, to the province and down to the commune, by links.
        b.client.find(Locator::LinkText("6.1")).await.unwrap().click().await.unwrap();
        wait_for_text(&b, "Định nghĩa và phương pháp").await;
        b.client.find(Locator::LinkText("Tỉnh Lai Châu")).await.unwrap().click().await.unwrap();
        let text = wait_for_text(&b, "Các đơn vị trực thuộc").await;
        // 2,100 + 2,500 of 3,000 + 3,200 people: 74,2 %, approved and so public.
        assert!(text.contains("74,2%") && text.contains("4.600") && text.contains("6.200"), "{text}");
        fits_the_phone(&b, "an indicator's page").await;
        let charts = js(&b, "return document.querySelectorAll('svg.od-chart polyline').length;").await;
        assert_eq!(charts.as_u64(), Some(3), "the value, women's and men's lines");
        let scripts = js(&b, "return document.scripts.length;").await;
        assert_eq!(scripts.as_u64(), Some(0), "no script on open-data pages");
        screenshot(&b, "open-data-phone.png").await;
        b.client.find(Locator::Css("a[hreflang=en]")).await.unwrap().click().await.unwrap();
        wait_for_text(&b, "Definition and method").await;
    }
}

// A province specialist writes a plan with two tasks and issues it; the health department's
// officer, on a phone, finds the task due this week on the home page and reports it done.
on_both_backends_and_days! {
    async fn a_plan_with_two_tasks_is_issued_and_one_is_reported_done_from_a_phone(backend: Backend, today: Date) {
        let server = Server::start(backend, today).await;
        let store = &server.db.store;
        let province = store.unit_on("12", today).await.unwrap();
        let agency = binhdang_domain::Agency {
            code: "so-y-te-12".into(),
            unit: binhdang_domain::UnitCode::parse("12").unwrap(),
            name_vi: "Sở Y tế".into(),
            name_en: None,
        };
        store.put_agency(&province, &agency).await.unwrap();
        server.user("chuyen.vien", Role::Reviewer, "12").await;
        let officer = binhdang_store::NewUser {
            username: "can.bo.y.te",
            role: Role::Officer,
            unit_code: "12",
            agency_code: Some("so-y-te-12"),
            password: TEST_PASSWORD,
            must_change_password: false,
        };
        store.add_user(&officer, "test", "test").await.unwrap();
        let fmt = binhdang_domain::vn::format_date;
        let year = today.year();

        let b = Browser::start(1024, 768).await;
        sign_in(&b, &server, "chuyen.vien", TEST_PASSWORD).await;
        wait_for_text(&b, "Báo cáo chờ xét duyệt").await;
        click(&b, "nav a[href='/ke-hoach']").await;
        wait_for_text(&b, "Thêm kế hoạch, chỉ thị").await;
        type_into(&b, "#plan-number", "85/KH-UBND").await;
        type_into(&b, "#plan-date", &fmt(today)).await;
        type_into(&b, "#plan-period", &format!("{year}-{}", year + 1)).await;
        type_into(&b, "#plan-summary", "Thực hiện công tác bình đẳng giới").await;
        click(&b, "#plan-save").await;
        wait_for_text(&b, "Chưa có nhiệm vụ nào.").await;
        // Two tasks: the department's, due in three days, and the province's own, half-yearly.
        type_into(&b, "#task-item", "II.1").await;
        type_into(&b, "#task-text", "Tập huấn về bình đẳng giới cho cán bộ y tế").await;
        js(&b, "document.querySelector('#task-lead').value = 'agency:so-y-te-12'; return true;").await;
        type_into(&b, "#task-due", &fmt(today + time::Duration::days(3))).await;
        click(&b, "#task-save").await;
        wait_for_text(&b, "Đã thêm nhiệm vụ.").await;
        type_into(&b, "#task-item", "IV.3").await;
        type_into(&b, "#task-text", "Tổng hợp, báo cáo kết quả thực hiện kế hoạch").await;
        type_into(&b, "#task-due", &fmt(today + time::Duration::days(30))).await;
        js(&b, "document.querySelector('#task-recurrence').value = 'half_yearly'; return true;").await;
        click(&b, "#task-save").await;
        let text = wait_for_text(&b, "Nhiệm vụ (2)").await;
        assert!(text.contains("Sở Y tế") && text.contains("6 tháng một lần"), "{text}");
        click(&b, "#plan-issue").await;
        wait_for_text(&b, "Đã ban hành").await;
        sign_out(&b).await;
        b.close().await;

        let phone = Browser::start(360, 780).await;
        sign_in(&phone, &server, "can.bo.y.te", TEST_PASSWORD).await;
        let home = wait_for_text(&phone, "Nhiệm vụ quá hạn hoặc sắp đến hạn").await;
        assert!(home.contains("Tập huấn về bình đẳng giới cho cán bộ y tế"), "{home}");
        assert!(!home.contains("Tổng hợp, báo cáo kết quả"), "the province's own task is not the department's: {home}");
        click(&phone, "#urgent-tasks a[href^='/nhiem-vu/']").await;
        wait_for_text(&phone, "Cập nhật tiến độ").await;
        type_into(&phone, "#progress-note", "Đã tập huấn 120 cán bộ y tế").await;
        type_into(&phone, "#progress-link", "https://soyte.laichau.gov.vn/tap-huan").await;
        let overflow = js(&phone, "return document.documentElement.scrollWidth - window.innerWidth;").await;
        assert!(overflow.as_i64().unwrap() <= 0, "horizontal overflow of {overflow}px");
        click(&phone, "#progress-save").await;
        let text = wait_for_text(&phone, "Đã ghi nhận tiến độ.").await;
        assert_eq!(text_of(&phone, "#task-status").await, "Hoàn thành đúng hạn");
        assert!(text.contains("Đã tập huấn 120 cán bộ y tế") && text.contains("can.bo.y.te"), "{text}");
        assert_contrast(&phone, "task page").await;
        screenshot(&phone, "task-360px.png").await;
        // The plan's page reads on the phone too: its tasks as cards, nothing wider than the screen.
        click(&phone, "main p a[href^='/ke-hoach/']").await;
        let plan = wait_for_text(&phone, "Tiến độ theo cơ quan chủ trì").await;
        assert!(plan.contains("Hoàn thành đúng hạn") && plan.contains("6 tháng một lần"), "{plan}");
        let overflow = js(&phone, "return document.documentElement.scrollWidth - window.innerWidth;").await;
        assert!(overflow.as_i64().unwrap() <= 0, "horizontal overflow of {overflow}px on the plan's page");
        assert_contrast(&phone, "plan page").await;
        // Done, it leaves the home page's list.
        phone.client.goto(&server.url("/")).await.unwrap();
        let home = wait_for_text(&phone, "Kỳ báo cáo của đơn vị").await;
        assert!(!home.contains("Nhiệm vụ quá hạn hoặc sắp đến hạn"), "{home}");
        sign_out(&phone).await;
        phone.close().await;
    }
}
