package tiles

import (
	"container/heap"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// LabelPoint returns where to put the label of g. For a polygon it is a point inside it, as
// far from its edges (and holes) as a short search finds: the centroid of a concave shape
// can fall outside it, and a point near an edge puts the name across a boundary. A
// MultiPolygon is labelled in its largest polygon, a line at the middle of its length (of
// the longest line), points at the first point. It returns the zero point for a nil or
// empty geometry.
func LabelPoint(g orb.Geometry) orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return g
	case orb.MultiPoint:
		if len(g) > 0 {
			return g[0]
		}
	case orb.LineString:
		return lineMiddle(g)
	case orb.MultiLineString:
		best, bestLen := orb.LineString(nil), -1.0
		for _, l := range g {
			if n := planar.Length(l); n > bestLen {
				best, bestLen = l, n
			}
		}
		return lineMiddle(best)
	case orb.Ring:
		return polygonLabel(orb.Polygon{g})
	case orb.Polygon:
		return polygonLabel(g)
	case orb.MultiPolygon:
		best, bestArea := orb.Polygon(nil), -1.0
		for _, p := range g {
			if len(p) == 0 {
				continue
			}
			if a := math.Abs(planar.Area(p)); a > bestArea {
				best, bestArea = p, a
			}
		}
		return polygonLabel(best)
	case orb.Bound:
		return g.Center()
	case orb.Collection:
		for _, x := range g {
			if x != nil && !x.Bound().IsEmpty() {
				return LabelPoint(x)
			}
		}
	}
	return orb.Point{}
}

func lineMiddle(l orb.LineString) orb.Point {
	if len(l) == 0 {
		return orb.Point{}
	}
	half := planar.Length(l) / 2
	for i := 1; i < len(l); i++ {
		d := planar.Distance(l[i-1], l[i])
		if d >= half && d > 0 {
			t := half / d
			return orb.Point{l[i-1][0] + t*(l[i][0]-l[i-1][0]), l[i-1][1] + t*(l[i][1]-l[i-1][1])}
		}
		half -= d
	}
	return l[len(l)-1]
}

// shape is a polygon in a local plane where a degree of longitude has the length it has on
// the ground at the polygon's latitude, so "far from the edges" means metres, not degrees.
type shape struct {
	rings  [][]orb.Point
	kx     float64
	origin orb.Point
}

func newShape(p orb.Polygon) *shape {
	b := p.Bound()
	s := &shape{kx: math.Cos(b.Center()[1] * math.Pi / 180), origin: b.Min}
	for _, r := range p {
		lr := make([]orb.Point, len(r))
		for i, q := range r {
			lr[i] = s.local(q)
		}
		s.rings = append(s.rings, lr)
	}
	return s
}

func (s *shape) local(q orb.Point) orb.Point {
	return orb.Point{(q[0] - s.origin[0]) * s.kx, q[1] - s.origin[1]}
}

func (s *shape) lonLat(q orb.Point) orb.Point {
	return orb.Point{q[0]/s.kx + s.origin[0], q[1] + s.origin[1]}
}

// dist returns the distance from q to the nearest edge, negative when q is outside
// (even-odd rule over all rings, so holes are outside).
func (s *shape) dist(q orb.Point) float64 {
	in := false
	best := math.Inf(1)
	for _, r := range s.rings {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			a, b := r[j], r[i]
			if (a[1] > q[1]) != (b[1] > q[1]) && q[0] < (b[0]-a[0])*(q[1]-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
			best = min(best, segDist2(q, a, b))
		}
	}
	d := math.Sqrt(best)
	if !in {
		return -d
	}
	return d
}

func segDist2(q, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = max(0, min(1, ((q[0]-a[0])*dx+(q[1]-a[1])*dy)/l))
	}
	ex, ey := a[0]+t*dx-q[0], a[1]+t*dy-q[1]
	return ex*ex + ey*ey
}

// scanPoint returns the middle of the widest stretch of a horizontal line through the
// polygon, tried at a few heights: a point that is inside whatever the shape, the search's
// starting point.
func (s *shape) scanPoint(h float64) (orb.Point, bool) {
	best, bestW, found := orb.Point{}, -1.0, false
	// Heights that are not simple fractions, so the line does not run along the edges of
	// boundaries drawn on a lattice.
	for _, f := range []float64{0.5037, 0.3021, 0.7013, 0.4019, 0.6029, 0.2011, 0.8017} {
		y := h * f
		var xs []float64
		for _, r := range s.rings {
			for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
				a, b := r[j], r[i]
				if (a[1] > y) != (b[1] > y) {
					xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
				}
			}
		}
		sortFloats(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			if w := xs[i+1] - xs[i]; w > bestW {
				best, bestW, found = orb.Point{(xs[i] + xs[i+1]) / 2, y}, w, true
			}
		}
	}
	return best, found
}

func sortFloats(xs []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// polygonLabel searches for the point of p farthest from its edges by branch and bound
// over square cells: a cell can hold no point farther from the edges than the distance of
// its centre plus its half-diagonal, so cells that cannot beat the best point so far are
// dropped and the others split in four, until the gain left is under a small fraction of
// the polygon's size or the cell budget runs out.
func polygonLabel(p orb.Polygon) orb.Point {
	if len(p) == 0 || len(p[0]) == 0 {
		return orb.Point{}
	}
	s := newShape(p)
	lo, hi := orb.Point{math.Inf(1), math.Inf(1)}, orb.Point{math.Inf(-1), math.Inf(-1)}
	for _, q := range s.rings[0] {
		lo = orb.Point{min(lo[0], q[0]), min(lo[1], q[1])}
		hi = orb.Point{max(hi[0], q[0]), max(hi[1], q[1])}
	}
	w, h := hi[0]-lo[0], hi[1]-lo[1]
	if w <= 0 || h <= 0 {
		return s.lonLat(lo)
	}
	bestP, ok := s.scanPoint(h)
	if !ok {
		return s.lonLat(orb.Point{lo[0] + w/2, lo[1] + h/2})
	}
	bestD := s.dist(bestP)
	if c, _ := planar.CentroidArea(p); !math.IsNaN(c[0]) {
		if lc := s.local(c); s.dist(lc) > bestD {
			bestP, bestD = lc, s.dist(lc)
		}
	}
	precision := max(w, h) / 50
	// Cells no smaller than a 1/32 of the longer side, so a long thin shape does not start
	// with thousands of cells.
	size := max(min(w, h), max(w, h)/32)
	cells := &cellHeap{}
	for x := lo[0]; x < hi[0]; x += size {
		for y := lo[1]; y < hi[1]; y += size {
			cells.push(s, orb.Point{x + size/2, y + size/2}, size/2)
		}
	}
	for budget := 1000; cells.Len() > 0 && budget > 0; budget-- {
		c := heap.Pop(cells).(cell)
		if c.d > bestD {
			bestP, bestD = c.p, c.d
		}
		if c.max-bestD <= precision {
			continue
		}
		hh := c.h / 2
		for _, o := range [4][2]float64{{-1, -1}, {1, -1}, {-1, 1}, {1, 1}} {
			cells.push(s, orb.Point{c.p[0] + o[0]*hh, c.p[1] + o[1]*hh}, hh)
		}
	}
	return s.lonLat(bestP)
}

type cell struct {
	p      orb.Point
	h      float64 // half the side
	d, max float64 // distance of the centre to the edges, best possible inside the cell
}

type cellHeap []cell

func (c *cellHeap) push(s *shape, p orb.Point, h float64) {
	d := s.dist(p)
	heap.Push(c, cell{p: p, h: h, d: d, max: d + h*math.Sqrt2})
}

func (c cellHeap) Len() int           { return len(c) }
func (c cellHeap) Less(i, j int) bool { return c[i].max > c[j].max }
func (c cellHeap) Swap(i, j int)      { c[i], c[j] = c[j], c[i] }
func (c *cellHeap) Push(x any)        { *c = append(*c, x.(cell)) }
func (c *cellHeap) Pop() any {
	old := *c
	x := old[len(old)-1]
	*c = old[:len(old)-1]
	return x
}
