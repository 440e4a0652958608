//! The dependency directions ARCHITECTURE.md states, read from `cargo metadata` so that a
//! new dependency in any crate's Cargo.toml that breaks them fails the build:
//! crates depend only on the crates before them in the data flow
//! (domain → store → engine → reports/ingest → web → binhdang), `domain` does no I/O,
//! only `store` speaks SQL, and nothing below `web` knows HTTP.

use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

/// Each workspace crate and the workspace crates it may depend on (normal dependencies).
const MAY_USE: &[(&str, &[&str])] = &[
    ("binhdang-domain", &[]),
    ("binhdang-store", &["binhdang-domain"]),
    ("binhdang-engine", &["binhdang-domain", "binhdang-store"]),
    ("binhdang-reports", &["binhdang-domain", "binhdang-store"]),
    ("binhdang-ingest", &["binhdang-domain"]),
    (
        "binhdang-web",
        &[
            "binhdang-domain",
            "binhdang-store",
            "binhdang-engine",
            "binhdang-reports",
            "binhdang-ingest",
        ],
    ),
    (
        "binhdang",
        &[
            "binhdang-domain",
            "binhdang-store",
            "binhdang-engine",
            "binhdang-reports",
            "binhdang-ingest",
            "binhdang-web",
        ],
    ),
];

/// External crates that mean I/O (a database, a runtime, the network), and who may use them.
const IO_CRATES: &[&str] = &[
    "sqlx",
    "tokio",
    "reqwest",
    "axum",
    "hyper",
    "tower",
    "tower-http",
    "askama",
];

/// Who may use each I/O crate. `binhdang` (the binary) uses sqlx only for the national
/// benchmark, which measures SQL against the store's tables directly.
fn may_use_io(krate: &str, io: &str) -> bool {
    match io {
        "sqlx" => matches!(krate, "binhdang-store" | "binhdang"),
        "tokio" => matches!(krate, "binhdang-store" | "binhdang-web" | "binhdang"),
        "reqwest" => krate == "binhdang",
        _ => matches!(krate, "binhdang-web"),
    }
}

fn normal_dependencies() -> BTreeMap<String, Vec<String>> {
    let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(workspace)
        .output()
        .expect("run cargo metadata");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().expect("name").to_string())
                .collect();
            (p["name"].as_str().expect("name").to_string(), deps)
        })
        .collect()
}

/// Every dependency that breaks a rule, as a sentence.
fn violations(deps: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut found = Vec::new();
    for (krate, uses) in deps {
        let Some((_, allowed)) = MAY_USE.iter().find(|(name, _)| name == krate) else {
            found.push(format!(
                "{krate} is not in the layering table; add it with the crates it may use"
            ));
            continue;
        };
        for dep in uses {
            if dep.starts_with("binhdang") && !allowed.contains(&dep.as_str()) {
                found.push(format!("{krate} depends on {dep}, against the data flow"));
            }
            if IO_CRATES.contains(&dep.as_str()) && !may_use_io(krate, dep) {
                found.push(format!("{krate} depends on {dep}, which it must not use"));
            }
        }
    }
    found
}

#[test]
fn crates_depend_only_in_the_direction_of_the_data_flow() {
    let deps = normal_dependencies();
    assert_eq!(deps.len(), MAY_USE.len(), "workspace crates: {:?}", deps.keys());
    let found = violations(&deps);
    assert!(found.is_empty(), "layering broken:\n{}", found.join("\n"));
}

#[test]
fn a_broken_direction_is_named() {
    // The checker itself: a store that imports the web crate and a domain that uses sqlx.
    let mut deps = normal_dependencies();
    deps.get_mut("binhdang-store").unwrap().push("binhdang-web".into());
    deps.get_mut("binhdang-domain").unwrap().push("sqlx".into());
    let found = violations(&deps);
    assert_eq!(
        found,
        [
            "binhdang-domain depends on sqlx, which it must not use",
            "binhdang-store depends on binhdang-web, against the data flow"
        ]
    );
}
