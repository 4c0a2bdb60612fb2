-- Ten-household units (十联户) and their heads in the change log, so that household chains can
-- be served from memory and follow every edit of what they show: entity 'tenhh', keyed by the
-- ten-household unit's code, for a change of the unit itself (its name or grid), of who heads
-- it (responsibilities with a tenhh_code), or of a head's name or phone. Logged per statement
-- from transition tables, like households, so bulk imports stay fast.
ALTER TABLE changes DROP CONSTRAINT changes_entity_check;
ALTER TABLE changes ADD CONSTRAINT changes_entity_check
    CHECK (entity IN ('unit', 'feature', 'household', 'responsibility', 'tenhh'));

CREATE FUNCTION log_tenhh_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT 'tenhh', n.code, 'insert', 0 FROM new_rows n;
    RETURN NULL;
END $$;

CREATE FUNCTION log_tenhh_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'tenhh', code, 'update', 0 FROM (SELECT code FROM new_rows UNION ALL SELECT code FROM old_rows) r;
    RETURN NULL;
END $$;

CREATE FUNCTION log_tenhh_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT 'tenhh', o.code, 'delete', 0 FROM old_rows o;
    RETURN NULL;
END $$;

CREATE TRIGGER tenhh_units_log_insert AFTER INSERT ON tenhh_units
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_tenhh_inserts();
CREATE TRIGGER tenhh_units_log_update AFTER UPDATE ON tenhh_units
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_tenhh_updates();
CREATE TRIGGER tenhh_units_log_delete AFTER DELETE ON tenhh_units
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_tenhh_deletes();
CREATE TRIGGER tenhh_units_notify AFTER INSERT OR UPDATE OR DELETE ON tenhh_units
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();

-- Responsibilities: as in 006 for units, and now also the ten-household units whose heads
-- changed (the unit itself stays: 'update').
CREATE OR REPLACE FUNCTION log_responsibility_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'responsibility', unit_code, lower(TG_OP), 0
    FROM (SELECT unit_code FROM new_rows UNION ALL SELECT unit_code FROM old_rows) r
    WHERE unit_code IS NOT NULL;
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'tenhh', tenhh_code, 'update', 0
    FROM (SELECT tenhh_code FROM new_rows UNION ALL SELECT tenhh_code FROM old_rows) r
    WHERE tenhh_code IS NOT NULL;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION log_responsibility_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'responsibility', unit_code, 'insert', 0 FROM new_rows WHERE unit_code IS NOT NULL;
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'tenhh', tenhh_code, 'update', 0 FROM new_rows WHERE tenhh_code IS NOT NULL;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION log_responsibility_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'responsibility', unit_code, 'delete', 0 FROM old_rows WHERE unit_code IS NOT NULL;
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'tenhh', tenhh_code, 'update', 0 FROM old_rows WHERE tenhh_code IS NOT NULL;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION log_person_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'responsibility', r.unit_code, 'update', 0
    FROM new_rows n JOIN old_rows o USING (id) JOIN responsibilities r ON r.person_id = n.id
    WHERE r.unit_code IS NOT NULL AND (n.name, n.phone) IS DISTINCT FROM (o.name, o.phone);
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'tenhh', r.tenhh_code, 'update', 0
    FROM new_rows n JOIN old_rows o USING (id) JOIN responsibilities r ON r.person_id = n.id
    WHERE r.tenhh_code IS NOT NULL AND (n.name, n.phone) IS DISTINCT FROM (o.name, o.phone);
    RETURN NULL;
END $$;
