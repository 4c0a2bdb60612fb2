package index

import (
	"fmt"
	"slices"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// deepestCovering is a brute-force reference: the code of the deepest unit covering p, the
// first in geo.EdgeOrder among several of that level, or "".
func deepestCovering(units []geo.Unit, p orb.Point) string {
	for r := len(geo.Levels) - 1; r >= 0; r-- {
		var codes []string
		for _, u := range units {
			if u.Level == geo.Levels[r] && len(u.Geom) > 0 && refCovers(u.Geom, p) {
				codes = append(codes, u.Code)
			}
		}
		if len(codes) > 0 {
			slices.SortFunc(codes, geo.EdgeOrder)
			return codes[0]
		}
	}
	return ""
}

// nearVertices returns every vertex of the units and points a little off each, along the
// axes: on the lines of horizontal and vertical edges but beyond their ends, where a cell's
// local test meets edges that pass through its centre's row or column.
func nearVertices(units []geo.Unit) []orb.Point {
	var pts []orb.Point
	for i := range units {
		for _, v := range verticesOf(&units[i]) {
			pts = append(pts, v)
			for _, d := range []float64{1e-9, 0.01, 0.1, 0.3} {
				pts = append(pts, orb.Point{v[0] - d, v[1]}, orb.Point{v[0] + d, v[1]}, orb.Point{v[0], v[1] - d}, orb.Point{v[0], v[1] + d})
			}
		}
	}
	return pts
}

// Points at and near every vertex resolve as the brute-force reference says.
func TestPointsNearVerticesAgreeWithBruteForce(t *testing.T) {
	units, people := handUnits()
	ix, err := Build(units, people)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, p := range nearVertices(units) {
		got, _ := ix.Lookup(p[0], p[1])
		if want := deepestCovering(units, p); got != want {
			if bad++; bad <= 5 {
				t.Errorf("at %v: %q, want %q", p, got, want)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d points differ", bad)
	}
}

// The exact polygon test of a layer (used where a cell's local test cannot decide) covers
// every vertex and edge midpoint of its unit, and agrees with the reference near them.
func TestLayerCoversItsBoundary(t *testing.T) {
	units, people := handUnits()
	ix, err := Build(units, people)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*geo.Unit{}
	for i := range units {
		byCode[units[i].Code] = &units[i]
	}
	checked := 0
	for _, li := range ix.levels {
		for _, ly := range li.shards {
			if ly == nil {
				continue
			}
			for i, code := range ly.codes {
				u := byCode[code]
				var pts []orb.Point
				for _, poly := range u.Geom {
					for _, ring := range poly {
						for k := range ring {
							a, b := ring[k], ring[(k+1)%len(ring)]
							pts = append(pts, a, orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2})
						}
					}
				}
				for _, p := range pts {
					if !ly.covers(i, p[0], p[1]) {
						t.Errorf("%s does not cover %v on its boundary", code, p)
					}
					checked++
				}
				for _, p := range nearVertices([]geo.Unit{*u}) {
					if got, want := ly.covers(i, p[0], p[1]), refCovers(u.Geom, p); got != want {
						t.Errorf("%s covers %v: %v, want %v", code, p, got, want)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no unit checked")
	}
}

// A ring that does not repeat its first point is closed by the index: its last edge counts.
func TestUnclosedRingsAreClosed(t *testing.T) {
	open := orb.Ring{{10, 10}, {0, 10}, {0, 0}, {10, 0}} // the east edge is the closing one
	for _, tc := range []struct {
		name string
		geom orb.MultiPolygon
	}{
		{"one ring, read in place", orb.MultiPolygon{{open}}},
		{"with a closed hole, copied", orb.MultiPolygon{{open, reversed(square(4, 4, 6, 6))}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			closed := orb.MultiPolygon{}
			for _, poly := range tc.geom {
				var cp orb.Polygon
				for _, r := range poly {
					if r[0] != r[len(r)-1] {
						r = append(slices.Clone(r), r[0])
					}
					cp = append(cp, r)
				}
				closed = append(closed, cp)
			}
			ix, err := Build([]geo.Unit{{Code: "520204", Name: "C", Level: geo.County, Geom: tc.geom}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var pts []orb.Point
			for i := 0; i <= 20; i++ {
				for j := 0; j <= 20; j++ {
					pts = append(pts, orb.Point{float64(i) / 2, float64(j) / 2}, orb.Point{float64(i)/2 + 0.13, float64(j)/2 + 0.29})
				}
			}
			for _, p := range pts {
				_, got := ix.Lookup(p[0], p[1])
				if want := refCovers(closed, p); got != want {
					t.Errorf("at %v: covered %v, want %v", p, got, want)
				}
			}
		})
	}
}

// Two units split by a diagonal that runs, for c = 0, through the centres of the cells along
// it (there the centre lies on both boundaries and cannot be a reference), and for c = 1/256 a
// quarter cell above them, so that points level with it meet the boundary where their walk
// to the centre turns.
func TestCellCentresNearADiagonalEdge(t *testing.T) {
	for _, c := range []float64{0, 1.0 / 256} {
		t.Run(fmt.Sprint("offset ", c), func(t *testing.T) {
			units := []geo.Unit{
				{Code: "520204", Name: "A", Level: geo.County, Geom: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {1 - c, 1}, {0, c}, {0, 0}}}}},
				{Code: "520205", Name: "B", Level: geo.County, Geom: orb.MultiPolygon{{{{0, c}, {1 - c, 1}, {0, 1}, {0, c}}}}},
			}
			ix, err := Build(units, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st := ix.Stats(); len(st) != 1 || st[0].Cells != 64*64 {
				t.Fatalf("want one level of 64×64 cells, got %+v", st)
			}
			var pts []orb.Point
			for k := range 63 {
				q := (float64(k) + 0.5) / 64 // the centre of diagonal cell k
				y := q + c                   // on the diagonal at x = q
				for _, d := range []float64{0.001, 0.003, 0.007} {
					pts = append(pts, orb.Point{q - d, y}, orb.Point{q + d, y}, orb.Point{q, y - d}, orb.Point{q, y + d},
						orb.Point{q - d, y + d/2}, orb.Point{q + d, y - d/2})
				}
			}
			bad := 0
			for _, p := range pts {
				got, _ := ix.Lookup(p[0], p[1])
				if want := deepestCovering(units, p); got != want {
					if bad++; bad <= 5 {
						t.Errorf("at %v: %q, want %q", p, got, want)
					}
				}
			}
			if bad > 0 {
				t.Fatalf("%d of %d points differ", bad, len(pts))
			}
		})
	}
}
