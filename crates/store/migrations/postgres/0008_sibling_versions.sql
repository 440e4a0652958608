-- What the outlier test against siblings needs to know about writes (crates/store/src/outliers.rs).
-- A server process keeps the values of the units under a parent for a period in memory; every
-- write of a unit's values bumps its parent's version for the period, in the write's own
-- transaction, and records which unit it wrote. A process whose copy carries an older version
-- reads again the units written since, or everything when the record does not reach back.

CREATE TABLE sibling_versions (
    parent_id BIGINT NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (parent_id, period)
);

-- Version `version` of (parent_id, period) wrote the values of unit_id. Only the latest rows
-- are kept; a bulk load bumps the version without a row here (read everything again).
CREATE TABLE sibling_changes (
    parent_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    version BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    PRIMARY KEY (parent_id, period, version)
);
