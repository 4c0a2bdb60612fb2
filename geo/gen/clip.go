package gen

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// A valid outline (the real one repaired with ST_MakeValid, data/sample/*-repaired.geojson)
// is the county's own geometry, and the units along the border are cut by it, so the border
// is the real one rather than a staircase of pixels. The subdivision inside stays the
// raster's: before the arcs are traced, the grid labels grow fringeWidth pixels out into the
// pixels outside the county (each outside pixel takes the label of the nearest grid, in
// raster order), so the grids' extended polygons tile a region that holds the whole outline
// with room to spare (the outline passes within a pixel of the county's pixels, whose centres
// it holds). Each unit near the border is then its extended polygon ∩ the outline, and the
// county is the extended county ∩ the outline: children still tile their parent, since ∩
// distributes over the tiling, and neighbours still meet on the same arc, cut at the same
// crossing with the outline.
//
// Cutting polygons takes a geometry engine, which the generator (pure computation, no
// database) cannot borrow from PostGIS: github.com/peterstace/simplefeatures is a maintained
// pure-Go one (MIT) whose overlay nodes both operands together and computes each crossing
// of two segments symmetrically, so two neighbours cut by the outline get the same crossing
// point. The generator uses it only for this ∩; the partition itself is still the raster's.

// fringeWidth is how many pixels the grid labels grow out of the county before the
// outline cuts them; the outline arcs then move in by at most outlineInward.
const fringeWidth = 3

// validOutline returns the outline as a geometry the engine can cut with, its sliver holes
// (under maxHole square degrees: gaps between the source's simplified polygons, given to
// the county as the raster gives it their pixels) filled, and false when it is not
// OGC-valid (the raw sources are not: they are then rasterized as before).
func validOutline(mp orb.MultiPolygon, maxHole float64) (geom.Geometry, bool) {
	polys := make([]geom.Polygon, 0, len(mp))
	for _, p := range mp {
		var rings []geom.LineString
		for k, r := range p {
			if k > 0 && math.Abs(ringArea(r)) < maxHole {
				continue
			}
			rings = append(rings, lineString(r))
		}
		polys = append(polys, geom.NewPolygon(rings))
	}
	m := geom.NewMultiPolygon(polys)
	if err := m.Validate(); err != nil {
		return geom.Geometry{}, false
	}
	return m.AsGeometry(), true
}

func lineString(r orb.Ring) geom.LineString {
	xy := make([]float64, 0, 2*len(r)+2)
	for _, q := range r {
		xy = append(xy, q[0], q[1])
	}
	if len(r) > 0 && r[0] != r[len(r)-1] {
		xy = append(xy, r[0][0], r[0][1])
	}
	return geom.NewLineString(geom.NewSequence(xy, geom.DimXY))
}

// toGeom converts a MultiPolygon for the engine.
func toGeom(mp orb.MultiPolygon) geom.Geometry {
	polys := make([]geom.Polygon, len(mp))
	for k, p := range mp {
		rings := make([]geom.LineString, len(p))
		for m, r := range p {
			rings[m] = lineString(r)
		}
		polys[k] = geom.NewPolygon(rings)
	}
	return geom.NewMultiPolygon(polys).AsGeometry()
}

// cut returns mp ∩ by as a MultiPolygon with counter-clockwise shells and clockwise holes,
// as the traced units have them.
func cut(mp orb.MultiPolygon, by geom.Geometry) (orb.MultiPolygon, error) {
	g, err := geom.Intersection(toGeom(mp), by)
	if err != nil {
		return nil, err
	}
	var out orb.MultiPolygon
	for _, part := range g.Dump() {
		p, ok := part.AsPolygon()
		if !ok || p.IsEmpty() {
			continue // a shared edge or point of the outline: no area
		}
		poly := orb.Polygon{ring(p.ExteriorRing(), true)}
		for n := 0; n < p.NumInteriorRings(); n++ {
			poly = append(poly, ring(p.InteriorRingN(n), false))
		}
		out = append(out, poly)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("nothing of it is inside the outline")
	}
	return out, nil
}

// ring converts a ring, turning it counter-clockwise for a shell and clockwise for a hole.
func ring(ls geom.LineString, shell bool) orb.Ring {
	seq := ls.Coordinates()
	r := make(orb.Ring, seq.Length())
	for i := range r {
		xy := seq.GetXY(i)
		r[i] = orb.Point{xy.X, xy.Y}
	}
	if (ringArea(r) > 0) != shell {
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
	}
	return r
}

// fringe returns the grid labels gl of the w×h raster padded by fringeWidth pixels on every
// side, with the pixels outside the county (-1) within fringeWidth steps of a grid given the
// label of the grid that reaches them first (breadth first, in raster order), and which
// grids gained pixels or lie within two pixels of the outside: those the outline may cut.
func fringe(w, h int, gl []int32, grids int) (padded []int32, pw, ph int, near []bool) {
	m := fringeWidth
	pw, ph = w+2*m, h+2*m
	padded = make([]int32, pw*ph)
	for k := range padded {
		padded[k] = -1
	}
	dist := make([]int8, pw*ph)
	var queue []int32
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			k := (j+m)*pw + i + m
			padded[k] = gl[j*w+i]
			if padded[k] >= 0 {
				queue = append(queue, int32(k))
			}
		}
	}
	near = make([]bool, grids)
	for x := 0; x < len(queue); x++ {
		k := int(queue[x])
		i, j := k%pw, k/pw
		for _, st := range step {
			ni, nj := i+st[0], j+st[1]
			if ni < 0 || nj < 0 || ni >= pw || nj >= ph {
				continue
			}
			n := nj*pw + ni
			if padded[n] >= 0 || dist[k] >= fringeWidth {
				continue
			}
			padded[n], dist[n] = padded[k], dist[k]+1
			queue = append(queue, int32(n))
		}
	}
	// A grid whose pixels come within two pixels of the outside may be cut even where it
	// gained no fringe pixel: the outline can pass through a pixel whose centre it holds.
	for j := 0; j < ph; j++ {
		for i := 0; i < pw; i++ {
			k := j*pw + i
			if dist[k] == 0 || padded[k] < 0 {
				continue
			}
			for dj := -2; dj <= 2; dj++ {
				for di := -2; di <= 2; di++ {
					ni, nj := i+di, j+dj
					if ni >= 0 && nj >= 0 && ni < pw && nj < ph && dist[nj*pw+ni] == 0 && padded[nj*pw+ni] >= 0 {
						near[padded[nj*pw+ni]] = true
					}
				}
			}
		}
	}
	return padded, pw, ph, near
}
