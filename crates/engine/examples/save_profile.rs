//! Times the phases of a whole-form save, one after the other, in process: what one
//! `PUT /api/v1/values` of a commune's whole form costs the server, without HTTP.
//!
//! ```sh
//! cargo run --release -p binhdang-engine --example save_profile -- sqlite
//! cargo run --release -p binhdang-engine --example save_profile -- postgres
//! ```
//!
//! The database is made from scratch (a temporary file, or a new database beside
//! `BINHDANG_TEST_POSTGRES_URL`) (schema, catalogue, every official unit); then 100
//! communes of the post-reform list each save their whole form (every data element of the
//! indicators collected at commune level, as `bench load` sends it) three times with new
//! figures, for 2026H1. Printed: the median and p95 of the write (check, lock, rows, audit,
//! sums: one transaction), of the validation that follows, and of the re-read of the form
//! that the answer carries.

use binhdang_domain::{Period, UnitLevel};
use binhdang_store::bulk::{BulkValue, Synthetic};
use binhdang_store::seed::{REFORM_DATE, UnitFiles, shipped_catalogue};
use binhdang_store::testing::TestDb;
use binhdang_store::{Actor, Backend, Clock, RawValue, ValueInput};
use std::time::{Duration, Instant};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const COMMUNES: usize = 100;
const SAVES: u64 = 3;

#[tokio::main]
async fn main() -> Result<()> {
    let backend = match std::env::args().nth(1).as_deref() {
        Some("sqlite") => Backend::Sqlite,
        Some("postgres") => Backend::Postgres,
        _ => return Err("usage: save_profile sqlite|postgres".into()),
    };
    // A fresh database (a temporary file, or a new PostgreSQL database dropped at the end).
    let db = TestDb::new(backend).await;
    let store = db.store.clone().with_clock(Clock::parse_pinned("2026-06-01")?);
    store.load_catalogue(&shipped_catalogue()?).await?;
    store.load_units(&UnitFiles::shipped()).await?;
    let period: Period = "2026H1".parse()?;
    let indicators: Vec<binhdang_domain::IndicatorCode> = store
        .indicators()
        .await?
        .into_iter()
        .filter(|i| i.lowest_level == UnitLevel::Commune)
        .map(|i| i.code)
        .collect();
    let elements: Vec<_> = store
        .data_elements()
        .await?
        .into_iter()
        .filter(|e| e.indicator.as_ref().is_some_and(|i| indicators.contains(i)))
        .collect();
    let communes = store
        .units_valid_on(REFORM_DATE, Some(UnitLevel::Commune), None)
        .await?;
    let step = communes.len() / COMMUNES;
    let actor = Actor {
        name: "profile".into(),
        origin: "example".into(),
        entered_from: None,
    };
    let (mut write, mut validate, mut reread) = (Vec::new(), Vec::new(), Vec::new());
    let mut values_per_form = 0;
    for save in 0..SAVES {
        for unit in communes.iter().step_by(step).take(COMMUNES) {
            let mut generated: Vec<BulkValue> = Vec::new();
            Synthetic::new(&elements, 20212030 + save).values(unit.id, &unit.code, &period, true, &mut generated);
            values_per_form = generated.len();
            let inputs: Vec<ValueInput> = generated
                .iter()
                .map(|v| ValueInput {
                    element: v.element.to_string(),
                    disaggregation: Some(v.disaggregation.as_str().to_string()),
                    value: RawValue::Text(v.value.to_string()),
                    comment: None,
                    source: None,
                    expected: None,
                })
                .collect();
            let t = Instant::now();
            store.write_values(unit, &period, &inputs, &actor).await?;
            write.push(t.elapsed());
            let t = Instant::now();
            store.validate(unit, &period).await?;
            validate.push(t.elapsed());
            let t = Instant::now();
            store.values(unit, &period).await?;
            reread.push(t.elapsed());
        }
    }
    println!(
        "{} ({values_per_form} values per form, {} saves)",
        store.backend().name(),
        write.len()
    );
    for (what, times) in [("write", write), ("validate", validate), ("re-read", reread)] {
        println!("{what:<10} {}", quantiles(times));
    }
    Ok(())
}

fn quantiles(mut v: Vec<Duration>) -> String {
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
    format!(
        "p50 {:>7.2} ms   p95 {:>7.2} ms   max {:>7.2} ms",
        at(0.5),
        at(0.95),
        at(1.0)
    )
}
