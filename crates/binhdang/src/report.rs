//! `binhdang report`: writes a unit's official documents for a period (or a window of dates)
//! as DOCX, PDF and XLSX.

use anyhow::Context;
use binhdang_domain::{Period, Window};
use binhdang_reports::{Format, Kind, Request, Template};
use binhdang_store::Store;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// GSO code of the unit, e.g. 12 (Lai Châu).
    #[arg(long)]
    unit: String,
    /// Period: 2024, 2024H1, 2021-2025, 2024AM (a year's Action Month report uses YYYYAM);
    /// or a window: a range 2021..2024H1, or dates 2021-01-01..2024-07-31 (a law report's).
    #[arg(long)]
    period: String,
    /// Documents, comma-separated: strategy, assessment, activities, communication,
    /// documents, budget, action-month, review (of a phase: 2021-2025), law-review; or all:
    /// the period's documents (a law report only when named), or all that fit a window.
    #[arg(long, default_value = "all")]
    kind: String,
    /// The programme the report is sent under (its approval lifts the DỰ THẢO mark); default:
    /// the first that reports on the period.
    #[arg(long)]
    programme: Option<String>,
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
    let window: Window = args
        .period
        .parse()
        .map_err(|e: binhdang_domain::WindowError| anyhow::anyhow!("{e}"))?;
    let unit = match window.period() {
        Some(period) => store.unit_for_period(&args.unit, &period).await?,
        None => store.unit_for_span(&args.unit, window.start(), window.end()).await?,
    }
    .with_context(|| format!("no unit {} reports for {window}", args.unit))?;
    if let Some(code) = &args.programme {
        let programme = store.programme(code).await?;
        anyhow::ensure!(
            window.period().is_some_and(|p| programme.covers(&p)),
            "programme {code} does not report on {window}"
        );
    }
    let kinds: Vec<Kind> = if args.kind.trim() == "all" {
        match window.period() {
            Some(Period::ActionMonth(_)) => vec![Kind::ActionMonth, Kind::Activities, Kind::Communication],
            // A period's regular documents; a law report is asked for by name, or is what a
            // window of dates is for.
            Some(_) => Kind::ALL
                .into_iter()
                .filter(|k| k.fits(&window) && *k != Kind::LawReview)
                .collect(),
            None => Kind::ALL.into_iter().filter(|k| k.fits(&window)).collect(),
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
                window,
                programme: args.programme.as_deref(),
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
