//! Findings: what a rule or an outlier check reports for one unit and period, and their tally.

use super::Severity;
use crate::{Disaggregation, Period};
use crate::{ElementCode, UnitCode};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Builtin,
    Configured,
    Outlier,
}

/// One value a finding is about, as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingValue {
    pub element: ElementCode,
    pub disaggregation: Disaggregation,
    /// Set for a value of another period (the previous one, read by `prev(...)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
}

/// A rule that does not hold, or a value that looks wrong, for one unit and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's code (`builtin.…`, a configured code, `outlier.history`, `outlier.siblings`).
    pub rule: String,
    pub kind: FindingKind,
    pub severity: Severity,
    /// The unit's code.
    pub unit: UnitCode,
    pub period: Period,
    pub values: Vec<FindingValue>,
    /// What the rule asks for: `<= 10`, `66.67`, `>= 80 and <= 120`, `both or neither`.
    pub expected: String,
    /// What was found: the left side's value, the stated rate, the outlying value.
    pub found: String,
    pub message_vi: String,
    pub message_en: String,
    /// Warnings need a written explanation (a comment on the value).
    pub needs_explanation: bool,
    /// A warning counts as explained when a value it concerns has a non-empty comment.
    pub explained: bool,
}

/// Number of errors, warnings and warnings still waiting for an explanation.
pub fn tally(findings: &[Finding]) -> (usize, usize, usize) {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count();
    let unexplained = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning && f.needs_explanation && !f.explained)
        .count();
    (errors, warnings, unexplained)
}
