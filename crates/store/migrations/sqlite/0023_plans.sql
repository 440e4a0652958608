-- Plans and directives (kế hoạch, chỉ thị, công văn, quyết định, hướng dẫn) and the tasks they
-- assign to agencies and units, followed to completion. A task's shown status (overdue, done
-- late) is derived from what is stored here and the day it is read, never stored.

-- Files kept with their checksum: a plan's own document, a task's evidence. Base64 text,
-- because every column of the project is an integer or text (backup writes them as JSON).
CREATE TABLE stored_files (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    content_base64 TEXT NOT NULL,
    stored_by TEXT NOT NULL,
    stored_at TEXT NOT NULL
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    -- The unit whose plan it is (the province, for a provincial committee's plan).
    unit_id INTEGER NOT NULL REFERENCES units (id),
    kind TEXT NOT NULL CHECK (kind IN ('ke-hoach', 'chi-thi', 'cong-van', 'quyet-dinh', 'huong-dan')),
    doc_number TEXT,
    issued_on TEXT,
    issuing_body TEXT NOT NULL CHECK (issuing_body <> ''),
    summary TEXT NOT NULL CHECK (summary <> ''),
    -- The period or phase it covers: `2024`, `2021-2025`.
    period TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'superseded')),
    file_id INTEGER REFERENCES stored_files (id),
    -- The documents register row made when it was issued.
    document_row_id INTEGER REFERENCES register_documents (id),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX plans_unit ON plans (unit_id, period);

CREATE TABLE plan_tasks (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    -- Where it comes from in the plan: `II.1.2`.
    item TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL CHECK (text <> ''),
    -- The lead body: an agency, else a unit, and always its name as written.
    lead_unit_id INTEGER REFERENCES units (id),
    lead_agency_id INTEGER REFERENCES agencies (id),
    lead_name TEXT NOT NULL CHECK (lead_name <> ''),
    -- The cooperating bodies, a JSON list of {"unit", "agency", "name"}.
    partners TEXT NOT NULL DEFAULT '[]',
    -- The first (or only) due date; later ones follow by the recurrence.
    due TEXT,
    recurrence TEXT NOT NULL DEFAULT 'once'
        CHECK (recurrence IN ('once', 'monthly', 'quarterly', 'half_yearly', 'yearly', 'action_month')),
    expected_output TEXT,
    -- Indicator codes the task serves, a JSON list.
    indicators TEXT NOT NULL DEFAULT '[]',
    progress TEXT NOT NULL DEFAULT 'not_started'
        CHECK (progress IN ('not_started', 'in_progress', 'done', 'cancelled')),
    -- The day the task (its last occurrence) was done.
    done_on TEXT,
    -- The due dates of the occurrences reported done, a JSON list.
    done_occurrences TEXT NOT NULL DEFAULT '[]',
    cancel_reason TEXT,
    -- "file — quote" when the task was proposed from a plan's document.
    source TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX plan_tasks_plan ON plan_tasks (plan_id);
CREATE INDEX plan_tasks_lead_unit ON plan_tasks (lead_unit_id);
CREATE INDEX plan_tasks_lead_agency ON plan_tasks (lead_agency_id);

-- Progress reported by the responsible body, with its evidence: the task's history.
-- Append-only.
CREATE TABLE task_updates (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES plan_tasks (id),
    progress TEXT NOT NULL CHECK (progress IN ('not_started', 'in_progress', 'done', 'cancelled')),
    -- The due date of the occurrence it reports on.
    occurrence TEXT,
    -- The day the work was done or the report made.
    reported_on TEXT NOT NULL,
    note TEXT,
    evidence_file_id INTEGER REFERENCES stored_files (id),
    evidence_register TEXT,
    evidence_row_id INTEGER,
    evidence_link TEXT,
    reported_by TEXT NOT NULL,
    reported_at TEXT NOT NULL
);
CREATE INDEX task_updates_task ON task_updates (task_id);
CREATE TRIGGER task_updates_no_update BEFORE UPDATE ON task_updates
BEGIN
    SELECT RAISE(ABORT, 'task updates are append-only');
END;
CREATE TRIGGER task_updates_no_delete BEFORE DELETE ON task_updates
BEGIN
    SELECT RAISE(ABORT, 'task updates are append-only');
END;

-- A reporting programme a directive created (its reporting duty). Not a foreign key:
-- programmes are older than plans, and a backup restores tables in the order they were made.
ALTER TABLE programmes ADD COLUMN plan_id INTEGER;
