//! Telling which indicator of the catalogue a sentence or table row is about, from the
//! words reports use for it. Only a clear match counts: every word group of one entry
//! must appear, and when two indicators match, the more specific (longer) entry wins;
//! a tie is no answer.
//!
//! The words live here, the indicators (targets, direction, measure) come from the
//! catalogue passed in, so an indicator whose code the catalogue lacks is never used.

use crate::normalize::fold;

/// Per indicator code, alternatives; each alternative is a list of word groups that must
/// all appear (each group: any of its spellings), folded.
const KEYWORDS: &[(&str, &[&[&[&str]]])] = &[
    ("1.1", &[&[&["lanh đao chu chôt"], &["nư"]]]),
    ("2.1", &[&[&["lam công hương lương", "lam công ăn lương"], &["nư"]]]),
    ("2.2", &[&[&["nông nghiêp", "nông, lâm nghiêp"], &["lao đông nư"]]]),
    (
        "2.3",
        &[&[
            &["giam đôc", "chu doanh nghiêp", "lam chu", "chu hơp tac xa"],
            &["doanh nghiêp", "htx", "hơp tac xa"],
            &["nư"],
        ]],
    ),
    ("3.1", &[&[&["nôi trơ", "không đươc tra công", "viêc nha"], &["lân"]]]),
    (
        "3.2a",
        &[&[
            &["bi bao lưc", "nan nhân bao lưc"],
            &["dich vu hô trơ", "tiêp cân it nhât"],
        ]],
    ),
    ("3.2b", &[&[&["ngươi gây bao lưc"], &["tư vân", "tham vân"]]]),
    (
        "3.3",
        &[&[&["mua ban trơ vê", "bi mua ban"], &["hô trơ", "tai hoa nhâp"]]],
    ),
    ("3.4", &[&[&["cơ sơ trơ giup xa hôi"]]]),
    ("4.1", &[&[&["giơi tinh khi sinh"]], &[&["be trai"], &["be gai"]]]),
    ("4.2", &[&[&["tư vong"], &["ba me", "me"], &["thai san", "sinh"]]]),
    ("4.3", &[&[&["vi thanh niên"], &["sinh", "ti suât"]]]),
    ("4.4", &[&[&["đông tinh", "chuyên giơi", "song tinh"]]]),
    (
        "5.1",
        &[&[
            &["nôi dung vê giơi", "binh đăng giơi"],
            &["chương trinh giang day", "giang day chinh thưc"],
        ]],
    ),
    (
        "5.2a",
        &[&[&["dân tôc thiêu sô", "dtts"], &["hoan thanh"], &["tiêu hoc"]]],
    ),
    (
        "5.2b",
        &[&[
            &["dân tôc thiêu sô", "dtts"],
            &["hoan thanh"],
            &["trung hoc cơ sơ", "thcs"],
        ]],
    ),
    (
        "5.3",
        &[&[
            &["giao duc nghê nghiêp", "hoc nghê", "đao tao nghê"],
            &["tuyên mơi"],
            &["nư"],
        ]],
    ),
    ("5.4a", &[&[&["thac si"]]]),
    ("5.4b", &[&[&["tiên si"]]]),
    (
        "6.1",
        &[&[&["tiêp cân kiên thưc", "tiêp cân thông tin"], &["binh đăng giơi"]]],
    ),
    (
        "6.2",
        &[&[&["cam kêt thưc hiên binh đăng giơi", "cam kêt binh đăng giơi"]]],
    ),
    ("6.3", &[&[&["tin, bai", "tin bai"], &["môi quy", "hang quy"], &["xa"]]]),
    (
        "6.4",
        &[&[&["đai phat thanh", "đai truyên hinh"], &["chuyên muc", "chuyên đê"]]],
    ),
];

/// The indicator a text is about, if one clearly matches. `text` need not be folded.
pub fn identify(text: &str) -> Option<&'static str> {
    let found = weighed(text);
    match found.as_slice() {
        [] => None,
        [(code, _)] => Some(code),
        [(code, w), (_, w2), ..] => (w > w2).then_some(code),
    }
}

/// Every indicator whose words all appear in `text`, the most specific (longest match)
/// first; equally specific ones in catalogue order.
pub fn matches(text: &str) -> Vec<&'static str> {
    weighed(text).into_iter().map(|(c, _)| c).collect()
}

/// Each matching indicator with the weight of its best alternative, heaviest first.
fn weighed(text: &str) -> Vec<(&'static str, usize)> {
    let f = fold(text);
    let mut out: Vec<(&'static str, usize)> = Vec::new();
    for (code, alternatives) in KEYWORDS {
        let best = alternatives
            .iter()
            .filter_map(|groups| {
                let mut weight = 0;
                let all = groups.iter().all(|spellings| {
                    spellings
                        .iter()
                        .filter(|s| contains_words(&f, s))
                        .map(|s| s.len())
                        .max()
                        .inspect(|len| weight += len)
                        .is_some()
                });
                all.then_some(weight)
            })
            .max();
        if let Some(w) = best {
            out.push((code, w));
        }
    }
    // Stable: equal weights keep catalogue order.
    out.sort_by_key(|(_, w)| std::cmp::Reverse(*w));
    out
}

/// `needle` occurs in `haystack` on word boundaries.
pub fn contains_words(haystack: &str, needle: &str) -> bool {
    let mut from = 0;
    while let Some(pos) = haystack[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before_ok = haystack[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = haystack[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        from = start + haystack[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifies() {
        assert_eq!(
            identify("Tỷ lệ nữ thạc sĩ có 12/18 trong tổng số cán bộ, công chức có trình độ thạc sĩ đạt 66,67%"),
            Some("5.4a")
        );
        assert_eq!(identify("12/18 thạc sỹ, đạt 66,66%"), Some("5.4a"));
        assert_eq!(
            identify("Tỷ lệ trẻ em trai và trẻ em gái dân tộc thiểu số hoàn thành giáo dục tiểu học đạt 100%"),
            Some("5.2a")
        );
        assert_eq!(
            identify("trung học cơ sở đạt trên 100% trẻ em DTTS hoàn thành"),
            Some("5.2b")
        );
        assert_eq!(
            identify(
                "nam giới đã biết phụ giúp các công việc như nội trợ và chăm sóc gia đình đạt chỉ tiêu giao, còn 1,7 lần"
            ),
            Some("3.1")
        );
        assert_eq!(identify("Tỷ số giới tính khi sinh 115 bé trai/100 bé gái"), Some("4.1"));
        assert_eq!(identify("48/240 doanh nghiệp, HTX do nữ làm chủ"), Some("2.3"));
        assert_eq!(identify("Hội nghị tập huấn 56 tin bài"), None);
        assert!(contains_words("nư 65", "nư"));
        assert!(!contains_words("nươc", "nư"));
    }
}
