//! Reading a document into lines and table rows: plain text (UTF-8, or UTF-16 with a
//! byte-order mark), DOCX (paragraphs and real tables) and PDF with a text layer.
//!
//! The format is told by the content, not the file name. Anything that cannot be read —
//! empty, binary, too large, not UTF-8, a legacy `.doc`, a damaged DOCX, a PDF without a
//! text layer — is a [`ReadError`] that says what is wrong in English and Vietnamese.

use serde::Serialize;
use std::io::Read;
use std::path::Path;

/// Largest file accepted, in bytes (a DOCX with pictures can be large).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest text accepted after extraction, in bytes: about a thousand pages, far more
/// than any report; longer input is refused rather than checked for minutes.
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;
/// Largest `word/document.xml` read from a DOCX, uncompressed (a zip bomb stops here).
const MAX_DOCX_XML_BYTES: u64 = 128 * 1024 * 1024;

/// What the document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Docx,
    Pdf,
}

impl Format {
    pub fn as_str(&self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    /// What a position's number counts in this format.
    pub fn position_word_vi(&self) -> &'static str {
        match self {
            Format::Text | Format::Pdf => "dòng",
            Format::Docx => "đoạn",
        }
    }
}

/// A line of text or a table row as the reader found it, before cleaning.
#[derive(Debug, Clone, PartialEq)]
pub enum RawBlock {
    /// A line (text, PDF) or a paragraph (DOCX), with its 1-based number.
    Line { number: usize, text: String },
    /// A row of a real table (DOCX): its cells, its 1-based position and its table.
    Row {
        number: usize,
        cells: Vec<String>,
        table: usize,
    },
}

/// A document as read: its format and its lines and rows in order.
#[derive(Debug, Clone)]
pub struct RawDocument {
    pub format: Format,
    pub blocks: Vec<RawBlock>,
}

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the file is empty")]
    Empty,
    #[error("the file is too large ({size} bytes; at most {limit} bytes are read)")]
    TooLarge { size: u64, limit: u64 },
    #[error(
        "the document's text is too long ({size} bytes of text; at most {limit}, about a thousand pages, are checked): split it"
    )]
    TextTooLong { size: usize, limit: usize },
    #[error("this is not a text document but binary data ({what})")]
    Binary { what: String },
    #[error(
        "the text is not UTF-8 (byte 0x{byte:02X} at offset {offset}): it was probably saved as Windows-1258, TCVN3 or VNI; save it as UTF-8 (e.g. iconv -f WINDOWS-1258 -t UTF-8) or as DOCX"
    )]
    NotUtf8 { offset: usize, byte: u8 },
    #[error("the text claims to be UTF-16 but is damaged")]
    BadUtf16,
    #[error("this is an old Word/Excel file (.doc/.xls, OLE format), which is not read: save it as .docx")]
    LegacyOffice,
    #[error("this is an RTF file, which is not read: save it as .docx")]
    Rtf,
    #[error("this ZIP archive is not a Word document (DOCX){hint}")]
    NotDocx { hint: String },
    #[error("the DOCX file is damaged or truncated: {detail}")]
    BadDocx { detail: String },
    #[error("the PDF file is damaged or cannot be read: {detail}")]
    BadPdf { detail: String },
    #[error("the PDF has no text layer (a scan?): run OCR on it first, or use the DOCX original")]
    PdfNoText,
    #[error("the document holds no text")]
    NoText,
}

impl ReadError {
    /// The same message in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            ReadError::Io { path, source } => format!("Không đọc được tệp {path}: {source}"),
            ReadError::Empty => "Tệp rỗng, không có nội dung".into(),
            ReadError::TooLarge { size, limit } => {
                format!("Tệp quá lớn ({size} byte; chỉ đọc tệp đến {limit} byte)")
            }
            ReadError::TextTooLong { size, limit } => format!(
                "Văn bản quá dài ({size} byte chữ; chỉ kiểm tra đến {limit} byte, khoảng một nghìn trang): hãy tách thành nhiều tệp"
            ),
            ReadError::Binary { what } => {
                format!("Đây không phải văn bản mà là dữ liệu nhị phân ({what})")
            }
            ReadError::NotUtf8 { offset, byte } => format!(
                "Văn bản không ở bảng mã UTF-8 (byte 0x{byte:02X} ở vị trí {offset}): có thể được lưu bằng Windows-1258, TCVN3 hoặc VNI; hãy lưu lại dưới dạng UTF-8 (ví dụ iconv -f WINDOWS-1258 -t UTF-8) hoặc DOCX"
            ),
            ReadError::BadUtf16 => "Văn bản ghi là UTF-16 nhưng bị hỏng".into(),
            ReadError::LegacyOffice => {
                "Đây là tệp Word/Excel cũ (.doc/.xls), không đọc được: hãy lưu lại dưới dạng .docx".into()
            }
            ReadError::Rtf => "Đây là tệp RTF, không đọc được: hãy lưu lại dưới dạng .docx".into(),
            ReadError::NotDocx { hint } => {
                format!("Tệp nén ZIP này không phải văn bản Word (DOCX){}", hint_vi(hint))
            }
            ReadError::BadDocx { detail } => format!("Tệp DOCX bị hỏng hoặc không trọn vẹn: {detail}"),
            ReadError::BadPdf { detail } => format!("Tệp PDF bị hỏng hoặc không đọc được: {detail}"),
            ReadError::PdfNoText => {
                "Tệp PDF không có lớp chữ (bản quét?): hãy nhận dạng chữ (OCR) trước, hoặc dùng bản DOCX gốc".into()
            }
            ReadError::NoText => "Văn bản không có nội dung chữ".into(),
        }
    }
}

fn hint_vi(hint: &str) -> String {
    if hint.contains("OpenDocument") {
        ": đây là tệp OpenDocument (.odt), hãy lưu lại dưới dạng .docx".into()
    } else if hint.contains("spreadsheet") {
        ": đây là bảng tính Excel (.xlsx), chưa được hỗ trợ".into()
    } else if hint.contains("PowerPoint") {
        ": đây là tệp trình chiếu PowerPoint (.pptx)".into()
    } else {
        String::new()
    }
}

/// Reads a file from disk.
pub fn read_path(path: &Path) -> Result<RawDocument, ReadError> {
    let io = |source| ReadError::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("it is a directory")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    read_bytes(&bytes)
}

/// Reads a document from its bytes, telling the format from the content.
pub fn read_bytes(bytes: &[u8]) -> Result<RawDocument, ReadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    let doc = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        RawDocument {
            format: Format::Docx,
            blocks: read_docx(bytes)?,
        }
    } else if bytes.starts_with(b"%PDF-") || bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        RawDocument {
            format: Format::Pdf,
            blocks: read_pdf(bytes)?,
        }
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(ReadError::LegacyOffice);
    } else if bytes.starts_with(b"{\\rtf") {
        return Err(ReadError::Rtf);
    } else {
        let text = decode_text(bytes)?;
        RawDocument {
            format: Format::Text,
            blocks: lines(&text),
        }
    };
    let size: usize = doc
        .blocks
        .iter()
        .map(|b| match b {
            RawBlock::Line { text, .. } => text.len() + 1,
            RawBlock::Row { cells, .. } => cells.iter().map(|c| c.len() + 1).sum(),
        })
        .sum();
    if size > MAX_TEXT_BYTES {
        return Err(ReadError::TextTooLong {
            size,
            limit: MAX_TEXT_BYTES,
        });
    }
    let has_text = doc.blocks.iter().any(|b| match b {
        RawBlock::Line { text, .. } => text.chars().any(char::is_alphanumeric),
        RawBlock::Row { cells, .. } => cells.iter().any(|c| c.chars().any(char::is_alphanumeric)),
    });
    if !has_text {
        return Err(match doc.format {
            Format::Pdf => ReadError::PdfNoText,
            _ => ReadError::NoText,
        });
    }
    Ok(doc)
}

fn lines(text: &str) -> Vec<RawBlock> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| RawBlock::Line {
            number: i + 1,
            text: l.strip_suffix('\r').unwrap_or(l).to_string(),
        })
        .collect()
}

/// UTF-8 (with or without a byte-order mark) or UTF-16 with one; binary data and other
/// encodings are refused.
fn decode_text(bytes: &[u8]) -> Result<String, ReadError> {
    if let Some(rest) = bytes
        .strip_prefix(&[0xFF, 0xFE])
        .or_else(|| bytes.strip_prefix(&[0xFE, 0xFF]))
    {
        let little = bytes[0] == 0xFF;
        if rest.len() % 2 != 0 {
            return Err(ReadError::BadUtf16);
        }
        let units = rest.chunks_exact(2).map(|c| {
            if little {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        let text: String = char::decode_utf16(units)
            .collect::<Result<_, _>>()
            .map_err(|_| ReadError::BadUtf16)?;
        return check_not_binary(text);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if nuls > 0 {
        return Err(ReadError::Binary {
            what: format!("{nuls} NUL bytes in the first {} bytes", head.len()),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => check_not_binary(s.to_string()),
        Err(e) => {
            let offset = e.valid_up_to();
            let byte = bytes[offset];
            // Mostly undecodable high bytes or control characters: binary, not a text in
            // another encoding.
            let controls = head
                .iter()
                .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
                .count();
            if controls * 20 > head.len() {
                return Err(ReadError::Binary {
                    what: format!("{controls} control bytes in the first {} bytes", head.len()),
                });
            }
            Err(ReadError::NotUtf8 { offset, byte })
        }
    }
}

fn check_not_binary(text: String) -> Result<String, ReadError> {
    let sample: Vec<char> = text.chars().take(8192).collect();
    let controls = sample
        .iter()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if controls * 20 > sample.len() || sample.contains(&'\0') {
        return Err(ReadError::Binary {
            what: format!("{controls} control characters in the first {} characters", sample.len()),
        });
    }
    Ok(text)
}

// ---------------------------------------------------------------------------------- DOCX

fn read_docx(bytes: &[u8]) -> Result<Vec<RawBlock>, ReadError> {
    let bad = |detail: String| ReadError::BadDocx { detail };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let main = if names.iter().any(|n| n == "word/document.xml") {
        "word/document.xml".to_string()
    } else if let Some(target) = main_part_from_rels(&mut zip) {
        target
    } else {
        let hint = if names.iter().any(|n| n == "content.xml") {
            " (it looks like OpenDocument text, .odt: save it as .docx)"
        } else if names.iter().any(|n| n.starts_with("xl/")) {
            " (it is an Excel spreadsheet, .xlsx, which is not read yet)"
        } else if names.iter().any(|n| n.starts_with("ppt/")) {
            " (it is a PowerPoint presentation, .pptx)"
        } else {
            ""
        };
        return Err(ReadError::NotDocx { hint: hint.to_string() });
    };
    let mut xml = Vec::new();
    {
        let file = zip.by_name(&main).map_err(|e| bad(format!("{main}: {e}")))?;
        file.take(MAX_DOCX_XML_BYTES + 1)
            .read_to_end(&mut xml)
            .map_err(|e| bad(format!("{main}: {e}")))?;
    }
    if xml.len() as u64 > MAX_DOCX_XML_BYTES {
        return Err(ReadError::TooLarge {
            size: xml.len() as u64,
            limit: MAX_DOCX_XML_BYTES,
        });
    }
    docx_blocks(&xml).map_err(bad)
}

/// The main document part named by `_rels/.rels`, when it is not `word/document.xml`.
fn main_part_from_rels(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>) -> Option<String> {
    let mut rels = String::new();
    zip.by_name("_rels/.rels")
        .ok()?
        .take(1 << 20)
        .read_to_string(&mut rels)
        .ok()?;
    let mut reader = quick_xml::Reader::from_str(&rels);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Empty(e)) | Ok(quick_xml::events::Event::Start(e)) => {
                let attr = |name: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        .map(|a| a.value.to_string())
                };
                if attr("Type").is_some_and(|t| t.ends_with("/officeDocument")) {
                    let target = attr("Target")?;
                    let target = target.trim_start_matches('/').to_string();
                    if zip.file_names().any(|n| n.is_ok_and(|n| n == target)) {
                        return Some(target);
                    }
                    return None;
                }
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

fn local_name(name: &str) -> &str {
    match name.rfind(':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

#[derive(Default)]
struct GridCell {
    text: String,
    span: usize,
    merged_continue: bool,
}

/// Walks `document.xml`: paragraphs outside tables become lines (a line break inside a
/// paragraph starts a new line with the same number), rows of top-level tables become
/// rows (cells' paragraphs joined by a space, nested tables flattened into their cell,
/// a cell spanning n grid columns followed by n − 1 empty cells, a vertically merged
/// continuation left empty).
fn docx_blocks(xml: &[u8]) -> Result<Vec<RawBlock>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().trim_text(false);
    let mut walk = DocxWalk::default();
    let mut buf = Vec::new();
    let mut fallback = 0usize; // inside mc:Fallback
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("XML error at byte {}: {e}", reader.buffer_position()))?;
        // Text boxes are written twice (mc:Choice and mc:Fallback): read the first only.
        match &event {
            Event::Start(e) if local_name(e.name().as_ref()) == "Fallback" => {
                fallback += 1;
                buf.clear();
                continue;
            }
            Event::End(e) if local_name(e.name().as_ref()) == "Fallback" => {
                fallback = fallback.saturating_sub(1);
                buf.clear();
                continue;
            }
            Event::Eof => {}
            _ if fallback > 0 => {
                buf.clear();
                continue;
            }
            _ => {}
        }
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                walk.start(e, empty);
            }
            Event::Text(t) if walk.in_text && walk.skip == 0 => {
                let text = t.xml10_content();
                walk.push_text(&text);
            }
            Event::GeneralRef(r) if walk.in_text && walk.skip == 0 => {
                let s = general_ref(&r);
                walk.push_text(&s);
            }
            Event::End(ref e) => walk.end(local_name(e.name().as_ref())),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if walk.out.is_empty() {
        return Err("it has no document body".into());
    }
    Ok(walk.out)
}

/// Where [`docx_blocks`] is in `document.xml`, and the blocks read so far.
#[derive(Default)]
struct DocxWalk {
    out: Vec<RawBlock>,
    number: usize,
    tables: usize,
    depth: usize, // table nesting
    para: Option<String>,
    row: Option<Vec<GridCell>>,
    in_text: bool,
    skip: usize, // inside deleted text or field instructions
}

impl DocxWalk {
    fn push_text(&mut self, text: &str) {
        push_text(&mut self.para, &mut self.row, self.depth, text);
    }

    /// An opening (or, with `empty`, self-closing) element.
    fn start(&mut self, e: &quick_xml::events::BytesStart<'_>, empty: bool) {
        let depth = self.depth;
        let name = e.name();
        match local_name(name.as_ref()) {
            "tbl" if !empty => {
                self.depth += 1;
                if self.depth == 1 {
                    self.tables += 1;
                }
            }
            "tr" if depth == 1 && !empty => self.row = Some(Vec::new()),
            "tc" if depth == 1 && !empty => {
                if let Some(r) = self.row.as_mut() {
                    r.push(GridCell {
                        span: 1,
                        ..GridCell::default()
                    });
                }
            }
            "gridSpan" if depth == 1 => {
                let span = e
                    .attributes()
                    .flatten()
                    .find(|a| local_name(a.key.as_ref()) == "val")
                    .and_then(|a| a.value.parse::<usize>().ok())
                    .unwrap_or(1);
                if let Some(c) = self.row.as_mut().and_then(|r| r.last_mut()) {
                    c.span = span.clamp(1, 64);
                }
            }
            "vMerge" if depth == 1 => {
                let restart = e
                    .attributes()
                    .flatten()
                    .any(|a| local_name(a.key.as_ref()) == "val" && a.value == "restart");
                if let Some(c) = self.row.as_mut().and_then(|r| r.last_mut()) {
                    c.merged_continue = !restart;
                }
            }
            "p" if !empty && depth == 0 => self.para = Some(String::new()),
            "p" if !empty => {
                if let Some(c) = self.row.as_mut().and_then(|r| r.last_mut())
                    && !c.text.is_empty()
                {
                    c.text.push(' ');
                }
            }
            "t" if !empty => self.in_text = true,
            "delText" | "instrText" if !empty => self.skip += 1,
            "tab" | "ptab" => self.push_text("\t"),
            "br" | "cr" => self.push_text("\n"),
            "noBreakHyphen" => self.push_text("-"),
            _ => {}
        }
    }

    /// A closing element, by its local name.
    fn end(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "delText" | "instrText" => self.skip = self.skip.saturating_sub(1),
            "p" if self.depth == 0 => {
                if let Some(text) = self.para.take() {
                    self.number += 1;
                    for line in text.split('\n') {
                        self.out.push(RawBlock::Line {
                            number: self.number,
                            text: line.to_string(),
                        });
                    }
                }
            }
            "tr" if self.depth == 1 => {
                if let Some(cells) = self.row.take() {
                    self.number += 1;
                    let mut flat = Vec::new();
                    for c in cells {
                        flat.push(if c.merged_continue {
                            String::new()
                        } else {
                            c.text.split_whitespace().collect::<Vec<_>>().join(" ")
                        });
                        for _ in 1..c.span {
                            flat.push(String::new());
                        }
                    }
                    self.out.push(RawBlock::Row {
                        number: self.number,
                        cells: flat,
                        table: self.tables,
                    });
                }
            }
            "tbl" => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }
}

/// The text of an entity or character reference (`amp`, `#x1EA1`, `#7913`); empty when
/// unknown.
fn general_ref(name: &str) -> String {
    match name {
        "amp" => "&".to_string(),
        "lt" => "<".to_string(),
        "gt" => ">".to_string(),
        "quot" => "\"".to_string(),
        "apos" => "'".to_string(),
        other => other
            .strip_prefix("#x")
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .or_else(|| other.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32)
            .map(String::from)
            .unwrap_or_default(),
    }
}

fn push_text(para: &mut Option<String>, row: &mut Option<Vec<GridCell>>, depth: usize, text: &str) {
    if depth == 0 {
        if let Some(p) = para.as_mut() {
            p.push_str(text);
        }
    } else if let Some(c) = row.as_mut().and_then(|r| r.last_mut()) {
        if text == "\t" || text == "\n" {
            c.text.push(' ');
        } else {
            c.text.push_str(text);
        }
    }
}

// ----------------------------------------------------------------------------------- PDF

thread_local! {
    /// Set while this thread reads a PDF: a panic there is contained and not printed.
    static READING_PDF: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs, once for the process, a panic hook that stays quiet on a thread reading a PDF
/// and passes every other panic to the hook that was there. Swapping the hook around each
/// read instead would race when several imports read at once.
fn quiet_panics_while_reading_pdfs() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !READING_PDF.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

fn read_pdf(bytes: &[u8]) -> Result<Vec<RawBlock>, ReadError> {
    // pdf-extract panics on some malformed files: contain it, and keep the panic message
    // from being printed, where the user would take it for a crash.
    quiet_panics_while_reading_pdfs();
    READING_PDF.with(|r| r.set(true));
    let result = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes));
    READING_PDF.with(|r| r.set(false));
    let pages = match result {
        Ok(Ok(pages)) => pages,
        Ok(Err(e)) => {
            let detail = e.to_string();
            return Err(ReadError::BadPdf { detail });
        }
        Err(_) => {
            return Err(ReadError::BadPdf {
                detail: "its structure could not be parsed".into(),
            });
        }
    };
    let text = pages.join("\n");
    if text.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
        return Err(ReadError::PdfNoText);
    }
    Ok(lines(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_encodings() {
        assert!(matches!(read_bytes(b""), Err(ReadError::Empty)));
        assert!(matches!(read_bytes(b" \n\t "), Err(ReadError::Empty)));
        let doc = read_bytes("\u{feff}Nữ 65\r\nNam 42".as_bytes()).unwrap();
        assert_eq!(doc.format, Format::Text);
        assert_eq!(
            doc.blocks[1],
            RawBlock::Line {
                number: 2,
                text: "Nam 42".into()
            }
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "Nữ 65".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(read_bytes(&utf16).unwrap().blocks.len(), 1);
        // "Nữ" in Windows-1258 is N + 0xF9 (ư) + 0xDE (combining tilde).
        assert!(matches!(
            read_bytes(b"N\xf9\xde 65 ng\xf9\xf5\xf2i"),
            Err(ReadError::NotUtf8 { offset: 1, .. })
        ));
        assert!(matches!(
            read_bytes(b"abc\0\0\x01\x02def"),
            Err(ReadError::Binary { .. })
        ));
        assert!(matches!(
            read_bytes(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]),
            Err(ReadError::LegacyOffice)
        ));
        assert!(matches!(
            read_bytes(b"PK\x03\x04garbage"),
            Err(ReadError::BadDocx { .. })
        ));
        assert!(matches!(
            read_bytes(b"%PDF-1.4\ngarbage"),
            Err(ReadError::BadPdf { .. })
        ));
        assert!(matches!(read_bytes(b"... --- !!!"), Err(ReadError::NoText)));
    }

    #[test]
    fn docx_xml_paragraphs_tables_and_text_boxes() {
        let xml = r#"<w:document xmlns:w="w" xmlns:mc="mc"><w:body>
            <w:p><w:r><w:t>Nam 42,</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve"> Nữ &amp; 65</w:t></w:r></w:p>
            <w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>hộp</w:t></w:r></w:p></w:txbxContent></mc:Choice>
              <mc:Fallback><w:txbxContent><w:p><w:r><w:t>hộp</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>Số người</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>7</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            </w:body></w:document>"#;
        let blocks = docx_blocks(xml.as_bytes()).unwrap();
        let lines: Vec<String> = blocks
            .iter()
            .map(|b| match b {
                RawBlock::Line { text, .. } => text.clone(),
                RawBlock::Row { cells, .. } => cells.join("|"),
            })
            .collect();
        assert_eq!(lines, ["Nam 42,\t Nữ & 65", "hộp", "Số người||a b", "||7"]);
    }

    #[test]
    fn every_error_speaks_both_languages() {
        let errors = [
            ReadError::Empty,
            ReadError::TooLarge { size: 1, limit: 0 },
            ReadError::TextTooLong { size: 1, limit: 0 },
            ReadError::Binary { what: "x".into() },
            ReadError::NotUtf8 { offset: 1, byte: 0xf9 },
            ReadError::BadUtf16,
            ReadError::LegacyOffice,
            ReadError::Rtf,
            ReadError::NotDocx { hint: String::new() },
            ReadError::BadDocx { detail: "x".into() },
            ReadError::BadPdf { detail: "x".into() },
            ReadError::PdfNoText,
            ReadError::NoText,
        ];
        for e in errors {
            assert!(!e.to_string().is_empty());
            assert!(!e.message_vi().is_empty());
            assert_ne!(e.to_string(), e.message_vi());
        }
    }
}
