//! The national indicator catalogue binhdang ships (`data/catalogue/*.csv`, compiled in), and
//! how it is read: plain parsing, no database, so `binhdang check` and the tests use it as it is
//! and `binhdang init` loads the same result into the database.

use crate::{CategoryCombo, DataElement, ElementRole, Indicator, IndicatorRecord, Objective};
use serde::Deserialize;
use std::collections::HashMap;

pub const INDICATORS: &str = include_str!("../../../data/catalogue/indicators.csv");
pub const OBJECTIVES: &str = include_str!("../../../data/catalogue/objectives.csv");
pub const DISAGGREGATIONS: &str = include_str!("../../../data/catalogue/disaggregations.csv");
pub const TIME_AGGREGATION: &str = include_str!("../../../data/catalogue/time_aggregation.csv");

/// A shipped or uploaded data file that does not read, with the file and row named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFileError(pub String);

impl std::fmt::Display for DataFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DataFileError {}

/// The catalogue as read from its four files: what `init` loads into the catalogue tables.
#[derive(Debug, Clone)]
pub struct CatalogueData {
    pub objectives: Vec<Objective>,
    pub indicators: Vec<Indicator>,
    pub elements: Vec<DataElement>,
}

fn read_csv<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<Vec<T>, DataFileError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| DataFileError(format!("{name}, row {}: {e}", i + 2))))
        .collect()
}

#[derive(Debug, Deserialize)]
struct ObjectiveRecord {
    number: u32,
    name_vi: String,
    name_en: String,
}

#[derive(Debug, Deserialize)]
struct TimeAggregationRecord {
    indicator_code: String,
    time_aggregation: String,
    reason_en: String,
    reason_vi: String,
}

#[derive(Debug, Deserialize)]
struct DisaggregationRecord {
    indicator_code: String,
    role: String,
    category_combo: String,
}

/// Builds the catalogue from the four catalogue files.
pub fn parse_catalogue(
    indicators: &str,
    objectives: &str,
    disaggregations: &str,
    time_aggregation: &str,
) -> Result<CatalogueData, DataFileError> {
    let mut over_time: HashMap<String, TimeAggregationRecord> =
        read_csv::<TimeAggregationRecord>("time_aggregation.csv", time_aggregation)?
            .into_iter()
            .map(|r| (r.indicator_code.trim().to_string(), r))
            .collect();
    let records: Vec<IndicatorRecord> = read_csv("indicators.csv", indicators)?;
    let objectives: Vec<Objective> = read_csv::<ObjectiveRecord>("objectives.csv", objectives)?
        .into_iter()
        .map(|o| Objective {
            number: o.number,
            name_vi: o.name_vi,
            name_en: o.name_en,
        })
        .collect();
    let mut sex_roles: HashMap<String, Vec<ElementRole>> = HashMap::new();
    for d in read_csv::<DisaggregationRecord>("disaggregations.csv", disaggregations)? {
        let role: ElementRole = d
            .role
            .parse()
            .map_err(|e| DataFileError(format!("disaggregations.csv: {e}")))?;
        let combo: CategoryCombo = d
            .category_combo
            .parse()
            .map_err(|e| DataFileError(format!("disaggregations.csv: {e}")))?;
        if combo == CategoryCombo::Sex {
            sex_roles.entry(d.indicator_code).or_default().push(role);
        }
    }
    let mut indicators = Vec::new();
    let mut elements = Vec::new();
    for r in &records {
        let mut ind = r.parse().map_err(|e| DataFileError(format!("indicators.csv: {e}")))?;
        let by_sex = sex_roles.entry(ind.code.to_string()).or_default();
        for role in r
            .sex_roles(ind.measure)
            .map_err(|e| DataFileError(format!("indicators.csv: indicator {}: {e}", ind.code)))?
        {
            if !by_sex.contains(&role) {
                by_sex.push(role);
            }
        }
        if let Some(t) = over_time.remove(ind.code.as_str()) {
            ind.time_aggregation = t
                .time_aggregation
                .parse()
                .map_err(|e| DataFileError(format!("time_aggregation.csv: indicator {}: {e}", ind.code)))?;
            ind.time_aggregation_reason_vi = t.reason_vi.trim().to_string();
            ind.time_aggregation_reason_en = t.reason_en.trim().to_string();
        }
        if !objectives.iter().any(|o| o.number == ind.objective) {
            return Err(DataFileError(format!(
                "indicators.csv: indicator {} names objective {}, which objectives.csv lacks",
                ind.code, ind.objective
            )));
        }
        elements.extend(ind.data_elements(sex_roles.get(ind.code.as_str()).map(Vec::as_slice).unwrap_or(&[])));
        indicators.push(ind);
    }
    if let Some(code) = over_time.keys().next() {
        return Err(DataFileError(format!(
            "time_aggregation.csv names unknown indicator {code}"
        )));
    }
    for code in sex_roles.keys() {
        if !indicators.iter().any(|i| &i.code == code) {
            return Err(DataFileError(format!(
                "disaggregations.csv names unknown indicator {code}"
            )));
        }
    }
    Ok(CatalogueData {
        objectives,
        indicators,
        elements,
    })
}

/// The catalogue binhdang ships (`data/catalogue/`), compiled in.
pub fn catalogue() -> Result<CatalogueData, DataFileError> {
    parse_catalogue(INDICATORS, OBJECTIVES, DISAGGREGATIONS, TIME_AGGREGATION)
}
