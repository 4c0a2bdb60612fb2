package coverage

import (
	"testing"

	"github.com/paulmach/orb"
)

func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func mp(ps ...orb.Polygon) orb.MultiPolygon { return orb.MultiPolygon(ps) }

// reversed returns a copy of p with every ring running the other way.
func reversed(p orb.Polygon) orb.Polygon {
	out := orb.Polygon{}
	for _, r := range p {
		c := append(orb.Ring(nil), r...)
		c.Reverse()
		out = append(out, c)
	}
	return out
}

func TestTiles(t *testing.T) {
	parent := mp(rect(0, 0, 4, 2))
	// A ring with a hole and the island that fills it.
	frame := orb.Polygon{rect(0, 0, 4, 2)[0], {{1, 0.5}, {1, 1.5}, {3, 1.5}, {3, 0.5}, {1, 0.5}}}
	cases := []struct {
		name     string
		parent   orb.MultiPolygon
		children []orb.MultiPolygon
		want     bool
	}{
		{"two halves", parent, []orb.MultiPolygon{mp(rect(0, 0, 2, 2)), mp(rect(2, 0, 4, 2))}, true},
		{"rings drawn clockwise", parent, []orb.MultiPolygon{mp(reversed(rect(0, 0, 2, 2))), mp(rect(2, 0, 4, 2))}, true},
		// T-junction: the left half meets two quarters; its edge x=2 is split at (2,1).
		{"T-junction needs noding", parent, []orb.MultiPolygon{mp(rect(0, 0, 2, 2)), mp(rect(2, 0, 4, 1)), mp(rect(2, 1, 4, 2))}, true},
		// The parent has no vertex where children meet its edge.
		{"parent edge split by children", parent, []orb.MultiPolygon{mp(rect(0, 0, 1, 2)), mp(rect(1, 0, 3, 2)), mp(rect(3, 0, 4, 2))}, true},
		{"children with collinear extra vertices", parent, []orb.MultiPolygon{
			mp(orb.Polygon{{{0, 0}, {1, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}}), mp(rect(2, 0, 4, 2))}, true},
		{"hole and island", parent, []orb.MultiPolygon{mp(frame), mp(rect(1, 0.5, 3, 1.5))}, true},
		{"one multipolygon child", parent, []orb.MultiPolygon{mp(rect(0, 0, 1, 2), rect(3, 0, 4, 2)), mp(rect(1, 0, 3, 2))}, true},
		{"gap", parent, []orb.MultiPolygon{mp(rect(0, 0, 1.9, 2)), mp(rect(2, 0, 4, 2))}, false},
		{"overlap", parent, []orb.MultiPolygon{mp(rect(0, 0, 2.1, 2)), mp(rect(2, 0, 4, 2))}, false},
		{"child outside", parent, []orb.MultiPolygon{mp(rect(0, 0, 2, 2)), mp(rect(2, 0, 4.5, 2))}, false},
		{"child missing", parent, []orb.MultiPolygon{mp(rect(0, 0, 2, 2))}, false},
		{"child twice", parent, []orb.MultiPolygon{mp(rect(0, 0, 2, 2)), mp(rect(0, 0, 2, 2)), mp(rect(2, 0, 4, 2))}, false},
		{"hole left empty", parent, []orb.MultiPolygon{mp(frame)}, false},
		// Overlaps that cancel in area but not in place: the right child covers the left
		// child's part and leaves its own part empty.
		{"same area elsewhere", parent, []orb.MultiPolygon{mp(rect(0, 0, 2, 2)), mp(rect(1, 0, 3, 2))}, false},
		{"vertex a hair off the edge", parent, []orb.MultiPolygon{
			mp(orb.Polygon{{{0, 0}, {2, 0}, {2.0000000001, 1}, {2, 2}, {0, 2}, {0, 0}}}), mp(rect(2, 0, 4, 2))}, false},
		{"no children, no parent", nil, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Tiles(c.parent, c.children); got != c.want {
				t.Errorf("Tiles = %v, want %v; unmatched %v", got, c.want, Unmatched(c.parent, c.children))
			}
		})
	}
}

// The unmatched edges outline the gap, in the direction of a hole in the children (the
// parent's edge reversed, the children's edges as drawn).
func TestUnmatchedOutlinesTheGap(t *testing.T) {
	got := Unmatched(mp(rect(0, 0, 4, 2)), []orb.MultiPolygon{mp(rect(0, 0, 1, 2)), mp(rect(2, 0, 4, 2))})
	want := map[[2]orb.Point]bool{
		{{1, 0}, {1, 2}}: true, // the left child's right edge, going up
		{{1, 2}, {2, 2}}: true, // the parent's top edge reversed: going east
		{{2, 2}, {2, 0}}: true, // the right child's left edge, going down
		{{2, 0}, {1, 0}}: true, // the parent's bottom edge reversed: going west
	}
	if len(got) != len(want) {
		t.Fatalf("unmatched %v, want the gap's 4 edges", got)
	}
	for _, l := range got {
		if len(l) != 2 || !want[[2]orb.Point{l[0], l[1]}] {
			t.Errorf("unexpected edge %v", l)
		}
	}
}

func TestOrient(t *testing.T) {
	cases := []struct {
		name    string
		a, b, c orb.Point
		want    int
	}{
		{"left", orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{0.5, 1}, 1},
		{"right", orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{0.5, -1}, -1},
		{"on", orb.Point{0, 0}, orb.Point{2, 2}, orb.Point{1, 1}, 0},
		{"exactly on, lattice", orb.Point{105.5, 26.25}, orb.Point{105.75, 26.5}, orb.Point{105.625, 26.375}, 0},
		{"a lattice step off", orb.Point{105.5, 26.25}, orb.Point{105.75, 26.5}, orb.Point{105.625, 26.375 + 1.0/(1<<40)}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := orient(c.a, c.b, c.c); got != c.want {
				t.Errorf("orient = %d, want %d", got, c.want)
			}
			if got := orientExact(c.a, c.b, c.c); got != c.want {
				t.Errorf("orientExact = %d, want %d", got, c.want)
			}
		})
	}
}

// Points near a line, given in decimals that binary floats cannot hold, are where the float
// determinant is unreliable: orient must agree with the exact computation on every one.
func TestOrientAgreesWithExactNearTheLine(t *testing.T) {
	a, b := orb.Point{105.1, 26.1}, orb.Point{105.3, 26.3}
	for i := 0; i <= 100; i++ {
		f := float64(i) / 100
		p := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
		for _, d := range []float64{0, 1e-15, -1e-15, 1e-13} {
			q := orb.Point{p[0], p[1] + d}
			if got, want := orient(a, b, q), orientExact(a, b, q); got != want {
				t.Fatalf("orient(%v) = %d, exact %d", q, got, want)
			}
		}
	}
}

func TestPointOn(t *testing.T) {
	// A U shape: its centroid and the centre of its bounds lie in the notch, outside it.
	u := orb.Polygon{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}}}
	cases := []struct {
		name string
		g    orb.Geometry
	}{
		{"rectangle", rect(0, 0, 4, 2)},
		{"U shape", u},
		{"frame with a hole", orb.Polygon{rect(0, 0, 4, 4)[0], {{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}}},
		{"multipolygon", mp(rect(0, 0, 1, 1), u)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := PointOn(c.g)
			var polys []orb.Polygon
			switch v := c.g.(type) {
			case orb.Polygon:
				polys = []orb.Polygon{v}
			case orb.MultiPolygon:
				polys = v
			}
			inside := false
			for _, poly := range polys {
				inside = inside || containsPoint(poly, p)
			}
			if !inside {
				t.Errorf("PointOn = %v, not inside", p)
			}
		})
	}
	if p := PointOn(orb.Point{1, 2}); p != (orb.Point{1, 2}) {
		t.Errorf("PointOn(point) = %v", p)
	}
}

// containsPoint is an even-odd test, strictly inside for the test's shapes.
func containsPoint(p orb.Polygon, pt orb.Point) bool {
	in := false
	for _, r := range p {
		for i := range r {
			a, c := r[i], r[(i+1)%len(r)]
			if (a[1] > pt[1]) != (c[1] > pt[1]) && pt[0] < a[0]+(pt[1]-a[1])*(c[0]-a[0])/(c[1]-a[1]) {
				in = !in
			}
		}
	}
	return in
}
