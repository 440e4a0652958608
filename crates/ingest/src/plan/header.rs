//! A plan's header and preamble: its kind (the title line "KẾ HOẠCH", "CHỈ THỊ", … or an
//! official letter's "V/v …"), its number ("Số: 3239/KH-UBND"), its date ("Hải Dương, ngày
//! 16 tháng 3 năm 2024"), its title, who issues it and whom its preamble asks to act.
//!
//! Official documents put the issuer, the number, the national motto and the date in a
//! two-column table at the top; in a DOCX those are table rows, in text they are lines.
//! Both are read, up to the title line.

use super::bodies::{Role, issuer, named};
use super::outline::{Marker, marker};
use super::title::kind_line;
use super::words::{Word, phrase_at, span, words};
use binhdang_domain::plan::PlanKind;
use binhdang_domain::vn;
use time::{Date, Month};

/// What the header and the preamble say.
#[derive(Debug, Clone, Default)]
pub(super) struct Header {
    pub kind: Option<PlanKind>,
    /// The title line names a report (`BÁO CÁO`).
    pub report: bool,
    pub number: Option<String>,
    pub date: Option<Date>,
    /// The year of the date line, even when its day is left blank.
    pub date_year: Option<i32>,
    pub title: String,
    pub issuer: Option<String>,
    /// Whom the preamble asks to act ("… yêu cầu LĐLĐ các huyện, thành phố … thực hiện").
    pub lead: Option<String>,
    /// A decision's article that gives what it issues to a body ("Điều 2. Giao Sở … chủ
    /// trì, phối hợp với … tổ chức triển khai thực hiện Kế hoạch này"), not the one that
    /// names who executes the decision ("… chịu trách nhiệm thi hành Quyết định này").
    pub article: Option<String>,
    /// The first block after the title.
    pub body_start: usize,
}

/// The number after "Số:" in a header line (`Số: 3239/KH-UBND` → `3239/KH-UBND`; a draft's
/// `Số: /KH-UBND` keeps its symbol, `/KH-UBND`).
fn number_in(line: &str) -> Option<String> {
    let at = line.find("Số:").or_else(|| line.find("Số :")).or_else(|| {
        let t = line.trim_start();
        let rest = t.strip_prefix("Số ")?;
        rest.starts_with(|c: char| c.is_ascii_digit() || c == '/')
            .then(|| line.len() - t.len())
    })?;
    let n = crate::annex::number(&line[at..].replacen("Số :", "Số:", 1));
    n.split_whitespace().next().map(str::to_string)
}

/// The date of a line "…, ngày 16 tháng 3 năm 2024", and its year; the day may be left
/// blank in a draft ("ngày tháng 3 năm 2024": no date, the year 2024).
fn date_line(w: &[Word]) -> Option<(Option<Date>, i32)> {
    (0..w.len()).find_map(|i| {
        phrase_at(w, i, "ngay")?;
        let (day, at) = match w.get(i + 1).and_then(|x| x.num) {
            Some(d) => (Some(d), i + 2),
            None => (None, i + 1),
        };
        phrase_at(w, at, "thang")?;
        let month = w.get(at + 1).and_then(|x| x.num)?;
        phrase_at(w, at + 2, "nam")?;
        let year = w.get(at + 3).and_then(Word::year)?;
        let date = day.and_then(|d| {
            let m = Month::try_from(u8::try_from(month).ok()?).ok()?;
            Date::from_calendar_date(year, m, u8::try_from(d).ok()?).ok()
        });
        Some((date, year))
    })
}

/// A header line in capitals naming the issuer ("ỦY BAN NHÂN DÂN", "TỈNH HẢI DƯƠNG"), not
/// the national motto; in a DOCX header cell, the part before "Số".
fn issuer_line(line: &str) -> Option<String> {
    let before = line.split("Số").next().unwrap_or(line).trim();
    let letters: Vec<char> = before.chars().filter(|c| c.is_alphabetic()).collect();
    let key = vn::search_key(before);
    let capitals = letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase());
    let motto = key.contains("cong hoa xa hoi") || key.contains("doc lap");
    (capitals && !motto && !key.starts_with("so")).then(|| before.to_string())
}

/// The lines of a block: a paragraph's text, or a row's cells.
fn lines(block: &crate::document::Block) -> Vec<String> {
    match &block.kind {
        crate::document::BlockKind::Paragraph { text } => vec![text.clone()],
        crate::document::BlockKind::Row { cells } => cells.clone(),
    }
}

fn paragraph(block: &crate::document::Block) -> Option<&str> {
    match &block.kind {
        crate::document::BlockKind::Paragraph { text } => Some(text),
        crate::document::BlockKind::Row { .. } => None,
    }
}

/// Whether a paragraph opens the body (a section or a numbered item).
fn opens_body(text: &str) -> bool {
    matches!(marker(text), Some((Marker::Roman(_) | Marker::Number(_), _)))
}

/// Reads the header, the title and the preamble.
pub(super) fn read(doc: &crate::document::SourceDocument) -> Header {
    let mut h = Header::default();
    let mut issuer_lines: Vec<String> = Vec::new();
    let mut title: Vec<String> = Vec::new();
    let mut kind_at = None;
    for (i, block) in doc.blocks.iter().enumerate().take(60) {
        if paragraph(block).is_some_and(opens_body) {
            break;
        }
        for line in lines(block) {
            if h.number.is_none() {
                h.number = number_in(&line);
            }
            if h.date_year.is_none()
                && let Some((date, year)) = date_line(&words(&line))
            {
                h.date = date;
                h.date_year = Some(year);
            }
            if let Some(l) = issuer_line(&line).filter(|_| issuer_lines.len() < 3) {
                issuer_lines.push(l);
            }
        }
        if let Some((kind, report, rest)) = paragraph(block).and_then(kind_line) {
            (h.kind, h.report) = (kind, report);
            title.extend(Some(rest).filter(|r| !r.is_empty()));
            kind_at = Some(i);
            // The kind line itself is not the issuer.
            issuer_lines.retain(|l| kind_line(l).is_none());
            break;
        }
    }
    h.body_start = kind_at.map_or(0, |k| k + 1);
    if kind_at.is_some() {
        for block in &doc.blocks[h.body_start..] {
            let Some(t) = paragraph(block).filter(|t| is_title(t)) else {
                break;
            };
            if title.len() >= 4 {
                break;
            }
            title.push(t.trim().to_string());
            h.body_start += 1;
        }
    }
    h.title = title.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    preamble(doc, &mut h);
    if h.issuer.is_none() && !issuer_lines.is_empty() {
        h.issuer = Some(issuer_lines.join(" "));
    }
    h
}

/// A line of a title: short, not closed by a full stop or a colon, not the preamble, and
/// not the authority a decision names in capitals between its title and its "Căn cứ"
/// ("ỦY BAN NHÂN DÂN TỈNH …").
fn is_title(t: &str) -> bool {
    let key = vn::search_key(t);
    let authority = ["uy ban", "chu tich", "hoi dong"].iter().any(|a| key.starts_with(a)) && issuer_line(t).is_some();
    !authority
        && marker(t).is_none()
        && t.chars().count() <= 300
        && !t.trim_end().ends_with(['.', ':'])
        && !key.starts_with("kinh gui")
        && !key.starts_with("can cu")
        && number_in(t).is_none()
        && date_line(&words(t)).is_none()
}

/// The preamble: paragraphs after the title up to the body (past "Kính gửi:" and its
/// addressees). Its first body that issues or asks is the issuer; the first it asks to act
/// after that, the plan's lead.
fn preamble(doc: &crate::document::SourceDocument, h: &mut Header) {
    let mut addressees = false;
    for block in doc.blocks.iter().skip(h.body_start) {
        let Some(text) = paragraph(block) else { continue };
        if opens_body(text) {
            break;
        }
        let key = vn::search_key(text);
        if key.starts_with("kinh gui") {
            addressees = true;
            continue;
        }
        if marker(text).is_some() {
            if addressees {
                continue;
            }
            break;
        }
        addressees = false;
        let w = words(text);
        if h.article.is_none() && assigns_as_article(&w, &key) {
            h.article = Some(text.to_string());
        }
        if h.issuer.is_none() {
            h.issuer = issuer(text, &w);
        }
        if h.lead.is_none() && h.issuer.is_some() {
            let names = named(&w);
            let after_asker = names.iter().position(|n| n.role == Role::Asks).map_or(0, |p| p + 1);
            h.lead = names[after_asker..]
                .iter()
                .find(|n| n.role == Role::Lead)
                .map(|n| span(text, &w, n.a, n.b).to_string())
                .filter(|l| Some(l) != h.issuer.as_ref());
        }
    }
}

/// Whether a paragraph is an article ("Điều 2. …") that gives a body the work: it names
/// a body to lead, and is not the article on who executes the decision.
fn assigns_as_article(w: &[Word], key: &str) -> bool {
    let article = w.first().is_some_and(|x| x.is("dieu")) && w.get(1).is_some_and(|x| x.num.is_some());
    article && !key.contains("thi hanh") && named(w).iter().any(|n| n.role == Role::Lead)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn title_lines_numbers_and_dates() {
        assert_eq!(
            kind_line("KẾ HOẠCH"),
            Some((Some(PlanKind::Plan), false, String::new()))
        );
        assert_eq!(
            kind_line("CHỈ THỊ Về tăng cường công tác bình đẳng giới"),
            Some((
                Some(PlanKind::Directive),
                false,
                "Về tăng cường công tác bình đẳng giới".into()
            ))
        );
        assert_eq!(kind_line("BÁO CÁO"), Some((None, true, String::new())));
        assert_eq!(
            kind_line("V/v tiếp tục thực hiện"),
            Some((Some(PlanKind::OfficialLetter), false, "tiếp tục thực hiện".into()))
        );
        assert_eq!(kind_line("Kế hoạch số 3239/KH-UBND ngày 01/9/2021"), None);
        assert_eq!(number_in("Số: 3239/KH-UBND"), Some("3239/KH-UBND".into()));
        assert_eq!(number_in("Số: /KH-UBND"), Some("/KH-UBND".into()));
        assert_eq!(number_in("Số: /BC - UBND"), Some("/BC-UBND".into()));
        assert_eq!(
            number_in("ỦY BAN NHÂN DÂN TỈNH NAM SƠN Số: 12/KH-UBND"),
            Some("12/KH-UBND".into())
        );
        assert_eq!(number_in("Số liệu năm 2024"), None);
        let d = |t: &str| date_line(&words(t));
        assert_eq!(
            d("Hải Dương, ngày 16 tháng 3 năm 2024"),
            Some((Some(date!(2024 - 03 - 16)), 2024))
        );
        assert_eq!(d("Hải Dương, ngày tháng 3 năm 2024"), Some((None, 2024)));
        assert_eq!(issuer_line("ỦY BAN NHÂN DÂN"), Some("ỦY BAN NHÂN DÂN".into()));
        assert_eq!(issuer_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), None);
        assert_eq!(
            issuer_line("ỦY BAN NHÂN DÂN TỈNH NAM SƠN Số: 12/KH-UBND"),
            Some("ỦY BAN NHÂN DÂN TỈNH NAM SƠN".into())
        );
        assert!(is_title("tỉnh Sông Mã giai đoạn 2021-2030"));
        assert!(!is_title("ỦY BAN NHÂN DÂN TỈNH SÔNG MÃ"));
    }

    #[test]
    fn the_article_that_gives_the_plan() {
        let article = |t: &str| assigns_as_article(&words(t), &vn::search_key(t));
        assert!(article(
            "Điều 2. Giao Sở Y tế chủ trì, phối hợp với các sở, ngành tổ chức triển khai thực hiện Kế hoạch này."
        ));
        assert!(!article(
            "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch thực hiện …"
        ));
        assert!(!article(
            "Điều 3. Chánh Văn phòng UBND tỉnh, Thủ trưởng các sở, ban, ngành tỉnh chịu trách nhiệm thi hành Quyết định này./."
        ));
        assert!(!article("Giao Sở Y tế chủ trì tổ chức triển khai."));
    }
}
