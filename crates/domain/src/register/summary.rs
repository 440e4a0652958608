//! Summaries: the totals of a set of rows (a unit's whole subtree, for one period) — the
//! [`Summarise`] trait and the pieces the registers' summaries share.

use super::read::count_json;
use super::{Lists, Register, Sex, Term};
use crate::Period;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// Serialises a whole total as a JSON integer.
pub(super) fn total_json<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    count_json(v, s)
}

pub(super) fn money_json<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&v.normalize())
}

/// How a register sums its rows. `rows` are the rows of one summary, each with the period
/// it was entered for; `lists` gives the names of listed codes.
pub trait Summarise: Register {
    type Summary: Serialize + fmt::Debug + Clone + PartialEq + Send + Sync;
    fn summarise(rows: &[(Period, Self)], lists: &Lists) -> Self::Summary;
}

/// The name of a listed code, or the code itself when it is no longer listed.
pub(super) fn term_names(list: &[Term], code: &str) -> (String, String) {
    list.iter()
        .find(|t| t.code == code)
        .map(|t| (t.name_vi.clone(), t.name_en.clone()))
        .unwrap_or_else(|| (code.to_string(), code.to_string()))
}

/// Groups by code, in list order, codes no longer listed last.
pub(super) fn by_list_order<T>(list: &[Term], mut groups: BTreeMap<String, T>) -> Vec<(String, T)> {
    let mut out: Vec<(String, T)> = list
        .iter()
        .filter_map(|t| groups.remove(&t.code).map(|g| (t.code.clone(), g)))
        .collect();
    out.extend(groups);
    out
}

/// Counts of people by sex.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SexCounts {
    #[serde(serialize_with = "total_json")]
    pub male: Decimal,
    #[serde(serialize_with = "total_json")]
    pub female: Decimal,
    #[serde(serialize_with = "total_json")]
    pub total: Decimal,
}

impl SexCounts {
    pub(super) fn add(&mut self, sex: Option<Sex>, n: Decimal) {
        match sex {
            Some(Sex::Male) => self.male += n,
            Some(Sex::Female) => self.female += n,
            None => {}
        }
        self.total += n;
    }
}
