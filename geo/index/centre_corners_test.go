package index

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// Triangles whose corners lie on cell centres: there a centre is on the unit's boundary and
// cannot serve as the reference of the cell's local test. Points around every corner resolve
// as the brute-force reference says.
func TestTrianglesWithCornersOnCellCentres(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	centre := func() float64 { return (float64(rng.Intn(64)) + 0.5) / 64 }
	// Two specks fix the level's extent to the unit square: 64×64 cells of side 1/64.
	units := []geo.Unit{
		{Code: "520204000000", Level: geo.Village, Geom: orb.MultiPolygon{{square(0, 0, 0.001, 0.001)}}},
		{Code: "520204000001", Level: geo.Village, Geom: orb.MultiPolygon{{square(0.999, 0.999, 1, 1)}}},
	}
	var corners []orb.Point
	for i := range 40 {
		a, b, c := orb.Point{centre(), centre()}, orb.Point{centre(), centre()}, orb.Point{centre(), centre()}
		if (b[0]-a[0])*(c[1]-a[1])-(b[1]-a[1])*(c[0]-a[0]) == 0 {
			continue // collinear: no triangle
		}
		units = append(units, geo.Unit{Code: fmt.Sprintf("520204%06d", i+2), Level: geo.Village, Geom: orb.MultiPolygon{{{a, b, c, a}}}})
		corners = append(corners, a, b, c)
	}
	ix, err := Build(units, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := ix.Stats(); len(st) != 1 || st[0].Cells != 64*64 {
		t.Fatalf("want one level of 64×64 cells, got %+v", st)
	}
	bad, n := 0, 0
	for _, v := range corners {
		for range 50 {
			p := orb.Point{v[0] + (rng.Float64()-0.5)/64, v[1] + (rng.Float64()-0.5)/64}
			n++
			got, _ := ix.Lookup(p[0], p[1])
			if want := deepestCovering(units, p); got != want {
				if bad++; bad <= 5 {
					t.Errorf("at %v: %q, want %q", p, got, want)
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d points differ", bad, n)
	}
}
