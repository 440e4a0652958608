//! Reading legacy gender-equality reports and checking them.
//!
//! Units hold years of reports as Word files, text or PDF. This crate reads them
//! ([`read`]: plain text in UTF-8 with HTML fragments and tab-separated tables, DOCX with
//! its paragraphs and real tables, PDF with a text layer), normalises the Vietnamese text
//! ([`normalize`]: NFC, composed or decomposed diacritics, tone placement and `i`/`y`
//! variants for matching), gives it structure ([`document`]: sections, paragraphs mended
//! across page breaks, table rows), extracts its figures with their context
//! ([`figures`]: fractions and their percentages, percentages, counts with units and sex,
//! sex ratios, rates, money, years, periods, dates, table rows) in the Vietnamese number
//! format (`1.260` = 1260, `63,6` = 63.6, `04` = 4), and reports every inconsistency
//! ([`check`], [`tables`]): percentages that do not match their fractions, shares above
//! 100%, parts that do not add up, results said to be met that miss the national target,
//! and the same quantity given twice with different values.
//!
//! For importing a report into the store, [`proposals`] suggests the catalogue's data
//! values each figure states, for a person to confirm; [`plan`] reads a plan, directive or
//! official letter and proposes its tasks (lead body, partners, deadline, recurrence) the
//! same way.
//!
//! The catalogue of indicators comes in as data ([`binhdang_domain::Indicator`]); the
//! command line passes the shipped one.
//!
//! ```
//! let report = binhdang_ingest::check_bytes(
//!     "a.txt",
//!     "Số nữ thạc sĩ: 12/18 người, đạt 66,66%.".as_bytes(),
//!     &[],
//! )
//! .unwrap();
//! assert_eq!(report.findings.len(), 1);
//! assert_eq!(report.findings[0].expected, "66,67%");
//! ```

pub mod annex;
pub mod check;
pub mod document;
pub mod figures;
pub mod indicators;
pub mod normalize;
pub mod plan;
pub mod proposals;
pub mod read;
pub mod tables;
pub mod tokens;

pub use check::{CheckFinding, CheckFindingKind, Severity};
pub use document::{SourceDocument, structure};
pub use figures::{FigureKind, Position, Sex, StatedFigure};
pub use proposals::{Confidence, Proposal, ProposedValue, proposals, proposals_bytes};
pub use read::{Format, ReadError, read_bytes, read_path};

use binhdang_domain::Indicator;
use serde::Serialize;
use std::path::Path;

/// What checking one document found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub file: String,
    pub format: Format,
    /// The year the document reports on, which picks the national milestone (2025 or 2030).
    pub year: i32,
    pub figures: Vec<StatedFigure>,
    pub findings: Vec<CheckFinding>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Warning).count()
    }
}

/// Figures and findings of a structured document.
pub fn analyse(file: &str, doc: &SourceDocument, indicators: &[Indicator]) -> Report {
    let segs = figures::segments(doc);
    let items = figures::extract(doc, &segs);
    let year = check::document_year(&segs);
    let mut findings = check::check_items(doc, &segs, &items, indicators);
    let (table_figures, table_findings) = tables::check_tables(doc, indicators, year);
    findings.extend(table_findings);
    // One finding per place and kind: the same error seen by two checks is one error.
    findings.sort_by(|a, b| {
        (a.position.line, a.position.cell, a.position.column, a.kind).cmp(&(
            b.position.line,
            b.position.cell,
            b.position.column,
            b.kind,
        ))
    });
    findings.dedup_by(|a, b| a.kind == b.kind && a.position == b.position && a.stated == b.stated);
    let mut figures: Vec<StatedFigure> = items.into_iter().map(|i| i.fig).collect();
    figures.extend(table_figures);
    figures.sort_by_key(|f| (f.position.line, f.position.cell, f.position.column));
    Report {
        file: file.to_string(),
        format: doc.format,
        year,
        figures,
        findings,
    }
}

/// Reads and checks a document given as bytes.
pub fn check_bytes(file: &str, bytes: &[u8], indicators: &[Indicator]) -> Result<Report, ReadError> {
    let raw = read_bytes(bytes)?;
    Ok(analyse(file, &structure(&raw), indicators))
}

/// Reads and checks a file.
pub fn check_path(path: &Path, indicators: &[Indicator]) -> Result<Report, ReadError> {
    let raw = read_path(path)?;
    Ok(analyse(&path.display().to_string(), &structure(&raw), indicators))
}
