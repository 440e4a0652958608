//! Running everything: the [`RuleSet`] of built-in rules, configured rules and outlier checks,
//! run on one unit's [`Subject`].

use super::outlier::{OutlierSource, outlier_finding};
use super::{
    BuiltinRule, Cells, Finding, FindingKind, MIN_HISTORY, MIN_SIBLINGS, Rule, Scope, builtin_rules, outlier_test,
};
use crate::{DataElement, Disaggregation, ElementRole, Indicator, Period, UnitCode, ValueType};
use rust_decimal::Decimal;

/// What one unit's values are checked against: the unit's values for the period, the
/// previous period, earlier periods of the same type and its siblings' values.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The unit's code, copied into findings.
    pub unit: &'a UnitCode,
    pub period: Period,
    pub current: &'a Cells,
    pub previous: &'a Cells,
    /// The unit's values in earlier periods of the same type (any order; empty ones ignored).
    pub history: &'a [Cells],
    /// The values of the other units with the same parent, for the same period.
    pub siblings: &'a [Cells],
}

/// Where the outlier test finds the siblings' values to compare a unit's value with.
///
/// [`RuleSet::validate`] reads them from the siblings' data sets ([`Subject::siblings`]); a
/// caller that keeps them ready per element and disaggregation (the store keeps them sorted,
/// so that a save does not read every sibling again) passes its own to
/// [`RuleSet::validate_with_siblings`]. Either way the test itself is the same
/// [`outlier_test`] on the same values.
pub trait SiblingValues {
    /// The [`Cells::outlier_value`] of `element` and `d` of every sibling that has one.
    /// [`outlier_test`] sorts them (stably), so their order matters only between values
    /// that compare equal, which differ at most in their scale (`4` and `4.0`).
    fn sibling_values(&self, element: &str, d: Disaggregation) -> Vec<Decimal>;
}

impl SiblingValues for [Cells] {
    fn sibling_values(&self, element: &str, d: Disaggregation) -> Vec<Decimal> {
        outlier_values(self, element, d)
    }
}

/// The [`Cells::outlier_value`]s of `element` and `d` in `sets`, in their order.
fn outlier_values(sets: &[Cells], element: &str, d: Disaggregation) -> Vec<Decimal> {
    sets.iter().filter_map(|s| s.outlier_value(element, d)).collect()
}

/// Everything that is checked: built-in rules, configured rules and the outlier checks.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub builtin: Vec<BuiltinRule>,
    pub configured: Vec<Rule>,
    /// Numeric elements (in catalogue order) whose values are checked for outliers: counts,
    /// hours and money; not yes/no answers nor stated rates.
    outlier_elements: Vec<DataElement>,
}

impl RuleSet {
    /// The rule set for a catalogue and the configured rules (disabled ones are kept but
    /// not run).
    pub fn new(indicators: &[Indicator], elements: &[DataElement], mut configured: Vec<Rule>) -> RuleSet {
        configured.sort_by(|a, b| a.code.cmp(&b.code));
        RuleSet {
            builtin: builtin_rules(indicators, elements),
            configured,
            outlier_elements: elements
                .iter()
                .filter(|e| {
                    e.role != ElementRole::Rate
                        && matches!(e.value_type, ValueType::Count | ValueType::Hours | ValueType::Money)
                })
                .cloned()
                .collect(),
        }
    }

    /// Every finding for the subject: built-in rules, enabled configured rules (by code),
    /// then outliers against history and siblings (in catalogue order).
    pub fn validate(&self, subject: &Subject<'_>) -> Vec<Finding> {
        self.validate_with_siblings(subject, subject.siblings)
    }

    /// [`RuleSet::validate`] with the siblings' values taken from `siblings`;
    /// [`Subject::siblings`] is not read.
    pub fn validate_with_siblings<S: SiblingValues + ?Sized>(
        &self,
        subject: &Subject<'_>,
        siblings: &S,
    ) -> Vec<Finding> {
        let scope = Scope {
            period: subject.period,
            current: subject.current,
            previous: subject.previous,
        };
        let mut out: Vec<Finding> = self
            .builtin
            .iter()
            .filter_map(|r| r.check(subject.unit, &scope))
            .collect();
        out.extend(
            self.configured
                .iter()
                .filter(|r| r.enabled)
                .filter_map(|r| r.check(subject.unit, FindingKind::Configured, &scope)),
        );
        for element in &self.outlier_elements {
            for d in element.category_combo.options() {
                let Some(cell) = subject.current.get(&element.code, *d) else {
                    continue;
                };
                for (source, minimum) in [
                    (OutlierSource::History, MIN_HISTORY),
                    (OutlierSource::Siblings, MIN_SIBLINGS),
                ] {
                    let reference: Vec<Decimal> = match source {
                        OutlierSource::History => outlier_values(subject.history, &element.code, *d),
                        OutlierSource::Siblings => siblings.sibling_values(&element.code, *d),
                    };
                    if reference.len() < minimum {
                        continue;
                    }
                    let Some(test) = outlier_test(cell.value, &reference) else {
                        continue;
                    };
                    if test.is_outlier {
                        out.push(outlier_finding(
                            subject,
                            element,
                            *d,
                            cell,
                            &test,
                            reference.len(),
                            source,
                        ));
                    }
                }
            }
        }
        out
    }
}
