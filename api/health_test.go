package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gridmap/gridmap/api"
	"github.com/gridmap/gridmap/geo"
)

// /readyz reports the index's position, and 503 with the index still described when the
// database is unreachable (lookups go on answering from memory).
func TestReadyzReportsIndexAndDatabase(t *testing.T) {
	dbUp := true
	srv := httptest.NewServer(api.New(api.Deps{
		Ready: func(context.Context) error {
			if dbUp {
				return nil
			}
			return &geo.Error{Kind: geo.Unavailable, Message: "database unreachable", Err: errors.New("refused")}
		},
		IndexStatus: func(context.Context) map[string]any { return map[string]any{"change_seq": 42, "lag_changes": 0} },
	}))
	defer srv.Close()
	for _, tc := range []struct {
		up     bool
		status int
		db     string
	}{{true, 200, "reachable"}, {false, 503, "unreachable"}} {
		dbUp = tc.up
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Database string         `json:"database"`
			Index    map[string]any `json:"index"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || body.Database != tc.db || body.Index["change_seq"] != 42.0 {
			t.Fatalf("db up %v: %d %+v", tc.up, resp.StatusCode, body)
		}
	}
}

// An index too far behind the change log makes /readyz not-ready, so traffic goes elsewhere.
func TestReadyzLagging(t *testing.T) {
	lagging := false
	srv := httptest.NewServer(api.New(api.Deps{
		IndexStatus: func(context.Context) map[string]any { return map[string]any{"lag_seconds": 12.5, "lagging": lagging} },
	}))
	defer srv.Close()
	for _, tc := range []struct {
		lagging bool
		status  int
		say     string
	}{{false, 200, "ready"}, {true, 503, "lagging"}} {
		lagging = tc.lagging
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Status string `json:"status"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || body.Status != tc.say {
			t.Errorf("lagging %v: %d %q", tc.lagging, resp.StatusCode, body.Status)
		}
	}
}
