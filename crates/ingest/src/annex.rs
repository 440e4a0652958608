//! Annex tables of a legacy report proposed as register rows, so that a province does not
//! retype them: today the annex of directive documents ("PHỤ LỤC CÁC VĂN BẢN CHỈ ĐẠO ĐÃ BAN
//! HÀNH": TT, nội dung, cơ quan ban hành, loại văn bản, số, ngày, ghi chú). Its header row is
//! recognised by the words of its columns, wherever they stand, and each numbered row below it
//! becomes the fields of a documents-register row, with the row as written for its quote. A
//! person confirms, corrects or drops each before anything is stored.

use crate::document::{BlockKind, SourceDocument, row_text};
use binhdang_domain::register::{ACTIVITY_TYPES, BudgetSource, DOCUMENT_TYPES, RegisterKind};
use binhdang_domain::vn;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// One annex row proposed for a register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnexRow {
    pub register: RegisterKind,
    /// Where the row starts in the file.
    pub line: usize,
    /// The row as written.
    pub quote: String,
    /// The register's fields as text (`date` as YYYY-MM-DD, `document_type` as a list code
    /// where the wording names one); a field the row leaves empty is absent.
    pub fields: BTreeMap<String, String>,
}

/// Which register field a heading names.
fn field_of(heading: &str) -> Option<&'static str> {
    let h = vn::search_key(heading);
    let h = h.trim();
    Some(match h {
        "tt" | "stt" | "so tt" => "order",
        _ if h.starts_with("noi dung") || h.starts_with("trich yeu") || h.starts_with("ten van ban") => "summary",
        _ if h.starts_with("co quan ban hanh") || h.starts_with("don vi ban hanh") => "issuing_body",
        _ if h.starts_with("loai van ban") || h == "hinh thuc van ban" => "document_type",
        _ if h.starts_with("so ") || h == "so" || h.starts_with("so,") || h.starts_with("so hieu") => "number",
        _ if h.starts_with("ngay") || h.starts_with("thoi gian ban hanh") => "date",
        _ if h.starts_with("ghi chu") => "notes",
        _ => return None,
    })
}

/// The list code a document type's wording names (`Kế hoạch` → `ke-hoach`), else the wording.
fn document_type(text: &str) -> String {
    let folded = vn::search_key(text);
    DOCUMENT_TYPES
        .iter()
        .find(|(_, vi, _)| vn::search_key(vi) == folded)
        .map(|(code, _, _)| code.to_string())
        .unwrap_or_else(|| text.trim().to_string())
}

/// `Số: 119/KH-BTV,` → `119/KH-BTV`; `90/KH - BTV` → `90/KH-BTV`.
pub(crate) fn number(text: &str) -> String {
    let t = text.trim();
    let t = t
        .strip_prefix("Số:")
        .or_else(|| t.strip_prefix("số:"))
        .or_else(|| t.strip_prefix("Số"))
        .unwrap_or(t);
    t.trim()
        .trim_end_matches([',', ';', '.'])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" - ", "-")
        .replace("- ", "-")
        .replace(" -", "-")
        .replace("/ ", "/")
}

/// Where each register field stands in a table's rows, by column, with its heading.
type Columns = Vec<(usize, &'static str, String)>;

/// A cell of the row being read, by field: its text with spaces tidied, none when empty.
type Cell<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Whether a row has a column for a field.
type HasColumn<'a> = dyn Fn(&str) -> bool + 'a;

/// The register rows of every table of `register`: a header row in which `field_of` finds
/// the columns `is_header` asks for, then each row of the same table `fields` makes a row of.
fn read_tables(
    doc: &SourceDocument,
    register: RegisterKind,
    field_of: fn(&str) -> Option<&'static str>,
    is_header: fn(&HasColumn<'_>) -> bool,
    fields: fn(&Cell<'_>, &Columns) -> Option<BTreeMap<String, String>>,
) -> Vec<AnnexRow> {
    let mut out = Vec::new();
    let mut current: Option<(Option<usize>, Columns)> = None;
    for block in &doc.blocks {
        let BlockKind::Row { cells } = &block.kind else {
            continue;
        };
        let columns: Columns = cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| field_of(c).map(|f| (i, f, c.clone())))
            .collect();
        if is_header(&|f: &str| columns.iter().any(|(_, g, _)| *g == f)) {
            current = Some((block.table, columns));
            continue;
        }
        let Some((table, columns)) = &current else {
            continue;
        };
        // Another table, or a row of headings of another kind (no figure in it), ends this one.
        let has_digit = cells.iter().any(|c| c.chars().any(|ch| ch.is_ascii_digit()));
        if block.table != *table || !has_digit {
            current = None;
            continue;
        }
        let cell = |field: &str| {
            columns
                .iter()
                .find(|(_, f, _)| *f == field)
                .and_then(|(i, _, _)| cells.get(*i))
                .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|c| !c.is_empty())
        };
        if let Some(fields) = fields(&cell, columns) {
            out.push(AnnexRow {
                register,
                line: block.line,
                quote: row_text(cells),
                fields,
            });
        }
    }
    out
}

/// Fields with a value, as the register reads them.
fn present(pairs: Vec<(&str, Option<String>)>) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
        .collect()
}

/// The directive documents of the document's annex tables, one per numbered row.
pub fn document_rows(doc: &SourceDocument) -> Vec<AnnexRow> {
    read_tables(
        doc,
        RegisterKind::Documents,
        field_of,
        |has| has("summary") && has("issuing_body") && (has("document_type") || has("number")),
        |cell, _| {
            // A numbered row with something to say; a row of headings or totals is not one.
            let order = cell("order").filter(|o| o.trim_end_matches('.').parse::<u32>().is_ok())?;
            let summary = cell("summary")?;
            Some(present(vec![
                ("order", Some(order.trim_end_matches('.').to_string())),
                ("summary", Some(summary)),
                ("issuing_body", cell("issuing_body")),
                ("document_type", cell("document_type").map(|t| document_type(&t))),
                ("number", cell("number").map(|n| number(&n)).filter(|n| !n.is_empty())),
                (
                    "date",
                    cell("date")
                        .and_then(|d| vn::parse_date(&d).ok())
                        .map(|d| d.to_string()),
                ),
                ("notes", cell("notes")),
            ]))
        },
    )
}

/// The register rows of every annex table binhdang reads: directive documents, activities
/// with their participants by sex, budgets.
pub fn annex_rows(doc: &SourceDocument) -> Vec<AnnexRow> {
    let mut rows = document_rows(doc);
    rows.extend(activity_rows(doc));
    rows.extend(budget_rows(doc));
    rows.sort_by_key(|r| r.line);
    rows
}

/// A count or amount as written (`1.260`, `15.000.000`), as canonical text; times `scale`.
fn amount(text: &str, scale: Decimal) -> Option<String> {
    vn::parse_number(text.trim())
        .ok()
        .map(|d| (d * scale).normalize().to_string())
}

/// A total row ("Tổng cộng", "Cộng") is not a row of the register.
fn is_total(text: &str) -> bool {
    let key = vn::search_key(text);
    key.starts_with("tong") || key == "cong" || key.starts_with("cong ")
}

fn activity_field(heading: &str) -> Option<&'static str> {
    let h = vn::search_key(heading);
    let h = h.trim();
    Some(match h {
        "tt" | "stt" => "order",
        "nam" => "participants_male",
        "nu" => "participants_female",
        _ if h.starts_with("hinh thuc") || h.starts_with("loai hoat dong") => "activity_type",
        _ if h.starts_with("noi dung") || h.starts_with("ten hoat dong") => "content",
        _ if h.starts_with("so luong")
            || h.starts_with("so cuoc")
            || h.starts_with("so buoi")
            || h.starts_with("so lan") =>
        {
            "count"
        }
        _ if h.starts_with("tong so nguoi") || h.starts_with("so nguoi tham gia") || h.starts_with("so luot nguoi") => {
            "participants_total"
        }
        _ if h.starts_with("thoi gian") || h.starts_with("ngay") => "date",
        _ if h.starts_with("ghi chu") => "notes",
        _ => return None,
    })
}

/// The list code an activity's wording names (`Tập huấn` → `tap-huan`), else the wording.
fn activity_type(text: &str) -> String {
    let key = vn::search_key(text);
    ACTIVITY_TYPES
        .iter()
        .find(|(_, vi, _)| key.starts_with(&vn::search_key(vi)))
        .map(|(code, _, _)| code.to_string())
        .unwrap_or_else(|| text.trim().to_string())
}

/// The activities of the document's tables of activities (how many, and participants by sex).
pub fn activity_rows(doc: &SourceDocument) -> Vec<AnnexRow> {
    read_tables(
        doc,
        RegisterKind::Activities,
        activity_field,
        |has| {
            (has("activity_type") || has("content"))
                && has("count")
                && (has("participants_male") || has("participants_female") || has("participants_total"))
        },
        |cell, _| {
            let what = cell("activity_type").or_else(|| cell("content"))?;
            if is_total(&what) {
                return None;
            }
            let count = cell("count").and_then(|c| amount(&c, Decimal::ONE))?;
            Some(present(vec![
                ("activity_type", Some(activity_type(&what))),
                ("content", cell("content").filter(|_| cell("activity_type").is_some())),
                ("count", Some(count)),
                (
                    "participants_male",
                    cell("participants_male").and_then(|c| amount(&c, Decimal::ONE)),
                ),
                (
                    "participants_female",
                    cell("participants_female").and_then(|c| amount(&c, Decimal::ONE)),
                ),
                (
                    "participants_total",
                    cell("participants_total").and_then(|c| amount(&c, Decimal::ONE)),
                ),
                (
                    "date",
                    cell("date")
                        .and_then(|d| vn::parse_date(&d).ok())
                        .map(|d| d.to_string()),
                ),
                ("notes", cell("notes")),
            ]))
        },
    )
}

fn budget_field(heading: &str) -> Option<&'static str> {
    let h = vn::search_key(heading);
    let h = h.trim();
    Some(match h {
        _ if h.starts_with("nguon") => "source",
        _ if h.starts_with("noi dung") => "content",
        _ if h.starts_with("du toan") || h.starts_with("kinh phi duoc giao") || h.starts_with("duoc phan bo") => {
            "allocated"
        }
        _ if h.starts_with("thuc hien")
            || h.starts_with("da chi")
            || h.starts_with("giai ngan")
            || h.starts_with("kinh phi thuc hien") =>
        {
            "spent"
        }
        _ if h.starts_with("ghi chu") => "notes",
        _ => return None,
    })
}

/// The budget source a wording names (`Ngân sách tỉnh` → `tinh`), else the wording.
fn budget_source(text: &str) -> String {
    let key = vn::search_key(text);
    BudgetSource::ALL
        .iter()
        .find(|s| key.starts_with(&vn::search_key(s.name_vi())))
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|| text.trim().to_string())
}

/// What a money column's heading says its figures count in: `(triệu đồng)` → a million.
fn money_scale(heading: &str) -> Decimal {
    let key = vn::search_key(heading);
    if key.contains("trieu") {
        Decimal::from(1_000_000)
    } else if key.contains("nghin") || key.contains("ngan dong") {
        Decimal::from(1_000)
    } else {
        Decimal::ONE
    }
}

/// The budget lines of the document's budget tables (source, allocated, spent).
pub fn budget_rows(doc: &SourceDocument) -> Vec<AnnexRow> {
    read_tables(
        doc,
        RegisterKind::Budgets,
        budget_field,
        |has| (has("source") || has("content")) && (has("allocated") || has("spent")),
        |cell, columns| {
            let scale = |field: &str| {
                columns
                    .iter()
                    .find(|(_, f, _)| *f == field)
                    .map(|(_, _, h)| money_scale(h))
                    .unwrap_or(Decimal::ONE)
            };
            let label = cell("source").or_else(|| cell("content"))?;
            if is_total(&label) {
                return None;
            }
            let allocated = cell("allocated").and_then(|c| amount(&c, scale("allocated")));
            let spent = cell("spent").and_then(|c| amount(&c, scale("spent")));
            if allocated.is_none() && spent.is_none() {
                return None;
            }
            Some(present(vec![
                ("source", cell("source").map(|s| budget_source(&s))),
                ("content", cell("content")),
                ("allocated", allocated),
                ("spent", spent),
                ("notes", cell("notes")),
            ]))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_bytes;

    fn rows(text: &str) -> Vec<AnnexRow> {
        let raw = read_bytes(text.as_bytes()).unwrap();
        document_rows(&crate::document::structure(&raw))
    }

    #[test]
    fn the_directive_documents_annex_of_sample_002_becomes_register_rows() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
        let text = std::fs::read_to_string(dir.join("002_93d48c82f63ec0bd.txt")).unwrap();
        let found = rows(&text);
        assert!(found.len() >= 40, "{} rows", found.len());
        let first = &found[0];
        assert_eq!(first.fields["order"], "1");
        assert_eq!(first.fields["issuing_body"], "UBND thành phố");
        assert_eq!(first.fields["document_type"], "cong-van");
        assert_eq!(first.fields["number"], "213/UBND-VP");
        assert_eq!(first.fields["date"], "2021-02-09");
        assert!(first.fields["summary"].starts_with("Về việc khảo sát, thu thập thông tin"));
        assert!(first.quote.contains("213/UBND-VP"), "{}", first.quote);
        let second = &found[1];
        assert_eq!(
            (
                second.fields["document_type"].as_str(),
                second.fields["number"].as_str()
            ),
            ("ke-hoach", "90/KH-BTV")
        );
        assert_eq!(second.fields["date"], "2021-02-08");
        // "Số: 119/KH-BTV," is the number 119/KH-BTV.
        let twenty_one = found.iter().find(|r| r.fields["order"] == "21").unwrap();
        assert_eq!(twenty_one.fields["number"], "119/KH-BTV");
        // Numbers are unique to a row: no row is read twice.
        let orders: std::collections::BTreeSet<&str> = found.iter().map(|r| r.fields["order"].as_str()).collect();
        assert_eq!(orders.len(), found.len());
    }

    #[test]
    fn a_report_without_such_an_annex_proposes_no_row() {
        assert!(rows("TT\tChỉ tiêu\tKết quả\n1\tTỷ lệ nữ\t30%\n").is_empty());
        let text = "TT\tTrích yếu\tCơ quan ban hành\tSố, ký hiệu\tNgày ban hành\n1\tKế hoạch tháng hành động\tUBND xã\tSố: 12/KH-UBND.\t3/11/2024\n";
        let found = rows(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].fields["number"], "12/KH-UBND");
        assert_eq!(found[0].fields["date"], "2024-11-03");
        assert!(!found[0].fields.contains_key("document_type"));
    }

    #[test]
    fn tables_of_activities_and_budgets_become_register_rows_with_their_numbers() {
        let text = "STT\tHình thức hoạt động\tSố lượng\tNam\tNữ\tGhi chú\n\
            1\tTập huấn cho cán bộ cơ sở\t3\t120\t1.260\t\n\
            2\tMít tinh hưởng ứng Tháng hành động\t1\t200\t300\t\n\
            \tTổng cộng\t4\t320\t1.560\t\n\
            \n\
            TT\tNguồn kinh phí\tDự toán (triệu đồng)\tThực hiện (triệu đồng)\n\
            1\tNgân sách tỉnh\t150\t142,5\n\
            2\tXã hội hóa\t20\t\n\
            \tCộng\t170\t142,5\n";
        let raw = read_bytes(text.as_bytes()).unwrap();
        let doc = crate::document::structure(&raw);
        let found = annex_rows(&doc);
        let fields = |r: &AnnexRow| {
            r.fields
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let got: Vec<String> = found
            .iter()
            .map(|r| format!("{}: {}", r.register.slug(), fields(r)))
            .collect();
        assert_eq!(
            got,
            vec![
                "activities: activity_type=tap-huan count=3 participants_female=1260 participants_male=120",
                "activities: activity_type=mit-tinh count=1 participants_female=300 participants_male=200",
                "budgets: allocated=150000000 source=tinh spent=142500000",
                "budgets: allocated=20000000 source=xa-hoi-hoa",
            ]
        );
    }
}
