//! `binhdang catalogue`: indicators beyond Resolution 28, added from a list in the shape of the
//! shipped `indicators.csv` (a programme's, such as `data/catalogue/programmes/*.csv`), listed,
//! or removed while they hold no data.

use crate::accounts::{CLI_ACTOR, CLI_ORIGIN, explain, read_list_file};
use binhdang_store::Store;
use binhdang_store::catalogue_changes::parse_indicator_list;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CatalogueCommand {
    /// Add the indicators of a CSV (or tab-separated) list or an XLSX workbook's first sheet, all or none.
    Import { file: PathBuf },
    /// Remove an added indicator that holds no data (the national ones stay).
    Remove { code: String },
    /// The catalogue's indicators, by objective or programme.
    List,
}

pub async fn catalogue(store: &Store, command: CatalogueCommand) -> anyhow::Result<()> {
    let actor = binhdang_store::Actor {
        name: CLI_ACTOR.into(),
        origin: CLI_ORIGIN.into(),
        entered_from: None,
    };
    match command {
        CatalogueCommand::Import { file } => {
            let text = read_list_file(&file)?;
            let rows = parse_indicator_list(&text).map_err(explain)?;
            let added = store.add_indicators(&rows, &actor).await.map_err(explain)?;
            println!("added {} indicator(s): {}", added.len(), added.join(", "));
        }
        CatalogueCommand::Remove { code } => {
            store.remove_indicator(&code, &actor).await.map_err(explain)?;
            println!("removed {code}");
        }
        CatalogueCommand::List => {
            let objectives = store.objectives().await?;
            for indicator in store.indicators().await? {
                let objective = objectives
                    .iter()
                    .find(|o| o.number == indicator.objective)
                    .map_or("", |o| o.name_vi.as_str());
                println!(
                    "{}\t{}\t{}\t{}",
                    indicator.code,
                    indicator.measure.as_str(),
                    indicator.name_vi,
                    objective
                );
            }
        }
    }
    Ok(())
}
