package coverage

import (
	"math"

	"github.com/paulmach/orb"
)

// Uncertain returns the positions of the features that overlap some grid's bounds but lie
// certainly inside none of the grids (Inside): the ones that may be cut by a grid edge and
// must be measured. Features far from every grid are left out. Grids are found through a
// uniform hash of their bounds, with cells the size of an average grid.
func Uncertain(features, grids []orb.MultiPolygon) []int {
	h := newBoundHash(grids)
	var out []int
	for i, f := range features {
		if len(f) == 0 {
			continue
		}
		b := f.Bound()
		near, inside := false, false
		h.each(b, func(g int) bool {
			if !grids[g].Bound().Intersects(b) {
				return true
			}
			near = true
			inside = Inside(f, grids[g])
			return !inside
		})
		if near && !inside {
			out = append(out, i)
		}
	}
	return out
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
