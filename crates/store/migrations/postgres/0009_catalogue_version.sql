-- A counter that every change to the catalogue's tables raises, by trigger whatever makes the
-- change, so that a server keeps the catalogue in memory and reads it again only when the
-- counter has moved: every save and every page needs the catalogue, which changes a few
-- times a year (crates/store/src/catalogue.rs, `CatalogueCache`).

CREATE TABLE catalogue_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 0);

CREATE FUNCTION bump_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalogue_version SET version = version + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER objectives_bumps_catalogue AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON objectives
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER indicators_bumps_catalogue AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER national_targets_bumps_catalogue AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON national_targets
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER data_elements_bumps_catalogue AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON data_elements
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
