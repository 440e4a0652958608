//! The chart of an indicator over the years as an SVG drawn on the server, so that the page
//! needs no script: the value (and women's and men's where entered by sex) as lines, the
//! targets as dashed lines. The table beside it holds the same numbers.

use crate::lang::Lang;
use crate::ui::format;
use binhdang_domain::catalogue::{Indicator, Target};
use binhdang_store::Figure;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// A target drawn on the chart and listed beside it.
pub struct TargetLine {
    pub label: String,
    pub text: String,
    pub target: Target,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 32.0;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The SVG; empty when no year has a value to draw.
pub fn svg(indicator: &Indicator, years: &[(i32, Option<Figure>)], targets: &[TargetLine], lang: Lang) -> String {
    let value = |f: &Figure, which: u8| match which {
        0 => f.value,
        1 => f.by_sex.as_ref().and_then(|s| s.female.value),
        _ => f.by_sex.as_ref().and_then(|s| s.male.value),
    };
    let points = |which: u8| -> Vec<(usize, f64)> {
        years
            .iter()
            .enumerate()
            .filter_map(|(i, (_, f))| f.as_ref().and_then(|f| value(f, which)).map(|v| (i, v)))
            .filter_map(|(i, v)| v.to_f64().map(|v| (i, v)))
            .collect()
    };
    // Each line: its name, its colour and its points (year's index, value).
    let lines = [
        (lang.pick("Chung", "All"), "#0b57a4", points(0)),
        (lang.pick("Nữ", "Women"), "#b0306a", points(1)),
        (lang.pick("Nam", "Men"), "#3c7a3c", points(2)),
    ];
    if lines.iter().all(|(_, _, p)| p.is_empty()) || years.is_empty() {
        return String::new();
    }
    let target_values: Vec<(String, f64)> = targets
        .iter()
        .filter_map(|t| t.target.value.to_f64().map(|v| (format!("{}: {}", t.label, t.text), v)))
        .collect();
    let top = lines
        .iter()
        .flat_map(|(_, _, p)| p.iter().map(|(_, v)| *v))
        .chain(target_values.iter().map(|(_, v)| *v))
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.1;
    let step = if years.len() > 1 {
        (WIDTH - LEFT - RIGHT) / (years.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| LEFT + step * i as f64;
    let y = |v: f64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v / top);
    let title = format!(
        "{} {}",
        indicator.code,
        lang.pick(&indicator.name_vi, &indicator.name_en)
    );
    let mut out = format!(
        "<svg class=\"od-chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(&title)
    );
    out.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#888\"/>",
        y(0.0),
        WIDTH - RIGHT,
        y(0.0)
    ));
    for (i, (year, _)) in years.iter().enumerate() {
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{year}</text>",
            x(i),
            HEIGHT - 10.0
        ));
    }
    for fraction in [0.0, 0.5, 1.0] {
        let v = top / 1.1 * fraction;
        let label = format::number(Decimal::from_f64_retain(v).unwrap_or_default().round_dp(1));
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            LEFT - 6.0,
            y(v) + 4.0,
            escape(&label)
        ));
    }
    for (label, v) in &target_values {
        out.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{0:.1}\" x2=\"{1}\" y2=\"{0:.1}\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/>\
             <text x=\"{2}\" y=\"{3:.1}\" font-size=\"11\" fill=\"#c0392b\">{4}</text>",
            y(*v),
            WIDTH - RIGHT,
            WIDTH - RIGHT + 4.0,
            y(*v) + 4.0,
            escape(label)
        ));
    }
    for (k, (label, colour, _)) in lines.iter().filter(|(_, _, p)| !p.is_empty()).enumerate() {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"12\" fill=\"{colour}\">— {}</text>",
            WIDTH - RIGHT + 4.0,
            HEIGHT - BOTTOM - 16.0 * k as f64,
            escape(label)
        ));
    }
    for (label, colour, points) in lines.iter().filter(|(_, _, p)| !p.is_empty()) {
        let path: Vec<String> = points
            .iter()
            .map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v)))
            .collect();
        out.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" points=\"{}\"><title>{}</title></polyline>",
            path.join(" "),
            escape(label)
        ));
        for (i, v) in points {
            out.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"/>",
                x(*i),
                y(*v)
            ));
        }
    }
    out.push_str("</svg>");
    out
}
