//! Official reports of binhdang in the layout of Nghị định 30/2020/NĐ-CP: the period report
//! on the National Strategy on Gender Equality, the indicator assessment table, the annex
//! tables (activities, communication products, directive documents, budget) and the Action
//! Month report, as DOCX (editable), PDF and XLSX (every table, typed numbers).
//!
//! Two steps: [`build`] reads the store and makes a [`Document`] (the model every format
//! draws); [`render`] draws it. Every number in a document is read from the store and
//! written the Vietnamese way; nothing is typed by hand.

mod build;
mod docx;
mod facts;
mod law;
pub mod model;
mod organisation;
mod pdf;
mod register_tables;
mod review;
pub mod sheets;
mod tasks;
pub mod template;
pub mod words;
mod xlsx;

pub use build::{Request, build, serial_date};
pub use model::Document;
pub use template::{Template, TemplateError};

use binhdang_domain::{Period, Window};
use binhdang_store::StoreError;
use std::fmt;
use std::str::FromStr;

/// The documents binhdang writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The period report on the National Strategy, with the assessment table and the
    /// register annexes.
    Strategy,
    /// The indicator assessment table.
    Assessment,
    /// The activity summary annex.
    Activities,
    /// The communication products annex.
    Communication,
    /// The register of directive documents.
    Documents,
    /// Budget by year and source.
    Budget,
    /// The Action Month report (15/11–15/12); a year's period means that year's Action Month.
    ActionMonth,
    /// The review of a phase (2021-2025): each year's figures, the registers over the phase,
    /// the overall assessment and the next phase's targets.
    Review,
    /// The report on the Gender Equality Law (báo cáo thi hành Luật Bình đẳng giới) over
    /// any window, typically exact dates: `2021-01-01..2024-07-31`.
    LawReview,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Strategy,
        Kind::Assessment,
        Kind::Activities,
        Kind::Communication,
        Kind::Documents,
        Kind::Budget,
        Kind::ActionMonth,
        Kind::Review,
        Kind::LawReview,
    ];

    pub fn slug(&self) -> &'static str {
        match self {
            Kind::Strategy => "strategy",
            Kind::Assessment => "assessment",
            Kind::Activities => "activities",
            Kind::Communication => "communication",
            Kind::Documents => "documents",
            Kind::Budget => "budget",
            Kind::ActionMonth => "action-month",
            Kind::Review => "review",
            Kind::LawReview => "law-review",
        }
    }

    pub fn name_vi(&self) -> &'static str {
        match self {
            Kind::Strategy => "Báo cáo kết quả thực hiện Chiến lược quốc gia về bình đẳng giới",
            Kind::Assessment => "Biểu đánh giá kết quả thực hiện các chỉ tiêu",
            Kind::Activities => "Phụ lục tổng hợp hoạt động",
            Kind::Communication => "Phụ lục sản phẩm truyền thông",
            Kind::Documents => "Phụ lục văn bản chỉ đạo",
            Kind::Budget => "Phụ lục kinh phí",
            Kind::ActionMonth => "Báo cáo Tháng hành động vì bình đẳng giới",
            Kind::Review => "Báo cáo tổng kết giai đoạn thực hiện Chiến lược quốc gia về bình đẳng giới",
            Kind::LawReview => "Báo cáo kết quả thi hành Luật Bình đẳng giới",
        }
    }

    pub fn name_en(&self) -> &'static str {
        match self {
            Kind::Strategy => "Report on the National Strategy on Gender Equality",
            Kind::Assessment => "Indicator assessment table",
            Kind::Activities => "Annex: activities",
            Kind::Communication => "Annex: communication products",
            Kind::Documents => "Annex: directive documents",
            Kind::Budget => "Annex: budget",
            Kind::ActionMonth => "Action Month report",
            Kind::Review => "Phase review of the National Strategy",
            Kind::LawReview => "Report on the Gender Equality Law",
        }
    }

    /// Whether the kind is written for a window: the Action Month report is a year's (or an
    /// Action Month's), the review a phase's, the others any period's, range's or dates'.
    pub fn fits(&self, window: &Window) -> bool {
        match self {
            Kind::ActionMonth => matches!(window.period(), Some(Period::Year(_) | Period::ActionMonth(_))),
            Kind::Review => matches!(window.period(), Some(Period::Phase { .. })),
            _ => true,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Kind, String> {
        Kind::ALL.into_iter().find(|k| k.slug() == s.trim()).ok_or_else(|| {
            let known: Vec<&str> = Kind::ALL.iter().map(Kind::slug).collect();
            format!("`{s}` is not a report: {}", known.join(", "))
        })
    }
}

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Docx,
    Pdf,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Docx, Format::Pdf, Format::Xlsx];

    pub fn extension(&self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(&self) -> &'static str {
        match self {
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "docx" => Ok(Format::Docx),
            "pdf" => Ok(Format::Pdf),
            "xlsx" => Ok(Format::Xlsx),
            other => Err(format!("`{other}` is not a report format: docx, pdf or xlsx")),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("a review is written for a phase (e.g. 2021-2025), not for {0}")]
    NotAPhase(String),
    #[error("the {kind} report is written for a year or an Action Month, not for {window}")]
    NotForWindow { kind: Kind, window: String },
    #[error("cannot write the {format} file: {message}")]
    Render { format: &'static str, message: String },
}

/// Draws a document in a format.
pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Docx => docx::render(doc),
        Format::Pdf => pdf::render(doc),
        Format::Xlsx => xlsx::render(doc),
    }
}

/// The file name of a document in a format: `strategy-12-2024.pdf`.
pub fn file_name(doc: &Document, format: Format) -> String {
    format!("{}.{}", doc.file_stem, format.extension())
}
