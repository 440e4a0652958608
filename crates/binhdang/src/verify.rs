//! `binhdang verify [--repair] [--json]`: recomputes the live sums (`aggregates`,
//! `approved_aggregates`) from the stored values and replays the audit trail against them,
//! in one read-only snapshot of the database (see `crates/store/src/verify.rs`), and prints
//! a summary with the first mismatches and breaks. Exit status 0 all agree, 1 a mismatch or
//! an audit break, 2 the database cannot be read. With `--repair`, the sums that disagree are
//! rebuilt after the report and checked again; the status is then that of the second check.
//! Audit breaks cannot be repaired: the trail is append-only and records what happened.

use anyhow::Context;
use binhdang_store::{Backend, Store, VerifyReport};
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// After the report, rebuild the sums that disagree (the whole table, in one write
    /// transaction that holds writers back on SQLite) and verify again. Audit breaks cannot
    /// be repaired.
    #[arg(long)]
    repair: bool,
    /// Print the report as JSON on standard output.
    #[arg(long)]
    json: bool,
    /// List at most this many mismatches, breaks and unaudited values (the counts are complete).
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

/// What `--repair` did.
#[derive(Serialize)]
struct Repair {
    /// Cells written by the rebuild of each table (none: it agreed, nothing rebuilt).
    aggregates_rebuilt: Option<usize>,
    approved_aggregates_rebuilt: Option<usize>,
    /// Audit breaks stay: they cannot be repaired.
    audit_breaks_remaining: u64,
    /// The check after the rebuild (none when nothing was rebuilt).
    after: Option<VerifyReport>,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    clean: bool,
    #[serde(flatten)]
    report: &'a VerifyReport,
    repair: Option<Repair>,
}

pub async fn run(url: &str, args: VerifyArgs) -> ExitCode {
    let store = match connect(url).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let status = match check(&store, &args).await {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            eprintln!("error: {e:#}");
            2
        }
    };
    store.close().await;
    ExitCode::from(status)
}

/// Opens an existing database as it is: no schema upgrade, and no new SQLite file for a
/// mistyped path.
async fn connect(url: &str) -> anyhow::Result<Store> {
    let mut url = url.to_string();
    if Backend::from_url(&url)? == Backend::Sqlite {
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:")
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        anyhow::ensure!(
            std::path::Path::new(&path).is_file(),
            "there is no SQLite database at {path}"
        );
        // Refused here rather than after the pool's 30 s of retries.
        let mut header = [0_u8; 16];
        let read = std::io::Read::read(&mut std::fs::File::open(&path)?, &mut header)?;
        anyhow::ensure!(
            read == 0 || header == *b"SQLite format 3\0",
            "{path} is not an SQLite database"
        );
        if !url.contains("mode=") {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("mode=rw");
        }
    }
    Store::connect(&url)
        .await
        .with_context(|| format!("cannot open the database {url}"))
}

/// Verifies (and repairs when asked); true when all agrees in the end.
async fn check(store: &Store, args: &VerifyArgs) -> anyhow::Result<bool> {
    let report = store
        .verify(args.limit)
        .await
        .context("cannot read the database to verify it")?;
    if !args.json {
        print_report(&report, !args.repair);
    }
    let mut clean = report.is_clean();
    let mut repair = None;
    if args.repair {
        let mut done = Repair {
            aggregates_rebuilt: None,
            approved_aggregates_rebuilt: None,
            audit_breaks_remaining: report.audit_breaks,
            after: None,
        };
        if report.aggregates.mismatches > 0 {
            say(args, "repair: rebuilding aggregates from the stored values…");
            let n = store.rebuild_aggregates().await.context("cannot rebuild aggregates")?;
            say(
                args,
                &format!("repair: aggregates rebuilt ({} cells)", thousands(n as u64)),
            );
            done.aggregates_rebuilt = Some(n);
        }
        if report.approved_aggregates.mismatches > 0 {
            say(
                args,
                "repair: rebuilding approved_aggregates from the approved reports…",
            );
            let n = store
                .rebuild_approved_aggregates()
                .await
                .context("cannot rebuild approved_aggregates")?;
            say(
                args,
                &format!("repair: approved_aggregates rebuilt ({} cells)", thousands(n as u64)),
            );
            done.approved_aggregates_rebuilt = Some(n);
        }
        if report.mismatch_count() == 0 {
            say(args, "repair: the sums agree, nothing to rebuild");
        }
        if report.audit_breaks > 0 {
            say(
                args,
                &format!(
                    "repair: {} audit break(s) cannot be repaired: the trail is append-only and records what \
                     happened; the values changed outside the audited write path must be looked into",
                    thousands(report.audit_breaks)
                ),
            );
        }
        if report.mismatch_count() > 0 {
            let after = store
                .verify(args.limit)
                .await
                .context("cannot read the database to verify it again")?;
            if !args.json {
                println!();
                println!("after the repair:");
                print_report(&after, false);
            }
            clean = after.is_clean();
            done.after = Some(after);
        }
        repair = Some(done);
    }
    if args.json {
        let out = JsonOutput {
            clean,
            report: &report,
            repair,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    Ok(clean)
}

/// A line of the repair's progress: on standard output for the text report, on standard
/// error with `--json` (standard output is the JSON document then).
fn say(args: &VerifyArgs, line: &str) {
    if args.json {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
}

/// The summary and the first findings; `hint` names `--repair` when sums disagree.
fn print_report(r: &VerifyReport, hint: bool) {
    println!(
        "binhdang verify: {} database, read in one read-only snapshot",
        r.database
    );
    for check in [&r.aggregates, &r.approved_aggregates] {
        println!(
            "  {:<21} {} cells checked in {} period(s): {} mismatch(es) ({} missing, {} extra, {} different)",
            format!("{}:", check.table),
            thousands(check.cells_checked),
            check.periods,
            thousands(check.mismatches),
            thousands(check.missing),
            thousands(check.extra),
            thousands(check.different),
        );
    }
    println!(
        "  {:<21} {} values and {} audit chains ({} rows) checked: {} break(s)",
        "audit trail:",
        thousands(r.values_checked),
        thousands(r.audit_chains_checked),
        thousands(r.audit_rows_checked),
        thousands(r.audit_breaks)
    );
    if r.unaudited > 0 {
        println!(
            "  {:<21} {} value(s) stored without an audit row, as a bulk load leaves them (not a fault; \
             0 on a database written only through the application)",
            "unaudited:",
            thousands(r.unaudited)
        );
    }
    if !r.mismatches.is_empty() {
        println!();
        println!("{}:", first_of("mismatches", r.mismatches.len(), r.mismatch_count()));
        let rows: Vec<[String; 8]> = r
            .mismatches
            .iter()
            .map(|m| {
                [
                    m.table.to_string(),
                    m.unit.clone(),
                    m.period.clone(),
                    m.element.clone(),
                    m.disaggregation.clone(),
                    m.problem.as_str().to_string(),
                    cell(m.expected_value.as_deref(), m.expected_reporting),
                    cell(m.found_value.as_deref(), m.found_reporting),
                ]
            })
            .collect();
        table(
            &[
                "table",
                "unit",
                "period",
                "element",
                "breakdown",
                "problem",
                "expected (sum / units)",
                "found (sum / units)",
            ],
            &rows,
        );
    }
    if !r.breaks.is_empty() {
        println!();
        println!("{}:", first_of("audit breaks", r.breaks.len(), r.audit_breaks));
        let rows: Vec<[String; 8]> = r
            .breaks
            .iter()
            .map(|b| {
                [
                    b.unit.clone(),
                    b.period.clone(),
                    b.element.clone(),
                    b.disaggregation.clone(),
                    b.audit_id.to_string(),
                    match b.problem {
                        binhdang_store::AuditProblem::Chain => "old value ≠ previous new value".to_string(),
                        binhdang_store::AuditProblem::Current => "stored value ≠ last new value".to_string(),
                    },
                    value(b.expected.as_deref()),
                    value(b.found.as_deref()),
                ]
            })
            .collect();
        table(
            &[
                "unit",
                "period",
                "element",
                "breakdown",
                "audit row",
                "problem",
                "trail says",
                "found",
            ],
            &rows,
        );
    }
    println!();
    if r.is_clean() {
        println!("result: all agree (kết quả: số liệu tổng hợp và nhật ký thay đổi khớp với số liệu đã lưu)");
    } else {
        println!(
            "result: {} mismatch(es), {} audit break(s) (kết quả: có sai lệch){}",
            thousands(r.mismatch_count()),
            thousands(r.audit_breaks),
            if hint && r.mismatch_count() > 0 {
                "; `binhdang verify --repair` rebuilds the sums"
            } else {
                ""
            }
        );
    }
}

fn first_of(what: &str, shown: usize, total: u64) -> String {
    if shown as u64 == total {
        what.to_string()
    } else {
        format!("{what} (the first {shown} of {})", thousands(total))
    }
}

fn cell(value: Option<&str>, reporting: Option<i64>) -> String {
    match (value, reporting) {
        (None, None) => "(none)".into(),
        (v, r) => format!(
            "{} / {}",
            v.unwrap_or("?"),
            r.map_or("?".to_string(), |r| r.to_string())
        ),
    }
}

fn value(v: Option<&str>) -> String {
    v.map_or("(none)".to_string(), str::to_string)
}

/// Columns padded to their widest entry (counted in characters).
fn table<const N: usize>(headings: &[&str; N], rows: &[[String; N]]) {
    let mut widths = headings.map(|h| h.chars().count());
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        println!("  {}", padded.join("  ").trim_end());
    };
    line(headings.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// 11330007 → 11,330,007.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(11_330_007), "11,330,007");
    }
}
