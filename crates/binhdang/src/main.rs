//! `binhdang`: the one command of the system. `init` prepares a database, `serve` runs the
//! web server (and prepares the database first if it is empty).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod accounts;
mod backup;
mod bench;
mod catalogue;
mod check;
mod demo;
mod demo_annex;
mod demo_plans;
mod exchange;
mod import;
mod report;
mod verify;

use anyhow::Context;
use binhdang_store::seed::{UnitFiles, shipped_catalogue};
use binhdang_store::{Clock, Store, TODAY_VARIABLE};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;

const DEFAULT_DATABASE: &str = "sqlite://binhdang.db";

#[derive(Parser)]
#[command(
    name = "binhdang",
    version,
    about = "Theo dõi, báo cáo Chiến lược quốc gia về bình đẳng giới 2021–2030\nMonitoring Vietnam's National Strategy on Gender Equality 2021–2030",
    long_about = None,
    after_help = "Quick start:\n  binhdang serve --demo        prepare ./binhdang.db with the demo for Lai Châu and serve on http://127.0.0.1:8080\n  binhdang init --database-url postgres://postgres@127.0.0.1:5432/binhdang\n\nThe database URL may also come from BINHDANG_DATABASE_URL."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Pins the date the system takes as today (YYYY-MM-DD), for tests and rehearsals of a
    /// deadline; hidden because no real deployment should set it.
    #[arg(long, env = TODAY_VARIABLE, global = true, hide = true, value_parser = Clock::parse_pinned)]
    today: Option<Clock>,
}

#[derive(clap::Args, Clone)]
struct DatabaseArgs {
    /// sqlite://FILE (created if missing) or postgres://USER@HOST:PORT/DB
    #[arg(long, env = "BINHDANG_DATABASE_URL", default_value = DEFAULT_DATABASE, global = true)]
    database_url: String,
}

#[derive(Subcommand)]
enum Command {
    /// Create or upgrade the schema and load the national catalogue and the official
    /// administrative units (before and after the 1 July 2025 reform). Safe to run again.
    Init {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Also load a demo for the province of Lai Châu (values 2021 to 2026H1, local targets).
        #[arg(long)]
        demo: bool,
    },
    /// Run the web server. Prepares the database first when it is empty, as `init` would.
    Serve {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Load the Lai Châu demo if it is not there yet.
        #[arg(long)]
        demo: bool,
        /// The address people reach the server at, e.g. https://binhdang.laichau.gov.vn (behind
        /// a reverse proxy that ends TLS): when https, cookies are Secure and HSTS is sent, and
        /// browser writes must come from this host.
        #[arg(long, env = "BINHDANG_PUBLIC_URL")]
        public_url: Option<String>,
        /// A reverse proxy (address or block, e.g. 10.0.0.0/8; repeat for several) whose
        /// X-Forwarded-For names the client; from anyone else that header is ignored.
        #[arg(long = "trusted-proxy", value_delimiter = ',', env = "BINHDANG_TRUSTED_PROXIES")]
        trusted_proxies: Vec<binhdang_web::Cidr>,
    },
    /// Accounts: add, list, disable, reset a password.
    User {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(subcommand)]
        action: accounts::UserCommand,
    },
    /// Agencies beside a unit (departments, mass organisations): add, rename, close, list.
    Agency {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(subcommand)]
        action: accounts::AgencyCommand,
    },
    /// The indicator catalogue: add a programme's indicators from a CSV, remove, list.
    Catalogue {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(subcommand)]
        action: catalogue::CatalogueCommand,
    },
    /// Personal access tokens for API clients.
    Token {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(subcommand)]
        action: accounts::TokenCommand,
    },
    /// Completeness and timeliness of the units below a unit for a period.
    Status {
        #[command(flatten)]
        db: DatabaseArgs,
        /// GSO code of the unit whose children are listed.
        #[arg(long)]
        unit: String,
        /// Period identifier, e.g. 2025H1.
        #[arg(long)]
        period: String,
        /// Reporting programme (default: the one that reports on the period).
        #[arg(long)]
        programme: Option<String>,
    },
    /// The national-scale benchmark: a synthetic national dataset loaded into fresh SQLite
    /// and PostgreSQL databases, roll-up timed against DuckDB, write-to-national latency and
    /// server memory; writes docs/PERFORMANCE.md. Run it in release:
    /// `cargo run --release -p binhdang -- bench`. `bench load`: the deadline-day load test.
    Bench(bench::BenchCli),
    /// Check reports (text, DOCX, PDF): extract their figures and list every
    /// inconsistency. Exit status 0: nothing found, 1: findings, 2: a file is unreadable.
    Check(check::CheckArgs),
    /// Import the figures of a legacy report into the store, after confirmation.
    /// Exit status 0: done, 1: values refused (nothing stored), 2: unreadable file or
    /// unknown unit or period.
    Import {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(subcommand)]
        action: import::ImportCommand,
    },
    /// Official documents (Nghị định 30/2020 layout) of a unit for a period: DOCX, PDF, XLSX.
    Report {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        args: report::ReportArgs,
    },
    /// Recompute the live sums from the stored values and replay the audit trail, in one
    /// read-only snapshot, and list what disagrees. Exit status 0: all agree, 1: a mismatch
    /// or an audit break, 2: the database cannot be read.
    Verify {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(flatten)]
        args: verify::VerifyArgs,
    },
    /// Data value sets with DHIS2-family systems: `export` a unit's values, `import` a file as
    /// an account (printing DHIS2's import summary).
    Exchange {
        #[command(flatten)]
        db: DatabaseArgs,
        #[command(subcommand)]
        action: exchange::ExchangeCommand,
    },
    /// Write the open-data site (the pages of /du-lieu-mo, a CSV per indicator in Open SDG's
    /// shape and index.json) as static files that any web server can host.
    Publish {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Write the whole database, from one consistent snapshot, to a file (safe while the
    /// server runs; see the README for a schedule).
    Backup {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Put a backup into a new, empty database (SQLite or PostgreSQL).
    Restore {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The backup file.
        file: std::path::PathBuf,
    },
    /// Copy a whole deployment from one database into a new, empty one: SQLite to
    /// PostgreSQL, or back. Run `binhdang verify` on the new one afterwards.
    Migrate {
        /// The database in use now.
        #[arg(long)]
        from: String,
        /// The new, empty database.
        #[arg(long)]
        to: String,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let clock = cli.today.unwrap_or(Clock::System);
    // `check` has exit codes of its own (0, 1, 2) and needs no database.
    let cli = match cli.command {
        Command::Check(args) => return check::run(args),
        // `import` has exit codes of its own too (0, 1, 2).
        Command::Import { db, action } => {
            return match open(&db.database_url, clock).await {
                Ok(store) => {
                    let status = import::run(&store, action).await;
                    store.close().await;
                    status
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    std::process::ExitCode::from(2)
                }
            };
        }
        // `verify` too (0, 1, 2), and it opens the database as it is, without migrating.
        Command::Verify { db, args } => return verify::run(&db.database_url, args).await,
        command => Cli {
            command,
            today: Some(clock),
        },
    };
    // Errors are printed as sentences, without a backtrace: they are for the operator.
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "binhdang=info,binhdang_web=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let clock = cli.today.unwrap_or(Clock::System);
    match cli.command {
        Command::Init { db, demo } => {
            let store = open(&db.database_url, clock).await?;
            init(&store, demo).await?;
            store.close().await;
        }
        Command::Serve {
            db,
            addr,
            demo,
            public_url,
            trusted_proxies,
        } => {
            let store = open(&db.database_url, clock).await?;
            init(&store, demo).await?;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            eprintln!("binhdang: serving on http://{addr}/ ({})", store.backend().name());
            binhdang_web::serve_with(
                listener,
                store,
                binhdang_web::Settings {
                    public_url,
                    trusted_proxies,
                },
            )
            .await?;
        }
        Command::User { db, action } => {
            let store = open(&db.database_url, clock).await?;
            accounts::user(&store, action).await?;
        }
        Command::Token { db, action } => {
            let store = open(&db.database_url, clock).await?;
            accounts::token(&store, action).await?;
        }
        Command::Catalogue { db, action } => {
            let store = open(&db.database_url, clock).await?;
            catalogue::catalogue(&store, action).await?;
        }
        Command::Agency { db, action } => {
            let store = open(&db.database_url, clock).await?;
            accounts::agency(&store, action).await?;
        }
        Command::Status {
            db,
            unit,
            period,
            programme,
        } => {
            let store = open(&db.database_url, clock).await?;
            status(&store, &unit, &period, programme.as_deref()).await?;
        }
        Command::Bench(cli) => bench::main(cli).await?,
        // Dispatched in `main`, before any logging or database.
        Command::Check(_) | Command::Import { .. } | Command::Verify { .. } => {
            unreachable!("check, import and verify run from main")
        }
        Command::Exchange { db, action } => {
            let store = open(&db.database_url, clock).await?;
            let imported = exchange::run(&store, action).await;
            store.close().await;
            if !imported? {
                std::process::exit(1);
            }
        }
        Command::Publish { db, out } => {
            let store = open(&db.database_url, clock).await?;
            let done = binhdang_web::publish(&store, &out)
                .await
                .map_err(|e| anyhow::anyhow!("publishing failed: {e:?}"))?;
            println!(
                "{} pages and {} files written to {}",
                done.pages,
                done.files,
                out.display()
            );
        }
        Command::Backup { db, out } => {
            let store = open(&db.database_url, clock).await?;
            backup::backup(&store, &out).await?;
        }
        Command::Restore { db, file } => {
            let store = open(&db.database_url, clock).await?;
            backup::restore(&store, &file).await?;
        }
        Command::Migrate { from, to } => {
            let (from, to) = (open(&from, clock).await?, open(&to, clock).await?);
            backup::migrate(&from, &to).await?;
        }
        Command::Report { db, args } => {
            let store = open(&db.database_url, clock).await?;
            report::run(&store, args).await?;
        }
    }
    Ok(())
}

async fn open(url: &str, clock: Clock) -> anyhow::Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?
        .with_clock(clock);
    store
        .migrate()
        .await
        .context("cannot bring the database schema up to date")?;
    Ok(store)
}

/// Loads what is missing: the catalogue, the units, and the demo when asked.
async fn init(store: &Store, demo: bool) -> anyhow::Result<()> {
    prepare(store, &UnitFiles::shipped()).await?;
    if demo {
        demo::load(store).await?;
        demo_annex::load(store).await?;
        demo_plans::load(store).await?;
    }
    accounts::first_admin(store).await?;
    Ok(())
}

/// What `init` loads but the demo and the first administrator: the catalogue, the units
/// (`units`: the official lists, or a part of them), the programmes and the derived tables.
async fn prepare(store: &Store, units: &UnitFiles<'_>) -> anyhow::Result<()> {
    let catalogue = shipped_catalogue()?;
    store.load_catalogue(&catalogue).await?;
    eprintln!(
        "catalogue: {} objectives, {} indicators, {} data elements",
        catalogue.objectives.len(),
        catalogue.indicators.len(),
        catalogue.elements.len()
    );
    eprintln!("units: loading the official lists (before and after 1 July 2025)…");
    let report = store.load_units(units).await?;
    if report.already_loaded {
        eprintln!("units: already loaded");
    } else {
        eprintln!(
            "units: {} units, {} provinces continuing across the reform, {} successions ({} mapping rows skipped)",
            report.units, report.continuing_provinces, report.successions, report.skipped_mapping_rows
        );
    }
    for (label, date) in [
        ("2024-01-01", time::macros::date!(2024 - 01 - 01)),
        ("2026-01-01", time::macros::date!(2026 - 01 - 01)),
    ] {
        let counts = store.unit_counts(date).await?;
        let text: Vec<String> = counts.iter().map(|(l, n)| format!("{n} {l}")).collect();
        eprintln!("units valid on {label}: {}", text.join(", "));
    }
    store
        .load_programmes(&binhdang_domain::calendar::default_programmes())
        .await?;
    for table in store.ensure_derived().await? {
        eprintln!("rebuilt {table}");
    }
    Ok(())
}

/// Prints each child's state and timeliness, then the rates.
async fn status(store: &Store, unit: &str, period: &str, programme: Option<&str>) -> anyhow::Result<()> {
    let period: binhdang_domain::Period = period
        .parse()
        .map_err(|e: binhdang_domain::PeriodError| anyhow::anyhow!("{e}"))?;
    let unit = store
        .unit_for_period(unit, &period)
        .await?
        .with_context(|| format!("no unit {unit} in {period}"))?;
    let programme = match programme {
        Some(code) => store.programme(code).await?,
        None => store
            .programme_for(&period)
            .await?
            .with_context(|| format!("no programme reports on {period}"))?,
    };
    let report = store.status(&unit, &programme, &period, store.today()).await?;
    println!("{} — {} — {}", unit.full_name, programme.name_vi, period.label_vi());
    println!(
        "{:<7} {:<36} {:<10} {:<12} {:<11} timeliness",
        "code", "unit", "state", "deadline", "submitted"
    );
    for c in &report.children {
        let deadline = c.deadline.map(binhdang_domain::vn::format_date).unwrap_or_default();
        let submitted = c.first_submitted_at.as_deref().and_then(|t| t.get(..10)).unwrap_or("");
        println!(
            "{:<7} {:<36} {:<10} {:<12} {:<11} {}",
            c.unit.code,
            c.unit.full_name,
            c.state,
            deadline,
            submitted,
            c.timeliness.label_vi()
        );
    }
    for a in &report.agencies {
        let deadline = a.deadline.map(binhdang_domain::vn::format_date).unwrap_or_default();
        let submitted = a.first_submitted_at.as_deref().and_then(|t| t.get(..10)).unwrap_or("");
        println!(
            "{:<7} {:<36} {:<10} {:<12} {:<11} {}",
            "agency",
            a.name_vi,
            a.state,
            deadline,
            submitted,
            a.timeliness.label_vi()
        );
    }
    println!(
        "expected {}, submitted {} ({}%), approved {} ({}%), on time {} ({}%), late {}, overdue {}",
        report.expected,
        report.submitted,
        report.submitted_rate,
        report.approved,
        report.approved_rate,
        report.on_time,
        report.on_time_rate,
        report.late,
        report.overdue
    );
    Ok(())
}
