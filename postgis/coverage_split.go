package postgis

import (
	"context"
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"
)

// Courtyards, relocation sites, compounds and enterprises each belong wholly to one grid
// (geo.Layer's rule); one that a grid edge cuts is a split_feature warning: planners
// sometimes must cut one, but should see where. A feature is cut when it overlaps more than
// one of the grids checked, or sticks out of the only one it overlaps; its "smaller side" is
// what lies outside the grid holding most of it. Cuts whose smaller side is thinner than the
// tolerance are boundary noise and left out.

// splitFeatures runs one of the split queries, which take the grids as their first
// arguments and the tolerance last, and turns each row into a finding.
func splitFeatures(ctx context.Context, q querier, sql string, args ...any) ([]geo.Finding, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (geo.Finding, error) {
		f := geo.Finding{Kind: geo.SplitFeature, Severity: geo.SeverityWarning}
		var layer, name, main string
		var g []byte
		if err := r.Scan(&f.Feature, &layer, &name, &f.Parent, &main, &f.Units, &f.Area, &g); err != nil {
			return f, err
		}
		var err error
		if f.Geom, err = wkb.Unmarshal(g); err != nil {
			return f, fmt.Errorf("finding geometry: %w", err)
		}
		label := layer + " " + f.Feature
		if name != "" {
			label += " (" + name + ")"
		}
		f.Message = fmt.Sprintf("%s is cut by a grid edge: %.0f m² lie outside grid %s, which holds most of it", label, f.Area, main)
		return f, nil
	})
}

// splitBody finds the cut features among those overlapping grids(code, parent, geom): those
// that reach out of a grid they overlap (the join runs from the grids into the features'
// spatial index, so each grid is prepared once), measured by splitMeasure.
const splitBody = `,
hits AS (
    SELECT DISTINCT f.id
    FROM grids g
    JOIN features f ON f.geom && g.geom AND ST_Intersects(g.geom, f.geom) AND NOT ST_CoveredBy(f.geom, g.geom)
    WHERE f.layer IN ('courtyard', 'relocation_site', 'compound', 'enterprise')
)` + splitMeasure

// splitMeasure measures the features hits(id) against every grid they overlap, and keeps
// those whose part outside their main grid is not thin. A feature inside one grid and
// overlapping another only where the grids overlap leaves nothing outside its main grid and
// is not reported. %[1]s is the tolerance's parameter.
const splitMeasure = `,
pieces AS (
    SELECT h.id, g.code, g.parent, g.geom AS grid, ST_Area(ST_Intersection(f.geom, g.geom)::geography) AS area
    FROM hits h
    JOIN features f USING (id)
    JOIN grids g ON f.geom && g.geom AND ST_Intersects(f.geom, g.geom)
),
main AS (
    SELECT DISTINCT ON (id) id, code, parent, grid FROM pieces ORDER BY id, area DESC, code
),
rest AS (
    SELECT m.id, m.code, m.parent, ST_CollectionExtract(ST_Difference(f.geom, m.grid), 3) AS geom
    FROM main m JOIN features f USING (id)
),
areas AS (
    SELECT id, code, parent, geom, ST_Area(geom::geography) AS area, ST_Perimeter(geom::geography) AS perimeter
    FROM rest
    WHERE NOT ST_IsEmpty(geom)
),
measured AS (
    SELECT id, code, parent, geom, area, ` + thinSQL + ` AS thin
    FROM areas
)
SELECT m.id, f.layer, f.name, m.parent, m.code,
       ARRAY(SELECT p.code FROM pieces p WHERE p.id = m.id AND p.area > 0 ORDER BY p.code),
       m.area, ST_AsBinary(m.geom)
FROM measured m JOIN features f USING (id)
WHERE NOT m.thin AND m.area > 0
ORDER BY m.parent, m.id`

// splitCandidatesSQL: $1 grid codes, $2 their boundaries (EWKB), $3 their parent's code, $4
// the tolerance in metres. Invalid grids are left out (GEOS cannot compute on them).
var splitCandidatesSQL = `
WITH grids AS (
    SELECT code, $3::text AS parent, geom
    FROM (SELECT code, ST_GeomFromEWKB(g) AS geom FROM unnest($1::text[], $2::bytea[]) AS c(code, g)) c
    WHERE ST_IsValid(geom)
)` + fmt.Sprintf(splitBody, "$4")

// splitStoredSQL: the stored grids whose codes start with $1; $2 the tolerance in metres.
// The grids are not materialized, so that the second join finds them by the units' index.
var splitStoredSQL = `
WITH grids AS NOT MATERIALIZED (
    SELECT code, parent_code AS parent, geom
    FROM units
    WHERE level = 'grid' AND left(code, length($1)) = $1 AND geom IS NOT NULL
)` + fmt.Sprintf(splitBody, "$2")

// splitStoredIDsSQL is splitStoredSQL for the features $3 only (ids): those the report could
// not settle in Go (coverage.Uncertain).
var splitStoredIDsSQL = `
WITH grids AS NOT MATERIALIZED (
    SELECT code, parent_code AS parent, geom
    FROM units
    WHERE level = 'grid' AND left(code, length($1)) = $1 AND geom IS NOT NULL
),
hits AS (SELECT unnest($3::text[]) AS id)` + fmt.Sprintf(splitMeasure, "$2")

// featuresNearSQL reads the features that may be cut by grids (courtyards, relocation sites,
// compounds, enterprises) whose bounds meet the unit $1's.
const featuresNearSQL = `
SELECT f.id, ST_AsBinary(f.geom)
FROM features f, units u
WHERE u.code = $1 AND f.geom && u.geom AND f.layer IN ('courtyard', 'relocation_site', 'compound', 'enterprise')`
