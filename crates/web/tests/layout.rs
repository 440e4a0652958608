//! The layout rule ARCHITECTURE.md states for this crate: the JSON API (`src/*.rs`) never
//! imports the pages (`src/ui/`), so either can change without the other.

use std::path::Path;

#[test]
fn the_api_never_imports_the_pages() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut api_files = 0;
    for entry in std::fs::read_dir(&src).expect("read src") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rs") || path.file_name().is_some_and(|n| n == "lib.rs") {
            continue;
        }
        api_files += 1;
        let text = std::fs::read_to_string(&path).expect("read file");
        for (n, line) in text.lines().enumerate() {
            if line.contains("crate::ui") || line.contains("super::ui") {
                offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(api_files >= 5, "found only {api_files} API files in {}", src.display());
    assert!(
        offenders.is_empty(),
        "the API imports the pages:\n{}",
        offenders.join("\n")
    );
}
