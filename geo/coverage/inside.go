package coverage

import "github.com/paulmach/orb"

// Inside reports whether f certainly lies inside g (interior to interior: no vertex of f on
// g's boundary). False means "not certain": f may reach out of g, or touch its boundary.
// It settles, without an overlay, the reference features that lie well inside one grid,
// which is nearly all of them; the rest are measured in PostGIS.
func Inside(f, g orb.MultiPolygon) bool {
	for _, fp := range f {
		if len(fp) == 0 {
			continue
		}
		ok := false
		for _, gp := range g {
			if len(gp) > 0 && polygonInside(fp, gp) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return len(f) > 0
}

// polygonInside: f's outer ring has every vertex strictly inside g, no edge of it meets an
// edge of g, and no hole of g lies within it. Then f's outer ring, and so f, is inside g.
func polygonInside(f, g orb.Polygon) bool {
	shell := f[0]
	fb := shell.Bound()
	if !g[0].Bound().Contains(fb.Min) || !g[0].Bound().Contains(fb.Max) {
		return false
	}
	for _, v := range shell {
		if !strictlyInPolygon(v, g) {
			return false
		}
	}
	for _, r := range g {
		rb := r.Bound()
		if !rb.Intersects(fb) {
			continue
		}
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			if !segBound(a, b).Intersects(fb) {
				continue
			}
			for j := 1; j < len(shell); j++ {
				if segmentsMeet(a, b, shell[j-1], shell[j]) {
					return false
				}
			}
		}
	}
	for _, h := range g[1:] {
		if len(h) > 0 && h.Bound().Intersects(fb) && !strictlyOutsideRing(h[0], shell) {
			return false
		}
	}
	return true
}

func segBound(a, b orb.Point) orb.Bound { return orb.Bound{Min: a, Max: a}.Extend(b) }

// segmentsMeet reports whether the closed segments a–b and c–d share a point.
func segmentsMeet(a, b, c, d orb.Point) bool {
	if !segBound(a, b).Intersects(segBound(c, d)) {
		return false
	}
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o1*o2 < 0 && o3*o4 < 0 { // a proper crossing
		return true
	}
	// Collinear or touching cases: an end on the other segment.
	return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) ||
		(o3 == 0 && onSegment(c, d, a)) || (o4 == 0 && onSegment(c, d, b))
}

// onSegment: p, collinear with a–b, lies within its bounds.
func onSegment(a, b, p orb.Point) bool { return segBound(a, b).Contains(p) }

// strictlyInPolygon: p is inside g's outer ring and outside its holes, on none of their
// edges.
func strictlyInPolygon(p orb.Point, g orb.Polygon) bool {
	in, on := ringContains(g[0], p)
	if !in || on {
		return false
	}
	for _, h := range g[1:] {
		if in, on := ringContains(h, p); in || on {
			return false
		}
	}
	return true
}

func strictlyOutsideRing(p orb.Point, r orb.Ring) bool {
	in, on := ringContains(r, p)
	return !in && !on
}

// ringContains is the crossing-number test with exact orientation: in when p is inside r,
// on when p lies on one of its edges.
func ringContains(r orb.Ring, p orb.Point) (in, on bool) {
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		if a == b {
			continue
		}
		o := orient(a, b, p)
		if o == 0 && onSegment(a, b, p) {
			return false, true
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			// The edge crosses the horizontal through p; it is to p's right when p lies on
			// the left of an upward edge or on the right of a downward one.
			if (b[1] > a[1]) == (o > 0) {
				in = !in
			}
		}
	}
	return in, false
}
