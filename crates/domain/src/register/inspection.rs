//! Inspections (kiểm tra, giám sát): the record, how it is read and checked, and its summary.

use super::read::{Checks, Reader, count_json, opt_count_json};
use super::summary::total_json;
use super::{CheckContext, Lists, RawRecord, Register, RegisterKind, RegisterProblem, Summarise};
use crate::Period;
use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;

/// Kiểm tra, giám sát: inspections held, what they found, violations handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inspection {
    /// Number of inspections (cuộc).
    #[serde(serialize_with = "count_json")]
    pub count: Decimal,
    pub subject: Option<String>,
    pub findings: Option<String>,
    #[serde(serialize_with = "opt_count_json")]
    pub violations_found: Option<Decimal>,
    #[serde(serialize_with = "opt_count_json")]
    pub violations_handled: Option<Decimal>,
    pub date: Option<Date>,
    pub notes: Option<String>,
}

impl Register for Inspection {
    const KIND: RegisterKind = RegisterKind::Inspections;
    const FIELDS: &'static [&'static str] = &[
        "count",
        "subject",
        "findings",
        "violations_found",
        "violations_handled",
        "date",
        "notes",
    ];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let record = Inspection {
            count: r.required_number("count"),
            subject: r.text("subject"),
            findings: r.text("findings"),
            violations_found: r.number("violations_found"),
            violations_handled: r.number("violations_handled"),
            date: r.date("date"),
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, _ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        c.count("count", self.count);
        c.text("subject", &self.subject);
        c.text("findings", &self.findings);
        let found_ok = c.opt_count("violations_found", self.violations_found);
        if c.opt_count("violations_handled", self.violations_handled) && found_ok {
            c.not_above(
                ("violations_handled", self.violations_handled),
                ("violations_found", self.violations_found),
                "handled_exceeds_found",
            );
        }
        c.text("notes", &self.notes);
        c.finish()
    }

    fn normalise(&mut self) {
        self.count = self.count.normalize();
        for v in [&mut self.violations_found, &mut self.violations_handled]
            .into_iter()
            .flatten()
        {
            *v = v.normalize();
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InspectionSummary {
    pub rows: i64,
    /// Sum of the rows' counts of inspections.
    #[serde(serialize_with = "total_json")]
    pub inspections: Decimal,
    #[serde(serialize_with = "total_json")]
    pub violations_found: Decimal,
    #[serde(serialize_with = "total_json")]
    pub violations_handled: Decimal,
}

impl Summarise for Inspection {
    type Summary = InspectionSummary;
    fn summarise(rows: &[(Period, Self)], _: &Lists) -> InspectionSummary {
        let mut s = InspectionSummary::default();
        for (_, i) in rows {
            s.rows += 1;
            s.inspections += i.count;
            s.violations_found += i.violations_found.unwrap_or_default();
            s.violations_handled += i.violations_handled.unwrap_or_default();
        }
        s
    }
}
