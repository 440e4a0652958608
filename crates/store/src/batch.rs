//! One batch of a unit's values and register rows for a period — what a spreadsheet upload
//! or a CSV file carries — written all or nothing in one transaction.
//!
//! The values go through the same checks and writes as [`Store::write_values`], the rows
//! through those of [`Store::create_register_row`], each with its audit entry. On top, a
//! batch is refused when, once written, a value it carries breaks a built-in error rule of
//! the catalogue (a numerator above its denominator, parts that do not add up to the
//! total): a file filled offline is checked as a whole before anything of it is kept,
//! where the entry form saves and shows the finding beside the box.
//!
//! Problems are named as in the API: `values[i].value` for the `i`-th value,
//! `rows[i].<field>` for a field of the `i`-th row, so the caller can point at the cell.

use crate::registers::{checked as check_record, insert_row, load_lists};
use crate::rules::add_cell;
use crate::values::write_checked;
use crate::{Actor, FieldProblem, Store, StoreError, UnitSummary, ValueInput, WriteSummary};
use binhdang_domain::ElementCode;
use binhdang_domain::input::{CheckedValue, check_inputs};
use binhdang_domain::register::{Record, Register, RegisterKind};
use binhdang_domain::rules::{Cells, Scope, Severity, builtin_rules};
use binhdang_domain::{DataElement, Disaggregation, Indicator, Period};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What a batch stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BatchSummary {
    pub values: WriteSummary,
    /// The rows added, by register, with their ids.
    pub rows: Vec<(RegisterKind, i64)>,
    /// Warnings the rows carry (stored anyway), named `rows[i].<field>`.
    pub warnings: Vec<FieldProblem>,
}

/// Runs `$body` with `$r` bound to the typed record inside a [`Record`].
macro_rules! with_record {
    ($record:expr, $r:ident => $body:expr) => {
        match $record {
            Record::Activity($r) => $body,
            Record::Budget($r) => $body,
            Record::Document($r) => $body,
            Record::CommitteeMember($r) => $body,
            Record::Staff($r) => $body,
            Record::GbvCase($r) => $body,
            Record::Inspection($r) => $body,
        }
    };
}
pub(crate) use with_record;

fn at_row(i: usize, p: FieldProblem) -> FieldProblem {
    FieldProblem {
        field: format!("rows[{i}].{}", p.field),
        ..p
    }
}

impl Store {
    /// Writes values and register rows of one unit and period in one transaction: every
    /// problem of every value and row is returned and nothing is stored, or all of it is,
    /// audited as `actor`.
    pub async fn write_batch(
        &self,
        unit: &UnitSummary,
        period: &Period,
        values: &[ValueInput],
        rows: &[Record],
        actor: &Actor,
    ) -> Result<BatchSummary, StoreError> {
        self.batch(unit, period, values, rows, actor, true).await
    }

    /// Every problem [`Store::write_batch`] would find, storing nothing: for a file with
    /// cells that could not even be read, so that the rest is checked too.
    pub async fn check_batch(
        &self,
        unit: &UnitSummary,
        period: &Period,
        values: &[ValueInput],
        rows: &[Record],
        actor: &Actor,
    ) -> Result<(), StoreError> {
        self.batch(unit, period, values, rows, actor, false).await.map(drop)
    }

    async fn batch(
        &self,
        unit: &UnitSummary,
        period: &Period,
        values: &[ValueInput],
        rows: &[Record],
        actor: &Actor,
        commit: bool,
    ) -> Result<BatchSummary, StoreError> {
        let elements = self.element_map().await?;
        let indicators = self.indicators().await?;
        let mut problems = Vec::new();
        let mut keep = |e: StoreError| match e {
            StoreError::Invalid(ps) => {
                problems.extend(ps);
                Ok(())
            }
            other => Err(other),
        };
        let checked = match values {
            [] => Vec::new(),
            _ => check_inputs(&elements, values).or_else(|ps| keep(StoreError::Invalid(ps)).map(|()| Vec::new()))?,
        };
        if let Err(e) = self.check_entry_open(unit, period, self.clock.today()).await {
            keep(e)?;
        }
        if values.is_empty() && rows.is_empty() {
            problems.push(FieldProblem::new(
                "values",
                "empty",
                "the file holds no values and no register rows to store".into(),
                "Tệp không có giá trị hay dòng sổ theo dõi nào để lưu".into(),
            ));
        }

        let mut tx = self.begin_write().await?;
        let lists = load_lists(&mut tx).await?;
        let mut summary = BatchSummary::default();
        for (i, row) in rows.iter().enumerate() {
            match with_record!(row, r => check_record(r, period, &lists)) {
                Ok(warnings) => summary.warnings.extend(warnings.into_iter().map(|p| at_row(i, p))),
                Err(StoreError::Invalid(ps)) => problems.extend(ps.into_iter().map(|p| at_row(i, p))),
                Err(e) => return Err(e),
            }
        }
        if !checked.is_empty() {
            crate::rollup::lock_unit_period(&mut tx, self.backend, unit, period).await?;
            summary.values = write_checked(&mut tx, self, &elements, unit, period, &checked, actor).await?;
            problems.extend(rule_errors(&mut tx, unit, period, &indicators, &elements, &checked).await?);
        }
        if !problems.is_empty() {
            // Dropping the transaction rolls back whatever it wrote.
            return Err(StoreError::Invalid(problems));
        }
        for row in rows {
            let id = with_record!(row.clone(), r => {
                let mut r = r;
                r.normalise();
                insert_row(&mut tx, unit, period, r, actor, &self.now_text(), None).await?.id
            });
            summary.rows.push((row.kind(), id));
        }
        if commit {
            tx.commit().await?;
        }
        Ok(summary)
    }
}

/// The built-in error rules broken by the unit's values as they stand in `tx`, where a value
/// of the batch is involved; each named by the first such value.
async fn rule_errors(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    unit: &UnitSummary,
    period: &Period,
    indicators: &[Indicator],
    elements: &BTreeMap<ElementCode, DataElement>,
    checked: &[CheckedValue],
) -> Result<Vec<FieldProblem>, StoreError> {
    let mut data = Cells::new();
    for r in sqlx::query(
        "SELECT element_code, disaggregation, number_value, comment FROM data_values
         WHERE unit_id = $1 AND period = $2 AND number_value IS NOT NULL",
    )
    .bind(unit.id)
    .bind(period.to_string())
    .fetch_all(&mut **tx)
    .await?
    {
        add_cell(&mut data, &r)?;
    }
    let batch: HashMap<(&str, Disaggregation), usize> = checked
        .iter()
        .enumerate()
        .map(|(i, v)| ((v.element.as_str(), v.disaggregation), i))
        .collect();
    let previous = Cells::new();
    let scope = Scope {
        period: *period,
        current: &data,
        previous: &previous,
    };
    let elements: Vec<DataElement> = elements.values().cloned().collect();
    let mut out = Vec::new();
    for rule in builtin_rules(indicators, &elements) {
        let Some(finding) = rule.check(&unit.code, &scope) else {
            continue;
        };
        if finding.severity != Severity::Error {
            continue;
        }
        let involved = finding
            .values
            .iter()
            .filter(|v| v.period.is_none())
            .find_map(|v| batch.get(&(v.element.as_str(), v.disaggregation)));
        if let Some(i) = involved {
            out.push(FieldProblem::new(
                format!("values[{i}].value"),
                &finding.rule,
                finding.message_en,
                finding.message_vi,
            ));
        }
    }
    Ok(out)
}
