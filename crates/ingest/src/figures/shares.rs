//! Shares written as a part of a total with its percentage: after "trong đó", or of one sex.

use super::counts::sex_of_count;
use super::figure::PushFn;
use super::reading::{
    LINK_BREAKERS, PERCENT_OF_SOMETHING_ELSE, is_percent_at, is_sex_word, num_at, percent_end, qualifier_before,
    unit_after,
};
use super::{FigureKind, Item, Segment};
use crate::indicators::contains_words;
use crate::normalize::fold;
use crate::tokens::TokKind;
use rust_decimal::Decimal;

pub(super) fn shares_of_a_sex(seg: &Segment, used: &mut [bool], items: &mut Vec<Item>, push: &PushFn<'_>) {
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

pub(super) fn shares_after_trong_do(
    seg: &Segment,
    _section: &str,
    used: &mut [bool],
    items: &mut Vec<Item>,
    push: &PushFn<'_>,
) {
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
