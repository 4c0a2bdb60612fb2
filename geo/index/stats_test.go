package index

import (
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// One square unit over its whole layer: the 64×64 cells of the smallest grid, of which only
// the ring of cells along its edges has a boundary; the 62×62 inside are whole cells.
func TestStatsCountsWholeCells(t *testing.T) {
	ix, err := Build([]geo.Unit{{Code: "520204", Name: "C", Level: geo.County,
		Geom: orb.MultiPolygon{{square(0, 0, 1, 1)}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := ix.Stats()
	if len(st) != 1 {
		t.Fatalf("want one level, got %+v", st)
	}
	if s := st[0]; s.Cells != 64*64 || s.WholeCells != 62*62 || s.Units != 1 || s.Shards != 1 {
		t.Fatalf("stats %+v: want 4096 cells, 3844 of them whole, one unit in one shard", s)
	}
}
