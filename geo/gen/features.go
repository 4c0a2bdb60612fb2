package gen

import (
	"fmt"
	"math"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// Reference features are placed inside pixels, at positions that are multiples of a
// power-of-two fraction of the pixel, so they are exact and strictly inside one grid:
// a courtyard is a square inside one pixel, a relocation site a rectangle inset from the
// edges of a block of pixels that all belong to the same grid.

// yard is a courtyard: pixel (i, j), its lower-left corner at (ox, oy) and its side a, all in
// sixteenths of the pixel.
type yard struct{ i, j, ox, oy, a int }

// placeFeatures shares the ten-household units among the grids, then puts a relocation site
// in some villages and several courtyards in every basic grid (more where more units live).
func (b *builder) placeFeatures() error {
	if err := b.allocateUnits(); err != nil {
		return err
	}
	r := newRNG(b.opt.Seed, saltFeatures, 3)
	b.yards = make([][]yard, len(b.grids))
	var cand []int32
	for v, vl := range b.villages {
		blocked := map[int32]bool{}
		prob := 0.3
		if b.towns[vl.town].urban {
			prob = 0.5
		}
		if r.float() < prob {
			b.relocationSite(r, v, blocked)
		}
		n := 0
		for _, g := range vl.grids {
			gr := b.grids[g]
			if gr.dedicatedFor != "" {
				continue
			}
			cand = cand[:0]
			for _, k := range b.seg[gr.start:gr.end] {
				if !blocked[k] {
					cand = append(cand, k)
				}
			}
			want := min(len(cand), 2+r.intn(3)+(gr.units*3+3)/4)
			for c := 0; c < want; c++ {
				s := c + r.intn(len(cand)-c)
				cand[c], cand[s] = cand[s], cand[c]
				k := cand[c]
				y := yard{i: int(k) % b.lat.w, j: int(k) / b.lat.w, a: 3 + r.intn(5)}
				y.ox, y.oy = 1+r.intn(15-y.a), 1+r.intn(15-y.a)
				b.yards[g] = append(b.yards[g], y)
				n++
				b.courtyards = append(b.courtyards, geo.Feature{
					ID: fmt.Sprintf("courtyard-%s-%03d", vl.code, n), Layer: geo.Courtyard, Name: courtyardName(r),
					CountyCode: b.out.Code, Geom: b.rect(16, y.i*16+y.ox, y.j*16+y.oy, y.i*16+y.ox+y.a, y.j*16+y.oy+y.a),
					Attrs: map[string]any{"generated": true, "grid_code": gr.code},
				})
			}
		}
	}
	return nil
}

// rect returns the rectangle between (x0, y0) and (x1, y1), in units of 1/div pixel.
func (b *builder) rect(div, x0, y0, x1, y1 int) orb.Polygon {
	l := &b.lat
	return orb.Polygon{{
		{l.subX(x0, div), l.subY(y0, div)}, {l.subX(x1, div), l.subY(y0, div)},
		{l.subX(x1, div), l.subY(y1, div)}, {l.subX(x0, div), l.subY(y1, div)},
		{l.subX(x0, div), l.subY(y0, div)},
	}}
}

// relocationSite looks, grid by grid from a random one, for a block of pixels wholly in one
// basic grid (which keeps a few pixels besides for courtyards) and puts a site there, inset
// by an eighth of a pixel from the block's edges. The block's pixels are marked blocked.
func (b *builder) relocationSite(r *rng, v int, blocked map[int32]bool) {
	vl := b.villages[v]
	s := max(1, int(math.Round(0.0015/b.lat.p))) // blocks of up to about 150 m
	bw, bh := 2+r.intn(s), 2+r.intn(s)
	o := r.intn(len(vl.grids))
	for t := range vl.grids {
		g := vl.grids[(o+t)%len(vl.grids)]
		gr := b.grids[g]
		px := b.seg[gr.start:gr.end]
		if gr.dedicatedFor != "" || len(px) < bw*bh+3 {
			continue
		}
		label := b.gridBase + int32(g)
		start := r.intn(len(px))
		for u := range px {
			k := px[(start+u)%len(px)]
			i, j := int(k)%b.lat.w, int(k)/b.lat.w
			if !b.blockIs(i, j, bw, bh, label) {
				continue
			}
			for y := j; y < j+bh; y++ {
				for x := i; x < i+bw; x++ {
					blocked[int32(y*b.lat.w+x)] = true
				}
			}
			name := vl.short + "安置点"
			if b.towns[vl.town].urban {
				name = vl.short + "易地扶贫搬迁安置点"
			}
			b.sites = append(b.sites, geo.Feature{
				ID: fmt.Sprintf("relocation_site-%s-001", vl.code), Layer: geo.RelocationSite, Name: name,
				CountyCode: b.out.Code, Geom: b.rect(8, i*8+1, j*8+1, (i+bw)*8-1, (j+bh)*8-1),
				Attrs: map[string]any{"generated": true, "grid_code": gr.code},
			})
			return
		}
	}
}

// blockIs reports whether the w×h pixels from (i, j) all carry label.
func (b *builder) blockIs(i, j, w, h int, label int32) bool {
	if i+w > b.lat.w || j+h > b.lat.h {
		return false
	}
	for y := j; y < j+h; y++ {
		for x := i; x < i+w; x++ {
			if b.lab[y*b.lat.w+x] != label {
				return false
			}
		}
	}
	return true
}

// allocateUnits shares about Households/11.3 ten-household units among the basic grids,
// urban ones weighing twice as much, at most 999 per grid (the code has three digits).
func (b *builder) allocateUnits() error {
	if b.opt.Households == 0 {
		return nil
	}
	u := min(b.opt.Households, max(1, int(math.Round(float64(b.opt.Households)/HouseholdsPerUnit))))
	r := newRNG(b.opt.Seed, saltHouseholds)
	w := make([]float64, len(b.grids))
	sum := 0.0
	for g, gr := range b.grids {
		switch {
		case gr.dedicatedFor != "":
		case b.towns[b.villages[gr.village].town].urban:
			w[g] = 2 * r.between(0.6, 1.4)
		default:
			w[g] = r.between(0.6, 1.4)
		}
		sum += w[g]
	}
	for g := range w {
		w[g] *= float64(u) / sum
	}
	n := roundShares(w, u)
	spill := 0
	for g := range n {
		if n[g] > 999 {
			spill += n[g] - 999
			n[g] = 999
		}
	}
	for g := range n {
		if w[g] > 0 && spill > 0 {
			add := min(999-n[g], spill)
			n[g] += add
			spill -= add
		}
	}
	if spill > 0 {
		return geo.FieldError("households", "%d households need %d ten-household units, more than 999 per grid: ask for more grids", b.opt.Households, u)
	}
	for g := range n {
		b.grids[g].units = n[g]
	}
	b.unitCount = u
	return nil
}
