//! The requests of deadline day: their kinds, how each ended and took how long, and how people authenticate.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Kind {
    Health,
    SignIn,
    Form,
    Save,
    Submit,
    Aggregates,
    Dashboard,
}

impl Kind {
    pub(super) const ROUND: [Kind; 6] = [
        Kind::SignIn,
        Kind::Form,
        Kind::Save,
        Kind::Submit,
        Kind::Aggregates,
        Kind::Dashboard,
    ];

    pub(super) fn label(&self) -> &'static str {
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

    pub(super) fn is_read(&self) -> bool {
        matches!(self, Kind::Form | Kind::Aggregates | Kind::Dashboard)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Status(u16),
    Timeout,
    Connection,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Sample {
    pub(super) kind: Kind,
    pub(super) latency: Duration,
    pub(super) outcome: Outcome,
}

/// Every request of a phase, as it ends.
#[derive(Clone, Default)]
pub(super) struct Recorder(Arc<Mutex<Vec<Sample>>>);

impl Recorder {
    fn push(&self, sample: Sample) {
        if let Ok(mut v) = self.0.lock() {
            v.push(sample);
        }
    }

    pub(super) fn take(&self) -> Vec<Sample> {
        self.0.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
    }
}

/// A response read to its end.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) headers: reqwest::header::HeaderMap,
    pub(super) body: Vec<u8>,
}

/// Sends a request, reads the whole answer, and records how long it took and how it ended.
pub(super) async fn timed(rec: &Recorder, kind: Kind, request: reqwest::RequestBuilder) -> Option<Answer> {
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
pub(super) enum Auth {
    Token(String),
    Session { cookie: String, csrf: String },
}

impl Auth {
    pub(super) fn apply(&self, request: reqwest::RequestBuilder, write: bool) -> reqwest::RequestBuilder {
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
