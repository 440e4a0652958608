//! Splitting a text into numbers, words and punctuation, reading numbers the
//! Vietnamese way: `1.260` is 1260, `63,6` is 63.6, `04` is 4, `15.000.000` fifteen
//! million. A number written the English way before `%` or `lần` (`63.6%`, a common
//! typing slip) is read as a decimal too; dotted section numbers (`4.1.`) are codes, not
//! quantities.

use crate::normalize::fold;
use binhdang_domain::vn::parse_number;
use rust_decimal::Decimal;

/// A number as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Num {
    pub value: Decimal,
    /// Decimal places typed (`66,66` → 2).
    pub scale: u32,
    /// Written with `.` thousands groups.
    pub grouped: bool,
    /// Written with a leading zero (`04`).
    pub leading_zero: bool,
    /// Digits before the decimal separator, without group separators.
    pub int_digits: usize,
}

impl Num {
    /// A plain four-digit number between 1900 and 2100, as years are written.
    pub fn is_year_like(&self) -> bool {
        !self.grouped
            && self.scale == 0
            && self.int_digits == 4
            && self.value >= Decimal::from(1900)
            && self.value <= Decimal::from(2100)
    }

    pub fn is_integer(&self) -> bool {
        self.value.fract().is_zero()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TokKind {
    Num(Num),
    /// A dotted code such as `4.1` or `1.2.3` (headings, articles), not a quantity.
    Code,
    /// A word, folded (see [`crate::normalize::fold`]).
    Word(String),
    Punct(char),
}

/// A token and its byte range in the text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Tok {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

impl Tok {
    pub fn num(&self) -> Option<&Num> {
        match &self.kind {
            TokKind::Num(n) => Some(n),
            _ => None,
        }
    }

    pub fn word(&self) -> Option<&str> {
        match &self.kind {
            TokKind::Word(w) => Some(w),
            _ => None,
        }
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokKind::Punct(c)
    }

    pub fn is_word(&self, w: &str) -> bool {
        self.word() == Some(w)
    }
}

/// Splits a text into tokens (whitespace dropped; compare `end` and `start` to see it).
pub fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let ch = |i: usize| chars.get(i).map(|&(_, c)| c);
    let is_digit = |i: usize| ch(i).is_some_and(|c| c.is_ascii_digit());
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while is_digit(i) {
                i += 1;
            }
            let first_len = i - start;
            let mut grouped = false;
            // Thousands groups: `.ddd` not followed by another digit.
            if first_len <= 3 {
                while ch(i) == Some('.') && (1..=3).all(|k| is_digit(i + k)) && !is_digit(i + 4) {
                    grouped = true;
                    i += 4;
                }
            }
            let mut int_end = i;
            let mut decimal = false;
            let in_list = start >= 2 && ch(start - 1) == Some(',') && is_digit(start - 2);
            if ch(i) == Some(',') && is_digit(i + 1) && !in_list {
                let mut j = i + 1;
                while is_digit(j) {
                    j += 1;
                }
                // "1,2,3" is a list, not a decimal.
                if !(ch(j) == Some(',') && is_digit(j + 1)) {
                    decimal = true;
                    i = j;
                }
            }
            let mut dotted_decimal = false;
            if !grouped && !decimal && ch(i) == Some('.') && is_digit(i + 1) {
                // `63.6%`, `1.7 lần`: an English decimal point before a percent or "times".
                let mut j = i + 1;
                while is_digit(j) {
                    j += 1;
                }
                let frac_len = j - i - 1;
                let mut k = j;
                while ch(k) == Some(' ') {
                    k += 1;
                }
                let after: String = chars[k.min(chars.len())..].iter().take(4).map(|&(_, c)| c).collect();
                let after = fold(&after);
                if frac_len <= 2 && ch(j) != Some('.') && (after.starts_with('%') || after.starts_with("lân")) {
                    dotted_decimal = true;
                    int_end = i;
                    i = j;
                } else {
                    // A dotted code: 4.1, 1.2.3 (the trailing dot of "4.1." is punctuation).
                    while ch(i) == Some('.') && is_digit(i + 1) {
                        i += 1;
                        while is_digit(i) {
                            i += 1;
                        }
                    }
                    toks.push(Tok {
                        kind: TokKind::Code,
                        start: byte_at(start),
                        end: byte_at(i),
                    });
                    continue;
                }
            }
            let raw = &text[byte_at(start)..byte_at(i)];
            let canonical = if dotted_decimal {
                format!(
                    "{},{}",
                    &text[byte_at(start)..byte_at(int_end)],
                    &text[byte_at(int_end) + 1..byte_at(i)]
                )
            } else {
                raw.to_string()
            };
            match parse_number(&canonical) {
                Ok(value) => {
                    let int_part = canonical.split(',').next().unwrap_or("");
                    let int_digits = int_part.bytes().filter(u8::is_ascii_digit).count();
                    toks.push(Tok {
                        kind: TokKind::Num(Num {
                            value,
                            scale: value.scale(),
                            grouped,
                            leading_zero: int_digits > 1 && int_part.starts_with('0'),
                            int_digits,
                        }),
                        start: byte_at(start),
                        end: byte_at(i),
                    });
                }
                Err(_) => toks.push(Tok {
                    kind: TokKind::Code,
                    start: byte_at(start),
                    end: byte_at(i),
                }),
            }
            continue;
        }
        if c.is_alphabetic() {
            let start = i;
            while ch(i).is_some_and(|c| c.is_alphanumeric() || is_mark(c)) {
                i += 1;
            }
            let word = fold(&text[byte_at(start)..byte_at(i)]);
            toks.push(Tok {
                kind: TokKind::Word(word),
                start: byte_at(start),
                end: byte_at(i),
            });
            continue;
        }
        toks.push(Tok {
            kind: TokKind::Punct(c),
            start: byte_at(i),
            end: byte_at(i + 1),
        });
        i += 1;
    }
    toks
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn nums(text: &str) -> Vec<String> {
        tokenize(text)
            .into_iter()
            .filter_map(|t| t.num().map(|n| n.value.normalize().to_string()))
            .collect()
    }

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(nums("1.260 người"), ["1260"]);
        assert_eq!(nums("chiếm 63,6%"), ["63.6"]);
        assert_eq!(nums("07 lượt"), ["7"]);
        assert_eq!(nums("15.000.000 đồng"), ["15000000"]);
        assert_eq!(nums("678/1.527 sản phụ"), ["678", "1527"]);
        assert_eq!(nums("12/18 thạc sĩ, đạt 66,66%"), ["12", "18", "66.66"]);
        assert_eq!(nums("Nam 42, Nữ 65"), ["42", "65"]);
        assert_eq!(nums("đạt 63.6 %"), ["63.6"]);
        assert_eq!(nums("còn 1.7 lần"), ["1.7"]);
        assert_eq!(nums("1,2,3"), ["1", "2", "3"]);
        assert_eq!(nums("4.1. Chương trình"), Vec::<String>::new());
        assert_eq!(nums("H1 2024"), ["2024"]);
        let t = tokenize("66,60%");
        let n = t[0].num().unwrap();
        assert_eq!(n.scale, 2);
        assert_eq!(n.value, Decimal::from_str("66.60").unwrap());
        assert!(tokenize("04 tin")[0].num().unwrap().leading_zero);
        assert!(tokenize("2024")[0].num().unwrap().is_year_like());
        assert!(!tokenize("2.024")[0].num().unwrap().is_year_like());
    }

    #[test]
    fn words_are_folded() {
        let t = tokenize("Thạc sỹ: 06");
        assert_eq!(t[0].word(), Some("thac"));
        assert_eq!(t[1].word(), Some("si"));
        assert!(t[2].is_punct(':'));
    }
}
