//! The parts agencies send of their unit's report: Sở Y tế submits the health indicators of
//! the province's annual report, the Women's Union its own; the province's reviewer sees each
//! part (who has sent, who has not, on time or late) and may return one with a reason. The
//! unit's report consolidates its units below and these parts; once it is submitted the parts
//! are closed with it.

use crate::access::{AuditEntry, audit_in};
use crate::{Actor, FieldProblem, Store, StoreError, UnitSummary, text_to_date};
use binhdang_domain::Period;
use binhdang_domain::calendar::{Programme, Timeliness, timeliness};
use binhdang_domain::workflow::State;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashSet;
use time::Date;

/// One agency's line in its unit's status.
#[derive(Debug, Clone, Serialize)]
pub struct AgencyPart {
    pub agency: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    /// The indicators it answers for.
    pub indicators: Vec<String>,
    /// submitted, returned, draft (values entered, not submitted), missing (nothing).
    pub state: &'static str,
    pub first_submitted_at: Option<String>,
    pub comment: Option<String>,
    pub deadline: Option<Date>,
    pub timeliness: Timeliness,
}

fn refused(code: &str, en: String, vi: String) -> StoreError {
    StoreError::Invalid(vec![FieldProblem::new("agency", code, en, vi)])
}

impl Store {
    /// The parts of `unit`'s open agencies for a programme and period.
    pub async fn agency_parts(
        &self,
        unit: &UnitSummary,
        programme: &Programme,
        period: &Period,
        today: Date,
    ) -> Result<Vec<AgencyPart>, StoreError> {
        let mut agencies = self.agencies_of(unit).await?;
        if !self.programme_binds(programme, unit).await? {
            agencies.clear();
        }
        agencies.retain(|a| programme.binds_agency(&a.code));
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let entered: HashSet<String> = self
            .values(unit, period)
            .await?
            .into_iter()
            .filter_map(|v| v.element.rsplit_once('.').map(|(indicator, _)| indicator.to_string()))
            .collect();
        let deadline = programme.deadline(period, unit.level);
        let mut parts = Vec::with_capacity(agencies.len());
        for agency in agencies {
            let indicators = self.agency_indicators(&agency.code).await?;
            let row = sqlx::query(
                "SELECT state, first_submitted_at, comment FROM agency_submissions
                 WHERE agency_code = $1 AND programme_code = $2 AND period = $3",
            )
            .bind(&agency.code)
            .bind(&programme.code)
            .bind(period.to_string())
            .fetch_optional(&self.pool)
            .await?;
            let (state, first, comment) = match row {
                Some(r) => {
                    let state: String = r.try_get("state")?;
                    let state = if state == "submitted" { "submitted" } else { "returned" };
                    (
                        state,
                        Some(r.try_get::<String, _>("first_submitted_at")?),
                        r.try_get("comment")?,
                    )
                }
                None if indicators.iter().any(|i| entered.contains(i)) => ("draft", None, None),
                None => ("missing", None, None),
            };
            let submitted_on = first
                .as_deref()
                .and_then(|t| t.get(..10))
                .and_then(|d| text_to_date(d).ok());
            parts.push(AgencyPart {
                agency: agency.code,
                name_vi: agency.name_vi,
                name_en: agency.name_en,
                indicators,
                state,
                first_submitted_at: first,
                comment,
                deadline,
                timeliness: timeliness(deadline, submitted_on, today),
            });
        }
        Ok(parts)
    }

    /// Submits `agency`'s part of its unit's report. Refused for an agency of another unit, a
    /// closed one, one that answers for nothing, or when the unit's report has gone on already.
    pub async fn submit_agency_part(
        &self,
        agency: &str,
        unit: &UnitSummary,
        programme: &Programme,
        period: &Period,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let open = self.agencies_of(unit).await?;
        if !open.iter().any(|a| a.code == agency) {
            return Err(refused(
                "not_an_agency_of_unit",
                format!("{agency} is not an open agency of {}", unit.full_name),
                format!("{agency} không phải cơ quan đang hoạt động của {}", unit.full_name),
            ));
        }
        if !programme.binds_agency(agency) || !self.programme_binds(programme, unit).await? {
            return Err(refused(
                "not_bound",
                format!("{agency} does not report under {}", programme.name_en),
                format!("{agency} không thuộc đối tượng báo cáo của {}", programme.name_vi),
            ));
        }
        if self.agency_indicators(agency).await?.is_empty() {
            return Err(refused(
                "agency_answers_for_nothing",
                format!("{agency} answers for no indicator yet: the administrator assigns them first"),
                format!("{agency} chưa được giao chỉ tiêu nào: quản trị viên cần giao trước"),
            ));
        }
        let now = self.now_text();
        let mut tx = self.begin_write().await?;
        let unit_report = crate::workflow::submission_on(&mut tx, unit, &programme.code, period).await?;
        if matches!(unit_report.state, State::Submitted | State::Approved) {
            return Err(refused(
                "unit_report_sent",
                format!(
                    "the report of {} for {period} is {} already; its reviewer must reopen it first",
                    unit.full_name,
                    unit_report.state.as_str()
                ),
                format!(
                    "Báo cáo của {} kỳ {period} đã ở trạng thái “{}”; cần mở lại trước khi gửi phần của cơ quan",
                    unit.full_name,
                    unit_report.state.label_vi()
                ),
            ));
        }
        sqlx::query(
            "INSERT INTO agency_submissions (agency_code, programme_code, period, state, first_submitted_at, comment,
                updated_at, updated_by)
             VALUES ($1, $2, $3, 'submitted', $4, NULL, $4, $5)
             ON CONFLICT (agency_code, programme_code, period) DO UPDATE SET state = 'submitted', comment = NULL,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(agency)
        .bind(&programme.code)
        .bind(period.to_string())
        .bind(&now)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        self.audit_part(&mut tx, unit, period, agency, "agency.submit", None, actor, &now)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Returns a submitted part to its agency, with the reason (required).
    pub async fn return_agency_part(
        &self,
        agency: &str,
        unit: &UnitSummary,
        programme: &Programme,
        period: &Period,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "reason",
                "reason_required",
                "say why the part goes back".into(),
                "Cần nêu lý do trả lại".into(),
            )]));
        }
        let now = self.now_text();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE agency_submissions SET state = 'returned', comment = $1, updated_at = $2, updated_by = $3
             WHERE agency_code = $4 AND programme_code = $5 AND period = $6 AND state = 'submitted'",
        )
        .bind(reason.trim())
        .bind(&now)
        .bind(&actor.name)
        .bind(agency)
        .bind(&programme.code)
        .bind(period.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(refused(
                "part_not_submitted",
                format!("{agency} has no submitted part for {period}"),
                format!("{agency} chưa gửi phần báo cáo kỳ {period}"),
            ));
        }
        self.audit_part(
            &mut tx,
            unit,
            period,
            agency,
            "agency.return",
            Some(reason.trim()),
            actor,
            &now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit_part(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        unit: &UnitSummary,
        period: &Period,
        agency: &str,
        action: &str,
        reason: Option<&str>,
        actor: &Actor,
        now: &str,
    ) -> Result<(), StoreError> {
        let period = period.to_string();
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action,
            unit_id: Some(unit.id),
            period: Some(&period),
            subject: agency,
            old_value: None,
            new_value: None,
            reason,
        };
        audit_in(tx, &entry, now).await
    }
}
