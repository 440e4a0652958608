//! Proposing, for the figures of a legacy report, the data values of the catalogue they
//! state, for a person to confirm: the indicator (from the words around the figure, folded
//! so that diacritics do not matter), the data elements the figure implies (`7/11` → the
//! numerator 7 and denominator 11; a percentage alone → the stated rate; counts of one sex
//! → that breakdown where the element has one), a confidence and the reason in words.
//!
//! Nothing here decides: a proposal is a suggestion with its quote. A figure is proposed
//! only where its kind fits the indicator's measure (a percentage never becomes a ratio per
//! 100.000), targets ("Chỉ tiêu: … đạt 60% vào năm 2025") are never taken for results, and
//! a figure the checks found inconsistent carries that finding.

use crate::document::{BlockKind, SourceDocument};
use crate::figures::{FigureKind, Item, Position, Segment, Sex, StatedFigure, extract, segments};
use crate::indicators::{contains_words, matches};
use crate::normalize::fold;
use crate::{CheckFinding, CheckFindingKind, analyse};
use binhdang_domain::{CategoryCombo, DataElement, Disaggregation, ElementRole, Indicator, MeasureKind};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// How sure a proposal is. Only `High` ones are taken by `--accept-confident`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    High,
}

impl Confidence {
    pub fn as_str(&self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::High => "high",
        }
    }

    pub fn label_vi(&self) -> &'static str {
        match self {
            Confidence::Low => "thấp",
            Confidence::High => "cao",
        }
    }
}

/// One data value a figure implies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposedValue {
    /// `5.4a.num`
    pub element: String,
    pub disaggregation: Disaggregation,
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
}

/// An inconsistency the checks found in the figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    pub kind: CheckFindingKind,
    pub message_vi: String,
    pub message_en: String,
}

/// What one figure of the document would put into the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub indicator: String,
    pub values: Vec<ProposedValue>,
    pub confidence: Confidence,
    /// Why this indicator and this confidence, in words.
    pub reason_vi: String,
    pub reason_en: String,
    /// The figure as written.
    pub figure: String,
    pub quote: String,
    pub position: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
}

/// Words in a sentence that make it a target, not a result.
const TARGET_WORDS: &[&str] = &[
    "phân đâu",
    "vao năm 2025",
    "vao năm 2030",
    "đên năm 2025",
    "đên năm 2030",
    "tư năm 2025 trơ đi",
];

/// Words before a figure that make it a bound rather than the value.
const BOUND_WORDS: &[&str] = &["không vươt qua", "không qua", "tôi đa", "it nhât", "không dươi"];

/// The proposals for a structured document, in document order.
pub fn proposals(doc: &SourceDocument, indicators: &[Indicator], elements: &[DataElement]) -> Vec<Proposal> {
    let segs = segments(doc);
    let items = extract(doc, &segs);
    let findings = analyse("", doc, indicators).findings;
    let mut out = Vec::new();
    for item in &items {
        let seg = &segs[item.seg];
        let Some(mut p) = propose(doc, seg, item, &items, indicators, elements) else {
            continue;
        };
        p.flag = flag_of(&item.fig, &findings);
        if p.flag.is_some() {
            p.confidence = Confidence::Low;
        }
        out.push(p);
    }
    settle_repeats(&mut out);
    out
}

/// Reads a document given as bytes and proposes its values.
pub fn proposals_bytes(
    bytes: &[u8],
    indicators: &[Indicator],
    elements: &[DataElement],
) -> Result<Vec<Proposal>, crate::ReadError> {
    Ok(read_for_import(bytes, indicators, elements)?.proposals)
}

/// What importing a document proposes: values from its figures, register rows from its
/// annex tables ([`crate::annex`]), and the targets it states ([`targets`]).
#[derive(Debug, Clone)]
pub struct ImportReading {
    pub proposals: Vec<Proposal>,
    pub rows: Vec<crate::annex::AnnexRow>,
    pub targets: Vec<TargetProposal>,
}

/// Reads a document given as bytes once, for an import.
pub fn read_for_import(
    bytes: &[u8],
    indicators: &[Indicator],
    elements: &[DataElement],
) -> Result<ImportReading, crate::ReadError> {
    let doc = crate::structure(&crate::read_bytes(bytes)?);
    Ok(ImportReading {
        proposals: proposals(&doc, indicators, elements),
        rows: crate::annex::annex_rows(&doc),
        targets: targets(&doc, indicators),
    })
}

/// Byte range of the clause (between `;` within the sentence) holding tokens `[first, last]`.
fn clause_span(seg: &Segment, first: usize, last: usize) -> (usize, usize) {
    let (s, e) = seg.sentence_span(first);
    let start = seg.toks[..first]
        .iter()
        .rposition(|t| t.is_punct(';') && t.start >= s)
        .map_or(s, |k| seg.toks[k].end);
    let end = seg.toks[last + 1..]
        .iter()
        .position(|t| t.is_punct(';') && t.end <= e)
        .map_or(e, |k| seg.toks[last + 1 + k].start);
    (start, end.max(start))
}

/// The texts an indicator is looked for in, narrowest first: the clause, the sentence, and
/// for a table cell the whole row (the indicator is often named in another column).
fn contexts(doc: &SourceDocument, seg: &Segment, item: &Item) -> Vec<(String, &'static str, &'static str)> {
    let (cs, ce) = clause_span(seg, item.first, item.last);
    let (ss, se) = seg.sentence_span(item.first);
    let mut out = vec![
        (
            seg.text[cs..ce].to_string(),
            "mệnh đề chứa số liệu",
            "the clause of the figure",
        ),
        (
            seg.text[ss..se].to_string(),
            "câu chứa số liệu",
            "the sentence of the figure",
        ),
    ];
    if seg.cell.is_some()
        && let Some(block) = doc.blocks.get(seg.block)
        && let BlockKind::Row { cells } = &block.kind
    {
        out.push((
            cells.join(" | "),
            "dòng bảng chứa số liệu",
            "the table row of the figure",
        ));
    }
    out
}

fn propose(
    doc: &SourceDocument,
    seg: &Segment,
    item: &Item,
    items: &[Item],
    indicators: &[Indicator],
    elements: &[DataElement],
) -> Option<Proposal> {
    let fig = &item.fig;
    if !matches!(
        fig.kind,
        FigureKind::Fraction
            | FigureKind::Percent
            | FigureKind::Count
            | FigureKind::SexRatio
            | FigureKind::Rate
            | FigureKind::Times
    ) {
        return None;
    }
    let sentence = fold(&seg.text[seg.sentence_span(item.first).0..seg.sentence_span(item.first).1]);
    let lead = sentence.trim_start_matches(|c: char| !c.is_alphanumeric());
    if lead.starts_with("chi tiêu") || TARGET_WORDS.iter().any(|w| contains_words(&sentence, w)) {
        return None;
    }
    // The narrowest context naming an indicator of the catalogue decides.
    let (codes, where_vi, where_en) = contexts(doc, seg, item).into_iter().find_map(|(text, vi, en)| {
        let codes: Vec<&str> = matches(&text)
            .into_iter()
            .filter(|c| indicators.iter().any(|i| i.code == *c))
            .collect();
        (!codes.is_empty()).then_some((codes, vi, en))
    })?;
    let code = codes[0];
    let indicator = indicators.iter().find(|i| i.code == code)?;
    let mut doubts = Doubts::default();
    let (values, kind_vi, kind_en) = implied_values(fig, indicator, code, elements, &mut doubts)?;
    context_doubts(seg, item, items, &codes, &mut doubts);
    let confidence = if doubts.vi.is_empty() {
        Confidence::High
    } else {
        Confidence::Low
    };
    let mut reason_vi = format!("Chỉ tiêu {code} nhận ra từ {where_vi}; {kind_vi}");
    let mut reason_en = format!("Indicator {code} recognised in {where_en}; {kind_en}");
    if !doubts.vi.is_empty() {
        reason_vi = format!("{reason_vi}; nhưng {}", doubts.vi.join("; "));
        reason_en = format!("{reason_en}; but {}", doubts.en.join("; "));
    }
    Some(Proposal {
        indicator: code.to_string(),
        values,
        confidence,
        reason_vi,
        reason_en,
        figure: fig.text.clone(),
        quote: fig.quote.clone(),
        position: fig.position.clone(),
        flag: None,
    })
}

/// What makes a proposal uncertain, in both languages.
#[derive(Default)]
struct Doubts {
    vi: Vec<String>,
    en: Vec<String>,
}

/// The data values a figure implies for the indicator `code`, and what kind of figure it
/// was taken as; `None` when its kind does not fit the indicator's measure.
fn implied_values(
    fig: &StatedFigure,
    indicator: &Indicator,
    code: &str,
    elements: &[DataElement],
    doubts: &mut Doubts,
) -> Option<(Vec<ProposedValue>, &'static str, &'static str)> {
    let element = |role: ElementRole| {
        elements
            .iter()
            .find(|e| e.indicator.as_deref() == Some(code) && e.role == role)
    };
    let breakdown = |e: &DataElement| match (fig.sex, e.category_combo) {
        (Some(Sex::Male), CategoryCombo::Sex) => Disaggregation::Male,
        (Some(Sex::Female), CategoryCombo::Sex) => Disaggregation::Female,
        _ => Disaggregation::Total,
    };
    let value_of = |e: &DataElement, v: Decimal| ProposedValue {
        element: e.code.to_string(),
        disaggregation: breakdown(e),
        value: v.normalize(),
    };
    let stated_rate = |v: Decimal| element(ElementRole::Rate).map(|e| value_of(e, v));
    let implied = match (fig.kind, indicator.measure) {
        (FigureKind::Fraction, m) if m.is_quotient() => {
            let (n, d) = (fig.numerator?, fig.denominator?);
            if n > d && m == MeasureKind::Percent {
                return None;
            }
            let mut v = vec![
                value_of(element(ElementRole::Numerator)?, n),
                value_of(element(ElementRole::Denominator)?, d),
            ];
            if let Some(p) = fig.stated_percent.filter(|_| m == MeasureKind::Percent) {
                v.extend(stated_rate(p));
            }
            (v, "phân số: tử số và mẫu số", "a fraction: numerator and denominator")
        }
        (FigureKind::Percent, MeasureKind::Percent) => (
            vec![stated_rate(fig.value?)?],
            "tỷ lệ phần trăm: giá trị báo cáo",
            "a percentage: the stated value",
        ),
        (FigureKind::Times, MeasureKind::Ratio) => (
            vec![stated_rate(fig.value?)?],
            "số lần: giá trị báo cáo",
            "times: the stated value",
        ),
        (FigureKind::SexRatio, MeasureKind::Per100) => (
            vec![stated_rate(fig.value?)?],
            "tỷ số trên 100: giá trị báo cáo",
            "a ratio per 100: the stated value",
        ),
        (FigureKind::Rate, MeasureKind::Per1000 | MeasureKind::Per100000)
            if fig.per.is_some() && fig.per == indicator.measure.implied_factor() =>
        {
            (
                vec![stated_rate(fig.value?)?],
                "tỷ suất: giá trị báo cáo",
                "a rate: the stated value",
            )
        }
        (FigureKind::Count, MeasureKind::Count | MeasureKind::Hours) => (
            vec![value_of(element(ElementRole::Value)?, fig.value?)],
            "số lượng: giá trị của chỉ tiêu",
            "a count: the indicator's value",
        ),
        // A count of one sex for an indicator whose numerator is kept by sex: most often the
        // numerator, but a person must say so.
        (FigureKind::Count, m) if m.is_quotient() && fig.sex.is_some() => {
            let num = element(ElementRole::Numerator).filter(|e| e.category_combo == CategoryCombo::Sex)?;
            doubts
                .vi
                .push("số đếm theo giới tính, có thể là tử số hoặc mẫu số".into());
            doubts
                .en
                .push("a count by sex may be the numerator or the denominator".into());
            (
                vec![value_of(num, fig.value?)],
                "số đếm theo giới tính: tử số",
                "a count by sex: the numerator",
            )
        }
        _ => return None,
    };
    Some(implied)
}

/// Doubts from the figure's surroundings: other indicators matched, a qualifier, a bound,
/// a year or period written before it.
fn context_doubts(seg: &Segment, item: &Item, items: &[Item], codes: &[&str], doubts: &mut Doubts) {
    let fig = &item.fig;
    if codes.len() > 1 {
        doubts.vi.push(format!("cũng khớp chỉ tiêu {}", codes[1..].join(", ")));
        doubts
            .en
            .push(format!("also matches indicator {}", codes[1..].join(", ")));
    }
    if let Some(q) = &fig.qualifier {
        doubts.vi.push(format!("số liệu ghi kèm \"{q}\""));
        doubts.en.push(format!("the figure is qualified by \"{q}\""));
    }
    let (cs, _) = clause_span(seg, item.first, item.last);
    let before = fold(&seg.text[cs..seg.toks[item.first].start]);
    if BOUND_WORDS.iter().any(|w| contains_words(&before, w)) {
        doubts.vi.push("số liệu là một giới hạn, không phải kết quả".into());
        doubts.en.push("the figure is a bound, not a result".into());
    }
    // The nearest year or period written before the figure in its clause.
    if let Some(year) = items
        .iter()
        .filter(|o| {
            o.seg == item.seg
                && matches!(o.fig.kind, FigureKind::Year | FigureKind::Period)
                && o.last < item.first
                && seg.toks[o.first].start >= cs
        })
        .max_by_key(|o| o.first)
    {
        doubts.vi.push(format!("số liệu ghi cho {}", year.fig.text));
        doubts.en.push(format!("the figure is given for {}", year.fig.text));
    }
}

/// The finding the checks made on this figure: at its place, or on its sentence quoting it.
fn flag_of(fig: &StatedFigure, findings: &[CheckFinding]) -> Option<Flag> {
    let same_cell = |f: &&CheckFinding| f.position.line == fig.position.line && f.position.cell == fig.position.cell;
    let on_figure = findings
        .iter()
        .filter(same_cell)
        .find(|f| f.position.column == fig.position.column)
        .or_else(|| {
            findings
                .iter()
                .filter(same_cell)
                .find(|f| matches!(f.kind, CheckFindingKind::PartsTotal) && f.quote.contains(&fig.text))
        })?;
    Some(Flag {
        kind: on_figure.kind,
        message_vi: on_figure.message_vi.clone(),
        message_en: on_figure.message_en.clone(),
    })
}

/// The same value proposed twice (a report states it in its text and again in its table)
/// is kept once, in the surest proposal; two different values for one element make every
/// proposal holding them uncertain, for a person to choose.
fn settle_repeats(out: &mut Vec<Proposal>) {
    let mut by_key: BTreeMap<(String, Disaggregation), Vec<(usize, Decimal)>> = BTreeMap::new();
    for (i, p) in out.iter().enumerate() {
        for v in &p.values {
            by_key
                .entry((v.element.clone(), v.disaggregation))
                .or_default()
                .push((i, v.value));
        }
    }
    let mut remove: Vec<(usize, String, Disaggregation)> = Vec::new();
    // (proposal, element, the other values with their lines)
    type Conflict = (usize, String, Vec<(Decimal, usize)>);
    let mut conflicts: Vec<Conflict> = Vec::new();
    for ((element, d), seen) in &by_key {
        if seen.len() < 2 {
            continue;
        }
        if seen.iter().all(|(_, v)| *v == seen[0].1) {
            // Keep the first of the surest.
            let keep = seen
                .iter()
                .map(|(i, _)| *i)
                .max_by_key(|i| (out[*i].confidence, std::cmp::Reverse(*i)))
                .unwrap_or(seen[0].0);
            for (i, _) in seen.iter().filter(|(i, _)| *i != keep) {
                remove.push((*i, element.clone(), *d));
            }
        } else {
            for (i, _) in seen {
                let others: Vec<(Decimal, usize)> = seen
                    .iter()
                    .filter(|(j, _)| j != i)
                    .map(|(j, v)| (*v, out[*j].position.line))
                    .collect();
                conflicts.push((*i, element.clone(), others));
            }
        }
    }
    for (i, element, d) in remove {
        out[i]
            .values
            .retain(|v| !(v.element == element && v.disaggregation == d));
    }
    for (i, element, others) in conflicts {
        let listed = |line_word: &str| {
            others
                .iter()
                .map(|(v, line)| format!("{} ({line_word} {line})", binhdang_domain::vn::format_number(*v, None)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let p = &mut out[i];
        p.confidence = Confidence::Low;
        p.reason_vi
            .push_str(&format!("; {element} còn được ghi khác: {}", listed("dòng")));
        p.reason_en
            .push_str(&format!("; {element} is also given otherwise: {}", listed("line")));
    }
    out.retain(|p| !p.values.is_empty());
}

/// A target a plan states for an indicator — "phấn đấu đến năm 2025, tỷ lệ … đạt 60%" — to be
/// proposed as the unit's own target for the phase ending that year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetProposal {
    pub indicator: String,
    /// 2025 or 2030: the end of the phase the target is for.
    pub year: i32,
    pub op: binhdang_domain::TargetOp,
    pub value: Decimal,
    pub figure: String,
    pub quote: String,
    pub position: Position,
}

/// The targets a document states, one per indicator and year, in document order: a figure in
/// a sentence that is a target (see [`TARGET_WORDS`]), naming 2025 or 2030, of the kind the
/// indicator's measure takes, for the indicator its narrowest context names. `trên`, `ít
/// nhất` make it a floor, `dưới`, `không quá` a ceiling, `khoảng` an approximate value; else
/// the indicator's direction decides.
pub fn targets(doc: &SourceDocument, indicators: &[Indicator]) -> Vec<TargetProposal> {
    use binhdang_domain::TargetOp;
    use binhdang_domain::catalogue::Direction;
    let segs = segments(doc);
    let items = extract(doc, &segs);
    let mut out: Vec<TargetProposal> = Vec::new();
    for item in &items {
        let (seg, fig) = (&segs[item.seg], &item.fig);
        let (ss, se) = seg.sentence_span(item.first);
        let sentence = fold(&seg.text[ss..se]);
        let lead = sentence.trim_start_matches(|c: char| !c.is_alphanumeric());
        if !(lead.starts_with("chi tiêu") || TARGET_WORDS.iter().any(|w| contains_words(&sentence, w))) {
            continue;
        }
        let (cs, ce) = clause_span(seg, item.first, item.last);
        let clause = &seg.text[cs..ce];
        let year = [2030, 2025]
            .into_iter()
            .find(|y| clause.contains(&y.to_string()))
            .or_else(|| [2030, 2025].into_iter().find(|y| sentence.contains(&y.to_string())));
        let Some(year) = year else {
            continue;
        };
        let Some(indicator) = contexts(doc, seg, item).into_iter().find_map(|(text, _, _)| {
            matches(&text)
                .into_iter()
                .find_map(|c| indicators.iter().find(|i| i.code == c))
        }) else {
            continue;
        };
        let Some(value) = fig.value_in_measure(indicator) else {
            continue;
        };
        if out.iter().any(|t| t.indicator == indicator.code && t.year == year) {
            continue;
        }
        let qualifier = fig.qualifier.as_deref().map(fold).unwrap_or_default();
        let op = match qualifier.as_str() {
            q if q.contains("khoang") || q.contains("khoảng") => TargetOp::About,
            q if ["dươi", "không qua", "không vươt qua", "tôi đa"]
                .iter()
                .any(|w| q.contains(w)) =>
            {
                TargetOp::AtMost
            }
            q if ["trên", "it nhât", "tôi thiêu"].iter().any(|w| q.contains(w)) => TargetOp::AtLeast,
            _ if indicator.direction == Direction::Lower => TargetOp::AtMost,
            _ => TargetOp::AtLeast,
        };
        out.push(TargetProposal {
            indicator: indicator.code.to_string(),
            year,
            op,
            value,
            figure: fig.text.clone(),
            quote: fig.quote.clone(),
            position: fig.position.clone(),
        });
    }
    out
}
