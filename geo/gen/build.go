package gen

import (
	"fmt"
	"math"
	"sort"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

type town struct {
	code, name, short string
	urban             bool
	villages          []int // indices into builder.villages, contiguous
	seed              int32 // pixel
	start, end        int   // its pixels: seg[start:end]
}

type village struct {
	code, name, short string
	town              int
	nGrids            int
	grids             []int
	start, end        int
}

type grid struct {
	code, name   string
	village      int
	number       int    // 1-based within the village, the code's last three digits
	dedicatedFor string // "" for a basic grid, else 学校, 医院, ...
	units        int    // ten-household units
	start, end   int
}

// builder holds the state of one Generate call. Pixel labels share one number space so that
// a pixel's label says which level it has been assigned at: 0 county, 1..T towns, then the
// villages, then the grids from gridBase on; -1 is outside the county.
type builder struct {
	opt      Options
	out      *County
	towns    []town
	villages []village
	grids    []grid

	lat      lattice
	clip     *geom.Geometry // the valid outline the border units are cut by, nil to keep the raster's
	lab      []int32
	seg      []int32   // the county's pixels, grouped by town, within that by village and grid
	buf      []int32   // scratch for groupBy
	buckets  [][]int32 // the growth's bucket queue, reused from one parent to the next
	gridBase int32     // the label of the first grid
	gridLab  []int32   // per pixel, the index of its grid (-1 outside), from units on
	inner    []bool    // per pixel, whether its 5×5 neighbourhood is all one grid

	// The town growth's shortest-path forest and, for each pair of towns that touch, the
	// pixels where their fronts first met: what roads are drawn along.
	dir   []uint8
	meets map[[2]int32][2]int32

	unitCount                    int      // ten-household units
	yards                        [][]yard // per grid: its courtyards, where households live
	courtyards, sites            []geo.Feature
	roadFeatures, valleyFeatures []geo.Feature
}

func newBuilder(code, name string, opt Options) *builder {
	return &builder{opt: opt, out: &County{Code: code, Name: name, Seed: opt.Seed}}
}

func (b *builder) progress(stage string) {
	if b.opt.Progress != nil {
		b.opt.Progress(stage)
	}
}

// divisions keeps the county's towns and their villages, in code order.
func (b *builder) divisions(divs []Division) error {
	sorted := append([]Division(nil), divs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Code < sorted[j].Code })
	townIndex := map[string]int{}
	seen := map[string]bool{}
	for _, d := range sorted {
		if seen[d.Code] {
			return geo.Errorf(geo.Invalid, "divisions: code %s appears twice", d.Code)
		}
		seen[d.Code] = true
		if l, err := geo.ParseLevel(d.Level); err != nil || geo.CheckCode(l, d.Code, d.ParentCode) != nil {
			continue // not a unit of this county's tree; ReadDivisionsCSV reports such rows
		}
		switch {
		case d.Level == string(geo.Town) && d.ParentCode == b.out.Code:
			townIndex[d.Code] = len(b.towns)
			b.towns = append(b.towns, town{code: d.Code, name: d.Name, short: shortTown(d.Name), urban: isUrban(d.Code, d.Name)})
		case d.Level == string(geo.Village):
			t, ok := townIndex[d.ParentCode]
			if !ok {
				continue // another county's, or a town of this county listed without its row
			}
			b.towns[t].villages = append(b.towns[t].villages, len(b.villages))
			b.villages = append(b.villages, village{code: d.Code, name: d.Name, short: shortVillage(d.Name), town: t})
		}
	}
	if len(b.towns) == 0 {
		return geo.Errorf(geo.Invalid, "divisions: no towns with parent_code %s", b.out.Code)
	}
	for _, t := range b.towns {
		if len(t.villages) == 0 {
			return geo.Errorf(geo.Invalid, "divisions: town %s %s has no villages, so it could not be covered by grids", t.code, t.name)
		}
		if len(t.villages) > 999 {
			return geo.Errorf(geo.Invalid, "divisions: town %s has more than 999 villages", t.code)
		}
	}
	return nil
}

// countGrids decides how many grids each village gets: GridsPerVillage on average in total,
// each village between about half and 1.6 times that, urban communities towards the top.
func (b *builder) countGrids() {
	r := newRNG(b.opt.Seed, saltCounts)
	f := make([]float64, len(b.villages))
	sum := 0.0
	for v := range b.villages {
		if b.towns[b.villages[v].town].urban {
			f[v] = r.between(1.0, 1.8)
		} else {
			f[v] = r.between(0.5, 1.5)
		}
		sum += f[v]
	}
	total := b.opt.GridsPerVillage * float64(len(b.villages))
	for v := range f {
		f[v] = math.Min(999, f[v]*total/sum)
	}
	for v, n := range roundShares(f, int(math.Round(total))) {
		b.villages[v].nGrids = min(999, max(1, n))
	}
}

// roundShares rounds the shares down and hands the rest of total out by largest remainder
// (ties to the lower index), so the result sums to total whenever the shares do.
func roundShares(share []float64, total int) []int {
	n := make([]int, len(share))
	order := make([]int, len(share))
	left := total
	for k, s := range share {
		n[k] = int(math.Floor(s))
		left -= n[k]
		order[k] = k
	}
	sort.SliceStable(order, func(i, j int) bool {
		fi, fj := share[order[i]]-math.Floor(share[order[i]]), share[order[j]]-math.Floor(share[order[j]])
		return fi > fj
	})
	for k := 0; k < left && k < len(order); k++ {
		n[order[k]]++
	}
	return n
}

// choosePixel takes the asked-for pixel, or halves 1/2048° until the average grid gets
// MinPixelsPerGrid pixels.
func (b *builder) choosePixel(outline orb.MultiPolygon) {
	p := b.opt.PixelDeg
	if p == 0 {
		grids := 0
		for _, v := range b.villages {
			grids += v.nGrids
		}
		area := 0.0
		for _, poly := range outline {
			for k, ring := range poly {
				a := math.Abs(ringArea(ring))
				if k > 0 {
					a = -a
				}
				area += a
			}
		}
		p = DefaultPixelDeg
		for area/(p*p) < MinPixelsPerGrid*float64(grids) && p > 1.0/65536 {
			p /= 2
		}
	}
	b.out.PixelDeg = p
}

func ringArea(r orb.Ring) float64 {
	s := 0.0
	for k := range r {
		a, c := r[k], r[(k+1)%len(r)]
		s += a[0]*c[1] - c[0]*a[1]
	}
	return s / 2
}

func (b *builder) rasterize(outline orb.MultiPolygon) error {
	b.lat = newLattice(outline.Bound(), b.out.PixelDeg)
	if int64(b.lat.w)*int64(b.lat.h) > 1<<31-1 {
		return geo.FieldError("pixel", "%g° is too fine for this outline (%d×%d pixels)", b.lat.p, b.lat.w, b.lat.h)
	}
	b.lab = rasterize(&b.lat, outline, 0)
	// Gaps under 16 pixels of 1/2048° (about 0.04 km²) are slivers, not enclaves.
	const sliver = 16 * DefaultPixelDeg * DefaultPixelDeg
	b.out.SliverPixels = fillSlivers(&b.lat, b.lab, 0, int(sliver/(b.lat.p*b.lat.p)))
	if g, ok := validOutline(outline, sliver); ok {
		b.clip = &g
		b.out.RealOutline = true
	}
	n := 0
	for _, l := range b.lab {
		if l == 0 {
			n++
		}
	}
	b.seg = make([]int32, 0, n)
	for k, l := range b.lab {
		if l == 0 {
			b.seg = append(b.seg, int32(k))
		}
	}
	if len(b.seg) < len(b.villages) {
		return geo.FieldError("pixel", "the outline covers only %d pixels of %g° for %d villages: use a finer pixel", len(b.seg), b.lat.p, len(b.villages))
	}
	b.buf = make([]int32, len(b.seg))
	return nil
}

func (b *builder) noiseKey(level, index int) uint64 {
	return mix(uint64(b.opt.Seed) ^ mix(saltNoise<<40|uint64(level)<<32|uint64(index)))
}

// delays returns a random start delay for each of n seeds: up to frac of the time a front
// needs to cross the typical spacing of sp pixels, so some children come out larger.
func delays(r *rng, n int, sp, frac float64) []int {
	d := make([]int, n)
	for k := range d {
		d[k] = int(sp * avgW * frac * r.float())
	}
	return d
}

// label returns the label of a village's pixels while its grids are being grown.
func (b *builder) villageLabel(v int) int32 { return int32(1 + len(b.towns) + v) }

// growVillages grows each town's real villages inside it.
func (b *builder) growVillages() error {
	for t := range b.towns {
		tw := &b.towns[t]
		sub := b.seg[tw.start:tw.end]
		vs := tw.villages
		if len(sub) < len(vs) {
			return geo.FieldError("pixel", "town %s %s got only %d pixels for its %d villages: use a finer pixel", tw.code, tw.name, len(sub), len(vs))
		}
		r := newRNG(b.opt.Seed, saltVillages, uint64(t))
		seeds := b.lat.spread(r, sub, len(vs), nil)
		sp := math.Sqrt(float64(len(sub)) / float64(len(vs)))
		g := &grower{l: &b.lat, lab: b.lab, buckets: &b.buckets, key: b.noiseKey(1, t), cell: max(2, int(sp/3))}
		first := b.villageLabel(vs[0])
		g.grow(sub, int32(1+t), seeds, first, delays(r, len(vs), sp, 0.3))
		off := groupBy(sub, b.buf, len(vs), func(k int32) int { return int(b.lab[k] - first) })
		for i, v := range vs {
			b.villages[v].start, b.villages[v].end = tw.start+off[i], tw.start+off[i+1]
		}
	}
	return nil
}

// growGrids grows each village's grids and numbers them west to east, north to south.
func (b *builder) growGrids() {
	b.gridBase = int32(1 + len(b.towns) + len(b.villages))
	for v := range b.villages {
		vl := &b.villages[v]
		sub := b.seg[vl.start:vl.end]
		n := min(vl.nGrids, len(sub))
		vl.nGrids = n
		r := newRNG(b.opt.Seed, saltGrids, uint64(v))
		seeds := b.lat.spread(r, sub, n, nil)
		sp := math.Sqrt(float64(len(sub)) / float64(n))
		g := &grower{l: &b.lat, lab: b.lab, buckets: &b.buckets, key: b.noiseKey(2, v), cell: max(2, int(sp/3))}
		first := b.gridBase + int32(len(b.grids))
		g.grow(sub, b.villageLabel(v), seeds, first, delays(r, n, sp, 0.15))
		rank := b.numberGrids(sub, first, n)
		for _, k := range sub {
			b.lab[k] = first + rank[b.lab[k]-first]
		}
		off := groupBy(sub, b.buf, n, func(k int32) int { return int(b.lab[k] - first) })
		for i := 0; i < n; i++ {
			vl.grids = append(vl.grids, len(b.grids))
			b.grids = append(b.grids, grid{code: fmt.Sprintf("%s%03d", vl.code, i+1), village: v, number: i + 1,
				start: vl.start + off[i], end: vl.start + off[i+1]})
		}
	}
}

// numberGrids ranks the n grids labelled first.. in sub by their centroids: rows of about a
// grid's height from north to south, west to east within a row.
func (b *builder) numberGrids(sub []int32, first int32, n int) []int32 {
	sx, sy, cnt := make([]float64, n), make([]float64, n), make([]float64, n)
	top := 0
	for _, k := range sub {
		g := b.lab[k] - first
		i, j := int(k)%b.lat.w, int(k)/b.lat.w
		sx[g] += float64(i) + 0.5
		sy[g] += float64(j) + 0.5
		cnt[g]++
		top = max(top, j+1)
	}
	h := math.Max(1, math.Sqrt(float64(len(sub))/float64(n)))
	row := make([]int, n)
	for g := range row {
		sx[g] /= cnt[g]
		row[g] = int((float64(top) - sy[g]/cnt[g]) / h)
	}
	order := make([]int, n)
	for g := range order {
		order[g] = g
	}
	sort.Slice(order, func(i, j int) bool {
		a, c := order[i], order[j]
		if row[a] != row[c] {
			return row[a] < row[c]
		}
		if sx[a] != sx[c] {
			return sx[a] < sx[c]
		}
		return a < c
	})
	rank := make([]int32, n)
	for k, g := range order {
		rank[g] = int32(k)
	}
	return rank
}
