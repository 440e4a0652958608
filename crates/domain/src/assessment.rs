//! From summed parts to a judgement: an indicator's value from its numerator and
//! denominator, the target that applies, the status against it (đạt / không đạt / vượt /
//! chưa có số liệu), the distance to it, and progress since the baseline.
//!
//! Progress follows the measure Statistics Canada designed and Open SDG publishes: the
//! observed compound annual growth rate since the base year, compared with the rate needed
//! to reach the target in the target year. Growth rates are estimates, so they are computed
//! in `f64`; values and targets stay exact decimals.

use crate::{Direction, Indicator, MeasureKind, Period, Target, TargetOp};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// The strategy's milestone years with national targets.
pub const MILESTONES: [i32; 2] = [2025, 2030];

/// The milestone a period is judged against: the first milestone at or after the year the
/// period ends in (2025 for 2021–2025, 2030 for 2026–2030; 2030 after that).
pub fn milestone_for(period: &Period) -> i32 {
    let year = period.milestone_year();
    MILESTONES
        .iter()
        .copied()
        .find(|m| *m >= year)
        .unwrap_or(MILESTONES[MILESTONES.len() - 1])
}

/// Places of decimals an indicator's value is shown and stated with.
pub const VALUE_PLACES: u32 = 4;

/// numerator ÷ denominator × factor, or nothing when the denominator is missing or zero.
pub fn quotient(indicator: &Indicator, numerator: Option<Decimal>, denominator: Option<Decimal>) -> Option<Decimal> {
    let (n, d) = (numerator?, denominator?);
    if d.is_zero() {
        return None;
    }
    n.checked_mul(indicator.factor)?
        .checked_div(d)
        .map(|v| v.round_dp(VALUE_PLACES).normalize())
}

/// The status of a result against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// đạt
    Met,
    /// vượt: better than the target value (for ≥, ≤ and ~ targets)
    Exceeded,
    /// không đạt
    NotMet,
    /// chưa có số liệu: no result, or no target to judge it by
    NoData,
    /// The indicator's result is a sentence: it is shown, never given a made-up status.
    NoNumericResult,
}

impl Status {
    pub fn label_vi(&self) -> &'static str {
        match self {
            Status::Met => "Đạt",
            Status::Exceeded => "Vượt",
            Status::NotMet => "Không đạt",
            Status::NoData => "Chưa có số liệu",
            Status::NoNumericResult => "Không có kết quả định lượng",
        }
    }

    pub fn label_en(&self) -> &'static str {
        match self {
            Status::Met => "Met",
            Status::Exceeded => "Exceeded",
            Status::NotMet => "Not met",
            Status::NoData => "No data",
            Status::NoNumericResult => "No numeric result",
        }
    }
}

/// Judges a result. "Vượt" means strictly better than the target value where the target is
/// a bound one can pass (≥, ≤) or an approximate value (~); for "above"/"below" targets
/// (>, <) passing the bound is the target itself, and for "=" there is nothing beyond it.
pub fn assess(indicator: &Indicator, value: Option<Decimal>, target: Option<&Target>) -> Status {
    if indicator.measure == MeasureKind::Narrative {
        return Status::NoNumericResult;
    }
    let (Some(v), Some(t)) = (value, target) else {
        return Status::NoData;
    };
    let better = match indicator.direction {
        Direction::Higher => v > t.value,
        Direction::Lower => v < t.value,
    };
    match t.op {
        TargetOp::AtLeast | TargetOp::AtMost if t.is_met_by(v) => {
            if better {
                Status::Exceeded
            } else {
                Status::Met
            }
        }
        TargetOp::About if t.is_met_by(v) => Status::Met,
        TargetOp::About if better => Status::Exceeded,
        TargetOp::Above | TargetOp::Below | TargetOp::Equal if t.is_met_by(v) => Status::Met,
        _ => Status::NotMet,
    }
}

/// How far the result is from the target value, signed so that a positive distance is on
/// the better side (for a "lower is better" indicator, 105 against 111 is +6).
pub fn distance(indicator: &Indicator, value: Decimal, target: &Target) -> Decimal {
    match indicator.direction {
        Direction::Higher => value - target.value,
        Direction::Lower => target.value - value,
    }
}

/// Progress since the baseline, in Open SDG's categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    TargetAchieved,
    /// ratio of observed to required growth ≥ 95 %
    OnTrack,
    /// 60 % ≤ ratio < 95 %: progress made, acceleration needed
    Moderate,
    /// 0 ≤ ratio < 60 %
    Insufficient,
    /// ratio < 0: moving away from the target
    Deterioration,
    /// No baseline, no later value, a zero base, or no time elapsed.
    NotAssessable,
}

impl Progress {
    pub fn label_vi(&self) -> &'static str {
        match self {
            Progress::TargetAchieved => "Đã đạt chỉ tiêu",
            Progress::OnTrack => "Đúng tiến độ",
            Progress::Moderate => "Có tiến bộ, cần đẩy nhanh",
            Progress::Insufficient => "Tiến bộ chưa đủ",
            Progress::Deterioration => "Đi xuống",
            Progress::NotAssessable => "Chưa đánh giá được",
        }
    }

    pub fn label_en(&self) -> &'static str {
        match self {
            Progress::TargetAchieved => "Target achieved",
            Progress::OnTrack => "On track",
            Progress::Moderate => "Progress, needs to speed up",
            Progress::Insufficient => "Insufficient progress",
            Progress::Deterioration => "Moving away",
            Progress::NotAssessable => "Cannot be assessed",
        }
    }
}

/// One dated observation of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    pub year: i32,
    pub value: Decimal,
}

/// Observed growth without a target: Open SDG's fixed thresholds (1.5 % and 0.5 % a year).
const NO_TARGET_ON_TRACK: f64 = 0.015;
const NO_TARGET_MODERATE: f64 = 0.005;

/// Open SDG's progress measure from the base observation, the current one and the target
/// for `target_year`.
pub fn progress(
    indicator: &Indicator,
    base: Option<Observation>,
    current: Option<Observation>,
    target: Option<(i32, &Target)>,
) -> Progress {
    let (Some(base), Some(current)) = (base, current) else {
        return Progress::NotAssessable;
    };
    if let Some((_, t)) = target
        && t.is_met_by(current.value)
    {
        return Progress::TargetAchieved;
    }
    let years = current.year - base.year;
    let (Some(y0), Some(yi)) = (base.value.to_f64(), current.value.to_f64()) else {
        return Progress::NotAssessable;
    };
    if years <= 0 || y0 <= 0.0 || yi < 0.0 {
        return Progress::NotAssessable;
    }
    let d = match indicator.direction {
        Direction::Higher => 1.0,
        Direction::Lower => -1.0,
    };
    let observed = (yi / y0).powf(1.0 / f64::from(years)) - 1.0;
    let needed = target.and_then(|(target_year, t)| {
        let span = target_year - base.year;
        let yt = t.value.to_f64()?;
        (span > 0 && yt > 0.0).then(|| (yt / y0).powf(1.0 / f64::from(span)) - 1.0)
    });
    match needed {
        Some(needed) if needed.abs() > f64::EPSILON => {
            let ratio = d * observed / needed.abs();
            if ratio >= 0.95 {
                Progress::OnTrack
            } else if ratio >= 0.6 {
                Progress::Moderate
            } else if ratio >= 0.0 {
                Progress::Insufficient
            } else {
                Progress::Deterioration
            }
        }
        _ => {
            let growth = d * observed;
            if growth >= NO_TARGET_ON_TRACK {
                Progress::OnTrack
            } else if growth >= NO_TARGET_MODERATE {
                Progress::Moderate
            } else if growth >= 0.0 {
                Progress::Insufficient
            } else {
                Progress::Deterioration
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Aggregation, NationalTarget, UnitLevel};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn indicator(direction: Direction, op: TargetOp, target: &str) -> Indicator {
        Indicator {
            code: "x".parse().unwrap(),
            objective: 1,
            name_vi: "x".into(),
            name_en: "x".into(),
            measure: MeasureKind::Percent,
            factor: Decimal::from(100),
            direction,
            aggregation: Aggregation::SumRatio,
            lowest_level: UnitLevel::Commune,
            numerator_vi: None,
            denominator_vi: None,
            responsible_agency: String::new(),
            confidence: String::new(),
            national_targets: vec![NationalTarget {
                year: 2025,
                target: Target { op, value: d(target) },
            }],
            time_aggregation: crate::TimeAggregation::Last,
            time_aggregation_reason_vi: String::new(),
            time_aggregation_reason_en: String::new(),
        }
    }

    #[test]
    fn quotients_are_exact_and_refuse_a_zero_denominator() {
        let ind = indicator(Direction::Higher, TargetOp::AtLeast, "60");
        assert_eq!(quotient(&ind, Some(d("7")), Some(d("11"))), Some(d("63.6364")));
        assert_eq!(quotient(&ind, Some(d("12")), Some(d("18"))), Some(d("66.6667")));
        assert_eq!(quotient(&ind, Some(d("1")), Some(d("0"))), None);
        assert_eq!(quotient(&ind, None, Some(d("3"))), None);
    }

    #[test]
    fn milestones_follow_the_period_end() {
        assert_eq!(milestone_for(&"2024H1".parse().unwrap()), 2025);
        assert_eq!(milestone_for(&"2025".parse().unwrap()), 2025);
        assert_eq!(milestone_for(&"2026H1".parse().unwrap()), 2030);
        assert_eq!(milestone_for(&"2021-2030".parse().unwrap()), 2030);
        assert_eq!(milestone_for(&"2032".parse().unwrap()), 2030);
    }

    #[test]
    fn status_respects_operator_and_direction() {
        let at_least = indicator(Direction::Higher, TargetOp::AtLeast, "60");
        let t = at_least.national_target(2025).unwrap();
        assert_eq!(assess(&at_least, Some(d("63.6")), Some(&t)), Status::Exceeded);
        assert_eq!(assess(&at_least, Some(d("60")), Some(&t)), Status::Met);
        assert_eq!(assess(&at_least, Some(d("59.9")), Some(&t)), Status::NotMet);
        assert_eq!(assess(&at_least, None, Some(&t)), Status::NoData);
        assert_eq!(assess(&at_least, Some(d("70")), None), Status::NoData);
        let ratio = indicator(Direction::Lower, TargetOp::AtMost, "111");
        let t = ratio.national_target(2025).unwrap();
        assert_eq!(assess(&ratio, Some(d("108")), Some(&t)), Status::Exceeded);
        assert_eq!(assess(&ratio, Some(d("112")), Some(&t)), Status::NotMet);
        assert_eq!(distance(&ratio, d("108"), &t), d("3"));
        let above = indicator(Direction::Higher, TargetOp::Above, "90");
        let t = above.national_target(2025).unwrap();
        assert_eq!(assess(&above, Some(d("95")), Some(&t)), Status::Met);
        assert_eq!(assess(&above, Some(d("90")), Some(&t)), Status::NotMet);
        let about = indicator(Direction::Higher, TargetOp::About, "85");
        let t = about.national_target(2025).unwrap();
        assert_eq!(assess(&about, Some(d("84.2")), Some(&t)), Status::Met);
        assert_eq!(assess(&about, Some(d("90")), Some(&t)), Status::Exceeded);
        assert_eq!(assess(&about, Some(d("80")), Some(&t)), Status::NotMet);
        let keep = indicator(Direction::Higher, TargetOp::Equal, "100");
        let t = keep.national_target(2025).unwrap();
        assert_eq!(assess(&keep, Some(d("100")), Some(&t)), Status::Met);
        assert_eq!(assess(&keep, Some(d("99.5")), Some(&t)), Status::NotMet);
        let narrative = Indicator {
            measure: MeasureKind::Narrative,
            ..keep
        };
        assert_eq!(assess(&narrative, Some(d("100")), Some(&t)), Status::NoNumericResult);
    }

    #[test]
    fn progress_compares_observed_with_needed_growth() {
        let ind = indicator(Direction::Higher, TargetOp::AtLeast, "60");
        let t = ind.national_target(2025).unwrap();
        let obs = |year, v: &str| Some(Observation { year, value: d(v) });
        // 40 → 60 over 2021–2025 needs ~10.7 % a year.
        assert_eq!(
            progress(&ind, obs(2021, "40"), obs(2023, "49"), Some((2025, &t))),
            Progress::OnTrack
        );
        assert_eq!(
            progress(&ind, obs(2021, "40"), obs(2023, "46"), Some((2025, &t))),
            Progress::Moderate
        );
        assert_eq!(
            progress(&ind, obs(2021, "40"), obs(2023, "41"), Some((2025, &t))),
            Progress::Insufficient
        );
        assert_eq!(
            progress(&ind, obs(2021, "40"), obs(2023, "38"), Some((2025, &t))),
            Progress::Deterioration
        );
        assert_eq!(
            progress(&ind, obs(2021, "40"), obs(2024, "61"), Some((2025, &t))),
            Progress::TargetAchieved
        );
        assert_eq!(
            progress(&ind, obs(2021, "40"), obs(2021, "45"), Some((2025, &t))),
            Progress::NotAssessable
        );
        assert_eq!(
            progress(&ind, obs(2021, "0"), obs(2023, "45"), Some((2025, &t))),
            Progress::NotAssessable
        );
        assert_eq!(
            progress(&ind, None, obs(2023, "45"), Some((2025, &t))),
            Progress::NotAssessable
        );
        // Lower is better: the sex ratio at birth falling from 115 towards 111.
        let srb = indicator(Direction::Lower, TargetOp::AtMost, "111");
        let t = srb.national_target(2025).unwrap();
        assert_eq!(
            progress(&srb, obs(2021, "115"), obs(2023, "113"), Some((2025, &t))),
            Progress::OnTrack
        );
        assert_eq!(
            progress(&srb, obs(2021, "115"), obs(2023, "116"), Some((2025, &t))),
            Progress::Deterioration
        );
        // Without a target, fixed growth thresholds.
        assert_eq!(
            progress(&ind, obs(2021, "40"), obs(2023, "42"), None),
            Progress::OnTrack
        );
        assert_eq!(
            progress(&ind, obs(2021, "40"), obs(2023, "39"), None),
            Progress::Deterioration
        );
    }
}
