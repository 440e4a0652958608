//! Data values of a unit for a period: read, and written as a validated, audited batch.

use crate::rollup::{Sums, apply_deltas};
use crate::sql::placeholders;
use crate::{FieldProblem, Store, StoreError, UnitSummary, parse, text_to_decimal};
use binhdang_domain::ElementCode;
use binhdang_domain::input::{CheckedValue, entry_text};
pub use binhdang_domain::input::{RawValue, ValueInput, check_inputs};
use binhdang_domain::rollup::{Delta, contributions, deltas};
use binhdang_domain::{DataElement, Disaggregation, Entry, Period};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// Who makes a change and from where, for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub origin: String,
    /// The code of the unit the person belongs to, when it is not the unit whose data they
    /// write: a reviewer keying in a commune's paper report enters it on the commune's behalf.
    pub entered_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredValue {
    pub element: ElementCode,
    pub disaggregation: Disaggregation,
    /// Canonical decimal text for numbers, so that exact values travel without floats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub updated_at: String,
    pub updated_by: String,
}

impl StoredValue {
    pub fn number(&self) -> Option<Decimal> {
        self.value.as_deref().and_then(|v| text_to_decimal(v).ok())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WriteSummary {
    pub written: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

/// A row of `data_values` (element_code, disaggregation, number_value, text_value, comment,
/// updated_at, updated_by) as a stored value.
fn stored_value(r: &sqlx::any::AnyRow) -> Result<StoredValue, StoreError> {
    let d: String = r.try_get("disaggregation")?;
    Ok(StoredValue {
        element: crate::parse(r, "element_code")?,
        disaggregation: d
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("disaggregation `{d}`")))?,
        value: r.try_get("number_value")?,
        text: r.try_get("text_value")?,
        comment: r.try_get("comment")?,
        updated_at: r.try_get("updated_at")?,
        updated_by: r.try_get("updated_by")?,
    })
}

/// Resolves the unit reporting under `code` for `period`, or explains why there is none.
///
/// A period's figures come from the units that exist on its last day: old units report up to
/// the first half of 2025, the units created by the 2025 reform from then on, so the two never
/// both report one period.
pub(crate) async fn reporting_unit(store: &Store, code: &str, period: &Period) -> Result<UnitSummary, FieldProblem> {
    let found = store
        .unit_for_period(code, period)
        .await
        .map_err(|e| FieldProblem::new("unit", "lookup_failed", e.to_string(), e.to_string()))?;
    let end = period.end();
    match found {
        Some(u) if u.valid_from.is_none_or(|f| f <= end) && u.valid_to.is_none_or(|t| end <= t) => Ok(u),
        Some(u) => Err(FieldProblem::new(
            "unit",
            "unit_not_valid_in_period",
            format!(
                "{} ({code}) does not exist on the last day of {period} ({}); a period is reported by the units \
                 that exist at its end",
                u.full_name,
                crate::vn_date(end)
            ),
            format!(
                "{} ({code}) không còn tồn tại vào ngày cuối của kỳ {} ({}); số liệu của một kỳ do các đơn vị tồn tại \
                 vào cuối kỳ báo cáo",
                u.full_name,
                period.label_vi(),
                crate::vn_date(end)
            ),
        )),
        None if store.unit_code_exists(code).await.unwrap_or(false) => Err(FieldProblem::new(
            "unit",
            "unit_not_valid_in_period",
            format!("unit {code} did not exist during {} ({})", period, period.label_en()),
            format!("Đơn vị {code} không tồn tại trong kỳ {}", period.label_vi()),
        )),
        None => Err(unknown_unit("unit", code)),
    }
}

pub fn unknown_unit(field: &str, code: &str) -> FieldProblem {
    FieldProblem::new(
        field,
        "unknown_unit",
        format!("there is no administrative unit with code `{code}`"),
        format!("Không có đơn vị hành chính mã `{code}`"),
    )
}

pub fn bad_period(e: &binhdang_domain::PeriodError) -> FieldProblem {
    FieldProblem::new("period", "bad_period", e.to_string(), e.message_vi())
}

impl Store {
    /// The unit and parsed period a request names, or the problems with them (422).
    pub async fn resolve_unit_period(&self, unit: &str, period: &str) -> Result<(UnitSummary, Period), StoreError> {
        let period: Period = period.parse().map_err(|e| StoreError::Invalid(vec![bad_period(&e)]))?;
        let unit = reporting_unit(self, unit, &period)
            .await
            .map_err(|p| StoreError::Invalid(vec![p]))?;
        Ok((unit, period))
    }

    /// A unit's stored values for a period, by element and disaggregation.
    pub async fn values(&self, unit: &UnitSummary, period: &Period) -> Result<Vec<StoredValue>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.element_code, v.disaggregation, v.number_value, v.text_value, v.comment, v.updated_at, v.updated_by
             FROM data_values v JOIN data_elements e ON e.code = v.element_code
             WHERE v.unit_id = $1 AND v.period = $2 ORDER BY e.sort_order, v.disaggregation",
        )
        .bind(unit.id)
        .bind(period.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_value).collect()
    }

    /// The stored values of `unit` and of every unit below it for `period`, with each value's
    /// unit code, in unit and catalogue order (what a dataValueSet export sends).
    pub async fn values_in_subtree(
        &self,
        unit: &UnitSummary,
        period: &Period,
    ) -> Result<Vec<(String, StoredValue)>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.code, v.element_code, v.disaggregation, v.number_value, v.text_value, v.comment, v.updated_at,
                    v.updated_by
             FROM data_values v JOIN units u ON u.id = v.unit_id JOIN data_elements e ON e.code = v.element_code
             WHERE v.period = $2 AND v.unit_id IN (SELECT unit_id FROM unit_ancestors WHERE ancestor_id = $1)
             ORDER BY u.code, e.sort_order, v.disaggregation",
        )
        .bind(unit.id)
        .bind(period.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("code")?, stored_value(r)?)))
            .collect()
    }

    /// [`Store::values`] by element and disaggregation.
    pub async fn values_by_key(
        &self,
        unit: &UnitSummary,
        period: &Period,
    ) -> Result<std::collections::HashMap<(ElementCode, Disaggregation), StoredValue>, StoreError> {
        Ok(self
            .values(unit, period)
            .await?
            .into_iter()
            .map(|v| ((v.element.clone(), v.disaggregation), v))
            .collect())
    }

    /// [`Store::write_values`] inside `tx`, so that a caller can make more changes in the
    /// same transaction; when any input is refused, nothing has been written.
    pub(crate) async fn write_values_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        unit: &UnitSummary,
        period: &Period,
        inputs: &[ValueInput],
        actor: &Actor,
    ) -> Result<WriteSummary, StoreError> {
        // Everything the save reads runs on its own transaction: a save never waits for a
        // second connection while holding one, so a busy pool cannot deadlock itself.
        let catalogue = self.catalogue_on(tx).await?;
        let elements = &catalogue.elements_by_code;
        let checked = check_inputs(elements, inputs).map_err(StoreError::Invalid)?;
        crate::rollup::lock_unit_period(tx, self.backend, unit, period).await?;
        crate::workflow::check_entry_open_on(tx, unit, period, self.clock.today()).await?;
        write_checked(tx, self, elements, unit, period, &checked, actor).await
    }

    /// What [`Store::write_values`] would refuse of these inputs, without writing: the
    /// values against the catalogue, and whether entry is open (a dry run).
    pub async fn check_values(
        &self,
        unit: &UnitSummary,
        period: &Period,
        inputs: &[ValueInput],
    ) -> Result<(), StoreError> {
        check_inputs(&self.element_map().await?, inputs).map_err(StoreError::Invalid)?;
        self.check_entry_open(unit, period, self.clock.today()).await
    }

    /// The catalogue's data elements by code.
    pub(crate) async fn element_map(&self) -> Result<BTreeMap<ElementCode, DataElement>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(self.catalogue_on(&mut conn).await?.elements_by_code.clone())
    }

    /// Number of audit rows for a unit and period (all elements).
    pub async fn audit_count(&self, unit: &UnitSummary, period: &Period) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM data_value_audit WHERE unit_id = $1 AND period = $2")
            .bind(unit.id)
            .bind(period.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}

/// Writes values that passed [`check_inputs`] in `tx`: the rows, their audit entries and the
/// live sums of the unit's ancestors. The caller commits, and has taken
/// [`crate::rollup::lock_unit_period`] first.
pub(crate) async fn write_checked(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    store: &Store,
    elements: &BTreeMap<ElementCode, DataElement>,
    unit: &UnitSummary,
    period: &Period,
    checked: &[CheckedValue],
    actor: &Actor,
) -> Result<WriteSummary, StoreError> {
    let period_text = period.to_string();
    let mut stored = read_stored(tx, &[(unit.id, period_text.as_str())]).await?;
    let now = store.now_text();
    let decided = decide(elements, checked, stored.entry(unit.id, &period_text), actor)?;
    write_decided(tx, store.backend, &now, &stored, std::slice::from_ref(&decided)).await?;
    if decided.summary.written + decided.summary.deleted > 0 {
        crate::outliers::note_writes(tx, store.backend, &[(unit.id, period)]).await?;
    }
    apply_deltas(tx, store.backend, Sums::All, unit.id, &period_text, &decided.changes).await?;
    Ok(decided.summary)
}

/// The changes a save makes to the sums of its unit's cells, to add to every ancestor.
pub(crate) type CellChanges = Vec<(ElementCode, Disaggregation, Delta)>;

type Key = (ElementCode, Disaggregation);

/// A stored value as a save sees it: its text (a number's canonical text, or the text),
/// comment, whether it is a number, and who wrote it last.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    text: String,
    comment: Option<String>,
    is_number: bool,
    written_by: String,
}

/// The stored values of some units and periods, read under their locks and kept up to date
/// in memory as the saves of a transaction are decided, so that each save sees the ones
/// before it.
#[derive(Debug, Default)]
pub(crate) struct StoredValues {
    by_unit_period: BTreeMap<(i64, String), BTreeMap<Key, Cell>>,
}

impl StoredValues {
    pub(crate) fn entry(&mut self, unit_id: i64, period: &str) -> UnitValues<'_> {
        UnitValues {
            unit_id,
            period: period.to_string(),
            cells: self.by_unit_period.entry((unit_id, period.to_string())).or_default(),
        }
    }
}

/// One unit's stored values for one period, as [`decide`] changes them.
pub(crate) struct UnitValues<'a> {
    unit_id: i64,
    period: String,
    cells: &'a mut BTreeMap<Key, Cell>,
}

/// Reads the stored values of every `(unit, period)` in one statement.
pub(crate) async fn read_stored(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    pairs: &[(i64, &str)],
) -> Result<StoredValues, StoreError> {
    let mut out = StoredValues::default();
    if pairs.is_empty() {
        return Ok(out);
    }
    let wanted: BTreeSet<(i64, String)> = pairs.iter().map(|(u, p)| (*u, p.to_string())).collect();
    let periods: BTreeSet<&str> = pairs.iter().map(|(_, p)| *p).collect();
    let list = (1..=periods.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "SELECT unit_id, period, element_code, disaggregation, number_value, text_value, comment, updated_by
         FROM data_values WHERE unit_id IN ({}) AND period IN ({list})",
        crate::sql::id_list(pairs.iter().map(|(u, _)| *u))
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for p in &periods {
        q = q.bind(*p);
    }
    for pair in &wanted {
        out.by_unit_period.entry(pair.clone()).or_default();
    }
    for r in q.fetch_all(&mut **tx).await? {
        let pair: (i64, String) = (r.try_get("unit_id")?, r.try_get("period")?);
        let Some(cells) = out.by_unit_period.get_mut(&pair) else {
            continue;
        };
        let d: String = r.try_get("disaggregation")?;
        let d: Disaggregation = d
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("disaggregation `{d}`")))?;
        let number: Option<String> = r.try_get("number_value")?;
        let is_number = number.is_some();
        let text = number
            .or(r.try_get::<Option<String>, _>("text_value")?)
            .unwrap_or_default();
        cells.insert(
            (parse(&r, "element_code")?, d),
            Cell {
                text,
                comment: r.try_get("comment")?,
                is_number,
                written_by: r.try_get("updated_by")?,
            },
        );
    }
    Ok(out)
}

/// What one save changes, decided in memory: its summary, its audit rows in the order of
/// the changes, the keys it wrote, and what the sums must change by.
#[derive(Debug)]
pub(crate) struct Decided<'a> {
    pub summary: WriteSummary,
    pub changes: CellChanges,
    unit_id: i64,
    period: String,
    actor: &'a Actor,
    audit: Vec<AuditRow<'a>>,
    written: BTreeSet<Key>,
}

impl Decided<'_> {
    pub(crate) fn unit_id(&self) -> i64 {
        self.unit_id
    }

    pub(crate) fn period(&self) -> &str {
        &self.period
    }
}

/// Decides a save of values that passed [`check_inputs`] against the stored values of its
/// unit and period, and applies it to them in memory. Refuses ([`StoreError::Changed`]),
/// changing nothing, when a value the writer expected is no longer the stored one.
pub(crate) fn decide<'a>(
    elements: &BTreeMap<ElementCode, DataElement>,
    checked: &'a [CheckedValue],
    stored: UnitValues<'_>,
    actor: &'a Actor,
) -> Result<Decided<'a>, StoreError> {
    let UnitValues { unit_id, period, cells } = stored;
    refuse_changed_meanwhile(elements, checked, cells)?;
    let touched: BTreeSet<ElementCode> = checked.iter().map(|v| v.element.clone()).collect();
    let numbers_before = numbers_by_element(cells, &touched)?;
    let mut summary = WriteSummary::default();
    let mut audit = Vec::new();
    let mut written = BTreeSet::new();
    for v in checked {
        let key = (v.element.clone(), v.disaggregation);
        let (old_value, old_comment) = match cells.get(&key) {
            Some(cell) => (Some(cell.text.clone()), cell.comment.clone()),
            None => (None, None),
        };
        let new_value = v.stored_text();
        let new_comment = if new_value.is_some() { v.comment.clone() } else { None };
        if old_value == new_value && (old_comment == new_comment || new_value.is_none()) {
            summary.unchanged += 1;
            continue;
        }
        match &v.entry {
            None => summary.deleted += 1,
            Some(_) => summary.written += 1,
        }
        audit.push(AuditRow {
            element: &v.element,
            disaggregation: v.disaggregation,
            old_value,
            new_value,
            old_comment,
            new_comment: new_comment.clone(),
            source: v.source.as_deref(),
        });
        match &v.entry {
            Some(entry) => {
                let cell = Cell {
                    text: entry_text(entry),
                    comment: new_comment,
                    is_number: matches!(entry, Entry::Number(_)),
                    written_by: actor.name.clone(),
                };
                cells.insert(key.clone(), cell);
            }
            None => {
                cells.remove(&key);
            }
        }
        written.insert(key);
    }
    let numbers_after = numbers_by_element(cells, &touched)?;
    let mut changes = Vec::new();
    for code in &touched {
        let Some(element) = elements.get(code) else { continue };
        let none = BTreeMap::new();
        let before = contributions(element, numbers_before.get(code).unwrap_or(&none));
        let after = contributions(element, numbers_after.get(code).unwrap_or(&none));
        for (d, delta) in deltas(&before, &after) {
            changes.push((code.clone(), d, delta));
        }
    }
    Ok(Decided {
        summary,
        changes,
        unit_id,
        period,
        actor,
        audit,
        written,
    })
}

/// Writes what the saves decided: each written key's final value (or its removal) once,
/// whatever number of saves changed it, and every save's audit rows in order. A few
/// multi-row statements for all the saves, not a few for each.
pub(crate) async fn write_decided(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    now: &str,
    stored: &StoredValues,
    saves: &[Decided<'_>],
) -> Result<(), StoreError> {
    let mut written: BTreeSet<(i64, &str, &Key)> = BTreeSet::new();
    for save in saves {
        for key in &save.written {
            written.insert((save.unit_id, save.period.as_str(), key));
        }
    }
    let empty = BTreeMap::new();
    let cell_of = |unit: i64, period: &str, key: &Key| {
        stored
            .by_unit_period
            .get(&(unit, period.to_string()))
            .unwrap_or(&empty)
            .get(key)
            .cloned()
    };
    let mut upserts = Vec::new();
    for (unit, period, key) in &written {
        match cell_of(*unit, period, key) {
            Some(cell) => upserts.push((*unit, *period, *key, cell)),
            // Removals are rare (a value cleared) and go one by one: a row-value
            // `IN (VALUES …)` over the key makes SQLite scan the whole table instead of
            // using its primary key.
            None => {
                sqlx::query(
                    "DELETE FROM data_values
                     WHERE unit_id = $1 AND period = $2 AND element_code = $3 AND disaggregation = $4",
                )
                .bind(*unit)
                .bind(*period)
                .bind(key.0.as_str())
                .bind(key.1.as_str())
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    for chunk in upserts.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO data_values (unit_id, period, updated_at, updated_by, element_code, disaggregation,
                number_value, text_value, comment) VALUES {}
             ON CONFLICT (unit_id, period, element_code, disaggregation) DO UPDATE SET
                number_value = excluded.number_value, text_value = excluded.text_value,
                comment = excluded.comment, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            placeholders(backend, chunk.len(), 9)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (unit, period, key, cell) in chunk {
            let (number, text) = if cell.is_number {
                (Some(&cell.text), None)
            } else {
                (None, Some(&cell.text))
            };
            q = q
                .bind(*unit)
                .bind(*period)
                .bind(now)
                .bind(cell.written_by.as_str())
                .bind(key.0.as_str())
                .bind(key.1.as_str())
                .bind(number)
                .bind(text)
                .bind(cell.comment.as_deref());
        }
        q.execute(&mut **tx).await?;
    }
    insert_audit_rows(tx, backend, now, saves).await
}

/// Refuses the whole save when a value the writer expected (the form as loaded, a queued
/// offline save) is no longer the stored one: it was read under the save's lock, so no other
/// save can change it between this check and the write.
fn refuse_changed_meanwhile(
    elements: &BTreeMap<ElementCode, DataElement>,
    checked: &[CheckedValue],
    stored: &BTreeMap<Key, Cell>,
) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    for (i, v) in checked.iter().enumerate() {
        let key = (v.element.clone(), v.disaggregation);
        let now = stored.get(&key).map(|cell| (cell.text.as_str(), cell.is_number));
        if v.still_as_expected(now) {
            continue;
        }
        let (name_en, name_vi) = match elements.get(&v.element) {
            Some(e) => (e.name_en.as_str(), e.name_vi.as_str()),
            None => (v.element.as_str(), v.element.as_str()),
        };
        let part_en = match v.disaggregation {
            Disaggregation::Total => String::new(),
            d => format!(" ({d})"),
        };
        let part_vi = match v.disaggregation {
            Disaggregation::Total => String::new(),
            d => format!(" ({})", d.name_vi()),
        };
        let (shown_en, shown_vi) = match now {
            None => ("emptied".to_string(), "xóa".to_string()),
            Some((text, true)) => {
                let n = text_to_decimal(text)?;
                (
                    format!("changed to {n}"),
                    format!("đổi thành {}", binhdang_domain::vn::format_number(n, None)),
                )
            }
            Some((text, false)) => (format!("changed to \"{text}\""), format!("đổi thành \"{text}\"")),
        };
        let by = stored.get(&key).map_or("?", |cell| cell.written_by.as_str());
        problems.push(FieldProblem::new(
            format!("values[{i}].value"),
            "changed_since_loaded",
            format!(
                "{name_en}{part_en} was {shown_en} by {by} after you loaded it; your value was not saved. \
                 Check it and save again to replace theirs"
            ),
            format!(
                "{name_vi}{part_vi} đã được {by} {shown_vi} sau khi bạn mở biểu mẫu; giá trị bạn nhập chưa được lưu. \
                 Kiểm tra lại rồi lưu lần nữa nếu muốn thay giá trị đó"
            ),
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Changed(problems))
    }
}

/// Rows per multi-row statement: well under both databases' limit on bound parameters
/// (SQLite 32,766; PostgreSQL 65,535) at twelve per row.
const ROWS_PER_STATEMENT: usize = 500;

/// Writes the saves' audit rows in the order the changes were made: each row's old value is
/// the one before it (identifiers follow the order of the VALUES list on both databases).
async fn insert_audit_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    now: &str,
    saves: &[Decided<'_>],
) -> Result<(), StoreError> {
    let rows: Vec<(&Decided, &AuditRow)> = saves.iter().flat_map(|s| s.audit.iter().map(move |a| (s, a))).collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO data_value_audit (unit_id, period, changed_by, changed_at, origin, element_code,
                disaggregation, old_value, new_value, old_comment, new_comment, source, entered_from) VALUES {}",
            placeholders(backend, chunk.len(), 13)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (save, row) in chunk {
            q = q
                .bind(save.unit_id)
                .bind(save.period.as_str())
                .bind(&save.actor.name)
                .bind(now)
                .bind(&save.actor.origin)
                .bind(row.element.as_str())
                .bind(row.disaggregation.as_str())
                .bind(row.old_value.as_deref())
                .bind(row.new_value.as_deref())
                .bind(row.old_comment.as_deref())
                .bind(row.new_comment.as_deref())
                .bind(row.source)
                .bind(save.actor.entered_from.as_deref());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// One change, as the audit trail records it.
#[derive(Debug)]
struct AuditRow<'a> {
    element: &'a ElementCode,
    disaggregation: Disaggregation,
    old_value: Option<String>,
    new_value: Option<String>,
    old_comment: Option<String>,
    new_comment: Option<String>,
    source: Option<&'a str>,
}

/// The numeric values among `stored`, for the elements in `codes`.
fn numbers_by_element(
    stored: &BTreeMap<Key, Cell>,
    codes: &BTreeSet<ElementCode>,
) -> Result<BTreeMap<ElementCode, BTreeMap<Disaggregation, Decimal>>, StoreError> {
    let mut out: BTreeMap<ElementCode, BTreeMap<Disaggregation, Decimal>> = BTreeMap::new();
    for ((code, d), cell) in stored {
        if cell.is_number && codes.contains(code) {
            out.entry(code.clone())
                .or_default()
                .insert(*d, text_to_decimal(&cell.text)?);
        }
    }
    Ok(out)
}
