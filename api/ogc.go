package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gridmap/gridmap/geo"
)

// OGC API - Features (Part 1 Core with GeoJSON, Part 2's CRS parameters for CRS84, Part 3
// queryables and CQL2 text filters): the published units of every level and the reference
// layers, read-only and public, at /ogc/. Households are personal data and never served
// here.

// The media types OGC API - Features answers with.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaSchema  = "application/schema+json"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

// ogcConformance lists the conformance classes every landing page implements.
var ogcConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
}

// ogcSite is one OGC API landing page and what it serves: the public one at /ogc, or later a
// change set's own.
type ogcSite struct {
	root        string // the landing page's path without its trailing slash
	title       string
	reader      geo.ItemReader
	collections []geo.Collection
	conformance []string
	changeSet   *geo.ChangeSet // the change set a writable page edits; nil for /ogc
}

// ogcLink is a link of the standard's documents.
type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

func (s *Server) routeOGC() {
	if s.deps.Items == nil {
		return
	}
	public := func(*http.Request) (*ogcSite, error) {
		return &ogcSite{root: "/ogc", title: "gridmap: published units and reference layers", reader: s.deps.Items,
			collections: geo.Collections, conformance: ogcConformance}, nil
	}
	r := s.mux.With(s.withTimeout(s.deps.Timeout))
	r.Get("/ogc", func(w http.ResponseWriter, r *http.Request) {
		to := "/ogc/"
		if r.URL.RawQuery != "" {
			to += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", to) // relative: never built from the Host header
		w.WriteHeader(http.StatusMovedPermanently)
	})
	s.routeOGCSite(r, "/ogc", public, false)
}

// routeOGCSite registers the read endpoints of a landing page at root, and OPTIONS on its
// items naming the methods they take (QGIS learns from them whether it may edit).
func (s *Server) routeOGCSite(r chi.Router, root string, site func(*http.Request) (*ogcSite, error), writable bool) {
	on := func(h func(http.ResponseWriter, *http.Request, *ogcSite)) http.HandlerFunc { return s.onSite(site, h) }
	r.Get(root+"/", on(s.ogcLanding))
	r.Get(root+"/api", on(s.ogcAPI))
	r.Get(root+"/conformance", on(s.ogcConformance))
	r.Get(root+"/collections", on(s.ogcCollections))
	r.Get(root+"/collections/{collection}", on(s.ogcCollection))
	r.Get(root+"/collections/{collection}/queryables", on(s.ogcQueryables))
	r.Get(root+"/collections/{collection}/items", on(s.ogcItems))
	r.Get(root+"/collections/{collection}/items/{feature}", on(s.ogcItem))
	items, item := "GET, HEAD, OPTIONS", "GET, HEAD, OPTIONS"
	if writable {
		items, item = "GET, HEAD, OPTIONS, POST", "DELETE, GET, HEAD, OPTIONS, PATCH, PUT"
	}
	r.Options(root+"/collections/{collection}/items", on(s.ogcAllow(items)))
	r.Options(root+"/collections/{collection}/items/{feature}", on(s.ogcAllow(item)))
}

// onSite resolves the landing page a request is for (which may refuse the caller) and
// hands it to h.
func (s *Server) onSite(site func(*http.Request) (*ogcSite, error), h func(http.ResponseWriter, *http.Request, *ogcSite)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, err := site(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r, st)
	}
}

// ogcAllow answers OPTIONS with the methods a collection's items take.
func (s *Server) ogcAllow(methods string) func(http.ResponseWriter, *http.Request, *ogcSite) {
	return func(w http.ResponseWriter, r *http.Request, st *ogcSite) {
		if _, err := st.collectionOf(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Allow", methods)
		w.WriteHeader(http.StatusNoContent)
	}
}

// url is the absolute URL of a path of the site, on the configured public URL.
func (st *ogcSite) url(s *Server, r *http.Request, path string) string {
	return s.baseURL(r) + st.root + path
}

func (s *Server) ogcLanding(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	if err := readFormat(r.URL.Query()); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOGC(w, http.StatusOK, mediaJSON, map[string]any{
		"title":       st.title,
		"description": "OGC API - Features: the units of every level (county, town, village, group, grid) and the reference layers, in CRS84.",
		"links": []ogcLink{
			{Href: st.url(s, r, "/"), Rel: "self", Type: mediaJSON, Title: "this document"},
			{Href: st.url(s, r, "/api"), Rel: "service-desc", Type: mediaOpenAPI, Title: "the API definition"},
			{Href: st.url(s, r, "/conformance"), Rel: "conformance", Type: mediaJSON, Title: "the conformance classes implemented"},
			{Href: st.url(s, r, "/collections"), Rel: "data", Type: mediaJSON, Title: "the collections"},
		},
	})
}

func (s *Server) ogcConformance(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	if err := readFormat(r.URL.Query()); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOGC(w, http.StatusOK, mediaJSON, map[string]any{"conformsTo": st.conformance})
}

func (s *Server) ogcCollections(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	if err := readFormat(r.URL.Query()); err != nil {
		s.writeError(w, r, err)
		return
	}
	extents, err := st.reader.Extents(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]map[string]any, len(st.collections))
	for i, c := range st.collections {
		out[i] = st.describe(s, r, c, extents)
	}
	writeOGC(w, http.StatusOK, mediaJSON, map[string]any{
		"links":       []ogcLink{{Href: st.url(s, r, "/collections"), Rel: "self", Type: mediaJSON, Title: "this document"}},
		"collections": out,
	})
}

func (s *Server) ogcCollection(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	c, err := st.collectionOf(r)
	if err == nil {
		err = readFormat(r.URL.Query())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	extents, err := st.reader.Extents(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOGC(w, http.StatusOK, mediaJSON, st.describe(s, r, c, extents))
}

// collectionOf returns the site's collection the path names; NotFound when there is none.
func (st *ogcSite) collectionOf(r *http.Request) (geo.Collection, error) {
	id := chi.URLParam(r, "collection")
	for _, c := range st.collections {
		if c.ID == id {
			return c, nil
		}
	}
	return geo.Collection{}, geo.Errorf(geo.NotFound, "no collection %q: the collections are listed at %s/collections", id, st.root)
}

// describe is a collection's description, with its extent when it has features.
func (st *ogcSite) describe(s *Server, r *http.Request, c geo.Collection, extents map[string]geo.Extent) map[string]any {
	path := "/collections/" + c.ID
	d := map[string]any{
		"id":          c.ID,
		"title":       c.Title,
		"description": st.describeCollection(c),
		"itemType":    "feature",
		"crs":         answerCRSs,
		"storageCrs":  crs84,
		"links": []ogcLink{
			{Href: st.url(s, r, path), Rel: "self", Type: mediaJSON, Title: "this collection"},
			{Href: st.url(s, r, path+"/items"), Rel: "items", Type: mediaGeoJSON, Title: "its features"},
			{Href: st.url(s, r, path+"/queryables"), Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: mediaSchema, Title: "the properties a filter may name"},
		},
	}
	if e, ok := extents[c.ID]; ok {
		ext := map[string]any{}
		if !e.Empty {
			ext["spatial"] = map[string]any{"bbox": [][]float64{{e.BBox.Min[0], e.BBox.Min[1], e.BBox.Max[0], e.BBox.Max[1]}}, "crs": crs84}
		}
		if !e.Since.IsZero() {
			ext["temporal"] = map[string]any{"interval": [][]any{{e.Since.UTC().Format(time.RFC3339), nil}},
				"trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
		}
		d["extent"] = ext
	}
	return d
}

// describeCollection says what a collection of the site holds.
func (st *ogcSite) describeCollection(c geo.Collection) string {
	if st.changeSet == nil {
		return c.Description
	}
	return fmt.Sprintf("Every %s under %s as change set %d would leave it; none of it is published until the set is.", c.Level, st.changeSet.Parent, st.changeSet.ID)
}

// ogcQueryables answers the JSON Schema of the properties a filter may name.
func (s *Server) ogcQueryables(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	c, err := st.collectionOf(r)
	if err == nil {
		err = readFormat(r.URL.Query())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	props := map[string]any{}
	for _, q := range c.Queryables {
		props[q.Name] = map[string]any{"title": q.Name, "description": q.Description, "type": q.Type}
	}
	writeOGC(w, http.StatusOK, mediaSchema, map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  st.url(s, r, "/collections/"+c.ID+"/queryables"),
		"type":                 "object",
		"title":                c.Title,
		"properties":           props,
		"additionalProperties": false,
	})
}

// writeOGC writes v as JSON with the given media type.
func writeOGC(w http.ResponseWriter, status int, mediaType string, v any) {
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Debug("writing response", "err", err)
	}
}

// answerCRSs are the CRSs items are served in (crs=): CRS84, and the CGCS2000 3-degree
// Gauss–Krüger zones without a zone prefix (EPSG:4534-4554), which surveyors use; the other
// zones (EPSG:4491-4533) are taken too.
var answerCRSs = func() []string {
	out := []string{crs84}
	for code := 4534; code <= 4554; code++ {
		out = append(out, fmt.Sprintf("%s%d", gkPrefix, code))
	}
	return out
}()
