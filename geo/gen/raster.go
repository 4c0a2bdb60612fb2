package gen

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// lattice is the pixel raster. Pixel (i, j) covers longitudes [(i0+i)p, (i0+i+1)p] and
// latitudes [(j0+j)p, (j0+j+1)p]; row 0 is the southernmost. p is a power of two, so every
// lattice coordinate (an integer times p) is exact in float64, and the edge two neighbouring
// regions share is printed with the same digits on both sides.
type lattice struct {
	p      float64
	i0, j0 int
	w, h   int
}

// x and y turn a lattice vertex index into degrees; sub divides the pixel into 2^k parts
// for the points placed inside pixels (courtyards, households).
func (l *lattice) x(X int) float64 { return float64(l.i0+X) * l.p }
func (l *lattice) y(Y int) float64 { return float64(l.j0+Y) * l.p }

// subX returns the longitude of position n/div inside the lattice, where div is a power of two.
func (l *lattice) subX(n, div int) float64 { return float64(l.i0*div+n) * (l.p / float64(div)) }
func (l *lattice) subY(n, div int) float64 { return float64(l.j0*div+n) * (l.p / float64(div)) }

// centre returns the centre of pixel index k.
func (l *lattice) centre(k int32) orb.Point {
	i, j := int(k)%l.w, int(k)/l.w
	return orb.Point{l.subX(2*i+1, 2), l.subY(2*j+1, 2)}
}

func newLattice(b orb.Bound, p float64) lattice {
	i0 := int(math.Floor(b.Min[0] / p))
	j0 := int(math.Floor(b.Min[1] / p))
	i1 := int(math.Ceil(b.Max[0] / p))
	j1 := int(math.Ceil(b.Max[1] / p))
	return lattice{p: p, i0: i0, j0: j0, w: i1 - i0, h: j1 - j0}
}

// rasterize sets lab[k] = in for every pixel whose centre is inside one of the outline's
// polygons (even-odd over a polygon's rings, so holes are honoured) and -1 elsewhere. Pixel
// centres lie on odd multiples of p/2, never on the outline's vertices (on a coarser lattice),
// so a horizontal scan line through them never meets a vertex.
func rasterize(l *lattice, mp orb.MultiPolygon, in int32) []int32 {
	lab := make([]int32, l.w*l.h)
	for k := range lab {
		lab[k] = -1
	}
	for _, poly := range mp {
		rasterizePolygon(l, poly, lab, in)
	}
	return lab
}

func rasterizePolygon(l *lattice, poly orb.Polygon, lab []int32, in int32) {
	type edge struct{ ax, ay, bx, by float64 }
	var edges []edge
	for _, ring := range poly {
		for k := range ring {
			a, b := ring[k], ring[(k+1)%len(ring)]
			if a[1] != b[1] { // horizontal and repeated points never cross a scan line
				edges = append(edges, edge{a[0], a[1], b[0], b[1]})
			}
		}
	}
	// Bucket the edges by the rows they span so each row looks only at its own edges.
	rows := make([][]int32, l.h)
	for k, e := range edges {
		lo, hi := math.Min(e.ay, e.by), math.Max(e.ay, e.by)
		j0 := max(0, int(math.Floor(lo/l.p))-l.j0-1)
		j1 := min(l.h-1, int(math.Ceil(hi/l.p))-l.j0)
		for j := j0; j <= j1; j++ {
			rows[j] = append(rows[j], int32(k))
		}
	}
	var xs []float64
	for j := 0; j < l.h; j++ {
		yc := l.subY(2*j+1, 2)
		xs = xs[:0]
		for _, k := range rows[j] {
			e := edges[k]
			if (e.ay < yc) != (e.by < yc) {
				xs = append(xs, e.ax+(yc-e.ay)*(e.bx-e.ax)/(e.by-e.ay))
			}
		}
		sort.Float64s(xs)
		for k := 0; k+1 < len(xs); k += 2 {
			// Pixel i is in when xs[k] < (i0+i+0.5)p < xs[k+1].
			i := max(0, int(math.Floor(xs[k]/l.p-0.5))-l.i0)
			for ; i < l.w; i++ {
				xc := l.subX(2*i+1, 2)
				if xc <= xs[k] {
					continue
				}
				if xc >= xs[k+1] {
					break
				}
				lab[j*l.w+i] = in
			}
		}
	}
}

// fillSlivers gives to the county every enclosed gap of fewer than maxPixels pixels: the
// source outlines are simplified polygons whose shared diagonal edges do not quite meet, and
// the slivers between them would otherwise pepper the county with pinholes. Larger enclosed
// gaps (enclaves) are kept. It returns the number of pixels filled.
func fillSlivers(l *lattice, lab []int32, in int32, maxPixels int) int {
	const mark = -3
	filled := 0
	var piece []int32
	for s := range lab {
		if lab[s] != -1 {
			continue
		}
		piece = append(piece[:0], int32(s))
		lab[s] = mark
		border := false
		for x := 0; x < len(piece); x++ {
			i, j := int(piece[x])%l.w, int(piece[x])/l.w
			border = border || i == 0 || j == 0 || i == l.w-1 || j == l.h-1
			for _, st := range step {
				ni, nj := i+st[0], j+st[1]
				if ni >= 0 && nj >= 0 && ni < l.w && nj < l.h && lab[nj*l.w+ni] == -1 {
					lab[nj*l.w+ni] = mark
					piece = append(piece, int32(nj*l.w+ni))
				}
			}
		}
		if !border && len(piece) < maxPixels {
			for _, k := range piece {
				lab[k] = in
			}
			filled += len(piece)
		}
	}
	for k, v := range lab {
		if v == mark {
			lab[k] = -1
		}
	}
	return filled
}

// groupBy reorders seg (pixel indices) stably by key(k) in [0, n) and returns the offsets:
// the pixels with key c end up in seg[off[c]:off[c+1]]. buf is scratch space of len(seg).
func groupBy(seg, buf []int32, n int, key func(k int32) int) []int {
	off := make([]int, n+1)
	for _, k := range seg {
		off[key(k)+1]++
	}
	for c := 0; c < n; c++ {
		off[c+1] += off[c]
	}
	pos := append([]int(nil), off[:n]...)
	for _, k := range seg {
		c := key(k)
		buf[pos[c]] = k
		pos[c]++
	}
	copy(seg, buf[:len(seg)])
	return off
}
