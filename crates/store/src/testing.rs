//! Fresh, migrated databases for tests, on SQLite (a temporary file) or PostgreSQL (a new
//! database on the server named by `BINHDANG_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`), dropped again when the test ends.
//!
//! Enabled by the `testing` feature; only test code turns it on.

use crate::seed::{UnitFiles, shipped, shipped_catalogue};
use crate::{Backend, Store};
use sqlx::Connection;

pub use time::Date;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// An ordinary working day, outside the Action Month (15/11–15/12): what tests take as today
/// unless they pin another day.
pub const ORDINARY_DAY: Date = time::macros::date!(2026 - 03 - 20);

/// A day inside the Action Month (15/11–15/12) and after the annual report's deadline (5/12),
/// when the pages open on the Action Month's period.
pub const ACTION_MONTH_DAY: Date = time::macros::date!(2026 - 12 - 08);

/// The day tests take as today: [`ORDINARY_DAY`], or `BINHDANG_TEST_TODAY` (YYYY-MM-DD) when
/// set, so that the whole suite can be run on any other day to show that it does not depend
/// on the date it runs on.
pub fn test_today() -> Date {
    match std::env::var("BINHDANG_TEST_TODAY") {
        Ok(text) => match crate::Clock::parse_pinned(&text) {
            Ok(clock) => clock.today(),
            Err(e) => panic!("BINHDANG_TEST_TODAY: {e}"),
        },
        Err(_) => ORDINARY_DAY,
    }
}

/// A database that exists for one test.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

fn admin_url() -> String {
    std::env::var("BINHDANG_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string())
}

impl TestDb {
    /// An empty, migrated database on `backend`. Panics when PostgreSQL is unreachable:
    /// its suite must run, never be skipped silently.
    pub async fn new(backend: Backend) -> TestDb {
        sqlx::any::install_default_drivers();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("binhdang-test-{id}.db"));
                (format!("sqlite://{}", path.display()), Cleanup::File(path))
            }
            Backend::Postgres => {
                let admin = admin_url();
                let name = format!("binhdang_test_{id}");
                let mut conn = sqlx::AnyConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is required for this test: {e}"));
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let _ = conn.close().await;
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin.clone());
                (format!("{base}/{name}"), Cleanup::Database { admin_url: admin, name })
            }
        };
        let store = Store::connect(&url)
            .await
            .expect("connect to test database")
            .with_clock(crate::Clock::pinned(test_today()));
        store.migrate().await.expect("migrate test database");
        TestDb { store, url, cleanup }
    }

    /// A migrated database with the shipped catalogue and the units of the given
    /// provinces (old GSO codes), with their mapping rows: enough for most tests, and
    /// much quicker than all 14,000 units.
    pub async fn with_provinces(backend: Backend, old_provinces: &[&str]) -> TestDb {
        let db = TestDb::new(backend).await;
        db.store
            .load_catalogue(&shipped_catalogue().expect("shipped catalogue parses"))
            .await
            .expect("catalogue");
        let subset = UnitSubset::of(old_provinces);
        db.store.load_units(&subset.files()).await.expect("units subset");
        db.store
            .load_programmes(&binhdang_domain::calendar::default_programmes())
            .await
            .expect("programmes");
        db
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                // Drop runs outside async; a short-lived runtime on its own thread does the
                // cleanup. FORCE ends the pool's connections that may still be open.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let mut conn = sqlx::AnyConnection::connect(&admin_url).await.ok()?;
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.ok()
                    })
                })
                .join();
            }
        }
    }
}

impl TestDb {
    /// Creates an account (password `test-password-1`) and returns a personal access token
    /// for it; `unit` is a GSO code or `VN`.
    pub async fn token_for(&self, username: &str, role: binhdang_domain::access::Role, unit: &str) -> String {
        let new = crate::NewUser {
            username,
            role,
            unit_code: unit,
            agency_code: None,
            password: TEST_PASSWORD,
            must_change_password: false,
        };
        self.store
            .add_user(&new, "test", "test")
            .await
            .expect("create test user");
        self.store
            .create_token(username, "test", "test", "test")
            .await
            .expect("create test token")
    }
}

/// The password of accounts made by [`TestDb::token_for`].
pub const TEST_PASSWORD: &str = "test-password-1";

/// The shipped unit files cut down to some provinces.
pub struct UnitSubset {
    before: String,
    after: String,
    province_mapping: String,
    commune_mapping: String,
}

impl UnitSubset {
    /// Keeps the old provinces given, the new provinces they became, every other old
    /// province merged into those, and all their districts, communes and mapping rows.
    pub fn of(old_provinces: &[&str]) -> UnitSubset {
        let mapping = rows(shipped::PROVINCE_MAPPING_2025);
        let new_codes: Vec<String> = mapping
            .iter()
            .filter(|r| old_provinces.contains(&r[0].as_str()))
            .map(|r| r[2].clone())
            .collect();
        let old_codes: Vec<String> = mapping
            .iter()
            .filter(|r| new_codes.contains(&r[2]))
            .map(|r| r[0].clone())
            .collect();
        let before = rows(shipped::UNITS_BEFORE_2025);
        let districts: Vec<String> = before
            .iter()
            .filter(|r| r[1] == "district" && old_codes.contains(&r[4]))
            .map(|r| r[0].clone())
            .collect();
        let keep_before = |r: &Vec<String>| match r[1].as_str() {
            "province" => old_codes.contains(&r[0]),
            "district" => old_codes.contains(&r[4]),
            _ => districts.contains(&r[4]),
        };
        let keep_after = |r: &Vec<String>| match r[1].as_str() {
            "province" => new_codes.contains(&r[0]),
            _ => new_codes.contains(&r[4]),
        };
        UnitSubset {
            before: filter(shipped::UNITS_BEFORE_2025, keep_before),
            after: filter(shipped::UNITS_2025, keep_after),
            province_mapping: filter(shipped::PROVINCE_MAPPING_2025, |r| old_codes.contains(&r[0])),
            commune_mapping: filter(shipped::COMMUNE_MAPPING_2025, |r| old_codes.contains(&r[3])),
        }
    }

    pub fn files(&self) -> UnitFiles<'_> {
        UnitFiles {
            before: &self.before,
            after: &self.after,
            province_mapping: &self.province_mapping,
            commune_mapping: &self.commune_mapping,
        }
    }
}

fn rows(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("shipped CSV parses").iter().map(str::to_string).collect())
        .collect()
}

fn filter(text: &str, keep: impl Fn(&Vec<String>) -> bool) -> String {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(reader.headers().expect("header")).expect("write");
    for record in reader.records() {
        let record = record.expect("shipped CSV parses");
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        if keep(&fields) {
            writer.write_record(&record).expect("write");
        }
    }
    String::from_utf8(writer.into_inner().expect("flush")).expect("utf-8")
}

/// Runs a test body on each database on two days, [`ORDINARY_DAY`] and [`ACTION_MONTH_DAY`],
/// as four tests named `NAME::ordinary_day::sqlite`, `NAME::action_month::postgres`, …: for
/// the flows whose pages open on a period chosen by the date.
#[macro_export]
macro_rules! on_both_backends_and_days {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident : Backend, $today:ident : Date) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($backend: $crate::Backend, $today: $crate::testing::Date) $body
            mod ordinary_day {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() { super::run($crate::Backend::Sqlite, $crate::testing::ORDINARY_DAY).await }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() { super::run($crate::Backend::Postgres, $crate::testing::ORDINARY_DAY).await }
            }
            mod action_month {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() { super::run($crate::Backend::Sqlite, $crate::testing::ACTION_MONTH_DAY).await }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() { super::run($crate::Backend::Postgres, $crate::testing::ACTION_MONTH_DAY).await }
            }
        }
    };
}

/// Runs a test body once on SQLite and once on PostgreSQL, as two tests named
/// `NAME::sqlite` and `NAME::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident : Backend) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($backend: $crate::Backend) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { run($crate::Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { run($crate::Backend::Postgres).await }
        }
    };
}
