//! PDF: the same document laid out by hand and written with krilla, in Liberation Serif
//! (metric-compatible with Times New Roman, covers Vietnamese; bundled, SIL OFL 1.1).
//!
//! The layout is small on purpose: paragraphs broken into lines by measured glyph advances
//! and justified; tables with wrapped cells that break across pages with their header row
//! repeated; the header block and the signature block in two columns; page numbers centred
//! in the top margin from page 2; "DỰ THẢO" at the top right of every page of a draft.
//! krilla subsets and embeds the fonts and writes ToUnicode maps, so the text of the PDF
//! extracts with its diacritics (pdftotext, search, copy).

use crate::ReportError;
use crate::model::{Align, Block, Document, Header, ParaKind, Paragraph, Row, Signature, Style, Table};
use krilla::Document as PdfDocument;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

static REGULAR: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/LiberationSerif-Bold.ttf");
static ITALIC: &[u8] = include_bytes!("../fonts/LiberationSerif-Italic.ttf");
static BOLD_ITALIC: &[u8] = include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf");

/// A face for measuring: glyph ids and advances.
struct Face {
    face: ttf_parser::Face<'static>,
    units: f32,
    data: &'static [u8],
}

static FACES: LazyLock<[Face; 4]> = LazyLock::new(|| {
    [REGULAR, BOLD, ITALIC, BOLD_ITALIC].map(|data| {
        let face = ttf_parser::Face::parse(data, 0).expect("the bundled fonts parse");
        Face {
            units: f32::from(face.units_per_em()),
            face,
            data,
        }
    })
});

fn face_index(style: Style) -> usize {
    match (style.bold, style.italic) {
        (false, false) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (true, true) => 3,
    }
}

impl Face {
    fn glyph(&self, c: char) -> (GlyphId, f32) {
        let id = self
            .face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index('?'))
            .unwrap_or(ttf_parser::GlyphId(0));
        let advance = self.face.glyph_hor_advance(id).unwrap_or(0);
        (GlyphId::new(u32::from(id.0)), f32::from(advance) / self.units)
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size
    }
}

fn width(text: &str, style: Style, size: f32) -> f32 {
    FACES[face_index(style)].width(text, size)
}

/// A word's width in points in the report's font (Times New Roman's metrics), plain or bold:
/// what a table column must leave room for.
pub(crate) fn word_width(word: &str, bold: bool, size: f32) -> f32 {
    width(word, if bold { Style::BOLD } else { Style::PLAIN }, size)
}

/// Millimetres to points.
const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const LEFT: f32 = 30.0 * MM;
const RIGHT: f32 = 15.0 * MM;
const TOP: f32 = 20.0 * MM;
const BOTTOM: f32 = 20.0 * MM;
const TEXT_W: f32 = PAGE_W - LEFT - RIGHT;
const BODY: f32 = 14.0;
const LINE: f32 = 1.2;
const INDENT: f32 = 10.0 * MM;
const AFTER: f32 = 6.0;
const CELL_PAD: f32 = 3.0;

/// What is drawn on a page.
enum Item {
    Text {
        x: f32,
        y: f32,
        style: Style,
        size: f32,
        text: String,
    },
    /// A filled rectangle: rules and table borders.
    Rect { x: f32, y: f32, w: f32, h: f32 },
}

/// A word or part of one in one style; `space` when a space follows it.
#[derive(Clone)]
struct Piece {
    text: String,
    style: Style,
    space: bool,
    width: f32,
}

/// Splits styled runs into pieces at spaces (newlines force a break: `None`).
fn pieces(runs: &[(String, Style)], size: f32) -> Vec<Option<Piece>> {
    let mut out: Vec<Option<Piece>> = Vec::new();
    for (text, style) in runs {
        let text: String = text.nfc().collect();
        for (li, line) in text.split('\n').enumerate() {
            if li > 0 {
                out.push(None);
            }
            let mut word = String::new();
            let flush = |word: &mut String, space: bool, out: &mut Vec<Option<Piece>>| {
                if !word.is_empty() {
                    out.push(Some(Piece {
                        width: width(word, *style, size),
                        text: std::mem::take(word),
                        style: *style,
                        space,
                    }));
                } else if space && let Some(Some(last)) = out.last_mut() {
                    last.space = true;
                }
            };
            for c in line.chars() {
                if c == ' ' || c == '\t' {
                    flush(&mut word, true, &mut out);
                } else {
                    word.push(c);
                    // A long figure such as (148.782/239.796) may break after its slash.
                    if c == '/' {
                        flush(&mut word, false, &mut out);
                    }
                }
            }
            flush(&mut word, false, &mut out);
        }
    }
    out
}

/// One laid-out line: pieces with their x offsets, and whether it ends a paragraph.
struct Line {
    pieces: Vec<(f32, Piece)>,
    width: f32,
}

/// Greedy line breaking; `first` is the width of the first line, `rest` of the others.
/// Returns lines and, for each, whether it is the last of a block (not to be justified).
fn break_lines(pieces: &[Option<Piece>], first: f32, rest: f32, size: f32) -> Vec<(Line, bool)> {
    let space_w = |style: Style| width(" ", style, size);
    let mut lines = Vec::new();
    let mut cur: Vec<(f32, Piece)> = Vec::new();
    let mut x = 0.0f32;
    let mut pending_space = 0.0f32;
    let limit = |n: usize| if n == 0 { first } else { rest };
    for p in pieces {
        let Some(p) = p else {
            lines.push((
                Line {
                    width: x,
                    pieces: std::mem::take(&mut cur),
                },
                true,
            ));
            x = 0.0;
            pending_space = 0.0;
            continue;
        };
        let start = if cur.is_empty() { 0.0 } else { x + pending_space };
        if !cur.is_empty() && start + p.width > limit(lines.len()) {
            lines.push((
                Line {
                    width: x,
                    pieces: std::mem::take(&mut cur),
                },
                false,
            ));
            x = 0.0;
        }
        let start = if cur.is_empty() { 0.0 } else { x + pending_space };
        cur.push((start, p.clone()));
        x = start + p.width;
        pending_space = if p.space { space_w(p.style) } else { 0.0 };
    }
    lines.push((Line { width: x, pieces: cur }, true));
    lines
}

struct Layout {
    pages: Vec<Vec<Item>>,
    y: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn page(&mut self) -> &mut Vec<Item> {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn room(&self) -> f32 {
        PAGE_H - BOTTOM - self.y
    }

    fn ensure(&mut self, h: f32) {
        if h > self.room() && self.y > TOP + 1.0 {
            self.new_page();
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.page().push(Item::Rect { x, y, w, h });
    }

    /// Draws laid-out lines at `x0` within `w`, aligned; returns nothing, advances y.
    fn lines(&mut self, lines: Vec<(Line, bool)>, x0: f32, w: f32, first_indent: f32, size: f32, align: Align) {
        let lh = size * LINE;
        for (i, (line, last)) in lines.into_iter().enumerate() {
            self.ensure(lh);
            let indent = if i == 0 { first_indent } else { 0.0 };
            let avail = w - indent;
            let baseline = self.y + size * 0.9;
            let (shift, stretch) = match align {
                Align::Center => ((avail - line.width) / 2.0, 0.0),
                Align::Right => (avail - line.width, 0.0),
                Align::Justify if !last && line.pieces.len() > 1 => {
                    let gaps = line
                        .pieces
                        .iter()
                        .take(line.pieces.len() - 1)
                        .filter(|(_, p)| p.space)
                        .count();
                    (
                        0.0,
                        if gaps > 0 {
                            (avail - line.width) / gaps as f32
                        } else {
                            0.0
                        },
                    )
                }
                _ => (0.0, 0.0),
            };
            let mut extra = 0.0;
            for (px, p) in line.pieces {
                self.page().push(Item::Text {
                    x: x0 + indent + shift + px + extra,
                    y: baseline,
                    style: p.style,
                    size,
                    text: p.text.clone(),
                });
                if p.style.underline {
                    let x = x0 + indent + shift + px + extra;
                    self.page().push(Item::Rect {
                        x,
                        y: baseline + 1.5,
                        w: p.width,
                        h: 0.6,
                    });
                }
                if p.space {
                    extra += stretch;
                }
            }
            self.y += lh;
        }
    }

    fn paragraph(&mut self, p: &Paragraph) {
        let size = p.size.unwrap_or(BODY);
        let runs: Vec<(String, Style)> = p.runs.iter().map(|r| (r.text.clone(), r.style)).collect();
        let ps = pieces(&runs, size);
        let (indent, align, after) = match p.kind {
            ParaKind::Body => (INDENT, Align::Justify, AFTER),
            ParaKind::Heading => (INDENT, Align::Justify, AFTER),
            ParaKind::Centered => (0.0, Align::Center, 0.0),
            ParaKind::Plain => (0.0, Align::Left, 0.0),
        };
        let lines = break_lines(&ps, TEXT_W - indent, TEXT_W, size);
        if p.kind == ParaKind::Heading {
            // Keep a heading with the first lines of what follows.
            self.ensure(lines.len() as f32 * size * LINE + 3.0 * BODY * LINE);
        }
        self.lines(lines, LEFT, TEXT_W, indent, size, align);
        self.y += after;
    }

    /// Lines of one column, centred; returns the height used. Used by the header block.
    fn column(&mut self, x: f32, w: f32, y: f32, lines: &[(&str, Style, f32)]) -> f32 {
        let saved = self.y;
        self.y = y;
        for (text, style, size) in lines {
            let ps = pieces(&[(text.to_string(), *style)], *size);
            let l = break_lines(&ps, w, w, *size);
            self.lines(l, x, w, 0.0, *size, Align::Center);
        }
        let used = self.y - y;
        self.y = saved;
        used
    }

    fn header(&mut self, h: &Header) {
        let left_w = TEXT_W * 0.38;
        let right_x = LEFT + left_w;
        let right_w = TEXT_W - left_w;
        let y0 = self.y;
        let mut left: Vec<(&str, Style, f32)> = Vec::new();
        if !h.parent_body.is_empty() {
            left.push((&h.parent_body, Style::PLAIN, 13.0));
        }
        left.push((&h.issuing_body, Style::BOLD, 13.0));
        let used = self.column(LEFT, left_w, y0, &left);
        // A short rule under the issuer, a third of its column.
        self.rect(LEFT + left_w / 3.0, y0 + used + 2.0, left_w / 3.0, 0.6);
        let used_left =
            used + 6.0 + self.column(LEFT, left_w, y0 + used + 6.0, &[(&h.number_line, Style::PLAIN, 13.0)]);
        let national = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
        let motto = "Độc lập - Tự do - Hạnh phúc";
        let used = self.column(
            right_x,
            right_w,
            y0,
            &[(national, Style::BOLD, 13.0), (motto, Style::BOLD, 14.0)],
        );
        // The rule under the motto is as long as the motto.
        let motto_w = width(motto, Style::BOLD, 14.0);
        self.rect(right_x + (right_w - motto_w) / 2.0, y0 + used + 1.0, motto_w, 0.6);
        let used_right = used
            + 8.0
            + self.column(
                right_x,
                right_w,
                y0 + used + 8.0,
                &[(&h.place_date, Style::ITALIC, 14.0)],
            );
        self.y = y0 + used_left.max(used_right) + 14.0;
        let mut title: Vec<(&str, Style, f32)> = vec![(&h.doc_type, Style::BOLD, 14.0)];
        for s in &h.summary {
            title.push((s, Style::BOLD, 14.0));
        }
        let used = self.column(LEFT, TEXT_W, self.y, &title);
        self.y += used + 5.0;
        self.rect(LEFT + TEXT_W * 0.4, self.y, TEXT_W * 0.2, 0.6);
        self.y += 12.0;
    }

    fn signature(&mut self, s: &Signature) {
        let left_w = TEXT_W * 0.45;
        let right_x = LEFT + left_w;
        let right_w = TEXT_W - left_w;
        let height = (s.recipients.len() as f32 + 1.0) * 11.0 * LINE + 20.0;
        let right_h = (s.authority.len() as f32 + 6.0) * BODY * LINE;
        self.y += AFTER;
        self.ensure(height.max(right_h));
        let y0 = self.y;
        // Recipients: left-aligned.
        let saved = self.y;
        let heading = pieces(&[("Nơi nhận:".to_string(), Style::BOLD_ITALIC)], 12.0);
        self.lines(
            break_lines(&heading, left_w, left_w, 12.0),
            LEFT,
            left_w,
            0.0,
            12.0,
            Align::Left,
        );
        for r in &s.recipients {
            let ps = pieces(&[(r.clone(), Style::PLAIN)], 11.0);
            self.lines(
                break_lines(&ps, left_w - 6.0, left_w - 6.0, 11.0),
                LEFT,
                left_w - 6.0,
                0.0,
                11.0,
                Align::Left,
            );
        }
        let used_left = self.y - saved;
        let mut right: Vec<(&str, Style, f32)> = s.authority.iter().map(|a| (a.as_str(), Style::BOLD, BODY)).collect();
        right.push((&s.title, Style::BOLD, BODY));
        let used = self.column(right_x, right_w, y0, &right);
        let signer_y = y0 + used + 4.0 * BODY * LINE;
        let used_signer = self.column(right_x, right_w, signer_y, &[(&s.signer, Style::BOLD, BODY)]);
        self.y = y0 + used_left.max(signer_y - y0 + used_signer);
    }

    fn table(&mut self, t: &Table) {
        let printed: Vec<usize> = (0..t.columns.len()).filter(|i| t.columns[*i].in_print).collect();
        let widths = t.printed_widths(TEXT_W, 2.0 * CELL_PAD + 1.0, word_width);
        let size = t.size;
        let lh = size * LINE;
        // Each row as cells of (lines, align), and its height.
        type Laid = Vec<(Vec<(Line, bool)>, Align, f32, f32)>;
        let lay_cell = |text: &str, bold: bool, w: f32| {
            let style = if bold { Style::BOLD } else { Style::PLAIN };
            let ps = pieces(&[(text.to_string(), style)], size);
            break_lines(&ps, w - 2.0 * CELL_PAD, w - 2.0 * CELL_PAD, size)
        };
        let header: Laid = printed
            .iter()
            .zip(&widths)
            .scan(LEFT, |x, (i, w)| {
                let cell = (lay_cell(&t.columns[*i].header, true, *w), Align::Center, *x, *w);
                *x += w;
                Some(cell)
            })
            .collect();
        let height =
            |laid: &Laid| laid.iter().map(|(l, _, _, _)| l.len()).max().unwrap_or(1) as f32 * lh + 2.0 * CELL_PAD;
        let mut rows: Vec<Laid> = Vec::new();
        for r in &t.rows {
            rows.push(match r {
                Row::Group(text) => vec![(lay_cell(text, true, TEXT_W), Align::Left, LEFT, TEXT_W)],
                Row::Cells(cells) => printed
                    .iter()
                    .zip(&widths)
                    .scan(LEFT, |x, (i, w)| {
                        let c = &cells[*i];
                        let align = if c.number.is_some() {
                            Align::Right
                        } else {
                            t.columns[*i].align
                        };
                        let align = if align == Align::Justify { Align::Left } else { align };
                        let cell = (lay_cell(&c.text, c.bold, *w), align, *x, *w);
                        *x += w;
                        Some(cell)
                    })
                    .collect(),
            });
        }
        if t.rows.is_empty() {
            rows.push(vec![(
                lay_cell(&t.empty_text, false, TEXT_W),
                Align::Center,
                LEFT,
                TEXT_W,
            )]);
        }
        let header_h = height(&header);
        let draw_row = |layout: &mut Layout, laid: &Laid| {
            let h = height(laid);
            let y0 = layout.y;
            for (lines, align, x, w) in laid {
                layout.y = y0 + CELL_PAD;
                let lines: Vec<(Line, bool)> = lines.iter().map(|(l, last)| (clone_line(l), *last)).collect();
                layout.lines(lines, x + CELL_PAD, w - 2.0 * CELL_PAD, 0.0, size, *align);
                // Cell borders: left and top; the right and bottom close the row.
                layout.rect(*x, y0, 0.5, h);
                layout.rect(*x, y0, *w, 0.5);
            }
            layout.rect(LEFT + TEXT_W - 0.5, y0, 0.5, h);
            layout.rect(LEFT, y0 + h - 0.5, TEXT_W, 0.5);
            layout.y = y0 + h;
        };
        self.ensure(header_h + rows.first().map(height).unwrap_or(0.0));
        draw_row(self, &header);
        for laid in &rows {
            let h = height(laid);
            if h > self.room() {
                self.new_page();
                draw_row(self, &header);
            }
            draw_row(self, laid);
        }
        self.y += AFTER * 2.0;
    }
}

fn clone_line(l: &Line) -> Line {
    Line {
        pieces: l.pieces.clone(),
        width: l.width,
    }
}

fn draw_text(
    surface: &mut krilla::surface::Surface<'_>,
    fonts: &[Font; 4],
    x: f32,
    y: f32,
    style: Style,
    size: f32,
    text: &str,
) {
    let i = face_index(style);
    let face = &FACES[i];
    let glyphs: Vec<KrillaGlyph> = text
        .char_indices()
        .map(|(at, c)| {
            let (id, advance) = face.glyph(c);
            KrillaGlyph {
                glyph_id: id,
                text_range: at..at + c.len_utf8(),
                x_advance: advance,
                x_offset: 0.0,
                y_offset: 0.0,
                y_advance: 0.0,
                location: None,
            }
        })
        .collect();
    surface.draw_glyphs(Point::from_xy(x, y), &glyphs, fonts[i].clone(), text, size, false);
}

pub fn render(doc: &Document) -> Result<Vec<u8>, ReportError> {
    let mut layout = Layout::new();
    if let Some(h) = &doc.header {
        layout.header(h);
    }
    for b in &doc.blocks {
        match b {
            Block::Paragraph(p) => layout.paragraph(p),
            Block::Table(t) => layout.table(t),
            Block::Signature(s) => layout.signature(s),
            Block::PageBreak => layout.new_page(),
        }
    }
    let fonts: [Font; 4] = std::array::from_fn(|i| Font::new(FACES[i].data.into(), 0).expect("the bundled fonts load"));
    let mut pdf = PdfDocument::new();
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .language("vi".into())
            .creator("binhdang".into()),
    );
    let count = layout.pages.len();
    for (n, items) in layout.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4 is a valid page size");
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        surface.set_fill(Some(Fill::default()));
        for item in items {
            match item {
                Item::Text {
                    x,
                    y,
                    style,
                    size,
                    text,
                } => draw_text(&mut surface, &fonts, *x, *y, *style, *size, text),
                Item::Rect { x, y, w, h } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x, *y);
                    pb.line_to(x + w, *y);
                    pb.line_to(x + w, y + h);
                    pb.line_to(*x, y + h);
                    pb.close();
                    if let Some(path) = pb.finish() {
                        surface.draw_path(&path);
                    }
                }
            }
        }
        if n > 0 {
            let label = (n + 1).to_string();
            let w = width(&label, Style::PLAIN, 13.0);
            draw_text(
                &mut surface,
                &fonts,
                LEFT + (TEXT_W - w) / 2.0,
                12.0 * MM,
                Style::PLAIN,
                13.0,
                &label,
            );
        }
        if doc.draft {
            let mark = "DỰ THẢO";
            let w = width(mark, Style::BOLD, 13.0);
            let x = PAGE_W - RIGHT - w;
            draw_text(&mut surface, &fonts, x, 12.0 * MM, Style::BOLD, 13.0, mark);
            // A box around the mark.
            for (rx, ry, rw, rh) in [
                (x - 4.0, 7.0 * MM, w + 8.0, 0.6),
                (x - 4.0, 12.0 * MM + 4.0, w + 8.0, 0.6),
                (x - 4.0, 7.0 * MM, 0.6, 5.0 * MM + 4.0),
                (x + w + 4.0, 7.0 * MM, 0.6, 5.0 * MM + 4.6),
            ] {
                let mut pb = PathBuilder::new();
                pb.move_to(rx, ry);
                pb.line_to(rx + rw, ry);
                pb.line_to(rx + rw, ry + rh);
                pb.line_to(rx, ry + rh);
                pb.close();
                if let Some(path) = pb.finish() {
                    surface.draw_path(&path);
                }
            }
        }
        let _ = count;
        surface.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| ReportError::Render {
        format: "PDF",
        message: format!("{e:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_fonts_draw_every_vietnamese_letter() {
        let letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY\
            àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ\
            ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ–…";
        for face in FACES.iter() {
            for c in letters.chars() {
                assert!(face.face.glyph_index(c).is_some(), "no glyph for {c}");
            }
        }
    }

    #[test]
    fn lines_never_overflow_their_width() {
        let text = "Tỷ lệ cơ quan quản lý nhà nước, chính quyền địa phương các cấp có lãnh đạo chủ chốt là nữ đạt 63,6% (7/11), so với chỉ tiêu ít nhất 60% là đạt.";
        let ps = pieces(&[(text.to_string(), Style::PLAIN)], 14.0);
        for (line, _) in break_lines(&ps, 200.0, 250.0, 14.0).iter().skip(1) {
            assert!(line.width <= 250.0 + 0.01, "{}", line.width);
        }
    }
}
