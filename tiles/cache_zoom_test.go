package tiles

import (
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// worldToLonLat returns the lon/lat that projects to world position (wx, wy): the inverse
// of Web Mercator, exact to well under a world unit.
func worldToLonLat(wx, wy int64) orb.Point {
	const n = float64(worldSize)
	lon := float64(wx)/n*360 - 180
	lat := math.Atan(math.Sinh(math.Pi*(1-2*float64(wy)/n))) * 180 / math.Pi
	return orb.Point{lon, lat}
}

// inBufferedTile reports whether world position (wx, wy) lies on tile z/x/y or within its
// render buffer, 64/4096 of a tile beyond each edge (the tile's box closed on all sides).
func inBufferedTile(z, x, y uint32, wx, wy int64) bool {
	size := int64(1) << (32 - z)
	buf := size * 64 / 4096
	in := func(v, t int64) bool { return v >= t*size-buf && v <= (t+1)*size+buf }
	return in(wx, int64(x)) && in(wy, int64(y))
}

// An edit drops exactly the cached tiles whose area with the buffer holds it, at every zoom
// the cache keeps, z0 and MaxZoom included, and also a tile whose buffer alone reaches the
// edit: an edit just beyond a tile's edge, on each side, at each zoom.
func TestCacheInvalidateEveryZoomAndBuffer(t *testing.T) {
	center := orb.Point{104.85, 26.55}
	cx, cy := int64(lonToWorld(center[0])), int64(latToWorld(center[1]))
	type edit struct {
		name   string
		z      uint32 // the zoom of the tile the edit is next to
		wx, wy int64  // where the edit is, in world units
		target [2]uint32
	}
	var edits []edit
	for z := uint32(0); z <= MaxZoom; z++ {
		size := int64(1) << (32 - z)
		buf := size * 64 / 4096
		tx, ty := cx/size, cy/size
		if z == 0 {
			// The world tile has no neighbour to be next to: an edit anywhere is on it.
			edits = append(edits, edit{"z0 inside", z, cx, cy, [2]uint32{0, 0}})
			continue
		}
		mid := func(t int64) int64 { return t*size + size/2 + 1 }
		for _, e := range []edit{
			{"west", z, tx*size - buf/2, mid(ty), [2]uint32{}},
			{"east", z, (tx+1)*size + buf/2, mid(ty), [2]uint32{}},
			{"north", z, mid(tx), ty*size - buf/2, [2]uint32{}},
			{"south", z, mid(tx), (ty+1)*size + buf/2, [2]uint32{}},
		} {
			if e.wx < 0 || e.wy < 0 || e.wx >= worldSize || e.wy >= worldSize {
				continue // beyond the world's edge, where no edit can be
			}
			e.name = fmt.Sprintf("z%d %s", z, e.name)
			e.target = [2]uint32{uint32(tx), uint32(ty)}
			edits = append(edits, e)
		}
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			p := worldToLonLat(e.wx, e.wy)
			if gx, gy := int64(lonToWorld(p[0])), int64(latToWorld(p[1])); gx != e.wx || gy != e.wy {
				t.Fatalf("the edit at %v projects to %d,%d, not %d,%d", p, gx, gy, e.wx, e.wy)
			}
			// Every zoom holds the 5×5 tiles around the edit: more than a small edit spans,
			// so Invalidate looks tiles up one by one rather than scanning them.
			c := NewCache(1 << 30)
			var keys []Key
			for z := uint32(0); z <= MaxZoom; z++ {
				n := int64(1) << z
				size := int64(1) << (32 - z)
				for x := max(0, e.wx/size-2); x <= min(n-1, e.wx/size+2); x++ {
					for y := max(0, e.wy/size-2); y <= min(n-1, e.wy/size+2); y++ {
						k := Key{"public", z, uint32(x), uint32(y)}
						keys = append(keys, k)
						c.Put(k, []byte(fmt.Sprint(k)), 1)
					}
				}
			}
			target := Key{"public", e.z, e.target[0], e.target[1]}
			if e.z > 0 && !inBufferedTile(e.z, e.target[0], e.target[1], e.wx, e.wy) {
				t.Fatalf("the edit is not in the buffer of %v", target)
			}
			c.Invalidate("public", orb.Bound{Min: p, Max: p}, 2)

			wrong := 0
			for _, k := range keys {
				want := !inBufferedTile(k.Z, k.X, k.Y, e.wx, e.wy)
				if _, ok := c.Get(k); ok != want {
					if wrong++; wrong <= 5 {
						t.Errorf("tile %d/%d/%d: cached = %v after the edit, want %v", k.Z, k.X, k.Y, ok, want)
					}
				}
			}
			if wrong > 0 {
				t.Errorf("%d of %d tiles wrong", wrong, len(keys))
			}
			if _, ok := c.Get(target); ok {
				t.Errorf("tile %d/%d/%d, whose buffer holds the edit, is still cached", target.Z, target.X, target.Y)
			}
			if _, ok := c.Get(Key{"public", 0, 0, 0}); ok {
				t.Errorf("the z0 tile is still cached")
			}
			// A render from before the edit, finishing late, is not stored over it.
			c.Put(target, []byte("stale"), 1)
			if _, ok := c.Get(target); ok {
				t.Errorf("a render of generation 1 was stored after an invalidation of generation 2")
			}
		})
	}
}
