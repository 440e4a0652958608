//! Plans and the tasks they assign: who may change them, who reports progress, and how they
//! are followed (each task's status as of today, progress by body, the share done on time).
//!
//! A plan belongs to a unit: whoever may enter that unit's data — except an officer narrowed to
//! one agency — writes its plans. A task's progress is reported by its lead body (an officer of
//! the lead agency, or of the lead unit or the unit it was merged into) or, on its behalf, by
//! whoever writes the plan's unit's data.

use crate::access::{AccessError, authorize};
use binhdang_domain::access::{Action, Role};
pub use binhdang_domain::plan::BodyProgress;
use binhdang_domain::plan::{Followed, TaskStatus};
use binhdang_store::plans::{Plan, ProgressInput, Task, TaskUpdate};
use binhdang_store::{Actor, Store, StoreError, User};
use serde::Serialize;
use time::Date;

/// A task with where it stands today.
#[derive(Debug, Clone, Serialize)]
pub struct FollowedTask {
    #[serde(flatten)]
    pub task: Task,
    #[serde(flatten)]
    pub followed: Followed,
}

pub fn follow_all(plan: &Plan, tasks: Vec<Task>, today: Date) -> Vec<FollowedTask> {
    tasks
        .into_iter()
        .map(|task| FollowedTask {
            followed: task.followed(plan, today),
            task,
        })
        .collect()
}

/// Progress per lead body, in the order of the bodies' names, and for all of them together.
pub fn progress_by_body(tasks: &[FollowedTask]) -> (Vec<BodyProgress>, BodyProgress) {
    binhdang_domain::plan::progress_by_body(
        tasks
            .iter()
            .map(|t| (t.task.asked.lead.name.as_str(), t.followed.status)),
    )
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

/// Whether `user` may write the plans of `plan_unit`, asked to show a page's forms: nothing is
/// audited (the write itself asks [`may_write_plans`]).
pub async fn writes_plans(
    store: &Store,
    user: &User,
    plan_unit: &binhdang_store::UnitSummary,
) -> Result<bool, StoreError> {
    if user.role == Role::Officer && user.agency_code.is_some() {
        return Ok(false);
    }
    Ok(binhdang_domain::access::permits(
        user.role,
        store.reach(user, plan_unit).await?,
        Action::Write,
    ))
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

/// Allows changing `plan` (its unit's plans), answering its unit, or refuses it (audited).
pub async fn may_write_plan(
    store: &Store,
    user: &User,
    origin: &str,
    plan: &Plan,
) -> Result<binhdang_store::UnitSummary, AccessError> {
    let unit = store.unit_of_plan(plan).await?;
    may_write_plans(store, user, origin, &unit).await?;
    Ok(unit)
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
    let unit = store.unit_of_plan(plan).await?;
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
        may_write_plan(store, user, origin, &plan).await?;
    }
    let now = task.followed(&plan, store.today());
    let occurrence = now.due;
    let last = match (task.asked.due, occurrence) {
        (Some(first), Some(at)) => {
            task.asked
                .recurrence
                .occurrences(first, plan.period.end().max(first))
                .last()
                == Some(&at)
        }
        _ => true,
    };
    Ok(store.report_progress(task_id, input, occurrence, last, actor).await?)
}

/// The tasks of issued plans `user`'s body leads, each with where it stands today: overdue
/// first, then by status and due date. Leaders and viewers lead none.
pub async fn led_tasks(store: &Store, user: &User) -> Result<Vec<(Plan, FollowedTask)>, StoreError> {
    if matches!(user.role, Role::Viewer | Role::Leader) {
        return Ok(Vec::new());
    }
    let today = store.today();
    let mut out: Vec<(Plan, FollowedTask)> = store
        .tasks_led_by(user.unit.id, user.agency_code.as_deref())
        .await?
        .into_iter()
        .map(|t| {
            let followed = t.task.followed(&t.plan, today);
            (t.plan, FollowedTask { task: t.task, followed })
        })
        .collect();
    out.sort_by_key(|(_, t)| (t.followed.status, t.followed.due, t.task.id));
    Ok(out)
}

/// Of [`led_tasks`], the open ones overdue or due within a week, the overdue first, then the
/// soonest due: what the inbox and the home page show.
pub async fn urgent_tasks(store: &Store, user: &User) -> Result<Vec<(Plan, FollowedTask)>, StoreError> {
    let mut out: Vec<(Plan, FollowedTask)> = led_tasks(store, user)
        .await?
        .into_iter()
        .filter(|(_, t)| t.followed.status == TaskStatus::Overdue || t.followed.due_soon)
        .collect();
    out.sort_by_key(|(_, t)| (t.followed.status != TaskStatus::Overdue, t.followed.due, t.task.id));
    Ok(out)
}
