//! The two migration folders (`migrations/sqlite` and `migrations/postgres`) are parallel
//! hand-written copies; this test applies each to a fresh database (through
//! [`TestDb::new`], exactly as the other tests and the application migrate) and checks that
//! they define the same schema, table by table:
//!
//! - the set of tables (sqlx's own `_sqlx_migrations` is left out);
//! - each table's columns: name, type family (see [`Family`] for the mapping), nullability,
//!   default, and whether the database numbers the column itself;
//! - each table's primary key (its columns, in order);
//! - its other indexes: those made by `CREATE INDEX` by name, with their key columns or
//!   expressions in order, uniqueness and whether they are partial; those made by a `UNIQUE`
//!   constraint by their columns (the backends name them differently, `sqlite_autoindex_t_1`
//!   against `t_code_key`);
//! - its foreign keys: columns, referenced table and columns, ON DELETE and ON UPDATE.
//!
//! Left out on purpose, because the backends legitimately differ there or the two catalogues
//! cannot be compared faithfully: triggers and the functions behind them (SQLite triggers hold
//! their body inline, PostgreSQL calls a plpgsql function, and one PostgreSQL trigger can stand
//! for three SQLite ones); PostgreSQL-only storage settings such as `fillfactor`
//! (`0010_room_for_hot_updates.sql` has no SQLite counterpart); CHECK constraints (their text is
//! rewritten by PostgreSQL, e.g. `IN (…)` becomes `= ANY (ARRAY[…])`); column order; views
//! (there are none); the rows that migrations insert.
//!
//! The few places where the backends cannot say the same thing are exceptions written out in
//! [`read_sqlite`] and [`auto_numbering_differs`], each with its reason.
//!
//! It needs PostgreSQL, so its name ends in `::postgres` and CI runs it with the PostgreSQL
//! half; `reports_…` tests of the comparison itself need no database.

use binhdang_store::Backend;
use binhdang_store::testing::TestDb;
use sqlx::Connection;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The family of a column's type, the level at which the two backends' types are comparable.
///
/// SQLite columns are mapped by their declared type (what the migration wrote), PostgreSQL
/// columns by `information_schema.columns.data_type`:
///
/// | family    | SQLite declared type                      | PostgreSQL `data_type`                   |
/// |-----------|-------------------------------------------|------------------------------------------|
/// | integer   | INTEGER, INT, BIGINT, SMALLINT, TINYINT   | bigint, integer, smallint (serial, identity) |
/// | text      | TEXT, VARCHAR, CHAR, CHARACTER, CLOB      | text, character varying, character       |
/// | decimal   | NUMERIC, DECIMAL                          | numeric                                  |
/// | real      | REAL, DOUBLE, DOUBLE PRECISION, FLOAT     | real, double precision                   |
/// | boolean   | BOOLEAN, BOOL                             | boolean                                  |
/// | date-time | DATE, DATETIME, TIMESTAMP, TIME           | date, time…, timestamp… (with or without time zone) |
/// | blob      | BLOB                                      | bytea                                    |
///
/// Any other type (or a SQLite column without a declared type) is reported as unmapped, so
/// that a new type is a decision made here rather than a silent match.
///
/// The project itself uses only integer and text: as `lib.rs` explains, dates are ISO 8601
/// text and decimals canonical decimal text on *both* backends (so that queries and decoding
/// are shared), and flags are 0/1 integers. A decimal column stored as `NUMERIC` on one side
/// and `TEXT` on the other is therefore a real difference, and reported as one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Family {
    Integer,
    Text,
    Decimal,
    Real,
    Boolean,
    DateTime,
    Blob,
    /// A type the mapping above does not cover, as the database spelled it.
    Unmapped(String),
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Family::Integer => "integer",
            Family::Text => "text",
            Family::Decimal => "decimal",
            Family::Real => "real",
            Family::Boolean => "boolean",
            Family::DateTime => "date-time",
            Family::Blob => "blob",
            Family::Unmapped(t) => return write!(f, "unmapped type `{t}`"),
        };
        f.write_str(name)
    }
}

fn sqlite_family(declared: &str) -> Family {
    // `VARCHAR(40)`, `DECIMAL(18, 2)`: the size does not change the family.
    let base = declared.split('(').next().unwrap_or("").trim().to_uppercase();
    match base.as_str() {
        "INTEGER" | "INT" | "BIGINT" | "SMALLINT" | "TINYINT" => Family::Integer,
        "TEXT" | "VARCHAR" | "CHAR" | "CHARACTER" | "CLOB" => Family::Text,
        "NUMERIC" | "DECIMAL" => Family::Decimal,
        "REAL" | "DOUBLE" | "DOUBLE PRECISION" | "FLOAT" => Family::Real,
        "BOOLEAN" | "BOOL" => Family::Boolean,
        "DATE" | "DATETIME" | "TIMESTAMP" | "TIME" => Family::DateTime,
        "BLOB" => Family::Blob,
        "" => Family::Unmapped("(none declared)".into()),
        _ => Family::Unmapped(declared.into()),
    }
}

fn postgres_family(data_type: &str) -> Family {
    match data_type {
        "bigint" | "integer" | "smallint" => Family::Integer,
        "text" | "character varying" | "character" => Family::Text,
        "numeric" => Family::Decimal,
        "real" | "double precision" => Family::Real,
        "boolean" => Family::Boolean,
        "date"
        | "timestamp without time zone"
        | "timestamp with time zone"
        | "time without time zone"
        | "time with time zone" => Family::DateTime,
        "bytea" => Family::Blob,
        _ => Family::Unmapped(data_type.into()),
    }
}

/// Whether the database numbers a column itself when an insert leaves it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AutoNumber {
    No,
    /// SQLite: the column is an alias of the rowid (a lone `INTEGER PRIMARY KEY`).
    RowidAlias,
    /// PostgreSQL: an identity column, or a serial one (default `nextval(…)`).
    Identity,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    family: Family,
    not_null: bool,
    /// The default's expression, normalised by [`normalise`].
    default: Option<String>,
    auto: AutoNumber,
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.family)?;
        f.write_str(if self.not_null { " NOT NULL" } else { " NULL" })?;
        if let Some(default) = &self.default {
            write!(f, " DEFAULT {default}")?;
        }
        match self.auto {
            AutoNumber::No => Ok(()),
            AutoNumber::RowidAlias => f.write_str(" (rowid alias)"),
            AutoNumber::Identity => f.write_str(" (identity)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Index {
    /// Key columns in order; an expression is given as its normalised text.
    keys: Vec<String>,
    unique: bool,
    partial: bool,
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unique {
            f.write_str("UNIQUE ")?;
        }
        write!(f, "({})", self.keys.join(", "))?;
        if self.partial {
            f.write_str(" WHERE …")?;
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
struct Table {
    columns: BTreeMap<String, Column>,
    primary_key: Vec<String>,
    /// `index NAME` for indexes made by CREATE INDEX; `unique constraint (COLUMNS)` for those
    /// behind a UNIQUE constraint.
    indexes: BTreeMap<String, Index>,
    /// Each foreign key in one line: `(a, b) REFERENCES t (x, y) ON DELETE … ON UPDATE …`.
    foreign_keys: BTreeSet<String>,
}

type Schema = BTreeMap<String, Table>;

/// Lower case and without spaces outside string literals, without PostgreSQL's `::type`
/// casts and without redundant outer parentheses: enough to compare the default values and
/// index expressions the migrations write (`COALESCE(valid_from, '')` is shown by PostgreSQL
/// as `COALESCE(valid_from, ''::text)`, `DEFAULT ''` as `''::text`).
fn normalise(expression: &str) -> String {
    let mut out = String::new();
    let mut chars = expression.trim().chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            in_string = c != '\'';
        } else if c == '\'' {
            out.push(c);
            in_string = true;
        } else if c == ':' && chars.peek() == Some(&':') {
            // A cast: skip `::name`, `::character varying`, `::text[]`.
            chars.next();
            while chars
                .peek()
                .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ' ' | '[' | ']'))
            {
                chars.next();
            }
        } else if !c.is_whitespace() {
            out.extend(c.to_lowercase());
        }
    }
    while out.starts_with('(') && out.ends_with(')') && encloses_all(&out) {
        out = out[1..out.len() - 1].to_string();
    }
    out
}

/// Whether the opening parenthesis at the start closes at the very end.
fn encloses_all(s: &str) -> bool {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return i == s.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// The key parts of `CREATE [UNIQUE] INDEX name ON table (part, part, …) [WHERE …]`, split at
/// top-level commas: SQLite's pragmas name no expression, so expressions come from here.
fn index_parts(sql: &str) -> Vec<String> {
    let upper = sql.to_uppercase();
    let after_on = upper.find(" ON ").map_or(0, |i| i + 4);
    let Some(open) = sql[after_on..].find('(').map(|i| i + after_on) else {
        return Vec::new();
    };
    let (mut parts, mut current, mut depth, mut in_string) = (Vec::new(), String::new(), 0, false);
    for c in sql[open + 1..].chars() {
        match c {
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string && depth == 0 => break,
            ')' if !in_string => depth -= 1,
            ',' if !in_string && depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

/// The schema as SQLite reports it, from `sqlite_master` and the `pragma_*` table functions.
async fn read_sqlite(url: &str) -> Schema {
    let mut conn = sqlx::SqliteConnection::connect(url)
        .await
        .expect("open the SQLite test database");
    let mut schema = Schema::new();

    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("list SQLite tables");
    let mut has_rowid = BTreeMap::new();
    for (name, sql) in tables {
        has_rowid.insert(name.clone(), !sql.to_uppercase().contains("WITHOUT ROWID"));
        schema.insert(name, Table::default());
    }

    let columns: Vec<(String, String, String, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT m.name, c.name, c.type, c.\"notnull\", c.pk, c.dflt_value
         FROM sqlite_master m JOIN pragma_table_info(m.name) c
         WHERE m.type = 'table' ORDER BY m.name, c.pk",
    )
    .fetch_all(&mut conn)
    .await
    .expect("read SQLite columns");
    let key_columns = |table: &str| columns.iter().filter(|c| c.0 == table && c.4 > 0).count();
    for (table, name, declared, not_null, pk, default) in &columns {
        let Some(entry) = schema.get_mut(table) else { continue };
        // A lone INTEGER PRIMARY KEY (that exact type name) aliases the rowid: SQLite
        // numbers it itself, as a PostgreSQL identity column would be.
        let rowid_alias =
            *pk == 1 && key_columns(table) == 1 && declared.eq_ignore_ascii_case("INTEGER") && has_rowid[table];
        if *pk > 0 {
            entry.primary_key.push(name.clone());
        }
        let column = Column {
            family: sqlite_family(declared),
            // Exception: PostgreSQL makes every primary-key column NOT NULL, and SQLite says
            // so of none that is not declared NOT NULL. A rowid alias can never be NULL; other
            // key columns of an ordinary SQLite table do accept NULL (a bug SQLite keeps for
            // compatibility), which no migration can switch off short of STRICT or WITHOUT
            // ROWID tables. The store always writes its keys, so the intent of both folders
            // is the same: count key columns as NOT NULL on SQLite too.
            not_null: *not_null != 0 || *pk > 0,
            default: default.as_deref().map(normalise),
            auto: if rowid_alias {
                AutoNumber::RowidAlias
            } else {
                AutoNumber::No
            },
        };
        entry.columns.insert(name.clone(), column);
    }

    read_sqlite_indexes(&mut conn, &mut schema).await;
    read_sqlite_foreign_keys(&mut conn, &mut schema).await;
    conn.close().await.expect("close SQLite");
    schema
}

async fn read_sqlite_indexes(conn: &mut sqlx::SqliteConnection, schema: &mut Schema) {
    // origin: `c` made by CREATE INDEX, `u` by a UNIQUE constraint, `pk` by the primary key
    // (compared as the primary key instead).
    let indexes: Vec<(String, String, i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT m.name, l.name, l.\"unique\", l.origin, l.partial,
                (SELECT sql FROM sqlite_master WHERE type = 'index' AND name = l.name)
         FROM sqlite_master m JOIN pragma_index_list(m.name) l
         WHERE m.type = 'table' AND l.origin <> 'pk'",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("read SQLite indexes");
    for (table, name, unique, origin, partial, sql) in indexes {
        // Key columns in order; `name` is NULL for an expression (cid -2).
        let keys: Vec<(Option<String>,)> =
            sqlx::query_as("SELECT name FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno")
                .bind(&name)
                .fetch_all(&mut *conn)
                .await
                .expect("read SQLite index columns");
        let parts = sql.as_deref().map(index_parts).unwrap_or_default();
        let keys = keys
            .into_iter()
            .enumerate()
            .map(|(i, (column,))| match column {
                Some(column) => normalise(&column),
                None => parts.get(i).map_or_else(|| "(expression)".into(), |p| normalise(p)),
            })
            .collect();
        let index = Index {
            keys,
            unique: unique != 0,
            partial: partial != 0,
        };
        let key = index_key(&name, origin == "u", &index);
        if let Some(entry) = schema.get_mut(&table) {
            entry.indexes.insert(key, index);
        }
    }
}

/// How an index is matched across the backends: by name when a migration named it, by its
/// columns when a UNIQUE constraint made it (each backend makes up its own name).
fn index_key(name: &str, from_unique_constraint: bool, index: &Index) -> String {
    if from_unique_constraint {
        format!("unique constraint ({})", index.keys.join(", "))
    } else {
        format!("index `{name}`")
    }
}

/// Table, key id, referenced table, column, referenced column, ON DELETE, ON UPDATE.
type SqliteForeignKeyRow = (String, i64, String, String, Option<String>, String, String);

async fn read_sqlite_foreign_keys(conn: &mut sqlx::SqliteConnection, schema: &mut Schema) {
    let rows: Vec<SqliteForeignKeyRow> = sqlx::query_as(
        "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_delete, f.on_update
         FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("read SQLite foreign keys");
    let mut keys: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
    for (table, id, target, from, to, on_delete, on_update) in rows {
        let key = keys.entry((table, id)).or_insert_with(|| ForeignKey {
            target,
            on_delete,
            on_update,
            ..Default::default()
        });
        key.from.push(from);
        key.to.push(to);
    }
    for ((table, _), mut key) in keys {
        // `REFERENCES t` without columns means t's primary key.
        if key.to.iter().any(Option::is_none) {
            let primary = schema
                .get(&key.target)
                .map(|t| t.primary_key.clone())
                .unwrap_or_default();
            key.to = primary.into_iter().map(Some).collect();
        }
        if let Some(entry) = schema.get_mut(&table) {
            entry.foreign_keys.insert(key.to_string());
        }
    }
}

#[derive(Default)]
struct ForeignKey {
    from: Vec<String>,
    target: String,
    to: Vec<Option<String>>,
    on_delete: String,
    on_update: String,
}

impl fmt::Display for ForeignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let to: Vec<&str> = self.to.iter().map(|c| c.as_deref().unwrap_or("?")).collect();
        write!(
            f,
            "({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
            self.from.join(", "),
            self.target,
            to.join(", "),
            self.on_delete,
            self.on_update
        )
    }
}

/// The schema as PostgreSQL reports it, from `information_schema` and `pg_catalog`, for the
/// current schema (`public` of the test's own database).
async fn read_postgres(url: &str) -> Schema {
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("open the PostgreSQL test database");
    let mut schema = Schema::new();

    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("list PostgreSQL tables");
    for (name,) in tables {
        schema.insert(name, Table::default());
    }

    let columns: Vec<(String, String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text,
                column_default::text, is_identity::text
         FROM information_schema.columns WHERE table_schema = current_schema()",
    )
    .fetch_all(&mut conn)
    .await
    .expect("read PostgreSQL columns");
    for (table, name, data_type, nullable, default, identity) in columns {
        let Some(entry) = schema.get_mut(&table) else { continue };
        let serial = default.as_deref().is_some_and(|d| d.starts_with("nextval("));
        let column = Column {
            family: postgres_family(&data_type),
            not_null: nullable == "NO",
            // A serial column's default is its sequence: that is its numbering, not a value.
            default: default.filter(|_| !serial).as_deref().map(normalise),
            auto: if identity == "YES" || serial {
                AutoNumber::Identity
            } else {
                AutoNumber::No
            },
        };
        entry.columns.insert(name, column);
    }

    read_postgres_indexes(&mut conn, &mut schema).await;
    read_postgres_foreign_keys(&mut conn, &mut schema).await;
    conn.close().await.expect("close PostgreSQL");
    schema
}

/// Table, index, unique, primary, partial, made by a UNIQUE constraint, key columns.
type PostgresIndexRow = (String, String, bool, bool, bool, bool, Vec<String>);

async fn read_postgres_indexes(conn: &mut sqlx::PgConnection, schema: &mut Schema) {
    // Each key column (not INCLUDE ones) by pg_get_indexdef: a column's name, or an
    // expression's text.
    let indexes: Vec<PostgresIndexRow> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, x.indisunique, x.indisprimary,
                x.indpred IS NOT NULL,
                EXISTS (SELECT 1 FROM pg_constraint c
                        WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype = 'u'),
                ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
                      FROM generate_series(1, x.indnkeyatts::int) AS k ORDER BY k)
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("read PostgreSQL indexes");
    for (table, name, unique, primary, partial, from_constraint, keys) in indexes {
        let Some(entry) = schema.get_mut(&table) else { continue };
        let keys: Vec<String> = keys.iter().map(|k| normalise(k)).collect();
        if primary {
            entry.primary_key = keys;
            continue;
        }
        let index = Index { keys, unique, partial };
        entry.indexes.insert(index_key(&name, from_constraint, &index), index);
    }
}

/// Table, columns, referenced table, referenced columns, ON DELETE code, ON UPDATE code.
type PostgresForeignKeyRow = (String, Vec<String>, String, Vec<String>, String, String);

async fn read_postgres_foreign_keys(conn: &mut sqlx::PgConnection, schema: &mut Schema) {
    let rows: Vec<PostgresForeignKeyRow> = sqlx::query_as(
        "SELECT t.relname::text,
                ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.ord),
                r.relname::text,
                ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.ord),
                c.confdeltype::text, c.confupdtype::text
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_class r ON r.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE c.contype = 'f' AND n.nspname = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("read PostgreSQL foreign keys");
    // pg_constraint's action codes, spelled as SQLite's pragma spells them.
    let action = |code: &str| match code {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "?",
    };
    for (table, from, target, to, on_delete, on_update) in rows {
        let key = ForeignKey {
            from,
            target,
            to: to.into_iter().map(Some).collect(),
            on_delete: action(&on_delete).into(),
            on_update: action(&on_update).into(),
        };
        if let Some(entry) = schema.get_mut(&table) {
            entry.foreign_keys.insert(key.to_string());
        }
    }
}

/// Every difference between the two schemas, one readable line each.
fn compare(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for name in sqlite.keys().chain(postgres.keys()).collect::<BTreeSet<_>>() {
        match (sqlite.get(name), postgres.get(name)) {
            (Some(table), None) | (None, Some(table)) => {
                let side = if sqlite.contains_key(name) {
                    "SQLite"
                } else {
                    "PostgreSQL"
                };
                let columns: Vec<String> = table.columns.iter().map(|(c, d)| format!("{c} {d}")).collect();
                out.push(format!(
                    "table `{name}`: only in {side}, with columns: {}",
                    columns.join(", ")
                ));
            }
            (Some(s), Some(p)) => compare_tables(name, s, p, &mut out),
            (None, None) => unreachable!(),
        }
    }
    out
}

fn compare_tables(table: &str, sqlite: &Table, postgres: &Table, out: &mut Vec<String>) {
    for (side, t) in [("SQLite", sqlite), ("PostgreSQL", postgres)] {
        for (name, column) in &t.columns {
            if let Family::Unmapped(ty) = &column.family {
                out.push(format!(
                    "table `{table}`, column `{name}`: {side} type `{ty}` is not in the type mapping \
                     (add it to {}_family in this test)",
                    side.to_lowercase()
                ));
            }
        }
    }
    compare_maps(
        |name| format!("table `{table}`, column `{name}`"),
        &sqlite.columns,
        &postgres.columns,
        compare_columns,
        out,
    );
    if sqlite.primary_key != postgres.primary_key {
        out.push(format!(
            "table `{table}`, primary key: SQLite ({}), PostgreSQL ({})",
            sqlite.primary_key.join(", "),
            postgres.primary_key.join(", ")
        ));
    }
    compare_maps(
        |key| format!("table `{table}`, {key}"),
        &sqlite.indexes,
        &postgres.indexes,
        |s, p| vec![format!("differs: SQLite {s}, PostgreSQL {p}")],
        out,
    );
    for key in sqlite.foreign_keys.symmetric_difference(&postgres.foreign_keys) {
        let side = if sqlite.foreign_keys.contains(key) {
            "SQLite"
        } else {
            "PostgreSQL"
        };
        out.push(format!("table `{table}`, foreign key {key}: only in {side}"));
    }
}

/// Entries on one side only, and entries on both that `differ` finds different.
fn compare_maps<V: fmt::Display + PartialEq>(
    label: impl Fn(&str) -> String,
    sqlite: &BTreeMap<String, V>,
    postgres: &BTreeMap<String, V>,
    differ: impl Fn(&V, &V) -> Vec<String>,
    out: &mut Vec<String>,
) {
    for name in sqlite.keys().chain(postgres.keys()).collect::<BTreeSet<_>>() {
        match (sqlite.get(name), postgres.get(name)) {
            (Some(v), None) => out.push(format!("{}: only in SQLite: {v}", label(name))),
            (None, Some(v)) => out.push(format!("{}: only in PostgreSQL: {v}", label(name))),
            (Some(s), Some(p)) if s != p => {
                for difference in differ(s, p) {
                    out.push(format!("{}: {difference}", label(name)));
                }
            }
            (Some(_), Some(_)) => {}
            (None, None) => unreachable!(),
        }
    }
}

fn compare_columns(sqlite: &Column, postgres: &Column) -> Vec<String> {
    let mut out = Vec::new();
    if sqlite.family != postgres.family {
        out.push(format!(
            "type differs: SQLite {}, PostgreSQL {}",
            sqlite.family, postgres.family
        ));
    }
    if sqlite.not_null != postgres.not_null {
        let null = |not_null| if not_null { "NOT NULL" } else { "NULL" };
        out.push(format!(
            "nullability differs: SQLite {}, PostgreSQL {}",
            null(sqlite.not_null),
            null(postgres.not_null)
        ));
    }
    if sqlite.default != postgres.default {
        let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".into());
        out.push(format!(
            "default differs: SQLite {}, PostgreSQL {}",
            show(&sqlite.default),
            show(&postgres.default)
        ));
    }
    if auto_numbering_differs(sqlite.auto, postgres.auto) {
        out.push(format!("numbering differs: SQLite {sqlite}, PostgreSQL {postgres}"));
    }
    out
}

/// Exception: SQLite numbers *every* lone `INTEGER PRIMARY KEY` itself (it aliases the
/// rowid), whether the schema wants that or not; it cannot declare a plain integer key. So an
/// SQLite rowid alias matches a PostgreSQL key without identity (`objectives.number`,
/// `catalogue_version.id`: the store always gives their values). What must hold is the other
/// way: a PostgreSQL identity column, which inserts may leave out, must be numbered by SQLite
/// too, or those inserts would store NULL keys there.
fn auto_numbering_differs(sqlite: AutoNumber, postgres: AutoNumber) -> bool {
    !matches!(
        (sqlite, postgres),
        (AutoNumber::RowidAlias, AutoNumber::Identity | AutoNumber::No) | (AutoNumber::No, AutoNumber::No)
    )
}

mod the_sqlite_and_postgres_migrations_match {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let sqlite_db = TestDb::new(Backend::Sqlite).await;
        let postgres_db = TestDb::new(Backend::Postgres).await;
        let sqlite = read_sqlite(&sqlite_db.url).await;
        let postgres = read_postgres(&postgres_db.url).await;

        // The reading itself worked: a query that silently read nothing would pass vacuously.
        for (side, schema) in [("SQLite", &sqlite), ("PostgreSQL", &postgres)] {
            assert!(schema.len() > 20, "{side}: only {} tables read", schema.len());
            let units = schema
                .get("units")
                .unwrap_or_else(|| panic!("{side}: no `units` table"));
            assert!(units.columns.len() > 5 && !units.indexes.is_empty() && !units.foreign_keys.is_empty());
            assert_eq!(units.primary_key, ["id"], "{side}: primary key of `units`");
        }

        let differences = compare(&sqlite, &postgres);
        assert!(
            differences.is_empty(),
            "migrations/sqlite and migrations/postgres define different schemas \
             ({} difference(s)); add a migration on the side that lacks something, or, if the \
             backends must differ, write the exception into this test with its reason:\n  - {}\n",
            differences.len(),
            differences.join("\n  - ")
        );
    }

    /// The comparison finds what it is meant to find (no database needed).
    #[test]
    fn reports_each_kind_of_difference() {
        let column = |family, not_null| Column {
            family,
            not_null,
            default: None,
            auto: AutoNumber::No,
        };
        let table = |columns: &[(&str, Column)]| Table {
            columns: columns.iter().map(|(n, c)| (n.to_string(), c.clone())).collect(),
            ..Table::default()
        };
        let mut sqlite = Schema::new();
        sqlite.insert(
            "t".into(),
            table(&[("a", column(Family::Integer, true)), ("b", column(Family::Text, false))]),
        );
        sqlite.insert("only_here".into(), table(&[]));
        let mut postgres = Schema::new();
        let mut t = table(&[("a", column(Family::Text, false))]);
        let index = Index {
            keys: vec!["a".into()],
            unique: false,
            partial: false,
        };
        t.indexes.insert(index_key("t_a", false, &index), index);
        postgres.insert("t".into(), t);

        let differences = compare(&sqlite, &postgres);
        assert_eq!(
            differences,
            [
                "table `only_here`: only in SQLite, with columns: ",
                "table `t`, column `a`: type differs: SQLite integer, PostgreSQL text",
                "table `t`, column `a`: nullability differs: SQLite NOT NULL, PostgreSQL NULL",
                "table `t`, column `b`: only in SQLite: text NULL",
                "table `t`, index `t_a`: only in PostgreSQL: (a)",
            ]
        );
    }

    #[test]
    fn normalises_what_postgresql_rewrites() {
        assert_eq!(normalise("COALESCE(valid_from, ''::text)"), "coalesce(valid_from,'')");
        assert_eq!(normalise("COALESCE(valid_from, '')"), "coalesce(valid_from,'')");
        assert_eq!(normalise("'A b'::character varying"), "'A b'");
        assert_eq!(normalise("(0)"), "0");
        assert_eq!(normalise("(a) + (b)"), "(a)+(b)");
        assert_eq!(
            index_parts("CREATE UNIQUE INDEX u ON units (code, COALESCE(valid_from, ''))"),
            ["code", " COALESCE(valid_from, '')"]
        );
    }
}
