//! The outline of a plan's body: its sections (`I.`, `II.` or headings in capitals), their
//! numbered items (`1.`, `1.2.`), lettered items (`a)`) and bullets (`-`, `+`, `•`), and
//! which paragraphs are tasks.
//!
//! A section's heading says what it holds: tasks ("NHIỆM VỤ", "NHIỆM VỤ VÀ GIẢI PHÁP",
//! "NỘI DUNG", "CÁC HOẠT ĐỘNG"), the organisation of the work ("TỔ CHỨC THỰC HIỆN", whose
//! items may assign), or neither ("MỤC ĐÍCH, YÊU CẦU", "KINH PHÍ", "PHỤ LỤC"). A document
//! without sections (a directive or an official letter: a preamble, then "1.", "2." …)
//! holds tasks from its first numbered item on. "Nơi nhận" ends the body; a document that
//! a decision issues after its signature ("KẾ HOẠCH …") is then read as a body anew.
//!
//! A numbered or lettered item is a heading when items below it follow (bullets, letters,
//! deeper numbers), when it ends with a colon, or when it runs on into plain paragraphs
//! without ending a sentence; otherwise it is a task of its own ("6. Tổ chức khen thưởng
//! …."). Each bullet is a task. A plain paragraph right under a heading is a task; after a
//! marked task it continues that task ("Nội dung kiểm tra tập trung vào …" adds to the
//! bullet above), unless it opens with a body that acts or asks ("Ban Thường vụ … đề nghị
//! …"), which makes it a task of its own. A bullet of another mark under a bullet (`+`
//! under `-`) continues that bullet. "Trong quá trình …" and "Trên đây là …" close the
//! body's last task without adding to it.
//!
//! A task's place (`item`) joins the section's numeral, the labels of the items above it
//! and its own label, or, for a bullet or a plain paragraph, its rank under its heading,
//! with dots: `II.1.2` is the second bullet under item 1 of section II, `II.6` is item 6
//! of section II written as a task, `IV.1.a` a lettered task, `2.1` the first bullet under
//! item 2 of a document without sections, `3.1` a plain paragraph that is a task of its
//! own after item 3 written as a task. A number that repeats the one above it is not
//! repeated (`4.1` under `4.`, not `4.4.1`).

use super::bodies::{Role, named};
use super::title::kind_line;
use super::words::words;
use crate::document::{BlockKind, SourceDocument, heading_level};
use binhdang_domain::vn;

/// What a section holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// Before the first section or numbered item: the header and the preamble.
    Before,
    Tasks,
    Organisation,
    Other,
}

/// How a paragraph is marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Marker {
    /// `II.`
    Roman(String),
    /// `1.`, `1.2.`, `3)`
    Number(String),
    /// `a)`, `đ)`
    Letter(String),
    /// `-`, `+`, `•`
    Bullet(char),
}

impl Marker {
    /// How deep the marker sits: sections, then numbers by their depth, letters, bullets.
    fn rank(&self) -> usize {
        match self {
            Marker::Roman(_) => 0,
            Marker::Number(n) => n.split('.').count(),
            Marker::Letter(_) => 10,
            Marker::Bullet(_) => 20,
        }
    }
}

fn roman(s: &str) -> bool {
    !s.is_empty() && s.len() <= 5 && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
}

/// The marker a paragraph opens with, and the text after it.
pub(super) fn marker(text: &str) -> Option<(Marker, &str)> {
    let t = text.trim_start();
    let first = t.chars().next()?;
    if matches!(first, '-' | '–' | '—' | '+' | '•' | '·' | '*' | '\u{f0b7}') {
        let rest = &t[first.len_utf8()..];
        let opens_text = rest.starts_with(' ') || rest.chars().next().is_some_and(char::is_alphabetic);
        // Dashes typed differently (Word turns `-` into `–`) are one mark.
        let mark = if matches!(first, '–' | '—') { '-' } else { first };
        return opens_text.then(|| (Marker::Bullet(mark), rest.trim_start()));
    }
    let token_end = t.find(char::is_whitespace)?;
    let (token, rest) = (&t[..token_end], t[token_end..].trim_start());
    if rest.is_empty() {
        return None;
    }
    let body = token.strip_suffix(['.', ')']).unwrap_or(token);
    let closed = body.len() < token.len();
    let numbered = body
        .split('.')
        .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()));
    if closed && roman(body) {
        return Some((Marker::Roman(body.to_string()), rest));
    }
    if numbered && (closed || body.contains('.')) {
        return Some((Marker::Number(body.to_string()), rest));
    }
    let mut chars = body.chars();
    if closed
        && let (Some(c), None) = (chars.next(), chars.next())
        && c.is_lowercase()
    {
        return Some((Marker::Letter(body.to_string()), rest));
    }
    None
}

/// What a section's heading says it holds.
fn part_of(title: &str) -> Part {
    const OTHER: [&str; 7] = [
        "muc dich",
        "yeu cau",
        "muc tieu",
        "can cu",
        "tinh hinh",
        "ket qua",
        "danh gia",
    ];
    let key = vn::search_key(title);
    let has = |w: &str| key.contains(w);
    let other = has("kinh phi") || key.starts_with("phu luc") || OTHER.iter().any(|w| key.starts_with(w));
    if other {
        Part::Other
    } else if key.starts_with("to chuc thuc hien") || has("trach nhiem") || key.starts_with("phan cong") {
        Part::Organisation
    } else if has("nhiem vu") || has("giai phap") || key.starts_with("noi dung") || has("hoat dong") {
        Part::Tasks
    } else {
        Part::Other
    }
}

/// A paragraph that ends a sentence.
fn ends_sentence(text: &str) -> bool {
    text.trim_end().ends_with(['.', ';', '!', '?', '…'])
}

/// A heading's text without the colon or full stop that closes it.
fn heading_text(text: &str) -> String {
    text.trim().trim_end_matches(['.', ':', ';']).trim().to_string()
}

/// Closing formulas: they end the last task without adding to it.
fn is_closing(key: &str) -> bool {
    [
        "trong qua trinh",
        "tren day la",
        "qua trinh trien khai",
        "neu co kho khan",
        "noi nhan",
    ]
    .iter()
    .any(|w| key.starts_with(w))
}

/// Whether a paragraph opens with a body that acts or asks ("Ban Thường vụ … đề nghị …").
fn opens_with_a_body(text: &str) -> bool {
    let w = words(text);
    named(&w)
        .first()
        .is_some_and(|n| n.a == 0 && matches!(n.role, Role::Lead | Role::Asks | Role::Partner))
}

/// A paragraph of the body read as a possible task, before its bodies and dates are read.
#[derive(Debug, Clone)]
pub(super) struct Item {
    pub item: String,
    pub heading: String,
    pub text: String,
    /// The heading of the numbered or lettered item above it, where a body may be named
    /// ("1. Sở Nội vụ:" over its bullets).
    pub parent: Option<String>,
    pub part: Part,
    pub line: usize,
    /// Opened with a marker (a plain paragraph after it continues it).
    pub marked: bool,
    bullet: Option<char>,
}

/// A heading of the outline and how many tasks stand under it so far.
#[derive(Debug, Clone)]
struct Level {
    marker: Marker,
    label: String,
    heading: String,
    count: usize,
}

/// The walk through the body.
struct Walk {
    part: Part,
    section: String,
    section_title: String,
    section_count: usize,
    /// Tasks ranked right under the section, with no numbered item above them.
    section_rank: usize,
    levels: Vec<Level>,
    items: Vec<Item>,
    /// The task a plain paragraph may continue.
    open: Option<usize>,
}

impl Walk {
    fn path(&self) -> Vec<String> {
        let mut p = vec![self.section.clone()];
        p.extend(self.levels.iter().map(|l| l.label.clone()));
        p
    }

    fn heading(&self) -> String {
        self.levels
            .last()
            .map_or_else(|| self.section_title.clone(), |l| l.heading.clone())
    }

    /// An attached document starts: before its first section, as a document starts.
    fn restart(&mut self) {
        self.start_section(String::new(), "");
        self.part = Part::Before;
        self.section_count = 0;
    }

    fn start_section(&mut self, label: String, title: &str) {
        self.section_count += 1;
        self.part = part_of(title);
        self.section = label;
        self.section_title = heading_text(title);
        self.section_rank = 0;
        self.levels.clear();
        self.open = None;
    }

    /// A task ranked under the current heading (a bullet, a plain paragraph).
    fn ranked(&mut self, text: &str, line: usize, marked: bool, bullet: Option<char>) {
        let count = match self.levels.last_mut() {
            Some(l) => &mut l.count,
            None => &mut self.section_rank,
        };
        *count += 1;
        let rank = *count;
        let mut path = self.path();
        path.push(rank.to_string());
        self.push(join(path), text, line, marked, bullet);
    }

    fn push(&mut self, item: String, text: &str, line: usize, marked: bool, bullet: Option<char>) {
        let parent = self.levels.last().map(|l| l.heading.clone());
        self.items.push(Item {
            item,
            heading: self.heading(),
            text: collapse(text),
            parent,
            part: self.part,
            line,
            marked,
            bullet,
        });
        self.open = Some(self.items.len() - 1);
    }

    /// A numbered or lettered paragraph: a heading, or a task of its own.
    fn numbered(&mut self, m: Marker, rest: &str, line: usize, next: Option<&str>) {
        let rank = m.rank();
        while self.levels.last().is_some_and(|l| l.marker.rank() >= rank) {
            self.levels.pop();
        }
        let label = match &m {
            Marker::Number(n) | Marker::Letter(n) | Marker::Roman(n) => n.clone(),
            Marker::Bullet(_) => String::new(),
        };
        let next_marker = next.and_then(marker).map(|(m, _)| m);
        let deeper_follows = next_marker.as_ref().is_some_and(|n| n.rank() > rank);
        let plain_follows = next.is_some_and(|t| marker(t).is_none() && !is_closing(&vn::search_key(t)));
        let heading = rest.trim_end().ends_with(':') || deeper_follows || (plain_follows && !ends_sentence(rest));
        if heading {
            self.levels.push(Level {
                marker: m,
                label,
                heading: heading_text(rest),
                count: 0,
            });
            self.open = None;
        } else {
            let mut path = self.path();
            path.push(label.clone());
            self.push(join(path), rest, line, true, None);
            // A plain paragraph after it that is a task of its own ranks under it (`3.1`).
            let heading = self.heading();
            self.levels.push(Level {
                marker: m,
                label,
                heading,
                count: 0,
            });
        }
    }

    fn bullet(&mut self, c: char, rest: &str, line: usize) {
        // A bullet of another mark under a bullet continues it (`+` under `-`).
        if let Some(i) = self.open
            && let Some(b) = self.items[i].bullet
            && b != c
        {
            append(&mut self.items[i].text, rest);
            return;
        }
        self.ranked(rest, line, true, Some(c));
    }

    fn plain(&mut self, text: &str, line: usize) {
        if let Some(i) = self.open
            && self.items[i].marked
            && !opens_with_a_body(text)
        {
            append(&mut self.items[i].text, text);
            return;
        }
        self.ranked(text, line, false, None);
    }
}

/// The labels of an item's place joined with dots; a number that the next one repeats is
/// left out (`4` above `4.1` gives `4.1`, not `4.4.1`).
fn join(labels: Vec<String>) -> String {
    let kept: Vec<&String> = labels
        .iter()
        .enumerate()
        .filter(|(i, l)| !l.is_empty() && !labels.get(i + 1).is_some_and(|n| n.starts_with(&format!("{l}."))))
        .map(|(_, l)| l)
        .collect();
    kept.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(".")
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn append(to: &mut String, text: &str) {
    to.push(' ');
    to.push_str(&collapse(text));
}

/// A section heading without a numeral: a short line in capitals, or an appendix.
fn is_capital_heading(text: &str) -> bool {
    marker(text).is_none() && matches!(heading_level(text), Some(0 | 1))
}

/// The items of the body, from block `start` on, in order.
pub(super) fn items(doc: &SourceDocument, start: usize) -> Vec<Item> {
    let paragraphs: Vec<(usize, usize, &str)> = doc
        .blocks
        .iter()
        .enumerate()
        .skip(start)
        .filter_map(|(i, b)| match &b.kind {
            BlockKind::Paragraph { text } => Some((i, b.line, text.as_str())),
            BlockKind::Row { .. } => None,
        })
        .collect();
    let mut walk = Walk {
        part: Part::Before,
        section: String::new(),
        section_title: String::new(),
        section_count: 0,
        section_rank: 0,
        levels: Vec::new(),
        items: Vec::new(),
        open: None,
    };
    let mut previous: Option<&str> = None;
    let mut ended = false;
    for (n, &(block, line, text)) in paragraphs.iter().enumerate() {
        let key = vn::search_key(text);
        if key.starts_with("noi nhan") {
            ended = true;
            continue;
        }
        if ended {
            // A decision's addressees and signature end it; the plan it issues follows,
            // under a title line of its own ("KẾ HOẠCH"), and is read as a document anew.
            if kind_line(text).is_some_and(|(kind, report, _)| kind.is_some() && !report) {
                ended = false;
                walk.restart();
            }
            continue;
        }
        // A table between two paragraphs ends what the paragraph above says.
        if n > 0 && paragraphs[n - 1].0 + 1 != block {
            walk.open = None;
        }
        let next = paragraphs.get(n + 1).map(|p| p.2);
        let m = marker(text);
        match m {
            Some((Marker::Roman(r), rest)) => walk.start_section(r, rest),
            None if is_capital_heading(text) && (walk.part != Part::Before || names_a_section(&key)) => {
                let label = roman_numeral(walk.section_count + 1);
                walk.start_section(label, text);
            }
            _ if is_closing(&key) => walk.open = None,
            Some((Marker::Bullet(c), rest)) => match walk.part {
                Part::Tasks | Part::Organisation => walk.bullet(c, rest, line),
                // Bullets after a lead-in ("… như sau:") open the tasks of a document
                // without sections; those after "Kính gửi:" are its addressees.
                Part::Before
                    if previous
                        .is_some_and(|p| p.trim_end().ends_with(':') && !vn::search_key(p).starts_with("kinh gui")) =>
                {
                    walk.part = Part::Tasks;
                    walk.bullet(c, rest, line);
                }
                _ => {}
            },
            Some((num, rest)) => {
                if walk.part == Part::Before {
                    walk.part = Part::Tasks;
                }
                if matches!(walk.part, Part::Tasks | Part::Organisation) {
                    walk.numbered(num, rest, line, next);
                }
            }
            None => {
                if matches!(walk.part, Part::Tasks | Part::Organisation) {
                    walk.plain(text, line);
                }
            }
        }
        previous = Some(text);
    }
    walk.items
}

/// Whether a heading in capitals before the first section opens one (the national motto,
/// the issuer's name and "KÍNH GỬI" above the preamble do not).
fn names_a_section(key: &str) -> bool {
    part_of(key) != Part::Other
        || ["muc dich", "yeu cau", "muc tieu", "can cu", "kinh phi", "quan diem"]
            .iter()
            .any(|w| key.starts_with(w))
}

/// `1` → `I`, for sections headed in capitals without a numeral.
fn roman_numeral(n: usize) -> String {
    const NUMERALS: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
    NUMERALS
        .get(n.wrapping_sub(1))
        .map_or_else(|| n.to_string(), |s| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(marker("II. NHIỆM VỤ"), Some((Marker::Roman("II".into()), "NHIỆM VỤ")));
        assert_eq!(
            marker("4.1. Chương trình"),
            Some((Marker::Number("4.1".into()), "Chương trình"))
        );
        assert_eq!(marker("1.2 Nội dung"), Some((Marker::Number("1.2".into()), "Nội dung")));
        assert_eq!(marker("3) Báo cáo"), Some((Marker::Number("3".into()), "Báo cáo")));
        assert_eq!(marker("đ) Sở Y tế"), Some((Marker::Letter("đ".into()), "Sở Y tế")));
        assert_eq!(marker("- Tiếp tục"), Some((Marker::Bullet('-'), "Tiếp tục")));
        assert_eq!(marker("+Rà soát"), Some((Marker::Bullet('+'), "Rà soát")));
        assert_eq!(marker("– Rà soát"), Some((Marker::Bullet('-'), "Rà soát")));
        assert_eq!(marker("-5% so với"), None);
        assert_eq!(marker("2024. Năm"), None);
        assert_eq!(marker("Tiếp tục"), None);
        assert_eq!(marker("TP. Hải Dương"), None);
    }

    #[test]
    fn what_sections_hold() {
        assert_eq!(part_of("MỤC ĐÍCH, YÊU CẦU"), Part::Other);
        assert_eq!(part_of("NHIỆM VỤ VÀ GIẢI PHÁP TRỌNG TÂM"), Part::Tasks);
        assert_eq!(part_of("NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM"), Part::Tasks);
        assert_eq!(part_of("NỘI DUNG"), Part::Tasks);
        assert_eq!(part_of("CÁC HOẠT ĐỘNG"), Part::Tasks);
        assert_eq!(part_of("KINH PHÍ THỰC HIỆN"), Part::Other);
        assert_eq!(part_of("TỔ CHỨC THỰC HIỆN"), Part::Organisation);
        assert_eq!(part_of("PHỤ LỤC PHÂN CÔNG NHIỆM VỤ"), Part::Other);
    }
}
