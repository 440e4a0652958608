//! Rules: the comparison operators, severities, and a [`Rule`] checked on a [`Scope`] (with
//! its message filled in).

use super::{Expr, Finding, FindingKind, Outcome, Scope, Severity};
use crate::UnitCode;
use crate::vn;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Operator {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    /// Both sides have all their data, or neither does.
    #[serde(rename = "both_or_neither")]
    BothOrNeither,
}

impl Operator {
    pub const ALL: [Operator; 7] = [
        Operator::Eq,
        Operator::Ne,
        Operator::Lt,
        Operator::Le,
        Operator::Gt,
        Operator::Ge,
        Operator::BothOrNeither,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::BothOrNeither => "both_or_neither",
        }
    }

    /// Whether `left op right` holds (for the comparisons).
    pub fn holds(&self, left: Decimal, right: Decimal) -> bool {
        match self {
            Operator::Eq => left == right,
            Operator::Ne => left != right,
            Operator::Lt => left < right,
            Operator::Le => left <= right,
            Operator::Gt => left > right,
            Operator::Ge => left >= right,
            Operator::BothOrNeither => true,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Operator {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s.trim() {
            "=" | "==" => Operator::Eq,
            "!=" | "<>" | "≠" => Operator::Ne,
            "<" => Operator::Lt,
            "<=" | "≤" => Operator::Le,
            ">" => Operator::Gt,
            ">=" | "≥" => Operator::Ge,
            "both_or_neither" => Operator::BothOrNeither,
            _ => return Err(()),
        })
    }
}

/// A validation rule: `left operator right` must hold on every unit × period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub left: Expr,
    pub operator: Operator,
    pub right: Expr,
    pub severity: Severity,
    /// May hold `{left}` and `{right}`, filled with the sides' values.
    pub message_vi: String,
    pub message_en: String,
    pub enabled: bool,
}

impl Rule {
    /// Checks the rule on `scope`; `None` when it holds or is skipped for want of data.
    pub fn check(&self, unit: &UnitCode, kind: FindingKind, scope: &Scope<'_>) -> Option<Finding> {
        let (left, right) = (self.left.evaluate(scope), self.right.evaluate(scope));
        let (expected, found) = if self.operator == Operator::BothOrNeither {
            let complete = |o: Outcome| o != Outcome::Missing;
            match (complete(left), complete(right)) {
                (true, false) => ("both or neither".to_string(), "left only".to_string()),
                (false, true) => ("both or neither".to_string(), "right only".to_string()),
                _ => return None,
            }
        } else {
            let (Outcome::Value(l), Outcome::Value(r)) = (left, right) else {
                return None;
            };
            if self.operator.holds(l, r) {
                return None;
            }
            (format!("{} {}", self.operator, plain(r)), plain(l))
        };
        let refs = self.left.references().into_iter().chain(self.right.references());
        let (values, commented) = scope.values_of(refs);
        let needs_explanation = self.severity == Severity::Warning;
        Some(Finding {
            rule: self.code.clone(),
            kind,
            severity: self.severity,
            unit: unit.clone(),
            period: scope.period,
            values,
            expected,
            found,
            message_vi: fill(&self.message_vi, left, right, Lang::Vi),
            message_en: fill(&self.message_en, left, right, Lang::En),
            needs_explanation,
            explained: needs_explanation && commented,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Vi,
    En,
}

/// A number as shown in messages: at most four decimals, trailing zeros dropped.
fn rounded(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// A number as machines read it: canonical decimal text, at most four decimals.
fn plain(v: Decimal) -> String {
    rounded(v).to_string()
}

fn shown(v: Decimal, lang: Lang) -> String {
    match lang {
        Lang::Vi => vn::format_number(rounded(v), None),
        Lang::En => plain(v),
    }
}

fn fill(template: &str, left: Outcome, right: Outcome, lang: Lang) -> String {
    let side = |o: Outcome| match (o, lang) {
        (Outcome::Value(v), _) => shown(v, lang),
        (Outcome::Missing, Lang::Vi) => "chưa có số liệu".to_string(),
        (Outcome::Missing, Lang::En) => "missing".to_string(),
        (Outcome::Undefined, Lang::Vi) => "không tính được".to_string(),
        (Outcome::Undefined, Lang::En) => "undefined".to_string(),
    };
    template.replace("{left}", &side(left)).replace("{right}", &side(right))
}
