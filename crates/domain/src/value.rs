//! Data values: what an officer enters for a unit × period × data element ×
//! disaggregation, and the checks one entry must pass on its own.
//!
//! Values are exact decimals (never binary floats: money and counts must add up to the
//! đồng and the person). Checks that span several values (numerator ≤ denominator,
//! parts = total) are validation rules of their own and live beside the rule engine.

use crate::{DataElement, Disaggregation, ValueType};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Longest narrative accepted for one value; longer text belongs in a report section.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// What is stored for one key: a number, or a sentence for narrative results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    Number(#[serde(with = "rust_decimal::serde::str")] Decimal),
    Text(String),
}

impl Entry {
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Entry::Number(d) => Some(*d),
            Entry::Text(_) => None,
        }
    }
}

/// A problem with one entry, said in both languages so the caller can show either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum EntryProblem {
    DisaggregationNotAllowed {
        disaggregation: Disaggregation,
        allowed: Vec<Disaggregation>,
    },
    Negative {
        value: String,
    },
    NotWhole {
        value: String,
    },
    NotYesNo {
        value: String,
    },
    TextForNumber,
    NumberForText,
    TextTooLong {
        chars: usize,
    },
}

impl EntryProblem {
    pub fn code(&self) -> &'static str {
        match self {
            EntryProblem::DisaggregationNotAllowed { .. } => "disaggregation_not_allowed",
            EntryProblem::Negative { .. } => "negative",
            EntryProblem::NotWhole { .. } => "not_whole",
            EntryProblem::NotYesNo { .. } => "not_yes_no",
            EntryProblem::TextForNumber => "text_for_number",
            EntryProblem::NumberForText => "number_for_text",
            EntryProblem::TextTooLong { .. } => "text_too_long",
        }
    }

    pub fn message_en(&self, element: &DataElement) -> String {
        let name = &element.name_en;
        match self {
            EntryProblem::DisaggregationNotAllowed {
                disaggregation,
                allowed,
            } => format!(
                "{} ({name}) is not broken down by `{disaggregation}`; allowed: {}",
                element.code,
                join(allowed, Disaggregation::as_str)
            ),
            EntryProblem::Negative { value } => format!("{name}: {value} is negative; a count cannot be below 0"),
            EntryProblem::NotWhole { value } => format!("{name}: {value} must be a whole number"),
            EntryProblem::NotYesNo { value } => format!("{name}: {value} must be 1 (yes) or 0 (no)"),
            EntryProblem::TextForNumber => format!("{name} takes a number, not text"),
            EntryProblem::NumberForText => format!("{name} takes a text result, not a number"),
            EntryProblem::TextTooLong { chars } => {
                format!("{name}: the text has {chars} characters; at most {MAX_TEXT_CHARS} are accepted")
            }
        }
    }

    pub fn message_vi(&self, element: &DataElement) -> String {
        let name = &element.name_vi;
        match self {
            EntryProblem::DisaggregationNotAllowed {
                disaggregation,
                allowed,
            } => format!(
                "{} ({name}) không phân tổ theo `{}`; chỉ nhận: {}",
                element.code,
                disaggregation.name_vi(),
                join(allowed, Disaggregation::name_vi)
            ),
            EntryProblem::Negative { value } => {
                format!("{name}: {} là số âm; số lượng không được nhỏ hơn 0", vi_number(value))
            }
            // Written the Vietnamese way: "1,5", never "1.5", which reads as fifteen.
            EntryProblem::NotWhole { value } => format!("{name}: {} phải là số nguyên", vi_number(value)),
            EntryProblem::NotYesNo { value } => format!("{name}: {value} phải là 1 (có) hoặc 0 (không)"),
            EntryProblem::TextForNumber => format!("{name} phải nhập số, không nhập chữ"),
            EntryProblem::NumberForText => format!("{name} phải nhập nội dung bằng chữ, không phải số"),
            EntryProblem::TextTooLong { chars } => {
                format!("{name}: nội dung dài {chars} ký tự; tối đa {MAX_TEXT_CHARS} ký tự")
            }
        }
    }
}

/// A canonical number (`12.5`) as a Vietnamese reader writes it (`12,5`); other text as it is.
fn vi_number(text: &str) -> String {
    text.parse::<rust_decimal::Decimal>()
        .map(|d| crate::vn::format_number(d, None))
        .unwrap_or_else(|_| text.to_string())
}

fn join(items: &[Disaggregation], f: fn(&Disaggregation) -> &'static str) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(", ")
}

/// Checks one entry against its element: the disaggregation exists for it and the value
/// is of the element's kind. Returns the entry in canonical form (trailing zeros of the
/// decimal removed, so `12.50` and `12.5` are the same stored value).
pub fn check_entry(element: &DataElement, disaggregation: Disaggregation, entry: Entry) -> Result<Entry, EntryProblem> {
    if !element.category_combo.allows(disaggregation) {
        return Err(EntryProblem::DisaggregationNotAllowed {
            disaggregation,
            allowed: element.category_combo.options().to_vec(),
        });
    }
    match (element.value_type, entry) {
        (ValueType::Text, Entry::Text(t)) => {
            let chars = t.chars().count();
            if chars > MAX_TEXT_CHARS {
                Err(EntryProblem::TextTooLong { chars })
            } else {
                Ok(Entry::Text(t))
            }
        }
        (ValueType::Text, Entry::Number(_)) => Err(EntryProblem::NumberForText),
        (_, Entry::Text(_)) => Err(EntryProblem::TextForNumber),
        (value_type, Entry::Number(d)) => {
            // A stated rate keeps the decimals it was typed with: its precision is evidence.
            let d = if value_type == ValueType::Rate {
                d
            } else {
                d.normalize()
            };
            let shown = d.to_string();
            if d.is_sign_negative() && !d.is_zero() {
                return Err(EntryProblem::Negative { value: shown });
            }
            match value_type {
                ValueType::Count | ValueType::Money if !d.fract().is_zero() => {
                    Err(EntryProblem::NotWhole { value: shown })
                }
                ValueType::YesNo if d != Decimal::ZERO && d != Decimal::ONE => {
                    Err(EntryProblem::NotYesNo { value: shown })
                }
                // `-0` normalises to 0 but keeps its sign bit; store a plain zero.
                _ => Ok(Entry::Number(if d.is_zero() { Decimal::ZERO } else { d })),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CategoryCombo, ElementRole};
    use std::str::FromStr;

    fn element(value_type: ValueType, combo: CategoryCombo) -> DataElement {
        DataElement {
            code: "6.1.num".parse().unwrap(),
            indicator: Some("6.1".parse().unwrap()),
            role: ElementRole::Numerator,
            name_vi: "Dân số được tiếp cận".into(),
            name_en: "Population reached".into(),
            value_type,
            category_combo: combo,
        }
    }

    fn n(s: &str) -> Entry {
        Entry::Number(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        let e = element(ValueType::Count, CategoryCombo::Sex);
        assert_eq!(check_entry(&e, Disaggregation::Female, n("1260.00")), Ok(n("1260")));
        assert_eq!(check_entry(&e, Disaggregation::Total, n("-0")), Ok(n("0")));
        assert!(matches!(
            check_entry(&e, Disaggregation::Total, n("-3")),
            Err(EntryProblem::Negative { .. })
        ));
        assert!(matches!(
            check_entry(&e, Disaggregation::Total, n("12.5")),
            Err(EntryProblem::NotWhole { .. })
        ));
    }

    #[test]
    fn disaggregation_must_belong_to_the_element() {
        let e = element(ValueType::Count, CategoryCombo::None);
        let err = check_entry(&e, Disaggregation::Male, n("3")).unwrap_err();
        assert_eq!(err.code(), "disaggregation_not_allowed");
        assert!(err.message_vi(&e).contains("nam"), "{}", err.message_vi(&e));
    }

    #[test]
    fn yes_no_hours_and_text_elements() {
        let yes_no = element(ValueType::YesNo, CategoryCombo::None);
        assert!(check_entry(&yes_no, Disaggregation::Total, n("1")).is_ok());
        assert!(matches!(
            check_entry(&yes_no, Disaggregation::Total, n("2")),
            Err(EntryProblem::NotYesNo { .. })
        ));
        let hours = element(ValueType::Hours, CategoryCombo::None);
        assert_eq!(check_entry(&hours, Disaggregation::Total, n("1.70")), Ok(n("1.7")));
        let rate = element(ValueType::Rate, CategoryCombo::None);
        assert_eq!(
            check_entry(&rate, Disaggregation::Total, n("66.60"))
                .unwrap()
                .as_number()
                .unwrap()
                .scale(),
            2
        );
        assert!(matches!(
            check_entry(&rate, Disaggregation::Total, n("-1")),
            Err(EntryProblem::Negative { .. })
        ));
        let text = element(ValueType::Text, CategoryCombo::None);
        assert_eq!(
            check_entry(&text, Disaggregation::Total, n("1")),
            Err(EntryProblem::NumberForText)
        );
        assert_eq!(
            check_entry(&hours, Disaggregation::Total, Entry::Text("x".into())),
            Err(EntryProblem::TextForNumber)
        );
        let long = "a".repeat(MAX_TEXT_CHARS + 1);
        assert!(matches!(
            check_entry(&text, Disaggregation::Total, Entry::Text(long)),
            Err(EntryProblem::TextTooLong { .. })
        ));
    }
}
