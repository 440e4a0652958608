//! Extracting the figures of one segment, kind by kind, each step leaving alone the tokens taken before.

use super::counts::count_at;
use super::figure::PushFn;
use super::reading::{
    adjacent, is_percent_at, is_percent_link_candidate, num_at, percent_after, percent_before, percent_end,
    qualifier_before, unit_after,
};
use super::shares::{shares_after_trong_do, shares_of_a_sex};
use super::{FigureKind, Item, Segment, StatedFigure};
use crate::tokens::{Num, Tok, TokKind};
use rust_decimal::Decimal;

/// Extracts the figures of one segment.
pub fn extract_segment(seg: &Segment, seg_index: usize, section: &str) -> Vec<Item> {
    let toks = &seg.toks;
    let n = toks.len();
    let mut used = vec![false; n];
    let mut items: Vec<Item> = Vec::new();
    let push = |items: &mut Vec<Item>, kind: FigureKind, first: usize, last: usize, f: &dyn Fn(&mut StatedFigure)| {
        let span = (toks[first].start, toks[last].end);
        let mut fig = StatedFigure {
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

    dates_and_codes(seg, &mut used, &mut items, &push);
    sex_ratios(seg, &mut used, &mut items, &push);
    rates(seg, &mut used, &mut items, &push);
    fractions(seg, &mut used, &mut items, &push);
    fractions_in_words(seg, &mut used, &mut items, &push);
    // Shares after "trong đó": 240 doanh nghiệp, trong đó 48 doanh nghiệp … bằng 20%.
    shares_after_trong_do(seg, section, &mut used, &mut items, &push);
    // Shares of one sex: 35 đại biểu, nữ 12 đại biểu (34,29%).
    shares_of_a_sex(seg, &mut used, &mut items, &push);

    percentages(seg, &mut used, &mut items, &push);
    money_times_years_counts(seg, seg_index, section, &mut used, &mut items, &push);
    items.sort_by_key(|it| it.first);
    items
}

/// Dates (d/m/yyyy, d-m-yyyy), month/year, and codes such as 73/2006/QH11.
fn dates_and_codes(seg: &Segment, used: &mut [bool], items: &mut Vec<Item>, push: &PushFn<'_>) {
    let toks = &seg.toks;
    let n = toks.len();
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
                    push(items, FigureKind::Date, i, i + 4, &|_| {});
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
            push(items, FigureKind::Period, i, i + 2, &|_| {});
            used[i..=i + 2].iter_mut().for_each(|u| *u = true);
        }
    }
}

/// Sex ratio: 135 bé trai/100 bé gái (also "trẻ trai/ trẻ gái").
fn sex_ratios(seg: &Segment, used: &mut [bool], items: &mut Vec<Item>, push: &PushFn<'_>) {
    let toks = &seg.toks;
    let n = toks.len();
    let word = |i: usize| toks.get(i).and_then(Tok::word);
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
                push(items, FigureKind::SexRatio, i, i + 6, &|f| {
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
}

/// Rates: 42/100.000 trẻ sinh sống, 23 ca sinh/1.000 phụ nữ.
fn rates(seg: &Segment, used: &mut [bool], items: &mut Vec<Item>, push: &PushFn<'_>) {
    let toks = &seg.toks;
    let n = toks.len();
    let word = |i: usize| toks.get(i).and_then(Tok::word);
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
            push(items, FigureKind::Rate, i, k + 1, &|f| {
                f.value = Some(v);
                f.per = Some(per);
                f.qualifier = q.map(str::to_string);
            });
            used[i..=k + 1].iter_mut().for_each(|u| *u = true);
        }
    }
}

/// Fractions, with the percentage that states them.
fn fractions(seg: &Segment, used: &mut [bool], items: &mut Vec<Item>, push: &PushFn<'_>) {
    let toks = &seg.toks;
    let n = toks.len();
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
            push(items, FigureKind::Date, i, i + 2, &|_| {});
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
            push(items, FigureKind::Fraction, first, last, &|f| {
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
            push(items, FigureKind::Fraction, i, i + 2, &|f| {
                f.value = Some(num * Decimal::from(100) / den);
                f.numerator = Some(num);
                f.denominator = Some(den);
                f.unit = unit.clone();
            });
            used[i..=i + 2].iter_mut().for_each(|u| *u = true);
        }
    }
}

/// "7 xã trên tổng số 11 xã, chiếm 63,6%": a fraction in words.
fn fractions_in_words(seg: &Segment, used: &mut [bool], items: &mut Vec<Item>, push: &PushFn<'_>) {
    let toks = &seg.toks;
    let n = toks.len();
    let word = |i: usize| toks.get(i).and_then(Tok::word);
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
        push(items, FigureKind::Fraction, i, end, &|f| {
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
}

/// Percentages.
fn percentages(seg: &Segment, used: &mut [bool], items: &mut Vec<Item>, push: &PushFn<'_>) {
    let toks = &seg.toks;
    let n = toks.len();
    for i in 0..n {
        if used[i] || !is_percent_at(seg, i) {
            continue;
        }
        let v = num_at(seg, i).unwrap().value;
        let q = qualifier_before(seg, i);
        let end = percent_end(seg, i);
        push(items, FigureKind::Percent, i, end, &|f| {
            f.value = Some(v);
            f.qualifier = q.map(str::to_string);
        });
        used[i..=end].iter_mut().for_each(|u| *u = true);
    }
}

/// Money, times, years, periods, counts.
fn money_times_years_counts(
    seg: &Segment,
    seg_index: usize,
    section: &str,
    used: &mut [bool],
    items: &mut Vec<Item>,
    push: &PushFn<'_>,
) {
    let toks = &seg.toks;
    let n = toks.len();
    let word = |i: usize| toks.get(i).and_then(Tok::word);
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
            push(items, FigureKind::Money, i, end, &|f| {
                f.value = Some(v * m);
                f.unit = Some("đồng".into());
            });
            used[i..=end].iter_mut().for_each(|u| *u = true);
            continue;
        }
        if w1 == Some("lân") && !num.is_year_like() {
            let q = qualifier_before(seg, i);
            push(items, FigureKind::Times, i, i + 1, &|f| {
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
                push(items, FigureKind::Period, i, i + 2, &|_| {});
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
                push(items, FigureKind::Year, i, i, &|f| f.value = Some(v));
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
            push(items, FigureKind::Period, i, i + 4, &|_| {});
            used[i..=i + 4].iter_mut().for_each(|u| *u = true);
            continue;
        }
        if let Some(item) = count_at(seg, i, section) {
            let last = item.last;
            items.push(Item { seg: seg_index, ..item });
            used[i..=last.min(n - 1)].iter_mut().for_each(|u| *u = true);
        }
    }
}
