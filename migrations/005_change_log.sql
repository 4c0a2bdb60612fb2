-- The change log: one row per committed change to a unit or a reference feature, written by
-- triggers in the same transaction as the change. Everything that must follow edits (the
-- resolver index, the tile cache) reads it by sequence number, which also works on a read
-- replica where NOTIFY is not delivered; the NOTIFY below is only a wake-up hint.
CREATE TABLE changes (
    seq        bigserial PRIMARY KEY,
    entity     text NOT NULL CHECK (entity IN ('unit', 'feature')),
    key        text NOT NULL,
    op         text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    version    integer NOT NULL,
    -- bounding box of the old and new geometry together, so caches can invalidate only what
    -- the change touches
    bbox       box2d,
    txid       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- Before an update or delete, the old version moves to history; the new one gets version + 1.
CREATE FUNCTION units_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO unit_history (code, version, level, name, parent_code, geom, attrs, valid_from, valid_to)
        VALUES (OLD.code, OLD.version, OLD.level, OLD.name, OLD.parent_code, OLD.geom, OLD.attrs, OLD.valid_from, now());
        NEW.version := OLD.version + 1;
        NEW.valid_from := now();
        RETURN NEW;
    END IF;
    INSERT INTO unit_history (code, version, level, name, parent_code, geom, attrs, valid_from, valid_to, deleted)
    VALUES (OLD.code, OLD.version, OLD.level, OLD.name, OLD.parent_code, OLD.geom, OLD.attrs, OLD.valid_from, now(), true);
    RETURN OLD;
END $$;

CREATE TRIGGER units_history BEFORE UPDATE OR DELETE ON units
    FOR EACH ROW EXECUTE FUNCTION units_keep_history();

CREATE FUNCTION features_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO feature_history (id, version, layer, name, geom, attrs, valid_from, valid_to)
        VALUES (OLD.id, OLD.version, OLD.layer, OLD.name, OLD.geom, OLD.attrs, OLD.valid_from, now());
        NEW.version := OLD.version + 1;
        NEW.valid_from := now();
        RETURN NEW;
    END IF;
    INSERT INTO feature_history (id, version, layer, name, geom, attrs, valid_from, valid_to, deleted)
    VALUES (OLD.id, OLD.version, OLD.layer, OLD.name, OLD.geom, OLD.attrs, OLD.valid_from, now(), true);
    RETURN OLD;
END $$;

CREATE TRIGGER features_history BEFORE UPDATE OR DELETE ON features
    FOR EACH ROW EXECUTE FUNCTION features_keep_history();

-- The box around two geometries, either of which may be NULL.
CREATE FUNCTION bbox_union(a geometry, b geometry) RETURNS box2d LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN a IS NULL THEN Box2D(b)
                WHEN b IS NULL THEN Box2D(a)
                ELSE Box2D(ST_Collect(Box2D(a)::geometry, Box2D(b)::geometry)) END
$$;

-- One function per table: PL/pgSQL resolves NEW.code / NEW.id when it plans the statement,
-- so a shared function cannot name either column.
CREATE FUNCTION log_unit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO changes (entity, key, op, version, bbox)
        VALUES ('unit', OLD.code, 'delete', OLD.version, Box2D(OLD.geom));
        RETURN OLD;
    END IF;
    INSERT INTO changes (entity, key, op, version, bbox)
    VALUES ('unit', NEW.code, lower(TG_OP), NEW.version,
            CASE WHEN TG_OP = 'UPDATE' THEN bbox_union(NEW.geom, OLD.geom) ELSE Box2D(NEW.geom) END);
    RETURN NEW;
END $$;

CREATE FUNCTION log_feature_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO changes (entity, key, op, version, bbox)
        VALUES ('feature', OLD.id, 'delete', OLD.version, Box2D(OLD.geom));
        RETURN OLD;
    END IF;
    INSERT INTO changes (entity, key, op, version, bbox)
    VALUES ('feature', NEW.id, lower(TG_OP), NEW.version,
            CASE WHEN TG_OP = 'UPDATE' THEN bbox_union(NEW.geom, OLD.geom) ELSE Box2D(NEW.geom) END);
    RETURN NEW;
END $$;

CREATE TRIGGER units_log AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH ROW EXECUTE FUNCTION log_unit_change();
CREATE TRIGGER features_log AFTER INSERT OR UPDATE OR DELETE ON features
    FOR EACH ROW EXECUTE FUNCTION log_feature_change();

-- One wake-up per statement, not per row: listeners then read the log from their last seq.
CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gridmap_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE TRIGGER units_notify AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
CREATE TRIGGER features_notify AFTER INSERT OR UPDATE OR DELETE ON features
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
