//! Uploads are read only for someone who may make them: a caller outside the unit's scope is
//! answered while the file is still on its way (the server does not wait for it, nor keep it).

mod support;

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use std::time::Duration;
use support::App;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends the head of a request announcing a 50 MB body, then only a few bytes of it, and
/// returns the status line the server answers with (or None if it waits for the rest).
async fn status_before_the_body(app: &App, path: &str, token: &str) -> Option<String> {
    status_before_the_body_with(app, path, &format!("Authorization: Bearer {token}")).await
}

async fn status_before_the_body_with(app: &App, path: &str, credentials: &str) -> Option<String> {
    let address = app.base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\n{credentials}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 50000000\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&[0u8; 1024]).await.unwrap();
    let mut answer = vec![0u8; 512];
    let n = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut answer))
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8_lossy(&answer[..n]).to_string();
    text.lines().next().map(str::to_string)
}

on_both_backends! {
    async fn an_upload_from_outside_the_scope_is_refused_before_the_file_is_read(backend: Backend) {
        let app = App::spawn(backend).await;
        // An officer of another province (02, Hà Giang before the reform) writes nowhere in 12.
        let token = app.db.token_for("can.bo.khac", Role::Officer, "02").await;
        for path in [
            "/api/v1/templates/entry.xlsx?unit=12&period=2024",
            "/api/v1/imports?unit=12&period=2024&file=bao-cao.docx",
            "/api/v1/values.csv?unit=12&period=2024",
        ] {
            let status = status_before_the_body(&app, path, &token).await;
            assert_eq!(status.as_deref(), Some("HTTP/1.1 403 Forbidden"), "{path}");
        }
        // The pages' upload forms carry their token in the address: a wrong one is refused
        // before the file is read, as is a signed-in officer outside the unit's scope.
        let signed_in = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/sign-in", app.base))
            .json(&serde_json::json!({ "username": "can.bo.khac", "password": binhdang_store::testing::TEST_PASSWORD }))
            .send()
            .await
            .unwrap();
        let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        for path in ["/nhap-lieu/tai-len?unit=12&period=2024&csrf=sai", "/nhap-bao-cao-cu?csrf=sai"] {
            let status = status_before_the_body_with(&app, path, &format!("Cookie: {cookie}")).await;
            assert_eq!(status.as_deref(), Some("HTTP/1.1 403 Forbidden"), "{path}");
        }
    }
}

/// The test process's peak resident memory, in MiB (Linux).
fn peak_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap();
    kib / 1024
}

on_both_backends! {
    async fn a_huge_csv_gets_a_short_refusal_and_memory_stays_low(backend: Backend) {
        // Before: 290,000 identical lines (4.9 MB) answered a 103.7 MB error body and took the
        // server to 1.07 GB; four at once to 2.27 GB. The server runs in this process, so the
        // process's peak memory is the server's (plus the test's own copies of the file).
        let app = App::spawn(backend).await;
        let csv = format!("element,disaggregation,value,comment\n{}", "6.1.num,male,4,\n".repeat(290_000));
        let mut answers = tokio::task::JoinSet::new();
        for _ in 0..4 {
            let (client, url, body) = (app.client.clone(), format!("{}/api/v1/values.csv?unit=12&period=2024", app.base), csv.clone());
            answers.spawn(async move {
                let r = client.put(url).header("content-type", "text/csv").body(body).send().await.unwrap();
                (r.status(), r.text().await.unwrap())
            });
        }
        while let Some(answer) = answers.join_next().await {
            let (status, body) = answer.unwrap();
            assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
            assert!(body.len() < 2_000, "{} bytes", body.len());
            assert!(body.contains("too_many_lines"), "{body}");
        }
        assert!(peak_mib() < 200, "peak {} MiB", peak_mib());
    }
}
