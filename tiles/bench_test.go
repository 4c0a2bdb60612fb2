package tiles

import (
	"math/rand"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/gen"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Benchmarks run at county scale (the sample, 2,268 grids) and, with
// GRIDMAP_BENCH_PROVINCE=1, at province scale: 100,000 grids in the same county, which takes
// about half a minute to generate and a few GB of memory.
//
//	go test -run XXX -bench . -benchtime 200x ./tiles/
//	GRIDMAP_BENCH_PROVINCE=1 go test -run XXX -bench . -benchtime 200x -timeout 30m ./tiles/

type scale struct {
	name   string
	county func() (*gen.County, error)
}

var province = sync.OnceValues(func() (*gen.County, error) {
	return generate(gen.Options{GridsPerVillage: 529.1})
})

func scales(b *testing.B) []scale {
	out := []scale{{"county", sample}}
	if os.Getenv("GRIDMAP_BENCH_PROVINCE") == "1" {
		out = append(out, scale{"province", province})
	} else {
		b.Log("province scale skipped: set GRIDMAP_BENCH_PROVINCE=1")
	}
	return out
}

// benchData holds what a benchmark needs of a scale, built once.
type benchData struct {
	c    *gen.County
	data map[string][]Feature
	set  *Set
}

var benchCache sync.Map // scale name → *benchData

func load(b *testing.B, sc scale) *benchData {
	b.Helper()
	if v, ok := benchCache.Load(sc.name); ok {
		return v.(*benchData)
	}
	c, err := sc.county()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	data := Data(c.Units, c.Features, c.People, nil)
	b.Logf("%s: %d grids, data with label points in %v", sc.name, c.CountLevel(geo.Grid), time.Since(start).Round(time.Millisecond))
	s, err := NewSet("public", PublicLayers(), data)
	if err != nil {
		b.Fatal(err)
	}
	d := &benchData{c: c, data: data, set: s}
	benchCache.Store(sc.name, d)
	return d
}

func BenchmarkNewSet(b *testing.B) {
	for _, sc := range scales(b) {
		b.Run(sc.name, func(b *testing.B) {
			d := load(b, sc)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := NewSet("public", PublicLayers(), d.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// tileMix is a realistic mix of tiles from zoom 8 to 16: most under the places people look
// at (grids' label points, so dense areas count as they should), some anywhere in the
// county's box.
func tileMix(c *gen.County, b orb.Bound, n int) []maptile.Tile {
	r := rand.New(rand.NewSource(1))
	grids := unitsOf(c, geo.Grid)
	out := make([]maptile.Tile, n)
	for i := range out {
		var p orb.Point
		if r.Intn(10) < 7 {
			p = LabelPoint(grids[r.Intn(len(grids))].Geom)
		} else {
			p = orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
		}
		out[i] = tileAt(p, uint32(8+r.Intn(9)))
	}
	return out
}

func BenchmarkRender(b *testing.B) {
	for _, sc := range scales(b) {
		b.Run(sc.name, func(b *testing.B) {
			d := load(b, sc)
			mix := tileMix(d.c, d.set.Bounds(), 1000)
			// The largest tile: every tile over the data to zoom 12 (the dense zooms) and
			// the mix.
			largest := 0
			for z := uint32(0); z <= 12; z++ {
				for _, t := range coverTiles(d.set.Bounds(), z) {
					data, _ := d.set.Render(uint32(t.Z), t.X, t.Y)
					largest = max(largest, len(data))
				}
			}
			for _, t := range mix {
				data, _ := d.set.Render(uint32(t.Z), t.X, t.Y)
				largest = max(largest, len(data))
			}
			times := make([]time.Duration, 0, b.N)
			var bytes int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t := mix[i%len(mix)]
				start := time.Now()
				data, err := d.set.Render(uint32(t.Z), t.X, t.Y)
				times = append(times, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				bytes += int64(len(data))
			}
			b.StopTimer()
			slices.Sort(times)
			ms := func(q float64) float64 { return float64(times[int(q*float64(len(times)-1))]) / 1e6 }
			b.ReportMetric(ms(0.5), "p50-ms")
			b.ReportMetric(ms(0.95), "p95-ms")
			b.ReportMetric(ms(1), "max-ms")
			b.ReportMetric(float64(bytes)/float64(b.N), "B/tile")
			b.ReportMetric(float64(largest), "largest-B")
		})
	}
}

func BenchmarkUpdate(b *testing.B) {
	for _, sc := range scales(b) {
		b.Run(sc.name, func(b *testing.B) {
			d := load(b, sc)
			grids := unitsOf(d.c, geo.Grid)
			g := grids[len(grids)/2]
			versions := []Feature{
				{Key: g.Code, Geom: shifted(g.Geom, 1.0/8192), Props: map[string]any{"code": g.Code, "name": "a"}},
				{Key: g.Code, Geom: g.Geom, Props: map[string]any{"code": g.Code, "name": "b"}},
			}
			s := d.set
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ns, _, err := s.Update(string(geo.Grid), versions[i%2:i%2+1], nil)
				if err != nil {
					b.Fatal(err)
				}
				s = ns
			}
		})
	}
}
