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
