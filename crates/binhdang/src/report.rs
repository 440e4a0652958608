//! `binhdang report`: writes a unit's official documents for a period as DOCX, PDF and XLSX.

use anyhow::Context;
use binhdang_domain::Period;
use binhdang_reports::{Format, Kind, Request, Template};
use binhdang_store::Store;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// GSO code of the unit, e.g. 12 (Lai Châu).
    #[arg(long)]
    unit: String,
    /// Period: 2024, 2024H1, 2021-2025, 2024AM (a year's Action Month report uses YYYYAM).
    #[arg(long)]
    period: String,
    /// Documents, comma-separated: strategy, assessment, activities, communication,
    /// documents, budget, action-month, review (of a phase: 2021-2025); or all that fit the period.
    #[arg(long, default_value = "all")]
    kind: String,
    /// Formats, comma-separated: docx, pdf, xlsx.
    #[arg(long, default_value = "docx,pdf,xlsx")]
    format: String,
    /// Folder to write into (created if missing).
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// The document's date, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Folder of the province's report templates (default: $BINHDANG_REPORT_TEMPLATES; the
    /// shipped templates are built in).
    #[arg(long)]
    templates: Option<PathBuf>,
}

fn list<T: std::str::FromStr<Err = String>>(s: &str) -> anyhow::Result<Vec<T>> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<T>().map_err(|e| anyhow::anyhow!(e)))
        .collect()
}

pub async fn run(store: &Store, args: ReportArgs) -> anyhow::Result<()> {
    let period: Period = args
        .period
        .parse()
        .map_err(|e: binhdang_domain::PeriodError| anyhow::anyhow!("{e}"))?;
    let unit = store
        .unit_for_period(&args.unit, &period)
        .await?
        .with_context(|| format!("no unit {} reports for {period}", args.unit))?;
    let kinds: Vec<Kind> = if args.kind.trim() == "all" {
        match period {
            Period::ActionMonth(_) => vec![Kind::ActionMonth, Kind::Activities, Kind::Communication],
            _ => Kind::ALL.into_iter().filter(|k| k.fits(&period)).collect(),
        }
    } else {
        list(&args.kind)?
    };
    let formats: Vec<Format> = list(&args.format)?;
    let date = match &args.date {
        Some(d) => time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
            .with_context(|| format!("`{d}` is not a date: write YYYY-MM-DD"))?,
        None => store.today(),
    };
    let dir = args.templates.or_else(binhdang_reports::template::configured_dir);
    let (template, source) = Template::find(dir.as_deref(), &unit.code)?;
    eprintln!("template: {source}");
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    for kind in kinds {
        let started = Instant::now();
        let doc = binhdang_reports::build(
            store,
            &Request {
                kind,
                unit: &unit,
                period,
                date,
                template: &template,
            },
        )
        .await?;
        let built = started.elapsed();
        for format in &formats {
            let started = Instant::now();
            let bytes = binhdang_reports::render(&doc, *format)?;
            let path = args.out.join(binhdang_reports::file_name(&doc, *format));
            std::fs::write(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
            println!(
                "{}\t{} bytes\t{} ms (data {} ms){}",
                path.display(),
                bytes.len(),
                (built + started.elapsed()).as_millis(),
                built.as_millis(),
                if doc.draft { "\tDỰ THẢO" } else { "" }
            );
        }
    }
    Ok(())
}
