//! Live roll-up, the pure part: what one unit's entered values contribute to the sums of
//! every unit above it, and how a save changes those contributions. The store applies the
//! changes to its sums tables in the save's own transaction; `binhdang verify` recomputes
//! them from the stored values with the same functions.

use crate::{DataElement, Disaggregation, ElementRole, ValueType};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// One cell of an aggregate: a sum and how many units contributed to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AggregateCell {
    pub sum: Decimal,
    pub reporting: i64,
}

/// What one unit's entered values contribute to its ancestors' cells for one element:
/// each entered part, and the total (entered, or else the sum of the entered parts).
pub fn contributions(
    element: &DataElement,
    entered: &BTreeMap<Disaggregation, Decimal>,
) -> BTreeMap<Disaggregation, Decimal> {
    let mut out = BTreeMap::new();
    if !rolls_up(element) || entered.is_empty() {
        return out;
    }
    for (d, v) in entered {
        out.insert(*d, *v);
    }
    if !element.category_combo.parts().is_empty() && !entered.contains_key(&Disaggregation::Total) {
        out.insert(Disaggregation::Total, entered.values().copied().sum());
    }
    out
}

/// Stated rates and text are not summed.
pub fn rolls_up(element: &DataElement) -> bool {
    element.role != ElementRole::Rate && element.value_type != ValueType::Text
}

/// The change of one cell, to apply to every ancestor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delta {
    pub sum: Decimal,
    pub reporting: i64,
}

/// Differences between two contribution maps.
pub fn deltas(
    before: &BTreeMap<Disaggregation, Decimal>,
    after: &BTreeMap<Disaggregation, Decimal>,
) -> Vec<(Disaggregation, Delta)> {
    let keys: BTreeSet<_> = before.keys().chain(after.keys()).copied().collect();
    keys.into_iter()
        .filter_map(|d| {
            let (b, a) = (before.get(&d), after.get(&d));
            let delta = Delta {
                sum: a.copied().unwrap_or_default() - b.copied().unwrap_or_default(),
                reporting: i64::from(a.is_some()) - i64::from(b.is_some()),
            };
            (delta.sum != Decimal::ZERO || delta.reporting != 0).then_some((d, delta))
        })
        .collect()
}
