//! Which indicators a user may enter: an officer tied to an agency (a department, the
//! Women's Union…) enters only the indicators that agency answers for; everyone else enters
//! whatever their unit collects. This is the one place the rule is written.

use binhdang_domain::access::Role;
use binhdang_domain::input::FieldProblem;
use binhdang_store::{Store, StoreError, User, ValueInput};

/// The agency whose indicators bound what `user` may enter, if any.
pub fn agency_of(user: &User) -> Option<&str> {
    user.agency_code.as_deref().filter(|_| user.role == Role::Officer)
}

/// Whether `user` may enter the indicator `indicator` (a code such as `6.1`).
pub async fn may_enter(store: &Store, user: &User, indicator: &str) -> Result<bool, StoreError> {
    match agency_of(user) {
        Some(agency) => store.agency_covers(agency, indicator).await,
        None => Ok(true),
    }
}

/// The indicator a data element code belongs to (`6.1.num` → `6.1`).
pub fn indicator_of(element: &str) -> &str {
    element.rsplit_once('.').map(|(i, _)| i).unwrap_or(element)
}

/// The inputs `user` may not enter, each named by its field (`values[3].element`); empty
/// when all are allowed.
pub async fn refuse_outside_agency(
    store: &Store,
    user: &User,
    inputs: &[ValueInput],
) -> Result<Vec<FieldProblem>, StoreError> {
    let Some(agency) = agency_of(user) else {
        return Ok(Vec::new());
    };
    let mut problems = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let indicator = indicator_of(&input.element);
        if !store.agency_covers(agency, indicator).await? {
            problems.push(FieldProblem::new(
                format!("values[{i}].element"),
                "outside_agency",
                format!("agency {agency} does not answer for indicator {indicator}"),
                format!("Cơ quan {agency} không phụ trách chỉ tiêu {indicator}"),
            ));
        }
    }
    Ok(problems)
}
