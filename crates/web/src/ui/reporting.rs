//! Which reporting periods a unit has, for the home page and the pickers.

use crate::lang::Lang;
use binhdang_domain::Period;
use binhdang_domain::calendar::Programme;
use binhdang_store::UnitSummary;
use time::Date;

/// Whether the unit reports for the period: it exists on the period's last day.
pub fn reports_in(unit: &UnitSummary, period: &Period) -> bool {
    let end = period.end();
    unit.valid_from.is_none_or(|f| f <= end) && unit.valid_to.is_none_or(|t| end <= t)
}

/// The periods a programme reports on within a year.
fn periods_of(programme: &Programme, year: i32) -> Vec<Period> {
    let candidates = [
        Period::Year(year),
        Period::HalfYear { year, half: 1 },
        Period::HalfYear { year, half: 2 },
        Period::ActionMonth(year),
    ];
    candidates.into_iter().filter(|p| programme.covers(p)).collect()
}

/// The unit's reports of this year and the last one that have begun, newest first.
pub fn recent(programmes: &[Programme], unit: &UnitSummary, today: Date) -> Vec<(Programme, Period)> {
    let mut out = Vec::new();
    for year in [today.year(), today.year() - 1] {
        for programme in programmes {
            for period in periods_of(programme, year) {
                if period.start() <= today && reports_in(unit, &period) {
                    out.push((programme.clone(), period));
                }
            }
        }
    }
    out.sort_by(|a, b| b.1.end().cmp(&a.1.end()).then(a.0.code.cmp(&b.0.code)));
    out
}

/// Every period some programme reports on, from 2021 to today, in which the unit reports;
/// newest first.
pub fn choices(programmes: &[Programme], unit: &UnitSummary, today: Date) -> Vec<Period> {
    let mut out: Vec<Period> = Vec::new();
    for year in (2021..=today.year()).rev() {
        for programme in programmes {
            for period in periods_of(programme, year) {
                if period.start() <= today && reports_in(unit, &period) && !out.contains(&period) {
                    out.push(period);
                }
            }
        }
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.end()));
    out
}

/// A period in a page's period picker.
pub struct PeriodChoice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

/// The picker's periods for a unit ([`choices`]), with `selected` marked.
pub fn period_choices(
    programmes: &[Programme],
    unit: &UnitSummary,
    selected: &Period,
    today: Date,
    lang: Lang,
) -> Vec<PeriodChoice> {
    choices(programmes, unit, today)
        .into_iter()
        .map(|p| PeriodChoice {
            id: p.to_string(),
            label: super::format::period(&p, lang),
            selected: p == *selected,
        })
        .collect()
}

/// The period a page opens on when none is asked for: the most recent report the unit
/// makes whose deadline is still ahead, else the most recent one.
pub fn default_period(programmes: &[Programme], unit: &UnitSummary, today: Date) -> Option<Period> {
    let recent = recent(programmes, unit, today);
    recent
        .iter()
        .filter(|(programme, period)| programme.deadline(period, unit.level).is_some_and(|d| d >= today))
        .min_by_key(|(programme, period)| programme.deadline(period, unit.level))
        .or(recent.first())
        .map(|(_, p)| *p)
}

/// The previous report of the same programme (`2026H1` → `2025H1`), else the previous
/// period of the same type.
pub fn previous_report(programmes: &[Programme], period: &Period) -> Period {
    let programme = programmes.iter().find(|p| p.covers(period));
    let mut p = period.previous();
    for _ in 0..4 {
        if programme.is_none_or(|prog| prog.covers(&p)) {
            return p;
        }
        p = p.previous();
    }
    period.previous()
}

/// Sentences saying who keyed in values of the unit's report on its behalf (a reviewer typing
/// in a paper report), for the unit's own officer on the entry page and for the reviewer.
pub async fn on_behalf_lines(
    store: &binhdang_store::Store,
    unit: &UnitSummary,
    period: &Period,
    lang: Lang,
) -> Result<Vec<String>, binhdang_store::StoreError> {
    Ok(store
        .entered_on_behalf(unit, &period.to_string())
        .await?
        .into_iter()
        .map(|b| {
            let when = super::format::timestamp(&b.last_at);
            match lang {
                Lang::En => format!(
                    "{} (unit {}) entered {} change(s) on the unit's behalf, the last on {when}.",
                    b.actor, b.entered_from, b.changes
                ),
                Lang::Vi => format!(
                    "{} (đơn vị {}) đã nhập thay {} lần sửa số liệu, lần cuối {when}.",
                    b.actor, b.entered_from, b.changes
                ),
            }
        })
        .collect())
}
