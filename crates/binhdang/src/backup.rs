//! `binhdang backup`, `restore` and `migrate`: a deployment's whole database as a portable
//! file, put back into a new database of either kind, or moved directly from one to the other
//! (SQLite to PostgreSQL when a province outgrows the embedded file, or back).

use anyhow::Context;
use binhdang_store::Store;
use binhdang_store::backup::Copied;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

fn said(copied: &Copied) -> String {
    let filled = copied.tables.iter().filter(|(_, n)| *n > 0).count();
    format!(
        "{} rows of {} tables ({filled} with rows)",
        copied.rows(),
        copied.tables.len()
    )
}

/// Writes a consistent snapshot of `store` to `out` (safe while the server runs).
pub async fn backup(store: &Store, out: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut writer = BufWriter::new(file);
    let copied = store.backup(&mut writer).await?;
    writer
        .flush()
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("backed up {} to {}", said(&copied), out.display());
    Ok(())
}

/// Reads a backup into `store` (a new, empty database).
pub async fn restore(store: &Store, input: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::open(input).with_context(|| format!("cannot open {}", input.display()))?;
    let copied = store.restore(BufReader::new(file)).await?;
    println!("restored {} from {}", said(&copied), input.display());
    Ok(())
}

/// Copies everything from `from` into `to` (a new, empty database), through a file in the
/// temporary directory so that a national database does not have to fit in memory.
pub async fn migrate(from: &Store, to: &Store) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("binhdang-migrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("backup.jsonl");
    let result = async {
        backup(from, &file).await?;
        restore(to, &file).await
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    println!("moved {} to {}", from.backend().name(), to.backend().name());
    Ok(())
}
