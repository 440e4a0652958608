//! Imports of legacy reports: a batch per file for one unit and period, holding what the
//! document's figures propose, value by value, and what a person decided about each.
//! Nothing reaches `data_values` before [`Store::store_import`], which writes the confirmed
//! and corrected values in one call to the ordinary validated, audited write, with the file
//! and quote as their source, and closes the batch in the same transaction.

use crate::access::{AuditEntry, audit_in};
use crate::import_rows::{Decision, ImportRow, NewImportRow, RowDecisionInput, insert_rows};
use crate::import_targets::{ImportTarget, NewImportTarget, TargetDecisionInput, insert_targets, write_targets};
use crate::{Actor, FieldProblem, RawValue, Store, StoreError, UnitSummary, ValueInput, WriteSummary};
use binhdang_domain::Period;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

/// A proposed value as the proposer made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewProposal {
    /// Proposals made from the same figure share a group.
    pub group: i64,
    pub indicator: String,
    pub figure: String,
    pub quote: String,
    pub line: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<i64>,
    pub column: i64,
    pub element: String,
    pub disaggregation: String,
    /// Canonical decimal text.
    pub value: String,
    /// `high` or `low`.
    pub confidence: String,
    pub reason_vi: String,
    pub reason_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag_vi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag_en: Option<String>,
}

/// The file an import reads.
#[derive(Debug, Clone)]
pub struct NewImport {
    pub file_name: String,
    /// sha256 of the file's bytes, hex.
    pub sha256: String,
    pub proposals: Vec<NewProposal>,
    /// Rows of the report's annex tables proposed for the registers.
    pub rows: Vec<NewImportRow>,
    /// Targets a plan states, proposed as the unit's own.
    pub targets: Vec<NewImportTarget>,
}

/// A stored proposal with its decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportProposal {
    pub id: i64,
    #[serde(flatten)]
    pub proposed: NewProposal,
    pub decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected_element: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected_disaggregation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

impl ImportProposal {
    /// The element, breakdown and value that would be stored: the correction, else the proposal.
    pub fn effective(&self) -> (&str, &str, &str) {
        (
            self.corrected_element.as_deref().unwrap_or(&self.proposed.element),
            self.corrected_disaggregation
                .as_deref()
                .unwrap_or(&self.proposed.disaggregation),
            self.corrected_value.as_deref().unwrap_or(&self.proposed.value),
        )
    }

    /// The audit trail's source of a value from this proposal.
    pub fn source(&self, file_name: &str) -> String {
        format!("{file_name} — {}", self.proposed.quote)
    }
}

/// An import batch with its proposals.
#[derive(Debug, Clone, Serialize)]
pub struct ImportBatch {
    pub id: i64,
    pub unit: UnitSummary,
    pub period: String,
    pub file_name: String,
    pub sha256: String,
    pub created_by: String,
    pub created_at: String,
    /// `open` or `stored`.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored_at: Option<String>,
    pub proposals: Vec<ImportProposal>,
    pub rows: Vec<ImportRow>,
    pub targets: Vec<ImportTarget>,
}

impl ImportBatch {
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

/// A decision on one proposal; a correction names what changes.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionInput {
    pub proposal: i64,
    pub decision: Decision,
    pub element: Option<String>,
    pub disaggregation: Option<String>,
    /// Canonical decimal text (callers parse what people type first).
    pub value: Option<String>,
}

pub(crate) fn closed(batch: &ImportBatch) -> StoreError {
    StoreError::Invalid(vec![FieldProblem::new(
        "batch",
        "import_stored",
        format!("import {} has already been stored", batch.id),
        format!("Lần nhập {} đã được lưu vào số liệu", batch.id),
    )])
}

impl Store {
    /// Records decisions on proposed targets of an open batch; a correction must give a sign
    /// or a value, and every decision is checked before any is recorded. Sets no target.
    pub async fn decide_import_targets(
        &self,
        batch: &ImportBatch,
        decisions: &[TargetDecisionInput],
        actor: &Actor,
    ) -> Result<(), StoreError> {
        if !batch.is_open() {
            return Err(closed(batch));
        }
        let mut problems = Vec::new();
        for (i, d) in decisions.iter().enumerate() {
            let Some(target) = batch.targets.iter().find(|t| t.id == d.target) else {
                problems.push(FieldProblem::new(
                    format!("targets[{i}].target"),
                    "unknown_target",
                    format!("import {} proposes no target {}", batch.id, d.target),
                    format!("Lần nhập {} không có chỉ tiêu đề xuất số {}", batch.id, d.target),
                ));
                continue;
            };
            let corrected = d.decision == Decision::Corrected;
            if corrected && d.op.is_none() && d.value.is_none() {
                problems.push(FieldProblem::new(
                    format!("targets[{i}].value"),
                    "correction_empty",
                    "a correction gives the sign or the value to use instead".into(),
                    "Khi sửa, cần ghi dấu hoặc giá trị thay thế".into(),
                ));
                continue;
            }
            let candidate = ImportTarget {
                corrected_op: d.op.clone().filter(|_| corrected),
                corrected_value: d.value.clone().filter(|_| corrected),
                ..target.clone()
            };
            if let Err(p) = candidate.effective() {
                problems.push(p);
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let mut tx = self.begin_write().await?;
        let now = self.now_text();
        for d in decisions {
            let corrected = d.decision == Decision::Corrected;
            let keep = |v: &Option<String>| if corrected { v.clone() } else { None };
            sqlx::query(
                "UPDATE import_targets SET decision = $1, corrected_op = $2, corrected_value = $3, decided_by = $4,
                    decided_at = $5
                 WHERE id = $6 AND batch_id = $7",
            )
            .bind(d.decision.as_str())
            .bind(keep(&d.op))
            .bind(keep(&d.value))
            .bind(&actor.name)
            .bind(&now)
            .bind(d.target)
            .bind(batch.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records decisions on proposed rows of an open batch; every decision is checked (the row
    /// exists, a correction changes something, a confirmed row reads as a record) before any
    /// is recorded. Stores no row.
    pub async fn decide_import_rows(
        &self,
        batch: &ImportBatch,
        decisions: &[RowDecisionInput],
        actor: &crate::Actor,
    ) -> Result<(), StoreError> {
        if !batch.is_open() {
            return Err(closed(batch));
        }
        let mut problems = Vec::new();
        for (i, d) in decisions.iter().enumerate() {
            let Some(row) = batch.rows.iter().find(|r| r.id == d.row) else {
                problems.push(FieldProblem::new(
                    format!("rows[{i}].row"),
                    "unknown_row",
                    format!("import {} proposes no row {}", batch.id, d.row),
                    format!("Lần nhập {} không có dòng đề xuất số {}", batch.id, d.row),
                ));
                continue;
            };
            let corrected = d.decision == Decision::Corrected;
            if corrected && d.fields.as_ref().is_none_or(std::collections::BTreeMap::is_empty) {
                problems.push(FieldProblem::new(
                    format!("rows[{i}].fields"),
                    "correction_empty",
                    "a correction gives the fields to use instead".into(),
                    "Khi sửa, cần ghi các trường thay thế".into(),
                ));
                continue;
            }
            if d.decision.stores() {
                let candidate = ImportRow {
                    corrected_fields: d.fields.clone().filter(|_| corrected),
                    ..row.clone()
                };
                if let Err(ps) = candidate.record() {
                    problems.extend(ps);
                }
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let mut tx = self.begin_write().await?;
        let now = self.now_text();
        for d in decisions {
            let corrected =
                (d.decision == Decision::Corrected).then(|| serde_json::to_string(&d.fields).unwrap_or_default());
            sqlx::query(
                "UPDATE import_rows SET decision = $1, corrected_fields = $2, decided_by = $3, decided_at = $4
                 WHERE id = $5 AND batch_id = $6",
            )
            .bind(d.decision.as_str())
            .bind(corrected)
            .bind(&actor.name)
            .bind(&now)
            .bind(d.row)
            .bind(batch.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Keeps a new import batch with its proposals, all pending. Writes no data value.
    pub async fn create_import(
        &self,
        unit: &UnitSummary,
        period: &Period,
        import: &NewImport,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let now = self.now_text();
        let id: i64 = sqlx::query(
            "INSERT INTO import_batches (unit_id, period, file_name, file_sha256, created_by, created_at, state)
             VALUES ($1, $2, $3, $4, $5, $6, 'open') RETURNING id",
        )
        .bind(unit.id)
        .bind(period.to_string())
        .bind(&import.file_name)
        .bind(&import.sha256)
        .bind(&actor.name)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for p in &import.proposals {
            sqlx::query(
                "INSERT INTO import_proposals (batch_id, figure_group, indicator_code, figure, quote, line, cell, col,
                    element_code, disaggregation, value, confidence, reason_vi, reason_en, flag_vi, flag_en)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            )
            .bind(id)
            .bind(p.group)
            .bind(&p.indicator)
            .bind(&p.figure)
            .bind(&p.quote)
            .bind(p.line)
            .bind(p.cell)
            .bind(p.column)
            .bind(&p.element)
            .bind(&p.disaggregation)
            .bind(&p.value)
            .bind(&p.confidence)
            .bind(&p.reason_vi)
            .bind(&p.reason_en)
            .bind(p.flag_vi.clone())
            .bind(p.flag_en.clone())
            .execute(&mut *tx)
            .await?;
        }
        insert_rows(&mut tx, id, &import.rows).await?;
        insert_targets(&mut tx, id, &import.targets).await?;
        let subject = id.to_string();
        let period_text = period.to_string();
        audit_in(
            &mut tx,
            &AuditEntry {
                actor: &actor.name,
                origin: &actor.origin,
                action: "import.create",
                unit_id: Some(unit.id),
                period: Some(&period_text),
                subject: &subject,
                old_value: None,
                new_value: Some(json!({
                    "file": import.file_name,
                    "sha256": import.sha256,
                    "proposals": import.proposals.len(),
                    "rows": import.rows.len(),
                    "targets": import.targets.len(),
                })),
                reason: None,
            },
            &self.now_text(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An import batch and its proposals, in document order.
    pub async fn import_batch(&self, id: i64) -> Result<ImportBatch, StoreError> {
        let not_found = || StoreError::NotFound {
            what: "import",
            key: id.to_string(),
        };
        let row = sqlx::query(
            "SELECT id, unit_id, period, file_name, file_sha256, created_by, created_at, state, stored_by, stored_at
             FROM import_batches WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(not_found)?;
        let unit = self
            .unit_summary_by_id(row.try_get("unit_id")?)
            .await?
            .ok_or_else(not_found)?;
        let proposals = sqlx::query(
            "SELECT id, figure_group, indicator_code, figure, quote, line, cell, col, element_code, disaggregation,
                    value, confidence, reason_vi, reason_en, flag_vi, flag_en, decision, corrected_element,
                    corrected_disaggregation, corrected_value, decided_by, decided_at
             FROM import_proposals WHERE batch_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let decision: String = r.try_get("decision")?;
            Ok(ImportProposal {
                id: r.try_get("id")?,
                proposed: NewProposal {
                    group: r.try_get("figure_group")?,
                    indicator: r.try_get("indicator_code")?,
                    figure: r.try_get("figure")?,
                    quote: r.try_get("quote")?,
                    line: r.try_get("line")?,
                    cell: r.try_get("cell")?,
                    column: r.try_get("col")?,
                    element: r.try_get("element_code")?,
                    disaggregation: r.try_get("disaggregation")?,
                    value: r.try_get("value")?,
                    confidence: r.try_get("confidence")?,
                    reason_vi: r.try_get("reason_vi")?,
                    reason_en: r.try_get("reason_en")?,
                    flag_vi: r.try_get("flag_vi")?,
                    flag_en: r.try_get("flag_en")?,
                },
                decision: Decision::parse(&decision)
                    .ok_or_else(|| StoreError::Corrupt(format!("import decision `{decision}`")))?,
                corrected_element: r.try_get("corrected_element")?,
                corrected_disaggregation: r.try_get("corrected_disaggregation")?,
                corrected_value: r.try_get("corrected_value")?,
                decided_by: r.try_get("decided_by")?,
                decided_at: r.try_get("decided_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ImportBatch {
            id: row.try_get("id")?,
            unit,
            period: row.try_get("period")?,
            file_name: row.try_get("file_name")?,
            sha256: row.try_get("file_sha256")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
            state: row.try_get("state")?,
            stored_by: row.try_get("stored_by")?,
            stored_at: row.try_get("stored_at")?,
            proposals,
            rows: self.import_rows(id).await?,
            targets: self.import_targets(id).await?,
        })
    }

    /// Records decisions on proposals of an open batch. A correction must say what it
    /// changes; every decision is checked before any is recorded. Writes no data value.
    pub async fn decide_import(
        &self,
        batch: &ImportBatch,
        decisions: &[DecisionInput],
        actor: &Actor,
    ) -> Result<(), StoreError> {
        if !batch.is_open() {
            return Err(closed(batch));
        }
        let mut problems = Vec::new();
        for (i, d) in decisions.iter().enumerate() {
            if !batch.proposals.iter().any(|p| p.id == d.proposal) {
                problems.push(FieldProblem::new(
                    format!("decisions[{i}].proposal"),
                    "unknown_proposal",
                    format!("import {} has no proposal {}", batch.id, d.proposal),
                    format!("Lần nhập {} không có đề xuất số {}", batch.id, d.proposal),
                ));
            }
            let changes = d.element.is_some() || d.disaggregation.is_some() || d.value.is_some();
            if d.decision == Decision::Corrected && !changes {
                problems.push(FieldProblem::new(
                    format!("decisions[{i}].value"),
                    "correction_empty",
                    "a correction gives the element, breakdown or value to use instead".into(),
                    "Khi sửa, cần ghi chỉ tiêu dữ liệu, phân tổ hoặc giá trị thay thế".into(),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let mut tx = self.begin_write().await?;
        let now = self.now_text();
        for d in decisions {
            let corrected = d.decision == Decision::Corrected;
            let keep = |v: &Option<String>| if corrected { v.clone() } else { None };
            sqlx::query(
                "UPDATE import_proposals SET decision = $1, corrected_element = $2, corrected_disaggregation = $3,
                    corrected_value = $4, decided_by = $5, decided_at = $6
                 WHERE id = $7 AND batch_id = $8",
            )
            .bind(d.decision.as_str())
            .bind(keep(&d.element))
            .bind(keep(&d.disaggregation))
            .bind(keep(&d.value))
            .bind(&actor.name)
            .bind(&now)
            .bind(d.proposal)
            .bind(batch.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Writes the confirmed and corrected values of an open batch as data values, in one
    /// validated, audited write with each value's source, and marks the batch stored in the
    /// same transaction. When nothing is confirmed, or any value is refused, nothing is
    /// written and the batch stays open; refusals name the proposal (`proposals[ID].value`).
    pub async fn store_import(&self, batch: &ImportBatch, actor: &Actor) -> Result<WriteSummary, StoreError> {
        if !batch.is_open() {
            return Err(closed(batch));
        }
        let chosen: Vec<&ImportProposal> = batch.proposals.iter().filter(|p| p.decision.stores()).collect();
        let rows: Vec<&ImportRow> = batch.rows.iter().filter(|r| r.decision.stores()).collect();
        let targets: Vec<&ImportTarget> = batch.targets.iter().filter(|t| t.decision.stores()).collect();
        if chosen.is_empty() && rows.is_empty() && targets.is_empty() {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "proposals",
                "nothing_confirmed",
                "no proposal, row or target is confirmed: confirm or correct at least one before storing".into(),
                "Chưa xác nhận đề xuất nào: cần xác nhận hoặc sửa ít nhất một đề xuất trước khi lưu".into(),
            )]));
        }
        let inputs: Vec<ValueInput> = chosen
            .iter()
            .map(|p| {
                let (element, disaggregation, value) = p.effective();
                ValueInput {
                    element: element.to_string(),
                    disaggregation: Some(disaggregation.to_string()),
                    value: RawValue::Text(value.to_string()),
                    comment: None,
                    source: Some(p.source(&batch.file_name)),
                    expected: None,
                }
            })
            .collect();
        let period: Period = batch
            .period
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("import period `{}`", batch.period)))?;
        let targets = self.check_targets(&batch.unit, &targets).await?;
        let mut tx = self.begin_write().await?;
        let summary = if inputs.is_empty() {
            Ok(WriteSummary::default())
        } else {
            self.write_values_in(&mut tx, &batch.unit, &period, &inputs, actor)
                .await
        };
        let summary = summary.map_err(|e| match e {
            StoreError::Invalid(problems) => StoreError::Invalid(
                problems
                    .into_iter()
                    .map(|mut p| {
                        // values[3].value → proposals[<id of the 4th chosen>].value
                        if let Some(rest) = p.field.strip_prefix("values[")
                            && let Some((index, tail)) = rest.split_once(']')
                            && let Some(chosen) = index.parse::<usize>().ok().and_then(|i| chosen.get(i))
                        {
                            p.field = format!("proposals[{}]{tail}", chosen.id);
                        }
                        p
                    })
                    .collect(),
            ),
            other => other,
        })?;
        crate::import_rows::store_rows(
            &mut tx,
            &batch.unit,
            &period,
            &rows,
            &batch.file_name,
            actor,
            &self.now_text(),
        )
        .await?;
        write_targets(&mut tx, &targets, &batch.file_name, actor, &self.now_text()).await?;
        let now = self.now_text();
        let closed_now = sqlx::query(
            "UPDATE import_batches SET state = 'stored', stored_by = $1, stored_at = $2 WHERE id = $3 AND state = 'open'",
        )
        .bind(&actor.name)
        .bind(&now)
        .bind(batch.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if closed_now != 1 {
            // Someone stored it meanwhile: dropping the transaction undoes this write.
            return Err(closed(batch));
        }
        tx.commit().await?;
        Ok(summary)
    }
}
