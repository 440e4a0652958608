//! Generated documents as people get them: opened by LibreOffice, read back by pdftotext and
//! calamine, rendered to PNG, and compared with what the store holds. Needs LibreOffice and
//! poppler-utils (scripts/ensure-libreoffice.sh installs them).

use binhdang_domain::register::{Activity, Budget, BudgetSource, DirectiveDocument as DocRow};
use binhdang_domain::{MeasureKind, Period, Target, TargetOp, UnitLevel};
use binhdang_reports::{Format, Kind, Request, Template};
use binhdang_store::testing::TestDb;
use binhdang_store::{Actor, Assessment, RawValue, Store, UnitSummary, ValueInput, on_both_backends};
use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use time::macros::date;

fn actor() -> Actor {
    Actor {
        name: "tester".into(),
        origin: "test".into(),
        entered_from: None,
    }
}

fn value(element: &str, disaggregation: &str, v: &str) -> ValueInput {
    ValueInput {
        element: element.into(),
        disaggregation: Some(disaggregation.into()),
        value: RawValue::Text(v.into()),
        comment: None,
        source: None,
        expected: None,
    }
}

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("binhdang-reports-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Where rendered pages are kept for people to look at.
fn artefacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Converts a file with LibreOffice (its own profile, so tests can run side by side) and
/// returns the PDF, failing on any complaint.
fn as_f64_of(d: Decimal) -> f64 {
    d.to_string().parse().unwrap()
}

fn libreoffice_to_pdf(file: &Path) -> PathBuf {
    let out = file.parent().unwrap().join("lo");
    let profile = scratch("lo-profile");
    let result = Command::new("soffice")
        .env("LC_ALL", "en_US.UTF-8")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .arg(file)
        .output()
        .expect("soffice runs (bash scripts/ensure-libreoffice.sh installs it)");
    // LibreOffice says it runs without Java; that is about this machine, not the file.
    let stderr: String = String::from_utf8_lossy(&result.stderr)
        .lines()
        .filter(|l| !l.contains("javaldx"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        result.status.success(),
        "soffice failed on {}: {stderr}",
        file.display()
    );
    assert!(
        stderr.trim().is_empty(),
        "soffice complained about {}: {stderr}",
        file.display()
    );
    let pdf = out.join(file.with_extension("pdf").file_name().unwrap());
    assert!(
        pdf.exists(),
        "no PDF from {}: {}",
        file.display(),
        String::from_utf8_lossy(&result.stdout)
    );
    let _ = std::fs::remove_dir_all(profile);
    pdf
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

/// The text on one line: the page furniture (page number, draft mark) at the top of each
/// page dropped, whitespace collapsed, a line broken after `/` joined again.
fn flat(text: &str) -> String {
    let mut body = Vec::new();
    for (n, page) in text.split('\x0c').enumerate() {
        let mut lines = page.lines().peekable();
        while let Some(line) = lines.peek() {
            let line = line.trim();
            let furniture =
                line == "DỰ THẢO" || (n > 0 && !line.is_empty() && line.chars().all(|c| c.is_ascii_digit()));
            if line.is_empty() || furniture {
                lines.next();
            } else {
                break;
            }
        }
        body.extend(lines);
    }
    body.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("/ ", "/")
}

/// Renders the first page and returns the share of dark pixels; keeps a PNG of it.
fn first_page_ink(pdf: &Path, keep_as: &str) -> f64 {
    let prefix = pdf.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", "40", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    let pgm = std::fs::read(prefix.with_extension("pgm")).expect("pdftoppm wrote the page");
    // P5 header: magic, width, height, maximum, each followed by whitespace.
    let mut fields = 0;
    let mut at = 0;
    while fields < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    let pixels = &pgm[at + 1..];
    let dark = pixels.iter().filter(|p| **p < 128).count();
    let png = artefacts().join(keep_as);
    let _ = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(png.with_extension(""))
        .status();
    dark as f64 / pixels.len() as f64
}

/// The old province of Lai Châu with a year of data: figures from two communes and the
/// province, a local target, and annex rows.
async fn province_with_data(store: &Store) -> (UnitSummary, Period) {
    let year = Period::Year(2024);
    let province = store.unit_for_period("12", &year).await.unwrap().unwrap();
    let district = store.unit_detail("12", date!(2024 - 01 - 01)).await.unwrap().children[0].clone();
    let communes = store
        .unit_detail(&district.code, date!(2024 - 01 - 01))
        .await
        .unwrap()
        .children;
    let (a, b) = (&communes[0], &communes[1]);
    // 6.1 by sex in two communes: (2999 + 2999) / (5000 + 5000) = 59,98 %, below the
    // province's own target of 60 %: it must read "59,98%" and "không đạt".
    store
        .write_values(
            a,
            &year,
            &[
                value("6.1.num", "male", "1400"),
                value("6.1.den", "male", "2400"),
                value("6.1.num", "female", "1599"),
                value("6.1.den", "female", "2600"),
            ],
            &actor(),
        )
        .await
        .unwrap();
    store
        .write_values(
            b,
            &year,
            &[
                value("6.1.num", "male", "1500"),
                value("6.1.den", "male", "2500"),
                value("6.1.num", "female", "1499"),
                value("6.1.den", "female", "2500"),
                value("4.1.num", "total", "1260"),
                value("4.1.den", "total", "1150"),
            ],
            &actor(),
        )
        .await
        .unwrap();
    store
        .write_values(
            &province,
            &year,
            &[
                value("5.4a.num", "total", "7"),
                value("5.4a.den", "total", "11"),
                value("2.1.num", "total", "72315"),
                value("2.1.den", "total", "239796"),
                value("3.1.num", "total", "22.1"),
                value("3.1.den", "total", "11.9"),
            ],
            &actor(),
        )
        .await
        .unwrap();
    let phase: Period = "2021-2025".parse().unwrap();
    store
        .set_local_target(
            "12",
            "6.1",
            &phase,
            Target {
                op: TargetOp::AtLeast,
                value: Decimal::from(60),
            },
            &actor(),
        )
        .await
        .unwrap();
    let activity = Activity {
        activity_type: "tap-huan".into(),
        content: Some("Tập huấn cán bộ".into()),
        count: Decimal::from(13),
        participants_male: Some(Decimal::from(300)),
        participants_female: Some(Decimal::from(480)),
        participants_total: None,
        level: Some(UnitLevel::Province),
        date: Some(date!(2024 - 03 - 08)),
        notes: None,
    };
    store
        .create_register_row(&province, &year, activity, &actor())
        .await
        .unwrap();
    let document = DocRow {
        order: Some(Decimal::ONE),
        summary: "Kế hoạch thực hiện công tác bình đẳng giới năm 2024".into(),
        issuing_body: "UBND tỉnh".into(),
        document_type: "ke-hoach".into(),
        number: Some("412/KH-UBND".into()),
        date: Some(date!(2024 - 02 - 05)),
        notes: None,
    };
    store
        .create_register_row(&province, &year, document, &actor())
        .await
        .unwrap();
    let budget = Budget {
        source: BudgetSource::Central,
        content: None,
        allocated: Some(Decimal::from(15_000_000)),
        spent: Some(Decimal::from(12_500_000)),
        notes: None,
    };
    store
        .create_register_row(&province, &year, budget, &actor())
        .await
        .unwrap();
    plan_with_tasks(store, &province).await;
    (province, year)
}

/// The province's plan for 2024 with two tasks: one done on time, one never reported, which
/// the annual report (as of 31/12/2024) shows overdue.
async fn plan_with_tasks(store: &Store, province: &UnitSummary) {
    use binhdang_domain::plan::{Body, PlanKind, PlanStatus, Progress, Recurrence};
    use binhdang_store::plans::{Evidence, PlanInput, ProgressInput, TaskInput};
    let task = |item: &str, text: &str, lead: &str, due: time::Date| TaskInput {
        item: item.into(),
        text: text.into(),
        lead: Body {
            unit: None,
            agency: None,
            name: lead.into(),
        },
        partners: Vec::new(),
        due: Some(due),
        recurrence: Recurrence::Once,
        expected_output: None,
        indicators: Vec::new(),
        source: None,
    };
    let input = PlanInput {
        kind: PlanKind::Plan,
        number: Some("85/KH-UBND".into()),
        issued_on: Some(date!(2024 - 03 - 16)),
        issuing_body: "UBND tỉnh Lai Châu".into(),
        summary: "Thực hiện công tác bình đẳng giới năm 2024".into(),
        period: Period::Year(2024),
    };
    let tasks = [
        task(
            "II.1",
            "Tập huấn kiến thức về bình đẳng giới cho cán bộ cấp xã",
            "Sở Nội vụ",
            date!(2024 - 06 - 30),
        ),
        task(
            "II.2",
            "Kiểm tra việc thực hiện pháp luật về bình đẳng giới tại các huyện",
            "Thanh tra tỉnh",
            date!(2024 - 10 - 31),
        ),
    ];
    let plan = store
        .create_plan(province, &input, None, &tasks, &actor())
        .await
        .unwrap();
    store
        .set_plan_status(plan.id, PlanStatus::Issued, &actor())
        .await
        .unwrap();
    let first = store.tasks_of(plan.id).await.unwrap()[0].id;
    let done = ProgressInput {
        progress: Progress::Done,
        reported_on: date!(2024 - 06 - 20),
        note: Some("Đã tập huấn 96 cán bộ".into()),
        evidence: Evidence::default(),
    };
    store
        .report_progress(first, done, Some(date!(2024 - 06 - 30)), true, &actor())
        .await
        .unwrap();
}

async fn strategy(store: &Store, unit: &UnitSummary, period: Period) -> binhdang_reports::Document {
    let template = Template::builtin();
    binhdang_reports::build(
        store,
        &Request {
            kind: Kind::Strategy,
            unit,
            window: period.into(),
            programme: None,
            date: date!(2025 - 03 - 05),
            template: &template,
        },
    )
    .await
    .unwrap()
}

/// The number in `text` that ends at `end` (exclusive), in Vietnamese notation, and its places.
fn number_before(text: &str, end: usize) -> Option<(Decimal, u32)> {
    let start = text[..end]
        .rfind(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .map(|i| i + 1)
        .unwrap_or(0);
    let s = &text[start..end];
    let places = s.split_once(',').map(|(_, f)| f.len() as u32).unwrap_or(0);
    Decimal::from_str(&s.replace('.', "").replace(',', "."))
        .ok()
        .map(|d| (d, places))
}

/// Checks every percentage in the sentence about each indicator against the engine: the
/// value, by sex, and the target. Returns the mismatches.
fn percentage_mismatches(text: &str, rows: &[Assessment]) -> Vec<String> {
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for a in rows {
        let Some(start) = text.find(&format!("- Chỉ tiêu {}: ", a.indicator)) else {
            mismatches.push(format!("{}: no sentence", a.indicator));
            continue;
        };
        let sentence = &text[start..];
        let sentence = &sentence[..sentence.find(". ").unwrap_or(sentence.len())];
        let mut allowed: Vec<Decimal> = Vec::new();
        let f = &a.figure;
        allowed.extend(f.value);
        if let Some(s) = &f.by_sex {
            allowed.extend(s.male.value);
            allowed.extend(s.female.value);
        }
        if let Some(t) = &a.target {
            allowed.push(t.target.value);
        }
        for (at, _) in sentence.match_indices('%') {
            let Some((printed, places)) = number_before(sentence, at) else {
                mismatches.push(format!("{}: unreadable percentage in {sentence}", a.indicator));
                continue;
            };
            checked += 1;
            if !allowed.iter().any(|v| v.round_dp(places) == printed) {
                mismatches.push(format!("{}: {printed} is none of {allowed:?}: {sentence}", a.indicator));
            }
        }
        // The value and its parts: "59,98% (5.998/10.000)".
        if let (Some(v), Some(n), Some(d)) = (f.value, f.numerator, f.denominator)
            && a.figure.method == "sum_of_parts_then_divide"
            && sentence.contains('%')
        {
            let parts = format!(
                "({}/{})",
                binhdang_domain::vn::format_number(n, None),
                binhdang_domain::vn::format_number(d, None)
            );
            if !sentence.contains(&parts) {
                mismatches.push(format!("{}: {parts} missing for {v}: {sentence}", a.indicator));
            }
        }
        if f.value.is_none() && !sentence.contains("chưa có số liệu") && a.status_vi != "Không có kết quả định lượng"
        {
            mismatches.push(format!("{}: no figure, but the sentence says {sentence}", a.indicator));
        }
    }
    assert!(checked > 0, "no percentage was checked");
    mismatches
}

on_both_backends! {
    async fn the_period_report_opens_in_libreoffice_and_says_what_the_store_holds(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let (province, year) = province_with_data(store).await;
        let doc = strategy(store, &province, year).await;
        assert!(doc.draft, "nothing is approved: the report is a draft");
        let dir = scratch("strategy");
        let mut files = Vec::new();
        for format in Format::ALL {
            let bytes = binhdang_reports::render(&doc, format).unwrap();
            let path = dir.join(binhdang_reports::file_name(&doc, format));
            std::fs::write(&path, bytes).unwrap();
            files.push(path);
        }
        let (docx, pdf, xlsx) = (&files[0], &files[1], &files[2]);

        // The PDF says what the decree asks, with the diacritics right.
        let text = flat(&pdftotext(pdf));
        for line in [
            "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Lai Châu, ngày 05 tháng 3 năm 2025",
            "BÁO CÁO",
            "Kết quả thực hiện Chiến lược quốc gia về bình đẳng giới năm 2024 trên địa bàn tỉnh Lai Châu",
            "DỰ THẢO",
            "Nơi nhận:",
            "Phụ lục I",
            "MỤC TIÊU 1: TRONG LĨNH VỰC CHÍNH TRỊ",
            "- Chỉ tiêu 5.4a: Tỷ lệ nữ thạc sĩ trong tổng số người có trình độ thạc sĩ đạt 63,6% (7/11), so với chỉ tiêu ít nhất 50% (chỉ tiêu quốc gia năm 2025) là vượt chỉ tiêu.",
            "đạt 59,98% (5.998/10.000)",
            "so với chỉ tiêu ít nhất 60% (chỉ tiêu của địa phương giai đoạn 2021-2025) là không đạt.",
            "- Chỉ tiêu 1.1: Tỷ lệ cơ quan quản lý nhà nước, chính quyền địa phương các cấp có lãnh đạo chủ chốt là nữ: chưa có số liệu.",
            "Tập huấn: 13, với 780 lượt người tham dự (nam 300, nữ 480)",
            "15.000.000 đồng",
            "412/KH-UBND",
            "Kết quả thực hiện nhiệm vụ theo Kế hoạch số 85/KH-UBND ngày 16/03/2024 của UBND tỉnh Lai Châu: 2 nhiệm vụ, trong đó hoàn thành đúng hạn 1, hoàn thành muộn 0, quá hạn chưa hoàn thành 1",
            "Cơ quan, đơn vị còn nhiệm vụ quá hạn: Thanh tra tỉnh (1)",
            "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO KẾ HOẠCH",
        ] {
            assert!(text.contains(line), "the PDF lacks «{line}»:\n{text}");
        }
        // A missed target is never written as met.
        let s61 = &text[text.find("- Chỉ tiêu 6.1:").unwrap()..];
        let s61 = &s61[..s61.find(". ").unwrap()];
        assert!(s61.ends_with("là không đạt") && !s61.contains("là đạt"), "{s61}");
        let rows = store.assessment(&province, &year).await.unwrap();
        let mismatches = percentage_mismatches(&text, &rows);
        assert!(mismatches.is_empty(), "{mismatches:#?}");
        let ink = first_page_ink(pdf, &format!("strategy-12-2024-{}.png", backend.name().to_lowercase()));
        assert!(ink > 0.01, "the first page is blank ({ink})");

        // LibreOffice opens the DOCX and the XLSX, and the DOCX says the same.
        let docx_pages = pdftotext(&libreoffice_to_pdf(docx));
        let from_docx = flat(&docx_pages);
        for line in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Lai Châu, ngày 05 tháng 3 năm 2025",
            "DỰ THẢO",
            "đạt 63,6% (7/11)",
            "Nơi nhận:",
            "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO KẾ HOẠCH",
            "Hoàn thành đúng hạn",
        ] {
            assert!(from_docx.contains(line), "the DOCX lacks «{line}»:\n{from_docx}");
        }
        // The assessment table runs over several pages, and its headings repeat on each.
        // (Its narrow heading cells break into one word a line; "Mã" heads the first column.)
        let with_headings = docx_pages
            .split('\x0c')
            .filter(|page| page.lines().any(|line| line.trim() == "Mã"))
            .count();
        assert!(with_headings >= 2, "the table headings are on {with_headings} page(s):\n{docx_pages}");
        let from_xlsx = flat(&pdftotext(&libreoffice_to_pdf(xlsx)));
        assert!(from_xlsx.contains("MỤC TIÊU 1: TRONG LĨNH VỰC CHÍNH TRỊ"), "{from_xlsx}");

        // XLSX cells are numbers equal to the store's figures.
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(std::fs::read(xlsx).unwrap())).unwrap();
        let sheets = book.sheet_names();
        assert_eq!(sheets, ["Đánh giá chỉ tiêu", "Hoạt động", "Sản phẩm truyền thông", "Văn bản chỉ đạo", "Kinh phí", "Nhiệm vụ"]);
        let tasks = book.worksheet_range("Nhiệm vụ").unwrap();
        let statuses: Vec<String> = tasks.rows().filter_map(|r| r.last().map(|c| c.to_string())).filter(|s| s.starts_with("Hoàn") || s == "Quá hạn").collect();
        assert_eq!(statuses, ["Hoàn thành đúng hạn", "Quá hạn"]);
        let sheet = book.worksheet_range("Đánh giá chỉ tiêu").unwrap();
        let header = sheet.rows().position(|r| r.first() == Some(&Data::String("Mã".into()))).unwrap();
        let headers: Vec<String> = sheet.rows().nth(header).unwrap().iter().map(|c| c.to_string()).collect();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (num_col, den_col, value_col) = (col("Tử số"), col("Mẫu số"), col("Giá trị"));
        let mut compared = 0;
        let indicators = store.indicators().await.unwrap();
        for r in &rows {
            let row = sheet.rows().find(|row| row.first() == Some(&Data::String(r.indicator.to_string()))).unwrap();
            let as_f64 = |d: Decimal| d.to_string().parse::<f64>().unwrap();
            let measure = indicators.iter().find(|i| i.code == r.indicator).unwrap().measure;
            match r.figure.value {
                Some(v) => {
                    let Data::Float(cell) = row[value_col] else { panic!("{}: value is {:?}", r.indicator, row[value_col]) };
                    // A percentage is stored as its fraction, shown with the 0.0% format.
                    let in_store_units = if measure == MeasureKind::Percent { cell * 100.0 } else { cell };
                    assert!((in_store_units - as_f64(v)).abs() < 1e-9, "{}: sheet {cell}, store {v}", r.indicator);
                    assert_eq!(row[num_col], Data::Float(as_f64(r.figure.numerator.unwrap())), "{}", r.indicator);
                    assert_eq!(row[den_col], Data::Float(as_f64(r.figure.denominator.unwrap())), "{}", r.indicator);
                    compared += 1;
                }
                None => assert_eq!(row[value_col], Data::Empty, "{}", r.indicator),
            }
        }
        assert_eq!(compared, 5);
        // LibreOffice (run here in an English locale) shows them the Vietnamese way: the
        // formats carry the Vietnamese locale, so thousands are dotted and decimals commas.
        assert!(from_xlsx.contains("15.000.000") && !from_xlsx.contains("15,000,000"), "{from_xlsx}");
        let percent = rows
            .iter()
            .find(|r| {
                r.figure.value.is_some()
                    && indicators.iter().any(|i| i.code == r.indicator && i.measure == MeasureKind::Percent)
            })
            .unwrap();
        let shown = format!("{:.1}%", as_f64_of(percent.figure.value.unwrap())).replace('.', ",");
        assert!(from_xlsx.contains(&shown), "{} should show {shown}:\n{from_xlsx}", percent.indicator);
        let budget = book.worksheet_range("Kinh phí").unwrap();
        assert!(budget.rows().any(|r| r.contains(&Data::Float(15_000_000.0))), "{budget:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

on_both_backends! {
    async fn approval_removes_the_draft_mark_and_the_narrative_is_printed(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let (province, year) = province_with_data(store).await;
        let narrative = vec![
            ("difficulties".to_string(), Some("Địa bàn rộng, giao thông khó khăn.".to_string())),
            ("number".to_string(), Some("05".to_string())),
            ("signer".to_string(), Some("Lò Văn Mười".to_string())),
        ];
        store.put_report_narrative(&province, &year, &narrative, &actor()).await.unwrap();
        // Approved as the workflow would leave it (the workflow's own tests cover the path).
        sqlx::query(
            "INSERT INTO submissions (unit_id, programme_code, period, state, updated_at, updated_by)
             VALUES ($1, 'NS-Y', '2024', 'approved', '2025-03-01T00:00:00Z', 'tester')",
        )
        .bind(province.id)
        .execute(store.pool())
        .await
        .unwrap();
        let doc = strategy(store, &province, year).await;
        assert!(!doc.draft);
        let text = doc.plain_text();
        assert!(text.contains("Số: 05/BC-UBND"), "{text}");
        assert!(text.contains("Địa bàn rộng, giao thông khó khăn."), "{text}");
        assert!(text.contains("Lò Văn Mười"), "{text}");
        let dir = scratch("approved");
        let pdf = dir.join("approved.pdf");
        std::fs::write(&pdf, binhdang_reports::render(&doc, Format::Pdf).unwrap()).unwrap();
        let printed = flat(&pdftotext(&pdf));
        assert!(!printed.contains("DỰ THẢO"), "an approved report carries no draft mark");
        assert!(printed.contains("Số: 05/BC-UBND") && printed.contains("Lò Văn Mười"), "{printed}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

on_both_backends! {
    async fn every_kind_renders_in_every_format_even_without_data(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let year = Period::Year(2023);
        let province = store.unit_for_period("12", &year).await.unwrap().unwrap();
        let template = Template::builtin();
        let phase: Period = "2021-2025".parse().unwrap();
        for kind in Kind::ALL {
            let period = if kind.fits(&year.into()) { year } else { phase };
            assert!(kind.fits(&period.into()), "{kind}");
            let doc = binhdang_reports::build(store, &Request { kind, unit: &province, window: period.into(), programme: None, date: date!(2024 - 01 - 05), template: &template })
                .await
                .unwrap();
            let text = doc.plain_text();
            assert!(text.contains("chưa có số liệu") || text.contains("Chưa có số liệu"), "{kind}: {text}");
            for format in Format::ALL {
                let bytes = binhdang_reports::render(&doc, format).unwrap();
                assert!(bytes.len() > 1000, "{kind} {format:?}");
            }
        }
        // A review is of a phase; asked for a year it says so.
        let refused = binhdang_reports::build(store, &Request { kind: Kind::Review, unit: &province, window: year.into(), programme: None, date: date!(2024 - 01 - 05), template: &template }).await;
        assert!(matches!(refused, Err(binhdang_reports::ReportError::NotAPhase(_))));
    }
}

on_both_backends! {
    async fn the_annual_report_carries_the_registers_the_objectives_narrative_and_only_the_units_indicators(backend: Backend) {
        use binhdang_domain::register::{CommitteeMember, Inspection, Sex, Staff};
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let year = Period::Year(2024);
        let province = store.unit_for_period("12", &year).await.unwrap().unwrap();
        let member = |name: &str, sex| CommitteeMember { name: name.into(), position: "Thành viên".into(), sex, agency: None, term: None, notes: None };
        store.create_register_row(&province, &year, member("A", Sex::Female), &actor()).await.unwrap();
        store.create_register_row(&province, &year, member("B", Sex::Male), &actor()).await.unwrap();
        let staff = Staff { agency: None, full_time_male: 1.into(), full_time_female: 2.into(), part_time_male: 3.into(), part_time_female: 4.into(), notes: None };
        store.create_register_row(&province, &year, staff, &actor()).await.unwrap();
        let inspection = Inspection { count: 2.into(), subject: None, findings: None, violations_found: Some(3.into()), violations_handled: Some(1.into()), date: Some(date!(2024 - 09 - 10)), notes: None };
        // Filed under the first half, dated in it: it counts in the year.
        store.create_register_row(&province, &"2024H1".parse().unwrap(), Inspection { date: Some(date!(2024 - 03 - 10)), ..inspection.clone() }, &actor()).await.unwrap();
        store.create_register_row(&province, &year, inspection, &actor()).await.unwrap();
        let narrative = vec![("objective_3".to_string(), Some("Công tác phòng chống bạo lực gia đình có chuyển biến.".to_string()))];
        store.put_report_narrative(&province, &year, &narrative, &actor()).await.unwrap();
        store.write_values(&province, &year, &[value("5.1.value", "total", "1")], &actor()).await.unwrap();

        let text = strategy(store, &province, year).await.plain_text();
        assert!(text.contains("Ban vì sự tiến bộ của phụ nữ (năm 2024) có 2 thành viên (nam 1, nữ 1)"), "{text}");
        assert!(text.contains("10 người, trong đó chuyên trách 3 (nam 1, nữ 2), kiêm nhiệm 7 (nam 3, nữ 4)"), "{text}");
        assert!(text.contains("Đã tiến hành 4 cuộc thanh tra, kiểm tra"), "{text}");
        assert!(text.contains("Công tác phòng chống bạo lực gia đình có chuyển biến."), "{text}");
        // 5.1 is a yes/no sentence, not "100,0% (1/1)".
        let line = text.lines().find(|l| l.contains("Chỉ tiêu 5.1")).unwrap();
        assert!(line.contains("có (đạt yêu cầu)") && !line.contains('%'), "{line}");
        // A commune's report lists the indicators collected at commune level only.
        let commune = store.units_valid_on(date!(2024 - 06 - 30), Some(UnitLevel::Commune), None).await.unwrap().remove(0);
        let commune_text = strategy(store, &commune, year).await.plain_text();
        assert!(commune_text.contains("Chỉ tiêu 6.1") && !commune_text.contains("Chỉ tiêu 2.1"), "{commune_text}");
        assert!(text.contains("Chỉ tiêu 2.1"));
    }
}

on_both_backends! {
    async fn the_phase_review_reports_the_tasks_of_the_plans_of_its_years(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        let store = &db.store;
        let province = store.unit_for_period("12", &Period::Year(2024)).await.unwrap().unwrap();
        plan_with_tasks(store, &province).await;
        let template = Template::builtin();
        let review = |period: &str| {
            let period: Period = period.parse().unwrap();
            let (store, province, template) = (store, &province, &template);
            async move {
                let request = Request { kind: Kind::Review, unit: province, window: period.into(), programme: None, date: date!(2026 - 01 - 20), template };
                binhdang_reports::build(store, &request).await.unwrap().plain_text()
            }
        };
        let text = review("2021-2025").await;
        assert!(text.contains("Kết quả thực hiện nhiệm vụ theo các kế hoạch trong giai đoạn"), "{text}");
        assert!(text.contains("Kế hoạch số 85/KH-UBND ngày 16/03/2024 của UBND tỉnh Lai Châu: 2 nhiệm vụ, trong đó hoàn thành đúng hạn 1"), "{text}");
        assert!(text.contains("TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO KẾ HOẠCH") && text.contains("Quá hạn"), "{text}");
        // A phase the plan's year is not in has neither the section nor the annex.
        let later = review("2026-2030").await;
        assert!(!later.contains("nhiệm vụ theo các kế hoạch") && !later.contains("TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"), "{later}");
    }
}
