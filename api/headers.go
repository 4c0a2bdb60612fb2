package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gridmap/gridmap/tiles"
)

// contentSecurityPolicy lets the map page run MapLibre (its workers start from blob: URLs,
// its styles are inline, tiles and images come from this server, and basemap tiles from the
// configured basemaps' origins) and nothing else.
func contentSecurityPolicy(basemaps []tiles.Basemap) string {
	remote := ""
	for _, b := range basemaps {
		if o := b.Origin(); o != "" && !strings.Contains(remote, " "+o) {
			remote += " " + o
		}
	}
	return "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src blob:; " +
		"style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:" + remote + "; connect-src 'self'" + remote + "; font-src 'self' data:; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
}

// secureHeaders sets the headers every answer carries: no MIME sniffing, no referrer leaks.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Shared value slices (canonical keys, never appended to) spare the hot path an
		// allocation per header per request.
		h := w.Header()
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = noReferrer
		next.ServeHTTP(w, r)
	})
}

// pageHeaders adds what only documents a browser renders need (the map page and its files):
// no framing by other sites, and the content security policy. JSON and tiles are never
// rendered as pages, and the lookups are the hot path.
func (s *Server) pageHeaders(next http.Handler) http.Handler {
	csp := []string{contentSecurityPolicy(s.deps.Basemaps)}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Frame-Options"] = deny
		h["Content-Security-Policy"] = csp
		next.ServeHTTP(w, r)
	})
}

var (
	nosniff    = []string{"nosniff"}
	deny       = []string{"DENY"}
	noReferrer = []string{"no-referrer"}
)

// cors lets dashboards on the configured origins call the API from their pages. An origin
// not listed gets no CORS headers, so browsers keep its pages out; "*" allows any origin
// (fine for public data: credentials travel as bearer tokens, never as cookies).
func (s *Server) cors(next http.Handler) http.Handler {
	origins := s.deps.CORSOrigins
	if len(origins) == 0 {
		return next
	}
	any := slices.Contains(origins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || !(any || slices.Contains(origins, origin)) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", "ETag, Retry-After")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, If-None-Match, Content-Crs")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allowHeader lists the methods a path answers to, for the Allow header of a 405.
func allowHeader(methods []string) string {
	slices.Sort(methods)
	return strings.Join(slices.Compact(methods), ", ")
}
