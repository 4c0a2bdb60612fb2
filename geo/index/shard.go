package index

import (
	"math"
	"slices"

	"github.com/gridmap/gridmap/geo"
)

// unitsPerShard is the number of units a shard aims at. An edit rebuilds only the shards its
// old and new boxes touch, so this bounds the work per edit (a few tens of milliseconds)
// whatever the size of the layer; lookups pay one more division to find the shard.
const unitsPerShard = 512

// shardMargin widens each shard, as a fraction of its side, when deciding which units belong
// to it, so that rounding in the shard of a point never loses a unit.
const shardMargin = 1e-7

// levelIndex indexes the units of one level: its extent is cut into a grid of shards, each an
// independent layer over the units whose boxes touch the shard. A unit that straddles shards
// is indexed in each of them, clipped to the shard.
type levelIndex struct {
	level                  geo.Level
	minX, minY, maxX, maxY float64
	nx, ny                 int
	invW, invH             float64  // shards per degree
	sw, sh                 float64  // shard sides in degrees
	shards                 []*layer // nil where no unit reaches
}

// boxOf returns a unit's bounding box (minX, minY, maxX, maxY); empty (min > max) without
// geometry.
func boxOf(u *geo.Unit) [4]float64 {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, poly := range u.Geom {
		for _, ring := range poly {
			for _, p := range ring {
				b[0], b[1] = min(b[0], p[0]), min(b[1], p[1])
				b[2], b[3] = max(b[2], p[0]), max(b[3], p[1])
			}
		}
	}
	return b
}

func boxEmpty(b [4]float64) bool { return !(b[0] <= b[2] && b[1] <= b[3]) }

func boxesMeet(a, b [4]float64) bool {
	return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

// newLevelIndex indexes units of one level, sorted by code, whose chains are given by chainOf.
func newLevelIndex(level geo.Level, units []*geo.Unit, chainOf func(*geo.Unit) (geo.Chain, error)) (*levelIndex, error) {
	li := &levelIndex{level: level}
	li.minX, li.minY = math.Inf(1), math.Inf(1)
	li.maxX, li.maxY = math.Inf(-1), math.Inf(-1)
	boxes := make([][4]float64, len(units))
	n := 0
	for i, u := range units {
		b := boxOf(u)
		boxes[i] = b
		if boxEmpty(b) {
			continue
		}
		n++
		li.minX, li.minY = min(li.minX, b[0]), min(li.minY, b[1])
		li.maxX, li.maxY = max(li.maxX, b[2]), max(li.maxY, b[3])
	}
	if n == 0 {
		return nil, nil
	}
	w, h := max(li.maxX-li.minX, 1e-9), max(li.maxY-li.minY, 1e-9)
	count := max(1, n/unitsPerShard)
	side := math.Sqrt(w * h / float64(count))
	li.nx = max(1, int(math.Round(w/side)))
	li.ny = max(1, int(math.Round(h/side)))
	li.sw, li.sh = w/float64(li.nx), h/float64(li.ny)
	li.invW, li.invH = float64(li.nx)/w, float64(li.ny)/h

	members := make([][]*geo.Unit, li.nx*li.ny)
	for i, u := range units {
		if boxEmpty(boxes[i]) {
			continue
		}
		x0, y0, x1, y1 := li.shardRange(boxes[i])
		for sy := y0; sy <= y1; sy++ {
			for sx := x0; sx <= x1; sx++ {
				s := sy*li.nx + sx
				members[s] = append(members[s], u)
			}
		}
	}
	li.shards = make([]*layer, len(members))
	for s, us := range members {
		ly, err := li.buildShard(s, us, chainOf)
		if err != nil {
			return nil, err
		}
		li.shards[s] = ly
	}
	return li, nil
}

// shardRange returns the shards a box touches (widened by the margin), clamped to the grid.
func (li *levelIndex) shardRange(b [4]float64) (x0, y0, x1, y1 int) {
	f := func(v, origin, inv float64, n int, m float64) int {
		return min(max(int(math.Floor((v-origin)*inv+m)), 0), n-1)
	}
	return f(b[0], li.minX, li.invW, li.nx, -shardMargin), f(b[1], li.minY, li.invH, li.ny, -shardMargin),
		f(b[2], li.minX, li.invW, li.nx, shardMargin), f(b[3], li.minY, li.invH, li.ny, shardMargin)
}

// rect returns shard s's area, widened by the margin.
func (li *levelIndex) rect(s int) [4]float64 {
	sx, sy := float64(s%li.nx), float64(s/li.nx)
	mx, my := li.sw*shardMargin, li.sh*shardMargin
	return [4]float64{li.minX + sx*li.sw - mx, li.minY + sy*li.sh - my,
		li.minX + (sx+1)*li.sw + mx, li.minY + (sy+1)*li.sh + my}
}

// contains reports whether a box lies within the level's extent, so that its units can be
// placed in existing shards.
func (li *levelIndex) contains(b [4]float64) bool {
	return b[0] >= li.minX && b[1] >= li.minY && b[2] <= li.maxX && b[3] <= li.maxY
}

// buildShard indexes the units of shard s (sorted by code), clipped to the shard.
func (li *levelIndex) buildShard(s int, units []*geo.Unit, chainOf func(*geo.Unit) (geo.Chain, error)) (*layer, error) {
	if len(units) == 0 {
		return nil, nil
	}
	r := li.rect(s)
	ly, err := buildLayer(units, &r)
	if err != nil || ly.n == 0 {
		return nil, err
	}
	ly.codes = make([]string, len(units))
	ly.chains = make([]geo.Chain, len(units))
	for i, u := range units {
		ly.codes[i] = u.Code
		if ly.chains[i], err = chainOf(u); err != nil {
			return nil, err
		}
	}
	return ly, nil
}

// find returns the shard and the index in it of the first unit, in code order, that covers
// x, y, or nil.
func (li *levelIndex) find(x, y float64) (*layer, int) {
	if !(x >= li.minX && x <= li.maxX && y >= li.minY && y <= li.maxY) {
		return nil, -1
	}
	sx := int((x - li.minX) * li.invW)
	if sx >= li.nx {
		sx = li.nx - 1
	}
	sy := int((y - li.minY) * li.invH)
	if sy >= li.ny {
		sy = li.ny - 1
	}
	ly := li.shards[sy*li.nx+sx]
	if ly == nil {
		return nil, -1
	}
	if i := ly.find(x, y); i >= 0 {
		return ly, i
	}
	return nil, -1
}

// withShards returns a copy of li whose shards are replaced where repl has them; li is
// unchanged, so readers of the old index are undisturbed.
func (li *levelIndex) withShards(repl map[int]*layer) *levelIndex {
	n := *li
	n.shards = slices.Clone(li.shards)
	for s, ly := range repl {
		n.shards[s] = ly
	}
	return &n
}
