package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// The change-set tests seed made-up counties 9906NN near 110°E 30°N (east and north of
// 水城区: the tile tests read its west and south bounds): a town with a village 0.02°
// square and two grids, its west and east halves, and serve them with keys of each role.
// Lookups go to PostGIS, so a publish shows at once.
type csFixture struct {
	srv                              *httptest.Server
	db                               *postgis.DB
	town, village, grid1, grid2      string
	x, y                             float64
	planner, outsider, viewer, admin string // bearer tokens
}

func newCSFixture(t *testing.T, county string, x float64) csFixture {
	t.Helper()
	db := pgtest.DB(t)
	ctx := context.Background()
	f := csFixture{db: db, town: county + "001", x: x, y: 30}
	f.village = f.town + "001"
	f.grid1, f.grid2 = f.village+"001", f.village+"002"
	const ins = `INSERT INTO units (code, level, name, parent_code, parent_level, geom)
VALUES ($1, $2, $3, nullif($4, ''), nullif($5, ''), ST_Multi(ST_MakeEnvelope($6, $7, $8, $9, 4326)))`
	for _, r := range []struct {
		code, level, parent, parentLevel string
		x0, x1                           float64
	}{
		{county, "county", "", "", x, x + 0.04},
		{f.town, "town", county, "county", x, x + 0.02},
		{county + "002", "town", county, "county", x + 0.02, x + 0.04},
		{f.village, "village", f.town, "town", x, x + 0.02},
		{f.grid1, "grid", f.village, "village", x, x + 0.01},
		{f.grid2, "grid", f.village, "village", x + 0.01, x + 0.02},
	} {
		if _, err := pgtest.Pool(t).Exec(ctx, ins, r.code, r.level, "试验"+r.level, r.parent, r.parentLevel, r.x0, f.y, r.x1, f.y+0.02); err != nil {
			t.Fatalf("seeding %s: %v", r.code, err)
		}
	}
	key := func(g access.Grant) string {
		_, tok, err := db.CreateKey(ctx, "changeset tests", []access.Grant{g}, "test")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	f.planner = key(access.Grant{Role: access.Planner, Territory: f.town})
	f.outsider = key(access.Grant{Role: access.Planner, Territory: county + "002"})
	f.viewer = key(access.Grant{Role: access.Viewer, Territory: f.town})
	f.admin = key(access.Grant{Role: access.Admin, Territory: county})
	f.srv = httptest.NewServer(api.New(api.Deps{Resolver: db, Households: db, Ready: db.Ping, Auth: keysOnly(t, db), Audit: db, ChangeSets: db}))
	t.Cleanup(f.srv.Close)
	return f
}

type csAnswer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// call sends a request as the holder of token ("" anonymous) with a JSON body (nil: none)
// and extra headers as name, value pairs.
func (f csFixture) call(t *testing.T, token, method, path string, body any, headers ...string) csAnswer {
	t.Helper()
	res, b := request(t, method, f.srv.URL+path, token, body, headers...)
	a := csAnswer{status: res.StatusCode, header: res.Header, raw: string(b)}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &a.body); err != nil {
			t.Fatalf("%s %s: csAnswer not a JSON object: %s", method, path, b)
		}
	}
	return a
}

func (a csAnswer) want(t *testing.T, status int) csAnswer {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.raw)
	}
	return a
}

// open opens a set on the village as the planner and returns its path.
func (f csFixture) open(t *testing.T, title string) string {
	t.Helper()
	a := f.call(t, f.planner, "POST", "/v1/changesets", map[string]any{"parent": f.village, "title": title}).want(t, 201)
	path := a.header.Get("Location")
	if path == "" || a.body["state"] != "open" || a.body["parent"] != f.village {
		t.Fatalf("opened %s at %q", a.raw, path)
	}
	return path
}

// features returns the features of a FeatureCollection csAnswer by their id.
func (a csAnswer) features(t *testing.T) map[string]map[string]any {
	t.Helper()
	fs, ok := a.body["features"].([]any)
	if !ok {
		t.Fatalf("not a FeatureCollection: %s", a.raw)
	}
	out := map[string]map[string]any{}
	for i, x := range fs {
		f, _ := x.(map[string]any)
		props, _ := f["properties"].(map[string]any)
		id, _ := f["id"].(string)
		if id == "" {
			id = fmt.Sprint(i)
		}
		out[id] = props
	}
	return out
}

func csBox(x0, y0, x1, y1 float64) map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

func gridFeature(name string, geom map[string]any) map[string]any {
	return map[string]any{"type": "Feature", "properties": map[string]any{"name": name, "level": "grid"}, "geometry": geom}
}

// resolvedGrid is the deepest code /v1/resolve answers for a point.
func (f csFixture) resolvedGrid(t *testing.T, lon, lat float64) string {
	t.Helper()
	a := f.call(t, "", "GET", fmt.Sprintf("/v1/resolve?lon=%v&lat=%v", lon, lat), nil).want(t, 200)
	links, _ := a.body["chain"].([]any)
	if len(links) == 0 {
		t.Fatalf("no chain: %s", a.raw)
	}
	last, _ := links[len(links)-1].(map[string]any)
	code, _ := last["code"].(string)
	return code
}

// A planner splits a grid; a stale If-Match changes nothing; nothing shows until publish;
// after it /v1/resolve answers the new grid for a point in the new half.
func TestChangeSetSplitPublishResolve(t *testing.T) {
	f := newCSFixture(t, "990601", 110)
	path := f.open(t, "split grid 1")
	units := f.call(t, f.planner, "GET", path+"/units", nil).want(t, 200)
	if ct := units.header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("Content-Type %q", ct)
	}
	us := units.features(t)
	etag, _ := us[f.grid1]["etag"].(string)
	if len(us) != 2 || etag != `"v1"` {
		t.Fatalf("units %s", units.raw)
	}
	// Someone else renames grid 1 in the set; the first writer's ETag is then stale.
	put := f.call(t, f.planner, "PUT", path+"/units/"+f.grid1, gridFeature("改名", csBox(f.x, f.y, f.x+0.01, f.y+0.02)), "If-Match", etag).want(t, 200)
	if put.header.Get("ETag") != `"v1.r1"` {
		t.Errorf("ETag after put %q", put.header.Get("ETag"))
	}
	f.call(t, f.planner, "PUT", path+"/units/"+f.grid1, gridFeature("stale", csBox(f.x, f.y, f.x+0.01, f.y+0.02)), "If-Match", etag).want(t, 412)
	if got := f.call(t, f.planner, "GET", path+"/units/"+f.grid1, nil).want(t, 200); got.header.Get("ETag") != `"v1.r1"` {
		t.Errorf("after the refused put: %s", got.raw)
	}

	line := map[string]any{"type": "LineString", "coordinates": [][]float64{{f.x + 0.004, f.y - 0.001}, {f.x + 0.004, f.y + 0.021}}}
	split := f.call(t, f.planner, "POST", path+"/split", map[string]any{"code": f.grid1, "line": line, "name": "西片"}).want(t, 200)
	newGrid := f.village + "003"
	if ps := split.features(t); len(ps) != 2 || ps[newGrid]["name"] != "西片" {
		t.Fatalf("split answered %s", split.raw)
	}
	if code := f.resolvedGrid(t, f.x+0.002, f.y+0.01); code != f.grid1 {
		t.Errorf("before publish the point resolves to %s, want %s", code, f.grid1)
	}
	v := f.call(t, f.planner, "POST", path+"/validate", nil).want(t, 200)
	for _, p := range v.features(t) {
		if p["severity"] == "error" {
			t.Errorf("finding after a split: %v", p)
		}
	}
	pub := f.call(t, f.planner, "POST", path+"/publish", nil).want(t, 200)
	if cs, _ := pub.body["changeset"].(map[string]any); cs["state"] != "published" {
		t.Errorf("published %s", pub.raw)
	}
	if code := f.resolvedGrid(t, f.x+0.002, f.y+0.01); code != newGrid {
		t.Errorf("after publish the point resolves to %s, want %s", code, newGrid)
	}
	if code := f.resolvedGrid(t, f.x+0.007, f.y+0.01); code != f.grid1 {
		t.Errorf("the kept half resolves to %s, want %s", code, f.grid1)
	}
	f.call(t, f.planner, "POST", path+"/discard", nil).want(t, 409)
}

// A drawn overlap is a finding; publish is refused (422) unless an administrator gives a
// reason, which a planner may not; the override is audited.
func TestChangeSetOverlapOverride(t *testing.T) {
	f := newCSFixture(t, "990602", 110.1)
	path := f.open(t, "overlap")
	f.call(t, f.planner, "PUT", path+"/units/"+f.grid1, gridFeature("大一片", csBox(f.x, f.y, f.x+0.012, f.y+0.02))).want(t, 200)
	v := f.call(t, f.planner, "POST", path+"/validate", nil).want(t, 200)
	fs := v.features(t)
	if len(fs) != 1 || fs["0"]["kind"] != "overlap" || fs["0"]["severity"] != "error" ||
		fmt.Sprint(fs["0"]["units"]) != fmt.Sprintf("[%s %s]", f.grid1, f.grid2) {
		t.Fatalf("findings %s", v.raw)
	}
	if a, _ := fs["0"]["area_m2"].(float64); a < 1e5 {
		t.Errorf("overlap area %v m²", fs["0"]["area_m2"])
	}
	f.call(t, f.planner, "POST", path+"/publish", nil).want(t, 422)
	f.call(t, f.planner, "POST", path+"/publish", map[string]any{"override_reason": "I say so"}).want(t, 403)
	pub := f.call(t, f.admin, "POST", path+"/publish", map[string]any{"override_reason": "the school straddles the line"}).want(t, 200)
	if pub.body["overridden"] != true {
		t.Errorf("publish %s", pub.raw)
	}
	audit := f.call(t, f.admin, "GET", "/v1/audit?territory="+f.village, nil).want(t, 200)
	if !strings.Contains(audit.raw, `"action":"publish"`) || !strings.Contains(audit.raw, "the school straddles the line") {
		t.Errorf("audit %s", audit.raw)
	}
}

// Two sets edit one grid: the second publish gets 409 naming it, keeps its edit and can be
// discarded.
func TestChangeSetsConflictHTTP(t *testing.T) {
	f := newCSFixture(t, "990603", 110.2)
	a, b := f.open(t, "a"), f.open(t, "b")
	for i, p := range []string{a, b} {
		f.call(t, f.planner, "PUT", p+"/units/"+f.grid2, gridFeature(fmt.Sprintf("set %d", i), csBox(f.x+0.01, f.y, f.x+0.02, f.y+0.02))).want(t, 200)
	}
	f.call(t, f.planner, "POST", a+"/publish", nil).want(t, 200)
	c := f.call(t, f.planner, "POST", b+"/publish", nil).want(t, 409)
	if fmt.Sprint(c.body["units"]) != fmt.Sprintf("[%s]", f.grid2) {
		t.Errorf("conflict %s", c.raw)
	}
	kept := f.call(t, f.planner, "GET", b+"/units/"+f.grid2, nil).want(t, 200)
	if props, _ := kept.body["properties"].(map[string]any); props["name"] != "set 1" {
		t.Errorf("the refused set lost its edit: %s", kept.raw)
	}
	if d := f.call(t, f.planner, "POST", b+"/discard", nil).want(t, 200); d.body["state"] != "discarded" {
		t.Errorf("discard %s", d.raw)
	}
}

// Who may call what: refusals carry the status and no data.
func TestChangeSetAccess(t *testing.T) {
	f := newCSFixture(t, "990604", 110.3)
	path := f.open(t, "access")
	outsideVillage := "990604002001"
	cases := []struct {
		name, token, method, path string
		body                      any
		status                    int
		says                      string
	}{
		{"anonymous", "", "GET", path + "/units", nil, 401, ""},
		{"viewer", f.viewer, "GET", path + "/units", nil, 403, ""},
		{"planner of another town", f.outsider, "GET", path + "/units", nil, 403, f.village},
		{"planner of another town publishes", f.outsider, "POST", path + "/publish", nil, 403, f.village},
		{"planner opens outside the town", f.planner, "POST", "/v1/changesets", map[string]any{"parent": outsideVillage, "title": "x"}, 403, outsideVillage},
		{"unknown set", f.planner, "GET", "/v1/changesets/999999999", nil, 404, ""},
		{"bad id", f.planner, "GET", "/v1/changesets/x1", nil, 400, `"field":"id"`},
		{"split without a line", f.planner, "POST", path + "/split", map[string]any{"code": f.grid1}, 400, `"field":"line"`},
		{"unit outside the parent", f.planner, "PUT", path + "/units/990604002001001", gridFeature("x", csBox(f.x, f.y, f.x+0.01, f.y+0.01)), 400, `"field":"code"`},
		{"open without a title", f.planner, "POST", "/v1/changesets", map[string]any{"parent": f.village}, 400, `"field":"title"`},
		{"unknown field", f.planner, "POST", path + "/merge", map[string]any{"code": f.grid1, "into": f.grid2}, 400, `"field":"into"`},
		{"create without a parent", f.planner, "POST", path + "/units", gridFeature("新", csBox(f.x, f.y, f.x+0.001, f.y+0.001)), 400, `"field":"parent_code"`},
		{"create", f.planner, "POST", path + "/units", map[string]any{"type": "Feature", "geometry": csBox(f.x, f.y, f.x+0.001, f.y+0.001),
			"properties": map[string]any{"name": "新", "level": "grid", "parent_code": f.village}}, 201, f.village + "003"},
		{"planner of the town", f.planner, "GET", path + "/units", nil, 200, f.grid1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := f.call(t, c.token, c.method, c.path, c.body).want(t, c.status)
			if !strings.Contains(a.raw, c.says) {
				t.Errorf("csAnswer %s does not say %q", a.raw, c.says)
			}
			if c.status >= 400 && (strings.Contains(a.raw, "features") || strings.Contains(a.raw, "试验")) {
				t.Errorf("refusal carries data: %s", a.raw)
			}
		})
	}
}
