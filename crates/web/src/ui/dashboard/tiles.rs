//! A tile grid map of the 34 provinces and cities of the 2025 reform: one square each, placed
//! roughly where the province lies (north at the top, the coast to the east), coloured by its
//! figure against the national target. Boundary files under an open licence are not in any
//! package registry this project draws from, and the 2025 provinces are unions of old ones, so
//! a schematic grid stands in for a drawn map, as many statistical offices do.

use super::tables::too_few_reported;
use crate::lang::Lang;
use crate::ui::Session;
use crate::ui::format;
use binhdang_domain::assessment::{Status, assess};
use binhdang_domain::{Indicator, Period, Target, Window};
use binhdang_store::{Figure, UnitSummary};

/// Province code (2025) and its tile: row and column of a five-column grid.
const TILES: [(&str, u8, u8); 34] = [
    ("12", 1, 2),
    ("15", 1, 3),
    ("08", 1, 4),
    ("04", 1, 5),
    ("11", 2, 1),
    ("14", 2, 2),
    ("25", 2, 3),
    ("19", 2, 4),
    ("20", 2, 5),
    ("01", 3, 3),
    ("24", 3, 4),
    ("22", 3, 5),
    ("37", 4, 3),
    ("33", 4, 4),
    ("31", 4, 5),
    ("38", 5, 3),
    ("40", 6, 3),
    ("42", 7, 3),
    ("44", 8, 3),
    ("46", 9, 3),
    ("48", 9, 4),
    ("51", 10, 4),
    ("52", 11, 4),
    ("66", 12, 4),
    ("68", 13, 3),
    ("56", 13, 4),
    ("80", 14, 2),
    ("75", 14, 3),
    ("91", 15, 1),
    ("82", 15, 2),
    ("79", 15, 3),
    ("86", 16, 3),
    ("92", 16, 2),
    ("96", 17, 2),
];

pub struct Tile {
    pub row: u8,
    pub col: u8,
    pub name: String,
    pub value: String,
    pub class: &'static str,
    pub href: String,
    /// Said to a screen reader and on hover: the name, the figure and the verdict.
    pub title: String,
}

/// The tiles of `children` when they are the 2025 provinces (the country's dashboard from the
/// second half of 2025); empty otherwise. Each figure is judged against `target` (the
/// national one for the period's milestone); none where too few of its communes reported.
pub(crate) fn province_tiles(
    children: &[(UnitSummary, Option<Figure>)],
    indicator: &Indicator,
    target: Option<&Target>,
    href: impl Fn(&UnitSummary) -> String,
    lang: Lang,
) -> Vec<Tile> {
    let placed = |code: &str| TILES.iter().find(|(c, _, _)| *c == code).map(|(_, r, c)| (*r, *c));
    if children.len() != TILES.len() || children.iter().any(|(u, _)| placed(&u.code).is_none()) {
        return Vec::new();
    }
    children
        .iter()
        .filter_map(|(unit, figure)| {
            let (row, col) = placed(&unit.code)?;
            let value = figure.as_ref().and_then(|f| f.value);
            let judged = figure.as_ref().is_some_and(|f| !too_few_reported(f));
            let status = if judged {
                assess(indicator, value, target)
            } else {
                Status::NoData
            };
            let verdict = if judged || value.is_none() {
                format::status(status, lang).to_string()
            } else {
                lang.pick("chưa đủ đơn vị báo cáo", "too few units reported")
                    .to_string()
            };
            let shown = format::value(indicator, value);
            Some(Tile {
                row,
                col,
                name: unit.name.clone(),
                title: format!("{}: {shown} — {verdict}", unit.full_name),
                value: shown,
                class: format::status_class(status),
                href: href(unit),
            })
        })
        .collect()
}

/// The tiles of the country's dashboard for `indicator` over `window`, and the caption's
/// words for the target they are judged against (the national one for the milestone).
pub(super) fn tile_map(
    session: &Session,
    children: &[(UnitSummary, Option<Figure>)],
    indicator: &Indicator,
    window: &Window,
    data_q: &str,
) -> (Vec<Tile>, String) {
    let lang = session.lang;
    let milestone = binhdang_domain::assessment::milestone_for(&Period::Year(window.milestone_year()));
    let national = indicator.national_target(milestone);
    let tiles = province_tiles(
        children,
        indicator,
        national.as_ref(),
        |u| {
            format!(
                "/bang-dieu-khien?unit={}&period={window}{data_q}&indicator={}",
                u.code, indicator.code
            )
        },
        lang,
    );
    let tiles_target = match &national {
        Some(t) => format!(
            "{} {} ({})",
            session.t("mục tiêu quốc gia", "the national target"),
            format::target(indicator, t),
            milestone
        ),
        None => session.t("chưa có mục tiêu quốc gia", "no national target").to_string(),
    };
    (tiles, tiles_target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use binhdang_domain::UnitLevel;
    use binhdang_domain::figure::Completeness;
    use rust_decimal::Decimal;
    use std::collections::BTreeSet;

    fn province(code: &str) -> UnitSummary {
        UnitSummary {
            id: 0,
            code: code.parse().unwrap(),
            level: UnitLevel::Province,
            name: format!("P{code}"),
            kind: "Tỉnh".into(),
            full_name: format!("Tỉnh P{code}"),
            parent_code: Some("VN".parse().unwrap()),
            valid_from: None,
            valid_to: None,
        }
    }

    fn figure(value: i64, reported: i64) -> Figure {
        Figure {
            indicator: "6.1".parse().unwrap(),
            unit: "12".parse().unwrap(),
            period: "2026".into(),
            numerator: None,
            denominator: None,
            value: Some(Decimal::from(value)),
            by_sex: None,
            method: "sum_of_parts_then_divide",
            data: "all",
            completeness: Completeness {
                level: Some(UnitLevel::Commune),
                expected: 10,
                reported,
                approved: 0,
                stated_only: 0,
            },
            over_time: None,
            withheld: Vec::new(),
        }
    }

    #[test]
    fn the_tiles_are_the_2025_provinces_each_in_a_cell_of_its_own() {
        let units = include_str!("../../../../../data/units/units_2025.csv");
        let provinces: BTreeSet<&str> = units
            .lines()
            .filter_map(|l| {
                let mut f = l.split(',');
                let code = f.next()?;
                (f.next()? == "province").then_some(code)
            })
            .collect();
        let tiled: BTreeSet<&str> = TILES.iter().map(|(c, _, _)| *c).collect();
        assert_eq!(tiled, provinces);
        let cells: BTreeSet<(u8, u8)> = TILES.iter().map(|(_, r, c)| (*r, *c)).collect();
        assert_eq!(cells.len(), TILES.len(), "two provinces share a cell");
        assert!(TILES.iter().all(|(_, _, c)| (1..=5).contains(c)));
    }

    #[test]
    fn each_province_is_judged_against_the_target_unless_too_few_reported() {
        let catalogue = binhdang_domain::shipped::catalogue().unwrap();
        let indicator = catalogue.indicators.iter().find(|i| i.code == "6.1").unwrap();
        let target = indicator.national_target(2030).unwrap();
        let mut children: Vec<(UnitSummary, Option<Figure>)> = TILES
            .iter()
            .map(|(code, _, _)| (province(code), Some(figure(99, 10))))
            .collect();
        children[0].1 = Some(figure(1, 10));
        children[1].1 = Some(figure(99, 2));
        children[2].1 = None;
        let tiles = province_tiles(
            &children,
            indicator,
            Some(&target),
            |u| format!("/x?unit={}", u.code),
            Lang::Vi,
        );
        assert_eq!(tiles.len(), 34);
        let lai_chau = &tiles[0];
        assert_eq!((lai_chau.row, lai_chau.col, lai_chau.class), (1, 2, "s-not_met"));
        assert_eq!(lai_chau.href, "/x?unit=12");
        assert_eq!(tiles[1].class, "s-no_data", "2 of 10 communes: no verdict");
        assert!(tiles[1].title.contains("chưa đủ đơn vị báo cáo"), "{}", tiles[1].title);
        assert_eq!(tiles[2].class, "s-no_data");
        assert!(tiles[3..].iter().all(|t| t.class == "s-exceeded" || t.class == "s-met"));
        // Not the 34 provinces (a pre-2025 period, or a province's own dashboard): no map.
        assert!(province_tiles(&children[..33], indicator, Some(&target), |_| String::new(), Lang::Vi).is_empty());
    }
}
