//! Data as rules see it: the cells entered for one unit and period ([`Cells`]) and the
//! [`Scope`] an expression is evaluated on.

use super::{FindingValue, Reference};
use crate::{Disaggregation, Period};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One entered number and its comment (the officer's explanation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellValue {
    pub value: Decimal,
    pub comment: Option<String>,
}

/// The numbers entered for one unit and one period, by element and disaggregation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells {
    cells: BTreeMap<(String, Disaggregation), CellValue>,
}

impl Cells {
    pub fn new() -> Cells {
        Cells::default()
    }

    pub fn insert(&mut self, element: impl Into<String>, d: Disaggregation, value: Decimal, comment: Option<String>) {
        let comment = comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        self.cells.insert((element.into(), d), CellValue { value, comment });
    }

    /// Builder form of [`Cells::insert`] without a comment.
    pub fn with(mut self, element: &str, d: Disaggregation, value: Decimal) -> Cells {
        self.insert(element, d, value, None);
        self
    }

    pub fn get(&self, element: &str, d: Disaggregation) -> Option<&CellValue> {
        self.cells.get(&(element.to_string(), d))
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn cells(&self) -> impl Iterator<Item = (&str, Disaggregation, &CellValue)> {
        self.cells.iter().map(|((e, d), c)| (e.as_str(), *d, c))
    }

    /// The effective total: the entered total, or else the sum of the entered parts.
    pub fn total(&self, element: &str) -> Option<Decimal> {
        self.resolve(element, None)
    }

    /// The value a reference names (see [`Reference::disaggregation`]).
    pub fn resolve(&self, element: &str, d: Option<Disaggregation>) -> Option<Decimal> {
        let sources = self.sources(element, d);
        if sources.is_empty() {
            return None;
        }
        sources
            .iter()
            .try_fold(Decimal::ZERO, |acc, (_, c)| acc.checked_add(c.value))
    }

    /// What the outlier test compares for `element` and `d`: the entered male or female
    /// value, and for the total the effective total ([`Cells::total`]), so that a unit
    /// that entered only the parts still has a total to compare.
    pub fn outlier_value(&self, element: &str, d: Disaggregation) -> Option<Decimal> {
        self.resolve(element, (d != Disaggregation::Total).then_some(d))
    }

    /// The entered cells a reference reads.
    fn sources(&self, element: &str, d: Option<Disaggregation>) -> Vec<(Disaggregation, &CellValue)> {
        let get = |d| self.get(element, d).map(|c| (d, c));
        match d {
            Some(d) => get(d).into_iter().collect(),
            None => match get(Disaggregation::Total) {
                Some(total) => vec![total],
                // An element has the parts of one combination only.
                None => Disaggregation::parts().iter().copied().filter_map(get).collect(),
            },
        }
    }
}

/// What an expression is evaluated on: one unit's values for a period and the period before.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub period: Period,
    pub current: &'a Cells,
    pub previous: &'a Cells,
}

impl Scope<'_> {
    pub fn resolve(&self, r: &Reference) -> Option<Decimal> {
        self.data(r).resolve(&r.element, r.disaggregation)
    }

    fn data(&self, r: &Reference) -> &Cells {
        if r.previous { self.previous } else { self.current }
    }

    /// The entered values behind the references, once each, in order; and whether any
    /// current one carries a comment.
    pub(super) fn values_of<'r>(&self, refs: impl IntoIterator<Item = &'r Reference>) -> (Vec<FindingValue>, bool) {
        let mut out: Vec<FindingValue> = Vec::new();
        let mut commented = false;
        for r in refs {
            let period = r.previous.then(|| self.period.previous());
            for (d, cell) in self.data(r).sources(&r.element, r.disaggregation) {
                let v = FindingValue {
                    element: r.element.clone(),
                    disaggregation: d,
                    period,
                    value: cell.value,
                };
                if !out.contains(&v) {
                    commented |= !r.previous && cell.comment.is_some();
                    out.push(v);
                }
            }
        }
        (out, commented)
    }
}
