//! Documents issued (văn bản chỉ đạo): the record, how it is read and checked, and its summary.

use super::read::{Checks, Reader, opt_count_json};
use super::summary::{by_list_order, term_names};
use super::{CheckContext, Lists, RawRecord, Register, RegisterKind, RegisterProblem, Summarise};
use crate::Period;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;

/// Văn bản chỉ đạo: a document issued to direct gender-equality work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectiveDocument {
    /// TT: the row's place in the annex.
    #[serde(serialize_with = "opt_count_json")]
    pub order: Option<Decimal>,
    /// Trích yếu.
    pub summary: String,
    pub issuing_body: String,
    /// Code from the document-type list (`ke-hoach`, `cong-van`, …).
    pub document_type: String,
    /// Số, ký hiệu: `620/LĐLĐ`, `28/NQ-CP`.
    pub number: Option<String>,
    pub date: Option<Date>,
    pub notes: Option<String>,
}

impl Register for DirectiveDocument {
    const KIND: RegisterKind = RegisterKind::Documents;
    const FIELDS: &'static [&'static str] = &[
        "order",
        "summary",
        "issuing_body",
        "document_type",
        "number",
        "date",
        "notes",
    ];

    fn from_raw(raw: &RawRecord) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Reader::new(raw, Self::FIELDS);
        let record = DirectiveDocument {
            order: r.number("order"),
            summary: r.required_text("summary"),
            issuing_body: r.required_text("issuing_body"),
            document_type: r.required_text("document_type"),
            number: r.text("number"),
            date: r.date("date"),
            notes: r.text("notes"),
        };
        r.finish(record)
    }

    fn check(&self, ctx: &CheckContext<'_>) -> Vec<RegisterProblem> {
        let mut c = Checks(Vec::new());
        if c.opt_count("order", self.order)
            && let Some(o) = self.order
            && o < Decimal::ONE
        {
            c.push(
                "order",
                "not_positive",
                format!("order: {o} must be 1 or more"),
                format!("Số thứ tự: {o} phải từ 1 trở lên"),
            );
        }
        c.required_text("summary", &self.summary);
        c.required_text("issuing_body", &self.issuing_body);
        c.in_list("document_type", &self.document_type, &ctx.lists.document_types);
        c.text("number", &self.number);
        c.text("notes", &self.notes);
        c.finish()
    }

    fn normalise(&mut self) {
        if let Some(o) = &mut self.order {
            *o = o.normalize();
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentTypeTotals {
    pub document_type: String,
    pub name_vi: String,
    pub name_en: String,
    pub documents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentSummary {
    pub by_type: Vec<DocumentTypeTotals>,
    pub documents: i64,
}

impl Summarise for DirectiveDocument {
    type Summary = DocumentSummary;
    fn summarise(rows: &[(Period, Self)], lists: &Lists) -> DocumentSummary {
        let mut groups: BTreeMap<String, i64> = BTreeMap::new();
        for (_, d) in rows {
            *groups.entry(d.document_type.clone()).or_default() += 1;
        }
        let by_type = by_list_order(&lists.document_types, groups)
            .into_iter()
            .map(|(code, documents)| {
                let (name_vi, name_en) = term_names(&lists.document_types, &code);
                DocumentTypeTotals {
                    document_type: code,
                    name_vi,
                    name_en,
                    documents,
                }
            })
            .collect();
        DocumentSummary {
            by_type,
            documents: rows.len() as i64,
        }
    }
}
