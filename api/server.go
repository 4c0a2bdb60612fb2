// Package api is gridmap's HTTP layer: it parses requests, calls the domain's services and
// writes JSON. It holds no SQL and no geometry logic.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/directory"
	"github.com/gridmap/gridmap/tiles"
	"github.com/gridmap/gridmap/wire"
)

// Deps are the services the API calls.
type Deps struct {
	Resolver   geo.Resolver
	Households geo.HouseholdFinder
	// History, when set, answers at= (the map as it stood then) and unit histories.
	History geo.History
	// Ready reports whether the service can answer (the database is reachable).
	Ready func(ctx context.Context) error
	// IndexStatus, when set, describes the in-memory index for /readyz (its change-log
	// position, age and lag; "lagging": true turns /readyz not-ready).
	IndexStatus func(ctx context.Context) map[string]any
	Log         *slog.Logger
	// Timeout cuts off a request that runs longer (default 10 s).
	Timeout time.Duration
	// Tiles, when set, serves vector tiles, TileJSON and styles.
	Tiles TileSource
	// PrivateScope lists the units the private tileset (households) spans, the counties: a
	// caller must be allowed to read personal data in all of them. Empty: not served.
	PrivateScope []string
	// PublicURL is the scheme and host clients reach the server by, for the URLs TileJSON
	// and styles hand out (-public-url); never taken from a request's Host header.
	PublicURL string
	// WebDir, when set, is the folder of the map page (web/), served at /.
	WebDir string
	// Items, when set, serves OGC API - Features at /ogc/ (published units and reference
	// layers; links on PublicURL).
	Items geo.ItemReader
	// OGCChangeSets, when set, gives each change set its own OGC API landing page with
	// writes at /changesets/{id}/.
	OGCChangeSets ChangeSetEditor
	// Directory, when set, serves /v1/units/{code}, its children (JSON and CSV) and
	// /v1/search from memory.
	Directory *directory.Directory

	// Auth tells who is calling from a bearer token; nil: every caller is anonymous.
	Auth Identifier
	// Audit records reads of personal data and publishes; nil records nothing.
	Audit Auditor
	// Limits are the per-caller request rates; the zero value grants any rate.
	Limits Limits
	// CORSOrigins lists the origins whose pages may call the API ("*": any).
	CORSOrigins []string
	// Export, when set, serves /v1/export/{collection} as files GDAL writes.
	Export Exporter
	// Project, when set, converts Gauss–Krüger metres for /v1/resolve?crs=EPSG:45xx.
	Project Projector
	// Basemaps are raster tile services the styles draw under the units (-basemap).
	Basemaps []tiles.Basemap
	// ChangeSets stores planners' drafts; nil: the change-set endpoints are not served.
	ChangeSets geo.ChangeSets
	// Coverage, when set, serves GET /v1/units/{code}/coverage.
	Coverage geo.CoverageReporter
}

// Server serves the HTTP API.
type Server struct {
	deps    Deps
	log     *slog.Logger
	mux     *chi.Mux
	limiter *rateLimiter // nil: no limits
}

// New returns the API's handler.
func New(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Timeout == 0 {
		d.Timeout = 10 * time.Second
	}
	s := &Server{deps: d, log: d.Log, mux: chi.NewRouter()}
	if d.Limits.Anonymous > 0 || d.Limits.Known > 0 {
		s.limiter = newRateLimiter(d.Limits)
	}
	// Every answer, refusals included, carries the security headers; credentials are read
	// before the rate is counted, so a key is limited as itself.
	// HEAD is answered as GET without the body (curl -I, link checkers, load balancers).
	s.mux.Use(s.recoverPanics, secureHeaders, s.cors, s.identify, s.limitRate, middleware.GetHead)
	s.mux.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, geo.Errorf(geo.NotFound, "no such path: %s", r.URL.Path))
	})
	s.mux.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", s.allowedMethods(r.URL.Path))
		writeJSON(w, http.StatusMethodNotAllowed, wire.ErrorBody{Error: wire.ErrorDetail{
			Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path)}})
	})
	fast := s.mux.With(s.withTimeout(d.Timeout))
	fast.Get("/healthz", s.healthz)
	fast.Get("/readyz", s.readyz)
	// A lookup answered from memory never waits: resolvePoint sets the deadline itself,
	// only on the roads that query the database (a context and a copy of the request less
	// per lookup).
	s.mux.Get("/v1/resolve", s.resolvePoint)
	fast.Get("/v1/households/{id}/chain", s.householdChain)
	fast.Get("/v1/audit", s.auditLog)
	// A batch streams for as long as its input lasts (a million points), within a wider limit.
	batch := s.mux.With(s.withTimeout(time.Hour), bodyIdleTimeout(batchIdle))
	batch.Post("/v1/resolve", s.resolveBatch)
	batch.Post("/v1/households/chains", s.householdChains)
	s.routeTiles()
	s.routeExport()
	s.routeOGC()
	s.routeOGCChangeSets()
	s.routeChangeSets()
	s.routeCoverage()
	s.routeHistory()
	s.routeWeb()
	s.routeDirectory()
	return s
}

// allowedMethods lists the methods some route answers at path, for a 405's Allow header.
func (s *Server) allowedMethods(path string) string {
	var ms []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		if s.mux.Match(chi.NewRouteContext(), m, path) {
			ms = append(ms, m)
		}
	}
	return allowHeader(ms)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// recoverPanics turns a panic in a handler into a 500 in the shared error shape, so no
// request can take the server down.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, &geo.Error{Kind: geo.Internal, Message: "internal error", Err: fmt.Errorf("panic: %v", v)})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) withTimeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
