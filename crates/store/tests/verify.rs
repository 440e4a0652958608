//! `Store::verify` on SQLite and PostgreSQL: the live sums recomputed from the values and
//! the audit trail replayed, after normal writes, after tampering, and after repair.

use binhdang_domain::workflow::Transition;
use binhdang_domain::{Disaggregation, Period, UnitCode, UnitLevel};
use binhdang_store::bulk::BulkValue;
use binhdang_store::testing::TestDb;
use binhdang_store::{
    Actor, AuditBreak, AuditProblem, CellMismatch, CellProblem, RawValue, Store, TransitionRequest, UnitSummary,
    ValueInput, on_both_backends,
};
use rust_decimal::Decimal;
use time::macros::date;

fn actor() -> Actor {
    Actor {
        name: "tester".into(),
        origin: "test".into(),
        entered_from: None,
    }
}

fn put(element: &str, disaggregation: &str, value: Option<&str>) -> ValueInput {
    ValueInput {
        element: element.into(),
        disaggregation: Some(disaggregation.into()),
        value: value.map_or(RawValue::Null, |v| RawValue::Text(v.into())),
        comment: None,
        source: None,
        expected: None,
    }
}

/// The communes of Lai Châu before the reform (through their districts) and after it.
async fn communes(store: &Store) -> (Vec<UnitSummary>, Vec<UnitSummary>) {
    let province = UnitCode::parse("12").unwrap();
    let on = date!(2024 - 06 - 30);
    let mut before = Vec::new();
    for d in store
        .units_valid_on(on, Some(UnitLevel::District), Some(&province))
        .await
        .unwrap()
    {
        let district = UnitCode::parse(&d.code).unwrap();
        before.extend(
            store
                .units_valid_on(on, Some(UnitLevel::Commune), Some(&district))
                .await
                .unwrap(),
        );
    }
    let after = store
        .units_valid_on(date!(2026 - 01 - 01), Some(UnitLevel::Commune), Some(&province))
        .await
        .unwrap();
    (before, after)
}

async fn exec(store: &Store, sql: &str) -> u64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(store.pool())
        .await
        .unwrap()
        .rows_affected()
}

/// Values written the normal way: parts by sex, overwrites, a deletion, a stated rate (not
/// summed), before and after the reform, and one report approved. Returns the commune whose
/// 2024 report is approved and one that is still open.
async fn fill(store: &Store) -> (UnitSummary, UnitSummary) {
    let (before, after) = communes(store).await;
    let y2024: Period = "2024".parse().unwrap();
    let y2025: Period = "2025".parse().unwrap();
    for (i, c) in before.iter().take(4).enumerate() {
        let n = (10 + i).to_string();
        store
            .write_values(
                c,
                &y2024,
                &[
                    put("6.1.num", "male", Some(&n)),
                    put("6.1.den", "male", Some("40")),
                    put("6.1.num", "female", Some("7")),
                    put("6.1.den", "female", Some("30")),
                    put("2.3.rate", "total", Some("12.5")),
                ],
                &actor(),
            )
            .await
            .unwrap();
    }
    // An overwrite and a deletion.
    store
        .write_values(&before[1], &y2024, &[put("6.1.num", "female", Some("9"))], &actor())
        .await
        .unwrap();
    store
        .write_values(
            &before[2],
            &y2024,
            &[put("6.1.num", "female", None), put("6.1.den", "female", None)],
            &actor(),
        )
        .await
        .unwrap();
    for c in after.iter().take(2) {
        store
            .write_values(
                c,
                &y2025,
                &[put("6.1.num", "total", Some("3")), put("6.1.den", "total", Some("8"))],
                &actor(),
            )
            .await
            .unwrap();
    }
    // The first commune's 2024 report is approved: its values join the approved sums.
    let programme = store.programme_for(&y2024).await.unwrap().unwrap();
    for transition in [Transition::Submit, Transition::Approve] {
        store
            .transition(
                &before[0],
                &programme,
                &y2024,
                TransitionRequest {
                    transition,
                    reason: None,
                },
                &actor(),
            )
            .await
            .unwrap();
    }
    (before[0].clone(), before[3].clone())
}

on_both_backends! {
    async fn after_normal_writes_everything_agrees(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        fill(store).await;
        let report = store.verify(50).await.unwrap();
        assert!(report.is_clean(), "{report:#?}");
        assert_eq!((report.mismatch_count(), report.audit_breaks, report.unaudited), (0, 0, 0));
        // 4 + 4 - 2 values in 2024 (rates included), 2 × 2 in 2025.
        assert_eq!(report.values_checked, 4 * 5 - 2 + 4);
        // Every key ever written has a chain, the deleted ones too.
        assert_eq!(report.audit_chains_checked, 4 * 5 + 4);
        assert_eq!(report.audit_rows_checked, 4 * 5 + 1 + 2 + 4);
        assert_eq!((report.aggregates.periods, report.approved_aggregates.periods), (2, 1));
        // Summed elements only (no rate cells): cells of the communes, their districts, the
        // old and new province and the country for 2024 (the old commune's cells reach the new
        // province through the succession), and of the new communes up for 2025.
        assert!(report.aggregates.cells_checked > 20, "{report:#?}");
        // Approved: one commune, 4 parts + 2 sex totals, at each of its ancestors.
        assert_eq!(report.approved_aggregates.cells_checked % 6, 0, "{report:#?}");
        assert!(report.approved_aggregates.cells_checked >= 6 * 4, "{report:#?}");
    }
}

on_both_backends! {
    async fn a_tampered_aggregate_cell_is_named_with_expected_and_found_and_repair_mends_it(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        fill(store).await;
        let province = store.unit_on("12", date!(2024 - 06 - 30)).await.unwrap();
        let y2024: Period = "2024".parse().unwrap();
        let before = store.aggregate_cells(province.id, "2024").await.unwrap()[&("6.1.num".to_string(), Disaggregation::Male)];
        assert_eq!((before.sum, before.reporting), (Decimal::from(10 + 11 + 12 + 13), 4));
        let changed = exec(
            store,
            &format!(
                "UPDATE aggregates SET value = '1046' WHERE unit_id = {} AND period = '2024'
                 AND element_code = '6.1.num' AND disaggregation = 'male'",
                province.id
            ),
        )
        .await;
        assert_eq!(changed, 1);
        let report = store.verify(50).await.unwrap();
        assert!(!report.is_clean());
        assert_eq!(report.audit_breaks, 0);
        assert_eq!(
            report.mismatches,
            vec![CellMismatch {
                table: "aggregates",
                unit_id: province.id,
                unit: "12".into(),
                period: y2024.to_string(),
                element: "6.1.num".into(),
                disaggregation: "male".into(),
                problem: CellProblem::Sum,
                expected_value: Some("46".into()),
                expected_reporting: Some(4),
                found_value: Some("1046".into()),
                found_reporting: Some(4),
            }]
        );
        assert_eq!((report.aggregates.mismatches, report.aggregates.different), (1, 1));
        assert_eq!(report.approved_aggregates.mismatches, 0);

        store.rebuild_aggregates().await.unwrap();
        let report = store.verify(50).await.unwrap();
        assert!(report.is_clean(), "{report:#?}");
    }
}

on_both_backends! {
    async fn missing_extra_and_miscounted_cells_of_both_tables_are_found_and_rebuilt(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let (approved, _) = fill(store).await;
        let province = store.unit_on("12", date!(2024 - 06 - 30)).await.unwrap();
        let country = store.unit_on("VN", date!(2024 - 06 - 30)).await.unwrap();
        let cell = |table: &str, unit: i64, element: &str, d: &str| {
            format!("{table} WHERE unit_id = {unit} AND period = '2024' AND element_code = '{element}' AND disaggregation = '{d}'")
        };
        assert_eq!(exec(store, &format!("DELETE FROM {}", cell("aggregates", country.id, "6.1.den", "total"))).await, 1);
        assert_eq!(exec(store, &format!("UPDATE {}", cell("aggregates", province.id, "6.1.den", "male")).replace(" WHERE", " SET reporting = 3 WHERE")).await, 1);
        exec(
            store,
            &format!(
                "INSERT INTO aggregates (unit_id, period, element_code, disaggregation, value, reporting)
                 VALUES ({}, '2024', '2.3.rate', 'total', '50', 4)",
                province.id
            ),
        )
        .await;
        // A cell of a unit that does not exist.
        exec(
            store,
            "INSERT INTO aggregates (unit_id, period, element_code, disaggregation, value, reporting)
             VALUES (987654321, '2031', '6.1.num', 'total', '1', 1)",
        )
        .await;
        assert_eq!(
            exec(store, &format!("UPDATE {}", cell("approved_aggregates", approved.id, "6.1.num", "total")).replace(" WHERE", " SET value = '0' WHERE")).await,
            1
        );
        let report = store.verify(50).await.unwrap();
        // Within a table and period, findings come in the order of unit ids.
        let mut found: Vec<(&str, &str, &str, &str, &str, CellProblem)> = report
            .mismatches
            .iter()
            .map(|m| (m.table, m.period.as_str(), m.unit.as_str(), m.element.as_str(), m.disaggregation.as_str(), m.problem))
            .collect();
        assert_eq!(found[4], ("approved_aggregates", "2024", approved.code.as_str(), "6.1.num", "total", CellProblem::Sum), "{report:#?}");
        found.sort_by_key(|f| (f.0, f.1, f.2, f.3, f.4));
        assert_eq!(
            found,
            vec![
                ("aggregates", "2024", "12", "2.3.rate", "total", CellProblem::Extra),
                ("aggregates", "2024", "12", "6.1.den", "male", CellProblem::Reporting),
                ("aggregates", "2024", "VN", "6.1.den", "total", CellProblem::Missing),
                ("aggregates", "2031", "#987654321", "6.1.num", "total", CellProblem::Extra),
                ("approved_aggregates", "2024", approved.code.as_str(), "6.1.num", "total", CellProblem::Sum),
            ],
            "{report:#?}"
        );
        // 160 (4 × 40 men) + 90 (3 × 30 women: one commune's were deleted), from 4 communes.
        let missing = report.mismatches.iter().find(|m| m.problem == CellProblem::Missing).unwrap();
        assert_eq!((missing.expected_value.as_deref(), missing.expected_reporting), (Some("250"), Some(4)));
        assert_eq!((missing.found_value.as_deref(), missing.found_reporting), (None, None));
        let miscounted = report.mismatches.iter().find(|m| m.problem == CellProblem::Reporting).unwrap();
        assert_eq!((miscounted.expected_reporting, miscounted.found_reporting), (Some(4), Some(3)));
        // The approved commune's own 10 men and 7 women.
        assert_eq!(report.mismatches[4].expected_value.as_deref(), Some("17"));
        assert_eq!(report.mismatches[4].found_value.as_deref(), Some("0"));
        assert_eq!(report.approved_aggregates.mismatches, 1);
        assert_eq!((report.aggregates.missing, report.aggregates.extra, report.aggregates.different), (1, 2, 1));

        // The list is cut at the limit; the counts are not.
        let short = store.verify(2).await.unwrap();
        assert_eq!((short.mismatches.len(), short.mismatch_count()), (2, 5));

        store.rebuild_aggregates().await.unwrap();
        store.rebuild_approved_aggregates().await.unwrap();
        let report = store.verify(50).await.unwrap();
        assert!(report.is_clean(), "{report:#?}");
    }
}

on_both_backends! {
    async fn a_value_changed_behind_the_audit_trail_breaks_its_chain(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let (_, open) = fill(store).await;
        let y2024: Period = "2024".parse().unwrap();
        let value = |element: &str, d: &str| {
            format!(
                "data_values SET number_value = '77' WHERE unit_id = {} AND period = '2024' AND element_code = '{element}' AND disaggregation = '{d}'",
                open.id
            )
        };
        assert_eq!(exec(store, &format!("UPDATE {}", value("6.1.den", "male"))).await, 1);
        let report = store.verify(50).await.unwrap();
        assert!(!report.is_clean());
        let last_audit: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT MAX(id) FROM data_value_audit WHERE unit_id = {} AND element_code = '6.1.den' AND disaggregation = 'male'",
            open.id
        )))
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(
            report.breaks,
            vec![AuditBreak {
                unit_id: open.id,
                unit: open.code.to_string(),
                period: "2024".into(),
                element: "6.1.den".into(),
                disaggregation: "male".into(),
                problem: AuditProblem::Current,
                audit_id: last_audit,
                expected: Some("40".into()),
                found: Some("77".into()),
            }]
        );
        // The sums were not told either: the cells of every ancestor differ from the value.
        assert!(report.mismatch_count() > 0);
        assert!(report.mismatches.iter().all(|m| m.element == "6.1.den" && m.disaggregation != "female"));

        // Tampered, then changed through the application: the next audit row starts from a
        // value the trail never recorded.
        assert_eq!(exec(store, &format!("UPDATE {}", value("6.1.num", "female"))).await, 1);
        store.write_values(&open, &y2024, &[put("6.1.num", "female", Some("8"))], &actor()).await.unwrap();
        // Repair mends the sums, never the trail.
        store.rebuild_aggregates().await.unwrap();
        let report = store.verify(50).await.unwrap();
        assert_eq!(report.mismatch_count(), 0, "{report:#?}");
        let breaks: Vec<_> = report
            .breaks
            .iter()
            .map(|b| (b.element.as_str(), b.disaggregation.as_str(), b.problem, b.expected.as_deref(), b.found.as_deref()))
            .collect();
        assert_eq!(
            breaks,
            vec![
                ("6.1.den", "male", AuditProblem::Current, Some("40"), Some("77")),
                ("6.1.num", "female", AuditProblem::Chain, Some("7"), Some("77")),
            ]
        );
        assert_eq!(report.audit_breaks, 2);

        // A value deleted behind the trail's back.
        exec(store, &format!("DELETE FROM data_values WHERE unit_id = {} AND element_code = '2.3.rate'", open.id)).await;
        let report = store.verify(50).await.unwrap();
        assert_eq!(report.audit_breaks, 3);
        let gone = report.breaks.iter().find(|b| b.element == "2.3.rate").unwrap();
        assert_eq!((gone.expected.as_deref(), gone.found.as_deref()), (Some("12.5"), None));
    }
}

on_both_backends! {
    async fn bulk_loaded_values_are_unaudited_not_broken(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let (before, _) = communes(store).await;
        let y2023: Period = "2023".parse().unwrap();
        let loader = store.bulk_loader("bulk").await.unwrap();
        let values: Vec<BulkValue> = before
            .iter()
            .take(3)
            .flat_map(|c| {
                [("6.1.num", 5), ("6.1.den", 9)].map(|(element, v)| BulkValue {
                    unit_id: c.id,
                    period: y2023,
                    element: element.parse().unwrap(),
                    disaggregation: Disaggregation::Male,
                    value: Decimal::from(v),
                })
            })
            .collect();
        loader.insert(&values).await.unwrap();
        // Before the rebuild the sums are missing; after it, all agrees.
        let report = store.verify(50).await.unwrap();
        assert!(report.aggregates.missing > 0 && report.aggregates.extra == 0, "{report:#?}");
        store.rebuild_aggregates().await.unwrap();
        let report = store.verify(50).await.unwrap();
        assert!(report.is_clean(), "{report:#?}");
        assert_eq!((report.unaudited, report.audit_chains_checked, report.values_checked), (6, 0, 6));
        assert!(report.unaudited_values.iter().all(|u| u.first_audit_id.is_none() && u.value.is_some()));

        // A bulk-loaded value changed through the application: its chain starts from the
        // unaudited value, which is still unaudited, not a break.
        store.write_values(&before[0], &y2023, &[put("6.1.num", "male", Some("6"))], &actor()).await.unwrap();
        let report = store.verify(50).await.unwrap();
        assert!(report.is_clean(), "{report:#?}");
        assert_eq!((report.unaudited, report.audit_chains_checked), (6, 1));
        let started = report.unaudited_values.iter().find(|u| u.first_audit_id.is_some()).unwrap();
        assert_eq!((started.unit.as_str(), started.value.as_deref()), (before[0].code.as_str(), Some("5")));
    }
}
