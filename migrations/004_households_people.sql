-- Ten-household units (十联户) under grids, the households in them, and the people answerable
-- for each level. Household data is personal: it never goes into a public map.
CREATE TABLE tenhh_units (
    code      text PRIMARY KEY,
    grid_code text NOT NULL REFERENCES units (code) DEFERRABLE INITIALLY DEFERRED,
    name      text NOT NULL DEFAULT '',
    CONSTRAINT tenhh_code_extends_grid CHECK (
        code ~ '^[0-9]+$' AND length(code) = length(grid_code) + 3 AND left(code, length(grid_code)) = grid_code)
);
CREATE INDEX tenhh_units_grid_idx ON tenhh_units (grid_code);

CREATE TABLE households (
    id          text PRIMARY KEY,
    unit_code   text NOT NULL REFERENCES tenhh_units (code) DEFERRABLE INITIALLY DEFERRED,
    county_code text NOT NULL GENERATED ALWAYS AS (left(unit_code, 6)) STORED,
    address     text NOT NULL DEFAULT '',
    members     integer NOT NULL DEFAULT 1 CHECK (members BETWEEN 1 AND 100),
    geom        geometry(Point, 4326) NOT NULL
);
CREATE INDEX households_unit_idx ON households (unit_code);
CREATE INDEX households_geom_idx ON households USING gist (geom);

CREATE TABLE people (
    id    text PRIMARY KEY,
    name  text NOT NULL,
    phone text NOT NULL DEFAULT ''
);

-- A person answers for exactly one unit or ten-household unit per row, in a role that fits
-- that unit's level (checked by the importer and by responsibilities_role_fits_level).
CREATE TABLE responsibilities (
    person_id  text NOT NULL REFERENCES people (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    role       text NOT NULL,
    unit_code  text REFERENCES units (code) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    tenhh_code text REFERENCES tenhh_units (code) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT responsibilities_one_target CHECK ((unit_code IS NULL) <> (tenhh_code IS NULL)),
    CONSTRAINT responsibilities_role_known CHECK (role IN (
        'county_secretary', 'town_director', 'village_secretary', 'group_head',
        'grid_head', 'grid_worker', 'unit_head')),
    CONSTRAINT responsibilities_unit_head_on_tenhh CHECK ((role = 'unit_head') = (tenhh_code IS NOT NULL))
);
CREATE UNIQUE INDEX responsibilities_unique
    ON responsibilities (person_id, role, coalesce(unit_code, ''), coalesce(tenhh_code, ''));
CREATE INDEX responsibilities_unit_idx ON responsibilities (unit_code);
CREATE INDEX responsibilities_tenhh_idx ON responsibilities (tenhh_code);
