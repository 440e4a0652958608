//! The annex tables of two registers in a period report: the documents issued and the budget
//! over the phase.

use crate::build::{Builder, f64_of, serial_date};
use crate::model::*;
use crate::words::{NO_DATA, capitalise};
use binhdang_domain::vn::{format_date, format_number};
use rust_decimal::Decimal;

impl Builder<'_> {
    pub(crate) fn documents_table(&self) -> Table {
        let rows = self
            .facts
            .documents
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let d = &r.record;
                let order = d.order.map(f64_of).unwrap_or((i + 1) as f64);
                Row::Cells(vec![
                    TableCell::number(
                        format_number(Decimal::try_from(order).unwrap_or_default(), None),
                        order,
                        NumFormat::Integer,
                    ),
                    TableCell::text(d.summary.clone()),
                    TableCell::text(d.issuing_body.clone()),
                    TableCell::text(
                        self.facts
                            .document_names
                            .get(&d.document_type)
                            .cloned()
                            .unwrap_or(d.document_type.clone()),
                    ),
                    TableCell::text(d.number.clone().unwrap_or_default()),
                    match d.date {
                        Some(date) => TableCell::number(format_date(date), serial_date(date), NumFormat::Date),
                        None => TableCell::text(""),
                    },
                    TableCell::text(d.notes.clone().unwrap_or_default()),
                ])
            })
            .collect();
        Table {
            sheet: "Văn bản chỉ đạo".into(),
            title: self.fill(&self.t.tables.documents_title),
            columns: vec![
                Column::new("TT", 5.0, Align::Center),
                Column::new("Trích yếu nội dung", 32.0, Align::Left),
                Column::new("Cơ quan ban hành", 14.0, Align::Left),
                Column::new("Loại văn bản", 10.0, Align::Left),
                Column::new("Số, ký hiệu", 11.0, Align::Left),
                Column::new("Ngày ban hành", 11.0, Align::Center),
                Column::new("Ghi chú", 10.0, Align::Left),
            ],
            rows,
            empty_text: capitalise(NO_DATA),
            size: 12.0,
        }
    }

    pub(crate) fn budget_table(&self) -> Table {
        let mut rows = Vec::new();
        let money = |d: Decimal| TableCell::number(format_number(d, Some(0)), f64_of(d), NumFormat::Money);
        if let Some(b) = &self.facts.budget {
            for y in &b.by_year {
                for s in &y.by_source {
                    rows.push(Row::Cells(vec![
                        TableCell::number(y.year.to_string(), f64::from(y.year), NumFormat::Year),
                        TableCell::text(s.name_vi),
                        money(s.totals.allocated),
                        money(s.totals.spent),
                    ]));
                }
                rows.push(Row::Cells(vec![
                    TableCell::text(""),
                    TableCell::text(format!("Cộng năm {}", y.year)).bold(),
                    money(y.totals.allocated).bold(),
                    money(y.totals.spent).bold(),
                ]));
            }
            if !b.by_year.is_empty() {
                rows.push(Row::Cells(vec![
                    TableCell::text(""),
                    TableCell::text("Tổng cộng").bold(),
                    money(b.total.allocated).bold(),
                    money(b.total.spent).bold(),
                ]));
            }
        }
        Table {
            sheet: "Kinh phí".into(),
            title: format!(
                "{} {}–{}",
                self.fill(&self.t.tables.budget_title),
                self.facts.budget_years.0,
                self.facts.budget_years.1
            ),
            columns: vec![
                Column::new("Năm", 8.0, Align::Center),
                Column::new("Nguồn kinh phí", 30.0, Align::Left),
                Column::new("Kinh phí được bố trí (đồng)", 20.0, Align::Right),
                Column::new("Kinh phí đã thực hiện (đồng)", 20.0, Align::Right),
            ],
            rows,
            empty_text: capitalise(NO_DATA),
            size: 12.0,
        }
    }
}
