//! Small-cell protection applied: the one place that decides, for an indicator and a period,
//! which cells of the whole unit tree are hidden from those not entitled to detail, and takes
//! them out of figures and values before they leave. The rule is
//! [`binhdang_domain::disclosure`]; the cells come from the store's sums, so that every page,
//! file and API answer hides the same cells and no total gives one back.

use binhdang_domain::assessment::{Progress, Status};
use binhdang_domain::disclosure::{self, Hidden, Table};
use binhdang_domain::rollup::rolls_up;
use binhdang_domain::{DataElement, Disaggregation, Indicator, Period};
use binhdang_store::{Actor, Assessment, AuditEntry, Figure, Store, StoreError, Sums};
use std::collections::{BTreeMap, HashMap};

/// Which cells of one indicator and period are hidden, by unit code, element and breakdown.
#[derive(Debug, Clone, Default)]
pub struct Protection {
    /// By unit and element code as text: pages and exports ask with the text they show.
    hidden: HashMap<(String, String, Disaggregation), Hidden>,
    thresholds: HashMap<String, u32>,
}

impl Protection {
    /// Why the cell is hidden, if it is.
    pub fn hidden(&self, unit: &str, element: &str, breakdown: Disaggregation) -> Option<Hidden> {
        self.hidden
            .get(&(unit.to_string(), element.to_string(), breakdown))
            .copied()
    }

    /// The threshold of an element (for "< 5"); none when it is not protected.
    pub fn threshold(&self, element: &str) -> Option<u32> {
        self.thresholds.get(element).copied()
    }

    /// Whether anything is hidden at all.
    pub fn is_empty(&self) -> bool {
        self.hidden.is_empty()
    }

    /// Takes the hidden cells out of a figure of this indicator and period.
    pub fn apply(&self, figure: &mut Figure) {
        let unit = figure.unit.clone();
        figure.withhold(|element, d| self.hidden(&unit, element, d));
    }
}

/// The thresholds in force: an administrator's where set (0: none), else the default rule.
pub async fn thresholds(store: &Store, indicator: &Indicator) -> Result<HashMap<String, u32>, StoreError> {
    let elements = summed_elements(store, indicator).await?;
    thresholds_of(store, indicator, &elements).await
}

/// The indicator's data elements that are summed up the tree (not stated rates, not text).
async fn summed_elements(store: &Store, indicator: &Indicator) -> Result<Vec<DataElement>, StoreError> {
    Ok(store
        .data_elements()
        .await?
        .into_iter()
        .filter(|e| e.indicator.as_deref() == Some(indicator.code.as_str()) && rolls_up(e))
        .collect())
}

async fn thresholds_of(
    store: &Store,
    indicator: &Indicator,
    elements: &[DataElement],
) -> Result<HashMap<String, u32>, StoreError> {
    let set = store.small_cell_thresholds().await?;
    Ok(elements
        .iter()
        .filter_map(|e| {
            let t = match set.get(e.code.as_str()) {
                Some(0) => None,
                Some(t) => Some(*t),
                None => disclosure::default_threshold(indicator, e.role),
            };
            t.map(|t| (e.code.to_string(), t))
        })
        .collect())
}

/// Decides the hidden cells of `indicator` for `period` over the whole unit tree standing at
/// the period's end. Viewers read figures from all entered data and everyone reads the
/// approved ones on the open-data pages: the cells are decided over both sets of sums and a
/// cell hidden in either is hidden in both, so that no one learns from one view a cell the
/// other hides (each sum still keeps two or more hidden members: hiding more never undoes it).
pub async fn protection(store: &Store, indicator: &Indicator, period: &Period) -> Result<Protection, StoreError> {
    let summed = summed_elements(store, indicator).await?;
    let thresholds = thresholds_of(store, indicator, &summed).await?;
    if thresholds.is_empty() {
        return Ok(Protection::default());
    }
    // Every summed element of the indicator is in the table, protected or not: an
    // unprotected cell can still be what gives a protected one away.
    let elements: Vec<String> = summed.into_iter().map(|e| e.code.into()).collect();
    let mut hidden: HashMap<(String, String, Disaggregation), Hidden> = HashMap::new();
    for sums in [Sums::All, Sums::Approved] {
        let cells = store.disclosure_cells(sums, period, &elements).await?;
        for (key, why) in decide(&cells, &thresholds) {
            let entry = hidden.entry(key).or_insert(why);
            if why == Hidden::Small {
                *entry = Hidden::Small;
            }
        }
    }
    Ok(Protection { hidden, thresholds })
}

/// The hidden cells of one set of sums. The sums are added in a fixed order (units, elements
/// and breakdowns sorted), so that the same cells always give the same decision.
fn decide(
    cells: &[binhdang_store::DisclosureCell],
    thresholds: &HashMap<String, u32>,
) -> Vec<((String, String, Disaggregation), Hidden)> {
    let mut table = Table::default();
    let mut index: BTreeMap<(i64, &str, &str), usize> = BTreeMap::new();
    for c in cells {
        let i = table.cell(c.value, thresholds.get(c.element.as_str()).copied());
        index.insert((c.unit_id, c.element.as_str(), c.disaggregation.as_str()), i);
    }
    // A unit's total is the sum of its breakdown; a unit's cell the sum of its children's.
    let mut breakdowns: BTreeMap<(i64, &str), Vec<usize>> = BTreeMap::new();
    let mut children: BTreeMap<(i64, &str, &str), Vec<usize>> = BTreeMap::new();
    for c in cells {
        let i = index[&(c.unit_id, c.element.as_str(), c.disaggregation.as_str())];
        if c.disaggregation != Disaggregation::Total {
            breakdowns.entry((c.unit_id, c.element.as_str())).or_default().push(i);
        }
        if let Some(parent) = c.parent_id {
            children
                .entry((parent, c.element.as_str(), c.disaggregation.as_str()))
                .or_default()
                .push(i);
        }
    }
    for ((unit, element), parts) in breakdowns {
        if let Some(total) = index.get(&(unit, element, Disaggregation::Total.as_str())) {
            table.sum(*total, parts);
        }
    }
    for (key, parts) in children {
        if let Some(total) = index.get(&key) {
            table.sum(*total, parts);
        }
    }
    let decided = table.suppress();
    cells
        .iter()
        .filter_map(|c| {
            let i = index[&(c.unit_id, c.element.as_str(), c.disaggregation.as_str())];
            decided[i].map(|h| ((c.unit_code.to_string(), c.element.to_string(), c.disaggregation), h))
        })
        .collect()
}

/// Takes hidden cells out of figures for a reader who is not entitled to detail; the figures
/// may be of several indicators and periods. A figure made of several periods (a phase, a
/// year from its halves) loses what any of them hides. Returns whether anything was taken out.
pub async fn protect_figures(store: &Store, figures: &mut [Figure]) -> Result<bool, StoreError> {
    let indicators = store.indicators().await?;
    let mut decided: HashMap<(String, String), Protection> = HashMap::new();
    let mut any = false;
    for figure in figures.iter_mut() {
        let periods = match &figure.over_time {
            Some(how) => how.used.clone(),
            None => vec![figure.period.clone()],
        };
        for period in periods {
            let key = (figure.indicator.to_string(), period);
            if !decided.contains_key(&key) {
                let found = indicators.iter().find(|i| i.code == figure.indicator);
                let protection = match (found, key.1.parse::<Period>()) {
                    (Some(indicator), Ok(period)) => protection(store, indicator, &period).await?,
                    _ => Protection::default(),
                };
                decided.insert(key.clone(), protection);
            }
            decided[&key].apply(figure);
        }
        any |= !figure.withheld.is_empty();
    }
    Ok(any)
}

/// [`protect_figures`] for figures some of which are missing (a year or a unit without data),
/// in place: one decision over all of them, as a page showing them together needs.
pub async fn protect_present(store: &Store, slots: Vec<&mut Option<Figure>>) -> Result<bool, StoreError> {
    let mut figures: Vec<Figure> = slots.iter().filter_map(|f| (**f).clone()).collect();
    let any = protect_figures(store, &mut figures).await?;
    let mut protected = figures.into_iter();
    for slot in slots.into_iter().filter(|f| f.is_some()) {
        *slot = protected.next();
    }
    Ok(any)
}

/// [`protect_figures`] for an assessment table: a withheld value is assessed as no data, since
/// "met" or "not met" against a target would tell where it lies.
pub async fn protect_assessment(store: &Store, rows: &mut [Assessment]) -> Result<bool, StoreError> {
    let mut figures: Vec<Figure> = rows.iter().map(|r| r.figure.clone()).collect();
    let any = protect_figures(store, &mut figures).await?;
    for (row, figure) in rows.iter_mut().zip(figures) {
        if figure.value.is_none() && row.figure.value.is_some() {
            row.status = Status::NoData;
            row.status_vi = Status::NoData.label_vi();
            row.distance = None;
            row.baseline = None;
            row.progress = Progress::NotAssessable;
            row.progress_vi = Progress::NotAssessable.label_vi();
        }
        row.figure = figure;
    }
    Ok(any)
}

/// Whether each of `cells` (unit code, element code, breakdown) of `period` is hidden: for
/// values that leave as they were entered (a data value set, a download).
pub async fn hidden_cells(
    store: &Store,
    period: &Period,
    cells: &[(String, String, Disaggregation)],
) -> Result<Vec<Option<Hidden>>, StoreError> {
    let indicators = store.indicators().await?;
    let mut decided: HashMap<String, Protection> = HashMap::new();
    let mut out = Vec::with_capacity(cells.len());
    for (unit, element, d) in cells {
        let code = crate::scope::indicator_of(element).to_string();
        if !decided.contains_key(&code) {
            let protection = match indicators.iter().find(|i| i.code == code) {
                Some(indicator) => protection(store, indicator, period).await?,
                None => Protection::default(),
            };
            decided.insert(code.clone(), protection);
        }
        out.push(decided[&code].hidden(unit, element, *d));
    }
    Ok(out)
}

/// Writes in the audit log that `actor`, entitled to detail, took out of the system (a file,
/// a data value set) `small_cells` cells that others could not see.
pub async fn audit_unsuppressed(
    store: &Store,
    actor: &Actor,
    unit_id: i64,
    period: &str,
    subject: &str,
    small_cells: usize,
) -> Result<(), StoreError> {
    store
        .audit(&AuditEntry {
            actor: &actor.name,
            origin: &actor.origin,
            action: "download_unsuppressed",
            unit_id: Some(unit_id),
            period: Some(period),
            subject,
            old_value: None,
            new_value: Some(serde_json::json!({ "small_cells": small_cells })),
            reason: None,
        })
        .await
}
