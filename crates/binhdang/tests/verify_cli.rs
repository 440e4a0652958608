//! `binhdang verify` end to end: the binary against a database written the normal way,
//! then tampered with, then repaired.

use binhdang_domain::Period;
use binhdang_store::on_both_backends;
use binhdang_store::testing::TestDb;
use binhdang_store::{Actor, RawValue, ValueInput};
use std::process::{Command, Output};

fn verify(url: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .args(["verify", "--database-url", url])
        .args(extra)
        .env_remove("BINHDANG_DATABASE_URL")
        .output()
        .expect("run binhdang")
}

fn text(out: &Output) -> String {
    format!(
        "{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

on_both_backends! {
    async fn verify_exits_0_when_all_agrees_1_after_tampering_and_0_after_repair(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let period: Period = "2026".parse().unwrap();
        let communes = store
            .units_valid_on(period.end(), Some(binhdang_domain::UnitLevel::Commune), Some(&binhdang_domain::UnitCode::parse("12").unwrap()))
            .await
            .unwrap();
        let actor = Actor { name: "tester".into(), origin: "test".into(), entered_from: None };
        for (i, c) in communes.iter().take(3).enumerate() {
            let put = |element: &str, v: String| ValueInput {
                element: element.into(),
                disaggregation: Some("total".into()),
                value: RawValue::Text(v),
                comment: None,
                source: None,
                expected: None,
            };
            store
                .write_values(c, &period, &[put("6.1.num", (i + 2).to_string()), put("6.1.den", "20".into())], &actor)
                .await
                .unwrap();
        }

        let out = verify(&db.url, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("0 break(s)") && stdout.contains("result: all agree"), "{stdout}");

        // The country's numerator, changed behind the application's back.
        let country = store.unit_on("VN", period.end()).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE aggregates SET value = '100' WHERE unit_id = {} AND period = '2026' AND element_code = '6.1.num'",
            country.id
        )))
        .execute(store.pool())
        .await
        .unwrap();
        let out = verify(&db.url, &[]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let row = stdout.lines().find(|l| l.contains("VN") && l.contains("6.1.num")).unwrap_or_else(|| panic!("{stdout}"));
        for word in ["aggregates", "2026", "total", "sum", "9 / 3", "100 / 3"] {
            assert!(row.contains(word), "{word} not in {row}");
        }

        let out = verify(&db.url, &["--json"]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        assert_eq!(json["clean"], false);
        assert_eq!(json["aggregates"]["mismatches"], 1);
        assert_eq!(json["mismatches"][0]["unit"], "VN");
        assert_eq!(json["mismatches"][0]["expected_value"], "9");
        assert_eq!(json["mismatches"][0]["found_value"], "100");

        let out = verify(&db.url, &["--repair"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("repair: aggregates rebuilt") && stdout.contains("after the repair:"), "{stdout}");
        let out = verify(&db.url, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));

        // A value changed behind the audit trail: a break, which repair cannot mend.
        let commune = &communes[0];
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE data_values SET number_value = '5' WHERE unit_id = {} AND period = '2026' AND element_code = '6.1.num'",
            commune.id
        )))
        .execute(store.pool())
        .await
        .unwrap();
        let out = verify(&db.url, &["--repair"]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("cannot be repaired"), "{stdout}");
        let row = stdout.lines().find(|l| l.contains(commune.code.as_str()) && l.contains("stored value")).unwrap_or_else(|| panic!("{stdout}"));
        assert!(row.contains("6.1.num") && row.contains(" 2 ") && row.trim_end().ends_with('5'), "{row}");
    }
}

#[test]
fn verify_exits_2_when_the_database_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite://{}", dir.path().join("none.db").display());
    let out = verify(&missing, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no SQLite database"),
        "{}",
        text(&out)
    );
    assert!(
        !dir.path().join("none.db").exists(),
        "verify must not create a database"
    );
    // A file that is not a database.
    let junk = dir.path().join("junk.db");
    std::fs::write(
        &junk,
        "not a database at all, just text that is long enough to be a header",
    )
    .unwrap();
    let out = verify(&format!("sqlite://{}", junk.display()), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not an SQLite database"),
        "{}",
        text(&out)
    );
    // An empty file is an empty database: it opens, but has none of the tables.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    let out = verify(&format!("sqlite://{}", empty.display()), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot read the database"),
        "{}",
        text(&out)
    );
}
