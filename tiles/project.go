package tiles

import (
	"math"

	"github.com/paulmach/orb"
)

// World coordinates are Web Mercator positions as 32-bit fixed-point fractions of the world
// square, x growing east and y growing south as in tile coordinates. Projecting once, when a
// feature enters a Set, keeps the logarithms out of Render; 32 bits halve the memory of
// float64 pairs and still give every pixel of a zoom-20 tile its own value.

// wpt is a point in world coordinates.
type wpt struct{ x, y uint32 }

// maxLat is where Web Mercator's square ends.
const maxLat = 85.05112877980659

const worldSize = 1 << 32

func lonToWorld(lon float64) uint32 {
	return toU32((lon + 180) / 360 * worldSize)
}

func latToWorld(lat float64) uint32 {
	lat = max(-maxLat, min(maxLat, lat))
	s := math.Sin(lat * math.Pi / 180)
	y := 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
	return toU32(y * worldSize)
}

// toU32 rounds v to the nearest world unit, clamped to the square.
func toU32(v float64) uint32 {
	v = math.Floor(v + 0.5)
	if v <= 0 {
		return 0
	}
	if v >= worldSize-1 {
		return worldSize - 1
	}
	return uint32(v)
}

// wbox is a closed box in world coordinates. int64 leaves room for a tile's buffer beyond
// the edges of the world.
type wbox struct{ x0, y0, x1, y1 int64 }

func (a wbox) intersects(b wbox) bool {
	return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1
}

func (a wbox) empty() bool { return a.x0 > a.x1 || a.y0 > a.y1 }

func (a wbox) union(b wbox) wbox {
	switch {
	case b.empty():
		return a
	case a.empty():
		return b
	}
	return wbox{min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1), max(a.y1, b.y1)}
}

var emptyWBox = wbox{1, 1, 0, 0}

func (a wbox) extend(p wpt) wbox {
	if a.empty() {
		return wbox{int64(p.x), int64(p.y), int64(p.x), int64(p.y)}
	}
	return wbox{min(a.x0, int64(p.x)), min(a.y0, int64(p.y)), max(a.x1, int64(p.x)), max(a.y1, int64(p.y))}
}

// boundToWorld projects a lon/lat bound. The projection is monotonic, so the box holds the
// projection of every point of the bound, rounded the same way as feature vertices: the
// cache's invalidation and Render's selection of features agree exactly.
func boundToWorld(b orb.Bound) wbox {
	if b.IsEmpty() {
		return emptyWBox
	}
	return wbox{int64(lonToWorld(b.Min[0])), int64(latToWorld(b.Max[1])), int64(lonToWorld(b.Max[0])), int64(latToWorld(b.Min[1]))}
}

// tileBox is the area of tile z/x/y with its render buffer, in world coordinates. Render
// draws exactly the features whose box meets it, and Cache.Invalidate drops exactly the
// tiles whose box meets the changed area, so both use this one function.
func tileBox(z, x, y uint32) wbox {
	size := int64(1) << (32 - z)
	buf := size * Buffer / Extent
	return wbox{int64(x)*size - buf, int64(y)*size - buf, int64(x+1)*size + buf, int64(y+1)*size + buf}
}

// tileRange returns the tiles of zoom z whose tileBox may meet b (a superset; callers test
// each with tileBox), clamped to the world. ok is false when there are none.
func tileRange(z uint32, b wbox) (x0, y0, x1, y1 uint32, ok bool) {
	if b.empty() {
		return 0, 0, 0, 0, false
	}
	size := int64(1) << (32 - z)
	buf := size * Buffer / Extent
	n := int64(1) << z
	clamp := func(v int64) int64 { return max(0, min(n-1, v)) }
	lo := func(v int64) int64 { return floorDiv(v-buf, size) - 1 }
	hi := func(v int64) int64 { return floorDiv(v+buf, size) }
	ax0, ay0, ax1, ay1 := lo(b.x0), lo(b.y0), hi(b.x1), hi(b.y1)
	if ax1 < 0 || ay1 < 0 || ax0 >= n || ay0 >= n {
		return 0, 0, 0, 0, false
	}
	return uint32(clamp(ax0)), uint32(clamp(ay0)), uint32(clamp(ax1)), uint32(clamp(ay1)), true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// unionBound is orb.Bound.Union that treats an empty bound as nothing at all.
func unionBound(a, b orb.Bound) orb.Bound {
	switch {
	case b.IsEmpty():
		return a
	case a.IsEmpty():
		return b
	}
	return orb.Bound{
		Min: orb.Point{min(a.Min[0], b.Min[0]), min(a.Min[1], b.Min[1])},
		Max: orb.Point{max(a.Max[0], b.Max[0]), max(a.Max[1], b.Max[1])},
	}
}

// emptyBound is the bound of nothing: IsEmpty reports true.
var emptyBound = orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}}
