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
    let (summary, changes) = write_rows(tx, store, elements, unit, period, checked, actor).await?;
    apply_deltas(tx, store.backend, Sums::All, unit.id, &period.to_string(), &changes).await?;
    Ok(summary)
}

/// The changes a save makes to the sums of its unit's cells, to add to every ancestor.
pub(crate) type CellChanges = Vec<(ElementCode, Disaggregation, Delta)>;

/// [`write_checked`] without the sums: the rows and their audit entries, and what the sums
/// of the unit and its ancestors must change by. Refuses ([`StoreError::Changed`]) before
/// writing anything when a value the writer expected is no longer the stored one.
pub(crate) async fn write_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    store: &Store,
    elements: &BTreeMap<ElementCode, DataElement>,
    unit: &UnitSummary,
    period: &Period,
    checked: &[CheckedValue],
    actor: &Actor,
) -> Result<(WriteSummary, CellChanges), StoreError> {
    let mut summary = WriteSummary::default();
    let now = store.now_text();
    let period_text = period.to_string();
    // The unit's stored values for the period, before and (updated as we go) after.
    let mut stored: BTreeMap<(ElementCode, Disaggregation), (String, Option<String>, bool)> = BTreeMap::new();
    let mut written_by: BTreeMap<(ElementCode, Disaggregation), String> = BTreeMap::new();
    for r in sqlx::query(
        "SELECT element_code, disaggregation, number_value, text_value, comment, updated_by FROM data_values
         WHERE unit_id = $1 AND period = $2",
    )
    .bind(unit.id)
    .bind(&period_text)
    .fetch_all(&mut **tx)
    .await?
    {
        let d: String = r.try_get("disaggregation")?;
        let d: Disaggregation = d
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("disaggregation `{d}`")))?;
        let number: Option<String> = r.try_get("number_value")?;
        let is_number = number.is_some();
        let text = number
            .or(r.try_get::<Option<String>, _>("text_value")?)
            .unwrap_or_default();
        let key: (ElementCode, Disaggregation) = (parse(&r, "element_code")?, d);
        written_by.insert(key.clone(), r.try_get("updated_by")?);
        stored.insert(key, (text, r.try_get("comment")?, is_number));
    }
    refuse_changed_meanwhile(elements, checked, &stored, &written_by)?;
    let touched: BTreeSet<ElementCode> = checked.iter().map(|v| v.element.clone()).collect();
    let numbers_before = numbers_by_element(&stored, &touched)?;
    // Decide every change in memory first (each input sees the ones before it), then write
    // them in a few multi-row statements: a whole form is one round trip per table, not two
    // per value.
    let mut audit: Vec<AuditRow> = Vec::new();
    let mut changed: BTreeSet<(ElementCode, Disaggregation)> = BTreeSet::new();
    for v in checked {
        let key = (v.element.clone(), v.disaggregation);
        let (old_value, old_comment) = match stored.get(&key) {
            Some((value, comment, _)) => (Some(value.clone()), comment.clone()),
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
                let is_number = matches!(entry, Entry::Number(_));
                stored.insert(key.clone(), (entry_text(entry), new_comment, is_number));
            }
            None => {
                stored.remove(&key);
            }
        }
        changed.insert(key);
    }
    let (upserts, deletes): (Vec<_>, Vec<_>) = changed.iter().partition(|key| stored.contains_key(*key));
    let backend = store.backend;
    // Removals are rare (a value cleared) and go one by one: a row-value `IN (VALUES …)` over
    // the key makes SQLite scan the whole table instead of using its primary key.
    for (element, d) in deletes {
        sqlx::query(
            "DELETE FROM data_values WHERE unit_id = $1 AND period = $2 AND element_code = $3 AND disaggregation = $4",
        )
        .bind(unit.id)
        .bind(&period_text)
        .bind(element.as_str())
        .bind(d.as_str())
        .execute(&mut **tx)
        .await?;
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
        for key in chunk {
            let (value, comment, is_number) = &stored[*key];
            let (number, text) = if *is_number {
                (Some(value), None)
            } else {
                (None, Some(value))
            };
            q = q
                .bind(unit.id)
                .bind(&period_text)
                .bind(&now)
                .bind(&actor.name)
                .bind(key.0.as_str())
                .bind(key.1.as_str())
                .bind(number)
                .bind(text)
                .bind(comment.as_deref());
        }
        q.execute(&mut **tx).await?;
    }
    insert_audit_rows(tx, backend, unit.id, &period_text, &now, actor, &audit).await?;
    let numbers_after = numbers_by_element(&stored, &touched)?;
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
    crate::outliers::note_write(tx, store.backend, unit.id, period, &summary).await?;
    Ok((summary, changes))
}

/// Refuses the whole save when a value the writer expected (the form as loaded, a queued
/// offline save) is no longer the stored one: it was read under the save's lock, so no other
/// save can change it between this check and the write.
fn refuse_changed_meanwhile(
    elements: &BTreeMap<ElementCode, DataElement>,
    checked: &[CheckedValue],
    stored: &BTreeMap<(ElementCode, Disaggregation), (String, Option<String>, bool)>,
    written_by: &BTreeMap<(ElementCode, Disaggregation), String>,
) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    for (i, v) in checked.iter().enumerate() {
        let key = (v.element.clone(), v.disaggregation);
        let now = stored.get(&key).map(|(text, _, is_number)| (text.as_str(), *is_number));
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
        let by = written_by.get(&key).map(String::as_str).unwrap_or("?");
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

/// Writes a save's audit rows in the order the changes were made: each row's old value is
/// the one before it (identifiers follow the order of the VALUES list on both databases).
async fn insert_audit_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    unit_id: i64,
    period_text: &str,
    now: &str,
    actor: &Actor,
    audit: &[AuditRow<'_>],
) -> Result<(), StoreError> {
    for chunk in audit.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO data_value_audit (unit_id, period, changed_by, changed_at, origin, element_code,
                disaggregation, old_value, new_value, old_comment, new_comment, source, entered_from) VALUES {}",
            placeholders(backend, chunk.len(), 13)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            q = q
                .bind(unit_id)
                .bind(period_text)
                .bind(&actor.name)
                .bind(now)
                .bind(&actor.origin)
                .bind(row.element)
                .bind(row.disaggregation.as_str())
                .bind(row.old_value.as_deref())
                .bind(row.new_value.as_deref())
                .bind(row.old_comment.as_deref())
                .bind(row.new_comment.as_deref())
                .bind(row.source)
                .bind(actor.entered_from.as_deref());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// One change, as the audit trail records it.
struct AuditRow<'a> {
    element: &'a str,
    disaggregation: Disaggregation,
    old_value: Option<String>,
    new_value: Option<String>,
    old_comment: Option<String>,
    new_comment: Option<String>,
    source: Option<&'a str>,
}

/// The numeric values among `stored`, for the elements in `codes`.
fn numbers_by_element(
    stored: &BTreeMap<(ElementCode, Disaggregation), (String, Option<String>, bool)>,
    codes: &BTreeSet<ElementCode>,
) -> Result<BTreeMap<ElementCode, BTreeMap<Disaggregation, Decimal>>, StoreError> {
    let mut out: BTreeMap<ElementCode, BTreeMap<Disaggregation, Decimal>> = BTreeMap::new();
    for ((code, d), (value, _, is_number)) in stored {
        if *is_number && codes.contains(code) {
            out.entry(code.clone()).or_default().insert(*d, text_to_decimal(value)?);
        }
    }
    Ok(out)
}
