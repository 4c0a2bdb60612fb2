package gen

import (
	"fmt"
	"math"
	"sort"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// growTowns grows the towns inside the county. The 街道 (urban subdistricts) are seeded close
// together around one urban centre, so they come out small and packed; the other towns are
// spread over the rest, those with more villages starting a little earlier (larger).
func (b *builder) growTowns() error {
	r := newRNG(b.opt.Seed, saltTowns)
	T, N := len(b.towns), len(b.seg)
	sp := math.Sqrt(float64(N) / float64(T))
	var urban, rural []int
	maxV := 0
	for t, tw := range b.towns {
		if tw.urban {
			urban = append(urban, t)
		} else {
			rural = append(rural, t)
		}
		maxV = max(maxV, len(tw.villages))
	}
	var urbanSeeds []int32
	if len(urban) > 0 {
		radius := math.Sqrt(float64(len(urban)) * sp * sp * 0.35 / math.Pi)
		centre := b.urbanCentre(r, radius)
		ci, cj := float64(int(centre)%b.lat.w), float64(int(centre)/b.lat.w)
		for {
			var disc []int32
			for _, k := range b.seg {
				di, dj := float64(int(k)%b.lat.w)-ci, float64(int(k)/b.lat.w)-cj
				if di*di+dj*dj <= radius*radius {
					disc = append(disc, k)
				}
			}
			if len(disc) >= 4*len(urban) || len(disc) == N {
				urbanSeeds = b.lat.spread(r, disc, len(urban), nil)
				break
			}
			radius *= 1.5
		}
	}
	ruralSeeds := b.lat.spread(r, b.seg, len(rural), urbanSeeds)
	seeds := make([]int32, T)
	delay := make([]int, T)
	for k, t := range urban {
		seeds[t] = urbanSeeds[k]
		delay[t] = int(sp * avgW * 0.1 * r.float())
	}
	for k, t := range rural {
		seeds[t] = ruralSeeds[k]
		delay[t] = int(sp * avgW * 0.3 * r.float() * (1 - 0.6*float64(len(b.towns[t].villages))/float64(maxV)))
	}
	b.dir = make([]uint8, len(b.lab))
	b.meets = map[[2]int32][2]int32{}
	g := &grower{l: &b.lat, lab: b.lab, buckets: &b.buckets, key: b.noiseKey(0, 0), cell: max(2, int(sp/3)), dir: b.dir,
		meet: func(a, c, p, q int32) {
			key, pair := [2]int32{a, c}, [2]int32{p, q}
			if a > c {
				key, pair = [2]int32{c, a}, [2]int32{q, p}
			}
			if _, ok := b.meets[key]; !ok {
				b.meets[key] = pair
			}
		}}
	g.grow(b.seg, 0, seeds, 1, delay)
	off := groupBy(b.seg, b.buf, T, func(k int32) int { return int(b.lab[k] - 1) })
	for t := range b.towns {
		b.towns[t].seed, b.towns[t].start, b.towns[t].end = seeds[t], off[t], off[t+1]
		if off[t] == off[t+1] {
			return geo.Errorf(geo.Internal, "town %s got no pixels", b.towns[t].code)
		}
	}
	return nil
}

// urbanCentre picks a county pixel at least 1.2 radius from the outline along the four axes,
// the deepest of a few random ones when none is that deep.
func (b *builder) urbanCentre(r *rng, radius float64) int32 {
	want := int(1.2*radius) + 1
	best, bestDepth := b.seg[0], -1
	for t := 0; t < 40; t++ {
		k := b.seg[r.intn(len(b.seg))]
		i, j := int(k)%b.lat.w, int(k)/b.lat.w
		depth := want
		for _, st := range step {
			for d := 1; d < depth; d++ {
				ni, nj := i+st[0]*d, j+st[1]*d
				if ni < 0 || nj < 0 || ni >= b.lat.w || nj >= b.lat.h || b.lab[nj*b.lat.w+ni] != 0 {
					depth = d
					break
				}
			}
		}
		if depth > bestDepth {
			best, bestDepth = k, depth
		}
		if depth >= want {
			break
		}
	}
	return best
}

// roads joins neighbouring towns' seats: a spanning tree of the towns that touch (shortest
// links first) plus a few more links. Each road runs from one seat along the growth's
// shortest-path forest to where the two towns first met, and on to the other seat, through
// pixel centres of the county, so it stays inside the county.
func (b *builder) roads() {
	r := newRNG(b.opt.Seed, saltFeatures, 1)
	keys := make([][2]int32, 0, len(b.meets))
	for k := range b.meets {
		keys = append(keys, k)
	}
	dist := func(k [2]int32) float64 {
		p, q := b.lat.centre(b.towns[k[0]-1].seed), b.lat.centre(b.towns[k[1]-1].seed)
		return math.Hypot(p[0]-q[0], p[1]-q[1])
	}
	sort.Slice(keys, func(i, j int) bool {
		di, dj := dist(keys[i]), dist(keys[j])
		if di != dj {
			return di < dj
		}
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	root := make([]int, len(b.towns)+1)
	for k := range root {
		root[k] = k
	}
	find := func(x int) int {
		for root[x] != x {
			root[x] = root[root[x]]
			x = root[x]
		}
		return x
	}
	var chosen [][2]int32
	for _, k := range keys {
		a, c := find(int(k[0])), find(int(k[1]))
		if a != c || r.float() < 0.2 {
			root[a] = c
			chosen = append(chosen, k)
		}
	}
	sort.Slice(chosen, func(i, j int) bool {
		return chosen[i][0] < chosen[j][0] || chosen[i][0] == chosen[j][0] && chosen[i][1] < chosen[j][1]
	})
	for n, k := range chosen {
		ta, tb := b.towns[k[0]-1], b.towns[k[1]-1]
		meet := b.meets[k]
		path := b.pathToSeed(meet[0])
		for x, y := 0, len(path)-1; x < y; x, y = x+1, y-1 {
			path[x], path[y] = path[y], path[x]
		}
		path = append(path, b.pathToSeed(meet[1])...)
		b.roadFeatures = append(b.roadFeatures, geo.Feature{
			ID: fmt.Sprintf("road-%s-%03d", b.out.Code, n+1), Layer: geo.Road, Name: ta.short + "至" + tb.short + "路",
			CountyCode: b.out.Code, Geom: b.lineThrough(path),
			Attrs: map[string]any{"generated": true, "from": ta.code, "to": tb.code},
		})
	}
	b.dir, b.meets = nil, nil
}

// pathToSeed follows the town growth's forest from pixel k back to its town's seed.
func (b *builder) pathToSeed(k int32) []int32 {
	path := []int32{k}
	for b.dir[k] != 4 {
		st := step[b.dir[k]]
		k += int32(st[0] + st[1]*b.lat.w)
		path = append(path, k)
	}
	return path
}

// lineThrough returns the road along a 4-connected pixel path: the line through the pixel
// centres, simplified (Douglas–Peucker, up to simplifyTol pixels) into a line at any angle.
// A shortcut is taken only where every point of it lies in a pixel whose 3×3 neighbourhood is
// all county, so the road stays strictly inside the county (whose outline only grows when it
// is simplified); steps between neighbouring pixels always are.
func (b *builder) lineThrough(path []int32) orb.LineString {
	if len(path) == 1 {
		c := b.lat.centre(path[0])
		return orb.LineString{c, c} // a degenerate road of one pixel; never for real towns
	}
	// Pixel centres in half pixels, so they are integers.
	hp := make([]pt, len(path))
	for k, q := range path {
		hp[k] = pt{int32(2*(int(q)%b.lat.w) + 1), int32(2*(int(q)/b.lat.w) + 1)}
	}
	keep := []int{0}
	var dp func(i, j int)
	dp = func(i, j int) {
		if j-i < 2 {
			keep = append(keep, j)
			return
		}
		k, far := i+1, -1.0
		for m := i + 1; m < j; m++ {
			if d := segDist(hp[m], hp[i], hp[j]); d > far {
				k, far = m, d
			}
		}
		if far <= 2*simplifyTol && hp[i] != hp[j] && b.deepInCounty(hp[i], hp[j]) {
			keep = append(keep, j)
			return
		}
		dp(i, k)
		dp(k, j)
	}
	dp(0, len(hp)-1)
	ls := make(orb.LineString, len(keep))
	for n, k := range keep {
		ls[n] = orb.Point{b.lat.subX(int(hp[k].X), 2), b.lat.subY(int(hp[k].Y), 2)}
	}
	return ls
}

// deepInCounty reports whether the segment between two points in half pixels runs only
// through pixels whose 3×3 neighbourhood is all county, checked every sixteenth of a pixel.
func (b *builder) deepInCounty(p, q pt) bool {
	n := int(32 * math.Hypot(float64(q.X-p.X), float64(q.Y-p.Y)))
	for s := 0; s <= n; s++ {
		f := float64(s) / float64(max(n, 1))
		i := int(math.Floor((float64(p.X) + f*float64(q.X-p.X)) / 2))
		j := int(math.Floor((float64(p.Y) + f*float64(q.Y-p.Y)) / 2))
		if !b.deepPixel(i, j) {
			return false
		}
	}
	return true
}
