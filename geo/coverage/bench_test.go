package coverage_test

import (
	"testing"

	"github.com/gridmap/gridmap/genfiles"
	"github.com/gridmap/gridmap/geo/coverage"
	"github.com/gridmap/gridmap/geo/gen"
	"github.com/paulmach/orb"
)

// BenchmarkTilesSample runs the edge check over every parent of the generated 水城区 (220
// parents, 2,268 grids); every parent must tile.
func BenchmarkTilesSample(b *testing.B) {
	c, err := genfiles.Generate("../../data/sample/520204-county.geojson", "../../data/sample/520204-divisions.csv", gen.Options{Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	kids := map[string][]orb.MultiPolygon{}
	for _, u := range c.Units {
		kids[u.ParentCode] = append(kids[u.ParentCode], u.Geom)
	}
	b.ResetTimer()
	for range b.N {
		for _, u := range c.Units {
			if len(kids[u.Code]) > 0 && !coverage.Tiles(u.Geom, kids[u.Code]) {
				b.Fatalf("%s does not tile", u.Code)
			}
		}
	}
}
