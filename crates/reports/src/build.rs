//! From the store to the document model: reads a unit's assessment, registers, narrative and
//! workflow state for a period, and lays them out as the report of the asked kind. No number
//! is typed here: each one is read from the store and formatted the Vietnamese way.

use crate::facts::Facts;
use crate::model::*;
use crate::template::{Placeholders, Template};
use crate::words::{self, NO_DATA, capitalise};
use crate::{Kind, ReportError};
use binhdang_domain::assessment::Status;
use binhdang_domain::vn::{format_date, format_date_long, format_money, format_number};
use binhdang_domain::{Indicator, MeasureKind, Period, UnitLevel, Window};
use binhdang_store::{Assessment, Store, UnitSummary};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use time::Date;

/// What is asked: a kind of report for a unit over a period (or, for a law review or a
/// report of one's own, a range of periods or exact dates), dated, on a template.
pub struct Request<'a> {
    pub kind: Kind,
    pub unit: &'a UnitSummary,
    pub window: Window,
    /// The programme the report is sent under, whose approval lifts the DỰ THẢO mark and whose
    /// status the report prints; `None`: the first programme the period is reported under.
    pub programme: Option<&'a str>,
    /// The date in "Lai Châu, ngày 05 tháng 3 năm 2024".
    pub date: Date,
    pub template: &'a Template,
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn placeholders(unit: &UnitSummary, window: &Window, template: &Template) -> Placeholders {
    let unit_text = if unit.kind.is_empty() {
        unit.name.clone()
    } else {
        format!("{} {}", lower_first(&unit.kind), unit.name)
    };
    let mut p = Placeholders {
        unit_upper: unit_text.to_uppercase(),
        unit: unit_text,
        name: unit.name.clone(),
        period: lower_first(&window.label_vi()),
        year: window.milestone_year().to_string(),
        issuer: String::new(),
    };
    p.issuer = p.fill(&template.header.issuer_name);
    p
}

/// Builds the document of `req.kind`.
pub async fn build(store: &Store, req: &Request<'_>) -> Result<Document, ReportError> {
    if !req.kind.fits(&req.window) {
        return Err(match req.kind {
            Kind::Review => ReportError::NotAPhase(req.window.to_string()),
            kind => ReportError::NotForWindow {
                kind,
                window: req.window.to_string(),
            },
        });
    }
    let window = match (req.kind, req.window.period()) {
        (Kind::ActionMonth, Some(Period::Year(y))) => Window::from(Period::ActionMonth(y)),
        _ => req.window,
    };
    let wants_assessment = matches!(
        req.kind,
        Kind::Strategy | Kind::Assessment | Kind::Review | Kind::LawReview
    );
    let facts = crate::facts::gather(store, req.unit, &window, req.programme, wants_assessment).await?;
    let review = match (req.kind, window.period()) {
        (Kind::Review, Some(Period::Phase { from, to })) => {
            Some(crate::facts::gather_review(store, req.unit, from, to).await?)
        }
        _ => None,
    };
    let ph = placeholders(req.unit, &window, req.template);
    let b = Builder {
        kind: req.kind,
        facts: &facts,
        t: req.template,
        ph: &ph,
        date: req.date,
        review: review.as_ref(),
    };
    Ok(b.document())
}

pub(crate) struct Builder<'a> {
    kind: Kind,
    pub(crate) facts: &'a Facts,
    pub(crate) t: &'a Template,
    ph: &'a Placeholders,
    date: Date,
    /// The phase review's own facts, for [`Kind::Review`].
    pub(crate) review: Option<&'a crate::facts::ReviewFacts>,
}

pub(crate) fn body(text: impl Into<String>) -> Block {
    Block::Paragraph(Paragraph::new(ParaKind::Body, vec![Run::plain(text)]))
}

pub(crate) fn heading(text: impl Into<String>) -> Block {
    Block::Paragraph(Paragraph::new(ParaKind::Heading, vec![Run::bold(text)]))
}

fn centered(runs: Vec<Run>) -> Block {
    Block::Paragraph(Paragraph::new(ParaKind::Centered, runs))
}

fn count(d: Decimal) -> String {
    format_number(d, Some(0))
}

pub(crate) fn f64_of(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn level_vi(level: Option<UnitLevel>) -> &'static str {
    match level {
        Some(UnitLevel::Country) => "Trung ương",
        Some(UnitLevel::Province) => "Tỉnh",
        Some(UnitLevel::District) => "Huyện",
        Some(UnitLevel::Commune) => "Xã",
        None => "Không ghi",
    }
}

/// Days since 1899-12-30: a date as spreadsheets count it.
pub fn serial_date(d: Date) -> f64 {
    let base = Date::from_calendar_date(1899, time::Month::December, 30).expect("valid date");
    (d - base).whole_days() as f64
}

const ROMAN: [&str; 10] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];

/// Totals of activity rows grouped by type and level.
#[derive(Default, Clone)]
struct Tally {
    count: Decimal,
    male: Decimal,
    female: Decimal,
    total: Decimal,
}

impl<'a> Builder<'a> {
    pub(crate) fn fill(&self, s: &str) -> String {
        self.ph.fill(s)
    }

    /// "trong năm 2024", or for a window that is no period "trong thời gian từ 01/01/2021 đến
    /// 31/07/2024".
    pub(crate) fn during(&self) -> String {
        match self.facts.window.period() {
            Some(_) => format!("trong {}", self.ph.period),
            None => format!("trong thời gian {}", self.ph.period),
        }
    }

    pub(crate) fn doc_template(&self) -> &crate::template::DocTemplate {
        match (self.kind, self.facts.window.period()) {
            (Kind::Review, _) => self.t.review(),
            (Kind::LawReview, _) => self.t.law_review(),
            (_, Some(Period::ActionMonth(_))) => &self.t.action_month,
            _ => &self.t.strategy,
        }
    }

    fn number_text(&self) -> String {
        self.facts.narrative.get("number").cloned().unwrap_or_default()
    }

    fn header(&self, summary: Vec<String>) -> Header {
        let number = self.number_text();
        // A number not given yet is left blank for the clerk, with no-break spaces so that
        // the gap survives in every format.
        let number = if number.is_empty() { "\u{a0}".repeat(8) } else { number };
        Header {
            parent_body: self.fill(&self.t.header.parent_body).to_uppercase(),
            issuing_body: self.fill(&self.t.header.issuing_body).to_uppercase(),
            number_line: format!("Số: {number}/BC-{}", self.t.header.issuer_code),
            place_date: format!("{}, {}", self.fill(&self.t.header.place), format_date_long(self.date)),
            doc_type: self.doc_template().doc_type.clone(),
            summary,
        }
    }

    pub(crate) fn signature(&self) -> Signature {
        let s = &self.t.signature;
        Signature {
            recipients: s.recipients.iter().map(|r| format!("- {}", self.fill(r))).collect(),
            authority: s.authority.iter().map(|a| self.fill(a)).collect(),
            title: self.fill(&s.title),
            signer: self
                .facts
                .narrative
                .get("signer")
                .cloned()
                .unwrap_or_else(|| self.fill(&s.signer)),
        }
    }

    fn file_stem(&self, kind: Kind) -> String {
        format!(
            "{}-{}-{}",
            kind.slug(),
            self.facts.unit.code,
            self.facts.window.to_string().to_lowercase().replace("..", "_")
        )
    }

    fn document(&self) -> Document {
        let kind = self.kind;
        let (summary, blocks) = match kind {
            Kind::Strategy | Kind::ActionMonth => {
                let dt = self.doc_template();
                (
                    dt.summary.iter().map(|s| self.fill(s)).collect(),
                    self.report_blocks(kind),
                )
            }
            Kind::Review => (
                self.doc_template().summary.iter().map(|s| self.fill(s)).collect(),
                self.review_blocks(),
            ),
            Kind::LawReview => (
                self.doc_template().summary.iter().map(|s| self.fill(s)).collect(),
                self.law_review_blocks(),
            ),
            Kind::Assessment => self.table_document(&self.t.tables.assessment_title, self.assessment_table()),
            Kind::Activities => self.table_document(&self.t.tables.activities_title, self.activities_table()),
            Kind::Communication => self.table_document(&self.t.tables.communication_title, self.communication_table()),
            Kind::Documents => self.table_document(&self.t.tables.documents_title, self.documents_table()),
            Kind::Budget => self.table_document(&self.t.tables.budget_title, self.budget_table()),
        };
        let title = format!("{} {}", self.doc_template().doc_type, summary.join(" "));
        Document {
            title,
            file_stem: self.file_stem(kind),
            draft: !self.facts.approved,
            header: Some(self.header(summary)),
            blocks,
        }
    }

    /// A document that is one table: the header, the table, the signature.
    fn table_document(&self, title: &str, table: Table) -> (Vec<String>, Vec<Block>) {
        let summary = vec![self.fill(title)];
        let blocks = vec![Block::Table(table), Block::Signature(self.signature())];
        (summary, blocks)
    }

    pub(crate) fn narrative(&self, key: &str, out: &mut Vec<Block>) {
        match self.facts.narrative.get(key) {
            Some(text) => {
                for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    out.push(body(line));
                }
            }
            None => out.push(Block::Paragraph(Paragraph::new(
                ParaKind::Body,
                vec![Run::italic("(Chưa có nội dung.)")],
            ))),
        }
    }

    /// The legal bases (italic) and the opening sentence every report starts with.
    pub(crate) fn preamble(&self) -> Vec<Block> {
        let dt = self.doc_template();
        let mut out: Vec<Block> = dt
            .legal_bases
            .iter()
            .map(|basis| Block::Paragraph(Paragraph::new(ParaKind::Body, vec![Run::italic(self.fill(basis))])))
            .collect();
        out.push(body(self.fill(&dt.opening)));
        out
    }

    /// The annexes after the signature, numbered Phụ lục I, II, … in the order given.
    pub(crate) fn annexes(&self, annexes: Vec<(&str, Table)>, out: &mut Vec<Block>) {
        for (number, (title, table)) in annexes.into_iter().enumerate() {
            self.annex_heading(number, title, out);
            out.push(Block::Table(table));
        }
    }

    pub(crate) fn annex_heading(&self, number: usize, title: &str, out: &mut Vec<Block>) {
        out.push(Block::PageBreak);
        out.push(centered(vec![Run::bold(format!("Phụ lục {}", ROMAN[number]))]));
        out.push(centered(vec![Run::bold(self.fill(title).to_uppercase())]));
        let number_text = self.number_text();
        out.push(centered(vec![Run::italic(format!(
            "(Kèm theo Báo cáo số {}/BC-{} ngày {} của {})",
            if number_text.is_empty() {
                "\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}"
            } else {
                &number_text
            },
            self.t.header.issuer_code,
            format_date(self.date),
            self.ph.issuer
        ))]));
    }

    fn report_blocks(&self, kind: Kind) -> Vec<Block> {
        let dt = self.doc_template();
        let mut out = self.preamble();
        let mut section = 0;
        let mut next = |title: &str| {
            section += 1;
            heading(format!("{}. {}", ROMAN[section - 1], title.to_uppercase()))
        };
        if kind == Kind::ActionMonth {
            out.push(next("Công tác chỉ đạo, triển khai"));
            self.narrative("situation", &mut out);
            out.extend(self.documents_sentences());
            out.push(next("Kết quả các hoạt động trong Tháng hành động"));
            out.extend(self.activity_sentences());
            out.extend(self.budget_sentences());
            out.extend(self.gbv_sentences());
            out.push(next("Khó khăn, vướng mắc và nguyên nhân"));
            out.push(heading("1. Khó khăn, vướng mắc"));
            self.narrative("difficulties", &mut out);
            out.push(heading("2. Nguyên nhân"));
            self.narrative("causes", &mut out);
            out.push(next("Đề xuất, kiến nghị"));
            self.narrative("proposals", &mut out);
            out.push(body(self.fill(&dt.closing)));
            out.push(Block::Signature(self.signature()));
            self.annexes(
                vec![
                    (&self.t.tables.activities_title, self.activities_table()),
                    (&self.t.tables.communication_title, self.communication_table()),
                ],
                &mut out,
            );
            return out;
        }
        out.push(next("Tình hình triển khai thực hiện"));
        out.push(heading("1. Công tác chỉ đạo, điều hành"));
        self.narrative("situation", &mut out);
        out.extend(self.documents_sentences());
        out.push(heading("2. Công tác truyền thông, tập huấn"));
        out.extend(self.activity_sentences());
        out.push(heading("3. Kinh phí thực hiện"));
        out.extend(self.budget_sentences());
        out.push(heading(
            "4. Tổ chức bộ máy, thanh tra, kiểm tra và hỗ trợ người bị bạo lực",
        ));
        out.extend(self.organisation_sentences());
        out.extend(self.gbv_sentences());
        out.extend(self.reporting_sentences());
        if self.has_plans() {
            out.extend(self.tasks_sentences("5. Kết quả thực hiện nhiệm vụ theo kế hoạch"));
        }
        out.push(next("Kết quả thực hiện các mục tiêu, chỉ tiêu"));
        out.extend(self.results_by_objective());
        out.push(next("Khó khăn, vướng mắc và nguyên nhân"));
        out.push(heading("1. Khó khăn, vướng mắc"));
        self.narrative("difficulties", &mut out);
        let missed: Vec<String> = self
            .facts
            .assessment
            .iter()
            .filter(|a| a.status == Status::NotMet)
            .map(|a| a.indicator.to_string())
            .collect();
        if !missed.is_empty() {
            out.push(body(format!(
                "Các chỉ tiêu chưa đạt so với chỉ tiêu đề ra: {} (chi tiết tại Phụ lục I).",
                missed.join("; ")
            )));
        }
        out.push(heading("2. Nguyên nhân"));
        self.narrative("causes", &mut out);
        out.push(next("Nhiệm vụ, giải pháp thời gian tới"));
        self.narrative("tasks", &mut out);
        out.push(next("Đề xuất, kiến nghị"));
        self.narrative("proposals", &mut out);
        out.push(body(self.fill(&dt.closing)));
        out.push(Block::Signature(self.signature()));
        let mut annexes = vec![
            (self.t.tables.assessment_title.as_str(), self.assessment_table()),
            (&self.t.tables.activities_title, self.activities_table()),
            (&self.t.tables.communication_title, self.communication_table()),
            (&self.t.tables.documents_title, self.documents_table()),
            (&self.t.tables.budget_title, self.budget_table()),
        ];
        annexes.extend(self.tasks_annex());
        self.annexes(annexes, &mut out);
        out
    }

    /// An annex's rows: each objective's heading, then a row per indicator assessed under it,
    /// as `row` writes it.
    pub(crate) fn rows_by_objective(&self, mut row: impl FnMut(&Assessment, &Indicator) -> Row) -> Vec<Row> {
        let mut rows = Vec::new();
        for objective in &self.facts.objectives {
            rows.push(Row::Group(format!(
                "MỤC TIÊU {}: {}",
                objective.number,
                objective.name_vi.to_uppercase()
            )));
            for a in self.facts.assessment.iter().filter(|a| a.objective == objective.number) {
                if let Some(indicator) = self.indicator(&a.indicator) {
                    rows.push(row(a, indicator));
                }
            }
        }
        rows
    }

    pub(crate) fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.facts.indicators.iter().find(|i| i.code == code)
    }

    fn results_by_objective(&self) -> Vec<Block> {
        self.results_by_objective_with("Tổng hợp", |_, _| String::new())
    }

    /// Each objective's narrative and its indicators' sentences (each followed by what `more`
    /// adds), then the count of verdicts under `summary`.
    pub(crate) fn results_by_objective_with(
        &self,
        summary: &str,
        more: impl Fn(&Indicator, &Assessment) -> String,
    ) -> Vec<Block> {
        let mut out = Vec::new();
        for (n, objective) in self.facts.objectives.iter().enumerate() {
            // Under the law report's section 3 the objectives are its points a), b), …
            let point = match self.kind {
                Kind::LawReview => format!("{})", char::from(b'a' + n as u8)),
                _ => format!("{}.", n + 1),
            };
            out.push(heading(format!(
                "{point} Mục tiêu {}: {}",
                objective.number, objective.name_vi
            )));
            if let Some(text) = self.facts.narrative.get(&format!("objective_{}", objective.number)) {
                out.extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(body));
            }
            for a in self.facts.assessment.iter().filter(|a| a.objective == objective.number) {
                let Some(indicator) = self.indicator(&a.indicator) else {
                    continue;
                };
                out.push(body(format!(
                    "- Chỉ tiêu {}: {}{}",
                    a.indicator,
                    words::indicator_sentence(indicator, a),
                    more(indicator, a)
                )));
            }
        }
        let count = |f: &dyn Fn(Status) -> bool| self.facts.assessment.iter().filter(|a| f(a.status)).count();
        out.push(body(format!(
            "{summary}: trong {} chỉ tiêu, {} chỉ tiêu đạt hoặc vượt, {} chỉ tiêu không đạt, {} chỉ tiêu chưa có số liệu hoặc chưa có chỉ tiêu để đánh giá (chi tiết tại Phụ lục I).",
            self.facts.assessment.len(),
            count(&|s| matches!(s, Status::Met | Status::Exceeded)),
            count(&|s| s == Status::NotMet),
            count(&|s| s == Status::NoData)
        )));
        out
    }

    fn is_communication(&self, activity_type: &str) -> bool {
        self.t.registers.communication_types.iter().any(|c| c == activity_type)
    }

    fn activity_name(&self, code: &str) -> String {
        self.facts
            .activity_names
            .iter()
            .find(|(k, _)| k == code)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    /// Activity rows of one group (events, or communication products) tallied by type, in
    /// the list's order, and by level within a type.
    fn tallies(&self, communication: bool) -> Vec<((String, Option<UnitLevel>), Tally)> {
        let mut groups: BTreeMap<(usize, String, Option<UnitLevel>), Tally> = BTreeMap::new();
        for r in &self.facts.activities {
            let a = &r.record;
            if self.is_communication(&a.activity_type) != communication {
                continue;
            }
            let rank = self
                .facts
                .activity_names
                .iter()
                .position(|(k, _)| *k == a.activity_type)
                .unwrap_or(usize::MAX);
            let t = groups.entry((rank, a.activity_type.clone(), a.level)).or_default();
            t.count += a.count;
            t.male += a.participants_male.unwrap_or_default();
            t.female += a.participants_female.unwrap_or_default();
            t.total += a.total_participants().unwrap_or_default();
        }
        groups
            .into_iter()
            .map(|((_, code, level), t)| ((code, level), t))
            .collect()
    }

    pub(crate) fn activity_sentences(&self) -> Vec<Block> {
        let mut out = Vec::new();
        let events = self.tallies(false);
        let mut by_type: BTreeMap<String, Tally> = BTreeMap::new();
        let mut total = Tally::default();
        let mut order = Vec::new();
        for ((code, _), t) in &events {
            if !by_type.contains_key(code) {
                order.push(code.clone());
            }
            let e = by_type.entry(code.clone()).or_default();
            e.count += t.count;
            e.male += t.male;
            e.female += t.female;
            e.total += t.total;
            total.count += t.count;
            total.male += t.male;
            total.female += t.female;
            total.total += t.total;
        }
        if events.is_empty() {
            out.push(body(format!("Hoạt động truyền thông, tập huấn, hội nghị: {NO_DATA}.")));
        } else {
            out.push(body(format!(
                "Trên địa bàn đã tổ chức {} hoạt động (hội nghị, tập huấn, mít tinh, truyền thông…) với {} lượt người tham dự (nam {}, nữ {}), cụ thể:",
                count(total.count),
                count(total.total),
                count(total.male),
                count(total.female)
            )));
            for code in &order {
                let t = &by_type[code];
                let people = if t.total.is_zero() {
                    String::new()
                } else {
                    format!(
                        ", với {} lượt người tham dự (nam {}, nữ {})",
                        count(t.total),
                        count(t.male),
                        count(t.female)
                    )
                };
                out.push(body(format!(
                    "- {}: {}{people};",
                    self.activity_name(code),
                    count(t.count)
                )));
            }
        }
        let products = self.tallies(true);
        if products.is_empty() {
            out.push(body(format!("Sản phẩm truyền thông: {NO_DATA}.")));
        } else {
            let mut by_type: Vec<(String, Decimal)> = Vec::new();
            for ((code, _), t) in &products {
                match by_type.iter_mut().find(|(c, _)| c == code) {
                    Some((_, n)) => *n += t.count,
                    None => by_type.push((code.clone(), t.count)),
                }
            }
            let parts: Vec<String> = by_type
                .iter()
                .map(|(code, n)| format!("{} {}", count(*n), lower_first(&self.activity_name(code))))
                .collect();
            out.push(body(format!("Sản phẩm truyền thông: {}.", parts.join(", "))));
        }
        out
    }

    pub(crate) fn documents_sentences(&self) -> Vec<Block> {
        let docs = &self.facts.documents;
        if docs.is_empty() {
            return vec![body(format!("Văn bản chỉ đạo, hướng dẫn đã ban hành: {NO_DATA}."))];
        }
        let mut by_type: Vec<(String, usize)> = Vec::new();
        for d in docs {
            match by_type.iter_mut().find(|(c, _)| *c == d.record.document_type) {
                Some((_, n)) => *n += 1,
                None => by_type.push((d.record.document_type.clone(), 1)),
            }
        }
        let parts: Vec<String> = by_type
            .iter()
            .map(|(code, n)| {
                let name = self.facts.document_names.get(code).cloned().unwrap_or(code.clone());
                format!("{n} {}", lower_first(&name))
            })
            .collect();
        vec![body(format!(
            "Đã ban hành {} văn bản chỉ đạo, hướng dẫn thực hiện công tác bình đẳng giới ({}), chi tiết tại phụ lục kèm theo.",
            docs.len(),
            parts.join(", ")
        ))]
    }

    pub(crate) fn budget_sentences(&self) -> Vec<Block> {
        let Some(budget) = self.facts.budget.as_ref().filter(|b| !b.by_year.is_empty()) else {
            return vec![body(format!("Kinh phí thực hiện: {NO_DATA}."))];
        };
        let mut out = Vec::new();
        if matches!(
            self.facts.window.period(),
            Some(Period::HalfYear { .. } | Period::ActionMonth(_))
        ) {
            let sources: Vec<String> = budget
                .by_year
                .iter()
                .flat_map(|y| &y.by_source)
                .map(|s| format!("{} {}", lower_first(s.name_vi), format_money(s.totals.allocated)))
                .collect();
            out.push(body(format!(
                "Kinh phí {}: được bố trí {} ({}); đã thực hiện {}.",
                self.ph.period,
                format_money(budget.total.allocated),
                sources.join("; "),
                format_money(budget.total.spent)
            )));
            return out;
        }
        for y in &budget.by_year {
            let sources: Vec<String> = y
                .by_source
                .iter()
                .map(|s| format!("{} {}", lower_first(s.name_vi), format_money(s.totals.allocated)))
                .collect();
            out.push(body(format!(
                "- Năm {}: kinh phí được bố trí {} ({}); đã thực hiện {}.",
                y.year,
                format_money(y.totals.allocated),
                sources.join("; "),
                format_money(y.totals.spent)
            )));
        }
        if budget.by_year.len() > 1 {
            let span = match self.facts.window.period() {
                Some(_) => format!("giai đoạn {}–{}", self.facts.budget_years.0, self.facts.budget_years.1),
                None => self.ph.period.clone(),
            };
            out.push(body(format!(
                "Tổng cộng {span}: được bố trí {}, đã thực hiện {}.",
                format_money(budget.total.allocated),
                format_money(budget.total.spent)
            )));
        }
        out
    }

    /// Who has reported: the units below (sent, approved, not sent) and the unit's agencies
    /// (sent their part or not), so a consolidated figure says what it rests on.
    fn reporting_sentences(&self) -> Vec<Block> {
        let Some(status) = self.facts.reporting.as_ref() else {
            return Vec::new();
        };
        if status.children.is_empty() && status.agencies.is_empty() {
            return Vec::new();
        }
        let mut out = vec![heading("5. Tình hình báo cáo của các đơn vị, cơ quan")];
        if !status.children.is_empty() {
            let missing: Vec<&str> = status
                .children
                .iter()
                .filter(|c| !matches!(c.state, "submitted" | "approved") && c.first_submitted_at.is_none())
                .map(|c| c.unit.full_name.as_str())
                .collect();
            let mut sentence = format!(
                "Đã nhận báo cáo của {}/{} đơn vị trực thuộc ({} báo cáo đã được phê duyệt)",
                status.submitted, status.expected, status.approved
            );
            match missing.len() {
                0 => sentence.push('.'),
                1..=10 => sentence.push_str(&format!("; chưa gửi báo cáo: {}.", missing.join(", "))),
                n => sentence.push_str(&format!("; {n} đơn vị chưa gửi báo cáo.")),
            }
            out.push(body(sentence));
        }
        if !status.agencies.is_empty() {
            let names = |sent: bool| -> Vec<&str> {
                status
                    .agencies
                    .iter()
                    .filter(|a| (a.state == "submitted") == sent)
                    .map(|a| a.name_vi.as_str())
                    .collect()
            };
            let (sent, not_sent) = (names(true), names(false));
            let mut sentence = String::from("Các cơ quan, đơn vị phối hợp: ");
            if !sent.is_empty() {
                sentence.push_str(&format!("đã gửi phần báo cáo: {}", sent.join(", ")));
            }
            if !not_sent.is_empty() {
                if !sent.is_empty() {
                    sentence.push_str("; ");
                }
                sentence.push_str(&format!("chưa gửi: {}", not_sent.join(", ")));
            }
            sentence.push('.');
            out.push(body(sentence));
        }
        out
    }

    pub(crate) fn gbv_sentences(&self) -> Vec<Block> {
        let Some(gbv) = self.facts.gbv.as_ref().filter(|g| !g.by_type.is_empty()) else {
            return vec![body(format!(
                "Các vụ bạo lực trên cơ sở giới được phát hiện {}: {NO_DATA}.",
                self.during()
            ))];
        };
        let parts: Vec<String> = gbv
            .by_type
            .iter()
            .map(|t| format!("{} {} vụ", lower_first(&t.name_vi), count(t.totals.cases)))
            .collect();
        vec![body(format!(
            "{} đã phát hiện {} vụ bạo lực trên cơ sở giới ({}); {} trường hợp được hỗ trợ.",
            capitalise(&self.during()),
            count(gbv.total.cases),
            parts.join(", "),
            count(gbv.total.supported)
        ))]
    }

    fn phase_label(&self) -> &'static str {
        if self.facts.window.milestone_year() <= 2025 {
            "2021–2025"
        } else {
            "2026–2030"
        }
    }

    pub(crate) fn assessment_table(&self) -> Table {
        let columns = vec![
            Column::new("Mã", 6.0, Align::Center),
            Column::new("Chỉ tiêu", 24.0, Align::Left),
            Column::new("Chỉ tiêu quốc gia 2021–2030", 15.0, Align::Left),
            Column::new(
                format!("Chỉ tiêu của địa phương {}", self.phase_label()),
                12.0,
                Align::Left,
            ),
            Column::new("Cơ quan chịu trách nhiệm", 14.0, Align::Left),
            Column::new(
                format!("Kết quả {}", lower_first(&self.facts.window.label_vi())),
                14.0,
                Align::Center,
            ),
            Column::new("Tử số", 8.0, Align::Right).sheet_only(),
            Column::new("Mẫu số", 8.0, Align::Right).sheet_only(),
            Column::new("Giá trị", 8.0, Align::Right).sheet_only(),
            Column::new("Đánh giá", 10.0, Align::Center),
        ];
        let rows = self.rows_by_objective(|a, indicator| {
            let national: Vec<String> = indicator
                .national_targets
                .iter()
                .map(|t| format!("Năm {}: {}", t.year, words::target_text(indicator.measure, &t.target)))
                .collect();
            let local = match &a.target {
                Some(t) if t.source == "local" => words::target_text(indicator.measure, &t.target),
                _ => "Chưa giao".to_string(),
            };
            let agency = self
                .facts
                .agencies
                .get(a.indicator.as_str())
                .map(|names| names.join("; "))
                .unwrap_or_else(|| indicator.responsible_agency.clone());
            let f = &a.figure;
            let num = |d: Option<Decimal>| match d {
                Some(v) => {
                    let format = if v.fract().is_zero() {
                        NumFormat::Integer
                    } else {
                        NumFormat::Decimal1
                    };
                    TableCell::number(format_number(v, None), f64_of(v), format)
                }
                None => TableCell::text(""),
            };
            let value = match f.value {
                Some(v) => {
                    let places = words::places_for(indicator.measure, v, a.target.as_ref().map(|t| &t.target));
                    let text = words::value_text(indicator.measure, v, places);
                    match indicator.measure {
                        MeasureKind::Percent => TableCell::number(text, f64_of(v) / 100.0, NumFormat::Percent),
                        MeasureKind::YesNo => TableCell::number(text, f64_of(v), NumFormat::Percent),
                        MeasureKind::Ratio => TableCell::number(text, f64_of(v), NumFormat::Decimal2),
                        MeasureKind::Count => TableCell::number(text, f64_of(v), NumFormat::Integer),
                        _ => TableCell::number(text, f64_of(v), NumFormat::Decimal1),
                    }
                }
                None => TableCell::text(""),
            };
            Row::Cells(vec![
                TableCell::text(a.indicator.clone()),
                TableCell::text(capitalise(&a.name_vi)),
                TableCell::text(national.join("\n")),
                TableCell::text(local),
                TableCell::text(agency),
                TableCell::text(words::result_text(indicator, a)),
                num(f.numerator),
                num(f.denominator),
                value,
                TableCell::text(a.status_vi),
            ])
        });
        Table {
            sheet: "Đánh giá chỉ tiêu".into(),
            title: self.fill(&self.t.tables.assessment_title),
            columns,
            rows,
            empty_text: NO_DATA.into(),
            size: 11.0,
        }
    }

    fn tally_table(&self, communication: bool) -> Table {
        let tallies = self.tallies(communication);
        let mut rows = Vec::new();
        let mut total = Tally::default();
        for (i, ((code, level), t)) in tallies.iter().enumerate() {
            let mut cells = vec![
                TableCell::number((i + 1).to_string(), (i + 1) as f64, NumFormat::Integer),
                TableCell::text(self.activity_name(code)),
                TableCell::number(count(t.count), f64_of(t.count), NumFormat::Integer),
            ];
            if !communication {
                cells.push(TableCell::number(count(t.male), f64_of(t.male), NumFormat::Integer));
                cells.push(TableCell::number(count(t.female), f64_of(t.female), NumFormat::Integer));
            }
            cells.push(TableCell::text(level_vi(*level)));
            rows.push(Row::Cells(cells));
            total.count += t.count;
            total.male += t.male;
            total.female += t.female;
        }
        if !tallies.is_empty() {
            let mut cells = vec![
                TableCell::text(""),
                TableCell::text("Tổng cộng").bold(),
                TableCell::number(count(total.count), f64_of(total.count), NumFormat::Integer).bold(),
            ];
            if !communication {
                cells.push(TableCell::number(count(total.male), f64_of(total.male), NumFormat::Integer).bold());
                cells.push(TableCell::number(count(total.female), f64_of(total.female), NumFormat::Integer).bold());
            }
            cells.push(TableCell::text(""));
            rows.push(Row::Cells(cells));
        }
        let mut columns = vec![
            Column::new("Stt", 6.0, Align::Center),
            Column::new(
                if communication {
                    "Sản phẩm truyền thông"
                } else {
                    "Hoạt động"
                },
                30.0,
                Align::Left,
            ),
            Column::new("Số lượng", 12.0, Align::Right),
        ];
        if !communication {
            columns.push(Column::new("Lượt người tham dự: Nam", 14.0, Align::Right));
            columns.push(Column::new("Lượt người tham dự: Nữ", 14.0, Align::Right));
        }
        columns.push(Column::new("Cấp thực hiện", 14.0, Align::Center));
        let (sheet, title) = if communication {
            ("Sản phẩm truyền thông", &self.t.tables.communication_title)
        } else {
            ("Hoạt động", &self.t.tables.activities_title)
        };
        Table {
            sheet: sheet.into(),
            title: self.fill(title),
            columns,
            rows,
            empty_text: capitalise(NO_DATA),
            size: 12.0,
        }
    }

    pub(crate) fn activities_table(&self) -> Table {
        self.tally_table(false)
    }

    fn communication_table(&self) -> Table {
        self.tally_table(true)
    }
}
