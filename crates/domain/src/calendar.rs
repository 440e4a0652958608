//! Reporting programmes (chế độ báo cáo) and their calendar: which period type a programme
//! reports on, the data cut-off of Nghị định 09/2019/NĐ-CP, and the submission deadline per
//! level, as configurable data (a province may require district reports before 5/6 and 5/12).

use crate::input::FieldProblem;
use crate::{Period, PeriodType, UnitLevel};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// A deadline as a day of the year the period ends in, e.g. 5 June for a first-half report;
/// `year_offset` 1 puts it in the following year (an annual report due in January).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOfYear {
    pub month: u8,
    pub day: u8,
    #[serde(default)]
    pub year_offset: i32,
}

impl DayOfYear {
    pub fn in_year(&self, year: i32) -> Option<Date> {
        let month = Month::try_from(self.month).ok()?;
        Date::from_calendar_date(year + self.year_offset, month, self.day).ok()
    }
}

/// A reporting programme: what is reported, how often, and by when at each level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub period_type: PeriodType,
    /// For half-year programmes, which half (1 or 2) is reported; `None` for both.
    #[serde(default)]
    pub half: Option<u8>,
    /// Deadline per submitting level: a commune's report is due to its parent by this day.
    pub deadlines: Vec<(UnitLevel, DayOfYear)>,
    /// Whom the programme binds beyond its levels (empty: everyone).
    #[serde(default)]
    pub binds: Binding,
    /// The plan or directive whose reporting duty it is (`None`: set by administrators).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<i64>,
}

/// The units, levels and agencies a programme binds: the labour federation's annual programme
/// binds the federation's agencies, not every commune.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// The levels whose units report under it (empty: every level; a level without a
    /// deadline then reports without one to be judged against).
    #[serde(default)]
    pub levels: Vec<UnitLevel>,
    /// GSO codes: these units and every unit below them (empty: every unit).
    #[serde(default)]
    pub units: Vec<String>,
    /// Agency codes (empty: every agency of a bound unit).
    #[serde(default)]
    pub agencies: Vec<String>,
}

impl Programme {
    /// What is wrong with a programme whoever sets it: deadlines that are not a day of every
    /// year (`deadlines[i]`), a missing Vietnamese name.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        for (i, (_, day)) in self.deadlines.iter().enumerate() {
            if day.in_year(2024).is_none() || day.in_year(2025).is_none() {
                problems.push(FieldProblem::new(
                    format!("deadlines[{i}]"),
                    "bad_day",
                    format!("{}/{} is not a day of every year", day.day, day.month),
                    format!("Ngày {}/{} không có trong mọi năm", day.day, day.month),
                ));
            }
        }
        if self.name_vi.trim().is_empty() {
            problems.push(FieldProblem::new(
                "name_vi",
                "missing",
                "a Vietnamese name is required".into(),
                "Thiếu tên tiếng Việt".into(),
            ));
        }
        problems
    }

    /// Whether `period` is one this programme reports on.
    pub fn covers(&self, period: &Period) -> bool {
        period.period_type() == self.period_type
            && match (period, self.half) {
                (Period::HalfYear { half, .. }, Some(h)) => *half == h,
                _ => true,
            }
    }

    /// Whether a unit of `level`, whose own and ancestors' codes are `lineage`, reports
    /// under it.
    pub fn binds_unit<'a>(&self, level: UnitLevel, mut lineage: impl Iterator<Item = &'a str>) -> bool {
        (self.binds.levels.is_empty() || self.binds.levels.contains(&level))
            && (self.binds.units.is_empty() || lineage.any(|code| self.binds.units.iter().any(|u| u == code)))
    }

    /// Whether the agency coded `code` (of a bound unit) sends its part under it.
    pub fn binds_agency(&self, code: &str) -> bool {
        self.binds.agencies.is_empty() || self.binds.agencies.iter().any(|a| a == code)
    }

    /// When a unit of `level` must submit its report for `period`.
    pub fn deadline(&self, period: &Period, level: UnitLevel) -> Option<Date> {
        let (_, day) = self.deadlines.iter().find(|(l, _)| *l == level)?;
        day.in_year(period.milestone_year())
    }
}

/// Whether a report came in on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    OnTime,
    /// Submitted after the deadline.
    Late,
    /// Not submitted, and the deadline has passed.
    Overdue,
    /// Not submitted, and there is still time.
    Pending,
    /// No deadline is set for this level.
    NoDeadline,
}

impl Timeliness {
    pub fn label_vi(&self) -> &'static str {
        match self {
            Timeliness::OnTime => "Đúng hạn",
            Timeliness::Late => "Muộn",
            Timeliness::Overdue => "Quá hạn",
            Timeliness::Pending => "Chưa đến hạn",
            Timeliness::NoDeadline => "Không quy định hạn",
        }
    }
}

/// Judges a submission date (the first one, if a report went back and forth) against the
/// deadline, as of `today`. A report submitted on the deadline day is on time.
pub fn timeliness(deadline: Option<Date>, submitted: Option<Date>, today: Date) -> Timeliness {
    match (deadline, submitted) {
        (None, _) => Timeliness::NoDeadline,
        (Some(d), Some(s)) if s <= d => Timeliness::OnTime,
        (Some(_), Some(_)) => Timeliness::Late,
        (Some(d), None) if today > d => Timeliness::Overdue,
        (Some(_), None) => Timeliness::Pending,
    }
}

/// The programmes binhdang starts with; administrators change them as data.
pub fn default_programmes() -> Vec<Programme> {
    let day = |month, day| DayOfYear {
        month,
        day,
        year_offset: 0,
    };
    vec![
        Programme {
            code: "NS-H1".into(),
            name_vi: "Báo cáo 6 tháng đầu năm thực hiện Chiến lược quốc gia về bình đẳng giới".into(),
            name_en: "National Strategy on Gender Equality: first-half report".into(),
            period_type: PeriodType::HalfYear,
            binds: Binding::default(),
            plan: None,
            half: Some(1),
            deadlines: vec![
                (UnitLevel::Commune, day(6, 5)),
                (UnitLevel::District, day(6, 10)),
                (UnitLevel::Province, day(6, 20)),
            ],
        },
        Programme {
            code: "NS-Y".into(),
            name_vi: "Báo cáo năm thực hiện Chiến lược quốc gia về bình đẳng giới".into(),
            name_en: "National Strategy on Gender Equality: annual report".into(),
            period_type: PeriodType::Year,
            binds: Binding::default(),
            plan: None,
            half: None,
            deadlines: vec![
                (UnitLevel::Commune, day(12, 5)),
                (UnitLevel::District, day(12, 10)),
                (UnitLevel::Province, day(12, 20)),
            ],
        },
        Programme {
            code: "AM".into(),
            name_vi: "Báo cáo Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới"
                .into(),
            name_en: "Action Month for gender equality and GBV prevention report".into(),
            period_type: PeriodType::ActionMonth,
            binds: Binding::default(),
            plan: None,
            half: None,
            deadlines: vec![
                (
                    UnitLevel::Commune,
                    DayOfYear {
                        month: 12,
                        day: 20,
                        year_offset: 0,
                    },
                ),
                (
                    UnitLevel::Province,
                    DayOfYear {
                        month: 12,
                        day: 31,
                        year_offset: 0,
                    },
                ),
            ],
        },
        Programme {
            code: "LAW".into(),
            name_vi: "Báo cáo tổng kết thi hành Luật Bình đẳng giới".into(),
            name_en: "Gender Equality Law review".into(),
            period_type: PeriodType::Phase,
            binds: Binding::default(),
            plan: None,
            half: None,
            deadlines: vec![(
                UnitLevel::Province,
                DayOfYear {
                    month: 12,
                    day: 15,
                    year_offset: 0,
                },
            )],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn deadlines_fall_in_the_period_year_per_level() {
        let programmes = default_programmes();
        let h1 = &programmes[0];
        let p: Period = "2025H1".parse().unwrap();
        assert!(h1.covers(&p));
        assert!(!h1.covers(&"2025H2".parse().unwrap()));
        assert!(!h1.covers(&"2025".parse().unwrap()));
        assert_eq!(h1.deadline(&p, UnitLevel::Commune), Some(date!(2025 - 06 - 05)));
        assert_eq!(h1.deadline(&p, UnitLevel::District), Some(date!(2025 - 06 - 10)));
        assert_eq!(h1.deadline(&p, UnitLevel::Country), None);
        let annual = &programmes[1];
        assert_eq!(
            annual.deadline(&"2024".parse().unwrap(), UnitLevel::Commune),
            Some(date!(2024 - 12 - 05))
        );
        let next_january = DayOfYear {
            month: 1,
            day: 15,
            year_offset: 1,
        };
        assert_eq!(next_january.in_year(2024), Some(date!(2025 - 01 - 15)));
        assert_eq!(
            DayOfYear {
                month: 2,
                day: 30,
                year_offset: 0
            }
            .in_year(2024),
            None
        );
    }

    #[test]
    fn timeliness_against_the_deadline() {
        let d = Some(date!(2025 - 06 - 05));
        assert_eq!(
            timeliness(d, Some(date!(2025 - 06 - 05)), date!(2025 - 07 - 01)),
            Timeliness::OnTime
        );
        assert_eq!(
            timeliness(d, Some(date!(2025 - 06 - 06)), date!(2025 - 07 - 01)),
            Timeliness::Late
        );
        assert_eq!(timeliness(d, None, date!(2025 - 06 - 06)), Timeliness::Overdue);
        assert_eq!(timeliness(d, None, date!(2025 - 06 - 01)), Timeliness::Pending);
        assert_eq!(timeliness(None, None, date!(2025 - 06 - 01)), Timeliness::NoDeadline);
    }
}
