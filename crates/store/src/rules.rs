//! Validation rules in the database, and the validation of a unit's values (or of a whole
//! subtree's) for a period: the built-in rules the catalogue implies, the enabled configured
//! rules, and outliers against the unit's history and its siblings.
//!
//! Rules are read from the database on every validation, so a rule added or switched off
//! takes effect on the next call, without a restart. The rules themselves and the checks
//! live in [`binhdang_domain::rules`]; this module only reads what they need.

use crate::outliers::Children;
use crate::{FieldProblem, Store, StoreError, UnitSummary, date_to_text, text_to_decimal};
use binhdang_domain::Period;
use binhdang_domain::UnitCode;
use binhdang_domain::rules::{BuiltinRule, Cells, Expr, Finding, Rule, RuleDraft, RuleSet, Subject};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// How many earlier periods of the same type make up a unit's history for outliers.
pub const HISTORY_WINDOW: usize = 10;

const RULE_COLUMNS: &str =
    "code, name_vi, name_en, left_expr, operator, right_expr, severity, message_vi, message_en, enabled";

fn rule_from_row(row: &AnyRow) -> Result<Rule, StoreError> {
    let code: String = row.try_get("code")?;
    let corrupt = |what: &str, text: &str| StoreError::Corrupt(format!("validation rule {code}: {what} `{text}`"));
    let expr = |col: &str| -> Result<Expr, StoreError> {
        let text: String = row.try_get(col)?;
        Expr::parse(&text).map_err(|e| corrupt(col, &format!("{text}` ({e})")))
    };
    let operator: String = row.try_get("operator")?;
    let severity: String = row.try_get("severity")?;
    Ok(Rule {
        name_vi: row.try_get("name_vi")?,
        name_en: row.try_get("name_en")?,
        left: expr("left_expr")?,
        operator: operator.parse().map_err(|_| corrupt("operator", &operator))?,
        right: expr("right_expr")?,
        severity: severity.parse().map_err(|_| corrupt("severity", &severity))?,
        message_vi: row.try_get("message_vi")?,
        message_en: row.try_get("message_en")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        code,
    })
}

/// Which units' values a query reads: one unit, or every unit below (and including) one.
#[derive(Clone, Copy)]
pub(crate) enum Reach {
    Unit(i64),
    Subtree(i64),
}

impl Reach {
    /// A condition on `column` (a unit id) binding the id as `$1`.
    pub(crate) fn condition(&self, column: &str) -> String {
        match self {
            Reach::Unit(_) => format!("{column} = $1"),
            Reach::Subtree(_) => format!("{column} IN (SELECT unit_id FROM unit_ancestors WHERE ancestor_id = $1)"),
        }
    }

    pub(crate) fn id(&self) -> i64 {
        match self {
            Reach::Unit(id) | Reach::Subtree(id) => *id,
        }
    }
}

/// A unit to validate: id, code and parent.
pub(crate) struct UnitToValidate {
    pub(crate) id: i64,
    pub(crate) code: UnitCode,
    pub(crate) parent_id: Option<i64>,
}

impl Store {
    /// The configured rules, by code (enabled or not).
    pub async fn rules(&self) -> Result<Vec<Rule>, StoreError> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM validation_rules ORDER BY code");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(rule_from_row).collect()
    }

    /// One configured rule.
    pub async fn rule(&self, code: &str) -> Result<Option<Rule>, StoreError> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM validation_rules WHERE code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rule_from_row).transpose()
    }

    /// The rules the catalogue implies, as they stand now.
    pub async fn builtin_rules(&self) -> Result<Vec<BuiltinRule>, StoreError> {
        let indicators = self.indicators().await?;
        let elements = self.data_elements().await?;
        Ok(binhdang_domain::rules::builtin_rules(&indicators, &elements))
    }

    /// Checks a rule against the language and the catalogue and stores it. Every problem is
    /// returned (422-style, in both languages) and nothing is stored when any is found; a
    /// code already in use is refused too.
    pub async fn add_rule(&self, draft: &RuleDraft) -> Result<Rule, StoreError> {
        let elements = self.data_elements().await?;
        let rule = draft.check(&elements).map_err(|problems| {
            StoreError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldProblem::new(p.field, p.code, p.message_en, p.message_vi))
                    .collect(),
            )
        })?;
        let now = self.now_text();
        let inserted = sqlx::query(
            "INSERT INTO validation_rules (code, name_vi, name_en, left_expr, operator, right_expr, severity,
                message_vi, message_en, enabled, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (code) DO NOTHING",
        )
        .bind(&rule.code)
        .bind(&rule.name_vi)
        .bind(&rule.name_en)
        .bind(rule.left.to_string())
        .bind(rule.operator.as_str())
        .bind(rule.right.to_string())
        .bind(rule.severity.as_str())
        .bind(&rule.message_vi)
        .bind(&rule.message_en)
        .bind(i64::from(rule.enabled))
        .bind(&now)
        .execute(&self.writer)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "code",
                "duplicate_code",
                format!("a rule with code `{}` exists already", rule.code),
                format!("Đã có quy tắc mã `{}`", rule.code),
            )]));
        }
        Ok(rule)
    }

    /// Switches a configured rule on or off. Built-in rules follow the catalogue and are
    /// always on.
    pub async fn set_rule_enabled(&self, code: &str, enabled: bool) -> Result<Rule, StoreError> {
        if code.starts_with("builtin.") || code.starts_with("outlier.") {
            return Err(StoreError::Invalid(vec![FieldProblem::new(
                "code",
                "builtin_rule",
                format!("`{code}` is a built-in check; it follows the catalogue and cannot be switched off"),
                format!("`{code}` là kiểm tra có sẵn theo danh mục, không tắt được"),
            )]));
        }
        sqlx::query("UPDATE validation_rules SET enabled = $1, updated_at = $2 WHERE code = $3")
            .bind(i64::from(enabled))
            .bind(self.now_text())
            .bind(code)
            .execute(&self.writer)
            .await?;
        self.rule(code).await?.ok_or_else(|| StoreError::NotFound {
            what: "rule",
            key: code.to_string(),
        })
    }

    /// Every finding for a unit's values in a period: built-in rules, enabled configured
    /// rules (read from the database now), and outliers against the unit's last
    /// [`HISTORY_WINDOW`] periods of the same type and against its siblings.
    ///
    /// The siblings' values come from the store's cache, brought up to date with the writes
    /// since it was filled ([`crate::outliers`]), so a validation reads the unit's own values
    /// and not every sibling's.
    pub async fn validate(&self, unit: &UnitSummary, period: &Period) -> Result<Vec<Finding>, StoreError> {
        let row = sqlx::query(
            "SELECT u.parent_id, s.version FROM units u
             LEFT JOIN sibling_versions s ON s.parent_id = u.parent_id AND s.period = $2
             WHERE u.id = $1",
        )
        .bind(unit.id)
        .bind(period.to_string())
        .fetch_one(&self.pool)
        .await?;
        let target = UnitToValidate {
            id: unit.id,
            code: unit.code.clone(),
            parent_id: row.try_get("parent_id")?,
        };
        let mut children = HashMap::new();
        if let Some(parent) = target.parent_id {
            let version: Option<i64> = row.try_get("version")?;
            children.insert(parent, self.children(parent, period, version.unwrap_or(0)).await?);
        }
        self.validate_targets(&[target], period, Reach::Unit(unit.id), &children)
            .await
    }

    /// [`Store::validate`] for the unit and every unit below it, by unit code. The units
    /// are those valid on the period's last day, or on the unit's own last day when it
    /// ended within the period (a district validated for 2025 brings its communes of
    /// 30/06/2025).
    pub async fn validate_subtree(&self, unit: &UnitSummary, period: &Period) -> Result<Vec<Finding>, StoreError> {
        let targets = self.subtree_targets(unit, period).await?;
        let reach = Reach::Subtree(unit.id);
        // Most of the siblings are targets too: read them all at once rather than by parent.
        let children = self.children_by_scan(reach, period).await?;
        self.validate_targets(&targets, period, reach, &children).await
    }

    /// The units [`Store::validate_subtree`] validates, by code.
    pub(crate) async fn subtree_targets(
        &self,
        unit: &UnitSummary,
        period: &Period,
    ) -> Result<Vec<UnitToValidate>, StoreError> {
        let on = match unit.valid_to {
            Some(to) if to < period.end() => to,
            _ => period.end(),
        };
        let rows = sqlx::query(
            "SELECT u.id, u.code, u.parent_id FROM unit_ancestors a JOIN units u ON u.id = a.unit_id
             WHERE a.ancestor_id = $1
               AND (u.id = $1 OR ((u.valid_from IS NULL OR u.valid_from <= $2) AND (u.valid_to IS NULL OR u.valid_to >= $2)))
             ORDER BY u.code, u.id",
        )
        .bind(unit.id)
        .bind(date_to_text(on))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UnitToValidate {
                    id: r.try_get("id")?,
                    code: crate::parse(r, "code")?,
                    parent_id: r.try_get("parent_id")?,
                })
            })
            .collect()
    }

    /// The values for `period` of every unit that shares a parent with a unit in `reach`,
    /// by parent. The siblings are found first and their values read by primary key: a join
    /// on the period alone lets the planner scan every value of the period in the country.
    async fn children_by_scan(&self, reach: Reach, period: &Period) -> Result<HashMap<i64, Arc<Children>>, StoreError> {
        let sql = format!(
            "SELECT u.id, u.parent_id FROM units u
             WHERE u.parent_id IN (SELECT p.parent_id FROM units p WHERE {})",
            reach.condition("p.id")
        );
        let mut parent_of: HashMap<i64, i64> = HashMap::new();
        for row in sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(reach.id())
            .fetch_all(&self.pool)
            .await?
        {
            parent_of.insert(row.try_get("id")?, row.try_get("parent_id")?);
        }
        let mut by_parent: HashMap<i64, BTreeMap<i64, Cells>> = HashMap::new();
        let ids: Vec<i64> = parent_of.keys().copied().collect();
        for chunk in ids.chunks(500) {
            let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let sql = format!(
                "SELECT v.unit_id, v.element_code, v.disaggregation, v.number_value, v.comment
                 FROM data_values v WHERE v.unit_id IN ({list}) AND v.period = $1 AND v.number_value IS NOT NULL"
            );
            for row in sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(period.to_string())
                .fetch_all(&self.pool)
                .await?
            {
                let unit: i64 = row.try_get("unit_id")?;
                let parent = parent_of[&unit];
                add_cell(by_parent.entry(parent).or_default().entry(unit).or_default(), &row)?;
            }
        }
        Ok(by_parent
            .into_iter()
            .map(|(parent, units)| {
                (
                    parent,
                    Arc::new(Children::new(units.iter().map(|(id, data)| (*id, data)))),
                )
            })
            .collect())
    }

    /// The findings of `targets`, whose siblings' values `children` holds by parent.
    async fn validate_targets(
        &self,
        targets: &[UnitToValidate],
        period: &Period,
        reach: Reach,
        children: &HashMap<i64, Arc<Children>>,
    ) -> Result<Vec<Finding>, StoreError> {
        let catalogue = self.catalogue_on(&mut *self.pool.acquire().await?).await?;
        let rules = RuleSet::new(&catalogue.indicators, &catalogue.elements, self.rules().await?);
        let (periods, own) = self.own_values(reach, period).await?;

        let empty = Cells::new();
        let no_siblings: &[Cells] = &[];
        let mut findings = Vec::new();
        for target in targets {
            let mine = own.get(&target.id);
            let get = |p: &Period| mine.and_then(|m| m.get(p)).unwrap_or(&empty);
            let history: Vec<Cells> = periods[1..]
                .iter()
                .filter_map(|p| mine.and_then(|m| m.get(p)).cloned())
                .collect();
            let subject = Subject {
                unit: &target.code,
                period: *period,
                current: get(period),
                previous: get(&period.previous()),
                history: &history,
                siblings: no_siblings,
            };
            match target.parent_id.and_then(|p| children.get(&p)) {
                Some(children) => {
                    findings.extend(rules.validate_with_siblings(&subject, &children.siblings_of(target.id)))
                }
                None => findings.extend(rules.validate(&subject)),
            }
        }
        Ok(findings)
    }

    /// The period and up to [`HISTORY_WINDOW`] earlier periods of the same type, and the
    /// values of the units in `reach` for them, by unit and period.
    async fn own_values(
        &self,
        reach: Reach,
        period: &Period,
    ) -> Result<(Vec<Period>, HashMap<i64, BTreeMap<Period, Cells>>), StoreError> {
        let mut periods = vec![*period];
        let mut p = *period;
        for _ in 0..HISTORY_WINDOW {
            p = p.previous();
            if p.validate().is_err() {
                break;
            }
            periods.push(p);
        }
        let placeholders: Vec<String> = (0..periods.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT v.unit_id, v.period, v.element_code, v.disaggregation, v.number_value, v.comment
             FROM data_values v WHERE {} AND v.number_value IS NOT NULL AND v.period IN ({})",
            reach.condition("v.unit_id"),
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(reach.id());
        for p in &periods {
            query = query.bind(p.to_string());
        }
        let mut own: HashMap<i64, BTreeMap<Period, Cells>> = HashMap::new();
        for row in query.fetch_all(&self.pool).await? {
            let period_text: String = row.try_get("period")?;
            let p: Period = period_text
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("period `{period_text}`")))?;
            add_cell(
                own.entry(row.try_get("unit_id")?).or_default().entry(p).or_default(),
                &row,
            )?;
        }
        Ok((periods, own))
    }
}

pub(crate) fn add_cell(data: &mut Cells, row: &AnyRow) -> Result<(), StoreError> {
    let d: String = row.try_get("disaggregation")?;
    let d = d
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("disaggregation `{d}`")))?;
    let value = text_to_decimal(&row.try_get::<String, _>("number_value")?)?;
    data.insert(
        row.try_get::<String, _>("element_code")?,
        d,
        value,
        row.try_get("comment")?,
    );
    Ok(())
}
