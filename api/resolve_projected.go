package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/wire"
)

// Projector turns Gauss–Krüger metres into longitude/latitude (postgis.DB does, with PROJ).
type Projector interface {
	ToLonLat(ctx context.Context, epsg int, x, y float64) (float64, float64, error)
}

// resolveProjected answers GET /v1/resolve?crs=EPSG:4544&x=..&y=.. for surveyors'
// instruments: x is the easting and y the northing in metres of a CGCS2000 Gauss–Krüger zone.
// It reports false when the request names no such crs, leaving it to the usual road.
func (s *Server) resolveProjected(w http.ResponseWriter, r *http.Request) bool {
	q := r.URL.Query()
	epsg, ok := geo.ParseGaussKruger(q.Get("crs"))
	if !ok {
		if epsg != 0 && epsg != 4326 && epsg != 4490 {
			s.writeError(w, r, geo.FieldError("crs", "EPSG:%d is not taken: wgs84 (default), cgcs2000, gcj02, or a CGCS2000 Gauss-Kruger zone EPSG:4491-4554", epsg))
			return true
		}
		return false
	}
	if s.deps.Project == nil {
		s.writeError(w, r, geo.FieldError("crs", "this server converts no projected coordinates"))
		return true
	}
	lon, lat, err := s.projectedPoint(r.Context(), q, epsg)
	if err == nil {
		var chain geo.Chain
		if chain, err = s.deps.Resolver.Resolve(r.Context(), lon, lat); err == nil {
			writeJSON(w, http.StatusOK, wire.NewAnswer(lon, lat, chain))
			return true
		}
	}
	s.writeError(w, r, err)
	return true
}

// projectedPoint reads x and y and converts them from zone epsg to longitude/latitude.
func (s *Server) projectedPoint(ctx context.Context, q map[string][]string, epsg int) (float64, float64, error) {
	x, err := metres(q, "x")
	if err != nil {
		return 0, 0, err
	}
	y, err := metres(q, "y")
	if err != nil {
		return 0, 0, err
	}
	if err := geo.CheckNorthing(x, y); err != nil {
		return 0, 0, err
	}
	lon, lat, err := s.deps.Project.ToLonLat(ctx, epsg, x, y)
	if err != nil {
		return 0, 0, err
	}
	if err := geo.CheckDegrees(lon, lat); err != nil {
		return 0, 0, geo.FieldError("x", "%.3f is no easting in EPSG:%d's zone", x, epsg)
	}
	return lon, lat, nil
}

// metres reads a projected coordinate: a plain decimal number of metres.
func metres(q map[string][]string, name string) (float64, error) {
	vs := q[name]
	if len(vs) == 0 || vs[0] == "" {
		return 0, geo.FieldError(name, "is required with a Gauss-Kruger crs (x: easting, y: northing, in metres)")
	}
	if !geo.IsDecimal(vs[0]) {
		return 0, geo.FieldError(name, "%q is not a decimal number of metres", vs[0])
	}
	v, err := strconv.ParseFloat(vs[0], 64)
	if err != nil {
		return 0, geo.FieldError(name, "%q is not a number", vs[0])
	}
	return v, nil
}
