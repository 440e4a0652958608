//! The DuckDB baseline: the values exported to CSV and summed by DuckDB (Python, in a venv) for each period.

use super::measure::country;
use super::stats::{mib, ms, secs};
use super::{BenchArgs, progress};
use anyhow::{Context, Result, bail};
use binhdang_domain::Period;
use binhdang_store::Store;
use sqlx::Row;
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The DuckDB release the comparison runs on (from PyPI, in a venv under the work dir).
const DUCKDB_VERSION: &str = "1.5.6";
const DUCKDB_SCRIPT: &str = include_str!("../../../../scripts/bench_duckdb.py");

/// DuckDB's timings (first run, median; in seconds) and sums for one period.
#[derive(Debug, Clone)]
pub(super) struct DuckPeriod {
    pub(super) plain: (f64, f64),
    pub(super) ancestors: (f64, f64),
    pub(super) values: i64,
    pub(super) sums: HashMap<String, Option<String>>,
}

/// What the DuckDB script reported, and how long the CSV export took.
#[derive(Debug, Clone)]
pub(super) struct Duck {
    pub(super) version: String,
    pub(super) threads: String,
    pub(super) rows: i64,
    pub(super) load_seconds: f64,
    pub(super) export: Duration,
    pub(super) periods: HashMap<String, DuckPeriod>,
}

/// Exports the numeric values and the ancestors closure to CSV, and runs DuckDB on them.
pub(super) async fn duckdb(args: &BenchArgs, store: &Store, periods: &[Period]) -> Result<Duck> {
    let values_csv = args.work_dir.join("data_values.csv");
    let ancestors_csv = args.work_dir.join("unit_ancestors.csv");
    progress(format!("DuckDB: exporting data_values to {}", values_csv.display()));
    let t = Instant::now();
    export_csv(store, &values_csv, &ancestors_csv).await?;
    let export = t.elapsed();
    progress(format!(
        "DuckDB: exported {} in {}",
        mib(std::fs::metadata(&values_csv)?.len()),
        secs(export)
    ));
    let python = venv_python(&args.work_dir)?;
    let script = args.work_dir.join("bench_duckdb.py");
    std::fs::write(&script, DUCKDB_SCRIPT)?;
    let vn = country(store, &periods[0]).await?;
    let period_list = periods.iter().map(Period::to_string).collect::<Vec<_>>().join(",");
    progress(format!(
        "DuckDB {DUCKDB_VERSION}: loading the CSV and timing the sums for {period_list}"
    ));
    let output = std::process::Command::new(&python)
        .arg(&script)
        .args(["--values", &values_csv.display().to_string()])
        .args(["--ancestors", &ancestors_csv.display().to_string()])
        .args(["--country-id", &vn.id.to_string()])
        .args(["--periods", &period_list])
        .args(["--runs", &args.runs.to_string()])
        .output()
        .context("cannot run the DuckDB script")?;
    if !output.status.success() {
        bail!("the DuckDB script failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).context("the DuckDB script's output")?;
    let out_periods = duck_periods(&json, periods);
    Ok(Duck {
        version: json["duckdb"].as_str().unwrap_or("?").to_string(),
        threads: json["threads"].to_string(),
        rows: json["rows"].as_i64().unwrap_or(0),
        load_seconds: json["load_seconds"].as_f64().unwrap_or(f64::NAN),
        export,
        periods: out_periods,
    })
}

/// Writes the numeric values (period by period, element by element) and the ancestors
/// closure to the two CSV files DuckDB loads.
async fn export_csv(store: &Store, values_csv: &Path, ancestors_csv: &Path) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(values_csv)?);
    writeln!(out, "unit_id,period,element_code,disaggregation,number_value")?;
    let all_periods: Vec<String> = sqlx::query("SELECT DISTINCT period FROM data_values ORDER BY period")
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| r.try_get("period"))
        .collect::<Result<_, _>>()?;
    let elements = store.data_elements().await?;
    for p in &all_periods {
        for e in &elements {
            let rows = sqlx::query(
                "SELECT unit_id, disaggregation, number_value FROM data_values
                 WHERE period = $1 AND element_code = $2 AND number_value IS NOT NULL",
            )
            .bind(p)
            .bind(e.code.as_str())
            .fetch_all(store.pool())
            .await?;
            for r in rows {
                let unit: i64 = r.try_get("unit_id")?;
                let d: String = r.try_get("disaggregation")?;
                let v: String = r.try_get("number_value")?;
                writeln!(out, "{unit},{p},{},{d},{v}", e.code)?;
            }
        }
    }
    out.flush()?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(ancestors_csv)?);
    writeln!(out, "unit_id,ancestor_id")?;
    for r in sqlx::query("SELECT unit_id, ancestor_id FROM unit_ancestors")
        .fetch_all(store.pool())
        .await?
    {
        writeln!(
            out,
            "{},{}",
            r.try_get::<i64, _>("unit_id")?,
            r.try_get::<i64, _>("ancestor_id")?
        )?;
    }
    out.flush()?;
    Ok(())
}

/// The timings and sums of every period in the script's output.
fn duck_periods(json: &serde_json::Value, periods: &[Period]) -> HashMap<String, DuckPeriod> {
    let timing = |v: &serde_json::Value| {
        (
            v["first"].as_f64().unwrap_or(f64::NAN),
            v["median"].as_f64().unwrap_or(f64::NAN),
        )
    };
    let mut out_periods = HashMap::new();
    for p in periods {
        let key = p.to_string();
        let v = &json["periods"][&key];
        let sums = v["sums"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string)))
                    .collect()
            })
            .unwrap_or_default();
        let dp = DuckPeriod {
            plain: timing(&v["plain"]),
            ancestors: timing(&v["ancestors"]),
            values: v["values"].as_i64().unwrap_or(0),
            sums,
        };
        progress(format!(
            "DuckDB: sums for {key}: median {} (through unit_ancestors {})",
            ms(Duration::from_secs_f64(dp.plain.1)),
            ms(Duration::from_secs_f64(dp.ancestors.1))
        ));
        out_periods.insert(key, dp);
    }
    out_periods
}

/// A venv under the work dir with the pinned DuckDB, created on first use.
fn venv_python(work_dir: &Path) -> Result<PathBuf> {
    let venv = work_dir.join("venv");
    let python = venv.join("bin/python");
    let has_duckdb = || {
        std::process::Command::new(&python)
            .args(["-c", "import duckdb; print(duckdb.__version__)"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == DUCKDB_VERSION)
    };
    if has_duckdb() {
        return Ok(python);
    }
    if !python.exists() {
        progress(format!("DuckDB: creating a Python venv in {}", venv.display()));
        let status = std::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("python3 is needed for the DuckDB comparison (or pass --skip-duckdb)")?;
        if !status.success() {
            bail!("python3 -m venv failed (on Debian: apt-get install python3-venv)");
        }
    }
    progress(format!("DuckDB: pip install duckdb=={DUCKDB_VERSION}"));
    let status = std::process::Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", &format!("duckdb=={DUCKDB_VERSION}")])
        .status()
        .context("cannot run pip")?;
    if !status.success() || !has_duckdb() {
        bail!("pip install duckdb=={DUCKDB_VERSION} failed");
    }
    Ok(python)
}
