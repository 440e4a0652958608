//! The one source of "now" and "today" for the whole system.
//!
//! What is open for entry, which period a page opens on, whether a report is late and when a
//! session ends all depend on the date. Reading the system clock in each place made the
//! behaviour (and the tests) change with the day they ran on; every such decision now asks
//! the [`Clock`] held by the [`crate::Store`]. A pinned clock starts at noon (UTC) of the
//! pinned day and then runs at the real pace, so sessions still expire and audit rows keep
//! their order, while "today" stays that day for the next twelve hours.

use std::time::Instant;
use time::{Date, OffsetDateTime, Time};

/// The environment setting that pins the server's clock (`binhdang --today` sets it too).
pub const TODAY_VARIABLE: &str = "BINHDANG_TODAY";

#[derive(Debug, Clone, Copy)]
pub enum Clock {
    /// The machine's clock, in UTC.
    System,
    /// Noon of `date` at the moment `since`, running forward from there.
    Pinned { date: Date, since: Instant },
}

impl Clock {
    /// A clock pinned to `date`.
    pub fn pinned(date: Date) -> Clock {
        Clock::Pinned {
            date,
            since: Instant::now(),
        }
    }

    /// Pinned to `YYYY-MM-DD`, or the reason it cannot be read.
    pub fn parse_pinned(text: &str) -> Result<Clock, String> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        Date::parse(text.trim(), format)
            .map(Clock::pinned)
            .map_err(|e| format!("`{text}` is not a date of the form YYYY-MM-DD: {e}"))
    }

    pub fn now(&self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Pinned { date, since } => {
                let start = date.with_time(Time::MIDNIGHT + time::Duration::hours(12)).assume_utc();
                start + since.elapsed()
            }
        }
    }

    pub fn today(&self) -> Date {
        self.now().date()
    }

    /// The current moment as RFC 3339 text, as timestamps are stored.
    pub fn now_text(&self) -> String {
        self.now()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_pinned_clock_says_its_day_and_runs_forward() {
        let clock = Clock::pinned(date!(2026 - 11 - 20));
        assert_eq!(clock.today(), date!(2026 - 11 - 20));
        let first = clock.now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(clock.now() > first, "time moves on a pinned clock");
        assert_eq!(first.hour(), 12);
    }

    #[test]
    fn only_a_real_date_pins_the_clock() {
        assert!(Clock::parse_pinned("2026-03-08").is_ok());
        let refused = Clock::parse_pinned("08/03/2026").unwrap_err();
        assert!(refused.contains("YYYY-MM-DD"), "{refused}");
        assert!(Clock::parse_pinned("2026-02-30").is_err());
    }
}
