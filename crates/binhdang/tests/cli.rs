//! The `binhdang` command as a newcomer runs it: init, the demo, serve, help.

use binhdang_domain::{Period, UnitLevel};
use binhdang_store::on_both_backends;
use binhdang_store::testing::TestDb;
use std::process::{Command, Output, Stdio};
use time::macros::date;

fn binhdang(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .args(args)
        .env_remove("BINHDANG_DATABASE_URL")
        .output()
        .expect("run binhdang");
    assert!(
        out.status.success(),
        "binhdang {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

on_both_backends! {
    async fn init_loads_the_official_lists_once(backend: Backend) {
        let db = TestDb::new(backend).await;
        let first = stderr(&binhdang(&["init", "--database-url", &db.url]));
        assert!(first.contains("23 indicators"), "{first}");
        assert!(first.contains("units valid on 2024-01-01: 1 country, 63 province, 696 district, 10051 commune"), "{first}");
        assert!(first.contains("units valid on 2026-01-01: 1 country, 34 province, 0 district, 3321 commune"), "{first}");
        assert!(first.contains("first administrator: sign in as `admin` with the one-time password"), "{first}");
        let second = stderr(&binhdang(&["init", "--database-url", &db.url]));
        assert!(second.contains("units: already loaded"), "{second}");
        assert!(!second.contains("one-time password"), "the administrator is created once: {second}");
        assert!(second.contains("units valid on 2026-01-01: 1 country, 34 province, 0 district, 3321 commune"), "{second}");
    }
}

on_both_backends! {
    async fn the_demo_fills_lai_chau_before_and_after_the_reform(backend: Backend) {
        let db = TestDb::new(backend).await;
        let out = stderr(&binhdang(&["init", "--demo", "--database-url", &db.url]));
        assert!(out.contains("8 districts and 106 communes before the reform, 38 communes after"), "{out}");
        let store = &db.store;
        let lai_chau = binhdang_domain::UnitCode::parse("12").unwrap();
        let new_communes = store.units_valid_on(date!(2026 - 01 - 01), Some(UnitLevel::Commune), Some(&lai_chau)).await.unwrap();
        assert_eq!(new_communes.len(), 38);
        let h1_2026: Period = "2026H1".parse().unwrap();
        for c in &new_communes {
            let values = store.values(c, &h1_2026).await.unwrap();
            assert!(values.len() >= 20, "{} has {} values for 2026H1", c.code, values.len());
            // Parts by sex are entered; a numerator never exceeds its denominator.
            let get = |e: &str, d: &str| {
                values.iter().find(|v| v.element == e && v.disaggregation.as_str() == d).and_then(|v| v.number())
            };
            for sex in ["male", "female"] {
                assert!(get("6.1.num", sex).unwrap() <= get("6.1.den", sex).unwrap());
            }
        }
        let (phong_tho, p2025h1) = store.resolve_unit_period("109", "2025H1").await.unwrap();
        let communes = store.unit_detail(&phong_tho.code, date!(2025 - 01 - 01)).await.unwrap().children;
        assert!(!communes.is_empty());
        for c in &communes {
            assert!(!store.values(c, &p2025h1).await.unwrap().is_empty(), "{} lacks 2025H1", c.code);
            assert!(store.values(c, &Period::Year(2025)).await.unwrap().is_empty(), "{} reports for 2025 after it ended", c.code);
        }
        let province = store.unit_on("12", date!(2024 - 01 - 01)).await.unwrap();
        for year in 2021..=2025 {
            let values = store.values(&province, &Period::Year(year)).await.unwrap();
            assert!(values.iter().any(|v| v.element == "2.1.num"), "province lacks 2.1 for {year}");
        }
        assert_eq!(store.indicator_detail("2.3").await.unwrap().local_targets.len(), 1);
        // The assessment judges every catalogue indicator and names the target it used.
        let rows = store.assessment(&province, &Period::Year(2024)).await.unwrap();
        assert_eq!(rows.len(), 23);
        for r in &rows {
            assert_ne!(r.status, binhdang_domain::assessment::Status::NoData, "{} has no status", r.indicator);
            let target = r.target.as_ref().unwrap_or_else(|| panic!("{} has no target", r.indicator));
            let expected = if ["1.1", "2.3", "6.1"].contains(&r.indicator.as_str()) { "local" } else { "national" };
            assert_eq!(target.source, expected, "{}", r.indicator);
        }
        // The five-year review: Lai Châu of today, over the phase and over a range, has a
        // status for every indicator, read from the years of its predecessors.
        let today = store.unit_for_span("12", date!(2021 - 01 - 01), date!(2025 - 12 - 31)).await.unwrap().unwrap();
        assert!(today.valid_to.is_none(), "the province of today answers for the phase");
        for window in ["2021-2025", "2021..2024H1"] {
            let rows = store.assessment_over(binhdang_store::Sums::All, &today, &window.parse().unwrap()).await.unwrap();
            for r in &rows {
                assert_ne!(r.status, binhdang_domain::assessment::Status::NoData, "{window}: {} has no status", r.indicator);
                let how = r.figure.over_time.as_ref().unwrap_or_else(|| panic!("{window}: {} not built over time", r.indicator));
                assert!(!how.used.is_empty(), "{window}: {}", r.indicator);
            }
        }
        // A directive filed under 2024 and dated 20/11/2024 is in the 2024 Action Month.
        let am: Period = "2024AM".parse().unwrap();
        let docs = store.register_summary::<binhdang_domain::register::DirectiveDocument>(&province, &am).await.unwrap();
        assert!(docs.summary.documents >= 1, "{docs:?}");
        let agencies = store.unit_detail("12", date!(2026 - 01 - 01)).await.unwrap().agencies;
        assert!(agencies.iter().any(|a| a.name_vi == "Sở Nội vụ"), "{agencies:?}");
        assert!(out.contains("one-time password"), "the demo's accounts do not replace the administrator: {out}");
        let again = stderr(&binhdang(&["init", "--demo", "--database-url", &db.url]));
        assert!(again.contains("demo: already loaded"), "{again}");
    }
}

#[test]
fn serve_answers_on_the_given_address() {
    let db_dir = std::env::temp_dir().join(format!("binhdang-serve-{}", std::process::id()));
    std::fs::create_dir_all(&db_dir).unwrap();
    let url = format!("sqlite://{}/serve.db", db_dir.display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .args(["serve", "--addr", &addr, "--database-url", &url])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let body = rt.block_on(async {
        for _ in 0..600 {
            if let Ok(r) = reqwest::get(format!("http://{addr}/api/v1/units?level=province&date=2026-01-01")).await {
                return r.json::<serde_json::Value>().await.ok();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        None
    });
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&db_dir);
    let body = body.expect("the server answered within a minute");
    assert_eq!(body["count"], 34);
}

#[test]
fn help_explains_the_commands() {
    let out = binhdang(&["--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["init", "serve", "--help", "Quick start", "BINHDANG_DATABASE_URL"] {
        assert!(text.contains(word), "--help lacks {word}:\n{text}");
    }
    let serve = String::from_utf8_lossy(&binhdang(&["serve", "--help"]).stdout).into_owned();
    assert!(
        serve.contains("--addr") && serve.contains("--demo") && serve.contains("--database-url"),
        "{serve}"
    );
}

fn binhdang_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .args(args)
        .env_remove("BINHDANG_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run binhdang");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

on_both_backends! {
    async fn accounts_and_tokens_are_managed_from_the_command_line(backend: Backend) {
        let db = TestDb::new(backend).await;
        binhdang(&["init", "--database-url", &db.url]);
        let add = ["user", "add", "--username", "lc.review", "--role", "reviewer", "--unit", "12", "--password-stdin", "--database-url", &db.url];
        let out = binhdang_with_stdin(&add, "mat-khau-du-dai-1\n");
        assert!(out.status.success(), "{}", stderr(&out));
        // A short password and an unknown unit are refused with reasons, and nothing is created.
        let bad = ["user", "add", "--username", "x.y", "--role", "officer", "--unit", "99", "--password-stdin", "--database-url", &db.url];
        let out = binhdang_with_stdin(&bad, "ngan\n");
        assert!(!out.status.success());
        let why = stderr(&out);
        assert!(why.contains("at least 10 characters") && why.contains("no administrative unit with code `99`"), "{why}");
        let list = String::from_utf8_lossy(&binhdang(&["user", "list", "--database-url", &db.url]).stdout).into_owned();
        assert!(list.contains("lc.review") && list.contains("Tỉnh Lai Châu"), "{list}");
        assert!(list.contains("admin") && list.contains("must change password"), "{list}");
        assert!(!list.contains("x.y"));
        let token = String::from_utf8_lossy(&binhdang(&["token", "create", "--username", "lc.review", "--database-url", &db.url]).stdout)
            .trim()
            .to_string();
        let user = db.store.token_user(&token).await.unwrap().expect("the printed token signs in");
        assert_eq!(user.username, "lc.review");
        binhdang(&["user", "disable", "lc.review", "--database-url", &db.url]);
        assert!(db.store.token_user(&token).await.unwrap().is_none(), "disabling ends the tokens");
        assert!(db.store.user_by_name("lc.review").await.unwrap().unwrap().disabled);
        let enabled = binhdang(&["user", "enable", "lc.review", "--database-url", &db.url]);
        assert!(String::from_utf8_lossy(&enabled.stdout).contains("enabled lc.review"));
        assert!(!db.store.user_by_name("lc.review").await.unwrap().unwrap().disabled);
        let status = String::from_utf8_lossy(&binhdang(&["status", "--unit", "12", "--period", "2025H1", "--database-url", &db.url]).stdout).into_owned();
        assert!(status.contains("Huyện Phong Thổ") && status.contains("expected 8, submitted 0"), "{status}");
    }
}

on_both_backends! {
    async fn a_province_sets_up_its_agencies_a_hundred_accounts_and_a_programme_catalogue_from_the_command_line(backend: Backend) {
        let db = TestDb::new(backend).await;
        binhdang(&["init", "--database-url", &db.url]);
        for (code, name) in [("so-noi-vu", "Sở Nội vụ"), ("so-y-te", "Sở Y tế"), ("hoi-lhpn", "Hội Liên hiệp Phụ nữ tỉnh")] {
            let out = binhdang(&["agency", "add", "--unit", "12", "--code", code, "--name", name, "--database-url", &db.url]);
            assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("created {code}")));
        }
        let list = String::from_utf8_lossy(&binhdang(&["agency", "list", "--unit", "12", "--database-url", &db.url]).stdout).into_owned();
        assert_eq!(list.lines().count(), 3, "{list}");

        // A hundred accounts: 99 commune officers and the province's reviewer, one of them of an agency.
        let today = db.store.today();
        let communes = db.store.units_valid_on(today, Some(UnitLevel::Commune), None).await.unwrap();
        let mut csv = String::from("username,full_name,role,unit,agency,email,phone\n");
        for c in communes.iter().take(99) {
            csv.push_str(&format!("cb.{},Cán bộ {},officer,{},,,\n", c.code, c.name, c.code));
        }
        csv.push_str("yte.12,Chuyên viên Sở Y tế,officer,12,so-y-te,yte@laichau.gov.vn,\n");
        let dir = std::env::temp_dir().join(format!("binhdang-accounts-{}-{}", backend.name(), std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (good, bad) = (dir.join("good.csv"), dir.join("bad.csv"));
        std::fs::write(&good, &csv).unwrap();
        std::fs::write(&bad, csv.replace("officer,12,so-y-te", "officer,12,so-khong-co")).unwrap();
        let before = db.store.users().await.unwrap().len();
        let out = Command::new(env!("CARGO_BIN_EXE_binhdang"))
            .args(["user", "import", bad.to_str().unwrap(), "--database-url", &db.url])
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(stderr(&out).contains("row 100, column agency"), "{}", stderr(&out));
        assert_eq!(db.store.users().await.unwrap().len(), before, "one bad row: nothing written");
        let out = binhdang(&["user", "import", good.to_str().unwrap(), "--database-url", &db.url]);
        let printed = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(printed.lines().count(), 101, "a heading and 100 one-time passwords");
        assert_eq!(db.store.users().await.unwrap().len(), before + 100);
        // The same list kept in a workbook: read from its first sheet, nothing new.
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (r, line) in csv.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
        let kept = dir.join("accounts.xlsx");
        workbook.save(&kept).unwrap();
        let again = binhdang(&["user", "import", kept.to_str().unwrap(), "--database-url", &db.url]);
        assert!(stderr(&again).contains("0 account(s) created, 100 already there"), "{}", stderr(&again));

        // The optional second catalogue: women in Party committees and elected bodies.
        let programme = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/catalogue/programmes/women-in-elected-bodies.csv");
        let out = binhdang(&["catalogue", "import", programme, "--database-url", &db.url]);
        assert!(String::from_utf8_lossy(&out.stdout).contains("added 4 indicator(s): 7.1, 7.2, 7.3, 7.4"));
        let indicators = db.store.indicators().await.unwrap();
        assert_eq!(indicators.len(), 27);
        let women_in_committees = indicators.iter().find(|i| i.code == "7.1").unwrap();
        assert_eq!(women_in_committees.national_target(2025).map(|t| t.value.to_string()), Some("15".into()));
        let admitted = db.store.indicator_detail("7.4").await.unwrap();
        assert_eq!(admitted.objective_name_vi, "Phụ nữ trong cấp ủy đảng và cơ quan dân cử");
        assert_eq!(admitted.data_elements.len(), 1);
        assert_eq!(admitted.data_elements[0].category_combo, binhdang_domain::CategoryCombo::Sex);
        let listed = String::from_utf8_lossy(&binhdang(&["catalogue", "list", "--database-url", &db.url]).stdout).into_owned();
        assert!(listed.lines().any(|l| l.starts_with("7.4\tcount\tSố đảng viên mới được kết nạp")), "{listed}");
        // Imported twice, or a national indicator removed: refused, saying why.
        for (args, says) in [
            (vec!["catalogue", "import", programme], "row 1, column code"),
            (vec!["catalogue", "remove", "1.1"], "part of the national catalogue"),
        ] {
            let out = Command::new(env!("CARGO_BIN_EXE_binhdang")).args(&args).args(["--database-url", &db.url]).output().unwrap();
            assert!(!out.status.success() && stderr(&out).contains(says), "{}", stderr(&out));
        }
        assert_eq!(db.store.indicators().await.unwrap().len(), 27);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
