package tiles

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// Feature is one thing to draw, in WGS84 lon/lat.
type Feature struct {
	// Key identifies the feature within its layer (a unit's code, a feature's id, a
	// household's id); Update replaces and deletes by it.
	Key string
	// Geom is a Polygon or MultiPolygon in a Polygon layer, a LineString or MultiLineString
	// in a Line layer, a Point or MultiPoint in a Point layer. A nil or empty geometry is
	// kept (so it can be updated later) but never drawn.
	Geom orb.Geometry
	// Props are written as the feature's MVT attributes: strings, integers, floats and
	// booleans. Other types are refused.
	Props map[string]any
	// MinZoom, when greater than the layer's MinZoom, holds the feature back until that zoom
	// (labels of small units).
	MinZoom int
}

// feat is a Feature as a Set holds it: projected to world coordinates, with its properties
// encoded and its boxes computed, never modified once it is in a Set.
type feat struct {
	key     string
	props   []prop // sorted by key, so that encoding is deterministic
	minZoom int
	geo     orb.Bound // lon/lat bound, for the area an Update touches
	box     wbox      // world bound; empty when there is nothing to draw
	pts     []wpt
	// parts ends each ring (Polygon) or line (Line) at pts[end]; for a polygon ring outer
	// tells a polygon's exterior from its holes. Points have no parts.
	parts []part
	// chunks[i] is the box of pts[i*chunkLen : (i+1)*chunkLen], for features with long rings
	// (nil otherwise): Render passes over a chunk that lies wholly off one side of a tile.
	chunks []wbox32
}

// wbox32 is a box in world coordinates, stored compactly.
type wbox32 struct{ x0, y0, x1, y1 uint32 }

const chunkLen = 32

// index computes the chunk boxes of a polygon feature whose rings are long enough to be
// worth skipping through: the outlines of counties, towns and villages.
func (ft *feat) index() {
	if len(ft.pts) < 4*chunkLen || len(ft.parts) == 0 {
		return
	}
	ft.chunks = make([]wbox32, 0, len(ft.pts)/chunkLen)
	for i := 0; i+chunkLen <= len(ft.pts); i += chunkLen {
		b := wbox32{math.MaxUint32, math.MaxUint32, 0, 0}
		for _, p := range ft.pts[i : i+chunkLen] {
			b = wbox32{min(b.x0, p.x), min(b.y0, p.y), max(b.x1, p.x), max(b.y1, p.y)}
		}
		ft.chunks = append(ft.chunks, b)
	}
}

type part struct {
	end   int32
	outer bool
}

// prop is one attribute; value is comparable so a layer's value table can deduplicate.
type prop struct {
	key string
	val value
}

type valueKind uint8

const (
	vString valueKind = iota + 1
	vUint
	vSint
	vDouble
	vBool
)

type value struct {
	kind valueKind
	s    string
	n    uint64 // vUint, vSint (as int64 bits), vBool (0 or 1)
	f    float64
}

func toValue(v any) (value, bool) {
	switch v := v.(type) {
	case string:
		return value{kind: vString, s: v}, true
	case bool:
		if v {
			return value{kind: vBool, n: 1}, true
		}
		return value{kind: vBool}, true
	case float64:
		return value{kind: vDouble, f: v}, true
	case float32:
		return value{kind: vDouble, f: float64(v)}, true
	case int:
		return intValue(int64(v)), true
	case int8:
		return intValue(int64(v)), true
	case int16:
		return intValue(int64(v)), true
	case int32:
		return intValue(int64(v)), true
	case int64:
		return intValue(v), true
	case uint:
		return value{kind: vUint, n: uint64(v)}, true
	case uint8:
		return value{kind: vUint, n: uint64(v)}, true
	case uint16:
		return value{kind: vUint, n: uint64(v)}, true
	case uint32:
		return value{kind: vUint, n: uint64(v)}, true
	case uint64:
		return value{kind: vUint, n: v}, true
	}
	return value{}, false
}

// intValue writes non-negative integers as uint_value and negative ones as sint_value, the
// two encodings that are smallest for their sign.
func intValue(v int64) value {
	if v >= 0 {
		return value{kind: vUint, n: uint64(v)}
	}
	return value{kind: vSint, n: uint64(v)}
}

// newFeat checks f against the layer's kind and projects it. Errors name the layer and key.
func newFeat(spec LayerSpec, f Feature) (*feat, error) {
	ft := &feat{key: f.Key, minZoom: max(f.MinZoom, spec.MinZoom), geo: emptyBound, box: emptyWBox}
	fail := func(format string, args ...any) (*feat, error) {
		return nil, fmt.Errorf("tiles: layer %q, feature %q: %s", spec.Name, f.Key, fmt.Sprintf(format, args...))
	}
	if f.Key == "" {
		return fail("empty key")
	}
	if len(f.Props) > 0 {
		ft.props = make([]prop, 0, len(f.Props))
		for k, v := range f.Props {
			val, ok := toValue(v)
			if !ok {
				return fail("property %q has type %T; expected a string, number or bool", k, v)
			}
			ft.props = append(ft.props, prop{k, val})
		}
		sort.Slice(ft.props, func(i, j int) bool { return ft.props[i].key < ft.props[j].key })
	}
	if n := countPoints(f.Geom); n > 0 {
		ft.pts = make([]wpt, 0, n)
	}
	var err error
	switch g := f.Geom.(type) {
	case nil:
	case orb.Polygon:
		err = ft.addPolygon(spec, g)
	case orb.MultiPolygon:
		for _, p := range g {
			if err = ft.addPolygon(spec, p); err != nil {
				break
			}
		}
	case orb.LineString:
		err = ft.addLine(spec, g)
	case orb.MultiLineString:
		for _, l := range g {
			if err = ft.addLine(spec, l); err != nil {
				break
			}
		}
	case orb.Point:
		err = ft.addPoints(spec, []orb.Point{g})
	case orb.MultiPoint:
		err = ft.addPoints(spec, g)
	default:
		err = fmt.Errorf("a %s layer cannot hold a %s", spec.Kind, f.Geom.GeoJSONType())
	}
	if err != nil {
		return fail("%v", err)
	}
	if len(ft.pts) > 0 {
		ft.geo = f.Geom.Bound()
	}
	if spec.Kind == Polygon {
		ft.index()
	}
	return ft, nil
}

func (ft *feat) addPolygon(spec LayerSpec, p orb.Polygon) error {
	if spec.Kind != Polygon {
		return fmt.Errorf("a %s layer cannot hold a polygon", spec.Kind)
	}
	for i, r := range p {
		// orb rings repeat the first point at the end; the tile encoding closes rings itself.
		if len(r) > 1 && r[0] == r[len(r)-1] {
			r = r[:len(r)-1]
		}
		if len(r) < 3 {
			if i == 0 {
				return nil // no exterior, so nothing of this polygon can be drawn
			}
			continue
		}
		if err := ft.addCoords(r); err != nil {
			return err
		}
		ft.parts = append(ft.parts, part{end: int32(len(ft.pts)), outer: i == 0})
	}
	return nil
}

func (ft *feat) addLine(spec LayerSpec, l orb.LineString) error {
	if spec.Kind != Line {
		return fmt.Errorf("a %s layer cannot hold a line", spec.Kind)
	}
	if len(l) < 2 {
		return nil
	}
	if err := ft.addCoords(l); err != nil {
		return err
	}
	ft.parts = append(ft.parts, part{end: int32(len(ft.pts))})
	return nil
}

func (ft *feat) addPoints(spec LayerSpec, ps []orb.Point) error {
	if spec.Kind != Point {
		return fmt.Errorf("a %s layer cannot hold a point", spec.Kind)
	}
	return ft.addCoords(ps)
}

// addCoords projects points. Consecutive points on one latitude are common (the edges of
// the generated boundaries are horizontal or vertical), so the last latitude's projection
// is reused.
func (ft *feat) addCoords(ps []orb.Point) error {
	lastLat, lastY := math.NaN(), uint32(0)
	for _, p := range ps {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return fmt.Errorf("coordinate %v is not a number", p)
		}
		if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return fmt.Errorf("coordinate %v is not a lon/lat position", p)
		}
		if p[1] != lastLat {
			lastLat, lastY = p[1], latToWorld(p[1])
		}
		w := wpt{lonToWorld(p[0]), lastY}
		ft.pts = append(ft.pts, w)
		ft.box = ft.box.extend(w)
	}
	return nil
}

// countPoints returns the number of points of g, to allocate a feature's points at once.
func countPoints(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			n += len(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			n += countPoints(p)
		}
	case orb.LineString:
		n = len(g)
	case orb.MultiLineString:
		for _, l := range g {
			n += len(l)
		}
	case orb.MultiPoint:
		n = len(g)
	case orb.Point:
		n = 1
	}
	return n
}
