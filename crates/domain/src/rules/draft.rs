//! Drafts: a rule as an administrator sends it ([`RuleDraft`]), and checking it against the
//! language and the catalogue into a [`Rule`] or a list of [`RuleProblem`]s.

use super::parse::parse_with_positions;
use super::{Expr, Operator, Rule, Severity};
use crate::{DataElement, ValueType};
use serde::Serialize;

/// Codes of configured rules may not start with these: they name built-in checks.
pub const RESERVED_PREFIXES: [&str; 2] = ["builtin.", "outlier."];
pub const MAX_CODE_CHARS: usize = 64;
pub const MAX_NAME_CHARS: usize = 300;
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// A rule as an administrator sends it, all text, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleDraft {
    pub code: String,
    pub name_vi: String,
    /// Empty: the Vietnamese name is used.
    pub name_en: String,
    pub left: String,
    pub operator: String,
    pub right: String,
    pub severity: String,
    pub message_vi: String,
    /// Empty: the Vietnamese message is used.
    pub message_en: String,
    pub enabled: bool,
}

/// A problem with one field of a [`RuleDraft`], in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleProblem {
    pub field: String,
    pub code: &'static str,
    pub message_en: String,
    pub message_vi: String,
}

impl RuleProblem {
    fn new(field: &str, code: &'static str, message_en: String, message_vi: String) -> RuleProblem {
        RuleProblem {
            field: field.to_string(),
            code,
            message_en,
            message_vi,
        }
    }
}

impl RuleDraft {
    /// Checks every field against the language and the catalogue's data elements, and
    /// returns the rule, or every problem found.
    pub fn check(&self, elements: &[DataElement]) -> Result<Rule, Vec<RuleProblem>> {
        let mut problems = Vec::new();
        let code = self.code.trim();
        if code.is_empty() {
            problems.push(missing("code", "mã quy tắc"));
        } else if code.chars().count() > MAX_CODE_CHARS
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            problems.push(RuleProblem::new(
                "code",
                "bad_code",
                format!("`{code}` is not a rule code: use up to {MAX_CODE_CHARS} letters, digits, `.`, `_` or `-`"),
                format!("`{code}` không phải mã quy tắc hợp lệ: dùng tối đa {MAX_CODE_CHARS} chữ cái không dấu, chữ số, `.`, `_` hoặc `-`"),
            ));
        } else if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| code.starts_with(**p)) {
            problems.push(RuleProblem::new(
                "code",
                "reserved_code",
                format!("codes starting with `{prefix}` are kept for built-in checks"),
                format!("Mã bắt đầu bằng `{prefix}` dành cho các kiểm tra có sẵn"),
            ));
        }
        let text = |field: &str, value: &str, required: bool, max: usize, problems: &mut Vec<RuleProblem>| {
            let value = value.trim();
            if required && value.is_empty() {
                problems.push(missing(field, field_vi(field)));
            } else if value.chars().count() > max {
                problems.push(RuleProblem::new(
                    field,
                    "too_long",
                    format!("`{field}` is longer than {max} characters"),
                    format!("`{field}` dài quá {max} ký tự"),
                ));
            }
            value.to_string()
        };
        let name_vi = text("name_vi", &self.name_vi, true, MAX_NAME_CHARS, &mut problems);
        let name_en = text("name_en", &self.name_en, false, MAX_NAME_CHARS, &mut problems);
        let message_vi = text("message_vi", &self.message_vi, true, MAX_MESSAGE_CHARS, &mut problems);
        let message_en = text("message_en", &self.message_en, false, MAX_MESSAGE_CHARS, &mut problems);
        for (field, message) in [("message_vi", &message_vi), ("message_en", &message_en)] {
            for placeholder in placeholders(message) {
                if placeholder != "{left}" && placeholder != "{right}" {
                    problems.push(RuleProblem::new(
                        field,
                        "unknown_placeholder",
                        format!("`{placeholder}` is not a placeholder: only {{left}} and {{right}} are filled in"),
                        format!("`{placeholder}` không phải chỗ điền số: chỉ dùng {{left}} và {{right}}"),
                    ));
                }
            }
        }
        let left = check_expression("left", &self.left, elements, &mut problems);
        let right = check_expression("right", &self.right, elements, &mut problems);
        if let (Some(l), Some(r)) = (&left, &right)
            && l.references().is_empty()
            && r.references().is_empty()
        {
            problems.push(RuleProblem::new(
                "left",
                "no_reference",
                "the rule refers to no data value: write at least one #{...} on either side".into(),
                "Quy tắc không tham chiếu số liệu nào: cần ít nhất một #{...} ở một trong hai vế".into(),
            ));
        }
        let operator = self.operator.parse::<Operator>().ok();
        if operator.is_none() {
            let allowed = Operator::ALL.map(|o| o.as_str()).join(", ");
            problems.push(RuleProblem::new(
                "operator",
                "bad_operator",
                format!("`{}` is not an operator; use one of {allowed}", self.operator.trim()),
                format!(
                    "`{}` không phải phép so sánh; dùng một trong {allowed}",
                    self.operator.trim()
                ),
            ));
        }
        let severity = self.severity.parse::<Severity>().ok();
        if severity.is_none() {
            problems.push(RuleProblem::new(
                "severity",
                "bad_severity",
                format!("`{}` is not a severity; use error or warning", self.severity.trim()),
                format!(
                    "`{}` không phải mức độ; dùng error (lỗi, chặn gửi báo cáo) hoặc warning (cảnh báo, cần giải trình)",
                    self.severity.trim()
                ),
            ));
        }
        match (left, right, operator, severity) {
            (Some(left), Some(right), Some(operator), Some(severity)) if problems.is_empty() => Ok(Rule {
                code: code.to_string(),
                name_en: if name_en.is_empty() { name_vi.clone() } else { name_en },
                name_vi,
                left,
                operator,
                right,
                severity,
                message_en: if message_en.is_empty() {
                    message_vi.clone()
                } else {
                    message_en
                },
                message_vi,
                enabled: self.enabled,
            }),
            _ => Err(problems),
        }
    }
}

fn missing(field: &str, name_vi: &str) -> RuleProblem {
    RuleProblem::new(
        field,
        "missing",
        format!("`{field}` is required"),
        format!("Thiếu {name_vi} (`{field}`)"),
    )
}

fn field_vi(field: &str) -> &'static str {
    match field {
        "name_vi" => "tên quy tắc",
        "message_vi" => "thông báo",
        "left" => "vế trái",
        "right" => "vế phải",
        _ => "nội dung",
    }
}

/// `{...}` groups in a message.
fn placeholders(message: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else { break };
        out.push(&rest[open..open + len + 1]);
        rest = &rest[open + len + 1..];
    }
    out
}

fn check_expression(
    field: &str,
    text: &str,
    elements: &[DataElement],
    problems: &mut Vec<RuleProblem>,
) -> Option<Expr> {
    if text.trim().is_empty() {
        problems.push(missing(field, field_vi(field)));
        return None;
    }
    let (expr, refs) = match parse_with_positions(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            problems.push(RuleProblem::new(field, "parse_error", e.message_en(), e.message_vi()));
            return None;
        }
    };
    let before = problems.len();
    for (r, pos) in refs {
        let Some(element) = elements.iter().find(|e| e.code == r.element) else {
            problems.push(RuleProblem::new(
                field,
                "unknown_element",
                format!(
                    "at position {pos}: there is no data element `{}` in the catalogue",
                    r.element
                ),
                format!("Vị trí {pos}: không có chỉ tiêu dữ liệu `{}` trong danh mục", r.element),
            ));
            continue;
        };
        if element.value_type == ValueType::Text {
            problems.push(RuleProblem::new(
                field,
                "text_element",
                format!("at position {pos}: `{}` holds text, not a number", r.element),
                format!("Vị trí {pos}: `{}` là nội dung bằng chữ, không phải số", r.element),
            ));
        }
        if let Some(d) = r.disaggregation
            && !element.category_combo.allows(d)
        {
            problems.push(RuleProblem::new(
                field,
                "disaggregation_not_allowed",
                format!(
                    "at position {pos}: `{}` is not broken down by `{}`; use #{{{}}}",
                    r.element,
                    d.as_str(),
                    r.element
                ),
                format!(
                    "Vị trí {pos}: `{}` không phân tổ theo {}; dùng #{{{}}}",
                    r.element,
                    d.name_vi(),
                    r.element
                ),
            ));
        }
    }
    (problems.len() == before).then_some(expr)
}
