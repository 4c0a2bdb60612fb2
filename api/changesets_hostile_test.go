package api_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/api"
)

// A planner's client that stops sending a change set's body half way is answered at the
// request's time limit and the connection closed, on the change-set API and on a set's
// OGC API page alike; the answer names the body and nothing of the connection.
func TestChangeSetStalledBodyEndsAtTheTimeLimit(t *testing.T) {
	f := newCSFixture(t, "990690", 111)
	set := f.open(t, "stalled")
	srv := httptest.NewServer(api.New(api.Deps{Resolver: f.db, Households: f.db, Ready: f.db.Ping, Auth: keysOnly(t, f.db),
		ChangeSets: f.db, OGCChangeSets: f.db, Items: f.db, Timeout: 300 * time.Millisecond}))
	t.Cleanup(srv.Close)
	id := strings.TrimPrefix(set, "/v1/changesets/")
	for _, c := range []struct{ name, method, path string }{
		{"a unit", "PUT", set + "/units/" + f.grid1},
		{"an operation", "POST", set + "/merge"},
		{"an OGC feature", "POST", "/changesets/" + id + "/collections/grid/items"},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/geo+json\r\nContent-Length: 1000\r\n\r\n{\"type\":", c.method, c.path, f.planner)
			// A failure guard, not a measurement: without the deadline the read waits for ever.
			conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer to a stalled body: %v", err)
			}
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `"field":"body"`) || strings.Contains(string(b), "tcp") {
				t.Errorf("%d %s", res.StatusCode, b)
			}
		})
	}
}

// Properties of the wrong JSON kind are named in the caller's terms: the field and the
// kind expected, never Go's types.
func TestChangeSetPropertiesOfTheWrongKind(t *testing.T) {
	f := newCSFixture(t, "990691", 112)
	set := f.open(t, "wrong kinds")
	geom := csBox(f.x, f.y, f.x+0.01, f.y+0.02)
	for _, c := range []struct {
		name  string
		props any
		field string
	}{
		{"an array", []any{"name"}, "properties"},
		{"a number for the name", map[string]any{"name": 5, "level": "grid"}, "properties.name"},
		{"a string for attrs", map[string]any{"name": "n", "level": "grid", "attrs": "x"}, "properties.attrs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := map[string]any{"type": "Feature", "properties": c.props, "geometry": geom}
			a := f.call(t, f.planner, "PUT", set+"/units/"+f.grid1, body).want(t, http.StatusBadRequest)
			e, _ := a.body["error"].(map[string]any)
			if e["field"] != c.field || strings.Contains(a.raw, "struct") || strings.Contains(a.raw, "Go value") {
				t.Errorf("%s", a.raw)
			}
		})
	}
}
