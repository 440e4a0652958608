//! The figures of a phase (requests, errors, rate, latency percentiles) and how they compare with the baseline.

use super::requests::{Kind, Outcome, Sample};
use crate::bench::stats::ms;
use std::collections::BTreeMap;
use std::time::Duration;

/// The figures of one kind of request in one phase.
#[derive(Debug, Clone, Default)]
pub(super) struct Figures {
    pub(super) sent: usize,
    pub(super) answered: usize,
    /// Answers that are not 2xx or 3xx, by status.
    pub(super) statuses: BTreeMap<u16, usize>,
    pub(super) timeouts: usize,
    pub(super) connection: usize,
    pub(super) per_second: f64,
    pub(super) p50: Duration,
    pub(super) p95: Duration,
    pub(super) p99: Duration,
}

impl Figures {
    pub(super) fn of(samples: &[Sample], keep: impl Fn(Kind) -> bool, elapsed: Duration) -> Figures {
        let mut f = Figures::default();
        let mut latencies = Vec::new();
        for s in samples.iter().filter(|s| keep(s.kind)) {
            f.sent += 1;
            match s.outcome {
                Outcome::Status(code) => {
                    f.answered += 1;
                    latencies.push(s.latency);
                    if !(200..400).contains(&code) {
                        *f.statuses.entry(code).or_default() += 1;
                    }
                }
                Outcome::Timeout => f.timeouts += 1,
                Outcome::Connection => f.connection += 1,
            }
        }
        latencies.sort();
        let at = |q: f64| {
            if latencies.is_empty() {
                Duration::ZERO
            } else {
                latencies[((latencies.len() as f64 - 1.0) * q).round() as usize]
            }
        };
        f.p50 = at(0.5);
        f.p95 = at(0.95);
        f.p99 = at(0.99);
        f.per_second = if elapsed.is_zero() {
            0.0
        } else {
            f.answered as f64 / elapsed.as_secs_f64()
        };
        f
    }

    pub(super) fn server_errors(&self) -> usize {
        self.statuses.iter().filter(|(s, _)| **s >= 500).map(|(_, n)| n).sum()
    }

    pub(super) fn errors(&self) -> String {
        let mut parts: Vec<String> = self.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        if self.timeouts > 0 {
            parts.push(format!("timeout×{}", self.timeouts));
        }
        if self.connection > 0 {
            parts.push(format!("connection×{}", self.connection));
        }
        if parts.is_empty() {
            "–".into()
        } else {
            parts.join(", ")
        }
    }
}

/// `a` as a multiple of the baseline `b`, to two significant digits below 10.
pub(super) fn times(a: f64, b: f64) -> String {
    if !(b > 0.0 && a.is_finite()) {
        return "×–".into();
    }
    let r = a / b;
    if r >= 10.0 {
        format!("×{r:.0}")
    } else if r > 0.0 {
        let decimals = (1 - r.log10().floor() as i32).max(1) as usize;
        format!("×{r:.decimals$}")
    } else {
        "×0".into()
    }
}

pub(super) fn latency_vs(d: Duration, health: Duration) -> String {
    if d.is_zero() {
        return "–".into();
    }
    format!("{} ({})", ms(d), times(d.as_secs_f64(), health.as_secs_f64()))
}

pub(super) fn rate(per_second: f64) -> String {
    if per_second >= 100.0 {
        format!("{per_second:.0}/s")
    } else {
        format!("{per_second:.1}/s")
    }
}
