//! Times `Store::validate` for one commune at national scale, and a save followed by it.
//!
//! ```sh
//! # once: schema, catalogue, every unit, and the benchmark's synthetic values (~8.8 M)
//! cargo run --release -p binhdang-store --example validate_bench -- load sqlite:///tmp/v.db
//! # then, as often as wanted
//! cargo run --release -p binhdang-store --example validate_bench -- measure sqlite:///tmp/v.db
//! ```
//!
//! `measure` picks the first commune (by code) of the parent with the most communes on
//! 1 July 2025 — the largest sibling set the outlier test sees — and the period 2026, and
//! prints the first and the median time of: validation alone, a save of one value followed by
//! the validation (what `PUT /values` does), and a validation after a sibling's value was
//! saved through another `Store` (another server process on the same database).

use binhdang_store::bulk::{BulkValue, Synthetic};
use binhdang_store::seed::{UnitFiles, shipped_catalogue};
use binhdang_store::{Actor, RawValue, Store, UnitSummary, ValueInput};
use sqlx::Row;
use std::time::{Duration, Instant};

const SEED: u64 = 20212030;
const RUNS: usize = 41;
const PERIOD: &str = "2026";
const ELEMENT: &str = "4.3.num";

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["load", url] => load(url).await,
        ["measure", url] => measure(url).await,
        _ => Err("usage: validate_bench load|measure DATABASE_URL".into()),
    }
}

async fn load(url: &str) -> Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    store.load_catalogue(&shipped_catalogue()?).await?;
    store.load_units(&UnitFiles::shipped()).await?;
    let elements = store.data_elements().await?;
    let synthetic = Synthetic::new(&elements, SEED);
    let units = store.synthetic_units(1.0).await?;
    let loader = store.bulk_loader("bench").await?;
    let mut buffer: Vec<BulkValue> = Vec::new();
    let (t, mut n) = (Instant::now(), 0usize);
    for u in &units {
        for p in &u.periods {
            synthetic.values(u.id, &u.code, p, u.post_reform, &mut buffer);
        }
        if buffer.len() >= 200_000 {
            n += loader.insert(&buffer).await?;
            buffer.clear();
            eprintln!("{n} values ({:.0} s)", t.elapsed().as_secs_f64());
        }
    }
    n += loader.insert(&buffer).await?;
    eprintln!("{n} values loaded in {:.0} s", t.elapsed().as_secs_f64());
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn show(what: &str, first: Duration, rest: Vec<Duration>) {
    let max = rest.iter().max().copied().unwrap_or_default();
    println!(
        "{what:<58} first {:>8.2} ms   median {:>7.2} ms   max {:>7.2} ms   ({} runs)",
        first.as_secs_f64() * 1e3,
        median(rest.clone()).as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        rest.len()
    );
}

fn input(value: u32) -> ValueInput {
    ValueInput {
        element: ELEMENT.into(),
        disaggregation: Some("total".into()),
        value: RawValue::Text(value.to_string()),
        comment: None,
        source: None,
        expected: None,
    }
}

async fn measure(url: &str) -> Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let other = Store::connect(url).await?;
    let row = sqlx::query(
        "SELECT u.code, (SELECT COUNT(*) FROM units s WHERE s.parent_id = u.parent_id) AS n FROM units u
         WHERE u.level = 'commune' AND u.valid_from = '2025-07-01'
         ORDER BY (SELECT COUNT(*) FROM units s WHERE s.parent_id = u.parent_id) DESC, u.code LIMIT 2",
    )
    .fetch_all(store.pool())
    .await?;
    let (code, sibling_code): (String, String) = (row[0].try_get("code")?, row[1].try_get("code")?);
    let n: i64 = row[0].try_get("n")?;
    let (unit, period) = store.resolve_unit_period(&code, PERIOD).await?;
    let (sibling, _) = store.resolve_unit_period(&sibling_code, PERIOD).await?;
    println!(
        "{} ({code}), {PERIOD}: {n} units under its parent; {} values of its own",
        unit.full_name,
        store.values(&unit, &period).await?.len()
    );
    let actor = Actor {
        name: "bench".into(),
        origin: "validate_bench".into(),
        entered_from: None,
    };
    let timed_validate = |store: Store, unit: UnitSummary| async move {
        let t = Instant::now();
        let findings = store.validate(&unit, &period).await?;
        Ok::<_, Box<dyn std::error::Error>>((t.elapsed(), findings.len()))
    };

    let (first, found) = timed_validate(store.clone(), unit.clone()).await?;
    let mut rest = Vec::new();
    for _ in 0..RUNS {
        rest.push(timed_validate(store.clone(), unit.clone()).await?.0);
    }
    show(&format!("validate ({found} findings)"), first, rest);

    let mut rest = Vec::new();
    let mut first = None;
    for i in 0..=RUNS {
        let t = Instant::now();
        store
            .write_values(&unit, &period, &[input(1000 + i as u32)], &actor)
            .await?;
        store.validate(&unit, &period).await?;
        match first {
            None => first = Some(t.elapsed()),
            Some(_) => rest.push(t.elapsed()),
        }
    }
    show("save one value + validate", first.unwrap_or_default(), rest);

    let mut rest = Vec::new();
    let mut first = None;
    for i in 0..=RUNS {
        other
            .write_values(&sibling, &period, &[input(2000 + i as u32)], &actor)
            .await?;
        let (took, _) = timed_validate(store.clone(), unit.clone()).await?;
        match first {
            None => first = Some(took),
            Some(_) => rest.push(took),
        }
    }
    show(
        "validate after a sibling's save by another Store",
        first.unwrap_or_default(),
        rest,
    );
    Ok(())
}
