//! `binhdang exchange`: data value sets with DHIS2-family systems from the command line, through
//! the same code as `/api/v1/dataValueSets` — an export of a unit (and its subtree) for a
//! period, an import as a named account (its scope, the form's checks, the audit trail and the
//! workflow's locks apply) answered with DHIS2's import summary.

use anyhow::{Context, anyhow};
use binhdang_domain::exchange::{dhis2_period, to_adx, to_csv, to_dxf2};
use binhdang_engine::exchange::{from_any, import, period_of, stored_values, value_set};
use binhdang_store::Store;
use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    Xml,
    Csv,
    Adx,
}

#[derive(Subcommand)]
pub enum ExchangeCommand {
    /// Write a unit's values for a period (with --children, every unit's below it too) as a
    /// DHIS2 data value set: JSON, DHIS2 XML, DHIS2 CSV or ADX.
    Export {
        /// The unit's GSO code (DHIS2 org unit code).
        #[arg(long)]
        org_unit: String,
        /// A DHIS2 period (2024, 2024S1, 2024Q3, 202403) or binhdang's (2024H1).
        #[arg(long)]
        period: String,
        #[arg(long)]
        children: bool,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// The file to write; standard output without it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import a data value set (JSON, DHIS2 XML, ADX or DHIS2 CSV, told apart by its content)
    /// as the named account, and print DHIS2's import summary. Exit status 0 when something
    /// could be imported (or checked, with --dry-run), 1 when nothing could.
    Import {
        file: PathBuf,
        /// The account the values are entered as (its role and unit decide what it may write).
        #[arg(long)]
        username: String,
        /// Check and count everything, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Runs the command; `Ok(false)` when an import rejected every value.
pub async fn run(store: &Store, command: ExchangeCommand) -> anyhow::Result<bool> {
    match command {
        ExchangeCommand::Export {
            org_unit,
            period,
            children,
            format,
            out,
        } => {
            let text = export(store, &org_unit, &period, children, format).await?;
            match out {
                Some(path) => std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(true)
        }
        ExchangeCommand::Import {
            file,
            username,
            dry_run,
        } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let set = from_any(&text).map_err(|e| anyhow!("{}: {e}", file.display()))?;
            let user = store
                .user_by_name(&username)
                .await?
                .ok_or_else(|| anyhow!("there is no account `{username}` (không có tài khoản này)"))?;
            let summary = import(store, &user, "command line", &set, dry_run).await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&binhdang_web::import_summary_json(&summary))?
            );
            Ok(summary.status() != "ERROR")
        }
    }
}

async fn export(store: &Store, org_unit: &str, period: &str, children: bool, format: Format) -> anyhow::Result<String> {
    let parsed = period_of(period).ok_or_else(|| anyhow!("`{period}` is not a period"))?;
    let id = dhis2_period(&parsed).ok_or_else(|| {
        anyhow!("`{period}` has no DHIS2 period type: a year, half-year, quarter or month (kỳ này không trao đổi được)")
    })?;
    let (unit, parsed) = store.resolve_unit_period(org_unit, &parsed.to_string()).await?;
    let values = stored_values(store, &unit, &parsed, children).await?;
    // The operator reads everything; that small cells went out is written down all the same.
    let cells: Vec<_> = values
        .iter()
        .map(|(u, v)| (u.clone(), v.element.to_string(), v.disaggregation))
        .collect();
    let small = binhdang_engine::disclosure::hidden_cells(store, &parsed, &cells)
        .await?
        .iter()
        .filter(|h| h.is_some())
        .count();
    if small > 0 {
        let actor = binhdang_store::Actor {
            name: "cli".into(),
            origin: "command line".into(),
            entered_from: None,
        };
        let period = parsed.to_string();
        binhdang_engine::disclosure::audit_unsuppressed(
            store,
            &actor,
            unit.id,
            &period,
            "binhdang exchange export",
            small,
        )
        .await?;
    }
    let set = value_set(store, &unit.code, &id, values).await?;
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(&set)?,
        Format::Xml => to_dxf2(&set),
        Format::Csv => to_csv(&set),
        Format::Adx => to_adx(&set, &store.clock().now_text()),
    })
}
