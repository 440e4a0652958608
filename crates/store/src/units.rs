//! Administrative units in time: which units are valid on a date, and how they succeeded
//! one another.

use crate::{Store, StoreError, date_to_text, text_to_date};
use binhdang_domain::{AdminUnit, Agency, Period, UnitCode, UnitLevel, Validity, vn};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;
use time::Date;

/// A unit as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitSummary {
    #[serde(skip)]
    pub id: i64,
    pub code: UnitCode,
    pub level: UnitLevel,
    pub name: String,
    pub kind: String,
    pub full_name: String,
    pub parent_code: Option<UnitCode>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

/// A unit with its neighbours in the hierarchy and in time.
#[derive(Debug, Clone, Serialize)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: UnitSummary,
    /// The date the hierarchy was read at: the requested date, moved into the unit's
    /// validity if it fell outside it.
    pub as_of: Date,
    pub parent: Option<UnitSummary>,
    pub children: Vec<UnitSummary>,
    pub predecessors: Vec<Succession>,
    pub successors: Vec<Succession>,
    /// Responsible agencies beside the unit (Sở Nội vụ, Trung tâm Y tế, Hội LHPN…).
    pub agencies: Vec<Agency>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Succession {
    pub unit: UnitSummary,
    pub kind: String,
    pub effective: Date,
}

/// A unit found by its name: the unit it lies in (to tell namesakes apart) and, for a unit
/// that no longer stood on the day searched, where it went.
#[derive(Debug, Clone, Serialize)]
pub struct UnitMatch {
    #[serde(flatten)]
    pub unit: UnitSummary,
    /// The full name of the unit it lay in when it stood (`Tỉnh Lai Châu`).
    pub within: Option<String>,
    /// Empty when the unit stood on the day searched; else the units it went into by then,
    /// or, for one that was abolished (a district), the unit that now holds its area.
    pub now: Vec<UnitSummary>,
}

/// What [`Store::search_units`] searches: every unit with its search keys, and the ancestors
/// of each (to keep to a scope).
/// The count of units, their highest id and the count of successions: units are only ever
/// added, so these change whenever the tree does.
pub(crate) type TreeVersion = (i64, i64, i64);

#[derive(Debug)]
pub(crate) struct UnitNameIndex {
    units: Vec<NamedUnit>,
    ancestors: HashMap<i64, Vec<i64>>,
}

#[derive(Debug)]
struct NamedUnit {
    unit: UnitSummary,
    within: Option<String>,
    /// [`vn::search_key`] of the full name, of the bare name and of the parent's full name.
    own: String,
    bare: String,
    within_key: String,
}

const UNIT_COLUMNS: &str = "u.id, u.code, u.level, u.name, u.kind, p.code AS parent_code, u.valid_from, u.valid_to";

fn summary(row: &AnyRow) -> Result<UnitSummary, StoreError> {
    let level: String = row.try_get("level")?;
    let level: UnitLevel = level
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("unit level `{level}`")))?;
    let kind: String = row.try_get("kind")?;
    let name: String = row.try_get("name")?;
    let date = |col: &str| -> Result<Option<Date>, StoreError> {
        row.try_get::<Option<String>, _>(col)?
            .map(|s| text_to_date(&s))
            .transpose()
    };
    Ok(UnitSummary {
        id: row.try_get("id")?,
        code: crate::parse(row, "code")?,
        level,
        full_name: binhdang_domain::unit::full_name(&kind, &name),
        name,
        kind,
        parent_code: crate::parse_optional(row, "parent_code")?,
        valid_from: date("valid_from")?,
        valid_to: date("valid_to")?,
    })
}

fn validity_of(u: &UnitSummary) -> Validity {
    Validity {
        from: u.valid_from,
        to: u.valid_to,
    }
}

impl Store {
    /// Units valid on `date`, optionally of one level and under one parent (by code).
    pub async fn units_valid_on(
        &self,
        date: Date,
        level: Option<UnitLevel>,
        parent: Option<&UnitCode>,
    ) -> Result<Vec<UnitSummary>, StoreError> {
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM units u LEFT JOIN units p ON p.id = u.parent_id
             WHERE (u.valid_from IS NULL OR u.valid_from <= $1) AND (u.valid_to IS NULL OR u.valid_to >= $1)
               AND ($2 IS NULL OR u.level = $2) AND ($3 IS NULL OR p.code = $3)
             ORDER BY u.code"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(date_to_text(date))
            .bind(level.map(|l| l.as_str().to_string()))
            .bind(parent.map(|p| p.to_string()))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary).collect()
    }

    /// `root` and every unit below it valid on `date`, the upper levels first, then by name:
    /// what a person choosing a unit by its name picks from.
    pub async fn units_below_valid_on(&self, root: &UnitSummary, date: Date) -> Result<Vec<UnitSummary>, StoreError> {
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM unit_ancestors a JOIN units u ON u.id = a.unit_id
               LEFT JOIN units p ON p.id = u.parent_id
             WHERE a.ancestor_id = $1
               AND (u.valid_from IS NULL OR u.valid_from <= $2) AND (u.valid_to IS NULL OR u.valid_to >= $2)"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(root.id)
            .bind(date_to_text(date))
            .fetch_all(&self.pool)
            .await?;
        let mut units: Vec<UnitSummary> = rows.iter().map(summary).collect::<Result<_, _>>()?;
        units.sort_by(|a, b| (a.level, &a.name, &a.code).cmp(&(b.level, &b.name, &b.code)));
        Ok(units)
    }

    /// Units at or below `root` whose name or code fits `typed`, as one searches while typing:
    /// every word of the text within the unit's full name or its parent's (at least one
    /// within its own), case and diacritics ignored ([`vn::search_key`]), or a code that
    /// begins with it. Units that stood on `date` come first, then those that had ended by
    /// then (the 2025 reform's old provinces, districts and communes), each with where it
    /// went; units not yet founded on `date` are left out. Exact names rank first. At most
    /// `limit` units.
    pub async fn search_units(
        &self,
        root: &UnitSummary,
        typed: &str,
        date: Date,
        limit: usize,
    ) -> Result<Vec<UnitMatch>, StoreError> {
        let key = vn::search_key(typed);
        if key.is_empty() {
            return Ok(Vec::new());
        }
        let words: Vec<&str> = key.split(' ').collect();
        let index = self.unit_name_index().await?;
        let code_typed = typed.trim();
        let mut found = Vec::new();
        for named in index.units.iter() {
            let unit = &named.unit;
            if unit.valid_from.is_some_and(|from| from > date) {
                continue;
            }
            let rank = if unit.code == code_typed || named.own == key || named.bare == key {
                0
            } else if unit.code.starts_with(code_typed) || named.own.starts_with(&key) || named.bare.starts_with(&key) {
                1
            } else if words
                .iter()
                .all(|w| named.own.contains(w) || named.within_key.contains(w))
                && words.iter().any(|w| named.own.contains(w))
            {
                2
            } else {
                continue;
            };
            if unit.id != root.id && !index.ancestors.get(&unit.id).is_some_and(|a| a.contains(&root.id)) {
                continue;
            }
            let ended = !validity_of(unit).contains(date);
            found.push((
                (rank, ended, unit.level, unit.name.clone(), unit.code.clone()),
                unit.clone(),
                named.within.clone(),
            ));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.truncate(limit);
        let mut matches = Vec::with_capacity(found.len());
        for ((_, ended, ..), unit, within) in found {
            let now = if ended {
                self.where_it_went(unit.id, date).await?
            } else {
                Vec::new()
            };
            matches.push(UnitMatch { unit, within, now });
        }
        Ok(matches)
    }

    /// Every unit with its name as searches compare it, and every unit's ancestors: read once
    /// and kept until the units or their successions change (units are only ever added, so
    /// their count, highest id and the count of successions tell; another process loading
    /// units is seen too).
    async fn unit_name_index(&self) -> Result<std::sync::Arc<UnitNameIndex>, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM units) AS units, (SELECT COALESCE(MAX(id), 0) FROM units) AS top,
                    (SELECT COUNT(*) FROM unit_successions) AS successions",
        )
        .fetch_one(&self.pool)
        .await?;
        let version: TreeVersion = (
            row.try_get::<i64, _>("units")?,
            row.try_get::<i64, _>("top")?,
            row.try_get::<i64, _>("successions")?,
        );
        if let Some(index) = self.cache.unit_names(version) {
            return Ok(index);
        }
        let sql = format!(
            "SELECT {UNIT_COLUMNS}, p.kind AS parent_kind, p.name AS parent_name
             FROM units u LEFT JOIN units p ON p.id = u.parent_id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        let mut units = Vec::with_capacity(rows.len());
        for row in &rows {
            let unit = summary(row)?;
            let within = match (
                row.try_get::<Option<String>, _>("parent_kind")?,
                row.try_get::<Option<String>, _>("parent_name")?,
            ) {
                (Some(kind), Some(name)) => Some(binhdang_domain::unit::full_name(&kind, &name)),
                (_, name) => name,
            };
            units.push(NamedUnit {
                own: vn::search_key(&unit.full_name),
                bare: vn::search_key(&unit.name),
                within_key: within.as_deref().map(vn::search_key).unwrap_or_default(),
                within,
                unit,
            });
        }
        let ancestors = crate::rollup::ancestors_where(&self.pool, "TRUE").await?;
        let index = std::sync::Arc::new(UnitNameIndex { units, ancestors });
        self.cache.keep_unit_names(version, index.clone());
        Ok(index)
    }

    /// The units an ended unit went into that stood on `date`, else the lowest unit standing
    /// then that holds it (what an abolished district's area lies in now).
    async fn where_it_went(&self, id: i64, date: Date) -> Result<Vec<UnitSummary>, StoreError> {
        let standing = "(u.valid_from IS NULL OR u.valid_from <= $2) AND (u.valid_to IS NULL OR u.valid_to >= $2)";
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM unit_successions s JOIN units u ON u.id = s.successor_id
               LEFT JOIN units p ON p.id = u.parent_id
             WHERE s.predecessor_id = $1 AND {standing} ORDER BY u.code"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(date_to_text(date))
            .fetch_all(&self.pool)
            .await?;
        if !rows.is_empty() {
            return rows.iter().map(summary).collect();
        }
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM unit_ancestors a JOIN units u ON u.id = a.ancestor_id
               LEFT JOIN units p ON p.id = u.parent_id
             WHERE a.unit_id = $1 AND a.ancestor_id <> $1 AND {standing}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(date_to_text(date))
            .fetch_all(&self.pool)
            .await?;
        let holders: Vec<UnitSummary> = rows.iter().map(summary).collect::<Result<_, _>>()?;
        Ok(holders.into_iter().max_by_key(|u| u.level).into_iter().collect())
    }

    /// All versions of a code, oldest first.
    async fn unit_versions(&self, code: &str) -> Result<Vec<UnitSummary>, StoreError> {
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM units u LEFT JOIN units p ON p.id = u.parent_id
             WHERE u.code = $1 ORDER BY COALESCE(u.valid_from, '')"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(code)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary).collect()
    }

    /// The version of `code` valid on `date`, or else the latest version of that code.
    pub async fn unit_on(&self, code: &str, date: Date) -> Result<UnitSummary, StoreError> {
        let versions = self.unit_versions(code).await?;
        let valid = versions.iter().find(|u| validity_of(u).contains(date)).cloned();
        valid
            .or_else(|| versions.last().cloned())
            .ok_or_else(|| StoreError::NotFound {
                what: "unit",
                key: code.to_string(),
            })
    }

    /// The unit that reports under `code` for `period`: the version valid on the period's
    /// last day, or else the latest version that existed during the period. `None` when no
    /// version of the code existed during the period.
    pub async fn unit_for_period(&self, code: &str, period: &Period) -> Result<Option<UnitSummary>, StoreError> {
        self.unit_for_span(code, period.start(), period.end()).await
    }

    /// [`Store::unit_for_period`] for any span of days (a range of periods, a date window).
    pub async fn unit_for_span(&self, code: &str, start: Date, end: Date) -> Result<Option<UnitSummary>, StoreError> {
        let versions = self.unit_versions(code).await?;
        if let Some(u) = versions.iter().find(|u| validity_of(u).contains(end)) {
            return Ok(Some(u.clone()));
        }
        let during = Validity {
            from: Some(start),
            to: Some(end),
        };
        Ok(versions.into_iter().rev().find(|u| validity_of(u).overlaps(&during)))
    }

    /// Whether any version of `code` exists at all.
    pub async fn unit_code_exists(&self, code: &str) -> Result<bool, StoreError> {
        Ok(!self.unit_versions(code).await?.is_empty())
    }

    pub async fn unit_detail(&self, code: &str, date: Date) -> Result<UnitDetail, StoreError> {
        let unit = self.unit_on(code, date).await?;
        let as_of = clamp_into(date, &validity_of(&unit));
        let parent = match &unit.parent_code {
            Some(_) => self.unit_by_id(self.parent_id(unit.id).await?).await?,
            None => None,
        };
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM units u LEFT JOIN units p ON p.id = u.parent_id
             WHERE u.parent_id = $1 AND (u.valid_from IS NULL OR u.valid_from <= $2)
               AND (u.valid_to IS NULL OR u.valid_to >= $2)
             ORDER BY u.code"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit.id)
            .bind(date_to_text(as_of))
            .fetch_all(&self.pool)
            .await?;
        let children = rows.iter().map(summary).collect::<Result<_, _>>()?;
        let predecessors = self.successions(unit.id, "successor_id", "predecessor_id").await?;
        let successors = self.successions(unit.id, "predecessor_id", "successor_id").await?;
        let agencies = self.agencies_of(&unit).await?;
        Ok(UnitDetail {
            unit,
            as_of,
            parent,
            children,
            predecessors,
            successors,
            agencies,
        })
    }

    /// Adds an agency beside a unit, or renames the agency with that code.
    pub async fn put_agency(&self, unit: &UnitSummary, agency: &Agency) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO agencies (code, unit_id, name_vi, name_en) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO UPDATE SET unit_id = excluded.unit_id, name_vi = excluded.name_vi,
                name_en = excluded.name_en",
        )
        .bind(&agency.code)
        .bind(unit.id)
        .bind(&agency.name_vi)
        .bind(agency.name_en.clone())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn agencies_of(&self, unit: &UnitSummary) -> Result<Vec<Agency>, StoreError> {
        // Open agencies only: one closed on or before today is history.
        let rows = sqlx::query(
            "SELECT code, name_vi, name_en FROM agencies WHERE unit_id = $1 AND (closed_on IS NULL OR closed_on > $2)
             ORDER BY code",
        )
        .bind(unit.id)
        .bind(crate::date_to_text(self.clock.today()))
        .fetch_all(&self.pool)
        .await?;
        let unit_code = unit.code.clone();
        rows.iter()
            .map(|r| {
                Ok(Agency {
                    code: r.try_get("code")?,
                    unit: unit_code.clone(),
                    name_vi: r.try_get("name_vi")?,
                    name_en: r.try_get("name_en")?,
                })
            })
            .collect()
    }

    async fn parent_id(&self, id: i64) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT parent_id FROM units WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("parent_id")?)
    }

    pub async fn unit_summary_by_id(&self, id: i64) -> Result<Option<UnitSummary>, StoreError> {
        self.unit_by_id(Some(id)).await
    }

    async fn unit_by_id(&self, id: Option<i64>) -> Result<Option<UnitSummary>, StoreError> {
        let Some(id) = id else { return Ok(None) };
        let mut conn = self.pool.acquire().await?;
        unit_by_id_on(&mut conn, id).await
    }

    /// Units linked to `id` through successions; `this_side` is the column holding `id`.
    async fn successions(
        &self,
        id: i64,
        this_side: &'static str,
        other_side: &'static str,
    ) -> Result<Vec<Succession>, StoreError> {
        let sql = format!(
            "SELECT {UNIT_COLUMNS}, s.kind AS succession_kind, s.effective
             FROM unit_successions s JOIN units u ON u.id = s.{other_side}
             LEFT JOIN units p ON p.id = u.parent_id
             WHERE s.{this_side} = $1 ORDER BY u.code"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Succession {
                    unit: summary(row)?,
                    kind: row.try_get("succession_kind")?,
                    effective: text_to_date(&row.try_get::<String, _>("effective")?)?,
                })
            })
            .collect()
    }

    /// Counts of units per level valid on `date`.
    pub async fn unit_counts(&self, date: Date) -> Result<Vec<(UnitLevel, i64)>, StoreError> {
        let mut counts = Vec::new();
        for level in UnitLevel::ALL {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM units WHERE level = $1
                 AND (valid_from IS NULL OR valid_from <= $2) AND (valid_to IS NULL OR valid_to >= $2)",
            )
            .bind(level.as_str())
            .bind(date_to_text(date))
            .fetch_one(&self.pool)
            .await?;
            counts.push((level, row.try_get::<i64, _>("n")?));
        }
        Ok(counts)
    }
}

fn clamp_into(date: Date, v: &Validity) -> Date {
    match (v.from, v.to) {
        (Some(f), _) if date < f => f,
        (_, Some(t)) if date > t => t,
        _ => date,
    }
}

/// A unit to insert, with its parent given by code and the validity of the parent version
/// it belongs under.
pub(crate) struct NewUnit<'a> {
    pub unit: &'a AdminUnit,
    pub parent_id: Option<i64>,
}

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits.
const INSERT_CHUNK: usize = 200;

/// Inserts units in chunks inside `tx`, returning (code, new id) pairs. Codes must be
/// unique within one call: neither engine promises RETURNING rows in VALUES order.
pub(crate) async fn insert_units(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    units: &[NewUnit<'_>],
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut ids = Vec::with_capacity(units.len());
    for chunk in units.chunks(INSERT_CHUNK) {
        let mut sql =
            String::from("INSERT INTO units (code, level, name, kind, parent_id, valid_from, valid_to) VALUES ");
        for i in 0..chunk.len() {
            let b = i * 7;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${},${},${},${},${},${},${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7
            ));
        }
        sql.push_str(" RETURNING id, code");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for n in chunk {
            let u = n.unit;
            q = q
                .bind(u.code.to_string())
                .bind(u.level.as_str())
                .bind(u.name.clone())
                .bind(u.kind.clone())
                .bind(n.parent_id)
                .bind(u.validity.from.map(date_to_text))
                .bind(u.validity.to.map(date_to_text));
        }
        let rows = q.fetch_all(&mut **tx).await?;
        for row in rows {
            ids.push((row.try_get::<String, _>("code")?, row.try_get::<i64, _>("id")?));
        }
    }
    Ok(ids)
}

/// The unit of id `id`, read on `conn` (a write transaction reads its own).
pub(crate) async fn unit_by_id_on(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Option<UnitSummary>, StoreError> {
    let sql = format!("SELECT {UNIT_COLUMNS} FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(summary).transpose()
}
