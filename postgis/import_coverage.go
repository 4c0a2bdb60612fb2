package postgis

import (
	"context"
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/coverage"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// A units file is checked for coverage once its shapes are valid and inside their parents:
// for every parent it touches (a unit of the file that has children, and the parent of each
// unit of the file), the children as they will be after the import (the file's, else the
// stored ones) must not overlap beyond the tolerance and must leave no gap in the parent.
// An overlap always refuses the file. A gap refuses it too unless ImportOptions.AllowGaps is
// set; either way every gap is reported. Slivers thinner than the tolerance are accepted as
// they are (not snapped) and reported. Parents whose children tile them edge for edge are
// settled in Go (geo/coverage); the others are overlaid by CheckCoverage in the import's
// transaction.

// affectedUnitsSQL reads the parents a units import touches and their children as they will
// be after it: the staged row where the file has the unit, else the stored one.
const affectedUnitsSQL = `
WITH affected AS (
    SELECT parent_code AS code FROM import_units WHERE parent_code IS NOT NULL
    UNION
    SELECT code FROM import_units
),
merged AS (
    SELECT idx, code, level, parent_code, geom FROM import_units
    UNION ALL
    SELECT NULL, u.code, u.level, u.parent_code, u.geom
    FROM units u
    WHERE (u.code IN (SELECT code FROM affected) OR u.parent_code IN (SELECT code FROM affected))
      AND NOT EXISTS (SELECT 1 FROM import_units s WHERE s.code = u.code)
)
SELECT coalesce(idx, 0), code, level, coalesce(parent_code, ''), ST_AsBinary(geom), code IN (SELECT code FROM affected)
FROM merged
WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)`

// affectedUnit is a row of affectedUnitsSQL.
type affectedUnit struct {
	idx          int // position in the file; 0 for a stored unit
	code, parent string
	level        geo.Level
	geom         orb.MultiPolygon
	isParent     bool
}

// checkImportCoverage runs the coverage check of a units file staged in import_units. It
// returns the problems that refuse the file and the findings to report when it loads.
func checkImportCoverage(ctx context.Context, tx pgx.Tx, opts ImportOptions) ([]geo.Problem, []geo.Finding, error) {
	rows, err := tx.Query(ctx, affectedUnitsSQL)
	if err != nil {
		return nil, nil, err
	}
	units, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (affectedUnit, error) {
		var u affectedUnit
		var idx int32
		var level string
		var g []byte
		if err := r.Scan(&idx, &u.code, &level, &u.parent, &g, &u.isParent); err != nil {
			return u, err
		}
		u.idx, u.level = int(idx), geo.Level(level)
		u.geom, err = multiPolygon(g)
		if err != nil {
			return u, fmt.Errorf("unit %s: %w", u.code, err)
		}
		return u, nil
	})
	if err != nil {
		return nil, nil, err
	}
	idx := map[string]int{}
	children := map[string][]geo.Candidate{}
	for _, u := range units {
		idx[u.code] = u.idx
		children[u.parent] = append(children[u.parent], geo.Candidate{Code: u.code, Geom: u.geom, Level: u.level})
	}
	var problems []geo.Problem
	var report []geo.Finding
	for _, p := range units {
		kids := children[p.code]
		if !p.isParent || len(kids) == 0 {
			continue
		}
		shapes := make([]orb.MultiPolygon, len(kids))
		for i, k := range kids {
			shapes[i] = k.Geom
		}
		if coverage.Tiles(p.geom, shapes) {
			continue
		}
		// Split features are left to `gridmap coverage`: the children's Level is dropped.
		for i := range kids {
			kids[i].Level = ""
		}
		fs, err := CheckCoverage(ctx, tx, geo.Candidate{Code: p.code, Geom: p.geom}, kids, geo.DefaultTolerance)
		if err != nil {
			return nil, nil, err
		}
		problems = append(problems, overlapProblems(fs, idx)...)
		gaps, gapProblem := gapReport(fs, p, opts.AllowGaps)
		if gapProblem != nil {
			problems = append(problems, *gapProblem)
		}
		report = append(report, gaps...)
	}
	return problems, report, nil
}

// overlapProblems turns each overlap between siblings into a problem at the later of the
// two in the file (a stored unit has no place in it).
func overlapProblems(fs []geo.Finding, idx map[string]int) []geo.Problem {
	var out []geo.Problem
	for _, f := range fs {
		if f.Kind != geo.Overlap || len(f.Units) != 2 {
			continue
		}
		at, other := f.Units[0], f.Units[1]
		if idx[other] > idx[at] {
			at, other = other, at
		}
		pt := coverage.PointOn(f.Geom)
		out = append(out, geo.Problem{Index: idx[at], Key: at, Field: "geometry",
			Message: fmt.Sprintf("overlaps %s by %s (near %.6f,%.6f)", other, area(f.Area), pt[0], pt[1])})
	}
	return out
}

// gapReport returns the gaps and slivers under parent p, and the problem that refuses the
// file when there are gaps and they are not allowed.
func gapReport(fs []geo.Finding, p affectedUnit, allow bool) ([]geo.Finding, *geo.Problem) {
	var report []geo.Finding
	var total, largest float64
	var where orb.Point
	pieces := 0
	for _, f := range fs {
		switch {
		case f.Kind == geo.Gap:
			report = append(report, f)
			total += f.Area
			pieces++
			if f.Area > largest {
				largest, where = f.Area, coverage.PointOn(f.Geom)
			}
		case f.Kind == geo.Sliver:
			report = append(report, f)
		}
	}
	if pieces == 0 || allow {
		return report, nil
	}
	s := ""
	if pieces > 1 {
		s = fmt.Sprintf(" in %d pieces", pieces)
	}
	return report, &geo.Problem{Index: p.idx, Key: p.code, Field: "geometry",
		Message: fmt.Sprintf("its children leave %s of it covered by none%s (largest near %.6f,%.6f); import with -allow-gaps to load it anyway",
			area(total), s, where[0], where[1])}
}

// area writes square metres for people: m² below a square kilometre, km² above.
func area(m2 float64) string {
	if m2 >= 1e6 {
		return fmt.Sprintf("%.2f km²", m2/1e6)
	}
	return fmt.Sprintf("%.0f m²", m2)
}

// multiPolygon decodes WKB of a Polygon or MultiPolygon.
func multiPolygon(b []byte) (orb.MultiPolygon, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, err
	}
	switch v := g.(type) {
	case orb.MultiPolygon:
		return v, nil
	case orb.Polygon:
		return orb.MultiPolygon{v}, nil
	}
	return nil, fmt.Errorf("a %s, not a polygon", g.GeoJSONType())
}
