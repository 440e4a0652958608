//! `binhdang`: the one command of the system. `init` prepares a database, `serve` runs the
//! web server (and prepares the database first if it is empty).

mod bench;
mod demo;

use anyhow::Context;
use binhdang_store::Store;
use binhdang_store::seed::{UnitFiles, shipped_catalogue};
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
}

#[derive(clap::Args, Clone)]
struct DatabaseArgs {
    /// sqlite://FILE (created if missing) or postgres://USER@HOST:PORT/DB
    #[arg(long, env = "BINHDANG_DATABASE_URL", default_value = DEFAULT_DATABASE)]
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
    },
    /// The national-scale benchmark: a synthetic national dataset loaded into fresh SQLite
    /// and PostgreSQL databases, roll-up timed against DuckDB, write-to-national latency and
    /// server memory; writes docs/PERFORMANCE.md. Run it in release:
    /// `cargo run --release -p binhdang -- bench`.
    Bench(bench::BenchArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "binhdang=info,binhdang_web=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Init { db, demo } => {
            let store = open(&db.database_url).await?;
            init(&store, demo).await?;
            store.close().await;
        }
        Command::Serve { db, addr, demo } => {
            let store = open(&db.database_url).await?;
            init(&store, demo).await?;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            eprintln!("binhdang: serving on http://{addr}/ ({})", store.backend().name());
            binhdang_web::serve(listener, store).await?;
        }
        Command::Bench(args) => bench::run(args).await?,
    }
    Ok(())
}

async fn open(url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    store
        .migrate()
        .await
        .context("cannot bring the database schema up to date")?;
    Ok(store)
}

/// Loads what is missing: the catalogue, the units, and the demo when asked.
async fn init(store: &Store, demo: bool) -> anyhow::Result<()> {
    let catalogue = shipped_catalogue()?;
    store.load_catalogue(&catalogue).await?;
    eprintln!(
        "catalogue: {} objectives, {} indicators, {} data elements",
        catalogue.objectives.len(),
        catalogue.indicators.len(),
        catalogue.elements.len()
    );
    eprintln!("units: loading the official lists (before and after 1 July 2025)…");
    let report = store.load_units(&UnitFiles::shipped()).await?;
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
    for table in store.ensure_derived().await? {
        eprintln!("rebuilt {table}");
    }
    if demo {
        demo::load(store).await?;
    }
    Ok(())
}
