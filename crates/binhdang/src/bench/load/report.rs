//! The section "Deadline day (bench load)" of docs/PERFORMANCE.md, the summary lines, and replacing the section.

use super::figures::{Figures, latency_vs, rate, times};
use super::requests::Kind;
use super::results::{DatabaseResult, RoundResult};
use super::{GRACE, LoadArgs, PERIOD, REQUEST_TIMEOUT, SECTIONS, TODAY};
use crate::bench::machine::{loadavg, machine};
use crate::bench::stats::{ms, secs};
use binhdang_store::Backend;
use std::fmt::Write as _;
use std::time::Duration;

pub(super) fn round_lines(name: &str, r: &RoundResult) -> Vec<String> {
    let save = r.figures(Kind::Save);
    vec![
        format!(
            "{name}, {} officers in {}: {}/{} forms saved ({}), {} submitted, {} requests ({}, {} health); save p50 / p95 / p99 {}; read {}; errors {}; verify {}",
            r.officers,
            secs(r.elapsed),
            r.totals.saves_ok,
            r.saves_planned,
            rate(forms_per_second(r)),
            r.totals.submitted,
            r.all.answered,
            rate(r.all.per_second),
            times(r.all.per_second, r.health.per_second),
            triple(&save, &r.health),
            triple(&r.reads, &r.health),
            r.all.errors(),
            r.verify.text()
        ),
        format!(
            "bench load result: database={} officers={} saves={} saves_answered={} saves_ok={} saves_5xx={} saves_timeouts={} saves_connection_errors={} submitted={} verify={}",
            if name == Backend::Sqlite.name() {
                "sqlite"
            } else {
                "postgres"
            },
            r.officers,
            save.sent,
            save.answered,
            r.totals.saves_ok,
            save.server_errors(),
            save.timeouts,
            save.connection,
            r.totals.submitted,
            r.verify.short().replace(' ', "_")
        ),
    ]
}

fn triple(f: &Figures, health: &Figures) -> String {
    if f.answered == 0 {
        return "–".into();
    }
    format!(
        "{} / {} / {} ({} / {} / {})",
        ms(f.p50),
        ms(f.p95),
        ms(f.p99),
        times(f.p50.as_secs_f64(), health.p50.as_secs_f64()),
        times(f.p95.as_secs_f64(), health.p95.as_secs_f64()),
        times(f.p99.as_secs_f64(), health.p99.as_secs_f64())
    )
}

fn forms_per_second(r: &RoundResult) -> f64 {
    r.totals.saves_ok as f64 / r.elapsed.as_secs_f64().max(1e-9)
}

pub(super) fn summary_lines(d: &DatabaseResult) -> Vec<String> {
    let name = d.backend.name();
    let mut out: Vec<String> = d.rounds.iter().flat_map(|r| round_lines(name, r)).collect();
    if let Some(f) = &d.failure {
        out.push(format!("{name}: stopped: {f}"));
    }
    out
}

/// The section "Deadline day (bench load)" of the report.
pub(super) fn section(args: &LoadArgs, results: &[DatabaseResult], elapsed: Duration, load_at_start: &str) -> String {
    let mut md = String::new();
    let w = &mut md;
    write_intro(w, args, elapsed, load_at_start);
    write_overview(w, results);
    for d in results {
        write_database(w, d);
    }
    md
}

/// The heading, when and how the benchmark ran, the machine, and what happens in a round.
fn write_intro(w: &mut String, args: &LoadArgs, elapsed: Duration, load_at_start: &str) {
    let date = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default();
    let cli: Vec<String> = std::env::args().skip_while(|a| a != "bench").collect();
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    let _ = writeln!(w, "{}\n", heading(args));
    let _ = writeln!(
        w,
        "Written by `binhdang bench load` (crates/binhdang/src/bench/load/, {build} build). Measured {date}, in {} \
         overall; load average (1, 5, 15 min) {load_at_start} at the start, {} at the end.\n",
        secs(elapsed),
        loadavg()
    );
    let _ = writeln!(w, "```sh\nbinhdang {}\n```\n", cli.join(" "));
    let machine: Vec<String> = machine().into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
    let _ = writeln!(w, "Machine: {}.\n", machine.join("; "));
    let officers: Vec<String> = args.officers.iter().map(usize::to_string).collect();
    let _ = writeln!(
        w,
        "**What happens.** One round for each number of officers ({}), one after the other on the same database \
         and server. In a round every officer has a commune of its own, not used in an earlier round (communes \
         valid on 30/06/2026; {:.0}% of them in the busy province, the one with most communes, the others in turn \
         from the other provinces), and all start at once: each loads its entry form (`GET /api/v1/values`; the \
         first {} of a round sign in with their password and load the page `/nhap-lieu` with the session \
         cookie), {}saves the whole commune form — every data element of the indicators collected at commune \
         level, by sex where the catalogue asks for it, numerators within denominators — in one \
         `PUT /api/v1/values`, up to {} times with new figures, and then submits the report \
         (`POST /api/v1/workflow/submit`). Meanwhile {} provincial reviewers and leaders, signed in with their \
         password, read their province's `GET /api/v1/aggregates` and dashboard (`/bang-dieu-khien`) in turn, \
         {}. Period {PERIOD}; the server is this binary's `binhdang serve`, run with \
         `BINHDANG_TODAY={TODAY}`. No request starts after {} s; each may take {} s. Before each round the same \
         number of tasks call `GET /api/v1/health` for {} s: the baseline every figure is compared with (× the \
         baseline's rate, or its p50 / p95 / p99). After each round `binhdang verify` checks the aggregates and \
         the audit trail. The accounts are inserted directly with one shared password hash (Argon2 would take \
         longer than the rounds); the tokens are made by the store.\n",
        officers.join(", "),
        args.busy_share * 100.0,
        args.password_officers,
        fill_text(args.fill_seconds),
        args.saves_per_officer,
        args.readers,
        read_text(args.read_seconds),
        args.seconds,
        REQUEST_TIMEOUT.as_secs(),
        args.baseline_seconds
    );
}

/// The heading of the section a run writes: the closed loop and the paced run each have one.
pub(super) fn heading(args: &LoadArgs) -> &'static str {
    if args.fill_seconds > 0.0 {
        SECTIONS[1]
    } else {
        SECTIONS[0]
    }
}

/// How long an officer takes to fill in the form, as the report says it.
fn fill_text(fill_seconds: f64) -> String {
    if fill_seconds > 0.0 {
        format!(
            "fills it in for {:.1}–{:.1} s (as a person would: the officers offer at most one form per officer \
             every {fill_seconds:.1} s on average, plus the time their requests take) and ",
            fill_seconds * 0.5,
            fill_seconds * 1.5
        )
    } else {
        "at once (no time to fill it in: a closed loop, so the server's capacity bounds the rate and a save's \
         latency is mostly the queue in front of it) "
            .to_string()
    }
}

/// How readers go from page to page, as the report says it.
fn read_text(read_seconds: f64) -> String {
    if read_seconds > 0.0 {
        format!(
            "looking at each page for {:.1}–{:.1} s before the next",
            read_seconds * 0.5,
            read_seconds * 1.5
        )
    } else {
        "without pause".to_string()
    }
}

/// The table of every round of every database, one line a round.
fn write_overview(w: &mut String, results: &[DatabaseResult]) {
    let _ = writeln!(
        w,
        "| database | officers | forms saved | forms/s | submitted | requests/s (× health) | save p50 / p95 / p99 (× health) | read p50 / p95 / p99 (× health) | errors | verify |"
    );
    let _ = writeln!(w, "|---|---:|---:|---:|---:|---:|---|---|---|---|");
    for d in results {
        for r in &d.rounds {
            let save = r.figures(Kind::Save);
            let _ = writeln!(
                w,
                "| {} | {} | {} of {} | {} | {} of {} | {} ({}) | {} | {} | {} | {} |",
                d.backend.name(),
                r.officers,
                r.totals.saves_ok,
                r.saves_planned,
                rate(forms_per_second(r)),
                r.totals.submitted,
                r.officers,
                rate(r.all.per_second),
                times(r.all.per_second, r.health.per_second),
                triple(&save, &r.health),
                triple(&r.reads, &r.health),
                r.all.errors(),
                r.verify.short()
            );
        }
    }
    let _ = writeln!(w);
}

/// One database: how it was prepared, its requests round by round, and what else happened.
fn write_database(w: &mut String, d: &DatabaseResult) {
    let name = d.backend.name();
    let _ = writeln!(w, "### {name} {}\n", d.version);
    let _ = writeln!(
        w,
        "Prepared ({}) in {}; {} accounts and tokens in {}; busy province {}; `binhdang serve` ready after {}; \
         its peak memory (VmHWM) {} MiB.\n",
        d.units,
        secs(d.prepare),
        d.rounds.iter().map(|r| r.officers).sum::<usize>() + d.rounds.first().map(|r| r.readers).unwrap_or(0) + 1,
        secs(d.accounts),
        if d.busy_province.is_empty() {
            "–"
        } else {
            &d.busy_province
        },
        secs(d.server_start),
        d.server_peak_kb / 1024
    );
    if let Some(f) = &d.failure {
        let _ = writeln!(w, "**Stopped:** {}\n", f.replace('\n', " "));
    }
    if d.rounds.is_empty() {
        return;
    }
    write_requests_table(w, &d.rounds);
    let _ = writeln!(w);
    for r in &d.rounds {
        let _ = writeln!(w, "- {}.", round_facts(r).join("; "));
    }
    let _ = writeln!(w);
}

/// Every kind of request of every round against the baseline of the round.
fn write_requests_table(w: &mut String, rounds: &[RoundResult]) {
    let _ = writeln!(
        w,
        "| officers | request | sent | answered | errors | per s | p50 | p95 | p99 |"
    );
    let _ = writeln!(w, "|---:|---|---:|---:|---|---:|---:|---:|---:|");
    for r in rounds {
        let h = &r.health;
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.officers,
            Kind::Health.label(),
            h.sent,
            h.answered,
            h.errors(),
            rate(h.per_second),
            ms(h.p50),
            ms(h.p95),
            ms(h.p99)
        );
        for (kind, f) in &r.kinds {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} ({}) | {} | {} | {} |",
                r.officers,
                kind.label(),
                f.sent,
                f.answered,
                f.errors(),
                rate(f.per_second),
                times(f.per_second, h.per_second),
                latency_vs(f.p50, h.p50),
                latency_vs(f.p95, h.p95),
                latency_vs(f.p99, h.p99)
            );
        }
        let a = &r.all;
        let _ = writeln!(
            w,
            "| {} | all requests of the round | {} | {} | {} | {} ({}) | {} | {} | {} |",
            r.officers,
            a.sent,
            a.answered,
            a.errors(),
            rate(a.per_second),
            times(a.per_second, h.per_second),
            latency_vs(a.p50, h.p50),
            latency_vs(a.p95, h.p95),
            latency_vs(a.p99, h.p99)
        );
    }
}

/// What else there is to say about a round: who took part, how long it took, what went
/// unusually, and what `binhdang verify` said.
fn round_facts(r: &RoundResult) -> Vec<String> {
    let mut facts = vec![
        format!(
            "{} officers ({} in the busy province, {} signed in with a password) and {} readers: the round took {}",
            r.officers,
            r.busy,
            r.password_officers,
            r.readers,
            secs(r.elapsed)
        ),
        format!("{} officers saved at least once", r.totals.officers_saved),
    ];
    if r.totals.unchanged > 0 {
        facts.push(format!("{} saves changed nothing", r.totals.unchanged));
    }
    if r.totals.with_errors > 0 {
        facts.push(format!("{} saves had validation errors", r.totals.with_errors));
    }
    if r.abandoned {
        facts.push(format!(
            "requests still running {} after the end were abandoned",
            secs(GRACE)
        ));
    }
    if let Some(n) = &r.note {
        facts.push(n.clone());
    }
    facts.push(format!("verify: {}", r.verify.text().replace('|', "\\|")));
    facts
}

/// Where the section starts and ends in `doc` (ending at the next heading of level 1 or
/// 2 outside a code block, or at the end).
fn section_range(doc: &str, heading: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut fenced = false;
    let mut start = None;
    for line in doc.split_inclusive('\n') {
        let text = line.trim_end();
        if text.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            if start.is_none() && text == heading {
                start = Some(offset);
            } else if let Some(s) = start
                && (text.starts_with("## ") || text.starts_with("# "))
            {
                return Some((s, offset));
            }
        }
        offset += line.len();
    }
    start.map(|s| (s, doc.len()))
}

/// `doc` with the section `section` starts with (its heading, e.g. "Deadline day (bench
/// load)") replaced by `section`, or with `section` added at the end; the rest is left as it was.
pub(in crate::bench) fn replace_section(doc: &str, section: &str) -> String {
    let section = section.trim_end();
    let heading = section.lines().next().unwrap_or_default().trim_end();
    match section_range(doc, heading) {
        Some((start, end)) => {
            let mut out = format!("{}{section}\n", &doc[..start]);
            if end < doc.len() {
                out.push('\n');
                out.push_str(&doc[end..]);
            }
            out
        }
        None if doc.trim().is_empty() => format!("# Performance\n\n{section}\n"),
        None => format!("{}\n\n{section}\n", doc.trim_end()),
    }
}

/// The section of `doc` under `heading` (one of [`SECTIONS`]), if it has one.
pub(in crate::bench) fn section_of<'a>(doc: &'a str, heading: &str) -> Option<&'a str> {
    section_range(doc, heading).map(|(s, e)| doc[s..e].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_is_replaced_and_the_rest_kept() {
        let doc = "# Performance\n\nintro\n\n## Deadline day (bench load)\n\nold\n```sh\n## not a heading\n```\n\n## Later\n\nkept\n";
        let new = replace_section(doc, "## Deadline day (bench load)\n\nnew\n\n");
        assert_eq!(
            new,
            "# Performance\n\nintro\n\n## Deadline day (bench load)\n\nnew\n\n## Later\n\nkept\n"
        );
        assert_eq!(replace_section(&new, "## Deadline day (bench load)\n\nnew\n"), new);
        assert_eq!(
            section_of(&new, SECTIONS[0]),
            Some("## Deadline day (bench load)\n\nnew")
        );
        // The paced run's section is another one, kept beside the first.
        let paced = format!("{}\n\npaced", SECTIONS[1]);
        let both = replace_section(&new, &paced);
        assert_eq!(
            section_of(&both, SECTIONS[0]),
            Some("## Deadline day (bench load)\n\nnew")
        );
        assert_eq!(section_of(&both, SECTIONS[1]), Some(paced.as_str()));
    }

    #[test]
    fn the_section_is_added_at_the_end_or_alone() {
        let doc = "# Performance\n\n## Machine\n\nx\n";
        let new = replace_section(doc, "## Deadline day (bench load)\n\nnew");
        assert_eq!(
            new,
            "# Performance\n\n## Machine\n\nx\n\n## Deadline day (bench load)\n\nnew\n"
        );
        assert_eq!(section_of(doc, SECTIONS[0]), None);
        assert_eq!(
            replace_section("", "## Deadline day (bench load)\n\nnew"),
            "# Performance\n\n## Deadline day (bench load)\n\nnew\n"
        );
    }
}
