-- Administrative units of every level: county → town → village → group → grid.
-- `units` holds the current version of each unit; `unit_history` keeps every earlier version,
-- so a boundary can later be read as it was at a date (valid_from <= at < valid_to).
CREATE TABLE units (
    code         text PRIMARY KEY,
    level        text NOT NULL,
    name         text NOT NULL,
    parent_code  text,
    parent_level text,
    county_code  text NOT NULL GENERATED ALWAYS AS (left(code, 6)) STORED,
    geom         geometry(MultiPolygon, 4326),
    attrs        jsonb NOT NULL DEFAULT '{}'::jsonb,
    version      integer NOT NULL DEFAULT 1,
    valid_from   timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT units_level_known CHECK (level IN ('county', 'town', 'village', 'group', 'grid')),
    CONSTRAINT units_code_digits CHECK (code ~ '^[0-9]+$'),
    CONSTRAINT units_code_length_matches_level CHECK (
           (level = 'county'  AND length(code) = 6)
        OR (level = 'town'    AND length(code) = 9)
        OR (level = 'village' AND length(code) = 12)
        OR (level = 'group'   AND length(code) = 15)
        OR (level = 'grid'    AND length(code) IN (15, 18))),
    -- The parent's level follows from the child's level (a grid sits under a village or a group)
    -- and its code is the child's code without the last three digits.
    CONSTRAINT units_parent_level_allowed CHECK (
           (level = 'county'  AND parent_code IS NULL AND parent_level IS NULL)
        OR (level = 'town'    AND parent_level = 'county')
        OR (level = 'village' AND parent_level = 'town')
        OR (level = 'group'   AND parent_level = 'village')
        OR (level = 'grid'    AND length(code) = 15 AND parent_level = 'village')
        OR (level = 'grid'    AND length(code) = 18 AND parent_level = 'group')),
    CONSTRAINT units_parent_code_is_prefix CHECK (
        parent_code IS NULL OR (length(parent_code) = length(code) - 3 AND left(code, length(parent_code)) = parent_code)),
    CONSTRAINT units_geom_valid CHECK (geom IS NULL OR ST_IsValid(geom)),
    CONSTRAINT units_code_level_unique UNIQUE (code, level),
    -- The parent must exist, at the level the check above allows. Deferrable so a file can
    -- carry parents and children in any order.
    CONSTRAINT units_parent_exists FOREIGN KEY (parent_code, parent_level)
        REFERENCES units (code, level) DEFERRABLE INITIALLY DEFERRED
);

CREATE INDEX units_geom_idx ON units USING gist (geom);
CREATE INDEX units_parent_idx ON units (parent_code);
CREATE INDEX units_level_idx ON units (level);

CREATE TABLE unit_history (
    code        text NOT NULL,
    version     integer NOT NULL,
    level       text NOT NULL,
    name        text NOT NULL,
    parent_code text,
    geom        geometry(MultiPolygon, 4326),
    attrs       jsonb NOT NULL,
    valid_from  timestamptz NOT NULL,
    valid_to    timestamptz NOT NULL,
    deleted     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (code, version)
);
CREATE INDEX unit_history_geom_idx ON unit_history USING gist (geom);
