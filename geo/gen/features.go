package gen

import (
	"fmt"
	"math"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// Reference features are placed inside pixels whose 5×5 neighbourhood is all one grid: the
// grid's simplified boundary strays at most simplifyTol (1.5) pixels from its pixels' edges, so
// such a pixel lies at least half a pixel inside the grid. Their vertices are multiples of
// 1/256 pixel, so exact. A courtyard is an irregular polygon inside one pixel, a relocation
// site one inside a block of such pixels.

// sub is the fraction of a pixel feature vertices and households are placed on.
const sub = 256

// yard is a courtyard: pixel (i, j), its centre at (cx, cy) in 1/sub of the pixel and its
// radius rad in the same units; the square of half-side rad/4 around the centre is inside it.
type yard struct{ i, j, cx, cy, rad int }

// placeFeatures shares the ten-household units among the grids, then puts a relocation site
// in some villages and several courtyards in every basic grid (more where more units live).
func (b *builder) placeFeatures() error {
	if err := b.allocateUnits(); err != nil {
		return err
	}
	r := newRNG(b.opt.Seed, saltFeatures, 3)
	b.inner = b.interior(2)
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
				if !blocked[k] && b.inner[k] {
					cand = append(cand, k)
				}
			}
			if len(cand) == 0 && gr.units > 0 {
				cand = append(cand, b.roomiest(g)) // a thin grid: one pixel checked on its outline
			}
			want := min(len(cand), 2+r.intn(3)+(gr.units*3+3)/4)
			for c := 0; c < want; c++ {
				s := c + r.intn(len(cand)-c)
				cand[c], cand[s] = cand[s], cand[c]
				k := cand[c]
				rad := 24 + r.intn(33)
				if !b.inner[k] {
					rad = b.roomInPixel(g, k)
				}
				y := yard{i: int(k) % b.lat.w, j: int(k) / b.lat.w, rad: rad}
				y.cx, y.cy = rad+16+r.intn(sub-2*rad-31), rad+16+r.intn(sub-2*rad-31)
				b.yards[g] = append(b.yards[g], y)
				n++
				b.courtyards = append(b.courtyards, geo.Feature{
					ID: fmt.Sprintf("courtyard-%s-%03d", vl.code, n), Layer: geo.Courtyard, Name: courtyardName(r),
					CountyCode: b.out.Code, Geom: b.blob(r, y.i*sub+y.cx, y.j*sub+y.cy, float64(rad), float64(rad), 6),
					Attrs: map[string]any{"generated": true, "grid_code": gr.code},
				})
			}
		}
	}
	return nil
}

// blob returns an irregular polygon around (cx, cy) (in 1/sub pixel) inside the ellipse of
// semi-axes ax, ay: vertices at evenly spread angles, jittered by under a third of the
// spacing, at 0.7 to 1 times the ellipse's radius. Star-shaped around the centre with
// increasing angles, it is simple; it holds the disc of 0.45 times the smaller semi-axis.
func (b *builder) blob(r *rng, cx, cy int, ax, ay float64, minVertices int) orb.Polygon {
	k := minVertices + r.intn(4)
	a0 := r.between(0, 2*math.Pi)
	ring := make(orb.Ring, 0, k+1)
	for m := 0; m < k; m++ {
		a := a0 + 2*math.Pi*(float64(m)+r.between(-0.3, 0.3))/float64(k)
		f := r.between(0.7, 1)
		x, y := cx+int(math.Round(f*ax*math.Cos(a))), cy+int(math.Round(f*ay*math.Sin(a)))
		ring = append(ring, orb.Point{b.lat.subX(x, sub), b.lat.subY(y, sub)})
	}
	return orb.Polygon{append(ring, ring[0])}
}

// interior marks the pixels whose (2d+1)×(2d+1) neighbourhood is all one grid.
func (b *builder) interior(d int) []bool {
	in := make([]bool, len(b.gridLab))
	for _, k := range b.seg {
		in[k] = true
	}
	w := b.lat.w
	for ; d > 0; d-- {
		next := make([]bool, len(in))
		for _, k := range b.seg {
			if !in[k] {
				continue
			}
			i, j, ok := int(k)%w, int(k)/w, true
			for y := j - 1; y <= j+1 && ok; y++ {
				for x := i - 1; x <= i+1; x++ {
					if x < 0 || y < 0 || x >= w || y >= b.lat.h || !in[y*w+x] || b.gridLab[y*w+x] != b.gridLab[k] {
						ok = false
						break
					}
				}
			}
			next[k] = ok
		}
		in = next
	}
	return in
}

// roomiest returns the pixel of grid g whose centre is farthest inside its final boundary.
func (b *builder) roomiest(g int) int32 {
	gr := b.grids[g]
	best, room := b.seg[gr.start], -1.0
	for _, k := range b.seg[gr.start:gr.end] {
		if d := b.clearance(g, b.lat.centre(k)); d > room {
			best, room = k, d
		}
	}
	return best
}

// roomInPixel returns the radius, in 1/sub pixel, of a courtyard anywhere in pixel k that
// stays inside grid g: what the pixel centre's clearance leaves beyond half the pixel's
// diagonal (the centre may move), at least 8.
func (b *builder) roomInPixel(g int, k int32) int {
	c := b.clearance(g, b.lat.centre(k))/b.lat.p*sub - 0.72*sub
	return max(8, min(56, int(c*0.8)))
}

// clearance is the distance, in degrees, from q to the outline of grid g, or 0 if q is not
// inside it.
func (b *builder) clearance(g int, q orb.Point) float64 {
	mp := b.out.Units[1+len(b.towns)+len(b.villages)+g].Geom
	if polygonsHolding(mp, q) != 1 {
		return 0
	}
	d := math.Inf(1)
	for _, p := range mp {
		for _, ring := range p {
			for m := 0; m+1 < len(ring); m++ {
				d = math.Min(d, pointSegDist(q, ring[m], ring[m+1]))
			}
		}
	}
	return d
}

func pointSegDist(q, a, c orb.Point) float64 {
	dx, dy := c[0]-a[0], c[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((q[0]-a[0])*dx+(q[1]-a[1])*dy)/l))
	}
	return math.Hypot(q[0]-a[0]-t*dx, q[1]-a[1]-t*dy)
}

// polygonsHolding counts the polygons of mp holding q (even-odd over each polygon's rings).
func polygonsHolding(mp orb.MultiPolygon, q orb.Point) int {
	n := 0
	for _, p := range mp {
		in := false
		for _, ring := range p {
			for m := 0; m+1 < len(ring); m++ {
				a, c := ring[m], ring[m+1]
				if (a[1] > q[1]) != (c[1] > q[1]) && q[0] < a[0]+(q[1]-a[1])*(c[0]-a[0])/(c[1]-a[1]) {
					in = !in
				}
			}
		}
		if in {
			n++
		}
	}
	return n
}

// relocationSite looks, grid by grid from a random one, for a block of interior pixels wholly
// in one basic grid (which keeps a few pixels besides for courtyards) and puts a site there,
// an irregular polygon inset by an eighth of a pixel from the block's edges. The block's
// pixels are marked blocked.
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
				CountyCode: b.out.Code, Geom: b.blob(r, i*sub+bw*sub/2, j*sub+bh*sub/2, float64(bw*sub/2-sub/8), float64(bh*sub/2-sub/8), 8),
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
			if b.lab[y*b.lat.w+x] != label || !b.inner[y*b.lat.w+x] {
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
