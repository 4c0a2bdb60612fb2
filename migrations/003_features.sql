-- Reference features that grids are drawn from (courtyards, relocation sites, valleys, roads,
-- urban compounds and enterprises). Each carries the county code for later sharding.
CREATE TABLE features (
    id          text PRIMARY KEY,
    layer       text NOT NULL,
    name        text NOT NULL DEFAULT '',
    county_code text NOT NULL,
    geom        geometry(Geometry, 4326) NOT NULL,
    attrs       jsonb NOT NULL DEFAULT '{}'::jsonb,
    version     integer NOT NULL DEFAULT 1,
    valid_from  timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT features_layer_known CHECK (
        layer IN ('courtyard', 'relocation_site', 'valley', 'road', 'compound', 'enterprise')),
    CONSTRAINT features_geom_type CHECK (
        (layer = 'road' AND GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING'))
        OR (layer <> 'road' AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON'))),
    CONSTRAINT features_geom_valid CHECK (ST_IsValid(geom)),
    CONSTRAINT features_county_code CHECK (county_code ~ '^[0-9]{6}$')
);
CREATE INDEX features_geom_idx ON features USING gist (geom);
CREATE INDEX features_layer_idx ON features (layer);

CREATE TABLE feature_history (
    id         text NOT NULL,
    version    integer NOT NULL,
    layer      text NOT NULL,
    name       text NOT NULL,
    geom       geometry(Geometry, 4326) NOT NULL,
    attrs      jsonb NOT NULL,
    valid_from timestamptz NOT NULL,
    valid_to   timestamptz NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (id, version)
);
