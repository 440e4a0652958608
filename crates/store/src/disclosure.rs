//! What small-cell protection reads (`binhdang_domain::disclosure` decides): the sums of a
//! period for some elements at every unit standing at the period's end, with each unit's
//! parent, and the thresholds administrators set per data element.

use crate::access::{AuditEntry, audit_in};
use crate::{Actor, Store, StoreError, Sums, date_to_text, text_to_decimal};
use binhdang_domain::{Disaggregation, Period};
use binhdang_domain::{ElementCode, UnitCode};
use rust_decimal::Decimal;
use sqlx::Row;
use std::collections::HashMap;

/// One cell of the sums: a unit's (subtree's) sum of an element and breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct DisclosureCell {
    pub unit_id: i64,
    pub unit_code: UnitCode,
    pub parent_id: Option<i64>,
    pub element: ElementCode,
    pub disaggregation: Disaggregation,
    pub value: Decimal,
}

impl Store {
    /// The sums of `elements` for `period` at every unit standing on the period's last day
    /// (the tree the figures of that period are shown in), in a fixed order: the same sums
    /// always give the same decision.
    pub async fn disclosure_cells(
        &self,
        sums: Sums,
        period: &Period,
        elements: &[String],
    ) -> Result<Vec<DisclosureCell>, StoreError> {
        if elements.is_empty() {
            return Ok(Vec::new());
        }
        let list = (0..elements.len())
            .map(|i| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT a.unit_id, u.code, u.parent_id, a.element_code, a.disaggregation, a.value
             FROM {} a JOIN units u ON u.id = a.unit_id
             WHERE a.period = $1 AND (u.valid_from IS NULL OR u.valid_from <= $2)
               AND (u.valid_to IS NULL OR u.valid_to >= $2) AND a.element_code IN ({list})
             ORDER BY a.unit_id, a.element_code, a.disaggregation",
            sums.table()
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(period.to_string())
            .bind(date_to_text(period.end()));
        for e in elements {
            q = q.bind(e.as_str());
        }
        let mut out = Vec::new();
        for r in q.fetch_all(&self.pool).await? {
            let d: String = r.try_get("disaggregation")?;
            out.push(DisclosureCell {
                unit_id: r.try_get("unit_id")?,
                unit_code: crate::parse(&r, "code")?,
                parent_id: r.try_get("parent_id")?,
                element: crate::parse(&r, "element_code")?,
                disaggregation: d
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("disaggregation `{d}`")))?,
                value: text_to_decimal(&r.try_get::<String, _>("value")?)?,
            });
        }
        Ok(out)
    }

    /// The thresholds administrators set, by element code (0: not protected).
    pub async fn small_cell_thresholds(&self) -> Result<HashMap<String, u32>, StoreError> {
        let rows = sqlx::query("SELECT element_code, threshold FROM small_cell_thresholds")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let t: i64 = r.try_get("threshold")?;
                Ok((
                    r.try_get("element_code")?,
                    u32::try_from(t).map_err(|_| StoreError::Corrupt(format!("threshold {t}")))?,
                ))
            })
            .collect()
    }

    /// Sets an element's threshold (`None`: back to the default rule), audited.
    pub async fn set_small_cell_threshold(
        &self,
        element: &str,
        threshold: Option<u32>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        if !self.data_elements().await?.iter().any(|e| e.code == element) {
            return Err(StoreError::NotFound {
                what: "data element",
                key: element.to_string(),
            });
        }
        let mut tx = self.begin_write().await?;
        let old: Option<i64> = sqlx::query("SELECT threshold FROM small_cell_thresholds WHERE element_code = $1")
            .bind(element)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("threshold"))
            .transpose()?;
        sqlx::query("DELETE FROM small_cell_thresholds WHERE element_code = $1")
            .bind(element)
            .execute(&mut *tx)
            .await?;
        let now = self.now_text();
        if let Some(t) = threshold {
            sqlx::query(
                "INSERT INTO small_cell_thresholds (element_code, threshold, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(element)
            .bind(i64::from(t))
            .bind(&now)
            .bind(&actor.name)
            .execute(&mut *tx)
            .await?;
        }
        audit_in(
            &mut tx,
            &AuditEntry {
                actor: &actor.name,
                origin: &actor.origin,
                action: "small_cell_threshold",
                unit_id: None,
                period: None,
                subject: element,
                old_value: old.map(serde_json::Value::from),
                new_value: threshold.map(serde_json::Value::from),
                reason: None,
            },
            &now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
