package api_test

import (
	"context"
	"math/rand"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/index"
)

// The in-memory index and PostGIS ST_Covers (with the same edge rule) name the same unit for
// 100,000 random points over the sample's box and for every vertex of every grid, where
// neighbours meet and the edge rule decides.
func TestIndexAgreesWithPostGISOnRandomPointsAndEveryVertex(t *testing.T) {
	if testing.Short() {
		t.Skip("resolves some 250,000 points in PostGIS")
	}
	db, _ := sampleServer(t)
	ctx := context.Background()
	units, people, err := db.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(units, people)
	if err != nil {
		t.Fatal(err)
	}
	var box [4]float64
	for _, u := range units {
		if u.Level == geo.County {
			b := u.Geom.Bound()
			box = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		}
	}
	var vx, vy []float64
	for _, p := range geo.Vertices(units, geo.Grid) {
		vx, vy = append(vx, p[0]), append(vy, p[1])
	}
	rng := rand.New(rand.NewSource(11))
	var rx, ry []float64
	for range 100_000 {
		rx = append(rx, box[0]+rng.Float64()*(box[2]-box[0]))
		ry = append(ry, box[1]+rng.Float64()*(box[3]-box[1]))
	}
	for _, set := range []struct {
		name     string
		lon, lat []float64
	}{{"random points", rx, ry}, {"grid vertices", vx, vy}} {
		want, err := db.CodesAt(ctx, set.lon, set.lat)
		if err != nil {
			t.Fatal(err)
		}
		bad, covered := 0, 0
		for i := range want {
			got, _ := ix.Lookup(set.lon[i], set.lat[i])
			if want[i] != "" {
				covered++
			}
			if got != want[i] {
				if bad++; bad <= 5 {
					t.Errorf("%s: at %v,%v the index says %q, PostGIS %q", set.name, set.lon[i], set.lat[i], got, want[i])
				}
			}
		}
		t.Logf("%s: %d points, %d covered, %d disagreements", set.name, len(want), covered, bad)
		if bad > 0 {
			t.Errorf("%s: %d of %d points disagree", set.name, bad, len(want))
		}
		if covered < len(want)/3 {
			t.Errorf("%s: only %d of %d points covered: the test data is wrong", set.name, covered, len(want))
		}
	}
}
