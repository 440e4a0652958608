//! Administrative units (đơn vị hành chính) and the agencies beside them.
//!
//! The hierarchy changes over time: on 1 July 2025 the district level was removed and
//! provinces and communes were merged. A unit therefore carries a validity interval, and a
//! merge or split records successor links, so that old series can still be summed into the
//! units that replaced them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::Date;
use time::macros::date;

/// The day the 2025 reform of the administrative map took effect (Nghị quyết 202/2025/QH15):
/// provinces merged, and districts ended the day before.
pub const REFORM_DATE: Date = date!(2025 - 07 - 01);
/// The last day of the pre-reform hierarchy (with districts).
pub const LAST_DAY_BEFORE_REFORM: Date = date!(2025 - 06 - 30);

/// Level in the hierarchy. Since 1 July 2025 there are only provinces and communes under
/// the country; the country itself is the root every national figure is summed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    Country,
    Province,
    District,
    Commune,
}

impl UnitLevel {
    pub const ALL: [UnitLevel; 4] = [
        UnitLevel::Country,
        UnitLevel::Province,
        UnitLevel::District,
        UnitLevel::Commune,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            UnitLevel::Country => "country",
            UnitLevel::Province => "province",
            UnitLevel::District => "district",
            UnitLevel::Commune => "commune",
        }
    }

    pub fn name_vi(&self) -> &'static str {
        match self {
            UnitLevel::Country => "toàn quốc",
            UnitLevel::Province => "cấp tỉnh",
            UnitLevel::District => "cấp huyện",
            UnitLevel::Commune => "cấp xã",
        }
    }

    /// GSO codes have a fixed width per level: 2, 3 and 5 digits; the country is `VN`.
    pub fn code_width(&self) -> usize {
        match self {
            UnitLevel::Country => 2,
            UnitLevel::Province => 2,
            UnitLevel::District => 3,
            UnitLevel::Commune => 5,
        }
    }
}

impl fmt::Display for UnitLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UnitLevel {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "country" => Ok(UnitLevel::Country),
            "province" | "tinh" => Ok(UnitLevel::Province),
            "district" | "huyen" => Ok(UnitLevel::District),
            "commune" | "xa" => Ok(UnitLevel::Commune),
            _ => Err(UnitError::UnknownLevel(s.to_string())),
        }
    }
}

/// A GSO unit code: 2 (province), 3 (district) or 5 (commune) digits, or `VN` for the
/// country as a whole.
///
/// The same code can belong to two units at different times (a merged province that kept
/// its code is a new unit), so a code identifies a unit only together with a date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub const COUNTRY: &'static str = "VN";

    pub fn parse(s: &str) -> Result<Self, UnitError> {
        let s = s.trim();
        if s.eq_ignore_ascii_case(Self::COUNTRY) {
            return Ok(UnitCode(Self::COUNTRY.to_string()));
        }
        let width_ok = matches!(s.len(), 2 | 3 | 5);
        if width_ok && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(UnitCode(s.to_string()))
        } else {
            Err(UnitError::BadCode(s.to_string()))
        }
    }

    /// The level a code of this width belongs to.
    pub fn level(&self) -> UnitLevel {
        match self.0.len() {
            _ if self.0 == Self::COUNTRY => UnitLevel::Country,
            2 => UnitLevel::Province,
            3 => UnitLevel::District,
            _ => UnitLevel::Commune,
        }
    }
}

crate::codes::code_type!(UnitCode, UnitError);

/// A closed date interval; a missing bound is open (no earlier/later version known).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Validity {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Validity {
    pub fn new(from: Option<Date>, to: Option<Date>) -> Result<Self, UnitError> {
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(UnitError::EmptyValidity { from: f, to: t });
        }
        Ok(Validity { from, to })
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t)
    }

    /// True when both intervals share at least one day.
    pub fn overlaps(&self, other: &Validity) -> bool {
        let starts_before_other_ends = match (self.from, other.to) {
            (Some(f), Some(t)) => f <= t,
            _ => true,
        };
        let ends_after_other_starts = match (self.to, other.from) {
            (Some(t), Some(f)) => t >= f,
            _ => true,
        };
        starts_before_other_ends && ends_after_other_starts
    }
}

/// An administrative unit as it existed during its validity interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUnit {
    pub code: UnitCode,
    pub level: UnitLevel,
    /// Proper name without the type prefix, e.g. "Phong Thổ".
    pub name: String,
    /// The type as written in Vietnamese: "Tỉnh", "Huyện", "Xã", "Phường", "Đặc khu", …
    pub kind: String,
    pub parent: Option<UnitCode>,
    pub validity: Validity,
}

impl AdminUnit {
    /// "Huyện Phong Thổ": how documents name the unit.
    pub fn full_name(&self) -> String {
        full_name(&self.kind, &self.name)
    }

    /// Checks the invariants a unit must hold before it is stored.
    pub fn check(&self) -> Result<(), UnitError> {
        if self.code.as_str().len() != self.level.code_width() {
            return Err(UnitError::CodeLevelMismatch {
                code: self.code.to_string(),
                level: self.level,
            });
        }
        if self.name.trim().is_empty() {
            return Err(UnitError::EmptyName(self.code.to_string()));
        }
        match (self.level, &self.parent) {
            (UnitLevel::Country, Some(_)) => Err(UnitError::RootWithParent(self.code.to_string())),
            (UnitLevel::Province | UnitLevel::District | UnitLevel::Commune, None) => {
                Err(UnitError::MissingParent(self.code.to_string()))
            }
            _ => Ok(()),
        }
    }
}

/// How documents name a unit: "Huyện Phong Thổ", "Thành phố Hà Nội". The kind
/// "Thành phố trung ương" (a centrally governed city) is written "Thành phố" before a name.
pub fn full_name(kind: &str, name: &str) -> String {
    let kind = kind.trim().strip_suffix(" trung ương").unwrap_or(kind.trim());
    if kind.is_empty() {
        name.to_string()
    } else {
        format!("{kind} {name}")
    }
}

/// How a unit became its successors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuccessionKind {
    /// Several units (or the whole of one) became one successor.
    Merge,
    /// One unit was divided among several successors.
    Split,
}

impl SuccessionKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            SuccessionKind::Merge => "merge",
            SuccessionKind::Split => "split",
        }
    }
}

impl FromStr for SuccessionKind {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "merge" => Ok(SuccessionKind::Merge),
            "split" => Ok(SuccessionKind::Split),
            other => Err(UnitError::UnknownSuccessionKind(other.to_string())),
        }
    }
}

/// A responsible agency (cơ quan chủ trì) beside a unit: Sở Nội vụ, Trung tâm Y tế, Hội LHPN…
/// Agencies are renamed and merged often, so they are data, never code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub code: String,
    pub unit: UnitCode,
    pub name_vi: String,
    pub name_en: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    #[error("`{0}` is not a unit level: expected country, province, district or commune")]
    UnknownLevel(String),
    #[error(
        "`{0}` is not a unit code: GSO codes have 2 (province), 3 (district) or 5 (commune) digits; VN is the country"
    )]
    BadCode(String),
    #[error("code {code} does not fit level {level}")]
    CodeLevelMismatch { code: String, level: UnitLevel },
    #[error("unit {0} has no name")]
    EmptyName(String),
    #[error("{0} is the country and cannot have a parent unit")]
    RootWithParent(String),
    #[error("unit {0} needs a parent unit")]
    MissingParent(String),
    #[error("validity ends ({to}) before it starts ({from})")]
    EmptyValidity { from: Date, to: Date },
    #[error("`{0}` is not a succession kind: expected merge or split")]
    UnknownSuccessionKind(String),
}

impl UnitError {
    pub fn message_vi(&self) -> String {
        match self {
            UnitError::UnknownLevel(s) => {
                format!(
                    "`{s}` không phải cấp hành chính: chỉ có country (toàn quốc), province (tỉnh), district (huyện), commune (xã)"
                )
            }
            UnitError::BadCode(s) => format!(
                "`{s}` không phải mã đơn vị hành chính: mã của Tổng cục Thống kê gồm 2 (tỉnh), 3 (huyện) hoặc 5 (xã) chữ số; VN là toàn quốc"
            ),
            UnitError::CodeLevelMismatch { code, level } => {
                format!("Mã {code} không phù hợp với {}", level.name_vi())
            }
            UnitError::EmptyName(c) => format!("Đơn vị {c} chưa có tên"),
            UnitError::RootWithParent(c) => format!("{c} là toàn quốc, không thể có đơn vị cấp trên"),
            UnitError::MissingParent(c) => format!("Đơn vị {c} cần có đơn vị cấp trên"),
            UnitError::EmptyValidity { .. } => "Ngày hết hiệu lực đứng trước ngày có hiệu lực".to_string(),
            UnitError::UnknownSuccessionKind(s) => {
                format!("`{s}` không phải loại sắp xếp: merge (sáp nhập) hoặc split (chia tách)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn codes_parse_by_width_and_reject_anything_else() {
        assert_eq!(UnitCode::parse("12").unwrap().level(), UnitLevel::Province);
        assert_eq!(UnitCode::parse("vn").unwrap().level(), UnitLevel::Country);
        assert_eq!(UnitCode::parse("106").unwrap().level(), UnitLevel::District);
        assert_eq!(UnitCode::parse("03490").unwrap().level(), UnitLevel::Commune);
        for bad in ["", "1", "1234", "123456", "1a", "12 3"] {
            assert!(UnitCode::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn validity_bounds_are_inclusive_and_open_ends_are_unbounded() {
        let v = Validity::new(None, Some(date!(2025 - 06 - 30))).unwrap();
        assert!(v.contains(date!(1990 - 01 - 01)));
        assert!(v.contains(date!(2025 - 06 - 30)));
        assert!(!v.contains(date!(2025 - 07 - 01)));
        let after = Validity::new(Some(date!(2025 - 07 - 01)), None).unwrap();
        assert!(!v.overlaps(&after));
        assert!(after.overlaps(&Validity::default()));
        assert!(Validity::new(Some(date!(2025 - 07 - 01)), Some(date!(2025 - 06 - 30))).is_err());
    }

    #[test]
    fn unit_invariants() {
        let commune = AdminUnit {
            code: UnitCode::parse("03490").unwrap(),
            level: UnitLevel::Commune,
            name: "Mường So".into(),
            kind: "Xã".into(),
            parent: Some(UnitCode::parse("106").unwrap()),
            validity: Validity::default(),
        };
        assert!(commune.check().is_ok());
        assert_eq!(commune.full_name(), "Xã Mường So");
        assert_eq!(full_name("Thành phố trung ương", "Hà Nội"), "Thành phố Hà Nội");
        let orphan = AdminUnit {
            parent: None,
            ..commune.clone()
        };
        assert_eq!(orphan.check(), Err(UnitError::MissingParent("03490".into())));
        let wrong = AdminUnit {
            level: UnitLevel::District,
            ..commune
        };
        assert!(matches!(wrong.check(), Err(UnitError::CodeLevelMismatch { .. })));
    }
}
