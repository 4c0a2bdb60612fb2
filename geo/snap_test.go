package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestSnap(t *testing.T) {
	const lat = 26.5
	m := 1 / metresPerDegree // a metre north, in degrees
	mx := m / math.Cos(lat*math.Pi/180)
	// The neighbour: a square with a vertex at (105, lat) and an edge along x = 105.
	ref := orb.MultiPolygon{{{{105, lat}, {105, lat + 0.01}, {105.01, lat + 0.01}, {105.01, lat}, {105, lat}}}}
	cases := []struct {
		name string
		p    orb.Point
		want orb.Point
	}{
		{"near a vertex", orb.Point{105 - 0.3*mx, lat + 0.2*m}, orb.Point{105, lat}},
		{"near an edge", orb.Point{105 - 0.3*mx, lat + 0.005}, orb.Point{105, lat + 0.005}},
		{"vertex wins over a nearer edge", orb.Point{105 - 0.05*mx, lat + 0.4*m}, orb.Point{105, lat}},
		{"too far", orb.Point{105 - 0.6*mx, lat + 0.005}, orb.Point{105 - 0.6*mx, lat + 0.005}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := orb.MultiPolygon{{{c.p, {104.99, lat + 0.005}, {104.99, lat}, c.p}}}
			got := Snap(g, []orb.MultiPolygon{ref}, DefaultTolerance)
			if len(got) != 1 || len(got[0]) != 1 || len(got[0][0]) != 4 {
				t.Fatalf("snapped shape %v", got)
			}
			r := got[0][0]
			if math.Abs(r[0][0]-c.want[0]) > 1e-12 || math.Abs(r[0][1]-c.want[1]) > 1e-12 {
				t.Errorf("snapped to %v, want %v", r[0], c.want)
			}
			if r[0] != r[3] {
				t.Errorf("ring no longer closed: %v", r)
			}
			if g[0][0][0] != c.p {
				t.Errorf("input changed")
			}
		})
	}
}

func TestSnapDropsRepeats(t *testing.T) {
	m := 1 / metresPerDegree
	ref := orb.MultiPolygon{{{{105, 26}, {105, 26.01}, {105.01, 26.01}, {105, 26}}}}
	g := orb.MultiPolygon{{{{105, 26}, {105, 26 + 0.1*m}, {104.99, 26.005}, {104.99, 26}, {105, 26}}}}
	got := Snap(g, []orb.MultiPolygon{ref}, DefaultTolerance)
	if n := len(got[0][0]); n != 4 {
		t.Errorf("ring has %d points, want 4 (two snapped onto one): %v", n, got[0][0])
	}
}

func TestETagMatches(t *testing.T) {
	cases := []struct {
		ifMatch, etag string
		want          bool
	}{
		{`"v1.r2"`, UnitETag(1, 2), true},
		{`"v1.r1"`, UnitETag(1, 2), false},
		{`W/"v3"`, UnitETag(3, 0), true},
		{`"x", "n.r1"`, UnitETag(0, 1), true},
		{`*`, UnitETag(3, 0), true},
		{`*`, "", false},
		{`v3`, UnitETag(3, 0), true},
	}
	for _, c := range cases {
		t.Run(c.ifMatch, func(t *testing.T) {
			if got := ETagMatches(c.ifMatch, c.etag); got != c.want {
				t.Errorf("ETagMatches(%s, %s) = %v", c.ifMatch, c.etag, got)
			}
		})
	}
}
