//! Indicator figures, the pure part: a numerator, a denominator and the rate they make, for
//! a unit's whole subtree, from the summed cells the store keeps live.

use crate::assessment;
use crate::rollup::Cell;
use crate::{Aggregation, Disaggregation, Indicator, MeasureKind, Period, UnitLevel};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

/// How many units were expected to report an indicator, and how many did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completeness {
    /// The level the indicator is collected at under this unit (its catalogue level, or
    /// the nearest level above it that exists in the period, e.g. the province for a
    /// district-level indicator after the districts were abolished).
    pub level: Option<UnitLevel>,
    pub expected: i64,
    pub reported: i64,
    /// Units whose report for the period is approved. Approval arrives with the reporting
    /// workflow; until then no unit's data counts as approved.
    pub approved: i64,
}

/// A numerator, a denominator and what they make, for one breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    #[serde(serialize_with = "opt_decimal")]
    pub numerator: Option<Decimal>,
    #[serde(serialize_with = "opt_decimal")]
    pub denominator: Option<Decimal>,
    #[serde(serialize_with = "opt_decimal")]
    pub value: Option<Decimal>,
}

pub fn opt_decimal<S: serde::Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.normalize().to_string()),
        None => s.serialize_none(),
    }
}

/// One indicator's figure for a unit and period.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub indicator: String,
    pub unit: String,
    pub period: String,
    #[serde(serialize_with = "opt_decimal")]
    pub numerator: Option<Decimal>,
    #[serde(serialize_with = "opt_decimal")]
    pub denominator: Option<Decimal>,
    /// numerator ÷ denominator × factor, rounded to 4 decimals.
    #[serde(serialize_with = "opt_decimal")]
    pub value: Option<Decimal>,
    /// The same by sex, where the indicator is entered by sex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_sex: Option<BySex>,
    /// How the figure was made: summed over the subtree, counted over reporting units, or
    /// the unit's own survey figure.
    pub method: &'static str,
    /// Whether approved data only, or all entered data, went into the figure.
    pub data: &'static str,
    pub completeness: Completeness,
}

#[derive(Debug, Clone, Serialize)]
pub struct BySex {
    pub male: Part,
    pub female: Part,
}

fn cell(cells: &HashMap<(String, Disaggregation), Cell>, element: &str, d: Disaggregation) -> Option<Cell> {
    cells.get(&(element.to_string(), d)).copied()
}

/// One indicator's figure for a unit and period from the unit's live cells (`cells`), its
/// own entered values (`own`, for survey indicators) and how many units of each level lie
/// below it (`levels`, for completeness): summed parts, then divided; never a mean of rates.
pub fn figure(
    indicator: &Indicator,
    unit_code: &str,
    unit_level: UnitLevel,
    period: &Period,
    cells: &HashMap<(String, Disaggregation), Cell>,
    own: &HashMap<(String, Disaggregation), Decimal>,
    levels: &HashMap<UnitLevel, i64>,
) -> Figure {
    let code = &indicator.code;
    let (num_el, den_el, value_el) = (format!("{code}.num"), format!("{code}.den"), format!("{code}.value"));
    let part = |d: Disaggregation| {
        let numerator = cell(cells, &num_el, d).map(|c| c.sum);
        let denominator = cell(cells, &den_el, d).map(|c| c.sum);
        Part {
            numerator,
            denominator,
            value: assessment::quotient(indicator, numerator, denominator),
        }
    };
    let (total, method, reported_cell) = match (indicator.aggregation, indicator.measure) {
        (_, MeasureKind::Narrative) => (
            Part {
                numerator: None,
                denominator: None,
                value: None,
            },
            "narrative",
            None,
        ),
        (Aggregation::Survey, _) => {
            let numerator = own.get(&(num_el.clone(), Disaggregation::Total)).copied();
            let denominator = own.get(&(den_el.clone(), Disaggregation::Total)).copied();
            let reported = i64::from(numerator.is_some() || denominator.is_some());
            (
                Part {
                    numerator,
                    denominator,
                    value: assessment::quotient(indicator, numerator, denominator),
                },
                "own_survey_value",
                Some(Cell {
                    sum: Decimal::ZERO,
                    reporting: reported,
                }),
            )
        }
        (Aggregation::ShareOfUnits, MeasureKind::YesNo) => {
            // Units answering "yes" over units answering.
            let c = cell(cells, &value_el, Disaggregation::Total);
            let numerator = c.map(|c| c.sum);
            let denominator = c.map(|c| Decimal::from(c.reporting));
            (
                Part {
                    numerator,
                    denominator,
                    value: assessment::quotient(indicator, numerator, denominator),
                },
                "share_of_reporting_units",
                c,
            )
        }
        _ => (
            part(Disaggregation::Total),
            "sum_of_parts_then_divide",
            cell(cells, &den_el, Disaggregation::Total).or_else(|| cell(cells, &num_el, Disaggregation::Total)),
        ),
    };
    let entered_by_sex = [Disaggregation::Male, Disaggregation::Female]
        .iter()
        .any(|d| cells.contains_key(&(num_el.clone(), *d)) || cells.contains_key(&(den_el.clone(), *d)));
    let by_sex = (method == "sum_of_parts_then_divide" && entered_by_sex).then(|| BySex {
        male: part(Disaggregation::Male),
        female: part(Disaggregation::Female),
    });
    // The level the indicator is collected at here: its own, or the nearest existing above.
    let collection_level = [
        UnitLevel::Commune,
        UnitLevel::District,
        UnitLevel::Province,
        UnitLevel::Country,
    ]
    .into_iter()
    .filter(|l| *l <= indicator.lowest_level)
    .find(|l| levels.get(l).copied().unwrap_or(0) > 0);
    let expected = match (indicator.aggregation, collection_level) {
        (Aggregation::Survey, _) => 1,
        (_, Some(l)) => levels.get(&l).copied().unwrap_or(0),
        (_, None) => 0,
    };
    Figure {
        indicator: code.clone(),
        unit: unit_code.to_string(),
        period: period.to_string(),
        numerator: total.numerator,
        denominator: total.denominator,
        value: total.value,
        by_sex,
        method,
        data: "all",
        completeness: Completeness {
            level: if indicator.aggregation == Aggregation::Survey {
                Some(unit_level)
            } else {
                collection_level
            },
            expected,
            reported: reported_cell.map(|c| c.reporting).unwrap_or(0),
            approved: 0,
        },
    }
}
