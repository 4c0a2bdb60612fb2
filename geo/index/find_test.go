package index

import (
	"context"
	"math/rand"
	"slices"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// findPoints are random points over (and a little beyond) the county's box, and vertices of
// some grids (shared with their neighbours: the edge rule decides).
func findPoints(t testing.TB) []orb.Point {
	c, _ := loadSample(t)
	var county orb.Bound
	for _, u := range c.Units {
		if u.Level == geo.County {
			county = u.Geom.Bound()
		}
	}
	rng := rand.New(rand.NewSource(11))
	w, h := county.Max[0]-county.Min[0], county.Max[1]-county.Min[1]
	var pts []orb.Point
	for range 20000 {
		pts = append(pts, orb.Point{county.Min[0] - 0.02*w + rng.Float64()*1.04*w, county.Min[1] - 0.02*h + rng.Float64()*1.04*h})
	}
	n := 0
	for _, u := range c.Units {
		if u.Level == geo.Grid && n < 50 {
			pts = append(pts, verticesOf(&u)...)
			n++
		}
	}
	return pts
}

// sameChain reports whether a and b are the same chain of the index: the same shared links,
// not just equal ones.
func sameChain(a, b geo.Chain) bool {
	if len(a.Links) != len(b.Links) || a.Complete != b.Complete || a.Missing != b.Missing {
		return false
	}
	return len(a.Links) == 0 || &a.Links[0] == &b.Links[0]
}

// checkFindAgrees checks that find answers as resolve at every point: the same chain on a
// hit, and a miss exactly where resolve reports NotFound.
func checkFindAgrees(t *testing.T, pts []orb.Point, find func(lon, lat float64) (geo.Chain, bool),
	resolve func(ctx context.Context, lon, lat float64) (geo.Chain, error)) (hits, misses int) {
	t.Helper()
	ctx := context.Background()
	for _, p := range pts {
		got, ok := find(p[0], p[1])
		want, err := resolve(ctx, p[0], p[1])
		switch {
		case ok != (err == nil):
			t.Fatalf("at %v: Find = %v, Resolve error %v", p, ok, err)
		case !ok && geo.KindOf(err) != geo.NotFound:
			t.Fatalf("at %v: Resolve error %v is not NotFound", p, err)
		case !ok && (got.Links != nil || got.Complete || got.Missing != ""):
			t.Fatalf("at %v: a miss returned a chain %+v", p, got)
		case ok && !sameChain(got, want):
			t.Fatalf("at %v: Find = %+v, Resolve = %+v", p, got, want)
		}
		if ok {
			hits++
		} else {
			misses++
		}
	}
	if hits < len(pts)/3 || misses < len(pts)/10 {
		t.Fatalf("the points do not exercise both cases: %d hits, %d misses", hits, misses)
	}
	return hits, misses
}

func TestFindAgreesWithResolve(t *testing.T) {
	c, ix := loadSample(t)
	pts := findPoints(t)
	hits, misses := checkFindAgrees(t, pts, ix.Find, ix.Resolve)
	t.Logf("%d points: %d hits, %d misses", len(pts), hits, misses)

	// The live index, before and after an edit: deleting a grid turns its points into the
	// village's incomplete chain, and Find follows.
	live, err := NewLive(c.Units, c.People, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkFindAgrees(t, pts, live.Find, live.Resolve)
	var grid geo.Unit
	for _, u := range c.Units {
		if u.Level == geo.Grid {
			grid = u
			break
		}
	}
	inside := slices.Clone(verticesOf(&grid))
	b := grid.Geom.Bound()
	inside = append(inside, b.Center())
	before, ok := live.Find(inside[0][0], inside[0][1])
	if !ok || !before.Complete {
		t.Fatalf("a vertex of grid %s: Find = %+v, %v", grid.Code, before, ok)
	}
	if err := live.Apply(geo.Changes{Seq: 2, DeletedUnits: []string{grid.Code}}); err != nil {
		t.Fatal(err)
	}
	checkFindAgrees(t, append(inside, pts...), live.Find, live.Resolve)
	for _, p := range inside {
		if ch, ok := live.Find(p[0], p[1]); ok && ch.Complete && ch.Links[len(ch.Links)-1].Code == grid.Code {
			t.Fatalf("at %v: Find still answers the deleted grid %s", p, grid.Code)
		}
	}
}

// Find allocates nothing, on hits and on misses, for the index and for the live index.
func TestFindDoesNotAllocate(t *testing.T) {
	c, ix := loadSample(t)
	live, err := NewLive(c.Units, c.People, 1)
	if err != nil {
		t.Fatal(err)
	}
	pts := findPoints(t)[:2000]
	for _, f := range []struct {
		name string
		find func(lon, lat float64) (geo.Chain, bool)
	}{{"Index", ix.Find}, {"Live", live.Find}} {
		var hits, misses int
		allocs := testing.AllocsPerRun(5, func() {
			hits, misses = 0, 0
			for _, p := range pts {
				if _, ok := f.find(p[0], p[1]); ok {
					hits++
				} else {
					misses++
				}
			}
		})
		if allocs != 0 {
			t.Errorf("%s.Find: %v allocations per %d points (%d hits, %d misses)", f.name, allocs, len(pts), hits, misses)
		}
		if hits == 0 || misses == 0 {
			t.Errorf("%s.Find: %d hits, %d misses: both cases must be measured", f.name, hits, misses)
		}
	}
}

// BenchmarkFind is BenchmarkResolve through Find: the same points, about half of them
// outside the data, where Resolve builds an error.
func BenchmarkFind(b *testing.B) {
	ix, pts := benchPoints(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		p := pts[i&(len(pts)-1)]
		if ch, ok := ix.Find(p[0], p[1]); ok {
			n += len(ch.Links)
		}
	}
	_ = n
}

// BenchmarkLiveFind is BenchmarkFind through the live index that serve answers from.
func BenchmarkLiveFind(b *testing.B) {
	c, _ := loadSample(b)
	live, err := NewLive(c.Units, c.People, 1)
	if err != nil {
		b.Fatal(err)
	}
	_, pts := benchPoints(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		p := pts[i&(len(pts)-1)]
		if ch, ok := live.Find(p[0], p[1]); ok {
			n += len(ch.Links)
		}
	}
	_ = n
}
