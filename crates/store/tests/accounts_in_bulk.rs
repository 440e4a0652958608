//! Accounts in bulk, on SQLite and PostgreSQL: a list is checked whole, one bad row refuses
//! it all naming the row and column, the new accounts sign in with their one-time password,
//! and the same list again changes nothing.

use binhdang_domain::UnitLevel;
use binhdang_store::accounts_in_bulk::AccountRow;
use binhdang_store::testing::TestDb;
use binhdang_store::{StoreError, UnitSummary, on_both_backends};
use time::macros::date;

fn row(username: &str, role: &str, unit: &str) -> AccountRow {
    AccountRow {
        username: username.into(),
        full_name: format!("Cán bộ {username}"),
        role: role.into(),
        unit: unit.into(),
        email: format!("{username}@laichau.gov.vn"),
        ..AccountRow::default()
    }
}

on_both_backends! {
    async fn a_list_of_accounts_is_checked_whole_written_once_and_idempotent(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let communes: Vec<UnitSummary> = store
            .units_valid_on(date!(2026 - 01 - 01), Some(UnitLevel::Commune), None)
            .await
            .unwrap();
        assert!(communes.len() >= 30);
        let mut list: Vec<AccountRow> = communes.iter().map(|c| row(&format!("cb.{}", c.code), "officer", &c.code)).collect();
        list.push(row("tong.hop.12", "reviewer", "12"));
        let before = store.users().await.unwrap().len();

        // One bad row — an unknown unit — and a name listed twice: nothing is written.
        let mut bad = list.clone();
        bad[4].unit = "99999".into();
        bad.push(row(&list[0].username, "officer", &list[0].unit));
        let Err(StoreError::Invalid(problems)) = store.import_accounts(&bad, "tester", "test").await else {
            panic!("a bad list is refused");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"row 5, column unit"), "{fields:?}");
        assert!(fields.contains(&format!("row {}, column username", bad.len()).as_str()), "{fields:?}");
        assert!(problems.iter().any(|p| p.message_vi.starts_with("Dòng 5, cột unit")), "{problems:?}");
        assert_eq!(store.users().await.unwrap().len(), before, "nothing written");

        let done = store.import_accounts(&list, "tester", "test").await.unwrap();
        assert_eq!((done.created.len(), done.unchanged.len()), (list.len(), 0));
        let first = &done.created[0];
        assert!(store.sign_in(&first.username, &first.one_time_password, "127.0.0.1").await.is_ok());
        let user = store.user_by_name(&first.username).await.unwrap().unwrap();
        assert!(user.must_change_password);
        assert_eq!(user.full_name.as_deref(), Some(format!("Cán bộ {}", first.username).as_str()));

        // Again: nothing changes. The same username for another unit is refused.
        let again = store.import_accounts(&list, "tester", "test").await.unwrap();
        assert_eq!((again.created.len(), again.unchanged.len()), (0, list.len()));
        let mut moved = list.clone();
        moved[0].unit = list[1].unit.clone();
        assert!(matches!(store.import_accounts(&moved, "tester", "test").await, Err(StoreError::Invalid(_))));
        assert_eq!(store.users().await.unwrap().len(), before + list.len());
    }
}
