package tiles

import (
	"fmt"
	"math"
	"slices"
	"sync"
)

// Render returns the tile's MVT bytes, uncompressed: one MVT layer per layer of the Set that
// is drawn at zoom z and has a feature in the tile, in the Set's layer order. It returns an
// empty slice (length 0) when no feature lies in the tile, and an error when z is above
// MaxZoom or x or y is outside the zoom's 2^z tiles. Rendering the same Set and tile always
// gives the same bytes.
//
// A tile that would be larger than MaxTileBytes is drawn again with less detail: on a
// lattice up to 16 times as coarse as its zoom's (from 16 units, a pixel of a 256-pixel
// tile, at zoom 12 and above), and at last with only the properties that identify its
// features (code, id and level). Which step a tile
// takes depends only on the features in it, so the two sides of an edge still agree within
// a tile, and a tile changes only when a feature in it changes.
func (s *Set) Render(z, x, y uint32) ([]byte, error) {
	if z > MaxZoom {
		return nil, fmt.Errorf("tiles: zoom %d is above %d", z, MaxZoom)
	}
	if n := uint32(1) << z; x >= n || y >= n {
		return nil, fmt.Errorf("tiles: tile %d/%d/%d does not exist: x and y must be below %d at zoom %d", z, x, y, n, z)
	}
	r := renderers.Get().(*renderer)
	defer renderers.Put(r)
	coarser, thin := uint(0), false
	for {
		out := s.render(r, z, x, y, coarser, thin)
		if len(out) <= MaxTileBytes || thin {
			// The tile was built in the renderer's buffer, reused from render to render;
			// the caller gets a copy of exactly its size.
			return append(make([]byte, 0, len(out)), out...), nil
		}
		if coarser == maxCoarser {
			thin = true
			continue
		}
		// Guess how much coarser the lattice must be, taking each doubling to halve the
		// geometry, to save renders of the few huge tiles; a wrong guess costs a render more.
		other := len(out) - r.geomBytes
		k := uint(maxCoarser) // properties alone are too large: only vanishing features help
		if other < MaxTileBytes {
			k = uint(max(1, math.Ceil(math.Log2(float64(r.geomBytes)/float64(MaxTileBytes-other)))))
		}
		coarser = min(maxCoarser, coarser+k)
	}
}

// MaxTileBytes is the size Render keeps tiles under by drawing them with less detail.
const MaxTileBytes = 500_000

// maxCoarser is how many times the lattice may be doubled for a tile that is too large.
const maxCoarser = 4

// identityProps are the properties a feature keeps in a tile that is too large even on the
// coarsest lattice: enough for a client to look the feature up.
var identityProps = []string{"code", "id", "level"}

// render writes the tile into r's buffer and returns it, on a lattice 2^coarser times as
// coarse as the zoom's and, when thin, with identity properties only.
func (s *Set) render(r *renderer, z, x, y uint32, coarser uint, thin bool) []byte {
	r.frame = newFrame(z, x, y, coarser)
	r.geomBytes = 0
	q := tileBox(z, x, y)
	out := r.tile[:0]
	for _, l := range s.layers {
		if int(z) < l.spec.MinZoom || int(z) > l.spec.MaxZoom {
			continue
		}
		r.feats = r.feats[:0]
		for _, t := range l.tiers {
			r.feats = t.query(q, int(z), r.feats)
		}
		if len(r.feats) == 0 {
			continue
		}
		sortByKey(r.feats)
		r.layer.reset()
		for _, f := range r.feats {
			r.geom.reset()
			typ := 0
			switch l.spec.Kind {
			case Polygon:
				r.polygon(f)
				typ = geomPolygon
			case Line:
				r.line(f)
				typ = geomLine
			case Point:
				r.points(f)
				typ = geomPoint
			}
			if len(r.geom.cmds) == 0 {
				continue
			}
			props := f.props
			if thin {
				props = r.identity(props)
			}
			r.layer.feature(props, typ, r.geom.cmds)
			r.geomBytes += packedLen(featGeom, r.geom.cmds)
		}
		if r.layer.n > 0 {
			out, r.scratch = r.layer.appendLayer(out, r.scratch, l.spec.Name)
		}
	}
	r.tile = out
	return out
}

// identity returns the identity properties among ps.
func (r *renderer) identity(ps []prop) []prop {
	r.props = r.props[:0]
	for _, p := range ps {
		if slices.Contains(identityProps, p.key) {
			r.props = append(r.props, p)
		}
	}
	return r.props
}

// renderer holds the scratch space of one Render; they are pooled, so a steady load of
// renders allocates little besides the tiles themselves.
type renderer struct {
	frame   frame
	feats   []*feat
	a, b    []ipt
	geom    geomWriter
	layer   layerWriter
	scratch []byte
	tile    []byte
	props   []prop
	// geomBytes counts the geometry bytes of the tile being written.
	geomBytes int
}

var renderers = sync.Pool{New: func() any { return new(renderer) }}

// projectRing rounds the points f.pts[start:end] of one ring to the tile's lattice into
// r.a, dropping repeats. A chunk of points that lies wholly beyond one side of the clip box
// is replaced by its first and last point: the ring then differs only inside that
// half-plane, which the box does not meet, so its clipped shape is the same, and a long
// outline far from the tile costs a few points per chunk instead of all of them.
func (r *renderer) projectRing(f *feat, start, end int32) []ipt {
	out := r.a[:0]
	add := func(p wpt) {
		q := r.frame.pt(p)
		if n := len(out); n > 0 && out[n-1] == q {
			return
		}
		out = append(out, q)
	}
	for i := start; i < end; {
		if f.chunks != nil && i%chunkLen == 0 && i+chunkLen <= end && r.beyond(f.chunks[i/chunkLen]) {
			add(f.pts[i])
			add(f.pts[i+chunkLen-1])
			i += chunkLen
			continue
		}
		add(f.pts[i])
		i++
	}
	r.a = out
	return out
}

// beyond reports whether every point of box b rounds to a point strictly beyond one side
// of the clip box (rounding is monotonic, so the corners decide).
func (r *renderer) beyond(b wbox32) bool {
	fr := &r.frame
	return fr.round(b.x1)-fr.ox < clipLo || fr.round(b.x0)-fr.ox > clipHi ||
		fr.round(b.y1)-fr.oy < clipLo || fr.round(b.y0)-fr.oy > clipHi
}

// project rounds the points of one line to the tile's lattice into r.a, dropping repeats.
func (r *renderer) project(ps []wpt) []ipt {
	out := r.a[:0]
	for _, p := range ps {
		q := r.frame.pt(p)
		if n := len(out); n > 0 && out[n-1] == q {
			continue
		}
		out = append(out, q)
	}
	r.a = out
	return out
}

// polygon writes the rings of f that survive rounding and clipping: exteriors clockwise on
// screen (positive area), each followed by its holes, anticlockwise.
func (r *renderer) polygon(f *feat) {
	start := int32(0)
	skipHoles := false
	for _, p := range f.parts {
		s := start
		start = p.end
		if !p.outer && skipHoles {
			continue
		}
		pts := r.ring(f, s, p.end)
		a := int64(0)
		if len(pts) >= 3 {
			a = area2(pts)
		}
		if a == 0 {
			// A collapsed exterior takes its holes with it.
			skipHoles = skipHoles || p.outer
			continue
		}
		skipHoles = false
		if (a < 0) == p.outer {
			slices.Reverse(pts)
		}
		r.geom.ring(pts)
	}
}

// ring rounds, clips and cleans the ring f.pts[start:end].
func (r *renderer) ring(f *feat, start, end int32) []ipt {
	pts := r.projectRing(f, start, end)
	if len(pts) < 3 {
		return nil
	}
	lo, hi := bboxOf(pts)
	if outsideBox(lo, hi) {
		return nil
	}
	if !insideBox(lo, hi) {
		pts, r.b = clipRing(pts, r.b)
		r.a = pts
	}
	return cleanRing(pts)
}

// line writes the parts of f's lines inside the clip box.
func (r *renderer) line(f *feat) {
	start := int32(0)
	for _, p := range f.parts {
		pts := r.project(f.pts[start:p.end])
		start = p.end
		if len(pts) < 2 {
			continue
		}
		if lo, hi := bboxOf(pts); insideBox(lo, hi) {
			if l := cleanLine(pts); l != nil {
				r.geom.line(l)
			}
			continue
		}
		// Split the line where it leaves the box; each piece inside is its own line.
		run := r.b[:0]
		flush := func() {
			if l := cleanLine(run); l != nil {
				r.geom.line(l)
			}
			run = run[:0]
		}
		for i := 1; i < len(pts); i++ {
			a, b, ok := clipSegment(pts[i-1], pts[i])
			if !ok {
				flush()
				continue
			}
			if n := len(run); n == 0 || run[n-1] != a {
				flush()
				run = append(run, a)
			}
			run = append(run, b)
			if b != pts[i] {
				flush()
			}
		}
		flush()
		r.b = run
	}
}

// points writes the points of f inside the clip box as one MoveTo.
func (r *renderer) points(f *feat) {
	out := r.a[:0]
	for _, p := range f.pts {
		q := r.frame.pt(p)
		if q.x >= clipLo && q.x <= clipHi && q.y >= clipLo && q.y <= clipHi {
			out = append(out, q)
		}
	}
	r.a = out
	if len(out) > 0 {
		r.geom.points(out)
	}
}
