//! Results said to be met while the document's own figures miss the national target: a
//! claim about one indicator ([`claimed_met`]), a general claim about the targets
//! ([`general_claim`]), and the year a document reports on, which picks the milestone.

use super::{CheckFinding, CheckFindingKind, Severity};
use crate::document::SourceDocument;
use crate::figures::{Item, Position, Segment, quote_window};
use crate::indicators::{contains_words, identify};
use crate::normalize::fold;
use binhdang_domain::vn::format_number;
use binhdang_domain::{Indicator, MeasureKind, Target};
use rust_decimal::Decimal;

/// The year the document reports on: the year of its date line (`…, ngày 05 tháng 12
/// năm 2024`) among its first paragraphs, else (a draft without one) the first "năm 2024" of
/// its opening paragraphs (the title), else 2025.
pub fn document_year(segs: &[Segment]) -> i32 {
    let dated = segs.iter().take(30).find_map(|seg| {
        let f = fold(&seg.text);
        (f.contains("ngay") && f.contains("thang") && f.contains("năm"))
            .then(|| year_after_nam(seg))
            .flatten()
    });
    dated
        .or_else(|| segs.iter().take(5).find_map(year_after_nam))
        .unwrap_or(2025)
}

/// The first year written after "năm" in a paragraph.
fn year_after_nam(seg: &Segment) -> Option<i32> {
    seg.toks.iter().enumerate().find_map(|(k, t)| {
        let n = t.num()?;
        (n.is_year_like() && k > 0 && seg.toks[k - 1].is_word("năm"))
            .then(|| n.value.try_into().ok())
            .flatten()
    })
}

const CLAIMS: &[&str] = &[
    "đat chi tiêu",
    "đat muc tiêu",
    "đat kê hoach",
    "đat yêu câu",
    "đat va vươt",
    "vươt chi tiêu",
    "hoan thanh chi tiêu",
    "hoan thanh muc tiêu",
    "hoan thanh kê hoach",
    "cơ ban đat",
    "cơ ban hoan thanh",
    "hoan thanh vươt",
];

fn is_claim(text_folded: &str) -> bool {
    CLAIMS.iter().any(|c| {
        let mut from = 0;
        while let Some(p) = text_folded[from..].find(c) {
            let start = from + p;
            let before: String = text_folded[..start]
                .chars()
                .rev()
                .take(8)
                .collect::<String>()
                .chars()
                .rev()
                .collect();
            if !(before.trim_end().ends_with("không") || before.trim_end().ends_with("chưa")) {
                return contains_words(&text_folded[start..], c);
            }
            from = start + c.len();
        }
        false
    })
}

fn is_target_statement(text_folded: &str) -> bool {
    let t = text_folded.trim_start_matches(['-', '+', ' ', '•']);
    t.starts_with("chi tiêu")
        || t.starts_with("muc tiêu")
        || [
            "phân đâu",
            "đên năm 2025",
            "đên năm 2030",
            "vao năm 2025",
            "vao năm 2030",
            "tư năm 2025 trơ đi",
        ]
        .iter()
        .any(|w| text_folded.contains(w))
}

/// The result the document gives for an indicator, among `items` of one segment region.
/// The figures of sentence `s` of a segment.
fn in_sentence<'a>(seg: &Segment, items: &[&'a Item], s: usize) -> Vec<&'a Item> {
    items.iter().copied().filter(|it| seg.sentence[it.first] == s).collect()
}

/// The national target a document of `year` is held to: the 2025 milestone until then, the
/// 2030 one after, else the indicator's first.
fn national_target_for(ind: &Indicator, year: i32) -> Option<(i32, Target)> {
    let milestone = if year <= 2025 { 2025 } else { 2030 };
    ind.national_target(milestone)
        .or_else(|| ind.national_targets.first().map(|t| t.target))
        .map(|t| (milestone, t))
}

fn result_value(ind: &Indicator, cands: &[&Item]) -> Option<(Decimal, String)> {
    let want: Vec<(Decimal, String)> = cands
        .iter()
        .filter(|it| it.fig.qualifier.is_none())
        .filter_map(|it| {
            let f = &it.fig;
            let v = f.value_in_measure(ind)?;
            Some((v, f.text.clone()))
        })
        .collect();
    if want.len() == 1 { want.into_iter().next() } else { None }
}

fn target_text(t: &Target) -> String {
    let op = t.op.symbol();
    format!("{op} {}", format_number(t.value, None))
}

fn unit_of(ind: &Indicator) -> &'static str {
    match ind.measure {
        MeasureKind::Percent => "%",
        MeasureKind::Ratio => " lần",
        MeasureKind::Per100 => "/100",
        MeasureKind::Per1000 => "/1.000",
        MeasureKind::Per100000 => "/100.000",
        _ => "",
    }
}

/// Where a finding is: the quoted words, the section and the position.
pub struct Place {
    pub quote: String,
    pub section: String,
    pub position: Position,
}

/// Builds a claimed-met finding when the result misses the national target.
pub fn claim_finding(
    ind: &Indicator,
    year: i32,
    value: Decimal,
    value_text: &str,
    claim_text: &str,
    place: Place,
) -> Option<CheckFinding> {
    let (milestone, target) = national_target_for(ind, year)?;
    if target.is_met_by(value) {
        return None;
    }
    let unit = unit_of(ind);
    let target_s = format!("{}{unit}", target_text(&target));
    Some(CheckFinding {
        kind: CheckFindingKind::ClaimedMet,
        severity: Severity::Warning,
        quote: place.quote,
        stated: format!("{claim_text}: {value_text}"),
        expected: format!("{target_s} (chỉ tiêu quốc gia {milestone}, chỉ tiêu {})", ind.code),
        message_vi: format!(
            "Ghi \"{claim_text}\" nhưng kết quả {value_text} chưa đạt chỉ tiêu quốc gia năm {milestone} của chỉ tiêu {} ({}): {target_s}",
            ind.code, ind.name_vi
        ),
        message_en: format!(
            "Described as met (\"{claim_text}\") but the result {} misses the {milestone} national target of indicator {} ({}): {}{unit}",
            value.normalize(),
            ind.code,
            ind.name_en,
            target_text(&target)
        ),
        section: place.section,
        position: place.position,
        indicator: Some(ind.code.to_string()),
    })
}

fn claim_words(folded: &str) -> &'static str {
    for c in CLAIMS {
        if folded.contains(c) {
            return match *c {
                "đat chi tiêu" => "đạt chỉ tiêu",
                "đat muc tiêu" => "đạt mục tiêu",
                "đat kê hoach" => "đạt kế hoạch",
                "đat yêu câu" => "đạt yêu cầu",
                "đat va vươt" => "đạt và vượt",
                "vươt chi tiêu" => "vượt chỉ tiêu",
                "hoan thanh chi tiêu" => "hoàn thành chỉ tiêu",
                "hoan thanh muc tiêu" => "hoàn thành mục tiêu",
                "hoan thanh kê hoach" => "hoàn thành kế hoạch",
                "cơ ban đat" => "cơ bản đạt",
                "hoan thanh vươt" => "hoàn thành vượt",
                _ => "cơ bản hoàn thành",
            };
        }
    }
    "đạt"
}

/// A sentence that says its result is met, about one indicator, with one result figure
/// that misses the national target.
pub(super) fn claimed_met(
    doc: &SourceDocument,
    segs: &[Segment],
    per_seg: &[Vec<&Item>],
    indicators: &[Indicator],
    out: &mut Vec<CheckFinding>,
) {
    let year = document_year(segs);
    for (si, seg) in segs.iter().enumerate() {
        for (s, &(k, _)) in seg.bounds.iter().enumerate() {
            let folded = seg.sentence_folded(k);
            if !is_claim(&folded) || is_target_statement(&folded) {
                continue;
            }
            // In a table, the indicator may be named in another cell of the row.
            let code = identify(&folded).or_else(|| {
                seg.cell
                    .and_then(|_| doc.blocks.get(seg.block))
                    .and_then(|b| identify(&b.text()))
            });
            let Some(code) = code else { continue };
            let Some(ind) = indicators.iter().find(|i| i.code == code) else {
                continue;
            };
            let cands = in_sentence(seg, &per_seg[si], s);
            let Some((value, value_text)) = result_value(ind, &cands) else {
                continue;
            };
            let first = cands.first().map_or(k, |c| c.first);
            let (ss, se) = seg.sentence_span(first);
            let quote = quote_window(&seg.text, (ss, se), (ss, se.min(ss + 300)));
            let section = cands.first().map(|c| c.fig.section.clone()).unwrap_or_default();
            if let Some(f) = claim_finding(
                ind,
                year,
                value,
                &value_text,
                claim_words(&folded),
                Place {
                    quote,
                    section,
                    position: seg.position(ss),
                },
            ) {
                out.push(f);
            }
        }
    }
}

/// Whether a sentence says that the targets in general were met: "các chỉ tiêu cơ bản đều
/// đạt", "hoàn thành các chỉ tiêu", "các mục tiêu đều đạt và vượt" — plural, naming no one
/// indicator, not negated and not itself a target.
fn is_general_claim(folded: &str) -> bool {
    let plural = ["cac chi tiêu", "cac muc tiêu", "nhiêu chi tiêu", "moi chi tiêu"]
        .iter()
        .any(|w| contains_words(folded, w));
    let met = ["đêu đat", "cơ ban đat", "hoan thanh", "đat va vươt", "đêu vươt"]
        .iter()
        .any(|w| contains_words(folded, w));
    let negated = ["chưa", "không", "con", "chi tiêu nao"]
        .iter()
        .any(|w| contains_words(folded, w));
    plural && met && !negated && !is_target_statement(folded) && identify(folded).is_none()
}

/// A general claim that the targets were met ([`is_general_claim`]) while figures elsewhere
/// in the same document miss the national target of their indicator: one warning at the
/// claim, naming each such figure (a sentence about one indicator with one result figure,
/// as [`claimed_met`] reads them; ratios such as "118 bé trai/100 bé gái" and shares of
/// women among a group included).
pub(super) fn general_claim(
    doc: &SourceDocument,
    segs: &[Segment],
    per_seg: &[Vec<&Item>],
    indicators: &[Indicator],
    out: &mut Vec<CheckFinding>,
) {
    let year = document_year(segs);
    let milestone = if year <= 2025 { 2025 } else { 2030 };
    let mut claims = Vec::new();
    let mut misses: Vec<(String, String, String)> = Vec::new();
    for (si, seg) in segs.iter().enumerate() {
        for (s, &(k, _)) in seg.bounds.iter().enumerate() {
            let folded = seg.sentence_folded(k);
            if is_general_claim(&folded) {
                claims.push((si, k));
                continue;
            }
            if is_target_statement(&folded) {
                continue;
            }
            let Some(ind) = identify(&folded).and_then(|code| indicators.iter().find(|i| i.code == code)) else {
                continue;
            };
            let cands = in_sentence(seg, &per_seg[si], s);
            let Some((value, value_text)) = result_value(ind, &cands) else {
                continue;
            };
            let Some((_, target)) = national_target_for(ind, year) else {
                continue;
            };
            if !target.is_met_by(value) && !misses.iter().any(|(code, ..)| *code == ind.code) {
                let target_s = format!("{}{}", target_text(&target), unit_of(ind));
                misses.push((ind.code.to_string(), format!("{} {value_text}", ind.name_vi), target_s));
            }
        }
    }
    if misses.is_empty() {
        return;
    }
    let listed = |misses: &[(String, String, String)]| {
        misses
            .iter()
            .map(|(code, what, target)| format!("{what} (chỉ tiêu {code}: {target})"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    for (si, k) in claims {
        let seg = &segs[si];
        let (ss, se) = seg.sentence_span(k);
        let quote = quote_window(&seg.text, (ss, se), (ss, se.min(ss + 300)));
        let section = doc.sections.get(seg.section).map(|s| s.label()).unwrap_or_default();
        out.push(CheckFinding {
            kind: CheckFindingKind::ClaimedMet,
            severity: Severity::Warning,
            quote: quote.clone(),
            stated: quote.chars().take(80).collect(),
            expected: format!("{} chỉ tiêu chưa đạt chỉ tiêu quốc gia {milestone}", misses.len()),
            message_vi: format!(
                "Báo cáo ghi các chỉ tiêu đều đạt, nhưng chính báo cáo cho thấy {} chỉ tiêu chưa đạt chỉ tiêu quốc gia năm {milestone}: {}",
                misses.len(),
                listed(&misses)
            ),
            message_en: format!(
                "The report says the targets were met, but its own figures miss the {milestone} national target of {} indicator(s): {}",
                misses.len(),
                misses.iter().map(|(code, ..)| code.as_str()).collect::<Vec<_>>().join(", ")
            ),
            section,
            position: seg.position(ss),
            indicator: None,
        });
    }
}
