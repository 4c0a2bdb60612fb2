package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/gridmap/gridmap/wire"
)

// coverageTimeout bounds one coverage report: a county takes a second or two, a province
// under a minute.
const coverageTimeout = 2 * time.Minute

// coverageAtOnce is how many coverage reports run at the same time; more wait their turn
// (within their timeout), so that reports, which anyone may ask for, cannot take every
// connection of the database.
const coverageAtOnce = 2

// routeCoverage serves GET /v1/units/{code}/coverage when the server has a coverage
// reporter. The report is about public boundaries, so anyone may ask for it.
func (s *Server) routeCoverage() {
	if s.deps.Coverage == nil {
		return
	}
	turns := make(chan struct{}, coverageAtOnce)
	s.mux.With(s.withTimeout(coverageTimeout)).Get("/v1/units/{code}/coverage", func(w http.ResponseWriter, r *http.Request) {
		s.unitCoverage(w, r, turns)
	})
}

// unitCoverage answers the coverage report of a unit's subtree as a GeoJSON
// FeatureCollection of findings with a summary (wire.CoverageGeoJSON).
func (s *Server) unitCoverage(w http.ResponseWriter, r *http.Request, turns chan struct{}) {
	code, err := unitCodeParam(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	select {
	case turns <- struct{}{}:
		defer func() { <-turns }()
	case <-r.Context().Done():
		s.writeError(w, r, r.Context().Err())
		return
	}
	rep, err := s.deps.Coverage.CoverageReport(r.Context(), code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(wire.CoverageGeoJSON(rep)); err != nil {
		slog.Debug("writing response", "err", err)
	}
}
