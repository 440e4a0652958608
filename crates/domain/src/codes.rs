//! The codes that name things across the system — a unit ([`crate::UnitCode`]), an indicator
//! ([`IndicatorCode`]) and a data element ([`ElementCode`]) — each its own type, so that one
//! cannot be passed where another is meant, and each parsed once where it enters.
//!
//! They read as text everywhere text is read (`Deref<Target = str>`, `Borrow<str>` for map
//! look-ups, comparison with `&str`), and are written to JSON and databases as plain strings.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The text-like behaviour shared by the code types; each type brings its own `parse`.
macro_rules! code_type {
    ($name:ident, $error:ty) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $name::parse(&s)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.0
            }
        }

        impl From<&$name> for String {
            fn from(code: &$name) -> String {
                code.0.clone()
            }
        }
    };
}

pub(crate) use code_type;

/// The longest indicator code: ample for `7.12b` or a programme's `PCBL-3`, short enough for a
/// table's first column.
pub const MAX_INDICATOR_CODE_CHARS: usize = 20;

/// An indicator's code: `1.1`, `3.2a`, or a province's own `7.1` — 1 to 20 ASCII letters,
/// digits, `.`, `-` or `_`, beginning with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IndicatorCode(String);

code_type!(IndicatorCode, CodeError);

impl IndicatorCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let s = s.trim();
        if code_text_is_valid(s, MAX_INDICATOR_CODE_CHARS) {
            Ok(IndicatorCode(s.to_string()))
        } else {
            Err(CodeError::Indicator(s.to_string()))
        }
    }

    /// The code of this indicator's element of `role`: `3.2a` + numerator = `3.2a.num`.
    pub fn element(&self, role: crate::ElementRole) -> ElementCode {
        ElementCode(format!("{}.{}", self.0, role.suffix()))
    }
}

/// A data element's code: an indicator's code and the element's role, `3.2a.num`, `6.1.value`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ElementCode(String);

code_type!(ElementCode, CodeError);

impl ElementCode {
    /// Room for the longest indicator code and a role.
    pub const MAX_CHARS: usize = MAX_INDICATOR_CODE_CHARS + 20;

    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let s = s.trim();
        if code_text_is_valid(s, Self::MAX_CHARS) {
            Ok(ElementCode(s.to_string()))
        } else {
            Err(CodeError::Element(s.to_string()))
        }
    }

    /// The indicator this element belongs to, read from the code (`3.2a.num` → `3.2a`).
    pub fn indicator(&self) -> Option<IndicatorCode> {
        let (indicator, _) = self.0.rsplit_once('.')?;
        IndicatorCode::parse(indicator).ok()
    }
}

fn code_text_is_valid(s: &str, max_chars: usize) -> bool {
    (1..=max_chars).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// A text that is not a code of the kind expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error(
        "`{0}` is not an indicator code: 1–20 letters, digits, `.`, `-` or `_`, beginning with a letter or digit (e.g. 7.1)"
    )]
    Indicator(String),
    #[error("`{0}` is not a data element code: an indicator code and a role, such as 3.2a.num")]
    Element(String),
}

impl CodeError {
    pub fn message_vi(&self) -> String {
        match self {
            CodeError::Indicator(s) => format!(
                "`{s}` không phải mã chỉ tiêu: 1–20 chữ cái không dấu, chữ số, `.`, `-` hoặc `_`, bắt đầu bằng chữ hoặc số (ví dụ 7.1)"
            ),
            CodeError::Element(s) => {
                format!("`{s}` không phải mã phần tử dữ liệu: mã chỉ tiêu và vai trò, ví dụ 3.2a.num")
            }
        }
    }
}

impl fmt::Display for crate::ElementRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.suffix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ElementRole;
    use std::collections::HashMap;

    #[test]
    fn codes_parse_where_they_enter_and_refuse_what_is_not_a_code() {
        assert_eq!(IndicatorCode::parse(" 3.2a ").unwrap().as_str(), "3.2a");
        for bad in ["", ".1", "3 2", "chỉ.tiêu", "x".repeat(21).as_str()] {
            assert!(IndicatorCode::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(ElementCode::parse("3.2a.num").is_ok());
        assert!("6.1 value".parse::<ElementCode>().is_err());
        assert!(serde_json::from_str::<IndicatorCode>("\"a b\"").is_err());
    }

    #[test]
    fn an_element_knows_its_indicator_and_codes_read_as_text() {
        let indicator = IndicatorCode::parse("3.2a").unwrap();
        let numerator = indicator.element(ElementRole::Numerator);
        assert_eq!(numerator, "3.2a.num");
        assert_eq!(numerator.indicator(), Some(indicator.clone()));
        let by_code: HashMap<IndicatorCode, u32> = [(indicator, 1)].into();
        assert_eq!(by_code.get("3.2a"), Some(&1));
        assert_eq!(serde_json::to_string(&numerator).unwrap(), "\"3.2a.num\"");
    }
}
