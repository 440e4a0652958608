//! `binhdang bench load`: deadline day (issue 13, item 5).
//!
//! For each database (a fresh SQLite file, a fresh PostgreSQL database) it prepares the
//! catalogue and the units as `binhdang init` does, creates one officer account per commune
//! for every round (post-2025 communes spread over the provinces, a share of them crowded into
//! one busy province so that its cells and the country's are contended) and a few provincial
//! reviewers and leaders, starts `binhdang serve` as a child process, and then runs one round
//! per number of officers: a baseline of `GET /api/v1/health` at the same concurrency, then
//! every officer at once loading its entry form, saving the whole form in one
//! `PUT /api/v1/values` (a few times, with new figures each time) and submitting it, while the
//! readers read the province's aggregates and dashboard. Each round is bounded in time and in
//! count, every request by a timeout; after it `binhdang verify` checks the database. The
//! results go to the section "Deadline day (bench load)" of docs/PERFORMANCE.md.

use super::{loadavg, machine, ms, proc_status_kb, secs};
use anyhow::{Context, Result, bail};
use binhdang_domain::access::Role;
use binhdang_domain::{Period, UnitLevel};
use binhdang_store::bulk::{BulkValue, Synthetic};
use binhdang_store::seed::{UnitFiles, shipped};
use binhdang_store::{Backend, Store, UnitSummary};
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The heading of the section this benchmark owns in the report.
pub(super) const SECTION: &str = "## Deadline day (bench load)";
/// The half-year whose report is due: open for entry on [`TODAY`].
const PERIOD: &str = "2026H1";
/// The date the server is told it is (`BINHDANG_TODAY`): a day in the entry window of [`PERIOD`].
const TODAY: &str = "2026-06-01";
/// The last day of [`PERIOD`]: the communes are those valid then.
const COMMUNES_ON: time::Date = time::macros::date!(2026 - 06 - 30);
/// The password of every account the benchmark makes (hashed once, see [`accounts`]).
const PASSWORD: &str = "bench-load-mat-khau";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long in-flight requests get after a round's time is up before they are abandoned
/// (more than [`REQUEST_TIMEOUT`], so that this only happens if something hangs).
const GRACE: Duration = Duration::from_secs(40);
/// Requests a reader or a baseline task makes at most in a round.
const MAX_READS: usize = 10_000;
const SEED: u64 = 2026_0601;

#[derive(clap::Args, Clone, Debug)]
pub struct LoadArgs {
    /// Concurrent officers of each round; each round has officers of communes not used before,
    /// on the same database and server.
    #[arg(long, value_delimiter = ',', default_value = "50,200,500")]
    officers: Vec<usize>,
    /// Which databases to measure.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    databases: Vec<String>,
    /// Length of a round in seconds: no request starts after it.
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
    /// How many times each officer saves its form (new figures each time) before submitting:
    /// enough by default that the server, not this plan, bounds the forms saved per second.
    #[arg(long, default_value_t = 10)]
    saves_per_officer: usize,
    /// Provincial reviewers and leaders reading aggregates and the dashboard during each round.
    #[arg(long, default_value_t = 4)]
    readers: usize,
    /// Officers of each round who sign in with their password (session cookie, the HTML entry
    /// form) instead of using a personal access token.
    #[arg(long, default_value_t = 5)]
    password_officers: usize,
    /// Share of each round's officers on communes of one busy province (the largest).
    #[arg(long, default_value_t = 0.2)]
    busy_share: f64,
    /// Length of the `GET /api/v1/health` baseline of each round, in seconds.
    #[arg(long, default_value_t = 5.0)]
    baseline_seconds: f64,
    /// Load only these provinces (2025 codes, e.g. `12`) and the units they were formed from:
    /// quicker to prepare.
    #[arg(long, value_delimiter = ',')]
    provinces: Vec<String>,
    /// Where the SQLite database and the server logs go.
    #[arg(long, default_value = "/tmp/binhdang-bench-load")]
    work_dir: PathBuf,
    /// The PostgreSQL server (any database on it) where `binhdang_load_<random>` is created
    /// and dropped at the end.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
    postgres_url: String,
    /// The report whose section "Deadline day (bench load)" is written (the rest is kept).
    #[arg(long, default_value = "docs/PERFORMANCE.md")]
    out: PathBuf,
    /// Keep the SQLite file and the PostgreSQL database instead of removing them.
    #[arg(long)]
    keep: bool,
}

fn progress(msg: impl AsRef<str>) {
    eprintln!("bench load: {}", msg.as_ref());
}

pub async fn run(args: LoadArgs) -> Result<()> {
    if args.officers.is_empty() || args.officers.contains(&0) {
        bail!("--officers takes one or more numbers above 0, e.g. 50,200,500");
    }
    if !(args.seconds > 0.0 && args.seconds.is_finite() && args.baseline_seconds >= 0.0) {
        bail!("--seconds must be above 0 and --baseline-seconds not below 0");
    }
    if !(0.0..=1.0).contains(&args.busy_share) {
        bail!("--busy-share must be between 0 and 1");
    }
    if args.saves_per_officer == 0 {
        bail!("--saves-per-officer must be at least 1");
    }
    let backends = args
        .databases
        .iter()
        .map(|name| match name.trim() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            other => bail!("unknown database `{other}`: use sqlite, postgres"),
        })
        .collect::<Result<Vec<_>>>()?;
    std::fs::create_dir_all(&args.work_dir).with_context(|| format!("cannot create {}", args.work_dir.display()))?;
    sqlx::any::install_default_drivers();
    let started = Instant::now();
    let load_at_start = loadavg();
    let mut results = Vec::new();
    for backend in backends {
        let result = database(&args, backend).await;
        if let Some(failure) = &result.failure {
            progress(format!("{}: {failure}", backend.name()));
        }
        results.push(result);
    }
    let section = section(&args, &results, started.elapsed(), &load_at_start);
    let old = std::fs::read_to_string(&args.out).unwrap_or_default();
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, replace_section(&old, &section))
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!();
    for r in &results {
        for line in summary_lines(r) {
            println!("{line}");
        }
    }
    println!(
        "report written to {} (section \"{}\")",
        args.out.display(),
        &SECTION[3..]
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Preparing a database

/// A database made for the run, removed at the end unless `--keep`.
enum Fresh {
    Sqlite(PathBuf),
    Postgres { admin: String, name: String },
}

impl Fresh {
    async fn create(args: &LoadArgs, backend: Backend) -> Result<(Fresh, String)> {
        let suffix = &binhdang_store::access::new_secret()[..12];
        match backend {
            Backend::Sqlite => {
                let path = args.work_dir.join(format!("load-{suffix}.db"));
                let url = format!("sqlite://{}", path.display());
                Ok((Fresh::Sqlite(path), url))
            }
            Backend::Postgres => {
                use sqlx::Connection;
                let admin = args.postgres_url.clone();
                let (base, _) = admin
                    .rsplit_once('/')
                    .context("the PostgreSQL URL must end with /DATABASE")?;
                let name = format!("binhdang_load_{suffix}");
                let mut conn = sqlx::AnyConnection::connect(&admin)
                    .await
                    .with_context(|| format!("cannot reach PostgreSQL at {admin}"))?;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .with_context(|| format!("cannot create the database {name}"))?;
                let _ = conn.close().await;
                let url = format!("{base}/{name}");
                Ok((Fresh::Postgres { admin, name }, url))
            }
        }
    }

    async fn remove(&self) {
        match self {
            Fresh::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Fresh::Postgres { admin, name } => {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::AnyConnection::connect(admin).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await {
                        progress(format!("could not drop {name}: {e}"));
                    }
                    let _ = conn.close().await;
                }
            }
        }
    }
}

/// The official unit lists cut down to some 2025 provinces, the provinces they were formed
/// from, and all their districts, communes and mapping rows.
struct Subset {
    before: String,
    after: String,
    province_mapping: String,
    commune_mapping: String,
}

impl Subset {
    fn of(provinces: &[String]) -> Result<Subset> {
        let new: Vec<String> = provinces.iter().map(|p| p.trim().to_string()).collect();
        let after_rows = csv_rows(shipped::UNITS_2025)?;
        for code in &new {
            if !after_rows.iter().any(|r| r[1] == "province" && &r[0] == code) {
                bail!("--provinces: `{code}` is not the code of a province since 1 July 2025");
            }
        }
        let mapping = csv_rows(shipped::PROVINCE_MAPPING_2025)?;
        let old: Vec<String> = mapping
            .iter()
            .filter(|r| new.contains(&r[2]))
            .map(|r| r[0].clone())
            .collect();
        let before_rows = csv_rows(shipped::UNITS_BEFORE_2025)?;
        let districts: Vec<String> = before_rows
            .iter()
            .filter(|r| r[1] == "district" && old.contains(&r[4]))
            .map(|r| r[0].clone())
            .collect();
        Ok(Subset {
            before: csv_filter(shipped::UNITS_BEFORE_2025, |r| match r[1].as_str() {
                "province" => old.contains(&r[0]),
                "district" => old.contains(&r[4]),
                _ => districts.contains(&r[4]),
            })?,
            after: csv_filter(shipped::UNITS_2025, |r| match r[1].as_str() {
                "province" => new.contains(&r[0]),
                _ => new.contains(&r[4]),
            })?,
            province_mapping: csv_filter(shipped::PROVINCE_MAPPING_2025, |r| old.contains(&r[0]))?,
            commune_mapping: csv_filter(shipped::COMMUNE_MAPPING_2025, |r| {
                old.contains(&r[3]) && new.contains(&r[6])
            })?,
        })
    }

    fn files(&self) -> UnitFiles<'_> {
        UnitFiles {
            before: &self.before,
            after: &self.after,
            province_mapping: &self.province_mapping,
            commune_mapping: &self.commune_mapping,
        }
    }
}

fn csv_rows(text: &str) -> Result<Vec<Vec<String>>> {
    let mut out = Vec::new();
    for record in csv::Reader::from_reader(text.as_bytes()).records() {
        out.push(record?.iter().map(str::to_string).collect());
    }
    Ok(out)
}

fn csv_filter(text: &str, keep: impl Fn(&Vec<String>) -> bool) -> Result<String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(reader.headers()?)?;
    for record in reader.records() {
        let record = record?;
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        if keep(&fields) {
            writer.write_record(&record)?;
        }
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// A simulated person and the account they use.
#[derive(Debug, Clone)]
struct Person {
    username: String,
    role: Role,
    unit: UnitSummary,
    /// Signs in with the password (a browser session) rather than using a token.
    password: bool,
    /// The personal access token, for those who do not sign in.
    token: Option<String>,
}

/// Who takes part: the officers of each round and the readers of every round.
#[derive(Debug, Clone)]
struct Plan {
    rounds: Vec<Vec<Person>>,
    readers: Vec<Person>,
    busy_province: String,
    /// Officers of each round on communes of the busy province.
    busy: Vec<usize>,
}

/// Picks distinct communes for every round: `busy_share` of a round's officers from the
/// province with the most communes, the others in turn from every other province.
async fn plan(args: &LoadArgs, store: &Store) -> Result<Plan> {
    let communes = store
        .units_valid_on(COMMUNES_ON, Some(UnitLevel::Commune), None)
        .await?;
    let mut by_province: BTreeMap<String, VecDeque<UnitSummary>> = BTreeMap::new();
    for c in communes {
        by_province
            .entry(c.parent_code.clone().unwrap_or_default())
            .or_default()
            .push_back(c);
    }
    let Some(busy_province) = by_province
        .iter()
        .max_by_key(|(code, list)| (list.len(), std::cmp::Reverse((*code).clone())))
        .map(|(code, _)| code.clone())
    else {
        bail!("no commune is valid on {COMMUNES_ON}: are the units loaded?");
    };
    let others: Vec<String> = by_province.keys().filter(|c| **c != busy_province).cloned().collect();
    let mut rounds = Vec::new();
    let mut busy_counts = Vec::new();
    let mut turn = 0usize;
    let mut used_provinces: Vec<String> = vec![busy_province.clone()];
    for &n in &args.officers {
        let want_busy = ((n as f64) * args.busy_share).round() as usize;
        let mut picked: Vec<UnitSummary> = Vec::new();
        let mut busy = 0;
        while busy < want_busy.min(n) {
            let Some(c) = by_province.get_mut(&busy_province).and_then(VecDeque::pop_front) else {
                break;
            };
            picked.push(c);
            busy += 1;
        }
        while picked.len() < n {
            // In turn from the other provinces; the busy one when they are used up.
            let mut found = None;
            for _ in 0..others.len() {
                let code = &others[turn % others.len()];
                turn += 1;
                if let Some(c) = by_province.get_mut(code).and_then(VecDeque::pop_front) {
                    if !used_provinces.contains(code) {
                        used_provinces.push(code.clone());
                    }
                    found = Some(c);
                    break;
                }
            }
            if found.is_none()
                && let Some(c) = by_province.get_mut(&busy_province).and_then(VecDeque::pop_front)
            {
                busy += 1;
                found = Some(c);
            }
            match found {
                Some(c) => picked.push(c),
                None => {
                    progress(format!(
                        "only {} communes left for the round of {n} officers (every round has communes of its own)",
                        picked.len()
                    ));
                    break;
                }
            }
        }
        if picked.is_empty() {
            bail!("no commune left for the round of {n} officers");
        }
        let round = rounds.len() + 1;
        let people = picked
            .into_iter()
            .enumerate()
            .map(|(i, unit)| Person {
                username: format!("load.{}.{}", round, unit.code),
                role: Role::Officer,
                unit,
                password: i < args.password_officers,
                token: None,
            })
            .collect();
        rounds.push(people);
        busy_counts.push(busy);
    }
    let mut readers = Vec::new();
    for i in 0..args.readers {
        let province_code = &used_provinces[i % used_provinces.len()];
        let province = store.unit_on(province_code, COMMUNES_ON).await?;
        let role = if i % 2 == 0 { Role::Reviewer } else { Role::Leader };
        readers.push(Person {
            username: format!("load.{}.{}.{}", role.as_str(), province.code, i),
            role,
            unit: province,
            password: true,
            token: None,
        });
    }
    Ok(Plan {
        rounds,
        readers,
        busy_province,
        busy: busy_counts,
    })
}

/// Creates every account of the plan, and tokens for those who use one. Argon2 makes
/// `Store::add_user` take tens of milliseconds an account, so the accounts are inserted
/// directly in one transaction with one password hash shared by all (every account can sign
/// in with [`PASSWORD`]); the tokens come from `Store::create_token`, audited as usual. An
/// administrator is made too, so that `serve` does not make and print one.
async fn accounts(store: &Store, plan: &mut Plan) -> Result<()> {
    let hash = binhdang_store::access::hash_password(PASSWORD)?;
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let country = store.unit_on("VN", COMMUNES_ON).await?;
    let admin = Person {
        username: "load.admin".into(),
        role: Role::Admin,
        unit: country,
        password: true,
        token: None,
    };
    let mut tx = store.pool().begin().await?;
    let everyone = plan.rounds.iter().flatten().chain(&plan.readers).chain([&admin]);
    for p in everyone {
        sqlx::query(
            "INSERT INTO users (username, role, unit_id, agency_code, password_hash, must_change_password, disabled, created_at)
             VALUES ($1, $2, $3, NULL, $4, 0, 0, $5)",
        )
        .bind(&p.username)
        .bind(p.role.as_str())
        .bind(p.unit.id)
        .bind(&hash)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .with_context(|| format!("cannot create the account {}", p.username))?;
    }
    tx.commit().await?;
    for p in plan.rounds.iter_mut().flatten().filter(|p| !p.password) {
        p.token = Some(
            store
                .create_token(&p.username, "bench load", "bench", "binhdang bench load")
                .await?,
        );
    }
    Ok(())
}

/// The commune form: the data elements of the indicators collected at commune level (what
/// the entry form shows a commune officer for a period after the reform), and a generator of
/// plausible figures for them (numerators within denominators, parts adding up to totals).
struct Form {
    period: Period,
    elements: Vec<binhdang_domain::catalogue::DataElement>,
    indicators: Vec<String>,
}

impl Form {
    async fn of(store: &Store) -> Result<Form> {
        let period: Period = PERIOD.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
        let indicators: Vec<String> = store
            .indicators()
            .await?
            .into_iter()
            .filter(|i| i.lowest_level == UnitLevel::Commune)
            .map(|i| i.code)
            .collect();
        let elements = store
            .data_elements()
            .await?
            .into_iter()
            .filter(|e| e.indicator.as_ref().is_some_and(|i| indicators.contains(i)))
            .collect();
        Ok(Form {
            period,
            elements,
            indicators,
        })
    }

    /// The body of `PUT /api/v1/values` for one save: figures of their own for each round,
    /// commune and save.
    fn body(&self, unit: &UnitSummary, round: usize, save: usize) -> serde_json::Value {
        let seed = SEED + (round as u64) * 1_000 + save as u64;
        let mut out: Vec<BulkValue> = Vec::new();
        Synthetic::new(&self.elements, seed).values(unit.id, &unit.code, &self.period, true, &mut out);
        let values: Vec<serde_json::Value> = out
            .iter()
            .map(|v| {
                serde_json::json!({
                    "element": v.element,
                    "disaggregation": v.disaggregation.as_str(),
                    "value": v.value.to_string(),
                })
            })
            .collect();
        serde_json::json!({ "values": values })
    }
}

// ---------------------------------------------------------------------------------------
// The server

/// `binhdang serve` as a child process, ended when dropped.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
    ready: Arc<AtomicBool>,
    started: Instant,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(url: &str, log: PathBuf) -> Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let addr = format!("127.0.0.1:{port}");
        let mut child = Command::new(std::env::current_exe()?)
            .args(["serve", "--addr", &addr, "--database-url", url])
            .env("BINHDANG_TODAY", TODAY)
            .env("RUST_LOG", "warn")
            .env_remove("BINHDANG_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start binhdang serve")?;
        let ready = Arc::new(AtomicBool::new(false));
        let stderr = child.stderr.take().context("no standard error")?;
        let mut file = std::fs::File::create(&log).with_context(|| format!("cannot create {}", log.display()))?;
        let flag = ready.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("binhdang: serving on") {
                    flag.store(true, Ordering::SeqCst);
                }
                let _ = writeln!(file, "{line}");
            }
        });
        Ok(Server {
            child,
            base: format!("http://{addr}"),
            log,
            ready,
            started: Instant::now(),
        })
    }

    /// Waits for "binhdang: serving on" on the server's standard error.
    async fn wait_ready(&mut self, limit: Duration) -> Result<Duration> {
        loop {
            if self.ready.load(Ordering::SeqCst) {
                return Ok(self.started.elapsed());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("binhdang serve exited ({status}); see {}", self.log.display());
            }
            if self.started.elapsed() > limit {
                bail!(
                    "binhdang serve did not start within {}; see {}",
                    secs(limit),
                    self.log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn peak_memory_kb(&self) -> u64 {
        proc_status_kb(self.child.id(), "VmHWM:")
    }
}

// ---------------------------------------------------------------------------------------
// Requests and what they gave

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Health,
    SignIn,
    Form,
    Save,
    Submit,
    Aggregates,
    Dashboard,
}

impl Kind {
    const ROUND: [Kind; 6] = [
        Kind::SignIn,
        Kind::Form,
        Kind::Save,
        Kind::Submit,
        Kind::Aggregates,
        Kind::Dashboard,
    ];

    fn label(&self) -> &'static str {
        match self {
            Kind::Health => "baseline: GET /api/v1/health",
            Kind::SignIn => "sign in: POST /api/v1/auth/sign-in",
            Kind::Form => "load form: GET /api/v1/values or /nhap-lieu",
            Kind::Save => "save form: PUT /api/v1/values",
            Kind::Submit => "submit: POST /api/v1/workflow/submit",
            Kind::Aggregates => "read: GET /api/v1/aggregates (province)",
            Kind::Dashboard => "read: GET /bang-dieu-khien (province)",
        }
    }

    fn is_read(&self) -> bool {
        matches!(self, Kind::Form | Kind::Aggregates | Kind::Dashboard)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Status(u16),
    Timeout,
    Connection,
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    kind: Kind,
    latency: Duration,
    outcome: Outcome,
}

/// Every request of a phase, as it ends.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Sample>>>);

impl Recorder {
    fn push(&self, sample: Sample) {
        if let Ok(mut v) = self.0.lock() {
            v.push(sample);
        }
    }

    fn take(&self) -> Vec<Sample> {
        self.0.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
    }
}

/// A response read to its end.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

/// Sends a request, reads the whole answer, and records how long it took and how it ended.
async fn timed(rec: &Recorder, kind: Kind, request: reqwest::RequestBuilder) -> Option<Answer> {
    let t = Instant::now();
    let result = async {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok::<_, reqwest::Error>(Answer { status, headers, body })
    }
    .await;
    let latency = t.elapsed();
    let outcome = match &result {
        Ok(a) => Outcome::Status(a.status),
        Err(e) if e.is_timeout() => Outcome::Timeout,
        Err(_) => Outcome::Connection,
    };
    rec.push(Sample { kind, latency, outcome });
    result.ok()
}

/// How a simulated person proves who they are.
#[derive(Clone)]
enum Auth {
    Token(String),
    Session { cookie: String, csrf: String },
}

impl Auth {
    fn apply(&self, request: reqwest::RequestBuilder, write: bool) -> reqwest::RequestBuilder {
        match self {
            Auth::Token(t) => request.bearer_auth(t),
            Auth::Session { cookie, csrf } => {
                let request = request.header(reqwest::header::COOKIE, cookie);
                if write {
                    request.header("x-csrf-token", csrf)
                } else {
                    request
                }
            }
        }
    }
}

/// Everything the people of a round share.
struct Round {
    client: reqwest::Client,
    base: String,
    form: Arc<Form>,
    number: usize,
    saves: usize,
    deadline: Instant,
    rec: Recorder,
}

impl Round {
    fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    fn open(&self) -> bool {
        Instant::now() < self.deadline
    }

    /// Signs in with the password, trying again (three times at most) while the round lasts.
    async fn sign_in(&self, person: &Person) -> Option<Auth> {
        for _ in 0..3 {
            if !self.open() {
                break;
            }
            if let Some(auth) = self.sign_in_once(person).await {
                return Some(auth);
            }
        }
        None
    }

    async fn sign_in_once(&self, person: &Person) -> Option<Auth> {
        let request = self
            .client
            .post(self.api("/auth/sign-in"))
            .json(&serde_json::json!({ "username": person.username, "password": PASSWORD }));
        let answer = timed(&self.rec, Kind::SignIn, request).await?;
        if answer.status != 200 {
            return None;
        }
        let body: serde_json::Value = serde_json::from_slice(&answer.body).ok()?;
        let csrf = body["csrf_token"].as_str()?.to_string();
        let cookie = answer
            .headers
            .get(reqwest::header::SET_COOKIE)?
            .to_str()
            .ok()?
            .split(';')
            .next()?
            .to_string();
        Some(Auth::Session { cookie, csrf })
    }
}

/// What an officer got done.
#[derive(Debug, Default, Clone, Copy)]
struct Done {
    saves_ok: usize,
    /// Saves answered 2xx that changed nothing (the new figures equal the stored ones).
    unchanged: usize,
    /// Saves answered 2xx whose validation found errors.
    with_errors: usize,
    submitted: bool,
}

async fn officer(round: Arc<Round>, person: Person) -> Done {
    let mut done = Done::default();
    let auth = match &person.token {
        Some(t) => Auth::Token(t.clone()),
        None => match round.sign_in(&person).await {
            Some(a) => a,
            None => return done,
        },
    };
    let query = [("unit", person.unit.code.as_str()), ("period", PERIOD)];
    for save in 0..round.saves {
        if !round.open() {
            break;
        }
        let form = match auth {
            Auth::Token(_) => round.client.get(round.api("/values")),
            Auth::Session { .. } => round.client.get(format!("{}/nhap-lieu", round.base)),
        };
        timed(&round.rec, Kind::Form, auth.apply(form.query(&query), false)).await;
        if !round.open() {
            break;
        }
        let body = round.form.body(&person.unit, round.number, save);
        let request = auth.apply(round.client.put(round.api("/values")).query(&query).json(&body), true);
        if let Some(answer) = timed(&round.rec, Kind::Save, request).await
            && (200..300).contains(&answer.status)
        {
            done.saves_ok += 1;
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&answer.body) {
                if v["written"].as_u64() == Some(0) && v["deleted"].as_u64() == Some(0) {
                    done.unchanged += 1;
                }
                if v["validation"]["errors"].as_u64().unwrap_or(0) > 0 {
                    done.with_errors += 1;
                }
            }
        }
    }
    if done.saves_ok > 0 && round.open() {
        let request = round
            .client
            .post(round.api("/workflow/submit"))
            .query(&query)
            .json(&serde_json::json!({}));
        if let Some(answer) = timed(&round.rec, Kind::Submit, auth.apply(request, true)).await {
            done.submitted = (200..300).contains(&answer.status);
        }
    }
    done
}

async fn reader(round: Arc<Round>, person: Person) {
    let Some(auth) = round.sign_in(&person).await else {
        return;
    };
    let query = [("unit", person.unit.code.as_str()), ("period", PERIOD)];
    for i in 0..MAX_READS {
        if !round.open() {
            break;
        }
        let (kind, request) = if i % 2 == 0 {
            (Kind::Aggregates, round.client.get(round.api("/aggregates")))
        } else {
            (
                Kind::Dashboard,
                round.client.get(format!("{}/bang-dieu-khien", round.base)),
            )
        };
        timed(&round.rec, kind, auth.apply(request.query(&query), false)).await;
    }
}

/// `GET /api/v1/health` from `n` tasks at once for `seconds`.
async fn baseline(client: &reqwest::Client, base: &str, n: usize, seconds: f64) -> (Vec<Sample>, Duration) {
    let rec = Recorder::default();
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (client, rec, url) = (client.clone(), rec.clone(), format!("{base}/api/v1/health"));
        tasks.spawn(async move {
            for _ in 0..MAX_READS {
                if Instant::now() >= deadline {
                    break;
                }
                timed(&rec, Kind::Health, client.get(&url)).await;
            }
        });
    }
    finish(&mut tasks, deadline + GRACE).await;
    (rec.take(), start.elapsed())
}

/// Waits for every task until `hard`, then abandons those left; tells whether any were.
async fn finish<T: 'static>(tasks: &mut tokio::task::JoinSet<T>, hard: Instant) -> bool {
    loop {
        match tokio::time::timeout_at(hard.into(), tasks.join_next()).await {
            Ok(Some(_)) => continue,
            Ok(None) => return false,
            Err(_) => {
                tasks.abort_all();
                while tasks.join_next().await.is_some() {}
                return true;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Figures

/// The figures of one kind of request in one phase.
#[derive(Debug, Clone, Default)]
struct Figures {
    sent: usize,
    answered: usize,
    /// Answers that are not 2xx or 3xx, by status.
    statuses: BTreeMap<u16, usize>,
    timeouts: usize,
    connection: usize,
    per_second: f64,
    p50: Duration,
    p95: Duration,
    p99: Duration,
}

impl Figures {
    fn of(samples: &[Sample], keep: impl Fn(Kind) -> bool, elapsed: Duration) -> Figures {
        let mut f = Figures::default();
        let mut latencies = Vec::new();
        for s in samples.iter().filter(|s| keep(s.kind)) {
            f.sent += 1;
            match s.outcome {
                Outcome::Status(code) => {
                    f.answered += 1;
                    latencies.push(s.latency);
                    if !(200..400).contains(&code) {
                        *f.statuses.entry(code).or_default() += 1;
                    }
                }
                Outcome::Timeout => f.timeouts += 1,
                Outcome::Connection => f.connection += 1,
            }
        }
        latencies.sort();
        let at = |q: f64| {
            if latencies.is_empty() {
                Duration::ZERO
            } else {
                latencies[((latencies.len() as f64 - 1.0) * q).round() as usize]
            }
        };
        f.p50 = at(0.5);
        f.p95 = at(0.95);
        f.p99 = at(0.99);
        f.per_second = if elapsed.is_zero() {
            0.0
        } else {
            f.answered as f64 / elapsed.as_secs_f64()
        };
        f
    }

    fn server_errors(&self) -> usize {
        self.statuses.iter().filter(|(s, _)| **s >= 500).map(|(_, n)| n).sum()
    }

    fn errors(&self) -> String {
        let mut parts: Vec<String> = self.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        if self.timeouts > 0 {
            parts.push(format!("timeout×{}", self.timeouts));
        }
        if self.connection > 0 {
            parts.push(format!("connection×{}", self.connection));
        }
        if parts.is_empty() {
            "–".into()
        } else {
            parts.join(", ")
        }
    }
}

/// `a` as a multiple of the baseline `b`, to two significant digits below 10.
fn times(a: f64, b: f64) -> String {
    if !(b > 0.0 && a.is_finite()) {
        return "×–".into();
    }
    let r = a / b;
    if r >= 10.0 {
        format!("×{r:.0}")
    } else if r > 0.0 {
        let decimals = (1 - r.log10().floor() as i32).max(1) as usize;
        format!("×{r:.decimals$}")
    } else {
        "×0".into()
    }
}

fn latency_vs(d: Duration, health: Duration) -> String {
    if d.is_zero() {
        return "–".into();
    }
    format!("{} ({})", ms(d), times(d.as_secs_f64(), health.as_secs_f64()))
}

fn rate(per_second: f64) -> String {
    if per_second >= 100.0 {
        format!("{per_second:.0}/s")
    } else {
        format!("{per_second:.1}/s")
    }
}

/// What `binhdang verify` said after a round.
#[derive(Debug, Clone)]
enum Verify {
    Unavailable,
    Ran { status: Option<i32>, summary: String },
    Failed(String),
}

impl Verify {
    fn short(&self) -> String {
        match self {
            Verify::Unavailable => "unavailable".into(),
            Verify::Ran { status, .. } => match status {
                Some(code) => format!("exit {code}"),
                None => "killed".into(),
            },
            Verify::Failed(e) => format!("failed: {e}"),
        }
    }

    fn text(&self) -> String {
        match self {
            Verify::Ran { summary, .. } if !summary.is_empty() => format!("{} — {summary}", self.short()),
            _ => self.short(),
        }
    }
}

/// Runs `binhdang verify --database-url URL` (bounded to ten minutes).
async fn verify(url: &str) -> Verify {
    let child = Command::new(match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return Verify::Failed(e.to_string()),
    })
    .args(["verify", "--database-url", url])
    .env("BINHDANG_TODAY", TODAY)
    .env("RUST_LOG", "warn")
    .env_remove("BINHDANG_DATABASE_URL")
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Verify::Failed(e.to_string()),
    };
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.code(),
            Ok(None) if started.elapsed() > Duration::from_secs(600) => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(e) => return Verify::Failed(e.to_string()),
        }
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if err.contains("unrecognized subcommand") {
        return Verify::Unavailable;
    }
    let last = |text: &str| {
        text.lines()
            .rev()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_string)
    };
    // `verify` ends with a line "result: …"; otherwise its last line says what happened.
    let result = out.lines().find(|l| l.starts_with("result:")).map(str::to_string);
    let summary = result.or_else(|| last(&out)).or_else(|| last(&err)).unwrap_or_default();
    Verify::Ran { status, summary }
}

/// What the officers of a round got done, together.
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    saves_ok: usize,
    unchanged: usize,
    with_errors: usize,
    submitted: usize,
    /// Officers who saved at least once.
    officers_saved: usize,
}

impl Totals {
    fn add(&mut self, d: &Done) {
        self.saves_ok += d.saves_ok;
        self.unchanged += d.unchanged;
        self.with_errors += d.with_errors;
        self.submitted += usize::from(d.submitted);
        self.officers_saved += usize::from(d.saves_ok > 0);
    }
}

/// One round: its officers, what they did, and the verification after it.
#[derive(Debug, Clone)]
struct RoundResult {
    officers: usize,
    busy: usize,
    password_officers: usize,
    readers: usize,
    elapsed: Duration,
    abandoned: bool,
    health: Figures,
    kinds: Vec<(Kind, Figures)>,
    all: Figures,
    reads: Figures,
    saves_planned: usize,
    totals: Totals,
    verify: Verify,
    note: Option<String>,
}

impl RoundResult {
    fn figures(&self, kind: Kind) -> Figures {
        self.kinds
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, f)| f.clone())
            .unwrap_or_default()
    }
}

/// One database: how it was prepared and its rounds.
#[derive(Debug, Clone)]
struct DatabaseResult {
    backend: Backend,
    version: String,
    prepare: Duration,
    accounts: Duration,
    units: String,
    busy_province: String,
    server_start: Duration,
    rounds: Vec<RoundResult>,
    server_peak_kb: u64,
    failure: Option<String>,
}

async fn database(args: &LoadArgs, backend: Backend) -> DatabaseResult {
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

async fn version(store: &Store) -> String {
    use sqlx::Row;
    let sql = match store.backend() {
        Backend::Sqlite => "SELECT sqlite_version() AS v",
        Backend::Postgres => "SELECT current_setting('server_version') AS v",
    };
    match sqlx::query(sql).fetch_one(store.pool()).await {
        Ok(r) => r.try_get::<String, _>("v").unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn measure(args: &LoadArgs, url: &str, result: &mut DatabaseResult) -> Result<()> {
    let name = result.backend.name();
    progress(format!("{name}: {url}"));
    let t = Instant::now();
    let store = crate::open(url, binhdang_store::Clock::System).await?;
    result.version = version(&store).await;
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
    let form = Arc::new(form);
    for (i, officers) in plan.rounds.iter().enumerate() {
        let mut note = None;
        if !server.alive() {
            progress(format!("{name}: the server has stopped; starting it again"));
            starts += 1;
            server = Server::start(url, log(starts))?;
            server.wait_ready(Duration::from_secs(600)).await?;
            note = Some("the server had stopped during the previous round and was started again".to_string());
        }
        let n = officers.len();
        progress(format!(
            "{name}: round {} — baseline, {n} concurrent GET /api/v1/health",
            i + 1
        ));
        let (health_samples, health_elapsed) = baseline(&client, &server.base, n, args.baseline_seconds).await;
        let health = Figures::of(&health_samples, |k| k == Kind::Health, health_elapsed);
        progress(format!(
            "{name}: {n} officers and {} readers for {} s",
            plan.readers.len(),
            args.seconds
        ));
        let round = Arc::new(Round {
            client: client.clone(),
            base: server.base.clone(),
            form: form.clone(),
            number: i + 1,
            saves: args.saves_per_officer,
            deadline: Instant::now() + Duration::from_secs_f64(args.seconds),
            rec: Recorder::default(),
        });
        let start = Instant::now();
        let mut officer_tasks = tokio::task::JoinSet::new();
        for p in officers.iter().cloned() {
            officer_tasks.spawn(officer(round.clone(), p));
        }
        let mut reader_tasks = tokio::task::JoinSet::new();
        for p in plan.readers.iter().cloned() {
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
        let r = RoundResult {
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
        };
        for line in round_lines(name, &r) {
            progress(line);
        }
        result.rounds.push(r);
    }
    result.server_peak_kb = server.peak_memory_kb();
    drop(server);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Reports

fn round_lines(name: &str, r: &RoundResult) -> Vec<String> {
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

fn summary_lines(d: &DatabaseResult) -> Vec<String> {
    let name = d.backend.name();
    let mut out: Vec<String> = d.rounds.iter().flat_map(|r| round_lines(name, r)).collect();
    if let Some(f) = &d.failure {
        out.push(format!("{name}: stopped: {f}"));
    }
    out
}

/// The section "Deadline day (bench load)" of the report.
fn section(args: &LoadArgs, results: &[DatabaseResult], elapsed: Duration, load_at_start: &str) -> String {
    let date = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default();
    let cli: Vec<String> = std::env::args().skip_while(|a| a != "bench").collect();
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "{SECTION}\n");
    let _ = writeln!(
        w,
        "Written by `binhdang bench load` (crates/binhdang/src/bench/load.rs, {build} build). Measured {date}, in {} \
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
         cookie), saves the whole commune form — every data element of the indicators collected at commune \
         level, by sex where the catalogue asks for it, numerators within denominators — in one \
         `PUT /api/v1/values`, up to {} times with new figures, and then submits the report \
         (`POST /api/v1/workflow/submit`). Meanwhile {} provincial reviewers and leaders, signed in with their \
         password, read their province's `GET /api/v1/aggregates` and dashboard (`/bang-dieu-khien`) in turn, \
         without pause. Period {PERIOD}; the server is this binary's `binhdang serve`, run with \
         `BINHDANG_TODAY={TODAY}`. No request starts after {} s; each may take {} s. Before each round the same \
         number of tasks call `GET /api/v1/health` for {} s: the baseline every figure is compared with (× the \
         baseline's rate, or its p50 / p95 / p99). After each round `binhdang verify` checks the aggregates and \
         the audit trail. The accounts are inserted directly with one shared password hash (Argon2 would take \
         longer than the rounds); the tokens are made by the store.\n",
        officers.join(", "),
        args.busy_share * 100.0,
        args.password_officers,
        args.saves_per_officer,
        args.readers,
        args.seconds,
        REQUEST_TIMEOUT.as_secs(),
        args.baseline_seconds
    );
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
    for d in results {
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
            continue;
        }
        let _ = writeln!(
            w,
            "| officers | request | sent | answered | errors | per s | p50 | p95 | p99 |"
        );
        let _ = writeln!(w, "|---:|---|---:|---:|---|---:|---:|---:|---:|");
        for r in &d.rounds {
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
        let _ = writeln!(w);
        for r in &d.rounds {
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
            let _ = writeln!(w, "- {}.", facts.join("; "));
        }
        let _ = writeln!(w);
    }
    md
}

/// Where the section starts and ends in `doc` (ending at the next heading of level 1 or
/// 2 outside a code block, or at the end).
fn section_range(doc: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut fenced = false;
    let mut start = None;
    for line in doc.split_inclusive('\n') {
        let text = line.trim_end();
        if text.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            if start.is_none() && text == SECTION {
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

/// `doc` with its section "Deadline day (bench load)" replaced by `section`, or with
/// `section` added at the end; the rest is left as it was.
pub(super) fn replace_section(doc: &str, section: &str) -> String {
    let section = section.trim_end();
    match section_range(doc) {
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

/// The section "Deadline day (bench load)" of `doc`, if it has one.
pub(super) fn section_of(doc: &str) -> Option<&str> {
    section_range(doc).map(|(s, e)| doc[s..e].trim_end())
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
        assert_eq!(section_of(&new), Some("## Deadline day (bench load)\n\nnew"));
    }

    #[test]
    fn the_section_is_added_at_the_end_or_alone() {
        let doc = "# Performance\n\n## Machine\n\nx\n";
        let new = replace_section(doc, "## Deadline day (bench load)\n\nnew");
        assert_eq!(
            new,
            "# Performance\n\n## Machine\n\nx\n\n## Deadline day (bench load)\n\nnew\n"
        );
        assert_eq!(section_of(doc), None);
        assert_eq!(
            replace_section("", "## Deadline day (bench load)\n\nnew"),
            "# Performance\n\n## Deadline day (bench load)\n\nnew\n"
        );
    }

    #[test]
    fn a_subset_of_provinces_keeps_their_units_and_what_they_came_from() {
        let s = Subset::of(&["12".to_string()]).unwrap();
        let after = csv_rows(&s.after).unwrap();
        assert_eq!(after.iter().filter(|r| r[1] == "province").count(), 1);
        assert_eq!(after.iter().filter(|r| r[1] == "commune").count(), 38);
        let before = csv_rows(&s.before).unwrap();
        assert_eq!(before.iter().filter(|r| r[1] == "province").count(), 1);
        assert!(Subset::of(&["99".to_string()]).is_err());
    }
}
