//! Parsing the expression language: tokens, the recursive-descent parser, and the
//! [`ParseError`] that says where and what went wrong, in both languages.

use super::{BinOp, Expr, Reference};
use crate::Disaggregation;
use crate::ElementCode;
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// Longest expression accepted, in characters.
pub const MAX_EXPRESSION_CHARS: usize = 1000;
/// Deepest nesting of parentheses and unary minus accepted.
const MAX_DEPTH: usize = 64;

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
    Ref(ElementCode, Option<Disaggregation>),
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
fn split_reference(content: &str) -> Option<(ElementCode, Option<Disaggregation>)> {
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
        return Some((
            ElementCode::parse(&segments[..segments.len() - 1].join(".")).ok()?,
            Some(d),
        ));
    }
    Some((ElementCode::parse(content).ok()?, None))
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
pub(super) fn parse_with_positions(text: &str) -> Result<(Expr, Vec<(Reference, usize)>), ParseError> {
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
