//! Values as they arrive from outside (an API body, a form, a spreadsheet, an imported
//! report) and the checks every one of them passes before anything is stored: the element
//! exists, the breakdown is allowed, the number parses and fits the element. All problems are
//! collected, each named by the field it concerns, in Vietnamese and English.

use crate::{DataElement, Disaggregation, ElementCode, Entry, ValueType, check_entry, vn};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// The longest comment (an officer's explanation of a value) stored with a value: ample for
/// a few sentences, and a bound on what one save can write.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// One thing wrong with a request, named by the field it concerns (`values[3].value`), in
/// both languages so the interface can show either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message_en: String,
    pub message_vi: String,
}

impl FieldProblem {
    /// The same problem, named by `field`.
    fn at(self, field: String) -> Self {
        FieldProblem { field, ..self }
    }

    pub fn new(field: impl Into<String>, code: &str, message_en: String, message_vi: String) -> Self {
        FieldProblem {
            field: field.into(),
            code: code.to_string(),
            message_en,
            message_vi,
        }
    }
}

/// A value as it arrived, before it is known whether it fits its element.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// Remove the stored value.
    Null,
    /// A JSON number, as its text.
    Number(String),
    /// A JSON string: a narrative, or a number sent as text (exact decimals travel as text).
    Text(String),
}

/// One value to write.
#[derive(Debug, Clone)]
pub struct ValueInput {
    /// As the caller sent it: [`check_inputs`] finds the element (or names the field it
    /// refuses), so that one bad code is one problem among the others, not a refused request.
    pub element: String,
    pub disaggregation: Option<String>,
    pub value: RawValue,
    pub comment: Option<String>,
    /// Where the value was read from, for the audit trail (an imported report: "file — quote").
    pub source: Option<String>,
    /// The value the writer saw before changing it (the form as it was loaded, a copy kept
    /// offline); `Null` when the box was empty. When given, the save is refused if the stored
    /// value is no longer this one: someone else changed it meanwhile, and a queued save must
    /// not overwrite that silently.
    pub expected: Option<RawValue>,
}

/// An input that passed every check, ready to store.
pub struct CheckedValue {
    pub element: ElementCode,
    pub disaggregation: Disaggregation,
    /// None removes the stored value.
    pub entry: Option<Entry>,
    pub comment: Option<String>,
    pub source: Option<String>,
    /// [`ValueInput::expected`], read like a value: `Some(None)` expects no stored value.
    pub expected: Option<Option<Entry>>,
}

impl CheckedValue {
    /// Whether `stored` (canonical text, and whether it is a number; `None` when nothing is
    /// stored) is still what the writer expected. Numbers compare by value: `1260` and
    /// `1260.0` are the same figure.
    pub fn still_as_expected(&self, stored: Option<(&str, bool)>) -> bool {
        match (&self.expected, stored) {
            (None, _) => true,
            (Some(None), found) => found.is_none(),
            (Some(Some(_)), None) => false,
            (Some(Some(Entry::Number(want))), Some((text, true))) => {
                Decimal::from_str_exact(text).is_ok_and(|have| have == *want)
            }
            // Browsers send a form's line breaks as CRLF, whatever was stored.
            (Some(Some(Entry::Text(want))), Some((text, false))) => {
                want.replace("\r\n", "\n") == text.replace("\r\n", "\n")
            }
            (Some(Some(_)), Some(_)) => false,
        }
    }
}

impl CheckedValue {
    /// The value as stored: canonical decimal text, or the text itself.
    pub fn stored_text(&self) -> Option<String> {
        self.entry.as_ref().map(entry_text)
    }
}

pub fn entry_text(e: &Entry) -> String {
    match e {
        Entry::Number(d) => d.to_string(),
        Entry::Text(t) => t.clone(),
    }
}

/// Checks every input against the catalogue; all problems are collected, not just the first.
pub fn check_inputs(
    elements: &BTreeMap<ElementCode, DataElement>,
    inputs: &[ValueInput],
) -> Result<Vec<CheckedValue>, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut checked = Vec::with_capacity(inputs.len());
    let mut seen = HashSet::new();
    if inputs.is_empty() {
        problems.push(FieldProblem::new(
            "values",
            "empty",
            "the request holds no values to write".into(),
            "Yêu cầu không có giá trị nào để ghi".into(),
        ));
    }
    for (i, input) in inputs.iter().enumerate() {
        let field = |name: &str| format!("values[{i}].{name}");
        let Some(element) = elements.get(input.element.trim()) else {
            problems.push(FieldProblem::new(
                field("element"),
                "unknown_element",
                format!("there is no data element `{}` in the catalogue", input.element),
                format!("Không có chỉ tiêu dữ liệu `{}` trong danh mục", input.element),
            ));
            continue;
        };
        let disaggregation = match input.disaggregation.as_deref().map(str::parse::<Disaggregation>) {
            None => Disaggregation::Total,
            Some(Ok(d)) => d,
            Some(Err(_)) => {
                let raw = input.disaggregation.clone().unwrap_or_default();
                problems.push(FieldProblem::new(
                    field("disaggregation"),
                    "unknown_disaggregation",
                    format!("`{raw}` is not a disaggregation: use total, male or female"),
                    format!("`{raw}` không phải cách phân tổ: dùng total (tổng), male (nam) hoặc female (nữ)"),
                ));
                continue;
            }
        };
        if !seen.insert((element.code.clone(), disaggregation)) {
            problems.push(FieldProblem::new(
                field("element"),
                "duplicate",
                format!(
                    "{} ({disaggregation}) appears more than once in the request",
                    element.code
                ),
                format!(
                    "{} ({}) xuất hiện nhiều lần trong yêu cầu",
                    element.code,
                    disaggregation.name_vi()
                ),
            ));
            continue;
        }
        let entry = match read_raw(&input.value, element) {
            Ok(entry) => entry,
            Err(p) => {
                problems.push(p.at(field("value")));
                continue;
            }
        };
        let expected = match input.expected.as_ref().map(|raw| read_raw(raw, element)).transpose() {
            Ok(expected) => expected,
            Err(p) => {
                problems.push(p.at(field("expected")));
                continue;
            }
        };
        let entry = match entry {
            None => None,
            Some(entry) => match check_entry(element, disaggregation, entry) {
                Ok(e) => Some(e),
                Err(p) => {
                    let name = if p.code() == "disaggregation_not_allowed" {
                        "disaggregation"
                    } else {
                        "value"
                    };
                    problems.push(FieldProblem::new(
                        field(name),
                        p.code(),
                        p.message_en(element),
                        p.message_vi(element),
                    ));
                    continue;
                }
            },
        };
        let comment = input
            .comment
            .as_ref()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        if let Some(c) = &comment
            && c.chars().count() > MAX_COMMENT_CHARS
        {
            problems.push(FieldProblem::new(
                field("comment"),
                "too_long",
                format!("a comment is at most {MAX_COMMENT_CHARS} characters"),
                format!("Ghi chú dài tối đa {MAX_COMMENT_CHARS} ký tự"),
            ));
            continue;
        }
        checked.push(CheckedValue {
            element: element.code.clone(),
            disaggregation,
            entry,
            comment,
            source: input.source.clone().filter(|s| !s.trim().is_empty()),
            expected,
        });
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    }
}

/// A raw value read for `element`, before [`check_entry`]: `None` for `Null`, else a number
/// (canonical decimal) or the text of a text element.
fn read_raw(raw: &RawValue, element: &DataElement) -> Result<Option<Entry>, FieldProblem> {
    match (raw, element.value_type) {
        (RawValue::Null, _) => Ok(None),
        (RawValue::Text(t), ValueType::Text) => Ok(Some(Entry::Text(t.clone()))),
        // Any number stands in here: check_entry refuses numbers for text elements.
        (RawValue::Number(_), ValueType::Text) => Ok(Some(Entry::Number(Decimal::ZERO))),
        (RawValue::Number(s) | RawValue::Text(s), _) => match vn::parse_canonical(s) {
            Ok(d) => Ok(Some(Entry::Number(d))),
            Err(e) => Err(FieldProblem::new(
                "",
                "not_a_number",
                format!("{}: {e}", element.name_en),
                format!("{}: {}", element.name_vi, e.message_vi()),
            )),
        },
    }
}
