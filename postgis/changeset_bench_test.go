package postgis_test

import (
	"context"
	"sync"
	"testing"

	"github.com/gridmap/gridmap/genfiles"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/gen"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/paulmach/orb/encoding/ewkb"
)

var (
	benchVillageOnce sync.Once
	benchVillageCode string
	benchVillageErr  error
)

// benchVillage stores one generated village of 水城区 with the most grids (its county and
// town too) and returns its code.
func benchVillage(b *testing.B) string {
	b.Helper()
	pool := pgtest.Pool(b)
	benchVillageOnce.Do(func() {
		c, err := genfiles.Generate("../data/sample/520204-county.geojson", "../data/sample/520204-divisions.csv", gen.Options{Seed: 7})
		if err != nil {
			benchVillageErr = err
			return
		}
		grids := map[string]int{}
		for _, u := range c.Units {
			if u.Level == geo.Grid {
				grids[u.ParentCode]++
			}
		}
		for v, n := range grids {
			if n > grids[benchVillageCode] || (n == grids[benchVillageCode] && v < benchVillageCode) {
				benchVillageCode = v
			}
		}
		v := benchVillageCode
		for _, u := range c.Units {
			if u.Code != v[:6] && u.Code != v[:9] && u.Code != v && u.ParentCode != v {
				continue
			}
			g, err := ewkb.Marshal(u.Geom, 4326)
			if err != nil {
				benchVillageErr = err
				return
			}
			var parent, parentLevel any
			if u.ParentCode != "" {
				parent, parentLevel = u.ParentCode, string(geo.ParentLevel(u.Level, len(u.Code)))
			}
			if _, err := pool.Exec(context.Background(), `INSERT INTO units (code, level, name, parent_code, parent_level, geom)
				VALUES ($1, $2, $3, $4, $5, ST_Multi(ST_GeomFromEWKB($6)))`, u.Code, string(u.Level), u.Name, parent, parentLevel, g); err != nil {
				benchVillageErr = err
				return
			}
		}
	})
	if benchVillageErr != nil {
		b.Fatal(benchVillageErr)
	}
	return benchVillageCode
}

// BenchmarkPublishVillage times validate + publish of a change set that redraws every grid
// of the generated village with the most grids (each grid put again, so each gets a new
// version). Opening the set and the puts are not timed.
func BenchmarkPublishVillage(b *testing.B) {
	db := pgtest.DB(b)
	ctx := context.Background()
	village := benchVillage(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cs, err := db.OpenChangeSet(ctx, village, "redraw", "bench")
		if err != nil {
			b.Fatal(err)
		}
		us, err := db.ChangeSetUnits(ctx, cs.ID)
		if err != nil {
			b.Fatal(err)
		}
		for _, u := range us {
			if _, err := db.PutUnit(ctx, cs.ID, u.Unit, u.ETag); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		fs, err := db.ValidateChangeSet(ctx, cs.ID)
		if err != nil {
			b.Fatal(err)
		}
		pub, err := db.PublishChangeSet(ctx, cs.ID, "bench", "")
		if err != nil {
			b.Fatalf("publish: %v (findings %+v)", err, fs)
		}
		if len(pub.Units) != len(us) {
			b.Fatalf("published %d units, want %d", len(pub.Units), len(us))
		}
	}
	b.ReportMetric(float64(len(gridCodes(b, village))), "grids")
}

func gridCodes(b *testing.B, village string) []string {
	var codes []string
	rows, err := pgtest.Pool(b).Query(context.Background(), `SELECT code FROM units WHERE parent_code = $1`, village)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			b.Fatal(err)
		}
		codes = append(codes, c)
	}
	return codes
}

// The baseline: the same checks as plain PostGIS queries over the stored grids, one query
// per check (overlaps, gaps, parts outside), then every grid written again, in one
// transaction.
const (
	plainOverlapSQL = `
SELECT a.code, b.code, ST_Area(ST_Intersection(a.geom, b.geom)::geography)
FROM units a JOIN units b ON b.parent_code = a.parent_code AND a.code < b.code AND ST_Intersects(a.geom, b.geom)
WHERE a.parent_code = $1 AND NOT ST_Touches(a.geom, b.geom)`
	plainGapSQL = `
SELECT ST_Area(ST_Difference(p.geom, (SELECT ST_Union(geom) FROM units WHERE parent_code = $1))::geography)
FROM units p WHERE p.code = $1`
	plainOutsideSQL = `
SELECT c.code, ST_Area(ST_Difference(c.geom, p.geom)::geography)
FROM units c JOIN units p ON p.code = c.parent_code
WHERE c.parent_code = $1 AND NOT ST_CoveredBy(c.geom, p.geom)`
	plainRewriteSQL = `UPDATE units SET geom = geom WHERE parent_code = $1`
)

func BenchmarkPublishVillagePlain(b *testing.B) {
	pool := pgtest.Pool(b)
	ctx := context.Background()
	village := benchVillage(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tx, err := pool.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for _, sql := range []string{plainOverlapSQL, plainGapSQL, plainOutsideSQL} {
			rows, err := tx.Query(ctx, sql, village)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := tx.Exec(ctx, plainRewriteSQL, village); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
