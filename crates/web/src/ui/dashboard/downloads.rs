//! The figures behind each chart, as CSV and XLSX downloads (`/bang-dieu-khien/csv`, `/xlsx`).

use super::Data;
use super::load;
use crate::AppState;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::lang::Lang;
use crate::tables::{Figures, Item, attachment, csv_text, xlsx_bytes};
use crate::ui::Session;
use crate::ui::format;
use axum::extract::Query;
use axum::extract::State;
use axum::response::Response;
use binhdang_store::Sums;
use std::collections::HashMap;

/// The figures of `chart` (series, children, assessment or completeness), with column
/// names in the page's language.
pub(super) fn figures(data: &Data, chart: &str, lang: Lang) -> Result<Figures, ApiError> {
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
        format::window(&data.window, lang)
    );
    Ok(figures)
}

/// The chosen indicator's code and name, for the headings of its charts.
pub(super) fn indicator_heading(data: &Data, lang: Lang) -> String {
    format!(
        "{} {}",
        data.indicator.code,
        lang.pick(&data.indicator.name_vi, &data.indicator.name_en)
    )
}

/// The time series of the chosen indicator; the title is the heading alone, which
/// [`figures`] completes.
pub(super) fn series_figures(data: &Data, lang: Lang) -> Figures {
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
                    Item::Text(data.unit.code.to_string()),
                    Item::Text(data.indicator.code.to_string()),
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
pub(super) fn children_figures(data: &Data, lang: Lang) -> Figures {
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
                    Item::Text(u.code.to_string()),
                    Item::Text(u.full_name.clone()),
                    Item::Text(data.indicator.code.to_string()),
                    Item::Text(data.window.to_string()),
                    Item::Amount(f.and_then(|f| f.numerator)),
                    Item::Amount(f.and_then(|f| f.denominator)),
                    Item::Value(f.and_then(|f| f.value)),
                ]
            })
            .collect(),
    }
}

/// Every indicator against its target; the title is the heading alone.
pub(super) fn assessment_figures(data: &Data, lang: Lang) -> Figures {
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
            pick("don_vi_bao_cao", "units_reported"),
            pick("gia_tri_ky_truoc", "previous_value"),
        ],
        rows: data
            .assessment
            .iter()
            .map(|a| {
                vec![
                    Item::Text(a.indicator.to_string()),
                    Item::Text(lang.pick(&a.name_vi, &a.name_en).to_string()),
                    Item::Text(data.window.to_string()),
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
                    Item::Text(super::tables::verdict(a, lang).0),
                    Item::Text(match a.figure.completeness.expected {
                        0 => String::new(),
                        expected => format!("{}/{expected}", a.figure.completeness.reported),
                    }),
                    Item::Value(data.previous_figures.get(a.indicator.as_str()).copied().flatten()),
                ]
            })
            .collect(),
    }
}

/// The completeness and timeliness of the units below; the title is the heading alone.
pub(super) fn completeness_figures(data: &Data, lang: Lang) -> Figures {
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
                    Item::Text(c.unit.code.to_string()),
                    Item::Text(c.unit.full_name.clone()),
                    Item::Text(data.window.to_string()),
                    Item::Text(c.state.to_string()),
                    Item::Day(c.deadline),
                    Item::Text(c.first_submitted_at.clone().unwrap_or_default()),
                    Item::Text(format::timeliness(c.timeliness, lang).to_string()),
                ]
            })
            .collect(),
    }
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

/// A download by someone entitled to detail that holds cells others could not see is written in
/// the audit log (viewers' figures were withheld already by `load`).
async fn audit_small_cells(state: &AppState, session: &Session, data: &Data) -> Result<(), ApiError> {
    if !binhdang_domain::disclosure::sees_small_counts(Some(session.caller.user.role)) {
        return Ok(());
    }
    let mut figures: Vec<binhdang_store::Figure> = data
        .series
        .iter()
        .map(|(_, f)| f)
        .chain(data.children.iter().map(|(_, f)| f))
        .filter_map(Clone::clone)
        .collect();
    if !binhdang_engine::disclosure::protect_figures(&state.store, &mut figures).await? {
        return Ok(());
    }
    let small: usize = figures.iter().map(|f| f.withheld.len()).sum();
    let period = data.window.to_string();
    let subject = format!("dashboard {}", data.indicator.code);
    binhdang_engine::disclosure::audit_unsuppressed(
        &state.store,
        &session.caller.actor(),
        data.unit.id,
        &period,
        &subject,
        small,
    )
    .await?;
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Download {
    Csv,
    Xlsx,
}

pub(super) async fn download(
    state: &AppState,
    session: &Session,
    q: &HashMap<String, String>,
    kind: Download,
) -> ApiResult<Response> {
    let data = load(state, session, q).await?;
    audit_small_cells(state, session, &data).await?;
    let chart = q.get("chart").map(String::as_str).unwrap_or("series");
    let f = figures(&data, chart, session.lang)?;
    let approved = if data.sums == Sums::Approved { "-approved" } else { "" };
    let stem = format!(
        "binhdang-{}-{}-{}-{}{approved}",
        data.unit.code, data.window, data.indicator.code, f.chart
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
    Ok(attachment(body, content_type, &format!("{stem}.{ext}")))
}
