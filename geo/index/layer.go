package index

import (
	"fmt"
	"math"
	"slices"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// cellsPerUnit is the target number of cells per unit of a layer; a layer has at least
// minCells and at most maxCells cells.
const (
	cellsPerUnit = 64
	minCells     = 4096
	maxCells     = 1 << 24
)

// cellMargin widens each cell, as a fraction of its side, when deciding which boundaries
// touch it, so that rounding in the cell of a point never loses a candidate.
const cellMargin = 1e-6

// layer indexes the units of one level, in geo.EdgeOrder: unit i has code codes[i].
type layer struct {
	level                  geo.Level
	n                      int
	minX, minY, maxX, maxY float64
	invW, invH             float64 // cells per degree
	nx, ny                 int

	cw, ch float64 // cell sides in degrees

	cellStart []int32 // nx*ny+1 offsets into cand; cell c = cy*nx+cx
	cand      []int32 // per cell, in code order: a unit whose boundary touches the cell, or ^unit for a unit that contains the whole cell
	candFlag  []uint8 // per candidate: centreInside, centreUsable
	candSeg   []int32 // len(cand)+1 offsets into segs: the candidate's segments that touch the cell
	segs      []int32 // index in the candidate's pts of a segment's first point

	ubox     []float64     // 4 per unit: minX, minY, maxX, maxY
	unitPoly []int32       // n+1 offsets into polygons
	polyBox  []float64     // 4 per polygon
	polyRing []int32       // offsets into rings
	rings    []span        // where each ring lies in its unit's pts; each ring is closed (its last point repeats its first)
	pts      [][]orb.Point // per unit: its rings' points (see unitPoints), shared with the loaded geometry when it can be

	codes  []string
	chains []geo.Chain
}

// span is where a ring lies in its unit's points: pts[lo:hi].
type span struct{ lo, hi int32 }

// buildLayer indexes units, which are of one level and in geo.EdgeOrder. With clip, the cells
// cover only the part of the units' extent inside clip (the rest of each unit is indexed by
// the neighbouring shards): lookups outside clip must not be asked of this layer.
func buildLayer(units []*geo.Unit, clip *[4]float64) (*layer, error) {
	ly := &layer{level: units[0].Level, n: len(units)}
	ly.minX, ly.minY = math.Inf(1), math.Inf(1)
	ly.maxX, ly.maxY = math.Inf(-1), math.Inf(-1)
	ly.unitPoly = append(ly.unitPoly, 0)
	ly.polyRing = append(ly.polyRing, 0)
	ly.pts = make([][]orb.Point, 0, len(units))
	for _, u := range units {
		pts, rings, err := unitPoints(u)
		if err != nil {
			return nil, err
		}
		ly.pts = append(ly.pts, pts)
		ub := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for _, poly := range rings {
			if len(poly) == 0 {
				continue
			}
			pb := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
			for _, r := range poly {
				for _, p := range pts[r.lo:r.hi] {
					pb[0], pb[1] = min(pb[0], p[0]), min(pb[1], p[1])
					pb[2], pb[3] = max(pb[2], p[0]), max(pb[3], p[1])
				}
				ly.rings = append(ly.rings, r)
			}
			ly.polyRing = append(ly.polyRing, int32(len(ly.rings)))
			ly.polyBox = append(ly.polyBox, pb[:]...)
			ub[0], ub[1] = min(ub[0], pb[0]), min(ub[1], pb[1])
			ub[2], ub[3] = max(ub[2], pb[2]), max(ub[3], pb[3])
		}
		ly.unitPoly = append(ly.unitPoly, int32(len(ly.polyRing)-1))
		ly.ubox = append(ly.ubox, ub[:]...)
		if ub[0] <= ub[2] {
			ly.minX, ly.minY = min(ly.minX, ub[0]), min(ly.minY, ub[1])
			ly.maxX, ly.maxY = max(ly.maxX, ub[2]), max(ly.maxY, ub[3])
		}
	}
	if clip != nil {
		ly.minX, ly.minY = max(ly.minX, clip[0]), max(ly.minY, clip[1])
		ly.maxX, ly.maxY = min(ly.maxX, clip[2]), min(ly.maxY, clip[3])
	}
	if !(ly.minX <= ly.maxX && ly.minY <= ly.maxY) {
		ly.n = 0 // no geometry at all
		return ly, nil
	}
	ly.buildCells()
	return ly, nil
}

// unitPoints returns the points of a unit's rings as one slice, and for each polygon where
// its rings (those of three points or more, each closed) lie in it. When the loaded rings
// already lie one after another in one array and are closed, as a one-ring polygon read from
// WKB does, the slice is the loaded geometry itself: the index then holds no copy of the
// boundaries it tests. Otherwise it is a copy, closed where a ring is not. The geometry is
// never written.
func unitPoints(u *geo.Unit) ([]orb.Point, [][]span, error) {
	rings := make([][]span, len(u.Geom))
	var base []orb.Point // the array the rings lie in, while they lie in one
	n, closing, shared := 0, 0, true
	for i, poly := range u.Geom {
		for _, ring := range poly {
			if len(ring) == 0 {
				continue
			}
			for _, p := range ring {
				if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
					return nil, nil, fmt.Errorf("index: unit %q has a non-finite coordinate", u.Code)
				}
			}
			if base == nil {
				base = ring[:cap(ring)]
			}
			shared = shared && n+len(ring) <= len(base) && &base[n] == &ring[0] && ring[0] == ring[len(ring)-1]
			if len(ring) >= 3 {
				rings[i] = append(rings[i], span{int32(n), int32(n + len(ring))})
				closing++
			}
			n += len(ring)
			if n > math.MaxInt32-1 {
				return nil, nil, fmt.Errorf("index: unit %q has too many vertices", u.Code)
			}
		}
	}
	if shared {
		return base[:n:n], rings, nil
	}
	pts := make([]orb.Point, 0, n+closing)
	for i, poly := range u.Geom {
		rings[i] = rings[i][:0]
		for _, ring := range poly {
			if len(ring) < 3 {
				continue
			}
			lo := len(pts)
			pts = append(pts, ring...)
			if ring[0] != ring[len(ring)-1] {
				pts = append(pts, ring[0])
			}
			rings[i] = append(rings[i], span{int32(lo), int32(len(pts))})
		}
	}
	return pts, rings, nil
}

// Flags of a candidate whose boundary touches its cell.
const (
	centreInside = 1 << iota // the cell's centre is inside the unit
	centreUsable             // the centre is not on the unit's boundary: the local test applies
)

// entry is a candidate of a cell while building.
type entry struct {
	key            uint64 // cell<<32 | unit<<1 | whole
	segFrom, segTo int32  // the unit's segments that touch the cell, in segs
	flags          uint8
}

// buildCells lays the uniform grid over the layer and lists each cell's candidates, with the
// segments of each candidate that touch the cell.
func (ly *layer) buildCells() {
	w, h := ly.maxX-ly.minX, ly.maxY-ly.minY
	target := min(max(cellsPerUnit*ly.n, minCells), maxCells)
	// Degenerate extents get a nominal side so that cells stay finite.
	ew, eh := w, h
	if ew <= 0 {
		ew = max(h, 1e-9)
	}
	if eh <= 0 {
		eh = max(w, 1e-9)
	}
	side := math.Sqrt(ew * eh / float64(target))
	ly.nx = max(1, min(int(math.Ceil(ew/side)), maxCells))
	ly.ny = max(1, min(int(math.Ceil(eh/side)), maxCells/ly.nx))
	ly.invW, ly.invH = float64(ly.nx)/ew, float64(ly.ny)/eh
	cw, ch := ew/float64(ly.nx), eh/float64(ly.ny)
	ly.cw, ly.ch = cw, ch
	mx, my := cw*cellMargin, ch*cellMargin

	ncell := ly.nx * ly.ny
	stamp := make([]int32, ncell) // unit+1 that last marked the cell as touched by its boundary
	var entries []entry
	var segs []int32     // coordinate index of each segment's first point, grouped per entry
	var cellSeg []uint64 // of one unit: cell<<32 | segment

	cellRange := func(lo, hi, origin, inv float64, n int) (int, int) {
		a := int(math.Floor((lo-origin)*inv - cellMargin))
		b := int(math.Floor((hi-origin)*inv + cellMargin))
		return max(a, 0), min(b, n-1)
	}

	for u := 0; u < ly.n; u++ {
		cellSeg = cellSeg[:0]
		mark := int32(u + 1)
		pts := ly.pts[u]
		for p := ly.unitPoly[u]; p < ly.unitPoly[u+1]; p++ {
			for r := ly.polyRing[p]; r < ly.polyRing[p+1]; r++ {
				off := int(ly.rings[r].lo)
				c := pts[off:ly.rings[r].hi]
				for k := 1; k < len(c); k++ {
					ax, ay, bx, by := c[k-1][0], c[k-1][1], c[k][0], c[k][1]
					x0, x1 := cellRange(min(ax, bx), max(ax, bx), ly.minX, ly.invW, ly.nx)
					y0, y1 := cellRange(min(ay, by), max(ay, by), ly.minY, ly.invH, ly.ny)
					straight := ax == bx || ay == by || (x0 == x1 && y0 == y1)
					for cy := y0; cy <= y1; cy++ {
						for cx := x0; cx <= x1; cx++ {
							cell := cy*ly.nx + cx
							if !straight {
								// The segment misses the widened cell when all four corners lie
								// strictly on one side of its line.
								rx0 := ly.minX + float64(cx)*cw - mx
								ry0 := ly.minY + float64(cy)*ch - my
								rx1, ry1 := rx0+cw+2*mx, ry0+ch+2*my
								dx, dy := bx-ax, by-ay
								s0 := dx*(ry0-ay) - dy*(rx0-ax)
								s1 := dx*(ry0-ay) - dy*(rx1-ax)
								s2 := dx*(ry1-ay) - dy*(rx0-ax)
								s3 := dx*(ry1-ay) - dy*(rx1-ax)
								if (s0 > 0 && s1 > 0 && s2 > 0 && s3 > 0) || (s0 < 0 && s1 < 0 && s2 < 0 && s3 < 0) {
									continue
								}
							}
							stamp[cell] = mark
							cellSeg = append(cellSeg, uint64(cell)<<32|uint64(off+k-1))
						}
					}
				}
			}
		}
		slices.Sort(cellSeg)
		for i := 0; i < len(cellSeg); {
			cell := int(cellSeg[i] >> 32)
			from := int32(len(segs))
			for ; i < len(cellSeg) && int(cellSeg[i]>>32) == cell; i++ {
				segs = append(segs, int32(uint32(cellSeg[i])))
			}
			e := entry{key: uint64(cell)<<32 | uint64(u)<<1, segFrom: from, segTo: int32(len(segs))}
			qx, qy := ly.centre(cell)
			onEdge := false
			for _, k := range segs[from:] {
				if onSegment(pts[k:k+2:k+2], qx, qy) {
					onEdge = true
					break
				}
			}
			if !onEdge {
				e.flags |= centreUsable
				if ly.covers(u, qx, qy) {
					e.flags |= centreInside
				}
			}
			entries = append(entries, e)
		}
		// Cells in the unit's box that no boundary touches are wholly inside or wholly outside;
		// the centre tells which.
		b := ly.ubox[4*u : 4*u+4]
		x0, x1 := cellRange(b[0], b[2], ly.minX, ly.invW, ly.nx)
		y0, y1 := cellRange(b[1], b[3], ly.minY, ly.invH, ly.ny)
		for cy := y0; cy <= y1; cy++ {
			for cx := x0; cx <= x1; cx++ {
				cell := cy*ly.nx + cx
				if stamp[cell] == mark {
					continue
				}
				if qx, qy := ly.centre(cell); ly.covers(u, qx, qy) {
					entries = append(entries, entry{key: uint64(cell)<<32 | uint64(u)<<1 | 1})
				}
			}
		}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if a.key < b.key {
			return -1
		}
		if a.key > b.key {
			return 1
		}
		return 0
	})

	// A unit that contains the whole cell answers for it: later candidates (larger codes)
	// can never win, so they are dropped.
	ly.cellStart = make([]int32, ncell+1)
	ly.candSeg = []int32{0}
	for i := 0; i < len(entries); {
		cell := int(entries[i].key >> 32)
		for ; i < len(entries) && int(entries[i].key>>32) == cell; i++ {
			e := entries[i]
			u := int32(uint32(e.key) >> 1)
			if e.key&1 != 0 {
				ly.cand = append(ly.cand, ^u)
				ly.candFlag = append(ly.candFlag, 0)
				ly.candSeg = append(ly.candSeg, int32(len(ly.segs)))
				for i < len(entries) && int(entries[i].key>>32) == cell {
					i++
				}
				break
			}
			ly.cand = append(ly.cand, u)
			ly.candFlag = append(ly.candFlag, e.flags)
			ly.segs = append(ly.segs, segs[e.segFrom:e.segTo]...)
			ly.candSeg = append(ly.candSeg, int32(len(ly.segs)))
		}
		ly.cellStart[cell+1] = int32(len(ly.cand))
	}
	for c := 0; c < ncell; c++ {
		ly.cellStart[c+1] = max(ly.cellStart[c+1], ly.cellStart[c])
	}
}

// centre returns the centre of a cell; build and lookup compute it the same way.
func (ly *layer) centre(cell int) (float64, float64) {
	cx, cy := cell%ly.nx, cell/ly.nx
	return ly.minX + (float64(cx)+0.5)*ly.cw, ly.minY + (float64(cy)+0.5)*ly.ch
}

// onSegment reports whether x, y lies on the segment from s[0] to s[1].
func onSegment(s []orb.Point, x, y float64) bool {
	ax, ay, bx, by := s[0][0], s[0][1], s[1][0], s[1][1]
	return x >= min(ax, bx) && x <= max(ax, bx) && y >= min(ay, by) && y <= max(ay, by) &&
		(bx-ax)*(y-ay) == (by-ay)*(x-ax)
}

// find returns the first unit, in code order, that covers x, y, or -1.
func (ly *layer) find(x, y float64) int {
	if !(x >= ly.minX && x <= ly.maxX && y >= ly.minY && y <= ly.maxY) {
		return -1
	}
	cx := int((x - ly.minX) * ly.invW)
	if cx >= ly.nx {
		cx = ly.nx - 1
	}
	cy := int((y - ly.minY) * ly.invH)
	if cy >= ly.ny {
		cy = ly.ny - 1
	}
	c := cy*ly.nx + cx
	for i := ly.cellStart[c]; i < ly.cellStart[c+1]; i++ {
		e := ly.cand[i]
		if e < 0 {
			return int(^e)
		}
		if f := ly.candFlag[i]; f&centreUsable != 0 {
			qx, qy := ly.centre(c)
			switch localCovers(x, y, qx, qy, ly.pts[e], ly.segs[ly.candSeg[i]:ly.candSeg[i+1]], f&centreInside != 0) {
			case 1:
				return int(e)
			case 0:
				continue
			}
		}
		if ly.covers(int(e), x, y) {
			return int(e)
		}
	}
	return -1
}

// localCovers decides whether a unit covers x, y from the segments of the unit (pts) that touch the
// point's cell and whether the cell's centre qx, qy is inside: walking from the point
// horizontally to (qx, y) and then vertically to the centre, the inside status flips at each
// crossing, and every crossing is with a segment that touches the cell. (Ray casting to the
// right and upwards, with half-open rules, gives the status of points off the boundary.) It
// returns 1 when covered, 0 when not, and 2 when (qx, y) lies on the boundary and the caller
// must test the whole polygon. Parity is counted over all the unit's polygons, which is right
// for valid multipolygons (parts with disjoint interiors).
func localCovers(x, y, qx, qy float64, pts []orb.Point, segs []int32, centreIn bool) int {
	in := centreIn
	for _, k := range segs {
		s := pts[k : k+2 : k+2]
		ax, ay, bx, by := s[0][0], s[0][1], s[1][0], s[1][1]
		dx, dy := bx-ax, by-ay
		if (ay <= y || by <= y) && (ay >= y || by >= y) {
			cp := dx*(y-ay) - dy*(x-ax)
			if cp == 0 && x >= min(ax, bx) && x <= max(ax, bx) {
				return 1 // on the boundary
			}
			cq := dx*(y-ay) - dy*(qx-ax)
			if cq == 0 && qx >= min(ax, bx) && qx <= max(ax, bx) {
				return 2
			}
			if (ay > y) != (by > y) {
				// Is the crossing right of the point, right of (qx, y)?
				if ((cp > 0) == (by > ay)) != ((cq > 0) == (by > ay)) {
					in = !in
				}
			}
		}
		if (ax > qx) != (bx > qx) {
			// Is the crossing of x = qx above (qx, y), above the centre?
			cq := dx*(y-ay) - dy*(qx-ax)
			cc := dx*(qy-ay) - dy*(qx-ax)
			if ((cq < 0) == (bx > ax)) != ((cc < 0) == (bx > ax)) {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return 0
}

// covers reports whether the closed multipolygon of unit u covers x, y: inside, or on an edge
// or vertex. The on-edge test is exact when the cross product is (dyadic coordinates).
func (ly *layer) covers(u int, x, y float64) bool {
	b := ly.ubox[4*u : 4*u+4 : 4*u+4]
	if x < b[0] || x > b[2] || y < b[1] || y > b[3] {
		return false
	}
	pts := ly.pts[u]
	for p := ly.unitPoly[u]; p < ly.unitPoly[u+1]; p++ {
		pb := ly.polyBox[4*p : 4*p+4 : 4*p+4]
		if x < pb[0] || x > pb[2] || y < pb[1] || y > pb[3] {
			continue
		}
		in := false
		for r := ly.polyRing[p]; r < ly.polyRing[p+1]; r++ {
			c := pts[ly.rings[r].lo:ly.rings[r].hi]
			ax, ay := c[0][0], c[0][1]
			for k := 1; k < len(c); k++ {
				bx, by := c[k][0], c[k][1]
				if (ay <= y || by <= y) && (ay >= y || by >= y) {
					cr := (bx-ax)*(y-ay) - (by-ay)*(x-ax)
					if cr == 0 {
						if x >= min(ax, bx) && x <= max(ax, bx) {
							return true
						}
					} else if (ay > y) != (by > y) && (cr > 0) == (by > ay) {
						in = !in
					}
				}
				ax, ay = bx, by
			}
		}
		if in {
			return true
		}
	}
	return false
}
