-- The targets a plan states ("phấn đấu đến năm 2025 đạt 60%"), proposed as the unit's own
-- targets for the phase ending that year; confirmed ones are set as local targets, audited
-- with the file and the quote.
CREATE TABLE import_targets (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES import_batches (id),
    indicator_code TEXT NOT NULL,
    phase TEXT NOT NULL,
    op TEXT NOT NULL,
    value TEXT NOT NULL,
    figure TEXT NOT NULL,
    quote TEXT NOT NULL,
    line INTEGER NOT NULL,
    decision TEXT NOT NULL DEFAULT 'pending'
        CHECK (decision IN ('pending', 'confirmed', 'corrected', 'dropped')),
    corrected_op TEXT,
    corrected_value TEXT,
    decided_by TEXT,
    decided_at TEXT
);
CREATE INDEX import_targets_batch ON import_targets (batch_id);
