package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gridmap/gridmap/geo"
	"github.com/paulmach/orb/geojson"
)

// ogcFeature is a feature as GeoJSON, with the id at the top as OGC API - Features has it.
type ogcFeature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties map[string]any    `json:"properties"`
	Links      []ogcLink         `json:"links,omitempty"`
}

type ogcFeatureCollection struct {
	Type           string       `json:"type"`
	Features       []ogcFeature `json:"features"`
	NumberMatched  int          `json:"numberMatched"`
	NumberReturned int          `json:"numberReturned"`
	TimeStamp      string       `json:"timeStamp"`
	Links          []ogcLink    `json:"links"`
}

func featureOf(it geo.Item) ogcFeature {
	f := ogcFeature{Type: "Feature", ID: it.ID, Properties: it.Props}
	if it.Geom != nil {
		f.Geometry = geojson.NewGeometry(it.Geom)
	}
	return f
}

// ogcItems serves /collections/{id}/items: a page of features with links to the pages
// before and after it, on the configured public URL.
func (s *Server) ogcItems(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	c, err := st.collectionOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q, err := readItemsQuery(c, r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page, err := st.reader.Items(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	fc := ogcFeatureCollection{Type: "FeatureCollection", Features: make([]ogcFeature, len(page.Items)),
		NumberMatched: page.Matched, NumberReturned: len(page.Items), TimeStamp: time.Now().UTC().Format(time.RFC3339)}
	for i, it := range page.Items {
		fc.Features[i] = featureOf(it)
	}
	path := "/collections/" + c.ID + "/items"
	fc.Links = []ogcLink{
		{Href: st.pageURL(s, r, path, q.Limit, q.Offset), Rel: "self", Type: mediaGeoJSON, Title: "this page"},
		{Href: st.url(s, r, "/collections/"+c.ID), Rel: "collection", Type: mediaJSON, Title: "the collection"},
	}
	if q.Offset+len(page.Items) < page.Matched {
		fc.Links = append(fc.Links, ogcLink{Href: st.pageURL(s, r, path, q.Limit, q.Offset+q.Limit), Rel: "next", Type: mediaGeoJSON, Title: "the next page"})
	}
	if q.Offset > 0 {
		fc.Links = append(fc.Links, ogcLink{Href: st.pageURL(s, r, path, q.Limit, max(0, q.Offset-q.Limit)), Rel: "prev", Type: mediaGeoJSON, Title: "the previous page"})
	}
	w.Header().Set("Content-Crs", contentCRS(q.SRID))
	writeOGC(w, http.StatusOK, mediaGeoJSON, fc)
}

// pageURL is the items URL with the request's parameters and this limit and offset.
func (st *ogcSite) pageURL(s *Server, r *http.Request, path string, limit, offset int) string {
	v := url.Values{}
	for k, vals := range r.URL.Query() {
		v[k] = vals
	}
	v.Set("limit", strconv.Itoa(limit))
	v.Del("offset")
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	return st.url(s, r, path) + "?" + v.Encode()
}

// ogcItem serves /collections/{id}/items/{featureId}, with its version as the ETag.
func (s *Server) ogcItem(w http.ResponseWriter, r *http.Request, st *ogcSite) {
	c, err := st.collectionOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := r.URL.Query()
	for name := range v {
		if name != "f" && name != "crs" && name != "datetime" {
			s.writeError(w, r, geo.FieldError(name, "unknown parameter: a feature takes f, crs and datetime"))
			return
		}
	}
	if err := readFormat(v); err != nil {
		s.writeError(w, r, err)
		return
	}
	srid, err := readOutputCRS(v.Get("crs"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var at *geo.Interval
	if d, ok := v["datetime"]; ok {
		if at, err = readDatetime(d[0]); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	id := chi.URLParam(r, "feature")
	it, err := st.reader.Item(r.Context(), c, id, at, srid)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	etag := it.ETag
	w.Header().Set("ETag", etag)
	if matchesETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	f := featureOf(it)
	base := "/collections/" + c.ID
	f.Links = []ogcLink{
		{Href: st.url(s, r, base+"/items/"+url.PathEscape(it.ID)), Rel: "self", Type: mediaGeoJSON, Title: "this feature"},
		{Href: st.url(s, r, base), Rel: "collection", Type: mediaJSON, Title: "the collection"},
	}
	w.Header().Set("Content-Crs", contentCRS(srid))
	writeOGC(w, http.StatusOK, mediaGeoJSON, f)
}
