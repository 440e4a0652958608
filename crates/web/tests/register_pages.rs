//! The register pages (`/so-theo-doi`) and the dashboard's downloads and approved-data
//! toggle, over plain HTTP against the real server on a fresh database (SQLite and
//! PostgreSQL): what the API stored is listed, the form refuses what the domain refuses and
//! stores nothing, a good row is listed and summed into the province, scope is enforced,
//! the XLSX file holds the CSV's numbers as numbers, and approved-only figures leave out a
//! report not yet approved.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use binhdang_store::testing::TEST_PASSWORD;
use calamine::{Data, Reader, Xlsx};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::App;
use support::visitor::{Page, Visitor};

fn this_year() -> i32 {
    binhdang_store::testing::test_today().year()
}

/// The rows the API lists for a unit's register in a period.
async fn api_rows(app: &App, register: &str, unit: &str, period: &str) -> Vec<Value> {
    let (s, body) = app
        .get(&format!("/api/v1/registers/{register}?unit={unit}&period={period}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["rows"].as_array().unwrap().clone()
}

async fn signed_in(app: &App, username: &str, role: Role, unit: &str) -> Visitor {
    app.user(username, role, unit).await;
    let mut v = Visitor::new(app);
    v.sign_in(username, TEST_PASSWORD).await;
    v
}

/// The text between `<tr id="row-…">`-like markers: the part of a page after `marker` up
/// to the end of its table.
fn table_after<'a>(page: &'a Page, marker: &str) -> &'a str {
    let start = page
        .body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {}", page.body));
    let rest = &page.body[start..];
    &rest[..rest.find("</table>").unwrap()]
}

/// The row of the summary table whose heading is `label`.
fn summary_row<'a>(page: &'a Page, label: &str) -> &'a str {
    let table = table_after(page, "id=\"register-summary\"");
    table
        .split("<tr")
        .find(|r| r.contains(&format!("<th scope=\"row\">{label}</th>")))
        .unwrap_or_else(|| panic!("a summary row {label} in {table}"))
}

on_both_backends! {
    async fn register_pages_list_refuse_add_sum_and_keep_to_their_scope(backend: Backend) {
        let app = App::spawn(backend).await;
        let year = this_year();
        let h1 = format!("{year}H1");
        let page = format!("/so-theo-doi?unit=03388&period={h1}&kind=activities");

        // A row stored through the API is on the officer's page, the Vietnamese way.
        let (s, body) = app
            .post(
                &format!("/api/v1/registers/activities?unit=03388&period={h1}"),
                &json!({ "activity_type": "tap-huan", "content": "Tập huấn kỹ năng lồng ghép giới",
                         "count": 2, "participants_male": 1200, "participants_female": 60,
                         "date": format!("{year}-03-08") }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let (s, body) = app
            .post(
                &format!("/api/v1/registers/budgets?unit=03388&period={year}"),
                &json!({ "source": "tinh", "allocated": "15000000", "spent": "16500000" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let mut officer = signed_in(&app, "can.bo.xa", Role::Officer, "03388").await;
        let home = officer.get("/").await;
        assert!(home.body.contains("href=\"/so-theo-doi\""), "linked from the nav and the home page");
        let list = officer.get(&page).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let rows = table_after(&list, "id=\"register-rows\"");
        for shown in ["Tập huấn", "Tập huấn kỹ năng lồng ghép giới", "<td class=\"num\">1.200</td>", "<td class=\"num\">1.260</td>", &format!("08/03/{year}")] {
            assert!(rows.contains(shown), "{shown} in {rows}");
        }
        assert!(list.body.contains("Số người tham gia là nam"), "Vietnamese labels");
        assert!(!list.body.contains("id=\"register-summary\""), "an officer has no subtree to sum");
        // Budgets by year, in đồng, with the overspending warning beside the row.
        let budgets = officer.get(&format!("/so-theo-doi?unit=03388&period={h1}&kind=budgets")).await;
        assert_eq!(budgets.status, StatusCode::OK);
        assert!(
            budgets.body.contains(&format!("<p class=\"lead\">Phường Đoàn Kết (03388) · Năm {year}</p>")),
            "the half-year became its year: {}",
            budgets.body
        );
        assert!(budgets.body.contains("15.000.000 đ") && budgets.body.contains("16.500.000 đ"), "{}", budgets.body);
        assert!(budgets.body.contains("Kinh phí đã chi (16.500.000 đồng) lớn hơn kinh phí được cấp"));

        // nam + nữ > tổng: refused next to the total, in Vietnamese, the typing kept, nothing stored.
        let audit_before = app.db.store.register_audit_count().await.unwrap();
        let csrf = list.csrf();
        let bad = officer
            .post(
                &page,
                &[("csrf", csrf.as_str()), ("do", "save"), ("activity_type", "hoi-nghi"), ("count", "1"),
                  ("participants_male", "30"), ("participants_female", "25"), ("participants_total", "50"),
                  ("date", &format!("15/04/{year}")), ("content", "Hội nghị triển khai")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("Chưa lưu: có ô nhập chưa đúng."));
        assert!(
            bad.body.contains("id=\"rf-participants-total-error\">Số người tham gia nam (30) + nữ (25) = 55, lớn hơn tổng số người tham gia (50)</p>"),
            "{}", bad.body
        );
        assert!(bad.body.contains("aria-describedby=\"rf-participants-total-error\""));
        assert!(bad.body.contains("value=\"30\"") && bad.body.contains("value=\"25\"") && bad.body.contains("Hội nghị triển khai"));
        assert!(bad.body.contains(&format!("value=\"15/04/{year}\"")));
        assert_eq!(api_rows(&app, "activities", "03388", &h1).await.len(), 1);
        assert_eq!(app.db.store.register_audit_count().await.unwrap(), audit_before);
        // What cannot be read as a number or a date is said by its box, in the page's language.
        let unreadable = officer
            .post(
                &format!("{page}&lang=en"),
                &[("csrf", csrf.as_str()), ("do", "save"), ("activity_type", "hoi-nghi"), ("count", "hai"), ("date", "2026-04-15")],
            )
            .await;
        assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unreadable.body.contains("id=\"rf-count-error\">Count: &#34;hai&#34; is not a valid number"), "{}", unreadable.body);
        assert!(unreadable.body.contains("id=\"rf-date-error\">Date: &#34;2026-04-15&#34; is not a date in Vietnamese order"), "{}", unreadable.body);
        assert_eq!(api_rows(&app, "activities", "03388", &h1).await.len(), 1);
        officer.get(&format!("{page}&lang=vi")).await;

        // A good row typed the Vietnamese way: stored, listed, summed into the province.
        let good = officer
            .post(
                &page,
                &[("csrf", csrf.as_str()), ("do", "save"), ("activity_type", "hoi-nghi"), ("count", "3"),
                  ("participants_male", "1.000"), ("participants_female", "1.260"), ("participants_total", ""),
                  ("date", &format!("15/04/{year}")), ("content", "Hội nghị triển khai")],
            )
            .await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
        assert_eq!(good.location(), format!("{page}&msg=saved"));
        let stored = api_rows(&app, "activities", "03388", &h1).await;
        assert_eq!(stored.len(), 2);
        let added = stored.iter().find(|r| r["activity_type"] == "hoi-nghi").unwrap();
        assert_eq!((added["participants_male"].as_i64(), added["participants_total"].as_i64()), (Some(1000), Some(2260)));
        assert_eq!(added["date"], format!("{year}-04-15"));
        assert_eq!(added["updated_by"], "can.bo.xa");
        let list = officer.get(good.location()).await;
        assert!(list.body.contains("Đã lưu dòng sổ theo dõi."), "{}", list.body);
        assert!(table_after(&list, "id=\"register-rows\"").contains("<td class=\"num\">2.260</td>"));

        let mut reviewer = signed_in(&app, "tong.hop", Role::Reviewer, "12").await;
        let province = reviewer.get(&format!("/so-theo-doi?unit=12&period={h1}&kind=activities")).await;
        assert_eq!(province.status, StatusCode::OK, "{}", province.body);
        assert!(province.body.contains("2 dòng của 1 đơn vị thuộc Tỉnh Lai Châu"), "{}", province.body);
        let conference = summary_row(&province, "Hội nghị");
        assert!(conference.contains("<td class=\"num\">1.000</td><td class=\"num\">1.260</td><td class=\"num\">2.260</td>"), "{conference}");
        let total = summary_row(&province, "Tổng cộng");
        // Counts 2 + 3; participants 1.200 + 1.000 men, 60 + 1.260 women, 1.260 + 2.260 in all.
        assert!(total.contains("<td class=\"num\">5</td><td class=\"num\">2.200</td><td class=\"num\">1.320</td><td class=\"num\">3.520</td>"), "{total}");
        // The reviewer reads the commune's rows and may key in its paper annex on its behalf.
        let commune = reviewer.get(&page).await;
        assert_eq!(commune.status, StatusCode::OK);
        assert!(commune.body.contains("Hội nghị triển khai"));
        assert!(commune.body.contains("id=\"register-form\""));

        // An officer of another commune is refused, reading and writing.
        let mut other = signed_in(&app, "can.bo.khac", Role::Officer, "03390").await;
        let refused = other.get(&page).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("không có quyền xem số liệu của Phường Đoàn Kết"), "{}", refused.body);
        let own = other.get("/so-theo-doi").await;
        let csrf_other = own.csrf();
        let forced = other
            .post(&page, &[("csrf", csrf_other.as_str()), ("do", "save"), ("activity_type", "hoi-nghi"), ("count", "1")])
            .await;
        assert_eq!(forced.status, StatusCode::FORBIDDEN);
        let row_id = added["id"].as_i64().unwrap().to_string();
        let removed = other
            .post(&page, &[("csrf", csrf_other.as_str()), ("do", "delete"), ("id", row_id.as_str())])
            .await;
        assert_eq!(removed.status, StatusCode::FORBIDDEN);
        assert_eq!(api_rows(&app, "activities", "03388", &h1).await.len(), 2);
        // Without the form's token nothing happens.
        let forged = officer.post(&page, &[("do", "delete"), ("id", row_id.as_str())]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        // The officer changes the row in the form it was typed into, then removes it.
        let edit = officer.get(&format!("{page}&edit={row_id}")).await;
        assert!(edit.body.contains("Sửa dòng") && edit.body.contains("value=\"1.000\""), "{}", edit.body);
        assert!(edit.body.contains(&format!("name=\"id\" value=\"{row_id}\"")));
        let changed = officer
            .post(
                &page,
                &[("csrf", csrf.as_str()), ("do", "save"), ("id", row_id.as_str()), ("activity_type", "hoi-nghi"), ("count", "4"),
                  ("participants_male", "1.000"), ("participants_female", "1.260"), ("date", &format!("15/04/{year}"))],
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
        let (_, summary) = app.get(&format!("/api/v1/registers/activities/summary?unit=03388&period={h1}")).await;
        assert_eq!(summary["summary"]["total"]["count"], 6, "{summary}");
        let gone = officer.post(&page, &[("csrf", csrf.as_str()), ("do", "delete"), ("id", row_id.as_str())]).await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER);
        assert_eq!(gone.location(), format!("{page}&msg=deleted"));
        assert_eq!(api_rows(&app, "activities", "03388", &h1).await.len(), 1);

        // Every register has its page from the same definitions.
        for kind in ["documents", "committee-members", "staff", "gbv-cases", "inspections"] {
            let p = reviewer.get(&format!("/so-theo-doi?unit=12&period={h1}&kind={kind}")).await;
            assert_eq!(p.status, StatusCode::OK, "{kind}: {}", p.body);
            assert!(p.body.contains("id=\"register-summary\""), "{kind}");
        }
        let unknown = reviewer.get("/so-theo-doi?kind=sach").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    }
}

/// Writes the 6.1 figures of a commune through the API.
async fn six_one(app: &App, unit: &str, period: &str, male: (i64, i64), female: (i64, i64)) {
    let body = json!({ "values": [
        { "element": "6.1.num", "disaggregation": "male", "value": male.0.to_string() },
        { "element": "6.1.den", "disaggregation": "male", "value": male.1.to_string() },
        { "element": "6.1.num", "disaggregation": "female", "value": female.0.to_string() },
        { "element": "6.1.den", "disaggregation": "female", "value": female.1.to_string() },
    ] });
    let (s, out) = app
        .put(&format!("/api/v1/values?unit={unit}&period={period}"), &body, "vi")
        .await;
    assert_eq!(s, StatusCode::OK, "{out}");
}

async fn workflow(app: &App, action: &str, unit: &str, period: &str) {
    let path = format!("/api/v1/workflow/{action}?unit={unit}&period={period}");
    let (s, out) = app.send(&app.client, Method::POST, &path, Some(&json!({}))).await;
    assert_eq!(s, StatusCode::OK, "{action} {unit}: {out}");
}

/// The first sheet of an XLSX file, as rows of cells.
fn sheet(bytes: Vec<u8>) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

/// Checks that the XLSX rows hold what the CSV lines hold: the same headings and text, and
/// every number of the CSV as a number equal to it; returns how many numbers there were.
fn same_figures(csv: &str, xlsx: &[Vec<Data>]) -> usize {
    let lines: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    // The sheet's first row is its title; the headings follow.
    let cells = &xlsx[1..];
    assert_eq!(lines.len(), cells.len(), "{csv}\n{xlsx:?}");
    let mut numbers = 0;
    for (line, row) in lines.iter().zip(cells) {
        assert_eq!(line.len(), row.len(), "{line:?} {row:?}");
        for (field, cell) in line.iter().zip(row) {
            match cell {
                Data::Float(x) => {
                    assert_eq!(field.parse::<f64>().ok(), Some(*x), "{field} vs {x}");
                    numbers += 1;
                }
                Data::String(s) => assert_eq!(field, s),
                Data::Empty => assert!(field.is_empty(), "{field}"),
                other => panic!("unexpected cell {other:?} for {field}"),
            }
        }
    }
    numbers
}

on_both_backends! {
    async fn the_dashboard_downloads_xlsx_like_its_csv_and_can_count_approved_reports_only(backend: Backend) {
        let app = App::spawn(backend).await;
        let h1 = format!("{}H1", this_year());
        six_one(&app, "03388", &h1, (700, 1000), (800, 1000)).await;
        six_one(&app, "03390", &h1, (300, 1000), (400, 1000)).await;
        // One commune's report is approved, the other's only submitted.
        workflow(&app, "submit", "03388", &h1).await;
        workflow(&app, "approve", "03388", &h1).await;
        workflow(&app, "submit", "03390", &h1).await;
        let mut leader = signed_in(&app, "lanh.dao", Role::Leader, "12").await;

        let all = leader.get(&format!("/bang-dieu-khien?unit=12&period={h1}&indicator=6.1")).await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.body);
        let row = |page: &Page| page.body.split("id=\"row-6.1\"").nth(1).unwrap().split("</tr>").next().unwrap().to_string();
        // (700 + 800 + 300 + 400) / 4000 = 55%.
        assert!(row(&all).contains("55,0%"), "{}", row(&all));
        assert!(all.body.contains("name=\"data\" value=\"approved\">"), "the toggle, off");
        assert!(all.body.contains("kể cả báo cáo chưa được phê duyệt"));
        let approved = leader.get(&format!("/bang-dieu-khien?unit=12&period={h1}&indicator=6.1&data=approved")).await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
        // Only the approved commune: (700 + 800) / 2000 = 75%.
        assert!(row(&approved).contains("75,0%"), "{}", row(&approved));
        assert!(approved.body.contains("value=\"approved\" checked"), "the toggle, on");
        assert!(approved.body.contains("Chỉ tính số liệu của các báo cáo đã được phê duyệt."));
        assert!(approved.body.contains("/bang-dieu-khien/xlsx?unit=12&#38;period="), "{}", approved.body);
        assert!(approved.body.contains("&#38;data=approved&#38;indicator=6.1#bieu-do"), "links keep the choice");
        // The commune not yet approved has no approved figure.
        let csv = leader.get(&format!("/bang-dieu-khien/csv?unit=12&period={h1}&indicator=6.1&chart=children&data=approved")).await;
        assert!(csv.body.contains(&format!("03388,Phường Đoàn Kết,6.1,{h1},1500,2000,75\r\n")), "{}", csv.body);
        assert!(csv.body.contains(&format!("03390,Xã Bình Lư,6.1,{h1},,,\r\n")), "{}", csv.body);
        let bad = leader.get(&format!("/bang-dieu-khien?unit=12&period={h1}&data=some")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The province's own survey figure (3.1, hours of unpaid care work, women ÷ men)
        // counts among approved data only once the province's report is approved.
        let survey = json!({ "values": [
            { "element": "3.1.num", "disaggregation": "total", "value": "4.5" },
            { "element": "3.1.den", "disaggregation": "total", "value": "2.5" },
        ] });
        let (s, out) = app.put(&format!("/api/v1/values?unit=12&period={h1}"), &survey, "vi").await;
        assert_eq!(s, StatusCode::OK, "{out}");
        for (data, value) in [("all", json!("1.8")), ("approved", Value::Null)] {
            let (_, out) = app.get(&format!("/api/v1/aggregates?unit=12&period={h1}&indicator=3.1&data={data}")).await;
            assert_eq!(out["aggregates"][0]["value"], value, "{data}: {out}");
        }

        // Each chart's XLSX holds the CSV's figures, as numbers.
        for (chart, data, least) in [("series", "", 3), ("children", "", 6), ("assessment", "", 3), ("children", "&data=approved", 3)] {
            let q = format!("unit=12&period={h1}&indicator=6.1&chart={chart}{data}");
            let csv = leader.get(&format!("/bang-dieu-khien/csv?{q}")).await;
            assert_eq!(csv.status, StatusCode::OK);
            let r = leader
                .http
                .get(format!("{}/bang-dieu-khien/xlsx?{q}", leader.base))
                .header("cookie", leader.cookie_header())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
            assert!(disposition.starts_with("attachment; filename=\"binhdang-12-") && disposition.ends_with(".xlsx\""), "{disposition}");
            let rows = sheet(r.bytes().await.unwrap().to_vec());
            let numbers = same_figures(&csv.body, &rows);
            assert!(numbers >= least, "{chart}{data}: {numbers} numbers");
        }
    }
}
