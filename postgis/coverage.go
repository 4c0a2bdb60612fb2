package postgis

import (
	"context"
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/coverage"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/encoding/wkb"
)

// CheckCoverage finds where children, as given (an edit's candidates, not what is stored),
// break the coverage rule under parent: gaps, overlaps between siblings, parts outside the
// parent and invalid shapes, each with its area on the spheroid and its place. Pieces
// thinner than tol metres are reported as slivers (warnings). Children whose Level is
// geo.Grid are also checked for the courtyards, relocation sites, compounds and enterprises
// their edges cut (split_feature warnings; cuts thinner than tol are left out). q is the
// pool or the transaction the edit runs in.
//
// Children that tile the parent edge for edge (geo/coverage.Tiles) skip the overlay: only
// their validity is asked of PostGIS, since the edge argument holds for valid shapes only.
func CheckCoverage(ctx context.Context, q querier, parent geo.Candidate, children []geo.Candidate, tol float64) ([]geo.Finding, error) {
	return checkCoverage(ctx, q, parent, children, tol, true)
}

// checkCoverage is CheckCoverage, with the edge prefilter only when prefilter is set.
func checkCoverage(ctx context.Context, q querier, parent geo.Candidate, children []geo.Candidate, tol float64, prefilter bool) ([]geo.Finding, error) {
	pg, err := ewkb.Marshal(parent.Geom, 4326)
	if err != nil {
		return nil, fmt.Errorf("parent %s: %w", parent.Code, err)
	}
	codes := make([]string, len(children))
	geoms := make([][]byte, len(children))
	shapes := make([]orb.MultiPolygon, len(children))
	var gridCodes []string
	var gridGeoms [][]byte
	for i, c := range children {
		codes[i], shapes[i] = c.Code, c.Geom
		if geoms[i], err = ewkb.Marshal(c.Geom, 4326); err != nil {
			return nil, fmt.Errorf("unit %s: %w", c.Code, err)
		}
		if c.Level == geo.Grid {
			gridCodes, gridGeoms = append(gridCodes, c.Code), append(gridGeoms, geoms[i])
		}
	}
	sql := coverageSQL
	if prefilter && coverage.Tiles(parent.Geom, shapes) {
		sql = coverageValiditySQL
	}
	rows, err := q.Query(ctx, sql, pg, codes, geoms, tol)
	if err != nil {
		return nil, err
	}
	fs, err := pgx.CollectRows(rows, scanFinding(parent.Code))
	if err != nil || len(gridCodes) == 0 {
		return fs, err
	}
	split, err := splitFeatures(ctx, q, splitCandidatesSQL, gridCodes, gridGeoms, parent.Code, tol)
	return append(fs, split...), err
}

// scanFinding scans a row of the overlay queries: kind, the kind before a sliver was
// recognised, units, area, location (WKB), message. Findings without a parent column are
// parent's.
func scanFinding(parent string) pgx.RowToFunc[geo.Finding] {
	return func(r pgx.CollectableRow) (geo.Finding, error) {
		f := geo.Finding{Parent: parent}
		var kind, of string
		var g []byte
		if err := r.Scan(&kind, &of, &f.Units, &f.Area, &g, &f.Message); err != nil {
			return f, err
		}
		f.Kind = geo.FindingKind(kind)
		f.Severity = geo.SeverityError
		if f.Kind == geo.Sliver || f.Kind == geo.SplitFeature {
			f.Severity = geo.SeverityWarning
		}
		if f.Kind == geo.Sliver {
			f.SliverOf = geo.FindingKind(of)
		}
		var err error
		if f.Geom, err = wkb.Unmarshal(g); err != nil {
			return f, fmt.Errorf("finding geometry: %w", err)
		}
		return f, nil
	}
}

// The overlay: a CTE head that defines parent(geom) and children(code, geom), and the body
// that finds what is wrong. Overlay runs only on valid shapes; an invalid child is reported
// once and otherwise left out. A piece is a sliver when it is thinner than the tolerance
// (thinSQL). %[1]s is the tolerance's parameter.
const coverageBody = `,
valid AS (SELECT code, geom FROM children WHERE ST_IsValid(geom)),
pieces AS (
    SELECT 'overlap' AS kind, ARRAY[a.code, b.code] AS units,
           ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS geom
    FROM valid a JOIN valid b ON a.code < b.code AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
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
areas AS (
    SELECT kind, units, geom, ST_Area(geom::geography) AS area, ST_Perimeter(geom::geography) AS perimeter
    FROM dumped
),
measured AS (
    SELECT kind, units, geom, area, ` + thinSQL + ` AS thin
    FROM areas
    WHERE area > 0
)
SELECT CASE WHEN thin THEN 'sliver' ELSE kind END, kind, units, area, ST_AsBinary(geom),
       CASE WHEN thin THEN replace(kind, '_', ' ') || ' thinner than the tolerance' ELSE replace(kind, '_', ' ') END
FROM measured
UNION ALL
SELECT 'invalid', 'invalid', ARRAY[code], 0, ST_AsBinary(coalesce(location(ST_IsValidDetail(geom)), ST_PointOnSurface(geom))),
       coalesce(reason(ST_IsValidDetail(geom)), 'invalid boundary')
FROM children
WHERE NOT ST_IsValid(geom)`

// thinSQL is true when the piece of the row (geom, area in m², perimeter in m) is thinner
// than the tolerance %[1]s: when no circle of that diameter fits in it. The inscribed circle
// is costly (and on pieces a nanometre wide, as rounding leaves between edges drawn twice,
// takes minutes), so width is first bounded by 4·area/perimeter, which no inscribed circle's
// diameter exceeds for a convex piece and which is about twice the width of a thin one: a
// piece under the tolerance by that bound is thin without more work. The circle's radius is
// turned into metres at the piece's latitude, close enough for a fraction of a metre.
// A piece of a few nanometres has an area on the spheroid but a perimeter of 0 (and the
// circle on it never ends, not even when the statement is cancelled): it is thin.
const thinSQL = `(CASE WHEN coalesce(4 * area / nullif(perimeter, 0), 0) < %[1]s THEN true
      ELSE (ST_MaximumInscribedCircle(geom)).radius * 111320 * cos(radians(ST_Y(ST_Centroid(geom)))) * 2 < %[1]s END)`

// candidatesHead: $1 parent (EWKB), $2 child codes, $3 child boundaries (EWKB).
const candidatesHead = `
WITH parent AS (SELECT ST_GeomFromEWKB($1) AS geom),
children AS (
    SELECT code, ST_GeomFromEWKB(g) AS geom
    FROM unnest($2::text[], $3::bytea[]) AS c(code, g)
)`

// coverageSQL checks candidates: $1-$3 as candidatesHead, $4 the tolerance in metres.
var coverageSQL = candidatesHead + fmt.Sprintf(coverageBody, "$4")

// coverageValiditySQL is coverageSQL's invalid-shape part alone, for children that tile
// their parent edge for edge. $4 is unused but typed, so both take the same arguments.
const coverageValiditySQL = candidatesHead + `
SELECT 'invalid', 'invalid', ARRAY[code], 0::float8, ST_AsBinary(coalesce(location(ST_IsValidDetail(geom)), ST_PointOnSurface(geom))),
       coalesce(reason(ST_IsValidDetail(geom)), 'invalid boundary')
FROM children
WHERE NOT ST_IsValid(geom) AND $4::float8 IS NOT NULL`

// storedCoverageSQL checks a stored parent, $1, against its stored children; $2 is the
// tolerance in metres.
var storedCoverageSQL = `
WITH parent AS (SELECT geom FROM units WHERE code = $1),
children AS (
    SELECT code, geom FROM units
    WHERE parent_code = $1 AND geom IS NOT NULL AND NOT ST_IsEmpty(geom)
)` + fmt.Sprintf(coverageBody, "$2")
