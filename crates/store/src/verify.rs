//! Verification of what the store derives and records (`binhdang verify`): the live sums
//! recomputed from the stored values, and the audit trail replayed against them. Nothing is
//! written; repairs are separate calls ([`Store::rebuild_aggregates`],
//! [`Store::rebuild_approved_aggregates`]).
//!
//! **Sums.** Every cell of `aggregates` is recomputed from `data_values` the way
//! [`Store::rebuild_aggregates`] computes it (the same [`contributions`], [`rolls_up`] and
//! `unit_ancestors` closure), one period at a time so that only one period's cells are held,
//! and compared with the stored cell: a cell may be missing, extra, or differ in its sum
//! (compared as decimals, so `5.50` equals `5.5`) or in its count of reporting units. The
//! stored cells of a period are read through the primary key, a few hundred units at a time.
//!
//! **Approved sums.** `approved_aggregates` is derivable too. It is kept by
//! [`Store::transition`]: approving a report adds the unit's own contributions at that
//! moment to every ancestor, reopening it subtracts them; and while a report is submitted or
//! approved its data cannot change ([`Store::check_entry_open`]). So the approved cells
//! are the contributions of the current values of every unit whose report is approved, once
//! per approved submission (a unit approved under two programmes for the same period counts
//! twice, as the transitions add it twice). Two paths can make the stored cells drift from
//! that, and both are worth seeing: a bulk load (which skips the entry lock) into an approved
//! report, and a period covered by two programmes (the entry lock looks at the first one
//! only). [`Store::rebuild_approved_aggregates`] then recomputes them from the current values.
//!
//! **Audit trail.** For each value key (unit, period, element, breakdown), the rows of
//! `data_value_audit` in insertion order (their id) must form a chain: each row's
//! `old_value` is the previous row's `new_value`, and the last row's `new_value` is the value
//! stored now (number or text; none when it was deleted). A break is a change that bypassed
//! the audited write path. What happened *before* a key's first audit row cannot be checked:
//! the bulk loader ([`crate::bulk`], used by `binhdang bench`) writes values without audit
//! rows by design, so a stored value without any audit row, or a chain whose first row
//! starts from a value (`old_value` not null), is what a bulk load leaves. Those are counted
//! and listed as *unaudited*, not as breaks: a bulk-loaded database verifies clean, and on a
//! database written only through the application (the demo included) the count is 0.
//! Comments are not checked (only values are).
//!
//! **A live database.** Everything is read in one read-only transaction, so the checks see
//! one consistent state: `REPEATABLE READ, READ ONLY` on PostgreSQL, and on SQLite (WAL mode,
//! as [`Store::connect`] sets it) a read transaction, which keeps its snapshot until it ends.
//! Neither takes a lock that a writer waits for; writes go on meanwhile and are simply not
//! seen. The catalogue (which elements roll up) is read just before the snapshot.

use crate::rollup::Sums;
use crate::{Backend, Store, StoreError, text_to_decimal};
use binhdang_domain::ElementCode;
use binhdang_domain::rollup::{AggregateCell, contributions, rolls_up};
use binhdang_domain::{DataElement, Disaggregation};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Units whose stored cells are read in one query (an `IN` list on the primary key).
const CELL_UNITS_PER_QUERY: usize = 500;
/// Units whose values and audit rows are read at once (a commune has up to ~1,400 values
/// over 2021–2030, each with one or more audit rows).
const AUDIT_UNITS_PER_QUERY: usize = 25;

/// What is wrong with one aggregate cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellProblem {
    /// The values call for the cell; the table does not have it.
    Missing,
    /// The table has a cell that no value contributes to.
    Extra,
    /// The sum differs (or the stored sum is not a decimal).
    Sum,
    /// The number of reporting units differs.
    Reporting,
    SumAndReporting,
}

impl CellProblem {
    pub fn as_str(&self) -> &'static str {
        match self {
            CellProblem::Missing => "missing",
            CellProblem::Extra => "extra",
            CellProblem::Sum => "sum",
            CellProblem::Reporting => "reporting",
            CellProblem::SumAndReporting => "sum and reporting",
        }
    }
}

/// One aggregate cell that disagrees with the stored values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellMismatch {
    /// `aggregates` or `approved_aggregates`.
    pub table: &'static str,
    pub unit_id: i64,
    /// The unit's code (`#id` for a cell whose unit does not exist). The referee reads codes
    /// as stored text, so that a damaged row is reported rather than stopping the check.
    pub unit: String,
    pub period: String,
    pub element: String,
    pub disaggregation: String,
    pub problem: CellProblem,
    /// The sum recomputed from the values (canonical decimal text), and its reporting units.
    pub expected_value: Option<String>,
    pub expected_reporting: Option<i64>,
    /// The stored cell, its value as stored.
    pub found_value: Option<String>,
    pub found_reporting: Option<i64>,
}

/// How an audit chain breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditProblem {
    /// An audit row's `old_value` is not the previous row's `new_value`: the value changed
    /// in between without an audit row.
    Chain,
    /// The stored value is not the last audit row's `new_value`: it changed since without
    /// an audit row (or was deleted, or reappeared).
    Current,
}

impl AuditProblem {
    pub fn as_str(&self) -> &'static str {
        match self {
            AuditProblem::Chain => "chain",
            AuditProblem::Current => "current",
        }
    }
}

/// One break in the audit trail of a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditBreak {
    pub unit_id: i64,
    pub unit: String,
    pub period: String,
    pub element: String,
    pub disaggregation: String,
    pub problem: AuditProblem,
    /// The audit row where the chain breaks (for `current`: the last row).
    pub audit_id: i64,
    /// What the trail says the value was (none: absent), and what was found instead (the
    /// row's `old_value` for `chain`, the stored value for `current`).
    pub expected: Option<String>,
    pub found: Option<String>,
}

/// A value that reached the store without an audit row (what a bulk load leaves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnauditedValue {
    pub unit_id: i64,
    pub unit: String,
    pub period: String,
    pub element: String,
    pub disaggregation: String,
    /// The unaudited value: the stored one, or the first audit row's `old_value`.
    pub value: Option<String>,
    /// The first audit row when later changes were audited; none when no row exists.
    pub first_audit_id: Option<i64>,
}

/// The check of one table of sums.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SumsCheck {
    pub table: &'static str,
    /// Periods with values or stored cells.
    pub periods: usize,
    /// Distinct cells compared: expected, stored, or both.
    pub cells_checked: u64,
    pub mismatches: u64,
    pub missing: u64,
    pub extra: u64,
    pub different: u64,
}

/// What [`Store::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// `SQLite` or `PostgreSQL`.
    pub database: &'static str,
    pub aggregates: SumsCheck,
    pub approved_aggregates: SumsCheck,
    /// Stored values (numbers and texts).
    pub values_checked: u64,
    /// Value keys with at least one audit row, and those rows.
    pub audit_chains_checked: u64,
    pub audit_rows_checked: u64,
    pub audit_breaks: u64,
    /// Values without an audit row, and chains starting from an unaudited value.
    pub unaudited: u64,
    /// The first mismatches (both tables, by table, period, unit, element, breakdown).
    pub mismatches: Vec<CellMismatch>,
    /// The first breaks (by unit, period, element, breakdown).
    pub breaks: Vec<AuditBreak>,
    /// The first unaudited values.
    pub unaudited_values: Vec<UnauditedValue>,
    /// How many of each list are kept.
    pub limit: usize,
}

impl VerifyReport {
    pub fn mismatch_count(&self) -> u64 {
        self.aggregates.mismatches + self.approved_aggregates.mismatches
    }

    pub fn cells_checked(&self) -> u64 {
        self.aggregates.cells_checked + self.approved_aggregates.cells_checked
    }

    /// No mismatch and no break (unaudited values are not faults; see the module).
    pub fn is_clean(&self) -> bool {
        self.mismatch_count() == 0 && self.audit_breaks == 0
    }
}

/// Expected cells of one period: unit → (element index, breakdown) → cell.
type Expected = BTreeMap<i64, HashMap<(usize, Disaggregation), AggregateCell>>;

/// The catalogue and the unit tree, as the sums need them.
struct Derivation {
    /// Elements that roll up, in catalogue order.
    elements: Vec<DataElement>,
    index: HashMap<ElementCode, usize>,
    ancestors: HashMap<i64, Vec<i64>>,
}

impl Derivation {
    async fn read(conn: &mut AnyConnection, elements: Vec<DataElement>) -> Result<Derivation, StoreError> {
        let elements: Vec<DataElement> = elements.into_iter().filter(rolls_up).collect();
        let index = elements.iter().enumerate().map(|(i, e)| (e.code.clone(), i)).collect();
        let ancestors = crate::rollup::ancestors_where(&mut *conn, "TRUE").await?;
        Ok(Derivation {
            elements,
            index,
            ancestors,
        })
    }

    /// Adds one unit's entered values of one element to its ancestors' cells, `weight` times.
    fn add(
        &self,
        cells: &mut Expected,
        unit: i64,
        element: usize,
        entered: &BTreeMap<Disaggregation, Decimal>,
        weight: i64,
    ) {
        for (d, v) in contributions(&self.elements[element], entered) {
            for a in self.ancestors.get(&unit).map(Vec::as_slice).unwrap_or(&[]) {
                let cell = cells.entry(*a).or_default().entry((element, d)).or_default();
                cell.sum += v * Decimal::from(weight);
                cell.reporting += weight;
            }
        }
    }

    /// The cells of `aggregates` for a period, from all values, read one element at a time
    /// as [`Store::rebuild_aggregates`] reads them.
    async fn all_cells(&self, conn: &mut AnyConnection, period: &str) -> Result<Expected, StoreError> {
        let mut cells = Expected::new();
        for (index, element) in self.elements.iter().enumerate() {
            let entered = crate::rollup::entered_numbers(conn, period, &element.code).await?;
            for (unit, values) in &entered {
                self.add(&mut cells, *unit, index, values, 1);
            }
        }
        Ok(cells)
    }

    /// The cells of `approved_aggregates` for a period: the values of the units whose report
    /// is approved, once per approved submission.
    async fn approved_cells(&self, conn: &mut AnyConnection, period: &str) -> Result<Expected, StoreError> {
        let approved: Vec<(i64, i64)> = sqlx::query(
            "SELECT unit_id, COUNT(*) AS n FROM submissions WHERE period = $1 AND state = 'approved'
             GROUP BY unit_id ORDER BY unit_id",
        )
        .bind(period)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("unit_id")?, r.try_get("n")?)))
        .collect::<Result<_, sqlx::Error>>()?;
        let mut cells = Expected::new();
        for chunk in approved.chunks(CELL_UNITS_PER_QUERY) {
            let weight: HashMap<i64, i64> = chunk.iter().copied().collect();
            let sql = format!(
                "SELECT unit_id, element_code, disaggregation, number_value FROM data_values
                 WHERE period = $1 AND number_value IS NOT NULL AND unit_id IN ({})",
                crate::sql::id_list(chunk.iter().map(|(u, _)| *u))
            );
            let mut entered: BTreeMap<(i64, usize), BTreeMap<Disaggregation, Decimal>> = BTreeMap::new();
            for r in sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(period)
                .fetch_all(&mut *conn)
                .await?
            {
                let code: String = r.try_get("element_code")?;
                let Some(index) = self.index.get(code.as_str()) else {
                    continue;
                };
                entered.entry((r.try_get("unit_id")?, *index)).or_default().insert(
                    disaggregation(&r.try_get::<String, _>("disaggregation")?)?,
                    text_to_decimal(&r.try_get::<String, _>("number_value")?)?,
                );
            }
            for ((unit, index), values) in &entered {
                self.add(&mut cells, *unit, *index, values, weight[unit]);
            }
        }
        Ok(cells)
    }
}

fn disaggregation(text: &str) -> Result<Disaggregation, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("disaggregation `{text}`")))
}

/// Where findings go: counts of everything, the first `limit` of each list.
struct Collector<'a> {
    codes: &'a HashMap<i64, String>,
    report: VerifyReport,
}

impl Collector<'_> {
    fn code(&self, unit: i64) -> String {
        self.codes.get(&unit).cloned().unwrap_or_else(|| format!("#{unit}"))
    }

    fn mismatch(&mut self, sums: Sums, m: CellMismatch) {
        let check = self.report_check(sums);
        check.mismatches += 1;
        match m.problem {
            CellProblem::Missing => check.missing += 1,
            CellProblem::Extra => check.extra += 1,
            _ => check.different += 1,
        }
        if self.report.mismatches.len() < self.report.limit {
            self.report.mismatches.push(m);
        }
    }

    fn audit_break(&mut self, b: AuditBreak) {
        self.report.audit_breaks += 1;
        if self.report.breaks.len() < self.report.limit {
            self.report.breaks.push(b);
        }
    }

    fn unaudited(&mut self, u: UnauditedValue) {
        self.report.unaudited += 1;
        if self.report.unaudited_values.len() < self.report.limit {
            self.report.unaudited_values.push(u);
        }
    }
}

/// Periods of a table of sums with their number of stored cells (one scan of the table).
async fn stored_periods(conn: &mut AnyConnection, sums: Sums) -> Result<BTreeMap<String, i64>, StoreError> {
    let sql = format!("SELECT period, COUNT(*) AS n FROM {} GROUP BY period", sums.table());
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("period")?, r.try_get("n")?)))
        .collect()
}

/// A stored cell: its value as stored and its reporting units.
type StoredCell = (String, i64);

/// Compares one period's expected cells with the stored ones, a few hundred units at a time.
async fn compare_period(
    conn: &mut AnyConnection,
    sums: Sums,
    derivation: &Derivation,
    period: &str,
    mut expected: Expected,
    stored_total: i64,
    out: &mut Collector<'_>,
) -> Result<(), StoreError> {
    let units: BTreeSet<i64> = out.codes.keys().chain(expected.keys()).copied().collect();
    let units: Vec<i64> = units.into_iter().collect();
    let mut seen = 0_i64;
    for chunk in units.chunks(CELL_UNITS_PER_QUERY) {
        let sql = format!(
            "SELECT unit_id, element_code, disaggregation, value, reporting FROM {}
             WHERE period = $1 AND unit_id IN ({})",
            sums.table(),
            crate::sql::id_list(chunk.iter().copied())
        );
        let mut stored: HashMap<(i64, String, String), StoredCell> = HashMap::new();
        for r in sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(period)
            .fetch_all(&mut *conn)
            .await?
        {
            stored.insert(
                (
                    r.try_get("unit_id")?,
                    r.try_get("element_code")?,
                    r.try_get("disaggregation")?,
                ),
                (r.try_get("value")?, r.try_get("reporting")?),
            );
        }
        seen += stored.len() as i64;
        let mut findings = Vec::new();
        for unit in chunk {
            for ((element, d), cell) in expected.remove(unit).unwrap_or_default() {
                let key = (
                    *unit,
                    derivation.elements[element].code.to_string(),
                    d.as_str().to_string(),
                );
                let found = stored.remove(&key);
                out.report_check(sums).cells_checked += 1;
                if let Some(problem) = compare(&cell, found.as_ref()) {
                    findings.push((key, Some(cell), found, problem));
                }
            }
        }
        for (key, found) in stored {
            out.report_check(sums).cells_checked += 1;
            findings.push((key, None, Some(found), CellProblem::Extra));
        }
        findings.sort_by(|a, b| a.0.cmp(&b.0));
        for ((unit, element, d), cell, found, problem) in findings {
            let m = mismatch(sums, out.code(unit), unit, period, element, d, problem, cell, found);
            out.mismatch(sums, m);
        }
    }
    if seen < stored_total {
        // Cells of units that do not exist (the table has no foreign key).
        let sql = format!(
            "SELECT unit_id, element_code, disaggregation, value, reporting FROM {}
             WHERE period = $1 AND unit_id NOT IN (SELECT id FROM units)
             ORDER BY unit_id, element_code, disaggregation",
            sums.table()
        );
        for r in sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(period)
            .fetch_all(&mut *conn)
            .await?
        {
            let unit: i64 = r.try_get("unit_id")?;
            out.report_check(sums).cells_checked += 1;
            let m = mismatch(
                sums,
                out.code(unit),
                unit,
                period,
                r.try_get("element_code")?,
                r.try_get("disaggregation")?,
                CellProblem::Extra,
                None,
                Some((r.try_get("value")?, r.try_get("reporting")?)),
            );
            out.mismatch(sums, m);
        }
    }
    Ok(())
}

impl Collector<'_> {
    fn report_check(&mut self, sums: Sums) -> &mut SumsCheck {
        match sums {
            Sums::All => &mut self.report.aggregates,
            Sums::Approved => &mut self.report.approved_aggregates,
        }
    }
}

/// What is wrong with a stored cell, if anything.
fn compare(expected: &AggregateCell, found: Option<&StoredCell>) -> Option<CellProblem> {
    let Some((value, reporting)) = found else {
        return Some(CellProblem::Missing);
    };
    let sum_differs = !matches!(text_to_decimal(value), Ok(v) if v == expected.sum);
    match (sum_differs, *reporting != expected.reporting) {
        (false, false) => None,
        (true, false) => Some(CellProblem::Sum),
        (false, true) => Some(CellProblem::Reporting),
        (true, true) => Some(CellProblem::SumAndReporting),
    }
}

#[allow(clippy::too_many_arguments)]
fn mismatch(
    sums: Sums,
    code: String,
    unit: i64,
    period: &str,
    element: String,
    disaggregation: String,
    problem: CellProblem,
    expected: Option<AggregateCell>,
    found: Option<StoredCell>,
) -> CellMismatch {
    CellMismatch {
        table: sums.table(),
        unit_id: unit,
        unit: code,
        period: period.to_string(),
        element,
        disaggregation,
        problem,
        expected_value: expected.map(|c| c.sum.normalize().to_string()),
        expected_reporting: expected.map(|c| c.reporting),
        found_reporting: found.as_ref().map(|f| f.1),
        found_value: found.map(|f| f.0),
    }
}

/// Checks one table of sums, period by period.
async fn check_sums(
    conn: &mut AnyConnection,
    sums: Sums,
    derivation: &Derivation,
    out: &mut Collector<'_>,
) -> Result<(), StoreError> {
    let stored = stored_periods(conn, sums).await?;
    let source = match sums {
        Sums::All => "SELECT DISTINCT period FROM data_values WHERE number_value IS NOT NULL",
        Sums::Approved => "SELECT DISTINCT period FROM submissions WHERE state = 'approved'",
    };
    let mut periods: BTreeSet<String> = stored.keys().cloned().collect();
    for r in sqlx::query(source).fetch_all(&mut *conn).await? {
        periods.insert(r.try_get("period")?);
    }
    out.report_check(sums).periods = periods.len();
    for period in &periods {
        let expected = match sums {
            Sums::All => derivation.all_cells(conn, period).await?,
            Sums::Approved => derivation.approved_cells(conn, period).await?,
        };
        let total = stored.get(period).copied().unwrap_or(0);
        compare_period(conn, sums, derivation, period, expected, total, out).await?;
    }
    Ok(())
}

/// One audit row: id, old value, new value.
type AuditRow = (i64, Option<String>, Option<String>);
/// A value's key: unit, period, element, breakdown.
type ValueKey = (i64, String, String, String);

/// Replays the audit trail of every value, a few units at a time.
async fn check_audit(conn: &mut AnyConnection, out: &mut Collector<'_>) -> Result<(), StoreError> {
    let units: Vec<i64> = out.codes.keys().copied().collect::<BTreeSet<_>>().into_iter().collect();
    for chunk in units.chunks(AUDIT_UNITS_PER_QUERY) {
        let ids = crate::sql::id_list(chunk.iter().copied());
        let mut stored: BTreeMap<ValueKey, Option<String>> = BTreeMap::new();
        let sql = format!(
            "SELECT unit_id, period, element_code, disaggregation, number_value, text_value FROM data_values
             WHERE unit_id IN ({ids})"
        );
        for r in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await? {
            let number: Option<String> = r.try_get("number_value")?;
            let value = match number {
                Some(n) => Some(n),
                None => r.try_get("text_value")?,
            };
            stored.insert(value_key(&r)?, value);
        }
        out.report.values_checked += stored.len() as u64;
        let mut trails: BTreeMap<ValueKey, Vec<AuditRow>> = BTreeMap::new();
        let sql = format!(
            "SELECT id, unit_id, period, element_code, disaggregation, old_value, new_value FROM data_value_audit
             WHERE unit_id IN ({ids}) ORDER BY id"
        );
        for r in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await? {
            trails.entry(value_key(&r)?).or_default().push((
                r.try_get("id")?,
                r.try_get("old_value")?,
                r.try_get("new_value")?,
            ));
        }
        for (key, trail) in trails {
            let current = stored.remove(&key).flatten();
            out.report.audit_chains_checked += 1;
            out.report.audit_rows_checked += trail.len() as u64;
            let (unit, period, element, d) = key;
            let code = out.code(unit);
            let place = |problem, audit_id, expected, found| AuditBreak {
                unit_id: unit,
                unit: code.clone(),
                period: period.clone(),
                element: element.clone(),
                disaggregation: d.clone(),
                problem,
                audit_id,
                expected,
                found,
            };
            let mut breaks = Vec::new();
            let (first_id, first_old, _) = &trail[0];
            let unaudited_start = first_old.is_some().then(|| (*first_id, first_old.clone()));
            for pair in trail.windows(2) {
                let ((_, _, previous_new), (id, old, _)) = (&pair[0], &pair[1]);
                if old != previous_new {
                    breaks.push(place(AuditProblem::Chain, *id, previous_new.clone(), old.clone()));
                }
            }
            let (last_id, _, last_new) = &trail[trail.len() - 1];
            if *last_new != current {
                breaks.push(place(AuditProblem::Current, *last_id, last_new.clone(), current));
            }
            if let Some((id, value)) = unaudited_start {
                out.unaudited(UnauditedValue {
                    unit_id: unit,
                    unit: code.clone(),
                    period: period.clone(),
                    element: element.clone(),
                    disaggregation: d.clone(),
                    value,
                    first_audit_id: Some(id),
                });
            }
            for b in breaks {
                out.audit_break(b);
            }
        }
        // Values never audited at all.
        for ((unit, period, element, disaggregation), value) in stored {
            let unit_code = out.code(unit);
            out.unaudited(UnauditedValue {
                unit_id: unit,
                unit: unit_code,
                period,
                element,
                disaggregation,
                value,
                first_audit_id: None,
            });
        }
    }
    Ok(())
}

fn value_key(r: &sqlx::any::AnyRow) -> Result<ValueKey, StoreError> {
    Ok((
        r.try_get("unit_id")?,
        r.try_get("period")?,
        r.try_get("element_code")?,
        r.try_get("disaggregation")?,
    ))
}

impl Store {
    /// Checks the live sums and the audit trail against the stored values, in one read-only
    /// snapshot, writing nothing (see the module documentation). Lists keep their first
    /// `limit` entries; the counts are complete.
    pub async fn verify(&self, limit: usize) -> Result<VerifyReport, StoreError> {
        let elements = self.data_elements().await?;
        let mut tx = match self.backend {
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?
            }
            // Deferred: the snapshot starts at the first read and lasts until the end.
            Backend::Sqlite => self.pool.begin_with("BEGIN DEFERRED").await?,
        };
        let codes: HashMap<i64, String> = sqlx::query("SELECT id, code FROM units")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("code")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        let derivation = Derivation::read(&mut tx, elements).await?;
        let mut out = Collector {
            codes: &codes,
            report: VerifyReport {
                database: self.backend.name(),
                aggregates: SumsCheck {
                    table: Sums::All.table(),
                    ..Default::default()
                },
                approved_aggregates: SumsCheck {
                    table: Sums::Approved.table(),
                    ..Default::default()
                },
                values_checked: 0,
                audit_chains_checked: 0,
                audit_rows_checked: 0,
                audit_breaks: 0,
                unaudited: 0,
                mismatches: Vec::new(),
                breaks: Vec::new(),
                unaudited_values: Vec::new(),
                limit,
            },
        };
        check_sums(&mut tx, Sums::All, &derivation, &mut out).await?;
        check_sums(&mut tx, Sums::Approved, &derivation, &mut out).await?;
        check_audit(&mut tx, &mut out).await?;
        tx.rollback().await?;
        Ok(out.report)
    }

    /// Recomputes `approved_aggregates` from the values of the approved reports (once per
    /// approved submission), in one transaction, period by period. On PostgreSQL the table
    /// is locked against concurrent approvals for the rebuild (they wait, then add their
    /// own change on top); on SQLite the write transaction excludes every other writer.
    pub async fn rebuild_approved_aggregates(&self) -> Result<usize, StoreError> {
        let elements = self.data_elements().await?;
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("LOCK TABLE approved_aggregates IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let derivation = Derivation::read(&mut tx, elements).await?;
        let periods: Vec<String> =
            sqlx::query("SELECT DISTINCT period FROM submissions WHERE state = 'approved' ORDER BY period")
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get("period"))
                .collect::<Result<_, _>>()?;
        sqlx::query("DELETE FROM approved_aggregates").execute(&mut *tx).await?;
        let mut written = 0;
        for period in &periods {
            let cells = derivation.approved_cells(&mut tx, period).await?;
            let mut rows = Vec::new();
            for (unit, unit_cells) in &cells {
                for ((element, d), cell) in unit_cells {
                    rows.push((*unit, derivation.elements[*element].code.as_str(), d.as_str(), *cell));
                }
            }
            rows.sort_unstable_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
            for chunk in rows.chunks(1000) {
                let sql = format!(
                    "INSERT INTO approved_aggregates (unit_id, period, element_code, disaggregation, value, reporting) VALUES {}",
                    crate::sql::placeholders(self.backend, chunk.len(), 6)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (unit, element, d, cell) in chunk {
                    q = q
                        .bind(*unit)
                        .bind(period.clone())
                        .bind(element.to_string())
                        .bind(d.to_string())
                        .bind(cell.sum.normalize().to_string())
                        .bind(cell.reporting);
                }
                q.execute(&mut *tx).await?;
            }
            written += rows.len();
        }
        tx.commit().await?;
        Ok(written)
    }
}
