package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/bench/baseline"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
	"github.com/gridmap/gridmap/tiles"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// tileServer serves the sample's tile sets from memory; the private tileset opens to
// callers who may read personal data in the county (the administrator's key).
func tileServer(t *testing.T) (*postgis.DB, *tiles.Service, *httptest.Server) {
	t.Helper()
	db, _ := sampleServer(t)
	st, err := db.StateAt(context.Background(), true, true)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := tiles.NewService(geo.State{Seq: st.Seq, Units: st.Units, People: st.People,
		Features: st.Features, Households: st.Households}, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Deps{Resolver: db, Households: db, Ready: db.Ping, Tiles: svc,
		Auth: keysOnly(t, db), PrivateScope: []string{"520204"}}))
	t.Cleanup(srv.Close)
	return db, svc, srv
}

type tileResponse struct {
	status int
	header http.Header
	body   []byte
}

func getTile(t *testing.T, url string, header ...string) tileResponse {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// The transport must not undo the gzip: the test checks the encoding itself.
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return tileResponse{res.StatusCode, res.Header, b}
}

func tileURL(srv *httptest.Server, set string, tl maptile.Tile) string {
	return srv.URL + "/tiles/" + set + "/" + itoa(int(tl.Z)) + "/" + itoa(int(tl.X)) + "/" + itoa(int(tl.Y)) + ".mvt"
}

func itoa(n int) string { return strconv.Itoa(n) }

type errorResponse struct {
	Error struct {
		Status  int    `json:"status"`
		Code    string `json:"code"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"error"`
}

func getJSON(t *testing.T, url string) (int, errorResponse) {
	t.Helper()
	var e errorResponse
	code := getInto(t, url, &e)
	return code, e
}

func getInto(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("%s: %d, not JSON: %v", url, res.StatusCode, err)
	}
	return res.StatusCode
}

// layer returns the decoded layer of a tile by name, or nil.
func layer(t *testing.T, body []byte, gz bool, name string) *mvt.Layer {
	t.Helper()
	var ls mvt.Layers
	var err error
	if gz {
		ls, err = mvt.UnmarshalGzipped(body)
	} else {
		ls, err = mvt.Unmarshal(body)
	}
	if err != nil {
		t.Fatalf("decoding the tile: %v", err)
	}
	for _, l := range ls {
		if l.Name == name {
			return l
		}
	}
	return nil
}

func codesIn(l *mvt.Layer) map[string]map[string]any {
	m := map[string]map[string]any{}
	if l == nil {
		return m
	}
	for _, f := range l.Features {
		m[f.Properties["code"].(string)] = f.Properties
	}
	return m
}

// sampleGrid returns a grid of the sample with a grid worker, and its label point.
func sampleGrid(t *testing.T, db *postgis.DB) (geo.Unit, orb.Point) {
	t.Helper()
	st, err := db.StateAt(context.Background(), false, false)
	if err != nil {
		t.Fatal(err)
	}
	workers := tiles.Workers(st.People)
	for _, u := range st.Units {
		if u.Level == geo.Grid && workers[u.Code] != "" {
			return u, tiles.LabelPoint(u.Geom)
		}
	}
	t.Fatal("no grid with a worker in the sample")
	return geo.Unit{}, orb.Point{}
}

func TestTilesHoldTheGridsThatLieThere(t *testing.T) {
	db, _, srv := tileServer(t)
	g, at := sampleGrid(t, db)
	for _, z := range []maptile.Zoom{12, 14, 16} {
		tl := maptile.At(at, z)
		r := getTile(t, tileURL(srv, "public", tl))
		if r.status != 200 || r.header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
			t.Fatalf("z%d: status %d, type %q", z, r.status, r.header.Get("Content-Type"))
		}
		props, ok := codesIn(layer(t, r.body, false, "grid"))[g.Code]
		if !ok {
			t.Fatalf("z%d: grid %s is not in the tile over it", z, g.Code)
		}
		if props["name"] != g.Name || props["level"] != "grid" || props["grid_worker"] == "" {
			t.Errorf("z%d: grid properties %v", z, props)
		}
		if z >= 14 {
			if _, ok := codesIn(layer(t, r.body, false, "label"))[g.Code]; !ok {
				t.Errorf("z%d: no label for grid %s", z, g.Code)
			}
		}
		if layer(t, r.body, false, "household") != nil {
			t.Errorf("z%d: the public tile has a household layer", z)
		}
	}
	// Grids are not drawn at z8: the county is.
	r := getTile(t, tileURL(srv, "public", maptile.At(at, 8)))
	if r.status != 200 || layer(t, r.body, false, "grid") != nil || layer(t, r.body, false, "county") == nil {
		t.Errorf("z8: status %d; want the county and no grids", r.status)
	}
}

// The tile made in memory holds the same grids as the same tile made by ST_AsMVT in PostGIS.
func TestTilesAgreeWithPlainSTAsMVT(t *testing.T) {
	db, _, srv := tileServer(t)
	_, at := sampleGrid(t, db)
	for _, z := range []maptile.Zoom{12, 14} {
		tl := maptile.At(at, z)
		ours := codesIn(layer(t, getTile(t, tileURL(srv, "public", tl)).body, false, "grid"))
		plain, err := baseline.New(pgtest.Pool(t)).PlainTile(context.Background(), tiles.PublicLayers(), int(tl.Z), int(tl.X), int(tl.Y))
		if err != nil {
			t.Fatal(err)
		}
		theirs := codesIn(layer(t, plain, false, "grid"))
		if len(theirs) == 0 {
			t.Fatalf("z%d: the plain tile has no grids", z)
		}
		for code, props := range theirs {
			for k := range props {
				if k != "code" && k != "name" && k != "level" && k != "grid_worker" {
					t.Errorf("z%d: the ST_AsMVT tile has attribute %q on grid %s", z, k, code)
				}
			}
			if _, ok := ours[code]; !ok {
				t.Errorf("z%d: grid %s is in the ST_AsMVT tile, not in ours", z, code)
			}
		}
		for code := range ours {
			if _, ok := theirs[code]; !ok {
				t.Errorf("z%d: grid %s is in our tile, not in the ST_AsMVT one", z, code)
			}
		}
	}
}

func TestTileCachingGzipAndErrors(t *testing.T) {
	db, _, srv := tileServer(t)
	_, at := sampleGrid(t, db)
	url := tileURL(srv, "public", maptile.At(at, 14))

	plain := getTile(t, url)
	gz := getTile(t, url, "Accept-Encoding", "gzip")
	if gz.header.Get("Content-Encoding") != "gzip" || gz.header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip asked: headers %v", gz.header)
	}
	if len(codesIn(layer(t, gz.body, true, "grid"))) == 0 {
		t.Errorf("the gzipped tile has no grids")
	}
	etag := plain.header.Get("ETag")
	if etag == "" || etag == gz.header.Get("ETag") || !strings.HasPrefix(etag, `"`) {
		t.Errorf("ETags: identity %q, gzip %q: want strong and different", etag, gz.header.Get("ETag"))
	}
	if again := getTile(t, url); again.header.Get("ETag") != etag {
		t.Errorf("the same tile twice: ETags %q and %q", etag, again.header.Get("ETag"))
	}
	if r := getTile(t, url, "If-None-Match", etag); r.status != http.StatusNotModified || len(r.body) != 0 {
		t.Errorf("If-None-Match with the current ETag: %d, %d bytes", r.status, len(r.body))
	}
	if r := getTile(t, url, "If-None-Match", `"stale"`); r.status != 200 {
		t.Errorf("If-None-Match with another ETag: %d", r.status)
	}

	// Nothing lies in the Gulf of Guinea: empty tiles are 204 at every zoom.
	for _, z := range []maptile.Zoom{3, 10, 16} {
		if r := getTile(t, tileURL(srv, "public", maptile.At(orb.Point{1, 1}, z))); r.status != http.StatusNoContent {
			t.Errorf("empty tile at z%d: %d", z, r.status)
		}
	}

	for _, c := range []struct {
		path, field string
		status      int
	}{
		{"/tiles/public/x/1/1.mvt", "z", 400},
		{"/tiles/public/25/1/1.mvt", "z", 400},
		{"/tiles/public/3/8/1.mvt", "x", 400},
		{"/tiles/public/3/1/-1.mvt", "y", 400},
		{"/tiles/public/3/1/1.png", "y", 400},
		{"/tiles/nosuch/3/1/1.mvt", "", 404},
		{"/tiles/nosuch.json", "", 404},
		{"/styles/nosuch.json", "", 404},
		{"/tiles/private/3/1/1.mvt", "", 401},
		{"/tiles/private.json", "", 401},
	} {
		code, body := getJSON(t, srv.URL+c.path)
		if code != c.status || body.Error.Field != c.field || body.Error.Message == "" {
			t.Errorf("%s: %d %+v, want %d naming %q", c.path, code, body.Error, c.status, c.field)
		}
	}
}

func TestPrivateTilesetHasHouseholds(t *testing.T) {
	db, _, srv := tileServer(t)
	var id string
	var lon, lat float64
	if err := pgtest.Pool(t).QueryRow(context.Background(), `SELECT id, ST_X(geom), ST_Y(geom) FROM households ORDER BY id LIMIT 1`).Scan(&id, &lon, &lat); err != nil {
		t.Fatal(err)
	}
	tl := maptile.At(orb.Point{lon, lat}, 16)
	r := getTile(t, tileURL(srv, "private", tl), "Authorization", "Bearer "+adminToken)
	if r.status != 200 || !strings.Contains(r.header.Get("Cache-Control"), "private") {
		t.Fatalf("private tile with the token: %d, Cache-Control %q", r.status, r.header.Get("Cache-Control"))
	}
	found := false
	if l := layer(t, r.body, false, "household"); l != nil {
		for _, f := range l.Features {
			if f.Properties["id"] == id {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("household %s is not in the private tile over it", id)
	}
	if r := getTile(t, tileURL(srv, "private", tl), "Authorization", "Bearer wrong"); r.status != http.StatusUnauthorized {
		t.Errorf("private tile with a wrong token: %d", r.status)
	}
	// A town's viewer may read its households through the API, but not a county's tiles.
	_, town, err := db.CreateKey(context.Background(), "town viewer", []access.Grant{{Role: access.Viewer, Territory: id[:9]}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if r := getTile(t, tileURL(srv, "private", tl), "Authorization", "Bearer "+town); r.status != http.StatusForbidden || len(r.body) > 300 {
		t.Errorf("private tile for a town's viewer: %d %s", r.status, r.body)
	}
	if r := getTile(t, tileURL(srv, "public", tl)); r.status != 200 || layer(t, r.body, false, "household") != nil {
		t.Errorf("public tile at z16: %d, or it holds households", r.status)
	}
}

func TestTileJSONAndStyle(t *testing.T) {
	_, _, srv := tileServer(t)
	var tj struct {
		TileJSON string    `json:"tilejson"`
		Tiles    []string  `json:"tiles"`
		Bounds   []float64 `json:"bounds"`
		Layers   []struct {
			ID      string            `json:"id"`
			Fields  map[string]string `json:"fields"`
			MinZoom int               `json:"minzoom"`
		} `json:"vector_layers"`
	}
	if code := getInto(t, srv.URL+"/tiles/public.json", &tj); code != 200 {
		t.Fatalf("TileJSON: %d", code)
	}
	if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || tj.Tiles[0] != srv.URL+"/tiles/public/{z}/{x}/{y}.mvt" {
		t.Errorf("TileJSON %+v", tj)
	}
	// Other tests add units elsewhere: the west and south edges are 水城区's.
	if len(tj.Bounds) != 4 || tj.Bounds[0] < 104.5 || tj.Bounds[0] > 104.6 || tj.Bounds[1] < 26 || tj.Bounds[1] > 26.1 {
		t.Errorf("bounds %v: want 水城区's west and south", tj.Bounds)
	}
	ids := map[string]bool{}
	for _, l := range tj.Layers {
		ids[l.ID] = true
		if l.ID == "grid" && (l.Fields["grid_worker"] == "" || l.MinZoom != 12) {
			t.Errorf("grid layer %+v", l)
		}
	}
	if !ids["grid"] || !ids["label"] || !ids["road"] || ids["household"] {
		t.Errorf("layers %v", ids)
	}
	var style struct {
		Version int                       `json:"version"`
		Sources map[string]map[string]any `json:"sources"`
	}
	if code := getInto(t, srv.URL+"/styles/public.json", &style); code != 200 || style.Version != 8 ||
		style.Sources["public"]["url"] != srv.URL+"/tiles/public.json" {
		t.Errorf("style: %d %+v", code, style)
	}
	// A Host header from outside is never echoed into the URLs a client will follow.
	for _, host := range []string{"evil.example", "evil.example:80", "localhost.evil.example:8080"} {
		req, _ := http.NewRequest("GET", srv.URL+"/tiles/public.json", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.Contains(string(body), "evil") || !strings.Contains(string(body), srv.URL+"/tiles/public/") {
			t.Errorf("Host %s: %d %s", host, resp.StatusCode, body)
		}
	}
}

// With -public-url set, TileJSON and styles hand out URLs on it.
func TestPublicURL(t *testing.T) {
	_, svc, _ := tileServer(t)
	srv := httptest.NewServer(api.New(api.Deps{Tiles: svc, PublicURL: "https://map.example.gov.cn/"}))
	defer srv.Close()
	var tj struct {
		Tiles []string `json:"tiles"`
	}
	if code := getInto(t, srv.URL+"/tiles/public.json", &tj); code != 200 || len(tj.Tiles) != 1 || tj.Tiles[0] != "https://map.example.gov.cn/tiles/public/{z}/{x}/{y}.mvt" {
		t.Errorf("TileJSON behind a public URL: %d %v", code, tj.Tiles)
	}
}

// An edit reaches the tiles through the change log: the tiles over the edited grid change
// (new ETag, new content) and tiles elsewhere keep their ETag.
func TestTileInvalidationOnEdit(t *testing.T) {
	db, svc, srv := tileServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go db.Follow(ctx, svc, 50*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	g, at := sampleGrid(t, db)

	over := []maptile.Tile{maptile.At(at, 12), maptile.At(at, 14), maptile.At(at, 16)}
	// A tile at the other end of the county, at the same zooms.
	var far orb.Point
	if err := pgtest.Pool(t).QueryRow(ctx, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM units
		WHERE level = 'grid' ORDER BY ST_Distance(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) DESC LIMIT 1) x`, at[0], at[1]).Scan(&far[0], &far[1]); err != nil {
		t.Fatal(err)
	}
	away := []maptile.Tile{maptile.At(far, 12), maptile.At(far, 14), maptile.At(far, 16)}
	etags := map[maptile.Tile]string{}
	for _, tl := range append(over, away...) {
		r := getTile(t, tileURL(srv, "public", tl))
		if r.status != 200 {
			t.Fatalf("tile %v: %d", tl, r.status)
		}
		etags[tl] = r.header.Get("ETag")
	}

	newName := g.Name + "（改）"
	if _, err := pgtest.Pool(t).Exec(ctx, `UPDATE units SET name = $2 WHERE code = $1`, g.Code, newName); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pgtest.Pool(t).Exec(context.Background(), `UPDATE units SET name = $2 WHERE code = $1`, g.Code, g.Name)
	})
	deadline := time.Now().Add(2 * time.Second)
	for _, tl := range over {
		for {
			r := getTile(t, tileURL(srv, "public", tl))
			if r.header.Get("ETag") != etags[tl] {
				if p := codesIn(layer(t, r.body, false, "grid"))[g.Code]; p["name"] != newName {
					t.Errorf("tile %v changed but shows grid %s as %v", tl, g.Code, p["name"])
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("tile %v over the edited grid kept its ETag", tl)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for _, tl := range away {
		if r := getTile(t, tileURL(srv, "public", tl)); r.header.Get("ETag") != etags[tl] {
			t.Errorf("tile %v, away from the edit, changed its ETag", tl)
		}
	}
}
