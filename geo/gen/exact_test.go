package gen

import (
	"math"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// These tests check the generated county for exactness from its output alone.

func TestExact(t *testing.T)     { checkExact(t, shuicheng(t)) }
func TestPartition(t *testing.T) { checkPartition(t, shuicheng(t), 3000) }
func TestPlacement(t *testing.T) { checkPlacement(t, shuicheng(t)) }

// checkExact: every unit ring is closed and simple; shells run counter-clockwise and holes
// clockwise; the rings of units the outline did not cut are on the pixel lattice; and the
// areas of each unit's children add up to its own area (grids to villages, villages to
// towns, towns and all grids to the county): exactly, in integers, where the parent and its
// children are all on the lattice, and within cutTolerance square degrees where the real
// outline cut some of them.
func checkExact(t *testing.T, c *County) {
	t.Helper()
	unit := int64(c.PixelDeg * fixScale)
	area, sum := map[string]int64{}, map[string]int64{}
	areaF, sumF := map[string]float64{}, map[string]float64{}
	cut := map[string]bool{} // units, and parents of units, off the lattice
	origin := c.Units[0].Geom.Bound().Min
	var grids int64
	var gridsF float64
	for _, u := range c.Units {
		exact := onLattice(u.Geom, unit)
		for _, p := range u.Geom {
			for _, r := range p {
				check := checkRing(r, unit)
				if !exact {
					check = checkRingFloat(r)
				}
				if check != nil {
					t.Fatalf("%s %s: %v", u.Level, u.Code, check)
				}
			}
		}
		a, err := mpArea2Float(u.Geom, origin)
		if err != nil || a <= 0 {
			t.Fatalf("%s %s: area %g, %v", u.Level, u.Code, a, err)
		}
		areaF[u.Code] = a
		sumF[u.ParentCode] += a
		if u.Level == geo.Grid {
			gridsF += a
		}
		if !exact {
			cut[u.Code], cut[u.ParentCode] = true, true
			continue
		}
		a2, _ := mpArea2(u.Geom)
		area[u.Code] = a2
		sum[u.ParentCode] += a2
		if u.Level == geo.Grid {
			grids += a2
		}
	}
	if !c.RealOutline && len(cut) > 0 {
		t.Errorf("%d units are off the lattice, but the outline was rasterized", len(cut))
	}
	for _, u := range c.Units {
		if u.Level == geo.Grid {
			continue
		}
		if cut[u.Code] {
			if math.Abs(sumF[u.Code]-areaF[u.Code]) > 2*cutTolerance {
				t.Errorf("%s %s: area %.15g, its children's %.15g", u.Level, u.Code, areaF[u.Code]/2, sumF[u.Code]/2)
			}
		} else if sum[u.Code] != area[u.Code] {
			t.Errorf("%s %s: area %d, its children's %d", u.Level, u.Code, area[u.Code], sum[u.Code])
		}
	}
	if cut[c.Code] {
		if math.Abs(gridsF-areaF[c.Code]) > 2*cutTolerance {
			t.Errorf("grids' area %.15g, the county's %.15g", gridsF/2, areaF[c.Code]/2)
		}
	} else if grids != area[c.Code] {
		t.Errorf("grids' area %d, the county's %d", grids, area[c.Code])
	}
}

// unitIndex finds the units of one level whose bounds hold a point, through a coarse grid
// of buckets over the county.
type unitIndex struct {
	b      orb.Bound
	n      int
	bucket [][]*geo.Unit
}

func index(c *County, l geo.Level) *unitIndex {
	x := &unitIndex{b: c.Units[0].Geom.Bound(), n: 64}
	x.bucket = make([][]*geo.Unit, x.n*x.n)
	for k := range c.Units {
		u := &c.Units[k]
		if u.Level != l {
			continue
		}
		ub := u.Geom.Bound()
		i0, j0 := x.cell(ub.Min)
		i1, j1 := x.cell(ub.Max)
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				x.bucket[j*x.n+i] = append(x.bucket[j*x.n+i], u)
			}
		}
	}
	return x
}

func (x *unitIndex) cell(q orb.Point) (int, int) {
	f := func(v, lo, hi float64) int {
		return min(x.n-1, max(0, int((v-lo)/(hi-lo)*float64(x.n))))
	}
	return f(q[0], x.b.Min[0], x.b.Max[0]), f(q[1], x.b.Min[1], x.b.Max[1])
}

// containing returns the units whose geometry contains q, once per polygon containing it.
func (x *unitIndex) containing(q orb.Point) []*geo.Unit {
	var out []*geo.Unit
	i, j := x.cell(q)
	for _, u := range x.bucket[j*x.n+i] {
		for n := polygonsContaining(u.Geom, q); n > 0; n-- {
			out = append(out, u)
		}
	}
	return out
}

// checkPartition samples points, at random and just either side of grid edges, and checks
// that a point of the county is in exactly one grid (and one village and town, the grid's
// parents) and a point outside it in none, by a plain point-in-polygon test on each grid.
func checkPartition(t *testing.T, c *County, samples int) {
	t.Helper()
	county := c.Units[0].Geom
	grids, villages, towns := index(c, geo.Grid), index(c, geo.Village), index(c, geo.Town)
	parent := map[string]string{}
	for _, u := range c.Units {
		parent[u.Code] = u.ParentCode
	}
	check := func(q orb.Point, wantGrid string) {
		inCounty := polygonsContaining(county, q)
		gs := grids.containing(q)
		if len(gs) != inCounty || inCounty > 1 {
			t.Fatalf("point %v: in the county %d times, in %d grids", q, inCounty, len(gs))
		}
		if len(gs) == 0 {
			if wantGrid != "" {
				t.Fatalf("point %v: in no grid, want %s", q, wantGrid)
			}
			return
		}
		if wantGrid != "" && gs[0].Code != wantGrid {
			t.Fatalf("point %v: in grid %s, want %s", q, gs[0].Code, wantGrid)
		}
		vs, ts := villages.containing(q), towns.containing(q)
		if len(vs) != 1 || len(ts) != 1 || vs[0].Code != gs[0].ParentCode || ts[0].Code != parent[vs[0].Code] {
			t.Fatalf("point %v: grid %s, %d villages, %d towns containing it", q, gs[0].Code, len(vs), len(ts))
		}
	}
	// Random points, at odd fractions of a pixel off the lattice (edges run between lattice
	// vertices at any angle, so simple fractions could land on one).
	b := county.Bound()
	r := newRNG(99)
	step := c.PixelDeg / 2
	nx, ny := int((b.Max[0]-b.Min[0])/step), int((b.Max[1]-b.Min[1])/step)
	for k := 0; k < samples; k++ {
		check(orb.Point{b.Min[0] + (float64(r.intn(nx))+0.3183)*step, b.Min[1] + (float64(r.intn(ny))+0.2718)*step}, "")
	}
	// Points a 1/1024 pixel to the left (inside) and right of the edges of some grids (another
	// edge may pass much closer than a pixel to a diagonal edge's midpoint).
	d := c.PixelDeg / 1024
	for k := 0; k < len(c.Units); k += 7 {
		g := &c.Units[k]
		if g.Level != geo.Grid {
			continue
		}
		for _, p := range g.Geom {
			for _, ring := range p {
				for m := 0; m+1 < len(ring); m++ {
					a, e := ring[m], ring[m+1]
					mid := orb.Point{(a[0] + e[0]) / 2, (a[1] + e[1]) / 2}
					n := math.Hypot(e[0]-a[0], e[1]-a[1])
					nx, ny := -(e[1]-a[1])/n*d, (e[0]-a[0])/n*d
					check(orb.Point{mid[0] + nx, mid[1] + ny}, g.Code)
					check(orb.Point{mid[0] - nx, mid[1] - ny}, "")
				}
			}
		}
	}
}

// checkPlacement: courtyards and relocation sites lie inside the grid they name and no
// other; households lie inside a courtyard of their ten-household unit's grid; valleys are
// valid and inside the county; roads run inside the county.
func checkPlacement(t *testing.T, c *County) {
	t.Helper()
	byCode := map[string]*geo.Unit{}
	for k := range c.Units {
		byCode[c.Units[k].Code] = &c.Units[k]
	}
	grids := index(c, geo.Grid)
	county := c.Units[0].Geom
	yards := map[string][]orb.Polygon{}
	for _, f := range c.Features {
		if f.Attrs["generated"] != true || f.CountyCode != c.Code || f.Name == "" {
			t.Fatalf("feature %s: %+v", f.ID, f)
		}
		switch f.Layer {
		case geo.Courtyard, geo.RelocationSite:
			code, _ := f.Attrs["grid_code"].(string)
			g, ok := byCode[code]
			poly, isPoly := f.Geom.(orb.Polygon)
			if !ok || !isPoly {
				t.Fatalf("%s: grid %q, geometry %T", f.ID, code, f.Geom)
			}
			if err := polygonInside(poly, g.Geom); err != nil {
				t.Fatalf("%s is not inside grid %s: %v", f.ID, code, err)
			}
			for _, q := range poly[0] {
				if gs := grids.containing(q); len(gs) != 1 {
					t.Fatalf("%s: vertex %v is in %d grids", f.ID, q, len(gs))
				}
			}
			if f.Layer == geo.Courtyard {
				yards[code] = append(yards[code], poly)
			}
		case geo.Valley:
			mp, ok := f.Geom.(orb.MultiPolygon)
			if p, isPoly := f.Geom.(orb.Polygon); isPoly {
				mp, ok = orb.MultiPolygon{p}, true
			}
			if !ok {
				t.Fatalf("%s: geometry %T", f.ID, f.Geom)
			}
			for _, p := range mp {
				for _, r := range p {
					if err := checkRing(r, int64(c.PixelDeg*fixScale)); err != nil {
						t.Fatalf("%s: %v", f.ID, err)
					}
				}
				// The centre of the pixel left of the first edge must be in the county.
				if _, err := mpArea2(mp); err != nil {
					t.Fatalf("%s: %v", f.ID, err)
				}
			}
		case geo.Road:
			ls, ok := f.Geom.(orb.LineString)
			if !ok || len(ls) < 2 {
				t.Fatalf("%s: geometry %v", f.ID, f.Geom)
			}
			for k := 0; k+1 < len(ls); k++ {
				a, b := ls[k], ls[k+1]
				for _, q := range []orb.Point{a, {(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}} {
					if polygonsContaining(county, q) != 1 {
						t.Fatalf("%s: point %v is outside the county", f.ID, q)
					}
				}
			}
		}
	}
	unitGrid := map[string]string{}
	for _, u := range c.TenHH {
		unitGrid[u.Code] = u.GridCode
	}
	for _, h := range c.Households {
		g := byCode[unitGrid[h.UnitCode]]
		if g == nil || polygonsContaining(g.Geom, h.Point) != 1 {
			t.Fatalf("household %s at %v is not inside its grid %s", h.ID, h.Point, unitGrid[h.UnitCode])
		}
		in := false
		for _, y := range yards[g.Code] {
			in = in || inRing(y[0], h.Point)
		}
		if !in {
			t.Fatalf("household %s at %v is in no courtyard of grid %s", h.ID, h.Point, g.Code)
		}
	}
}

// TestDiagonalEdges: boundaries are drawn at every angle, not as pixel staircases, so the
// tests of other packages meet diagonal edges. A good share of the units' edges, of the
// valleys' edges and of the roads' segments must be neither horizontal nor vertical, and
// courtyards and relocation sites must be irregular polygons, not rectangles.
func TestDiagonalEdges(t *testing.T) {
	c := shuicheng(t)
	type count struct{ diag, all int }
	share := map[string]*count{}
	add := func(what string, a, b orb.Point) {
		if share[what] == nil {
			share[what] = &count{}
		}
		share[what].all++
		if a[0] != b[0] && a[1] != b[1] {
			share[what].diag++
		}
	}
	rings := func(what string, mp orb.MultiPolygon) {
		for _, p := range mp {
			for _, r := range p {
				for k := 0; k+1 < len(r); k++ {
					add(what, r[k], r[k+1])
				}
			}
		}
	}
	for _, u := range c.Units {
		rings(string(u.Level), u.Geom)
	}
	for _, f := range c.Features {
		switch g := f.Geom.(type) {
		case orb.Polygon:
			rings(string(f.Layer), orb.MultiPolygon{g})
		case orb.MultiPolygon:
			rings(string(f.Layer), g)
		case orb.LineString:
			for k := 0; k+1 < len(g); k++ {
				add(string(f.Layer), g[k], g[k+1])
			}
		}
	}
	for _, tc := range []struct {
		what string
		min  float64
	}{
		{"county", 0.3}, {"town", 0.4}, {"village", 0.5}, {"grid", 0.6},
		{"valley", 0.2}, {"road", 0.4}, {"courtyard", 0.9}, {"relocation_site", 0.9},
	} {
		t.Run(tc.what, func(t *testing.T) {
			n := share[tc.what]
			if n == nil || n.all == 0 {
				t.Fatalf("no %s edges", tc.what)
			}
			got := float64(n.diag) / float64(n.all)
			t.Logf("%s: %d of %d edges diagonal (%.0f%%)", tc.what, n.diag, n.all, 100*got)
			if got < tc.min {
				t.Errorf("%s: %.0f%% of edges diagonal, want at least %.0f%%", tc.what, 100*got, 100*tc.min)
			}
		})
	}
}
