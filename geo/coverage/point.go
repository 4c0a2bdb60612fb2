package coverage

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// PointOn returns a point inside g to name a finding's place by: for areas, a point inside
// the largest polygon (the middle of the widest span of the horizontal line through the
// middle of its bounds), never outside it as a centroid can be; for a point, the point; for
// lines, their first vertex. It returns the zero point for an empty geometry.
func PointOn(g orb.Geometry) orb.Point {
	switch v := g.(type) {
	case orb.Point:
		return v
	case orb.Polygon:
		return pointInPolygon(v)
	case orb.MultiPolygon:
		var best orb.Polygon
		largest := -1.0
		for _, p := range v {
			if len(p) > 0 {
				if a := math.Abs(signedArea(p[0])); a > largest {
					best, largest = p, a
				}
			}
		}
		return pointInPolygon(best)
	case orb.Collection:
		for _, x := range v {
			if _, ok := x.(orb.Polygon); ok {
				return PointOn(x)
			}
		}
		if len(v) > 0 {
			return PointOn(v[0])
		}
	case orb.LineString:
		if len(v) > 0 {
			return v[0]
		}
	case orb.MultiLineString:
		if len(v) > 0 && len(v[0]) > 0 {
			return v[0][0]
		}
	case orb.MultiPoint:
		if len(v) > 0 {
			return v[0]
		}
	case orb.Ring:
		return pointInPolygon(orb.Polygon{v})
	}
	return orb.Point{}
}

func pointInPolygon(p orb.Polygon) orb.Point {
	if len(p) == 0 || len(p[0]) == 0 {
		return orb.Point{}
	}
	b := p[0].Bound()
	y := (b.Min[1] + b.Max[1]) / 2
	var xs []float64
	for _, r := range p {
		for i := range r {
			a, c := r[i], r[(i+1)%len(r)]
			if (a[1] > y) != (c[1] > y) { // half-open: a vertex on the line counts once
				xs = append(xs, a[0]+(y-a[1])*(c[0]-a[0])/(c[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	best, width := b.Center(), -1.0
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > width {
			best, width = orb.Point{(xs[i] + xs[i+1]) / 2, y}, w
		}
	}
	return best
}
