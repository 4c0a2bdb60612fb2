package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo/index"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

// moveFixture is a boundary edit on the sample: grid a takes over its neighbour b (same
// village, a shared edge) and is renamed; b keeps its code with no boundary. before is a
// time between the load and the edit. The edit is undone when the test ends, so that the
// package's other tests see the sample as it was.
type moveFixture struct {
	a, b, aName    string
	inB            [2]float64 // a point inside b's old boundary
	household      string     // a household of grid a
	before         time.Time
	server, memory *httptest.Server
}

func newMoveFixture(t *testing.T) moveFixture {
	t.Helper()
	db, _ := sampleServer(t)
	pool := pgtest.Pool(t)
	ctx := context.Background()
	var f moveFixture
	err := pool.QueryRow(ctx, `
		SELECT a.code, b.code, a.name, ST_X(ST_PointOnSurface(b.geom)), ST_Y(ST_PointOnSurface(b.geom)),
		       (SELECT h.id FROM households h JOIN tenhh_units t ON t.code = h.unit_code
		        WHERE t.grid_code = a.code ORDER BY h.id LIMIT 1)
		FROM units a JOIN units b ON a.parent_code = b.parent_code AND a.code < b.code
		WHERE a.level = 'grid' AND b.level = 'grid' AND ST_Relate(a.geom, b.geom, 'F***1****')
		  AND EXISTS (SELECT 1 FROM households h JOIN tenhh_units t ON t.code = h.unit_code WHERE t.grid_code = a.code)
		ORDER BY a.code LIMIT 1`).Scan(&f.a, &f.b, &f.aName, &f.inB[0], &f.inB[1], &f.household)
	if err != nil {
		t.Fatalf("finding two neighbouring grids: %v", err)
	}
	var aGeom, bGeom []byte
	if err := pool.QueryRow(ctx, `SELECT (SELECT ST_AsBinary(geom) FROM units WHERE code = $1), (SELECT ST_AsBinary(geom) FROM units WHERE code = $2), clock_timestamp()`,
		f.a, f.b).Scan(&aGeom, &bGeom, &f.before); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // the edit's valid_from lies clearly after before
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, q := range []string{
		`UPDATE units SET geom = ST_Multi(ST_Union(geom, (SELECT geom FROM units WHERE code = $2::text))), name = name || '（合并）' WHERE code = $1`,
		`UPDATE units SET geom = NULL WHERE code = $2 AND $1::text IS NOT NULL`,
	} {
		if _, err := tx.Exec(ctx, q, f.a, f.b); err != nil {
			t.Fatalf("editing the boundary: %v", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE units SET geom = ST_GeomFromWKB($2, 4326), name = $3 WHERE code = $1`, []any{f.a, aGeom, f.aName}},
			{`UPDATE units SET geom = ST_GeomFromWKB($2, 4326) WHERE code = $1`, []any{f.b, bGeom}},
		} {
			if _, err := pool.Exec(context.Background(), q.sql, q.args...); err != nil {
				t.Errorf("undoing the edit: %v", err)
			}
		}
	})
	f.server = httptest.NewServer(api.New(api.Deps{Resolver: db, Households: db, History: db, Ready: db.Ping, Auth: keysOnly(t, db), Audit: db}))
	t.Cleanup(f.server.Close)
	units, people, err := db.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(units, people)
	if err != nil {
		t.Fatal(err)
	}
	f.memory = httptest.NewServer(api.New(api.Deps{Resolver: ix, Households: db, History: db, Ready: db.Ping, Auth: keysOnly(t, db), Audit: db}))
	t.Cleanup(f.memory.Close)
	return f
}

type asOfBody struct {
	resolveBody
	At   string `json:"at"`
	AsOf string `json:"as_of"`
}

func getAsOf(t *testing.T, u string, admin bool) (int, asOfBody, http.Header) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if admin {
		asAdmin(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var b asOfBody
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("%s: not JSON: %s", u, raw)
	}
	return resp.StatusCode, b, resp.Header
}

func lastCode(b asOfBody) string {
	if n := len(b.Links); n > 0 {
		return b.Links[n-1].Code
	}
	return ""
}

// A grid's boundary and name change: at= before the edit answers the old chain, on every
// endpoint that takes at=, whichever resolver serves the present; without at= (or with a
// time in the future) the new one.
func TestAsOfAfterABoundaryEdit(t *testing.T) {
	f := newMoveFixture(t)
	before := url.QueryEscape(f.before.Format(time.RFC3339Nano))
	pt := "lon=" + ftoa(f.inB[0]) + "&lat=" + ftoa(f.inB[1])
	for name, srv := range map[string]*httptest.Server{"postgis": f.server, "memory": f.memory} {
		t.Run(name+" resolve", func(t *testing.T) {
			cases := []struct {
				query, want, wantAt string
			}{
				{pt, f.a, ""},
				{pt + "&at=" + before, f.b, f.before.In(shanghai).Format(time.RFC3339Nano)},
				{pt + "&at=2999-01-01", f.a, "now"},
			}
			for _, c := range cases {
				status, b, h := getAsOf(t, srv.URL+"/v1/resolve?"+c.query, false)
				if status != 200 || lastCode(b) != c.want {
					t.Errorf("%s: %d %s, want 200 %s", c.query, status, lastCode(b), c.want)
				}
				switch c.wantAt {
				case "":
					if b.At != "" || h.Get("Gridmap-As-Of") != "" {
						t.Errorf("%s: an answer of now carries at=%q", c.query, b.At)
					}
				case "now":
					at, err := time.Parse(time.RFC3339Nano, b.At)
					if err != nil || time.Since(at) > time.Minute || b.AsOf == "" {
						t.Errorf("%s: at=%q as_of=%q, want now and a note", c.query, b.At, b.AsOf)
					}
				default:
					if b.At != c.wantAt || h.Get("Gridmap-As-Of") != c.wantAt || b.AsOf == "" {
						t.Errorf("%s: at=%q (header %q), want %q", c.query, b.At, h.Get("Gridmap-As-Of"), c.wantAt)
					}
				}
			}
		})
	}
	t.Run("household chain", func(t *testing.T) {
		u := f.server.URL + "/v1/households/" + f.household + "/chain"
		_, now, _ := getAsOf(t, u, true)
		_, then, _ := getAsOf(t, u+"?at="+before, true)
		if lastCode(now) != f.a || lastCode(then) != f.a {
			t.Fatalf("household %s: grids %q now and %q then, want %s both", f.household, lastCode(now), lastCode(then), f.a)
		}
		if got := now.Links[len(now.Links)-1].Name; got != f.aName+"（合并）" {
			t.Errorf("now: grid name %q, want the new name", got)
		}
		if got := then.Links[len(then.Links)-1].Name; got != f.aName {
			t.Errorf("then: grid name %q, want the old name %q", got, f.aName)
		}
		if status, _, _ := getAsOf(t, u+"?at="+before, false); status != http.StatusUnauthorized {
			t.Errorf("anonymous at=: %d, want 401", status)
		}
	})
	t.Run("batches", func(t *testing.T) {
		body := "[[" + ftoa(f.inB[0]) + "," + ftoa(f.inB[1]) + "]]"
		for _, c := range []struct{ query, want string }{{"", f.a}, {"?at=" + before, f.b}} {
			lines := postLines(t, f.memory.URL+"/v1/resolve"+c.query, "application/json", body, false)
			if len(lines) != 1 || lines[0]["grid"] != c.want {
				t.Errorf("batch %q: %v, want grid %s", c.query, lines, c.want)
			}
		}
		lines := postLines(t, f.server.URL+"/v1/households/chains?at="+before, "application/json", `["`+f.household+`"]`, true)
		if len(lines) != 1 {
			t.Fatalf("household batch: %v", lines)
		}
		res, _ := lines[0]["result"].(map[string]any)
		chain, _ := res["chain"].([]any)
		if len(chain) == 0 {
			t.Fatalf("household batch: no chain in %v", lines[0])
		}
		if grid, _ := chain[len(chain)-1].(map[string]any); grid["name"] != f.aName {
			t.Errorf("household batch at=: grid %v, want the old name %q", grid, f.aName)
		}
	})
}

// History lists both versions of the edited grids, with validity that joins up, and
// geometry unless asked not to.
func TestUnitHistoryListsVersions(t *testing.T) {
	f := newMoveFixture(t)
	type collection struct {
		Type     string `json:"type"`
		Features []struct {
			Geometry   json.RawMessage `json:"geometry"`
			Properties struct {
				Version   int     `json:"version"`
				Name      string  `json:"name"`
				Parent    *string `json:"parent_code"`
				Area      float64 `json:"area_m2"`
				ValidFrom string  `json:"valid_from"`
				ValidTo   *string `json:"valid_to"`
				Current   bool    `json:"current"`
				Deleted   bool    `json:"deleted"`
			} `json:"properties"`
		} `json:"features"`
	}
	var a, b collection
	// Other tests of the package edit and restore the same grids: the edit is the last two.
	if st := getInto(t, f.server.URL+"/v1/units/"+f.a+"/history", &a); st != 200 || len(a.Features) < 2 {
		t.Fatalf("history of %s: %d, %d versions, want 200 and at least 2", f.a, st, len(a.Features))
	}
	n := len(a.Features)
	old, cur := a.Features[n-2].Properties, a.Features[n-1].Properties
	if old.Name != f.aName || cur.Name != f.aName+"（合并）" || old.Current || !cur.Current || cur.ValidTo != nil {
		t.Errorf("versions of %s: %+v then %+v", f.a, old, cur)
	}
	if old.ValidTo == nil || *old.ValidTo != cur.ValidFrom || cur.Version != old.Version+1 {
		t.Errorf("the old version ends %v, the new begins %s (versions %d, %d)", old.ValidTo, cur.ValidFrom, old.Version, cur.Version)
	}
	if !(cur.Area > old.Area && old.Area > 0) || old.Parent == nil || string(a.Features[n-2].Geometry) == "null" {
		t.Errorf("areas %v then %v, parent %v, geometry %s", old.Area, cur.Area, old.Parent, a.Features[n-2].Geometry)
	}
	if st := getInto(t, f.server.URL+"/v1/units/"+f.b+"/history?geometry=false", &b); st != 200 || len(b.Features) < 2 {
		t.Fatalf("history of %s: %d, %d versions", f.b, st, len(b.Features))
	}
	n = len(b.Features)
	for i, v := range b.Features {
		if string(v.Geometry) != "null" {
			t.Errorf("geometry=false: version %d has geometry %.40s", i, v.Geometry)
		}
	}
	if b.Features[n-2].Properties.Area <= 0 || b.Features[n-1].Properties.Area != 0 {
		t.Errorf("b's areas: %v then %v (the boundary was taken away)", b.Features[n-2].Properties.Area, b.Features[n-1].Properties.Area)
	}
}

// Bad and out-of-range at= and history requests: each a clear status and message.
func TestAsOfRefusals(t *testing.T) {
	f := newMoveFixture(t)
	pt := "lon=" + ftoa(f.inB[0]) + "&lat=" + ftoa(f.inB[1])
	cases := []struct {
		name, path  string
		status      int
		field, text string
	}{
		{"bad at", "/v1/resolve?" + pt + "&at=yesterday", 400, "at", "not a date"},
		{"empty at", "/v1/resolve?" + pt + "&at=", 400, "at", "required"},
		{"bad at on a batch-less chain", "/v1/households/x/chain?at=2026-13-01", 400, "at", "not a date"},
		{"before any data", "/v1/resolve?" + pt + "&at=2000-01-01", 404, "", "before any data"},
		{"household before any data", "/v1/households/" + f.household + "/chain?at=2000-01-01", 404, "", "before any data"},
		{"unknown unit", "/v1/units/999999/history", 404, "", "ever had"},
		{"bad code", "/v1/units/abc/history", 400, "code", "digits"},
		{"bad geometry flag", "/v1/units/" + f.a + "/history?geometry=no", 400, "geometry", "true or false"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, b, _ := getAsOf(t, f.server.URL+c.path, true)
			if status != c.status || b.Error.Field != c.field || !strings.Contains(b.Error.Message, c.text) {
				t.Errorf("%s: %d field %q %q, want %d field %q containing %q", c.path, status, b.Error.Field, b.Error.Message, c.status, c.field, c.text)
			}
		})
	}
	// A server without history says so for at=, rather than answering the present.
	_, plain := sampleServer(t)
	if status, b, _ := getAsOf(t, plain.URL+"/v1/resolve?"+pt+"&at=2026-01-01", false); status != 400 || b.Error.Field != "at" {
		t.Errorf("at= without history: %d %+v", status, b.Error)
	}
}

var shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

func postLines(t *testing.T, u, contentType, body string, admin bool) []map[string]any {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if admin {
		asAdmin(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []map[string]any
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: line %q: %v", u, sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
