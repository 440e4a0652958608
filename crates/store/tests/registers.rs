//! Registers in the store, on SQLite and on PostgreSQL alike: rows round-trip, refused rows
//! leave nothing behind, summaries add up a unit's whole subtree (through the 2025 reform),
//! and the register audit is append-only.

use binhdang_domain::register::{
    Activity, Budget, BudgetSource, CommitteeMember, DirectiveDocument, GbvCase, Inspection, Lists, Register, Sex,
    Staff, Term,
};
use binhdang_domain::{Period, UnitCode, UnitLevel};
use binhdang_store::registers::{RegisterList, StoredRegister};
use binhdang_store::testing::TestDb;
use binhdang_store::{Actor, Store, StoreError, UnitSummary, on_both_backends};
use rust_decimal::Decimal;
use time::Date;
use time::macros::date;

fn actor() -> Actor {
    Actor {
        name: "tester".into(),
        origin: "test".into(),
        entered_from: None,
    }
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn activity(kind: &str, count: &str, male: Option<&str>, female: Option<&str>, total: Option<&str>) -> Activity {
    Activity {
        activity_type: kind.into(),
        content: Some("Tuyên truyền Luật Bình đẳng giới".into()),
        count: d(count),
        participants_male: male.map(d),
        participants_female: female.map(d),
        participants_total: total.map(d),
        level: Some(UnitLevel::Commune),
        date: None,
        notes: None,
    }
}

fn budget(source: BudgetSource, allocated: Option<&str>, spent: Option<&str>) -> Budget {
    Budget {
        source,
        content: Some("Kinh phí thực hiện công tác bình đẳng giới".into()),
        allocated: allocated.map(d),
        spent: spent.map(d),
        notes: None,
    }
}

fn gbv(kind: &str, victim: Option<Sex>, cases: &str, supported: Option<&str>) -> GbvCase {
    GbvCase {
        case_type: kind.into(),
        victim_sex: victim,
        perpetrator_sex: Some(Sex::Male),
        cases: d(cases),
        supported: supported.map(d),
    }
}

fn staff(ft_m: i64, ft_f: i64, pt_m: i64, pt_f: i64) -> Staff {
    Staff {
        agency: Some("Phòng Lao động - Thương binh và Xã hội".into()),
        full_time_male: ft_m.into(),
        full_time_female: ft_f.into(),
        part_time_male: pt_m.into(),
        part_time_female: pt_f.into(),
        notes: None,
    }
}

fn inspection(count: i64, found: i64, handled: i64) -> Inspection {
    Inspection {
        count: count.into(),
        subject: Some("Thực hiện Luật Bình đẳng giới".into()),
        findings: Some("Chưa bố trí kinh phí riêng".into()),
        violations_found: Some(found.into()),
        violations_handled: Some(handled.into()),
        date: Some(date!(2024 - 10 - 15)),
        notes: None,
    }
}

fn document() -> DirectiveDocument {
    DirectiveDocument {
        order: Some(d("18")),
        summary: "Về việc triển khai Tháng hành động vì bình đẳng giới năm 2021".into(),
        issuing_body: "BCH LĐLĐ thành phố".into(),
        document_type: "cong-van".into(),
        number: Some("437/LĐLĐ".into()),
        date: Some(date!(2021 - 11 - 10)),
        notes: Some("LĐLĐ thành phố".into()),
    }
}

fn member(name: &str, position: &str, sex: Sex) -> CommitteeMember {
    CommitteeMember {
        name: name.into(),
        position: position.into(),
        sex,
        agency: Some("UBND thành phố".into()),
        term: Some("2021-2026".parse().unwrap()),
        notes: None,
    }
}

async fn unit(store: &Store, code: &str, period: &str) -> (UnitSummary, Period) {
    store.resolve_unit_period(code, period).await.unwrap()
}

async fn add<T: StoredRegister>(store: &Store, code: &str, period: &str, record: T) -> i64 {
    let (u, p) = unit(store, code, period).await;
    store
        .create_register_row(&u, &p, record, &actor())
        .await
        .unwrap()
        .row
        .id
}

/// Units below `parent` valid on `date`, of a level.
async fn below(store: &Store, parent: &str, level: UnitLevel, on: Date) -> Vec<String> {
    let parent = UnitCode::parse(parent).unwrap();
    store
        .units_valid_on(on, Some(level), Some(&parent))
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.code.into())
        .collect()
}

/// Creates, reads back, updates, reads back and deletes one row of a register; the audit
/// holds the three changes with the row as JSON.
async fn round_trip<T: StoredRegister>(store: &Store, first: T, second: T) {
    let (u, p) = unit(store, "12", "2024").await;
    let saved = store
        .create_register_row(&u, &p, first.clone(), &actor())
        .await
        .unwrap();
    assert!(saved.changed && saved.warnings.is_empty(), "{:?}", saved.warnings);
    let mut expected = first;
    expected.normalise();
    let rows = store.register_rows::<T>(&u, &p).await.unwrap();
    assert_eq!(rows.len(), 1, "{}", T::KIND);
    assert_eq!(rows[0], saved.row, "{}", T::KIND);
    assert_eq!(rows[0].record, expected, "{}", T::KIND);
    assert_eq!((rows[0].unit.as_str(), rows[0].updated_by.as_str()), ("12", "tester"));
    let id = rows[0].id;

    let updated = store.update_register_row(id, second.clone(), &actor()).await.unwrap();
    assert!(updated.changed);
    let mut expected = second.clone();
    expected.normalise();
    assert_eq!(
        store.register_row::<T>(id).await.unwrap().record,
        expected,
        "{}",
        T::KIND
    );
    // The same record again changes nothing and is not audited.
    assert!(!store.update_register_row(id, second, &actor()).await.unwrap().changed);

    let deleted = store.delete_register_row::<T>(id, &actor()).await.unwrap();
    assert_eq!(deleted.record, expected);
    assert!(store.register_rows::<T>(&u, &p).await.unwrap().is_empty());
    assert!(matches!(
        store.register_row::<T>(id).await,
        Err(StoreError::NotFound { .. })
    ));

    let audit = store.register_audit(T::KIND, id).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["create", "update", "delete"], "{}", T::KIND);
    assert!(audit[0].old_json.is_none() && audit[2].new_json.is_none());
    assert_eq!(audit[1].old_json, audit[0].new_json);
    assert_eq!(audit[2].old_json, audit[1].new_json);
    assert!(
        audit
            .iter()
            .all(|a| a.changed_by == "tester" && a.origin == "test" && a.period == p.to_string())
    );
    let json: serde_json::Value = serde_json::from_str(audit[0].new_json.as_deref().unwrap()).unwrap();
    assert_eq!(json["id"], id);
    assert_eq!(json["unit"], "12");
}

on_both_backends! {
    async fn each_register_round_trips_and_every_change_is_audited(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let s = &db.store;
        round_trip(
            s,
            Activity { date: Some(date!(2024 - 03 - 08)), ..activity("tap-huan", "13", Some("300"), Some("480"), Some("780")) },
            // Only the parts: the stored total is their sum.
            activity("tap-huan", "13", Some("300"), Some("500"), None),
        )
        .await;
        round_trip(
            s,
            budget(BudgetSource::District, Some("30000000"), Some("30000000")),
            budget(BudgetSource::Socialised, Some("123456789012345678"), None),
        )
        .await;
        round_trip(s, document(), DirectiveDocument { document_type: "ke-hoach".into(), number: Some("28/NQ-CP".into()), ..document() }).await;
        round_trip(s, member("Nguyễn Thị Hoa", "Trưởng ban", Sex::Female), member("Lê Đăng Trường", "Phó Trưởng ban", Sex::Male)).await;
        round_trip(s, staff(0, 1, 3, 10), staff(1, 1, 3, 10)).await;
        round_trip(
            s,
            gbv("bao-luc-gia-dinh", Some(Sex::Female), "2", Some("2")),
            gbv("mua-ban-nguoi", None, "1", None),
        )
        .await;
        round_trip(s, inspection(2, 1, 1), Inspection { findings: None, ..inspection(3, 2, 1) }).await;
        assert_eq!(s.register_audit_count().await.unwrap(), 21);
    }
}

on_both_backends! {
    async fn refused_writes_change_nothing_and_leave_no_audit_row(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let s = &db.store;
        let (u, p) = unit(s, "12", "2024").await;

        // Nam + nữ > tổng.
        let err = s
            .create_register_row(&u, &p, activity("hoi-nghi", "1", Some("300"), Some("500"), Some("700")), &actor())
            .await
            .unwrap_err();
        let StoreError::Invalid(problems) = err else { panic!("expected a refusal, got {err:?}") };
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].field.as_str(), problems[0].code.as_str()), ("participants_total", "parts_exceed_total"));
        assert_eq!(
            problems[0].message_vi,
            "Số người tham gia nam (300) + nữ (500) = 800, lớn hơn tổng số người tham gia (700)"
        );

        // Negative money; every problem of the row at once.
        let err = s
            .create_register_row(&u, &p, budget(BudgetSource::Province, Some("-5000000"), Some("100.5")), &actor())
            .await
            .unwrap_err();
        let StoreError::Invalid(problems) = err else { panic!() };
        let found: Vec<(&str, &str)> = problems.iter().map(|p| (p.field.as_str(), p.code.as_str())).collect();
        assert_eq!(found, [("allocated", "negative"), ("spent", "not_whole")]);
        assert_eq!(problems[0].message_vi, "Kinh phí được cấp: -5.000.000 là số âm; số tiền không được nhỏ hơn 0");

        // A budget for a quarter, an activity dated outside its period, an unknown type.
        let h1: Period = "2024H1".parse().unwrap();
        let q1: Period = "2024Q1".parse().unwrap();
        let err = s.create_register_row(&u, &q1, budget(BudgetSource::Province, Some("1"), None), &actor()).await.unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(p) if p[0].code == "period_not_budget_period"), "{err:?}");
        let late = Activity { date: Some(date!(2024 - 07 - 01)), ..activity("hoi-nghi", "1", None, None, Some("50")) };
        let err = s.create_register_row(&u, &h1, late, &actor()).await.unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(p) if p[0].code == "date_outside_period"), "{err:?}");
        let err = s.create_register_row(&u, &p, gbv("trom-cap", None, "1", None), &actor()).await.unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(p) if p[0].code == "not_in_list"), "{err:?}");

        assert!(s.register_rows::<Activity>(&u, &p).await.unwrap().is_empty());
        assert!(s.register_rows::<Budget>(&u, &p).await.unwrap().is_empty());
        assert!(s.register_rows::<GbvCase>(&u, &p).await.unwrap().is_empty());
        assert_eq!(s.register_audit_count().await.unwrap(), 0);

        // A refused update leaves the row as it was.
        let saved = s.create_register_row(&u, &p, inspection(2, 2, 1), &actor()).await.unwrap();
        let err = s.update_register_row(saved.row.id, inspection(2, 1, 2), &actor()).await.unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(p) if p[0].code == "handled_exceeds_found"), "{err:?}");
        assert_eq!(s.register_row::<Inspection>(saved.row.id).await.unwrap(), saved.row);
        assert_eq!(s.register_audit_count().await.unwrap(), 1);
        assert!(matches!(
            s.update_register_row(999_999, inspection(1, 0, 0), &actor()).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(s.delete_register_row::<Inspection>(999_999, &actor()).await, Err(StoreError::NotFound { .. })));
        assert_eq!(s.register_audit_count().await.unwrap(), 1);
    }
}

on_both_backends! {
    async fn spending_more_than_allocated_is_stored_with_a_warning(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let (u, p) = unit(&db.store, "12", "2024").await;
        let saved = db
            .store
            .create_register_row(&u, &p, budget(BudgetSource::Province, Some("30000000"), Some("35000000")), &actor())
            .await
            .unwrap();
        assert_eq!(saved.warnings.len(), 1);
        assert_eq!(saved.warnings[0].code, "spent_exceeds_allocated");
        assert_eq!(saved.row.year, Some(2024));
        assert_eq!(db.store.register_rows::<Budget>(&u, &p).await.unwrap().len(), 1);
    }
}

on_both_backends! {
    async fn the_lists_are_data_an_administrator_can_extend(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let s = &db.store;
        assert_eq!(s.register_lists().await.unwrap(), Lists::seeded(), "migration 0004 seeds the domain's lists");
        let (u, p) = unit(s, "12", "2024").await;
        let gathering = activity("hop-mat", "1", None, Some("40"), None);
        assert!(matches!(s.create_register_row(&u, &p, gathering.clone(), &actor()).await, Err(StoreError::Invalid(_))));
        let term = Term { code: "hop-mat".into(), name_vi: "Họp mặt".into(), name_en: "Gathering".into() };
        s.put_register_term(RegisterList::ActivityTypes, &term).await.unwrap();
        assert_eq!(s.register_lists().await.unwrap().activity_types.last(), Some(&term));
        s.create_register_row(&u, &p, gathering, &actor()).await.unwrap();
        let bad = Term { code: "Họp mặt".into(), name_vi: String::new(), name_en: String::new() };
        let err = s.put_register_term(RegisterList::DocumentTypes, &bad).await.unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(p) if p.len() == 2), "{err:?}");
        let summary = s.register_summary::<Activity>(&u, &p).await.unwrap();
        assert_eq!(summary.summary.by_type[0].name_vi, "Họp mặt");
    }
}

on_both_backends! {
    async fn a_province_summary_is_the_sum_of_its_communes_and_districts(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let s = &db.store;
        let before = date!(2024 - 06 - 30);
        let districts = below(s, "12", UnitLevel::District, before).await;
        assert_eq!(districts.len(), 8);
        assert!(districts.contains(&"109".to_string()), "Phong Thổ is 109");
        let phong_tho = below(s, "109", UnitLevel::Commune, before).await;
        let other = districts.iter().find(|c| *c != "109").unwrap().clone();
        let other_communes = below(s, &other, UnitLevel::Commune, before).await;
        let (c1, c2, c3) = (phong_tho[0].clone(), phong_tho[1].clone(), other_communes[0].clone());

        // Activities: two communes of Phong Thổ, the district itself, a commune elsewhere,
        // the province; a row of another year that must not count, and one of the first half
        // that counts in the year too (once).
        add(s, &c1, "2024", activity("tap-huan", "2", Some("30"), Some("45"), None)).await;
        add(s, &c1, "2024", activity("tin-bai", "12", None, None, None)).await;
        add(s, &c2, "2024", activity("tap-huan", "1", Some("10"), Some("20"), Some("35"))).await;
        add(s, "109", "2024", activity("hoi-nghi", "1", Some("40"), Some("60"), Some("100"))).await;
        add(s, &c3, "2024", activity("mit-tinh", "1", None, None, Some("250"))).await;
        add(s, "12", "2024", activity("hoi-nghi", "2", Some("100"), Some("150"), Some("250"))).await;
        add(s, &c1, "2023", activity("tap-huan", "5", Some("1"), Some("1"), None)).await;
        add(s, &c1, "2024H1", activity("tap-huan", "7", Some("1"), Some("1"), None)).await;

        let (province, y2024) = unit(s, "12", "2024").await;
        let sum = s.register_summary::<Activity>(&province, &y2024).await.unwrap();
        assert_eq!((sum.rows, sum.units_reporting), (7, 5));
        let t = &sum.summary.total;
        assert_eq!((t.rows, t.count, t.participants_male, t.participants_female, t.participants_total), (7, d("26"), d("181"), d("276"), d("712")));
        let by: Vec<(&str, i64, Decimal, Decimal)> = sum
            .summary
            .by_type
            .iter()
            .map(|b| (b.activity_type.as_str(), b.totals.rows, b.totals.count, b.totals.participants_total))
            .collect();
        assert_eq!(
            by,
            [
                ("hoi-nghi", 2, d("3"), d("350")),
                ("tap-huan", 3, d("10"), d("112")),
                ("mit-tinh", 1, d("1"), d("250")),
                ("tin-bai", 1, d("12"), d("0")),
            ]
        );
        // The district sums its own rows and its communes', nothing else.
        let (district, _) = unit(s, "109", "2024").await;
        let sum = s.register_summary::<Activity>(&district, &y2024).await.unwrap();
        assert_eq!((sum.rows, sum.units_reporting, sum.summary.total.participants_total), (5, 3, d("212")));
        // A commune's half-year is its own summary.
        let h1: Period = "2024H1".parse().unwrap();
        let sum = s.register_summary::<Activity>(&province, &h1).await.unwrap();
        assert_eq!((sum.rows, sum.summary.total.count), (1, d("7")));

        // Budgets by year and source, exact to the đồng.
        add(s, &c1, "2021", budget(BudgetSource::Commune, Some("5000000"), Some("4999999.0"))).await;
        add(s, &c2, "2022", budget(BudgetSource::Commune, Some("5000000"), None)).await;
        add(s, "109", "2022", budget(BudgetSource::District, Some("30000000"), Some("30000000"))).await;
        add(s, &c3, "2022", budget(BudgetSource::Socialised, None, Some("1500000"))).await;
        add(s, "12", "2022", budget(BudgetSource::Province, Some("999999999999999999"), Some("1"))).await;
        let phase: Period = "2021-2024".parse().unwrap();
        let sum = s.register_summary::<Budget>(&province, &phase).await.unwrap();
        assert_eq!((sum.rows, sum.units_reporting), (5, 5));
        let years: Vec<(i32, Decimal, Decimal)> =
            sum.summary.by_year.iter().map(|y| (y.year, y.totals.allocated, y.totals.spent)).collect();
        assert_eq!(
            years,
            [(2021, d("5000000"), d("4999999")), (2022, d("1000000000034999999"), d("31500001"))]
        );
        let y2022: Vec<(BudgetSource, Decimal, Decimal)> = sum.summary.by_year[1]
            .by_source
            .iter()
            .map(|b| (b.source, b.totals.allocated, b.totals.spent))
            .collect();
        assert_eq!(
            y2022,
            [
                (BudgetSource::Province, d("999999999999999999"), d("1")),
                (BudgetSource::District, d("30000000"), d("30000000")),
                (BudgetSource::Commune, d("5000000"), d("0")),
                (BudgetSource::Socialised, d("0"), d("1500000")),
            ]
        );
        assert_eq!(
            (sum.summary.total.allocated, sum.summary.total.spent),
            (d("1000000000039999999"), d("36500000"))
        );
        let one_year = s.register_summary::<Budget>(&province, &y2024).await.unwrap();
        assert_eq!(one_year.rows, 0);
        // Budgets are kept by year, half-year or Action Month, not by quarter.
        assert_eq!(s.register_summary::<Budget>(&province, &h1).await.unwrap().rows, 0);
        let q1: Period = "2024Q1".parse().unwrap();
        assert!(matches!(s.register_summary::<Budget>(&province, &q1).await, Err(StoreError::Invalid(_))));

        // GBV cases by type and sex, staff by sex, documents by type, committee members,
        // inspections.
        add(s, &c1, "2024", gbv("bao-luc-gia-dinh", Some(Sex::Female), "2", Some("2"))).await;
        add(s, &c3, "2024", gbv("bao-luc-gia-dinh", Some(Sex::Male), "1", Some("1"))).await;
        add(s, "109", "2024", gbv("bao-luc-tinh-duc", Some(Sex::Female), "1", None)).await;
        let sum = s.register_summary::<GbvCase>(&province, &y2024).await.unwrap();
        let g = &sum.summary;
        assert_eq!((g.total.cases, g.total.supported, g.total.by_victim_sex.female, g.total.by_victim_sex.male), (d("4"), d("3"), d("3"), d("1")));
        assert_eq!(g.by_type.iter().map(|t| (t.case_type.as_str(), t.totals.cases)).collect::<Vec<_>>(), [("bao-luc-gia-dinh", d("3")), ("bao-luc-tinh-duc", d("1"))]);

        add(s, &c1, "2024", staff(0, 0, 1, 0)).await;
        add(s, &c2, "2024", staff(0, 0, 0, 1)).await;
        add(s, "109", "2024", staff(1, 0, 0, 2)).await;
        add(s, "12", "2024", staff(1, 2, 3, 4)).await;
        let st = s.register_summary::<Staff>(&province, &y2024).await.unwrap().summary;
        assert_eq!((st.full_time.male, st.full_time.female, st.part_time.male, st.part_time.female, st.total.total), (d("2"), d("2"), d("4"), d("7"), d("15")));

        let in_2024 = |kind: &str| DirectiveDocument { document_type: kind.into(), date: Some(date!(2024 - 03 - 05)), ..document() };
        add(s, "109", "2024", in_2024("cong-van")).await;
        add(s, "12", "2024", in_2024("ke-hoach")).await;
        add(s, &c2, "2024", in_2024("ke-hoach")).await;
        let docs = s.register_summary::<DirectiveDocument>(&province, &y2024).await.unwrap().summary;
        assert_eq!(docs.documents, 3);
        assert_eq!(docs.by_type.iter().map(|t| (t.document_type.as_str(), t.documents)).collect::<Vec<_>>(), [("ke-hoach", 2), ("cong-van", 1)]);
        // Counted by their date: a directive filed under 2024 and dated in the Action Month
        // counts there; one dated 2021 counts in 2021 and the phase, not in 2024.
        add(s, "12", "2024", DirectiveDocument { document_type: "chi-thi".into(), date: Some(date!(2024 - 11 - 20)), ..document() }).await;
        add(s, "12", "2024", document()).await;
        let count = |p: &'static str| {
            let province = &province;
            async move { s.register_summary::<DirectiveDocument>(province, &p.parse().unwrap()).await.unwrap().summary.documents }
        };
        assert_eq!((count("2024").await, count("2024AM").await, count("2021").await, count("2021-2025").await), (4, 1, 1, 5));

        add(s, "12", "2024", member("A", "Trưởng ban", Sex::Male)).await;
        add(s, "12", "2024", member("B", "Thành viên", Sex::Female)).await;
        add(s, "109", "2024", member("C", "Thành viên", Sex::Female)).await;
        let cm = s.register_summary::<CommitteeMember>(&province, &y2024).await.unwrap();
        assert_eq!((cm.units_reporting, cm.summary.members.male, cm.summary.members.female, cm.summary.members.total), (2, d("1"), d("2"), d("3")));

        add(s, &c1, "2024", inspection(1, 2, 1)).await;
        add(s, "12", "2024", inspection(3, 1, 1)).await;
        let ins = s.register_summary::<Inspection>(&province, &y2024).await.unwrap().summary;
        assert_eq!((ins.rows, ins.inspections, ins.violations_found, ins.violations_handled), (2, d("4"), d("3"), d("2")));
    }
}

on_both_backends! {
    async fn a_merged_province_sums_the_rows_of_the_old_units_it_inherited(backend: Backend) {
        // Hà Giang (02) merged into Tuyên Quang (08) on 1 July 2025.
        let db = TestDb::with_provinces(backend, &["02"]).await;
        let s = &db.store;
        let before = date!(2024 - 06 - 30);
        let ha_giang_districts = below(s, "02", UnitLevel::District, before).await;
        let hg1 = below(s, &ha_giang_districts[0], UnitLevel::Commune, before).await[0].clone();
        let hg2 = below(s, &ha_giang_districts[1], UnitLevel::Commune, before).await[0].clone();
        let tq_districts = below(s, "08", UnitLevel::District, before).await;
        let tq1 = below(s, &tq_districts[0], UnitLevel::Commune, before).await[0].clone();

        add(s, &hg1, "2024", activity("tap-huan", "1", Some("20"), Some("30"), None)).await;
        add(s, &hg2, "2024", activity("tap-huan", "2", Some("5"), Some("15"), Some("25"))).await;
        add(s, "02", "2024", activity("mit-tinh", "1", None, None, Some("100"))).await;
        add(s, &tq1, "2024", activity("tap-huan", "1", Some("1"), Some("2"), None)).await;
        add(s, "08", "2024", activity("hoi-nghi", "1", Some("40"), Some("60"), None)).await;
        add(s, &hg1, "2024", budget(BudgetSource::Commune, Some("5000000"), Some("5000000"))).await;
        add(s, &tq1, "2024", budget(BudgetSource::Commune, Some("7000000"), None)).await;
        add(s, &hg2, "2024", gbv("bao-luc-gia-dinh", Some(Sex::Female), "3", Some("3"))).await;

        let y2024: Period = "2024".parse().unwrap();
        // The new province 08 (from 1 July 2025) inherits old Hà Giang and old Tuyên Quang.
        let new = s.unit_on("08", date!(2026 - 01 - 01)).await.unwrap();
        assert_eq!(new.valid_from, Some(date!(2025 - 07 - 01)));
        let sum = s.register_summary::<Activity>(&new, &y2024).await.unwrap();
        assert_eq!((sum.rows, sum.units_reporting), (5, 5));
        let t = &sum.summary.total;
        assert_eq!((t.count, t.participants_male, t.participants_female, t.participants_total), (d("6"), d("66"), d("107"), d("278")));
        let budgets = s.register_summary::<Budget>(&new, &y2024).await.unwrap().summary;
        assert_eq!((budgets.total.allocated, budgets.total.spent), (d("12000000"), d("5000000")));
        let cases = s.register_summary::<GbvCase>(&new, &y2024).await.unwrap().summary;
        assert_eq!(cases.total.cases, d("3"));

        // The 2024 province 08 (the old Tuyên Quang) holds only its own subtree…
        let (old_tq, _) = unit(s, "08", "2024").await;
        assert_eq!(old_tq.valid_to, Some(date!(2025 - 06 - 30)));
        let sum = s.register_summary::<Activity>(&old_tq, &y2024).await.unwrap();
        assert_eq!((sum.rows, sum.summary.total.participants_total), (2, d("103")));
        // …and old Hà Giang its own.
        let (old_hg, _) = unit(s, "02", "2024").await;
        let sum = s.register_summary::<Activity>(&old_hg, &y2024).await.unwrap();
        assert_eq!((sum.rows, sum.summary.total.participants_total), (3, d("175")));
    }
}

on_both_backends! {
    async fn the_register_audit_refuses_updates_and_deletes(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let id = add(&db.store, "12", "2024", staff(1, 1, 0, 0)).await;
        let update = sqlx::query("UPDATE register_audit SET changed_by = 'someone else'").execute(db.store.pool()).await;
        assert!(update.is_err(), "the register audit must refuse updates");
        let delete = sqlx::query("DELETE FROM register_audit").execute(db.store.pool()).await;
        assert!(delete.is_err(), "the register audit must refuse deletes");
        let audit = db.store.register_audit(Staff::KIND, id).await.unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].changed_by, "tester");
    }
}
