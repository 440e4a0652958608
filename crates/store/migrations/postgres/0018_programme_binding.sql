-- Whom a programme binds beyond its levels (JSON `{"units": ["12"], "agencies": ["ldld-12"]}`;
-- empty lists: everyone). The labour federation's annual programme binds its own agencies,
-- not every commune.
ALTER TABLE programmes ADD COLUMN binds TEXT NOT NULL DEFAULT '{}';
