-- An agency's part of a unit's report (Sở Y tế's indicators of the province's annual report):
-- submitted by the agency's officer, returned by the unit's reviewer with a reason. The
-- unit's report is then consolidated from its units below and these parts.
CREATE TABLE agency_submissions (
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    programme_code TEXT NOT NULL REFERENCES programmes (code),
    period TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('submitted', 'returned')),
    first_submitted_at TEXT NOT NULL,
    comment TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (agency_code, programme_code, period)
);
