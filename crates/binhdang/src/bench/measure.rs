//! In-process measurements: the national roll-up (live against SQL from scratch) and save-to-national latency.

use super::probe::{Latency, PROBE_ELEMENT, PROBE_INDICATOR, Probe};
use super::stats::{Stats, ms, stats, thousands};
use super::{BenchArgs, Run, progress};
use anyhow::{Context, Result, bail};
use binhdang_domain::{Disaggregation, Period};
use binhdang_store::{Actor, AggregateCell, Backend, RawValue, Store, UnitSummary, ValueInput};
use rust_decimal::Decimal;
use sqlx::Row;
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Instant;

/// A roll-up measurement for one period on one database.
#[derive(Debug, Clone)]
pub(super) struct Rollup {
    pub(super) period: String,
    pub(super) values: i64,
    pub(super) live: Stats,
    pub(super) sql_plain: Stats,
    pub(super) sql_ancestors: Stats,
    /// Whether the SQL sums match the live national cells (exactly on PostgreSQL, within
    /// float rounding on SQLite).
    pub(super) sql_matches_live: bool,
}

/// The country as it is at the end of `period`.
pub(super) async fn country(store: &Store, period: &Period) -> Result<UnitSummary> {
    Ok(store.unit_on("VN", period.end()).await?)
}

/// The sums per element and disaggregation, from scratch in SQL. SQLite has no exact
/// decimal: its SUM over the stored text is a float sum. PostgreSQL sums NUMERIC exactly.
fn scratch_sql(backend: Backend, via_ancestors: bool) -> &'static str {
    match (backend, via_ancestors) {
        (Backend::Sqlite, false) => {
            "SELECT element_code, disaggregation, CAST(SUM(CAST(number_value AS REAL)) AS TEXT) AS s, COUNT(*) AS n
             FROM data_values WHERE period = $1 AND number_value IS NOT NULL
             GROUP BY element_code, disaggregation"
        }
        (Backend::Sqlite, true) => {
            "SELECT v.element_code, v.disaggregation, CAST(SUM(CAST(v.number_value AS REAL)) AS TEXT) AS s, COUNT(*) AS n
             FROM data_values v JOIN unit_ancestors a ON a.unit_id = v.unit_id
             WHERE v.period = $1 AND a.ancestor_id = $2 AND v.number_value IS NOT NULL
             GROUP BY v.element_code, v.disaggregation"
        }
        (Backend::Postgres, false) => {
            "SELECT element_code, disaggregation, CAST(SUM(CAST(number_value AS NUMERIC)) AS TEXT) AS s, COUNT(*) AS n
             FROM data_values WHERE period = $1 AND number_value IS NOT NULL
             GROUP BY element_code, disaggregation"
        }
        (Backend::Postgres, true) => {
            "SELECT v.element_code, v.disaggregation, CAST(SUM(CAST(v.number_value AS NUMERIC)) AS TEXT) AS s, COUNT(*) AS n
             FROM data_values v JOIN unit_ancestors a ON a.unit_id = v.unit_id
             WHERE v.period = $1 AND a.ancestor_id = $2 AND v.number_value IS NOT NULL
             GROUP BY v.element_code, v.disaggregation"
        }
    }
}

type Sums = HashMap<(String, String), (f64, i64)>;

async fn run_scratch(store: &Store, sql: &'static str, period: &str, country: i64) -> Result<Sums> {
    let mut q = sqlx::query(sql).bind(period);
    if sql.contains("$2") {
        q = q.bind(country);
    }
    let rows = q.fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| {
            let s: Option<String> = r.try_get("s")?;
            Ok((
                (r.try_get("element_code")?, r.try_get("disaggregation")?),
                (
                    s.as_deref().and_then(|s| f64::from_str(s).ok()).unwrap_or(f64::NAN),
                    r.try_get("n")?,
                ),
            ))
        })
        .collect()
}

async fn time_scratch(
    store: &Store,
    sql: &'static str,
    period: &str,
    country: i64,
    runs: usize,
) -> Result<(Stats, Sums)> {
    let t = Instant::now();
    let sums = run_scratch(store, sql, period, country).await?;
    let first = t.elapsed();
    let mut sample = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        run_scratch(store, sql, period, country).await?;
        sample.push(t.elapsed());
    }
    Ok((stats(first, sample), sums))
}

/// Whether float sums from SQL equal the live cells (relative 1e-9, counts exactly).
fn sums_match(
    sums: &Sums,
    cells: &HashMap<(String, Disaggregation), AggregateCell>,
    rolled: &dyn Fn(&str) -> bool,
) -> bool {
    let relevant: Vec<_> = sums.iter().filter(|((e, _), _)| rolled(e)).collect();
    relevant.len() == cells.len()
        && relevant.iter().all(|((e, d), (s, n))| {
            let Ok(d) = d.parse::<Disaggregation>() else {
                return false;
            };
            cells.get(&(e.clone(), d)).is_some_and(|c| {
                let live = c.sum.to_string().parse::<f64>().unwrap_or(f64::NAN);
                c.reporting == *n && (live - s).abs() <= 1e-9 * live.abs().max(1.0)
            })
        })
}

/// Measures the national roll-up and the saved-value latency in process for every period,
/// then over HTTP against `binhdang serve` (after closing `store`).
pub(super) async fn measure(
    args: &BenchArgs,
    mut run: Run,
    store: Store,
    url: &str,
    periods: &[Period],
) -> Result<Run> {
    let name = run.backend.name();
    let rolled = rolled_elements(&store).await?;
    let is_rolled = |e: &str| rolled.iter().any(|r| r == e);
    for period in periods {
        let (cells, rollup) = measure_rollup(args, &store, run.backend, period, &is_rolled).await?;
        run.national_cells.insert(rollup.period.clone(), cells);
        run.rollups.push(rollup);
    }

    // Saved value → national figure, in process.
    let actor = Actor {
        name: "bench".into(),
        origin: "binhdang bench".into(),
        entered_from: None,
    };
    let mut probes = Vec::new();
    for period in periods {
        let (latency, probe) = measure_in_process(args, &store, name, period, &actor).await?;
        run.in_process.push(latency);
        probes.push(probe);
    }
    store.close().await;

    run.server = super::serve::serve_and_measure(args, url, &probes, name).await?;
    Ok(run)
}

/// The data elements whose values roll up into aggregate cells (not the stated rates, not text).
async fn rolled_elements(store: &Store) -> Result<Vec<String>> {
    Ok(store
        .data_elements()
        .await?
        .into_iter()
        .filter(|e| e.role != binhdang_domain::ElementRole::Rate && e.value_type != binhdang_domain::ValueType::Text)
        .map(|e| e.code.into())
        .collect())
}

/// The national roll-up of one period: from the live aggregates, then the same sums from
/// scratch in SQL (plain and through `unit_ancestors`), checked against the live cells.
async fn measure_rollup(
    args: &BenchArgs,
    store: &Store,
    backend: Backend,
    period: &Period,
    is_rolled: &dyn Fn(&str) -> bool,
) -> Result<(HashMap<(String, Disaggregation), AggregateCell>, Rollup)> {
    let name = backend.name();
    let p = period.to_string();
    let vn = country(store, period).await?;
    let cells = store.aggregate_cells(vn.id, &p).await?;
    let values: i64 = sqlx::query("SELECT COUNT(*) AS n FROM data_values WHERE period = $1")
        .bind(&p)
        .fetch_one(store.pool())
        .await?
        .try_get("n")?;
    let t = Instant::now();
    let figures = store.figures(&vn, period, &[]).await?;
    let first = t.elapsed();
    let mut sample = Vec::with_capacity(args.live_runs);
    for _ in 0..args.live_runs {
        let t = Instant::now();
        let f = store.figures(&vn, period, &[]).await?;
        sample.push(t.elapsed());
        std::hint::black_box(f);
    }
    let live = stats(first, sample);
    progress(format!(
        "{name}: national roll-up of {} indicators for {p} from the live aggregates: first {}, median {}",
        figures.len(),
        ms(live.first),
        ms(live.median)
    ));
    let (sql_plain, plain_sums) = time_scratch(store, scratch_sql(backend, false), &p, vn.id, args.runs).await?;
    progress(format!(
        "{name}: the same sums from scratch in SQL over {} values: first {}, median {}",
        thousands(values as u64),
        ms(sql_plain.first),
        ms(sql_plain.median)
    ));
    let (sql_ancestors, ancestor_sums) = time_scratch(store, scratch_sql(backend, true), &p, vn.id, args.runs).await?;
    progress(format!(
        "{name}: … through unit_ancestors: first {}, median {}",
        ms(sql_ancestors.first),
        ms(sql_ancestors.median)
    ));
    let matches = sums_match(&plain_sums, &cells, is_rolled) && sums_match(&ancestor_sums, &cells, is_rolled);
    if !matches {
        progress(format!(
            "{name}: WARNING: the SQL sums for {p} differ from the live national cells"
        ));
    }
    let rollup = Rollup {
        period: p,
        values,
        live,
        sql_plain,
        sql_ancestors,
        sql_matches_live: matches,
    };
    Ok((cells, rollup))
}

/// Saves a commune's probe value `args.writes` times in process, each time reading the
/// national figure until it shows the change, then puts the value back.
async fn measure_in_process(
    args: &BenchArgs,
    store: &Store,
    name: &str,
    period: &Period,
    actor: &Actor,
) -> Result<(Latency, Probe)> {
    let (commune, ancestors) = probe_commune(store, period).await?;
    let vn = country(store, period).await?;
    let original = stored_number(store, &commune, period).await?;
    let base = national_numerator(store, &vn, period).await?;
    let (mut writes, mut total) = (Vec::new(), Vec::new());
    for i in 0..args.writes {
        let v = original + Decimal::from(1 + (i % 2) as i64);
        let t = Instant::now();
        store.write_values(&commune, period, &[probe_input(v)], actor).await?;
        let w = t.elapsed();
        let seen = national_numerator(store, &vn, period).await?;
        let wf = t.elapsed();
        if seen != base - original + v {
            bail!(
                "{name}: the national numerator is {seen}, expected {}",
                base - original + v
            );
        }
        writes.push(w);
        total.push(wf);
    }
    store
        .write_values(&commune, period, &[probe_input(original)], actor)
        .await?;
    let latency = Latency {
        period: period.to_string(),
        commune: commune.code.to_string(),
        ancestors,
        write: stats(writes.first().copied().unwrap_or_default(), writes),
        write_then_figure: stats(total.first().copied().unwrap_or_default(), total),
    };
    progress(format!(
        "{name}: in process, write_values → figures(VN) for {period} ({} ancestors): median {}, p95 {}",
        ancestors,
        ms(latency.write_then_figure.median),
        ms(latency.write_then_figure.p95)
    ));
    Ok((latency, (commune.code.to_string(), *period, original, base)))
}

fn probe_input(v: Decimal) -> ValueInput {
    ValueInput {
        element: PROBE_ELEMENT.into(),
        disaggregation: Some("total".into()),
        value: RawValue::Text(v.to_string()),
        comment: None,
        source: None,
        expected: None,
    }
}

/// A commune with a value of the probe element in the period, and its number of ancestors.
async fn probe_commune(store: &Store, period: &Period) -> Result<(UnitSummary, i64)> {
    let r = sqlx::query(
        "SELECT u.code, (SELECT COUNT(*) FROM unit_ancestors a WHERE a.unit_id = u.id) AS n
         FROM data_values v JOIN units u ON u.id = v.unit_id
         WHERE v.period = $1 AND v.element_code = $2 AND v.disaggregation = 'total'
         ORDER BY u.code LIMIT 1",
    )
    .bind(period.to_string())
    .bind(PROBE_ELEMENT)
    .fetch_one(store.pool())
    .await
    .with_context(|| format!("no commune has {PROBE_ELEMENT} for {period}"))?;
    let code: String = r.try_get("code")?;
    let (unit, _) = store.resolve_unit_period(&code, &period.to_string()).await?;
    Ok((unit, r.try_get("n")?))
}

async fn stored_number(store: &Store, unit: &UnitSummary, period: &Period) -> Result<Decimal> {
    store
        .values(unit, period)
        .await?
        .iter()
        .find(|v| v.element == PROBE_ELEMENT && v.disaggregation == Disaggregation::Total)
        .and_then(|v| v.number())
        .context("the probe commune has no value")
}

async fn national_numerator(store: &Store, vn: &UnitSummary, period: &Period) -> Result<Decimal> {
    store.figures(vn, period, &[PROBE_INDICATOR.parse()?]).await?[0]
        .numerator
        .context("no national numerator")
}
