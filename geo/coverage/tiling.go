// Package coverage decides, without a database and without any overlay, whether a parent
// unit's children tile it exactly: no gap, no overlap, nothing outside. It is the fast path
// of the coverage checks: a parent whose children tile it exactly needs no PostGIS overlay,
// and in a well-drawn map (shared edges drawn once, as the generator and the
// coverage-keeping edits make them) that is almost every parent.
//
// Why comparing edges is enough. Orient every ring so that a polygon lies to its left
// (shells counter-clockwise, holes clockwise). For a valid polygon P the winding number of
// its boundary around a point x is then 1 inside P and 0 outside. Take the 1-chain
//
//	C = Σ ∂child − ∂parent
//
// (each child's directed edges with weight +1, the parent's with −1). Its winding number
// around any x off the edges is Σ 1_child(x) − 1_parent(x). If, after noding (splitting
// every edge at the vertices of other edges that lie on it), every directed edge is
// cancelled by the same edge reversed in a sibling or by the same edge of the parent in the
// same direction, C is the zero chain, its winding number is 0 everywhere, and so every
// point of the parent lies in exactly one child and no point outside the parent lies in any:
// the children tile the parent. Conversely, when they tile it, C's winding number is 0
// everywhere but on the edges, and since an edge's weight in C is the jump of the winding
// number across it, every noded edge has weight 0: exact tilings always pass. The check
// is exact in both directions for valid polygons; tilings that differ by rounding (a
// vertex a nanometre off its neighbour's edge) do not pass and are left to the overlay,
// which measures them against the tolerance.
//
// Validity is the caller's business: stored units are valid (the database refuses others),
// and candidates are checked for validity by the caller whichever way this answers.
package coverage

import (
	"sort"

	"github.com/paulmach/orb"
)

// segment is an edge with its ends in a canonical order (the smaller point first), so an
// edge and its reverse share a key; the sign of the weight carries the direction.
type segment struct{ a, b orb.Point }

// chain is a 1-chain: the summed weight of each canonical segment.
type chain map[segment]int

// Tiles reports whether children tile parent exactly (see the package comment). Empty
// children tile an empty parent only.
func Tiles(parent orb.MultiPolygon, children []orb.MultiPolygon) bool {
	return len(Unmatched(parent, children)) == 0
}

// Unmatched returns the pieces of edge, after noding, that neither a sibling nor the parent
// cancels: nil when the children tile the parent exactly. Each piece is directed as the
// chain Σ ∂child − ∂parent has it, once per unit of weight (an edge two siblings both
// draw the same way comes out twice). Where children leave a gap the gap's outline comes
// out; where they overlap, the overlap's.
func Unmatched(parent orb.MultiPolygon, children []orb.MultiPolygon) []orb.LineString {
	// Shared edges fold into one entry each, so about half the edges ever make an entry.
	n := vertices(parent)
	for _, ch := range children {
		n += vertices(ch)
	}
	c := make(chain, n/2+1)
	for _, ch := range children {
		c.addMulti(ch, 1)
	}
	c.addMulti(parent, -1)
	c.dropZeros()
	if len(c) == 0 {
		return nil
	}
	noded := c.noded()
	noded.dropZeros()
	return noded.lines()
}

func (c chain) addMulti(mp orb.MultiPolygon, w int) {
	for _, p := range mp {
		for i, r := range p {
			// A shell is counter-clockwise, a hole clockwise; a ring drawn the other way is
			// added reversed.
			ccw := signedArea(r) > 0
			dir := w
			if ccw != (i == 0) {
				dir = -w
			}
			c.addRing(r, dir)
		}
	}
}

func (c chain) addRing(r orb.Ring, w int) {
	for i := 1; i < len(r); i++ {
		c.add(r[i-1], r[i], w)
	}
	if n := len(r); n > 1 && r[0] != r[n-1] { // an unclosed ring closes itself
		c.add(r[n-1], r[0], w)
	}
}

// add adds the directed edge a→b with weight w.
func (c chain) add(a, b orb.Point, w int) {
	switch {
	case a == b:
		return // a repeated vertex is no edge
	case less(a, b):
		c[segment{a, b}] += w
	default:
		c[segment{b, a}] -= w
	}
}

func (c chain) dropZeros() {
	for s, w := range c {
		if w == 0 {
			delete(c, s)
		}
	}
}

// noded returns c with every edge split at the ends of c's other edges that lie on it.
// Edges that cancelled before noding are already gone: they sum to zero whatever way they
// would be split, so only the leftover edges' own ends can split the leftover edges.
func (c chain) noded() chain {
	pts := make([]orb.Point, 0, 2*len(c))
	seen := make(map[orb.Point]bool, 2*len(c))
	for s := range c {
		for _, p := range [2]orb.Point{s.a, s.b} {
			if !seen[p] {
				seen[p] = true
				pts = append(pts, p)
			}
		}
	}
	sort.Slice(pts, func(i, j int) bool { return less(pts[i], pts[j]) })
	out := chain{}
	for s, w := range c {
		// s.a ≤ s.b, so the candidates are the points whose x lies in [s.a.x, s.b.x].
		lo := sort.Search(len(pts), func(i int) bool { return pts[i][0] >= s.a[0] })
		var cuts []orb.Point
		for i := lo; i < len(pts) && pts[i][0] <= s.b[0]; i++ {
			if strictlyInside(s.a, s.b, pts[i]) {
				cuts = append(cuts, pts[i])
			}
		}
		// Along a canonical segment the points run in the same order as less sorts them
		// (x grows, or y grows on a vertical segment), and pts is sorted so: cuts are in order.
		prev := s.a
		for _, p := range cuts {
			out.add(prev, p, w)
			prev = p
		}
		out.add(prev, s.b, w)
	}
	return out
}

// lines returns the chain's edges, each directed by its weight's sign and repeated by its
// size, in a stable order.
func (c chain) lines() []orb.LineString {
	segs := make([]segment, 0, len(c))
	for s := range c {
		segs = append(segs, s)
	}
	sort.Slice(segs, func(i, j int) bool {
		if segs[i].a != segs[j].a {
			return less(segs[i].a, segs[j].a)
		}
		return less(segs[i].b, segs[j].b)
	})
	var out []orb.LineString
	for _, s := range segs {
		w := c[s]
		for ; w > 0; w-- {
			out = append(out, orb.LineString{s.a, s.b})
		}
		for ; w < 0; w++ {
			out = append(out, orb.LineString{s.b, s.a})
		}
	}
	return out
}

// less orders points by x, then y.
func less(p, q orb.Point) bool {
	if p[0] != q[0] {
		return p[0] < q[0]
	}
	return p[1] < q[1]
}

// signedArea is twice the ring's area, positive when it runs counter-clockwise. Only its sign
// is used, which is safe for the rings of valid polygons (a ring so thin that rounding could
// flip the sign would not be valid).
func signedArea(r orb.Ring) float64 {
	if len(r) == 0 {
		return 0
	}
	o := r[0] // measured from the first vertex, so that large coordinates lose no digits
	var s float64
	for i := range r {
		j := (i + 1) % len(r)
		s += (r[i][0]-o[0])*(r[j][1]-o[1]) - (r[j][0]-o[0])*(r[i][1]-o[1])
	}
	return s
}

func vertices(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}
