-- Thresholds of small-cell protection set by an administrator for a data element; an element
-- without a row follows the default rule (counts of persons below 5 are protected). A
-- threshold of 0 protects nothing.
CREATE TABLE small_cell_thresholds (
    element_code TEXT PRIMARY KEY REFERENCES data_elements (code),
    threshold INTEGER NOT NULL CHECK (threshold >= 0),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
