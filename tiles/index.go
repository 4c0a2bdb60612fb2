package tiles

import (
	"math"
	"slices"
	"strings"
)

// The spatial index of a layer is a uniform grid of cells: the tiles of one zoom, the cell
// zoom, chosen from the features so that a cell holds a handful of them and a feature spans a
// few cells. A feature is listed in every cell its box meets. Features that appear only from
// some zoom (labels of small units) are indexed apart, in a tier per starting zoom, so that a
// low-zoom tile does not wade through the labels of every grid.
//
// Buckets are never modified once a Set holds them: an Update copies the buckets it changes
// (and the shards of the cell map that hold them), the rest are shared.

type tier struct {
	minZoom int
	cellZ   uint32
	cells   cowMap[uint64, []*feat]
	// big holds features that would span more than maxCells cells: listing them in every
	// cell would cost more than testing them on every query.
	big []*feat
}

const maxCells = 256

func cellID(x, y uint32) uint64 { return uint64(x)<<32 | uint64(y) }

// cellRange returns the cells of zoom cz that box b meets, clamped to the world.
func cellRange(cz uint32, b wbox) (x0, y0, x1, y1 uint32) {
	shift := 32 - cz
	last := int64(1)<<cz - 1
	c := func(v int64) uint32 { return uint32(max(0, min(last, v>>shift))) }
	return c(b.x0), c(b.y0), c(b.x1), c(b.y1)
}

// chooseCellZoom picks the cell zoom for a group of features: cells at least as large as the
// median feature and holding about eight features each on average.
func chooseCellZoom(fs []*feat) uint32 {
	var sizes []int64
	all := emptyWBox
	n := 0
	for _, f := range fs {
		if f.box.empty() {
			continue
		}
		n++
		sizes = append(sizes, max(f.box.x1-f.box.x0, f.box.y1-f.box.y0))
		all = all.union(f.box)
	}
	if n == 0 {
		return 12
	}
	slices.Sort(sizes)
	side := float64(sizes[len(sizes)/2])
	area := float64(all.x1-all.x0+1) * float64(all.y1-all.y0+1)
	side = max(side, math.Sqrt(area*8/float64(n)), 1)
	z := int(math.Floor(32 - math.Log2(side)))
	return uint32(max(0, min(MaxZoom, z)))
}

func newTier(minZoom int, cellZ uint32) *tier {
	return &tier{minZoom: minZoom, cellZ: cellZ, cells: newCowMap[uint64, []*feat](hashCell)}
}

// tierEdit changes a tier without touching the one it was copied from.
type tierEdit struct {
	t     *tier
	cells *cowEdit[uint64, []*feat]
	own   map[uint64]bool // buckets already copied by this edit, safe to change in place
	big   bool            // big already copied
}

func (t *tier) edit() *tierEdit {
	nt := *t
	return &tierEdit{t: &nt, cells: t.cells.edit(), own: map[uint64]bool{}}
}

func (e *tierEdit) done() *tier {
	e.t.cells = e.cells.done()
	return e.t
}

func (e *tierEdit) isBig(f *feat) bool {
	x0, y0, x1, y1 := cellRange(e.t.cellZ, f.box)
	return int64(x1-x0+1)*int64(y1-y0+1) > maxCells
}

func (e *tierEdit) insert(f *feat) {
	if f.box.empty() {
		return
	}
	if e.isBig(f) {
		if !e.big {
			e.t.big, e.big = slices.Clone(e.t.big), true
		}
		e.t.big = append(e.t.big, f)
		return
	}
	x0, y0, x1, y1 := cellRange(e.t.cellZ, f.box)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			id := cellID(x, y)
			b, _ := e.cells.get(id)
			if !e.own[id] {
				b = append(b[:len(b):len(b)], f) // copies: the old bucket stays as it was
				e.own[id] = true
			} else {
				b = append(b, f)
			}
			e.cells.set(id, b)
		}
	}
}

func (e *tierEdit) remove(f *feat) {
	if f.box.empty() {
		return
	}
	if e.isBig(f) {
		e.t.big, e.big = without(e.t.big, f), true
		return
	}
	x0, y0, x1, y1 := cellRange(e.t.cellZ, f.box)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			id := cellID(x, y)
			b, _ := e.cells.get(id)
			nb := without(b, f)
			if len(nb) == 0 {
				e.cells.del(id)
			} else {
				e.cells.set(id, nb)
			}
			e.own[id] = true
		}
	}
}

// without returns a new slice of the features of b other than f.
func without(b []*feat, f *feat) []*feat {
	out := make([]*feat, 0, len(b))
	for _, g := range b {
		if g != f {
			out = append(out, g)
		}
	}
	return out
}

// query appends the features of the tier drawn at zoom z whose box meets q, each once.
func (t *tier) query(q wbox, z int, out []*feat) []*feat {
	if z < t.minZoom {
		return out
	}
	keep := func(f *feat) bool { return f.minZoom <= z && f.box.intersects(q) }
	for _, f := range t.big {
		if keep(f) {
			out = append(out, f)
		}
	}
	if t.cells.len() == 0 {
		return out
	}
	qx0, qy0, qx1, qy1 := cellRange(t.cellZ, q)
	// A feature is in every cell its box meets; it is reported from the first of those
	// cells that lies in the query's range, so each feature comes out once without a set.
	visit := func(cx, cy uint32, b []*feat) {
		for _, f := range b {
			fx0, fy0, _, _ := cellRange(t.cellZ, f.box)
			if max(fx0, qx0) == cx && max(fy0, qy0) == cy && keep(f) {
				out = append(out, f)
			}
		}
	}
	if n := int64(qx1-qx0+1) * int64(qy1-qy0+1); n <= 2*int64(t.cells.len()) {
		for x := qx0; x <= qx1; x++ {
			for y := qy0; y <= qy1; y++ {
				if b, ok := t.cells.get(cellID(x, y)); ok {
					visit(x, y, b)
				}
			}
		}
		return out
	}
	// The query spans more cells than the tier has: walk the cells there are instead.
	t.cells.all(func(id uint64, b []*feat) {
		x, y := uint32(id>>32), uint32(id)
		if x >= qx0 && x <= qx1 && y >= qy0 && y <= qy1 {
			visit(x, y, b)
		}
	})
	return out
}

// sortByKey puts features in key order: the order of a tile's features then depends only on
// what is drawn, not on how the Set was built or updated.
func sortByKey(fs []*feat) {
	slices.SortFunc(fs, func(a, b *feat) int { return strings.Compare(a.key, b.key) })
}
