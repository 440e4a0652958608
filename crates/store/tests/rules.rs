//! Validation rules in the store: the samples' errors caught from entered values, configured
//! rules taking effect at once, refusals, outliers and subtree validation — on SQLite and on
//! PostgreSQL alike.

use binhdang_domain::Disaggregation::{self, Total};
use binhdang_domain::Period;
use binhdang_domain::rules::{Finding, FindingKind, FindingValue, RuleDraft, Severity};
use binhdang_store::testing::TestDb;
use binhdang_store::{Actor, RawValue, StoreError, ValueInput, on_both_backends};
use rust_decimal::Decimal;
use std::str::FromStr;

fn actor() -> Actor {
    Actor {
        name: "tester".into(),
        origin: "test".into(),
        entered_from: None,
    }
}

/// Writes `(element, disaggregation, value)` for a unit and period.
async fn write(db: &TestDb, unit: &str, period: &str, values: &[(&str, &str, &str)]) {
    write_commented(db, unit, period, values, None).await;
}

async fn write_commented(db: &TestDb, unit: &str, period: &str, values: &[(&str, &str, &str)], comment: Option<&str>) {
    let (unit, period) = db.store.resolve_unit_period(unit, period).await.unwrap();
    let inputs: Vec<ValueInput> = values
        .iter()
        .map(|(e, d, v)| ValueInput {
            element: e.to_string(),
            disaggregation: Some(d.to_string()),
            value: RawValue::Text(v.to_string()),
            comment: comment.map(str::to_string),
            source: None,
            expected: None,
        })
        .collect();
    db.store.write_values(&unit, &period, &inputs, &actor()).await.unwrap();
}

async fn validate(db: &TestDb, unit: &str, period: &str) -> Vec<Finding> {
    let (unit, period) = db.store.resolve_unit_period(unit, period).await.unwrap();
    db.store.validate(&unit, &period).await.unwrap()
}

async fn validate_subtree(db: &TestDb, unit: &str, period: &str) -> Vec<Finding> {
    let (unit, period) = db.store.resolve_unit_period(unit, period).await.unwrap();
    db.store.validate_subtree(&unit, &period).await.unwrap()
}

/// (rule, unit, expected, found) of each finding.
fn summary(findings: &[Finding]) -> Vec<(String, String, String, String)> {
    findings
        .iter()
        .map(|f| (f.rule.clone(), f.unit.to_string(), f.expected.clone(), f.found.clone()))
        .collect()
}

fn row(rule: &str, unit: &str, expected: &str, found: &str) -> (String, String, String, String) {
    (rule.into(), unit.into(), expected.into(), found.into())
}

fn value(element: &str, disaggregation: Disaggregation, v: &str) -> FindingValue {
    FindingValue {
        element: element.parse().unwrap(),
        disaggregation,
        period: None,
        value: Decimal::from_str(v).unwrap(),
    }
}

fn period(p: &str) -> Period {
    p.parse().unwrap()
}

on_both_backends! {
    async fn the_samples_errors_are_caught_from_entered_values(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        // "12/18 thạc sĩ, đạt 66,66%" and "THCS ... đạt trên 100%", entered in one commune.
        write(&db, "03386", "2024", &[
            ("5.4a.num", "total", "12"),
            ("5.4a.den", "total", "18"),
            ("5.4a.rate", "total", "66.66"),
            ("5.2b.num", "male", "51"),
            ("5.2b.num", "female", "50"),
            ("5.2b.den", "male", "50"),
            ("5.2b.den", "female", "50"),
            ("5.2b.rate", "total", "101"),
        ]).await;
        let found = validate(&db, "03386", "2024").await;
        assert_eq!(
            summary(&found),
            [
                row("builtin.num_le_den.5.2b", "03386", "<= 100", "101"),
                row("builtin.num_le_den.5.2b.male", "03386", "<= 50", "51"),
                row("builtin.rate_range.5.2b", "03386", "<= 100", "101"),
                row("builtin.rate_matches.5.4a", "03386", "66.67", "66.66"),
            ]
        );
        assert_eq!(
            found[3],
            Finding {
                rule: "builtin.rate_matches.5.4a".into(),
                kind: FindingKind::Builtin,
                severity: Severity::Error,
                unit: "03386".parse().unwrap(),
                period: period("2024"),
                values: vec![value("5.4a.rate", Total, "66.66"), value("5.4a.num", Total, "12"), value("5.4a.den", Total, "18")],
                expected: "66.67".into(),
                found: "66.66".into(),
                message_vi: "Chỉ tiêu 5.4a: tỷ lệ báo cáo (66,66) không khớp với tử số/mẫu số: 12/18 × 100 = 66,67".into(),
                message_en: "Indicator 5.4a: the stated rate (66.66) does not match numerator/denominator: 12/18 × 100 = 66.67".into(),
                needs_explanation: false,
                explained: false,
            }
        );
        assert_eq!(found[0].message_vi, "Chỉ tiêu 5.2b: Tử số (101) không được lớn hơn mẫu số (100)");
        assert!(found.iter().all(|f| f.severity == Severity::Error && f.kind == FindingKind::Builtin));

        // Corrected figures leave nothing to report.
        write(&db, "03386", "2024", &[
            ("5.4a.rate", "total", "66.67"),
            ("5.2b.num", "male", "49"),
            ("5.2b.rate", "total", "99"),
        ]).await;
        assert_eq!(validate(&db, "03386", "2024").await, []);
        // 7/11 stated as 63,6% is right at its precision.
        write(&db, "03387", "2024", &[("5.4a.num", "total", "7"), ("5.4a.den", "total", "11"), ("5.4a.rate", "total", "63.6")]).await;
        assert_eq!(validate(&db, "03387", "2024").await, []);
        // Parts that do not add up to an entered total.
        write(&db, "03387", "2024", &[("6.1.num", "male", "1190"), ("6.1.num", "female", "1260"), ("6.1.num", "total", "2405")]).await;
        assert_eq!(summary(&validate(&db, "03387", "2024").await), [row("builtin.parts_total.6.1.num", "03387", "= 2405", "2450")]);
    }
}

fn rule_draft() -> RuleDraft {
    RuleDraft {
        code: "giam-qua-nua".into(),
        name_vi: "Số người được tiếp cận không giảm quá một nửa so với kỳ trước".into(),
        name_en: "People reached do not fall by more than half from the previous period".into(),
        left: "#{6.1.num}".into(),
        operator: ">=".into(),
        right: "prev(#{6.1.num}) * 0.5".into(),
        severity: "warning".into(),
        message_vi: "Số người được tiếp cận ({left}) giảm quá một nửa so với kỳ trước (ngưỡng {right})".into(),
        message_en: "People reached ({left}) fell by more than half from the previous period (threshold {right})"
            .into(),
        enabled: true,
    }
}

on_both_backends! {
    async fn a_configured_rule_takes_effect_on_the_next_validation(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        write(&db, "03386", "2023", &[("6.1.num", "total", "1000")]).await;
        write(&db, "03386", "2024", &[("6.1.num", "total", "400")]).await;
        assert_eq!(validate(&db, "03386", "2024").await, [], "no rule yet");

        let rule = db.store.add_rule(&rule_draft()).await.unwrap();
        assert_eq!(rule.right.to_string(), "prev(#{6.1.num}) * 0.5");
        let found = validate(&db, "03386", "2024").await;
        assert_eq!(
            found,
            [Finding {
                rule: "giam-qua-nua".into(),
                kind: FindingKind::Configured,
                severity: Severity::Warning,
                unit: "03386".parse().unwrap(),
                period: period("2024"),
                values: vec![
                    value("6.1.num", Total, "400"),
                    FindingValue { period: Some(period("2023")), ..value("6.1.num", Total, "1000") },
                ],
                expected: ">= 500".into(),
                found: "400".into(),
                message_vi: "Số người được tiếp cận (400) giảm quá một nửa so với kỳ trước (ngưỡng 500)".into(),
                message_en: "People reached (400) fell by more than half from the previous period (threshold 500)".into(),
                needs_explanation: true,
                explained: false,
            }]
        );
        // A comment on the value explains the warning.
        write_commented(&db, "03386", "2024", &[("6.1.num", "total", "400")], Some("Dân số giảm do chia tách thôn")).await;
        assert!(validate(&db, "03386", "2024").await[0].explained);

        // Switched off, it is listed but no longer run; switched on, it runs again.
        let off = db.store.set_rule_enabled("giam-qua-nua", false).await.unwrap();
        assert!(!off.enabled);
        assert_eq!(validate(&db, "03386", "2024").await, []);
        let listed = db.store.rules().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].code.as_str(), listed[0].enabled), ("giam-qua-nua", false));
        db.store.set_rule_enabled("giam-qua-nua", true).await.unwrap();
        assert_eq!(validate(&db, "03386", "2024").await.len(), 1);
        assert_eq!(db.store.rules().await.unwrap()[0], rule);

        let err = db.store.set_rule_enabled("khong-co", false).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound { what: "rule", .. }), "{err:?}");
        let err = db.store.set_rule_enabled("builtin.num_le_den.5.4a", false).await.unwrap_err();
        let StoreError::Invalid(p) = err else { panic!("{err:?}") };
        assert_eq!(p[0].code, "builtin_rule");
        // The built-in rules are listed from the catalogue.
        let builtin = db.store.builtin_rules().await.unwrap();
        assert!(builtin.iter().any(|r| r.code() == "builtin.rate_matches.5.4a"));
    }
}

on_both_backends! {
    async fn an_invalid_rule_is_refused_with_every_problem_and_nothing_is_stored(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let bad = RuleDraft {
            left: "#{6.1.num.female} / #{9.9.den}".into(),
            operator: "=>".into(),
            right: "prev(#{6.1.num}) * 0,5".into(),
            severity: "critical".into(),
            ..rule_draft()
        };
        let err = db.store.add_rule(&bad).await.unwrap_err();
        let StoreError::Invalid(problems) = err else { panic!("{err:?}") };
        let found: Vec<(&str, &str)> = problems.iter().map(|p| (p.field.as_str(), p.code.as_str())).collect();
        assert_eq!(
            found,
            [("left", "unknown_element"), ("right", "parse_error"), ("operator", "bad_operator"), ("severity", "bad_severity")]
        );
        assert_eq!(problems[0].message_vi, "Vị trí 21: không có chỉ tiêu dữ liệu `9.9.den` trong danh mục");
        assert_eq!(
            problems[1].message_en,
            "at position 20: `0,5`: expressions use `.` as the decimal separator (write 0.5)"
        );
        assert!(problems[2].message_vi.contains("không phải phép so sánh"), "{}", problems[2].message_vi);
        assert!(db.store.rules().await.unwrap().is_empty(), "nothing may be stored");

        // A breakdown the element does not have.
        let err = db.store.add_rule(&RuleDraft { left: "#{5.4a.num.male}".into(), ..rule_draft() }).await.unwrap_err();
        let StoreError::Invalid(p) = err else { panic!() };
        assert_eq!((p[0].field.as_str(), p[0].code.as_str()), ("left", "disaggregation_not_allowed"));
        // A code in use.
        db.store.add_rule(&rule_draft()).await.unwrap();
        let err = db.store.add_rule(&RuleDraft { severity: "error".into(), ..rule_draft() }).await.unwrap_err();
        let StoreError::Invalid(p) = err else { panic!() };
        assert_eq!(p[0].code, "duplicate_code");
        assert_eq!(p[0].message_vi, "Đã có quy tắc mã `giam-qua-nua`");
        let stored = db.store.rules().await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].severity, Severity::Warning, "the first rule is kept as it was");
    }
}

on_both_backends! {
    async fn a_value_far_from_the_units_history_is_a_warning_to_explain(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        // Thị trấn Tam Đường: four years of a steady denominator, then a slip of the finger.
        for (year, v) in [("2020", "100"), ("2021", "104"), ("2022", "98"), ("2023", "102")] {
            write(&db, "03390", year, &[("5.4a.den", "total", v)]).await;
        }
        write(&db, "03390", "2024", &[("5.4a.den", "total", "500")]).await;
        let found = validate(&db, "03390", "2024").await;
        assert_eq!(summary(&found), [row("outlier.history", "03390", ">= 90.62 and <= 111.38", "500")]);
        let f = &found[0];
        assert_eq!((f.kind, f.severity, f.needs_explanation, f.explained), (FindingKind::Outlier, Severity::Warning, true, false));
        assert_eq!(f.values, [value("5.4a.den", Total, "500")]);
        assert_eq!(
            f.message_vi,
            "Tổng số người có trình độ thạc sĩ (5.4a.den, tổng): 500 khác xa số liệu các kỳ trước của đơn vị \
             (trung vị 101 của 4 kỳ); đề nghị kiểm tra lại hoặc ghi giải trình"
        );
        // Explained by a comment, it is still reported, as explained.
        write_commented(&db, "03390", "2024", &[("5.4a.den", "total", "500")], Some("Thêm trường mới")).await;
        assert!(validate(&db, "03390", "2024").await[0].explained);
        // A usual value, or a history of only three periods, raises nothing.
        write(&db, "03390", "2024", &[("5.4a.den", "total", "103")]).await;
        assert_eq!(validate(&db, "03390", "2024").await, []);
        write(&db, "03390", "2023", &[("5.4a.den", "total", "500")]).await;
        assert_eq!(
            validate(&db, "03390", "2023").await,
            [],
            "2023 has three earlier years only"
        );
        // Half-years have their own history: the yearly figures do not count.
        write(&db, "03390", "2024H2", &[("5.4a.den", "total", "500")]).await;
        assert_eq!(validate(&db, "03390", "2024H2").await, []);
    }
}

/// Tam Đường district (106): six communes report the population for 2024, one of them
/// nine times the others.
async fn plant_sibling_outlier(db: &TestDb) {
    for (commune, v) in [
        ("03390", "90"),
        ("03405", "110"),
        ("03406", "95"),
        ("03413", "105"),
        ("03415", "100"),
        ("03412", "900"),
    ] {
        write(db, commune, "2024", &[("6.1.den", "total", v)]).await;
    }
}

on_both_backends! {
    async fn a_value_far_from_its_siblings_is_a_warning_to_explain(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        plant_sibling_outlier(&db).await;
        let found = validate(&db, "03412", "2024").await;
        assert_eq!(summary(&found), [row("outlier.siblings", "03412", ">= 74.05 and <= 125.95", "900")]);
        assert_eq!(
            found[0].message_vi,
            "Tổng dân số (6.1.den, tổng): 900 khác xa số liệu của các đơn vị cùng cấp (trung vị 100 của 5 đơn vị); \
             đề nghị kiểm tra lại hoặc ghi giải trình"
        );
        assert_eq!(found[0].values, [value("6.1.den", Total, "900")]);
        // The siblings themselves are fine: the median shrugs off the one large value.
        for commune in ["03390", "03405", "03406", "03413", "03415"] {
            assert_eq!(validate(&db, commune, "2024").await, [], "{commune}");
        }
    }
}

on_both_backends! {
    async fn too_few_siblings_are_no_reference(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        for (commune, v) in [("03390", "90"), ("03405", "110"), ("03406", "95"), ("03413", "105"), ("03412", "900")] {
            write(&db, commune, "2024", &[("6.1.den", "total", v)]).await;
        }
        assert_eq!(validate(&db, "03412", "2024").await, [], "four siblings are not enough");
        // Communes of another district are not siblings.
        write(&db, "03386", "2024", &[("6.1.den", "total", "100")]).await;
        assert_eq!(validate(&db, "03412", "2024").await, []);
        write(&db, "03415", "2024", &[("6.1.den", "total", "100")]).await;
        assert_eq!(validate(&db, "03412", "2024").await.len(), 1);
    }
}

on_both_backends! {
    async fn subtree_validation_reports_the_findings_of_every_commune(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        plant_sibling_outlier(&db).await;
        write(&db, "03394", "2024", &[("5.4a.num", "total", "12"), ("5.4a.den", "total", "18"), ("5.4a.rate", "total", "66.66")]).await;
        write(&db, "03400", "2024", &[("5.4a.num", "total", "20"), ("5.4a.den", "total", "10")]).await;
        // Outside the district: Phường Quyết Thắng of Lai Châu city.
        write(&db, "03386", "2024", &[("5.4a.num", "total", "3"), ("5.4a.den", "total", "2")]).await;

        let district = validate_subtree(&db, "106", "2024").await;
        assert_eq!(
            summary(&district),
            [
                row("builtin.rate_matches.5.4a", "03394", "66.67", "66.66"),
                row("builtin.num_le_den.5.4a", "03400", "<= 10", "20"),
                row("outlier.siblings", "03412", ">= 74.05 and <= 125.95", "900"),
            ]
        );
        let province = validate_subtree(&db, "12", "2024").await;
        assert_eq!(
            summary(&province),
            [
                row("builtin.num_le_den.5.4a", "03386", "<= 2", "3"),
                row("builtin.rate_matches.5.4a", "03394", "66.67", "66.66"),
                row("builtin.num_le_den.5.4a", "03400", "<= 10", "20"),
                row("outlier.siblings", "03412", ">= 74.05 and <= 125.95", "900"),
            ]
        );
        assert_eq!(province[1..], district[..]);
        // One commune's subtree is the commune.
        assert_eq!(validate_subtree(&db, "03400", "2024").await, validate(&db, "03400", "2024").await);
        // After the reform the province's subtree is its new communes, which have no data yet.
        assert_eq!(validate_subtree(&db, "12", "2026").await, []);
    }
}
