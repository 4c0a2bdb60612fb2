package api_test

import (
	"context"
	"testing"

	"github.com/gridmap/gridmap/postgis/pgtest"
)

// The generated county, once in PostGIS, keeps the rule 横向到边、纵向到底: each level's
// units cover their parent exactly, siblings share no interior, and every courtyard and
// relocation site lies inside exactly one grid. Checked by PostGIS, not by the generator.
func TestGeneratedCountyIsExactInPostGIS(t *testing.T) {
	sampleServer(t)
	pool := pgtest.Pool(t)
	ctx := context.Background()
	checks := []struct{ name, sql string }{
		{"children cover their parent exactly", `
			SELECT count(*) FROM units p
			JOIN LATERAL (SELECT ST_Union(c.geom) AS g FROM units c WHERE c.parent_code = p.code) k ON true
			WHERE p.code LIKE '520204%' AND p.level <> 'grid' AND NOT ST_Equals(p.geom, k.g)`},
		{"siblings share no interior", `
			SELECT count(*) FROM units a JOIN units b
			  ON a.level = b.level AND a.code < b.code AND a.geom && b.geom
			WHERE a.code LIKE '520204%' AND ST_Relate(a.geom, b.geom, '2********')`},
		{"courtyards and relocation sites lie in exactly one grid", `
			SELECT count(*) FROM features f
			WHERE f.layer IN ('courtyard', 'relocation_site')
			  AND (SELECT count(*) FROM units g WHERE g.level = 'grid' AND g.geom && f.geom
			       AND ST_Relate(g.geom, f.geom, '2********')) <> 1`},
		{"households lie in their unit's grid", `
			SELECT count(*) FROM households h JOIN tenhh_units t ON t.code = h.unit_code
			JOIN units g ON g.code = t.grid_code WHERE NOT ST_Covers(g.geom, h.geom)`},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			var bad int
			if err := pool.QueryRow(ctx, c.sql).Scan(&bad); err != nil {
				t.Fatal(err)
			}
			if bad != 0 {
				t.Fatalf("%d violations", bad)
			}
		})
	}
	var grids, courtyards int
	pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM units WHERE level = 'grid' AND code LIKE '520204%'),
		(SELECT count(*) FROM features WHERE layer = 'courtyard')`).Scan(&grids, &courtyards)
	if grids < 1500 || courtyards < 5000 {
		t.Fatalf("only %d grids and %d courtyards were checked", grids, courtyards)
	}
}
