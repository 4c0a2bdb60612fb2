package tiles

import (
	"fmt"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
)

// The tiling check. The boundary of a set of polygons, taken as a sum of directed edges
// (a 1-chain), determines the polygons' winding number everywhere. If the grids' rings,
// summed, give exactly the villages' rings, then at every point the number of grids covering
// it equals the number of villages covering it (0 or 1): the grids have no gap and no
// overlap after simplification, and every edge two grids share is drawn identically on both
// sides (or it would not cancel). Edges run at any angle; each is cut into its primitive
// lattice steps (the edge's vector divided by the gcd of its components), so that an edge
// drawn as one segment on one side and as two on the other (a vertex of a third polygon
// lying exactly on it) still compares equal: every lattice point on a segment is the end of
// one of its steps.

type unitEdge struct{ x, y, dx, dy int } // from (x,y) one primitive step (dx,dy), dx > 0 or dx == 0 < dy

// chain adds the rings of the polygons of layer l to sum, with the sign of their
// direction.
func chain(l *mvt.Layer, sum map[unitEdge]int) error {
	if l == nil {
		return nil
	}
	for _, f := range l.Features {
		var polys []orb.Polygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			polys = []orb.Polygon{g}
		case orb.MultiPolygon:
			polys = g
		default:
			return fmt.Errorf("feature %v: %T", f.Properties["code"], g)
		}
		for _, p := range polys {
			for _, r := range p {
				for i := 0; i+1 < len(r); i++ {
					if err := addEdge(sum, r[i], r[i+1]); err != nil {
						return fmt.Errorf("feature %v: %v", f.Properties["code"], err)
					}
				}
			}
		}
	}
	return nil
}

func addEdge(sum map[unitEdge]int, a, b orb.Point) error {
	ax, ay, bx, by := int(a[0]), int(a[1]), int(b[0]), int(b[1])
	if float64(ax) != a[0] || float64(ay) != a[1] || float64(bx) != b[0] || float64(by) != b[1] {
		return fmt.Errorf("edge %v-%v is off the tile's integer lattice", a, b)
	}
	dx, dy := bx-ax, by-ay
	g := gcd(abs(dx), abs(dy))
	if g == 0 {
		return nil // a repeated point
	}
	dx, dy = dx/g, dy/g
	sign := 1
	if dx < 0 || dx == 0 && dy < 0 { // walk it the other way, from b, and count it negative
		ax, ay, dx, dy, sign = bx, by, -dx, -dy, -1
	}
	for k := 0; k < g; k++ {
		sum[unitEdge{ax + k*dx, ay + k*dy, dx, dy}] += sign
	}
	return nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// compareChains returns how many unit edges differ between the children's and the
// parents' chains.
func compareChains(ls mvt.Layers, child, parent string) (int, error) {
	c, p := map[unitEdge]int{}, map[unitEdge]int{}
	if err := chain(layerOf(ls, child), c); err != nil {
		return 0, err
	}
	if err := chain(layerOf(ls, parent), p); err != nil {
		return 0, err
	}
	diff := 0
	for e, n := range c {
		if p[e] != n {
			diff++
		}
	}
	for e, n := range p {
		if c[e] != n {
			diff++
		}
	}
	return diff, nil
}

func TestNeighboursShareEdges(t *testing.T) {
	c, s := loadSample(t)
	for _, tc := range []struct {
		child, parent string
		level         geo.Level // where to sample tiles
		zooms         []uint32
	}{
		{string(geo.Grid), string(geo.Village), geo.Grid, []uint32{12, 13, 14, 15, 16}},
		{string(geo.Village), string(geo.Town), geo.Village, []uint32{9, 10, 11, 12}},
		{string(geo.Town), string(geo.County), geo.Town, []uint32{6, 7, 8, 9}},
	} {
		for _, z := range tc.zooms {
			t.Run(fmt.Sprintf("%s-in-%s/z%d", tc.child, tc.parent, z), func(t *testing.T) {
				for _, tile := range sampleTiles(c, tc.level, z, 12, int64(z)) {
					ls := decode(t, s, tile)
					if layerOf(ls, tc.child) == nil {
						t.Fatalf("tile %v has no %s layer", tile, tc.child)
					}
					diff, err := compareChains(ls, tc.child, tc.parent)
					if err != nil {
						t.Fatalf("tile %v: %v", tile, err)
					}
					if diff != 0 {
						t.Errorf("tile %v: %d unit edges of the %s differ from their %s: gaps or overlaps", tile, diff, tc.child, tc.parent)
					}
				}
			})
		}
	}
}

// TestChainCheckCanFail moves one vertex of one grid by a unit, as an independent
// simplification of two neighbours would, and expects the check to see it.
func TestChainCheckCanFail(t *testing.T) {
	c, s := loadSample(t)
	tile := sampleTiles(c, geo.Grid, 14, 1, 3)[0]
	ls := decode(t, s, tile)
	g := layerOf(ls, string(geo.Grid))
	if g == nil || len(g.Features) == 0 {
		t.Fatalf("no grid in tile %v", tile)
	}
	poly := firstPolygon(g.Features[len(g.Features)/2].Geometry)
	r := poly[0]
	// Shift a vertex strictly inside the tile one unit sideways: its two edges move, and a
	// sliver opens (or an overlap) between this grid and its neighbour.
	moved := false
	for i := 1; i+1 < len(r) && !moved; i++ {
		v := r[i]
		if v[0] <= 0 || v[0] >= Extent || v[1] <= 0 || v[1] >= Extent {
			continue
		}
		r[i][0]++
		moved = true
	}
	if !moved {
		t.Fatalf("no vertex to move in %v", r)
	}
	diff, err := compareChains(ls, string(geo.Grid), string(geo.Village))
	if err != nil {
		t.Fatal(err)
	}
	if diff == 0 {
		t.Errorf("a moved edge is not detected")
	}
}

func firstPolygon(g orb.Geometry) orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return g
	case orb.MultiPolygon:
		return g[0]
	}
	return nil
}
