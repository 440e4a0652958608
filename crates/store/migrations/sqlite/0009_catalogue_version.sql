-- A counter that every change to the catalogue's tables raises, by trigger whatever makes the
-- change, so that a server keeps the catalogue in memory and reads it again only when the
-- counter has moved: every save and every page needs the catalogue, which changes a few
-- times a year (crates/store/src/catalogue.rs, `CatalogueCache`).

CREATE TABLE catalogue_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 0);
CREATE TRIGGER objectives_insert_bumps_catalogue AFTER INSERT ON objectives
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER objectives_update_bumps_catalogue AFTER UPDATE ON objectives
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER objectives_delete_bumps_catalogue AFTER DELETE ON objectives
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER indicators_insert_bumps_catalogue AFTER INSERT ON indicators
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER indicators_update_bumps_catalogue AFTER UPDATE ON indicators
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER indicators_delete_bumps_catalogue AFTER DELETE ON indicators
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER national_targets_insert_bumps_catalogue AFTER INSERT ON national_targets
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER national_targets_update_bumps_catalogue AFTER UPDATE ON national_targets
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER national_targets_delete_bumps_catalogue AFTER DELETE ON national_targets
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER data_elements_insert_bumps_catalogue AFTER INSERT ON data_elements
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER data_elements_update_bumps_catalogue AFTER UPDATE ON data_elements
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
CREATE TRIGGER data_elements_delete_bumps_catalogue AFTER DELETE ON data_elements
    BEGIN UPDATE catalogue_version SET version = version + 1; END;
