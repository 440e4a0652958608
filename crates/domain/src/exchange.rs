//! Data exchange with DHIS2-family systems: the dataValueSet (DXF2 JSON) shape, and how
//! binhdang's identifiers map onto DHIS2's with the `CODE` id scheme.
//!
//! - org unit: the GSO code (`12`, `03388`);
//! - data element: binhdang's element code (`6.1.num`);
//! - category option combo: `male` or `female` for a part by sex; the total has none (DHIS2's
//!   default combo; `default` and DHIS2's default UID `HllvX50cXC0` are read as the total);
//! - period: DHIS2's ISO ids — `2024`, `2024S1`/`2024S2` for halves, `2024Q3`, `202403`. A phase
//!   and the Action Month have no DHIS2 period type: their values are not exchanged.
//!
//! Parsing is tolerant where DHIS2 itself is inconsistent (`followUp`/`followup`, a period or
//! org unit given once for the whole set).

use crate::{Disaggregation, Period};
use serde::{Deserialize, Serialize};

/// DHIS2's default category option combo, the same on every instance.
pub const DEFAULT_COMBO_UID: &str = "HllvX50cXC0";

/// A dataValueSet as DHIS2 sends and receives it (JSON).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataValueSet {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_set: Option<String>,
    /// Applies to every value that names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    #[serde(default)]
    pub data_values: Vec<DataValue>,
}

/// One value of a dataValueSet.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataValue {
    pub data_element: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_option_combo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
    #[serde(default, alias = "followup", skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
}

/// A binhdang period as a DHIS2 period id, where DHIS2 has the period type.
pub fn dhis2_period(period: &Period) -> Option<String> {
    match *period {
        Period::Year(y) => Some(y.to_string()),
        Period::HalfYear { year, half } => Some(format!("{year}S{half}")),
        Period::Quarter { year, quarter } => Some(format!("{year}Q{quarter}")),
        Period::Month { year, month } => Some(format!("{year}{month:02}")),
        Period::Phase { .. } | Period::ActionMonth(_) => None,
    }
}

/// A DHIS2 period id (`2024`, `2024S1`, `2024Q3`, `202403`, `2024-03`) as a binhdang period.
pub fn from_dhis2_period(id: &str) -> Option<Period> {
    let id = id.trim();
    let year = |s: &str| s.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y));
    let period = if id.len() == 4 {
        Period::Year(year(id)?)
    } else if let Some((y, h)) = id.split_once('S') {
        Period::HalfYear {
            year: year(y)?,
            half: h.parse().ok().filter(|h| *h == 1 || *h == 2)?,
        }
    } else if let Some((y, q)) = id.split_once('Q') {
        Period::Quarter {
            year: year(y)?,
            quarter: q.parse().ok().filter(|q| (1..=4).contains(q))?,
        }
    } else {
        let digits: String = id.chars().filter(|c| *c != '-').collect();
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Period::Month {
            year: year(&digits[..4])?,
            month: digits[4..].parse().ok().filter(|m| (1..=12).contains(m))?,
        }
    };
    Some(period)
}

/// The category option combo a disaggregation is exchanged as (none for the total).
pub fn combo_of(d: Disaggregation) -> Option<&'static str> {
    match d {
        Disaggregation::Total => None,
        other => Some(other.as_str()),
    }
}

/// The disaggregation a category option combo names: the total for none, `default` or DHIS2's
/// default combo; else one of binhdang's own (`male`, `female`, `total`).
pub fn disaggregation_of(combo: Option<&str>) -> Option<Disaggregation> {
    match combo.map(str::trim) {
        None | Some("") | Some("default") | Some(DEFAULT_COMBO_UID) => Some(Disaggregation::Total),
        Some(other) => other.to_ascii_lowercase().parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_map_both_ways_where_dhis2_has_them() {
        for (ours, theirs) in [
            ("2024", "2024"),
            ("2024H1", "2024S1"),
            ("2024H2", "2024S2"),
            ("2024Q3", "2024Q3"),
            ("2024M03", "202403"),
        ] {
            let p: Period = ours.parse().unwrap();
            assert_eq!(dhis2_period(&p).as_deref(), Some(theirs));
            assert_eq!(from_dhis2_period(theirs), Some(p));
        }
        assert_eq!(from_dhis2_period("2024-03"), Some("2024M03".parse().unwrap()));
        assert_eq!(dhis2_period(&"2021-2025".parse().unwrap()), None);
        assert_eq!(dhis2_period(&"2024AM".parse().unwrap()), None);
        for bad in ["2024S3", "2024Q5", "202413", "24", "2024W1", "abcd"] {
            assert_eq!(from_dhis2_period(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_total_is_dhis2s_default_combo() {
        assert_eq!(combo_of(Disaggregation::Total), None);
        assert_eq!(combo_of(Disaggregation::Female), Some("female"));
        for default in [None, Some("default"), Some(DEFAULT_COMBO_UID)] {
            assert_eq!(disaggregation_of(default), Some(Disaggregation::Total));
        }
        assert_eq!(disaggregation_of(Some("MALE")), Some(Disaggregation::Male));
        assert_eq!(disaggregation_of(Some("unknown")), None);
    }

    #[test]
    fn both_spellings_of_follow_up_are_read() {
        let set: DataValueSet = serde_json::from_str(
            r#"{"period": "2024", "orgUnit": "12", "dataValues": [
                {"dataElement": "6.1.num", "value": "5", "followup": true},
                {"dataElement": "6.1.den", "value": "9", "followUp": false}]}"#,
        )
        .unwrap();
        assert_eq!(set.data_values[0].follow_up, Some(true));
        assert_eq!(set.data_values[1].follow_up, Some(false));
        assert_eq!(set.org_unit.as_deref(), Some("12"));
    }
}
