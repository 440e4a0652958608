//! Figures into Vietnamese: an indicator's value in its unit, its target, and the sentence a
//! report writes about it ("Tỷ lệ … đạt 63,6% (7/11), so với chỉ tiêu ít nhất 60% … là
//! đạt."). Every number comes from the assessment; the verdict word comes from its computed
//! status, so a missed target is never written as met.

use binhdang_domain::assessment::Status;
use binhdang_domain::vn::{format_number, format_percent};
use binhdang_domain::{Direction, Indicator, MeasureKind, Target, TargetOp};
use binhdang_store::{Assessment, Part};
use rust_decimal::Decimal;

/// Written where there is no figure.
pub const NO_DATA: &str = "chưa có số liệu";

/// Default places of decimals a value is shown with.
fn default_places(measure: MeasureKind) -> u32 {
    match measure {
        MeasureKind::Count => 0,
        MeasureKind::Ratio => 2,
        _ => 1,
    }
}

/// Places of decimals that show `value` without changing its verdict: a value of 59,96%
/// against "ít nhất 60%" is printed 59,96%, never 60,0%, which would read as met.
pub fn places_for(measure: MeasureKind, value: Decimal, target: Option<&Target>) -> u32 {
    let shown = |p: u32| scaled(measure, value).round_dp(p);
    let mut places = default_places(measure);
    if let Some(t) = target {
        let t_value = scaled(measure, t.value);
        let exact = scaled(measure, value);
        let probe = Target {
            op: t.op,
            value: t_value,
        };
        while places < 4 {
            let r = shown(places);
            if probe.is_met_by(r) == probe.is_met_by(exact) && (r == t_value) == (exact == t_value) {
                break;
            }
            places += 1;
        }
    }
    places
}

/// A yes/no share is a fraction of units; it is shown in percent.
fn scaled(measure: MeasureKind, v: Decimal) -> Decimal {
    if measure == MeasureKind::YesNo {
        v * Decimal::ONE_HUNDRED
    } else {
        v
    }
}

/// A value in the indicator's unit with `places` decimals: `63,6%`, `108,2/100`, `1,85 lần`.
pub fn value_text(measure: MeasureKind, value: Decimal, places: u32) -> String {
    let v = scaled(measure, value);
    match measure {
        MeasureKind::Percent | MeasureKind::YesNo => format_percent(v, places),
        MeasureKind::Per100 => format!("{}/100", format_number(v, Some(places))),
        MeasureKind::Per1000 => format!("{}/1.000", format_number(v, Some(places))),
        MeasureKind::Per100000 => format!("{}/100.000", format_number(v, Some(places))),
        MeasureKind::Ratio => format!("{} lần", format_number(v, Some(places))),
        MeasureKind::Hours => format!("{} giờ", format_number(v, Some(places))),
        MeasureKind::Count | MeasureKind::Narrative => format_number(v, Some(places)),
    }
}

/// A target in words: `ít nhất 60%`, `không quá 111/100`, `100%`, `khoảng 85%`.
pub fn target_text(measure: MeasureKind, t: &Target) -> String {
    let v = scaled(measure, t.value);
    let places = if v.fract().is_zero() { 0 } else { v.scale().min(2) };
    let value = value_text(measure, t.value, places);
    match t.op {
        TargetOp::Equal => value,
        op => format!("{} {value}", op.words_vi()),
    }
}

/// `(7/11)`: the numerator and denominator behind a quotient, when both are known.
pub fn parts_text(part: &Part) -> Option<String> {
    let (n, d) = (part.numerator?, part.denominator?);
    Some(format!("({}/{})", format_number(n, None), format_number(d, None)))
}

/// The verdict as a report writes it after "là".
pub fn verdict(status: Status) -> &'static str {
    match status {
        Status::Met => "đạt",
        Status::Exceeded => "vượt chỉ tiêu",
        Status::NotMet => "không đạt",
        Status::NoData => NO_DATA,
        Status::NoNumericResult => "đánh giá bằng văn bản",
    }
}

/// The result column of the assessment table: `63,6%` over `(7/11)`, or `Chưa có số liệu`.
pub fn result_text(indicator: &Indicator, a: &Assessment) -> String {
    let f = &a.figure;
    if indicator.measure == MeasureKind::Narrative {
        return "Đánh giá bằng văn bản".into();
    }
    let Some(value) = f.value else {
        return capitalise(NO_DATA);
    };
    if indicator.measure == MeasureKind::YesNo {
        // A yes/no indicator is a sentence: the unit's own answer, or how many units said yes.
        return match (f.numerator, f.denominator) {
            (Some(yes), Some(n)) if n == Decimal::ONE && yes >= Decimal::ONE => "Có (đạt yêu cầu)".into(),
            (Some(_), Some(n)) if n == Decimal::ONE => "Chưa đạt yêu cầu".into(),
            (Some(yes), Some(n)) => format!(
                "{} trên {} đơn vị đạt yêu cầu",
                format_number(yes, Some(0)),
                format_number(n, Some(0))
            ),
            _ => capitalise(NO_DATA),
        };
    }
    let places = places_for(indicator.measure, value, a.target.as_ref().map(|t| &t.target));
    let mut out = value_text(indicator.measure, value, places);
    if f.method == "stated_rate" {
        out.push_str(" (theo số liệu báo cáo)");
    }
    if let Some(how) = &f.over_time {
        match how.time_aggregation {
            binhdang_domain::TimeAggregation::Last if !how.used.is_empty() => {
                out.push_str(&format!(" (số liệu kỳ {})", how.used.join(", ")));
            }
            _ if !how.used.is_empty() => out.push_str(&format!(" (cộng các kỳ {})", how.used.join(", "))),
            _ => {}
        }
    }
    let whole = Part {
        numerator: f.numerator,
        denominator: f.denominator,
        value: f.value,
    };
    if let Some(parts) = parts_text(&whole) {
        out.push('\n');
        out.push_str(&parts);
    }
    out
}

/// Where the target came from, for the sentence: `chỉ tiêu quốc gia năm 2025` or
/// `chỉ tiêu của địa phương giai đoạn 2021-2025`.
fn target_source(a: &Assessment) -> String {
    match &a.target {
        Some(t) if t.source == "local" => format!("chỉ tiêu của địa phương giai đoạn {}", t.applies_to),
        Some(t) => format!("chỉ tiêu quốc gia năm {}", t.applies_to),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The sentence about one indicator.
pub fn indicator_sentence(indicator: &Indicator, a: &Assessment) -> String {
    let name = capitalise(&a.name_vi);
    if indicator.measure == MeasureKind::Narrative {
        return format!("{name}: chỉ tiêu định tính, đánh giá bằng văn bản.");
    }
    let f = &a.figure;
    let Some(value) = f.value else {
        return format!("{name}: {NO_DATA}.");
    };
    if indicator.measure == MeasureKind::YesNo {
        return format!("{name}: {}.", lower_first(&result_text(indicator, a)));
    }
    let target = a.target.as_ref().map(|t| &t.target);
    let places = places_for(indicator.measure, value, target);
    let verb = match indicator.direction {
        Direction::Higher => "đạt",
        Direction::Lower => "là",
    };
    let mut s = format!("{name} {verb} {}", value_text(indicator.measure, value, places));
    let whole = Part {
        numerator: f.numerator,
        denominator: f.denominator,
        value: f.value,
    };
    if let Some(parts) = parts_text(&whole) {
        s.push(' ');
        s.push_str(&parts);
    }
    if let Some(by_sex) = &f.by_sex
        && matches!(indicator.measure, MeasureKind::Percent)
    {
        let mut pieces = Vec::new();
        for (label, part) in [("nam", &by_sex.male), ("nữ", &by_sex.female)] {
            if let Some(v) = part.value {
                let p = places_for(indicator.measure, v, None);
                let mut piece = format!("{label} {}", value_text(indicator.measure, v, p));
                if let Some(parts) = parts_text(part) {
                    piece.push(' ');
                    piece.push_str(&parts);
                }
                pieces.push(piece);
            }
        }
        if !pieces.is_empty() {
            s.push_str(&format!(" (trong đó {})", pieces.join(", ")));
        }
    }
    match (&a.target, a.status) {
        (Some(t), status) if matches!(status, Status::Met | Status::Exceeded | Status::NotMet) => {
            s.push_str(&format!(
                ", so với chỉ tiêu {} ({}) là {}.",
                target_text(indicator.measure, &t.target),
                target_source(a),
                verdict(status)
            ));
        }
        _ => s.push_str("; chưa có chỉ tiêu để đánh giá."),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_shown_value_never_contradicts_the_verdict() {
        let at_least_60 = Target {
            op: TargetOp::AtLeast,
            value: d("60"),
        };
        assert_eq!(places_for(MeasureKind::Percent, d("63.6364"), Some(&at_least_60)), 1);
        // 59.96 would print as 60,0% and read as met: two places then.
        assert_eq!(places_for(MeasureKind::Percent, d("59.96"), Some(&at_least_60)), 2);
        assert_eq!(value_text(MeasureKind::Percent, d("59.96"), 2), "59,96%");
        let at_most = Target {
            op: TargetOp::AtMost,
            value: d("1.7"),
        };
        assert_eq!(places_for(MeasureKind::Ratio, d("1.7049"), Some(&at_most)), 3);
        let all = Target {
            op: TargetOp::Equal,
            value: d("100"),
        };
        assert_eq!(places_for(MeasureKind::Percent, d("99.99"), Some(&all)), 2);
    }

    #[test]
    fn targets_in_words() {
        let t = |op, v: &str| Target { op, value: d(v) };
        assert_eq!(
            target_text(MeasureKind::Percent, &t(TargetOp::AtLeast, "60")),
            "ít nhất 60%"
        );
        assert_eq!(target_text(MeasureKind::Percent, &t(TargetOp::Equal, "100")), "100%");
        assert_eq!(
            target_text(MeasureKind::Per100, &t(TargetOp::AtMost, "111")),
            "không quá 111/100"
        );
        assert_eq!(
            target_text(MeasureKind::Ratio, &t(TargetOp::AtMost, "1.7")),
            "không quá 1,7 lần"
        );
        assert_eq!(target_text(MeasureKind::YesNo, &t(TargetOp::Equal, "1")), "100%");
        assert_eq!(
            target_text(MeasureKind::Per100000, &t(TargetOp::Below, "42")),
            "dưới 42/100.000"
        );
    }
}
