package geo

import (
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
)

// China's extent in degrees, generous by a degree or so: a point outside it is a mistake
// (swapped axes, a projected CRS, a stray zero), not a place gridmap maps.
const (
	MinLon, MaxLon = 73.0, 136.0
	MinLat, MaxLat = 3.0, 54.0
)

func inChina(x, y float64) bool {
	return x >= MinLon && x <= MaxLon && y >= MinLat && y <= MaxLat
}

// CheckLonLat returns "" when p is a finite longitude, latitude inside China, and otherwise
// why not, recognising the usual mistakes: swapped axes and projected coordinates.
func CheckLonLat(p orb.Point) string {
	x, y := p[0], p[1]
	switch {
	case !Finite(x) || !Finite(y):
		return fmt.Sprintf("coordinates %s are not finite numbers", FormatPoint(p))
	case inChina(x, y):
		return ""
	case inChina(y, x):
		return fmt.Sprintf(swappedWords+": GeoJSON and CSV take lon first (got %s)", FormatPoint(p))
	case outOfDegrees(x, "lon") || outOfDegrees(y, "lat"):
		return fmt.Sprintf("coordinates %s are not longitude/latitude degrees (a projected CRS?): gridmap takes WGS84 lon,lat", FormatPoint(p))
	}
	return fmt.Sprintf("coordinates %s are outside China (lon %g..%g, lat %g..%g)", FormatPoint(p), MinLon, MaxLon, MinLat, MaxLat)
}

// FormatPoint writes p as "lon,lat" with no more digits than it has.
func FormatPoint(p orb.Point) string {
	return strconv.FormatFloat(p[0], 'f', -1, 64) + "," + strconv.FormatFloat(p[1], 'f', -1, 64)
}

// checkPoints returns one message for the first bad coordinate of pts, counting the others,
// so a feature in the wrong CRS gives one line, not one per vertex.
func checkPoints(pts []orb.Point) []string {
	first, bad := "", 0
	for _, p := range pts {
		if m := CheckLonLat(p); m != "" {
			if bad == 0 {
				first = m
			}
			bad++
		}
	}
	switch bad {
	case 0:
		return nil
	case 1:
		return []string{first}
	}
	return []string{fmt.Sprintf("%s (and %d more points)", first, bad-1)}
}

// CheckRing returns why r cannot be a polygon ring, or "": a ring needs at least four
// points and must end where it starts.
func CheckRing(r orb.Ring) string {
	if len(r) < 4 {
		return fmt.Sprintf("has %d points, a ring needs at least 4 (the last repeating the first)", len(r))
	}
	if r[0] != r[len(r)-1] {
		return fmt.Sprintf("is not closed: it starts at %s and ends at %s", FormatPoint(r[0]), FormatPoint(r[len(r)-1]))
	}
	return ""
}

// CheckPolygonal returns the problems of a Polygon or MultiPolygon's rings and coordinates.
// Self-intersections and the like are left to PostGIS, which also says where they are.
func CheckPolygonal(g orb.Geometry) []string {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		return []string{fmt.Sprintf("expected a Polygon or MultiPolygon, got a %s", geoJSONType(g))}
	}
	if len(polys) == 0 {
		return []string{"has no polygons"}
	}
	var pts []orb.Point
	var out []string
	for i, poly := range polys {
		prefix := ""
		if len(polys) > 1 {
			prefix = fmt.Sprintf("polygon %d: ", i+1)
		}
		if len(poly) == 0 {
			out = append(out, prefix+"has no rings")
		}
		for j, ring := range poly {
			name := "outer ring"
			if j > 0 {
				name = fmt.Sprintf("hole %d", j)
			}
			if m := CheckRing(ring); m != "" {
				out = append(out, prefix+name+" "+m)
			}
			pts = append(pts, ring...)
		}
	}
	return append(out, checkPoints(pts)...)
}

// The most a boundary drawn in a change set may hold. Checking coverage costs PostGIS
// time in proportion: 100,000 vertices take about 4 s, 22,500 parts 9-10 s, against a 10 s
// request limit; a village drawn at a metre's detail has a few thousand vertices.
const (
	MaxDrawnParts    = 1000
	MaxDrawnVertices = 100_000
)

// CheckDrawnSize returns why mp is too big to be a boundary drawn in a change set, or "".
// Imports take larger ones (a province's outline), checked in bulk.
func CheckDrawnSize(mp orb.MultiPolygon) string {
	if len(mp) > MaxDrawnParts {
		return fmt.Sprintf("has %d polygons; a drawn boundary has at most %d", len(mp), MaxDrawnParts)
	}
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	if n > MaxDrawnVertices {
		return fmt.Sprintf("has %d vertices; a drawn boundary has at most %d", n, MaxDrawnVertices)
	}
	return ""
}

// CheckLinear returns the problems of a LineString or MultiLineString: each line needs two
// points, all inside China.
func CheckLinear(g orb.Geometry) []string {
	var lines []orb.LineString
	switch g := g.(type) {
	case orb.LineString:
		lines = []orb.LineString{g}
	case orb.MultiLineString:
		lines = g
	default:
		return []string{fmt.Sprintf("expected a LineString or MultiLineString, got a %s", geoJSONType(g))}
	}
	if len(lines) == 0 {
		return []string{"has no lines"}
	}
	var out []string
	var pts []orb.Point
	for i, l := range lines {
		if len(l) < 2 {
			name := "line"
			if len(lines) > 1 {
				name = fmt.Sprintf("line %d", i+1)
			}
			out = append(out, fmt.Sprintf("%s has %d point(s), a line needs at least 2", name, len(l)))
		}
		pts = append(pts, l...)
	}
	return append(out, checkPoints(pts)...)
}

func geoJSONType(g orb.Geometry) string {
	if g == nil {
		return "missing geometry"
	}
	return g.GeoJSONType()
}
