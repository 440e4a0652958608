//! A headless Chromium driven through chromedriver (WebDriver) with fantoccini, and the page
//! steps the browser tests share. Debian's `chromium` and `chromium-driver` are required
//! (`scripts/ensure-chromium.sh` installs them); a missing browser fails the tests rather than
//! skipping them.
#![allow(dead_code)]

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

pub fn chromium_binary() -> String {
    std::env::var("BINHDANG_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

pub fn chromedriver_binary() -> String {
    std::env::var("BINHDANG_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// A headless Chromium behind its own chromedriver, ended (with its browser processes)
/// when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    pub async fn start(width: u32, height: u32) -> Browser {
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

    pub async fn close(self) {
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

pub fn screenshot_dir() -> PathBuf {
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

pub async fn screenshot(b: &Browser, name: &str) {
    let png = b.client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG image");
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

pub async fn text_of(b: &Browser, css: &str) -> String {
    b.client.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

/// The page's text; empty while a new page is loading.
pub async fn body_text(b: &Browser) -> String {
    match b.client.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Types into a box, replacing what it holds.
pub async fn type_into(b: &Browser, css: &str, text: &str) {
    let e = b.client.find(Locator::Css(css)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

pub async fn click(b: &Browser, css: &str) {
    b.client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// Waits until the page at a path whose text contains `needle` is shown.
pub async fn wait_for_text(b: &Browser, needle: &str) -> String {
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

/// Chromium's page JavaScript, answering a JSON value.
pub async fn js(b: &Browser, script: &str) -> serde_json::Value {
    b.client.execute(script, vec![]).await.unwrap()
}

/// An attribute of the first element `css` finds.
pub async fn attr_of(b: &Browser, css: &str, name: &str) -> Option<String> {
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .attr(name)
        .await
        .unwrap()
}

pub async fn value_of(b: &Browser, css: &str) -> String {
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

pub async fn scroll_to(b: &Browser, css: &str) {
    js(
        b,
        &format!("document.querySelector({css:?}).scrollIntoView({{block: 'start'}}); return true;"),
    )
    .await;
}

/// Text on the page whose contrast with what is behind it is below WCAG AA (4.5:1, or 3:1
/// for large text), one line each. Backgrounds are composed up the tree onto white; text
/// over an image or gradient, inside charts' SVG, or visually hidden is left out.
pub async fn low_contrast(b: &Browser) -> Vec<String> {
    let found = js(
        b,
        r##"
        function rgba(s) {
          var m = s.match(/rgba?\(([^)]+)\)/);
          if (!m) return null;
          var p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
          return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
        }
        function over(top, under) {
          var a = top.a + under.a * (1 - top.a);
          if (a === 0) return { r: 255, g: 255, b: 255, a: 1 };
          function mix(x, y) { return (x * top.a + y * under.a * (1 - top.a)) / a; }
          return { r: mix(top.r, under.r), g: mix(top.g, under.g), b: mix(top.b, under.b), a: a };
        }
        function luminance(c) {
          function lin(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
          return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
        }
        function background(el) {
          var layers = [];
          for (var e = el; e && e.nodeType === 1; e = e.parentElement) {
            var s = getComputedStyle(e);
            if (s.backgroundImage !== "none") return null;
            var c = rgba(s.backgroundColor);
            if (c && c.a > 0) { layers.push(c); if (c.a === 1) break; }
          }
          var result = { r: 255, g: 255, b: 255, a: 1 };
          for (var i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
          return result;
        }
        var failures = [];
        document.querySelectorAll("body *").forEach(function (el) {
          if (el.closest("svg, .sr-only, script, style, noscript")) return;
          var own = Array.from(el.childNodes).some(function (n) { return n.nodeType === 3 && n.textContent.trim(); });
          if (!own) return;
          var rect = el.getBoundingClientRect();
          var s = getComputedStyle(el);
          if (rect.width < 2 || rect.height < 2 || s.visibility === "hidden" || s.display === "none") return;
          var bg = background(el);
          if (!bg) return;
          var fg = over(rgba(s.color), bg);
          var l1 = luminance(fg), l2 = luminance(bg);
          var ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
          var size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
          var needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
          if (ratio < needed) {
            failures.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && el.className.baseVal === undefined ? "." + String(el.className).split(" ").join(".") : "") +
              " '" + el.textContent.trim().slice(0, 40) + "' " + ratio.toFixed(2) + ":1 < " + needed + ":1 (" + s.color + " on rgb(" + [bg.r, bg.g, bg.b].map(Math.round).join(",") + "))");
          }
        });
        return failures;
        "##,
    )
    .await;
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

pub async fn assert_contrast(b: &Browser, page: &str) {
    let failures = low_contrast(b).await;
    assert!(
        failures.is_empty(),
        "text below WCAG AA contrast on the {page}:\n{}",
        failures.join("\n")
    );
}

/// A Chrome DevTools Protocol command, sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Switches the page's network off or on, as DevTools' "Offline" does: requests fail and
/// `navigator.onLine` follows.
pub async fn set_offline(b: &Browser, offline: bool) {
    for (command, params) in [
        ("Network.enable", json!({})),
        (
            "Network.emulateNetworkConditions",
            json!({ "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
        ),
    ] {
        b.client
            .issue_cmd(DevTools { command, params })
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"));
    }
}
