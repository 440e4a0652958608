//! `binhdang serve` as a child process of the deadline-day benchmark.

use super::TODAY;
use crate::bench::machine::proc_status_kb;
use crate::bench::stats::secs;
use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// `binhdang serve` as a child process, ended when dropped.
pub(super) struct Server {
    child: Child,
    pub(super) base: String,
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
    pub(super) fn start(url: &str, log: PathBuf) -> Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let addr = format!("127.0.0.1:{port}");
        let mut child = Command::new(std::env::current_exe()?)
            .args(["serve", "--addr", &addr, "--database-url", url])
            .env("BINHDANG_TODAY", TODAY)
            // Quiet unless asked: `BINHDANG_BENCH_SERVER_LOG=warn,binhdang_store::group_commit=debug`
            // logs every batch's size and time.
            .env(
                "RUST_LOG",
                std::env::var("BINHDANG_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
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
    pub(super) async fn wait_ready(&mut self, limit: Duration) -> Result<Duration> {
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

    pub(super) fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub(super) fn peak_memory_kb(&self) -> u64 {
        proc_status_kb(self.child.id(), "VmHWM:")
    }
}
