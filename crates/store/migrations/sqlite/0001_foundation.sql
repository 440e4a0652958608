-- Foundation schema (SQLite). Dates are ISO 8601 text; decimals are canonical decimal text,
-- because SQLite has no exact decimal type and binary floats would lose đồng and persons.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('country', 'province', 'district', 'commune')),
    name TEXT NOT NULL CHECK (name <> ''),
    kind TEXT NOT NULL DEFAULT '',
    parent_id INTEGER REFERENCES units (id),
    valid_from TEXT,
    valid_to TEXT,
    CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)
);
CREATE UNIQUE INDEX units_code_version ON units (code, COALESCE(valid_from, ''));
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_level ON units (level, code);

CREATE TABLE unit_successions (
    predecessor_id INTEGER NOT NULL REFERENCES units (id),
    successor_id INTEGER NOT NULL REFERENCES units (id),
    effective TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX unit_successions_successor ON unit_successions (successor_id);

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    name_vi TEXT NOT NULL CHECK (name_vi <> ''),
    name_en TEXT
);

CREATE TABLE objectives (
    number INTEGER PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE indicators (
    code TEXT PRIMARY KEY,
    objective INTEGER NOT NULL REFERENCES objectives (number),
    sort_order INTEGER NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    measure TEXT NOT NULL,
    factor TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    aggregation TEXT NOT NULL,
    lowest_level TEXT NOT NULL,
    numerator_vi TEXT,
    denominator_vi TEXT,
    responsible_agency TEXT NOT NULL DEFAULT '',
    confidence TEXT NOT NULL DEFAULT ''
);

CREATE TABLE national_targets (
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    year INTEGER NOT NULL,
    op TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (indicator_code, year)
);

CREATE TABLE local_targets (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    phase TEXT NOT NULL,
    op TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (unit_id, indicator_code, phase)
);

CREATE TABLE data_elements (
    code TEXT PRIMARY KEY,
    indicator_code TEXT REFERENCES indicators (code),
    sort_order INTEGER NOT NULL,
    role TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    value_type TEXT NOT NULL,
    category_combo TEXT NOT NULL
);

CREATE TABLE data_values (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    element_code TEXT NOT NULL REFERENCES data_elements (code),
    disaggregation TEXT NOT NULL,
    number_value TEXT,
    text_value TEXT,
    comment TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, period, element_code, disaggregation),
    CHECK ((number_value IS NULL) <> (text_value IS NULL))
);
CREATE INDEX data_values_period ON data_values (period, element_code);

-- Every change to a data value: who, when, from where, old and new. Append-only.
CREATE TABLE data_value_audit (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    element_code TEXT NOT NULL,
    disaggregation TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    old_comment TEXT,
    new_comment TEXT,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT ''
);
CREATE INDEX data_value_audit_key ON data_value_audit (unit_id, period, element_code);

CREATE TRIGGER data_value_audit_no_update BEFORE UPDATE ON data_value_audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER data_value_audit_no_delete BEFORE DELETE ON data_value_audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
