package postgis

import (
	"context"
	"fmt"
	"io"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/ewkb"
)

// ImportFeatures loads features.geojson from r (file names it in messages). A feature
// without county_code gets the stored county that covers it. A feature that exists is
// replaced only when something in it changed. It returns a *geo.ImportError (Invalid)
// listing every problem when the file has any, storing nothing, and an Unavailable error
// when the database cannot be reached.
func (db *DB) ImportFeatures(ctx context.Context, file string, r io.Reader, progress Progress) (ImportCounts, error) {
	rows, err := importfile.ReadFeatures(r)
	if err != nil {
		return ImportCounts{}, readError(file, err)
	}
	counts := ImportCounts{Rows: len(rows.Items)}
	problems := append(rows.Problems, geo.ValidateFeatures(rows.Items, rows.Index, rows.Item)...)
	if err := refuse(file, rows.Item, problems); err != nil {
		return counts, err
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := stageFeatures(ctx, tx, rows, progress); err != nil {
			return err
		}
		progress.report("verifying", 0, len(rows.Items))
		problems, err := checkFeatures(ctx, tx)
		if err != nil {
			return err
		}
		if err := refuse(file, rows.Item, problems); err != nil {
			return err
		}
		progress.report("storing", 0, len(rows.Items))
		if err := tx.QueryRow(ctx, upsertFeaturesSQL).Scan(&counts.Inserted, &counts.Updated); err != nil {
			return err
		}
		counts.Unchanged = len(rows.Items) - counts.Inserted - counts.Updated
		return nil
	})
	return counts, err
}

const createFeatureStageSQL = `
CREATE TEMP TABLE import_features (
    idx         integer NOT NULL,
    id          text NOT NULL,
    layer       text NOT NULL,
    name        text NOT NULL,
    county_code text,
    geom        geometry NOT NULL,
    attrs       jsonb NOT NULL
) ON COMMIT DROP`

func stageFeatures(ctx context.Context, tx pgx.Tx, rows importfile.Rows[geo.Feature], progress Progress) error {
	if _, err := tx.Exec(ctx, createFeatureStageSQL); err != nil {
		return err
	}
	var rowErr error
	err := copyRows(ctx, tx, "import_features",
		[]string{"idx", "id", "layer", "name", "county_code", "geom", "attrs"},
		len(rows.Items), func(i int) []any {
			f := rows.Items[i]
			var county any
			if f.CountyCode != "" {
				county = f.CountyCode
			}
			geom, err := ewkb.Marshal(f.Geom, 4326)
			if err != nil && rowErr == nil {
				rowErr = fmt.Errorf("feature %s: %w", f.ID, err)
			}
			attrs := f.Attrs
			if attrs == nil {
				attrs = map[string]any{}
			}
			return []any{int32(rows.Index[i]), f.ID, string(f.Layer), f.Name, county, geom, attrs}
		}, progress)
	if err == nil {
		err = rowErr
	}
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `ANALYZE import_features`)
	return err
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

func checkFeatures(ctx context.Context, tx pgx.Tx) ([]geo.Problem, error) {
	problems, bad, err := invalidGeometries(ctx, tx, "import_features", "id")
	if err != nil {
		return nil, err
	}
	if bad == nil {
		bad = []int32{}
	}
	more, err := collect(ctx, tx, featureCountyGivenSQL, func(r pgx.CollectableRow) (geo.Problem, error) {
		var idx int32
		var id, county string
		if err := r.Scan(&idx, &id, &county); err != nil {
			return geo.Problem{}, err
		}
		return geo.Problem{Index: int(idx), Key: id, Field: "county_code",
			Message: fmt.Sprintf("county %s is not in the database: load its units first", county)}, nil
	})
	if err != nil {
		return nil, err
	}
	problems = append(problems, more...)
	if _, err := tx.Exec(ctx, featureCountyFillSQL, bad); err != nil {
		return nil, err
	}
	more, err = collect(ctx, tx, featureNoCountySQL, func(r pgx.CollectableRow) (geo.Problem, error) {
		var idx int32
		var id string
		var x, y float64
		if err := r.Scan(&idx, &id, &x, &y); err != nil {
			return geo.Problem{}, err
		}
		return geo.Problem{Index: int(idx), Key: id, Field: "county_code", Message: fmt.Sprintf(
			"no stored county covers the feature (near %.6f,%.6f): give county_code or load the county first", x, y)}, nil
	}, bad)
	return append(problems, more...), err
}

// upsertFeaturesSQL inserts new features and replaces changed ones; as for units, the
// WHERE keeps unchanged rows out of the history and the change log.
const upsertFeaturesSQL = `
WITH up AS (
    INSERT INTO features AS f (id, layer, name, county_code, geom, attrs)
    SELECT id, layer, name, county_code, geom, attrs
    FROM import_features
    ON CONFLICT (id) DO UPDATE SET
        layer = EXCLUDED.layer, name = EXCLUDED.name, county_code = EXCLUDED.county_code,
        geom = EXCLUDED.geom, attrs = EXCLUDED.attrs
    WHERE (f.layer, f.name, f.county_code, f.geom, f.attrs)
          IS DISTINCT FROM
          (EXCLUDED.layer, EXCLUDED.name, EXCLUDED.county_code, EXCLUDED.geom, EXCLUDED.attrs)
    RETURNING xmax = 0 AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up`
