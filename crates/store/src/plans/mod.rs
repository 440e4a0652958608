//! Plans and directives and the tasks they assign: their records, the files they came in,
//! the progress the responsible bodies report, and the documents register row an issued plan
//! becomes. Every change is audited in `audit_log` (`plan.*`, `task.*`); progress reports are
//! also kept whole, append-only, in `task_updates`, which is a task's history.

use crate::access::{AuditEntry, audit_in};
use crate::registers::RegisterRow;
use crate::{Actor, FieldProblem, Store, StoreError, UnitSummary, date_to_text};
use base64::Engine as _;
use binhdang_domain::Period;
use binhdang_domain::UnitCode;
use binhdang_domain::plan::{Body, PlanKind, PlanStatus, Progress, Recurrence};
use binhdang_domain::register::DirectiveDocument;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use time::Date;

mod progress;
mod rows;
mod tasks;

use rows::{PLAN_COLUMNS, PLAN_FROM, corrupt, file_from, not_found, plan_from, plan_in};

/// The largest file kept with a plan or as evidence.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// A file as it arrives.
pub struct NewFile<'a> {
    pub name: &'a str,
    pub media_type: &'a str,
    pub bytes: &'a [u8],
}

/// A kept file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    pub id: i64,
    pub name: String,
    pub media_type: String,
    /// sha256 of the bytes, hex.
    pub sha256: String,
    pub size: i64,
}

/// What a person states of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    pub kind: PlanKind,
    pub number: Option<String>,
    pub issued_on: Option<Date>,
    pub issuing_body: String,
    pub summary: String,
    /// The year or phase it covers.
    pub period: Period,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub id: i64,
    pub unit: UnitCode,
    #[serde(skip)]
    pub unit_id: i64,
    pub kind: PlanKind,
    pub number: Option<String>,
    pub issued_on: Option<Date>,
    pub issuing_body: String,
    pub summary: String,
    pub period: Period,
    pub status: PlanStatus,
    pub file: Option<FileInfo>,
    /// The documents register row it became when issued.
    pub document_row: Option<i64>,
    pub updated_at: String,
    pub updated_by: String,
}

impl Plan {
    /// Whether the plan's years include `year`.
    pub fn covers_year(&self, year: i32) -> bool {
        self.period.start().year() <= year && year <= self.period.end().year()
    }

    /// "Kế hoạch số 12/KH-UBND ngày 16/03/2024" (what a report calls it).
    pub fn title_vi(&self) -> String {
        let mut t = self.kind.label_vi().to_string();
        if let Some(n) = &self.number {
            t.push_str(&format!(" số {n}"));
        }
        if let Some(d) = self.issued_on {
            t.push_str(&format!(" ngày {}", binhdang_domain::vn::format_date(d)));
        }
        t
    }
}

/// What a person states of a task (what a stored [`Task`] asks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskInput {
    pub item: String,
    pub text: String,
    pub lead: Body,
    pub partners: Vec<Body>,
    pub due: Option<Date>,
    pub recurrence: Recurrence,
    pub expected_output: Option<String>,
    pub indicators: Vec<String>,
    /// "file — quote" when proposed from the plan's document.
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    pub id: i64,
    pub plan_id: i64,
    #[serde(flatten)]
    pub asked: TaskInput,
    pub progress: Progress,
    pub done_on: Option<Date>,
    pub done_occurrences: Vec<Date>,
    pub cancel_reason: Option<String>,
    pub updated_at: String,
    pub updated_by: String,
}

impl Task {
    /// Where the task stands on `today`, its occurrences running to the end of `plan`.
    pub fn followed(&self, plan: &Plan, today: Date) -> binhdang_domain::plan::Followed {
        binhdang_domain::plan::follow(
            self.asked.recurrence,
            self.asked.due,
            plan.period.end(),
            self.progress,
            self.done_on,
            &self.done_occurrences,
            today,
        )
    }
}

/// Where a progress report's evidence is: a file, a row of a register, or a link.
#[derive(Default)]
pub struct Evidence<'a> {
    pub file: Option<NewFile<'a>>,
    pub register_row: Option<(String, i64)>,
    pub link: Option<String>,
}

/// A progress report by the responsible body.
pub struct ProgressInput<'a> {
    pub progress: Progress,
    /// The day the work was done (for `Done`) or the report made.
    pub reported_on: Date,
    pub note: Option<String>,
    pub evidence: Evidence<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskUpdate {
    pub id: i64,
    pub task_id: i64,
    pub progress: Progress,
    /// The due date of the occurrence it reports on.
    pub occurrence: Option<Date>,
    pub reported_on: Date,
    pub note: Option<String>,
    pub evidence_file: Option<FileInfo>,
    pub evidence_register: Option<String>,
    pub evidence_row_id: Option<i64>,
    pub evidence_link: Option<String>,
    pub reported_by: String,
    pub reported_at: String,
}

/// A task with the plan it belongs to, for lists across plans (an officer's inbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanTask {
    pub plan: Plan,
    pub task: Task,
}

fn text_problem(field: &str, text: &str, label_en: &str, label_vi: &str) -> Option<FieldProblem> {
    (text.trim().is_empty() || text.chars().count() > 1000).then(|| {
        FieldProblem::new(
            field,
            "bad_text",
            format!("{label_en} is required (at most 1,000 characters)"),
            format!("Cần nêu {label_vi} (tối đa 1.000 ký tự)"),
        )
    })
}

fn plan_problems(input: &PlanInput) -> Vec<FieldProblem> {
    let mut problems: Vec<FieldProblem> = [
        text_problem("summary", &input.summary, "the summary", "trích yếu"),
        text_problem(
            "issuing_body",
            &input.issuing_body,
            "the issuing body",
            "cơ quan ban hành",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(n) = &input.number
        && n.chars().count() > 60
    {
        problems.push(FieldProblem::new(
            "number",
            "bad_number",
            "the number and symbol has at most 60 characters".into(),
            "Số, ký hiệu tối đa 60 ký tự".into(),
        ));
    }
    if !matches!(input.period, Period::Year(_) | Period::Phase { .. }) {
        problems.push(FieldProblem::new(
            "period",
            "bad_plan_period",
            format!(
                "a plan covers a year or a phase (2024, 2021-2025), not {}",
                input.period
            ),
            format!(
                "Kế hoạch áp dụng cho một năm hoặc một giai đoạn (2024, 2021-2025), không phải {}",
                input.period.label_vi()
            ),
        ));
    }
    problems
}

pub(super) fn file_problem(file: &NewFile<'_>) -> Option<FieldProblem> {
    (file.bytes.is_empty() || file.bytes.len() > MAX_FILE_BYTES || file.name.trim().is_empty()).then(|| {
        FieldProblem::new(
            "file",
            "bad_file",
            "the file is empty, unnamed or over 20 MB".into(),
            "Tệp rỗng, không có tên hoặc lớn hơn 20 MB".into(),
        )
    })
}

pub(super) async fn insert_file(
    conn: &mut sqlx::AnyConnection,
    file: &NewFile<'_>,
    actor: &Actor,
    now: &str,
) -> Result<FileInfo, StoreError> {
    let sha256 = hex::encode(Sha256::digest(file.bytes));
    let id: i64 = sqlx::query(
        "INSERT INTO stored_files (name, media_type, sha256, size, content_base64, stored_by, stored_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(file.name.trim())
    .bind(file.media_type)
    .bind(&sha256)
    .bind(file.bytes.len() as i64)
    .bind(base64::engine::general_purpose::STANDARD.encode(file.bytes))
    .bind(&actor.name)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    Ok(FileInfo {
        id,
        name: file.name.trim().to_string(),
        media_type: file.media_type.to_string(),
        sha256,
        size: file.bytes.len() as i64,
    })
}

impl Store {
    async fn audit_plan(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        plan: &Plan,
        action: &str,
        subject: &str,
        (old, new): (Option<serde_json::Value>, Option<serde_json::Value>),
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let period = plan.period.to_string();
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action,
            unit_id: Some(plan.unit_id),
            period: Some(&period),
            subject,
            old_value: old,
            new_value: new,
            reason: None,
        };
        audit_in(tx, &entry, &self.now_text()).await
    }

    /// Records a plan (a draft) for `unit`, with its document when given and its tasks, all
    /// or nothing: a task that breaks a rule refuses the whole plan, each problem named by its
    /// task's place (`tasks[2].lead`).
    pub async fn create_plan(
        &self,
        unit: &UnitSummary,
        input: &PlanInput,
        file: Option<NewFile<'_>>,
        tasks: &[TaskInput],
        actor: &Actor,
    ) -> Result<Plan, StoreError> {
        let mut problems = plan_problems(input);
        problems.extend(file.as_ref().and_then(file_problem));
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let now = self.now_text();
        let mut tx = self.begin_write().await?;
        let file_id = match &file {
            Some(f) => Some(insert_file(&mut tx, f, actor, &now).await?.id),
            None => None,
        };
        let id: i64 = sqlx::query(
            "INSERT INTO plans (unit_id, kind, doc_number, issued_on, issuing_body, summary, period, status, file_id, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10) RETURNING id",
        )
        .bind(unit.id)
        .bind(input.kind.code())
        .bind(input.number.as_deref().map(str::trim))
        .bind(input.issued_on.map(date_to_text))
        .bind(input.issuing_body.trim())
        .bind(input.summary.trim())
        .bind(input.period.to_string())
        .bind(file_id)
        .bind(&now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let plan = plan_in(&mut tx, id).await?;
        let new = serde_json::to_value(&plan).ok();
        self.audit_plan(&mut tx, &plan, "plan.create", &format!("plan:{id}"), (None, new), actor)
            .await?;
        self.insert_tasks(&mut tx, &plan, tasks, actor).await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// Changes what a plan states (not its status: see [`Store::set_plan_status`]).
    pub async fn update_plan(&self, id: i64, input: &PlanInput, actor: &Actor) -> Result<Plan, StoreError> {
        let problems = plan_problems(input);
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let mut tx = self.begin_write().await?;
        let old = plan_in(&mut tx, id).await?;
        sqlx::query(
            "UPDATE plans SET kind = $1, doc_number = $2, issued_on = $3, issuing_body = $4, summary = $5, period = $6,
             updated_at = $7, updated_by = $8 WHERE id = $9",
        )
        .bind(input.kind.code())
        .bind(input.number.as_deref().map(str::trim))
        .bind(input.issued_on.map(date_to_text))
        .bind(input.issuing_body.trim())
        .bind(input.summary.trim())
        .bind(input.period.to_string())
        .bind(self.now_text())
        .bind(&actor.name)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let plan = plan_in(&mut tx, id).await?;
        let (o, n) = (serde_json::to_value(&old).ok(), serde_json::to_value(&plan).ok());
        self.audit_plan(&mut tx, &plan, "plan.update", &format!("plan:{id}"), (o, n), actor)
            .await?;
        if let Some(row_id) = plan.document_row {
            self.refile_issued_plan(&mut tx, &plan, row_id, actor).await?;
        }
        tx.commit().await?;
        Ok(plan)
    }

    /// Brings the documents register row of an issued plan in line with what the plan now
    /// states (its number, date, issuing body, summary, kind), keeping what was added to the
    /// row itself (its place, notes); a new date in another year moves the row to that year.
    /// A row deleted from the register stays deleted.
    async fn refile_issued_plan(
        &self,
        tx: &mut sqlx::AnyConnection,
        plan: &Plan,
        row_id: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let row: RegisterRow<DirectiveDocument> = match crate::registers::fetch_row(tx, row_id).await {
            Ok(row) => row,
            Err(StoreError::NotFound { .. }) => return Ok(()),
            Err(e) => return Err(e),
        };
        let date = plan.issued_on.or(row.record.date);
        let record = DirectiveDocument {
            summary: plan.summary.clone(),
            issuing_body: plan.issuing_body.clone(),
            document_type: plan.kind.code().to_string(),
            number: plan.number.clone(),
            date,
            ..row.record
        };
        let period = date.map(|d| Period::Year(d.year()));
        let source = format!("plan:{}", plan.id);
        crate::registers::update_row_in(tx, row_id, record, period, actor, &self.now_text(), Some(&source)).await?;
        Ok(())
    }

    /// Moves a plan to `status`. Issuing it files it in the documents register (once), in
    /// the year it was issued, so the "documents issued" figures count it without retyping.
    pub async fn set_plan_status(&self, id: i64, status: PlanStatus, actor: &Actor) -> Result<Plan, StoreError> {
        let mut tx = self.begin_write().await?;
        let old = plan_in(&mut tx, id).await?;
        if old.status == status {
            return Ok(old);
        }
        if status == PlanStatus::Draft {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "status",
                "cannot_unissue",
                "an issued plan cannot go back to draft; issue a new one that supersedes it".into(),
                "Kế hoạch đã ban hành không thể trở lại dự thảo; hãy ban hành văn bản mới thay thế".into(),
            )]));
        }
        let now = self.now_text();
        let mut document_row = old.document_row;
        if status == PlanStatus::Issued && document_row.is_none() {
            let unit = crate::units::unit_by_id_on(&mut tx, old.unit_id)
                .await?
                .ok_or_else(|| not_found("unit", old.unit_id))?;
            let issued = old.issued_on.unwrap_or_else(|| self.today());
            let record = DirectiveDocument {
                order: None,
                summary: old.summary.clone(),
                issuing_body: old.issuing_body.clone(),
                document_type: old.kind.code().to_string(),
                number: old.number.clone(),
                date: Some(issued),
                notes: None,
            };
            let source = format!("plan:{id}");
            let row = crate::registers::insert_row(
                &mut tx,
                &unit,
                &Period::Year(issued.year()),
                record,
                actor,
                &now,
                Some(&source),
            )
            .await?;
            document_row = Some(row.id);
        }
        sqlx::query(
            "UPDATE plans SET status = $1, document_row_id = $2, updated_at = $3, updated_by = $4 WHERE id = $5",
        )
        .bind(status.code())
        .bind(document_row)
        .bind(&now)
        .bind(&actor.name)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let plan = plan_in(&mut tx, id).await?;
        let (o, n) = (Some(old.status.code().into()), Some(status.code().into()));
        self.audit_plan(&mut tx, &plan, "plan.status", &format!("plan:{id}"), (o, n), actor)
            .await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// Keeps `file` as the plan's document; one kept before stays, named in the audit.
    pub async fn attach_plan_file(&self, id: i64, file: NewFile<'_>, actor: &Actor) -> Result<Plan, StoreError> {
        if let Some(p) = file_problem(&file) {
            return Err(StoreError::Invalid(vec![p]));
        }
        let now = self.now_text();
        let mut tx = self.begin_write().await?;
        let old = plan_in(&mut tx, id).await?;
        let info = insert_file(&mut tx, &file, actor, &now).await?;
        sqlx::query("UPDATE plans SET file_id = $1, updated_at = $2, updated_by = $3 WHERE id = $4")
            .bind(info.id)
            .bind(&now)
            .bind(&actor.name)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let plan = plan_in(&mut tx, id).await?;
        let (o, n) = (
            serde_json::to_value(&old.file).ok(),
            serde_json::to_value(&plan.file).ok(),
        );
        self.audit_plan(&mut tx, &plan, "plan.file", &format!("plan:{id}"), (o, n), actor)
            .await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// The unit whose plan it is.
    pub async fn unit_of_plan(&self, plan: &Plan) -> Result<UnitSummary, StoreError> {
        self.unit_summary_by_id(plan.unit_id)
            .await?
            .ok_or_else(|| not_found("unit", plan.unit_id))
    }

    pub async fn plan(&self, id: i64) -> Result<Plan, StoreError> {
        let mut conn = self.pool.acquire().await?;
        plan_in(&mut conn, id).await
    }

    /// The plans of a unit, newest period first.
    pub async fn plans_of(&self, unit_id: i64) -> Result<Vec<Plan>, StoreError> {
        let sql =
            format!("SELECT {PLAN_COLUMNS} FROM {PLAN_FROM} WHERE p.unit_id = $1 ORDER BY p.period DESC, p.id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(plan_from).collect()
    }

    /// A kept file and its bytes.
    pub async fn stored_file(&self, id: i64) -> Result<(FileInfo, Vec<u8>), StoreError> {
        let row = sqlx::query(
            "SELECT id AS f_id, name AS f_name, media_type AS f_media_type, sha256 AS f_sha256, size AS f_size, content_base64
             FROM stored_files WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| not_found("file", id))?;
        let info = file_from(&row, "f_")?.ok_or_else(|| not_found("file", id))?;
        let text: String = row.try_get("content_base64")?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map_err(|_| corrupt("file", &info.name))?;
        Ok((info, bytes))
    }
}
