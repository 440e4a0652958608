//! The reporting workflow of one unit × programme × period:
//! draft → submitted → approved, or returned with a comment and submitted again; an approved
//! report can be reopened with a reason. Submitted and approved data are locked.

use crate::UnitCode;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl State {
    pub fn as_str(&self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Approved => "approved",
        }
    }

    pub fn label_vi(&self) -> &'static str {
        match self {
            State::Draft => "Đang nhập",
            State::Submitted => "Đã gửi",
            State::Returned => "Bị trả lại",
            State::Approved => "Đã phê duyệt",
        }
    }

    /// Data of a submitted or approved report cannot be changed until it is returned or
    /// reopened.
    pub fn locks_data(&self) -> bool {
        matches!(self, State::Submitted | State::Approved)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for State {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "draft" => Ok(State::Draft),
            "submitted" => Ok(State::Submitted),
            "returned" => Ok(State::Returned),
            "approved" => Ok(State::Approved),
            other => Err(format!("`{other}` is not a workflow state")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Submit,
    Approve,
    /// Back to the unit with a comment.
    Return,
    /// An approved report opened again, with a reason.
    Reopen,
}

impl Transition {
    pub fn as_str(&self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Approve => "approve",
            Transition::Return => "return",
            Transition::Reopen => "reopen",
        }
    }

    pub fn verb_vi(&self) -> &'static str {
        match self {
            Transition::Submit => "gửi",
            Transition::Approve => "phê duyệt",
            Transition::Return => "trả lại",
            Transition::Reopen => "mở lại",
        }
    }

    /// Whether the transition needs a written comment or reason.
    pub fn needs_reason(&self) -> bool {
        matches!(self, Transition::Return | Transition::Reopen)
    }
}

impl FromStr for Transition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "submit" => Ok(Transition::Submit),
            "approve" => Ok(Transition::Approve),
            "return" => Ok(Transition::Return),
            "reopen" => Ok(Transition::Reopen),
            other => Err(format!(
                "`{other}` is not a workflow action: submit, approve, return or reopen"
            )),
        }
    }
}

/// Why a transition cannot happen now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum Refusal {
    NotAllowedFrom { state: State, transition: Transition },
    ReasonRequired { transition: Transition },
    ValidationErrors { errors: usize },
    UnexplainedWarnings { warnings: usize },
    ChildrenNotApproved { pending: Vec<UnitCode> },
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotAllowedFrom { .. } => "not_allowed_from_state",
            Refusal::ReasonRequired { .. } => "reason_required",
            Refusal::ValidationErrors { .. } => "validation_errors",
            Refusal::UnexplainedWarnings { .. } => "unexplained_warnings",
            Refusal::ChildrenNotApproved { .. } => "children_not_approved",
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Refusal::NotAllowedFrom { state, transition } => {
                format!("a report that is {state} cannot be {}", past_en(*transition))
            }
            Refusal::ReasonRequired { transition } => format!("to {} a report, write a reason", transition.as_str()),
            Refusal::ValidationErrors { errors } => {
                format!("the report has {errors} validation error(s); correct them before submitting")
            }
            Refusal::UnexplainedWarnings { warnings } => {
                format!("{warnings} warning(s) need a written explanation before submitting")
            }
            Refusal::ChildrenNotApproved { pending } => format!(
                "units below are not approved yet (approve them or excuse them with a reason): {}",
                pending.join(", ")
            ),
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            Refusal::NotAllowedFrom { state, transition } => {
                format!(
                    "Báo cáo ở trạng thái \"{}\" không thể {}",
                    state.label_vi(),
                    transition.verb_vi()
                )
            }
            Refusal::ReasonRequired { transition } => format!("Cần ghi rõ lý do khi {} báo cáo", transition.verb_vi()),
            Refusal::ValidationErrors { errors } => {
                format!("Báo cáo còn {errors} lỗi kiểm tra số liệu; cần sửa trước khi gửi")
            }
            Refusal::UnexplainedWarnings { warnings } => {
                format!("Có {warnings} cảnh báo chưa được giải trình; cần ghi giải trình trước khi gửi")
            }
            Refusal::ChildrenNotApproved { pending } => format!(
                "Các đơn vị cấp dưới chưa được phê duyệt (cần phê duyệt hoặc miễn có lý do): {}",
                pending.join(", ")
            ),
        }
    }
}

fn past_en(t: Transition) -> &'static str {
    match t {
        Transition::Submit => "submitted",
        Transition::Approve => "approved",
        Transition::Return => "returned",
        Transition::Reopen => "reopened",
    }
}

/// What the store knows when a transition is asked for.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    pub validation_errors: usize,
    pub unexplained_warnings: usize,
    /// Units below that are neither approved nor excused.
    pub children_pending: Vec<UnitCode>,
}

/// The state after `transition`, or why it cannot happen.
pub fn apply(state: State, transition: Transition, reason: Option<&str>, checks: &Checks) -> Result<State, Refusal> {
    let next = match (state, transition) {
        (State::Draft | State::Returned, Transition::Submit) => State::Submitted,
        (State::Submitted, Transition::Approve) => State::Approved,
        (State::Submitted, Transition::Return) => State::Returned,
        (State::Approved, Transition::Reopen) => State::Returned,
        _ => return Err(Refusal::NotAllowedFrom { state, transition }),
    };
    if transition.needs_reason() && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(Refusal::ReasonRequired { transition });
    }
    match transition {
        Transition::Submit if checks.validation_errors > 0 => Err(Refusal::ValidationErrors {
            errors: checks.validation_errors,
        }),
        Transition::Submit if checks.unexplained_warnings > 0 => Err(Refusal::UnexplainedWarnings {
            warnings: checks.unexplained_warnings,
        }),
        Transition::Approve if !checks.children_pending.is_empty() => Err(Refusal::ChildrenNotApproved {
            pending: checks.children_pending.clone(),
        }),
        _ => Ok(next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_and_a_return() {
        let ok = Checks::default();
        let s = apply(State::Draft, Transition::Submit, None, &ok).unwrap();
        assert_eq!(s, State::Submitted);
        assert!(s.locks_data());
        let s = apply(s, Transition::Return, Some("Tử số 6.1 sai"), &ok).unwrap();
        assert_eq!(s, State::Returned);
        assert!(!s.locks_data());
        let s = apply(s, Transition::Submit, None, &ok).unwrap();
        assert_eq!(apply(s, Transition::Approve, None, &ok), Ok(State::Approved));
    }

    #[test]
    fn refusals_say_why() {
        let ok = Checks::default();
        assert_eq!(
            apply(State::Draft, Transition::Approve, None, &ok),
            Err(Refusal::NotAllowedFrom {
                state: State::Draft,
                transition: Transition::Approve
            })
        );
        assert_eq!(
            apply(State::Submitted, Transition::Return, Some("  "), &ok),
            Err(Refusal::ReasonRequired {
                transition: Transition::Return
            })
        );
        assert_eq!(
            apply(State::Approved, Transition::Reopen, None, &ok)
                .unwrap_err()
                .code(),
            "reason_required"
        );
        assert_eq!(
            apply(State::Approved, Transition::Reopen, Some("sai số liệu"), &ok),
            Ok(State::Returned)
        );
        let errors = Checks {
            validation_errors: 2,
            ..Default::default()
        };
        let e = apply(State::Draft, Transition::Submit, None, &errors).unwrap_err();
        assert_eq!(
            e.message_vi(),
            "Báo cáo còn 2 lỗi kiểm tra số liệu; cần sửa trước khi gửi"
        );
        let warnings = Checks {
            unexplained_warnings: 1,
            ..Default::default()
        };
        assert_eq!(
            apply(State::Returned, Transition::Submit, None, &warnings)
                .unwrap_err()
                .code(),
            "unexplained_warnings"
        );
        let children = Checks {
            children_pending: vec!["03490".parse().unwrap()],
            ..Default::default()
        };
        let e = apply(State::Submitted, Transition::Approve, None, &children).unwrap_err();
        assert!(e.message_vi().contains("03490"));
        assert_eq!(
            apply(State::Approved, Transition::Submit, None, &ok)
                .unwrap_err()
                .code(),
            "not_allowed_from_state"
        );
    }
}
