//! Live roll-up: the ancestors closure, and sums of entered values kept for every ancestor
//! in the same transaction as the write that changes them.
//!
//! A value entered for a unit counts in that unit's figure and in every ancestor's: the
//! parents of its own time up to the country and, for a unit that ended with the 2025
//! reform, its successor (and the successor's ancestors), so that a post-reform province's
//! figure for a pre-reform period is the sum of the old units mapped to it. An old commune
//! split among several new communes passes its data to exactly one of them, its *primary*
//! successor (the one that kept its code, else the lowest code), so nothing is counted
//! twice; all of a split commune's successors lie in one province (checked when the mapping
//! is generated), so provincial and national figures are exact either way.

use crate::{Backend, Store, StoreError, UnitSummary, text_to_decimal};
use binhdang_domain::ElementCode;
use binhdang_domain::rollup::{AggregateCell, Delta, contributions, rolls_up};
use binhdang_domain::{DataElement, Disaggregation, Period};
use rust_decimal::Decimal;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Recomputes `unit_ancestors` from units and successions.
pub(crate) async fn rebuild_unit_ancestors(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<usize, StoreError> {
    let units: Vec<(i64, String, Option<i64>)> = sqlx::query("SELECT id, code, parent_id FROM units")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("code")?, r.try_get("parent_id")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    let code_of: HashMap<i64, &str> = units.iter().map(|(id, code, _)| (*id, code.as_str())).collect();
    let parent_of: HashMap<i64, i64> = units.iter().filter_map(|(id, _, p)| p.map(|p| (*id, p))).collect();
    let mut successors: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in sqlx::query("SELECT predecessor_id, successor_id FROM unit_successions")
        .fetch_all(&mut **tx)
        .await?
    {
        successors
            .entry(r.try_get("predecessor_id")?)
            .or_default()
            .push(r.try_get("successor_id")?);
    }
    let primary: HashMap<i64, i64> = successors
        .iter()
        .filter_map(|(pred, succs)| {
            let own_code = code_of.get(pred)?;
            let chosen = succs
                .iter()
                .min_by_key(|s| (code_of.get(s) != Some(own_code), code_of.get(s).copied().unwrap_or("")))?;
            Some((*pred, *chosen))
        })
        .collect();

    let mut memo: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    fn ancestors(
        id: i64,
        parent_of: &HashMap<i64, i64>,
        primary: &HashMap<i64, i64>,
        memo: &mut HashMap<i64, BTreeSet<i64>>,
        depth: usize,
    ) -> Result<BTreeSet<i64>, StoreError> {
        if let Some(found) = memo.get(&id) {
            return Ok(found.clone());
        }
        if depth > 32 {
            return Err(StoreError::Corrupt(format!(
                "unit {id} is in a cycle of parents or successors"
            )));
        }
        let mut set = BTreeSet::from([id]);
        for next in [parent_of.get(&id), primary.get(&id)].into_iter().flatten() {
            set.extend(ancestors(*next, parent_of, primary, memo, depth + 1)?);
        }
        memo.insert(id, set.clone());
        Ok(set)
    }
    let mut pairs = Vec::new();
    for (id, _, _) in &units {
        for a in ancestors(*id, &parent_of, &primary, &mut memo, 0)? {
            pairs.push((*id, a));
        }
    }
    sqlx::query("DELETE FROM unit_ancestors").execute(&mut **tx).await?;
    for chunk in pairs.chunks(500) {
        let mut sql = String::from("INSERT INTO unit_ancestors (unit_id, ancestor_id) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("(${},${})", 2 * i + 1, 2 * i + 2));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (u, a) in chunk {
            q = q.bind(*u).bind(*a);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(pairs.len())
}

/// Which sums: of all entered data, or of approved reports only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sums {
    All,
    Approved,
}

impl Sums {
    pub(crate) fn table(&self) -> &'static str {
        match self {
            Sums::All => "aggregates",
            Sums::Approved => "approved_aggregates",
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Sums::All => "all",
            Sums::Approved => "approved",
        }
    }
}

/// The changes of one unit's cells for one period, to add to the unit and all its ancestors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UnitDeltas<'a> {
    pub unit_id: i64,
    pub period: &'a str,
    pub changes: &'a [(ElementCode, Disaggregation, Delta)],
}

/// Applies cell changes of one unit to all its ancestors (itself included).
pub(crate) async fn apply_deltas(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    sums: Sums,
    unit_id: i64,
    period: &str,
    changes: &[(ElementCode, Disaggregation, Delta)],
) -> Result<(), StoreError> {
    let one = UnitDeltas {
        unit_id,
        period,
        changes,
    };
    apply_unit_deltas(tx, backend, sums, &[one]).await
}

/// Each unit's ancestors (itself included) as `unit_ancestors` holds them, for the rows
/// `condition` keeps: an SQL condition on `unit_id` and `ancestor_id` with literal ids (see
/// [`crate::sql::id_list`]), or `TRUE` for every unit.
pub(crate) async fn ancestors_where<'c, E>(conn: E, condition: &str) -> Result<HashMap<i64, Vec<i64>>, StoreError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let mut ancestors: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT unit_id, ancestor_id FROM unit_ancestors WHERE {condition}"
    )))
    .fetch_all(conn)
    .await?
    {
        ancestors
            .entry(r.try_get("unit_id")?)
            .or_default()
            .push(r.try_get("ancestor_id")?);
    }
    Ok(ancestors)
}

/// Applies the cell changes of several units, each to itself and all its ancestors, with
/// every ancestor cell written once: a batch of saves adds to the cells they share (their
/// province's, the country's) in one row update, not one per save.
///
/// Cells are written in one global order, (ancestor, period, element, breakdown), so that
/// concurrent writers lock rows alike and cannot deadlock on them.
pub(crate) async fn apply_unit_deltas(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    sums: Sums,
    units: &[UnitDeltas<'_>],
) -> Result<(), StoreError> {
    let units: Vec<&UnitDeltas> = units.iter().filter(|u| !u.changes.is_empty()).collect();
    if units.is_empty() {
        return Ok(());
    }
    let ids = crate::sql::id_list(units.iter().map(|u| u.unit_id));
    let ancestors = ancestors_where(&mut **tx, &format!("unit_id IN ({ids})")).await?;
    let mut cells: BTreeMap<(i64, &str, &str, Disaggregation), Delta> = BTreeMap::new();
    for u in &units {
        for a in ancestors.get(&u.unit_id).into_iter().flatten() {
            for (element, d, delta) in u.changes {
                let cell = cells.entry((*a, u.period, element.as_str(), *d)).or_insert(Delta {
                    sum: Decimal::ZERO,
                    reporting: 0,
                });
                cell.sum += delta.sum;
                cell.reporting += delta.reporting;
            }
        }
    }
    cells.retain(|_, delta| !delta.sum.is_zero() || delta.reporting != 0);
    match backend {
        Backend::Postgres => {
            // Atomic upserts that add to what is there: each row is added to under its own
            // lock, so concurrent writers neither lose updates nor need to read first.
            let table = sums.table();
            let cells: Vec<_> = cells.iter().collect();
            for chunk in cells.chunks(1000) {
                let sql = format!(
                    "INSERT INTO {table} (unit_id, period, element_code, disaggregation, value, reporting) VALUES {}
                     ON CONFLICT (unit_id, period, element_code, disaggregation) DO UPDATE SET
                        value = CAST(CAST({table}.value AS NUMERIC) + CAST(excluded.value AS NUMERIC) AS TEXT),
                        reporting = {table}.reporting + excluded.reporting",
                    crate::sql::placeholders(backend, chunk.len(), 6)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for ((unit, period, element, d), delta) in chunk {
                    q = q
                        .bind(*unit)
                        .bind(*period)
                        .bind(*element)
                        .bind(d.as_str())
                        .bind(delta.sum.normalize().to_string())
                        .bind(delta.reporting);
                }
                q.execute(&mut **tx).await?;
            }
        }
        Backend::Sqlite => {
            // SQLite has no exact decimal arithmetic: read, add in Rust, write back. The
            // write transaction is IMMEDIATE, so no other writer runs in between.
            let ancestor_ids = crate::sql::id_list(cells.keys().map(|(a, ..)| *a));
            let periods = text_list(cells.keys().map(|(_, p, ..)| *p));
            let elements = text_list(cells.keys().map(|(_, _, e, _)| *e));
            let sql = format!(
                "SELECT unit_id, period, element_code, disaggregation, value, reporting FROM {}
                 WHERE unit_id IN ({ancestor_ids}) AND period IN ({periods}) AND element_code IN ({elements})",
                sums.table(),
            );
            let mut current: HashMap<(i64, String, String, String), AggregateCell> = HashMap::new();
            for r in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut **tx).await? {
                current.insert(
                    (
                        r.try_get("unit_id")?,
                        r.try_get("period")?,
                        r.try_get("element_code")?,
                        r.try_get("disaggregation")?,
                    ),
                    AggregateCell {
                        sum: text_to_decimal(&r.try_get::<String, _>("value")?)?,
                        reporting: r.try_get("reporting")?,
                    },
                );
            }
            let rows: Vec<_> = cells
                .iter()
                .map(|((a, period, element, d), delta)| {
                    let key = (*a, period.to_string(), element.to_string(), d.as_str().to_string());
                    let cell = current.get(&key).copied().unwrap_or_default();
                    (
                        *a,
                        *period,
                        *element,
                        d.as_str(),
                        cell.sum + delta.sum,
                        cell.reporting + delta.reporting,
                    )
                })
                .collect();
            upsert_cells(tx, backend, sums, &rows).await?;
        }
    }
    // A cell empties only when values leave it; saves that only add or change values (most
    // of them) skip the sweep.
    let emptied: BTreeSet<(i64, &str)> = cells
        .iter()
        .filter(|(_, delta)| delta.reporting < 0)
        .map(|((a, period, ..), _)| (*a, *period))
        .collect();
    for (unit, period) in emptied {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {} WHERE unit_id = $1 AND period = $2 AND reporting <= 0",
            sums.table()
        )))
        .bind(unit)
        .bind(period)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Texts as an SQL list of quoted literals (`'a','b'`), each quote doubled.
fn text_list<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    texts
        .collect::<BTreeSet<_>>()
        .iter()
        .map(|t| format!("'{}'", t.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(",")
}

/// Every unit's entered numbers for one element and period, by breakdown: what the sums are
/// made of (read through the `(period, element_code)` index; the rebuild and `verify` share it).
pub(crate) async fn entered_numbers(
    conn: &mut sqlx::AnyConnection,
    period: &str,
    element: &str,
) -> Result<HashMap<i64, BTreeMap<Disaggregation, Decimal>>, StoreError> {
    let rows = sqlx::query(
        "SELECT unit_id, disaggregation, number_value FROM data_values
         WHERE period = $1 AND element_code = $2 AND number_value IS NOT NULL",
    )
    .bind(period)
    .bind(element)
    .fetch_all(&mut *conn)
    .await?;
    let mut entered: HashMap<i64, BTreeMap<Disaggregation, Decimal>> = HashMap::new();
    for r in &rows {
        let d: String = r.try_get("disaggregation")?;
        let d: Disaggregation = d
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("disaggregation `{d}`")))?;
        entered
            .entry(r.try_get("unit_id")?)
            .or_default()
            .insert(d, text_to_decimal(&r.try_get::<String, _>("number_value")?)?);
    }
    Ok(entered)
}

/// Writes cells (replacing what is there) in multi-row statements.
async fn upsert_cells(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    sums: Sums,
    rows: &[(i64, &str, &str, &str, Decimal, i64)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO {} (unit_id, period, element_code, disaggregation, value, reporting) VALUES {}
             ON CONFLICT (unit_id, period, element_code, disaggregation) DO UPDATE SET
                value = excluded.value, reporting = excluded.reporting",
            sums.table(),
            crate::sql::placeholders(backend, chunk.len(), 6)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (unit, period, element, d, sum, reporting) in chunk {
            q = q
                .bind(*unit)
                .bind(*period)
                .bind(*element)
                .bind(*d)
                .bind(sum.normalize().to_string())
                .bind(*reporting);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Inserts cells that do not exist yet (after the rebuild emptied the table), 1,000 rows
/// a statement.
async fn insert_new_cells(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    period: &str,
    rows: &[(i64, &str, &str, Decimal, i64)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(1000) {
        let mut sql = String::from(
            "INSERT INTO aggregates (unit_id, period, element_code, disaggregation, value, reporting) VALUES ",
        );
        sql.push_str(&crate::sql::placeholders(backend, chunk.len(), 6));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (unit, element, d, sum, reporting) in chunk {
            q = q
                .bind(*unit)
                .bind(period.to_string())
                .bind(element.to_string())
                .bind(d.to_string())
                .bind(sum.normalize().to_string())
                .bind(*reporting);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// The live cells of a unit's subtree for a period, by element and disaggregation.
    pub async fn aggregate_cells(
        &self,
        unit_id: i64,
        period: &str,
    ) -> Result<HashMap<(String, Disaggregation), AggregateCell>, StoreError> {
        self.sum_cells(Sums::All, unit_id, period).await
    }

    /// The cells of all data or of approved data only.
    pub async fn sum_cells(
        &self,
        sums: Sums,
        unit_id: i64,
        period: &str,
    ) -> Result<HashMap<(String, Disaggregation), AggregateCell>, StoreError> {
        let sql = format!(
            "SELECT element_code, disaggregation, value, reporting FROM {} WHERE unit_id = $1 AND period = $2",
            sums.table()
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_id)
            .bind(period)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let d: String = r.try_get("disaggregation")?;
                Ok((
                    (
                        r.try_get("element_code")?,
                        d.parse()
                            .map_err(|_| StoreError::Corrupt(format!("disaggregation `{d}`")))?,
                    ),
                    AggregateCell {
                        sum: text_to_decimal(&r.try_get::<String, _>("value")?)?,
                        reporting: r.try_get("reporting")?,
                    },
                ))
            })
            .collect()
    }

    /// Recomputes every aggregate from the stored values, one period at a time. Used after
    /// bulk loads and by `init` on a database whose aggregates are missing; the live path
    /// keeps them current otherwise.
    ///
    /// Memory stays bounded at national scale: values are read one period × element at a
    /// time (through the `(period, element_code)` index), and only one period's cells are
    /// held, then written in unit order with large multi-row inserts. The whole rebuild is
    /// one transaction, so readers see the old aggregates or the new ones, never a mix.
    pub async fn rebuild_aggregates(&self) -> Result<usize, StoreError> {
        let elements: Vec<DataElement> = self.data_elements().await?.into_iter().filter(rolls_up).collect();
        let ancestors = ancestors_where(&self.pool, "TRUE").await?;
        let periods: Vec<String> =
            sqlx::query("SELECT DISTINCT period FROM data_values WHERE number_value IS NOT NULL ORDER BY period")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get("period"))
                .collect::<Result<_, _>>()?;
        let mut tx = self.begin_write().await?;
        let previous_cache = crate::sql::bigger_sqlite_cache(self.backend, &mut tx).await?;
        sqlx::query("DELETE FROM aggregates").execute(&mut *tx).await?;
        let mut written = 0;
        for period in &periods {
            // (unit, element index, disaggregation) → cell, for this period.
            let mut cells: HashMap<(i64, usize, Disaggregation), AggregateCell> = HashMap::new();
            for (index, element) in elements.iter().enumerate() {
                let entered = entered_numbers(&mut tx, period, &element.code).await?;
                for (unit, values) in &entered {
                    for (d, v) in contributions(element, values) {
                        for a in ancestors.get(unit).map(Vec::as_slice).unwrap_or(&[]) {
                            let cell = cells.entry((*a, index, d)).or_default();
                            cell.sum += v;
                            cell.reporting += 1;
                        }
                    }
                }
            }
            let mut rows: Vec<_> = cells
                .iter()
                .map(|((u, e, d), c)| (*u, elements[*e].code.as_str(), d.as_str(), c.sum, c.reporting))
                .collect();
            rows.sort_unstable_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
            insert_new_cells(&mut tx, self.backend, period, &rows).await?;
            written += rows.len();
        }
        crate::sql::restore_sqlite_cache(self.backend, &mut tx, previous_cache).await?;
        tx.commit().await?;
        Ok(written)
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (BEGIN
    /// IMMEDIATE), so that read-then-write sequences cannot interleave with another writer.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        })
    }

    /// Fills derived tables that are empty while their sources are not (a database loaded
    /// in bulk, or written before the table existed). Returns what was rebuilt.
    pub async fn ensure_derived(&self) -> Result<Vec<&'static str>, StoreError> {
        let count = |sql: &'static str| async move {
            sqlx::query(sql)
                .fetch_one(&self.pool)
                .await
                .and_then(|r| r.try_get::<i64, _>("n"))
        };
        let mut rebuilt = Vec::new();
        if count("SELECT COUNT(*) AS n FROM unit_ancestors").await? == 0
            && count("SELECT COUNT(*) AS n FROM units").await? > 0
        {
            self.rebuild_unit_ancestors().await?;
            rebuilt.push("unit_ancestors");
        }
        if count("SELECT COUNT(*) AS n FROM aggregates").await? == 0
            && count("SELECT COUNT(*) AS n FROM data_values WHERE number_value IS NOT NULL").await? > 0
        {
            self.rebuild_aggregates().await?;
            rebuilt.push("aggregates");
        }
        Ok(rebuilt)
    }

    /// Rebuilds the ancestors closure (after units or successions change).
    pub async fn rebuild_unit_ancestors(&self) -> Result<usize, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = rebuild_unit_ancestors(&mut tx).await?;
        tx.commit().await?;
        self.cache.clear();
        Ok(n)
    }
}

/// Makes saves of one unit and period take turns until their transactions end.
///
/// A save reads the values it replaces, then writes the new ones, their audit rows (old →
/// new) and the deltas of every ancestor's sums. Two saves of the same cells must not both
/// read the same "old" value: each delta and each audit row would then be computed against a
/// value that was no longer there, and the sums would drift. On PostgreSQL a transaction-
/// scoped advisory lock on (unit, period) orders them (READ COMMITTED then shows the second
/// save what the first committed); saves of other units still run side by side, and the
/// ancestor sums they share are updated with atomic upserts in one global order. On SQLite
/// every write transaction already runs alone (one writer connection, `BEGIN IMMEDIATE`).
pub(crate) async fn lock_unit_period(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    unit: &UnitSummary,
    period: &Period,
) -> Result<(), StoreError> {
    lock_unit_periods(tx, backend, &[(unit.id, period.to_string())]).await
}

/// [`lock_unit_period`] of several units and periods in one statement, in the order given
/// (callers sort them, so that two transactions never wait for each other in a circle).
pub(crate) async fn lock_unit_periods(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    pairs: &[(i64, String)],
) -> Result<(), StoreError> {
    if backend != Backend::Postgres || pairs.is_empty() {
        return Ok(());
    }
    // PostgreSQL evaluates a select list from left to right.
    let locks = (0..pairs.len())
        .map(|i| {
            format!(
                "pg_advisory_xact_lock(CAST(${} AS INTEGER), hashtext(${}))",
                2 * i + 1,
                2 * i + 2
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {locks}")));
    for (unit_id, period) in pairs {
        q = q.bind(*unit_id).bind(period.as_str());
    }
    q.execute(&mut *tx).await?;
    Ok(())
}
