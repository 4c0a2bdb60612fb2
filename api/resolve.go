package api

import (
	"context"
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
	lon, lat, at, hasAt, err := lookupPointAt(r)
	if err != nil {
		// Gauss–Krüger metres (crs=EPSG:45xx&x=..&y=..) fail the lon/lat reading; only then
		// is the query looked at again, so the usual lookup pays nothing for them.
		if !s.resolveProjected(w, r) {
			s.writeError(w, r, err)
		}
		return
	}
	if hasAt {
		ctx, cancel := context.WithTimeout(r.Context(), s.deps.Timeout)
		defer cancel()
		s.resolvePointAt(w, r.WithContext(ctx), lon, lat, at)
		return
	}
	if f, ok := s.deps.Resolver.(chainFinder); ok && answerFound(w, lon, lat, f) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.deps.Timeout)
	defer cancel()
	r = r.WithContext(ctx)
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
	lon, lat, _, _, err = lookupPointAt(r)
	return lon, lat, err
}

// lookupPointAt is lookupPoint that also returns the text of at= and whether the query has
// one, for an as-of lookup.
func lookupPointAt(r *http.Request) (lon, lat float64, at string, hasAt bool, err error) {
	q, ok := plainQueryAt(r.URL.RawQuery)
	if !ok {
		v := r.URL.Query()
		q = plainParams{lon: v.Get("lon"), lat: v.Get("lat"), crs: v.Get("crs"), at: v.Get("at"), hasAt: v.Has("at")}
	}
	if lon, lat, err = geo.ParseLonLat(q.lon, q.lat); err != nil {
		return 0, 0, "", false, err
	}
	toWGS84, err := geo.ParseCRS(q.crs)
	if err != nil {
		return 0, 0, "", false, err
	}
	lon, lat = toWGS84(lon, lat)
	return lon, lat, q.at, q.hasAt, nil
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
	at, asOf, err := s.asOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var hc geo.HouseholdChain
	if asOf {
		hc, err = s.deps.History.HouseholdChainAt(r.Context(), id, at)
	} else {
		hc, err = s.deps.Households.HouseholdChain(r.Context(), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.audit(r, "read_household", id); err != nil {
		s.writeError(w, r, err)
		return
	}
	if asOf {
		w.Header().Set(asOfHeader, atText(at))
		writeJSON(w, http.StatusOK, householdAt{HouseholdChain: hc, At: atText(at), AsOf: asOfNote})
		return
	}
	writeHouseholdChain(w, hc)
}

// householdTails is the encoded grid chains of the server's household answers.
var householdTails = wire.NewChainCache(wire.HouseholdAnswer)

// writeHouseholdChain writes hc as writeJSON does, appended by hand with the grid's chain
// encoded once (wire.AppendHouseholdChain): reflection was a tenth of a lookup's CPU.
func writeHouseholdChain(w http.ResponseWriter, hc geo.HouseholdChain) {
	if !geo.Finite(hc.Household.Lon) || !geo.Finite(hc.Household.Lat) {
		writeJSON(w, http.StatusOK, hc) // encoding/json refuses it, and says so
		return
	}
	writeAppended(w, http.StatusOK, func(b []byte) []byte { return wire.AppendHouseholdChain(b, hc, householdTails) })
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
