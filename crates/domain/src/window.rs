//! Windows of time a figure can be asked for: a [`Period`] (`2024`, `2021-2025`), a range of
//! periods (`2021..2024H1`: from the first's first day to the second's last) or exact dates
//! (`2021-01-01..2024-07-31`, a law review's window).
//!
//! Data is entered for periods, never for a window; a window's figure is built from the
//! periods it is made of ([`Window::parts`]): each whole year inside it, and of a year it only
//! partly covers, the halves, quarters or months that lie wholly inside. Days of a month the
//! window only partly covers are not counted (the window's [`Window::uncovered_days`] says how
//! many), since no data is entered by the day.

use crate::Period;
use crate::period::{MAX_PHASE_YEARS, PeriodError};
use std::fmt;
use std::str::FromStr;
use time::{Date, Month};

/// A span of time to build figures over (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    start: Date,
    end: Date,
    shape: Shape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Shape {
    Period(Period),
    Range(Period, Period),
    Dates,
}

/// Why a text is not a window. `Display` is English; see [`WindowError::message_vi`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("{0}")]
    Period(#[from] PeriodError),
    #[error("`{input}` is not a date window: dates are written YYYY-MM-DD, e.g. 2021-01-01..2024-07-31")]
    Date { input: String },
    #[error("`{input}` ends before it starts: write the earlier end first, e.g. 2021..2024H1")]
    Order { input: String },
    #[error("`{input}` spans more than {MAX_PHASE_YEARS} years")]
    TooLong { input: String },
}

impl WindowError {
    /// The same message in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Period(e) => e.message_vi(),
            Self::Date { input } => format!(
                "`{input}` không phải khoảng thời gian hợp lệ: ngày viết theo dạng NNNN-TT-NN, ví dụ 2021-01-01..2024-07-31"
            ),
            Self::Order { input } => {
                format!("`{input}` kết thúc trước khi bắt đầu: hãy viết mốc sớm hơn trước, ví dụ 2021..2024H1")
            }
            Self::TooLong { input } => format!("`{input}` dài quá {MAX_PHASE_YEARS} năm"),
        }
    }
}

fn iso_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

impl FromStr for Window {
    type Err = WindowError;

    fn from_str(input: &str) -> Result<Self, WindowError> {
        let s = input.trim();
        let Some((a, b)) = s.split_once("..") else {
            return Ok(Window::from(s.parse::<Period>()?));
        };
        let quoted: String = s.chars().take(40).collect();
        let looks_like_date = |t: &str| t.trim().len() == 10 && t.trim().matches('-').count() == 2;
        let window = if looks_like_date(a) || looks_like_date(b) {
            let (Some(start), Some(end)) = (iso_date(a), iso_date(b)) else {
                return Err(WindowError::Date { input: quoted });
            };
            Window {
                start,
                end,
                shape: Shape::Dates,
            }
        } else {
            let (first, last): (Period, Period) = (a.parse()?, b.parse()?);
            Window {
                start: first.start(),
                end: last.end(),
                shape: Shape::Range(first, last),
            }
        };
        if window.end < window.start {
            return Err(WindowError::Order { input: quoted });
        }
        if window.end.year() - window.start.year() >= MAX_PHASE_YEARS {
            return Err(WindowError::TooLong { input: quoted });
        }
        Ok(window)
    }
}

impl From<Period> for Window {
    fn from(period: Period) -> Self {
        Window {
            start: period.start(),
            end: period.end(),
            shape: Shape::Period(period),
        }
    }
}

impl From<&Period> for Window {
    fn from(period: &Period) -> Self {
        Window::from(*period)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shape {
            Shape::Period(p) => write!(f, "{p}"),
            Shape::Range(a, b) => write!(f, "{a}..{b}"),
            Shape::Dates => write!(f, "{}..{}", self.start, self.end),
        }
    }
}

fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

impl Window {
    /// The period the window is, when it is exactly one (`2024`, `2021-2025`).
    pub fn period(&self) -> Option<Period> {
        match self.shape {
            Shape::Period(p) => Some(p),
            _ => None,
        }
    }

    /// First day covered.
    pub fn start(&self) -> Date {
        self.start
    }

    /// Last day covered (inclusive).
    pub fn end(&self) -> Date {
        self.end
    }

    /// The year whose targets apply: the year the window ends in.
    pub fn milestone_year(&self) -> i32 {
        match self.shape {
            Shape::Period(p) => p.milestone_year(),
            _ => self.end.year(),
        }
    }

    /// The periods data is read from, in time order: the window itself when it is a
    /// period other than a phase; a phase's years; a range's or dates' whole years, then
    /// the largest halves, quarters or months inside the rest.
    pub fn parts(&self) -> Vec<Period> {
        if let Shape::Period(p) = self.shape
            && !matches!(p, Period::Phase { .. })
        {
            return vec![p];
        }
        let inside = |p: &Period| self.start <= p.start() && p.end() <= self.end;
        let mut out = Vec::new();
        for year in self.start.year()..=self.end.year() {
            let whole = Period::Year(year);
            if inside(&whole) {
                out.push(whole);
                continue;
            }
            for half in 1..=2u8 {
                let h = Period::HalfYear { year, half };
                if inside(&h) {
                    out.push(h);
                    continue;
                }
                for quarter in (half * 2 - 1)..=(half * 2) {
                    let q = Period::Quarter { year, quarter };
                    if inside(&q) {
                        out.push(q);
                        continue;
                    }
                    out.extend(
                        (quarter * 3 - 2..=quarter * 3)
                            .map(|month| Period::Month { year, month })
                            .filter(inside),
                    );
                }
            }
        }
        out
    }

    /// Days of the window that no part covers (a window that starts or ends inside a month).
    pub fn uncovered_days(&self) -> i64 {
        let covered: i64 = self
            .parts()
            .iter()
            .map(|p| (p.end() - p.start()).whole_days() + 1)
            .sum();
        (self.end - self.start).whole_days() + 1 - covered
    }

    /// Vietnamese label: the period's own, or `Từ 01/01/2021 đến 30/06/2024`.
    pub fn label_vi(&self) -> String {
        match self.shape {
            Shape::Period(p) => p.label_vi(),
            _ => format!("Từ {} đến {}", dmy(self.start), dmy(self.end)),
        }
    }

    /// English label: the period's own, or `From 01/01/2021 to 30/06/2024`.
    pub fn label_en(&self) -> String {
        match self.shape {
            Shape::Period(p) => p.label_en(),
            _ => format!("From {} to {}", dmy(self.start), dmy(self.end)),
        }
    }
}

/// The periods that stand in for `part` when nothing was entered for it: a year's halves.
pub fn substitutes(part: &Period) -> Vec<Period> {
    match *part {
        Period::Year(year) => vec![Period::HalfYear { year, half: 1 }, Period::HalfYear { year, half: 2 }],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(w: &str) -> Vec<String> {
        w.parse::<Window>()
            .unwrap()
            .parts()
            .iter()
            .map(Period::to_string)
            .collect()
    }

    #[test]
    fn a_phase_is_its_years_and_a_year_is_itself() {
        assert_eq!(ids("2021-2025"), ["2021", "2022", "2023", "2024", "2025"]);
        assert_eq!(ids("2024"), ["2024"]);
        assert_eq!(ids("2024AM"), ["2024AM"]);
        assert_eq!(substitutes(&Period::Year(2024)).len(), 2);
    }

    #[test]
    fn a_range_of_periods_runs_from_the_first_day_of_one_to_the_last_of_the_other() {
        assert_eq!(ids("2021..2024H1"), ["2021", "2022", "2023", "2024H1"]);
        let w: Window = "2021..2024H1".parse().unwrap();
        assert_eq!(w.to_string(), "2021..2024H1");
        assert_eq!(w.milestone_year(), 2024);
        assert_eq!(w.label_vi(), "Từ 01/01/2021 đến 30/06/2024");
        assert_eq!(w.uncovered_days(), 0);
        assert_eq!(ids("2023Q2..2023M08"), ["2023Q2", "2023M07", "2023M08"]);
    }

    #[test]
    fn a_date_window_counts_whole_months_and_says_what_it_leaves_out() {
        assert_eq!(
            ids("2021-01-01..2024-07-31"),
            ["2021", "2022", "2023", "2024H1", "2024M07"]
        );
        let w: Window = "2021-01-01..2024-07-20".parse().unwrap();
        assert_eq!(w.parts().last().unwrap().to_string(), "2024H1");
        assert_eq!(w.uncovered_days(), 20);
        assert_eq!(w.to_string(), "2021-01-01..2024-07-20");
    }

    #[test]
    fn bad_windows_are_refused_with_a_reason() {
        assert!(matches!("2024..2021".parse::<Window>(), Err(WindowError::Order { .. })));
        assert!(matches!(
            "2021-13-01..2022-01-01".parse::<Window>(),
            Err(WindowError::Date { .. })
        ));
        assert!(matches!(
            "2001..2024".parse::<Window>(),
            Err(WindowError::TooLong { .. })
        ));
        assert!(matches!("2021..20x".parse::<Window>(), Err(WindowError::Period(_))));
        let e = "2024..2021".parse::<Window>().unwrap_err();
        assert!(
            e.message_vi().contains("kết thúc trước khi bắt đầu"),
            "{}",
            e.message_vi()
        );
    }
}
