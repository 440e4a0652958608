//! `binhdang import report FILE --unit CODE --period P [--accept-confident]`: reads a legacy
//! report, prints what its figures propose, and keeps them as a batch to confirm in the
//! interface; with `--accept-confident`, confirms the high-confidence proposals and stores
//! them. Exit status 0 done, 1 the values were refused (nothing stored), 2 the file, unit
//! or period cannot be used.

use binhdang_domain::vn::format_number;
use binhdang_store::{Actor, ImportBatch, Store, StoreError};
use binhdang_web::ApiError;
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;

#[derive(clap::Subcommand)]
pub enum ImportCommand {
    /// Import the figures of a legacy report (text, DOCX, PDF) for a unit and period.
    Report(ReportArgs),
}

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The report: plain text (UTF-8), .docx, or .pdf with a text layer.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// GSO code of the unit the report is about, e.g. 12 (Lai Châu).
    #[arg(long)]
    unit: String,
    /// Period the figures are for, e.g. 2024 or 2024H1.
    #[arg(long)]
    period: String,
    /// Confirm the high-confidence proposals and store them at once (the rest stay out).
    #[arg(long)]
    accept_confident: bool,
    /// Account the import is recorded under (default: cli).
    #[arg(long)]
    username: Option<String>,
}

/// A failure and the exit status it gives.
struct Failure(u8, String);

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure(1, e.to_string())
    }
}

fn explain(status: u8, e: ApiError) -> Failure {
    match e {
        ApiError::Invalid(problems) => Failure(
            status,
            problems
                .iter()
                .map(|p| format!("{} ({})", p.message_vi, p.message_en))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        other => Failure(1, format!("{other:?}")),
    }
}

pub async fn run(store: &Store, command: ImportCommand) -> ExitCode {
    let ImportCommand::Report(args) = command;
    match report(store, &args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(status, message)) => {
            eprintln!("binhdang import: {message}");
            ExitCode::from(status)
        }
    }
}

async fn report(store: &Store, args: &ReportArgs) -> Result<(), Failure> {
    let bytes = std::fs::read(&args.file).map_err(|e| {
        Failure(
            2,
            format!("không đọc được {} (cannot read it): {e}", args.file.display()),
        )
    })?;
    let (unit, period) = store
        .resolve_unit_period(&args.unit, &args.period)
        .await
        .map_err(|e| explain(2, e.into()))?;
    let actor = match &args.username {
        Some(name) => {
            let user = store
                .user_by_name(name)
                .await?
                .ok_or_else(|| Failure(2, format!("không có tài khoản {name} (no such account)")))?;
            Actor {
                name: user.username,
                origin: "command line".into(),
                entered_from: None,
            }
        }
        None => Actor {
            name: "cli".into(),
            origin: "command line".into(),
            entered_from: None,
        },
    };
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    let batch = binhdang_web::import_report(store, &unit, &period, &file_name, &bytes, &actor)
        .await
        .map_err(|e| explain(2, e))?;
    println!(
        "{} — {} — {} ({} đề xuất / proposals)",
        unit.full_name,
        period.label_vi(),
        file_name,
        batch.proposals.len()
    );
    print_table(&batch);
    if !args.accept_confident {
        println!(
            "Đã lưu lần nhập {} để xác nhận, chưa ghi số liệu nào (import {} kept for confirming; nothing stored): \
             /nhap-bao-cao-cu/{}",
            batch.id, batch.id, batch.id
        );
        return Ok(());
    }
    if !batch.proposals.iter().any(|p| p.proposed.confidence == "high") {
        println!("Không có đề xuất độ tin cậy cao; chưa ghi số liệu nào (no high-confidence proposal; nothing stored)");
        return Ok(());
    }
    let summary = binhdang_web::accept_confident(store, &batch, &actor)
        .await
        .map_err(|e| explain(1, e))?;
    let stored = store.import_batch(batch.id).await?;
    println!(
        "Đã ghi {} giá trị ({} không đổi) (written {}, unchanged {}):",
        summary.written, summary.unchanged, summary.written, summary.unchanged
    );
    for p in stored.proposals.iter().filter(|p| p.decision.stores()) {
        let (element, disaggregation, value) = p.effective();
        println!("  {element} {disaggregation} = {}", vn_value(value));
    }
    Ok(())
}

fn vn_value(canonical: &str) -> String {
    Decimal::from_str(canonical)
        .map(|d| format_number(d, None))
        .unwrap_or_else(|_| canonical.to_string())
}

/// First `n` characters of `s`, with `…` when cut.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn print_table(batch: &ImportBatch) {
    println!(
        "{:>4}  {:<6} {:<48} {:<7} {:<12} {:<8} {:>10}  tin cậy",
        "#", "dòng", "trích dẫn (quote)", "chỉ tiêu", "phần tử", "phân tổ", "giá trị"
    );
    for p in &batch.proposals {
        println!(
            "{:>4}  {:<6} {:<48} {:<7} {:<12} {:<8} {:>10}  {}{}",
            p.id,
            p.proposed.line,
            cut(&p.proposed.quote, 48),
            p.proposed.indicator,
            p.proposed.element,
            p.proposed.disaggregation,
            vn_value(&p.proposed.value),
            p.proposed.confidence,
            p.proposed
                .flag_vi
                .as_deref()
                .map(|f| format!(" ⚠ {}", cut(f, 60)))
                .unwrap_or_default()
        );
    }
}
