package postgis

import (
	"context"

	"github.com/gridmap/gridmap/geo"
)

// ExportCollection returns the units of a level, or the features of a reference layer, under
// the unit code prefix under ("" for all; features go by their county), as one GeoJSON FeatureCollection in
// longitude/latitude with every coordinate digit kept, and how many features it holds.
func (db *DB) ExportCollection(ctx context.Context, name, under string) ([]byte, int, error) {
	var sql string
	_, levelErr := geo.ParseLevel(name)
	switch {
	case levelErr == nil:
		sql = exportUnitsSQL
	case geo.Layer(name).Known():
		sql = exportFeaturesSQL
	default:
		return nil, 0, geo.FieldError("collection", "%q is neither a level (%v) nor a reference layer (%v)", name, geo.LevelNames(), geo.Layers)
	}
	var out []byte
	var n int
	if err := db.pool.QueryRow(ctx, sql, name, under).Scan(&out, &n); err != nil {
		return nil, 0, err
	}
	return out, n, nil
}

// Attributes go out as properties of their own, as the importer reads them, so an exported
// file imports back unchanged.
const exportUnitsSQL = `
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(f ORDER BY code), '[]'::json)),
       count(*)
FROM (SELECT code, json_build_object('type', 'Feature',
                 'properties', attrs || jsonb_build_object('code', code, 'name', name, 'level', level, 'parent_code', parent_code),
                 'geometry', ST_AsGeoJSON(geom, 15)::json) AS f
      FROM units
      WHERE level = $1 AND geom IS NOT NULL AND starts_with(code, $2)) t`

const exportFeaturesSQL = `
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(f ORDER BY id), '[]'::json)),
       count(*)
FROM (SELECT id, json_build_object('type', 'Feature',
                 'properties', attrs || jsonb_build_object('id', id, 'layer', layer, 'name', name, 'county_code', county_code),
                 'geometry', ST_AsGeoJSON(geom, 15)::json) AS f
      FROM features
      WHERE layer = $1 AND starts_with(county_code, left($2, 6))) t`

// StoredLongitude is the longitude of the middle of the stored counties (0 when there are
// none), to guess the zone of a projected file that does not name its CRS.
func (db *DB) StoredLongitude(ctx context.Context) (float64, error) {
	var lon *float64
	err := db.pool.QueryRow(ctx, `SELECT ST_X(ST_Centroid(ST_Extent(geom)::geometry)) FROM units WHERE level = 'county'`).Scan(&lon)
	if err != nil || lon == nil {
		return 0, err
	}
	return *lon, nil
}
