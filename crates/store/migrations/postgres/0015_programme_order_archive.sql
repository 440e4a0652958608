-- Programmes keep the order they were added in, so that the programme a period is reported
-- under by default never changes when another one (a federation's, a department's) is added
-- for the same period type; and a programme can be archived, its history kept.
ALTER TABLE programmes ADD COLUMN added_at TEXT;
ALTER TABLE programmes ADD COLUMN archived_on TEXT;
