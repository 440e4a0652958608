//! The probe of the saved-value latency: the element written, and what a measurement gives.

use super::stats::Stats;
use binhdang_domain::Period;
use rust_decimal::Decimal;

/// The element written to measure how fast a saved value reaches the national figure.
pub(super) const PROBE_ELEMENT: &str = "4.3.num";

pub(super) const PROBE_INDICATOR: &str = "4.3";

/// How long saving a commune value takes, alone and until the national figure shows it.
#[derive(Debug, Clone)]
pub(super) struct Latency {
    pub(super) period: String,
    pub(super) commune: String,
    pub(super) ancestors: i64,
    pub(super) write: Stats,
    pub(super) write_then_figure: Stats,
}

/// A commune whose probe value is saved again and again: its code, the period, the value it
/// had, and the national numerator before.
pub(super) type Probe = (String, Period, Decimal, Decimal);
