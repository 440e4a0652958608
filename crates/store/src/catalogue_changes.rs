//! An open catalogue: administrators add indicators beyond Resolution 28 (a programme's, a
//! province's own) in the shape of the shipped `indicators.csv`, one or many at a time, and
//! remove one they added that holds no data. The shipped indicators cannot be removed. Every
//! change raises the catalogue's version (triggers) and is audited with the whole row, so
//! entry forms, validation, roll-up, assessment and reports follow it without code changes.

use crate::access::{AuditEntry, audit_in};
use crate::lists::{problem_at, read_rows};
use crate::{Actor, FieldProblem, Store, StoreError};
use binhdang_domain::IndicatorCode;
use binhdang_domain::{CatalogueError, DataElement, Indicator, IndicatorRecord, Objective};
use sqlx::Row;
use std::collections::HashSet;

/// Most indicators one list may add.
pub const MAX_INDICATORS: usize = 500;

/// The columns of a list of indicators: the shipped catalogue's, then the optional ones.
pub const INDICATOR_COLUMNS: &str = "code,objective,objective_vi,name_vi,name_en,measure,factor,direction,\
target_2025_op,target_2025,target_2030_op,target_2030,numerator_vi,denominator_vi,aggregation,lowest_level,\
agency_example,confidence[,objective_en,sex_disaggregated,ethnicity_disaggregated,age_disaggregated,time_aggregation]";

/// Reads a list of indicators (CSV or tab-separated, heading as `indicators.csv`).
pub fn parse_indicator_list(text: &str) -> Result<Vec<IndicatorRecord>, StoreError> {
    read_rows(text, INDICATOR_COLUMNS)
}

/// An indicator checked and ready to write, with its elements and, when its row opens one,
/// a new objective (a programme).
struct Checked {
    indicator: Indicator,
    elements: Vec<DataElement>,
    new_objective: Option<Objective>,
}

/// Letters, digits and `.`, `-`, `_`, starting with a letter or digit, at most 20: element
/// codes (`7.1.num`) and exchange files are built from it.
/// The column a catalogue error is about, for naming it to the user.
fn column_of(e: &CatalogueError) -> &'static str {
    match e {
        CatalogueError::Unknown(what, _) => match *what {
            "time aggregation" => "time_aggregation",
            "level" => "lowest_level",
            "element role" => "sex_disaggregated/ethnicity_disaggregated/age_disaggregated",
            "target" | "target operator" => "target_2025/target_2030",
            "factor" => "factor",
            "measure" => "measure",
            "direction" => "direction",
            "aggregation" => "aggregation",
            _ => "row",
        },
        CatalogueError::FactorMismatch { .. } => "factor",
        CatalogueError::CannotBreakDown { column, .. } | CatalogueError::TwoBreakdowns { column, .. } => column,
        CatalogueError::InRow(_, inner) => column_of(inner),
        CatalogueError::Code(_) => "code",
    }
}

/// The country's unit, under which the catalogue's changes are audited (a national matter,
/// read with `GET /audit?unit=VN`).
async fn country_id(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query("SELECT id FROM units WHERE code = 'VN'")
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?)
}

impl Store {
    /// Adds the indicators of a list, all or none. A row is refused for a malformed code, a
    /// code the catalogue (or the list) has already, an unreadable measure, factor, direction,
    /// aggregation, level, target or breakdown, a target the measure cannot have, or a new
    /// objective number without a name. Answers the codes added.
    pub async fn add_indicators(
        &self,
        rows: &[IndicatorRecord],
        actor: &Actor,
    ) -> Result<Vec<IndicatorCode>, StoreError> {
        if rows.is_empty() || rows.len() > MAX_INDICATORS {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "file",
                "bad_size",
                format!(
                    "the list must hold 1 to {MAX_INDICATORS} indicators, not {}",
                    rows.len()
                ),
                format!(
                    "Danh sách phải có từ 1 đến {MAX_INDICATORS} chỉ tiêu, không phải {}",
                    rows.len()
                ),
            )]));
        }
        let existing: HashSet<IndicatorCode> = self.indicators().await?.into_iter().map(|i| i.code).collect();
        let mut objectives = self.objectives().await?;
        let mut seen = HashSet::new();
        let mut problems = Vec::new();
        let mut checked = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let n = i + 1;
            let at = |column: &str, what: &str, en: String, vi: String| problem_at(n, column, what, en, vi);
            let code = match IndicatorCode::parse(&row.code) {
                Ok(code) => code,
                Err(e) => {
                    problems.push(at("code", "bad_code", e.to_string(), e.message_vi()));
                    continue;
                }
            };
            if existing.contains(&code) || !seen.insert(code.clone()) {
                problems.push(at(
                    "code",
                    "code_taken",
                    format!("the catalogue has an indicator {code} already"),
                    format!("Danh mục đã có chỉ tiêu {code}"),
                ));
                continue;
            }
            match self.check_indicator_row(row, &objectives) {
                Ok(c) => {
                    if let Some(o) = &c.new_objective {
                        objectives.push(o.clone());
                    }
                    checked.push(c);
                }
                Err(mut row_problems) => {
                    for p in &mut row_problems {
                        let column = p.field.clone();
                        *p = problem_at(n, &column, &p.code, p.message_en.clone(), p.message_vi.clone());
                    }
                    problems.extend(row_problems);
                }
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        self.write_new_indicators(&checked, actor).await?;
        Ok(checked.into_iter().map(|c| c.indicator.code).collect())
    }

    /// One row's own checks (problems named by column, not yet by row).
    fn check_indicator_row(
        &self,
        row: &IndicatorRecord,
        objectives: &[Objective],
    ) -> Result<Checked, Vec<FieldProblem>> {
        let wrong = |e: CatalogueError| {
            vec![FieldProblem::new(
                column_of(&e),
                "bad_value",
                e.to_string(),
                e.message_vi(),
            )]
        };
        let mut indicator = row.parse().map_err(wrong)?;
        let breakdowns = row.breakdowns(indicator.measure).map_err(wrong)?;
        let mut problems = Vec::new();
        for field in [&row.name_vi, &row.name_en] {
            if field.trim().is_empty() {
                problems.push(FieldProblem::new(
                    if std::ptr::eq(field, &row.name_vi) {
                        "name_vi"
                    } else {
                        "name_en"
                    },
                    "name_missing",
                    "an indicator needs its name in Vietnamese and in English".into(),
                    "Chỉ tiêu cần có tên tiếng Việt và tiếng Anh".into(),
                ));
            }
        }
        for t in &indicator.national_targets {
            for mut p in crate::catalogue::target_problems(&indicator, &t.target) {
                p.field = format!("target_{}", t.year);
                problems.push(p);
            }
        }
        let new_objective = if objectives.iter().any(|o| o.number == indicator.objective) {
            None
        } else if row.objective_vi.trim().is_empty() || indicator.objective == 0 {
            problems.push(FieldProblem::new(
                "objective_vi",
                "objective_unnamed",
                format!(
                    "objective {} does not exist: name it (objective_vi, objective_en) to open it",
                    indicator.objective
                ),
                format!(
                    "Chưa có mục tiêu {}: ghi tên (objective_vi, objective_en) để mở mục tiêu mới",
                    indicator.objective
                ),
            ));
            None
        } else {
            let name_en = row.objective_en.trim();
            Some(Objective {
                number: indicator.objective,
                name_vi: row.objective_vi.trim().to_string(),
                name_en: if name_en.is_empty() {
                    row.objective_vi.trim()
                } else {
                    name_en
                }
                .to_string(),
            })
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        if row.time_aggregation.trim().is_empty() {
            indicator.time_aggregation_reason_en = "not stated when the indicator was added".into();
            indicator.time_aggregation_reason_vi = "không nêu khi thêm chỉ tiêu".into();
        }
        let elements = indicator.data_elements_by(&breakdowns);
        Ok(Checked {
            indicator,
            elements,
            new_objective,
        })
    }

    /// Writes checked indicators after the catalogue's last ones, in one transaction, one
    /// audit entry each.
    async fn write_new_indicators(&self, checked: &[Checked], actor: &Actor) -> Result<(), StoreError> {
        let now = self.now_text();
        let mut tx = self.begin_write().await?;
        let mut indicator_order: i64 = sqlx::query("SELECT COALESCE(MAX(sort_order), -1) + 1 AS next FROM indicators")
            .fetch_one(&mut *tx)
            .await?
            .try_get("next")?;
        let mut element_order: i64 = sqlx::query("SELECT COALESCE(MAX(sort_order), -1) + 1 AS next FROM data_elements")
            .fetch_one(&mut *tx)
            .await?
            .try_get("next")?;
        let country = country_id(&mut tx).await?;
        for c in checked {
            if let Some(o) = &c.new_objective {
                sqlx::query("INSERT INTO objectives (number, name_vi, name_en) VALUES ($1, $2, $3)")
                    .bind(i64::from(o.number))
                    .bind(&o.name_vi)
                    .bind(&o.name_en)
                    .execute(&mut *tx)
                    .await?;
            }
            crate::catalogue::insert_indicator(&mut tx, &c.indicator, indicator_order).await?;
            indicator_order += 1;
            for e in &c.elements {
                crate::catalogue::insert_element(&mut tx, e, element_order).await?;
                element_order += 1;
            }
            let entry = AuditEntry {
                actor: &actor.name,
                origin: &actor.origin,
                action: "indicator.create",
                unit_id: country,
                period: None,
                subject: &c.indicator.code,
                old_value: None,
                new_value: Some(serde_json::json!({
                    "indicator": c.indicator,
                    "data_elements": c.elements,
                    "new_objective": c.new_objective,
                })),
                reason: None,
            };
            audit_in(&mut tx, &entry, &now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes an indicator an administrator added, with its targets and elements, when no
    /// value has been entered for it. The shipped catalogue's indicators stay.
    pub async fn remove_indicator(&self, code: &str, actor: &Actor) -> Result<(), StoreError> {
        let detail = self.indicator_detail(code).await?;
        let shipped = binhdang_domain::shipped::catalogue().map_err(|e| StoreError::Config(e.to_string()))?;
        let refuse = |what: &str, en: String, vi: String| {
            Err(StoreError::Invalid(vec![FieldProblem::new("code", what, en, vi)]))
        };
        if shipped.indicators.iter().any(|i| i.code == code) {
            return refuse(
                "shipped_indicator",
                format!("indicator {code} is part of the national catalogue and cannot be removed"),
                format!("Chỉ tiêu {code} thuộc danh mục quốc gia, không xoá được"),
            );
        }
        let mut tx = self.begin_write().await?;
        let values: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM data_values v JOIN data_elements e ON e.code = v.element_code
             WHERE e.indicator_code = $1",
        )
        .bind(code)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if values > 0 {
            return refuse(
                "has_values",
                format!("indicator {code} holds {values} entered values; it can no longer be removed"),
                format!("Chỉ tiêu {code} đã có {values} số liệu được nhập, không xoá được nữa"),
            );
        }
        for sql in [
            "DELETE FROM agency_indicators WHERE indicator_code = $1",
            "DELETE FROM local_targets WHERE indicator_code = $1",
            "DELETE FROM national_targets WHERE indicator_code = $1",
            "DELETE FROM aggregates WHERE element_code IN (SELECT code FROM data_elements WHERE indicator_code = $1)",
            "DELETE FROM data_elements WHERE indicator_code = $1",
            "DELETE FROM indicators WHERE code = $1",
        ] {
            sqlx::query(sql).bind(code).execute(&mut *tx).await?;
        }
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action: "indicator.remove",
            unit_id: country_id(&mut tx).await?,
            period: None,
            subject: code,
            old_value: Some(serde_json::json!({
                "indicator": detail.indicator,
                "data_elements": detail.data_elements,
            })),
            new_value: None,
            reason: None,
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What an administrator may change of an indicator: its wording and who answers for it, on
/// any indicator (the 2025 reform renamed and merged the bodies the catalogue names); its
/// national targets only on an indicator that was added (the shipped ones are Resolution 28's).
/// `None` leaves a field as it is.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct IndicatorChange {
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    pub numerator_vi: Option<String>,
    pub denominator_vi: Option<String>,
    pub responsible_agency: Option<String>,
    pub target_2025_op: Option<String>,
    pub target_2025: Option<String>,
    pub target_2030_op: Option<String>,
    pub target_2030: Option<String>,
}

impl Store {
    /// Changes an indicator as `change` says, audited with the old and the new indicator.
    pub async fn update_indicator(
        &self,
        code: &str,
        change: &IndicatorChange,
        actor: &Actor,
    ) -> Result<Indicator, StoreError> {
        let old = self.indicator_detail(code).await?.indicator;
        let shipped = binhdang_domain::shipped::catalogue().map_err(|e| StoreError::Config(e.to_string()))?;
        let is_shipped = shipped.indicators.iter().any(|i| i.code == code);
        let problem = |field: &str, what: &str, en: String, vi: String| FieldProblem::new(field, what, en, vi);
        let mut problems = Vec::new();
        let mut new = old.clone();
        for (field, value, slot) in [
            ("name_vi", &change.name_vi, &mut new.name_vi),
            ("name_en", &change.name_en, &mut new.name_en),
            (
                "responsible_agency",
                &change.responsible_agency,
                &mut new.responsible_agency,
            ),
        ] {
            if let Some(v) = value {
                if v.trim().is_empty() && field != "responsible_agency" {
                    problems.push(problem(
                        field,
                        "name_missing",
                        "a name cannot be empty".into(),
                        "Tên không được để trống".into(),
                    ));
                }
                *slot = v.trim().to_string();
            }
        }
        let optional = |v: &Option<String>, old: &Option<String>| match v {
            Some(v) if v.trim().is_empty() => None,
            Some(v) => Some(v.trim().to_string()),
            None => old.clone(),
        };
        new.numerator_vi = optional(&change.numerator_vi, &old.numerator_vi);
        new.denominator_vi = optional(&change.denominator_vi, &old.denominator_vi);
        let targets = [
            (2025, &change.target_2025_op, &change.target_2025),
            (2030, &change.target_2030_op, &change.target_2030),
        ];
        for (year, op, value) in targets {
            if op.is_none() && value.is_none() {
                continue;
            }
            let field = format!("target_{year}");
            if is_shipped {
                problems.push(problem(
                    &field,
                    "shipped_target",
                    format!("the national targets of {code} are Resolution 28's; set a local target instead"),
                    format!("Mục tiêu quốc gia của chỉ tiêu {code} do Nghị quyết 28 quy định; hãy đặt chỉ tiêu của địa phương"),
                ));
                continue;
            }
            new.national_targets.retain(|t| t.year != year);
            let (op, value) = (
                op.as_deref().unwrap_or("").trim(),
                value.as_deref().unwrap_or("").trim(),
            );
            if op.is_empty() && value.is_empty() {
                continue;
            }
            let record = IndicatorRecord {
                code: code.into(),
                measure: new.measure.as_str().into(),
                factor: new.factor.to_string(),
                direction: new.direction.as_str().into(),
                aggregation: new.aggregation.as_str().into(),
                lowest_level: new.lowest_level.as_str().into(),
                target_2025_op: op.into(),
                target_2025: value.into(),
                ..IndicatorRecord::default()
            };
            match record.parse() {
                Ok(parsed) => {
                    let target = parsed.national_targets[0].target;
                    for mut p in crate::catalogue::target_problems(&new, &target) {
                        p.field = field.clone();
                        problems.push(p);
                    }
                    new.national_targets
                        .push(binhdang_domain::NationalTarget { year, target });
                }
                Err(e) => problems.push(problem(&field, "bad_value", e.to_string(), e.message_vi())),
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        new.national_targets.sort_by_key(|t| t.year);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE indicators SET name_vi = $1, name_en = $2, numerator_vi = $3, denominator_vi = $4,
                responsible_agency = $5 WHERE code = $6",
        )
        .bind(&new.name_vi)
        .bind(&new.name_en)
        .bind(new.numerator_vi.clone())
        .bind(new.denominator_vi.clone())
        .bind(&new.responsible_agency)
        .bind(code)
        .execute(&mut *tx)
        .await?;
        // The entry form's boxes are named from the indicator's wording.
        for e in new.data_elements(&[]) {
            sqlx::query("UPDATE data_elements SET name_vi = $1, name_en = $2 WHERE code = $3")
                .bind(&e.name_vi)
                .bind(&e.name_en)
                .bind(e.code.as_str())
                .execute(&mut *tx)
                .await?;
        }
        if new.national_targets != old.national_targets {
            sqlx::query("DELETE FROM national_targets WHERE indicator_code = $1")
                .bind(code)
                .execute(&mut *tx)
                .await?;
            for t in &new.national_targets {
                sqlx::query("INSERT INTO national_targets (indicator_code, year, op, value) VALUES ($1, $2, $3, $4)")
                    .bind(code)
                    .bind(i64::from(t.year))
                    .bind(t.target.op.as_str())
                    .bind(t.target.value.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let entry = AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action: "indicator.update",
            unit_id: country_id(&mut tx).await?,
            period: None,
            subject: code,
            old_value: Some(serde_json::json!(old)),
            new_value: Some(serde_json::json!(new)),
            reason: None,
        };
        audit_in(&mut tx, &entry, &self.now_text()).await?;
        tx.commit().await?;
        Ok(new)
    }
}
