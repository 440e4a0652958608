//! The national dataset: fresh databases, the synthetic values bulk-loaded into them, the rebuild and sizes.

use super::machine::{own_hwm_kb, reset_own_hwm};
use super::serve::Server;
use super::stats::{secs, thousands};
use super::{BenchArgs, Run, progress};
use anyhow::{Context, Result, bail};
use binhdang_store::bulk::{BulkValue, Synthetic, SyntheticUnit};
use binhdang_store::seed::{UnitFiles, shipped_catalogue};
use binhdang_store::{Backend, Store};
use sqlx::Row;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The seed of the synthetic values.
pub(super) const SEED: u64 = 2021_2030;
/// Values per bulk-load transaction.
pub(super) const VALUES_PER_TRANSACTION: usize = 200_000;

pub(super) fn fresh_sqlite(work_dir: &Path) -> Result<String> {
    let path = work_dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    Ok(format!("sqlite://{}", path.display()))
}

pub(super) async fn fresh_postgres(url: &str) -> Result<String> {
    let (base, name) = url
        .rsplit_once('/')
        .context("the PostgreSQL URL must end with /DATABASE")?;
    if !name.contains("bench") || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        bail!("refusing to drop `{name}`: the benchmark database's name must contain `bench` (letters, digits, _)");
    }
    let admin = format!("{base}/postgres");
    progress(format!("PostgreSQL: DROP DATABASE {name} and create it anew"));
    binhdang_store::scratch::drop_postgres_database(&admin, name)
        .await
        .with_context(|| format!("cannot drop {name} on {admin}"))?;
    binhdang_store::scratch::create_postgres_database(&admin, name)
        .await
        .with_context(|| format!("cannot create {name} on {admin}"))?;
    Ok(url.to_string())
}

/// Loads the schema, the catalogue, the units and the synthetic national dataset into the
/// database at `url`, rebuilds the aggregates and settles the database; the measurements are
/// left empty in the [`Run`].
pub(super) async fn load(args: &BenchArgs, backend: Backend, url: &str) -> Result<(Run, Store)> {
    let name = backend.name();
    progress(format!("{name}: {url}"));
    reset_own_hwm();
    let t = Instant::now();
    let store = Store::connect(url).await?;
    store.migrate().await?;
    store.load_catalogue(&shipped_catalogue()?).await?;
    let report = store.load_units(&UnitFiles::shipped()).await?;
    let setup = t.elapsed();
    progress(format!(
        "{name}: schema, catalogue and {} units in {}",
        report.units,
        secs(setup)
    ));
    let version = server_version(&store, backend).await?;

    let elements = store.data_elements().await?;
    let synthetic = Synthetic::new(&elements, SEED);
    let units = store.synthetic_units(args.scale).await?;
    let forms: u64 = units.iter().map(|u| u.periods.len() as u64).sum();
    let bulk = bulk_load(&store, name, &synthetic, &units, forms).await?;
    let bench_hwm_after_load_kb = own_hwm_kb();
    progress(format!(
        "{name}: {} values loaded in {} (+ {} generating)",
        thousands(bulk.values),
        secs(bulk.load),
        secs(bulk.generate)
    ));
    let t = Instant::now();
    let aggregate_rows = store.rebuild_aggregates().await?;
    let rebuild = t.elapsed();
    let bench_hwm_after_rebuild_kb = own_hwm_kb();
    progress(format!(
        "{name}: rebuild_aggregates: {} cells in {}",
        thousands(aggregate_rows as u64),
        secs(rebuild)
    ));
    let settle = settle(&store, backend).await?;
    let sizes = sizes(&store, url).await?;
    Ok((
        Run {
            backend,
            version,
            setup,
            communes: units.len(),
            forms,
            values: bulk.values,
            generate: bulk.generate,
            load: bulk.load,
            rebuild,
            settle,
            aggregate_rows,
            sizes,
            bench_hwm_after_load_kb,
            bench_hwm_after_rebuild_kb,
            national_cells: HashMap::new(),
            rollups: Vec::new(),
            in_process: Vec::new(),
            server: Server::default(),
        },
        store,
    ))
}

/// The database server's version, for the report.
async fn server_version(store: &Store, backend: Backend) -> Result<String> {
    Ok(match backend {
        Backend::Sqlite => sqlx::query("SELECT sqlite_version() AS v")
            .fetch_one(store.pool())
            .await?
            .try_get("v")?,
        Backend::Postgres => sqlx::query("SHOW server_version")
            .fetch_one(store.pool())
            .await?
            .try_get(0)?,
    })
}

/// What the bulk load did: the values inserted, and the time spent generating them apart
/// from the time spent loading them.
struct Bulk {
    values: u64,
    generate: Duration,
    load: Duration,
}

/// Generates the synthetic values of every form of `units` and inserts them with the bulk
/// loader, [`VALUES_PER_TRANSACTION`] at a time, reporting progress every tenth.
async fn bulk_load(
    store: &Store,
    name: &str,
    synthetic: &Synthetic,
    units: &[SyntheticUnit],
    forms: u64,
) -> Result<Bulk> {
    let expected = forms * synthetic.values_per_form() as u64;
    progress(format!(
        "{name}: generating and loading {} values ({} communes × their periods = {} forms × {} values)",
        thousands(expected),
        thousands(units.len() as u64),
        thousands(forms),
        synthetic.values_per_form()
    ));
    let loader = store.bulk_loader("bench").await?;
    let mut buffer: Vec<BulkValue> = Vec::with_capacity(VALUES_PER_TRANSACTION + 100);
    let (mut generate, mut values, mut next_report) = (Duration::ZERO, 0u64, expected / 10);
    let t = Instant::now();
    for u in units {
        for p in &u.periods {
            let g = Instant::now();
            synthetic.values(u.id, &u.code, p, u.post_reform, &mut buffer);
            generate += g.elapsed();
        }
        if buffer.len() >= VALUES_PER_TRANSACTION {
            values += loader.insert(&buffer).await? as u64;
            buffer.clear();
            if values >= next_report {
                let rate = values as f64 / t.elapsed().as_secs_f64();
                progress(format!(
                    "{name}: {} / {} values ({:.0} values/s)",
                    thousands(values),
                    thousands(expected),
                    rate
                ));
                next_report += expected / 10;
            }
        }
    }
    if !buffer.is_empty() {
        values += loader.insert(&buffer).await? as u64;
    }
    let load = t.elapsed() - generate;
    Ok(Bulk { values, generate, load })
}

/// Settles the freshly loaded database (VACUUM and CHECKPOINT, or a WAL checkpoint) and tells
/// how long that took.
async fn settle(store: &Store, backend: Backend) -> Result<Duration> {
    let name = backend.name();
    // Bring the database to the state a database in service is in: PostgreSQL's
    // autovacuum would analyse the new tables and a checkpoint would write them back; do
    // both now rather than in the middle of the measurements. SQLite: fold the WAL back.
    let t = Instant::now();
    match backend {
        Backend::Postgres => {
            sqlx::query("VACUUM (ANALYZE) data_values, aggregates")
                .execute(store.pool())
                .await?;
            if let Err(e) = sqlx::query("CHECKPOINT").execute(store.pool()).await {
                progress(format!("{name}: CHECKPOINT refused ({e}); measuring without it"));
            }
        }
        Backend::Sqlite => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(store.pool())
                .await?;
        }
    }
    let settle = t.elapsed();
    progress(format!(
        "{name}: {} in {}",
        match backend {
            Backend::Postgres => "VACUUM (ANALYZE) and CHECKPOINT",
            Backend::Sqlite => "WAL checkpoint",
        },
        secs(settle)
    ));
    Ok(settle)
}

/// The sizes of the database and of its two big tables, for the report.
async fn sizes(store: &Store, url: &str) -> Result<Vec<(String, u64)>> {
    let mut out = Vec::new();
    match store.backend() {
        Backend::Sqlite => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(store.pool())
                .await?;
            let path = url.trim_start_matches("sqlite://");
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            out.push(("database file".to_string(), size));
            for table in ["data_values", "aggregates"] {
                // dbstat counts the table and its indexes; absent from some builds.
                let sql = format!(
                    "SELECT SUM(pgsize) AS n FROM dbstat WHERE name = '{table}' OR name IN
                     (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}')"
                );
                if let Ok(r) = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(store.pool()).await
                    && let Ok(n) = r.try_get::<i64, _>("n")
                {
                    out.push((format!("{table} with indexes"), n as u64));
                }
            }
        }
        Backend::Postgres => {
            let r = sqlx::query(
                "SELECT pg_database_size(current_database()) AS db,
                        pg_total_relation_size('data_values') AS v,
                        pg_total_relation_size('aggregates') AS a",
            )
            .fetch_one(store.pool())
            .await?;
            out.push(("database".to_string(), r.try_get::<i64, _>("db")? as u64));
            out.push(("data_values with indexes".to_string(), r.try_get::<i64, _>("v")? as u64));
            out.push(("aggregates with indexes".to_string(), r.try_get::<i64, _>("a")? as u64));
        }
    }
    Ok(out)
}
