package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo/access"
	"github.com/gridmap/gridmap/postgis/pgtest"
)

type answer struct {
	status int
	body   string
	header http.Header
}

func newReq(method, url, body string) (*http.Request, error) {
	return http.NewRequest(method, url, strings.NewReader(body))
}

func call(t *testing.T, method, url, token, body string) answer {
	t.Helper()
	req, err := newReq(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return doReq(t, req)
}

func doReq(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b), resp.Header}
}

// The role × territory × endpoint matrix over the sample county, with keys stored in
// PostgreSQL: household data only inside the caller's territory, refusals without data,
// public lookups for everyone, and every household read in the audit log.
func TestAccessMatrix(t *testing.T) {
	db, srv := sampleServer(t)
	ctx := context.Background()
	var h1, h2 string // two households in different towns
	if err := pgtest.Pool(t).QueryRow(ctx, `SELECT min(id) FROM households`).Scan(&h1); err != nil {
		t.Fatal(err)
	}
	if err := pgtest.Pool(t).QueryRow(ctx, `SELECT min(id) FROM households WHERE left(id, 9) <> left($1, 9)`, h1).Scan(&h2); err != nil {
		t.Fatal(err)
	}
	grid1, town1, town2 := h1[:15], h1[:9], h2[:9]
	key := func(name string, grants ...access.Grant) string {
		_, tok, err := db.CreateKey(ctx, name, grants, "test")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	worker := key("worker", access.Grant{Role: access.GridWorker, Territory: grid1})
	planner := key("planner", access.Grant{Role: access.Planner, Territory: town1})
	viewer2 := key("viewer", access.Grant{Role: access.Viewer, Territory: town2})
	revoked := key("revoked", access.Grant{Role: access.Admin})
	revokedID := strings.Split(revoked, "_")[1]
	if err := db.RevokeKey(ctx, revokedID); err != nil {
		t.Fatal(err)
	}
	callers := map[string]string{
		"anonymous": "", "garbage": "gmk_000000000000_nope", "not a key or JWT": "hello",
		"revoked": revoked, "worker": worker, "planner": planner, "viewer2": viewer2, "admin": adminToken,
	}
	// status of GET /v1/households/{id}/chain per caller and household
	want := map[string][2]int{
		"anonymous": {401, 401}, "garbage": {401, 401}, "not a key or JWT": {401, 401}, "revoked": {401, 401},
		"worker": {200, 403}, "planner": {200, 403}, "viewer2": {403, 200}, "admin": {200, 200},
	}
	for name, tok := range callers {
		for i, h := range []string{h1, h2} {
			t.Run(fmt.Sprintf("%s/household%d", name, i+1), func(t *testing.T) {
				a := call(t, "GET", srv.URL+"/v1/households/"+h+"/chain", tok, "")
				if a.status != want[name][i] {
					t.Fatalf("status %d, want %d: %s", a.status, want[name][i], a.body)
				}
				if a.status != 200 && (strings.Contains(a.body, `"household"`) || strings.Contains(a.body, "address") || strings.Contains(a.body, "phone")) {
					t.Errorf("a refusal carries data: %s", a.body)
				}
				if a.status == 401 && a.header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			})
		}
		t.Run(name+"/resolve", func(t *testing.T) {
			a := call(t, "GET", srv.URL+"/v1/resolve?lon=104.8&lat=26.6", tok, "")
			wantStatus := 200
			if want[name][0] == 401 && name != "anonymous" {
				wantStatus = 401 // bad credentials are refused, not read as anonymous
			}
			if a.status != wantStatus && !(wantStatus == 200 && a.status == 404) {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
		})
	}

	// In bulk, each id is checked on its own: the grid worker gets their household and an
	// inline refusal, without data, for the other.
	ids, _ := json.Marshal([]string{h1, h2})
	a := call(t, "POST", srv.URL+"/v1/households/chains", worker, string(ids))
	lines := strings.Split(strings.TrimSpace(a.body), "\n")
	if a.status != 200 || len(lines) != 2 || !strings.Contains(lines[0], `"household"`) ||
		!strings.Contains(lines[1], `"status":403`) || strings.Contains(lines[1], `"household"`) {
		t.Fatalf("bulk as the grid worker: %d\n%s", a.status, a.body)
	}
	for _, tok := range []string{"", revoked} {
		if a := call(t, "POST", srv.URL+"/v1/households/chains", tok, string(ids)); a.status != 401 || strings.Contains(a.body, "household\"") {
			t.Errorf("bulk with token %q: %d %s", tok, a.status, a.body)
		}
	}

	// Every household read is in the audit log under the key that made it.
	recs, err := db.AuditLog(ctx, 0, h1, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	subjects := map[string]bool{}
	for _, r := range recs {
		if r.Action == "read_household" {
			subjects[r.Subject] = true
		}
	}
	if len(subjects) != 3 { // worker, planner, admin
		t.Errorf("audit of %s: %+v", h1, recs)
	}
	// The bulk read recorded the household it served, and not the one it refused.
	workerReads := map[string]int{}
	all, err := db.AuditLog(ctx, 0, "", "key:"+strings.Split(worker, "_")[1], 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		workerReads[r.Target]++
	}
	if workerReads[h1] != 2 || workerReads[h2] != 0 {
		t.Errorf("the grid worker's reads in the audit: %v", workerReads)
	}

	// The audit log over HTTP: administrators only, each within their territory.
	townAdmin := key("town admin", access.Grant{Role: access.Admin, Territory: town1})
	for name, c := range map[string]struct {
		token, query string
		status       int
		sees, hides  string
	}{
		"anonymous":                {"", "", 401, "", h1},
		"planner":                  {planner, "", 403, "", h1},
		"town admin":               {townAdmin, "", 200, h1, h2},
		"town admin, another town": {townAdmin, "?territory=" + town2, 403, "", h2},
		"town admin, every unit":   {townAdmin, "?territory=", 200, h1, h2},
		"admin":                    {adminToken, "", 200, h2, ""},
		"admin, bad territory":     {adminToken, "?territory=52x", 400, "", h1},
		"admin, a page of one":     {adminToken, "?limit=1&territory=" + grid1, 200, h1, h2},
	} {
		t.Run("audit/"+name, func(t *testing.T) {
			a := call(t, "GET", srv.URL+"/v1/audit"+c.query, c.token, "")
			if a.status != c.status || (c.sees != "" && !strings.Contains(a.body, c.sees)) || (c.hides != "" && strings.Contains(a.body, c.hides)) {
				t.Errorf("%d %.500s", a.status, a.body)
			}
		})
	}
}

// Hardening every answer shares: security headers, Allow on 405, ids with invalid bytes
// refused as input instead of reaching the database.
func TestHardening(t *testing.T) {
	_, srv := sampleServer(t)
	a := call(t, "GET", srv.URL+"/v1/resolve?lon=104.8&lat=26.6", "", "")
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
		if got := a.header.Get(h); got != want {
			t.Errorf("%s: %q", h, got)
		}
	}
	// The page and its files also may not be framed, and carry the content security policy
	// (the browser test shows the map draws under it).
	page := httptest.NewServer(api.New(api.Deps{WebDir: "../web"}))
	defer page.Close()
	for _, path := range []string{"/", "/web/app.js"} {
		p := call(t, "GET", page.URL+path, "", "")
		if p.header.Get("X-Frame-Options") != "DENY" || !strings.Contains(p.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			p.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d %v", path, p.status, p.header)
		}
	}
	if h := call(t, "HEAD", srv.URL+"/v1/resolve?lon=104.8&lat=26.6", "", ""); h.status != a.status || h.body != "" {
		t.Errorf("HEAD: %d %q, GET gave %d", h.status, h.body, a.status)
	}
	a = call(t, "DELETE", srv.URL+"/v1/resolve", "", "")
	if a.status != 405 || a.header.Get("Allow") != "GET, POST" {
		t.Errorf("405: %d, Allow %q", a.status, a.header.Get("Allow"))
	}
	for _, id := range []string{"%00", "abc%00def", "%FF%FE", "a%0Ab"} {
		a := call(t, "GET", srv.URL+"/v1/households/"+id+"/chain", adminToken, "")
		if a.status != 400 || !strings.Contains(a.body, `"field":"id"`) {
			t.Errorf("id %s: %d %s", id, a.status, a.body)
		}
	}
}

// Past its rate a caller gets 429 with Retry-After; another caller is not held back.
func TestRateLimit(t *testing.T) {
	db, _ := sampleServer(t)
	srv := httptest.NewServer(api.New(api.Deps{Resolver: db, Households: db, Auth: keysOnly(t, db),
		Limits: api.Limits{Anonymous: 2, Known: 1000, Burst: 5}}))
	defer srv.Close()
	limited := 0
	var retry string
	for range 20 {
		a := call(t, "GET", srv.URL+"/healthz", "", "")
		if a.status == 429 {
			limited++
			retry = a.header.Get("Retry-After")
		}
	}
	if limited < 10 || retry == "" || retry == "0" {
		t.Fatalf("%d of 20 limited, Retry-After %q", limited, retry)
	}
	if a := call(t, "GET", srv.URL+"/healthz", adminToken, ""); a.status != 200 {
		t.Errorf("a key is held back by the anonymous callers' limit: %d", a.status)
	}
}
