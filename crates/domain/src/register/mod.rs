//! Registers: the annex tables of the reports (phụ lục, biểu) — activities held, budget
//! allocated and spent, documents issued, members of the Committee for the Advancement of
//! Women (Ban VSTBPN), staff working on gender equality, counts of gender-based and
//! domestic-violence cases, and inspections.
//!
//! Each register has one typed record ([`Activity`], [`Budget`], [`DirectiveDocument`],
//! [`CommitteeMember`], [`Staff`], [`GbvCase`], [`Inspection`]). A record is read from what
//! a client sent with [`Register::from_raw`], which reports every field that cannot be read
//! (not a number, not an ISO date, not in its list, unknown field); the record's
//! [`Register::check`] then returns every rule it breaks, each named by its field, with an
//! English and a Vietnamese message. Rules:
//!
//! - counts and money are whole and not negative (money in đồng, exact [`Decimal`]), and
//!   below [`MAX_COUNT`] / [`MAX_MONEY`];
//! - participants: male + female ≤ total when all are given; when only the parts are given
//!   the total is their sum ([`Register::normalise`] fills it in before storing);
//! - an activity's date lies within the period it is reported for;
//! - required text is not empty, and no text is longer than [`MAX_TEXT_CHARS`];
//! - enumerated fields come from their lists: activity types, document types and
//!   GBV case types are data ([`Lists`], kept in the database so an administrator can add
//!   to them), budget sources and sex are fixed here;
//! - a budget is kept by year, so its period must be a year.
//!
//! **Spent more than allocated is a warning, not an error.** Overspending a line happens
//! legitimately — a supplementary allocation during the year, money carried over from the
//! year before, co-funding booked at another level — and refusing the row would push
//! officers to type a false figure. The row is stored and the warning is returned with it
//! (severity [`Severity::Warning`]), for the reviewer to ask about.
//!
//! GBV and domestic-violence figures are counts only: the record has no free-text field
//! at all, so no name or individual case description can be typed into it (individual
//! cases belong to the national database under Nghị định 110/2025).

mod activity;
mod budget;
mod committee;
mod document;
mod gbv;
mod inspection;
mod read;
mod staff;
mod summary;

pub use crate::Severity;
pub use crate::catalogue::Sex;
pub use activity::{Activity, ActivitySummary, ActivityTotals, ActivityTypeTotals};
pub use budget::{Budget, BudgetSource, BudgetSourceTotals, BudgetSummary, BudgetTotals, BudgetYearTotals};
pub use committee::{CommitteeMember, CommitteeSummary, PositionCounts};
pub use document::{DirectiveDocument, DocumentSummary, DocumentTypeTotals};
pub use gbv::{CasesBySex, GbvCase, GbvSummary, GbvTotals, GbvTypeTotals};
pub use inspection::{Inspection, InspectionSummary};
pub use read::parse_iso_date;
pub use staff::{Staff, StaffSummary};
pub use summary::{SexCounts, Summarise};

use crate::{Period, UnitLevel};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// Largest count accepted in one row (participants, cases, sessions): 10¹².
pub const MAX_COUNT: i64 = 1_000_000_000_000;
/// Largest amount of money accepted in one row: 10¹⁸ đồng (the whole state budget is
/// about 2·10¹⁵), so that sums over a whole country stay far inside [`Decimal`].
pub const MAX_MONEY: Decimal = Decimal::from_parts(0xA764_0000, 0x0DE0_B6B3, 0, false, 0);
/// Longest text accepted in one field.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// The seven registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegisterKind {
    Activities,
    Budgets,
    Documents,
    CommitteeMembers,
    Staff,
    GbvCases,
    Inspections,
}

impl RegisterKind {
    pub const ALL: [RegisterKind; 7] = [
        RegisterKind::Activities,
        RegisterKind::Budgets,
        RegisterKind::Documents,
        RegisterKind::CommitteeMembers,
        RegisterKind::Staff,
        RegisterKind::GbvCases,
        RegisterKind::Inspections,
    ];

    /// The name in URLs: `activities`, `committee-members`, `gbv-cases`, …
    pub fn slug(&self) -> &'static str {
        match self {
            RegisterKind::Activities => "activities",
            RegisterKind::Budgets => "budgets",
            RegisterKind::Documents => "documents",
            RegisterKind::CommitteeMembers => "committee-members",
            RegisterKind::Staff => "staff",
            RegisterKind::GbvCases => "gbv-cases",
            RegisterKind::Inspections => "inspections",
        }
    }

    pub fn from_slug(s: &str) -> Option<RegisterKind> {
        RegisterKind::ALL.into_iter().find(|k| k.slug() == s)
    }

    pub fn name_vi(&self) -> &'static str {
        match self {
            RegisterKind::Activities => "Hoạt động truyền thông, tập huấn, hội nghị",
            RegisterKind::Budgets => "Kinh phí thực hiện",
            RegisterKind::Documents => "Văn bản chỉ đạo đã ban hành",
            RegisterKind::CommitteeMembers => "Thành viên Ban vì sự tiến bộ của phụ nữ",
            RegisterKind::Staff => "Cán bộ làm công tác bình đẳng giới",
            RegisterKind::GbvCases => "Số vụ bạo lực trên cơ sở giới, bạo lực gia đình",
            RegisterKind::Inspections => "Kiểm tra, giám sát",
        }
    }

    /// The fields of the register's record, in order (its [`Register::FIELDS`]).
    pub fn fields(&self) -> &'static [&'static str] {
        match self {
            RegisterKind::Activities => Activity::FIELDS,
            RegisterKind::Budgets => Budget::FIELDS,
            RegisterKind::Documents => DirectiveDocument::FIELDS,
            RegisterKind::CommitteeMembers => CommitteeMember::FIELDS,
            RegisterKind::Staff => Staff::FIELDS,
            RegisterKind::GbvCases => GbvCase::FIELDS,
            RegisterKind::Inspections => Inspection::FIELDS,
        }
    }

    pub fn name_en(&self) -> &'static str {
        match self {
            RegisterKind::Activities => "Activities (communication, training, conferences)",
            RegisterKind::Budgets => "Budget allocated and spent",
            RegisterKind::Documents => "Documents issued",
            RegisterKind::CommitteeMembers => "Members of the Committee for the Advancement of Women",
            RegisterKind::Staff => "Staff working on gender equality",
            RegisterKind::GbvCases => "Gender-based and domestic violence cases",
            RegisterKind::Inspections => "Inspections",
        }
    }
}

impl fmt::Display for RegisterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl Serialize for RegisterKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

/// One thing wrong with a record, named by its field, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterProblem {
    pub field: String,
    pub code: &'static str,
    pub severity: Severity,
    pub message_en: String,
    pub message_vi: String,
}

impl RegisterProblem {
    fn error(field: &str, code: &'static str, message_en: String, message_vi: String) -> Self {
        RegisterProblem {
            field: field.to_string(),
            code,
            severity: Severity::Error,
            message_en,
            message_vi,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// How a field is called in messages: (Vietnamese, English).
pub fn field_label(field: &str) -> (&'static str, &'static str) {
    match field {
        "activity_type" => ("Loại hoạt động", "activity type"),
        "content" => ("Nội dung", "content"),
        "count" => ("Số lượng", "count"),
        "participants_male" => ("Số người tham gia là nam", "male participants"),
        "participants_female" => ("Số người tham gia là nữ", "female participants"),
        "participants_total" => ("Tổng số người tham gia", "total participants"),
        "level" => ("Cấp thực hiện", "implementing level"),
        "date" => ("Ngày", "date"),
        "notes" => ("Ghi chú", "notes"),
        "source" => ("Nguồn kinh phí", "budget source"),
        "allocated" => ("Kinh phí được cấp", "amount allocated"),
        "spent" => ("Kinh phí đã chi", "amount spent"),
        "order" => ("Số thứ tự", "order"),
        "summary" => ("Trích yếu", "summary"),
        "issuing_body" => ("Cơ quan ban hành", "issuing body"),
        "document_type" => ("Loại văn bản", "document type"),
        "number" => ("Số, ký hiệu", "number and symbol"),
        "name" => ("Họ và tên", "name"),
        "position" => ("Chức vụ", "position"),
        "sex" => ("Giới tính", "sex"),
        "agency" => ("Cơ quan, đơn vị", "agency"),
        "term" => ("Nhiệm kỳ", "term"),
        "full_time_male" => ("Cán bộ chuyên trách là nam", "full-time staff, male"),
        "full_time_female" => ("Cán bộ chuyên trách là nữ", "full-time staff, female"),
        "part_time_male" => ("Cán bộ kiêm nhiệm là nam", "part-time staff, male"),
        "part_time_female" => ("Cán bộ kiêm nhiệm là nữ", "part-time staff, female"),
        "case_type" => ("Loại vụ việc", "case type"),
        "victim_sex" => ("Giới tính nạn nhân", "victim's sex"),
        "perpetrator_sex" => ("Giới tính người gây bạo lực", "perpetrator's sex"),
        "cases" => ("Số vụ", "number of cases"),
        "supported" => ("Số vụ nạn nhân được hỗ trợ", "cases given support"),
        "subject" => ("Nội dung kiểm tra, giám sát", "subject"),
        "findings" => ("Kết quả, phát hiện", "findings"),
        "violations_found" => ("Số vi phạm phát hiện", "violations found"),
        "violations_handled" => ("Số vi phạm đã xử lý", "violations handled"),
        "period" => ("Kỳ báo cáo", "period"),
        _ => ("Trường", "field"),
    }
}

/// How a field is typed into a form, and so how its text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "list")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Text that may run over several lines.
    LongText,
    /// A whole number of people, items, cases, sessions.
    Count,
    /// Whole đồng.
    Money,
    Date,
    /// A span of years such as `2021-2026`.
    Term,
    /// A code from a list.
    Choice(ChoiceList),
}

/// The lists a field's code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceList {
    ActivityTypes,
    DocumentTypes,
    GbvCaseTypes,
    BudgetSources,
    Sexes,
    Levels,
}

impl ChoiceList {
    /// The entries to choose from: the lists kept as data, or the fixed ones.
    pub fn options(&self, lists: &Lists) -> Vec<Term> {
        match self {
            ChoiceList::ActivityTypes => lists.activity_types.clone(),
            ChoiceList::DocumentTypes => lists.document_types.clone(),
            ChoiceList::GbvCaseTypes => lists.gbv_case_types.clone(),
            ChoiceList::BudgetSources => BudgetSource::ALL
                .iter()
                .map(|s| Term::new(s.as_str(), s.name_vi(), s.name_en()))
                .collect(),
            ChoiceList::Sexes => vec![Term::new("male", "Nam", "Male"), Term::new("female", "Nữ", "Female")],
            ChoiceList::Levels => [
                (UnitLevel::Country, "Trung ương", "Central"),
                (UnitLevel::Province, "Cấp tỉnh", "Province"),
                (UnitLevel::District, "Cấp huyện", "District"),
                (UnitLevel::Commune, "Cấp xã", "Commune"),
            ]
            .iter()
            .map(|(l, vi, en)| Term::new(l.as_str(), vi, en))
            .collect(),
        }
    }
}

/// How a field of any register is typed: fields of the same name are alike in every
/// register (`count`, `date`, `notes`, …).
pub fn field_kind(field: &str) -> FieldKind {
    match field {
        "content" | "notes" | "summary" | "findings" | "subject" => FieldKind::LongText,
        "count"
        | "participants_male"
        | "participants_female"
        | "participants_total"
        | "order"
        | "full_time_male"
        | "full_time_female"
        | "part_time_male"
        | "part_time_female"
        | "cases"
        | "supported"
        | "violations_found"
        | "violations_handled" => FieldKind::Count,
        "allocated" | "spent" => FieldKind::Money,
        "date" => FieldKind::Date,
        "term" => FieldKind::Term,
        "activity_type" => FieldKind::Choice(ChoiceList::ActivityTypes),
        "document_type" => FieldKind::Choice(ChoiceList::DocumentTypes),
        "case_type" => FieldKind::Choice(ChoiceList::GbvCaseTypes),
        "source" => FieldKind::Choice(ChoiceList::BudgetSources),
        "sex" | "victim_sex" | "perpetrator_sex" => FieldKind::Choice(ChoiceList::Sexes),
        "level" => FieldKind::Choice(ChoiceList::Levels),
        _ => FieldKind::Text,
    }
}

/// Fields a row cannot do without, in whichever register has them (a budget also needs
/// an amount allocated or spent, which is either of two fields).
const REQUIRED_FIELDS: &[&str] = &[
    "activity_type",
    "count",
    "source",
    "summary",
    "issuing_body",
    "document_type",
    "name",
    "position",
    "sex",
    "case_type",
    "cases",
];

/// Whether a row of any register must have this field.
pub fn field_required(field: &str) -> bool {
    REQUIRED_FIELDS.contains(&field)
}

/// An entry of a list kept in the database (activity types, document types, case types).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

impl Term {
    fn new(code: &str, name_vi: &str, name_en: &str) -> Term {
        Term {
            code: code.into(),
            name_vi: name_vi.into(),
            name_en: name_en.into(),
        }
    }
}

/// Activity types seeded by migration 0004 (code, Vietnamese, English).
pub const ACTIVITY_TYPES: &[(&str, &str, &str)] = &[
    ("hoi-nghi", "Hội nghị", "Conference"),
    ("tap-huan", "Tập huấn", "Training"),
    ("mit-tinh", "Mít tinh", "Rally"),
    ("truyen-thong", "Truyền thông", "Communication event"),
    (
        "xe-thong-tin-luu-dong",
        "Xe thông tin lưu động",
        "Mobile information van",
    ),
    ("pano", "Pano", "Billboard"),
    ("bang-ron", "Băng rôn", "Banner"),
    ("to-roi", "Tờ rơi", "Leaflet"),
    ("tin-bai", "Tin bài", "News item"),
    ("phong-su", "Phóng sự", "Feature report"),
    ("kiem-tra-giam-sat", "Kiểm tra, giám sát", "Inspection and monitoring"),
    ("tang-qua", "Tặng quà", "Gifts"),
];

/// Document types seeded by migration 0004. The spec's list, and Tờ trình and Thông báo,
/// which the samples' annexes also hold.
pub const DOCUMENT_TYPES: &[(&str, &str, &str)] = &[
    ("nghi-quyet", "Nghị quyết", "Resolution"),
    ("chi-thi", "Chỉ thị", "Directive"),
    ("ke-hoach", "Kế hoạch", "Plan"),
    ("quyet-dinh", "Quyết định", "Decision"),
    ("cong-van", "Công văn", "Official letter"),
    ("huong-dan", "Hướng dẫn", "Guidance"),
    ("bao-cao", "Báo cáo", "Report"),
    ("to-trinh", "Tờ trình", "Submission"),
    ("thong-bao", "Thông báo", "Notice"),
];

/// Case types seeded by migration 0004.
pub const GBV_CASE_TYPES: &[(&str, &str, &str)] = &[
    ("bao-luc-gia-dinh", "Bạo lực gia đình", "Domestic violence"),
    (
        "bao-luc-tinh-duc",
        "Xâm hại, bạo lực tình dục",
        "Sexual abuse and violence",
    ),
    ("quay-roi-tinh-duc", "Quấy rối tình dục", "Sexual harassment"),
    ("mua-ban-nguoi", "Mua bán người", "Trafficking in persons"),
    ("khac", "Bạo lực trên cơ sở giới khác", "Other gender-based violence"),
];

/// The lists that are data: what the database holds, or the seeded ones.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Lists {
    pub activity_types: Vec<Term>,
    pub document_types: Vec<Term>,
    pub gbv_case_types: Vec<Term>,
}

impl Lists {
    /// The lists as migration 0004 seeds them.
    pub fn seeded() -> Lists {
        let terms = |l: &[(&str, &str, &str)]| l.iter().map(|(c, vi, en)| Term::new(c, vi, en)).collect();
        Lists {
            activity_types: terms(ACTIVITY_TYPES),
            document_types: terms(DOCUMENT_TYPES),
            gbv_case_types: terms(GBV_CASE_TYPES),
        }
    }
}

/// What a record is checked against besides itself.
#[derive(Debug, Clone, Copy)]
pub struct CheckContext<'a> {
    /// The period the row is reported for.
    pub period: &'a Period,
    pub lists: &'a Lists,
}

/// A field as a client sent it, before it is known to fit.
#[derive(Debug, Clone, PartialEq)]
pub enum RawField {
    Null,
    /// A JSON number, as its text.
    Number(String),
    Text(String),
    /// Anything else (true, an array, an object), named for the message.
    Other(String),
}

/// A record as a client sent it: field name → raw value.
pub type RawRecord = BTreeMap<String, RawField>;

/// Fields a client may send back unchanged from a row it read; they are ignored.
pub const READ_ONLY_FIELDS: &[&str] = &["id", "unit", "period", "year", "updated_at", "updated_by"];

/// One register's record: how it is read, checked and normalised.
pub trait Register: Sized + Clone + PartialEq + fmt::Debug + Serialize + Send + Sync + 'static {
    const KIND: RegisterKind;
    /// The fields of the record, in order.
    const FIELDS: &'static [&'static str];

    /// Reads a record from what a client sent; every field that cannot be read is reported.
    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>>;

    /// Every rule the record breaks in `ctx`: errors (the row is refused) and warnings.
    fn check(&self, ctx: &CheckContext<'_>) -> Vec<RegisterProblem>;

    /// The form that is stored (e.g. a participants total derived from its parts).
    fn normalise(&mut self) {}
}

/// Only the errors of a check: what refuses a row.
pub fn errors(problems: &[RegisterProblem]) -> Vec<RegisterProblem> {
    problems.iter().filter(|p| p.is_error()).cloned().collect()
}

/// A record of any register, for writes that carry rows of several registers at once
/// (a spreadsheet upload).
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Activity(Activity),
    Budget(Budget),
    Document(DirectiveDocument),
    CommitteeMember(CommitteeMember),
    Staff(Staff),
    GbvCase(GbvCase),
    Inspection(Inspection),
}

impl Record {
    /// Reads a record of register `kind` from raw fields, as [`Register::from_raw`] does.
    pub fn from_raw(kind: RegisterKind, raw: &RawRecord) -> Result<Record, Vec<RegisterProblem>> {
        Ok(match kind {
            RegisterKind::Activities => Record::Activity(Activity::from_raw(raw)?),
            RegisterKind::Budgets => Record::Budget(Budget::from_raw(raw)?),
            RegisterKind::Documents => Record::Document(DirectiveDocument::from_raw(raw)?),
            RegisterKind::CommitteeMembers => Record::CommitteeMember(CommitteeMember::from_raw(raw)?),
            RegisterKind::Staff => Record::Staff(Staff::from_raw(raw)?),
            RegisterKind::GbvCases => Record::GbvCase(GbvCase::from_raw(raw)?),
            RegisterKind::Inspections => Record::Inspection(Inspection::from_raw(raw)?),
        })
    }

    pub fn kind(&self) -> RegisterKind {
        match self {
            Record::Activity(_) => RegisterKind::Activities,
            Record::Budget(_) => RegisterKind::Budgets,
            Record::Document(_) => RegisterKind::Documents,
            Record::CommitteeMember(_) => RegisterKind::CommitteeMembers,
            Record::Staff(_) => RegisterKind::Staff,
            Record::GbvCase(_) => RegisterKind::GbvCases,
            Record::Inspection(_) => RegisterKind::Inspections,
        }
    }
}

#[cfg(test)]
mod tests;
