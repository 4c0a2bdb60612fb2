package postgis

import (
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/ewkb"
)

// featurePipeline loads features.geojson. A feature without county_code gets the stored
// county that covers it. A feature that exists is replaced only when something in it
// changed.
var featurePipeline = pipeline[geo.Feature]{
	read:     importfile.ReadFeatures,
	validate: geo.ValidateFeatures,
	table:    "import_features",
	columns: []string{"id text NOT NULL", "layer text NOT NULL", "name text NOT NULL",
		"county_code text", "geom geometry NOT NULL", "attrs jsonb NOT NULL"},
	row:     featureRow,
	analyze: true,
	checks: []check{
		invalidGeometryCheck("import_features", "id"),
		{sql: featureCountyGivenSQL, problem: featureCountyGivenProblem},
		{sql: featureCountyFillSQL, args: []any{invalidIdx}},
		{sql: featureNoCountySQL, problem: featureNoCountyProblem, args: []any{invalidIdx}},
	},
	upsertSQL: upsertFeaturesSQL,
}

// featureRow is a feature's row of import_features.
func featureRow(f geo.Feature) ([]any, error) {
	var county any
	if f.CountyCode != "" {
		county = f.CountyCode
	}
	geom, err := ewkb.Marshal(f.Geom, 4326)
	if err != nil {
		err = fmt.Errorf("feature %s: %w", f.ID, err)
	}
	attrs := f.Attrs
	if attrs == nil {
		attrs = map[string]any{}
	}
	return []any{f.ID, string(f.Layer), f.Name, county, geom, attrs}, err
}

// featureCountyGivenSQL finds features whose county_code names no stored county.
const featureCountyGivenSQL = `
SELECT s.idx, s.id, s.county_code
FROM import_features s
WHERE s.county_code IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM units c WHERE c.code = s.county_code AND c.level = 'county')
ORDER BY s.idx`

// featureCountyFillSQL gives each feature without county_code the stored county that
// covers a point of it (on its surface for a polygon, on the line for a road). $1 lists
// the features with invalid geometry, which GEOS cannot place.
const featureCountyFillSQL = `
UPDATE import_features s
SET county_code = (
    SELECT c.code FROM units c
    WHERE c.level = 'county' AND ST_Covers(c.geom, ST_PointOnSurface(s.geom))
    ORDER BY c.code
    LIMIT 1)
WHERE s.county_code IS NULL AND s.idx <> ALL($1)`

// featureNoCountySQL finds the features still without a county after the fill.
const featureNoCountySQL = `
SELECT s.idx, s.id, ST_X(p.pt), ST_Y(p.pt)
FROM import_features s
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(s.geom) AS pt) p
WHERE s.county_code IS NULL AND s.idx <> ALL($1)
ORDER BY s.idx`

func featureCountyGivenProblem(r pgx.CollectableRow) (geo.Problem, error) {
	var county string
	p, err := scanProblem(r, "county_code", &county)
	if err != nil {
		return p, err
	}
	p.Message = fmt.Sprintf("county %s is not in the database: load its units first", county)
	return p, nil
}

func featureNoCountyProblem(r pgx.CollectableRow) (geo.Problem, error) {
	var x, y float64
	p, err := scanProblem(r, "county_code", &x, &y)
	if err != nil {
		return p, err
	}
	p.Message = fmt.Sprintf("no stored county covers the feature (near %.6f,%.6f): give county_code or load the county first", x, y)
	return p, nil
}

// upsertFeaturesSQL inserts new features and replaces changed ones; as for units, the
// WHERE keeps unchanged rows out of the history and the change log.
const upsertFeaturesSQL = `
    INSERT INTO features AS f (id, layer, name, county_code, geom, attrs)
    SELECT id, layer, name, county_code, geom, attrs
    FROM import_features
    ON CONFLICT (id) DO UPDATE SET
        layer = EXCLUDED.layer, name = EXCLUDED.name, county_code = EXCLUDED.county_code,
        geom = EXCLUDED.geom, attrs = EXCLUDED.attrs
    WHERE (f.layer, f.name, f.county_code, f.geom, f.attrs)
          IS DISTINCT FROM
          (EXCLUDED.layer, EXCLUDED.name, EXCLUDED.county_code, EXCLUDED.geom, EXCLUDED.attrs)`
