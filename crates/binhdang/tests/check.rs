//! `binhdang check` as a user runs it: the real binary on the sample reports (TXT and
//! DOCX made by LibreOffice) against the hand-made fixtures, several files at once, and
//! garbage. Exit status 0: nothing found, 1: findings, 2: unreadable.

#[path = "../../ingest/tests/common/mod.rs"]
mod common;

use common::{blank_pdf, compare, convert, fixtures, samples_dir, windows_1258_text};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn check(args: &[&Path], json: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_binhdang"));
    cmd.arg("check");
    if json {
        cmd.arg("--json");
    }
    cmd.args(args).env("NO_COLOR", "1").output().expect("binhdang runs")
}

fn assert_fixture(label: &str, file: &Path, expected: &[common::Expected]) {
    let out = check(&[file], true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{label}: {stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{label}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    compare(label, &json, expected).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        json["figures"].as_array().is_some_and(|f| !f.is_empty()),
        "{label}: no figures"
    );
    for f in json["figures"].as_array().unwrap() {
        assert!(
            f["kind"].is_string() && f["quote"].is_string() && f["position"]["line"].is_u64(),
            "{f}"
        );
    }
    let want = if expected.is_empty() { 0 } else { 1 };
    assert_eq!(out.status.code(), Some(want), "{label}: exit status");
}

#[test]
fn samples_as_text() {
    for (name, path, expected) in fixtures() {
        assert_fixture(&format!("{name} (txt)"), &path, &expected);
    }
}

#[test]
fn samples_as_docx() {
    let work = tempfile::tempdir().unwrap();
    let fx = fixtures();
    let texts: Vec<PathBuf> = fx.iter().map(|(_, p, _)| p.clone()).collect();
    let docx = convert(&texts, "docx", work.path());
    for ((name, _, expected), path) in fx.iter().zip(&docx) {
        assert_fixture(&format!("{name} (docx)"), path, expected);
    }
}

#[test]
fn human_output_groups_by_section_and_sums_up_several_files() {
    let dir = samples_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 3);
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let out = check(&paths, false);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Grouped by section, Vietnamese with English beside it.
    assert!(
        stdout.contains("§ I. TÌNH HÌNH THỰC HIỆN LUẬT BÌNH ĐẲNG GIỚI"),
        "{stdout}"
    );
    assert!(stdout.contains("✗ LỖI/ERROR dòng 43"), "{stdout}");
    assert!(
        stdout.contains("ghi/stated: 88,88%   đúng/expected: 88,89%"),
        "{stdout}"
    );
    assert!(stdout.contains("Không thấy điểm bất nhất nào. / No inconsistency found."));
    // The summary table: one line per file and a total.
    assert!(stdout.contains("tệp/file"), "{stdout}");
    for f in &files {
        let name = f.display().to_string();
        assert!(
            stdout.lines().any(|l| l.contains(&name) && l.contains(" ms")),
            "{name} in {stdout}"
        );
    }
    assert!(
        stdout.contains("3 tệp/files: 4 lỗi/errors, 0 cảnh báo/warnings, 0 không đọc được/unreadable"),
        "{stdout}"
    );

    // JSON for several files: an array, and the summary goes to stderr.
    let out = check(&paths, true);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 tệp/files"));

    // A clean file alone: exit 0.
    let out = check(&[files[0].as_path()], false);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn unreadable_input_exits_2_with_a_clear_message() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    // A DOCX cut in half.
    let docx = convert(&[samples_dir().join("001_60e8f4df85be2fdd.txt")], "docx", w);
    let whole = std::fs::read(&docx[0]).unwrap();
    let mut big = String::new();
    while big.len() < 3 * 1024 * 1024 {
        big.push_str("Tỷ lệ nữ thạc sĩ 12/18 người, đạt 66,66%.\n");
    }
    let random: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("binary.bin", random, "nhị phân"),
        ("empty.txt", Vec::new(), "Tệp rỗng"),
        ("huge.txt", big.into_bytes(), "quá dài"),
        ("cp1258.txt", windows_1258_text(), "UTF-8"),
        ("truncated.docx", whole[..whole.len() / 2].to_vec(), "DOCX"),
        ("scan.pdf", blank_pdf(), "lớp chữ"),
    ];
    for (name, bytes, words) in &cases {
        let path = w.join(name);
        std::fs::write(&path, bytes).unwrap();
        for json in [false, true] {
            let out = check(&[path.as_path()], json);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
            assert!(!stderr.contains("panicked"), "{name}: {stderr}");
            assert!(stderr.contains(name) && stderr.contains(words), "{name}: {stderr}");
            if json {
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert!(v["error"]["message_en"].is_string() && v["error"]["message_vi"].is_string());
            }
        }
    }
    // Missing file, a directory, and unreadable among readable files: still 2.
    let missing = w.join("missing.txt");
    let out = check(&[missing.as_path()], false);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.txt"));
    assert_eq!(check(&[w], false).status.code(), Some(2));
    let good = samples_dir().join("002_93d48c82f63ec0bd.txt");
    let out = check(&[good.as_path(), missing.as_path()], false);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("88,89%"));
    // No file at all is a usage error from clap.
    let out = Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
