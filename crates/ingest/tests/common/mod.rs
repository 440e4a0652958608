//! Shared by the ingest tests and the CLI tests (included with `#[path]`): where the
//! samples and fixtures are, comparing a report with a hand-made fixture, and converting
//! documents with LibreOffice headless.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root, found from the crate's manifest directory.
pub fn repo_root() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let manifest = dir.join("Cargo.toml");
        if std::fs::read_to_string(&manifest).is_ok_and(|t| t.contains("[workspace]")) {
            return dir;
        }
        assert!(dir.pop(), "no workspace root above {}", env!("CARGO_MANIFEST_DIR"));
    }
}

/// `../shared/samples` beside the repository (as in CI).
pub fn samples_dir() -> PathBuf {
    let dir = repo_root().join("../shared/samples");
    assert!(
        dir.is_dir(),
        "the sample reports are expected in {} (shared/ beside the repository)",
        dir.display()
    );
    dir
}

pub fn fixtures_dir() -> PathBuf {
    repo_root().join("crates/ingest/tests/fixtures")
}

/// A finding a fixture expects: its kind, a piece of its quote, and exactly what is
/// stated and expected.
#[derive(Debug, Clone)]
pub struct Expected {
    pub kind: String,
    pub quote: String,
    pub stated: String,
    pub expected: String,
}

/// The fixtures: name, the document's path, and the expected findings.
pub fn fixtures() -> Vec<(String, PathBuf, Vec<Expected>)> {
    let mut out = Vec::new();
    for name in ["001", "002", "003", "synthetic", "district_clean", "district_errors"] {
        let path = fixtures_dir().join(format!("{name}.expected.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let sample = v["sample"].as_str().unwrap().to_string();
        let doc = if !name.starts_with('0') {
            fixtures_dir().join(&sample)
        } else {
            samples_dir().join(&sample)
        };
        let findings = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| Expected {
                kind: f["kind"].as_str().unwrap().to_string(),
                quote: f["quote"].as_str().unwrap().to_string(),
                stated: f["stated"].as_str().unwrap().to_string(),
                expected: f["expected"].as_str().unwrap().to_string(),
            })
            .collect();
        out.push((name.to_string(), doc, findings));
    }
    out
}

/// Every expected finding is in the report, and nothing else is. `report` is the JSON of
/// one document's report (`{"file", "figures", "findings": [...]}`).
pub fn compare(label: &str, report: &Value, expected: &[Expected]) -> Result<(), String> {
    let actual = report["findings"]
        .as_array()
        .ok_or_else(|| format!("{label}: no findings array in {report}"))?;
    for f in actual {
        for key in [
            "kind",
            "severity",
            "quote",
            "stated",
            "expected",
            "message_vi",
            "message_en",
        ] {
            if f[key].as_str().is_none_or(str::is_empty) {
                return Err(format!("{label}: finding without {key}: {f}"));
            }
        }
    }
    let mut unmatched: Vec<&Value> = actual.iter().collect();
    let mut missing = Vec::new();
    for e in expected {
        let pos = unmatched.iter().position(|f| {
            f["kind"] == e.kind.as_str()
                && f["quote"].as_str().is_some_and(|q| q.contains(&e.quote))
                && f["stated"] == e.stated.as_str()
                && f["expected"] == e.expected.as_str()
        });
        match pos {
            Some(i) => {
                unmatched.remove(i);
            }
            None => missing.push(e),
        }
    }
    if missing.is_empty() && unmatched.is_empty() {
        return Ok(());
    }
    let mut msg = format!("{label}:\n");
    for m in missing {
        msg.push_str(&format!(
            "  missing: {} «{}» stated {:?} expected {:?}\n",
            m.kind, m.quote, m.stated, m.expected
        ));
    }
    for u in unmatched {
        msg.push_str(&format!(
            "  not in the fixture: {} «{}» stated {} expected {}\n",
            u["kind"], u["quote"], u["stated"], u["expected"]
        ));
    }
    Err(msg)
}

/// LibreOffice's `soffice`, if installed (scripts/ensure-libreoffice.sh installs it).
pub fn soffice() -> PathBuf {
    for candidate in ["soffice", "libreoffice"] {
        if Command::new(candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return PathBuf::from(candidate);
        }
    }
    panic!(
        "LibreOffice (soffice) is needed to make DOCX and PDF copies of the samples: run scripts/ensure-libreoffice.sh"
    );
}

/// Converts text files to `format` (docx, pdf) with LibreOffice headless, reading them
/// as UTF-8, with a throwaway profile and HOME so that runs never share state.
pub fn convert(files: &[PathBuf], format: &str, work: &Path) -> Vec<PathBuf> {
    let home = work.join("home");
    let out = work.join(format);
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let profile = format!("file://{}", work.join("profile").display());
    let status = Command::new(soffice())
        .env("HOME", &home)
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--norestore", "--infilter=Text (encoded):UTF8,LF,,,"])
        .args(["--convert-to", format, "--outdir"])
        .arg(&out)
        .args(files)
        .output()
        .expect("soffice runs");
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    files
        .iter()
        .map(|f| {
            let p = out.join(f.file_stem().unwrap()).with_extension(format);
            assert!(p.is_file(), "soffice did not write {}", p.display());
            p
        })
        .collect()
}

/// A minimal PDF with one blank page: valid, but without a text layer.
pub fn blank_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        "<< /Length 0 >>\nstream\n\nendstream",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        pdf.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// "Nữ 65 người" and more in Windows-1258 (ư = 0xF9, combining tilde = 0xDE).
pub fn windows_1258_text() -> Vec<u8> {
    b"B\xe1o c\xe1o: N\xf9\xde 65 ng\xf9\xf5\xecI, t\xec l\xea\xf2 63,6%\n".to_vec()
}
