package gen

import "math"

// Arcs are simplified once each (Douglas–Peucker on their corners, nodes fixed), so every
// polygon built from them shares bit-identical diagonal edges with its neighbours. The kept
// vertices are a subset of the lattice vertices, so every coordinate stays exact.
//
// The simplification preserves topology: arcs are simplified one after the other, and a
// shortcut (a chord replacing a stretch of the current arc) is taken only if it touches no
// other segment except at a shared end, and no vertex of any arc lies in the area between the
// stretch and the chord. Whatever the chord sweeps over is then empty: no arc can cross into
// it without crossing the chord or the stretch, and none lies wholly in it, since it would
// have a vertex there. So the planar partition keeps its shape: rings stay simple, holes stay
// in their shells, and no arc crosses another. A shortcut that fails is split at its farthest
// corner, down to the original unit steps if need be.

// simplifier holds the arcs' current state and a bucket index of their segments and vertices.
type simplifier struct {
	arcs []arc
	tol  float64 // the largest distance of a dropped corner from its chord, in pixels
	// side, per arc: +1 if dropped corners right of the chord must be within narrow of it
	// (the region on the left loses at most a strip of width narrow), -1 the same for the
	// left, 0 either side within tol.
	side   []int8
	narrow float64
	next   [][]int32
	alive  [][]bool

	cell       int32
	cx0, cy0   int32
	cw, ch     int32
	segs       [][]segRef
	verts      [][]vertRef
	checkedSeg map[segRef]bool // scratch
}

type segRef struct{ a, i, j int32 }
type vertRef struct{ a, m int32 }

const simplifyCell = 8

func newSimplifier(arcs []arc, tol float64, side []int8, narrow float64) *simplifier {
	s := &simplifier{arcs: arcs, tol: tol, side: side, narrow: narrow, cell: simplifyCell}
	lo, hi := pt{math.MaxInt32, math.MaxInt32}, pt{math.MinInt32, math.MinInt32}
	for _, a := range arcs {
		for _, p := range a.pts {
			lo = pt{min(lo.X, p.X), min(lo.Y, p.Y)}
			hi = pt{max(hi.X, p.X), max(hi.Y, p.Y)}
		}
	}
	if len(arcs) == 0 {
		return s
	}
	s.cx0, s.cy0 = lo.X/s.cell, lo.Y/s.cell
	s.cw, s.ch = hi.X/s.cell-s.cx0+1, hi.Y/s.cell-s.cy0+1
	s.segs = make([][]segRef, s.cw*s.ch)
	s.verts = make([][]vertRef, s.cw*s.ch)
	s.next = make([][]int32, len(arcs))
	s.alive = make([][]bool, len(arcs))
	for a := range arcs {
		p := arcs[a].pts
		s.next[a] = make([]int32, len(p))
		s.alive[a] = make([]bool, len(p))
		for m := range p {
			s.next[a][m] = int32(m + 1)
			s.alive[a][m] = true
			if m+1 < len(p) {
				s.addSeg(int32(a), int32(m), int32(m+1))
			}
			if m+1 < len(p) || !arcs[a].closed() {
				c := s.cellOf(p[m])
				s.verts[c] = append(s.verts[c], vertRef{int32(a), int32(m)})
			}
		}
	}
	return s
}

func (s *simplifier) cellOf(p pt) int32 { return (p.Y/s.cell-s.cy0)*s.cw + p.X/s.cell - s.cx0 }

// cells calls f with every bucket overlapping the box lo..hi.
func (s *simplifier) cells(lo, hi pt, f func(c int32) bool) bool {
	for y := lo.Y / s.cell; y <= hi.Y/s.cell; y++ {
		for x := lo.X / s.cell; x <= hi.X/s.cell; x++ {
			if !f((y-s.cy0)*s.cw + x - s.cx0) {
				return false
			}
		}
	}
	return true
}

func (s *simplifier) addSeg(a, i, j int32) {
	p, q := s.arcs[a].pts[i], s.arcs[a].pts[j]
	s.cells(pt{min(p.X, q.X), min(p.Y, q.Y)}, pt{max(p.X, q.X), max(p.Y, q.Y)}, func(c int32) bool {
		s.segs[c] = append(s.segs[c], segRef{a, i, j})
		return true
	})
}

// run simplifies every arc in order and returns each arc's kept corners.
func (s *simplifier) run() [][]pt {
	out := make([][]pt, len(s.arcs))
	for a := range s.arcs {
		p := s.arcs[a].pts
		n := int32(len(p) - 1)
		if s.arcs[a].closed() {
			// Split a closed arc at its corner farthest from the start; the two halves'
			// chords would overlap, which the checks refuse, so a triangle at least is kept.
			f, best := int32(1), int64(-1)
			for m := int32(1); m < n; m++ {
				if d := dist2(p[0], p[m]); d > best {
					f, best = m, d
				}
			}
			s.dp(int32(a), 0, f)
			s.dp(int32(a), f, n)
		} else {
			s.dp(int32(a), 0, n)
		}
		kept := []pt{p[0]}
		for m := s.next[a][0]; m <= n; m = s.next[a][m] {
			kept = append(kept, p[m])
		}
		out[a] = kept
	}
	return out
}

func (s *simplifier) dp(a, i, j int32) {
	if j-i < 2 {
		return
	}
	k, ok := s.farthest(a, i, j)
	if ok && s.free(a, i, j) {
		for m := i + 1; m < j; m++ {
			s.alive[a][m] = false
		}
		s.next[a][i] = j
		s.addSeg(a, i, j)
		return
	}
	s.dp(a, i, k)
	s.dp(a, k, j)
}

// farthest returns the corner of i..j farthest from the chord i–j, and whether every corner
// in between is within the tolerance (narrow on the side the arc's side restricts).
func (s *simplifier) farthest(a, i, j int32) (int32, bool) {
	p := s.arcs[a].pts
	P, Q := p[i], p[j]
	ok := P != Q
	k, best := i+1, -1.0
	for m := i + 1; m < j; m++ {
		d := segDist(p[m], P, Q)
		if d > best {
			k, best = m, d
		}
		if d > s.tol {
			ok = false
		}
		if o := orient(P, Q, p[m]); o != 0 && s.side[a] != 0 && (o > 0) != (s.side[a] > 0) && d > s.narrow {
			ok = false
		}
	}
	return k, ok
}

// free reports whether the chord i–j of arc a may replace the stretch i..j (see above).
func (s *simplifier) free(a, i, j int32) bool {
	p := s.arcs[a].pts
	P, Q := p[i], p[j]
	clear(s.checkedSeg)
	if s.checkedSeg == nil {
		s.checkedSeg = map[segRef]bool{}
	}
	segsOK := s.cells(pt{min(P.X, Q.X), min(P.Y, Q.Y)}, pt{max(P.X, Q.X), max(P.Y, Q.Y)}, func(c int32) bool {
		for _, r := range s.segs[c] {
			if !s.alive[r.a][r.i] || s.next[r.a][r.i] != r.j || r.a == a && r.i >= i && r.j <= j || s.checkedSeg[r] {
				continue
			}
			s.checkedSeg[r] = true
			u := s.arcs[r.a].pts
			if touchesBadly(P, Q, u[r.i], u[r.j]) {
				return false
			}
		}
		return true
	})
	if !segsOK {
		return false
	}
	lo, hi := P, P
	for m := i; m <= j; m++ {
		lo = pt{min(lo.X, p[m].X), min(lo.Y, p[m].Y)}
		hi = pt{max(hi.X, p[m].X), max(hi.Y, p[m].Y)}
	}
	stretch := p[i : j+1]
	return s.cells(lo, hi, func(c int32) bool {
		for _, r := range s.verts[c] {
			if !s.alive[r.a][r.m] || r.a == a && r.m >= i && r.m <= j {
				continue
			}
			v := s.arcs[r.a].pts[r.m]
			if v == P || v == Q || segDist(v, P, Q) > s.tol {
				continue
			}
			if insideClosed(stretch, v) {
				return false
			}
		}
		return true
	})
}

// insideClosed reports whether v is inside the closed path (even-odd), the last point joined
// back to the first. v is never on the path.
func insideClosed(r []pt, v pt) bool {
	in := false
	for k := range r {
		A, B := r[k], r[(k+1)%len(r)]
		if (A.Y > v.Y) != (B.Y > v.Y) {
			t := int64(v.Y-A.Y)*int64(B.X-A.X) - int64(v.X-A.X)*int64(B.Y-A.Y)
			if (B.Y > A.Y) == (t > 0) {
				in = !in
			}
		}
	}
	return in
}

// orient is the sign of the turn p→q→r: positive to the left.
func orient(p, q, r pt) int {
	v := int64(q.X-p.X)*int64(r.Y-p.Y) - int64(q.Y-p.Y)*int64(r.X-p.X)
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func dist2(p, q pt) int64 {
	dx, dy := int64(p.X-q.X), int64(p.Y-q.Y)
	return dx*dx + dy*dy
}

// segDist is the distance from v to the segment p–q.
func segDist(v, p, q pt) float64 {
	dx, dy := float64(q.X-p.X), float64(q.Y-p.Y)
	wx, wy := float64(v.X-p.X), float64(v.Y-p.Y)
	l := dx*dx + dy*dy
	t := 0.0
	if l > 0 {
		t = math.Max(0, math.Min(1, (wx*dx+wy*dy)/l))
	}
	return math.Hypot(wx-t*dx, wy-t*dy)
}

// onSeg reports whether r, collinear with p–q, lies on the closed segment.
func onSeg(p, q, r pt) bool {
	return min(p.X, q.X) <= r.X && r.X <= max(p.X, q.X) && min(p.Y, q.Y) <= r.Y && r.Y <= max(p.Y, q.Y)
}

// touchesBadly reports whether segments PQ and UV meet anywhere but at one shared end.
func touchesBadly(P, Q, U, V pt) bool {
	if max(P.X, Q.X) < min(U.X, V.X) || max(U.X, V.X) < min(P.X, Q.X) ||
		max(P.Y, Q.Y) < min(U.Y, V.Y) || max(U.Y, V.Y) < min(P.Y, Q.Y) {
		return false
	}
	o1, o2, o3, o4 := orient(P, Q, U), orient(P, Q, V), orient(U, V, P), orient(U, V, Q)
	if o1*o2 < 0 && o3*o4 < 0 {
		return true
	}
	shared := func(x pt) bool { return (x == P || x == Q) && (x == U || x == V) }
	if o1 == 0 && o2 == 0 { // collinear: bad if they overlap along a stretch
		lo1, hi1, lo2, hi2 := min(P.X, Q.X), max(P.X, Q.X), min(U.X, V.X), max(U.X, V.X)
		if P.X == Q.X {
			lo1, hi1, lo2, hi2 = min(P.Y, Q.Y), max(P.Y, Q.Y), min(U.Y, V.Y), max(U.Y, V.Y)
		}
		return min(hi1, hi2) > max(lo1, lo2)
	}
	return o1 == 0 && onSeg(P, Q, U) && !shared(U) || o2 == 0 && onSeg(P, Q, V) && !shared(V) ||
		o3 == 0 && onSeg(U, V, P) && !shared(P) || o4 == 0 && onSeg(U, V, Q) && !shared(Q)
}
