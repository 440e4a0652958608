//! `binhdang import report` end to end: the binary against a fresh database.

use binhdang_store::on_both_backends;
use binhdang_store::testing::TestDb;
use std::process::{Command, Output};

fn import(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .arg("import")
        .arg("report")
        .args(args)
        .env_remove("BINHDANG_DATABASE_URL")
        .output()
        .expect("run binhdang")
}

fn sample_002() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    dir.join("002_93d48c82f63ec0bd.txt").display().to_string()
}

on_both_backends! {
    async fn accept_confident_stores_the_high_confidence_figures_and_nothing_else(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let file = sample_002();
        let (unit, period) = db.store.resolve_unit_period("12", "2024").await.unwrap();

        // Without --accept-confident: a pending batch, no value.
        let out = import(&[&file, "--unit", "12", "--period", "2024", "--database-url", &db.url]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("2.3.num") && stdout.contains("high"), "{stdout}");
        assert!(stdout.contains("chưa ghi số liệu nào"), "{stdout}");
        assert_eq!(db.store.values(&unit, &period).await.unwrap(), []);
        assert!(db.store.import_batch(1).await.unwrap().is_open());

        let out = import(&[&file, "--unit", "12", "--period", "2024", "--accept-confident", "--database-url", &db.url]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("2.3.num total = 48") && stdout.contains("3.1.rate total = 1,7"), "{stdout}");
        let values = db.store.values(&unit, &period).await.unwrap();
        let mut stored: Vec<(String, String)> =
            values.iter().map(|v| (v.element.to_string(), v.value.clone().unwrap())).collect();
        stored.sort();
        let expected = [
            ("2.1.rate", "100"), ("2.3.den", "240"), ("2.3.num", "48"), ("2.3.rate", "20"), ("3.1.rate", "1.7"),
            ("3.2b.rate", "100"), ("3.3.rate", "100"), ("5.2a.rate", "100"), ("6.1.rate", "95"), ("6.2.rate", "100"),
        ];
        assert_eq!(stored, expected.map(|(e, v)| (e.to_string(), v.to_string())));
        // Low-confidence figures (4.1's bound, 5.4a's two rates) stay out.
        assert!(values.iter().all(|v| !v.element.starts_with("4.1") && !v.element.starts_with("5.4a")));
        let trail = db.store.audit_trail(&unit, Some("2024"), Some("3.1.rate")).await.unwrap();
        assert_eq!(trail[0].actor, "cli");
        assert!(trail[0].source.as_deref().unwrap().contains("002_93d48c82f63ec0bd.txt — Trong gia đình nam giới"));
        // The stated percentages count in the assessment, said to be stated; parts beat them.
        let rows = db.store.assessment(&unit, &period).await.unwrap();
        let row = |code: &str| rows.iter().find(|r| r.indicator == code).unwrap();
        for code in ["6.1", "3.1", "2.1"] {
            assert_eq!(row(code).figure.method, "stated_rate", "{code}");
            assert_ne!(row(code).status, binhdang_domain::assessment::Status::NoData, "{code}");
        }
        assert_eq!(row("6.1").figure.value, Some("95".parse().unwrap()));
        assert_eq!(row("2.3").figure.method, "sum_of_parts_then_divide");
        let batch = db.store.import_batch(2).await.unwrap();
        assert_eq!(batch.state, "stored");
        assert!(batch.proposals.iter().filter(|p| p.proposed.confidence == "low").all(|p| !p.decision.stores()));
    }
}

#[tokio::test]
async fn unreadable_files_and_unknown_units_exit_with_status_2() {
    let db = TestDb::with_provinces(binhdang_store::Backend::Sqlite, &["12"]).await;
    let out = import(&[
        "/nonexistent/bao-cao.docx",
        "--unit",
        "12",
        "--period",
        "2024",
        "--database-url",
        &db.url,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("không đọc được /nonexistent/bao-cao.docx"));
    let binary = std::env::temp_dir().join(format!("binhdang-import-{}.bin", std::process::id()));
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    let out = import(&[
        binary.to_str().unwrap(),
        "--unit",
        "12",
        "--period",
        "2024",
        "--database-url",
        &db.url,
    ]);
    let _ = std::fs::remove_file(&binary);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Không đọc được tệp"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = sample_002();
    for (unit, period) in [("99", "2024"), ("12", "2024Q9")] {
        let out = import(&[&file, "--unit", unit, "--period", period, "--database-url", &db.url]);
        assert_eq!(out.status.code(), Some(2), "{unit} {period}");
        assert!(!out.stderr.is_empty());
    }
    let out = import(&[
        &file,
        "--unit",
        "12",
        "--period",
        "2024",
        "--username",
        "ai.do",
        "--database-url",
        &db.url,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ai.do"));
}
