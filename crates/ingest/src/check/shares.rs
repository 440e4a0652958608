//! Shares that must add up: the men and the women of one whole given as two fractions
//! ([`sex_shares`]), and a headline share over groups that must be the pooled one
//! ([`unweighted_mean`]).

use super::{CheckFinding, CheckFindingKind, Severity, half_unit, pct, vi};
use crate::figures::{FigureKind, Item, Segment, Sex, is_sex_word, quote_window};
use crate::normalize::fold;
use rust_decimal::Decimal;

/// A headline share over several groups that is the plain mean of the groups' shares
/// instead of the pooled share: "bình quân 28,5%, trong đó cấp tỉnh 15/50 (30%), cấp huyện
/// 28/100 (28%), cấp xã 55/200 (27,5%)" — (30 + 28 + 27,5) / 3 = 28,5 but 98/350 = 28,0%.
/// The headline percentage and at least two fractions in one sentence, the headline before
/// or after all of them; found only when the headline matches the mean at the precision it
/// is written with and not the pooled share, which the document's own counts give.
pub(super) fn unweighted_mean(segs: &[Segment], per_seg: &[Vec<&Item>], out: &mut Vec<CheckFinding>) {
    let hundred = Decimal::from(100);
    for (si, seg) in segs.iter().enumerate() {
        let mut sentences: Vec<(usize, Vec<&Item>)> = Vec::new();
        for it in &per_seg[si] {
            let sentence = seg.sentence[it.first];
            match sentences.last_mut() {
                Some((s, items)) if *s == sentence => items.push(it),
                _ => sentences.push((sentence, vec![it])),
            }
        }
        for (_, items) in &sentences {
            let groups: Vec<(&Item, Decimal, Decimal)> = items
                .iter()
                .filter(|it| it.fig.kind == FigureKind::Fraction)
                .filter_map(|it| match (it.fig.numerator, it.fig.denominator) {
                    (Some(n), Some(d)) if d > Decimal::ZERO && n <= d => Some((*it, n, d)),
                    _ => None,
                })
                .collect();
            let (Some(first), Some(last)) = (groups.first(), groups.last()) else {
                continue;
            };
            if groups.len() < 2 || groups.iter().all(|(_, _, d)| *d == first.2) {
                continue;
            }
            let count = Decimal::from(groups.len() as u64);
            let mean = groups.iter().map(|(_, n, d)| *n * hundred / *d).sum::<Decimal>() / count;
            let (ns, ds) = groups
                .iter()
                .fold((Decimal::ZERO, Decimal::ZERO), |(a, b), (_, n, d)| (a + *n, b + *d));
            let pooled = ns * hundred / ds;
            let headline = items.iter().find(|it| {
                it.fig.kind == FigureKind::Percent
                    && it.fig.qualifier.is_none()
                    && (it.last < first.0.first || it.first > last.0.last)
                    && it.fig.value.is_some_and(|h| {
                        let half = half_unit(h.scale());
                        (h - mean).abs() <= half && (h - pooled).abs() > half
                    })
            });
            let Some(headline) = headline else { continue };
            let stated = headline.fig.value.unwrap_or_default();
            let scale = stated.scale();
            let (start, end) = (headline.first.min(first.0.first), headline.last.max(last.0.last));
            let (s_start, s_end) = seg.sentence_span(start);
            let shares_vi: Vec<String> = groups
                .iter()
                .map(|(_, n, d)| format!("{}/{}", vi(*n), vi(*d)))
                .collect();
            out.push(CheckFinding {
                kind: CheckFindingKind::UnweightedMean,
                severity: Severity::Error,
                quote: quote_window(
                    &seg.text,
                    (s_start, s_end.max(seg.toks[end].end)),
                    (seg.toks[start].start, seg.toks[end].end),
                ),
                stated: pct(stated, scale),
                expected: format!("{} ({}/{})", pct(pooled, scale), vi(ns), vi(ds)),
                message_vi: format!(
                    "Tỷ lệ chung ghi {} là trung bình cộng của {} tỷ lệ thành phần; tính trên tổng số ({}) là {}/{} = {}",
                    pct(stated, scale),
                    groups.len(),
                    shares_vi.join(", "),
                    vi(ns),
                    vi(ds),
                    pct(pooled, scale)
                ),
                message_en: format!(
                    "The overall share {}% is the plain mean of the {} group shares; over the totals it is {}/{} = {}%",
                    stated.normalize(),
                    groups.len(),
                    ns.normalize(),
                    ds.normalize(),
                    pooled.round_dp(scale).normalize()
                ),
                section: headline.fig.section.clone(),
                position: headline.fig.position.clone(),
                indicator: None,
            });
        }
    }
}

/// The sex written right before a fraction's numerator: "nam 30/45", "nữ: 12/45".
fn sex_just_before(seg: &Segment, k: usize) -> Option<Sex> {
    let word_at = |i: usize| seg.toks.get(i).and_then(|t| t.word()).and_then(is_sex_word);
    match k.checked_sub(1) {
        Some(j) if seg.toks[j].is_punct(':') => j.checked_sub(1).and_then(word_at),
        Some(j) => word_at(j),
        None => None,
    }
}

/// Whether a fraction's unit counts people (or is not written), so that its men and its
/// women are the two parts of one group: "30/45 người", "30/45 đại biểu"; not "30/45 xã".
fn counts_people(unit: Option<&str>) -> bool {
    const PEOPLE: &[&str] = &[
        "ngươi", "đai", "can", "công", "viên", "lao", "hoc", "hôi", "đông", "thanh", "đoan", "giao", "bac", "y",
    ];
    unit.map(fold)
        .is_none_or(|u| u.split_whitespace().next().is_some_and(|w| PEOPLE.contains(&w)))
}

/// Shares of one whole given for each sex — "Nam 30/45 đạt 66,7%; Nữ 12/45 đạt 26,7%" —
/// where the men and the women of the same N people do not add up to N. Only two fractions
/// of people next to each other, one for each sex, over the same denominator.
pub(super) fn sex_shares(segs: &[Segment], per_seg: &[Vec<&Item>], out: &mut Vec<CheckFinding>) {
    for (si, seg) in segs.iter().enumerate() {
        let shares: Vec<(&Item, Sex)> = per_seg[si]
            .iter()
            .filter(|it| it.fig.kind == FigureKind::Fraction && counts_people(it.fig.unit.as_deref()))
            .filter_map(|it| sex_just_before(seg, it.first).map(|sex| (*it, sex)))
            .collect();
        for pair in shares.windows(2) {
            let [(a, sex_a), (b, sex_b)] = pair else { continue };
            if sex_a == sex_b || b.first > a.last + 14 {
                continue;
            }
            let (Some(x), Some(y), Some(n), Some(m)) =
                (a.fig.numerator, b.fig.numerator, a.fig.denominator, b.fig.denominator)
            else {
                continue;
            };
            if n != m || x > n || y > n || x + y == n {
                continue;
            }
            let (men, women) = if *sex_a == Sex::Male { (x, y) } else { (y, x) };
            let (s_start, _) = seg.sentence_span(a.first);
            let end = seg.toks[b.last].end;
            out.push(CheckFinding {
                kind: CheckFindingKind::PartsTotal,
                severity: Severity::Error,
                quote: quote_window(&seg.text, (s_start, end), (seg.toks[a.first].start, end)),
                stated: format!("{}/{} + {}/{}", vi(men), vi(n), vi(women), vi(n)),
                expected: format!("{} + {} = {}", vi(men), vi(women), vi(n)),
                message_vi: format!(
                    "Nam {}/{} và nữ {}/{} là hai phần của cùng {} người nhưng {} + {} = {}, khác {}",
                    vi(men),
                    vi(n),
                    vi(women),
                    vi(n),
                    vi(n),
                    vi(men),
                    vi(women),
                    vi(men + women),
                    vi(n)
                ),
                message_en: format!(
                    "Men {}/{n} and women {}/{n} are the two parts of the same {n} people, but {} + {} = {}, not {n}",
                    men.normalize(),
                    women.normalize(),
                    men.normalize(),
                    women.normalize(),
                    (men + women).normalize(),
                    n = n.normalize()
                ),
                section: a.fig.section.clone(),
                position: a.fig.position.clone(),
                indicator: None,
            });
        }
    }
}
