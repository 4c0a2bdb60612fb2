package gen

import "github.com/paulmach/orb"

// Tracing turns labelled pixels into polygons. Each region's boundary is a set of directed
// unit edges with the region on the left; they are linked into rings vertex by vertex. At a
// vertex where two pixels of the region touch only diagonally the walk turns left, so it keeps
// hugging the pixel it came along; a ring that still visits such a vertex twice (a region
// that touches itself, or two holes that touch) is cut there into simple rings. Only corners
// are kept, so collinear vertices never appear. Shells come out counter-clockwise and holes
// clockwise, since the region is always on the left.

// pt is a lattice vertex.
type pt struct{ X, Y int32 }

// For an edge leaving vertex (X, Y) in direction d (see step), the pixel on its left and on
// its right, as offsets from the vertex.
var (
	leftOff  = [4][2]int{{0, 0}, {-1, 0}, {-1, -1}, {0, -1}}
	rightOff = [4][2]int{{0, -1}, {0, 0}, {-1, 0}, {-1, -1}}
)

// tracer reads region labels from a lattice of w×h pixels: lab[k], mapped through remap when
// remap is set (to trace villages from grid labels, say); a negative label is no region.
type tracer struct {
	w, h  int
	lab   []int32
	remap []int32
	seen  []uint8 // per pixel, bit d: its side d has been walked
}

func (t *tracer) at(i, j int) int32 {
	if i < 0 || j < 0 || i >= t.w || j >= t.h {
		return -1
	}
	v := t.lab[j*t.w+i]
	if v < 0 || t.remap == nil {
		return v
	}
	return t.remap[v]
}

// traceAll returns the rings of every label below n, each region's rings in raster order.
func (t *tracer) traceAll(n int) [][][]pt {
	out := make([][][]pt, n)
	if len(t.seen) < t.w*t.h {
		t.seen = make([]uint8, t.w*t.h)
	} else {
		clear(t.seen)
	}
	for j := 0; j < t.h; j++ {
		for i := 0; i < t.w; i++ {
			L := t.at(i, j)
			if L < 0 {
				continue
			}
			k := j*t.w + i
			for d := 0; d < 4; d++ {
				if t.seen[k]&(1<<d) != 0 {
					continue
				}
				X, Y := i-leftOff[d][0], j-leftOff[d][1]
				if t.at(X+rightOff[d][0], Y+rightOff[d][1]) == L {
					continue // an inner side, not a boundary edge
				}
				corners, diag := t.walk(X, Y, d, L)
				if diag {
					out[L] = append(out[L], splitRing(corners)...)
				} else {
					out[L] = append(out[L], corners)
				}
			}
		}
	}
	return out
}

// walk follows the boundary of region L from the edge leaving (X, Y) in direction d until it
// is back on that edge, and returns the corners; diag reports a diagonal vertex on the way.
func (t *tracer) walk(X, Y, d int, L int32) (corners []pt, diag bool) {
	sx, sy, sd := X, Y, d
	for {
		t.seen[(Y+leftOff[d][1])*t.w+X+leftOff[d][0]] |= 1 << d
		X, Y = X+step[d][0], Y+step[d][1]
		nd := d
		for _, c := range [3]int{(d + 1) % 4, d, (d + 3) % 4} { // left turn first
			if t.at(X+leftOff[c][0], Y+leftOff[c][1]) == L && t.at(X+rightOff[c][0], Y+rightOff[c][1]) != L {
				nd = c
				break
			}
		}
		if nd != d {
			corners = append(corners, pt{int32(X), int32(Y)})
			diag = diag || t.diagonal(X, Y, L)
		}
		d = nd
		if X == sx && Y == sy && d == sd {
			return corners, diag
		}
	}
}

// diagonal reports whether exactly two pixels of L meet at vertex (X, Y), corner to corner.
func (t *tracer) diagonal(X, Y int, L int32) bool {
	sw, se := t.at(X-1, Y-1) == L, t.at(X, Y-1) == L
	nw, ne := t.at(X-1, Y) == L, t.at(X, Y) == L
	return (sw && ne && !se && !nw) || (se && nw && !sw && !ne)
}

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

// containsDoubled reports whether the point (px/2, py/2), with px and py odd, is inside the
// rectilinear ring r. Odd doubled coordinates never lie on a lattice line: no ties.
func containsDoubled(r []pt, px, py int64) bool {
	in := false
	for k := range r {
		a, b := r[k], r[(k+1)%len(r)]
		if a.X != b.X {
			continue
		}
		y1, y2 := 2*int64(a.Y), 2*int64(b.Y)
		if (y1 < py) != (y2 < py) && 2*int64(a.X) > px {
			in = !in
		}
	}
	return in
}

// polygons groups a region's rings into polygons: each hole goes to the smallest shell that
// contains the centre of a region pixel lying along the hole.
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
		d := 0
		switch a, b := h[0], h[1]; {
		case b.Y > a.Y:
			d = 1
		case b.X < a.X:
			d = 2
		case b.Y < a.Y:
			d = 3
		}
		px := 2*(int64(h[0].X)+int64(leftOff[d][0])) + 1
		py := 2*(int64(h[0].Y)+int64(leftOff[d][1])) + 1
		best := -1
		for s, p := range polys {
			if containsDoubled(p[0], px, py) && (best < 0 || areas[s] < areas[best]) {
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
