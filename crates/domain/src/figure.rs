//! Indicator figures, the pure part: a numerator, a denominator and the rate they make, for
//! a unit's whole subtree, from the summed cells the store keeps live.

use crate::IndicatorCode;
use crate::UnitCode;
use crate::assessment;
use crate::disclosure::{FigurePart, Hidden, Withheld};
use crate::rollup::AggregateCell;
use crate::window::substitutes;
use crate::{
    Aggregation, Disaggregation, ElementRole, Indicator, MeasureKind, Period, TimeAggregation, UnitLevel, Window,
};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

/// How many units were expected to report an indicator, and how many did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
    /// Units (this one or below it) that stated only a rate for the indicator, with no
    /// numerator or denominator: what the figure does not rest on, since a stated rate never
    /// enters a sum of numerators.
    pub stated_only: i64,
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
    pub indicator: IndicatorCode,
    pub unit: UnitCode,
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
    /// How the figure was made: summed over the subtree (`sum_of_parts_then_divide`), counted
    /// over reporting units, the unit's own survey figure, or — where the unit has no
    /// numerator and denominator — the rate its report states (`stated_rate`, "theo số liệu
    /// báo cáo"), which never enters a sum.
    pub method: &'static str,
    /// Whether approved data only, or all entered data, went into the figure.
    pub data: &'static str,
    pub completeness: Completeness,
    /// For a phase, a range or a year built from its halves: which periods went in, and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_time: Option<OverTime>,
    /// Numbers left out by small-cell protection (`disclosure`), for those not entitled to
    /// detail; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<Withheld>,
}

impl Figure {
    /// Takes out of `figure` the cells `hidden` names (by element code and breakdown): a hidden
    /// numerator or denominator takes the rate with it, since the rate and the other one would
    /// give it back.
    pub fn withhold(&mut self, hidden: impl Fn(&str, Disaggregation) -> Option<Hidden>) {
        let figure = self;
        let code = figure.indicator.clone();
        let (num, den, val) = (format!("{code}.num"), format!("{code}.den"), format!("{code}.value"));
        let mut withheld = Vec::new();
        let mut take = |d: Disaggregation,
                        numerator: &mut Option<Decimal>,
                        denominator: &mut Option<Decimal>,
                        value: &mut Option<Decimal>| {
            let mut rate_goes = None;
            for (element, slot, part) in [
                (&num, numerator, FigurePart::Numerator),
                (&den, denominator, FigurePart::Denominator),
            ] {
                if let (Some(why), Some(_)) = (hidden(element, d), slot.as_ref()) {
                    *slot = None;
                    withheld.push(Withheld {
                        part,
                        breakdown: d,
                        why,
                    });
                    rate_goes = rate_goes.or(Some(why));
                }
            }
            let why = rate_goes.map(|_| Hidden::Complementary).or_else(|| hidden(&val, d));
            if let (Some(why), Some(_)) = (why, value.as_ref()) {
                *value = None;
                withheld.push(Withheld {
                    part: FigurePart::Value,
                    breakdown: d,
                    why,
                });
            }
        };
        take(
            Disaggregation::Total,
            &mut figure.numerator,
            &mut figure.denominator,
            &mut figure.value,
        );
        if let Some(by_sex) = figure.by_sex.as_mut() {
            for (d, p) in [
                (Disaggregation::Male, &mut by_sex.male),
                (Disaggregation::Female, &mut by_sex.female),
            ] {
                take(d, &mut p.numerator, &mut p.denominator, &mut p.value);
            }
        }
        figure.withheld.extend(withheld);
    }
}

/// How a figure over several periods was made from the periods data is entered for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverTime {
    pub time_aggregation: TimeAggregation,
    pub time_aggregation_vi: &'static str,
    /// The periods the window is made of.
    pub parts: Vec<String>,
    /// The periods whose data made the figure (a year's halves where the year has none).
    pub used: Vec<String>,
    /// Parts with nothing entered for them or for their halves.
    pub without_data: Vec<String>,
    /// Days of the window that no period covers (a window ending inside a month).
    pub uncovered_days: i64,
}

/// What was entered for one period: the unit's subtree cells and the unit's own values.
#[derive(Debug, Clone, Default)]
pub struct PeriodData {
    pub cells: HashMap<(String, Disaggregation), AggregateCell>,
    pub own: HashMap<(String, Disaggregation), Decimal>,
}

impl PeriodData {
    /// Whether anything of `indicator` was entered (in the subtree, or stated by the unit).
    fn holds(&self, indicator: &Indicator) -> bool {
        let prefix = format!("{}.", indicator.code);
        self.cells
            .keys()
            .chain(self.own.keys())
            .any(|(e, _)| e.starts_with(&prefix))
    }

    /// Adds `other`'s cells and own values to these; a stated rate is not a quantity and
    /// is left out (the sum's rate is computed from the summed parts).
    fn add(&mut self, other: &PeriodData) {
        for (key, c) in &other.cells {
            let cell = self.cells.entry(key.clone()).or_insert(AggregateCell {
                sum: Decimal::ZERO,
                reporting: 0,
            });
            cell.sum += c.sum;
            // Units that reported in any of the periods: at least the most of any one.
            cell.reporting = cell.reporting.max(c.reporting);
        }
        let rate = format!(".{}", ElementRole::Rate.suffix());
        for (key, v) in other.own.iter().filter(|((e, _), _)| !e.ends_with(&rate)) {
            *self.own.entry(key.clone()).or_default() += v;
        }
    }
}

/// One indicator's figure for a unit over a window (a period, a phase, a range, dates): what
/// was entered for the window itself when it is a period (a phase only when it has data of
/// its own); else built from its parts (a year's halves standing in for a year without
/// data) by the indicator's
/// [`TimeAggregation`]: the parts summed then divided, or the last part with a figure.
pub fn figure_over(
    indicator: &Indicator,
    unit_code: &UnitCode,
    unit_level: UnitLevel,
    window: &Window,
    data: &HashMap<Period, PeriodData>,
    levels: &HashMap<UnitLevel, i64>,
) -> Figure {
    let empty = PeriodData::default();
    let of = |p: &Period| data.get(p).unwrap_or(&empty);
    let direct = |p: Period| figure(indicator, unit_code, unit_level, &p, &of(&p).cells, &of(&p).own, levels);
    // A period other than a phase is what was entered for it: a year's figure in the making
    // is not its first half's.
    if let Some(p) = window.period()
        && (of(&p).holds(indicator) || !matches!(p, Period::Phase { .. }))
    {
        return direct(p);
    }
    let parts = window.parts();
    let mut chosen = Vec::new();
    let mut without_data = Vec::new();
    for part in &parts {
        if of(part).holds(indicator) {
            chosen.push(*part);
            continue;
        }
        let stand_ins: Vec<Period> = substitutes(part)
            .into_iter()
            .filter(|s| of(s).holds(indicator))
            .collect();
        if stand_ins.is_empty() {
            without_data.push(part.to_string());
        }
        chosen.extend(stand_ins);
    }
    if chosen.is_empty()
        && let Some(p) = window.period()
    {
        return direct(p);
    }
    let (merged, used) = match indicator.time_aggregation {
        TimeAggregation::Sum if chosen.len() == 1 => (of(&chosen[0]).clone(), chosen),
        TimeAggregation::Sum => {
            let mut sum = PeriodData::default();
            for p in &chosen {
                sum.add(of(p));
            }
            (sum, chosen)
        }
        TimeAggregation::Last => {
            let last = chosen
                .iter()
                .rev()
                .find(|p| direct(**p).value.is_some())
                .or(chosen.last());
            match last {
                Some(p) => (of(p).clone(), vec![*p]),
                None => (PeriodData::default(), Vec::new()),
            }
        }
    };
    let stand_in = used.first().copied().unwrap_or(Period::Year(window.milestone_year()));
    let mut f = figure(
        indicator,
        unit_code,
        unit_level,
        &stand_in,
        &merged.cells,
        &merged.own,
        levels,
    );
    f.period = window.to_string();
    f.over_time = Some(OverTime {
        time_aggregation: indicator.time_aggregation,
        time_aggregation_vi: indicator.time_aggregation.label_vi(),
        parts: parts.iter().map(Period::to_string).collect(),
        used: used.iter().map(Period::to_string).collect(),
        without_data,
        uncovered_days: window.uncovered_days(),
    });
    f
}

#[derive(Debug, Clone, Serialize)]
pub struct BySex {
    pub male: Part,
    pub female: Part,
}

fn cell(
    cells: &HashMap<(String, Disaggregation), AggregateCell>,
    element: &str,
    d: Disaggregation,
) -> Option<AggregateCell> {
    cells.get(&(element.to_string(), d)).copied()
}

/// One indicator's figure for a unit and period from the unit's live cells (`cells`), its
/// own entered values (`own`, for survey indicators) and how many units of each level lie
/// below it (`levels`, for completeness): summed parts, then divided; never a mean of rates.
pub fn figure(
    indicator: &Indicator,
    unit_code: &UnitCode,
    unit_level: UnitLevel,
    period: &Period,
    cells: &HashMap<(String, Disaggregation), AggregateCell>,
    own: &HashMap<(String, Disaggregation), Decimal>,
    levels: &HashMap<UnitLevel, i64>,
) -> Figure {
    let code = &indicator.code;
    let (num_el, den_el, value_el) = (format!("{code}.num"), format!("{code}.den"), format!("{code}.value"));
    let count_part = |d: Disaggregation| Part {
        numerator: None,
        denominator: None,
        value: cell(cells, &value_el, d).map(|c| c.sum),
    };
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
                Some(AggregateCell {
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
        (_, MeasureKind::Count | MeasureKind::Hours) => {
            let c = cell(cells, &value_el, Disaggregation::Total);
            (count_part(Disaggregation::Total), "sum_of_values", c)
        }
        _ => (
            part(Disaggregation::Total),
            "sum_of_parts_then_divide",
            cell(cells, &den_el, Disaggregation::Total).or_else(|| cell(cells, &num_el, Disaggregation::Total)),
        ),
    };
    // Only a rate stated by the unit's report: it stands, said to be stated.
    let stated = own.get(&(format!("{code}.{}", ElementRole::Rate.suffix()), Disaggregation::Total));
    let (total, method) = match stated {
        Some(rate) if total.value.is_none() && matches!(method, "sum_of_parts_then_divide" | "own_survey_value") => (
            Part {
                value: Some(*rate),
                ..total
            },
            "stated_rate",
        ),
        _ => (total, method),
    };
    let entered_by_sex = [Disaggregation::Male, Disaggregation::Female]
        .iter()
        .any(|d| cells.contains_key(&(num_el.clone(), *d)) || cells.contains_key(&(den_el.clone(), *d)));
    let counted_by_sex = [Disaggregation::Male, Disaggregation::Female]
        .iter()
        .any(|d| cells.contains_key(&(value_el.clone(), *d)));
    let by_sex = match method {
        "sum_of_parts_then_divide" if entered_by_sex => Some(BySex {
            male: part(Disaggregation::Male),
            female: part(Disaggregation::Female),
        }),
        "sum_of_values" if counted_by_sex => Some(BySex {
            male: count_part(Disaggregation::Male),
            female: count_part(Disaggregation::Female),
        }),
        _ => None,
    };
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
        unit: unit_code.clone(),
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
            stated_only: 0,
        },
        over_time: None,
        withheld: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_withheld_numerator_takes_the_rate_with_it_and_says_why() {
        use crate::Disaggregation;
        use crate::disclosure::{FigurePart, Hidden};
        use rust_decimal::Decimal;
        let d = |n: i64| Decimal::from(n);
        let part = |n: i64, dn: i64| Part {
            numerator: Some(d(n)),
            denominator: Some(d(dn)),
            value: Some(d(n * 100 / dn)),
        };
        let mut figure = Figure {
            indicator: "3.2a".parse().unwrap(),
            unit: "03388".parse().unwrap(),
            period: "2024".into(),
            numerator: Some(d(3)),
            denominator: Some(d(12)),
            value: Some(d(25)),
            by_sex: Some(BySex {
                male: part(0, 4),
                female: part(3, 8),
            }),
            method: "sum_of_parts_then_divide",
            data: "approved",
            completeness: Completeness::default(),
            over_time: None,
            withheld: Vec::new(),
        };
        figure.withhold(|element, b| match (element, b) {
            ("3.2a.num", Disaggregation::Total | Disaggregation::Female) => Some(Hidden::Small),
            ("3.2a.den", Disaggregation::Male) => Some(Hidden::Small),
            _ => None,
        });
        assert_eq!(
            (figure.numerator, figure.denominator, figure.value),
            (None, Some(d(12)), None)
        );
        let by_sex = figure.by_sex.as_ref().unwrap();
        assert_eq!((by_sex.female.numerator, by_sex.female.value), (None, None));
        assert_eq!(by_sex.male.numerator, Some(d(0)), "men's 0 of a hidden 4 stays");
        assert_eq!((by_sex.male.denominator, by_sex.male.value), (None, None));
        let total: Vec<_> = figure
            .withheld
            .iter()
            .filter(|w| w.breakdown == Disaggregation::Total)
            .map(|w| (w.part, w.why))
            .collect();
        assert_eq!(
            total,
            vec![
                (FigurePart::Numerator, Hidden::Small),
                (FigurePart::Value, Hidden::Complementary)
            ]
        );
        assert_eq!(figure.withheld.len(), 6);
    }

    use super::*;
    use crate::shipped::catalogue;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn shipped(code: &str) -> Indicator {
        catalogue()
            .unwrap()
            .indicators
            .into_iter()
            .find(|i| i.code == code)
            .unwrap()
    }

    /// A commune's entry of `num`/`den` (reported by one unit) for an indicator.
    fn entered(code: &str, num: &str, den: &str) -> PeriodData {
        let mut data = PeriodData::default();
        for (role, v) in [("num", num), ("den", den)] {
            data.cells.insert(
                (format!("{code}.{role}"), Disaggregation::Total),
                AggregateCell {
                    sum: d(v),
                    reporting: 1,
                },
            );
        }
        data
    }

    fn over(code: &str, window: &str, data: &[(&str, PeriodData)]) -> Figure {
        let data: HashMap<Period, PeriodData> = data.iter().map(|(p, v)| (p.parse().unwrap(), v.clone())).collect();
        let levels = HashMap::from([(UnitLevel::Commune, 1)]);
        figure_over(
            &shipped(code),
            &"12".parse().unwrap(),
            UnitLevel::Province,
            &window.parse().unwrap(),
            &data,
            &levels,
        )
    }

    #[test]
    fn a_flow_adds_the_years_parts_then_divides() {
        // 4.1, boys per 100 girls: (110 + 120) / (100 + 100) × 100, not the mean of 110 and 120
        // weighted wrongly, nor the last year.
        let f = over(
            "4.1",
            "2021-2025",
            &[
                ("2021", entered("4.1", "110", "100")),
                ("2023", entered("4.1", "120", "100")),
            ],
        );
        assert_eq!(
            (f.numerator, f.denominator, f.value),
            (Some(d("230")), Some(d("200")), Some(d("115")))
        );
        let how = f.over_time.unwrap();
        assert_eq!(how.time_aggregation, TimeAggregation::Sum);
        assert_eq!(how.used, ["2021", "2023"]);
        assert_eq!(how.without_data, ["2022", "2024", "2025"]);
        assert_eq!(f.period, "2021-2025");
    }

    #[test]
    fn a_count_is_the_sum_of_its_values_by_sex_too() {
        let count = Indicator {
            code: "7.2".parse().unwrap(),
            measure: MeasureKind::Count,
            aggregation: Aggregation::SumRatio,
            ..shipped("5.4a")
        };
        let cells = HashMap::from([
            (
                ("7.2.value".to_string(), Disaggregation::Total),
                AggregateCell {
                    sum: d("9"),
                    reporting: 2,
                },
            ),
            (
                ("7.2.value".to_string(), Disaggregation::Male),
                AggregateCell {
                    sum: d("4"),
                    reporting: 2,
                },
            ),
            (
                ("7.2.value".to_string(), Disaggregation::Female),
                AggregateCell {
                    sum: d("5"),
                    reporting: 2,
                },
            ),
        ]);
        let period: Period = "2024".parse().unwrap();
        let levels = HashMap::from([(UnitLevel::Commune, 3)]);
        let f = figure(
            &count,
            &"12".parse().unwrap(),
            UnitLevel::Province,
            &period,
            &cells,
            &HashMap::new(),
            &levels,
        );
        assert_eq!((f.value, f.method), (Some(d("9")), "sum_of_values"));
        assert_eq!((f.numerator, f.denominator), (None, None));
        let by_sex = f.by_sex.unwrap();
        assert_eq!((by_sex.male.value, by_sex.female.value), (Some(d("4")), Some(d("5"))));
        assert_eq!(f.completeness.reported, 2);
    }

    #[test]
    fn a_stock_takes_its_last_year_with_a_figure() {
        let f = over(
            "5.4a",
            "2021-2025",
            &[
                ("2022", entered("5.4a", "30", "100")),
                ("2024", entered("5.4a", "45", "100")),
            ],
        );
        assert_eq!(f.value, Some(d("45")));
        assert_eq!(f.over_time.unwrap().used, ["2024"]);
    }

    #[test]
    fn in_a_phase_a_year_without_data_is_made_of_its_halves_never_both() {
        // The year itself wins where it has data: its halves are not added to it.
        let both = over(
            "4.1",
            "2021-2025",
            &[
                ("2024", entered("4.1", "105", "100")),
                ("2024H1", entered("4.1", "50", "50")),
            ],
        );
        assert_eq!(both.value, Some(d("105")));
        assert_eq!(both.over_time.unwrap().used, ["2024"]);
        let halves = over(
            "4.1",
            "2021-2025",
            &[
                ("2024H1", entered("4.1", "60", "50")),
                ("2024H2", entered("4.1", "50", "50")),
            ],
        );
        assert_eq!((halves.numerator, halves.value), (Some(d("110")), Some(d("110"))));
        assert_eq!(halves.over_time.unwrap().used, ["2024H1", "2024H2"]);
        let stock = over(
            "5.4a",
            "2021-2025",
            &[
                ("2024H1", entered("5.4a", "1", "4")),
                ("2024H2", entered("5.4a", "3", "4")),
            ],
        );
        assert_eq!(stock.value, Some(d("75")));
        // A year asked for itself is what was entered for it: its first half is not its figure.
        let year = over("4.1", "2024", &[("2024H1", entered("4.1", "60", "50"))]);
        assert_eq!((year.value, year.over_time), (None, None));
    }

    #[test]
    fn a_range_ending_in_a_half_reads_that_half() {
        let f = over(
            "4.1",
            "2021..2024H1",
            &[
                ("2024H1", entered("4.1", "9", "10")),
                ("2024H2", entered("4.1", "99", "10")),
            ],
        );
        assert_eq!(f.value, Some(d("90")));
    }

    #[test]
    fn a_stated_rate_counts_where_nothing_else_does_and_is_said_to_be_stated() {
        let mut stated = PeriodData::default();
        stated.own.insert(("6.1.rate".into(), Disaggregation::Total), d("95"));
        let f = over("6.1", "2023", &[("2023", stated.clone())]);
        assert_eq!((f.value, f.method, f.numerator), (Some(d("95")), "stated_rate", None));
        let phase = over("6.1", "2021-2025", &[("2023", stated.clone())]);
        assert_eq!((phase.value, phase.method), (Some(d("95")), "stated_rate"));
        // Counted parts beat a stated rate.
        let mut both = entered("6.1", "1", "2");
        both.own = stated.own.clone();
        assert_eq!(over("6.1", "2023", &[("2023", both)]).value, Some(d("50")));
        // A flow's stated rates of several years are not added up.
        let mut a = PeriodData::default();
        a.own.insert(("4.1.rate".into(), Disaggregation::Total), d("110"));
        let two = over("4.1", "2021-2025", &[("2021", a.clone()), ("2022", a)]);
        assert_eq!(two.value, None);
    }

    #[test]
    fn the_catalogue_says_why_each_indicator_aggregates_over_time_as_it_does() {
        for i in catalogue().unwrap().indicators {
            assert!(
                !i.time_aggregation_reason_vi.is_empty() && !i.time_aggregation_reason_en.is_empty(),
                "{}",
                i.code
            );
        }
        assert_eq!(shipped("4.1").time_aggregation, TimeAggregation::Sum);
        assert_eq!(shipped("1.1").time_aggregation, TimeAggregation::Last);
    }
}
