package gen

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// The engine cuts each unit on its own (see clip.go), so where two cuts compute the same
// crossing of an arc with the outline they may differ in the last bits, and a parent does not
// have the crossings of its children's boundaries with the outline among its vertices (they
// are inside it). Both leave slivers of some 1e-18 square degrees: far below any tolerance,
// but enough for ST_Equals(parent, ST_Union(children)) to say no and for siblings' interiors
// to "overlap". snapCut removes them the way a coverage is noded: vertices closer than
// snapEps become one (a vertex on the lattice or of the outline wins, being exact), and a
// vertex of any unit that lies within snapEps of another unit's edge is inserted into
// that edge. Shared boundaries are then the same sequence of vertices on both sides, and a
// parent's boundary the same vertices as its children's. This moves nothing by more than
// snapEps, about 0.1 mm.

// snapEps is how close, in degrees, two vertices or a vertex and an edge must be to be made
// one: far above the rounding of a crossing point (some 1e-14°) and far below the distance
// between distinct vertices of the generated units (the lattice and the outline's own
// vertices are 1/2048° and 1/1024° apart; a vertex off a lattice edge is at least a
// pixel's share of its length away).
const snapEps = 1e-9

// snapCut snaps the vertices of mps (the units of every level) together and inserts into
// each edge the vertices of the others that lie on it, in place.
func snapCut(mps []*orb.MultiPolygon) {
	type cell struct{ x, y int64 }
	key := func(p orb.Point) cell {
		return cell{int64(math.Floor(p[0] / snapEps)), int64(math.Floor(p[1] / snapEps))}
	}
	reps := map[cell]orb.Point{}
	find := func(p orb.Point) (orb.Point, bool) {
		c := key(p)
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				if r, ok := reps[cell{c.x + dx, c.y + dy}]; ok && math.Abs(r[0]-p[0]) <= snapEps && math.Abs(r[1]-p[1]) <= snapEps {
					return r, true
				}
			}
		}
		return p, false
	}
	each := func(fn func(p orb.Point)) {
		for _, mp := range mps {
			for _, poly := range *mp {
				for _, r := range poly {
					for _, p := range r {
						fn(p)
					}
				}
			}
		}
	}
	// Exact vertices (multiples of 2^-24: the lattice's and the outline's) first, so that a
	// computed crossing snaps to them and not the other way round.
	exact := func(p orb.Point) bool {
		return p[0]*(1<<24) == math.Trunc(p[0]*(1<<24)) && p[1]*(1<<24) == math.Trunc(p[1]*(1<<24))
	}
	for pass := 0; pass < 2; pass++ {
		each(func(p orb.Point) {
			if exact(p) == (pass == 0) {
				if _, ok := find(p); !ok {
					reps[key(p)] = p
				}
			}
		})
	}
	// Every vertex, snapped, in buckets of a pixel for the edges to look up.
	buckets := map[[2]int][]orb.Point{}
	for _, r := range reps {
		k := bucketOf(r)
		buckets[k] = append(buckets[k], r)
	}
	for _, mp := range mps {
		for _, poly := range *mp {
			for m, r := range poly {
				out := make(orb.Ring, 0, len(r))
				for k, p := range r {
					p, _ = find(p)
					if len(out) > 0 && out[len(out)-1] == p {
						continue
					}
					if k > 0 {
						out = insertOnEdge(out, out[len(out)-1], p, buckets)
					}
					out = append(out, p)
				}
				poly[m] = out
			}
		}
	}
}

// bucketOf is the pixel of 1/2048° that holds p, for looking vertices up by place.
func bucketOf(p orb.Point) [2]int {
	return [2]int{int(math.Floor(p[0] / DefaultPixelDeg)), int(math.Floor(p[1] / DefaultPixelDeg))}
}

// insertOnEdge appends to out the vertices of buckets that lie strictly inside edge ab
// (within snapEps of it), in order from a to b.
func insertOnEdge(out orb.Ring, a, b orb.Point, buckets map[[2]int][]orb.Point) orb.Ring {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	type hit struct {
		t float64
		p orb.Point
	}
	var hits []hit
	box := orb.Bound{Min: orb.Point{math.Min(a[0], b[0]) - snapEps, math.Min(a[1], b[1]) - snapEps},
		Max: orb.Point{math.Max(a[0], b[0]) + snapEps, math.Max(a[1], b[1]) + snapEps}}
	lo, hi := bucketOf(box.Min), bucketOf(box.Max)
	for i := lo[0]; i <= hi[0]; i++ {
		for j := lo[1]; j <= hi[1]; j++ {
			for _, p := range buckets[[2]int{i, j}] {
				if p == a || p == b || !box.Contains(p) {
					continue
				}
				t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
				if t > 0 && t < 1 && math.Hypot(a[0]+t*dx-p[0], a[1]+t*dy-p[1]) < snapEps {
					hits = append(hits, hit{t, p})
				}
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].t < hits[j].t })
	for _, h := range hits {
		out = append(out, h.p)
	}
	return out
}
