//! Sign-in limits: they cannot be raced, they stop guessing at one account, and they do not
//! lock out the right password of another person or from another address.

use binhdang_domain::access::Role;
use binhdang_store::access::{
    FAILURES_BEFORE_ADDRESS_DELAY, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
};
use binhdang_store::testing::{TEST_PASSWORD, TestDb};
use binhdang_store::{SignInError, on_both_backends};
use sqlx::Row;

async fn attempts_recorded(db: &TestDb, username: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM sign_in_attempts WHERE username = $1")
        .bind(username)
        .fetch_one(db.store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

on_both_backends! {
    async fn sixteen_guesses_at_once_check_at_most_five_passwords(backend: Backend) {
        // Before, every attempt counted the failures and then checked its password: 16 at
        // once all saw fewer than 5 failures and all 16 passwords were checked.
        let db = TestDb::with_provinces(backend, &["12"]).await;
        db.token_for("can.bo.a", Role::Officer, "12").await;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let store = db.store.clone();
            tasks.spawn(async move { store.sign_in("can.bo.a", "sai-mat-khau-1", "10.0.0.1").await });
        }
        let (mut checked, mut limited) = (0, 0);
        while let Some(done) = tasks.join_next().await {
            match done.unwrap() {
                Err(SignInError::Invalid) => checked += 1,
                Err(SignInError::RateLimited { .. }) => limited += 1,
                other => panic!("{:?}", other.map(|(u, _)| u.username)),
            }
        }
        assert_eq!(checked, MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS as usize);
        assert_eq!(limited, 16 - checked);
        assert_eq!(attempts_recorded(&db, "can.bo.a").await, MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS);
        // From that address the right password waits out the window too...
        assert!(matches!(
            db.store.sign_in("can.bo.a", TEST_PASSWORD, "10.0.0.1").await,
            Err(SignInError::RateLimited { .. })
        ));
        // ...but the owner, elsewhere, signs in.
        let (user, _) = db.store.sign_in("can.bo.a", TEST_PASSWORD, "10.0.0.2").await.unwrap();
        assert_eq!(user.username, "can.bo.a");
    }
}

on_both_backends! {
    async fn an_address_that_guesses_is_slowed_not_locked(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        db.token_for("can.bo.b", Role::Officer, "12").await;
        let proxy = "10.0.0.9";
        assert!(db.store.sign_in_delay(proxy).await.unwrap().is_zero());
        for i in 0..FAILURES_BEFORE_ADDRESS_DELAY {
            let _ = db.store.sign_in(&format!("ai-do-{i}"), "sai-mat-khau-1", proxy).await;
        }
        assert_eq!(db.store.sign_in_delay(proxy).await.unwrap().as_secs(), 1);
        let _ = db.store.sign_in("ai-do-nua", "sai-mat-khau-1", proxy).await;
        assert_eq!(db.store.sign_in_delay(proxy).await.unwrap().as_secs(), 2);
        // Someone else behind the same address, with the right password, still signs in.
        let (user, _) = db.store.sign_in("can.bo.b", TEST_PASSWORD, proxy).await.unwrap();
        assert_eq!(user.username, "can.bo.b");
    }
}

on_both_backends! {
    async fn guesses_at_one_account_from_many_addresses_stop_too(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        db.token_for("can.bo.c", Role::Officer, "12").await;
        for i in 0..MAX_FAILURES_PER_ACCOUNT {
            let r = db.store.sign_in("can.bo.c", "sai-mat-khau-1", &format!("10.1.0.{i}")).await;
            assert!(matches!(r, Err(SignInError::Invalid)), "attempt {i}");
        }
        assert!(matches!(
            db.store.sign_in("can.bo.c", TEST_PASSWORD, "10.2.0.1").await,
            Err(SignInError::RateLimited { .. })
        ));
    }
}
