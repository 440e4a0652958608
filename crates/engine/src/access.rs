//! Whether a user may do something with a unit's data: the role and where the unit stands
//! relative to the user's own (`binhdang_domain::access`), read through the store's ancestors
//! so that scopes follow the 2025 reform. A refusal is written in the audit log. The web
//! server and the command line ask here alike.

use binhdang_domain::access::{Action, permits};
use binhdang_store::{AuditEntry, Store, StoreError, UnitSummary, User};

/// Why a request was refused: a sentence in each language, or the database failed.
#[derive(Debug)]
pub enum AccessError {
    Denied { message_en: String, message_vi: String },
    Store(StoreError),
}

impl From<StoreError> for AccessError {
    fn from(e: StoreError) -> Self {
        AccessError::Store(e)
    }
}

/// Allows `action` on `unit`'s data for `user`, or refuses it (audited as `access.denied`).
pub async fn authorize(
    store: &Store,
    user: &User,
    origin: &str,
    unit: &UnitSummary,
    action: Action,
) -> Result<(), AccessError> {
    let reach = store.reach(user, unit).await?;
    if permits(user.role, reach, action) {
        return Ok(());
    }
    store
        .audit(&AuditEntry {
            actor: &user.username,
            origin,
            action: "access.denied",
            unit_id: Some(unit.id),
            period: None,
            subject: action.as_str(),
            old_value: None,
            new_value: None,
            reason: None,
        })
        .await?;
    Err(AccessError::Denied {
        message_en: format!(
            "{} ({}, {}) may not {} the data of {}",
            user.username,
            user.role,
            user.unit.full_name,
            action.as_str(),
            unit.full_name
        ),
        message_vi: format!(
            "Tài khoản {} ({}, {}) không có quyền {} số liệu của {}",
            user.username,
            user.role.name_vi(),
            user.unit.full_name,
            action.verb_vi(),
            unit.full_name
        ),
    })
}
