-- The narrative blocks of a unit's report for a period (difficulties, causes, tasks ahead,
-- proposals, …): written by people, kept per unit × period × section, and printed as they
-- are in the generated DOCX and PDF. Every change is in audit_log (action report.narrative).

CREATE TABLE report_narratives (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    section TEXT NOT NULL CHECK (section <> ''),
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, period, section)
);
