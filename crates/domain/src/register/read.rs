//! Reading what a client sent ([`Reader`]) and checking the values read ([`Checks`]), with the
//! serde helpers the records share.

use super::{
    MAX_COUNT, MAX_MONEY, MAX_TEXT_CHARS, READ_ONLY_FIELDS, RawField, RawRecord, RegisterProblem, Sex, Term,
    field_label,
};
use crate::vn;
use rust_decimal::Decimal;
use serde::Serializer;
use time::Date;

/// Reads fields one by one, collecting problems.
pub(super) struct Reader<'a> {
    raw: &'a RawRecord,
    fields: &'static [&'static str],
    pub(super) problems: Vec<RegisterProblem>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(raw: &'a RawRecord, fields: &'static [&'static str]) -> Self {
        let mut problems = Vec::new();
        for key in raw.keys() {
            if !fields.contains(&key.as_str()) && !READ_ONLY_FIELDS.contains(&key.as_str()) {
                problems.push(RegisterProblem::error(
                    key,
                    "unknown_field",
                    format!(
                        "`{key}` is not a field of this register; the fields are: {}",
                        fields.join(", ")
                    ),
                    format!(
                        "`{key}` không phải trường của sổ này; các trường gồm: {}",
                        fields.join(", ")
                    ),
                ));
            }
        }
        Reader { raw, fields, problems }
    }

    fn bad_type(&mut self, field: &str, what_en: &str, what_vi: &str, got: &str) {
        let (vi, en) = field_label(field);
        self.problems.push(RegisterProblem::error(
            field,
            "bad_type",
            format!("{en}: expected {what_en}, got {got}"),
            format!("{vi}: cần {what_vi}, không phải {got}"),
        ));
    }

    /// A string (or a number, as its text), trimmed; `None` when absent, null or blank.
    pub(super) fn text(&mut self, field: &str) -> Option<String> {
        debug_assert!(self.fields.contains(&field));
        match self.raw.get(field) {
            None | Some(RawField::Null) => None,
            Some(RawField::Text(s) | RawField::Number(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Some(RawField::Other(kind)) => {
                let kind = kind.clone();
                self.bad_type(field, "text", "văn bản", &kind);
                None
            }
        }
    }

    /// Text that the record requires: empty when absent, for [`Register::check`](super::Register::check) to report.
    pub(super) fn required_text(&mut self, field: &str) -> String {
        self.text(field).unwrap_or_default()
    }

    pub(super) fn number(&mut self, field: &str) -> Option<Decimal> {
        let s = match self.raw.get(field) {
            None | Some(RawField::Null) => return None,
            Some(RawField::Text(s) | RawField::Number(s)) if s.trim().is_empty() => return None,
            Some(RawField::Text(s) | RawField::Number(s)) => s.clone(),
            Some(RawField::Other(kind)) => {
                let kind = kind.clone();
                self.bad_type(field, "a number", "số", &kind);
                return None;
            }
        };
        match vn::parse_canonical(&s) {
            Ok(d) => Some(d),
            Err(e) => {
                let (vi, en) = field_label(field);
                self.problems.push(RegisterProblem::error(
                    field,
                    "not_a_number",
                    format!("{en}: {e}"),
                    format!("{vi}: {}", e.message_vi()),
                ));
                None
            }
        }
    }

    /// Whether the client sent something for `field` (null and blank count as nothing).
    pub(super) fn present(&self, field: &str) -> bool {
        match self.raw.get(field) {
            None | Some(RawField::Null) => false,
            Some(RawField::Text(s) | RawField::Number(s)) => !s.trim().is_empty(),
            Some(RawField::Other(_)) => true,
        }
    }

    pub(super) fn missing(&mut self, field: &str, hint_en: &str, hint_vi: &str) {
        let (vi, en) = field_label(field);
        self.problems.push(RegisterProblem::error(
            field,
            "required",
            format!("{en} is required{hint_en}"),
            format!("Chưa nhập {}{hint_vi}", lower_first(vi)),
        ));
    }

    pub(super) fn required_number(&mut self, field: &str) -> Decimal {
        if !self.present(field) {
            self.missing(field, "", "");
            return Decimal::ZERO;
        }
        self.number(field).unwrap_or_default()
    }

    pub(super) fn date(&mut self, field: &str) -> Option<Date> {
        let s = self.text(field)?;
        match parse_iso_date(&s) {
            Some(d) => Some(d),
            None => {
                let (vi, en) = field_label(field);
                self.problems.push(RegisterProblem::error(
                    field,
                    "bad_date",
                    format!("{en}: `{s}` is not a date; use YYYY-MM-DD, e.g. 2024-03-08"),
                    format!("{vi}: `{s}` không phải ngày hợp lệ; dùng dạng YYYY-MM-DD, ví dụ 2024-03-08"),
                ));
                None
            }
        }
    }

    /// A value from a fixed list, read with `parse`; `choices` names the list in messages.
    pub(super) fn choice<T>(&mut self, field: &str, parse: impl Fn(&str) -> Option<T>, choices: &str) -> Option<T> {
        let s = self.text(field)?;
        match parse(&s) {
            Some(v) => Some(v),
            None => {
                self.problems.push(not_in_list(field, &s, choices));
                None
            }
        }
    }

    pub(super) fn sex(&mut self, field: &str) -> Option<Sex> {
        self.choice(field, |s| s.parse().ok(), "male (nam), female (nữ)")
    }

    pub(super) fn finish<T>(self, record: T) -> Result<T, Vec<RegisterProblem>> {
        if self.problems.is_empty() {
            Ok(record)
        } else {
            Err(self.problems)
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn not_in_list(field: &str, value: &str, choices: &str) -> RegisterProblem {
    let (vi, en) = field_label(field);
    RegisterProblem::error(
        field,
        "not_in_list",
        format!("{en}: `{value}` is not in the list; use one of: {choices}"),
        format!("{vi}: `{value}` không có trong danh mục; chọn một trong: {choices}"),
    )
}

/// `YYYY-MM-DD`, as the API exchanges dates.
pub fn parse_iso_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), format).ok()
}

/// Collects the problems of [`Register::check`](super::Register::check).
pub(super) struct Checks(pub(super) Vec<RegisterProblem>);

impl Checks {
    pub(super) fn push(&mut self, field: &str, code: &'static str, en: String, vi: String) {
        self.0.push(RegisterProblem::error(field, code, en, vi));
    }

    fn whole_not_negative(&mut self, field: &str, v: Decimal, max: Decimal, money: bool) -> bool {
        let (vi, en) = field_label(field);
        // Each message says the number the way its language writes it: -5.000.000 / -5000000.
        let shown = v.normalize().to_string();
        let shown_vi = crate::vn::format_number(v.normalize(), None);
        let max_vi = crate::vn::format_number(max, None);
        let len = self.0.len();
        if v.is_sign_negative() && !v.is_zero() {
            let (what_en, what_vi) = if money {
                ("an amount of money", "số tiền")
            } else {
                ("a count", "số lượng")
            };
            self.push(
                field,
                "negative",
                format!("{en}: {shown} is negative; {what_en} cannot be below 0"),
                format!("{vi}: {shown_vi} là số âm; {what_vi} không được nhỏ hơn 0"),
            );
        } else if !v.fract().is_zero() {
            let (what_en, what_vi) = if money {
                ("a whole number of đồng", "số nguyên (đồng)")
            } else {
                ("a whole number", "số nguyên")
            };
            self.push(
                field,
                "not_whole",
                format!("{en}: {shown} must be {what_en}"),
                format!("{vi}: {shown_vi} phải là {what_vi}"),
            );
        } else if v > max {
            self.push(
                field,
                "too_large",
                format!("{en}: {shown} is larger than the {max} this field accepts"),
                format!("{vi}: {shown_vi} vượt quá giới hạn {max_vi}"),
            );
        }
        self.0.len() == len
    }

    pub(super) fn count(&mut self, field: &str, v: Decimal) -> bool {
        self.whole_not_negative(field, v, Decimal::from(MAX_COUNT), false)
    }

    pub(super) fn opt_count(&mut self, field: &str, v: Option<Decimal>) -> bool {
        v.is_none_or(|v| self.count(field, v))
    }

    pub(super) fn money(&mut self, field: &str, v: Option<Decimal>) -> bool {
        v.is_none_or(|v| self.whole_not_negative(field, v, MAX_MONEY, true))
    }

    pub(super) fn required_text(&mut self, field: &str, s: &str) {
        if s.trim().is_empty() {
            let (vi, en) = field_label(field);
            self.push(
                field,
                "required",
                format!("{en} is required"),
                format!("Chưa nhập {}", lower_first(vi)),
            );
        } else {
            self.text_length(field, s);
        }
    }

    pub(super) fn text(&mut self, field: &str, s: &Option<String>) {
        if let Some(s) = s {
            self.text_length(field, s);
        }
    }

    fn text_length(&mut self, field: &str, s: &str) {
        let chars = s.chars().count();
        if chars > MAX_TEXT_CHARS {
            let (vi, en) = field_label(field);
            self.push(
                field,
                "text_too_long",
                format!("{en}: the text has {chars} characters; at most {MAX_TEXT_CHARS} are accepted"),
                format!("{vi}: nội dung dài {chars} ký tự; tối đa {MAX_TEXT_CHARS} ký tự"),
            );
        }
    }

    pub(super) fn in_list(&mut self, field: &str, code: &str, list: &[Term]) {
        if code.trim().is_empty() {
            return self.required_text(field, code);
        }
        if !list.iter().any(|t| t.code == code) {
            let choices = list
                .iter()
                .map(|t| format!("{} ({})", t.code, t.name_vi))
                .collect::<Vec<_>>()
                .join(", ");
            self.0.push(not_in_list(field, code, &choices));
        }
    }

    /// `smaller` ≤ `larger`, when both are given and valid.
    pub(super) fn not_above(
        &mut self,
        small: (&str, Option<Decimal>),
        large: (&str, Option<Decimal>),
        code: &'static str,
    ) {
        if let ((sf, Some(s)), (lf, Some(l))) = (small, large)
            && s > l
        {
            let ((svi, sen), (lvi, len)) = (field_label(sf), field_label(lf));
            self.push(
                sf,
                code,
                format!("{sen} ({s}) cannot exceed {len} ({l})"),
                format!("{svi} ({s}) không được lớn hơn {} ({l})", lower_first(lvi)),
            );
        }
    }

    pub(super) fn finish(self) -> Vec<RegisterProblem> {
        self.0
    }
}

/// Serialises a count as a JSON integer (it is whole once checked), else as exact text.
pub(super) fn count_json<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let n = v.normalize();
    match (n.fract().is_zero(), i64::try_from(n)) {
        (true, Ok(i)) => s.serialize_i64(i),
        _ => s.collect_str(&n),
    }
}

pub(super) fn opt_count_json<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => count_json(v, s),
        None => s.serialize_none(),
    }
}

/// Money as exact decimal text (`"30000000"`).
pub(super) fn opt_money_json<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(&v.normalize()),
        None => s.serialize_none(),
    }
}
