//! Samples of durations (first, median, p95, max) and how durations, sizes and counts are printed.

use std::time::Duration;

/// Median, 95th percentile and maximum of a sample.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Stats {
    pub(super) first: Duration,
    pub(super) median: Duration,
    pub(super) p95: Duration,
    pub(super) max: Duration,
}

pub(super) fn stats(first: Duration, mut sample: Vec<Duration>) -> Stats {
    sample.sort();
    if sample.is_empty() {
        return Stats {
            first,
            ..Default::default()
        };
    }
    let at = |q: f64| sample[((sample.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        first,
        median: at(0.5),
        p95: at(0.95),
        max: *sample.last().unwrap_or(&Duration::ZERO),
    }
}

pub(super) fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else if v >= 10.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.2} ms")
    }
}

pub(super) fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

pub(super) fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / 1024.0 / 1024.0)
}

pub(super) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
