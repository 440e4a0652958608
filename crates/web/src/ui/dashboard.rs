//! The dashboard of a unit in the caller's scope for a period (`/bang-dieu-khien?unit=&period=
//! &indicator=`): every indicator's assessment (status, the target used and where it comes
//! from, the value, the change since the previous report), for one chosen indicator a time
//! series with the 2025 and 2030 targets and a bar chart of the units below (sorted), and
//! the completeness and timeliness of those units. Every chart has its table and a CSV file
//! of its figures (`/bang-dieu-khien/csv?…&chart=series|children|assessment|completeness`).

use super::reporting;
use super::{Chrome, Session, format, render};
use crate::AppState;
use crate::auth::authorize;
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use binhdang_domain::access::{Action, Reach};
use binhdang_domain::catalogue::Direction;
use binhdang_domain::{Indicator, MeasureKind, Period, PeriodType};
use binhdang_store::{Figure, Sums, UnitSummary};
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::HashMap;

pub struct AssessmentRow {
    pub code: String,
    pub name: String,
    pub value: String,
    pub target: String,
    pub source: String,
    pub status: String,
    pub status_class: &'static str,
    pub trend_arrow: &'static str,
    pub trend_text: String,
    pub trend_class: &'static str,
    pub chart_href: String,
    pub selected: bool,
}

pub struct SeriesRow {
    pub period: String,
    pub value: String,
    pub numerator: String,
    pub denominator: String,
}

pub struct ChildRow {
    pub unit: String,
    pub href: String,
    pub value: String,
    pub numerator: String,
    pub denominator: String,
}

pub struct CompletenessRow {
    pub unit: String,
    pub state: String,
    pub state_class: String,
    pub deadline: String,
    pub submitted: String,
    pub timeliness: String,
}

pub struct Choice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    unit_code: String,
    unit_name: String,
    period_label: String,
    previous_label: String,
    parent: Option<(String, String)>,
    periods: Vec<Choice>,
    indicators: Vec<Choice>,
    rows: Vec<AssessmentRow>,
    summary: String,
    mapping: String,
    chart_code: String,
    chart_name: String,
    series_spec: String,
    series: Vec<SeriesRow>,
    children_spec: String,
    children_drawn: bool,
    children_missing: usize,
    children: Vec<ChildRow>,
    children_level: String,
    completeness: Vec<CompletenessRow>,
    completeness_summary: String,
    csv_base: String,
    xlsx_base: String,
    approved_only: bool,
    echarts: String,
}

/// Everything the dashboard and its CSV files are made of.
struct Data {
    unit: UnitSummary,
    period: Period,
    previous: Period,
    indicator: Indicator,
    assessment: Vec<binhdang_store::Assessment>,
    previous_figures: HashMap<String, Option<Decimal>>,
    series: Vec<(Period, Option<Figure>)>,
    children: Vec<(UnitSummary, Option<Figure>)>,
    status: Option<binhdang_store::StatusReport>,
    mapping: Option<binhdang_store::MappingUsed>,
    /// All entered data, or approved reports only (`data=approved`).
    sums: Sums,
}

/// The periods of the same kind as `period`, from 2021 up to it.
fn timeline(period: &Period) -> Vec<Period> {
    let mut out = vec![*period];
    let mut p = *period;
    if matches!(
        period.period_type(),
        PeriodType::Year | PeriodType::HalfYear | PeriodType::ActionMonth
    ) {
        loop {
            p = match p {
                Period::HalfYear { year, half } => Period::HalfYear { year: year - 1, half },
                other => other.previous(),
            };
            if p.milestone_year() < 2021 {
                break;
            }
            out.push(p);
        }
    }
    out.reverse();
    out
}

async fn load(state: &AppState, session: &Session, q: &HashMap<String, String>) -> Result<Data, ApiError> {
    let store = &state.store;
    let user = &session.caller.user;
    let today = state.store.today();
    let programmes = store.programmes().await?;
    let code = q
        .get("unit")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| user.unit.code.clone());
    let period: Period = match q.get("period").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(p) => p.parse().map_err(|e: binhdang_domain::PeriodError| {
            ApiError::invalid("period", "bad_period", e.to_string(), e.message_vi())
        })?,
        None => {
            // The last full year, where the unit reported in it.
            let last_year = Period::Year(today.year() - 1);
            let unit_now = store
                .unit_on(&code, today)
                .await
                .map_err(|_| ApiError::Invalid(vec![binhdang_store::unknown_unit("unit", &code)]))?;
            if reporting::reports_in(&unit_now, &last_year) {
                last_year
            } else {
                reporting::choices(&programmes, &unit_now, today)
                    .first()
                    .copied()
                    .unwrap_or(last_year)
            }
        }
    };
    let unit = match store.unit_for_period(&code, &period).await? {
        Some(u) => u,
        None => store
            .unit_on(&code, today)
            .await
            .map_err(|_| ApiError::Invalid(vec![binhdang_store::unknown_unit("unit", &code)]))?,
    };
    authorize(state, &session.caller, &unit, Action::Read).await?;
    let sums = crate::api::monitoring::sums_param(q)?;
    let indicators = store.indicators().await?;
    let assessment = store.assessment_of(sums, &unit, &period).await?;
    let previous = reporting::previous_report(&programmes, &period);
    let previous_figures = store
        .figures_of(sums, &unit, &previous, &[])
        .await?
        .into_iter()
        .map(|f| (f.indicator.clone(), f.value))
        .collect();
    let chosen = q.get("indicator").map(|s| s.trim().to_string());
    let indicator = chosen
        .as_ref()
        .and_then(|c| indicators.iter().find(|i| &i.code == c))
        .or_else(|| {
            // The first indicator with a value, else the first one.
            assessment
                .iter()
                .find(|a| a.figure.value.is_some())
                .and_then(|a| indicators.iter().find(|i| i.code == a.indicator))
        })
        .or(indicators.first())
        .cloned()
        .ok_or_else(|| ApiError::Internal("the catalogue is empty".into()))?;
    let only = [indicator.code.clone()];
    let mut series = Vec::new();
    for p in timeline(&period) {
        let figure = store.figures_of(sums, &unit, &p, &only).await?.into_iter().next();
        series.push((p, figure));
    }
    let mut children = Vec::new();
    for child in store.reporting_children(&unit, &period).await? {
        let figure = store.figures_of(sums, &child, &period, &only).await?.into_iter().next();
        children.push((child, figure));
    }
    // Highest value first (lowest first where lower is better); units without a value last.
    children.sort_by(|(_, a), (_, b)| {
        let (a, b) = (a.as_ref().and_then(|f| f.value), b.as_ref().and_then(|f| f.value));
        match (a, b) {
            (Some(x), Some(y)) if indicator.direction == Direction::Lower => x.cmp(&y),
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    let status = match store.programme_for(&period).await? {
        Some(programme) => Some(store.status(&unit, &programme, &period, today).await?),
        None => None,
    };
    let mapping = store.mapping_used(&unit, &period).await?;
    Ok(Data {
        unit,
        period,
        previous,
        indicator,
        assessment,
        previous_figures,
        series,
        children,
        status,
        mapping,
        sums,
    })
}

fn unit_suffix(indicator: &Indicator, lang: Lang) -> &'static str {
    match (indicator.measure, lang) {
        (MeasureKind::Percent, _) => "%",
        (MeasureKind::Per100, Lang::Vi) => "/100",
        (MeasureKind::Per1000, Lang::Vi) => "‰",
        (MeasureKind::Per100000, Lang::Vi) => "/100.000",
        (MeasureKind::Per100, Lang::En) => "per 100",
        (MeasureKind::Per1000, Lang::En) => "‰",
        (MeasureKind::Per100000, Lang::En) => "per 100,000",
        (MeasureKind::Hours | MeasureKind::Ratio, _) => "",
        _ => "",
    }
}

/// A period's name on a chart axis: `2024`, `6T đầu 2024` / `H1 2024`.
fn short_label(p: &Period, lang: Lang) -> String {
    match (p, lang) {
        (Period::Year(y), _) => y.to_string(),
        (Period::HalfYear { year, half: 1 }, Lang::Vi) => format!("6T đầu {year}"),
        (Period::HalfYear { year, .. }, Lang::Vi) => format!("6T cuối {year}"),
        (Period::HalfYear { year, half }, Lang::En) => format!("H{half} {year}"),
        (Period::ActionMonth(y), Lang::Vi) => format!("THĐ {y}"),
        (Period::ActionMonth(y), Lang::En) => format!("AM {y}"),
        (other, _) => format::period(other, lang),
    }
}

fn number_or_dash(d: Option<Decimal>) -> String {
    d.map(format::number).unwrap_or_else(|| format::NONE.into())
}

/// `GET /bang-dieu-khien?unit=&period=&indicator=`
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let data = load(&state, &session, &q).await?;
    let page = build(&state, &session, &q, data).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn build(
    state: &AppState,
    session: &Session,
    q: &HashMap<String, String>,
    data: Data,
) -> Result<DashboardPage, ApiError> {
    let store = &state.store;
    let lang = session.lang;
    let indicators = store.indicators().await?;
    let Data {
        unit,
        period,
        previous,
        indicator,
        assessment,
        previous_figures,
        series,
        children,
        status,
        mapping,
        sums,
    } = data;
    let data_q = data_query(sums);
    let base = format!("/bang-dieu-khien?unit={}&period={period}{data_q}", unit.code);

    let table = AssessmentTable {
        indicators: &indicators,
        previous_figures: &previous_figures,
        base: &base,
        chosen: &indicator.code,
        lang,
    };
    let (rows, summary) = table.rows(&assessment);
    let name = lang.pick(&indicator.name_vi, &indicator.name_en).to_string();
    let charts = Charts::new(session, &indicator, &name, &series, &children);
    let series_rows = series_rows(&series, &indicator, lang);
    let child_rows = child_rows(&children, &indicator, &period, data_q);
    let (completeness, completeness_summary) = match &status {
        Some(report) => (completeness_rows(report, lang), completeness_summary(report, lang)),
        None => (Vec::new(), String::new()),
    };
    let parent = parent_link(state, session, &unit, &period, data_q).await?;
    let period_choices = period_choices(state, &unit, &period).await?;
    let title = format!(
        "{} — {} — {}",
        session.t("Bảng điều khiển", "Dashboard"),
        unit.full_name,
        format::period(&period, lang)
    );
    let mut c = session.chrome(title, "/bang-dieu-khien");
    if q.get("msg").map(String::as_str) == Some("password_changed") {
        c = c.with_notice("ok", session.t("Đã đổi mật khẩu.", "Your password has been changed."));
    }
    let children_level = children_level(&children, lang);
    Ok(DashboardPage {
        c,
        unit_code: unit.code.clone(),
        unit_name: unit.full_name.clone(),
        period_label: format::period(&period, lang),
        previous_label: format::period(&previous, lang),
        parent,
        periods: period_choices
            .iter()
            .map(|p| Choice {
                id: p.to_string(),
                label: format::period(p, lang),
                selected: *p == period,
            })
            .collect(),
        indicators: indicators
            .iter()
            .map(|i| Choice {
                id: i.code.clone(),
                label: format!("{} {}", i.code, if lang == Lang::En { &i.name_en } else { &i.name_vi }),
                selected: i.code == indicator.code,
            })
            .collect(),
        rows,
        summary,
        mapping: mapping
            .map(|m| {
                if lang == Lang::En {
                    m.description_en.to_string()
                } else {
                    m.description_vi.to_string()
                }
            })
            .unwrap_or_default(),
        chart_code: indicator.code.clone(),
        chart_name: name,
        series_spec: charts.series_spec,
        series: series_rows,
        children_spec: charts.children_spec,
        children_drawn: charts.children_drawn,
        children_missing: charts.children_missing,
        children: child_rows,
        children_level,
        completeness,
        completeness_summary,
        csv_base: download_base("csv", &unit, &period, &indicator, sums),
        xlsx_base: download_base("xlsx", &unit, &period, &indicator, sums),
        approved_only: sums == Sums::Approved,
        echarts: super::asset_url(super::assets::ECHARTS),
    })
}

/// The table under the time series: a row per period.
fn series_rows(series: &[(Period, Option<Figure>)], indicator: &Indicator, lang: Lang) -> Vec<SeriesRow> {
    series
        .iter()
        .map(|(p, f)| SeriesRow {
            period: format::period(p, lang),
            value: format::value(indicator, f.as_ref().and_then(|f| f.value)),
            numerator: number_or_dash(f.as_ref().and_then(|f| f.numerator)),
            denominator: number_or_dash(f.as_ref().and_then(|f| f.denominator)),
        })
        .collect()
}

/// The table under the bar chart: a row per unit below, linking to its dashboard.
fn child_rows(
    children: &[(UnitSummary, Option<Figure>)],
    indicator: &Indicator,
    period: &Period,
    data_q: &str,
) -> Vec<ChildRow> {
    children
        .iter()
        .map(|(u, f)| ChildRow {
            unit: u.full_name.clone(),
            href: format!(
                "/bang-dieu-khien?unit={}&period={period}{data_q}&indicator={}",
                u.code, indicator.code
            ),
            value: format::value(indicator, f.as_ref().and_then(|f| f.value)),
            numerator: number_or_dash(f.as_ref().and_then(|f| f.numerator)),
            denominator: number_or_dash(f.as_ref().and_then(|f| f.denominator)),
        })
        .collect()
}

/// What the assessment table's rows are made with besides the assessment itself.
struct AssessmentTable<'a> {
    indicators: &'a [Indicator],
    previous_figures: &'a HashMap<String, Option<Decimal>>,
    /// The dashboard's address, to which a row's link adds its indicator.
    base: &'a str,
    /// The indicator whose charts are shown.
    chosen: &'a str,
    lang: Lang,
}

impl AssessmentTable<'_> {
    /// A row per assessed indicator, and the count of indicators by status (`met: 3 · …`).
    fn rows(&self, assessment: &[binhdang_store::Assessment]) -> (Vec<AssessmentRow>, String) {
        let lang = self.lang;
        let mut counts: HashMap<&'static str, usize> = HashMap::new();
        let rows: Vec<AssessmentRow> = assessment
            .iter()
            .map(|a| {
                *counts.entry(format::status(a.status, lang)).or_default() += 1;
                self.row(a)
            })
            .collect();
        let mut summary: Vec<String> = counts.into_iter().map(|(k, n)| format!("{k}: {n}")).collect();
        summary.sort();
        (rows, summary.join(" · "))
    }

    /// The row of one indicator's assessment.
    fn row(&self, a: &binhdang_store::Assessment) -> AssessmentRow {
        let lang = self.lang;
        let ind = self.indicators.iter().find(|i| i.code == a.indicator);
        let value = ind.map(|i| format::value(i, a.figure.value)).unwrap_or_default();
        let (target, source) = match (&a.target, ind) {
            (Some(t), Some(i)) => (format::target(i, &t.target), target_source(t, lang)),
            _ => (format::NONE.into(), String::new()),
        };
        let before = self.previous_figures.get(&a.indicator).copied().flatten();
        let (trend_arrow, trend_text, trend_class) = match (a.figure.value, before, ind) {
            (Some(now), Some(then), Some(i)) => trend(now - then, i.direction, lang),
            _ => ("", format::NONE.into(), ""),
        };
        AssessmentRow {
            code: a.indicator.clone(),
            name: if lang == Lang::En {
                a.name_en.clone()
            } else {
                a.name_vi.clone()
            },
            value,
            target,
            source,
            status: format::status(a.status, lang).to_string(),
            status_class: format::status_class(a.status),
            trend_arrow,
            trend_text,
            trend_class,
            chart_href: format!("{}&indicator={}#bieu-do", self.base, a.indicator),
            selected: a.indicator == self.chosen,
        }
    }
}

/// Where the target used comes from: `địa phương (set by, phase)` or `quốc gia 2025`.
fn target_source(t: &binhdang_store::TargetUsed, lang: Lang) -> String {
    match (t.source, lang) {
        ("local", Lang::Vi) => format!(
            "địa phương ({}, {})",
            t.set_by.clone().unwrap_or_default(),
            t.applies_to
        ),
        ("local", Lang::En) => {
            format!("local ({}, {})", t.set_by.clone().unwrap_or_default(), t.applies_to)
        }
        (_, Lang::Vi) => format!("quốc gia {}", t.applies_to),
        (_, Lang::En) => format!("national {}", t.applies_to),
    }
}

/// The change since the previous report: its arrow, its text (`+2,5 (tốt hơn)`) and its
/// class, better or worse by the indicator's direction.
fn trend(delta: Decimal, direction: Direction, lang: Lang) -> (&'static str, String, &'static str) {
    let better = match direction {
        Direction::Higher => delta > Decimal::ZERO,
        Direction::Lower => delta < Decimal::ZERO,
    };
    let arrow = if delta > Decimal::ZERO {
        "↑"
    } else if delta < Decimal::ZERO {
        "↓"
    } else {
        "→"
    };
    let sign = if delta > Decimal::ZERO { "+" } else { "" };
    let words = match (delta.is_zero(), better, lang) {
        (true, _, Lang::Vi) => "không đổi",
        (true, _, Lang::En) => "unchanged",
        (false, true, Lang::Vi) => "tốt hơn",
        (false, false, Lang::Vi) => "kém hơn",
        (false, true, Lang::En) => "better",
        (false, false, Lang::En) => "worse",
    };
    (
        arrow,
        format!("{sign}{} ({words})", binhdang_domain::vn::format_number(delta, Some(1))),
        if delta.is_zero() {
            ""
        } else if better {
            "trend-better"
        } else {
            "trend-worse"
        },
    )
}

/// The specifications of the two charts (as JSON for the page's script), and how many of
/// the units below are left off the bar chart for want of a value.
struct Charts {
    series_spec: String,
    children_spec: String,
    children_drawn: bool,
    children_missing: usize,
}

impl Charts {
    /// The time series with the 2025 and 2030 targets, and the bars of the units below.
    fn new(
        session: &Session,
        indicator: &Indicator,
        name: &str,
        series: &[(Period, Option<Figure>)],
        children: &[(UnitSummary, Option<Figure>)],
    ) -> Charts {
        let lang = session.lang;
        let suffix = unit_suffix(indicator, lang);
        let mut targets = Vec::new();
        for year in [2025, 2030] {
            if let Some(t) = indicator.national_target(year) {
                let label = format!(
                    "{} {year}: {}",
                    session.t("Mục tiêu", "Target"),
                    format::target(indicator, &t)
                );
                targets.push(
                    json!({ "label": label, "value": format::plain(Some(t.value)).parse::<f64>().unwrap_or(0.0) }),
                );
            }
        }
        let as_number = |v: Option<Decimal>| -> serde_json::Value {
            v.and_then(|d| format::plain(Some(d)).parse::<f64>().ok())
                .map(|f| json!(f))
                .unwrap_or(serde_json::Value::Null)
        };
        let series_spec = json!({
            "kind": "series",
            "name": format!("{} {}", indicator.code, name),
            "unit": suffix,
            "labels": series.iter().map(|(p, _)| short_label(p, lang)).collect::<Vec<_>>(),
            "values": series.iter().map(|(_, f)| as_number(f.as_ref().and_then(|f| f.value))).collect::<Vec<_>>(),
            "targets": targets,
        })
        .to_string();
        // The chart compares the units that have a value; the table lists them all.
        let with_value: Vec<&(UnitSummary, Option<Figure>)> = children
            .iter()
            .filter(|(_, f)| f.as_ref().and_then(|f| f.value).is_some())
            .collect();
        let children_spec = json!({
            "kind": "bars",
            "name": format!("{} {}", indicator.code, name),
            "unit": suffix,
            "labels": with_value.iter().map(|(u, _)| u.full_name.clone()).collect::<Vec<_>>(),
            "values": with_value.iter().map(|(_, f)| as_number(f.as_ref().and_then(|f| f.value))).collect::<Vec<_>>(),
        })
        .to_string();
        Charts {
            series_spec,
            children_spec,
            children_drawn: !with_value.is_empty(),
            children_missing: children.len() - with_value.len(),
        }
    }
}

/// A row per unit below: its report's state, deadline, first submission and timeliness.
fn completeness_rows(report: &binhdang_store::StatusReport, lang: Lang) -> Vec<CompletenessRow> {
    report
        .children
        .iter()
        .map(|c| CompletenessRow {
            unit: c.unit.full_name.clone(),
            state: format::child_state(c.state, lang).to_string(),
            state_class: format!("st-{}", c.state),
            deadline: c.deadline.map(format::date).unwrap_or_else(|| format::NONE.into()),
            submitted: c
                .first_submitted_at
                .as_deref()
                .map(format::timestamp)
                .unwrap_or_else(|| format::NONE.into()),
            timeliness: format::timeliness(c.timeliness, lang).to_string(),
        })
        .collect()
}

/// The completeness and timeliness of the units below in a sentence.
fn completeness_summary(report: &binhdang_store::StatusReport, lang: Lang) -> String {
    if lang == Lang::En {
        format!(
            "{} units: {} submitted ({}), {} approved ({}), {} on time ({}), {} late, {} overdue.",
            report.expected,
            report.submitted,
            format::percent(report.submitted_rate),
            report.approved,
            format::percent(report.approved_rate),
            report.on_time,
            format::percent(report.on_time_rate),
            report.late,
            report.overdue
        )
    } else {
        format!(
            "{} đơn vị: {} đã gửi ({}), {} đã phê duyệt ({}), {} đúng hạn ({}), {} muộn, {} quá hạn.",
            report.expected,
            report.submitted,
            format::percent(report.submitted_rate),
            report.approved,
            format::percent(report.approved_rate),
            report.on_time,
            format::percent(report.on_time_rate),
            report.late,
            report.overdue
        )
    }
}

/// The link to the parent's dashboard and the parent's name.
async fn parent_link(
    state: &AppState,
    session: &Session,
    unit: &UnitSummary,
    period: &Period,
    data_q: &str,
) -> Result<Option<(String, String)>, ApiError> {
    let store = &state.store;
    // The parent, when the caller may see it.
    Ok(match &unit.parent_code {
        Some(code) => match store.unit_for_period(code, period).await? {
            Some(p) if store.reach(&session.caller.user, &p).await? != Reach::Outside => Some((
                format!("/bang-dieu-khien?unit={}&period={period}{data_q}", p.code),
                p.full_name,
            )),
            _ => None,
        },
        None => None,
    })
}

/// The periods to choose from: those the unit (as it is today, and as it was) reports in,
/// and the period shown.
async fn period_choices(state: &AppState, unit: &UnitSummary, period: &Period) -> Result<Vec<Period>, ApiError> {
    let store = &state.store;
    let today = store.today();
    let programmes = store.programmes().await?;
    let unit_now = store.unit_on(&unit.code, today).await.unwrap_or_else(|_| unit.clone());
    let mut period_choices: Vec<Period> = reporting::choices(&programmes, &unit_now, today);
    if unit_now.id != unit.id {
        for p in reporting::choices(&programmes, unit, today) {
            if !period_choices.contains(&p) {
                period_choices.push(p);
            }
        }
    }
    if !period_choices.contains(period) {
        period_choices.insert(0, *period);
    }
    Ok(period_choices)
}

/// What the units below are called, from the first one's level: `huyện`, `districts`.
fn children_level(children: &[(UnitSummary, Option<Figure>)], lang: Lang) -> String {
    children
        .first()
        .map(|(u, _)| match (u.level, lang) {
            (binhdang_domain::UnitLevel::Province, Lang::Vi) => "tỉnh, thành phố",
            (binhdang_domain::UnitLevel::District, Lang::Vi) => "huyện",
            (binhdang_domain::UnitLevel::Commune, Lang::Vi) => "xã, phường",
            (binhdang_domain::UnitLevel::Province, Lang::En) => "provinces",
            (binhdang_domain::UnitLevel::District, Lang::En) => "districts",
            (_, _) => {
                if lang == Lang::En {
                    "communes"
                } else {
                    "đơn vị"
                }
            }
        })
        .unwrap_or_default()
        .to_string()
}

/// The query that keeps the choice of approved data only on the links of a page.
fn data_query(sums: Sums) -> &'static str {
    match sums {
        Sums::All => "",
        Sums::Approved => "&data=approved",
    }
}

fn download_base(ext: &str, unit: &UnitSummary, period: &Period, indicator: &Indicator, sums: Sums) -> String {
    format!(
        "/bang-dieu-khien/{ext}?unit={}&period={period}&indicator={}{}",
        unit.code,
        indicator.code,
        data_query(sums)
    )
}

/// One cell of a download.
enum Item {
    Text(String),
    /// A numerator, a denominator: a count or an amount.
    Amount(Option<Decimal>),
    /// An indicator's value or target, in its own unit (percent points for a percentage).
    Value(Option<Decimal>),
    Day(Option<time::Date>),
}

/// The figures behind one chart or table: what both the CSV and the XLSX file hold.
struct Figures {
    chart: &'static str,
    title: String,
    head: Vec<&'static str>,
    rows: Vec<Vec<Item>>,
}

/// The figures of `chart` (series, children, assessment or completeness), with column
/// names in the page's language.
fn figures(data: &Data, chart: &str, lang: Lang) -> Result<Figures, ApiError> {
    let en = lang == Lang::En;
    let unit = &data.unit;
    let mut figures = match chart {
        "series" => series_figures(data, lang),
        "children" => children_figures(data, lang),
        "assessment" => assessment_figures(data, lang),
        "completeness" => completeness_figures(data, lang),
        other => {
            return Err(ApiError::invalid(
                "chart",
                "unknown_chart",
                format!("`{other}` is not a chart: series, children, assessment or completeness"),
                format!("`{other}` không phải biểu đồ: series, children, assessment hoặc completeness"),
            ));
        }
    };
    let data_note = match (data.sums, en) {
        (Sums::All, _) => "",
        (Sums::Approved, false) => " (chỉ số liệu đã phê duyệt)",
        (Sums::Approved, true) => " (approved data only)",
    };
    figures.title = format!(
        "{} — {} — {}{data_note}",
        figures.title,
        unit.full_name,
        format::period(&data.period, lang)
    );
    Ok(figures)
}

/// The chosen indicator's code and name, for the headings of its charts.
fn indicator_heading(data: &Data, lang: Lang) -> String {
    format!(
        "{} {}",
        data.indicator.code,
        lang.pick(&data.indicator.name_vi, &data.indicator.name_en)
    )
}

/// The time series of the chosen indicator; the title is the heading alone, which
/// [`figures`] completes.
fn series_figures(data: &Data, lang: Lang) -> Figures {
    let pick = |vi: &'static str, en: &'static str| lang.pick(vi, en);
    Figures {
        chart: "series",
        title: format!(
            "{}: {}",
            pick("Diễn biến qua các kỳ", "Over time"),
            indicator_heading(data, lang)
        ),
        head: vec![
            pick("don_vi", "unit"),
            pick("chi_tieu", "indicator"),
            pick("ky_bao_cao", "period"),
            pick("tu_so", "numerator"),
            pick("mau_so", "denominator"),
            pick("gia_tri", "value"),
        ],
        rows: data
            .series
            .iter()
            .map(|(p, f)| {
                let f = f.as_ref();
                vec![
                    Item::Text(data.unit.code.clone()),
                    Item::Text(data.indicator.code.clone()),
                    Item::Text(p.to_string()),
                    Item::Amount(f.and_then(|f| f.numerator)),
                    Item::Amount(f.and_then(|f| f.denominator)),
                    Item::Value(f.and_then(|f| f.value)),
                ]
            })
            .collect(),
    }
}

/// The chosen indicator's figures of the units below; the title is the heading alone.
fn children_figures(data: &Data, lang: Lang) -> Figures {
    let pick = |vi: &'static str, en: &'static str| lang.pick(vi, en);
    Figures {
        chart: "children",
        title: format!(
            "{}: {}",
            pick("So sánh các đơn vị cấp dưới", "The units below compared"),
            indicator_heading(data, lang)
        ),
        head: vec![
            pick("ma_don_vi", "unit"),
            pick("ten_don_vi", "unit_name"),
            pick("chi_tieu", "indicator"),
            pick("ky_bao_cao", "period"),
            pick("tu_so", "numerator"),
            pick("mau_so", "denominator"),
            pick("gia_tri", "value"),
        ],
        rows: data
            .children
            .iter()
            .map(|(u, f)| {
                let f = f.as_ref();
                vec![
                    Item::Text(u.code.clone()),
                    Item::Text(u.full_name.clone()),
                    Item::Text(data.indicator.code.clone()),
                    Item::Text(data.period.to_string()),
                    Item::Amount(f.and_then(|f| f.numerator)),
                    Item::Amount(f.and_then(|f| f.denominator)),
                    Item::Value(f.and_then(|f| f.value)),
                ]
            })
            .collect(),
    }
}

/// Every indicator against its target; the title is the heading alone.
fn assessment_figures(data: &Data, lang: Lang) -> Figures {
    let pick = |vi: &'static str, en: &'static str| lang.pick(vi, en);
    Figures {
        chart: "assessment",
        title: pick("Đánh giá thực hiện các chỉ tiêu", "Indicators against their targets").to_string(),
        head: vec![
            pick("chi_tieu", "indicator"),
            pick("ten", "name"),
            pick("ky_bao_cao", "period"),
            pick("gia_tri", "value"),
            pick("phep_so_sanh", "target_op"),
            pick("muc_tieu", "target"),
            pick("nguon_muc_tieu", "target_source"),
            pick("danh_gia", "status"),
            pick("gia_tri_ky_truoc", "previous_value"),
        ],
        rows: data
            .assessment
            .iter()
            .map(|a| {
                vec![
                    Item::Text(a.indicator.clone()),
                    Item::Text(lang.pick(&a.name_vi, &a.name_en).to_string()),
                    Item::Text(data.period.to_string()),
                    Item::Value(a.figure.value),
                    Item::Text(
                        a.target
                            .as_ref()
                            .map(|t| t.target.op.as_str().to_string())
                            .unwrap_or_default(),
                    ),
                    Item::Value(a.target.as_ref().map(|t| t.target.value)),
                    Item::Text(
                        a.target
                            .as_ref()
                            .map(|t| format!("{} {}", t.source, t.applies_to))
                            .unwrap_or_default(),
                    ),
                    Item::Text(format::status(a.status, lang).to_string()),
                    Item::Value(data.previous_figures.get(&a.indicator).copied().flatten()),
                ]
            })
            .collect(),
    }
}

/// The completeness and timeliness of the units below; the title is the heading alone.
fn completeness_figures(data: &Data, lang: Lang) -> Figures {
    let pick = |vi: &'static str, en: &'static str| lang.pick(vi, en);
    Figures {
        chart: "completeness",
        title: pick(
            "Tính đầy đủ và kịp thời của báo cáo cấp dưới",
            "Completeness and timeliness of the units below",
        )
        .to_string(),
        head: vec![
            pick("ma_don_vi", "unit"),
            pick("ten_don_vi", "unit_name"),
            pick("ky_bao_cao", "period"),
            pick("trang_thai", "state"),
            pick("han_nop", "deadline"),
            pick("gui_lan_dau", "first_submitted_at"),
            pick("dung_han", "timeliness"),
        ],
        rows: data
            .status
            .iter()
            .flat_map(|s| s.children.iter())
            .map(|c| {
                vec![
                    Item::Text(c.unit.code.clone()),
                    Item::Text(c.unit.full_name.clone()),
                    Item::Text(data.period.to_string()),
                    Item::Text(c.state.to_string()),
                    Item::Day(c.deadline),
                    Item::Text(c.first_submitted_at.clone().unwrap_or_default()),
                    Item::Text(format::timeliness(c.timeliness, lang).to_string()),
                ]
            })
            .collect(),
    }
}

/// Quotes a CSV field when it needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_line(fields: &[String]) -> String {
    let mut line = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// CSV: UTF-8 with a byte-order mark so that spreadsheet programs read Vietnamese letters;
/// numbers with `.` as decimal point, to 4 decimals; dates as YYYY-MM-DD.
fn csv_text(f: &Figures) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_line(&f.head.iter().map(|h| h.to_string()).collect::<Vec<_>>()));
    for row in &f.rows {
        let fields: Vec<String> = row
            .iter()
            .map(|item| match item {
                Item::Text(s) => s.clone(),
                Item::Amount(d) | Item::Value(d) => format::plain(*d),
                Item::Day(d) => d.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect();
        out.push_str(&csv_line(&fields));
    }
    out
}

/// XLSX: the same figures as real numbers (the CSV's, to 4 decimals) with display
/// formats (`#,##0`, `#,##0.0`, `dd/mm/yyyy`, tagged Vietnamese: `1.260`, `63,6`), the
/// heading row frozen; drawn by the reports' XLSX writer.
fn xlsx_bytes(f: &Figures, file_stem: &str, lang: Lang) -> Result<Vec<u8>, ApiError> {
    use binhdang_reports::model::{Align, Block, Cell, Column, NumFormat, Row, Table};
    let number = |d: Decimal, nf: NumFormat| -> Cell {
        let plain = format::plain(Some(d));
        Cell::number(format::number(d), plain.parse::<f64>().unwrap_or_default(), nf)
    };
    let mut numeric = vec![false; f.head.len()];
    let rows = f
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Item::Text(s) => Cell::text(s.clone()),
                    Item::Amount(None) | Item::Value(None) | Item::Day(None) => Cell::text(""),
                    Item::Amount(Some(d)) => {
                        numeric[i] = true;
                        let nf = if d.fract().is_zero() {
                            NumFormat::Integer
                        } else {
                            NumFormat::Decimal2
                        };
                        number(*d, nf)
                    }
                    Item::Value(Some(d)) => {
                        numeric[i] = true;
                        number(*d, NumFormat::Decimal1)
                    }
                    Item::Day(Some(d)) => {
                        Cell::number(format::date(*d), binhdang_reports::serial_date(*d), NumFormat::Date)
                    }
                })
                .collect();
            Row::Cells(cells)
        })
        .collect();
    let columns = f
        .head
        .iter()
        .zip(&numeric)
        .map(|(h, n)| Column::new(*h, 1.0, if *n { Align::Right } else { Align::Left }))
        .collect();
    let doc = binhdang_reports::Document {
        title: f.title.clone(),
        file_stem: file_stem.to_string(),
        draft: false,
        header: None,
        blocks: vec![Block::Table(Table {
            sheet: f.chart.to_string(),
            title: f.title.clone(),
            columns,
            rows,
            empty_text: (if lang == Lang::En {
                "No figures."
            } else {
                "Không có số liệu."
            })
            .to_string(),
            size: 11.0,
        })],
    };
    binhdang_reports::render(&doc, binhdang_reports::Format::Xlsx).map_err(|e| ApiError::Internal(e.to_string()))
}

/// `GET /bang-dieu-khien/csv?unit=&period=&indicator=&chart=series|children|assessment|completeness[&data=approved]`:
/// the figures of a chart or table as CSV.
pub async fn csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    download(&state, &session, &q, Download::Csv).await
}

/// `GET /bang-dieu-khien/xlsx?…` with the parameters of the CSV: the same figures as XLSX.
pub async fn xlsx(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    download(&state, &session, &q, Download::Xlsx).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Download {
    Csv,
    Xlsx,
}

async fn download(
    state: &AppState,
    session: &Session,
    q: &HashMap<String, String>,
    kind: Download,
) -> ApiResult<Response> {
    let data = load(state, session, q).await?;
    let chart = q.get("chart").map(String::as_str).unwrap_or("series");
    let f = figures(&data, chart, session.lang)?;
    let approved = if data.sums == Sums::Approved { "-approved" } else { "" };
    let stem = format!(
        "binhdang-{}-{}-{}-{}{approved}",
        data.unit.code, data.period, data.indicator.code, f.chart
    );
    let (body, content_type, ext) = if kind == Download::Xlsx {
        let format = binhdang_reports::Format::Xlsx;
        (
            xlsx_bytes(&f, &stem, session.lang)?,
            format.content_type(),
            format.extension(),
        )
    } else {
        (csv_text(&f).into_bytes(), "text/csv; charset=utf-8", "csv")
    };
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{stem}.{ext}\"")) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    Ok(r)
}
