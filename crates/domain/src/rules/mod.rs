//! Validation rules as data: an expression language over one unit × period, the rules
//! generated from the catalogue, rules an administrator configures, and outlier checks
//! against a unit's own history and against its siblings.
//!
//! # Expressions
//!
//! | written                 | means                                                            |
//! |-------------------------|------------------------------------------------------------------|
//! | `#{6.1.num}`            | the element's effective total: the entered total, or else the sum of the entered parts (male + female) |
//! | `#{6.1.num.female}`     | one disaggregation as entered (`total`, `male`, `female`); `.total` is the entered total only, never a sum |
//! | `prev(#{6.1.num})`      | the same reference in the previous period of the same type ([`Period::previous`](crate::Period::previous): 2024 → 2023, 2024H1 → 2023H2, 2024Q1 → 2023Q4) |
//! | `12.5`                  | a decimal constant; the separator is `.` (canonical form, as in the API), never `,` |
//! | `+ - * /`, `( )`, `-x`  | arithmetic with the usual precedence, on exact decimals          |
//!
//! A rule compares a left and a right expression with `=`, `!=`, `<`, `<=`, `>`, `>=` or
//! `both_or_neither`. Missing data never produces a finding by itself: if any value a side
//! refers to is missing, the rule is skipped; a side that cannot be computed (division by
//! zero, overflow) skips the rule too. `both_or_neither` is the exception: it is about
//! presence, and finds a side that has all its data while the other does not.
//!
//! # Outliers
//!
//! A value is compared with a reference set by the modified z-score of Iglewicz and
//! Hoaglin, `M = 0.6745 · (x − median) / MAD`, and reported when `|M| > 3.5`. The reference
//! set is either the unit's own values of the same element and disaggregation in earlier
//! periods of the same type (at least [`MIN_HISTORY`] of them) or the values of its
//! siblings, the other units under the same parent, for the same period (at least
//! [`MIN_SIBLINGS`]). The value itself is never part of its reference set.
//!
//! The MAD is 0 when at least half the reference values are equal. Then the score uses the
//! mean absolute deviation instead, `M = (x − median) / (1.253314 · MeanAD)` (IBM SPSS's
//! convention; 1.253314 · MeanAD estimates the standard deviation of normal data as
//! 1.4826 · MAD does). When every reference value is the same there is no spread to measure
//! against: a value equal to it is fine, any other value is reported.

mod builtin;
mod data;
mod draft;
mod expr;
mod finding;
mod outlier;
mod parse;
mod rule;
mod ruleset;

pub use crate::Severity;
pub use builtin::{BuiltinRule, StatedRateRule, builtin_rules};
pub use data::{CellValue, Cells, Scope};
pub use draft::{MAX_CODE_CHARS, MAX_MESSAGE_CHARS, MAX_NAME_CHARS, RESERVED_PREFIXES, RuleDraft, RuleProblem};
pub use expr::{BinOp, Expr, Outcome, Reference};
pub use finding::{Finding, FindingKind, FindingValue, tally};
pub use outlier::{MIN_HISTORY, MIN_SIBLINGS, OUTLIER_THRESHOLD, OutlierTest, outlier_test};
pub use parse::{MAX_EXPRESSION_CHARS, ParseError, ParseErrorKind};
pub use rule::{Operator, Rule};
pub use ruleset::{RuleSet, SiblingValues, Subject};

#[cfg(test)]
mod tests;
