//! Reading a plan (kế hoạch), a directive (chỉ thị) or an official letter (công văn) that
//! assigns work, and proposing its tasks for a person to confirm, correct or drop, as
//! importing a legacy report proposes its figures.
//!
//! [`read_plan`] reads the header (kind, number, date, title, issuer: `header`), walks
//! the body's sections and items (`outline`), and makes a task of each bullet, each
//! numbered item written as a task, and each row of a table of tasks (`table`), with
//! the body that leads it and those that cooperate (`bodies`), its deadline and how
//! often it recurs (`deadlines`).
//!
//! Which paragraphs are tasks: those of the sections that hold tasks ("NHIỆM VỤ …",
//! "NỘI DUNG", "CÁC HOẠT ĐỘNG") and, in "TỔ CHỨC THỰC HIỆN", the items that assign a named
//! body ("Giao Sở … chịu trách nhiệm …"). Not "MỤC ĐÍCH, YÊU CẦU", "KINH PHÍ", addressees,
//! "Nơi nhận" or signatures. An item of "TỔ CHỨC THỰC HIỆN" that asks bodies to carry out
//! the plan as a whole ("các sở, ngành … tổ chức triển khai … Kế hoạch này") is not a task:
//! it gives the plan's lead ([`PlanProposal::lead`]) and its partners, which every task
//! that names no lead of its own inherits ([`Source::Plan`]). A plain paragraph that
//! follows a bullet continues it and is added to its text. A document that calls itself a
//! report ("BÁO CÁO") proposes no task: its "phương hướng, nhiệm vụ" assign nothing.
//! A task's partners are those its own wording (or its table row) names; the plan's
//! partners are not copied into it.
//!
//! Items are numbered by where they sit (`II.1.2`: section II, item 1, its second bullet;
//! `II.6`: item 6 written as a task; `IV.1.a`; `PL.I.1`: a row of the table of tasks),
//! as the `outline` and `table` modules describe.
//!
//! A task with several stated deadlines is due on the last (done once) or the first
//! (recurring: its first occurrence, not before the plan's date: "trước ngày 15/12" of a
//! plan issued on 20 December 2021 is first due on 15 December 2022). A task without a
//! stated deadline is due at the end of the plan's last year; a recurring one (hằng tháng,
//! hằng quý, 6 tháng và một năm, hằng năm) at the end of its first period in the plan's
//! year (counted from the plan's date when it is that year), since each later due date
//! follows from the first ([`binhdang_domain::plan::Recurrence::next`]).
//!
//! A decision that issues a plan ("QUYẾT ĐỊNH / Ban hành Kế hoạch …", its articles, "Nơi
//! nhận", its signature, then "KẾ HOẠCH … (Kèm theo Quyết định số …)") is proposed as a
//! decision: its kind, number, date, title and issuer are the decision's, since the plan has
//! none of its own and is cited as "Kế hoạch ban hành kèm theo Quyết định số …", so a
//! [`PlanKind::Plan`] numbered `…/QĐ-UBND` would name a document that does not exist; its
//! title ("Ban hành Kế hoạch …") says what it carries. Its years come from that title
//! ("giai đoạn 2021-2030"). Its tasks are those of the attached plan, read after the
//! signature as a document of its own. The article that gives the plan to a body ("Điều
//! 2. Giao Sở … chủ trì, phối hợp với …") gives the plan's lead and partners before any
//! item of the plan does; the article on who executes the decision ("… chịu trách nhiệm thi
//! hành Quyết định này") gives nothing. In "TỔ CHỨC THỰC HIỆN", what stands under a body's
//! name ("1. Sở Lao động - Thương binh và Xã hội" over its bullets) is that body's duty,
//! even when it is worded as carrying out the plan.
//!
//! The number keeps what the document writes: a draft's `Số: /KH-UBND`, whose number is
//! left blank, is `/KH-UBND`, so that the person confirming sees the symbol and fills in
//! the number.

mod bodies;
mod deadlines;
mod header;
mod outline;
mod table;
mod title;
mod words;

use crate::document::SourceDocument;
use crate::figures::quote_window;
use crate::read::ReadError;
use binhdang_domain::plan::{PlanKind, Recurrence};
use binhdang_domain::vn;
use bodies::{Named, Role, named};
use serde::Serialize;
use time::{Date, Month};
use words::{Word, span};

/// What reading a plan proposes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanProposal {
    /// What the title line calls the document; `None` for a report or an unknown kind.
    pub kind: Option<PlanKind>,
    /// As written after "Số:" (`3239/KH-UBND`; a draft's `/KH-UBND`).
    pub number: Option<String>,
    /// The date line's date; `None` when its day is left blank.
    pub date: Option<Date>,
    /// The year the plan covers: from its title ("… năm 2024", "giai đoạn 2021 - 2025"),
    /// else from its date line.
    pub year: Option<i32>,
    /// The last year it covers (the same as `year` for a plan of one year).
    pub until: Option<i32>,
    /// Who issues it: named in the preamble ("UBND tỉnh Hải Dương ban hành kế hoạch"), else
    /// the header's lines in capitals.
    pub issuing_body: Option<String>,
    /// The title after the kind, its lines joined.
    pub title: String,
    /// The bodies the plan as a whole is given to ("TỔ CHỨC THỰC HIỆN": "các sở, ngành,
    /// đoàn thể tỉnh; UBND các huyện, thị xã, thành phố tổ chức triển khai …"; or whom a
    /// letter's preamble asks to act): the lead of every task that names none.
    pub lead: Option<String>,
    /// The bodies asked to cooperate in the plan as a whole ("Đề nghị Ủy ban Mặt trận Tổ
    /// quốc tỉnh, các tổ chức chính trị - xã hội phối hợp …").
    pub partners: Vec<String>,
    pub tasks: Vec<TaskProposal>,
}

/// Where a task's lead or deadline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Written with the task (its text, its heading, its table row).
    Stated,
    /// Given by the plan as a whole: its general assignment, its last year.
    Plan,
}

/// One task proposed from a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskProposal {
    /// Where it sits (see the `outline` module): `II.1.2`, `II.6`, `IV.3`, `PL.I.1`.
    pub item: String,
    /// The heading of the numbered item it belongs to (its section's title for an item
    /// written as a task; its group or the table's caption for a table row).
    pub heading: String,
    /// The task's own text, whitespace-normalised, with the plain paragraphs that continue it.
    pub text: String,
    pub lead: Option<String>,
    pub lead_source: Source,
    pub partners: Vec<String>,
    /// The deadline: stated, else the plan's (see the module docs).
    pub due: Option<Date>,
    pub due_source: Source,
    pub recurrence: Recurrence,
    /// The text as written, at most about 300 characters, around the deadline when one is
    /// stated.
    pub quote: String,
    /// Line (text, PDF) or paragraph/row (DOCX) where the task starts.
    pub line: usize,
}

/// What a task inherits from the plan.
pub(super) struct Context {
    year: Option<i32>,
    until: Option<i32>,
    date: Option<Date>,
    lead: Option<String>,
}

impl Context {
    fn several_years(&self) -> bool {
        matches!((self.year, self.until), (Some(a), Some(b)) if b > a)
    }

    /// The deadline of a task from the dates its wording states (the last for a task done
    /// once, the first for a recurring one), else the plan's.
    fn due(&self, stated: &[Date], recurrence: Recurrence) -> (Option<Date>, Source) {
        let pick = if recurrence == Recurrence::Once {
            stated.iter().max()
        } else {
            stated.iter().min()
        };
        if let Some(&d) = pick {
            // "Định kỳ hằng năm … trước ngày 15/12" in a plan issued on 20 December first
            // falls due the next year: a recurring task's first due date is not before the plan.
            let mut first = d;
            while self.date.is_some_and(|p| first < p)
                && let Some(next) = recurrence.next(first)
            {
                first = next;
            }
            return (Some(first), Source::Stated);
        }
        let due = match recurrence {
            Recurrence::Once => self
                .until
                .or(self.year)
                .and_then(|y| Date::from_calendar_date(y, Month::December, 31).ok()),
            r => self.year.and_then(|y| deadlines::first_period_end(r, y, self.date)),
        };
        (due, Source::Plan)
    }

    fn lead_or_plan(&self, stated: Option<String>) -> (Option<String>, Source) {
        match stated {
            Some(l) => (Some(l), Source::Stated),
            None => (self.lead.clone(), Source::Plan),
        }
    }
}

/// The year a plan covers and its last: a range in its title ("2021 - 2025"), "đến năm
/// 2030" (the last year, the date line's year first), "năm 2024", else the date line's year.
fn years(title: &str, date_year: Option<i32>) -> (Option<i32>, Option<i32>) {
    let w = words::words(title);
    for i in 0..w.len() {
        if let (Some(a), Some(dash), Some(b)) = (w[i].year(), w.get(i + 1), w.get(i + 2).and_then(Word::year))
            && matches!(dash.key.as_str(), "-" | "–" | "—")
            && b > a
        {
            return (Some(a), Some(b));
        }
    }
    let last_year = (0..w.len()).rev().find_map(|i| {
        let y = w.get(i + 1).and_then(Word::year)?;
        w[i].is("nam").then_some((i, y))
    });
    match last_year {
        Some((i, y)) if words::ends_before(&w, i, "den") => (date_year.or(Some(y)), Some(y)),
        Some((_, y)) => (Some(y), Some(y)),
        None => (date_year, date_year),
    }
}

/// Whether an item of "TỔ CHỨC THỰC HIỆN" (or a plain closing paragraph) gives the plan as
/// a whole to its bodies rather than a task of its own.
fn is_general(text: &str) -> bool {
    let key = vn::search_key(text);
    let whole = [
        "ke hoach nay",
        "thuc hien ke hoach",
        "trien khai ke hoach",
        "chi thi nay",
        "cong van nay",
    ]
    .iter()
    // "Kế hoạch số 3239/KH-UBND" is another plan, cited.
    .any(|w| key.contains(w) && !key.contains(&format!("{w} so")));
    let own_work = [
        "bao cao",
        "tong hop",
        "don doc",
        "theo doi",
        "kiem tra",
        "huong dan",
        "truoc ngay",
        "xay dung ke hoach",
        // Watching over the plan ("tham gia giám sát việc thực hiện Kế hoạch này") is work
        // of one's own, not carrying the plan out.
        "giam sat",
    ]
    .iter()
    .any(|w| key.contains(w));
    whole && !own_work
}

/// The bodies of the names with `role`, one by one.
fn bodies_of(text: &str, w: &[Word], names: &[Named], role: Role) -> Vec<String> {
    names
        .iter()
        .filter(|n| n.role == role)
        .flat_map(|n| bodies::split(text, w, n.a, n.b))
        .collect()
}

/// The body a heading names ("1. Sở Nội vụ:", "a) Sở Y tế chủ trì …"), for the tasks below it.
fn heading_lead(heading: &str) -> Option<String> {
    let w = words::words(heading);
    let names = named(&w);
    let whole = names
        .first()
        .filter(|n| n.a == 0 && w.get(n.b).is_none_or(|x| matches!(x.key.as_str(), ":" | "(" | ".")));
    whole
        .or_else(|| names.iter().find(|n| n.role == Role::Lead))
        .map(|n| span(heading, &w, n.a, n.b).to_string())
}

/// A paragraph item's task, or `None` for an item of "TỔ CHỨC THỰC HIỆN" that names no one.
fn task(item: outline::Item, ctx: &Context) -> Option<TaskProposal> {
    let text = item.text;
    let w = words::words(&text);
    let names = named(&w);
    let stated_lead = names
        .iter()
        .find(|n| n.role == Role::Lead)
        .map(|n| span(&text, &w, n.a, n.b).to_string())
        .or_else(|| item.parent.as_deref().and_then(heading_lead));
    if item.part == outline::Part::Organisation && stated_lead.is_none() {
        return None;
    }
    let (lead, lead_source) = ctx.lead_or_plan(stated_lead);
    let mut partners: Vec<String> = Vec::new();
    for p in bodies_of(&text, &w, &names, Role::Partner) {
        if !partners.contains(&p) && Some(&p) != lead.as_ref() {
            partners.push(p);
        }
    }
    let recurrence = deadlines::recurrence(&text, ctx.several_years());
    let stated = deadlines::stated(&w, ctx.year, false);
    let dates: Vec<Date> = stated.iter().map(|(d, _)| *d).collect();
    let (due, due_source) = ctx.due(&dates, recurrence);
    let focus = stated
        .iter()
        .find(|(d, _)| Some(*d) == due)
        .map_or((0, text.len().min(300)), |(_, s)| *s);
    Some(TaskProposal {
        item: item.item,
        heading: item.heading,
        quote: quote_window(&text, (0, text.len()), focus),
        text,
        lead,
        lead_source,
        partners,
        due,
        due_source,
        recurrence,
        line: item.line,
    })
}

/// What a structured document proposes read as a plan.
pub fn read_plan(doc: &SourceDocument) -> PlanProposal {
    let head = header::read(doc);
    let (year, until) = years(&head.title, head.date_year);
    let mut plan = PlanProposal {
        kind: head.kind,
        number: head.number,
        date: head.date,
        year,
        until,
        issuing_body: head.issuer,
        title: head.title,
        lead: None,
        partners: Vec::new(),
        tasks: Vec::new(),
    };
    if head.report {
        return plan;
    }
    // A decision's article that gives the plan it issues comes before the plan's own words.
    if let Some(article) = &head.article {
        give_plan(&mut plan, article);
    }
    let mut items = Vec::new();
    for item in outline::items(doc, head.body_start) {
        // Closing paragraphs of a directive ("… yêu cầu … thực hiện Chỉ thị này") give the
        // whole document too; under a body's name ("1. Sở Lao động …"), the same words are
        // that body's duty.
        let under_a_body = item.parent.as_deref().and_then(heading_lead).is_some();
        let may_be_general = !under_a_body && (item.part == outline::Part::Organisation || !item.marked);
        if may_be_general && is_general(&item.text) {
            give_plan(&mut plan, &item.text);
        } else {
            items.push(item);
        }
    }
    plan.lead = plan.lead.or(head.lead);
    let ctx = Context {
        year,
        until,
        date: plan.date,
        lead: plan.lead.clone(),
    };
    plan.tasks = items.into_iter().filter_map(|i| task(i, &ctx)).collect();
    plan.tasks.extend(table::tasks(doc, &ctx));
    plan
}

/// What a paragraph that gives the plan as a whole says: its first lead is the plan's
/// (unless one is known), its partners join the plan's.
fn give_plan(plan: &mut PlanProposal, text: &str) {
    let w = words::words(text);
    let names = named(&w);
    if plan.lead.is_none() {
        plan.lead = names
            .iter()
            .find(|n| n.role == Role::Lead)
            .map(|n| span(text, &w, n.a, n.b).to_string());
    }
    for p in bodies_of(text, &w, &names, Role::Partner) {
        if !plan.partners.contains(&p) {
            plan.partners.push(p);
        }
    }
}

/// Reads a plan given as bytes (TXT, DOCX or PDF; the format is told by the content, as
/// [`crate::read_bytes`] does, so the file's name is not read).
pub fn plan_bytes(_file_name: &str, bytes: &[u8]) -> Result<PlanProposal, ReadError> {
    Ok(read_plan(&crate::structure(&crate::read_bytes(bytes)?)))
}
