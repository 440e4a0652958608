//! Plans and directives (kế hoạch, chỉ thị, công văn, quyết định, hướng dẫn) and the tasks
//! they assign: who leads, who cooperates, by when or how often, and whether it was done.
//!
//! A task's shown status is derived, never stored: the store keeps what the responsible body
//! said (not started, in progress, done on a date, cancelled with a reason), and
//! [`task_status`] judges it against the due date as of a day, so "overdue" cannot go stale.

use crate::input::FieldProblem;
use crate::vn;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

/// The kinds of document that assign work; their codes are the documents register's
/// `document_type` list codes, so an issued plan is also a row of that register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanKind {
    #[serde(rename = "ke-hoach")]
    Plan,
    #[serde(rename = "chi-thi")]
    Directive,
    #[serde(rename = "cong-van")]
    OfficialLetter,
    #[serde(rename = "quyet-dinh")]
    Decision,
    #[serde(rename = "huong-dan")]
    Guidance,
}

impl PlanKind {
    pub const ALL: [PlanKind; 5] = [
        PlanKind::Plan,
        PlanKind::Directive,
        PlanKind::OfficialLetter,
        PlanKind::Decision,
        PlanKind::Guidance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PlanKind::Plan => "ke-hoach",
            PlanKind::Directive => "chi-thi",
            PlanKind::OfficialLetter => "cong-van",
            PlanKind::Decision => "quyet-dinh",
            PlanKind::Guidance => "huong-dan",
        }
    }

    pub fn parse(code: &str) -> Option<PlanKind> {
        PlanKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// The kind a document's own wording names (`KẾ HOẠCH`, `Chỉ thị`), if any.
    pub fn from_wording(text: &str) -> Option<PlanKind> {
        let key = vn::search_key(text);
        PlanKind::ALL
            .into_iter()
            .find(|k| key.trim() == vn::search_key(k.label_vi()))
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PlanKind::Plan => "Kế hoạch",
            PlanKind::Directive => "Chỉ thị",
            PlanKind::OfficialLetter => "Công văn",
            PlanKind::Decision => "Quyết định",
            PlanKind::Guidance => "Hướng dẫn",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PlanKind::Plan => "Plan",
            PlanKind::Directive => "Directive",
            PlanKind::OfficialLetter => "Official letter",
            PlanKind::Decision => "Decision",
            PlanKind::Guidance => "Guidance",
        }
    }
}

/// Where a plan stands: a draft is visible to its unit only and assigns nothing yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    Issued,
    Superseded,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 3] = [PlanStatus::Draft, PlanStatus::Issued, PlanStatus::Superseded];

    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Issued => "issued",
            PlanStatus::Superseded => "superseded",
        }
    }

    pub fn parse(code: &str) -> Option<PlanStatus> {
        PlanStatus::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Dự thảo",
            PlanStatus::Issued => "Đã ban hành",
            PlanStatus::Superseded => "Đã được thay thế",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Draft",
            PlanStatus::Issued => "Issued",
            PlanStatus::Superseded => "Superseded",
        }
    }
}

/// How often a task falls due. A recurring task's first due date is its `due`; each later
/// one follows by the recurrence, up to the end of what the plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Once,
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
    /// Each Action Month (15/11–15/12): due on 15 December every year.
    ActionMonth,
}

impl Recurrence {
    pub const ALL: [Recurrence; 6] = [
        Recurrence::Once,
        Recurrence::Monthly,
        Recurrence::Quarterly,
        Recurrence::HalfYearly,
        Recurrence::Yearly,
        Recurrence::ActionMonth,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Recurrence::Once => "once",
            Recurrence::Monthly => "monthly",
            Recurrence::Quarterly => "quarterly",
            Recurrence::HalfYearly => "half_yearly",
            Recurrence::Yearly => "yearly",
            Recurrence::ActionMonth => "action_month",
        }
    }

    pub fn parse(code: &str) -> Option<Recurrence> {
        Recurrence::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Recurrence::Once => "Một lần",
            Recurrence::Monthly => "Hằng tháng",
            Recurrence::Quarterly => "Hằng quý",
            Recurrence::HalfYearly => "6 tháng một lần",
            Recurrence::Yearly => "Hằng năm",
            Recurrence::ActionMonth => "Mỗi Tháng hành động",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Recurrence::Once => "Once",
            Recurrence::Monthly => "Monthly",
            Recurrence::Quarterly => "Quarterly",
            Recurrence::HalfYearly => "Every six months",
            Recurrence::Yearly => "Yearly",
            Recurrence::ActionMonth => "Each Action Month",
        }
    }

    /// The occurrence after `due`, or `None` for a task done once.
    pub fn next(self, due: Date) -> Option<Date> {
        let months = match self {
            Recurrence::Once => return None,
            Recurrence::Monthly => 1,
            Recurrence::Quarterly => 3,
            Recurrence::HalfYearly => 6,
            Recurrence::Yearly | Recurrence::ActionMonth => 12,
        };
        Some(add_months(due, months))
    }

    /// Every due date from `first` up to and including `until` (just `first` for a task done
    /// once, whatever `until` is).
    pub fn occurrences(self, first: Date, until: Date) -> Vec<Date> {
        let mut out = vec![first];
        let mut at = first;
        while let Some(next) = self.next(at) {
            if next > until || out.len() >= 400 {
                break;
            }
            out.push(next);
            at = next;
        }
        out
    }
}

/// `due` moved by whole months, kept at the month's last day when the day does not exist
/// there (31 January + 1 month = 28 or 29 February) and at the last day when `due` was one.
fn add_months(due: Date, months: i32) -> Date {
    let index = due.year() * 12 + i32::from(u8::from(due.month())) - 1 + months;
    let (year, month) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u8);
    let month = Month::try_from(month).expect("1..=12");
    let last = month.length(year);
    let was_last = due.day() == due.month().length(due.year());
    let day = if was_last { last } else { due.day().min(last) };
    Date::from_calendar_date(year, month, day).expect("a day within the month")
}

/// What the responsible body last said of a task (the stored part of its status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    NotStarted,
    InProgress,
    Done,
    Cancelled,
}

impl Progress {
    pub const ALL: [Progress; 4] = [
        Progress::NotStarted,
        Progress::InProgress,
        Progress::Done,
        Progress::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Progress::NotStarted => "not_started",
            Progress::InProgress => "in_progress",
            Progress::Done => "done",
            Progress::Cancelled => "cancelled",
        }
    }

    pub fn parse(code: &str) -> Option<Progress> {
        Progress::ALL.into_iter().find(|p| p.code() == code.trim())
    }
}

/// A task's status as shown: [`Progress`] judged against its due date on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Overdue,
    NotStarted,
    InProgress,
    DoneLate,
    Done,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 6] = [
        TaskStatus::Overdue,
        TaskStatus::NotStarted,
        TaskStatus::InProgress,
        TaskStatus::DoneLate,
        TaskStatus::Done,
        TaskStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
            TaskStatus::DoneLate => "done_late",
            TaskStatus::Overdue => "overdue",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "Chưa thực hiện",
            TaskStatus::InProgress => "Đang thực hiện",
            TaskStatus::Done => "Hoàn thành đúng hạn",
            TaskStatus::DoneLate => "Hoàn thành muộn",
            TaskStatus::Overdue => "Quá hạn",
            TaskStatus::Cancelled => "Đã hủy",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "Not started",
            TaskStatus::InProgress => "In progress",
            TaskStatus::Done => "Done on time",
            TaskStatus::DoneLate => "Done late",
            TaskStatus::Overdue => "Overdue",
            TaskStatus::Cancelled => "Cancelled",
        }
    }

    /// Whether the task is finished one way or another (nothing more is asked of anyone).
    pub fn is_closed(self) -> bool {
        matches!(self, TaskStatus::Done | TaskStatus::DoneLate | TaskStatus::Cancelled)
    }
}

/// Days ahead within which an open task counts as due soon (the inbox shows it).
pub const DUE_SOON_DAYS: i64 = 7;

/// The status of a task whose current occurrence falls due on `due` (none: no deadline),
/// given what was last said of it and, when done, on which day, as of `today`. A task done
/// on its due day is on time; an open task is overdue from the day after its due day.
pub fn task_status(progress: Progress, done_on: Option<Date>, due: Option<Date>, today: Date) -> TaskStatus {
    match (progress, due) {
        (Progress::Cancelled, _) => TaskStatus::Cancelled,
        (Progress::Done, Some(due)) if done_on.is_some_and(|d| d > due) => TaskStatus::DoneLate,
        (Progress::Done, _) => TaskStatus::Done,
        (_, Some(due)) if today > due => TaskStatus::Overdue,
        (Progress::InProgress, _) => TaskStatus::InProgress,
        (Progress::NotStarted, _) => TaskStatus::NotStarted,
    }
}

/// Whether an open task falls due within [`DUE_SOON_DAYS`] of `today` (today included).
pub fn due_soon(status: TaskStatus, due: Option<Date>, today: Date) -> bool {
    !status.is_closed()
        && status != TaskStatus::Overdue
        && due.is_some_and(|d| d >= today && d - today <= Duration::days(DUE_SOON_DAYS))
}

/// The occurrence of a recurring task that is due now: the first of its due dates (from
/// `first` to `until`) not yet reported done, with the dates reported done so far; `None`
/// once every occurrence is done. For a task done once it is `first` until it is done.
pub fn current_occurrence(recurrence: Recurrence, first: Date, until: Date, done: &[Date]) -> Option<Date> {
    recurrence
        .occurrences(first, until.max(first))
        .into_iter()
        .find(|d| !done.contains(d))
}

/// Where a task stands on a day: its status and the due date of the occurrence that counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Followed {
    pub status: TaskStatus,
    /// The due date now asked for (a recurring task's first occurrence not yet done; the last
    /// one once all are done).
    pub due: Option<Date>,
    pub due_soon: bool,
}

/// Judges a task as of `today`: a task done once by [`task_status`]; a recurring one by its
/// first occurrence (up to `until`, the end of what the plan covers) not yet reported done.
pub fn follow(
    recurrence: Recurrence,
    first_due: Option<Date>,
    until: Date,
    progress: Progress,
    done_on: Option<Date>,
    done_occurrences: &[Date],
    today: Date,
) -> Followed {
    let (progress, due) = match (first_due, recurrence) {
        (Some(first), r) if r != Recurrence::Once && progress != Progress::Cancelled => {
            match current_occurrence(r, first, until, done_occurrences) {
                Some(current) if progress == Progress::Done => (Progress::InProgress, Some(current)),
                Some(current) => (progress, Some(current)),
                None => (Progress::Done, r.occurrences(first, until.max(first)).last().copied()),
            }
        }
        _ => (progress, first_due),
    };
    let status = task_status(progress, done_on, due, today);
    Followed {
        status,
        due,
        due_soon: due_soon(status, due, today),
    }
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
    /// Done on time over the tasks that are due or done (cancelled and open ones left out),
    /// in %, to two decimals.
    pub fn on_time_rate(&self) -> Option<rust_decimal::Decimal> {
        let judged = self.done_on_time + self.done_late + self.overdue;
        (judged > 0).then(|| {
            (rust_decimal::Decimal::from(self.done_on_time * 100) / rust_decimal::Decimal::from(judged)).round_dp(2)
        })
    }

    fn count(&mut self, status: TaskStatus) {
        self.tasks += 1;
        match status {
            TaskStatus::Done => self.done_on_time += 1,
            TaskStatus::DoneLate => self.done_late += 1,
            TaskStatus::Overdue => self.overdue += 1,
            TaskStatus::Cancelled => self.cancelled += 1,
            TaskStatus::NotStarted | TaskStatus::InProgress => self.open += 1,
        }
    }
}

/// Progress per lead body (by the name the plan gives it), in the order of the names, and
/// for all the tasks together.
pub fn progress_by_body<'a>(
    tasks: impl IntoIterator<Item = (&'a str, TaskStatus)>,
) -> (Vec<BodyProgress>, BodyProgress) {
    let mut bodies: std::collections::BTreeMap<&str, BodyProgress> = std::collections::BTreeMap::new();
    let mut all = BodyProgress::default();
    for (body, status) in tasks {
        let entry = bodies.entry(body).or_insert_with(|| BodyProgress {
            body: body.to_string(),
            ..Default::default()
        });
        entry.count(status);
        all.count(status);
    }
    (bodies.into_values().collect(), all)
}

/// A body a task names: an agency (by code), else a unit (by GSO code), and always its name
/// as the plan writes it ("Sở Lao động - Thương binh và Xã hội"), which is all a body outside
/// binhdang has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    pub name: String,
}

/// The longest text a task, a note or a reason may have.
pub const MAX_TEXT_CHARS: usize = 4000;

/// The checks a task's own fields pass whatever the database holds: a text, a lead body's
/// name, texts within [`MAX_TEXT_CHARS`], a due date within the plan's years.
pub fn check_task(
    text: &str,
    lead: &Body,
    partners: &[Body],
    due: Option<Date>,
    covers: (Date, Date),
) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if text.trim().is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        problems.push(FieldProblem::new(
            "text",
            "bad_text",
            format!("a task needs its text (at most {MAX_TEXT_CHARS} characters)"),
            format!("Cần nêu nội dung nhiệm vụ (tối đa {MAX_TEXT_CHARS} ký tự)"),
        ));
    }
    if lead.name.trim().is_empty() {
        problems.push(FieldProblem::new(
            "lead",
            "missing_lead",
            "a task needs the body that leads it (chủ trì)".into(),
            "Cần nêu cơ quan, đơn vị chủ trì nhiệm vụ".into(),
        ));
    }
    if partners.iter().any(|p| p.name.trim().is_empty()) {
        problems.push(FieldProblem::new(
            "partners",
            "empty_partner",
            "every cooperating body needs a name".into(),
            "Mỗi cơ quan phối hợp cần có tên".into(),
        ));
    }
    if let Some(due) = due {
        let (start, end) = covers;
        // A deadline may fall a little after the plan's years (a report due in January).
        let latest = Date::from_calendar_date(end.year() + 1, Month::December, 31).unwrap_or(end);
        if due < start || due > latest {
            problems.push(FieldProblem::new(
                "due",
                "due_outside_plan",
                format!(
                    "the deadline {} is outside the years the plan covers ({}–{})",
                    vn::format_date(due),
                    start.year(),
                    end.year()
                ),
                format!(
                    "Thời hạn {} nằm ngoài thời gian kế hoạch ({}–{})",
                    vn::format_date(due),
                    start.year(),
                    end.year()
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_keep_the_end_of_the_month() {
        assert_eq!(
            Recurrence::Monthly.next(date!(2024 - 01 - 31)),
            Some(date!(2024 - 02 - 29))
        );
        assert_eq!(
            Recurrence::Monthly.next(date!(2024 - 02 - 29)),
            Some(date!(2024 - 03 - 31))
        );
        assert_eq!(
            Recurrence::Monthly.next(date!(2024 - 01 - 15)),
            Some(date!(2024 - 02 - 15))
        );
        assert_eq!(
            Recurrence::HalfYearly.next(date!(2024 - 06 - 30)),
            Some(date!(2024 - 12 - 31))
        );
        assert_eq!(
            Recurrence::Quarterly.next(date!(2024 - 11 - 15)),
            Some(date!(2025 - 02 - 15))
        );
        assert_eq!(
            Recurrence::ActionMonth.next(date!(2024 - 12 - 15)),
            Some(date!(2025 - 12 - 15))
        );
        assert_eq!(Recurrence::Once.next(date!(2024 - 12 - 15)), None);
    }

    #[test]
    fn occurrences_stop_at_the_end_of_the_plan() {
        let half = Recurrence::HalfYearly.occurrences(date!(2024 - 06 - 30), date!(2025 - 12 - 31));
        assert_eq!(
            half,
            vec![
                date!(2024 - 06 - 30),
                date!(2024 - 12 - 31),
                date!(2025 - 06 - 30),
                date!(2025 - 12 - 31)
            ]
        );
        assert_eq!(
            Recurrence::Once
                .occurrences(date!(2024 - 06 - 30), date!(2030 - 12 - 31))
                .len(),
            1
        );
        assert_eq!(
            Recurrence::Monthly
                .occurrences(date!(2024 - 01 - 31), date!(2024 - 12 - 31))
                .len(),
            12
        );
    }

    #[test]
    fn status_is_judged_against_the_due_day() {
        let due = Some(date!(2024 - 06 - 30));
        use Progress::*;
        assert_eq!(
            task_status(NotStarted, None, due, date!(2024 - 06 - 30)),
            TaskStatus::NotStarted
        );
        assert_eq!(
            task_status(NotStarted, None, due, date!(2024 - 07 - 01)),
            TaskStatus::Overdue
        );
        assert_eq!(
            task_status(InProgress, None, due, date!(2024 - 07 - 01)),
            TaskStatus::Overdue
        );
        assert_eq!(
            task_status(InProgress, None, due, date!(2024 - 06 - 01)),
            TaskStatus::InProgress
        );
        assert_eq!(
            task_status(Done, Some(date!(2024 - 06 - 30)), due, date!(2024 - 09 - 01)),
            TaskStatus::Done
        );
        assert_eq!(
            task_status(Done, Some(date!(2024 - 07 - 02)), due, date!(2024 - 09 - 01)),
            TaskStatus::DoneLate
        );
        assert_eq!(
            task_status(Cancelled, None, due, date!(2024 - 09 - 01)),
            TaskStatus::Cancelled
        );
        assert_eq!(
            task_status(NotStarted, None, None, date!(2030 - 01 - 01)),
            TaskStatus::NotStarted
        );
    }

    #[test]
    fn due_soon_is_the_coming_week_of_open_tasks() {
        let today = date!(2024 - 06 - 23);
        let open = TaskStatus::InProgress;
        assert!(due_soon(open, Some(date!(2024 - 06 - 30)), today));
        assert!(due_soon(open, Some(today), today));
        assert!(!due_soon(open, Some(date!(2024 - 07 - 01)), today));
        assert!(!due_soon(TaskStatus::Done, Some(date!(2024 - 06 - 25)), today));
        assert!(!due_soon(open, None, today));
    }

    #[test]
    fn the_current_occurrence_is_the_first_not_done() {
        let first = date!(2024 - 06 - 30);
        let until = date!(2025 - 12 - 31);
        let r = Recurrence::HalfYearly;
        assert_eq!(current_occurrence(r, first, until, &[]), Some(first));
        assert_eq!(
            current_occurrence(r, first, until, &[first]),
            Some(date!(2024 - 12 - 31))
        );
        let all = r.occurrences(first, until);
        assert_eq!(current_occurrence(r, first, until, &all), None);
        assert_eq!(current_occurrence(Recurrence::Once, first, until, &[first]), None);
    }

    #[test]
    fn a_recurring_task_is_followed_by_its_open_occurrence() {
        let (first, until) = (date!(2024 - 06 - 30), date!(2024 - 12 - 31));
        let r = Recurrence::HalfYearly;
        let f = follow(
            r,
            Some(first),
            until,
            Progress::NotStarted,
            None,
            &[],
            date!(2024 - 07 - 01),
        );
        assert_eq!((f.status, f.due), (TaskStatus::Overdue, Some(first)));
        let f = follow(
            r,
            Some(first),
            until,
            Progress::InProgress,
            None,
            &[first],
            date!(2024 - 07 - 01),
        );
        assert_eq!((f.status, f.due), (TaskStatus::InProgress, Some(until)));
        let f = follow(
            r,
            Some(first),
            until,
            Progress::InProgress,
            None,
            &[first],
            date!(2024 - 12 - 28),
        );
        assert!(f.due_soon);
        let done = [first, until];
        let f = follow(
            r,
            Some(first),
            until,
            Progress::Done,
            Some(date!(2025 - 01 - 03)),
            &done,
            date!(2025 - 02 - 01),
        );
        assert_eq!((f.status, f.due), (TaskStatus::DoneLate, Some(until)));
        let once = follow(
            Recurrence::Once,
            Some(first),
            until,
            Progress::Done,
            Some(first),
            &[first],
            date!(2025 - 01 - 01),
        );
        assert_eq!(once.status, TaskStatus::Done);
    }

    #[test]
    fn progress_counts_each_body_and_rates_only_what_is_due_or_done() {
        use TaskStatus::*;
        let tasks = [
            ("Sở Y tế", Done),
            ("Sở Y tế", Overdue),
            ("Sở Y tế", InProgress),
            ("Công an tỉnh", DoneLate),
            ("Công an tỉnh", Cancelled),
        ];
        let (bodies, all) = progress_by_body(tasks);
        assert_eq!(
            bodies.iter().map(|b| b.body.as_str()).collect::<Vec<_>>(),
            ["Công an tỉnh", "Sở Y tế"]
        );
        assert_eq!(
            (
                bodies[1].tasks,
                bodies[1].done_on_time,
                bodies[1].overdue,
                bodies[1].open
            ),
            (3, 1, 1, 1)
        );
        assert_eq!(bodies[1].on_time_rate(), Some(rust_decimal::Decimal::new(50, 0)));
        assert_eq!(bodies[0].on_time_rate(), Some(rust_decimal::Decimal::ZERO));
        assert_eq!((all.tasks, all.cancelled), (5, 1));
        // 1 on time of 3 judged (done, done late, overdue).
        assert_eq!(all.on_time_rate(), Some(rust_decimal::Decimal::new(3333, 2)));
        assert_eq!(progress_by_body([("Sở Y tế", InProgress)]).1.on_time_rate(), None);
    }

    #[test]
    fn kinds_are_the_documents_register_codes() {
        for k in PlanKind::ALL {
            assert!(
                crate::register::DOCUMENT_TYPES
                    .iter()
                    .any(|(code, vi, _)| *code == k.code() && *vi == k.label_vi()),
                "{k:?}"
            );
            assert_eq!(PlanKind::parse(k.code()), Some(k));
        }
        assert_eq!(PlanKind::from_wording("KẾ HOẠCH"), Some(PlanKind::Plan));
        assert_eq!(PlanKind::from_wording(" Chỉ thị "), Some(PlanKind::Directive));
        assert_eq!(PlanKind::from_wording("Báo cáo"), None);
    }
}
