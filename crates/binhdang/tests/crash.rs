//! A crash under load, on SQLite and PostgreSQL: the built binary (`binhdang serve`) takes
//! whole 6.1 forms from a dozen clients at once for the communes of Lai Châu and is killed
//! with SIGKILL while saves are in flight. Afterwards `binhdang verify` must find no drift and
//! an intact audit trail, every save the server acknowledged (answered 200) must be in the
//! database, nothing acknowledged may have been rolled back, and the server must start again
//! on the same database and take a new save.
//!
//! Save number `n` writes numbers derived from `n` alone into the four cells, so that each
//! save changes every cell and every stored or audited number names the save that wrote it.

mod support;

use binhdang_domain::access::Role;
use binhdang_domain::{Period, UnitCode, UnitLevel};
use binhdang_store::testing::{TestDb, test_today};
use binhdang_store::{Store, UnitSummary, on_both_backends};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};
use support::served::Served;

/// Communes written to, and clients writing (two per commune, so saves of one commune queue
/// behind each other as well as behind their neighbours').
const COMMUNES: usize = 6;
const CLIENTS: usize = 12;

/// The cells of a whole 6.1 form as (element, disaggregation, multiplier, offset): save `n`
/// writes `multiplier × n + offset`, numerators below denominators.
const CELLS: [(&str, &str, u64, u64); 4] = [
    ("6.1.num", "male", 3, 0),
    ("6.1.den", "male", 5, 0),
    ("6.1.num", "female", 3, 1),
    ("6.1.den", "female", 5, 2),
];

/// The body of save `n`.
fn form(n: u64) -> Value {
    let values: Vec<Value> = CELLS
        .iter()
        .map(|(e, d, m, o)| json!({ "element": e, "disaggregation": d, "value": (m * n + o).to_string() }))
        .collect();
    json!({ "values": values })
}

fn cell_index(element: &str, disaggregation: &str) -> Option<usize> {
    CELLS
        .iter()
        .position(|(e, d, _, _)| *e == element && *d == disaggregation)
}

/// The save that writes `value` into cell `cell`, if one does.
fn save_of(cell: usize, value: &str) -> Option<u64> {
    let (_, _, m, o) = CELLS[cell];
    let v: Decimal = value.parse().ok()?;
    if !v.fract().is_zero() {
        return None;
    }
    let v = v.to_u64()?;
    (v >= m + o && (v - o) % m == 0).then(|| (v - o) / m)
}

/// One save sent by a client, and what became of it.
#[derive(Debug)]
struct Attempt {
    unit: usize,
    n: u64,
    sent: Instant,
    outcome: Outcome,
}

#[derive(Debug)]
enum Outcome {
    /// Answered 200 with the whole body, every cell written: the server says it is stored.
    Acknowledged { at: Instant },
    /// Any other answer (a failure of the test: the server answered it before it was killed).
    Answered { status: u16, body: String },
    /// No (complete) answer: the connection failed, as it does for saves in flight at the kill.
    NoAnswer { at: Instant, error: String },
}

/// What the clients share.
struct Load {
    http: reqwest::Client,
    base: String,
    period: String,
    next: AtomicU64,
    stop: AtomicBool,
    in_flight: AtomicUsize,
    acknowledged: Vec<AtomicUsize>,
}

/// A client: sends whole forms for one commune, one after the other, until told to stop or
/// until the server stops answering.
async fn client(load: Arc<Load>, unit: usize, code: String, token: String) -> Vec<Attempt> {
    let url = format!("{}/api/v1/values?unit={code}&period={}", load.base, load.period);
    let mut attempts = Vec::new();
    while !load.stop.load(SeqCst) {
        let n = load.next.fetch_add(1, SeqCst);
        load.in_flight.fetch_add(1, SeqCst);
        let sent = Instant::now();
        let answer = async {
            let response = load.http.put(&url).bearer_auth(&token).json(&form(n)).send().await?;
            let status = response.status().as_u16();
            let body = response.text().await?;
            Ok::<_, reqwest::Error>((status, body))
        }
        .await;
        load.in_flight.fetch_sub(1, SeqCst);
        let outcome = match answer {
            Ok((200, body)) => {
                let written = serde_json::from_str::<Value>(&body)
                    .ok()
                    .and_then(|b| b["written"].as_u64());
                if written == Some(CELLS.len() as u64) {
                    load.acknowledged[unit].fetch_add(1, SeqCst);
                    Outcome::Acknowledged { at: Instant::now() }
                } else {
                    Outcome::Answered { status: 200, body }
                }
            }
            Ok((status, body)) => Outcome::Answered { status, body },
            Err(e) => Outcome::NoAnswer {
                at: Instant::now(),
                error: format!("{e:?}"),
            },
        };
        let gone = matches!(outcome, Outcome::NoAnswer { .. });
        attempts.push(Attempt { unit, n, sent, outcome });
        if gone {
            break;
        }
    }
    attempts
}

fn verify(url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .args(["verify", "--database-url", url])
        .env_remove("BINHDANG_DATABASE_URL")
        .output()
        .expect("run binhdang verify")
}

fn text(out: &Output) -> String {
    format!(
        "{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// An audit row of the test's period: (id, unit id, element, disaggregation, old, new).
type AuditRow = (i64, i64, String, String, Option<String>, Option<String>);

async fn audit_rows(store: &Store, period: &str) -> Vec<AuditRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, unit_id, element_code, disaggregation, old_value, new_value FROM data_value_audit \
         WHERE period = '{period}' ORDER BY id"
    )))
    .fetch_all(store.pool())
    .await
    .expect("read the audit trail")
}

/// The stored numbers of the test's period: (unit id, element, disaggregation, number).
async fn stored(store: &Store, period: &str) -> Vec<(i64, String, String, Option<String>)> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT unit_id, element_code, disaggregation, number_value FROM data_values WHERE period = '{period}'"
    )))
    .fetch_all(store.pool())
    .await
    .expect("read the stored values")
}

/// Checks what the database holds against what the clients were told; returns the
/// problems found, each described in full.
fn check_durability(
    communes: &[UnitSummary],
    attempts: &[Attempt],
    audit: &[AuditRow],
    current: &[(i64, String, String, Option<String>)],
    killed_at: Instant,
) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut durable_unacknowledged = 0;
    for (u, commune) in communes.iter().enumerate() {
        let mine: HashMap<u64, &Attempt> = attempts.iter().filter(|a| a.unit == u).map(|a| (a.n, a)).collect();
        // The saves found in the trail, in the order they were committed, with their cells.
        let mut order: Vec<u64> = Vec::new();
        let mut cells: HashMap<u64, Vec<(usize, i64)>> = HashMap::new();
        for (id, unit_id, element, disaggregation, _old, new) in audit {
            if *unit_id != commune.id {
                continue;
            }
            let Some(cell) = cell_index(element, disaggregation) else {
                problems.push(format!(
                    "{}: audit row {id} for a cell no client wrote: {element}/{disaggregation}",
                    commune.code
                ));
                continue;
            };
            let Some(n) = new.as_deref().and_then(|v| save_of(cell, v)) else {
                problems.push(format!(
                    "{}: audit row {id} {element}/{disaggregation} has new value {new:?}, which no save sent",
                    commune.code
                ));
                continue;
            };
            if !mine.contains_key(&n) {
                problems.push(format!(
                    "{}: audit row {id} {element}/{disaggregation} = {new:?} is save #{n}, which this commune's clients never sent",
                    commune.code
                ));
                continue;
            }
            if !cells.contains_key(&n) {
                order.push(n);
            }
            cells.entry(n).or_default().push((cell, *id));
        }
        // Each save all or nothing, and one after the other.
        for n in &order {
            let mut written: Vec<usize> = cells[n].iter().map(|(c, _)| *c).collect();
            written.sort_unstable();
            if written != [0, 1, 2, 3] {
                problems.push(format!(
                    "{}: save #{n} is in the audit trail with cells {written:?}, not the whole form once",
                    commune.code
                ));
            }
        }
        for pair in order.windows(2) {
            let last_of_first = cells[&pair[0]].iter().map(|(_, id)| *id).max().unwrap();
            let first_of_second = cells[&pair[1]].iter().map(|(_, id)| *id).min().unwrap();
            if last_of_first > first_of_second {
                problems.push(format!(
                    "{}: the audit rows of saves #{} and #{} interleave",
                    commune.code, pair[0], pair[1]
                ));
            }
        }
        let position: HashMap<u64, usize> = order.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        // (b) Every acknowledged save is in the trail; nothing that was refused or never
        // reached the server is.
        for a in mine.values() {
            match &a.outcome {
                Outcome::Acknowledged { .. } if !cells.contains_key(&a.n) => problems.push(format!(
                    "{}: LOST: save #{} ({}) was acknowledged (200) but is not in the audit trail",
                    commune.code,
                    a.n,
                    form(a.n)
                )),
                Outcome::Answered { status, .. } if cells.contains_key(&a.n) => problems.push(format!(
                    "{}: save #{} was answered {status} but was written",
                    commune.code, a.n
                )),
                Outcome::NoAnswer { .. } if a.sent >= killed_at && cells.contains_key(&a.n) => problems.push(format!(
                    "{}: save #{} was sent after the kill but was written",
                    commune.code, a.n
                )),
                Outcome::NoAnswer { .. } if cells.contains_key(&a.n) => durable_unacknowledged += 1,
                _ => {}
            }
        }
        // The stored form is the last save in the trail, whole.
        let now: Vec<Option<u64>> = (0..CELLS.len())
            .map(|cell| {
                let (element, disaggregation, _, _) = CELLS[cell];
                current
                    .iter()
                    .find(|(id, e, d, _)| *id == commune.id && e == element && d == disaggregation)
                    .and_then(|(_, _, _, v)| v.as_deref())
                    .and_then(|v| save_of(cell, v))
            })
            .collect();
        let Some(last) = order.last() else {
            problems.push(format!(
                "{}: no save of this commune is in the audit trail",
                commune.code
            ));
            continue;
        };
        if now.iter().any(|n| *n != Some(*last)) {
            problems.push(format!(
                "{}: the stored form is from saves {now:?}, not wholly from the last save in the trail, #{last}",
                commune.code
            ));
        }
        // (c) Nothing acknowledged was rolled back: the last save acknowledged is the stored
        // one or was followed by another save of the commune. More strictly, a save sent
        // after another was acknowledged is committed after it.
        let acknowledged: Vec<(&Attempt, Instant)> = mine
            .values()
            .filter_map(|a| match a.outcome {
                Outcome::Acknowledged { at } => Some((*a, at)),
                _ => None,
            })
            .collect();
        if let Some((latest, _)) = acknowledged.iter().max_by_key(|(_, at)| *at)
            && let Some(p) = position.get(&latest.n)
            && *p < order.len() - 1
        {
            let after = order[order.len() - 1];
            if matches!(mine[&after].outcome, Outcome::Answered { .. }) || mine[&after].sent >= killed_at {
                problems.push(format!(
                    "{}: the last acknowledged save #{} was replaced by #{after}, which was neither acknowledged nor in flight at the kill",
                    commune.code, latest.n
                ));
            }
        }
        for (a, acknowledged_at) in &acknowledged {
            let Some(pa) = position.get(&a.n) else { continue };
            for (n, pb) in &position {
                if mine[n].sent > *acknowledged_at && pb < pa {
                    problems.push(format!(
                        "{}: save #{n}, sent after save #{} was acknowledged, was committed before it",
                        commune.code, a.n
                    ));
                }
            }
        }
    }
    (problems, durable_unacknowledged)
}

on_both_backends! {
    async fn a_server_killed_during_a_load_loses_nothing_acknowledged_and_nothing_drifts(backend: Backend) {
        let started = Instant::now();
        let today = test_today();
        let period: Period = format!("{}H1", today.year()).parse().unwrap();
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let communes: Vec<UnitSummary> = db
            .store
            .units_valid_on(period.end(), Some(UnitLevel::Commune), Some(&UnitCode::parse("12").unwrap()))
            .await
            .unwrap()
            .into_iter()
            .take(COMMUNES)
            .collect();
        assert_eq!(communes.len(), COMMUNES, "Lai Châu has communes after the reform");
        let mut tokens = Vec::new();
        for c in &communes {
            tokens.push(db.token_for(&format!("can.bo.{}", c.code), Role::Officer, &c.code).await);
        }
        // The server alone has the database open while it is killed (no connection of this
        // test keeps SQLite's shared memory alive): what reopens it afterwards recovers it.
        db.store.close().await;
        let url = db.url.clone();
        let mut served = tokio::task::spawn_blocking(move || Served::on(&url, today)).await.unwrap();

        let load = Arc::new(Load {
            http: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap(),
            base: served.base.clone(),
            period: period.to_string(),
            next: AtomicU64::new(1),
            stop: AtomicBool::new(false),
            in_flight: AtomicUsize::new(0),
            acknowledged: (0..COMMUNES).map(|_| AtomicUsize::new(0)).collect(),
        });
        let clients: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let u = i % COMMUNES;
                tokio::spawn(client(load.clone(), u, communes[u].code.to_string(), tokens[u].clone()))
            })
            .collect();

        // The kill comes 1.5–3 s into the load (a different moment each run, drawn from the
        // test database's random name, not from the clock), once every commune has an
        // acknowledged save and while saves are in flight.
        let jitter = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            db.url.hash(&mut h);
            (h.finish() % 1500) as u32
        };
        let kill_after = Duration::from_millis(1500 + u64::from(jitter));
        let load_started = Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let every_commune = load.acknowledged.iter().all(|a| a.load(SeqCst) > 0);
            if load_started.elapsed() >= kill_after && every_commune && load.in_flight.load(SeqCst) > 0 {
                break;
            }
            assert!(
                load_started.elapsed() < Duration::from_secs(25),
                "after 25 s not every commune has an acknowledged save ({:?}); the server printed:\n{}",
                load.acknowledged,
                served.printed()
            );
        }
        let in_flight_at_kill = load.in_flight.load(SeqCst);
        let killed_at = Instant::now();
        tokio::task::block_in_place(|| served.kill());
        load.stop.store(true, SeqCst);
        let mut attempts = Vec::new();
        for c in clients {
            attempts.extend(tokio::time::timeout(Duration::from_secs(90), c).await.expect("a client hung after the kill").unwrap());
        }
        let acknowledged = attempts.iter().filter(|a| matches!(a.outcome, Outcome::Acknowledged { .. })).count();
        let unanswered = attempts.iter().filter(|a| a.sent < killed_at && matches!(a.outcome, Outcome::NoAnswer { .. })).count();
        eprintln!(
            "{backend:?}: killed after {:?} of load; {acknowledged} saves acknowledged, {unanswered} in flight at the kill ({in_flight_at_kill} counted just before it)",
            killed_at - load_started
        );

        // Every answer the server gave was a 200 that wrote the whole form, and no connection
        // failed before the kill.
        let mut failures = Vec::new();
        for a in &attempts {
            match &a.outcome {
                Outcome::Answered { status, body } => failures.push(format!(
                    "save #{} of {} was answered {status} before the kill: {body}",
                    a.n, communes[a.unit].code
                )),
                Outcome::NoAnswer { at, error } if *at < killed_at => failures.push(format!(
                    "save #{} of {} failed before the kill: {error}",
                    a.n, communes[a.unit].code
                )),
                _ => {}
            }
        }
        assert!(
            failures.is_empty(),
            "{} request(s) failed before the kill:\n{}\n--- the server printed ---\n{}",
            failures.len(),
            failures.join("\n"),
            served.printed()
        );
        assert!(unanswered > 0, "no save was in flight at the kill");

        // On SQLite the kill leaves a write-ahead log behind, which the next opener recovers.
        if backend == binhdang_store::Backend::Sqlite {
            let wal = format!("{}-wal", db.url.trim_start_matches("sqlite://"));
            let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
            assert!(size > 0, "the kill left no write-ahead log at {wal}");
            eprintln!("{backend:?}: the kill left a write-ahead log of {size} bytes");
        }

        // (a) No drift, no audit break: `binhdang verify` is the first to open the database.
        let out = verify(&db.url);
        assert_eq!(out.status.code(), Some(0), "verify after the kill:\n{}", text(&out));

        // (b) and (c): every acknowledged save is durable, nothing acknowledged rolled back.
        let store = Store::connect(&db.url).await.unwrap();
        let audit = audit_rows(&store, &period.to_string()).await;
        let current = stored(&store, &period.to_string()).await;
        let (problems, durable_unacknowledged) = check_durability(&communes, &attempts, &audit, &current, killed_at);
        assert!(
            problems.is_empty(),
            "{} problem(s) after the kill:\n{}\n--- the server printed ---\n{}",
            problems.len(),
            problems.join("\n"),
            served.printed()
        );
        eprintln!(
            "{backend:?}: {} audit rows; all {acknowledged} acknowledged saves durable; {durable_unacknowledged} of the {unanswered} in flight were committed",
            audit.len()
        );
        let last_id = audit.last().map_or(0, |r| r.0);
        let before: HashMap<(String, String), Option<String>> = current
            .iter()
            .filter(|(id, ..)| *id == communes[0].id)
            .map(|(_, e, d, v)| ((e.clone(), d.clone()), v.clone()))
            .collect();
        store.close().await;
        drop(served);

        // The server starts again on the same database, answers and takes a new save, which
        // replaces what the crash left.
        let url = db.url.clone();
        let served = tokio::task::spawn_blocking(move || Served::on(&url, today)).await.unwrap();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        let health = http.get(served.url("/api/v1/health")).send().await.unwrap();
        assert_eq!(health.status().as_u16(), 200, "health after the restart");
        let health: Value = health.json().await.unwrap();
        assert_eq!(health["status"], "ok", "{health}");
        let n = load.next.fetch_add(1, SeqCst);
        let response = http
            .put(served.url(&format!("/api/v1/values?unit={}&period={period}", communes[0].code)))
            .bearer_auth(&tokens[0])
            .json(&form(n))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 200, "a save after the restart: {body}");
        assert_eq!(body["written"], CELLS.len(), "{body}");
        let out = verify(&db.url);
        assert_eq!(out.status.code(), Some(0), "verify after the restart:\n{}", text(&out));
        let store = Store::connect(&db.url).await.unwrap();
        let after: Vec<AuditRow> = audit_rows(&store, &period.to_string())
            .await
            .into_iter()
            .filter(|r| r.0 > last_id && r.1 == communes[0].id)
            .collect();
        assert_eq!(after.len(), CELLS.len(), "the new save's audit rows: {after:?}");
        for (_, _, element, disaggregation, old, new) in &after {
            let cell = cell_index(element, disaggregation).unwrap();
            assert_eq!(new.as_deref().and_then(|v| save_of(cell, v)), Some(n), "{element}/{disaggregation}");
            assert_eq!(old, &before[&(element.clone(), disaggregation.clone())], "{element}/{disaggregation}: the new save replaced what the crash left");
        }
        store.close().await;
        drop(served);
        eprintln!("{backend:?}: the whole test took {:?}", started.elapsed());
    }
}
