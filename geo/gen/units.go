package gen

import (
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// simplifyTol is how far, in pixels, a simplified boundary may stray from the pixels' edges.
// Features are kept at least two pixels from their grid's pixel boundary, so they stay inside.
const simplifyTol = 1.5

// outlineInward is how far, in pixels, the county's outline and a valley's may move in.
// Roads run between pixel centres (half a pixel inside) or through pixels a pixel inside the
// outline; valleys cover pixels a pixel inside it and move out by at most valleyOutward.
const (
	outlineInward = 0.45
	valleyOutward = 0.4
)

// dedicate turns one grid in a village of each urban town into a dedicated grid (a school,
// hospital or park carved out as its own grid). It picks a village with at least three grids,
// so the village keeps basic grids around it, and the smallest grid there.
func (b *builder) dedicate() {
	r := newRNG(b.opt.Seed, saltFeatures, 2)
	kinds := append(dedicatedKinds[:0:0], dedicatedKinds...)
	for _, tw := range b.towns {
		if !tw.urban {
			continue
		}
		var cands []int
		for _, v := range tw.villages {
			if len(b.villages[v].grids) >= 3 {
				cands = append(cands, v)
			}
		}
		if len(cands) == 0 {
			continue
		}
		// A school or hospital is small: take the village's smallest grid.
		vl := b.villages[pick(r, cands)]
		g := &b.grids[vl.grids[0]]
		for _, k := range vl.grids {
			if h := &b.grids[k]; h.end-h.start < g.end-g.start {
				g = h
			}
		}
		k := r.intn(len(kinds))
		g.dedicatedFor = kinds[k].kind
		g.name = tw.short + kinds[k].name + "网格"
		if len(kinds) > 1 { // use each facility once while there are enough to go round
			kinds = append(kinds[:k], kinds[k+1:]...)
		}
	}
	for k := range b.grids {
		if g := &b.grids[k]; g.name == "" {
			g.name = fmt.Sprintf("%s第%d网格", b.villages[g.village].short, g.number)
		}
	}
}

// units draws the boundaries of every level from the grid labels and builds the units. The
// grid partition is traced into shared arcs, each arc simplified once, and every level's
// polygons are assembled from the same simplified arcs: towns, villages and the county use
// the arcs between grids of different parents, so each parent's boundary is exactly the outer
// boundary of its children and neighbours share bit-identical edges at every angle.
func (b *builder) units() {
	b.dedicate()
	gl := make([]int32, len(b.lab))
	for k, l := range b.lab {
		gl[k] = -1
		if l >= b.gridBase {
			gl[k] = l - b.gridBase
		}
	}
	b.gridLab = gl
	// With a valid outline the labels grow out past the county first, and the lattice the
	// arcs are traced on is padded to match (see clip.go).
	lat, labels := b.lat, gl
	var near []bool
	if b.clip != nil {
		labels, lat.w, lat.h, near = fringe(b.lat.w, b.lat.h, gl, len(b.grids))
		lat.i0, lat.j0 = lat.i0-fringeWidth, lat.j0-fringeWidth
	}
	arcs := traceArcs(lat.w, lat.h, labels)
	side := make([]int8, len(arcs))
	for k, a := range arcs {
		// The county's outline moves in by less than half a pixel (it may move out by
		// simplifyTol), so every pixel centre of the county stays inside it.
		switch {
		case a.right < 0:
			side[k] = 1
		case a.left < 0:
			side[k] = -1
		}
	}
	pts := newSimplifier(arcs, simplifyTol, side, outlineInward).run()
	build := func(n int, of func(g int32) int32) []orb.MultiPolygon {
		rings := regionRings(arcs, pts, n, of)
		mps := make([]orb.MultiPolygon, n)
		for k := range rings {
			mps[k] = lat.multiPolygon(rings[k])
		}
		return mps
	}
	villageOf := func(g int32) int32 { return int32(b.grids[g].village) }
	townOf := func(g int32) int32 { return int32(b.villages[b.grids[g].village].town) }
	gridGeom := build(len(b.grids), func(g int32) int32 { return g })
	villageGeom := build(len(b.villages), villageOf)
	townGeom := build(len(b.towns), townOf)
	countyGeom := build(1, func(int32) int32 { return 0 })
	if b.clip != nil {
		b.cutAll(near, villageOf, townOf, gridGeom, villageGeom, townGeom, countyGeom)
	}

	us := make([]geo.Unit, 0, 1+len(b.towns)+len(b.villages)+len(b.grids))
	us = append(us, geo.Unit{Code: b.out.Code, Name: b.out.Name, Level: geo.County, Geom: countyGeom[0],
		Attrs: map[string]any{"rasterized": b.clip == nil, "pixel_deg": b.lat.p}})
	for t, tw := range b.towns {
		us = append(us, geo.Unit{Code: tw.code, Name: tw.name, Level: geo.Town, ParentCode: b.out.Code,
			Geom: townGeom[t], Attrs: map[string]any{"generated": true}})
	}
	for v, vl := range b.villages {
		us = append(us, geo.Unit{Code: vl.code, Name: vl.name, Level: geo.Village, ParentCode: b.towns[vl.town].code,
			Geom: villageGeom[v], Attrs: map[string]any{"generated": true}})
	}
	for k, g := range b.grids {
		attrs := map[string]any{"generated": true, "kind": "basic"}
		if g.dedicatedFor != "" {
			attrs["kind"], attrs["dedicated_for"] = "dedicated", g.dedicatedFor
		}
		us = append(us, geo.Unit{Code: g.code, Name: g.name, Level: geo.Grid, ParentCode: b.villages[g.village].code,
			Geom: gridGeom[k], Attrs: attrs})
	}
	b.out.Units = us
}

// cutAll cuts the county, and every unit that may reach past the outline (near, per grid,
// and the parents of those grids), by the outline, in place. Each level is cut by its
// parent's cut rather than the whole outline (the same set, since a unit's extended polygon
// lies in its parent's): an operand of a few dozen vertices instead of the outline's
// thousands, and siblings meet the outline through the same parent, so they compute the
// same crossing points. A unit the engine cannot cut keeps its extended polygon and is
// listed in CutFailures.
func (b *builder) cutAll(near []bool, villageOf, townOf func(int32) int32, grids, villages, towns, county []orb.MultiPolygon) {
	cutV, cutT := make([]bool, len(b.villages)), make([]bool, len(b.towns))
	for g, n := range near {
		if n {
			cutV[villageOf(int32(g))], cutT[townOf(int32(g))] = true, true
		}
	}
	outline := []orb.MultiPolygon{nil} // nil stands for the outline itself
	do := func(level string, units []orb.MultiPolygon, which []bool, parents []orb.MultiPolygon, parent func(k int) int) {
		for k, mp := range units {
			if !which[k] {
				continue
			}
			by := *b.clip
			if p := parents[parent(k)]; p != nil {
				by = toGeom(p)
			}
			c, err := cut(mp, by)
			if err != nil {
				b.out.CutFailures = append(b.out.CutFailures, fmt.Sprintf("%s %d: %v", level, k, err))
				continue
			}
			units[k] = c
			b.out.CutUnits++
		}
	}
	do("county", county, []bool{true}, outline, func(int) int { return 0 })
	do("town", towns, cutT, outline, func(int) int { return 0 })
	do("village", villages, cutV, towns, func(v int) int { return b.villages[v].town })
	do("grid", grids, near, villages, func(g int) int { return b.grids[g].village })
	// Every unit takes part: one the outline did not cut may share an edge with one that
	// gained a vertex on it.
	var all []*orb.MultiPolygon
	for _, units := range [][]orb.MultiPolygon{county, towns, villages, grids} {
		for k := range units {
			all = append(all, &units[k])
		}
	}
	snapCut(all)
}
