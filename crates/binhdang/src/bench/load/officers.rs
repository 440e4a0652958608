//! The simulated people of a round (officers saving and submitting, readers) and the health baseline.

use super::prepare::{Form, Person};
use super::requests::{Auth, Kind, Recorder, Sample, timed};
use super::{GRACE, MAX_READS, PASSWORD, PERIOD};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Everything the people of a round share.
pub(super) struct Round {
    pub(super) client: reqwest::Client,
    pub(super) base: String,
    pub(super) form: Arc<Form>,
    pub(super) number: usize,
    pub(super) saves: usize,
    /// The mean time an officer spends filling in the form before each save (see `--fill-seconds`).
    pub(super) fill: Duration,
    /// The mean time a reader spends on a page before the next (see `--read-seconds`).
    pub(super) read: Duration,
    pub(super) deadline: Instant,
    pub(super) rec: Recorder,
}

impl Round {
    fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    fn open(&self) -> bool {
        Instant::now() < self.deadline
    }

    /// Waits 0.5–1.5 × `mean` (nothing when it is zero), spread by a hash of `who` and `step`
    /// so that people do not act in step; never past the deadline.
    async fn pause(&self, mean: Duration, who: &str, step: usize) {
        if mean.is_zero() {
            return;
        }
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (who, step).hash(&mut h);
        let spread = 0.5 + (h.finish() % 1000) as f64 / 1000.0;
        let until = (Instant::now() + mean.mul_f64(spread)).min(self.deadline);
        tokio::time::sleep_until(until.into()).await;
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
pub(super) struct Done {
    pub(super) saves_ok: usize,
    /// Saves answered 2xx that changed nothing (the new figures equal the stored ones).
    pub(super) unchanged: usize,
    /// Saves answered 2xx whose validation found errors.
    pub(super) with_errors: usize,
    pub(super) submitted: bool,
}

pub(super) async fn officer(round: Arc<Round>, person: Person) -> Done {
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
        round.pause(round.fill, &person.username, save).await;
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

pub(super) async fn reader(round: Arc<Round>, person: Person) {
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
        round.pause(round.read, &person.username, i).await;
    }
}

/// `GET /api/v1/health` from `n` tasks at once for `seconds`.
pub(super) async fn baseline(client: &reqwest::Client, base: &str, n: usize, seconds: f64) -> (Vec<Sample>, Duration) {
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
pub(super) async fn finish<T: 'static>(tasks: &mut tokio::task::JoinSet<T>, hard: Instant) -> bool {
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
