//! How figures, dates and states read on a page. Numbers are written the Vietnamese way in
//! both languages (`1.260`, `63,6`), as they are typed into the forms.

use crate::lang::Lang;
use binhdang_domain::assessment::Status;
use binhdang_domain::calendar::Timeliness;
use binhdang_domain::catalogue::{Direction, Indicator, MeasureKind, Target};
use binhdang_domain::disclosure::{DEFAULT_THRESHOLD, FigurePart};
use binhdang_domain::workflow::State;
use binhdang_domain::{Disaggregation, Period, vn};
use rust_decimal::Decimal;

pub const NONE: &str = "–";

/// A number as typed and read: its own digits, `.` between thousands, `,` for decimals.
pub fn number(d: Decimal) -> String {
    vn::format_number(d, None)
}

/// An indicator's value with one decimal (a percentage carries `%`), or a dash.
pub fn value(indicator: &Indicator, v: Option<Decimal>) -> String {
    match v {
        None => NONE.into(),
        Some(v) => match indicator.measure {
            MeasureKind::Percent => vn::format_percent(v, 1),
            MeasureKind::YesNo | MeasureKind::Count => number(v.round_dp(2)),
            _ => vn::format_number(v, Some(1)),
        },
    }
}

/// Money in whole đồng: `15.000.000 đ`.
pub fn money(d: Decimal) -> String {
    format!("{} đ", vn::format_number(d, Some(0)))
}

/// The value as a plain number for charts and CSV (`63.6`), or empty.
pub(crate) use crate::tables::plain;

pub fn target(indicator: &Indicator, t: &Target) -> String {
    let sign = t.op.symbol();
    format!("{sign} {}", value(indicator, Some(t.value)))
}

pub fn date(d: time::Date) -> String {
    vn::format_date(d)
}

/// A stored RFC 3339 time in Vietnam's time (UTC+7): `05/06/2026 14:03`.
pub fn timestamp(text: &str) -> String {
    let Ok(t) = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) else {
        return text.to_string();
    };
    let t = t.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
    format!("{} {:02}:{:02}", vn::format_date(t.date()), t.hour(), t.minute())
}

pub fn period(p: &Period, lang: Lang) -> String {
    if lang == Lang::En { p.label_en() } else { p.label_vi() }
}

/// A window's name: the period's own, or `Từ 01/01/2021 đến 30/07/2024`.
pub fn window(w: &binhdang_domain::Window, lang: Lang) -> String {
    if lang == Lang::En { w.label_en() } else { w.label_vi() }
}

pub fn state(s: State, lang: Lang) -> &'static str {
    if lang == Lang::Vi {
        return s.label_vi();
    }
    match s {
        State::Draft => "Draft",
        State::Submitted => "Submitted",
        State::Returned => "Returned",
        State::Approved => "Approved",
    }
}

/// The states of a completeness table (`missing` and `draft` as well as the workflow's).
pub fn child_state(s: &str, lang: Lang) -> &'static str {
    match (s, lang) {
        ("approved", Lang::Vi) => "Đã phê duyệt",
        ("submitted", Lang::Vi) => "Đã gửi",
        ("returned", Lang::Vi) => "Bị trả lại",
        ("draft", Lang::Vi) => "Đang nhập",
        (_, Lang::Vi) => "Chưa có số liệu",
        ("approved", _) => "Approved",
        ("submitted", _) => "Submitted",
        ("returned", _) => "Returned",
        ("draft", _) => "Being entered",
        _ => "Nothing entered",
    }
}

pub fn timeliness(t: Timeliness, lang: Lang) -> &'static str {
    if lang == Lang::Vi {
        return t.label_vi();
    }
    match t {
        Timeliness::OnTime => "On time",
        Timeliness::Late => "Late",
        Timeliness::Overdue => "Overdue",
        Timeliness::Pending => "Not yet due",
        Timeliness::NoDeadline => "No deadline",
    }
}

pub fn status(s: Status, lang: Lang) -> &'static str {
    if lang == Lang::En { s.label_en() } else { s.label_vi() }
}

/// The CSS class of an assessment status.
pub fn status_class(s: Status) -> &'static str {
    match s {
        Status::Met => "s-met",
        Status::Exceeded => "s-exceeded",
        Status::NotMet => "s-not_met",
        Status::NoData => "s-no_data",
        Status::NoNumericResult => "s-no_numeric_result",
    }
}

pub fn percent(d: Decimal) -> String {
    vn::format_percent(d, 1)
}

/// Where the target used comes from: `địa phương (set by, phase)` or `quốc gia 2025`.
pub fn target_source(t: &binhdang_store::TargetUsed, lang: Lang) -> String {
    match (t.source, lang) {
        ("local", Lang::Vi) => format!(
            "địa phương ({}, {})",
            t.set_by.clone().unwrap_or_default(),
            t.applies_to
        ),
        ("local", Lang::En) => {
            format!("local ({}, {})", t.set_by.clone().unwrap_or_default(), t.applies_to)
        }
        (_, Lang::Vi) => format!("quốc gia {}", t.applies_to),
        (_, Lang::En) => format!("national {}", t.applies_to),
    }
}

/// The change since the previous report: its arrow, its text (`+2,5 (tốt hơn)`) and its
/// class, better or worse by the indicator's direction.
pub fn trend(delta: Decimal, direction: Direction, lang: Lang) -> (&'static str, String, &'static str) {
    let better = match direction {
        Direction::Higher => delta > Decimal::ZERO,
        Direction::Lower => delta < Decimal::ZERO,
    };
    let arrow = if delta > Decimal::ZERO {
        "↑"
    } else if delta < Decimal::ZERO {
        "↓"
    } else {
        "→"
    };
    let sign = if delta > Decimal::ZERO { "+" } else { "" };
    let words = match (delta.is_zero(), better, lang) {
        (true, _, Lang::Vi) => "không đổi",
        (true, _, Lang::En) => "unchanged",
        (false, true, Lang::Vi) => "tốt hơn",
        (false, false, Lang::Vi) => "kém hơn",
        (false, true, Lang::En) => "better",
        (false, false, Lang::En) => "worse",
    };
    (
        arrow,
        format!("{sign}{} ({words})", binhdang_domain::vn::format_number(delta, Some(1))),
        if delta.is_zero() {
            ""
        } else if better {
            "trend-better"
        } else {
            "trend-worse"
        },
    )
}

/// A number of a figure, or why it is not shown: "< 5" for a small count, "x" for one hidden
/// with it (small-cell protection), "–" for none.
pub fn figure_part(indicator: &Indicator, f: &binhdang_store::Figure, part: FigurePart, d: Disaggregation) -> String {
    if let Some(w) = f.withheld.iter().find(|w| w.part == part && w.breakdown == d) {
        return w.why.mark(DEFAULT_THRESHOLD);
    }
    let pick = |n: Option<Decimal>, den: Option<Decimal>, v: Option<Decimal>| match part {
        FigurePart::Numerator => n.map(number).unwrap_or_else(|| NONE.into()),
        FigurePart::Denominator => den.map(number).unwrap_or_else(|| NONE.into()),
        FigurePart::Value => value(indicator, v),
    };
    match (d, &f.by_sex) {
        (Disaggregation::Total, _) => pick(f.numerator, f.denominator, f.value),
        (Disaggregation::Female, Some(s)) => pick(s.female.numerator, s.female.denominator, s.female.value),
        (Disaggregation::Male, Some(s)) => pick(s.male.numerator, s.male.denominator, s.male.value),
        _ => NONE.into(),
    }
}
