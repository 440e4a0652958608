//! Plans and directives and the tasks they assign: their records, the files they came in,
//! the progress the responsible bodies report, and the documents register row an issued plan
//! becomes. Every change is audited in `audit_log` (`plan.*`, `task.*`); progress reports are
//! also kept whole, append-only, in `task_updates`, which is a task's history.

use crate::access::{AuditEntry, audit_in};
use crate::{Actor, FieldProblem, Store, StoreError, UnitSummary, date_to_text, text_to_date};
use base64::Engine as _;
use binhdang_domain::Period;
use binhdang_domain::plan::{Body, PlanKind, PlanStatus, Progress, Recurrence, check_task};
use binhdang_domain::register::DirectiveDocument;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::Date;

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
    pub unit: String,
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

/// What a person states of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub item: String,
    pub text: String,
    pub lead: Body,
    pub partners: Vec<Body>,
    pub due: Option<Date>,
    pub recurrence: Recurrence,
    pub expected_output: Option<String>,
    pub indicators: Vec<String>,
    pub progress: Progress,
    pub done_on: Option<Date>,
    pub done_occurrences: Vec<Date>,
    pub cancel_reason: Option<String>,
    pub source: Option<String>,
    pub updated_at: String,
    pub updated_by: String,
}

impl Task {
    /// Where the task stands on `today`, its occurrences running to the end of `plan`.
    pub fn followed(&self, plan: &Plan, today: Date) -> binhdang_domain::plan::Followed {
        binhdang_domain::plan::follow(
            self.recurrence,
            self.due,
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

const PLAN_COLUMNS: &str = "p.id, u.code AS unit_code, p.unit_id, p.kind, p.doc_number, p.issued_on, p.issuing_body,
     p.summary, p.period, p.status, p.document_row_id, p.updated_at, p.updated_by,
     f.id AS file_id, f.name AS file_name, f.media_type AS file_media_type, f.sha256 AS file_sha256, f.size AS file_size";
const PLAN_FROM: &str = "plans p JOIN units u ON u.id = p.unit_id LEFT JOIN stored_files f ON f.id = p.file_id";

const TASK_COLUMNS: &str = "t.id, t.plan_id, t.item, t.text, lu.code AS lead_unit, la.code AS lead_agency, t.lead_name,
     t.partners, t.due, t.recurrence, t.expected_output, t.indicators, t.progress, t.done_on, t.done_occurrences,
     t.cancel_reason, t.source, t.updated_at, t.updated_by";
const TASK_FROM: &str =
    "plan_tasks t LEFT JOIN units lu ON lu.id = t.lead_unit_id LEFT JOIN agencies la ON la.id = t.lead_agency_id";

fn opt_date(row: &AnyRow, column: &str) -> Result<Option<Date>, StoreError> {
    row.try_get::<Option<String>, _>(column)?
        .as_deref()
        .map(text_to_date)
        .transpose()
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("stored {what} `{value}`"))
}

fn file_from(row: &AnyRow, prefix: &str) -> Result<Option<FileInfo>, StoreError> {
    let Some(id) = row.try_get::<Option<i64>, _>(format!("{prefix}id").as_str())? else {
        return Ok(None);
    };
    Ok(Some(FileInfo {
        id,
        name: row.try_get(format!("{prefix}name").as_str())?,
        media_type: row.try_get(format!("{prefix}media_type").as_str())?,
        sha256: row.try_get(format!("{prefix}sha256").as_str())?,
        size: row.try_get(format!("{prefix}size").as_str())?,
    }))
}

fn plan_from(row: &AnyRow) -> Result<Plan, StoreError> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let period: String = row.try_get("period")?;
    Ok(Plan {
        id: row.try_get("id")?,
        unit: row.try_get("unit_code")?,
        unit_id: row.try_get("unit_id")?,
        kind: PlanKind::parse(&kind).ok_or_else(|| corrupt("plan kind", &kind))?,
        number: row.try_get("doc_number")?,
        issued_on: opt_date(row, "issued_on")?,
        issuing_body: row.try_get("issuing_body")?,
        summary: row.try_get("summary")?,
        period: period.parse().map_err(|_| corrupt("plan period", &period))?,
        status: PlanStatus::parse(&status).ok_or_else(|| corrupt("plan status", &status))?,
        file: file_from(row, "file_")?,
        document_row: row.try_get("document_row_id")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
}

fn json_list<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> Result<Vec<T>, StoreError> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|_| corrupt(column, &text))
}

fn task_from(row: &AnyRow) -> Result<Task, StoreError> {
    let recurrence: String = row.try_get("recurrence")?;
    let progress: String = row.try_get("progress")?;
    Ok(Task {
        id: row.try_get("id")?,
        plan_id: row.try_get("plan_id")?,
        item: row.try_get("item")?,
        text: row.try_get("text")?,
        lead: Body {
            unit: row.try_get("lead_unit")?,
            agency: row.try_get("lead_agency")?,
            name: row.try_get("lead_name")?,
        },
        partners: json_list(row, "partners")?,
        due: opt_date(row, "due")?,
        recurrence: Recurrence::parse(&recurrence).ok_or_else(|| corrupt("recurrence", &recurrence))?,
        expected_output: row.try_get("expected_output")?,
        indicators: json_list(row, "indicators")?,
        progress: Progress::parse(&progress).ok_or_else(|| corrupt("progress", &progress))?,
        done_on: opt_date(row, "done_on")?,
        done_occurrences: json_list::<String>(row, "done_occurrences")?
            .iter()
            .map(|d| text_to_date(d))
            .collect::<Result<_, _>>()?,
        cancel_reason: row.try_get("cancel_reason")?,
        source: row.try_get("source")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
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

fn file_problem(file: &NewFile<'_>) -> Option<FieldProblem> {
    (file.bytes.is_empty() || file.bytes.len() > MAX_FILE_BYTES || file.name.trim().is_empty()).then(|| {
        FieldProblem::new(
            "file",
            "bad_file",
            "the file is empty, unnamed or over 20 MB".into(),
            "Tệp rỗng, không có tên hoặc lớn hơn 20 MB".into(),
        )
    })
}

async fn insert_file(
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

fn not_found(what: &'static str, id: i64) -> StoreError {
    StoreError::NotFound {
        what,
        key: id.to_string(),
    }
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
        tx.commit().await?;
        Ok(plan)
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

    async fn insert_tasks(
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
        let (lead_unit, lead_agency) = checked_task(tx, plan, input).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO plan_tasks (plan_id, item, text, lead_unit_id, lead_agency_id, lead_name, partners, due, recurrence,
             expected_output, indicators, source, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(plan.id)
        .bind(input.item.trim())
        .bind(input.text.trim())
        .bind(lead_unit)
        .bind(lead_agency)
        .bind(input.lead.name.trim())
        .bind(serde_json::to_string(&input.partners).unwrap_or_else(|_| "[]".into()))
        .bind(input.due.map(date_to_text))
        .bind(input.recurrence.code())
        .bind(input.expected_output.as_deref().map(str::trim).filter(|s| !s.is_empty()))
        .bind(serde_json::to_string(&input.indicators).unwrap_or_else(|_| "[]".into()))
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
        let (lead_unit, lead_agency) = checked_task(&mut tx, &plan, input).await?;
        sqlx::query(
            "UPDATE plan_tasks SET item = $1, text = $2, lead_unit_id = $3, lead_agency_id = $4, lead_name = $5, partners = $6,
             due = $7, recurrence = $8, expected_output = $9, indicators = $10, updated_at = $11, updated_by = $12 WHERE id = $13",
        )
        .bind(input.item.trim())
        .bind(input.text.trim())
        .bind(lead_unit)
        .bind(lead_agency)
        .bind(input.lead.name.trim())
        .bind(serde_json::to_string(&input.partners).unwrap_or_else(|_| "[]".into()))
        .bind(input.due.map(date_to_text))
        .bind(input.recurrence.code())
        .bind(input.expected_output.as_deref().map(str::trim).filter(|s| !s.is_empty()))
        .bind(serde_json::to_string(&input.indicators).unwrap_or_else(|_| "[]".into()))
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
            "SELECT {TASK_COLUMNS}, {PLAN_COLUMNS_PREFIXED} FROM {TASK_FROM}
             JOIN plans p ON p.id = t.plan_id JOIN units u ON u.id = p.unit_id LEFT JOIN stored_files f ON f.id = p.file_id
             WHERE p.status = 'issued' AND {who}
             ORDER BY t.due, t.id",
            PLAN_COLUMNS_PREFIXED = plan_columns_prefixed(),
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
                    plan: plan_from_prefixed(row)?,
                })
            })
            .collect()
    }

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

const UPDATE_COLUMNS: &str = "t.id, t.task_id, t.progress, t.occurrence, t.reported_on, t.note, t.evidence_register,
     t.evidence_row_id, t.evidence_link, t.reported_by, t.reported_at,
     f.id AS file_id, f.name AS file_name, f.media_type AS file_media_type, f.sha256 AS file_sha256, f.size AS file_size";
const UPDATE_FROM: &str = "task_updates t LEFT JOIN stored_files f ON f.id = t.evidence_file_id";

fn update_from(row: &AnyRow) -> Result<TaskUpdate, StoreError> {
    let progress: String = row.try_get("progress")?;
    let reported_on: String = row.try_get("reported_on")?;
    Ok(TaskUpdate {
        id: row.try_get("id")?,
        task_id: row.try_get("task_id")?,
        progress: Progress::parse(&progress).ok_or_else(|| corrupt("progress", &progress))?,
        occurrence: opt_date(row, "occurrence")?,
        reported_on: text_to_date(&reported_on)?,
        note: row.try_get("note")?,
        evidence_file: file_from(row, "file_")?,
        evidence_register: row.try_get("evidence_register")?,
        evidence_row_id: row.try_get("evidence_row_id")?,
        evidence_link: row.try_get("evidence_link")?,
        reported_by: row.try_get("reported_by")?,
        reported_at: row.try_get("reported_at")?,
    })
}

async fn update_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<TaskUpdate, StoreError> {
    let sql = format!("SELECT {UPDATE_COLUMNS} FROM {UPDATE_FROM} WHERE t.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found("task update", id))?;
    update_from(&row)
}

/// The plan columns again under `p_` names, for queries that also select a task's `id`.
fn plan_columns_prefixed() -> String {
    "p.id AS p_id, u.code AS p_unit_code, p.unit_id AS p_unit_id, p.kind AS p_kind, p.doc_number AS p_doc_number,
     p.issued_on AS p_issued_on, p.issuing_body AS p_issuing_body, p.summary AS p_summary, p.period AS p_period,
     p.status AS p_status, p.document_row_id AS p_document_row_id, p.updated_at AS p_updated_at,
     p.updated_by AS p_updated_by, f.id AS p_file_id, f.name AS p_file_name, f.media_type AS p_file_media_type,
     f.sha256 AS p_file_sha256, f.size AS p_file_size"
        .to_string()
}

fn plan_from_prefixed(row: &AnyRow) -> Result<Plan, StoreError> {
    let get = |c: &str| format!("p_{c}");
    let kind: String = row.try_get(get("kind").as_str())?;
    let status: String = row.try_get(get("status").as_str())?;
    let period: String = row.try_get(get("period").as_str())?;
    Ok(Plan {
        id: row.try_get(get("id").as_str())?,
        unit: row.try_get(get("unit_code").as_str())?,
        unit_id: row.try_get(get("unit_id").as_str())?,
        kind: PlanKind::parse(&kind).ok_or_else(|| corrupt("plan kind", &kind))?,
        number: row.try_get(get("doc_number").as_str())?,
        issued_on: opt_date(row, &get("issued_on"))?,
        issuing_body: row.try_get(get("issuing_body").as_str())?,
        summary: row.try_get(get("summary").as_str())?,
        period: period.parse().map_err(|_| corrupt("plan period", &period))?,
        status: PlanStatus::parse(&status).ok_or_else(|| corrupt("plan status", &status))?,
        file: file_from(row, "p_file_")?,
        document_row: row.try_get(get("document_row_id").as_str())?,
        updated_at: row.try_get(get("updated_at").as_str())?,
        updated_by: row.try_get(get("updated_by").as_str())?,
    })
}

async fn plan_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Plan, StoreError> {
    let sql = format!("SELECT {PLAN_COLUMNS} FROM {PLAN_FROM} WHERE p.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found("plan", id))?;
    plan_from(&row)
}

async fn task_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Task, StoreError> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM {TASK_FROM} WHERE t.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found("task", id))?;
    task_from(&row)
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
