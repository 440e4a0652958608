//! Annex tables of a legacy report proposed as register rows, so that a province does not
//! retype them: today the annex of directive documents ("PHỤ LỤC CÁC VĂN BẢN CHỈ ĐẠO ĐÃ BAN
//! HÀNH": TT, nội dung, cơ quan ban hành, loại văn bản, số, ngày, ghi chú). Its header row is
//! recognised by the words of its columns, wherever they stand, and each numbered row below it
//! becomes the fields of a documents-register row, with the row as written for its quote. A
//! person confirms, corrects or drops each before anything is stored.

use crate::document::{BlockKind, SourceDocument, row_text};
use binhdang_domain::register::{DOCUMENT_TYPES, RegisterKind};
use binhdang_domain::vn;
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
fn number(text: &str) -> String {
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

/// Where each register field stands in a table's rows, by column.
type Columns = Vec<(usize, &'static str)>;

/// The directive documents of the document's annex tables, one per numbered row.
pub fn document_rows(doc: &SourceDocument) -> Vec<AnnexRow> {
    let mut out = Vec::new();
    // The table being read, and its columns.
    let mut current: Option<(Option<usize>, Columns)> = None;
    for block in &doc.blocks {
        let BlockKind::Row { cells } = &block.kind else {
            continue;
        };
        let columns: Columns = cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| field_of(c).map(|f| (i, f)))
            .collect();
        let names = |f: &str| columns.iter().any(|(_, g)| *g == f);
        if names("summary") && names("issuing_body") && (names("document_type") || names("number")) {
            current = Some((block.table, columns));
            continue;
        }
        let Some((table, columns)) = &current else {
            continue;
        };
        if block.table != *table {
            current = None;
            continue;
        }
        let cell = |field: &str| {
            columns
                .iter()
                .find(|(_, f)| *f == field)
                .and_then(|(i, _)| cells.get(*i))
                .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|c| !c.is_empty())
        };
        // A numbered row with something to say; a row of headings or totals is not one.
        let Some(order) = cell("order").filter(|o| o.trim_end_matches('.').parse::<u32>().is_ok()) else {
            continue;
        };
        let Some(summary) = cell("summary") else {
            continue;
        };
        let mut fields = BTreeMap::new();
        fields.insert("order".to_string(), order.trim_end_matches('.').to_string());
        fields.insert("summary".to_string(), summary);
        for (field, value) in [
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
        ] {
            if let Some(v) = value {
                fields.insert(field.to_string(), v);
            }
        }
        out.push(AnnexRow {
            register: RegisterKind::Documents,
            line: block.line,
            quote: row_text(cells),
            fields,
        });
    }
    out
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
}
