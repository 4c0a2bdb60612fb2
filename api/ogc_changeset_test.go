package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// ogcSetFixture is a made-up county 990501 near 122°E 32°N (north and east of 水城区: the tile
// tests expect its west and south edges): a town, a village 0.02° square and two grids (its
// west and east halves), with a change set over the village and keys.
type ogcSetFixture struct {
	srv                    *httptest.Server
	set                    string // the change set's landing page, ending in /
	village, grid1, grid2  string
	planner, other, viewer string // tokens: a planner of the village, of another county, a viewer of the village
	x, y                   float64
}

func ogcChangeSetFixture(t *testing.T) ogcSetFixture {
	t.Helper()
	db, _ := sampleServer(t)
	ctx := context.Background()
	f := ogcSetFixture{village: "990501001001", x: 122, y: 32}
	f.grid1, f.grid2 = f.village+"001", f.village+"002"
	const ins = `INSERT INTO units (code, level, name, parent_code, parent_level, geom)
VALUES ($1, $2, $3, nullif($4, ''), nullif($5, ''), ST_Multi(ST_MakeEnvelope($6, $7, $8, $9, 4326)))
ON CONFLICT (code) DO NOTHING`
	for _, u := range []struct {
		code, level, parent, parentLevel string
		x0, x1                           float64
	}{
		{"990501", "county", "", "", f.x, f.x + 0.02},
		{"990501001", "town", "990501", "county", f.x, f.x + 0.02},
		{f.village, "village", "990501001", "town", f.x, f.x + 0.02},
		{f.grid1, "grid", f.village, "village", f.x, f.x + 0.01},
		{f.grid2, "grid", f.village, "village", f.x + 0.01, f.x + 0.02},
	} {
		if _, err := pgtest.Pool(t).Exec(ctx, ins, u.code, u.level, "试验"+u.level, u.parent, u.parentLevel, u.x0, f.y, u.x1, f.y+0.02); err != nil {
			t.Fatalf("seeding %s: %v", u.code, err)
		}
	}
	cs, err := db.OpenChangeSet(ctx, f.village, "redraw the grids", "test")
	if err != nil {
		t.Fatal(err)
	}
	key := func(g access.Grant) string {
		_, tok, err := db.CreateKey(ctx, t.Name()+" "+g.String(), []access.Grant{g}, "test")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	f.planner = key(access.Grant{Role: access.Planner, Territory: f.village})
	f.other = key(access.Grant{Role: access.Planner, Territory: "520204"})
	f.viewer = key(access.Grant{Role: access.Viewer, Territory: f.village})
	f.srv = httptest.NewUnstartedServer(nil)
	f.srv.Config.Handler = api.New(api.Deps{Resolver: db, Households: db, Ready: db.Ping, Items: db, OGCChangeSets: db,
		Auth: keysOnly(t, db), PublicURL: "http://" + f.srv.Listener.Addr().String()})
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	f.set = fmt.Sprintf("%s/changesets/%d/", f.srv.URL, cs.ID)
	return f
}

// send sends a request with a token (none when empty) and header pairs, and returns the
// answer and its JSON body.
func send(t *testing.T, method, u, token string, body any, header ...string) (*http.Response, map[string]any) {
	t.Helper()
	resp, raw := request(t, method, u, token, body, header...)
	var out map[string]any
	if len(raw) > 0 {
		json.Unmarshal(raw, &out)
	}
	return resp, out
}

// request sends method to u with a token (none when empty), body as JSON (nil: none) and
// header pairs, without following redirects, and returns the answer and its body.
func request(t *testing.T, method, u, token string, body any, header ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, raw
}

// square is a GeoJSON polygon of the box, with its coordinates longitude first, or
// latitude first for EPSG:4326.
func square(x0, y0, x1, y1 float64, latFirst bool) map[string]any {
	ring := [][]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	if latFirst {
		for i, p := range ring {
			ring[i] = []float64{p[1], p[0]}
		}
	}
	return map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}}
}

func feature(props map[string]any, geom map[string]any) map[string]any {
	f := map[string]any{"type": "Feature", "properties": props}
	if geom != nil {
		f["geometry"] = geom
	}
	return f
}

// propName returns a feature's name property.
func propName(body map[string]any) string {
	p, _ := body["properties"].(map[string]any)
	s, _ := p["name"].(string)
	return s
}

// A client edits a change set as QGIS does: OPTIONS to learn it may, POST with Content-Crs,
// PUT, DELETE, without If-Match; the edits show in the set and not in the published data.
func TestOGCChangeSetEditsLikeQGIS(t *testing.T) {
	f := ogcChangeSetFixture(t)
	items := f.set + "collections/grid/items"

	resp, landing := send(t, "GET", f.set, f.planner, nil)
	if resp.StatusCode != 200 || link(landing, "data") != f.set+"collections" {
		t.Fatalf("landing page: %d %v", resp.StatusCode, landing)
	}
	_, conf := send(t, "GET", f.set+"conformance", f.planner, nil)
	if classes, _ := conf["conformsTo"].([]any); !slices.Contains(classes, any("http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete")) {
		t.Fatalf("conformance lacks Part 4: %v", classes)
	}
	_, apiDoc := send(t, "GET", f.set+"api", f.planner, nil)
	paths, _ := apiDoc["paths"].(map[string]any)
	itemOps, _ := paths["/collections/{collectionId}/items/{featureId}"].(map[string]any)
	if itemOps["put"] == nil || itemOps["patch"] == nil || itemOps["delete"] == nil {
		t.Fatalf("the API definition lacks the writes: %v", itemOps)
	}
	_, colls := send(t, "GET", f.set+"collections", f.planner, nil)
	var ids []string
	for _, c := range colls["collections"].([]any) {
		ids = append(ids, c.(map[string]any)["id"].(string))
	}
	if !slices.Equal(ids, []string{"group", "grid"}) {
		t.Fatalf("a village's change set serves %v, want its group and grid levels", ids)
	}
	for _, tc := range []struct{ url, allow string }{
		{items, "GET, HEAD, OPTIONS, POST"},
		{items + "/" + f.grid1, "DELETE, GET, HEAD, OPTIONS, PATCH, PUT"},
		{f.srv.URL + "/ogc/collections/grid/items", "GET, HEAD, OPTIONS"},
	} {
		resp, _ := send(t, "OPTIONS", tc.url, f.planner, nil)
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Allow") != tc.allow {
			t.Fatalf("OPTIONS %s: %d Allow %q, want %q", tc.url, resp.StatusCode, resp.Header.Get("Allow"), tc.allow)
		}
	}
	_, page := send(t, "GET", items, f.planner, nil)
	if got := featureIDs(page); !slices.Equal(got, []string{f.grid1, f.grid2}) {
		t.Fatalf("the set shows grids %v", got)
	}

	// POST a new grid without a code, as QGIS does, drawn latitude first as EPSG:4326 orders
	// its axes: it gets the next free code under the village.
	resp, created := send(t, "POST", items, f.planner,
		feature(map[string]any{"name": "新网格"}, square(f.x+0.002, f.y+0.002, f.x+0.004, f.y+0.004, true)),
		"Content-Type", "application/geo+json", "Content-Crs", "<http://www.opengis.net/def/crs/EPSG/0/4326>")
	code, _ := created["id"].(string)
	if resp.StatusCode != http.StatusCreated || len(code) != 15 || !strings.HasPrefix(code, f.village) || code <= f.grid2 ||
		resp.Header.Get("Location") != items+"/"+code || resp.Header.Get("ETag") == "" {
		t.Fatalf("POST: %d Location %q ETag %q %v", resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("ETag"), created)
	}
	// A client may also name the code.
	named := f.village + "099"
	if resp, body := send(t, "POST", items, f.planner, feature(map[string]any{"code": named, "name": "编号网格"},
		square(f.x+0.005, f.y+0.005, f.x+0.006, f.y+0.006, false))); resp.StatusCode != http.StatusCreated || body["id"] != named {
		t.Fatalf("POST with a code: %d %v", resp.StatusCode, body)
	}
	resp, got := send(t, "GET", items+"/"+code, f.planner, nil)
	g, _ := got["geometry"].(map[string]any)
	first := fmt.Sprint(g["coordinates"])
	if resp.StatusCode != 200 || propName(got) != "新网格" || !strings.HasPrefix(first, "[[[[122.002 32.002]") {
		t.Fatalf("the new grid reads back %d %s %v (want longitude first)", resp.StatusCode, first, got)
	}

	// PUT renames a stored grid, in CRS84 and without If-Match; the published grid stays.
	resp, before := send(t, "GET", items+"/"+f.grid1, f.planner, nil)
	oldTag := resp.Header.Get("ETag")
	resp, put := send(t, "PUT", items+"/"+f.grid1, f.planner,
		feature(map[string]any{"code": f.grid1, "name": "改名网格", "version": 1}, before["geometry"].(map[string]any)),
		"Content-Crs", "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>")
	newTag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || propName(put) != "改名网格" || newTag == "" || newTag == oldTag {
		t.Fatalf("PUT: %d ETag %q (was %q) %v", resp.StatusCode, newTag, oldTag, put)
	}
	if _, pub := send(t, "GET", f.srv.URL+"/ogc/collections/grid/items/"+f.grid1, "", nil); propName(pub) != "试验grid" {
		t.Fatalf("an unpublished edit reached /ogc: %v", pub)
	}

	// A stale If-Match changes nothing: 412.
	resp, _ = send(t, "PATCH", items+"/"+f.grid1, f.planner, map[string]any{"properties": map[string]any{"name": "迟到的"}},
		"If-Match", oldTag, "Content-Type", "application/merge-patch+json")
	if resp.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("PATCH with a stale If-Match: %d, want 412", resp.StatusCode)
	}
	if _, now := send(t, "GET", items+"/"+f.grid1, f.planner, nil); propName(now) != "改名网格" {
		t.Fatalf("a refused PATCH changed the grid: %v", now)
	}
	// With the current ETag it goes through, and only the name changes.
	resp, patched := send(t, "PATCH", items+"/"+f.grid1, f.planner, map[string]any{"properties": map[string]any{"name": "再改名"}},
		"If-Match", newTag)
	if resp.StatusCode != 200 || propName(patched) != "再改名" || fmt.Sprint(patched["geometry"]) != fmt.Sprint(before["geometry"]) {
		t.Fatalf("PATCH: %d %v", resp.StatusCode, patched)
	}

	// DELETE with a stale ETag is refused; without If-Match it deletes.
	if resp, _ := send(t, "DELETE", items+"/"+f.grid1, f.planner, nil, "If-Match", newTag); resp.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("DELETE with a stale If-Match: %d, want 412", resp.StatusCode)
	}
	for _, c := range []string{code, named} {
		if resp, _ := send(t, "DELETE", items+"/"+c, f.planner, nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("DELETE %s: %d", c, resp.StatusCode)
		}
	}
	if resp, _ := send(t, "GET", items+"/"+code, f.planner, nil); resp.StatusCode != 404 {
		t.Fatalf("a deleted grid: %d, want 404", resp.StatusCode)
	}
	_, page = send(t, "GET", items, f.planner, nil)
	if got := featureIDs(page); !slices.Equal(got, []string{f.grid1, f.grid2}) {
		t.Fatalf("after the edits the set shows %v", got)
	}
}

// Refusals: who may not, and what may not be sent. A refusal carries none of the set.
func TestOGCChangeSetRefusals(t *testing.T) {
	f := ogcChangeSetFixture(t)
	items := f.set + "collections/grid/items"
	good := feature(map[string]any{"code": f.village + "009", "name": "x"}, square(f.x+0.001, f.y+0.001, f.x+0.002, f.y+0.002, false))
	cases := []struct {
		name, method, url, token string
		body                     any
		header                   []string
		status                   int
		field                    string
	}{
		{"anonymous", "GET", f.set, "", nil, nil, 401, ""},
		{"anonymous items", "GET", items, "", nil, nil, 401, ""},
		{"another territory", "GET", items, f.other, nil, nil, 403, ""},
		{"a viewer", "POST", items, f.viewer, good, nil, 403, ""},
		{"unknown set", "GET", f.srv.URL + "/changesets/999999/", f.planner, nil, nil, 404, ""},
		{"not a set number", "GET", f.srv.URL + "/changesets/x/", f.planner, nil, nil, 404, ""},
		{"reference layers are not edited", "GET", f.set + "collections/road/items", f.planner, nil, nil, 404, ""},
		{"no writes on /ogc", "POST", f.srv.URL + "/ogc/collections/grid/items", f.planner, good, nil, 405, ""},
		{"another CRS", "POST", items, f.planner, good, []string{"Content-Crs", "<http://www.opengis.net/def/crs/EPSG/0/3857>"}, 400, "Content-Crs"},
		{"not GeoJSON", "POST", items, f.planner, good, []string{"Content-Type", "text/csv"}, 400, "Content-Type"},
		{"no name", "POST", items, f.planner, feature(map[string]any{"code": f.village + "009"}, square(122, 32, 122.001, 32.001, false)), nil, 400, "name"},
		{"a parent outside the set", "POST", items, f.planner, feature(map[string]any{"name": "x", "parent_code": "520204103200"}, square(122, 32, 122.001, 32.001, false)), nil, 400, "parent_code"},
		{"no boundary", "POST", items, f.planner, feature(map[string]any{"code": f.village + "009", "name": "x"}, nil), nil, 400, "geometry"},
		{"a point", "POST", items, f.planner, feature(map[string]any{"code": f.village + "009", "name": "x"}, map[string]any{"type": "Point", "coordinates": []float64{122, 32}}), nil, 400, "geometry"},
		{"outside the world", "POST", items, f.planner, feature(map[string]any{"code": f.village + "009", "name": "x"}, square(122, 95, 122.001, 95.001, false)), nil, 400, "geometry"},
		{"code exists", "POST", items, f.planner, feature(map[string]any{"code": f.grid2, "name": "x"}, square(122, 32, 122.001, 32.001, false)), nil, 409, ""},
		{"code of a unit at another level", "POST", f.set + "collections/group/items", f.planner, feature(map[string]any{"code": f.grid2, "name": "x"}, square(122, 32, 122.001, 32.001, false)), nil, 409, ""},
		{"code of another unit", "PUT", items + "/" + f.grid2, f.planner, feature(map[string]any{"code": f.grid1, "name": "x"}, square(122, 32, 122.001, 32.001, false)), nil, 400, "code"},
		{"PUT without a boundary", "PUT", items + "/" + f.grid2, f.planner, feature(map[string]any{"name": "x"}, nil), nil, 400, "geometry"},
		{"PUT of no unit", "PUT", items + "/" + f.village + "777", f.planner, good, nil, 404, ""},
		{"stale If-Match on no unit", "DELETE", items + "/" + f.village + "777", f.planner, nil, []string{"If-Match", `"v1"`}, 412, ""},
		{"no history in a set", "GET", items + "?datetime=2026-01-01", f.planner, nil, nil, 400, "datetime"},
		{"name not a string", "PATCH", items + "/" + f.grid2, f.planner, map[string]any{"properties": map[string]any{"name": 3}}, nil, 400, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(t, tc.method, tc.url, tc.token, tc.body, tc.header...)
			e, _ := body["error"].(map[string]any)
			if resp.StatusCode != tc.status || tc.field != "" && e["field"] != tc.field {
				t.Fatalf("%d %v, want %d about %q", resp.StatusCode, body, tc.status, tc.field)
			}
			if resp.StatusCode == 401 || resp.StatusCode == 403 {
				if raw, _ := json.Marshal(body); strings.Contains(string(raw), "试验") || strings.Contains(string(raw), "redraw") {
					t.Fatalf("a refusal carries the set's data: %s", raw)
				}
			}
		})
	}
	// Nothing refused was stored.
	_, page := send(t, "GET", items, f.planner, nil)
	if got := featureIDs(page); !slices.Equal(got, []string{f.grid1, f.grid2}) {
		t.Fatalf("after refusals the set shows %v", got)
	}
	_, g2 := send(t, "GET", items+"/"+f.grid2, f.planner, nil)
	if propName(g2) != "试验grid" {
		t.Fatalf("a refused write changed %s: %v", f.grid2, g2)
	}
}
