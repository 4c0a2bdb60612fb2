package index

import (
	"context"
	"github.com/gridmap/gridmap/geo/gen"
	"math/rand"
	"os"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// assertSameAsBuild checks that the live index answers exactly as an index built from
// scratch over the same units and people: the same unit and the same chain for random
// points and for every vertex of the changed units.
func assertSameAsBuild(t *testing.T, live *Live, units []geo.Unit, people []geo.Responsibility, extra []orb.Point) {
	t.Helper()
	ref, err := Build(units, people)
	if err != nil {
		t.Fatal(err)
	}
	var box orb.Bound
	for i, u := range units {
		if i == 0 {
			box = u.Geom.Bound()
		}
		box = box.Union(u.Geom.Bound())
	}
	rng := rand.New(rand.NewSource(int64(len(units))))
	pts := slices.Clone(extra)
	for range 20000 {
		pts = append(pts, orb.Point{box.Min[0] + rng.Float64()*(box.Max[0]-box.Min[0]), box.Min[1] + rng.Float64()*(box.Max[1]-box.Min[1])})
	}
	ctx := context.Background()
	bad := 0
	for _, p := range pts {
		want, werr := ref.Resolve(ctx, p[0], p[1])
		got, gerr := live.Resolve(ctx, p[0], p[1])
		if (werr == nil) != (gerr == nil) || !reflect.DeepEqual(want, got) {
			if bad++; bad <= 5 {
				t.Errorf("at %v: live %+v (%v), rebuilt %+v (%v)", p, got, gerr, want, werr)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d points differ", bad, len(pts))
	}
}

func verticesOf(us ...*geo.Unit) []orb.Point {
	var pts []orb.Point
	for _, u := range us {
		for _, poly := range u.Geom {
			for _, r := range poly {
				pts = append(pts, r...)
			}
		}
	}
	return pts
}

// Edits applied incrementally (geometry merges, deletes, renames, people, a unit beyond the
// data) give the same answers as an index rebuilt from scratch.
func TestLiveApplyMatchesRebuild(t *testing.T) {
	c, _ := loadSample(t)
	units := slices.Clone(c.Units)
	people := slices.Clone(c.People)
	live, err := NewLive(units, people, 10)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]int{}
	for i, u := range units {
		byCode[u.Code] = i
	}
	remove := func(code string) {
		i := byCode[code]
		units = slices.Delete(units, i, i+1)
		clear(byCode)
		for i, u := range units {
			byCode[u.Code] = i
		}
	}

	// Two grids of one village: the first takes over the second (its polygons are added),
	// the second is deleted.
	var a, b *geo.Unit
	for i := range units {
		if units[i].Level == geo.Grid && i+1 < len(units) && units[i+1].Level == geo.Grid && units[i+1].ParentCode == units[i].ParentCode {
			a, b = &units[i], &units[i+1]
			break
		}
	}
	merged := *a
	merged.Geom = append(slices.Clone(a.Geom), b.Geom...)
	merged.Version++
	extra := verticesOf(a, b)
	bCode := b.Code
	if err := live.Apply(geo.Changes{Seq: 11, Units: []geo.Unit{merged}, DeletedUnits: []string{bCode}}); err != nil {
		t.Fatal(err)
	}
	units[byCode[merged.Code]] = merged
	remove(bCode)
	if live.Seq() != 11 {
		t.Errorf("seq %d after applying 11", live.Seq())
	}
	assertSameAsBuild(t, live, units, people, extra)

	// A village renamed: every grid under it shows the new name, geometry untouched.
	v := units[byCode[merged.ParentCode]]
	v.Name = "改名村"
	if err := live.Apply(geo.Changes{Seq: 12, Units: []geo.Unit{v}}); err != nil {
		t.Fatal(err)
	}
	units[byCode[v.Code]] = v
	assertSameAsBuild(t, live, units, people, extra)
	if ch, err := live.Resolve(context.Background(), extra[0][0], extra[0][1]); err != nil || ch.Links[2].Name != "改名村" {
		t.Errorf("after the rename: %+v %v", ch, err)
	}

	// New people for the merged grid.
	np := geo.Responsibility{PersonID: "p-new", Name: "新网格员", Phone: "13800000000", Role: geo.GridWorker, UnitCode: merged.Code}
	var kept []geo.Responsibility
	for _, r := range people {
		if r.UnitCode != merged.Code {
			kept = append(kept, r)
		}
	}
	people = append(kept, np)
	if err := live.Apply(geo.Changes{Seq: 13, People: map[string][]geo.Responsibility{merged.Code: {np}}}); err != nil {
		t.Fatal(err)
	}
	assertSameAsBuild(t, live, units, people, extra)

	// A county far away: beyond every level's extent, so its level is indexed afresh.
	far := geo.Unit{Code: "990001", Level: geo.County, Name: "远县",
		Geom: orb.MultiPolygon{{{{120, 30}, {120.5, 30}, {120.5, 30.5}, {120, 30.5}, {120, 30}}}}}
	if err := live.Apply(geo.Changes{Seq: 14, Units: []geo.Unit{far}}); err != nil {
		t.Fatal(err)
	}
	units = append(units, far)
	assertSameAsBuild(t, live, units, people, []orb.Point{{120.25, 30.25}, {120, 30}})

	// An empty batch only moves the position.
	if err := live.Apply(geo.Changes{Seq: 20}); err != nil || live.Seq() != 20 {
		t.Fatalf("empty batch: seq %d, %v", live.Seq(), err)
	}
	// A batch whose unit's parent is missing is refused and the index stays as it was.
	orphan := geo.Unit{Code: "990001001", Level: geo.Town, ParentCode: "990002", Name: "孤镇",
		Geom: orb.MultiPolygon{{{{120, 30}, {120.1, 30}, {120.1, 30.1}, {120, 30}}}}}
	if err := live.Apply(geo.Changes{Seq: 21, Units: []geo.Unit{orphan}}); err == nil {
		t.Fatal("a unit with a missing parent was applied")
	}
	if live.Seq() != 20 {
		t.Errorf("seq moved to %d on a refused batch", live.Seq())
	}
	assertSameAsBuild(t, live, units, people, nil)
}

// An edit of one grid rebuilds only the shards under it: the other shards of the level are
// the very same objects as before.
func TestLiveApplyRebuildsOnlyTouchedShards(t *testing.T) {
	c, _ := loadSample(t)
	live, err := NewLive(c.Units, c.People, 1)
	if err != nil {
		t.Fatal(err)
	}
	before := live.Index()
	var g geo.Unit
	for _, u := range c.Units {
		if u.Level == geo.Grid {
			g = u
			break
		}
	}
	g.Geom = orb.Clone(g.Geom).(orb.MultiPolygon)
	g.Geom[0][0] = g.Geom[0][0][:len(g.Geom[0][0])] // same shape, new slice: still an upsert
	g.Name = "改名网格"
	g.Geom = orb.MultiPolygon{g.Geom[0]}
	if err := live.Apply(geo.Changes{Seq: 2, Units: []geo.Unit{g}}); err != nil {
		t.Fatal(err)
	}
	after := live.Index()
	gridLevel := func(ix *Index) *levelIndex {
		for _, li := range ix.levels {
			if li.level == geo.Grid {
				return li
			}
		}
		t.Fatal("no grid level")
		return nil
	}
	bl, al := gridLevel(before), gridLevel(after)
	if len(bl.shards) < 2 {
		t.Fatalf("the sample's grid level has %d shards; the test needs several", len(bl.shards))
	}
	same := 0
	for s := range bl.shards {
		if bl.shards[s] == al.shards[s] {
			same++
		}
	}
	if same == 0 || same == len(bl.shards) {
		t.Errorf("%d of %d shards kept: want some kept and the edited grid's rebuilt", same, len(bl.shards))
	}
}

// rotated returns the same shape with each outer ring starting one vertex later: a different
// geometry to the index (so the edit rebuilds the shards under it) with the same coverage.
func rotated(mp orb.MultiPolygon) orb.MultiPolygon {
	out := orb.Clone(mp).(orb.MultiPolygon)
	for _, poly := range out {
		r := poly[0]
		n := len(r) - 1 // closed: the last point repeats the first
		nr := append(slices.Clone(r[1:n]), r[1], r[1])
		nr[n-1] = r[0]
		poly[0] = nr[:n+1]
	}
	return out
}

// BenchmarkLiveApplyOneGrid measures applying an edit of one grid's boundary to the live
// index at the sample's size (set GRIDMAP_BENCH_PROVINCE=1 for 100,000 grids).
func BenchmarkLiveApplyOneGrid(b *testing.B) {
	c := benchCounty(b)
	live, err := NewLive(c.Units, c.People, 1)
	if err != nil {
		b.Fatal(err)
	}
	var grids []geo.Unit
	for _, u := range c.Units {
		if u.Level == geo.Grid {
			grids = append(grids, u)
		}
	}
	rng := rand.New(rand.NewSource(1))
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		g := grids[rng.Intn(len(grids))]
		g.Version++
		g.Geom = rotated(g.Geom)
		if err := live.Apply(geo.Changes{Seq: int64(i + 2), Units: []geo.Unit{g}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N)/1000, "ms/edit")
}

// benchCounty is the sample, or with GRIDMAP_BENCH_PROVINCE=1 a generated province of
// 100,000 grids (about 25 s to generate).
func benchCounty(b *testing.B) *gen.County {
	if os.Getenv("GRIDMAP_BENCH_PROVINCE") == "" {
		c, _ := loadSample(b)
		return c
	}
	c, err := province()
	if err != nil {
		b.Fatal(err)
	}
	return c
}

var province = sync.OnceValues(func() (*gen.County, error) {
	return generate(gen.Options{Seed: 1, GridsPerVillage: 529.1, Households: 1000})
})
