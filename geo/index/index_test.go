package index

import (
	"context"
	"math"
	"math/rand"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/genfiles"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/gen"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

const sampleDir = "../../data/sample/"

// sample is 水城区 generated with seed 1, and its index, built once for all tests.
var sample = sync.OnceValues(func() (*gen.County, error) { return generate(gen.Options{Seed: 1}) })

// generate generates 水城区 with the given options.
func generate(opt gen.Options) (*gen.County, error) {
	return genfiles.Generate(sampleDir+"520204-county.geojson", sampleDir+"520204-divisions.csv", opt)
}

var sampleIndex = sync.OnceValues(func() (*Index, error) {
	c, err := sample()
	if err != nil {
		return nil, err
	}
	return Build(c.Units, c.People)
})

func loadSample(t testing.TB) (*gen.County, *Index) {
	t.Helper()
	c, err := sample()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := sampleIndex()
	if err != nil {
		t.Fatal(err)
	}
	return c, ix
}

// onBoundary reports whether p lies exactly on an edge of mp (reference, independent of the
// index's loop).
func onBoundary(mp orb.MultiPolygon, p orb.Point) bool {
	for _, poly := range mp {
		for _, ring := range poly {
			n := len(ring)
			for i := 0; i < n; i++ {
				a, b := ring[i], ring[(i+1)%n]
				if (b[0]-a[0])*(p[1]-a[1]) != (b[1]-a[1])*(p[0]-a[0]) {
					continue
				}
				if p[0] >= math.Min(a[0], b[0]) && p[0] <= math.Max(a[0], b[0]) &&
					p[1] >= math.Min(a[1], b[1]) && p[1] <= math.Max(a[1], b[1]) {
					return true
				}
			}
		}
	}
	return false
}

func refCovers(mp orb.MultiPolygon, p orb.Point) bool {
	return onBoundary(mp, p) || planar.MultiPolygonContains(mp, p)
}

// refGrids is a brute-force reference over the grids: every grid covering p, codes sorted.
type refGrids struct {
	units []geo.Unit
	boxes []orb.Bound
}

func newRef(c *gen.County, level geo.Level) *refGrids {
	r := &refGrids{}
	for _, u := range c.Units {
		if u.Level == level && len(u.Geom) > 0 {
			r.units = append(r.units, u)
			r.boxes = append(r.boxes, u.Geom.Bound())
		}
	}
	sort.Slice(r.units, func(i, j int) bool { return r.units[i].Code < r.units[j].Code })
	for i := range r.units {
		r.boxes[i] = r.units[i].Geom.Bound()
	}
	return r
}

func (r *refGrids) covering(p orb.Point) []string {
	var out []string
	for i, u := range r.units {
		if r.boxes[i].Contains(p) && refCovers(u.Geom, p) {
			out = append(out, u.Code)
		}
	}
	return out
}

func TestRandomPointsAgreeWithBruteForce(t *testing.T) {
	c, ix := loadSample(t)
	grids := newRef(c, geo.Grid)
	var fallback []*refGrids
	for _, l := range []geo.Level{geo.Group, geo.Village, geo.Town, geo.County} {
		fallback = append(fallback, newRef(c, l))
	}
	var county orb.Bound
	for _, u := range c.Units {
		if u.Level == geo.County {
			county = u.Geom.Bound()
		}
	}
	n := 100000
	if testing.Short() {
		n = 10000
	}
	rng := rand.New(rand.NewSource(7))
	var hits, misses, fallbacks int
	for i := 0; i < n; i++ {
		// A little outside the county's box too, so that NotFound is exercised.
		w, h := county.Max[0]-county.Min[0], county.Max[1]-county.Min[1]
		p := orb.Point{county.Min[0] - 0.02*w + rng.Float64()*1.04*w, county.Min[1] - 0.02*h + rng.Float64()*1.04*h}
		want := ""
		if cov := grids.covering(p); len(cov) > 0 {
			want = cov[0]
		} else {
			for _, f := range fallback {
				if cov := f.covering(p); len(cov) > 0 {
					want = cov[0]
					fallbacks++
					break
				}
			}
		}
		got, ok := ix.Lookup(p[0], p[1])
		if ok != (want != "") || got != want {
			t.Fatalf("point %v: Lookup = %q, %v; brute force says %q", p, got, ok, want)
		}
		if ok {
			hits++
		} else {
			misses++
		}
	}
	t.Logf("%d points: %d covered (%d only by a coarser level), %d outside", n, hits, fallbacks, misses)
	if hits < n/2 || misses == 0 {
		t.Errorf("random points do not exercise both cases: %d covered, %d outside", hits, misses)
	}
}

func TestVerticesAndEdgeMidpoints(t *testing.T) {
	c, ix := loadSample(t)
	grids := newRef(c, geo.Grid)
	step := max(1, len(grids.units)/300) // some hundreds of grids
	var points, shared, sharedVertices, inexact int
	for gi := 0; gi < len(grids.units); gi += step {
		for _, poly := range grids.units[gi].Geom {
			for _, ring := range poly {
				for k := range ring {
					a, b := ring[k], ring[(k+1)%len(ring)]
					isVertex := true
					for _, p := range []orb.Point{a, {(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}} {
						cov := grids.covering(p)
						if len(cov) == 0 && !isVertex && !(onLattice(a) && onLattice(b)) {
							// The midpoint of an edge cut by the real outline (an endpoint off
							// the lattice) is rounded off its line, here to the outside: not a
							// boundary point, so nothing to check.
							inexact++
							isVertex = false
							continue
						}
						if len(cov) == 0 {
							t.Fatalf("grid %s: its own boundary point %v is not covered by the reference", grids.units[gi].Code, p)
						}
						got, ok := ix.Lookup(p[0], p[1])
						if !ok || got != cov[0] {
							t.Fatalf("boundary point %v of grid %s: Lookup = %q, %v; covered by %v, want %s",
								p, grids.units[gi].Code, got, ok, cov, cov[0])
						}
						points++
						if len(cov) >= 2 {
							shared++
							if isVertex {
								sharedVertices++
							}
						}
						isVertex = false
					}
				}
			}
		}
	}
	t.Logf("%d boundary points of %d grids; %d on shared boundaries (%d vertices); %d midpoints of cut edges rounded outside", points, (len(grids.units)+step-1)/step, shared, sharedVertices, inexact)
	if inexact > points/50 {
		t.Errorf("%d of %d edge midpoints are off their edge: only those of edges cut by the outline may be", inexact, points)
	}
	if sharedVertices < 1000 || shared < points/4 {
		t.Errorf("too few shared boundary points: %d of %d (%d vertices); the edge rule is not exercised", shared, points, sharedVertices)
	}
}

func reversed(r orb.Ring) orb.Ring {
	r = append(orb.Ring(nil), r...)
	r.Reverse()
	return r
}

func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// handUnits: county 0..30 x 0..10; one town and village the same; grid 001 is 0..10 with two
// holes (4..6 and 7..8 square), grid 002 fills the first hole, grid 003 is a multipolygon of
// 20..22 and 24..26 (y 0..2).
func handUnits() ([]geo.Unit, []geo.Responsibility) {
	all := orb.MultiPolygon{{square(0, 0, 30, 10)}}
	units := []geo.Unit{
		{Code: "520204001001003", Name: "G3", Level: geo.Grid, ParentCode: "520204001001",
			Geom: orb.MultiPolygon{{square(20, 0, 22, 2)}, {square(24, 0, 26, 2)}}},
		{Code: "520204", Name: "C", Level: geo.County, Geom: all},
		{Code: "520204001", Name: "T", Level: geo.Town, ParentCode: "520204", Geom: all},
		{Code: "520204001001", Name: "V", Level: geo.Village, ParentCode: "520204001", Geom: all},
		{Code: "520204001001001", Name: "G1", Level: geo.Grid, ParentCode: "520204001001",
			Geom: orb.MultiPolygon{{square(0, 0, 10, 10), reversed(square(4, 4, 6, 6)), square(7, 7, 8, 8)}}},
		{Code: "520204001001002", Name: "G2", Level: geo.Grid, ParentCode: "520204001001",
			Geom: orb.MultiPolygon{{square(4, 4, 6, 6)}}},
	}
	people := []geo.Responsibility{
		{PersonID: "p2", Name: "乙", Phone: "2", Role: geo.GridWorker, UnitCode: "520204001001002"},
		{PersonID: "p1", Name: "甲", Phone: "1", Role: geo.GridHead, UnitCode: "520204001001002"},
		{PersonID: "p3", Name: "丙", Phone: "3", Role: geo.VillageSecretary, UnitCode: "520204001001"},
		{PersonID: "p4", Name: "丁", Phone: "4", Role: geo.UnitHead, UnitCode: "520204001001002001"},
		{PersonID: "p5", Name: "戊", Phone: "5", Role: geo.CountySecretary, UnitCode: "520204"},
	}
	return units, people
}

func TestHolesAndMultiPolygons(t *testing.T) {
	units, people := handUnits()
	ix, err := Build(units, people)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		x, y float64
		want string
	}{
		{2, 2, "520204001001001"},
		{0, 0, "520204001001001"},
		{10, 5, "520204001001001"},
		{5, 5, "520204001001002"},   // in the filled hole
		{4, 5, "520204001001001"},   // on the hole's edge: both cover, 001 is smaller
		{6, 6, "520204001001001"},   // on the hole's corner
		{4.5, 4, "520204001001001"}, // on the hole's edge
		{7.5, 7.5, "520204001001"},  // in the empty hole: only the village covers
		{7, 7.5, "520204001001001"}, // on the empty hole's edge
		{21, 1, "520204001001003"},  // first part of the multipolygon
		{25, 1, "520204001001003"},  // second part
		{26, 2, "520204001001003"},  // corner of the second part
		{23, 1, "520204001001"},     // between the parts
		{22.5, 0, "520204001001"},   // between the parts, on the county's edge
		{30, 10, "520204001001"},    // the county's corner
		{15, 5, "520204001001"},     // no grid
		{10.000001, 5, "520204001001"},
	} {
		got, ok := ix.Lookup(tc.x, tc.y)
		if !ok || got != tc.want {
			t.Errorf("Lookup(%v, %v) = %q, %v; want %q", tc.x, tc.y, got, ok, tc.want)
		}
	}
	for _, p := range [][2]float64{{-1, 5}, {30.5, 5}, {15, 10.0001}, {math.NaN(), 1}} {
		_, err := ix.Resolve(context.Background(), p[0], p[1])
		if geo.KindOf(err) != geo.NotFound {
			t.Errorf("Resolve(%v): err = %v, want NotFound", p, err)
		}
		if _, ok := ix.Lookup(p[0], p[1]); ok {
			t.Errorf("Lookup(%v) found a unit outside the data", p)
		}
	}

	ch, err := ix.Resolve(context.Background(), 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Complete || ch.Missing != "" || len(ch.Links) != 4 {
		t.Fatalf("chain = %+v", ch)
	}
	wantLevels := []geo.Level{geo.County, geo.Town, geo.Village, geo.Grid}
	wantPeople := [][]geo.Person{
		{{Role: geo.CountySecretary, Name: "戊", Phone: "5"}},
		{},
		{{Role: geo.VillageSecretary, Name: "丙", Phone: "3"}},
		{{Role: geo.GridHead, Name: "甲", Phone: "1"}, {Role: geo.GridWorker, Name: "乙", Phone: "2"}},
	}
	for i, l := range ch.Links {
		if l.Level != wantLevels[i] {
			t.Errorf("link %d level %s, want %s", i, l.Level, wantLevels[i])
		}
		if l.People == nil || len(l.People) != len(wantPeople[i]) {
			t.Errorf("link %d (%s) people %v, want %v", i, l.Code, l.People, wantPeople[i])
			continue
		}
		for j := range l.People {
			if l.People[j] != wantPeople[i][j] {
				t.Errorf("link %d person %d = %v, want %v", i, j, l.People[j], wantPeople[i][j])
			}
		}
	}
	ch, err = ix.Resolve(context.Background(), 7.5, 7.5)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Complete || ch.Missing != "grid" || len(ch.Links) != 3 || ch.Links[2].Code != "520204001001" {
		t.Errorf("chain in the empty hole = %+v, want an incomplete chain ending at the village", ch)
	}
}

func TestBuildErrors(t *testing.T) {
	units, _ := handUnits()
	if _, err := Build(append(units, units[0]), nil); err == nil {
		t.Error("duplicate code: no error")
	}
	bad := append([]geo.Unit(nil), units...)
	bad[0].ParentCode = "520204009009"
	if _, err := Build(bad, nil); err == nil {
		t.Error("unknown parent: no error")
	}
}

func TestSampleChain(t *testing.T) {
	c, ix := loadSample(t)
	byCode := map[string]geo.Unit{}
	for _, u := range c.Units {
		byCode[u.Code] = u
	}
	var g geo.Unit
	for _, u := range c.Units {
		if u.Level == geo.Grid && len(u.Geom) > 0 {
			g = u
			break
		}
	}
	// A point inside the grid: the centre of some cell of its polygon's first edge pushed in.
	var p orb.Point
	found := false
	b := g.Geom.Bound()
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 100000 && !found; i++ {
		p = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		found = planar.MultiPolygonContains(g.Geom, p) && !onBoundary(g.Geom, p)
	}
	if !found {
		t.Fatal("no interior point found")
	}
	ch, err := ix.Resolve(context.Background(), p[0], p[1])
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Complete || ch.Missing != "" {
		t.Errorf("chain not complete: %+v", ch)
	}
	last := ch.Links[len(ch.Links)-1]
	if last.Code != g.Code || last.Level != geo.Grid || last.Name != g.Name {
		t.Fatalf("chain ends at %+v, want grid %s", last, g.Code)
	}
	// Levels from the county down, each the parent of the next.
	if ch.Links[0].Level != geo.County {
		t.Errorf("chain starts at %s", ch.Links[0].Level)
	}
	for i := len(ch.Links) - 1; i > 0; i-- {
		u := byCode[ch.Links[i].Code]
		if u.ParentCode != ch.Links[i-1].Code {
			t.Errorf("link %d (%s) has parent %s, but the chain has %s", i, u.Code, u.ParentCode, ch.Links[i-1].Code)
		}
		if ch.Links[i].Level.Rank() <= ch.Links[i-1].Level.Rank() {
			t.Errorf("levels out of order: %s after %s", ch.Links[i].Level, ch.Links[i-1].Level)
		}
	}
	// People: exactly those responsible for each unit, unit heads aside.
	withPeople := 0
	for _, l := range ch.Links {
		want := map[geo.Person]int{}
		for _, r := range c.People {
			if r.UnitCode == l.Code && r.Role != geo.UnitHead {
				want[geo.Person{Role: r.Role, Name: r.Name, Phone: r.Phone}]++
			}
		}
		if len(l.People) != func() int {
			n := 0
			for _, v := range want {
				n += v
			}
			return n
		}() {
			t.Errorf("%s %s: %d people, want %v", l.Level, l.Code, len(l.People), want)
		}
		for _, p := range l.People {
			if want[p] == 0 {
				t.Errorf("%s %s: unexpected person %v", l.Level, l.Code, p)
			}
			want[p]--
			if geo.RoleLevel[p.Role] != l.Level {
				t.Errorf("%s %s: person %v has a role of level %s", l.Level, l.Code, p, geo.RoleLevel[p.Role])
			}
		}
		if len(l.People) > 0 {
			withPeople++
		}
	}
	if withPeople < 3 {
		t.Errorf("only %d links have people; the sample should give most levels someone", withPeople)
	}
	t.Logf("chain of %s: %d links, %d with people", g.Code, len(ch.Links), withPeople)
}

// TestStatsAndMemory builds the sample's index and checks what Stats reports against the
// units themselves, and the heap the index holds against a budget.
func TestStatsAndMemory(t *testing.T) {
	c, _ := loadSample(t)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	ix, err := Build(c.Units, c.People)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("Build: %v, index holds %.1f MiB (HeapAlloc %d -> %d)", elapsed, float64(held)/(1<<20), before.HeapAlloc, after.HeapAlloc)

	// What each level should report, counted from the units.
	units, points := map[geo.Level]int{}, map[geo.Level]int{}
	for _, u := range c.Units {
		if len(u.Geom) == 0 {
			continue
		}
		units[u.Level]++
		for _, poly := range u.Geom {
			for _, r := range poly {
				points[u.Level] += len(r)
			}
		}
	}
	var want []geo.Level // deepest first
	for r := len(geo.Levels) - 1; r >= 0; r-- {
		if units[geo.Levels[r]] > 0 {
			want = append(want, geo.Levels[r])
		}
	}
	stats := ix.Stats()
	if len(stats) != len(want) {
		t.Fatalf("%d levels in Stats, want %d (%v)", len(stats), len(want), want)
	}
	vertices := 0
	for i, s := range stats {
		t.Logf("%+v (data points %d)", s, points[s.Level])
		n := units[s.Level]
		shards := max(1, n/unitsPerShard)
		switch {
		case s.Level != want[i]:
			t.Errorf("entry %d is level %s, want %s (deepest first)", i, s.Level, want[i])
		case s.Units != n:
			t.Errorf("%s: %d units indexed, the data has %d with geometry", s.Level, s.Units, n)
		case s.Shards < 1 || s.Shards > 2*shards:
			t.Errorf("%s: %d shards for %d units (about %d per shard)", s.Level, s.Shards, n, unitsPerShard)
		case s.Indexed < s.Units || s.Indexed > s.Units+s.Units/4:
			t.Errorf("%s: %d units over all shards for %d units: too many straddle", s.Level, s.Indexed, s.Units)
		case s.Cells == 0 || s.WholeCells > s.Cells || s.CellEntries == 0 || !(s.CellW > 0 && s.CellH > 0):
			t.Errorf("%s: inconsistent cells %+v", s.Level, s)
		// Each unit's rings are kept whole; clipping a straddling unit to its shards adds a
		// few points where the rings cross shard edges.
		case s.Vertices < points[s.Level] || s.Vertices > points[s.Level]+points[s.Level]/4:
			t.Errorf("%s: %d vertices indexed, the data has %d points", s.Level, s.Vertices, points[s.Level])
		}
		vertices += s.Vertices
	}
	// The index is held in memory for the life of the server: a budget of ten times what the
	// sample needs today (about 10 MiB), and at least the coordinates themselves.
	if held < int64(vertices)*8 || held > 100<<20 {
		t.Errorf("the index holds %d bytes for %d vertices", held, vertices)
	}
	runtime.KeepAlive(ix)
}

func benchPoints(b *testing.B) (*Index, []orb.Point) {
	c, ix := loadSample(b)
	var county orb.Bound
	for _, u := range c.Units {
		if u.Level == geo.County {
			county = u.Geom.Bound()
		}
	}
	rng := rand.New(rand.NewSource(3))
	pts := make([]orb.Point, 1<<16)
	for i := range pts {
		pts[i] = orb.Point{county.Min[0] + rng.Float64()*(county.Max[0]-county.Min[0]),
			county.Min[1] + rng.Float64()*(county.Max[1]-county.Min[1])}
	}
	return ix, pts
}

func BenchmarkLookup(b *testing.B) {
	ix, pts := benchPoints(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := pts[i&(len(pts)-1)]
		ix.Lookup(p[0], p[1])
	}
}

func BenchmarkResolve(b *testing.B) {
	ix, pts := benchPoints(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		p := pts[i&(len(pts)-1)]
		if ch, err := ix.Resolve(ctx, p[0], p[1]); err == nil {
			n += len(ch.Links)
		}
	}
	_ = n
}

// BenchmarkResolveCovered resolves only points that some unit covers (no error allocation).
func BenchmarkResolveCovered(b *testing.B) {
	ix, pts := benchPoints(b)
	in := pts[:0:0]
	for _, p := range pts {
		if _, ok := ix.Lookup(p[0], p[1]); ok {
			in = append(in, p)
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := in[i%len(in)]
		if _, err := ix.Resolve(ctx, p[0], p[1]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	c, _ := loadSample(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Build(c.Units, c.People); err != nil {
			b.Fatal(err)
		}
	}
}

// onLattice reports whether p is a vertex of the generator's 1/2048° pixel lattice, where
// edge midpoints are exact.
func onLattice(p orb.Point) bool {
	const scale = 2048
	return p[0]*scale == math.Trunc(p[0]*scale) && p[1]*scale == math.Trunc(p[1]*scale)
}
