//! `binhdang verify` run on the database after each round, and what it said.

use super::TODAY;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What `binhdang verify` said after a round.
#[derive(Debug, Clone)]
pub(super) enum Verify {
    Unavailable,
    Ran { status: Option<i32>, summary: String },
    Failed(String),
}

impl Verify {
    pub(super) fn short(&self) -> String {
        match self {
            Verify::Unavailable => "unavailable".into(),
            Verify::Ran { status, .. } => match status {
                Some(code) => format!("exit {code}"),
                None => "killed".into(),
            },
            Verify::Failed(e) => format!("failed: {e}"),
        }
    }

    pub(super) fn text(&self) -> String {
        match self {
            Verify::Ran { summary, .. } if !summary.is_empty() => format!("{} — {summary}", self.short()),
            _ => self.short(),
        }
    }
}

/// Runs `binhdang verify --database-url URL` (bounded to ten minutes).
pub(super) async fn verify(url: &str) -> Verify {
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
