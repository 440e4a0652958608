//! A plan's tasks: added (one, or all or nothing), changed, read, and those a body leads.

use super::rows::{PLAN_COLUMNS, TASK_COLUMNS, TASK_FROM, plan_from, plan_in, task_from, task_in};
use super::{Plan, PlanTask, Task, TaskInput};
use crate::sql::AnyQuery;
use crate::{Actor, FieldProblem, Store, StoreError, date_to_text};
use binhdang_domain::plan::check_task;
use sqlx::Row;

impl Store {
    /// Adds a task to a plan; its bodies are checked against the agencies and units there are.
    pub async fn add_task(&self, plan_id: i64, input: &TaskInput, actor: &Actor) -> Result<Task, StoreError> {
        let mut tx = self.begin_write().await?;
        let plan = plan_in(&mut tx, plan_id).await?;
        let task = self.insert_task(&mut tx, &plan, input, actor).await?;
        tx.commit().await?;
        Ok(task)
    }

    /// Adds tasks to a plan, all or nothing (the tasks a person confirmed of those its
    /// document proposes); problems are named by the task's place (`tasks[2].lead`).
    pub async fn add_tasks(&self, plan_id: i64, tasks: &[TaskInput], actor: &Actor) -> Result<Vec<Task>, StoreError> {
        let mut tx = self.begin_write().await?;
        let plan = plan_in(&mut tx, plan_id).await?;
        let added = self.insert_tasks(&mut tx, &plan, tasks, actor).await?;
        tx.commit().await?;
        Ok(added)
    }

    pub(super) async fn insert_tasks(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        plan: &Plan,
        tasks: &[TaskInput],
        actor: &Actor,
    ) -> Result<Vec<Task>, StoreError> {
        let mut problems = Vec::new();
        let mut added = Vec::new();
        for (i, task) in tasks.iter().enumerate() {
            match self.insert_task(tx, plan, task, actor).await {
                Ok(task) => added.push(task),
                Err(StoreError::Invalid(found)) => problems.extend(found.into_iter().map(|p| FieldProblem {
                    field: format!("tasks[{i}].{}", p.field),
                    ..p
                })),
                Err(e) => return Err(e),
            }
        }
        if problems.is_empty() {
            Ok(added)
        } else {
            Err(StoreError::Invalid(problems))
        }
    }

    async fn insert_task(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        plan: &Plan,
        input: &TaskInput,
        actor: &Actor,
    ) -> Result<Task, StoreError> {
        let lead = checked_task(tx, plan, input).await?;
        let insert = sqlx::query(
            "INSERT INTO plan_tasks (item, text, lead_unit_id, lead_agency_id, lead_name, partners, due, recurrence,
             expected_output, indicators, plan_id, source, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        );
        let id: i64 = bind_asked(insert, input, lead)
            .bind(plan.id)
            .bind(input.source.as_deref())
            .bind(self.now_text())
            .bind(&actor.name)
            .fetch_one(&mut **tx)
            .await?
            .try_get("id")?;
        let task = task_in(tx, id).await?;
        let new = serde_json::to_value(&task).ok();
        self.audit_plan(tx, plan, "task.create", &format!("task:{id}"), (None, new), actor)
            .await?;
        Ok(task)
    }

    /// Changes what a task asks (its progress is reported with [`Store::report_progress`]).
    pub async fn update_task(&self, id: i64, input: &TaskInput, actor: &Actor) -> Result<Task, StoreError> {
        let mut tx = self.begin_write().await?;
        let old = task_in(&mut tx, id).await?;
        let plan = plan_in(&mut tx, old.plan_id).await?;
        let lead = checked_task(&mut tx, &plan, input).await?;
        let update = sqlx::query(
            "UPDATE plan_tasks SET item = $1, text = $2, lead_unit_id = $3, lead_agency_id = $4, lead_name = $5, partners = $6,
             due = $7, recurrence = $8, expected_output = $9, indicators = $10, updated_at = $11, updated_by = $12 WHERE id = $13",
        );
        bind_asked(update, input, lead)
            .bind(self.now_text())
            .bind(&actor.name)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let task = task_in(&mut tx, id).await?;
        let (o, n) = (serde_json::to_value(&old).ok(), serde_json::to_value(&task).ok());
        self.audit_plan(&mut tx, &plan, "task.update", &format!("task:{id}"), (o, n), actor)
            .await?;
        tx.commit().await?;
        Ok(task)
    }

    pub async fn task(&self, id: i64) -> Result<Task, StoreError> {
        let mut conn = self.pool.acquire().await?;
        task_in(&mut conn, id).await
    }

    /// A plan's tasks in the plan's order (by item, then as added).
    pub async fn tasks_of(&self, plan_id: i64) -> Result<Vec<Task>, StoreError> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM {TASK_FROM} WHERE t.plan_id = $1 ORDER BY t.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(plan_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(task_from).collect()
    }

    /// The tasks of issued plans that a body leads: the agency coded `agency` when given,
    /// else the unit `unit_id` and the units merged into it (a task given to a district or
    /// province that the 2025 reform merged falls to its successor).
    pub async fn tasks_led_by(&self, unit_id: i64, agency: Option<&str>) -> Result<Vec<PlanTask>, StoreError> {
        let sql = format!(
            "SELECT {TASK_COLUMNS}, {PLAN_COLUMNS} FROM {TASK_FROM}
             JOIN plans p ON p.id = t.plan_id JOIN units u ON u.id = p.unit_id LEFT JOIN stored_files f ON f.id = p.file_id
             WHERE p.status = 'issued' AND {who}
             ORDER BY t.due, t.id",
            who = if agency.is_some() {
                "la.code = $1"
            } else {
                "(t.lead_agency_id IS NULL AND (t.lead_unit_id = $1 OR t.lead_unit_id IN
                   (SELECT predecessor_id FROM unit_successions WHERE successor_id = $1)))"
            }
        );
        let q = sqlx::query(sqlx::AssertSqlSafe(sql));
        let q = match agency {
            Some(code) => q.bind(code.to_string()),
            None => q.bind(unit_id),
        };
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(PlanTask {
                    task: task_from(row)?,
                    plan: plan_from(row)?,
                })
            })
            .collect()
    }
}

/// Binds what a task asks, in the order both the insert and the update name its columns
/// (item … indicators, the lead as its unit and agency ids).
fn bind_asked<'q>(
    query: AnyQuery<'q>,
    input: &TaskInput,
    (lead_unit, lead_agency): (Option<i64>, Option<i64>),
) -> AnyQuery<'q> {
    query
        .bind(input.item.trim().to_string())
        .bind(input.text.trim().to_string())
        .bind(lead_unit)
        .bind(lead_agency)
        .bind(input.lead.name.trim().to_string())
        .bind(serde_json::to_string(&input.partners).unwrap_or_else(|_| "[]".into()))
        .bind(input.due.map(date_to_text))
        .bind(input.recurrence.code())
        .bind(
            input
                .expected_output
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        )
        .bind(serde_json::to_string(&input.indicators).unwrap_or_else(|_| "[]".into()))
}

/// Checks a task whole (its fields, its bodies against the agencies and units there are,
/// its indicators against the catalogue) and answers the lead's unit and agency ids.
async fn checked_task(
    conn: &mut sqlx::AnyConnection,
    plan: &Plan,
    input: &TaskInput,
) -> Result<(Option<i64>, Option<i64>), StoreError> {
    let covers = (plan.period.start(), plan.period.end());
    let mut problems = check_task(&input.text, &input.lead, &input.partners, input.due, covers);
    let mut lead = (None, None);
    for (i, body) in std::iter::once(&input.lead).chain(&input.partners).enumerate() {
        let field = if i == 0 {
            "lead".to_string()
        } else {
            format!("partners[{}]", i - 1)
        };
        let agency = match &body.agency {
            Some(code) => {
                let id: Option<i64> = sqlx::query("SELECT id FROM agencies WHERE code = $1")
                    .bind(code.trim())
                    .fetch_optional(&mut *conn)
                    .await?
                    .map(|r| r.try_get("id"))
                    .transpose()?;
                if id.is_none() {
                    problems.push(FieldProblem::new(
                        field.clone(),
                        "unknown_agency",
                        format!("there is no agency coded `{code}`"),
                        format!("Không có cơ quan mã `{code}`"),
                    ));
                }
                id
            }
            None => None,
        };
        let unit = match &body.unit {
            Some(code) => {
                let id: Option<i64> =
                    sqlx::query("SELECT id FROM units WHERE code = $1 ORDER BY COALESCE(valid_from, '') DESC")
                        .bind(code.trim())
                        .fetch_optional(&mut *conn)
                        .await?
                        .map(|r| r.try_get("id"))
                        .transpose()?;
                if id.is_none() {
                    problems.push(crate::unknown_unit(&field, code));
                }
                id
            }
            None => None,
        };
        if i == 0 {
            lead = (unit, agency);
        }
    }
    for code in &input.indicators {
        let known = sqlx::query("SELECT 1 FROM indicators WHERE code = $1")
            .bind(code.trim())
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
        if !known {
            problems.push(FieldProblem::new(
                "indicators",
                "unknown_indicator",
                format!("there is no indicator coded `{code}`"),
                format!("Không có chỉ tiêu mã `{code}`"),
            ));
        }
    }
    if problems.is_empty() {
        Ok(lead)
    } else {
        Err(StoreError::Invalid(problems))
    }
}
