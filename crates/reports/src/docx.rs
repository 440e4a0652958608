//! DOCX: an editable Word document in the decree's layout — A4 portrait, margins 20 mm top
//! and bottom, 30 mm left, 15 mm right; Times New Roman 14 pt body, justified with a 1 cm
//! first-line indent and 6 pt after each paragraph; the header block as a borderless
//! two-column table; page numbers centred in the top margin from page 2; real Word tables
//! for the annexes; "DỰ THẢO" in the page header of a draft.

use crate::ReportError;
use crate::model::{
    Align, Block, Document, Header, ParaKind, Paragraph as MParagraph, Row, Run as MRun, Signature, Table as MTable,
};
use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Header as DHeader, LineSpacing, LineSpacingType, PageMargin, PageNum,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Style,
    StyleType, Table, TableBorder, TableBorderPosition, TableBorders, TableCell, TableLayoutType, TableRow, VAlignType,
    WidthType,
};

const FONT: &str = "Times New Roman";
/// Twips (1/20 pt) per millimetre.
const MM: f32 = 56.692_9;
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
const LEFT: i32 = (30.0 * MM) as i32;
const RIGHT: i32 = (15.0 * MM) as i32;
const TOP: i32 = (20.0 * MM) as i32;
const BOTTOM: i32 = (20.0 * MM) as i32;
/// The text width in twips.
const TEXT_W: usize = (PAGE_W as i32 - LEFT - RIGHT) as usize;

fn half_points(pt: f32) -> usize {
    (pt * 2.0).round() as usize
}

fn run(r: &MRun, size: f32) -> Run {
    let mut out = Run::new().add_text(&r.text).size(half_points(size));
    if r.style.bold {
        out = out.bold();
    }
    if r.style.italic {
        out = out.italic();
    }
    if r.style.underline {
        out = out.underline("single");
    }
    out
}

fn spacing(after_pt: u32) -> LineSpacing {
    LineSpacing::new()
        .before(0)
        .after(after_pt * 20)
        .line(240)
        .line_rule(LineSpacingType::Auto)
}

fn text_paragraph(text: &str, size: f32, bold: bool, italic: bool, align: AlignmentType) -> Paragraph {
    let mut r = Run::new().add_text(text).size(half_points(size));
    if bold {
        r = r.bold();
    }
    if italic {
        r = r.italic();
    }
    Paragraph::new().add_run(r).align(align).line_spacing(spacing(0))
}

/// A short centred rule: an empty paragraph with a top border, narrowed by indents.
fn rule(indent: i32) -> Paragraph {
    let mut p = Paragraph::new()
        .size(4)
        .line_spacing(
            LineSpacing::new()
                .before(80)
                .after(0)
                .line(240)
                .line_rule(LineSpacingType::Auto),
        )
        .indent(Some(indent), None, Some(indent), None);
    p.property = p.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Top)
                .val(BorderType::Single)
                .size(6)
                .space(1)
                .color("000000"),
        ),
    );
    p
}

fn paragraph(p: &MParagraph) -> Paragraph {
    let size = p.size.unwrap_or(14.0);
    let mut out = Paragraph::new();
    for r in &p.runs {
        out = out.add_run(run(r, size));
    }
    match p.kind {
        // Body text and headings take their layout from styles a user can change at once.
        ParaKind::Body => out.style(BODY_STYLE),
        ParaKind::Heading => out.style(HEADING_STYLE).keep_next(true),
        ParaKind::Centered => out.align(AlignmentType::Center).line_spacing(spacing(0)),
        ParaKind::Plain => out.align(AlignmentType::Left).line_spacing(spacing(0)),
    }
}

const BODY_STYLE: &str = "NoiDung";
const HEADING_STYLE: &str = "DeMuc";

/// The body of a report: 14 pt, justified, first line indented 1 cm, 6 pt after.
fn body_style(id: &str, name: &str, fonts: RunFonts) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .fonts(fonts)
        .size(half_points(14.0))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .line_spacing(spacing(6))
}

fn no_borders() -> TableBorders {
    let mut b = TableBorders::new();
    for pos in [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ] {
        b = b.set(TableBorder::new(pos).border_type(BorderType::None).size(0));
    }
    b
}

fn header_block(h: &Header) -> Table {
    let left_w = TEXT_W * 38 / 100;
    let right_w = TEXT_W - left_w;
    let mut left = TableCell::new().width(left_w, WidthType::Dxa);
    if !h.parent_body.is_empty() {
        left = left.add_paragraph(text_paragraph(
            &h.parent_body,
            13.0,
            false,
            false,
            AlignmentType::Center,
        ));
    }
    left = left
        .add_paragraph(text_paragraph(
            &h.issuing_body,
            13.0,
            true,
            false,
            AlignmentType::Center,
        ))
        .add_paragraph(rule(left_w as i32 / 3))
        .add_paragraph(text_paragraph(
            &h.number_line,
            13.0,
            false,
            false,
            AlignmentType::Center,
        ));
    let motto = Paragraph::new()
        .add_run(
            Run::new()
                .add_text("Độc lập - Tự do - Hạnh phúc")
                .size(half_points(14.0))
                .bold()
                .underline("single"),
        )
        .align(AlignmentType::Center)
        .line_spacing(spacing(6));
    let right = TableCell::new()
        .width(right_w, WidthType::Dxa)
        .add_paragraph(text_paragraph(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            13.0,
            true,
            false,
            AlignmentType::Center,
        ))
        .add_paragraph(motto)
        .add_paragraph(text_paragraph(&h.place_date, 14.0, false, true, AlignmentType::Center));
    Table::new(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![left_w, right_w])
        .width(TEXT_W, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(no_borders())
}

fn title_block(h: &Header, docx: Docx) -> Docx {
    let mut docx = docx
        .add_paragraph(text_paragraph("", 14.0, false, false, AlignmentType::Center))
        .add_paragraph(text_paragraph(&h.doc_type, 14.0, true, false, AlignmentType::Center));
    for line in &h.summary {
        docx = docx.add_paragraph(text_paragraph(line, 14.0, true, false, AlignmentType::Center));
    }
    docx.add_paragraph(rule((TEXT_W as i32) * 2 / 5))
}

fn cell(text: &str, bold: bool, align: Align, size: f32, width: usize) -> TableCell {
    let align = match align {
        Align::Left | Align::Justify => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
    };
    let mut c = TableCell::new().width(width, WidthType::Dxa);
    for line in text.split('\n') {
        c = c.add_paragraph(text_paragraph(line, size, bold, false, align));
    }
    c
}

fn table(t: &MTable) -> Table {
    let printed: Vec<usize> = (0..t.columns.len()).filter(|i| t.columns[*i].in_print).collect();
    // Twips; a cell's default margins are 108 twips on each side.
    let widths: Vec<usize> = t
        .printed_widths(TEXT_W as f32, 2.0 * 108.0 + 40.0, |w, bold, size| {
            crate::pdf::word_width(w, bold, size) * 20.0
        })
        .into_iter()
        .map(|w| w as usize)
        .collect();
    let mut rows = vec![
        TableRow::new(
            printed
                .iter()
                .zip(&widths)
                .map(|(i, w)| {
                    cell(&t.columns[*i].header, true, Align::Center, t.size, *w).vertical_align(VAlignType::Center)
                })
                .collect(),
        )
        // Only column headings are kept whole; `repeat_headings` makes exactly these rows repeat.
        .cant_split(),
    ];
    for r in &t.rows {
        rows.push(match r {
            Row::Group(text) => TableRow::new(vec![
                cell(text, true, Align::Left, t.size, TEXT_W).grid_span(printed.len()),
            ]),
            Row::Cells(cells) => TableRow::new(
                printed
                    .iter()
                    .zip(&widths)
                    .map(|(i, w)| {
                        let c = &cells[*i];
                        let align = if c.number.is_some() {
                            Align::Right
                        } else {
                            t.columns[*i].align
                        };
                        cell(&c.text, c.bold, align, t.size, *w)
                    })
                    .collect(),
            ),
        });
    }
    if t.rows.is_empty() {
        rows.push(TableRow::new(vec![
            cell(&t.empty_text, false, Align::Center, t.size, TEXT_W).grid_span(printed.len()),
        ]));
    }
    Table::new(rows)
        .set_grid(widths)
        .width(TEXT_W, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

fn signature(s: &Signature) -> Table {
    let left_w = TEXT_W * 45 / 100;
    let right_w = TEXT_W - left_w;
    let mut left = TableCell::new().width(left_w, WidthType::Dxa).add_paragraph(
        Paragraph::new()
            .add_run(Run::new().add_text("Nơi nhận:").size(half_points(12.0)).bold().italic())
            .line_spacing(spacing(0)),
    );
    for r in &s.recipients {
        left = left.add_paragraph(text_paragraph(r, 11.0, false, false, AlignmentType::Left));
    }
    let mut right = TableCell::new().width(right_w, WidthType::Dxa);
    for a in &s.authority {
        right = right.add_paragraph(text_paragraph(a, 14.0, true, false, AlignmentType::Center));
    }
    right = right.add_paragraph(text_paragraph(&s.title, 14.0, true, false, AlignmentType::Center));
    for _ in 0..4 {
        right = right.add_paragraph(text_paragraph("", 14.0, false, false, AlignmentType::Center));
    }
    right = right.add_paragraph(text_paragraph(&s.signer, 14.0, true, false, AlignmentType::Center));
    Table::new(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![left_w, right_w])
        .width(TEXT_W, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(no_borders())
}

/// docx-rs cannot mark a row as a heading row (`w:tblHeader`), which Word and LibreOffice
/// repeat at the top of every page a table runs onto; the heading rows are the only rows built
/// with `cant_split`, so the mark goes beside theirs.
fn repeat_headings(document: &[u8]) -> Vec<u8> {
    const ROW_KEPT_WHOLE: &str = "<w:cantSplit />";
    String::from_utf8_lossy(document)
        .replace(ROW_KEPT_WHOLE, "<w:cantSplit /><w:tblHeader />")
        .into_bytes()
}

fn draft_mark() -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text("DỰ THẢO").bold().size(half_points(13.0)))
        .align(AlignmentType::Right)
}

pub fn render(doc: &Document) -> Result<Vec<u8>, ReportError> {
    let fonts = RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT);
    let mut page_header = DHeader::new().add_paragraph(
        Paragraph::new()
            .add_page_num(PageNum::new())
            .align(AlignmentType::Center),
    );
    let mut first_header = DHeader::new();
    if doc.draft {
        page_header = page_header.add_paragraph(draft_mark());
        first_header = first_header.add_paragraph(draft_mark());
    }
    let mut docx = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(PageMargin {
            top: TOP,
            left: LEFT,
            bottom: BOTTOM,
            right: RIGHT,
            header: (10.0 * MM) as i32,
            footer: (10.0 * MM) as i32,
            gutter: 0,
        })
        .default_fonts(fonts.clone())
        .default_size(half_points(14.0))
        .add_style(body_style(BODY_STYLE, "Nội dung báo cáo", fonts.clone()))
        .add_style(
            body_style(HEADING_STYLE, "Đề mục báo cáo", fonts)
                .bold()
                .next(BODY_STYLE),
        )
        .header(page_header)
        .first_header(first_header);
    if let Some(h) = &doc.header {
        docx = docx.add_table(header_block(h));
        docx = title_block(h, docx);
    }
    for b in &doc.blocks {
        docx = match b {
            Block::Paragraph(p) => docx.add_paragraph(paragraph(p)),
            Block::Table(t) => {
                docx.add_table(table(t))
                    .add_paragraph(text_paragraph("", 6.0, false, false, AlignmentType::Left))
            }
            Block::Signature(s) => docx.add_table(signature(s)),
            Block::PageBreak => docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page))),
        };
    }
    let mut xml = docx.build();
    xml.document = repeat_headings(&xml.document);
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| ReportError::Render {
        format: "DOCX",
        message: e.to_string(),
    })?;
    Ok(out.into_inner())
}
