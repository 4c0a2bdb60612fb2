package tiles

import (
	"math/rand"
	"sync"
	"testing"

	"github.com/gridmap/gridmap/genfiles"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/gen"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

const sampleDir = "../data/sample/"

// generate builds 水城区 (seed 1) with the given options.
func generate(opt gen.Options) (*gen.County, error) {
	opt.Seed = 1
	return genfiles.Generate(sampleDir+"520204-county.geojson", sampleDir+"520204-divisions.csv", opt)
}

// sample is the county at its default scale with 20,000 households, generated once per
// test binary.
var sample = sync.OnceValues(func() (*gen.County, error) {
	return generate(gen.Options{Households: 20000})
})

var publicSet = sync.OnceValues(func() (*Set, error) {
	c, err := sample()
	if err != nil {
		return nil, err
	}
	return NewSet("public", PublicLayers(), Data(c.Units, c.Features, c.People, nil))
})

var privateSet = sync.OnceValues(func() (*Set, error) {
	c, err := sample()
	if err != nil {
		return nil, err
	}
	return NewSet("private", PrivateLayers(), Data(c.Units, c.Features, c.People, c.Households))
})

func loadSample(t testing.TB) (*gen.County, *Set) {
	t.Helper()
	c, err := sample()
	if err != nil {
		t.Fatal(err)
	}
	s, err := publicSet()
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

func loadPrivate(t testing.TB) *Set {
	t.Helper()
	s, err := privateSet()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// unitsOf returns the units of a level, in code order (as generated).
func unitsOf(c *gen.County, l geo.Level) []geo.Unit {
	var out []geo.Unit
	for _, u := range c.Units {
		if u.Level == l {
			out = append(out, u)
		}
	}
	return out
}

// tileAt is the tile of zoom z holding p.
func tileAt(p orb.Point, z uint32) maptile.Tile {
	return maptile.At(p, maptile.Zoom(z))
}

// coverTiles lists every tile of zoom z over bound b.
func coverTiles(b orb.Bound, z uint32) []maptile.Tile {
	lo := maptile.At(orb.Point{b.Min[0], b.Max[1]}, maptile.Zoom(z))
	hi := maptile.At(orb.Point{b.Max[0], b.Min[1]}, maptile.Zoom(z))
	var out []maptile.Tile
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			out = append(out, maptile.New(x, y, maptile.Zoom(z)))
		}
	}
	return out
}

// sampleTiles picks n tiles of zoom z under the label points of random units of a level:
// tiles where that level is drawn.
func sampleTiles(c *gen.County, l geo.Level, z uint32, n int, seed int64) []maptile.Tile {
	us := unitsOf(c, l)
	r := rand.New(rand.NewSource(seed))
	seen := map[maptile.Tile]bool{}
	var out []maptile.Tile
	for i := 0; i < 10*n && len(out) < n; i++ {
		t := tileAt(LabelPoint(us[r.Intn(len(us))].Geom), z)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
