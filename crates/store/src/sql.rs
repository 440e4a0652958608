//! Helpers for building statements that both databases run alike.

use crate::{Backend, StoreError};
use sqlx::Row;
use std::collections::BTreeSet;
use std::fmt::Write;

/// Ids as an SQL list (`1,2,3`), each once: numbers only, so they can be written into the
/// statement (a literal list lets the planner see how few rows it asks for).
pub(crate) fn id_list(ids: impl Iterator<Item = i64>) -> String {
    ids.collect::<BTreeSet<_>>()
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The `VALUES` list of a multi-row insert: `(?,?),(?,?)` on SQLite, `($1,$2),($3,$4)` on
/// PostgreSQL. SQLite gets anonymous parameters because looking up a numbered one by its
/// name scans the statement's list of names, which makes binding a statement of thousands
/// of `$n` parameters quadratic (40 times slower than the insert itself at 5,000).
pub(crate) fn placeholders(backend: Backend, rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 6);
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push(',');
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    let _ = write!(sql, "${}", r * columns + c + 1);
                }
            }
        }
        sql.push(')');
    }
    sql
}

/// Gives SQLite's page cache room for a large write (256 MiB instead of 2 MiB), so that
/// index pages are not written and read back over and over; returns the previous setting.
pub(crate) async fn bigger_sqlite_cache(
    backend: Backend,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
) -> Result<Option<i64>, StoreError> {
    if backend != Backend::Sqlite {
        return Ok(None);
    }
    let previous: i64 = sqlx::query("PRAGMA cache_size")
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    sqlx::query("PRAGMA cache_size = -262144").execute(&mut **tx).await?;
    Ok(Some(previous))
}

pub(crate) async fn restore_sqlite_cache(
    backend: Backend,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    previous: Option<i64>,
) -> Result<(), StoreError> {
    if let (Backend::Sqlite, Some(n)) = (backend, previous) {
        sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = {n}")))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A query on either database with its arguments bound so far.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;
