//! The bodies a plan names and what it asks of them: who leads a task ("Giao Sở Y tế chủ
//! trì", "Các sở, ngành, địa phương tăng cường …", "Cơ quan chủ trì: …"), who cooperates
//! ("phối hợp với Sở Tư pháp và UBND các huyện", "Sở Tư pháp phối hợp"), and who issues or
//! asks ("UBND tỉnh ban hành kế hoạch", "Ban Thường vụ … yêu cầu …").
//!
//! A body's name is recognised by how it opens (`Sở` before a capital, `UBND`, `Ban vì sự
//! tiến bộ của phụ nữ`, `các sở`, …) and runs on, across commas, semicolons and `và` that
//! open another body or a part of one (`các sở, ngành, địa phương`, `UBND các huyện, thị xã,
//! thành phố`, `Sở Văn hóa, Thể thao và Du lịch`), until a verb (`chủ trì`, `tăng cường`…),
//! a preposition (`để`, `về`, `trong`…) or the end of a clause. What it does then — or what
//! stands before it (`giao`, `đề nghị`, `phối hợp với`) — says its role. Names are looked for
//! only where a name can open a clause or follow those words, never after `của` (a citation
//! such as "Kế hoạch số 85/KH-UBND của UBND tỉnh" names no one to act).

use super::words::{Word, any_at, ends_before, phrase_at, span};

/// How a body's name opens. `true`: the next word must be capitalised (`Sở Y tế`, not `số
/// liệu`; `Hội Nông dân`, not `hội nghị`; `Báo Nam Sơn`, not `báo cáo`).
const HEADS: &[(&str, bool)] = &[
    ("uy ban", false),
    ("ubnd", false),
    ("hdnd", false),
    ("hoi dong nhan dan", false),
    ("mat tran", false),
    ("mttq", false),
    ("ldld", false),
    ("lien doan", false),
    ("cong doan", false),
    ("hlhpn", false),
    ("hoi lhpn", false),
    ("hoi lien hiep", false),
    ("cong an", false),
    ("bo chi huy", false),
    ("vien kiem sat", false),
    ("toa an", false),
    ("tinh doan", false),
    ("huyen doan", false),
    ("thanh doan", false),
    ("doan thanh nien", false),
    ("van phong", false),
    ("thanh tra tinh", false),
    ("thanh tra huyen", false),
    ("thanh tra so", false),
    ("benh vien", false),
    ("trung tam", false),
    ("chi cuc", false),
    ("ban vi su tien bo", false),
    ("cac so", false),
    ("cac ban", false),
    ("cac hoi", false),
    ("cac co quan", false),
    ("cac don vi", false),
    ("cac nganh", false),
    ("cac dia phuong", false),
    ("cac doan the", false),
    ("cac to chuc", false),
    ("to chuc chinh tri", false),
    ("cac cap", false),
    ("cac huyen", false),
    ("thu truong", false),
    ("chu tich", false),
    ("giam doc", false),
    ("so", true),
    ("ban", true),
    ("hoi", true),
    ("bo", true),
    ("dai", true),
    ("bao", true),
    ("cuc", true),
    ("phong", true),
    ("truong", true),
];

/// Words that continue a list of bodies after a comma or `và` without opening a name of
/// their own (`các sở, ngành, địa phương`; `UBND các huyện, thị xã, thành phố`).
const PARTS: &[&str] = &[
    "nganh",
    "ban",
    "hoi",
    "dia phuong",
    "doan the",
    "thi xa",
    "thanh pho",
    "huyen",
    "xa",
    "phuong",
    "thi tran",
    "to chuc",
    "don vi",
    "co quan",
    "cap huyen",
    "cap xa",
    "cap tinh",
];

/// Words that open a predicate: a body's name ends before them.
const VERBS: &[&str] = &[
    "chu tri",
    "chiu trach nhiem",
    "co trach nhiem",
    "la co quan",
    "phoi hop",
    "tang cuong",
    "chu dong",
    "to chuc",
    "trien khai",
    "thuc hien",
    "xay dung",
    "tham muu",
    "huong dan",
    "chi dao",
    "bao cao",
    "tong hop",
    "theo doi",
    "don doc",
    "kiem tra",
    "ra soat",
    "day manh",
    "tiep tuc",
    "nang cao",
    "bo tri",
    "dam bao",
    "bao dam",
    "quan tam",
    "tham gia",
    "can cu",
    "ban hanh",
    "tuyen truyen",
    "long ghep",
    "duy tri",
    "cung cap",
    "van dong",
    "tien hanh",
    "de xuat",
    "nghien cuu",
    "phat dong",
    "huong ung",
    "khan truong",
    "tich cuc",
    "thuong xuyen",
    "dinh ky",
    "hoan thanh",
    "cap nhat",
    "giam sat",
    "phan cong",
    "tap trung",
    "uu tien",
    "bam sat",
    "nghiem tuc",
    "de nghi",
    "yeu cau",
    "giao",
    "cu",
    "danh gia",
    "so ket",
    "tong ket",
    "xu ly",
    "ho tro",
    "phong ngua",
    "thong ke",
    "gui",
    "lap",
    "can",
    "phai",
    "se",
    "deu",
    "cung",
    "chi thi",
    "thong bao",
    "quyet dinh",
];

/// Words after which a body's name has ended (it is followed by what it does, not more
/// name). Keys that other words of names share once their marks are gone are left out:
/// `co` (có, cơ quan), `nhan` (nhằm, nhân dân), `thi` (thì, thị xã), `da` (đã, đa dạng).
const STOPS: &[&str] = &[
    "de", "nham", "trong", "tai", "ve", "theo", "truoc", "sau", "tu", "den", "khi", "neu", "duoc", "cho", "voi", "o",
    "la", "nhu", "chua", "khong", "qua",
];

/// What a named body is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Lead,
    Partner,
    /// The body that issues or asks (`… ban hành`, `… yêu cầu`, `… đề nghị`).
    Asks,
    Other,
}

/// A body's name found in a text: words `[a, b)` and what it is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Named {
    pub a: usize,
    pub b: usize,
    pub role: Role,
}

/// How many words a body's name opening at word `i` takes to open.
fn head_len(w: &[Word], i: usize) -> Option<usize> {
    HEADS
        .iter()
        .filter_map(|(head, needs_capital)| {
            let n = phrase_at(w, i, head)?;
            let next_ok = !needs_capital || w.get(i + n).is_some_and(|x| x.upper);
            next_ok.then_some(n)
        })
        .max()
}

/// Whether a list of bodies goes on at word `i` (after a comma or `và`): another body, a
/// part of one, or a capitalised word of a name (`Văn hóa, Thể thao và Du lịch`).
fn goes_on(w: &[Word], i: usize) -> Option<usize> {
    // "Cơ quan chủ trì:" and "Đơn vị phối hợp:" are labels, not part of the list before them.
    let part = any_at(w, i, PARTS).filter(|n| any_at(w, i + n, &["chu tri :", "phoi hop :", "thuc hien :"]).is_none());
    head_len(w, i).or(part).or_else(|| {
        w.get(i)
            .is_some_and(|x| x.upper && any_at(w, i, VERBS).is_none())
            .then_some(1)
    })
}

/// Where a body's name opening at word `a` ends (exclusive), if one opens there.
fn name_end(w: &[Word], a: usize) -> Option<usize> {
    let head = head_len(w, a)?;
    let mut j = a + head;
    while let Some(x) = w.get(j) {
        if matches!(x.key.as_str(), "," | ";") || x.is("va") {
            match goes_on(w, j + 1) {
                Some(n) => {
                    j += 1 + n;
                    continue;
                }
                None => break,
            }
        }
        if !x.is_word && x.num.is_none() && !matches!(x.key.as_str(), "-" | "–" | "&") {
            break;
        }
        // A verb right after the opening word is part of a name (`Ban Chỉ đạo`, `Ban Tổ chức`).
        let right_after_head = j == a + head && x.upper;
        if !right_after_head && (any_at(w, j, VERBS).is_some() || (STOPS.contains(&x.key.as_str()) && !x.upper)) {
            break;
        }
        j += 1;
    }
    // A name of thirty words is a sentence read wrongly.
    (j > a && j - a <= 30).then_some(j)
}

/// Whether a body's name may open at word `i`: at the start of a clause, after the words
/// that assign or ask, or at a capitalised `Các` (a sentence whose full stop was lost).
fn may_open(w: &[Word], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let prev = &w[i - 1];
    matches!(prev.key.as_str(), "," | ";" | ":" | "." | "(")
        || ["giao", "voi", "cung", "nghi", "cau", "do", "va", "cho"]
            .iter()
            .any(|k| prev.is(k))
        || (w[i].is("cac") && w[i].upper)
}

/// What the words around a name `[a, b)` ask of it.
fn role(w: &[Word], a: usize, b: usize) -> Role {
    let after = |p: &str| phrase_at(w, b, p).is_some();
    let cooperates = after("phoi hop") && !after("phoi hop voi") && !after("phoi hop cung");
    if ends_before(w, a, "giao") || ends_before(w, a, "giao cho") {
        return Role::Lead;
    }
    if ["phoi hop voi", "phoi hop cung", "cung voi", "phoi hop :"]
        .iter()
        .any(|p| ends_before(w, a, p))
    {
        return Role::Partner;
    }
    if ends_before(w, a, "chu tri :") || (ends_before(w, a, "do") && after("chu tri")) {
        return Role::Lead;
    }
    if ends_before(w, a, "de nghi") || ends_before(w, a, "yeu cau") {
        return if cooperates { Role::Partner } else { Role::Lead };
    }
    let opens_clause =
        a == 0 || matches!(w[a - 1].key.as_str(), "," | ";" | ":" | "." | "(") || (w[a].is("cac") && w[a].upper);
    if !opens_clause {
        return Role::Other;
    }
    if cooperates {
        return Role::Partner;
    }
    if any_at(w, b, &["de nghi", "yeu cau", "giao", "ban hanh", "chi thi"]).is_some() {
        return Role::Asks;
    }
    if any_at(w, b, VERBS).is_some() || (a == 0 && w.get(b).is_some_and(|x| x.is(":"))) {
        return Role::Lead;
    }
    Role::Other
}

/// Every body named in a text, in order, with what it is asked to do.
pub(super) fn named(w: &[Word]) -> Vec<Named> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < w.len() {
        if may_open(w, i)
            && let Some(b) = name_end(w, i)
        {
            out.push(Named {
                a: i,
                b,
                role: role(w, i, b),
            });
            i = b;
            continue;
        }
        i += 1;
    }
    out
}

/// The body that issues or reports, named before `ban hành`, `yêu cầu`, `báo cáo`… (in a
/// preamble: "UBND tỉnh Hải Dương ban hành kế hoạch …").
pub(super) fn issuer(text: &str, w: &[Word]) -> Option<String> {
    named(w).into_iter().find_map(|n| {
        let reports = (n.a == 0 || w[n.a].upper) && phrase_at(w, n.b, "bao cao").is_some();
        let asks = n.role == Role::Asks || reports;
        asks.then(|| span(text, w, n.a, n.b).to_string())
    })
}

/// The bodies of a list, one by one: split where a new body's name opens after a comma, a
/// semicolon or `và` (`Sở Tư pháp và UBND các huyện, thị xã` → `Sở Tư pháp`, `UBND các
/// huyện, thị xã`). A piece that names no body (a table cell's "Các đơn vị liên quan" does)
/// is kept as written.
pub(super) fn split(text: &str, w: &[Word], a: usize, b: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = a;
    for j in a..b {
        let sep = matches!(w[j].key.as_str(), "," | ";") || w[j].is("va");
        if sep && j > start && head_len(w, j + 1).is_some() {
            out.push(span(text, w, start, j).to_string());
            start = j + 1;
        }
    }
    if start < b {
        out.push(span(text, w, start, b).to_string());
    }
    out.retain(|s| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::words::words;

    fn roles(text: &str) -> Vec<(String, Role)> {
        let w = words(text);
        named(&w)
            .into_iter()
            .filter(|n| n.role != Role::Other)
            .map(|n| (span(text, &w, n.a, n.b).to_string(), n.role))
            .collect()
    }

    fn one(name: &str, role: Role) -> Vec<(String, Role)> {
        vec![(name.to_string(), role)]
    }

    #[test]
    fn leads_partners_and_those_who_ask() {
        assert_eq!(
            roles("Giao Sở Lao động - Thương binh và Xã hội chịu trách nhiệm đôn đốc"),
            one("Sở Lao động - Thương binh và Xã hội", Role::Lead)
        );
        assert_eq!(
            roles("Các sở, ngành, địa phương tăng cường công tác kiểm tra"),
            one("Các sở, ngành, địa phương", Role::Lead)
        );
        assert_eq!(
            roles("Ban vì sự tiến bộ của phụ nữ các cấp, các ngành chủ động xây dựng"),
            one("Ban vì sự tiến bộ của phụ nữ các cấp, các ngành", Role::Lead)
        );
        assert_eq!(
            roles("Sở Y tế chủ trì, phối hợp với Sở Tư pháp và UBND các huyện, thị xã xây dựng quy trình"),
            vec![
                ("Sở Y tế".to_string(), Role::Lead),
                ("Sở Tư pháp và UBND các huyện, thị xã".to_string(), Role::Partner)
            ]
        );
        assert_eq!(
            roles("Đề nghị Ủy ban Mặt trận Tổ quốc tỉnh, các tổ chức chính trị - xã hội phối hợp tham gia"),
            one(
                "Ủy ban Mặt trận Tổ quốc tỉnh, các tổ chức chính trị - xã hội",
                Role::Partner
            )
        );
        assert_eq!(
            roles("Ủy ban nhân dân thị xã Kinh Môn, Công đoàn các cơ quan Đảng tỉnh chủ trì"),
            one(
                "Ủy ban nhân dân thị xã Kinh Môn, Công đoàn các cơ quan Đảng tỉnh",
                Role::Lead
            )
        );
        assert_eq!(
            roles("Sở Văn hóa, Thể thao và Du lịch chủ trì tổ chức"),
            one("Sở Văn hóa, Thể thao và Du lịch", Role::Lead)
        );
        assert_eq!(
            roles("trên cơ sở hướng dẫn của Bộ Lao động, UBND tỉnh Hải Dương ban hành kế hoạch"),
            one("UBND tỉnh Hải Dương", Role::Asks)
        );
        assert_eq!(
            roles("Cơ quan chủ trì: Sở Nội vụ; cơ quan phối hợp: Sở Tài chính."),
            vec![
                ("Sở Nội vụ".to_string(), Role::Lead),
                ("Sở Tài chính".to_string(), Role::Partner)
            ]
        );
    }

    #[test]
    fn citations_objects_and_verbs_name_no_one_to_act() {
        // After "của", "báo cáo" or "đối với" a name is cited or addressed, not assigned.
        assert_eq!(
            roles("Kế hoạch số 85/KH-UBND ngày 11/01/2022 của UBND tỉnh Hải Dương"),
            []
        );
        assert_eq!(roles("báo cáo Ủy ban nhân dân tỉnh và Bộ Lao động kết quả"), []);
        assert_eq!(roles("Đối với các đơn vị, địa phương chưa ban hành quy chế"), []);
        assert_eq!(
            roles("Quyết định số 21/QĐ-HĐND ngày 31/7/2024 của Hội đồng nhân dân tỉnh"),
            []
        );
        assert_eq!(roles("Báo cáo kết quả, số liệu phòng, chống bạo lực"), []);
        assert_eq!(roles("Hội nghị sơ kết; hội thảo chuyên đề"), []);
    }

    #[test]
    fn lists_split_where_a_body_opens() {
        let text = "Sở Tài chính; Hội Liên hiệp Phụ nữ tỉnh, UBND các huyện, thị xã và Công an tỉnh";
        let w = words(text);
        assert_eq!(
            split(text, &w, 0, w.len()),
            [
                "Sở Tài chính",
                "Hội Liên hiệp Phụ nữ tỉnh",
                "UBND các huyện, thị xã",
                "Công an tỉnh"
            ]
        );
        let text = "Sở Lao động - Thương binh và Xã hội";
        let w = words(text);
        assert_eq!(split(text, &w, 0, w.len()), [text]);
    }
}
