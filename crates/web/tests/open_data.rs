//! Open data and small-cell protection, on SQLite and PostgreSQL: anonymous visitors read
//! approved figures only; a commune's 2 victims of violence are visible to nobody outside those
//! entitled to detail, and cannot be worked out from the totals published beside them; the
//! static site `publish` writes passes the same checks as the live pages.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeSet, VecDeque};
use support::App;

/// What every open-data page must be: a document in its language with a title and one main
/// heading, tables with header cells, no script, and links that stay inside the site.
fn html_problems(path: &str, html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |ok: bool, what: &str| {
        if !ok {
            out.push(format!("{path}: {what}"));
        }
    };
    need(html.starts_with("<!doctype html>"), "no doctype");
    need(
        html.contains("<html lang=\"vi\">") || html.contains("<html lang=\"en\">"),
        "no language",
    );
    need(html.contains("<title>") && html.contains("</title>"), "no title");
    need(html.matches("<h1").count() == 1, "not exactly one h1");
    need(html.contains("<main id=\"main\""), "no main landmark");
    need(!html.contains("<script"), "a script");
    need(
        html.matches("<table").count() == html.matches("</table>").count(),
        "unclosed table",
    );
    need(
        html.matches("<table").count() <= html.matches("<th").count(),
        "a table without header cells",
    );
    need(
        html.split("<svg")
            .skip(1)
            .all(|tag| tag.split('>').next().is_some_and(|t| t.contains("aria-label="))),
        "a chart without a label",
    );
    need(!html.contains("{{") && !html.contains("{%"), "template syntax left");
    out
}

/// The relative links of a page (to other pages of the site).
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|l| !l.starts_with('/') && !l.starts_with('#') && !l.contains(':'))
        .map(|l| l.replace("&amp;", "&"))
        .collect()
}

/// `link` from the page at `from` (both below the site's root).
fn resolve(from: &str, link: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for piece in link.split('/') {
        if piece == ".." {
            assert!(parts.pop().is_some(), "{link} from {from} leaves the site");
        } else {
            parts.push(piece);
        }
    }
    parts.join("/").trim_start_matches('/').to_string()
}

async fn approve(app: &App, unit: &str) {
    let q = format!("unit={unit}&period=2024");
    for step in ["submit", "approve"] {
        let (s, body) = app
            .send(
                &app.client,
                Method::POST,
                &format!("/api/v1/workflow/{step}?{q}"),
                Some(&json!({"comment": "đã kiểm tra"})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{step} {unit}: {body}");
    }
}

fn by_sex(f_num: u32, f_den: u32, m_num: u32, m_den: u32) -> Value {
    json!({"values": [
        {"element": "3.2a.num", "disaggregation": "female", "value": f_num.to_string()},
        {"element": "3.2a.den", "disaggregation": "female", "value": f_den.to_string()},
        {"element": "3.2a.num", "disaggregation": "male", "value": m_num.to_string()},
        {"element": "3.2a.den", "disaggregation": "male", "value": m_den.to_string()}]})
}

fn numerator(figure: &Value) -> Option<String> {
    figure["aggregates"][0]["numerator"].as_str().map(str::to_string)
}

on_both_backends! {
    async fn the_public_reads_approved_figures_and_no_one_outside_can_find_a_small_count(backend: Backend) {
        let app = App::spawn(backend).await;
        let (_, communes) = app.get("/api/v1/units?date=2024-12-31&parent=109").await;
        let codes: Vec<String> =
            communes["units"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap().to_string()).collect();
        let (small, big, other, unapproved) = (&codes[0], &codes[1], &codes[2], &codes[4]);
        // A commune not approved yet with a count just above the threshold: among all entered
        // data it is the one hidden beside the small one, among approved data another is.
        let pending = &codes[3];
        for (unit, values) in [
            (small, by_sex(2, 2, 0, 0)),
            (big, by_sex(20, 25, 10, 15)),
            (other, by_sex(6, 8, 3, 4)),
            (pending, by_sex(6, 8, 0, 0)),
            (unapproved, by_sex(70, 80, 0, 0)),
        ] {
            assert_eq!(app.put_status(&format!("/api/v1/values?unit={unit}&period=2024"), values).await, StatusCode::OK);
        }
        for unit in [small, big, other] {
            approve(&app, unit).await;
        }
        let anonymous = reqwest::Client::new();
        let get = |path: String| {
            let request = anonymous.get(format!("{}/du-lieu-mo/{path}", app.base));
            async move {
                let r = request.send().await.unwrap();
                let cache = r.headers().get("cache-control").map(|v| v.to_str().unwrap().to_string());
                (r.status(), cache, r.text().await.unwrap())
            }
        };

        // The district's page: approved communes only, the small one withheld.
        let (s, cache, page) = get("chi-tieu/3.2a/109/".into()).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert_eq!(cache.as_deref(), Some("public, max-age=300"));
        assert!(page.contains("&#60; 5"), "the small count is shown as < 5: {page}");
        let (_, names) = app.get("/api/v1/units?date=2024-12-31&parent=109").await;
        let name_of = |code: &str| names["units"].as_array().unwrap().iter()
            .find(|u| u["code"] == code).unwrap()["full_name"].as_str().unwrap().to_string();
        let row_of = |code: &str| page.split("<tr>").find(|r| r.contains(&name_of(code))).unwrap_or("").to_string();
        assert!(!row_of(small).contains(">2<"), "{}", row_of(small));
        assert!(row_of(big).contains("30"), "an approved commune's numerator: {}", row_of(big));
        assert!(!page.contains(">70<") && !page.contains(">150<"), "nothing of the unapproved commune");
        // The district's year row: 41 of 54 from the three approved communes (2 + 30 + 9).
        assert!(page.contains(">41<") && page.contains(">54<"), "{page}");
        let (s, _, csv) = get("chi-tieu/3.2a/109/du-lieu.csv".into()).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(csv.lines().next(), Some("Year,Series,Units,Sex,GeoCode,Value"));
        assert!(csv.lines().any(|l| l.starts_with(&format!("2024,3.2a,%,,{big},"))), "{csv}");
        assert!(!csv.contains(&format!(",{small},")), "the small commune's rate is withheld: {csv}");
        assert!(!csv.contains(&format!(",{unapproved},")), "{csv}");
        let (_, _, objective) = get("muc-tieu/3/".into()).await;
        assert!(objective.contains("75,9% (2024)"), "the country's latest approved value: {objective}");
        assert_eq!(get("chi-tieu/9.9/".into()).await.0, StatusCode::NOT_FOUND);
        let r = anonymous.get(format!("{}/du-lieu-mo/chi-tieu/3.2a", app.base)).send().await.unwrap();
        assert!(r.url().path().ends_with("/du-lieu-mo/chi-tieu/3.2a/"), "{}", r.url());

        // Every page reachable from the first one, in both languages, passes the checks.
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([String::new()]);
        while let Some(path) = queue.pop_front() {
            if !seen.insert(path.clone()) || seen.len() > 400 {
                continue;
            }
            let (s, _, body) = get(path.clone()).await;
            assert_eq!(s, StatusCode::OK, "{path}");
            if path.is_empty() || path.ends_with('/') {
                let problems = html_problems(&path, &body);
                assert!(problems.is_empty(), "{problems:?}");
                queue.extend(links(&body).iter().map(|l| resolve(&path, l)));
            }
        }
        assert!(seen.contains("en/chi-tieu/3.2a/109/") && seen.contains("chi-tieu/3.2a/du-lieu.csv"), "{seen:?}");

        // A viewer of the whole country: the small cells are withheld, and the district's
        // total with the other communes' does not give them back.
        let viewer = app.user("national-viewer", Role::Viewer, "VN").await;
        let read = |client: &reqwest::Client, unit: &str| {
            let request = client.get(format!("{}/api/v1/aggregates?unit={unit}&period=2024&indicator=3.2a", app.base));
            async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
        };
        let small_seen = read(&viewer, small).await;
        assert_eq!(numerator(&small_seen), None, "{small_seen}");
        assert!(small_seen["aggregates"][0]["withheld"].as_array().is_some_and(|w| !w.is_empty()), "{small_seen}");
        let district = numerator(&read(&viewer, "109").await);
        let others = [numerator(&read(&viewer, big).await), numerator(&read(&viewer, other).await)];
        assert!(
            district.is_none() || others.iter().any(Option::is_none),
            "the district's {district:?} minus {others:?} would give the small commune's count"
        );
        // Nor does reading both views — the viewer's (all entered data, with the unapproved
        // commune) and the public's (approved data) — give it: what one shows of a commune the
        // other does not hide.
        let public_numerator = |code: &str| -> Option<String> {
            let row = row_of(code);
            let cells: Vec<&str> = row.split("<td>").skip(1).map(|c| c.split('<').next().unwrap_or("")).collect();
            cells.get(1).filter(|n| n.chars().all(|c| c.is_ascii_digit() || c == '.') && !n.is_empty()).map(|n| n.replace('.', ""))
        };
        // The public alone: the district's 41 approved, less what its page shows of the others.
        let shown = [public_numerator(big), public_numerator(other)];
        assert!(shown.iter().any(Option::is_none), "the district's 41 minus {shown:?} would give the small count");
        for code in [big, other] {
            let api = numerator(&read(&viewer, code).await);
            assert_eq!(api.is_some(), public_numerator(code).is_some(), "commune {code}: one view shows what the other hides");
        }
        // The viewer's dashboard marks the withheld numbers instead of showing them.
        let mut browser = support::visitor::Visitor::new(&app);
        browser.sign_in("national-viewer", binhdang_store::testing::TEST_PASSWORD).await;
        let dashboard = browser.get("/bang-dieu-khien?unit=109&period=2024&indicator=3.2a").await;
        assert_eq!(dashboard.status, StatusCode::OK);
        let small_row = dashboard.body.split("<tr").find(|r| r.contains(&name_of(small))).unwrap_or("").to_string();
        assert!(small_row.contains("&#60; 5") && !small_row.contains(">2<"), "{small_row}");
        let (s, set) = app.send(&viewer, Method::GET, "/api/v1/dataValueSets?orgUnit=109&period=2024&children=true", None).await;
        assert_eq!(s, StatusCode::OK);
        let rows = set["dataValues"].as_array().unwrap();
        // Of the small commune only its zeros remain (a zero identifies nobody); a commune
        // with large counts and no small part is there whole.
        assert!(rows.iter().filter(|v| v["orgUnit"] == small.as_str()).all(|v| v["value"] == "0"), "{set}");
        assert_eq!(rows.iter().filter(|v| v["orgUnit"] == unapproved.as_str()).count(), 4, "{set}");
        // The analysts' bulk export: the same cells withheld from the viewer, not from the
        // administrator, whose download of them is audited.
        let export = |client: &reqwest::Client, format: &str| {
            let request = client.get(format!("{}/api/v1/export?unit=109&period=2023..2024&indicator=3.2a&format={format}", app.base));
            async move {
                let r = request.send().await.unwrap();
                (r.status(), r.bytes().await.unwrap().to_vec())
            }
        };
        let (s, csv) = export(&viewer, "csv").await;
        assert_eq!(s, StatusCode::OK);
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.starts_with("\u{feff}unit_code,unit,level,period,indicator,element,element_name,breakdown,value"), "{csv}");
        assert!(csv.lines().filter(|l| l.starts_with(small.as_str())).all(|l| l.ends_with(",0")), "{csv}");
        assert!(csv.lines().any(|l| l.starts_with(unapproved.as_str()) && l.contains(",2024,3.2a,3.2a.num,") && l.ends_with(",female,70")), "{csv}");
        let (s, full) = export(&app.client, "csv").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(String::from_utf8(full).unwrap().lines().filter(|l| l.starts_with(small.as_str())).count(), 4);
        let (s, xlsx) = export(&app.client, "xlsx").await;
        assert_eq!((s, &xlsx[..2]), (StatusCode::OK, &b"PK"[..]));
        let (s, body) = app.send(&viewer, Method::GET, &format!("/api/v1/registers/gbv-cases?unit={small}&period=2024"), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "the GBV register's rows are not for viewers: {body}");
        let (s, _) = app.send(&viewer, Method::GET, &format!("/api/v1/registers/activities?unit={small}&period=2024"), None).await;
        assert_eq!(s, StatusCode::OK, "other registers are");
        let report = |client: &reqwest::Client, unit: String| {
            let request = client.get(format!("{}/api/v1/reports/strategy?unit={unit}&period=2024&format=docx", app.base));
            async move { request.send().await.unwrap().status() }
        };
        assert_eq!(report(&viewer, "109".into()).await, StatusCode::FORBIDDEN, "its communes' small counts are printed");
        assert_eq!(report(&app.client, "109".into()).await, StatusCode::OK);
        let (_, trail) = app.get("/api/v1/audit?unit=109&period=2024").await;
        assert!(
            trail["records"].as_array().unwrap().iter().any(|r| r["action"] == "download_unsuppressed" && r["subject"] == "report"),
            "an entitled download of the document is audited: {trail}"
        );
        let (_, assessment) = app.send(&viewer, Method::GET, &format!("/api/v1/assessment?unit={small}&period=2024"), None).await;
        let row = assessment["indicators"].as_array().unwrap().iter().find(|r| r["indicator"] == "3.2a").unwrap();
        assert_eq!((row["figure"]["value"].clone(), row["status"].as_str()), (Value::Null, Some("no_data")), "{row}");

        // Those entitled to detail see it, and their download of it is audited.
        assert_eq!(numerator(&read(&app.client, small).await).as_deref(), Some("2"));
        let reviewer = app.user("lc-reviewer", Role::Reviewer, "12").await;
        assert_eq!(numerator(&read(&reviewer, small).await).as_deref(), Some("2"));
        let (s, full) = app.get("/api/v1/dataValueSets?orgUnit=109&period=2024&children=true").await;
        assert_eq!(s, StatusCode::OK);
        assert!(full["dataValues"].as_array().unwrap().iter().any(|v| v["orgUnit"] == small.as_str()));
        let (_, trail) = app.get("/api/v1/audit?unit=109&period=2024").await;
        assert!(trail.to_string().contains("download_unsuppressed"), "{trail}");

        // Thresholds per element: the default is in force until an administrator sets one.
        let (_, cells) = app.get("/api/v1/small-cells").await;
        let num = cells["elements"].as_array().unwrap().iter().find(|e| e["element"] == "3.2a.num").unwrap().clone();
        assert_eq!((num["threshold"].as_u64(), num["set_by"].as_str()), (Some(5), Some("default")), "{cells}");
        let (s, _) = app.send(&reviewer, Method::PUT, "/api/v1/small-cells/3.2a.num", Some(&json!({"threshold": 0}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, body) = app.send(&app.client, Method::PUT, "/api/v1/small-cells/3.2a.num", Some(&json!({"threshold": -1}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        for element in ["3.2a.num", "3.2a.den"] {
            let (s, body) = app.send(&app.client, Method::PUT, &format!("/api/v1/small-cells/{element}"), Some(&json!({"threshold": 0}))).await;
            assert_eq!(s, StatusCode::OK, "{body}");
        }
        assert_eq!(numerator(&read(&viewer, small).await).as_deref(), Some("2"), "nothing protected at 0");
        let (s, _) = app.send(&app.client, Method::PUT, "/api/v1/small-cells/3.2a.num", Some(&json!({"threshold": null}))).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(numerator(&read(&viewer, small).await), None, "back to the default rule");
        for element in ["3.2a.den"] {
            app.send(&app.client, Method::PUT, &format!("/api/v1/small-cells/{element}"), Some(&json!({"threshold": null}))).await;
        }

        // The static site: the same pages, passing the same checks, every link a file.
        let out = std::env::temp_dir().join(format!("binhdang-publish-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let done = binhdang_web::publish(&app.db.store, &out).await.unwrap();
        assert!(done.pages >= seen.iter().filter(|p| p.is_empty() || p.ends_with('/')).count(), "{done:?}");
        let written = std::fs::read_to_string(out.join("chi-tieu/3.2a/109/index.html")).unwrap();
        let (_, _, live) = get("chi-tieu/3.2a/109/".into()).await;
        assert_eq!(written, live, "the static page is the live page");
        for path in &seen {
            let file = if path.is_empty() || path.ends_with('/') { out.join(path).join("index.html") } else { out.join(path) };
            assert!(file.exists(), "{} not written", file.display());
            if file.extension().is_some_and(|e| e == "html") {
                let html = std::fs::read_to_string(&file).unwrap();
                assert!(html_problems(path, &html).is_empty(), "{:?}", html_problems(path, &html));
                for link in links(&html) {
                    let target = resolve(path, &link);
                    let exists = if target.is_empty() || target.ends_with('/') { out.join(&target).join("index.html") } else { out.join(&target) };
                    assert!(exists.exists(), "{path} links to {link}, which the site lacks");
                }
            }
        }
        assert!(out.join("index.json").exists() && out.join("static/app.css").exists());
        let _ = std::fs::remove_dir_all(&out);
    }
}
