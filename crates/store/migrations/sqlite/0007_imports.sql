-- Importing the figures of a legacy report: a batch per uploaded file for one unit and
-- period, and per data value a figure implies a proposal that a person confirms, corrects
-- or drops. Confirmed values are written through the ordinary validated, audited path; the
-- audit row then says where the value came from (source: "file — quote").

ALTER TABLE data_value_audit ADD COLUMN source TEXT;

CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- open: proposals are being decided; stored: the confirmed values are in data_values.
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'stored')),
    stored_by TEXT,
    stored_at TEXT
);
CREATE INDEX import_batches_unit ON import_batches (unit_id, period);

CREATE TABLE import_proposals (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES import_batches (id),
    -- Proposals made from one figure share a group (a fraction gives a numerator and a denominator).
    figure_group INTEGER NOT NULL,
    indicator_code TEXT NOT NULL,
    figure TEXT NOT NULL,
    quote TEXT NOT NULL,
    line INTEGER NOT NULL,
    cell INTEGER,
    col INTEGER NOT NULL,
    element_code TEXT NOT NULL,
    disaggregation TEXT NOT NULL,
    value TEXT NOT NULL,
    confidence TEXT NOT NULL CHECK (confidence IN ('high', 'low')),
    reason_vi TEXT NOT NULL,
    reason_en TEXT NOT NULL,
    flag_vi TEXT,
    flag_en TEXT,
    decision TEXT NOT NULL DEFAULT 'pending'
        CHECK (decision IN ('pending', 'confirmed', 'corrected', 'dropped')),
    -- What a correction changed; the proposed element and value stay as they were proposed.
    corrected_element TEXT,
    corrected_disaggregation TEXT,
    corrected_value TEXT,
    decided_by TEXT,
    decided_at TEXT
);
CREATE INDEX import_proposals_batch ON import_proposals (batch_id);
