//! Small-cell protection: counts of people below a threshold (default 5) are not shown to
//! those not entitled to detail — the public, and viewers — because in a small commune "2
//! victims of violence, both women" identifies people. A hidden count must also stay hidden
//! when the published total and its other parts are known: every sum it takes part in
//! (a unit and the units below it; a total and its parts by sex) must keep at least two
//! unknowns, so other cells are hidden with it ("complementary suppression").
//!
//! This module decides which cells to hide, given the cells and the sums that link them; the
//! engine reads the cells and applies the decision wherever figures leave.

use crate::access::Role;
use crate::{Disaggregation, ElementRole, Indicator};
use rust_decimal::Decimal;
use serde::Serialize;

/// The threshold of a protected count when nobody set another.
pub const DEFAULT_THRESHOLD: u32 = 5;

/// Whether `role` sees counts below the threshold within its scope. Officers, reviewers and
/// leaders work with the people behind the figures and administrators run the system;
/// viewers and the public read published figures only. `None` is an anonymous visitor.
pub fn sees_small_counts(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Admin | Role::Officer | Role::Reviewer | Role::Leader))
}

/// The threshold of a data element when the catalogue sets none: counts of persons are
/// protected — victims and perpetrators of violence, trafficked people, workers, pupils,
/// births — counts of bodies (agencies, enterprises, communes, stations) are not.
pub fn default_threshold(indicator: &Indicator, role: ElementRole) -> Option<u32> {
    let text = match role {
        ElementRole::Numerator => indicator.numerator_vi.as_deref(),
        ElementRole::Denominator => indicator.denominator_vi.as_deref(),
        ElementRole::Value | ElementRole::Rate => None,
    }?;
    counts_persons(text).then_some(DEFAULT_THRESHOLD)
}

/// Whether the wording of a count ("Số nạn nhân bị mua bán…", "Tổng số đài phát thanh…")
/// counts persons: its first noun after "Số"/"Tổng số" names people.
pub fn counts_persons(text: &str) -> bool {
    const PERSONS: [&str; 11] = [
        "người",
        "nạn nhân",
        "lao động",
        "phụ nữ",
        "nữ",
        "nam",
        "học sinh",
        "bé",
        "trẻ",
        "dân số",
        "đại biểu",
    ];
    let lower = text.trim().to_lowercase();
    let noun = lower
        .strip_prefix("tổng số ")
        .or_else(|| lower.strip_prefix("số "))
        .unwrap_or(&lower);
    PERSONS.iter().any(|p| noun == *p || noun.starts_with(&format!("{p} ")))
}

/// Why a cell is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hidden {
    /// Below the threshold ("< 5").
    Small,
    /// Hidden so that a small cell cannot be worked out from a total ("x").
    Complementary,
}

impl Hidden {
    /// How a hidden cell is written in a table: "< 5" for a small one, "x" for one hidden
    /// with it.
    pub fn mark(&self, threshold: u32) -> String {
        match self {
            Hidden::Small => format!("< {threshold}"),
            Hidden::Complementary => "x".into(),
        }
    }
}

/// Which number of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FigurePart {
    Numerator,
    Denominator,
    Value,
}

/// A number of a figure left out, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Withheld {
    pub part: FigurePart,
    pub breakdown: Disaggregation,
    pub why: Hidden,
}

/// Cells linked by sums: each group says that its total is the sum of its parts.
#[derive(Debug, Clone, Default)]
pub struct Table {
    values: Vec<Decimal>,
    thresholds: Vec<Option<u32>>,
    groups: Vec<(usize, Vec<usize>)>,
}

impl Table {
    /// Adds a cell with its value and its element's threshold (`None`: never small); returns
    /// its index.
    pub fn cell(&mut self, value: Decimal, threshold: Option<u32>) -> usize {
        self.values.push(value);
        self.thresholds.push(threshold);
        self.values.len() - 1
    }

    /// Says that `total` is the sum of `parts`. A group with no part says nothing.
    pub fn sum(&mut self, total: usize, parts: Vec<usize>) {
        if !parts.is_empty() {
            self.groups.push((total, parts));
        }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Which cells to hide: those below their threshold (a zero identifies nobody and is
    /// shown), then, until every sum keeps none or at least two hidden members, the smallest
    /// other part of a sum with one hidden member — or its total when no other part is left.
    pub fn suppress(&self) -> Vec<Option<Hidden>> {
        let mut hidden: Vec<Option<Hidden>> = self
            .values
            .iter()
            .zip(&self.thresholds)
            .map(|(v, t)| {
                t.filter(|t| *v > Decimal::ZERO && *v < Decimal::from(*t))
                    .map(|_| Hidden::Small)
            })
            .collect();
        loop {
            let mut changed = false;
            for (total, parts) in &self.groups {
                let members = std::iter::once(*total).chain(parts.iter().copied());
                if members.filter(|m| hidden[*m].is_some()).count() != 1 {
                    continue;
                }
                let shown_parts = || parts.iter().copied().filter(|p| hidden[*p].is_none());
                // A zero hides nothing: prefer a part with something in it.
                let pick = shown_parts()
                    .filter(|p| self.values[*p] > Decimal::ZERO)
                    .min_by_key(|p| (self.values[*p], *p))
                    .or_else(|| shown_parts().min())
                    .or((hidden[*total].is_none()).then_some(*total));
                if let Some(p) = pick {
                    hidden[p] = Some(Hidden::Complementary);
                    changed = true;
                }
            }
            if !changed {
                return hidden;
            }
        }
    }

    /// What someone holding the shown cells and the sums can work out: every hidden cell that
    /// is the one unknown of some sum, repeatedly. The protection holds when this returns no
    /// hidden cell.
    pub fn recoverable(&self, hidden: &[Option<Hidden>]) -> Vec<usize> {
        let mut known: Vec<bool> = hidden.iter().map(Option::is_none).collect();
        let mut found = Vec::new();
        loop {
            let mut changed = false;
            for (total, parts) in &self.groups {
                let members: Vec<usize> = std::iter::once(*total).chain(parts.iter().copied()).collect();
                let unknown: Vec<usize> = members.iter().copied().filter(|m| !known[*m]).collect();
                if let [only] = unknown[..] {
                    known[only] = true;
                    found.push(only);
                    changed = true;
                }
            }
            if !changed {
                return found;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    /// A province of three communes, each with its count of victims by sex: the province's
    /// total, female and male; each commune's the same.
    fn province(communes: &[(i64, i64)]) -> (Table, Vec<[usize; 3]>) {
        let mut t = Table::default();
        let mut rows = Vec::new();
        let (f, m): (i64, i64) = (communes.iter().map(|c| c.0).sum(), communes.iter().map(|c| c.1).sum());
        let top = [t.cell(d(f + m), Some(5)), t.cell(d(f), Some(5)), t.cell(d(m), Some(5))];
        t.sum(top[0], vec![top[1], top[2]]);
        rows.push(top);
        for (f, m) in communes {
            let row = [
                t.cell(d(f + m), Some(5)),
                t.cell(d(*f), Some(5)),
                t.cell(d(*m), Some(5)),
            ];
            t.sum(row[0], vec![row[1], row[2]]);
            rows.push(row);
        }
        for k in 0..3 {
            t.sum(rows[0][k], rows[1..].iter().map(|r| r[k]).collect());
        }
        (t, rows)
    }

    #[test]
    fn a_commune_with_two_victims_cannot_be_worked_out_from_the_province() {
        let (t, rows) = province(&[(2, 0), (40, 12), (30, 9)]);
        let hidden = t.suppress();
        // The commune's 2 (total and women) is small; its men's 0 is shown.
        assert_eq!(hidden[rows[1][0]], Some(Hidden::Small));
        assert_eq!(hidden[rows[1][1]], Some(Hidden::Small));
        assert_eq!(hidden[rows[1][2]], None);
        // Among the communes, another one's total and women are hidden with it: the smallest.
        assert_eq!(hidden[rows[3][0]], Some(Hidden::Complementary));
        assert_eq!(hidden[rows[3][1]], Some(Hidden::Complementary));
        assert!(t.recoverable(&hidden).is_empty(), "{:?}", t.recoverable(&hidden));
        // Without the complementary cells, the 2 is the province's total minus the others.
        let small_only: Vec<_> = hidden.iter().map(|h| h.filter(|h| *h == Hidden::Small)).collect();
        assert!(t.recoverable(&small_only).contains(&rows[1][0]));
    }

    #[test]
    fn a_single_commune_under_a_district_hides_the_district_too() {
        let mut t = Table::default();
        let country = t.cell(d(100), Some(5));
        let district = t.cell(d(3), Some(5));
        let other = t.cell(d(97), Some(5));
        let commune = t.cell(d(3), Some(5));
        t.sum(country, vec![district, other]);
        t.sum(district, vec![commune]);
        let hidden = t.suppress();
        assert_eq!(hidden[commune], Some(Hidden::Small));
        assert_eq!(hidden[district], Some(Hidden::Small));
        // The district is now one of two hidden parts of the country: the other is hidden too.
        assert_eq!(hidden[other], Some(Hidden::Complementary));
        assert_eq!(hidden[country], None);
        assert!(t.recoverable(&hidden).is_empty());
    }

    #[test]
    fn counts_at_or_above_the_threshold_zeros_and_unprotected_elements_are_shown() {
        let mut t = Table::default();
        let total = t.cell(d(5), Some(5));
        let zero = t.cell(d(0), Some(5));
        let five = t.cell(d(5), Some(5));
        // A count of bodies (agencies, communes) of 1 is not protected.
        t.cell(d(1), None);
        t.sum(total, vec![zero, five]);
        assert_eq!(t.suppress(), vec![None, None, None, None]);
    }

    #[test]
    fn a_hidden_part_whose_siblings_are_all_zero_hides_a_zero_or_the_total() {
        let mut t = Table::default();
        let total = t.cell(d(2), Some(5));
        let a = t.cell(d(2), Some(5));
        let b = t.cell(d(0), Some(5));
        t.sum(total, vec![a, b]);
        let hidden = t.suppress();
        assert_eq!(hidden[total], Some(Hidden::Small));
        assert_eq!(hidden[a], Some(Hidden::Small));
        assert!(t.recoverable(&hidden).is_empty());
        let mut t = Table::default();
        let total = t.cell(d(9), None);
        let a = t.cell(d(2), Some(5));
        t.sum(total, vec![a]);
        let hidden = t.suppress();
        assert_eq!(hidden[total], Some(Hidden::Complementary));
    }

    #[test]
    fn persons_are_told_from_bodies_by_the_counted_noun() {
        assert!(counts_persons("Tổng số người bị bạo lực gia đình"));
        assert!(counts_persons("Số nạn nhân bị mua bán trở về"));
        assert!(counts_persons("Số lao động nữ có việc làm"));
        assert!(counts_persons("Dân số được tiếp cận kiến thức"));
        assert!(counts_persons("Số bé trai sinh ra sống"));
        assert!(!counts_persons("Số cơ quan quản lý nhà nước"));
        assert!(!counts_persons("Tổng số đài phát thanh, truyền hình"));
        assert!(!counts_persons("Số xã có ít nhất 04 tin, bài"));
        assert!(
            !counts_persons("Số nữa"),
            "a word that only begins like `nữ` is not `nữ`"
        );
    }

    #[test]
    fn only_roles_that_work_with_the_people_see_small_counts() {
        assert!(!sees_small_counts(None));
        assert!(!sees_small_counts(Some(Role::Viewer)));
        for role in [Role::Admin, Role::Officer, Role::Reviewer, Role::Leader] {
            assert!(sees_small_counts(Some(role)));
        }
    }
}
