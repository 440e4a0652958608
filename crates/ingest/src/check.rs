//! The checks: every inconsistency a document holds within itself or against the
//! national targets.
//!
//! | kind | severity | what |
//! |---|---|---|
//! | `percent_mismatch` | error | a percentage that does not match its numerator and denominator at the precision it is written with (half a unit of the last decimal: 7/11 = 63,6% passes, 12/18 = 66,66% does not) |
//! | `over_100` | error | a share or rate stated above 100% (or "trên 100%") where it cannot be |
//! | `parts_total` | error | parts that do not add up to their stated total: male + female, the items of a list introduced by "gồm" / "cụ thể", per-year amounts, table rows and columns |
//! | `claimed_met` | warning | a result said to be met ("đạt chỉ tiêu", "cơ bản đạt", "hoàn thành", an assessment cell "Đạt") while the document's own figure misses the national target |
//! | `conflicting_values` | warning | the same quantity, in the same words, given twice with different values |
//! | `unweighted_mean` | error | a headline share over groups written as the plain mean of their shares, not the pooled share their counts give |
//!
//! The claims (`claimed_met`, the year a document reports on) are in `claims`; shares of
//! one whole by sex and headline shares over groups in `shares`.
//!
//! Precision comes first: a pattern that could mean something else is left alone.

use crate::document::SourceDocument;
use crate::figures::{FigureKind, Item, Position, Segment, Sex, qualifier_before, quote_window};
use crate::indicators::{contains_words, identify};
use crate::normalize::fold;
use crate::tokens::{Num, TokKind};
use binhdang_domain::vn::format_number;
use binhdang_domain::{Indicator, MeasureKind};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::HashMap;

mod claims;
mod shares;

pub use claims::{Place, claim_finding, document_year};
use claims::{claimed_met, general_claim};
use shares::{sex_shares, unweighted_mean};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum CheckFindingKind {
    PercentMismatch,
    #[serde(rename = "over_100")]
    Over100,
    PartsTotal,
    ClaimedMet,
    ConflictingValues,
    UnweightedMean,
}

impl CheckFindingKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            CheckFindingKind::PercentMismatch => "percent_mismatch",
            CheckFindingKind::Over100 => "over_100",
            CheckFindingKind::PartsTotal => "parts_total",
            CheckFindingKind::ClaimedMet => "claimed_met",
            CheckFindingKind::ConflictingValues => "conflicting_values",
            CheckFindingKind::UnweightedMean => "unweighted_mean",
        }
    }

    pub fn label_vi(&self) -> &'static str {
        match self {
            CheckFindingKind::PercentMismatch => "tỷ lệ không khớp tử số/mẫu số",
            CheckFindingKind::Over100 => "tỷ lệ vượt quá 100%",
            CheckFindingKind::PartsTotal => "các phần không cộng đúng tổng",
            CheckFindingKind::ClaimedMet => "ghi đạt nhưng chưa đạt chỉ tiêu quốc gia",
            CheckFindingKind::ConflictingValues => "cùng một số liệu ghi hai giá trị khác nhau",
            CheckFindingKind::UnweightedMean => "tỷ lệ chung lấy trung bình cộng các tỷ lệ thành phần",
        }
    }

    pub fn label_en(&self) -> &'static str {
        match self {
            CheckFindingKind::PercentMismatch => "percentage does not match its fraction",
            CheckFindingKind::Over100 => "share above 100%",
            CheckFindingKind::PartsTotal => "parts do not add up to the total",
            CheckFindingKind::ClaimedMet => "said to be met but misses the national target",
            CheckFindingKind::ConflictingValues => "same quantity given two values",
            CheckFindingKind::UnweightedMean => "overall share taken as the plain mean of the group shares",
        }
    }
}

pub use binhdang_domain::Severity;

/// An inconsistency, with the words it was found in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckFinding {
    pub kind: CheckFindingKind,
    pub severity: Severity,
    /// The sentence or table row, as written.
    pub quote: String,
    /// What the document states.
    pub stated: String,
    /// What follows from the document's own figures (or the target it should meet).
    pub expected: String,
    pub message_vi: String,
    pub message_en: String,
    pub section: String,
    pub position: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
}

/// `63,6%` with the scale it was written with.
fn pct(v: Decimal, scale: u32) -> String {
    format!("{}%", format_number(v, Some(scale)))
}

fn en_number(v: Decimal, scale: u32) -> String {
    let mut r = v.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(scale);
    r.to_string()
}

fn vi(v: Decimal) -> String {
    format_number(v, None)
}

/// Half a unit of the last written decimal: 66,66 → 0,005.
fn half_unit(scale: u32) -> Decimal {
    Decimal::new(5, scale + 1)
}

/// Every check on the text items (tables are checked by [`crate::tables`]).
pub fn check_items(
    doc: &SourceDocument,
    segs: &[Segment],
    items: &[Item],
    indicators: &[Indicator],
) -> Vec<CheckFinding> {
    let mut out = Vec::new();
    percent_mismatch(segs, items, &mut out);
    over_100(segs, items, indicators, &mut out);
    let mut per_seg: Vec<Vec<&Item>> = vec![Vec::new(); segs.len()];
    for it in items {
        if let Some(v) = per_seg.get_mut(it.seg) {
            v.push(it);
        }
    }
    sex_parts(segs, &per_seg, &mut out);
    sex_shares(segs, &per_seg, &mut out);
    unweighted_mean(segs, &per_seg, &mut out);
    list_parts(segs, &per_seg, &mut out);
    list_parts_before_total(segs, &per_seg, &mut out);
    claimed_met(doc, segs, &per_seg, indicators, &mut out);
    general_claim(doc, segs, &per_seg, indicators, &mut out);
    conflicts(segs, items, &mut out);
    out
}

fn percent_mismatch(segs: &[Segment], items: &[Item], out: &mut Vec<CheckFinding>) {
    for it in items {
        let f = &it.fig;
        let (Some(n), Some(d), Some(stated)) = (f.numerator, f.denominator, f.stated_percent) else {
            continue;
        };
        if f.kind != FigureKind::Fraction || d.is_zero() || n > d {
            continue;
        }
        let seg = &segs[it.seg];
        // The precision the percentage is written with (66,66 → 2).
        let scale = stated.scale();
        let exact = n * Decimal::from(100) / d;
        let half = half_unit(scale);
        let wrong = match f.qualifier.as_deref() {
            Some("trên") => exact <= stated - half,
            Some("dưới") => exact >= stated + half,
            Some(_) => (exact - stated).abs() > Decimal::ONE.max(half),
            None => (exact - stated).abs() > half,
        };
        if !wrong {
            continue;
        }
        let expected = pct(exact, scale);
        let q = f.qualifier.as_deref().map(|q| format!("{q} ")).unwrap_or_default();
        let stated_s = format!("{q}{}", pct(stated, scale));
        let exact_s = format_number(exact, Some(4));
        out.push(CheckFinding {
            kind: CheckFindingKind::PercentMismatch,
            severity: Severity::Error,
            quote: f.quote.clone(),
            stated: stated_s.clone(),
            expected: expected.clone(),
            message_vi: format!(
                "Tỷ lệ ghi {stated_s} không khớp với {}/{}: {}/{} × 100 = {exact_s}%, làm tròn đến {scale} chữ số thập phân là {expected}",
                vi(n),
                vi(d),
                vi(n),
                vi(d)
            ),
            message_en: format!(
                "The stated {q}{}% does not match {}/{}: {}/{} × 100 = {}%, which is {}% at {scale} decimal places",
                en_number(stated, scale),
                n.normalize(),
                d.normalize(),
                n.normalize(),
                d.normalize(),
                en_number(exact, 4),
                en_number(exact, scale)
            ),
            section: f.section.clone(),
            position: f.position.clone(),
            indicator: identify(&seg.text).map(str::to_string),
        });
    }
}

/// Words that make a percentage above 100 legitimate: growth, plan fulfilment, comparison.
const OVER_100_OK: &[&str] = &[
    "tăng",
    "giam",
    "so vơi",
    "kê hoach",
    "cung ki",
    "dư toan",
    "chi tiêu",
    "vươt",
    "năm trươc",
    "gâp",
    "kinh phi",
    "ngân sach",
    "giai ngân",
    "thu",
    "chi",
    "huy đông",
];

fn over_100(segs: &[Segment], items: &[Item], indicators: &[Indicator], out: &mut Vec<CheckFinding>) {
    for it in items {
        let f = &it.fig;
        let stated = match f.kind {
            FigureKind::Percent => f.value,
            FigureKind::Fraction => f.stated_percent,
            _ => None,
        };
        let Some(stated) = stated else { continue };
        let above = f.qualifier.as_deref() == Some("trên");
        if !(stated > Decimal::from(100) || (stated == Decimal::from(100) && above)) {
            continue;
        }
        let seg = &segs[it.seg];
        // The clause of the percentage: from the last ';' or sentence start before it.
        let sentence = seg.sentence_folded(it.first);
        let (s_start, _) = seg.sentence_span(it.first);
        let clause_start = seg.toks[..it.first]
            .iter()
            .rposition(|t| t.is_punct(';') && t.start >= s_start)
            .map_or(s_start, |k| seg.toks[k].end);
        let clause = fold(&seg.text[clause_start..seg.toks[it.last].end]);
        if OVER_100_OK.iter().any(|w| contains_words(&clause, w)) {
            continue;
        }
        // A clause with a count of its own ("thực hiện 12 lớp, đạt 120%") is about that
        // count; otherwise it continues the sentence's subject ("…; THCS đạt trên 100%").
        let own_count = seg.toks[..it.first]
            .iter()
            .enumerate()
            .filter(|(_, t)| t.start >= clause_start)
            .any(|(k, t)| {
                t.num().is_some_and(|n| !n.is_year_like()) && !seg.toks.get(k + 1).is_some_and(|x| x.is_punct('%'))
            });
        let sentence = if own_count { clause.clone() } else { sentence };
        let indicator = identify(&sentence).filter(|code| {
            indicators
                .iter()
                .any(|i| i.code == *code && i.measure == MeasureKind::Percent)
        });
        let share = contains_words(&sentence, "ti lê")
            || contains_words(&clause, "chiêm")
            || indicator.is_some()
            || f.kind == FigureKind::Fraction;
        if !share {
            continue;
        }
        let scale = stated.scale();
        let stated_s = if above {
            format!("trên {}", pct(stated, scale))
        } else {
            pct(stated, scale)
        };
        out.push(CheckFinding {
            kind: CheckFindingKind::Over100,
            severity: Severity::Error,
            quote: f.quote.clone(),
            stated: stated_s.clone(),
            expected: "≤ 100%".into(),
            message_vi: format!(
                "Tỷ lệ ghi {stated_s}: một tỷ lệ phần trăm của tổng thể (số đạt trên tổng số) không thể vượt quá 100%"
            ),
            message_en: format!(
                "The rate is stated as {}{}%: a share of a whole (those who did over all) cannot exceed 100%",
                if above { "above " } else { "" },
                stated.normalize()
            ),
            section: f.section.clone(),
            position: f.position.clone(),
            indicator: indicator.map(str::to_string),
        });
    }
}

fn count_items<'a>(items: &[&'a Item]) -> Vec<&'a Item> {
    items
        .iter()
        .copied()
        .filter(|it| it.fig.kind == FigureKind::Count)
        .collect()
}

/// Tokens strictly between `a` and `b` hold no number and no sentence end.
fn clear_between(seg: &Segment, a: usize, b: usize) -> bool {
    seg.toks[a + 1..b].iter().all(|t| {
        !matches!(
            t.kind,
            TokKind::Num(_) | TokKind::Code | TokKind::Punct('.') | TokKind::Punct(';')
        )
    })
}

/// Between the two sexes of a pair: no number but a percentage, no sentence end
/// (`nam 42 người (39,25%); nữ 65 người`).
fn pair_between(seg: &Segment, a: usize, b: usize) -> bool {
    let toks = &seg.toks;
    (a + 1..b).all(|k| match &toks[k].kind {
        TokKind::Num(_) => toks.get(k + 1).is_some_and(|t| t.is_punct('%')),
        TokKind::Code | TokKind::Punct('.') => false,
        _ => true,
    })
}

fn parts_finding(
    seg: &Segment,
    total: &Item,
    parts: &[&Item],
    sum: Decimal,
    what_vi: &str,
    what_en: &str,
    end_byte: usize,
) -> CheckFinding {
    let t = total.fig.value.unwrap_or_default();
    let terms_vi: Vec<String> = parts.iter().map(|p| vi(p.fig.value.unwrap_or_default())).collect();
    let terms_en: Vec<String> = parts
        .iter()
        .map(|p| p.fig.value.unwrap_or_default().normalize().to_string())
        .collect();
    let (s_start, _) = seg.sentence_span(total.first);
    let quote = quote_window(
        &seg.text,
        (s_start, end_byte.max(seg.toks[total.last].end)),
        (seg.toks[total.first].start, end_byte),
    );
    let unit = total.fig.unit.clone().map(|u| format!(" {u}")).unwrap_or_default();
    CheckFinding {
        kind: CheckFindingKind::PartsTotal,
        severity: Severity::Error,
        quote,
        stated: if total.fig.kind == FigureKind::Money {
            total.fig.text.clone()
        } else {
            format!("{}{unit}", total.fig.text.split_whitespace().next().unwrap_or(""))
        },
        expected: format!("{} ({})", vi(sum), terms_vi.join(" + ")),
        message_vi: format!(
            "Tổng ghi {}{unit} nhưng {what_vi} cộng lại được {} = {}",
            vi(t),
            terms_vi.join(" + "),
            vi(sum)
        ),
        message_en: format!(
            "The total is given as {} but {what_en} add up to {} = {}",
            t.normalize(),
            terms_en.join(" + "),
            sum.normalize()
        ),
        section: total.fig.section.clone(),
        position: total.fig.position.clone(),
        indicator: None,
    }
}

/// `107 người (Nam 42, Nữ 65)`, `tổng số 107, trong đó nam 42, nữ 65`, `42 nam, 65 nữ,
/// tổng cộng 107`: male + female = total; a single sex part no larger than the total.
fn sex_parts(segs: &[Segment], per_seg: &[Vec<&Item>], out: &mut Vec<CheckFinding>) {
    for (si, seg) in segs.iter().enumerate() {
        let counts: Vec<&Item> = count_items(&per_seg[si]);
        let mut done: std::collections::HashSet<usize> = std::collections::HashSet::new();
        for (ci, c) in counts.iter().enumerate() {
            let Some(sex) = c.fig.sex else { continue };
            if done.contains(&c.first) {
                continue;
            }
            // The other sex, right after.
            let other = counts[ci + 1..]
                .iter()
                .take_while(|o| o.first <= c.last + 9)
                .find(|o| o.fig.sex.is_some())
                .filter(|o| o.fig.sex != Some(sex) && o.first <= c.last + 9 && pair_between(seg, c.last, o.first));
            // The total: the unsexed count right before, tied by "(", ":", "trong đó", "gồm".
            let before = counts[..ci]
                .iter()
                .rev()
                .take_while(|t| t.last + 8 >= c.first)
                .find(|t| t.fig.sex.is_none())
                .filter(|t| {
                    c.first <= t.last + 8 && clear_between(seg, t.last, c.first) && {
                        let between = seg.words_between(t.last, c.first);
                        between.contains('(')
                            || between.contains(':')
                            || contains_words(&between, "trong đo")
                            || contains_words(&between, "gôm")
                            || contains_words(&between, "bao gôm")
                            || between.trim() == ","
                    }
                });
            let last = other.map_or(c.last, |o| o.last);
            // Or after: "…, tổng cộng 107", "…, tổng số 107".
            let after = counts[ci + 1..].iter().take_while(|t| t.first <= last + 8).find(|t| {
                t.fig.sex.is_none() && t.first > last && t.first <= last + 8 && pair_between(seg, last, t.first) && {
                    let between = seg.words_between(last, t.first);
                    contains_words(&between, "tông") || contains_words(&between, "công")
                }
            });
            let Some(total) = before.or(after) else { continue };
            let t = total.fig.value.unwrap_or_default();
            let (parts, sum): (Vec<&Item>, Decimal) = match other {
                Some(o) => (
                    vec![*c, *o],
                    c.fig.value.unwrap_or_default() + o.fig.value.unwrap_or_default(),
                ),
                None => (vec![*c], c.fig.value.unwrap_or_default()),
            };
            done.extend(parts.iter().map(|p| p.first));
            let wrong = if other.is_some() { sum != t } else { sum > t };
            if !wrong {
                continue;
            }
            let mut end_tok = parts.last().map_or(total.last, |p| p.last).max(total.last);
            if seg.toks.get(end_tok + 1).is_some_and(|t| t.is_punct(')')) {
                end_tok += 1;
            }
            let end = seg.toks[end_tok].end;
            let (what_vi, what_en) = if other.is_some() {
                ("số nam và số nữ", "men and women")
            } else if sex == Sex::Female {
                ("riêng số nữ đã", "women alone")
            } else {
                ("riêng số nam đã", "men alone")
            };
            let mut f = parts_finding(seg, total, &parts, sum, what_vi, what_en, end);
            if other.is_none() {
                f.expected = format!("≥ {}", vi(sum));
                f.message_vi = format!("Tổng ghi {} nhưng {what_vi} là {}, lớn hơn tổng", vi(t), vi(sum));
                f.message_en = format!(
                    "The total is given as {} but {what_en} number {}, more than the total",
                    t.normalize(),
                    sum.normalize()
                );
            }
            out.push(f);
        }
    }
}

/// Markers that announce the parts of a total.
fn list_marker(between: &str) -> Option<&'static str> {
    for m in ["bao gôm", "gôm", "cu thê", "chia ra", "trong đo"] {
        if contains_words(between, m) {
            return Some(m);
        }
    }
    if between.ends_with(':') || between.ends_with('(') {
        return Some(if between.ends_with('(') { "(" } else { ":" });
    }
    None
}

/// `13 vụ …, cụ thể: năm 2021: 03 vụ; năm 2022: 03 vụ; …`, `04 vụ (02 vụ …, 02 vụ …)`,
/// `14 thành viên, gồm 5 thành viên nữ và 8 thành viên nam`: the parts, in the same unit,
/// add up to the total. Lists after "trong đó" name subgroups that may overlap, so only
/// money parts that exceed their total are reported there; a list with unnumbered
/// parts ("và các … khác") is only checked for exceeding its total.
fn list_parts(segs: &[Segment], per_seg: &[Vec<&Item>], out: &mut Vec<CheckFinding>) {
    for (si, seg) in segs.iter().enumerate() {
        let figs: Vec<&Item> = per_seg[si]
            .iter()
            .copied()
            .filter(|it| matches!(it.fig.kind, FigureKind::Count | FigureKind::Money))
            .collect();
        let at: HashMap<usize, usize> = figs.iter().enumerate().map(|(i, f)| (f.first, i)).collect();
        for (ti, total) in figs.iter().enumerate() {
            let money = total.fig.kind == FigureKind::Money;
            if total.fig.sex.is_some() || (!money && total.unit_head.is_none()) || total.fig.qualifier.is_some() {
                continue;
            }
            // The marker, within a dozen tokens after the total, before any number.
            let toks = &seg.toks;
            let mut m_end = None;
            let mut marker = None;
            let mut k = total.last + 1;
            while k < toks.len() && k <= total.last + 13 {
                match &toks[k].kind {
                    TokKind::Num(_) | TokKind::Code => break,
                    TokKind::Punct('.') | TokKind::Punct(';') | TokKind::Punct(')') => break,
                    _ => {}
                }
                let between = seg.words_between(total.last, k + 1);
                if let Some(m) = list_marker(&between) {
                    marker = Some(m);
                    m_end = Some(k);
                    if m != "gôm" && m != "cu thê" {
                        break;
                    }
                }
                k += 1;
            }
            let (Some(marker), Some(m_end)) = (marker, m_end) else {
                continue;
            };
            if marker == "trong đo" && !money {
                continue;
            }
            // A parenthesis must open right after the total (a few words at most).
            let in_paren = marker == "(";
            // Parts: same kind and unit, at the list's own depth.
            let mut parts: Vec<&Item> = Vec::new();
            let mut depth = 0i32;
            let mut open_ended = false;
            let mut k = m_end + 1;
            let mut sentence = seg.sentence[m_end];
            let mut last_byte = seg.toks[m_end].end;
            let all_labelled = |parts: &Vec<&Item>| !parts.is_empty() && parts.iter().all(|p| p.period_label);
            // A list is short: a few hundred tokens at most.
            while k < toks.len() && k <= m_end + 400 {
                let t = &toks[k];
                if seg.sentence[k] != sentence {
                    // A list by period may run on into a sentence that opens with a period.
                    let opens_with_period = match &t.kind {
                        TokKind::Word(w) if w == "năm" => {
                            toks.get(k + 1).and_then(|x| x.num()).is_some_and(Num::is_year_like)
                        }
                        TokKind::Num(_) => toks.get(k + 1).is_some_and(|x| x.is_word("thang")),
                        _ => false,
                    };
                    if in_paren || !all_labelled(&parts) || !opens_with_period {
                        break;
                    }
                    sentence = seg.sentence[k];
                }
                match &t.kind {
                    TokKind::Punct('(') => depth += 1,
                    TokKind::Punct(')') => {
                        if depth == 0 {
                            if in_paren {
                                break;
                            }
                        } else {
                            depth -= 1;
                        }
                    }
                    TokKind::Punct('…') => open_ended = true,
                    TokKind::Word(w) if depth == 0 && matches!(w.as_str(), "khac" | "con" | "v") => open_ended = true,
                    _ => {}
                }
                if depth == 0
                    && let Some(p) = at.get(&k).filter(|&&i| i > ti).map(|&i| figs[i])
                {
                    let same = if money {
                        p.fig.kind == FigureKind::Money
                    } else {
                        p.fig.kind == FigureKind::Count && p.unit_head.is_some() && p.unit_head == total.unit_head
                    };
                    if same {
                        parts.push(p);
                        last_byte = seg.toks[p.last].end;
                    }
                    k = p.last + 1;
                    continue;
                }
                k += 1;
            }
            if parts.len() < 2 {
                continue;
            }
            let t = total.fig.value.unwrap_or_default();
            let sum: Decimal = parts.iter().map(|p| p.fig.value.unwrap_or_default()).sum();
            // "trong đó:" opening a list of amounts announces their breakdown.
            let colon = toks.get(m_end + 1).is_some_and(|t| t.is_punct(':'));
            let only_excess = open_ended || (marker == "trong đo" && !(money && colon));
            let wrong = if only_excess { sum > t } else { sum != t };
            if wrong {
                out.push(parts_finding(
                    seg,
                    total,
                    &parts,
                    sum,
                    "các phần",
                    "the parts",
                    last_byte,
                ));
            }
        }
    }
}

/// `năm 2023: 5 lớp, năm 2024: 7 lớp, tổng cộng 13 lớp`: a total written right after
/// "tổng cộng", "tổng:" or "cộng:" closes the same-unit parts before it in its sentence.
fn list_parts_before_total(segs: &[Segment], per_seg: &[Vec<&Item>], out: &mut Vec<CheckFinding>) {
    for (si, seg) in segs.iter().enumerate() {
        let figs: Vec<&Item> = per_seg[si]
            .iter()
            .copied()
            .filter(|it| matches!(it.fig.kind, FigureKind::Count | FigureKind::Money))
            .collect();
        for (ti, total) in figs.iter().enumerate() {
            let money = total.fig.kind == FigureKind::Money;
            if total.fig.sex.is_some() || (!money && total.unit_head.is_none()) || total.first < 2 {
                continue;
            }
            // Right before the total: "tổng cộng", "tổng cộng là", "tổng:", "cộng:".
            let lead = seg.words_between(total.first.saturating_sub(4), total.first);
            let lead = lead.trim_end_matches([' ', ':']).trim_end_matches(" la").trim_end();
            if !(lead.ends_with("tông công") || lead.ends_with("tông") || lead.ends_with("công")) {
                continue;
            }
            if lead.ends_with("tông")
                && !seg
                    .words_between(total.first.saturating_sub(2), total.first)
                    .contains(':')
            {
                continue;
            }
            let sentence = seg.sentence[total.first];
            let parts: Vec<&Item> = figs[..ti]
                .iter()
                .rev()
                .take_while(|p| seg.sentence[p.first] == sentence)
                .filter(|p| {
                    if money {
                        p.fig.kind == FigureKind::Money
                    } else {
                        p.fig.kind == FigureKind::Count && p.unit_head == total.unit_head && p.fig.sex.is_none()
                    }
                })
                .copied()
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if parts.len() < 2 {
                continue;
            }
            // Only a plain list: nothing but the parts' labels between them.
            let (s_start, _) = seg.sentence_span(total.first);
            let region = fold(&seg.text[s_start..seg.toks[total.first].start]);
            if region.contains("trong đo") || region.contains('(') {
                continue;
            }
            let t = total.fig.value.unwrap_or_default();
            let sum: Decimal = parts.iter().map(|p| p.fig.value.unwrap_or_default()).sum();
            if sum != t {
                let mut f = parts_finding(
                    seg,
                    total,
                    &parts,
                    sum,
                    "các phần",
                    "the parts",
                    seg.toks[total.last].end,
                );
                f.quote = quote_window(
                    &seg.text,
                    (s_start, seg.toks[total.last].end),
                    (seg.toks[parts[0].first].start, seg.toks[total.last].end),
                );
                out.push(f);
            }
        }
    }
}

/// The same words before a number, and the same unit after it, with a different value:
/// `Ban … thành phố có 14 thành viên` … `Ban … thành phố có 15 thành viên`. The whole
/// clause leading up to the number (at least four words, from the last punctuation mark)
/// must be the same, in two different paragraphs, and the sentences and their sections
/// must name the same years.
fn conflicts(segs: &[Segment], items: &[Item], out: &mut Vec<CheckFinding>) {
    let mut seen: HashMap<(String, String), (&Item, String)> = HashMap::new();
    for it in items {
        if it.fig.kind != FigureKind::Count {
            continue;
        }
        let Some(unit) = it.fig.unit.as_deref().map(fold) else {
            continue;
        };
        let seg = &segs[it.seg];
        let mut words: Vec<&str> = Vec::new();
        let mut k = it.first;
        // The whole clause before the number: from the last punctuation mark or number.
        while k > 0 && words.len() <= 25 {
            k -= 1;
            match &seg.toks[k].kind {
                TokKind::Word(w) => words.push(w),
                _ => break,
            }
        }
        if words.len() < 4 || words.len() > 25 || qualifier_before(seg, it.first).is_some() {
            continue;
        }
        words.reverse();
        let key = (
            words.join(" "),
            unit.split_whitespace().take(2).collect::<Vec<_>>().join(" "),
        );
        let lead =
            seg.text[seg.toks[k + usize::from(seg.toks[k].word().is_none())].start..seg.toks[it.last].end].to_string();
        match seen.get(&key) {
            None => {
                seen.insert(key, (it, lead));
            }
            Some((first, _)) if first.fig.value != it.fig.value => {
                // The years of the sentence and of its section's headings.
                let years = |item: &Item| -> Vec<String> {
                    let seg = &segs[item.seg];
                    let (a, b) = seg.bounds[seg.sentence[item.first]];
                    let year =
                        |t: &crate::tokens::Tok| t.num().filter(|n| n.is_year_like()).map(|n| n.value.to_string());
                    let mut ys: Vec<String> = seg.toks[a..=b].iter().filter_map(year).collect();
                    ys.extend(crate::tokens::tokenize(&item.fig.section).iter().filter_map(year));
                    ys.sort();
                    ys.dedup();
                    ys
                };
                if years(first) != years(it) || first.seg == it.seg {
                    continue;
                }
                let a = first.fig.value.unwrap_or_default();
                let b = it.fig.value.unwrap_or_default();
                out.push(CheckFinding {
                    kind: CheckFindingKind::ConflictingValues,
                    severity: Severity::Warning,
                    quote: it.fig.quote.clone(),
                    stated: it.fig.text.clone(),
                    expected: format!("{} ({} {})", first.fig.text, "như ở dòng/đoạn", first.fig.position.line),
                    message_vi: format!(
                        "Cùng một số liệu (\"{lead}\") được ghi {} ở dòng/đoạn {} và {} ở đây",
                        vi(a),
                        first.fig.position.line,
                        vi(b)
                    ),
                    message_en: format!(
                        "The same quantity (\"{lead}\") is given as {} at line/paragraph {} and as {} here",
                        a.normalize(),
                        first.fig.position.line,
                        b.normalize()
                    ),
                    section: it.fig.section.clone(),
                    position: it.fig.position.clone(),
                    indicator: None,
                });
            }
            _ => {}
        }
    }
}
