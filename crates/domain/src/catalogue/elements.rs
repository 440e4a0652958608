//! Data elements (what officers enter, DHIS2's data elements): their role in the indicator,
//! the kind of value they hold, and the breakdowns (category combinations) they accept — by
//! sex, by ethnicity, by age group.

use super::CatalogueError;
use crate::{ElementCode, IndicatorCode};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What an element contributes to its indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementRole {
    Numerator,
    Denominator,
    /// The indicator's value itself (yes/no, count, hours, narrative).
    Value,
    /// The figure a report states for a quotient indicator ("đạt 66,66%"), kept as typed so
    /// that it can be checked against its numerator and denominator at its own precision.
    Rate,
}

impl ElementRole {
    /// What the entry form calls a box of this role.
    pub fn label_vi(&self) -> &'static str {
        match self {
            ElementRole::Numerator => "Tử số",
            ElementRole::Denominator => "Mẫu số",
            ElementRole::Rate => "Tỷ lệ đã báo cáo (nếu có)",
            ElementRole::Value => "Giá trị",
        }
    }

    pub fn label_en(&self) -> &'static str {
        match self {
            ElementRole::Numerator => "Numerator",
            ElementRole::Denominator => "Denominator",
            ElementRole::Rate => "Stated rate (if reported)",
            ElementRole::Value => "Value",
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            ElementRole::Numerator => "numerator",
            ElementRole::Denominator => "denominator",
            ElementRole::Value => "value",
            ElementRole::Rate => "rate",
        }
    }

    /// Suffix of the element code: `3.2a.num`, `3.2a.den`, `5.1.value`.
    pub fn suffix(&self) -> &'static str {
        match self {
            ElementRole::Numerator => "num",
            ElementRole::Denominator => "den",
            ElementRole::Value => "value",
            ElementRole::Rate => "rate",
        }
    }
}

impl FromStr for ElementRole {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "numerator" | "num" => Ok(ElementRole::Numerator),
            "denominator" | "den" => Ok(ElementRole::Denominator),
            "value" => Ok(ElementRole::Value),
            "rate" => Ok(ElementRole::Rate),
            other => Err(CatalogueError::Unknown("element role", other.to_string())),
        }
    }
}

/// The kind of number (or text) a data element holds; decides what a valid entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// Whole, non-negative: people, units, items.
    Count,
    /// Non-negative, fractions allowed.
    Hours,
    /// Đồng, non-negative, whole.
    Money,
    /// 0 (no) or 1 (yes).
    YesNo,
    /// A stated percentage or rate: non-negative, kept with the decimals it was typed with.
    Rate,
    Text,
}

impl ValueType {
    pub fn as_str(&self) -> &'static str {
        match self {
            ValueType::Count => "count",
            ValueType::Hours => "hours",
            ValueType::Money => "money",
            ValueType::YesNo => "yes_no",
            ValueType::Rate => "rate",
            ValueType::Text => "text",
        }
    }
}

impl FromStr for ValueType {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "count" => ValueType::Count,
            "hours" => ValueType::Hours,
            "money" => ValueType::Money,
            "yes_no" => ValueType::YesNo,
            "rate" => ValueType::Rate,
            "text" => ValueType::Text,
            other => return Err(CatalogueError::Unknown("value type", other.to_string())),
        })
    }
}

/// The disaggregations an element accepts (DHIS2's category combination).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryCombo {
    /// Only a total.
    None,
    /// Male and female, and a total that must equal their sum when both are given.
    Sex,
    /// Ethnic minorities (dân tộc thiểu số) and Kinh, as a programme for ethnic-minority
    /// areas asks; the total is their sum.
    Ethnicity,
    /// Under 16 (a child, Luật Trẻ em), 16–59, 60 and over (an older person, Luật Người cao
    /// tuổi); the total is their sum.
    AgeGroup,
}

impl CategoryCombo {
    pub const ALL: [CategoryCombo; 4] = [
        CategoryCombo::None,
        CategoryCombo::Sex,
        CategoryCombo::Ethnicity,
        CategoryCombo::AgeGroup,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            CategoryCombo::None => "none",
            CategoryCombo::Sex => "sex",
            CategoryCombo::Ethnicity => "ethnicity",
            CategoryCombo::AgeGroup => "age_group",
        }
    }

    /// The total first, then the parts.
    pub fn options(&self) -> &'static [Disaggregation] {
        use Disaggregation::*;
        match self {
            CategoryCombo::None => &[Total],
            CategoryCombo::Sex => &[Total, Male, Female],
            CategoryCombo::Ethnicity => &[Total, EthnicMinority, Kinh],
            CategoryCombo::AgeGroup => &[Total, AgeUnder16, Age16To59, Age60Plus],
        }
    }

    /// The parts whose sum is the total (none for `None`).
    pub fn parts(&self) -> &'static [Disaggregation] {
        &self.options()[1..]
    }

    pub fn allows(&self, d: Disaggregation) -> bool {
        self.options().contains(&d)
    }
}

impl FromStr for CategoryCombo {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "none" | "" => Ok(CategoryCombo::None),
            "sex" => Ok(CategoryCombo::Sex),
            "ethnicity" => Ok(CategoryCombo::Ethnicity),
            "age_group" | "age" => Ok(CategoryCombo::AgeGroup),
            other => Err(CatalogueError::Unknown("category combination", other.to_string())),
        }
    }
}

/// Sex of a person counted or named: the two parts of a value entered by sex (see
/// [`Disaggregation`], which adds the total).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub const ALL: [Sex; 2] = [Sex::Male, Sex::Female];

    pub fn as_str(&self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    pub fn name_vi(&self) -> &'static str {
        match self {
            Sex::Male => "nam",
            Sex::Female => "nữ",
        }
    }
}

impl FromStr for Sex {
    type Err = ();
    fn from_str(s: &str) -> Result<Sex, ()> {
        match s.trim().to_lowercase().as_str() {
            "male" | "nam" => Ok(Sex::Male),
            "female" | "nữ" | "nu" => Ok(Sex::Female),
            _ => Err(()),
        }
    }
}

impl From<Sex> for Disaggregation {
    fn from(sex: Sex) -> Disaggregation {
        match sex {
            Sex::Male => Disaggregation::Male,
            Sex::Female => Disaggregation::Female,
        }
    }
}

/// One cell of an element's disaggregation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disaggregation {
    Total,
    Male,
    Female,
    EthnicMinority,
    Kinh,
    // Named as `as_str` names them (serde's snake case would write `age_under16`).
    #[serde(rename = "age_under_16")]
    AgeUnder16,
    #[serde(rename = "age_16_59")]
    Age16To59,
    #[serde(rename = "age_60_plus")]
    Age60Plus,
}

impl Disaggregation {
    /// The total, then every part of every category combination.
    pub const ALL: [Disaggregation; 8] = [
        Disaggregation::Total,
        Disaggregation::Male,
        Disaggregation::Female,
        Disaggregation::EthnicMinority,
        Disaggregation::Kinh,
        Disaggregation::AgeUnder16,
        Disaggregation::Age16To59,
        Disaggregation::Age60Plus,
    ];

    /// Every part of every category combination (all but the total).
    pub fn parts() -> &'static [Disaggregation] {
        &Self::ALL[1..]
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Disaggregation::Total => "total",
            Disaggregation::Male => "male",
            Disaggregation::Female => "female",
            Disaggregation::EthnicMinority => "ethnic_minority",
            Disaggregation::Kinh => "kinh",
            Disaggregation::AgeUnder16 => "age_under_16",
            Disaggregation::Age16To59 => "age_16_59",
            Disaggregation::Age60Plus => "age_60_plus",
        }
    }

    /// The category combination whose part this is (`None` for the total).
    pub fn combo(&self) -> CategoryCombo {
        CategoryCombo::ALL
            .into_iter()
            .find(|c| c.parts().contains(self))
            .unwrap_or(CategoryCombo::None)
    }

    /// In a Vietnamese sentence, lower case ("tử số nam", "mẫu số dân tộc thiểu số").
    pub fn name_vi(&self) -> &'static str {
        match self {
            Disaggregation::Total => "tổng",
            Disaggregation::Male => "nam",
            Disaggregation::Female => "nữ",
            Disaggregation::EthnicMinority => "dân tộc thiểu số",
            Disaggregation::Kinh => "dân tộc Kinh",
            Disaggregation::AgeUnder16 => "dưới 16 tuổi",
            Disaggregation::Age16To59 => "từ 16 đến 59 tuổi",
            Disaggregation::Age60Plus => "từ 60 tuổi trở lên",
        }
    }

    /// In an English sentence ("the male numerator", "the ethnic-minority denominator").
    pub fn name_en(&self) -> &'static str {
        match self {
            Disaggregation::Total => "total",
            Disaggregation::Male => "male",
            Disaggregation::Female => "female",
            Disaggregation::EthnicMinority => "ethnic-minority",
            Disaggregation::Kinh => "Kinh",
            Disaggregation::AgeUnder16 => "under-16",
            Disaggregation::Age16To59 => "16-59",
            Disaggregation::Age60Plus => "60-and-over",
        }
    }

    /// A column heading on the entry form and in workbooks.
    pub fn label(&self, english: bool) -> &'static str {
        match (self, english) {
            (Disaggregation::Total, false) => "Tổng",
            (Disaggregation::Male, false) => "Nam",
            (Disaggregation::Female, false) => "Nữ",
            (Disaggregation::EthnicMinority, false) => "Dân tộc thiểu số",
            (Disaggregation::Kinh, false) => "Kinh",
            (Disaggregation::AgeUnder16, false) => "Dưới 16 tuổi",
            (Disaggregation::Age16To59, false) => "16–59 tuổi",
            (Disaggregation::Age60Plus, false) => "Từ 60 tuổi",
            (Disaggregation::Total, true) => "Total",
            (Disaggregation::Male, true) => "Men",
            (Disaggregation::Female, true) => "Women",
            (Disaggregation::EthnicMinority, true) => "Ethnic minorities",
            (Disaggregation::Kinh, true) => "Kinh",
            (Disaggregation::AgeUnder16, true) => "Under 16",
            (Disaggregation::Age16To59, true) => "16–59",
            (Disaggregation::Age60Plus, true) => "60 and over",
        }
    }
}

impl fmt::Display for Disaggregation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Disaggregation {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "total" | "tong" | "tổng" => Ok(Disaggregation::Total),
            "male" | "nam" => Ok(Disaggregation::Male),
            "female" | "nu" | "nữ" => Ok(Disaggregation::Female),
            "ethnic_minority" | "dtts" => Ok(Disaggregation::EthnicMinority),
            "kinh" => Ok(Disaggregation::Kinh),
            "age_under_16" => Ok(Disaggregation::AgeUnder16),
            "age_16_59" => Ok(Disaggregation::Age16To59),
            "age_60_plus" => Ok(Disaggregation::Age60Plus),
            other => Err(CatalogueError::Unknown("disaggregation", other.to_string())),
        }
    }
}

/// What an officer enters: one number (or text) per unit × period × disaggregation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataElement {
    /// "3.2a.num"
    pub code: ElementCode,
    pub indicator: Option<IndicatorCode>,
    pub role: ElementRole,
    pub name_vi: String,
    pub name_en: String,
    pub value_type: ValueType,
    pub category_combo: CategoryCombo,
}
