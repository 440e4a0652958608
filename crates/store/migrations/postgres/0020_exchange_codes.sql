-- The codes another system (DHIS2 and its family) uses where they are not binhdang's: a data
-- element with its breakdown, or a unit. Rows without a match keep binhdang's own codes.
CREATE TABLE exchange_codes (
    kind TEXT NOT NULL CHECK (kind IN ('element', 'unit')),
    local_code TEXT NOT NULL,
    breakdown TEXT NOT NULL DEFAULT '',
    remote_code TEXT NOT NULL,
    remote_combo TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (kind, local_code, breakdown)
);
