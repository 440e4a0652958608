//! One database's deadline day: preparing it, starting the server, and running and recording every round.

use super::figures::Figures;
use super::officers::{Round, baseline, finish, officer, reader};
use super::prepare::{Form, Fresh, Person, Plan, Subset, accounts, plan};
use super::report::round_lines;
use super::requests::{Kind, Recorder};
use super::results::{DatabaseResult, RoundResult, Totals};
use super::server::Server;
use super::verify::verify;
use super::{GRACE, LoadArgs, REQUEST_TIMEOUT, progress};
use crate::bench::stats::secs;
use anyhow::Result;
use binhdang_store::Backend;
use binhdang_store::seed::UnitFiles;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Makes a fresh database, runs deadline day on it, and removes it (unless `--keep`).
pub(super) async fn database(args: &LoadArgs, backend: Backend) -> DatabaseResult {
    let mut result = DatabaseResult {
        backend,
        version: String::new(),
        prepare: Duration::ZERO,
        accounts: Duration::ZERO,
        units: String::new(),
        busy_province: String::new(),
        server_start: Duration::ZERO,
        rounds: Vec::new(),
        server_peak_kb: 0,
        failure: None,
    };
    let (fresh, url) = match Fresh::create(args, backend).await {
        Ok(f) => f,
        Err(e) => {
            result.failure = Some(format!("{e:#}"));
            return result;
        }
    };
    if let Err(e) = measure(args, &url, &mut result).await {
        result.failure = Some(format!("{e:#}"));
    }
    if args.keep {
        progress(format!("{}: kept {url}", backend.name()));
    } else {
        fresh.remove().await;
    }
    result
}

/// Prepares the database at `url`, starts `binhdang serve` on it (again if it stops), and
/// runs every round.
async fn measure(args: &LoadArgs, url: &str, result: &mut DatabaseResult) -> Result<()> {
    let name = result.backend.name();
    progress(format!("{name}: {url}"));
    let (plan, form) = prepare(args, url, result).await?;

    let log = |n: usize| args.work_dir.join(format!("serve-{}-{n}.log", name.to_lowercase()));
    let mut starts = 0;
    let mut server = Server::start(url, log(starts))?;
    result.server_start = server.wait_ready(Duration::from_secs(600)).await?;
    progress(format!(
        "{name}: binhdang serve answers after {}",
        secs(result.server_start)
    ));
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .build()?;
    let stage = Stage {
        args,
        url,
        name,
        client,
        form: Arc::new(form),
        plan: &plan,
    };
    for (i, officers) in plan.rounds.iter().enumerate() {
        let mut note = None;
        if !server.alive() {
            progress(format!("{name}: the server has stopped; starting it again"));
            starts += 1;
            server = Server::start(url, log(starts))?;
            server.wait_ready(Duration::from_secs(600)).await?;
            note = Some("the server had stopped during the previous round and was started again".to_string());
        }
        let r = run_round(&stage, &server.base, i, officers, note).await;
        for line in round_lines(name, &r) {
            progress(line);
        }
        result.rounds.push(r);
    }
    result.server_peak_kb = server.peak_memory_kb();
    drop(server);
    Ok(())
}

/// Loads the catalogue and the units (all, or those of `--provinces`), plans the rounds and
/// makes the accounts; returns the plan and the commune form.
async fn prepare(args: &LoadArgs, url: &str, result: &mut DatabaseResult) -> Result<(Plan, Form)> {
    let name = result.backend.name();
    let t = Instant::now();
    let store = crate::open(url, binhdang_store::Clock::System).await?;
    result.version = store.server_version().await;
    let subset = if args.provinces.is_empty() {
        None
    } else {
        Some(Subset::of(&args.provinces)?)
    };
    let files = match &subset {
        Some(s) => s.files(),
        None => UnitFiles::shipped(),
    };
    crate::prepare(&store, &files).await?;
    result.prepare = t.elapsed();
    result.units = if args.provinces.is_empty() {
        "all official units".into()
    } else {
        format!("the units of province(s) {}", args.provinces.join(", "))
    };
    progress(format!("{name}: prepared in {}", secs(result.prepare)));
    let t = Instant::now();
    let mut plan = plan(args, &store).await?;
    accounts(&store, &mut plan).await?;
    result.accounts = t.elapsed();
    result.busy_province = plan.busy_province.clone();
    let form = Form::of(&store).await?;
    progress(format!(
        "{name}: {} accounts and their tokens in {}; the commune form has {} indicators, {} values a save",
        plan.rounds.iter().map(Vec::len).sum::<usize>() + plan.readers.len() + 1,
        secs(result.accounts),
        form.indicators.len(),
        form.body(&plan.rounds[0][0].unit, 0, 0)["values"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    ));
    store.close().await;
    Ok((plan, form))
}

/// What every round on one database shares.
struct Stage<'a> {
    args: &'a LoadArgs,
    url: &'a str,
    name: &'a str,
    client: reqwest::Client,
    form: Arc<Form>,
    plan: &'a Plan,
}

/// One round: the `GET /api/v1/health` baseline at the round's concurrency, then `officers`
/// and the readers against the server at `base` for `--seconds`, then `binhdang verify`.
async fn run_round(stage: &Stage<'_>, base: &str, i: usize, officers: &[Person], note: Option<String>) -> RoundResult {
    let Stage {
        args, url, name, plan, ..
    } = *stage;
    let n = officers.len();
    progress(format!(
        "{name}: round {} — baseline, {n} concurrent GET /api/v1/health",
        i + 1
    ));
    let (health_samples, health_elapsed) = baseline(&stage.client, base, n, args.baseline_seconds).await;
    let health = Figures::of(&health_samples, |k| k == Kind::Health, health_elapsed);
    progress(format!(
        "{name}: {n} officers and {} readers for {} s",
        plan.readers.len(),
        args.seconds
    ));
    let round = Arc::new(Round {
        client: stage.client.clone(),
        base: base.to_string(),
        form: stage.form.clone(),
        number: i + 1,
        saves: args.saves_per_officer,
        fill: Duration::from_secs_f64(args.fill_seconds),
        read: Duration::from_secs_f64(args.read_seconds),
        deadline: Instant::now() + Duration::from_secs_f64(args.seconds),
        rec: Recorder::default(),
    });
    let start = Instant::now();
    let (totals, abandoned) = play(&round, officers, &plan.readers).await;
    let elapsed = start.elapsed();
    let samples = round.rec.take();
    let kinds: Vec<(Kind, Figures)> = Kind::ROUND
        .iter()
        .map(|k| (*k, Figures::of(&samples, |x| x == *k, elapsed)))
        .collect();
    let all = Figures::of(&samples, |_| true, elapsed);
    let reads = Figures::of(&samples, |k| k.is_read(), elapsed);
    progress(format!(
        "{name}: round {} over in {}; binhdang verify",
        i + 1,
        secs(elapsed)
    ));
    let verify = verify(url).await;
    RoundResult {
        officers: n,
        busy: plan.busy[i],
        password_officers: officers.iter().filter(|p| p.password).count(),
        readers: plan.readers.len(),
        elapsed,
        abandoned,
        health,
        kinds,
        all,
        reads,
        saves_planned: n * args.saves_per_officer,
        totals,
        verify,
        note,
    }
}

/// Starts every officer and reader of the round at once and waits for them until the round's
/// deadline and [`GRACE`]; returns what the officers got done, and whether any task was
/// abandoned.
async fn play(round: &Arc<Round>, officers: &[Person], readers: &[Person]) -> (Totals, bool) {
    let mut officer_tasks = tokio::task::JoinSet::new();
    for p in officers.iter().cloned() {
        officer_tasks.spawn(officer(round.clone(), p));
    }
    let mut reader_tasks = tokio::task::JoinSet::new();
    for p in readers.iter().cloned() {
        reader_tasks.spawn(reader(round.clone(), p));
    }
    let hard = round.deadline + GRACE;
    let mut totals = Totals::default();
    let mut abandoned = false;
    loop {
        match tokio::time::timeout_at(hard.into(), officer_tasks.join_next()).await {
            Ok(Some(Ok(d))) => totals.add(&d),
            Ok(Some(Err(_))) => {}
            Ok(None) => break,
            Err(_) => {
                officer_tasks.abort_all();
                while officer_tasks.join_next().await.is_some() {}
                abandoned = true;
                break;
            }
        }
    }
    abandoned |= finish(&mut reader_tasks, hard).await;
    (totals, abandoned)
}
