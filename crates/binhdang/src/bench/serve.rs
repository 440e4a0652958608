//! Measurements over HTTP against `binhdang serve`: save-to-national latency, assessment, peak memory.

use super::BenchArgs;
use super::machine::proc_status_kb;
use super::probe::{Latency, PROBE_ELEMENT, PROBE_INDICATOR, Probe};
use super::progress;
use super::stats::{Stats, ms, secs, stats};
use anyhow::{Context, Result, bail};
use binhdang_store::Store;
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// What was measured against `binhdang serve`.
#[derive(Debug, Clone, Default)]
pub(super) struct Server {
    pub(super) start: Duration,
    pub(super) http: Vec<Latency>,
    pub(super) assessment: Stats,
    pub(super) hwm_after_writes_kb: u64,
    pub(super) hwm_after_assessment_kb: u64,
    pub(super) rss_end_kb: u64,
}

/// Starts `binhdang serve` on the database at `url`, measures the saved-value latency of
/// every probe over HTTP and a national assessment, reads the server's memory, and stops it.
pub(super) async fn serve_and_measure(args: &BenchArgs, url: &str, probes: &[Probe], name: &str) -> Result<Server> {
    // The API needs an account: a bench administrator with a token, made before the server starts.
    let token = bench_token(url).await?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let log_path = args.work_dir.join(format!("serve-{}.log", name.to_lowercase()));
    let log = std::fs::File::create(&log_path)?;
    let exe = std::env::current_exe()?;
    let t = Instant::now();
    let mut child = std::process::Command::new(exe)
        .args(["serve", "--database-url", url, "--addr", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("cannot start binhdang serve")?;
    let pid = child.id();
    let result = async {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse()?);
        let client = reqwest::Client::builder().timeout(Duration::from_secs(120)).default_headers(headers).build()?;
        let base = format!("http://127.0.0.1:{port}/api/v1");
        wait_for_health(&client, &base, &mut child, t, &log_path).await?;
        let start = t.elapsed();
        progress(format!("{name}: binhdang serve (pid {pid}) answers on port {port} after {}", secs(start)));
        let mut server = Server {
            start,
            ..Default::default()
        };
        for probe in probes {
            server.http.push(http_latency(args, &client, &base, probe, name).await?);
        }
        server.hwm_after_writes_kb = proc_status_kb(pid, "VmHWM:");
        let assessment_period = probes.first().map(|p| p.1.to_string()).unwrap_or_else(|| "2026".into());
        server.assessment = national_assessment(&client, &base, &assessment_period).await?;
        server.hwm_after_assessment_kb = proc_status_kb(pid, "VmHWM:");
        server.rss_end_kb = proc_status_kb(pid, "VmRSS:");
        progress(format!(
            "{name}: national assessment for {assessment_period}: first {}, median {}; server peak memory (VmHWM) {} MiB",
            ms(server.assessment.first),
            ms(server.assessment.median),
            server.hwm_after_assessment_kb / 1024
        ));
        Ok(server)
    }
    .await;
    // The server is our own child: stop it whatever happened.
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// A token of the `bench` administrator, made (with the account if need be) directly in the
/// database at `url`.
async fn bench_token(url: &str) -> Result<String> {
    let store = Store::connect(url).await?;
    if store.user_by_name("bench").await?.is_none() {
        let password = binhdang_store::access::new_secret();
        let new = binhdang_store::NewUser {
            username: "bench",
            role: binhdang_domain::access::Role::Admin,
            unit_code: "VN",
            agency_code: None,
            password: &password,
            must_change_password: false,
        };
        store.add_user(&new, "bench", "binhdang bench").await?;
    }
    let token = store.create_token("bench", "bench", "bench", "binhdang bench").await?;
    store.close().await;
    Ok(token)
}

/// Waits until `GET /health` answers, failing if the server exits or takes more than ten
/// minutes (counted from `started`).
async fn wait_for_health(
    client: &reqwest::Client,
    base: &str,
    child: &mut std::process::Child,
    started: Instant,
    log_path: &Path,
) -> Result<()> {
    loop {
        if let Ok(r) = client.get(format!("{base}/health")).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("binhdang serve exited ({status}); see {}", log_path.display());
        }
        if started.elapsed() > Duration::from_secs(600) {
            bail!(
                "binhdang serve did not answer within 10 minutes; see {}",
                log_path.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Saves the probe's value `args.writes` times with `PUT /values`, each time reading the
/// national figure with `GET /aggregates` until it shows the change, then puts the value back.
async fn http_latency(
    args: &BenchArgs,
    client: &reqwest::Client,
    base: &str,
    (code, period, original, base_national): &Probe,
    name: &str,
) -> Result<Latency> {
    let mut samples = Vec::new();
    let mut writes = Vec::new();
    for i in 0..args.writes {
        let v = *original + Decimal::from(1 + (i % 2) as i64);
        let expected = *base_national - *original + v;
        let t = Instant::now();
        let r = client
            .put(format!("{base}/values"))
            .query(&[("unit", code.as_str()), ("period", &period.to_string())])
            .json(&serde_json::json!({"values": [{"element": PROBE_ELEMENT, "disaggregation": "total", "value": v.to_string()}]}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!(
                "PUT /values answered {}: {}",
                r.status(),
                r.text().await.unwrap_or_default()
            );
        }
        writes.push(t.elapsed());
        let mut seen = false;
        for _ in 0..100 {
            let body: serde_json::Value = client
                .get(format!("{base}/aggregates"))
                .query(&[
                    ("unit", "VN"),
                    ("period", &period.to_string()),
                    ("indicator", PROBE_INDICATOR),
                ])
                .send()
                .await?
                .json()
                .await?;
            let numerator = body["aggregates"][0]["numerator"]
                .as_str()
                .and_then(|s| Decimal::from_str(s).ok());
            if numerator == Some(expected) {
                seen = true;
                break;
            }
        }
        if !seen {
            bail!("the national figure never showed the saved value {v} for {code} {period}");
        }
        samples.push(t.elapsed());
    }
    // Put the value back as it was.
    client
        .put(format!("{base}/values"))
        .query(&[("unit", code.as_str()), ("period", &period.to_string())])
        .json(&serde_json::json!({"values": [{"element": PROBE_ELEMENT, "disaggregation": "total", "value": original.to_string()}]}))
        .send()
        .await?
        .error_for_status()?;
    let latency = Latency {
        period: period.to_string(),
        commune: code.clone(),
        ancestors: 0,
        write: stats(writes.first().copied().unwrap_or_default(), writes),
        write_then_figure: stats(samples.first().copied().unwrap_or_default(), samples),
    };
    progress(format!(
        "{name}: over HTTP, PUT /values → GET /aggregates?unit=VN for {period}: median {}, p95 {}",
        ms(latency.write_then_figure.median),
        ms(latency.write_then_figure.p95)
    ));
    Ok(latency)
}

/// Six national assessments (`GET /assessment?unit=VN`): the first, and the others' sample.
async fn national_assessment(client: &reqwest::Client, base: &str, period: &str) -> Result<Stats> {
    let mut sample = Vec::new();
    let mut first = Duration::ZERO;
    for i in 0..6 {
        let t = Instant::now();
        let r = client
            .get(format!("{base}/assessment"))
            .query(&[("unit", "VN"), ("period", period)])
            .send()
            .await?
            .error_for_status()?;
        let _ = r.bytes().await?;
        if i == 0 {
            first = t.elapsed();
        } else {
            sample.push(t.elapsed());
        }
    }
    Ok(stats(first, sample))
}
