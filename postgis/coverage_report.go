package postgis

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/coverage"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// CoverageReport checks the coverage rule over the subtree of the unit with code: every unit
// in it with children is a parent, checked against its stored children with
// geo.DefaultTolerance, and the grids under it are checked for the features they cut. Parents
// whose children tile them edge for edge (geo/coverage) are settled in Go; the others are
// overlaid in PostGIS one by one. It returns a NotFound error naming the code when no unit
// has it.
func (db *DB) CoverageReport(ctx context.Context, code string) (geo.CoverageReport, error) {
	return db.coverageReport(ctx, code, true)
}

// CoverageReportOverlay is CoverageReport with every parent overlaid in PostGIS, no edge
// prefilter: the plain query per parent, the benchmark's baseline and the reference the
// prefilter is tested against.
func (db *DB) CoverageReportOverlay(ctx context.Context, code string) (geo.CoverageReport, error) {
	return db.coverageReport(ctx, code, false)
}

// subtreeSQL reads the units under $1 (and $1 itself) that have a boundary; the area only of
// those that may be parents.
const subtreeSQL = `
SELECT code, level, coalesce(parent_code, ''), ST_AsBinary(geom),
       CASE WHEN level <> 'grid' THEN ST_Area(geom::geography) ELSE 0 END
FROM units
WHERE left(code, length($1)) = $1 AND geom IS NOT NULL AND NOT ST_IsEmpty(geom)`

type storedUnit struct {
	code, parent string
	level        geo.Level
	geom         orb.MultiPolygon
	area         float64
}

func (db *DB) coverageReport(ctx context.Context, code string, prefilter bool) (geo.CoverageReport, error) {
	var level string
	err := db.pool.QueryRow(ctx, `SELECT level FROM units WHERE code = $1`, code).Scan(&level)
	if errors.Is(err, pgx.ErrNoRows) {
		return geo.CoverageReport{}, geo.Errorf(geo.NotFound, "no unit with code %s", code)
	}
	if err != nil {
		return geo.CoverageReport{}, dbError(err)
	}
	rep := geo.CoverageReport{Root: code, Level: geo.Level(level)}
	units, err := db.subtree(ctx, code)
	if err != nil {
		return rep, dbError(err)
	}
	children := map[string][]orb.MultiPolygon{}
	for _, u := range units {
		if u.code != code { // the root's own parent is outside the subtree
			children[u.parent] = append(children[u.parent], u.geom)
		}
	}
	var parents []storedUnit
	for _, u := range units {
		if len(children[u.code]) > 0 {
			parents = append(parents, u)
		}
	}
	sort.Slice(parents, func(i, j int) bool { return parents[i].code < parents[j].code })
	exact := make([]bool, len(parents))
	if prefilter {
		eachParallel(len(parents), func(i int) {
			exact[i] = coverage.Tiles(parents[i].geom, children[parents[i].code])
		})
	}
	byParent := map[string][]geo.Finding{}
	for i, p := range parents {
		if exact[i] {
			continue
		}
		rows, err := db.pool.Query(ctx, storedCoverageSQL, p.code, geo.DefaultTolerance)
		if err != nil {
			return rep, dbError(err)
		}
		fs, err := pgx.CollectRows(rows, scanFinding(p.code))
		if err != nil {
			return rep, dbError(err)
		}
		byParent[p.code] = fs
	}
	if geo.Level(level) != geo.Deepest {
		split, err := db.splitUnder(ctx, code, units, prefilter)
		if err != nil {
			return rep, dbError(err)
		}
		for _, f := range split {
			byParent[f.Parent] = append(byParent[f.Parent], f)
		}
	}
	for i, p := range parents {
		pc := geo.ParentCoverage{Code: p.code, Level: p.level, Children: len(children[p.code]), Area: p.area, Exact: exact[i]}
		for _, f := range byParent[p.code] {
			addToParent(&pc, f)
		}
		pc.Covered = 1
		if pc.Area > 0 {
			pc.Covered = max(0, 1-pc.Gap/pc.Area)
		}
		rep.Parents = append(rep.Parents, pc)
		rep.Findings = append(rep.Findings, byParent[p.code]...)
	}
	rep.Summarize()
	return rep, nil
}

// splitUnder finds the features cut by the edges of the grids under code. With prefilter,
// the features certainly inside one grid are settled in Go (coverage.Uncertain) and only the
// others are measured in PostGIS; without it, PostGIS tests every feature against every grid.
func (db *DB) splitUnder(ctx context.Context, code string, units []storedUnit, prefilter bool) ([]geo.Finding, error) {
	if !prefilter {
		return splitFeatures(ctx, db.pool, splitStoredSQL, code, geo.DefaultTolerance)
	}
	var grids []orb.MultiPolygon
	for _, u := range units {
		if u.level == geo.Grid {
			grids = append(grids, u.geom)
		}
	}
	rows, err := db.pool.Query(ctx, featuresNearSQL, code)
	if err != nil {
		return nil, err
	}
	var ids []string
	var shapes []orb.MultiPolygon
	for rows.Next() {
		var id string
		var g []byte
		if err := rows.Scan(&id, &g); err != nil {
			rows.Close()
			return nil, err
		}
		mp, err := multiPolygon(g)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("feature %s: %w", id, err)
		}
		ids, shapes = append(ids, id), append(shapes, mp)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var uncertain []string
	for _, i := range coverage.Uncertain(shapes, grids) {
		uncertain = append(uncertain, ids[i])
	}
	if len(uncertain) == 0 {
		return nil, nil
	}
	return splitFeatures(ctx, db.pool, splitStoredIDsSQL, code, geo.DefaultTolerance, uncertain)
}

// addToParent counts a finding in its parent's figures.
func addToParent(pc *geo.ParentCoverage, f geo.Finding) {
	kind := f.Kind
	if kind == geo.Sliver {
		kind = f.SliverOf
	}
	switch kind {
	case geo.Gap:
		pc.Gap += f.Area
	case geo.Overlap:
		pc.Overlap += f.Area
	case geo.OutsideParent:
		pc.Outside += f.Area
	case geo.SplitFeature:
		pc.Split++
	}
}

// subtree reads the units under code, code's own included, with their boundaries.
func (db *DB) subtree(ctx context.Context, code string) ([]storedUnit, error) {
	rows, err := db.pool.Query(ctx, subtreeSQL, code)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (storedUnit, error) {
		var u storedUnit
		var level string
		var g []byte
		if err := r.Scan(&u.code, &level, &u.parent, &g, &u.area); err != nil {
			return u, err
		}
		u.level = geo.Level(level)
		var err error
		if u.geom, err = multiPolygon(g); err != nil {
			return u, fmt.Errorf("unit %s: %w", u.code, err)
		}
		return u, nil
	})
}

// eachParallel runs fn(0..n-1) on as many goroutines as there are processors.
func eachParallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
