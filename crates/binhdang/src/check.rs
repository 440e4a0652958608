//! `binhdang check FILE… [--json]`: reads reports (text, DOCX, PDF), extracts their
//! figures and prints every inconsistency found, grouped by section, in Vietnamese with
//! English beside it. Exit status: 0 nothing found, 1 findings, 2 a file could not be read.

use binhdang_domain::shipped::catalogue as shipped_catalogue;
use binhdang_ingest::{CheckFinding, Report, Severity};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Reports to check: plain text (UTF-8), .docx, or .pdf with a text layer.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print JSON: for one file {"file", "format", "year", "figures", "findings"}; for
    /// several, an array of those (an unreadable file gives {"file", "error"}).
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum JsonOut<'a> {
    Report(&'a Report),
    Unreadable { file: &'a str, error: JsonError },
}

#[derive(serde::Serialize)]
struct JsonError {
    message_vi: String,
    message_en: String,
}

struct Outcome {
    file: String,
    result: Result<Report, binhdang_ingest::ReadError>,
    took: Duration,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let catalogue = match shipped_catalogue() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("binhdang check: cannot load the shipped catalogue: {e}");
            return ExitCode::from(2);
        }
    };
    let many = args.files.len() > 1;
    let bar = if many {
        let bar = ProgressBar::new(args.files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Some(bar)
    } else {
        None
    };
    let mut outcomes = Vec::new();
    for path in &args.files {
        let file = path.display().to_string();
        if let Some(bar) = &bar {
            bar.set_message(file.clone());
        }
        let start = Instant::now();
        let result = binhdang_ingest::check_path(path, &catalogue.indicators);
        outcomes.push(Outcome {
            file,
            result,
            took: start.elapsed(),
        });
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        // Serialised from the structs, so fields keep their order (file, format, …).
        let values: Vec<JsonOut> = outcomes
            .iter()
            .map(|o| match &o.result {
                Ok(r) => JsonOut::Report(r),
                Err(e) => JsonOut::Unreadable {
                    file: &o.file,
                    error: JsonError {
                        message_vi: e.message_vi(),
                        message_en: e.to_string(),
                    },
                },
            })
            .collect();
        let text = if many {
            serde_json::to_string_pretty(&values)
        } else {
            serde_json::to_string_pretty(&values[0])
        };
        let _ = writeln!(out, "{}", text.unwrap_or_default());
    } else {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        for o in &outcomes {
            if let Ok(r) = &o.result {
                let _ = print_report(&mut out, r, colour);
            }
        }
    }
    for o in &outcomes {
        if let Err(e) = &o.result {
            eprintln!("binhdang check: {}: {}\n  ({e})", o.file, e.message_vi());
        }
    }
    if many {
        let table = summary(&outcomes);
        if args.json {
            eprint!("{table}");
        } else {
            let _ = write!(out, "{table}");
        }
    }
    let _ = out.flush();
    if outcomes.iter().any(|o| o.result.is_err()) {
        ExitCode::from(2)
    } else if outcomes
        .iter()
        .any(|o| o.result.as_ref().is_ok_and(|r| !r.findings.is_empty()))
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn paint(colour: bool, code: &str, text: &str) -> String {
    if colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn print_report(out: &mut impl Write, r: &Report, colour: bool) -> std::io::Result<()> {
    let word = r.format.position_word_vi();
    writeln!(
        out,
        "{} ({}, năm/year {}): {} lỗi/errors, {} cảnh báo/warnings; {} số liệu/figures",
        paint(colour, "1", &r.file),
        r.format.as_str(),
        r.year,
        r.errors(),
        r.warnings(),
        r.figures.len()
    )?;
    if r.findings.is_empty() {
        writeln!(out, "  Không thấy điểm bất nhất nào. / No inconsistency found.\n")?;
        return Ok(());
    }
    let mut section: Option<&str> = None;
    for f in &r.findings {
        if section != Some(f.section.as_str()) {
            writeln!(out, "\n  {}", paint(colour, "1;34", &format!("§ {}", f.section)))?;
            section = Some(&f.section);
        }
        print_finding(out, f, word, colour)?;
    }
    writeln!(out)?;
    Ok(())
}

fn print_finding(out: &mut impl Write, f: &CheckFinding, word: &str, colour: bool) -> std::io::Result<()> {
    let (mark, code) = match f.severity {
        Severity::Error => ("✗ LỖI/ERROR", "1;31"),
        Severity::Warning => ("! CẢNH BÁO/WARNING", "1;33"),
    };
    let place = match f.position.cell {
        Some(c) => format!("{word} {}, ô {c}", f.position.line),
        None => format!("{word} {}", f.position.line),
    };
    writeln!(
        out,
        "  {} {place}: {} / {}",
        paint(colour, code, mark),
        f.kind.label_vi(),
        f.kind.label_en()
    )?;
    writeln!(out, "      «{}»", f.quote)?;
    writeln!(out, "      ghi/stated: {}   đúng/expected: {}", f.stated, f.expected)?;
    writeln!(out, "      {}", f.message_vi)?;
    writeln!(out, "      {}", paint(colour, "2", &f.message_en))?;
    Ok(())
}

fn summary(outcomes: &[Outcome]) -> String {
    let width = outcomes
        .iter()
        .map(|o| o.file.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(12, 60);
    let mut s = format!(
        "\n{:<width$}  {:<6}  {:>7}  {:>5}  {:>8}  {:>8}\n",
        "tệp/file", "dạng", "số liệu", "lỗi", "cảnh báo", "thời gian"
    );
    s.push_str(&format!(
        "{:<width$}  {:<6}  {:>7}  {:>5}  {:>8}  {:>8}\n",
        "", "format", "figures", "err", "warn", "time"
    ));
    s.push_str(&"─".repeat(width + 46));
    s.push('\n');
    let (mut errors, mut warnings, mut unreadable) = (0, 0, 0);
    for o in outcomes {
        let name: String = if o.file.chars().count() > width {
            let tail: Vec<char> = o.file.chars().rev().take(width - 1).collect();
            format!("…{}", tail.into_iter().rev().collect::<String>())
        } else {
            o.file.clone()
        };
        let ms = format!("{} ms", o.took.as_millis());
        match &o.result {
            Ok(r) => {
                errors += r.errors();
                warnings += r.warnings();
                s.push_str(&format!(
                    "{name:<width$}  {:<6}  {:>7}  {:>5}  {:>8}  {ms:>8}\n",
                    r.format.as_str(),
                    r.figures.len(),
                    r.errors(),
                    r.warnings()
                ));
            }
            Err(_) => {
                unreadable += 1;
                s.push_str(&format!(
                    "{name:<width$}  {:<6}  {:>7}  {:>5}  {:>8}  {ms:>8}  không đọc được/unreadable\n",
                    "—", "—", "—", "—"
                ));
            }
        }
    }
    s.push_str(&"─".repeat(width + 46));
    s.push('\n');
    s.push_str(&format!(
        "{} tệp/files: {errors} lỗi/errors, {warnings} cảnh báo/warnings, {unreadable} không đọc được/unreadable\n",
        outcomes.len()
    ));
    s
}
