//! The document model every renderer draws: a header block (Nghị định 30/2020/NĐ-CP,
//! Phụ lục I), paragraphs made of styled runs, tables whose cells carry both the text that is
//! printed and the number behind it, and the signature block. Built once from the store
//! (see `build.rs`), drawn as DOCX, PDF and XLSX.

/// A whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// For file properties and the PDF's metadata.
    pub title: String,
    /// File name without extension: `bao-cao-chien-luoc-12-2024`.
    pub file_stem: String,
    /// Marked "DỰ THẢO" on every page: the data behind it is not approved yet.
    pub draft: bool,
    pub header: Option<Header>,
    pub blocks: Vec<Block>,
}

/// The top of the first page: issuing body on the left, national motto on the right, then
/// the place and date, the document type and its summary line.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The body above the issuer, in capitals, not bold; may be empty.
    pub parent_body: String,
    /// The issuer, in capitals, bold.
    pub issuing_body: String,
    /// "Số: 05/BC-UBND" or "Số:      /BC-UBND".
    pub number_line: String,
    /// "Lai Châu, ngày 05 tháng 3 năm 2024"
    pub place_date: String,
    /// "BÁO CÁO"
    pub doc_type: String,
    /// The summary line(s) under the type.
    pub summary: Vec<String>,
}

/// Text style of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
}

impl Style {
    pub const PLAIN: Style = Style {
        bold: false,
        italic: false,
        underline: false,
    };
    pub const BOLD: Style = Style {
        bold: true,
        italic: false,
        underline: false,
    };
    pub const ITALIC: Style = Style {
        bold: false,
        italic: true,
        underline: false,
    };
    pub const BOLD_ITALIC: Style = Style {
        bold: true,
        italic: true,
        underline: false,
    };
}

/// A piece of text in one style.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub style: Style,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            style: Style::PLAIN,
        }
    }
    pub fn bold(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            style: Style::BOLD,
        }
    }
    pub fn italic(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            style: Style::ITALIC,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    Justify,
}

/// What kind of paragraph: decides indent, alignment and spacing in every renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParaKind {
    /// Body text: justified, first line indented 1 cm.
    Body,
    /// A heading inside the body ("I. KẾT QUẢ …", "1. Mục tiêu 1 …"): bold, indented like body.
    Heading,
    /// Centred (annex titles, table titles).
    Centered,
    /// A line of a list without first-line indent.
    Plain,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub kind: ParaKind,
    pub runs: Vec<Run>,
    /// Point size; `None` is the body size (14 pt).
    pub size: Option<f32>,
}

impl Paragraph {
    pub fn new(kind: ParaKind, runs: Vec<Run>) -> Paragraph {
        Paragraph { kind, runs, size: None }
    }
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// How a number is shown, in every format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFormat {
    /// Whole number: `1.260` (XLSX `#,##0`).
    Integer,
    /// A value in percent, one decimal: `63,6%` (XLSX: the fraction with `0.0%`).
    Percent,
    /// One decimal: `105,3` (XLSX `#,##0.0`).
    Decimal1,
    /// Two decimals: `1,85` (XLSX `#,##0.00`).
    Decimal2,
    /// Money in đồng: `15.000.000` (XLSX `#,##0`).
    Money,
    /// A date, as a spreadsheet serial number: `09/02/2021` (XLSX `dd/mm/yyyy`).
    Date,
    /// A year: `2024` (XLSX `0`, no grouping).
    Year,
}

/// A table cell: the printed text, and the number behind it when there is one (XLSX writes
/// that number with the format; DOCX and PDF print the text).
#[derive(Debug, Clone, PartialEq)]
pub struct TableCell {
    pub text: String,
    pub number: Option<(f64, NumFormat)>,
    pub bold: bool,
}

impl TableCell {
    pub fn text(text: impl Into<String>) -> TableCell {
        TableCell {
            text: text.into(),
            number: None,
            bold: false,
        }
    }
    pub fn number(text: impl Into<String>, value: f64, format: NumFormat) -> TableCell {
        TableCell {
            text: text.into(),
            number: Some((value, format)),
            bold: false,
        }
    }
    pub fn bold(mut self) -> TableCell {
        self.bold = true;
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// A row spanning every column: an objective's name above its indicators.
    Group(String),
    Cells(Vec<TableCell>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    /// Relative width.
    pub width: f32,
    pub align: Align,
    /// False for columns only the spreadsheet has (numerator, denominator, the bare value).
    pub in_print: bool,
}

impl Column {
    pub fn new(header: impl Into<String>, width: f32, align: Align) -> Column {
        Column {
            header: header.into(),
            width,
            align,
            in_print: true,
        }
    }

    /// A column only the spreadsheet shows.
    pub fn sheet_only(mut self) -> Column {
        self.in_print = false;
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// XLSX sheet name (at most 31 characters, unique in a workbook).
    pub sheet: String,
    /// Title shown above the table in XLSX (the document has its own heading before it).
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Printed when there is no row.
    pub empty_text: String,
    /// Point size of the cells in DOCX and PDF.
    pub size: f32,
}

impl Table {
    /// The printed columns' widths, `total` wide in all: the relative widths, except that a
    /// column is at least as wide as its longest word (measured by `measure(word, bold,
    /// size)`) plus `pad`, the room taken from columns that have more than they need — so
    /// that no document number, date or heading is broken or printed over its neighbour.
    pub fn printed_widths(&self, total: f32, pad: f32, measure: impl Fn(&str, bool, f32) -> f32) -> Vec<f32> {
        let printed: Vec<usize> = (0..self.columns.len()).filter(|i| self.columns[*i].in_print).collect();
        let relative: f32 = printed.iter().map(|i| self.columns[*i].width).sum();
        let mut widths: Vec<f32> = printed
            .iter()
            .map(|i| self.columns[*i].width / relative * total)
            .collect();
        let longest = |text: &str, bold: bool| {
            text.split_whitespace()
                .map(|w| measure(w, bold, self.size))
                .fold(0.0_f32, f32::max)
        };
        let needed: Vec<f32> = printed
            .iter()
            .map(|&i| {
                let cells = self.rows.iter().filter_map(|r| match r {
                    Row::Cells(cells) => cells.get(i).map(|c| longest(&c.text, c.bold)),
                    Row::Group(_) => None,
                });
                cells.fold(longest(&self.columns[i].header, true), f32::max) + pad
            })
            .collect();
        let least: f32 = needed.iter().sum();
        if least >= total {
            // Nothing fits: every column gets its share of what its words need.
            return needed.iter().map(|n| n / least * total).collect();
        }
        let deficit: f32 = widths.iter().zip(&needed).map(|(w, n)| (n - w).max(0.0)).sum();
        if deficit > 0.0 {
            let slack: f32 = widths.iter().zip(&needed).map(|(w, n)| (w - n).max(0.0)).sum();
            for (w, n) in widths.iter_mut().zip(&needed) {
                *w = if *w < *n { *n } else { *w - (*w - n) / slack * deficit };
            }
        }
        widths
    }
}

/// The bottom of the body: recipients on the left, the signing authority on the right.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// "- Như trên;", "- Lưu: VT, …"
    pub recipients: Vec<String>,
    /// "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", …: lines above the title.
    pub authority: Vec<String>,
    /// "PHÓ CHỦ TỊCH"
    pub title: String,
    /// The signer's name, bold; may be empty.
    pub signer: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
    Signature(Signature),
    /// The following blocks start a new page (annexes).
    PageBreak,
}

impl Document {
    /// Every table of the document, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// The document as plain text, paragraph by paragraph (tests and previews).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        if let Some(h) = &self.header {
            for line in [
                &h.parent_body,
                &h.issuing_body,
                &h.number_line,
                &h.place_date,
                &h.doc_type,
            ] {
                out.push_str(line);
                out.push('\n');
            }
            for s in &h.summary {
                out.push_str(s);
                out.push('\n');
            }
        }
        for b in &self.blocks {
            match b {
                Block::Paragraph(p) => {
                    out.push_str(&p.text());
                    out.push('\n');
                }
                Block::Table(t) => {
                    let headers: Vec<&str> = t.columns.iter().map(|c| c.header.as_str()).collect();
                    out.push_str(&headers.join(" | "));
                    out.push('\n');
                    if t.rows.is_empty() {
                        out.push_str(&t.empty_text);
                        out.push('\n');
                    }
                    for r in &t.rows {
                        match r {
                            Row::Group(g) => out.push_str(g),
                            Row::Cells(cells) => {
                                let texts: Vec<&str> = cells.iter().map(|c| c.text.as_str()).collect();
                                out.push_str(&texts.join(" | "));
                            }
                        }
                        out.push('\n');
                    }
                }
                Block::Signature(s) => {
                    for line in s.recipients.iter().chain(&s.authority) {
                        out.push_str(line);
                        out.push('\n');
                    }
                    out.push_str(&s.title);
                    out.push('\n');
                    out.push_str(&s.signer);
                    out.push('\n');
                }
                Block::PageBreak => {}
            }
        }
        out
    }
}
