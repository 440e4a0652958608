//! What a report reads from the store: everything a period report prints ([`Facts`]) and what
//! the phase review reads besides ([`ReviewFacts`]). Read once, then laid out by `build` and
//! `review`; no layout here.

use crate::ReportError;
use binhdang_domain::plan::{Followed, PlanStatus};
use binhdang_domain::register::{
    Activity, Budget, BudgetSummary, CommitteeMember, CommitteeSummary, DirectiveDocument as DocRow, GbvCase,
    GbvSummary, Inspection, InspectionSummary, Staff, StaffSummary,
};
use binhdang_domain::workflow::State;
use binhdang_domain::{Indicator, Objective, Period, Target, Window};
use binhdang_store::plans::{Plan, Task};
use binhdang_store::registers::RegisterRow;
use binhdang_store::{Assessment, Store, StoreError, Sums, UnitSummary};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// Everything a report reads from the store.
pub(crate) struct Facts {
    pub(crate) unit: UnitSummary,
    pub(crate) window: Window,
    pub(crate) indicators: Vec<Indicator>,
    pub(crate) objectives: Vec<Objective>,
    pub(crate) assessment: Vec<Assessment>,
    /// Indicator → the unit's agencies that answer for it.
    pub(crate) agencies: HashMap<String, Vec<String>>,
    pub(crate) narrative: BTreeMap<String, String>,
    /// Approved under the report's programme; a window that is no reporting period (a law
    /// review's dates) has no approval, so its document stays a draft.
    pub(crate) approved: bool,
    /// Who of the units below and the unit's agencies has sent their report or part, under
    /// the programme the period is reported under.
    pub(crate) reporting: Option<binhdang_store::StatusReport>,
    pub(crate) activities: Vec<RegisterRow<Activity>>,
    pub(crate) documents: Vec<RegisterRow<DocRow>>,
    pub(crate) budget: Option<BudgetSummary>,
    /// The budget's year span, e.g. 2021–2024.
    pub(crate) budget_years: (i32, i32),
    pub(crate) gbv: Option<GbvSummary>,
    /// The committee and the staff as filed for the period (for a phase or a part of a year:
    /// as last filed), with the period they were filed under.
    pub(crate) committee: Option<(Period, CommitteeSummary)>,
    pub(crate) staff: Option<(Period, StaffSummary)>,
    /// Inspections dated in the period.
    pub(crate) inspections: Option<InspectionSummary>,
    /// Activity types in list order: (code, Vietnamese name).
    pub(crate) activity_names: Vec<(String, String)>,
    pub(crate) document_names: HashMap<String, String>,
    /// The unit's issued plans in force during the window, each task judged as of the
    /// window's end (or today, when that is earlier).
    pub(crate) plans: Vec<PlanTasks>,
}

pub(crate) struct PlanTasks {
    pub(crate) plan: Plan,
    pub(crate) tasks: Vec<(Task, Followed)>,
}

/// The unit's issued (or since superseded) plans whose years meet the window's.
async fn plans_over(store: &Store, unit: &UnitSummary, window: &Window) -> Result<Vec<PlanTasks>, ReportError> {
    let as_of = store.today().min(window.end());
    let mut out = Vec::new();
    for plan in store.plans_of(unit.id).await? {
        let meets = plan.period.start() <= window.end() && plan.period.end() >= window.start();
        if plan.status == PlanStatus::Draft || !meets {
            continue;
        }
        let tasks = store
            .tasks_of(plan.id)
            .await?
            .into_iter()
            .map(|t| {
                let f = t.followed(&plan, as_of);
                (t, f)
            })
            .collect();
        out.push(PlanTasks { plan, tasks });
    }
    out.reverse();
    Ok(out)
}

/// The window whose budget rows a report sums: the phase from 2021 up to the report's year
/// for an annual report, the half-year or Action Month itself (with what was filed inside
/// it), the phase for a phase, else the year; a range or dates, themselves.
fn budget_window(window: &Window) -> Window {
    let Some(period) = window.period() else {
        return *window;
    };
    Window::from(match period {
        Period::Year(y) if y > 2021 => Period::Phase {
            from: 2021.min(y),
            to: y,
        },
        Period::Phase { from, to } => Period::Phase { from, to },
        Period::HalfYear { .. } | Period::ActionMonth(_) => period,
        _ => Period::Year(period.milestone_year()),
    })
}

pub(crate) async fn gather(
    store: &Store,
    unit: &UnitSummary,
    window: &Window,
    programme: Option<&str>,
    wants_assessment: bool,
) -> Result<Facts, ReportError> {
    let indicators = store.indicators().await?;
    let objectives = store.objectives().await?;
    // A unit reports on the indicators collected at its level or below it: a ward's report
    // does not list the province's survey indicators as missing.
    let assessment = if wants_assessment {
        let collected: Vec<&str> = indicators
            .iter()
            .filter(|i| unit.level <= i.lowest_level)
            .map(|i| i.code.as_str())
            .collect();
        let mut rows = store.assessment_over(Sums::All, unit, window).await?;
        rows.retain(|a| collected.contains(&a.indicator.as_str()));
        rows
    } else {
        Vec::new()
    };
    let mut agencies: HashMap<String, Vec<String>> = HashMap::new();
    if wants_assessment {
        for agency in store.agencies_of(unit).await? {
            for i in &indicators {
                if store.agency_covers(&agency.code, &i.code).await? {
                    agencies
                        .entry(i.code.to_string())
                        .or_default()
                        .push(agency.name_vi.clone());
                }
            }
        }
    }
    let narrative = store.report_narrative(unit, *window).await?;
    let (approved, reporting) = match window.period() {
        Some(period) => workflow_facts(store, unit, &period, programme, wants_assessment).await?,
        None => (false, None),
    };
    let activities = store.register_rows_in_subtree_over::<Activity>(unit, window).await?;
    let mut documents = store.register_rows_dated_over::<DocRow>(unit, window).await?;
    documents.sort_by_key(|a| (a.record.order, a.record.date, a.id));
    let bw = budget_window(window);
    let budget_years = (bw.start().year(), bw.end().year());
    let budget = store
        .register_summary_over::<Budget>(unit, &bw)
        .await
        .ok()
        .map(|s| s.summary);
    let gbv = store
        .register_summary_over::<GbvCase>(unit, window)
        .await
        .ok()
        .map(|s| s.summary);
    let lists = store.register_lists().await?;
    let inspections = store.register_summary_over::<Inspection>(unit, window).await?;
    Ok(Facts {
        committee: latest_filed::<CommitteeMember>(store, unit, window).await?,
        staff: latest_filed::<Staff>(store, unit, window).await?,
        inspections: (inspections.rows > 0).then_some(inspections.summary),
        unit: unit.clone(),
        window: *window,
        indicators,
        objectives,
        assessment,
        agencies,
        narrative,
        approved,
        reporting,
        activities,
        documents,
        budget,
        budget_years,
        gbv,
        activity_names: lists
            .activity_types
            .iter()
            .map(|t| (t.code.clone(), t.name_vi.clone()))
            .collect(),
        document_names: lists
            .document_types
            .iter()
            .map(|t| (t.code.clone(), t.name_vi.clone()))
            .collect(),
        plans: plans_over(store, unit, window).await?,
    })
}

/// Whether the unit's report for `period` is approved under the programme (the one named,
/// else the first the period is reported under), and who below it has reported.
async fn workflow_facts(
    store: &Store,
    unit: &UnitSummary,
    period: &Period,
    programme: Option<&str>,
    wants_status: bool,
) -> Result<(bool, Option<binhdang_store::StatusReport>), ReportError> {
    let programme = match programme {
        Some(code) => Some(store.programme(code).await?),
        None => store.programme_for(period).await?,
    };
    let Some(p) = programme else {
        return Ok((false, None));
    };
    let approved = store.submission(unit, &p.code, period).await?.state == State::Approved;
    let reporting = match wants_status {
        true => Some(store.status(unit, &p, period, store.today()).await?),
        false => None,
    };
    Ok((approved, reporting))
}

/// A register of stocks (committee, staff) as filed for the window's period, else as last
/// filed in it (a phase's years from the last) or for the year it is part of; over a range or
/// dates, as last filed for one of its parts or for one of the years it touches, latest first.
async fn latest_filed<T: binhdang_store::registers::StoredRegister>(
    store: &Store,
    unit: &UnitSummary,
    window: &Window,
) -> Result<Option<(Period, T::Summary)>, ReportError> {
    let mut candidates = Vec::new();
    match window.period() {
        Some(Period::Phase { from, to }) => {
            candidates.push(Period::Phase { from, to });
            candidates.extend((from..=to).rev().map(Period::Year));
        }
        Some(p @ Period::Year(_)) => candidates.push(p),
        Some(p) => candidates.extend([p, Period::Year(p.milestone_year())]),
        None => {
            for year in (window.start().year()..=window.end().year()).rev() {
                candidates.extend(window.parts().into_iter().rev().filter(|p| p.milestone_year() == year));
                candidates.push(Period::Year(year));
            }
        }
    }
    candidates.dedup();
    for p in candidates {
        let s = store.register_summary::<T>(unit, &p).await?;
        if s.rows > 0 {
            return Ok(Some((p, s.summary)));
        }
    }
    Ok(None)
}

/// What the review reads beyond what every report reads.
pub(crate) struct ReviewFacts {
    /// The years of the table: the one before the phase (the baseline), then the phase's.
    pub years: Vec<i32>,
    /// Indicator → its value in each of `years` (None where nothing was entered).
    pub yearly: HashMap<String, Vec<Option<Decimal>>>,
    /// The phase that follows (2026-2030 after 2021-2025).
    pub next: Period,
    /// Indicator → the target the unit (or the nearest unit above it) set for `next`.
    pub next_targets: HashMap<String, (Target, String)>,
    /// GBV cases and those supported, year by year.
    pub gbv: Vec<(i32, Decimal, Decimal)>,
}

/// Reads the review's own facts for `unit` over the phase `from`–`to`.
pub(crate) async fn gather_review(
    store: &Store,
    unit: &UnitSummary,
    from: i32,
    to: i32,
) -> Result<ReviewFacts, StoreError> {
    let years: Vec<i32> = (from - 1..=to).collect();
    let mut yearly: HashMap<String, Vec<Option<Decimal>>> = HashMap::new();
    for (i, year) in years.iter().enumerate() {
        for f in store.figures(unit, &Period::Year(*year), &[]).await? {
            yearly
                .entry(f.indicator.to_string())
                .or_insert_with(|| vec![None; years.len()])[i] = f.value;
        }
    }
    let next = Period::Phase {
        from: to + 1,
        to: to + 1 + (to - from),
    };
    let next_targets = store
        .local_targets_set(unit, &next)
        .await?
        .into_iter()
        .map(|(code, target, set_by)| (code, (target, set_by)))
        .collect();
    let mut gbv = Vec::new();
    for year in from..=to {
        let g = store.register_summary::<GbvCase>(unit, &Period::Year(year)).await?;
        if g.rows > 0 {
            gbv.push((year, g.summary.total.cases, g.summary.total.supported));
        }
    }
    Ok(ReviewFacts {
        years,
        yearly,
        next,
        next_targets,
        gbv,
    })
}
