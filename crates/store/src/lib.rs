//! Persistence for binhdang on SQLite (the embedded default, one file in WAL mode) and
//! PostgreSQL (the scale path), behind one [`Store`].
//!
//! Both backends run the same SQL through sqlx's `Any` driver; only the migrations differ
//! (one folder per backend). To keep every query portable, dates are ISO 8601 text and
//! decimals are canonical decimal text on both: SQLite has no exact decimal type, and
//! money and counts must never pass through binary floats.
//!
//! Every write that takes input from outside validates all of it first and then writes in
//! one transaction, so a rejected request leaves the store as it was.

pub mod access;
pub mod account_search;
pub mod accounts_in_bulk;
mod agencies;
mod agency_parts;
mod audit;
pub mod backup;
mod batch;
pub mod bulk;
mod catalogue;
pub mod catalogue_changes;
mod clock;
mod disclosure;
mod error;
mod exchange_codes;
mod figures;
mod group_commit;
pub mod import_rows;
pub mod import_targets;
pub mod imports;
mod lists;
mod narratives;
mod outliers;
pub mod plans;
pub mod registers;
mod rollup;
mod rules;
pub mod scratch;
pub mod seed;
mod sql;
#[cfg(feature = "testing")]
pub mod testing;
mod units;
mod values;
mod verify;
mod workflow;

pub use access::{AuditEntry, NewUser, Session, SignInError, TokenInfo, User};
pub use agency_parts::AgencyPart;
pub use audit::{AuditRecord, OnBehalf};
pub use batch::BatchSummary;
pub use binhdang_domain::figure::{BySex, Completeness, Figure, Part};
pub use binhdang_domain::rollup::AggregateCell;
pub use catalogue::{CatalogueData, IndicatorDetail, LocalTarget};
pub use clock::{Clock, TODAY_VARIABLE};
pub use disclosure::DisclosureCell;
pub use error::{FieldProblem, StoreError};
pub use figures::{Assessment, MappingUsed, TargetUsed};
pub use import_rows::Decision;
pub use import_rows::{ImportRow, NewImportRow, RowDecisionInput};
pub use import_targets::{ImportTarget, NewImportTarget, TargetDecisionInput};
pub use imports::{DecisionInput, ImportBatch, ImportProposal, NewImport, NewProposal};
pub use narratives::{MAX_NARRATIVE_CHARS, NARRATIVE_SECTIONS};
pub use rollup::Sums;
pub use rules::HISTORY_WINDOW;
pub use units::{Succession, UnitDetail, UnitMatch, UnitSummary};
pub use values::{Actor, RawValue, StoredValue, ValueInput, WriteSummary, bad_period, unknown_unit};
pub use verify::{AuditBreak, AuditProblem, CellMismatch, CellProblem, SumsCheck, UnauditedValue, VerifyReport};
pub use workflow::{ChildStatus, StatusReport, Submission, TransitionRequest};

use binhdang_domain::UnitLevel;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL `{url}`: use sqlite://FILE or postgres://USER@HOST/DB"
            )))
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// How long a request may wait for a database connection before it is told to come back.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

/// Connections to PostgreSQL for write transactions: enough that saves of different communes
/// run side by side on a small server; the others wait their turn for one of these, so that
/// however many save at once, readers still find a connection of their own.
const POSTGRES_WRITERS: u32 = 8;

/// Connections to PostgreSQL for everything else (reads, and the checks a save makes before
/// its transaction); with the writers, well under PostgreSQL's default limit of 100.
const POSTGRES_READERS: u32 = 16;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A connection pool to one binhdang database.
#[derive(Clone, Debug)]
pub struct Store {
    /// Readers (and, on PostgreSQL, writers too).
    pool: AnyPool,
    /// Where write transactions run: on SQLite a pool of one connection, so writers queue
    /// here in order instead of fighting over the file lock; on PostgreSQL a few connections,
    /// so that a crowd of saves queues here and not in front of the readers.
    writer: AnyPool,
    backend: Backend,
    cache: std::sync::Arc<Cache>,
    clock: Clock,
    /// Saves of data values waiting to be written together (see [`group_commit`]).
    group: std::sync::Arc<group_commit::GroupCommit>,
}

/// Facts read often: some derived from the unit tree, which change only when units do, and
/// the outlier test's lists of values, checked against the database on every use.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    subtree_levels: std::sync::Mutex<HashMap<(i64, time::Date), HashMap<UnitLevel, i64>>>,
    /// The values under each parent unit and period for the outlier test against siblings,
    /// checked against versions in the database (see [`outliers`]).
    pub(crate) children: outliers::ChildrenCache,
    /// The catalogue, checked against its version in the database on every use.
    pub(crate) catalogue: catalogue::CatalogueCache,
    /// Units by name for searches, with the version of the unit tree it was read at.
    unit_names: std::sync::Mutex<Option<(units::TreeVersion, std::sync::Arc<units::UnitNameIndex>)>>,
}

impl Cache {
    pub(crate) fn subtree_levels(&self, unit: i64, date: time::Date) -> Option<HashMap<UnitLevel, i64>> {
        self.subtree_levels.lock().ok()?.get(&(unit, date)).cloned()
    }

    pub(crate) fn remember_subtree_levels(&self, unit: i64, date: time::Date, levels: HashMap<UnitLevel, i64>) {
        if let Ok(mut map) = self.subtree_levels.lock() {
            map.insert((unit, date), levels);
        }
    }

    pub(crate) fn unit_names(&self, version: units::TreeVersion) -> Option<std::sync::Arc<units::UnitNameIndex>> {
        match self.unit_names.lock().ok()?.as_ref() {
            Some((kept, index)) if *kept == version => Some(index.clone()),
            _ => None,
        }
    }

    pub(crate) fn keep_unit_names(&self, version: units::TreeVersion, index: std::sync::Arc<units::UnitNameIndex>) {
        if let Ok(mut kept) = self.unit_names.lock() {
            *kept = Some((version, index));
        }
    }

    /// Forgets everything; called whenever units or successions change.
    pub(crate) fn clear(&self) {
        if let Ok(mut map) = self.subtree_levels.lock() {
            map.clear();
        }
        self.children.clear();
        if let Ok(mut kept) = self.unit_names.lock() {
            *kept = None;
        }
    }
}

impl Store {
    /// Connects, creating an SQLite file if it does not exist yet.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        // A request that cannot get a connection within this time is answered "busy, try
        // again" (503) rather than left waiting: see `StoreError::Busy`.
        let options = || AnyPoolOptions::new().acquire_timeout(QUEUE_WAIT);
        let (pool, writer) = match backend {
            Backend::Sqlite => {
                // WAL lets readers run beside the one writer. Every write transaction takes
                // the writer pool's single connection, so writers wait in line in the pool
                // (fairly, without polling the file lock); single statements that write
                // (a session, a rule switched off) take it too, since a write on a reader
                // connection would poll the file lock that back-to-back saves hold. The busy
                // timeout covers another process on the same file (the command line).
                let sqlite = |max: u32| {
                    options().max_connections(max).after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
                                .await?;
                            Ok(())
                        })
                    })
                };
                let writer = sqlite(1).connect(&url).await?;
                let pool = sqlite(8).connect(&url).await?;
                (pool, writer)
            }
            Backend::Postgres => {
                let writer = options().max_connections(POSTGRES_WRITERS).connect(&url).await?;
                let pool = options().max_connections(POSTGRES_READERS).connect(&url).await?;
                (pool, writer)
            }
        };
        Ok(Store {
            pool,
            writer,
            backend,
            cache: Default::default(),
            clock: Clock::System,
            group: Default::default(),
        })
    }

    /// Brings the schema up to date; safe to run on every start.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// The same store, taking "now" from `clock` (a test or `binhdang --today` pins it).
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Today's date by the store's clock: what decides which periods are open and late.
    pub fn today(&self) -> time::Date {
        self.clock.today()
    }

    /// The current moment as stored in timestamps (RFC 3339).
    pub(crate) fn now_text(&self) -> String {
        self.clock.now_text()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}

/// Dates are stored as ISO 8601 text (`2025-07-01`).
pub(crate) fn date_to_text(d: time::Date) -> String {
    d.to_string()
}

pub(crate) fn text_to_date(s: &str) -> Result<time::Date, StoreError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, format).map_err(|e| StoreError::Corrupt(format!("stored date `{s}`: {e}")))
}

/// A column holding a value's text form (a code, a kind): a text that does not parse was
/// not written by this program.
pub(crate) fn parse<T: FromStr>(row: &sqlx::any::AnyRow, col: &str) -> Result<T, StoreError> {
    use sqlx::Row;
    let s: String = row.try_get(col)?;
    s.parse().map_err(|_| StoreError::Corrupt(format!("{col} `{s}`")))
}

pub(crate) fn parse_optional<T: FromStr>(row: &sqlx::any::AnyRow, col: &str) -> Result<Option<T>, StoreError> {
    use sqlx::Row;
    let s: Option<String> = row.try_get(col)?;
    s.map(|s| s.parse().map_err(|_| StoreError::Corrupt(format!("{col} `{s}`"))))
        .transpose()
}

pub(crate) fn text_to_decimal(s: &str) -> Result<rust_decimal::Decimal, StoreError> {
    rust_decimal::Decimal::from_str(s).map_err(|e| StoreError::Corrupt(format!("stored decimal `{s}`: {e}")))
}

pub(crate) fn vn_date(d: time::Date) -> String {
    binhdang_domain::vn::format_date(d)
}
