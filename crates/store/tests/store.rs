//! The store's behaviour, run on SQLite and on PostgreSQL alike.

use binhdang_domain::{Disaggregation, Period, Target, TargetOp, UnitLevel};
use binhdang_store::seed::{UnitFiles, shipped, shipped_catalogue};
use binhdang_store::testing::TestDb;
use binhdang_store::{Actor, RawValue, StoreError, ValueInput, on_both_backends};
use rust_decimal::Decimal;
use std::str::FromStr;
use time::macros::date;

fn actor() -> Actor {
    Actor {
        name: "tester".into(),
        origin: "test".into(),
        entered_from: None,
    }
}

fn input(element: &str, disaggregation: &str, value: RawValue) -> ValueInput {
    ValueInput {
        element: element.into(),
        disaggregation: Some(disaggregation.into()),
        value,
        comment: None,
        source: None,
        expected: None,
    }
}

fn text(s: &str) -> RawValue {
    RawValue::Text(s.into())
}

on_both_backends! {
    async fn official_units_are_valid_by_date(backend: Backend) {
        let db = TestDb::new(backend).await;
        let report = db.store.load_units(&UnitFiles::shipped()).await.unwrap();
        assert_eq!(report.continuing_provinces, 11, "the reform left 11 provinces unmerged");
        assert_eq!(report.skipped_mapping_rows, 0);
        let counts = |d| {
            let store = db.store.clone();
            async move { store.unit_counts(d).await.unwrap() }
        };
        assert_eq!(
            counts(date!(2024 - 01 - 01)).await,
            vec![(UnitLevel::Country, 1), (UnitLevel::Province, 63), (UnitLevel::District, 696), (UnitLevel::Commune, 10_051)]
        );
        assert_eq!(counts(date!(2025 - 06 - 30)).await[1], (UnitLevel::Province, 63));
        assert_eq!(
            counts(date!(2025 - 07 - 01)).await,
            vec![(UnitLevel::Country, 1), (UnitLevel::Province, 34), (UnitLevel::District, 0), (UnitLevel::Commune, 3_321)]
        );
        let lai_chau = binhdang_domain::UnitCode::parse("12").unwrap();
        let after = db.store.units_valid_on(date!(2026 - 01 - 01), Some(UnitLevel::Commune), Some(&lai_chau)).await.unwrap();
        assert_eq!(after.len(), 38);
        let districts = db.store.units_valid_on(date!(2024 - 01 - 01), None, Some(&lai_chau)).await.unwrap();
        let names: Vec<_> = districts.iter().map(|u| u.full_name.as_str()).collect();
        assert!(names.contains(&"Thành phố Lai Châu") && names.contains(&"Huyện Phong Thổ"), "{names:?}");
        // A centrally governed city is named as documents name it, not by its kind's long form.
        assert_eq!(db.store.unit_on("01", date!(2026 - 01 - 01)).await.unwrap().full_name, "Thành phố Hà Nội");
        // A second load finds the units and adds nothing.
        assert!(db.store.load_units(&UnitFiles::shipped()).await.unwrap().already_loaded);
        assert_eq!(counts(date!(2026 - 01 - 01)).await[3], (UnitLevel::Commune, 3_321));
    }
}

on_both_backends! {
    async fn a_merged_province_keeps_its_code_but_is_a_new_unit(backend: Backend) {
        // Hà Giang (02) merged into Tuyên Quang (08), which kept code 08.
        let db = TestDb::with_provinces(backend, &["02"]).await;
        let new = db.store.unit_detail("08", date!(2026 - 01 - 01)).await.unwrap();
        assert_eq!(new.unit.valid_from, Some(date!(2025 - 07 - 01)));
        let mut preds: Vec<_> = new.predecessors.iter().map(|s| s.unit.full_name.clone()).collect();
        preds.sort();
        assert_eq!(preds, ["Tỉnh Hà Giang", "Tỉnh Tuyên Quang"]);
        assert!(new.children.iter().all(|c| c.level == UnitLevel::Commune));
        let old = db.store.unit_detail("08", date!(2024 - 01 - 01)).await.unwrap();
        assert_eq!(old.unit.valid_to, Some(date!(2025 - 06 - 30)));
        assert!(old.children.iter().all(|c| c.level == UnitLevel::District));
        assert_eq!(old.successors.len(), 1);
        assert_eq!(old.successors[0].unit.valid_from, Some(date!(2025 - 07 - 01)));
        // Every old commune of Hà Giang has a successor commune in the new province.
        let ha_giang = db.store.unit_detail("02", date!(2024 - 01 - 01)).await.unwrap();
        let district = &ha_giang.children[0];
        let commune = &db.store.unit_detail(&district.code, date!(2024 - 01 - 01)).await.unwrap().children[0];
        let detail = db.store.unit_detail(&commune.code, date!(2024 - 01 - 01)).await.unwrap();
        assert!(!detail.successors.is_empty(), "{} has no successor", commune.full_name);
        assert!(detail.successors.iter().all(|s| s.unit.parent_code.as_deref() == Some("08")));
    }
}

on_both_backends! {
    async fn values_read_back_exactly(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let (unit, period) = db.store.resolve_unit_period("12", "2024").await.unwrap();
        let batch = vec![
            input("6.1.num", "female", text("123456789012.000")),
            input("6.1.den", "female", RawValue::Number("987654321098".into())),
            input("3.1.num", "total", text("21.35")),
            input("3.1.den", "total", text("0.1")),
            ValueInput { comment: Some("  số liệu điều tra 2024 ".into()), ..input("5.1.value", "total", text("1")) },
        ];
        let summary = db.store.write_values(&unit, &period, &batch, &actor()).await.unwrap();
        assert_eq!((summary.written, summary.unchanged), (5, 0));
        let stored = db.store.values(&unit, &period).await.unwrap();
        let get = |e: &str, d: Disaggregation| stored.iter().find(|v| v.element == e && v.disaggregation == d).unwrap();
        assert_eq!(get("6.1.num", Disaggregation::Female).value.as_deref(), Some("123456789012"));
        assert_eq!(get("6.1.den", Disaggregation::Female).value.as_deref(), Some("987654321098"));
        assert_eq!(get("3.1.num", Disaggregation::Total).number(), Some(Decimal::from_str("21.35").unwrap()));
        assert_eq!(get("3.1.den", Disaggregation::Total).value.as_deref(), Some("0.1"));
        assert_eq!(get("5.1.value", Disaggregation::Total).comment.as_deref(), Some("số liệu điều tra 2024"));
        assert_eq!(get("5.1.value", Disaggregation::Total).updated_by, "tester");
        // Writing the same values again changes nothing and audits nothing more.
        let again = db.store.write_values(&unit, &period, &batch, &actor()).await.unwrap();
        assert_eq!((again.written, again.unchanged), (0, 5));
        assert_eq!(db.store.audit_count(&unit, &period).await.unwrap(), 5);
    }
}

on_both_backends! {
    async fn a_bad_batch_is_refused_whole_and_changes_nothing(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let (unit, period) = db.store.resolve_unit_period("12", "2024").await.unwrap();
        let good = vec![input("2.1.num", "total", text("100")), input("2.1.den", "total", text("400"))];
        db.store.write_values(&unit, &period, &good, &actor()).await.unwrap();
        let before = db.store.values(&unit, &period).await.unwrap();

        let bad = vec![
            input("2.1.num", "total", text("150")),
            input("9.9.num", "total", text("1")),
            input("2.1.den", "total", text("mười hai")),
            input("2.2.num", "total", text("-5")),
            input("2.2.den", "total", text("12.5")),
            input("6.1.num", "other", text("1")),
            input("2.3.num", "female", text("1")),
            input("5.1.value", "total", text("2")),
        ];
        let err = db.store.write_values(&unit, &period, &bad, &actor()).await.unwrap_err();
        let StoreError::Invalid(problems) = err else { panic!("expected a refusal, got {err:?}") };
        let found: Vec<(&str, &str)> = problems.iter().map(|p| (p.field.as_str(), p.code.as_str())).collect();
        assert_eq!(
            found,
            [
                ("values[1].element", "unknown_element"),
                ("values[2].value", "not_a_number"),
                ("values[3].value", "negative"),
                ("values[4].value", "not_whole"),
                ("values[5].disaggregation", "unknown_disaggregation"),
                ("values[6].disaggregation", "disaggregation_not_allowed"),
                ("values[7].value", "not_yes_no"),
            ]
        );
        assert!(problems.iter().all(|p| !p.message_vi.is_empty() && !p.message_en.is_empty()));
        assert!(problems[2].message_vi.contains("không được nhỏ hơn 0"), "{}", problems[2].message_vi);
        // The good first row was not written either.
        assert_eq!(db.store.values(&unit, &period).await.unwrap(), before);
        assert_eq!(db.store.audit_count(&unit, &period).await.unwrap(), 2);
    }
}

on_both_backends! {
    async fn a_value_changed_since_the_writer_read_it_is_refused_not_overwritten(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let (unit, period) = db.store.resolve_unit_period("12", "2024").await.unwrap();
        let expecting = |element: &str, value: &str, was: RawValue| ValueInput {
            expected: Some(was),
            ..input(element, "total", text(value))
        };
        db.store
            .write_values(&unit, &period, &[input("2.1.num", "total", text("100"))], &actor())
            .await
            .unwrap();
        // The officer loaded 100 (a number compares by value, whatever its form) and an empty
        // denominator: both still hold, so the save goes through.
        let first = [expecting("2.1.num", "120", text("100.0")), expecting("2.1.den", "400", RawValue::Null)];
        let summary = db.store.write_values(&unit, &period, &first, &actor()).await.unwrap();
        assert_eq!(summary.written, 2);
        // A copy queued offline still believes 100 and empty: both changed meanwhile, and the
        // refusal names each input; nothing is written, nothing audited.
        let audits = db.store.audit_count(&unit, &period).await.unwrap();
        let before = db.store.values(&unit, &period).await.unwrap();
        let stale = [
            expecting("2.1.num", "130", text("100")),
            expecting("2.1.den", "500", RawValue::Null),
            input("2.2.num", "total", text("7")),
        ];
        let err = db.store.write_values(&unit, &period, &stale, &actor()).await.unwrap_err();
        let StoreError::Changed(problems) = err else { panic!("expected a conflict, got {err:?}") };
        let found: Vec<(&str, &str)> = problems.iter().map(|p| (p.field.as_str(), p.code.as_str())).collect();
        assert_eq!(
            found,
            [("values[0].value", "changed_since_loaded"), ("values[1].value", "changed_since_loaded")]
        );
        assert!(problems[0].message_vi.contains("đổi thành 120") && problems[0].message_vi.contains("tester"), "{}", problems[0].message_vi);
        assert_eq!(db.store.values(&unit, &period).await.unwrap(), before);
        assert_eq!(db.store.audit_count(&unit, &period).await.unwrap(), audits);
        // An expected value that is not a number for a number element is a plain refusal.
        let bad = [expecting("2.1.num", "130", text("một trăm"))];
        let err = db.store.write_values(&unit, &period, &bad, &actor()).await.unwrap_err();
        let StoreError::Invalid(problems) = err else { panic!("expected a refusal, got {err:?}") };
        assert_eq!((problems[0].field.as_str(), problems[0].code.as_str()), ("values[0].expected", "not_a_number"));
    }
}

on_both_backends! {
    async fn every_change_is_audited_and_the_audit_is_append_only(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let (unit, period) = db.store.resolve_unit_period("12", "2025").await.unwrap();
        db.store.write_values(&unit, &period, &[input("4.2.num", "total", text("3"))], &actor()).await.unwrap();
        db.store.write_values(&unit, &period, &[input("4.2.num", "total", text("2"))], &actor()).await.unwrap();
        let deleted = db.store.write_values(&unit, &period, &[input("4.2.num", "total", RawValue::Null)], &actor()).await.unwrap();
        assert_eq!(deleted.deleted, 1);
        assert!(db.store.values(&unit, &period).await.unwrap().is_empty());
        let rows: Vec<(Option<String>, Option<String>, String)> = sqlx_rows(&db, unit.id).await;
        assert_eq!(
            rows,
            [
                (None, Some("3".into()), "tester".into()),
                (Some("3".into()), Some("2".into()), "tester".into()),
                (Some("2".into()), None, "tester".into()),
            ]
        );
        let update = sqlx::query("UPDATE data_value_audit SET new_value = '99'").execute(db.store.pool()).await;
        assert!(update.is_err(), "the audit log must refuse updates");
        let delete = sqlx::query("DELETE FROM data_value_audit").execute(db.store.pool()).await;
        assert!(delete.is_err(), "the audit log must refuse deletes");
        assert_eq!(sqlx_rows(&db, unit.id).await.len(), 3);
    }
}

async fn sqlx_rows(db: &TestDb, unit_id: i64) -> Vec<(Option<String>, Option<String>, String)> {
    use sqlx::Row;
    sqlx::query("SELECT old_value, new_value, changed_by FROM data_value_audit WHERE unit_id = $1 ORDER BY id")
        .bind(unit_id)
        .fetch_all(db.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("old_value"), r.get("new_value"), r.get("changed_by")))
        .collect()
}

on_both_backends! {
    async fn units_report_only_for_periods_they_existed_in(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        // Phong Thổ district ended with the reform; a 2026 period has no Phong Thổ.
        let err = db.store.resolve_unit_period("109", "2026H1").await.unwrap_err();
        let StoreError::Invalid(p) = err else { panic!() };
        assert_eq!(p[0].code, "unit_not_valid_in_period");
        assert!(db.store.resolve_unit_period("109", "2025H1").await.is_ok());
        // The annual 2025 report is made by the units that exist at the end of 2025.
        let err = db.store.resolve_unit_period("109", "2025").await.unwrap_err();
        let StoreError::Invalid(p) = err else { panic!() };
        assert_eq!(p[0].code, "unit_not_valid_in_period");
        assert!(p[0].message_vi.contains("31/12/2025"), "{}", p[0].message_vi);
        // The continuing province reports before and after.
        assert!(db.store.resolve_unit_period("12", "2021").await.is_ok());
        assert!(db.store.resolve_unit_period("12", "2026H1").await.is_ok());
        let err = db.store.resolve_unit_period("99", "2024").await.unwrap_err();
        let StoreError::Invalid(p) = err else { panic!() };
        assert_eq!(p[0].code, "unknown_unit");
        let err = db.store.resolve_unit_period("12", "2024H3").await.unwrap_err();
        let StoreError::Invalid(p) = err else { panic!() };
        assert_eq!((p[0].field.as_str(), p[0].code.as_str()), ("period", "bad_period"));
    }
}

on_both_backends! {
    async fn the_catalogue_holds_every_shipped_indicator_with_its_targets(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let indicators = db.store.indicators().await.unwrap();
        let mut reader = csv::Reader::from_reader(shipped::INDICATORS.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let mut rows = 0;
        for record in reader.records() {
            let record = record.unwrap();
            rows += 1;
            let code = &record[col("code")];
            let ind = indicators.iter().find(|i| i.code == code).unwrap_or_else(|| panic!("{code} missing"));
            for year in [2025, 2030] {
                let t = ind.national_target(year).unwrap_or_else(|| panic!("{code} lacks {year}"));
                assert_eq!(t.op.as_str(), &record[col(&format!("target_{year}_op"))], "{code} {year}");
                assert_eq!(t.value, Decimal::from_str(&record[col(&format!("target_{year}"))]).unwrap(), "{code} {year}");
            }
        }
        assert_eq!(indicators.len(), rows);
        assert_eq!(rows, 23);
        // A correction made in the database survives a second load of the shipped catalogue.
        sqlx::query("UPDATE indicators SET name_en = 'corrected' WHERE code = '1.1'").execute(db.store.pool()).await.unwrap();
        db.store.load_catalogue(&shipped_catalogue().unwrap()).await.unwrap();
        let again = db.store.indicator_detail("1.1").await.unwrap();
        assert_eq!(again.indicator.name_en, "corrected");
        assert_eq!(again.data_elements.len(), 3, "numerator, denominator and stated rate");
        // Local targets are per unit and phase.
        let phase: Period = "2021-2025".parse().unwrap();
        let target = Target { op: TargetOp::AtLeast, value: Decimal::from(20) };
        db.store.set_local_target("12", "2.3", &phase, target, &actor()).await.unwrap();
        let detail = db.store.indicator_detail("2.3").await.unwrap();
        assert_eq!(detail.local_targets.len(), 1);
        assert_eq!(detail.local_targets[0].target, target);
        assert_eq!(detail.local_targets[0].unit_name, "Tỉnh Lai Châu");
    }
}

on_both_backends! {
    async fn narrative_results_are_stored_as_text_never_as_numbers(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let mut catalogue = shipped_catalogue().unwrap();
        let mut narrative = catalogue.indicators[0].clone();
        narrative.code = "1.9".parse().unwrap();
        narrative.measure = binhdang_domain::MeasureKind::Narrative;
        narrative.national_targets.clear();
        catalogue.elements = narrative.data_elements(&[]);
        catalogue.indicators = vec![narrative];
        db.store.load_catalogue(&catalogue).await.unwrap();
        let (unit, period) = db.store.resolve_unit_period("12", "2024").await.unwrap();
        let sentence = "Đã lồng ghép nội dung bình đẳng giới vào 100% kế hoạch phát triển kinh tế - xã hội.";
        db.store.write_values(&unit, &period, &[input("1.9.value", "total", text(sentence))], &actor()).await.unwrap();
        let stored = db.store.values(&unit, &period).await.unwrap();
        assert_eq!(stored[0].text.as_deref(), Some(sentence));
        assert_eq!(stored[0].value, None);
        let err = db
            .store
            .write_values(&unit, &period, &[input("1.9.value", "total", RawValue::Number("63.6".into()))], &actor())
            .await
            .unwrap_err();
        let StoreError::Invalid(p) = err else { panic!() };
        assert_eq!(p[0].code, "number_for_text");
        assert_eq!(db.store.values(&unit, &period).await.unwrap(), stored);
    }
}

#[tokio::test]
async fn sqlite_files_run_in_wal_mode_with_foreign_keys() {
    use sqlx::Row;
    let db = TestDb::new(binhdang_store::Backend::Sqlite).await;
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(db.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query("PRAGMA foreign_keys")
        .fetch_one(db.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(fk, 1);
}

on_both_backends! {
    async fn a_catalogue_changed_by_another_process_is_read_again(backend: Backend) {
        // Each server keeps the catalogue in memory; a change made through another connection
        // (another server process, an administrator's SQL) must reach it before its next use.
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let name_of = |indicators: Vec<binhdang_domain::Indicator>| {
            indicators.into_iter().find(|i| i.code == "2.1").map(|i| i.name_en).unwrap()
        };
        let before = name_of(db.store.indicators().await.unwrap());
        let other = binhdang_store::Store::connect(&db.url).await.unwrap();
        sqlx::query("UPDATE indicators SET name_en = 'Renamed elsewhere' WHERE code = '2.1'")
            .execute(other.pool())
            .await
            .unwrap();
        assert_ne!(before, "Renamed elsewhere");
        assert_eq!(name_of(db.store.indicators().await.unwrap()), "Renamed elsewhere");

        // A data element added elsewhere can be saved at once: the write path checks inputs
        // against the catalogue it reads in its own transaction.
        let (unit, period) = db.store.resolve_unit_period("12", "2024").await.unwrap();
        let extra = vec![input("2.1.extra", "total", text("7"))];
        assert!(db.store.write_values(&unit, &period, &extra, &actor()).await.is_err());
        sqlx::query(
            "INSERT INTO data_elements (code, indicator_code, sort_order, role, name_vi, name_en, value_type, category_combo)
             VALUES ('2.1.extra', '2.1', 999, 'value', 'Thêm', 'Extra', 'count', 'none')",
        )
        .execute(other.pool())
        .await
        .unwrap();
        assert!(db.store.data_elements().await.unwrap().iter().any(|e| e.code == "2.1.extra"));
        let saved = db.store.write_values(&unit, &period, &extra, &actor()).await.unwrap();
        assert_eq!(saved.written, 1);
        other.close().await;
    }
}

fn codes(units: &[binhdang_store::UnitSummary]) -> Vec<&str> {
    units.iter().map(|u| u.code.as_str()).collect()
}

on_both_backends! {
    async fn units_are_found_by_name_typed_any_way_and_old_ones_say_where_they_went(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["02", "08", "12"]).await;
        let on = date!(2026 - 01 - 01);
        let country = db.store.unit_on("VN", on).await.unwrap();
        let search = |root: binhdang_store::UnitSummary, typed: &'static str, day| {
            let store = db.store.clone();
            async move { store.search_units(&root, typed, day, 20).await.unwrap() }
        };

        // Typed without diacritics: today's ward first, then the old one it replaced.
        let found = search(country.clone(), "doan ket", on).await;
        assert_eq!((found[0].unit.code.as_str(), found[0].unit.full_name.as_str()), ("03388", "Phường Đoàn Kết"));
        assert_eq!(found[0].within.as_deref(), Some("Tỉnh Lai Châu"));
        assert!(found[0].now.is_empty(), "a standing unit went nowhere");
        let old = found.iter().find(|m| m.unit.code == "03389").expect("the old ward is found too");
        assert_eq!(codes(&old.now), ["03388"], "the old ward went into the new one");

        // An abolished district: its area lies in its province now.
        let district = search(country.clone(), "Huyện TAM ĐƯỜNG", on).await;
        assert_eq!(district[0].unit.code, "106");
        assert_eq!(codes(&district[0].now), ["12"]);

        // A merged province went into the new one; its exact name ranks before wards named after it.
        let ha_giang = search(country.clone(), "ha giang", on).await;
        assert_eq!(ha_giang[0].unit.code, "02");
        assert_eq!(codes(&ha_giang[0].now), ["08"]);
        assert!(ha_giang.iter().any(|m| m.unit.full_name == "Phường Hà Giang 1" && m.now.is_empty()));

        // Before the reform the old ward stands and today's is not founded yet.
        let before = search(country.clone(), "doan ket", date!(2024 - 06 - 01)).await;
        assert!(before.iter().any(|m| m.unit.code == "03389" && m.now.is_empty()), "{before:?}");
        assert!(!before.iter().any(|m| m.unit.code == "03388"), "{before:?}");

        // A code, and the scope: nothing of Tuyên Quang under Lai Châu.
        assert_eq!(search(country.clone(), "03388", on).await[0].unit.full_name, "Phường Đoàn Kết");
        let lai_chau = db.store.unit_on("12", on).await.unwrap();
        assert!(search(lai_chau.clone(), "ha giang", on).await.is_empty());
        assert!(search(lai_chau, "   ", on).await.is_empty(), "nothing typed, nothing found");
    }
}
