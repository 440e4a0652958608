//! `binhdang bench load`: deadline day — hundreds of commune officers saving at once.
//!
//! For each database (a fresh SQLite file, a fresh PostgreSQL database) it prepares the
//! catalogue and the units as `binhdang init` does, creates one officer account per commune
//! for every round (post-2025 communes spread over the provinces, a share of them crowded into
//! one busy province so that its cells and the country's are contended) and a few provincial
//! reviewers and leaders, starts `binhdang serve` as a child process, and then runs one round
//! per number of officers: a baseline of `GET /api/v1/health` at the same concurrency, then
//! every officer at once loading its entry form, saving the whole form in one
//! `PUT /api/v1/values` (a few times, with new figures each time) and submitting it, while the
//! readers read the province's aggregates and dashboard. Each round is bounded in time and in
//! count, every request by a timeout; after it `binhdang verify` checks the database. The
//! results go to the section "Deadline day (bench load)" of docs/PERFORMANCE.md.

use crate::bench::machine::loadavg;
use anyhow::{Context, Result, bail};
use binhdang_store::Backend;
use report::{section, summary_lines};
use std::path::PathBuf;
use std::time::{Duration, Instant};

mod figures;
mod officers;
mod prepare;
mod report;
mod requests;
mod results;
mod rounds;
mod server;
mod verify;

pub(in crate::bench) use report::{replace_section, section_of};

/// The headings of the sections this benchmark owns in the report: the closed loop (the
/// server's capacity) and the run at a person's pace (`--fill-seconds`).
pub(in crate::bench) const SECTIONS: [&str; 2] = [
    "## Deadline day (bench load)",
    "## Deadline day at a person's pace (bench load --fill-seconds)",
];
/// The half-year whose report is due: open for entry on [`TODAY`].
const PERIOD: &str = "2026H1";
/// The date the server is told it is (`BINHDANG_TODAY`): a day in the entry window of [`PERIOD`].
const TODAY: &str = "2026-06-01";
/// The last day of [`PERIOD`]: the communes are those valid then.
const COMMUNES_ON: time::Date = time::macros::date!(2026 - 06 - 30);
/// The password of every account the benchmark makes (hashed once, see [`prepare::accounts`]).
const PASSWORD: &str = "bench-load-mat-khau";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long in-flight requests get after a round's time is up before they are abandoned
/// (more than [`REQUEST_TIMEOUT`], so that this only happens if something hangs).
const GRACE: Duration = Duration::from_secs(40);
/// Requests a reader or a baseline task makes at most in a round.
const MAX_READS: usize = 10_000;
/// The seed of the figures the officers save.
const SEED: u64 = 2026_0601;

#[derive(clap::Args, Clone, Debug)]
pub struct LoadArgs {
    /// Concurrent officers of each round; each round has officers of communes not used before,
    /// on the same database and server.
    #[arg(long, value_delimiter = ',', default_value = "50,200,500")]
    officers: Vec<usize>,
    /// Which databases to measure.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    databases: Vec<String>,
    /// Length of a round in seconds: no request starts after it.
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
    /// How many times each officer saves its form (new figures each time) before submitting:
    /// enough by default that the server, not this plan, bounds the forms saved per second.
    #[arg(long, default_value_t = 10)]
    saves_per_officer: usize,
    /// Seconds an officer spends filling in the form between loading it and saving it (each
    /// pause uniformly 0.5–1.5 × this, different for every officer and save). 0, the default,
    /// saves as soon as the form has loaded: a closed loop that measures the server's capacity,
    /// where a save's latency is the queue in front of it. A pause models the deadline day's
    /// real offered load, where latency is what an officer waits.
    #[arg(long, default_value_t = 0.0)]
    fill_seconds: f64,
    /// Provincial reviewers and leaders reading aggregates and the dashboard during each round.
    #[arg(long, default_value_t = 4)]
    readers: usize,
    /// Seconds a reader spends on each page before asking for the next (each pause uniformly
    /// 0.5–1.5 × this). 0, the default, reads without pause: readers then take whatever the
    /// server can give them, as the officers of the closed loop do.
    #[arg(long, default_value_t = 0.0)]
    read_seconds: f64,
    /// Officers of each round who sign in with their password (session cookie, the HTML entry
    /// form) instead of using a personal access token.
    #[arg(long, default_value_t = 5)]
    password_officers: usize,
    /// Share of each round's officers on communes of one busy province (the largest).
    #[arg(long, default_value_t = 0.2)]
    busy_share: f64,
    /// Length of the `GET /api/v1/health` baseline of each round, in seconds.
    #[arg(long, default_value_t = 5.0)]
    baseline_seconds: f64,
    /// Load only these provinces (2025 codes, e.g. `12`) and the units they were formed from:
    /// quicker to prepare.
    #[arg(long, value_delimiter = ',')]
    provinces: Vec<String>,
    /// Where the SQLite database and the server logs go (the server logs warnings, or what
    /// `BINHDANG_BENCH_SERVER_LOG` asks for in `RUST_LOG`'s syntax).
    #[arg(long, default_value = "/tmp/binhdang-bench-load")]
    work_dir: PathBuf,
    /// The PostgreSQL server (any database on it) where `binhdang_load_<random>` is created
    /// and dropped at the end.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
    postgres_url: String,
    /// The report whose section "Deadline day (bench load)" is written (the rest is kept).
    #[arg(long, default_value = "docs/PERFORMANCE.md")]
    out: PathBuf,
    /// Keep the SQLite file and the PostgreSQL database instead of removing them.
    #[arg(long)]
    keep: bool,
}

fn progress(msg: impl AsRef<str>) {
    eprintln!("bench load: {}", msg.as_ref());
}

pub async fn run(args: LoadArgs) -> Result<()> {
    if args.officers.is_empty() || args.officers.contains(&0) {
        bail!("--officers takes one or more numbers above 0, e.g. 50,200,500");
    }
    if !(args.seconds > 0.0 && args.seconds.is_finite() && args.baseline_seconds >= 0.0) {
        bail!("--seconds must be above 0 and --baseline-seconds not below 0");
    }
    if !(0.0..=1.0).contains(&args.busy_share) {
        bail!("--busy-share must be between 0 and 1");
    }
    if !(args.fill_seconds >= 0.0 && args.fill_seconds.is_finite()) {
        bail!("--fill-seconds must be 0 or more");
    }
    if !(args.read_seconds >= 0.0 && args.read_seconds.is_finite()) {
        bail!("--read-seconds must be 0 or more");
    }
    if args.saves_per_officer == 0 {
        bail!("--saves-per-officer must be at least 1");
    }
    let backends = args
        .databases
        .iter()
        .map(|name| match name.trim() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            other => bail!("unknown database `{other}`: use sqlite, postgres"),
        })
        .collect::<Result<Vec<_>>>()?;
    std::fs::create_dir_all(&args.work_dir).with_context(|| format!("cannot create {}", args.work_dir.display()))?;
    let started = Instant::now();
    let load_at_start = loadavg();
    let mut results = Vec::new();
    for backend in backends {
        let result = rounds::database(&args, backend).await;
        if let Some(failure) = &result.failure {
            progress(format!("{}: {failure}", backend.name()));
        }
        results.push(result);
    }
    let section = section(&args, &results, started.elapsed(), &load_at_start);
    let old = std::fs::read_to_string(&args.out).unwrap_or_default();
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, replace_section(&old, &section))
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!();
    for r in &results {
        for line in summary_lines(r) {
            println!("{line}");
        }
    }
    println!(
        "report written to {} (section \"{}\")",
        args.out.display(),
        &report::heading(&args)[3..]
    );
    Ok(())
}
