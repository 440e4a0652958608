-- How an indicator's data of several periods make one figure (a phase from its years): `sum`
-- for flows, `last` for stocks, with the reason shown beside it. The shipped catalogue's
-- choices are filled in by `init` (time_aggregation.csv); the flows are set here too so that
-- a database made before this knows them at once.
ALTER TABLE indicators ADD COLUMN time_aggregation TEXT NOT NULL DEFAULT 'last';
ALTER TABLE indicators ADD COLUMN time_aggregation_reason_vi TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN time_aggregation_reason_en TEXT NOT NULL DEFAULT '';
UPDATE indicators SET time_aggregation = 'sum'
 WHERE code IN ('3.2a', '3.2b', '3.3', '4.1', '4.2', '4.3', '5.2a', '5.2b', '5.3');
