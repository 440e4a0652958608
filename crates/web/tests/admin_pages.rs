//! The administration pages (`/quan-tri/…`) over plain HTTP against the real server on a
//! fresh database (SQLite and PostgreSQL): an administrator adds an officer who then signs
//! in and must change the password; other roles are refused with a sentence; a bad form
//! says what is wrong beside the box and changes nothing; a local target set on the page is
//! what the unit is assessed against; closing a period blocks entry until a reviewer
//! unlocks it; the units page shows the 2025 mapping; an agency's indicators set on the
//! catalogue page bound what its officers enter; the API sets local targets as the page does.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use binhdang_store::testing::TEST_PASSWORD;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::App;
use support::visitor::{Page, Visitor};

fn this_year() -> i32 {
    binhdang_store::testing::test_today().year()
}

async fn signed_in(app: &App, username: &str, role: Role, unit: &str) -> Visitor {
    app.user(username, role, unit).await;
    let mut v = Visitor::new(app);
    v.sign_in(username, TEST_PASSWORD).await;
    v
}

/// The administrator every test app has (`tester`, of the whole country), in a browser.
async fn admin(app: &App) -> Visitor {
    let mut v = Visitor::new(app);
    let home = v.sign_in("tester", TEST_PASSWORD).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER, "{}", home.body);
    v
}

/// Posts a form of the page at `path`, with the page's CSRF token.
async fn post_form(v: &mut Visitor, path: &str, fields: &[(&str, &str)]) -> Page {
    let page = v.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.csrf();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    v.post(path, &form).await
}

/// The text of the element with this id, up to its closing `</p>`.
fn error_text<'a>(page: &'a Page, id: &str) -> &'a str {
    error_text_until(page, id, "</p>")
}

/// The one-time password a page shows.
fn one_time_password(page: &Page) -> String {
    error_text_until(page, "one-time-password", "</code>").to_string()
}

/// The page's text from the element with this id up to `end`.
fn error_text_until<'a>(page: &'a Page, id: &str, end: &str) -> &'a str {
    let marker = format!("id=\"{id}\">");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("{id} in {}", page.body))
        + marker.len();
    let rest = &page.body[start..];
    &rest[..rest.find(end).unwrap()]
}

async fn user_count(app: &App) -> usize {
    app.db.store.users().await.unwrap().len()
}

on_both_backends! {
    async fn an_admin_adds_an_officer_who_signs_in_and_must_change_the_password(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut admin = admin(&app).await;
        let home = admin.get("/").await;
        assert!(home.body.contains("href=\"/quan-tri\""), "the administration is in the navigation");
        let menu = admin.get("/quan-tri").await;
        assert_eq!(menu.status, StatusCode::OK);
        for link in ["/quan-tri/nguoi-dung", "/quan-tri/don-vi", "/quan-tri/danh-muc", "/quan-tri/quy-tac", "/quan-tri/lich-bao-cao"] {
            assert!(menu.body.contains(&format!("href=\"{link}\"")), "{link} in {}", menu.body);
        }
        // The name of the unit typed into the form, as htmx fetches it.
        let name = admin.get("/quan-tri/don-vi/ten?unit=03388").await;
        assert_eq!(name.body, "Phường Đoàn Kết");

        let added = post_form(&mut admin, "/quan-tri/nguoi-dung", &[
            ("do", "add"), ("username", "can.bo.doanket"), ("role", "officer"), ("unit", "03388"),
            ("agency", ""), ("password", ""),
        ]).await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        let password = one_time_password(&added);
        assert_eq!(password.len(), 16, "a one-time password made by the server, shown once");
        let row = error_text_until(&added, "user-can.bo.doanket", "</tr>");
        for shown in ["Cán bộ nhập liệu", "Phường Đoàn Kết (03388)", "Phải đổi mật khẩu"] {
            assert!(row.contains(shown), "{shown} in {row}");
        }
        let stored = app.db.store.user_by_name("can.bo.doanket").await.unwrap().unwrap();
        assert_eq!((stored.role, stored.unit.code.as_str(), stored.must_change_password), (Role::Officer, "03388", true));
        let (_, audit) = app.get("/api/v1/audit?unit=03388").await;
        assert!(audit["records"].as_array().unwrap().iter().any(|r| r["action"] == "user.create" && r["actor"] == "tester"), "{audit}");
        // The list on its own page does not show the password again.
        let list = admin.get("/quan-tri/nguoi-dung").await;
        assert!(!list.body.contains(&password));
        assert!(!error_text_until(&list, "user-tester", "</tr>").contains("value=\"disable\""), "no locking oneself out");

        // The officer signs in with it and must choose a new password before anything else.
        let mut officer = Visitor::new(&app);
        let r = officer.sign_in("can.bo.doanket", &password).await;
        assert_eq!(r.location(), "/doi-mat-khau");
        assert_eq!(officer.get("/nhap-lieu").await.location(), "/doi-mat-khau");
        let changed = post_form(&mut officer, "/doi-mat-khau", &[
            ("old_password", &password), ("new_password", "mat-khau-rieng-1"), ("confirm_password", "mat-khau-rieng-1"),
        ]).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
        assert_eq!(officer.get("/").await.status, StatusCode::OK);

        // A new one-time password: shown once, the old one no longer works, a change is forced again.
        let reset = post_form(&mut admin, "/quan-tri/nguoi-dung", &[("do", "reset"), ("username", "can.bo.doanket")]).await;
        assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
        let second = one_time_password(&reset);
        assert_ne!(second, password);
        let mut again = Visitor::new(&app);
        assert_ne!(again.sign_in("can.bo.doanket", "mat-khau-rieng-1").await.status, StatusCode::SEE_OTHER);
        assert_eq!(again.sign_in("can.bo.doanket", &second).await.location(), "/doi-mat-khau");

        // Disabled: listed as such, and signing in fails.
        let disabled = post_form(&mut admin, "/quan-tri/nguoi-dung", &[("do", "disable"), ("username", "can.bo.doanket")]).await;
        assert_eq!(disabled.location(), "/quan-tri/nguoi-dung?msg=disabled");
        let list = admin.get("/quan-tri/nguoi-dung?msg=disabled").await;
        assert!(list.body.contains("Đã khóa tài khoản."));
        assert!(error_text_until(&list, "user-can.bo.doanket", "</tr>").contains("Đã khóa"));
        assert_ne!(Visitor::new(&app).sign_in("can.bo.doanket", &second).await.status, StatusCode::SEE_OTHER);
        assert!(app.db.store.user_by_name("can.bo.doanket").await.unwrap().unwrap().disabled);

        // Enabled again from the same page: it signs in with the password it had.
        let list = admin.get("/quan-tri/nguoi-dung").await;
        assert!(error_text_until(&list, "user-can.bo.doanket", "</tr>").contains("value=\"enable\""));
        let enabled = post_form(&mut admin, "/quan-tri/nguoi-dung", &[("do", "enable"), ("username", "can.bo.doanket")]).await;
        assert_eq!(enabled.location(), "/quan-tri/nguoi-dung?msg=enabled");
        assert!(admin.get(enabled.location()).await.body.contains("Đã mở khóa tài khoản."));
        assert_eq!(Visitor::new(&app).sign_in("can.bo.doanket", &second).await.location(), "/doi-mat-khau");
    }
}

on_both_backends! {
    async fn other_roles_are_refused_the_administration_with_a_sentence(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut officer = signed_in(&app, "can.bo", Role::Officer, "03388").await;
        let home = officer.get("/").await;
        assert!(!home.body.contains("href=\"/quan-tri\""), "no administration link for an officer");
        let refused = officer.get("/quan-tri").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("Chỉ quản trị hệ thống và chuyên viên tổng hợp được dùng các trang quản trị"), "{}", refused.body);
        for path in ["/quan-tri/nguoi-dung", "/quan-tri/danh-muc", "/quan-tri/quy-tac"] {
            let page = officer.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
            assert!(page.body.contains("Chỉ quản trị hệ thống được thực hiện thao tác này"), "{path}: {}", page.body);
        }
        let english = officer.get("/quan-tri/quy-tac?lang=en").await;
        assert!(english.body.contains("only an administrator may do this"), "{}", english.body);
        // A forged add changes nothing.
        let before = user_count(&app).await;
        let csrf = officer.get("/").await.csrf();
        let r = officer.post("/quan-tri/nguoi-dung", &[("csrf", &csrf), ("do", "add"), ("username", "ke.gian"),
            ("role", "admin"), ("unit", "VN"), ("password", "mat-khau-ke-gian")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(user_count(&app).await, before);

        // A reviewer has the units and the calendar's unlock and excuse, not the rest.
        let mut reviewer = signed_in(&app, "tong.hop", Role::Reviewer, "12").await;
        let menu = reviewer.get("/quan-tri").await;
        assert_eq!(menu.status, StatusCode::OK);
        assert!(menu.body.contains("href=\"/quan-tri/lich-bao-cao\"") && !menu.body.contains("href=\"/quan-tri/nguoi-dung\""));
        assert_eq!(reviewer.get("/quan-tri/quy-tac").await.status, StatusCode::FORBIDDEN);
        let calendar = reviewer.get("/quan-tri/lich-bao-cao").await;
        assert_eq!(calendar.status, StatusCode::OK);
        assert!(calendar.body.contains("id=\"unlock-form\"") && !calendar.body.contains("id=\"close-form\""));
        let close = reviewer.post("/quan-tri/lich-bao-cao", &[("csrf", &calendar.csrf()), ("do", "close"),
            ("programme", "NS-H1"), ("period", "2025H1"), ("closes_on", "15/07/2025")]).await;
        assert_eq!(close.status, StatusCode::FORBIDDEN);
        assert!(app.db.store.period_closures().await.unwrap().is_empty());
        // Outside their province: refused by the scope check, in words.
        let outside = reviewer.post("/quan-tri/lich-bao-cao", &[("csrf", &calendar.csrf()), ("do", "unlock"),
            ("unit", "08"), ("period", "2025H1"), ("until", "31/12/2099"), ("reason", "bổ sung")]).await;
        assert_eq!(outside.status, StatusCode::FORBIDDEN);
        assert!(outside.body.contains("không có quyền mở khóa số liệu của Tỉnh Tuyên Quang"), "{}", outside.body);
        // Without the CSRF token, nothing.
        let forged = reviewer.post("/quan-tri/lich-bao-cao", &[("do", "excuse"), ("unit", "03388"), ("period", "2025"), ("reason", "x")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert!(forged.body.contains("mã chống giả mạo"));
    }
}

on_both_backends! {
    async fn bad_forms_say_what_is_wrong_beside_the_box_and_change_nothing(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut admin = admin(&app).await;
        let before = user_count(&app).await;
        let page = "/quan-tri/nguoi-dung";

        let unknown = post_form(&mut admin, page, &[("do", "add"), ("username", "nguoi.moi"), ("role", "reviewer"),
            ("unit", "99999"), ("agency", ""), ("password", "")]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown.body.contains("Chưa lưu: xem các ô được đánh dấu bên dưới."));
        assert_eq!(error_text(&unknown, "add-unit-error"), "Không có đơn vị hành chính mã `99999`");
        assert!(unknown.body.contains("value=\"nguoi.moi\""), "what was typed is kept");
        assert!(unknown.body.contains("<option value=\"reviewer\" selected>"), "the role chosen is kept");
        assert!(!unknown.body.contains("id=\"one-time-password\""));

        let taken = post_form(&mut admin, page, &[("do", "add"), ("username", "tester"), ("role", "officer"),
            ("unit", "12"), ("agency", ""), ("password", "")]).await;
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_text(&taken, "add-username-error"), "Tên đăng nhập `tester` đã có người dùng");
        assert!(taken.body.contains(">Tỉnh Lai Châu</div>"), "the unit typed is named: {}", taken.body);
        let short = post_form(&mut admin, page, &[("do", "add"), ("username", "Có Dấu"), ("role", "officer"),
            ("unit", "12"), ("agency", "khong-co"), ("password", "ngan")]).await;
        assert!(error_text(&short, "add-password-error").contains("Mật khẩu cần ít nhất 10 ký tự"));
        assert!(error_text(&short, "add-username-error").contains("chữ thường không dấu"));
        assert_eq!(error_text(&short, "add-agency-error"), "Đơn vị không có cơ quan `khong-co`");
        assert_eq!(user_count(&app).await, before, "no account was added");

        // Rules: the expression's problem beside its box, in the page's language.
        let rules_before = app.db.store.rules().await.unwrap().len();
        let rule = [("do", "add"), ("code", "giam-qua-nua"), ("name_vi", "Giảm quá nửa"), ("name_en", ""),
            ("left", "#{6.1.num"), ("operator", ">="), ("right", "prev(#{9.9.num}) * 0.5"), ("severity", "warning"),
            ("message_vi", "Giảm từ {right} xuống {left}"), ("message_en", "")];
        let bad = post_form(&mut admin, "/quan-tri/quy-tac", &rule).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(error_text(&bad, "rule-left-error").contains("Vị trí"), "{}", error_text(&bad, "rule-left-error"));
        assert!(error_text(&bad, "rule-right-error").contains("không có chỉ tiêu dữ liệu `9.9.num`"));
        assert!(bad.body.contains("value=\"#{6.1.num\""), "the expression typed is kept");
        admin.get("/quan-tri/quy-tac?lang=en").await;
        let english = post_form(&mut admin, "/quan-tri/quy-tac", &rule).await;
        assert!(error_text(&english, "rule-right-error").contains("no data element `9.9.num`"), "{}", english.body);
        assert!(english.body.contains("Nothing was saved"));
        assert_eq!(app.db.store.rules().await.unwrap().len(), rules_before);
        admin.get("/quan-tri/quy-tac?lang=vi").await;

        // A good rule is added, listed, and switched off.
        let mut good = rule;
        good[4] = ("left", "#{6.1.num}");
        good[6] = ("right", "prev(#{6.1.num}) * 0.5");
        let added = post_form(&mut admin, "/quan-tri/quy-tac", &good).await;
        assert_eq!(added.location(), "/quan-tri/quy-tac?msg=saved", "{}", added.body);
        let list = admin.get("/quan-tri/quy-tac?msg=saved").await;
        assert!(error_text_until(&list, "rule-giam-qua-nua", "</tr>").contains("#{6.1.num} &#62;= prev(#{6.1.num}) * 0.5"), "{}", list.body);
        let off = post_form(&mut admin, "/quan-tri/quy-tac", &[("do", "disable"), ("code", "giam-qua-nua")]).await;
        assert_eq!(off.status, StatusCode::SEE_OTHER);
        assert!(!app.db.store.rule("giam-qua-nua").await.unwrap().unwrap().enabled);

        // Local targets: not a number, above 100%, a unit that did not exist in the phase.
        let targets = |app: &App| {
            let store = app.db.store.clone();
            async move { store.indicator_detail("6.1").await.unwrap().local_targets.len() }
        };
        let targets_before = targets(&app).await;
        let form = |unit: &'static str, phase: &'static str, value: &'static str| {
            [("unit", unit), ("indicator", "6.1"), ("phase", phase), ("op", ">="), ("value", value)]
        };
        let nan = post_form(&mut admin, "/quan-tri/danh-muc", &form("12", "2021-2025", "70 phần trăm")).await;
        assert_eq!(nan.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!error_text(&nan, "target-value-error").is_empty());
        assert!(nan.body.contains("value=\"70 phần trăm\""));
        let over = post_form(&mut admin, "/quan-tri/danh-muc", &form("12", "2021-2025", "150")).await;
        assert_eq!(error_text(&over, "target-value-error"), "Mức chỉ tiêu tỷ lệ phần trăm không được lớn hơn 100 (150)");
        let gone = post_form(&mut admin, "/quan-tri/danh-muc", &form("02", "2026-2030", "60")).await;
        assert_eq!(error_text(&gone, "target-unit-error"), "Đơn vị mã `02` không tồn tại trong giai đoạn 2026-2030");
        assert_eq!(targets(&app).await, targets_before);

        // The calendar: a day that is not in every year, a missing reason.
        let programmes_before = app.db.store.programmes().await.unwrap();
        let bad_day = post_form(&mut admin, "/quan-tri/lich-bao-cao", &[("do", "programme"), ("existing", "1"),
            ("code", "NS-H1"), ("name_vi", "Báo cáo 6 tháng"), ("name_en", ""), ("period_type", "half_year"), ("half", "1"),
            ("deadline_commune", "31/02"), ("deadline_district", "ngày 10"), ("deadline_province", "20/06")]).await;
        assert_eq!(bad_day.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_text(&bad_day, "programme-NS-H1-deadline-district-error"), "`ngày 10` không phải ngày/tháng, ví dụ 05/06");
        let bad_day = post_form(&mut admin, "/quan-tri/lich-bao-cao", &[("do", "programme"), ("existing", "1"),
            ("code", "NS-H1"), ("name_vi", "Báo cáo 6 tháng"), ("name_en", ""), ("period_type", "half_year"), ("half", "1"),
            ("deadline_commune", "31/02"), ("deadline_district", ""), ("deadline_province", "20/06")]).await;
        assert_eq!(error_text(&bad_day, "programme-NS-H1-deadline-commune-error"), "Ngày 31/2 không có trong mọi năm");
        assert!(bad_day.body.contains("value=\"31/02\""));
        assert_eq!(app.db.store.programmes().await.unwrap(), programmes_before);
        let no_reason = post_form(&mut admin, "/quan-tri/lich-bao-cao", &[("do", "unlock"), ("unit", "03388"),
            ("period", "2025"), ("until", "31/12/2099"), ("reason", " ")]).await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_text(&no_reason, "unlock-reason-error"), "Cần ghi rõ lý do mở khóa");
        let bad_date = post_form(&mut admin, "/quan-tri/lich-bao-cao", &[("do", "unlock"), ("unit", "99999"),
            ("period", "2025"), ("until", "31/13/2099"), ("reason", "x")]).await;
        assert_eq!(error_text(&bad_date, "unlock-unit-error"), "Không có đơn vị hành chính mã `99999`");
        assert!(!error_text(&bad_date, "unlock-until-error").is_empty());
    }
}

on_both_backends! {
    async fn a_local_target_set_on_the_page_is_what_the_unit_is_assessed_against(backend: Backend) {
        let app = App::spawn(backend).await;
        let six_one = |body: &Value| body["indicators"].as_array().or(body["assessment"].as_array()).unwrap()
            .iter().find(|a| a["indicator"] == "6.1").cloned().unwrap();
        let (s, before) = app.get("/api/v1/assessment?unit=12&period=2024").await;
        assert_eq!(s, StatusCode::OK, "{before}");
        assert_eq!(six_one(&before)["target"]["source"], "national", "{before}");

        let mut admin = admin(&app).await;
        let saved = post_form(&mut admin, "/quan-tri/danh-muc", &[("unit", "12"), ("indicator", "6.1"),
            ("phase", "2021-2025"), ("op", ">="), ("value", "72,5")]).await;
        assert_eq!(saved.location(), "/quan-tri/danh-muc?msg=saved", "{}", saved.body);
        let page = admin.get("/quan-tri/danh-muc?msg=saved").await;
        let row = error_text_until(&page, "indicator-6.1", "</tr>");
        assert!(row.contains("Tỉnh Lai Châu (12), Giai đoạn 2021-2025: ≥ 72,5%"), "{row}");
        // How a phase's figure is made, and why, beside each indicator.
        assert!(row.contains("lấy kỳ cuối cùng có số liệu") && row.contains("Dân số được tiếp cận"), "{row}");
        let births = error_text_until(&page, "indicator-4.1", "</tr>");
        assert!(births.contains("cộng các kỳ rồi tính tỷ lệ"), "{births}");

        for unit in ["12", "03388"] {
            let (_, after) = app.get(&format!("/api/v1/assessment?unit={unit}&period=2024")).await;
            let target = &six_one(&after)["target"];
            assert_eq!(target["source"], "local", "{unit}: {after}");
            assert_eq!(target["value"], "72.5", "{unit}: {target}");
        }
        let (_, audit) = app.get("/api/v1/audit?unit=12").await;
        let record = audit["records"].as_array().unwrap().iter().find(|r| r["action"] == "target.set").cloned()
            .unwrap_or_else(|| panic!("target.set in {audit}"));
        assert_eq!((record["actor"].as_str(), record["subject"].as_str()), (Some("tester"), Some("6.1")));
    }
}

on_both_backends! {
    async fn closing_a_period_blocks_entry_and_a_reviewers_unlock_reopens_it(backend: Backend) {
        let app = App::spawn(backend).await;
        let h1 = format!("{}H1", this_year());
        let officer = app.user("can.bo", Role::Officer, "03388").await;
        let write = |value: &'static str| {
            let (app, officer, h1) = (&app, officer.clone(), h1.clone());
            async move {
                let body = json!({ "values": [{ "element": "6.1.num", "disaggregation": "female", "value": value }] });
                app.send(&officer, Method::PUT, &format!("/api/v1/values?unit=03388&period={h1}"), Some(&body)).await
            }
        };
        assert_eq!(write("5").await.0, StatusCode::OK);

        let mut admin = admin(&app).await;
        // Periods are chosen in words, never typed as codes; none is chosen by default.
        let page = admin.get("/quan-tri/lich-bao-cao").await;
        let close_box = page.body.split("id=\"close-period\"").nth(1).and_then(|rest| rest.split("</select>").next()).unwrap();
        assert!(close_box.contains(&format!("<option value=\"{h1}\">6 tháng đầu năm {}</option>", &h1[..4])), "{close_box}");
        assert!(close_box.contains("<option value=\"\" selected>— Chọn kỳ báo cáo —</option>"), "{close_box}");
        assert!(!page.body.contains("2025H1 (6 tháng đầu năm)"), "no period codes to learn");
        let today = binhdang_domain::vn::format_date(binhdang_store::testing::test_today());
        let closed = post_form(&mut admin, "/quan-tri/lich-bao-cao", &[("do", "close"), ("programme", "NS-H1"),
            ("period", &h1), ("closes_on", &today)]).await;
        assert_eq!(closed.location(), "/quan-tri/lich-bao-cao?msg=closed", "{}", closed.body);
        let calendar = admin.get("/quan-tri/lich-bao-cao?msg=closed").await;
        assert!(error_text_until(&calendar, "closures", "</table>").contains(&today));
        let (s, body) = write("6").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["problems"][0]["code"], "period_closed");

        let mut reviewer = signed_in(&app, "tong.hop", Role::Reviewer, "12").await;
        let unlocked = post_form(&mut reviewer, "/quan-tri/lich-bao-cao", &[("do", "unlock"), ("unit", "03388"),
            ("period", &h1), ("until", "31/12/2099"), ("reason", "Bổ sung số liệu tập huấn")]).await;
        assert_eq!(unlocked.location(), "/quan-tri/lich-bao-cao?msg=unlocked", "{}", unlocked.body);
        assert_eq!(write("6").await.0, StatusCode::OK);
        let (_, audit) = app.get(&format!("/api/v1/audit?unit=03388&period={h1}")).await;
        assert!(audit["records"].as_array().unwrap().iter()
            .any(|r| r["action"] == "period.unlock" && r["actor"] == "tong.hop" && r["reason"] == "Bổ sung số liệu tập huấn"), "{audit}");

        // The reviewer excuses the commune from the province's approval.
        let excused = post_form(&mut reviewer, "/quan-tri/lich-bao-cao", &[("do", "excuse"), ("unit", "03388"),
            ("period", &h1), ("programme", ""), ("reason", "Xã không phát sinh số liệu")]).await;
        assert_eq!(excused.location(), "/quan-tri/lich-bao-cao?msg=excused", "{}", excused.body);
        let (_, status) = app.get(&format!("/api/v1/status?unit=12&period={h1}")).await;
        let line = status["children"].as_array().unwrap().iter().find(|c| c["unit"]["code"] == "03388").cloned().unwrap();
        assert_eq!(line["excused"], "Xã không phát sinh số liệu");

        // The administrator moves the communes' deadline.
        let moved = post_form(&mut admin, "/quan-tri/lich-bao-cao", &[("do", "programme"), ("existing", "1"),
            ("code", "NS-H1"), ("name_vi", "Báo cáo 6 tháng đầu năm"), ("name_en", "First-half report"),
            ("period_type", "half_year"), ("half", "1"), ("deadline_commune", "10/06"), ("deadline_district", ""),
            ("deadline_province", "15/01"), ("next_year_province", "1")]).await;
        assert_eq!(moved.location(), "/quan-tri/lich-bao-cao?msg=programme", "{}", moved.body);
        let programme = app.db.store.programme("NS-H1").await.unwrap();
        let deadlines: Vec<(String, u8, u8, i32)> = programme.deadlines.iter()
            .map(|(l, d)| (l.as_str().to_string(), d.day, d.month, d.year_offset)).collect();
        assert_eq!(deadlines, vec![("commune".into(), 10, 6, 0), ("province".into(), 15, 1, 1)]);
        let page = admin.get("/quan-tri/lich-bao-cao").await;
        assert!(error_text_until(&page, "programme-NS-H1", "</tr>").contains("Cấp xã: 10/06; Cấp tỉnh: 15/01 năm sau"), "{}", page.body);
    }
}

on_both_backends! {
    async fn the_units_page_shows_where_old_ha_giang_went_and_what_tuyen_quang_came_from(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut admin = admin(&app).await;
        let old = admin.get("/quan-tri/don-vi?code=02&date=30/06/2025").await;
        assert_eq!(old.status, StatusCode::OK, "{}", old.body);
        assert!(old.body.contains("<h2 id=\"unit-h\">Tỉnh Hà Giang (02)</h2>"), "{}", old.body);
        let successors = error_text_until(&old, "successors", "</ul>");
        assert!(successors.contains("href=\"/quan-tri/don-vi?code=08&#38;date=01/07/2025\">Tỉnh Tuyên Quang (08)</a> — sáp nhập, từ ngày 01/07/2025"), "{successors}");
        assert!(error_text_until(&old, "children", "</table>").contains("Thành phố Hà Giang"), "its districts before 2025");
        // On a later day the old province is shown as it last stood, and said so.
        let later = admin.get("/quan-tri/don-vi?code=02").await;
        assert!(later.body.contains("hiển thị đơn vị như tại ngày 30/06/2025"), "{}", later.body);

        let new = admin.get("/quan-tri/don-vi?code=08&date=01/07/2025").await;
        let predecessors = error_text_until(&new, "predecessors", "</ul>");
        assert!(predecessors.contains("Tỉnh Hà Giang (02)") && predecessors.contains("Tỉnh Tuyên Quang (08)"), "{predecessors}");
        assert!(!new.body.contains("id=\"successors\""));
        let english = admin.get("/quan-tri/don-vi?code=02&date=2025-06-30&lang=en").await;
        assert!(english.body.contains("Went into") && english.body.contains("merged, from 01/07/2025"), "{}", english.body);
        admin.get("/quan-tri/don-vi?lang=vi").await;

        let unknown = admin.get("/quan-tri/don-vi?code=99").await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown.body.contains("Không có đơn vị hành chính mã `99`"));
        let bad_date = admin.get("/quan-tri/don-vi?code=02&date=31/02/2025").await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Unit data is public: an officer may look too.
        let mut officer = signed_in(&app, "can.bo", Role::Officer, "03388").await;
        assert_eq!(officer.get("/quan-tri/don-vi?code=02&date=30/06/2025").await.status, StatusCode::OK);
    }
}

/// Ticks `indicators` for `agency` of `unit` on the catalogue page, as an administrator.
async fn assign(admin: &mut Visitor, unit: &str, agency: &str, indicators: &[&str]) -> Page {
    let mut form = vec![("do", "agency"), ("unit", unit), ("agency", agency)];
    form.extend(indicators.iter().map(|code| ("indicator", *code)));
    post_form(admin, "/quan-tri/danh-muc?unit=12", &form).await
}

/// Gives the province the health and home affairs departments.
async fn provincial_agencies(app: &App) {
    let store = &app.db.store;
    let province = store.unit_on("12", time::macros::date!(2026 - 01 - 01)).await.unwrap();
    for (code, name_vi) in [("12-SYT", "Sở Y tế"), ("12-SNV", "Sở Nội vụ")] {
        let agency = binhdang_domain::Agency {
            code: code.into(),
            unit: binhdang_domain::UnitCode::parse("12").unwrap(),
            name_vi: name_vi.into(),
            name_en: None,
        };
        store.put_agency(&province, &agency).await.unwrap();
    }
}

on_both_backends! {
    async fn an_admin_says_which_indicators_an_agency_answers_for_and_its_officer_enters_only_those(backend: Backend) {
        let app = App::spawn(backend).await;
        provincial_agencies(&app).await;
        let store = &app.db.store;
        let mut admin = admin(&app).await;
        let page = admin.get("/quan-tri/danh-muc?unit=12").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(error_text_until(&page, "agency-12-SYT-covers", "</span>"), "chưa phụ trách chỉ tiêu nào");
        assert!(page.body.contains("<label for=\"agency-12-SYT-4.1\"><input type=\"checkbox\" id=\"agency-12-SYT-4.1\" name=\"indicator\" value=\"4.1\">"), "{}", page.body);

        let saved = assign(&mut admin, "12", "12-SYT", &["4.1", "4.2"]).await;
        assert_eq!(saved.location(), "/quan-tri/danh-muc?unit=12&msg=agency#agency-12-SYT", "{}", saved.body);
        assert_eq!(store.agency_indicators("12-SYT").await.unwrap(), ["4.1", "4.2"]);
        assert!(store.agency_indicators("12-SNV").await.unwrap().is_empty(), "only that agency's list changes");
        let page = admin.get("/quan-tri/danh-muc?unit=12&msg=agency").await;
        assert!(page.body.contains("Đã lưu các chỉ tiêu cơ quan phụ trách."));
        assert_eq!(error_text_until(&page, "agency-12-SYT-covers", "</span>"), "4.1, 4.2");
        assert!(page.body.contains("id=\"agency-12-SYT-4.2\" name=\"indicator\" value=\"4.2\" checked>"));
        assert!(!page.body.contains("id=\"agency-12-SYT-4.3\" name=\"indicator\" value=\"4.3\" checked>"));
        let (_, trail) = app.get("/api/v1/audit?unit=12").await;
        assert!(trail["records"].as_array().unwrap().iter()
            .any(|r| r["action"] == "agency.indicators" && r["actor"] == "tester" && r["subject"] == "12-SYT"), "{trail}");

        // The officer of that agency writes 4.1 and is refused 6.1.
        let new = binhdang_store::NewUser {
            username: "so.y.te", role: Role::Officer, unit_code: "12", agency_code: Some("12-SYT"),
            password: TEST_PASSWORD, must_change_password: false,
        };
        store.add_user(&new, "tester", "test").await.unwrap();
        let token = store.create_token("so.y.te", "test", "tester", "test").await.unwrap();
        let officer = support::client_with_token(&token);
        let health = json!({ "values": [{ "element": "4.1.num", "value": "107" }, { "element": "4.1.den", "value": "100" }] });
        let (s, body) = app.send(&officer, Method::PUT, "/api/v1/values?unit=12&period=2025", Some(&health)).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let other = json!({ "values": [{ "element": "6.1.num", "disaggregation": "female", "value": "10" }] });
        let (s, body) = app.send(&officer, Method::PUT, "/api/v1/values?unit=12&period=2025", Some(&other)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert!(body["error"]["message"].as_str().unwrap().contains("không phụ trách chỉ tiêu 6.1"), "{body}");

        // Refused, beside the agency, in the page's language; the list stays as it was.
        let unknown = assign(&mut admin, "12", "12-SYT", &["4.3", "9.9"]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown.body.contains("<li>Không có các chỉ tiêu: 9.9</li>"), "{}", unknown.body);
        assert!(unknown.body.contains("id=\"agency-12-SYT-4.3\" name=\"indicator\" value=\"4.3\" checked>"), "what was ticked is kept");
        let other_unit = assign(&mut admin, "03388", "12-SYT", &["4.3"]).await;
        assert_eq!(other_unit.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(other_unit.body.contains("Phường Đoàn Kết không có cơ quan `12-SYT`"), "{}", other_unit.body);
        admin.get("/quan-tri/danh-muc?unit=12&lang=en").await;
        let english = assign(&mut admin, "12", "12-XYZ", &["4.3"]).await;
        assert_eq!(english.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(english.body.contains("<li>Tỉnh Lai Châu has no agency `12-XYZ`</li>"), "{}", english.body);
        admin.get("/quan-tri/danh-muc?lang=vi").await;
        assert_eq!(store.agency_indicators("12-SYT").await.unwrap(), ["4.1", "4.2"]);

        // A reviewer may open the administration but not change what an agency answers for.
        let mut reviewer = signed_in(&app, "tong.hop", Role::Reviewer, "12").await;
        let csrf = reviewer.get("/quan-tri").await.csrf();
        let refused = reviewer.post("/quan-tri/danh-muc", &[("csrf", &csrf), ("do", "agency"), ("unit", "12"),
            ("agency", "12-SYT"), ("indicator", "6.1")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("Chỉ quản trị hệ thống được thực hiện thao tác này"), "{}", refused.body);
        assert_eq!(store.agency_indicators("12-SYT").await.unwrap(), ["4.1", "4.2"]);
        assert_eq!(reviewer.get("/quan-tri/danh-muc?unit=12").await.status, StatusCode::FORBIDDEN);
    }
}

on_both_backends! {
    async fn the_api_sets_a_local_target_that_the_assessment_uses_and_refuses_bad_ones(backend: Backend) {
        let app = App::spawn(backend).await;
        let six_one = |body: &Value| body["indicators"].as_array().or(body["assessment"].as_array()).unwrap()
            .iter().find(|a| a["indicator"] == "6.1").cloned().unwrap();
        let (_, before) = app.get("/api/v1/assessment?unit=12&period=2024").await;
        assert_eq!(six_one(&before)["target"]["source"], "national", "{before}");

        let path = "/api/v1/indicators/6.1/local-targets";
        let target = json!({ "unit": "12", "phase": "2021-2025", "op": ">=", "value": "50" });
        let (s, body) = app.send(&app.client, Method::PUT, path, Some(&target)).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["local_targets"], json!([{ "unit_code": "12", "unit_name": "Tỉnh Lai Châu", "phase": "2021-2025",
            "op": ">=", "value": "50" }]), "{body}");
        let (_, shown) = app.get("/api/v1/indicators/6.1").await;
        assert_eq!(shown["local_targets"], body["local_targets"]);
        let (_, after) = app.get("/api/v1/assessment?unit=12&period=2024").await;
        let applied = &six_one(&after)["target"];
        assert_eq!((applied["source"].as_str(), applied["value"].as_str()), (Some("local"), Some("50")), "{applied}");
        let (_, trail) = app.get("/api/v1/audit?unit=12").await;
        assert!(trail["records"].as_array().unwrap().iter().any(|r| r["action"] == "target.set" && r["subject"] == "6.1"), "{trail}");

        // Every refusal says what is wrong and changes nothing.
        let refusals = [
            ("/api/v1/indicators/9.9/local-targets", json!({ "unit": "12", "phase": "2021-2025", "op": ">=", "value": "50" }), vec!["unknown_indicator"]),
            (path, json!({ "unit": "99999", "phase": "2021-2025", "op": ">=", "value": "50" }), vec!["unknown_unit"]),
            (path, json!({ "unit": "02", "phase": "2026-2030", "op": ">=", "value": "50" }), vec!["unit_not_in_phase"]),
            (path, json!({ "unit": "12", "phase": "2024", "op": ">=", "value": "50" }), vec!["not_a_phase"]),
            (path, json!({ "unit": "12", "phase": "2021-2025", "op": ">=", "value": "-5" }), vec!["negative_target"]),
            (path, json!({ "unit": "12", "phase": "2021-2025", "op": ">=", "value": 150 }), vec!["over_100"]),
            (path, json!({ "unit": "12", "phase": "giai đoạn", "op": "=>", "value": "50,5" }), vec!["not_a_number", "bad_operator", "bad_period"]),
            (path, json!({ "unit": "12" }), vec!["not_a_number", "bad_operator", "bad_period"]),
        ];
        for (at, body, codes) in refusals {
            let (s, answer) = app.send(&app.client, Method::PUT, at, Some(&body)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
            let got: Vec<&str> = answer["error"]["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
            assert_eq!(got, codes, "{body}: {answer}");
        }
        let (_, shown) = app.get("/api/v1/indicators/6.1").await;
        assert_eq!(shown["local_targets"], body["local_targets"], "nothing changed");

        // Someone else: 403 with a sentence, and the refusal in the audit trail.
        let reviewer = app.user("tong.hop", Role::Reviewer, "12").await;
        let other = json!({ "unit": "12", "phase": "2021-2025", "op": ">=", "value": "60" });
        let (s, answer) = app.send(&reviewer, Method::PUT, path, Some(&other)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{answer}");
        assert_eq!(answer["error"]["message"], "Chỉ quản trị hệ thống được thực hiện thao tác này", "{answer}");
        let (_, trail) = app.get("/api/v1/audit?unit=12").await;
        assert!(trail["records"].as_array().unwrap().iter()
            .any(|r| r["action"] == "access.denied" && r["actor"] == "tong.hop" && r["subject"] == "target.set"), "{trail}");
        let (_, shown) = app.get("/api/v1/indicators/6.1").await;
        assert_eq!(shown["local_targets"], body["local_targets"]);
    }
}

on_both_backends! {
    async fn an_admin_pastes_a_list_of_accounts_from_a_spreadsheet(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut admin = admin(&app).await;
        let before = user_count(&app).await;
        // Pasted from a spreadsheet: tab-separated; row 2 names an unknown role.
        let list = "username\tfull_name\trole\tunit\tagency\temail\tphone\n\
                    cb.a\tLò Thị A\tofficer\t03388\t\t\t\n\
                    cb.b\tVàng Văn B\tchief\t03388\t\t\t\n";
        let refused = post_form(&mut admin, "/quan-tri/nguoi-dung", &[("do", "import"), ("list", list)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        let problems = error_text_until(&refused, "list-problems", "</div>");
        assert!(problems.contains("Dòng 2, cột role"), "{problems}");
        assert!(refused.body.contains("cb.a\tLò Thị A"), "the list is kept to be corrected");
        assert_eq!(user_count(&app).await, before, "nothing written");

        let fixed = list.replace("chief", "reviewer");
        let done = post_form(&mut admin, "/quan-tri/nguoi-dung", &[("do", "import"), ("list", &fixed)]).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let shown = error_text_until(&done, "issued-list", "</table>");
        assert!(shown.contains("cb.a") && shown.contains("cb.b"), "{shown}");
        assert_eq!(user_count(&app).await, before + 2);
        let again = post_form(&mut admin, "/quan-tri/nguoi-dung", &[("do", "import"), ("list", &fixed)]).await;
        assert!(again.body.contains("0 tài khoản mới") && !again.body.contains("id=\"issued\""), "{}", again.body);
    }
}

on_both_backends! {
    async fn an_administrator_adds_a_programmes_indicators_by_pasting_them_on_the_catalogue_page(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut admin = admin(&app).await;
        let programme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/catalogue/programmes/women-in-elected-bodies.csv")).unwrap();
        // Pasted from a spreadsheet with one wrong cell: nothing is added, the row and column are named.
        let pasted = programme.replace(",percent,100,higher,>=,15,", ",percent,100,higher,>=,150,").replace(',', "\t");
        let refused = post_form(&mut admin, "/quan-tri/danh-muc", &[("do", "add_indicators"), ("indicators", &pasted)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        let problems = error_text_until(&refused, "add-indicators-problems", "</div>");
        assert!(problems.contains("Dòng 1, cột target_2025") && problems.contains("không được lớn hơn 100"), "{problems}");
        assert!(refused.body.contains("Tỷ lệ nữ cấp ủy viên các cấp\t"), "the list is kept to be corrected");
        assert_eq!(app.get("/api/v1/indicators/7.1").await.0, StatusCode::NOT_FOUND);

        let added = post_form(&mut admin, "/quan-tri/danh-muc", &[("do", "add_indicators"), ("indicators", &programme)]).await;
        assert_eq!(added.location(), "/quan-tri/danh-muc?msg=added", "{}", added.body);
        let page = admin.get("/quan-tri/danh-muc?msg=added").await;
        assert!(page.body.contains("Phụ nữ trong cấp ủy đảng và cơ quan dân cử"), "the programme is a heading of its own");
        let row = error_text_until(&page, "indicator-7.1", "</tr>");
        assert!(row.contains("Tỷ lệ nữ cấp ủy viên các cấp") && row.contains("15"), "{row}");
        assert!(error_text_until(&page, "indicator-7.4", "</tr>").contains("cộng các kỳ"), "7.4 adds up over time");
    }
}

on_both_backends! {
    async fn a_province_creates_renames_and_closes_an_agency_on_the_catalogue_page(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut admin = admin(&app).await;
        let agencies = |app: &App| {
            let request = app.client.get(format!("{}/api/v1/units/12", app.base));
            async move {
                let unit: Value = request.send().await.unwrap().json().await.unwrap();
                unit["agencies"].as_array().unwrap().iter().map(|a| a["name_vi"].as_str().unwrap().to_string()).collect::<Vec<_>>()
            }
        };
        // A code with capitals and spaces is refused, saying what a code is; nothing is made.
        let refused = post_form(&mut admin, "/quan-tri/danh-muc", &[("do", "agency_add"), ("unit", "12"), ("code", "Sở Y Tế"), ("name_vi", "Sở Y tế")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Mã cơ quan gồm 2–40 ký tự"), "{}", refused.body);
        assert!(agencies(&app).await.is_empty());

        let added = post_form(&mut admin, "/quan-tri/danh-muc", &[("do", "agency_add"), ("unit", "12"), ("code", "phong-ldtbxh"), ("name_vi", "Phòng Lao động - Thương binh và Xã hội")]).await;
        assert_eq!(added.location(), "/quan-tri/danh-muc?unit=12&msg=agencies#co-quan", "{}", added.body);
        let page = admin.get("/quan-tri/danh-muc?unit=12").await;
        assert!(page.body.contains("id=\"agency-phong-ldtbxh-rename\""), "each agency can be renamed and closed there");
        // The 2025 reform moved its work to the Department of Home Affairs: renamed, then closed.
        let renamed = post_form(&mut admin, "/quan-tri/danh-muc", &[("do", "agency_rename"), ("unit", "12"), ("agency", "phong-ldtbxh"), ("name_vi", "Sở Nội vụ")]).await;
        assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
        assert_eq!(agencies(&app).await, ["Sở Nội vụ"]);
        let closed = post_form(&mut admin, "/quan-tri/danh-muc", &[("do", "agency_close"), ("unit", "12"), ("agency", "phong-ldtbxh"), ("on", "")]).await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
        assert!(agencies(&app).await.is_empty(), "a closed agency is no longer listed");
        let (_, trail) = app.get("/api/v1/audit?unit=12").await;
        let actions: Vec<&str> = trail["records"].as_array().unwrap().iter().filter_map(|r| r["action"].as_str()).filter(|a| a.starts_with("agency.")).collect();
        assert_eq!(actions, ["agency.create", "agency.rename", "agency.close"]);
    }
}

on_both_backends! {
    async fn an_account_held_back_by_wrong_passwords_is_let_in_again_from_the_users_page(backend: Backend) {
        let app = App::spawn(backend).await;
        app.user("can.bo.quen", Role::Officer, "03388").await;
        // Five wrong passwords from one address: the right one is refused too, for a while.
        for _ in 0..5 {
            let r = Visitor::new(&app).sign_in("can.bo.quen", "sai-mat-khau").await;
            assert_ne!(r.status, StatusCode::SEE_OTHER);
        }
        assert_ne!(Visitor::new(&app).sign_in("can.bo.quen", TEST_PASSWORD).await.status, StatusCode::SEE_OTHER);
        // The administrator sees it beside the account and lets it in again.
        let mut admin = admin(&app).await;
        let path = "/quan-tri/nguoi-dung?q=can.bo.quen";
        let page = admin.get(path).await;
        assert!(page.body.contains("id=\"held-can.bo.quen\">Tạm chặn đăng nhập (5 lần sai mật khẩu)"), "{}", page.body);
        assert!(page.body.contains("id=\"lift-can.bo.quen\""));
        let done = post_form(&mut admin, path, &[("do", "lift"), ("username", "can.bo.quen")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let page = admin.get(done.location()).await;
        assert!(page.body.contains("Đã cho phép đăng nhập lại ngay"), "{}", page.body);
        assert!(!page.body.contains("id=\"held-can.bo.quen\""));
        assert_eq!(Visitor::new(&app).sign_in("can.bo.quen", TEST_PASSWORD).await.status, StatusCode::SEE_OTHER);
        // Audited.
        let (_, audit) = app.get("/api/v1/audit?unit=03388").await;
        assert!(audit.to_string().contains("user.lift_sign_in_limit"), "{audit}");
    }
}

on_both_backends! {
    async fn a_unit_box_finds_units_by_name_typed_without_marks_with_the_2025_mapping(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut admin = admin(&app).await;
        let before = user_count(&app).await;

        // As a name is typed into a unit box (htmx): the units it fits, each a button with its code.
        let found = admin.get("/quan-tri/don-vi/ten?unit=doan%20ket").await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(found.body.starts_with("Chọn đơn vị:"), "{}", found.body);
        assert!(found.body.contains("data-code=\"03388\">Phường Đoàn Kết — Tỉnh Lai Châu (03388)</button>"), "{}", found.body);
        // The ward of the same name before the reform: when it ended, and the one it went into.
        assert!(found.body.contains("Phường Đoàn Kết — Thành phố Lai Châu (03389), đến 30/06/2025; nay là:</span> <button type=\"button\" class=\"unit-pick\" data-code=\"03388\">"), "{}", found.body);
        // An abolished district: its area lies in its province now.
        let district = admin.get("/quan-tri/don-vi/ten?unit=huyen%20TAM%20DUONG").await;
        assert!(district.body.contains("Huyện Tam Đường — Tỉnh Lai Châu (106), đến 30/06/2025; nay là:</span> <button type=\"button\" class=\"unit-pick\" data-code=\"12\">Tỉnh Lai Châu (12)</button>"), "{}", district.body);
        let none = admin.get("/quan-tri/don-vi/ten?unit=khong%20co%20dau").await;
        assert_eq!(none.body, "Không có đơn vị nào có tên khớp &#34;khong co dau&#34;.");
        // The units page opens by name, on the day asked.
        let old = admin.get("/quan-tri/don-vi?code=tinh%20ha%20giang&date=30/06/2025").await;
        assert!(old.body.contains("<h2 id=\"unit-h\">Tỉnh Hà Giang (02)</h2>"), "{}", old.body);

        // A name typed in the users form: the account is the unit's.
        let added = post_form(&mut admin, "/quan-tri/nguoi-dung", &[("do", "add"), ("username", "can.bo.dk"),
            ("role", "officer"), ("unit", "phường đoàn kết"), ("agency", ""), ("password", "")]).await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        assert_eq!(app.db.store.user_by_name("can.bo.dk").await.unwrap().unwrap().unit.code, "03388");
        // A name of no unit, and of one that no longer stands: refused beside the box, nothing added.
        let unknown = post_form(&mut admin, "/quan-tri/nguoi-dung", &[("do", "add"), ("username", "nguoi.moi"),
            ("role", "officer"), ("unit", "Xã Không Có"), ("agency", ""), ("password", "")]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error_text(&unknown, "add-unit-error").starts_with("Không có đơn vị nào tên &#34;Xã Không Có&#34;"), "{}", unknown.body);
        let ended = post_form(&mut admin, "/quan-tri/nguoi-dung", &[("do", "add"), ("username", "nguoi.moi"),
            ("role", "officer"), ("unit", "Huyện Tam Đường"), ("agency", ""), ("password", "")]).await;
        assert!(error_text(&ended, "add-unit-error").ends_with("không còn Huyện Tam Đường (106); nay là Tỉnh Lai Châu (12)"), "{}", ended.body);
        assert_eq!(user_count(&app).await, before + 1);

        // A reviewer of Lai Châu finds only what is in Lai Châu.
        let mut reviewer = signed_in(&app, "tong.hop", Role::Reviewer, "12").await;
        let elsewhere = reviewer.get("/quan-tri/don-vi/ten?unit=ha%20giang").await;
        assert!(!elsewhere.body.contains("data-code"), "{}", elsewhere.body);
        assert!(reviewer.get("/quan-tri/don-vi/ten?unit=doan%20ket").await.body.contains("data-code=\"03388\""));
    }
}

on_both_backends! {
    async fn an_administrator_keeps_the_codes_and_imports_a_file_on_the_exchange_page(backend: Backend) {
        let app = App::spawn(backend).await;
        let mut v = admin(&app).await;
        let page = v.get("/quan-tri").await;
        assert!(page.body.contains("href=\"/quan-tri/trao-doi-du-lieu\""), "listed on the administration home page");
        // A line that is not a code row: nothing saved, the typed text kept.
        let bad = post_form(&mut v, "/quan-tri/trao-doi-du-lieu", &[("elements", "6.1.num,nobody,GE_KNOW_N"), ("units", "")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("`nobody` không phải phân tổ") && bad.body.contains("6.1.num,nobody,GE_KNOW_N"), "{}", bad.body);
        assert_eq!(app.get("/api/v1/exchange/codes").await.1["elements"], json!([]));
        let saved = post_form(
            &mut v,
            "/quan-tri/trao-doi-du-lieu",
            &[("elements", "6.1.num,female,GE_KNOW_N,F\n6.1.den,female,GE_KNOW_D,F\n"), ("units", "03490,OU_HL")],
        )
        .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let (_, codes) = app.get("/api/v1/exchange/codes").await;
        assert_eq!(codes["units"], json!([{"unit": "03490", "org_unit": "OU_HL"}]), "{codes}");

        // A file in the other system's codes: a dry run writes nothing, the import stores it.
        let file = br#"<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" period="2025S1" orgUnit="OU_HL">
            <dataValue dataElement="GE_KNOW_N" categoryOptionCombo="F" value="8"/>
            <dataValue dataElement="GE_KNOW_D" categoryOptionCombo="F" value="10"/>
            <dataValue dataElement="no.such" value="1"/></dataValueSet>"#;
        let page = v.get("/quan-tri/trao-doi-du-lieu").await;
        let csrf = page.csrf();
        let dry = v.post_file("/quan-tri/trao-doi-du-lieu/nhap", &[("csrf", &csrf), ("dry_run", "1")], "tu-dhis2.xml", file).await;
        assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
        assert!(dry.body.contains("id=\"import-summary\"") && dry.body.contains("ERROR"), "{}", dry.body);
        let (_, none) = app.get("/api/v1/values?unit=03490&period=2025H1").await;
        assert_eq!(none["values"], json!([]));
        let good = &file[..file.len() - "<dataValue dataElement=\"no.such\" value=\"1\"/></dataValueSet>".len()];
        let mut good = good.to_vec();
        good.extend_from_slice(b"</dataValueSet>");
        let done = v.post_file("/quan-tri/trao-doi-du-lieu/nhap", &[("csrf", &csrf)], "tu-dhis2.xml", &good).await;
        assert!(done.body.contains("SUCCESS"), "{}", done.body);
        let (_, stored) = app.get("/api/v1/values?unit=03490&period=2025H1").await;
        assert_eq!(stored["values"].as_array().unwrap().len(), 2, "{stored}");
        // Others are refused the page.
        let mut officer = signed_in(&app, "can-bo-td", Role::Reviewer, "12").await;
        assert_eq!(officer.get("/quan-tri/trao-doi-du-lieu").await.status, StatusCode::FORBIDDEN);
    }
}
