package gen

import "math"

// regionRings builds the rings of n regions from arcs (pts[k] the kept corners of arcs[k]):
// of maps an arc's side label to its region (-1 for none). An arc with the same region on
// both sides is inside the region and skipped; every other arc goes, as it is, into the ring
// of the region on its left and, reversed, into that of the region on its right. So two
// neighbours' shared edge is the same sequence of vertices, walked in opposite directions.
// Nodes stay in every ring through them, even where a ring runs straight on (a T junction):
// a parent's edge then has the same vertices as its children's, which keeps them identical
// when tiles round each vertex to their own lattice.
func regionRings(arcs []arc, pts [][]pt, n int, of func(label int32) int32) [][][]pt {
	type dirArc struct {
		arc int32
		rev bool
	}
	byRegion := make([][]dirArc, n)
	for k, a := range arcs {
		l, r := int32(-1), int32(-1)
		if a.left >= 0 {
			l = of(a.left)
		}
		if a.right >= 0 {
			r = of(a.right)
		}
		if l == r {
			continue
		}
		if l >= 0 {
			byRegion[l] = append(byRegion[l], dirArc{int32(k), false})
		}
		if r >= 0 {
			byRegion[r] = append(byRegion[r], dirArc{int32(k), true})
		}
	}
	first := func(d dirArc) (pt, pt) { // the start and the vertex after it
		p := pts[d.arc]
		if d.rev {
			return p[len(p)-1], p[len(p)-2]
		}
		return p[0], p[1]
	}
	out := make([][][]pt, n)
	for R, ds := range byRegion {
		from := map[pt][]int{}
		for k, d := range ds {
			s, _ := first(d)
			from[s] = append(from[s], k)
		}
		used := make([]bool, len(ds))
		for k0 := range ds {
			if used[k0] {
				continue
			}
			var ring []pt
			for k := k0; ; {
				used[k] = true
				p := pts[ds[k].arc]
				if ds[k].rev {
					for m := len(p) - 1; m > 0; m-- {
						ring = append(ring, p[m])
					}
				} else {
					ring = append(ring, p[:len(p)-1]...)
				}
				end, before := p[0], p[1]
				if !ds[k].rev {
					end, before = p[len(p)-1], p[len(p)-2]
				}
				k = nextArc(end, before, from[end], func(c int) pt { _, w := first(ds[c]); return w })
				if k < 0 || used[k] {
					break // back at the start (k == k0); anything else cannot happen for a valid partition
				}
			}
			out[R] = append(out[R], splitRing(ring)...)
		}
	}
	return out
}

// nextArc picks, among the arcs leaving node v, the one that turns most sharply to the left
// after arriving from before: the smallest clockwise angle from the way back. That keeps the
// region on the left and makes a region that touches itself at v close its rings there.
func nextArc(v, before pt, cands []int, second func(c int) pt) int {
	if len(cands) == 1 {
		return cands[0]
	}
	back := math.Atan2(float64(before.Y-v.Y), float64(before.X-v.X))
	best, bestAng := -1, 0.0
	for _, c := range cands {
		w := second(c)
		ang := back - math.Atan2(float64(w.Y-v.Y), float64(w.X-v.X))
		for ang <= 0 {
			ang += 2 * math.Pi
		}
		for ang > 2*math.Pi {
			ang -= 2 * math.Pi
		}
		if best < 0 || ang < bestAng {
			best, bestAng = c, ang
		}
	}
	return best
}
