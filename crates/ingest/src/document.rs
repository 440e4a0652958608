//! A read document given structure: cleaned paragraphs and table rows, with the
//! section each belongs to.
//!
//! Text exported from Word or PDF breaks things apart: a sentence runs on after a blank
//! line at a page break ("48 doanh" / "nghiệp, HTX …"), a table cell continues on the
//! next line, cells carry `<p>` fragments. [`structure`] mends what can be mended safely:
//! a paragraph that does not end a sentence is joined with the next one when that starts
//! in lowercase; a tab-separated row whose first cell is empty, or starts in lowercase, is
//! a continuation of the row above, cell by cell.

use crate::normalize::{clean, fold, strip_html_line, strip_markdown_line};
use crate::read::{Format, RawBlock, RawDocument};
use serde::Serialize;

/// A paragraph or a table row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockKind {
    Paragraph { text: String },
    Row { cells: Vec<String> },
}

/// One block with where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    /// 1-based line (text, PDF) or paragraph/row number (DOCX) where the block starts.
    pub line: usize,
    #[serde(flatten)]
    pub kind: BlockKind,
    /// Index into [`SourceDocument::sections`].
    pub section: usize,
    /// The table a row belongs to (rows of one table share it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<usize>,
}

impl Block {
    /// The block's text; a row's cells joined by ` | `.
    pub fn text(&self) -> String {
        match &self.kind {
            BlockKind::Paragraph { text } => text.clone(),
            BlockKind::Row { cells } => row_text(cells),
        }
    }

    pub fn cells(&self) -> Option<&[String]> {
        match &self.kind {
            BlockKind::Row { cells } => Some(cells),
            BlockKind::Paragraph { .. } => None,
        }
    }
}

/// Non-empty cells joined by ` | `.
pub fn row_text(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A heading and the headings above it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// The heading as written (shortened when long).
    pub title: String,
    /// Titles from the outermost heading down to this one.
    pub path: Vec<String>,
    /// Objective number (Mục tiêu N) this section is about, when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<u32>,
    pub line: usize,
}

impl Section {
    /// `I. … › 3. … › a) …`
    pub fn label(&self) -> String {
        if self.path.is_empty() {
            "(đầu văn bản / beginning)".to_string()
        } else {
            self.path.join(" › ")
        }
    }
}

/// A document ready for extraction.
#[derive(Debug, Clone, Serialize)]
pub struct SourceDocument {
    pub format: Format,
    pub blocks: Vec<Block>,
    pub sections: Vec<Section>,
}

#[derive(Debug)]
enum Pre {
    Blank,
    Para {
        line: usize,
        text: String,
    },
    Row {
        line: usize,
        cells: Vec<String>,
        table: Option<usize>,
        real: bool,
    },
}

/// Cleans, classifies and mends the raw blocks, then finds the sections.
pub fn structure(raw: &RawDocument) -> SourceDocument {
    let mut pre = clean_lines(raw);
    number_text_tables(raw, &mut pre);
    let mut blocks = mend(pre);
    let sections = find_sections(&mut blocks);
    SourceDocument {
        format: raw.format,
        blocks,
        sections,
    }
}

/// 1. Clean every line; split lines that HTML turned into several.
fn clean_lines(raw: &RawDocument) -> Vec<Pre> {
    let mut pre: Vec<Pre> = Vec::new();
    for b in &raw.blocks {
        match b {
            RawBlock::Line { number, text } => {
                let cleaned = clean(text);
                for piece in strip_html_line(&cleaned).split('\n') {
                    let piece = strip_markdown_line(piece);
                    let previous_is_row = pre
                        .iter()
                        .rev()
                        .find(|p| !matches!(p, Pre::Blank))
                        .is_some_and(|p| matches!(p, Pre::Row { .. }));
                    pre.push(classify(*number, &piece, previous_is_row));
                }
            }
            RawBlock::Row { number, cells, table } => {
                let cells = cells
                    .iter()
                    .map(|c| {
                        let c = strip_markdown_line(&strip_html_line(&clean(c)).replace(['\n', '\t'], " "));
                        collapse_spaces(&c)
                    })
                    .collect();
                pre.push(Pre::Row {
                    line: *number,
                    cells,
                    table: Some(*table),
                    real: true,
                });
            }
        }
    }
    pre
}

/// 2. Tables: consecutive text rows (blank lines allowed between) form one table.
fn number_text_tables(raw: &RawDocument, pre: &mut [Pre]) {
    let mut next_table = raw
        .blocks
        .iter()
        .filter_map(|b| match b {
            RawBlock::Row { table, .. } => Some(*table),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        + 1;
    let mut current: Option<usize> = None;
    for p in pre.iter_mut() {
        match p {
            Pre::Blank => {}
            Pre::Para { .. } => current = None,
            Pre::Row { table, real, .. } => {
                if *real {
                    current = None;
                    continue;
                }
                let t = *current.get_or_insert_with(|| {
                    next_table += 1;
                    next_table - 1
                });
                *table = Some(t);
            }
        }
    }
}

/// 3. Mend: continuation rows into the row above; broken paragraphs into the one above.
fn mend(pre: Vec<Pre>) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for p in pre {
        match p {
            Pre::Blank => {}
            Pre::Row {
                line,
                cells,
                table,
                real,
            } => {
                if !real
                    && let Some(last) = blocks.last_mut()
                    && last.table == table
                    && is_continuation(&cells)
                    && let BlockKind::Row { cells: above } = &mut last.kind
                {
                    for (i, c) in cells.into_iter().enumerate() {
                        if c.is_empty() {
                            continue;
                        }
                        if i >= above.len() {
                            above.resize(i + 1, String::new());
                        }
                        if !above[i].is_empty() {
                            above[i].push(' ');
                        }
                        above[i].push_str(&c);
                    }
                    continue;
                }
                blocks.push(Block {
                    line,
                    kind: BlockKind::Row { cells },
                    section: 0,
                    table,
                });
            }
            Pre::Para { line, text } => {
                if let Some(last) = blocks.last_mut()
                    && let BlockKind::Paragraph { text: above } = &mut last.kind
                    && !ends_sentence(above)
                    && starts_lowercase(&text)
                    && !is_heading_text(above)
                    && !is_heading_text(&text)
                {
                    above.push(' ');
                    above.push_str(&text);
                    continue;
                }
                blocks.push(Block {
                    line,
                    kind: BlockKind::Paragraph { text },
                    section: 0,
                    table: None,
                });
            }
        }
    }
    blocks
}

/// 4. Sections: each block gets the section of the nearest heading above it.
fn find_sections(blocks: &mut [Block]) -> Vec<Section> {
    let mut sections = vec![Section {
        title: String::new(),
        path: Vec::new(),
        objective: None,
        line: 0,
    }];
    let mut stack: Vec<(u8, String)> = Vec::new();
    let mut objective: Option<u32> = None;
    for b in blocks.iter_mut() {
        let heading = match &b.kind {
            BlockKind::Paragraph { text } => heading_level(text).map(|l| (l, text.clone())),
            BlockKind::Row { cells } => {
                let filled: Vec<&String> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
                if filled.len() == 1 && objective_of(filled[0]).is_some() {
                    Some((5, filled[0].clone()))
                } else {
                    None
                }
            }
        };
        if let Some((level, text)) = heading {
            while stack.last().is_some_and(|(l, _)| *l >= level) {
                stack.pop();
            }
            let title = shorten(&text, 90);
            stack.push((level, title.clone()));
            if let Some(o) = objective_of(&text) {
                objective = Some(o);
            } else if level <= 2 {
                objective = None;
            }
            sections.push(Section {
                title,
                path: stack.iter().map(|(_, t)| t.clone()).collect(),
                objective,
                line: b.line,
            });
        }
        b.section = sections.len() - 1;
    }
    sections
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn classify(line: usize, text: &str, previous_is_row: bool) -> Pre {
    if text.trim().is_empty() {
        return Pre::Blank;
    }
    if text.contains('\t') {
        let body = text.trim_end_matches([' ', '\t']);
        let lead = body.trim_start_matches('\t');
        // A paragraph indented with a tab is not a table row.
        if !previous_is_row && !lead.contains('\t') && body.len() == text.len() {
            return Pre::Para {
                line,
                text: collapse_spaces(lead),
            };
        }
        let cells: Vec<String> = text.split('\t').map(collapse_spaces).collect();
        if cells.iter().filter(|c| !c.is_empty()).count() == 0 {
            return Pre::Blank;
        }
        return Pre::Row {
            line,
            cells,
            table: None,
            real: false,
        };
    }
    Pre::Para {
        line,
        text: collapse_spaces(text),
    }
}

/// A cell holding only a number (Vietnamese grouping, decimals, `%`).
pub fn is_numeric_cell(c: &str) -> bool {
    let c = c.trim().trim_end_matches('%').trim();
    !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit() || matches!(ch, '.' | ',' | ' '))
}

fn is_continuation(cells: &[String]) -> bool {
    let Some(first) = cells.iter().find(|c| !c.is_empty()) else {
        return false;
    };
    if cells[0].is_empty() {
        return !cells.iter().any(|c| is_numeric_cell(c));
    }
    starts_lowercase(first)
}

fn starts_lowercase(text: &str) -> bool {
    text.trim_start_matches(['(', '"', '“', ' '])
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase())
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .chars()
        .last()
        .is_none_or(|c| matches!(c, '.' | ':' | ';' | '!' | '?' | '…' | ')' | '"' | '”' | '\'' | '’'))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push('…');
        s
    }
}

/// `Mục tiêu 3` / `MỤC TIÊU 3` at the start of a heading or cell.
pub fn objective_of(text: &str) -> Option<u32> {
    let f = fold(text.trim_start_matches(['-', ' ', '+']));
    let rest = f
        .strip_prefix("muc tiêu ")
        .or_else(|| f.split_once(") muc tiêu ").map(|(_, r)| r))?;
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n: u32 = digits.parse().ok()?;
    (1..=6).contains(&n).then_some(n)
}

const ROMAN: [&str; 15] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
];

fn is_heading_text(text: &str) -> bool {
    heading_level(text).is_some()
}

/// The level of a heading, or `None` for body text: appendix 0, `I.` 1, `1.` 2, `1.1.` 3,
/// `a)` 4, `Mục tiêu N` 5; a short line in capitals is level 1.
pub(crate) fn heading_level(text: &str) -> Option<u8> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 160 {
        return None;
    }
    let f = fold(t);
    if f.starts_with("phu luc") {
        return Some(0);
    }
    let first: String = t.chars().take_while(|c| !c.is_whitespace()).collect();
    let has_words_after = t.len() > first.len() + 1;
    if has_words_after {
        if let Some(n) = first.strip_suffix(['.', ')'])
            && ROMAN.contains(&n)
        {
            return Some(1);
        }
        let numbered = first.strip_suffix('.').unwrap_or(&first);
        if !numbered.is_empty()
            && numbered
                .split('.')
                .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            && (first.ends_with('.') || numbered.contains('.'))
        {
            let depth = numbered.split('.').count();
            return Some(if depth == 1 { 2 } else { 3 });
        }
        if first.chars().count() == 2
            && first.ends_with(')')
            && first
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase() && c.is_alphabetic())
        {
            return Some(4);
        }
    }
    if objective_of(t).is_some() {
        return Some(5);
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 8
        && t.chars().count() <= 120
        && letters.iter().filter(|c| c.is_uppercase()).count() * 10 >= letters.len() * 9
        && t.split_whitespace().count() >= 2
    {
        return Some(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_bytes;

    fn doc(text: &str) -> SourceDocument {
        structure(&read_bytes(text.as_bytes()).unwrap())
    }

    #[test]
    fn broken_paragraphs_and_rows_are_mended() {
        let d = doc(
            "có 240 doanh nghiệp, trong đó có 48 doanh\n\nnghiệp do nữ làm chủ, bằng 20%.\n\n\
             A\tTỷ lệ trẻ em\tx\n\nb\tgái dân tộc\ty\n\t2021 - 2026\t\n<p>MỤC TIÊU 4: Y TẾ</p>\t\t\nSau bảng.",
        );
        assert_eq!(
            d.blocks[0].text(),
            "có 240 doanh nghiệp, trong đó có 48 doanh nghiệp do nữ làm chủ, bằng 20%."
        );
        assert_eq!(
            d.blocks[1].cells().unwrap(),
            ["A b", "Tỷ lệ trẻ em gái dân tộc 2021 - 2026", "x y"]
        );
        assert_eq!(d.blocks[2].cells().unwrap()[0], "MỤC TIÊU 4: Y TẾ");
        assert_eq!(d.sections[d.blocks[2].section].objective, Some(4));
        assert_eq!(d.blocks[1].table, d.blocks[2].table);
        assert_eq!(d.blocks[3].table, None);
    }

    #[test]
    fn sections() {
        let d = doc(
            "I. TÌNH HÌNH\n\n1. Công tác\n\nnội dung\n\na) Mục tiêu 1: Chính trị\n\n13/17 đơn vị\n\nII. KHÓ KHĂN\n\nx",
        );
        let s = &d.sections[d.blocks[4].section];
        assert_eq!(s.path, ["I. TÌNH HÌNH", "1. Công tác", "a) Mục tiêu 1: Chính trị"]);
        assert_eq!(s.objective, Some(1));
        assert_eq!(d.sections[d.blocks[6].section].path, ["II. KHÓ KHĂN"]);
        assert_eq!(heading_level("4.1. Chương trình phòng ngừa"), Some(3));
        assert_eq!(heading_level("1.130 tờ rơi được phát"), None);
        assert_eq!(heading_level("24/4 là ngày"), None);
    }
}
