//! The pure model of binhdang: what a unit, a period, an indicator and a data value
//! are, and the rules that hold for them whatever the storage. Nothing here does I/O,
//! so every rule can be tested with plain values.
//!
//! Data flows `domain` → `store` → `web`/`binhdang`; the later crates only persist
//! and serve what this crate defines.

pub mod access;
pub mod assessment;
pub mod calendar;
pub mod catalogue;
pub mod codes;
pub mod disclosure;
pub mod exchange;
pub mod figure;
pub mod input;
pub mod period;
pub mod plan;
pub mod register;
pub mod rollup;
pub mod rules;
pub mod severity;
pub mod shipped;
pub mod unit;
pub mod value;
pub mod vn;
pub mod window;
pub mod workflow;

pub use catalogue::*;
pub use codes::{CodeError, ElementCode, IndicatorCode};
pub use period::{Period, PeriodError, PeriodType};
pub use severity::Severity;
pub use unit::*;
pub use value::*;
pub use window::{Window, WindowError};
