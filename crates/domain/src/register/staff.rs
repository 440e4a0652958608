//! Staff working on gender equality: the record, how it is read and checked, and its summary.

use super::read::{Checks, Reader, count_json};
use super::{CheckContext, Lists, RawRecord, Register, RegisterKind, RegisterProblem, Sex, SexCounts, Summarise};
use crate::Period;
use rust_decimal::Decimal;
use serde::Serialize;

/// Cán bộ làm công tác bình đẳng giới: full-time (chuyên trách) and part-time (kiêm
/// nhiệm), by sex; absent counts are 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    pub agency: Option<String>,
    #[serde(serialize_with = "count_json")]
    pub full_time_male: Decimal,
    #[serde(serialize_with = "count_json")]
    pub full_time_female: Decimal,
    #[serde(serialize_with = "count_json")]
    pub part_time_male: Decimal,
    #[serde(serialize_with = "count_json")]
    pub part_time_female: Decimal,
    pub notes: Option<String>,
}

impl Register for Staff {
    const KIND: RegisterKind = RegisterKind::Staff;
    const FIELDS: &'static [&'static str] = &[
        "agency",
        "full_time_male",
        "full_time_female",
        "part_time_male",
        "part_time_female",
        "notes",
    ];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let record = Staff {
            agency: r.text("agency"),
            full_time_male: r.number("full_time_male").unwrap_or_default(),
            full_time_female: r.number("full_time_female").unwrap_or_default(),
            part_time_male: r.number("part_time_male").unwrap_or_default(),
            part_time_female: r.number("part_time_female").unwrap_or_default(),
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, _ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        c.text("agency", &self.agency);
        c.count("full_time_male", self.full_time_male);
        c.count("full_time_female", self.full_time_female);
        c.count("part_time_male", self.part_time_male);
        c.count("part_time_female", self.part_time_female);
        c.text("notes", &self.notes);
        c.finish()
    }

    fn normalise(&mut self) {
        for v in [
            &mut self.full_time_male,
            &mut self.full_time_female,
            &mut self.part_time_male,
            &mut self.part_time_female,
        ] {
            *v = v.normalize();
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffSummary {
    pub rows: i64,
    /// Chuyên trách.
    pub full_time: SexCounts,
    /// Kiêm nhiệm.
    pub part_time: SexCounts,
    pub total: SexCounts,
}

impl Summarise for Staff {
    type Summary = StaffSummary;
    fn summarise(rows: &[(Period, Self)], _: &Lists) -> StaffSummary {
        let (mut full_time, mut part_time, mut total) = Default::default();
        for (_, s) in rows {
            for (counts, male, female) in [
                (&mut full_time, s.full_time_male, s.full_time_female),
                (&mut part_time, s.part_time_male, s.part_time_female),
            ] {
                SexCounts::add(counts, Some(Sex::Male), male);
                SexCounts::add(counts, Some(Sex::Female), female);
                SexCounts::add(&mut total, Some(Sex::Male), male);
                SexCounts::add(&mut total, Some(Sex::Female), female);
            }
        }
        StaffSummary {
            rows: rows.len() as i64,
            full_time,
            part_time,
            total,
        }
    }
}
