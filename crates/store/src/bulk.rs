//! Bulk loading of numeric data values, and the synthetic national dataset that the
//! benchmark (`binhdang bench`) loads with it.
//!
//! A bulk load is **not** the write path of the system: it writes `data_values` in large
//! multi-row `INSERT` statements, one transaction per call, and writes **no audit rows**
//! and **no aggregates**. It is meant for loading a fresh (or synthetic) dataset in one go,
//! after which [`Store::rebuild_aggregates`] recomputes the live sums. Each value is still
//! checked against the catalogue (element, type, breakdown) and its unit against the
//! period, so a bulk-loaded database is one the normal write path could have produced.
//! Every value entered by an officer goes through [`Store::write_values`], unchanged.

use crate::sql::{bigger_sqlite_cache, placeholders, restore_sqlite_cache};
use crate::{FieldProblem, Store, StoreError};
use binhdang_domain::ElementCode;
use binhdang_domain::IndicatorCode;
use binhdang_domain::{
    CategoryCombo, DataElement, Disaggregation, ElementRole, Entry, Period, UnitLevel, ValueType, check_entry,
};
use rust_decimal::Decimal;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::Date;

/// One numeric value to load.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkValue {
    pub unit_id: i64,
    pub period: Period,
    pub element: ElementCode,
    pub disaggregation: Disaggregation,
    pub value: Decimal,
}

/// Rows per `INSERT` statement (7 parameters each, well under both engines' limits).
const ROWS_PER_STATEMENT: usize = 1000;

/// Loads values in bulk; knows the catalogue and the units' validity, read once.
pub struct BulkLoader<'a> {
    store: &'a Store,
    elements: HashMap<ElementCode, DataElement>,
    validity: HashMap<i64, (Option<Date>, Option<Date>)>,
    parents: HashMap<i64, i64>,
    updated_by: String,
}

impl Store {
    /// A loader for bulk inserts of numeric values (see the module documentation: no audit
    /// rows, no aggregates; call [`Store::rebuild_aggregates`] afterwards).
    pub async fn bulk_loader(&self, updated_by: &str) -> Result<BulkLoader<'_>, StoreError> {
        let elements = self
            .data_elements()
            .await?
            .into_iter()
            .map(|e| (e.code.clone(), e))
            .collect();
        let mut validity = HashMap::new();
        let mut parents = HashMap::new();
        for r in sqlx::query("SELECT id, parent_id, valid_from, valid_to FROM units")
            .fetch_all(&self.pool)
            .await?
        {
            let from: Option<String> = r.try_get("valid_from")?;
            let to: Option<String> = r.try_get("valid_to")?;
            if let Some(parent) = r.try_get::<Option<i64>, _>("parent_id")? {
                parents.insert(r.try_get::<i64, _>("id")?, parent);
            }
            validity.insert(
                r.try_get::<i64, _>("id")?,
                (
                    from.as_deref().map(crate::text_to_date).transpose()?,
                    to.as_deref().map(crate::text_to_date).transpose()?,
                ),
            );
        }
        Ok(BulkLoader {
            store: self,
            elements,
            validity,
            parents,
            updated_by: updated_by.to_string(),
        })
    }
}

impl BulkLoader<'_> {
    /// Checks and inserts `values` in one transaction (replacing any value stored under the
    /// same key). Nothing is written when any value is refused. Returns the rows written.
    /// The versions of the outlier test's lists under the parents it touches are bumped in the
    /// same transaction, so that every server process reads those lists again.
    pub async fn insert(&self, values: &[BulkValue]) -> Result<usize, StoreError> {
        let mut rows = Vec::with_capacity(values.len());
        let mut problems = Vec::new();
        for (i, v) in values.iter().enumerate() {
            match self.check(v) {
                Ok(text) => rows.push((v, text)),
                Err(p) => problems.push(FieldProblem {
                    field: format!("values[{i}]"),
                    ..p
                }),
            }
            if problems.len() >= 20 {
                break;
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let store = self.store;
        let mut tx = store.begin_write().await?;
        let previous_cache = bigger_sqlite_cache(store.backend, &mut tx).await?;
        let now = store.now_text();
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut sql = String::from(
                "INSERT INTO data_values (unit_id, period, element_code, disaggregation, number_value, updated_at, updated_by) VALUES ",
            );
            sql.push_str(&placeholders(store.backend, chunk.len(), 7));
            sql.push_str(
                " ON CONFLICT (unit_id, period, element_code, disaggregation) DO UPDATE SET
                  number_value = excluded.number_value, text_value = NULL, comment = NULL,
                  updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (v, text) in chunk {
                q = q
                    .bind(v.unit_id)
                    .bind(v.period.to_string())
                    .bind(v.element.as_str())
                    .bind(v.disaggregation.as_str())
                    .bind(text.clone())
                    .bind(now.clone())
                    .bind(self.updated_by.clone());
            }
            q.execute(&mut *tx).await?;
        }
        // The siblings' values of the outlier test changed under these parents.
        let touched: BTreeSet<(i64, Period)> = rows
            .iter()
            .filter_map(|(v, _)| Some((*self.parents.get(&v.unit_id)?, v.period)))
            .collect();
        crate::outliers::note_bulk_write(&mut tx, &touched).await?;
        restore_sqlite_cache(store.backend, &mut tx, previous_cache).await?;
        tx.commit().await?;
        Ok(rows.len())
    }

    /// The stored text of a value, or why it cannot be stored.
    fn check(&self, v: &BulkValue) -> Result<String, FieldProblem> {
        let Some(element) = self.elements.get(&v.element) else {
            return Err(FieldProblem::new(
                "element",
                "unknown_element",
                format!("there is no data element `{}` in the catalogue", v.element),
                format!("Không có chỉ tiêu dữ liệu `{}` trong danh mục", v.element),
            ));
        };
        let entry = check_entry(element, v.disaggregation, Entry::Number(v.value)).map_err(|p| {
            FieldProblem::new(
                "value",
                p.code(),
                format!("{} ({}): {}", element.code, v.disaggregation, p.message_en(element)),
                p.message_vi(element),
            )
        })?;
        let (from, to) = self.validity.get(&v.unit_id).copied().ok_or_else(|| {
            FieldProblem::new(
                "unit",
                "unknown_unit",
                format!("there is no unit with id {}", v.unit_id),
                format!("Không có đơn vị mã số {}", v.unit_id),
            )
        })?;
        let existed = from.is_none_or(|f| f <= v.period.end()) && to.is_none_or(|t| t >= v.period.start());
        if !existed {
            return Err(FieldProblem::new(
                "unit",
                "unit_not_valid_in_period",
                format!("unit {} did not exist during {}", v.unit_id, v.period),
                format!("Đơn vị {} không tồn tại trong kỳ {}", v.unit_id, v.period.label_vi()),
            ));
        }
        match entry {
            Entry::Number(d) => Ok(d.to_string()),
            Entry::Text(t) => Ok(t),
        }
    }
}

/// The half-years and years of 2021–2030 in which a unit valid from `from` to `to` exists
/// on the period's last day, in time order (`2021H1`, `2021`, `2022H1`, …).
pub fn reporting_periods(from: Option<Date>, to: Option<Date>) -> Vec<Period> {
    let mut out = Vec::new();
    for year in 2021..=2030 {
        for p in [Period::HalfYear { year, half: 1 }, Period::Year(year)] {
            let end = p.end();
            if from.is_none_or(|f| f <= end) && to.is_none_or(|t| t >= end) {
                out.push(p);
            }
        }
    }
    out
}

/// How an indicator's synthetic commune values look: the denominator's range for a
/// pre-reform commune, the numerator as a share of it (percent), whether the denominator
/// grows with the commune (a post-reform commune is about three old ones) and whether it is
/// a flow that halves in a half-year.
struct Shape {
    den: (i64, i64),
    share: (f64, f64),
    scales: bool,
    flow: bool,
}

fn shape(indicator: &str) -> Shape {
    let s = |den, share, scales, flow| Shape {
        den,
        share,
        scales,
        flow,
    };
    match indicator {
        // HĐND and UBND of the commune; how many have a woman among their key leaders.
        "1.1" => s((2, 2), (30.0, 80.0), false, false),
        "2.1" => s((1_500, 3_000), (24.0, 32.0), true, false),
        "2.2" => s((1_500, 3_000), (58.0, 70.0), true, false),
        "2.3" => s((5, 40), (17.0, 30.0), true, false),
        "3.2a" => s((0, 4), (70.0, 100.0), true, true),
        "3.2b" => s((0, 3), (40.0, 90.0), true, true),
        "3.3" => s((0, 1), (90.0, 100.0), false, true),
        "3.4" => s((0, 1), (50.0, 100.0), false, false),
        // Girls born alive; boys per 100 girls.
        "4.1" => s((25, 70), (103.0, 118.0), true, true),
        // Live births; maternal deaths are rare.
        "4.2" => s((50, 140), (0.0, 0.2), true, true),
        // Women aged 15–19; births to them.
        "4.3" => s((150, 450), (1.5, 4.0), true, true),
        "4.4" => s((1, 1), (0.0, 100.0), false, false),
        "5.2a" => s((20, 70), (88.0, 98.0), true, false),
        "5.2b" => s((15, 60), (78.0, 94.0), true, false),
        "5.3" => s((30, 150), (26.0, 40.0), true, false),
        "5.4a" => s((0, 20), (40.0, 60.0), true, false),
        "5.4b" => s((0, 3), (20.0, 35.0), false, false),
        "6.1" => s((1_500, 5_000), (50.0, 80.0), true, false),
        "6.2" => s((8, 15), (70.0, 100.0), false, false),
        "6.3" | "6.4" => s((1, 1), (50.0, 100.0), false, false),
        _ => s((10, 100), (20.0, 80.0), true, false),
    }
}

/// splitmix64 seeded from text, so every unit × period has its own reproducible values.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, parts: &[&str]) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
        for b in parts.iter().flat_map(|p| p.bytes().chain(std::iter::once(0))) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn share(&mut self, (lo, hi): (f64, f64)) -> f64 {
        (lo + self.unit() * (hi - lo)) / 100.0
    }

    /// Hours with one decimal in lo..=hi.
    fn hours(&mut self, lo: f64, hi: f64) -> Decimal {
        let tenths = self.int((lo * 10.0) as i64, (hi * 10.0) as i64);
        Decimal::new(tenths, 1)
    }
}

/// The numeric part of an indicator that the generator fills: its numerator and
/// denominator elements, or its one value element.
enum Group {
    Ratio {
        indicator: IndicatorCode,
        num: DataElement,
        den: DataElement,
    },
    Value(DataElement),
}

/// A deterministic generator of plausible commune values for every numeric data element
/// of the catalogue but stated rates.
pub struct Synthetic {
    seed: u64,
    groups: Vec<Group>,
}

impl Synthetic {
    pub fn new(elements: &[DataElement], seed: u64) -> Synthetic {
        let numeric = |e: &&DataElement| e.role != ElementRole::Rate && e.value_type != ValueType::Text;
        let mut by_indicator: BTreeMap<IndicatorCode, Vec<DataElement>> = BTreeMap::new();
        for e in elements.iter().filter(numeric) {
            let Some(key) = e.indicator.clone().or_else(|| e.code.indicator()) else {
                continue;
            };
            by_indicator.entry(key).or_default().push(e.clone());
        }
        let mut groups = Vec::new();
        for (indicator, elements) in by_indicator {
            let find = |role| elements.iter().find(|e| e.role == role).cloned();
            match (find(ElementRole::Numerator), find(ElementRole::Denominator)) {
                (Some(num), Some(den)) => groups.push(Group::Ratio { indicator, num, den }),
                _ => groups.extend(elements.into_iter().map(Group::Value)),
            }
        }
        Synthetic { seed, groups }
    }

    /// How many values [`Synthetic::values`] makes for one unit and period.
    pub fn values_per_form(&self) -> usize {
        let width = |e: &DataElement| if e.category_combo == CategoryCombo::Sex { 3 } else { 1 };
        self.groups
            .iter()
            .map(|g| match g {
                Group::Ratio { num, den, .. } => width(num) + width(den),
                Group::Value(e) => width(e),
            })
            .sum()
    }

    /// The values of one commune for one period, appended to `out`. `post_reform` makes
    /// the commune about three times as large (the 2025 merger).
    pub fn values(&self, unit_id: i64, unit_code: &str, period: &Period, post_reform: bool, out: &mut Vec<BulkValue>) {
        let mut rng = Rng::new(self.seed, &[unit_code, &period.to_string()]);
        let half = matches!(period, Period::HalfYear { .. });
        let mut push = |element: &DataElement, d: Disaggregation, value: Decimal| {
            out.push(BulkValue {
                unit_id,
                period: *period,
                element: element.code.clone(),
                disaggregation: d,
                value,
            })
        };
        for g in &self.groups {
            match g {
                Group::Value(e) => {
                    let v = match e.value_type {
                        ValueType::YesNo => Decimal::from(i64::from(rng.int(0, 9) > 0)),
                        ValueType::Hours => rng.hours(5.0, 30.0),
                        _ => Decimal::from(rng.int(0, 50)),
                    };
                    push(e, Disaggregation::Total, v);
                }
                Group::Ratio { num, den, .. } if num.value_type == ValueType::Hours => {
                    // Hours of unpaid care work a week: women's over men's.
                    push(num, Disaggregation::Total, rng.hours(18.0, 25.0));
                    push(den, Disaggregation::Total, rng.hours(9.0, 13.0));
                }
                Group::Ratio { indicator, num, den } => {
                    let shape = shape(indicator);
                    let denominator = |rng: &mut Rng| {
                        let mut d = rng.int(shape.den.0, shape.den.1);
                        if shape.scales && post_reform {
                            d *= 3;
                        }
                        if shape.flow && half {
                            d = (d + 1) / 2;
                        }
                        d
                    };
                    let numerator = |rng: &mut Rng, d: i64| {
                        let n = (d as f64 * rng.share(shape.share)).round() as i64;
                        if shape.share.1 <= 100.0 { n.min(d) } else { n }
                    };
                    if num.category_combo == CategoryCombo::Sex || den.category_combo == CategoryCombo::Sex {
                        let (dm, df) = (denominator(&mut rng), denominator(&mut rng));
                        let (nm, nf) = (numerator(&mut rng, dm), numerator(&mut rng, df));
                        for (e, m, f) in [(num, nm, nf), (den, dm, df)] {
                            if e.category_combo == CategoryCombo::Sex {
                                push(e, Disaggregation::Male, Decimal::from(m));
                                push(e, Disaggregation::Female, Decimal::from(f));
                            }
                            push(e, Disaggregation::Total, Decimal::from(m + f));
                        }
                    } else {
                        let d = denominator(&mut rng);
                        let n = numerator(&mut rng, d);
                        push(num, Disaggregation::Total, Decimal::from(n));
                        push(den, Disaggregation::Total, Decimal::from(d));
                    }
                }
            }
        }
    }
}

/// One commune of the synthetic dataset and the periods it reports.
#[derive(Debug, Clone)]
pub struct SyntheticUnit {
    pub id: i64,
    pub code: String,
    pub post_reform: bool,
    pub periods: Vec<Period>,
}

impl Store {
    /// The communes of both official lists (before and after 1 July 2025), each with the
    /// half-years and years of 2021–2030 it exists at the end of; `scale` (0–1] keeps an
    /// evenly spread fraction of each list.
    pub async fn synthetic_units(&self, scale: f64) -> Result<Vec<SyntheticUnit>, StoreError> {
        let mut out = Vec::new();
        for (date, post_reform) in [
            (crate::seed::LAST_DAY_BEFORE_REFORM, false),
            (crate::seed::REFORM_DATE, true),
        ] {
            let communes = self.units_valid_on(date, Some(UnitLevel::Commune), None).await?;
            for (i, c) in communes.iter().enumerate() {
                // Keep commune i when the scaled count steps up at it: an even spread.
                let keep = scale >= 1.0 || ((i + 1) as f64 * scale).floor() > (i as f64 * scale).floor();
                if !keep {
                    continue;
                }
                out.push(SyntheticUnit {
                    id: c.id,
                    code: c.code.to_string(),
                    post_reform,
                    periods: reporting_periods(c.valid_from, c.valid_to),
                });
            }
        }
        Ok(out)
    }
}
