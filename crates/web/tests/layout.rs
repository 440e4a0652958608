//! The layout rule ARCHITECTURE.md states for this crate: the JSON API (`src/api/`) and what
//! it shares with the pages (`src/auth.rs`, `src/error.rs`, `src/lang.rs`) never import the
//! pages (`src/ui/`), so either can change without the other.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_api_never_imports_the_pages() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let api: Vec<_> = files
        .iter()
        .filter(|p| !p.starts_with(src.join("ui")) && !p.ends_with("lib.rs"))
        .collect();
    assert!(
        api.iter().filter(|p| p.starts_with(src.join("api"))).count() >= 10,
        "the API's files are not where the rule expects them: {api:?}"
    );
    let mut offenders = Vec::new();
    for path in api {
        let text = std::fs::read_to_string(path).expect("read file");
        for (n, line) in text.lines().enumerate() {
            if line.contains("crate::ui") || line.contains("super::ui") || line.contains("super::super::ui") {
                offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "the API imports the pages:\n{}",
        offenders.join("\n")
    );
}
