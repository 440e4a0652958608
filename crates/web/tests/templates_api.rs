//! Spreadsheet templates and CSV files, black-box over HTTP against the real server on a
//! fresh database (SQLite and PostgreSQL): a template is downloaded, filled the way a
//! person would (numbers as numbers and as Vietnamese text), uploaded, and the stored values
//! and rows equal what was typed; one bad cell refuses the whole file, names its sheet and
//! cell, and leaves values, rows and audit trails untouched; templates of another unit or
//! period, garbage and oversized files are refused with a sentence; CSV round-trips and
//! names a bad line.

mod support;

use binhdang_domain::access::Role;
use binhdang_store::{Backend, on_both_backends};
use calamine::{Data, Range, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Cursor;
use support::App;

const ENTRY: &str = "Số liệu";
const ACTIVITIES: &str = "Sổ hoạt động";
const BUDGETS: &str = "Sổ kinh phí";
const LISTS: &str = "Danh mục";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The row of machine column names and the first data row (0-based), as the template has them.
const CODE_ROW: u32 = 6;
const FIRST_ROW: u32 = 7;

#[derive(Clone, Debug)]
enum Cell {
    Num(f64),
    Text(String),
}

/// A workbook as calamine reads it: every sheet's cells, by name, in order.
#[derive(Clone)]
struct Book {
    sheets: Vec<(String, Range<Data>)>,
    edits: BTreeMap<(String, u32, u16), Cell>,
}

impl Book {
    fn read(bytes: &[u8]) -> Book {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an XLSX workbook");
        let sheets = wb
            .sheet_names()
            .into_iter()
            .map(|n| {
                let r = wb.worksheet_range(&n).unwrap();
                (n, r)
            })
            .collect();
        Book {
            sheets,
            edits: BTreeMap::new(),
        }
    }

    fn names(&self) -> Vec<&str> {
        self.sheets.iter().map(|(n, _)| n.as_str()).collect()
    }

    fn sheet(&self, name: &str) -> &Range<Data> {
        &self.sheets.iter().find(|(n, _)| n == name).expect(name).1
    }

    fn text(&self, sheet: &str, row: u32, col: u16) -> String {
        match self.sheet(sheet).get_value((row, u32::from(col))) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Float(f)) => f.to_string(),
            Some(Data::Int(i)) => i.to_string(),
            _ => String::new(),
        }
    }

    /// The column whose machine name (row 7) is `name`.
    fn column(&self, sheet: &str, name: &str) -> u16 {
        (0..40u16)
            .find(|c| self.text(sheet, CODE_ROW, *c) == name)
            .unwrap_or_else(|| panic!("{sheet} has no column {name}"))
    }

    fn last_row(&self, sheet: &str) -> u32 {
        self.sheet(sheet).end().map(|(r, _)| r).unwrap_or(0)
    }

    fn set(&mut self, sheet: &str, row: u32, col: u16, cell: Cell) {
        self.edits.insert((sheet.to_string(), row, col), cell);
    }

    /// The workbook with the edits, written anew the way another program would save it.
    fn write(&self) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (name, range) in &self.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(name).unwrap();
            for (row, col, data) in range.used_cells() {
                let (row, col) = (
                    row as u32 + range.start().unwrap().0,
                    (col as u32 + range.start().unwrap().1) as u16,
                );
                match data {
                    Data::String(s) => ws.write_string(row, col, s).map(drop).unwrap(),
                    Data::Float(f) => ws.write_number(row, col, *f).map(drop).unwrap(),
                    Data::Int(i) => ws.write_number(row, col, *i as f64).map(drop).unwrap(),
                    _ => {}
                }
            }
            for ((sheet, row, col), cell) in &self.edits {
                if sheet != name {
                    continue;
                }
                match cell {
                    Cell::Num(n) => ws.write_number(*row, *col, *n).map(drop).unwrap(),
                    Cell::Text(t) => ws.write_string(*row, *col, t).map(drop).unwrap(),
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }
}

/// What is wrong, where (sheet, row, column), what is typed there, the problem codes expected.
type BadCase = (&'static str, (String, u32, u16), Cell, Vec<&'static str>);

/// One line of the entry sheet.
struct Line {
    row: u32,
    element: String,
    d: String,
    hint: String,
}

fn lines(book: &Book) -> Vec<Line> {
    let (e, d, h) = (
        book.column(ENTRY, "element"),
        book.column(ENTRY, "disaggregation"),
        book.column(ENTRY, "unit_hint"),
    );
    (FIRST_ROW..=book.last_row(ENTRY))
        .map(|row| Line {
            row,
            element: book.text(ENTRY, row, e),
            d: book.text(ENTRY, row, d),
            hint: book.text(ENTRY, row, h),
        })
        .filter(|l| !l.element.is_empty())
        .collect()
}

/// What to type for a line, and the canonical value the store should then hold: numbers
/// and Vietnamese text mixed, parts adding up to totals, numerators within denominators.
fn fill(line: &Line, by_sex: bool) -> Option<(Cell, String)> {
    let n = |v: f64, s: &str| Some((Cell::Num(v), s.to_string()));
    let t = |v: &str, s: &str| Some((Cell::Text(v.to_string()), s.to_string()));
    match (line.element.rsplit_once('.').map(|(_, r)| r), line.d.as_str()) {
        (Some("num"), "male") => n(400.0, "400"),
        (Some("num"), "female") => t("300", "300"),
        (Some("num"), _) if by_sex => n(700.0, "700"),
        (Some("num"), _) => n(7.0, "7"),
        (Some("den"), "male") => n(600.0, "600"),
        (Some("den"), "female") => n(660.0, "660"),
        (Some("den"), _) => t("1.260", "1260"),
        (Some("rate"), _) => None,
        (Some("value"), _) if line.hint.contains("1 = có") => n(1.0, "1"),
        (Some("value"), _) if line.hint.contains("Văn bản") => t("Có kế hoạch", "Có kế hoạch"),
        (Some("value"), _) if line.hint.contains("giờ") => t("2,5", "2.5"),
        (Some("value"), _) if line.hint.contains("Tỷ lệ") => t("63,6", "63.6"),
        (Some("value"), _) => n(12.0, "12"),
        _ => None,
    }
}

/// The first two communes of Lai Châu in 2024 (before the reform): the level most
/// indicators are entered at, by sex among them.
async fn communes(app: &App) -> (String, String) {
    let (_, districts) = app.get("/api/v1/units?date=2024-06-30&parent=12").await;
    let district = districts["units"][0]["code"].as_str().unwrap().to_string();
    let (_, communes) = app
        .get(&format!("/api/v1/units?date=2024-06-30&parent={district}"))
        .await;
    let code = |i: usize| communes["units"][i]["code"].as_str().unwrap().to_string();
    (code(0), code(1))
}

async fn download(app: &App, q: &str) -> (StatusCode, Vec<u8>) {
    let r = app
        .client
        .get(format!("{}/api/v1/templates/entry.xlsx?{q}", app.base))
        .send()
        .await
        .unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

async fn upload(app: &App, q: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let r = app
        .client
        .post(format!("{}/api/v1/templates/entry.xlsx?{q}", app.base))
        .header("content-type", XLSX)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Element/breakdown → (value, comment) as the API lists them.
async fn stored(app: &App, q: &str) -> BTreeMap<(String, String), (String, Option<String>)> {
    let (s, body) = app.get(&format!("/api/v1/values?{q}")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let value = v["value"].as_str().or(v["text"].as_str()).unwrap().to_string();
            (
                (
                    v["element"].as_str().unwrap().to_string(),
                    v["disaggregation"].as_str().unwrap().to_string(),
                ),
                (value, v["comment"].as_str().map(str::to_string)),
            )
        })
        .collect()
}

async fn rows(app: &App, q: &str, register: &str) -> Vec<Value> {
    let (s, body) = app.get(&format!("/api/v1/registers/{register}?{q}")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["rows"].as_array().unwrap().clone()
}

/// Values, rows and both audit trails, to show that a refused upload changed nothing.
type Everything = (
    BTreeMap<(String, String), (String, Option<String>)>,
    usize,
    usize,
    i64,
    i64,
);

async fn everything(app: &App, unit: &str) -> Everything {
    let q = format!("unit={unit}&period=2024");
    let (unit, period) = app.db.store.resolve_unit_period(unit, "2024").await.unwrap();
    (
        stored(app, &q).await,
        rows(app, &q, "activities").await.len(),
        rows(app, &q, "budgets").await.len(),
        app.db.store.audit_count(&unit, &period).await.unwrap(),
        app.db.store.register_audit_count().await.unwrap(),
    )
}

fn fields(body: &Value) -> Vec<(String, String, String)> {
    body["error"]["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems in {body}"))
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap().to_string(),
                p["code"].as_str().unwrap().to_string(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `Số liệu!G12` for a 0-based row and column.
fn cell(sheet: &str, row: u32, col: u16) -> String {
    format!("{sheet}!{}", rust_xlsxwriter::utility::row_col_to_cell(row, col))
}

/// The downloaded template filled in: every value line, a comment, an activity and a budget.
fn filled(book: &Book) -> (Book, BTreeMap<(String, String), String>) {
    let mut book = book.clone();
    let mut expected = BTreeMap::new();
    let value_col = book.column(ENTRY, "value");
    let all = lines(&book);
    let sexed: Vec<&str> = all
        .iter()
        .filter(|l| l.d == "male")
        .map(|l| l.element.as_str())
        .collect();
    for line in &all {
        if let Some((typed, canonical)) = fill(line, sexed.contains(&line.element.as_str())) {
            book.set(ENTRY, line.row, value_col, typed);
            expected.insert((line.element.clone(), line.d.clone()), canonical);
        }
    }
    let first_activity = book.text(LISTS, 2, 0);
    let first_source = book.text(LISTS, 2, 9);
    let a = |f: &str| book.column(ACTIVITIES, f);
    let (at, ac, am, af, ad, an) = (
        a("activity_type"),
        a("count"),
        a("participants_male"),
        a("participants_female"),
        a("date"),
        a("content"),
    );
    book.set(ACTIVITIES, FIRST_ROW, at, Cell::Text(first_activity));
    book.set(ACTIVITIES, FIRST_ROW, ac, Cell::Num(2.0));
    book.set(ACTIVITIES, FIRST_ROW, am, Cell::Text("1.200".into()));
    book.set(ACTIVITIES, FIRST_ROW, af, Cell::Num(30.0));
    book.set(ACTIVITIES, FIRST_ROW, ad, Cell::Text("08/03/2024".into()));
    book.set(ACTIVITIES, FIRST_ROW, an, Cell::Text("Tập huấn bình đẳng giới".into()));
    let b = |f: &str| book.column(BUDGETS, f);
    let (bs, ba, bp) = (b("source"), b("allocated"), b("spent"));
    book.set(BUDGETS, FIRST_ROW, bs, Cell::Text(first_source));
    book.set(BUDGETS, FIRST_ROW, ba, Cell::Num(15_000_000.0));
    book.set(BUDGETS, FIRST_ROW, bp, Cell::Text("12.000.000 đ".into()));
    (book, expected)
}

on_both_backends! {
    async fn a_filled_template_round_trips_and_one_bad_cell_stores_nothing(backend: Backend) {
        let app = App::spawn(backend).await;
        let (commune, _) = communes(&app).await;
        let q = format!("unit={commune}&period=2024");
        let q = q.as_str();
        let (s, bytes) = download(&app, q).await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
        let template = Book::read(&bytes);
        assert_eq!(
            template.names(),
            [ENTRY, ACTIVITIES, BUDGETS, "Sổ văn bản", "Sổ Ban VSTBPN", "Sổ cán bộ", "Sổ vụ bạo lực", "Sổ kiểm tra", LISTS]
        );
        // The heading names the unit and period; B2 and B3 are read back on upload.
        assert_eq!(template.text(ENTRY, 1, 1), commune);
        assert_eq!(template.text(ENTRY, 2, 1), "2024");
        assert_eq!(template.text(ACTIVITIES, 1, 1), commune);
        let all = lines(&template);
        assert!(all.len() > 10, "{} lines", all.len());
        assert!(all.iter().any(|l| l.d == "female") && all.iter().any(|l| l.d == "total"));

        let (mut book, expected) = filled(&template);
        let comment_col = book.column(ENTRY, "comment");
        let first = &all[0];
        book.set(ENTRY, first.row, comment_col, Cell::Text("Nguồn: điều tra năm 2024".into()));
        let (s, body) = upload(&app, q, book.write()).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["stored"]["values"]["written"], expected.len());
        assert_eq!(body["stored"]["rows"]["activities"], 1);
        assert_eq!(body["stored"]["rows"]["budgets"], 1);

        // Values equal what was typed, in canonical form.
        let now = stored(&app, q).await;
        let values: BTreeMap<_, _> = now.iter().map(|(k, (v, _))| (k.clone(), v.clone())).collect();
        assert_eq!(values, expected);
        let key = (first.element.clone(), first.d.clone());
        assert_eq!(now[&key].1.as_deref(), Some("Nguồn: điều tra năm 2024"));
        let activity = &rows(&app, q, "activities").await[0];
        assert_eq!(activity["count"], 2);
        assert_eq!(activity["participants_male"], 1200);
        assert_eq!(activity["participants_female"], 30);
        assert_eq!(activity["participants_total"], 1230);
        assert_eq!(activity["date"], "2024-03-08");
        let budget = &rows(&app, q, "budgets").await[0];
        assert_eq!(budget["allocated"], "15000000");
        assert_eq!(budget["spent"], "12000000");
        // The audit says where the change came from.
        let (_, audit) = app
            .get(&format!("/api/v1/audit?{q}&element={}", first.element))
            .await;
        let origins: Vec<&str> = audit["records"].as_array().unwrap().iter().filter_map(|e| e["origin"].as_str()).collect();
        assert!(origins.iter().any(|o| o.starts_with("xlsx upload")), "{audit}");

        // The next download shows the stored values beside the empty input cells.
        let again = Book::read(&download(&app, q).await.1);
        let stored_col = again.column(ENTRY, "stored");
        let den = all.iter().find(|l| l.element.ends_with(".den") && l.d == "total").unwrap();
        assert_eq!(again.text(ENTRY, den.row, stored_col), "1260");
        assert_eq!(again.text(ENTRY, den.row, again.column(ENTRY, "value")), "");

        // One bad cell among changed good ones: nothing is stored, the cell is named.
        let before = everything(&app, &commune).await;
        let value_col = book.column(ENTRY, "value");
        let count_line = all.iter().find(|l| l.element.ends_with(".num") && l.d == "total").unwrap();
        let by_sex = |element: &str, d: &str| all.iter().find(|l| l.element == element && l.d == d).unwrap().row;
        let sexed = all.iter().find(|l| l.element.ends_with(".num") && l.d == "female").unwrap();
        let sexed_den = sexed.element.replace(".num", ".den");
        let sexed_elements: Vec<String> = all.iter().filter(|l| l.d == "male").map(|l| l.element.clone()).collect();
        let female_col = book.column(ACTIVITIES, "participants_female");
        let type_col = book.column(ACTIVITIES, "activity_type");
        let sexed_total = by_sex(&sexed.element, "total");
        let cases: Vec<BadCase> = vec![
            ("text in a number cell", (ENTRY.into(), count_line.row, value_col), Cell::Text("mười".into()), vec!["not_a_number"]),
            // The total follows (400 + 661), so only the numerator breaks a rule.
            ("numerator above denominator", (ENTRY.into(), sexed.row, value_col), Cell::Num(661.0), vec![]),
            ("negative count", (ACTIVITIES.into(), FIRST_ROW, female_col), Cell::Num(-3.0), vec!["negative"]),
            ("code not in the list", (ACTIVITIES.into(), FIRST_ROW, type_col), Cell::Text("khong-co".into()), vec!["not_in_list"]),
        ];
        for (what, (sheet, row, col), bad, codes) in cases {
            let mut bad_book = book.clone();
            // A change that would be stored if the file were accepted.
            let other = all
                .iter()
                .find(|l| l.element.ends_with(".num") && !sexed_elements.contains(&l.element) && l.row != row)
                .unwrap();
            bad_book.set(ENTRY, other.row, value_col, Cell::Num(6.0));
            if what == "numerator above denominator" {
                bad_book.set(ENTRY, sexed_total, value_col, Cell::Num(1061.0));
            }
            bad_book.set(&sheet, row, col, bad);
            let (s, body) = upload(&app, q, bad_book.write()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
            let found = fields(&body);
            let named = cell(&sheet, row, col);
            if what == "numerator above denominator" {
                // Named at the numerator or at the denominator it exceeds.
                let den = cell(ENTRY, by_sex(&sexed_den, "female"), value_col);
                assert!(found.iter().any(|(f, c, _)| (f == &named || f == &den) && c.starts_with("builtin.")), "{what}: {found:?}");
            } else {
                assert!(found.iter().any(|(f, c, m)| f == &named && codes.contains(&c.as_str()) && m.starts_with(&named)), "{what}: {named} not in {found:?}");
            }
            assert_eq!(found.len(), 1, "{what}: only the bad cell is reported: {found:?}");
            assert_eq!(everything(&app, &commune).await, before, "{what}: something was stored");
        }
        // The message is in Vietnamese, naming the cell and what was typed.
        let mut bad_book = book.clone();
        bad_book.set(ENTRY, count_line.row, value_col, Cell::Text("mười".into()));
        let (_, body) = upload(&app, q, bad_book.write()).await;
        let named = cell(ENTRY, count_line.row, value_col);
        assert_eq!(body["error"]["message"], format!("{named}: 'mười' không phải số (nhập như 1.260 hoặc 63,6)"));
    }
}

on_both_backends! {
    async fn templates_of_another_unit_or_period_garbage_and_outsiders_are_refused(backend: Backend) {
        let app = App::spawn(backend).await;
        let (commune, other) = communes(&app).await;
        let q = format!("unit={commune}&period=2024");
        let q = q.as_str();
        let (_, bytes) = download(&app, q).await;
        let before = everything(&app, &commune).await;
        let (book, _) = filled(&Book::read(&bytes));
        let file = book.write();

        let (s, body) = upload(&app, &format!("unit={other}&period=2024"), file.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let found = fields(&body);
        assert!(found.iter().any(|(f, c, m)| f == "Số liệu!B2" && c == "wrong_unit" && m.contains(&format!("'{commune}'"))), "{found:?}");
        let (s, body) = download(&app, &format!("{q}&programme=KHONG-CO")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}", String::from_utf8_lossy(&body));
        let (s, body) = upload(&app, &format!("unit={commune}&period=2023"), file.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(fields(&body).iter().any(|(f, c, _)| f == "Số liệu!B3" && c == "wrong_period"), "{body}");

        // Not an XLSX workbook, in every shape; the server answers each with a sentence.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zip, b"<w:document/>").unwrap();
        let docx_like = zip.finish().unwrap().into_inner();
        let (_, report) = {
            let r = app.client.get(format!("{}/api/v1/reports/assessment?{q}&format=xlsx", app.base)).send().await.unwrap();
            (r.status(), r.bytes().await.unwrap().to_vec())
        };
        let mut truncated = file.clone();
        truncated.truncate(file.len() / 2);
        let garbage: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for (what, body, expected) in [
            ("empty", Vec::new(), "Tệp rỗng"),
            ("random bytes", garbage, "không phải bảng tính XLSX"),
            ("CSV text", b"element,value\n6.1.num,3\n".to_vec(), "không phải bảng tính XLSX"),
            ("a zip that is no workbook", docx_like, "không phải bảng tính XLSX"),
            ("half a workbook", truncated, "không phải bảng tính XLSX"),
            ("a report, not a template", report, "không có trang nào của biểu mẫu"),
        ] {
            let (s, out) = upload(&app, q, body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {out}");
            let message = out["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains(expected), "{what}: {message}");
        }
        let r = app
            .client
            .post(format!("{}/api/v1/templates/entry.xlsx?{q}", app.base))
            .body(vec![b'x'; 6 * 1024 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let out: Value = r.json().await.unwrap();
        assert!(out["error"]["message"].as_str().unwrap().contains("5 MiB"), "{out}");
        assert_eq!(app.get("/api/v1/health").await.0, StatusCode::OK);

        // Outside the caller's scope: neither the template nor the upload.
        let outsider = app.user("can-bo-ha-giang", Role::Officer, "02").await;
        let r = outsider.get(format!("{}/api/v1/templates/entry.xlsx?{q}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = outsider
            .post(format!("{}/api/v1/templates/entry.xlsx?{q}", app.base))
            .body(file)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(everything(&app, &commune).await, before);
    }
}

on_both_backends! {
    async fn values_round_trip_as_csv_and_a_bad_line_is_named(backend: Backend) {
        let app = App::spawn(backend).await;
        let (commune, _) = communes(&app).await;
        let q = format!("unit={commune}&period=2024");
        let put = |body: &'static str| {
            let client = app.client.clone();
            let url = format!("{}/api/v1/values.csv?{q}", app.base);
            async move {
                let r = client.put(url).header("content-type", "text/csv").body(body).send().await.unwrap();
                let status = r.status();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let csv = "element,disaggregation,value,comment\n\
                   6.1.num,male,4,\n\
                   6.1.num,female,7,\"Theo danh sách, năm 2024\"\n\
                   6.1.den,male,10,\n\
                   6.1.den,female,11,\n";
        let (s, body) = put(csv).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["stored"]["values"]["written"], 4);
        let r = app.client.get(format!("{}/api/v1/values.csv?{q}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let text = r.text().await.unwrap();
        let mut got: Vec<&str> = text.lines().collect();
        let mut sent: Vec<&str> = csv.lines().collect();
        got.sort();
        sent.sort();
        assert_eq!(got, sent, "{text}");

        let before = everything(&app, &commune).await;
        let (s, body) = put("element,disaggregation,value\n6.1.num,male,5\n6.1.num,female,bảy\n6.1.den,nobody,3\n").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let found = fields(&body);
        assert!(found.iter().any(|(f, c, m)| f == "line 3, value" && c == "not_a_number" && m.starts_with("Dòng 3, cột value")), "{found:?}");
        assert!(found.iter().any(|(f, c, _)| f == "line 4, disaggregation" && c == "unknown_disaggregation"), "{found:?}");
        // A numerator above its denominator refuses the file too.
        let (s, body) = put("element,disaggregation,value\n6.1.num,female,12\n").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(fields(&body).iter().any(|(f, c, _)| f == "line 2, value" && c.starts_with("builtin.")), "{body}");
        let (s, body) = put("code;value\n").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        // Many bad lines: a short answer listing the first 100 and saying how many there were.
        let many_bad: &'static str =
            Box::leak(format!("element,disaggregation,value\n{}", "6.1.num,male,bảy\n".repeat(300)).into_boxed_str());
        let (s, body) = put(many_bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["problems"].as_array().unwrap().len(), 100);
        assert_eq!(body["error"]["problems_total"], 300);
        assert!(body["error"]["message"].as_str().unwrap().contains("300"), "{}", body["error"]["message"]);
        // A file far longer than any unit's values is refused as such, in a few hundred bytes.
        let huge: &'static str =
            Box::leak(format!("element,disaggregation,value\n{}", "6.1.num,male,4\n".repeat(20_000)).into_boxed_str());
        let (s, body) = put(huge).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["problems"][0]["code"], "too_many_lines");
        assert!(body.to_string().len() < 2_000, "{} bytes", body.to_string().len());
        assert_eq!(everything(&app, &commune).await, before);
        // An empty value removes the stored one.
        let (s, body) = put("element,disaggregation,value\n6.1.num,male,\n").await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert_eq!(body["stored"]["values"]["deleted"], 1);
    }
}

/// LibreOffice opens the template without a complaint (converted to PDF, headless).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn libreoffice_opens_the_template() {
    let app = App::spawn(Backend::Sqlite).await;
    let (commune, _) = communes(&app).await;
    let (s, bytes) = download(&app, &format!("unit={commune}&period=2024")).await;
    assert_eq!(s, StatusCode::OK);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("template-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bieu-nhap-12-2024.xlsx");
    std::fs::write(&file, &bytes).unwrap();
    let profile = dir.join("lo-profile");
    let result = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&file)
        .output()
        .expect("soffice runs (bash scripts/ensure-libreoffice.sh installs it)");
    let stderr: String = String::from_utf8_lossy(&result.stderr)
        .lines()
        .filter(|l| !l.contains("javaldx"))
        .collect();
    assert!(result.status.success() && stderr.trim().is_empty(), "soffice: {stderr}");
    let pdf = std::fs::read(dir.join("bieu-nhap-12-2024.pdf")).expect("a PDF");
    assert!(pdf.starts_with(b"%PDF") && pdf.len() > 5_000, "{} bytes", pdf.len());
}

/// A `multipart/form-data` body as a browser sends the upload form.
fn multipart(csrf: Option<&str>, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----binhdang-test-7f3a9c";
    let mut body = Vec::new();
    if let Some(csrf) = csrf {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bieu-nhap.xlsx\"\r\n\
             Content-Type: {XLSX}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

on_both_backends! {
    async fn the_entry_page_downloads_and_uploads_a_template(backend: Backend) {
        use binhdang_store::testing::TEST_PASSWORD;
        use support::visitor::Visitor;
        let app = App::spawn(backend).await;
        let (commune, _) = communes(&app).await;
        app.user("can-bo-xa", Role::Officer, &commune).await;
        let mut v = Visitor::new(&app);
        v.sign_in("can-bo-xa", TEST_PASSWORD).await;
        let page = v.get(&format!("/nhap-lieu?unit={commune}&period=2024")).await;
        assert_eq!(page.status, StatusCode::OK);
        let href = format!("/api/v1/templates/entry.xlsx?unit={commune}&#38;period=2024");
        assert!(page.body.contains(&format!("href=\"{href}\" id=\"template-download\"")), "{}", page.body);
        assert!(page.body.contains("enctype=\"multipart/form-data\""));
        assert!(page.body.contains("<label for=\"template-file\">"));
        let registers = v.get(&format!("/so-theo-doi?unit={commune}&period=2024&kind=activities")).await;
        assert!(registers.body.contains("sheets=registers"), "{}", registers.body);
        assert!(registers.body.contains("back=registers&#38;kind=activities"));
        // A leader reads the registers but may not write them: no template link that would
        // answer 403.
        app.user("lanh-dao", Role::Leader, "12").await;
        let mut leader = Visitor::new(&app);
        leader.sign_in("lanh-dao", TEST_PASSWORD).await;
        let r = leader.http.get(format!("{}/api/v1/templates/entry.xlsx?unit={commune}&period=2024", app.base))
            .header("cookie", leader.cookie_header()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "the link would not work for them");
        let registers = leader.get(&format!("/so-theo-doi?unit={commune}&period=2024&kind=activities")).await;
        assert_eq!(registers.status, StatusCode::OK, "{}", registers.body);
        assert!(!registers.body.contains("template-download"), "{}", registers.body);

        // The session downloads the template the page links to.
        let r = v.http.get(format!("{}{}", app.base, href.replace("&#38;", "&")))
            .header("cookie", v.cookie_header()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let (mut book, expected) = filled(&Book::read(&r.bytes().await.unwrap()));
        let q = format!("unit={commune}&period=2024");
        let action = format!("{}/nhap-lieu/tai-len?{q}", app.base);
        let post = |v: &Visitor, csrf: Option<String>, file: Vec<u8>| {
            let (content_type, body) = multipart(csrf.as_deref(), &file);
            v.http.post(action.clone()).header("cookie", v.cookie_header()).header("content-type", content_type).body(body).send()
        };

        // Without the form's CSRF token: refused.
        let r = post(&v, None, book.write()).await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // One bad cell: the page lists it by sheet and cell, nothing is stored.
        let value_col = book.column(ENTRY, "value");
        let good = book.write();
        book.set(ENTRY, FIRST_ROW, value_col, Cell::Text("mười".into()));
        let r = post(&v, Some(page.csrf()), book.write()).await.unwrap();
        let refused = v.finish(r).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        let cell_ref = rust_xlsxwriter::utility::row_col_to_cell(FIRST_ROW, value_col);
        assert!(refused.body.contains(&format!("<td>Số liệu</td><td>{cell_ref}</td><td>&#39;mười&#39; không phải số")), "{}", refused.body);
        assert!(stored(&app, &q).await.is_empty());
        // The good file is stored and the page says what was.
        let r = post(&v, Some(page.csrf()), good).await.unwrap();
        let done = v.finish(r).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body.contains("id=\"upload-stored\""));
        assert!(done.body.contains(&format!("<strong>{}</strong>", expected.len())), "{}", done.body);
        assert_eq!(stored(&app, &q).await.len(), expected.len());
    }
}
