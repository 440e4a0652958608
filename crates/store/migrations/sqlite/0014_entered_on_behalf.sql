-- A value keyed in by someone of another unit — a provincial reviewer entering a commune's
-- paper report — records that unit: the audit shows the value was entered on the commune's
-- behalf, and by whom.
ALTER TABLE data_value_audit ADD COLUMN entered_from TEXT;
