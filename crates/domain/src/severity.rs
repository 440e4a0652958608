//! How serious a finding is, everywhere it is used: a register row's problems, a
//! validation rule's findings, and the inconsistencies `binhdang check` finds in a document.

use serde::Serialize;
use std::str::FromStr;

/// An error blocks (a refused row, a submission that cannot go up, an inconsistent figure);
/// a warning is shown and needs someone to explain or look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl FromStr for Severity {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim() {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            _ => Err(()),
        }
    }
}
