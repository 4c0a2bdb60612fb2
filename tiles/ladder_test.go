package tiles

import (
	"fmt"
	"github.com/gridmap/gridmap/geo"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// denseSet is a block of n×n squares d degrees on a side (d a power of two, on the lattice
// like the generated data), each with a long name, tiling one parent rectangle, starting at
// the lattice point next to the top left corner of a z12 tile so that it fits in it.
func denseSet(t *testing.T, n int, d float64) (*Set, maptile.Tile) {
	t.Helper()
	tile := tileAt(orb.Point{104.80, 26.55}, 12)
	b := tile.Bound()
	x0, y0 := math.Ceil(b.Min[0]/d)*d, math.Floor(b.Max[1]/d)*d-float64(n)*d
	var kids []Feature
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			lo := orb.Point{x0 + float64(i)*d, y0 + float64(j)*d}
			ring := orb.Ring{lo, {lo[0] + d, lo[1]}, {lo[0] + d, lo[1] + d}, {lo[0], lo[1] + d}, lo}
			code := fmt.Sprintf("%06d%06d", i, j)
			kids = append(kids, Feature{Key: code, Geom: orb.Polygon{ring}, Props: map[string]any{
				"code": code, "level": "grid", "name": strings.Repeat("网格名称", 5) + code,
			}})
		}
	}
	x1, y1 := x0+float64(n)*d, y0+float64(n)*d
	parent := orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
	s, err := NewSet("dense", []LayerSpec{{string(geo.Grid), Polygon, 10, 16}, {string(geo.Village), Polygon, 0, 16}}, map[string][]Feature{
		string(geo.Grid):    kids,
		string(geo.Village): {{Key: "v", Geom: parent, Props: map[string]any{"code": "v"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, tile
}

// TestTooLargeTilesLoseDetail renders blocks of 10,000 squares with long names, far more
// than 500 KB at full detail in one tile: squares of three units (1/8192° at z12) vanish on
// a coarser lattice, larger ones (1/2048° at z12, 1/8192° at z14) keep their shape but lose
// their names.
// Either way the tile stays under MaxTileBytes, valid, and without gaps, and the tiles of
// higher zooms, of ordinary size, keep everything.
func TestTooLargeTilesLoseDetail(t *testing.T) {
	for _, tc := range []struct {
		name  string
		d     float64
		named map[uint32]bool // whether names survive, by zoom
	}{
		// At z14 the small squares are the large ones at z12: 23 units, too large to vanish.
		{"small squares", 1.0 / 8192, map[uint32]bool{12: true, 14: false, 16: true}},
		{"large squares", 1.0 / 2048, map[uint32]bool{12: false, 14: true, 16: true}},
	} {
		s, tile12 := denseSet(t, 100, tc.d)
		center := tile12.Bound().Min // the block's top left corner is near it
		center = orb.Point{center[0] + 50*tc.d, tile12.Bound().Max[1] - 50*tc.d}
		for _, z := range []uint32{12, 14, 16} {
			t.Run(fmt.Sprintf("%s/z%d", tc.name, z), func(t *testing.T) {
				tile := tileAt(center, z)
				if z == 12 && tile != tile12 {
					t.Fatalf("the block is not in tile %v", tile12)
				}
				data, err := s.Render(z, tile.X, tile.Y)
				if err != nil {
					t.Fatal(err)
				}
				if len(data) > MaxTileBytes {
					t.Errorf("tile %v is %d bytes", tile, len(data))
				}
				problems, counts := checkTile(data)
				for _, p := range problems {
					t.Errorf("tile %v: %s", tile, p)
				}
				ls := decode(t, s, tile)
				diff, err := compareChains(ls, string(geo.Grid), string(geo.Village))
				if err != nil || diff != 0 {
					t.Errorf("tile %v: %d unit edges differ (%v): gaps after coarsening", tile, diff, err)
				}
				_, named := firstFeature(t, ls, string(geo.Grid)).Properties["name"]
				t.Logf("%d bytes, %d squares, names kept: %v", len(data), counts[string(geo.Grid)], named)
				if named != tc.named[z] {
					t.Errorf("names kept = %v, want %v", named, tc.named[z])
				}
				if z == 12 && named && counts[string(geo.Grid)] >= 10000 {
					t.Errorf("all %d squares drawn in %d bytes with their names?", counts[string(geo.Grid)], len(data))
				}
			})
		}
	}
}

// TestTooLargeNeighbourTilesValid: the tiles around a coarsened one are valid too.
func TestTooLargeNeighbourTilesValid(t *testing.T) {
	s, c := denseSet(t, 100, 1.0/2048)
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			tile := maptile.New(uint32(int(c.X)+dx), uint32(int(c.Y)+dy), 12)
			data, err := s.Render(12, tile.X, tile.Y)
			if err != nil {
				t.Fatalf("tile %v: %v", tile, err)
			}
			if len(data) > MaxTileBytes {
				t.Errorf("tile %v: %d bytes", tile, len(data))
			}
			problems, _ := checkTile(data)
			for _, p := range problems {
				t.Errorf("tile %v: %s", tile, p)
			}
		}
	}
}
