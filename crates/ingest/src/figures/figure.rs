//! The figure types: what a figure is, where it is, and what the checks keep with it.

use rust_decimal::Decimal;
use serde::Serialize;

/// What a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// `12/18`, with the percentage stated beside it when there is one.
    Fraction,
    Percent,
    Count,
    /// Boys per 100 girls: `135 bé trai/100 bé gái`.
    SexRatio,
    /// Per 1,000 or per 100,000: `42/100.000 trẻ sinh sống`.
    Rate,
    /// `1,7 lần`.
    Times,
    /// In đồng.
    Money,
    Year,
    /// `2021 - 2025`, `6 tháng đầu năm 2024`, `tháng 6/2024`.
    Period,
    Date,
    /// A table row with numbers, labelled by its column headings.
    TableRow,
}

/// Sex of a count.
pub use binhdang_domain::Sex;

/// Where a figure or finding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Line (text, PDF) or paragraph/row (DOCX), 1-based.
    pub line: usize,
    /// Table cell, 1-based, for figures in a table row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<usize>,
    /// Character offset of the figure within its paragraph or cell, 0-based.
    pub column: usize,
}

/// A labelled number of a table row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelledValue {
    pub label: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
}

/// A figure found in the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatedFigure {
    pub kind: FigureKind,
    /// The figure as written.
    pub text: String,
    /// Its value: the count, the percentage, the amount in đồng, the year, the ratio per
    /// 100 or the rate per `per`; for a fraction, numerator ÷ denominator × 100.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub value: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub numerator: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub denominator: Option<Decimal>,
    /// The percentage written beside a fraction.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub stated_percent: Option<Decimal>,
    /// Per how many a rate is given.
    #[serde(skip_serializing_if = "Option::is_none", with = "opt_decimal")]
    pub per: Option<Decimal>,
    /// `trên`, `dưới`, `khoảng`… written before the number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<LabelledValue>,
    /// The section the figure is in.
    pub section: String,
    /// The sentence or table row it is in.
    pub quote: String,
    pub position: Position,
}

impl StatedFigure {
    /// The figure's value in an indicator's measure, where its kind fits the measure: a
    /// percentage (or a fraction's stated percentage) for a percentage, `1,7 lần` for a ratio,
    /// boys per 100 girls for a per-100 measure, a rate per the indicator's own factor.
    pub fn value_in_measure(&self, ind: &binhdang_domain::Indicator) -> Option<Decimal> {
        use binhdang_domain::MeasureKind;
        match (ind.measure, self.kind) {
            (MeasureKind::Percent, FigureKind::Percent) => self.value,
            (MeasureKind::Percent, FigureKind::Fraction) => self.stated_percent.or(self.value),
            (MeasureKind::Ratio, FigureKind::Times) => self.value,
            (MeasureKind::Per100, FigureKind::SexRatio) => self.value,
            (MeasureKind::Per1000 | MeasureKind::Per100000, FigureKind::Rate) => {
                (self.per == Some(ind.factor)).then_some(self.value).flatten()
            }
            _ => None,
        }
    }
}

mod opt_decimal {
    use rust_decimal::Decimal;
    use serde::Serializer;
    /// Exact values, with quotients cut to 6 decimals (88.888889) for reading.
    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&d.round_dp(6).normalize().to_string()),
            None => s.serialize_none(),
        }
    }
}

/// A figure with what the checks need to know about where it came from.
#[derive(Debug, Clone)]
pub struct Item {
    pub fig: StatedFigure,
    pub seg: usize,
    /// Token range `[first, last]`.
    pub first: usize,
    pub last: usize,
    /// For counts: the first folded word of the unit.
    pub unit_head: Option<String>,
    /// For counts: whether a period label (`năm 2021:`) stands right before it.
    pub period_label: bool,
}

/// Adds a figure of `kind` spanning tokens `[first, last]`, filled in by the last argument.
pub(super) type PushFn<'a> = dyn Fn(&mut Vec<Item>, FigureKind, usize, usize, &dyn Fn(&mut StatedFigure)) + 'a;
