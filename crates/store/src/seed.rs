//! Loading the data binhdang ships: the national indicator catalogue and the official
//! administrative units before and after the 1 July 2025 reform, with the old → new mapping.
//!
//! The files are compiled into the binary (see [`shipped`]) so that `binhdang init` needs
//! nothing but the database. Their provenance is recorded in `data/*/SOURCES.md`.

use crate::units::{NewUnit, insert_units};
use crate::{CatalogueData, Store, StoreError};
use binhdang_domain::{AdminUnit, SuccessionKind, UnitCode, Validity};
use serde::Deserialize;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use binhdang_domain::{LAST_DAY_BEFORE_REFORM, REFORM_DATE};

/// The shipped files, compiled in.
pub mod shipped {
    pub use binhdang_domain::shipped::{DISAGGREGATIONS, INDICATORS, OBJECTIVES};
    pub const UNITS_BEFORE_2025: &str = include_str!("../../../data/units/units_before_2025.csv");
    pub const UNITS_2025: &str = include_str!("../../../data/units/units_2025.csv");
    pub const PROVINCE_MAPPING_2025: &str = include_str!("../../../data/units/province_mapping_2025.csv");
    pub const COMMUNE_MAPPING_2025: &str = include_str!("../../../data/units/commune_mapping_2025.csv");
}

fn read_csv<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<Vec<T>, StoreError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| StoreError::DataFile(format!("{name}, row {}: {e}", i + 2))))
        .collect()
}

/// The shipped catalogue (parsed in `binhdang_domain::shipped`, which needs no database).
pub fn shipped_catalogue() -> Result<CatalogueData, StoreError> {
    binhdang_domain::shipped::catalogue().map_err(|e| StoreError::DataFile(e.0))
}

#[derive(Debug, Clone, Deserialize)]
pub struct UnitRecord {
    pub code: String,
    pub level: String,
    pub name: String,
    pub kind: String,
    pub parent_code: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProvinceMappingRecord {
    pub old_code: String,
    pub new_code: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommuneMappingRecord {
    pub old_code: String,
    pub new_code: String,
}

/// The official lists and the mapping between them, as text files.
pub struct UnitFiles<'a> {
    pub before: &'a str,
    pub after: &'a str,
    pub province_mapping: &'a str,
    pub commune_mapping: &'a str,
}

impl UnitFiles<'static> {
    pub fn shipped() -> Self {
        UnitFiles {
            before: shipped::UNITS_BEFORE_2025,
            after: shipped::UNITS_2025,
            province_mapping: shipped::PROVINCE_MAPPING_2025,
            commune_mapping: shipped::COMMUNE_MAPPING_2025,
        }
    }
}

/// What loading the units did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitLoadReport {
    pub already_loaded: bool,
    pub units: usize,
    /// Provinces that were not merged and continue as the same unit across the reform.
    pub continuing_provinces: usize,
    pub successions: usize,
    /// Mapping rows naming a code that is in neither list (kept out, counted here).
    pub skipped_mapping_rows: usize,
}

fn to_unit(r: &UnitRecord, file: &str, validity: Validity) -> Result<AdminUnit, StoreError> {
    let bad = |e: binhdang_domain::UnitError| StoreError::DataFile(format!("{file}, unit {}: {e}", r.code));
    // Provinces sit under the country, which the lists leave implicit.
    let parent_code = if r.parent_code.trim().is_empty() {
        UnitCode::COUNTRY
    } else {
        r.parent_code.trim()
    };
    let parent = Some(UnitCode::parse(parent_code).map_err(bad)?);
    let unit = AdminUnit {
        code: UnitCode::parse(&r.code).map_err(bad)?,
        level: r.level.parse().map_err(bad)?,
        name: r.name.trim().to_string(),
        kind: r.kind.trim().to_string(),
        parent,
        validity,
    };
    unit.check().map_err(bad)?;
    Ok(unit)
}

impl Store {
    /// Loads the official units once; a second call finds them and does nothing.
    pub async fn load_units(&self, files: &UnitFiles<'_>) -> Result<UnitLoadReport, StoreError> {
        let existing: i64 = sqlx::query("SELECT COUNT(*) AS n FROM units")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        if existing > 0 {
            return Ok(UnitLoadReport {
                already_loaded: true,
                ..Default::default()
            });
        }
        let before: Vec<UnitRecord> = read_csv("units_before_2025.csv", files.before)?;
        let after: Vec<UnitRecord> = read_csv("units_2025.csv", files.after)?;
        let province_map: Vec<ProvinceMappingRecord> = read_csv("province_mapping_2025.csv", files.province_mapping)?;
        let commune_map: Vec<CommuneMappingRecord> = read_csv("commune_mapping_2025.csv", files.commune_mapping)?;

        // A province continues as the same unit when its code became a new province whose
        // only predecessor is itself (the 11 provinces the reform did not merge).
        let mut predecessors: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for m in &province_map {
            predecessors
                .entry(m.new_code.as_str())
                .or_default()
                .insert(m.old_code.as_str());
        }
        let continuing: BTreeSet<&str> = predecessors
            .iter()
            .filter(|(new, olds)| olds.len() == 1 && olds.contains(*new))
            .map(|(new, _)| *new)
            .collect();

        let level_of = |r: &UnitRecord| r.level.trim().to_string();

        let ended = Validity {
            from: None,
            to: Some(LAST_DAY_BEFORE_REFORM),
        };
        let started = Validity {
            from: Some(REFORM_DATE),
            to: None,
        };
        let always = Validity::default();

        let mut tx = self.begin_write().await?;
        let mut report = UnitLoadReport {
            continuing_provinces: continuing.len(),
            ..Default::default()
        };

        // Pre-reform provinces, districts, communes, each under the previous level.
        let old_provinces: Vec<AdminUnit> = before
            .iter()
            .filter(|r| level_of(r) == "province")
            .map(|r| {
                let v = if continuing.contains(r.code.as_str()) {
                    always
                } else {
                    ended
                };
                to_unit(r, "units_before_2025.csv", v)
            })
            .collect::<Result<_, _>>()?;
        let country = AdminUnit {
            code: UnitCode::parse(UnitCode::COUNTRY).expect("VN is a unit code"),
            level: binhdang_domain::UnitLevel::Country,
            name: "Việt Nam".into(),
            kind: String::new(),
            parent: None,
            validity: always,
        };
        let country_ids = insert_level(&mut tx, std::slice::from_ref(&country), &HashMap::new()).await?;
        let old_ids = insert_level(&mut tx, &old_provinces, &country_ids).await?;
        let districts: Vec<AdminUnit> = before
            .iter()
            .filter(|r| level_of(r) == "district")
            .map(|r| to_unit(r, "units_before_2025.csv", ended))
            .collect::<Result<_, _>>()?;
        let district_ids = insert_level(&mut tx, &districts, &old_ids).await?;
        let old_communes: Vec<AdminUnit> = before
            .iter()
            .filter(|r| level_of(r) == "commune")
            .map(|r| to_unit(r, "units_before_2025.csv", ended))
            .collect::<Result<_, _>>()?;
        let old_commune_ids = insert_level(&mut tx, &old_communes, &district_ids).await?;

        // Post-reform provinces (new units unless continuing) and their communes.
        let new_provinces: Vec<AdminUnit> = after
            .iter()
            .filter(|r| level_of(r) == "province" && !continuing.contains(r.code.as_str()))
            .map(|r| to_unit(r, "units_2025.csv", started))
            .collect::<Result<_, _>>()?;
        let mut new_province_ids = insert_level(&mut tx, &new_provinces, &country_ids).await?;
        for code in &continuing {
            let id = *old_ids.get(*code).ok_or_else(|| {
                StoreError::DataFile(format!(
                    "province {code} continues across the reform but is not in units_before_2025.csv"
                ))
            })?;
            new_province_ids.insert(code.to_string(), id);
        }
        let new_communes: Vec<AdminUnit> = after
            .iter()
            .filter(|r| level_of(r) == "commune")
            .map(|r| to_unit(r, "units_2025.csv", started))
            .collect::<Result<_, _>>()?;
        let new_commune_ids = insert_level(&mut tx, &new_communes, &new_province_ids).await?;
        report.units =
            1 + old_provinces.len() + districts.len() + old_communes.len() + new_provinces.len() + new_communes.len();

        // Successions: merged provinces, and communes by the commune mapping.
        let mut links: Vec<(i64, i64, SuccessionKind)> = Vec::new();
        for m in &province_map {
            if continuing.contains(m.new_code.as_str()) {
                continue;
            }
            match (old_ids.get(&m.old_code), new_province_ids.get(&m.new_code)) {
                (Some(&o), Some(&n)) => links.push((o, n, SuccessionKind::Merge)),
                _ => report.skipped_mapping_rows += 1,
            }
        }
        let mut fan_out: HashMap<&str, usize> = HashMap::new();
        for m in &commune_map {
            *fan_out.entry(m.old_code.as_str()).or_default() += 1;
        }
        let mut seen = BTreeSet::new();
        for m in &commune_map {
            match (old_commune_ids.get(&m.old_code), new_commune_ids.get(&m.new_code)) {
                (Some(&o), Some(&n)) if seen.insert((o, n)) => {
                    let kind = if fan_out[m.old_code.as_str()] > 1 {
                        SuccessionKind::Split
                    } else {
                        SuccessionKind::Merge
                    };
                    links.push((o, n, kind));
                }
                (Some(_), Some(_)) => {}
                _ => report.skipped_mapping_rows += 1,
            }
        }
        for chunk in links.chunks(200) {
            let mut sql =
                String::from("INSERT INTO unit_successions (predecessor_id, successor_id, effective, kind) VALUES ");
            for i in 0..chunk.len() {
                let b = i * 4;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("(${},${},${},${})", b + 1, b + 2, b + 3, b + 4));
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (o, n, kind) in chunk {
                q = q.bind(*o).bind(*n).bind(REFORM_DATE.to_string()).bind(kind.as_str());
            }
            q.execute(&mut *tx).await?;
        }
        report.successions = links.len();
        crate::rollup::rebuild_unit_ancestors(&mut tx).await?;
        tx.commit().await?;
        self.cache.clear();
        Ok(report)
    }
}

/// Inserts units of one level whose parents are in `parent_ids` (by code), returning the new
/// ids by code.
async fn insert_level(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    units: &[AdminUnit],
    parent_ids: &HashMap<String, i64>,
) -> Result<HashMap<String, i64>, StoreError> {
    let rows = units
        .iter()
        .map(|u| {
            let parent_id = match &u.parent {
                None => None,
                Some(p) => Some(*parent_ids.get(p.as_str()).ok_or_else(|| {
                    StoreError::DataFile(format!(
                        "unit {} names parent {p}, which is not in the same list",
                        u.code
                    ))
                })?),
            };
            Ok(NewUnit { unit: u, parent_id })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(insert_units(tx, &rows).await?.into_iter().collect())
}
