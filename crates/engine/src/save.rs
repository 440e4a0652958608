//! Saving data values: the one write path every channel takes.

use binhdang_domain::Period;
use binhdang_domain::input::FieldProblem;
use binhdang_domain::rules::{Finding, tally};
use binhdang_store::{Actor, Store, StoreError, UnitSummary, User, ValueInput, WriteSummary};

/// Why a save stored nothing.
#[derive(Debug)]
pub enum Refusal {
    /// The user may not enter some of the values (an agency officer outside the agency's
    /// indicators); each problem names its input.
    OutsideScope(Vec<FieldProblem>),
    /// The values are wrong, the report is locked, or the database is busy or failed.
    Store(StoreError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Store(e)
    }
}

/// A save that went through, and what the validation rules say of the report now.
#[derive(Debug)]
pub struct Saved {
    pub summary: WriteSummary,
    pub findings: Vec<Finding>,
    /// Errors (they block submission).
    pub errors: usize,
    pub warnings: usize,
    /// Warnings without an explaining comment (they block submission too).
    pub unexplained_warnings: usize,
}

/// Checks that `user` may enter every value, then writes them: each value checked against
/// the catalogue, the old values read and replaced, the audit rows and the sums of every
/// ancestor written in one transaction that no other save of the same unit and period can
/// interleave with. Nothing is written when anything is refused. The caller has already
/// checked that `user` may write for `unit` at all (its role and scope).
pub async fn write(
    store: &Store,
    user: &User,
    unit: &UnitSummary,
    period: &Period,
    inputs: &[ValueInput],
    actor: &Actor,
) -> Result<WriteSummary, Refusal> {
    let outside = crate::scope::refuse_outside_agency(store, user, inputs).await?;
    if !outside.is_empty() {
        return Err(Refusal::OutsideScope(outside));
    }
    Ok(store.write_values(unit, period, inputs, actor).await?)
}

/// [`write`], then the report's validation (after the commit, so that the findings read
/// what every save so far has stored).
pub async fn save_and_validate(
    store: &Store,
    user: &User,
    unit: &UnitSummary,
    period: &Period,
    inputs: &[ValueInput],
    actor: &Actor,
) -> Result<Saved, Refusal> {
    let summary = write(store, user, unit, period, inputs, actor).await?;
    let findings = store.validate(unit, period).await?;
    let (errors, warnings, unexplained_warnings) = tally(&findings);
    Ok(Saved {
        summary,
        findings,
        errors,
        warnings,
        unexplained_warnings,
    })
}
