//! Addresses of the pages that link to one another, in one place so that a page can point
//! at another without importing it.

/// The registers (annex tables) of a unit and period.
pub const REGISTERS: &str = "/so-theo-doi";

/// Spreadsheet upload of a filled-in entry form.
pub const UPLOAD: &str = "/nhap-lieu/tai-len";
