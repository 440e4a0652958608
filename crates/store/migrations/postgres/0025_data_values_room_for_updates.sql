-- A commune's values are rewritten by each of its saves (the form is saved again and again
-- until it is submitted). Room left on each page lets PostgreSQL write a value's new version
-- beside the old one without adding entries to the table's two indexes (a "HOT" update: no
-- indexed column changes), as 0010 does for the sums. New pages keep the room.
ALTER TABLE data_values SET (fillfactor = 70);
