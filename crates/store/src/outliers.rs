//! The siblings' values for the outlier test, kept in memory so that a save's validation does
//! not read every sibling unit again.
//!
//! The outlier test against siblings ([`binhdang_domain::rules`]) compares each of a unit's
//! values with the same element and disaggregation of the other units under the same parent
//! for the same period, by median and MAD. The reference set leaves the unit itself out, so
//! it differs from unit to unit and no single median per parent can be stored; what is kept
//! instead is, per parent unit × period, every child's value of every element ×
//! disaggregation, sorted ([`Children`]). A validation takes the list and drops the unit's own
//! entry; the domain's [`outlier_test`](binhdang_domain::rules::outlier_test) then runs on the
//! very values, in the very order, that reading every sibling would give it, so the findings
//! are the same to the digit.
//!
//! # Why a cache checked against a version in the database
//!
//! A table of medians maintained in the save's transaction cannot work (see above: the
//! reference set depends on the unit), and a table of the sorted lists would rewrite a
//! hundred-odd values per changed cell on every save. The lists are therefore kept in the
//! memory of each server process ([`ChildrenCache`], in the [`Store`]'s cache), and the
//! database says when they are out of date:
//!
//! - every write of a unit's values ([`note_writes`], at the end of the one write path that
//!   officers, uploads and imports take) bumps `sibling_versions.version` of (parent,
//!   period) and records in `sibling_changes` which unit that version wrote — in the write's
//!   own transaction, so the version and the values commit (or roll back) together;
//! - a bulk load bumps the versions it touches without recording units;
//! - a validation reads the version with the unit's parent (the query it made anyway). When
//!   the cached list has that version it is used as it is. When it is older, the units
//!   written since are read again (one query by key) and replaced in a copy of the list;
//!   when `sibling_changes` does not reach back that far (a bulk load, or more than
//!   [`CHANGES_KEPT`] writes since), everything is read again with one query.
//!
//! So several server processes on one PostgreSQL database stay exact: a process sees the
//! other processes' writes through the version, and pays for each by reading the units
//! written rather than every sibling. The version is read before the values, so a list can
//! only be newer than its version says, never older; a newer unit is read again anyway at
//! the next version, which records it.
//!
//! The price: a read of the units' parents, one upsert and one insert per batch of saves
//! (and, every [`PRUNE_EVERY`] versions, a small delete), and the row of (parent, period)
//! locked from the end of the write to its commit, so that saves of sibling units commit one
//! after the other even when they touch different elements (they already took turns on the
//! parent's aggregate cells of the elements they share). Every process that writes must record its writes: in a rolling
//! upgrade from a version without `sibling_versions`, restart the new processes once the old
//! ones are gone. Changes made outside the store (SQL by hand, a backup restored under a
//! running server) are not seen until the process restarts, as for the unit tree cache.
//!
//! A process holds at most [`MAX_CACHED_VALUES`] values, about 32 MiB (the least recently
//! used lists are dropped beyond that); the lists of every parent in the country take about
//! 0.23 M values for a period after the 2025 reform and 0.69 M for one before.

use crate::{Backend, Store, StoreError, text_to_decimal};
use binhdang_domain::rules::{Cells, SiblingValues};
use binhdang_domain::{Disaggregation, Period};
use rust_decimal::Decimal;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Writes remembered per parent and period in `sibling_changes`; a process whose list is
/// further behind reads it again whole.
pub(crate) const CHANGES_KEPT: i64 = 64;
/// `sibling_changes` of a parent and period is pruned when its version is a multiple of this.
const PRUNE_EVERY: i64 = 16;
/// Values one process keeps at most (each about 32 bytes with its unit id).
pub(crate) const MAX_CACHED_VALUES: usize = 1_000_000;

/// Every disaggregation of every category combination: the total, then the parts.
const DISAGGREGATIONS: [Disaggregation; SLOTS] = Disaggregation::ALL;
const SLOTS: usize = Disaggregation::ALL.len();

fn slot(d: Disaggregation) -> usize {
    DISAGGREGATIONS.iter().position(|x| *x == d).unwrap_or(0)
}

/// The values of the units under one parent for one period, as the outlier test compares
/// them: per element and disaggregation, each unit's
/// [`Cells::outlier_value`] with the unit's id, sorted by value and then by unit id — the
/// order in which the test's stable sort puts the siblings' values when they are read in
/// unit id order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Children {
    cells: HashMap<String, [Vec<(Decimal, i64)>; SLOTS]>,
    len: usize,
}

impl Children {
    pub(crate) fn new<'a>(units: impl IntoIterator<Item = (i64, &'a Cells)>) -> Children {
        let mut children = Children::default();
        for (unit, data) in units {
            children.add(unit, data);
        }
        children
    }

    /// Number of values held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Adds the values of `unit`, which has none here.
    fn add(&mut self, unit: i64, data: &Cells) {
        let mut last: Option<&str> = None;
        for (element, _, _) in data.cells() {
            // Cells come by element, then disaggregation: each element once.
            if last == Some(element) {
                continue;
            }
            last = Some(element);
            for d in DISAGGREGATIONS {
                let Some(value) = data.outlier_value(element, d) else {
                    continue;
                };
                let list = &mut self.cells.entry(element.to_string()).or_default()[slot(d)];
                let at = list.partition_point(|(v, u)| v.cmp(&value).then(u.cmp(&unit)).is_lt());
                list.insert(at, (value, unit));
                self.len += 1;
            }
        }
    }

    /// Replaces the values of `unit` by those of `data` (empty when it has none now).
    pub(crate) fn replace(&mut self, unit: i64, data: &Cells) {
        let mut removed = 0;
        self.cells.retain(|_, lists| {
            for list in lists.iter_mut() {
                let before = list.len();
                list.retain(|(_, u)| *u != unit);
                removed += before - list.len();
            }
            lists.iter().any(|l| !l.is_empty())
        });
        self.len -= removed;
        self.add(unit, data);
    }

    /// The siblings of `unit`: every unit here but `unit` itself.
    pub(crate) fn siblings_of(&self, unit: i64) -> Siblings<'_> {
        Siblings { children: self, unit }
    }
}

/// The units under a parent but one, as the outlier test reads them.
pub(crate) struct Siblings<'a> {
    children: &'a Children,
    unit: i64,
}

impl SiblingValues for Siblings<'_> {
    fn sibling_values(&self, element: &str, d: Disaggregation) -> Vec<Decimal> {
        self.children
            .cells
            .get(element)
            .map(|lists| {
                lists[slot(d)]
                    .iter()
                    .filter(|(_, u)| *u != self.unit)
                    .map(|(v, _)| *v)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Per parent unit and period, the latest [`Children`] this process has read and the
/// version (`sibling_versions`) they are current for. See the module documentation.
#[derive(Debug)]
pub(crate) struct ChildrenCache {
    inner: Mutex<Lists>,
    /// Values kept at most, over all lists.
    max_values: usize,
    /// Lists found current, brought up to date by reading the units written since, and read
    /// whole: how well the cache serves.
    served: [AtomicU64; 3],
}

impl Default for ChildrenCache {
    fn default() -> Self {
        ChildrenCache::holding(MAX_CACHED_VALUES)
    }
}

#[derive(Debug, Default)]
struct Lists {
    by_key: HashMap<(i64, Period), Cached>,
    /// Values held, over all lists.
    values: usize,
    /// Counts uses, to find the least recently used list.
    tick: u64,
}

#[derive(Debug)]
struct Cached {
    version: i64,
    children: Arc<Children>,
    used: u64,
}

impl ChildrenCache {
    fn holding(max_values: usize) -> ChildrenCache {
        ChildrenCache {
            inner: Mutex::default(),
            max_values,
            served: Default::default(),
        }
    }

    fn get(&self, parent: i64, period: Period) -> Option<(i64, Arc<Children>)> {
        let mut lists = self.inner.lock().ok()?;
        lists.tick += 1;
        let tick = lists.tick;
        let cached = lists.by_key.get_mut(&(parent, period))?;
        cached.used = tick;
        Some((cached.version, cached.children.clone()))
    }

    /// Keeps `children` as the list of `version`, unless a newer one is kept already; drops
    /// the least recently used lists beyond the cache's capacity.
    fn put(&self, parent: i64, period: Period, version: i64, children: Arc<Children>) {
        let Ok(mut lists) = self.inner.lock() else { return };
        lists.tick += 1;
        let tick = lists.tick;
        let size = children.len();
        let old = lists
            .by_key
            .get(&(parent, period))
            .map(|c| (c.version, c.children.len()));
        match old {
            Some((kept, _)) if kept > version => return,
            Some((_, old_size)) => lists.values -= old_size,
            None => {}
        }
        lists.by_key.insert(
            (parent, period),
            Cached {
                version,
                children,
                used: tick,
            },
        );
        lists.values += size;
        while lists.values > self.max_values && lists.by_key.len() > 1 {
            let Some(oldest) = lists.by_key.iter().min_by_key(|(_, c)| c.used).map(|(k, _)| *k) else {
                break;
            };
            if let Some(dropped) = lists.by_key.remove(&oldest) {
                lists.values -= dropped.children.len();
            }
        }
    }

    fn count(&self, how: Served) {
        self.served[how as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// How many lists were found current, brought up to date, and read whole so far.
    #[cfg(test)]
    pub(crate) fn served(&self) -> [u64; 3] {
        self.served.each_ref().map(|n| n.load(Ordering::Relaxed))
    }

    /// Forgets every list.
    pub(crate) fn clear(&self) {
        if let Ok(mut lists) = self.inner.lock() {
            lists.by_key.clear();
            lists.values = 0;
        }
    }

    #[cfg(test)]
    fn size(&self) -> (usize, usize) {
        let lists = self.inner.lock().expect("cache lock");
        (lists.by_key.len(), lists.values)
    }
}

#[derive(Clone, Copy)]
enum Served {
    Current,
    CaughtUp,
    ReadWhole,
}

impl Store {
    /// The values of the units under `parent` for `period` as of `version` (read from
    /// `sibling_versions` before this call; 0 when there is no row): from the cache when
    /// current, else brought up to date (see the module documentation).
    pub(crate) async fn children(
        &self,
        parent: i64,
        period: &Period,
        version: i64,
    ) -> Result<Arc<Children>, StoreError> {
        let cache = &self.cache.children;
        let cached = cache.get(parent, *period);
        let children = match cached {
            // A list newer than asked for is what reading the siblings a moment later would
            // give, as reading them without a cache might.
            Some((kept, children)) if kept >= version => {
                cache.count(Served::Current);
                return Ok(children);
            }
            Some((kept, children)) if kept < version => {
                match self.written_since(parent, period, kept, version).await? {
                    Some(units) => {
                        let mut data = self.values_of_units(&units, period).await?;
                        let mut children = Arc::unwrap_or_clone(children);
                        for unit in units {
                            children.replace(unit, &data.remove(&unit).unwrap_or_default());
                        }
                        cache.count(Served::CaughtUp);
                        children
                    }
                    None => {
                        cache.count(Served::ReadWhole);
                        self.read_children(parent, period).await?
                    }
                }
            }
            _ => {
                cache.count(Served::ReadWhole);
                self.read_children(parent, period).await?
            }
        };
        let children = Arc::new(children);
        self.cache.children.put(parent, *period, version, children.clone());
        Ok(children)
    }

    /// The units written under `parent` for `period` after version `since` up to `version`,
    /// or `None` when `sibling_changes` does not hold every one of those versions.
    async fn written_since(
        &self,
        parent: i64,
        period: &Period,
        since: i64,
        version: i64,
    ) -> Result<Option<BTreeSet<i64>>, StoreError> {
        if version - since > CHANGES_KEPT {
            return Ok(None);
        }
        let rows = sqlx::query(
            "SELECT unit_id FROM sibling_changes WHERE parent_id = $1 AND period = $2 AND version > $3 AND version <= $4",
        )
        .bind(parent)
        .bind(period.to_string())
        .bind(since)
        .bind(version)
        .fetch_all(&self.pool)
        .await?;
        if rows.len() as i64 != version - since {
            return Ok(None);
        }
        Ok(Some(
            rows.iter()
                .map(|r| r.try_get("unit_id"))
                .collect::<Result<BTreeSet<i64>, _>>()?,
        ))
    }

    /// Every value of the units under `parent` for `period`, in one query.
    async fn read_children(&self, parent: i64, period: &Period) -> Result<Children, StoreError> {
        let rows = sqlx::query(
            "SELECT v.unit_id, v.element_code, v.disaggregation, v.number_value FROM data_values v
             WHERE v.unit_id IN (SELECT u.id FROM units u WHERE u.parent_id = $1)
               AND v.period = $2 AND v.number_value IS NOT NULL",
        )
        .bind(parent)
        .bind(period.to_string())
        .fetch_all(&self.pool)
        .await?;
        let data = data_sets(&rows)?;
        Ok(Children::new(data.iter().map(|(unit, data)| (*unit, data))))
    }

    /// The numeric values of `units` for `period`, by unit (units without any are absent).
    async fn values_of_units(&self, units: &BTreeSet<i64>, period: &Period) -> Result<HashMap<i64, Cells>, StoreError> {
        // Unit ids are integers: listing them in the text is safe.
        let list = units.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT v.unit_id, v.element_code, v.disaggregation, v.number_value FROM data_values v
             WHERE v.unit_id IN ({list}) AND v.period = $1 AND v.number_value IS NOT NULL"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(period.to_string())
            .fetch_all(&self.pool)
            .await?;
        data_sets(&rows)
    }
}

/// Rows of `unit_id, element_code, disaggregation, number_value` as data sets by unit (no
/// comments: the siblings' comments play no part in the test).
fn data_sets(rows: &[sqlx::any::AnyRow]) -> Result<HashMap<i64, Cells>, StoreError> {
    let mut out: HashMap<i64, Cells> = HashMap::new();
    for row in rows {
        let d: String = row.try_get("disaggregation")?;
        let d: Disaggregation = d
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("disaggregation `{d}`")))?;
        let value = text_to_decimal(&row.try_get::<String, _>("number_value")?)?;
        out.entry(row.try_get("unit_id")?).or_default().insert(
            row.try_get::<String, _>("element_code")?,
            d,
            value,
            None,
        );
    }
    Ok(out)
}

/// Records in `tx` that the values of each (unit, period) in `written` changed: bumps the
/// version of the unit's parent and period once per unit, and remembers which unit each new
/// version wrote. Called by the write path at the end of every write, with the units whose
/// write changed something (units without a parent are passed over). A few statements
/// whatever the number of units: a batch of saves holds its locks while they run.
pub(crate) async fn note_writes(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    written: &[(i64, &Period)],
) -> Result<(), StoreError> {
    if written.is_empty() {
        return Ok(());
    }
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, parent_id FROM units WHERE id IN ({}) AND parent_id IS NOT NULL",
        crate::sql::id_list(written.iter().map(|(unit, _)| *unit))
    )))
    .fetch_all(&mut *tx)
    .await?;
    let mut parent_of = HashMap::new();
    for row in &rows {
        parent_of.insert(row.try_get::<i64, _>("id")?, row.try_get::<i64, _>("parent_id")?);
    }
    // The units written under each (parent, period), each once; the keys in order, which is
    // the order the version rows are locked in.
    let mut units_by_key: BTreeMap<(i64, String), BTreeSet<i64>> = BTreeMap::new();
    for (unit, period) in written {
        if let Some(parent) = parent_of.get(unit) {
            units_by_key
                .entry((*parent, period.to_string()))
                .or_default()
                .insert(*unit);
        }
    }
    if units_by_key.is_empty() {
        return Ok(());
    }
    let mut bump = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO sibling_versions (parent_id, period, version) VALUES {}
         ON CONFLICT (parent_id, period) DO UPDATE SET version = sibling_versions.version + excluded.version
         RETURNING parent_id, period, version",
        crate::sql::placeholders(backend, units_by_key.len(), 3)
    )));
    for ((parent, period), units) in &units_by_key {
        bump = bump.bind(*parent).bind(period.as_str()).bind(units.len() as i64);
    }
    let mut changes = Vec::new();
    let mut prune = Vec::new();
    for row in bump.fetch_all(&mut *tx).await? {
        let key: (i64, String) = (row.try_get("parent_id")?, row.try_get("period")?);
        let version: i64 = row.try_get("version")?;
        let units = units_by_key
            .get(&key)
            .ok_or_else(|| StoreError::Corrupt(format!("a version bumped that was not asked for: {key:?}")))?;
        let first = version - units.len() as i64 + 1;
        for (version, unit) in (first..).zip(units) {
            changes.push((key.0, key.1.clone(), version, *unit));
        }
        if version / PRUNE_EVERY > (first - 1) / PRUNE_EVERY {
            prune.push((key, version));
        }
    }
    let mut record = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO sibling_changes (parent_id, period, version, unit_id) VALUES {}",
        crate::sql::placeholders(backend, changes.len(), 4)
    )));
    for (parent, period, version, unit) in &changes {
        record = record.bind(*parent).bind(period.as_str()).bind(*version).bind(*unit);
    }
    record.execute(&mut *tx).await?;
    for ((parent, period), version) in prune {
        sqlx::query("DELETE FROM sibling_changes WHERE parent_id = $1 AND period = $2 AND version <= $3")
            .bind(parent)
            .bind(period)
            .bind(version - CHANGES_KEPT)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Bumps the version of every (parent, period) in `keys` without recording which units
/// changed, so that every process reads those lists again: for a bulk load.
pub(crate) async fn note_bulk_write(
    tx: &mut sqlx::AnyConnection,
    keys: &BTreeSet<(i64, Period)>,
) -> Result<(), StoreError> {
    for (parent, period) in keys {
        sqlx::query(
            "INSERT INTO sibling_versions (parent_id, period, version) VALUES ($1, $2, 1)
             ON CONFLICT (parent_id, period) DO UPDATE SET version = sibling_versions.version + 1",
        )
        .bind(parent)
        .bind(period.to_string())
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::BulkValue;
    use crate::rules::{Reach, UnitToValidate, add_cell};
    use crate::testing::TestDb;
    use crate::{Actor, HISTORY_WINDOW, RawValue, UnitSummary, ValueInput};
    use binhdang_domain::rules::{Finding, RuleSet, Subject};
    use binhdang_domain::{DataElement, ElementRole, UnitLevel, ValueType};
    use std::collections::BTreeMap;
    use std::str::FromStr;

    /// The validation as it was before the cache: every sibling's values read for the
    /// period, whole data sets handed to [`RuleSet::validate`]. Kept as the reference the
    /// cached path must match.
    async fn validate_by_scan(
        store: &Store,
        targets: &[UnitToValidate],
        period: &Period,
        reach: Reach,
    ) -> Result<Vec<Finding>, StoreError> {
        let indicators = store.indicators().await?;
        let elements = store.data_elements().await?;
        let rules = RuleSet::new(&indicators, &elements, store.rules().await?);

        let mut periods = vec![*period];
        let mut p = *period;
        for _ in 0..HISTORY_WINDOW {
            p = p.previous();
            if p.validate().is_err() {
                break;
            }
            periods.push(p);
        }
        let placeholders: Vec<String> = (0..periods.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT v.unit_id, v.period, v.element_code, v.disaggregation, v.number_value, v.comment
             FROM data_values v WHERE {} AND v.number_value IS NOT NULL AND v.period IN ({})",
            reach.condition("v.unit_id"),
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(reach.id());
        for p in &periods {
            query = query.bind(p.to_string());
        }
        let mut own: HashMap<i64, BTreeMap<Period, Cells>> = HashMap::new();
        for row in query.fetch_all(&store.pool).await? {
            let period_text: String = row.try_get("period")?;
            let p: Period = period_text
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("period `{period_text}`")))?;
            add_cell(
                own.entry(row.try_get("unit_id")?).or_default().entry(p).or_default(),
                &row,
            )?;
        }

        let sql = format!(
            "SELECT u.id, u.parent_id FROM units u
             WHERE u.parent_id IN (SELECT p.parent_id FROM units p WHERE {})",
            reach.condition("p.id")
        );
        let mut parent_of: HashMap<i64, i64> = HashMap::new();
        for row in sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(reach.id())
            .fetch_all(&store.pool)
            .await?
        {
            parent_of.insert(row.try_get("id")?, row.try_get("parent_id")?);
        }
        let mut by_parent: HashMap<i64, BTreeMap<i64, Cells>> = HashMap::new();
        let ids: Vec<i64> = parent_of.keys().copied().collect();
        for chunk in ids.chunks(500) {
            let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let sql = format!(
                "SELECT v.unit_id, v.element_code, v.disaggregation, v.number_value, v.comment
                 FROM data_values v WHERE v.unit_id IN ({list}) AND v.period = $1 AND v.number_value IS NOT NULL"
            );
            for row in sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(period.to_string())
                .fetch_all(&store.pool)
                .await?
            {
                let unit: i64 = row.try_get("unit_id")?;
                let parent = parent_of[&unit];
                add_cell(by_parent.entry(parent).or_default().entry(unit).or_default(), &row)?;
            }
        }

        let empty = Cells::new();
        let mut findings = Vec::new();
        for target in targets {
            let mine = own.get(&target.id);
            let get = |p: &Period| mine.and_then(|m| m.get(p)).unwrap_or(&empty);
            let history: Vec<Cells> = periods[1..]
                .iter()
                .filter_map(|p| mine.and_then(|m| m.get(p)).cloned())
                .collect();
            let siblings: Vec<Cells> = target
                .parent_id
                .and_then(|p| by_parent.get(&p))
                .map(|units| {
                    units
                        .iter()
                        .filter(|(id, _)| **id != target.id)
                        .map(|(_, data)| data.clone())
                        .collect()
                })
                .unwrap_or_default();
            findings.extend(rules.validate(&Subject {
                unit: &target.code,
                period: *period,
                current: get(period),
                previous: get(&period.previous()),
                history: &history,
                siblings: &siblings,
            }));
        }
        Ok(findings)
    }

    /// [`validate_by_scan`] of one unit, as `Store::validate` was.
    async fn reference(store: &Store, unit: &UnitSummary, period: &Period) -> Vec<Finding> {
        let parent_id: Option<i64> = sqlx::query("SELECT parent_id FROM units WHERE id = $1")
            .bind(unit.id)
            .fetch_one(&store.pool)
            .await
            .unwrap()
            .try_get("parent_id")
            .unwrap();
        let target = UnitToValidate {
            id: unit.id,
            code: unit.code.clone(),
            parent_id,
        };
        validate_by_scan(store, &[target], period, Reach::Unit(unit.id))
            .await
            .unwrap()
    }

    /// [`validate_by_scan`] of a subtree, as `Store::validate_subtree` was.
    async fn reference_subtree(store: &Store, unit: &UnitSummary, period: &Period) -> Vec<Finding> {
        let targets = store.subtree_targets(unit, period).await.unwrap();
        validate_by_scan(store, &targets, period, Reach::Subtree(unit.id))
            .await
            .unwrap()
    }

    /// A small deterministic generator (SplitMix64): the same cases on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    /// A value for `element`: mostly near 100 (many of them equal), some zeros, some far out,
    /// halves where the element takes fractions (so that parts can add up to `4.0` beside
    /// an entered `4`); 0 or 1 for a yes/no answer.
    fn number(rng: &mut Rng, element: &DataElement) -> String {
        if element.value_type == ValueType::YesNo {
            return rng.below(2).to_string();
        }
        let whole = match rng.below(20) {
            0 => 0,
            1 => 1000 + rng.below(5000),
            2..=5 => 100,
            6 => 4,
            _ => 90 + rng.below(21),
        };
        if element.value_type == ValueType::Hours && rng.below(3) == 0 {
            format!("{whole}.5")
        } else {
            whole.to_string()
        }
    }

    fn inputs(rng: &mut Rng, elements: &[DataElement]) -> Vec<ValueInput> {
        let mut out: Vec<ValueInput> = Vec::new();
        for _ in 0..1 + rng.below(4) {
            let element = rng.pick(elements);
            let d = *rng.pick(element.category_combo.options());
            if out
                .iter()
                .any(|i| i.element == element.code && i.disaggregation.as_deref() == Some(d.as_str()))
            {
                continue;
            }
            out.push(ValueInput {
                element: element.code.to_string(),
                disaggregation: Some(d.as_str().to_string()),
                value: if rng.below(8) == 0 {
                    RawValue::Null
                } else {
                    RawValue::Text(number(rng, element))
                },
                comment: (rng.below(6) == 0).then(|| "đã kiểm tra".to_string()),
                source: None,
                expected: None,
            });
        }
        out
    }

    fn actor() -> Actor {
        Actor {
            name: "tester".into(),
            origin: "test".into(),
            entered_from: None,
        }
    }

    crate::on_both_backends! {
        /// Random saves through two stores on one database (two server processes), saves
        /// written together in batches, rolled-back writes, bulk loads and bursts of writes
        /// longer than `sibling_changes` keeps, each followed by validations through both
        /// stores, compared with reading every sibling.
        async fn cached_siblings_give_the_findings_of_a_full_read(backend: Backend) {
            let db = TestDb::with_provinces(backend, &["12"]).await;
            let a = &db.store;
            let b = &Store::connect(&db.url).await.unwrap().with_clock(a.clock());
            let mut rng = Rng(0x5EED_0013 + backend as u64);
            let catalogue = a.data_elements().await.unwrap();
            let numeric: Vec<DataElement> = catalogue
                .iter()
                .filter(|e| e.role != ElementRole::Rate && matches!(e.value_type, ValueType::Count | ValueType::Hours | ValueType::Money))
                .cloned()
                .collect();
            // Elements by sex first, then fractions, then a few more, and one the outlier test skips.
            let mut elements: Vec<DataElement> = numeric.iter().filter(|e| e.category_combo.options().len() > 1).take(3).cloned().collect();
            elements.extend(numeric.iter().filter(|e| e.value_type == ValueType::Hours).take(2).cloned());
            elements.extend(numeric.iter().filter(|e| e.category_combo.options().len() == 1).take(3).cloned());
            elements.extend(catalogue.iter().filter(|e| e.value_type == ValueType::YesNo).take(1).cloned());
            assert!(elements.len() >= 6, "the catalogue offers elements of every kind: {elements:?}");

            // Communes of 2024 (under their districts) and of 2026 (under the new province),
            // with a few years of history for 2024.
            let mut cases: Vec<(Period, Vec<UnitSummary>, UnitSummary)> = Vec::new();
            for (period, day) in [("2024", time::macros::date!(2024 - 12 - 31)), ("2026", time::macros::date!(2026 - 12 - 31))] {
                let period = Period::from_str(period).unwrap();
                let communes = a.units_valid_on(day, Some(UnitLevel::Commune), None).await.unwrap();
                let province = a.units_valid_on(day, Some(UnitLevel::Province), None).await.unwrap().remove(0);
                assert!(communes.len() >= 20, "{} communes in {period}", communes.len());
                cases.push((period, communes, province));
            }
            for commune in cases[0].1.iter().take(12) {
                for year in ["2020", "2021", "2022", "2023"] {
                    let period = Period::from_str(year).unwrap();
                    a.write_values(commune, &period, &inputs(&mut rng, &elements), &actor()).await.unwrap();
                }
            }

            let loader = a.bulk_loader("bulk").await.unwrap();
            let (mut compared, mut sibling_findings) = (0, 0);
            for step in 0..240 {
                let (period, communes, province) = rng.pick(&cases).clone();
                let unit = rng.pick(&communes).clone();
                let writer = if rng.below(2) == 0 { a } else { b };
                match rng.below(20) {
                    // A write that is rolled back: its version never shows.
                    0 => {
                        let _ = writer.check_batch(&unit, &period, &inputs(&mut rng, &elements), &[], &actor()).await;
                    }
                    // A bulk load of a few values.
                    1 => {
                        let values: Vec<BulkValue> = (0..5)
                            .map(|_| {
                                let unit = rng.pick(&communes);
                                let element = rng.pick(&elements);
                                BulkValue {
                                    unit_id: unit.id,
                                    period,
                                    element: element.code.clone(),
                                    disaggregation: *rng.pick(element.category_combo.options()),
                                    value: Decimal::from_str(&number(&mut rng, element)).unwrap(),
                                }
                            })
                            .collect();
                        loader.insert(&values).await.unwrap();
                    }
                    // Saves of several communes at once through one store: they are written
                    // in shared batches, which bump a parent's version once per commune.
                    3 => {
                        let saves: Vec<_> = (0..6)
                            .map(|_| {
                                let (store, unit) = (writer.clone(), rng.pick(&communes).clone());
                                let inputs = inputs(&mut rng, &elements);
                                tokio::spawn(async move { store.write_values(&unit, &period, &inputs, &actor()).await })
                            })
                            .collect();
                        for save in saves {
                            save.await.unwrap().unwrap();
                        }
                    }
                    // More writes by the other store than `sibling_changes` keeps.
                    2 if step % 60 == 2 => {
                        for _ in 0..CHANGES_KEPT + 3 {
                            let unit = rng.pick(&communes);
                            b.write_values(unit, &period, &inputs(&mut rng, &elements), &actor()).await.unwrap();
                        }
                    }
                    _ => {
                        writer.write_values(&unit, &period, &inputs(&mut rng, &elements), &actor()).await.unwrap();
                    }
                }
                for _ in 0..2 {
                    let unit = rng.pick(&communes);
                    let expected = reference(a, unit, &period).await;
                    for (name, store) in [("a", a), ("b", b)] {
                        let found = store.validate(unit, &period).await.unwrap();
                        assert_eq!(found, expected, "step {step}: {} {period} through store {name}", unit.code);
                    }
                    compared += 1;
                    sibling_findings += expected.iter().filter(|f| f.rule == "outlier.siblings").count();
                }
                if step % 40 == 39 {
                    let expected = reference_subtree(a, &province, &period).await;
                    assert_eq!(a.validate_subtree(&province, &period).await.unwrap(), expected, "step {step}: subtree of {period}");
                    sibling_findings += expected.iter().filter(|f| f.rule == "outlier.siblings").count();
                }
            }
            assert!(compared >= 480);
            assert!(sibling_findings >= 20, "the cases exercise the sibling test: {sibling_findings} findings");
            let (lists, values) = a.cache.children.size();
            assert!(lists >= 2 && values > 0, "{lists} lists, {values} values");
            // Every way of serving a list was taken, by both stores.
            for store in [a, b] {
                let [current, caught_up, read_whole] = store.cache.children.served();
                println!("lists current {current}, caught up {caught_up}, read whole {read_whole}; {sibling_findings} sibling findings");
                assert!(current >= 20 && caught_up >= 100 && read_whole >= 5, "{current} {caught_up} {read_whole}");
            }
        }
    }

    fn data(rng: &mut Rng) -> Cells {
        let mut data = Cells::new();
        for element in ["a", "b", "c"] {
            for d in DISAGGREGATIONS {
                if rng.below(3) > 0 {
                    let value = Decimal::new(rng.below(12) as i64, (rng.below(2)) as u32);
                    data.insert(element, d, value, None);
                }
            }
        }
        data
    }

    #[test]
    fn replacing_a_units_values_gives_the_lists_built_afresh() {
        let mut rng = Rng(7);
        let mut units: BTreeMap<i64, Cells> = (1..=9).map(|u| (u, data(&mut rng))).collect();
        let mut children = Children::new(units.iter().map(|(u, d)| (*u, d)));
        for _ in 0..300 {
            let unit = 1 + rng.below(10) as i64;
            let new = if rng.below(5) == 0 {
                Cells::new()
            } else {
                data(&mut rng)
            };
            children.replace(unit, &new);
            units.insert(unit, new);
            let fresh = Children::new(units.iter().map(|(u, d)| (*u, d)));
            assert_eq!(children.len(), fresh.len());
            for (element, lists) in &fresh.cells {
                for (i, list) in lists.iter().enumerate() {
                    let kept = children.cells.get(element).map(|l| &l[i]);
                    assert_eq!(kept.map(|l| l.as_slice()).unwrap_or(&[]), list.as_slice());
                }
            }
            assert!(children.cells.keys().all(|e| fresh.cells.contains_key(e)));
            // The siblings of a unit are the data sets of the others, in unit order.
            let others: Vec<Cells> = units
                .iter()
                .filter(|(u, _)| **u != unit)
                .map(|(_, d)| d.clone())
                .collect();
            for element in ["a", "b", "c", "d"] {
                for d in DISAGGREGATIONS {
                    let mut expected = others.sibling_values(element, d);
                    expected.sort();
                    let got = children.siblings_of(unit).sibling_values(element, d);
                    // Equal values keep unit order, scale and all.
                    assert_eq!(
                        got.iter().map(Decimal::to_string).collect::<Vec<_>>(),
                        expected.iter().map(Decimal::to_string).collect::<Vec<_>>()
                    );
                }
            }
        }
    }

    #[test]
    fn the_cache_keeps_the_newest_list_and_drops_the_least_recently_used() {
        let cache = ChildrenCache::holding(10);
        let period = Period::from_str("2026").unwrap();
        let list = |n: i64| {
            let sets: Vec<Cells> = (0..n)
                .map(|i| Cells::new().with("a", Disaggregation::Total, Decimal::from(i)))
                .collect();
            Arc::new(Children::new(sets.iter().enumerate().map(|(i, d)| (i as i64, d))))
        };
        cache.put(1, period, 5, list(4));
        cache.put(1, period, 3, list(1));
        assert_eq!(
            cache.get(1, period).map(|(v, c)| (v, c.len())),
            Some((5, 4)),
            "an older list does not replace a newer one"
        );
        cache.put(2, period, 1, list(4));
        assert!(cache.get(1, period).is_some());
        cache.put(3, period, 1, list(4));
        assert_eq!(
            cache.size(),
            (2, 8),
            "over 10 values, the least recently used list (2) goes"
        );
        assert!(cache.get(2, period).is_none());
        cache.put(4, period, 1, list(20));
        assert_eq!(cache.size(), (1, 20), "a list larger than the cache is kept alone");
        cache.clear();
        assert_eq!(cache.size(), (0, 0));
    }
}
