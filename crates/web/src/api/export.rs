//! Bulk export for analysts: `GET /api/v1/export?unit=&period=[&indicator=6.1,3.2a][&format=csv|xlsx]`
//! — every value entered in a unit's subtree over a period or a range of periods, one row per
//! unit × period × element × breakdown, with the names. Small cells are withheld for those not
//! entitled to detail; an entitled download that holds them is written in the audit log.

use crate::AppState;
use crate::api::unit_period::FigureUnitWindow;
use crate::api::{Query, code_list, given};
use crate::auth::{Authenticated, authorize};
use crate::error::{ApiError, ApiResult};
use crate::lang::Lang;
use crate::tables::{Figures, Item, attachment, csv_text, xlsx_bytes};
use axum::extract::State;
use axum::response::Response;
use binhdang_domain::ElementCode;
use binhdang_domain::Period;
use binhdang_domain::UnitCode;
use binhdang_domain::access::Action;
use binhdang_domain::disclosure::sees_small_counts;
use binhdang_engine::disclosure::{audit_unsuppressed, hidden_cells};
use serde::Deserialize;
use std::collections::HashMap;

/// More rows than a spreadsheet holds comfortably: the caller is asked to narrow the export.
const MAX_ROWS: usize = 500_000;

#[derive(Deserialize)]
pub struct ExportQuery {
    /// Indicator codes separated by commas; all when absent.
    indicator: Option<String>,
    /// `csv` (default) or `xlsx`.
    format: Option<String>,
}

/// `GET /api/v1/export?unit=&period=[&indicator=][&format=csv|xlsx]` (Read scope).
pub async fn export(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    lang: Lang,
    FigureUnitWindow { unit, window }: FigureUnitWindow,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    authorize(&state, &caller, &unit, Action::Read).await?;
    let xlsx = match given(&q.format).unwrap_or("csv") {
        "csv" => false,
        "xlsx" => true,
        other => {
            return Err(ApiError::invalid(
                "format",
                "bad_format",
                format!("`{other}` is not an export format: csv or xlsx"),
                format!("`{other}` không phải định dạng xuất: csv hoặc xlsx"),
            ));
        }
    };
    let only = code_list(&q.indicator);
    let elements: HashMap<ElementCode, (String, String, String)> = state
        .store
        .data_elements()
        .await?
        .into_iter()
        .map(|e| {
            let indicator = e.indicator.as_deref().unwrap_or_default().to_string();
            (e.code, (indicator, e.name_vi, e.name_en))
        })
        .collect();
    let periods: Vec<Period> = match window.period() {
        Some(p) => vec![p],
        None => window.parts(),
    };
    let entitled = sees_small_counts(Some(caller.user.role));
    let mut rows = Vec::new();
    let mut small_cells = 0;
    for period in &periods {
        let values: Vec<_> = state
            .store
            .values_in_subtree(&unit, period)
            .await?
            .into_iter()
            .filter(|(_, v)| {
                only.is_empty()
                    || elements
                        .get(v.element.as_str())
                        .is_some_and(|(i, _, _)| only.contains(i))
            })
            .collect();
        let cells: Vec<_> = values
            .iter()
            .map(|(u, v)| (u.clone(), v.element.to_string(), v.disaggregation))
            .collect();
        let hidden = hidden_cells(&state.store, period, &cells).await?;
        small_cells += hidden.iter().filter(|h| h.is_some()).count();
        let mut names: HashMap<UnitCode, (String, String)> = state
            .store
            .units_below_valid_on(&unit, period.end())
            .await?
            .into_iter()
            .map(|u| (u.code, (u.full_name, u.level.as_str().to_string())))
            .collect();
        for ((code, v), h) in values.into_iter().zip(hidden) {
            if h.is_some() && !entitled {
                continue;
            }
            if !names.contains_key(code.as_str()) {
                let u = state.store.unit_on(&code, period.end()).await?;
                names.insert(u.code, (u.full_name, u.level.as_str().to_string()));
            }
            let (name, level) = names[code.as_str()].clone();
            let (indicator, name_vi, name_en) = elements.get(v.element.as_str()).cloned().unwrap_or_default();
            let value = match v.number() {
                Some(n) => Item::Amount(Some(n)),
                None => Item::Text(v.text.clone().or(v.value.clone()).unwrap_or_default()),
            };
            rows.push(vec![
                Item::Text(code),
                Item::Text(name),
                Item::Text(level),
                Item::Text(period.to_string()),
                Item::Text(indicator),
                Item::Text(v.element.to_string()),
                Item::Text(lang.pick(name_vi, name_en)),
                Item::Text(v.disaggregation.as_str().to_string()),
                value,
            ]);
            if rows.len() > MAX_ROWS {
                return Err(ApiError::invalid(
                    "period",
                    "too_many_rows",
                    format!("more than {MAX_ROWS} rows: export fewer periods, indicators or a smaller unit"),
                    format!("Nhiều hơn {MAX_ROWS} dòng: hãy xuất ít kỳ, ít chỉ tiêu hơn hoặc đơn vị nhỏ hơn"),
                ));
            }
        }
    }
    if entitled && small_cells > 0 {
        let period = window.to_string();
        audit_unsuppressed(&state.store, &caller.actor(), unit.id, &period, "export", small_cells).await?;
    }
    let table = Figures {
        chart: "export",
        title: format!("{} — {}", unit.full_name, window),
        head: vec![
            "unit_code",
            "unit",
            "level",
            "period",
            "indicator",
            "element",
            "element_name",
            "breakdown",
            "value",
        ],
        rows,
    };
    let stem = format!("binhdang-export-{}-{}", unit.code, window);
    Ok(if xlsx {
        let format = binhdang_reports::Format::Xlsx;
        attachment(
            xlsx_bytes(&table, &stem, lang)?,
            format.content_type(),
            &format!("{stem}.{}", format.extension()),
        )
    } else {
        attachment(
            csv_text(&table).into_bytes(),
            "text/csv; charset=utf-8",
            &format!("{stem}.csv"),
        )
    })
}
