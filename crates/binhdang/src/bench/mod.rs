//! `binhdang bench`: the national-scale benchmark (every commune of Vietnam, ten years of values).
//!
//! Builds fresh databases (SQLite in the work directory, PostgreSQL `binhdang_bench`),
//! loads the catalogue and the official units, bulk-loads a synthetic national dataset (every
//! commune of both lists, every half-year and year of 2021–2030 in which it exists, every
//! numeric data element), rebuilds the aggregates, and then measures in one run: the national
//! roll-up of all indicators for some periods, from the live aggregates and from scratch in
//! SQL, against DuckDB computing the same sums on the same data; the time from saving one
//! commune value to seeing it in the national figure, in process and over HTTP against
//! `binhdang serve`; and the server's peak memory. Writes docs/PERFORMANCE.md.

use anyhow::{Context, Result, bail};
use binhdang_domain::{Disaggregation, Period};
use binhdang_store::{AggregateCell, Backend};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

mod dataset;
mod duckdb;
mod load;
mod machine;
mod measure;
mod probe;
mod report;
mod serve;
mod stats;
mod summary;

/// `binhdang bench` (the national benchmark) and `binhdang bench load` (deadline day).
#[derive(clap::Args, Clone)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchCli {
    #[command(subcommand)]
    command: Option<BenchCommand>,
    #[command(flatten)]
    national: BenchArgs,
}

#[derive(clap::Subcommand, Clone)]
enum BenchCommand {
    /// Deadline day: many commune officers save and submit their forms at once over HTTP
    /// while provincial reviewers read, against `binhdang serve` on fresh SQLite and
    /// PostgreSQL databases; writes the section "Deadline day (bench load)" of
    /// docs/PERFORMANCE.md. Quick: `bench load --officers 5 --seconds 3 --provinces 12`.
    Load(load::LoadArgs),
}

/// Runs the benchmark the command line names.
pub async fn main(cli: BenchCli) -> Result<()> {
    match cli.command {
        Some(BenchCommand::Load(args)) => load::run(args).await,
        None => run(cli.national).await,
    }
}

#[derive(clap::Args, Clone)]
pub struct BenchArgs {
    /// Where to write the report (Markdown).
    #[arg(long, default_value = "docs/PERFORMANCE.md")]
    out: PathBuf,
    /// Fraction of the communes of each list to generate values for (a quick run: 0.02).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Which databases to load and measure.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    databases: Vec<String>,
    /// Where the SQLite database, the CSV export, the DuckDB venv and the server logs go.
    #[arg(long, default_value = "/tmp/binhdang-bench")]
    work_dir: PathBuf,
    /// The PostgreSQL database to DROP and recreate for the benchmark (its name must
    /// contain `bench`).
    #[arg(
        long,
        env = "BINHDANG_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/binhdang_bench"
    )]
    postgres_url: String,
    /// Periods whose national roll-up is measured.
    #[arg(long, value_delimiter = ',', default_value = "2026,2024")]
    periods: Vec<String>,
    /// Timed runs of each from-scratch query (SQL and DuckDB); the median is reported.
    #[arg(long, default_value_t = 11)]
    runs: usize,
    /// Timed runs of the live national roll-up (cheap).
    #[arg(long, default_value_t = 101)]
    live_runs: usize,
    /// Saved values per period and database for the write-to-national latency.
    #[arg(long, default_value_t = 200)]
    writes: usize,
    /// Skip the DuckDB comparison (no Python needed).
    #[arg(long)]
    skip_duckdb: bool,
}

fn progress(msg: impl AsRef<str>) {
    eprintln!("bench: {}", msg.as_ref());
}

/// One database's run: how the national dataset was loaded into it ([`dataset::load`]), and
/// what was measured on it ([`measure::measure`]).
#[derive(Debug, Clone)]
struct Run {
    backend: Backend,
    version: String,
    setup: Duration,
    communes: usize,
    forms: u64,
    values: u64,
    generate: Duration,
    load: Duration,
    rebuild: Duration,
    settle: Duration,
    aggregate_rows: usize,
    sizes: Vec<(String, u64)>,
    bench_hwm_after_load_kb: u64,
    bench_hwm_after_rebuild_kb: u64,
    national_cells: HashMap<String, HashMap<(String, Disaggregation), AggregateCell>>,
    rollups: Vec<measure::Rollup>,
    in_process: Vec<probe::Latency>,
    server: serve::Server,
}

pub async fn run(args: BenchArgs) -> Result<()> {
    if !(args.scale > 0.0 && args.scale <= 1.0) {
        bail!("--scale must be in (0, 1]");
    }
    let periods: Vec<Period> = args
        .periods
        .iter()
        .map(|p| p.parse().map_err(|e| anyhow::anyhow!("period `{p}`: {e}")))
        .collect::<Result<_>>()?;
    std::fs::create_dir_all(&args.work_dir).with_context(|| format!("cannot create {}", args.work_dir.display()))?;
    let started = Instant::now();
    let _ = machine::LOAD_AT_START.set(machine::loadavg());
    let mut runs = Vec::new();
    let mut duck = None;
    for name in &args.databases {
        let backend = match name.trim() {
            "sqlite" => Backend::Sqlite,
            "postgres" | "postgresql" => Backend::Postgres,
            other => bail!("unknown database `{other}`: use sqlite, postgres"),
        };
        let url = match backend {
            Backend::Sqlite => dataset::fresh_sqlite(&args.work_dir)?,
            Backend::Postgres => dataset::fresh_postgres(&args.postgres_url).await?,
        };
        let (run, store) = dataset::load(&args, backend, &url).await?;
        if duck.is_none() && !args.skip_duckdb {
            duck = Some(duckdb::duckdb(&args, &store, &periods).await?);
        }
        let run = measure::measure(&args, run, store, &url, &periods).await?;
        runs.push(run);
    }
    let report = report::report(&args, &runs, duck.as_ref(), started.elapsed())?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // The sections `bench load` writes survive a new national report.
    let mut markdown = report.markdown;
    if let Ok(old) = std::fs::read_to_string(&args.out) {
        for heading in load::SECTIONS {
            if let Some(section) = load::section_of(&old, heading) {
                markdown = load::replace_section(&markdown, section);
            }
        }
    }
    std::fs::write(&args.out, &markdown).with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("{}", report.summary);
    println!("report written to {}", args.out.display());
    Ok(())
}
