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
//! | `prev(#{6.1.num})`      | the same reference in the previous period of the same type ([`Period::previous`]: 2024 → 2023, 2024H1 → 2023H2, 2024Q1 → 2023Q4) |
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

use crate::{CategoryCombo, DataElement, Disaggregation, ElementRole, Indicator, MeasureKind, Period, ValueType, vn};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Longest expression accepted, in characters.
pub const MAX_EXPRESSION_CHARS: usize = 1000;
/// Deepest nesting of parentheses and unary minus accepted.
const MAX_DEPTH: usize = 64;
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
/// Codes of configured rules may not start with these: they name built-in checks.
pub const RESERVED_PREFIXES: [&str; 2] = ["builtin.", "outlier."];
pub const MAX_CODE_CHARS: usize = 64;
pub const MAX_NAME_CHARS: usize = 300;
pub const MAX_MESSAGE_CHARS: usize = 1000;

// ---------------------------------------------------------------------------------------
// Expressions

/// One data value an expression refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    /// Data element code, e.g. `6.1.num`.
    pub element: String,
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
    fn symbol(&self) -> char {
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

/// Why a text is not an expression, with the 1-based character position where it went
/// wrong. `Display` is English; see [`ParseError::message_vi`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub position: usize,
    pub kind: ParseErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    Empty,
    TooLong,
    TooDeep,
    UnexpectedChar(char),
    HashWithoutBrace,
    UnclosedReference,
    BadReference(String),
    DecimalComma(String),
    BadNumber(String),
    UnknownWord(String),
    PrevNeedsReference,
    ExpectedOperand(String),
    MissingCloseParen { open: usize },
    Trailing(String),
}

impl ParseError {
    pub fn message_en(&self) -> String {
        let at = self.position;
        let what = match &self.kind {
            ParseErrorKind::Empty => "the expression is empty; write e.g. #{6.1.num} or 100".to_string(),
            ParseErrorKind::TooLong => format!("the expression is longer than {MAX_EXPRESSION_CHARS} characters"),
            ParseErrorKind::TooDeep => "the expression nests too deeply".to_string(),
            ParseErrorKind::UnexpectedChar(c) => format!("`{c}` has no meaning here"),
            ParseErrorKind::HashWithoutBrace => "`#` must be followed by `{`, as in #{6.1.num}".to_string(),
            ParseErrorKind::UnclosedReference => "`#{` is not closed with `}`".to_string(),
            ParseErrorKind::BadReference(s) => format!(
                "`#{{{s}}}` is not a data reference: write an element code, optionally followed by .total, .male or .female (e.g. #{{6.1.num.female}})"
            ),
            ParseErrorKind::DecimalComma(s) => {
                format!(
                    "`{s}`: expressions use `.` as the decimal separator (write {})",
                    s.replace(',', ".")
                )
            }
            ParseErrorKind::BadNumber(s) => format!("`{s}` is not a number (write e.g. 100 or 12.5)"),
            ParseErrorKind::UnknownWord(w) => format!("unknown word `{w}`; the only function is prev(...)"),
            ParseErrorKind::PrevNeedsReference => {
                "prev( ) takes one data reference, as in prev(#{6.1.num})".to_string()
            }
            ParseErrorKind::ExpectedOperand(found) => {
                format!("expected a number, a reference #{{...}}, prev(...) or `(`, found {found}")
            }
            ParseErrorKind::MissingCloseParen { open } => {
                format!("expected `)` to close the `(` at position {open}")
            }
            ParseErrorKind::Trailing(found) => format!("expected an operator + - * / or the end, found {found}"),
        };
        format!("at position {at}: {what}")
    }

    pub fn message_vi(&self) -> String {
        let at = self.position;
        let what = match &self.kind {
            ParseErrorKind::Empty => "biểu thức trống; ví dụ #{6.1.num} hoặc 100".to_string(),
            ParseErrorKind::TooLong => format!("biểu thức dài quá {MAX_EXPRESSION_CHARS} ký tự"),
            ParseErrorKind::TooDeep => "biểu thức lồng nhau quá sâu".to_string(),
            ParseErrorKind::UnexpectedChar(c) => format!("ký tự `{c}` không dùng được ở đây"),
            ParseErrorKind::HashWithoutBrace => "sau `#` phải là `{`, ví dụ #{6.1.num}".to_string(),
            ParseErrorKind::UnclosedReference => "`#{` chưa được đóng bằng `}`".to_string(),
            ParseErrorKind::BadReference(s) => format!(
                "`#{{{s}}}` không phải tham chiếu số liệu: ghi mã chỉ tiêu dữ liệu, có thể thêm .total, .male hoặc .female (ví dụ #{{6.1.num.female}})"
            ),
            ParseErrorKind::DecimalComma(s) => {
                format!(
                    "`{s}`: trong biểu thức dùng dấu chấm `.` để ngăn cách phần thập phân (viết {})",
                    s.replace(',', ".")
                )
            }
            ParseErrorKind::BadNumber(s) => format!("`{s}` không phải số (ví dụ 100 hoặc 12.5)"),
            ParseErrorKind::UnknownWord(w) => format!("không hiểu từ `{w}`; hàm duy nhất là prev(...)"),
            ParseErrorKind::PrevNeedsReference => {
                "prev( ) nhận đúng một tham chiếu số liệu, ví dụ prev(#{6.1.num})".to_string()
            }
            ParseErrorKind::ExpectedOperand(found) => {
                format!(
                    "cần một số, một tham chiếu #{{...}}, prev(...) hoặc `(`, nhưng gặp {}",
                    vi_found(found)
                )
            }
            ParseErrorKind::MissingCloseParen { open } => format!("thiếu `)` để đóng `(` ở vị trí {open}"),
            ParseErrorKind::Trailing(found) => {
                format!("cần một phép tính + - * / hoặc kết thúc, nhưng gặp {}", vi_found(found))
            }
        };
        format!("Vị trí {at}: {what}")
    }
}

const END_EN: &str = "the end of the expression";

fn vi_found(found: &str) -> String {
    if found == END_EN {
        "cuối biểu thức".to_string()
    } else {
        found.to_string()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Ref(String, Option<Disaggregation>),
    Prev,
    LParen,
    RParen,
    Op(BinOp),
    End,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Num(d) => format!("`{d}`"),
            Tok::Ref(e, Some(d)) => format!("`#{{{e}.{}}}`", d.as_str()),
            Tok::Ref(e, None) => format!("`#{{{e}}}`"),
            Tok::Prev => "`prev`".into(),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Op(op) => format!("`{}`", op.symbol()),
            Tok::End => END_EN.into(),
        }
    }
}

fn err<T>(position: usize, kind: ParseErrorKind) -> Result<T, ParseError> {
    Err(ParseError { position, kind })
}

fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | '+' | '-' | '*' | '/' => {
                out.push((
                    match c {
                        '(' => Tok::LParen,
                        ')' => Tok::RParen,
                        '+' => Tok::Op(BinOp::Add),
                        '-' => Tok::Op(BinOp::Sub),
                        '*' => Tok::Op(BinOp::Mul),
                        _ => Tok::Op(BinOp::Div),
                    },
                    pos,
                ));
                i += 1;
            }
            '#' => {
                if chars.get(i + 1) != Some(&'{') {
                    return err(pos, ParseErrorKind::HashWithoutBrace);
                }
                let Some(close) = chars[i + 2..].iter().position(|&c| c == '}') else {
                    return err(pos, ParseErrorKind::UnclosedReference);
                };
                let content: String = chars[i + 2..i + 2 + close].iter().collect();
                let (element, d) = split_reference(&content).ok_or_else(|| ParseError {
                    position: pos,
                    kind: ParseErrorKind::BadReference(content.clone()),
                })?;
                out.push((Tok::Ref(element, d), pos));
                i += close + 3;
            }
            c if c.is_ascii_digit() || c == '.' || c == ',' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == ',') {
                    i += 1;
                }
                let s: String = chars[start..i].iter().collect();
                if s.contains(',') {
                    return err(pos, ParseErrorKind::DecimalComma(s));
                }
                let well_formed = {
                    let mut parts = s.split('.');
                    let int = parts.next().unwrap_or("");
                    let frac = parts.next();
                    !int.is_empty() && parts.next().is_none() && frac.is_none_or(|f| !f.is_empty())
                };
                let value = Decimal::from_str(&s).ok().filter(|_| well_formed);
                match value {
                    Some(d) => out.push((Tok::Num(d.normalize()), pos)),
                    None => return err(pos, ParseErrorKind::BadNumber(s)),
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if word.eq_ignore_ascii_case("prev") {
                    out.push((Tok::Prev, pos));
                } else {
                    return err(pos, ParseErrorKind::UnknownWord(word));
                }
            }
            other => return err(pos, ParseErrorKind::UnexpectedChar(other)),
        }
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

/// `6.1.num.female` → (`6.1.num`, Some(Female)); `6.1.num` → (`6.1.num`, None).
fn split_reference(content: &str) -> Option<(String, Option<Disaggregation>)> {
    let content = content.trim();
    let segments: Vec<&str> = content.split('.').collect();
    let ok_chars = content
        .chars()
        .all(|c| c.is_alphanumeric() || c == '.' || c == '_' || c == '-');
    if !ok_chars || segments.len() < 2 || segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    if segments.len() >= 3
        && let Ok(d) = segments[segments.len() - 1].parse::<Disaggregation>()
    {
        return Some((segments[..segments.len() - 1].join("."), Some(d)));
    }
    Some((content.to_string(), None))
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    i: usize,
    depth: usize,
    refs: Vec<(Reference, usize)>,
}

impl Parser {
    fn peek(&self) -> &(Tok, usize) {
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> (Tok, usize) {
        let t = self.peek().clone();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn deeper(&mut self, pos: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(pos, ParseErrorKind::TooDeep);
        }
        Ok(())
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.product()?;
        while let (Tok::Op(op @ (BinOp::Add | BinOp::Sub)), _) = self.peek() {
            let op = *op;
            self.next();
            let right = self.product()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while let (Tok::Op(op @ (BinOp::Mul | BinOp::Div)), _) = self.peek() {
            let op = *op;
            self.next();
            let right = self.unary()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if let (Tok::Op(BinOp::Sub), pos) = self.peek() {
            let pos = *pos;
            self.next();
            self.deeper(pos)?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let (tok, pos) = self.next();
        match tok {
            Tok::Num(d) => Ok(Expr::Number(d)),
            Tok::Ref(element, disaggregation) => {
                let r = Reference {
                    element,
                    disaggregation,
                    previous: false,
                };
                self.refs.push((r.clone(), pos));
                Ok(Expr::Value(r))
            }
            Tok::Prev => {
                if self.next().0 != Tok::LParen {
                    return err(pos, ParseErrorKind::PrevNeedsReference);
                }
                let (inner, inner_pos) = self.next();
                let Tok::Ref(element, disaggregation) = inner else {
                    return err(inner_pos, ParseErrorKind::PrevNeedsReference);
                };
                let (close, close_pos) = self.next();
                if close != Tok::RParen {
                    return err(close_pos, ParseErrorKind::PrevNeedsReference);
                }
                let r = Reference {
                    element,
                    disaggregation,
                    previous: true,
                };
                self.refs.push((r.clone(), inner_pos));
                Ok(Expr::Value(r))
            }
            Tok::LParen => {
                self.deeper(pos)?;
                let inner = self.sum()?;
                self.depth -= 1;
                let (close, close_pos) = self.next();
                if close != Tok::RParen {
                    return err(close_pos, ParseErrorKind::MissingCloseParen { open: pos });
                }
                Ok(inner)
            }
            other => err(pos, ParseErrorKind::ExpectedOperand(other.describe())),
        }
    }
}

/// Parses, also returning each reference with the position of its `#{`.
fn parse_with_positions(text: &str) -> Result<(Expr, Vec<(Reference, usize)>), ParseError> {
    if text.chars().count() > MAX_EXPRESSION_CHARS {
        return err(MAX_EXPRESSION_CHARS + 1, ParseErrorKind::TooLong);
    }
    if text.trim().is_empty() {
        return err(1, ParseErrorKind::Empty);
    }
    let mut parser = Parser {
        toks: tokenize(text)?,
        i: 0,
        depth: 0,
        refs: Vec::new(),
    };
    let expr = parser.sum()?;
    let (tok, pos) = parser.next();
    if tok != Tok::End {
        return err(pos, ParseErrorKind::Trailing(tok.describe()));
    }
    Ok((expr, parser.refs))
}

// ---------------------------------------------------------------------------------------
// Data as rules see it

/// One entered number and its comment (the officer's explanation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub value: Decimal,
    pub comment: Option<String>,
}

/// The numbers entered for one unit and one period, by element and disaggregation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataSet {
    cells: BTreeMap<(String, Disaggregation), Cell>,
}

impl DataSet {
    pub fn new() -> DataSet {
        DataSet::default()
    }

    pub fn insert(&mut self, element: impl Into<String>, d: Disaggregation, value: Decimal, comment: Option<String>) {
        let comment = comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        self.cells.insert((element.into(), d), Cell { value, comment });
    }

    /// Builder form of [`DataSet::insert`] without a comment.
    pub fn with(mut self, element: &str, d: Disaggregation, value: Decimal) -> DataSet {
        self.insert(element, d, value, None);
        self
    }

    pub fn get(&self, element: &str, d: Disaggregation) -> Option<&Cell> {
        self.cells.get(&(element.to_string(), d))
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn cells(&self) -> impl Iterator<Item = (&str, Disaggregation, &Cell)> {
        self.cells.iter().map(|((e, d), c)| (e.as_str(), *d, c))
    }

    /// The effective total: the entered total, or else the sum of the entered parts.
    pub fn total(&self, element: &str) -> Option<Decimal> {
        self.resolve(element, None)
    }

    /// The value a reference names (see [`Reference::disaggregation`]).
    pub fn resolve(&self, element: &str, d: Option<Disaggregation>) -> Option<Decimal> {
        let sources = self.sources(element, d);
        if sources.is_empty() {
            return None;
        }
        sources
            .iter()
            .try_fold(Decimal::ZERO, |acc, (_, c)| acc.checked_add(c.value))
    }

    /// What the outlier test compares for `element` and `d`: the entered male or female
    /// value, and for the total the effective total ([`DataSet::total`]), so that a unit
    /// that entered only the parts still has a total to compare.
    pub fn outlier_value(&self, element: &str, d: Disaggregation) -> Option<Decimal> {
        self.resolve(element, (d != Disaggregation::Total).then_some(d))
    }

    /// The entered cells a reference reads.
    fn sources(&self, element: &str, d: Option<Disaggregation>) -> Vec<(Disaggregation, &Cell)> {
        let get = |d| self.get(element, d).map(|c| (d, c));
        match d {
            Some(d) => get(d).into_iter().collect(),
            None => match get(Disaggregation::Total) {
                Some(total) => vec![total],
                None => [Disaggregation::Male, Disaggregation::Female]
                    .into_iter()
                    .filter_map(get)
                    .collect(),
            },
        }
    }
}

/// What an expression is evaluated on: one unit's values for a period and the period before.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub period: Period,
    pub current: &'a DataSet,
    pub previous: &'a DataSet,
}

impl Scope<'_> {
    pub fn resolve(&self, r: &Reference) -> Option<Decimal> {
        self.data(r).resolve(&r.element, r.disaggregation)
    }

    fn data(&self, r: &Reference) -> &DataSet {
        if r.previous { self.previous } else { self.current }
    }

    /// The entered values behind the references, once each, in order; and whether any
    /// current one carries a comment.
    fn values_of<'r>(&self, refs: impl IntoIterator<Item = &'r Reference>) -> (Vec<FindingValue>, bool) {
        let mut out: Vec<FindingValue> = Vec::new();
        let mut commented = false;
        for r in refs {
            let period = r.previous.then(|| self.period.previous());
            for (d, cell) in self.data(r).sources(&r.element, r.disaggregation) {
                let v = FindingValue {
                    element: r.element.clone(),
                    disaggregation: d,
                    period,
                    value: cell.value,
                };
                if !out.contains(&v) {
                    commented |= !r.previous && cell.comment.is_some();
                    out.push(v);
                }
            }
        }
        (out, commented)
    }
}

// ---------------------------------------------------------------------------------------
// Rules

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

/// An error blocks submission; a warning needs a written explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl FromStr for Severity {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim() {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            _ => Err(()),
        }
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
    pub fn check(&self, unit: &str, kind: FindingKind, scope: &Scope<'_>) -> Option<Finding> {
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
            unit: unit.to_string(),
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

/// A rule as an administrator sends it, all text, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleDraft {
    pub code: String,
    pub name_vi: String,
    /// Empty: the Vietnamese name is used.
    pub name_en: String,
    pub left: String,
    pub operator: String,
    pub right: String,
    pub severity: String,
    pub message_vi: String,
    /// Empty: the Vietnamese message is used.
    pub message_en: String,
    pub enabled: bool,
}

/// A problem with one field of a [`RuleDraft`], in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleProblem {
    pub field: String,
    pub code: &'static str,
    pub message_en: String,
    pub message_vi: String,
}

impl RuleProblem {
    fn new(field: &str, code: &'static str, message_en: String, message_vi: String) -> RuleProblem {
        RuleProblem {
            field: field.to_string(),
            code,
            message_en,
            message_vi,
        }
    }
}

impl RuleDraft {
    /// Checks every field against the language and the catalogue's data elements, and
    /// returns the rule, or every problem found.
    pub fn check(&self, elements: &[DataElement]) -> Result<Rule, Vec<RuleProblem>> {
        let mut problems = Vec::new();
        let code = self.code.trim();
        if code.is_empty() {
            problems.push(missing("code", "mã quy tắc"));
        } else if code.chars().count() > MAX_CODE_CHARS
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            problems.push(RuleProblem::new(
                "code",
                "bad_code",
                format!("`{code}` is not a rule code: use up to {MAX_CODE_CHARS} letters, digits, `.`, `_` or `-`"),
                format!("`{code}` không phải mã quy tắc hợp lệ: dùng tối đa {MAX_CODE_CHARS} chữ cái không dấu, chữ số, `.`, `_` hoặc `-`"),
            ));
        } else if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| code.starts_with(**p)) {
            problems.push(RuleProblem::new(
                "code",
                "reserved_code",
                format!("codes starting with `{prefix}` are kept for built-in checks"),
                format!("Mã bắt đầu bằng `{prefix}` dành cho các kiểm tra có sẵn"),
            ));
        }
        let text = |field: &str, value: &str, required: bool, max: usize, problems: &mut Vec<RuleProblem>| {
            let value = value.trim();
            if required && value.is_empty() {
                problems.push(missing(field, field_vi(field)));
            } else if value.chars().count() > max {
                problems.push(RuleProblem::new(
                    field,
                    "too_long",
                    format!("`{field}` is longer than {max} characters"),
                    format!("`{field}` dài quá {max} ký tự"),
                ));
            }
            value.to_string()
        };
        let name_vi = text("name_vi", &self.name_vi, true, MAX_NAME_CHARS, &mut problems);
        let name_en = text("name_en", &self.name_en, false, MAX_NAME_CHARS, &mut problems);
        let message_vi = text("message_vi", &self.message_vi, true, MAX_MESSAGE_CHARS, &mut problems);
        let message_en = text("message_en", &self.message_en, false, MAX_MESSAGE_CHARS, &mut problems);
        for (field, message) in [("message_vi", &message_vi), ("message_en", &message_en)] {
            for placeholder in placeholders(message) {
                if placeholder != "{left}" && placeholder != "{right}" {
                    problems.push(RuleProblem::new(
                        field,
                        "unknown_placeholder",
                        format!("`{placeholder}` is not a placeholder: only {{left}} and {{right}} are filled in"),
                        format!("`{placeholder}` không phải chỗ điền số: chỉ dùng {{left}} và {{right}}"),
                    ));
                }
            }
        }
        let left = check_expression("left", &self.left, elements, &mut problems);
        let right = check_expression("right", &self.right, elements, &mut problems);
        if let (Some(l), Some(r)) = (&left, &right)
            && l.references().is_empty()
            && r.references().is_empty()
        {
            problems.push(RuleProblem::new(
                "left",
                "no_reference",
                "the rule refers to no data value: write at least one #{...} on either side".into(),
                "Quy tắc không tham chiếu số liệu nào: cần ít nhất một #{...} ở một trong hai vế".into(),
            ));
        }
        let operator = self.operator.parse::<Operator>().ok();
        if operator.is_none() {
            let allowed = Operator::ALL.map(|o| o.as_str()).join(", ");
            problems.push(RuleProblem::new(
                "operator",
                "bad_operator",
                format!("`{}` is not an operator; use one of {allowed}", self.operator.trim()),
                format!(
                    "`{}` không phải phép so sánh; dùng một trong {allowed}",
                    self.operator.trim()
                ),
            ));
        }
        let severity = self.severity.parse::<Severity>().ok();
        if severity.is_none() {
            problems.push(RuleProblem::new(
                "severity",
                "bad_severity",
                format!("`{}` is not a severity; use error or warning", self.severity.trim()),
                format!(
                    "`{}` không phải mức độ; dùng error (lỗi, chặn gửi báo cáo) hoặc warning (cảnh báo, cần giải trình)",
                    self.severity.trim()
                ),
            ));
        }
        match (left, right, operator, severity) {
            (Some(left), Some(right), Some(operator), Some(severity)) if problems.is_empty() => Ok(Rule {
                code: code.to_string(),
                name_en: if name_en.is_empty() { name_vi.clone() } else { name_en },
                name_vi,
                left,
                operator,
                right,
                severity,
                message_en: if message_en.is_empty() {
                    message_vi.clone()
                } else {
                    message_en
                },
                message_vi,
                enabled: self.enabled,
            }),
            _ => Err(problems),
        }
    }
}

fn missing(field: &str, name_vi: &str) -> RuleProblem {
    RuleProblem::new(
        field,
        "missing",
        format!("`{field}` is required"),
        format!("Thiếu {name_vi} (`{field}`)"),
    )
}

fn field_vi(field: &str) -> &'static str {
    match field {
        "name_vi" => "tên quy tắc",
        "message_vi" => "thông báo",
        "left" => "vế trái",
        "right" => "vế phải",
        _ => "nội dung",
    }
}

/// `{...}` groups in a message.
fn placeholders(message: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else { break };
        out.push(&rest[open..open + len + 1]);
        rest = &rest[open + len + 1..];
    }
    out
}

fn check_expression(
    field: &str,
    text: &str,
    elements: &[DataElement],
    problems: &mut Vec<RuleProblem>,
) -> Option<Expr> {
    if text.trim().is_empty() {
        problems.push(missing(field, field_vi(field)));
        return None;
    }
    let (expr, refs) = match parse_with_positions(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            problems.push(RuleProblem::new(field, "parse_error", e.message_en(), e.message_vi()));
            return None;
        }
    };
    let before = problems.len();
    for (r, pos) in refs {
        let Some(element) = elements.iter().find(|e| e.code == r.element) else {
            problems.push(RuleProblem::new(
                field,
                "unknown_element",
                format!(
                    "at position {pos}: there is no data element `{}` in the catalogue",
                    r.element
                ),
                format!("Vị trí {pos}: không có chỉ tiêu dữ liệu `{}` trong danh mục", r.element),
            ));
            continue;
        };
        if element.value_type == ValueType::Text {
            problems.push(RuleProblem::new(
                field,
                "text_element",
                format!("at position {pos}: `{}` holds text, not a number", r.element),
                format!("Vị trí {pos}: `{}` là nội dung bằng chữ, không phải số", r.element),
            ));
        }
        if let Some(d) = r.disaggregation
            && !element.category_combo.allows(d)
        {
            problems.push(RuleProblem::new(
                field,
                "disaggregation_not_allowed",
                format!(
                    "at position {pos}: `{}` is not broken down by `{}`; use #{{{}}}",
                    r.element,
                    d.as_str(),
                    r.element
                ),
                format!(
                    "Vị trí {pos}: `{}` không phân tổ theo {}; dùng #{{{}}}",
                    r.element,
                    d.name_vi(),
                    r.element
                ),
            ));
        }
    }
    (problems.len() == before).then_some(expr)
}

// ---------------------------------------------------------------------------------------
// Built-in rules

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

    pub fn check(&self, unit: &str, scope: &Scope<'_>) -> Option<Finding> {
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
    pub indicator: String,
    pub numerator: String,
    pub denominator: String,
    pub rate: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub factor: Decimal,
    pub severity: Severity,
}

impl StatedRateRule {
    pub fn check(&self, unit: &str, scope: &Scope<'_>) -> Option<Finding> {
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
            unit: unit.to_string(),
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

fn reference(element: &str, d: Option<Disaggregation>) -> Expr {
    Expr::Value(Reference {
        element: element.to_string(),
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
            if num.category_combo == CategoryCombo::Sex && den.category_combo == CategoryCombo::Sex {
                for (d, en) in [(Disaggregation::Male, "male"), (Disaggregation::Female, "female")] {
                    let vi = d.name_vi();
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
                && e.category_combo == CategoryCombo::Sex
                && e.value_type != ValueType::Text
        }) {
            let e = &element.code;
            out.push(rule(
                format!("parts_total.{e}"),
                Expr::Binary(
                    BinOp::Add,
                    Box::new(reference(e, Some(Disaggregation::Male))),
                    Box::new(reference(e, Some(Disaggregation::Female))),
                ),
                Operator::Eq,
                reference(e, Some(Disaggregation::Total)),
                (format!("{e}: nam + nữ = tổng"), format!("{e}: male + female = total")),
                (
                    format!("{e}: nam + nữ ({{left}}) khác tổng ({{right}})"),
                    format!("{e}: male + female ({{left}}) differs from the total ({{right}})"),
                ),
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Outliers

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

// ---------------------------------------------------------------------------------------
// Findings

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
    pub element: String,
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
    pub unit: String,
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

// ---------------------------------------------------------------------------------------
// Running everything

/// What one unit's values are checked against: the unit's values for the period, the
/// previous period, earlier periods of the same type and its siblings' values.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The unit's code, copied into findings.
    pub unit: &'a str,
    pub period: Period,
    pub current: &'a DataSet,
    pub previous: &'a DataSet,
    /// The unit's values in earlier periods of the same type (any order; empty ones ignored).
    pub history: &'a [DataSet],
    /// The values of the other units with the same parent, for the same period.
    pub siblings: &'a [DataSet],
}

/// Where the outlier test finds the siblings' values to compare a unit's value with.
///
/// [`RuleSet::validate`] reads them from the siblings' data sets ([`Subject::siblings`]); a
/// caller that keeps them ready per element and disaggregation (the store keeps them sorted,
/// so that a save does not read every sibling again) passes its own to
/// [`RuleSet::validate_with_siblings`]. Either way the test itself is the same
/// [`outlier_test`] on the same values.
pub trait SiblingValues {
    /// The [`DataSet::outlier_value`] of `element` and `d` of every sibling that has one.
    /// [`outlier_test`] sorts them (stably), so their order matters only between values
    /// that compare equal, which differ at most in their scale (`4` and `4.0`).
    fn sibling_values(&self, element: &str, d: Disaggregation) -> Vec<Decimal>;
}

impl SiblingValues for [DataSet] {
    fn sibling_values(&self, element: &str, d: Disaggregation) -> Vec<Decimal> {
        outlier_values(self, element, d)
    }
}

/// The [`DataSet::outlier_value`]s of `element` and `d` in `sets`, in their order.
fn outlier_values(sets: &[DataSet], element: &str, d: Disaggregation) -> Vec<Decimal> {
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum OutlierSource {
    History,
    Siblings,
}

fn outlier_finding(
    subject: &Subject<'_>,
    element: &DataElement,
    d: Disaggregation,
    cell: &Cell,
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
        unit: subject.unit.to_string(),
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

#[cfg(test)]
mod tests;
