//! Reading plans, tasks and progress reports out of rows: the columns each query selects and
//! the mapping back to the types.

use super::{FileInfo, Plan, Task, TaskInput, TaskUpdate};
use crate::{StoreError, text_to_date};
use binhdang_domain::plan::{Body, PlanKind, PlanStatus, Progress, Recurrence};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::Date;

/// A plan's columns, each named `p_…` so that they can stand beside a task's in one row.
pub(super) const PLAN_COLUMNS: &str = "p.id AS p_id, u.code AS p_unit_code, p.unit_id AS p_unit_id, p.kind AS p_kind,
     p.doc_number AS p_doc_number, p.issued_on AS p_issued_on, p.issuing_body AS p_issuing_body, p.summary AS p_summary,
     p.period AS p_period, p.status AS p_status, p.document_row_id AS p_document_row_id, p.updated_at AS p_updated_at,
     p.updated_by AS p_updated_by, f.id AS p_file_id, f.name AS p_file_name, f.media_type AS p_file_media_type,
     f.sha256 AS p_file_sha256, f.size AS p_file_size";
pub(super) const PLAN_FROM: &str =
    "plans p JOIN units u ON u.id = p.unit_id LEFT JOIN stored_files f ON f.id = p.file_id";

pub(super) const TASK_COLUMNS: &str =
    "t.id, t.plan_id, t.item, t.text, lu.code AS lead_unit, la.code AS lead_agency, t.lead_name,
     t.partners, t.due, t.recurrence, t.expected_output, t.indicators, t.progress, t.done_on, t.done_occurrences,
     t.cancel_reason, t.source, t.updated_at, t.updated_by";
pub(super) const TASK_FROM: &str =
    "plan_tasks t LEFT JOIN units lu ON lu.id = t.lead_unit_id LEFT JOIN agencies la ON la.id = t.lead_agency_id";

pub(super) fn opt_date(row: &AnyRow, column: &str) -> Result<Option<Date>, StoreError> {
    row.try_get::<Option<String>, _>(column)?
        .as_deref()
        .map(text_to_date)
        .transpose()
}

pub(super) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("stored {what} `{value}`"))
}

pub(super) fn file_from(row: &AnyRow, prefix: &str) -> Result<Option<FileInfo>, StoreError> {
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

pub(super) fn plan_from(row: &AnyRow) -> Result<Plan, StoreError> {
    let get = |c: &str| format!("p_{c}");
    let kind: String = row.try_get(get("kind").as_str())?;
    let status: String = row.try_get(get("status").as_str())?;
    let period: String = row.try_get(get("period").as_str())?;
    Ok(Plan {
        id: row.try_get(get("id").as_str())?,
        unit: crate::parse(row, &get("unit_code"))?,
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

pub(super) fn json_list<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> Result<Vec<T>, StoreError> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|_| corrupt(column, &text))
}

pub(super) fn task_from(row: &AnyRow) -> Result<Task, StoreError> {
    let recurrence: String = row.try_get("recurrence")?;
    let progress: String = row.try_get("progress")?;
    Ok(Task {
        id: row.try_get("id")?,
        plan_id: row.try_get("plan_id")?,
        asked: TaskInput {
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
            source: row.try_get("source")?,
        },
        progress: Progress::parse(&progress).ok_or_else(|| corrupt("progress", &progress))?,
        done_on: opt_date(row, "done_on")?,
        done_occurrences: json_list::<String>(row, "done_occurrences")?
            .iter()
            .map(|d| text_to_date(d))
            .collect::<Result<_, _>>()?,
        cancel_reason: row.try_get("cancel_reason")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
}

pub(super) const UPDATE_COLUMNS: &str = "t.id, t.task_id, t.progress, t.occurrence, t.reported_on, t.note, t.evidence_register,
     t.evidence_row_id, t.evidence_link, t.reported_by, t.reported_at,
     f.id AS file_id, f.name AS file_name, f.media_type AS file_media_type, f.sha256 AS file_sha256, f.size AS file_size";
pub(super) const UPDATE_FROM: &str = "task_updates t LEFT JOIN stored_files f ON f.id = t.evidence_file_id";

pub(super) fn update_from(row: &AnyRow) -> Result<TaskUpdate, StoreError> {
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

pub(super) async fn update_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<TaskUpdate, StoreError> {
    let sql = format!("SELECT {UPDATE_COLUMNS} FROM {UPDATE_FROM} WHERE t.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found("task update", id))?;
    update_from(&row)
}

pub(super) async fn plan_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Plan, StoreError> {
    let sql = format!("SELECT {PLAN_COLUMNS} FROM {PLAN_FROM} WHERE p.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found("plan", id))?;
    plan_from(&row)
}

pub(super) async fn task_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Task, StoreError> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM {TASK_FROM} WHERE t.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found("task", id))?;
    task_from(&row)
}

pub(super) fn not_found(what: &'static str, id: i64) -> StoreError {
    StoreError::NotFound {
        what,
        key: id.to_string(),
    }
}
