//! The web interface in a real browser: Debian's Chromium, headless, driven through
//! chromedriver (WebDriver) with fantoccini, against the server running in this process on a
//! fresh SQLite database with the units of Lai Châu. `scripts/ensure-chromium.sh` installs
//! both; a missing browser fails these tests rather than skipping them.
//!
//! Screenshots of the entry form at phone width, the review page and the dashboard are
//! written to `$BINHDANG_SCREENSHOTS` when set (`docs/screenshots` refreshes the committed
//! ones), else to a temporary folder.

use binhdang_domain::access::Role;
use binhdang_store::testing::{TEST_PASSWORD, TestDb};
use binhdang_store::{Actor, Backend, RawValue, ValueInput};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The flags Chromium runs with (and a fresh profile folder).
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--user-data-dir=",
];

fn chromium_binary() -> String {
    std::env::var("BINHDANG_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn chromedriver_binary() -> String {
    std::env::var("BINHDANG_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// A headless Chromium behind its own chromedriver, ended (with its browser processes)
/// when dropped.
struct Browser {
    client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    async fn start(width: u32, height: u32) -> Browser {
        for (what, path) in [("chromium", chromium_binary()), ("chromedriver", chromedriver_binary())] {
            assert!(
                std::path::Path::new(&path).exists(),
                "{what} is required at {path} for the browser tests: run `bash scripts/ensure-chromium.sh`"
            );
        }
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let mut command = Command::new(chromedriver_binary());
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let driver = command.spawn().expect("start chromedriver");
        let profile = std::env::temp_dir().join(format!("binhdang-chromium-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&profile).unwrap();
        let args: Vec<String> = CHROMIUM_FLAGS
            .iter()
            .map(|f| {
                if *f == "--user-data-dir=" {
                    format!("{f}{}", profile.display())
                } else {
                    f.to_string()
                }
            })
            .collect();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium_binary(), "args": args }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot start Chromium through chromedriver: {e}"),
            }
        };
        client.set_window_size(width, height).await.unwrap();
        Browser {
            client,
            driver,
            profile,
        }
    }

    async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // The browser processes this test started, known by their profile folder.
        let marker = self.profile.display().to_string();
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for entry in entries.flatten() {
                let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                    continue;
                };
                let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
                if String::from_utf8_lossy(&cmdline).contains(&marker) {
                    let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The server under test: a fresh database with the units of Lai Châu.
struct Server {
    base: String,
    db: TestDb,
}

impl Server {
    async fn start() -> Server {
        let db = TestDb::with_provinces(Backend::Sqlite, &["12"]).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(binhdang_web::serve(listener, db.store.clone()));
        Server { base, db }
    }

    async fn user(&self, username: &str, role: Role, unit: &str) {
        self.db.token_for(username, role, unit).await;
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn screenshot_dir() -> PathBuf {
    match std::env::var("BINHDANG_SCREENSHOTS") {
        Ok(dir) if !dir.is_empty() => {
            let path = PathBuf::from(&dir);
            if path.is_absolute() {
                path
            } else {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
            }
        }
        _ => std::env::temp_dir().join("binhdang-screenshots"),
    }
}

async fn screenshot(b: &Browser, name: &str) {
    let png = b.client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG image");
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

async fn text_of(b: &Browser, css: &str) -> String {
    b.client.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

async fn body_text(b: &Browser) -> String {
    text_of(b, "body").await
}

/// Types into a box, replacing what it holds.
async fn type_into(b: &Browser, css: &str, text: &str) {
    let e = b.client.find(Locator::Css(css)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

async fn click(b: &Browser, css: &str) {
    b.client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// Waits until the page at a path whose text contains `needle` is shown.
async fn wait_for_text(b: &Browser, needle: &str) -> String {
    let started = Instant::now();
    loop {
        let text = body_text(b).await;
        if text.contains(needle) {
            return text;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let url = b.client.current_url().await.unwrap();
            let source = b.client.source().await.unwrap_or_default();
            panic!("`{needle}` never appeared at {url}; the page says:\n{text}\n{source}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn sign_in(b: &Browser, server: &Server, username: &str, password: &str) {
    b.client.goto(&server.url("/dang-nhap")).await.unwrap();
    type_into(b, "#username", username).await;
    type_into(b, "#password", password).await;
    click(b, "form.stack button[type=submit]").await;
}

async fn sign_out(b: &Browser) {
    click(b, "form[action='/dang-xuat'] button").await;
    wait_for_text(b, "Bạn đã đăng xuất.").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_fails_then_succeeds_and_english_is_one_click_away() {
    let server = Server::start().await;
    server.user("can.bo", Role::Officer, "03388").await;
    let b = Browser::start(1024, 768).await;

    // A visitor is sent to the sign-in page, in Vietnamese.
    b.client.goto(&server.url("/")).await.unwrap();
    assert!(b.client.current_url().await.unwrap().path().ends_with("/dang-nhap"));
    let lang = b
        .client
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(lang.as_deref(), Some("vi"));

    // A wrong password: the message, and the focus can reach every control.
    sign_in(&b, &server, "can.bo", "sai-mat-khau").await;
    let text = wait_for_text(&b, "Sai tên đăng nhập hoặc mật khẩu.").await;
    assert!(text.contains("Đăng nhập"));
    let kept = b
        .client
        .find(Locator::Css("#username"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("can.bo"));
    screenshot(&b, "sign-in-failed.png").await;

    // The right one: the home page names the user and the unit.
    sign_in(&b, &server, "can.bo", TEST_PASSWORD).await;
    let text = wait_for_text(&b, "Kỳ báo cáo của đơn vị").await;
    assert!(text.contains("can.bo"));
    assert!(text.contains("Phường Đoàn Kết"));

    // English with one click, remembered on the next page.
    click(&b, "#lang-switch").await;
    let text = wait_for_text(&b, "Your unit's reports").await;
    assert!(text.contains("Sign out"));
    let lang = b
        .client
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(lang.as_deref(), Some("en"));
    b.client.goto(&server.url("/nhap-lieu")).await.unwrap();
    wait_for_text(&b, "Type numbers the Vietnamese way").await;
    click(&b, "#lang-switch").await;
    wait_for_text(&b, "Nhập số theo cách viết Việt Nam").await;

    sign_out(&b).await;
    b.close().await;
}

#[allow(dead_code)]
async fn seed(server: &Server, unit: &str, period: &str, values: &[(&str, &str, &str)]) {
    let (unit, period) = server.db.store.resolve_unit_period(unit, period).await.unwrap();
    let inputs: Vec<ValueInput> = values
        .iter()
        .map(|(e, d, v)| ValueInput {
            element: e.to_string(),
            disaggregation: Some(d.to_string()),
            value: RawValue::Text(v.to_string()),
            comment: None,
        })
        .collect();
    let actor = Actor {
        name: "seed".into(),
        origin: "test".into(),
    };
    server
        .db
        .store
        .write_values(&unit, &period, &inputs, &actor)
        .await
        .unwrap();
}
