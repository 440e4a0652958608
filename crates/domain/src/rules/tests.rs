use super::*;
use crate::{DataElement, Disaggregation, ElementRole, Indicator, IndicatorRecord, Period};
use Disaggregation::{Female, Male, Total};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn indicator(code: &str, measure: &str, factor: &str) -> Indicator {
    IndicatorRecord {
        code: code.into(),
        objective: 5,
        objective_vi: String::new(),
        name_vi: format!("Chỉ tiêu {code}"),
        name_en: format!("Indicator {code}"),
        measure: measure.into(),
        factor: factor.into(),
        direction: "higher".into(),
        target_2025_op: String::new(),
        target_2025: String::new(),
        target_2030_op: String::new(),
        target_2030: String::new(),
        numerator_vi: String::new(),
        denominator_vi: String::new(),
        aggregation: "sum_ratio".into(),
        lowest_level: "commune".into(),
        agency_example: String::new(),
        confidence: String::new(),
        ..IndicatorRecord::default()
    }
    .parse()
    .unwrap()
}

/// A small catalogue shaped like the shipped one: 5.4a (percent, totals only), 5.2b and 6.1
/// (percent, by sex), 4.1 (boys per 100 girls), 3.1 (a ratio of hours), 5.1 (yes/no).
fn catalogue() -> (Vec<Indicator>, Vec<DataElement>) {
    let by_sex = [ElementRole::Numerator, ElementRole::Denominator];
    let list = [
        (indicator("5.4a", "percent", "100"), false),
        (indicator("5.2b", "percent", "100"), true),
        (indicator("6.1", "percent", "100"), true),
        (indicator("4.1", "per_100", "100"), false),
        (indicator("3.1", "ratio", "1"), false),
        (indicator("5.1", "yes_no", "1"), false),
    ];
    let elements = list
        .iter()
        .flat_map(|(i, sex)| i.data_elements(if *sex { &by_sex[..] } else { &[] }))
        .collect();
    (list.into_iter().map(|(i, _)| i).collect(), elements)
}

fn rule_set(configured: Vec<Rule>) -> RuleSet {
    let (indicators, elements) = catalogue();
    RuleSet::new(&indicators, &elements, configured)
}

fn period() -> Period {
    "2024".parse().unwrap()
}

fn validate(rules: &RuleSet, current: &Cells) -> Vec<Finding> {
    rules.validate(&Subject {
        unit: &"03386".parse().unwrap(),
        period: period(),
        current,
        previous: &Cells::new(),
        history: &[],
        siblings: &[],
    })
}

fn value(element: &str, disaggregation: Disaggregation, v: &str) -> FindingValue {
    FindingValue {
        element: element.parse().unwrap(),
        disaggregation,
        period: None,
        value: d(v),
    }
}

// --- the language -----------------------------------------------------------------------

#[test]
fn expressions_print_canonically_and_parse_back() {
    for (typed, canonical) in [
        ("#{6.1.num}", "#{6.1.num}"),
        ("  #{ 6.1.num.female }", "#{6.1.num.female}"),
        ("#{6.1.num.nữ}", "#{6.1.num.female}"),
        ("#{6.1.num}/#{6.1.den}*100", "#{6.1.num} / #{6.1.den} * 100"),
        ("(#{5.4a.num} + 2) * 3", "(#{5.4a.num} + 2) * 3"),
        ("#{5.4a.num} - (#{5.4a.den} - 1)", "#{5.4a.num} - (#{5.4a.den} - 1)"),
        ("(#{5.4a.num} - #{5.4a.den}) - 1", "#{5.4a.num} - #{5.4a.den} - 1"),
        ("12.50", "12.5"),
        ("-(1 + 2)", "-(1 + 2)"),
        ("--1", "--1"),
        ("PREV( #{6.1.num.male} ) * 1.1", "prev(#{6.1.num.male}) * 1.1"),
        ("1.10 * prev(#{6.1.num})", "1.1 * prev(#{6.1.num})"),
    ] {
        let e = Expr::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
        assert_eq!(e.to_string(), canonical, "{typed}");
        assert_eq!(Expr::parse(canonical).unwrap(), e, "{canonical} parses back");
    }
    let e = Expr::parse("#{6.1.num.female} + prev(#{6.1.num})").unwrap();
    assert_eq!(
        e.references(),
        [
            &Reference {
                element: "6.1.num".parse().unwrap(),
                disaggregation: Some(Female),
                previous: false
            },
            &Reference {
                element: "6.1.num".parse().unwrap(),
                disaggregation: None,
                previous: true
            },
        ]
    );
}

#[test]
fn parse_errors_say_where_and_what_in_both_languages() {
    let cases: [(&str, usize, &str); 15] = [
        ("", 1, "empty"),
        ("#{6.1.num} +", 13, "found the end of the expression"),
        ("#{6.1.num", 1, "not closed"),
        ("#6.1.num", 1, "must be followed by `{`"),
        ("#{6.1.num} * 12,5", 14, "write 12.5"),
        ("1..2", 1, "not a number"),
        ("3.", 1, "not a number"),
        ("sum(#{6.1.num})", 1, "unknown word `sum`"),
        ("(#{6.1.num} + 1", 16, "close the `(` at position 1"),
        ("#{6.1.num} #{6.1.den}", 12, "found `#{6.1.den}`"),
        ("prev(3)", 6, "prev( ) takes one data reference"),
        ("#{num}", 1, "not a data reference"),
        ("#{6.1 num}", 1, "not a data reference"),
        ("#{chỉ.tiêu}", 1, "not a data reference"),
        ("#{6.1.num} % 2", 12, "`%` has no meaning"),
    ];
    for (text, position, words) in cases {
        let e = Expr::parse(text).unwrap_err();
        assert_eq!(e.position, position, "{text}: {e}");
        assert!(e.message_en().contains(words), "{text}: {}", e.message_en());
        assert!(
            e.message_vi().starts_with(&format!("Vị trí {position}: ")),
            "{}",
            e.message_vi()
        );
    }
    assert_eq!(
        Expr::parse("#{6.1.num} +").unwrap_err().message_vi(),
        "Vị trí 13: cần một số, một tham chiếu #{...}, prev(...) hoặc `(`, nhưng gặp cuối biểu thức"
    );
    assert_eq!(
        Expr::parse("12,5").unwrap_err().message_vi(),
        "Vị trí 1: `12,5`: trong biểu thức dùng dấu chấm `.` để ngăn cách phần thập phân (viết 12.5)"
    );
    let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
    assert_eq!(Expr::parse(&deep).unwrap_err().kind, ParseErrorKind::TooDeep);
    let long = "1 + ".repeat(300) + "1";
    assert_eq!(Expr::parse(&long).unwrap_err().kind, ParseErrorKind::TooLong);
}

#[test]
fn references_read_entered_values_effective_totals_and_the_previous_period() {
    let current = Cells::new()
        .with("6.1.num", Male, d("40"))
        .with("6.1.num", Female, d("60"))
        .with("6.1.den", Total, d("250"))
        .with("5.4a.den", Total, d("0"));
    let previous = Cells::new().with("6.1.num", Total, d("90"));
    let scope = Scope {
        period: period(),
        current: &current,
        previous: &previous,
    };
    let eval = |s: &str| Expr::parse(s).unwrap().evaluate(&scope);
    // The effective total is the sum of the parts when no total was entered...
    assert_eq!(eval("#{6.1.num}"), Outcome::Value(d("100")));
    // ...but `.total` is only ever the entered total.
    assert_eq!(eval("#{6.1.num.total}"), Outcome::Missing);
    assert_eq!(eval("#{6.1.num.female} / #{6.1.num} * 100"), Outcome::Value(d("60")));
    assert_eq!(eval("#{6.1.num} - prev(#{6.1.num})"), Outcome::Value(d("10")));
    assert_eq!(eval("prev(#{6.1.num.male})"), Outcome::Missing);
    assert_eq!(eval("-#{6.1.den} + 2 * 3"), Outcome::Value(d("-244")));
    // Division by zero: everything is there, but there is no value.
    assert_eq!(eval("#{6.1.num} / #{5.4a.den}"), Outcome::Undefined);
    // A missing value wins over a division by zero: the rule is skipped either way.
    assert_eq!(eval("#{5.4a.num} / #{5.4a.den}"), Outcome::Missing);
    // With both the total and parts entered, the entered total is what counts.
    let both = current.clone().with("6.1.num", Total, d("99"));
    assert_eq!(both.total("6.1.num"), Some(d("99")));
    assert_eq!(Cells::new().total("6.1.num"), None);
}

fn configured(left: &str, op: Operator, right: &str, severity: Severity) -> Rule {
    Rule {
        code: "r1".into(),
        name_vi: "Thử".into(),
        name_en: "Test".into(),
        left: Expr::parse(left).unwrap(),
        operator: op,
        right: Expr::parse(right).unwrap(),
        severity,
        message_vi: "Trái {left}, phải {right}".into(),
        message_en: "Left {left}, right {right}".into(),
        enabled: true,
    }
}

#[test]
fn comparisons_find_what_does_not_hold_and_skip_what_is_missing() {
    let mut current = Cells::new().with("6.1.den", Male, d("1260.5"));
    current.insert("6.1.num", Male, d("1300"), Some("  đã kiểm tra ".into()));
    let previous = Cells::new();
    let scope = Scope {
        period: period(),
        current: &current,
        previous: &previous,
    };
    let holds = |op, l: &str, r: &str| {
        configured(l, op, r, Severity::Error)
            .check(&"03386".parse().unwrap(), FindingKind::Configured, &scope)
            .is_none()
    };
    use Operator::*;
    assert!(holds(Eq, "#{6.1.num.male}", "1300"));
    assert!(!holds(Ne, "#{6.1.num.male}", "1300"));
    assert!(holds(Lt, "#{6.1.den.male}", "#{6.1.num.male}"));
    assert!(!holds(Gt, "#{6.1.den.male}", "#{6.1.num.male}"));
    assert!(holds(Ge, "#{6.1.num.male}", "1300.0"));
    assert!(!holds(Le, "#{6.1.num.male}", "1299.9"));
    // Missing on either side, or a division by zero: skipped, not a finding.
    assert!(holds(Eq, "#{6.1.num.female}", "1"));
    assert!(holds(Eq, "1", "#{6.1.num.male} / (#{6.1.den.male} - 1260.5)"));

    let f = configured("#{6.1.num.male}", Le, "#{6.1.den.male}", Severity::Warning)
        .check(&"03386".parse().unwrap(), FindingKind::Configured, &scope)
        .unwrap();
    assert_eq!(
        f,
        Finding {
            rule: "r1".into(),
            kind: FindingKind::Configured,
            severity: Severity::Warning,
            unit: "03386".parse().unwrap(),
            period: period(),
            values: vec![value("6.1.num", Male, "1300"), value("6.1.den", Male, "1260.5")],
            expected: "<= 1260.5".into(),
            found: "1300".into(),
            message_vi: "Trái 1.300, phải 1.260,5".into(),
            message_en: "Left 1300, right 1260.5".into(),
            needs_explanation: true,
            explained: true,
        }
    );
    // An error needs no explanation, commented or not.
    let f = configured("#{6.1.num.male}", Le, "#{6.1.den.male}", Severity::Error)
        .check(&"03386".parse().unwrap(), FindingKind::Configured, &scope)
        .unwrap();
    assert!(!f.needs_explanation && !f.explained);
    // Long quotients are shown with at most four decimals.
    let f = configured("#{6.1.num.male} / 3", Eq, "1", Severity::Error)
        .check(&"03386".parse().unwrap(), FindingKind::Configured, &scope)
        .unwrap();
    assert_eq!(
        (f.found.as_str(), f.message_vi.as_str()),
        ("433.3333", "Trái 433,3333, phải 1")
    );
}

#[test]
fn both_or_neither_is_about_presence() {
    let rule = configured("#{5.4a.num}", Operator::BothOrNeither, "#{5.4a.den}", Severity::Error);
    let previous = Cells::new();
    let check = |current: &Cells| {
        rule.check(
            &"03386".parse().unwrap(),
            FindingKind::Configured,
            &Scope {
                period: period(),
                current,
                previous: &previous,
            },
        )
    };
    assert_eq!(check(&Cells::new()), None);
    let both = Cells::new()
        .with("5.4a.num", Total, d("3"))
        .with("5.4a.den", Total, d("0"));
    assert_eq!(check(&both), None, "a zero denominator is data too");
    let f = check(&Cells::new().with("5.4a.num", Total, d("3"))).unwrap();
    assert_eq!(
        (f.expected.as_str(), f.found.as_str()),
        ("both or neither", "left only")
    );
    assert_eq!(f.values, [value("5.4a.num", Total, "3")]);
    assert_eq!(f.message_vi, "Trái 3, phải chưa có số liệu");
    assert_eq!(f.message_en, "Left 3, right missing");
    let f = check(&Cells::new().with("5.4a.den", Total, d("7"))).unwrap();
    assert_eq!(f.found, "right only");
}

#[test]
fn prev_values_are_listed_with_their_period() {
    let rule = configured("#{6.1.num}", Operator::Le, "prev(#{6.1.num}) * 2", Severity::Warning);
    let current = Cells::new().with("6.1.num", Total, d("500"));
    let previous = Cells::new().with("6.1.num", Total, d("100"));
    let f = rule
        .check(
            &"03386".parse().unwrap(),
            FindingKind::Configured,
            &Scope {
                period: "2024H1".parse().unwrap(),
                current: &current,
                previous: &previous,
            },
        )
        .unwrap();
    assert_eq!(
        f.values,
        [
            value("6.1.num", Total, "500"),
            FindingValue {
                period: Some("2023H2".parse().unwrap()),
                ..value("6.1.num", Total, "100")
            }
        ]
    );
    assert_eq!(f.expected, "<= 200");
    assert!(!f.explained, "no comment on the current value");
}

// --- drafts -----------------------------------------------------------------------------

fn draft() -> RuleDraft {
    RuleDraft {
        code: "tu-so-nu".into(),
        name_vi: "Tử số nữ không vượt quá tổng".into(),
        name_en: String::new(),
        left: "#{6.1.num.female}".into(),
        operator: "<=".into(),
        right: "#{6.1.num}".into(),
        severity: "warning".into(),
        message_vi: "Tử số nữ ({left}) lớn hơn tổng ({right})".into(),
        message_en: String::new(),
        enabled: true,
    }
}

#[test]
fn a_good_draft_becomes_a_rule_with_english_defaulting_to_vietnamese() {
    let (_, elements) = catalogue();
    let rule = draft().check(&elements).unwrap();
    assert_eq!(rule.code, "tu-so-nu");
    assert_eq!(rule.name_en, "Tử số nữ không vượt quá tổng");
    assert_eq!(rule.message_en, rule.message_vi);
    assert_eq!(rule.left.to_string(), "#{6.1.num.female}");
    assert_eq!(rule.operator, Operator::Le);
    assert_eq!(rule.severity, Severity::Warning);
    let both = RuleDraft {
        operator: "both_or_neither".into(),
        left: "#{5.4a.num}".into(),
        right: "1".into(),
        ..draft()
    };
    assert_eq!(both.check(&elements).unwrap().operator, Operator::BothOrNeither);
}

#[test]
fn a_bad_draft_lists_every_problem() {
    let (_, elements) = catalogue();
    let problems = |draft: RuleDraft| -> Vec<(String, &'static str)> {
        draft
            .check(&elements)
            .unwrap_err()
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect()
    };
    let bad = RuleDraft {
        code: "có dấu".into(),
        name_vi: " ".into(),
        left: "#{9.9.num} + #{5.4a.num.female}".into(),
        operator: "=>".into(),
        right: "#{6.1.num} +".into(),
        severity: "fatal".into(),
        message_vi: "Sai {trai}".into(),
        ..draft()
    };
    assert_eq!(
        problems(bad),
        [
            ("code".into(), "bad_code"),
            ("name_vi".into(), "missing"),
            ("message_vi".into(), "unknown_placeholder"),
            ("left".into(), "unknown_element"),
            ("left".into(), "disaggregation_not_allowed"),
            ("right".into(), "parse_error"),
            ("operator".into(), "bad_operator"),
            ("severity".into(), "bad_severity"),
        ]
    );
    let p = RuleDraft {
        left: "1 + #{9.9.num}".into(),
        ..draft()
    }
    .check(&elements)
    .unwrap_err();
    assert_eq!(
        p[0].message_vi,
        "Vị trí 5: không có chỉ tiêu dữ liệu `9.9.num` trong danh mục"
    );
    assert_eq!(
        p[0].message_en,
        "at position 5: there is no data element `9.9.num` in the catalogue"
    );
    assert_eq!(
        problems(RuleDraft {
            code: "builtin.x".into(),
            ..draft()
        }),
        [("code".into(), "reserved_code")]
    );
    assert_eq!(
        problems(RuleDraft {
            left: "1".into(),
            right: "2".into(),
            ..draft()
        }),
        [("left".into(), "no_reference")]
    );
    assert_eq!(
        problems(RuleDraft {
            left: String::new(),
            code: String::new(),
            ..draft()
        }),
        [("code".into(), "missing"), ("left".into(), "missing")]
    );
    let p = RuleDraft {
        severity: "loi".into(),
        ..draft()
    }
    .check(&elements)
    .unwrap_err();
    assert!(p[0].message_vi.contains("error (lỗi"), "{}", p[0].message_vi);
}

// --- built-in rules ---------------------------------------------------------------------

#[test]
fn built_in_rules_follow_the_catalogue() {
    let rules = rule_set(vec![]);
    let codes: Vec<&str> = rules.builtin.iter().map(BuiltinRule::code).collect();
    assert_eq!(
        codes,
        [
            "builtin.num_le_den.5.4a",
            "builtin.rate_range.5.4a",
            "builtin.rate_matches.5.4a",
            "builtin.num_le_den.5.2b",
            "builtin.num_le_den.5.2b.male",
            "builtin.num_le_den.5.2b.female",
            "builtin.rate_range.5.2b",
            "builtin.rate_matches.5.2b",
            "builtin.parts_total.5.2b.num",
            "builtin.parts_total.5.2b.den",
            "builtin.num_le_den.6.1",
            "builtin.num_le_den.6.1.male",
            "builtin.num_le_den.6.1.female",
            "builtin.rate_range.6.1",
            "builtin.rate_matches.6.1",
            "builtin.parts_total.6.1.num",
            "builtin.parts_total.6.1.den",
            // Boys per 100 girls and women's hours over men's exceed 100 and 1 by nature:
            // only the stated figure is checked against its parts.
            "builtin.rate_matches.4.1",
            "builtin.rate_matches.3.1",
        ]
    );
    let BuiltinRule::Compare(first) = &rules.builtin[0] else {
        panic!()
    };
    assert_eq!(
        (first.left.to_string(), first.operator, first.right.to_string()),
        ("#{5.4a.num}".into(), Operator::Le, "#{5.4a.den}".into())
    );
    let BuiltinRule::Compare(parts) = &rules.builtin[8] else {
        panic!()
    };
    assert_eq!(
        format!("{} {} {}", parts.left, parts.operator, parts.right),
        "#{5.2b.num.male} + #{5.2b.num.female} = #{5.2b.num.total}"
    );
}

#[test]
fn sample_error_12_of_18_masters_stated_as_66_66_percent() {
    // "12/18 thạc sĩ, đạt 66,66%": 12/18 = 66,666…%, which is 66,67% at two decimals.
    let rules = rule_set(vec![]);
    let data = Cells::new()
        .with("5.4a.num", Total, d("12"))
        .with("5.4a.den", Total, d("18"))
        .with("5.4a.rate", Total, d("66.66"));
    assert_eq!(
        validate(&rules, &data),
        [Finding {
            rule: "builtin.rate_matches.5.4a".into(),
            kind: FindingKind::Builtin,
            severity: Severity::Error,
            unit: "03386".parse().unwrap(),
            period: period(),
            values: vec![
                value("5.4a.rate", Total, "66.66"),
                value("5.4a.num", Total, "12"),
                value("5.4a.den", Total, "18"),
            ],
            expected: "66.67".into(),
            found: "66.66".into(),
            message_vi: "Chỉ tiêu 5.4a: tỷ lệ báo cáo (66,66) không khớp với tử số/mẫu số: 12/18 × 100 = 66,67".into(),
            message_en:
                "Indicator 5.4a: the stated rate (66.66) does not match numerator/denominator: 12/18 × 100 = 66.67"
                    .into(),
            needs_explanation: false,
            explained: false,
        }]
    );
    // Rounded correctly, or stated at a coarser precision, it passes.
    for stated in ["66.67", "66.7", "67", "66.667"] {
        let ok = data.clone().with("5.4a.rate", Total, d(stated));
        assert_eq!(validate(&rules, &ok), [], "{stated}");
    }
    // 7/11 = 63,63…%: 63,6 is right at one decimal, 63,7 is not.
    let seven = |stated: &str| {
        Cells::new()
            .with("5.4a.num", Total, d("7"))
            .with("5.4a.den", Total, d("11"))
            .with("5.4a.rate", Total, d(stated))
    };
    assert_eq!(validate(&rules, &seven("63.6")), []);
    let f = validate(&rules, &seven("63.7"));
    assert_eq!((f[0].expected.as_str(), f[0].found.as_str()), ("63.6", "63.7"));
    // An exact half may be rounded either way: 1/8 = 12,5%.
    let eighth = |stated: &str| {
        Cells::new()
            .with("5.4a.num", Total, d("1"))
            .with("5.4a.den", Total, d("8"))
            .with("5.4a.rate", Total, d(stated))
    };
    assert_eq!(validate(&rules, &eighth("12")), []);
    assert_eq!(validate(&rules, &eighth("13")), []);
    assert_eq!(validate(&rules, &eighth("12.4")).len(), 1);
    // A trailing zero is precision too: 12.50 must be 12.50.
    assert_eq!(validate(&rules, &eighth("12.50")), []);
    assert_eq!(validate(&rules, &eighth("12.60"))[0].expected, "12.50");
    // No denominator (or a zero one): nothing to compare with.
    let lone = Cells::new().with("5.4a.rate", Total, d("40"));
    assert_eq!(validate(&rules, &lone), []);
    let zero = lone.with("5.4a.num", Total, d("0")).with("5.4a.den", Total, d("0"));
    assert_eq!(validate(&rules, &zero), []);
}

#[test]
fn sample_error_an_enrolment_rate_above_100_percent() {
    // "THCS ... đạt trên 100%": more completions than pupils in the final year.
    let rules = rule_set(vec![]);
    let data = Cells::new()
        .with("5.2b.num", Male, d("51"))
        .with("5.2b.num", Female, d("50"))
        .with("5.2b.den", Male, d("50"))
        .with("5.2b.den", Female, d("50"))
        .with("5.2b.rate", Total, d("101"));
    let found = validate(&rules, &data);
    let summary: Vec<(&str, &str, &str, &str)> = found
        .iter()
        .map(|f| {
            (
                f.rule.as_str(),
                f.expected.as_str(),
                f.found.as_str(),
                f.message_vi.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "builtin.num_le_den.5.2b",
                "<= 100",
                "101",
                "Chỉ tiêu 5.2b: Tử số (101) không được lớn hơn mẫu số (100)"
            ),
            (
                "builtin.num_le_den.5.2b.male",
                "<= 50",
                "51",
                "Chỉ tiêu 5.2b: Tử số nam (51) không được lớn hơn mẫu số nam (50)"
            ),
            (
                "builtin.rate_range.5.2b",
                "<= 100",
                "101",
                "Chỉ tiêu 5.2b: tỷ lệ báo cáo (101%) phải nằm trong khoảng 0–100%"
            ),
        ]
    );
    assert!(
        found
            .iter()
            .all(|f| f.severity == Severity::Error && f.kind == FindingKind::Builtin)
    );
    assert_eq!(
        found[0].values,
        [
            value("5.2b.num", Male, "51"),
            value("5.2b.num", Female, "50"),
            value("5.2b.den", Male, "50"),
            value("5.2b.den", Female, "50"),
        ]
    );
    assert_eq!(
        found[0].message_en,
        "Indicator 5.2b: the numerator (101) must not exceed the denominator (100)"
    );
    // The sex ratio at birth is 111 boys per 100 girls and that is no error.
    let srb = Cells::new()
        .with("4.1.num", Total, d("111"))
        .with("4.1.den", Total, d("100"))
        .with("4.1.rate", Total, d("111"));
    assert_eq!(validate(&rules, &srb), []);
}

#[test]
fn parts_must_add_up_to_the_total_when_all_three_are_entered() {
    let rules = rule_set(vec![]);
    let parts = Cells::new()
        .with("6.1.num", Male, d("1190"))
        .with("6.1.num", Female, d("1260"));
    assert_eq!(validate(&rules, &parts), [], "no total entered: nothing to compare");
    assert_eq!(validate(&rules, &parts.clone().with("6.1.num", Total, d("2450"))), []);
    let wrong = validate(&rules, &parts.with("6.1.num", Total, d("2405")));
    assert_eq!(wrong.len(), 1);
    assert_eq!(wrong[0].rule, "builtin.parts_total.6.1.num");
    assert_eq!(
        wrong[0].message_vi,
        "Chỉ tiêu 6.1, tử số: nam + nữ (2.450) khác tổng (2.405)"
    );
    assert_eq!(
        wrong[0].message_en,
        "Indicator 6.1, numerator: male + female (2450) differs from the total (2405)"
    );
    assert_eq!(
        (wrong[0].expected.as_str(), wrong[0].found.as_str()),
        ("= 2405", "2450")
    );
}

#[test]
fn disabled_configured_rules_are_not_run_and_enabled_ones_run_by_code() {
    let mut b = configured("#{5.4a.num}", Operator::Gt, "5", Severity::Warning);
    b.code = "b".into();
    let mut a = b.clone();
    a.code = "a".into();
    let mut off = b.clone();
    off.code = "0-off".into();
    off.enabled = false;
    let rules = rule_set(vec![b, off, a]);
    let data = Cells::new().with("5.4a.num", Total, d("3"));
    let found: Vec<String> = validate(&rules, &data).into_iter().map(|f| f.rule).collect();
    assert_eq!(found, ["a", "b"]);
}

// --- outliers ---------------------------------------------------------------------------

fn ds(values: &[&str]) -> Vec<Decimal> {
    values.iter().map(|v| d(v)).collect()
}

#[test]
fn the_modified_z_score_flags_what_lies_far_from_the_median() {
    // Median 100, MAD 2: M = 0.6745 · (x − 100) / 2, so |x − 100| > 10.38 is an outlier.
    let reference = ds(&["96", "98", "100", "102", "104"]);
    let t = outlier_test(d("110"), &reference).unwrap();
    assert_eq!(t.median, d("100"));
    assert_eq!(t.score, Some(d("3.3725")));
    assert!(!t.is_outlier);
    let t = outlier_test(d("111"), &reference).unwrap();
    assert!(t.is_outlier && t.score.unwrap() > OUTLIER_THRESHOLD);
    assert!(outlier_test(d("89"), &reference).unwrap().is_outlier);
    assert_eq!(t.low.round_dp(4), d("89.6219"));
    assert_eq!(t.high.round_dp(4), d("110.3781"));
    // Robust: one wild value in the reference does not hide another.
    let wild = ds(&["100", "101", "99", "100", "5000"]);
    assert!(outlier_test(d("900"), &wild).unwrap().is_outlier);
    assert!(!outlier_test(d("102"), &wild).unwrap().is_outlier);
    assert_eq!(outlier_test(d("1"), &[]), None);
}

#[test]
fn a_zero_mad_falls_back_to_the_mean_absolute_deviation_then_to_equality() {
    // More than half the reference equal: MAD = 0, MeanAD = 2 (0, 0, 0, 8 around 10).
    let reference = ds(&["10", "10", "10", "18"]);
    let t = outlier_test(d("12"), &reference).unwrap();
    assert!(t.score.is_some() && !t.is_outlier, "{t:?}");
    // |x − 10| / (1.253314 · 2) > 3.5 ⇔ |x − 10| > 8.77
    let reference = ds(&["10", "10", "10", "10", "20"]);
    assert!(!outlier_test(d("18.7"), &reference).unwrap().is_outlier);
    assert!(outlier_test(d("18.8"), &reference).unwrap().is_outlier);
    // All equal: nothing varies, so any other value stands out and the same value does not.
    let flat = ds(&["0", "0", "0", "0"]);
    let t = outlier_test(d("3"), &flat).unwrap();
    assert_eq!((t.score, t.is_outlier, t.low, t.high), (None, true, d("0"), d("0")));
    assert!(!outlier_test(d("0"), &flat).unwrap().is_outlier);
}

#[test]
fn extreme_decimals_never_panic() {
    let huge = d("9999999999999999999999999999");
    let tiny = d("0.0000000000000000000000000001");
    let t = outlier_test(huge, &[tiny, Decimal::ZERO, tiny, tiny * Decimal::TWO, Decimal::ZERO]).unwrap();
    assert!(t.is_outlier);
    let t = outlier_test(Decimal::ZERO, &[huge, -huge, huge, -huge]).unwrap();
    assert!(!t.is_outlier);
    assert!(outlier_test(tiny, &[huge, huge, huge, -huge, -huge]).is_some());
    // A rate typed with 28 decimals, against a quotient it cannot match exactly.
    let rules = rule_set(vec![]);
    let data = Cells::new()
        .with("5.4a.num", Total, d("1"))
        .with("5.4a.den", Total, d("3"))
        .with("5.4a.rate", Total, d("33.3333333333333333333333333333"));
    assert!(validate(&rules, &data).len() <= 1);
    let data = Cells::new()
        .with("5.4a.num", Total, huge)
        .with("5.4a.den", Total, tiny)
        .with("5.4a.rate", Total, d("50"));
    assert_eq!(
        validate(&rules, &data).len(),
        1,
        "only numerator ≤ denominator; the quotient overflows"
    );
}

fn history(values: &[&str]) -> Vec<Cells> {
    values
        .iter()
        .map(|v| Cells::new().with("5.4a.den", Total, d(v)))
        .collect()
}

#[test]
fn outliers_against_history_and_siblings_are_warnings_to_explain() {
    let rules = rule_set(vec![]);
    let mut current = Cells::new();
    current.insert("5.4a.den", Total, d("500"), None);
    let past = history(&["100", "104", "98", "102"]);
    let siblings = history(&["90", "110", "95", "105", "100"]);
    let subject = |current: &Cells, history: &[Cells], siblings: &[Cells]| {
        rules.validate(&Subject {
            unit: &"03390".parse().unwrap(),
            period: period(),
            current,
            previous: &Cells::new(),
            history,
            siblings,
        })
    };
    let found = subject(&current, &past, &siblings);
    assert_eq!(
        found,
        [
            Finding {
                rule: "outlier.history".into(),
                kind: FindingKind::Outlier,
                severity: Severity::Warning,
                unit: "03390".parse().unwrap(),
                period: period(),
                values: vec![value("5.4a.den", Total, "500")],
                // median 101, MAD 2: 101 ± 3.5 · 2 / 0.6745
                expected: ">= 90.62 and <= 111.38".into(),
                found: "500".into(),
                message_vi: "Mẫu số: Chỉ tiêu 5.4a (5.4a.den, tổng): 500 khác xa số liệu các kỳ trước của đơn vị \
                             (trung vị 101 của 4 kỳ); đề nghị kiểm tra lại hoặc ghi giải trình"
                    .into(),
                message_en:
                    "Denominator: Indicator 5.4a (5.4a.den, total): 500 is far from the unit's earlier periods \
                             (median 101 of 4 periods); check it or add an explanation"
                        .into(),
                needs_explanation: true,
                explained: false,
            },
            Finding {
                rule: "outlier.siblings".into(),
                kind: FindingKind::Outlier,
                severity: Severity::Warning,
                unit: "03390".parse().unwrap(),
                period: period(),
                values: vec![value("5.4a.den", Total, "500")],
                // median 100, MAD 5
                expected: ">= 74.05 and <= 125.95".into(),
                found: "500".into(),
                message_vi: "Mẫu số: Chỉ tiêu 5.4a (5.4a.den, tổng): 500 khác xa số liệu của các đơn vị cùng cấp \
                             (trung vị 100 của 5 đơn vị); đề nghị kiểm tra lại hoặc ghi giải trình"
                    .into(),
                message_en: "Denominator: Indicator 5.4a (5.4a.den, total): 500 is far from the units beside it \
                             (median 100 of 5 units); check it or add an explanation"
                    .into(),
                needs_explanation: true,
                explained: false,
            },
        ]
    );
    // Too little to compare with: three earlier periods, four siblings.
    assert_eq!(subject(&current, &past[..3], &siblings[..4]), []);
    // A commented value counts as explained.
    let mut explained = Cells::new();
    explained.insert("5.4a.den", Total, d("500"), Some("Sáp nhập trường".into()));
    let found = subject(&explained, &past, &[]);
    assert_eq!(found.len(), 1);
    assert!(found[0].explained);
    assert_eq!(tally(&found), (0, 1, 0));
    assert_eq!(tally(&subject(&current, &past, &siblings)), (0, 2, 2));
    // A value like the others is no outlier.
    let usual = Cells::new().with("5.4a.den", Total, d("103"));
    assert_eq!(subject(&usual, &past, &siblings), []);
}

#[test]
fn outliers_compare_parts_with_parts_and_totals_with_effective_totals() {
    let rules = rule_set(vec![]);
    let current = Cells::new()
        .with("6.1.num", Female, d("900"))
        .with("6.1.num", Male, d("100"));
    // Siblings entered parts only; their effective totals are compared with a total.
    let sibling = |f: &str, m: &str| Cells::new().with("6.1.num", Female, d(f)).with("6.1.num", Male, d(m));
    let siblings = [
        sibling("100", "100"),
        sibling("110", "95"),
        sibling("90", "105"),
        sibling("105", "100"),
        sibling("95", "98"),
    ];
    let found = rules.validate(&Subject {
        unit: &"03390".parse().unwrap(),
        period: period(),
        current: &current,
        previous: &Cells::new(),
        history: &[],
        siblings: &siblings,
    });
    let cells: Vec<_> = found
        .iter()
        .map(|f| (f.rule.as_str(), f.values[0].disaggregation))
        .collect();
    assert_eq!(
        cells,
        [("outlier.siblings", Female)],
        "only the female value stands out"
    );
    // Yes/no answers and stated rates are not checked for outliers.
    let flags: Vec<Cells> = (0..5).map(|_| Cells::new().with("5.1.value", Total, d("0"))).collect();
    let yes = Cells::new().with("5.1.value", Total, d("1"));
    let found = rules.validate(&Subject {
        unit: &"03390".parse().unwrap(),
        period: period(),
        current: &yes,
        previous: &Cells::new(),
        history: &flags,
        siblings: &flags,
    });
    assert_eq!(found, []);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_expr() -> impl Strategy<Value = Expr> {
        let leaf = prop_oneof![
            (0u32..100_000, 0u32..4).prop_map(|(m, s)| Expr::Number(Decimal::new(i64::from(m), s).normalize())),
            (
                prop::sample::select(vec!["6.1.num", "5.4a.den", "3.1.rate"]),
                prop::option::of(prop::sample::select(vec![Total, Male, Female])),
                any::<bool>()
            )
                .prop_map(|(e, disaggregation, previous)| Expr::Value(Reference {
                    element: e.parse().unwrap(),
                    disaggregation,
                    previous
                })),
        ];
        leaf.prop_recursive(6, 40, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Neg(Box::new(e))),
                (
                    prop::sample::select(vec![BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div]),
                    inner.clone(),
                    inner
                )
                    .prop_map(|(op, l, r)| Expr::Binary(op, Box::new(l), Box::new(r))),
            ]
        })
    }

    proptest! {
        #[test]
        fn canonical_text_parses_back_to_the_same_expression(e in any_expr()) {
            let text = e.to_string();
            prop_assert_eq!(Expr::parse(&text).unwrap(), e, "{}", text);
        }
    }
}
