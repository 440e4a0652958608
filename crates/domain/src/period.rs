//! Reporting periods (kỳ báo cáo).
//!
//! Gender-equality statistics are reported per year, half-year, quarter or month,
//! per multi-year phase of a strategy or programme (giai đoạn, e.g. 2021-2030), and
//! for the yearly Action Month for gender equality and the prevention of gender-based
//! violence (Tháng hành động vì bình đẳng giới, 15/11–15/12).
//!
//! # Identifiers
//!
//! A period is stored, exchanged and typed as a short identifier:
//!
//! | Period           | Identifier        | Calendar interval              |
//! |------------------|-------------------|--------------------------------|
//! | Year             | `2024`            | 01/01–31/12                    |
//! | Half-year        | `2024H1`/`2024H2` | 01/01–30/06 / 01/07–31/12      |
//! | Quarter          | `2024Q1`…`2024Q4` | the three months of the quarter|
//! | Month            | `2024M01`…`M12`   | the month                      |
//! | Phase            | `2021-2025`       | 01/01 of the first year – 31/12 of the last |
//! | Action Month     | `2023AM`          | 15/11–15/12                    |
//!
//! Parsing ignores surrounding whitespace and letter case and also takes a one-digit
//! month (`2024M3`) and an en dash in phases (`2021–2025`); printing always gives the
//! canonical form above. Years run from [`MIN_YEAR`] to [`MAX_YEAR`]; a phase spans
//! two to [`MAX_PHASE_YEARS`] years.
//!
//! # Data cut-off
//!
//! Nghị định 09/2019/NĐ-CP, art. 12, fixes which data a periodic report covers
//! (thời gian chốt số liệu), independently of the calendar interval, so that a
//! report can be compiled before the period ends. Both ends are inclusive:
//!
//! - month: from the 15th of the previous month to the 14th of the month;
//! - quarter: from the 15th of the month before the quarter to the 14th of its last
//!   month (Q1: 15/12 of the previous year – 14/03);
//! - half-year: H1 15/12 of the previous year – 14/06, H2 15/06 – 14/12;
//! - year: 15/12 of the previous year – 14/12;
//! - phase `a-b`: 15/12 of `a-1` – 14/12 of `b` (the years' windows joined);
//! - Action Month: the campaign itself, 15/11 – 15/12.
//!
//! So consecutive periods of one type have windows that meet without gap or overlap.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use time::{Date, Month};

/// Earliest year a period may refer to.
pub const MIN_YEAR: i32 = 1900;
/// Latest year a period may refer to.
pub const MAX_YEAR: i32 = 2200;
/// Longest phase, in years (2021-2030 is ten years).
pub const MAX_PHASE_YEARS: i32 = 10;

/// Valid identifiers quoted in every error message.
const EXAMPLES: &str = "2024, 2024H1, 2024Q3, 2024M03, 2021-2025, 2023AM";

/// Longest piece of user input quoted back in an error message.
const MAX_QUOTED: usize = 40;

/// The kind of a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodType {
    /// A calendar year.
    Year,
    /// The first or second half of a year.
    HalfYear,
    /// A calendar quarter.
    Quarter,
    /// A calendar month.
    Month,
    /// A multi-year phase of a strategy or programme.
    Phase,
    /// The Action Month for gender equality, 15/11–15/12.
    ActionMonth,
}

impl PeriodType {
    /// Every type, in declaration order.
    pub const ALL: [PeriodType; 6] = [
        PeriodType::Year,
        PeriodType::HalfYear,
        PeriodType::Quarter,
        PeriodType::Month,
        PeriodType::Phase,
        PeriodType::ActionMonth,
    ];

    /// Machine key, the same as the serde form: `year`, `half_year`, ….
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::HalfYear => "half_year",
            Self::Quarter => "quarter",
            Self::Month => "month",
            Self::Phase => "phase",
            Self::ActionMonth => "action_month",
        }
    }

    /// Vietnamese name: `Năm`, `6 tháng`, `Quý`, `Tháng`, `Giai đoạn`, `Tháng hành động`.
    pub fn name_vi(&self) -> &'static str {
        match self {
            Self::Year => "Năm",
            Self::HalfYear => "6 tháng",
            Self::Quarter => "Quý",
            Self::Month => "Tháng",
            Self::Phase => "Giai đoạn",
            Self::ActionMonth => "Tháng hành động",
        }
    }

    /// English name: `Year`, `Half-year`, `Quarter`, `Month`, `Phase`, `Action Month`.
    pub fn name_en(&self) -> &'static str {
        match self {
            Self::Year => "Year",
            Self::HalfYear => "Half-year",
            Self::Quarter => "Quarter",
            Self::Month => "Month",
            Self::Phase => "Phase",
            Self::ActionMonth => "Action Month",
        }
    }
}

impl fmt::Display for PeriodType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reporting period.
///
/// Parsed values always satisfy the rules in the module docs. Values built by hand
/// should be checked with [`Period::validate`]: the date methods panic on fields
/// that name no calendar date (such as month 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// A calendar year.
    Year(i32),
    /// Half-year `half` (1 or 2) of `year`.
    HalfYear {
        /// The year.
        year: i32,
        /// 1 for January–June, 2 for July–December.
        half: u8,
    },
    /// Quarter `quarter` (1–4) of `year`.
    Quarter {
        /// The year.
        year: i32,
        /// 1–4.
        quarter: u8,
    },
    /// Month `month` (1–12) of `year`.
    Month {
        /// The year.
        year: i32,
        /// 1–12.
        month: u8,
    },
    /// The years `from` to `to`, both included.
    Phase {
        /// First year.
        from: i32,
        /// Last year.
        to: i32,
    },
    /// The Action Month (15/11–15/12) of a year.
    ActionMonth(i32),
}

/// Why a text is not a period. `Display` is English; see [`PeriodError::message_vi`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Nothing but whitespace.
    #[error("an empty string is not a period (expected e.g. {EXAMPLES})")]
    Empty,
    /// Not any of the identifier forms.
    #[error("`{input}` is not a period: the format is not recognised (expected e.g. {EXAMPLES})")]
    Unrecognised {
        /// The input (trimmed, possibly shortened).
        input: String,
    },
    /// A year that is not four digits between [`MIN_YEAR`] and [`MAX_YEAR`].
    #[error(
        "`{input}` is not a period: a year has four digits, from {MIN_YEAR} to {MAX_YEAR} (expected e.g. {EXAMPLES})"
    )]
    YearOutOfRange {
        /// The input (trimmed, possibly shortened).
        input: String,
    },
    /// A half other than H1 or H2.
    #[error("`{input}` is not a period: a half-year is H1 or H2 (expected e.g. {EXAMPLES})")]
    HalfYear {
        /// The input (trimmed, possibly shortened).
        input: String,
    },
    /// A quarter other than Q1–Q4.
    #[error("`{input}` is not a period: a quarter is Q1, Q2, Q3 or Q4 (expected e.g. {EXAMPLES})")]
    Quarter {
        /// The input (trimmed, possibly shortened).
        input: String,
    },
    /// A month other than M01–M12.
    #[error("`{input}` is not a period: a month is M01 to M12 (expected e.g. {EXAMPLES})")]
    Month {
        /// The input (trimmed, possibly shortened).
        input: String,
    },
    /// A phase whose first year is not before its last.
    #[error(
        "`{input}` is not a period: a phase starts in an earlier year than it ends, e.g. 2021-2025 (expected e.g. {EXAMPLES})"
    )]
    PhaseOrder {
        /// The input (trimmed, possibly shortened).
        input: String,
    },
    /// A phase longer than [`MAX_PHASE_YEARS`].
    #[error(
        "`{input}` is not a period: a phase spans at most {MAX_PHASE_YEARS} years, e.g. 2021-2030 (expected e.g. {EXAMPLES})"
    )]
    PhaseTooLong {
        /// The input (trimmed, possibly shortened).
        input: String,
    },
}

impl PeriodError {
    /// The same message in Vietnamese.
    pub fn message_vi(&self) -> String {
        let (input, what) = match self {
            Self::Empty => {
                return format!("Chuỗi rỗng không phải kỳ báo cáo hợp lệ (ví dụ hợp lệ: {EXAMPLES})");
            }
            Self::Unrecognised { input } => (input, "không nhận ra định dạng".to_owned()),
            Self::YearOutOfRange { input } => (input, format!("năm phải có bốn chữ số, từ {MIN_YEAR} đến {MAX_YEAR}")),
            Self::HalfYear { input } => (input, "nửa năm chỉ có H1 hoặc H2".to_owned()),
            Self::Quarter { input } => (input, "quý chỉ có Q1, Q2, Q3 hoặc Q4".to_owned()),
            Self::Month { input } => (input, "tháng chỉ từ M01 đến M12".to_owned()),
            Self::PhaseOrder { input } => (
                input,
                "năm bắt đầu giai đoạn phải trước năm kết thúc, ví dụ 2021-2025".to_owned(),
            ),
            Self::PhaseTooLong { input } => (
                input,
                format!("giai đoạn dài tối đa {MAX_PHASE_YEARS} năm, ví dụ 2021-2030"),
            ),
        };
        format!("`{input}` không phải kỳ báo cáo hợp lệ: {what} (ví dụ hợp lệ: {EXAMPLES})")
    }
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

/// Reads a four-digit year token.
fn parse_year(token: &str, input: &str) -> Result<i32, PeriodError> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PeriodError::Unrecognised { input: quote(input) });
    }
    // Other lengths are digits, just not a year in range: say so rather than "unrecognised".
    match token.parse::<i32>() {
        Ok(year) if token.len() == 4 && (MIN_YEAR..=MAX_YEAR).contains(&year) => Ok(year),
        _ => Err(PeriodError::YearOutOfRange { input: quote(input) }),
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PeriodError::Empty);
        }
        let upper = s.to_ascii_uppercase();
        let period = if let Some((a, b)) = upper.split_once(['-', '–']) {
            Period::Phase {
                from: parse_year(a.trim(), s)?,
                to: parse_year(b.trim(), s)?,
            }
        } else {
            let digits_end = upper.find(|c: char| !c.is_ascii_digit()).unwrap_or(upper.len());
            let (year, rest) = upper.split_at(digits_end);
            let year = parse_year(year, s)?;
            // Out-of-range numbers are mapped to 0 so `check` reports them.
            let number = |t: &str, max_len: usize| {
                if (1..=max_len).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) {
                    t.parse().unwrap_or(0)
                } else {
                    0
                }
            };
            if rest.is_empty() {
                Period::Year(year)
            } else if rest == "AM" {
                Period::ActionMonth(year)
            } else if let Some(t) = rest.strip_prefix('H') {
                Period::HalfYear {
                    year,
                    half: number(t, 1),
                }
            } else if let Some(t) = rest.strip_prefix('Q') {
                Period::Quarter {
                    year,
                    quarter: number(t, 1),
                }
            } else if let Some(t) = rest.strip_prefix('M') {
                Period::Month {
                    year,
                    month: number(t, 2),
                }
            } else {
                return Err(PeriodError::Unrecognised { input: quote(s) });
            }
        };
        period.check(s)?;
        Ok(period)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Year(year) => write!(f, "{year}"),
            Self::HalfYear { year, half } => write!(f, "{year}H{half}"),
            Self::Quarter { year, quarter } => write!(f, "{year}Q{quarter}"),
            Self::Month { year, month } => write!(f, "{year}M{month:02}"),
            Self::Phase { from, to } => write!(f, "{from}-{to}"),
            Self::ActionMonth(year) => write!(f, "{year}AM"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PeriodVisitor;

        impl Visitor<'_> for PeriodVisitor {
            type Value = Period;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a reporting period identifier such as {EXAMPLES}")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Period, E> {
                v.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_str(PeriodVisitor)
    }
}

/// The date `day`/`month`/`year`; panics on fields that name no date, which only
/// hand-built, unvalidated periods can produce.
fn ymd(year: i32, month: u8, day: u8) -> Date {
    Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, day).ok())
        .unwrap_or_else(|| panic!("{day}/{month}/{year} is not a date: the period was not validated"))
}

/// Last day of `month` in `year`.
fn month_end(year: i32, month: u8) -> Date {
    let length = Month::try_from(month).map_or(31, |m| m.length(year));
    ymd(year, month, length)
}

/// Moves part `index` (1-based, of `count` per year) of `year` by `delta` parts.
fn step(year: i32, index: u8, count: u8, delta: i64) -> (i32, u8) {
    let count = i64::from(count);
    let k = i64::from(year) * count + i64::from(index) - 1 + delta;
    // Years stay near the input, so the narrowing casts cannot truncate.
    (k.div_euclid(count) as i32, (k.rem_euclid(count) + 1) as u8)
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

impl Period {
    /// The kind of period.
    pub fn period_type(&self) -> PeriodType {
        match self {
            Self::Year(_) => PeriodType::Year,
            Self::HalfYear { .. } => PeriodType::HalfYear,
            Self::Quarter { .. } => PeriodType::Quarter,
            Self::Month { .. } => PeriodType::Month,
            Self::Phase { .. } => PeriodType::Phase,
            Self::ActionMonth(_) => PeriodType::ActionMonth,
        }
    }

    /// Checks a hand-built value against the same rules as parsing.
    pub fn validate(&self) -> Result<(), PeriodError> {
        self.check(&self.to_string())
    }

    /// Validation, quoting `input` in the error.
    fn check(&self, input: &str) -> Result<(), PeriodError> {
        let err = |make: fn(String) -> PeriodError| Err(make(quote(input)));
        let year_ok = |y: i32| (MIN_YEAR..=MAX_YEAR).contains(&y);
        match *self {
            Self::Year(y) | Self::ActionMonth(y) if !year_ok(y) => err(|input| PeriodError::YearOutOfRange { input }),
            Self::HalfYear { year, .. } | Self::Quarter { year, .. } | Self::Month { year, .. } if !year_ok(year) => {
                err(|input| PeriodError::YearOutOfRange { input })
            }
            Self::Phase { from, to } if !year_ok(from) || !year_ok(to) => {
                err(|input| PeriodError::YearOutOfRange { input })
            }
            Self::HalfYear { half, .. } if !(1..=2).contains(&half) => err(|input| PeriodError::HalfYear { input }),
            Self::Quarter { quarter, .. } if !(1..=4).contains(&quarter) => err(|input| PeriodError::Quarter { input }),
            Self::Month { month, .. } if !(1..=12).contains(&month) => err(|input| PeriodError::Month { input }),
            Self::Phase { from, to } if from >= to => err(|input| PeriodError::PhaseOrder { input }),
            Self::Phase { from, to } if to - from + 1 > MAX_PHASE_YEARS => {
                err(|input| PeriodError::PhaseTooLong { input })
            }
            _ => Ok(()),
        }
    }

    /// First and last calendar month covered, as `(year, month)`; `None` for the
    /// Action Month, which does not follow month boundaries.
    fn month_span(&self) -> Option<((i32, u8), (i32, u8))> {
        match *self {
            Self::Year(y) => Some(((y, 1), (y, 12))),
            Self::HalfYear { year, half } => {
                let last = half.saturating_mul(6);
                Some(((year, last.saturating_sub(5)), (year, last)))
            }
            Self::Quarter { year, quarter } => {
                let last = quarter.saturating_mul(3);
                Some(((year, last.saturating_sub(2)), (year, last)))
            }
            Self::Month { year, month } => Some(((year, month), (year, month))),
            Self::Phase { from, to } => Some(((from, 1), (to, 12))),
            Self::ActionMonth(_) => None,
        }
    }

    /// First calendar day covered.
    ///
    /// # Panics
    /// If the period was built by hand with fields that [`Period::validate`] rejects.
    pub fn start(&self) -> Date {
        match (self, self.month_span()) {
            (_, Some(((y, m), _))) => ymd(y, m, 1),
            (Self::ActionMonth(y), None) => ymd(*y, 11, 15),
            _ => unreachable!("only the Action Month has no month span"),
        }
    }

    /// Last calendar day covered (inclusive).
    ///
    /// # Panics
    /// If the period was built by hand with fields that [`Period::validate`] rejects.
    pub fn end(&self) -> Date {
        match (self, self.month_span()) {
            (_, Some((_, (y, m)))) => month_end(y, m),
            (Self::ActionMonth(y), None) => ymd(*y, 12, 15),
            _ => unreachable!("only the Action Month has no month span"),
        }
    }

    /// Whether `d` lies within [`start`](Period::start)..=[`end`](Period::end).
    pub fn contains_date(&self, d: Date) -> bool {
        self.start() <= d && d <= self.end()
    }

    /// Data cut-off window per Nghị định 09/2019/NĐ-CP (inclusive both ends): from
    /// the 15th of the month before the period to the 14th of its last month; the
    /// Action Month's window is the campaign itself. See the module docs.
    ///
    /// # Panics
    /// If the period was built by hand with fields that [`Period::validate`] rejects.
    pub fn data_cutoff(&self) -> (Date, Date) {
        match (self, self.month_span()) {
            (_, Some(((fy, fm), (ly, lm)))) => {
                let (py, pm) = step(fy, fm, 12, -1);
                (ymd(py, pm, 15), ymd(ly, lm, 14))
            }
            (Self::ActionMonth(y), None) => (ymd(*y, 11, 15), ymd(*y, 12, 15)),
            _ => unreachable!("only the Action Month has no month span"),
        }
    }

    /// The period of the same type `delta` steps away (phases move by their length).
    fn shifted(&self, delta: i64) -> Period {
        match *self {
            Self::Year(y) => Self::Year(y + delta as i32),
            Self::HalfYear { year, half } => {
                let (year, half) = step(year, half, 2, delta);
                Self::HalfYear { year, half }
            }
            Self::Quarter { year, quarter } => {
                let (year, quarter) = step(year, quarter, 4, delta);
                Self::Quarter { year, quarter }
            }
            Self::Month { year, month } => {
                let (year, month) = step(year, month, 12, delta);
                Self::Month { year, month }
            }
            Self::Phase { from, to } => {
                let shift = (to - from + 1) * delta as i32;
                Self::Phase {
                    from: from + shift,
                    to: to + shift,
                }
            }
            Self::ActionMonth(y) => Self::ActionMonth(y + delta as i32),
        }
    }

    /// The period of the same type one step back; for a phase, the phase of equal
    /// length ending the year before `from`. May leave the parseable year range.
    pub fn previous(&self) -> Period {
        self.shifted(-1)
    }

    /// The period of the same type one step on; for a phase, the phase of equal
    /// length starting the year after `to`. May leave the parseable year range.
    pub fn next(&self) -> Period {
        self.shifted(1)
    }

    /// Vietnamese label: `Năm 2024`, `6 tháng đầu năm 2024`, `Quý III/2024`,
    /// `Tháng 03/2024`, `Giai đoạn 2021-2025`, `Tháng hành động 2023 (15/11-15/12)`.
    pub fn label_vi(&self) -> String {
        match *self {
            Self::Year(y) => format!("Năm {y}"),
            Self::HalfYear { year, half: 1 } => format!("6 tháng đầu năm {year}"),
            Self::HalfYear { year, half: 2 } => format!("6 tháng cuối năm {year}"),
            Self::HalfYear { year, half } => format!("6 tháng (H{half}) năm {year}"),
            Self::Quarter { year, quarter } => match ROMAN.get(usize::from(quarter).wrapping_sub(1)) {
                Some(roman) => format!("Quý {roman}/{year}"),
                None => format!("Quý {quarter}/{year}"),
            },
            Self::Month { year, month } => format!("Tháng {month:02}/{year}"),
            Self::Phase { from, to } => format!("Giai đoạn {from}-{to}"),
            Self::ActionMonth(y) => format!("Tháng hành động {y} (15/11-15/12)"),
        }
    }

    /// English label: `Year 2024`, `First half of 2024`, `Q3 2024`, `March 2024`,
    /// `Phase 2021-2025`, `Action Month 2023 (15 Nov-15 Dec)`.
    pub fn label_en(&self) -> String {
        match *self {
            Self::Year(y) => format!("Year {y}"),
            Self::HalfYear { year, half: 1 } => format!("First half of {year}"),
            Self::HalfYear { year, half: 2 } => format!("Second half of {year}"),
            Self::HalfYear { year, half } => format!("Half {half} of {year}"),
            Self::Quarter { year, quarter } => format!("Q{quarter} {year}"),
            Self::Month { year, month } => match MONTHS_EN.get(usize::from(month).wrapping_sub(1)) {
                Some(name) => format!("{name} {year}"),
                None => format!("Month {month} of {year}"),
            },
            Self::Phase { from, to } => format!("Phase {from}-{to}"),
            Self::ActionMonth(y) => format!("Action Month {y} (15 Nov-15 Dec)"),
        }
    }

    /// The year whose end the period reaches, used to place it on a timeline of
    /// targets: the period's year, or the last year of a phase.
    pub fn milestone_year(&self) -> i32 {
        match *self {
            Self::Year(y) | Self::ActionMonth(y) => y,
            Self::HalfYear { year, .. } | Self::Quarter { year, .. } | Self::Month { year, .. } => year,
            Self::Phase { to, .. } => to,
        }
    }

    /// `(start, end)`, for sorting periods of mixed types chronologically (the
    /// derived `Ord` sorts by type first).
    pub fn sort_key(&self) -> (Date, Date) {
        (self.start(), self.end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, StrDeserializer};
    use serde::ser::Impossible;
    use time::macros::date;

    fn p(s: &str) -> Period {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_canonical_identifiers() {
        let cases = [
            ("2024", Period::Year(2024)),
            ("2024H1", Period::HalfYear { year: 2024, half: 1 }),
            ("2024H2", Period::HalfYear { year: 2024, half: 2 }),
            ("2024Q1", Period::Quarter { year: 2024, quarter: 1 }),
            ("2024Q4", Period::Quarter { year: 2024, quarter: 4 }),
            ("2024M01", Period::Month { year: 2024, month: 1 }),
            ("2024M12", Period::Month { year: 2024, month: 12 }),
            ("2021-2025", Period::Phase { from: 2021, to: 2025 }),
            ("2021-2030", Period::Phase { from: 2021, to: 2030 }),
            ("2023AM", Period::ActionMonth(2023)),
            ("1900", Period::Year(1900)),
            ("2200", Period::Year(2200)),
        ];
        for (input, want) in cases {
            assert_eq!(input.parse::<Period>(), Ok(want), "{input}");
            assert_eq!(want.to_string(), input);
        }
    }

    #[test]
    fn parses_lenient_spellings() {
        let cases = [
            (" 2024 ", "2024"),
            ("2024h1", "2024H1"),
            ("\t2024q3\n", "2024Q3"),
            ("2024M3", "2024M03"),
            ("2024m3", "2024M03"),
            ("2024m09", "2024M09"),
            ("2023am", "2023AM"),
            ("2023Am", "2023AM"),
            ("2021–2025", "2021-2025"),
            ("2021 - 2025", "2021-2025"),
        ];
        for (input, canonical) in cases {
            assert_eq!(p(input).to_string(), canonical, "{input:?}");
        }
    }

    #[test]
    fn rejects_invalid_identifiers() {
        let unrecognised = |s: &str| PeriodError::Unrecognised { input: s.to_owned() };
        let year = |s: &str| PeriodError::YearOutOfRange { input: s.to_owned() };
        let cases = [
            ("", PeriodError::Empty),
            ("   ", PeriodError::Empty),
            ("abc", unrecognised("abc")),
            ("Q3 2024", unrecognised("Q3 2024")),
            ("2024X", unrecognised("2024X")),
            ("2024 H1", unrecognised("2024 H1")),
            ("2024AMX", unrecognised("2024AMX")),
            ("2024A", unrecognised("2024A")),
            ("2024-H1", unrecognised("2024-H1")),
            ("-2024", unrecognised("-2024")),
            ("2021-", unrecognised("2021-")),
            ("2021-2025-2030", unrecognised("2021-2025-2030")),
            ("2024.5", unrecognised("2024.5")),
            ("1899", year("1899")),
            ("2201", year("2201")),
            ("24", year("24")),
            ("20245", year("20245")),
            ("0999", year("0999")),
            ("99999999999999999999", year("99999999999999999999")),
            ("1800H3", year("1800H3")),
            ("1899-1905", year("1899-1905")),
            ("2195-2205", year("2195-2205")),
            ("2024H3", PeriodError::HalfYear { input: "2024H3".into() }),
            ("2024H0", PeriodError::HalfYear { input: "2024H0".into() }),
            ("2024H", PeriodError::HalfYear { input: "2024H".into() }),
            (
                "2024H01",
                PeriodError::HalfYear {
                    input: "2024H01".into(),
                },
            ),
            ("2024Q5", PeriodError::Quarter { input: "2024Q5".into() }),
            ("2024Q0", PeriodError::Quarter { input: "2024Q0".into() }),
            ("2024Q", PeriodError::Quarter { input: "2024Q".into() }),
            (
                "2024QIII",
                PeriodError::Quarter {
                    input: "2024QIII".into(),
                },
            ),
            (
                "2024M13",
                PeriodError::Month {
                    input: "2024M13".into(),
                },
            ),
            (
                "2024M00",
                PeriodError::Month {
                    input: "2024M00".into(),
                },
            ),
            ("2024M0", PeriodError::Month { input: "2024M0".into() }),
            ("2024M", PeriodError::Month { input: "2024M".into() }),
            (
                "2024M003",
                PeriodError::Month {
                    input: "2024M003".into(),
                },
            ),
            (
                "2024MAR",
                PeriodError::Month {
                    input: "2024MAR".into(),
                },
            ),
            (
                "2025-2021",
                PeriodError::PhaseOrder {
                    input: "2025-2021".into(),
                },
            ),
            (
                "2021-2021",
                PeriodError::PhaseOrder {
                    input: "2021-2021".into(),
                },
            ),
            (
                "2021-2031",
                PeriodError::PhaseTooLong {
                    input: "2021-2031".into(),
                },
            ),
        ];
        for (input, want) in cases {
            assert_eq!(input.parse::<Period>(), Err(want), "{input:?}");
        }
    }

    #[test]
    fn error_messages() {
        let err = "2024H3".parse::<Period>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "`2024H3` is not a period: a half-year is H1 or H2 (expected e.g. 2024, 2024H1, 2024Q3, 2024M03, 2021-2025, 2023AM)"
        );
        assert_eq!(
            err.message_vi(),
            "`2024H3` không phải kỳ báo cáo hợp lệ: nửa năm chỉ có H1 hoặc H2 (ví dụ hợp lệ: 2024, 2024H1, 2024Q3, 2024M03, 2021-2025, 2023AM)"
        );
        for input in ["", "x", "1800", "2024H3", "2024Q5", "2024M13", "2025-2021", "2021-2040"] {
            let err = input.parse::<Period>().unwrap_err();
            let (en, vi) = (err.to_string(), err.message_vi());
            assert!(en.contains(EXAMPLES) && vi.contains(EXAMPLES), "{en} / {vi}");
            assert!(en.contains(&format!("`{input}`")) || input.is_empty(), "{en}");
            assert_ne!(en, vi);
        }
        let long = format!("{}X", "2".repeat(100));
        let PeriodError::YearOutOfRange { input } = long.parse::<Period>().unwrap_err() else {
            panic!("expected YearOutOfRange");
        };
        assert!(input.chars().count() == MAX_QUOTED + 1 && input.ends_with('…'));
    }

    #[test]
    fn validate_hand_built_values() {
        assert_eq!(Period::Month { year: 2024, month: 3 }.validate(), Ok(()));
        assert_eq!(
            Period::Month { year: 2024, month: 13 }.validate(),
            Err(PeriodError::Month {
                input: "2024M13".into()
            })
        );
        assert_eq!(
            Period::HalfYear { year: 2024, half: 0 }.validate(),
            Err(PeriodError::HalfYear { input: "2024H0".into() })
        );
        assert_eq!(
            Period::Quarter { year: 2024, quarter: 9 }.validate(),
            Err(PeriodError::Quarter { input: "2024Q9".into() })
        );
        assert_eq!(
            Period::Year(2201).validate(),
            Err(PeriodError::YearOutOfRange { input: "2201".into() })
        );
        assert_eq!(
            Period::ActionMonth(-5).validate(),
            Err(PeriodError::YearOutOfRange { input: "-5AM".into() })
        );
        assert_eq!(
            Period::Phase { from: 2030, to: 2021 }.validate(),
            Err(PeriodError::PhaseOrder {
                input: "2030-2021".into()
            })
        );
        assert_eq!(
            Period::Phase { from: 2000, to: 2020 }.validate(),
            Err(PeriodError::PhaseTooLong {
                input: "2000-2020".into()
            })
        );
    }

    #[test]
    #[should_panic(expected = "not validated")]
    fn dates_of_invalid_period_panic_clearly() {
        let _ = Period::Month { year: 2024, month: 13 }.start();
    }

    #[test]
    fn calendar_intervals() {
        let cases = [
            ("2024", date!(2024 - 01 - 01), date!(2024 - 12 - 31)),
            ("2024H1", date!(2024 - 01 - 01), date!(2024 - 06 - 30)),
            ("2024H2", date!(2024 - 07 - 01), date!(2024 - 12 - 31)),
            ("2024Q1", date!(2024 - 01 - 01), date!(2024 - 03 - 31)),
            ("2024Q2", date!(2024 - 04 - 01), date!(2024 - 06 - 30)),
            ("2024Q3", date!(2024 - 07 - 01), date!(2024 - 09 - 30)),
            ("2024Q4", date!(2024 - 10 - 01), date!(2024 - 12 - 31)),
            ("2024M02", date!(2024 - 02 - 01), date!(2024 - 02 - 29)),
            ("2023M02", date!(2023 - 02 - 01), date!(2023 - 02 - 28)),
            ("1900M02", date!(1900 - 02 - 01), date!(1900 - 02 - 28)),
            ("2000M02", date!(2000 - 02 - 01), date!(2000 - 02 - 29)),
            ("2024M04", date!(2024 - 04 - 01), date!(2024 - 04 - 30)),
            ("2024M12", date!(2024 - 12 - 01), date!(2024 - 12 - 31)),
            ("2021-2025", date!(2021 - 01 - 01), date!(2025 - 12 - 31)),
            ("2023AM", date!(2023 - 11 - 15), date!(2023 - 12 - 15)),
        ];
        for (id, start, end) in cases {
            let period = p(id);
            assert_eq!((period.start(), period.end()), (start, end), "{id}");
            assert_eq!(period.sort_key(), (start, end), "{id}");
        }
    }

    #[test]
    fn contains_date() {
        let am = p("2023AM");
        assert!(!am.contains_date(date!(2023 - 11 - 14)));
        assert!(am.contains_date(date!(2023 - 11 - 15)));
        assert!(am.contains_date(date!(2023 - 12 - 15)));
        assert!(!am.contains_date(date!(2023 - 12 - 16)));
        let q = p("2024Q3");
        assert!(!q.contains_date(date!(2024 - 06 - 30)));
        assert!(q.contains_date(date!(2024 - 08 - 15)));
        assert!(!q.contains_date(date!(2024 - 10 - 01)));
        assert!(p("2021-2025").contains_date(date!(2023 - 06 - 01)));
        assert!(!p("2021-2025").contains_date(date!(2026 - 01 - 01)));
    }

    #[test]
    fn data_cutoff_windows() {
        let cases = [
            ("2024", date!(2023 - 12 - 15), date!(2024 - 12 - 14)),
            ("2024H1", date!(2023 - 12 - 15), date!(2024 - 06 - 14)),
            ("2024H2", date!(2024 - 06 - 15), date!(2024 - 12 - 14)),
            ("2024Q1", date!(2023 - 12 - 15), date!(2024 - 03 - 14)),
            ("2024Q2", date!(2024 - 03 - 15), date!(2024 - 06 - 14)),
            ("2024Q3", date!(2024 - 06 - 15), date!(2024 - 09 - 14)),
            ("2024Q4", date!(2024 - 09 - 15), date!(2024 - 12 - 14)),
            ("2024M01", date!(2023 - 12 - 15), date!(2024 - 01 - 14)),
            ("2024M03", date!(2024 - 02 - 15), date!(2024 - 03 - 14)),
            ("2024M12", date!(2024 - 11 - 15), date!(2024 - 12 - 14)),
            ("2021-2025", date!(2020 - 12 - 15), date!(2025 - 12 - 14)),
            ("2023AM", date!(2023 - 11 - 15), date!(2023 - 12 - 15)),
            ("1900", date!(1899 - 12 - 15), date!(1900 - 12 - 14)),
        ];
        for (id, from, to) in cases {
            assert_eq!(p(id).data_cutoff(), (from, to), "{id}");
        }
    }

    #[test]
    fn previous_and_next() {
        let cases = [
            ("2024", "2023", "2025"),
            ("2024H1", "2023H2", "2024H2"),
            ("2024H2", "2024H1", "2025H1"),
            ("2024Q1", "2023Q4", "2024Q2"),
            ("2024Q4", "2024Q3", "2025Q1"),
            ("2024M01", "2023M12", "2024M02"),
            ("2024M12", "2024M11", "2025M01"),
            ("2024M06", "2024M05", "2024M07"),
            ("2021-2025", "2016-2020", "2026-2030"),
            ("2021-2030", "2011-2020", "2031-2040"),
            ("2023AM", "2022AM", "2024AM"),
        ];
        for (id, prev, next) in cases {
            assert_eq!(p(id).previous(), p(prev), "{id} previous");
            assert_eq!(p(id).next(), p(next), "{id} next");
        }
        // Stepping may leave the parseable range; the value is still well defined.
        assert_eq!(Period::Year(2200).next(), Period::Year(2201));
        assert!(Period::Year(2200).next().validate().is_err());
    }

    #[test]
    fn labels() {
        let cases = [
            ("2024", "Năm 2024", "Year 2024"),
            ("2024H1", "6 tháng đầu năm 2024", "First half of 2024"),
            ("2024H2", "6 tháng cuối năm 2024", "Second half of 2024"),
            ("2024Q1", "Quý I/2024", "Q1 2024"),
            ("2024Q2", "Quý II/2024", "Q2 2024"),
            ("2024Q3", "Quý III/2024", "Q3 2024"),
            ("2024Q4", "Quý IV/2024", "Q4 2024"),
            ("2024M03", "Tháng 03/2024", "March 2024"),
            ("2024M11", "Tháng 11/2024", "November 2024"),
            ("2021-2025", "Giai đoạn 2021-2025", "Phase 2021-2025"),
            (
                "2023AM",
                "Tháng hành động 2023 (15/11-15/12)",
                "Action Month 2023 (15 Nov-15 Dec)",
            ),
        ];
        for (id, vi, en) in cases {
            assert_eq!(p(id).label_vi(), vi, "{id}");
            assert_eq!(p(id).label_en(), en, "{id}");
        }
        for month in 1..=12u8 {
            let label = Period::Month { year: 2024, month }.label_en();
            assert_eq!(label, format!("{} 2024", MONTHS_EN[usize::from(month) - 1]));
        }
        // Labels of unvalidated values degrade instead of panicking.
        assert_eq!(Period::Quarter { year: 2024, quarter: 0 }.label_vi(), "Quý 0/2024");
        assert_eq!(Period::Month { year: 2024, month: 13 }.label_en(), "Month 13 of 2024");
        assert_eq!(Period::HalfYear { year: 2024, half: 3 }.label_en(), "Half 3 of 2024");
    }

    #[test]
    fn milestone_years() {
        let cases = [
            ("2024", 2024),
            ("2024H1", 2024),
            ("2024H2", 2024),
            ("2024Q3", 2024),
            ("2024M03", 2024),
            ("2021-2025", 2025),
            ("2023AM", 2023),
        ];
        for (id, year) in cases {
            assert_eq!(p(id).milestone_year(), year, "{id}");
        }
    }

    #[test]
    fn period_types() {
        let cases = [
            ("2024", PeriodType::Year, "year", "Năm", "Year"),
            ("2024H1", PeriodType::HalfYear, "half_year", "6 tháng", "Half-year"),
            ("2024Q1", PeriodType::Quarter, "quarter", "Quý", "Quarter"),
            ("2024M01", PeriodType::Month, "month", "Tháng", "Month"),
            ("2021-2025", PeriodType::Phase, "phase", "Giai đoạn", "Phase"),
            (
                "2023AM",
                PeriodType::ActionMonth,
                "action_month",
                "Tháng hành động",
                "Action Month",
            ),
        ];
        for (i, (id, ty, key, vi, en)) in cases.into_iter().enumerate() {
            assert_eq!(p(id).period_type(), ty);
            assert_eq!(PeriodType::ALL[i], ty);
            assert_eq!((ty.as_str(), ty.name_vi(), ty.name_en()), (key, vi, en));
            assert_eq!(ty.to_string(), key);
            assert_eq!(ty.serialize(StrSerializer), Ok(key.to_owned()));
            let de: StrDeserializer<'_, ValueError> = key.into_deserializer();
            assert_eq!(PeriodType::deserialize(de), Ok(ty));
        }
    }

    #[test]
    fn chronological_sorting() {
        let mut periods: Vec<Period> = ["2024", "2023AM", "2024M01", "2023Q4", "2021-2025", "2024H1"]
            .into_iter()
            .map(p)
            .collect();
        periods.sort_by_key(Period::sort_key);
        let ids: Vec<String> = periods.iter().map(Period::to_string).collect();
        // Periods starting together put the shorter first.
        assert_eq!(ids, ["2021-2025", "2023Q4", "2023AM", "2024M01", "2024H1", "2024"]);
        // The derived order groups by type first.
        assert!(Period::Year(2200) < Period::HalfYear { year: 1900, half: 1 });
    }

    #[test]
    fn serde_as_identifier_string() {
        let month = Period::Month { year: 2024, month: 3 };
        assert_eq!(month.serialize(StrSerializer), Ok("2024M03".to_owned()));
        let de: StrDeserializer<'_, ValueError> = "2024m3".into_deserializer();
        assert_eq!(Period::deserialize(de), Ok(month));
        let de: StrDeserializer<'_, ValueError> = "2024H3".into_deserializer();
        let err = Period::deserialize(de).unwrap_err().to_string();
        assert!(err.contains("a half-year is H1 or H2"), "{err}");
        // A non-string is refused with the expected form named.
        let err = Period::deserialize(IntoDeserializer::<ValueError>::into_deserializer(2024_u32))
            .unwrap_err()
            .to_string();
        assert!(err.contains("reporting period identifier"), "{err}");
    }

    /// Serialises plain strings and unit variants to a `String`; anything else is an
    /// error. Stands in for a real format so the crate needs no extra dev-dependency.
    struct StrSerializer;

    macro_rules! reject {
        ($($name:ident($($ty:ty),*)),* $(,)?) => {
            $(fn $name(self, $(_: $ty),*) -> Result<String, ValueError> {
                Err(serde::ser::Error::custom("not a string"))
            })*
        };
    }

    impl Serializer for StrSerializer {
        type Ok = String;
        type Error = ValueError;
        type SerializeSeq = Impossible<String, ValueError>;
        type SerializeTuple = Impossible<String, ValueError>;
        type SerializeTupleStruct = Impossible<String, ValueError>;
        type SerializeTupleVariant = Impossible<String, ValueError>;
        type SerializeMap = Impossible<String, ValueError>;
        type SerializeStruct = Impossible<String, ValueError>;
        type SerializeStructVariant = Impossible<String, ValueError>;

        fn serialize_str(self, v: &str) -> Result<String, ValueError> {
            Ok(v.to_owned())
        }

        fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String, ValueError> {
            Ok(variant.to_owned())
        }

        reject!(
            serialize_bool(bool),
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_f32(f32),
            serialize_f64(f64),
            serialize_char(char),
            serialize_bytes(&[u8]),
            serialize_none(),
            serialize_unit(),
            serialize_unit_struct(&'static str),
        );

        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<String, ValueError> {
            Err(serde::ser::Error::custom("not a string"))
        }

        fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, _: &T) -> Result<String, ValueError> {
            Err(serde::ser::Error::custom("not a string"))
        }

        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<String, ValueError> {
            Err(serde::ser::Error::custom("not a string"))
        }

        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, ValueError> {
            Err(serde::ser::Error::custom("not a string"))
        }

        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, ValueError> {
            Err(serde::ser::Error::custom("not a string"))
        }

        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, ValueError> {
            Err(serde::ser::Error::custom("not a string"))
        }

        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, ValueError> {
            Err(serde::ser::Error::custom("not a string"))
        }

        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, ValueError> {
            Err(serde::ser::Error::custom("not a string"))
        }

        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, ValueError> {
            Err(serde::ser::Error::custom("not a string"))
        }

        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, ValueError> {
            Err(serde::ser::Error::custom("not a string"))
        }
    }

    /// Any valid period.
    fn any_period() -> impl Strategy<Value = Period> {
        let year = MIN_YEAR..=MAX_YEAR;
        prop_oneof![
            year.clone().prop_map(Period::Year),
            (year.clone(), 1..=2u8).prop_map(|(year, half)| Period::HalfYear { year, half }),
            (year.clone(), 1..=4u8).prop_map(|(year, quarter)| Period::Quarter { year, quarter }),
            (year.clone(), 1..=12u8).prop_map(|(year, month)| Period::Month { year, month }),
            (MIN_YEAR..MAX_YEAR, 1..MAX_PHASE_YEARS).prop_map(|(from, len)| Period::Phase {
                from,
                to: (from + len).min(MAX_YEAR),
            }),
            year.prop_map(Period::ActionMonth),
        ]
    }

    proptest! {
        #[test]
        fn identifier_round_trip(period in any_period()) {
            let id = period.to_string();
            prop_assert_eq!(id.parse::<Period>(), Ok(period));
            prop_assert_eq!(format!("  {}\t", id.to_lowercase()).parse::<Period>(), Ok(period));
            prop_assert_eq!(period.validate(), Ok(()));
        }

        #[test]
        fn serde_round_trip(period in any_period()) {
            let text = period.serialize(StrSerializer).unwrap();
            let de: StrDeserializer<'_, ValueError> = text.as_str().into_deserializer();
            prop_assert_eq!(Period::deserialize(de), Ok(period));
        }

        #[test]
        fn interval_is_consistent(period in any_period()) {
            let (start, end) = (period.start(), period.end());
            prop_assert!(start <= end);
            prop_assert!(period.contains_date(start) && period.contains_date(end));
            prop_assert!(!period.contains_date(start.previous_day().unwrap()));
            prop_assert!(!period.contains_date(end.next_day().unwrap()));
            prop_assert_eq!(period.milestone_year(), end.year());
        }

        #[test]
        fn steps_are_inverse(period in any_period()) {
            prop_assert_eq!(period.next().previous(), period);
            prop_assert_eq!(period.previous().next(), period);
            prop_assert_eq!(period.next().period_type(), period.period_type());
            prop_assert!(period.sort_key() < period.next().sort_key());
        }

        #[test]
        fn consecutive_periods_tile(period in any_period()) {
            let next = period.next();
            let (cut_from, cut_to) = period.data_cutoff();
            prop_assert!(cut_from < cut_to);
            if period.period_type() == PeriodType::ActionMonth {
                prop_assert_eq!((cut_from, cut_to), (period.start(), period.end()));
            } else {
                // Calendar intervals and cut-off windows both meet without gap or overlap.
                prop_assert_eq!(next.start(), period.end().next_day().unwrap());
                prop_assert_eq!(next.data_cutoff().0, cut_to.next_day().unwrap());
                prop_assert!(cut_from < period.start() && cut_to < period.end());
                prop_assert_eq!(cut_to.day(), 14);
                prop_assert_eq!(cut_to.month(), period.end().month());
            }
        }

        #[test]
        fn parse_never_panics(s in "[0-9HQMAhqm \\-–]{0,12}") {
            if let Ok(period) = s.parse::<Period>() {
                prop_assert_eq!(period.to_string().parse::<Period>(), Ok(period));
                let _ = (period.start(), period.end(), period.data_cutoff());
            }
        }
    }
}
