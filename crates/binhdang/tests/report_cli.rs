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
        // The province's template (data/report-templates/12.toml) names its department.
        let text = Command::new("pdftotext").arg(out.join("strategy-12-2024.pdf")).arg("-").output().unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(text.contains("SỞ NỘI VỤ") && text.contains("UBND TỈNH LAI CHÂU"), "{text}");
        assert!(text.contains("Nguyễn Thị Demo"), "the demo's narrative names the signer: {text}");
        let _ = std::fs::remove_dir_all(&out);
    }
}
