//! The table of codes another system uses (`binhdang_domain::exchange::codes`): read whole,
//! replaced whole by an administrator, audited.

use crate::access::{AuditEntry, audit_in};
use crate::{Actor, Store, StoreError};
use binhdang_domain::exchange::codes::{CodeMap, ElementCode, UnitCode};
use binhdang_domain::input::FieldProblem;
use sqlx::Row;

impl Store {
    /// The whole table (empty: binhdang's own codes everywhere).
    pub async fn exchange_codes(&self) -> Result<CodeMap, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, local_code, breakdown, remote_code, remote_combo FROM exchange_codes
             ORDER BY kind, local_code, breakdown",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut map = CodeMap::default();
        for r in rows {
            let kind: String = r.try_get("kind")?;
            let local: String = r.try_get("local_code")?;
            let remote: String = r.try_get("remote_code")?;
            if kind == "unit" {
                map.units.push(UnitCode {
                    unit: local,
                    org_unit: remote,
                });
                continue;
            }
            let breakdown: String = r.try_get("breakdown")?;
            let combo: String = r.try_get("remote_combo")?;
            map.elements.push(ElementCode {
                element: local,
                breakdown: breakdown
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("breakdown `{breakdown}`")))?,
                data_element: remote,
                category_option_combo: (!combo.is_empty()).then_some(combo),
            });
        }
        Ok(map)
    }

    /// Replaces the table (checked whole: nothing is written when a row is wrong), audited
    /// with the table before and after.
    pub async fn set_exchange_codes(&self, map: &CodeMap, actor: &Actor) -> Result<(), StoreError> {
        let mut problems: Vec<FieldProblem> = map
            .problems()
            .into_iter()
            .map(|(en, vi)| FieldProblem::new("codes", "bad_code_map", en, vi))
            .collect();
        let known = self.data_elements().await?;
        for (i, e) in map.elements.iter().enumerate() {
            if !known.iter().any(|k| k.code == e.element) {
                problems.push(FieldProblem::new(
                    format!("elements[{i}].element"),
                    "unknown_element",
                    format!("there is no data element `{}`", e.element),
                    format!("Không có chỉ tiêu dữ liệu `{}`", e.element),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let before = self.exchange_codes().await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM exchange_codes").execute(&mut *tx).await?;
        for e in &map.elements {
            sqlx::query(
                "INSERT INTO exchange_codes (kind, local_code, breakdown, remote_code, remote_combo)
                 VALUES ('element', $1, $2, $3, $4)",
            )
            .bind(e.element.trim())
            .bind(e.breakdown.as_str())
            .bind(e.data_element.trim())
            .bind(e.category_option_combo.as_deref().unwrap_or("").trim())
            .execute(&mut *tx)
            .await?;
        }
        for u in &map.units {
            sqlx::query(
                "INSERT INTO exchange_codes (kind, local_code, breakdown, remote_code, remote_combo)
                 VALUES ('unit', $1, '', $2, '')",
            )
            .bind(u.unit.trim())
            .bind(u.org_unit.trim())
            .execute(&mut *tx)
            .await?;
        }
        audit_in(
            &mut tx,
            &AuditEntry {
                actor: &actor.name,
                origin: &actor.origin,
                action: "exchange_codes",
                unit_id: None,
                period: None,
                subject: "exchange_codes",
                old_value: serde_json::to_value(&before).ok(),
                new_value: serde_json::to_value(map).ok(),
                reason: None,
            },
            &self.now_text(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
