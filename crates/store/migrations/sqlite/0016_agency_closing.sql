-- An agency (a department, a mass organisation) can be closed from a date — the 2025 reform
-- abolished several — and keeps its rows, its history (in the audit log) and its code.
ALTER TABLE agencies ADD COLUMN closed_on TEXT;
