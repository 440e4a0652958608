//! The codes another system uses, where they are not binhdang's: an editable table that
//! translates a binhdang data element and breakdown to a DHIS2 data element and category option
//! combo, and a unit's GSO code to an org unit code. A value without a row keeps binhdang's
//! codes (idScheme CODE). Applied to every set that goes out and every set that comes in.

use super::{DataValueSet, combo_of, disaggregation_of};
use crate::Disaggregation;
use serde::{Deserialize, Serialize};

/// One row: a binhdang element and breakdown, and what the other system calls them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementCode {
    pub element: String,
    pub breakdown: Disaggregation,
    pub data_element: String,
    /// None: the other system's default combo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_option_combo: Option<String>,
}

/// One row: a unit's GSO code and the other system's org unit code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCode {
    pub unit: String,
    pub org_unit: String,
}

/// The whole table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeMap {
    #[serde(default)]
    pub elements: Vec<ElementCode>,
    #[serde(default)]
    pub units: Vec<UnitCode>,
}

/// Whether two category option combos are the same: equal codes, or both DHIS2's default (none,
/// `default` or its UID).
fn same_combo(a: Option<&str>, b: Option<&str>) -> bool {
    let default = |c: Option<&str>| c.is_none_or(|c| matches!(c.trim(), "" | "default" | super::DEFAULT_COMBO_UID));
    match (a, b) {
        (Some(a), Some(b)) if a.trim() == b.trim() => true,
        (a, b) => default(a) && default(b),
    }
}

impl CodeMap {
    /// What is wrong with the table, each in both languages: a binhdang code or an outside one
    /// given twice (the translation would not go both ways), or an empty code.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, e) in self.elements.iter().enumerate() {
            if e.element.trim().is_empty() || e.data_element.trim().is_empty() {
                out.push((
                    format!("element row {}: a code is empty", i + 1),
                    format!("Dòng chỉ tiêu {}: thiếu mã", i + 1),
                ));
            }
            if self.elements[..i]
                .iter()
                .any(|o| o.element == e.element && o.breakdown == e.breakdown)
            {
                out.push((
                    format!(
                        "element row {}: {} ({}) is mapped twice",
                        i + 1,
                        e.element,
                        e.breakdown.as_str()
                    ),
                    format!(
                        "Dòng chỉ tiêu {}: {} ({}) được ánh xạ hai lần",
                        i + 1,
                        e.element,
                        e.breakdown.as_str()
                    ),
                ));
            }
            if self.elements[..i].iter().any(|o| {
                o.data_element == e.data_element
                    && same_combo(o.category_option_combo.as_deref(), e.category_option_combo.as_deref())
            }) {
                out.push((
                    format!(
                        "element row {}: {} is the other system's code of two elements",
                        i + 1,
                        e.data_element
                    ),
                    format!(
                        "Dòng chỉ tiêu {}: mã {} được dùng cho hai chỉ tiêu",
                        i + 1,
                        e.data_element
                    ),
                ));
            }
        }
        for (i, u) in self.units.iter().enumerate() {
            if u.unit.trim().is_empty() || u.org_unit.trim().is_empty() {
                out.push((
                    format!("unit row {}: a code is empty", i + 1),
                    format!("Dòng đơn vị {}: thiếu mã", i + 1),
                ));
            }
            if self.units[..i]
                .iter()
                .any(|o| o.unit == u.unit || o.org_unit == u.org_unit)
            {
                out.push((
                    format!("unit row {}: {} or {} is mapped twice", i + 1, u.unit, u.org_unit),
                    format!(
                        "Dòng đơn vị {}: {} hoặc {} được ánh xạ hai lần",
                        i + 1,
                        u.unit,
                        u.org_unit
                    ),
                ));
            }
        }
        out
    }

    /// binhdang's codes → the other system's, in place.
    pub fn outgoing(&self, set: &mut DataValueSet) {
        let unit = |code: &mut Option<String>| {
            if let Some(found) = code.as_deref().and_then(|c| self.units.iter().find(|u| u.unit == c)) {
                *code = Some(found.org_unit.clone());
            }
        };
        unit(&mut set.org_unit);
        for v in &mut set.data_values {
            unit(&mut v.org_unit);
            let Some(breakdown) = disaggregation_of(v.category_option_combo.as_deref()) else {
                continue;
            };
            if let Some(found) = self
                .elements
                .iter()
                .find(|e| e.element == v.data_element && e.breakdown == breakdown)
            {
                v.data_element = found.data_element.clone();
                v.category_option_combo = found.category_option_combo.clone();
            }
        }
    }

    /// The other system's codes → binhdang's, in place.
    pub fn incoming(&self, set: &mut DataValueSet) {
        let unit = |code: &mut Option<String>| {
            if let Some(found) = code
                .as_deref()
                .and_then(|c| self.units.iter().find(|u| u.org_unit == c.trim()))
            {
                *code = Some(found.unit.clone());
            }
        };
        unit(&mut set.org_unit);
        for v in &mut set.data_values {
            unit(&mut v.org_unit);
            if let Some(found) = self.elements.iter().find(|e| {
                e.data_element == v.data_element.trim()
                    && same_combo(e.category_option_combo.as_deref(), v.category_option_combo.as_deref())
            }) {
                v.data_element = found.element.clone();
                v.category_option_combo = combo_of(found.breakdown).map(str::to_string);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::DataValue;

    fn map() -> CodeMap {
        CodeMap {
            elements: vec![
                ElementCode {
                    element: "6.1.num".into(),
                    breakdown: Disaggregation::Female,
                    data_element: "GE_KNOW_N".into(),
                    category_option_combo: Some("rCTYfMhtCbk".into()),
                },
                ElementCode {
                    element: "6.1.num".into(),
                    breakdown: Disaggregation::Total,
                    data_element: "GE_KNOW_N".into(),
                    category_option_combo: None,
                },
            ],
            units: vec![UnitCode {
                unit: "12".into(),
                org_unit: "VN_LAICHAU".into(),
            }],
        }
    }

    fn value(element: &str, combo: Option<&str>, org_unit: &str) -> DataValue {
        DataValue {
            data_element: element.into(),
            category_option_combo: combo.map(str::to_string),
            org_unit: Some(org_unit.into()),
            value: Some("8".into()),
            ..DataValue::default()
        }
    }

    #[test]
    fn codes_go_out_as_the_other_system_knows_them_and_come_back() {
        let mut set = DataValueSet {
            org_unit: Some("12".into()),
            data_values: vec![
                value("6.1.num", Some("female"), "12"),
                value("6.1.num", None, "12"),
                value("6.1.num", Some("male"), "03388"),
            ],
            ..DataValueSet::default()
        };
        let original = set.clone();
        map().outgoing(&mut set);
        assert_eq!(set.org_unit.as_deref(), Some("VN_LAICHAU"));
        let got: Vec<_> = set
            .data_values
            .iter()
            .map(|v| {
                (
                    v.data_element.as_str(),
                    v.category_option_combo.as_deref(),
                    v.org_unit.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("GE_KNOW_N", Some("rCTYfMhtCbk"), Some("VN_LAICHAU")),
                ("GE_KNOW_N", None, Some("VN_LAICHAU")),
                ("6.1.num", Some("male"), Some("03388")),
            ],
            "a value without a row keeps binhdang's codes"
        );
        map().incoming(&mut set);
        assert_eq!(set, original);
        // DHIS2's default combo, named or by its UID, is the total.
        let mut from_dhis2 = DataValueSet {
            data_values: vec![value("GE_KNOW_N", Some("HllvX50cXC0"), "VN_LAICHAU")],
            ..DataValueSet::default()
        };
        map().incoming(&mut from_dhis2);
        assert_eq!(from_dhis2.data_values[0].data_element, "6.1.num");
        assert_eq!(from_dhis2.data_values[0].category_option_combo, None);
    }

    #[test]
    fn a_code_given_twice_is_named() {
        assert!(map().problems().is_empty());
        let mut twice = map();
        twice.elements[1].category_option_combo = Some("rCTYfMhtCbk".into());
        twice.units.push(UnitCode {
            unit: "02".into(),
            org_unit: "VN_LAICHAU".into(),
        });
        let problems: Vec<String> = twice.problems().into_iter().map(|(en, _)| en).collect();
        assert_eq!(
            problems,
            vec![
                "element row 2: GE_KNOW_N is the other system's code of two elements".to_string(),
                "unit row 2: 02 or VN_LAICHAU is mapped twice".to_string(),
            ]
        );
    }
}
