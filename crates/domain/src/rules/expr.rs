//! Expressions: the parsed form ([`Expr`]), the references it reads, how it prints and how
//! it is evaluated on a [`Scope`].

use super::parse::parse_with_positions;
use super::{ParseError, Scope};
use crate::Disaggregation;
use crate::ElementCode;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// One data value an expression refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    /// Data element code, e.g. `6.1.num`.
    pub element: ElementCode,
    /// `None`: the effective total (entered total, or else the sum of the entered parts).
    /// `Some(d)`: exactly the value entered for `d`.
    pub disaggregation: Option<Disaggregation>,
    /// True inside `prev(...)`: the previous period of the same type.
    pub previous: bool,
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.previous {
            f.write_str("prev(")?;
        }
        write!(f, "#{{{}", self.element)?;
        if let Some(d) = self.disaggregation {
            write!(f, ".{}", d.as_str())?;
        }
        f.write_str("}")?;
        if self.previous {
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub(super) fn symbol(&self) -> char {
        match self {
            BinOp::Add => '+',
            BinOp::Sub => '-',
            BinOp::Mul => '*',
            BinOp::Div => '/',
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Mul | BinOp::Div => 2,
        }
    }
}

/// A parsed expression. `Display` prints the canonical text, which parses back to the
/// same expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Number(Decimal),
    Value(Reference),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Parses an expression; see the module documentation for the language.
    pub fn parse(text: &str) -> Result<Expr, ParseError> {
        parse_with_positions(text).map(|(e, _)| e)
    }

    /// Every reference, left to right (repeats included).
    pub fn references(&self) -> Vec<&Reference> {
        let mut out = Vec::new();
        self.collect_references(&mut out);
        out
    }

    fn collect_references<'a>(&'a self, out: &mut Vec<&'a Reference>) {
        match self {
            Expr::Number(_) => {}
            Expr::Value(r) => out.push(r),
            Expr::Neg(e) => e.collect_references(out),
            Expr::Binary(_, l, r) => {
                l.collect_references(out);
                r.collect_references(out);
            }
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            Expr::Binary(op, _, _) => op.precedence(),
            Expr::Neg(_) => 3,
            Expr::Number(_) | Expr::Value(_) => 4,
        }
    }

    /// The value on `scope`: `Missing` when a referenced value is absent, `Undefined`
    /// when all are present but the arithmetic fails (division by zero, overflow).
    pub fn evaluate(&self, scope: &Scope<'_>) -> Outcome {
        if self.references().iter().any(|r| scope.resolve(r).is_none()) {
            return Outcome::Missing;
        }
        match self.compute(scope) {
            Some(v) => Outcome::Value(v),
            None => Outcome::Undefined,
        }
    }

    fn compute(&self, scope: &Scope<'_>) -> Option<Decimal> {
        match self {
            Expr::Number(d) => Some(*d),
            Expr::Value(r) => scope.resolve(r),
            Expr::Neg(e) => e.compute(scope).map(|v| -v),
            Expr::Binary(op, l, r) => {
                let (l, r) = (l.compute(scope)?, r.compute(scope)?);
                match op {
                    BinOp::Add => l.checked_add(r),
                    BinOp::Sub => l.checked_sub(r),
                    BinOp::Mul => l.checked_mul(r),
                    BinOp::Div => l.checked_div(r),
                }
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number(d) => write!(f, "{d}"),
            Expr::Value(r) => write!(f, "{r}"),
            Expr::Neg(e) => {
                if e.precedence() < 3 {
                    write!(f, "-({e})")
                } else {
                    write!(f, "-{e}")
                }
            }
            Expr::Binary(op, l, r) => {
                let p = op.precedence();
                if l.precedence() < p {
                    write!(f, "({l})")?;
                } else {
                    write!(f, "{l}")?;
                }
                write!(f, " {} ", op.symbol())?;
                // Equal precedence on the right keeps its parentheses: `a - (b - c)`.
                if r.precedence() <= p {
                    write!(f, "({r})")
                } else {
                    write!(f, "{r}")
                }
            }
        }
    }
}

impl FromStr for Expr {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Expr::parse(s)
    }
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The result of evaluating an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Value(Decimal),
    /// A referenced value has not been entered.
    Missing,
    /// Everything is entered but the expression has no value (division by zero, overflow).
    Undefined,
}
