-- The annex tables of a legacy report (its directive documents, …) proposed as register rows:
-- a person confirms, corrects or drops each, as with the figures' proposals; confirmed rows
-- are stored with the file and the row's quote as their source, which the register's audit
-- trail now keeps.

ALTER TABLE register_audit ADD COLUMN source TEXT;

CREATE TABLE import_rows (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES import_batches (id),
    register TEXT NOT NULL,
    line INTEGER NOT NULL,
    quote TEXT NOT NULL,
    -- The register's fields as text, a JSON object.
    fields TEXT NOT NULL,
    decision TEXT NOT NULL DEFAULT 'pending'
        CHECK (decision IN ('pending', 'confirmed', 'corrected', 'dropped')),
    -- A correction: the fields to use instead, a JSON object.
    corrected_fields TEXT,
    decided_by TEXT,
    decided_at TEXT
);
CREATE INDEX import_rows_batch ON import_rows (batch_id);
