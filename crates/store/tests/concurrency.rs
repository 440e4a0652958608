//! Deadline day in miniature, on SQLite and PostgreSQL: many writers save the same cells of
//! one commune (and cells of its neighbours, which share the province's sums) at once, some
//! reports are submitted and approved meanwhile, and afterwards every sum still equals the
//! sum of the stored values and every audit row's old value is the value it replaced
//! (`Store::verify` is the referee).

use binhdang_domain::workflow::Transition;
use binhdang_domain::{Period, UnitLevel};
use binhdang_store::testing::TestDb;
use binhdang_store::{
    Actor, RawValue, Store, StoreError, TransitionRequest, UnitSummary, ValueInput, on_both_backends,
};
use std::sync::Arc;

const WRITERS: usize = 8;
const SAVES_PER_WRITER: usize = 25;

fn value(element: &str, disaggregation: &str, value: u64) -> ValueInput {
    ValueInput {
        element: element.into(),
        disaggregation: Some(disaggregation.into()),
        value: RawValue::Text(value.to_string()),
        comment: None,
        source: None,
        expected: None,
    }
}

/// A whole 6.1 form (numerators never above denominators) that differs from save to save.
fn form(seed: u64) -> Vec<ValueInput> {
    let (male, female) = (100 + seed % 37, 200 + seed % 53);
    vec![
        value("6.1.num", "male", male - seed % 11),
        value("6.1.den", "male", male),
        value("6.1.num", "female", female - seed % 13),
        value("6.1.den", "female", female),
    ]
}

/// Saves `form(seed)`, sending it again when the server says it is busy (as a client
/// honouring Retry-After would); any other failure ends the test.
async fn save(store: &Store, unit: &UnitSummary, period: &Period, seed: u64, writer: usize) -> bool {
    let actor = Actor {
        name: format!("writer-{writer}"),
        origin: "test".into(),
        entered_from: None,
    };
    for _ in 0..20 {
        match store.write_values(unit, period, &form(seed), &actor).await {
            Ok(_) => return true,
            Err(StoreError::Busy(_)) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            Err(StoreError::Invalid(_)) => return false, // the report was submitted meanwhile
            Err(e) => panic!("save by writer {writer} failed: {e}"),
        }
    }
    panic!("writer {writer} stayed busy for 20 tries")
}

on_both_backends! {
    async fn concurrent_saves_of_one_commune_keep_every_sum_and_the_audit_chain_exact(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = Arc::new(db.store.clone());
        let period: Period = "2026H1".parse().unwrap();
        let province = store.unit_for_period("12", &period).await.unwrap().unwrap();
        let communes: Vec<UnitSummary> = store
            .units_valid_on(period.end(), Some(UnitLevel::Commune), Some(&binhdang_domain::UnitCode::parse("12").unwrap()))
            .await
            .unwrap();
        assert!(communes.len() >= 4, "Lai Châu has communes after the reform");
        // Half of the writers hit one busy commune, the others three neighbours.
        let busy = communes[0].clone();
        let mut tasks = Vec::new();
        for writer in 0..WRITERS {
            let store = store.clone();
            let unit = if writer % 2 == 0 { busy.clone() } else { communes[1 + writer % 3].clone() };
            tasks.push(tokio::spawn(async move {
                let mut saved = 0;
                for i in 0..SAVES_PER_WRITER {
                    if save(&store, &unit, &period, (writer * 1000 + i) as u64, writer).await {
                        saved += 1;
                    }
                }
                saved
            }));
        }
        // Meanwhile a neighbour's report is submitted, approved, reopened and approved again:
        // the "approved only" sums move with it.
        let neighbour = communes[1].clone();
        let reviewer = Actor { name: "reviewer".into(), origin: "test".into(), entered_from: None };
        let programme = store.programme_for(&period).await.unwrap().unwrap();
        let step = |t: Transition, reason: Option<&'static str>| {
            let (store, neighbour, programme, reviewer) = (store.clone(), neighbour.clone(), programme.clone(), reviewer.clone());
            async move {
                for _ in 0..40 {
                    match store
                        .transition(&neighbour, &programme, &period, TransitionRequest { transition: t, reason }, &reviewer)
                        .await
                    {
                        Ok(_) => return,
                        Err(StoreError::Busy(_)) | Err(StoreError::Invalid(_)) => {
                            tokio::time::sleep(std::time::Duration::from_millis(40)).await
                        }
                        Err(e) => panic!("{t:?}: {e}"),
                    }
                }
                panic!("{t:?} never went through");
            }
        };
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        step(Transition::Submit, None).await;
        step(Transition::Approve, None).await;
        step(Transition::Reopen, Some("số liệu cần sửa")).await;
        step(Transition::Submit, None).await;
        step(Transition::Approve, None).await;
        let mut saved = 0;
        for t in tasks {
            saved += t.await.unwrap();
        }
        assert!(saved >= WRITERS * SAVES_PER_WRITER / 2, "only {saved} saves went through");

        // The referee: every cell recomputed from the stored values, every audit chain replayed.
        let report = store.verify(20).await.unwrap();
        assert_eq!(report.aggregates.mismatches, 0, "live sums drifted: {:?}", report.mismatches);
        assert_eq!(report.approved_aggregates.mismatches, 0, "approved sums drifted: {:?}", report.mismatches);
        assert_eq!(report.audit_breaks, 0, "audit chain broken: {:?}", report.breaks);
        assert!(report.audit_rows_checked >= saved as u64, "every save left audit rows");

        // And by hand for the province: its 6.1 denominators are its communes' stored ones.
        let cells = store.aggregate_cells(province.id, "2026H1").await.unwrap();
        let mut expected = rust_decimal::Decimal::ZERO;
        for c in &communes {
            for v in store.values(c, &period).await.unwrap() {
                if v.element == "6.1.den" {
                    expected += v.number().unwrap();
                }
            }
        }
        let found: rust_decimal::Decimal = cells
            .iter()
            .filter(|((e, d), _)| e == "6.1.den" && d.as_str() != "total")
            .map(|(_, c)| c.sum)
            .sum();
        assert_eq!(found, expected, "the province's 6.1 denominators (male + female)");
    }
}
