package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/postgis"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

type resolveBody struct {
	geo.Chain
	Message string `json:"message"`
	Error   struct {
		Status  int    `json:"status"`
		Code    string `json:"code"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"error"`
}

func get(t *testing.T, url string) (int, resolveBody, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

// do sends req and reads the answer as get does.
func do(t *testing.T, req *http.Request) (int, resolveBody, string) {
	t.Helper()
	url := req.URL.String()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var b resolveBody
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("%s: body is not JSON: %s", url, raw)
	}
	return resp.StatusCode, b, string(raw)
}

// coveringGrids is the independent answer: every grid whose boundary covers the point,
// smallest code first.
func coveringGrids(t *testing.T, db *postgis.DB, lon, lat float64) []string {
	t.Helper()
	rows, err := pgtest.Pool(t).Query(context.Background(), `
		SELECT code FROM units WHERE level = 'grid'
		AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code`, lon, lat)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		codes = append(codes, c)
	}
	return codes
}

func grid(c geo.Chain) string {
	if len(c.Links) == 0 {
		return ""
	}
	return c.Links[len(c.Links)-1].Code
}

func TestResolveAgreesWithSTCoversOnRandomPoints(t *testing.T) {
	db, servers := bothResolvers(t)
	for name, srv := range servers {
		t.Run(name, func(t *testing.T) { agreeOnRandomPoints(t, db, srv.URL) })
	}
}

func agreeOnRandomPoints(t *testing.T, db *postgis.DB, url string) {
	var minX, minY, maxX, maxY float64
	pgtest.Pool(t).QueryRow(context.Background(), `SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)
		FROM units WHERE code = '520204'`).Scan(&minX, &minY, &maxX, &maxY)
	rng := rand.New(rand.NewSource(3))
	inside, outside := 0, 0
	for i := 0; i < 2000; i++ {
		lon, lat := minX+rng.Float64()*(maxX-minX), minY+rng.Float64()*(maxY-minY)
		want := coveringGrids(t, db, lon, lat)
		status, b, raw := get(t, fmt.Sprintf("%s/v1/resolve?lon=%v&lat=%v", url, lon, lat))
		var inCounty bool
		pgtest.Pool(t).QueryRow(context.Background(), `SELECT ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
			FROM units WHERE code = '520204'`, lon, lat).Scan(&inCounty)
		switch {
		case !inCounty:
			outside++
			if status != http.StatusNotFound || len(want) != 0 {
				t.Fatalf("(%v,%v) outside the county: status %d, grids %v: %s", lon, lat, status, want, raw)
			}
		default:
			inside++
			// No gaps, no overlaps: a random point inside the county lies in exactly one grid.
			if len(want) != 1 {
				t.Fatalf("(%v,%v): %d grids cover a random point: %v", lon, lat, len(want), want)
			}
			if status != http.StatusOK || grid(b.Chain) != want[0] || !b.Complete {
				t.Fatalf("(%v,%v): got %d %s, want grid %s", lon, lat, status, raw, want[0])
			}
			checkChainShape(t, b.Chain)
		}
	}
	if inside < 500 || outside < 100 {
		t.Fatalf("too few points tested: %d inside, %d outside", inside, outside)
	}
}

// checkChainShape checks county → town → village → grid, each a code prefix of the next,
// with people at every level.
func checkChainShape(t *testing.T, c geo.Chain) {
	t.Helper()
	levels := []geo.Level{geo.County, geo.Town, geo.Village, geo.Grid}
	if len(c.Links) != len(levels) {
		t.Fatalf("chain has %d links, want %d: %+v", len(c.Links), len(levels), c.Links)
	}
	for i, l := range c.Links {
		if l.Level != levels[i] {
			t.Fatalf("link %d is %s, want %s", i, l.Level, levels[i])
		}
		if i > 0 && !strings.HasPrefix(l.Code, c.Links[i-1].Code) {
			t.Fatalf("%s does not extend its parent %s", l.Code, c.Links[i-1].Code)
		}
		if len(l.People) == 0 {
			t.Fatalf("%s %s has nobody answerable", l.Level, l.Code)
		}
	}
}

// Every vertex of some grids is shared with neighbours: the answer must be the smallest
// code among the grids that cover it (geo.EdgeRule), and the midpoints of edges likewise.
func TestResolveSharedVerticesAndEdgesFollowTheEdgeRule(t *testing.T) {
	db, servers := bothResolvers(t)
	for name, srv := range servers {
		t.Run(name, func(t *testing.T) { followEdgeRule(t, db, srv.URL) })
	}
}

func followEdgeRule(t *testing.T, db *postgis.DB, url string) {
	rows, err := pgtest.Pool(t).Query(context.Background(), `
		WITH some_grids AS (SELECT geom FROM units WHERE level = 'grid' ORDER BY code LIMIT 40 OFFSET 100),
		pts AS (SELECT (ST_DumpPoints(geom)).geom AS p FROM some_grids)
		SELECT DISTINCT ST_X(p), ST_Y(p) FROM pts`)
	if err != nil {
		t.Fatal(err)
	}
	type pt struct{ x, y float64 }
	var pts []pt
	for rows.Next() {
		var p pt
		rows.Scan(&p.x, &p.y)
		pts = append(pts, p)
	}
	shared := 0
	for i, p := range pts {
		cands := []pt{p}
		if i+1 < len(pts) { // a point half way to the next vertex lies on an edge when they are adjacent
			cands = append(cands, pt{(p.x + pts[i+1].x) / 2, (p.y + pts[i+1].y) / 2})
		}
		for _, q := range cands {
			want := coveringGrids(t, db, q.x, q.y)
			if len(want) == 0 {
				continue
			}
			if len(want) > 1 {
				shared++
			}
			status, b, raw := get(t, fmt.Sprintf("%s/v1/resolve?lon=%v&lat=%v", url, q.x, q.y))
			if status != http.StatusOK || grid(b.Chain) != want[0] {
				t.Fatalf("(%v,%v) covered by %v: got %d %s", q.x, q.y, want, status, raw)
			}
		}
	}
	if shared < 100 {
		t.Fatalf("only %d shared vertices or edge points were tested", shared)
	}
}

func TestResolveBadParameters(t *testing.T) {
	_, srv := sampleServer(t)
	cases := []struct {
		name, query, field, says string
		status                   int
	}{
		{"missing lon", "lat=26.5", "lon", "missing", 400},
		{"missing lat", "lon=104.8", "lat", "missing", 400},
		{"not a number", "lon=abc&lat=26.5", "lon", "not a number", 400},
		{"NaN", "lon=NaN&lat=26.5", "lon", "not a number", 400},
		{"lon out of range", "lon=190&lat=26.5", "lon", "out of range", 400},
		{"swapped", "lon=26.5&lat=104.8", "lat", "swapped", 400},
		{"outside the data", "lon=116.4&lat=39.9", "", "outside the data", 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, b, raw := get(t, srv.URL+"/v1/resolve?"+tc.query)
			if status != tc.status || b.Error.Status != tc.status || b.Error.Field != tc.field ||
				!strings.Contains(b.Error.Message, tc.says) {
				t.Fatalf("got %d %s; want %d naming field %q and saying %q", status, raw, tc.status, tc.field, tc.says)
			}
		})
	}
}

// A village that no grid covers answers the chain down to the village and says the grid
// level is missing.
func TestResolveVillageWithoutGrid(t *testing.T) {
	_, srv := sampleServer(t)
	ctx := context.Background()
	_, err := pgtest.Pool(t).Exec(ctx, `
		INSERT INTO units (code, level, name, parent_code, parent_level, geom) VALUES
		('990301', 'county', '测试县', NULL, NULL, ST_Multi('SRID=4326;POLYGON((120 30, 120.1 30, 120.1 30.1, 120 30.1, 120 30))'::geometry)),
		('990301001', 'town', '测试镇', '990301', 'county', ST_Multi('SRID=4326;POLYGON((120 30, 120.1 30, 120.1 30.1, 120 30.1, 120 30))'::geometry)),
		('990301001001', 'village', '测试村', '990301001', 'town', ST_Multi('SRID=4326;POLYGON((120 30, 120.1 30, 120.1 30.1, 120 30.1, 120 30))'::geometry))
		ON CONFLICT DO NOTHING`)
	if err != nil {
		t.Fatal(err)
	}
	status, b, raw := get(t, srv.URL+"/v1/resolve?lon=120.05&lat=30.05")
	if status != 200 || b.Complete || b.Missing != "grid" || len(b.Links) != 3 ||
		b.Links[2].Code != "990301001001" || !strings.Contains(b.Message, "grid level is missing") {
		t.Fatalf("got %d %s", status, raw)
	}
}

func TestHouseholdChain(t *testing.T) {
	_, srv := sampleServer(t)
	var id, unit string
	var lon, lat float64
	pgtest.Pool(t).QueryRow(context.Background(), `SELECT id, unit_code, ST_X(geom), ST_Y(geom) FROM households ORDER BY id LIMIT 1 OFFSET 777`).
		Scan(&id, &unit, &lon, &lat)
	req, _ := http.NewRequest("GET", srv.URL+"/v1/households/"+id+"/chain", nil)
	resp, err := http.DefaultClient.Do(asAdmin(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var hc geo.HouseholdChain
	if err := json.NewDecoder(resp.Body).Decode(&hc); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	if hc.Household.ID != id || hc.Unit.Code != unit || len(hc.Unit.People) == 0 || hc.Unit.People[0].Role != geo.UnitHead {
		t.Fatalf("household %s in unit %s: got %+v", id, unit, hc)
	}
	if g := grid(hc.Chain); !strings.HasPrefix(unit, g) || len(g) != len(unit)-3 {
		t.Fatalf("unit %s is not under the chain's grid %s", unit, g)
	}
	// The household's point resolves to the same grid (households lie inside their grid).
	_, b, _ := get(t, fmt.Sprintf("%s/v1/resolve?lon=%v&lat=%v", srv.URL, lon, lat))
	if grid(b.Chain) != grid(hc.Chain) {
		t.Fatalf("household point resolves to %s, its unit's grid is %s", grid(b.Chain), grid(hc.Chain))
	}

	req, _ = http.NewRequest("GET", srv.URL+"/v1/households/no-such-household/chain", nil)
	status, eb, raw := do(t, asAdmin(req))
	if status != 404 || eb.Error.Code != "not_found" || !strings.Contains(eb.Error.Message, "no-such-household") {
		t.Fatalf("unknown household: %d %s", status, raw)
	}
}

func TestHealthAndUnknownPaths(t *testing.T) {
	_, srv := sampleServer(t)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/v2/nothing": 404} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("%s: %d %s, want %d JSON", path, resp.StatusCode, resp.Header.Get("Content-Type"), want)
		}
	}
}

// A position given in GCJ-02 (as WeChat reports it) resolves to the grid of the WGS84 point
// it came from; an unknown crs is a 400 naming the parameter.
func TestResolveGCJ02Input(t *testing.T) {
	_, servers := bothResolvers(t)
	srv := servers["memory"]
	lon, lat := 105.0197, 26.9147
	_, wgs, _ := get(t, fmt.Sprintf("%s/v1/resolve?lon=%v&lat=%v", srv.URL, lon, lat))
	gLon, gLat := geo.WGS84ToGCJ02(lon, lat)
	status, gcj, raw := get(t, fmt.Sprintf("%s/v1/resolve?lon=%v&lat=%v&crs=gcj02", srv.URL, gLon, gLat))
	if status != 200 || grid(gcj.Chain) != grid(wgs.Chain) || grid(wgs.Chain) == "" {
		t.Fatalf("gcj02 %v,%v: %d %s; wgs84 grid %s", gLon, gLat, status, raw, grid(wgs.Chain))
	}
	status, b, raw := get(t, srv.URL+"/v1/resolve?lon=105&lat=26.9&crs=bd09")
	if status != 400 || b.Error.Field != "crs" {
		t.Fatalf("unknown crs: %d %s", status, raw)
	}
}
