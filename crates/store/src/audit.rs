//! Reading the audit trail: data-value changes, register rows and everything else
//! (workflow, users, targets, rules, refused access), as one time-ordered list.

use crate::{Store, StoreError, UnitSummary};
use serde::Serialize;
use sqlx::Row;

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub at: String,
    pub actor: String,
    pub origin: String,
    /// `value.change`, `register.create`, `workflow.submit`, `access.denied`, …
    pub action: String,
    pub period: Option<String>,
    /// The element, register row or programme concerned.
    pub subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disaggregation: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where an imported value was read from: "file — quote".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The unit of whoever entered the value, when it was entered on the unit's behalf.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entered_from: Option<String>,
}

impl Store {
    /// A unit's audit trail, optionally for one period and one data element, oldest first.
    pub async fn audit_trail(
        &self,
        unit: &UnitSummary,
        period: Option<&str>,
        element: Option<&str>,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut out = Vec::new();
        let values = sqlx::query(
            "SELECT changed_at, changed_by, origin, period, element_code, disaggregation, old_value, new_value,
                    old_comment, new_comment, source, entered_from
             FROM data_value_audit WHERE unit_id = $1 AND ($2 IS NULL OR period = $2)
               AND ($3 IS NULL OR element_code = $3) ORDER BY id",
        )
        .bind(unit.id)
        .bind(period.map(str::to_string))
        .bind(element.map(str::to_string))
        .fetch_all(&self.pool)
        .await?;
        for r in values {
            let new_comment: Option<String> = r.try_get("new_comment")?;
            out.push(AuditRecord {
                at: r.try_get("changed_at")?,
                actor: r.try_get("changed_by")?,
                origin: r.try_get("origin")?,
                action: "value.change".into(),
                period: Some(r.try_get("period")?),
                subject: r.try_get("element_code")?,
                disaggregation: Some(r.try_get("disaggregation")?),
                old_value: r.try_get("old_value")?,
                new_value: r.try_get("new_value")?,
                reason: new_comment
                    .filter(|c| Some(c) != r.try_get::<Option<String>, _>("old_comment").ok().flatten().as_ref()),
                source: r.try_get("source")?,
                entered_from: r.try_get("entered_from")?,
            });
        }
        if element.is_none() {
            let registers = sqlx::query(
                "SELECT changed_at, changed_by, origin, period, register, row_id, action, old_json, new_json, source
                 FROM register_audit WHERE unit_id = $1 AND ($2 IS NULL OR period = $2) ORDER BY id",
            )
            .bind(unit.id)
            .bind(period.map(str::to_string))
            .fetch_all(&self.pool)
            .await?;
            for r in registers {
                out.push(AuditRecord {
                    at: r.try_get("changed_at")?,
                    actor: r.try_get("changed_by")?,
                    origin: r.try_get("origin")?,
                    action: format!("register.{}", r.try_get::<String, _>("action")?),
                    period: Some(r.try_get("period")?),
                    subject: format!(
                        "{}/{}",
                        r.try_get::<String, _>("register")?,
                        r.try_get::<i64, _>("row_id")?
                    ),
                    disaggregation: None,
                    old_value: r.try_get("old_json")?,
                    new_value: r.try_get("new_json")?,
                    reason: None,
                    source: r.try_get("source")?,
                    entered_from: None,
                });
            }
            let events = sqlx::query(
                "SELECT at, actor, origin, action, period, subject, old_value, new_value, reason FROM audit_log
                 WHERE unit_id = $1 AND ($2 IS NULL OR period = $2 OR period IS NULL) ORDER BY id",
            )
            .bind(unit.id)
            .bind(period.map(str::to_string))
            .fetch_all(&self.pool)
            .await?;
            for r in events {
                out.push(AuditRecord {
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    origin: r.try_get("origin")?,
                    action: r.try_get("action")?,
                    period: r.try_get("period")?,
                    subject: r.try_get("subject")?,
                    disaggregation: None,
                    old_value: r.try_get("old_value")?,
                    new_value: r.try_get("new_value")?,
                    reason: r.try_get("reason")?,
                    source: None,
                    entered_from: None,
                });
            }
        }
        // Timestamps are RFC 3339 with varying sub-second digits: compare them as times.
        let when = |t: &str| time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok();
        out.sort_by_key(|r| when(&r.at));
        Ok(out)
    }
}

/// Values of a unit's report keyed in by someone of another unit (a reviewer typing in a
/// commune's paper report): who, from which unit, how many changes, the last when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OnBehalf {
    pub actor: String,
    pub entered_from: String,
    pub changes: i64,
    pub last_at: String,
}

impl Store {
    /// Who entered values of `unit` for `period` on its behalf, most recent first.
    pub async fn entered_on_behalf(&self, unit: &UnitSummary, period: &str) -> Result<Vec<OnBehalf>, StoreError> {
        let rows = sqlx::query(
            "SELECT changed_by, entered_from, COUNT(*) AS changes, MAX(changed_at) AS last_at
             FROM data_value_audit WHERE unit_id = $1 AND period = $2 AND entered_from IS NOT NULL
             GROUP BY changed_by, entered_from ORDER BY MAX(changed_at) DESC",
        )
        .bind(unit.id)
        .bind(period)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OnBehalf {
                    actor: r.try_get("changed_by")?,
                    entered_from: r.try_get("entered_from")?,
                    changes: r.try_get("changes")?,
                    last_at: r.try_get("last_at")?,
                })
            })
            .collect()
    }
}
