//! Reporting programmes, the workflow of each unit's report, period closure and unlocks,
//! completeness and timeliness, and the sums of approved data.

use crate::access::{AuditEntry, audit_in};
use crate::rollup::{Sums, apply_deltas};
use crate::{Actor, FieldProblem, Store, StoreError, UnitSummary, date_to_text, text_to_date, text_to_decimal};
use binhdang_domain::ElementCode;
use binhdang_domain::UnitCode;
use binhdang_domain::calendar::{Programme, Timeliness, timeliness};
use binhdang_domain::rollup::{Delta, contributions, deltas};
use binhdang_domain::workflow::{self, Checks, State, Transition};
use binhdang_domain::{Disaggregation, Period};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// The workflow record of one unit × programme × period.
#[derive(Debug, Clone, Serialize)]
pub struct Submission {
    pub unit: UnitCode,
    pub programme: String,
    pub period: String,
    pub state: State,
    pub state_vi: &'static str,
    /// The first submission counts for timeliness, even if the report was returned later.
    pub first_submitted_at: Option<String>,
    pub comment: Option<String>,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

/// A workflow action with its comment or reason.
#[derive(Debug, Clone, Copy)]
pub struct TransitionRequest<'a> {
    pub transition: Transition,
    pub reason: Option<&'a str>,
}

/// One unit's line in a completeness and timeliness table.
#[derive(Debug, Clone, Serialize)]
pub struct ChildStatus {
    pub unit: UnitSummary,
    /// approved, submitted, returned, draft (values entered, not submitted), missing (nothing).
    pub state: &'static str,
    pub first_submitted_at: Option<String>,
    pub deadline: Option<Date>,
    pub timeliness: Timeliness,
    pub excused: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub unit: UnitSummary,
    pub programme: String,
    pub period: String,
    pub children: Vec<ChildStatus>,
    /// The parts of the unit's own agencies (who has sent theirs, who has not).
    pub agencies: Vec<crate::AgencyPart>,
    pub expected: usize,
    pub submitted: usize,
    pub approved: usize,
    pub on_time: usize,
    pub late: usize,
    pub overdue: usize,
    /// Shares of expected units, in percent with one decimal.
    pub submitted_rate: Decimal,
    pub approved_rate: Decimal,
    pub on_time_rate: Decimal,
}

fn percent(part: usize, whole: usize) -> Decimal {
    if whole == 0 {
        return Decimal::ZERO;
    }
    (Decimal::from(part) * Decimal::from(100) / Decimal::from(whole)).round_dp(1)
}

/// Refuses an empty reason where one is required.
fn require_reason(reason: &str, en: &str, vi: &str) -> Result<(), StoreError> {
    if reason.trim().is_empty() {
        return Err(StoreError::Invalid(vec![FieldProblem::new(
            "reason",
            "reason_required",
            en.into(),
            vi.into(),
        )]));
    }
    Ok(())
}

fn entry_problem(code: &str, en: String, vi: String) -> StoreError {
    StoreError::Invalid(vec![FieldProblem::new("period", code, en, vi)])
}

impl Store {
    /// Loads the given programmes where their code is not there yet.
    pub async fn load_programmes(&self, programmes: &[Programme]) -> Result<(), StoreError> {
        for p in programmes {
            sqlx::query(
                "INSERT INTO programmes (code, name_vi, name_en, period_type, half, deadlines) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(&p.code)
            .bind(&p.name_vi)
            .bind(&p.name_en)
            .bind(p.period_type.as_str())
            .bind(p.half.map(i64::from))
            .bind(serde_json::to_string(&p.deadlines).map_err(|e| StoreError::Config(e.to_string()))?)
            .execute(&self.writer)
            .await?;
        }
        Ok(())
    }

    /// Creates or replaces a programme (its names, period type and deadlines), audited.
    pub async fn put_programme(&self, p: &Programme, actor: &Actor) -> Result<(), StoreError> {
        let old = self.programmes().await?.into_iter().find(|o| o.code == p.code);
        let mut tx = self.begin_write().await?;
        // A new programme comes after those already there: the default of its period type
        // (the first added) stays as it was.
        sqlx::query(
            "INSERT INTO programmes (code, name_vi, name_en, period_type, half, deadlines, added_at, binds, plan_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
                period_type = excluded.period_type, half = excluded.half, deadlines = excluded.deadlines,
                binds = excluded.binds, plan_id = excluded.plan_id",
        )
        .bind(&p.code)
        .bind(&p.name_vi)
        .bind(&p.name_en)
        .bind(p.period_type.as_str())
        .bind(p.half.map(i64::from))
        .bind(serde_json::to_string(&p.deadlines).map_err(|e| StoreError::Config(e.to_string()))?)
        .bind(self.now_text())
        .bind(serde_json::to_string(&p.binds).map_err(|e| StoreError::Config(e.to_string()))?)
        .bind(p.plan)
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action: "programme.put",
            unit_id: None,
            period: None,
            subject: &p.code,
            old_value: old.map(|o| serde_json::json!(o)),
            new_value: Some(serde_json::json!(p)),
            reason: None,
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The programmes in use (not archived), in the order they were added.
    pub async fn programmes(&self) -> Result<Vec<Programme>, StoreError> {
        programmes_on(&mut *self.pool.acquire().await?).await
    }

    /// Archives a programme: it is no longer reported under nor shown in calendars, and its
    /// submissions and history stay. Audited.
    pub async fn archive_programme(&self, code: &str, actor: &Actor) -> Result<(), StoreError> {
        let programme = self.programme(code).await?;
        let today = crate::date_to_text(self.clock.today());
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE programmes SET archived_on = $1 WHERE code = $2")
            .bind(&today)
            .bind(code)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action: "programme.archive",
            unit_id: None,
            period: None,
            subject: code,
            old_value: Some(serde_json::json!(programme)),
            new_value: Some(serde_json::json!({ "archived_on": today })),
            reason: None,
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn programme(&self, code: &str) -> Result<Programme, StoreError> {
        self.programmes()
            .await?
            .into_iter()
            .find(|p| p.code == code)
            .ok_or_else(|| StoreError::NotFound {
                what: "programme",
                key: code.to_string(),
            })
    }

    /// The programme a period is reported under by default: the first added that covers it.
    pub async fn programme_for(&self, period: &Period) -> Result<Option<Programme>, StoreError> {
        Ok(self.programmes().await?.into_iter().find(|p| p.covers(period)))
    }

    pub async fn submission(
        &self,
        unit: &UnitSummary,
        programme: &str,
        period: &Period,
    ) -> Result<Submission, StoreError> {
        submission_on(&mut *self.pool.acquire().await?, unit, programme, period).await
    }

    /// When a report was last approved anywhere: the date open data was last updated.
    pub async fn last_approval(&self) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT MAX(updated_at) AS at FROM submissions WHERE state = 'approved'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("at")?)
    }

    /// Units directly below `unit` that report for a period or window (valid on its last day).
    pub async fn reporting_children(
        &self,
        unit: &UnitSummary,
        period: impl Into<binhdang_domain::Window>,
    ) -> Result<Vec<UnitSummary>, StoreError> {
        Ok(self
            .unit_detail(&unit.code, period.into().end())
            .await
            .map(|d| d.children)
            .unwrap_or_default())
    }

    /// Moves a unit's report through the workflow. Validation findings are counted here for
    /// a submission, and children's approval for an approval.
    pub async fn transition(
        &self,
        unit: &UnitSummary,
        programme: &Programme,
        period: &Period,
        request: TransitionRequest<'_>,
        actor: &Actor,
    ) -> Result<Submission, StoreError> {
        let TransitionRequest { transition, reason } = request;
        let mut checks = Checks::default();
        if transition == Transition::Submit {
            let (errors, _, unexplained) = binhdang_domain::rules::tally(&self.validate(unit, period).await?);
            checks.validation_errors = errors;
            checks.unexplained_warnings = unexplained;
        }
        if !programme.covers(period) {
            return Err(entry_problem(
                "period_not_in_programme",
                format!("{} does not report on {period}", programme.code),
                format!(
                    "Chế độ báo cáo {} không áp dụng cho kỳ {}",
                    programme.code,
                    period.label_vi()
                ),
            ));
        }
        if transition == Transition::Approve {
            checks.children_pending = self.pending_children(unit, &programme.code, period).await?;
        }
        // The state is read under the unit-period lock that saves take too: two clicks on
        // "approve" cannot both add the report to the approved sums, and a save cannot slip
        // in between a submission's check and its lock.
        let mut tx = self.begin_write().await?;
        crate::rollup::lock_unit_period(&mut tx, self.backend, unit, period).await?;
        let current = submission_on(&mut tx, unit, &programme.code, period).await?;
        let next = workflow::apply(current.state, transition, reason, &checks).map_err(|r| {
            StoreError::Invalid(vec![FieldProblem::new(
                "action",
                r.code(),
                r.message_en(),
                r.message_vi(),
            )])
        })?;
        let now = self.now_text();
        let period_text = period.to_string();
        sqlx::query(
            "INSERT INTO submissions (unit_id, programme_code, period, state, first_submitted_at, comment, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (unit_id, programme_code, period) DO UPDATE SET state = excluded.state,
                first_submitted_at = COALESCE(submissions.first_submitted_at, excluded.first_submitted_at),
                comment = excluded.comment, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(unit.id)
        .bind(&programme.code)
        .bind(&period_text)
        .bind(next.as_str())
        .bind((transition == Transition::Submit).then(|| now.clone()))
        .bind(reason.map(str::to_string))
        .bind(&now)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        // Approved data joins the "approved only" sums; reopening takes it out again.
        let sign = match (current.state, next) {
            (_, State::Approved) => Some(true),
            (State::Approved, _) => Some(false),
            _ => None,
        };
        if let Some(adding) = sign {
            let changes = self.own_contributions(&mut tx, unit, &period_text, adding).await?;
            apply_deltas(&mut tx, self.backend, Sums::Approved, unit.id, &period_text, &changes).await?;
        }
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action: match transition {
                Transition::Submit => "workflow.submit",
                Transition::Approve => "workflow.approve",
                Transition::Return => "workflow.return",
                Transition::Reopen => "workflow.reopen",
            },
            unit_id: Some(unit.id),
            period: Some(&period_text),
            subject: &programme.code,
            old_value: Some(serde_json::json!({"state": current.state})),
            new_value: Some(serde_json::json!({"state": next})),
            reason,
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        self.submission(unit, &programme.code, period).await
    }

    /// The unit's own values for a period as changes to apply to the approved sums.
    async fn own_contributions(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        unit: &UnitSummary,
        period: &str,
        adding: bool,
    ) -> Result<Vec<(ElementCode, Disaggregation, Delta)>, StoreError> {
        let catalogue = self.catalogue_on(tx).await?;
        let elements = &catalogue.elements_by_code;
        let mut entered: BTreeMap<ElementCode, BTreeMap<Disaggregation, Decimal>> = BTreeMap::new();
        for r in sqlx::query(
            "SELECT element_code, disaggregation, number_value FROM data_values
             WHERE unit_id = $1 AND period = $2 AND number_value IS NOT NULL",
        )
        .bind(unit.id)
        .bind(period)
        .fetch_all(&mut **tx)
        .await?
        {
            let d: String = r.try_get("disaggregation")?;
            entered.entry(crate::parse(&r, "element_code")?).or_default().insert(
                d.parse().map_err(|_| StoreError::Corrupt(d.clone()))?,
                text_to_decimal(&r.try_get::<String, _>("number_value")?)?,
            );
        }
        let none = BTreeMap::new();
        let mut changes = Vec::new();
        for (code, values) in &entered {
            let Some(element) = elements.get(code) else { continue };
            let own = contributions(element, values);
            let (before, after) = if adding { (&none, &own) } else { (&own, &none) };
            for (d, delta) in deltas(before, after) {
                changes.push((code.clone(), d, delta));
            }
        }
        Ok(changes)
    }

    /// Children that are neither approved nor excused.
    async fn pending_children(
        &self,
        unit: &UnitSummary,
        programme: &str,
        period: &Period,
    ) -> Result<Vec<UnitCode>, StoreError> {
        let mut pending = Vec::new();
        for child in self.reporting_children(unit, period).await? {
            let state = self.submission(&child, programme, period).await?.state;
            if state != State::Approved && self.excuse_of(&child, programme, period).await?.is_none() {
                pending.push(child.code.clone());
            }
        }
        Ok(pending)
    }

    async fn excuse_of(
        &self,
        unit: &UnitSummary,
        programme: &str,
        period: &Period,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT reason FROM excuses WHERE unit_id = $1 AND programme_code = $2 AND period = $3")
            .bind(unit.id)
            .bind(programme)
            .bind(period.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("reason")).transpose()?)
    }

    /// Excuses a child from its parent's approval (e.g. a commune merged away), with a reason.
    pub async fn excuse(
        &self,
        unit: &UnitSummary,
        programme: &str,
        period: &Period,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        require_reason(
            reason,
            "excusing a unit needs a reason",
            "Cần ghi rõ lý do miễn báo cáo",
        )?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO excuses (unit_id, programme_code, period, reason, excused_by, excused_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (unit_id, programme_code, period) DO UPDATE SET reason = excluded.reason,
                excused_by = excluded.excused_by, excused_at = excluded.excused_at",
        )
        .bind(unit.id)
        .bind(programme)
        .bind(period.to_string())
        .bind(reason.trim())
        .bind(&actor.name)
        .bind(self.now_text())
        .execute(&mut *tx)
        .await?;
        let period_text = period.to_string();
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action: "workflow.excuse",
            unit_id: Some(unit.id),
            period: Some(&period_text),
            subject: programme,
            old_value: None,
            new_value: None,
            reason: Some(reason.trim()),
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes a programme's period for entry from `closes_on`.
    pub async fn close_period(
        &self,
        programme: &str,
        period: &Period,
        closes_on: Date,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO period_closures (programme_code, period, closes_on) VALUES ($1, $2, $3)
             ON CONFLICT (programme_code, period) DO UPDATE SET closes_on = excluded.closes_on",
        )
        .bind(programme)
        .bind(period.to_string())
        .bind(date_to_text(closes_on))
        .execute(&mut *tx)
        .await?;
        let period_text = period.to_string();
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action: "period.close",
            unit_id: None,
            period: Some(&period_text),
            subject: programme,
            old_value: None,
            new_value: Some(serde_json::json!({"closes_on": closes_on.to_string()})),
            reason: None,
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every period closure: (programme, period, closes on), newest period first.
    pub async fn period_closures(&self) -> Result<Vec<(String, String, Date)>, StoreError> {
        let rows = sqlx::query(
            "SELECT programme_code, period, closes_on FROM period_closures ORDER BY period DESC, programme_code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("programme_code")?,
                    r.try_get("period")?,
                    text_to_date(&r.try_get::<String, _>("closes_on")?)?,
                ))
            })
            .collect()
    }

    /// Lets a unit enter data into a closed period until a date, with a reason.
    pub async fn unlock(
        &self,
        unit: &UnitSummary,
        period: &Period,
        until: Date,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        require_reason(reason, "unlocking needs a reason", "Cần ghi rõ lý do mở khóa")?;
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO unlocks (unit_id, period, until, reason, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(unit.id)
            .bind(period.to_string())
            .bind(date_to_text(until))
            .bind(reason.trim())
            .bind(&actor.name)
            .bind(self.now_text())
            .execute(&mut *tx)
            .await?;
        let period_text = period.to_string();
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action: "period.unlock",
            unit_id: Some(unit.id),
            period: Some(&period_text),
            subject: &unit.code,
            old_value: None,
            new_value: Some(serde_json::json!({"until": until.to_string()})),
            reason: Some(reason.trim()),
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Refuses entry into a unit's period when its report is submitted or approved, or when
    /// the period is closed and the unit has no unlock running on `today`.
    pub async fn check_entry_open(&self, unit: &UnitSummary, period: &Period, today: Date) -> Result<(), StoreError> {
        check_entry_open_on(&mut *self.pool.acquire().await?, unit, period, today).await
    }

    /// Each child's state and timeliness for a programme and period, and the rates.
    pub async fn status(
        &self,
        unit: &UnitSummary,
        programme: &Programme,
        period: &Period,
        today: Date,
    ) -> Result<StatusReport, StoreError> {
        let mut children = Vec::new();
        for child in self.reporting_children(unit, period).await? {
            if self.programme_binds(programme, &child).await? {
                children.push(child);
            }
        }
        let mut lines = Vec::with_capacity(children.len());
        for child in children {
            let s = self.submission(&child, &programme.code, period).await?;
            let has_values = !self.values(&child, period).await?.is_empty();
            let state = match s.state {
                State::Approved => "approved",
                State::Submitted => "submitted",
                State::Returned => "returned",
                State::Draft if has_values => "draft",
                State::Draft => "missing",
            };
            let deadline = programme.deadline(period, child.level);
            let submitted = s
                .first_submitted_at
                .as_deref()
                .and_then(|t| t.get(..10))
                .and_then(|d| text_to_date(d).ok());
            lines.push(ChildStatus {
                timeliness: timeliness(deadline, submitted, today),
                deadline,
                first_submitted_at: s.first_submitted_at,
                excused: self.excuse_of(&child, &programme.code, period).await?,
                state,
                unit: child,
            });
        }
        let expected = lines.len();
        let count = |f: &dyn Fn(&ChildStatus) -> bool| lines.iter().filter(|l| f(l)).count();
        let submitted = count(&|l| matches!(l.state, "submitted" | "approved") || l.first_submitted_at.is_some());
        let approved = count(&|l| l.state == "approved");
        let on_time = count(&|l| l.timeliness == Timeliness::OnTime);
        let late = count(&|l| l.timeliness == Timeliness::Late);
        let overdue = count(&|l| l.timeliness == Timeliness::Overdue);
        Ok(StatusReport {
            unit: unit.clone(),
            programme: programme.code.clone(),
            period: period.to_string(),
            submitted_rate: percent(submitted, expected),
            approved_rate: percent(approved, expected),
            on_time_rate: percent(on_time, expected),
            agencies: self.agency_parts(unit, programme, period, today).await?,
            children: lines,
            expected,
            submitted,
            approved,
            on_time,
            late,
            overdue,
        })
    }

    /// Whether `programme` binds `unit`: its level is one the programme names (or it names
    /// none), and it names no units, or the unit or one above it.
    pub async fn programme_binds(&self, programme: &Programme, unit: &UnitSummary) -> Result<bool, StoreError> {
        if programme.binds.units.is_empty() {
            return Ok(programme.binds_unit(unit.level, std::iter::empty()));
        }
        let lineage: Vec<String> = sqlx::query(
            "SELECT u.code FROM unit_ancestors a JOIN units u ON u.id = a.ancestor_id WHERE a.unit_id = $1",
        )
        .bind(unit.id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("code"))
        .collect::<Result<_, _>>()?;
        Ok(programme.binds_unit(
            unit.level,
            std::iter::once(unit.code.as_str()).chain(lineage.iter().map(String::as_str)),
        ))
    }

    /// Submissions waiting for a decision in units below `unit` (a reviewer's inbox).
    pub async fn inbox(&self, unit: &UnitSummary) -> Result<Vec<Submission>, StoreError> {
        self.submissions_where(unit, "submitted", true).await
    }

    /// The unit's own reports that were returned.
    pub async fn returned(&self, unit: &UnitSummary) -> Result<Vec<Submission>, StoreError> {
        self.submissions_where(unit, "returned", false).await
    }

    async fn submissions_where(
        &self,
        unit: &UnitSummary,
        state: &str,
        below: bool,
    ) -> Result<Vec<Submission>, StoreError> {
        let sql = if below {
            "SELECT s.unit_id, s.programme_code, s.period FROM submissions s JOIN unit_ancestors a ON a.unit_id = s.unit_id
             WHERE a.ancestor_id = $1 AND s.unit_id <> $1 AND s.state = $2 ORDER BY s.updated_at"
        } else {
            "SELECT s.unit_id, s.programme_code, s.period FROM submissions s WHERE s.unit_id = $1 AND s.state = $2
             ORDER BY s.updated_at"
        };
        let rows = sqlx::query(sql).bind(unit.id).bind(state).fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for r in rows {
            let Some(u) = self.unit_summary_by_id(r.try_get("unit_id")?).await? else {
                continue;
            };
            let period: String = r.try_get("period")?;
            let period: Period = period.parse().map_err(|_| StoreError::Corrupt(period.clone()))?;
            out.push(
                self.submission(&u, &r.try_get::<String, _>("programme_code")?, &period)
                    .await?,
            );
        }
        Ok(out)
    }
}

/// The reporting programmes, on `conn` (a write transaction reads them on its own connection).
pub(crate) async fn programmes_on(conn: &mut sqlx::AnyConnection) -> Result<Vec<Programme>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT * FROM programmes WHERE archived_on IS NULL ORDER BY {PROGRAMME_ORDER}"
    )))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(programme_from_row).collect()
}

/// Those there from the start (no date) first, then in the order they were added.
const PROGRAMME_ORDER: &str = "CASE WHEN added_at IS NULL THEN 0 ELSE 1 END, added_at, code";

fn programme_from_row(r: &sqlx::any::AnyRow) -> Result<Programme, StoreError> {
    let period_type: String = r.try_get("period_type")?;
    let deadlines: String = r.try_get("deadlines")?;
    Ok(Programme {
        code: r.try_get("code")?,
        name_vi: r.try_get("name_vi")?,
        name_en: r.try_get("name_en")?,
        period_type: serde_json::from_value(serde_json::Value::String(period_type.clone()))
            .map_err(|_| StoreError::Corrupt(format!("period type `{period_type}`")))?,
        half: r.try_get::<Option<i64>, _>("half")?.and_then(|h| u8::try_from(h).ok()),
        deadlines: serde_json::from_str(&deadlines).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        binds: serde_json::from_str(&r.try_get::<String, _>("binds")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        plan: r.try_get("plan_id")?,
    })
}

pub(crate) async fn submission_on(
    conn: &mut sqlx::AnyConnection,
    unit: &UnitSummary,
    programme: &str,
    period: &Period,
) -> Result<Submission, StoreError> {
    let row = sqlx::query(
        "SELECT state, first_submitted_at, comment, updated_at, updated_by FROM submissions
         WHERE unit_id = $1 AND programme_code = $2 AND period = $3",
    )
    .bind(unit.id)
    .bind(programme)
    .bind(period.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let (state, first, comment, updated_at, updated_by) = match row {
        Some(r) => {
            let s: String = r.try_get("state")?;
            (
                s.parse::<State>().map_err(StoreError::Corrupt)?,
                r.try_get("first_submitted_at")?,
                r.try_get("comment")?,
                Some(r.try_get("updated_at")?),
                Some(r.try_get("updated_by")?),
            )
        }
        None => (State::Draft, None, None, None, None),
    };
    Ok(Submission {
        unit: unit.code.clone(),
        programme: programme.to_string(),
        period: period.to_string(),
        state_vi: state.label_vi(),
        state,
        first_submitted_at: first,
        comment,
        updated_at,
        updated_by,
    })
}

/// [`Store::check_entry_open`] on `conn`, so that a save checks inside its own transaction.
pub(crate) async fn check_entry_open_on(
    conn: &mut sqlx::AnyConnection,
    unit: &UnitSummary,
    period: &Period,
    today: Date,
) -> Result<(), StoreError> {
    let mut answers = entry_checks_on(conn, &[(unit, period)], today).await?;
    answers.pop().unwrap_or(Ok(()))
}

/// Whether entry is open for each (unit, period) of `asked`, in order, on `conn`. One query
/// reads every programme with each unit's report state, the period's closing date and
/// whether an unlock holds: a batch of saves is on the deadline day's hot path, and each
/// round trip is held under the batch's locks. The outer error is the query's; the inner
/// ones are the refusals.
pub(crate) async fn entry_checks_on(
    conn: &mut sqlx::AnyConnection,
    asked: &[(&UnitSummary, &Period)],
    today: Date,
) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    if asked.is_empty() {
        return Ok(Vec::new());
    }
    let pairs: BTreeSet<(i64, String)> = asked.iter().map(|(u, p)| (u.id, p.to_string())).collect();
    let periods: BTreeMap<String, Period> = asked.iter().map(|(_, p)| (p.to_string(), **p)).collect();
    let rows_of_asked = (0..pairs.len())
        .map(|i| format!("(CAST(${} AS BIGINT), CAST(${} AS TEXT))", 2 * i + 2, 2 * i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH asked (unit_id, period) AS (VALUES {rows_of_asked})
         SELECT a.unit_id AS asked_unit, a.period AS asked_period, p.*, s.state AS report_state, c.closes_on,
                (SELECT COUNT(*) FROM unlocks l
                 WHERE l.unit_id = a.unit_id AND l.period = a.period AND l.until >= $1) AS unlocked
         FROM asked a CROSS JOIN programmes p
         LEFT JOIN submissions s ON s.programme_code = p.code AND s.unit_id = a.unit_id AND s.period = a.period
         LEFT JOIN period_closures c ON c.programme_code = p.code AND c.period = a.period
         WHERE p.archived_on IS NULL ORDER BY a.unit_id, a.period, {PROGRAMME_ORDER}"
    )))
    .bind(date_to_text(today));
    for (unit_id, period) in &pairs {
        query = query.bind(*unit_id).bind(period.as_str());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    // The first programme (in the programmes' order) that covers the period decides.
    let mut covering: BTreeMap<(i64, String), &sqlx::any::AnyRow> = BTreeMap::new();
    for row in &rows {
        let key: (i64, String) = (row.try_get("asked_unit")?, row.try_get("asked_period")?);
        if covering.contains_key(&key) {
            continue;
        }
        let period = periods
            .get(&key.1)
            .ok_or_else(|| StoreError::Corrupt(format!("a period not asked for: {}", key.1)))?;
        if programme_from_row(row)?.covers(period) {
            covering.insert(key, row);
        }
    }
    asked
        .iter()
        .map(|(unit, period)| match covering.get(&(unit.id, period.to_string())) {
            Some(row) => entry_open_by(row, unit, period, today),
            None => Ok(Ok(())),
        })
        .collect()
}

/// Whether entry is open by the row of the programme that covers the period: refused while
/// the report is submitted or approved, and after the period closed unless an unlock holds.
fn entry_open_by(
    row: &sqlx::any::AnyRow,
    unit: &UnitSummary,
    period: &Period,
    today: Date,
) -> Result<Result<(), StoreError>, StoreError> {
    let state = match row.try_get::<Option<String>, _>("report_state")? {
        Some(s) => s.parse::<State>().map_err(StoreError::Corrupt)?,
        None => State::Draft,
    };
    if state.locks_data() {
        return Ok(Err(entry_problem(
            "report_locked",
            format!(
                "the {period} report of {} is {state}; it must be returned or reopened before its data can change",
                unit.full_name
            ),
            format!(
                "Báo cáo kỳ {} của {} đang ở trạng thái \"{}\"; cần trả lại hoặc mở lại trước khi sửa số liệu",
                period.label_vi(),
                unit.full_name,
                state.label_vi()
            ),
        )));
    }
    let Some(closes) = row.try_get::<Option<String>, _>("closes_on")? else {
        return Ok(Ok(()));
    };
    if today < text_to_date(&closes)? || row.try_get::<i64, _>("unlocked")? > 0 {
        return Ok(Ok(()));
    }
    Ok(Err(entry_problem(
        "period_closed",
        format!("the period {period} closed for entry on {closes}; ask a reviewer to unlock it"),
        format!(
            "Kỳ {} đã khóa nhập liệu từ ngày {}; đề nghị chuyên viên tổng hợp mở khóa",
            period.label_vi(),
            crate::vn_date(text_to_date(&closes)?)
        ),
    )))
}
