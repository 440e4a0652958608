//! The indicator catalogue of the National Strategy on Gender Equality 2021–2030
//! (Nghị quyết 28/NQ-CP): objectives, indicators, their data elements and targets.
//!
//! Following DHIS2, an indicator is not entered directly: officers enter the *data
//! elements* behind it (a numerator and a denominator, disaggregated by sex where the
//! indicator asks for it) and the indicator is computed, so that it can be recomputed at
//! every level from summed parts instead of averaging percentages.

use crate::IndicatorCode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

mod elements;

pub use elements::*;

/// An objective (mục tiêu) of the strategy, numbered 1–6.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    pub number: u32,
    pub name_vi: String,
    pub name_en: String,
}

/// How an indicator's figure is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    Percent,
    /// Times (e.g. women's unpaid-work hours relative to men's: 1,7 lần).
    Ratio,
    Per100,
    Per1000,
    Per100000,
    Count,
    Hours,
    YesNo,
    /// A sentence, not a number: stored and shown, never assessed numerically.
    Narrative,
}

impl MeasureKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            MeasureKind::Percent => "percent",
            MeasureKind::Ratio => "ratio",
            MeasureKind::Per100 => "per_100",
            MeasureKind::Per1000 => "per_1000",
            MeasureKind::Per100000 => "per_100000",
            MeasureKind::Count => "count",
            MeasureKind::Hours => "hours",
            MeasureKind::YesNo => "yes_no",
            MeasureKind::Narrative => "narrative",
        }
    }

    /// True when the figure is numerator ÷ denominator × factor.
    pub fn is_quotient(&self) -> bool {
        matches!(
            self,
            MeasureKind::Percent
                | MeasureKind::Ratio
                | MeasureKind::Per100
                | MeasureKind::Per1000
                | MeasureKind::Per100000
        )
    }

    /// The factor implied by the measure, used to check the catalogue's own factor column.
    pub fn implied_factor(&self) -> Option<Decimal> {
        match self {
            MeasureKind::Percent | MeasureKind::Per100 => Some(Decimal::from(100)),
            MeasureKind::Ratio => Some(Decimal::ONE),
            MeasureKind::Per1000 => Some(Decimal::from(1000)),
            MeasureKind::Per100000 => Some(Decimal::from(100_000)),
            _ => None,
        }
    }
}

impl FromStr for MeasureKind {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "percent" => MeasureKind::Percent,
            "ratio" => MeasureKind::Ratio,
            "per_100" => MeasureKind::Per100,
            "per_1000" => MeasureKind::Per1000,
            "per_100000" => MeasureKind::Per100000,
            "count" => MeasureKind::Count,
            "hours" => MeasureKind::Hours,
            "yes_no" => MeasureKind::YesNo,
            "narrative" => MeasureKind::Narrative,
            other => return Err(CatalogueError::Unknown("measure", other.to_string())),
        })
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    pub fn as_str(&self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }
}

impl FromStr for Direction {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "higher" => Ok(Direction::Higher),
            "lower" => Ok(Direction::Lower),
            other => Err(CatalogueError::Unknown("direction", other.to_string())),
        }
    }
}

/// How an indicator climbs the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Sum numerators and denominators, then divide. Never average percentages.
    SumRatio,
    /// Each unit reports whether it meets the condition; the parent counts units meeting it.
    ShareOfUnits,
    /// Measured only at the level given (e.g. a GSO survey); not summed.
    Survey,
}

impl Aggregation {
    pub fn as_str(&self) -> &'static str {
        match self {
            Aggregation::SumRatio => "sum_ratio",
            Aggregation::ShareOfUnits => "share_of_units",
            Aggregation::Survey => "survey",
        }
    }
}

impl FromStr for Aggregation {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            // A count's values add up as a quotient's parts do.
            "sum_ratio" | "sum" => Ok(Aggregation::SumRatio),
            "share_of_units" => Ok(Aggregation::ShareOfUnits),
            "survey" => Ok(Aggregation::Survey),
            other => Err(CatalogueError::Unknown("aggregation", other.to_string())),
        }
    }
}

/// How data entered for several periods make one figure for a longer span (a year from its
/// halves, a phase from its years), as DHIS2's aggregation type does over time. One choice per
/// indicator, for all its data elements: a rate's numerator and denominator must come from the
/// same periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeAggregation {
    /// A flow (births, cases, enrolments, spending): the periods' numerators add up and the
    /// denominators add up, then the rate is taken.
    Sum,
    /// A stock (leaders, facilities, degree holders at a date): the last period with data.
    Last,
}

impl TimeAggregation {
    pub fn as_str(&self) -> &'static str {
        match self {
            TimeAggregation::Sum => "sum",
            TimeAggregation::Last => "last",
        }
    }

    pub fn label_vi(&self) -> &'static str {
        match self {
            TimeAggregation::Sum => "cộng các kỳ rồi tính tỷ lệ",
            TimeAggregation::Last => "lấy kỳ cuối cùng có số liệu",
        }
    }

    pub fn label_en(&self) -> &'static str {
        match self {
            TimeAggregation::Sum => "the periods added up, then divided",
            TimeAggregation::Last => "the last period with data",
        }
    }
}

impl FromStr for TimeAggregation {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "sum" => Ok(TimeAggregation::Sum),
            "last" => Ok(TimeAggregation::Last),
            other => Err(CatalogueError::Unknown("time aggregation", other.to_string())),
        }
    }
}

/// The comparison a target asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TargetOp {
    /// `>=` "ít nhất", "không dưới"
    #[serde(rename = ">=")]
    AtLeast,
    /// `>` "trên"
    #[serde(rename = ">")]
    Above,
    /// `<=` "không quá"
    #[serde(rename = "<=")]
    AtMost,
    /// `<` "dưới"
    #[serde(rename = "<")]
    Below,
    /// `=` "duy trì" (maintain exactly, usually 100%)
    #[serde(rename = "=")]
    Equal,
    /// `~` "khoảng": met within [`TargetOp::ABOUT_TOLERANCE`] of the target.
    #[serde(rename = "~")]
    About,
}

impl TargetOp {
    /// "khoảng 60%" is read as 60 ± 1 in the indicator's unit. The resolution gives no
    /// tolerance; one point keeps "about" from meaning "anything close".
    pub const ABOUT_TOLERANCE: Decimal = Decimal::ONE;

    pub fn as_str(&self) -> &'static str {
        match self {
            TargetOp::AtLeast => ">=",
            TargetOp::Above => ">",
            TargetOp::AtMost => "<=",
            TargetOp::Below => "<",
            TargetOp::Equal => "=",
            TargetOp::About => "~",
        }
    }

    /// The sign as people read it: `≥ 60`, `≤ 111,5`, `≈ 50`.
    pub fn symbol(&self) -> &'static str {
        match self {
            TargetOp::AtLeast => "≥",
            TargetOp::Above => ">",
            TargetOp::AtMost => "≤",
            TargetOp::Below => "<",
            TargetOp::Equal => "=",
            TargetOp::About => "≈",
        }
    }

    /// The Vietnamese wording used in reports before the figure.
    pub fn words_vi(&self) -> &'static str {
        match self {
            TargetOp::AtLeast => "ít nhất",
            TargetOp::Above => "trên",
            TargetOp::AtMost => "không quá",
            TargetOp::Below => "dưới",
            TargetOp::Equal => "đạt",
            TargetOp::About => "khoảng",
        }
    }
}

impl FromStr for TargetOp {
    type Err = CatalogueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            ">=" | "≥" => Ok(TargetOp::AtLeast),
            ">" => Ok(TargetOp::Above),
            "<=" | "≤" => Ok(TargetOp::AtMost),
            "<" => Ok(TargetOp::Below),
            "=" => Ok(TargetOp::Equal),
            "~" => Ok(TargetOp::About),
            other => Err(CatalogueError::Unknown("target operator", other.to_string())),
        }
    }
}

impl fmt::Display for TargetOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A target: comparison and value, in the indicator's unit (e.g. `>= 60` percent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub op: TargetOp,
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
}

impl Target {
    /// True when `result` satisfies the target.
    pub fn is_met_by(&self, result: Decimal) -> bool {
        match self.op {
            TargetOp::AtLeast => result >= self.value,
            TargetOp::Above => result > self.value,
            TargetOp::AtMost => result <= self.value,
            TargetOp::Below => result < self.value,
            TargetOp::Equal => result == self.value,
            TargetOp::About => (result - self.value).abs() <= TargetOp::ABOUT_TOLERANCE,
        }
    }
}

/// A national target for a milestone year (2025, 2030).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalTarget {
    pub year: i32,
    #[serde(flatten)]
    pub target: Target,
}

/// An indicator (chỉ tiêu) of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// "1.1", "3.2a": the number within its objective; a/b marks a measurable part.
    pub code: IndicatorCode,
    pub objective: u32,
    pub name_vi: String,
    pub name_en: String,
    pub measure: MeasureKind,
    #[serde(with = "rust_decimal::serde::str")]
    pub factor: Decimal,
    pub direction: Direction,
    pub aggregation: Aggregation,
    pub lowest_level: crate::UnitLevel,
    pub numerator_vi: Option<String>,
    pub denominator_vi: Option<String>,
    pub responsible_agency: String,
    /// Where the wording and targets were confirmed, and doubts to keep in mind.
    pub confidence: String,
    pub national_targets: Vec<NationalTarget>,
    /// How the indicator's data of several periods make one figure (a phase, a range).
    pub time_aggregation: TimeAggregation,
    /// Why, in Vietnamese and in English (empty when nobody said).
    pub time_aggregation_reason_vi: String,
    pub time_aggregation_reason_en: String,
}

impl Indicator {
    /// The data elements an officer fills in for this indicator, those of `sex_disaggregated`
    /// entered by sex.
    pub fn data_elements(&self, sex_disaggregated: &[ElementRole]) -> Vec<DataElement> {
        let breakdowns: Vec<_> = sex_disaggregated.iter().map(|r| (*r, CategoryCombo::Sex)).collect();
        self.data_elements_by(&breakdowns)
    }

    /// The data elements an officer fills in for this indicator, each role listed in
    /// `breakdowns` entered by its combination (sex, ethnicity, age group).
    pub fn data_elements_by(&self, breakdowns: &[(ElementRole, CategoryCombo)]) -> Vec<DataElement> {
        let combo = |role| {
            breakdowns
                .iter()
                .find(|(r, _)| *r == role)
                .map_or(CategoryCombo::None, |(_, c)| *c)
        };
        let element = |role: ElementRole, name_vi: String, name_en: String, value_type| DataElement {
            code: self.code.element(role),
            indicator: Some(self.code.clone()),
            role,
            name_vi,
            name_en,
            value_type,
            category_combo: combo(role),
        };
        match self.measure {
            MeasureKind::Narrative => vec![element(
                ElementRole::Value,
                format!("Kết quả: {}", self.name_vi),
                format!("Result: {}", self.name_en),
                ValueType::Text,
            )],
            MeasureKind::YesNo => vec![element(
                ElementRole::Value,
                format!("Đạt yêu cầu (có/không): {}", self.name_vi),
                format!("Met (yes/no): {}", self.name_en),
                ValueType::YesNo,
            )],
            MeasureKind::Count | MeasureKind::Hours => vec![element(
                ElementRole::Value,
                self.name_vi.clone(),
                self.name_en.clone(),
                if self.measure == MeasureKind::Hours {
                    ValueType::Hours
                } else {
                    ValueType::Count
                },
            )],
            _ => {
                let part_type = if self.measure == MeasureKind::Ratio {
                    ValueType::Hours
                } else {
                    ValueType::Count
                };
                vec![
                    element(
                        ElementRole::Numerator,
                        self.numerator_vi
                            .clone()
                            .unwrap_or_else(|| format!("Tử số: {}", self.name_vi)),
                        format!("Numerator: {}", self.name_en),
                        part_type,
                    ),
                    element(
                        ElementRole::Denominator,
                        self.denominator_vi
                            .clone()
                            .unwrap_or_else(|| format!("Mẫu số: {}", self.name_vi)),
                        format!("Denominator: {}", self.name_en),
                        part_type,
                    ),
                    element(
                        ElementRole::Rate,
                        format!("Giá trị báo cáo (nếu có): {}", self.name_vi),
                        format!("Stated value (if reported): {}", self.name_en),
                        ValueType::Rate,
                    ),
                ]
            }
        }
    }

    pub fn national_target(&self, year: i32) -> Option<Target> {
        self.national_targets.iter().find(|t| t.year == year).map(|t| t.target)
    }
}

/// A row of the shipped catalogue file (`indicators.csv`), as text.
/// A missing column reads as empty, which `parse` then refuses where a value is needed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IndicatorRecord {
    pub code: String,
    pub objective: u32,
    pub objective_vi: String,
    pub name_vi: String,
    pub name_en: String,
    pub measure: String,
    pub factor: String,
    pub direction: String,
    pub target_2025_op: String,
    pub target_2025: String,
    pub target_2030_op: String,
    pub target_2030: String,
    pub numerator_vi: String,
    pub denominator_vi: String,
    pub aggregation: String,
    pub lowest_level: String,
    pub agency_example: String,
    pub confidence: String,
    /// The objective's English name, for a row that opens a new objective or programme.
    #[serde(default)]
    pub objective_en: String,
    /// Which elements are entered by sex: `numerator;denominator`, `value`, or empty.
    #[serde(default)]
    pub sex_disaggregated: String,
    /// `sum` or `last` (empty: `last`, which never adds what should not be added).
    #[serde(default)]
    pub time_aggregation: String,
    /// Elements entered by ethnicity (ethnic minorities / Kinh), as `sex_disaggregated`.
    #[serde(default)]
    pub ethnicity_disaggregated: String,
    /// Elements entered by age group (under 16, 16–59, 60 and over), as `sex_disaggregated`.
    #[serde(default)]
    pub age_disaggregated: String,
}

impl IndicatorRecord {
    /// Parses the textual row into an indicator, refusing anything inconsistent.
    pub fn parse(&self) -> Result<Indicator, CatalogueError> {
        let at = |e: CatalogueError| CatalogueError::InRow(self.code.clone(), Box::new(e));
        let measure: MeasureKind = self.measure.parse().map_err(at)?;
        let factor = Decimal::from_str(self.factor.trim())
            .map_err(|_| at(CatalogueError::Unknown("factor", self.factor.clone())))?;
        if let Some(implied) = measure.implied_factor()
            && implied != factor
        {
            return Err(at(CatalogueError::FactorMismatch { measure, factor }));
        }
        let mut national_targets = Vec::new();
        for (year, op, value) in [
            (2025, &self.target_2025_op, &self.target_2025),
            (2030, &self.target_2030_op, &self.target_2030),
        ] {
            if op.trim().is_empty() && value.trim().is_empty() {
                continue;
            }
            let op: TargetOp = op.parse().map_err(at)?;
            let value =
                Decimal::from_str(value.trim()).map_err(|_| at(CatalogueError::Unknown("target", value.clone())))?;
            national_targets.push(NationalTarget {
                year,
                target: Target { op, value },
            });
        }
        let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        Ok(Indicator {
            code: IndicatorCode::parse(&self.code)?,
            objective: self.objective,
            name_vi: self.name_vi.trim().to_string(),
            name_en: self.name_en.trim().to_string(),
            measure,
            factor,
            direction: self.direction.parse().map_err(at)?,
            aggregation: self.aggregation.parse().map_err(at)?,
            lowest_level: self
                .lowest_level
                .parse()
                .map_err(|_| at(CatalogueError::Unknown("level", self.lowest_level.clone())))?,
            numerator_vi: non_empty(&self.numerator_vi),
            denominator_vi: non_empty(&self.denominator_vi),
            responsible_agency: self.agency_example.trim().to_string(),
            confidence: self.confidence.trim().to_string(),
            national_targets,
            // A stock unless the row (or `time_aggregation.csv`) says otherwise: taking the
            // last period never adds what should not be added.
            time_aggregation: match self.time_aggregation.trim() {
                "" => TimeAggregation::Last,
                other => other.parse().map_err(at)?,
            },
            time_aggregation_reason_vi: String::new(),
            time_aggregation_reason_en: String::new(),
        })
    }

    /// The elements the row asks to be entered by sex, checked against its measure: a
    /// quotient's numerator and denominator, or a count's value; never a stated rate, a
    /// yes/no or a sentence (they have no sum by sex).
    pub fn sex_roles(&self, measure: MeasureKind) -> Result<Vec<ElementRole>, CatalogueError> {
        roles_in("sex_disaggregated", &self.sex_disaggregated, measure)
    }

    /// Every element the row breaks down, with its combination (sex, ethnicity, age group),
    /// each checked as [`IndicatorRecord::sex_roles`] is; an element broken down two ways is
    /// refused (it has one set of parts adding up to its total).
    pub fn breakdowns(&self, measure: MeasureKind) -> Result<Vec<(ElementRole, CategoryCombo)>, CatalogueError> {
        let mut out: Vec<(ElementRole, CategoryCombo)> = Vec::new();
        for (column, text, combo) in [
            ("sex_disaggregated", &self.sex_disaggregated, CategoryCombo::Sex),
            (
                "ethnicity_disaggregated",
                &self.ethnicity_disaggregated,
                CategoryCombo::Ethnicity,
            ),
            ("age_disaggregated", &self.age_disaggregated, CategoryCombo::AgeGroup),
        ] {
            for role in roles_in(column, text, measure)? {
                if let Some((_, first)) = out.iter().find(|(r, _)| *r == role) {
                    return Err(CatalogueError::TwoBreakdowns {
                        column,
                        role,
                        first: *first,
                        second: combo,
                    });
                }
                out.push((role, combo));
            }
        }
        Ok(out)
    }
}

/// The roles a breakdown column lists (`numerator;denominator`, `value`), each checked
/// against the measure.
fn roles_in(column: &'static str, text: &str, measure: MeasureKind) -> Result<Vec<ElementRole>, CatalogueError> {
    let mut roles = Vec::new();
    for word in text.split([';', ',', ' ', '|', '+']).filter(|w| !w.trim().is_empty()) {
        let role: ElementRole = word.parse()?;
        let fits = match role {
            ElementRole::Numerator | ElementRole::Denominator => measure.is_quotient(),
            ElementRole::Value => matches!(measure, MeasureKind::Count | MeasureKind::Hours),
            ElementRole::Rate => false,
        };
        if !fits {
            return Err(CatalogueError::CannotBreakDown { column, role, measure });
        }
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("a {} indicator has no {} element to break down (by sex, ethnicity or age)", measure.as_str(), role.as_str())]
    CannotBreakDown {
        column: &'static str,
        role: ElementRole,
        measure: MeasureKind,
    },
    #[error("the {} is broken down both by {} and by {}; choose one", role.as_str(), first.as_str(), second.as_str())]
    TwoBreakdowns {
        column: &'static str,
        role: ElementRole,
        first: CategoryCombo,
        second: CategoryCombo,
    },
    #[error("unknown {0}: `{1}`{accepted}", accepted = accepted_values(.0))]
    Unknown(&'static str, String),
    #[error("factor {factor} does not fit measure {}", measure.as_str())]
    FactorMismatch { measure: MeasureKind, factor: Decimal },
    #[error("indicator {0}: {1}")]
    InRow(String, Box<CatalogueError>),
    #[error(transparent)]
    Code(#[from] crate::CodeError),
}

/// What a field of the catalogue accepts, said after an unknown value.
fn accepted_values(what: &str) -> &'static str {
    match what {
        "measure" => " (percent, ratio, per_100, per_1000, per_100000, count, hours, yes_no, narrative)",
        "direction" => " (higher, lower)",
        "aggregation" => " (sum_ratio, share_of_units, survey)",
        "time aggregation" => " (sum, last)",
        "target operator" => " (>=, >, <=, <, =, ~)",
        "level" => " (province, district, commune)",
        "element role" => " (numerator, denominator, value)",
        _ => "",
    }
}

impl CatalogueError {
    /// The same in Vietnamese, for the person who typed the row.
    pub fn message_vi(&self) -> String {
        match self {
            CatalogueError::CannotBreakDown { role, measure, .. } => format!(
                "chỉ tiêu đo bằng {} không có ô {} để chia theo giới tính, dân tộc hay độ tuổi",
                measure.as_str(),
                role.label_vi().to_lowercase()
            ),
            CatalogueError::Code(e) => e.message_vi(),
            CatalogueError::Unknown(what, value) => {
                let field = match *what {
                    "measure" => "cách đo",
                    "direction" => "chiều tốt lên",
                    "aggregation" => "cách cộng dồn",
                    "time aggregation" => "cách gộp qua các kỳ",
                    "target operator" => "phép so sánh của mục tiêu",
                    "target" => "mức mục tiêu",
                    "level" => "cấp thu thập",
                    "factor" => "hệ số",
                    "element role" => "ô số liệu",
                    other => other,
                };
                format!("không hiểu {field} `{value}`{}", accepted_values(what))
            }
            CatalogueError::TwoBreakdowns {
                role, first, second, ..
            } => format!(
                "{} được chia theo cả {} và {}; chỉ chọn một cách",
                role.label_vi(),
                first.as_str(),
                second.as_str()
            ),
            CatalogueError::FactorMismatch { measure, factor } => {
                format!("hệ số {factor} không khớp cách đo {}", measure.as_str())
            }
            CatalogueError::InRow(code, inner) => format!("chỉ tiêu {code}: {}", inner.message_vi()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> IndicatorRecord {
        IndicatorRecord {
            code: "5.2a".into(),
            objective: 5,
            objective_vi: "Trong lĩnh vực giáo dục, đào tạo".into(),
            name_vi: "Tỷ lệ trẻ em trai và trẻ em gái dân tộc thiểu số hoàn thành giáo dục tiểu học".into(),
            name_en: "Ethnic-minority boys and girls completing primary education".into(),
            measure: "percent".into(),
            factor: "100".into(),
            direction: "higher".into(),
            target_2025_op: ">".into(),
            target_2025: "90".into(),
            target_2030_op: "~".into(),
            target_2030: "99".into(),
            numerator_vi: "Số học sinh hoàn thành".into(),
            denominator_vi: "Số học sinh lớp cuối cấp".into(),
            aggregation: "sum_ratio".into(),
            lowest_level: "commune".into(),
            agency_example: "Phòng Giáo dục và Đào tạo".into(),
            confidence: "confirmed".into(),
            ..IndicatorRecord::default()
        }
    }

    #[test]
    fn a_catalogue_row_parses_with_both_milestones() {
        let ind = record().parse().unwrap();
        assert_eq!(
            ind.national_target(2025),
            Some(Target {
                op: TargetOp::Above,
                value: Decimal::from(90)
            })
        );
        assert_eq!(ind.national_target(2030).unwrap().op, TargetOp::About);
        assert_eq!(ind.national_target(2027), None);
    }

    #[test]
    fn a_row_says_which_elements_are_entered_by_sex_and_how_it_adds_over_time() {
        let row = IndicatorRecord {
            sex_disaggregated: "numerator; den".into(),
            time_aggregation: "sum".into(),
            ..record()
        };
        let ind = row.parse().unwrap();
        assert_eq!(ind.time_aggregation, TimeAggregation::Sum);
        assert_eq!(
            row.sex_roles(ind.measure).unwrap(),
            [ElementRole::Numerator, ElementRole::Denominator]
        );
        // A percentage has no value element; a stated rate has no sum by sex.
        for wrong in ["value", "rate"] {
            let row = IndicatorRecord {
                sex_disaggregated: wrong.into(),
                ..record()
            };
            let err = row.sex_roles(MeasureKind::Percent).unwrap_err();
            assert!(matches!(err, CatalogueError::CannotBreakDown { .. }), "{err}");
        }
        let count = IndicatorRecord {
            sex_disaggregated: "value".into(),
            ..record()
        };
        assert_eq!(count.sex_roles(MeasureKind::Count).unwrap(), [ElementRole::Value]);
        assert!(
            IndicatorRecord {
                time_aggregation: "average".into(),
                ..record()
            }
            .parse()
            .is_err()
        );
    }

    #[test]
    fn every_breakdown_has_one_name_in_json_text_and_back() {
        for d in Disaggregation::ALL {
            let json = serde_json::to_value(d).unwrap();
            assert_eq!(json, serde_json::json!(d.as_str()));
            assert_eq!(d.as_str().parse::<Disaggregation>().unwrap(), d);
            assert!(d == Disaggregation::Total || d.combo().parts().contains(&d));
        }
        for combo in CategoryCombo::ALL {
            assert_eq!(combo.as_str().parse::<CategoryCombo>().unwrap(), combo);
            assert_eq!(combo.options()[0], Disaggregation::Total);
        }
    }

    #[test]
    fn a_factor_that_contradicts_the_measure_is_refused() {
        let bad = IndicatorRecord {
            factor: "1000".into(),
            ..record()
        };
        let err = bad.parse().unwrap_err();
        assert!(err.to_string().contains("5.2a"), "{err}");
    }

    #[test]
    fn quotient_indicators_get_a_numerator_and_a_denominator() {
        let ind = record().parse().unwrap();
        let els = ind.data_elements(&[ElementRole::Numerator, ElementRole::Denominator]);
        let codes: Vec<_> = els.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["5.2a.num", "5.2a.den", "5.2a.rate"]);
        assert!(els[..2].iter().all(|e| e.category_combo == CategoryCombo::Sex));
        // A stated rate is one figure for the whole indicator.
        assert_eq!(els[2].category_combo, CategoryCombo::None);
        let yes_no = Indicator {
            measure: MeasureKind::YesNo,
            ..ind
        };
        let els = yes_no.data_elements(&[]);
        assert_eq!(els.len(), 1);
        assert_eq!(els[0].value_type, ValueType::YesNo);
        assert_eq!(els[0].category_combo, CategoryCombo::None);
    }

    #[test]
    fn targets_respect_their_operator() {
        let t = |op, v: i64| Target {
            op,
            value: Decimal::from(v),
        };
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert!(t(TargetOp::AtLeast, 60).is_met_by(d("60")));
        assert!(!t(TargetOp::Above, 90).is_met_by(d("90")));
        assert!(t(TargetOp::AtMost, 111).is_met_by(d("110.9")));
        assert!(!t(TargetOp::Below, 42).is_met_by(d("42")));
        assert!(t(TargetOp::Equal, 100).is_met_by(d("100.0")));
        assert!(t(TargetOp::About, 60).is_met_by(d("59")));
        assert!(!t(TargetOp::About, 60).is_met_by(d("58.9")));
    }
}
