//! Names that must be unique stay unique when two requests claim the same one at once: one
//! wins, the other is told why (a refusal, 422 over HTTP), never a database error (500).
//!
//! `add_user` used to look for the username first (`SELECT COUNT(*)`) and insert after: two
//! administrators adding the same account at once both found the name free, and the second
//! insert then hit the table's UNIQUE constraint, which came back as `StoreError::Database`.
//! Run against that code, the race test below failed on both backends in its first round:
//! "the loser of round 0: refused with Database(... SqliteError { code: 2067, message: \"UNIQUE
//! constraint failed: users.username\" })" and "... PgDatabaseError { code: \"23505\", ...
//! constraint: Some(\"users_username_key\") }". Now the insert itself is the check, and its
//! unique violation is turned into the same refusal the look-up gave.

use binhdang_domain::access::Role;
use binhdang_store::testing::{TEST_PASSWORD, TestDb};
use binhdang_store::{NewUser, Store, StoreError, User, on_both_backends};

/// How many times the two requests race, each time for a fresh username.
const ROUNDS: usize = 20;

async fn add(store: Store, username: String, actor: &'static str) -> Result<User, StoreError> {
    let new = NewUser {
        username: &username,
        role: Role::Officer,
        unit_code: "12",
        agency_code: None,
        password: TEST_PASSWORD,
        must_change_password: false,
    };
    store.add_user(&new, actor, "test").await
}

async fn count(store: &Store, sql: &str, username: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .bind(username.to_string())
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// How many accounts have this username.
async fn accounts(store: &Store, username: &str) -> i64 {
    count(store, "SELECT COUNT(*) FROM users WHERE username = $1", username).await
}

/// How many times the creation of this account was audited.
async fn creations_audited(store: &Store, username: &str) -> i64 {
    count(
        store,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'user.create' AND subject = $1",
        username,
    )
    .await
}

/// The refusal of a username already in use, in both languages.
fn assert_taken(e: &StoreError, username: &str, context: &str) {
    let StoreError::Invalid(problems) = e else {
        panic!("{context}: refused with {e:?}, not a refusal naming the field");
    };
    assert_eq!(problems.len(), 1, "{context}: {problems:?}");
    let p = &problems[0];
    assert_eq!(
        (p.field.as_str(), p.code.as_str()),
        ("username", "username_taken"),
        "{context}"
    );
    assert_eq!(p.message_en, format!("the username `{username}` is taken"), "{context}");
    assert_eq!(
        p.message_vi,
        format!("Tên đăng nhập `{username}` đã có người dùng"),
        "{context}"
    );
}

on_both_backends! {
    async fn two_admins_adding_the_same_user_at_once_get_one_account_and_one_refusal(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        for round in 0..ROUNDS {
            let username = format!("race-{round}");
            // Two tasks, so that each request runs on its own worker thread with its own
            // connections, as two HTTP requests would.
            let first = tokio::spawn(add(db.store.clone(), username.clone(), "admin-a"));
            let second = tokio::spawn(add(db.store.clone(), username.clone(), "admin-b"));
            let (first, second) = tokio::join!(first, second);
            let (first, second) = (first.unwrap(), second.unwrap());
            let loser = match (&first, &second) {
                (Ok(_), Err(e)) | (Err(e), Ok(_)) => e,
                (Ok(_), Ok(_)) => panic!("round {round}: both requests created `{username}`"),
                (Err(a), Err(b)) => panic!("round {round}: both requests were refused: {a:?} / {b:?}"),
            };
            assert_taken(loser, &username, &format!("the loser of round {round}"));
            let winner = first.as_ref().or(second.as_ref()).unwrap();
            assert_eq!(winner.username, username);
            assert_eq!(accounts(&db.store, &username).await, 1, "round {round}");
            // Only the account that exists was audited: the refused insert wrote nothing.
            assert_eq!(creations_audited(&db.store, &username).await, 1, "round {round}");
        }
    }
}

on_both_backends! {
    async fn a_username_in_use_is_refused_and_nothing_is_written(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        add(db.store.clone(), "tester".into(), "admin").await.unwrap();
        let e = add(db.store.clone(), "tester".into(), "admin").await.unwrap_err();
        assert_taken(&e, "tester", "adding `tester` again");
        // Surrounding spaces are trimmed before the name is stored, and so before it is compared.
        let e = add(db.store.clone(), "  tester ".into(), "admin").await.unwrap_err();
        assert_taken(&e, "tester", "adding ` tester ` again");
        assert_eq!(db.store.users().await.unwrap().len(), 1);
        assert_eq!(accounts(&db.store, "tester").await, 1);
        assert_eq!(creations_audited(&db.store, "tester").await, 1);
        // The other problems still come first, and alone: a short password is named, not
        // the name in use (nothing is inserted until the request is otherwise valid).
        let new = NewUser {
            username: "tester",
            role: Role::Officer,
            unit_code: "12",
            agency_code: None,
            password: "short",
            must_change_password: false,
        };
        let Err(StoreError::Invalid(problems)) = db.store.add_user(&new, "admin", "test").await else {
            panic!("a short password is refused");
        };
        let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["password_too_short"]);
    }
}
