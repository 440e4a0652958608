//! Plans and the tasks they assign: who may change them, who reports progress, and how they
//! are followed (each task's status as of today, progress by body, the share done on time).
//!
//! A plan belongs to a unit: whoever may enter that unit's data — except an officer narrowed to
//! one agency — writes its plans. A task's progress is reported by its lead body (an officer of
//! the lead agency, or of the lead unit or the unit it was merged into) or, on its behalf, by
//! whoever writes the plan's unit's data.

use crate::access::{AccessError, authorize};
use binhdang_domain::access::{Action, Role};
use binhdang_domain::plan::{Followed, TaskStatus, follow};
use binhdang_store::plans::{Plan, PlanTask, ProgressInput, Task, TaskUpdate};
use binhdang_store::{Actor, Store, StoreError, User};
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;

/// A task with where it stands today.
#[derive(Debug, Clone, Serialize)]
pub struct FollowedTask {
    #[serde(flatten)]
    pub task: Task,
    #[serde(flatten)]
    pub followed: Followed,
}

/// How the tasks one body leads stand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BodyProgress {
    pub body: String,
    pub tasks: usize,
    pub done_on_time: usize,
    pub done_late: usize,
    pub overdue: usize,
    pub open: usize,
    pub cancelled: usize,
}

impl BodyProgress {
    /// Done on time over the tasks that are due or done (cancelled ones left out), in %,
    /// to two decimals.
    pub fn on_time_rate(&self) -> Option<rust_decimal::Decimal> {
        let judged = self.done_on_time + self.done_late + self.overdue;
        (judged > 0).then(|| {
            (rust_decimal::Decimal::from(self.done_on_time * 100) / rust_decimal::Decimal::from(judged)).round_dp(2)
        })
    }
}

pub fn followed(plan: &Plan, task: &Task, today: Date) -> Followed {
    follow(
        task.recurrence,
        task.due,
        plan.period.end(),
        task.progress,
        task.done_on,
        &task.done_occurrences,
        today,
    )
}

pub fn follow_all(plan: &Plan, tasks: Vec<Task>, today: Date) -> Vec<FollowedTask> {
    tasks
        .into_iter()
        .map(|task| FollowedTask {
            followed: followed(plan, &task, today),
            task,
        })
        .collect()
}

/// Progress per lead body, in the order of the bodies' names, and for all of them together.
pub fn progress_by_body(tasks: &[FollowedTask]) -> (Vec<BodyProgress>, BodyProgress) {
    let mut bodies: BTreeMap<String, BodyProgress> = BTreeMap::new();
    let mut all = BodyProgress {
        body: String::new(),
        ..Default::default()
    };
    for t in tasks {
        let body = bodies.entry(t.task.lead.name.clone()).or_insert_with(|| BodyProgress {
            body: t.task.lead.name.clone(),
            ..Default::default()
        });
        for p in [&mut *body, &mut all] {
            p.tasks += 1;
            match t.followed.status {
                TaskStatus::Done => p.done_on_time += 1,
                TaskStatus::DoneLate => p.done_late += 1,
                TaskStatus::Overdue => p.overdue += 1,
                TaskStatus::Cancelled => p.cancelled += 1,
                TaskStatus::NotStarted | TaskStatus::InProgress => p.open += 1,
            }
        }
    }
    (bodies.into_values().collect(), all)
}

fn denied(user: &User, en: &str, vi: &str) -> AccessError {
    AccessError::Denied {
        message_en: format!("{} ({}) may not {en}", user.username, user.role),
        message_vi: format!(
            "Tài khoản {} ({}) không có quyền {vi}",
            user.username,
            user.role.name_vi()
        ),
    }
}

/// Allows creating and changing the plans of `plan_unit`, or refuses it (audited).
pub async fn may_write_plans(
    store: &Store,
    user: &User,
    origin: &str,
    plan_unit: &binhdang_store::UnitSummary,
) -> Result<(), AccessError> {
    if user.role == Role::Officer && user.agency_code.is_some() {
        return Err(denied(
            user,
            "write the unit's plans: an agency's officer reports progress on its tasks",
            "soạn kế hoạch của đơn vị: cán bộ của cơ quan chỉ báo cáo tiến độ nhiệm vụ được giao",
        ));
    }
    authorize(store, user, origin, plan_unit, Action::Write).await
}

/// Whether `user` belongs to the body that leads `task`: its agency, or its unit (or the
/// unit that unit was merged into) when no agency leads it.
pub async fn leads(store: &Store, user: &User, task: &Task) -> Result<bool, StoreError> {
    if matches!(user.role, Role::Viewer | Role::Leader) {
        return Ok(false);
    }
    Ok(store
        .tasks_led_by(user.unit.id, user.agency_code.as_deref())
        .await?
        .iter()
        .any(|t| t.task.id == task.id))
}

/// Allows reading a plan: readers of its unit, and the bodies that lead one of its tasks.
pub async fn may_read_plan(store: &Store, user: &User, origin: &str, plan: &Plan) -> Result<(), AccessError> {
    let unit = store
        .unit_summary_by_id(plan.unit_id)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "unit",
            key: plan.unit.clone(),
        })?;
    let leads_one = store
        .tasks_led_by(user.unit.id, user.agency_code.as_deref())
        .await?
        .iter()
        .any(|t| t.plan.id == plan.id);
    if leads_one && !matches!(user.role, Role::Viewer | Role::Leader) {
        return Ok(());
    }
    authorize(store, user, origin, &unit, Action::Read).await
}

/// Records a progress report on a task from its lead body, or on its behalf from whoever
/// writes the plan's unit's data; the occurrence reported on is the one due now.
pub async fn report_progress(
    store: &Store,
    user: &User,
    origin: &str,
    task_id: i64,
    input: ProgressInput<'_>,
    actor: &Actor,
) -> Result<(Task, TaskUpdate), AccessError> {
    let task = store.task(task_id).await?;
    let plan = store.plan(task.plan_id).await?;
    if plan.status != binhdang_domain::plan::PlanStatus::Issued {
        return Err(AccessError::Store(StoreError::Invalid(vec![
            binhdang_store::FieldProblem::new(
                "task",
                "plan_not_issued",
                "progress is reported on the tasks of an issued plan".into(),
                "Chỉ báo cáo tiến độ nhiệm vụ của kế hoạch đã ban hành".into(),
            ),
        ])));
    }
    if !leads(store, user, &task).await? {
        let unit = store
            .unit_summary_by_id(plan.unit_id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "unit",
                key: plan.unit.clone(),
            })?;
        may_write_plans(store, user, origin, &unit).await?;
    }
    let now = followed(&plan, &task, store.today());
    let occurrence = now.due;
    let last = match (task.due, occurrence) {
        (Some(first), Some(at)) => task.recurrence.occurrences(first, plan.period.end().max(first)).last() == Some(&at),
        _ => true,
    };
    Ok(store.report_progress(task_id, input, occurrence, last, actor).await?)
}

/// The open tasks `user`'s body leads that are overdue or due within a week, most urgent
/// first: what their inbox and home page show.
pub async fn urgent_tasks(store: &Store, user: &User) -> Result<Vec<(PlanTask, Followed)>, StoreError> {
    if matches!(user.role, Role::Viewer | Role::Leader) {
        return Ok(Vec::new());
    }
    let today = store.today();
    let mut out: Vec<(PlanTask, Followed)> = store
        .tasks_led_by(user.unit.id, user.agency_code.as_deref())
        .await?
        .into_iter()
        .map(|t| {
            let f = followed(&t.plan, &t.task, today);
            (t, f)
        })
        .filter(|(_, f)| f.status == TaskStatus::Overdue || f.due_soon)
        .collect();
    out.sort_by_key(|(t, f)| (f.status != TaskStatus::Overdue, f.due, t.task.id));
    Ok(out)
}
