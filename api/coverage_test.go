package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/api"
)

// The coverage report of the sample county, and of units that are not there.
func TestUnitCoverage(t *testing.T) {
	db, _ := sampleServer(t)
	srv := httptest.NewServer(api.New(api.Deps{Resolver: db, Ready: db.Ping, Coverage: db}))
	t.Cleanup(srv.Close)
	cases := []struct {
		name, path string
		status     int
		wants      []string
	}{
		{"the county", "/v1/units/520204/coverage", 200,
			[]string{`"type":"FeatureCollection"`, `"features":[]`, `"parents_checked":220`, `"parents_clean":220`, `"unit":"520204"`}},
		{"a village", "/v1/units/520204103200/coverage", 200,
			[]string{`"parents_checked":1`, `"code":"520204103200"`, `"covered":1`}},
		{"a grid: nothing under it", "/v1/units/520204103200002/coverage", 200, []string{`"parents_checked":0`}},
		{"unknown", "/v1/units/520204999/coverage", 404, []string{`"code":"not_found"`, "520204999"}},
		{"not a code", "/v1/units/52O204/coverage", 400, []string{`"field":"code"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			for _, w := range c.wants {
				if !strings.Contains(string(body), w) {
					t.Errorf("body lacks %s: %.400s", w, body)
				}
			}
			if c.status == 200 {
				if ct := resp.Header.Get("Content-Type"); ct != "application/geo+json" {
					t.Errorf("Content-Type %q", ct)
				}
				var v map[string]any
				if err := json.Unmarshal(body, &v); err != nil {
					t.Errorf("not JSON: %v", err)
				}
			}
		})
	}
}
