//! Preparing a database for deadline day: fresh database, units, who takes part, accounts, the commune form.

use super::{COMMUNES_ON, LoadArgs, PASSWORD, PERIOD, SEED, progress};
use anyhow::{Context, Result, bail};
use binhdang_domain::IndicatorCode;
use binhdang_domain::access::Role;
use binhdang_domain::{Period, UnitLevel};
use binhdang_store::bulk::{BulkValue, Synthetic};
use binhdang_store::scratch::BulkAccount;
use binhdang_store::seed::{UnitFiles, shipped};
use binhdang_store::{Backend, Store, UnitSummary};
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;

/// A database made for the run, removed at the end unless `--keep`.
pub(super) enum Fresh {
    Sqlite(PathBuf),
    Postgres { admin: String, name: String },
}

impl Fresh {
    pub(super) async fn create(args: &LoadArgs, backend: Backend) -> Result<(Fresh, String)> {
        let suffix = &binhdang_store::access::new_secret()[..12];
        match backend {
            Backend::Sqlite => {
                let path = args.work_dir.join(format!("load-{suffix}.db"));
                let url = format!("sqlite://{}", path.display());
                Ok((Fresh::Sqlite(path), url))
            }
            Backend::Postgres => {
                let admin = args.postgres_url.clone();
                let name = format!("binhdang_load_{suffix}");
                let url = binhdang_store::scratch::create_postgres_database(&admin, &name)
                    .await
                    .with_context(|| format!("cannot create the database {name} on {admin}"))?;
                Ok((Fresh::Postgres { admin, name }, url))
            }
        }
    }

    pub(super) async fn remove(&self) {
        match self {
            Fresh::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Fresh::Postgres { admin, name } => {
                if let Err(e) = binhdang_store::scratch::drop_postgres_database(admin, name).await {
                    progress(format!("could not drop {name}: {e}"));
                }
            }
        }
    }
}

/// The official unit lists cut down to some 2025 provinces, the provinces they were formed
/// from, and all their districts, communes and mapping rows.
pub(super) struct Subset {
    before: String,
    after: String,
    province_mapping: String,
    commune_mapping: String,
}

impl Subset {
    pub(super) fn of(provinces: &[String]) -> Result<Subset> {
        let new: Vec<String> = provinces.iter().map(|p| p.trim().to_string()).collect();
        let after_rows = csv_rows(shipped::UNITS_2025)?;
        for code in &new {
            if !after_rows.iter().any(|r| r[1] == "province" && &r[0] == code) {
                bail!("--provinces: `{code}` is not the code of a province since 1 July 2025");
            }
        }
        let mapping = csv_rows(shipped::PROVINCE_MAPPING_2025)?;
        let old: Vec<String> = mapping
            .iter()
            .filter(|r| new.contains(&r[2]))
            .map(|r| r[0].clone())
            .collect();
        let before_rows = csv_rows(shipped::UNITS_BEFORE_2025)?;
        let districts: Vec<String> = before_rows
            .iter()
            .filter(|r| r[1] == "district" && old.contains(&r[4]))
            .map(|r| r[0].clone())
            .collect();
        Ok(Subset {
            before: csv_filter(shipped::UNITS_BEFORE_2025, |r| match r[1].as_str() {
                "province" => old.contains(&r[0]),
                "district" => old.contains(&r[4]),
                _ => districts.contains(&r[4]),
            })?,
            after: csv_filter(shipped::UNITS_2025, |r| match r[1].as_str() {
                "province" => new.contains(&r[0]),
                _ => new.contains(&r[4]),
            })?,
            province_mapping: csv_filter(shipped::PROVINCE_MAPPING_2025, |r| old.contains(&r[0]))?,
            commune_mapping: csv_filter(shipped::COMMUNE_MAPPING_2025, |r| {
                old.contains(&r[3]) && new.contains(&r[6])
            })?,
        })
    }

    pub(super) fn files(&self) -> UnitFiles<'_> {
        UnitFiles {
            before: &self.before,
            after: &self.after,
            province_mapping: &self.province_mapping,
            commune_mapping: &self.commune_mapping,
        }
    }
}

fn csv_rows(text: &str) -> Result<Vec<Vec<String>>> {
    let mut out = Vec::new();
    for record in csv::Reader::from_reader(text.as_bytes()).records() {
        out.push(record?.iter().map(str::to_string).collect());
    }
    Ok(out)
}

fn csv_filter(text: &str, keep: impl Fn(&Vec<String>) -> bool) -> Result<String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(reader.headers()?)?;
    for record in reader.records() {
        let record = record?;
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        if keep(&fields) {
            writer.write_record(&record)?;
        }
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// A simulated person and the account they use.
#[derive(Debug, Clone)]
pub(super) struct Person {
    pub(super) username: String,
    pub(super) role: Role,
    pub(super) unit: UnitSummary,
    /// Signs in with the password (a browser session) rather than using a token.
    pub(super) password: bool,
    /// The personal access token, for those who do not sign in.
    pub(super) token: Option<String>,
}

/// Who takes part: the officers of each round and the readers of every round.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub(super) rounds: Vec<Vec<Person>>,
    pub(super) readers: Vec<Person>,
    pub(super) busy_province: String,
    /// Officers of each round on communes of the busy province.
    pub(super) busy: Vec<usize>,
}

/// Picks distinct communes for every round: `busy_share` of a round's officers from the
/// province with the most communes, the others in turn from every other province.
pub(super) async fn plan(args: &LoadArgs, store: &Store) -> Result<Plan> {
    let communes = store
        .units_valid_on(COMMUNES_ON, Some(UnitLevel::Commune), None)
        .await?;
    let mut by_province: BTreeMap<String, VecDeque<UnitSummary>> = BTreeMap::new();
    for c in communes {
        by_province
            .entry(c.parent_code.as_deref().unwrap_or_default().to_string())
            .or_default()
            .push_back(c);
    }
    let Some(busy_province) = by_province
        .iter()
        .max_by_key(|(code, list)| (list.len(), std::cmp::Reverse((*code).clone())))
        .map(|(code, _)| code.clone())
    else {
        bail!("no commune is valid on {COMMUNES_ON}: are the units loaded?");
    };
    let others: Vec<String> = by_province.keys().filter(|c| **c != busy_province).cloned().collect();
    let mut rounds = Vec::new();
    let mut busy_counts = Vec::new();
    let mut turn = 0usize;
    let mut used_provinces: Vec<String> = vec![busy_province.clone()];
    for &n in &args.officers {
        let want_busy = ((n as f64) * args.busy_share).round() as usize;
        let mut picked: Vec<UnitSummary> = Vec::new();
        let mut busy = 0;
        while busy < want_busy.min(n) {
            let Some(c) = by_province.get_mut(&busy_province).and_then(VecDeque::pop_front) else {
                break;
            };
            picked.push(c);
            busy += 1;
        }
        while picked.len() < n {
            // In turn from the other provinces; the busy one when they are used up.
            let mut found = None;
            for _ in 0..others.len() {
                let code = &others[turn % others.len()];
                turn += 1;
                if let Some(c) = by_province.get_mut(code).and_then(VecDeque::pop_front) {
                    if !used_provinces.contains(code) {
                        used_provinces.push(code.clone());
                    }
                    found = Some(c);
                    break;
                }
            }
            if found.is_none()
                && let Some(c) = by_province.get_mut(&busy_province).and_then(VecDeque::pop_front)
            {
                busy += 1;
                found = Some(c);
            }
            match found {
                Some(c) => picked.push(c),
                None => {
                    progress(format!(
                        "only {} communes left for the round of {n} officers (every round has communes of its own)",
                        picked.len()
                    ));
                    break;
                }
            }
        }
        if picked.is_empty() {
            bail!("no commune left for the round of {n} officers");
        }
        let round = rounds.len() + 1;
        let people = picked
            .into_iter()
            .enumerate()
            .map(|(i, unit)| Person {
                username: format!("load.{}.{}", round, unit.code),
                role: Role::Officer,
                unit,
                password: i < args.password_officers,
                token: None,
            })
            .collect();
        rounds.push(people);
        busy_counts.push(busy);
    }
    let mut readers = Vec::new();
    for i in 0..args.readers {
        let province_code = &used_provinces[i % used_provinces.len()];
        let province = store.unit_on(province_code, COMMUNES_ON).await?;
        let role = if i % 2 == 0 { Role::Reviewer } else { Role::Leader };
        readers.push(Person {
            username: format!("load.{}.{}.{}", role.as_str(), province.code, i),
            role,
            unit: province,
            password: true,
            token: None,
        });
    }
    Ok(Plan {
        rounds,
        readers,
        busy_province,
        busy: busy_counts,
    })
}

/// Creates every account of the plan, and tokens for those who use one. Argon2 makes
/// `Store::add_user` take tens of milliseconds an account, so the accounts are inserted
/// directly in one transaction with one password hash shared by all (every account can sign
/// in with [`PASSWORD`]); the tokens come from `Store::create_token`, audited as usual. An
/// administrator is made too, so that `serve` does not make and print one.
pub(super) async fn accounts(store: &Store, plan: &mut Plan) -> Result<()> {
    let hash = binhdang_store::access::hash_password(PASSWORD)?;
    let country = store.unit_on("VN", COMMUNES_ON).await?;
    let admin = Person {
        username: "load.admin".into(),
        role: Role::Admin,
        unit: country,
        password: true,
        token: None,
    };
    let everyone: Vec<_> = plan
        .rounds
        .iter()
        .flatten()
        .chain(&plan.readers)
        .chain([&admin])
        .map(|p| BulkAccount {
            username: &p.username,
            role: p.role,
            unit_id: p.unit.id,
        })
        .collect();
    store
        .add_accounts_sharing_a_password(&everyone, &hash)
        .await
        .context("cannot create the accounts")?;
    for p in plan.rounds.iter_mut().flatten().filter(|p| !p.password) {
        p.token = Some(
            store
                .create_token(&p.username, "bench load", "bench", "binhdang bench load")
                .await?,
        );
    }
    Ok(())
}

/// The commune form: the data elements of the indicators collected at commune level (what
/// the entry form shows a commune officer for a period after the reform), and a generator of
/// plausible figures for them (numerators within denominators, parts adding up to totals).
pub(super) struct Form {
    period: Period,
    elements: Vec<binhdang_domain::catalogue::DataElement>,
    pub(super) indicators: Vec<IndicatorCode>,
}

impl Form {
    pub(super) async fn of(store: &Store) -> Result<Form> {
        let period: Period = PERIOD.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
        let indicators: Vec<IndicatorCode> = store
            .indicators()
            .await?
            .into_iter()
            .filter(|i| i.lowest_level == UnitLevel::Commune)
            .map(|i| i.code)
            .collect();
        let elements = store
            .data_elements()
            .await?
            .into_iter()
            .filter(|e| e.indicator.as_ref().is_some_and(|i| indicators.contains(i)))
            .collect();
        Ok(Form {
            period,
            elements,
            indicators,
        })
    }

    /// The body of `PUT /api/v1/values` for one save: figures of their own for each round,
    /// commune and save.
    pub(super) fn body(&self, unit: &UnitSummary, round: usize, save: usize) -> serde_json::Value {
        let seed = SEED + (round as u64) * 1_000 + save as u64;
        let mut out: Vec<BulkValue> = Vec::new();
        Synthetic::new(&self.elements, seed).values(unit.id, &unit.code, &self.period, true, &mut out);
        let values: Vec<serde_json::Value> = out
            .iter()
            .map(|v| {
                serde_json::json!({
                    "element": v.element,
                    "disaggregation": v.disaggregation.as_str(),
                    "value": v.value.to_string(),
                })
            })
            .collect();
        serde_json::json!({ "values": values })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_of_provinces_keeps_their_units_and_what_they_came_from() {
        let s = Subset::of(&["12".to_string()]).unwrap();
        let after = csv_rows(&s.after).unwrap();
        assert_eq!(after.iter().filter(|r| r[1] == "province").count(), 1);
        assert_eq!(after.iter().filter(|r| r[1] == "commune").count(), 38);
        let before = csv_rows(&s.before).unwrap();
        assert_eq!(before.iter().filter(|r| r[1] == "province").count(), 1);
        assert!(Subset::of(&["99".to_string()]).is_err());
    }
}
