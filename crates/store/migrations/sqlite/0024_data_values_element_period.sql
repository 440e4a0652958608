-- A unit's values for a period are read by the primary key (unit_id, period, …). The index
-- for "every unit's value of one element and period" led with the period, so while the
-- planner's statistics did not know a period yet (a new database, a new half-year) it could
-- pick that index for a unit's own values and read every value of the period instead. Led
-- by the element, it can only serve the queries that name one.
DROP INDEX data_values_period;
CREATE INDEX data_values_element_period ON data_values (element_code, period);
