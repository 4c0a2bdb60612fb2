package tiles

import (
	"math"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// distToEdges is the distance from p to the nearest edge of mp, in degrees.
func distToEdges(mp orb.MultiPolygon, p orb.Point) float64 {
	d := math.Inf(1)
	for _, poly := range mp {
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				d = min(d, math.Sqrt(segDist2(p, r[i], r[i+1])))
			}
		}
	}
	return d
}

func TestLabelPointConcave(t *testing.T) {
	// A U: two arms 1 wide and 4 high joined by a base 1 high; its centroid lies in the
	// gap between the arms. Near the equator so degrees are nearly square.
	u := orb.Polygon{{{0, 0}, {3, 0}, {3, 4}, {2, 4}, {2, 1}, {1, 1}, {1, 4}, {0, 4}, {0, 0}}}
	c, _ := planar.CentroidArea(u)
	if planar.PolygonContains(u, c) {
		t.Fatalf("test shape: the centroid %v of the U is inside it", c)
	}
	// A ring with a hole where the centroid is.
	donut := orb.Polygon{
		{{0, 0}, {6, 0}, {6, 6}, {0, 6}, {0, 0}},
		{{1, 1}, {1, 5}, {5, 5}, {5, 1}, {1, 1}},
	}
	// An L, and a long thin bar.
	l := orb.Polygon{{{0, 0}, {5, 0}, {5, 1}, {1, 1}, {1, 5}, {0, 5}, {0, 0}}}
	bar := orb.Polygon{{{0, 0}, {20, 0}, {20, 0.2}, {0, 0.2}, {0, 0}}}
	for _, tc := range []struct {
		name    string
		g       orb.Geometry
		minDist float64 // the label must be at least this far from every edge
	}{
		{"U", u, 0.4},
		{"donut", donut, 0.4},
		{"L", l, 0.4},
		{"bar", bar, 0.09},
		{"U as multipolygon with a speck", orb.MultiPolygon{{{{10, 10}, {10.1, 10}, {10.1, 10.1}, {10, 10}}}, u}, 0.4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := LabelPoint(tc.g)
			mp, ok := tc.g.(orb.MultiPolygon)
			if !ok {
				mp = orb.MultiPolygon{tc.g.(orb.Polygon)}
			}
			if !planar.MultiPolygonContains(mp, p) {
				t.Fatalf("label point %v is outside", p)
			}
			if d := distToEdges(mp, p); d < tc.minDist {
				t.Errorf("label point %v is %.3f from an edge, want at least %.2f", p, d, tc.minDist)
			}
		})
	}
}

func TestLabelPointOtherGeometries(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    orb.Geometry
		want orb.Point
	}{
		{"point", orb.Point{1, 2}, orb.Point{1, 2}},
		{"line middle", orb.LineString{{0, 0}, {2, 0}, {2, 2}}, orb.Point{2, 0}},
		{"bound", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{2, 4}}, orb.Point{1, 2}},
		{"nil", nil, orb.Point{}},
		{"empty polygon", orb.Polygon{}, orb.Point{}},
	} {
		if got := LabelPoint(tc.g); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestLabelPointInsideEveryUnit: the label of every generated unit, of every level, is
// strictly inside it.
func TestLabelPointInsideEveryUnit(t *testing.T) {
	c, _ := loadSample(t)
	n := 0
	for _, u := range c.Units {
		if len(u.Geom) == 0 {
			continue
		}
		p := LabelPoint(u.Geom)
		if !planar.MultiPolygonContains(u.Geom, p) || distToEdges(u.Geom, p) == 0 {
			t.Errorf("%s %s: label point %v is not inside", u.Level, u.Code, p)
		}
		n++
	}
	if n < 2000 {
		t.Errorf("only %d units checked", n)
	}
	// Labels of villages sit well inside: at least a pixel (1/2048°) from every edge.
	for _, u := range unitsOf(c, geo.Village) {
		if d := distToEdges(u.Geom, LabelPoint(u.Geom)); d < 1.0/2048 {
			t.Errorf("village %s: label %.5f° from an edge", u.Code, d)
		}
	}
}
