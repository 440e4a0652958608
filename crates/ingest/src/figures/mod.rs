//! Figures and their context: fractions with their stated percentage (`7/11, chiếm
//! 63,6%`), percentages, counts with their unit (`1.130 tờ rơi`, `07 lượt`) and sex
//! (`Nam 42, Nữ 65`, `504 lao động nữ`), sex ratios (`135 bé trai/100 bé gái`), rates per
//! 1,000 or 100,000, "times" (`1,7 lần`), money (`15.000.000 đồng`, `15 triệu đồng`),
//! years, periods and dates, and table rows.
//!
//! Each paragraph, and each table cell, is a *segment*; a figure keeps the segment, the
//! tokens and bytes it spans, and the quoted sentence.
//!
//! What is not a figure: dates (`24/4`, `27/4/2007`), document numbers (`620/LĐLĐ`,
//! `28/NQ-CP`, `73/2006/QH11`), list and heading numbers (`1.`, `(3)`, `4.1.`), numbered
//! names (`Đề án 938`, `Dự án 8`, `Chỉ thị số 21`), ages, and an `x/y` whose `x` exceeds
//! `y` next to a percentage of at most 100 (a date, not a share).

mod counts;
mod extract;
mod figure;
mod reading;
mod segment;
mod shares;

pub use counts::{period_label_before, sex_of_count};
pub use extract::extract_segment;
pub use figure::{FigureKind, Item, LabelledValue, Position, Sex, StatedFigure};
pub(crate) use reading::is_sex_word;
pub use reading::qualifier_before;
pub use segment::{Segment, quote_window, segments};

use crate::document::{Block, SourceDocument};

/// All figures of a document with their context, paragraphs first then table rows as
/// rows (see [`crate::tables`]).
pub fn extract(doc: &SourceDocument, segs: &[Segment]) -> Vec<Item> {
    let mut items = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        let section = doc.sections[seg.section].label();
        items.extend(extract_segment(seg, i, &section));
    }
    items
}

/// The text of a block for quoting (a row's non-empty cells joined by ` | `).
pub fn block_quote(block: &Block) -> String {
    let text = block.text();
    quote_window(&text, (0, text.len()), (0, text.len().min(200)))
}

#[cfg(test)]
mod tests;
