-- Households and the people answerable for units change too, and followers need them: the
-- private tile set draws households, grid polygons carry the grid worker's name and the
-- resolver's chains carry everyone's names and phones. They go into the same change log.
--
-- Households and responsibilities are written in bulk by imports (hundreds of thousands of
-- rows), so they are logged per statement from transition tables, not per row.
ALTER TABLE changes DROP CONSTRAINT changes_entity_check;
ALTER TABLE changes ADD CONSTRAINT changes_entity_check
    CHECK (entity IN ('unit', 'feature', 'household', 'responsibility'));

-- household: key is the household id, bbox the old and new points.
CREATE FUNCTION log_household_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version, bbox)
    SELECT 'household', n.id, 'insert', 0, Box2D(n.geom) FROM new_rows n;
    RETURN NULL;
END $$;

CREATE FUNCTION log_household_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version, bbox)
    SELECT 'household', n.id, 'update', 0, bbox_union(n.geom, o.geom)
    FROM new_rows n JOIN old_rows o USING (id);
    RETURN NULL;
END $$;

CREATE FUNCTION log_household_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version, bbox)
    SELECT 'household', o.id, 'delete', 0, Box2D(o.geom) FROM old_rows o;
    RETURN NULL;
END $$;

CREATE TRIGGER households_log_insert AFTER INSERT ON households
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_household_inserts();
CREATE TRIGGER households_log_update AFTER UPDATE ON households
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_household_updates();
CREATE TRIGGER households_log_delete AFTER DELETE ON households
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_household_deletes();

-- responsibility: key is the unit code whose list of people changed (ten-household unit
-- heads are not logged: no follower shows them). A person's new name or phone changes the
-- lists of every unit they answer for.
CREATE FUNCTION log_responsibility_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'responsibility', unit_code, lower(TG_OP), 0
    FROM (SELECT unit_code FROM new_rows UNION ALL SELECT unit_code FROM old_rows) r
    WHERE unit_code IS NOT NULL;
    RETURN NULL;
END $$;

-- Transition tables exist only for the events a trigger has, so inserts and deletes get
-- empty stand-ins for the side they lack.
CREATE FUNCTION log_responsibility_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'responsibility', unit_code, 'insert', 0 FROM new_rows WHERE unit_code IS NOT NULL;
    RETURN NULL;
END $$;

CREATE FUNCTION log_responsibility_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'responsibility', unit_code, 'delete', 0 FROM old_rows WHERE unit_code IS NOT NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER responsibilities_log_insert AFTER INSERT ON responsibilities
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_responsibility_inserts();
CREATE TRIGGER responsibilities_log_update AFTER UPDATE ON responsibilities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_responsibility_changes();
CREATE TRIGGER responsibilities_log_delete AFTER DELETE ON responsibilities
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION log_responsibility_deletes();

CREATE FUNCTION log_person_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (entity, key, op, version)
    SELECT DISTINCT 'responsibility', r.unit_code, 'update', 0
    FROM new_rows n JOIN old_rows o USING (id) JOIN responsibilities r ON r.person_id = n.id
    WHERE r.unit_code IS NOT NULL AND (n.name, n.phone) IS DISTINCT FROM (o.name, o.phone);
    RETURN NULL;
END $$;

CREATE TRIGGER people_log_update AFTER UPDATE ON people
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_person_updates();

CREATE TRIGGER households_notify AFTER INSERT OR UPDATE OR DELETE ON households
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
CREATE TRIGGER responsibilities_notify AFTER INSERT OR UPDATE OR DELETE ON responsibilities
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
