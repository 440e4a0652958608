//! The phase review (báo cáo tổng kết giai đoạn): the five-year review of the National
//! Strategy a province or ministry owes at the end of 2021–2025, in the layout of Nghị định
//! 30/2020 — direction, each objective's indicators year by year against the 2025 target,
//! activities, budget and the other registers over the phase, the overall assessment, the
//! targets set for the next phase, and the annexes.
//!
//! Every figure is read from the store: the phase's own figure is built from its years by each
//! indicator's aggregation over time (summed for flows, the last year for stocks), and each
//! year's figure is the year's own.

use crate::build::{Builder, body, heading};
use crate::facts::ReviewFacts;
use crate::model::*;
use crate::words::{self, NO_DATA, capitalise};
use binhdang_domain::vn::format_number;
use binhdang_domain::{Indicator, Period};
use rust_decimal::Decimal;

fn count(d: Decimal) -> String {
    format_number(d, Some(0))
}

impl Builder<'_> {
    fn review_facts(&self) -> &ReviewFacts {
        self.review.expect("a review is built with its facts")
    }

    /// The indicator's value in its unit: `63,6%`, `108,2/100`.
    fn shown(&self, indicator: &Indicator, v: Option<Decimal>) -> String {
        match v {
            Some(v) => words::value_text(indicator.measure, v, words::places_for(indicator.measure, v, None)),
            None => String::new(),
        }
    }

    /// The body of the review, its signature and its annexes.
    pub(crate) fn review_blocks(&self) -> Vec<Block> {
        let dt = self.doc_template();
        let mut out = self.preamble();
        out.push(heading("I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN"));
        self.narrative("situation", &mut out);
        out.extend(self.documents_sentences());
        out.extend(self.organisation_sentences());
        if self.has_plans() {
            out.extend(self.tasks_sentences("Kết quả thực hiện nhiệm vụ theo các kế hoạch trong giai đoạn"));
        }
        out.push(heading("II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, CHỈ TIÊU"));
        out.extend(self.review_by_objective());
        out.push(heading("III. KẾT QUẢ CÁC HOẠT ĐỘNG VÀ KINH PHÍ"));
        out.push(heading("1. Truyền thông, tập huấn, hội nghị"));
        out.extend(self.activity_sentences());
        out.push(heading("2. Hỗ trợ người bị bạo lực trên cơ sở giới"));
        out.extend(self.gbv_by_year());
        out.push(heading("3. Kinh phí thực hiện"));
        out.extend(self.budget_sentences());
        out.push(heading("IV. ĐÁNH GIÁ CHUNG"));
        for (n, (key, title)) in [
            ("achievements", "Kết quả nổi bật"),
            ("limitations", "Hạn chế, tồn tại"),
            ("causes", "Nguyên nhân"),
            ("lessons", "Bài học kinh nghiệm"),
        ]
        .iter()
        .enumerate()
        {
            out.push(heading(format!("{}. {title}", n + 1)));
            self.narrative(key, &mut out);
        }
        let next = self.review_facts().next;
        out.push(heading(format!(
            "V. MỤC TIÊU, CHỈ TIÊU {}",
            next.label_vi().to_uppercase()
        )));
        out.push(body(format!(
            "Chỉ tiêu của địa phương {} so với chỉ tiêu quốc gia (chi tiết tại Phụ lục II).",
            next.label_vi().to_lowercase()
        )));
        self.narrative("tasks", &mut out);
        out.push(heading("VI. ĐỀ XUẤT, KIẾN NGHỊ"));
        self.narrative("proposals", &mut out);
        out.push(body(self.fill(&dt.closing)));
        out.push(Block::Signature(self.signature()));
        let mut annexes = vec![
            (
                "Kết quả thực hiện các chỉ tiêu qua các năm {period}",
                self.review_table(),
            ),
            ("Chỉ tiêu giai đoạn tiếp theo", self.next_targets_table()),
            (&self.t.tables.documents_title, self.documents_table()),
            (&self.t.tables.activities_title, self.activities_table()),
            (&self.t.tables.budget_title, self.budget_table()),
        ];
        annexes.extend(self.tasks_annex());
        self.annexes(annexes, &mut out);
        out
    }

    fn gbv_by_year(&self) -> Vec<Block> {
        let r = self.review_facts();
        if r.gbv.is_empty() {
            return vec![body(format!(
                "Các vụ bạo lực trên cơ sở giới được phát hiện: {NO_DATA}."
            ))];
        }
        let (cases, supported) = r
            .gbv
            .iter()
            .fold((Decimal::ZERO, Decimal::ZERO), |(c, s), (_, a, b)| (c + a, s + b));
        let mut out = vec![body(format!(
            "Trong giai đoạn đã phát hiện {} vụ bạo lực trên cơ sở giới, {} trường hợp được hỗ trợ:",
            count(cases),
            count(supported)
        ))];
        for (year, c, s) in &r.gbv {
            out.push(body(format!(
                "- Năm {year}: {} vụ, {} trường hợp được hỗ trợ;",
                count(*c),
                count(*s)
            )));
        }
        out
    }

    fn review_by_objective(&self) -> Vec<Block> {
        let r = self.review_facts();
        self.results_by_objective_with("Tổng hợp giai đoạn", |indicator, a| {
            let years: Vec<String> = r
                .years
                .iter()
                .zip(r.yearly.get(a.indicator.as_str()).into_iter().flatten())
                .filter_map(|(y, v)| v.map(|v| format!("năm {y}: {}", self.shown(indicator, Some(v)))))
                .collect();
            if years.is_empty() {
                String::new()
            } else {
                format!(" Qua các năm: {}.", years.join("; "))
            }
        })
    }

    /// Annex I: each indicator's baseline year, each year of the phase, the target, the
    /// verdict over the phase and the trend.
    fn review_table(&self) -> Table {
        let r = self.review_facts();
        let mut columns = vec![
            Column::new("Mã", 5.0, Align::Center),
            Column::new("Chỉ tiêu", 22.0, Align::Left),
        ];
        for year in &r.years {
            let header = if *year == r.years[0] {
                format!("Năm {year} (cơ sở)")
            } else {
                format!("Năm {year}")
            };
            columns.push(Column::new(header, 7.5, Align::Right));
        }
        columns.push(Column::new("Cả giai đoạn", 8.0, Align::Right));
        columns.push(Column::new("Chỉ tiêu (địa phương; quốc gia)", 11.0, Align::Left));
        columns.push(Column::new("Đánh giá", 8.0, Align::Center));
        columns.push(Column::new("Xu hướng", 8.0, Align::Center));
        let rows = self.rows_by_objective(|a, indicator| {
            let mut cells = vec![
                TableCell::text(a.indicator.clone()),
                TableCell::text(capitalise(&a.name_vi)),
            ];
            let values = r.yearly.get(a.indicator.as_str());
            for i in 0..r.years.len() {
                let v = values.and_then(|v| v[i]);
                cells.push(TableCell::text(self.shown(indicator, v)));
            }
            cells.push(TableCell::text(self.shown(indicator, a.figure.value)));
            let target = match &a.target {
                Some(t) => {
                    let mine = words::target_text(indicator.measure, &t.target);
                    match (t.source, &t.national) {
                        ("local", Some(n)) => format!("{mine}; {}", words::target_text(indicator.measure, n)),
                        _ => mine,
                    }
                }
                None => String::new(),
            };
            cells.push(TableCell::text(target));
            cells.push(TableCell::text(a.status_vi));
            cells.push(TableCell::text(a.progress_vi));
            Row::Cells(cells)
        });
        Table {
            sheet: "Chỉ tiêu qua các năm".into(),
            title: self.fill("Kết quả thực hiện các chỉ tiêu qua các năm {period}"),
            columns,
            rows,
            empty_text: capitalise(NO_DATA),
            size: 9.0,
        }
    }

    /// Annex II: the next phase's national targets and those the unit set.
    fn next_targets_table(&self) -> Table {
        let r = self.review_facts();
        let milestone = match r.next {
            Period::Phase { to, .. } => to,
            p => p.milestone_year(),
        };
        let mut rows = Vec::new();
        for i in &self.facts.indicators {
            let national = i
                .national_target(milestone)
                .map(|t| words::target_text(i.measure, &t))
                .unwrap_or_default();
            let (local, set_by) = match r.next_targets.get(i.code.as_str()) {
                Some((t, by)) => (words::target_text(i.measure, t), by.clone()),
                None => ("Chưa giao".to_string(), String::new()),
            };
            rows.push(Row::Cells(vec![
                TableCell::text(i.code.clone()),
                TableCell::text(capitalise(&i.name_vi)),
                TableCell::text(national),
                TableCell::text(local),
                TableCell::text(set_by),
            ]));
        }
        Table {
            sheet: "Chỉ tiêu giai đoạn tới".into(),
            title: format!("Chỉ tiêu {}", r.next.label_vi().to_lowercase()),
            columns: vec![
                Column::new("Mã", 6.0, Align::Center),
                Column::new("Chỉ tiêu", 40.0, Align::Left),
                Column::new(format!("Chỉ tiêu quốc gia năm {milestone}"), 16.0, Align::Left),
                Column::new("Chỉ tiêu của địa phương", 16.0, Align::Left),
                Column::new("Đơn vị giao", 10.0, Align::Center),
            ],
            rows,
            empty_text: capitalise(NO_DATA),
            size: 11.0,
        }
    }
}
