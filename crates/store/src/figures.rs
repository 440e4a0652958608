//! Indicator figures for any unit and period, read from the live aggregates, and their
//! assessment against the target that applies.

use crate::{Store, StoreError, Sums, UnitSummary, date_to_text, text_to_decimal};
use binhdang_domain::assessment::{self, Observation, Progress, Status};
use binhdang_domain::figure::{Figure, figure, opt_decimal};
use binhdang_domain::{Disaggregation, MeasureKind, Period, PeriodType, Target, UnitLevel};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// The target an assessment used.
#[derive(Debug, Clone, Serialize)]
pub struct TargetUsed {
    /// `local` (set by a unit for a phase) or `national` (Nghị quyết 28/NQ-CP, milestone year).
    pub source: &'static str,
    #[serde(flatten)]
    pub target: Target,
    /// The national milestone year, or the local phase.
    pub applies_to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_by: Option<String>,
    /// The national target for the same milestone, shown beside a local one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national: Option<Target>,
}

/// One row of the assessment table.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub indicator: String,
    pub objective: u32,
    pub name_vi: String,
    pub name_en: String,
    pub figure: Figure,
    pub target: Option<TargetUsed>,
    pub status: Status,
    pub status_vi: &'static str,
    /// Signed so that positive is on the better side of the target value.
    #[serde(serialize_with = "opt_decimal")]
    pub distance: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Observation>,
    pub progress: Progress,
    pub progress_vi: &'static str,
}

/// When a unit of after the 2025 reform is asked for a period before it, its figure is
/// built from the old units mapped to it; this says so.
#[derive(Debug, Clone, Serialize)]
pub struct MappingUsed {
    pub reform: String,
    pub description_en: &'static str,
    pub description_vi: &'static str,
    pub source: &'static str,
    /// Old units (at any level) whose data flows into this unit's figure.
    pub predecessor_units: i64,
}

impl Store {
    /// Units in `unit`'s subtree valid on `date`, counted by level (cached: units rarely change).
    async fn subtree_levels(&self, unit_id: i64, date: time::Date) -> Result<HashMap<UnitLevel, i64>, StoreError> {
        if let Some(found) = self.cache.subtree_levels(unit_id, date) {
            return Ok(found);
        }
        let rows = sqlx::query(
            "SELECT u.level, COUNT(*) AS n FROM unit_ancestors a JOIN units u ON u.id = a.unit_id
             WHERE a.ancestor_id = $1 AND (u.valid_from IS NULL OR u.valid_from <= $2)
               AND (u.valid_to IS NULL OR u.valid_to >= $2)
             GROUP BY u.level",
        )
        .bind(unit_id)
        .bind(date_to_text(date))
        .fetch_all(&self.pool)
        .await?;
        let mut out = HashMap::new();
        for r in rows {
            let level: String = r.try_get("level")?;
            let level: UnitLevel = level
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("level `{level}`")))?;
            out.insert(level, r.try_get::<i64, _>("n")?);
        }
        self.cache.remember_subtree_levels(unit_id, date, out.clone());
        Ok(out)
    }

    /// Says whether `unit`'s figure for `period` is built through the 2025 mapping.
    pub async fn mapping_used(&self, unit: &UnitSummary, period: &Period) -> Result<Option<MappingUsed>, StoreError> {
        let starts_later = unit.valid_from.is_some_and(|from| from > period.end());
        if !starts_later {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM unit_ancestors a JOIN units u ON u.id = a.unit_id
             WHERE a.ancestor_id = $1 AND u.valid_to IS NOT NULL AND u.valid_to < $2",
        )
        .bind(unit.id)
        .bind(date_to_text(unit.valid_from.unwrap_or(period.end())))
        .fetch_one(&self.pool)
        .await?;
        Ok(Some(MappingUsed {
            reform: binhdang_domain::REFORM_DATE.to_string(),
            description_en: "Built from the pre-reform units mapped to this unit: each old commune counts in the new \
                commune that inherits it (the one that kept its code, else the lowest code, when it was split) and \
                in that commune's province; merged provinces count in the province they joined.",
            description_vi: "Tổng hợp từ các đơn vị trước sắp xếp được chuyển vào đơn vị này: mỗi xã cũ được tính vào \
                xã mới kế thừa (xã giữ mã cũ, nếu không thì xã có mã nhỏ nhất, khi xã cũ bị chia tách) và vào tỉnh của \
                xã đó; tỉnh cũ được tính vào tỉnh mới mà nó hợp nhất.",
            source: "data/units/commune_mapping_2025.csv and province_mapping_2025.csv \
                (vietnam-address-converter 1.0.5 matched to GSO codes of vietnam-provinces 0.6.0 and 2025.10.1)",
            predecessor_units: row.try_get("n")?,
        }))
    }

    /// Figures of the given indicators (all when `only` is empty) for a unit and period,
    /// from all entered data.
    pub async fn figures(
        &self,
        unit: &UnitSummary,
        period: &Period,
        only: &[String],
    ) -> Result<Vec<Figure>, StoreError> {
        self.figures_of(Sums::All, unit, period, only).await
    }

    /// Figures from all entered data, or from approved reports only.
    pub async fn figures_of(
        &self,
        sums: Sums,
        unit: &UnitSummary,
        period: &Period,
        only: &[String],
    ) -> Result<Vec<Figure>, StoreError> {
        let indicators = self.indicators().await?;
        let cells = self.sum_cells(sums, unit.id, &period.to_string()).await?;
        let levels = self.subtree_levels(unit.id, period.end()).await?;
        // The unit's own survey figures count among approved data once its report is.
        let own_counts = match sums {
            Sums::All => true,
            Sums::Approved => self.approved_count(unit, period, unit.level).await? > 0,
        };
        let own: HashMap<(String, Disaggregation), Decimal> = if own_counts {
            self.values(unit, period)
                .await?
                .into_iter()
                .filter_map(|v| Some(((v.element.clone(), v.disaggregation), v.number()?)))
                .collect()
        } else {
            HashMap::new()
        };
        let mut out = Vec::new();
        let mut approved: HashMap<UnitLevel, i64> = HashMap::new();
        for i in indicators.iter().filter(|i| only.is_empty() || only.contains(&i.code)) {
            let mut f = figure(i, &unit.code, unit.level, period, &cells, &own, &levels);
            f.data = sums.as_str();
            if let Some(level) = f.completeness.level {
                f.completeness.approved = match approved.get(&level) {
                    Some(n) => *n,
                    None => {
                        let n = self.approved_count(unit, period, level).await?;
                        approved.insert(level, n);
                        n
                    }
                };
            }
            out.push(f);
        }
        Ok(out)
    }

    /// The whole catalogue's assessment table for a unit and period.
    pub async fn assessment(&self, unit: &UnitSummary, period: &Period) -> Result<Vec<Assessment>, StoreError> {
        self.assessment_of(Sums::All, unit, period).await
    }

    /// The assessment table from all entered data, or from approved reports only.
    pub async fn assessment_of(
        &self,
        sums: Sums,
        unit: &UnitSummary,
        period: &Period,
    ) -> Result<Vec<Assessment>, StoreError> {
        let indicators = self.indicators().await?;
        let figures = self.figures_of(sums, unit, period, &[]).await?;
        let local = self.local_targets_for(unit).await?;
        let baselines = self.baselines(sums, unit, period).await?;
        let mut out = Vec::new();
        for (indicator, figure) in indicators.iter().zip(figures) {
            let milestone = assessment::milestone_for(period);
            let national = indicator.national_target(milestone);
            let local = local
                .iter()
                .filter(|l| {
                    l.indicator == indicator.code && l.phase.start() <= period.start() && period.end() <= l.phase.end()
                })
                .max_by_key(|l| l.level_rank);
            let target = match (local, national) {
                (Some(l), national) => Some(TargetUsed {
                    source: "local",
                    target: l.target,
                    applies_to: l.phase.to_string(),
                    set_by: Some(l.unit_code.clone()),
                    national,
                }),
                (None, Some(t)) => Some(TargetUsed {
                    source: "national",
                    target: t,
                    applies_to: milestone.to_string(),
                    set_by: None,
                    national: None,
                }),
                (None, None) => None,
            };
            let status = assessment::assess(indicator, figure.value, target.as_ref().map(|t| &t.target));
            let distance = figure
                .value
                .zip(target.as_ref())
                .map(|(v, t)| assessment::distance(indicator, v, &t.target));
            let baseline = baselines.get(&indicator.code).copied();
            let current = figure.value.map(|value| Observation {
                year: period.milestone_year(),
                value,
            });
            let progress_target = target.as_ref().map(|t| (milestone, &t.target));
            let progress = if indicator.measure == MeasureKind::Narrative {
                Progress::NotAssessable
            } else {
                assessment::progress(
                    indicator,
                    baseline.filter(|b| Some(b.year) != current.map(|c| c.year)),
                    current,
                    progress_target,
                )
            };
            out.push(Assessment {
                indicator: indicator.code.clone(),
                objective: indicator.objective,
                name_vi: indicator.name_vi.clone(),
                name_en: indicator.name_en.clone(),
                figure,
                status_vi: status.label_vi(),
                status,
                target,
                distance,
                baseline,
                progress_vi: progress.label_vi(),
                progress,
            });
        }
        Ok(out)
    }

    /// Each indicator's earliest value from 2021 on, for periods of the same type (the
    /// strategy's baseline when the first year has no data).
    async fn baselines(
        &self,
        sums: Sums,
        unit: &UnitSummary,
        period: &Period,
    ) -> Result<HashMap<String, Observation>, StoreError> {
        let mut out = HashMap::new();
        if !matches!(period.period_type(), PeriodType::Year | PeriodType::HalfYear) {
            return Ok(out);
        }
        let mut candidate = *period;
        let mut earlier = Vec::new();
        while candidate.milestone_year() > 2021 {
            candidate = candidate.previous();
            earlier.push(candidate);
        }
        for p in earlier.iter().rev() {
            for f in self.figures_of(sums, unit, p, &[]).await? {
                if let Some(value) = f.value {
                    out.entry(f.indicator).or_insert(Observation {
                        year: p.milestone_year(),
                        value,
                    });
                }
            }
        }
        Ok(out)
    }

    async fn local_targets_for(&self, unit: &UnitSummary) -> Result<Vec<ApplicableTarget>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.indicator_code, t.phase, t.op, t.value, u.code, u.level FROM local_targets t
             JOIN unit_ancestors a ON a.ancestor_id = t.unit_id JOIN units u ON u.id = t.unit_id
             WHERE a.unit_id = $1",
        )
        .bind(unit.id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let phase: String = r.try_get("phase")?;
                let level: String = r.try_get("level")?;
                let op: String = r.try_get("op")?;
                Ok(ApplicableTarget {
                    indicator: r.try_get("indicator_code")?,
                    phase: phase
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("phase `{phase}`")))?,
                    target: Target {
                        op: op.parse().map_err(|_| StoreError::Corrupt(format!("op `{op}`")))?,
                        value: text_to_decimal(&r.try_get::<String, _>("value")?)?,
                    },
                    unit_code: r.try_get("code")?,
                    // The most local target wins: a commune's over its province's.
                    level_rank: level.parse::<UnitLevel>().map(|l| l as u8).unwrap_or(0),
                })
            })
            .collect()
    }
}

struct ApplicableTarget {
    indicator: String,
    phase: Period,
    target: Target,
    unit_code: String,
    level_rank: u8,
}
