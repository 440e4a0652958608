//! Roll-up through the hierarchy and through the 2025 reform, on SQLite and PostgreSQL.

use binhdang_domain::{Disaggregation, Period, UnitLevel};
use binhdang_store::testing::TestDb;
use binhdang_store::{Actor, RawValue, Store, UnitSummary, ValueInput, on_both_backends};
use rust_decimal::Decimal;
use std::collections::HashMap;
use time::macros::date;

fn actor() -> Actor {
    Actor {
        name: "tester".into(),
        origin: "test".into(),
        entered_from: None,
    }
}

fn put(element: &str, disaggregation: &str, value: Option<i64>) -> ValueInput {
    ValueInput {
        element: element.into(),
        disaggregation: Some(disaggregation.into()),
        value: value.map_or(RawValue::Null, |v| RawValue::Text(v.to_string())),
        comment: None,
        source: None,
        expected: None,
    }
}

/// xorshift64*: a seeded generator, so every failing case can be replayed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

async fn communes_of(store: &Store, code: &str, on: time::Date) -> Vec<UnitSummary> {
    let parent = binhdang_domain::UnitCode::parse(code).unwrap();
    store
        .units_valid_on(on, Some(UnitLevel::Commune), Some(&parent))
        .await
        .unwrap()
}

on_both_backends! {
    async fn province_ratios_are_summed_parts_over_random_trees_never_mean_of_children(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let districts = store.units_valid_on(date!(2024 - 06 - 30), Some(UnitLevel::District), Some(&binhdang_domain::UnitCode::parse("12").unwrap())).await.unwrap();
        let mut communes = Vec::new();
        for d in &districts {
            communes.extend(communes_of(store, &d.code, date!(2024 - 06 - 30)).await);
        }
        // Each case writes its own period, so the cases do not see each other's values.
        for (seed, period) in [(7_u64, "2022"), (1_234_567, "2023"), (99_991, "2024")] {
            let period: Period = period.parse().unwrap();
            let mut rng = Rng(seed);
            // Leaf values as they stand after random writes, overwrites and deletions.
            let mut leaves: HashMap<(String, &str), (i64, i64)> = HashMap::new();
            for _ in 0..60 {
                let c = &communes[rng.below(communes.len() as u64) as usize];
                let sex = ["male", "female"][rng.below(2) as usize];
                if rng.below(6) == 0 {
                    store.write_values(c, &period, &[put("6.1.num", sex, None), put("6.1.den", sex, None)], &actor()).await.unwrap();
                    leaves.remove(&(c.code.to_string(), sex));
                } else {
                    let den = 1 + rng.below(5_000) as i64;
                    let num = rng.below(den as u64 + 1) as i64;
                    store.write_values(c, &period, &[put("6.1.num", sex, Some(num)), put("6.1.den", sex, Some(den))], &actor()).await.unwrap();
                    leaves.insert((c.code.to_string(), sex), (num, den));
                }
            }
            let (num, den) = leaves.values().fold((0, 0), |(n, d), (a, b)| (n + a, d + b));
            let province = store.unit_on("12", date!(2024 - 06 - 30)).await.unwrap();
            let fig = &store.figures(&province, &period, &["6.1".parse().unwrap()]).await.unwrap()[0];
            assert_eq!(fig.numerator, Some(Decimal::from(num)), "seed {seed}");
            assert_eq!(fig.denominator, Some(Decimal::from(den)), "seed {seed}");
            let expected = (Decimal::from(num) * Decimal::from(100) / Decimal::from(den)).round_dp(4).normalize();
            assert_eq!(fig.value, Some(expected), "seed {seed}");
            let reporting: std::collections::HashSet<&String> = leaves.keys().map(|(c, _)| c).collect();
            assert_eq!(fig.completeness.reported, reporting.len() as i64, "seed {seed}");
            assert_eq!(fig.completeness.expected, communes.len() as i64);
            // The mean of the districts' ratios is a different number whenever they differ.
            let mut ratios = Vec::new();
            for d in &districts {
                let f = &store.figures(d, &period, &["6.1".parse().unwrap()]).await.unwrap()[0];
                if let Some(v) = f.value {
                    ratios.push(v);
                }
            }
            let mean = ratios.iter().copied().sum::<Decimal>() / Decimal::from(ratios.len());
            if ratios.iter().any(|r| *r != ratios[0]) {
                assert_ne!(fig.value, Some(mean.round_dp(4).normalize()), "seed {seed}: province figure equals the mean of district ratios");
            }
            // The live sums equal a rebuild from scratch.
            let live = store.aggregate_cells(province.id, &period.to_string()).await.unwrap();
            store.rebuild_aggregates().await.unwrap();
            assert_eq!(store.aggregate_cells(province.id, &period.to_string()).await.unwrap(), live, "seed {seed}");
            let national = store.unit_on("VN", date!(2024 - 06 - 30)).await.unwrap();
            assert_eq!(store.aggregate_cells(national.id, &period.to_string()).await.unwrap(), live, "only Lai Châu is loaded");
        }
    }
}

on_both_backends! {
    async fn a_saved_value_is_in_every_ancestor_at_once(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let (commune, period) = store.resolve_unit_period("03490", "2025H1").await.unwrap();
        store.write_values(&commune, &period, &[put("4.1.num", "total", Some(60)), put("4.1.den", "total", Some(50))], &actor()).await.unwrap();
        for code in ["03490", "109", "12", "VN"] {
            let unit = store.unit_on(code, date!(2025 - 06 - 30)).await.unwrap();
            let f = &store.figures(&unit, &period, &["4.1".parse().unwrap()]).await.unwrap()[0];
            assert_eq!(f.value, Some(Decimal::from(120)), "{code}");
        }
        store.write_values(&commune, &period, &[put("4.1.num", "total", Some(55))], &actor()).await.unwrap();
        let national = store.unit_on("VN", date!(2025 - 06 - 30)).await.unwrap();
        let f = &store.figures(&national, &period, &["4.1".parse().unwrap()]).await.unwrap()[0];
        assert_eq!(f.value, Some(Decimal::from(110)));
    }
}

on_both_backends! {
    async fn a_merged_province_is_built_from_its_predecessors_without_double_counting(backend: Backend) {
        // Hà Giang (02) and Tuyên Quang (08) merged into Tuyên Quang (08) on 1 July 2025.
        let db = TestDb::with_provinces(backend, &["02"]).await;
        let store = &db.store;
        let period: Period = "2024".parse().unwrap();
        let mut old_communes = Vec::new();
        for p in ["02", "08"] {
            let parent = binhdang_domain::UnitCode::parse(p).unwrap();
            for d in store.units_valid_on(date!(2024 - 06 - 30), Some(UnitLevel::District), Some(&parent)).await.unwrap() {
                old_communes.extend(communes_of(store, &d.code, date!(2024 - 06 - 30)).await);
            }
        }
        // Find an old commune that was split among several new communes.
        let mut split = None;
        for c in &old_communes {
            let detail = store.unit_detail(&c.code, date!(2024 - 06 - 30)).await.unwrap();
            if detail.successors.len() > 1 {
                split = Some((c.clone(), detail.successors));
                break;
            }
        }
        let (split, successors) = split.expect("the mapping splits at least one commune of Hà Giang or Tuyên Quang");
        let mut total = 0;
        for (i, c) in old_communes.iter().enumerate().take(40) {
            let n = 10 + i as i64;
            store.write_values(c, &period, &[put("4.3.num", "total", Some(n)), put("4.3.den", "total", Some(1000))], &actor()).await.unwrap();
            total += n;
        }
        if !old_communes.iter().take(40).any(|c| c.code == split.code) {
            store.write_values(&split, &period, &[put("4.3.num", "total", Some(7)), put("4.3.den", "total", Some(1000))], &actor()).await.unwrap();
            total += 7;
        }
        let written = if old_communes.iter().take(40).any(|c| c.code == split.code) { 40 } else { 41 };
        let new_province = store.unit_on("08", date!(2026 - 01 - 01)).await.unwrap();
        assert_eq!(new_province.valid_from, Some(date!(2025 - 07 - 01)));
        let f = &store.figures(&new_province, &period, &["4.3".parse().unwrap()]).await.unwrap()[0];
        assert_eq!(f.numerator, Some(Decimal::from(total)));
        assert_eq!(f.denominator, Some(Decimal::from(1000 * written)));
        assert_eq!(f.completeness.reported, written);
        let mapping = store.mapping_used(&new_province, &period).await.unwrap().expect("mapping used");
        assert!(mapping.predecessor_units > 0);
        // The split commune counts in exactly one of its successors: the sum over the new
        // communes equals the province figure.
        let mut sum_of_new = Decimal::ZERO;
        for c in communes_of(store, "08", date!(2026 - 01 - 01)).await {
            if let Some(n) = store.figures(&c, &period, &["4.3".parse().unwrap()]).await.unwrap()[0].numerator {
                sum_of_new += n;
            }
        }
        assert_eq!(sum_of_new, Decimal::from(total));
        let holders = {
            let mut n = 0;
            for s in &successors {
                let unit = store.unit_on(&s.unit.code, date!(2026 - 01 - 01)).await.unwrap();
                let cells = store.aggregate_cells(unit.id, "2024").await.unwrap();
                if cells.contains_key(&("4.3.num".to_string(), Disaggregation::Total)) {
                    n += 1;
                }
            }
            n
        };
        assert!(holders >= 1, "the split commune's data reached no successor");
        // Old provinces keep their own figures for the same period.
        let old_ha_giang = store.unit_on("02", date!(2024 - 06 - 30)).await.unwrap();
        let old_tuyen_quang = store.unit_on("08", date!(2024 - 06 - 30)).await.unwrap();
        let a = store.figures(&old_ha_giang, &period, &["4.3".parse().unwrap()]).await.unwrap()[0].numerator.unwrap_or_default();
        let b = store.figures(&old_tuyen_quang, &period, &["4.3".parse().unwrap()]).await.unwrap()[0].numerator.unwrap_or_default();
        assert_eq!(a + b, Decimal::from(total));
        assert!(store.mapping_used(&old_ha_giang, &period).await.unwrap().is_none());
    }
}

on_both_backends! {
    async fn figures_of_many_units_read_together_are_each_units_own(backend: Backend) {
        use binhdang_domain::workflow::Transition;
        use binhdang_domain::{UnitCode, Window};
        use binhdang_store::{Sums, TransitionRequest};
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let period: Period = "2024".parse().unwrap();
        let district = store.unit_for_period("109", &period).await.unwrap().unwrap();
        let communes = store
            .units_valid_on(period.end(), Some(UnitLevel::Commune), Some(&UnitCode::parse("109").unwrap()))
            .await
            .unwrap();
        assert!(communes.len() >= 3);
        // One commune states a rate with nothing behind it, two count (one of them approved),
        // the others enter nothing.
        let stated = ValueInput { disaggregation: None, ..put("6.1.rate", "total", Some(95)) };
        store.write_values(&communes[0], &period, &[stated], &actor()).await.unwrap();
        for (commune, num) in [(&communes[1], 30), (&communes[2], 12)] {
            let counted = [put("6.1.num", "female", Some(num)), put("6.1.den", "female", Some(40))];
            store.write_values(commune, &period, &counted, &actor()).await.unwrap();
        }
        let programme = store.programme_for(&period).await.unwrap().unwrap();
        for transition in [Transition::Submit, Transition::Approve] {
            let request = TransitionRequest { transition, reason: None };
            store.transition(&communes[1], &programme, &period, request, &actor()).await.unwrap();
        }

        let province = store.unit_for_period("12", &period).await.unwrap().unwrap();
        let mut units = vec![province, district];
        units.extend(communes.iter().cloned());
        let window = Window::from(period);
        for sums in [Sums::All, Sums::Approved] {
            let together = store.figures_over_units(sums, &units, &window, &[]).await.unwrap();
            assert_eq!(together.len(), units.len());
            for (unit, figures) in units.iter().zip(&together) {
                let alone = store.figures_over(sums, unit, &window, &[]).await.unwrap();
                assert_eq!(
                    serde_json::to_value(figures).unwrap(),
                    serde_json::to_value(&alone).unwrap(),
                    "{} ({sums:?})",
                    unit.code
                );
            }
            // What the comparison covers: the district's 6.1 counts the stated rate and the
            // approved report.
            let of_district = together[1].iter().find(|f| f.indicator == "6.1").unwrap();
            assert_eq!(of_district.completeness.stated_only, 1, "{sums:?}");
            assert_eq!(of_district.completeness.approved, 1, "{sums:?}");
        }
    }
}
