//! Built-in rules: the checks generated from the catalogue ([`builtin_rules`]), including
//! the stated-rate check ([`StatedRateRule`]).

use super::{BinOp, Expr, Finding, FindingKind, Operator, Reference, Rule, Scope, Severity};
use crate::UnitCode;
use crate::{DataElement, Disaggregation, Indicator, MeasureKind, ValueType, vn};
use crate::{ElementCode, IndicatorCode};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// A check generated from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum BuiltinRule {
    /// An expression rule: numerator ≤ denominator, stated percentage ≤ 100, parts = total.
    Compare(Rule),
    /// A stated rate against its numerator and denominator, at the rate's own precision.
    StatedRate(StatedRateRule),
}

impl BuiltinRule {
    pub fn code(&self) -> &str {
        match self {
            BuiltinRule::Compare(r) => &r.code,
            BuiltinRule::StatedRate(r) => &r.code,
        }
    }

    pub fn check(&self, unit: &UnitCode, scope: &Scope<'_>) -> Option<Finding> {
        match self {
            BuiltinRule::Compare(r) => r.check(unit, FindingKind::Builtin, scope),
            BuiltinRule::StatedRate(r) => r.check(unit, scope),
        }
    }
}

/// "12/18 thạc sĩ, đạt 66,66%": the stated rate must equal numerator ÷ denominator × factor
/// to within half a unit of its last typed decimal (66.66 → ± 0.005), so a rate rounded
/// either way from an exact half passes, and a truncated one (66.66 for 66.666…) does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatedRateRule {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub indicator: IndicatorCode,
    pub numerator: ElementCode,
    pub denominator: ElementCode,
    pub rate: ElementCode,
    #[serde(with = "rust_decimal::serde::str")]
    pub factor: Decimal,
    pub severity: Severity,
}

impl StatedRateRule {
    pub fn check(&self, unit: &UnitCode, scope: &Scope<'_>) -> Option<Finding> {
        let data = scope.current;
        let stated = data.get(&self.rate, Disaggregation::Total)?.value;
        let (num, den) = (data.total(&self.numerator)?, data.total(&self.denominator)?);
        let exact = num.checked_div(den)?.checked_mul(self.factor)?;
        let scale = stated.scale();
        // Half a unit of the last typed decimal (a rate typed with 28 decimals keeps 28).
        let half = Decimal::try_new(5, scale + 1).unwrap_or(Decimal::from_parts(1, 0, 0, false, 28));
        if stated.checked_sub(exact)?.abs() <= half {
            return None;
        }
        let mut expected = exact.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
        expected.rescale(scale);
        let refs = [&self.rate, &self.numerator, &self.denominator].map(|e| Reference {
            element: e.clone(),
            disaggregation: None,
            previous: false,
        });
        let (values, _) = scope.values_of(refs.iter());
        let factor_vi = vn::format_number(self.factor, None);
        Some(Finding {
            rule: self.code.clone(),
            kind: FindingKind::Builtin,
            severity: self.severity,
            unit: unit.clone(),
            period: scope.period,
            values,
            expected: expected.to_string(),
            found: stated.to_string(),
            message_vi: format!(
                "Chỉ tiêu {}: tỷ lệ báo cáo ({}) không khớp với tử số/mẫu số: {}/{} × {factor_vi} = {}",
                self.indicator,
                vn::format_number(stated, Some(scale)),
                vn::format_number(num, None),
                vn::format_number(den, None),
                vn::format_number(expected, Some(scale)),
            ),
            message_en: format!(
                "Indicator {}: the stated rate ({stated}) does not match numerator/denominator: {}/{} × {} = {expected}",
                self.indicator,
                num.normalize(),
                den.normalize(),
                self.factor.normalize(),
            ),
            needs_explanation: false,
            explained: false,
        })
    }
}

fn reference(element: &ElementCode, d: Option<Disaggregation>) -> Expr {
    Expr::Value(Reference {
        element: element.clone(),
        disaggregation: d,
        previous: false,
    })
}

/// The checks the catalogue implies, in catalogue order:
///
/// - `builtin.num_le_den.<indicator>[.male|.female]`: numerator ≤ denominator, on the
///   effective totals and, when both elements are entered by sex, on each sex. Only for
///   percentages, where the numerator counts part of the denominator: a ratio (3.1, women's
///   hours over men's) and a per-100 ratio of two groups (4.1, boys per 100 girls) exceed 1
///   and 100 as a matter of course, and a per-1,000 or per-100,000 rate relates events to a
///   population that need not contain them (maternal deaths over live births);
/// - `builtin.rate_range.<indicator>`: a stated percentage is at most 100 (it cannot be
///   negative: the entry check refuses that);
/// - `builtin.rate_matches.<indicator>`: a stated rate matches numerator ÷ denominator ×
///   factor at its own precision ([`StatedRateRule`]);
/// - `builtin.parts_total.<element>`: male + female = total for elements entered by sex,
///   when all three are entered.
pub fn builtin_rules(indicators: &[Indicator], elements: &[DataElement]) -> Vec<BuiltinRule> {
    let find = |code: String| elements.iter().find(|e| e.code == code);
    let mut out = Vec::new();
    for ind in indicators {
        let code = &ind.code;
        let num = find(format!("{code}.num"));
        let den = find(format!("{code}.den"));
        let rate = find(format!("{code}.rate"));
        let rule = |suffix: String,
                    left: Expr,
                    op: Operator,
                    right: Expr,
                    names: (String, String),
                    messages: (String, String)| {
            BuiltinRule::Compare(Rule {
                code: format!("builtin.{suffix}"),
                name_vi: names.0,
                name_en: names.1,
                left,
                operator: op,
                right,
                severity: Severity::Error,
                message_vi: messages.0,
                message_en: messages.1,
                enabled: true,
            })
        };
        if ind.measure == MeasureKind::Percent
            && let (Some(num), Some(den)) = (num, den)
        {
            out.push(rule(
                format!("num_le_den.{code}"),
                reference(&num.code, None),
                Operator::Le,
                reference(&den.code, None),
                (
                    format!("Chỉ tiêu {code}: tử số không lớn hơn mẫu số"),
                    format!("Indicator {code}: numerator at most denominator"),
                ),
                (
                    format!("Chỉ tiêu {code}: Tử số ({{left}}) không được lớn hơn mẫu số ({{right}})"),
                    format!("Indicator {code}: the numerator ({{left}}) must not exceed the denominator ({{right}})"),
                ),
            ));
            if num.category_combo == den.category_combo {
                for &d in num.category_combo.parts() {
                    let (vi, en) = (d.name_vi(), d.name_en());
                    out.push(rule(
                        format!("num_le_den.{code}.{}", d.as_str()),
                        reference(&num.code, Some(d)),
                        Operator::Le,
                        reference(&den.code, Some(d)),
                        (
                            format!("Chỉ tiêu {code}: tử số {vi} không lớn hơn mẫu số {vi}"),
                            format!("Indicator {code}: {en} numerator at most {en} denominator"),
                        ),
                        (
                            format!("Chỉ tiêu {code}: Tử số {vi} ({{left}}) không được lớn hơn mẫu số {vi} ({{right}})"),
                            format!(
                                "Indicator {code}: the {en} numerator ({{left}}) must not exceed the {en} denominator ({{right}})"
                            ),
                        ),
                    ));
                }
            }
        }
        if ind.measure == MeasureKind::Percent
            && let Some(rate) = rate
        {
            out.push(rule(
                format!("rate_range.{code}"),
                reference(&rate.code, None),
                Operator::Le,
                Expr::Number(Decimal::ONE_HUNDRED),
                (
                    format!("Chỉ tiêu {code}: tỷ lệ báo cáo trong khoảng 0–100%"),
                    format!("Indicator {code}: stated percentage within 0–100%"),
                ),
                (
                    format!("Chỉ tiêu {code}: tỷ lệ báo cáo ({{left}}%) phải nằm trong khoảng 0–100%"),
                    format!("Indicator {code}: the stated percentage ({{left}}%) must lie between 0 and 100%"),
                ),
            ));
        }
        if ind.measure.is_quotient()
            && let (Some(num), Some(den), Some(rate)) = (num, den, rate)
        {
            out.push(BuiltinRule::StatedRate(StatedRateRule {
                code: format!("builtin.rate_matches.{code}"),
                name_vi: format!("Chỉ tiêu {code}: tỷ lệ báo cáo khớp với tử số/mẫu số"),
                name_en: format!("Indicator {code}: stated rate matches numerator/denominator"),
                indicator: code.clone(),
                numerator: num.code.clone(),
                denominator: den.code.clone(),
                rate: rate.code.clone(),
                factor: ind.factor,
                severity: Severity::Error,
            }));
        }
        for element in elements.iter().filter(|e| {
            e.indicator.as_deref() == Some(code.as_str())
                && !e.category_combo.parts().is_empty()
                && e.value_type != ValueType::Text
        }) {
            let e = &element.code;
            let parts = element.category_combo.parts();
            let sum = parts
                .iter()
                .map(|d| reference(e, Some(*d)))
                .reduce(|left, right| Expr::Binary(BinOp::Add, Box::new(left), Box::new(right)))
                .expect("a combination with parts has at least two");
            let names =
                |name: fn(&Disaggregation) -> &'static str| parts.iter().map(name).collect::<Vec<_>>().join(" + ");
            let (vi, en) = (names(Disaggregation::name_vi), names(Disaggregation::name_en));
            // Named as the form names the box ("Chỉ tiêu 6.1, tử số"), not by its code.
            let (box_vi, box_en) = (
                format!("Chỉ tiêu {code}, {}", element.role.label_vi().to_lowercase()),
                format!("Indicator {code}, {}", element.role.label_en().to_lowercase()),
            );
            out.push(rule(
                format!("parts_total.{e}"),
                sum,
                Operator::Eq,
                reference(e, Some(Disaggregation::Total)),
                (format!("{box_vi}: {vi} = tổng"), format!("{box_en}: {en} = total")),
                (
                    format!("{box_vi}: {vi} ({{left}}) khác tổng ({{right}})"),
                    format!("{box_en}: {en} ({{left}}) differs from the total ({{right}})"),
                ),
            ));
        }
    }
    out
}
