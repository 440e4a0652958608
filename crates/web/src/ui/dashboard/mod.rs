//! The dashboard of a unit in the caller's scope for a period (`/bang-dieu-khien?unit=&period=
//! &indicator=`), a range of periods (`period=2021..2024H1`) or dates (`from=01/01/2021&to=
//! 30/07/2024`, or `period=2021-01-01..2024-07-30`): every indicator's assessment (status, the target used and where it comes
//! from, the value, the change since the previous report), for one chosen indicator a time
//! series with the 2025 and 2030 targets and a bar chart of the units below (sorted), and
//! the completeness and timeliness of those units. Every chart has its table and a CSV file
//! of its figures (`/bang-dieu-khien/csv?…&chart=series|children|assessment|completeness`).

mod downloads;
mod tables;
pub(crate) mod tiles;

pub use downloads::{csv, xlsx};

use super::Chrome;
use super::Session;
use super::format;
use super::render;
use super::reporting;
use crate::AppState;
use crate::auth::authorize;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::lang::Lang;
use askama::Template;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use binhdang_domain::Indicator;
use binhdang_domain::IndicatorCode;
use binhdang_domain::MeasureKind;
use binhdang_domain::Period;
use binhdang_domain::PeriodType;
use binhdang_domain::Window;
use binhdang_domain::access::Action;
use binhdang_domain::catalogue::Direction;
use binhdang_domain::disclosure::{FigurePart, sees_small_counts};
use binhdang_engine::disclosure::protect_figures;
use binhdang_store::Figure;
use binhdang_store::Sums;
use binhdang_store::UnitSummary;
use rust_decimal::Decimal;
use std::collections::HashMap;
use tables::AssessmentTable;
use tables::Charts;
use tables::children_level;
use tables::completeness_rows;
use tables::completeness_summary;
use tables::data_query;
use tables::download_base;
use tables::parent_link;
use tables::period_choices;

pub struct AssessmentRow {
    pub code: String,
    pub name: String,
    pub value: String,
    /// What the value rests on: units that reported, periods used (see `tables::coverage`).
    pub coverage: String,
    /// Fewer units reported than collect the indicator.
    pub partial: bool,
    pub target: String,
    pub source: String,
    pub status: String,
    pub status_class: &'static str,
    pub trend_arrow: &'static str,
    pub trend_text: String,
    pub trend_class: &'static str,
    /// Progress toward the 2030 target (the unit's own for 2026-2030, else the national).
    pub progress_2030: String,
    pub chart_href: String,
    pub selected: bool,
}

/// One period of the series by sex: women's and men's values and the gap between them.
pub struct SexRow {
    pub period: String,
    pub male: String,
    pub female: String,
    /// Women's value minus men's (`+3,5`, `-1,0`), in the indicator's unit.
    pub gap: String,
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
pub(super) struct DashboardPage {
    c: Chrome,
    unit_code: String,
    unit_name: String,
    period_label: String,
    /// The report compared with; empty for a range or dates.
    previous_label: String,
    /// A window of dates as typed (dd/mm/yyyy), for the dates form.
    window_from: String,
    window_to: String,
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
    /// The series by sex, for an indicator entered by sex (empty otherwise).
    by_sex: Vec<SexRow>,
    children_spec: String,
    children_drawn: bool,
    children_missing: usize,
    children: Vec<ChildRow>,
    children_level: String,
    /// The provinces as a tile grid map, on the country's dashboard (empty elsewhere).
    tiles: Vec<tiles::Tile>,
    /// The target the tiles are judged against, said in the caption.
    tiles_target: String,
    completeness: Vec<CompletenessRow>,
    completeness_summary: String,
    csv_base: String,
    xlsx_base: String,
    approved_only: bool,
    echarts: String,
}

/// Everything the dashboard and its CSV files are made of.
pub(super) struct Data {
    unit: UnitSummary,
    window: Window,
    /// The report before, to compare with; none for a range or dates.
    previous: Option<Period>,
    indicator: Indicator,
    assessment: Vec<binhdang_store::Assessment>,
    previous_figures: HashMap<IndicatorCode, Option<Decimal>>,
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
        .unwrap_or_else(|| user.unit.code.to_string());
    let typed = super::request::typed_window(q)?;
    let asked = typed
        .as_deref()
        .or(q.get("period").map(|s| s.trim()).filter(|s| !s.is_empty()));
    let window: Window = match asked {
        Some(p) => p.parse().map_err(|e: binhdang_domain::WindowError| {
            ApiError::invalid("period", "bad_period", e.to_string(), e.message_vi())
        })?,
        None => {
            // The last full year, where the unit reported in it.
            let last_year = Period::Year(today.year() - 1);
            let unit_now = store
                .unit_on(&code, today)
                .await
                .map_err(|_| ApiError::Invalid(vec![binhdang_store::unknown_unit("unit", &code)]))?;
            Window::from(if reporting::reports_in(&unit_now, &last_year) {
                last_year
            } else {
                reporting::choices(&programmes, &unit_now, today)
                    .first()
                    .copied()
                    .unwrap_or(last_year)
            })
        }
    };
    let unit = match store.unit_for_span(&code, window.start(), window.end()).await? {
        Some(u) => u,
        None => store
            .unit_on(&code, today)
            .await
            .map_err(|_| ApiError::Invalid(vec![binhdang_store::unknown_unit("unit", &code)]))?,
    };
    authorize(state, &session.caller, &unit, Action::Read).await?;
    let sums = crate::api::monitoring::sums_param(q)?;
    let indicators = store.indicators().await?;
    let mut assessment = store.assessment_over(sums, &unit, &window).await?;
    if !sees_small_counts(Some(user.role)) {
        binhdang_engine::disclosure::protect_assessment(store, &mut assessment).await?;
    }
    let previous = window.period().map(|p| reporting::previous_report(&programmes, &p));
    let mut previous_figures = HashMap::new();
    if let Some(previous) = &previous {
        let mut figures = store.figures_of(sums, &unit, previous, &[]).await?;
        if !sees_small_counts(Some(user.role)) {
            protect_figures(store, &mut figures).await?;
        }
        for f in figures {
            previous_figures.insert(f.indicator.clone(), f.value);
        }
    }
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
    // A period's series runs over the periods of its kind; a range's or dates' over the
    // periods they are built from.
    let timeline = match window.period() {
        Some(p) => timeline(&p),
        None => window.parts(),
    };
    let mut series = Vec::new();
    for p in timeline {
        let figure = store.figures_of(sums, &unit, &p, &only).await?.into_iter().next();
        series.push((p, figure));
    }
    let below = store.reporting_children(&unit, window).await?;
    let figures = store.figures_over_units(sums, &below, &window, &only).await?;
    let mut children: Vec<_> = below
        .into_iter()
        .zip(figures)
        .map(|(child, figures)| (child, figures.into_iter().next()))
        .collect();
    if !sees_small_counts(Some(user.role)) {
        // One decision over the series and the units below, as the open-data pages make it.
        let slots = series
            .iter_mut()
            .map(|(_, f)| f)
            .chain(children.iter_mut().map(|(_, f)| f))
            .collect();
        binhdang_engine::disclosure::protect_present(store, slots).await?;
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
    let status = match window.period() {
        Some(period) => match store.programme_for(&period).await? {
            Some(programme) => Some(store.status(&unit, &programme, &period, today).await?),
            None => None,
        },
        None => None,
    };
    let mapping = store.mapping_used_until(&unit, window.end()).await?;
    Ok(Data {
        unit,
        window,
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

/// A figure's number for the tables, with what small-cell protection withheld marked.
fn part_or_dash(indicator: &Indicator, f: Option<&Figure>, part: FigurePart) -> String {
    match f {
        Some(f) => format::figure_part(indicator, f, part, binhdang_domain::Disaggregation::Total),
        None => format::NONE.into(),
    }
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
        window,
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
    let base = format!("/bang-dieu-khien?unit={}&period={window}{data_q}", unit.code);

    let name = lang.pick(&indicator.name_vi, &indicator.name_en).to_string();
    // The unit's own targets (or the nearest unit above it) for each phase's last year.
    let mut local: Vec<(i32, String, binhdang_domain::Target, String)> = Vec::new();
    for (year, from) in [(2025, 2021), (2030, 2026)] {
        let phase = Period::Phase { from, to: year };
        for (code, target, by) in store.local_targets_set(&unit, &phase).await? {
            local.push((year, code, target, by));
        }
    }
    let chart_targets: Vec<(i32, binhdang_domain::Target, String)> = local
        .iter()
        .filter(|(_, code, _, _)| *code == indicator.code)
        .map(|(year, _, t, by)| (*year, *t, by.clone()))
        .collect();
    let charts = Charts::new(session, &indicator, &name, &series, &children, &chart_targets);
    let targets_2030: HashMap<String, binhdang_domain::Target> = local
        .iter()
        .filter(|(year, _, _, _)| *year == 2030)
        .map(|(_, code, t, _)| (code.clone(), *t))
        .collect();
    let table = AssessmentTable {
        indicators: &indicators,
        previous_figures: &previous_figures,
        base: &base,
        chosen: &indicator.code,
        lang,
        targets_2030: &targets_2030,
        year: window.milestone_year(),
    };
    let (rows, summary) = table.rows(&assessment);
    let series_rows = series_rows(&series, &indicator, lang);
    let by_sex = sex_rows(&series, &indicator, lang);
    let child_rows = child_rows(&children, &indicator, &window, data_q);
    let (tiles, tiles_target) = tiles::tile_map(session, &children, &indicator, &window, data_q);
    let (completeness, completeness_summary) = match &status {
        Some(report) => (completeness_rows(report, lang), completeness_summary(report, lang)),
        None => (Vec::new(), String::new()),
    };
    let parent = parent_link(state, session, &unit, &window, data_q).await?;
    let mut periods: Vec<Choice> = period_choices(state, &unit, &window)
        .await?
        .iter()
        .map(|p| Choice {
            id: p.to_string(),
            label: format::period(p, lang),
            selected: Some(*p) == window.period(),
        })
        .collect();
    if window.period().is_none() {
        periods.insert(
            0,
            Choice {
                id: window.to_string(),
                label: format::window(&window, lang),
                selected: true,
            },
        );
    }
    let title = format!(
        "{} — {} — {}",
        session.t("Bảng điều khiển", "Dashboard"),
        unit.full_name,
        format::window(&window, lang)
    );
    let mut c = session.chrome(title, "/bang-dieu-khien");
    if q.get("msg").map(String::as_str) == Some("password_changed") {
        c = c.with_notice("ok", session.t("Đã đổi mật khẩu.", "Your password has been changed."));
    }
    let children_level = children_level(&children, lang);
    Ok(DashboardPage {
        c,
        unit_code: unit.code.to_string(),
        unit_name: unit.full_name.clone(),
        period_label: format::window(&window, lang),
        previous_label: previous.map(|p| format::period(&p, lang)).unwrap_or_default(),
        window_from: if window.period().is_none() {
            format::date(window.start())
        } else {
            String::new()
        },
        window_to: if window.period().is_none() {
            format::date(window.end())
        } else {
            String::new()
        },
        parent,
        periods,
        indicators: indicators
            .iter()
            .map(|i| Choice {
                id: i.code.to_string(),
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
        chart_code: indicator.code.to_string(),
        chart_name: name,
        series_spec: charts.series_spec,
        series: series_rows,
        by_sex,
        children_spec: charts.children_spec,
        children_drawn: charts.children_drawn,
        children_missing: charts.children_missing,
        children: child_rows,
        children_level,
        tiles,
        tiles_target,
        completeness,
        completeness_summary,
        csv_base: download_base("csv", &unit, &window, &indicator, sums),
        xlsx_base: download_base("xlsx", &unit, &window, &indicator, sums),
        approved_only: sums == Sums::Approved,
        echarts: super::asset_url(super::assets::ECHARTS),
    })
}

/// The series by sex: a row per period that has both sexes' values, with the gap (women −
/// men), for the indicators entered by sex.
fn sex_rows(series: &[(Period, Option<Figure>)], indicator: &Indicator, lang: Lang) -> Vec<SexRow> {
    series
        .iter()
        .filter_map(|(p, f)| {
            let by_sex = f.as_ref()?.by_sex.as_ref()?;
            let (male, female) = (by_sex.male.value?, by_sex.female.value?);
            let gap = female - male;
            let sign = if gap > Decimal::ZERO { "+" } else { "" };
            Some(SexRow {
                period: format::period(p, lang),
                male: format::value(indicator, Some(male)),
                female: format::value(indicator, Some(female)),
                gap: format!("{sign}{}", binhdang_domain::vn::format_number(gap, Some(1))),
            })
        })
        .collect()
}

/// The table under the time series: a row per period.
fn series_rows(series: &[(Period, Option<Figure>)], indicator: &Indicator, lang: Lang) -> Vec<SeriesRow> {
    series
        .iter()
        .map(|(p, f)| SeriesRow {
            period: format::period(p, lang),
            value: part_or_dash(indicator, f.as_ref(), FigurePart::Value),
            numerator: part_or_dash(indicator, f.as_ref(), FigurePart::Numerator),
            denominator: part_or_dash(indicator, f.as_ref(), FigurePart::Denominator),
        })
        .collect()
}

/// The table under the bar chart: a row per unit below, linking to its dashboard.
fn child_rows(
    children: &[(UnitSummary, Option<Figure>)],
    indicator: &Indicator,
    window: &Window,
    data_q: &str,
) -> Vec<ChildRow> {
    children
        .iter()
        .map(|(u, f)| ChildRow {
            unit: u.full_name.clone(),
            href: format!(
                "/bang-dieu-khien?unit={}&period={window}{data_q}&indicator={}",
                u.code, indicator.code
            ),
            value: part_or_dash(indicator, f.as_ref(), FigurePart::Value),
            numerator: part_or_dash(indicator, f.as_ref(), FigurePart::Numerator),
            denominator: part_or_dash(indicator, f.as_ref(), FigurePart::Denominator),
        })
        .collect()
}
