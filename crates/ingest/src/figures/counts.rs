//! Counts: a number with its unit and sex, told apart from labels, codes and list marks.

use super::reading::{adjacent, is_sex_word, num_at, qualifier_before, unit_after};
use super::{FigureKind, Item, Segment, Sex, StatedFigure};
use crate::normalize::fold;
use crate::tokens::{Tok, TokKind};

/// Words that name a numbered thing rather than count it (`Đề án 938`, `Chỉ tiêu 2`).
const LABEL_WORDS: &[&str] = &[
    "sô", "điêu", "khoan", "muc", "an", "trinh", "quyêt", "đinh", "thi", "tư", "hoach", "văn", "thư", "khoa", "dung",
    "luc", "biêu", "mâu", "thang", "ngay", "quy", "năm", "lơp", "câp", "loai", "hang", "phân", "chương", "tiêu",
    "nhom", "đoan", "trang", "phu", "kh", "qđ", "nq", "ct", "tt", "nđ", "hd", "bc", "tb", "ubnd", "ky", "đơt", "giai",
    "phong", "tô", "xom", "thôn", "ban", "tuân", "tiêt", "bươc", "hơp", "đôi", "đôn", "đa",
];

/// A count at token `i`, or `None` when the number is a label, code or list mark.
pub(super) fn count_at(seg: &Segment, i: usize, section: &str) -> Option<Item> {
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
    let fig = StatedFigure {
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
