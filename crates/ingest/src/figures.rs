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

use crate::document::{Block, BlockKind, Document};
use crate::indicators::contains_words;
use crate::normalize::fold;
use crate::tokens::{Num, Tok, TokKind, tokenize};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

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
pub struct Figure {
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

/// A paragraph or a table cell, tokenized.
#[derive(Debug, Clone)]
pub struct Segment {
    pub block: usize,
    /// 0-based cell index for a table cell.
    pub cell: Option<usize>,
    pub text: String,
    pub toks: Vec<Tok>,
    /// Sentence number of each token.
    pub sentence: Vec<usize>,
    /// First and last token of each sentence.
    pub bounds: Vec<(usize, usize)>,
    pub line: usize,
    pub section: usize,
}

impl Segment {
    pub fn new(block: usize, cell: Option<usize>, text: String, line: usize, section: usize) -> Segment {
        let toks = tokenize(&text);
        let sentence = sentences(&text, &toks);
        let mut bounds: Vec<(usize, usize)> = Vec::new();
        for (i, &s) in sentence.iter().enumerate() {
            if s == bounds.len() {
                bounds.push((i, i));
            } else {
                bounds[s].1 = i;
            }
        }
        Segment {
            block,
            cell,
            text,
            toks,
            sentence,
            bounds,
            line,
            section,
        }
    }

    /// Byte range of the sentence that token `i` is in.
    pub fn sentence_span(&self, i: usize) -> (usize, usize) {
        let (first, last) = self.bounds[self.sentence[i]];
        let start = if first == 0 { 0 } else { self.toks[first].start };
        let end = if last + 1 >= self.toks.len() {
            self.text.len()
        } else {
            self.toks[last].end
        };
        (start, end)
    }

    /// The quoted sentence around a byte range, at most about 300 characters.
    pub fn quote(&self, tok: usize, span: (usize, usize)) -> String {
        let (s, e) = if self.toks.is_empty() {
            (0, self.text.len())
        } else {
            self.sentence_span(tok.min(self.toks.len() - 1))
        };
        quote_window(&self.text, (s, e), span)
    }

    /// Folded words between tokens `a` (exclusive) and `b` (exclusive), numbers as `#`.
    pub fn words_between(&self, a: usize, b: usize) -> String {
        let mut out = String::new();
        for t in self.toks.iter().take(b).skip(a + 1) {
            let piece = match &t.kind {
                TokKind::Word(w) => w.as_str(),
                TokKind::Num(_) | TokKind::Code => "#",
                TokKind::Punct(c) => {
                    out.push(*c);
                    continue;
                }
            };
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(piece);
        }
        out
    }

    /// The folded text of the sentence of token `i`.
    pub fn sentence_folded(&self, i: usize) -> String {
        let (s, e) = self.sentence_span(i);
        fold(&self.text[s..e])
    }

    fn char_column(&self, byte: usize) -> usize {
        self.text[..byte.min(self.text.len())].chars().count()
    }

    pub fn position(&self, byte: usize) -> Position {
        Position {
            line: self.line,
            cell: self.cell.map(|c| c + 1),
            column: self.char_column(byte),
        }
    }
}

/// Cuts `text[sentence]` to about 300 characters around `focus`, marking cuts with `…`.
pub fn quote_window(text: &str, sentence: (usize, usize), focus: (usize, usize)) -> String {
    const MAX: usize = 300;
    let (mut s, mut e) = sentence;
    let whole = &text[s..e];
    if whole.chars().count() > MAX {
        let centre = (focus.0 + focus.1) / 2;
        let half = MAX / 2 * 2; // bytes, generous for multi-byte letters
        let mut ns = centre.saturating_sub(half).max(s);
        let mut ne = (centre + half).min(e);
        while !text.is_char_boundary(ns) {
            ns += 1;
        }
        while !text.is_char_boundary(ne) {
            ne -= 1;
        }
        let prefix = if ns > s { "…" } else { "" };
        let suffix = if ne < e { "…" } else { "" };
        s = ns;
        e = ne;
        return format!("{prefix}{}{suffix}", text[s..e].trim());
    }
    whole.trim().to_string()
}

/// Sentence numbers: a new sentence starts after `.`, `!` or `?` followed by a space
/// and a capital letter, a digit, or a list mark.
fn sentences(text: &str, toks: &[Tok]) -> Vec<usize> {
    let mut out = Vec::with_capacity(toks.len());
    let mut s = 0;
    for (i, t) in toks.iter().enumerate() {
        out.push(s);
        if matches!(t.kind, TokKind::Punct('.') | TokKind::Punct('!') | TokKind::Punct('?'))
            && let Some(next) = toks.get(i + 1)
            && next.start > t.end
        {
            let c = text[next.start..].chars().next().unwrap_or(' ');
            // "TP. Bắc Kạn": a short capitalised abbreviation before the dot does not end a sentence.
            let before_abbrev = i > 0
                && toks[i - 1].end == t.start
                && matches!(
                    toks[i - 1].word(),
                    Some("tp" | "tt" | "ths" | "ts" | "pgs" | "gs" | "bs" | "ks" | "v/v")
                );
            if !before_abbrev && (c.is_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '+' | '•' | '(')) {
                s += 1;
            }
        }
    }
    out
}

/// A figure with what the checks need to know about where it came from.
#[derive(Debug, Clone)]
pub struct Item {
    pub fig: Figure,
    pub seg: usize,
    /// Token range `[first, last]`.
    pub first: usize,
    pub last: usize,
    /// For counts: the first folded word of the unit.
    pub unit_head: Option<String>,
    /// For counts: whether a period label (`năm 2021:`) stands right before it.
    pub period_label: bool,
}

/// Makes the segments of a document: each paragraph, each non-empty table cell.
pub fn segments(doc: &Document) -> Vec<Segment> {
    let mut out = Vec::new();
    for (i, b) in doc.blocks.iter().enumerate() {
        match &b.kind {
            BlockKind::Paragraph { text } => out.push(Segment::new(i, None, text.clone(), b.line, b.section)),
            BlockKind::Row { cells } => {
                for (c, text) in cells.iter().enumerate() {
                    // A cell that is only a number is read with its column (see tables).
                    if !text.trim().is_empty() && !crate::document::is_numeric_cell(text) {
                        out.push(Segment::new(i, Some(c), text.clone(), b.line, b.section));
                    }
                }
            }
        }
    }
    out
}

const QUALIFIERS: &[(&str, &str)] = &[
    ("chưa đên", "dưới"),
    ("xâp xi", "khoảng"),
    ("ươc tinh", "khoảng"),
    ("ươc đat", "khoảng"),
    ("trên", "trên"),
    ("hơn", "trên"),
    ("dươi", "dưới"),
    ("khoang", "khoảng"),
    ("gân", "khoảng"),
    ("ươc", "khoảng"),
];

/// The qualifier written right before token `i` (`trên 100%`, `khoảng 60%`).
pub fn qualifier_before(seg: &Segment, i: usize) -> Option<&'static str> {
    let w1 = i.checked_sub(1).and_then(|k| seg.toks[k].word());
    let w2 = i.checked_sub(2).and_then(|k| seg.toks[k].word());
    for (spelling, q) in QUALIFIERS {
        if spelling.contains(' ') {
            if let (Some(a), Some(b)) = (w2, w1)
                && format!("{a} {b}") == *spelling
            {
                return Some(q);
            }
        } else if w1 == Some(spelling) {
            return Some(q);
        }
    }
    None
}

/// Words that name a numbered thing rather than count it (`Đề án 938`, `Chỉ tiêu 2`).
const LABEL_WORDS: &[&str] = &[
    "sô", "điêu", "khoan", "muc", "an", "trinh", "quyêt", "đinh", "thi", "tư", "hoach", "văn", "thư", "khoa", "dung",
    "luc", "biêu", "mâu", "thang", "ngay", "quy", "năm", "lơp", "câp", "loai", "hang", "phân", "chương", "tiêu",
    "nhom", "đoan", "trang", "phu", "kh", "qđ", "nq", "ct", "tt", "nđ", "hd", "bc", "tb", "ubnd", "ky", "đơt", "giai",
    "phong", "tô", "xom", "thôn", "ban", "tuân", "tiêt", "bươc", "hơp", "đôi", "đôn", "đa",
];

fn is_sex_word(w: &str) -> Option<Sex> {
    match w {
        "nam" => Some(Sex::Male),
        "nư" => Some(Sex::Female),
        _ => None,
    }
}

/// Words after a number that end its unit.
const UNIT_STOP: &[&str] = &[
    "va", "vơi", "trong", "đat", "chiêm", "băng", "la", "co", "đươc", "tai", "cua", "cho", "tư", "đên", "năm", "nay",
    "so", "tăng", "giam", "trên", "theo", "vê", "đa", "se", "thi", "nhưng", "hoăc", "do", "ơ", "tham", "tuyên", "liên",
    "bi", "nhăm", "gôm", "cu", "trong",
];

fn unit_after(seg: &Segment, i: usize) -> (Option<String>, usize) {
    let mut words: Vec<&str> = Vec::new();
    let mut raw_end = seg.toks[i].end;
    let mut k = i + 1;
    while k < seg.toks.len() && words.len() < 3 {
        let Some(w) = seg.toks[k].word() else { break };
        if UNIT_STOP.contains(&w) {
            break;
        }
        // Two words name the unit; a third only when it gives the sex (lao động nữ).
        if words.len() == 2 && is_sex_word(w).is_none() {
            break;
        }
        words.push(w);
        raw_end = seg.toks[k].end;
        k += 1;
    }
    if words.is_empty() {
        (None, k)
    } else {
        let raw = seg.text[seg.toks[i + 1].start..raw_end].to_string();
        (Some(raw), k)
    }
}

fn num_at(seg: &Segment, i: usize) -> Option<&Num> {
    seg.toks.get(i).and_then(Tok::num)
}

fn adjacent(seg: &Segment, a: usize, b: usize) -> bool {
    seg.toks[a].end == seg.toks[b].start
}

fn is_percent_at(seg: &Segment, i: usize) -> bool {
    num_at(seg, i).is_some()
        && (seg.toks.get(i + 1).is_some_and(|t| t.is_punct('%'))
            || (seg.toks.get(i + 1).is_some_and(|t| t.is_word("phân"))
                && seg.toks.get(i + 2).is_some_and(|t| t.is_word("trăm"))))
}

fn percent_end(seg: &Segment, i: usize) -> usize {
    if seg.toks[i + 1].is_punct('%') { i + 1 } else { i + 2 }
}

/// Words between a fraction and a percentage that mean the percentage is about
/// something else.
const LINK_BREAKERS: &[&str] = &[
    "tăng",
    "giam",
    "vươt",
    "so vơi",
    "chi tiêu",
    "muc tiêu",
    "kê hoach",
    "trong đo",
    "cung ky",
    "năm trươc",
];

/// Connectives allowed right after "tỷ lệ" before the number.
const LINK_CONNECTIVES: &[&str] = &[
    "la", "đat", "băng", "chiêm", "ươc", "khoang", "trên", "hơn", "dươi", "gân", "tương", "đương", "xâp", "xi",
];

/// From a fraction ending at token `d`, the percentage that states it: its token index.
fn percent_after(seg: &Segment, d: usize) -> Option<usize> {
    let n = seg.toks.len();
    let mut k = d + 1;
    while k < n && k <= d + 16 {
        let t = &seg.toks[k];
        if t.start.saturating_sub(seg.toks[d].end) > 120 {
            return None;
        }
        match &t.kind {
            TokKind::Num(_) => {
                if is_percent_at(seg, k) {
                    let between = seg.words_between(d, k);
                    if LINK_BREAKERS.iter().any(|b| contains_words(&between, b)) {
                        return None;
                    }
                    let pe = percent_end(seg, k);
                    let after_pct = seg.words_between(pe, (pe + 5).min(n));
                    if PERCENT_OF_SOMETHING_ELSE.iter().any(|w| contains_words(&after_pct, w)) {
                        return None;
                    }
                    // "5/7 xã có tỷ lệ bao phủ BHYT đạt 90%": the rate of something else.
                    if let Some(pos) = between.rfind("ti lê") {
                        let after = &between[pos + "ti lê".len()..];
                        let extra = after
                            .split([' ', ','])
                            .filter(|w| !w.is_empty() && !LINK_CONNECTIVES.contains(w) && *w != "=" && *w != ":")
                            .count();
                        if extra > 0 {
                            return None;
                        }
                    }
                    return Some(k);
                }
                return None;
            }
            TokKind::Code => return None,
            TokKind::Punct(c) => {
                if !matches!(c, ',' | '=' | ':' | '(' | '-' | '–' | '≈' | '~') {
                    return None;
                }
            }
            TokKind::Word(_) => {}
        }
        k += 1;
    }
    None
}

/// `đạt 63,6% (7/11 xã)`: a percentage right before a fraction in parentheses.
fn percent_before(seg: &Segment, n_tok: usize) -> Option<usize> {
    let open = n_tok.checked_sub(1)?;
    if !seg.toks[open].is_punct('(') {
        return None;
    }
    let pct = open.checked_sub(1)?;
    if seg.toks[pct].is_punct('%') {
        let num = pct.checked_sub(1)?;
        return num_at(seg, num).map(|_| num);
    }
    None
}

/// Extracts the figures of one segment.
pub fn extract_segment(seg: &Segment, seg_index: usize, section: &str) -> Vec<Item> {
    let toks = &seg.toks;
    let n = toks.len();
    let mut used = vec![false; n];
    let mut items: Vec<Item> = Vec::new();
    let word = |i: usize| toks.get(i).and_then(Tok::word);
    let push = |items: &mut Vec<Item>, kind: FigureKind, first: usize, last: usize, f: &dyn Fn(&mut Figure)| {
        let span = (toks[first].start, toks[last].end);
        let mut fig = Figure {
            kind,
            text: seg.text[span.0..span.1].to_string(),
            value: None,
            numerator: None,
            denominator: None,
            stated_percent: None,
            per: None,
            qualifier: None,
            unit: None,
            sex: None,
            values: Vec::new(),
            section: section.to_string(),
            quote: seg.quote(first, span),
            position: seg.position(span.0),
        };
        f(&mut fig);
        items.push(Item {
            fig,
            seg: seg_index,
            first,
            last,
            unit_head: None,
            period_label: false,
        });
    };

    // Dates (d/m/yyyy, d-m-yyyy), month/year, and codes such as 73/2006/QH11.
    for i in 0..n {
        if used[i] || num_at(seg, i).is_none() {
            continue;
        }
        let sep = |k: usize, c: char| toks.get(k).is_some_and(|t| t.is_punct(c)) && adjacent(seg, k - 1, k);
        let num_adj = |k: usize| num_at(seg, k).is_some() && k > 0 && adjacent(seg, k - 1, k);
        for c in ['/', '-', '.'] {
            if sep(i + 1, c) && num_adj(i + 2) && sep(i + 3, c) && num_adj(i + 4) {
                let (a, b, y) = (
                    num_at(seg, i).unwrap(),
                    num_at(seg, i + 2).unwrap(),
                    num_at(seg, i + 4).unwrap(),
                );
                if a.value <= Decimal::from(31) && b.value <= Decimal::from(12) && y.int_digits == 4 {
                    push(&mut items, FigureKind::Date, i, i + 4, &|_| {});
                    used[i..=i + 4].iter_mut().for_each(|u| *u = true);
                }
            }
        }
        if used[i] {
            continue;
        }
        // 73/2006/QH11, 48/2009/NĐ-CP: document numbers.
        if sep(i + 1, '/') && num_adj(i + 2) && sep(i + 3, '/') {
            used[i..=i + 3].iter_mut().for_each(|u| *u = true);
            continue;
        }
        // tháng 6/2024, 8/2024.
        if sep(i + 1, '/')
            && num_adj(i + 2)
            && num_at(seg, i + 2).unwrap().is_year_like()
            && num_at(seg, i).unwrap().value <= Decimal::from(12)
            && !is_percent_link_candidate(seg, i + 2)
        {
            push(&mut items, FigureKind::Period, i, i + 2, &|_| {});
            used[i..=i + 2].iter_mut().for_each(|u| *u = true);
        }
    }

    // Sex ratio: 135 bé trai/100 bé gái (also "trẻ trai/ trẻ gái").
    for i in 0..n {
        if used[i] || num_at(seg, i).is_none() {
            continue;
        }
        let boy = matches!(word(i + 1), Some("be" | "tre")) && word(i + 2) == Some("trai");
        if boy
            && toks.get(i + 3).is_some_and(|t| t.is_punct('/'))
            && num_at(seg, i + 4).is_some()
            && matches!(word(i + 5), Some("be" | "tre"))
            && word(i + 6) == Some("gai")
        {
            let boys = num_at(seg, i).unwrap().value;
            let girls = num_at(seg, i + 4).unwrap().value;
            if !girls.is_zero() {
                let q = qualifier_before(seg, i);
                push(&mut items, FigureKind::SexRatio, i, i + 6, &|f| {
                    f.value = Some(boys * Decimal::from(100) / girls);
                    f.numerator = Some(boys);
                    f.denominator = Some(girls);
                    f.per = Some(Decimal::from(100));
                    f.qualifier = q.map(str::to_string);
                });
                used[i..=i + 6].iter_mut().for_each(|u| *u = true);
            }
        }
    }

    // Rates: 42/100.000 trẻ sinh sống, 23 ca sinh/1.000 phụ nữ.
    for i in 0..n {
        if used[i] || num_at(seg, i).is_none() {
            continue;
        }
        let mut k = i + 1;
        while k < n && k <= i + 3 && word(k).is_some() {
            k += 1;
        }
        if toks.get(k).is_some_and(|t| t.is_punct('/'))
            && let Some(per) = num_at(seg, k + 1)
            && [1_000, 10_000, 100_000].iter().any(|p| per.value == Decimal::from(*p))
            && (k == i + 1 || per.grouped)
            && !is_percent_link_candidate(seg, k + 1)
        {
            let v = num_at(seg, i).unwrap().value;
            let per = per.value;
            let q = qualifier_before(seg, i);
            push(&mut items, FigureKind::Rate, i, k + 1, &|f| {
                f.value = Some(v);
                f.per = Some(per);
                f.qualifier = q.map(str::to_string);
            });
            used[i..=k + 1].iter_mut().for_each(|u| *u = true);
        }
    }

    // Fractions, with the percentage that states them.
    for i in 0..n {
        if used[i] {
            continue;
        }
        let (Some(a), Some(b)) = (num_at(seg, i), num_at(seg, i + 2)) else {
            continue;
        };
        if !toks[i + 1].is_punct('/') || used[i + 2] || !a.is_integer() || !b.is_integer() || b.value.is_zero() {
            continue;
        }
        // 21-CT/TW-style codes and 12/18/… chains.
        if toks.get(i + 3).is_some_and(|t| t.is_punct('/')) {
            continue;
        }
        if i > 0 && toks[i - 1].is_punct('/') {
            continue;
        }
        let date_context = (1..=2).any(|k| {
            i.checked_sub(k).and_then(|j| toks[j].word()).is_some_and(|w| {
                matches!(
                    w,
                    "ngay" | "tư" | "đên" | "dip" | "nhân" | "trươc" | "sau" | "lê" | "hôm"
                )
            })
        });
        let looks_like_date = a.value <= Decimal::from(31) && b.value <= Decimal::from(12);
        if date_context && looks_like_date {
            push(&mut items, FigureKind::Date, i, i + 2, &|_| {});
            used[i..=i + 2].iter_mut().for_each(|u| *u = true);
            continue;
        }
        let mut pct = percent_after(seg, i + 2);
        if pct.is_none() {
            pct = percent_before(seg, i);
        }
        let (num, den) = (a.value, b.value);
        if let Some(p) = pct {
            let pnum = num_at(seg, p).unwrap();
            if num > den && pnum.value <= Decimal::from(100) {
                // "20/10, 100%": a date next to a percentage, not a share.
                continue;
            }
            let stated = pnum.value;
            let q = qualifier_before(seg, p);
            let (first, last) = if p > i { (i, percent_end(seg, p)) } else { (p, i + 2) };
            let unit = unit_after(seg, i + 2).0;
            push(&mut items, FigureKind::Fraction, first, last, &|f| {
                f.value = Some(num * Decimal::from(100) / den);
                f.numerator = Some(num);
                f.denominator = Some(den);
                f.stated_percent = Some(stated);
                f.qualifier = q.map(str::to_string);
                f.unit = unit.clone();
            });
            used[i..=i + 2].iter_mut().for_each(|u| *u = true);
            used[p] = true;
            if p + 1 < n {
                used[p + 1] = true;
            }
            continue;
        }
        if !(num > den
            || a.is_year_like()
            || b.is_year_like()
            || (looks_like_date && unit_after(seg, i + 2).0.is_none()))
        {
            let unit = unit_after(seg, i + 2).0;
            push(&mut items, FigureKind::Fraction, i, i + 2, &|f| {
                f.value = Some(num * Decimal::from(100) / den);
                f.numerator = Some(num);
                f.denominator = Some(den);
                f.unit = unit.clone();
            });
            used[i..=i + 2].iter_mut().for_each(|u| *u = true);
        }
    }

    // "7 xã trên tổng số 11 xã, chiếm 63,6%": a fraction in words.
    for i in 0..n {
        let Some(a) = num_at(seg, i) else { continue };
        if used[i] || !a.is_integer() || a.is_year_like() {
            continue;
        }
        let mut k = i + 1;
        while k < n && k <= i + 4 && word(k).is_some_and(|w| w != "trên") {
            k += 1;
        }
        if word(k) != Some("trên") {
            continue;
        }
        let mut d = k + 1;
        if word(d) == Some("tông") {
            d += 1;
            if word(d) == Some("sô") {
                d += 1;
            }
        }
        let Some(b) = num_at(seg, d) else { continue };
        if used[d] || !b.is_integer() || b.is_year_like() || b.value.is_zero() || a.value > b.value {
            continue;
        }
        let Some(p) = percent_after(seg, d) else { continue };
        let (num, den, stated) = (a.value, b.value, num_at(seg, p).unwrap().value);
        let q = qualifier_before(seg, p);
        let end = percent_end(seg, p);
        let unit = unit_after(seg, i).0;
        push(&mut items, FigureKind::Fraction, i, end, &|f| {
            f.value = Some(num * Decimal::from(100) / den);
            f.numerator = Some(num);
            f.denominator = Some(den);
            f.stated_percent = Some(stated);
            f.qualifier = q.map(str::to_string);
            f.unit = unit.clone();
        });
        used[i] = true;
        used[d] = true;
        used[p..=end].iter_mut().for_each(|u| *u = true);
    }

    // Shares after "trong đó": 240 doanh nghiệp, trong đó 48 doanh nghiệp … bằng 20%.
    shares_after_trong_do(seg, section, &mut used, &mut items, &push);
    // Shares of one sex: 35 đại biểu, nữ 12 đại biểu (34,29%).
    shares_of_a_sex(seg, &mut used, &mut items, &push);

    // Percentages.
    for i in 0..n {
        if used[i] || !is_percent_at(seg, i) {
            continue;
        }
        let v = num_at(seg, i).unwrap().value;
        let q = qualifier_before(seg, i);
        let end = percent_end(seg, i);
        push(&mut items, FigureKind::Percent, i, end, &|f| {
            f.value = Some(v);
            f.qualifier = q.map(str::to_string);
        });
        used[i..=end].iter_mut().for_each(|u| *u = true);
    }

    // Money, times, years, periods, counts.
    for i in 0..n {
        if used[i] {
            continue;
        }
        let Some(num) = num_at(seg, i) else { continue };
        let v = num.value;
        let w1 = word(i + 1);
        let w2 = word(i + 2);
        let multiplier = match (w1, w2) {
            (Some("đông" | "đ" | "vnđ" | "vnd"), _) => Some((Decimal::ONE, i + 1)),
            (Some("triêu"), Some("đông" | "đ" | "vnđ")) => Some((Decimal::from(1_000_000), i + 2)),
            (Some("ti"), Some("đông" | "đ" | "vnđ")) => Some((Decimal::from(1_000_000_000), i + 2)),
            (Some("nghin" | "ngan"), Some("đông" | "đ" | "vnđ")) => Some((Decimal::from(1_000), i + 2)),
            // "năm 2021: 30 triệu; …": millions of đồng in a list of amounts.
            (Some("triêu"), None) if toks.get(i + 2).is_none_or(|t| matches!(t.kind, TokKind::Punct(_))) => {
                Some((Decimal::from(1_000_000), i + 1))
            }
            _ => None,
        };
        if let Some((m, end)) = multiplier {
            push(&mut items, FigureKind::Money, i, end, &|f| {
                f.value = Some(v * m);
                f.unit = Some("đồng".into());
            });
            used[i..=end].iter_mut().for_each(|u| *u = true);
            continue;
        }
        if w1 == Some("lân") && !num.is_year_like() {
            let q = qualifier_before(seg, i);
            push(&mut items, FigureKind::Times, i, i + 1, &|f| {
                f.value = Some(v);
                f.qualifier = q.map(str::to_string);
            });
            used[i..=i + 1].iter_mut().for_each(|u| *u = true);
            continue;
        }
        if num.is_year_like() {
            // 2021 - 2025, 2021–2030.
            if toks
                .get(i + 1)
                .is_some_and(|t| matches!(t.kind, TokKind::Punct('-' | '–' | '—')))
                && num_at(seg, i + 2).is_some_and(Num::is_year_like)
            {
                push(&mut items, FigureKind::Period, i, i + 2, &|_| {});
                used[i..=i + 2].iter_mut().for_each(|u| *u = true);
                continue;
            }
            let before = i.checked_sub(1).and_then(word);
            let year_context = before.is_some_and(|w| {
                matches!(
                    w,
                    "năm" | "đoan" | "ki" | "khoa" | "tư" | "đên" | "vao" | "trong" | "cuôi" | "đâu"
                )
            });
            let count_like = w1.is_some_and(|w| !matches!(w, "năm" | "đên" | "va" | "tơi"));
            if year_context || !count_like {
                push(&mut items, FigureKind::Year, i, i, &|f| f.value = Some(v));
                used[i] = true;
                continue;
            }
        }
        // 6 tháng đầu năm 2024.
        if w1 == Some("thang")
            && matches!(w2, Some("đâu" | "cuôi"))
            && word(i + 3) == Some("năm")
            && num_at(seg, i + 4).is_some_and(Num::is_year_like)
        {
            push(&mut items, FigureKind::Period, i, i + 4, &|_| {});
            used[i..=i + 4].iter_mut().for_each(|u| *u = true);
            continue;
        }
        if let Some(item) = count_at(seg, i, section) {
            let last = item.last;
            items.push(Item { seg: seg_index, ..item });
            used[i..=last.min(n - 1)].iter_mut().for_each(|u| *u = true);
        }
    }
    items.sort_by_key(|it| it.first);
    items
}

/// True when the number at `k` is directly followed by a percentage link; used to keep
/// `45/2000 hộ, chiếm 2,25%` a fraction rather than a month/year or a rate.
fn is_percent_link_candidate(seg: &Segment, k: usize) -> bool {
    percent_after(seg, k).is_some()
}

/// A count at token `i`, or `None` when the number is a label, code or list mark.
fn count_at(seg: &Segment, i: usize, section: &str) -> Option<Item> {
    let toks = &seg.toks;
    let num = num_at(seg, i)?;
    if !num.is_integer() {
        return None;
    }
    let word = |k: usize| toks.get(k).and_then(Tok::word);
    let prev = i.checked_sub(1).map(|k| &toks[k]);
    // Codes: 21-CT/TW, 620/LĐLĐ, Số: 05/…
    if let Some(next) = toks.get(i + 1)
        && adjacent(seg, i, i + 1)
        && (next.is_punct('/') || next.is_punct('-'))
    {
        return None;
    }
    if let Some(p) = prev
        && (p.is_punct('/')
            || (p.is_punct('-') && i >= 1 && adjacent(seg, i - 1, i) && i >= 2 && toks[i - 2].word().is_some()))
    {
        return None;
    }
    // (3), 1., a) at the start, 1) lists.
    if prev.is_some_and(|p| p.is_punct('(')) && toks.get(i + 1).is_some_and(|t| t.is_punct(')')) {
        return None;
    }
    if (i == 0 || prev.is_some_and(|p| p.is_punct('-') || p.is_punct('+')))
        && toks.get(i + 1).is_some_and(|t| t.is_punct('.') || t.is_punct(')'))
        && toks.get(i + 2).is_some_and(|t| t.word().is_some())
    {
        return None;
    }
    if i == 0 && toks.get(i + 1).is_some_and(|t| t.is_punct(')')) {
        return None;
    }
    // Numbered names: Đề án 938, Chỉ tiêu 2, số 11, lần thứ 2, lớp 9, tháng 6, quý 3.
    if let Some(w) = prev.and_then(Tok::word)
        && LABEL_WORDS.contains(&w)
    {
        return None;
    }
    if prev.is_some_and(|p| p.is_punct(':'))
        && i >= 2
        && toks[i - 2].word().is_some_and(|w| matches!(w, "sô" | "muc" | "điêu"))
    {
        return None;
    }
    let (unit, after) = unit_after(seg, i);
    // "15 năm thi hành", "06 tháng": a duration, not a count.
    if unit.is_none()
        && word(i + 1).is_some_and(|w| matches!(w, "năm" | "thang" | "ngay" | "tuân" | "giơ" | "tuôi" | "quy"))
    {
        return None;
    }
    let unit_folded = unit.as_deref().map(fold);
    if unit_folded.as_deref().is_some_and(|u| {
        let head = u.split_whitespace().next().unwrap_or("");
        matches!(
            head,
            "tuôi" | "giơ" | "phut" | "thang" | "ngay" | "tuân" | "năm" | "quy"
        )
    }) {
        return None;
    }
    // Sex: "Nam 42", "nữ: 65", "504 lao động nữ", "42 nam".
    // "Nữ 65" labels a count; "phụ nữ 06 tháng" does not.
    let mut sex = prev
        .and_then(Tok::word)
        .and_then(is_sex_word)
        .filter(|_| !(i >= 2 && toks[i - 2].is_word("phu")));
    if sex.is_none()
        && prev.is_some_and(|p| p.is_punct(':'))
        && let Some(w) = i.checked_sub(2).and_then(word)
    {
        sex = is_sex_word(w);
    }
    if sex.is_none()
        && let Some(u) = &unit_folded
    {
        let words: Vec<&str> = u.split_whitespace().collect();
        if let Some(last) = words.last() {
            sex = is_sex_word(last).filter(|_| words.len() <= 3);
        }
        if sex.is_none() && word(after) == Some("la") {
            sex = word(after + 1).and_then(is_sex_word);
        }
    }
    let last = if unit.is_some() { after - 1 } else { i };
    let span = (toks[i].start, toks[last].end);
    let unit_head = unit_folded
        .as_deref()
        .and_then(|u| u.split_whitespace().next().map(str::to_string))
        .filter(|h| is_sex_word(h).is_none());
    let period_label = period_label_before(seg, i);
    let fig = Figure {
        kind: FigureKind::Count,
        text: seg.text[span.0..span.1].to_string(),
        value: Some(num.value),
        numerator: None,
        denominator: None,
        stated_percent: None,
        per: None,
        qualifier: qualifier_before(seg, i).map(str::to_string),
        unit,
        sex,
        values: Vec::new(),
        section: section.to_string(),
        quote: seg.quote(i, span),
        position: seg.position(span.0),
    };
    Some(Item {
        fig,
        seg: 0,
        first: i,
        last,
        unit_head,
        period_label,
    })
}

/// `Năm 2021: xảy ra 03 vụ`, `06 tháng đầu năm 2024, xảy ra 03 vụ`: a period opens the
/// clause of the count at `i`.
pub fn period_label_before(seg: &Segment, i: usize) -> bool {
    let toks = &seg.toks;
    let mut k = i;
    let mut steps = 0;
    while k > 0 && steps < 8 {
        k -= 1;
        steps += 1;
        match &toks[k].kind {
            TokKind::Num(n) if n.is_year_like() => {
                return k >= 1 && toks[k - 1].is_word("năm");
            }
            TokKind::Num(_) | TokKind::Code => return false,
            TokKind::Punct(';' | '.' | '(' | ')') => return false,
            _ => {}
        }
    }
    false
}

/// Whether the count at token `k` is of one sex: "nữ 12", "nữ: 12", "12 nữ", "12 lao động nữ".
pub fn sex_of_count(seg: &Segment, k: usize) -> Option<Sex> {
    let toks = &seg.toks;
    let prev = k.checked_sub(1).and_then(|j| toks[j].word());
    if let Some(s) = prev.and_then(is_sex_word)
        && !(k >= 2 && toks[k - 2].is_word("phu"))
    {
        return Some(s);
    }
    if k >= 2
        && toks[k - 1].is_punct(':')
        && let Some(s) = toks[k - 2].word().and_then(is_sex_word)
    {
        return Some(s);
    }
    let (unit, _) = unit_after(seg, k);
    let unit = unit.map(|u| fold(&u))?;
    unit.split_whitespace().last().and_then(is_sex_word)
}

/// Words after a percentage that say it measures something else (a plan, a comparison).
const PERCENT_OF_SOMETHING_ELSE: &[&str] = &["kê hoach", "chi tiêu", "so vơi", "yêu câu", "cung ki", "dư toan"];

fn shares_of_a_sex(seg: &Segment, used: &mut [bool], items: &mut Vec<Item>, push: &PushFn<'_>) {
    let toks = &seg.toks;
    let n = toks.len();
    for k in 0..n {
        let Some(num) = num_at(seg, k) else { continue };
        if used[k] || !num.is_integer() || num.is_year_like() || is_percent_at(seg, k) {
            continue;
        }
        if sex_of_count(seg, k).is_none() {
            continue;
        }
        // The total: the nearest unsexed count before, in the same clause, stepping over
        // the other sex and its percentage.
        let mut a = None;
        let mut j = k;
        while j > 0 && k - j < 25 {
            j -= 1;
            match &toks[j].kind {
                TokKind::Num(x) => {
                    if is_percent_at(seg, j) || sex_of_count(seg, j).is_some() {
                        continue;
                    }
                    if x.is_integer() && !x.is_year_like() && !used[j] {
                        a = Some(j);
                    }
                    break;
                }
                TokKind::Code => break,
                TokKind::Punct('.' | ';' | '/') => break,
                _ => {}
            }
        }
        let Some(a) = a else { continue };
        let total = num_at(seg, a).unwrap().value;
        let part = num.value;
        if total.is_zero() || part > total {
            continue;
        }
        let (unit, after) = unit_after(seg, k);
        // The percentage: in parentheses right after, or after "chiếm", "bằng", "tỷ lệ".
        let mut p = after;
        let mut found = None;
        while p < n && p < after + 6 {
            if is_percent_at(seg, p) {
                found = Some(p);
                break;
            }
            match &toks[p].kind {
                TokKind::Num(_) | TokKind::Code => break,
                TokKind::Punct('.' | ';' | ')') => break,
                _ => {}
            }
            p += 1;
        }
        let Some(p) = found else { continue };
        if used[p] {
            continue;
        }
        let between = seg.words_between(after.saturating_sub(1), p);
        let connective =
            between.contains('(') || ["chiêm", "băng", "ti lê"].iter().any(|c| contains_words(&between, c));
        let end = percent_end(seg, p);
        let after_pct = seg.words_between(end, (end + 5).min(n));
        if !connective || PERCENT_OF_SOMETHING_ELSE.iter().any(|w| contains_words(&after_pct, w)) {
            continue;
        }
        let stated = num_at(seg, p).unwrap().value;
        let q = qualifier_before(seg, p);
        push(items, FigureKind::Fraction, k, end, &|f| {
            f.value = Some(part * Decimal::from(100) / total);
            f.numerator = Some(part);
            f.denominator = Some(total);
            f.stated_percent = Some(stated);
            f.qualifier = q.map(str::to_string);
            f.unit = unit.clone();
        });
        used[p..=end].iter_mut().for_each(|u| *u = true);
    }
}

type PushFn<'a> = dyn Fn(&mut Vec<Item>, FigureKind, usize, usize, &dyn Fn(&mut Figure)) + 'a;

fn shares_after_trong_do(seg: &Segment, _section: &str, used: &mut [bool], items: &mut Vec<Item>, push: &PushFn<'_>) {
    let toks = &seg.toks;
    let n = toks.len();
    for t in 0..n.saturating_sub(1) {
        if !(toks[t].is_word("trong") && toks[t + 1].is_word("đo")) {
            continue;
        }
        // The total: the nearest count before, in the same clause.
        let mut a = None;
        let mut k = t;
        while k > 0 && t - k < 10 {
            k -= 1;
            match &toks[k].kind {
                TokKind::Num(num) if !used[k] && num.is_integer() && !num.is_year_like() => {
                    a = Some(k);
                    break;
                }
                TokKind::Num(_) | TokKind::Code => break,
                TokKind::Punct('.' | ';' | '%' | '/') => break,
                _ => {}
            }
        }
        let Some(a) = a else { continue };
        let total = num_at(seg, a).unwrap().value;
        let total_unit = unit_after(seg, a).0.map(|u| fold(&u));
        let total_head = total_unit
            .as_deref()
            .and_then(|u| u.split_whitespace().next())
            .map(str::to_string);
        // Parts, each with its percentage, until the clause ends (a few hundred tokens).
        let mut k = t + 2;
        while k < n && k <= t + 300 {
            match &toks[k].kind {
                TokKind::Punct('.') | TokKind::Punct(';') => break,
                TokKind::Num(num) if !used[k] && num.is_integer() && !is_percent_at(seg, k) => {
                    let part = num.value;
                    let (unit, after) = unit_after(seg, k);
                    let head = unit.as_deref().map(fold);
                    let head = head
                        .as_deref()
                        .and_then(|u| u.split_whitespace().next())
                        .map(str::to_string);
                    let sexed = k > 0 && toks[k - 1].word().and_then(is_sex_word).is_some()
                        || head.as_deref().and_then(is_sex_word).is_some();
                    let same_unit = head.is_some() && head == total_head;
                    if !(same_unit || sexed) || part > total {
                        k = after.max(k + 1);
                        continue;
                    }
                    // The percentage: within a few words, after a connective.
                    let mut p = after;
                    let mut found = None;
                    while p < n && p < after + 14 {
                        if is_percent_at(seg, p) {
                            found = Some(p);
                            break;
                        }
                        match &toks[p].kind {
                            TokKind::Num(_) | TokKind::Code => break,
                            TokKind::Punct('.' | ';') => break,
                            _ => {}
                        }
                        p += 1;
                    }
                    if let Some(p) = found {
                        let between = seg.words_between(after.saturating_sub(1), p);
                        let connective = ["chiêm", "băng", "đat", "ti lê", "(", "="]
                            .iter()
                            .any(|c| between.contains(c));
                        let pe = percent_end(seg, p);
                        let after_pct = seg.words_between(pe, (pe + 5).min(n));
                        let breaker = LINK_BREAKERS.iter().any(|b| contains_words(&between, b))
                            || PERCENT_OF_SOMETHING_ELSE.iter().any(|w| contains_words(&after_pct, w));
                        if connective && !breaker && !total.is_zero() && !used[p] {
                            let stated = num_at(seg, p).unwrap().value;
                            let q = qualifier_before(seg, p);
                            let end = percent_end(seg, p);
                            push(items, FigureKind::Fraction, k, end, &|f| {
                                f.value = Some(part * Decimal::from(100) / total);
                                f.numerator = Some(part);
                                f.denominator = Some(total);
                                f.stated_percent = Some(stated);
                                f.qualifier = q.map(str::to_string);
                                f.unit = unit.clone();
                            });
                            used[p..=end].iter_mut().for_each(|u| *u = true);
                            k = end + 1;
                            continue;
                        }
                    }
                    k = after.max(k + 1);
                }
                _ => k += 1,
            }
        }
    }
}

/// All figures of a document with their context, paragraphs first then table rows as
/// rows (see [`crate::tables`]).
pub fn extract(doc: &Document, segs: &[Segment]) -> Vec<Item> {
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
mod tests {
    use super::*;
    use std::str::FromStr;

    fn figs(text: &str) -> Vec<Figure> {
        let seg = Segment::new(0, None, text.to_string(), 1, 0);
        extract_segment(&seg, 0, "").into_iter().map(|i| i.fig).collect()
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn fractions_with_percentages() {
        let f = figs("có 7/11 xã, chiếm 63,6% tổng số xã");
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].kind, FigureKind::Fraction);
        assert_eq!(f[0].numerator, Some(d("7")));
        assert_eq!(f[0].denominator, Some(d("11")));
        assert_eq!(f[0].stated_percent, Some(d("63.6")));
        assert_eq!(f[0].text, "7/11 xã, chiếm 63,6%");
        let f = figs("12/18 thạc sĩ, đạt 66,66%");
        assert_eq!(f[0].stated_percent, Some(d("66.66")));
        assert_eq!(f[0].unit.as_deref(), Some("thạc sĩ"));
        let f = figs("có 678/1.527 sản phụ được khám thai đủ 4 lần");
        assert_eq!(f[0].denominator, Some(d("1527")));
        assert_eq!(f[0].stated_percent, None);
        let f = figs("Chủ tịch 8/9=88,88%");
        assert_eq!(f[0].stated_percent, Some(d("88.88")));
        let f = figs("đạt 63,6% (7/11 xã)");
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].numerator, Some(d("7")));
        let f = figs("có 240 doanh nghiệp, HTX, trong đó có 48 doanh nghiệp, HTX do nữ làm chủ, bằng 20%.");
        let frac: Vec<_> = f.iter().filter(|f| f.kind == FigureKind::Fraction).collect();
        assert_eq!(frac.len(), 1, "{f:#?}");
        assert_eq!(frac[0].numerator, Some(d("48")));
        assert_eq!(frac[0].denominator, Some(d("240")));
    }

    #[test]
    fn not_fractions() {
        for text in [
            "Số: 620/LĐLĐ ngày 24/4",
            "Nghị quyết số 28/NQ-CP ngày 03/3/2021",
            "Luật số 73/2006/QH11",
            "nhân dịp 8/3, 20/10, 100% cán bộ tham gia",
            "Chỉ thị số 21-CT/TW ngày 20/01/2018",
        ] {
            let f = figs(text);
            assert!(
                f.iter()
                    .all(|f| f.kind != FigureKind::Fraction && f.kind != FigureKind::Count),
                "{text}: {f:#?}"
            );
        }
        let f = figs("Tỷ số giới tính khi sinh 135 bé trai/100 bé gái");
        assert_eq!(f[0].kind, FigureKind::SexRatio);
        assert_eq!(f[0].value, Some(d("135")));
        let f = figs("giảm còn 42/100.000 trẻ sinh sống; 23 ca sinh/1.000 phụ nữ");
        assert_eq!(f[0].kind, FigureKind::Rate);
        assert_eq!(f[0].per, Some(d("100000")));
        assert_eq!(f[1].kind, FigureKind::Rate);
        assert_eq!(f[1].value, Some(d("23")));
    }

    #[test]
    fn counts_money_years() {
        let f = figs("phát 1.130 tờ rơi, 56 tin bài, 07 lượt; Nam 42, Nữ 65; 504 lao động nữ");
        let counts: Vec<_> = f.iter().filter(|f| f.kind == FigureKind::Count).collect();
        assert_eq!(counts.len(), 6, "{f:#?}");
        assert_eq!(counts[0].value, Some(d("1130")));
        assert_eq!(counts[0].unit.as_deref(), Some("tờ rơi"));
        assert_eq!(counts[2].value, Some(d("7")));
        assert_eq!(counts[3].sex, Some(Sex::Male));
        assert_eq!(counts[4].sex, Some(Sex::Female));
        assert_eq!(counts[5].sex, Some(Sex::Female));
        let f = figs("kinh phí 15.000.000 đồng, 15 triệu đồng, mỗi năm 5.000.000đ");
        let money: Vec<_> = f
            .iter()
            .filter_map(|f| (f.kind == FigureKind::Money).then_some(f.value))
            .collect();
        assert_eq!(money, [Some(d("15000000")), Some(d("15000000")), Some(d("5000000"))]);
        let f = figs("giai đoạn 2021 - 2025, năm 2024, 6 tháng đầu năm 2024, cử trên 2000 chị em");
        let kinds: Vec<_> = f.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                FigureKind::Period,
                FigureKind::Year,
                FigureKind::Period,
                FigureKind::Count
            ],
            "{f:#?}"
        );
        let f = figs("còn 1,7 lần; Đề án 938; Dự án 8; (3) tác hại; từ đủ 13 tuổi");
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].kind, FigureKind::Times);
    }
}
