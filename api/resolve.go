package api

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
)

// resolveResponse is the answer of GET /v1/resolve.
type resolveResponse struct {
	Point point `json:"point"`
	geo.Chain
	Message string `json:"message,omitempty"`
}

type point struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

// resolvePoint answers GET /v1/resolve?lon=..&lat=.. with the responsibility chain.
// With a resolver that offers Find (the in-memory index), the usual request is answered
// without allocating by resolvePointFast, byte for byte as below; what it leaves, and every
// other resolver, takes the general road.
func (s *Server) resolvePoint(w http.ResponseWriter, r *http.Request) {
	if f, ok := s.deps.Resolver.(chainFinder); ok && s.resolvePointFast(w, r, f) {
		return
	}
	lon, lat, err := parseLonLat(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	toWGS84, err := parseCRS(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	lon, lat = toWGS84(lon, lat)
	chain, err := s.deps.Resolver.Resolve(r.Context(), lon, lat)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	resp := resolveResponse{Point: point{lon, lat}, Chain: chain, Message: incompleteMessage(chain)} // the point as looked up, in WGS84
	writeJSON(w, http.StatusOK, resp)
}

// incompleteMessage says where an incomplete chain stops; "" for a complete one.
func incompleteMessage(chain geo.Chain) string {
	if chain.Complete {
		return ""
	}
	return "no grid covers this point: the chain stops at the " +
		string(chain.Links[len(chain.Links)-1].Level) + " and the grid level is missing"
}

// parseCRS reads the crs parameter: wgs84 (the default; CGCS2000 is treated as equal) or
// gcj02, the offset datum of Chinese consumer maps and WeChat, converted to WGS84 before the
// lookup (to well under a centimetre of the published offset).
func parseCRS(r *http.Request) (func(lon, lat float64) (float64, float64), error) {
	switch strings.ToLower(r.URL.Query().Get("crs")) {
	case "", "wgs84", "cgcs2000", "epsg:4326", "epsg:4490":
		return func(lon, lat float64) (float64, float64) { return lon, lat }, nil
	case "gcj02", "gcj-02":
		return geo.GCJ02ToWGS84, nil
	}
	return nil, geo.FieldError("crs", "%q is not wgs84 (default), cgcs2000 or gcj02", r.URL.Query().Get("crs"))
}

// parseLonLat reads the lon and lat query parameters, naming the parameter that is missing,
// not a number or out of range, and pointing out coordinates that look swapped.
func parseLonLat(r *http.Request) (lon, lat float64, err error) {
	q := r.URL.Query()
	lon, err = parseCoord(q.Get("lon"), "lon", 180)
	if err != nil {
		return 0, 0, err
	}
	lat, err = parseCoord(q.Get("lat"), "lat", 90)
	if err != nil {
		if ge, ok := err.(*geo.Error); ok && math.Abs(lon) <= 90 && !strings.Contains(ge.Message, "missing") {
			ge.Message += "; lon and lat look swapped (lon comes first: lon is east-west, about 73..136 in China)"
		}
		return 0, 0, err
	}
	return lon, lat, nil
}

func parseCoord(s, name string, limit float64) (float64, error) {
	if s == "" {
		return 0, geo.FieldError(name, "missing: give %s as a decimal number of degrees (WGS84)", name)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, geo.FieldError(name, "%q is not a number of degrees", s)
	}
	if math.Abs(v) > limit {
		return 0, geo.FieldError(name, "%v is out of range: %s must be between %v and %v", v, name, -limit, limit)
	}
	return v, nil
}

// householdChain answers GET /v1/households/{id}/chain.
func (s *Server) householdChain(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if err := checkHouseholdID(id); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := permit(r, access.ReadPersonal, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	hc, err := s.deps.Households.HouseholdChain(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.audit(r, "read_household", id); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, hc)
}

// checkHouseholdID refuses ids that cannot name a household before any lookup: empty, too
// long, not UTF-8 or with control characters (a NUL would otherwise reach the database).
func checkHouseholdID(id string) error {
	if strings.TrimSpace(id) == "" || len(id) > 200 {
		return geo.FieldError("id", "a household id is 1 to 200 characters")
	}
	if !utf8.ValidString(id) {
		return geo.FieldError("id", "a household id must be UTF-8 text")
	}
	for _, c := range id {
		if c < 0x20 || c == 0x7f {
			return geo.FieldError("id", "a household id has no control characters")
		}
	}
	return nil
}
