//! The tasks of the unit's plans in a period report: "Kết quả thực hiện nhiệm vụ theo Kế
//! hoạch số …" (how many done on time, late, overdue, still open, and which are overdue, by
//! lead body) and the annex table of every task with its status.

use crate::build::{Builder, body, heading, serial_date};
use crate::model::*;
use crate::words::{NO_DATA, capitalise};
use binhdang_domain::plan::{TaskStatus, progress_by_body};
use binhdang_domain::vn::{format_date, format_percent};

/// The annex's title.
const TASKS_TITLE: &str = "Tình hình thực hiện nhiệm vụ theo kế hoạch";

impl Builder<'_> {
    /// Whether the report has plans to report on (their section and annex appear only then).
    pub(crate) fn has_plans(&self) -> bool {
        !self.facts.plans.is_empty()
    }

    /// Under `title`, one paragraph per plan: its tasks counted by status and the bodies with
    /// overdue tasks named.
    pub(crate) fn tasks_sentences(&self, title: &str) -> Vec<Block> {
        let mut out = vec![heading(title)];
        for p in &self.facts.plans {
            let (bodies, all) = progress_by_body(p.tasks.iter().map(|(t, f)| (t.asked.lead.name.as_str(), f.status)));
            let title = format!("{} của {}", p.plan.title_vi(), p.plan.issuing_body);
            if all.tasks == 0 {
                out.push(body(format!(
                    "Kết quả thực hiện nhiệm vụ theo {title}: chưa giao nhiệm vụ cụ thể."
                )));
                continue;
            }
            let rate = all
                .on_time_rate()
                .map(|r| format!(" (tỷ lệ hoàn thành đúng hạn {})", format_percent(r, 1)))
                .unwrap_or_default();
            out.push(body(format!(
                "Kết quả thực hiện nhiệm vụ theo {title}: {} nhiệm vụ, trong đó hoàn thành đúng hạn {}, hoàn thành muộn {}, \
                 quá hạn chưa hoàn thành {}, đang thực hiện {}, hủy {}{rate}.",
                all.tasks, all.done_on_time, all.done_late, all.overdue, all.open, all.cancelled
            )));
            let late: Vec<String> = bodies
                .iter()
                .filter(|b| b.overdue > 0)
                .map(|b| format!("{} ({})", b.body, b.overdue))
                .collect();
            if !late.is_empty() {
                out.push(body(format!(
                    "Cơ quan, đơn vị còn nhiệm vụ quá hạn: {} (chi tiết tại phụ lục).",
                    late.join("; ")
                )));
            }
        }
        out
    }

    /// The tasks annex, when there are plans to report on.
    pub(crate) fn tasks_annex(&self) -> Option<(&'static str, Table)> {
        self.has_plans().then(|| (TASKS_TITLE, self.tasks_table()))
    }

    /// Every task of the plans with its lead, due date and status.
    fn tasks_table(&self) -> Table {
        let mut rows = Vec::new();
        let mut order = 0;
        for p in &self.facts.plans {
            rows.push(Row::Cells(vec![
                TableCell::text(""),
                TableCell::text(format!("{} — {}", p.plan.title_vi(), p.plan.summary)).bold(),
                TableCell::text(""),
                TableCell::text(""),
                TableCell::text(""),
            ]));
            for (task, followed) in &p.tasks {
                order += 1;
                let text = if task.asked.item.is_empty() {
                    task.asked.text.clone()
                } else {
                    format!("{}. {}", task.asked.item, task.asked.text)
                };
                rows.push(Row::Cells(vec![
                    TableCell::number(order.to_string(), f64::from(order), NumFormat::Integer),
                    TableCell::text(text),
                    TableCell::text(task.asked.lead.name.clone()),
                    match followed.due {
                        Some(d) => TableCell::number(format_date(d), serial_date(d), NumFormat::Date),
                        None => TableCell::text(""),
                    },
                    status_cell(followed.status),
                ]));
            }
        }
        Table {
            sheet: "Nhiệm vụ".into(),
            title: TASKS_TITLE.into(),
            columns: vec![
                Column::new("TT", 5.0, Align::Center),
                Column::new("Nhiệm vụ", 40.0, Align::Left),
                Column::new("Cơ quan chủ trì", 16.0, Align::Left),
                Column::new("Thời hạn", 11.0, Align::Center),
                Column::new("Tình trạng", 12.0, Align::Left),
            ],
            rows,
            empty_text: capitalise(NO_DATA),
            size: 12.0,
        }
    }
}

fn status_cell(status: TaskStatus) -> TableCell {
    let cell = TableCell::text(status.label_vi());
    if status == TaskStatus::Overdue {
        cell.bold()
    } else {
        cell
    }
}
