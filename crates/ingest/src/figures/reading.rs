//! Reading numbers in their words: qualifiers, units, sex words, and the percentage of a fraction.

use super::{Segment, Sex};
use crate::indicators::contains_words;
use crate::tokens::{Num, Tok, TokKind};

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

/// The sex a folded word names: `nam`, `nư` (nữ).
pub(crate) fn is_sex_word(w: &str) -> Option<Sex> {
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

pub(super) fn unit_after(seg: &Segment, i: usize) -> (Option<String>, usize) {
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

pub(super) fn num_at(seg: &Segment, i: usize) -> Option<&Num> {
    seg.toks.get(i).and_then(Tok::num)
}

pub(super) fn adjacent(seg: &Segment, a: usize, b: usize) -> bool {
    seg.toks[a].end == seg.toks[b].start
}

pub(super) fn is_percent_at(seg: &Segment, i: usize) -> bool {
    num_at(seg, i).is_some()
        && (seg.toks.get(i + 1).is_some_and(|t| t.is_punct('%'))
            || (seg.toks.get(i + 1).is_some_and(|t| t.is_word("phân"))
                && seg.toks.get(i + 2).is_some_and(|t| t.is_word("trăm"))))
}

pub(super) fn percent_end(seg: &Segment, i: usize) -> usize {
    if seg.toks[i + 1].is_punct('%') { i + 1 } else { i + 2 }
}

/// Words between a fraction and a percentage that mean the percentage is about
/// something else.
pub(super) const LINK_BREAKERS: &[&str] = &[
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
pub(super) fn percent_after(seg: &Segment, d: usize) -> Option<usize> {
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
pub(super) fn percent_before(seg: &Segment, n_tok: usize) -> Option<usize> {
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

/// True when the number at `k` is directly followed by a percentage link; used to keep
/// `45/2000 hộ, chiếm 2,25%` a fraction rather than a month/year or a rate.
pub(super) fn is_percent_link_candidate(seg: &Segment, k: usize) -> bool {
    percent_after(seg, k).is_some()
}

/// Words after a percentage that say it measures something else (a plan, a comparison).
pub(super) const PERCENT_OF_SOMETHING_ELSE: &[&str] =
    &["kê hoach", "chi tiêu", "so vơi", "yêu câu", "cung ki", "dư toan"];
