//! What a round and a database run produced: the counts, the figures, the verdict of `verify`.

use super::figures::Figures;
use super::officers::Done;
use super::requests::Kind;
use super::verify::Verify;
use binhdang_store::Backend;
use std::time::Duration;

/// What the officers of a round got done, together.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Totals {
    pub(super) saves_ok: usize,
    pub(super) unchanged: usize,
    pub(super) with_errors: usize,
    pub(super) submitted: usize,
    /// Officers who saved at least once.
    pub(super) officers_saved: usize,
}

impl Totals {
    pub(super) fn add(&mut self, d: &Done) {
        self.saves_ok += d.saves_ok;
        self.unchanged += d.unchanged;
        self.with_errors += d.with_errors;
        self.submitted += usize::from(d.submitted);
        self.officers_saved += usize::from(d.saves_ok > 0);
    }
}

/// One round: its officers, what they did, and the verification after it.
#[derive(Debug, Clone)]
pub(super) struct RoundResult {
    pub(super) officers: usize,
    pub(super) busy: usize,
    pub(super) password_officers: usize,
    pub(super) readers: usize,
    pub(super) elapsed: Duration,
    pub(super) abandoned: bool,
    pub(super) health: Figures,
    pub(super) kinds: Vec<(Kind, Figures)>,
    pub(super) all: Figures,
    pub(super) reads: Figures,
    pub(super) saves_planned: usize,
    pub(super) totals: Totals,
    pub(super) verify: Verify,
    pub(super) note: Option<String>,
}

impl RoundResult {
    pub(super) fn figures(&self, kind: Kind) -> Figures {
        self.kinds
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, f)| f.clone())
            .unwrap_or_default()
    }
}

/// One database: how it was prepared and its rounds.
#[derive(Debug, Clone)]
pub(super) struct DatabaseResult {
    pub(super) backend: Backend,
    pub(super) version: String,
    pub(super) prepare: Duration,
    pub(super) accounts: Duration,
    pub(super) units: String,
    pub(super) busy_province: String,
    pub(super) server_start: Duration,
    pub(super) rounds: Vec<RoundResult>,
    pub(super) server_peak_kb: u64,
    pub(super) failure: Option<String>,
}
