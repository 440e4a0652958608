//! Backup, restore and migrate, as an operator runs them: the demo moved from one database
//! to the other kind and back through a backup file, `binhdang verify` passing on each copy,
//! and the same assessment answered by all.

use binhdang_store::testing::TestDb;
use binhdang_store::{Backend, Store, Sums, on_both_backends};
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

/// The assessment of Lai Châu for 2024, as the API would give it, as JSON.
async fn assessment(store: &Store) -> serde_json::Value {
    let (unit, period) = store.resolve_unit_period("12", "2024").await.unwrap();
    serde_json::to_value(store.assessment_of(Sums::All, &unit, &period).await.unwrap()).unwrap()
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
        let expected = assessment(&source.store).await;
        assert!(expected.as_array().is_some_and(|rows| !rows.is_empty()), "{expected}");

        // Straight to the other kind of database.
        let moved = TestDb::new(other(backend)).await;
        let said = String::from_utf8_lossy(&binhdang(&["migrate", "--from", &source.url, "--to", &moved.url]).stdout).into_owned();
        assert!(said.contains(&format!("moved {} to {}", backend.name(), other(backend).name())), "{said}");
        binhdang(&["verify", "--database-url", &moved.url]);
        assert_eq!(assessment(&moved.store).await, expected);
        let users = |s: &Store| {
            let s = s.clone();
            async move { s.users().await.unwrap().into_iter().map(|u| u.username).collect::<Vec<_>>() }
        };
        assert_eq!(users(&moved.store).await, users(&source.store).await);

        // And back, through a file: a backup taken from the copy, restored into a new database.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("binhdang.backup");
        binhdang(&["backup", "--database-url", &moved.url, "--out", file.to_str().unwrap()]);
        let back = TestDb::new(backend).await;
        binhdang(&["restore", file.to_str().unwrap(), "--database-url", &back.url]);
        binhdang(&["verify", "--database-url", &back.url]);
        assert_eq!(assessment(&back.store).await, expected);
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
