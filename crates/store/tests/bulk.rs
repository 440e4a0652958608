//! The benchmark's synthetic generator and bulk loader, at a tiny scale: a bulk load followed
//! by `rebuild_aggregates` gives the same aggregates and national figures as the same values
//! written through `Store::write_values`.

use binhdang_domain::{Disaggregation, Period};
use binhdang_store::bulk::{BulkValue, Synthetic, reporting_periods};
use binhdang_store::testing::TestDb;
use binhdang_store::{Actor, RawValue, Store, StoreError, ValueInput, on_both_backends};
use rust_decimal::Decimal;
use sqlx::Row;
use std::collections::BTreeMap;
use time::macros::date;

/// Every aggregate cell, named by unit code and version rather than by row id.
async fn all_cells(store: &Store) -> Vec<(String, Option<String>, String, String, String, String, i64)> {
    sqlx::query(
        "SELECT u.code, u.valid_from, a.period, a.element_code, a.disaggregation, a.value, a.reporting
         FROM aggregates a JOIN units u ON u.id = a.unit_id
         ORDER BY u.code, u.valid_from, a.period, a.element_code, a.disaggregation",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.get("code"),
            r.get("valid_from"),
            r.get("period"),
            r.get("element_code"),
            r.get("disaggregation"),
            r.get("value"),
            r.get("reporting"),
        )
    })
    .collect()
}

#[test]
fn periods_follow_the_units_validity() {
    let old: Vec<String> = reporting_periods(None, Some(date!(2025 - 06 - 30)))
        .iter()
        .map(Period::to_string)
        .collect();
    assert_eq!(
        old,
        [
            "2021H1", "2021", "2022H1", "2022", "2023H1", "2023", "2024H1", "2024", "2025H1"
        ]
    );
    let new: Vec<String> = reporting_periods(Some(date!(2025 - 07 - 01)), None)
        .iter()
        .map(Period::to_string)
        .collect();
    assert_eq!(new.first().map(String::as_str), Some("2025"));
    assert_eq!(new.len(), 11);
}

on_both_backends! {
    async fn a_bulk_load_then_rebuild_equals_the_same_values_written_one_form_at_a_time(backend: Backend) {
        let bulk = TestDb::with_provinces(backend, &["12"]).await;
        let written = TestDb::with_provinces(backend, &["12"]).await;
        let elements = bulk.store.data_elements().await.unwrap();
        let synthetic = Synthetic::new(&elements, 7);
        // A few communes of each list, a few periods on each side of the reform.
        let keep = ["2024", "2025H1", "2025", "2026"];
        let units = bulk.store.synthetic_units(0.08).await.unwrap();
        assert!(units.iter().any(|u| u.post_reform) && units.iter().any(|u| !u.post_reform));
        let mut values = Vec::new();
        let mut forms = 0;
        for u in &units {
            for p in u.periods.iter().filter(|p| keep.contains(&p.to_string().as_str())) {
                synthetic.values(u.id, &u.code, p, u.post_reform, &mut values);
                forms += 1;
            }
        }
        assert_eq!(values.len(), forms * synthetic.values_per_form());
        // Numerators of shares never exceed their denominators; sex totals are the sum of the parts.
        let mut by_key: BTreeMap<(i64, String, String, Disaggregation), Decimal> = BTreeMap::new();
        for v in &values {
            by_key.insert((v.unit_id, v.period.to_string(), v.element.to_string(), v.disaggregation), v.value);
        }
        for ((unit, period, element, d), value) in &by_key {
            if let Some(indicator) = element.strip_suffix(".num")
                && ["6.1", "3.2a", "5.2b", "4.3", "2.1"].contains(&indicator)
            {
                let den = by_key[&(*unit, period.clone(), format!("{indicator}.den"), *d)];
                assert!(*value <= den, "{element} {d} {value} > {den}");
            }
            if *d == Disaggregation::Total && element.starts_with("6.1.") {
                let m = by_key[&(*unit, period.clone(), element.clone(), Disaggregation::Male)];
                let f = by_key[&(*unit, period.clone(), element.clone(), Disaggregation::Female)];
                assert_eq!(*value, m + f);
            }
        }

        let loader = bulk.store.bulk_loader("bench").await.unwrap();
        let (first, rest) = values.split_at(values.len() / 3);
        assert_eq!(loader.insert(first).await.unwrap() + loader.insert(rest).await.unwrap(), values.len());
        bulk.store.rebuild_aggregates().await.unwrap();

        let actor = Actor { name: "tester".into(), origin: "test".into(), entered_from: None };
        let mut forms_of: BTreeMap<(i64, String), Vec<&BulkValue>> = BTreeMap::new();
        for v in &values {
            forms_of.entry((v.unit_id, v.period.to_string())).or_default().push(v);
        }
        let codes: BTreeMap<i64, &str> = units.iter().map(|u| (u.id, u.code.as_str())).collect();
        for ((unit, period), form) in &forms_of {
            let (unit, period) = written.store.resolve_unit_period(codes[unit], period).await.unwrap();
            let inputs: Vec<ValueInput> = form
                .iter()
                .map(|v| ValueInput {
                    element: v.element.to_string(),
                    disaggregation: Some(v.disaggregation.as_str().into()),
                    value: RawValue::Text(v.value.to_string()),
                    comment: None,
                    source: None,
                    expected: None,
                })
                .collect();
            written.store.write_values(&unit, &period, &inputs, &actor).await.unwrap();
        }

        assert_eq!(all_cells(&bulk.store).await, all_cells(&written.store).await);
        for p in keep {
            let period: Period = p.parse().unwrap();
            let a = bulk.store.unit_on("VN", period.end()).await.unwrap();
            let b = written.store.unit_on("VN", period.end()).await.unwrap();
            let fa = bulk.store.figures(&a, &period, &[]).await.unwrap();
            let fb = written.store.figures(&b, &period, &[]).await.unwrap();
            assert_eq!(format!("{fa:?}"), format!("{fb:?}"), "{p}");
            let f61 = fa.iter().find(|f| f.indicator == "6.1").unwrap();
            let den: Decimal = values
                .iter()
                .filter(|v| v.period == period && v.element == "6.1.den" && v.disaggregation == Disaggregation::Total)
                .map(|v| v.value)
                .sum();
            assert_eq!(f61.denominator, Some(den), "{p}");
            assert!(f61.by_sex.is_some());
        }
        // No audit rows for a bulk load; one per value on the write path.
        let audit = |s: &Store| {
            let s = s.clone();
            async move {
                sqlx::query("SELECT COUNT(*) AS n FROM data_value_audit")
                    .fetch_one(s.pool())
                    .await
                    .unwrap()
                    .get::<i64, _>("n")
            }
        };
        assert_eq!(audit(&bulk.store).await, 0);
        assert_eq!(audit(&written.store).await, values.len() as i64);

        // A value for a unit outside its validity is refused, and nothing of the batch is written.
        let old = units.iter().find(|u| !u.post_reform).unwrap();
        let mut bad = Vec::new();
        synthetic.values(old.id, &old.code, &"2026".parse().unwrap(), false, &mut bad);
        match loader.insert(&bad).await {
            Err(StoreError::Invalid(problems)) => assert_eq!(problems[0].code, "unit_not_valid_in_period"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM data_values WHERE period = '2026' AND unit_id = $1")
            .bind(old.id)
            .fetch_one(bulk.store.pool())
            .await
            .unwrap()
            .get("n");
        assert_eq!(n, 0);
    }
}
