//! Registers: the annex tables of the reports (phụ lục, biểu) — activities held, budget
//! allocated and spent, documents issued, members of the Committee for the Advancement of
//! Women (Ban VSTBPN), staff working on gender equality, counts of gender-based and
//! domestic-violence cases, and inspections.
//!
//! Each register has one typed record ([`Activity`], [`Budget`], [`Document`],
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

use crate::{Period, PeriodType, UnitLevel, vn};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use time::Date;

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
            RegisterKind::Documents => Document::FIELDS,
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

/// Whether a problem blocks the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row is refused.
    Error,
    /// The row is stored; the problem is shown for someone to explain.
    Warning,
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

/// Sex of a person counted or named.
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

/// Where money comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BudgetSource {
    /// Ngân sách trung ương.
    Central,
    /// Ngân sách tỉnh.
    Province,
    /// Ngân sách huyện.
    District,
    /// Ngân sách xã.
    Commune,
    /// Xã hội hóa: contributions from outside the state budget.
    Socialised,
}

impl BudgetSource {
    pub const ALL: [BudgetSource; 5] = [
        BudgetSource::Central,
        BudgetSource::Province,
        BudgetSource::District,
        BudgetSource::Commune,
        BudgetSource::Socialised,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            BudgetSource::Central => "trung-uong",
            BudgetSource::Province => "tinh",
            BudgetSource::District => "huyen",
            BudgetSource::Commune => "xa",
            BudgetSource::Socialised => "xa-hoi-hoa",
        }
    }

    pub fn name_vi(&self) -> &'static str {
        match self {
            BudgetSource::Central => "Ngân sách trung ương",
            BudgetSource::Province => "Ngân sách tỉnh",
            BudgetSource::District => "Ngân sách huyện",
            BudgetSource::Commune => "Ngân sách xã",
            BudgetSource::Socialised => "Xã hội hóa",
        }
    }

    pub fn name_en(&self) -> &'static str {
        match self {
            BudgetSource::Central => "Central budget",
            BudgetSource::Province => "Provincial budget",
            BudgetSource::District => "District budget",
            BudgetSource::Commune => "Commune budget",
            BudgetSource::Socialised => "Non-state contributions (xã hội hóa)",
        }
    }
}

impl FromStr for BudgetSource {
    type Err = ();
    fn from_str(s: &str) -> Result<BudgetSource, ()> {
        let s = s.trim().to_lowercase();
        let s = s.strip_prefix("ngân sách ").unwrap_or(&s);
        BudgetSource::ALL
            .into_iter()
            .find(|b| {
                b.as_str() == s || b.name_vi().to_lowercase().trim_start_matches("ngân sách ") == s || {
                    // "xã hội hoá" (old-style accent placement) is the same word.
                    *b == BudgetSource::Socialised && s == "xã hội hoá"
                }
            })
            .ok_or(())
    }
}

impl Serialize for BudgetSource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
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

/// Reads fields one by one, collecting problems.
struct Reader<'a> {
    raw: &'a RawRecord,
    fields: &'static [&'static str],
    problems: Vec<RegisterProblem>,
}

impl<'a> Reader<'a> {
    fn new(raw: &'a RawRecord, fields: &'static [&'static str]) -> Self {
        let mut problems = Vec::new();
        for key in raw.keys() {
            if !fields.contains(&key.as_str()) && !READ_ONLY_FIELDS.contains(&key.as_str()) {
                problems.push(RegisterProblem::error(
                    key,
                    "unknown_field",
                    format!(
                        "`{key}` is not a field of this register; the fields are: {}",
                        fields.join(", ")
                    ),
                    format!(
                        "`{key}` không phải trường của sổ này; các trường gồm: {}",
                        fields.join(", ")
                    ),
                ));
            }
        }
        Reader { raw, fields, problems }
    }

    fn bad_type(&mut self, field: &str, what_en: &str, what_vi: &str, got: &str) {
        let (vi, en) = field_label(field);
        self.problems.push(RegisterProblem::error(
            field,
            "bad_type",
            format!("{en}: expected {what_en}, got {got}"),
            format!("{vi}: cần {what_vi}, không phải {got}"),
        ));
    }

    /// A string (or a number, as its text), trimmed; `None` when absent, null or blank.
    fn text(&mut self, field: &str) -> Option<String> {
        debug_assert!(self.fields.contains(&field));
        match self.raw.get(field) {
            None | Some(RawField::Null) => None,
            Some(RawField::Text(s) | RawField::Number(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Some(RawField::Other(kind)) => {
                let kind = kind.clone();
                self.bad_type(field, "text", "văn bản", &kind);
                None
            }
        }
    }

    /// Text that the record requires: empty when absent, for [`Register::check`] to report.
    fn required_text(&mut self, field: &str) -> String {
        self.text(field).unwrap_or_default()
    }

    fn number(&mut self, field: &str) -> Option<Decimal> {
        let s = match self.raw.get(field) {
            None | Some(RawField::Null) => return None,
            Some(RawField::Text(s) | RawField::Number(s)) if s.trim().is_empty() => return None,
            Some(RawField::Text(s) | RawField::Number(s)) => s.clone(),
            Some(RawField::Other(kind)) => {
                let kind = kind.clone();
                self.bad_type(field, "a number", "số", &kind);
                return None;
            }
        };
        match vn::parse_canonical(&s) {
            Ok(d) => Some(d),
            Err(e) => {
                let (vi, en) = field_label(field);
                self.problems.push(RegisterProblem::error(
                    field,
                    "not_a_number",
                    format!("{en}: {e}"),
                    format!("{vi}: {}", e.message_vi()),
                ));
                None
            }
        }
    }

    /// Whether the client sent something for `field` (null and blank count as nothing).
    fn present(&self, field: &str) -> bool {
        match self.raw.get(field) {
            None | Some(RawField::Null) => false,
            Some(RawField::Text(s) | RawField::Number(s)) => !s.trim().is_empty(),
            Some(RawField::Other(_)) => true,
        }
    }

    fn missing(&mut self, field: &str, hint_en: &str, hint_vi: &str) {
        let (vi, en) = field_label(field);
        self.problems.push(RegisterProblem::error(
            field,
            "required",
            format!("{en} is required{hint_en}"),
            format!("Chưa nhập {}{hint_vi}", lower_first(vi)),
        ));
    }

    fn required_number(&mut self, field: &str) -> Decimal {
        if !self.present(field) {
            self.missing(field, "", "");
            return Decimal::ZERO;
        }
        self.number(field).unwrap_or_default()
    }

    fn date(&mut self, field: &str) -> Option<Date> {
        let s = self.text(field)?;
        match parse_iso_date(&s) {
            Some(d) => Some(d),
            None => {
                let (vi, en) = field_label(field);
                self.problems.push(RegisterProblem::error(
                    field,
                    "bad_date",
                    format!("{en}: `{s}` is not a date; use YYYY-MM-DD, e.g. 2024-03-08"),
                    format!("{vi}: `{s}` không phải ngày hợp lệ; dùng dạng YYYY-MM-DD, ví dụ 2024-03-08"),
                ));
                None
            }
        }
    }

    /// A value from a fixed list, read with `parse`; `choices` names the list in messages.
    fn choice<T>(&mut self, field: &str, parse: impl Fn(&str) -> Option<T>, choices: &str) -> Option<T> {
        let s = self.text(field)?;
        match parse(&s) {
            Some(v) => Some(v),
            None => {
                self.problems.push(not_in_list(field, &s, choices));
                None
            }
        }
    }

    fn sex(&mut self, field: &str) -> Option<Sex> {
        self.choice(field, |s| s.parse().ok(), "male (nam), female (nữ)")
    }

    fn finish<T>(self, record: T) -> Result<T, Vec<RegisterProblem>> {
        if self.problems.is_empty() {
            Ok(record)
        } else {
            Err(self.problems)
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn not_in_list(field: &str, value: &str, choices: &str) -> RegisterProblem {
    let (vi, en) = field_label(field);
    RegisterProblem::error(
        field,
        "not_in_list",
        format!("{en}: `{value}` is not in the list; use one of: {choices}"),
        format!("{vi}: `{value}` không có trong danh mục; chọn một trong: {choices}"),
    )
}

/// `YYYY-MM-DD`, as the API exchanges dates.
pub fn parse_iso_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), format).ok()
}

/// Collects the problems of [`Register::check`].
struct Checks(Vec<RegisterProblem>);

impl Checks {
    fn push(&mut self, field: &str, code: &'static str, en: String, vi: String) {
        self.0.push(RegisterProblem::error(field, code, en, vi));
    }

    fn whole_not_negative(&mut self, field: &str, v: Decimal, max: Decimal, money: bool) -> bool {
        let (vi, en) = field_label(field);
        let shown = v.normalize().to_string();
        let len = self.0.len();
        if v.is_sign_negative() && !v.is_zero() {
            let (what_en, what_vi) = if money {
                ("an amount of money", "số tiền")
            } else {
                ("a count", "số lượng")
            };
            self.push(
                field,
                "negative",
                format!("{en}: {shown} is negative; {what_en} cannot be below 0"),
                format!("{vi}: {shown} là số âm; {what_vi} không được nhỏ hơn 0"),
            );
        } else if !v.fract().is_zero() {
            let (what_en, what_vi) = if money {
                ("a whole number of đồng", "số nguyên (đồng)")
            } else {
                ("a whole number", "số nguyên")
            };
            self.push(
                field,
                "not_whole",
                format!("{en}: {shown} must be {what_en}"),
                format!("{vi}: {shown} phải là {what_vi}"),
            );
        } else if v > max {
            self.push(
                field,
                "too_large",
                format!("{en}: {shown} is larger than the {max} this field accepts"),
                format!("{vi}: {shown} vượt quá giới hạn {max}"),
            );
        }
        self.0.len() == len
    }

    fn count(&mut self, field: &str, v: Decimal) -> bool {
        self.whole_not_negative(field, v, Decimal::from(MAX_COUNT), false)
    }

    fn opt_count(&mut self, field: &str, v: Option<Decimal>) -> bool {
        v.is_none_or(|v| self.count(field, v))
    }

    fn money(&mut self, field: &str, v: Option<Decimal>) -> bool {
        v.is_none_or(|v| self.whole_not_negative(field, v, MAX_MONEY, true))
    }

    fn required_text(&mut self, field: &str, s: &str) {
        if s.trim().is_empty() {
            let (vi, en) = field_label(field);
            self.push(
                field,
                "required",
                format!("{en} is required"),
                format!("Chưa nhập {}", lower_first(vi)),
            );
        } else {
            self.text_length(field, s);
        }
    }

    fn text(&mut self, field: &str, s: &Option<String>) {
        if let Some(s) = s {
            self.text_length(field, s);
        }
    }

    fn text_length(&mut self, field: &str, s: &str) {
        let chars = s.chars().count();
        if chars > MAX_TEXT_CHARS {
            let (vi, en) = field_label(field);
            self.push(
                field,
                "text_too_long",
                format!("{en}: the text has {chars} characters; at most {MAX_TEXT_CHARS} are accepted"),
                format!("{vi}: nội dung dài {chars} ký tự; tối đa {MAX_TEXT_CHARS} ký tự"),
            );
        }
    }

    fn in_list(&mut self, field: &str, code: &str, list: &[Term]) {
        if code.trim().is_empty() {
            return self.required_text(field, code);
        }
        if !list.iter().any(|t| t.code == code) {
            let choices = list
                .iter()
                .map(|t| format!("{} ({})", t.code, t.name_vi))
                .collect::<Vec<_>>()
                .join(", ");
            self.0.push(not_in_list(field, code, &choices));
        }
    }

    /// `smaller` ≤ `larger`, when both are given and valid.
    fn not_above(&mut self, small: (&str, Option<Decimal>), large: (&str, Option<Decimal>), code: &'static str) {
        if let ((sf, Some(s)), (lf, Some(l))) = (small, large)
            && s > l
        {
            let ((svi, sen), (lvi, len)) = (field_label(sf), field_label(lf));
            self.push(
                sf,
                code,
                format!("{sen} ({s}) cannot exceed {len} ({l})"),
                format!("{svi} ({s}) không được lớn hơn {} ({l})", lower_first(lvi)),
            );
        }
    }

    fn finish(self) -> Vec<RegisterProblem> {
        self.0
    }
}

/// Serialises a count as a JSON integer (it is whole once checked), else as exact text.
fn count_json<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let n = v.normalize();
    match (n.fract().is_zero(), i64::try_from(n)) {
        (true, Ok(i)) => s.serialize_i64(i),
        _ => s.collect_str(&n),
    }
}

fn opt_count_json<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => count_json(v, s),
        None => s.serialize_none(),
    }
}

/// Money as exact decimal text (`"30000000"`).
fn opt_money_json<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(&v.normalize()),
        None => s.serialize_none(),
    }
}

fn level_choices() -> &'static str {
    "country (trung ương), province (tỉnh), district (huyện), commune (xã)"
}

/// Hoạt động: a conference, training, rally, communication product… and who took part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// Code from the activity-type list (`tap-huan`, `hoi-nghi`, …).
    pub activity_type: String,
    pub content: Option<String>,
    /// How many: sessions, rallies, news items, leaflets…
    #[serde(serialize_with = "count_json")]
    pub count: Decimal,
    #[serde(serialize_with = "opt_count_json")]
    pub participants_male: Option<Decimal>,
    #[serde(serialize_with = "opt_count_json")]
    pub participants_female: Option<Decimal>,
    #[serde(serialize_with = "opt_count_json")]
    pub participants_total: Option<Decimal>,
    /// The level that organised it (tỉnh, huyện, xã).
    pub level: Option<UnitLevel>,
    pub date: Option<Date>,
    pub notes: Option<String>,
}

impl Activity {
    /// Total participants: the total given, else the sum of the parts given.
    pub fn total_participants(&self) -> Option<Decimal> {
        self.participants_total.or_else(|| {
            (self.participants_male.is_some() || self.participants_female.is_some())
                .then(|| self.participants_male.unwrap_or_default() + self.participants_female.unwrap_or_default())
        })
    }
}

impl Register for Activity {
    const KIND: RegisterKind = RegisterKind::Activities;
    const FIELDS: &'static [&'static str] = &[
        "activity_type",
        "content",
        "count",
        "participants_male",
        "participants_female",
        "participants_total",
        "level",
        "date",
        "notes",
    ];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let record = Activity {
            activity_type: r.required_text("activity_type"),
            content: r.text("content"),
            count: r.required_number("count"),
            participants_male: r.number("participants_male"),
            participants_female: r.number("participants_female"),
            participants_total: r.number("participants_total"),
            level: r.choice("level", |s| s.parse().ok(), level_choices()),
            date: r.date("date"),
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        c.in_list("activity_type", &self.activity_type, &ctx.lists.activity_types);
        c.text("content", &self.content);
        c.count("count", self.count);
        let male_ok = c.opt_count("participants_male", self.participants_male);
        let female_ok = c.opt_count("participants_female", self.participants_female);
        let total_ok = c.opt_count("participants_total", self.participants_total);
        if male_ok
            && female_ok
            && total_ok
            && let Some(total) = self.participants_total
            && (self.participants_male.is_some() || self.participants_female.is_some())
        {
            let (m, f) = (self.participants_male, self.participants_female);
            let parts = m.unwrap_or_default() + f.unwrap_or_default();
            if parts > total {
                let show = |v: Option<Decimal>| v.map_or("—".to_string(), |v| v.normalize().to_string());
                c.push(
                    "participants_total",
                    "parts_exceed_total",
                    format!(
                        "male ({}) + female ({}) participants = {parts}, more than the total of {total}",
                        show(m),
                        show(f)
                    ),
                    format!(
                        "Số người tham gia nam ({}) + nữ ({}) = {parts}, lớn hơn tổng số người tham gia ({total})",
                        show(m),
                        show(f)
                    ),
                );
            }
        }
        if let Some(d) = self.date
            && !ctx.period.contains_date(d)
        {
            let (from, to) = (ctx.period.start(), ctx.period.end());
            c.push(
                "date",
                "date_outside_period",
                format!(
                    "the date {d} is outside the period {} ({from} to {to})",
                    ctx.period.label_en()
                ),
                format!(
                    "Ngày {} nằm ngoài kỳ báo cáo {} (từ {} đến {})",
                    vn::format_date(d),
                    ctx.period.label_vi(),
                    vn::format_date(from),
                    vn::format_date(to)
                ),
            );
        }
        c.text("notes", &self.notes);
        c.finish()
    }

    fn normalise(&mut self) {
        self.participants_total = self.total_participants();
        for v in [
            &mut self.participants_male,
            &mut self.participants_female,
            &mut self.participants_total,
        ]
        .into_iter()
        .flatten()
        {
            *v = v.normalize();
        }
        self.count = self.count.normalize();
    }
}

/// Kinh phí: money for gender-equality work in a year, by source, in đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Budget {
    pub source: BudgetSource,
    pub content: Option<String>,
    #[serde(serialize_with = "opt_money_json")]
    pub allocated: Option<Decimal>,
    #[serde(serialize_with = "opt_money_json")]
    pub spent: Option<Decimal>,
    pub notes: Option<String>,
}

fn source_choices() -> String {
    BudgetSource::ALL
        .iter()
        .map(|s| format!("{} ({})", s.as_str(), s.name_vi()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Register for Budget {
    const KIND: RegisterKind = RegisterKind::Budgets;
    const FIELDS: &'static [&'static str] = &["source", "content", "allocated", "spent", "notes"];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let source = if r.present("source") {
            r.choice("source", |s| s.parse().ok(), &source_choices())
        } else {
            let choices = source_choices();
            r.missing(
                "source",
                &format!("; use one of: {choices}"),
                &format!("; chọn một trong: {choices}"),
            );
            None
        };
        let record = Budget {
            source: source.unwrap_or(BudgetSource::Central),
            content: r.text("content"),
            allocated: r.number("allocated"),
            spent: r.number("spent"),
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        if ctx.period.period_type() != PeriodType::Year {
            c.push(
                "period",
                "period_not_year",
                format!("budgets are kept by year; {} is not a year (use e.g. 2024)", ctx.period),
                format!(
                    "Kinh phí được theo dõi theo năm; {} không phải một năm (ví dụ 2024)",
                    ctx.period.label_vi()
                ),
            );
        }
        c.text("content", &self.content);
        let allocated_ok = c.money("allocated", self.allocated);
        let spent_ok = c.money("spent", self.spent);
        if self.allocated.is_none() && self.spent.is_none() {
            c.push(
                "allocated",
                "amount_missing",
                "enter the amount allocated, the amount spent, or both".into(),
                "Cần nhập kinh phí được cấp, kinh phí đã chi, hoặc cả hai".into(),
            );
        }
        if allocated_ok
            && spent_ok
            && let (Some(a), Some(s)) = (self.allocated, self.spent)
            && s > a
        {
            c.0.push(RegisterProblem {
                field: "spent".into(),
                code: "spent_exceeds_allocated",
                severity: Severity::Warning,
                message_en: format!(
                    "{} đồng spent is more than the {} đồng allocated; please explain in the notes",
                    s.normalize(),
                    a.normalize()
                ),
                message_vi: format!(
                    "Kinh phí đã chi ({}) lớn hơn kinh phí được cấp ({}); đề nghị giải trình trong phần ghi chú",
                    vn::format_money(s),
                    vn::format_money(a)
                ),
            });
        }
        c.text("notes", &self.notes);
        c.finish()
    }

    fn normalise(&mut self) {
        for v in [&mut self.allocated, &mut self.spent].into_iter().flatten() {
            *v = v.normalize();
        }
    }
}

/// Văn bản chỉ đạo: a document issued to direct gender-equality work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// TT: the row's place in the annex.
    #[serde(serialize_with = "opt_count_json")]
    pub order: Option<Decimal>,
    /// Trích yếu.
    pub summary: String,
    pub issuing_body: String,
    /// Code from the document-type list (`ke-hoach`, `cong-van`, …).
    pub document_type: String,
    /// Số, ký hiệu: `620/LĐLĐ`, `28/NQ-CP`.
    pub number: Option<String>,
    pub date: Option<Date>,
    pub notes: Option<String>,
}

impl Register for Document {
    const KIND: RegisterKind = RegisterKind::Documents;
    const FIELDS: &'static [&'static str] = &[
        "order",
        "summary",
        "issuing_body",
        "document_type",
        "number",
        "date",
        "notes",
    ];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let record = Document {
            order: r.number("order"),
            summary: r.required_text("summary"),
            issuing_body: r.required_text("issuing_body"),
            document_type: r.required_text("document_type"),
            number: r.text("number"),
            date: r.date("date"),
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        if c.opt_count("order", self.order)
            && let Some(o) = self.order
            && o < Decimal::ONE
        {
            c.push(
                "order",
                "not_positive",
                format!("order: {o} must be 1 or more"),
                format!("Số thứ tự: {o} phải từ 1 trở lên"),
            );
        }
        c.required_text("summary", &self.summary);
        c.required_text("issuing_body", &self.issuing_body);
        c.in_list("document_type", &self.document_type, &ctx.lists.document_types);
        c.text("number", &self.number);
        c.text("notes", &self.notes);
        c.finish()
    }

    fn normalise(&mut self) {
        if let Some(o) = &mut self.order {
            *o = o.normalize();
        }
    }
}

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

/// Cán bộ làm công tác bình đẳng giới: full-time (chuyên trách) and part-time (kiêm
/// nhiệm), by sex; absent counts are 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    pub agency: Option<String>,
    #[serde(serialize_with = "count_json")]
    pub full_time_male: Decimal,
    #[serde(serialize_with = "count_json")]
    pub full_time_female: Decimal,
    #[serde(serialize_with = "count_json")]
    pub part_time_male: Decimal,
    #[serde(serialize_with = "count_json")]
    pub part_time_female: Decimal,
    pub notes: Option<String>,
}

impl Register for Staff {
    const KIND: RegisterKind = RegisterKind::Staff;
    const FIELDS: &'static [&'static str] = &[
        "agency",
        "full_time_male",
        "full_time_female",
        "part_time_male",
        "part_time_female",
        "notes",
    ];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let record = Staff {
            agency: r.text("agency"),
            full_time_male: r.number("full_time_male").unwrap_or_default(),
            full_time_female: r.number("full_time_female").unwrap_or_default(),
            part_time_male: r.number("part_time_male").unwrap_or_default(),
            part_time_female: r.number("part_time_female").unwrap_or_default(),
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, _ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        c.text("agency", &self.agency);
        c.count("full_time_male", self.full_time_male);
        c.count("full_time_female", self.full_time_female);
        c.count("part_time_male", self.part_time_male);
        c.count("part_time_female", self.part_time_female);
        c.text("notes", &self.notes);
        c.finish()
    }

    fn normalise(&mut self) {
        for v in [
            &mut self.full_time_male,
            &mut self.full_time_female,
            &mut self.part_time_male,
            &mut self.part_time_female,
        ] {
            *v = v.normalize();
        }
    }
}

/// A count of gender-based or domestic-violence cases of one type (and, when known, one
/// victim sex and one perpetrator sex). Counts only: there is no text field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GbvCase {
    /// Code from the case-type list (`bao-luc-gia-dinh`, …).
    pub case_type: String,
    pub victim_sex: Option<Sex>,
    pub perpetrator_sex: Option<Sex>,
    #[serde(serialize_with = "count_json")]
    pub cases: Decimal,
    /// How many of those cases got support (counselling, shelter, legal aid…).
    #[serde(serialize_with = "opt_count_json")]
    pub supported: Option<Decimal>,
}

impl Register for GbvCase {
    const KIND: RegisterKind = RegisterKind::GbvCases;
    const FIELDS: &'static [&'static str] = &["case_type", "victim_sex", "perpetrator_sex", "cases", "supported"];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let record = GbvCase {
            case_type: r.required_text("case_type"),
            victim_sex: r.sex("victim_sex"),
            perpetrator_sex: r.sex("perpetrator_sex"),
            cases: r.required_number("cases"),
            supported: r.number("supported"),
        };
        r.finish(record)
    }

    fn check(&self, ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        c.in_list("case_type", &self.case_type, &ctx.lists.gbv_case_types);
        let cases_ok = c.count("cases", self.cases);
        if c.opt_count("supported", self.supported) && cases_ok {
            c.not_above(
                ("supported", self.supported),
                ("cases", Some(self.cases)),
                "supported_exceeds_cases",
            );
        }
        c.finish()
    }

    fn normalise(&mut self) {
        self.cases = self.cases.normalize();
        if let Some(s) = &mut self.supported {
            *s = s.normalize();
        }
    }
}

/// Kiểm tra, giám sát: inspections held, what they found, violations handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inspection {
    /// Number of inspections (cuộc).
    #[serde(serialize_with = "count_json")]
    pub count: Decimal,
    pub subject: Option<String>,
    pub findings: Option<String>,
    #[serde(serialize_with = "opt_count_json")]
    pub violations_found: Option<Decimal>,
    #[serde(serialize_with = "opt_count_json")]
    pub violations_handled: Option<Decimal>,
    pub date: Option<Date>,
    pub notes: Option<String>,
}

impl Register for Inspection {
    const KIND: RegisterKind = RegisterKind::Inspections;
    const FIELDS: &'static [&'static str] = &[
        "count",
        "subject",
        "findings",
        "violations_found",
        "violations_handled",
        "date",
        "notes",
    ];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let record = Inspection {
            count: r.required_number("count"),
            subject: r.text("subject"),
            findings: r.text("findings"),
            violations_found: r.number("violations_found"),
            violations_handled: r.number("violations_handled"),
            date: r.date("date"),
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, _ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        c.count("count", self.count);
        c.text("subject", &self.subject);
        c.text("findings", &self.findings);
        let found_ok = c.opt_count("violations_found", self.violations_found);
        if c.opt_count("violations_handled", self.violations_handled) && found_ok {
            c.not_above(
                ("violations_handled", self.violations_handled),
                ("violations_found", self.violations_found),
                "handled_exceeds_found",
            );
        }
        c.text("notes", &self.notes);
        c.finish()
    }

    fn normalise(&mut self) {
        self.count = self.count.normalize();
        for v in [&mut self.violations_found, &mut self.violations_handled]
            .into_iter()
            .flatten()
        {
            *v = v.normalize();
        }
    }
}

/// Only the errors of a check: what refuses a row.
pub fn errors(problems: &[RegisterProblem]) -> Vec<RegisterProblem> {
    problems.iter().filter(|p| p.is_error()).cloned().collect()
}

// ---------------------------------------------------------------------------------------
// Summaries: the totals of a set of rows (a unit's whole subtree, for one period).

/// Serialises a whole total as a JSON integer.
fn total_json<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    count_json(v, s)
}

fn money_json<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&v.normalize())
}

/// How a register sums its rows. `rows` are the rows of one summary, each with the period
/// it was entered for; `lists` gives the names of listed codes.
pub trait Summarise: Register {
    type Summary: Serialize + fmt::Debug + Clone + PartialEq + Send + Sync;
    fn summarise(rows: &[(Period, Self)], lists: &Lists) -> Self::Summary;
}

/// The name of a listed code, or the code itself when it is no longer listed.
fn term_names(list: &[Term], code: &str) -> (String, String) {
    list.iter()
        .find(|t| t.code == code)
        .map(|t| (t.name_vi.clone(), t.name_en.clone()))
        .unwrap_or_else(|| (code.to_string(), code.to_string()))
}

/// Groups by code, in list order, codes no longer listed last.
fn by_list_order<T>(list: &[Term], mut groups: BTreeMap<String, T>) -> Vec<(String, T)> {
    let mut out: Vec<(String, T)> = list
        .iter()
        .filter_map(|t| groups.remove(&t.code).map(|g| (t.code.clone(), g)))
        .collect();
    out.extend(groups);
    out
}

/// Totals of activity rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActivityTotals {
    /// Number of rows (activity records).
    pub rows: i64,
    /// Sum of the rows' counts (sessions, items…).
    #[serde(serialize_with = "total_json")]
    pub count: Decimal,
    /// Sums of the parts entered; participants of unrecorded sex are only in the total.
    #[serde(serialize_with = "total_json")]
    pub participants_male: Decimal,
    #[serde(serialize_with = "total_json")]
    pub participants_female: Decimal,
    /// Sum of each row's total (entered, or the sum of its parts).
    #[serde(serialize_with = "total_json")]
    pub participants_total: Decimal,
}

impl ActivityTotals {
    fn add(&mut self, a: &Activity) {
        self.rows += 1;
        self.count += a.count;
        self.participants_male += a.participants_male.unwrap_or_default();
        self.participants_female += a.participants_female.unwrap_or_default();
        self.participants_total += a.total_participants().unwrap_or_default();
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityTypeTotals {
    pub activity_type: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(flatten)]
    pub totals: ActivityTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivitySummary {
    pub by_type: Vec<ActivityTypeTotals>,
    pub total: ActivityTotals,
}

impl Summarise for Activity {
    type Summary = ActivitySummary;
    fn summarise(rows: &[(Period, Self)], lists: &Lists) -> ActivitySummary {
        let mut groups: BTreeMap<String, ActivityTotals> = BTreeMap::new();
        let mut total = ActivityTotals::default();
        for (_, a) in rows {
            groups.entry(a.activity_type.clone()).or_default().add(a);
            total.add(a);
        }
        let by_type = by_list_order(&lists.activity_types, groups)
            .into_iter()
            .map(|(code, totals)| {
                let (name_vi, name_en) = term_names(&lists.activity_types, &code);
                ActivityTypeTotals {
                    activity_type: code,
                    name_vi,
                    name_en,
                    totals,
                }
            })
            .collect();
        ActivitySummary { by_type, total }
    }
}

/// Money of budget rows; `allocated` sums the rows that state an allocation, `spent` those
/// that state spending.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BudgetTotals {
    pub rows: i64,
    #[serde(serialize_with = "money_json")]
    pub allocated: Decimal,
    #[serde(serialize_with = "money_json")]
    pub spent: Decimal,
}

impl BudgetTotals {
    fn add(&mut self, b: &Budget) {
        self.rows += 1;
        self.allocated += b.allocated.unwrap_or_default();
        self.spent += b.spent.unwrap_or_default();
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetSourceTotals {
    pub source: BudgetSource,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    #[serde(flatten)]
    pub totals: BudgetTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetYearTotals {
    pub year: i32,
    #[serde(flatten)]
    pub totals: BudgetTotals,
    pub by_source: Vec<BudgetSourceTotals>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetSummary {
    pub by_year: Vec<BudgetYearTotals>,
    pub total: BudgetTotals,
}

impl Summarise for Budget {
    type Summary = BudgetSummary;
    fn summarise(rows: &[(Period, Self)], _: &Lists) -> BudgetSummary {
        let mut years: BTreeMap<i32, (BudgetTotals, BTreeMap<BudgetSource, BudgetTotals>)> = BTreeMap::new();
        let mut total = BudgetTotals::default();
        for (period, b) in rows {
            let (year, sources) = years.entry(period.milestone_year()).or_default();
            year.add(b);
            sources.entry(b.source).or_default().add(b);
            total.add(b);
        }
        let by_year = years
            .into_iter()
            .map(|(year, (totals, sources))| BudgetYearTotals {
                year,
                totals,
                by_source: sources
                    .into_iter()
                    .map(|(source, totals)| BudgetSourceTotals {
                        source,
                        name_vi: source.name_vi(),
                        name_en: source.name_en(),
                        totals,
                    })
                    .collect(),
            })
            .collect();
        BudgetSummary { by_year, total }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentTypeTotals {
    pub document_type: String,
    pub name_vi: String,
    pub name_en: String,
    pub documents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentSummary {
    pub by_type: Vec<DocumentTypeTotals>,
    pub documents: i64,
}

impl Summarise for Document {
    type Summary = DocumentSummary;
    fn summarise(rows: &[(Period, Self)], lists: &Lists) -> DocumentSummary {
        let mut groups: BTreeMap<String, i64> = BTreeMap::new();
        for (_, d) in rows {
            *groups.entry(d.document_type.clone()).or_default() += 1;
        }
        let by_type = by_list_order(&lists.document_types, groups)
            .into_iter()
            .map(|(code, documents)| {
                let (name_vi, name_en) = term_names(&lists.document_types, &code);
                DocumentTypeTotals {
                    document_type: code,
                    name_vi,
                    name_en,
                    documents,
                }
            })
            .collect();
        DocumentSummary {
            by_type,
            documents: rows.len() as i64,
        }
    }
}

/// Counts of people by sex.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SexCounts {
    #[serde(serialize_with = "total_json")]
    pub male: Decimal,
    #[serde(serialize_with = "total_json")]
    pub female: Decimal,
    #[serde(serialize_with = "total_json")]
    pub total: Decimal,
}

impl SexCounts {
    fn add(&mut self, sex: Option<Sex>, n: Decimal) {
        match sex {
            Some(Sex::Male) => self.male += n,
            Some(Sex::Female) => self.female += n,
            None => {}
        }
        self.total += n;
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffSummary {
    pub rows: i64,
    /// Chuyên trách.
    pub full_time: SexCounts,
    /// Kiêm nhiệm.
    pub part_time: SexCounts,
    pub total: SexCounts,
}

impl Summarise for Staff {
    type Summary = StaffSummary;
    fn summarise(rows: &[(Period, Self)], _: &Lists) -> StaffSummary {
        let (mut full_time, mut part_time, mut total) = Default::default();
        for (_, s) in rows {
            for (counts, male, female) in [
                (&mut full_time, s.full_time_male, s.full_time_female),
                (&mut part_time, s.part_time_male, s.part_time_female),
            ] {
                SexCounts::add(counts, Some(Sex::Male), male);
                SexCounts::add(counts, Some(Sex::Female), female);
                SexCounts::add(&mut total, Some(Sex::Male), male);
                SexCounts::add(&mut total, Some(Sex::Female), female);
            }
        }
        StaffSummary {
            rows: rows.len() as i64,
            full_time,
            part_time,
            total,
        }
    }
}

/// Cases by the sex of one party, `unknown` where it was not recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CasesBySex {
    #[serde(serialize_with = "total_json")]
    pub female: Decimal,
    #[serde(serialize_with = "total_json")]
    pub male: Decimal,
    #[serde(serialize_with = "total_json")]
    pub unknown: Decimal,
}

impl CasesBySex {
    fn add(&mut self, sex: Option<Sex>, n: Decimal) {
        match sex {
            Some(Sex::Female) => self.female += n,
            Some(Sex::Male) => self.male += n,
            None => self.unknown += n,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GbvTotals {
    #[serde(serialize_with = "total_json")]
    pub cases: Decimal,
    #[serde(serialize_with = "total_json")]
    pub supported: Decimal,
    pub by_victim_sex: CasesBySex,
    pub by_perpetrator_sex: CasesBySex,
}

impl GbvTotals {
    fn add(&mut self, c: &GbvCase) {
        self.cases += c.cases;
        self.supported += c.supported.unwrap_or_default();
        self.by_victim_sex.add(c.victim_sex, c.cases);
        self.by_perpetrator_sex.add(c.perpetrator_sex, c.cases);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GbvTypeTotals {
    pub case_type: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(flatten)]
    pub totals: GbvTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GbvSummary {
    pub by_type: Vec<GbvTypeTotals>,
    pub total: GbvTotals,
}

impl Summarise for GbvCase {
    type Summary = GbvSummary;
    fn summarise(rows: &[(Period, Self)], lists: &Lists) -> GbvSummary {
        let mut groups: BTreeMap<String, GbvTotals> = BTreeMap::new();
        let mut total = GbvTotals::default();
        for (_, c) in rows {
            groups.entry(c.case_type.clone()).or_default().add(c);
            total.add(c);
        }
        let by_type = by_list_order(&lists.gbv_case_types, groups)
            .into_iter()
            .map(|(code, totals)| {
                let (name_vi, name_en) = term_names(&lists.gbv_case_types, &code);
                GbvTypeTotals {
                    case_type: code,
                    name_vi,
                    name_en,
                    totals,
                }
            })
            .collect();
        GbvSummary { by_type, total }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InspectionSummary {
    pub rows: i64,
    /// Sum of the rows' counts of inspections.
    #[serde(serialize_with = "total_json")]
    pub inspections: Decimal,
    #[serde(serialize_with = "total_json")]
    pub violations_found: Decimal,
    #[serde(serialize_with = "total_json")]
    pub violations_handled: Decimal,
}

impl Summarise for Inspection {
    type Summary = InspectionSummary;
    fn summarise(rows: &[(Period, Self)], _: &Lists) -> InspectionSummary {
        let mut s = InspectionSummary::default();
        for (_, i) in rows {
            s.rows += 1;
            s.inspections += i.count;
            s.violations_found += i.violations_found.unwrap_or_default();
            s.violations_handled += i.violations_handled.unwrap_or_default();
        }
        s
    }
}

/// A record of any register, for writes that carry rows of several registers at once
/// (a spreadsheet upload).
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Activity(Activity),
    Budget(Budget),
    Document(Document),
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
            RegisterKind::Documents => Record::Document(Document::from_raw(raw)?),
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
mod tests {
    use super::*;
    use time::macros::date;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn raw(pairs: &[(&str, RawField)]) -> RawRecord {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    fn t(s: &str) -> RawField {
        RawField::Text(s.into())
    }

    fn n(s: &str) -> RawField {
        RawField::Number(s.into())
    }

    fn codes(problems: &[RegisterProblem]) -> Vec<(&str, &str)> {
        problems.iter().map(|p| (p.field.as_str(), p.code)).collect()
    }

    fn year() -> Period {
        Period::Year(2024)
    }

    fn check<R: Register>(r: &R, period: &Period) -> Vec<RegisterProblem> {
        r.check(&CheckContext {
            period,
            lists: &Lists::seeded(),
        })
    }

    fn activity() -> Activity {
        Activity {
            activity_type: "tap-huan".into(),
            content: Some("Tập huấn nâng cao năng lực".into()),
            count: d("13"),
            participants_male: Some(d("300")),
            participants_female: Some(d("480")),
            participants_total: Some(d("780")),
            level: Some(UnitLevel::District),
            date: Some(date!(2024 - 03 - 08)),
            notes: None,
        }
    }

    #[test]
    fn max_money_is_ten_to_the_eighteenth() {
        assert_eq!(MAX_MONEY, Decimal::from(1_000_000_000_000_000_000_i64));
    }

    #[test]
    fn a_good_activity_passes_and_reads_from_raw() {
        assert_eq!(check(&activity(), &year()), []);
        let read = Activity::from_raw(&raw(&[
            ("activity_type", t("tap-huan")),
            ("content", t("  Tập huấn nâng cao năng lực ")),
            ("count", n("13")),
            ("participants_male", t("300")),
            ("participants_female", n("480")),
            ("participants_total", n("780")),
            ("level", t("huyen")),
            ("date", t("2024-03-08")),
            ("notes", RawField::Null),
            ("id", n("7")),
            ("updated_by", t("api")),
        ]))
        .unwrap();
        assert_eq!(read, activity());
    }

    #[test]
    fn participants_parts_may_not_exceed_the_total() {
        let a = Activity {
            participants_male: Some(d("300")),
            participants_female: Some(d("500")),
            participants_total: Some(d("700")),
            ..activity()
        };
        let p = check(&a, &year());
        assert_eq!(codes(&p), [("participants_total", "parts_exceed_total")]);
        assert!(
            p[0].message_vi.contains("nam (300) + nữ (500) = 800"),
            "{}",
            p[0].message_vi
        );
        assert!(p[0].message_vi.contains("lớn hơn tổng số người tham gia (700)"));
        // A single part above the total is caught too; parts below the total are fine
        // (participants whose sex was not recorded).
        let one = Activity {
            participants_female: None,
            participants_male: Some(d("701")),
            ..a.clone()
        };
        assert_eq!(
            codes(&check(&one, &year())),
            [("participants_total", "parts_exceed_total")]
        );
        let below = Activity {
            participants_total: Some(d("900")),
            ..a
        };
        assert_eq!(check(&below, &year()), []);
    }

    #[test]
    fn when_only_parts_are_given_the_total_is_their_sum() {
        let mut a = Activity {
            participants_total: None,
            ..activity()
        };
        assert_eq!(a.total_participants(), Some(d("780")));
        a.normalise();
        assert_eq!(a.participants_total, Some(d("780")));
        let mut none = Activity {
            participants_male: None,
            participants_female: None,
            participants_total: None,
            ..activity()
        };
        none.normalise();
        assert_eq!(none.participants_total, None);
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        let a = Activity {
            count: d("-1"),
            participants_male: Some(d("2.5")),
            participants_female: Some(d("2000000000000")),
            participants_total: None,
            ..activity()
        };
        assert_eq!(
            codes(&check(&a, &year())),
            [
                ("count", "negative"),
                ("participants_male", "not_whole"),
                ("participants_female", "too_large")
            ]
        );
        let zero = Activity {
            count: d("-0"),
            ..activity()
        };
        assert_eq!(check(&zero, &year()), []);
    }

    #[test]
    fn an_activity_date_falls_within_its_period() {
        let a = Activity {
            date: Some(date!(2024 - 07 - 01)),
            ..activity()
        };
        assert_eq!(check(&a, &year()), []);
        let h1: Period = "2024H1".parse().unwrap();
        let p = check(&a, &h1);
        assert_eq!(codes(&p), [("date", "date_outside_period")]);
        assert!(p[0].message_vi.contains("01/07/2024"), "{}", p[0].message_vi);
        assert!(
            p[0].message_en.contains("2024-01-01 to 2024-06-30"),
            "{}",
            p[0].message_en
        );
        // The Action Month runs from 15/11 to 15/12.
        let am: Period = "2024AM".parse().unwrap();
        let a = Activity {
            date: Some(date!(2024 - 12 - 15)),
            ..activity()
        };
        assert_eq!(check(&a, &am), []);
        let a = Activity {
            date: Some(date!(2024 - 11 - 14)),
            ..activity()
        };
        assert_eq!(codes(&check(&a, &am)), [("date", "date_outside_period")]);
    }

    #[test]
    fn enumerated_fields_come_from_their_lists() {
        let a = Activity {
            activity_type: "hop-mat".into(),
            ..activity()
        };
        let p = check(&a, &year());
        assert_eq!(codes(&p), [("activity_type", "not_in_list")]);
        assert!(p[0].message_vi.contains("tap-huan (Tập huấn)"), "{}", p[0].message_vi);
        // A list extended in the database is honoured.
        let mut lists = Lists::seeded();
        lists.activity_types.push(Term::new("hop-mat", "Họp mặt", "Gathering"));
        assert_eq!(
            a.check(&CheckContext {
                period: &year(),
                lists: &lists
            }),
            []
        );
        // Fixed lists are read when the record is read.
        let err = Budget::from_raw(&raw(&[("source", t("ngân hàng")), ("allocated", n("1"))])).unwrap_err();
        assert_eq!(codes(&err), [("source", "not_in_list")]);
        let err = CommitteeMember::from_raw(&raw(&[
            ("name", t("A")),
            ("position", t("Thành viên")),
            ("sex", t("khác")),
        ]))
        .unwrap_err();
        assert_eq!(codes(&err), [("sex", "not_in_list")]);
        let err = Activity::from_raw(&raw(&[
            ("activity_type", t("tap-huan")),
            ("count", n("1")),
            ("level", t("thôn")),
        ]))
        .unwrap_err();
        assert_eq!(codes(&err), [("level", "not_in_list")]);
        let doc = Document {
            document_type: "sắc lệnh".into(),
            ..document()
        };
        assert_eq!(codes(&check(&doc, &year())), [("document_type", "not_in_list")]);
        let case = GbvCase {
            case_type: "trộm cắp".into(),
            ..gbv()
        };
        assert_eq!(codes(&check(&case, &year())), [("case_type", "not_in_list")]);
    }

    #[test]
    fn budget_sources_read_by_code_or_vietnamese_name() {
        for (s, want) in [
            ("trung-uong", BudgetSource::Central),
            ("Trung ương", BudgetSource::Central),
            ("Ngân sách tỉnh", BudgetSource::Province),
            ("huyện", BudgetSource::District),
            ("xa", BudgetSource::Commune),
            ("Xã hội hóa", BudgetSource::Socialised),
            ("xã hội hoá", BudgetSource::Socialised),
        ] {
            assert_eq!(s.parse::<BudgetSource>(), Ok(want), "{s}");
        }
        assert_eq!("nam".parse::<Sex>(), Ok(Sex::Male));
        assert_eq!("Nữ".parse::<Sex>(), Ok(Sex::Female));
    }

    /// A value a form could send for a field of this kind.
    fn sample(field: &str) -> RawField {
        if field == "participants_total" {
            return n("10");
        }
        match field_kind(field) {
            FieldKind::Text | FieldKind::LongText => t("Phòng Văn hóa - Xã hội"),
            FieldKind::Count | FieldKind::Money => n("5"),
            FieldKind::Date => t("2024-03-08"),
            FieldKind::Term => t("2021-2026"),
            FieldKind::Choice(list) => t(&list.options(&Lists::seeded())[0].code),
        }
    }

    /// Errors of reading then checking a raw record.
    fn refusals<R: Register>(raw: &RawRecord) -> Vec<RegisterProblem> {
        match R::from_raw(raw) {
            Ok(r) => errors(&check(&r, &year())),
            Err(problems) => problems,
        }
    }

    /// The required fields alone make a good row; without any one of them, the row is
    /// refused on that field. Every field's kind reads a value the record accepts.
    fn fields_are_described_truly<R: Register>() {
        assert_eq!(R::KIND.fields(), R::FIELDS);
        let everything: RawRecord = R::FIELDS.iter().map(|f| (f.to_string(), sample(f))).collect();
        assert_eq!(refusals::<R>(&everything), vec![], "{}", R::KIND);
        let mut required: RawRecord = R::FIELDS
            .iter()
            .filter(|f| field_required(f))
            .map(|f| (f.to_string(), sample(f)))
            .collect();
        if R::KIND == RegisterKind::Budgets {
            required.insert("allocated".into(), sample("allocated"));
        }
        assert_eq!(refusals::<R>(&required), vec![], "{}", R::KIND);
        for field in R::FIELDS.iter().filter(|f| field_required(f)) {
            let mut without = required.clone();
            without.remove(*field);
            let refused = refusals::<R>(&without);
            assert!(
                refused.iter().any(|p| p.field == *field),
                "{}: {field} {refused:?}",
                R::KIND
            );
        }
    }

    #[test]
    fn field_kinds_and_required_fields_match_the_records() {
        fields_are_described_truly::<Activity>();
        fields_are_described_truly::<Budget>();
        fields_are_described_truly::<Document>();
        fields_are_described_truly::<CommitteeMember>();
        fields_are_described_truly::<Staff>();
        fields_are_described_truly::<GbvCase>();
        fields_are_described_truly::<Inspection>();
    }

    #[test]
    fn what_cannot_be_read_is_reported_field_by_field() {
        let err = Activity::from_raw(&raw(&[
            ("activity_type", RawField::Other("true".into())),
            ("count", t("mười ba")),
            ("participants_male", t("1,260")),
            ("date", t("08/03/2024")),
            ("colour", t("red")),
        ]))
        .unwrap_err();
        assert_eq!(
            codes(&err),
            [
                ("colour", "unknown_field"),
                ("activity_type", "bad_type"),
                ("count", "not_a_number"),
                ("participants_male", "not_a_number"),
                ("date", "bad_date"),
            ]
        );
        assert!(err[4].message_vi.contains("YYYY-MM-DD"));
        let err = Activity::from_raw(&raw(&[("activity_type", t("tap-huan"))])).unwrap_err();
        assert_eq!(codes(&err), [("count", "required")]);
        assert_eq!(err[0].message_vi, "Chưa nhập số lượng");
        let err = Inspection::from_raw(&raw(&[("count", n("1")), ("date", t("2024-02-30"))])).unwrap_err();
        assert_eq!(codes(&err), [("date", "bad_date")]);
    }

    fn budget() -> Budget {
        Budget {
            source: BudgetSource::District,
            content: Some("Kinh phí thực hiện bình đẳng giới".into()),
            allocated: Some(d("30000000")),
            spent: Some(d("30000000")),
            notes: None,
        }
    }

    #[test]
    fn money_is_whole_dong_and_not_negative() {
        assert_eq!(check(&budget(), &year()), []);
        let b = Budget {
            allocated: Some(d("-5000000")),
            spent: Some(d("1500.5")),
            ..budget()
        };
        let p = check(&b, &year());
        assert_eq!(codes(&p), [("allocated", "negative"), ("spent", "not_whole")]);
        assert!(
            p[0].message_vi.contains("số tiền không được nhỏ hơn 0"),
            "{}",
            p[0].message_vi
        );
        let huge = Budget {
            allocated: Some(MAX_MONEY + Decimal::ONE),
            ..budget()
        };
        assert_eq!(codes(&check(&huge, &year())), [("allocated", "too_large")]);
        let none = Budget {
            allocated: None,
            spent: None,
            ..budget()
        };
        assert_eq!(codes(&check(&none, &year())), [("allocated", "amount_missing")]);
    }

    #[test]
    fn spending_more_than_allocated_is_a_warning_only() {
        let b = Budget {
            spent: Some(d("35000000")),
            ..budget()
        };
        let p = check(&b, &year());
        assert_eq!(codes(&p), [("spent", "spent_exceeds_allocated")]);
        assert_eq!(p[0].severity, Severity::Warning);
        assert!(errors(&p).is_empty());
        assert!(p[0].message_vi.contains("35.000.000 đồng"), "{}", p[0].message_vi);
    }

    #[test]
    fn budgets_are_kept_by_year() {
        let h1: Period = "2024H1".parse().unwrap();
        assert_eq!(codes(&check(&budget(), &h1)), [("period", "period_not_year")]);
    }

    fn document() -> Document {
        Document {
            order: Some(d("18")),
            summary: "Về việc triển khai Tháng hành động vì bình đẳng giới".into(),
            issuing_body: "BCH LĐLĐ thành phố".into(),
            document_type: "cong-van".into(),
            number: Some("437/LĐLĐ".into()),
            date: Some(date!(2021 - 11 - 10)),
            notes: Some("LĐLĐ thành phố".into()),
        }
    }

    #[test]
    fn documents_need_a_summary_and_an_issuing_body() {
        // A document may predate the period it is reported in.
        assert_eq!(check(&document(), &year()), []);
        let doc = Document {
            order: Some(d("0")),
            summary: "  ".into(),
            issuing_body: String::new(),
            document_type: String::new(),
            ..document()
        };
        let p = check(&doc, &year());
        assert_eq!(
            codes(&p),
            [
                ("order", "not_positive"),
                ("summary", "required"),
                ("issuing_body", "required"),
                ("document_type", "required")
            ]
        );
        assert_eq!(p[1].message_vi, "Chưa nhập trích yếu");
        let long = Document {
            summary: "x".repeat(MAX_TEXT_CHARS + 1),
            ..document()
        };
        assert_eq!(codes(&check(&long, &year())), [("summary", "text_too_long")]);
    }

    #[test]
    fn committee_members_have_a_name_a_position_a_sex_and_a_term_of_years() {
        let m = CommitteeMember::from_raw(&raw(&[
            ("name", t("Nguyễn Thị A")),
            ("position", t("Trưởng ban")),
            ("sex", t("nữ")),
            ("term", t("2021-2026")),
        ]))
        .unwrap();
        assert_eq!(m.sex, Sex::Female);
        assert_eq!(m.term, Some(Period::Phase { from: 2021, to: 2026 }));
        assert_eq!(check(&m, &year()), []);
        let err = CommitteeMember::from_raw(&raw(&[("name", t("B")), ("term", t("2026-2021"))])).unwrap_err();
        assert_eq!(codes(&err), [("sex", "required"), ("term", "bad_term")]);
        let m = CommitteeMember {
            name: String::new(),
            term: Some(Period::Year(2024)),
            ..m
        };
        assert_eq!(codes(&check(&m, &year())), [("name", "required"), ("term", "bad_term")]);
    }

    #[test]
    fn staff_counts_default_to_zero_and_must_be_whole() {
        let s = Staff::from_raw(&raw(&[("full_time_female", n("1")), ("part_time_male", n("3"))])).unwrap();
        assert_eq!((s.full_time_male, s.full_time_female), (Decimal::ZERO, d("1")));
        assert_eq!(check(&s, &year()), []);
        let bad = Staff {
            part_time_female: d("-2"),
            ..s
        };
        assert_eq!(codes(&check(&bad, &year())), [("part_time_female", "negative")]);
    }

    fn gbv() -> GbvCase {
        GbvCase {
            case_type: "bao-luc-gia-dinh".into(),
            victim_sex: Some(Sex::Female),
            perpetrator_sex: Some(Sex::Male),
            cases: d("2"),
            supported: Some(d("2")),
        }
    }

    #[test]
    fn gbv_cases_are_counts_only_and_support_cannot_exceed_cases() {
        assert_eq!(check(&gbv(), &year()), []);
        let c = GbvCase {
            supported: Some(d("3")),
            ..gbv()
        };
        let p = check(&c, &year());
        assert_eq!(codes(&p), [("supported", "supported_exceeds_cases")]);
        assert!(
            p[0].message_vi.contains("không được lớn hơn số vụ (2)"),
            "{}",
            p[0].message_vi
        );
        // No field can hold a name or a story.
        let err = GbvCase::from_raw(&raw(&[
            ("case_type", t("bao-luc-gia-dinh")),
            ("cases", n("1")),
            ("notes", t("Nguyễn Văn B, thôn 3")),
        ]))
        .unwrap_err();
        assert_eq!(codes(&err), [("notes", "unknown_field")]);
    }

    #[test]
    fn inspections_cannot_handle_more_violations_than_they_found() {
        let i = Inspection {
            count: d("2"),
            subject: Some("Thực hiện Luật Bình đẳng giới".into()),
            findings: Some("Không phát hiện vi phạm".into()),
            violations_found: Some(d("1")),
            violations_handled: Some(d("2")),
            date: None,
            notes: None,
        };
        assert_eq!(
            codes(&check(&i, &year())),
            [("violations_handled", "handled_exceeds_found")]
        );
    }

    #[test]
    fn counts_serialise_as_integers_and_money_as_exact_text() {
        let json = serde_json::to_string(&activity()).unwrap();
        assert!(json.contains("\"count\":13"), "{json}");
        assert!(json.contains("\"date\":\"2024-03-08\""), "{json}");
        let json = serde_json::to_string(&budget()).unwrap();
        assert!(json.contains("\"allocated\":\"30000000\""), "{json}");
        assert!(json.contains("\"source\":\"huyen\""), "{json}");
    }

    #[test]
    fn summaries_add_rows_up_by_type_year_source_and_sex() {
        let lists = Lists::seeded();
        let y = year();
        let only_parts = Activity {
            participants_total: None,
            participants_male: Some(d("10")),
            participants_female: Some(d("15")),
            count: d("2"),
            ..activity()
        };
        let rally = Activity {
            activity_type: "mit-tinh".into(),
            participants_male: None,
            participants_female: None,
            participants_total: Some(d("100")),
            count: d("1"),
            ..activity()
        };
        let s = Activity::summarise(&[(y, activity()), (y, only_parts), (y, rally)], &lists);
        // In list order: hội nghị, tập huấn, mít tinh…
        let types: Vec<&str> = s.by_type.iter().map(|t| t.activity_type.as_str()).collect();
        assert_eq!(types, ["tap-huan", "mit-tinh"]);
        let training = &s.by_type[0].totals;
        assert_eq!(
            (
                training.rows,
                training.count,
                training.participants_male,
                training.participants_female,
                training.participants_total
            ),
            (2, d("15"), d("310"), d("495"), d("805"))
        );
        assert_eq!(s.by_type[1].name_vi, "Mít tinh");
        assert_eq!(
            (s.total.rows, s.total.count, s.total.participants_total),
            (3, d("16"), d("905"))
        );

        let b = |year: i32, source, allocated: Option<&str>, spent: Option<&str>| {
            (
                Period::Year(year),
                Budget {
                    source,
                    allocated: allocated.map(d),
                    spent: spent.map(d),
                    ..budget()
                },
            )
        };
        let s = Budget::summarise(
            &[
                b(2022, BudgetSource::District, Some("30000000"), Some("30000000")),
                b(2021, BudgetSource::District, Some("30000000"), None),
                b(2021, BudgetSource::Commune, None, Some("5000000")),
                b(2021, BudgetSource::District, Some("0.5"), Some("1")),
            ],
            &lists,
        );
        assert_eq!(s.by_year.iter().map(|y| y.year).collect::<Vec<_>>(), [2021, 2022]);
        let y2021 = &s.by_year[0];
        assert_eq!(
            (y2021.totals.allocated, y2021.totals.spent),
            (d("30000000.5"), d("5000001"))
        );
        assert_eq!(y2021.by_source[0].source, BudgetSource::District);
        assert_eq!(y2021.by_source[0].totals.rows, 2);
        assert_eq!(y2021.by_source[1].totals.spent, d("5000000"));
        assert_eq!((s.total.allocated, s.total.spent), (d("60000000.5"), d("35000001")));

        let staff = Staff {
            agency: None,
            full_time_male: d("1"),
            full_time_female: d("2"),
            part_time_male: d("3"),
            part_time_female: d("4"),
            notes: None,
        };
        let s = Staff::summarise(&[(y, staff.clone()), (y, staff)], &lists);
        assert_eq!(
            (s.full_time.male, s.full_time.female, s.full_time.total),
            (d("2"), d("4"), d("6"))
        );
        assert_eq!(
            (s.total.male, s.total.female, s.total.total),
            (d("8"), d("12"), d("20"))
        );

        let unknown_perpetrator = GbvCase {
            perpetrator_sex: None,
            cases: d("3"),
            supported: Some(d("1")),
            ..gbv()
        };
        let s = GbvCase::summarise(&[(y, gbv()), (y, unknown_perpetrator)], &lists);
        assert_eq!(s.by_type.len(), 1);
        let t = &s.by_type[0].totals;
        assert_eq!((t.cases, t.supported, t.by_victim_sex.female), (d("5"), d("3"), d("5")));
        assert_eq!(
            (t.by_perpetrator_sex.male, t.by_perpetrator_sex.unknown),
            (d("2"), d("3"))
        );
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["total"]["cases"], 5);
        assert_eq!(json["by_type"][0]["name_vi"], "Bạo lực gia đình");
    }
}
