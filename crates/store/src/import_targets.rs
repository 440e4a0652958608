//! The targets a plan states, proposed with the import of the plan as the unit's own targets
//! for the phase ending in the year they name (2025: 2021–2025; 2030: 2026–2030): kept with the
//! batch, decided like the figures' proposals, and set as local targets by
//! [`crate::Store::store_import`] in the same transaction, audited with the file and the quote.

use crate::catalogue::{LocalTargetSet, write_local_target};
use crate::import_rows::Decision;
use crate::{FieldProblem, Store, StoreError, UnitSummary};
use binhdang_domain::Period;
use binhdang_domain::catalogue::{Target, TargetOp};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::Row;
use std::str::FromStr;

/// A target as the plan states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewImportTarget {
    pub indicator: String,
    /// The phase it is for: `2021-2025` or `2026-2030`.
    pub phase: String,
    /// `>=`, `<=`, `~`…
    pub op: String,
    /// Canonical decimal text.
    pub value: String,
    pub figure: String,
    pub quote: String,
    pub line: i64,
}

/// A proposed target with its decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportTarget {
    pub id: i64,
    #[serde(flatten)]
    pub proposed: NewImportTarget,
    pub decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected_op: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

impl ImportTarget {
    /// The target that would be set: the correction's sign and value, else the proposal's.
    pub fn effective(&self) -> Result<Target, FieldProblem> {
        let op = self.corrected_op.as_deref().unwrap_or(&self.proposed.op);
        let value = self.corrected_value.as_deref().unwrap_or(&self.proposed.value);
        let bad = |what: &str| {
            FieldProblem::new(
                format!("targets[{}]", self.id),
                "bad_target",
                format!("`{what}` is not a target's sign or value"),
                format!("`{what}` không phải dấu hoặc giá trị của chỉ tiêu"),
            )
        };
        Ok(Target {
            op: TargetOp::from_str(op).map_err(|_| bad(op))?,
            value: Decimal::from_str(value).map_err(|_| bad(value))?,
        })
    }

    pub fn source(&self, file_name: &str) -> String {
        format!("{file_name} — {}", self.proposed.quote)
    }
}

/// A decision on a proposed target; a correction gives the sign or the value to use instead.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetDecisionInput {
    pub target: i64,
    pub decision: Decision,
    pub op: Option<String>,
    pub value: Option<String>,
}

pub(crate) async fn insert_targets(
    tx: &mut sqlx::AnyConnection,
    batch: i64,
    targets: &[NewImportTarget],
) -> Result<(), StoreError> {
    for t in targets {
        sqlx::query(
            "INSERT INTO import_targets (batch_id, indicator_code, phase, op, value, figure, quote, line)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(batch)
        .bind(&t.indicator)
        .bind(&t.phase)
        .bind(&t.op)
        .bind(&t.value)
        .bind(&t.figure)
        .bind(&t.quote)
        .bind(t.line)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

impl Store {
    /// The proposed targets of a batch, in document order.
    pub(crate) async fn import_targets(&self, batch: i64) -> Result<Vec<ImportTarget>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, indicator_code, phase, op, value, figure, quote, line, decision, corrected_op, corrected_value,
                    decided_by, decided_at
             FROM import_targets WHERE batch_id = $1 ORDER BY id",
        )
        .bind(batch)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let decision: String = r.try_get("decision")?;
                Ok(ImportTarget {
                    id: r.try_get("id")?,
                    proposed: NewImportTarget {
                        indicator: r.try_get("indicator_code")?,
                        phase: r.try_get("phase")?,
                        op: r.try_get("op")?,
                        value: r.try_get("value")?,
                        figure: r.try_get("figure")?,
                        quote: r.try_get("quote")?,
                        line: r.try_get("line")?,
                    },
                    decision: Decision::parse(&decision)
                        .ok_or_else(|| StoreError::Corrupt(format!("import decision `{decision}`")))?,
                    corrected_op: r.try_get("corrected_op")?,
                    corrected_value: r.try_get("corrected_value")?,
                    decided_by: r.try_get("decided_by")?,
                    decided_at: r.try_get("decided_at")?,
                })
            })
            .collect()
    }

    /// Checks the chosen targets as the catalogue page checks one (every problem named
    /// `targets[ID]`), before the import's transaction opens: what [`write_targets`] then sets.
    pub(crate) async fn check_targets<'a>(
        &self,
        unit: &UnitSummary,
        targets: &[&'a ImportTarget],
    ) -> Result<Vec<CheckedTarget<'a>>, StoreError> {
        let mut problems = Vec::new();
        let mut checked = Vec::new();
        for t in targets {
            let target = match t.effective() {
                Ok(target) => target,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            let phase: Period = t
                .proposed
                .phase
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("phase `{}`", t.proposed.phase)))?;
            match self
                .local_target_unit(&unit.code, &t.proposed.indicator, &phase, &target)
                .await
            {
                Ok(for_unit) => checked.push(CheckedTarget {
                    proposal: t,
                    unit: for_unit,
                    phase,
                    target,
                }),
                Err(StoreError::Invalid(ps)) => problems.extend(ps.into_iter().map(|p| FieldProblem {
                    field: format!("targets[{}]", t.id),
                    ..p
                })),
                Err(e) => return Err(e),
            }
        }
        if problems.is_empty() {
            Ok(checked)
        } else {
            Err(StoreError::Invalid(problems))
        }
    }
}

/// A proposed target checked and ready to set.
pub(crate) struct CheckedTarget<'a> {
    proposal: &'a ImportTarget,
    unit: UnitSummary,
    phase: Period,
    target: Target,
}

/// Sets checked targets inside the import's transaction, each audited with the file and the
/// quote as its source.
pub(crate) async fn write_targets(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    targets: &[CheckedTarget<'_>],
    file_name: &str,
    actor: &crate::Actor,
    now: &str,
) -> Result<(), StoreError> {
    for t in targets {
        let source = t.proposal.source(file_name);
        let set = LocalTargetSet {
            unit: &t.unit,
            indicator: &t.proposal.proposed.indicator,
            phase: &t.phase,
            target: t.target,
            source: Some(&source),
        };
        write_local_target(tx, &set, actor, now).await?;
    }
    Ok(())
}
