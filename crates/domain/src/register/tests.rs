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
    let doc = DirectiveDocument {
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
    fields_are_described_truly::<DirectiveDocument>();
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
fn budgets_are_kept_by_year_half_year_or_action_month() {
    for ok in ["2024", "2024H1", "2024AM"] {
        assert!(codes(&check(&budget(), &ok.parse().unwrap())).is_empty(), "{ok}");
    }
    let q1: Period = "2024Q1".parse().unwrap();
    assert_eq!(codes(&check(&budget(), &q1)), [("period", "period_not_budget_period")]);
}

fn document() -> DirectiveDocument {
    DirectiveDocument {
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
    let doc = DirectiveDocument {
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
    let long = DirectiveDocument {
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
