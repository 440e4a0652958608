-- The sums of the provinces and the country are rewritten by every save below them (hundreds a
-- second on deadline day). Leaving half of each page free lets PostgreSQL write a cell's new
-- version beside the old one without touching the primary-key index (a "HOT" update) and prune
-- the dead versions as it goes, instead of growing long chains that every read must walk.
ALTER TABLE aggregates SET (fillfactor = 50);
ALTER TABLE approved_aggregates SET (fillfactor = 50);
ALTER TABLE sibling_versions SET (fillfactor = 50);
