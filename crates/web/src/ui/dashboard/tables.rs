//! The dashboard page's parts: the assessment table, the charts' data, completeness, the
//! links to the unit above and to other periods.

use super::AssessmentRow;
use super::CompletenessRow;
use super::short_label;
use super::unit_suffix;
use crate::AppState;
use crate::error::ApiError;
use crate::lang::Lang;
use crate::ui::Session;
use crate::ui::format;
use crate::ui::reporting;
use binhdang_domain::Indicator;
use binhdang_domain::IndicatorCode;
use binhdang_domain::Period;
use binhdang_domain::Target;
use binhdang_domain::Window;
use binhdang_domain::access::Reach;
use binhdang_store::Figure;
use binhdang_store::Sums;
use binhdang_store::UnitSummary;
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::HashMap;

/// What the assessment table's rows are made with besides the assessment itself.
pub(super) struct AssessmentTable<'a> {
    pub(super) indicators: &'a [Indicator],
    pub(super) previous_figures: &'a HashMap<IndicatorCode, Option<Decimal>>,
    /// The dashboard's address, to which a row's link adds its indicator.
    pub(super) base: &'a str,
    /// The indicator whose charts are shown.
    pub(super) chosen: &'a str,
    pub(super) lang: Lang,
    /// Indicator → the unit's own 2026-2030 target (or the nearest unit above it).
    pub(super) targets_2030: &'a HashMap<String, Target>,
    /// The year the figures are for (a window's last).
    pub(super) year: i32,
}

impl AssessmentTable<'_> {
    /// A row per assessed indicator, and the count of indicators by status (`met: 3 · …`).
    pub(super) fn rows(&self, assessment: &[binhdang_store::Assessment]) -> (Vec<AssessmentRow>, String) {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let rows: Vec<AssessmentRow> = assessment.iter().map(|a| self.row(a)).collect();
        for row in &rows {
            *counts.entry(row.status.clone()).or_default() += 1;
        }
        let mut summary: Vec<String> = counts.into_iter().map(|(k, n)| format!("{k}: {n}")).collect();
        summary.sort();
        (rows, summary.join(" · "))
    }

    /// The row of one indicator's assessment.
    pub(super) fn row(&self, a: &binhdang_store::Assessment) -> AssessmentRow {
        let lang = self.lang;
        let ind = self.indicators.iter().find(|i| i.code == a.indicator);
        let mut value = ind.map(|i| format::value(i, a.figure.value)).unwrap_or_default();
        if a.figure.method == "stated_rate" {
            value.push_str(if lang == Lang::En {
                " (as stated)"
            } else {
                " (theo số liệu báo cáo)"
            });
        }
        let (target, source) = match (&a.target, ind) {
            (Some(t), Some(i)) => (format::target(i, &t.target), format::target_source(t, lang)),
            _ => (format::NONE.into(), String::new()),
        };
        let before = self.previous_figures.get(a.indicator.as_str()).copied().flatten();
        let (trend_arrow, trend_text, trend_class) = match (a.figure.value, before, ind) {
            (Some(now), Some(then), Some(i)) => format::trend(now - then, i.direction, lang),
            _ => ("", format::NONE.into(), ""),
        };
        let (status, status_class) = verdict(a, lang);
        let progress_2030 = match (ind, a.figure.value) {
            (Some(i), Some(value)) if i.measure != binhdang_domain::MeasureKind::Narrative => {
                let target = self
                    .targets_2030
                    .get(a.indicator.as_str())
                    .copied()
                    .or_else(|| i.national_target(2030));
                let current = binhdang_domain::assessment::Observation { year: self.year, value };
                let base = a.baseline.filter(|b| b.year < self.year);
                let p =
                    binhdang_domain::assessment::progress(i, base, Some(current), target.as_ref().map(|t| (2030, t)));
                lang.pick(p.label_vi(), p.label_en()).to_string()
            }
            _ => format::NONE.into(),
        };
        AssessmentRow {
            progress_2030,
            coverage: coverage(&a.figure, lang),
            partial: a.figure.completeness.reported < a.figure.completeness.expected,
            code: a.indicator.to_string(),
            name: if lang == Lang::En {
                a.name_en.clone()
            } else {
                a.name_vi.clone()
            },
            value,
            target,
            source,
            status,
            status_class,
            trend_arrow,
            trend_text,
            trend_class,
            chart_href: format!("{}&indicator={}#bieu-do", self.base, a.indicator),
            selected: a.indicator == self.chosen,
        }
    }
}

/// The share of the units that collect an indicator below which the dashboard gives no
/// verdict on their roll-up: half.
pub(super) const MIN_REPORTED_SHARE: (i64, i64) = (1, 2);

/// Fewer than [`MIN_REPORTED_SHARE`] of the units that collect the figure reported it.
pub(super) fn too_few_reported(figure: &Figure) -> bool {
    let c = &figure.completeness;
    let (n, d) = MIN_REPORTED_SHARE;
    c.expected > 1 && c.reported * d < c.expected * n
}

/// The verdict said of an assessed figure, and its class; none on a figure most of the units
/// have not reported yet, which would mislead (the page and the downloads alike).
pub(super) fn verdict(a: &binhdang_store::Assessment, lang: Lang) -> (String, &'static str) {
    if too_few_reported(&a.figure) {
        (
            lang.pick("Chưa đủ đơn vị báo cáo để đánh giá", "Too few units reported to judge")
                .to_string(),
            "s-no_data",
        )
    } else {
        (
            format::status(a.status, lang).to_string(),
            format::status_class(a.status),
        )
    }
}

/// What a figure rests on, said beside it: how many of the units that collect it reported
/// ("12/38 đơn vị có số liệu"), and over a phase, range or dates how it was built from which
/// periods. Empty for a unit's own figure built from one period.
pub(super) fn coverage(figure: &Figure, lang: Lang) -> String {
    let mut said = Vec::new();
    let c = &figure.completeness;
    if c.expected > 1 || (c.expected == 1 && c.reported == 0 && figure.value.is_some()) {
        said.push(match lang {
            Lang::Vi => format!("{}/{} đơn vị có số liệu", c.reported, c.expected),
            Lang::En => format!("{} of {} units reported", c.reported, c.expected),
        });
    }
    if let Some(over) = figure.over_time.as_ref().filter(|o| !o.used.is_empty()) {
        let used: Vec<String> = over
            .used
            .iter()
            .map(|id| {
                id.parse::<Period>()
                    .map(|p| format::period(&p, lang))
                    .unwrap_or(id.clone())
            })
            .collect();
        said.push(match lang {
            Lang::Vi => format!("{}: {}", over.time_aggregation.label_vi(), used.join(", ")),
            Lang::En => format!("{}: {}", over.time_aggregation.label_en(), used.join(", ")),
        });
    }
    said.join("; ")
}

/// The specifications of the two charts (as JSON for the page's script), and how many of
/// the units below are left off the bar chart for want of a value.
pub(super) struct Charts {
    pub(super) series_spec: String,
    pub(super) children_spec: String,
    pub(super) children_drawn: bool,
    pub(super) children_missing: usize,
}

impl Charts {
    /// The time series with the 2025 and 2030 targets — the ones the table judges against: the
    /// unit's own (or the nearest unit above it) for the phase where one is set, else the
    /// national — and the bars of the units below.
    pub(super) fn new(
        session: &Session,
        indicator: &Indicator,
        name: &str,
        series: &[(Period, Option<Figure>)],
        children: &[(UnitSummary, Option<Figure>)],
        local: &[(i32, Target, String)],
    ) -> Charts {
        let lang = session.lang;
        let suffix = unit_suffix(indicator, lang);
        let mut targets = Vec::new();
        for year in [2025, 2030] {
            let own = local.iter().find(|(y, _, _)| *y == year);
            let target = own.map(|(_, t, _)| *t).or_else(|| indicator.national_target(year));
            if let Some(t) = target {
                let source = match (own, lang) {
                    (Some((_, _, by)), Lang::Vi) => format!(" (địa phương, {by})"),
                    (Some((_, _, by)), Lang::En) => format!(" (local, {by})"),
                    (None, Lang::Vi) => " (quốc gia)".to_string(),
                    (None, Lang::En) => " (national)".to_string(),
                };
                let label = format!(
                    "{} {year}{source}: {}",
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
            // Men's and women's lines, for an indicator entered by sex.
            "by_sex": series.iter().any(|(_, f)| f.as_ref().is_some_and(|f| f.by_sex.is_some())).then(|| json!({
                "male_label": session.t("Nam", "Men"),
                "female_label": session.t("Nữ", "Women"),
                "male": series.iter().map(|(_, f)| as_number(f.as_ref().and_then(|f| f.by_sex.as_ref()).and_then(|s| s.male.value))).collect::<Vec<_>>(),
                "female": series.iter().map(|(_, f)| as_number(f.as_ref().and_then(|f| f.by_sex.as_ref()).and_then(|s| s.female.value))).collect::<Vec<_>>(),
            })),
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
pub(super) fn completeness_rows(report: &binhdang_store::StatusReport, lang: Lang) -> Vec<CompletenessRow> {
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
pub(super) fn completeness_summary(report: &binhdang_store::StatusReport, lang: Lang) -> String {
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
pub(super) async fn parent_link(
    state: &AppState,
    session: &Session,
    unit: &UnitSummary,
    window: &Window,
    data_q: &str,
) -> Result<Option<(String, String)>, ApiError> {
    let store = &state.store;
    // The parent, when the caller may see it.
    Ok(match &unit.parent_code {
        Some(code) => match store.unit_for_span(code, window.start(), window.end()).await? {
            Some(p) if store.reach(&session.caller.user, &p).await? != Reach::Outside => Some((
                format!("/bang-dieu-khien?unit={}&period={window}{data_q}", p.code),
                p.full_name,
            )),
            _ => None,
        },
        None => None,
    })
}

/// The periods to choose from: those the unit (as it is today, and as it was) reports in,
/// and the period shown.
pub(super) async fn period_choices(
    state: &AppState,
    unit: &UnitSummary,
    window: &Window,
) -> Result<Vec<Period>, ApiError> {
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
    if let Some(period) = window.period()
        && !period_choices.contains(&period)
    {
        period_choices.insert(0, period);
    }
    Ok(period_choices)
}

/// What the units below are called, from the first one's level: `huyện`, `districts`.
pub(super) fn children_level(children: &[(UnitSummary, Option<Figure>)], lang: Lang) -> String {
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
pub(super) fn data_query(sums: Sums) -> &'static str {
    match sums {
        Sums::All => "",
        Sums::Approved => "&data=approved",
    }
}

pub(super) fn download_base(
    ext: &str,
    unit: &UnitSummary,
    window: &Window,
    indicator: &Indicator,
    sums: Sums,
) -> String {
    format!(
        "/bang-dieu-khien/{ext}?unit={}&period={window}&indicator={}{}",
        unit.code,
        indicator.code,
        data_query(sums)
    )
}
