//! `binhdang bench load` in its quick mode: a few officers of one province save and submit
//! their forms against the served binary while readers read, on SQLite and on PostgreSQL;
//! every save is answered, none with a server error, and the report gets its section and
//! keeps the rest.

use binhdang_store::{Backend, on_both_backends};
use std::collections::HashMap;
use std::process::Command;

/// The `key=value` pairs of the line `bench load result: …` for a number of officers.
fn result_line(stdout: &str, database: &str, officers: usize) -> HashMap<String, String> {
    let prefix = format!("bench load result: database={database} officers={officers} ");
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no line `{prefix}…` in:\n{stdout}"));
    line.trim_start_matches("bench load result: ")
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

on_both_backends! {
    async fn a_quick_deadline_day_answers_every_save(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("PERFORMANCE.md");
        std::fs::write(&out, "# Performance\n\n## Earlier measurements\n\nkept as they are\n").unwrap();
        let database = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let postgres = std::env::var("BINHDANG_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| binhdang_store::testing::DEFAULT_POSTGRES_URL.to_string());
        let work_dir = dir.path().join("work");
        let output = Command::new(env!("CARGO_BIN_EXE_binhdang"))
            .args(["bench", "load", "--databases", database, "--officers", "3", "--seconds", "3"])
            .args(["--saves-per-officer", "2", "--readers", "2", "--password-officers", "1"])
            .args(["--baseline-seconds", "1", "--provinces", "12", "--postgres-url", &postgres])
            .arg("--work-dir")
            .arg(&work_dir)
            .arg("--out")
            .arg(&out)
            .env_remove("BINHDANG_DATABASE_URL")
            .output()
            .expect("run binhdang bench load");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "bench load failed:\n{stdout}\n{stderr}");

        let r = result_line(&stdout, database, 3);
        let n = |k: &str| -> usize { r[k].parse().unwrap_or_else(|_| panic!("{k}={} in {r:?}", r[k])) };
        assert!(n("saves") >= 3, "every officer saves at least once: {r:?}\n{stderr}");
        assert_eq!(n("saves_answered"), n("saves"), "every save is answered: {r:?}\n{stderr}");
        assert_eq!(n("saves_5xx"), 0, "no save fails on the server: {r:?}\n{stderr}");
        assert_eq!(n("saves_timeouts") + n("saves_connection_errors"), 0, "{r:?}");
        assert!(
            r["verify"] == "unavailable" || r["verify"] == "exit_0",
            "binhdang verify finds the database consistent: {r:?}\n{stdout}"
        );

        let md = std::fs::read_to_string(&out).unwrap();
        assert!(md.starts_with("# Performance\n\n## Earlier measurements\n\nkept as they are\n\n"), "{md}");
        assert_eq!(md.matches("## Deadline day (bench load)").count(), 1, "{md}");
        let name = if database == "sqlite" { "SQLite" } else { "PostgreSQL" };
        assert!(md.contains(&format!("| {name} | 3 | ")), "the summary row: {md}");
        assert!(md.contains(&format!("### {name} ")), "{md}");
        for request in [
            "baseline: GET /api/v1/health",
            "sign in: POST /api/v1/auth/sign-in",
            "load form: GET /api/v1/values or /nhap-lieu",
            "save form: PUT /api/v1/values",
            "submit: POST /api/v1/workflow/submit",
            "read: GET /api/v1/aggregates (province)",
            "read: GET /bang-dieu-khien (province)",
            "all requests of the round",
        ] {
            assert!(md.contains(&format!("| 3 | {request} | ")), "a row for {request}: {md}");
        }
        // The database made for the run is gone again.
        let left: Vec<_> = std::fs::read_dir(&work_dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|f| f.ends_with(".db"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
