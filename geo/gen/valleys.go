package gen

import (
	"fmt"
	"math"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb"
)

// valleys draws a few 沟域: each a meandering walk of a few kilometres from a pixel of a rural
// town, widened to a band of a couple of hundred metres, clipped to the county's pixels and
// traced like the units. A valley may run across grids, villages and towns.
func (b *builder) valleys() {
	r := newRNG(b.opt.Seed, saltValleys)
	var rural []int
	for t, tw := range b.towns {
		if !tw.urban {
			rural = append(rural, t)
		}
	}
	if len(rural) == 0 {
		for t := range b.towns {
			rural = append(rural, t)
		}
	}
	pixKm := b.lat.p * 100 // about 100 km a degree at these latitudes
	names := map[string]bool{}
	for n := 0; n < max(3, len(rural)*2/5); n++ {
		tw := b.towns[rural[r.intn(len(rural))]]
		start := b.seg[tw.start+r.intn(tw.end-tw.start)]
		walk := b.walk(r, start, int(r.between(2.5, 7)/pixKm))
		rad := max(1, int(math.Round(r.between(0.08, 0.2)/pixKm)))
		name := placeName(r) + "沟"
		for names[name] {
			name = placeName(r) + "沟"
		}
		names[name] = true
		b.valleyFeatures = append(b.valleyFeatures, geo.Feature{
			ID: fmt.Sprintf("valley-%s-%03d", b.out.Code, n+1), Layer: geo.Valley, Name: name,
			CountyCode: b.out.Code, Geom: b.band(walk, rad), Attrs: map[string]any{"generated": true},
		})
	}
}

func (b *builder) inCounty(i, j int) bool {
	return i >= 0 && j >= 0 && i < b.lat.w && j < b.lat.h && b.lab[j*b.lat.w+i] >= 0
}

// walk returns a 4-connected path of about length pixels of the county from start, heading in
// a slowly turning direction and turning away where it meets the outline.
func (b *builder) walk(r *rng, start int32, length int) [][2]int {
	i, j := int(start)%b.lat.w, int(start)/b.lat.w
	path := [][2]int{{i, j}}
	x, y := float64(i)+0.5, float64(j)+0.5
	theta := r.between(0, 2*math.Pi)
	for t := 0; t < 4*length && len(path) < length; t++ {
		theta += r.between(-0.15, 0.15)
		nx, ny := x+math.Cos(theta), y+math.Sin(theta)
		ni, nj := int(math.Floor(nx)), int(math.Floor(ny))
		if !b.inCounty(ni, nj) {
			theta += math.Pi/2 + r.between(-0.5, 0.5)
			continue
		}
		if ni != i && nj != j { // a diagonal step: go through a shared neighbour
			switch {
			case b.inCounty(ni, j):
				path = append(path, [2]int{ni, j})
			case b.inCounty(i, nj):
				path = append(path, [2]int{i, nj})
			default:
				theta += math.Pi / 2
				continue
			}
		}
		if ni != i || nj != j {
			path = append(path, [2]int{ni, nj})
		}
		x, y, i, j = nx, ny, ni, nj
	}
	return path
}

// deepPixel reports whether pixel (i, j) and its eight neighbours are the county's.
func (b *builder) deepPixel(i, j int) bool {
	for y := j - 1; y <= j+1; y++ {
		for x := i - 1; x <= i+1; x++ {
			if !b.inCounty(x, y) {
				return false
			}
		}
	}
	return true
}

// band widens a path by rad pixels each way, keeps the county's deep pixels and traces the result
// on a small raster of its own, into a curved outline.
func (b *builder) band(path [][2]int, rad int) orb.Geometry {
	i0, j0, i1, j1 := path[0][0], path[0][1], path[0][0], path[0][1]
	for _, p := range path {
		i0, j0, i1, j1 = min(i0, p[0]), min(j0, p[1]), max(i1, p[0]), max(j1, p[1])
	}
	i0, j0, i1, j1 = i0-rad, j0-rad, i1+rad, j1+rad
	w, h := i1-i0+1, j1-j0+1
	lab := make([]int32, w*h)
	for k := range lab {
		lab[k] = -1
	}
	for _, p := range path {
		for j := p[1] - rad; j <= p[1]+rad; j++ {
			for i := p[0] - rad; i <= p[0]+rad; i++ {
				if b.deepPixel(i, j) {
					lab[(j-j0)*w+i-i0] = 0
				}
			}
		}
	}
	// Simplified like the units, but growing by less than valleyOutward, so the valley stays
	// inside the county (its pixels are a pixel inside the county's outline).
	arcs := traceArcs(w, h, lab)
	side := make([]int8, len(arcs))
	for k, a := range arcs {
		side[k] = 1
		if a.left == 0 {
			side[k] = -1
		}
	}
	pts := newSimplifier(arcs, simplifyTol, side, valleyOutward).run()
	rings := regionRings(arcs, pts, 1, func(l int32) int32 { return l })[0]
	for _, r := range rings {
		for k := range r {
			r[k].X += int32(i0)
			r[k].Y += int32(j0)
		}
	}
	mp := b.lat.multiPolygon(rings)
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}
