//! The dashboard of a unit in the caller's scope for a period (`/bang-dieu-khien?unit=&period=
//! &indicator=`): every indicator's assessment (status, the target used and where it comes
//! from, the value, the change since the previous report), for one chosen indicator a time
//! series with the 2025 and 2030 targets and a bar chart of the units below (sorted), and
//! the completeness and timeliness of those units. Every chart has its table and a CSV file
//! of its figures (`/bang-dieu-khien/csv?…&chart=series|children|assessment|completeness`).

use super::reporting::{self, today};
use super::{Chrome, Session, format, render};
use crate::AppState;
use crate::auth::authorize;
use crate::error::ApiError;
use crate::lang::Lang;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use binhdang_domain::access::{Action, Reach};
use binhdang_domain::catalogue::Direction;
use binhdang_domain::{Indicator, MeasureKind, Period, PeriodType};
use binhdang_store::{Figure, UnitSummary};
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
    let today = today();
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
    let indicators = store.indicators().await?;
    let assessment = store.assessment(&unit, &period).await?;
    let previous = reporting::previous_report(&programmes, &period);
    let previous_figures = store
        .figures(&unit, &previous, &[])
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
        let figure = store.figures(&unit, &p, &only).await?.into_iter().next();
        series.push((p, figure));
    }
    let mut children = Vec::new();
    for child in store.reporting_children(&unit, &period).await? {
        let figure = store.figures(&child, &period, &only).await?.into_iter().next();
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
) -> Response {
    let result = async {
        let data = load(&state, &session, &q).await?;
        build(&state, &session, &q, data).await
    }
    .await;
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => session.api_error(e),
    }
}

async fn build(
    state: &AppState,
    session: &Session,
    q: &HashMap<String, String>,
    data: Data,
) -> Result<DashboardPage, ApiError> {
    let store = &state.store;
    let lang = session.lang;
    let today = today();
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
    } = data;
    let base = format!("/bang-dieu-khien?unit={}&period={period}", unit.code);

    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    let rows: Vec<AssessmentRow> = assessment
        .iter()
        .map(|a| {
            let ind = indicators.iter().find(|i| i.code == a.indicator);
            *counts.entry(format::status(a.status, lang)).or_default() += 1;
            let value = ind.map(|i| format::value(i, a.figure.value)).unwrap_or_default();
            let (target, source) = match (&a.target, ind) {
                (Some(t), Some(i)) => (
                    format::target(i, &t.target),
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
                    },
                ),
                _ => (format::NONE.into(), String::new()),
            };
            let before = previous_figures.get(&a.indicator).copied().flatten();
            let (trend_arrow, trend_text, trend_class) = match (a.figure.value, before, ind) {
                (Some(now), Some(then), Some(i)) => {
                    let delta = now - then;
                    let better = match i.direction {
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
                chart_href: format!("{base}&indicator={}#bieu-do", a.indicator),
                selected: a.indicator == indicator.code,
            }
        })
        .collect();
    let mut summary: Vec<String> = counts.into_iter().map(|(k, n)| format!("{k}: {n}")).collect();
    summary.sort();

    let name = if lang == Lang::En {
        indicator.name_en.clone()
    } else {
        indicator.name_vi.clone()
    };
    let suffix = unit_suffix(&indicator, lang);
    let mut targets = Vec::new();
    for year in [2025, 2030] {
        if let Some(t) = indicator.national_target(year) {
            let label = format!(
                "{} {year}: {}",
                session.t("Mục tiêu", "Target"),
                format::target(&indicator, &t)
            );
            targets
                .push(json!({ "label": label, "value": format::plain(Some(t.value)).parse::<f64>().unwrap_or(0.0) }));
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
    let children_missing = children.len() - with_value.len();
    let children_spec = json!({
        "kind": "bars",
        "name": format!("{} {}", indicator.code, name),
        "unit": suffix,
        "labels": with_value.iter().map(|(u, _)| u.full_name.clone()).collect::<Vec<_>>(),
        "values": with_value.iter().map(|(_, f)| as_number(f.as_ref().and_then(|f| f.value))).collect::<Vec<_>>(),
    })
    .to_string();
    let series_rows = series
        .iter()
        .map(|(p, f)| SeriesRow {
            period: format::period(p, lang),
            value: format::value(&indicator, f.as_ref().and_then(|f| f.value)),
            numerator: number_or_dash(f.as_ref().and_then(|f| f.numerator)),
            denominator: number_or_dash(f.as_ref().and_then(|f| f.denominator)),
        })
        .collect();
    let child_rows = children
        .iter()
        .map(|(u, f)| ChildRow {
            unit: u.full_name.clone(),
            href: format!(
                "/bang-dieu-khien?unit={}&period={period}&indicator={}",
                u.code, indicator.code
            ),
            value: format::value(&indicator, f.as_ref().and_then(|f| f.value)),
            numerator: number_or_dash(f.as_ref().and_then(|f| f.numerator)),
            denominator: number_or_dash(f.as_ref().and_then(|f| f.denominator)),
        })
        .collect();
    let (completeness, completeness_summary) = match &status {
        Some(report) => (
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
                .collect(),
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
            },
        ),
        None => (Vec::new(), String::new()),
    };
    // The parent, when the caller may see it.
    let parent = match &unit.parent_code {
        Some(code) => match store.unit_for_period(code, &period).await? {
            Some(p) if store.reach(&session.caller.user, &p).await? != Reach::Outside => {
                Some((format!("/bang-dieu-khien?unit={}&period={period}", p.code), p.full_name))
            }
            _ => None,
        },
        None => None,
    };
    let programmes = store.programmes().await?;
    let unit_now = store.unit_on(&unit.code, today).await.unwrap_or_else(|_| unit.clone());
    let mut period_choices: Vec<Period> = reporting::choices(&programmes, &unit_now, today);
    if unit_now.id != unit.id {
        for p in reporting::choices(&programmes, &unit, today) {
            if !period_choices.contains(&p) {
                period_choices.push(p);
            }
        }
    }
    if !period_choices.contains(&period) {
        period_choices.insert(0, period);
    }
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
    let children_level = children
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
        .to_string();
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
        summary: summary.join(" · "),
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
        series_spec,
        series: series_rows,
        children_spec,
        children_drawn: !with_value.is_empty(),
        children_missing,
        children: child_rows,
        children_level,
        completeness,
        completeness_summary,
        csv_base: format!(
            "/bang-dieu-khien/csv?unit={}&period={period}&indicator={}",
            unit.code, indicator.code
        ),
        echarts: super::asset_url(super::assets::ECHARTS),
    })
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

/// `GET /bang-dieu-khien/csv?unit=&period=&indicator=&chart=series|children|assessment|completeness`:
/// the figures of a chart or table as CSV (UTF-8 with a byte-order mark so that spreadsheet
/// programs read Vietnamese letters; numbers with `.` as decimal point, unrounded).
pub async fn csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let result = async {
        let data = load(&state, &session, &q).await?;
        let lang = session.lang;
        let en = lang == Lang::En;
        let plain = |d: Option<Decimal>| format::plain(d);
        let chart = q.get("chart").map(String::as_str).unwrap_or("series");
        let mut out = String::from("\u{feff}");
        match chart {
            "series" => {
                let head = if en {
                    ["unit", "indicator", "period", "numerator", "denominator", "value"]
                } else {
                    ["don_vi", "chi_tieu", "ky_bao_cao", "tu_so", "mau_so", "gia_tri"]
                };
                out.push_str(&csv_line(&head.map(String::from)));
                for (p, f) in &data.series {
                    let f = f.as_ref();
                    out.push_str(&csv_line(&[
                        data.unit.code.clone(),
                        data.indicator.code.clone(),
                        p.to_string(),
                        plain(f.and_then(|f| f.numerator)),
                        plain(f.and_then(|f| f.denominator)),
                        plain(f.and_then(|f| f.value)),
                    ]));
                }
            }
            "children" => {
                let head = if en {
                    [
                        "unit",
                        "unit_name",
                        "indicator",
                        "period",
                        "numerator",
                        "denominator",
                        "value",
                    ]
                } else {
                    [
                        "ma_don_vi",
                        "ten_don_vi",
                        "chi_tieu",
                        "ky_bao_cao",
                        "tu_so",
                        "mau_so",
                        "gia_tri",
                    ]
                };
                out.push_str(&csv_line(&head.map(String::from)));
                for (u, f) in &data.children {
                    let f = f.as_ref();
                    out.push_str(&csv_line(&[
                        u.code.clone(),
                        u.full_name.clone(),
                        data.indicator.code.clone(),
                        data.period.to_string(),
                        plain(f.and_then(|f| f.numerator)),
                        plain(f.and_then(|f| f.denominator)),
                        plain(f.and_then(|f| f.value)),
                    ]));
                }
            }
            "assessment" => {
                let head = if en {
                    [
                        "indicator",
                        "name",
                        "period",
                        "value",
                        "target_op",
                        "target",
                        "target_source",
                        "status",
                        "previous_value",
                    ]
                } else {
                    [
                        "chi_tieu",
                        "ten",
                        "ky_bao_cao",
                        "gia_tri",
                        "phep_so_sanh",
                        "muc_tieu",
                        "nguon_muc_tieu",
                        "danh_gia",
                        "gia_tri_ky_truoc",
                    ]
                };
                out.push_str(&csv_line(&head.map(String::from)));
                for a in &data.assessment {
                    out.push_str(&csv_line(&[
                        a.indicator.clone(),
                        if en { a.name_en.clone() } else { a.name_vi.clone() },
                        data.period.to_string(),
                        plain(a.figure.value),
                        a.target
                            .as_ref()
                            .map(|t| t.target.op.as_str().to_string())
                            .unwrap_or_default(),
                        plain(a.target.as_ref().map(|t| t.target.value)),
                        a.target
                            .as_ref()
                            .map(|t| format!("{} {}", t.source, t.applies_to))
                            .unwrap_or_default(),
                        format::status(a.status, lang).to_string(),
                        plain(data.previous_figures.get(&a.indicator).copied().flatten()),
                    ]));
                }
            }
            "completeness" => {
                let head = if en {
                    [
                        "unit",
                        "unit_name",
                        "period",
                        "state",
                        "deadline",
                        "first_submitted_at",
                        "timeliness",
                    ]
                } else {
                    [
                        "ma_don_vi",
                        "ten_don_vi",
                        "ky_bao_cao",
                        "trang_thai",
                        "han_nop",
                        "gui_lan_dau",
                        "dung_han",
                    ]
                };
                out.push_str(&csv_line(&head.map(String::from)));
                for c in data.status.iter().flat_map(|s| s.children.iter()) {
                    out.push_str(&csv_line(&[
                        c.unit.code.clone(),
                        c.unit.full_name.clone(),
                        data.period.to_string(),
                        c.state.to_string(),
                        c.deadline.map(|d| d.to_string()).unwrap_or_default(),
                        c.first_submitted_at.clone().unwrap_or_default(),
                        format::timeliness(c.timeliness, lang).to_string(),
                    ]));
                }
            }
            other => {
                return Err(ApiError::invalid(
                    "chart",
                    "unknown_chart",
                    format!("`{other}` is not a chart: series, children, assessment or completeness"),
                    format!("`{other}` không phải biểu đồ: series, children, assessment hoặc completeness"),
                ));
            }
        }
        let filename = format!(
            "binhdang-{}-{}-{}-{chart}.csv",
            data.unit.code, data.period, data.indicator.code
        );
        let mut r = out.into_response();
        let h = r.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
            h.insert(CONTENT_DISPOSITION, v);
        }
        Ok(r)
    }
    .await;
    match result {
        Ok(r) => r,
        Err(e) => session.api_error(e),
    }
}
