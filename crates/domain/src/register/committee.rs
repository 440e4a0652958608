//! Members of the Committee for the Advancement of Women (Ban VSTBPN): the record, how it
//! is read and checked, and its summary.

use super::read::{Checks, Reader};
use super::{CheckContext, Lists, RawRecord, Register, RegisterKind, RegisterProblem, Sex, SexCounts, Summarise};
use crate::{Period, PeriodType};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// Thành viên Ban vì sự tiến bộ của phụ nữ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitteeMember {
    pub name: String,
    /// Trưởng ban, Phó Trưởng ban, Thành viên…
    pub position: String,
    pub sex: Sex,
    /// The member's own agency (Phòng Nội vụ, Hội LHPN…).
    pub agency: Option<String>,
    /// Nhiệm kỳ, a phase such as `2021-2026`.
    pub term: Option<Period>,
    pub notes: Option<String>,
}

impl Register for CommitteeMember {
    const KIND: RegisterKind = RegisterKind::CommitteeMembers;
    const FIELDS: &'static [&'static str] = &["name", "position", "sex", "agency", "term", "notes"];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let name = r.required_text("name");
        let position = r.required_text("position");
        let sex = if r.present("sex") {
            r.sex("sex")
        } else {
            r.missing("sex", ": male or female", ": male (nam) hoặc female (nữ)");
            None
        };
        let term = match r.text("term") {
            None => None,
            Some(s) => match s.parse::<Period>() {
                Ok(p) => Some(p),
                Err(e) => {
                    r.problems.push(RegisterProblem::error(
                        "term",
                        "bad_term",
                        format!("term: {e}"),
                        format!("Nhiệm kỳ: {}", e.message_vi()),
                    ));
                    None
                }
            },
        };
        let record = CommitteeMember {
            name,
            position,
            sex: sex.unwrap_or(Sex::Female),
            agency: r.text("agency"),
            term,
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, _ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        c.required_text("name", &self.name);
        c.required_text("position", &self.position);
        c.text("agency", &self.agency);
        if let Some(term) = self.term
            && term.period_type() != PeriodType::Phase
        {
            c.push(
                "term",
                "bad_term",
                format!("term: {term} is not a span of years such as 2021-2026"),
                format!(
                    "Nhiệm kỳ: {} không phải một khoảng năm, ví dụ 2021-2026",
                    term.label_vi()
                ),
            );
        }
        c.text("notes", &self.notes);
        c.finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PositionCounts {
    pub position: String,
    #[serde(flatten)]
    pub members: SexCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitteeSummary {
    pub members: SexCounts,
    /// By position as written (trimmed), alphabetically.
    pub by_position: Vec<PositionCounts>,
}

impl Summarise for CommitteeMember {
    type Summary = CommitteeSummary;
    fn summarise(rows: &[(Period, Self)], _: &Lists) -> CommitteeSummary {
        let mut members = SexCounts::default();
        let mut positions: BTreeMap<String, SexCounts> = BTreeMap::new();
        for (_, m) in rows {
            members.add(Some(m.sex), Decimal::ONE);
            positions
                .entry(m.position.trim().to_string())
                .or_default()
                .add(Some(m.sex), Decimal::ONE);
        }
        CommitteeSummary {
            members,
            by_position: positions
                .into_iter()
                .map(|(position, members)| PositionCounts { position, members })
                .collect(),
        }
    }
}
