//! The annex rows of an import on its page (`/nhap-bao-cao-cu/{id}`): each proposed register
//! row beside its quote, its fields in boxes to correct, and a decision — confirm, correct (the
//! boxes as changed), drop — read back from the same form as the figures' proposals.

use crate::lang::Lang;
use binhdang_domain::register::RegisterKind;
use binhdang_domain::vn;
use binhdang_store::{Decision, ImportRow, RowDecisionInput};
use std::collections::{BTreeMap, HashMap};

/// The fields a proposed row of a register shows, in order, with their names.
fn fields_of(kind: RegisterKind) -> &'static [(&'static str, &'static str, &'static str)] {
    match kind {
        RegisterKind::Documents => &[
            ("summary", "Trích yếu", "Summary"),
            ("issuing_body", "Cơ quan ban hành", "Issued by"),
            ("document_type", "Loại văn bản", "Type"),
            ("number", "Số, ký hiệu", "Number"),
            ("date", "Ngày ban hành", "Date"),
        ],
        RegisterKind::Activities => &[
            ("activity_type", "Loại hoạt động", "Activity type"),
            ("content", "Nội dung", "Content"),
            ("count", "Số lượng", "How many"),
            ("participants_male", "Nam tham gia", "Men taking part"),
            ("participants_female", "Nữ tham gia", "Women taking part"),
            ("participants_total", "Tổng số người", "People in all"),
            ("date", "Ngày", "Date"),
        ],
        RegisterKind::Budgets => &[
            ("source", "Nguồn kinh phí", "Source"),
            ("content", "Nội dung", "Content"),
            ("allocated", "Dự toán (đồng)", "Allocated (đồng)"),
            ("spent", "Thực hiện (đồng)", "Spent (đồng)"),
        ],
        _ => &[],
    }
}

/// What the register is called above its rows.
pub fn register_name(kind: RegisterKind, lang: Lang) -> &'static str {
    match kind {
        RegisterKind::Documents => lang.pick("Sổ văn bản chỉ đạo", "Documents register"),
        RegisterKind::Activities => lang.pick("Sổ hoạt động", "Activities register"),
        RegisterKind::Budgets => lang.pick("Sổ kinh phí", "Budgets register"),
        _ => kind.slug(),
    }
}

pub struct AnnexField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

pub struct AnnexRowView {
    pub id: i64,
    /// The register the row is proposed for.
    pub register: &'static str,
    pub line: i64,
    pub quote: String,
    pub order: String,
    pub fields: Vec<AnnexField>,
    pub decision: &'static str,
    pub problem: String,
}

/// A date as the box shows it (dd/mm/yyyy) from the field's YYYY-MM-DD.
fn shown_date(iso: &str) -> String {
    binhdang_domain::register::parse_iso_date(iso)
        .map(vn::format_date)
        .unwrap_or_else(|| iso.to_string())
}

pub fn views(rows: &[ImportRow], problems: &HashMap<i64, String>, lang: Lang) -> Vec<AnnexRowView> {
    rows.iter()
        .map(|r| {
            let fields = r.effective();
            AnnexRowView {
                id: r.id,
                register: register_name(r.proposed.register, lang),
                line: r.proposed.line,
                quote: r.proposed.quote.clone(),
                order: fields.get("order").cloned().unwrap_or_default(),
                fields: fields_of(r.proposed.register)
                    .iter()
                    .map(|(name, vi, en)| {
                        let value = fields.get(*name).cloned().unwrap_or_default();
                        AnnexField {
                            name,
                            label: lang.pick(vi, en),
                            value: if *name == "date" { shown_date(&value) } else { value },
                        }
                    })
                    .collect(),
                decision: r.decision.as_str(),
                problem: problems.get(&r.id).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// The decisions the form carries for the rows (`rd-ID`, and `rf-ID-FIELD` for a correction's
/// boxes); a box left as proposed changes nothing. A date that does not read is the row's
/// problem, in the page's language.
pub fn decisions(
    rows: &[ImportRow],
    get: impl Fn(String) -> Option<String>,
    lang: Lang,
) -> (Vec<RowDecisionInput>, HashMap<i64, String>) {
    let mut out = Vec::new();
    let mut problems = HashMap::new();
    for r in rows {
        let Some(decision) = get(format!("rd-{}", r.id)).as_deref().and_then(Decision::parse) else {
            continue;
        };
        let mut changed = BTreeMap::new();
        if decision == Decision::Corrected {
            let proposed = r.effective();
            for (name, _, _) in fields_of(r.proposed.register) {
                let Some(typed) = get(format!("rf-{}-{name}", r.id)) else {
                    continue;
                };
                let value = if *name == "date" && !typed.is_empty() {
                    match vn::parse_date(&typed) {
                        Ok(d) => d.to_string(),
                        Err(e) => {
                            problems.insert(r.id, lang.pick(e.message_vi(), e.to_string()));
                            continue;
                        }
                    }
                } else {
                    typed
                };
                if proposed.get(*name).map(String::as_str).unwrap_or("") != value {
                    changed.insert(name.to_string(), value);
                }
            }
        }
        out.push(RowDecisionInput {
            row: r.id,
            // A correction that changes nothing is a confirmation.
            decision: if decision == Decision::Corrected && changed.is_empty() {
                Decision::Confirmed
            } else {
                decision
            },
            fields: (!changed.is_empty()).then_some(changed),
        });
    }
    (out, problems)
}

/// A target a plan states, on the import page.
pub struct TargetView {
    pub id: i64,
    pub line: i64,
    pub quote: String,
    pub indicator: String,
    pub phase: String,
    pub op: String,
    /// The value as Vietnamese write it (63,6).
    pub value: String,
    pub decision: &'static str,
    pub problem: String,
}

pub fn target_views(targets: &[binhdang_store::ImportTarget], problems: &HashMap<i64, String>) -> Vec<TargetView> {
    targets
        .iter()
        .map(|t| {
            let op = t.corrected_op.clone().unwrap_or_else(|| t.proposed.op.clone());
            let value = t.corrected_value.as_deref().unwrap_or(&t.proposed.value);
            TargetView {
                id: t.id,
                line: t.proposed.line,
                quote: t.proposed.quote.clone(),
                indicator: t.proposed.indicator.clone(),
                phase: t.proposed.phase.clone(),
                op,
                value: value
                    .parse()
                    .map(|d| vn::format_number(d, None))
                    .unwrap_or_else(|_| value.to_string()),
                decision: t.decision.as_str(),
                problem: problems.get(&t.id).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// The decisions the form carries for the targets (`td-ID`, with `to-ID` and `tv-ID` — a
/// Vietnamese number — for a correction); a value that does not read is the target's problem.
pub fn target_decisions(
    targets: &[binhdang_store::ImportTarget],
    get: impl Fn(String) -> Option<String>,
    lang: Lang,
) -> (Vec<binhdang_store::TargetDecisionInput>, HashMap<i64, String>) {
    let mut out = Vec::new();
    let mut problems = HashMap::new();
    for t in targets {
        let Some(decision) = get(format!("td-{}", t.id)).as_deref().and_then(Decision::parse) else {
            continue;
        };
        let (mut op, mut value) = (None, None);
        if decision == Decision::Corrected {
            op = get(format!("to-{}", t.id)).filter(|o| *o != t.proposed.op);
            match get(format!("tv-{}", t.id)).map(|v| vn::parse_number(&v)) {
                Some(Ok(d)) if d.normalize().to_string() != t.proposed.value => value = Some(d.normalize().to_string()),
                Some(Ok(_)) | None => {}
                Some(Err(e)) => {
                    problems.insert(t.id, lang.pick(e.message_vi(), e.to_string()));
                    continue;
                }
            }
        }
        let changes = op.is_some() || value.is_some();
        out.push(binhdang_store::TargetDecisionInput {
            target: t.id,
            decision: if decision == Decision::Corrected && !changes {
                Decision::Confirmed
            } else {
                decision
            },
            op,
            value,
        });
    }
    (out, problems)
}
