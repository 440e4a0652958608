-- Every unit's ancestors, itself included: through the hierarchy of its time and, for units
-- that ended with the 2025 reform, through the successor that inherits its data. Derived
-- from units and unit_successions; rebuilt whenever they change.
CREATE TABLE unit_ancestors (
    unit_id BIGINT NOT NULL REFERENCES units (id),
    ancestor_id BIGINT NOT NULL REFERENCES units (id),
    PRIMARY KEY (unit_id, ancestor_id)
);
CREATE INDEX unit_ancestors_ancestor ON unit_ancestors (ancestor_id, unit_id);

-- Live sums of the values entered in each unit's subtree, kept in the same transaction as
-- every write, so that a saved value is in every ancestor's figure at once.
-- `reporting` counts the units of the subtree that contribute to the cell.
CREATE TABLE aggregates (
    unit_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    element_code TEXT NOT NULL,
    disaggregation TEXT NOT NULL,
    value TEXT NOT NULL,
    reporting BIGINT NOT NULL,
    PRIMARY KEY (unit_id, period, element_code, disaggregation)
);
