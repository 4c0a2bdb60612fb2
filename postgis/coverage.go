package postgis

import (
	"context"
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/encoding/wkb"
)

// CheckCoverage finds where children, as given (an edit's candidates, not what is stored),
// break the coverage rule under parent: gaps, overlaps between siblings, parts outside the
// parent and invalid shapes, each with its area on the spheroid and its place. Pieces
// thinner than tol metres are reported as slivers (warnings). q is the pool or the
// transaction the edit runs in.
func CheckCoverage(ctx context.Context, q querier, parent geo.Candidate, children []geo.Candidate, tol float64) ([]geo.Finding, error) {
	pg, err := ewkb.Marshal(parent.Geom, 4326)
	if err != nil {
		return nil, fmt.Errorf("parent %s: %w", parent.Code, err)
	}
	codes := make([]string, len(children))
	geoms := make([][]byte, len(children))
	for i, c := range children {
		codes[i] = c.Code
		if geoms[i], err = ewkb.Marshal(c.Geom, 4326); err != nil {
			return nil, fmt.Errorf("unit %s: %w", c.Code, err)
		}
	}
	rows, err := q.Query(ctx, coverageSQL, pg, codes, geoms, tol)
	if err != nil {
		return nil, err
	}
	fs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (geo.Finding, error) {
		f := geo.Finding{Parent: parent.Code}
		var kind string
		var g []byte
		if err := r.Scan(&kind, &f.Units, &f.Area, &g, &f.Message); err != nil {
			return f, err
		}
		f.Kind = geo.FindingKind(kind)
		f.Severity = geo.SeverityError
		if f.Kind == geo.Sliver || f.Kind == geo.SplitFeature {
			f.Severity = geo.SeverityWarning
		}
		if f.Geom, err = wkb.Unmarshal(g); err != nil {
			return f, fmt.Errorf("finding geometry: %w", err)
		}
		return f, nil
	})
	return fs, err
}

// coverageSQL: $1 parent (EWKB), $2 child codes, $3 child boundaries (EWKB), $4 tolerance
// in metres. Overlay runs only on valid shapes; an invalid child is reported once and
// otherwise left out. A piece is a sliver when a circle of the tolerance's radius does not
// fit in it (the radius is turned into degrees at the piece's latitude, which is close
// enough for a fraction of a metre).
const coverageSQL = `
WITH parent AS (SELECT ST_GeomFromEWKB($1) AS geom),
children AS (
    SELECT code, ST_GeomFromEWKB(g) AS geom
    FROM unnest($2::text[], $3::bytea[]) AS c(code, g)
),
valid AS (SELECT code, geom FROM children WHERE ST_IsValid(geom)),
pieces AS (
    SELECT 'overlap' AS kind, ARRAY[a.code, b.code] AS units,
           ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS geom
    FROM valid a JOIN valid b ON a.code < b.code AND ST_Intersects(a.geom, b.geom)
    UNION ALL
    SELECT 'outside_parent', ARRAY[c.code], ST_CollectionExtract(ST_Difference(c.geom, p.geom), 3)
    FROM valid c, parent p
    WHERE NOT ST_CoveredBy(c.geom, p.geom)
    UNION ALL
    SELECT 'gap', ARRAY[]::text[], ST_CollectionExtract(ST_Difference(p.geom, coalesce(u.geom, 'SRID=4326;POLYGON EMPTY'::geometry)), 3)
    FROM parent p, (SELECT ST_Union(geom) AS geom FROM valid) u
),
dumped AS (
    SELECT kind, units, d.geom
    FROM pieces, ST_Dump(pieces.geom) d
    WHERE NOT ST_IsEmpty(pieces.geom)
),
measured AS (
    SELECT kind, units, geom, ST_Area(geom::geography) AS area,
           (ST_MaximumInscribedCircle(geom)).radius * 111320 * cos(radians(ST_Y(ST_Centroid(geom)))) AS half_width
    FROM dumped
)
SELECT CASE WHEN half_width * 2 < $4 THEN 'sliver' ELSE kind END, units, area, ST_AsBinary(geom),
       CASE WHEN half_width * 2 < $4 THEN kind || ' thinner than the tolerance' ELSE kind END
FROM measured
WHERE area > 0
UNION ALL
SELECT 'invalid', ARRAY[code], 0, ST_AsBinary(coalesce(location(ST_IsValidDetail(geom)), ST_PointOnSurface(geom))),
       coalesce(reason(ST_IsValidDetail(geom)), 'invalid boundary')
FROM children
WHERE NOT ST_IsValid(geom)`
