//! Budgets (kinh phí): the budget sources, the record, how it is read and checked, and its summary.

use super::read::{Checks, Reader, opt_money_json};
use super::summary::money_json;
use super::{CheckContext, Lists, RawRecord, Register, RegisterKind, RegisterProblem, Severity, Summarise};
use crate::{Period, PeriodType, vn};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Where money comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BudgetSource {
    /// Ngân sách trung ương.
    Central,
    /// Ngân sách tỉnh.
    Province,
    /// Ngân sách huyện.
    District,
    /// Ngân sách xã.
    Commune,
    /// Xã hội hóa: contributions from outside the state budget.
    Socialised,
}

impl BudgetSource {
    pub const ALL: [BudgetSource; 5] = [
        BudgetSource::Central,
        BudgetSource::Province,
        BudgetSource::District,
        BudgetSource::Commune,
        BudgetSource::Socialised,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            BudgetSource::Central => "trung-uong",
            BudgetSource::Province => "tinh",
            BudgetSource::District => "huyen",
            BudgetSource::Commune => "xa",
            BudgetSource::Socialised => "xa-hoi-hoa",
        }
    }

    pub fn name_vi(&self) -> &'static str {
        match self {
            BudgetSource::Central => "Ngân sách trung ương",
            BudgetSource::Province => "Ngân sách tỉnh",
            BudgetSource::District => "Ngân sách huyện",
            BudgetSource::Commune => "Ngân sách xã",
            BudgetSource::Socialised => "Xã hội hóa",
        }
    }

    pub fn name_en(&self) -> &'static str {
        match self {
            BudgetSource::Central => "Central budget",
            BudgetSource::Province => "Provincial budget",
            BudgetSource::District => "District budget",
            BudgetSource::Commune => "Commune budget",
            BudgetSource::Socialised => "Non-state contributions (xã hội hóa)",
        }
    }
}

impl FromStr for BudgetSource {
    type Err = ();
    fn from_str(s: &str) -> Result<BudgetSource, ()> {
        let s = s.trim().to_lowercase();
        let s = s.strip_prefix("ngân sách ").unwrap_or(&s);
        BudgetSource::ALL
            .into_iter()
            .find(|b| {
                b.as_str() == s || b.name_vi().to_lowercase().trim_start_matches("ngân sách ") == s || {
                    // "xã hội hoá" (old-style accent placement) is the same word.
                    *b == BudgetSource::Socialised && s == "xã hội hoá"
                }
            })
            .ok_or(())
    }
}

impl Serialize for BudgetSource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Kinh phí: money for gender-equality work in a year, by source, in đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Budget {
    pub source: BudgetSource,
    pub content: Option<String>,
    #[serde(serialize_with = "opt_money_json")]
    pub allocated: Option<Decimal>,
    #[serde(serialize_with = "opt_money_json")]
    pub spent: Option<Decimal>,
    pub notes: Option<String>,
}

fn source_choices() -> String {
    BudgetSource::ALL
        .iter()
        .map(|s| format!("{} ({})", s.as_str(), s.name_vi()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Register for Budget {
    const KIND: RegisterKind = RegisterKind::Budgets;
    const FIELDS: &'static [&'static str] = &["source", "content", "allocated", "spent", "notes"];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let source = if r.present("source") {
            r.choice("source", |s| s.parse().ok(), &source_choices())
        } else {
            let choices = source_choices();
            r.missing(
                "source",
                &format!("; use one of: {choices}"),
                &format!("; chọn một trong: {choices}"),
            );
            None
        };
        let record = Budget {
            source: source.unwrap_or(BudgetSource::Central),
            content: r.text("content"),
            allocated: r.number("allocated"),
            spent: r.number("spent"),
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        if !matches!(
            ctx.period.period_type(),
            PeriodType::Year | PeriodType::HalfYear | PeriodType::ActionMonth
        ) {
            c.push(
                "period",
                "period_not_budget_period",
                format!(
                    "budgets are kept by year, half-year or Action Month; {} is none of them (use e.g. 2024, 2024H1, 2024AM)",
                    ctx.period
                ),
                format!(
                    "Kinh phí được theo dõi theo năm, 6 tháng hoặc Tháng hành động; {} không phải kỳ nào trong số đó (ví dụ 2024, 2024H1, 2024AM)",
                    ctx.period.label_vi()
                ),
            );
        }
        c.text("content", &self.content);
        let allocated_ok = c.money("allocated", self.allocated);
        let spent_ok = c.money("spent", self.spent);
        if self.allocated.is_none() && self.spent.is_none() {
            c.push(
                "allocated",
                "amount_missing",
                "enter the amount allocated, the amount spent, or both".into(),
                "Cần nhập kinh phí được cấp, kinh phí đã chi, hoặc cả hai".into(),
            );
        }
        if allocated_ok
            && spent_ok
            && let (Some(a), Some(s)) = (self.allocated, self.spent)
            && s > a
        {
            c.0.push(RegisterProblem {
                field: "spent".into(),
                code: "spent_exceeds_allocated",
                severity: Severity::Warning,
                message_en: format!(
                    "{} đồng spent is more than the {} đồng allocated; please explain in the notes",
                    s.normalize(),
                    a.normalize()
                ),
                message_vi: format!(
                    "Kinh phí đã chi ({}) lớn hơn kinh phí được cấp ({}); đề nghị giải trình trong phần ghi chú",
                    vn::format_money(s),
                    vn::format_money(a)
                ),
            });
        }
        c.text("notes", &self.notes);
        c.finish()
    }

    fn normalise(&mut self) {
        for v in [&mut self.allocated, &mut self.spent].into_iter().flatten() {
            *v = v.normalize();
        }
    }
}

/// Money of budget rows; `allocated` sums the rows that state an allocation, `spent` those
/// that state spending.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BudgetTotals {
    pub rows: i64,
    #[serde(serialize_with = "money_json")]
    pub allocated: Decimal,
    #[serde(serialize_with = "money_json")]
    pub spent: Decimal,
}

impl BudgetTotals {
    fn add(&mut self, b: &Budget) {
        self.rows += 1;
        self.allocated += b.allocated.unwrap_or_default();
        self.spent += b.spent.unwrap_or_default();
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetSourceTotals {
    pub source: BudgetSource,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    #[serde(flatten)]
    pub totals: BudgetTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetYearTotals {
    pub year: i32,
    #[serde(flatten)]
    pub totals: BudgetTotals,
    pub by_source: Vec<BudgetSourceTotals>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetSummary {
    pub by_year: Vec<BudgetYearTotals>,
    pub total: BudgetTotals,
}

impl Summarise for Budget {
    type Summary = BudgetSummary;
    fn summarise(rows: &[(Period, Self)], _: &Lists) -> BudgetSummary {
        let mut years: BTreeMap<i32, (BudgetTotals, BTreeMap<BudgetSource, BudgetTotals>)> = BTreeMap::new();
        let mut total = BudgetTotals::default();
        for (period, b) in rows {
            let (year, sources) = years.entry(period.milestone_year()).or_default();
            year.add(b);
            sources.entry(b.source).or_default().add(b);
            total.add(b);
        }
        let by_year = years
            .into_iter()
            .map(|(year, (totals, sources))| BudgetYearTotals {
                year,
                totals,
                by_source: sources
                    .into_iter()
                    .map(|(source, totals)| BudgetSourceTotals {
                        source,
                        name_vi: source.name_vi(),
                        name_en: source.name_en(),
                        totals,
                    })
                    .collect(),
            })
            .collect();
        BudgetSummary { by_year, total }
    }
}
