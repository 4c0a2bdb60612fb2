package gen

import "github.com/paulmach/orb"

// Rings are built from arcs (see arcs.go and rings.go) as lists of lattice vertices, the
// region on the left: shells counter-clockwise, holes clockwise. A ring that visits a vertex
// twice (a region that touches itself, or two holes that touch) is cut there into simple
// rings.

// pt is a lattice vertex.
type pt struct{ X, Y int32 }

// For an edge leaving vertex (X, Y) in direction d (see step), the pixel on its left and on
// its right, as offsets from the vertex.
var (
	leftOff  = [4][2]int{{0, 0}, {-1, 0}, {-1, -1}, {0, -1}}
	rightOff = [4][2]int{{0, -1}, {0, 0}, {-1, 0}, {-1, -1}}
)

// splitRing cuts a closed walk that visits some vertex twice into simple rings.
func splitRing(c []pt) [][]pt {
	pos := make(map[pt]int, len(c))
	var stack []pt
	var out [][]pt
	for _, v := range c {
		if k, ok := pos[v]; ok {
			out = append(out, append([]pt(nil), stack[k:]...))
			for _, u := range stack[k+1:] {
				delete(pos, u)
			}
			stack = stack[:k+1]
			continue
		}
		pos[v] = len(stack)
		stack = append(stack, v)
	}
	return append(out, stack)
}

// area2 is twice the signed area of a ring: positive for a counter-clockwise shell.
func area2(r []pt) int64 {
	var s int64
	x0, y0 := int64(r[0].X), int64(r[0].Y)
	for k := range r {
		a, b := r[k], r[(k+1)%len(r)]
		s += (int64(a.X)-x0)*(int64(b.Y)-y0) - (int64(b.X)-x0)*(int64(a.Y)-y0)
	}
	return s
}

// polygons groups a region's rings into polygons: each hole goes to the smallest shell that
// has a vertex or edge midpoint of the hole strictly inside.
func polygons(rings [][]pt) [][][]pt {
	var polys [][][]pt
	var areas []int64
	var holes [][]pt
	for _, r := range rings {
		if a := area2(r); a > 0 {
			polys = append(polys, [][]pt{r})
			areas = append(areas, a)
		} else {
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		best := -1
		for s, p := range polys {
			if holeIn(h, p[0]) && (best < 0 || areas[s] < areas[best]) {
				best = s
			}
		}
		if best >= 0 { // always found; a lost hole would show up as an area mismatch in tests
			polys[best] = append(polys[best], h)
		}
	}
	return polys
}

// multiPolygon converts traced rings to degrees, closing each ring.
func (l *lattice) multiPolygon(rings [][]pt) orb.MultiPolygon {
	polys := polygons(rings)
	mp := make(orb.MultiPolygon, len(polys))
	for k, p := range polys {
		mp[k] = make(orb.Polygon, len(p))
		for m, r := range p {
			ring := make(orb.Ring, len(r)+1)
			for n, v := range r {
				ring[n] = orb.Point{l.x(int(v.X)), l.y(int(v.Y))}
			}
			ring[len(r)] = ring[0]
			mp[k][m] = ring
		}
	}
	return mp
}

// holeIn reports whether a vertex or edge midpoint of hole h lies strictly inside shell r.
// A hole touches its shell at a few nodes at most, so one of them is inside.
func holeIn(h, r []pt) bool {
	for k := range h {
		a, b := h[k], h[(k+1)%len(h)]
		for _, q := range [2]pt{{2 * a.X, 2 * a.Y}, {a.X + b.X, a.Y + b.Y}} {
			switch ringSide(r, q) {
			case 1:
				return true
			case -1:
				return false
			}
		}
	}
	return false
}

// ringSide tells whether the doubled point q (coordinates times two) is inside ring r (1),
// on it (0) or outside (-1).
func ringSide(r []pt, q pt) int {
	in := false
	for k := range r {
		A, B := pt{2 * r[k].X, 2 * r[k].Y}, pt{2 * r[(k+1)%len(r)].X, 2 * r[(k+1)%len(r)].Y}
		if orient(A, B, q) == 0 && onSeg(A, B, q) {
			return 0
		}
		if (A.Y > q.Y) != (B.Y > q.Y) {
			t := int64(q.Y-A.Y)*int64(B.X-A.X) - int64(q.X-A.X)*int64(B.Y-A.Y)
			if (B.Y > A.Y) == (t > 0) {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}
