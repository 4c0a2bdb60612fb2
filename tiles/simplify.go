package tiles

import "math"

// Simplification is per vertex and deterministic: a vertex is rounded to the lattice of the
// tile's zoom from its world coordinates alone, so the same lon/lat becomes the same integer
// in every feature and every tile, and the two sides of a shared edge stay identical. What
// follows only removes: repeated points, exactly collinear points (an integer cross
// product), and rings that collapse to nothing. Clipping adds points where an edge crosses
// the buffered tile's border, computed from the edge's endpoints in a fixed order so that
// both neighbours get the same point.

// ipt is a point in tile coordinates (MVT units, origin at the tile's top left corner).
type ipt struct{ x, y int64 }

// frame maps world coordinates to the tile coordinates of one tile, on the lattice of
// 2^snap units.
type frame struct {
	shift  int   // world units to lattice steps: >0 shifts right (rounding), <0 left
	snap   uint  // log2 of the lattice step in tile units
	ox, oy int64 // the tile's top left corner in global units of its zoom
}

// snapShift is log2 of the lattice step, in tile units, used at zoom z. One unit is 1/16 of
// a pixel on a 256-pixel tile; at low zooms a coarser lattice folds the pixel staircases of
// the boundaries into fewer vertices and keeps tiles small. The step is a power of two so
// the lattice lines up with tile edges, and it depends on the zoom only, so neighbours
// still round alike.
func snapShift(z uint32) uint {
	switch {
	case z <= 9:
		return 2
	case z <= 11:
		return 1
	}
	return 0
}

// newFrame returns the frame of tile z/x/y, on a lattice coarser than the zoom's by 2^coarser.
func newFrame(z, x, y uint32, coarser uint) frame {
	snap := snapShift(z) + coarser
	return frame{
		shift: 32 - 12 - int(z) + int(snap),
		snap:  snap,
		ox:    int64(x) * Extent,
		oy:    int64(y) * Extent,
	}
}

func (f *frame) round(v uint32) int64 {
	if f.shift > 0 {
		return int64((uint64(v)+1<<(f.shift-1))>>f.shift) << f.snap
	}
	return int64(v) << -f.shift << f.snap
}

func (f *frame) pt(p wpt) ipt { return ipt{f.round(p.x) - f.ox, f.round(p.y) - f.oy} }

// The clip box, in tile coordinates.
const (
	clipLo = -Buffer
	clipHi = Extent + Buffer
)

// cross is the z component of (b-a)×(c-b): zero when a, b, c lie on one line.
func cross(a, b, c ipt) int64 {
	return (b.x-a.x)*(c.y-b.y) - (b.y-a.y)*(c.x-b.x)
}

// area2 is twice the signed area of a ring (positive for the exterior rings of MVT, which
// turn clockwise on screen with y pointing down).
func area2(r []ipt) int64 {
	var s int64
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		s += a.x*b.y - b.x*a.y
	}
	return s
}

// bboxOf returns the box of points.
func bboxOf(ps []ipt) (lo, hi ipt) {
	lo, hi = ps[0], ps[0]
	for _, p := range ps[1:] {
		lo.x, lo.y = min(lo.x, p.x), min(lo.y, p.y)
		hi.x, hi.y = max(hi.x, p.x), max(hi.y, p.y)
	}
	return lo, hi
}

func insideBox(lo, hi ipt) bool {
	return lo.x >= clipLo && lo.y >= clipLo && hi.x <= clipHi && hi.y <= clipHi
}

func outsideBox(lo, hi ipt) bool {
	return hi.x < clipLo || hi.y < clipLo || lo.x > clipHi || lo.y > clipHi
}

// cut returns the point where segment a-b meets the line x = c (vertical) or y = c. The
// endpoints are put in one order first, so a-b and b-a give the same point.
func cut(a, b ipt, c int64, vertical bool) ipt {
	if b.x < a.x || (b.x == a.x && b.y < a.y) {
		a, b = b, a
	}
	if vertical {
		return ipt{c, a.y + int64(math.Round(float64(c-a.x)*float64(b.y-a.y)/float64(b.x-a.x)))}
	}
	return ipt{a.x + int64(math.Round(float64(c-a.y)*float64(b.x-a.x)/float64(b.y-a.y))), c}
}

// clipRing clips a ring to the clip box (Sutherland-Hodgman, one side of the box at a
// time), using tmp as scratch. The result may run back and forth along the box's border;
// cleanRing removes those zero-width parts.
func clipRing(ring, tmp []ipt) (out, spare []ipt) {
	in := ring
	for side := range 4 {
		out = tmp[:0]
		inside := func(p ipt) bool {
			switch side {
			case 0:
				return p.x >= clipLo
			case 1:
				return p.x <= clipHi
			case 2:
				return p.y >= clipLo
			}
			return p.y <= clipHi
		}
		c := int64(clipLo)
		if side == 1 || side == 3 {
			c = clipHi
		}
		vertical := side < 2
		for i, cur := range in {
			prev := in[(i+len(in)-1)%len(in)]
			ci, pi := inside(cur), inside(prev)
			if ci != pi {
				out = append(out, cut(prev, cur, c, vertical))
			}
			if ci {
				out = append(out, cur)
			}
		}
		tmp, in = in, out
		if len(out) == 0 {
			break
		}
	}
	return out, tmp
}

// cleanRing drops repeated points and points exactly on the line through their neighbours
// (which also removes spikes, zero-width parts that go out and come back), in place. It
// returns nil when fewer than three points remain.
func cleanRing(r []ipt) []ipt {
	out := r[:0]
	for _, p := range r {
		for {
			n := len(out)
			if n > 0 && out[n-1] == p {
				break
			}
			if n >= 2 && cross(out[n-2], out[n-1], p) == 0 {
				out = out[:n-1]
				continue
			}
			out = append(out, p)
			break
		}
	}
	// The same at the seam where the ring closes.
	for len(out) >= 3 {
		n := len(out)
		switch {
		case out[n-1] == out[0]:
			out = out[:n-1]
		case cross(out[n-2], out[n-1], out[0]) == 0:
			out = out[:n-1]
		case cross(out[n-1], out[0], out[1]) == 0:
			out = out[1:]
		default:
			return out
		}
	}
	return nil
}

// cleanLine drops repeated points and points strictly between their neighbours on one line,
// in place; it keeps turns back, which a line can really make.
func cleanLine(l []ipt) []ipt {
	out := l[:0]
	for _, p := range l {
		n := len(out)
		if n > 0 && out[n-1] == p {
			continue
		}
		if n >= 2 {
			a, b := out[n-2], out[n-1]
			if cross(a, b, p) == 0 && (b.x-a.x)*(p.x-b.x)+(b.y-a.y)*(p.y-b.y) > 0 {
				out[n-1] = p
				continue
			}
		}
		out = append(out, p)
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// clipSegment clips a-b to the clip box (Liang-Barsky); ok is false when it misses it.
func clipSegment(a, b ipt) (ipt, ipt, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := float64(b.x-a.x), float64(b.y-a.y)
	edge := func(p, q float64) bool {
		switch {
		case p == 0:
			return q >= 0
		case p < 0:
			if r := q / p; r > t1 {
				return false
			} else if r > t0 {
				t0 = r
			}
		default:
			if r := q / p; r < t0 {
				return false
			} else if r < t1 {
				t1 = r
			}
		}
		return true
	}
	if !edge(-dx, float64(a.x-clipLo)) || !edge(dx, float64(clipHi-a.x)) ||
		!edge(-dy, float64(a.y-clipLo)) || !edge(dy, float64(clipHi-a.y)) {
		return a, b, false
	}
	at := func(t float64) ipt {
		return ipt{a.x + int64(math.Round(t*dx)), a.y + int64(math.Round(t*dy))}
	}
	ca, cb := a, b
	if t0 > 0 {
		ca = at(t0)
	}
	if t1 < 1 {
		cb = at(t1)
	}
	return ca, cb, true
}
