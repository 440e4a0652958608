//! The register rows an import proposes (an annex of directive documents, …): kept with the
//! batch, decided one by one like the figures' proposals, and stored by
//! [`crate::Store::store_import`] into their register — checked as any row is, audited with the
//! file and the row's quote as source — in the same transaction as the values.

use crate::{FieldProblem, Store, StoreError};
use binhdang_domain::register::{RawField, RawRecord, Record, Register, RegisterKind};
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;

/// What a person decided about a proposed value or row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Pending,
    Confirmed,
    Corrected,
    Dropped,
}

impl Decision {
    pub fn as_str(&self) -> &'static str {
        match self {
            Decision::Pending => "pending",
            Decision::Confirmed => "confirmed",
            Decision::Corrected => "corrected",
            Decision::Dropped => "dropped",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Some(match s {
            "pending" => Decision::Pending,
            "confirmed" | "confirm" => Decision::Confirmed,
            "corrected" | "correct" => Decision::Corrected,
            "dropped" | "drop" => Decision::Dropped,
            _ => return None,
        })
    }

    pub fn label_vi(&self) -> &'static str {
        match self {
            Decision::Pending => "chưa quyết định",
            Decision::Confirmed => "xác nhận",
            Decision::Corrected => "đã sửa",
            Decision::Dropped => "bỏ",
        }
    }

    /// Whether the value is to be stored.
    pub fn stores(&self) -> bool {
        matches!(self, Decision::Confirmed | Decision::Corrected)
    }
}

/// A register row as the import proposes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewImportRow {
    pub register: RegisterKind,
    pub line: i64,
    pub quote: String,
    /// The register's fields as text.
    pub fields: BTreeMap<String, String>,
}

/// A proposed row with its decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportRow {
    pub id: i64,
    #[serde(flatten)]
    pub proposed: NewImportRow,
    pub decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected_fields: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

impl ImportRow {
    /// The fields that would be stored: the proposal's, with a correction's over them.
    pub fn effective(&self) -> BTreeMap<String, String> {
        let mut fields = self.proposed.fields.clone();
        for (k, v) in self.corrected_fields.iter().flatten() {
            if v.trim().is_empty() {
                fields.remove(k);
            } else {
                fields.insert(k.clone(), v.trim().to_string());
            }
        }
        fields
    }

    /// The register's record from the effective fields; problems named `rows[ID].<field>`.
    pub fn record(&self) -> Result<Record, Vec<FieldProblem>> {
        let raw: RawRecord = self
            .effective()
            .into_iter()
            .map(|(k, v)| (k, RawField::Text(v)))
            .collect();
        Record::from_raw(self.proposed.register, &raw).map_err(|problems| {
            problems
                .into_iter()
                .map(|p| {
                    FieldProblem::new(
                        format!("rows[{}].{}", self.id, p.field),
                        p.code,
                        p.message_en,
                        p.message_vi,
                    )
                })
                .collect()
        })
    }

    /// The audit trail's source of the stored row.
    pub fn source(&self, file_name: &str) -> String {
        format!("{file_name} — {}", self.proposed.quote)
    }
}

/// A decision on one proposed row; a correction gives the fields that change (empty text
/// removes one).
#[derive(Debug, Clone, PartialEq)]
pub struct RowDecisionInput {
    pub row: i64,
    pub decision: Decision,
    pub fields: Option<BTreeMap<String, String>>,
}

/// Keeps the proposed rows of a new batch (inside its transaction).
pub(crate) async fn insert_rows(
    tx: &mut sqlx::AnyConnection,
    batch: i64,
    rows: &[NewImportRow],
) -> Result<(), StoreError> {
    for r in rows {
        sqlx::query("INSERT INTO import_rows (batch_id, register, line, quote, fields) VALUES ($1, $2, $3, $4, $5)")
            .bind(batch)
            .bind(r.register.slug())
            .bind(r.line)
            .bind(&r.quote)
            .bind(serde_json::to_string(&r.fields).map_err(|e| StoreError::Corrupt(e.to_string()))?)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

fn fields_from(text: &str) -> Result<BTreeMap<String, String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("import row fields: {e}")))
}

impl Store {
    /// The proposed rows of a batch, in document order.
    pub(crate) async fn import_rows(&self, batch: i64) -> Result<Vec<ImportRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, register, line, quote, fields, decision, corrected_fields, decided_by, decided_at
             FROM import_rows WHERE batch_id = $1 ORDER BY id",
        )
        .bind(batch)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let register: String = r.try_get("register")?;
                let decision: String = r.try_get("decision")?;
                let corrected: Option<String> = r.try_get("corrected_fields")?;
                Ok(ImportRow {
                    id: r.try_get("id")?,
                    proposed: NewImportRow {
                        register: RegisterKind::from_slug(&register)
                            .ok_or_else(|| StoreError::Corrupt(format!("register `{register}`")))?,
                        line: r.try_get("line")?,
                        quote: r.try_get("quote")?,
                        fields: fields_from(&r.try_get::<String, _>("fields")?)?,
                    },
                    decision: Decision::parse(&decision)
                        .ok_or_else(|| StoreError::Corrupt(format!("import decision `{decision}`")))?,
                    corrected_fields: corrected.as_deref().map(fields_from).transpose()?,
                    decided_by: r.try_get("decided_by")?,
                    decided_at: r.try_get("decided_at")?,
                })
            })
            .collect()
    }
}

/// Stores the chosen rows into their registers inside the import's transaction: each read and
/// checked as any row is (every problem named `rows[ID].<field>`, nothing stored when one is
/// wrong), then written with its audit entry, whose source is the file and the row's quote.
pub(crate) async fn store_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    unit: &crate::UnitSummary,
    period: &binhdang_domain::Period,
    rows: &[&ImportRow],
    file_name: &str,
    actor: &crate::Actor,
    now: &str,
) -> Result<(), StoreError> {
    use crate::registers::{checked, insert_row, load_lists};
    let lists = load_lists(tx).await?;
    let mut problems = Vec::new();
    let mut records = Vec::new();
    for row in rows {
        match row.record() {
            Ok(record) => {
                let found = crate::batch::with_record!(&record, r => checked(r, period, &lists));
                match found {
                    Ok(_) => records.push((row, record)),
                    Err(StoreError::Invalid(ps)) => problems.extend(ps.into_iter().map(|p| FieldProblem {
                        field: format!("rows[{}].{}", row.id, p.field),
                        ..p
                    })),
                    Err(e) => return Err(e),
                }
            }
            Err(ps) => problems.extend(ps),
        }
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    for (row, record) in records {
        let source = row.source(file_name);
        crate::batch::with_record!(record, r => {
            let mut r = r;
            r.normalise();
            insert_row(tx, unit, period, r, actor, now, Some(&source)).await?;
        });
    }
    Ok(())
}
