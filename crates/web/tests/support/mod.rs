//! The server under test: a fresh database (SQLite or PostgreSQL) with the catalogue and
//! the units of Lai Châu (12) and of Hà Giang (02), which merged into Tuyên Quang (08),
//! served on a free loopback port. Each test file uses what it needs of this.
#![allow(dead_code)]

pub mod visitor;

use binhdang_domain::access::Role;
use binhdang_store::Backend;
use binhdang_store::testing::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct App {
    pub base: String,
    /// Signed in as an administrator of the whole country.
    pub client: reqwest::Client,
    pub db: TestDb,
}

/// A client that sends a bearer token with every request.
pub fn client_with_token(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder().default_headers(headers).build().unwrap()
}

impl App {
    pub async fn spawn(backend: Backend) -> App {
        App::spawn_on(TestDb::with_provinces(backend, &["12", "02"]).await).await
    }

    /// The server on a database the test has prepared.
    pub async fn spawn_on(db: TestDb) -> App {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(binhdang_web::serve(listener, db.store.clone()));
        let token = db.token_for("tester", Role::Admin, "VN").await;
        App {
            base,
            client: client_with_token(&token),
            db,
        }
    }

    /// A client signed in as a new user with this role and unit.
    pub async fn user(&self, username: &str, role: Role, unit: &str) -> reqwest::Client {
        client_with_token(&self.db.token_for(username, role, unit).await)
    }

    /// A client signed in as a new officer of Lai Châu (12) tied to a new agency of the
    /// province that answers for `indicators` only.
    pub async fn agency_officer(&self, username: &str, agency: &str, indicators: &[&str]) -> reqwest::Client {
        let store = &self.db.store;
        let province = store
            .unit_on("12", binhdang_store::testing::test_today())
            .await
            .unwrap();
        let record = binhdang_domain::Agency {
            code: agency.into(),
            unit: binhdang_domain::UnitCode::parse("12").unwrap(),
            name_vi: format!("Cơ quan {agency}"),
            name_en: None,
        };
        store.put_agency(&province, &record).await.unwrap();
        let seed = binhdang_store::Actor {
            name: "seed".into(),
            origin: "test".into(),
            entered_from: None,
        };
        store.set_agency_indicators(agency, indicators, &seed).await.unwrap();
        let new = binhdang_store::NewUser {
            username,
            role: Role::Officer,
            unit_code: "12",
            agency_code: Some(agency),
            password: binhdang_store::testing::TEST_PASSWORD,
            must_change_password: false,
        };
        store.add_user(&new, "test", "test").await.unwrap();
        client_with_token(&store.create_token(username, "test", "test", "test").await.unwrap())
    }

    pub async fn send(
        &self,
        client: &reqwest::Client,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut request = client.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(body);
        }
        let r = request.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(&self.client, Method::GET, path, None).await
    }

    pub async fn put(&self, path: &str, body: &Value, lang: &str) -> (StatusCode, Value) {
        let r = self
            .client
            .put(format!("{}{path}", self.base))
            .header("Accept-Language", lang)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn put_status(&self, path: &str, body: Value) -> StatusCode {
        self.put(path, &body, "vi").await.0
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(&self.client, Method::POST, path, Some(body)).await
    }
}

/// (field, code) of every problem in an error body.
pub fn problems(v: &Value) -> Vec<(String, String)> {
    v["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap().to_string(),
                p["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

impl App {
    /// The annual report on the Strategy of `unit` for `year`, built in process as the
    /// download is, dated `date`.
    pub async fn annual_report(&self, unit: &str, year: i32, date: time::Date) -> binhdang_reports::Document {
        self.report(
            binhdang_reports::Kind::Strategy,
            unit,
            binhdang_domain::Period::Year(year),
            date,
        )
        .await
    }

    /// A report of `kind` for `unit` and `period`, built in process as the download is.
    pub async fn report(
        &self,
        kind: binhdang_reports::Kind,
        unit: &str,
        period: binhdang_domain::Period,
        date: time::Date,
    ) -> binhdang_reports::Document {
        report(&self.db.store, kind, unit, period, date).await
    }
}

/// A report of `kind` for `unit` and `period` from `store`, with the built-in template.
pub async fn report(
    store: &binhdang_store::Store,
    kind: binhdang_reports::Kind,
    unit: &str,
    period: binhdang_domain::Period,
    date: time::Date,
) -> binhdang_reports::Document {
    let unit = store.unit_for_period(unit, &period).await.unwrap().unwrap();
    let request = binhdang_reports::Request {
        kind,
        unit: &unit,
        window: period.into(),
        programme: None,
        date,
        template: &binhdang_reports::Template::builtin(),
    };
    binhdang_reports::build(store, &request).await.unwrap()
}

/// The text of every part of a DOCX (body, headers), its XML tags stripped.
pub fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut text = String::new();
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.unwrap().to_string())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    for name in names {
        let mut part = zip.by_name(&name).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut part, &mut xml).unwrap();
        let mut inside = false;
        for c in xml.chars() {
            match c {
                '<' => inside = true,
                '>' => inside = false,
                c if !inside => text.push(c),
                _ => {}
            }
        }
        text.push('\n');
    }
    text
}

impl App {
    /// A document downloaded over the API as DOCX, as its text (see [`docx_text`]).
    pub async fn docx(&self, path: &str) -> String {
        let r = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK, "{path}");
        docx_text(&r.bytes().await.unwrap())
    }
}
