//! Who may do what, where. A user holds one role for one unit (an officer
//! may be narrowed to one agency of that unit); what they may do with another unit depends on
//! where that unit stands relative to theirs. The relation is computed by the store through
//! the ancestors table, so scopes follow units through the 2025 reform: a reviewer of a merged
//! province reaches the old units mapped into it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Whole system: users, units, catalogue, calendar. Audited like anyone.
    Admin,
    /// Cán bộ nhập liệu: enters and submits the data of one unit (or one agency of it).
    Officer,
    /// Chuyên viên tổng hợp: sees the subtree, approves or returns the units below, unlocks,
    /// and enters the unit's own data.
    Reviewer,
    /// Lãnh đạo: reads the subtree, approves the unit's own report.
    Leader,
    /// Reads the subtree (or public figures only).
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Officer, Role::Reviewer, Role::Leader, Role::Viewer];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Officer => "officer",
            Role::Reviewer => "reviewer",
            Role::Leader => "leader",
            Role::Viewer => "viewer",
        }
    }

    pub fn name_vi(&self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Officer => "Cán bộ nhập liệu",
            Role::Reviewer => "Chuyên viên tổng hợp",
            Role::Leader => "Lãnh đạo",
            Role::Viewer => "Người xem",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| format!("`{s}` is not a role: admin, officer, reviewer, leader or viewer"))
    }
}

/// What a request wants to do with a unit's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Read,
    /// Enter or change values and register rows.
    Write,
    /// Send the unit's report up.
    Submit,
    /// Approve or return a submitted report.
    Approve,
    /// Reopen an approved report, or unlock a closed period, with a reason.
    Unlock,
    /// Users, units, catalogue, rules, calendar.
    Administer,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Read,
        Action::Write,
        Action::Submit,
        Action::Approve,
        Action::Unlock,
        Action::Administer,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Write => "write",
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Unlock => "unlock",
            Action::Administer => "administer",
        }
    }

    pub fn verb_vi(&self) -> &'static str {
        match self {
            Action::Read => "xem",
            Action::Write => "nhập, sửa",
            Action::Submit => "gửi báo cáo",
            Action::Approve => "phê duyệt hoặc trả lại",
            Action::Unlock => "mở khóa",
            Action::Administer => "quản trị",
        }
    }
}

/// Where the unit acted on stands relative to the user's own unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// The user's own unit.
    Own,
    /// A unit below the user's unit (in its subtree, through the 2025 mapping too).
    Below,
    /// Anything else: a parent, a sibling, another province.
    Outside,
}

/// The permission matrix. Admins act everywhere; everyone else only within their unit's
/// subtree, and only as their role allows.
pub fn permits(role: Role, reach: Reach, action: Action) -> bool {
    use Action::*;
    use Reach::*;
    match (role, reach, action) {
        (Role::Admin, _, _) => true,
        (_, Outside, _) | (_, _, Administer) => false,
        (Role::Officer, Own, Read | Write | Submit) => true,
        (Role::Officer, _, _) => false,
        (Role::Reviewer, Own, Read | Write | Submit) => true,
        // Below, a reviewer also keys in and submits a unit's paper report on its behalf (the
        // audit says so); approving stays a separate step.
        (Role::Reviewer, Below, Read | Write | Submit | Approve | Unlock) => true,
        (Role::Reviewer, _, _) => false,
        (Role::Leader, Own | Below, Read) => true,
        (Role::Leader, Own, Approve) => true,
        (Role::Leader, _, _) => false,
        (Role::Viewer, Own | Below, Read) => true,
        (Role::Viewer, _, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_but_an_admin_reaches_outside_their_subtree() {
        for role in Role::ALL {
            for action in Action::ALL {
                assert_eq!(
                    permits(role, Reach::Outside, action),
                    role == Role::Admin,
                    "{role} {action:?}"
                );
            }
        }
    }

    #[test]
    fn each_role_does_what_spec_section_1_says() {
        assert!(permits(Role::Officer, Reach::Own, Action::Submit));
        assert!(!permits(Role::Officer, Reach::Below, Action::Read));
        assert!(!permits(Role::Officer, Reach::Own, Action::Approve));
        assert!(permits(Role::Reviewer, Reach::Below, Action::Approve));
        assert!(permits(Role::Reviewer, Reach::Below, Action::Unlock));
        assert!(
            !permits(Role::Reviewer, Reach::Own, Action::Approve),
            "nobody approves their own submission"
        );
        assert!(
            permits(Role::Reviewer, Reach::Below, Action::Write),
            "entry on a unit's behalf"
        );
        assert!(permits(Role::Reviewer, Reach::Below, Action::Submit));
        assert!(permits(Role::Leader, Reach::Own, Action::Approve));
        assert!(!permits(Role::Leader, Reach::Own, Action::Write));
        assert!(permits(Role::Viewer, Reach::Below, Action::Read));
        assert!(!permits(Role::Viewer, Reach::Own, Action::Write));
        assert!(!permits(Role::Reviewer, Reach::Own, Action::Administer));
        assert!(permits(Role::Admin, Reach::Outside, Action::Administer));
    }

    #[test]
    fn roles_parse_from_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
