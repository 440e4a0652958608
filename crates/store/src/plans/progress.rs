//! Progress on a task as its lead body reports it, with evidence, and the task's history.

use super::rows::{UPDATE_COLUMNS, UPDATE_FROM, plan_in, task_in, update_from, update_in};
use super::{ProgressInput, Task, TaskUpdate, file_problem, insert_file};
use crate::{Actor, FieldProblem, Store, StoreError, date_to_text};
use binhdang_domain::plan::Progress;
use sqlx::Row;
use time::Date;

impl Store {
    /// Records what the responsible body reports of a task, with its evidence, in one
    /// transaction with the task's new progress and the audit. A done occurrence of a
    /// recurring task is remembered; the task is done when its last one is.
    pub async fn report_progress(
        &self,
        task_id: i64,
        input: ProgressInput<'_>,
        occurrence: Option<Date>,
        last_occurrence: bool,
        actor: &Actor,
    ) -> Result<(Task, TaskUpdate), StoreError> {
        let mut problems: Vec<FieldProblem> = input
            .evidence
            .file
            .as_ref()
            .and_then(file_problem)
            .into_iter()
            .collect();
        let note = input.note.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if input.progress == Progress::Cancelled && note.is_none() {
            problems.push(FieldProblem::new(
                "note",
                "missing_reason",
                "a cancelled task needs the reason".into(),
                "Hủy nhiệm vụ cần nêu lý do".into(),
            ));
        }
        if note.is_some_and(|n| n.chars().count() > binhdang_domain::plan::MAX_TEXT_CHARS) {
            problems.push(FieldProblem::new(
                "note",
                "bad_text",
                "the note is too long (at most 4,000 characters)".into(),
                "Ghi chú quá dài (tối đa 4.000 ký tự)".into(),
            ));
        }
        if input.reported_on > self.today() {
            problems.push(FieldProblem::new(
                "reported_on",
                "in_future",
                format!("{} is after today", binhdang_domain::vn::format_date(input.reported_on)),
                format!(
                    "Ngày {} ở sau hôm nay",
                    binhdang_domain::vn::format_date(input.reported_on)
                ),
            ));
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let now = self.now_text();
        let mut tx = self.begin_write().await?;
        let old = task_in(&mut tx, task_id).await?;
        let plan = plan_in(&mut tx, old.plan_id).await?;
        if let Some((register, row)) = &input.evidence.register_row {
            evidence_row_exists(&mut tx, register, *row).await?;
        }
        let file = match &input.evidence.file {
            Some(f) => Some(insert_file(&mut tx, f, actor, &now).await?),
            None => None,
        };
        let update_id: i64 = sqlx::query(
            "INSERT INTO task_updates (task_id, progress, occurrence, reported_on, note, evidence_file_id, evidence_register,
             evidence_row_id, evidence_link, reported_by, reported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(task_id)
        .bind(input.progress.code())
        .bind(occurrence.map(date_to_text))
        .bind(date_to_text(input.reported_on))
        .bind(note)
        .bind(file.as_ref().map(|f| f.id))
        .bind(input.evidence.register_row.as_ref().map(|(r, _)| r.clone()))
        .bind(input.evidence.register_row.as_ref().map(|(_, id)| *id))
        .bind(input.evidence.link.as_deref().map(str::trim).filter(|s| !s.is_empty()))
        .bind(&actor.name)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let mut done = old.done_occurrences.clone();
        let progress = match (input.progress, occurrence) {
            (Progress::Done, Some(at)) => {
                if !done.contains(&at) {
                    done.push(at);
                    done.sort();
                }
                if last_occurrence {
                    Progress::Done
                } else {
                    Progress::InProgress
                }
            }
            (p, _) => p,
        };
        let done_on = (progress == Progress::Done)
            .then_some(input.reported_on)
            .or(old.done_on);
        sqlx::query(
            "UPDATE plan_tasks SET progress = $1, done_on = $2, done_occurrences = $3, cancel_reason = $4,
             updated_at = $5, updated_by = $6 WHERE id = $7",
        )
        .bind(progress.code())
        .bind(done_on.map(date_to_text))
        .bind(serde_json::to_string(&done.iter().map(|d| date_to_text(*d)).collect::<Vec<_>>()).unwrap_or_default())
        .bind(if progress == Progress::Cancelled { note } else { None })
        .bind(&now)
        .bind(&actor.name)
        .bind(task_id)
        .execute(&mut *tx)
        .await?;
        let task = task_in(&mut tx, task_id).await?;
        let update = update_in(&mut tx, update_id).await?;
        let old_value = serde_json::json!({"progress": old.progress, "done_on": old.done_on, "done_occurrences": old.done_occurrences});
        let new_value = serde_json::to_value(&update).ok();
        self.audit_plan(
            &mut tx,
            &plan,
            "task.progress",
            &format!("task:{task_id}"),
            (Some(old_value), new_value),
            actor,
        )
        .await?;
        tx.commit().await?;
        Ok((task, update))
    }

    /// A task's progress reports, oldest first.
    pub async fn task_updates(&self, task_id: i64) -> Result<Vec<TaskUpdate>, StoreError> {
        let sql = format!("SELECT {UPDATE_COLUMNS} FROM {UPDATE_FROM} WHERE t.task_id = $1 ORDER BY t.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(task_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(update_from).collect()
    }
}

/// Evidence may point at a row of a register (`activities`, `documents`, …) that exists.
async fn evidence_row_exists(conn: &mut sqlx::AnyConnection, register: &str, row: i64) -> Result<(), StoreError> {
    let table = binhdang_domain::register::RegisterKind::from_slug(register).map(crate::registers::table_of);
    let found = match table {
        Some(table) => sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT unit_id FROM {table} WHERE id = $1"
        )))
        .bind(row)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<i64, _>("unit_id"))
        .transpose()?,
        None => None,
    };
    if found.is_none() {
        return Err(StoreError::Invalid(vec![FieldProblem::new(
            "evidence",
            "unknown_row",
            format!("there is no row {row} in the register `{register}`"),
            format!("Không có dòng {row} trong sổ `{register}`"),
        )]));
    }
    Ok(())
}
