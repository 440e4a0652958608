//! The indicator catalogue: objectives, indicators with national and local targets, and the
//! data elements behind them.

use crate::{Store, StoreError, parse, parse_optional, text_to_decimal};
use binhdang_domain::ElementCode;
use binhdang_domain::IndicatorCode;
use binhdang_domain::UnitCode;
use binhdang_domain::{
    CategoryCombo, DataElement, ElementRole, Indicator, MeasureKind, NationalTarget, Objective, Period, PeriodType,
    Target, TargetOp, ValueType,
};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The catalogue as read at one version of `catalogue_version`.
#[derive(Debug)]
pub(crate) struct Catalogue {
    pub(crate) version: i64,
    pub(crate) indicators: Vec<Indicator>,
    /// In catalogue order.
    pub(crate) elements: Vec<DataElement>,
    /// The same, by code: what every save checks its inputs against.
    pub(crate) elements_by_code: BTreeMap<ElementCode, DataElement>,
}

/// The last catalogue a process read; the database's version counter (raised by triggers on
/// every change to the catalogue's tables) says whether it still holds.
#[derive(Debug, Default)]
pub(crate) struct CatalogueCache(Mutex<Option<Arc<Catalogue>>>);

impl CatalogueCache {
    fn get(&self, version: i64) -> Option<Arc<Catalogue>> {
        let kept = self.0.lock().ok()?;
        kept.as_ref().filter(|c| c.version == version).cloned()
    }

    fn keep(&self, catalogue: Arc<Catalogue>) {
        if let Ok(mut kept) = self.0.lock() {
            *kept = Some(catalogue);
        }
    }
}

pub use binhdang_domain::shipped::CatalogueData;

/// A target a unit set for itself for a phase (e.g. Bắc Kạn's 20% where the nation asks 27%).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalTarget {
    pub unit_code: UnitCode,
    pub unit_name: String,
    pub phase: String,
    #[serde(flatten)]
    pub target: Target,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorDetail {
    #[serde(flatten)]
    pub indicator: Indicator,
    pub objective_name_vi: String,
    pub objective_name_en: String,
    pub data_elements: Vec<DataElement>,
    pub local_targets: Vec<LocalTarget>,
}

fn element(row: &AnyRow) -> Result<DataElement, StoreError> {
    Ok(DataElement {
        code: parse(row, "code")?,
        indicator: parse_optional(row, "indicator_code")?,
        role: parse::<ElementRole>(row, "role")?,
        name_vi: row.try_get("name_vi")?,
        name_en: row.try_get("name_en")?,
        value_type: parse::<ValueType>(row, "value_type")?,
        category_combo: parse::<CategoryCombo>(row, "category_combo")?,
    })
}

/// What is wrong with a target for an indicator: a negative figure, a share above 100%, a
/// yes/no target other than 0 or 1, or any target for a narrative indicator.
pub(crate) fn target_problems(indicator: &Indicator, target: &Target) -> Vec<crate::FieldProblem> {
    let problem = |code: &str, en: String, vi: String| vec![crate::FieldProblem::new("value", code, en, vi)];
    let value = target.value;
    match indicator.measure {
        MeasureKind::Narrative => problem(
            "narrative_indicator",
            format!(
                "indicator {} is assessed in words; it takes no numeric target",
                indicator.code
            ),
            format!("Chỉ tiêu {} đánh giá bằng lời, không đặt mức số", indicator.code),
        ),
        _ if value < Decimal::ZERO => problem(
            "negative_target",
            format!("a target cannot be negative ({value})"),
            format!(
                "Mức chỉ tiêu không được âm ({})",
                binhdang_domain::vn::format_number(value, None)
            ),
        ),
        MeasureKind::Percent if value > Decimal::ONE_HUNDRED => problem(
            "over_100",
            format!("a percentage target cannot exceed 100 ({value})"),
            format!(
                "Mức chỉ tiêu tỷ lệ phần trăm không được lớn hơn 100 ({})",
                binhdang_domain::vn::format_number(value, None)
            ),
        ),
        MeasureKind::YesNo if value != Decimal::ZERO && value != Decimal::ONE => problem(
            "not_yes_no",
            format!("a yes/no target is 1 (yes) or 0 (no), not {value}"),
            format!(
                "Chỉ tiêu có/không chỉ nhận 1 (có) hoặc 0 (không), không phải {}",
                binhdang_domain::vn::format_number(value, None)
            ),
        ),
        _ => Vec::new(),
    }
}

/// A local target to write: for whom, which indicator and phase, and where it came from when
/// an imported plan stated it.
pub(crate) struct LocalTargetSet<'a> {
    pub unit: &'a crate::UnitSummary,
    pub indicator: &'a str,
    pub phase: &'a Period,
    pub target: Target,
    /// "file — quote" for a target read from a plan.
    pub source: Option<&'a str>,
}

/// Sets a checked local target inside the caller's transaction, with its audit entry (old and
/// new target; the source as its reason).
pub(crate) async fn write_local_target(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    set: &LocalTargetSet<'_>,
    actor: &crate::Actor,
    now: &str,
) -> Result<(), StoreError> {
    let phase_text = set.phase.to_string();
    let old =
        sqlx::query("SELECT op, value FROM local_targets WHERE unit_id = $1 AND indicator_code = $2 AND phase = $3")
            .bind(set.unit.id)
            .bind(set.indicator)
            .bind(&phase_text)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| target(&r))
            .transpose()?;
    sqlx::query(
        "INSERT INTO local_targets (unit_id, indicator_code, phase, op, value) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (unit_id, indicator_code, phase) DO UPDATE SET op = excluded.op, value = excluded.value",
    )
    .bind(set.unit.id)
    .bind(set.indicator)
    .bind(&phase_text)
    .bind(set.target.op.as_str())
    .bind(set.target.value.to_string())
    .execute(&mut **tx)
    .await?;
    let entry = crate::AuditEntry {
        actor: &actor.name,
        origin: &actor.origin,
        action: "target.set",
        unit_id: Some(set.unit.id),
        period: Some(&phase_text),
        subject: set.indicator,
        old_value: old.map(|t| serde_json::json!(t)),
        new_value: Some(serde_json::json!(set.target)),
        reason: set.source,
    };
    crate::access::audit_in(tx, &entry, now).await
}

fn target(row: &AnyRow) -> Result<Target, StoreError> {
    Ok(Target {
        op: parse::<TargetOp>(row, "op")?,
        value: text_to_decimal(&row.try_get::<String, _>("value")?)?,
    })
}

/// Writes an indicator and its national targets at `order`. One already there is kept as it
/// is (an administrator's corrections survive a second `init`), except that a reason for its
/// aggregation over time is filled in where none was given.
pub(crate) async fn insert_indicator(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    i: &Indicator,
    order: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO indicators (code, objective, sort_order, name_vi, name_en, measure, factor, direction,
            aggregation, lowest_level, numerator_vi, denominator_vi, responsible_agency, confidence,
            time_aggregation, time_aggregation_reason_vi, time_aggregation_reason_en)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (code) DO UPDATE SET time_aggregation = excluded.time_aggregation,
            time_aggregation_reason_vi = excluded.time_aggregation_reason_vi,
            time_aggregation_reason_en = excluded.time_aggregation_reason_en
         WHERE indicators.time_aggregation_reason_en = ''",
    )
    .bind(i.code.as_str())
    .bind(i64::from(i.objective))
    .bind(order)
    .bind(&i.name_vi)
    .bind(&i.name_en)
    .bind(i.measure.as_str())
    .bind(i.factor.to_string())
    .bind(i.direction.as_str())
    .bind(i.aggregation.as_str())
    .bind(i.lowest_level.as_str())
    .bind(i.numerator_vi.clone())
    .bind(i.denominator_vi.clone())
    .bind(&i.responsible_agency)
    .bind(&i.confidence)
    .bind(i.time_aggregation.as_str())
    .bind(&i.time_aggregation_reason_vi)
    .bind(&i.time_aggregation_reason_en)
    .execute(&mut **tx)
    .await?;
    for t in &i.national_targets {
        sqlx::query(
            "INSERT INTO national_targets (indicator_code, year, op, value) VALUES ($1, $2, $3, $4)
             ON CONFLICT (indicator_code, year) DO NOTHING",
        )
        .bind(i.code.as_str())
        .bind(i64::from(t.year))
        .bind(t.target.op.as_str())
        .bind(t.target.value.to_string())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Writes a data element at `order`, keeping one already there.
pub(crate) async fn insert_element(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    e: &DataElement,
    order: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO data_elements (code, indicator_code, sort_order, role, name_vi, name_en, value_type, category_combo)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING",
    )
    .bind(e.code.as_str())
    .bind(e.indicator.as_deref())
    .bind(order)
    .bind(e.role.as_str())
    .bind(&e.name_vi)
    .bind(&e.name_en)
    .bind(e.value_type.as_str())
    .bind(e.category_combo.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Loads the shipped catalogue. Rows already present are kept as they are, so that an
    /// administrator's corrections survive a second `init`.
    pub async fn load_catalogue(&self, data: &CatalogueData) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for o in &data.objectives {
            sqlx::query(
                "INSERT INTO objectives (number, name_vi, name_en) VALUES ($1, $2, $3) ON CONFLICT (number) DO NOTHING",
            )
            .bind(i64::from(o.number))
            .bind(&o.name_vi)
            .bind(&o.name_en)
            .execute(&mut *tx)
            .await?;
        }
        for (order, i) in data.indicators.iter().enumerate() {
            insert_indicator(&mut tx, i, order as i64).await?;
        }
        for (order, e) in data.elements.iter().enumerate() {
            insert_element(&mut tx, e, order as i64).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn objectives(&self) -> Result<Vec<Objective>, StoreError> {
        let rows = sqlx::query("SELECT number, name_vi, name_en FROM objectives ORDER BY number")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Objective {
                    number: u32::try_from(r.try_get::<i64, _>("number")?)
                        .map_err(|_| StoreError::Corrupt("objective number".into()))?,
                    name_vi: r.try_get("name_vi")?,
                    name_en: r.try_get("name_en")?,
                })
            })
            .collect()
    }

    /// Every indicator with its national targets, in catalogue order.
    pub async fn indicators(&self) -> Result<Vec<Indicator>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(self.catalogue_on(&mut conn).await?.indicators.clone())
    }

    /// The catalogue's indicators and data elements as `conn` sees them: from memory while
    /// the catalogue's version in the database is the one they were read at.
    pub(crate) async fn catalogue_on(&self, conn: &mut sqlx::AnyConnection) -> Result<Arc<Catalogue>, StoreError> {
        // The version is read before the tables, so a copy is never newer than its tag says
        // it is older than: a change made in between only makes the next call read again.
        let version: i64 = sqlx::query("SELECT version FROM catalogue_version WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?
            .try_get("version")?;
        if let Some(found) = self.cache.catalogue.get(version) {
            return Ok(found);
        }
        let indicators = indicators_on(conn).await?;
        let elements = data_elements_on(conn).await?;
        let elements_by_code = elements.iter().map(|e| (e.code.clone(), e.clone())).collect();
        let catalogue = Arc::new(Catalogue {
            version,
            indicators,
            elements,
            elements_by_code,
        });
        self.cache.catalogue.keep(catalogue.clone());
        Ok(catalogue)
    }

    pub async fn indicator_detail(&self, code: &str) -> Result<IndicatorDetail, StoreError> {
        let indicator = self
            .indicators()
            .await?
            .into_iter()
            .find(|i| i.code == code)
            .ok_or_else(|| StoreError::NotFound {
                what: "indicator",
                key: code.to_string(),
            })?;
        let objective = self
            .objectives()
            .await?
            .into_iter()
            .find(|o| o.number == indicator.objective)
            .ok_or_else(|| StoreError::Corrupt(format!("objective {} of indicator {code}", indicator.objective)))?;
        let data_elements = self
            .data_elements()
            .await?
            .into_iter()
            .filter(|e| e.indicator.as_deref() == Some(code))
            .collect();
        let rows = sqlx::query(
            "SELECT u.code AS unit_code, u.kind, u.name, t.phase, t.op, t.value FROM local_targets t
             JOIN units u ON u.id = t.unit_id WHERE t.indicator_code = $1 ORDER BY u.code, t.phase",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        let local_targets = rows
            .iter()
            .map(|r| {
                Ok(LocalTarget {
                    unit_code: crate::parse(r, "unit_code")?,
                    unit_name: format!(
                        "{} {}",
                        r.try_get::<String, _>("kind")?,
                        r.try_get::<String, _>("name")?
                    )
                    .trim()
                    .to_string(),
                    phase: r.try_get("phase")?,
                    target: target(r)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(IndicatorDetail {
            indicator,
            objective_name_vi: objective.name_vi,
            objective_name_en: objective.name_en,
            data_elements,
            local_targets,
        })
    }

    /// Every data element, in catalogue order.
    pub async fn data_elements(&self) -> Result<Vec<DataElement>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(self.catalogue_on(&mut conn).await?.elements.clone())
    }

    /// Sets (or replaces) a unit's own target for a phase such as `2021-2025`.
    pub async fn set_local_target(
        &self,
        unit_code: &str,
        indicator_code: &str,
        phase: &Period,
        target: Target,
        actor: &crate::Actor,
    ) -> Result<(), StoreError> {
        let unit = self
            .local_target_unit(unit_code, indicator_code, phase, &target)
            .await?;
        let mut tx = self.begin_write().await?;
        let set = LocalTargetSet {
            unit: &unit,
            indicator: indicator_code,
            phase,
            target,
            source: None,
        };
        write_local_target(&mut tx, &set, actor, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The unit a local target is for, once the target is checked: a phase, an indicator of
    /// the catalogue, a value its measure allows, a unit that reported during the phase.
    pub(crate) async fn local_target_unit(
        &self,
        unit_code: &str,
        indicator_code: &str,
        phase: &Period,
        target: &Target,
    ) -> Result<crate::UnitSummary, StoreError> {
        if phase.period_type() != PeriodType::Phase {
            return Err(StoreError::Invalid(vec![crate::FieldProblem::new(
                "phase",
                "not_a_phase",
                format!("local targets are set for a phase such as 2021-2025, not {phase}"),
                format!("Chỉ tiêu của địa phương đặt cho một giai đoạn (ví dụ 2021-2025), không phải {phase}"),
            )]));
        }
        let indicators = self.indicators().await?;
        let Some(indicator) = indicators.iter().find(|i| i.code == indicator_code) else {
            return Err(StoreError::Invalid(vec![crate::FieldProblem::new(
                "indicator",
                "unknown_indicator",
                format!("there is no indicator `{indicator_code}` in the catalogue"),
                format!("Không có chỉ tiêu `{indicator_code}` trong danh mục"),
            )]));
        };
        let mut problems = target_problems(indicator, target);
        // The unit that reported during the phase: old Hà Giang has a 2021–2025 target,
        // not a 2026–2030 one.
        let unit = self.unit_for_period(unit_code, phase).await?;
        if unit.is_none() {
            let problem = if self.unit_code_exists(unit_code).await? {
                crate::FieldProblem::new(
                    "unit",
                    "unit_not_in_phase",
                    format!("the unit `{unit_code}` did not exist during {phase}"),
                    format!("Đơn vị mã `{unit_code}` không tồn tại trong giai đoạn {phase}"),
                )
            } else {
                crate::unknown_unit("unit", unit_code)
            };
            problems.insert(0, problem);
        }
        match (unit, problems.is_empty()) {
            (Some(unit), true) => Ok(unit),
            _ => Err(StoreError::Invalid(problems)),
        }
    }

    /// The indicators an agency answers for, by code in catalogue order.
    pub async fn agency_indicators(&self, agency_code: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.indicator_code FROM agency_indicators a JOIN indicators i ON i.code = a.indicator_code
             WHERE a.agency_code = $1 ORDER BY i.sort_order",
        )
        .bind(agency_code)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("indicator_code")?)).collect()
    }

    /// Says which indicators an agency answers for (replacing what was set), audited.
    pub async fn set_agency_indicators(
        &self,
        agency_code: &str,
        indicators: &[&str],
        actor: &crate::Actor,
    ) -> Result<(), StoreError> {
        let known: Vec<IndicatorCode> = self.indicators().await?.into_iter().map(|i| i.code).collect();
        let unknown: Vec<&&str> = indicators.iter().filter(|c| !known.iter().any(|k| k == **c)).collect();
        if !unknown.is_empty() {
            let list = unknown.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ");
            return Err(StoreError::Invalid(vec![crate::FieldProblem::new(
                "indicators",
                "unknown_indicator",
                format!("unknown indicators: {list}"),
                format!("Không có các chỉ tiêu: {list}"),
            )]));
        }
        let unit_id: Option<i64> = sqlx::query("SELECT unit_id FROM agencies WHERE code = $1")
            .bind(agency_code)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get("unit_id"))
            .transpose()?;
        let Some(unit_id) = unit_id else {
            return Err(StoreError::NotFound {
                what: "agency",
                key: agency_code.to_string(),
            });
        };
        // A code listed twice is listed once (the table's key would refuse the second).
        let mut listed: Vec<&str> = Vec::with_capacity(indicators.len());
        for code in indicators {
            if !listed.contains(code) {
                listed.push(code);
            }
        }
        let old = self.agency_indicators(agency_code).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM agency_indicators WHERE agency_code = $1")
            .bind(agency_code)
            .execute(&mut *tx)
            .await?;
        for code in &listed {
            sqlx::query("INSERT INTO agency_indicators (agency_code, indicator_code) VALUES ($1, $2)")
                .bind(agency_code)
                .bind(*code)
                .execute(&mut *tx)
                .await?;
        }
        let entry = crate::AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action: "agency.indicators",
            unit_id: Some(unit_id),
            period: None,
            subject: agency_code,
            old_value: Some(serde_json::json!(old)),
            new_value: Some(serde_json::json!(listed)),
            reason: None,
        };
        crate::access::audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Every indicator with its national targets, in catalogue order, read on `conn`.
async fn indicators_on(conn: &mut sqlx::AnyConnection) -> Result<Vec<Indicator>, StoreError> {
    let mut targets: BTreeMap<String, Vec<NationalTarget>> = BTreeMap::new();
    for r in sqlx::query("SELECT indicator_code, year, op, value FROM national_targets ORDER BY year")
        .fetch_all(&mut *conn)
        .await?
    {
        let year = i32::try_from(r.try_get::<i64, _>("year")?).map_err(|_| StoreError::Corrupt("year".into()))?;
        targets
            .entry(r.try_get("indicator_code")?)
            .or_default()
            .push(NationalTarget {
                year,
                target: target(&r)?,
            });
    }
    let rows = sqlx::query("SELECT * FROM indicators ORDER BY sort_order")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let code: IndicatorCode = parse(r, "code")?;
            Ok(Indicator {
                national_targets: targets.remove(code.as_str()).unwrap_or_default(),
                code,
                objective: u32::try_from(r.try_get::<i64, _>("objective")?)
                    .map_err(|_| StoreError::Corrupt("objective".into()))?,
                name_vi: r.try_get("name_vi")?,
                name_en: r.try_get("name_en")?,
                measure: parse(r, "measure")?,
                factor: text_to_decimal(&r.try_get::<String, _>("factor")?)?,
                direction: parse(r, "direction")?,
                aggregation: parse(r, "aggregation")?,
                lowest_level: parse(r, "lowest_level")?,
                numerator_vi: r.try_get("numerator_vi")?,
                denominator_vi: r.try_get("denominator_vi")?,
                responsible_agency: r.try_get("responsible_agency")?,
                confidence: r.try_get("confidence")?,
                time_aggregation: parse(r, "time_aggregation")?,
                time_aggregation_reason_vi: r.try_get("time_aggregation_reason_vi")?,
                time_aggregation_reason_en: r.try_get("time_aggregation_reason_en")?,
            })
        })
        .collect()
}

/// The catalogue's data elements in catalogue order, read on `conn`.
async fn data_elements_on(conn: &mut sqlx::AnyConnection) -> Result<Vec<DataElement>, StoreError> {
    let rows = sqlx::query("SELECT * FROM data_elements ORDER BY sort_order")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(element).collect()
}
