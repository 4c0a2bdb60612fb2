package api

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb/geojson"
)

// History and as-of reads: at= on the lookups and household chains, answered by a PostGIS
// query over the units' versions (the in-memory index holds only the map as it is now), and
// the list of a unit's versions.

// asOfNote says in an as-of answer what its time covers: only units have versions.
const asOfNote = "boundaries, names and parents as they stood at this time; the people answerable and the household's own record as they are now (they keep no history)"

// asOfHeader names, on every as-of answer (the streamed batches too), the time it was read at.
const asOfHeader = "Gridmap-As-Of"

// routeHistory registers GET /v1/units/{code}/history: public, like the boundaries on the
// public map.
func (s *Server) routeHistory() {
	s.mux.With(s.withTimeout(s.deps.Timeout)).Get("/v1/units/{code}/history", s.unitHistory)
}

// asOf reads the at= of a request: ok is false when it has none. A present but bad at= is an
// Invalid error naming the field; so is at= on a server that keeps no history.
func (s *Server) asOf(r *http.Request) (at time.Time, ok bool, err error) {
	q := r.URL.Query()
	if !q.Has("at") {
		return time.Time{}, false, nil
	}
	return s.parseAt(q.Get("at"))
}

func (s *Server) parseAt(text string) (time.Time, bool, error) {
	if s.deps.History == nil {
		return time.Time{}, false, geo.FieldError("at", "this server keeps no history: leave at= out")
	}
	at, err := geo.ParseAt(text, time.Now())
	return at, err == nil, err
}

// atText is an as-of time as answers show it, in Asia/Shanghai.
func atText(at time.Time) string { return at.In(geo.Shanghai).Format(time.RFC3339Nano) }

// answerAt is a lookup's answer as of a time.
type answerAt struct {
	Point pointJSON `json:"point"`
	geo.Chain
	Message string `json:"message,omitempty"`
	At      string `json:"at"`
	AsOf    string `json:"as_of"`
}

type pointJSON struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

// resolvePointAt answers GET /v1/resolve with at=.
func (s *Server) resolvePointAt(w http.ResponseWriter, r *http.Request, lon, lat float64, text string) {
	at, _, err := s.parseAt(text)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !geo.Finite(lon) || !geo.Finite(lat) {
		s.writeError(w, r, geo.FieldError("lon", "a finite number"))
		return
	}
	chain, err := s.deps.History.ResolveAt(r.Context(), lon, lat, at)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	msg := ""
	if !chain.Complete && len(chain.Links) > 0 {
		msg = "no grid covered this point then: the chain stops at the " +
			string(chain.Links[len(chain.Links)-1].Level) + " and the grid level is missing"
	}
	w.Header().Set(asOfHeader, atText(at))
	writeJSON(w, http.StatusOK, answerAt{Point: pointJSON{lon, lat}, Chain: chain, Message: msg, At: atText(at), AsOf: asOfNote})
}

// householdAt is a household's chain as of a time.
type householdAt struct {
	geo.HouseholdChain
	At   string `json:"at"`
	AsOf string `json:"as_of"`
}

// resolverAt resolves as the units stood at one time: the batch's resolver with at=.
type resolverAt struct {
	h  geo.History
	at time.Time
}

func (ra resolverAt) Resolve(ctx context.Context, lon, lat float64) (geo.Chain, error) {
	return ra.h.ResolveAt(ctx, lon, lat, ra.at)
}

// unitVersionProps are the properties of one version in GET /v1/units/{code}/history.
type unitVersionProps struct {
	Code       string  `json:"code"`
	Version    int     `json:"version"`
	Level      string  `json:"level"`
	Name       string  `json:"name"`
	ParentCode *string `json:"parent_code"`
	AreaM2     float64 `json:"area_m2"`
	ValidFrom  string  `json:"valid_from"`
	ValidTo    *string `json:"valid_to"`
	Current    bool    `json:"current"`
	Deleted    bool    `json:"deleted"`
}

type versionFeature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties unitVersionProps  `json:"properties"`
}

type versionCollection struct {
	Type     string           `json:"type"`
	Code     string           `json:"code"`
	Features []versionFeature `json:"features"`
}

// unitHistory answers GET /v1/units/{code}/history[?geometry=false]: every version of the
// unit, oldest first, as a GeoJSON FeatureCollection (QGIS opens it as it is), each with
// its validity (valid_to null: the current version), name, parent, area in m² and deleted
// flag, and its boundary unless geometry=false.
func (s *Server) unitHistory(w http.ResponseWriter, r *http.Request) {
	code, err := unitCodeParam(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	withGeom := true
	if v := r.URL.Query().Get("geometry"); v != "" {
		switch v {
		case "true":
		case "false":
			withGeom = false
		default:
			s.writeError(w, r, geo.FieldError("geometry", "%q is not true or false", v))
			return
		}
	}
	if s.deps.History == nil {
		s.writeError(w, r, geo.Errorf(geo.NotFound, "this server keeps no history"))
		return
	}
	vs, err := s.deps.History.UnitHistory(r.Context(), code, withGeom)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	fc := versionCollection{Type: "FeatureCollection", Code: code, Features: make([]versionFeature, len(vs))}
	for i, v := range vs {
		p := unitVersionProps{Code: v.Code, Version: v.Version, Level: string(v.Level), Name: v.Name,
			AreaM2: math.Round(v.AreaM2*100) / 100, ValidFrom: atText(v.ValidFrom), Deleted: v.Deleted, Current: v.ValidTo == nil}
		if v.ParentCode != "" {
			p.ParentCode = &v.ParentCode
		}
		if v.ValidTo != nil {
			to := atText(*v.ValidTo)
			p.ValidTo = &to
		}
		f := versionFeature{Type: "Feature", ID: v.Code + "@v" + strconv.Itoa(v.Version), Properties: p}
		if v.Geom != nil {
			f.Geometry = geojson.NewGeometry(v.Geom)
		}
		fc.Features[i] = f
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(fc) // as writeJSON, a failed write is the client's loss
}
