-- PostGIS for geometry; everything gridmap stores is WGS84 lon/lat (SRID 4326).
-- CGCS2000 (EPSG:4490) input is accepted by the importer as the same coordinates.
CREATE EXTENSION IF NOT EXISTS postgis;
