//! Indicator figures for any unit and period, read from the live aggregates, and their
//! assessment against the target that applies.

use crate::{Store, StoreError, Sums, UnitSummary, date_to_text, text_to_decimal};
use binhdang_domain::IndicatorCode;
use binhdang_domain::assessment::{self, Observation, Progress, Status};
use binhdang_domain::figure::{Figure, PeriodData, figure_over, opt_decimal};
use binhdang_domain::rollup::AggregateCell;
use binhdang_domain::window::substitutes;
use binhdang_domain::{Disaggregation, MeasureKind, Period, PeriodType, Target, UnitLevel, Window};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::Row;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

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
    pub indicator: IndicatorCode,
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
            let level: UnitLevel = crate::parse(&r, "level")?;
            out.insert(level, r.try_get::<i64, _>("n")?);
        }
        self.cache.remember_subtree_levels(unit_id, date, out.clone());
        Ok(out)
    }

    /// Says whether `unit`'s figure for `period` is built through the 2025 mapping.
    pub async fn mapping_used(&self, unit: &UnitSummary, period: &Period) -> Result<Option<MappingUsed>, StoreError> {
        self.mapping_used_until(unit, period.end()).await
    }

    /// Says whether `unit`'s figure for a span ending on `end` is built through the 2025 mapping.
    pub async fn mapping_used_until(
        &self,
        unit: &UnitSummary,
        end: time::Date,
    ) -> Result<Option<MappingUsed>, StoreError> {
        let starts_later = unit.valid_from.is_some_and(|from| from > end);
        if !starts_later {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM unit_ancestors a JOIN units u ON u.id = a.unit_id
             WHERE a.ancestor_id = $1 AND u.valid_to IS NOT NULL AND u.valid_to < $2",
        )
        .bind(unit.id)
        .bind(date_to_text(unit.valid_from.unwrap_or(end)))
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
        only: &[IndicatorCode],
    ) -> Result<Vec<Figure>, StoreError> {
        self.figures_of(Sums::All, unit, period, only).await
    }

    /// Figures from all entered data, or from approved reports only.
    pub async fn figures_of(
        &self,
        sums: Sums,
        unit: &UnitSummary,
        period: &Period,
        only: &[IndicatorCode],
    ) -> Result<Vec<Figure>, StoreError> {
        self.figures_over(sums, unit, &Window::from(*period), only).await
    }

    /// Figures over a window — a period, a phase, a range of periods or dates — built from
    /// what was entered for the periods it is made of ([`figure_over`]).
    pub async fn figures_over(
        &self,
        sums: Sums,
        unit: &UnitSummary,
        window: &Window,
        only: &[IndicatorCode],
    ) -> Result<Vec<Figure>, StoreError> {
        let mut figures = self
            .figures_over_units(sums, std::slice::from_ref(unit), window, only)
            .await?;
        Ok(figures.pop().unwrap_or_default())
    }

    /// [`Store::figures_over`] of each of `units`, in their order, read with a few queries
    /// for all of them (a dashboard shows every unit below the one it is about).
    pub async fn figures_over_units(
        &self,
        sums: Sums,
        units: &[UnitSummary],
        window: &Window,
        only: &[IndicatorCode],
    ) -> Result<Vec<Vec<Figure>>, StoreError> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let indicators = self.indicators().await?;
        let mut periods: Vec<Period> = window.period().into_iter().collect();
        // A period other than a phase is read as entered (see `figure_over`): nothing else.
        let composed = !matches!(window.period(), Some(p) if !matches!(p, Period::Phase { .. }));
        for part in window.parts().into_iter().filter(|_| composed) {
            for p in std::iter::once(part).chain(substitutes(&part)) {
                if !periods.contains(&p) {
                    periods.push(p);
                }
            }
        }
        let mut approved: HashMap<Period, HashMap<(i64, UnitLevel), i64>> = HashMap::new();
        if sums == Sums::Approved {
            for p in &periods {
                approved.insert(*p, self.approved_counts(units, p).await?);
            }
        }
        let data = self.period_data(sums, units, &periods, &approved).await?;
        let none = HashMap::new();
        let mut stated: HashMap<Period, HashMap<(i64, String), i64>> = HashMap::new();
        let mut out = Vec::with_capacity(units.len());
        for unit in units {
            let unit_data = data.get(&unit.id).unwrap_or(&none);
            let levels = self.subtree_levels(unit.id, window.end()).await?;
            let mut figures = Vec::new();
            for i in indicators.iter().filter(|i| only.is_empty() || only.contains(&i.code)) {
                let mut f = figure_over(i, &unit.code, unit.level, window, unit_data, &levels);
                f.data = sums.as_str();
                // Approved reports of the period the figure was read from (the last, over time).
                let counted = match &f.over_time {
                    Some(how) => how.used.last().and_then(|p| p.parse::<Period>().ok()),
                    None => window.period(),
                };
                if let Some(period) = counted {
                    if let Entry::Vacant(e) = stated.entry(period) {
                        e.insert(self.stated_only_units(units, &period).await?);
                    }
                    f.completeness.stated_only = stated[&period]
                        .get(&(unit.id, i.code.to_string()))
                        .copied()
                        .unwrap_or(0);
                }
                if let (Some(level), Some(period)) = (f.completeness.level, counted) {
                    if let Entry::Vacant(e) = approved.entry(period) {
                        e.insert(self.approved_counts(units, &period).await?);
                    }
                    f.completeness.approved = approved[&period].get(&(unit.id, level)).copied().unwrap_or(0);
                }
                figures.push(f);
            }
            out.push(figures);
        }
        Ok(out)
    }

    /// For each of `units` and each level, the units at that level of its subtree whose
    /// report for `period` is approved.
    async fn approved_counts(
        &self,
        units: &[UnitSummary],
        period: &Period,
    ) -> Result<HashMap<(i64, UnitLevel), i64>, StoreError> {
        // Driven from the (few) approved submissions, not from the (many) units below:
        // SQLite keeps the order of a CROSS JOIN; PostgreSQL plans it as an inner join.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.ancestor_id, u.level, COUNT(DISTINCT s.unit_id) AS n
             FROM submissions s CROSS JOIN units u CROSS JOIN unit_ancestors a
             WHERE u.id = s.unit_id AND a.unit_id = s.unit_id
               AND s.period = $1 AND s.state = 'approved' AND a.ancestor_id IN ({})
             GROUP BY a.ancestor_id, u.level",
            crate::sql::id_list(units.iter().map(|u| u.id))
        )))
        .bind(period.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut out = HashMap::new();
        for r in rows {
            let level: UnitLevel = crate::parse(&r, "level")?;
            out.insert((r.try_get("ancestor_id")?, level), r.try_get("n")?);
        }
        Ok(out)
    }

    /// For each of `units` and each indicator, the units of its subtree that stated only a
    /// rate for `period`: a rate element with a value and no numerator or denominator of the
    /// same indicator.
    async fn stated_only_units(
        &self,
        units: &[UnitSummary],
        period: &Period,
    ) -> Result<HashMap<(i64, String), i64>, StoreError> {
        // The subtrees first, then their values by the primary key: in one statement the
        // planner, while its statistics do not know the period yet, may read every value of
        // the table to find the few of the subtrees.
        // Each unit below with the asked units it lies under.
        let subtrees = crate::rollup::ancestors_where(
            &self.pool,
            &format!("ancestor_id IN ({})", crate::sql::id_list(units.iter().map(|u| u.id))),
        )
        .await?;
        let mut out = HashMap::new();
        if subtrees.is_empty() {
            return Ok(out);
        }
        // Per unit below, the indicators it gave a rate for and those it gave parts of.
        let mut rates: HashMap<i64, (HashSet<String>, HashSet<String>)> = HashMap::new();
        for r in sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT v.unit_id, e.indicator_code, e.role FROM data_values v JOIN data_elements e ON e.code = v.element_code
             WHERE v.period = $1 AND v.unit_id IN ({}) AND e.role IN ('rate', 'numerator', 'denominator')",
            crate::sql::id_list(subtrees.keys().copied())
        )))
        .bind(period.to_string())
        .fetch_all(&self.pool)
        .await?
        {
            let (rate, parts) = rates.entry(r.try_get("unit_id")?).or_default();
            let indicator: String = r.try_get("indicator_code")?;
            match r.try_get::<String, _>("role")?.as_str() {
                "rate" => rate.insert(indicator),
                _ => parts.insert(indicator),
            };
        }
        for (unit, (rate, parts)) in &rates {
            for indicator in rate.difference(parts) {
                for ancestor in subtrees.get(unit).into_iter().flatten() {
                    *out.entry((*ancestor, indicator.clone())).or_insert(0) += 1;
                }
            }
        }
        Ok(out)
    }

    /// Each unit's cells and own values for each of `periods` (own values of a period count
    /// among approved data once the unit's own report is approved: `approved` holds the
    /// counts of every period when `sums` is [`Sums::Approved`]).
    async fn period_data(
        &self,
        sums: Sums,
        units: &[UnitSummary],
        periods: &[Period],
        approved: &HashMap<Period, HashMap<(i64, UnitLevel), i64>>,
    ) -> Result<HashMap<i64, HashMap<Period, PeriodData>>, StoreError> {
        let mut out: HashMap<i64, HashMap<Period, PeriodData>> = HashMap::new();
        if periods.is_empty() {
            return Ok(out);
        }
        let by_id: HashMap<String, Period> = periods.iter().map(|p| (p.to_string(), *p)).collect();
        let list = (0..periods.len())
            .map(|i| format!("${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let ids = crate::sql::id_list(units.iter().map(|u| u.id));
        let period_of = |r: &sqlx::any::AnyRow| -> Result<Period, StoreError> {
            let id: String = r.try_get("period")?;
            by_id
                .get(&id)
                .copied()
                .ok_or_else(|| StoreError::Corrupt(format!("period `{id}`")))
        };
        let disaggregation = |r: &sqlx::any::AnyRow| -> Result<Disaggregation, StoreError> {
            let d: String = r.try_get("disaggregation")?;
            d.parse()
                .map_err(|_| StoreError::Corrupt(format!("disaggregation `{d}`")))
        };
        let sql = format!(
            "SELECT unit_id, period, element_code, disaggregation, value, reporting FROM {}
             WHERE unit_id IN ({ids}) AND period IN ({list})",
            sums.table()
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in periods {
            q = q.bind(p.to_string());
        }
        for r in q.fetch_all(&self.pool).await? {
            let unit: i64 = r.try_get("unit_id")?;
            out.entry(unit)
                .or_default()
                .entry(period_of(&r)?)
                .or_default()
                .cells
                .insert(
                    (r.try_get("element_code")?, disaggregation(&r)?),
                    AggregateCell {
                        sum: text_to_decimal(&r.try_get::<String, _>("value")?)?,
                        reporting: r.try_get("reporting")?,
                    },
                );
        }
        // The unit's own (survey, stated) values count among approved data once its report is.
        let levels: HashMap<i64, UnitLevel> = units.iter().map(|u| (u.id, u.level)).collect();
        let counts = |unit: i64, period: &Period| {
            sums == Sums::All
                || approved
                    .get(period)
                    .and_then(|by_unit| by_unit.get(&(unit, levels[&unit])))
                    .is_some_and(|n| *n > 0)
        };
        let sql = format!(
            "SELECT unit_id, period, element_code, disaggregation, number_value FROM data_values
             WHERE unit_id IN ({ids}) AND number_value IS NOT NULL AND period IN ({list})"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in periods {
            q = q.bind(p.to_string());
        }
        for r in q.fetch_all(&self.pool).await? {
            let unit: i64 = r.try_get("unit_id")?;
            let period = period_of(&r)?;
            if !counts(unit, &period) {
                continue;
            }
            let value: String = r.try_get("number_value")?;
            out.entry(unit).or_default().entry(period).or_default().own.insert(
                (r.try_get("element_code")?, disaggregation(&r)?),
                text_to_decimal(&value)?,
            );
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
        self.assessment_over(sums, unit, &Window::from(*period)).await
    }

    /// The assessment table over a window (a period, a phase, a range, dates).
    pub async fn assessment_over(
        &self,
        sums: Sums,
        unit: &UnitSummary,
        window: &Window,
    ) -> Result<Vec<Assessment>, StoreError> {
        let indicators = self.indicators().await?;
        let figures = self.figures_over(sums, unit, window, &[]).await?;
        let local = self.local_targets_for(unit).await?;
        let baselines = self.baselines(sums, unit, window).await?;
        let mut out = Vec::new();
        for (indicator, figure) in indicators.iter().zip(figures) {
            let milestone = assessment::milestone_for(&Period::Year(window.milestone_year()));
            let national = indicator.national_target(milestone);
            let local = local
                .iter()
                .filter(|l| {
                    l.indicator == indicator.code && l.phase.start() <= window.start() && window.end() <= l.phase.end()
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
                year: window.milestone_year(),
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
    /// strategy's baseline when the first year has no data); over a phase or a range, the
    /// earliest yearly value from the year before it starts (2020 for 2021-2025).
    async fn baselines(
        &self,
        sums: Sums,
        unit: &UnitSummary,
        window: &Window,
    ) -> Result<HashMap<IndicatorCode, Observation>, StoreError> {
        let mut out = HashMap::new();
        let period = match window.period() {
            Some(p) if matches!(p.period_type(), PeriodType::Year | PeriodType::HalfYear) => p,
            Some(p) if p.period_type() != PeriodType::Phase => return Ok(out),
            _ => {
                for year in window.start().year() - 1..window.end().year() {
                    for f in self.figures_of(sums, unit, &Period::Year(year), &[]).await? {
                        if let Some(value) = f.value {
                            out.entry(f.indicator).or_insert(Observation { year, value });
                        }
                    }
                }
                return Ok(out);
            }
        };
        let mut candidate = period;
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

    /// The local targets that apply to `unit` for exactly `phase`, by indicator: the most
    /// local one set (the unit's own, else the nearest unit's above it), with who set it.
    pub async fn local_targets_set(
        &self,
        unit: &UnitSummary,
        phase: &Period,
    ) -> Result<Vec<(String, Target, String)>, StoreError> {
        let mut best: HashMap<String, ApplicableTarget> = HashMap::new();
        for t in self
            .local_targets_for(unit)
            .await?
            .into_iter()
            .filter(|t| t.phase == *phase)
        {
            if best.get(&t.indicator).is_none_or(|b| b.level_rank < t.level_rank) {
                best.insert(t.indicator.clone(), t);
            }
        }
        Ok(best
            .into_values()
            .map(|t| (t.indicator, t.target, t.unit_code))
            .collect())
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
