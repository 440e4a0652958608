-- Validation rules an administrator configures, as data: two expressions over one unit and
-- period, compared by an operator (see binhdang_domain::rules). Built-in rules are generated
-- from the catalogue and are not stored. Expressions are kept in their canonical text.
CREATE TABLE validation_rules (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_vi TEXT NOT NULL CHECK (name_vi <> ''),
    name_en TEXT NOT NULL,
    left_expr TEXT NOT NULL,
    operator TEXT NOT NULL CHECK (operator IN ('=', '!=', '<', '<=', '>', '>=', 'both_or_neither')),
    right_expr TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
    message_vi TEXT NOT NULL,
    message_en TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
