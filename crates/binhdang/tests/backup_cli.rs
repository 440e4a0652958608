//! Backup, restore and migrate, as an operator runs them: the demo moved from one database
//! to the other kind and back through a backup file, `binhdang verify` passing on each copy,
//! and the same `GET /api/v1/assessment` answered by all.

use binhdang_store::testing::TestDb;
use binhdang_store::{Backend, Store, on_both_backends};
use std::process::{Command, Output};

fn binhdang(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .args(args)
        .env_remove("BINHDANG_DATABASE_URL")
        .output()
        .expect("run binhdang");
    assert!(
        out.status.success(),
        "binhdang {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `GET /api/v1/assessment?unit=12&period=2024` from a server on `db`, as JSON (an account to
/// ask with is made on the spot, after any copy).
async fn assessment(db: &TestDb) -> serde_json::Value {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(binhdang_web::serve(listener, db.store.clone()));
    let username = format!("kiem.tra.{}", binhdang_store::access::new_secret()[..8].to_lowercase());
    let token = db
        .token_for(&username, binhdang_domain::access::Role::Viewer, "12")
        .await;
    let r = reqwest::Client::new()
        .get(format!("{base}/api/v1/assessment?unit=12&period=2024"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    r.json().await.unwrap()
}

fn other(backend: Backend) -> Backend {
    match backend {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    }
}

on_both_backends! {
    async fn the_demo_moves_to_the_other_database_and_back_through_a_backup(backend: Backend) {
        let source = TestDb::new(backend).await;
        binhdang(&["init", "--demo", "--database-url", &source.url]);
        let expected = assessment(&source).await;
        assert!(expected["indicators"].as_array().is_some_and(|rows| !rows.is_empty()), "{expected}");

        // Straight to the other kind of database.
        let moved = TestDb::new(other(backend)).await;
        let said = String::from_utf8_lossy(&binhdang(&["migrate", "--from", &source.url, "--to", &moved.url]).stdout).into_owned();
        assert!(said.contains(&format!("moved {} to {}", backend.name(), other(backend).name())), "{said}");
        binhdang(&["verify", "--database-url", &moved.url]);
        let users = |s: &Store| {
            let s = s.clone();
            async move { s.users().await.unwrap().into_iter().map(|u| u.username).collect::<Vec<_>>() }
        };
        assert_eq!(users(&moved.store).await, users(&source.store).await);
        assert_eq!(assessment(&moved).await, expected);

        // And back, through a file: a backup taken from the copy, restored into a new database.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("binhdang.backup");
        binhdang(&["backup", "--database-url", &moved.url, "--out", file.to_str().unwrap()]);
        let back = TestDb::new(backend).await;
        binhdang(&["restore", file.to_str().unwrap(), "--database-url", &back.url]);
        binhdang(&["verify", "--database-url", &back.url]);
        assert_eq!(assessment(&back).await, expected);
        // Ids go on after the copied ones: a new account can be made.
        back.token_for("sau.khi.chuyen", binhdang_domain::access::Role::Viewer, "12").await;

        // A restore never lands on a database in use.
        let refused = Command::new(env!("CARGO_BIN_EXE_binhdang"))
            .args(["restore", file.to_str().unwrap(), "--database-url", &source.url])
            .output()
            .unwrap();
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("restore into a new, empty database"));
    }
}
