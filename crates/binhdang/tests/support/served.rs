//! The built `binhdang` binary serving on a free loopback port, for the tests that drive it
//! as people do (in a browser). It is ended when dropped; what it printed is kept.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The served binary, ended when dropped; what it printed on standard error is kept.
pub struct Served {
    child: Child,
    /// The arguments it was started with, to start it again alike.
    args: Vec<String>,
    pub base: String,
    printed: Arc<Mutex<Vec<String>>>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// `binhdang serve --demo` on a fresh SQLite file.
    pub fn demo(today: time::Date) -> Served {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/newcomer.db", dir.path().display());
        Served::start(&url, today, &["--demo"], Some(dir))
    }

    /// `binhdang serve` on the database at `url` (which a test may have filled already).
    pub fn on(url: &str, today: time::Date) -> Served {
        Served::start(url, today, &[], None)
    }

    /// Starts the server with its clock pinned to `today` (the hidden `--today` flag).
    fn start(url: &str, today: time::Date, extra: &[&str], dir: Option<tempfile::TempDir>) -> Served {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let addr = format!("127.0.0.1:{port}");
        let today = today.to_string();
        let mut args: Vec<String> = ["serve", "--addr", &addr, "--database-url", url, "--today", &today]
            .into_iter()
            .map(String::from)
            .collect();
        args.extend(extra.iter().map(|a| a.to_string()));
        let printed = Arc::new(Mutex::new(Vec::new()));
        let child = spawn(&args, &printed);
        let served = Served {
            child,
            args,
            base: format!("http://127.0.0.1:{port}"),
            printed,
            _dir: dir,
        };
        served.wait_until_serving(1);
        served
    }

    /// Starts the server again, on the same port and database, after [`Served::kill`].
    pub fn restart(&mut self) {
        let before = self.times_said("binhdang: serving on");
        self.child = spawn(&self.args, &self.printed);
        self.wait_until_serving(before + 1);
    }

    fn wait_until_serving(&self, times: usize) {
        let started = Instant::now();
        while self.times_said("binhdang: serving on") < times {
            assert!(
                started.elapsed() < Duration::from_secs(240),
                "the server did not start; it printed:\n{}",
                self.printed()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn times_said(&self, what: &str) -> usize {
        self.printed.lock().unwrap().iter().filter(|l| l.contains(what)).count()
    }

    /// Ends the server at once with SIGKILL (what `Child::kill` sends on Unix), as a power
    /// cut or the out-of-memory killer would: no shutdown, no flush; waits until it is gone.
    pub fn kill(&mut self) {
        self.child.kill().expect("send SIGKILL to binhdang serve");
        self.child.wait().expect("wait for the killed server");
    }

    /// Everything the server printed on standard error so far, one line after another.
    pub fn printed(&self) -> String {
        self.printed.lock().unwrap().join("\n")
    }

    pub fn said(&self, what: &str) -> bool {
        self.printed.lock().unwrap().iter().any(|l| l.contains(what))
    }

    /// The one-time passwords printed at the first start, by username.
    pub fn passwords(&self) -> HashMap<String, String> {
        let mut found = HashMap::new();
        for line in self.printed.lock().unwrap().iter() {
            let Some(rest) = line.split("sign in as `").nth(1) else {
                continue;
            };
            let Some((user, after)) = rest.split_once('`') else {
                continue;
            };
            let Some(password) = after.split("one-time password ").nth(1) else {
                continue;
            };
            let password = password.split_whitespace().next().unwrap_or_default();
            found.insert(user.to_string(), password.to_string());
        }
        found
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// `binhdang serve` with `args`, its standard error collected into `printed`.
fn spawn(args: &[String], printed: &Arc<Mutex<Vec<String>>>) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .args(args)
        .env_remove("BINHDANG_DATABASE_URL")
        .env_remove("BINHDANG_TODAY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start binhdang serve");
    let lines = BufReader::new(child.stderr.take().unwrap());
    let sink = printed.clone();
    std::thread::spawn(move || {
        for line in lines.lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    child
}
