package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// metresPerDegree is the length of a degree of latitude, near enough for deciding whether
// two points lie within a fraction of a metre of each other.
const metresPerDegree = 111320.0

// Snap returns g with every vertex that lies within tol metres of a vertex of refs moved
// onto that vertex, and otherwise, within tol of an edge of refs, onto the nearest point of
// that edge (vertex first, then edge). A hand-drawn boundary along a neighbour's then
// shares the neighbour's points, so no sliver is left between them. Consecutive vertices
// that snap onto one point become one; g itself is not changed.
func Snap(g orb.MultiPolygon, refs []orb.MultiPolygon, tol float64) orb.MultiPolygon {
	var rings []orb.Ring
	for _, mp := range refs {
		for _, poly := range mp {
			rings = append(rings, poly...)
		}
	}
	out := make(orb.MultiPolygon, len(g))
	for i, poly := range g {
		out[i] = make(orb.Polygon, len(poly))
		for j, ring := range poly {
			r := make(orb.Ring, 0, len(ring))
			for _, p := range ring {
				q := snapPoint(p, rings, tol)
				if len(r) == 0 || r[len(r)-1] != q {
					r = append(r, q)
				}
			}
			out[i][j] = r
		}
	}
	return out
}

// snapPoint is p moved onto the nearest vertex of rings within tol metres, else onto the
// nearest point of their edges within tol, else p.
func snapPoint(p orb.Point, rings []orb.Ring, tol float64) orb.Point {
	kx := metresPerDegree * math.Cos(p[1]*math.Pi/180)
	dist := func(a, b orb.Point) float64 {
		return math.Hypot((a[0]-b[0])*kx, (a[1]-b[1])*metresPerDegree)
	}
	near := orb.Bound{Min: orb.Point{p[0] - tol/kx, p[1] - tol/metresPerDegree}, Max: orb.Point{p[0] + tol/kx, p[1] + tol/metresPerDegree}}
	bestV, bestVd := p, math.Inf(1)
	bestE, bestEd := p, math.Inf(1)
	for _, r := range rings {
		if !r.Bound().Intersects(near) {
			continue
		}
		for k, v := range r {
			if d := dist(p, v); d <= tol && d < bestVd {
				bestV, bestVd = v, d
			}
			if k == 0 {
				continue
			}
			if q := nearestOnSegment(p, r[k-1], v, kx); dist(p, q) <= tol && dist(p, q) < bestEd {
				bestE, bestEd = q, dist(p, q)
			}
		}
	}
	if bestVd <= tol {
		return bestV
	}
	return bestE
}

// nearestOnSegment is the point of the segment a–b nearest to p, measured with kx metres
// per degree of longitude.
func nearestOnSegment(p, a, b orb.Point, kx float64) orb.Point {
	ax, ay := (b[0]-a[0])*kx, (b[1]-a[1])*metresPerDegree
	px, py := (p[0]-a[0])*kx, (p[1]-a[1])*metresPerDegree
	l2 := ax*ax + ay*ay
	if l2 == 0 {
		return a
	}
	t := math.Max(0, math.Min(1, (px*ax+py*ay)/l2))
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}
