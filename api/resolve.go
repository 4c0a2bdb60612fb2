package api

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/wire"
)

// resolvePoint answers GET /v1/resolve?lon=..&lat=.. (and crs) with the responsibility
// chain: wire.Answer, or an error. The query is read once (lookupPoint); a resolver that
// offers Find (the in-memory index) is answered without allocating by answerFound, byte for
// byte as below, and every other resolver, or a point Find leaves, takes the general road.
func (s *Server) resolvePoint(w http.ResponseWriter, r *http.Request) {
	lon, lat, err := lookupPoint(r)
	if err != nil {
		// Gauss–Krüger metres (crs=EPSG:45xx&x=..&y=..) fail the lon/lat reading; only then
		// is the query looked at again, so the usual lookup pays nothing for them.
		if !s.resolveProjected(w, r) {
			s.writeError(w, r, err)
		}
		return
	}
	if f, ok := s.deps.Resolver.(chainFinder); ok && answerFound(w, lon, lat, f) {
		return
	}
	chain, err := s.deps.Resolver.Resolve(r.Context(), lon, lat)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.NewAnswer(lon, lat, chain)) // the point as looked up, in WGS84
}

// lookupPoint reads the point of a lookup from the query — lon, lat and crs, the datum
// they are given in (geo.ParseCRS) — and returns it in WGS84, or the error that names the
// parameter at fault. The usual query is read without decoding or allocating (plainQuery);
// any other goes through url.ParseQuery. Either way it is read once.
func lookupPoint(r *http.Request) (lon, lat float64, err error) {
	lonText, latText, crsText, ok := plainQuery(r.URL.RawQuery)
	if !ok {
		q := r.URL.Query()
		lonText, latText, crsText = q.Get("lon"), q.Get("lat"), q.Get("crs")
	}
	if lon, lat, err = geo.ParseLonLat(lonText, latText); err != nil {
		return 0, 0, err
	}
	toWGS84, err := geo.ParseCRS(crsText)
	if err != nil {
		return 0, 0, err
	}
	lon, lat = toWGS84(lon, lat)
	return lon, lat, nil
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
