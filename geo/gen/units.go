package gen

import (
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
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

// units traces the boundaries of every level from the grid labels and builds the units.
// Towns, villages and the county are traced from the same pixels as their grids, so each
// parent's boundary is exactly the outer boundary of its children.
func (b *builder) units() {
	b.dedicate()
	nl := int(b.gridBase) + len(b.grids)
	remap := make([]int32, nl)
	tr := &tracer{w: b.lat.w, h: b.lat.h, lab: b.lab, remap: remap}
	trace := func(n int, of func(g int) int) []orb.MultiPolygon {
		for k := range remap {
			remap[k] = -1
		}
		for g := range b.grids {
			remap[int(b.gridBase)+g] = int32(of(g))
		}
		rings := tr.traceAll(n)
		mps := make([]orb.MultiPolygon, n)
		for k := range rings {
			mps[k] = b.lat.multiPolygon(rings[k])
			rings[k] = nil
		}
		return mps
	}
	gridGeom := trace(len(b.grids), func(g int) int { return g })
	villageGeom := trace(len(b.villages), func(g int) int { return b.grids[g].village })
	townGeom := trace(len(b.towns), func(g int) int { return b.villages[b.grids[g].village].town })
	countyGeom := trace(1, func(int) int { return 0 })
	tr.seen = nil

	us := make([]geo.Unit, 0, 1+len(b.towns)+len(b.villages)+len(b.grids))
	us = append(us, geo.Unit{Code: b.out.Code, Name: b.out.Name, Level: geo.County, Geom: countyGeom[0],
		Attrs: map[string]any{"rasterized": true, "pixel_deg": b.lat.p}})
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
