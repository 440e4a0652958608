//! `binhdang report` on the Lai Châu demo: every document in every format, with the
//! province's own template.

use binhdang_store::on_both_backends;
use binhdang_store::testing::TestDb;
use std::process::Command;

fn binhdang(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .args(args)
        .env_remove("BINHDANG_DATABASE_URL")
        .env_remove("BINHDANG_REPORT_TEMPLATES")
        .output()
        .expect("run binhdang");
    assert!(
        out.status.success(),
        "binhdang {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

on_both_backends! {
    async fn report_writes_every_document_of_the_demo_province(backend: Backend) {
        let db = TestDb::new(backend).await;
        binhdang(&["init", "--demo", "--database-url", &db.url]);
        let out = std::env::temp_dir().join(format!("binhdang-report-cli-{}-{}", backend.name(), std::process::id()));
        let templates = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/report-templates");
        let printed = binhdang(&[
            "report", "--unit", "12", "--period", "2024", "--format", "docx,pdf,xlsx",
            "--out", out.to_str().unwrap(), "--date", "2025-03-05", "--templates", templates,
            "--database-url", &db.url,
        ]);
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(lines.len(), 21, "7 documents × 3 formats:\n{printed}");
        for kind in ["strategy", "assessment", "activities", "communication", "documents", "budget"] {
            for ext in ["docx", "pdf", "xlsx"] {
                let file = out.join(format!("{kind}-12-2024.{ext}"));
                assert!(std::fs::metadata(&file).unwrap().len() > 1000, "{}", file.display());
            }
        }
        assert!(out.join("action-month-12-2024am.pdf").exists());
        // binhdang's own documents pass its own check: every kind, DOCX and PDF.
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "docx" || e == "pdf")).collect();
        files.sort();
        assert_eq!(files.len(), 14, "{files:?}");
        let checked = Command::new(env!("CARGO_BIN_EXE_binhdang")).arg("check").args(&files).env("NO_COLOR", "1").output().unwrap();
        assert_eq!(checked.status.code(), Some(0), "{}", String::from_utf8_lossy(&checked.stdout));
        // No word printed over another in any of the PDFs (the directive register's
        // "1876/SLĐTBXH-BĐG" beside its date included).
        for pdf in files.iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")) {
            let clashes = overlapping(pdf);
            assert!(clashes.is_empty(), "{}: {:?}", pdf.display(), &clashes[..clashes.len().min(5)]);
        }
        // The province's template (data/report-templates/12.toml) names its department.
        let text = Command::new("pdftotext").arg(out.join("strategy-12-2024.pdf")).arg("-").output().unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(text.contains("SỞ NỘI VỤ") && text.contains("UBND TỈNH LAI CHÂU"), "{text}");
        assert!(text.contains("Nguyễn Thị Demo"), "the demo's narrative names the signer: {text}");
        // Started from another folder, without --templates, the province's template is found.
        let elsewhere = Command::new(env!("CARGO_BIN_EXE_binhdang"))
            .args(["report", "--unit", "12", "--period", "2024", "--kind", "strategy", "--format", "pdf", "--out", out.to_str().unwrap(), "--date", "2025-03-05", "--database-url", &db.url])
            .current_dir(std::env::temp_dir())
            .env_remove("BINHDANG_REPORT_TEMPLATES")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&elsewhere.stderr);
        assert!(elsewhere.status.success() && said.contains("the template shipped for unit 12"), "{said}");
        let text = Command::new("pdftotext").arg(out.join("strategy-12-2024.pdf")).arg("-").output().unwrap();
        assert!(String::from_utf8_lossy(&text.stdout).contains("SỞ NỘI VỤ"));
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// Words of a PDF with their boxes, page by page, as `pdftotext -bbox` gives them.
fn words_of(pdf: &std::path::Path) -> Vec<Vec<(String, [f64; 4])>> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let mut pages = Vec::new();
    for page in html.split("<page ").skip(1) {
        let mut words = Vec::new();
        for w in page.split("<word ").skip(1) {
            let attr = |name: &str| -> f64 {
                let start = w.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                w[start..].split('"').next().unwrap().parse().unwrap()
            };
            let text = w
                .split('>')
                .nth(1)
                .unwrap_or("")
                .split('<')
                .next()
                .unwrap_or("")
                .to_string();
            words.push((text, [attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")]));
        }
        pages.push(words);
    }
    pages
}

/// Pairs of words on one page whose boxes overlap (by more than a hair: glyph boxes of
/// neighbouring words may touch).
fn overlapping(pdf: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for (n, words) in words_of(pdf).iter().enumerate() {
        for (i, (a, ba)) in words.iter().enumerate() {
            for (b, bb) in &words[i + 1..] {
                let dx = ba[2].min(bb[2]) - ba[0].max(bb[0]);
                let dy = ba[3].min(bb[3]) - ba[1].max(bb[1]);
                if dx > 0.5 && dy > 0.5 {
                    found.push(format!("page {}: `{a}` over `{b}`", n + 1));
                }
            }
        }
    }
    found
}

on_both_backends! {
    async fn the_phase_review_prints_each_years_figure_as_the_engine_computes_it(backend: Backend) {
        let db = TestDb::new(backend).await;
        binhdang(&["init", "--demo", "--database-url", &db.url]);
        let out = std::env::temp_dir().join(format!("binhdang-review-{}-{}", backend.name(), std::process::id()));
        let templates = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/report-templates");
        let printed = binhdang(&[
            "report", "--unit", "12", "--period", "2021-2025", "--kind", "review", "--format", "docx,pdf,xlsx",
            "--out", out.to_str().unwrap(), "--date", "2026-03-05", "--templates", templates,
            "--database-url", &db.url,
        ]);
        assert_eq!(printed.lines().count(), 3, "{printed}");
        let pdf = out.join("review-12-2021-2025.pdf");
        for ext in ["docx", "pdf", "xlsx"] {
            assert!(std::fs::metadata(out.join(format!("review-12-2021-2025.{ext}"))).unwrap().len() > 1000);
        }
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        let text = String::from_utf8(text.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("TỔNG KẾT") || text.contains("Tổng kết"), "{text}");
        // Each year's figure of each indicator is the engine's, as the report writes it.
        let store = &db.store;
        let phase: binhdang_domain::Period = "2021-2025".parse().unwrap();
        let unit = store.unit_for_period("12", &phase).await.unwrap().unwrap();
        let indicators = store.indicators().await.unwrap();
        let mut checked = 0;
        for code in ["6.1", "2.1", "4.1"] {
            let indicator = indicators.iter().find(|i| i.code == code).unwrap();
            for year in 2021..=2025 {
                let f = store.figures(&unit, &binhdang_domain::Period::Year(year), &[code.parse().unwrap()]).await.unwrap().remove(0);
                let Some(v) = f.value else { continue };
                let shown = binhdang_reports::words::value_text(
                    indicator.measure, v, binhdang_reports::words::places_for(indicator.measure, v, None));
                assert!(text.contains(&format!("năm {year}: {shown}")), "{code} {year}: {shown} not in the review");
                checked += 1;
            }
        }
        assert!(checked >= 10, "only {checked} yearly figures to compare");
        // binhdang's own documents pass its own check.
        for ext in ["docx", "pdf"] {
            let checked = Command::new(env!("CARGO_BIN_EXE_binhdang"))
                .args(["check", "--json"])
                .arg(out.join(format!("review-12-2021-2025.{ext}")))
                .output()
                .unwrap();
            let report = String::from_utf8_lossy(&checked.stdout);
            assert_eq!(checked.status.code(), Some(0), "{ext}: {report}");
        }
        // No word of the review is printed over another (tables' columns fit their content).
        let clashes = overlapping(&pdf);
        assert!(clashes.is_empty(), "{} overlaps, e.g. {:?}", clashes.len(), &clashes[..clashes.len().min(5)]);
        let _ = std::fs::remove_dir_all(&out);
    }
}

on_both_backends! {
    async fn the_law_report_over_dates_prints_the_engines_figures_over_the_same_dates(backend: Backend) {
        let db = TestDb::new(backend).await;
        binhdang(&["init", "--demo", "--database-url", &db.url]);
        let out = std::env::temp_dir().join(format!("binhdang-law-{}-{}", backend.name(), std::process::id()));
        // The window of a real supervision report (sample 002): 01/01/2021 to 30/07/2024.
        let printed = binhdang(&[
            "report", "--unit", "12", "--period", "2021-01-01..2024-07-30", "--kind", "law-review",
            "--format", "docx,pdf,xlsx", "--out", out.to_str().unwrap(), "--date", "2024-08-15",
            "--database-url", &db.url,
        ]);
        assert_eq!(printed.lines().count(), 3, "{printed}");
        assert!(printed.contains("DỰ THẢO"), "a report over dates is approved by no workflow: {printed}");
        let stem = "law-review-12-2021-01-01_2024-07-30";
        for ext in ["docx", "pdf", "xlsx"] {
            assert!(std::fs::metadata(out.join(format!("{stem}.{ext}"))).unwrap().len() > 1000, "{ext}");
        }
        let pdf = out.join(format!("{stem}.pdf"));
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        let text = String::from_utf8(text.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("thi hành Luật Bình đẳng giới"), "{text}");
        assert!(text.contains("từ 01/01/2021 đến 30/07/2024"), "{text}");
        // It says what the figures are built from, and the days at the edge no period covers.
        assert!(
            text.contains("năm 2021, năm 2022, năm 2023, 6 tháng đầu năm 2024; 30 ngày"),
            "coverage not said: {text}"
        );
        // Every figure printed is the engine's over the same window.
        let store = &db.store;
        let window: binhdang_domain::Window = "2021-01-01..2024-07-30".parse().unwrap();
        let unit = store.unit_for_span("12", window.start(), window.end()).await.unwrap().unwrap();
        let indicators = store.indicators().await.unwrap();
        let assessed = store.assessment_over(binhdang_store::Sums::All, &unit, &window).await.unwrap();
        let mut compared = 0;
        for a in assessed.iter().filter(|a| unit.level <= indicators.iter().find(|i| i.code == a.indicator).unwrap().lowest_level) {
            let indicator = indicators.iter().find(|i| i.code == a.indicator).unwrap();
            let Some(v) = a.figure.value else { continue };
            let shown = binhdang_reports::words::value_text(
                indicator.measure, v, binhdang_reports::words::places_for(indicator.measure, v, None));
            let sentence = text.find(&format!("Chỉ tiêu {}:", a.indicator)).expect("each indicator has its sentence");
            assert!(text[sentence..].contains(&shown), "{}: {shown} not printed", a.indicator);
            compared += 1;
        }
        assert!(compared >= 5, "only {compared} figures to compare");
        // The documents issued inside the dates, wherever they were filed, are the register's.
        let documents = store
            .register_rows_dated_over::<binhdang_domain::register::DirectiveDocument>(&unit, &window)
            .await
            .unwrap();
        assert!(!documents.is_empty());
        assert!(text.contains(&format!("Đã ban hành {} văn bản", documents.len())), "{text}");
        // binhdang's own check finds nothing, and no word overlaps another.
        for ext in ["docx", "pdf"] {
            let checked = Command::new(env!("CARGO_BIN_EXE_binhdang"))
                .args(["check", "--json"])
                .arg(out.join(format!("{stem}.{ext}")))
                .output()
                .unwrap();
            assert_eq!(checked.status.code(), Some(0), "{ext}: {}", String::from_utf8_lossy(&checked.stdout));
        }
        let clashes = overlapping(&pdf);
        assert!(clashes.is_empty(), "{} overlaps, e.g. {:?}", clashes.len(), &clashes[..clashes.len().min(5)]);
        // A window is refused for the Action Month report, in words.
        let refused = Command::new(env!("CARGO_BIN_EXE_binhdang"))
            .args(["report", "--unit", "12", "--period", "2021..2024H1", "--kind", "action-month", "--out"])
            .arg(&out)
            .args(["--database-url", &db.url])
            .output()
            .unwrap();
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("year or an Action Month"), "{}", String::from_utf8_lossy(&refused.stderr));
        let _ = std::fs::remove_dir_all(&out);
    }
}
