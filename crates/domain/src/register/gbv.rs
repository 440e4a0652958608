//! Gender-based and domestic-violence case counts: the record, how it is read and checked, and
//! its summary.

use super::read::{Checks, Reader, count_json, opt_count_json};
use super::summary::{by_list_order, term_names, total_json};
use super::{CheckContext, Lists, RawRecord, Register, RegisterKind, RegisterProblem, Sex, Summarise};
use crate::Period;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// A count of gender-based or domestic-violence cases of one type (and, when known, one
/// victim sex and one perpetrator sex). Counts only: there is no text field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GbvCase {
    /// Code from the case-type list (`bao-luc-gia-dinh`, …).
    pub case_type: String,
    pub victim_sex: Option<Sex>,
    pub perpetrator_sex: Option<Sex>,
    #[serde(serialize_with = "count_json")]
    pub cases: Decimal,
    /// How many of those cases got support (counselling, shelter, legal aid…).
    #[serde(serialize_with = "opt_count_json")]
    pub supported: Option<Decimal>,
}

impl Register for GbvCase {
    const KIND: RegisterKind = RegisterKind::GbvCases;
    const FIELDS: &'static [&'static str] = &["case_type", "victim_sex", "perpetrator_sex", "cases", "supported"];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let record = GbvCase {
            case_type: r.required_text("case_type"),
            victim_sex: r.sex("victim_sex"),
            perpetrator_sex: r.sex("perpetrator_sex"),
            cases: r.required_number("cases"),
            supported: r.number("supported"),
        };
        r.finish(record)
    }

    fn check(&self, ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        c.in_list("case_type", &self.case_type, &ctx.lists.gbv_case_types);
        let cases_ok = c.count("cases", self.cases);
        if c.opt_count("supported", self.supported) && cases_ok {
            c.not_above(
                ("supported", self.supported),
                ("cases", Some(self.cases)),
                "supported_exceeds_cases",
            );
        }
        c.finish()
    }

    fn normalise(&mut self) {
        self.cases = self.cases.normalize();
        if let Some(s) = &mut self.supported {
            *s = s.normalize();
        }
    }
}

/// Cases by the sex of one party, `unknown` where it was not recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CasesBySex {
    #[serde(serialize_with = "total_json")]
    pub female: Decimal,
    #[serde(serialize_with = "total_json")]
    pub male: Decimal,
    #[serde(serialize_with = "total_json")]
    pub unknown: Decimal,
}

impl CasesBySex {
    fn add(&mut self, sex: Option<Sex>, n: Decimal) {
        match sex {
            Some(Sex::Female) => self.female += n,
            Some(Sex::Male) => self.male += n,
            None => self.unknown += n,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GbvTotals {
    #[serde(serialize_with = "total_json")]
    pub cases: Decimal,
    #[serde(serialize_with = "total_json")]
    pub supported: Decimal,
    pub by_victim_sex: CasesBySex,
    pub by_perpetrator_sex: CasesBySex,
}

impl GbvTotals {
    fn add(&mut self, c: &GbvCase) {
        self.cases += c.cases;
        self.supported += c.supported.unwrap_or_default();
        self.by_victim_sex.add(c.victim_sex, c.cases);
        self.by_perpetrator_sex.add(c.perpetrator_sex, c.cases);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GbvTypeTotals {
    pub case_type: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(flatten)]
    pub totals: GbvTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GbvSummary {
    pub by_type: Vec<GbvTypeTotals>,
    pub total: GbvTotals,
}

impl Summarise for GbvCase {
    type Summary = GbvSummary;
    fn summarise(rows: &[(Period, Self)], lists: &Lists) -> GbvSummary {
        let mut groups: BTreeMap<String, GbvTotals> = BTreeMap::new();
        let mut total = GbvTotals::default();
        for (_, c) in rows {
            groups.entry(c.case_type.clone()).or_default().add(c);
            total.add(c);
        }
        let by_type = by_list_order(&lists.gbv_case_types, groups)
            .into_iter()
            .map(|(code, totals)| {
                let (name_vi, name_en) = term_names(&lists.gbv_case_types, &code);
                GbvTypeTotals {
                    case_type: code,
                    name_vi,
                    name_en,
                    totals,
                }
            })
            .collect();
        GbvSummary { by_type, total }
    }
}
