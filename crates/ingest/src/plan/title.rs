//! A document's title line: the kind it names ("KẾ HOẠCH", "CHỈ THỊ", an official letter's
//! "V/v …") — read by the header and, inside a decision, by the outline where the attached
//! plan begins.

use binhdang_domain::plan::PlanKind;
use binhdang_domain::vn;

/// The kind a title line names, whether it names a report, and the title written after
/// the kind on the same line (`KẾ HOẠCH Thực hiện …`, `V/v tiếp tục …`).
pub(super) fn kind_line(text: &str) -> Option<(Option<PlanKind>, bool, String)> {
    let t = text.trim();
    for prefix in ["V/v", "v/v", "V/V"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return Some((Some(PlanKind::OfficialLetter), false, rest.trim().to_string()));
        }
    }
    let key = vn::search_key(t);
    let labels = PlanKind::ALL
        .iter()
        .map(|k| (Some(*k), k.label_vi()))
        .chain([(None, "Báo cáo")]);
    for (kind, label) in labels {
        let label_key = vn::search_key(label);
        let n = label_key.split(' ').count();
        let opening: Vec<&str> = t.split_whitespace().take(n).collect();
        // The kind is written in capitals as a title; "Kế hoạch số …" in a sentence is not one.
        let capitals = opening.iter().all(|w| w.chars().all(|c| !c.is_lowercase()));
        if capitals && (key == label_key || key.starts_with(&format!("{label_key} "))) {
            let rest: Vec<&str> = t.split_whitespace().skip(n).collect();
            return Some((kind, kind.is_none(), rest.join(" ")));
        }
    }
    None
}
