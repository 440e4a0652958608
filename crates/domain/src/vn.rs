//! Vietnamese number and date formats.
//!
//! Vietnamese writes numbers the other way round from English: `.` groups thousands
//! and `,` is the decimal separator, so `1.260` is one thousand two hundred sixty and
//! `63,6` is sixty-three point six. Large amounts are also grouped with spaces
//! (`15 000 000`), and small counts often carry a leading zero (`04`, `07 lượt`).
//! Dates are written day first: `05/03/2024`.
//!
//! [`format_number`] and [`parse_number`] speak this convention to people;
//! [`parse_canonical`] reads the plain `1260.5` form that machines and the JSON API
//! exchange. Every parse error explains in English ([`std::fmt::Display`]) and in
//! Vietnamese (`message_vi`) what was wrong and what is expected.
//!
//! An input such as `1.260` is always read as one thousand two hundred sixty, never
//! as 1.26: a dot is accepted only where it can be a thousands separator, and
//! anything else (`1.5`, `1.26`, `1234.567`) is rejected with a reminder that the
//! decimal separator is `,`.

use rust_decimal::{Decimal, RoundingStrategy};
use time::{Date, Month};

/// Most significant digits a parsed number may have. `Decimal` holds 28 for sure
/// (its 96-bit mantissa tops out just short of 29 full digits).
const MAX_DIGITS: usize = 28;

/// Longest piece of user input quoted back in an error message.
const MAX_QUOTED: usize = 40;

/// Format with `.` thousands grouping and `,` decimals.
///
/// `places: None` prints the value's own digits with trailing fractional zeros
/// trimmed (`1260` → `1.260`, `63.60` → `63,6`, `-1234.5` → `-1.234,5`, `0` → `0`).
/// `Some(n)` rounds half away from zero and prints exactly `n` decimals
/// (`63.64` → `63,6`, `66.666` with 2 → `66,67`, `5` with 1 → `5,0`).
/// A value that is (or rounds to) zero never gets a minus sign.
pub fn format_number(value: Decimal, places: Option<u32>) -> String {
    let value = match places {
        None => value.normalize(),
        Some(n) => value.round_dp_with_strategy(n, RoundingStrategy::MidpointAwayFromZero),
    };
    let scale = value.scale() as usize;
    let digits = value.mantissa().unsigned_abs().to_string();
    // Pad so there is at least one digit before the decimal point ("5" at scale 2 is 0,05).
    let digits = if digits.len() <= scale {
        format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
    } else {
        digits
    };
    let (int_digits, frac_digits) = digits.split_at(digits.len() - scale);

    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 4);
    if value.is_sign_negative() && !value.is_zero() {
        out.push('-');
    }
    for (i, c) in int_digits.chars().enumerate() {
        if i > 0 && (int_digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    let wanted = places.map_or(frac_digits.len(), |n| n as usize);
    if wanted > 0 {
        out.push(',');
        out.push_str(frac_digits);
        // `round_dp` never raises the scale, so `5` with `Some(1)` needs padding.
        out.extend(std::iter::repeat_n('0', wanted.saturating_sub(frac_digits.len())));
    }
    out
}

/// Percentage as Vietnamese reports write it, from a value already in percent:
/// `format_percent(63.636, 1)` → `63,6%` (no space before `%`).
pub fn format_percent(value: Decimal, places: u32) -> String {
    let mut out = format_number(value, Some(places));
    out.push('%');
    out
}

/// Money in đồng, rounded to whole đồng: `15000000` → `15.000.000 đồng`.
pub fn format_money(value: Decimal) -> String {
    let mut out = format_number(value, Some(0));
    out.push_str(" đồng");
    out
}

/// Why a number could not be read. `Display` is English; see [`NumberError::message_vi`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Nothing but whitespace.
    #[error("a number is required but the input is empty")]
    Empty,
    /// A character that has no place in a number (letters, `_`, `e`, …).
    #[error(
        "\"{input}\" is not a valid number: {ch:?} is not allowed; use digits, `.` between thousands (1.260) and `,` for decimals (63,6)"
    )]
    InvalidCharacter {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
        /// The first offending character.
        ch: char,
    },
    /// A sign or separator without the digits it needs (`-`, `12,`, `,`).
    #[error("\"{input}\" is not a valid number: digits are missing (e.g. 12 or 12,5)")]
    MissingDigits {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
    },
    /// A `.` that cannot be a thousands separator (`1.5`, `1.26`, `1234.567`).
    #[error(
        "\"{input}\" is not a valid number: `.` separates thousands in groups of three digits (1.260) and `,` is the decimal separator (63,6)"
    )]
    DotNotThousands {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
    },
    /// Space-separated groups that are not groups of three, or `.` and spaces mixed.
    #[error(
        "\"{input}\" is not a valid number: thousands must be grouped by three with one kind of separator (1.260 or 15 000 000)"
    )]
    BadGrouping {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
    },
    /// More than one decimal comma (`1,2,3`).
    #[error("\"{input}\" is not a valid number: it has more than one decimal comma `,` (e.g. 63,6)")]
    MultipleDecimalSeparators {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
    },
    /// English order `1,234.5`: a `.` after the decimal comma.
    #[error(
        "\"{input}\" is not a valid number: it looks like the English format; in Vietnamese write 1.234,5 (`.` for thousands, `,` for decimals)"
    )]
    EnglishFormat {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
    },
    /// More significant digits than can be stored exactly.
    #[error("\"{input}\" is not a valid number: it has more than {MAX_DIGITS} significant digits")]
    TooManyDigits {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
    },
    /// Not the plain machine form read by [`parse_canonical`].
    #[error(
        "\"{input}\" is not a valid decimal: expected digits with an optional sign and `.` as the decimal point, e.g. 1260.5 or -3 (no grouping, no exponent)"
    )]
    NotCanonical {
        /// The input as given (trimmed, possibly shortened).
        input: String,
    },
}

impl NumberError {
    /// The same message in Vietnamese, for people entering data.
    pub fn message_vi(&self) -> String {
        const HINT: &str = "dấu chấm dùng để phân cách hàng nghìn (1.260), dấu phẩy là dấu thập phân (63,6)";
        match self {
            Self::Empty => "Chưa nhập số: ô này không được để trống".to_owned(),
            Self::InvalidCharacter { input, ch } => {
                format!("\"{input}\" không phải số hợp lệ: không được dùng ký tự {ch:?}; chỉ dùng chữ số, {HINT}")
            }
            Self::MissingDigits { input } => {
                format!("\"{input}\" không phải số hợp lệ: thiếu chữ số (ví dụ 12 hoặc 12,5)")
            }
            Self::DotNotThousands { input } => {
                format!("\"{input}\" không phải số hợp lệ: {HINT}")
            }
            Self::BadGrouping { input } => format!(
                "\"{input}\" không phải số hợp lệ: hàng nghìn phải được nhóm theo ba chữ số và chỉ dùng một loại dấu phân cách (1.260 hoặc 15 000 000)"
            ),
            Self::MultipleDecimalSeparators { input } => {
                format!("\"{input}\" không phải số hợp lệ: chỉ được có một dấu phẩy thập phân (ví dụ 63,6)")
            }
            Self::EnglishFormat { input } => format!(
                "\"{input}\" không phải số hợp lệ: có vẻ đang viết theo kiểu tiếng Anh; hãy viết 1.234,5 ({HINT})"
            ),
            Self::TooManyDigits { input } => {
                format!("\"{input}\" không phải số hợp lệ: có quá {MAX_DIGITS} chữ số có nghĩa")
            }
            Self::NotCanonical { input } => format!(
                "\"{input}\" không phải số thập phân hợp lệ: cần chữ số, có thể có dấu và dấu chấm thập phân, ví dụ 1260.5 hoặc -3 (không phân cách hàng nghìn, không dùng số mũ)"
            ),
        }
    }
}

/// Characters accepted as a space between thousands groups: space, no-break space,
/// narrow no-break space and thin space (word processors and Excel insert the latter).
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// Shortens user input so an error message stays readable.
fn quote(input: &str) -> String {
    if input.chars().count() <= MAX_QUOTED {
        input.to_owned()
    } else {
        let mut s: String = input.chars().take(MAX_QUOTED).collect();
        s.push('…');
        s
    }
}

/// Splits off a leading sign; `−` (U+2212) counts as minus because typeset
/// documents copied into forms use it.
fn split_sign(s: &str) -> (bool, &str) {
    if let Some(rest) = s.strip_prefix(['-', '\u{2212}']) {
        (true, rest)
    } else if let Some(rest) = s.strip_prefix('+') {
        (false, rest)
    } else {
        (false, s)
    }
}

/// Builds the value from validated ASCII digit strings, enforcing [`MAX_DIGITS`].
fn build(negative: bool, int_digits: &str, frac_digits: &str, input: &str) -> Result<Decimal, NumberError> {
    let int_digits = int_digits.trim_start_matches('0');
    let significant_frac = frac_digits.trim_end_matches('0');
    if int_digits.len() + significant_frac.len() > MAX_DIGITS {
        return Err(NumberError::TooManyDigits { input: quote(input) });
    }
    // Keep the scale as typed ("63,60" has two places) when it still fits.
    let frac_digits = if int_digits.len() + frac_digits.len() <= MAX_DIGITS {
        frac_digits
    } else {
        significant_frac
    };
    let mut mantissa: i128 = 0;
    for b in int_digits.bytes().chain(frac_digits.bytes()) {
        // At most 28 digits, so this stays far below i128::MAX.
        mantissa = mantissa * 10 + i128::from(b - b'0');
    }
    if negative {
        mantissa = -mantissa;
    }
    // Zero is built from a zero mantissa, which is never negative zero.
    Decimal::try_from_i128_with_scale(mantissa, frac_digits.len() as u32)
        .map_err(|_| NumberError::TooManyDigits { input: quote(input) })
}

/// Parse a number typed the Vietnamese way.
///
/// Accepts an optional sign (`-`, `−` or `+`), digits grouped by `.` in threes
/// (`1.260`, `15.000.000`) or by spaces, no-break or thin spaces (`15 000 000`) or
/// not grouped at all (`1260`), an optional `,` decimal part (`63,6`, `1.234,56`),
/// leading zeros (`04` → 4) and surrounding whitespace. A bare decimal part is
/// read as a fraction (`,5` → 0,5) because it is unambiguous.
///
/// Rejects, with a message saying what to type instead: empty input, letters and
/// other characters, a `.` that does not start a group of exactly three digits
/// (`1.5`, `1.26` — the decimal separator is `,`), several commas (`1,2,3`), a comma
/// with no digits after it (`12,`), English order (`1,234.5`) and more than 28
/// significant digits. The typed scale is kept (`63,60` has two places).
pub fn parse_number(input: &str) -> Result<Decimal, NumberError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let (negative, body) = split_sign(s);
    if let Some(ch) = body
        .chars()
        .find(|&c| !(c.is_ascii_digit() || c == '.' || c == ',' || is_group_space(c)))
    {
        return Err(NumberError::InvalidCharacter { input: quote(s), ch });
    }
    let (int_part, frac_part) = match body.split_once(',') {
        None => (body, None),
        Some((int_part, frac)) => {
            if frac.contains('.') {
                return Err(NumberError::EnglishFormat { input: quote(s) });
            }
            if frac.contains(',') {
                return Err(NumberError::MultipleDecimalSeparators { input: quote(s) });
            }
            (int_part, Some(frac))
        }
    };

    let int_digits = parse_int_groups(int_part, s)?;
    let frac_digits = match frac_part {
        None => "",
        Some("") => return Err(NumberError::MissingDigits { input: quote(s) }),
        Some(f) if f.bytes().all(|b| b.is_ascii_digit()) => f,
        // Only group spaces are left: digits after the comma are never grouped.
        Some(_) => return Err(NumberError::BadGrouping { input: quote(s) }),
    };
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(NumberError::MissingDigits { input: quote(s) });
    }
    build(negative, &int_digits, frac_digits, s)
}

/// Checks the grouping of the integer part and returns its bare digits.
fn parse_int_groups(int_part: &str, input: &str) -> Result<String, NumberError> {
    let has_dot = int_part.contains('.');
    let has_space = int_part.chars().any(is_group_space);
    if !has_dot && !has_space {
        return Ok(int_part.to_owned());
    }
    let wrong = || {
        if has_dot {
            NumberError::DotNotThousands { input: quote(input) }
        } else {
            NumberError::BadGrouping { input: quote(input) }
        }
    };
    if has_dot && has_space {
        return Err(NumberError::BadGrouping { input: quote(input) });
    }
    let mut digits = String::with_capacity(int_part.len());
    for (i, group) in int_part.split(|c: char| c == '.' || is_group_space(c)).enumerate() {
        let ok = if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        if !ok {
            return Err(wrong());
        }
        digits.push_str(group);
    }
    Ok(digits)
}

/// Parse the plain decimal that machines and the JSON API exchange: an optional
/// sign, digits and an optional `.` decimal part (`1260.5`, `-3`, `0.25`, `+7`).
///
/// Both sides of the point need digits (`.5` and `5.` are rejected); grouping,
/// `,`, exponents (`1e5`) and anything else are rejected, as are more than 28
/// significant digits.
pub fn parse_canonical(input: &str) -> Result<Decimal, NumberError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let (negative, body) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int_digits, frac_digits) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_digits) || (body.contains('.') && !all_digits(frac_digits)) {
        return Err(NumberError::NotCanonical { input: quote(s) });
    }
    build(negative, int_digits, frac_digits, s)
}

/// A name as a search compares it: lower case, every diacritic dropped and `đ` read as `d`,
/// so that "doan ket", "Đoàn Kết" and "ĐOÀN KẾT" are the same key — people on phones often
/// type without the Vietnamese keyboard.
pub fn search_key(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `dd/mm/yyyy`, e.g. `05/03/2024`.
pub fn format_date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// Why a date could not be read. `Display` is English; see [`DateError::message_vi`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Nothing but whitespace.
    #[error("a date is required but the input is empty (expected dd/mm/yyyy, e.g. 05/03/2024)")]
    Empty,
    /// Not of the shape day/month/year.
    #[error("\"{input}\" is not a date: expected dd/mm/yyyy, e.g. 05/03/2024")]
    Format {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
    },
    /// Year first, as in `2024-03-05`.
    #[error(
        "\"{input}\" is not a date in Vietnamese order: it starts with the year; write day/month/year, e.g. 05/03/2024"
    )]
    YearFirst {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
    },
    /// Month outside 1–12.
    #[error("\"{input}\" is not a date: there is no month {month} (months run from 1 to 12; expected dd/mm/yyyy)")]
    Month {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
        /// The month number given.
        month: u8,
    },
    /// Day outside the month, such as 31/02.
    #[error("\"{input}\" is not a date: month {month}/{year} has {days_in_month} days, so there is no day {day}")]
    Day {
        /// The input as typed (trimmed, possibly shortened).
        input: String,
        /// The day number given.
        day: u8,
        /// The month (1–12).
        month: u8,
        /// The year.
        year: i32,
        /// How many days that month has.
        days_in_month: u8,
    },
}

impl DateError {
    /// The same message in Vietnamese, for people entering data.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Empty => "Chưa nhập ngày: cần nhập theo dạng ngày/tháng/năm, ví dụ 05/03/2024".to_owned(),
            Self::Format { input } => format!(
                "\"{input}\" không phải ngày hợp lệ: cần nhập theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 05/03/2024"
            ),
            Self::YearFirst { input } => format!(
                "\"{input}\" không đúng thứ tự ngày tháng của Việt Nam: năm đang đứng trước; hãy viết ngày/tháng/năm, ví dụ 05/03/2024"
            ),
            Self::Month { input, month } => format!(
                "\"{input}\" không phải ngày hợp lệ: không có tháng {month} (tháng từ 1 đến 12; dạng ngày/tháng/năm)"
            ),
            Self::Day {
                input,
                day,
                month,
                year,
                days_in_month,
            } => format!(
                "\"{input}\" không phải ngày hợp lệ: tháng {month}/{year} chỉ có {days_in_month} ngày, không có ngày {day}"
            ),
        }
    }
}

/// Parse a day-first date: `05/03/2024`, `5/3/2024` or `05-03-2024` (one kind of
/// separator throughout; day and month with one or two digits, year with four).
///
/// Year-first input such as `2024-03-05` is rejected with a hint rather than
/// guessed, so that a swapped day and month can never slip through silently.
pub fn parse_date(input: &str) -> Result<Date, DateError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    let format_err = || DateError::Format { input: quote(s) };
    let sep = if s.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = s.split(sep).collect();
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(|p| all_digits(p)) {
        return Err(format_err());
    }
    let (day, month, year) = (parts[0], parts[1], parts[2]);
    if day.len() == 4 && month.len() <= 2 && year.len() <= 2 {
        return Err(DateError::YearFirst { input: quote(s) });
    }
    if day.len() > 2 || month.len() > 2 || year.len() != 4 {
        return Err(format_err());
    }
    // Lengths are checked above, so these parses cannot overflow.
    let (day, month_no, year): (u8, u8, i32) = (
        day.parse().map_err(|_| format_err())?,
        month.parse().map_err(|_| format_err())?,
        year.parse().map_err(|_| format_err())?,
    );
    let month = Month::try_from(month_no).map_err(|_| DateError::Month {
        input: quote(s),
        month: month_no,
    })?;
    Date::from_calendar_date(year, month, day).map_err(|_| DateError::Day {
        input: quote(s),
        day,
        month: month_no,
        year,
        days_in_month: month.length(year),
    })
}

/// The long form used in official documents: `ngày 05 tháng 3 năm 2024`.
///
/// Per Nghị định 30/2020/NĐ-CP, days below 10 and the months 1 and 2 take a leading
/// zero (`ngày 05 tháng 02 năm 2024`); other months do not (`ngày 15 tháng 11 năm 2024`).
pub fn format_date_long(d: Date) -> String {
    let month = u8::from(d.month());
    let month = if month <= 2 {
        format!("0{month}")
    } else {
        month.to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_keys_ignore_case_marks_and_spacing() {
        use super::search_key;
        assert_eq!(search_key("Phường  Đoàn Kết"), "phuong doan ket");
        assert_eq!(search_key("ĐOÀN KẾT"), search_key("doan ket"));
        // Decomposed input (marks typed separately) gives the same key as composed.
        assert_eq!(search_key("Tam \u{110}\u{1b0}\u{1a1}\u{300}ng"), "tam duong");
        assert_eq!(search_key("Thị trấn Tam Đường"), "thi tran tam duong");
        assert_ne!(search_key("Tam Đường"), search_key("Tam Đảo"));
    }

    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn format_number_own_scale() {
        let cases = [
            ("1260", "1.260"),
            ("63.60", "63,6"),
            ("-1234.5", "-1.234,5"),
            ("0", "0"),
            ("0.000", "0"),
            ("-0", "0"),
            ("-0.00", "0"),
            ("15000000", "15.000.000"),
            ("999", "999"),
            ("1000", "1.000"),
            ("100000", "100.000"),
            ("1234567.891", "1.234.567,891"),
            ("0.05", "0,05"),
            ("-0.5", "-0,5"),
            ("4", "4"),
        ];
        for (input, want) in cases {
            assert_eq!(format_number(d(input), None), want, "format_number({input}, None)");
        }
    }

    #[test]
    fn format_number_fixed_places() {
        let cases = [
            ("63.64", 1, "63,6"),
            ("66.666", 2, "66,67"),
            ("5", 1, "5,0"),
            ("0.05", 1, "0,1"),
            ("0.15", 1, "0,2"),
            ("0.25", 1, "0,3"),
            ("-0.25", 1, "-0,3"),
            ("2.5", 0, "3"),
            ("-2.5", 0, "-3"),
            ("1234.5", 0, "1.235"),
            ("999.96", 1, "1.000,0"),
            ("-0.04", 1, "0,0"),
            ("-0.4", 0, "0"),
            ("0", 2, "0,00"),
            ("1260", 3, "1.260,000"),
            ("0.001", 2, "0,00"),
        ];
        for (input, places, want) in cases {
            assert_eq!(
                format_number(d(input), Some(places)),
                want,
                "format_number({input}, Some({places}))"
            );
        }
    }

    #[test]
    fn format_number_extremes() {
        assert_eq!(
            format_number(Decimal::MAX, None),
            "79.228.162.514.264.337.593.543.950.335"
        );
        assert_eq!(
            format_number(Decimal::MIN, Some(1)),
            "-79.228.162.514.264.337.593.543.950.335,0"
        );
        let tiny = Decimal::new(1, 28);
        assert_eq!(format_number(tiny, None), format!("0,{}1", "0".repeat(27)));
        assert_eq!(format_number(Decimal::ONE, Some(30)), format!("1,{}", "0".repeat(30)));
    }

    #[test]
    fn percent_and_money() {
        assert_eq!(format_percent(d("63.636"), 1), "63,6%");
        assert_eq!(format_percent(d("100"), 0), "100%");
        assert_eq!(format_percent(d("-0.01"), 1), "0,0%");
        assert_eq!(format_percent(d("1234.56"), 2), "1.234,56%");
        assert_eq!(format_money(d("15000000")), "15.000.000 đồng");
        assert_eq!(format_money(d("1500.5")), "1.501 đồng");
        assert_eq!(format_money(d("-2000000.49")), "-2.000.000 đồng");
        assert_eq!(format_money(d("0.4")), "0 đồng");
    }

    #[test]
    fn parse_number_accepts() {
        let cases = [
            ("1.260", "1260"),
            ("15.000.000", "15000000"),
            ("1260", "1260"),
            ("63,6", "63.6"),
            ("1.234,56", "1234.56"),
            ("04", "4"),
            ("07", "7"),
            ("0", "0"),
            ("000", "0"),
            ("  42 ", "42"),
            ("\u{a0}42\u{a0}", "42"),
            ("15 000 000", "15000000"),
            ("15\u{a0}000\u{a0}000", "15000000"),
            ("15\u{202f}000", "15000"),
            ("1\u{2009}234,5", "1234.5"),
            ("-1.234,5", "-1234.5"),
            ("+12", "12"),
            ("\u{2212}3,5", "-3.5"),
            (",5", "0.5"),
            ("-,5", "-0.5"),
            ("0,25", "0.25"),
            ("999", "999"),
            ("1.000.000,000001", "1000000.000001"),
            ("9999999999999999999999999999", "9999999999999999999999999999"),
            ("0,0000000000000000000000000001", "0.0000000000000000000000000001"),
            ("00000000000000000000000000000001", "1"),
            ("1,00000000000000000000000000000000", "1"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_number(input), Ok(d(want)), "parse_number({input:?})");
        }
    }

    #[test]
    fn parse_number_keeps_typed_scale_and_positive_zero() {
        assert_eq!(parse_number("63,60").unwrap().scale(), 2);
        assert_eq!(parse_number("1.260").unwrap().scale(), 0);
        let zero = parse_number("-0,0").unwrap();
        assert!(zero.is_zero() && zero.is_sign_positive());
        assert_eq!(format_number(zero, None), "0");
    }

    #[test]
    fn parse_number_rejects() {
        use NumberError::*;
        let q = |s: &str| s.trim().to_owned();
        let cases: Vec<(&str, NumberError)> = vec![
            ("", Empty),
            ("   ", Empty),
            (
                "abc",
                InvalidCharacter {
                    input: q("abc"),
                    ch: 'a',
                },
            ),
            (
                "12a",
                InvalidCharacter {
                    input: q("12a"),
                    ch: 'a',
                },
            ),
            (
                "1e5",
                InvalidCharacter {
                    input: q("1e5"),
                    ch: 'e',
                },
            ),
            (
                "1_000",
                InvalidCharacter {
                    input: q("1_000"),
                    ch: '_',
                },
            ),
            (
                "--5",
                InvalidCharacter {
                    input: q("--5"),
                    ch: '-',
                },
            ),
            (
                "5-",
                InvalidCharacter {
                    input: q("5-"),
                    ch: '-',
                },
            ),
            (
                "12%",
                InvalidCharacter {
                    input: q("12%"),
                    ch: '%',
                },
            ),
            ("1.5", DotNotThousands { input: q("1.5") }),
            ("1.26", DotNotThousands { input: q("1.26") }),
            ("1.2345", DotNotThousands { input: q("1.2345") }),
            ("1234.567", DotNotThousands { input: q("1234.567") }),
            ("1.234.56", DotNotThousands { input: q("1.234.56") }),
            ("1..000", DotNotThousands { input: q("1..000") }),
            (".5", DotNotThousands { input: q(".5") }),
            ("1.", DotNotThousands { input: q("1.") }),
            ("1.000 000", BadGrouping { input: q("1.000 000") }),
            ("15 00", BadGrouping { input: q("15 00") }),
            ("15  000", BadGrouping { input: q("15  000") }),
            ("1234 567", BadGrouping { input: q("1234 567") }),
            ("1,234 5", BadGrouping { input: q("1,234 5") }),
            ("- 5", BadGrouping { input: q("- 5") }),
            ("1,2,3", MultipleDecimalSeparators { input: q("1,2,3") }),
            ("1,234.5", EnglishFormat { input: q("1,234.5") }),
            (
                "1,234,567.5",
                EnglishFormat {
                    input: q("1,234,567.5"),
                },
            ),
            ("12,", MissingDigits { input: q("12,") }),
            ("-", MissingDigits { input: q("-") }),
            ("+", MissingDigits { input: q("+") }),
            (",", MissingDigits { input: q(",") }),
            (
                "12345678901234567890123456789",
                TooManyDigits {
                    input: q("12345678901234567890123456789"),
                },
            ),
            (
                "1,0000000000000000000000000001",
                TooManyDigits {
                    input: q("1,0000000000000000000000000001"),
                },
            ),
            (
                "0,00000000000000000000000000001",
                TooManyDigits {
                    input: q("0,00000000000000000000000000001"),
                },
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse_number(input), Err(want), "parse_number({input:?})");
        }
    }

    #[test]
    fn number_error_messages() {
        let err = parse_number("1.5").unwrap_err();
        assert_eq!(
            err.message_vi(),
            "\"1.5\" không phải số hợp lệ: dấu chấm dùng để phân cách hàng nghìn (1.260), dấu phẩy là dấu thập phân (63,6)"
        );
        assert_eq!(
            err.to_string(),
            "\"1.5\" is not a valid number: `.` separates thousands in groups of three digits (1.260) and `,` is the decimal separator (63,6)"
        );
        let err = parse_number("1,234.5").unwrap_err();
        assert!(err.to_string().contains("1.234,5"), "{err}");
        assert!(err.message_vi().contains("1.234,5"));
        let err = parse_number("12x").unwrap_err();
        assert!(err.to_string().contains("'x'"), "{err}");
        assert!(err.message_vi().contains("'x'"));
        // Every variant says something in both languages and quotes the input.
        let errs = [
            parse_number(""),
            parse_number("x"),
            parse_number("12,"),
            parse_number("1.5"),
            parse_number("15 00"),
            parse_number("1,2,3"),
            parse_number("1,2.3"),
            parse_number(&"9".repeat(29)),
            parse_canonical("1,5"),
        ];
        for err in errs {
            let err = err.unwrap_err();
            assert!(!err.to_string().is_empty());
            assert!(!err.message_vi().is_empty());
            assert_ne!(err.to_string(), err.message_vi());
        }
    }

    #[test]
    fn long_input_is_shortened_in_errors() {
        let long = format!("{}x", "1".repeat(100));
        let NumberError::InvalidCharacter { input, ch } = parse_number(&long).unwrap_err() else {
            panic!("expected InvalidCharacter");
        };
        assert_eq!(ch, 'x');
        assert_eq!(input.chars().count(), MAX_QUOTED + 1);
        assert!(input.ends_with('…'));
    }

    #[test]
    fn parse_canonical_accepts() {
        let cases = [
            ("1260.5", "1260.5"),
            ("-3", "-3"),
            ("0.25", "0.25"),
            ("+7", "7"),
            (" 42 ", "42"),
            ("007", "7"),
            ("-0.0", "0"),
            ("1260", "1260"),
            ("0.0000000000000000000000000001", "0.0000000000000000000000000001"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_canonical(input), Ok(d(want)), "parse_canonical({input:?})");
        }
        assert_eq!(parse_canonical("2.50").unwrap().scale(), 2);
        assert!(parse_canonical("-0").unwrap().is_sign_positive());
    }

    #[test]
    fn parse_canonical_rejects() {
        for input in [
            "1e5", "1E5", "1,5", "1.260,5", "1 000", "abc", ".5", "5.", "-", "--1", "1.2.3", "0x10", "1_000", "NaN",
            "∞",
        ] {
            assert_eq!(
                parse_canonical(input),
                Err(NumberError::NotCanonical {
                    input: input.to_owned()
                }),
                "parse_canonical({input:?})"
            );
        }
        assert_eq!(parse_canonical(" "), Err(NumberError::Empty));
        assert!(matches!(
            parse_canonical(&"9".repeat(29)),
            Err(NumberError::TooManyDigits { .. })
        ));
    }

    #[test]
    fn dates_format() {
        assert_eq!(format_date(date!(2024 - 03 - 05)), "05/03/2024");
        assert_eq!(format_date(date!(2024 - 12 - 31)), "31/12/2024");
        assert_eq!(format_date(date!(1900 - 01 - 01)), "01/01/1900");
        assert_eq!(format_date_long(date!(2024 - 03 - 05)), "ngày 05 tháng 3 năm 2024");
        assert_eq!(format_date_long(date!(2024 - 02 - 05)), "ngày 05 tháng 02 năm 2024");
        assert_eq!(format_date_long(date!(2024 - 01 - 09)), "ngày 09 tháng 01 năm 2024");
        assert_eq!(format_date_long(date!(2024 - 11 - 15)), "ngày 15 tháng 11 năm 2024");
        assert_eq!(format_date_long(date!(2024 - 10 - 10)), "ngày 10 tháng 10 năm 2024");
    }

    #[test]
    fn parse_date_accepts() {
        let cases = [
            ("05/03/2024", date!(2024 - 03 - 05)),
            ("5/3/2024", date!(2024 - 03 - 05)),
            ("05-03-2024", date!(2024 - 03 - 05)),
            ("5-3-2024", date!(2024 - 03 - 05)),
            (" 29/02/2024 ", date!(2024 - 02 - 29)),
            ("31/12/2200", date!(2200 - 12 - 31)),
            ("01/01/1900", date!(1900 - 01 - 01)),
        ];
        for (input, want) in cases {
            assert_eq!(parse_date(input), Ok(want), "parse_date({input:?})");
        }
    }

    #[test]
    fn parse_date_rejects() {
        let fmt = |s: &str| DateError::Format { input: s.to_owned() };
        let cases = [
            ("", DateError::Empty),
            ("  ", DateError::Empty),
            ("hôm nay", fmt("hôm nay")),
            ("05/03", fmt("05/03")),
            ("05/03/24", fmt("05/03/24")),
            ("05/03/02024", fmt("05/03/02024")),
            ("005/03/2024", fmt("005/03/2024")),
            ("05/03-2024", fmt("05/03-2024")),
            ("05.03.2024", fmt("05.03.2024")),
            ("05/03/2024/1", fmt("05/03/2024/1")),
            ("a5/03/2024", fmt("a5/03/2024")),
            ("+5/03/2024", fmt("+5/03/2024")),
            ("2024/3", fmt("2024/3")),
            (
                "2024-03-05",
                DateError::YearFirst {
                    input: "2024-03-05".to_owned(),
                },
            ),
            (
                "2024/3/5",
                DateError::YearFirst {
                    input: "2024/3/5".to_owned(),
                },
            ),
            (
                "05/13/2024",
                DateError::Month {
                    input: "05/13/2024".to_owned(),
                    month: 13,
                },
            ),
            (
                "05/00/2024",
                DateError::Month {
                    input: "05/00/2024".to_owned(),
                    month: 0,
                },
            ),
            (
                "31/02/2024",
                DateError::Day {
                    input: "31/02/2024".to_owned(),
                    day: 31,
                    month: 2,
                    year: 2024,
                    days_in_month: 29,
                },
            ),
            (
                "29/02/2023",
                DateError::Day {
                    input: "29/02/2023".to_owned(),
                    day: 29,
                    month: 2,
                    year: 2023,
                    days_in_month: 28,
                },
            ),
            (
                "00/01/2024",
                DateError::Day {
                    input: "00/01/2024".to_owned(),
                    day: 0,
                    month: 1,
                    year: 2024,
                    days_in_month: 31,
                },
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse_date(input), Err(want), "parse_date({input:?})");
        }
    }

    #[test]
    fn date_error_messages() {
        let err = parse_date("31/02/2024").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"31/02/2024\" is not a date: month 2/2024 has 29 days, so there is no day 31"
        );
        assert_eq!(
            err.message_vi(),
            "\"31/02/2024\" không phải ngày hợp lệ: tháng 2/2024 chỉ có 29 ngày, không có ngày 31"
        );
        let err = parse_date("2024-03-05").unwrap_err();
        assert!(err.to_string().contains("05/03/2024"));
        assert!(err.message_vi().contains("ngày/tháng/năm"));
        for input in ["", "x", "2024-03-05", "1/13/2024", "31/4/2024"] {
            let err = parse_date(input).unwrap_err();
            assert!(!err.to_string().is_empty() && !err.message_vi().is_empty());
            assert_ne!(err.to_string(), err.message_vi());
        }
    }

    /// Decimals with scale ≤ 6 and magnitude ≤ 10^15.
    fn small_decimal() -> impl Strategy<Value = Decimal> {
        (0u32..=6).prop_flat_map(|scale| {
            let limit = 10i128.pow(15 + scale);
            (-limit..=limit).prop_map(move |m| Decimal::from_i128_with_scale(m, scale))
        })
    }

    fn any_date() -> impl Strategy<Value = Date> {
        let lo = date!(1900 - 01 - 01).to_julian_day();
        let hi = date!(2200 - 12 - 31).to_julian_day();
        (lo..=hi).prop_map(|jd| Date::from_julian_day(jd).unwrap())
    }

    proptest! {
        #[test]
        fn number_round_trip(x in small_decimal()) {
            let text = format_number(x, None);
            prop_assert_eq!(parse_number(&text).map(|v| v.normalize()), Ok(x.normalize()), "{}", text);
        }

        #[test]
        fn number_round_trip_with_spaces(x in small_decimal()) {
            let text = format_number(x, None).replace('.', "\u{a0}");
            prop_assert_eq!(parse_number(&text).map(|v| v.normalize()), Ok(x.normalize()), "{}", text);
        }

        #[test]
        fn canonical_round_trip(x in small_decimal()) {
            prop_assert_eq!(parse_canonical(&x.to_string()), Ok(x));
        }

        #[test]
        fn fixed_places_are_exact(x in small_decimal(), n in 0u32..=8) {
            let text = format_number(x, Some(n));
            let decimals = text.split_once(',').map_or(0, |(_, f)| f.len());
            prop_assert_eq!(decimals as u32, n, "{}", &text);
            let rounded = x.round_dp_with_strategy(n, RoundingStrategy::MidpointAwayFromZero);
            prop_assert_eq!(parse_number(&text).map(|v| v.normalize()), Ok(rounded.normalize()), "{}", &text);
            prop_assert!(!text.starts_with("-0") || text.chars().any(|c| ('1'..='9').contains(&c)), "{}", &text);
        }

        #[test]
        fn date_round_trip(d in any_date()) {
            prop_assert_eq!(parse_date(&format_date(d)), Ok(d));
            prop_assert_eq!(parse_date(&format_date(d).replace('/', "-")), Ok(d));
        }

        #[test]
        fn parse_number_never_panics(s in "[-+0-9.,  a\u{a0}]{0,40}") {
            let _ = parse_number(&s);
            let _ = parse_canonical(&s);
            let _ = parse_date(&s);
        }
    }
}
