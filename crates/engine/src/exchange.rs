//! Importing a data value set from a DHIS2-family system (JSON, XML, CSV or ADX, read by
//! `binhdang_domain::exchange`): values grouped by org unit and period, each group authorized
//! for the importing user and saved as one form is — checked, audited with its source, rolled
//! up, refused whole while its report is locked — and counted as DHIS2 counts an import. The
//! API and `binhdang exchange import` both come here.

use crate::Refusal;
use crate::access::{AccessError, authorize};
use binhdang_domain::Disaggregation;
use binhdang_domain::Period;
use binhdang_domain::access::Action;
use binhdang_domain::exchange::{
    DataValue, DataValueSet, XmlKind, combo_of, disaggregation_of, from_adx, from_csv, from_dhis2_period, from_dxf2,
    xml_kind,
};
use binhdang_store::{Actor, RawValue, Store, StoreError, StoredValue, UnitSummary, User, ValueInput};
use serde::Serialize;
use std::collections::BTreeMap;

/// One rejected group or value, as DHIS2 names a conflict.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub object: String,
    pub value: String,
    pub indexes: Vec<usize>,
}

/// What an import did: DHIS2's `importCount`, its conflicts and the rejected values' indexes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    pub imported: usize,
    pub updated: usize,
    pub deleted: usize,
    pub ignored: usize,
    pub conflicts: Vec<Conflict>,
    pub rejected: Vec<usize>,
    pub dry_run: bool,
    /// How many values the set held.
    pub total: usize,
}

impl ImportSummary {
    fn conflict(&mut self, indexes: &[usize], object: &str, message: String) {
        self.conflicts.push(Conflict {
            object: object.to_string(),
            value: message,
            indexes: indexes.to_vec(),
        });
        self.rejected.extend_from_slice(indexes);
        self.ignored += indexes.len();
    }

    /// `SUCCESS` (every value went in), `WARNING` (some were rejected) or `ERROR` (none could).
    pub fn status(&self) -> &'static str {
        match (self.rejected.len(), self.total) {
            (0, _) => "SUCCESS",
            (r, n) if r < n => "WARNING",
            _ => "ERROR",
        }
    }
}

/// The values entered for `unit` (and with `children`, for every unit below it) for `period`,
/// each with its unit's code.
pub async fn stored_values(
    store: &Store,
    unit: &UnitSummary,
    period: &Period,
    children: bool,
) -> Result<Vec<(String, StoredValue)>, StoreError> {
    if children {
        store.values_in_subtree(unit, period).await
    } else {
        let own = store.values(unit, period).await?;
        Ok(own.into_iter().map(|v| (unit.code.to_string(), v)).collect())
    }
}

/// Stored values as a data value set of `org_unit` for the DHIS2 period `period_id`, in the
/// other system's codes where the exchange table has them.
pub async fn value_set(
    store: &Store,
    org_unit: &str,
    period_id: &str,
    values: Vec<(String, StoredValue)>,
) -> Result<DataValueSet, StoreError> {
    let data_values = values
        .into_iter()
        .map(|(org_unit, v)| DataValue {
            data_element: v.element.to_string(),
            period: Some(period_id.to_string()),
            org_unit: Some(org_unit),
            category_option_combo: combo_of(v.disaggregation).map(str::to_string),
            value: v.value.or(v.text),
            comment: v.comment,
            stored_by: Some(v.updated_by),
            last_updated: Some(v.updated_at),
            ..DataValue::default()
        })
        .collect();
    let mut set = DataValueSet {
        period: Some(period_id.to_string()),
        org_unit: Some(org_unit.to_string()),
        data_values,
        ..DataValueSet::default()
    };
    store.exchange_codes().await?.outgoing(&mut set);
    Ok(set)
}

/// A data value set in whichever format a file holds it: JSON (`{`), XML — DHIS2's or ADX, by
/// the root element — (`<`), else DHIS2's CSV.
pub fn from_any(text: &str) -> Result<DataValueSet, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| format!("not a dataValueSet in JSON: {e}"));
    }
    if trimmed.starts_with('<') {
        return match xml_kind(trimmed) {
            Some(XmlKind::Dxf2) => from_dxf2(trimmed).map_err(|e| format!("DHIS2 XML: {e}")),
            Some(XmlKind::Adx) => from_adx(trimmed).map_err(|e| format!("ADX: {e}")),
            None => Err("an XML document that is neither a dataValueSet nor ADX".into()),
        };
    }
    from_csv(trimmed).map_err(|e| format!("DHIS2 CSV: {e}"))
}

/// A period as DHIS2 (`2024S1`) or binhdang (`2024H1`) writes it.
pub fn period_of(text: &str) -> Option<Period> {
    from_dhis2_period(text).or_else(|| text.parse().ok())
}

/// Imports `set` as `user` (from `origin`, for the audit trail); with `dry_run` everything is
/// checked and counted, nothing written. A refusal of a group is a conflict; only a fault of
/// the database ends the import (groups already saved stay saved, as in DHIS2).
pub async fn import(
    store: &Store,
    user: &User,
    origin: &str,
    set: &DataValueSet,
    dry_run: bool,
) -> Result<ImportSummary, StoreError> {
    let mut set = set.clone();
    store.exchange_codes().await?.incoming(&mut set);
    let set = &set;
    let mut summary = ImportSummary {
        dry_run,
        total: set.data_values.len(),
        ..ImportSummary::default()
    };
    let mut groups: BTreeMap<(String, String), Vec<(usize, ValueInput)>> = BTreeMap::new();
    for (i, v) in set.data_values.iter().enumerate() {
        let org_unit = v.org_unit.as_deref().or(set.org_unit.as_deref()).unwrap_or("").trim();
        let period_text = v.period.as_deref().or(set.period.as_deref()).unwrap_or("");
        let Some(period) = period_of(period_text) else {
            summary.conflict(
                &[i],
                period_text,
                format!("`{period_text}` is not a period (2024, 2024S1, 2024Q3, 202403)"),
            );
            continue;
        };
        let Some(d) = disaggregation_of(v.category_option_combo.as_deref()) else {
            let combo = v.category_option_combo.clone().unwrap_or_default();
            summary.conflict(
                &[i],
                &combo,
                format!("`{combo}` is not a category option combo: male, female or default"),
            );
            continue;
        };
        let value = match (&v.value, v.deleted.unwrap_or(false)) {
            (_, true) | (None, _) => RawValue::Null,
            (Some(text), false) => RawValue::Text(text.clone()),
        };
        let input = ValueInput {
            element: v.data_element.trim().to_string(),
            disaggregation: Some(d.as_str().to_string()),
            value,
            comment: v.comment.clone(),
            source: Some("DHIS2 dataValueSet".into()),
            expected: None,
        };
        groups
            .entry((org_unit.to_string(), period.to_string()))
            .or_default()
            .push((i, input));
    }
    for ((org_unit, period), values) in groups {
        let group = Group {
            user,
            origin,
            org_unit: &org_unit,
            period: &period,
            dry_run,
        };
        group.import(store, values, &mut summary).await?;
    }
    Ok(summary)
}

/// One org unit × period of an import.
struct Group<'a> {
    user: &'a User,
    origin: &'a str,
    org_unit: &'a str,
    period: &'a str,
    dry_run: bool,
}

impl Group<'_> {
    /// Resolved, authorized, counted against what is stored, and (unless a dry run) saved.
    async fn import(
        &self,
        store: &Store,
        values: Vec<(usize, ValueInput)>,
        summary: &mut ImportSummary,
    ) -> Result<(), StoreError> {
        let indexes: Vec<usize> = values.iter().map(|(i, _)| *i).collect();
        let (unit, period) = match store.resolve_unit_period(self.org_unit, self.period).await {
            Ok(found) => found,
            Err(e) => {
                summary.conflict(&indexes, self.org_unit, refusal_text(e)?);
                return Ok(());
            }
        };
        match authorize(store, self.user, self.origin, &unit, Action::Write).await {
            Ok(()) => {}
            Err(AccessError::Denied { message_en, .. }) => {
                summary.conflict(&indexes, self.org_unit, message_en);
                return Ok(());
            }
            Err(AccessError::Store(e)) => return Err(e),
        }
        let stored = store.values_by_key(&unit, &period).await?;
        let inputs: Vec<ValueInput> = values.into_iter().map(|(_, v)| v).collect();
        let refused = if self.dry_run {
            store
                .check_values(&unit, &period, &inputs)
                .await
                .err()
                .map(Refusal::Store)
        } else {
            crate::save::write(store, self.user, &unit, &period, &inputs, &self.actor(&unit))
                .await
                .err()
        };
        match refused {
            None => {}
            Some(Refusal::OutsideScope(problems)) => {
                let text = problems
                    .iter()
                    .map(|p| p.message_en.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                summary.conflict(&indexes, self.org_unit, text);
                return Ok(());
            }
            Some(Refusal::Store(e)) => {
                summary.conflict(&indexes, self.org_unit, refusal_text(e)?);
                return Ok(());
            }
        }
        for v in &inputs {
            let d = v
                .disaggregation
                .as_deref()
                .and_then(|d| d.parse().ok())
                .unwrap_or(Disaggregation::Total);
            let old = v.element.parse().ok().and_then(|element| stored.get(&(element, d)));
            match (&v.value, old) {
                (RawValue::Null, Some(_)) => summary.deleted += 1,
                (RawValue::Null, None) => summary.ignored += 1,
                (_, None) => summary.imported += 1,
                (RawValue::Text(t), Some(old)) if old.value.as_deref() == Some(t.as_str()) => summary.ignored += 1,
                (_, Some(_)) => summary.updated += 1,
            }
        }
        Ok(())
    }

    /// The importing user, on the unit's behalf when it is not their own.
    fn actor(&self, unit: &UnitSummary) -> Actor {
        Actor {
            name: self.user.username.clone(),
            origin: self.origin.to_string(),
            entered_from: (self.user.unit.code != unit.code).then(|| self.user.unit.code.to_string()),
        }
    }
}

/// A refusal as one line of the import's conflicts; a fault (the database busy or failing) is
/// not a refusal and ends the import.
fn refusal_text(e: StoreError) -> Result<String, StoreError> {
    match e {
        StoreError::Invalid(problems) | StoreError::Changed(problems) => Ok(problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message_en))
            .collect::<Vec<_>>()
            .join("; ")),
        e @ StoreError::NotFound { .. } => Ok(e.to_string()),
        other => Err(other),
    }
}
