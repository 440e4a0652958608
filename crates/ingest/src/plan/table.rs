//! A plan's table of tasks ("Phụ lục phân công nhiệm vụ": TT | Nội dung nhiệm vụ | Cơ quan
//! chủ trì | Cơ quan phối hợp | Thời gian hoàn thành | Sản phẩm). Its header row is known
//! by the words of its columns, wherever they stand, as [`crate::annex`] knows a report's
//! annexes; each row below it with a content becomes a task, and a row numbered in Roman
//! figures (or with a content and nothing else) heads the rows after it.
//!
//! Rows are numbered `PL.` and their TT, under their group's numeral when there is one
//! (`PL.II.3`); a second table of tasks is `PL2.`.

use super::words::words;
use super::{Context, TaskProposal, bodies, deadlines};
use crate::document::{BlockKind, SourceDocument, row_text};
use crate::figures::quote_window;
use binhdang_domain::vn;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Order,
    Content,
    Lead,
    Partners,
    Time,
}

/// Which column a heading names.
fn column(heading: &str) -> Option<Column> {
    let h = vn::search_key(heading);
    let h = h.trim_end_matches(['.', ':']);
    let starts = |ws: &[&str]| ws.iter().any(|w| h.starts_with(w));
    Some(match h {
        "tt" | "stt" | "so tt" => Column::Order,
        _ if starts(&[
            "noi dung",
            "nhiem vu",
            "ten nhiem vu",
            "hoat dong",
            "ten hoat dong",
            "cong viec",
        ]) =>
        {
            Column::Content
        }
        _ if h.contains("phoi hop") => Column::Partners,
        _ if h.contains("chu tri")
            || starts(&[
                "co quan thuc hien",
                "don vi thuc hien",
                "trach nhiem",
                "co quan thuc hien",
            ]) =>
        {
            Column::Lead
        }
        _ if starts(&["thoi gian", "thoi han", "tien do"]) => Column::Time,
        _ => return None,
    })
}

/// Where each column stands in a table's rows.
type Columns = Vec<(usize, Column)>;

fn roman(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The tasks of every table of tasks of the document.
pub(super) fn tasks(doc: &SourceDocument, ctx: &Context) -> Vec<TaskProposal> {
    let mut out = Vec::new();
    let mut current: Option<(Option<usize>, Columns)> = None;
    let mut caption = String::new();
    let mut group: Option<(String, String)> = None;
    let (mut tables, mut rank) = (0, 0);
    for block in &doc.blocks {
        let cells = match &block.kind {
            BlockKind::Paragraph { text } => {
                caption = text.clone();
                continue;
            }
            BlockKind::Row { cells } => cells,
        };
        let columns: Columns = cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| column(c).map(|k| (i, k)))
            .collect();
        let has = |k: Column| columns.iter().any(|(_, c)| *c == k);
        if has(Column::Content) && has(Column::Lead) {
            current = Some((block.table, columns));
            (tables, rank, group) = (tables + 1, 0, None);
            continue;
        }
        let Some((table, columns)) = &current else { continue };
        if block.table != *table {
            current = None;
            continue;
        }
        let cell = |k: Column| {
            columns
                .iter()
                .find(|(_, c)| *c == k)
                .and_then(|(i, _)| cells.get(*i))
                .map(|c| collapse(c))
                .filter(|c| !c.is_empty())
        };
        let Some(content) = cell(Column::Content) else { continue };
        let order = cell(Column::Order).map(|o| o.trim_end_matches('.').to_string());
        let alone = [Column::Lead, Column::Partners, Column::Time]
            .iter()
            .all(|k| cell(*k).is_none());
        if order.as_deref().is_some_and(roman) || (order.is_none() && alone) {
            group = Some((order.unwrap_or_default(), content));
            continue;
        }
        rank += 1;
        let prefix = if tables > 1 {
            format!("PL{tables}")
        } else {
            "PL".to_string()
        };
        let mut path = vec![prefix];
        path.extend(group.as_ref().map(|g| g.0.clone()).filter(|g| !g.is_empty()));
        path.push(order.unwrap_or_else(|| rank.to_string()));
        let heading = group
            .as_ref()
            .map_or_else(|| caption.trim().to_string(), |g| g.1.clone());
        out.push(row_task(
            ctx,
            path.join("."),
            heading,
            content,
            &cell,
            block.line,
            cells,
        ));
    }
    out
}

/// A row's task: its lead and partners as the columns give them, its deadline from the time
/// column (else from the content's wording), its recurrence from both.
fn row_task(
    ctx: &Context,
    item: String,
    heading: String,
    content: String,
    cell: &dyn Fn(Column) -> Option<String>,
    line: usize,
    cells: &[String],
) -> TaskProposal {
    let time = cell(Column::Time).unwrap_or_default();
    let recurrence = deadlines::recurrence(&format!("{content} {time}"), ctx.several_years());
    let mut stated: Vec<_> = deadlines::stated(&words(&time), ctx.year, true)
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    if stated.is_empty() {
        stated = deadlines::stated(&words(&content), ctx.year, false)
            .into_iter()
            .map(|(d, _)| d)
            .collect();
    }
    let (due, due_source) = ctx.due(&stated, recurrence);
    let partners = cell(Column::Partners)
        .map(|p| {
            let w = words(&p);
            bodies::split(&p, &w, 0, w.len())
        })
        .unwrap_or_default();
    let (lead, lead_source) = ctx.lead_or_plan(cell(Column::Lead));
    let quote = row_text(cells);
    TaskProposal {
        item,
        heading,
        quote: quote_window(&quote, (0, quote.len()), (0, quote.len().min(300))),
        text: content,
        lead,
        lead_source,
        partners,
        due,
        due_source,
        recurrence,
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_by_their_headings() {
        let got: Vec<Option<Column>> = [
            "TT",
            "Nội dung nhiệm vụ/hoạt động",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Thời gian thực hiện/hoàn thành",
            "Sản phẩm",
            "Đơn vị chủ trì thực hiện",
        ]
        .iter()
        .map(|h| column(h))
        .collect();
        use Column::*;
        assert_eq!(
            got,
            [
                Some(Order),
                Some(Content),
                Some(Lead),
                Some(Partners),
                Some(Time),
                None,
                Some(Lead)
            ]
        );
    }
}
