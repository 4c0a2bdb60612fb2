package coverage

import (
	"math"
	"runtime"
	"sync"

	"github.com/paulmach/orb"
)

// Uncertain returns the positions of the features that overlap some grid's bounds but lie
// certainly inside none of the grids (Inside): the ones that may be cut by a grid edge and
// must be measured. Features far from every grid are left out. Grids are found through a
// uniform hash of their bounds, with cells the size of an average grid.
func Uncertain(features, grids []orb.MultiPolygon) []int {
	h := newBoundHash(grids)
	gridBounds := make([]orb.Bound, len(grids))
	for i, g := range grids {
		gridBounds[i] = g.Bound()
	}
	// The features are split in as many contiguous parts as there are processors; each
	// part's answer stays in order, so the result is in the features' order.
	parts := runtime.GOMAXPROCS(0)
	found := make([][]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := p * len(features) / parts; i < (p+1)*len(features)/parts; i++ {
				if f := features[i]; len(f) > 0 && !insideOne(f, grids, gridBounds, h) {
					found[p] = append(found[p], i)
				}
			}
		}()
	}
	wg.Wait()
	var out []int
	for _, f := range found {
		out = append(out, f...)
	}
	return out
}

// insideOne reports whether f lies certainly inside one of the grids, or near none of them
// (nothing to measure either way).
func insideOne(f orb.MultiPolygon, grids []orb.MultiPolygon, bounds []orb.Bound, h *boundHash) bool {
	b := f.Bound()
	near, inside := false, false
	h.each(b, func(g int) bool {
		if !bounds[g].Intersects(b) {
			return true
		}
		near = true
		inside = Inside(f, grids[g])
		return !inside
	})
	return inside || !near
}

// boundHash files items under every cell of a uniform grid their bounds touch.
type boundHash struct {
	origin orb.Point
	cell   float64
	cells  map[[2]int][]int
}

func newBoundHash(items []orb.MultiPolygon) *boundHash {
	h := &boundHash{cells: map[[2]int][]int{}}
	var sum float64
	all := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, it := range items {
		b := it.Bound()
		sum += math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
		all = all.Union(b)
	}
	if len(items) == 0 || sum == 0 {
		h.cell = 1
		return h
	}
	h.origin, h.cell = all.Min, sum/float64(len(items))
	for i, it := range items {
		h.visit(it.Bound(), func(k [2]int) bool {
			h.cells[k] = append(h.cells[k], i)
			return true
		})
	}
	return h
}

// each calls fn with every item filed under a cell b touches (an item may come more than
// once) until fn returns false.
func (h *boundHash) each(b orb.Bound, fn func(i int) bool) {
	h.visit(b, func(k [2]int) bool {
		for _, i := range h.cells[k] {
			if !fn(i) {
				return false
			}
		}
		return true
	})
}

func (h *boundHash) visit(b orb.Bound, fn func(k [2]int) bool) {
	x0, y0 := h.key(b.Min)
	x1, y1 := h.key(b.Max)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			if !fn([2]int{x, y}) {
				return
			}
		}
	}
}

func (h *boundHash) key(p orb.Point) (int, int) {
	return int(math.Floor((p[0] - h.origin[0]) / h.cell)), int(math.Floor((p[1] - h.origin[1]) / h.cell))
}
