//! Outliers: the modified z-score test ([`outlier_test`]) and the finding an outlying value
//! yields.

use super::{CellValue, Finding, FindingKind, FindingValue, Severity, Subject};
use crate::{DataElement, Disaggregation, vn};
use rust_decimal::{Decimal, RoundingStrategy};

/// Threshold of the modified z-score.
pub const OUTLIER_THRESHOLD: Decimal = Decimal::from_parts(35, 0, 0, false, 1);
/// Earlier periods needed before a value is compared with the unit's history.
pub const MIN_HISTORY: usize = 4;
/// Siblings with a value needed before a value is compared with its siblings.
pub const MIN_SIBLINGS: usize = 5;
/// 0.6745: the 0.75 quantile of the standard normal distribution.
const Z_FACTOR: Decimal = Decimal::from_parts(6745, 0, 0, false, 4);
/// 1.253314 ≈ √(π/2): turns a mean absolute deviation into a standard deviation.
const MEAN_AD_FACTOR: Decimal = Decimal::from_parts(1_253_314, 0, 0, false, 6);

/// The result of comparing a value with a reference set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutlierTest {
    pub median: Decimal,
    /// The modified z-score; `None` when the reference set has no spread at all (or the
    /// score lies beyond the decimal range).
    pub score: Option<Decimal>,
    /// The values that would not be outliers, `low ..= high`.
    pub low: Decimal,
    pub high: Decimal,
    pub is_outlier: bool,
}

fn median(sorted: &[Decimal]) -> Option<Decimal> {
    let n = sorted.len();
    if n % 2 == 1 {
        Some(sorted[n / 2])
    } else {
        sorted[n / 2 - 1].checked_add(sorted[n / 2])?.checked_div(Decimal::TWO)
    }
}

/// Compares `x` with `reference` by the modified z-score (see the module documentation for
/// the rule and for a reference set whose MAD is 0). `None` for an empty reference set, or
/// one whose spread exceeds the decimal range.
pub fn outlier_test(x: Decimal, reference: &[Decimal]) -> Option<OutlierTest> {
    if reference.is_empty() {
        return None;
    }
    let mut sorted = reference.to_vec();
    sorted.sort();
    let m = median(&sorted)?;
    let mut deviations = sorted
        .iter()
        .map(|v| v.checked_sub(m).map(|d| d.abs()))
        .collect::<Option<Vec<Decimal>>>()?;
    deviations.sort();
    let mad = median(&deviations)?;
    let mean_ad = deviations
        .iter()
        .try_fold(Decimal::ZERO, |acc, d| acc.checked_add(*d))?
        .checked_div(Decimal::from(deviations.len()))?;
    let distance = x.checked_sub(m);
    // The score, and the distance from the median at which it reaches the threshold.
    let (score, half_width) = if !mad.is_zero() {
        (
            distance.and_then(|d| d.checked_mul(Z_FACTOR)?.checked_div(mad)),
            OUTLIER_THRESHOLD.checked_mul(mad)?.checked_div(Z_FACTOR)?,
        )
    } else if !mean_ad.is_zero() {
        let sigma = MEAN_AD_FACTOR.checked_mul(mean_ad)?;
        (
            distance.and_then(|d| d.checked_div(sigma)),
            OUTLIER_THRESHOLD.checked_mul(sigma)?,
        )
    } else {
        (None, Decimal::ZERO)
    };
    let is_outlier = match score {
        Some(score) => score.abs() > OUTLIER_THRESHOLD,
        // No spread: anything but the common value stands out; beyond the decimal range:
        // far out indeed.
        None => x != m,
    };
    Some(OutlierTest {
        median: m,
        score,
        low: m.checked_sub(half_width).unwrap_or(Decimal::MIN),
        high: m.checked_add(half_width).unwrap_or(Decimal::MAX),
        is_outlier,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum OutlierSource {
    History,
    Siblings,
}

pub(super) fn outlier_finding(
    subject: &Subject<'_>,
    element: &DataElement,
    d: Disaggregation,
    cell: &CellValue,
    test: &OutlierTest,
    n: usize,
    source: OutlierSource,
) -> Finding {
    let round = |v: Decimal| {
        v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    };
    // Counts, hours and money are never negative.
    let (low, high) = (round(test.low.max(Decimal::ZERO)), round(test.high));
    let expected = if low == high {
        format!("= {low}")
    } else {
        format!(">= {low} and <= {high}")
    };
    let median = round(test.median);
    let x = cell.value;
    let (rule, against_vi, against_en) = match source {
        OutlierSource::History => (
            "outlier.history",
            format!(
                "khác xa số liệu các kỳ trước của đơn vị (trung vị {} của {n} kỳ)",
                vn::format_number(median, None)
            ),
            format!("is far from the unit's earlier periods (median {median} of {n} periods)"),
        ),
        OutlierSource::Siblings => (
            "outlier.siblings",
            format!(
                "khác xa số liệu của các đơn vị cùng cấp (trung vị {} của {n} đơn vị)",
                vn::format_number(median, None)
            ),
            format!("is far from the units beside it (median {median} of {n} units)"),
        ),
    };
    Finding {
        rule: rule.to_string(),
        kind: FindingKind::Outlier,
        severity: Severity::Warning,
        unit: subject.unit.clone(),
        period: subject.period,
        values: vec![FindingValue {
            element: element.code.clone(),
            disaggregation: d,
            period: None,
            value: x,
        }],
        expected,
        found: x.normalize().to_string(),
        message_vi: format!(
            "{} ({}, {}): {} {against_vi}; đề nghị kiểm tra lại hoặc ghi giải trình",
            element.name_vi,
            element.code,
            d.name_vi(),
            vn::format_number(x, None)
        ),
        message_en: format!(
            "{} ({}, {}): {} {against_en}; check it or add an explanation",
            element.name_en,
            element.code,
            d.as_str(),
            x.normalize()
        ),
        needs_explanation: true,
        explained: cell.comment.is_some(),
    }
}
