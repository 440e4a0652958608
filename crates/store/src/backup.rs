//! Backup, restore and moving a deployment between SQLite and PostgreSQL: every table of the
//! project, row for row, as a portable stream of JSON lines.
//!
//! A backup is read in one consistent snapshot (as `verify` reads), so it can be taken while
//! people save. Its first line names the format; then, for each table in the order the
//! migrations created them (so that a row's references come before it), a line
//! `{"table": name, "columns": [...]}` and one JSON array per row. Every column the project
//! has is an integer or text (dates and exact decimals are stored as text), so a value is a
//! JSON number, string or null, the same on both databases. The derived tables (sums,
//! ancestors) are copied as they are, so the restored database needs no rebuild and
//! `binhdang verify` on it checks the copy.
//!
//! A restore goes into a freshly migrated, empty database (no units, no users) of either kind,
//! in one transaction: all of it or none.

use crate::{Backend, Store, StoreError};
use serde_json::{Value, json};
use sqlx::{Column, Row, TypeInfo};
use std::io::{BufRead, Write};

/// The first line of a backup.
const FORMAT: &str = "binhdang-backup/1";

/// What a backup or restore moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Copied {
    /// Tables, with the rows of each, in the order they were written.
    pub tables: Vec<(String, u64)>,
}

impl Copied {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

fn corrupt(what: impl Into<String>) -> StoreError {
    StoreError::DataFile(what.into())
}

impl Store {
    /// The project's tables, in the order the migrations created them (sqlx's own left out).
    async fn tables_in_creation_order(&self, conn: &mut sqlx::AnyConnection) -> Result<Vec<String>, StoreError> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                 AND name <> '_sqlx_migrations' ORDER BY rowid"
            }
            Backend::Postgres => {
                "SELECT CAST(c.relname AS TEXT) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname <> '_sqlx_migrations'
                 ORDER BY c.oid"
            }
        };
        let rows = sqlx::query(sql).fetch_all(&mut *conn).await?;
        rows.iter().map(|r| Ok(r.try_get::<String, _>("name")?)).collect()
    }

    /// Writes every table to `out` from one consistent snapshot.
    pub async fn backup(&self, out: &mut impl Write) -> Result<Copied, StoreError> {
        let mut tx = match self.backend() {
            Backend::Postgres => {
                self.pool()
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?
            }
            Backend::Sqlite => self.pool().begin_with("BEGIN DEFERRED").await?,
        };
        let io = |e: std::io::Error| corrupt(format!("cannot write the backup: {e}"));
        writeln!(out, "{}", json!({ "format": FORMAT })).map_err(io)?;
        let mut copied = Copied::default();
        for table in self.tables_in_creation_order(&mut tx).await? {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
                .fetch_all(&mut *tx)
                .await?;
            let columns: Vec<String> = match rows.first() {
                Some(r) => r.columns().iter().map(|c| c.name().to_string()).collect(),
                None => Vec::new(),
            };
            writeln!(out, "{}", json!({ "table": table, "columns": columns })).map_err(io)?;
            for row in &rows {
                let values = (0..row.len()).map(|i| cell(row, i)).collect::<Result<Vec<_>, _>>()?;
                writeln!(out, "{}", Value::Array(values)).map_err(io)?;
            }
            copied.tables.push((table, rows.len() as u64));
        }
        tx.rollback().await?;
        Ok(copied)
    }

    /// Reads a backup into this database, which must be freshly migrated and hold no units
    /// and no users; all of it is written in one transaction, or nothing.
    pub async fn restore(&self, input: impl BufRead) -> Result<Copied, StoreError> {
        let mut lines = input.lines();
        let mut next = || -> Result<Option<Value>, StoreError> {
            match lines.next() {
                None => Ok(None),
                Some(line) => {
                    let line = line.map_err(|e| corrupt(format!("cannot read the backup: {e}")))?;
                    serde_json::from_str(&line)
                        .map(Some)
                        .map_err(|e| corrupt(format!("the backup has a line that is not JSON: {e}")))
                }
            }
        };
        match next()? {
            Some(head) if head["format"] == FORMAT => {}
            _ => {
                return Err(corrupt(format!(
                    "not a binhdang backup (its first line must name {FORMAT})"
                )));
            }
        }
        let mut tx = self.begin_write().await?;
        for table in ["units", "users"] {
            let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table}")))
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            if n > 0 {
                return Err(corrupt(format!(
                    "the database already holds {table}: restore into a new, empty database"
                )));
            }
        }
        let known = self.tables_in_creation_order(&mut tx).await?;
        // Rows the migrations themselves wrote (e.g. the catalogue's version) give way to the
        // backup's.
        for table in known.iter().rev() {
            let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table}")))
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
            if n > 0 {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let mut copied = Copied::default();
        let mut current: Option<(String, Vec<String>, Vec<String>)> = None;
        while let Some(line) = next()? {
            if let Some(table) = line.get("table").and_then(Value::as_str) {
                if !known.iter().any(|t| t == table) {
                    return Err(corrupt(format!(
                        "the backup has a table `{table}` this database does not"
                    )));
                }
                let columns = line["columns"]
                    .as_array()
                    .map(|c| c.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
                copied.tables.push((table.to_string(), 0));
                let integers = self.integer_columns(&mut tx, table).await?;
                current = Some((table.to_string(), columns, integers));
                continue;
            }
            let (Some((table, columns, integers)), Value::Array(values)) = (&current, &line) else {
                return Err(corrupt("the backup has a row before its table"));
            };
            if values.len() != columns.len() {
                return Err(corrupt(format!(
                    "a row of `{table}` has {} values for {} columns",
                    values.len(),
                    columns.len()
                )));
            }
            let marks: Vec<String> = (1..=values.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                columns.join(", "),
                marks.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (column, v) in columns.iter().zip(values) {
                // Bound as the column's type here (SQLite may have kept a number in a text
                // column, and PostgreSQL wants a NULL of the right type).
                let integer = integers.contains(column);
                let not_integer = || corrupt(format!("`{v}` in `{table}.{column}` is not an integer"));
                q = match (v, integer) {
                    (Value::Null, true) => q.bind(None::<i64>),
                    (Value::Null, false) => q.bind(None::<String>),
                    (Value::Number(n), true) => q.bind(n.as_i64().ok_or_else(not_integer)?),
                    (Value::String(s), true) => q.bind(s.trim().parse::<i64>().map_err(|_| not_integer())?),
                    (Value::Number(n), false) => q.bind(n.to_string()),
                    (Value::String(s), false) => q.bind(s.clone()),
                    (other, _) => {
                        return Err(corrupt(format!("`{other}` in `{table}` is neither a number nor text")));
                    }
                };
            }
            q.execute(&mut *tx).await?;
            if let Some(last) = copied.tables.last_mut() {
                last.1 += 1;
            }
        }
        if self.backend() == Backend::Postgres {
            // Identity columns go on after the highest id copied.
            let identities = sqlx::query(
                "SELECT CAST(table_name AS TEXT) AS table_name, CAST(column_name AS TEXT) AS column_name FROM information_schema.columns
                 WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval%')",
            )
            .fetch_all(&mut *tx)
            .await?;
            for r in identities {
                let (table, column): (String, String) = (r.try_get("table_name")?, r.try_get("column_name")?);
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
                     COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(copied)
    }
}

impl Store {
    /// The integer columns of `table` in this database.
    async fn integer_columns(&self, conn: &mut sqlx::AnyConnection, table: &str) -> Result<Vec<String>, StoreError> {
        let sql = match self.backend() {
            Backend::Sqlite => "SELECT name FROM pragma_table_info($1) WHERE upper(type) LIKE '%INT%'",
            Backend::Postgres => {
                "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1
                   AND data_type IN ('bigint', 'integer', 'smallint')"
            }
        };
        let rows = sqlx::query(sql).bind(table).fetch_all(&mut *conn).await?;
        rows.iter().map(|r| Ok(r.try_get::<String, _>("name")?)).collect()
    }
}

/// One value of a row as JSON: every column of the project is an integer or text.
fn cell(row: &sqlx::any::AnyRow, i: usize) -> Result<Value, StoreError> {
    let type_name = row.column(i).type_info().name().to_ascii_uppercase();
    let integer = [
        "INT", "BIGINT", "INTEGER", "INT8", "INT4", "INT2", "SMALLINT", "BOOLEAN", "BOOL",
    ]
    .iter()
    .any(|t| type_name == *t);
    if integer {
        return Ok(row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::from));
    }
    match row.try_get::<Option<String>, _>(i) {
        Ok(v) => Ok(v.map_or(Value::Null, Value::from)),
        // SQLite reports the type of the value, not the column: an integer in a column the
        // first rows left empty.
        Err(_) => Ok(row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::from)),
    }
}
