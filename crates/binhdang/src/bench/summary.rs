//! The summary `binhdang bench` prints when it is done, one block per database and the goals.

use super::duckdb::Duck;
use super::stats::{mib, ms, secs, thousands};
use super::{BenchArgs, Run};
use std::fmt::Write as _;
use std::time::Duration;

/// What the goals section concluded, repeated in the summary.
pub(super) struct Goals {
    pub(super) live_ok: bool,
    pub(super) latency_ok: bool,
    pub(super) latency_med_ok: bool,
}

/// The summary printed at the end of the run.
pub(super) fn summary(
    args: &BenchArgs,
    runs: &[Run],
    duck: Option<&Duck>,
    first: &Run,
    goals: &Goals,
) -> Result<String, std::fmt::Error> {
    let Goals {
        live_ok,
        latency_ok,
        latency_med_ok,
    } = *goals;
    let mut summary = String::new();
    let s = &mut summary;
    writeln!(
        s,
        "\n== binhdang bench: {} values ({} communes × periods, scale {})",
        thousands(first.values),
        thousands(first.communes as u64),
        args.scale
    )?;
    for r in runs {
        writeln!(
            s,
            "{}: load {} · rebuild {} · sizes {}",
            r.backend.name(),
            secs(r.load),
            secs(r.rebuild),
            r.sizes
                .iter()
                .map(|(k, n)| format!("{k} {}", mib(*n)))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        for ro in &r.rollups {
            let d = duck.and_then(|d| d.periods.get(&ro.period));
            let dp = d.map(|d| d.plain.1).unwrap_or(f64::NAN);
            writeln!(
                s,
                "  roll-up {}: live {} (×{:.2} DuckDB {}), SQL from scratch {} (×{:.1})",
                ro.period,
                ms(ro.live.median),
                ro.live.median.as_secs_f64() / dp,
                ms(Duration::from_secs_f64(if dp.is_finite() { dp } else { 0.0 })),
                ms(ro.sql_plain.median),
                ro.sql_plain.median.as_secs_f64() / dp
            )?;
        }
        for l in r.in_process.iter().chain(r.server.http.iter()) {
            writeln!(
                s,
                "  write → national {} ({}): median {}, p95 {}",
                l.period,
                if l.ancestors > 0 { "in process" } else { "HTTP" },
                ms(l.write_then_figure.median),
                ms(l.write_then_figure.p95)
            )?;
        }
        writeln!(
            s,
            "  server peak memory (VmHWM) {} MiB after writes, {} MiB after assessment",
            r.server.hwm_after_writes_kb / 1024,
            r.server.hwm_after_assessment_kb / 1024
        )?;
    }
    writeln!(
        s,
        "goals: roll-up ≤ 1.5× DuckDB: {}; saved value visible nationally < 10 ms: {}",
        if live_ok { "met" } else { "not met" },
        if latency_ok {
            "met"
        } else if latency_med_ok {
            "met at the median"
        } else {
            "not met"
        }
    )?;
    Ok(summary)
}
