package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// ogcServer serves the sample over real HTTP with OGC API - Features on. Its public URL is
// the address it listens on, so clients such as GDAL can follow the links it hands out.
func ogcServer(t *testing.T) *httptest.Server {
	t.Helper()
	db, _ := sampleServer(t)
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = api.New(api.Deps{Resolver: db, Households: db, Ready: db.Ping, Items: db,
		Auth: keysOnly(t, db), PublicURL: "http://" + srv.Listener.Addr().String()})
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// ogcGet fetches a URL and decodes its JSON body (nil when there is none).
func ogcGet(t *testing.T, u string, header ...string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // redirects are not followed
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("%s: %v in %q", u, err, raw)
		}
	}
	return resp, body
}

// link returns the href of the first link with this rel, "" when there is none.
func link(body map[string]any, rel string) string {
	links, _ := body["links"].([]any)
	for _, l := range links {
		if m, _ := l.(map[string]any); m["rel"] == rel {
			s, _ := m["href"].(string)
			return s
		}
	}
	return ""
}

func TestOGCLandingPageAndConformance(t *testing.T) {
	srv := ogcServer(t)
	resp, _ := ogcGet(t, srv.URL+"/ogc?f=json")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/ogc/?f=json" {
		t.Fatalf("/ogc: %d to %q, want a redirect to /ogc/?f=json", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A Host header from outside never reaches the links: they are on the public URL.
	resp, body := ogcGet(t, srv.URL+"/ogc/", "Host", "evil.example")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/ogc/: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for rel, path := range map[string]string{"self": "/ogc/", "service-desc": "/ogc/api", "conformance": "/ogc/conformance", "data": "/ogc/collections"} {
		if got := link(body, rel); got != srv.URL+path {
			t.Errorf("link %s = %q, want %q", rel, got, srv.URL+path)
		}
	}
	_, conf := ogcGet(t, srv.URL+"/ogc/conformance")
	classes, _ := conf["conformsTo"].([]any)
	for _, want := range []string{"ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson",
		"ogcapi-features-3/1.0/conf/filter", "ogcapi-features-3/1.0/conf/queryables", "cql2/1.0/conf/cql2-text"} {
		if !slices.ContainsFunc(classes, func(c any) bool { s, _ := c.(string); return strings.HasSuffix(s, want) }) {
			t.Errorf("conformance lacks %s: %v", want, classes)
		}
	}
	req, _ := http.NewRequest("HEAD", srv.URL+"/ogc/collections", nil)
	if head, err := http.DefaultClient.Do(req); err != nil || head.StatusCode != 200 || head.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("HEAD /ogc/collections: %v %v", head, err)
	}
	resp, doc := ogcGet(t, srv.URL+"/ogc/api")
	paths, _ := doc["paths"].(map[string]any)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "openapi") || paths["/collections/{collectionId}/items"] == nil {
		t.Fatalf("/ogc/api: %d %s, paths %v", resp.StatusCode, resp.Header.Get("Content-Type"), paths)
	}
}

func TestOGCCollections(t *testing.T) {
	srv := ogcServer(t)
	resp, body := ogcGet(t, srv.URL+"/ogc/collections")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	list, _ := body["collections"].([]any)
	var ids []string
	for _, c := range list {
		m, _ := c.(map[string]any)
		id, _ := m["id"].(string)
		ids = append(ids, id)
		if items := link(m, "items"); items != srv.URL+"/ogc/collections/"+id+"/items" {
			t.Errorf("%s: items link %q", id, items)
		}
	}
	want := []string{"county", "town", "village", "group", "grid", "courtyard", "relocation_site", "valley", "road", "compound", "enterprise"}
	if !slices.Equal(ids, want) {
		t.Fatalf("collections %v, want %v (households never)", ids, want)
	}

	resp, grid := ogcGet(t, srv.URL+"/ogc/collections/grid")
	ext, _ := grid["extent"].(map[string]any)
	spatial, _ := ext["spatial"].(map[string]any)
	bbox, _ := spatial["bbox"].([]any)
	var x0, y0, x1, y1 float64
	if err := pgtest.Pool(t).QueryRow(context.Background(), `
		SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM units WHERE level = 'grid') x`).
		Scan(&x0, &y0, &x1, &y1); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(bbox) != 1 || !slices.Equal(bbox[0].([]any), []any{x0, y0, x1, y1}) {
		t.Fatalf("grid: %d, bbox %v, want %v", resp.StatusCode, bbox, []float64{x0, y0, x1, y1})
	}

	for _, path := range []string{"/ogc/collections/household", "/ogc/collections/nope", "/ogc/collections/nope/items",
		"/ogc/collections/nope/queryables", "/ogc/collections/grid/items/nope", "/ogc/collections/household/items/1"} {
		if resp, _ := ogcGet(t, srv.URL+path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestOGCQueryables(t *testing.T) {
	srv := ogcServer(t)
	cases := []struct {
		collection string
		props      []string
	}{
		{"grid", []string{"code", "name", "parent_code", "version"}},
		{"road", []string{"county_code", "id", "name", "version"}},
	}
	for _, tc := range cases {
		t.Run(tc.collection, func(t *testing.T) {
			resp, body := ogcGet(t, srv.URL+"/ogc/collections/"+tc.collection+"/queryables")
			props, _ := body["properties"].(map[string]any)
			var names []string
			for n := range props {
				names = append(names, n)
			}
			slices.Sort(names)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/schema+json" ||
				!slices.Equal(names, tc.props) || body["type"] != "object" || body["$id"] != srv.URL+"/ogc/collections/"+tc.collection+"/queryables" {
				t.Fatalf("%d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
		})
	}
}

// featureIDs returns the ids of a page's features.
func featureIDs(body map[string]any) []string {
	var ids []string
	fs, _ := body["features"].([]any)
	for _, f := range fs {
		m, _ := f.(map[string]any)
		id, _ := m["id"].(string)
		ids = append(ids, id)
	}
	return ids
}

func dbCodes(t *testing.T, query string, args ...any) []string {
	t.Helper()
	rows, err := pgtest.Pool(t).Query(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
	}
	return codes
}

// Following next links from the first page reads every grid once, in code order, and prev
// goes back.
func TestOGCItemsPaging(t *testing.T) {
	srv := ogcServer(t)
	want := dbCodes(t, `SELECT code FROM units WHERE level = 'grid' ORDER BY code`)
	var got []string
	next := srv.URL + "/ogc/collections/grid/items?limit=400"
	for pages := 0; next != ""; pages++ {
		if pages > len(want)/400+1 {
			t.Fatalf("more pages than %d grids need", len(want))
		}
		resp, body := ogcGet(t, next)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/geo+json" ||
			resp.Header.Get("Content-Crs") != "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>" {
			t.Fatalf("%s: %d %q %q", next, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Crs"))
		}
		ids := featureIDs(body)
		if body["numberMatched"] != float64(len(want)) || body["numberReturned"] != float64(len(ids)) || body["type"] != "FeatureCollection" {
			t.Fatalf("%s: matched %v returned %v of %d", next, body["numberMatched"], body["numberReturned"], len(ids))
		}
		if pages == 1 {
			if prev := link(body, "prev"); prev != srv.URL+"/ogc/collections/grid/items?limit=400" {
				t.Fatalf("prev of page 2: %q", prev)
			}
		}
		got = append(got, ids...)
		next = link(body, "next")
		if next != "" && !strings.HasPrefix(next, srv.URL+"/ogc/collections/grid/items?") {
			t.Fatalf("next link %q is not on the public URL", next)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("read %d grids, want the %d of the database in code order", len(got), len(want))
	}
}

func TestOGCItemsLimit(t *testing.T) {
	srv := ogcServer(t)
	grids := len(dbCodes(t, `SELECT code FROM units WHERE level = 'grid'`))
	cases := []struct {
		name, query string
		returned    int
		selfLimit   string
	}{
		{"default", "", 10, "10"},
		{"given", "limit=3", 3, "3"},
		{"past the maximum is clamped", "limit=20000", min(grids, 10000), "10000"},
		{"offset", "limit=5&offset=" + itoa(grids-2), 2, "5"},
		{"offset past the end", "offset=" + itoa(grids+5), 0, "10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := ogcGet(t, srv.URL+"/ogc/collections/grid/items?"+tc.query)
			self, err := url.Parse(link(body, "self"))
			if resp.StatusCode != 200 || err != nil || len(featureIDs(body)) != tc.returned || self.Query().Get("limit") != tc.selfLimit {
				t.Fatalf("%d: %d features, self %q", resp.StatusCode, len(featureIDs(body)), link(body, "self"))
			}
		})
	}
}

// Every bad parameter is a 400 that names it.
func TestOGCItemsBadParameters(t *testing.T) {
	srv := ogcServer(t)
	cases := []struct{ query, field string }{
		{"limit=0", "limit"},
		{"limit=ten", "limit"},
		{"offset=-1", "offset"},
		{"bbox=1,2,3", "bbox"},
		{"bbox=a,b,c,d", "bbox"},
		{"bbox=0x1,2,3,4", "bbox"},
		{"bbox=170,0,190,1", "bbox"},
		{"bbox=105,27,104,28", "bbox"},
		{"bbox=104,28,105,27", "bbox"},
		{"bbox=104,26,105,27&bbox-crs=EPSG:3857", "bbox-crs"},
		{"bbox-crs=EPSG:3857", "bbox-crs"},
		{"crs=http://www.opengis.net/def/crs/EPSG/0/3857", "crs"},
		{"datetime=yesterday", "datetime"},
		{"datetime=2026-02-01/2026-01-01", "datetime"},
		{"filter-lang=cql2-json&filter=x", "filter-lang"},
		{"filter=name%20%3D", "filter"},
		{"filter=nope%20%3D%20'x'", "filter"},
		{"filter=version%20%3D%20'x'", "filter"},
		{"filter=name%20LIKE%203", "filter"},
		{"filter=" + strings.Repeat("x", 17<<10), "filter"},
		{"filter-crs=EPSG:3857", "filter-crs"},
		{"filter=" + url.QueryEscape(`"name; DROP TABLE units" = 'x'`), "filter"},
		{"f=html", "f"},
		{"unknown=1", "unknown"},
		{"id=1", "id"},
		{"limit=1&limit=2", "limit"},
		{"version=abc", "version"},
	}
	for _, tc := range cases {
		t.Run(tc.query[:min(len(tc.query), 40)], func(t *testing.T) {
			resp, body := ogcGet(t, srv.URL+"/ogc/collections/grid/items?"+tc.query)
			e, _ := body["error"].(map[string]any)
			if resp.StatusCode != 400 || e["field"] != tc.field {
				t.Fatalf("%d %v, want 400 about %s", resp.StatusCode, body, tc.field)
			}
		})
	}
	for _, q := range []string{"unknown=1", "datetime=soon", "crs=EPSG:3857", "f=xml"} {
		resp, body := ogcGet(t, srv.URL+"/ogc/collections/grid/items/x?"+q)
		if e, _ := body["error"].(map[string]any); resp.StatusCode != 400 || e["field"] != strings.Split(q, "=")[0] {
			t.Errorf("item ?%s: %d %v", q, resp.StatusCode, body)
		}
	}
}

// bbox selects what intersects the box, read in lon/lat for CRS84 and lat/lon for EPSG:4326
// and EPSG:4490.
func TestOGCItemsBBox(t *testing.T) {
	srv := ogcServer(t)
	const box = `ST_MakeEnvelope(104.80, 26.50, 104.85, 26.55, 4326)`
	want := dbCodes(t, `SELECT code FROM units WHERE level = 'grid' AND ST_Intersects(geom, `+box+`) ORDER BY code`)
	if len(want) < 2 {
		t.Fatalf("the box holds %d grids: move it onto the sample", len(want))
	}
	for _, q := range []string{"bbox=104.80,26.50,104.85,26.55", "bbox=104.80,26.50,0,104.85,26.55,100",
		"bbox=26.50,104.80,26.55,104.85&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326",
		"bbox=26.50,104.80,26.55,104.85&bbox-crs=EPSG:4490",
		"bbox=104.80,26.50,104.85,26.55&bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84"} {
		resp, body := ogcGet(t, srv.URL+"/ogc/collections/grid/items?limit=1000&"+q)
		if got := featureIDs(body); resp.StatusCode != 200 || !slices.Equal(got, want) {
			t.Errorf("%s: %d, %d grids, want %d", q, resp.StatusCode, len(got), len(want))
		}
	}
}

// Property parameters and CQL2 filters select the same features as SQL written by hand.
func TestOGCItemsFilters(t *testing.T) {
	srv := ogcServer(t)
	village := dbCodes(t, `SELECT parent_code FROM units WHERE level = 'grid' ORDER BY code LIMIT 1 OFFSET 40`)[0]
	some := dbCodes(t, `SELECT code FROM units WHERE level = 'grid' ORDER BY code LIMIT 3 OFFSET 100`)
	cases := []struct {
		name, collection, query, sql string
	}{
		{"parent_code parameter", "grid", "parent_code=" + village, `level = 'grid' AND parent_code = '` + village + `'`},
		{"name parameter", "village", "name=" + url.QueryEscape("坪地村村民委员会"), `level = 'village' AND name = '坪地村村民委员会'`},
		{"version parameter", "grid", "version=1&parent_code=" + village, `level = 'grid' AND version = 1 AND parent_code = '` + village + `'`},
		{"equals", "grid", "filter=parent_code%3D'" + village + "'", `level = 'grid' AND parent_code = '` + village + `'`},
		{"as QGIS sends it", "grid", "filter-lang=cql2-text&filter=" + url.QueryEscape(`("parent_code" = '`+village+`') AND ("name" LIKE '%1网格')`),
			`level = 'grid' AND parent_code = '` + village + `' AND name LIKE '%1网格'`},
		{"in", "grid", "filter=" + url.QueryEscape(`code IN ('`+strings.Join(some, "','")+`')`), `level = 'grid' AND code IN ('` + strings.Join(some, "','") + `')`},
		{"not in, or", "town", "filter=" + url.QueryEscape(`code NOT IN ('520204001') OR name = 'x'`), `level = 'town' AND code <> '520204001'`},
		{"not, comparisons", "grid", "filter=" + url.QueryEscape(`NOT (code < '`+some[0]+`' OR code >= '`+some[2]+`')`),
			`level = 'grid' AND code >= '` + some[0] + `' AND code < '` + some[2] + `'`},
		{"between", "grid", "filter=" + url.QueryEscape(`code BETWEEN '`+some[0]+`' AND '`+some[1]+`'`), `level = 'grid' AND code BETWEEN '` + some[0] + `' AND '` + some[1] + `'`},
		{"numbers", "grid", "filter=" + url.QueryEscape(`version > 0.5 AND version <> 7 AND parent_code = '`+village+`'`), `level = 'grid' AND parent_code = '` + village + `'`},
		{"is null", "county", "filter=parent_code%20IS%20NULL", `level = 'county'`},
		{"is not null", "county", "filter=parent_code%20IS%20NOT%20NULL", `false`},
		{"property against property", "grid", "filter=code%3Dparent_code", `false`},
		{"quotes stay inside the value", "grid", "filter=" + url.QueryEscape(`name = 'x''; DROP TABLE units; --'`), `false`},
		{"reference layer", "road", "filter=" + url.QueryEscape(`county_code = '520204' AND id LIKE 'road%'`), `layer = 'road' AND id LIKE 'road%'`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			table, key := "units", "code"
			if tc.collection == "road" {
				table, key = "features", "id"
			}
			want := dbCodes(t, `SELECT `+key+` FROM `+table+` WHERE `+tc.sql+` ORDER BY 1`)
			resp, body := ogcGet(t, srv.URL+"/ogc/collections/"+tc.collection+"/items?limit=10000&"+tc.query)
			got := featureIDs(body)
			if resp.StatusCode != 200 || !slices.Equal(got, want) || body["numberMatched"] != float64(len(want)) {
				t.Fatalf("%d: %d features %v, want %d", resp.StatusCode, len(got), body["error"], len(want))
			}
			if tc.sql != "false" && len(want) == 0 {
				t.Fatalf("the case selects nothing: it cannot tell a filter that works from one that drops everything")
			}
		})
	}
}

func TestOGCItem(t *testing.T) {
	srv := ogcServer(t)
	var code, name, parent string
	var version int
	if err := pgtest.Pool(t).QueryRow(context.Background(), `SELECT code, name, parent_code, version FROM units WHERE level = 'grid' ORDER BY code LIMIT 1 OFFSET 7`).
		Scan(&code, &name, &parent, &version); err != nil {
		t.Fatal(err)
	}
	u := srv.URL + "/ogc/collections/grid/items/" + code
	resp, body := ogcGet(t, u)
	props, _ := body["properties"].(map[string]any)
	g, _ := body["geometry"].(map[string]any)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/geo+json" || body["id"] != code ||
		props["name"] != name || props["parent_code"] != parent || props["version"] != float64(version) ||
		g["type"] != "MultiPolygon" || link(body, "self") != u || resp.Header.Get("ETag") == "" {
		t.Fatalf("%d %v %v", resp.StatusCode, resp.Header, body)
	}
	if resp, _ := ogcGet(t, u, "If-None-Match", resp.Header.Get("ETag")); resp.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match with its ETag: %d, want 304", resp.StatusCode)
	}
	// A unit of another level is not a grid.
	if resp, _ := ogcGet(t, srv.URL+"/ogc/collections/grid/items/"+parent); resp.StatusCode != 404 {
		t.Fatalf("a village among the grids: %d, want 404", resp.StatusCode)
	}
}

// datetime reads the version valid at an instant, from units and unit_history.
func TestOGCItemsDatetime(t *testing.T) {
	srv := ogcServer(t)
	ctx := context.Background()
	pool := pgtest.Pool(t)
	const code = "990401"
	if _, err := pool.Exec(ctx, `INSERT INTO units (code, level, name, geom) VALUES
		($1, 'county', '旧名县', ST_Multi('SRID=4326;POLYGON((121 31, 121.1 31, 121.1 31.1, 121 31.1, 121 31))'::geometry))`, code); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Exec(context.Background(), `DELETE FROM units WHERE code = $1`, code) })
	if _, err := pool.Exec(ctx, `UPDATE units SET name = '新名县' WHERE code = $1`, code); err != nil {
		t.Fatal(err)
	}
	var created, renamed time.Time
	if err := pool.QueryRow(ctx, `SELECT h.valid_from, u.valid_from FROM units u JOIN unit_history h USING (code) WHERE code = $1`, code).
		Scan(&created, &renamed); err != nil {
		t.Fatal(err)
	}
	at := func(t time.Time) string { return url.QueryEscape(t.UTC().Format(time.RFC3339Nano)) }
	cases := []struct {
		name, datetime, want string
	}{
		{"now", "", "新名县"},
		{"at creation", at(created), "旧名县"},
		{"between", at(created.Add((renamed.Sub(created)) / 2)), "旧名县"},
		{"at the rename", at(renamed), "新名县"},
		{"before it existed", at(created.Add(-time.Second)), ""},
		{"an interval takes the latest", at(created) + "/" + at(renamed), "新名县"},
		{"an interval before the rename", "../" + at(renamed.Add(-time.Microsecond)), "旧名县"},
		{"an open interval", at(created) + "/..", "新名县"},
		{"a day long ago", "2001-01-01", ""},
		{"a time zone's + not encoded", renamed.UTC().Format("2006-01-02T15:04:05.999999999-07:00"), "新名县"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := "?filter=code%3D'" + code + "'"
			iq := ""
			if tc.datetime != "" {
				q += "&datetime=" + tc.datetime
				iq = "?datetime=" + tc.datetime
			}
			resp, body := ogcGet(t, srv.URL+"/ogc/collections/county/items"+q)
			var got string
			if fs, _ := body["features"].([]any); len(fs) == 1 {
				got, _ = fs[0].(map[string]any)["properties"].(map[string]any)["name"].(string)
			}
			if resp.StatusCode != 200 || got != tc.want {
				t.Fatalf("items: %d, name %q, want %q (%v)", resp.StatusCode, got, tc.want, body["error"])
			}
			resp, item := ogcGet(t, srv.URL+"/ogc/collections/county/items/"+code+iq)
			props, _ := item["properties"].(map[string]any)
			if tc.want == "" && resp.StatusCode != 404 || tc.want != "" && (resp.StatusCode != 200 || props["name"] != tc.want) {
				t.Fatalf("item: %d, %v, want %q", resp.StatusCode, item, tc.want)
			}
		})
	}
}

// The collections come from the domain's one list: every level and every reference layer.
func TestOGCCollectionsCoverLevelsAndLayers(t *testing.T) {
	if got, want := len(geo.Collections), len(geo.Levels)+len(geo.Layers); got != want {
		t.Fatalf("%d collections, want %d", got, want)
	}
}
