package gen

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Independent checks of the output geometry: they know nothing of the generator's raster
// and work on the coordinates alone, exactly, by scaling them to integers.

// fixScale turns degrees into integers: every output coordinate must be a multiple of 2^-24
// (pixels are powers of two down to 1/65536°, courtyards and households a few halvings finer).
const fixScale = 1 << 24

func fix(v float64) (int64, error) {
	f := v * fixScale
	if f != math.Trunc(f) || math.Abs(f) > 1<<52 {
		return 0, fmt.Errorf("coordinate %v is not on the 2^-24 lattice", v)
	}
	return int64(f), nil
}

// ipt is a point in integer units of 2^-24 degrees.
type ipt struct{ x, y int64 }

func fixRing(r orb.Ring) ([]ipt, error) {
	out := make([]ipt, len(r))
	for k, p := range r {
		x, err := fix(p[0])
		if err != nil {
			return nil, err
		}
		y, err := fix(p[1])
		if err != nil {
			return nil, err
		}
		out[k] = ipt{x, y}
	}
	return out, nil
}

// area2Fixed is twice the signed area of a closed ring, exact (coordinates taken relative
// to the first vertex keep the products small).
func area2Fixed(r []ipt) int64 {
	var s int64
	o := r[0]
	for k := 0; k+1 < len(r); k++ {
		a, b := r[k], r[k+1]
		s += (a.x-o.x)*(b.y-o.y) - (b.x-o.x)*(a.y-o.y)
	}
	return s
}

// checkRing reports why r is not a closed, simple ring on the lattice of unit (no repeated
// vertex, no spike: a vertex may lie straight on between its neighbours, where a
// neighbour's boundary meets the ring), or nil. Edges may run at any angle;
// simplicity is checked exactly, pair by pair: adjacent edges meet only at their shared
// vertex, other edges not at all.
func checkRing(r orb.Ring, unit int64) error {
	q, err := fixRing(r)
	if err != nil {
		return err
	}
	n := len(q)
	if n < 4 || q[0] != q[n-1] {
		return fmt.Errorf("ring of %d points is not closed or too short", n)
	}
	for k := 0; k+1 < n; k++ {
		a, b := q[k], q[k+1]
		if a == b {
			return fmt.Errorf("repeated point %v", r[k])
		}
		c := q[(k+n-2)%(n-1)] // the vertex before a
		if cross(c, a, b) == 0 && (a.x-c.x)*(b.x-a.x)+(a.y-c.y)*(b.y-a.y) <= 0 {
			return fmt.Errorf("spike at %v", r[k])
		}
		if a.x%unit != 0 || a.y%unit != 0 {
			return fmt.Errorf("vertex %v is off the lattice", r[k])
		}
	}
	m := n - 1 // edges
	for i := 0; i < m; i++ {
		a, b := q[i], q[i+1]
		for j := i + 1; j < m; j++ {
			c, d := q[j], q[j+1]
			if max(a.x, b.x) < min(c.x, d.x) || max(c.x, d.x) < min(a.x, b.x) ||
				max(a.y, b.y) < min(c.y, d.y) || max(c.y, d.y) < min(a.y, b.y) {
				continue
			}
			adjacent := j == i+1 || i == 0 && j == m-1
			if !adjacent && segmentsMeet(a, b, c, d) {
				return fmt.Errorf("ring touches or crosses itself near %v", r[i])
			}
		}
	}
	return nil
}

// cross is the turn a→b→c: positive to the left.
func cross(a, b, c ipt) int64 { return (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x) }

// segmentsMeet reports, exactly, whether the closed segments ab and cd have a point in common.
func segmentsMeet(a, b, c, d ipt) bool {
	on := func(p, q, r ipt) bool {
		return min(p.x, q.x) <= r.x && r.x <= max(p.x, q.x) && min(p.y, q.y) <= r.y && r.y <= max(p.y, q.y)
	}
	d1, d2, d3, d4 := sign(cross(c, d, a)), sign(cross(c, d, b)), sign(cross(a, b, c)), sign(cross(a, b, d))
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return d1 == 0 && on(c, d, a) || d2 == 0 && on(c, d, b) || d3 == 0 && on(a, b, c) || d4 == 0 && on(a, b, d)
}

func sign(v int64) int64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// mpArea2 is twice the area of a multipolygon: shells must be counter-clockwise, holes
// clockwise.
func mpArea2(mp orb.MultiPolygon) (int64, error) {
	var s int64
	for _, p := range mp {
		for k, r := range p {
			q, err := fixRing(r)
			if err != nil {
				return 0, err
			}
			a := area2Fixed(q)
			if (k == 0) != (a > 0) {
				return 0, fmt.Errorf("ring %d of a polygon has signed area %d: shells must be counter-clockwise, holes clockwise", k, a)
			}
			s += a
		}
	}
	return s, nil
}

// inRing is the even-odd ray test; callers use points that are never on an edge.
func inRing(r orb.Ring, p orb.Point) bool {
	in := false
	for k := 0; k+1 < len(r); k++ {
		a, b := r[k], r[k+1]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in
}

// inPolygon: inside the shell and outside every hole.
func inPolygon(p orb.Polygon, q orb.Point) bool {
	if len(p) == 0 || !inRing(p[0], q) {
		return false
	}
	for _, h := range p[1:] {
		if inRing(h, q) {
			return false
		}
	}
	return true
}

// polygonsContaining counts the polygons of mp that contain q (1 at most when mp is valid).
func polygonsContaining(mp orb.MultiPolygon, q orb.Point) int {
	n := 0
	for _, p := range mp {
		if inPolygon(p, q) {
			n++
		}
	}
	return n
}

// segmentsCross reports whether the closed segments ab and cd have a point in common.
func segmentsCross(a, b, c, d orb.Point) bool {
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	on := func(p, q, r orb.Point) bool {
		return math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) && math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	d1, d2, d3, d4 := o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && on(c, d, a)) || (d2 == 0 && on(c, d, b)) || (d3 == 0 && on(a, b, c)) || (d4 == 0 && on(a, b, d))
}

// polygonInside reports whether polygon f lies in the interior of mp: its vertices are
// strictly inside and no edge of mp touches an edge of f.
func polygonInside(f orb.Polygon, mp orb.MultiPolygon) error {
	for _, p := range f[0][:len(f[0])-1] {
		if polygonsContaining(mp, p) != 1 {
			return fmt.Errorf("vertex %v is not inside", p)
		}
	}
	fb := f.Bound()
	for _, poly := range mp {
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				eb := orb.Bound{Min: r[k], Max: r[k]}.Extend(r[k+1])
				if !eb.Intersects(fb) {
					continue
				}
				for m := 0; m+1 < len(f[0]); m++ {
					if segmentsCross(r[k], r[k+1], f[0][m], f[0][m+1]) {
						return fmt.Errorf("edge %v-%v of the container touches it", r[k], r[k+1])
					}
				}
			}
		}
	}
	return nil
}

// cutTolerance is how far, in square degrees, the areas of units cut by the real outline
// may differ from their children's: the float rounding of their crossing points and of the
// area sums, some 1e-13. 1e-11 square degrees is about 0.1 m², so a gap or overlap as thin
// as the coverage check's 0.5 m along a hundred metres would show.
const cutTolerance = 1e-11

// onLattice reports whether every vertex of mp is a vertex of the lattice of unit.
func onLattice(mp orb.MultiPolygon, unit int64) bool {
	for _, p := range mp {
		for _, r := range p {
			q, err := fixRing(r)
			if err != nil {
				return false
			}
			for _, v := range q {
				if v.x%unit != 0 || v.y%unit != 0 {
					return false
				}
			}
		}
	}
	return true
}

// checkRingFloat is checkRing for a ring cut by the real outline, whose crossing points are
// off the lattice: closed, no repeated point, and no two edges that are not neighbours
// meeting (in floating point, which is exact enough at these sizes).
func checkRingFloat(r orb.Ring) error {
	n := len(r)
	if n < 4 || r[0] != r[n-1] {
		return fmt.Errorf("ring of %d points is not closed or too short", n)
	}
	for k := 0; k+1 < n; k++ {
		if r[k] == r[k+1] {
			return fmt.Errorf("repeated point %v", r[k])
		}
	}
	m := n - 1
	for i := 0; i < m; i++ {
		a, b := r[i], r[i+1]
		for j := i + 1; j < m; j++ {
			c, d := r[j], r[j+1]
			if math.Max(a[0], b[0]) < math.Min(c[0], d[0]) || math.Max(c[0], d[0]) < math.Min(a[0], b[0]) ||
				math.Max(a[1], b[1]) < math.Min(c[1], d[1]) || math.Max(c[1], d[1]) < math.Min(a[1], b[1]) {
				continue
			}
			adjacent := j == i+1 || i == 0 && j == m-1
			if !adjacent && floatSegmentsMeet(a, b, c, d) {
				return fmt.Errorf("ring touches or crosses itself near %v", r[i])
			}
		}
	}
	return nil
}

func floatSegmentsMeet(a, b, c, d orb.Point) bool {
	cr := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	sg := func(v float64) int {
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return 0
	}
	on := func(p, q, r orb.Point) bool {
		return math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) && math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	d1, d2, d3, d4 := sg(cr(c, d, a)), sg(cr(c, d, b)), sg(cr(a, b, c)), sg(cr(a, b, d))
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return d1 == 0 && on(c, d, a) || d2 == 0 && on(c, d, b) || d3 == 0 && on(a, b, c) || d4 == 0 && on(a, b, d)
}

// mpArea2Float is twice the area of a multipolygon in square degrees, computed from origin
// to keep the rounding small; shells must be counter-clockwise, holes clockwise.
func mpArea2Float(mp orb.MultiPolygon, origin orb.Point) (float64, error) {
	s := 0.0
	for _, p := range mp {
		for k, r := range p {
			a := 0.0
			for i := 0; i+1 < len(r); i++ {
				x0, y0 := r[i][0]-origin[0], r[i][1]-origin[1]
				x1, y1 := r[i+1][0]-origin[0], r[i+1][1]-origin[1]
				a += x0*y1 - x1*y0
			}
			if (k == 0) != (a > 0) {
				return 0, fmt.Errorf("ring %d of a polygon has signed area %g: shells must be counter-clockwise, holes clockwise", k, a)
			}
			s += a
		}
	}
	return s, nil
}
