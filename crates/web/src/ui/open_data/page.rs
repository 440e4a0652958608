//! What the open-data pages show, read from approved reports only and with small cells
//! withheld.

use super::Place;
use super::chart;
use super::chart::TargetLine;
use crate::error::ApiError;
use crate::lang::Lang;
use crate::ui::dashboard::tiles::{Tile, province_tiles};
use crate::ui::format;
use askama::Template;
use binhdang_domain::catalogue::{Aggregation, Indicator, MeasureKind};
use binhdang_domain::disclosure::{DEFAULT_THRESHOLD, FigurePart};
use binhdang_domain::{Disaggregation, Period, UnitCode, Window};
use binhdang_engine::disclosure::protect_present;
use binhdang_store::{Figure, Store, Sums, UnitSummary};
use serde_json::json;

/// The first year of the Strategy 2021–2030.
const FIRST_YEAR: i32 = 2021;

pub struct Link {
    pub label: String,
    pub href: String,
}

pub struct IndicatorLink {
    pub code: String,
    pub name: String,
    pub href: String,
}

pub struct ObjectiveBlock {
    pub number: u32,
    pub name: String,
    pub href: String,
    pub indicators: Vec<IndicatorLink>,
}

#[derive(Template)]
#[template(path = "open_data_index.html")]
pub struct IndexPage {
    pub p: Place,
    pub title: String,
    pub crumbs: Vec<Link>,
    pub objectives: Vec<ObjectiveBlock>,
    pub updated: String,
}

/// An indicator on its objective's page: the country's latest approved value and the targets.
pub struct IndicatorLine {
    pub link: IndicatorLink,
    pub latest: String,
    pub targets: String,
}

#[derive(Template)]
#[template(path = "open_data_objective.html")]
pub struct ObjectivePage {
    pub p: Place,
    pub title: String,
    pub crumbs: Vec<Link>,
    pub indicators: Vec<IndicatorLine>,
    pub updated: String,
}

/// A row of numbers: the value, its numerator and denominator, women's and men's values.
pub struct Row {
    pub label: String,
    pub href: Option<String>,
    pub value: String,
    pub numerator: String,
    pub denominator: String,
    pub female: String,
    pub male: String,
}

#[derive(Template)]
#[template(path = "open_data_indicator.html")]
pub struct IndicatorPage {
    pub p: Place,
    pub title: String,
    pub crumbs: Vec<Link>,
    pub unit_name: String,
    /// The latest year's value, and the target it is measured against.
    pub headline: String,
    pub about: Vec<(String, String)>,
    pub targets: Vec<(String, String)>,
    pub chart: String,
    pub by_sex: bool,
    pub years: Vec<Row>,
    pub drill_year: String,
    pub children: Vec<Row>,
    /// The 34 provinces on the dashboard's tile grid, on the country's page after the reform.
    pub tiles: Vec<Tile>,
    pub withheld: bool,
    pub threshold: u32,
    pub csv_href: String,
    pub updated: String,
}

async fn updated(store: &Store) -> Result<String, ApiError> {
    Ok(store
        .last_approval()
        .await?
        .map(|t| format::timestamp(&t).chars().take(10).collect())
        .unwrap_or_else(|| format::NONE.to_string()))
}

fn years(store: &Store) -> Vec<i32> {
    (FIRST_YEAR..=store.today().year()).collect()
}

fn name(i: &Indicator, lang: Lang) -> String {
    lang.pick(&i.name_vi, &i.name_en).clone()
}

pub async fn index(store: &Store, p: Place) -> Result<IndexPage, ApiError> {
    let indicators = store.indicators().await?;
    let objectives = store
        .objectives()
        .await?
        .into_iter()
        .map(|o| ObjectiveBlock {
            number: o.number,
            name: p.lang.pick(&o.name_vi, &o.name_en).clone(),
            href: p.href(&format!("muc-tieu/{}/", o.number)),
            indicators: indicators
                .iter()
                .filter(|i| i.objective == o.number)
                .map(|i| IndicatorLink {
                    code: i.code.to_string(),
                    name: name(i, p.lang),
                    href: p.href(&format!("chi-tieu/{}/", i.code)),
                })
                .collect(),
        })
        .collect();
    Ok(IndexPage {
        title: p.t("Dữ liệu mở về bình đẳng giới", "Open data on gender equality"),
        crumbs: Vec::new(),
        objectives,
        updated: updated(store).await?,
        p,
    })
}

pub async fn objective(store: &Store, p: Place, number: u32) -> Result<Option<ObjectivePage>, ApiError> {
    let Some(o) = store.objectives().await?.into_iter().find(|o| o.number == number) else {
        return Ok(None);
    };
    let mut indicators = Vec::new();
    for i in store.indicators().await?.iter().filter(|i| i.objective == number) {
        let latest = match latest(store, i).await? {
            Some((year, f)) => format!("{} ({year})", format::value(i, f.value)),
            None => format::NONE.to_string(),
        };
        let targets = i
            .national_targets
            .iter()
            .map(|t| format!("{}: {}", t.year, format::target(i, &t.target)))
            .collect::<Vec<_>>()
            .join("; ");
        indicators.push(IndicatorLine {
            link: IndicatorLink {
                code: i.code.to_string(),
                name: name(i, p.lang),
                href: p.href(&format!("chi-tieu/{}/", i.code)),
            },
            latest,
            targets,
        });
    }
    Ok(Some(ObjectivePage {
        title: format!(
            "{} {number}: {}",
            p.t("Mục tiêu", "Objective"),
            p.lang.pick(&o.name_vi, &o.name_en)
        ),
        crumbs: vec![Link {
            label: p.t("Dữ liệu mở", "Open data"),
            href: p.href(""),
        }],
        indicators,
        updated: updated(store).await?,
        p,
    }))
}

/// The country's latest year with an approved value of the indicator, small cells withheld.
async fn latest(store: &Store, indicator: &Indicator) -> Result<Option<(i32, Figure)>, ApiError> {
    let only = [indicator.code.clone()];
    for year in years(store).into_iter().rev() {
        let Some(country) = unit_in(store, UnitCode::COUNTRY, year).await? else {
            continue;
        };
        let mut figures = store
            .figures_over(Sums::Approved, &country, &year_window(year), &only)
            .await?;
        binhdang_engine::disclosure::protect_figures(store, &mut figures).await?;
        if let Some(f) = figures.into_iter().find(|f| f.value.is_some()) {
            return Ok(Some((year, f)));
        }
    }
    Ok(None)
}

/// The unit a code names in a year, standing at some time of it.
async fn unit_in(store: &Store, code: &str, year: i32) -> Result<Option<UnitSummary>, ApiError> {
    let period = Period::Year(year);
    Ok(store.unit_for_span(code, period.start(), period.end()).await?)
}

/// A year as a window: its own report where there is one, else made of its halves (a unit that
/// reports every half-year has a figure for the year too).
fn year_window(year: i32) -> Window {
    format!("{year}..{year}")
        .parse()
        .unwrap_or_else(|_| Window::from(Period::Year(year)))
}

/// Figures of the indicator from approved reports, small cells withheld.
struct Series {
    /// Each year with the unit as it stood then.
    years: Vec<(i32, Option<Figure>)>,
    drill: Drill,
}

/// The last year with data (else the last year), the unit as it stood then, and the units
/// below it with their figures.
struct Drill {
    year: i32,
    unit: UnitSummary,
    children: Vec<(UnitSummary, Option<Figure>)>,
}

async fn series(store: &Store, indicator: &Indicator, code: &str) -> Result<Option<Series>, ApiError> {
    let only = [indicator.code.clone()];
    let mut by_year = Vec::new();
    let mut last_unit = None;
    for year in years(store) {
        let Some(unit) = unit_in(store, code, year).await? else {
            by_year.push((year, None));
            continue;
        };
        let figure = store
            .figures_over(Sums::Approved, &unit, &year_window(year), &only)
            .await?
            .into_iter()
            .next();
        let has_data = figure
            .as_ref()
            .is_some_and(|f| f.value.is_some() || f.numerator.is_some());
        if has_data || last_unit.is_none() {
            last_unit = Some((year, unit));
        }
        by_year.push((year, figure));
    }
    let Some((drill_year, unit)) = last_unit else {
        return Ok(None);
    };
    let below = store
        .reporting_children(&unit, Window::from(Period::Year(drill_year)))
        .await?;
    let figures = store
        .figures_over_units(Sums::Approved, &below, &year_window(drill_year), &only)
        .await?;
    let mut children: Vec<_> = below
        .into_iter()
        .zip(figures)
        .map(|(child, figures)| (child, figures.into_iter().next()))
        .collect();
    // One decision over every figure of the page, so that no total gives a cell back.
    let slots = by_year
        .iter_mut()
        .map(|(_, f)| f)
        .chain(children.iter_mut().map(|(_, f)| f))
        .collect();
    protect_present(store, slots).await?;
    Ok(Some(Series {
        years: by_year,
        drill: Drill {
            year: drill_year,
            unit,
            children,
        },
    }))
}

fn row(indicator: &Indicator, label: String, href: Option<String>, f: Option<&Figure>) -> Row {
    let none = || format::NONE.to_string();
    match f {
        None => Row {
            label,
            href,
            value: none(),
            numerator: none(),
            denominator: none(),
            female: none(),
            male: none(),
        },
        Some(f) => Row {
            label,
            href,
            value: format::figure_part(indicator, f, FigurePart::Value, Disaggregation::Total),
            numerator: format::figure_part(indicator, f, FigurePart::Numerator, Disaggregation::Total),
            denominator: format::figure_part(indicator, f, FigurePart::Denominator, Disaggregation::Total),
            female: format::figure_part(indicator, f, FigurePart::Value, Disaggregation::Female),
            male: format::figure_part(indicator, f, FigurePart::Value, Disaggregation::Male),
        },
    }
}

fn about(indicator: &Indicator, lang: Lang) -> Vec<(String, String)> {
    let t = |vi: &str, en: &str| lang.pick(vi, en).to_string();
    let mut out = vec![(t("Chỉ tiêu", "Indicator"), name(indicator, lang))];
    if let Some(n) = &indicator.numerator_vi {
        out.push((t("Tử số", "Numerator"), n.clone()));
    }
    if let Some(d) = &indicator.denominator_vi {
        out.push((t("Mẫu số", "Denominator"), d.clone()));
    }
    let unit = match indicator.measure {
        MeasureKind::Percent => t("tỷ lệ phần trăm (%)", "percentage (%)"),
        MeasureKind::Per100 => t("số trên 100", "per 100"),
        MeasureKind::Per1000 => t("số trên 1.000", "per 1,000"),
        MeasureKind::Per100000 => t("số trên 100.000", "per 100,000"),
        MeasureKind::Ratio => t("lần", "times"),
        MeasureKind::Hours => t("giờ", "hours"),
        MeasureKind::Count => t("số lượng", "count"),
        MeasureKind::YesNo => t("có/không", "yes/no"),
        MeasureKind::Narrative => t("mô tả", "narrative"),
    };
    out.push((t("Đơn vị tính", "Unit of measure"), unit));
    let method = match indicator.aggregation {
        Aggregation::SumRatio => t(
            "Cộng tử số và mẫu số của các đơn vị bên dưới rồi chia; không lấy bình quân các tỷ lệ.",
            "The units' numerators and denominators are added up, then divided; rates are never averaged.",
        ),
        Aggregation::ShareOfUnits => t(
            "Số đơn vị đạt trên số đơn vị báo cáo.",
            "Units meeting the condition over the units reporting.",
        ),
        Aggregation::Survey => t(
            "Số liệu điều tra ở cấp thu thập; không cộng dồn.",
            "A survey figure at the level it is collected at; not summed.",
        ),
    };
    out.push((t("Cách tổng hợp", "How it rolls up"), method));
    out.push((
        t("Tổng hợp theo thời gian", "Over time"),
        lang.pick(
            indicator.time_aggregation.label_vi(),
            indicator.time_aggregation.label_en(),
        )
        .to_string(),
    ));
    out.push((
        t("Cơ quan chịu trách nhiệm", "Responsible agency"),
        indicator.responsible_agency.clone(),
    ));
    out.push((
        t("Nguồn số liệu", "Source"),
        t(
            "Báo cáo định kỳ của các đơn vị đã được phê duyệt trên binhdang (Nghị quyết 28/NQ-CP).",
            "The units' periodic reports approved in binhdang (Resolution 28/NQ-CP).",
        ),
    ));
    out
}

async fn targets(
    store: &Store,
    indicator: &Indicator,
    unit: Option<&UnitSummary>,
    lang: Lang,
) -> Result<Vec<TargetLine>, ApiError> {
    let mut out = Vec::new();
    for t in &indicator.national_targets {
        out.push(TargetLine {
            label: format!("{} {}", lang.pick("Quốc gia, năm", "National, by"), t.year),
            text: format::target(indicator, &t.target),
            target: t.target,
        });
    }
    if let Some(unit) = unit.filter(|u| u.code != UnitCode::COUNTRY) {
        for (from, to) in [(2021, 2025), (2026, 2030)] {
            let phase = Period::Phase { from, to };
            for (code, target, set_by) in store.local_targets_set(unit, &phase).await? {
                if code == indicator.code {
                    out.push(TargetLine {
                        label: format!("{} {to} ({set_by})", lang.pick("Địa phương, năm", "Local, by")),
                        text: format::target(indicator, &target),
                        target,
                    });
                }
            }
        }
    }
    Ok(out)
}

pub async fn indicator(
    store: &Store,
    p: Place,
    code: &str,
    unit_code: Option<&str>,
) -> Result<Option<IndicatorPage>, ApiError> {
    let Some(indicator) = store.indicators().await?.into_iter().find(|i| i.code == code) else {
        return Ok(None);
    };
    let unit_code = unit_code.unwrap_or(UnitCode::COUNTRY);
    let Some(series) = series(store, &indicator, unit_code).await? else {
        return Ok(None);
    };
    let lang = p.lang;
    let drill_unit = &series.drill.unit;
    let unit_name = drill_unit.full_name.clone();
    let targets = targets(store, &indicator, Some(drill_unit), lang).await?;
    let by_sex = series
        .years
        .iter()
        .any(|(_, f)| f.as_ref().is_some_and(|f| f.by_sex.is_some()));
    let years: Vec<Row> = series
        .years
        .iter()
        .map(|(y, f)| row(&indicator, y.to_string(), None, f.as_ref()))
        .collect();
    let chart = chart::svg(&indicator, &series.years, &targets, lang);
    let latest = series
        .years
        .iter()
        .rev()
        .find_map(|(y, f)| f.as_ref().filter(|f| f.value.is_some()).map(|f| (y, f)));
    let headline = match latest {
        Some((year, f)) => {
            let target = indicator
                .national_target(binhdang_domain::assessment::milestone_for(&Period::Year(*year)))
                .map(|t| {
                    format!(
                        " — {} {}",
                        lang.pick("chỉ tiêu quốc gia", "national target"),
                        format::target(&indicator, &t)
                    )
                })
                .unwrap_or_default();
            format!(
                "{} {year}: {}{target}",
                lang.pick("Năm", "In"),
                format::value(&indicator, f.value)
            )
        }
        None => String::new(),
    };
    let drill_year = series.drill.year.to_string();
    let children = series
        .drill
        .children
        .iter()
        .map(|(u, f)| {
            let shown = f.as_ref().is_some_and(|f| f.value.is_some() || !f.withheld.is_empty());
            let href = shown.then(|| p.href(&format!("chi-tieu/{}/{}/", indicator.code, u.code)));
            row(&indicator, u.full_name.clone(), href, f.as_ref())
        })
        .collect();
    let milestone = binhdang_domain::assessment::milestone_for(&Period::Year(series.drill.year));
    let has_data = |f: &Option<Figure>| f.as_ref().is_some_and(|f| f.value.is_some() || !f.withheld.is_empty());
    let tiles = province_tiles(
        &series.drill.children,
        &indicator,
        indicator.national_target(milestone).as_ref(),
        |u| {
            let shown = series
                .drill
                .children
                .iter()
                .any(|(c, f)| c.code == u.code && has_data(f));
            if shown {
                p.href(&format!("chi-tieu/{}/{}/", indicator.code, u.code))
            } else {
                String::new()
            }
        },
        lang,
    );
    let withheld = series
        .years
        .iter()
        .filter_map(|(_, f)| f.as_ref())
        .chain(series.drill.children.iter().filter_map(|(_, f)| f.as_ref()))
        .any(|f| !f.withheld.is_empty());
    let mut crumbs = vec![
        Link {
            label: p.t("Dữ liệu mở", "Open data"),
            href: p.href(""),
        },
        Link {
            label: format!("{} {}", p.t("Mục tiêu", "Objective"), indicator.objective),
            href: p.href(&format!("muc-tieu/{}/", indicator.objective)),
        },
    ];
    if let Some(parent) = drill_unit.parent_code.clone() {
        crumbs.push(Link {
            label: p.t("Đơn vị cấp trên", "The unit above"),
            href: if parent == UnitCode::COUNTRY {
                p.href(&format!("chi-tieu/{}/", indicator.code))
            } else {
                p.href(&format!("chi-tieu/{}/{parent}/", indicator.code))
            },
        });
    }
    let here = match unit_code {
        UnitCode::COUNTRY => format!("chi-tieu/{}/", indicator.code),
        other => format!("chi-tieu/{}/{other}/", indicator.code),
    };
    Ok(Some(IndicatorPage {
        title: format!(
            "{} {}: {}",
            p.t("Chỉ tiêu", "Indicator"),
            indicator.code,
            name(&indicator, lang)
        ),
        crumbs,
        unit_name,
        headline,
        about: about(&indicator, lang),
        targets: targets.iter().map(|t| (t.label.clone(), t.text.clone())).collect(),
        chart,
        by_sex,
        years,
        drill_year,
        children,
        tiles,
        withheld,
        threshold: DEFAULT_THRESHOLD,
        csv_href: p.href(&format!("{here}du-lieu.csv")),
        updated: updated(store).await?,
        p,
    }))
}

/// The indicator's figures as Open SDG reads them: `Year,Series,Units,Sex,GeoCode,Value`, a
/// blank category meaning all (the unit itself, both sexes); withheld values left out.
pub async fn csv(store: &Store, code: &str, unit_code: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(indicator) = store.indicators().await?.into_iter().find(|i| i.code == code) else {
        return Ok(None);
    };
    let Some(series) = series(store, &indicator, unit_code.unwrap_or(UnitCode::COUNTRY)).await? else {
        return Ok(None);
    };
    let units = match indicator.measure {
        MeasureKind::Percent => "%",
        MeasureKind::Per100 => "per 100",
        MeasureKind::Per1000 => "per 1000",
        MeasureKind::Per100000 => "per 100000",
        MeasureKind::Hours => "hours",
        MeasureKind::Ratio => "ratio",
        _ => "",
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, year: i32, geo: &str, f: &Figure| {
        let by_sex = f.by_sex.as_ref();
        for (sex, value) in [
            ("", f.value),
            ("female", by_sex.and_then(|s| s.female.value)),
            ("male", by_sex.and_then(|s| s.male.value)),
        ] {
            if let Some(v) = value {
                let _ = out.write_record([
                    year.to_string().as_str(),
                    indicator.code.as_str(),
                    units,
                    sex,
                    geo,
                    format::plain(Some(v)).as_str(),
                ]);
            }
        }
    };
    let _ = out.write_record(["Year", "Series", "Units", "Sex", "GeoCode", "Value"]);
    for (year, f) in &series.years {
        if let Some(f) = f {
            write(&mut out, *year, "", f);
        }
    }
    for (u, f) in &series.drill.children {
        if let Some(f) = f {
            write(&mut out, series.drill.year, &u.code, f);
        }
    }
    Ok(Some(
        String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default(),
    ))
}

/// The site's index for machines: every indicator with its page, its CSV and its targets.
pub async fn json_index(store: &Store) -> Result<String, ApiError> {
    let indicators = store.indicators().await?;
    let list: Vec<_> = indicators
        .iter()
        .map(|i| {
            json!({
                "code": i.code, "objective": i.objective, "name_vi": i.name_vi, "name_en": i.name_en,
                "page": format!("chi-tieu/{}/", i.code), "csv": format!("chi-tieu/{}/du-lieu.csv", i.code),
                "national_targets": i.national_targets,
            })
        })
        .collect();
    Ok(json!({
        "updated": store.last_approval().await?,
        "data": "approved reports only; counts of persons below the threshold withheld",
        "indicators": list,
    })
    .to_string())
}
