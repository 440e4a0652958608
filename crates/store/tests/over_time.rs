//! Figures over time on SQLite and PostgreSQL: a phase built from its years, a year from its
//! halves, ranges of periods and date windows, and stated rates standing where nothing else does.

use binhdang_domain::{Period, UnitLevel, Window};
use binhdang_store::testing::TestDb;
use binhdang_store::{Actor, RawValue, Sums, ValueInput, on_both_backends};
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

fn put(element: &str, value: &str) -> ValueInput {
    ValueInput {
        element: element.into(),
        disaggregation: Some("total".into()),
        value: RawValue::Text(value.into()),
        comment: None,
        source: None,
        expected: None,
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

on_both_backends! {
    async fn a_phase_a_range_and_a_date_window_are_built_from_the_periods_entered(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let on = date!(2022 - 06 - 30);
        let province = store.unit_on("12", on).await.unwrap();
        let mut communes = Vec::new();
        for district in store.units_valid_on(on, Some(UnitLevel::District), Some(&binhdang_domain::UnitCode::parse("12").unwrap())).await.unwrap() {
            communes.extend(store.units_valid_on(on, Some(UnitLevel::Commune), Some(&binhdang_domain::UnitCode::parse(&district.code).unwrap())).await.unwrap());
        }
        let (a, b) = (&communes[0], &communes[1]);
        let write = |unit, period: &str, values: Vec<ValueInput>| {
            let period: Period = period.parse().unwrap();
            async move { store.write_values(unit, &period, &values, &actor()).await.unwrap() }
        };
        // 4.1 (boys per 100 girls) is a flow; 1.1 (bodies led by a woman) a stock.
        write(a, "2021", vec![put("4.1.num", "110"), put("4.1.den", "100"), put("1.1.num", "1"), put("1.1.den", "2")]).await;
        write(b, "2021", vec![put("4.1.num", "100"), put("4.1.den", "100")]).await;
        write(a, "2022H1", vec![put("4.1.num", "60"), put("4.1.den", "50")]).await;
        write(a, "2022H2", vec![put("4.1.num", "50"), put("4.1.den", "50")]).await;
        write(a, "2023", vec![put("4.1.num", "105"), put("4.1.den", "100"), put("1.1.num", "2"), put("1.1.den", "2")]).await;
        // The province's own report states 6.1 for 2023 without its parts.
        write(&province, "2023", vec![put("6.1.rate", "95")]).await;

        let over = |window: &str, code: &str| {
            let window: Window = window.parse().unwrap();
            let code: binhdang_domain::IndicatorCode = code.parse().unwrap();
            let province = province.clone();
            async move { store.figures_over(Sums::All, &province, &window, &[code]).await.unwrap().remove(0) }
        };
        let flow = over("2021-2025", "4.1").await;
        assert_eq!((flow.numerator, flow.denominator), (Some(d("425")), Some(d("400"))));
        assert_eq!(flow.value, Some(d("106.25")));
        let how = flow.over_time.unwrap();
        assert_eq!(how.used, ["2021", "2022H1", "2022H2", "2023"]);
        assert_eq!(how.without_data, ["2024", "2025"]);
        let stock = over("2021-2025", "1.1").await;
        assert_eq!((stock.value, stock.over_time.unwrap().used), (Some(d("100")), vec!["2023".to_string()]));
        // The year 2022 has only halves: they make it within a range, not when asked alone.
        assert_eq!(over("2022..2022", "4.1").await.value, Some(d("110")));
        assert_eq!(over("2022", "4.1").await.value, None);
        // A range of periods and a law review's window of dates.
        assert_eq!(over("2021..2022H1", "4.1").await.value, Some(d("108")));
        let dates = over("2021-01-01..2022-07-31", "4.1").await;
        assert_eq!(dates.value, Some(d("108")));
        assert_eq!(dates.over_time.unwrap().parts, ["2021", "2022H1", "2022M07"]);

        // The assessment of the phase: every indicator with data in any year has a status.
        let rows = store.assessment_over(Sums::All, &province, &"2021-2025".parse().unwrap()).await.unwrap();
        let status = |code: &str| rows.iter().find(|r| r.indicator == code).unwrap();
        for code in ["4.1", "1.1", "6.1"] {
            assert_ne!(status(code).status, binhdang_domain::assessment::Status::NoData, "{code}");
        }
        assert_eq!(status("6.1").figure.method, "stated_rate");
        assert_eq!(status("6.1").figure.value, Some(d("95")));
        // The baseline of a phase is its first year with data.
        assert_eq!(status("1.1").baseline.map(|b| (b.year, b.value)), Some((2021, d("50"))));
        assert_eq!(status("2.1").status, binhdang_domain::assessment::Status::NoData);
    }
}
