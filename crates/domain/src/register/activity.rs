//! Activities (hoạt động): the record, how it is read and checked, and its summary.

use super::read::{Checks, Reader, count_json, opt_count_json};
use super::summary::{by_list_order, term_names, total_json};
use super::{CheckContext, Lists, RawRecord, Register, RegisterKind, RegisterProblem, Summarise};
use crate::{Period, UnitLevel, vn};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;

fn level_choices() -> &'static str {
    "country (trung ương), province (tỉnh), district (huyện), commune (xã)"
}

/// Hoạt động: a conference, training, rally, communication product… and who took part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// Code from the activity-type list (`tap-huan`, `hoi-nghi`, …).
    pub activity_type: String,
    pub content: Option<String>,
    /// How many: sessions, rallies, news items, leaflets…
    #[serde(serialize_with = "count_json")]
    pub count: Decimal,
    #[serde(serialize_with = "opt_count_json")]
    pub participants_male: Option<Decimal>,
    #[serde(serialize_with = "opt_count_json")]
    pub participants_female: Option<Decimal>,
    #[serde(serialize_with = "opt_count_json")]
    pub participants_total: Option<Decimal>,
    /// The level that organised it (tỉnh, huyện, xã).
    pub level: Option<UnitLevel>,
    pub date: Option<Date>,
    pub notes: Option<String>,
}

impl Activity {
    /// Total participants: the total given, else the sum of the parts given.
    pub fn total_participants(&self) -> Option<Decimal> {
        self.participants_total.or_else(|| {
            (self.participants_male.is_some() || self.participants_female.is_some())
                .then(|| self.participants_male.unwrap_or_default() + self.participants_female.unwrap_or_default())
        })
    }
}

impl Register for Activity {
    const KIND: RegisterKind = RegisterKind::Activities;
    const FIELDS: &'static [&'static str] = &[
        "activity_type",
        "content",
        "count",
        "participants_male",
        "participants_female",
        "participants_total",
        "level",
        "date",
        "notes",
    ];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let record = Activity {
            activity_type: r.required_text("activity_type"),
            content: r.text("content"),
            count: r.required_number("count"),
            participants_male: r.number("participants_male"),
            participants_female: r.number("participants_female"),
            participants_total: r.number("participants_total"),
            level: r.choice("level", |s| s.parse().ok(), level_choices()),
            date: r.date("date"),
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        c.in_list("activity_type", &self.activity_type, &ctx.lists.activity_types);
        c.text("content", &self.content);
        c.count("count", self.count);
        let male_ok = c.opt_count("participants_male", self.participants_male);
        let female_ok = c.opt_count("participants_female", self.participants_female);
        let total_ok = c.opt_count("participants_total", self.participants_total);
        if male_ok
            && female_ok
            && total_ok
            && let Some(total) = self.participants_total
            && (self.participants_male.is_some() || self.participants_female.is_some())
        {
            let (m, f) = (self.participants_male, self.participants_female);
            let parts = m.unwrap_or_default() + f.unwrap_or_default();
            if parts > total {
                let show = |v: Option<Decimal>| v.map_or("—".to_string(), |v| v.normalize().to_string());
                c.push(
                    "participants_total",
                    "parts_exceed_total",
                    format!(
                        "male ({}) + female ({}) participants = {parts}, more than the total of {total}",
                        show(m),
                        show(f)
                    ),
                    format!(
                        "Số người tham gia nam ({}) + nữ ({}) = {parts}, lớn hơn tổng số người tham gia ({total})",
                        show(m),
                        show(f)
                    ),
                );
            }
        }
        if let Some(d) = self.date
            && !ctx.period.contains_date(d)
        {
            let (from, to) = (ctx.period.start(), ctx.period.end());
            c.push(
                "date",
                "date_outside_period",
                format!(
                    "the date {d} is outside the period {} ({from} to {to})",
                    ctx.period.label_en()
                ),
                format!(
                    "Ngày {} nằm ngoài kỳ báo cáo {} (từ {} đến {})",
                    vn::format_date(d),
                    ctx.period.label_vi(),
                    vn::format_date(from),
                    vn::format_date(to)
                ),
            );
        }
        c.text("notes", &self.notes);
        c.finish()
    }

    fn normalise(&mut self) {
        self.participants_total = self.total_participants();
        for v in [
            &mut self.participants_male,
            &mut self.participants_female,
            &mut self.participants_total,
        ]
        .into_iter()
        .flatten()
        {
            *v = v.normalize();
        }
        self.count = self.count.normalize();
    }
}

/// Totals of activity rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActivityTotals {
    /// Number of rows (activity records).
    pub rows: i64,
    /// Sum of the rows' counts (sessions, items…).
    #[serde(serialize_with = "total_json")]
    pub count: Decimal,
    /// Sums of the parts entered; participants of unrecorded sex are only in the total.
    #[serde(serialize_with = "total_json")]
    pub participants_male: Decimal,
    #[serde(serialize_with = "total_json")]
    pub participants_female: Decimal,
    /// Sum of each row's total (entered, or the sum of its parts).
    #[serde(serialize_with = "total_json")]
    pub participants_total: Decimal,
}

impl ActivityTotals {
    fn add(&mut self, a: &Activity) {
        self.rows += 1;
        self.count += a.count;
        self.participants_male += a.participants_male.unwrap_or_default();
        self.participants_female += a.participants_female.unwrap_or_default();
        self.participants_total += a.total_participants().unwrap_or_default();
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityTypeTotals {
    pub activity_type: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(flatten)]
    pub totals: ActivityTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivitySummary {
    pub by_type: Vec<ActivityTypeTotals>,
    pub total: ActivityTotals,
}

impl Summarise for Activity {
    type Summary = ActivitySummary;
    fn summarise(rows: &[(Period, Self)], lists: &Lists) -> ActivitySummary {
        let mut groups: BTreeMap<String, ActivityTotals> = BTreeMap::new();
        let mut total = ActivityTotals::default();
        for (_, a) in rows {
            groups.entry(a.activity_type.clone()).or_default().add(a);
            total.add(a);
        }
        let by_type = by_list_order(&lists.activity_types, groups)
            .into_iter()
            .map(|(code, totals)| {
                let (name_vi, name_en) = term_names(&lists.activity_types, &code);
                ActivityTypeTotals {
                    activity_type: code,
                    name_vi,
                    name_en,
                    totals,
                }
            })
            .collect();
        ActivitySummary { by_type, total }
    }
}
