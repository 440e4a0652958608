-- Accounts, sessions and tokens; the general audit log; reporting programmes and the
-- workflow of each unit's report. Times are RFC 3339 text (UTC), dates ISO 8601 text.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE CHECK (username <> ''),
    role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'reviewer', 'leader', 'viewer')),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    agency_code TEXT,
    password_hash TEXT NOT NULL,
    -- 1 until the user has chosen a password of their own (first administrator, resets).
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- Only hashes of session ids and tokens are stored; the secrets live with their holders.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE access_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

CREATE TABLE sign_in_attempts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    at TEXT NOT NULL,
    succeeded INTEGER NOT NULL
);
CREATE INDEX sign_in_attempts_username ON sign_in_attempts (username, at);
CREATE INDEX sign_in_attempts_address ON sign_in_attempts (address, at);

-- Everything that changes besides data values (those are in data_value_audit): users,
-- targets, rules, workflow states, unlocks, and refused access. Append-only.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    unit_id INTEGER,
    period TEXT,
    subject TEXT NOT NULL DEFAULT '',
    old_value TEXT,
    new_value TEXT,
    reason TEXT
);
CREATE INDEX audit_log_unit ON audit_log (unit_id, period);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TABLE programmes (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    period_type TEXT NOT NULL,
    half INTEGER,
    -- JSON: [["commune", {"month": 6, "day": 5, "year_offset": 0}], …]
    deadlines TEXT NOT NULL
);

-- A period closes for entry on a date; after that, entry needs an unlock.
CREATE TABLE period_closures (
    programme_code TEXT NOT NULL REFERENCES programmes (code),
    period TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    PRIMARY KEY (programme_code, period)
);

CREATE TABLE unlocks (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    until TEXT NOT NULL,
    reason TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL
);
CREATE INDEX unlocks_unit ON unlocks (unit_id, period);

CREATE TABLE submissions (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    programme_code TEXT NOT NULL REFERENCES programmes (code),
    period TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'approved')),
    first_submitted_at TEXT,
    comment TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, programme_code, period)
);
CREATE INDEX submissions_period ON submissions (programme_code, period, state);

-- A child excused from its parent's approval, with the reason.
CREATE TABLE excuses (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    programme_code TEXT NOT NULL REFERENCES programmes (code),
    period TEXT NOT NULL,
    reason TEXT NOT NULL,
    excused_by TEXT NOT NULL,
    excused_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, programme_code, period)
);

-- The same sums as `aggregates`, over approved reports only; kept on approval and reopening.
CREATE TABLE approved_aggregates (
    unit_id INTEGER NOT NULL,
    period TEXT NOT NULL,
    element_code TEXT NOT NULL,
    disaggregation TEXT NOT NULL,
    value TEXT NOT NULL,
    reporting INTEGER NOT NULL,
    PRIMARY KEY (unit_id, period, element_code, disaggregation)
);

-- Which indicators an agency of a unit answers for; an officer tied to an agency enters only those.
CREATE TABLE agency_indicators (
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    PRIMARY KEY (agency_code, indicator_code)
);
