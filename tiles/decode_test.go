package tiles

import (
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// decode renders a tile and decodes it with orb's MVT decoder (an implementation
// independent of this package's encoder); the coordinates stay tile coordinates.
func decode(t testing.TB, s *Set, tile maptile.Tile) mvt.Layers {
	t.Helper()
	data, err := s.Render(uint32(tile.Z), tile.X, tile.Y)
	if err != nil {
		t.Fatalf("Render %v: %v", tile, err)
	}
	if len(data) == 0 {
		return nil
	}
	ls, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatalf("tile %v does not decode: %v", tile, err)
	}
	return ls
}

func layerOf(ls mvt.Layers, name string) *mvt.Layer {
	for _, l := range ls {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// firstFeature returns the first feature of the named layer, and fails the test (rather than
// panic and hide the package's other results) when the tile has no such layer or it is empty.
func firstFeature(t testing.TB, ls mvt.Layers, name string) *geojson.Feature {
	t.Helper()
	l := layerOf(ls, name)
	if l == nil || len(l.Features) == 0 {
		t.Fatalf("no %s feature in the tile (layers %v)", name, names(ls))
	}
	return l.Features[0]
}
