//! The national indicator catalogue binhdang ships (`data/catalogue/*.csv`, compiled in), and
//! how it is read: plain parsing, no database, so `binhdang check` and the tests use it as it is
//! and `binhdang init` loads the same result into the database.

use crate::{CategoryCombo, DataElement, ElementRole, Indicator, IndicatorRecord, Objective};
use serde::Deserialize;
use std::collections::HashMap;

pub const INDICATORS: &str = include_str!("../../../data/catalogue/indicators.csv");
pub const OBJECTIVES: &str = include_str!("../../../data/catalogue/objectives.csv");
pub const DISAGGREGATIONS: &str = include_str!("../../../data/catalogue/disaggregations.csv");

/// A shipped or uploaded data file that does not read, with the file and row named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFileError(pub String);

impl std::fmt::Display for DataFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DataFileError {}

/// The catalogue as read from its three files: what `init` loads into the catalogue tables.
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
struct DisaggregationRecord {
    indicator_code: String,
    role: String,
    category_combo: String,
}

/// Builds the catalogue from the three catalogue files.
pub fn parse_catalogue(
    indicators: &str,
    objectives: &str,
    disaggregations: &str,
) -> Result<CatalogueData, DataFileError> {
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
        let ind = r.parse().map_err(|e| DataFileError(format!("indicators.csv: {e}")))?;
        if !objectives.iter().any(|o| o.number == ind.objective) {
            return Err(DataFileError(format!(
                "indicators.csv: indicator {} names objective {}, which objectives.csv lacks",
                ind.code, ind.objective
            )));
        }
        elements.extend(ind.data_elements(sex_roles.get(&ind.code).map(Vec::as_slice).unwrap_or(&[])));
        indicators.push(ind);
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
    parse_catalogue(INDICATORS, OBJECTIVES, DISAGGREGATIONS)
}
