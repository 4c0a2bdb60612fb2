package bench

import (
	"fmt"
	"math/rand"
	"strings"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/tiles"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// A dashboard session opens on the county (z8-z10), goes down to a town or a village
// (z11-z12) and spends most of its requests panning over grids, courtyards and households
// (z12-z16): the mix draws zooms with these weights.
var tileZoomWeights = []struct{ z, weight int }{
	{8, 1}, {9, 1}, {10, 1}, {11, 2}, {12, 3}, {13, 3}, {14, 3}, {15, 3}, {16, 3},
}

// anchorShare is the share of the mix drawn around grids (where people look); the rest
// falls anywhere in the box, as panning over the edge of the data does.
const anchorShare = 0.7

// gridAnchors returns the label points of up to n grids drawn at random (with their
// boundary): the places a session's tiles gather around. Only the drawn grids are labelled,
// since a label point costs tens of µs.
func gridAnchors(units []geo.Unit, n int, seed int64) []orb.Point {
	var grids []int
	for i, u := range units {
		if u.Level == geo.Grid && len(u.Geom) > 0 {
			grids = append(grids, i)
		}
	}
	if len(grids) == 0 {
		return nil
	}
	r := rand.New(rand.NewSource(seed))
	out := make([]orb.Point, min(n, len(grids)))
	for i := range out {
		out[i] = tiles.LabelPoint(units[grids[r.Intn(len(grids))]].Geom)
	}
	return out
}

// tileMix draws n tiles of a dashboard session: zooms by tileZoomWeights, a share
// anchorShare around the anchors and the rest at random points of the box (west, south,
// east, north). The same arguments give the same tiles.
func tileMix(anchors []orb.Point, box [4]float64, n int, seed int64) []maptile.Tile {
	r := rand.New(rand.NewSource(seed))
	total := 0
	for _, w := range tileZoomWeights {
		total += w.weight
	}
	out := make([]maptile.Tile, n)
	for i := range out {
		var p orb.Point
		if len(anchors) > 0 && r.Float64() < anchorShare {
			p = anchors[r.Intn(len(anchors))]
		} else {
			p = orb.Point{box[0] + r.Float64()*(box[2]-box[0]), box[1] + r.Float64()*(box[3]-box[1])}
		}
		pick := r.Intn(total)
		z := tileZoomWeights[len(tileZoomWeights)-1].z
		for _, w := range tileZoomWeights {
			if pick < w.weight {
				z = w.z
				break
			}
			pick -= w.weight
		}
		out[i] = maptile.At(p, maptile.Zoom(z))
	}
	return out
}

// distinctTiles returns the tiles in the order they first appear, each once.
func distinctTiles(ts []maptile.Tile) []maptile.Tile {
	seen := make(map[maptile.Tile]bool, len(ts))
	var out []maptile.Tile
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// coverTiles lists every tile of zoom z over b.
func coverTiles(b orb.Bound, z maptile.Zoom) []maptile.Tile {
	lo := maptile.At(orb.Point{b.Min[0], b.Max[1]}, z) // north-west: the smallest x and y
	hi := maptile.At(orb.Point{b.Max[0], b.Min[1]}, z)
	var out []maptile.Tile
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			out = append(out, maptile.New(x, y, z))
		}
	}
	return out
}

// countAbove counts the tiles deeper than zoom z.
func countAbove(ts []maptile.Tile, z maptile.Zoom) int {
	n := 0
	for _, t := range ts {
		if t.Z > z {
			n++
		}
	}
	return n
}

// zoomCounts says how many tiles there are of each zoom: "z8 3, z9 5, ...".
func zoomCounts(ts []maptile.Tile) string {
	var counts [tiles.MaxZoom + 1]int
	for _, t := range ts {
		counts[t.Z]++
	}
	var parts []string
	for z, n := range counts {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("z%d %d", z, n))
		}
	}
	return strings.Join(parts, ", ")
}
